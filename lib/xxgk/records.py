"""What every input reader yields: one figure as the source gives it, and where it was found.

Readers (the CSV file today; workbooks and published reports next) only find records; turning
them into figures (labels, values, checks) is :mod:`xxgk.load`'s job, the same for every source.
"""

from __future__ import annotations

from typing import NamedTuple


class Record(NamedTuple):
    """A tuple rather than a dataclass: a broken file may hold a million of them, read one by one."""

    table: str
    row: str
    column: str
    value: str
    note: str = ""
    #: The line of the file the record starts on.
    line: int | None = None
    #: False for a line the reader could not split into fields (already reported): it names no
    #: cell, and counts towards deciding that a file is not a report at all.
    readable: bool = True

    @classmethod
    def unreadable(cls, line: int | None) -> "Record":
        return cls("", "", "", "", "", line, False)
