"""``xxgk batch --scheduler``: the batch on a dask.distributed cluster.

The same files as the local pool, byte for byte (failures and outputs set aside included);
incremental skips; a worker killed mid-report; a scheduler that cannot be reached; Ctrl-C; workers
whose kit differs from the client's.  Batches run as the real command in a subprocess; a cluster is
a LocalCluster (``local:2``) or, where a test needs workers of its own, ``dask scheduler`` and
``dask worker`` started here.  Where a report must be slow or fail, the notebook template itself
is a copy with one more cell (``XXGK_TEMPLATE``): the client sends it to the workers like any input.
"""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest

from test_batch import PATCHED, make_demo, manifest, rendered, set_value, skipped, xxgk

pytest.importorskip("distributed")

PROJECT = Path(__file__).resolve().parents[1]
DASK = Path(sys.executable).with_name("dask")


def same_tree(a: Path, b: Path) -> None:
    """The two roots' output folders hold the same files, byte for byte (a readable diff if not)."""
    import difflib

    ta, tb = tree(a), tree(b)
    assert sorted(ta) == sorted(tb), (sorted(set(ta) - set(tb)), sorted(set(tb) - set(ta)))
    for name in ta:
        if ta[name] != tb[name]:
            diff = difflib.unified_diff(ta[name].decode("utf-8", "replace").splitlines(),
                                        tb[name].decode("utf-8", "replace").splitlines(), name, name, lineterm="", n=0)
            raise AssertionError("\n".join(list(diff)[:40]))


def tree(root: Path) -> dict[str, bytes]:
    """Every file under output/, by its path there."""
    out = root / "output"
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def statuses(proc: subprocess.CompletedProcess) -> list[tuple[str, str, int]]:
    return sorted(rendered(proc))


