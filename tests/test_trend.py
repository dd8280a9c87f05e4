"""The trend panel of the review copy and the dashboard's township view.

Three demo townships, rendered once by ``xxgk batch``:

- 示例镇001 has 2019–2022 (the 2019 format for 2019–2020, the 2021 format after), with a blank
  figure in 2020, a "/" in 2021 and, in 2022, a total left blank for the kit to compute;
- 示例镇002 has 2022 only;
- 示例镇003 has 2019, a 2020 file with an input error, no 2021 file, and 2022.

The figures expected in the trend table and the township view are computed here from the CSV files
with the official labels of each version (not by role, and not taken from the kit).
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path
from urllib.parse import unquote

import lxml.html
import pytest

from xxgk import dashboard, demo_data, trend, trend_svg
from xxgk import manifest as mf
from xxgk.html_trend import trend_panel
from xxgk.i18n import use_lang
from xxgk.paths import Layout
from xxgk.render import render
from xxgk.report import build_report

XXGK = [sys.executable, "-c", "from xxgk.cli import main; main()"]
YEARS = [2019, 2020, 2021, 2022]
FOUR, ONE, BROKEN = "示例镇001", "示例镇002", "示例镇003"
WANTED = {FOUR: {2019, 2020, 2021, 2022}, ONE: {2022}, BROKEN: {2019, 2020, 2022}}

NEW, GRANTED, CARRIED_OUT = "一、本年新收政府信息公开申请数量", "（一）予以公开", "四、结转下年度继续办理"
T3_PARTS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
T4_PARTS = ("结果维持", "结果纠正", "其他结果", "尚未审结")
#: 表二 行政许可's decisions, as each version labels the column.
LICENCES = {2019: "处理决定数量", 2020: "处理决定数量", 2021: "本年处理决定数量", 2022: "本年处理决定数量"}
LABELS = ("新收申请", "予以公开", "结转下年度", "行政复议", "行政诉讼", "行政许可决定")


def set_value(root: Path, township: str, year: int, key: tuple[str, str, str], value: str) -> None:
    path = root / "data" / str(year) / f"{township}.csv"
    prefix = ",".join(key) + ","
    lines = path.read_text(encoding="utf-8").splitlines()
    assert any(line.startswith(prefix) for line in lines), key
    path.write_text("\n".join(prefix + value if line.startswith(prefix) else line for line in lines) + "\n",
                    encoding="utf-8")


def write_townships(root: Path) -> None:
    layout = Layout(root)
    for township, year, data, params, _ in demo_data.generate(3, YEARS, seed=12, blanks=False):
        if year in WANTED[township]:
            for path, text in ((layout.data_file(township, year), data), (layout.params_file(township, year), params)):
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
    set_value(root, FOUR, 2020, ("二", "行政许可", "处理决定数量"), "")  # blank: a gap, never 0
    set_value(root, FOUR, 2021, ("四", "复议后起诉", "总计"), "/")  # not applicable
    set_value(root, FOUR, 2022, ("三", CARRIED_OUT, "总计"), "")  # a total the kit computes
    set_value(root, BROKEN, 2020, ("三", NEW, "自然人"), "十二")  # an input error


def csv_values(root: Path, township: str, year: int) -> dict[tuple[str, str, str], str]:
    text = (root / "data" / str(year) / f"{township}.csv").read_text(encoding="utf-8")
    return {(r["table"], r["row"], r["column"]): r["value"].strip() for r in csv.DictReader(io.StringIO(text))}


def total(values: dict, table: str, row: str) -> str:
    """A row's 总计 as the file gives it, or the sum of its parts when it is left blank."""
    given = values[(table, row, "总计")]
    if given != "":
        return given
    parts = [values[(table, row, c)] for c in (T3_PARTS if table == "三" else T4_PARTS)]
    return str(sum(int(p) for p in parts)) if all(p.isdigit() for p in parts) else ""


