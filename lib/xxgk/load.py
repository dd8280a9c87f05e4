"""Reading one township-year's data file into figures, collecting every problem on the way.

The loader never raises on bad input: it returns the figures it could read together with a
list of :class:`~xxgk.findings.Finding`.  An input error means the report must not be rendered.

Reading is two steps: a reader (:mod:`xxgk.readers`: the CSV file, the workbook) turns the file
into :class:`~xxgk.records.Record`\\ s, and :func:`figures_from` turns records into figures (labels
matched, values parsed, cells placed), whatever the source.  Problems of one kind are listed up to
:data:`~xxgk.catalogue.SHOWN_PER_CODE` and then counted, so that a huge broken file gives a short
answer; a file none of whose first records names a cell is not read further.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from . import catalogue, readers, spec
from .csv_input import HEADER, template_csv
from .findings import Finding, finding
from .labels import match_label, match_table
from .records import Position, Record
from .values import ParseError, Value, parse_value

Key = tuple[str, str, str]
#: A file whose first this many records name no cell of the tables is not a report's data file.
NOT_A_REPORT_AFTER = 50


@dataclass
class Figures:
    """The figures of one report as the data file gives them (totals not yet computed)."""

    version: str
    values: dict[Key, Value] = field(default_factory=dict)
    #: Where each cell was found in the data file (its line, or its workbook cell), for messages
    #: that point the analyst at it.
    positions: dict[Key, Position] = field(default_factory=dict)
    notes: dict[Key, str] = field(default_factory=dict)

    def get(self, table: str, row: str, column: str) -> Value:
        return self.values.get((table, row, column))

    def at(self, key: Key) -> dict:
        """Where the file gives ``key``, as finding fields (``line=``, or ``sheet=`` and ``cell=``)."""
        found = self.positions.get(key)
        return found.fields() if found is not None else {}


@dataclass
class Loaded:
    figures: Figures | None
    findings: list[Finding]
    sha256: str | None = None


class Collector:
    """Findings as they are found, each code listed up to ``shown`` times and then only counted."""

    def __init__(self, name: str, shown: int = catalogue.SHOWN_PER_CODE):
        self.name = name
        self.shown = shown
        self.findings: list[Finding] = []
        self._listed: Counter[str] = Counter()
        self._more: Counter[str] = Counter()
        self._severity: dict[str, str] = {}

    def add(self, f: Finding) -> None:
        if self._listed[f.rule] < self.shown:
            self._listed[f.rule] += 1
            self.findings.append(f)
            self._severity.setdefault(f.rule, f.severity)
        else:
            self._more[f.rule] += 1

    def full(self, code: str) -> bool:
        """Whether another ``code`` would only be counted: then it need not even be made, which is
        what keeps a file of a million bad lines fast."""
        if self._listed[code] < self.shown:
            return False
        self._more[code] += 1
        return True

    def __call__(self, f: Finding) -> None:
        self.add(f)

    def result(self) -> list[Finding]:
        more = [Finding(rule=code, message=catalogue.MORE.format(count=n, code=code),
                        severity=self._severity[code], file=self.name, count=n, values={"more": n})  # type: ignore[arg-type]
                for code, n in self._more.items()]
        return self.findings + more


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def load_figures(path: Path, version: str, display_name: str | None = None) -> Loaded:
    """Read ``path`` as a report in the given format version, with the reader its suffix names."""
    name = display_name or str(path)
    reader = readers.reader_for(path)

    def alone(code: str, variant: str, args: dict | None = None, digest: str | None = None) -> Loaded:
        return Loaded(None, [finding(code, variant, args=args, file=name)], digest)

    try:
        digest = file_sha256(path)
        with open(path, "rb") as f:
            head = f.read(1 << 16)
    except FileNotFoundError:
        return alone("E-READ", "not_found")
    except OSError as exc:
        return alone("E-READ", "os", {"reason": exc.strerror or str(exc)})
    if not head.strip():
        return alone("E-EMPTY", "empty", digest=digest)
    for read in reader.passes(path, name):
        collector = Collector(name)
        try:
            figures = figures_from(read(collector), version, name, collector, reader.missing_variant)
        except readers.StartOver:
            continue
        return Loaded(figures, collector.result(), digest)
    raise AssertionError(f"every pass of the {reader.suffix} reader started over")


@dataclass(frozen=True)
class _Placed:
    """How one (table, row, column) triple of labels resolves, computed once per distinct triple."""

    cell: spec.Cell | None
    #: Input findings for the labels (errors, or notes for labels read through a variant), as
    #: (code, variant, args, fields, axis) to be stamped with where the label was found.
    problems: tuple[tuple[str, str, dict, dict, str], ...] = ()
    #: For an unknown label with one suggestion: the cell the line was probably meant for, so that
    #: it is not also reported missing.
    meant: Key | None = None


#: Clean placements (no finding, official cell) of every file read in this process, with the format
#: object they were made for: a file's lines name the same few hundred triples as every other file.
_CLEAN: dict[tuple[str, str, str, str], tuple[spec.Format, _Placed]] = {}
#: Enough for every spelling a district's files use; a broken file can hold a million.
_CLEAN_MAX = 1 << 14


def _place_once(t_raw: str, r_raw: str, c_raw: str, version: str, fmt: spec.Format) -> _Placed:
    key = (version, t_raw, r_raw, c_raw)
    kept = _CLEAN.get(key)
    if kept is not None and kept[0] is fmt:
        return kept[1]
    placed = _place(t_raw, r_raw, c_raw, version)
    # Only what depends on the labels and the format alone: findings carry messages in the
    # language of the moment.
    if placed.cell is not None and not placed.problems and len(_CLEAN) < _CLEAN_MAX:
        _CLEAN[key] = (fmt, placed)
    return placed


def warm_up() -> None:
    """Place every cell of every format version as the kit's fill-in files name it, so that
    processes forked after this (a batch's workers) find the placements made."""
    for version, fmt in spec.registry().items():
        for cell in fmt.cells():
            _place_once(cell.table, cell.row, cell.column, version, fmt)


def _place(t_raw: str, r_raw: str, c_raw: str, version: str) -> _Placed:
    table = match_table(t_raw)
    if table is None:
        return _Placed(None, (("E-TABLE", "unknown", {"table": t_raw.strip()}, {"values": {"table": t_raw}}, "table"),))
    labels: dict[str, str] = {}
    guesses: dict[str, str] = {}
    problems: list[tuple[str, str, dict, dict, str]] = []
    failed = False
    for axis, raw in (("row", r_raw), ("column", c_raw)):
        m = match_label(raw, version, table, axis)
        if m.official is None:
            failed = True
            where = {"table": table, "values": {axis: raw}}
            if m.other_version:
                problems.append(("E-OTHER-VERSION", "other", {"axis": catalogue.AXIS[axis], "label": raw.strip(),
                                                              "other": m.other_version, "version": version},
                                 {"table": table, "values": {axis: raw, "belongs_to": m.other_version}}, axis))
            else:
                hint = catalogue.message("E-LABEL", "hint", suggestion=m.suggestions[0]) if m.suggestions else ""
                problems.append(("E-LABEL", "unknown", {"axis": catalogue.AXIS[axis], "label": raw.strip(),
                                                        "table": table, "hint": hint},
                                 {**where, "values": {axis: raw, "suggestions": list(m.suggestions)}}, axis))
                if len(m.suggestions) >= 1:
                    guesses[axis] = m.suggestions[0]
            continue
        if m.variant:
            problems.append(("N-ALIAS", m.variant, {"label": raw.strip(), "official": m.official},
                             {"table": table, "values": {axis: raw, "official": m.official}}, axis))
        labels[axis] = m.official
    if failed:
        row, column = guesses.get("row", labels.get("row")), guesses.get("column", labels.get("column"))
        meant = None
        if row and column:
            try:
                meant = spec.get_format(version).table(table).cell(row, column).key
            except KeyError:
                pass
        return _Placed(None, tuple(problems), meant)
    row, column = labels["row"], labels["column"]
    try:
        cell = spec.get_format(version).table(table).cell(row, column)
    except KeyError:
        problems.append(("E-CELL", "none", {"table": table, "row": row, "column": column, "version": version},
                         {"table": table, "row": row, "column": column}, "cell"))
        return _Placed(None, tuple(problems))
    return _Placed(cell, tuple(problems))


def figures_from(records: Iterable[Record], version: str, name: str, collector: Collector,
                 missing_variant: str = "missing") -> Figures | None:
    """Figures from a reader's records; every problem goes to ``collector``.  None when the source
    held no figures at all (or was not a report's data file).  ``missing_variant`` is the reader's
    wording of a cell missing from its kind of file."""
    figures = Figures(version)
    fmt = spec.get_format(version)
    placed: dict[tuple[str, str, str], _Placed] = {}
    parsed: dict[tuple[str, spec.Kind], object] = {}
    # First position naming each cell, even when its value was refused: such a cell is not
    # "missing", and a second record for it is a duplicate.
    seen: dict[Key, Position | None] = {}
    # A label found in a cell of its own (a workbook's) labels many figures: its problem is told
    # once, at the label.  A CSV label is on the figure's own line, told there every time.
    told: set[tuple[str, Position]] = set()
    records_read = named = 0
    for rec in records:
        records_read += 1
        if rec.readable:
            p = placed.get((rec.table, rec.row, rec.column))
            if p is None:
                p = placed[(rec.table, rec.row, rec.column)] = _place_once(rec.table, rec.row, rec.column, version, fmt)
            for code, variant, args, fields, axis in p.problems:
                where = rec.label_at(axis)
                if where is not rec.at:
                    if (code, where) in told:
                        continue
                    told.add((code, where))
                if not collector.full(code):
                    collector.add(finding(code, variant, args=args, file=name, **_fields(where), **fields))
            if p.meant is not None:
                seen.setdefault(p.meant, rec.at)
            if p.cell is not None:
                named += 1
                _read_value(rec, p.cell, figures, seen, parsed, name, collector)
        if not named and records_read >= NOT_A_REPORT_AFTER:
            collector.add(finding("E-NOT-REPORT", "stopped", args={"records": records_read}, file=name,
                                  **_fields(rec.at)))
            return None
    if records_read == 0:
        if not collector.findings:
            collector.add(finding("E-EMPTY", "no_records", file=name, line=1))
        return None
    # A table the reader could not find at all is one error already, not a missing cell per figure.
    unread = {f.table for f in collector.findings if f.rule in catalogue.TABLE_UNREAD}
    for cell in fmt.cells():
        if cell.key not in seen and cell.table not in unread:
            collector.add(finding("E-MISSING-CELL", missing_variant, args={"version": version, "table": cell.table},
                                  file=name, table=cell.table, row=cell.row, column=cell.column, cells=(cell.key,)))
    return figures


def _fields(at: Position | None) -> dict:
    return at.fields() if at is not None else {"line": None}


def _read_value(rec: Record, cell: spec.Cell, figures: Figures, seen: dict, parsed: dict, name: str,
                collector: Collector) -> None:
    key = cell.key
    table, row, column = key
    if key in seen:
        if not collector.full("E-DUPLICATE"):
            first = seen[key]
            if first is not None and first.sheet is not None:
                variant, args, values = "twice_at", {"first": str(first)}, {"first_cell": str(first)}
            else:
                line = first.line if first is not None else None
                variant, args, values = "twice", {"first_line": line}, {"first_line": line}
            collector.add(finding("E-DUPLICATE", variant, args=args, file=name, **_fields(rec.at),
                                  table=table, row=row, column=column, values=values, cells=(key,)))
        return
    seen[key] = rec.at
    value = parsed.get((rec.value, cell.kind))
    if value is None and (rec.value, cell.kind) not in parsed:
        value = parsed[(rec.value, cell.kind)] = parse_value(rec.value, cell.kind)
    if isinstance(value, ParseError):
        collector.add(finding(value.code, value.variant, args=dict(value.args), file=name, **_fields(rec.at),
                              table=table, row=row, column=column, values={"value": rec.value}, cells=(key,)))
        return
    figures.values[key] = value  # type: ignore[assignment]
    if rec.at is not None:
        figures.positions[key] = rec.at
    if rec.note:
        figures.notes[key] = rec.note


__all__ = ["Collector", "Figures", "HEADER", "Key", "Loaded", "figures_from", "load_figures", "template_csv"]