def copy_root(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    """The same demo inputs rendered by the local pool and by a LocalCluster of two workers; one
    township's 2020 figures are in a fill-in workbook (its 2021 report reads them for the
    cross-year checks and the trend)."""
    base = tmp_path_factory.mktemp("dask")
    local, cluster = base / "local", base / "cluster"
    reports = make_demo(local, townships=2, years=(2020, 2021))
    csv_file = local / "data" / "2020" / "示例镇002.csv"
    made = subprocess.run([sys.executable, "-c", "from xxgk.cli import main; main()", "template", "--year", "2020",
                           "--xlsx", str(csv_file.with_suffix(".xlsx")), "--from", str(csv_file)], capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    csv_file.unlink()
    for name in ("data", "params"):
        shutil.copytree(local / name, cluster / name)
    return reports, local, cluster, xxgk("batch", "-j", "2", root=local), xxgk("batch", "--scheduler", "local:2", root=cluster)


def test_a_cluster_writes_the_same_files_as_the_local_pool(both, tmp_path):
    reports, local, cluster, a, b = both
    assert a.returncode == 0, a.stderr
    assert b.returncode == 0, b.stderr
    assert "a dask cluster on this machine (2 worker processes)" in b.stderr and "Traceback" not in b.stderr
    assert statuses(b) == statuses(a) == sorted(("ok", t, y) for t, y in reports)
    same_tree(local, cluster)  # pages, notebooks, manifest, dashboard, summary.csv
    assert "data/2020/示例镇002.xlsx" in (cluster / "output" / "2021" / "示例镇002.html").read_text(encoding="utf-8")

    # A report that cannot be made now: its old outputs are set aside, the next year (which reads
    # it) rendered again; the client does in its folder what the local workers do in theirs.
    l2, c2 = copy_root(local, tmp_path / "local"), copy_root(cluster, tmp_path / "cluster")
    for root in (l2, c2):
        set_value(root, "示例镇001", 2020, "三", "一、本年新收政府信息公开申请数量", "自然人", "十二")
    a2 = xxgk("batch", "-j", "2", root=l2)
    b2 = xxgk("batch", "--scheduler", "local:2", root=c2)
    assert a2.returncode == b2.returncode == 1, b2.stderr
    assert "Traceback" not in b2.stderr and "Traceback" not in a2.stderr, b2.stderr + a2.stderr
    assert statuses(b2) == statuses(a2)
    assert [(s, t, y) for s, t, y in statuses(b2) if y == 2020] == [("INPUT ERRORS", "示例镇001", 2020)]
    assert re.search(r"INPUT ERRORS 2020 示例镇001: 1 input error\(s\); first: .*; the old outputs were renamed as stale: "
                     r"2020/示例镇001\.过期\.html, 2020/示例镇001\.过期\.ipynb", b2.stderr), b2.stderr
    assert (c2 / "output" / "2020" / "示例镇001.过期.html").is_file()
    same_tree(l2, c2)


def test_incremental_runs_on_a_cluster_skip_what_is_current(both, tmp_path):
    reports, _, cluster, _, b = both
    assert b.returncode == 0, b.stderr
    root = copy_root(cluster, tmp_path / "root")
    # Nothing changed: no cluster is started, no notebook machinery even imported.
    quiet = """
        import atexit
        @atexit.register
        def heavy_modules():
            loaded = [m for m in ("distributed", "papermill", "IPython", "pandas") if m in sys.modules]
            if loaded:
                print("LOADED", loaded, file=sys.stderr)
    """
    again = xxgk("batch", "--scheduler", "local:2", root=root, patch=quiet)
    assert again.returncode == 0, again.stderr
    assert rendered(again) == [] and skipped(again) == len(reports) and "LOADED" not in again.stderr

    params = root / "params" / "示例镇002" / "2021.yaml"
    params.write_text(params.read_text(encoding="utf-8").replace("示例：本年度未收取信息处理费。", "示例：已更正。"),
                      encoding="utf-8")
    changed = xxgk("batch", "--scheduler", "local:2", root=root)
    assert changed.returncode == 0, changed.stderr
    assert statuses(changed) == [("ok", "示例镇002", 2021)] and skipped(changed) == 3
    assert "已更正" in (root / "output" / "2021" / "示例镇002.html").read_text(encoding="utf-8")

    # The manifest is the same whichever pool wrote it: the local pool finds everything current...
    local = xxgk("batch", root=root, patch=quiet)
    assert local.returncode == 0 and skipped(local) == len(reports) and "LOADED" not in local.stderr
    # ...and the selection options and --force mean what they mean locally.
    forced = xxgk("batch", "--scheduler", "local:2", "--force", "--townships", "示例镇001", "--years", "2021", root=root)
    assert forced.returncode == 0, forced.stderr
    assert statuses(forced) == [("ok", "示例镇001", 2021)] and skipped(forced) == 0
    assert len(manifest(root)) == len(reports)


# --- faults ---------------------------------------------------------------------------------------


def slow_template(tmp_path: Path, fail: tuple[str, int] | None = None, seconds: float = 3.0) -> Path:
    """A copy of the template with a cell after the parameters that sleeps (and fails one report)."""
    nb = json.loads((PROJECT / "notebooks" / "annual_report.ipynb").read_text(encoding="utf-8"))
    at = next(i for i, c in enumerate(nb["cells"]) if "parameters" in c.get("metadata", {}).get("tags", []))
    source = f"import time\ntime.sleep({seconds})\n"
    if fail:
        source += f"if township == {fail[0]!r} and year == {fail[1]}:\n    raise ValueError('table 三 could not be drawn')\n"
    nb["cells"].insert(at + 1, {"cell_type": "code", "id": "slow", "metadata": {}, "execution_count": None,
                                "outputs": [], "source": source})
    path = tmp_path / "template" / "annual_report.ipynb"
    path.parent.mkdir()
    path.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    return path


def start_batch(root: Path, *args: str, env: dict) -> tuple[subprocess.Popen, queue.Queue]:
    code = PATCHED.format(patch="")
    proc = subprocess.Popen([sys.executable, "-c", code, "batch", *args, "--root", str(root)],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, env={**os.environ, "XXGK_LANG": "en", **env})
    lines: queue.Queue = queue.Queue()

    def pump() -> None:
        for line in iter(proc.stderr.readline, ""):
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    return proc, lines


def rest(lines: queue.Queue, seen: list[str]) -> str:
    while (line := lines.get(timeout=60)) is not None:
        seen.append(line)
    return "".join(seen)


def render_servers(pid: int) -> list[psutil.Process]:
    """The render servers under the batch whose pid is given (``python -m xxgk.remote serve``)."""
    out = []
    for p in psutil.Process(pid).children(recursive=True):
        try:
            if "xxgk.remote" in " ".join(p.cmdline()):
                out.append(p)
        except psutil.Error:
            pass
    return out


def a_report_rendering(pid: int, deadline: float) -> psutil.Process:
    """A render server with a report in progress (a forked child)."""
    while time.monotonic() < deadline:
        for server in render_servers(pid):
            try:
                if server.children():
                    return server
            except psutil.Error:
                pass
        time.sleep(0.05)
    raise AssertionError("no report started rendering")


def gone(processes: list[psutil.Process], within: float = 10.0) -> list[psutil.Process]:
    """Those of ``processes`` still running after ``within`` seconds."""
    deadline = time.monotonic() + within
    alive = processes
    while alive and time.monotonic() < deadline:
        alive = [p for p in alive if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
        time.sleep(0.1)
    return alive


def no_partial_files(root: Path) -> None:
    assert [p for p in (root / "output").rglob("*") if p.name.endswith(".tmp")] == []
    for page in (root / "output").glob("*/*.html"):
        assert page.read_text(encoding="utf-8").rstrip().endswith("</html>"), page
    for nb in (root / "output").glob("*/*.ipynb"):
        json.loads(nb.read_text(encoding="utf-8"))


def test_a_worker_killed_mid_report_loses_nothing(tmp_path):
    root = tmp_path / "root"
    reports = make_demo(root, townships=2, years=(2020, 2021))
    template = slow_template(tmp_path, fail=("示例镇002", 2021))
    proc, lines = start_batch(root, "--scheduler", "local:2", env={"XXGK_TEMPLATE": str(template)})
    server = a_report_rendering(proc.pid, time.monotonic() + 240)
    worker = server.parent()
    doomed = [worker, server, *server.children(recursive=True)]
    worker.kill()  # kill -9: the worker, mid-report
    code = proc.wait(timeout=300)
    err = rest(lines, [])
    assert code == 1, err  # 示例镇002 2021 fails by design; the others render
    assert "Traceback" not in err
    # The report the dead worker was rendering went to the other worker: every report has its outcome.
    assert statuses_of(err) == sorted([("FAILED", "示例镇002", 2021)] +
                                      [("ok", t, y) for t, y in reports if (t, y) != ("示例镇002", 2021)])
    entries = manifest(root)
    assert sorted(entries) == sorted(f"{y}/{t}" for t, y in reports)
    raw = (root / "output" / "manifest.json").read_text(encoding="utf-8")
    for key in entries:
        assert raw.count(json.dumps(key, ensure_ascii=False) + ":") == 1, key  # one entry each
    assert "ValueError" in entries["2021/示例镇002"]["error"]
    failed = json.loads((root / "output" / "2021" / "示例镇002.ipynb").read_text(encoding="utf-8"))
    assert any(o["output_type"] == "error" for c in failed["cells"] for o in c.get("outputs", []))
    assert not (root / "output" / "2021" / "示例镇002.html").exists()
    no_partial_files(root)
    # The killed worker's render server and its report did not outlive it.
    assert gone(doomed) == []


def statuses_of(stderr: str) -> list[tuple[str, str, int]]:
    return statuses(subprocess.CompletedProcess([], 0, "", stderr))


def test_an_unreachable_scheduler_is_a_clear_error_and_nothing_is_written(tmp_path):
    make_demo(tmp_path, townships=1, years=(2021,))
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    started = time.monotonic()
    proc = xxgk("batch", "--scheduler", address, root=tmp_path, env={"XXGK_LANG": ""})  # Chinese, the default
    took = time.monotonic() - started
    assert proc.returncode == 1, proc.stderr
    assert f"错误：无法连接 dask 调度器 {address}" in proc.stderr and "Traceback" not in proc.stderr
    assert took < 20, took
    assert not (tmp_path / "output").exists()
    # Addresses no pool serves, and a local cluster of no workers, are usage errors.
    for bad in ("bogus://x", "local:0", "local:many"):
        proc = xxgk("batch", "--scheduler", bad, root=tmp_path)
        assert proc.returncode == 2 and proc.stderr.startswith("error: --scheduler") and "Traceback" not in proc.stderr
    assert not (tmp_path / "output").exists()


def test_ctrl_c_cancels_the_cluster_batch_and_the_rerun_renders_the_rest(tmp_path):
    root = tmp_path / "root"
    reports = make_demo(root, townships=3, years=(2020, 2021))
    template = slow_template(tmp_path)
    env = {"XXGK_TEMPLATE": str(template)}
    proc, lines = start_batch(root, "--scheduler", "local:2", env=env)
    seen: list[str] = []
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:  # one report done, the next ones rendering
        line = lines.get(timeout=240)
        assert line is not None, "".join(seen)
        seen.append(line)
        if re.match(r"\[\s*1/6\] ok", line):
            break
    a_report_rendering(proc.pid, deadline)
    everything = psutil.Process(proc.pid).children(recursive=True)
    sent = time.monotonic()
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole foreground group
    code = proc.wait(timeout=60)
    stopped_in = time.monotonic() - sent
    err = rest(lines, seen)
    assert code == 128 + signal.SIGINT, err
    assert stopped_in < 10, stopped_in
    assert "interrupted by SIGINT" in err and "Traceback" not in err
    assert gone(everything) == []  # workers, render servers, reports: none left running
    no_partial_files(root)
    done_before = manifest(root)
    assert 1 <= len(done_before) < len(reports)
    assert all(e["status"] == "ok" for e in done_before.values())

    rerun = xxgk("batch", "--scheduler", "local:2", root=root, env=env)
    assert rerun.returncode == 0, rerun.stderr
    assert sorted((t, y) for _, t, y in rendered(rerun)) == sorted(r for r in reports if f"{r[1]}/{r[0]}" not in done_before)
    assert skipped(rerun) == len(done_before)


# --- workers whose kit differs ------------------------------------------------------------------------


def other_kit(tmp_path: Path) -> Path:
    """A copy of the kit with another version number: a worker installed from another release."""
    lib = tmp_path / "other-kit"
    shutil.copytree(PROJECT / "lib" / "xxgk", lib / "xxgk", ignore=shutil.ignore_patterns("__pycache__"))
    init = lib / "xxgk" / "__init__.py"
    init.write_text(init.read_text(encoding="utf-8").replace('__version__ = "', '__version__ = "9.'), encoding="utf-8")
    return lib


@pytest.fixture
def scheduler(tmp_path):
    """``dask scheduler`` on this machine; yields its address, a function starting a ``dask worker``
    with extra environment (returning the worker's process), and the scheduler's process."""
    started: list[subprocess.Popen] = []
    file = tmp_path / "scheduler.json"

    def start(*args: str, env: dict | None = None) -> subprocess.Popen:
        proc = subprocess.Popen([str(DASK), *args], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, env={**os.environ, **(env or {})}, start_new_session=True)
        started.append(proc)
        return proc

    start("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard", "--scheduler-file", str(file))
    deadline = time.monotonic() + 60
    while not file.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    address = json.loads(file.read_text())["address"]

    def worker(name: str, env: dict | None = None) -> subprocess.Popen:
        return start("worker", address, "--name", name, "--nthreads", "1", "--no-nanny", "--no-dashboard", env=env)

    try:
        yield address, worker, started[0]
    finally:
        for proc in reversed(started):
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass
            proc.wait()


def wait_for_workers(address: str, n: int) -> dict[str, str]:
    """Worker name → address, once the scheduler has ``n`` workers."""
    from distributed import Client

    with Client(address, timeout=30, set_as_default=False) as client:
        client.wait_for_workers(n, timeout=120)
        return {info["name"]: addr for addr, info in client.scheduler_info(n_workers=-1)["workers"].items()}


def test_workers_whose_kit_or_formats_differ_are_refused_before_any_report(tmp_path, scheduler):
    address, worker, _ = scheduler
    root = tmp_path / "root"
    reports = make_demo(root, townships=1, years=(2020, 2021))
    pythonpath = os.environ.get("PYTHONPATH", "")
    other_formats = worker("other-formats", {"XXGK_FORMATS": str(PROJECT / "tests" / "fixtures" / "formats")})
    other_release = worker("other-release", {"PYTHONPATH": os.pathsep.join(filter(None, [str(other_kit(tmp_path)), pythonpath]))})
    names = wait_for_workers(address, 2)

    # Only workers that would make other pages: refused, each named with why; nothing written.
    proc = xxgk("batch", "--scheduler", address, root=root, env={"XXGK_LANG": ""})
    assert proc.returncode == 1, proc.stderr
    assert re.search(rf"工作节点 {re.escape(names['other-formats'])} 被拒绝，不在其上生成报告：格式版本不同（本机 2019, 2021，"
                     r"该节点 2019, 2021, 2030）", proc.stderr), proc.stderr
    assert re.search(rf"工作节点 {re.escape(names['other-release'])} 被拒绝，不在其上生成报告：工具包不同（本机 0\.1\.0\+\w+，"
                     r"该节点 9\.0\.1\.0\+\w+）", proc.stderr), proc.stderr
    assert f"错误：调度器 {address} 没有可用的工作节点" in proc.stderr and "Traceback" not in proc.stderr
    assert not (root / "output").exists()

    # With a worker like this machine, the batch runs there, and only there.
    fit = worker("fit")
    names = wait_for_workers(address, 3)
    proc = xxgk("batch", "--scheduler", address, root=root)
    assert proc.returncode == 0, proc.stderr
    assert f"worker {names['other-formats']} refused" in proc.stderr and f"worker {names['other-release']} refused" in proc.stderr
    assert statuses(proc) == sorted(("ok", t, y) for t, y in reports)
    for refused in (other_formats, other_release):  # never asked to render: no render server started
        assert [p for p in psutil.Process(refused.pid).children(recursive=True)
                if "xxgk.remote" in " ".join(p.cmdline())] == []
    assert len(render_servers(fit.pid)) == 1


def test_a_scheduler_lost_part_way_keeps_what_finished(tmp_path, scheduler):
    address, worker, scheduler_process = scheduler
    root = tmp_path / "root"
    reports = make_demo(root, townships=2, years=(2020, 2021))
    worker("fit")
    wait_for_workers(address, 1)
    proc, lines = start_batch(root, "--scheduler", address, env={"XXGK_TEMPLATE": str(slow_template(tmp_path))})
    seen: list[str] = []
    while (line := lines.get(timeout=240)) is not None:
        seen.append(line)
        if re.match(r"\[\s*1/4\] ok", line):
            break
    os.killpg(scheduler_process.pid, signal.SIGKILL)
    code = proc.wait(timeout=120)
    err = rest(lines, seen)
    assert code == 1, err
    assert f"error: lost the dask scheduler {address}" in err and "report(s) not rendered" in err
    assert "Traceback" not in err and "ERROR" not in err  # dask's own log lines stay out of the display
    done = manifest(root)
    assert 1 <= len(done) < len(reports) and all(e["status"] == "ok" for e in done.values())
    no_partial_files(root)
