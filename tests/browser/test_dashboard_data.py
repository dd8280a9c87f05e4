"""The dashboard of a large batch in Debian's Chromium: beyond ``dashboard_data.ROWS_IN_PAGE``
reports the page carries its rows as data and its script lays them out.

Two things are checked: the rows the script builds are the rows a small page holds, cell for cell,
in every view and every order; and a national year, 150,000 reports from a synthetic manifest,
opens, sorts, filters and pages offline without freezing the page (Playwright's own time limit
on every step is the bound; the times are printed, for the README, not asserted).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from browser_support import in_thread, launch, skip_module_without_browser
from xxgk import dashboard, dashboard_data
from xxgk import manifest as mf

skip_module_without_browser()

R8 = {"rule": "R8", "title": "结转链断开", "severity": "warning", "count": 2,
      "messages": ["表三 第七行 与上年 不一致", "另一处"], "across_years": 2, "across_messages": ["表三 第七行 与上年 不一致"]}
R10_HERE = {"rule": "R10", "title": "本年数据与上年公开数据一致", "severity": "warning", "count": 1,
            "messages": ["本年之内"], "across_years": 0, "across_messages": []}
R2 = {"rule": "R2", "title": "总计等于各项之和", "severity": "error", "count": 3, "messages": ["a", "b"]}
R2_OTHER_TITLE = {**R2, "title": "总计 = 各项之和 <b>", "count": 1, "messages": ["c & d"]}
OLD_R9 = {"rule": "R9", "title": "上年结转", "severity": "warning", "count": 1, "messages": ["旧清单"]}  # no across_*


def outputs(year: int, township: str, *, published: tuple[str, ...] = (), odd: bool = False) -> dict:
    review = {"html": {"path": f"{year}/{township}.html", "bytes": 1},
              "ipynb": {"path": f"{year}/{township}.ipynb", "bytes": 1}}
    if odd:  # a path not where the kit puts it: carried as the path itself
        review["html"] = {"path": f"{year}/其他/{township} #1.html", "bytes": 1}
    copies = {mf.REVIEW: {"outputs": review}}
    if published:
        copies[mf.PUBLISHED] = {"outputs": {name: {"path": f"{year}/published/{township}.{name}", "bytes": 1}
                                            for name in ("html", *published)}}
    return copies


def varied_entries() -> list[dict]:
    """Every kind of row the views print: each status, blank and "/" figures, failed checks of
    cross-year rules (with and without a part across years, and from an older manifest without
    it), a rule under two titles, published copies with PDF and Word files, a file not at its usual
    path, a failed notebook's file, an error message, and townships missing a year."""
    statuses = (mf.OK, mf.WARNINGS, mf.FAILED, mf.INPUT_ERRORS)
    entries = []
    for year in (2019, 2020, 2021):
        for i in range(23):
            township = f"示例镇{i:02d}" if i % 5 else f"街道 {i} <&>"
            if (i + year) % 7 == 0:
                continue  # a year missing: a gap in the township view
            status = statuses[(i * 3 + year) % 4]
            checks = []
            if year > 2019 and i % 3 == 0:
                checks.append(R8)
            if i % 4 == 1:
                checks.append(R10_HERE)
            if status == mf.FAILED:
                checks.append(R2 if i % 2 else R2_OTHER_TITLE)
            if i == 11:
                checks.append(OLD_R9)
            figures = {"new_applications": str((i * 37 + year) % 50), "granted": "" if i % 6 == 0 else str(i),
                       "granted_share": f"{(i * 13) % 100}.5%", "carried_out": "/" if i % 9 == 0 else str(i % 4),
                       "reviews": str(i % 3), "lawsuits": "" if i % 4 == 0 else str(i % 2)}
            e = {"township": township, "year": year, "status": status, "version": "2021" if year > 2020 else "2019",
                 "error": "笔记本运行失败：ZeroDivisionError" if status == mf.FAILED else None,
                 "counts": {"errors": i % 2, "failed": len(checks), "notes": i % 3, "missing": (i * 7) % 11},
                 "failed_checks": checks, "figures": figures}
            if status == mf.INPUT_ERRORS:
                e["error"] = "输入错误 2 项；第一项：data/x.csv 第 3 行"
            elif status == mf.FAILED:
                e["outputs"] = {"ipynb": {"path": f"{year}/{township}.ipynb", "bytes": 1}}
            else:
                e["copies"] = outputs(year, township, published=(("pdf",), ("docx",), ("pdf", "docx"), ())[i % 4],
                                      odd=i == 7)
            entries.append(e)
    return entries


ROWS = """t => Array.from(document.querySelectorAll('#' + t + ' tbody tr')).map(r => r.outerHTML)"""


