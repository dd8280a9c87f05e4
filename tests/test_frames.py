"""The report as DataFrames (the notebook's explore cells): the findings, the three tables in their
official shape, every figure; blank kept missing, computed totals told apart from given ones; shown
as HTML readable in JupyterLab, and never on the page."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import lxml.html
import nbformat
import pandas as pd
import pytest

from report_roots import write_report
from shared_ref import PROJECT
from xxgk import frames, notebook, spec
from xxgk.frames import figures_frame
from xxgk.i18n import use_lang
from xxgk.render import render
from xxgk.report import build_report


def test_seed_frame_has_every_cell_and_keeps_blanks_missing():
    frame = figures_frame(build_report(PROJECT, "红旗满族乡", 2020))
    assert len(frame) == 22 + 161 + 15  # spec §3: the 2019 format's cells
    regs = frame[(frame["表"] == "二") & (frame["行"] == "规章")]
    assert list(regs["来源"]) == ["未填报"] * 3 and regs["数值"].isna().all()
    money = frame[(frame["行"] == "政府集中采购") & (frame["列"] == "采购总金额")].iloc[0]
    assert money["数值"] == "6874.6408" and money["来源"] == "填报"


def test_blank_total_is_computed_and_marked(tmp_path):
    for rel in ("data/2021/示例镇.csv", "params/示例镇/2021.yaml"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(PROJECT / rel, tmp_path / rel)
    csv = tmp_path / "data/2021/示例镇.csv"
    prefix = f"三,{spec.NEW},总计,"
    csv.write_text("".join(prefix + ",\n" if line.startswith(prefix) else line
                           for line in csv.read_text(encoding="utf-8").splitlines(keepends=True)), encoding="utf-8")
    frame = figures_frame(build_report(tmp_path, "示例镇", 2021))
    row = frame[(frame["表"] == "三") & (frame["行"] == spec.NEW) & (frame["列"] == "总计")].iloc[0]
    # 12 + 3 + 0 + 1 + 2 + 0 in the sample's 一、本年新收 row.
    assert row["来源"] == "由分项计算" and row["数值"] == "18"
    assert not pd.isna(row["CSV行"])


# --- the tables in their official shape ----------------------------------------------------------------

APPLICANTS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
PARAMS = {"body": "测试乡人民政府", "publish_date": "2021-01-26"}
#: Figures written into an otherwise all-zero report, each chosen to be told apart from the others.
WRITTEN_2019 = {
    ("三", spec.NEW, "自然人"): "3", ("三", spec.NEW, "商业企业"): "2", ("三", spec.NEW, "总计"): "5",
    ("三", spec.CARRIED_OUT, "自然人"): "3", ("三", spec.CARRIED_OUT, "商业企业"): "2",
    ("三", spec.CARRIED_OUT, "总计"): "",  # left blank: computed as 3 + 2
    ("三", "2.重复申请", "科研机构"): "7", ("三", "2.重复申请", "总计"): "7",
    ("四", "复议后起诉", "其他结果"): "4", ("四", "复议后起诉", "总计"): "4",
    ("二", "行政许可", "处理决定数量"): "",  # missing
    ("二", "行政许可", "本年增/减"): "-2",
    ("二", "行政事业性收费", "本年增/减"): "/",
    ("二", "政府集中采购", "采购总金额"): "6874.6408",
}
WRITTEN_2021 = {("二", "行政事业性收费", "本年收费金额（单位：万元）"): "12.35"}


@pytest.fixture(scope="module")
def report_2019(tmp_path_factory):
    return write_report(tmp_path_factory.mktemp("r2019"), year=2020, values=WRITTEN_2019, params=PARAMS)


@pytest.fixture(scope="module")
def report_2021(tmp_path_factory):
    return write_report(tmp_path_factory.mktemp("r2021"), year=2021, values=WRITTEN_2021, params=PARAMS)


def leaf(label: tuple[str, ...]) -> str:
    return [x for x in label if x][-1]


def test_table_3_has_the_official_rows_and_columns(report_2019, report_2021):
    results = [spec.GRANTED, spec.PARTIAL, *spec.WITHHELD_ITEMS, *spec.UNABLE_ITEMS, *spec.NOT_PROCESSED_ITEMS]
    for report, other, rows in ((report_2019, [spec.OTHER_HANDLING], 23), (report_2021, list(spec.OTHER_HANDLING_ITEMS_2021), 25)):
        frame = frames.table_frame(report, "三")
        assert frame.shape == (rows, 7)  # spec §3: 23 (2019) or 25 (2021) data rows × 7 columns
        assert [leaf(r) for r in frame.index] == [spec.NEW, spec.CARRIED_IN, *results, *other, spec.RESULTS_TOTAL,
                                                  spec.CARRIED_OUT]
        assert list(frame.columns.get_level_values(-1)) == APPLICANTS
        assert set(frame.columns.get_level_values(0)) == {"申请人情况"}
        assert list(frame.columns.get_level_values(1)) == ["", *["法人或其他组织"] * 5, ""]
    # The nesting, as the official table shows it.
    frame = frames.table_frame(report_2021, "三")
    assert frame.index[0] == ("一、本年新收政府信息公开申请数量", "", "")
    assert frame.index[2] == ("三、本年度办理结果", "（一）予以公开", "")
    assert frame.index[4] == ("三、本年度办理结果", "（三）不予公开", "1.属于国家秘密")
    assert frame.index[22] == ("三、本年度办理结果", "（六）其他处理", "3.其他")
    assert frame.index[23] == ("三、本年度办理结果", "（七）总计", "")
    assert frame.index[-1] == ("四、结转下年度继续办理", "", "")


def test_table_4_reads_as_its_data_rows(report_2019):
    frame = frames.table_frame(report_2019, "四")
    assert frame.shape == (3, 5)
    assert list(frame.index) == [("行政复议", ""), ("行政诉讼", "未经复议直接起诉"), ("行政诉讼", "复议后起诉")]
    assert list(frame.columns) == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    assert list(frame.loc[("行政诉讼", "复议后起诉")]) == ["0", "0", "4", "0", "4"]


def test_table_2_is_one_frame_per_item(report_2019, report_2021):
    old, new = frames.table_frame(report_2019, "二"), frames.table_frame(report_2021, "二")
    assert list(old) == ["第二十条第（一）项", "第二十条第（五）项", "第二十条第（六）项", "第二十条第（八）项", "第二十条第（九）项"]
    assert list(new) == ["第二十条第（一）项", "第二十条第（五）项", "第二十条第（六）项", "第二十条第（八）项"]
    assert sum(f.size for f in old.values()) == 22 and sum(f.size for f in new.values()) == 10  # spec §3
    item_5 = old["第二十条第（五）项"]
    assert list(item_5.index) == ["行政许可", "其他对外管理服务事项"]
    assert list(item_5.columns) == ["上一年项目数量", "本年增/减", "处理决定数量"]
    assert item_5.columns.name == "信息内容"  # the official corner, over the row labels
    assert list(new["第二十条第（一）项"].index) == ["规章", "行政规范性文件"]


def test_figures_print_as_the_tables_print_them(report_2019, report_2021):
    t2, t3, t4 = (frames.table_frame(report_2019, t) for t in ("二", "三", "四"))
    permits = t2["第二十条第（五）项"].loc["行政许可"]
    assert permits["处理决定数量"] == ""  # blank stays blank: not 0, not nan, not <NA>
    assert permits["本年增/减"] == "-2"
    assert t2["第二十条第（八）项"].loc["行政事业性收费", "本年增/减"] == "/"
    # 2019's header has no unit, so the figure carries it; 2021's header states it.
    assert t2["第二十条第（九）项"].loc["政府集中采购", "采购总金额"] == "6874.6408 万元"
    assert frames.table_frame(report_2021, "二")["第二十条第（八）项"].iloc[0, 0] == "12.35"
    total = ("申请人情况", "", "总计")
    assert t3.loc[("四、结转下年度继续办理", "", ""), total] == "5*"  # computed from 3 + 2: marked
    assert t3.loc[("一、本年新收政府信息公开申请数量", "", ""), total] == "5"  # given: not marked
    assert t3.loc[("三、本年度办理结果", "（五）不予处理", "2.重复申请"), ("申请人情况", "法人或其他组织", "科研机构")] == "7"
    assert t4.loc[("行政复议", ""), "总计"] == "0"


# --- findings ------------------------------------------------------------------------------------------

FAILING = {
    ("四", "行政复议", "结果维持"): "1", ("四", "行政复议", "总计"): "2",  # R6: 2 ≠ 1
    ("二", "规章", "本年新制作数量"): "1",  # P2: a 乡 makes no 规章
    # ...published that year (P3 holds) and counted among those published (R10 holds).
    ("二", "规章", "本年新公开数量"): "1", ("二", "规章", "对外公开总数量"): "1",
    ("二", "行政许可", "处理决定数量"): "",  # missing
}


def csv_line(key) -> int:
    """The line write_report puts a cell on: after the header, in the format's cell order."""
    return 2 + [c.key for c in spec.get_format("2019").cells()].index(key)