def expected(root: Path, township: str, year: int) -> dict[str, str]:
    """The six key figures of one year, from its CSV file ("" blank, "/" not applicable)."""
    v = csv_values(root, township, year)
    suits = [total(v, "四", row) for row in ("未经复议直接起诉", "复议后起诉")]
    lawsuits = "" if "" in suits else "/" if "/" in suits else str(sum(int(s) for s in suits))
    return {"新收申请": total(v, "三", NEW), "予以公开": total(v, "三", GRANTED), "结转下年度": total(v, "三", CARRIED_OUT),
            "行政复议": total(v, "四", "行政复议"), "行政诉讼": lawsuits, "行政许可决定": v[("二", "行政许可", LICENCES[year])]}


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("trend")
    write_townships(root)
    proc = subprocess.run([*XXGK, "batch", "--root", str(root), "-j", "2"], capture_output=True, text=True)
    assert proc.returncode == 1, proc.stdout + proc.stderr  # 示例镇003 2020's input error
    return root


def page(root: Path, township: str, year: int, *, published: bool = False):
    folder = root / "output" / str(year) / ("published" if published else "")
    return lxml.html.fromstring((folder / f"{township}.html").read_bytes())


def trend_table(doc) -> tuple[str, list[str], dict[str, list[str]], list]:
    """(caption, the years in the header, figure → its cells' text, the cells)."""
    (table,) = doc.xpath("//section[@id='trend']//table")
    caption = table.xpath("./caption")[0].text_content()
    head = [th.text_content().strip() for th in table.xpath("./thead/tr/th")]
    assert head[0] == "项目"
    rows = {tr.xpath("./th")[0].text_content(): [td.text_content() for td in tr.xpath("./td")]
            for tr in table.xpath("./tbody/tr")}
    return caption, head[1:], rows, table.xpath("./tbody/tr/td")


# --- the trend panel on the page ----------------------------------------------------------------


def test_four_years_across_the_change_of_format(root):
    caption, years, rows, _ = trend_table(page(root, FOUR, 2022))
    assert FOUR in caption and "2019" in caption and "2022" in caption
    assert years == ["2019", "2020", "2021", "2022"]
    assert list(rows) == list(LABELS)
    for i, year in enumerate(YEARS):
        want = expected(root, FOUR, year)
        assert {label: cells[i] for label, cells in rows.items()} == want, year
    # What the set-up planted reads as planted: blank stays blank, n/a is "/", a blank total is summed.
    assert rows["行政许可决定"][1] == "" and rows["行政诉讼"][2] == "/" and rows["结转下年度"][3] != ""


def test_a_year_shows_itself_and_the_years_before_only(root):
    _, years, rows, _ = trend_table(page(root, FOUR, 2020))
    assert years == ["2019", "2020"]
    assert rows["新收申请"] == [expected(root, FOUR, y)["新收申请"] for y in (2019, 2020)]


def test_the_chart_is_inline_svg_with_text_as_text_and_nothing_to_fetch(root):
    doc = page(root, FOUR, 2022)
    (chart,) = doc.xpath("//section[@id='trend']//div[@class='trend-chart']")
    assert chart.get("aria-hidden") == "true"  # the table carries the same figures for screen readers
    raw = (root / "output" / "2022" / f"{FOUR}.html").read_text(encoding="utf-8")
    svg = re.search(r"<svg\b.*?</svg>", raw, re.S).group(0)
    texts = [t.text_content() for t in chart.xpath(".//text")]
    assert set(LABELS) <= set(texts) and {"2019", "2022"} <= set(texts)
    assert "Noto Sans CJK SC" in svg and "SimHei" in svg  # the browser's fonts, named
    assert "http" not in svg and "<image" not in svg and "@font-face" not in svg
    assert "DejaVu" not in svg  # no glyph drawn as a path
    assert "<?xml" not in svg and "DOCTYPE" not in svg and "<metadata" not in svg


