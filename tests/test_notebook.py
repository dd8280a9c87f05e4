"""The notebook template and the pieces around its execution that need no kernel: the jupytext
pair, the parameters cell, scrubbing an executed notebook, the HTML export, atomic writes."""

from __future__ import annotations

import ast
import copy
import os
import shutil
import stat
from pathlib import Path

import jupytext
import lxml.html
import nbformat
import papermill
import pytest
from hypothesis import given
from hypothesis import strategies as st
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from xxgk import atomic, execute, export, notebook
from xxgk.report import build_report

MAIN = Path(__file__).resolve().parents[1]
SEED_CSV = MAIN / "data" / "2020" / "红旗满族乡.csv"


def _cells(nb) -> list[tuple[str, str, list[str]]]:
    return [(c.cell_type, c.source.strip(), sorted(c.metadata.get("tags", []))) for c in nb.cells]


def test_template_is_in_the_repository():
    assert notebook.template_path() == MAIN / "notebooks" / "annual_report.ipynb"
    assert notebook.paired_path().is_file()


def test_jupytext_pair_has_the_same_cells():
    ipynb = jupytext.read(notebook.template_path())
    py = jupytext.read(notebook.paired_path())
    assert py.metadata["jupytext"]["text_representation"]["format_name"] == "percent"
    assert _cells(ipynb) == _cells(py), "run `jupytext --sync notebooks/annual_report.ipynb`"


def test_pair_comparison_notices_a_drifted_cell(tmp_path):
    # The comparison above must not be blind: an edit to one side only is caught.
    py_text = notebook.paired_path().read_text(encoding="utf-8")
    drifted = tmp_path / "annual_report.py"
    drifted.write_text(py_text.replace("html.section(document, 3)", "html.section(document, 4)"), encoding="utf-8")
    assert _cells(jupytext.read(notebook.template_path())) != _cells(jupytext.read(drifted))


def test_parameters_cell_has_typed_defaults_that_run_from_notebooks_folder():
    nb = notebook.load_template()
    first_code = next(c for c in nb.cells if c.cell_type == "code")
    assert first_code.metadata.get("tags") == ["parameters"]
    inferred = papermill.inspect_notebook(str(notebook.template_path()))
    types = {name: (p["inferred_type_name"], p["default"]) for name, p in inferred.items()}
    assert types == {"township": ("str", '"红旗满族乡"'), "year": ("int", "2020"), "root": ("str", '".."'),
                     "publish": ("bool", "False"), "lang": ("str", '"zh"')}
    # In JupyterLab the kernel starts in notebooks/: the default root must reach the seed's data.
    root = notebook.notebooks_dir() / inferred["root"]["default"].strip('"')
    assert (root / "data" / "2020" / "红旗满族乡.csv").is_file()


def test_template_cells_have_unique_stable_ids():
    ids = [c.get("id") for c in notebook.load_template().cells]
    assert all(ids) and len(set(ids)) == len(ids)


# --- the template's identity: what JupyterLab saves changes nothing --------------------------------


def _as_jupyterlab_saves_it(path: Path) -> None:
    """Outputs, execution counts and what JupyterLab and its kernel write beside the cells, and
    other defaults in the parameters cell, saved into the template at ``path``."""
    nb = nbformat.read(path, as_version=4)
    nb.metadata["language_info"] = {"name": "python", "version": "3.12.1", "pygments_lexer": "ipython3"}
    nb.metadata["kernelspec"] = {"display_name": "xxgk (venv)", "language": "python", "name": "xxgk-venv"}
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {
        "state": {"a1": {"model_name": "LayoutModel", "state": {}}}, "version_major": 2, "version_minor": 0}}
    nb.metadata["toc-autonumbering"] = True
    count = 0
    for cell in nb.cells:
        cell.metadata["jupyter"] = {"source_hidden": True}
        if cell.cell_type != "code":
            continue
        count += 1
        cell.execution_count = count
        cell.metadata.update(collapsed=True, scrolled=True, execution={
            "iopub.execute_input": "2025-03-01T10:00:00.000Z", "shell.execute_reply": "2025-03-01T10:00:01.000Z"})
        cell.outputs = [new_output("display_data", data={"text/html": f"<p>stale {count}</p>", "text/plain": "<HTML>"}),
                        new_output("stream", name="stdout", text="noise\n")]
        if "parameters" in cell.metadata.get("tags", []):
            cell.source = (cell.source.replace('"红旗满族乡"', '"某某镇"').replace("2020", "2022")
                           .replace('root: str = ".."', 'root: str = "/home/analyst/其他"').replace("= False", "= True"))
    nbformat.write(nb, path)


