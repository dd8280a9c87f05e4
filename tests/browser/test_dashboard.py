"""The review dashboard (output/index.html from `xxgk batch`) in Chromium: it loads from the file
alone, filtering and sorting work by typing and clicking, and a report link opens the report.

The batch runs over the repository's reports, synthetic ones (`xxgk demo-data --with-errors`) and
one file with an input error, so every status shows up.  What each row should say is taken from
output/summary.csv, the same rows written for analysts' tools, not from the page under test.
"""

from __future__ import annotations

import csv

import pytest

from browser_support import SCREENSHOTS, SEED, make_root, run_xxgk, skip_module_without_browser

skip_module_without_browser()

BROKEN = "示例镇错误"  # a synthetic name that cannot be mistaken for a real body


@pytest.fixture(scope="module")
def batch_root(tmp_path_factory, chromium):
    root = make_root(tmp_path_factory.mktemp("batch"))
    run_xxgk("demo-data", "--townships", "4", "--years", "2020-2021", "--seed", "7", "--with-errors", root=root)
    (root / "data" / "2021" / f"{BROKEN}.csv").write_text(
        "table,row,column,value\n三,一、本年新收政府信息公开申请数量,自然人,十二\n", encoding="utf-8")
    # A report without its params file: a failed input check (warnings), so every status shows up.
    (root / "params" / "示例镇001" / "2021.yaml").unlink()
    run_xxgk("batch", "-j", "2", root=root, expect=1)  # 1: a report has input errors
    return root


@pytest.fixture(scope="module")
def summary(batch_root) -> list[dict[str, str]]:
    with (batch_root / "output" / "summary.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len({r["status"] for r in rows}) >= 3, "the batch should give reports of several statuses"
    return rows


@pytest.fixture
def dashboard(visit, batch_root):
    visit.page.goto((batch_root / "output" / "index.html").as_uri(), wait_until="load")
    return visit


def visible_rows(page) -> list[tuple[str, str]]:
    """(township, year) of the report rows a person can see, top to bottom."""
    rows = page.locator("#reports-table tbody tr:visible")
    return [tuple(cells[:2]) for cells in rows.evaluate_all(
        "rs => rs.map(r => [...r.cells].map(c => c.textContent.trim()))")]


def wait_shown(page, shown: int, total: int) -> None:
    page.wait_for_function("t => document.getElementById('shown').textContent.trim() === t",
                           arg=f"{shown} / {total}", timeout=5000)


def key(row: dict[str, str]) -> tuple[str, str]:
    return row["township"], row["year"]


def test_loads_from_the_file_alone(dashboard, batch_root, summary):
    page = dashboard.page
    page.wait_for_load_state("networkidle")
    index = (batch_root / "output" / "index.html").as_uri()
    assert [u for u in dashboard.requests if u != index and not u.startswith("data:")] == []
    assert dashboard.errors == [], "the dashboard's script failed"
    assert visible_rows(page) == [key(r) for r in summary]
    assert page.locator("#shown").text_content().strip() == f"{len(summary)} / {len(summary)}"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "dashboard.png"), full_page=True)


def test_filter_by_typing_and_by_status(dashboard, summary):
    page = dashboard.page
    box = page.locator("#filter")
    box.click()
    box.press_sequentially(SEED[0][:2])  # 红旗, typed key by key
    wait_shown(page, 1, len(summary))
    assert visible_rows(page) == [(SEED[0], str(SEED[1]))]

    box.fill("")
    box.press_sequentially("2021")
    expected = [key(r) for r in summary if r["year"] == "2021"]
    wait_shown(page, len(expected), len(summary))
    assert visible_rows(page) == expected

    box.fill("")
    box.press("Backspace")  # an input event with an empty box: every row again
    wait_shown(page, len(summary), len(summary))
    for status in sorted({r["status"] for r in summary}):
        page.locator("#status-filter").select_option(status)
        expected = [key(r) for r in summary if r["status"] == status]
        wait_shown(page, len(expected), len(summary))
        assert visible_rows(page) == expected, status
    assert (BROKEN, "2021") in [key(r) for r in summary if r["status"] == "input errors"]


def _as_number(text: str) -> float | None:
    try:
        return float(text.rstrip("%"))
    except ValueError:
        return None


def test_sort_by_clicking_a_column_heading(dashboard, summary):
    page = dashboard.page
    heading = page.locator("#reports-table thead").get_by_text("年度", exact=True)
    heading.click()
    assert visible_rows(page) == [key(r) for r in sorted(summary, key=lambda r: int(r["year"]))]
    heading.click()
    assert visible_rows(page) == [key(r) for r in sorted(summary, key=lambda r: -int(r["year"]))]

    # A figure column: numbers in order, reports without the figure last, either way.
    page.locator("#reports-table thead").get_by_text("新收申请", exact=True).click()
    numbered = [r for r in summary if _as_number(r["new_applications"]) is not None]
    blank = [r for r in summary if _as_number(r["new_applications"]) is None]
    assert blank, "the report with input errors has no figures"
    up = sorted(numbered, key=lambda r: _as_number(r["new_applications"])) + blank
    assert visible_rows(page) == [key(r) for r in up]
    page.locator("#reports-table thead").get_by_text("新收申请", exact=True).click()
    down = sorted(numbered, key=lambda r: -_as_number(r["new_applications"])) + blank
    assert visible_rows(page) == [key(r) for r in down]


