"""The CSV reader: one township-year's ``table,row,column,value`` file as :class:`~xxgk.records.Record`\\ s.

The file is read as a stream, so that a file of any size is answered in bounded memory: the
encoding is decided from its first 64 KiB (a BOM, else UTF-8, else GB18030, which covers GBK and
GB2312) and, should UTF-8 turn out wrong further on, the file is read again as GB18030.  Excel's
"Unicode text" export (UTF-16 with a BOM, tab-separated) is read as it is written.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
from pathlib import Path
from typing import Callable, Iterator

from .findings import Finding, finding
from .readers import Pass, StartOver
from .records import Record, at_line

HEADER = ("table", "row", "column", "value")
_SNIFF = 1 << 16
#: How a zip archive (an .xlsx workbook is one) starts.
ZIP_MAGIC = b"PK\x03\x04"


class WrongEncoding(Exception):
    """The encoding chosen from the file's start failed further on."""


def sniff_encoding(head: bytes) -> str | None:
    """The encoding to read a file starting with ``head`` in; None when it decodes in none."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    for encoding in ("utf-8", "gb18030"):
        try:
            # Not final: the 64 KiB may end inside a character.
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
            return encoding
        except UnicodeDecodeError:
            continue
    return None


def fallback(encoding: str) -> str | None:
    return "gb18030" if encoding == "utf-8" else None


def _records(reader) -> Iterator[tuple[int, list[str]]]:
    """(first line number, fields) of each record; a quoted label may span several lines."""
    start = 1
    for record in reader:
        yield start, record
        start = reader.line_num + 1


def read_csv(path: Path, name: str, encoding: str, problem: Callable[[Finding], None]) -> Iterator[Record]:
    """The records of a CSV file in ``encoding``; problems of the file's shape go to ``problem``.

    Raises :class:`WrongEncoding` when the text stops decoding part-way."""

    def err(code: str, variant: str, args: dict | None = None, **kw) -> None:
        problem(finding(code, variant, args=args, file=name, **kw))

    with open(path, "rb") as raw:
        head = raw.read(_SNIFF)
        if b"\x00" in head and not encoding.startswith("utf-16"):
            err("E-ENCODING", "nul")
            return
        raw.seek(0)
        text = io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="")
        try:
            first = text.readline()
            # Excel's "Unicode text" (and a paste from a spreadsheet) separates fields by tabs.
            delimiter = "\t" if "\t" in first and "," not in first else ","
            reader = csv.reader(itertools.chain([first], text), delimiter=delimiter)
            yield from _read(reader, name, err)
        except UnicodeDecodeError as exc:
            raise WrongEncoding(str(exc)) from exc
        except csv.Error as exc:
            err("E-CSV", "bad", {"reason": str(exc)}, line=reader.line_num)


def passes(path: Path, name: str) -> Iterator[Pass]:
    """The reader's passes (:mod:`xxgk.readers`): the encoding guessed from the file's start, then
    its fallback should the guess fail further on, then a last pass that says the file is not text
    the kit can decode."""
    with open(path, "rb") as f:
        head = f.read(_SNIFF)
    if head.startswith(ZIP_MAGIC):
        # A workbook saved under a .csv name is a zip archive: say what to rename it to.
        yield lambda problem: _not_text(name, "workbook", problem)
        return
    encoding = sniff_encoding(head)
    while encoding is not None:
        yield _in_encoding(path, name, encoding)
        encoding = fallback(encoding)
    yield lambda problem: _not_text(name, "undecodable", problem)


def _in_encoding(path: Path, name: str, encoding: str) -> Pass:
    def read(problem: Callable[[Finding], None]) -> Iterator[Record]:
        try:
            yield from read_csv(path, name, encoding, problem)
        except WrongEncoding as exc:
            raise StartOver(str(exc)) from exc

    return read


def _not_text(name: str, variant: str, problem: Callable[[Finding], None]) -> Iterator[Record]:
    problem(finding("E-ENCODING", variant, file=name))
    return iter(())


def _read(reader, name: str, err) -> Iterator[Record]:
    rows = _records(reader)
    header_line, header = next(rows, (1, []))
    if not any(h.strip() for h in header):
        # Blank lines before the header, or nothing at all.
        for header_line, header in rows:
            if any(h.strip() for h in header):
                break
        else:
            err("E-EMPTY", "empty")
            return
    columns = [h.strip().lower() for h in header]
    missing = [h for h in HEADER if h not in columns]
    if missing:
        from .labels import match_table

        looks_like_data = bool(header) and match_table(header[0]) is not None
        from .catalogue import message

        hint = message("E-HEADER", "tab_hint") if len(header) == 1 and "\t" in header[0] else ""
        if looks_like_data:
            err("E-HEADER", "missing_header", {"header": ",".join(HEADER), "hint": hint}, line=header_line,
                values={"header": header})
        else:
            err("E-HEADER", "missing_columns", {"columns": ", ".join(missing), "header": ",".join(HEADER), "hint": hint},
                line=header_line, values={"header": header})
        return
    index = {h: columns.index(h) for h in HEADER}
    needed = max(index.values()) + 1
    note_index = columns.index("note") if "note" in columns else None
    width = len(columns)
    for line, record in rows:
        if not "".join(record).strip():
            continue
        if len(record) > width:
            err("E-COLUMNS", "too_many", {"fields": len(record), "columns": width}, line=line,
                values={"fields": record[:8]})
            yield Record.unreadable(at_line(line))
            continue
        if len(record) < needed:
            # A missing field is not a blank value: the line is cut short (a lost comma?).
            lost = ", ".join(h for h in HEADER if index[h] >= len(record))
            err("E-COLUMNS", "too_few", {"fields": len(record), "columns": width, "missing": lost}, line=line,
                values={"fields": record})
            yield Record.unreadable(at_line(line))
            continue
        note = record[note_index].strip() if note_index is not None and note_index < len(record) else ""
        yield Record(record[index["table"]], record[index["row"]], record[index["column"]], record[index["value"]],
                     note, at_line(line))


def template_csv(version: str) -> str:
    """The blank fill-in file of a format version: every data cell, canonical labels."""
    from . import spec

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for cell in spec.get_format(version).cells():
        writer.writerow((cell.table, cell.row, cell.column, ""))
    return out.getvalue()