@pytest.fixture
def template_copy(tmp_path, monkeypatch):
    """A copy of the project's notebooks folder, the kit pointed at its template."""
    folder = tmp_path / "notebooks"
    shutil.copytree(notebook.notebooks_dir(), folder, ignore=shutil.ignore_patterns("work", ".ipynb_checkpoints"))
    path = folder / notebook.TEMPLATE_NAME
    monkeypatch.setenv(notebook.TEMPLATE_ENV, str(path))
    return path


REPORT = {"township": "示例镇", "year": 2021, "root": "../..", "publish": False, "lang": "zh"}


def _as_used(monkeypatch, path: Path | None) -> tuple[str, str]:
    """(template hash, the notebook executed for REPORT) with the kit pointed at ``path`` (None: its own)."""
    if path is None:
        monkeypatch.delenv(notebook.TEMPLATE_ENV, raising=False)
    else:
        monkeypatch.setenv(notebook.TEMPLATE_ENV, str(path))
    return notebook.template_sha256(), nbformat.writes(notebook.for_report(REPORT))


def test_saving_the_template_from_jupyterlab_changes_no_hash_and_no_executed_notebook(template_copy, monkeypatch):
    _as_jupyterlab_saves_it(template_copy)
    saved = template_copy.read_text(encoding="utf-8")
    for left in ("stale 1", "某某镇", "2022", "/home/analyst/其他", "= True", "xxgk-venv"):  # the save took
        assert left in saved, left
    assert _as_used(monkeypatch, template_copy) == _as_used(monkeypatch, None)


def test_the_executed_notebook_carries_only_cells_tags_and_the_reports_parameters(template_copy, monkeypatch):
    _as_jupyterlab_saves_it(template_copy)
    nb = nbformat.reads(_as_used(monkeypatch, template_copy)[1], as_version=4)
    nbformat.validate(nb)
    assert dict(nb.metadata) == {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                                                "name": "python3"}}
    for cell in nb.cells:
        assert set(cell.metadata) <= {"tags"}, cell.id
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    params_cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    namespace: dict = {}
    exec(params_cell.source, namespace)
    assert {k: namespace[k] for k in REPORT} == REPORT
    assert "某某镇" not in params_cell.source and "/home/analyst" not in params_cell.source
    assert "# the folder holding data/" in params_cell.source  # comments are source, kept


def _edit(path: Path, change) -> None:
    nb = nbformat.read(path, as_version=4)
    change(nb)
    nbformat.write(nb, path)


def _cell(nb, cell_id: str):
    return next(c for c in nb.cells if c.id == cell_id)


def _set(cell, **fields):
    for key, value in fields.items():
        setattr(cell, key, value) if key != "tags" else cell.metadata.__setitem__("tags", value)


EDITS = {
    "a line of a cell's source": lambda nb: _set(_cell(nb, "section-3"), source=_cell(nb, "section-3").source + "\nprint(1)"),
    "a comment in a cell": lambda nb: _set(_cell(nb, "title"), source="# checked\n" + _cell(nb, "title").source),
    "a tag removed": lambda nb: _set(_cell(nb, "explore-findings"), tags=[]),
    "a tag added": lambda nb: _set(_cell(nb, "banner"), tags=["xxgk-explore"]),
    "a cell removed": lambda nb: nb.cells.remove(_cell(nb, "section-5")),
    "two cells swapped": lambda nb: nb.cells.__setitem__(slice(8, 10), nb.cells[8:10][::-1]),
    "a Markdown cell's text": lambda nb: _set(_cell(nb, "intro"), source=_cell(nb, "intro").source + " 新"),
    "a cell's type": lambda nb: nb.cells.__setitem__(1, nbformat.v4.new_markdown_cell(nb.cells[1].source, id=nb.cells[1].id)),
    "a parameter that reports do not set": lambda nb: _set(_cell(nb, "parameters"),
                                                          source=_cell(nb, "parameters").source + '\nlang: str = "zh"'),
    "a parameter's annotation": lambda nb: _set(_cell(nb, "parameters"),
                                                source=_cell(nb, "parameters").source.replace("year: int", "year: str")),
}


