"""``xxgk batch``: discovery and filters, incremental skip and --force, failures that do not stop
the others, the retry of a kernel that fails to start, interruption, and the manifest.

Batches run as the real command in a subprocess.  Where a test needs a report to misbehave (an
exception in the notebook, a worker that dies, a slow report), a short script patches a kit
function before calling the command: the forked workers inherit the patch, the kit is unchanged.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import queue
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import psutil
import pytest

from xxgk import __version__ as xxgk_version
from xxgk import batch, demo_data, notebook
from xxgk import manifest as mf
from xxgk.i18n import use_lang

PROJECT = Path(__file__).resolve().parents[1]
PATCHED = """
import sys
{patch}
from xxgk.cli import main
main()
"""


def xxgk(*args: str, root: Path, patch: str = "", env: dict | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    """The command as a user runs it; in English (XXGK_LANG=en), whose progress lines these tests read,
    unless ``env`` says otherwise (the Chinese default has tests of its own)."""
    code = PATCHED.format(patch=textwrap.dedent(patch))
    return subprocess.run([sys.executable, "-c", code, *args, "--root", str(root)], capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL, env={**os.environ, "XXGK_LANG": "en", **(env or {})})


def rendered(proc: subprocess.CompletedProcess) -> list[tuple[str, str, int]]:
    """(status, township, year) of each report the run rendered, from its plain progress lines."""
    out = []
    for line in proc.stderr.splitlines():
        m = re.match(r"\[\s*\d+/\d+\] (ok|warnings|FAILED|INPUT ERRORS)\s+(\d{4}) (\S+)\s+[\d.]+ s\b", line)
        if m:
            out.append((m.group(1), m.group(3), int(m.group(2))))
    return out


def skipped(proc: subprocess.CompletedProcess) -> int:
    return sum(1 for line in proc.stderr.splitlines() if re.match(r"\[\s*\d+/\d+\] skipped ", line))


def make_demo(root: Path, townships: int = 3, years: tuple[int, ...] = (2020, 2021)) -> list[tuple[str, int]]:
    # No blank cells: every report renders "ok" (no warning) unless a test breaks it.
    demo_data.write_demo(root, townships, list(years), seed=11, blanks=False)
    return [(demo_data.township_name(i), y) for y in years for i in range(1, townships + 1)]


def manifest(root: Path) -> dict:
    return json.loads((root / "output" / "manifest.json").read_text(encoding="utf-8"))["reports"]


def set_value(root: Path, township: str, year: int, table: str, row: str, column: str, value: str) -> None:
    path = root / "data" / str(year) / f"{township}.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    prefix = f"{table},{row},{column},"
    hits = [i for i, line in enumerate(lines) if line.startswith(prefix)]
    assert len(hits) == 1, prefix
    lines[hits[0]] = prefix + value
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def no_temporary_files(root: Path) -> list[Path]:
    return [p for p in (root / "output").rglob("*") if p.name.endswith(".tmp")]


# --- options and discovery ---------------------------------------------------------------------


def test_parse_years_and_townships():
    assert batch.parse_years("2019-2024") == set(range(2019, 2025))
    assert batch.parse_years("2021") == {2021}
    assert batch.parse_years("2019, 2021-2022") == {2019, 2021, 2022}
    assert batch.parse_years(None) is None
    for bad in ("2024-2019", "twenty", "20-21", "2019-"):
        with pytest.raises(batch.UsageError):
            batch.parse_years(bad)
    assert batch.parse_townships("示例镇001,示例镇002") == ["示例镇001", "示例镇002"]
    assert batch.parse_townships("示例镇001，示例镇002") == ["示例镇001", "示例镇002"]
    assert batch.parse_townships(" ") is None


def test_discover_every_township_year_and_filters(tmp_path):
    reports = make_demo(tmp_path, townships=3, years=(2019, 2020, 2021))
    (tmp_path / "data" / "2021" / "notes.txt").write_text("not a report", encoding="utf-8")
    (tmp_path / "data" / "misc").mkdir()
    (tmp_path / "data" / "misc" / "x.csv").write_text("table,row,column,value\n", encoding="utf-8")
    found = batch.discover(tmp_path)
    assert sorted(found) == sorted(reports) and len(found) == 9
    assert found == sorted(found, key=lambda ty: (ty[1], ty[0]))  # by year, then name
    assert batch.discover(tmp_path, years={2020}) == [(demo_data.township_name(i), 2020) for i in (1, 2, 3)]
    assert batch.discover(tmp_path, years={2019, 2021}, townships=["示例镇002"]) == [("示例镇002", 2019), ("示例镇002", 2021)]
    assert batch.discover(tmp_path, years={2020}, townships=["示例镇002", "无此镇"]) == [("示例镇002", 2020)]
    with pytest.raises(batch.UsageError, match="下没有.*数据文件"):
        batch.discover(tmp_path, years={2030})
    with pytest.raises(batch.UsageError, match="示例镇999"):
        batch.discover(tmp_path, townships=["示例镇999"])


def test_cli_usage_errors_exit_2_without_traceback(tmp_path):
    make_demo(tmp_path, townships=1, years=(2021,))
    for args in (["--years", "2030"], ["--years", "soon"], ["--townships", "无此镇"], ["-j", "-1"]):
        proc = xxgk("batch", *args, root=tmp_path)
        assert proc.returncode == 2, (args, proc.stderr)
        assert proc.stderr.startswith("error: ") and "Traceback" not in proc.stderr
    assert not (tmp_path / "output").exists()
    partly = xxgk("batch", "--townships", "示例镇001,无此镇", root=tmp_path)
    assert partly.returncode == 0 and "warning: no data file for 无此镇" in partly.stderr


# --- rendering, skipping, forcing -----------------------------------------------------------------

NO_WORKERS = """
import os
def refuse(*a, **k):
    raise AssertionError("a worker was started")
