"""Finding the headless Chromium that prints PDFs and runs the browser tests, and how to start it.

Only a Chromium installed by the system's package manager is used (Debian's ``chromium``); the
kit never downloads a browser.  Chinese text needs a CJK font that fontconfig knows, or it
prints as boxes, so the font is part of "is the browser usable".
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

#: What to install when either is missing; said verbatim by the CLI and the test suite.
INSTALL_HINT = "apt-get install chromium fonts-noto-cjk"

_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

#: Flags for a headless run as root on a machine whose only network is a package mirror:
#: without the background-networking ones Chromium keeps trying to reach Google's hosts.
#: ``--headless`` itself is not here because Playwright adds it on its own.
FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--mute-audio",
    "--hide-scrollbars",
)


def find_chromium() -> Path | None:
    """The Chromium executable: ``$XXGK_CHROMIUM`` if set, else the first one found on PATH."""
    override = os.environ.get("XXGK_CHROMIUM")
    if override:
        path = Path(override)
        return path if path.is_file() and os.access(path, os.X_OK) else None
    for name in _CANDIDATES:
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def cjk_fonts() -> list[str]:
    """Families of the installed fonts that cover Simplified Chinese, as fontconfig lists them."""
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return []
    try:
        out = subprocess.run([fc_list, ":lang=zh-cn", "family"], capture_output=True, text=True,
                             timeout=30, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted({line.split(",")[0].strip() for line in out.splitlines() if line.strip()})


def missing() -> str | None:
    """None when Chromium and a CJK font are both installed, else one line saying what to do."""
    from .i18n import tr

    lacking = []
    if find_chromium() is None:
        lacking.append(tr("找不到 Chromium", "Chromium not found"))
    if not cjk_fonts():
        lacking.append(tr("没有中文字体", "no CJK font"))
    if not lacking:
        return None
    return tr("{what}：请安装 {hint}（或运行 bash .ci/install-browser）", "{what}: {hint} (or bash .ci/install-browser)",
              what=tr("、", " and ").join(lacking), hint=INSTALL_HINT)
