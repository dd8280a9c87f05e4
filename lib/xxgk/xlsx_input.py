"""The workbook reader: ``data/<year>/<township>.xlsx`` as :class:`~xxgk.records.Record`\\ s.

The workbook is the one ``xxgk template --xlsx`` writes, filled in by an office: sheets 表二, 表三
and 表四, each laid out as the official table.  Its figures are found by their labels
(:mod:`xxgk.xlsx_locate`), so a workbook an office has rearranged a little still reads.

The file is only ever read: openpyxl opens it for reading and nothing here saves it.  It is loaded
twice: once for the values a spreadsheet program saved (a formula's result included), once for the
formulas, so that a formula whose result was never saved (a file a script wrote and no spreadsheet
program has opened) is told apart from a blank cell.  openpyxl is imported here, when a workbook
is read, not when the kit starts: planning a batch or reading CSV files never pays for it.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Iterator

from . import spec
from .csv_input import ZIP_MAGIC, sniff_encoding
from .findings import finding
from .labels import match_table
from .readers import Pass, Problem
from .records import Position, Record
from .xlsx_locate import Sheet, read_sheet

#: How an OLE compound file starts: an old .xls workbook, or an encrypted .xlsx inside one.
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
#: The stream an encrypted Office file keeps its encryption parameters in (ECMA-376 / MS-OFFCRYPTO),
#: as the compound file's directory names it (UTF-16).
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")


def passes(path: Path, name: str) -> Iterator[Pass]:
    """One pass: a workbook is not read in more than one way."""
    yield lambda problem: read_workbook(path, name, problem)


def _kind(path: Path) -> str:
    """What the file is, from its bytes: ``zip`` (an .xlsx), ``encrypted``, ``xls``, ``text`` or ``other``."""
    with open(path, "rb") as f:
        head = f.read(1 << 16)
        if head.startswith(ZIP_MAGIC):
            return "zip"
        if head.startswith(OLE_MAGIC):
            # The directory naming the streams may be anywhere in the file.
            f.seek(0)
            return "encrypted" if _ENCRYPTION_INFO in f.read() else "xls"
    if b"\x00" not in head and sniff_encoding(head) is not None:
        return "text"
    return "other"


def _load(path: Path, *, data_only: bool):
    import openpyxl

    with warnings.catch_warnings():
        # openpyxl warns of parts it does not keep (Excel's extensions, WPS's own): nothing to read.
        warnings.simplefilter("ignore")
        return openpyxl.load_workbook(path, data_only=data_only, keep_links=False)


def _reason(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _stored(ws) -> dict:
    # The cells the file holds.  Not iter_rows(): it walks every position of the used range and makes
    # a cell for each, and one value typed at XFD1048576 makes that range the whole sheet.
    return ws._cells


def _sheet(cached, written) -> Sheet:
    values = {rc: cell.value for rc, cell in _stored(cached).items() if cell.value is not None and cell.value != ""}
    formulas = {rc: str(getattr(cell.value, "text", cell.value)) for rc, cell in _stored(written).items()
                if cell.data_type == "f" and rc not in values}
    merged = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in cached.merged_cells.ranges]
    return Sheet(cached.title, values, merged, formulas)


def read_workbook(path: Path, name: str, problem: Problem) -> Iterator[Record]:
    def err(code: str, variant: str, args: dict | None = None, at: Position | None = None, **fields) -> None:
        problem(finding(code, variant, args=args, file=name, **(at.fields() if at else {}), **fields))

    kind = _kind(path)
    if kind != "zip":
        err("E-XLSX", {"other": "not_workbook"}.get(kind, kind))
        return
    try:
        cached = _load(path, data_only=True)
        written = _load(path, data_only=False)
    except Exception as exc:  # noqa: BLE001 - a damaged file makes openpyxl raise anything (zip, XML, KeyError…)
        err("E-XLSX", "corrupt", {"reason": _reason(exc)})
        return
    sheets = _tables(cached.worksheets, err)
    for table_id in spec.TABLE_IDS:
        ws = sheets.get(table_id)
        if ws is None:
            err("E-SHEET", "missing", {"table": table_id, "sheets": list(cached.sheetnames)}, table=table_id,
                values={"sheet": f"表{table_id}", "sheets": list(cached.sheetnames)})
            continue
        yield from read_sheet(_sheet(ws, written[ws.title]), table_id, err)


def _tables(worksheets, err) -> dict:
    """The sheet of each table, found by its name (表二, 表 2, 二…) as table names are matched."""
    found: dict = {}
    for ws in worksheets:
        table = match_table(ws.title)
        if table is None:
            continue
        if table in found:
            err("E-SHEET", "twice", {"first": found[table].title, "second": ws.title, "table": table}, table=table,
                values={"sheets": [found[table].title, ws.title]})
            continue
        found[table] = ws
    return found
