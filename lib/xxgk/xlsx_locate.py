"""Finding a table's figures on a worksheet by their labels, not by where the template put them.

An office fills the workbook ``xxgk template --xlsx`` writes, and then does what offices do: inserts
a blank row, widens a column, unprotects a sheet, moves the table down to make room for a note,
retypes a label in the words its old system used.  So nothing here trusts a position.  The sheet
is read the way a person reads the printed table:

- the **row labels** are found by matching every text on the sheet against the table's row labels
  (:func:`xxgk.labels.match_label`, the tolerant matching CSV labels get); the leftmost of them marks
  the table's label columns (one for table 二, three for table 三);
- a row whose label columns hold a label is a **body row**; its label is the text nearest the
  figures (a sub-item's own label, not the group's merged beside it);
- rows with text over the figure columns and no label are **header rows**; a figure's column label
  is the lowest header text over it (merged cells count over every column they span), and its
  groups are the texts above that;
- table 四 has no label column: its header names 行政复议 and the two kinds of 行政诉讼 over their five
  columns each, and its one row of figures is the first row below the header that holds any.

Each figure becomes a :class:`~xxgk.records.Record` with the labels *as written* and where the
figure and its labels are: matching them to the official labels, and every message about them, is
:mod:`xxgk.load`'s, the same as for a CSV file.  What cannot be placed (a figure beside the table,
under no header, in a row without a label) is an input error at its cell.

Works on plain data (:class:`Sheet`), not on a spreadsheet library's objects, so it is tested and
reasoned about on its own; :mod:`xxgk.xlsx_input` opens the file.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Callable, Iterator

from . import spec
from .labels import match_key, match_label, match_table
from .layout import grid
from .records import Position, Record
from .values import parse_value

Cell = tuple[int, int]  # (row, column), 1-based as spreadsheets count
Err = Callable[..., None]


@dataclass
class Sheet:
    title: str
    #: Every cell holding something, by (row, column): its value, or its formula's saved result.
    values: dict[Cell, object]
    #: Merged ranges as (first row, first column, last row, last column).
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    #: Cells holding a formula with no saved result (a file no spreadsheet program has saved).
    formulas: dict[Cell, str] = field(default_factory=dict)

    def owner(self, cell: Cell) -> Cell:
        """The cell whose value shows at ``cell``: the first of the merged range it is in, or itself."""
        r, c = cell
        for r1, c1, r2, c2 in self.merged:
            if r1 <= r <= r2 and c1 <= c <= c2:
                return (r1, c1)
        return cell

    def text(self, cell: Cell) -> tuple[str, Cell] | None:
        """The text showing at ``cell`` and the cell that holds it; None when no text shows there."""
        at = self.owner(cell)
        value = self.values.get(at)
        return (value, at) if isinstance(value, str) and value.strip() else None

    def position(self, cell: Cell) -> Position:
        return Position(sheet=self.title, cell=coordinate(cell))


def coordinate(cell: Cell) -> str:
    """``(12, 4)`` → ``D12``."""
    row, column = cell
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return f"{letters}{row}"


def as_text(value: object) -> str:
    """A cell's value as it would read in a CSV file: the loader parses both alike.  A whole number
    stored as 12.0 reads ``12.0`` (a count of 12); a fraction keeps its digits (``12.5``, a count that
    is not whole); a date Excel made of something typed reads as that date (not a figure)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # repr is the shortest text that reads back as the same float: 6874.6408, not 6874.640800000001.
        return format(Decimal(repr(value)), "f") if math.isfinite(value) else str(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _is_figure(value: object) -> bool:
    """Whether a value outside the table would be a figure lost from it (a number), rather than a
    note someone wrote beside the table."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float, Decimal)):
        return True
    return isinstance(value, str) and isinstance(parse_value(value, spec.Kind.MONEY), Decimal)


# --- what the table's labels are, in either format version ------------------------------------------


def _nodes(nodes: tuple[spec.Node, ...]) -> Iterator[spec.Node]:
    for node in nodes:
        yield node
        yield from _nodes(node.children)


@cache
def _framing_keys(table_id: str) -> frozenset[str]:
    """Texts that frame the table and stand over no figure column: captions, corners, the labels of
    row groups (三、本年度办理结果), as match keys."""
    keys = set()
    for version in spec.VERSIONS:
        for part in spec.get_format(version).table(table_id).parts:
            keys.update(match_key(t) for t in (part.caption, part.corner) if t)
            keys.update(match_key(n.label) for n in _nodes(part.rows) if n.is_group)
    return frozenset(keys)


@cache
def _column_groups(table_id: str) -> frozenset[str]:
    """Group headers over figure columns (申请人情况, 行政诉讼…), as match keys: part of a column's header."""
    keys = set()
    for version in spec.VERSIONS:
        for part in spec.get_format(version).table(table_id).parts:
            keys.update(match_key(n.label) for n in _nodes(part.columns) if n.is_group)
    return frozenset(keys)


@cache
def _label_columns(table_id: str) -> int:
    return max(grid(spec.get_format(v).table(table_id)).label_columns for v in spec.VERSIONS)


def _matches(text: str, table_id: str, axis: str) -> bool:
    """A label of this axis in either version, official or a variant the loader accepts."""
    for version in spec.VERSIONS:
        m = match_label(text, version, table_id, axis)
        if m.official is not None or m.other_version is not None:
            return True
    return False


def _guessable(text: str, table_id: str, axis: str) -> bool:
    """Whether the loader would suggest an official label for ``text`` (a label mistyped)."""
    return any(match_label(text, v, table_id, axis).suggestions for v in spec.VERSIONS)


def _framing(text: str, table_id: str) -> bool:
    """The table's title, a caption, a corner or a row group's label: text over no figure column."""
    return match_table(text) == table_id or match_key(text) in _framing_keys(table_id)


# --- reading a sheet ------------------------------------------------------------------------------------


class _Reading:
    def __init__(self, sheet: Sheet, table_id: str, err: Err):
        self.sheet, self.table, self.err = sheet, table_id, err
        #: Cells that are part of the table as read (labels, headers, figures): the rest is checked
        #: for figures that could not be placed.
        self.used: set[Cell] = set()

    def at(self, cell: Cell) -> Position:
        return self.sheet.position(cell)

    def header_path(self, header_rows: list[int], column: int, first_data_column: int) -> list[tuple[str, Cell]]:
        """The header texts over ``column``, top to bottom, each merged cell once."""
        path: list[tuple[str, Cell]] = []
        for r in header_rows:
            found = self.sheet.text((r, column))
            if found is None or found[1][1] < first_data_column or _framing(found[0], self.table):
                continue
            if not path or path[-1][1] != found[1]:
                path.append(found)
        return path

    def header_columns(self, header_rows: list[int], first_data_column: int) -> list[int]:
        """Every column some header text of these rows stands over."""
        columns = set()
        rows = set(header_rows)
        for (row, c), value in self.sheet.values.items():
            if row in rows and c >= first_data_column and isinstance(value, str) and value.strip() \
                    and not _framing(value, self.table):
                span = next((m for m in self.sheet.merged if m[:2] == (row, c)), (row, c, row, c))
                columns.update(range(span[1], span[3] + 1))
        return sorted(columns)

    def figure(self, cell: Cell, row: tuple[str, Cell | None], column: tuple[str, Cell]) -> Record:
        self.used.add(cell)
        value = self.sheet.values.get(cell)
        if value is None and cell in self.sheet.formulas:
            self.err("E-FORMULA", "uncached", {"formula": self.sheet.formulas[cell].lstrip("=")}, self.at(cell),
                     table=self.table, row=row[0] or None, column=column[0])
        return Record(self.table, row[0], column[0], as_text(value), "", self.at(cell),
                      row_at=self.at(row[1]) if row[1] else None, column_at=self.at(column[1]))

    def strays(self) -> None:
        """Figures the table does not account for: each an error at its cell."""
        for cell in sorted(self.sheet.values):
            value = self.sheet.values[cell]
            if cell not in self.used and _is_figure(value):
                self.err("E-STRAY", "stray", {"value": as_text(value).strip()}, self.at(cell), table=self.table,
                         values={"value": as_text(value)})


def read_sheet(sheet: Sheet, table_id: str, err: Err) -> Iterator[Record]:
    """Every figure of table ``table_id`` on ``sheet``, with its labels as written; problems go to
    ``err(code, variant, args, position, **fields)``."""
    reading = _Reading(sheet, table_id, err)
    if _label_columns(table_id):
        yield from _labelled(reading, _label_columns(table_id))
    else:
        yield from _unlabelled(reading)
    reading.strays()


def _example(table_id: str, axis: str) -> str:
    t = spec.get_format(spec.V2021).table(table_id)
    return (t.data_rows if axis == "row" else t.data_columns)[0]


def _labelled(reading: _Reading, label_columns: int) -> Iterator[Record]:
    sheet, table = reading.sheet, reading.table
    labels = [cell for cell, v in sheet.values.items() if isinstance(v, str) and _matches(v, table, "row")]
    if not labels:
        reading.err("E-LAYOUT", "rows", {"sheet": sheet.title, "table": table, "example": _example(table, "row")},
                    None, table=table, values={"sheet": sheet.title})
        return
    first = min(c for _, c in labels)
    last = first + label_columns - 1
    header: list[int] = []
    after_body = False
    columns_under: dict[tuple[int, ...], dict[int, list[tuple[str, Cell]]]] = {}
    for r in sorted({r for r, _ in sheet.values}):
        label = _row_label(reading, r, first, last)
        if label is None:
            if any(c > last and isinstance(v, str) and v.strip() and not _framing(v, table)
                   for (row, c), v in sheet.values.items() if row == r):
                if after_body:
                    header, after_body = [], False
                header.append(r)
            continue
        after_body = True
        if tuple(header) not in columns_under:  # the rows under one header share its columns
            columns_under[tuple(header)] = {c: p for c in reading.header_columns(header, last + 1)
                                            if (p := reading.header_path(header, c, last + 1))}
        paths = columns_under[tuple(header)]
        text, at = label
        if not _matches(text, table, "row") and not _guessable(text, table, "row") \
                and not any(sheet.values.get((r, c)) is not None for c in paths):
            continue  # a note written under the table, not a row of it
        reading.used.add(at)
        for c, path in paths.items():
            reading.used.add(path[-1][1])
            yield reading.figure((r, c), label, path[-1])


def _row_label(reading: _Reading, r: int, first: int, last: int) -> tuple[str, Cell] | None:
    """The label of row ``r``: the text in the label columns nearest the figures.  None for a row
    with no label there, or with the table's framing (a caption, the corner, a group's label alone)."""
    for c in range(last, first - 1, -1):
        found = reading.sheet.text((r, c))
        if found is None:
            continue
        if _matches(found[0], reading.table, "row"):
            return found
        if _framing(found[0], reading.table):
            return None
        return found  # not a label of the table: the loader says so, and suggests one
    return None


def _unlabelled(reading: _Reading) -> Iterator[Record]:
    """Table 四: one row of figures under a header whose groups name the rows of its data."""
    sheet, table = reading.sheet, reading.table
    groups = _column_groups(table)
    heads = [cell for cell, v in sheet.values.items() if isinstance(v, str) and match_table(v) != table
             and (_matches(v, table, "column") or _matches(v, table, "row") or match_key(v) in groups)]
    if not heads:
        reading.err("E-LAYOUT", "columns", {"sheet": sheet.title, "table": table, "example": _example(table, "column")},
                    None, table=table, values={"sheet": sheet.title})
        return
    first = min(c for _, c in heads)
    header = sorted({r for r, _ in heads})
    columns = reading.header_columns(header, first)
    paths = {c: p for c in columns if (p := reading.header_path(header, c, first))}
    below = sorted(r for r in {r for r, _ in sheet.values} | set(_formula_rows(sheet)) if r > header[-1])
    body = next((r for r in below if any((r, c) in sheet.values or (r, c) in sheet.formulas for c in paths)),
                header[-1] + 1)
    for c, path in paths.items():
        for text, at in path:
            reading.used.add(at)
        rows = [p for p in path[:-1] if _matches(p[0], table, "row")]
        row = rows[0] if rows else path[-2] if len(path) > 1 else ("", None)
        yield reading.figure((body, c), row, path[-1])


def _formula_rows(sheet: Sheet) -> list[int]:
    return [r for r, _ in sheet.formulas]
