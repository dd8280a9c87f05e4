"""``make bench`` (second part): a 50 MB broken data file, answered by ``xxgk check``.

Three files of about 50 MB each, as an office could send them by mistake:

- *repeated*: a whole report's 200 lines pasted over and over (every line after the first copy
  is a duplicate cell: about a million input errors of one kind);
- *unknown*: a million lines whose labels match no table (every line an input error);
- *other*: a CSV of something else with the right header (not a report: reading stops early).

For each, ``xxgk check`` runs beside a baseline in the same run: ``pandas.read_csv`` reading the
same file into memory (what a hand-written check would start with). Printed: wall time, the peak
resident memory of the process (``ru_maxrss``), and the lines the command printed; then the ratio
to the baseline.  A good answer is a few seconds, memory that does not grow with the file, and a
few dozen lines however many errors there are.

Usage: python bench/large_input.py [--mb 50]
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
sys.path.insert(0, str(PROJECT / "lib"))

from xxgk import spec  # noqa: E402


def _report_lines(version: str) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    for cell in spec.get_format(version).cells():
        w.writerow([*cell.key, "0"])
    return out.getvalue()


def make_files(folder: Path, mb: int) -> dict[str, Path]:
    size = mb * 1024 * 1024
    header = "table,row,column,value\n"
    files = {}
    body = _report_lines("2021")
    files["repeated"] = ("甲镇", header + body * max(1, size // len(body.encode())))
    unknown = "".join(f"三,第{i}行,第{i % 7}列,{i}\n" for i in range(1000))
    files["unknown"] = ("乙镇", header + unknown * max(1, size // len(unknown.encode())))
    other = "".join(f"{i},{i * 3},{i * 7},{i}\n" for i in range(1000))
    files["other"] = ("丙镇", header + other * max(1, size // len(other.encode())))
    paths = {}
    for kind, (township, text) in files.items():
        root = folder / kind
        path = root / "data" / "2021" / f"{township}.csv"
        path.parent.mkdir(parents=True)
        path.write_text(text, encoding="utf-8")
        paths[kind] = path
    return paths


def run(args: list[str]) -> tuple[float, float, int]:
    """(wall seconds, peak RSS MiB, lines printed) of one command."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss / 1024, out.count(b"\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=50)
    parser.add_argument("--make", help=argparse.SUPPRESS)
    opts = parser.parse_args()
    if opts.make:
        make_files(Path(opts.make), opts.mb)
        return
    xxgk = [sys.executable, "-c", "from xxgk.cli import main; main()"]
    with tempfile.TemporaryDirectory(prefix="xxgk-bench-") as tmp:
        # Made in a process of their own: a forked command starts with its parent's pages, and this
        # process must stay small for the commands' peaks to be theirs.
        subprocess.run([sys.executable, __file__, "--make", tmp, "--mb", str(opts.mb)], check=True)
        paths = {kind: next((Path(tmp) / kind).glob("data/*/*.csv")) for kind in ("repeated", "unknown", "other")}
        print(f"{'file':<10} {'MB':>5}  {'command':<26} {'wall s':>7} {'peak MiB':>9} {'lines out':>10}  ratio")
        for kind, path in paths.items():
            mb = path.stat().st_size / 1e6
            root = path.parents[2]
            base = run([sys.executable, "-c", f"import pandas; pandas.read_csv({str(path)!r}, dtype=str)"])
            kit = run([*xxgk, "check", "--root", str(root)])
            print(f"{kind:<10} {mb:>5.0f}  {'(a) pandas.read_csv':<26} {base[0]:>7.2f} {base[1]:>9.0f} {base[2]:>10}")
            print(f"{'':<10} {'':>5}  {'(b) xxgk check':<26} {kit[0]:>7.2f} {kit[1]:>9.0f} {kit[2]:>10}  "
                  f"wall ×{kit[0] / base[0]:.2f}, memory ×{kit[1] / base[1]:.2f}")


if __name__ == "__main__":
    main()
