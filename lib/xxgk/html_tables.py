"""A layout grid as a real ``<table>``: the official spans, the figures, and the reviewer's marks.

The figures are printed by :func:`xxgk.values.format_value`: blank stays an empty cell (marked
未填报 so a reviewer sees it is missing, not zero), not-applicable prints ``/``, money keeps its
decimals.  Every data cell carries ``data-table``/``data-row``/``data-column`` with its official
labels so tests and browsers can find it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

from markupsafe import Markup

from . import spec
from .findings import Finding
from .html_tags import classes, el, join
from .i18n import T, tr
from .layout import Grid, GridCell, Row, grid
from .load import Key
from .values import NA, Value, format_value

BLANK_TITLE = T("未填报", "missing")
NA_TITLE = T("不适用", "not applicable")
COMPUTED_TITLE = T("由分项计算", "computed from its parts")

_SEVERITY_RANK = {"error": 0, "warning": 1, "note": 2}


@dataclass(frozen=True)
class Flag:
    """Why a cell is highlighted: the failing findings that name it."""

    severity: str
    rules: tuple[str, ...]


def cell_anchor(table: spec.Table, key: Key) -> str | None:
    """A stable ASCII id for a data cell (``cell-3-0-6``), or None for a key not in the table."""
    _, row, column = key
    try:
        r, c = table.data_rows.index(row), table.data_columns.index(column)
    except ValueError:
        return None
    return f"cell-{spec.TABLE_IDS.index(table.id) + 2}-{r}-{c}"


def flags_from(findings: Iterable[Finding]) -> dict[Key, Flag]:
    """Cells named by failing findings, with the worst severity and the rules concerned."""
    severity: dict[Key, str] = {}
    rules: dict[Key, list[str]] = {}
    for f in findings:
        if f.status != "fail" or f.is_missing:  # a blank cell is marked blank, not flagged
            continue
        for key in f.cells:
            key = tuple(key)
            if key not in severity or _SEVERITY_RANK[f.severity] < _SEVERITY_RANK[severity[key]]:
                severity[key] = f.severity
            names = rules.setdefault(key, [])
            if f.rule not in names:
                names.append(f.rule)
    return {k: Flag(severity[k], tuple(rules[k])) for k in severity}


def _data_cell(table: spec.Table, gc: GridCell, values: Mapping[Key, Value], computed: set | frozenset,
               flags: Mapping[Key, Flag], note_numbers: Mapping[Key, int], carried: Mapping[Key, str]) -> Markup:
    cell = gc.cell
    assert cell is not None
    key = cell.key
    value = values.get(key)
    marks, titles = [], []
    if value is None:
        marks.append("blank")
        titles.append(BLANK_TITLE.render())
    elif value is NA:
        marks.append("na")
        titles.append(NA_TITLE.render())
    if key in computed:
        marks.append("computed")
        titles.append(COMPUTED_TITLE.render())
    if key in carried:
        marks.append("carried")
        titles.append(carried[key])
    flag = flags.get(key)
    if flag:
        marks += ["flagged", f"flag-{flag.severity}"]
        titles.append(tr("核验未通过：", "check failed: ") + "、".join(flag.rules))
    if key in note_numbers:
        marks.append("noted")
        titles.append(tr("见表下注{n}", "see note {n} below the table", n=note_numbers[key]))
    return el(
        "td", format_value(value, cell.kind, money_unit=gc.money_unit),
        class_=classes("fig", *marks),
        id=cell_anchor(table, key) if flag else None,
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


def _number_notes(g: Grid, notes: Mapping[Key, str]) -> tuple[dict[Key, int], list[tuple[str, int]]]:
    """Number the distinct notes in reading order: (cell → number, [(note, how many cells)])."""
    numbers: dict[str, int] = {}
    counts: dict[str, int] = {}
    of_cell: dict[Key, int] = {}
    for gc in g.data_cells():
        text = (notes.get(gc.cell.key) or "").strip() if gc.cell else ""
        if text:
            of_cell[gc.cell.key] = numbers.setdefault(text, len(numbers) + 1)
            counts[text] = counts.get(text, 0) + 1
    return of_cell, [(text, counts[text]) for text in numbers]


def render_grid(g: Grid, values: Mapping[Key, Value], *, computed: set | frozenset = frozenset(),
                flags: Mapping[Key, Flag] | None = None, notes: Mapping[Key, str] | None = None,
                review: bool = False, carried: Mapping[Key, str] | None = None) -> str:
    """Any layout grid as a ``<table>``.  One part: its header is the ``<thead>`` (repeated on
    each printed page); several parts: each is a ``<tbody>`` with its own caption and header.

    ``notes`` (the CSV's note column) are numbered and listed once below the table, each noted
    cell pointing at its number, since identical notes often cover many cells.  ``carried``: cells
    filled from last year's report, with where from (marked as computed totals are)."""
    flags = flags or {}
    carried = carried or {}
    note_numbers, note_list = _number_notes(g, notes or {})

    def row_html(row: Row) -> Markup:
        cells = [_data_cell(g.table, c, values, computed, flags, note_numbers, carried) if c.role == "data"
                 else _other_cell(c, g.label_columns) for c in row]
        return el("tr", join(cells, ""))

    parts: list[Markup] = [el("caption", g.table.title)]
    if len(g.blocks) == 1:
        block = g.blocks[0]
        parts.append(el("thead", join(row_html(r) for r in block.head)))
        parts.append(el("tbody", join(row_html(r) for r in block.body)))
    else:
        for block in g.blocks:
            parts.append(el("tbody", join(row_html(r) for r in (*block.head, *block.body)), class_="part"))
    out = el("table", join(parts), class_=classes("xxgk-table", "review" if review else None), data_table=g.table.id)
    if note_list:
        items = (el("li", text + tr("（{n} 个单元格）", " ({n} cells)", n=n), value=str(i)) for i, (text, n) in enumerate(note_list, 1))
        out += el("ol", join(items), class_="cell-notes", data_table=g.table.id)
    return str(out)


def render_table(table: spec.Table, values: Mapping[Key, Value], **kw) -> str:
    """:func:`render_grid` of the table's layout."""
    return render_grid(grid(table), values, **kw)