@pytest.fixture(scope="module")
def failing(tmp_path_factory):
    return write_report(tmp_path_factory.mktemp("failing"), year=2020, values=FAILING, params=PARAMS)


def test_findings_frame_puts_failed_checks_before_notes_before_missing_data(failing):
    frame = frames.findings_frame(failing)
    assert list(frame.columns) == ["严重程度", "代码", "单元格", "位置", "说明"]
    assert list(frame["代码"]) == ["R6", "P2", "M-BLANK"]
    assert list(frame["严重程度"]) == ["警告", "提示", "未填报"]
    assert list(frame.index) == [1, 2, 3]
    r6 = frame.iloc[0]
    assert r6["单元格"] == "表四 行政复议 · 总计"
    assert r6["位置"] == f"data/2020/测试乡.csv:{csv_line(('四', '行政复议', '总计'))}"
    assert "2 ≠ 1" in r6["说明"] and "相差 1" in r6["说明"]
    assert frame.iloc[1]["单元格"] == "表二 规章"
    assert frame.iloc[2]["单元格"] == "表二 行政许可 · 处理决定数量"
    assert frame.iloc[2]["位置"].endswith(f":{csv_line(('二', '行政许可', '处理决定数量'))}")


def test_findings_frame_in_english(failing):
    with use_lang("en"):
        frame = frames.findings_frame(failing)
        page = frames.to_html(frame)
    assert list(frame.columns) == ["severity", "code", "cell", "location", "message"]
    assert list(frame["severity"]) == ["warning", "note", "missing"]
    assert "difference 1" in frame.iloc[0]["message"]
    assert frame.iloc[0]["cell"] == "表四 行政复议 · 总计"  # official labels are never translated
    assert "Checks (problems first)" in page and "数据核验" not in page


