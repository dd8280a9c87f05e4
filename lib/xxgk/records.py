"""What every input reader yields: one figure as the source gives it, and where it was found.

Readers (:mod:`xxgk.readers`: the CSV file, the workbook, and the imports that come next) only
find records; turning them into figures (labels, values, checks) is :mod:`xxgk.load`'s job, the
same for every source.

Where a record was found is a :class:`Position`: a line of a text file, or a cell of a workbook's
sheet.  Findings carry it on (``Finding.line``, or ``Finding.sheet`` and ``Finding.cell``), so a
message points the analyst at the line or at the cell (``表三!D12``) they have to look at.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

#: A sheet name Excel writes in a reference without quotes: a letter (any script) then letters,
#: digits or underscores.  Anything else is quoted, as Excel quotes it: 'Sheet 1'!A1.
_BARE_SHEET = re.compile(r"[^\W\d]\w*")


def cell_reference(sheet: str, cell: str | None) -> str:
    """``表三!D12`` (``'my sheet'!D12``), as a spreadsheet program names a cell of another sheet."""
    name = sheet if _BARE_SHEET.fullmatch(sheet) else "'" + sheet.replace("'", "''") + "'"
    return f"{name}!{cell}" if cell else name


class Position(NamedTuple):
    """A line of a text file, or a cell (``D12``) of a workbook's sheet."""

    line: int | None = None
    sheet: str | None = None
    cell: str | None = None

    def fields(self) -> dict[str, Any]:
        """The position as :class:`~xxgk.findings.Finding` fields."""
        if self.sheet is not None:
            return {"sheet": self.sheet, "cell": self.cell}
        return {"line": self.line}

    def __str__(self) -> str:
        if self.sheet is not None:
            return cell_reference(self.sheet, self.cell)
        return "" if self.line is None else str(self.line)


_tuple_new = tuple.__new__


def at_line(line: int) -> Position:
    """``Position(line)``, made at twice the speed: a broken CSV file may have a million lines."""
    return _tuple_new(Position, (line, None, None))


class Record(NamedTuple):
    """A tuple rather than a dataclass: a broken file may hold a million of them, read one by one."""

    table: str
    row: str
    column: str
    value: str
    note: str = ""
    #: Where the figure was found: the line a CSV record starts on, the workbook cell of the figure.
    at: Position | None = None
    #: False for a line the reader could not split into fields (already reported): it names no
    #: cell, and counts towards deciding that a file is not a report at all.
    readable: bool = True
    #: Where the row and the column label were found, when not at ``at`` (a workbook's label cells):
    #: a problem with a label is reported there, once, not at every figure it labels.
    row_at: Position | None = None
    column_at: Position | None = None

    @classmethod
    def unreadable(cls, at: Position | None) -> "Record":
        return cls("", "", "", "", "", at, False)

    def label_at(self, axis: str) -> Position | None:
        """Where the ``row`` or ``column`` label was found (else where the record was)."""
        found = self.row_at if axis == "row" else self.column_at if axis == "column" else None
        return found or self.at
