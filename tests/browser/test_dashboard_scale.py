"""The review dashboard with 10,000 reports, sorted, filtered and paged in Debian's Chromium,
offline (moved here from tests/test_dashboard_html.py so that all browser tests skip on one line)."""

from __future__ import annotations

from pathlib import Path

from browser_support import in_thread, launch, skip_module_without_browser
from xxgk import dashboard
from xxgk import manifest as mf

skip_module_without_browser()


def entry(township: str, year: int, status: str, **kw) -> dict:
    e = {"township": township, "year": year, "status": status, "version": "2021", "error": None,
         "counts": {"errors": 0, "failed": 0, "notes": 0, "missing": 0}, "failed_checks": [],
         "figures": {"new_applications": "10", "granted_share": "50.0%", "carried_out": "1", "reviews": "0",
                     "lawsuits": "/"},
         "copies": {"review": {"outputs": {"html": {"path": f"{year}/{township}.html", "bytes": 1},
                                           "ipynb": {"path": f"{year}/{township}.ipynb", "bytes": 1}}}}}
    e.update(kw)
    return e


def test_sort_and_filter_10000_rows_in_the_browser(tmp_path, chromium):
    from playwright.sync_api import sync_playwright

    statuses = (mf.OK, mf.WARNINGS, mf.FAILED, mf.INPUT_ERRORS)
    entries = []
    for i in range(10_000):
        figures = {"new_applications": str((i * 7919) % 1000), "granted_share": f"{(i % 1000) / 10:.1f}%",
                   "carried_out": str(i % 5), "reviews": str(i % 3), "lawsuits": "" if i % 97 == 0 else str(i % 4)}
        entries.append(entry(f"示例镇{i:05d}", 2019 + i % 6, statuses[i % 4], figures=figures))
    path = tmp_path / "index.html"
    path.write_text(dashboard.index_html(entries), encoding="utf-8")

    in_thread(_check_in_browser, sync_playwright, chromium, path)


def _check_in_browser(sync_playwright, chromium, path: Path) -> None:
    with sync_playwright() as pw:
        browser = launch(pw, chromium)
        try:
            context = browser.new_context()
            requests = []
            context.on("request", lambda r: requests.append(r.url))
            p = context.new_page()
            p.goto(path.as_uri())
            # One page of rows in the table at a time; the counter speaks of all of them.
            assert p.locator("#reports-table tbody tr").count() == 200
            assert p.inner_text("#shown") == "10000 / 10000" and p.inner_text("#page-info") == "1 / 50"

            def column(heading: str) -> list[str]:
                n = p.evaluate("h => Array.from(document.querySelectorAll('#reports-table thead th'))"
                               ".findIndex(th => th.textContent.trim() === h)", heading)
                assert n >= 0, heading
                return p.evaluate(f"""Array.from(document.querySelectorAll('#reports-table tbody tr'))
                    .map(r => r.cells[{n}].textContent)""")

            def go(page: str) -> None:
                while p.inner_text("#page-info") != page:
                    p.click("#page-next")

            new_apps = p.locator("#reports-table thead th", has_text="新收申请")
            new_apps.click()
            first = [int(v) for v in column("新收申请")]
            assert first == sorted(first) and first[0] == 0 and new_apps.get_attribute("aria-sort") == "ascending"
            p.click("#page-next")
            second = [int(v) for v in column("新收申请")]
            assert second == sorted(second) and second[0] >= first[-1]
            assert p.inner_text("#page-info") == "2 / 50"
            new_apps.click()
            shown = [int(v) for v in column("新收申请")]
            assert shown == sorted(shown, reverse=True) and shown[0] == 999
            assert new_apps.get_attribute("aria-sort") == "descending" and p.inner_text("#page-info") == "1 / 50"
            p.locator("#reports-table thead th", has_text="予以公开占比").click()
            shares = [float(v.rstrip("%")) for v in column("予以公开占比")]
            assert shares == sorted(shares)  # as numbers: "100.0%" would sort before "9.9%" as text
            p.locator("#reports-table thead th", has_text="行政诉讼").click()
            go("50 / 50")
            blanks = sum(1 for i in range(10_000) if i % 97 == 0)
            assert column("行政诉讼")[-blanks:] == [""] * blanks  # blanks sort last
            p.locator("#reports-table thead th", has_text="乡镇").click()
            p.select_option("#page-size", "100")
            assert p.inner_text("#page-info") == "1 / 100"
            assert column("乡镇")[:3] == ["示例镇00000", "示例镇00001", "示例镇00002"]

            p.fill("#filter", "示例镇0004")
            p.wait_for_function("document.getElementById('shown').textContent === '10 / 10000'")
            assert column("乡镇") == [f"示例镇0004{d}" for d in range(10)]
            p.fill("#filter", "")
            p.select_option("#status-filter", mf.FAILED)
            p.wait_for_function("document.getElementById('shown').textContent === '2500 / 10000'")
            assert set(p.evaluate("Array.from(document.querySelectorAll('#reports-table tbody tr')).map(r => r.dataset.status)")) == {mf.FAILED}
            assert p.inner_text("#page-info") == "1 / 25"
            assert requests == [path.as_uri()]  # the page asked for nothing else
        finally:
            browser.close()