def test_findings_frame_can_list_every_result(failing):
    every = frames.findings_frame(failing, problems_only=False)
    assert list(every["代码"])[:3] == ["R6", "P2", "M-BLANK"]
    assert set(every["严重程度"][3:]) <= {"无法判断", "通过"} and "通过" in set(every["严重程度"])


def test_no_problems_says_so(report_2021):
    frame = frames.findings_frame(report_2021)
    assert frame.empty and list(frame.columns) == ["严重程度", "代码", "单元格", "位置", "说明"]
    assert "没有需要处理的问题" in frames.to_html(frame)


# --- as the notebook shows them ------------------------------------------------------------------------


def parse(html: str):
    return lxml.html.fragment_fromstring(html, create_parent="div")


def style(el) -> dict[str, str]:
    """An element's inline style as {property: value}."""
    pairs = (part.split(":", 1) for part in (el.get("style") or "").split(";") if part.strip())
    return {name.strip(): value.strip() for name, value in pairs}


def test_table_html_keeps_labels_and_figures_readable(report_2021):
    doc = parse(frames.to_html(frames.table_frame(report_2021, "三")))
    table = doc.xpath("//table")[0]
    heads, labels, figures = table.xpath("thead//th"), table.xpath("tbody//th"), table.xpath("tbody//td")
    assert len(figures) == 25 * 7
    # Headers and figures on one line; row labels wrap, but never narrower than a readable width.
    assert all(style(th)["white-space"] == "nowrap" for th in heads)
    assert all(style(td)["white-space"] == "nowrap" for td in figures)
    assert all(style(th)["white-space"] == "normal" and style(th)["min-width"] == "9em" for th in labels)
    # The whole label, not cut at pandas' display.max_colwidth.
    assert spec.OTHER_HANDLING_ITEMS_2021[1] in [th.text_content() for th in labels]
    text = doc.text_content()
    assert "<NA>" not in text and "nan" not in text.lower()
    assert "收到和处理政府信息公开申请情况" in doc.xpath("//h4")[0].text_content()


