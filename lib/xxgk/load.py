"""Reading one township-year's CSV into figures, collecting every problem on the way.

The loader never raises on bad input: it returns the figures it could read together with a
list of :class:`~xxgk.findings.Finding`.  An input error means the report must not be rendered.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

from . import spec
from .findings import Finding
from .labels import match_label, match_table
from .values import NA, ParseError, Value, parse_value

HEADER = ("table", "row", "column", "value")
Key = tuple[str, str, str]


@dataclass
class Figures:
    """The figures of one report as the CSV gives them (totals not yet computed)."""

    version: str
    values: dict[Key, Value] = field(default_factory=dict)
    #: CSV line of each cell, for messages that point the analyst at the file.
    lines: dict[Key, int] = field(default_factory=dict)
    notes: dict[Key, str] = field(default_factory=dict)

    def get(self, table: str, row: str, column: str) -> Value:
        return self.values.get((table, row, column))


@dataclass
class Loaded:
    figures: Figures | None
    findings: list[Finding]
    sha256: str | None = None


def decode(raw: bytes) -> tuple[str, str] | None:
    """Text and encoding name: UTF-8 (with or without BOM), UTF-16 when it starts with its BOM,
    else GB18030 (what Excel on a Chinese Windows writes; a superset of GBK and GB2312).
    None when none of them decodes."""
    if raw.startswith(codecs.BOM_UTF8):
        try:
            return raw[len(codecs.BOM_UTF8):].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            return None
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            return None
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return None


def load_figures(path: Path, version: str, display_name: str | None = None) -> Loaded:
    """Read ``path`` as a report in the given format version."""
    name = display_name or str(path)

    def err(code: str, message: str, **kw) -> Finding:
        return Finding(rule=code, message=message, file=name, **kw)

    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Loaded(None, [err("E-READ", "data file not found")])
    except OSError as exc:
        return Loaded(None, [err("E-READ", f"cannot read the file: {exc.strerror or exc}")])
    digest = hashlib.sha256(raw).hexdigest()
    if not raw.strip():
        return Loaded(None, [err("E-EMPTY", "the file is empty")], digest)
    decoded = decode(raw)
    if decoded is None:
        return Loaded(None, [err("E-ENCODING", "cannot decode the file as UTF-8 or GB18030/GBK; save it as UTF-8 CSV")], digest)
    text, _encoding = decoded
    if not text.strip():
        return Loaded(None, [err("E-EMPTY", "the file is empty")], digest)
    if "\x00" in text:
        return Loaded(None, [err("E-ENCODING", "the file contains NUL bytes: is it a spreadsheet (.xlsx) rather than CSV, or UTF-16? Save it as UTF-8 CSV")], digest)

    findings: list[Finding] = []
    figures = Figures(version)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        rows = _records(reader)
        header_line, header = next(rows, (1, []))
        columns = [h.strip().lower() for h in header]
        missing = [h for h in HEADER if h not in columns]
        if missing:
            looks_like_data = bool(header) and match_table(header[0]) is not None
            what = "missing header line" if looks_like_data else f"missing column(s) {', '.join(missing)} in the header"
            if len(header) == 1 and "\t" in header[0]:
                what += " (the file is tab-separated: save it as CSV, with commas)"
            return Loaded(None, [err("E-HEADER", f"{what}; the first line must be: {','.join(HEADER)}", line=header_line, values={"header": header})], digest)
        index = {h: columns.index(h) for h in HEADER}
        needed = max(index.values()) + 1
        note_index = columns.index("note") if "note" in columns else None
        records = 0
        # First line naming each cell, even when its value was refused: such a cell is not
        # "missing", and a second line for it is a duplicate.
        seen: dict[Key, int] = {}
        for line, record in rows:
            if not any(field.strip() for field in record):
                continue
            records += 1
            if len(record) > len(columns):
                findings.append(err("E-COLUMNS", f"{len(record)} fields where the header has {len(columns)}: an unquoted comma in a label or value?", line=line, values={"fields": record}))
                continue
            if len(record) < needed:
                # A missing field is not a blank value: the line is cut short (a lost comma?).
                findings.append(err("E-COLUMNS", f"{len(record)} fields where the header has {len(columns)}: no {', '.join(h for h in HEADER if index[h] >= len(record))} on this line", line=line, values={"fields": record}))
                continue
            record = record + [""] * (len(columns) - len(record))
            note = record[note_index].strip() if note_index is not None else ""
            _read_record(record, index, note, line, name, figures, findings, seen)
    except csv.Error as exc:
        findings.append(err("E-CSV", f"not a readable CSV file: {exc}", line=reader.line_num))
        return Loaded(None, findings, digest)

    if records == 0:
        findings.append(err("E-EMPTY", "no figures: the file has a header line but no data lines", line=header_line))
        return Loaded(None, findings, digest)
    fmt = spec.get_format(version)
    for cell in fmt.cells():
        if cell.key not in seen:
            findings.append(err("E-MISSING-CELL", f"no line for this cell of the {version} format (leave its value blank if the figure is unknown)", table=cell.table, row=cell.row, column=cell.column, cells=(cell.key,)))
    for key, value in figures.values.items():
        if value is None:
            t, r, c = key
            findings.append(Finding(rule="W-BLANK", message="missing data: the value is blank, so it is printed blank and rules that need it are not assessable", severity="warning", file=name, line=figures.lines[key], table=t, row=r, column=c, cells=(key,)))
    return Loaded(figures, findings, digest)


def _records(reader):
    """(first line number, fields) of each record; a quoted label may span several lines."""
    start = 1
    for record in reader:
        yield start, record
        start = reader.line_num + 1


def _read_record(record, index, note, line, name, figures: Figures, findings: list[Finding], seen: dict[Key, int]) -> None:
    """Read one line into ``figures``, noting in ``seen`` the cell it names."""
    version = figures.version
    t_raw, r_raw, c_raw, v_raw = (record[index[h]] for h in HEADER)

    def err(code, message, **kw):
        findings.append(Finding(rule=code, message=message, file=name, line=line, **kw))

    table = match_table(t_raw)
    if table is None:
        err("E-TABLE", f"unknown table “{t_raw.strip()}”: use 二, 三 or 四", values={"table": t_raw})
        return
    labels = {}
    for axis, raw in (("row", r_raw), ("column", c_raw)):
        m = match_label(raw, version, table, axis)
        if m.official is None:
            if m.other_version:
                msg = (f"the {axis} label “{raw.strip()}” belongs to the {m.other_version} format, but this report uses the "
                       f"{version} format (if the body kept the {m.other_version} layout, set format: \"{m.other_version}\" in its params file)")
                err("E-OTHER-VERSION", msg, table=table, values={axis: raw, "belongs_to": m.other_version})
            else:
                hint = f"; did you mean “{m.suggestions[0]}”?" if m.suggestions else ""
                err("E-LABEL", f"unknown {axis} label “{raw.strip()}” in table {table}{hint}", table=table, values={axis: raw, "suggestions": list(m.suggestions)})
            return
        if m.note:
            findings.append(Finding(rule="N-ALIAS", message=m.note, status="fail", severity="note", file=name, line=line, table=table, values={axis: raw}))
        labels[axis] = m.official
    row, column = labels["row"], labels["column"]
    try:
        cell = spec.get_format(version).table(table).cell(row, column)
    except KeyError:
        err("E-CELL", f"table {table} has no cell “{row}” × “{column}” in the {version} format", table=table, row=row, column=column)
        return
    if cell.key in seen:
        first = seen[cell.key]
        err("E-DUPLICATE", f"this cell is given twice (first on line {first})", table=table, row=row, column=column, values={"first_line": first}, cells=(cell.key,))
        return
    seen[cell.key] = line
    value = parse_value(v_raw, cell.kind)
    if isinstance(value, ParseError):
        err(value.code, value.message, table=table, row=row, column=column, values={"value": v_raw}, cells=(cell.key,))
        return
    figures.values[cell.key] = value
    figures.lines[cell.key] = line
    if note:
        figures.notes[cell.key] = note


def template_csv(version: str) -> str:
    """The blank fill-in file of a format version: every data cell, canonical labels."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for cell in spec.get_format(version).cells():
        writer.writerow((cell.table, cell.row, cell.column, ""))
    return out.getvalue()


__all__ = ["Figures", "Loaded", "NA", "decode", "load_figures", "template_csv"]
