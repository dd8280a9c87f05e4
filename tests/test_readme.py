"""The README's "Adding a township-year" steps, typed in order in a new shell: they must work as
written (issue 9).  The shell block runs in bash in an empty folder whose ``.venv`` is the kit's
venv; the params example is written where step 2 says; the figures are filled in; then the check
and render commands of step 3 run."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]


def section(text: str, heading: str) -> str:
    start = text.index(f"## {heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end >= 0 else None]


def test_adding_a_township_year_works_as_written(tmp_path):
    steps = section((PROJECT / "README.md").read_text(encoding="utf-8"), "Adding a township-year")
    (shell,) = re.findall(r"```sh\n(.*?)```", steps, re.S)
    (params,) = re.findall(r"```yaml\n(.*?)```", steps, re.S)
    assert "source .venv/bin/activate" in shell
    venv = Path(sys.executable).parent.parent
    (tmp_path / ".venv").symlink_to(venv)
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "XXGK_LANG")}
    env["PATH"] = "/usr/bin:/bin"  # a new shell: the venv is on the PATH only once activated
    done = subprocess.run(["bash", "-e", "-c", shell], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    data = tmp_path / "data" / "2021" / "某某镇.csv"
    rows = list(csv.reader(io.StringIO(data.read_text(encoding="utf-8"))))
    assert rows[0] == ["table", "row", "column", "value"] and len(rows) == 1 + 10 + 175 + 15  # spec §4
    # Step 1: the analyst fills in the value column (here: nothing happened that year).
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([rows[0]] + [r[:3] + ["0"] for r in rows[1:]])
    data.write_text(out.getvalue(), encoding="utf-8")
    # Step 2: the example, indented as a YAML block in the README, written where it says.
    (tmp_path / "params" / "某某镇" / "2021.yaml").write_text(textwrap.dedent(params), encoding="utf-8")
    # Step 3, in the same kind of shell.
    for command in re.findall(r"`(xxgk (?:check|render) [^`]*)`", steps.replace("\n   ", " ")):
        run = subprocess.run(["bash", "-e", "-c", f"source .venv/bin/activate\n{command}"], cwd=tmp_path, env=env,
                             capture_output=True, text=True, timeout=600)
        assert run.returncode == 0, (command, run.stdout, run.stderr)
    page = (tmp_path / "output" / "2021" / "某某镇.html").read_text(encoding="utf-8")
    assert "某某镇2021年政府信息公开工作年度报告" in page and "全年新收政府信息公开申请" in page
    assert "【未提供】" not in page