os.fork = refuse
import atexit
@atexit.register
def heavy_modules():
    loaded = [m for m in ("papermill", "nbconvert", "IPython", "pandas", "jupyter_client") if m in sys.modules]
    if loaded:
        print("LOADED", loaded, file=sys.stderr)
"""


def test_renders_all_then_skips_unchanged_then_force_renders_again(tmp_path):
    reports = make_demo(tmp_path)
    first = xxgk("batch", "-j", "2", root=tmp_path)
    assert first.returncode == 0, first.stderr
    assert sorted((t, y) for _, t, y in rendered(first)) == sorted(reports)
    for t, y in reports:
        assert (tmp_path / "output" / str(y) / f"{t}.html").read_text(encoding="utf-8").rstrip().endswith("</html>")
        json.loads((tmp_path / "output" / str(y) / f"{t}.ipynb").read_text(encoding="utf-8"))
    pages = {p: p.read_bytes() for p in (tmp_path / "output").glob("*/*.html")}

    # Nothing changed: no worker forked, no notebook machinery even imported.
    again = xxgk("batch", root=tmp_path, patch=NO_WORKERS)
    assert again.returncode == 0, again.stderr
    assert rendered(again) == [] and skipped(again) == len(reports)
    assert "LOADED" not in again.stderr
    assert f"{len(reports)} unchanged (skipped)" in again.stderr

    forced = xxgk("batch", "--force", root=tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert len(rendered(forced)) == len(reports) and skipped(forced) == 0
    assert {p: p.read_bytes() for p in (tmp_path / "output").glob("*/*.html")} == pages  # deterministic


def test_only_what_changed_is_rendered_again(tmp_path):
    make_demo(tmp_path)
    assert xxgk("batch", root=tmp_path).returncode == 0

    params = tmp_path / "params" / "示例镇002" / "2021.yaml"
    params.write_text(params.read_text(encoding="utf-8").replace("示例：本年度未收取信息处理费。", "示例：已更正。"),
                      encoding="utf-8")
    (tmp_path / "output" / "2020" / "示例镇003.html").unlink()  # an output that went missing
    proc = xxgk("batch", root=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert sorted((t, y) for _, t, y in rendered(proc)) == [("示例镇002", 2021), ("示例镇003", 2020)]
    assert "已更正" in (tmp_path / "output" / "2021" / "示例镇002.html").read_text(encoding="utf-8")

    # An option that changes the page (--publish) makes every selected report current no longer...
    proc = xxgk("batch", "--publish", "--years", "2021", root=tmp_path)
    assert proc.returncode == 0 and len(rendered(proc)) == 3
    # ...and the years left out are still in the manifest (a filtered batch forgets nothing).
    assert len(manifest(tmp_path)) == 6


def test_a_failing_report_does_not_stop_the_others(tmp_path):
    make_demo(tmp_path)
    set_value(tmp_path, "示例镇001", 2020, "三", "一、本年新收政府信息公开申请数量", "自然人", "十二")  # input error
    patch = """
        import os
        from xxgk import html
        section = html.section
        def broken(report, number, **kw):
            if report.township == "示例镇002" and report.year == 2021 and number == 3:
                raise ValueError("table 三 could not be drawn")
            if report.township == "示例镇003" and report.year == 2021 and number == 4:
                os._exit(9)  # the process running the notebook dies
            return section(report, number, **kw)
        html.section = broken
    """
    proc = xxgk("batch", "-j", "2", root=tmp_path, patch=patch)
    assert proc.returncode == 1, proc.stderr
    status = {(t, y): s for s, t, y in rendered(proc)}
    assert status.pop(("示例镇001", 2020)) == "INPUT ERRORS"
    assert status.pop(("示例镇002", 2021)) == "FAILED"
    assert status.pop(("示例镇003", 2021)) == "FAILED"
    assert set(status.values()) == {"ok"} and len(status) == 3

    # The failing notebook is kept, the failing cell marked; no page claims to be its report.
    out = tmp_path / "output" / "2021"
    assert not (out / "示例镇002.html").exists()
    nb = json.loads((out / "示例镇002.ipynb").read_text(encoding="utf-8"))
    errors = [(i, o) for i, c in enumerate(nb["cells"]) for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert len(errors) == 1 and errors[0][1]["ename"] == "ValueError"
    marker = nb["cells"][errors[0][0] - 1]
    assert "papermill-error-cell-tag" in marker["metadata"].get("tags", [])
    assert not (tmp_path / "output" / "2020" / "示例镇001.html").exists()

    entries = manifest(tmp_path)
    assert entries["2021/示例镇002"]["status"] == mf.FAILED
    assert "ValueError" in entries["2021/示例镇002"]["error"]
    assert entries["2021/示例镇003"]["status"] == mf.FAILED
    assert "exited with status 9" in entries["2021/示例镇003"]["error"]
    assert entries["2020/示例镇001"]["status"] == mf.INPUT_ERRORS
    # One line each at the end.
    summary = proc.stderr[proc.stderr.index("report(s) in"):]
    assert re.search(r"FAILED 2021 示例镇002: .*ValueError: table 三 could not be drawn.*\n", summary)
    assert re.search(r"FAILED 2021 示例镇003: worker exited with status 9.*\n", summary)
    assert re.search(r"INPUT ERRORS 2020 示例镇001: 1 input error\(s\); first: data/2020/示例镇001.csv:\d+ .*“十二” is not a number\n", summary)

    # Fixed: the failed ones are rendered again (input errors only when their inputs change).
    set_value(tmp_path, "示例镇001", 2020, "三", "一、本年新收政府信息公开申请数量", "自然人", "12")
    fixed = xxgk("batch", root=tmp_path)
    # 示例镇001's 2020 data changed, so its 2021 report (which reads it) is rendered again too.
    assert sorted((t, y) for _, t, y in rendered(fixed)) == [("示例镇001", 2020), ("示例镇001", 2021), ("示例镇002", 2021),
                                                            ("示例镇003", 2021)]
    assert fixed.returncode in (0, 1)
    assert (tmp_path / "output" / "2021" / "示例镇002.html").exists()


def replace_line(root: Path, township: str, year: int, key: str, line: str) -> int:
    """Replace the params file's line that starts with ``key``; its line number."""
    path = root / "params" / township / f"{year}.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    (n,) = [i for i, text in enumerate(lines) if text.startswith(key)]
    lines[n] = line
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return n + 1


