"""The source readers, by file suffix: a new kind of published report is one reader here."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from .document import Document, SourceError

Reader = Callable[[Path], Document]


def _html(path: Path) -> Document:
    from .html_source import read

    return read(path)


def _text(path: Path) -> Document:
    from .text_source import read

    return read(path)


def _pdf(path: Path) -> Document:
    from .pdf_source import read

    return read(path)


def _docx(path: Path) -> Document:
    from .docx_source import read

    return read(path)


#: Suffix → reader (imported when first used: pdfplumber and python-docx are heavy).
READERS: dict[str, Reader] = {
    ".html": _html, ".htm": _html, ".shtml": _html,
    ".txt": _text,
    ".pdf": _pdf,
    ".docx": _docx,
}


def read(path: Path) -> Document:
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise SourceError("kind", suffixes=", ".join(sorted(READERS)))
    return reader(path)
