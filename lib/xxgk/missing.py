"""Missing data: the figures a report leaves blank, reported as such and never as failed checks.

A blank cell is one finding (``M-BLANK``), pointing at its line (or workbook cell); a total the file leaves blank but
the kit computes from its parts is not missing.  For reading, :func:`grouped` folds the blank
cells along the table's own structure, so that a blank block reads as one line
(``表三 （三）不予公开 各列 未填报``) instead of forty.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator

from . import spec
from .catalogue import message
from .compute import Completed
from .findings import Finding, finding, place
from .i18n import Text
from .load import Figures, Key


def missing_findings(figures: Figures, completed: Completed, file: str | None) -> list[Finding]:
    """One ``M-BLANK`` per cell the file gives blank and the kit could not compute, in format order."""
    out = []
    for cell in spec.get_format(figures.version).cells():
        key = cell.key
        if key in figures.values and figures.values[key] is None and completed.values.get(key) is None:
            out.append(finding("M-BLANK", "blank", file=file, **figures.at(key), table=cell.table,
                               row=cell.row, column=cell.column, cells=(key,)))
    return out


@dataclass(frozen=True)
class Group:
    """Blank cells read as one line: where (the file's line or cell of the first), and what."""

    text: Text
    cells: tuple[Key, ...]
    file: str | None
    line: int | None
    sheet: str | None = None
    cell: str | None = None

    def where(self) -> str:
        """``file:line`` (``file:表三!D12``) of the first blank cell; the file alone when no position."""
        return place(self.file, self.line, self.sheet, self.cell) if self.file else ""


def _row_nodes(part: spec.Part) -> list[spec.Node]:
    return list(part.rows)


def grouped(findings: Iterable[Finding], version: str, code: str = "M-BLANK") -> list[Group]:
    """The ``code`` findings about one cell each (``M-BLANK``: blank figures; ``E-IMPORT-CELL``: cells
    an import could not read) folded by table, part, row group and row, in the table's order, in
    the words of that code's ``row``, ``cells``, ``table`` messages."""
    blank: dict[Key, Finding] = {tuple(f.cells[0]): f for f in findings if f.rule == code and f.cells}  # type: ignore[misc]
    if not blank:
        return []
    fmt = spec.get_format(version)
    out: list[Group] = []

    def say(variant: str, **args) -> Text:
        return message(code, variant, **args)

    def group(text: Text, keys: list[Key]) -> Group:
        first = next((blank[k] for k in keys if blank[k].line is not None or blank[k].sheet is not None),
                     blank[keys[0]])
        return Group(text, tuple(keys), first.file, first.line, first.sheet, first.cell)

    for table in fmt.tables:
        cells = [c.key for c in table.cells]
        hit = [k for k in cells if k in blank]
        if not hit:
            continue
        if len(hit) == len(cells) and len(cells) > 1:
            out.append(group(say("table", table=table.id), hit))
            continue
        if table.id == spec.TABLE_4:
            # Printed as one row of 15 figures; its data rows are the column groups.
            for row in table.data_rows:
                keys = [k for k in cells if k[1] == row]
                out.extend(_fold_row(table, row, keys, blank, group, say, prefix=None))
            continue
        for part in table.parts:
            columns = [c.label for c in part.column_leaves()]
            for node in _row_nodes(part):
                out.extend(_fold(table, part, node, columns, blank, group, say))
    return out


def _where(table: spec.Table, part: spec.Part | None, label: str) -> str:
    caption = f" {part.caption}" if part is not None and part.caption and len(table.parts) > 1 else ""
    return f"表{table.id}{caption} {label}".strip()


def _fold(table: spec.Table, part: spec.Part, node: spec.Node, columns: list[str], blank: dict, group, say) -> Iterator[Group]:
    keys = [(table.id, leaf.label, c) for leaf in node.leaves() for c in columns]
    hit = [k for k in keys if k in blank]
    if not hit:
        return
    if node.is_group:
        if len(hit) == len(keys):
            yield group(say("row", where=_where(table, part, node.label)), hit)
            return
        for child in node.children:
            yield from _fold(table, part, child, columns, blank, group, say)
        return
    yield from _fold_row(table, node.label, keys, blank, group, say, prefix=_where(table, part, node.label))


def _fold_row(table: spec.Table, row: str, keys: list[Key], blank: dict, group, say, prefix: str | None) -> Iterator[Group]:
    hit = [k for k in keys if k in blank]
    if not hit:
        return
    where = prefix or _where(table, None, row)
    if len(hit) == len(keys) and len(keys) > 1:
        yield group(say("row", where=where), hit)
    else:
        yield group(say("cells", where=where, columns=[k[2] for k in hit]), hit)
