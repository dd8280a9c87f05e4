"""The notebook in JupyterLab: the template, run and saved there, changes no report; ``xxgk notebook``
writes a working copy of it for one report that runs where it is written.

The template is saved as JupyterLab saves it by running a copy in a real kernel (outputs, execution
counts, timings, the kernel's language) and adding what the front end writes (widget state,
collapsed and scrolled cells, another kernel, other defaults in the parameters cell).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml
from nbclient import NotebookClient
from typer.testing import CliRunner

from xxgk import notebook
from xxgk.cli import app
from xxgk.render import render

PROJECT = Path(__file__).resolve().parents[1]
SEED = ("红旗满族乡", 2020)
SAMPLE_2021 = ("示例镇", 2021)
XXGK = [sys.executable, "-c", "from xxgk.cli import main; main()"]


def copy_inputs(root: Path, *reports: tuple[str, int]) -> Path:
    for township, year in reports:
        for rel in (f"data/{year}/{township}.csv", f"params/{township}/{year}.yaml"):
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(PROJECT / rel, target)
    return root


def run_in_kernel(path: Path) -> nbformat.NotebookNode:
    """The notebook at ``path`` run top to bottom in a ``python3`` kernel started in its folder, as
    JupyterLab runs it."""
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, kernel_name="python3", timeout=300, resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb


def html_outputs(nb: nbformat.NotebookNode) -> str:
    return "\n".join(out.get("data", {}).get("text/html", "") for cell in nb.cells if cell.cell_type == "code"
                     for out in cell.outputs)


@pytest.fixture(scope="module")
def saved_template(tmp_path_factory) -> Path:
    """A copy of the project's notebooks folder beside the seed's inputs, its template run in
    JupyterLab's way and saved with everything a session leaves in it."""
    project = copy_inputs(tmp_path_factory.mktemp("analyst"), SEED)
    shutil.copytree(notebook.notebooks_dir(), project / "notebooks",
                    ignore=shutil.ignore_patterns("work", ".ipynb_checkpoints"))
    path = project / "notebooks" / notebook.TEMPLATE_NAME
    nb = run_in_kernel(path)
    assert "红旗满族乡" in html_outputs(nb)  # it ran, with the template's own defaults
    nb.metadata["kernelspec"] = {"display_name": "xxgk (venv)", "language": "python", "name": "xxgk-venv"}
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {
        "state": {"4f1c": {"model_module": "@jupyter-widgets/base", "model_name": "LayoutModel", "state": {}}},
        "version_major": 2, "version_minor": 0}}
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.metadata.update(collapsed=False, scrolled=True)
        if "parameters" in cell.metadata.get("tags", []):
            cell.source = (cell.source.replace('"红旗满族乡"', '"示例镇"').replace("2020", "2021")
                           .replace('root: str = ".."', 'root: str = "/home/analyst/xxgk"').replace("= False", "= True"))
    nbformat.write(nb, path)
    text = path.read_text(encoding="utf-8")
    for left in ('"execution_count": 3', '"output_type": "display_data"', '"shell.execute_reply"', '"language_info"',
                 '"scrolled": true', "xxgk-venv", "widget-state", "/home/analyst/xxgk"):
        assert left in text, left
    return path


def page_and_notebook(root: Path, township: str, year: int) -> tuple[bytes, bytes]:
    result = render(root, township, year)
    assert result.ok, result.error
    return result.html_path.read_bytes(), result.notebook_path.read_bytes()


def test_a_template_saved_from_jupyterlab_renders_the_same_bytes(saved_template, tmp_path, monkeypatch):
    monkeypatch.delenv(notebook.TEMPLATE_ENV, raising=False)
    kit_hash = notebook.template_sha256()
    as_shipped = page_and_notebook(copy_inputs(tmp_path / "a", SEED), *SEED)
    monkeypatch.setenv(notebook.TEMPLATE_ENV, str(saved_template))  # the kernel inherits it
    assert notebook.template_sha256() == kit_hash
    as_saved = page_and_notebook(copy_inputs(tmp_path / "b", SEED), *SEED)
    assert as_saved[0] == as_shipped[0], "the HTML page differs"
    assert as_saved[1] == as_shipped[1], "the executed notebook differs"
    page = as_saved[0].decode("utf-8")
    assert kit_hash in page  # the provenance footer's template hash
    executed = nbformat.reads(as_saved[1].decode("utf-8"), as_version=4)
    for left in ("示例镇", "/home/analyst", "xxgk-venv", "widget", "scrolled", "stale"):
        assert left not in as_saved[1].decode("utf-8"), left
    assert executed.metadata.kernelspec.name == "python3"


def batch(root: Path, template: Path | None) -> tuple[int, dict]:
    """Run ``xxgk batch`` (fast engine) with the kit's template or ``template``: (reports rendered,
    the manifest's template hash of each report)."""
    env = {k: v for k, v in os.environ.items() if k != notebook.TEMPLATE_ENV}
    if template is not None:
        env[notebook.TEMPLATE_ENV] = str(template)
    done = subprocess.run([*XXGK, "batch", "--root", str(root), "--engine", "inprocess"], capture_output=True,
                          text=True, env=env, stdin=subprocess.DEVNULL, timeout=600)
    assert done.returncode == 0, done.stderr
    count = int(re.search(r"本次生成 (\d+) 份$", done.stderr, re.M).group(1))
    manifest = json.loads((root / "output" / "manifest.json").read_text(encoding="utf-8"))["reports"]
    return count, {k: e["inputs"]["template"] for k, e in manifest.items()}