def test_the_published_copy_has_no_trend(root):
    proc = subprocess.run([*XXGK, "batch", "--root", str(root), "--publish", "--townships", FOUR, "--years", "2022"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    published = page(root, FOUR, 2022, published=True)
    assert published.xpath("//*[@id='trend']") == [] and published.xpath("//svg") == []
    assert "历年主要数据" not in published.text_content()
    assert page(root, FOUR, 2022).xpath("//*[@id='trend']")  # the review copy keeps it


def test_one_year_only(root):
    doc = page(root, ONE, 2022)
    (panel,) = doc.xpath("//section[@id='trend']")
    assert "尚无往年数据" in panel.text_content()
    assert panel.xpath(".//svg") == []
    _, years, rows, _ = trend_table(doc)
    assert years == ["2022"]
    assert {label: cells[0] for label, cells in rows.items()} == expected(root, ONE, 2022)


def test_a_year_with_input_errors_is_not_read_and_a_missing_year_says_so(root):
    doc = page(root, BROKEN, 2022)
    _, years, rows, cells = trend_table(doc)
    assert years == ["2019", "2020", "2021", "2022"]
    for label, row in rows.items():
        assert row[1] == "无法读取" and row[2] == "无数据文件", label
        assert row[0] == expected(root, BROKEN, 2019)[label] and row[3] == expected(root, BROKEN, 2022)[label]
    text = doc.xpath("//section[@id='trend']")[0].text_content()
    assert f"data/2020/{BROKEN}.csv" in text and "输入错误" in text
    assert not (root / "output" / "2020" / f"{BROKEN}.html").exists()  # that year has no page of its own
    # In the chart the two years are gaps: every series has two points, none at 0 for them.
    chart = doc.xpath("//section[@id='trend']//svg")[0]
    lines = [g for g in chart.xpath(".//g[starts-with(@id,'line2d')]") if "#1f4e79" in lxml.html.tostring(g, encoding=str)]
    assert lines and all(len(g.xpath(".//use")) == 2 for g in lines)


def test_batch_and_xxgk_render_make_the_same_page(root, tmp_path):
    """The in-process engine (the batch) and a Jupyter kernel (xxgk render), chart and all."""
    kernel_root = tmp_path / "kernel"
    for sub in ("data", "params"):
        shutil.copytree(root / sub, kernel_root / sub)
    result = render(kernel_root, FOUR, 2022, engine="kernel")
    assert result.status == "ok", result.error
    for suffix in (".html", ".ipynb"):
        rel = Path("output") / "2022" / f"{FOUR}{suffix}"
        assert (kernel_root / rel).read_bytes() == (root / rel).read_bytes(), rel
    nb = (kernel_root / "output" / "2022" / f"{FOUR}.ipynb").read_text(encoding="utf-8")
    assert '"name": "stderr"' not in nb  # matplotlib said nothing into the notebook


# --- the chart itself -----------------------------------------------------------------------------


def _trend(root: Path, township: str = FOUR, year: int = 2022) -> trend.Trend:
    return trend.of_report(build_report(root, township, year))


def test_the_chart_is_byte_identical_on_re_render(root):
    first = trend_svg.chart_svg(_trend(root))
    assert trend_svg.chart_svg(_trend(root)) == first
    # And in another process, with other hash seeds.
    script = textwrap.dedent(f"""
        import sys
        from xxgk import trend, trend_svg
        from xxgk.report import build_report
        sys.stdout.write(trend_svg.chart_svg(trend.of_report(build_report({str(root)!r}, {FOUR!r}, 2022))))
    """)
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
        assert out.stdout == first
        assert out.stderr == ""


def test_missing_figures_are_gaps_not_zeros(root):
    svg = trend_svg.chart_svg(_trend(root))
    doc = lxml.html.fromstring(svg)
    lines = [g for g in doc.xpath("//g[starts-with(@id,'line2d')]") if "#1f4e79" in lxml.html.tostring(g, encoding=str)]
    assert len(lines) == len(LABELS)
    licences = lines[-1]  # 2020 blank: a line broken in two, three markers
    assert len(licences.xpath(".//use")) == 3
    assert licences.xpath(".//path")[0].get("d").count("M") == 2
    lawsuits = lines[4]  # 2021 n/a
    assert len(lawsuits.xpath(".//use")) == 3


def test_the_chart_does_not_depend_on_the_fonts_installed(root, monkeypatch):
    """Labels are placed by their anchors, not by measured sizes: with only matplotlib's own font
    found (as on a machine without CJK fonts) the chart is the same, and nothing is said."""
    from matplotlib import font_manager

    first = trend_svg.chart_svg(_trend(root))
    fallback = font_manager.fontManager.findfont(font_manager.FontProperties(family="DejaVu Sans"))
    monkeypatch.setattr(font_manager.fontManager, "findfont", lambda *a, **k: fallback)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert trend_svg.chart_svg(_trend(root)) == first


def test_labels_drawn_unmeasured_are_what_matplotlibs_text_draws(root, monkeypatch):
    """The chart's labels skip matplotlib's text layout (it opens the font and shapes every glyph
    to find a box the SVG never uses): the bytes are those matplotlib's own Text writes, for every
    alignment and weight the chart uses, and drawing opens no font file."""
    from matplotlib import font_manager
    from matplotlib.text import Text

    charts = {year: trend_svg.chart_svg(_trend(root, FOUR, year)) for year in (2020, 2022)}
    assert all(all(f'text-anchor: {a}' in c for a in ('start', 'middle', 'end')) and 'font-weight: 700' in c
               for c in charts.values())

    def no_font(*args, **kwargs):
        raise AssertionError("a font file was opened")

    monkeypatch.setattr(font_manager, "get_font", no_font)
    monkeypatch.setattr(font_manager, "_get_font", no_font)
    assert {year: trend_svg.chart_svg(_trend(root, FOUR, year)) for year in (2020, 2022)} == charts
    monkeypatch.undo()

    monkeypatch.setattr(trend_svg, "_label_class", lambda: Text)
    assert {year: trend_svg.chart_svg(_trend(root, FOUR, year)) for year in (2020, 2022)} == charts


def test_matplotlib_state_is_left_as_found(root):
    script = textwrap.dedent(f"""
        import sys
        import matplotlib as mpl
        mpl.rcParams["lines.linewidth"] = 7.0  # as a notebook or a matplotlibrc might
        mpl.rcParams["font.family"] = ["serif"]
        before = dict(mpl.rcParams.copy())  # (reading "backend" from rcParams itself would load pyplot)
        from xxgk.html_trend import trend_panel
        from xxgk.report import build_report
        html = trend_panel(build_report({str(root)!r}, {FOUR!r}, 2022))
        assert "<svg" in html
        assert dict(mpl.rcParams.copy()) == before
        assert "matplotlib.pyplot" not in sys.modules
        sys.stdout.write(html)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout == trend_panel(build_report(root, FOUR, 2022))  # the chart did not take them


def test_in_english(root):
    with use_lang("en"):
        html = trend_panel(build_report(root, BROKEN, 2022))
    doc = lxml.html.fromstring(html)
    assert doc.get("lang") == "en" and doc.xpath("//h2")[0].text_content() == "Key figures over the years"
    cells = [td.text_content() for td in doc.xpath("//tbody/tr[1]/td")]
    assert cells[1:3] == ["not readable", "no data file"]
    assert "input errors" in doc.text_content()
    # The format's own words are not translated.
    assert [th.text_content() for th in doc.xpath("//tbody/tr/th")] == list(LABELS)


def test_a_report_without_figures_has_an_unreadable_year(root):
    report = build_report(root, BROKEN, 2020)
    t = trend.of_report(report)
    assert [(c.year, c.state) for c in t.columns] == [(2019, trend.READ), (2020, trend.UNREADABLE)]


# --- the dashboard's township view ---------------------------------------------------------------


def township_view(root: Path):
    doc = lxml.html.fromstring((root / "output" / "index.html").read_bytes())
    (table,) = doc.xpath("//section[@id='townships']//table[@id='townships-table']")
    return table


def columns(table) -> list[tuple[str, str]]:
    """(year or pair, heading) of each body column, from the two header rows and data-col."""
    out = {}
    for th in table.xpath("./thead/tr/th[@data-col]"):
        out[int(th.get("data-col"))] = (th.get("data-year") or th.get("data-pair") or "", th.text_content().strip())
    assert sorted(out) == list(range(len(out)))
    return [out[i] for i in range(len(out))]


def test_township_view_one_row_per_township_a_group_per_year(root):
    table = township_view(root)
    cols = columns(table)
    assert cols[0] == ("", "乡镇")
    groups = [th.text_content() for th in table.xpath("./thead/tr[1]/th[@class='year']")]
    assert groups == ["2019", "2020", "2021", "2022"]
    assert [c for c in cols if c[0].count("-") == 1] == [("2019-2020", "2019→2020"), ("2020-2021", "2020→2021"),
                                                        ("2021-2022", "2021→2022")]
    rows = {tr.xpath("./td")[0].text_content(): tr for tr in table.xpath("./tbody/tr")}
    assert list(rows) == [FOUR, ONE, BROKEN]
    for township, tr in rows.items():
        cells = tr.xpath("./td")
        assert len(cells) == len(cols)
        for year in YEARS:
            at = {heading: cells[i] for i, (y, heading) in enumerate(cols) if y == str(year)}
            status = at["状态"]
            if year not in WANTED[township]:
                assert status.text_content() == "" and all(at[h].text_content() == "" for h in at)
                continue
            if (township, year) == (BROKEN, 2020):
                assert status.text_content() == "输入错误" and status.xpath(".//a") == []  # nothing was rendered
                continue
            (link,) = status.xpath(".//a")
            assert unquote(link.get("href")) == f"{year}/{township}.html"
            assert (root / "output" / unquote(link.get("href"))).is_file()
            want = expected(root, township, year)
            for heading in ("新收申请", "予以公开", "结转下年度", "行政复议", "行政诉讼"):
                assert at[heading].text_content() == want[heading], (township, year, heading)
        # No cross-year rule failed in these files (and R8/R9 are not this branch's): "—".
        assert [cells[i].text_content() for i, (y, _) in enumerate(cols) if "-" in y] == ["—"] * 3


def test_township_view_cross_year_results_by_rule_id():
    def entry(year: int, checks: list[dict]) -> dict:
        return {"township": "甲镇", "year": year, "status": mf.WARNINGS if checks else mf.OK, "failed_checks": checks,
                "figures": {"new_applications": "3"},
                "copies": {"review": {"outputs": {"html": {"path": f"{year}/甲镇.html", "bytes": 1}}}}}

    r8 = {"rule": "R8", "title": "结转链断开", "severity": "warning", "count": 2, "messages": ["表三 二 · 自然人：1 ≠ 2"]}
    r1 = {"rule": "R1", "title": "表三各列勾稽关系", "severity": "warning", "count": 1, "messages": ["…"]}
    page = dashboard.index_html([entry(2020, []), entry(2021, [r8, r1]), entry(2022, [r1])])
    table = lxml.html.fromstring(page.encode()).xpath("//table[@id='townships-table']")[0]
    cols = columns(table)
    cells = table.xpath("./tbody/tr/td")
    pairs = {y: cells[i] for i, (y, _) in enumerate(cols) if "-" in y}
    assert pairs["2020-2021"].text_content() == "结转链断开 (R8)" and pairs["2020-2021"].get("data-sort") == "2"
    assert "1 ≠ 2" in pairs["2020-2021"].get("title")
    assert pairs["2021-2022"].text_content() == "—"  # R1 is not a cross-year rule
    row = table.xpath("./tbody/tr")[0]
    assert "R1" in row.get("data-checks") and row.get("data-status") == "|ok|warnings|"


def test_township_view_shows_only_r10s_comparison_with_last_year():
    """R10 has an in-year half (上一年项目数量 + 本年增/减 within one report's columns) and a cross-year
    half; only the second belongs between two years."""
    def entry(year: int, checks: list[dict]) -> dict:
        return {"township": "甲镇", "year": year, "status": mf.WARNINGS, "failed_checks": checks,
                "copies": {"review": {"outputs": {"html": {"path": f"{year}/甲镇.html", "bytes": 1}}}}}

    in_year = {"rule": "R10", "title": "项目数量增减", "severity": "warning", "count": 1, "messages": ["本年"],
               "across_years": 0, "across_messages": []}
    across = {**in_year, "count": 3, "messages": ["本年", "上年 a", "上年 b"], "across_years": 2,
              "across_messages": ["上年 a", "上年 b"]}
    page = dashboard.index_html([entry(2020, []), entry(2021, [in_year]), entry(2022, [across])])
    table = lxml.html.fromstring(page.encode()).xpath("//table[@id='townships-table']")[0]
    cells = table.xpath("./tbody/tr/td")
    pairs = {y: cells[i] for i, (y, _) in enumerate(columns(table)) if "-" in y}
    assert pairs["2020-2021"].text_content() == "—"
    assert "(R10)" in pairs["2021-2022"].text_content() and pairs["2021-2022"].get("data-sort") == "2"
    assert "上年 a" in pairs["2021-2022"].get("title") and "本年" not in pairs["2021-2022"].get("title")
