"""The trend panel of the review copy: the township's key figures over every year it has, as a
small chart and as a table of the same figures (the table is what a screen reader reads; the chart
is hidden from it).  Not in a published copy: the official format has no such section.

A blank figure stays blank (never 0), not applicable prints ``/``, a year whose data file has
input errors says so in every cell, and a year between two others with no data file at all says
that; the chart leaves a gap for each of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from markupsafe import Markup

from . import spec
from .html_tags import classes, el, join
from .i18n import html_lang, tr
from .trend import ABSENT, MEASURES, READ, STATE_TEXT, UNREADABLE, Trend, of_report

if TYPE_CHECKING:  # pragma: no cover
    from .report import Report


def panel_title() -> str:
    return tr("历年主要数据", "Key figures over the years")


def _where(trend: Trend) -> dict[str, str]:
    """What each figure is, in the versions its years were read in (the row header's tooltip)."""
    versions = list(dict.fromkeys(c.version for c in trend.columns if c.version))
    out = {}
    for m in MEASURES:
        seen = list(dict.fromkeys(m.describe(spec.get_format(v)) for v in versions))
        out[m.name] = "；".join(s for s in seen if s)
    return out


def trend_table(trend: Trend) -> Markup:
    years = trend.years
    caption = tr("{t}历年主要数据（{a}—{b}年，单位：件）", "{t}: key figures, {a}–{b} (counts)",
                 t=trend.township, a=years[0], b=years[-1]) if len(years) > 1 else \
        tr("{t}主要数据（{b}年，单位：件）", "{t}: key figures, {b} (counts)", t=trend.township, b=years[-1])
    head = [el("th", tr("项目", "figure"), scope="col")]
    for c in trend.columns:
        head.append(el("th", str(c.year), scope="col", title=c.file,
                       class_=classes("this-year" if c.year == trend.year else None, c.state if c.state != READ else None)))
    where = _where(trend)
    body = []
    for m in MEASURES:
        cells: list[object] = [el("th", m.label, scope="row", title=where[m.name] or None)]
        for c in trend.columns:
            if c.state == READ:
                text = c.text(m)
                cells.append(el("td", text, class_=classes("num", "blank" if text == "" else None),
                                data_year=str(c.year)))
            else:
                cells.append(el("td", STATE_TEXT[c.state].render(), class_=classes("num", c.state), data_year=str(c.year)))
        body.append(el("tr", join(cells, ""), data_measure=m.name))
    return el("table", el("caption", caption), el("thead", el("tr", join(head, ""))), el("tbody", join(body)),
              class_="trend-table")


def _notes(trend: Trend) -> list[Markup]:
    notes = []
    if not trend.earlier:
        notes.append(el("p", tr("本乡镇（街道）尚无往年数据：只有本年度（{y}年）的数据文件。",
                                "There is no earlier year for this township yet: only this year's ({y}) data file.",
                                y=trend.year), class_="trend-only-year"))
    for c in trend.columns:
        if c.state == UNREADABLE:
            notes.append(el("p", tr("{y}年的数据文件 {f} 有输入错误，其数值未读取（xxgk check --township {t} --year {y} 列出错误）。",
                                    "The {y} data file {f} has input errors; its figures were not read "
                                    "(xxgk check --township {t} --year {y} lists them).",
                                    y=c.year, f=c.file, t=trend.township), class_="trend-unreadable"))
    missing = [str(c.year) for c in trend.columns if c.state == ABSENT]
    if missing:
        notes.append(el("p", tr("{ys}年没有数据文件。", "No data file for {ys}.", ys=tr("、", ", ").join(missing)),
                        class_="trend-absent"))
    return notes


def _sources(trend: Trend) -> Markup:
    """Which files the panel was made from: the page changes when any of them does."""
    colon = tr("：", ": ")
    items = [el("li", f"{c.year}{colon}{c.file} sha256 ", el("code", c.sha256 or ""))
             for c in trend.columns if c.state != ABSENT]
    return el("details", el("summary", tr("数据来源", "Data files")), el("ul", join(items)), class_="trend-sources")


def trend_panel(report: "Report", *, publish: bool = False) -> str:
    """The key figures of every year of the report's township up to this one ("" when publishing)."""
    if publish:
        return ""
    trend = of_report(report)
    pieces: list[object] = [el("h2", panel_title()), *_notes(trend)]
    if trend.earlier:
        from .trend_svg import chart_svg  # matplotlib only when there is something to draw

        pieces.append(el("div", Markup(chart_svg(trend)), class_="trend-chart", aria_hidden="true"))
    pieces += [trend_table(trend), _sources(trend)]
    return str(el("section", *pieces, class_="xxgk trend-panel", id="trend", lang=html_lang()))


__all__ = ["panel_title", "trend_panel", "trend_table"]
