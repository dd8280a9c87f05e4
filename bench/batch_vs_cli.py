"""``make bench``: ``xxgk batch`` against the loop a user without the kit would write.

Generates township-years with ``xxgk demo-data`` in a temporary folder, then renders them
(a) one after the other with the ``papermill`` command line, then ``jupyter nbconvert --to html
--no-input`` on its output; (b) with ``xxgk batch --force``; (c) with ``xxgk batch --force
--scheduler local:2``, a dask LocalCluster of two workers (``--cluster`` names another).  Prints, for each: wall time,
reports per second, CPU seconds per report (every process: the commands, the kernels, the batch's
workers; from the children's resource usage), and peak memory, sampled every 50 ms: the largest
single process's RSS, and the process tree's (the commands' or the batch parent's RSS plus the
unique pages of the kernels or workers they start); then the ratios (a)/(b) and (c)/(b).

CPU on a cluster is counted whole: the client, the scheduler, the workers, their render servers
and every report's process.  The render servers outlive the workers that started them by a moment
(they end when their worker's pipe closes), so this process makes itself their subreaper (Linux)
and waits for them: their CPU and their reports' is then in its children's resource usage.

A second part renders 10× as many reports with (b) alone, to show that memory stays flat as the
batch grows (the batch's parent process, and the pages each worker has to itself, USS), and times a
re-run where nothing changed.

With ``--against OTHER/lib`` (the ``lib/`` folder of another checkout of the kit, say a git worktree
of the last release), (b) is also run with that kit, the two alternately ``--rounds`` times in this
same run, and the medians are compared: a change's speed-up or regression, measured side by side.

Usage: python bench/batch_vs_cli.py [--townships 10] [--years 2019-2022] [--scale 10 | --no-scale] [-j N]
                                   [--cluster local:2 | --no-cluster] [--no-cli]
                                   [--against OTHER/lib [--rounds 3]]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
BIN = Path(sys.executable).parent
TEMPLATE = PROJECT / "notebooks" / "annual_report.ipynb"


@dataclass
class Measure:
    name: str
    reports: int
    wall: float
    cpu: float
    peak_rss: float  # MiB, largest single process (sampled RSS)
    peak_tree: float  # MiB, the top processes' RSS plus their descendants' USS, summed
    peak_worker_uss: float = 0.0  # MiB, the most memory one worker had to itself (pages it did not share)
    top_rss: float = 0.0  # MiB, the top process (the batch's parent, or the CLI commands)

    @property
    def per_second(self) -> float:
        return self.reports / self.wall

    @property
    def cpu_per_report(self) -> float:
        return self.cpu / self.reports


class TreeMemory:
    """Samples the memory of this process's descendants: the RSS of the commands it runs plus the
    unique set size (pages a process has to itself) of what those start."""

    def __init__(self, interval: float = 0.05):
        self.interval = interval
        self.peak = 0
        self.peak_single = 0
        self.peak_uss = 0  # below the top process
        self.top_rss = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            top = set(p.pid for p in me.children())
            for p in me.children(recursive=True):
                try:
                    info = p.memory_full_info()
                    self.peak_single = max(self.peak_single, info.rss)
                    # The commands (or the batch's parent) count whole; what they start (kernels,
                    # workers) counts by the pages it has to itself.  Unlike PSS, this does not move
                    # with how many unrelated processes on the machine share the same libraries.
                    if p.pid in top:
                        total += info.rss
                        self.top_rss = max(self.top_rss, info.rss)
                    else:
                        total += info.uss
                        self.peak_uss = max(self.peak_uss, info.uss)
                except (psutil.Error, OSError):
                    pass
            self.peak = max(self.peak, total)
            self._stop.wait(self.interval)

    def __enter__(self) -> "TreeMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def become_subreaper() -> bool:
    """Orphaned descendants (a cluster worker's render servers) are reparented here, to be waited for."""
    try:
        import ctypes

        PR_SET_CHILD_SUBREAPER = 36
        return ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def reap_orphans(timeout: float = 30.0) -> None:
    """Wait for the descendants left behind (subreaper only), so that their CPU is counted."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.05)


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def measured(name: str, reports: int, run) -> Measure:
    cpu0 = children_cpu()
    t0 = time.perf_counter()
    with TreeMemory() as mem:
        run()
    wall = time.perf_counter() - t0
    reap_orphans()
    return Measure(name, reports, wall, children_cpu() - cpu0, mem.peak_single / 2**20, mem.peak / 2**20,
                   mem.peak_uss / 2**20, mem.top_rss / 2**20)


def run(cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> None:
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)


def demo(root: Path, townships: int, years: str) -> list[tuple[str, int]]:
    run([str(BIN / "xxgk"), "demo-data", "--townships", str(townships), "--years", years, "--root", str(root)])
    return sorted((p.stem, int(p.parent.name)) for p in (root / "data").glob("*/*.csv"))


def naive(root: Path, reports: list[tuple[str, int]]) -> None:
    """What a user without the kit would write: two commands per report, one report at a time."""
    out = root / "naive"
    for township, year in reports:
        nb = out / str(year) / f"{township}.ipynb"
        nb.parent.mkdir(parents=True, exist_ok=True)
        run([str(BIN / "papermill"), str(TEMPLATE), str(nb), "-p", "township", township, "-p", "year", str(year),
             "-p", "root", str(root), "--no-progress-bar"], cwd=root)
        run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(nb)], cwd=root)


def batch(root: Path, jobs: int | None, force: bool = True, scheduler: str | None = None, *extra: str,
          kit: Path | None = None) -> None:
    cmd = [str(BIN / "xxgk"), "batch", "--root", str(root)] + (["--force"] if force else []) + (["-j", str(jobs)] if jobs else [])
    # Another kit: its lib/ first on the path, so the ``xxgk`` command imports that package.
    env = {**os.environ, "PYTHONPATH": str(kit)} if kit else None
    run(cmd + (["--scheduler", scheduler] if scheduler else []) + list(extra), env=env)


def side_by_side(root: Path, reports: int, jobs: int | None, other: Path, rounds: int) -> None:
    """(b) with this kit and with another, alternately, so that both meet the same machine."""
    import statistics

    # Both kits with their bytecode written (`make bench` writes this one's, but the script is also run
    # by hand), into __pycache__ folders git ignores, so that the two differ by their code alone.
    for kit in (PROJECT / "lib", other):
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(kit)], check=False)

    this, that = [], []
    for _ in range(rounds):
        this.append(measured("(b) this kit", reports, lambda: batch(root, jobs)))
        that.append(measured(f"(b) {other}", reports, lambda: batch(root, jobs, kit=other)))
    for name, ms in (("(b) this kit", this), (f"(b) {other}", that)):
        print(f"{name:<34} {reports:>5} wall {' '.join(f'{m.wall:.1f}' for m in ms)} s; "
              f"CPU s/report {' '.join(f'{m.cpu_per_report:.3f}' for m in ms)}")
    wall = statistics.median(m.wall for m in that) / statistics.median(m.wall for m in this)
    cpu = statistics.median(m.cpu_per_report for m in that) / statistics.median(m.cpu_per_report for m in this)
    print(f"medians of {rounds}: this kit {statistics.median(m.cpu_per_report for m in this):.3f} CPU s/report, "
          f"the other {statistics.median(m.cpu_per_report for m in that):.3f}; other/this: wall {wall:.2f}×, CPU {cpu:.2f}×")


def marginal(big: Measure, small: Measure) -> float:
    """CPU s per report beyond a batch's fixed cost (start-up, warm-up, shut-down): the slope between
    a small and a large batch."""
    return (big.cpu - small.cpu) / (big.reports - small.reports)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def show(m: Measure) -> str:
    return (f"{m.name:<34} {m.reports:>5} {m.wall:>8.1f} s {m.per_second:>8.2f}/s {m.cpu_per_report:>8.3f} "
            f"{m.peak_rss:>9.0f} {m.peak_tree:>10.0f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--townships", type=int, default=10)
    ap.add_argument("--years", default="2019-2022")
    ap.add_argument("--scale", type=int, default=10, help="the memory run renders this many times as many reports")
    ap.add_argument("--no-scale", action="store_true", help="skip the larger run")
    ap.add_argument("--no-cli", action="store_true", help="skip run (a), the command-line tools (the slowest)")
    ap.add_argument("-j", type=int, default=None, help="batch workers (default: xxgk's, one per core)")
    ap.add_argument("--cluster", default="local:2", help="the dask cluster of run (c): local:N or tcp://host:port")
    ap.add_argument("--no-cluster", action="store_true", help="skip run (c)")
    ap.add_argument("--against", type=Path, default=None,
                    help="another checkout's lib/ folder: run (b) with it too, alternately, and compare")
    ap.add_argument("--rounds", type=int, default=3, help="with --against: runs of each kit")
    args = ap.parse_args()
    subreaper = become_subreaper()

    print(f"machine: {os.cpu_count()} CPU ({cpu_model()}), {psutil.virtual_memory().total / 2**30:.0f} GiB RAM, "
          f"Python {platform.python_version()}, {platform.system()} {platform.release()}")
    work = Path(tempfile.mkdtemp(prefix="xxgk-bench-"))
    try:
        root = work / "small"
        reports = demo(root, args.townships, args.years)
        n = len(reports)
        print(f"{n} township-years ({args.townships} townships × {args.years}); the notebook template as `xxgk render` runs it\n")
        header = f"{'':<34} {'reps':>5} {'wall':>10} {'reports/s':>10} {'CPU s/rep':>9} {'maxRSS MiB':>9} {'tree MiB':>10}"
        print(header)
        a = None if args.no_cli else measured("(a) papermill CLI + nbconvert CLI", n, lambda: naive(root, reports))
        if a:
            print(show(a), flush=True)
        b = measured("(b) xxgk batch --force", n, lambda: batch(root, args.j))
        print(show(b), flush=True)
        if not args.no_cluster:
            k = measured(f"(c) … --scheduler {args.cluster}", n, lambda: batch(root, None, scheduler=args.cluster))
            print(show(k), flush=True)
        print()
        if a:
            print(f"ratio (a)/(b): wall {a.wall / b.wall:.1f}×, CPU per report {a.cpu_per_report / b.cpu_per_report:.1f}×")
        if not args.no_cluster:
            print(f"ratio (c)/(b): wall {k.wall / b.wall:.2f}×, CPU per report {k.cpu_per_report / b.cpu_per_report:.2f}× "
                  f"(the cluster's CPU {'with' if subreaper else 'WITHOUT (no subreaper here)'} its render servers, "
                  f"its start-up included)")
            # The same with the fixed costs taken out: one township's years alone, both ways.
            first = reports[0][0]
            few = sum(1 for t, _ in reports if t == first)
            b1 = measured("(b) one township", few, lambda: batch(root, args.j, True, None, "--townships", first))
            k1 = measured("(c) one township", few, lambda: batch(root, None, True, args.cluster, "--townships", first))
            mb, mk = marginal(b, b1), marginal(k, k1)
            print(f"one township ({few} reports): (b) {b1.wall:.1f} s wall, {b1.cpu:.1f} CPU s; "
                  f"(c) {k1.wall:.1f} s wall, {k1.cpu:.1f} CPU s")
            print(f"CPU s per report beyond the fixed cost: (b) {mb:.3f}, (c) {mk:.3f}, ratio (c)/(b) {mk / mb:.2f}×")
        r = measured("(b) re-run, nothing changed", n, lambda: batch(root, args.j, force=False))
        print(f"re-run with nothing changed ({n} reports): {r.wall:.2f} s")
        if args.against:
            print()
            side_by_side(root, n, args.j, args.against.resolve(), args.rounds)

        if not args.no_scale:
            big = work / "big"
            reports_big = demo(big, args.townships * args.scale, args.years)
            print()
            print(header)
            print(show(b))
            c = measured("(b) xxgk batch --force, larger", len(reports_big), lambda: batch(big, args.j))
            print(show(c), flush=True)
            r = measured("(b) re-run, nothing changed", len(reports_big), lambda: batch(big, args.j, force=False))
            print(f"re-run with nothing changed ({len(reports_big)} reports): {r.wall:.2f} s")
            print(f"memory, {len(reports_big)} vs {n} reports: batch parent (RSS) {c.top_rss:.0f} vs {b.top_rss:.0f} MiB; "
                  f"a worker's own pages (peak USS) {c.peak_worker_uss:.0f} vs {b.peak_worker_uss:.0f} MiB; "
                  f"whole process tree {c.peak_tree:.0f} vs {b.peak_tree:.0f} MiB "
                  f"(a maximum over {len(reports_big) // n}× more samples of -j workers coming and going)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
