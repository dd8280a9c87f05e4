"""The report's HTML, piece by piece, so that each notebook cell can print one piece.

Order on the page: :func:`banner` (review copy only), :func:`title_block`, :func:`section` 1–6
(official headings; 二/三/四 hold the tables), :func:`signature_block`, :func:`review_panel` and
:func:`trend_panel` (review copy only) and :func:`provenance_footer`.  :func:`report_html` puts them together.
Each piece is a self-contained element of class ``xxgk``; :func:`report_css` is its stylesheet,
for the page ``<head>``.  Every string from an input file is escaped on the way in.
"""

from __future__ import annotations

import datetime as dt
from importlib import resources
from typing import TYPE_CHECKING

from markupsafe import Markup

from . import __version__, spec
from .html_review import banner, review_findings, review_panel
from .html_tables import flags_from, render_table
from .html_tags import el, join
from .i18n import tr
from .html_trend import trend_panel
from .narrative import render_field

if TYPE_CHECKING:  # pragma: no cover
    from .report import Report

__all__ = [
    "banner", "chinese_date", "provenance_footer", "report_css", "report_html", "review_panel", "section",
    "signature_block", "table_html", "title", "title_block", "trend_panel",
]

NOT_PROVIDED = "【未提供】"

#: Which sections are narrative, and from which params fields.
_NARRATIVE = {1: ("overview",), 5: ("problems",), 6: ("other", "contact")}
#: Which sections hold which table.
_TABLES = {2: spec.TABLE_2, 3: spec.TABLE_3, 4: spec.TABLE_4}


def report_css() -> str:
    """The stylesheet of the report (packaged asset), for the page's ``<head>``."""
    return resources.files("xxgk").joinpath("assets/report.css").read_text(encoding="utf-8")


def chinese_date(d: dt.date) -> str:
    """2021年1月26日, as a signature is dated (no leading zeros)."""
    return f"{d.year}年{d.month}月{d.day}日"


def _params_display(report: "Report") -> str:
    return report.layout.display(report.layout.params_file(report.township, report.year))


def _not_provided(report: "Report", what: str, field: str | None = None) -> Markup:
    """A visible paragraph saying that text is missing, and why, so a reviewer sees it at once."""
    path = _params_display(report)
    if report.params is None:
        exists = report.layout.params_file(report.township, report.year).exists()
        why = f"参数文件 {path} {'有错误，未能读取' if exists else '不存在'}"
    else:
        why = f"参数文件 {path} 中的 {field} 为空"
    return el("p", el("strong", NOT_PROVIDED), f"{what}未提供（{why}）。", class_="not-provided", role="note")


def _wrap(tag: str, *content: object, cls: str, **kw) -> str:
    return str(el(tag, *content, class_=f"xxgk {cls}", lang="zh-CN", **kw))


def title(report: "Report") -> str:
    """The params' title, else “<township><year>年政府信息公开工作年度报告”."""
    if report.params is not None and report.params.title:
        return report.params.title
    return f"{report.township}{report.year}年政府信息公开工作年度报告"


def title_block(report: "Report") -> str:
    """The report's title and, when the params give one, its preamble paragraph."""
    preamble = render_field(report, "preamble")
    return _wrap("header", el("h1", title(report)), Markup(preamble) if preamble else None, cls="title-block")


def table_html(report: "Report", table_id: str, *, publish: bool = False) -> str:
    """One of tables 二/三/四 with the report's figures (computed totals marked; in a review
    copy, cells of failing checks highlighted and CSV notes shown on hover)."""
    completed = report.completed
    values = completed.values if completed else (report.figures.values if report.figures else {})
    review = not publish
    return render_table(
        report.format.table(table_id), values,
        computed=completed.computed if completed else frozenset(),
        flags=flags_from(review_findings(report)) if review else None,
        notes=report.figures.notes if review and report.figures else None,
        review=review,
        carried=_carried_titles(report) if review else None,
    )


