"""From a table's declarative description (spec) to the grid the official format prints.

Like great_tables, the layout is derived, never drawn by hand: a column header tree becomes header
rows whose group cells span their leaves, a row tree becomes label columns whose group cells span
their leaves' rows, and every (row leaf × column leaf) becomes a data cell bound to its
:class:`~xxgk.spec.Cell`.  One function serves all tables; the only inputs are the spec's parts.

A table of several parts (table 二: one part per 第二十条 item) is one grid as wide as its widest
part; narrower parts are padded with empty cells so that every row has the same width.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Literal

from . import spec

Role = Literal["caption", "corner", "header", "label", "data", "pad"]


@dataclass(frozen=True)
class GridCell:
    role: Role
    text: str = ""
    rowspan: int = 1
    colspan: int = 1
    #: For header and label cells: does it span other headers/labels (a merged group)?
    group: bool = False
    #: Depth of a header or label cell in its tree (0 = top level).
    level: int = 0
    #: For data cells: the spec cell the figure belongs to.
    cell: spec.Cell | None = None
    #: For money cells whose header carries no unit: print the unit with the figure.
    money_unit: bool = False


Row = tuple[GridCell, ...]


@dataclass(frozen=True)
class Block:
    """One part of a table: its header rows (caption first, if any) and its body rows."""

    head: tuple[Row, ...]
    body: tuple[Row, ...]


@dataclass(frozen=True)
class Grid:
    table: spec.Table
    width: int
    #: Number of leading columns that hold row labels (0 for table 四).
    label_columns: int
    blocks: tuple[Block, ...]

    def rows(self) -> Iterator[Row]:
        for block in self.blocks:
            yield from block.head
            yield from block.body

    def data_cells(self) -> list[GridCell]:
        return [c for block in self.blocks for row in block.body for c in row if c.role == "data"]


def _label_columns(rows: tuple[spec.Node, ...]) -> int:
    # A part whose only row is unlabelled (table 四's single figure row) has no label column.
    if all(not leaf.label for r in rows for leaf in r.leaves()):
        return 0
    return max(r.depth() for r in rows)


def _header_depth(columns: tuple[spec.Node, ...]) -> int:
    return max(c.depth() for c in columns)


def part_width(part: spec.Part) -> int:
    return _label_columns(part.rows) + len(part.column_leaves())


def _header_rows(part: spec.Part, label_cols: int) -> list[list[GridCell]]:
    depth = _header_depth(part.columns)
    rows: list[list[GridCell]] = [[] for _ in range(depth)]
    if label_cols:
        rows[0].append(GridCell("corner", part.corner or "", rowspan=depth, colspan=label_cols))

    def place(node: spec.Node, level: int) -> None:
        if node.is_group:
            rows[level].append(GridCell("header", node.label, colspan=sum(1 for _ in node.leaves()),
                                        group=True, level=level))
            for child in node.children:
                place(child, level + 1)
        else:
            rows[level].append(GridCell("header", node.label, rowspan=depth - level, level=level))

    for col in part.columns:
        place(col, 0)
    return rows


def _body_rows(table: spec.Table, part: spec.Part, label_cols: int) -> list[list[GridCell]]:
    leaves = part.column_leaves()
    rows: list[list[GridCell]] = []

    def data(row_label: str) -> list[GridCell]:
        out = []
        for col in leaves:
            cell = table.cell(col.data_row or row_label, col.label)
            # 2019's 采购总金额 has no unit in its header, so the figure carries it (6874.6408 万元);
            # 2021's 本年收费金额（单位：万元） states it once, in the header.
            unit = cell.kind is spec.Kind.MONEY and "万元" not in col.label
            out.append(GridCell("data", cell=cell, money_unit=unit))
        return out

    def place(node: spec.Node, level: int, pending: list[GridCell]) -> None:
        if node.is_group:
            label = GridCell("label", node.label, rowspan=sum(1 for _ in node.leaves()), group=True, level=level)
            for i, child in enumerate(node.children):
                # The group's label cell opens the row of its first leaf.
                place(child, level + 1, [*pending, label] if i == 0 else [])
            return
        labels = list(pending)
        if label_cols:
            labels.append(GridCell("label", node.label, colspan=label_cols - level, level=level))
        rows.append([*labels, *data(node.label)])

    for r in part.rows:
        place(r, 0, [])
    return rows


def _pad(rows: list[list[GridCell]], missing: int, *, first_only: bool) -> None:
    """Fill a narrower part out to the table's width with one empty cell per row."""
    if missing <= 0:
        return
    if first_only:  # header rows: one pad spanning all of them
        rows[0].append(GridCell("pad", rowspan=len(rows), colspan=missing))
    else:
        for row in rows:
            row.append(GridCell("pad", colspan=missing))


def grid(table: spec.Table) -> Grid:
    """The printed grid of ``table``, every part stacked, as wide as its widest part."""
    width = max(part_width(p) for p in table.parts)
    blocks = []
    for part in table.parts:
        label_cols = _label_columns(part.rows)
        missing = width - part_width(part)
        head = _header_rows(part, label_cols)
        body = _body_rows(table, part, label_cols)
        _pad(head, missing, first_only=True)
        _pad(body, missing, first_only=False)
        if part.caption:
            head.insert(0, [GridCell("caption", part.caption, colspan=width)])
        blocks.append(Block(tuple(map(tuple, head)), tuple(map(tuple, body))))
    label_columns = max(_label_columns(p.rows) for p in table.parts)
    return Grid(table, width, label_columns, tuple(blocks))


def place(rows: list[Row] | tuple[Row, ...]) -> Iterator[tuple[int, int, GridCell]]:
    """Each cell with the (row, column) of its top-left corner, counted from 0, spans taken into
    account as a browser takes them (a cell goes to the first position no cell above covers):
    where a spreadsheet puts it.  Raises ValueError when two cells overlap."""
    covered: set[tuple[int, int]] = set()
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in covered:
                c += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    if (r + dr, c + dc) in covered:
                        raise ValueError(f"cell {cell.text!r} overlaps at row {r + dr}, column {c + dc}")
                    covered.add((r + dr, c + dc))
            yield r, c, cell
            c += cell.colspan


def matrix(rows: list[Row] | tuple[Row, ...]) -> list[list[GridCell]]:
    """Place cells with their spans on a rectangle, as a browser would; each position holds the
    cell covering it.  Raises ValueError when the rows are not a clean grid (overlap, ragged)."""
    placed: dict[tuple[int, int], GridCell] = {}
    for r, c, cell in place(rows):
        for dr in range(cell.rowspan):
            for dc in range(cell.colspan):
                placed[(r + dr, c + dc)] = cell
    if not placed:
        return []
    height = 1 + max(r for r, _ in placed)
    width = 1 + max(c for _, c in placed)
    if height != len(rows) or len(placed) != height * width:
        raise ValueError("rows do not form a rectangle")
    return [[placed[(r, c)] for c in range(width)] for r in range(height)]