@pytest.mark.parametrize("edit", EDITS, ids=list(EDITS))
def test_an_edit_to_the_cells_changes_the_hash(template_copy, monkeypatch, edit):
    original = _as_used(monkeypatch, None)[0]
    _edit(template_copy, EDITS[edit])
    assert _as_used(monkeypatch, template_copy)[0] != original


def test_a_default_that_reports_do_not_override_counts(template_copy, monkeypatch):
    # Only the values papermill injects are placeholders: any other value in the parameters cell
    # reaches the report and must count.
    add = lambda value: lambda nb: _set(_cell(nb, "parameters"), source=_cell(nb, "parameters").source + f"\nunit = {value}")
    _edit(template_copy, add('"件"'))
    first = _as_used(monkeypatch, template_copy)[0]
    _edit(template_copy, lambda nb: _set(_cell(nb, "parameters"), source=_cell(nb, "parameters").source.replace('"件"', '"起"')))
    assert _as_used(monkeypatch, template_copy)[0] != first


def test_hash_follows_the_file_as_it_changes(template_copy, monkeypatch):
    # The hash is cached by the file's mtime and size: a later save must be seen.
    before = notebook.template_sha256()
    _edit(template_copy, EDITS["a line of a cell's source"])
    assert notebook.template_sha256() != before


def test_missing_template_named_by_the_environment_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv(notebook.TEMPLATE_ENV, str(tmp_path / "nope.ipynb"))
    with pytest.raises(FileNotFoundError, match=notebook.TEMPLATE_ENV):
        notebook.template_path()


SOURCE = """\
township: str = "红旗满族乡"  # 名称 "in quotes"
year = (
    2020
)
other = "kept"
root: str = '..' ; publish: bool = False
x, y = 1, 2
"""


def test_parameter_values_are_replaced_in_place():
    values = {"township": '"示例镇"', "year": "2021", "root": '"../.."', "publish": "True"}
    out = notebook.set_parameter_values(SOURCE, values)
    namespace: dict = {}
    exec(out, namespace)
    assert {k: namespace[k] for k in values} == {"township": "示例镇", "year": 2021, "root": "../..", "publish": True}
    assert namespace["other"] == "kept" and (namespace["x"], namespace["y"]) == (1, 2)
    assert '# 名称 "in quotes"' in out and "year = (" in out


def test_a_parameters_cell_that_does_not_parse_is_left_as_it_is():
    broken = 'township: str = "红旗满族乡"\nyear = 20 20\n'
    assert notebook.set_parameter_values(broken, {"township": '"x"'}) == broken


@given(st.one_of(st.text(), st.integers(), st.booleans()))  # what a report sets
def test_literal_reads_back_as_the_value(value):
    assert ast.literal_eval(notebook.literal(value)) == value


# --- stopping on input errors -----------------------------------------------------------------


def _root_with(tmp_path: Path, csv_text: str) -> Path:
    (tmp_path / "data" / "2020").mkdir(parents=True)
    (tmp_path / "data" / "2020" / "红旗满族乡.csv").write_text(csv_text, encoding="utf-8")
    return tmp_path


