"""The notebook template: where it is, what it hashes to, and the stop it makes on bad input.

The template is ``notebooks/annual_report.ipynb`` of the kit's source tree (the project is
installed in editable mode); its paired ``annual_report.py`` is the reviewable text of the same cells.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .report import Report

TEMPLATE_NAME = "annual_report.ipynb"
PAIRED_NAME = "annual_report.py"


def notebooks_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "notebooks"


def template_path() -> Path:
    path = notebooks_dir() / TEMPLATE_NAME
    if not path.is_file():
        raise FileNotFoundError(f"notebook template not found at {path}; is the kit installed from its source tree?")
    return path


def paired_path() -> Path:
    return notebooks_dir() / PAIRED_NAME


@lru_cache(maxsize=None)
def _sha256(path: Path, mtime_ns: int, size: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def template_sha256() -> str:
    """sha256 of the template's bytes, for the provenance footer and for knowing when to re-render."""
    path = template_path()
    st = path.stat()
    return _sha256(path, st.st_mtime_ns, st.st_size)


_SHOWN = 20


class InputErrors(Exception):
    """The report's inputs have errors; raised in the notebook so that no wrong report follows."""

    def __init__(self, report: "Report"):
        from .findings import tally
        from .i18n import tr

        self.findings = [f for f in report.findings if f.is_error]
        lines = [f.format_line() for f in self.findings[:_SHOWN]]
        if len(self.findings) > _SHOWN:
            lines.append(tr("… 另有 {n} 项，均列在上方“数据核验”中", "… and {n} more, all listed in 数据核验 above",
                            n=len(self.findings) - _SHOWN))
        super().__init__(tr("{t} {y}：输入错误 {n} 项，未生成报告", "{t} {y}: {n} input error(s), no report made",
                            t=report.township, y=report.year, n=tally(self.findings).errors) + "\n" + "\n".join(lines))

    def _render_traceback_(self) -> list[str]:
        # IPython shows this instead of a traceback: the findings are the whole story.
        return [f"InputErrors: {self}"]


def stop_on_input_errors(report: "Report") -> None:
    """Show the input errors and stop the notebook when there are any; do nothing otherwise."""
    if not report.has_input_errors:
        return
    from IPython.display import HTML, display

    from . import html

    display(HTML(html.review_panel(report, publish=False)))
    raise InputErrors(report)


@lru_cache(maxsize=4)
def _load(path: Path, mtime_ns: int, size: int):
    import nbformat

    return nbformat.read(path, as_version=4)


def load_template():
    """The template as a NotebookNode, read once per process (callers must not modify it)."""
    path = template_path()
    st = path.stat()
    return _load(path, st.st_mtime_ns, st.st_size)
