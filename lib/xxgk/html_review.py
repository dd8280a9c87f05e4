"""The reviewer's view: a banner with the counts, and the 数据核验 panel listing every finding and
rule result (what matters first) with links to the highlighted cells.  Neither is in a published copy.

The counts are :func:`xxgk.findings.tally`'s and the order :func:`xxgk.findings.sort_findings`',
the same as ``xxgk check`` and the dashboard; every word comes from :mod:`xxgk.catalogue` or is
given in both languages here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from markupsafe import Markup

from . import catalogue
from .findings import GROUPS, Finding, group_of, sort_findings, tally
from .html_tables import cell_anchor
from .html_tags import classes, el, join
from .i18n import html_lang, tr
from .missing import grouped

if TYPE_CHECKING:  # pragma: no cover
    from .report import Report


def panel_title() -> str:
    return tr("数据核验", "Data check")


def review_findings(report: "Report") -> list[Finding]:
    """Everything the review shows, in the order it shows it."""
    return sort_findings(report.findings)


def banner(report: "Report", *, publish: bool = False) -> str:
    """The counts, at the top of a review copy ("" when publishing)."""
    if publish:
        return ""
    t = tally(report.findings)
    problems = t.errors + t.failed
    parts = []
    for n, zh, en in ((t.errors, "输入错误 {n} 项", "{n} input errors"), (t.failed, "检查未通过 {n} 项", "{n} failed checks"),
                      (t.notes, "提示 {n} 项", "{n} notes"), (t.missing, "未填报 {n} 项", "{n} figures missing")):
        if n:
            parts.append(tr(zh, en, n=n))
    if parts:
        lead = tr("审阅稿 · ", "Review copy · ") + tr("，", ", ").join(parts)
    else:
        lead = tr("审阅稿 · 检查全部通过", "Review copy · every check passed")
    rest = tr("；另有 {na} 项无法判断，{p} 项通过。", "; {na} not assessable, {p} passed.", na=t.not_assessable, p=t.passed)
    link = el("a", tr("详见文末“{title}”", "see “{title}” at the end", title=panel_title()), href="#review")
    return str(el("div", el("p", lead + rest, " ", link),
                  class_=classes("xxgk", "banner", "has-failures" if problems else None,
                                 "has-notes" if not problems and (t.notes or t.missing) else None),
                  id="banner", role="status", lang=html_lang(), data_errors=str(t.errors), data_failed=str(t.failed),
                  data_notes=str(t.notes), data_missing=str(t.missing)))


def _cell_name(key: tuple[str, str, str]) -> str:
    table, row, column = key
    return f"表{table} " + " · ".join(x for x in (row, column) if x)


def _cell_links(report: "Report", cells) -> Markup:
    links = []
    for key in cells:
        key = tuple(key)
        try:
            anchor = cell_anchor(report.format.table(key[0]), key)
        except KeyError:
            anchor = None
        links.append(el("a", _cell_name(key), href=f"#{anchor}") if anchor else el("span", _cell_name(key)))
    return el("span", tr("单元格：", "cells: "), join(links, tr("，", ", ")), class_="cells")


def _status(f: Finding) -> str:
    if f.status != "fail":
        return catalogue.STATUS_TEXT[f.status].render()
    if f.is_missing:
        return catalogue.SEVERITY_TEXT["missing"].render()
    return f"{catalogue.STATUS_TEXT['fail'].render()}·{catalogue.SEVERITY_TEXT[f.severity].render()}"


def _instance(report: "Report", f: Finding) -> Markup:
    bits: list[object] = [el("span", _status(f), class_="status"), " ", f.text()]
    # Where a failure is matters (file:line, labels); a pass's message already names its cells.
    where = f.where() if f.status != "pass" and (f.file or f.line or f.sheet) else ""
    if where:
        bits += [" ", el("span", where, class_="where")]
    if f.status == "fail" and f.cells:
        bits += [" ", _cell_links(report, f.cells)]
    return el("li", *bits, class_=classes(f.status.replace("_", "-"), f.severity if f.status == "fail" else None))


def _missing_items(report: "Report", items: list[Finding]) -> list[Markup]:
    """Blank cells folded by table row, as ``xxgk check`` prints them."""
    out = []
    for g in grouped(items, report.version):
        where = g.where()
        bits: list[object] = [el("span", catalogue.SEVERITY_TEXT["missing"].render(), class_="status"), " ", g.text.render()]
        if where:
            bits += [" ", el("span", where, class_="where")]
        bits += [" ", _cell_links(report, g.cells)]
        out.append(el("li", *bits, class_="fail missing", data_cells=str(len(g.cells))))
    return out


_GROUP_RANK = {g: i for i, g in enumerate(GROUPS)}


def review_panel(report: "Report", *, publish: bool = False) -> str:
    """Every finding and rule result, one section per code, in the order of ``xxgk check``:
    input errors, failed checks, notes, missing data, then what could not be assessed or passed;
    "" when publishing."""
    if publish:
        return ""
    groups: dict[str, list[Finding]] = {}
    for f in review_findings(report):
        groups.setdefault(f.rule, []).append(f)
    order = sorted(groups, key=lambda r: min(_GROUP_RANK[group_of(f)] for f in groups[r]))  # stable
    sections = []
    for code_id in order:
        items = groups[code_id]
        t = tally(items)
        counts = (("fail", t.errors + t.failed + t.notes), ("missing", t.missing),
                  ("not_assessable", t.not_assessable), ("pass", t.passed))
        tally_text = " · ".join(
            f"{(catalogue.SEVERITY_TEXT['missing'] if s == 'missing' else catalogue.STATUS_TEXT[s]).render()} {n}"
            for s, n in counts if n)
        code = catalogue.get(code_id)
        meta = []
        if code is not None and code.formula is not None:
            meta.append(el("p", el("b", tr("公式：", "Formula: ")), code.formula.render(), class_="formula"))
        origin = catalogue.ORIGINS[code.origin if code else "input"]
        meta.append(el("p", el("b", tr("来源：", "Origin: ")), origin.render(), class_="origin"))
        title = code.title.render() if code else code_id
        missing = [f for f in items if f.is_missing]
        entries = [_instance(report, f) for f in items if not f.is_missing] + _missing_items(report, missing)
        worst = min((group_of(f) for f in items), key=_GROUP_RANK.__getitem__)
        sections.append(el(
            "section",
            el("h3", el("span", code_id, class_="rule-id"), " ", title, " ", el("span", tally_text, class_="tally")),
            *meta,
            el("ul", join(entries)),
            class_=classes("rule", "rule-" + _css(worst)),
            data_rule=code_id, data_group=worst,
        ))
    t = tally(report.findings)
    summary = el("p", tr("输入错误 {e} 项，检查未通过 {w} 项，提示 {n} 项，未填报 {m} 项；无法判断 {na} 项，通过 {p} 项。"
                         "“无法判断”表示所需数值未填报或不适用；“未填报”是缺失的数据，不是未通过的检查。",
                         "{e} input errors, {w} failed checks, {n} notes, {m} figures missing; {na} not assessable, "
                         "{p} passed. “Not assessable” means a figure the check needs is blank or not applicable; "
                         "a missing figure is missing data, not a failed check.",
                         e=t.errors, w=t.failed, n=t.notes, m=t.missing, na=t.not_assessable, p=t.passed),
                 class_="summary")
    body = join(sections) if sections else el("p", tr("没有核验结果。", "No results."))
    return str(el("section", el("h2", panel_title()), summary, body,
                  class_="xxgk review-panel", id="review", lang=html_lang()))


def _css(group: str) -> str:
    # The stylesheet's names: failed groups red/amber, the rest as their status.
    return {"input_error": "fail", "input_warning": "fail", "rule": "fail", "plausibility": "note",
            "label": "note", "missing": "missing", "not_assessable": "not-assessable", "pass": "pass"}[group]
