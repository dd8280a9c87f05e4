"""A text copy of a published report (``.txt``, as text extraction or copying from a page gives it)
as a :class:`~.document.Document`.

Table rows are the lines with a tab in them; every other line with text is a paragraph.  Nothing is
repaired: a row that lost its cells in extraction reaches the core as it stands in the file, and so
does a table's last row numbered 四、 just before the section heading 四、 (the core tells them apart;
here the row is in the grid and the heading is a paragraph, since only the row has tabs).
"""

from __future__ import annotations

import re
from pathlib import Path

from . import _raw
from ._text import page_meta, squeeze
from .document import Document, Grid, Paragraph, SourceError, Where

#: Only these end a line, as an editor counts lines: a form feed (a page break from PDF extraction)
#: or U+2028 inside a line is not a new line number.
_NEWLINE = re.compile(r"\r\n|\r|\n")
_SECTION = re.compile(r"^[一二三四五六]\s*、")
#: A title is a line, not a sentence that happens to end in 年度报告.
_TITLE_CHARS = 60


def read(path: Path) -> Document:
    text = _raw.decode(_raw.read_bytes(path))
    if not text.strip():
        raise SourceError("empty")
    blocks: list[Paragraph | Grid] = []
    rows: list[list[str]] = []
    first = 0
    tables = 0

    def end_grid() -> None:
        nonlocal rows, tables
        if rows:
            tables += 1
            width = max(len(r) for r in rows)
            cells = [r + [""] * (width - len(r)) for r in rows]
            blocks.append(Grid(cells, Where(line=first, table=tables)))
        rows = []

    for n, line in enumerate(_NEWLINE.split(text), start=1):
        if "\t" in line:
            if not rows:
                first = n
            rows.append([squeeze(cell) for cell in line.split("\t")])
            continue
        end_grid()
        para = squeeze(line)
        if para:
            blocks.append(Paragraph(para, Where(line=n), heading=_heading(para)))
    end_grid()
    return Document(source=path, blocks=blocks, meta=page_meta(blocks))


def _heading(text: str) -> bool:
    """一、… 六、 at the start (section 六 is often one line with its text), or the report's title."""
    return bool(_SECTION.match(text)) or (len(text) <= _TITLE_CHARS and text.endswith("年度报告"))