def test_broken_params_files_do_not_stop_the_others(tmp_path):
    make_demo(tmp_path, townships=3, years=(2021,))
    date_line = replace_line(tmp_path, "示例镇002", 2021, "publish_date:", "publish_date: 2022-02-30")
    yaml_line = replace_line(tmp_path, "示例镇003", 2021, "body:", "body: 示例镇003人民政府: 第二个冒号")
    proc = xxgk("batch", "-j", "2", root=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert sorted(rendered(proc)) == [("INPUT ERRORS", "示例镇002", 2021), ("INPUT ERRORS", "示例镇003", 2021),
                                      ("ok", "示例镇001", 2021)]
    out = tmp_path / "output" / "2021"
    assert sorted(p.name for p in out.iterdir()) == ["示例镇001.html", "示例镇001.ipynb"]
    summary = proc.stderr[proc.stderr.index("report(s) in"):]
    assert re.search(rf"INPUT ERRORS 2021 示例镇002: 1 input error\(s\); first: params/示例镇002/2021.yaml:{date_line}: "
                     r"field “publish_date”: the date does not exist", summary), summary
    assert re.search(rf"INPUT ERRORS 2021 示例镇003: 1 input error\(s\); first: params/示例镇003/2021.yaml:{yaml_line}: "
                     r"not valid YAML", summary), summary
    entries = manifest(tmp_path)
    assert entries["2021/示例镇002"]["status"] == entries["2021/示例镇003"]["status"] == mf.INPUT_ERRORS
    assert entries["2021/示例镇001"]["status"] == mf.OK


def test_names_windows_reserves_or_too_long_do_not_stop_the_others(tmp_path):
    make_demo(tmp_path, townships=1, years=(2021,))
    data = tmp_path / "data" / "2021"
    long_name = "镇" * 80  # fits as a data file's name, not as the temporary file of its page
    for name in ("con", "COM1.镇", long_name):
        (data / f"{name}.csv").write_bytes((data / "示例镇001.csv").read_bytes())
    proc = xxgk("batch", "-j", "2", root=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr and "too long" in proc.stderr
    assert sorted(rendered(proc)) == sorted([("INPUT ERRORS", "con", 2021), ("INPUT ERRORS", "COM1.镇", 2021),
                                             ("INPUT ERRORS", long_name, 2021), ("ok", "示例镇001", 2021)])
    out = tmp_path / "output" / "2021"
    assert sorted(p.name for p in out.iterdir()) == ["示例镇001.html", "示例镇001.ipynb"]
    for name in ("con", "COM1.镇"):
        assert re.search(rf"INPUT ERRORS 2021 {re.escape(name)}: 1 input error\(s\); first: township name “{re.escape(name)}” is, "
                         r"to Windows, the reserved device name", proc.stderr), proc.stderr
    entries = manifest(tmp_path)
    assert {k: e["status"] for k, e in entries.items()} == {
        "2021/con": mf.INPUT_ERRORS, "2021/COM1.镇": mf.INPUT_ERRORS, f"2021/{long_name}": mf.INPUT_ERRORS,
        "2021/示例镇001": mf.OK}


FAKE_KERNEL = """
import os, sys
count_file = os.environ["FAKE_KERNEL_COUNT"]
n = int(open(count_file).read()) if os.path.exists(count_file) else 0
open(count_file, "w").write(str(n + 1))
if str(n) in os.environ.get("FAKE_KERNEL_FAIL", "").split(","):
    sys.exit(3)  # the kernel dies before it replies: what a lost start race looks like to the client
os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", *sys.argv[1:]])
"""


def fake_kernels(tmp_path: Path, fail: str) -> dict:
    """A JUPYTER_PATH whose python3 kernel fails on the start numbers listed in ``fail``."""
    spec_dir = tmp_path / "jupyter" / "kernels" / "python3"
    spec_dir.mkdir(parents=True)
    (tmp_path / "jupyter" / "wrapper.py").write_text(FAKE_KERNEL, encoding="utf-8")
    (spec_dir / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, str(tmp_path / "jupyter" / "wrapper.py"), "-f", "{connection_file}"],
        "display_name": "Python 3 (fails to start on purpose)", "language": "python"}), encoding="utf-8")
    return {"JUPYTER_PATH": str(tmp_path / "jupyter"), "FAKE_KERNEL_COUNT": str(tmp_path / "count"),
            "FAKE_KERNEL_FAIL": fail}


