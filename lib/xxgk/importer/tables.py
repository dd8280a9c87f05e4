"""Placing a published report's figures in the official cells.

Grids are read row by row, whatever table they belong to (a page may split a table into several
``<table>`` elements, or hold all three in one).  A row is

- a **header row** when its cells name columns of a table (the official column labels, matched as
  tolerantly as a CSV's): it tells which grid column holds which official column, until the next
  header of that table (a table continued in a grid of the same width keeps its header);
- a **data row** of table 二 or 三 when one of its leading cells is a data row's label (the last
  such cell: a group's merged label stands before it): its figures are read from the columns the
  header gave or, with no header (extraction lost it), in the official order after the label;
- a **data row** of table 四 when it follows that table's header and holds figures: one row of
  fifteen (or one per kind of case, labelled 行政复议 / 未经复议直接起诉 / 复议后起诉);
- an **extra row** when it has figures and a label the format does not have (kept out, listed);
- anything else (titles, captions, page chrome) is passed over.

Nothing is guessed: a row whose label stands where figures should (a damaged row), or whose cells
cannot be lined up with the columns, gives no figure; every cell of the format no row gave is
*lost* and listed.  A figure the source prints twice, differently, is a conflict.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from .. import spec
from ..labels import match_key, match_label
from ..load import Key
from ..values import NA, ParseError, Value, parse_value
from .document import Document, Grid, Where

Status = Literal["read", "blank", "lost", "unreadable", "conflict", "inferred"]

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
#: Characters a figure may carry (units, signs) that are CJK but not a label.
_UNIT_CHARS = str.maketrans("", "", "万元件个项次起宗份例")


@dataclass
class CellRead:
    """What the import made of one data cell of the format."""

    key: Key
    status: Status
    value: Value = None
    #: The source's text of the cell, as printed.
    text: str | None = None
    where: Where | None = None
    #: For ``unreadable``: why; for ``conflict``: the other reading; for ``inferred``: the rule.
    detail: dict = field(default_factory=dict)

    @property
    def note(self) -> str:
        """The data file's note column: where the figure was read, or how it was inferred."""
        if self.status == "inferred":
            return f"源文件缺失，由勾稽关系 {self.detail.get('rule', '')} 推出（--infer）"
        if self.status == "lost":
            return "源文件中缺失"
        where = self.where.text() if self.where is not None else ""
        if self.status == "unreadable":
            return f"{where} 源文件为“{self.text}”，无法读作数值"
        if self.status == "conflict":
            return f"{where} 与 {self.detail['other_where'].text()} 不一致（{self.text} / {self.detail['other']}）"
        return where


@dataclass
class ExtraRow:
    table: str
    label: str
    where: Where


@dataclass
class Placement:
    version: str
    cells: dict[Key, CellRead] = field(default_factory=dict)
    extra_rows: list[ExtraRow] = field(default_factory=list)
    #: How many grids held any part of the report.
    report_grids: int = 0

    def status(self, key: Key) -> Status:
        return self.cells[key].status

    @property
    def problems(self) -> list[CellRead]:
        return [c for c in self.cells.values() if c.status in ("lost", "unreadable", "conflict")]


def is_label(text: str) -> bool:
    """A cell of words, not a figure: it has Chinese characters besides the units a figure may carry."""
    return bool(_CJK.search(text.translate(_UNIT_CHARS)))


def is_figure(text: str) -> bool:
    """Something printed where a figure goes (a number, a unit, /, —), readable or not."""
    t = text.strip()
    return bool(t) and not is_label(t)


class _Format:
    """The version's tables, indexed for matching labels."""

    def __init__(self, version: str):
        self.version = version
        self.fmt = spec.get_format(version)
        self._rows: dict[str, tuple[str, str] | None] = {}
        t4 = self.fmt.table(spec.TABLE_4)
        self.t4_rows = set(t4.data_rows)
        self.t4_columns = set(t4.data_columns)

    def data_row(self, text: str) -> tuple[str, str] | None:
        """(table, official row label) when ``text`` is the label of a data row of 二 or 三."""
        key = match_key(text)
        if key not in self._rows:
            found = None
            for table in (spec.TABLE_3, spec.TABLE_2):
                m = match_label(text, self.version, table, "row")
                if m.official is not None and m.official in self.fmt.table(table).data_rows:
                    found = (table, m.official)
                    break
            if found is None:
                group = self.t4_group(text)  # table 四 printed as a row per kind of case
                if group is not None:
                    found = (spec.TABLE_4, group)
            self._rows[key] = found
        return self._rows[key]

    def column(self, text: str, table: str) -> str | None:
        """The official leaf column label ``text`` names in ``table``, if any."""
        if not text.strip() or not is_label(text):
            return None
        m = match_label(text, self.version, table, "column")
        return m.official if m.official in self.fmt.table(table).data_columns else None

    def t4_group(self, text: str) -> str | None:
        """行政复议 / 未经复议直接起诉 / 复议后起诉 (a data row of table 四) named by a header text."""
        if not text.strip():
            return None
        m = match_label(text, self.version, spec.TABLE_4, "column")
        if m.official in self.t4_rows:
            return m.official
        key = match_key(text)
        return next((r for r in self.t4_rows if match_key(r) == key), None)

    def header_group(self, text: str, table: str) -> bool:
        """Whether ``text`` is a column group's header of ``table`` (申请人情况, 行政复议, 行政诉讼…)."""
        if not text.strip():
            return False
        key = match_key(text)
        return any(node.is_group and match_key(node.label) == key
                   for part in self.fmt.table(table).parts for node in part.nodes("column"))

    def is_group_label(self, text: str) -> bool:
        key = match_key(text)
        for table in self.fmt.tables:
            for part in table.parts:
                for axis in ("row", "column"):
                    for node in part.nodes(axis):
                        if node.is_group and match_key(node.label) == key:
                            return True
                if part.caption and match_key(part.caption) == key or part.corner and match_key(part.corner) == key:
                    return True
            if match_key(table.title) == key:
                return True
        return False

    def part_columns(self, table: str, row: str) -> list[spec.Node]:
        for part in self.fmt.table(table).parts:
            if any(leaf.label == row for leaf in part.row_leaves()):
                return part.column_leaves()
        return []