def test_marks_are_explained_and_shown(report_2019):
    doc = parse(frames.to_html(frames.table_frame(report_2019, "三")))
    computed = [td for td in doc.xpath("//td") if td.text_content() == "5*"]
    assert [td.get("title") for td in computed] == ["由分项计算"]
    notes = [p.text_content() for p in doc.xpath("//p")]
    assert any(n.startswith("* 由分项计算") for n in notes)
    assert any("勾稽关系" in n for n in notes)  # the official footnote of table 三
    doc = parse(frames.to_html(frames.table_frame(report_2019, "二")))
    blank = [td for td in doc.xpath("//td") if td.get("title") == "未填报"]
    assert len(blank) == 1 and blank[0].text_content() == "" and "background-color" in style(blank[0])
    assert [td.get("title") for td in doc.xpath("//td") if td.text_content() == "/"] == ["不适用"]
    notes = [p.text_content() for p in doc.xpath("//p")]
    assert any(n.startswith("空白") for n in notes) and any(n.startswith("/") for n in notes)
    assert not any(n.startswith("*") for n in notes)  # nothing computed in table 二


def test_findings_html_wraps_only_the_long_text(failing):
    doc = parse(frames.to_html(frames.findings_frame(failing)))
    header = [th.text_content() for th in doc.xpath("//thead//th")]
    by_column = {h: [style(row.xpath("td")[i - 1]) for row in doc.xpath("//tbody/tr")] for i, h in enumerate(header) if i}
    assert all(s["white-space"] == "nowrap" for h in ("严重程度", "代码", "位置") for s in by_column[h])
    assert all(s["white-space"] == "normal" and s["min-width"] == "24em" for s in by_column["说明"])
    assert all(style(th)["white-space"] == "nowrap" for th in doc.xpath("//th"))


def _layout(table) -> list[list[tuple[str, str, str, str]]]:
    """A table's cells, row by row: tag, text, row span, column span."""
    return [[(c.tag, c.text_content(), c.get("rowspan", "1"), c.get("colspan", "1")) for c in tr]
            for tr in table.xpath(".//tr")]


@pytest.mark.parametrize("year", [2019, 2021])
def test_tables_are_laid_out_as_pandas_lays_them_out(year):
    # The kit writes the frames' HTML itself (pandas' formatters cost more than the rest of a report):
    # the same cells, spans and corner as pandas' own to_html of the frame, blanks printed blank.
    report = build_report(PROJECT, "红旗满族乡", 2020) if year == 2019 else build_report(PROJECT, "示例镇", 2021)
    shown = [figures_frame(report), frames.findings_frame(report, problems_only=False)]
    for table_id in spec.TABLE_IDS:
        table = frames.table_frame(report, table_id)
        shown += list(table.values()) if isinstance(table, dict) else [table]
    assert any(f.index.nlevels > 1 for f in shown) and any(f.columns.nlevels > 1 for f in shown)
    for frame in shown:
        ours = parse(frames.to_html(frame)).xpath("//table")[0]
        blank = frame.astype(object).where(frame.notna(), "")
        with pd.option_context("display.max_colwidth", None):
            theirs = parse(blank.to_html(max_rows=None, max_cols=None)).xpath("//table")[0]
        assert _layout(ours) == _layout(theirs), frame.attrs.get(frames.ATTRS, {}).get("title")


def test_html_is_deterministic_and_blank_is_never_na():
    one = frames.to_html(figures_frame(build_report(PROJECT, "红旗满族乡", 2020)))
    two = frames.to_html(figures_frame(build_report(PROJECT, "红旗满族乡", 2020)))
    assert one == two
    assert "&lt;NA&gt;" not in one and "<NA>" not in one


# --- in the notebook, never on the page ----------------------------------------------------------------

EXPLORE = "xxgk-explore"
#: What only the frames print: their headings, the findings' column header, their footnote.
FRAME_MARKS = ("数据核验（问题在前）", "严重程度", "* 由分项计算", "全部数值：", "xxgk-frames", "dataframe")


