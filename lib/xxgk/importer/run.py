"""One published report, imported: read, version told, figures placed (and, with ``infer``, the
forced ones filled), words found, files written; the outcome as data for the import report."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import spec
from ..catalogue import message
from ..findings import Finding, finding
from ..paths import check_township_name
from . import sources
from .document import Document, SourceError
from .infer import infer as infer_cells
from .narrative import Narrative, read_narrative
from .tables import Placement, place
from .version import Detected, detect
from .write import Written, data_csv, params_yaml, write

#: Exit statuses of ``xxgk import``.
EXIT_OK, EXIT_CELLS, EXIT_USAGE = 0, 1, 2


@dataclass
class Imported:
    source: Path
    township: str | None = None
    year: int | None = None
    detected: Detected | None = None
    placement: Placement | None = None
    narrative: Narrative | None = None
    written: Written | None = None
    inferred: list = field(default_factory=list)
    #: Problems as findings (the source unreadable, cells not read) and notes (version, extra rows).
    findings: list[Finding] = field(default_factory=list)
    #: The source could not be imported at all: nothing was written.
    failed: bool = False

    @property
    def version(self) -> str | None:
        return self.detected.version if self.detected else None

    @property
    def exit_code(self) -> int:
        if self.failed or (self.written is not None and self.written.refused):
            return EXIT_CELLS
        if self.placement is not None and self.placement.problems:
            return EXIT_CELLS
        return EXIT_OK


def _fail(result: Imported, variant: str, **args: Any) -> Imported:
    result.failed = True
    result.findings.append(finding("E-IMPORT-SOURCE", variant, args=args, file=str(result.source)))
    return result


def import_source(path: Path, root: Path, *, township: str | None = None, year: int | None = None,
                  infer: bool = False, force: bool = False, write_files: bool = True) -> Imported:
    result = Imported(Path(path))
    if _cut_short(Path(path)):
        return _fail(result, "corrupt", reason=message("E-IMPORT-SOURCE", "no_end"))
    try:
        document: Document = sources.read(Path(path))
    except SourceError as e:
        return _fail(result, e.variant, **e.args_)
    except (OSError, ValueError) as e:  # a reader's library failing on a damaged file
        return _fail(result, "corrupt", reason=str(e) or type(e).__name__)
    result.detected = detected = detect(document)
    if detected.version is None:
        return _fail(result, "no_labels")
    result.narrative = narrative = read_narrative(document)
    result.township = township or narrative.township
    result.year = year or narrative.year
    if not result.township or not result.year:
        return _fail(result, "no_title")
    bad = check_township_name(result.township, result.year)
    if bad is not None:
        result.failed = True
        result.findings.append(bad)
        return result
    result.placement = placement = place(document, detected.version)
    if placement.report_grids == 0:
        return _fail(result, "no_tables")
    if infer:
        result.inferred = infer_cells(placement)
    _notes(result)
    if write_files:
        result.written = write(root, result.township, result.year, data_csv(placement),
                               params_yaml(narrative, result.township, result.year, detected.version, document.meta),
                               force=force)
    return result


def _cut_short(path: Path) -> bool:
    """A saved page without its end (a download cut short): what it lost cannot be told from what
    the report left out, so it is not imported at all."""
    if path.suffix.lower() not in (".html", ".htm", ".shtml"):
        return False
    try:
        with open(path, "rb") as f:
            f.seek(max(0, path.stat().st_size - 4096))
            tail = f.read().lower()
    except OSError:
        return False
    return bool(tail.strip()) and b"</html" not in tail and b"</body" not in tail


def _notes(result: Imported) -> None:
    detected, placement = result.detected, result.placement
    assert detected is not None and placement is not None and detected.version is not None
    src = str(result.source)
    result.findings.append(finding("N-IMPORT", "version", args={"version": detected.version, "labels": list(detected.labels)},
                                   file=src, values={"version": detected.version, "labels": list(detected.labels)}))
    if result.year is not None and result.year >= spec.first_year():
        expected = spec.version_for_year(result.year)
        if expected != detected.version:
            result.findings.append(finding("N-IMPORT", "version_year", file=src,
                                           args={"year": result.year, "expected": expected, "version": detected.version}))
    for extra in placement.extra_rows:
        result.findings.append(finding("N-IMPORT", "extra_row", file=src, table=extra.table,
                                       args={"table": extra.table, "label": extra.label},
                                       values={"label": extra.label, "where": extra.where.text()}))
    for read in placement.cells.values():
        t, r, c = read.key
        where = dict(file=src, table=t, row=r, column=c, cells=(read.key,))
        if read.status == "lost":
            result.findings.append(finding("E-IMPORT-CELL", "lost", values={"status": "lost"}, **where))
        elif read.status == "unreadable":
            why = message(read.detail["code"], read.detail["variant"], **read.detail["args"])
            result.findings.append(finding("E-IMPORT-CELL", "unreadable", args={"text": read.text, "why": why},
                                           values={"status": "unreadable", "text": read.text,
                                                   "where": read.where.text()}, **where))
        elif read.status == "conflict":
            result.findings.append(finding("E-IMPORT-CELL", "conflict", args={
                "first": read.text, "where_first": read.where.text(), "second": read.detail["other"],
                "where_second": read.detail["other_where"].text()}, values={"status": "conflict"}, **where))
        elif read.status == "inferred":
            result.findings.append(finding("N-IMPORT", "inferred", args={"rule": read.detail["rule"], "value": read.value},
                                           values={"rule": read.detail["rule"], "value": read.value}, **where))


def sources_in(path: Path) -> list[Path]:
    """The files a SOURCE names: itself, or every importable file of a folder (sorted, recursively)."""
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in sources.READERS)
    return [path]
