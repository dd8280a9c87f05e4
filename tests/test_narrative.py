"""Narrative Markdown: safe HTML, and placeholders filled with the tables' figures."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import lxml.html
import pytest

from report_roots import write_report
from xxgk import spec
from xxgk.html import banner, review_panel, section
from xxgk.html_narrative import render_field, render_markdown
from xxgk.narrative import PLACEHOLDERS, placeholder_findings, placeholder_values
from xxgk.report import build_report

MAIN = Path(__file__).resolve().parents[1]
NEW, CARRIED_IN, GRANTED, PARTIAL = "一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "（一）予以公开", \
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
RESULTS_TOTAL, CARRIED_OUT = "（七）总计", "四、结转下年度继续办理"
T3_COLUMNS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]


def make_report(root: Path, *, params: dict | None = None, **kw):
    if params is not None:
        params = {"body": "测试乡人民政府", "publish_date": dt.date(2021, 1, 26), **params}
    return write_report(root, params=params, **kw)


def row_of(row: str, **by_column: int) -> dict:
    """Table 三 cells of one row: the given columns, 0 elsewhere, 总计 = their sum."""
    cells = {("三", row, c): str(by_column.get(c, 0)) for c in T3_COLUMNS[:-1]}
    cells[("三", row, "总计")] = str(sum(by_column.values()))
    return cells


def figures() -> dict:
    """5 new + 3 carried in = 8 handled (3 granted, 1 partial, 4 其他处理) + 0 carried out;
    行政复议 2 cases, 行政诉讼 1 direct + 3 after review."""
    v = {}
    v.update(row_of(NEW, 自然人=4, 商业企业=1))
    v.update(row_of(CARRIED_IN, 自然人=3))
    v.update(row_of(GRANTED, 自然人=3))
    v.update(row_of(PARTIAL, 自然人=1))
    v.update(row_of("（六）其他处理", 自然人=3, 商业企业=1))
    v.update(row_of(RESULTS_TOTAL, 自然人=7, 商业企业=1))
    for row, n in (("行政复议", 2), ("未经复议直接起诉", 1), ("复议后起诉", 3)):
        v[("四", row, "尚未审结")] = str(n)
        v[("四", row, "总计")] = str(n)
    v[("二", "政府集中采购", "采购总金额")] = "6874.6408"
    return v


def parse(html: str):
    return lxml.html.document_fromstring(f"<html><body>{html}</body></html>")


# --- Markdown ---------------------------------------------------------------------------------


def test_markdown_renders_and_raw_html_is_text():
    doc = parse(render_markdown("**加粗** 文字\n\n<script>alert(1)</script>\n\n<b onclick=x()>b</b>"))
    assert doc.xpath("//strong/text()") == ["加粗"]
    assert doc.xpath("//script | //b") == []
    assert "<script>alert(1)</script>" in doc.text_content()
    assert "<b onclick=x()>b</b>" in doc.text_content()


@pytest.mark.parametrize("link", ["[x](javascript:alert(1))", "[x](JAVASCRIPT:alert(1))", "<javascript:alert(1)>",
                                  "[x](vbscript:msgbox)", "[x](data:text/html;base64,PHNjcmlwdD4=)"])
def test_unsafe_links_are_not_made(link):
    doc = parse(render_markdown(link))
    assert doc.xpath("//a") == []
    assert "alert" in doc.text_content() or "msgbox" in doc.text_content() or "base64" in doc.text_content()


def test_safe_links_kept_and_images_never_embedded():
    doc = parse(render_markdown("<http://example.gov.cn/a> ![图](http://example.gov.cn/p.png)"))
    assert doc.xpath("//a/@href") == ["http://example.gov.cn/a"]
    assert doc.xpath("//img") == [] and doc.xpath("//@src") == []
    assert "［图片：图］" in doc.text_content()


def test_line_break_inside_chinese_adds_no_space():
    assert "一行二行" in render_markdown("一行\n二行")
    assert "one\ntwo" in render_markdown("one\ntwo")


# --- placeholders -----------------------------------------------------------------------------


def test_known_placeholders_filled_with_table_figures(tmp_path):
    text = ("{{year}}年{{township}}（{{body}}）：新收{{new_applications}}件，上年结转{{ carried_in }}件，"
            "办结{{results_total}}件，予以公开**{{granted}}**件（{{granted_share}}），部分公开{{partial}}件，"
            "结转{{carried_out}}件；复议{{reviews}}件，诉讼{{lawsuits}}件；采购{{t2_procurement_amount}}万元。")
    report = make_report(tmp_path, values=figures(), params={"overview": text})
    assert not [f for f in report.findings if f.status == "fail"], [f.format_line() for f in report.findings]
    out = parse(render_field(report, "overview")).text_content()
    # figures by hand from figures(): 5 new, 3 carried in, 8 handled, 3 granted = 37.5 %, 1 partial,
    # 0 carried out, 2 reviews, 1 + 3 = 4 lawsuits.
    assert out.strip() == ("2020年测试乡（测试乡人民政府）：新收5件，上年结转3件，办结8件，予以公开3件（37.5%），"
                           "部分公开1件，结转0件；复议2件，诉讼4件；采购6874.6408万元。")
    assert placeholder_findings(report) == []


def test_blank_figure_prints_a_marker_never_zero(tmp_path):
    values = figures()
    values[("三", NEW, "总计")] = ""
    values[("三", NEW, "其他")] = ""  # a part blank too, so the kit cannot compute the total
    values[("四", "复议后起诉", "总计")] = ""
    values[("四", "复议后起诉", "结果维持")] = ""
    report = make_report(tmp_path, values=values, params={"overview": "新收{{new_applications}}件，诉讼{{lawsuits}}件。"})
    doc = parse(render_field(report, "overview"))
    missing = doc.xpath("//span[contains(@class,'missing')]")
    assert [m.text_content() for m in missing] == ["［数据缺失］", "［数据缺失］"]
    assert "0" not in doc.text_content()
    found = placeholder_findings(report)
    assert [(f.rule, f.severity, f.values["placeholder"]) for f in found] == [
        ("W-PLACEHOLDER-BLANK", "warning", "new_applications"), ("W-PLACEHOLDER-BLANK", "warning", "lawsuits")]


def test_computed_total_fills_a_placeholder(tmp_path):
    values = figures()
    values[("三", NEW, "总计")] = ""  # parts all present: the kit computes 4 + 1
    report = make_report(tmp_path, values=values, params={"overview": "新收{{new_applications}}件。"})
    assert "新收5件" in parse(render_field(report, "overview")).text_content()


def test_share_of_nothing_is_not_applicable(tmp_path):
    report = make_report(tmp_path, params={"overview": "占{{granted_share}}"})  # all zero
    doc = parse(render_field(report, "overview"))
    assert doc.xpath("//span[contains(@class,'fill')]/text()") == ["［不适用］"]


def _line_of(path: Path, key: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.startswith(f"{key}:"))


def test_unknown_placeholder_is_shown_and_reported(tmp_path):
    report = make_report(tmp_path, params={"overview": "共{{applications}}件", "problems": "{{t2_fees}}万元"})
    doc = parse(render_field(report, "overview"))
    unknown = doc.xpath("//span[contains(@class,'unknown')]")
    assert [u.text_content() for u in unknown] == ["{{applications}}"]
    found = placeholder_findings(report)
    assert [(f.rule, f.severity, f.status, f.values["field"], f.values["placeholder"]) for f in found] == [
        ("E-PLACEHOLDER", "error", "fail", "overview", "applications"),
        ("E-PLACEHOLDER", "error", "fail", "problems", "t2_fees"),
    ]
    params_file = tmp_path / "params/测试乡/2020.yaml"
    assert found[0].file == "params/测试乡/2020.yaml" and found[0].line == _line_of(params_file, "overview")
    assert "2021" in found[1].message  # t2_fees exists only in the 2021 format
    # the review copy shows it in the panel and counts it in the banner
    panel = parse(review_panel(report))
    assert len(panel.xpath("//section[@data-rule='E-PLACEHOLDER']//li")) == 2
    assert "输入错误 2 项" in parse(banner(report)).text_content()
    # and section 一 prints the unknown name visibly
    assert "{{applications}}" in parse(section(report, 1)).text_content()


def test_placeholder_markup_is_escaped(tmp_path):
    report = make_report(tmp_path, params={"overview": "{{<img src=x onerror=alert(1)>}}"})
    doc = parse(render_field(report, "overview"))
    assert doc.xpath("//img") == []
    assert "{{<img src=x onerror=alert(1)>}}" in doc.text_content()
    assert placeholder_findings(report)[0].rule == "E-PLACEHOLDER"


def test_no_params_no_placeholder_findings(tmp_path):
    report = make_report(tmp_path)
    assert placeholder_findings(report) == []
    assert render_field(report, "overview") is None


def test_2021_table_2_placeholders(tmp_path):
    values = {("二", "行政事业性收费", "本年收费金额（单位：万元）"): "96171.6",
              ("二", "行政许可", "本年处理决定数量"): "12"}
    report = make_report(tmp_path, year=2021, values=values, params={"overview": "{{t2_fees}} {{t2_licences}}"})
    assert parse(render_field(report, "overview")).text_content().strip() == "96171.6 12"
    available = placeholder_values(report)
    assert "t2_procurement_amount" not in available and "t2_fees" in available


def test_every_placeholder_is_documented():
    assert {"year", "township", "body", "new_applications", "carried_in", "results_total", "granted",
            "granted_share", "partial", "carried_out", "reviews", "lawsuits"} <= set(PLACEHOLDERS)
    for p in PLACEHOLDERS.values():
        assert p.description and set(p.versions) <= set(spec.VERSIONS)


def test_sample_params_use_only_known_placeholders():
    sample = MAIN / "params" / "示例镇" / "2021.yaml"
    if not sample.exists():
        pytest.skip("2021 sample not present")
    report = build_report(MAIN, "示例镇", 2021)
    assert [f.message for f in placeholder_findings(report) if f.rule == "E-PLACEHOLDER"] == []