@dataclass
class _Header:
    """Which grid column holds which official column, for one table."""

    columns: dict[int, str]
    #: Table 四 only: the data row (kind of case) of each grid column.
    rows: dict[int, str] = field(default_factory=dict)
    width: int = 0


def _header_block(grid: Grid, start: int, f: _Format) -> tuple[int, dict[str, _Header]]:
    """The header rows from ``start``: how many, and the header each table gets from them."""
    end = start
    while end < grid.height and _header_table(grid.cells[end], f) is not None:
        end += 1
    headers: dict[str, _Header] = {}
    if end == start:
        return 0, headers
    tables = {_header_table(grid.cells[r], f) for r in range(start, end)}
    for table in tables:
        columns: dict[int, str] = {}
        rows: dict[int, str] = {}
        for r in range(start, end):
            carried_group = None
            for c in range(grid.width):
                text = grid.at(r, c)
                leaf = f.column(text, table) if text else None
                if leaf is not None:
                    columns[c] = leaf
                if table == spec.TABLE_4:
                    group = f.t4_group(text) if text else None
                    # A group header stands over the empty cells to its right until the next one
                    # (a text copy loses the span; a page keeps it as copies).
                    if group is not None:
                        carried_group = group
                    elif text.strip():
                        carried_group = None  # another header (行政诉讼, a result) starts here
                    if carried_group is not None:
                        rows[c] = carried_group
        headers[table] = _Header(columns, rows, grid.width)
    return end - start, headers


def _header_table(cells: list[str], f: _Format) -> str | None:
    """The table whose column labels the row prints (the most of them), or None."""
    if any(is_figure(t) for t in cells):
        return None
    best, count = None, 0
    for table in spec.TABLE_IDS:
        n = sum(1 for t in dict.fromkeys(cells) if f.column(t, table) is not None or f.header_group(t, table))
        needed = 1 if table == spec.TABLE_2 else 2
        if n >= needed and n > count:
            best, count = table, n
    return best


