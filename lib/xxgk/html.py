"""The HTML writer of the document model, piece by piece, so that each notebook cell can print one
piece.

Order on the page: :func:`banner` (review copy only), :func:`title_block`, :func:`section` 1–6
(official headings; 二/三/四 hold the tables), :func:`signature_block`, :func:`review_panel` and
:func:`trend_panel` (review copy only) and :func:`provenance_footer`.  :func:`report_html` puts them
together.
Each piece is a self-contained element of class ``xxgk``; :func:`report_css` is its stylesheet,
for the page ``<head>``.  Every string from an input file is escaped on the way in.

The pieces of the report itself take its :class:`~xxgk.document.Document`, built once
(:func:`xxgk.compose.build_document`); given a :class:`~xxgk.report.Report` instead they build the
part they print.  The banner and the panels (数据核验, the trend) are about the checks and the
township's other years, not this report's content: they take the report.
"""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING, Union

from markupsafe import Markup

from . import compose
from .compose import chinese_date, title
from .document import Block, Document, NotProvided, Provenance, Section, Signature, Table
from .html_narrative import blocks_html
from .html_review import banner, review_panel
from .html_tables import table_element
from .html_tags import el, join
from .html_trend import trend_panel
from .narrative import field_blocks

if TYPE_CHECKING:  # pragma: no cover
    from .report import Report

__all__ = [
    "banner", "chinese_date", "provenance_footer", "report_css", "report_html", "review_panel", "section",
    "signature_block", "table_html", "title", "title_block", "trend_panel",
]

NOT_PROVIDED = "【未提供】"

#: What a piece is printed from: the document, or a report whose part it then builds.
Content = Union["Report", Document]


def report_css() -> str:
    """The stylesheet of the report (packaged asset), for the page's ``<head>``."""
    return resources.files("xxgk").joinpath("assets/report.css").read_text(encoding="utf-8")


def _not_provided(block: NotProvided) -> Markup:
    """A visible paragraph saying that text is missing, and why, so a reviewer sees it at once."""
    return el("p", el("strong", NOT_PROVIDED), f"{block.what}未提供（{block.why}）。", class_="not-provided", role="note")


def _wrap(tag: str, *content: object, cls: str, **kw) -> str:
    return str(el(tag, *content, class_=f"xxgk {cls}", lang="zh-CN", **kw))


def _blocks(blocks: tuple[Block, ...]) -> list[Markup]:
    out = []
    for block in blocks:
        if isinstance(block, Table):
            out.append(Markup(table_element(block)))
        elif isinstance(block, NotProvided):
            out.append(_not_provided(block))
        else:
            out.append(Markup(blocks_html((block,))))
    return out


def title_block(source: Content) -> str:
    """The report's title and, when the params give one, its preamble paragraph."""
    if isinstance(source, Document):
        heading, preamble = source.title, source.preamble
    else:
        heading, preamble = title(source), field_blocks(source, "preamble") or ()
    text = blocks_html(preamble)
    return _wrap("header", el("h1", heading), Markup(text) if text else None, cls="title-block")


def table_html(source: Content, table_id: str, *, publish: bool = False) -> str:
    """One of tables 二/三/四 with the report's figures (computed totals marked; in a review
    copy, cells of failing checks highlighted and CSV notes shown on hover)."""
    if isinstance(source, Document):
        block = next(t for t in source.tables() if t.id == table_id)
    else:
        block = compose.table(source, table_id, publish=publish)
    return table_element(block)


def section(source: Content, number: int, *, publish: bool = False) -> str:
    """Section ``number`` (1–6) under its official heading."""
    sec: Section = source.section(number) if isinstance(source, Document) else compose.section(source, number, publish=publish)
    return _wrap("section", el("h2", sec.heading), *_blocks(sec.blocks), cls="report-section", id=f"section-{number}")


def signature_block(source: Content) -> str:
    """The publishing body and the publish date, as signed at the end of the report."""
    sign = source.signature if isinstance(source, Document) else compose.signature(source)
    if isinstance(sign, NotProvided):
        return _wrap("div", el("div", _not_provided(sign), class_="sign"), cls="signature")
    assert isinstance(sign, Signature)
    return _wrap("div", el("div", el("p", sign.body, class_="body"), el("p", chinese_date(sign.date), class_="date"),
                           class_="sign"), cls="signature")


def provenance_footer(source: Content, *, template_sha256: str | None = None) -> str:
    """What the page was made from: kit and format versions, sha256 of data, params, template
    (a document names its template's hash itself)."""
    made: Provenance = (source.provenance if isinstance(source, Document)
                        else compose.provenance(source, template_sha256=template_sha256))

    def digest(label: str, name: str | None, sha: str | None) -> Markup:
        value = el("code", sha) if sha else el("span", "未提供", class_="missing")
        return el("li", label, "：", f"{name} " if name else "", "sha256 ", value)

    items = [el("li", f"生成工具：{made.tool}"), el("li", f"报告格式：{made.format}"),
             *(digest(s.label, s.name, s.sha256) for s in made.sources)]
    return _wrap("footer", el("ul", join(items)), cls="provenance")


def report_html(report: "Report", *, template_sha256: str | None, publish: bool = False) -> str:
    """All pieces in page order (the body content of the page, without ``<head>``)."""
    document = compose.build_document(report, publish=publish, template_sha256=template_sha256)
    pieces = [
        banner(report, publish=publish),
        title_block(document),
        *(section(document, n) for n in range(1, 7)),
        signature_block(document),
        review_panel(report, publish=publish),
        trend_panel(report, publish=publish),
        provenance_footer(document),
    ]
    return "\n".join(p for p in pieces if p) + "\n"