def _views(page) -> dict[str, list[str]]:
    """Every row of both tables (all on one page), in several orders and filters, and every rule's rows."""
    out: dict[str, list[str]] = {}
    for prefix, table in (("", "reports-table"), ("townships-", "townships-table")):
        page.select_option(f"#{prefix}page-size", "0")
        out[table] = page.evaluate(ROWS, table)
        heads = page.evaluate(f"Array.from(document.querySelectorAll('#{table} thead th[data-type]')).length")
        for h in range(heads):
            for direction in ("asc", "desc"):
                page.locator(f"#{table} thead th[data-type]").nth(h).click()
                out[f"{table} sorted by {h} {direction}"] = page.evaluate(ROWS, table)
        for words in ("R8", "r2 示例镇1", "<&>", "发布稿", "PDF", "2020", "ZeroDivisionError"):
            page.fill(f"#{prefix}filter", words)
            out[f"{table} filtered {words}"] = page.evaluate(ROWS, table) + [page.inner_text(f"#{prefix}shown")]
        page.fill(f"#{prefix}filter", "")
        for status in mf.STATUSES:
            page.select_option(f"#{prefix}status-filter", status)
            out[f"{table} status {status}"] = page.evaluate(ROWS, table) + [page.inner_text(f"#{prefix}shown")]
        page.select_option(f"#{prefix}status-filter", "")
    for rule in page.evaluate("Array.from(document.querySelectorAll('#rules details.rule')).map(d => d.dataset.rule)"):
        page.locator(f"#rules details.rule[data-rule='{rule}'] summary").click()
        # A large page lists a rule's reports on the details' toggle event, which comes after the click.
        page.wait_for_function("r => document.querySelector(`#rules details.rule[data-rule='${r}'] tbody`).rows.length",
                               arg=rule)
        out[f"rule {rule}"] = page.evaluate(
            "r => document.querySelector(`#rules details.rule[data-rule='${r}']`).outerHTML", rule)
    return out


def test_large_page_rows_are_the_small_page_rows(tmp_path, chromium, monkeypatch):
    entries = varied_entries()
    small = tmp_path / "small.html"
    small.write_text(dashboard.index_html(entries), encoding="utf-8")
    monkeypatch.setattr(dashboard_data, "ROWS_IN_PAGE", 0)
    large = tmp_path / "large.html"
    large.write_text(dashboard.index_html(entries), encoding="utf-8")
    assert 'id="dashboard-data"' in large.read_text(encoding="utf-8")
    assert 'id="dashboard-data"' not in small.read_text(encoding="utf-8")
    assert "<tbody>\n</tbody>" in large.read_text(encoding="utf-8")  # no row in the page itself

    def compare() -> None:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            b = launch(pw, chromium)
            try:
                seen = {}
                for name, path in (("small", small), ("large", large)):
                    context = b.new_context()
                    errors: list[str] = []
                    context.on("weberror", lambda err: errors.append(str(err.error)))
                    page = context.new_page()
                    page.goto(path.as_uri())
                    seen[name] = _views(page)
                    assert errors == [], errors
                    context.close()
                assert len(seen["small"]["reports-table"]) == len(entries)
                assert seen["small"].keys() == seen["large"].keys()
                for view in seen["small"]:
                    assert seen["large"][view] == seen["small"][view], view
            finally:
                b.close()

    in_thread(compare)


NATIONAL = 150_000
YEARS = (2019, 2020, 2021, 2022, 2023, 2024)


