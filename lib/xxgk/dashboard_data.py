"""The dashboard of a large batch: its rows as data, laid out a page at a time by the page's script.

Up to :data:`ROWS_IN_PAGE` reports the dashboard's tables hold real rows (the page reads, and
parses, without its script).  Beyond, a national year of 150,000 reports would make a page of
nearly 200 MB that a browser takes minutes to open: the rows (and the township view's) become one
compact JSON document in the page, and ``assets/dashboard_data.js`` builds the rows of the page in
view from it, the same markup the small page has (the browser tests compare the two).  The rule
view lists each rule's summary, and a rule's reports (at most :data:`RULE_ROWS`) when it is opened.

A report is one array: township, year, format, status, the four counts, the figures
(:data:`FIGURE_NAMES`), its files (a bit each for the usual paths, or the paths), the error and the
failed checks (:func:`_check`).
"""

from __future__ import annotations

import json
from typing import Any, Collection, Iterator

from . import manifest as mf
from .dashboard import (COUNTS, CROSS_YEAR_RULES, FIGURES, NO_RESULT, STATUS_RANK, TOWNSHIP_FIGURES, _link,
                        _status_text)
from .i18n import tr

#: Reports above which the dashboard carries its rows as data (see the module's docstring).
ROWS_IN_PAGE = 5_000
#: Reports a rule lists when opened in a large dashboard; the report view, filtered by the rule's
#: id, has them all.
RULE_ROWS = 1_000

#: Every figure any view shows, in the order a report's array gives them.
FIGURE_NAMES = tuple(dict.fromkeys([name for name, _, _ in FIGURES] + [name for name, _, _ in TOWNSHIP_FIGURES]))


def _files_linked() -> tuple[tuple[str, str, str], ...]:
    """The files a report may link, in the order its row links them, with the usual path of each:
    the review page and notebook, the published page, then each format's file beside it (PDF, Word:
    :mod:`xxgk.writers`).  Bit ``1 << i`` of a report's files stands for the ``i``-th at its usual path."""
    from . import writers

    return (("html", mf.REVIEW, "{y}/{t}.html"), ("ipynb", mf.REVIEW, "{y}/{t}.ipynb"),
            ("html", mf.PUBLISHED, "{y}/published/{t}.html"),
            *((name, mf.PUBLISHED, "{y}/published/{t}" + writers.get(name).suffix) for name in writers.file_formats()))


def large(entries: Collection[Any]) -> bool:
    return len(entries) > ROWS_IN_PAGE


def _files(e: dict[str, Any], township: str, year: Any, linked: tuple[tuple[str, str, str], ...]) -> int | list[str]:
    """A bit per file at its usual path; the paths themselves (empty where none) otherwise."""
    paths = [_link(e, name, copy) or "" for name, copy, _ in linked]
    bits = 0
    for i, (path, (_, _, usual)) in enumerate(zip(paths, linked)):
        if path and path != usual.format(y=year, t=township):
            return paths
        bits |= 1 << i if path else 0
    return bits


def _check(c: dict[str, Any], titles: dict[str, str]) -> list[Any]:
    """``[rule, count, messages]``; then ``across_years``, ``across_messages`` (null: not recorded, an
    older manifest) unless they are 0 and none; then the title where it is not the rule's first."""
    rule = c.get("rule", "")
    out: list[Any] = [rule, c.get("count", 0), list(c.get("messages") or [])]
    across = [c["across_years"] if "across_years" in c else None,
              list(c["across_messages"] or []) if "across_messages" in c else None]
    title = c.get("title", "")
    titles.setdefault(rule, title)
    if title != titles[rule]:
        out += [*across, title]
    elif across != [0, []]:
        out += across
    return out


def record(e: dict[str, Any], titles: dict[str, str], linked: tuple[tuple[str, str, str], ...]) -> list[Any]:
    counts = e.get("counts") or {}
    figures = e.get("figures") or {}
    township, year = e.get("township", ""), e.get("year", "")
    return [township, year, e.get("version") or "", e.get("status", ""),
            *(counts.get(name, 0) for name, _, _ in COUNTS),
            [str(figures.get(name, "")) for name in FIGURE_NAMES],
            _files(e, township, year, linked), e.get("error") or "",
            [_check(c, titles) for c in e.get("failed_checks") or []]]


def _json(value: Any) -> str:
    # Inside <script>: "</" would end the element; JSON allows "\/" for "/".
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


def script(entries: Collection[dict[str, Any]], years: list[int], pairs: set[int]) -> Iterator[str]:
    """``<script type="application/json" id="dashboard-data">`` with every row, in pieces."""
    titles: dict[str, str] = {}
    linked = _files_linked()
    by_township: dict[str, dict[int, int]] = {}
    yield '<script type="application/json" id="dashboard-data">{"reports":[\n'
    for i, e in enumerate(entries):
        if i:
            yield ",\n"
        yield _json(record(e, titles, linked))
        if isinstance(e.get("year"), int):
            by_township.setdefault(str(e.get("township", "")), {})[e["year"]] = i
    townships = [[name, [reports.get(y, -1) for y in years]] for name, reports in sorted(by_township.items())]
    meta = {
        "years": years, "pairs": sorted(pairs), "townships": townships,
        "figures": {"reports": [FIGURE_NAMES.index(n) for n, _, _ in FIGURES],
                    "townships": [FIGURE_NAMES.index(n) for n, _, _ in TOWNSHIP_FIGURES]},
        "statuses": {s: [_status_text(s), STATUS_RANK.get(s, 9)] for s in mf.STATUSES},
        "files": {"usual": [usual for _, _, usual in linked],
                  "text": ["HTML", "ipynb", tr("发布稿", "published"), *(name.upper() for name, _, _ in linked[3:])]},
        "titles": titles, "crossRules": list(CROSS_YEAR_RULES), "ruleRows": RULE_ROWS,
        "text": {"none": NO_RESULT, "sep": tr("；", "; "),
                 "more": tr("… 另有 {n} 处", "… {n} more", n="{n}"),
                 "capped": tr("仅列出前 {shown} 份，共 {n} 份；在“按报告”中筛选 {rule} 可见全部",
                              "the first {shown} of {n} reports; filter the report view by {rule} to see them all",
                              shown="{shown}", n="{n}", rule="{rule}")},
    }
    yield "\n]," + _json(meta)[1:] + "</script>\n"