class _Placer:
    def __init__(self, version: str):
        self.f = _Format(version)
        self.placement = Placement(version)
        self.headers: dict[str, _Header] = {}
        #: Table 四's header was read and its row of figures not yet (it may be the next grid's).
        self.t4_pending = False

    def put(self, key: Key, text: str, where: Where) -> None:
        cell = spec.get_format(self.f.version).table(key[0]).cell(key[1], key[2])
        value = parse_value(text, cell.kind)
        previous = self.placement.cells.get(key)
        if isinstance(value, ParseError):
            new = CellRead(key, "unreadable", None, text, where, {"code": value.code, "variant": value.variant,
                                                                 "args": dict(value.args)})
        else:
            new = CellRead(key, "blank" if value is None else "read", value, text, where)
        if previous is None:
            self.placement.cells[key] = new
        elif previous.status in ("read", "blank", "unreadable") and (previous.value != new.value or previous.status != new.status):
            if previous.status == "blank" and new.status != "blank":
                self.placement.cells[key] = new  # a repeated table filled in where the first was blank
            elif new.status != "blank":
                previous.detail = {"other": new.text, "other_where": new.where}
                previous.status = "conflict"

    def grid(self, grid: Grid) -> None:
        used = False
        r = 0
        # A table continued in a grid of the same width keeps its header; another width does not.
        self.headers = {t: h for t, h in self.headers.items() if h.width == grid.width}
        self.t4_pending = self.t4_pending and spec.TABLE_4 in self.headers
        current_table: str | None = None
        while r < grid.height:
            n, headers = _header_block(grid, r, self.f)
            if n:
                self.headers.update(headers)
                if spec.TABLE_4 in headers:
                    self.t4_pending = True
                current_table = next(iter(headers))
                used = True
                r += n
                continue
            cells = grid.cells[r]
            label_col, found = self._row_label(cells)
            if found is not None:
                table, row = found
                current_table = table
                used = True
                if table == spec.TABLE_4:
                    self._t4_row(grid, r, label_col, row)
                else:
                    self._data_row(grid, r, label_col, table, row)
            elif self.t4_pending and sum(1 for t in cells if is_figure(t)) >= 5:
                self._t4_row(grid, r, -1, None)
                self.t4_pending = False
                used = True
            elif used and current_table and any(is_figure(t) for t in cells):
                label = next((t for t in cells if t.strip() and is_label(t)), "")
                if label and not self.f.is_group_label(label):
                    self.placement.extra_rows.append(ExtraRow(current_table, label.strip(), grid.where_of(r, 0)))
            r += 1
        if used:
            self.placement.report_grids += 1

    def _row_label(self, cells: list[str]) -> tuple[int, tuple[str, str] | None]:
        """The last leading label cell that is a data row's label, and what it names."""
        found, at = None, -1
        for c, text in enumerate(cells):
            if is_figure(text):
                break
            if text.strip() and is_label(text):
                hit = self.f.data_row(text)
                if hit is not None:
                    found, at = hit, c
        return at, found

    def _data_row(self, grid: Grid, r: int, label_col: int, table: str, row: str) -> None:
        columns = [leaf.label for leaf in self.f.part_columns(table, row)]
        header = self.headers.get(table)
        positions = _positions(columns, header.columns if header else {})
        if positions:
            if label_col >= min(positions.values()):
                return  # the label stands where figures should: a damaged row gives nothing
            for column, c in positions.items():
                self.put((table, row, column), grid.at(r, c), grid.where_of(r, c))
            return
        # No header: the figures follow the label, in the official order.  Empty cells at the end
        # are dropped first (a grid pads its short rows with them, so they cannot tell a blank figure
        # from a cell the row does not have), then empty cells of the label's span before them.
        after = list(range(label_col + 1, grid.width))
        while after and not grid.at(r, after[-1]).strip():
            after.pop()
        while len(after) > len(columns) and not grid.at(r, after[0]).strip():
            after.pop(0)
        if len(after) != len(columns):
            return  # cannot be lined up with the columns: nothing placed, the cells are listed as lost
        for column, c in zip(columns, after):
            self.put((table, row, column), grid.at(r, c), grid.where_of(r, c))

    def _t4_row(self, grid: Grid, r: int, label_col: int, row: str | None) -> None:
        header = self.headers.get(spec.TABLE_4)
        table = spec.get_format(self.f.version).table(spec.TABLE_4)
        if header is None or not header.columns:
            if row is None:
                # One row of figures in the official order: 复议 5, then 直接起诉 5, 复议后起诉 5.
                figures = [c for c in range(grid.width) if grid.at(r, c).strip()]
                if len(figures) == len(table.cells):
                    for cell, c in zip(table.cells, figures):
                        self.put(cell.key, grid.at(r, c), grid.where_of(r, c))
            return
        for c, column in header.columns.items():
            if c <= label_col:
                continue
            kind = row or header.rows.get(c)
            if kind is None:
                continue
            self.put((spec.TABLE_4, kind, column), grid.at(r, c), grid.where_of(r, c))


def _positions(columns: list[str], header: dict[int, str]) -> dict[str, int]:
    """Grid column of each official column: from the header where it names them, and for a column
    whose header is damaged or missing, from its neighbours (the official order is fixed)."""
    by_label = {}
    for c, label in sorted(header.items()):
        if label in columns and label not in by_label:
            by_label[label] = c
    if not by_label:
        return {}
    pos: dict[str, int] = dict(by_label)
    changed = True
    while changed and len(pos) < len(columns):
        changed = False
        for i, col in enumerate(columns):
            if col in pos:
                continue
            if i > 0 and columns[i - 1] in pos:
                pos[col] = pos[columns[i - 1]] + 1
                changed = True
            elif i + 1 < len(columns) and columns[i + 1] in pos:
                pos[col] = pos[columns[i + 1]] - 1
                changed = True
    return {c: pos[c] for c in columns if c in pos and pos[c] >= 0}


def place(document: Document, version: str) -> Placement:
    """Every data cell of ``version``'s format: read from the document, or lost."""
    placer = _Placer(version)
    for grid in document.grids:
        placer.grid(grid)
    placement = placer.placement
    for cell in spec.get_format(version).cells():
        placement.cells.setdefault(cell.key, CellRead(cell.key, "lost"))
    # Format order, whatever order the source gave them in.
    order = [c.key for c in spec.get_format(version).cells()]
    placement.cells = {k: placement.cells[k] for k in order}
    return placement


__all__ = ["CellRead", "ExtraRow", "Placement", "is_figure", "is_label", "place"]
