"""The reviewer's view: a banner counting failed checks, and the 数据核验 panel listing every
rule result (failed first) with links to the highlighted cells.  Neither is in a published copy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from markupsafe import Markup

from .findings import Finding
from .html_tables import cell_anchor
from .html_tags import classes, el, join
from .catalogue import ORIGINS
from .rules import REGISTRY

if TYPE_CHECKING:  # pragma: no cover
    from .report import Report

PANEL_TITLE = "数据核验"
STATUS_TEXT = {"fail": "未通过", "not_assessable": "无法判断", "pass": "通过"}
SEVERITY_TEXT = {"error": "错误", "warning": "警告", "note": "提示"}
_STATUS_RANK = {"fail": 0, "not_assessable": 1, "pass": 2}
_SEVERITY_RANK = {"error": 0, "warning": 1, "note": 2}

#: Titles for input checks, which are not in the rule registry.
INPUT_TITLES = {
    "W-BLANK": "未填报的数值 (blank values)",
    "W-NO-PARAMS": "缺少参数文件 (no params file)",
    "E-PLACEHOLDER": "未知占位符 (unknown placeholder)",
    "W-PLACEHOLDER-BLANK": "占位符对应的数值未填报 (placeholder for a blank figure)",
}
INPUT_ORIGIN = "数据与参数文件检查 (input check)"


def review_findings(report: "Report") -> list[Finding]:
    """Everything the review shows: the report's findings, placeholder problems included."""
    return list(report.findings)


def _counts(findings: Iterable[Finding]) -> dict[str, int]:
    c = {"error": 0, "warning": 0, "note": 0, "not_assessable": 0, "pass": 0}
    for f in findings:
        c[f.severity if f.status == "fail" else f.status] += 1
    return c


def banner(report: "Report", *, publish: bool = False) -> str:
    """How many checks failed, at the top of a review copy ("" when publishing)."""
    if publish:
        return ""
    c = _counts(review_findings(report))
    failed = c["error"] + c["warning"] + c["note"]
    if failed:
        detail = "、".join(f"{SEVERITY_TEXT[s]} {c[s]}" for s in ("error", "warning", "note") if c[s])
        text = Markup("审阅稿 · {} 项检查未通过（{}）；另有 {} 项无法判断，{} 项通过。").format(
            failed, detail, c["not_assessable"], c["pass"])
    else:
        text = Markup("审阅稿 · 检查全部通过（{} 项通过，{} 项无法判断）。").format(c["pass"], c["not_assessable"])
    link = el("a", f"详见文末“{PANEL_TITLE}”", href="#review")
    return str(el("div", el("p", text, " ", link), class_=classes("xxgk", "banner", "has-failures" if failed else None),
                  id="banner", role="status", lang="zh-CN", data_failed=str(failed)))


def _cell_name(key: tuple[str, str, str]) -> str:
    table, row, column = key
    return f"表{table} " + " · ".join(x for x in (row, column) if x)


def _instance(report: "Report", f: Finding) -> Markup:
    status = STATUS_TEXT[f.status] + (f"·{SEVERITY_TEXT[f.severity]}" if f.status == "fail" else "")
    bits: list[object] = [el("span", status, class_="status"), " ", f.message]
    # Where a failure is matters (file:line, labels); a pass's message already names its cells.
    where = f.where() if f.status != "pass" and (f.file or f.line) else ""
    if where:
        bits += [" ", el("span", where, class_="where")]
    if f.status == "fail" and f.cells:
        links = []
        for key in f.cells:
            key = tuple(key)
            try:
                anchor = cell_anchor(report.format.table(key[0]), key)
            except KeyError:
                anchor = None
            links.append(el("a", _cell_name(key), href=f"#{anchor}") if anchor else el("span", _cell_name(key)))
        bits += [" ", el("span", "单元格：", join(links, "，"), class_="cells")]
    return el("li", *bits, class_=classes(f.status.replace("_", "-"), f.severity if f.status == "fail" else None))


def _group_rank(findings: list[Finding]) -> tuple[int, int]:
    status = min(_STATUS_RANK[f.status] for f in findings)
    severity = min((_SEVERITY_RANK[f.severity] for f in findings if f.status == "fail"), default=3)
    return status, severity


def review_panel(report: "Report", *, publish: bool = False) -> str:
    """Every rule result grouped by rule, failed first; "" when publishing."""
    if publish:
        return ""
    groups: dict[str, list[Finding]] = {}
    for f in review_findings(report):
        groups.setdefault(f.rule, []).append(f)
    order = sorted(groups, key=lambda r: _group_rank(groups[r]))  # stable: first seen first
    sections = []
    for rule_id in order:
        items = sorted(groups[rule_id], key=lambda f: (_STATUS_RANK[f.status], _SEVERITY_RANK[f.severity]))
        c = _counts(items)
        tally = " · ".join(f"{STATUS_TEXT[s]} {n}" for s, n in
                           (("fail", c["error"] + c["warning"] + c["note"]), ("not_assessable", c["not_assessable"]),
                            ("pass", c["pass"])) if n)
        rule = REGISTRY.get(rule_id)
        if rule:
            title, meta = rule.title, [el("p", el("b", "公式："), rule.formula, class_="formula"),
                                       el("p", el("b", "来源："), ORIGINS.get(rule.origin, rule.origin), class_="origin")]
        else:
            title, meta = INPUT_TITLES.get(rule_id, "输入检查 (input check)"), [
                el("p", el("b", "来源："), INPUT_ORIGIN, class_="origin")]
        worst = min((f.status for f in items), key=_STATUS_RANK.__getitem__)
        sections.append(el(
            "section",
            el("h3", el("span", rule_id, class_="rule-id"), " ", title, " ", el("span", tally, class_="tally")),
            *meta,
            el("ul", join(_instance(report, f) for f in items)),
            class_=classes("rule", "rule-" + worst.replace("_", "-")),
            data_rule=rule_id,
        ))
    everything = [f for fs in groups.values() for f in fs]
    c = _counts(everything)
    summary = el("p", f"共 {len(everything)} 项结果：未通过 {c['error'] + c['warning'] + c['note']}"
                      f"（错误 {c['error']}、警告 {c['warning']}、提示 {c['note']}），"
                      f"无法判断 {c['not_assessable']}，通过 {c['pass']}。"
                      "“无法判断”表示所需数值未填报或不适用。", class_="summary")
    body = join(sections) if sections else el("p", "没有核验结果。")
    return str(el("section", el("h2", PANEL_TITLE), summary, body,
                  class_="xxgk review-panel", id="review", lang="zh-CN"))