def _carried_titles(report: "Report") -> dict:
    """Each figure carried from last year's report, with where it came from (the cell's tooltip)."""
    if report.completed is None or report.previous is None:
        return {}
    before = report.previous
    positions = before.figures.positions if before.figures else {}
    return {key: tr("由上年结转：{file}:{line}（{row} · {column}）", "carried from last year: {file}:{line} ({row} · {column})",
                    file=before.file, line=str(positions.get(source, "")), row=source[1], column=source[2])
            for key, source in report.completed.carried.items()}


def _narrative(report: "Report", number: int) -> list[Markup]:
    fields = _NARRATIVE[number]
    rendered = {f: render_field(report, f) for f in fields}
    if not any(rendered.values()):
        return [_not_provided(report, "本节文字", fields[0] if report.params else None)]
    out = [Markup(rendered[f]) for f in fields if rendered[f]]
    if "contact" in fields and not rendered["contact"]:
        out.append(_not_provided(report, "联系方式", "contact"))
    return out


def not_provided(report: "Report") -> list[str]:
    """What the page would print as 【未提供】: the sections without text, the contact paragraph, the
    signature (publishing body and date).  A published copy must have none."""
    missing = []
    for number, fields in _NARRATIVE.items():
        texts = [f for f in fields if render_field(report, f)]
        if not texts or ("contact" in fields and "contact" not in texts):
            missing.append(report.format.sections[number - 1] if not texts else "联系方式")
    if report.params is None:
        missing.append("落款（发布机关和发布日期）")
    return missing


def section(report: "Report", number: int, *, publish: bool = False) -> str:
    """Section ``number`` (1–6) under its official heading."""
    heading = report.format.sections[number - 1]
    if number in _TABLES:
        body = [Markup(table_html(report, _TABLES[number], publish=publish))]
    else:
        body = _narrative(report, number)
    return _wrap("section", el("h2", heading), *body, cls="report-section", id=f"section-{number}")


def signature_block(report: "Report") -> str:
    """The publishing body and the publish date, as signed at the end of the report."""
    if report.params is None:
        return _wrap("div", el("div", _not_provided(report, "发布机关和发布日期"), class_="sign"), cls="signature")
    return _wrap("div", el("div", el("p", report.params.body, class_="body"),
                           el("p", chinese_date(report.params.publish_date), class_="date"), class_="sign"),
                 cls="signature")


def provenance_footer(report: "Report", *, template_sha256: str | None) -> str:
    """What the page was made from: kit and format versions, sha256 of data, params, template."""
    fmt = report.format
    layout = report.layout

    def digest(label: str, name: str | None, sha: str | None) -> Markup:
        value = el("code", sha) if sha else el("span", "未提供", class_="missing")
        return el("li", label, "：", f"{name} " if name else "", "sha256 ", value)

    items = [
        el("li", f"生成工具：xxgk {__version__}"),
        el("li", f"报告格式：{fmt.version} 年版（{fmt.notice}）"),
        digest("数据文件", layout.display(layout.data_file(report.township, report.year)), report.data_sha256),
        *([digest("上年数据文件", report.previous.file, report.previous.sha256)] if report.previous else []),
        digest("参数文件", _params_display(report), report.params_sha256),
        digest("模板", None, template_sha256),
    ]
    return _wrap("footer", el("ul", join(items)), cls="provenance")


def report_html(report: "Report", *, template_sha256: str | None, publish: bool = False) -> str:
    """All pieces in page order (the body content of the page, without ``<head>``)."""
    pieces = [
        banner(report, publish=publish),
        title_block(report),
        *(section(report, n, publish=publish) for n in range(1, 7)),
        signature_block(report),
        review_panel(report, publish=publish),
        trend_panel(report, publish=publish),
        provenance_footer(report, template_sha256=template_sha256),
    ]
    return "\n".join(p for p in pieces if p) + "\n"