def synthetic_manifest(path: Path) -> None:
    """A manifest as ``xxgk batch`` writes it, of 25,000 townships over six years."""
    statuses = (mf.OK, mf.OK, mf.WARNINGS, mf.FAILED, mf.INPUT_ERRORS)
    with path.open("w", encoding="utf-8") as f:
        f.write(f'{{"manifest_version": {mf.MANIFEST_VERSION},\n "reports": {{')
        n = 0
        for year in YEARS:
            for i in range(NATIONAL // len(YEARS)):
                township = f"示例镇{i:05d}"
                status = statuses[(i + year) % 5]
                checks = [R8] if year > 2019 and i % 7 == 0 else []
                if status == mf.FAILED:
                    checks.append(R2)
                e = {"township": township, "year": year, "status": status, "version": "2021" if year > 2020 else "2019",
                     "error": "笔记本运行失败" if status == mf.FAILED else None,
                     "counts": {"errors": 0, "failed": len(checks), "notes": i % 3, "missing": i % 5},
                     "failed_checks": checks,
                     "figures": {"new_applications": str((i * 7919 + year) % 1000), "granted": str(i % 50),
                                 "granted_share": f"{(i % 1000) / 10:.1f}%", "carried_out": str(i % 5),
                                 "reviews": str(i % 3), "lawsuits": "" if i % 97 == 0 else str(i % 4)},
                     "copies": outputs(year, township, published=("pdf",) if i % 2 else ())}
                f.write(("\n" if n == 0 else ",\n") + json.dumps(mf.key(township, year)) + ": "
                        + json.dumps(e, ensure_ascii=False))
                n += 1
        f.write("\n}}\n")


def test_national_year_of_150000_reports(tmp_path, chromium):
    root = tmp_path
    (root / "output").mkdir()
    synthetic_manifest(root / "output" / mf.FILE_NAME)
    manifest = mf.Manifest.load(root / "output" / mf.FILE_NAME)
    assert manifest.problem is None and len(manifest) == NATIONAL
    t = time.perf_counter()
    index, summary = dashboard.write(root, manifest)
    written = time.perf_counter() - t
    size = index.stat().st_size
    print(f"\n150,000 reports: index.html {size / 2**20:.1f} MiB written in {written:.1f} s")
    with summary.open(encoding="utf-8-sig") as f:
        assert sum(1 for _ in f) == NATIONAL + 1
    in_thread(_national_in_browser, chromium, index)


def _national_in_browser(chromium, index: Path) -> None:
    from playwright.sync_api import sync_playwright

    townships = NATIONAL // len(YEARS)
    timings = {}
    with sync_playwright() as pw:
        b = launch(pw, chromium)
        try:
            context = b.new_context()
            requests: list[str] = []
            context.on("request", lambda r: requests.append(r.url))
            p = context.new_page()

            def step(name: str, action) -> None:
                t = time.perf_counter()
                action()
                timings[name] = time.perf_counter() - t

            step("open", lambda: p.goto(index.as_uri()))
            assert p.inner_text("#shown") == f"{NATIONAL} / {NATIONAL}" and p.inner_text("#page-info") == "1 / 750"
            assert p.locator("#reports-table tbody tr").count() == 200
            assert p.inner_text("#townships-shown") == f"{townships} / {townships}"

            head = p.locator("#reports-table thead th", has_text="新收申请")
            step("sort 150,000 reports", head.click)
            first = [int(v) for v in p.evaluate(
                "Array.from(document.querySelectorAll('#reports-table tbody tr')).map(r => r.cells[8].textContent)")]
            assert first == sorted(first) and first[0] == 0, first[:5]
            step("filter reports by text", lambda: (p.fill("#filter", "示例镇0004"), p.wait_for_function(
                "document.getElementById('shown').textContent === '60 / 150000'")))
            p.fill("#filter", "")
            step("filter reports by status", lambda: (p.select_option("#status-filter", mf.FAILED), p.wait_for_function(
                f"document.getElementById('shown').textContent === '{NATIONAL // 5} / {NATIONAL}'")))
            assert set(p.evaluate("Array.from(document.querySelectorAll('#reports-table tbody tr'))"
                                  ".map(r => r.dataset.status)")) == {mf.FAILED}
            p.click("#page-next")
            assert p.inner_text("#page-info") == f"2 / {NATIONAL // 5 // 200}"

            n = int(p.get_attribute("#townships-table th[data-year='2024'][data-figure='new_applications']", "data-col"))
            step("sort 25,000 townships", lambda: p.click("#townships-table th[data-year='2024'][data-figure='new_applications']"))
            column = p.evaluate(f"Array.from(document.querySelectorAll('#townships-table tbody tr')).map(r => r.cells[{n}].textContent)")
            assert [int(v) for v in column] == sorted(int(v) for v in column)
            want = sum(1 for i in range(townships) if i % 7 == 0)
            step("filter townships by rule", lambda: (p.fill("#townships-filter", "R8"), p.wait_for_function(
                f"document.getElementById('townships-shown').textContent === '{want} / {townships}'")))

            step("open a rule", lambda: p.click("#rules details.rule[data-rule='R8'] summary"))
            rows = p.locator("#rules details.rule[data-rule='R8'] tbody tr")
            assert rows.count() == dashboard_data.RULE_ROWS + 1  # and a last row saying how many there are
            assert "R8" in rows.last.inner_text()
            assert requests == [index.as_uri()]  # nothing fetched
        finally:
            b.close()
    print("; ".join(f"{k} {v:.1f} s" for k, v in timings.items()))


@pytest.mark.parametrize("n", [dashboard_data.ROWS_IN_PAGE, dashboard_data.ROWS_IN_PAGE + 1])
def test_rows_become_data_beyond_the_threshold(n):
    entries = [{"township": f"示例镇{i:05d}", "year": 2021, "status": mf.OK, "figures": {}, "counts": {}}
               for i in range(n)]
    page = dashboard.index_html(entries)
    assert ('id="dashboard-data"' in page) == (n > dashboard_data.ROWS_IN_PAGE)
    # Without its script the large page says why its tables are empty, and where the rows are.
    assert ("<noscript>" in page) == (n > dashboard_data.ROWS_IN_PAGE)