def test_a_report_link_opens_the_report(dashboard, batch_root):
    page = dashboard.page
    row = page.locator("#reports-table tbody tr", has_text=SEED[0])
    with page.expect_navigation():
        row.get_by_role("link", name="HTML").click()
    assert page.url == (batch_root / "output" / str(SEED[1]) / f"{SEED[0]}.html").as_uri()
    assert page.locator("h1").first.text_content().strip() == f"{SEED[0]}{SEED[1]}年政府信息公开年度报告"
    assert page.eval_on_selector_all("table[data-table]", "ts => ts.map(t => t.dataset.table)") == ["二", "三", "四"]
    assert all(u.startswith("file://") or u.startswith("data:") for u in dashboard.requests), dashboard.requests


def test_filter_by_rule_id_finds_the_reports_failing_it(dashboard, batch_root):
    # Which reports have missing data, M-BLANK (the seed's blank 规章 figures), is read from the manifest.
    import json

    manifest = json.loads((batch_root / "output" / "manifest.json").read_text(encoding="utf-8"))
    failing = sorted((e["township"], str(e["year"])) for e in manifest["reports"].values()
                     if any(c["rule"] == "M-BLANK" for c in e.get("failed_checks") or []))
    assert (SEED[0], str(SEED[1])) in failing
    page = dashboard.page
    page.locator("#filter").fill("m-blank")
    wait_shown(page, len(failing), len(manifest["reports"]))
    assert sorted(visible_rows(page)) == failing


# --- the township view ---------------------------------------------------------------------------


def visible_townships(page) -> list[str]:
    return page.locator("#townships-table tbody tr:visible").evaluate_all(
        "rs => rs.map(r => r.cells[0].textContent.trim())")


def by_township(summary) -> dict[str, dict[str, dict[str, str]]]:
    out: dict[str, dict[str, dict[str, str]]] = {}
    for r in summary:
        out.setdefault(r["township"], {})[r["year"]] = r
    return out


def test_township_view_sorts_filters_and_links(dashboard, batch_root, summary):
    page = dashboard.page
    townships = by_township(summary)
    total = len(townships)
    page.locator("nav").get_by_role("link", name="按乡镇").click()
    assert page.locator("#townships-shown").text_content().strip() == f"{total} / {total}"
    assert visible_townships(page) == sorted(townships)

    # Sort by a figure of one year: townships without that year's figure last, either way.
    heading = page.locator("#townships-table thead th[data-year='2021'][data-figure='new_applications']")
    heading.click()
    def figure(t: str) -> float | None:
        return _as_number(townships[t].get("2021", {}).get("new_applications", ""))

    numbered = sorted((t for t in sorted(townships) if figure(t) is not None), key=figure)  # ties keep the name order
    assert visible_townships(page)[:len(numbered)] == numbered
    assert set(visible_townships(page)[len(numbered):]) == set(townships) - set(numbered)
    heading.click()
    assert heading.get_attribute("aria-sort") == "descending"
    shown = visible_townships(page)
    assert [figure(t) for t in shown[:len(numbered)]] == sorted((figure(t) for t in numbered), reverse=True)
    assert set(shown[len(numbered):]) == set(townships) - set(numbered)

    # Filter by typing, and by a status any of the township's years has.
    box = page.locator("#townships-filter")
    box.click()
    box.press_sequentially(SEED[0][:2])
    page.wait_for_function("() => document.getElementById('townships-shown').textContent.trim() === '1 / " + str(total) + "'")
    assert visible_townships(page) == [SEED[0]]
    box.fill("")
    box.press("Backspace")
    page.locator("#townships-status-filter").select_option("input errors")
    failing = {t for t, years in townships.items() if any(r["status"] == "input errors" for r in years.values())}
    page.wait_for_function("n => document.getElementById('townships-shown').textContent.trim().startsWith(n + ' /')",
                           arg=str(len(failing)))
    assert set(visible_townships(page)) == failing and BROKEN in failing
    # The report view's own filter did not move.
    assert page.locator("#shown").text_content().strip() == f"{len(summary)} / {len(summary)}"

    # A year's status links to that year's report.
    page.locator("#townships-status-filter").select_option("")
    row = page.locator("#townships-table tbody tr", has_text=SEED[0])
    with page.expect_navigation():
        row.locator(f"td.status a[href*='{SEED[1]}/']").click()
    assert page.url == (batch_root / "output" / str(SEED[1]) / f"{SEED[0]}.html").as_uri()
    assert page.locator("#trend").count() == 1  # the review copy, with its trend panel
