"""A table of the document model as a Word table, in the official layout.

The cells and their spans are :mod:`xxgk.layout`'s grid, the same the HTML prints: a cell spanning
columns is one ``w:tc`` with ``w:gridSpan``; a cell spanning rows starts a ``w:vMerge`` and the
rows below continue it.  Header rows repeat on every page the table runs onto (``w:tblHeader``);
no row is split by a page break.  Figures are right-aligned, a blank cell is blank, not applicable
prints ``/``; every cell is ruled.  Columns have fixed widths adding up to the text width, so no
word processor widens the table past the margin.
"""

from __future__ import annotations

from ..document import Figure, Table
from ..layout import GridCell, matrix
from .ooxml import Element, w
from .page import TABLE_TEXT, TABLE_TITLE, TEXT_WIDTH

#: Narrow cell margins (1 mm each side): table 四 has fifteen columns of about 10 mm.
CELL_MARGIN = 57
#: The width of the column holding the deepest row labels (the longest texts) against a figure's.
LABEL_WEIGHT = 1.6


def column_widths(width: int, label_columns: int, total: int = TEXT_WIDTH) -> list[int]:
    """Twips per grid column, adding up to ``total``: every column of figures the same, the
    columns of row labels as wide, the last of them wider."""
    weights = [1.0] * width
    if label_columns:
        weights[label_columns - 1] = LABEL_WEIGHT
    unit = total / sum(weights)
    widths = [int(unit * wt) for wt in weights]
    widths[max(range(width), key=lambda i: weights[i])] += total - sum(widths)
    return widths


def _borders() -> Element:
    sides = ("top", "left", "bottom", "right", "insideH", "insideV")
    return w("tblBorders", *(w(side, val="single", sz=4, space=0, color="auto") for side in sides))


def _text(gc: GridCell, figure: Figure | None) -> tuple[str, str, bool]:
    """(text, alignment, bold) of a cell."""
    if gc.role == "data":
        return (figure.text if figure else ""), "right", False
    if gc.role == "caption":  # 第二十条第（一）项 heads its part
        return gc.text, "left", True
    if gc.role == "label":
        return gc.text, "center" if gc.group else "left", False
    return gc.text, "center", False


def _cell(gc: GridCell, widths: list[int], first: int, *, merge: str | None, figure: Figure | None,
          keep_next: bool) -> Element:
    span = gc.colspan
    text, align, bold = ("", "center", False) if merge == "continue" else _text(gc, figure)
    run = w("r", w("rPr", w("b")) if bold else None, w("t", text=text, xml_space="preserve")) if text else None
    return w("tc",
             w("tcPr",
               w("tcW", w=sum(widths[first:first + span]), type="dxa"),
               w("gridSpan", val=span) if span > 1 else None,
               w("vMerge", val="restart") if merge == "restart" else w("vMerge") if merge == "continue" else None,
               w("vAlign", val="center")),
             w("p", w("pPr", w("pStyle", val=TABLE_TEXT), w("keepNext") if keep_next else None, w("jc", val=align)), run))


def table(block: Table) -> list[Element]:
    """The table's title and the table."""
    g = block.grid
    rows = list(g.rows())
    placed = matrix(rows)
    widths = column_widths(g.width, g.label_columns)
    # A table of one part repeats its header on each page; one of several parts (table 二) keeps
    # each part on one page instead, since its header is not the same for every part.
    head: set[int] = set()
    keep: set[int] = set()
    at = 0
    for part in g.blocks:
        size = len(part.head) + len(part.body)
        if len(g.blocks) == 1:
            head.update(range(at, at + len(part.head)))
        else:
            keep.update(range(at, at + size - 1))
        at += size
    trs = []
    for r, row in enumerate(placed):
        tcs = []
        for c, gc in enumerate(row):
            if c > 0 and row[c - 1] is gc:
                continue  # inside a cell spanning columns
            above = r > 0 and placed[r - 1][c] is gc
            merge = "continue" if above else "restart" if gc.rowspan > 1 else None
            figure = block.figures.get(gc.cell.key) if gc.cell is not None else None
            tcs.append(_cell(gc, widths, c, merge=merge, figure=figure, keep_next=r in keep))
        trs.append(w("tr", w("trPr", w("cantSplit"), w("tblHeader") if r in head else None), *tcs))
    tbl = w("tbl",
            w("tblPr",
              w("tblW", w=TEXT_WIDTH, type="dxa"),
              w("jc", val="center"),
              _borders(),
              w("tblLayout", type="fixed"),
              w("tblCellMar", w("left", w=CELL_MARGIN, type="dxa"), w("right", w=CELL_MARGIN, type="dxa"))),
            w("tblGrid", *(w("gridCol", w=width) for width in widths)),
            *trs)
    title = w("p", w("pPr", w("pStyle", val=TABLE_TITLE)), w("r", w("t", text=block.title)))
    return [title, tbl]