def test_a_kernel_that_fails_to_start_is_retried_once(tmp_path):
    root = tmp_path / "root"
    make_demo(root, townships=2, years=(2021,))
    env = fake_kernels(tmp_path, fail="0")
    proc = xxgk("batch", "--engine", "kernel", "-j", "1", root=root, env=env)
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"retrying 2021 示例镇001: .*Kernel died", proc.stderr)
    assert sorted(s for s, _, _ in rendered(proc)) == ["ok", "ok"]
    assert (tmp_path / "count").read_text() == "3"  # two reports, one retried start


def test_a_kernel_that_never_starts_fails_that_report_only(tmp_path):
    root = tmp_path / "root"
    make_demo(root, townships=2, years=(2021,))
    env = fake_kernels(tmp_path, fail="0,1")  # the first report's start and its retry
    proc = xxgk("batch", "--engine", "kernel", "-j", "1", root=root, env=env)
    assert proc.returncode == 1
    assert {(t, s) for s, t, _ in rendered(proc)} == {("示例镇001", "FAILED"), ("示例镇002", "ok")}
    assert proc.stderr.count("retrying") == 1
    assert "Kernel died before replying" in manifest(root)["2021/示例镇001"]["error"]


def test_an_in_process_shell_that_fails_to_start_is_retried_once(tmp_path):
    make_demo(tmp_path, townships=2, years=(2021,))
    marker = tmp_path / "failed-once"
    patch = f"""
        import os
        from xxgk import engines
        new_shell = engines.new_shell
        def flaky(outputs):
            if not os.path.exists({str(marker)!r}):
                open({str(marker)!r}, "w").close()
                raise RuntimeError("shell could not start")
            return new_shell(outputs)
        engines.new_shell = flaky
    """
    proc = xxgk("batch", "--engine", "inprocess", "-j", "1", root=tmp_path, patch=patch)
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"retrying 2021 示例镇001: .*shell could not start", proc.stderr)
    assert sorted(s for s, _, _ in rendered(proc)) == ["ok", "ok"]


