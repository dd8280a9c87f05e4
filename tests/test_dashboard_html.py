"""The review dashboard (output/index.html) and summary.csv, read back as HTML with lxml.

The key figures expected here are computed from the data files with the format's definitions
(new applications = 表三 一 · 总计; share granted = （一）予以公开 ÷ （七）总计 in the 总计 column,
one decimal; carried over = 四 · 总计; 行政复议 = 表四 行政复议 总计; 行政诉讼 = 未经复议直接起诉 总计 +
复议后起诉 总计), not taken from the kit.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from urllib.parse import unquote

import lxml.html
import pytest

from xxgk import dashboard, demo_data
from xxgk import manifest as mf

XXGK = [sys.executable, "-c", "from xxgk.cli import main; main()"]
NEW, GRANTED, RESULTS_TOTAL, CARRIED_OUT = ("一、本年新收政府信息公开申请数量", "（一）予以公开", "（七）总计",
                                            "四、结转下年度继续办理")


def csv_values(path: Path) -> dict[tuple[str, str, str], str]:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))[1:]
    return {(t, r, c): v for t, r, c, v in rows}


def set_value(root: Path, township: str, year: int, key: tuple[str, str, str], value: str) -> None:
    path = root / "data" / str(year) / f"{township}.csv"
    prefix = ",".join(key) + ","
    lines = [prefix + value if line.startswith(prefix) else line
             for line in path.read_text(encoding="utf-8").splitlines()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def batch_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("dash")
    demo_data.write_demo(root, 3, [2020, 2021], seed=4, blanks=False)
    set_value(root, "示例镇002", 2021, ("四", "行政复议", "总计"), "99")  # R6 fails
    set_value(root, "示例镇003", 2020, ("三", NEW, "自然人"), "十二")  # input error
    proc = subprocess.run([*XXGK, "batch", "--root", str(root)], capture_output=True, text=True)
    assert proc.returncode == 1, proc.stderr  # the input error
    return root


def page(root: Path):
    return lxml.html.fromstring((root / "output" / "index.html").read_bytes())


def table_rows(doc) -> dict[tuple[str, int], dict]:
    heads = [th.text_content() for th in doc.xpath('//table[@id="reports-table"]/thead/tr/th')]
    out = {}
    for tr in doc.xpath('//table[@id="reports-table"]/tbody/tr'):
        cells = tr.xpath("./td")
        assert len(cells) == len(heads)
        row = {h: c.text_content().strip() for h, c in zip(heads, cells)}
        row["_status"] = tr.get("data-status")
        row["_links"] = {a.text_content(): a.get("href") for a in tr.xpath(".//a")}
        out[(row["乡镇"], int(row["年度"]))] = row
    return out


def expected_figures(values: dict) -> dict[str, str]:
    total = lambda table, row: values[(table, row, "总计")]  # noqa: E731
    granted, handled = Decimal(total("三", GRANTED)), Decimal(total("三", RESULTS_TOTAL))
    share = "/" if handled == 0 else f"{(granted * 100 / handled).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"
    return {
        "新收申请": total("三", NEW),
        "予以公开占比": share,
        "结转下年度": total("三", CARRIED_OUT),
        "行政复议": total("四", "行政复议"),
        "行政诉讼": str(int(total("四", "未经复议直接起诉")) + int(total("四", "复议后起诉"))),
    }


def test_one_row_per_report_with_status_format_and_key_figures(batch_root):
    rows = table_rows(page(batch_root))
    assert set(rows) == {(f"示例镇00{i}", y) for i in (1, 2, 3) for y in (2020, 2021)}
    for (township, year), row in rows.items():
        assert row["格式"] == ("2019" if year <= 2020 else "2021")  # spec: 2019 format for 2019–2020
        if (township, year) == ("示例镇003", 2020):
            assert row["_status"] == mf.INPUT_ERRORS and "输入错误" in row["状态"]
            assert row["_links"] == {}  # nothing was rendered
            assert "十二" in row["问题"]
            continue
        values = csv_values(batch_root / "data" / str(year) / f"{township}.csv")
        for heading, want in expected_figures(values).items():
            assert row[heading] == want, (township, year, heading)
        assert set(row["_links"]) == {"HTML", "ipynb"}
        for href in row["_links"].values():
            assert (batch_root / "output" / unquote(href)).is_file()
        if (township, year) == ("示例镇002", 2021):
            assert row["_status"] == mf.WARNINGS and row["未通过"] == "1" and row["行政复议"] == "99"
        else:
            assert row["_status"] == mf.OK and row["未通过"] == "0"
        # The same counts as the report's own banner.
        banner = lxml.html.fromstring((batch_root / "output" / unquote(row["_links"]["HTML"])).read_bytes())
        b = banner.xpath("//*[@id='banner']")[0]
        assert (row["输入错误"], row["未通过"], row["提示"], row["未填报"]) == (
            b.get("data-errors"), b.get("data-failed"), b.get("data-notes"), b.get("data-missing"))


def test_failed_checks_grouped_by_rule(batch_root):
    doc = page(batch_root)
    groups = {d.get("data-rule"): d for d in doc.xpath('//section[@id="rules"]//details')}
    assert "R6" in groups and "E-NOT-NUMBER" in groups
    r6 = groups["R6"]
    assert [tr.xpath("./td")[0].text_content() for tr in r6.xpath(".//tbody/tr")] == ["示例镇002 2021"]
    assert "行政复议" in r6.text_content() and "1 份报告" in r6.xpath("./summary")[0].text_content()
    assert [tr.xpath("./td")[0].text_content() for tr in groups["E-NOT-NUMBER"].xpath(".//tbody/tr")] == ["示例镇003 2020"]
    # As the reports list them: input errors before the consistency rules.
    order = list(groups)
    assert order.index("E-NOT-NUMBER") < order.index("R6")


def test_the_page_needs_nothing_but_itself(batch_root):
    raw = (batch_root / "output" / "index.html").read_text(encoding="utf-8")
    doc = lxml.html.fromstring(raw.encode())
    assert doc.get("lang") == "zh-CN"
    assert doc.xpath("//*[@src]") == [] and doc.xpath("//link") == []
    assert "http://" not in raw and "https://" not in raw and "@import" not in raw
    for a in doc.xpath("//a[@href]"):
        href = a.get("href")
        assert href.startswith("#") or (":" not in href and not href.startswith("/")), href
    scripts = doc.xpath("//script")
    assert all(s.get("src") is None for s in scripts) and any("sortBy" in s.text for s in scripts)


def test_summary_csv_has_the_same_rows(batch_root):
    text = (batch_root / "output" / "summary.csv").read_text(encoding="utf-8-sig")
    records = list(csv.DictReader(io.StringIO(text)))
    assert list(records[0]) == list(dashboard.CSV_COLUMNS)
    rows = table_rows(page(batch_root))
    assert len(records) == len(rows)
    for rec in records:
        row = rows[(rec["township"], int(rec["year"]))]
        assert rec["status"] == row["_status"]
        assert rec["format"] == row["格式"] and rec["failed"] == row["未通过"] and rec["missing"] == row["未填报"]
        for name, heading, _ in dashboard.FIGURES:
            assert rec[name] == row[heading]
        assert rec["html"] == (unquote(row["_links"]["HTML"]) if "HTML" in row["_links"] else "")


def entry(township: str, year: int, status: str, **kw) -> dict:
    e = {"township": township, "year": year, "status": status, "version": "2021", "error": None,
         "counts": {"errors": 0, "failed": 0, "notes": 0, "missing": 0}, "failed_checks": [],
         "figures": {"new_applications": "10", "granted_share": "50.0%", "carried_out": "1", "reviews": "0",
                     "lawsuits": "/"},
         "copies": {"review": {"outputs": {"html": {"path": f"{year}/{township}.html", "bytes": 1},
                                           "ipynb": {"path": f"{year}/{township}.ipynb", "bytes": 1}}}}}
    e.update(kw)
    return e


def test_text_from_inputs_is_escaped_and_links_are_quoted():
    evil = entry("甲&乙#1", 2021, mf.FAILED, error='notebook failed: <script>alert("x")</script>',
                 failed_checks=[{"rule": "R1", "title": "t<b>", "severity": "warning", "is_rule": True, "count": 1,
                                 "messages": ["<img src=x onerror=alert(1)>"]}])
    doc = lxml.html.fromstring(dashboard.index_html([evil]).encode())
    assert not any("alert" in (s.text or "") for s in doc.xpath("//script"))
    assert doc.xpath("//img") == [] and doc.xpath("//b") == []
    row = table_rows(doc)[("甲&乙#1", 2021)]
    assert row["问题"] == 'notebook failed: <script>alert("x")</script>'
    assert row["_links"]["HTML"] == "2021/%E7%94%B2%26%E4%B9%99%231.html"  # '#' would cut the path short
    assert "<img src=x onerror=alert(1)>" in doc.xpath('//details[@data-rule="R1"]')[0].text_content()


def test_sort_keys_put_problems_first_and_blanks_last():
    entries = [entry("a", 2021, mf.OK), entry("b", 2021, mf.INPUT_ERRORS), entry("c", 2021, mf.WARNINGS),
               entry("d", 2021, mf.FAILED)]
    doc = lxml.html.fromstring(dashboard.index_html(entries).encode())
    ranks = {tr.xpath("./td")[0].text_content(): int(tr.xpath('./td[@class="status"]')[0].get("data-sort"))
             for tr in doc.xpath("//tbody/tr")}
    assert sorted(ranks, key=ranks.get) == ["b", "d", "c", "a"]
    cells = doc.xpath("//tbody/tr[1]/td")
    sort_values = [c.get("data-sort") for c in cells[8:13]]
    assert sort_values == ["10", "50.0", "1", "0", ""]  # the share sorts as a number, "/" last


def test_an_empty_manifest_still_makes_a_page(tmp_path):
    m = mf.Manifest(tmp_path / "output" / "manifest.json")
    index, summary = dashboard.write(tmp_path, m)
    doc = lxml.html.fromstring(index.read_bytes())
    assert doc.xpath("//tbody/tr") == [] and "没有未通过的检查" in doc.text_content()
    assert summary.read_text(encoding="utf-8-sig").strip() == ",".join(dashboard.CSV_COLUMNS)


def test_dashboard_written_beside_and_renamed(tmp_path, monkeypatch):
    """A failure while writing leaves the old dashboard whole and no temporary file."""
    m = mf.Manifest(tmp_path / "output" / "manifest.json")
    m.put(entry("甲", 2021, mf.OK))
    index, _ = dashboard.write(tmp_path, m)
    before = index.read_bytes()

    def broken(entries):
        yield "<!DOCTYPE html>"
        raise RuntimeError("disk full")

    monkeypatch.setattr(dashboard, "index_pieces", broken)
    with pytest.raises(RuntimeError):
        dashboard.write(tmp_path, m)
    assert index.read_bytes() == before
    assert [p.name for p in (tmp_path / "output").iterdir() if p.name.endswith(".tmp")] == []


def test_manifest_round_trip(tmp_path):
    m = mf.Manifest(tmp_path / "output" / "manifest.json")
    m.put(entry("甲", 2021, mf.OK, fingerprint="abc"))
    m.save()
    data = json.loads((tmp_path / "output" / "manifest.json").read_text(encoding="utf-8"))
    assert data["manifest_version"] == mf.MANIFEST_VERSION and list(data["reports"]) == ["2021/甲"]
    again = mf.Manifest.for_root(tmp_path)
    assert again.get("甲", 2021)["fingerprint"] == "abc" and again.problem is None
