"""A township's key figures over its years, for the review copy's trend panel.

Each figure is found by role in the format version each year was read in, so a series runs across
the 2020→2021 change of format (表二 行政许可 is 处理决定数量 in 2019 and 本年处理决定数量 in 2021).
Three states stay apart, as everywhere in the kit: a number, blank (``None``, never 0) and not
applicable (:data:`~xxgk.values.NA`); a year is also *absent* (no data file between the first year
and this one) or *unreadable* (its data file has input errors, so none of its figures is used).

Only figures are read here: no matplotlib (see :mod:`xxgk.trend_svg`), no rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Mapping

from . import spec
from .history import Year, history
from .i18n import T, Text
from .load import Key
from .values import NA, Value, format_value, is_number

if TYPE_CHECKING:  # pragma: no cover
    from .report import Report

#: A year's state in the trend.
READ, UNREADABLE, ABSENT = "read", "unreadable", "absent"


@dataclass(frozen=True)
class Measure:
    """One key figure: a short name (the format's own words, never translated, as on the
    dashboard) and the cells it adds up, by (table, row role, column role)."""

    name: str
    label: str
    cells: tuple[tuple[str, str, str], ...]

    def describe(self, fmt: spec.Format) -> str:
        """Where the figure comes from in one version, e.g. ``表三 一、本年新收… · 总计``."""
        parts = []
        for table, row, column in self.cells:
            cell = fmt.cell(table, row, column)
            if cell is not None:
                parts.append(f"表{cell.table} {cell.row} · {cell.column}")
        return " + ".join(parts)

    def value(self, fmt: spec.Format, values: Mapping[Key, Value]) -> Value:
        """The figure in one year: the cells' sum; blank if any is blank (or the version has no
        such cell), n/a if any is n/a."""
        parts = []
        for table, row, column in self.cells:
            cell = fmt.cell(table, row, column)
            if cell is None:
                return None
            parts.append(values.get(cell.key))
        if any(p is None for p in parts):
            return None
        if any(p is NA for p in parts):
            return NA
        return sum(parts, Decimal(0))  # type: ignore[arg-type]


MEASURES: tuple[Measure, ...] = (
    Measure("new_applications", "新收申请", ((spec.TABLE_3, "new", "total"),)),
    Measure("granted", "予以公开", ((spec.TABLE_3, "granted", "total"),)),
    Measure("carried_out", "结转下年度", ((spec.TABLE_3, "carried_out", "total"),)),
    Measure("reviews", "行政复议", ((spec.TABLE_4, "review", "total"),)),
    Measure("lawsuits", "行政诉讼", ((spec.TABLE_4, "sued_directly", "total"), (spec.TABLE_4, "sued_after_review", "total"))),
    Measure("licences", "行政许可决定", ((spec.TABLE_2, "licences", "decisions"),)),
)


@dataclass
class Column:
    """One year of the trend."""

    year: int
    state: str
    version: str | None = None
    #: The data file as the analyst knows it, and its sha256 (absent years have neither).
    file: str | None = None
    sha256: str | None = None
    values: dict[str, Value] = field(default_factory=dict)

    def text(self, measure: Measure) -> str:
        """The figure as the tables print it: blank stays blank, n/a is ``/``."""
        return format_value(self.values.get(measure.name)) if self.state == READ else ""

    def number(self, measure: Measure) -> float | None:
        """The figure for the chart; None (a gap) unless it is a number."""
        v = self.values.get(measure.name)
        return float(v) if self.state == READ and is_number(v) else None


@dataclass
class Trend:
    township: str
    year: int
    #: Every year from the township's first data file to this report's year, oldest first.
    columns: list[Column]

    @property
    def years(self) -> list[int]:
        return [c.year for c in self.columns]

    @property
    def earlier(self) -> bool:
        """Whether the township has a data file for any year before this one."""
        return any(c.state != ABSENT for c in self.columns if c.year < self.year)


def _column(year: Year) -> Column:
    if year.unreadable:
        return Column(year.year, UNREADABLE, year.version, year.file, year.sha256)
    fmt = spec.get_format(year.version)
    return Column(year.year, READ, year.version, year.file, year.sha256,
                  {m.name: m.value(fmt, year.values) for m in MEASURES})


def _this_year(report: "Report") -> Column:
    # The report's own figures, as its tables print them: read once, in the version its params chose.
    layout = report.layout
    file = layout.display(layout.data_file(report.township, report.year))
    values = report.completed.values if report.completed is not None else None
    if values is None or report.has_input_errors:
        return Column(report.year, UNREADABLE, report.version, file, report.data_sha256)
    fmt = report.format
    return Column(report.year, READ, report.version, file, report.data_sha256,
                  {m.name: m.value(fmt, values) for m in MEASURES})


def of_report(report: "Report") -> Trend:
    """The key figures of every year of the report's township up to and including its own."""
    # Last year was read for the cross-year rules (unless this year's own file has input errors).
    known = {report.previous.year: report.previous} if report.previous is not None else None
    earlier = {y.year: _column(y) for y in history(report.layout, report.township, report.year - 1, known)}
    first = min(earlier, default=report.year)
    columns = [earlier.get(y) or Column(y, ABSENT) for y in range(first, report.year)]
    return Trend(report.township, report.year, columns + [_this_year(report)])


STATE_TEXT: dict[str, Text] = {
    UNREADABLE: T("无法读取", "not readable"),
    ABSENT: T("无数据文件", "no data file"),
}

__all__ = ["ABSENT", "Column", "MEASURES", "Measure", "READ", "STATE_TEXT", "Trend", "UNREADABLE", "of_report"]