def test_notebook_stops_on_input_errors_and_names_them(tmp_path, capsys):
    text = SEED_CSV.read_text(encoding="utf-8").replace("政府集中采购,采购项目数量,9", "政府集中采购,采购项目数量,9件")
    report = build_report(_root_with(tmp_path, text), "红旗满族乡", 2020)
    with pytest.raises(notebook.InputErrors) as raised:
        notebook.stop_on_input_errors(report)
    message = raised.value._render_traceback_()[0]
    assert "9件" in message and "data/2020/红旗满族乡.csv:22" in message


def test_notebook_goes_on_without_input_errors(tmp_path):
    report = build_report(_root_with(tmp_path, SEED_CSV.read_text(encoding="utf-8")), "红旗满族乡", 2020)
    assert notebook.stop_on_input_errors(report) is None


# --- scrubbing ---------------------------------------------------------------------------------


def _executed(template: nbformat.NotebookNode, stamp: str) -> nbformat.NotebookNode:
    """What papermill and nbclient leave: times, durations, paths, a fresh random id."""
    nb = copy.deepcopy(template)
    injected = new_code_cell('township = "x"\n')  # nbformat gives it a random id
    injected.metadata["tags"] = ["injected-parameters"]
    nb.cells.insert(1, injected)
    nb.metadata["papermill"] = {"start_time": stamp, "end_time": stamp, "duration": 1.5,
                                "input_path": f"/home/{stamp}/t.ipynb", "output_path": None,
                                "parameters": {"year": 2020}}
    for cell in nb.cells:
        cell.metadata["papermill"] = {"start_time": stamp, "end_time": stamp, "duration": 0.1,
                                      "status": "completed", "exception": False}
        cell.metadata["execution"] = {"iopub.status.busy": stamp, "shell.execute_reply": stamp}
    return nb


def test_scrub_leaves_nothing_that_varies_between_runs():
    template = new_notebook(cells=[new_markdown_cell("# t"), new_code_cell("1")])
    template.cells[0].id, template.cells[1].id = "intro", "body"
    ids = [c.id for c in template.cells]
    labels = execute.Labels("notebooks/t.ipynb", "output/2020/x.ipynb")
    one = execute.scrub(_executed(template, "2024-01-01T00:00:00"), ids, labels)
    two = execute.scrub(_executed(template, "2025-06-30T12:34:56"), ids, labels)
    assert execute.dumps(one) == execute.dumps(two)
    text = execute.dumps(one)
    for noise in ("start_time", "end_time", "duration", "iopub", "execute_reply", "2024", "/home/"):
        assert noise not in text
    assert [c.id for c in one.cells] == ["intro", "injected-parameters", "body"]
    assert one.metadata["papermill"]["input_path"] == "notebooks/t.ipynb"
    assert one.metadata["papermill"]["parameters"] == {"year": 2020}
    assert one.cells[2].metadata["papermill"] == {"status": "completed", "exception": False}
    nbformat.validate(one)


def test_scrub_gives_added_cells_distinct_ids():
    template = new_notebook(cells=[new_code_cell("1")])
    template.cells[0].id = "body"
    nb = copy.deepcopy(template)
    for _ in range(2):  # papermill's two error markers, both untagged
        nb.cells.insert(0, new_markdown_cell("error"))
    nb = execute.scrub(nb, ["body"], execute.Labels("a", "b"))
    ids = [c.id for c in nb.cells]
    assert ids[2] == "body" and len(set(ids)) == 3
    nbformat.validate(nb)


def test_unknown_engine_is_refused_before_anything_runs():
    with pytest.raises(ValueError, match="unknown engine"):
        execute.execute(notebook.load_template(), {}, cwd=".", labels=execute.Labels("a", "b"), engine="nope")


# --- export ------------------------------------------------------------------------------------


def _output_cell(html: str, tags: list[str] | None = None, source: str = "display(x)") -> nbformat.NotebookNode:
    cell = new_code_cell(source, outputs=[new_output("display_data", data={"text/html": html, "text/plain": "<HTML>"})])
    cell.metadata["tags"] = tags or []
    return cell


def _page(nb: nbformat.NotebookNode, css: str = ".xxgk { color: #111; }") -> str:
    return export.export_html(nb, title="测试乡2020年报告", css=css)


