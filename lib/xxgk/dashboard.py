"""The review dashboard (``output/index.html``) and ``output/summary.csv``, drawn from the manifest.

One row per township-year: status, the counts the report's own banner prints (input errors, failed
checks, notes, missing figures: :func:`xxgk.findings.tally`), the key figures and links to the page
and the executed notebook; a second view has one row per township, its years side by side (each
year's status and key figures, linked to its report, and between two years the cross-year checks
that failed); a third groups the failed checks by rule.  The page is one file:
its CSS and script are inline (``assets/dashboard.*``), it loads nothing, and sorting and
filtering happen in the browser.  The rows are real table rows, so the page also reads without
the script (and parses as plain HTML); a large batch's are data the script lays out a page at a
time (:mod:`xxgk.dashboard_data`).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Collection, Iterable, Iterator, TextIO
from urllib.parse import quote

from markupsafe import escape

from . import __version__, spec, writers
from . import manifest as mf
from .atomic import write_streamed
from .i18n import T, html_lang, tr

INDEX_NAME = "index.html"
SUMMARY_NAME = "summary.csv"

#: Status keys (as in the manifest) → what the page prints.
STATUS_TEXT = {
    mf.OK: T("通过", "ok"),
    mf.WARNINGS: T("有警告", "warnings"),
    mf.FAILED: T("失败", "failed"),
    mf.INPUT_ERRORS: T("输入错误", "input errors"),
}


def _status_text(status: str) -> str:
    text = STATUS_TEXT.get(status)
    return text.render() if text else status


#: The counts of :class:`xxgk.findings.Tally` shown as columns: manifest name, heading, tooltip.
COUNTS = (
    ("errors", T("输入错误", "errors"), T("输入错误的项数", "input errors")),
    ("failed", T("未通过", "failed"), T("未通过的检查项数（勾稽关系、输入警告），与报告横幅一致",
                                        "failed checks (consistency rules, input warnings), as the report's banner counts them")),
    ("notes", T("提示", "notes"), T("合理性提示和标签写法提示的项数", "plausibility and label notes")),
    ("missing", T("未填报", "missing"), T("未填报（空白）的数值个数", "blank figures (missing data)")),
)
#: Sorting by status puts the reports that need attention first.
STATUS_RANK = {mf.INPUT_ERRORS: 0, mf.FAILED: 1, mf.WARNINGS: 2, mf.OK: 3}

#: Every key figure a view shows: manifest name → (manifest name, column heading, what it is: the
#: heading's tooltip).
_FIGURE = {f[0]: f for f in (
    ("new_applications", "新收申请", f"表三 {spec.NEW} · {spec.TOTAL}"),
    ("granted", "予以公开", f"表三 {spec.GRANTED} · {spec.TOTAL}"),
    ("granted_share", "予以公开占比", f"表三 {spec.GRANTED} ÷ {spec.RESULTS_TOTAL}（{spec.TOTAL}列）"),
    ("carried_out", "结转下年度", f"表三 {spec.CARRIED_OUT} · {spec.TOTAL}"),
    ("reviews", spec.REVIEW, f"表四 {spec.REVIEW} · {spec.TOTAL}"),
    ("lawsuits", spec.LITIGATION, f"表四 {spec.SUED_DIRECTLY} + {spec.SUED_AFTER_REVIEW} · {spec.TOTAL}"),
)}
#: The report view's key figures.
FIGURES = tuple(_FIGURE[n] for n in ("new_applications", "granted_share", "carried_out", "reviews", "lawsuits"))
#: The township view's figures for each year.
TOWNSHIP_FIGURES = tuple(_FIGURE[n] for n in ("new_applications", "granted", "carried_out", "reviews", "lawsuits"))
#: The rules that compare a year with the year before; a report's entry lists them among its
#: failed checks like any other, so the later year of a pair says how the pair fared.
CROSS_YEAR_RULES = ("R8", "R9", "R10")
NO_RESULT = "—"

#: summary.csv columns, in order (the dashboard's rows, for analysts' own tools).
CSV_COLUMNS = ("township", "year", "format", "status", *(name for name, _, _ in COUNTS), "not_assessable", "passed",
               *(name for name, _, _ in FIGURES), "html", "notebook", "published_html", *writers.file_formats(), "error")


def _asset(name: str) -> str:
    return resources.files("xxgk").joinpath("assets", name).read_text(encoding="utf-8")


def _link(entry: dict[str, Any], name: str, copy: str = mf.REVIEW) -> str | None:
    """A file of one copy of the report (the review copy by default); a failed run's notebook."""
    made = (entry.get("copies") or {}).get(copy) or {}
    out = (made.get("outputs") or {}).get(name)
    if out is None and copy == mf.REVIEW and name == "ipynb":
        out = (entry.get("outputs") or {}).get(name)  # the failed notebook, kept for inspection
    return out.get("path") if isinstance(out, dict) else None


