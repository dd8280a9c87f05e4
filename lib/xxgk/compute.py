"""Totals computed from their parts.

A total the CSV leaves blank is filled in when every part is present; a total the CSV gives is
kept as given (the rules compare it with its parts).  Nothing is filled from incomplete parts:
a missing figure stays missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterable

from . import spec
from .load import Figures, Key
from .values import Value, is_number


@dataclass(frozen=True)
class Total:
    """A total and the cells it adds up (used by computation, rules R2/R3/R6 and the report)."""

    cell: Key
    parts: tuple[Key, ...]


def sum_of(values: Iterable[Value]) -> Decimal | None:
    """The sum when every value is a number, else None (n/a or blank parts: no sum)."""
    total = Decimal(0)
    for v in values:
        if not is_number(v):
            return None
        total += v  # type: ignore[operator]
    return total


def row_totals(version: str) -> list[Total]:
    """R2: table 三's 总计 column, for every data row."""
    fmt = spec.get_format(version)
    table = fmt.table(spec.TABLE_3)
    total = fmt.label(spec.TABLE_3, "column", "total")
    if total is None:
        return []
    parts = [c for c in table.data_columns if c != total]
    return [Total((spec.TABLE_3, r, total), tuple((spec.TABLE_3, r, c) for c in parts)) for r in table.data_rows]


def results_totals(version: str) -> list[Total]:
    """R3: table 三's （七）总计 row, for every column."""
    fmt = spec.get_format(version)
    total = fmt.label(spec.TABLE_3, "row", "results_total")
    if total is None:
        return []
    rows = spec.result_rows(version)
    return [Total((spec.TABLE_3, total, c), tuple((spec.TABLE_3, r, c) for r in rows))
            for c in fmt.table(spec.TABLE_3).data_columns]


def case_totals(version: str = spec.V2021) -> list[Total]:
    """R6: table 四's 总计 for 行政复议 and both kinds of 行政诉讼: in each group of result columns,
    the one whose role is the total, of the others."""
    out = []
    for part in spec.get_format(version).table(spec.TABLE_4).parts:
        groups: dict[str, list[spec.Node]] = {}
        for leaf in part.column_leaves():
            groups.setdefault(leaf.data_row or "", []).append(leaf)
        for row, leaves in groups.items():
            total = next((c for c in leaves if c.role == "total"), None)
            if total is not None:
                out.append(Total((spec.TABLE_4, row, total.label),
                                 tuple((spec.TABLE_4, row, c.label) for c in leaves if c is not total)))
    return out


@dataclass
class Completed:
    """Figures as printed: given values, plus totals computed where the CSV left them blank, and
    figures carried from last year's report where this year's leaves them blank."""

    values: dict[Key, Value]
    computed: set[Key] = field(default_factory=set)
    #: Cells filled from last year's report (:func:`carry`), with the cell they came from.
    carried: dict[Key, Key] = field(default_factory=dict)

    def get(self, table: str, row: str, column: str) -> Value:
        return self.values.get((table, row, column))


def carry(figures: Figures, previous: "Completed | None", previous_version: str | None) -> dict[Key, tuple[Key, Decimal]]:
    """What last year's report determines of this year's blank figures (the cross-year rules R8
    and R10): 上年结转 per column is last year's 结转下年度; in the 2019 format 上一年项目数量 is last
    year's 上一年项目数量 + 本年增/减.  Cell → (where it came from, figure); only from figures last
    year's report has (given or computed), never to a cell this year's gives."""
    if previous is None or previous_version is None:
        return {}
    fmt, before = spec.get_format(figures.version), spec.get_format(previous_version)
    out: dict[Key, tuple[Key, Decimal]] = {}

    def blank(key: Key) -> bool:
        return key in figures.values and figures.values[key] is None

    for part in fmt.table(spec.TABLE_3).parts:
        for column in part.column_leaves():
            this = fmt.cell(spec.TABLE_3, "carried_in", column.role) if column.role else None
            source = before.cell(spec.TABLE_3, "carried_out", column.role) if column.role else None
            if this is not None and source is not None and blank(this.key) and is_number(previous.values.get(source.key)):
                out[this.key] = (source.key, previous.values[source.key])  # type: ignore[assignment]
    for part in fmt.table(spec.TABLE_2).parts:
        roles = {c.role for c in part.column_leaves()}
        if not {"items_last_year", "items_change"} <= roles:
            continue
        for leaf in part.row_leaves():
            this = fmt.cell(spec.TABLE_2, leaf.role, "items_last_year") if leaf.role else None
            items = before.cell(spec.TABLE_2, leaf.role, "items_last_year") if leaf.role else None
            change = before.cell(spec.TABLE_2, leaf.role, "items_change") if leaf.role else None
            if this is None or items is None or change is None or not blank(this.key):
                continue
            a, b = previous.values.get(items.key), previous.values.get(change.key)
            if is_number(a) and is_number(b) and a + b >= 0:  # type: ignore[operator]
                out[this.key] = (items.key, a + b)  # type: ignore[operator]
    return out


def complete(figures: Figures, previous: "Completed | None" = None, previous_version: str | None = None) -> Completed:
    values = dict(figures.values)
    computed: set[Key] = set()
    carried = carry(figures, previous, previous_version)
    for key, (_source, value) in carried.items():
        values[key] = value
    # Row totals first: （七）总计 × 总计 can then come from either direction.
    for total in [*row_totals(figures.version), *results_totals(figures.version), *case_totals(figures.version)]:
        if values.get(total.cell) is not None:
            continue
        s = sum_of(values.get(p) for p in total.parts)
        if s is not None:
            values[total.cell] = s
            computed.add(total.cell)
    return Completed(values, computed, {k: source for k, (source, _v) in carried.items()})