# --- interruption ------------------------------------------------------------------------------------

SLOW = """
import os, time
from xxgk import html
section = html.section
def slow(report, number, **kw):
    time.sleep(0.25)
    return section(report, number, **kw)
html.section = slow
fsync = os.fsync
def slow_fsync(fd):  # widen the window in which a temporary file sits beside its target
    time.sleep(0.3)
    return fsync(fd)
os.fsync = slow_fsync
"""


def _lines(stream, q: queue.Queue) -> None:
    for line in iter(stream.readline, ""):
        q.put(line)
    q.put(None)


@pytest.mark.parametrize("how", ["SIGINT", "SIGTERM"])
def test_interrupted_batch_stops_cleanly_and_the_rerun_renders_the_rest(tmp_path, how):
    reports = make_demo(tmp_path, townships=4, years=(2020, 2021))
    code = PATCHED.format(patch=SLOW)
    proc = subprocess.Popen([sys.executable, "-c", code, "batch", "-j", "2", "--root", str(tmp_path)],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True, start_new_session=True, env={**os.environ, "XXGK_LANG": "en"})
    q: queue.Queue = queue.Queue()
    threading.Thread(target=_lines, args=(proc.stderr, q), daemon=True).start()
    seen, deadline = [], time.monotonic() + 120
    while time.monotonic() < deadline:
        line = q.get(timeout=120)
        assert line is not None, "".join(seen)
        seen.append(line)
        if re.match(r"\[\s*1/8\] ok", line):
            break
    workers: list = []
    while not workers and time.monotonic() < deadline:  # the next worker may be forking right now
        workers = psutil.Process(proc.pid).children(recursive=True)
        time.sleep(0.02)
    assert workers, "reports should be running when the signal arrives"
    sent = time.monotonic()
    if how == "SIGINT":
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole foreground group
    else:
        os.kill(proc.pid, signal.SIGTERM)
    code = proc.wait(timeout=30)
    stopped_in = time.monotonic() - sent
    while (line := q.get(timeout=10)) is not None:
        seen.append(line)
    err = "".join(seen)
    assert code == 128 + getattr(signal, how), err
    assert stopped_in < 10, stopped_in
    assert f"interrupted by {how}" in err
    # No worker (or anything it started) left running.
    alive = [p for p in workers if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert not alive, alive
    # No half-written file: no temporary file, every page complete, every notebook valid JSON.
    assert no_temporary_files(tmp_path) == []
    for page in (tmp_path / "output").glob("*/*.html"):
        assert page.read_text(encoding="utf-8").rstrip().endswith("</html>"), page
    for nb in (tmp_path / "output").glob("*/*.ipynb"):
        json.loads(nb.read_text(encoding="utf-8"))
    done_before = manifest(tmp_path)
    assert 1 <= len(done_before) < len(reports)
    assert all(e["status"] == mf.OK for e in done_before.values())

    rerun = xxgk("batch", root=tmp_path)
    assert rerun.returncode == 0, rerun.stderr
    again = sorted((t, y) for _, t, y in rendered(rerun))
    assert again == sorted(r for r in reports if f"{r[1]}/{r[0]}" not in done_before)
    assert skipped(rerun) == len(done_before)


# --- the manifest ---------------------------------------------------------------------------------------


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_manifest_records_inputs_status_counts_and_outputs(tmp_path):
    make_demo(tmp_path, townships=2, years=(2020, 2021))
    # A failed rule (R6: 表四 总计 = its four results) in one report, a missing params file in another.
    set_value(tmp_path, "示例镇002", 2021, "四", "行政复议", "总计", "99")
    (tmp_path / "params" / "示例镇001" / "2020.yaml").unlink()
    proc = xxgk("batch", "--publish", root=tmp_path)
    assert proc.returncode == 1, proc.stderr  # a copy to publish without its narrative is refused
    entries = manifest(tmp_path)
    assert set(entries) == {"2020/示例镇001", "2020/示例镇002", "2021/示例镇001", "2021/示例镇002"}
    template = notebook.template_sha256()  # its identity: test_notebook, test_jupyterlab
    for key, e in entries.items():
        year, township = key.split("/")
        assert (e["township"], e["year"]) == (township, int(year))
        assert e["version"] == ("2019" if year == "2020" else "2021")
        inputs = e["inputs"]
        assert inputs["data"] == sha256(tmp_path / "data" / year / f"{township}.csv")
        params = tmp_path / "params" / township / f"{year}.yaml"
        assert inputs["params"] == (sha256(params) if params.exists() else None)
        assert inputs["template"] == template
        assert inputs["options"] == {"publish": True, "strict": False, "to": "html", "lang": "en"}
        assert inputs["kit"].startswith(xxgk_version + "+")
        assert e["fingerprint"] == mf.fingerprint(inputs)
        if key == "2020/示例镇001":
            assert e["copies"] == {}  # refused: no params file, nothing to publish
            continue
        # --publish made the copies to publish, beside the review copies (not made in this root).
        assert set(e["copies"]) == {"published"}
        made = e["copies"]["published"]
        assert made["fingerprint"] == e["fingerprint"] and made["inputs"] == inputs
        for name, suffix in (("html", ".html"), ("ipynb", ".ipynb")):
            out = made["outputs"][name]
            assert out["path"] == f"{year}/published/{township}{suffix}"
            assert out["bytes"] == (tmp_path / "output" / out["path"]).stat().st_size
    r6 = entries["2021/示例镇002"]
    assert r6["status"] == mf.WARNINGS and r6["counts"]["failed"] == 1 and r6["counts"]["errors"] == 0
    assert [c["rule"] for c in r6["failed_checks"]] == ["R6"]
    assert "行政复议" in r6["failed_checks"][0]["messages"][0]
    no_params = entries["2020/示例镇001"]
    assert no_params["status"] == mf.INPUT_ERRORS
    assert [c["rule"] for c in no_params["failed_checks"]] == ["E-PUBLISH-INCOMPLETE", "W-NO-PARAMS"]
    assert entries["2020/示例镇002"]["status"] == mf.OK and entries["2020/示例镇002"]["counts"]["failed"] == 0


def test_an_unreadable_manifest_means_render_everything(tmp_path):
    reports = make_demo(tmp_path, townships=1, years=(2020, 2021))
    assert xxgk("batch", root=tmp_path).returncode == 0
    (tmp_path / "output" / "manifest.json").write_text("{ not json", encoding="utf-8")
    proc = xxgk("batch", root=tmp_path)
    assert proc.returncode == 0
    assert "could not be read" in proc.stderr and len(rendered(proc)) == len(reports)
    assert len(manifest(tmp_path)) == len(reports)


def test_reports_whose_data_file_is_gone_leave_the_manifest(tmp_path):
    make_demo(tmp_path, townships=2, years=(2021,))
    assert xxgk("batch", root=tmp_path).returncode == 0
    (tmp_path / "data" / "2021" / "示例镇002.csv").unlink()
    assert xxgk("batch", root=tmp_path).returncode == 0
    assert set(manifest(tmp_path)) == {"2021/示例镇001"}


def test_strict_counts_warnings_as_failures(tmp_path):
    make_demo(tmp_path, townships=2, years=(2021,))
    set_value(tmp_path, "示例镇002", 2021, "四", "行政复议", "总计", "99")
    proc = xxgk("batch", "--strict", root=tmp_path)
    assert proc.returncode == 1
    assert {(t, s) for s, t, _ in rendered(proc)} == {("示例镇001", "ok"), ("示例镇002", "FAILED")}
    assert not (tmp_path / "output" / "2021" / "示例镇002.html").exists()


def test_progress_on_a_terminal_shows_counts_and_time_left():
    import io

    from rich.console import Console

    from xxgk.batch_display import LiveDisplay, summary_lines

    buf = io.StringIO()
    display = LiveDisplay(Console(file=buf, force_terminal=True, width=160))
    result = batch.BatchResult(total=3, engine="inprocess")
    display("plan", None, result)
    ok = batch.Outcome("示例镇001", 2021, mf.OK, {"status": mf.OK}, 1, 0.2)
    result.outcomes.append(ok)
    display("done", ok, result)
    bad = batch.Outcome("示例镇002", 2021, mf.FAILED, {"status": mf.FAILED, "error": "notebook failed: boom"}, 1, 0.2)
    result.outcomes.append(bad)
    display("done", bad, result)
    skip = batch.Outcome("示例镇003", 2021, "skipped", {"status": mf.OK}, 0, 0.0)
    result.outcomes.append(skip)
    display("skipped", skip, result)
    display.close()
    text = buf.getvalue()
    assert "3/3" in text and "通过 1 · 有警告 0 · 失败 1 · 输入错误 0 · 跳过 1" in text
    assert "示例镇002: notebook failed: boom" in text
    lines = summary_lines(result)
    assert lines[0].startswith("3 份报告") and "失败 1" in lines[0] and "未变跳过 1" in lines[0]
    assert lines[1] == "  失败 2021 示例镇002: notebook failed: boom"
    with use_lang("en"):
        lines = summary_lines(result)
    assert lines[0].startswith("3 report(s)") and "1 failed" in lines[0] and "1 unchanged (skipped)" in lines[0]
    assert lines[1] == "  FAILED 2021 示例镇002: notebook failed: boom"


def test_plain_lines_carry_the_counts_and_the_time_left(tmp_path):
    make_demo(tmp_path, townships=2, years=(2021,))
    proc = xxgk("batch", "-j", "1", root=tmp_path)
    lines = [line for line in proc.stderr.splitlines() if line.startswith("[")]
    assert re.fullmatch(r"\[1/2\] ok\s+2021 示例镇001  [\d.]+ s  \(ok 1 · warnings 0 · failed 0 · input errors 0 · skipped 0 · about \d+ s left\)",
                        lines[0]), lines[0]
    assert lines[1].endswith("(ok 2 · warnings 0 · failed 0 · input errors 0 · skipped 0)")
    # Chinese by default: the same lines in the analyst's words.
    zh = xxgk("batch", "-j", "1", "--force", root=tmp_path, env={"XXGK_LANG": ""})
    lines = [line for line in zh.stderr.splitlines() if line.startswith("[")]
    assert re.fullmatch(r"\[1/2\] 通过\s+2021 示例镇001  [\d.]+ s  \(通过 1 · 有警告 0 · 失败 0 · 输入错误 0 · 跳过 0 · 约剩 \d+ 秒\)",
                        lines[0]), lines[0]
    assert zh.stderr.splitlines()[-2].startswith("2 份报告，用时") and "Traceback" not in zh.stderr


def test_without_fork_each_report_gets_a_new_interpreter_and_a_kernel(tmp_path):
    """The fallback where os.fork does not exist (Windows): same pages as the forked in-process engine."""
    fast, slow = tmp_path / "fast", tmp_path / "slow"
    make_demo(fast, townships=1, years=(2020, 2021))
    make_demo(slow, townships=1, years=(2020, 2021))
    assert xxgk("batch", root=fast).returncode == 0
    proc = xxgk("batch", root=slow, patch="import os\ndel os.fork")
    assert proc.returncode == 0, proc.stderr
    assert "engine kernel" in proc.stderr and len(rendered(proc)) == 2
    for page in sorted((fast / "output").glob("*/*.html")):
        assert (slow / "output" / page.relative_to(fast / "output")).read_bytes() == page.read_bytes()


def test_the_dashboard_is_drawn_again_when_the_manifest_was_saved_after_the_last_report(tmp_path):
    # The manifest is saved as the batch goes; a save after the last report must not make the end of
    # the batch believe nothing changed and leave last run's dashboard in place.  Saving after every
    # look at the pool makes that save happen every time.
    reports = make_demo(tmp_path, townships=2, years=(2021,))
    first = xxgk("batch", "-j", "2", root=tmp_path)
    assert first.returncode == 0, first.stderr
    township = reports[0][0]
    set_value(tmp_path, township, 2021, "三", "一、本年新收政府信息公开申请数量", "自然人", "十二")
    again = xxgk("batch", "-j", "2", root=tmp_path,
                 patch="from xxgk import batch\nbatch.SAVE_EVERY = 0\nbatch.SAVE_SHARE = 0")
    assert again.returncode == 1, again.stderr
    assert manifest(tmp_path)[f"2021/{township}"]["status"] == mf.INPUT_ERRORS
    with (tmp_path / "output" / "summary.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = {(r["township"], r["year"]): r["status"] for r in csv.DictReader(fh)}
    assert rows[(township, "2021")] == mf.INPUT_ERRORS
    page = (tmp_path / "output" / "index.html").read_text(encoding="utf-8")
    assert f'<tr data-status="{mf.INPUT_ERRORS}"' in page
