"""Helpers shared by the browser tests (fixtures are in conftest.py)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "output" / "screenshots"
XXGK = [str(Path(sys.executable).with_name("xxgk"))]

SEED = ("红旗满族乡", 2020)  # 2019 format
SAMPLE_2021 = ("示例镇", 2021)  # the 2021-format sample in data/

#: Anything that could leave the machine.  Such requests are recorded, then aborted, so a test
#: run stays offline even when a page misbehaves.
NETWORK_URL = re.compile(r"^(https?|wss?|ftp)://", re.IGNORECASE)


def under_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def skip_module_without_browser() -> None:
    """Called at the top of each browser test module.  Raised from here, every module's skip has
    the same location and reason, so pytest's summary folds them into one line.  Under CI nothing
    is skipped: the ``chromium`` fixture fails each test instead (failing here, at collection,
    would stop the whole suite)."""
    import pytest

    from xxgk.browser import missing

    problem = missing()
    if problem and not under_ci():
        pytest.skip(problem, allow_module_level=True)


@dataclass
class Visit:
    """A browser tab, with every request made by it or by a tab it opened, and its script errors."""

    page: object = None
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def launch(playwright, chromium: Path, **kw):
    """Debian's Chromium, headless, with the kit's flags (never Playwright's downloaded build)."""
    from xxgk.browser import FLAGS

    return playwright.chromium.launch(executable_path=str(chromium), args=list(FLAGS), **kw)


def make_root(tmp: Path) -> Path:
    """A root folder holding copies of the repository's data/ and params/."""
    for name in ("data", "params"):
        shutil.copytree(REPO / name, tmp / name)
    return tmp


def run_xxgk(*args: str, root: Path, timeout: float = 900, expect: int = 0) -> subprocess.CompletedProcess:
    proc = subprocess.run([*XXGK, *args, "--root", str(root)], capture_output=True, text=True,
                          timeout=timeout, cwd=root, stdin=subprocess.DEVNULL)
    assert proc.returncode == expect, f"xxgk {' '.join(args)} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"
    return proc


def output_file(root: Path, township: str, year: int, suffix: str, *, published: bool = False) -> Path:
    """A file of the review copy, or of the published copy (``output/<year>/published/``; the PDF is
    only ever the published copy's)."""
    folder = root / "output" / str(year) / ("published" if published or suffix == ".pdf" else "")
    path = folder / f"{township}{suffix}"
    assert path.is_file(), f"{path} was not written"
    return path


def in_thread(fn, *args) -> None:
    """Run ``fn(*args)`` with Playwright's synchronous API in a thread of its own: the browser
    tests' session may already run Playwright's event loop in this one, and the synchronous API
    refuses to start inside a running loop.  What it raises is raised here."""
    import threading

    failure: list[BaseException] = []

    def run() -> None:
        try:
            fn(*args)
        except BaseException as e:  # re-raised below, in the test's thread
            failure.append(e)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    if failure:
        raise failure[0]
