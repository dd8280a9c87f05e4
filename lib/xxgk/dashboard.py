"""The review dashboard (``output/index.html``) and ``output/summary.csv``, drawn from the manifest.

One row per township-year: status, failed-rule count, the key figures and links to the page and
the executed notebook; a second view groups the failed checks by rule.  The page is one file:
its CSS and script are inline (``assets/dashboard.*``), it loads nothing, and sorting and
filtering happen in the browser.  The rows are real table rows, so the page also reads without
the script (and parses as plain HTML).
"""

from __future__ import annotations

import csv
import io
from importlib import resources
from pathlib import Path
from typing import Any, Collection, Iterable, Iterator, TextIO
from urllib.parse import quote

from markupsafe import escape

from . import __version__, spec
from . import manifest as mf
from .atomic import write_streamed

INDEX_NAME = "index.html"
SUMMARY_NAME = "summary.csv"

#: Status keys (as in the manifest) → what the page prints.
STATUS_TEXT = {
    mf.OK: "通过 ok",
    mf.WARNINGS: "有警告 warnings",
    mf.FAILED: "失败 failed",
    mf.INPUT_ERRORS: "输入错误 input errors",
}
#: Sorting by status puts the reports that need attention first.
STATUS_RANK = {mf.INPUT_ERRORS: 0, mf.FAILED: 1, mf.WARNINGS: 2, mf.OK: 3}

#: The key figures: manifest name, column heading, what it is (the heading's tooltip).
FIGURES = (
    ("new_applications", "新收申请", f"表三 {spec.NEW} · {spec.TOTAL}"),
    ("granted_share", "予以公开占比", f"表三 {spec.GRANTED} ÷ {spec.RESULTS_TOTAL}（{spec.TOTAL}列）"),
    ("carried_out", "结转下年度", f"表三 {spec.CARRIED_OUT} · {spec.TOTAL}"),
    ("reviews", spec.REVIEW, f"表四 {spec.REVIEW} · {spec.TOTAL}"),
    ("lawsuits", spec.LITIGATION, f"表四 {spec.SUED_DIRECTLY} + {spec.SUED_AFTER_REVIEW} · {spec.TOTAL}"),
)

#: summary.csv columns, in order (the dashboard's rows, for analysts' own tools).
CSV_COLUMNS = ("township", "year", "format", "status", "failed_rules", "errors", "warnings",
               *(name for name, _, _ in FIGURES), "html", "notebook", "error")


def _asset(name: str) -> str:
    return resources.files("xxgk").joinpath("assets", name).read_text(encoding="utf-8")


def _link(entry: dict[str, Any], name: str) -> str | None:
    out = (entry.get("outputs") or {}).get(name)
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
        "failed_rules": counts.get("failed_rules", 0),
        "errors": counts.get("errors", 0),
        "warnings": counts.get("warnings", 0),
        "html": _link(e, "html") or "",
        "notebook": _link(e, "ipynb") or "",
        "error": e.get("error") or "",
        # Not a column: what the text filter also matches, so typing R1 finds the reports failing R1.
        "checks": " ".join(f'{c.get("rule", "")} {c.get("title", "")}' for c in e.get("failed_checks") or []),
    }
    for name, _, _ in FIGURES:
        row[name] = figures.get(name, "")
    return row


