"""What `make test` says on a machine without Chromium: one skip line naming what to install, and
under CI a failure instead.  Runs the browser tests in a child pytest whose XXGK_CHROMIUM points
at nothing, so it needs no browser itself."""

from __future__ import annotations

import os
import subprocess
import sys

from browser_support import REPO, SEED, XXGK, make_root

HINT = "找不到 Chromium：请安装 apt-get install chromium fonts-noto-cjk"


def run_browser_tests(ci: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "XXGK_CHROMIUM": str(REPO / "no-such-chromium"), "CI": ci}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-ra", "tests/browser", "-k", "not without_chromium"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
    )


def test_without_chromium_the_browser_tests_skip_on_one_line():
    proc = run_browser_tests(ci="")
    # 5 is pytest's "no test ran": here every module given was skipped; in `make test` others run.
    assert proc.returncode in (0, 5), proc.stdout + proc.stderr
    skip_lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("SKIPPED")]
    assert len(skip_lines) == 1, proc.stdout
    assert HINT in skip_lines[0]
    last = proc.stdout.splitlines()[-1]
    assert " skipped" in last and " passed" not in last and " failed" not in last, last


def test_without_chromium_under_ci_the_browser_tests_fail():
    proc = run_browser_tests(ci="true")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "skipped" not in proc.stdout.splitlines()[-1]
    assert f"CI=true and {HINT}" in proc.stdout


def test_render_to_pdf_without_chromium_says_what_to_install_and_writes_nothing(tmp_path):
    root = make_root(tmp_path)
    env = {**os.environ, "XXGK_CHROMIUM": str(tmp_path / "no-such-chromium")}
    proc = subprocess.run([*XXGK, "render", "--township", SEED[0], "--year", str(SEED[1]), "--to", "pdf",
                           "--root", str(root)], env=env, capture_output=True, text=True, timeout=300,
                          stdin=subprocess.DEVNULL)
    assert proc.returncode == 1
    assert "apt-get install chromium fonts-noto-cjk" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (root / "output").exists() or not any((root / "output").rglob("*.*"))
