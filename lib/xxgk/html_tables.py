"""A table of the document model as a real ``<table>``: the official spans, the figures, and the
reviewer's marks.

The figures print as the model holds them (:func:`xxgk.values.format_value`): blank stays an
empty cell (marked 未填报 so a reviewer sees it is missing, not zero), not-applicable prints ``/``,
money keeps its decimals.  Every data cell carries ``data-table``/``data-row``/``data-column`` with
its official labels so tests and browsers can find it.
"""

from __future__ import annotations

from markupsafe import Markup

from . import spec
from .document import Figure, Table
from .html_tags import classes, el, join
from .i18n import T, tr
from .layout import GridCell, Row
from .load import Key

BLANK_TITLE = T("未填报", "missing")
NA_TITLE = T("不适用", "not applicable")
COMPUTED_TITLE = T("由分项计算", "computed from its parts")


def cell_anchor(table: spec.Table, key: Key) -> str | None:
    """A stable ASCII id for a data cell (``cell-3-0-6``), or None for a key not in the table."""
    _, row, column = key
    try:
        r, c = table.data_rows.index(row), table.data_columns.index(column)
    except ValueError:
        return None
    return f"cell-{spec.TABLE_IDS.index(table.id) + 2}-{r}-{c}"


def _data_cell(table: spec.Table, gc: GridCell, fig: Figure) -> Markup:
    cell = gc.cell
    assert cell is not None
    marks, titles = [], []
    if fig.state == "blank":
        marks.append("blank")
        titles.append(BLANK_TITLE.render())
    elif fig.state == "na":
        marks.append("na")
        titles.append(NA_TITLE.render())
    if fig.computed:
        marks.append("computed")
        titles.append(COMPUTED_TITLE.render())
    if fig.carried is not None:
        marks.append("carried")
        titles.append(fig.carried)
    flag = fig.flag
    if flag:
        marks += ["flagged", f"flag-{flag.severity}"]
        titles.append(tr("核验未通过：", "check failed: ") + "、".join(flag.rules))
    if fig.note is not None:
        marks.append("noted")
        titles.append(tr("见表下注{n}", "see note {n} below the table", n=fig.note))
    return el(
        "td", fig.text,
        class_=classes("fig", *marks),
        id=cell_anchor(table, cell.key) if flag else None,
        data_table=cell.table, data_row=cell.row, data_column=cell.column,
        title=tr("；", "; ").join(titles) or None,
    )


def _other_cell(gc: GridCell, label_columns: int) -> Markup:
    span = dict(rowspan=gc.rowspan if gc.rowspan > 1 else None, colspan=gc.colspan if gc.colspan > 1 else None)
    if gc.role == "caption":
        return el("th", gc.text, class_="part-caption", **span)
    if gc.role == "corner":
        # A one-column corner (信息内容) heads the label column; a wider one is a footnote.
        return el("th", gc.text, class_="corner", scope="col" if gc.colspan == 1 and label_columns == 1 else None, **span)
    if gc.role == "header":
        return el("th", gc.text, class_="group" if gc.group else None, scope="col", **span)
    if gc.role == "label":
        return el("th", gc.text, class_=classes("label", f"level-{gc.level}", "group" if gc.group else None),
                  scope="row", **span)
    return el("td", class_="pad", **span)


def table_element(block: Table) -> str:
    """The table as a ``<table>``.  One part: its header is the ``<thead>`` (repeated on each
    printed page); several parts: each is a ``<tbody>`` with its own caption and header.

    A review copy's CSV notes are listed once below the table, each noted cell pointing at its
    number, since identical notes often cover many cells."""
    g = block.grid

    def row_html(row: Row) -> Markup:
        cells = [_data_cell(g.table, c, block.figures[c.cell.key]) if c.role == "data" and c.cell is not None
                 else _other_cell(c, g.label_columns) for c in row]
        return el("tr", join(cells, ""))

    parts: list[Markup] = [el("caption", g.table.title)]
    if len(g.blocks) == 1:
        only = g.blocks[0]
        parts.append(el("thead", join(row_html(r) for r in only.head)))
        parts.append(el("tbody", join(row_html(r) for r in only.body)))
    else:
        for part in g.blocks:
            parts.append(el("tbody", join(row_html(r) for r in (*part.head, *part.body)), class_="part"))
    out = el("table", join(parts), class_=classes("xxgk-table", "review" if block.review else None), data_table=g.table.id)
    if block.notes:
        items = (el("li", text + tr("（{n} 个单元格）", " ({n} cells)", n=n), value=str(i))
                 for i, (text, n) in enumerate(block.notes, 1))
        out += el("ol", join(items), class_="cell-notes", data_table=g.table.id)
    return str(out)