def test_batch_renders_nothing_again_after_a_jupyterlab_save_and_everything_after_an_edit(saved_template, tmp_path):
    root = copy_inputs(tmp_path, SEED, SAMPLE_2021)
    first, hashes = batch(root, None)
    assert first == 2 and len(set(hashes.values())) == 1
    assert batch(root, saved_template) == (0, hashes)

    edited = tmp_path / "edited.ipynb"
    nb = nbformat.read(saved_template, as_version=4)
    title = next(c for c in nb.cells if c.id == "title")
    title.source = "# an analyst's note\n" + title.source
    nbformat.write(nb, edited)
    count, after = batch(root, edited)
    assert count == 2 and set(after.values()).isdisjoint(hashes.values())


# --- xxgk notebook: the working copy --------------------------------------------------------------


def notebook_cmd(*args: str):
    return CliRunner().invoke(app, ["notebook", *args])


def test_working_copy_is_written_and_runs_as_that_report_from_its_folder(tmp_path, monkeypatch):
    root = copy_inputs(tmp_path, SEED, SAMPLE_2021)
    monkeypatch.chdir(root)
    result = notebook_cmd("--township", "示例镇", "--year", "2021")
    assert result.exit_code == 0, result.output
    rel = "notebooks/work/2021-示例镇.ipynb"
    lines = result.stdout.splitlines()
    assert lines[0] == f"已写入 {rel}"
    assert re.fullmatch(rf"\S*jupyter lab {re.escape(rel)}", lines[1].split("：", 1)[1])
    copy = root / rel
    assert "jupytext" not in copy.read_text(encoding="utf-8")  # no .py written beside it by JupyterLab
    nb = run_in_kernel(copy)
    shown = html_outputs(nb)
    title = yaml.safe_load((root / "params" / "示例镇" / "2021.yaml").read_text(encoding="utf-8"))["title"]
    assert title in shown and "红旗满族乡" not in shown


def test_working_copy_under_another_root_lives_in_that_root(tmp_path):
    root = copy_inputs(tmp_path / "elsewhere", SEED)
    result = notebook_cmd("--township", SEED[0], "--year", str(SEED[1]), "--root", str(root))
    assert result.exit_code == 0, result.output
    copy = root / "notebooks" / "work" / f"{SEED[1]}-{SEED[0]}.ipynb"
    assert result.stdout.splitlines()[0] == f"已写入 {copy}"
    params_cell = next(c for c in nbformat.read(copy, as_version=4).cells if "parameters" in c.metadata.get("tags", []))
    namespace: dict = {}
    exec(params_cell.source, namespace)
    assert (namespace["township"], namespace["year"], namespace["publish"]) == (*SEED, False)
    assert (copy.parent / namespace["root"]).resolve() == root.resolve()


def test_working_copy_is_never_overwritten_without_force(tmp_path):
    root = copy_inputs(tmp_path, SEED)
    args = ("--township", SEED[0], "--year", str(SEED[1]), "--root", str(root))
    assert notebook_cmd(*args).exit_code == 0
    copy = root / "notebooks" / "work" / f"{SEED[1]}-{SEED[0]}.ipynb"
    copy.write_text(copy.read_text(encoding="utf-8").replace("html.section(document, 3", "html.section(document, 4"),
                    encoding="utf-8")
    explored = copy.read_bytes()
    again = notebook_cmd(*args)
    assert again.exit_code == 1 and again.stdout == ""
    assert str(copy) in again.stderr and "--force" in again.stderr and "Traceback" not in again.output
    assert copy.read_bytes() == explored
    forced = notebook_cmd(*args, "--force")
    assert forced.exit_code == 0 and copy.read_bytes() != explored
    assert "html.section(document, 3" in copy.read_text(encoding="utf-8")
    assert sorted(p.name for p in copy.parent.iterdir()) == [copy.name]  # no temporary left


@pytest.mark.parametrize("township, year, expected", [
    ("某某镇", "2020", "data/2020/某某镇.csv"),  # no data file: name the file that is missing
    ("红旗满族乡", "2021", "data/2021/红旗满族乡.csv"),
    ("../红旗满族乡", "2020", "E-NAME"),
    (".hidden", "2020", "E-NAME"),
])
def test_working_copy_is_refused_without_a_report_to_explore(tmp_path, township, year, expected):
    root = copy_inputs(tmp_path, SEED)
    result = notebook_cmd("--township", township, "--year", year, "--root", str(root))
    assert result.exit_code == 1
    assert expected in result.stderr and result.stderr.startswith("错误") and "Traceback" not in result.output
    assert not (root / "notebooks").exists() and not (tmp_path.parent / "notebooks").exists()