def test_the_template_shows_findings_then_tables_then_every_figure_before_the_report():
    cells = notebook.load_template().cells
    explore = [c for c in cells if EXPLORE in c.metadata.get("tags", [])]
    assert [c.id for c in explore] == ["explore-findings", "explore-tables", "explore-figures"]
    assert "findings_frame" in explore[0].source and "table_frame" in explore[1].source
    assert "figures_frame" in explore[2].source
    ids = [c.id for c in cells]
    assert ids.index("explore-figures") < ids.index("banner")
    # Frames are displayed as HTML only: a DataFrame left as a cell's value would add a text form
    # that depends on the console.
    for cell in explore:
        assert cell.source.rstrip().splitlines()[-1].lstrip().startswith("display(HTML(frames.to_html(")


def _template_without_explore_cells(folder: Path) -> Path:
    nb = json.loads(notebook.template_path().read_text(encoding="utf-8"))
    nb["cells"] = [c for c in nb["cells"] if EXPLORE not in c["metadata"].get("tags", [])]
    path = folder / notebook.TEMPLATE_NAME
    path.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """The failing report (and a computed total) rendered with the template, and again with the
    template's explore cells taken out: (executed notebook, page, page without explore cells)."""
    values = {**FAILING, ("三", spec.CARRIED_OUT, "总计"): ""}
    pages = []
    for name, template in (("with", None), ("without", _template_without_explore_cells(tmp_path_factory.mktemp("t")))):
        root = tmp_path_factory.mktemp(name)
        write_report(root, year=2020, values=values, params=PARAMS)
        with pytest.MonkeyPatch.context() as mp:
            if template is not None:
                mp.setenv(notebook.TEMPLATE_ENV, str(template))
            result = render(root, "测试乡", 2020)
            assert result.status == "ok", result.error
            page = result.html_path.read_text(encoding="utf-8")
            pages.append(page.replace(notebook.template_sha256(), "TEMPLATE-SHA256"))
            if template is None:
                executed = nbformat.read(result.notebook_path, as_version=4)
    return executed, pages[0], pages[1]


def test_the_executed_notebook_shows_the_frames(rendered):
    executed, _, _ = rendered
    html = {c.id: "".join(o.get("data", {}).get("text/html", "") for o in c.outputs)
            for c in executed.cells if EXPLORE in c.metadata.get("tags", [])}
    assert "数据核验（问题在前）" in html["explore-findings"] and "严重程度" in html["explore-findings"]
    assert html["explore-findings"].index(">R6<") < html["explore-findings"].index(">P2<") < \
        html["explore-findings"].index(">M-BLANK<")
    tables = html["explore-tables"]
    assert tables.index("表二 主动公开政府信息情况") < tables.index("表三 收到和处理政府信息公开申请情况") < \
        tables.index("表四 政府信息公开行政复议、行政诉讼情况")
    assert "* 由分项计算" in tables and ">0*<" in tables
    assert "全部数值：" in html["explore-figures"]
    # Only HTML: no text form of a DataFrame, which would depend on the console.
    for cell in executed.cells:
        if EXPLORE in cell.metadata.get("tags", []):
            assert [o.output_type for o in cell.outputs] == ["display_data"] * len(cell.outputs)
            assert all(o.data["text/plain"] == "<IPython.core.display.HTML object>" for o in cell.outputs)


def test_no_frame_reaches_the_page(rendered):
    _, page, without = rendered
    for mark in FRAME_MARKS:
        assert mark not in page, mark
    # The page is the page the template makes without its explore cells, byte for byte, its
    # provenance line's template hash aside.
    assert page == without


def test_the_batch_warm_up_builds_every_frame_from_nothing_on_disk(tmp_path, monkeypatch):
    # xxgk batch builds the frames once before it forks (the official tables' indexes, pandas' code
    # paths) on made-up empty reports: nothing is read or written, and a real report's frames are
    # unchanged by it.
    monkeypatch.chdir(tmp_path)
    before = frames.to_html(frames.table_frame(build_report(PROJECT, "红旗满族乡", 2020), "三"))
    frames.warm_up()
    assert list(tmp_path.iterdir()) == []
    after = frames.to_html(frames.table_frame(build_report(PROJECT, "红旗满族乡", 2020), "三"))
    assert after == before and "申请人情况" in after
