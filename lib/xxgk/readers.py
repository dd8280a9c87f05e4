"""Every kind of data file the kit reads, by file suffix: the one place that lists them.

A reader turns a file into :class:`~xxgk.records.Record`\\ s (table, row, column, value, where it
was found) and reports what is wrong with the file's shape; :mod:`xxgk.load` turns records into
figures, and everything after it (labels, values, checks, totals, rendering) is the same code
whatever the file was.  Adding an input kind is adding its module and one line here: the loader,
:class:`~xxgk.paths.Layout` (which finds a report's data file), ``check``, ``render``, ``batch`` and
the manifest all go by this registry.

A reader may need more than one pass over a file: a CSV file's encoding is guessed from its start,
and when the guess fails further on the file is read again in the next candidate.  So a reader
gives its passes in turn; a pass that raises :class:`StartOver` is abandoned with everything it
yielded, and the next one is run.  The last pass never starts over.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .findings import Finding
from .records import Record

#: Where a reader reports a problem of the file (the loader's collector, which caps them per code).
Problem = Callable[[Finding], None]
#: One pass over a file: its records, problems reported on the way.
Pass = Callable[[Problem], Iterator[Record]]


class StartOver(Exception):
    """This pass read the file wrongly: drop what it yielded and run the reader's next pass."""


@dataclass(frozen=True)
class Reader:
    suffix: str
    #: The passes over one file (``path``, the name messages give it), tried in turn.
    passes: Callable[[Path, str], Iterable[Pass]]
    #: The ``E-MISSING-CELL`` message variant that says how to put a missing cell back in this kind
    #: of file (a CSV line, a workbook's row or column).
    missing_variant: str = "missing"


def _csv_passes(path: Path, name: str) -> Iterable[Pass]:
    from .csv_input import passes

    return passes(path, name)


def _workbook_passes(path: Path, name: str) -> Iterable[Pass]:
    from .xlsx_input import passes

    return passes(path, name)


#: Suffix → reader, in the order a report's data file is looked for.  The CSV reader comes first:
#: a file of any other suffix handed to the loader (``--from notes.txt``) is read as CSV.
READERS: dict[str, Reader] = {
    ".csv": Reader(".csv", _csv_passes),
    ".xlsx": Reader(".xlsx", _workbook_passes, missing_variant="missing_in_workbook"),
}
SUFFIXES: tuple[str, ...] = tuple(READERS)
DEFAULT = READERS[".csv"]


def reader_for(path: Path | str) -> Reader:
    return READERS.get(Path(path).suffix.lower(), DEFAULT)




__all__ = ["DEFAULT", "READERS", "SUFFIXES", "Pass", "Problem", "Reader", "StartOver", "reader_for"]
