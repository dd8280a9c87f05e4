"""Printing a rendered report to A4 PDF through headless Chromium.

The page layout (A4, margins, header rows repeated across pages, page numbers in the footer,
what the published copy hides) is the report's print stylesheet; this module only asks Chromium
to print with it.  Chromium's own header and footer (date, file path) are switched off, since
they would publish the analyst's file system.
"""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
from pathlib import Path

from . import browser, paths
from .i18n import tr


class PdfError(Exception):
    """Printing failed; the message says why and what to do, for the analyst."""


def print_pdf(html: Path, pdf: Path, *, timeout: float = 120.0) -> Path:
    """Print ``html`` to ``pdf``; the PDF appears only when complete (written beside, renamed)."""
    chromium = browser.find_chromium()
    if chromium is None:
        raise PdfError(tr("无法打印 {name}：找不到 Chromium；请安装 {hint}", "cannot print {name}: Chromium not found; {hint}",
                          name=pdf.name, hint=browser.INSTALL_HINT))
    html = html.resolve()
    if not html.is_file():
        raise PdfError(tr("无法打印 {name}：{html} 不存在", "cannot print {name}: {html} does not exist", name=pdf.name, html=html))
    pdf.parent.mkdir(parents=True, exist_ok=True)
    # Named like xxgk.atomic's temporary files, so that a batch cleaning up after a killed worker
    # finds it too, and a township name too long for it is refused before rendering.
    fd, name = tempfile.mkstemp(dir=pdf.parent, prefix=paths.temp_prefix(pdf.name), suffix=paths.TEMP_SUFFIX)
    os.close(fd)
    partial = Path(name)
    try:
        with tempfile.TemporaryDirectory(prefix="xxgk-chromium-") as profile:
            command = [
                str(chromium), "--headless", *browser.FLAGS,
                f"--user-data-dir={profile}",
                "--no-pdf-header-footer",
                f"--print-to-pdf={partial}",
                html.as_uri(),
            ]
            code, stderr = _run(command, timeout)
        if code != 0 or not _is_pdf(partial):
            detail = _last_lines(stderr)
            raise PdfError(tr("Chromium 未能把 {name} 打印为 PDF（退出码 {code}）", "Chromium could not print {name} to PDF (exit {code})",
                              name=html.name, code=code) + (f": {detail}" if detail else ""))
        _settle(partial)
        os.replace(partial, pdf)
    finally:
        partial.unlink(missing_ok=True)
    return pdf


def _run(command: list[str], timeout: float) -> tuple[int, str]:
    """Run Chromium in its own process group, so that a timeout or Ctrl-C ends all its children."""
    proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, errors="replace",
                            start_new_session=True)
    try:
        _, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        raise PdfError(tr("Chromium 在 {s} 秒内未完成打印", "Chromium did not finish printing within {s} s", s=f"{timeout:.0f}")) from None
    except BaseException:
        _kill_group(proc)
        raise
    return proc.returncode, stderr


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def _settle(path: Path) -> None:
    """On disk before the rename, with the usual permissions (mkstemp made it 0600)."""
    with path.open("rb") as fh:
        os.fsync(fh.fileno())
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def _is_pdf(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(5) == b"%PDF-"
    except OSError:
        return False


def _last_lines(stderr: str, n: int = 3) -> str:
    # Chromium logs D-Bus and GPU noise on every headless start; keep only the tail.
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip() and "dbus" not in ln.lower()]
    return " | ".join(lines[-n:])