def test_township_view_with_10000_townships(tmp_path, chromium):
    """Two years each: 20,000 reports in the report view and 10,000 rows in the township view."""
    from playwright.sync_api import sync_playwright

    r8 = {"rule": "R8", "title": "结转链断开", "severity": "warning", "count": 1, "messages": ["…"]}
    entries = []
    for year in (2020, 2021):
        for i in range(10_000):
            figures = {"new_applications": str((i * 7919 + year) % 1000), "granted": str(i % 50), "carried_out": str(i % 5),
                       "reviews": str(i % 3), "lawsuits": "" if i % 97 == 0 else str(i % 4)}
            failed = [r8] if year == 2021 and i % 7 == 0 else []
            entries.append(entry(f"示例镇{i:05d}", year, mf.WARNINGS if failed else mf.OK, figures=figures,
                                 failed_checks=failed))
    path = tmp_path / "index.html"
    path.write_text(dashboard.index_html(entries), encoding="utf-8")
    in_thread(_check_townships, sync_playwright, chromium, path)


def _check_townships(sync_playwright, chromium, path: Path) -> None:
    with sync_playwright() as pw:
        b = launch(pw, chromium)
        try:
            context = b.new_context()
            requests = []
            context.on("request", lambda r: requests.append(r.url))
            p = context.new_page()
            p.goto(path.as_uri())
            assert p.locator("#townships-table tbody tr").count() == 200
            assert p.inner_text("#townships-shown") == "10000 / 10000"
            assert p.inner_text("#townships-page-info") == "1 / 50"
            assert p.inner_text("#shown") == "20000 / 20000"

            def column(year: str, figure: str) -> list[str]:
                n = int(p.get_attribute(f"#townships-table th[data-year='{year}'][data-figure='{figure}']", "data-col"))
                return p.evaluate(f"Array.from(document.querySelectorAll('#townships-table tbody tr'))"
                                  f".map(r => r.cells[{n}].textContent)")

            p.click("#townships-table th[data-year='2021'][data-figure='new_applications']")
            first = [int(v) for v in column("2021", "new_applications")]
            assert first == sorted(first) and first[0] == 0
            p.click("#townships-page-next")
            second = [int(v) for v in column("2021", "new_applications")]
            assert second == sorted(second) and second[0] >= first[-1]
            assert p.inner_text("#townships-page-info") == "2 / 50"

            # The pair column sorts by how many cross-year checks failed: R8 first when descending.
            pair = "#townships-table th[data-pair='2020-2021']"
            p.click(pair)
            p.click(pair)
            n = int(p.get_attribute(pair, "data-col"))
            cells = p.evaluate(f"Array.from(document.querySelectorAll('#townships-table tbody tr')).map(r => r.cells[{n}].textContent)")
            assert cells == ["结转链断开 (R8)"] * 200

            p.fill("#townships-filter", "R8")
            want = sum(1 for i in range(10_000) if i % 7 == 0)
            p.wait_for_function(f"document.getElementById('townships-shown').textContent === '{want} / 10000'")
            p.fill("#townships-filter", "示例镇0004")
            p.wait_for_function("document.getElementById('townships-shown').textContent === '10 / 10000'")
            p.fill("#townships-filter", "")
            p.select_option("#townships-status-filter", mf.WARNINGS)
            p.wait_for_function(f"document.getElementById('townships-shown').textContent === '{want} / 10000'")
            assert p.inner_text("#shown") == "20000 / 20000"  # the report view's filters are its own
            assert requests == [path.as_uri()]
        finally:
            b.close()