def _sort_number(text: str) -> str:
    """A figure as a number for sorting ('37.5%' → 37.5); blank and '/' sort last."""
    t = (text or "").rstrip("%")
    try:
        float(t)
    except ValueError:
        return ""
    return t


def row_of(e: dict[str, Any]) -> dict[str, Any]:
    """A dashboard row (also a summary.csv line) as plain values."""
    counts = e.get("counts") or {}
    figures = e.get("figures") or {}
    row = {
        "township": e.get("township", ""),
        "year": e.get("year", ""),
        "format": e.get("version") or "",
        "status": e.get("status", ""),
        **{name: counts.get(name, 0) for name in ("errors", "failed", "notes", "missing", "not_assessable", "passed")},
        "html": _link(e, "html") or "",
        "notebook": _link(e, "ipynb") or "",
        "published_html": _link(e, "html", mf.PUBLISHED) or "",
        **{name: _link(e, name, mf.PUBLISHED) or "" for name in writers.file_formats()},
        "error": e.get("error") or "",
        # Not a column: what the text filter also matches, so typing R1 finds the reports failing R1.
        "checks": " ".join(f'{c.get("rule", "")} {c.get("title", "")}' for c in e.get("failed_checks") or []),
    }
    for name, _, _ in FIGURES:
        row[name] = figures.get(name, "")
    return row


