"""Helpers for the workbook tests: fill a template the way a person would, rearrange a sheet the way
an office would, and make the broken files an office sends.

Cells are found here by reading the sheet as a person reads it (the row's label, the header above
the column), independently of the kit's own reader, so that a round trip tests the kit rather than
the kit against itself.
"""

from __future__ import annotations

import csv
import io
import struct
from decimal import Decimal
from pathlib import Path

import openpyxl
from openpyxl.cell.cell import MergedCell
from openpyxl.styles import Protection
from openpyxl.worksheet.worksheet import Worksheet

from xxgk import spec

PROJECT = Path(__file__).resolve().parents[1]


# --- typing figures into the template ---------------------------------------------------------------


def _merged_at(ws: Worksheet, row: int, col: int):
    return next((m for m in ws.merged_cells.ranges if m.min_row == row and m.min_col == col), None)


def _text_cells(ws: Worksheet, text: str) -> list:
    return [c for r in ws.iter_rows() for c in r if isinstance(c.value, str) and c.value == text]


def input_cell(ws: Worksheet, table: str, row: str, column: str):
    """The cell a person types ``row`` × ``column`` into: right of the row's label, under the column's
    header; in table 四, under the header of its kind of case (``row``) and then of its result."""
    if table == spec.TABLE_4:
        group = _text_cells(ws, row)[0]
        span = _merged_at(ws, group.row, group.column)
        columns = range(span.min_col, span.max_col + 1) if span else range(group.column, group.column + 1)
        header = next(c for c in _text_cells(ws, column) if c.row > group.row and c.column in columns)
        r = header.row + 1
        while _merged_at(ws, header.row, header.column) and r <= _merged_at(ws, header.row, header.column).max_row:
            r += 1
        while ws.cell(r, header.column).protection.locked:  # the first input cell below the header
            r += 1
        return ws.cell(r, header.column)
    label = _text_cells(ws, row)[0]
    # The nearest header above the row naming the column (table 二 repeats its headers per item).
    header = max((c for c in _text_cells(ws, column) if c.row < label.row), key=lambda c: c.row)
    return ws.cell(label.row, header.column)


def typed(value: str):
    """What a person types for a figure written in a CSV file: a number, or the text as it is (“/”,
    or something pasted past the cell's validation); nothing for a blank."""
    text = value.strip()
    if text == "":
        return None
    try:
        number = Decimal(text)
    except ArithmeticError:
        return text
    return int(number) if number == number.to_integral_value() else float(number)


def fill(path: Path, figures: dict[tuple[str, str, str], str]) -> dict[tuple[str, str, str], str]:
    """Type ``figures`` (as written in a CSV file) into the workbook at ``path``; where each went."""
    wb = openpyxl.load_workbook(path)
    where = {}
    for (table, row, column), value in figures.items():
        ws = wb[f"表{table}"]
        cell = input_cell(ws, table, row, column)
        cell.value = typed(value)
        where[(table, row, column)] = f"表{table}!{cell.coordinate}"
    wb.save(path)
    return where


def csv_figures(path: Path) -> dict[tuple[str, str, str], str]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return {(r["table"], r["row"], r["column"]): r["value"] for r in csv.DictReader(f)}


def csv_text(figures: dict[tuple[str, str, str], str]) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["table", "row", "column", "value"])
    for key, value in figures.items():
        w.writerow([*key, value])
    return out.getvalue()


# --- what offices do to a sheet ------------------------------------------------------------------------


def shift(ws: Worksheet, *, at_row: int = 1, rows: int = 0, cols: int = 0) -> None:
    """Move everything from row ``at_row`` down by ``rows`` and right by ``cols``, merged cells with
    it; a merged range that ``at_row`` falls inside grows, as in Excel when a row is inserted there."""
    values = {(c.row, c.column): (c.value, c.protection.locked) for r in ws.iter_rows() for c in r
              if not isinstance(c, MergedCell)}
    merges = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
    for m in list(ws.merged_cells.ranges):
        ws.unmerge_cells(str(m))
    for (r, c) in values:
        ws.cell(r, c).value = None

    def moved(r: int, c: int) -> tuple[int, int]:
        return (r + rows if r >= at_row else r, c + cols)

    for (r, c), (value, locked) in values.items():
        target = ws.cell(*moved(r, c))
        target.value = value
        target.protection = Protection(locked=locked)
    for r1, c1, r2, c2 in merges:
        nr1, nc1 = moved(r1, c1)
        nr2, nc2 = (r2 + rows if r2 >= at_row else r2), c2 + cols
        ws.merge_cells(start_row=nr1, start_column=nc1, end_row=nr2, end_column=nc2)


# --- broken files ------------------------------------------------------------------------------------


def encrypted_workbook() -> bytes:
    """An OLE compound file holding the two streams an encrypted .xlsx has (EncryptionInfo and
    EncryptedPackage), laid out as [MS-CFB] says: what Excel or WPS saves with a password to open.
    The streams' content is filler: no reader gets as far as decrypting it."""
    sector = 512
    free, end, fat_sect, none = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    stream_sectors = 8  # 4096 bytes each: at the mini-stream cutoff, so in ordinary sectors
    # Sector 0: the FAT; sector 1: the directory; 2–9: EncryptionInfo; 10–17: EncryptedPackage.
    fat = [fat_sect, end]
    for first in (2, 2 + stream_sectors):
        fat += [first + i + 1 for i in range(stream_sectors - 1)] + [end]
    fat += [free] * (sector // 4 - len(fat))
    header = (bytes.fromhex("D0CF11E0A1B11AE1") + bytes(16)
              + struct.pack("<HHHHH", 0x3E, 0x3, 0xFFFE, 9, 6) + bytes(6)
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
              + struct.pack("<109I", 0, *([free] * 108)))

    def entry(name: str, kind: int, left: int, right: int, child: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\x00\x00" if name else b""
        return (raw.ljust(64, b"\x00") + struct.pack("<HBB", len(raw), kind, 1)
                + struct.pack("<III", left, right, child) + bytes(16) + struct.pack("<I", 0) + bytes(16)
                + struct.pack("<IQ", start, size))

    directory = (entry("Root Entry", 5, none, none, 1, end, 0)
                 + entry("EncryptionInfo", 2, none, 2, none, 2, 4096)
                 + entry("EncryptedPackage", 2, none, none, none, 2 + stream_sectors, 4096)
                 + entry("", 0, none, none, none, 0, 0))
    streams = b"\x04\x00\x04\x00\x40\x00\x00\x00".ljust(4096, b"\x00") + b"\x5a" * 4096
    return header + struct.pack(f"<{len(fat)}I", *fat) + directory + streams