def rows(entries: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [row_of(e) for e in entries]


def write_summary_csv(f: TextIO, entries: Iterable[dict[str, Any]]) -> None:
    # With a BOM: Excel on a Chinese Windows otherwise reads UTF-8 as the local code page.
    f.write("\ufeff")
    writer = csv.writer(f, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for e in entries:
        row = row_of(e)
        writer.writerow([row[c] for c in CSV_COLUMNS])


def summary_csv(entries: Iterable[dict[str, Any]]) -> str:
    buf = io.StringIO()
    write_summary_csv(buf, entries)
    return buf.getvalue()


def _href(path: str) -> str:
    return quote(path, safe="/")


def _report_row(row: dict[str, Any]) -> str:
    status = row["status"]
    links = []
    if row["html"]:
        links.append(f'<a href="{escape(_href(row["html"]))}">HTML</a>')
    if row["notebook"]:
        links.append(f'<a href="{escape(_href(row["notebook"]))}">ipynb</a>')
    cells = [
        f'<td>{escape(row["township"])}</td>',
        f'<td class="num">{escape(row["year"])}</td>',
        f'<td class="num">{escape(row["format"])}</td>',
        f'<td class="status" data-sort="{STATUS_RANK.get(status, 9)}"><span class="badge {escape(status.replace(" ", "-"))}">'
        f'{escape(STATUS_TEXT.get(status, status))}</span></td>',
        f'<td class="num">{escape(row["failed_rules"])}</td>',
    ]
    for name, _, _ in FIGURES:
        value = row[name]
        cells.append(f'<td class="num" data-sort="{escape(_sort_number(value))}">{escape(value)}</td>')
    cells.append(f'<td class="links">{" ".join(links)}</td>')
    error = row["error"]
    cells.append(f'<td class="error">{escape(error)}</td>')
    return f'<tr data-status="{escape(status)}" data-checks="{escape(row["checks"])}">{"".join(cells)}</tr>'


_HEADINGS = (
    ("乡镇", "text", "township"), ("年度", "num", "reporting year"), ("格式", "num", "format version"),
    ("状态", "num", "status: input errors, failed, warnings, ok"), ("未通过规则", "num", "number of rules with a failed check"),
    *((heading, "num", title) for _, heading, title in FIGURES),
    ("文件", "none", "the report page and its executed notebook"), ("问题", "text", "why the report failed"),
)


def _rules_view(entries: Iterable[dict[str, Any]]) -> str:
    """Failed checks grouped by rule: which rule fails where."""
    groups: dict[str, dict[str, Any]] = {}
    for e in entries:
        for check in e.get("failed_checks") or []:
            g = groups.setdefault(check["rule"], {"title": check.get("title", ""), "is_rule": check.get("is_rule", False),
                                                  "severity": check.get("severity", ""), "reports": []})
            # Only what the view prints: not the whole entry (there may be thousands).
            g["reports"].append(((e.get("township", ""), e.get("year", ""), _link(e, "html") or _link(e, "ipynb")), check))
    if not groups:
        return '<p class="empty">没有未通过的检查。No failed checks.</p>'

    # Consistency rules first (R1, R2, … R10 in number order), then the input problems by code.
    def order(rule: str) -> tuple:
        g = groups[rule]
        num = "".join(ch for ch in rule if ch.isdigit())
        return (not g["is_rule"], rule.rstrip("0123456789"), int(num) if num else 0, rule)

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
                msgs += f'<li class="more">… {more} more</li>'
            items.append(f'<tr data-rule="{escape(rule)}"><td>{label}</td><td class="num">{escape(check.get("count", 0))}</td>'
                         f'<td><ul>{msgs}</ul></td></tr>')
        title = f" · {escape(g['title'])}" if g["title"] else ""
        parts.append(
            f'<details class="rule" data-rule="{escape(rule)}"><summary><span class="rule-id">{escape(rule)}</span>{title}'
            f' <span class="rule-count">{len(g["reports"])} 份报告 reports · {escape(g["severity"])}</span></summary>'
            f'<table class="rule-reports"><thead><tr><th>报告</th><th>次数</th><th>说明</th></tr></thead>'
            f'<tbody>{"".join(items)}</tbody></table></details>')
    return "\n".join(parts)


def index_pieces(entries: Collection[dict[str, Any]]) -> Iterator[str]:
    """The page in pieces (head, one per row, tail), for writing without holding it whole."""
    counts = {s: sum(1 for e in entries if e.get("status") == s) for s in mf.STATUSES}
    summary = " · ".join(f'<span class="badge {s.replace(" ", "-")}">{escape(STATUS_TEXT[s])}</span> {counts[s]}'
                         for s in mf.STATUSES)
    heads = "".join(f'<th scope="col" data-type="{kind}" title="{escape(title)}">{escape(text)}</th>'
                    for text, kind, title in _HEADINGS)
    options = "".join(f'<option value="{escape(s)}">{escape(STATUS_TEXT[s])}</option>' for s in mf.STATUSES)
    yield f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="xxgk {escape(__version__)}">
<title>政府信息公开工作年度报告 · 审阅总览</title>
<script>document.documentElement.classList.add("js")</script>
<style>
{_asset("dashboard.css")}
</style>
</head>
<body>
<header>
<h1>政府信息公开工作年度报告 · 审阅总览</h1>
<p class="totals">{len(entries)} 份报告 reports: {summary}</p>
<nav><a href="#reports">按报告 By report</a> <a href="#rules">按规则 By rule</a></nav>
</header>
<main>
<section id="reports">
<h2>按报告 By report</h2>
<div class="controls">
<label>筛选 Filter <input type="search" id="filter" placeholder="乡镇、年度、规则…" autocomplete="off"></label>
<label>状态 Status <select id="status-filter"><option value="">全部 all</option>{options}</select></label>
<span id="shown" aria-live="polite">{len(entries)} / {len(entries)}</span>
<span id="pager" hidden><button type="button" id="page-prev">上一页</button> <span id="page-info"></span>
<button type="button" id="page-next">下一页</button>
<label>每页 <select id="page-size"><option>100</option><option selected>200</option><option>500</option><option>1000</option><option value="0">全部 all</option></select></label></span>
</div>
<table id="reports-table">
<thead><tr>{heads}</tr></thead>
<tbody>
"""
    for e in entries:
        yield _report_row(row_of(e)) + "\n"
    yield f"""</tbody>
</table>
</section>
<section id="rules">
<h2>按规则 By rule: 未通过的检查 failed checks</h2>
{_rules_view(entries)}
</section>
</main>
<script>
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


__all__ = ["CSV_COLUMNS", "FIGURES", "index_html", "index_pieces", "row_of", "rows", "summary_csv", "write"]