def write_summary_csv(f: TextIO, entries: Iterable[dict[str, Any]]) -> None:
    # With a BOM: Excel on a Chinese Windows otherwise reads UTF-8 as the local code page.
    f.write("\ufeff")
    writer = csv.writer(f, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for e in entries:
        row = row_of(e)
        writer.writerow([row[c] for c in CSV_COLUMNS])


def _href(path: str) -> str:
    return quote(path, safe="/")


def _report_row(row: dict[str, Any]) -> str:
    status = row["status"]
    links = []
    if row["html"]:
        links.append(f'<a href="{escape(_href(row["html"]))}">HTML</a>')
    if row["notebook"]:
        links.append(f'<a href="{escape(_href(row["notebook"]))}">ipynb</a>')
    if row["published_html"]:
        links.append(f'<a href="{escape(_href(row["published_html"]))}" class="published">{escape(tr("发布稿", "published"))}</a>')
    for name in writers.file_formats():  # PDF, Word: beside the published page
        if row[name]:
            links.append(f'<a href="{escape(_href(row[name]))}" class="published">{escape(name.upper())}</a>')
    cells = [
        f'<td>{escape(row["township"])}</td>',
        f'<td class="num">{escape(row["year"])}</td>',
        f'<td class="num">{escape(row["format"])}</td>',
        f'<td class="status" data-sort="{STATUS_RANK.get(status, 9)}"><span class="badge {escape(status.replace(" ", "-"))}">'
        f'{escape(_status_text(status))}</span></td>',
        *(f'<td class="num count-{name}">{escape(row[name])}</td>' for name, _, _ in COUNTS),
    ]
    for name, _, _ in FIGURES:
        value = row[name]
        cells.append(f'<td class="num" data-sort="{escape(_sort_number(value))}">{escape(value)}</td>')
    cells.append(f'<td class="links">{" ".join(links)}</td>')
    error = row["error"]
    cells.append(f'<td class="error">{escape(error)}</td>')
    return f'<tr data-status="{escape(status)}" data-checks="{escape(row["checks"])}">{"".join(cells)}</tr>'


def _headings() -> tuple[tuple[str, str, str], ...]:
    return (
        (tr("乡镇", "township"), "text", tr("乡镇", "township")), (tr("年度", "year"), "num", tr("报告年度", "reporting year")),
        (tr("格式", "format"), "num", tr("格式版本", "format version")),
        (tr("状态", "status"), "num", tr("状态：输入错误、失败、有警告、通过", "status: input errors, failed, warnings, ok")),
        *((heading.render(), "num", title.render()) for _, heading, title in COUNTS),
        *((heading, "num", title) for _, heading, title in FIGURES),
        (tr("文件", "files"), "none", tr("审阅稿页面、已执行的笔记本，以及发布稿和 PDF（如已生成）",
                                          "the review page, its executed notebook, and the published copy and PDF when made")),
        (tr("问题", "problem"), "text", tr("报告失败的原因", "why the report failed")),
    )


_GROUP_ORDER = {"input_error": 0, "input_warning": 1, "rule": 2, "plausibility": 3, "label": 4, "missing": 5}


def _group(check: dict[str, Any]) -> str:
    """The review group of a failed check as the manifest records it (see xxgk.findings.group_of)."""
    severity, category = check.get("severity"), check.get("category", "input")
    if severity == "error":
        return "input_error"
    if category == "input":
        return "input_warning"
    return category


def _severity_text(severity: str) -> str:
    from .catalogue import SEVERITY_TEXT

    text = SEVERITY_TEXT.get(severity)
    return text.render() if text else severity


def _rules_view(entries: Iterable[dict[str, Any]], rows: bool = True) -> str:
    """Failed checks grouped by rule: which rule fails where.  Without ``rows`` (a large dashboard)
    each rule's table is left empty, for the page's script to fill when the rule is opened."""
    groups: dict[str, dict[str, Any]] = {}
    for e in entries:
        for check in e.get("failed_checks") or []:
            g = groups.setdefault(check["rule"], {"title": check.get("title", ""), "group": _group(check),
                                                  "severity": check.get("severity", ""), "reports": [], "n": 0})
            g["n"] += 1
            # Only what the view prints: not the whole entry (there may be thousands).
            if rows:
                g["reports"].append(((e.get("township", ""), e.get("year", ""), _link(e, "html") or _link(e, "ipynb")),
                                     check))
    if not groups:
        return f'<p class="empty">{escape(tr("没有未通过的检查。", "No failed checks."))}</p>'

    # As the reports list them: input errors, failed rules, notes, missing data; within a group,
    # by code (R1, R2, … R10 in number order).
    def order(rule: str) -> tuple:
        g = groups[rule]
        num = "".join(ch for ch in rule if ch.isdigit())
        return (_GROUP_ORDER.get(g["group"], 9), rule.rstrip("0123456789"), int(num) if num else 0, rule)

    parts = []
    for rule in sorted(groups, key=order):
        g = groups[rule]
        items = []
        for (township, year, page), check in g["reports"]:
            name = f'{escape(township)} {escape(year)}'
            label = f'<a href="{escape(_href(page))}">{name}</a>' if page else name
            msgs = "".join(f"<li>{escape(m)}</li>" for m in check.get("messages", []))
            more = check.get("count", 0) - len(check.get("messages", []))
            if more > 0:
                msgs += f'<li class="more">{escape(tr("… 另有 {n} 处", "… {n} more", n=more))}</li>'
            items.append(f'<tr data-rule="{escape(rule)}"><td>{label}</td><td class="num">{escape(check.get("count", 0))}</td>'
                         f'<td><ul>{msgs}</ul></td></tr>')
        title = f" · {escape(g['title'])}" if g["title"] else ""
        parts.append(
            f'<details class="rule" data-rule="{escape(rule)}"><summary><span class="rule-id">{escape(rule)}</span>{title}'
            f' <span class="rule-count">{escape(tr("{n} 份报告", "{n} reports", n=g["n"]))} · '
            f'{escape(_severity_text(g["severity"]))}</span></summary>'
            f'<table class="rule-reports"><thead><tr><th>{escape(tr("报告", "report"))}</th><th>{escape(tr("次数", "count"))}</th>'
            f'<th>{escape(tr("说明", "details"))}</th></tr></thead>'
            f'<tbody>{"".join(items)}</tbody></table></details>')
    return "\n".join(parts)


@dataclass(frozen=True)
class _YearCell:
    """What the township view shows of one report (not the whole entry: there may be thousands)."""

    status: str
    page: str | None
    figures: tuple[str, ...]
    #: (rule, title, count, first messages) of the cross-year rules that failed.
    cross: tuple[tuple[str, str, int, tuple[str, ...]], ...]
    #: Every failed check's id and title, for the text filter.
    checks: str


def _year_cell(e: dict[str, Any]) -> _YearCell:
    figures = e.get("figures") or {}
    failed = e.get("failed_checks") or []
    # Only the comparisons with last year's file (R10 has an in-year part too); an older manifest
    # without ``across_years`` counts every failure of the rule.
    cross = tuple((c.get("rule", ""), c.get("title", ""), int(c.get("across_years", c.get("count")) or 0),
                   tuple(c.get("across_messages", c.get("messages")) or ()))
                  for c in failed if c.get("rule") in CROSS_YEAR_RULES and c.get("across_years", 1))
    return _YearCell(e.get("status", ""), _link(e, "html") or _link(e, "ipynb"),
                     tuple(str(figures.get(name, "")) for name, _, _ in TOWNSHIP_FIGURES), cross,
                     " ".join(f'{c.get("rule", "")} {c.get("title", "")}' for c in failed))


def townships(entries: Iterable[dict[str, Any]]) -> tuple[list[int], dict[str, dict[int, _YearCell]]]:
    """Every year any township has, and each township's reports by year (townships by name)."""
    years: set[int] = set()
    by: dict[str, dict[int, _YearCell]] = {}
    for e in entries:
        year = e.get("year")
        if not isinstance(year, int):
            continue
        years.add(year)
        by.setdefault(str(e.get("township", "")), {})[year] = _year_cell(e)
    return sorted(years), dict(sorted(by.items()))


def _pairs(years: list[int]) -> set[int]:
    """The years whose report is compared with the year before's (both are in the view)."""
    return {y for y in years if y - 1 in years}


def _township_heads(years: list[int]) -> str:
    """Two header rows: a year over its columns, the pair of years between two years' columns.
    Sortable headings say which body column they sort (``data-col``)."""
    pairs = _pairs(years)
    top = [f'<th scope="col" rowspan="2" data-type="text" data-col="0">{escape(tr("乡镇", "township"))}</th>']
    sub = []
    col = 1
    cross_title = tr("跨年度检查（{rules}）：未通过的规则，取自后一年报告的核验结果；— 表示没有未通过的（或无法比较）",
                     "cross-year checks ({rules}): the rules that failed, from the later year's report; "
                     "— when none failed (or the years cannot be compared)", rules=", ".join(CROSS_YEAR_RULES))
    for year in years:
        if year in pairs:
            top.append(f'<th scope="col" rowspan="2" class="pair" data-type="num" data-col="{col}" data-pair="{year - 1}-{year}" '
                       f'title="{escape(cross_title)}">{year - 1}→{year}</th>')
            col += 1
        top.append(f'<th scope="colgroup" colspan="{1 + len(TOWNSHIP_FIGURES)}" class="year">{year}</th>')
        sub.append(f'<th scope="col" data-type="num" data-col="{col}" data-year="{year}" data-figure="status" '
                   f'title="{escape(tr("{y} 年报告的状态（链接到该报告）", "status of the {y} report (links to it)", y=year))}">'
                   f'{escape(tr("状态", "status"))}</th>')
        col += 1
        for name, heading, title in TOWNSHIP_FIGURES:
            sub.append(f'<th scope="col" data-type="num" data-col="{col}" data-year="{year}" data-figure="{name}" '
                       f'title="{escape(f"{year} {title}")}">{escape(heading)}</th>')
            col += 1
    return f'<tr>{"".join(top)}</tr><tr>{"".join(sub)}</tr>'


def _cross_cell(later: _YearCell | None) -> str:
    if later is None:
        return f'<td class="pair" data-sort="">{NO_RESULT}</td>'
    if not later.cross:
        return f'<td class="pair" data-sort="0">{NO_RESULT}</td>'
    shown = tr("；", "; ").join(f"{title} ({rule})" for rule, title, _, _ in later.cross)
    detail = "\n".join(m for *_, messages in later.cross for m in messages)
    count = sum(n for _, _, n, _ in later.cross)
    return f'<td class="pair failed" data-sort="{count}" title="{escape(detail)}">{escape(shown)}</td>'


def _township_row(township: str, reports: dict[int, _YearCell], years: list[int], pairs: set[int]) -> str:
    cells = [f"<td>{escape(township)}</td>"]
    for year in years:
        if year in pairs:
            cells.append(_cross_cell(reports.get(year) if year - 1 in reports else None))
        r = reports.get(year)
        if r is None:
            cells.append('<td class="status absent" data-sort=""></td>')
            cells.extend('<td class="num"></td>' for _ in TOWNSHIP_FIGURES)
            continue
        badge = f'<span class="badge {escape(r.status.replace(" ", "-"))}">{escape(_status_text(r.status))}</span>'
        if r.page:
            badge = f'<a href="{escape(_href(r.page))}" title="{escape(f"{township} {year}")}">{badge}</a>'
        cells.append(f'<td class="status" data-sort="{STATUS_RANK.get(r.status, 9)}">{badge}</td>')
        cells.extend(f'<td class="num" data-sort="{escape(_sort_number(v))}">{escape(v)}</td>' for v in r.figures)
    statuses = "|" + "|".join(dict.fromkeys(r.status for r in reports.values())) + "|"
    checks = " ".join(r.checks for r in reports.values() if r.checks)
    return f'<tr data-status="{escape(statuses)}" data-checks="{escape(checks)}">{"".join(cells)}</tr>'


def _controls(prefix: str, total: int, options: str, placeholder: str) -> str:
    """The filter box, the status filter and the pager of one view (ids start with ``prefix``)."""
    return f"""<div class="controls">
<label>{escape(tr("筛选", "Filter"))} <input type="search" id="{prefix}filter" placeholder="{escape(placeholder)}" autocomplete="off"></label>
<label>{escape(tr("状态", "Status"))} <select id="{prefix}status-filter"><option value="">{escape(tr("全部", "all"))}</option>{options}</select></label>
<span id="{prefix}shown" aria-live="polite">{total} / {total}</span>
<span id="{prefix}pager" hidden><button type="button" id="{prefix}page-prev">{escape(tr("上一页", "previous"))}</button> <span id="{prefix}page-info"></span>
<button type="button" id="{prefix}page-next">{escape(tr("下一页", "next"))}</button>
<label>{escape(tr("每页", "per page"))} <select id="{prefix}page-size"><option>100</option><option selected>200</option><option>500</option><option>1000</option><option value="0">{escape(tr("全部", "all"))}</option></select></label></span>
</div>"""


def _script_only(n: int) -> str:
    text = tr("这里有 {n} 份报告，表格由页面的脚本逐页列出：请允许本页运行 JavaScript，或打开 summary.csv。",
              "{n} reports: the page's script lays the table out a page at a time; allow it JavaScript, or open summary.csv.",
              n=n)
    return f'<noscript><p class="empty">{escape(text)}</p></noscript>\n'


def index_pieces(entries: Collection[dict[str, Any]]) -> Iterator[str]:
    """The page in pieces (head, one per row, tail), for writing without holding it whole.  A large
    batch's rows are data the page's script lays out (:mod:`xxgk.dashboard_data`)."""
    from . import dashboard_data

    large = dashboard_data.large(entries)
    counts = {s: sum(1 for e in entries if e.get("status") == s) for s in mf.STATUSES}
    summary = " · ".join(f'<span class="badge {s.replace(" ", "-")}">{escape(_status_text(s))}</span> {counts[s]}'
                         for s in mf.STATUSES)
    heads = "".join(f'<th scope="col" data-type="{kind}" title="{escape(title)}">{escape(text)}</th>'
                    for text, kind, title in _headings())
    options = "".join(f'<option value="{escape(s)}">{escape(_status_text(s))}</option>' for s in mf.STATUSES)
    title = escape(tr("政府信息公开工作年度报告 · 审阅总览", "政府信息公开工作年度报告 · review dashboard"))
    by_report, by_township, by_rule = (escape(tr("按报告", "By report")), escape(tr("按乡镇", "By township")),
                                       escape(tr("按规则", "By rule")))
    yield f"""<!DOCTYPE html>
<html lang="{html_lang()}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="xxgk {escape(__version__)}">
<title>{title}</title>
<script>document.documentElement.classList.add("js")</script>
<style>
{_asset("dashboard.css")}
</style>
</head>
<body>
<header>
<h1>{title}</h1>
<p class="totals">{escape(tr("{n} 份报告：", "{n} reports: ", n=len(entries)))}{summary}</p>
<nav><a href="#reports">{by_report}</a> <a href="#townships">{by_township}</a> <a href="#rules">{by_rule}</a></nav>
</header>
<main>
<section id="reports">
<h2>{by_report}</h2>
{_controls("", len(entries), options, tr("乡镇、年度、规则…", "township, year, rule…"))}
<table id="reports-table">
<thead><tr>{heads}</tr></thead>
<tbody>
"""
    if large:
        years = sorted({e["year"] for e in entries if isinstance(e.get("year"), int)})
        grouped: dict[str, Any] = {}
        n_townships = len({str(e.get("township", "")) for e in entries if isinstance(e.get("year"), int)})
    else:
        for e in entries:
            yield _report_row(row_of(e)) + "\n"
        years, grouped = townships(entries)
        n_townships = len(grouped)
    pairs = _pairs(years)
    script_only = _script_only(len(entries)) if large else ""
    yield f"""</tbody>
</table>
{script_only}</section>
<section id="townships">
<h2>{by_township}</h2>
{_controls("townships-", n_townships, options, tr("乡镇、年度、规则（如 R8）…", "township, year, rule (e.g. R8)…"))}
<div class="wide">
<table id="townships-table">
<thead>{_township_heads(years)}</thead>
<tbody>
"""
    for township, reports in grouped.items():
        yield _township_row(township, reports, years, pairs) + "\n"
    yield f"""</tbody>
</table>
</div>
{script_only}</section>
<section id="rules">
<h2>{by_rule}{escape(tr("：未通过的检查", ": failed checks"))}</h2>
{_rules_view(entries, rows=not large)}
</section>
</main>
"""
    if large:
        yield from dashboard_data.script(entries, years, pairs)
        yield f"<script>\n{_asset('dashboard_data.js')}\n</script>\n"
    yield f"""<script>
{_asset("dashboard.js")}
</script>
</body>
</html>
"""


def index_html(entries: Collection[dict[str, Any]]) -> str:
    return "".join(index_pieces(entries))


def write(root: Path, manifest: mf.Manifest) -> tuple[Path, Path]:
    """Write ``output/index.html`` and ``output/summary.csv`` (each beside, then renamed)."""
    entries = manifest.entries()
    out = Path(root) / "output"
    index = write_streamed(out / INDEX_NAME, lambda f: f.writelines(index_pieces(entries)))
    summary = write_streamed(out / SUMMARY_NAME, lambda f: write_summary_csv(f, entries))
    return index, summary


__all__ = ["CROSS_YEAR_RULES", "CSV_COLUMNS", "FIGURES", "TOWNSHIP_FIGURES", "index_html", "index_pieces", "row_of",
           "townships", "write"]