def test_export_keeps_only_html_outputs():
    nb = new_notebook(cells=[
        new_markdown_cell("# a markdown cell the page must not show"),
        _output_cell("<p>PARAMS-DEFAULT</p>", ["parameters"], 'township = "红旗满族乡"'),
        _output_cell("<p>INJECTED</p>", ["injected-parameters"], 'township = "x"'),
        _output_cell("<style>.x{}</style>", ["xxgk-style"]),
        new_code_cell("secret_code_line()", execution_count=3, outputs=[
            new_output("stream", name="stdout", text="stdout-noise"),
            new_output("execute_result", data={"text/plain": "'plain-only'"}, execution_count=3),
            new_output("display_data", data={"text/html": "<section class='xxgk'><h2>一、总体情况</h2></section>"}),
            new_output("error", ename="ValueError", evalue="error-text", traceback=["tb-line"]),
        ]),
        _output_cell("<p>第二段</p>"),
    ])
    page = _page(nb)
    doc = lxml.html.document_fromstring(page)
    body = doc.body.text_content()
    assert [el.text_content() for el in doc.body.iter("h2", "p")] == ["一、总体情况", "第二段"]
    for absent in ("markdown cell", "PARAMS-DEFAULT", "INJECTED", "secret_code_line", "stdout-noise", "plain-only",
                   "error-text", "tb-line", "In [", "Out[", "township"):
        assert absent not in page, absent
    assert "display(x)" not in body
    assert doc.get("lang") == "zh-CN"
    assert doc.xpath("//meta[@charset]")[0].get("charset").lower() == "utf-8"
    assert [s.text.strip() for s in doc.xpath("//head/style")] == [".xxgk { color: #111; }"]
    assert doc.xpath("//body//style") == []
    assert doc.findtext(".//title") == "测试乡2020年报告"
    assert doc.xpath("//script|//link|//img|//iframe") == []


def test_export_is_deterministic_and_reuses_one_exporter():
    nb = new_notebook(cells=[_output_cell("<p>一</p>"), _output_cell("<p>二</p>")])
    assert export.exporter() is export.exporter()
    assert _page(nb) == _page(copy.deepcopy(nb))
    assert _page(nb).endswith("</html>\n")


def test_export_prints_each_output_as_the_kit_wrote_it():
    # nbconvert's HTML exporter parses its page and writes it out again (attributes sorted, void
    # elements closed, SVG attribute names lower-cased): four times the cost of the page for a pass
    # that changes nothing a reader sees.  The page carries the outputs' own bytes.
    piece = ('<div class="xxgk banner" id="banner" role="status" data-errors="0"><p>一<br>二</p></div>\n'
             '<svg viewBox="0 0 10 10" width="10pt"><path d="M 0 0 L 10 10"/></svg>')
    page = _page(new_notebook(cells=[_output_cell(piece)]))
    assert piece in page
    assert '<meta charset="utf-8">' in page


def test_export_escapes_the_title():
    nb = new_notebook(cells=[_output_cell("<p>x</p>")])
    page = export.export_html(nb, title="<script>alert(1)</script>", css="")
    assert "<script>" not in page


# --- atomic writes -----------------------------------------------------------------------------


def test_atomic_write_replaces_the_whole_file(tmp_path):
    target = tmp_path / "out" / "r.html"
    atomic.write_text(target, "旧")
    atomic.write_text(target, "新的内容")
    assert target.read_text(encoding="utf-8") == "新的内容"
    assert os.listdir(target.parent) == ["r.html"]
    # Not the 0600 of a temporary file: others may read an output as they read any file.
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask


def test_atomic_write_that_fails_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "r.html"
    target.write_text("complete old page", encoding="utf-8")

    def no_room(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", no_room)
    with pytest.raises(OSError):
        atomic.write_text(target, "half")
    assert target.read_text(encoding="utf-8") == "complete old page"
    assert os.listdir(tmp_path) == ["r.html"]


def test_atomic_write_interrupted_leaves_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "r.html"

    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic.write_text(target, "x")
    assert os.listdir(tmp_path) == []

