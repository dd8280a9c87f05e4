"""``make bench``: ``xxgk batch`` against the loop a user without the kit would write.

Generates township-years with ``xxgk demo-data`` in a temporary folder, then renders them
(a) one after the other with the ``papermill`` command line, then ``jupyter nbconvert --to html
--no-input`` on its output; (b) with ``xxgk batch --force``.  Prints, for each: wall time,
reports per second, CPU seconds per report (every process: the commands, the kernels, the batch's
workers; from the children's resource usage), and peak memory, sampled every 50 ms: the largest
single process's RSS, and the process tree's (the commands' or the batch parent's RSS plus the
unique pages of the kernels or workers they start); then the ratio (a)/(b).

A second part renders 10× as many reports with (b) alone, to show that memory stays flat as the
batch grows (the batch's parent process, and the pages each worker has to itself, USS), and times a
re-run where nothing changed.

Usage: python bench/batch_vs_cli.py [--townships 10] [--years 2019-2022] [--scale 10 | --no-scale] [-j N]
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


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def measured(name: str, reports: int, run) -> Measure:
    cpu0 = children_cpu()
    t0 = time.perf_counter()
    with TreeMemory() as mem:
        run()
    wall = time.perf_counter() - t0
    return Measure(name, reports, wall, children_cpu() - cpu0, mem.peak_single / 2**20, mem.peak / 2**20,
                   mem.peak_uss / 2**20, mem.top_rss / 2**20)


def run(cmd: list[str], cwd: Path | None = None) -> None:
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


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


def batch(root: Path, jobs: int | None, force: bool = True) -> None:
    cmd = [str(BIN / "xxgk"), "batch", "--root", str(root)] + (["--force"] if force else []) + (["-j", str(jobs)] if jobs else [])
    run(cmd)


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
    ap.add_argument("-j", type=int, default=None, help="batch workers (default: xxgk's, one per core)")
    args = ap.parse_args()

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
        a = measured("(a) papermill CLI + nbconvert CLI", n, lambda: naive(root, reports))
        print(show(a), flush=True)
        b = measured("(b) xxgk batch --force", n, lambda: batch(root, args.j))
        print(show(b), flush=True)
        print(f"\nratio (a)/(b): wall {a.wall / b.wall:.1f}×, CPU per report {a.cpu_per_report / b.cpu_per_report:.1f}×")
        r = measured("(b) re-run, nothing changed", n, lambda: batch(root, args.j, force=False))
        print(f"re-run with nothing changed ({n} reports): {r.wall:.2f} s")

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
