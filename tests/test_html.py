"""The rendered report, parsed back with lxml: figures in the right cells, spans as the format
prints them, blank ≠ 0 ≠ "/", computed and failing cells marked, nothing from an input runs."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import lxml.html
import pytest

import xxgk
from report_roots import write_report
from xxgk import spec
from xxgk.html import (banner, provenance_footer, report_css, report_html, review_panel, section,
                       signature_block, table_html, title_block)
from xxgk.report import build_report
from xxgk.catalogue import ORIGINS
from xxgk.findings import tally
from xxgk.rules import REGISTRY

MAIN = Path(__file__).resolve().parents[1]
SEED_PARAMS = MAIN / "params" / "红旗满族乡" / "2020.yaml"
TEMPLATE_SHA = "f" * 64

# Official headings, §2.1 of the spec.
HEADINGS = ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]

NEW = "一、本年新收政府信息公开申请数量"
GRANTED = "（一）予以公开"
RESULTS_TOTAL = "（七）总计"

DEFAULT_PARAMS = {
    "body": "测试乡人民政府",
    "publish_date": dt.date(2021, 1, 26),
    "overview": "总体情况的文字。",
    "problems": "存在的问题。",
    "other": "其他事项。",
    "contact": "联系电话：0000。",
}


def make_report(root: Path, *, params: dict | None = DEFAULT_PARAMS, **kw):
    """A small root with one township-year: every cell of the format, ``default`` unless given."""
    return write_report(root, params=params, **kw)


def parse(html: str):
    return lxml.html.document_fromstring(f"<html><body>{html}</body></html>")


def td(doc, table: str, row: str, column: str):
    found = doc.xpath("//td[@data-table=$t and @data-row=$r and @data-column=$c]", t=table, r=row, c=column)
    assert len(found) == 1, (table, row, column, len(found))
    return found[0]


def text(el) -> str:
    return el.text_content().strip()


def expand(rows) -> dict[tuple[int, int], object]:
    """Positions covered by each cell of ``rows`` (tr elements), the way a browser lays them out."""
    placed: dict[tuple[int, int], object] = {}
    for r, tr in enumerate(rows):
        c = 0
        for cell in tr:
            while (r, c) in placed:
                c += 1
            for dr in range(int(cell.get("rowspan", 1))):
                for dc in range(int(cell.get("colspan", 1))):
                    assert (r + dr, c + dc) not in placed, "cells overlap"
                    placed[(r + dr, c + dc)] = cell
            c += int(cell.get("colspan", 1))
    return placed


@pytest.fixture(scope="module")
def seed():
    if not SEED_PARAMS.exists():
        pytest.skip("seed params file not written yet")
    return build_report(MAIN, "红旗满族乡", 2020)


@pytest.fixture(scope="module")
def seed_doc(seed):
    return parse(report_html(seed, template_sha256=TEMPLATE_SHA))


# --- the seed --------------------------------------------------------------------------------


def test_seed_figures_in_their_cells(seed_doc):
    # The seed (shared/seed/) prints 政府集中采购 9 items, 6874.6408 万元; its 规章 row lost its
    # figures (blank, not 0); 规范性文件 and everything in tables 三 and 四 are 0.
    assert text(td(seed_doc, "二", "政府集中采购", "采购项目数量")) == "9"
    assert text(td(seed_doc, "二", "政府集中采购", "采购总金额")) == "6874.6408 万元"
    for column in ("本年新制作数量", "本年新公开数量", "对外公开总数量"):
        cell = td(seed_doc, "二", "规章", column)
        assert text(cell) == ""
        assert "blank" in cell.classes and "未填报" in cell.get("title")
        assert text(td(seed_doc, "二", "规范性文件", column)) == "0"
    assert text(td(seed_doc, "三", "8.属于行政查询事项", "自然人")) == "0"
    assert text(td(seed_doc, "三", "四、结转下年度继续办理", "总计")) == "0"
    four = seed_doc.xpath("//td[@data-table='四']")
    assert len(four) == 15 and all(text(c) == "0" for c in four)
    assert len(seed_doc.xpath("//td[@data-table='二']")) == 22
    assert len(seed_doc.xpath("//td[@data-table='三']")) == 161


def test_seed_page_parts(seed, seed_doc):
    assert [text(h) for h in seed_doc.xpath("//h2")][:6] == HEADINGS
    assert text(seed_doc.xpath("//h1")[0]) == seed.params.title
    assert "红旗满族乡人民政府" in text(seed_doc.xpath("//*[contains(@class,'signature')]")[0])
    assert "2021年1月26日" in text(seed_doc.xpath("//*[contains(@class,'signature')]")[0])
    # sections 二/三/四 hold tables 二/三/四
    for n, table in ((2, "二"), (3, "三"), (4, "四")):
        assert seed_doc.xpath(f"//section[@id='section-{n}']//table/@data-table") == [table]
    assert "加强组织领导" in text(seed_doc.xpath("//section[@id='section-1']")[0])
    assert seed_doc.xpath("//*[contains(@class,'not-provided')]") == []


def test_every_figure_sits_under_its_header_and_beside_its_label(seed_doc):
    # The data attributes and the visual position agree: the header directly above a figure is its
    # column label; its row label is in the same row (or, for table 四, in a header above it).
    checked = 0
    for table in seed_doc.xpath("//table"):
        groups = table.xpath("./thead | ./tbody")
        if len(groups) == 2 and groups[0].tag == "thead":
            groups = [groups]  # one part: header and body lay out together
        else:
            groups = [[g] for g in groups]
        for group in groups:
            rows = [tr for g in group for tr in g.xpath("./tr")]
            placed = expand(rows)
            head_rows = [i for i, tr in enumerate(rows) if not tr.xpath("./td[contains(@class,'fig')]")]
            last_head = max(head_rows)
            for cell in table.xpath(".//td[@data-column]"):
                if cell.getparent() not in rows:
                    continue
                r, c = next(k for k, v in placed.items() if v is cell)
                assert text(placed[(last_head, c)]) == cell.get("data-column")
                row_texts = {text(placed[(r, cc)]) for cc in range(c) if placed[(r, cc)].tag == "th"}
                head_texts = {text(placed[(h, c)]) for h in head_rows}
                assert cell.get("data-row") in row_texts | head_texts
                checked += 1
    assert checked == 22 + 161 + 15


# --- spans as the format prints them ---------------------------------------------------------


def _th(doc, label: str):
    found = [th for th in doc.xpath("//th") if text(th) == label]
    assert found, label
    return found[0]


def _span(el) -> tuple[int, int]:
    return int(el.get("rowspan", 1)), int(el.get("colspan", 1))


@pytest.mark.parametrize("year, results_span", [(2020, 20), (2021, 22)])
def test_rendered_spans(tmp_path, year, results_span):
    doc = parse(report_html(make_report(tmp_path, year=year), template_sha256=TEMPLATE_SHA))
    corner = doc.xpath("//table[@data-table='三']//th[contains(@class,'corner')]")[0]
    assert text(corner) == "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    assert _span(corner) == (3, 3)
    assert _span(_th(doc, "申请人情况")) == (1, 7)
    assert _span(_th(doc, "自然人")) == (2, 1)
    assert _span(_th(doc, "法人或其他组织")) == (1, 5)
    assert _span(doc.xpath("//table[@data-table='三']//th[.='总计']")[0]) == (2, 1)
    assert _span(_th(doc, "三、本年度办理结果")) == (results_span, 1)
    assert _span(_th(doc, "（三）不予公开")) == (8, 1)
    assert _span(_th(doc, "行政复议")) == (1, 5)
    assert _span(_th(doc, "行政诉讼")) == (1, 10)
    assert _span(_th(doc, "未经复议直接起诉")) == (1, 5)
    assert _span(_th(doc, "复议后起诉")) == (1, 5)
    assert _span(doc.xpath("//table[@data-table='四']//th[.='结果维持']")[0]) == (2, 1)
    # headers are th with a scope; row labels th scope=row; figures are td
    assert all(th.get("scope") == "row" for th in doc.xpath("//th[contains(@class,'label')]"))
    t3 = doc.xpath("//table[@data-table='三']")[0]
    assert len(t3.xpath("./thead/tr")) == 3 and len(t3.xpath("./tbody/tr")) == (23 if year == 2020 else 25)


# --- figures: blank, 0, n/a, money, computed ---------------------------------------------------


def test_blank_zero_and_not_applicable_stay_distinct(tmp_path):
    values = {("二", "规范性文件", "本年新制作数量"): "", ("二", "规范性文件", "本年新公开数量"): "0",
              ("二", "规范性文件", "对外公开总数量"): "/", ("二", "政府集中采购", "采购总金额"): "12.50"}
    doc = parse(table_html(make_report(tmp_path, values=values), "二"))
    blank = td(doc, "二", "规范性文件", "本年新制作数量")
    zero = td(doc, "二", "规范性文件", "本年新公开数量")
    na = td(doc, "二", "规范性文件", "对外公开总数量")
    assert (text(blank), text(zero), text(na)) == ("", "0", "/")
    assert "blank" in blank.classes and blank.get("title").startswith("未填报")
    assert "blank" not in zero.classes and zero.get("title") is None
    assert "na" in na.classes and "blank" not in na.classes
    assert text(td(doc, "二", "政府集中采购", "采购总金额")) == "12.50 万元"


def test_2021_money_prints_the_number_only(tmp_path):
    values = {("二", "行政事业性收费", "本年收费金额（单位：万元）"): "96171.6"}
    doc = parse(table_html(make_report(tmp_path, year=2021, values=values), "二"))
    assert text(td(doc, "二", "行政事业性收费", "本年收费金额（单位：万元）")) == "96171.6"
    assert len(doc.xpath("//td[@data-table='二']")) == 10


def _consistent_values() -> dict:
    """3 + 2 applications, all granted; 予以公开's 总计 left blank for the kit to compute."""
    v = {}
    for row in (NEW, GRANTED, RESULTS_TOTAL):
        v[("三", row, "自然人")] = "3"
        v[("三", row, "商业企业")] = "2"
        v[("三", row, "总计")] = "5"
    v[("三", GRANTED, "总计")] = ""
    return v


def test_computed_totals_are_marked(tmp_path):
    report = make_report(tmp_path, values=_consistent_values())
    doc = parse(table_html(report, "三"))
    computed = td(doc, "三", GRANTED, "总计")
    assert text(computed) == "5"
    assert "computed" in computed.classes and "由分项计算" in computed.get("title")
    given = td(doc, "三", NEW, "总计")
    assert text(given) == "5" and "computed" not in given.classes
    marked = doc.xpath("//td[contains(concat(' ', @class, ' '), ' computed ')]")
    assert [(c.get("data-row"), c.get("data-column")) for c in marked] == [(GRANTED, "总计")]


def test_failing_cells_highlighted_and_linked_from_the_panel(tmp_path):
    values = _consistent_values()
    values[("三", NEW, "总计")] = "6"  # 3 + 2 ≠ 6: R2 fails for this row, R1 for the 总计 column
    report = make_report(tmp_path, values=values)
    doc = parse(report_html(report, template_sha256=TEMPLATE_SHA))
    bad = td(doc, "三", NEW, "总计")
    assert "flagged" in bad.classes and bad.get("id")
    assert "R2" in bad.get("title") and "R1" in bad.get("title")
    assert "flagged" not in td(doc, "三", GRANTED, "自然人").classes
    links = doc.xpath(f"//section[@id='review']//li[contains(@class,'fail')]//a[@href='#{bad.get('id')}']")
    assert links, "the failing rule links to the highlighted cell"
    for a in doc.xpath("//section[@id='review']//a[starts-with(@href,'#cell-')]"):
        target = doc.xpath(f"//*[@id='{a.get('href')[1:]}']")
        assert len(target) == 1 and target[0].tag == "td" and "flagged" in target[0].classes
    # The banner counts every failed check: here one R1 column and one R2 row, nothing else.
    failed = sum(1 for f in report.findings if f.status == "fail")
    assert failed == 2 and tally(report.findings).failed == 2
    b = doc.xpath("//*[@id='banner']")[0]
    assert b.get("data-failed") == "2" and "检查未通过 2 项" in text(b) and "未填报" not in text(b)


def test_panel_lists_every_rule_failed_first(tmp_path):
    values = _consistent_values()
    values[("三", NEW, "总计")] = "6"
    report = make_report(tmp_path, values=values)
    doc = parse(review_panel(report))
    rules = doc.xpath("//section[@data-rule]")
    ids = [s.get("data-rule") for s in rules]
    assert set(ids) == {f.rule for f in report.findings} and len(ids) == len(set(ids))
    assert {"R1", "R2", "R3", "R6"} <= set(ids)
    statuses = ["rule-fail" in s.classes for s in rules]
    assert statuses == sorted(statuses, reverse=True)  # all failed groups before the others
    failing = ids[:statuses.count(True)]
    # 予以公开's 总计 is left blank but computed from its parts: not missing data, not failing.
    assert {"R1", "R2"} == set(failing)
    assert "M-BLANK" not in ids
    r1 = doc.xpath("//section[@data-rule='R1']")[0]
    assert REGISTRY["R1"].formula in text(r1)
    assert ORIGINS[REGISTRY["R1"].origin].render() in text(r1)
    # within a group, failed instances come first
    items = r1.xpath(".//li")
    assert "fail" in items[0].classes and "pass" in items[-1].classes
    # every result of the report is listed once
    assert len(doc.xpath("//section[@data-rule]//li")) == len(report.findings)


def test_banner_when_everything_passes(tmp_path):
    doc = parse(banner(make_report(tmp_path)))
    b = doc.xpath("//*[@id='banner']")[0]
    assert b.get("data-failed") == "0" and "全部通过" in text(b)


def test_publish_leaves_out_banner_panel_and_marks(tmp_path):
    values = _consistent_values()
    values[("三", NEW, "总计")] = "6"
    report = make_report(tmp_path, values=values, notes={("三", NEW, "自然人"): "a note"})
    review = parse(report_html(report, template_sha256=TEMPLATE_SHA))
    assert review.xpath("//*[@id='banner']") and review.xpath("//*[@id='review']")
    assert review.xpath("//ol[contains(@class,'cell-notes')]")
    doc = parse(report_html(report, template_sha256=TEMPLATE_SHA, publish=True))
    assert doc.xpath("//*[@id='banner']") == [] and doc.xpath("//*[@id='review']") == []
    assert doc.xpath("//*[contains(@class,'flagged')]") == []
    assert doc.xpath("//td[@id]") == []
    assert doc.xpath("//ol[contains(@class,'cell-notes')]") == []
    assert "数据核验" not in text(doc.xpath("//body")[0])
    assert [text(h) for h in doc.xpath("//h2")] == HEADINGS
    assert text(td(doc, "三", NEW, "总计")) == "6"
    assert doc.xpath("//footer[contains(@class,'provenance')]")


def test_cell_notes_listed_once_under_the_table(tmp_path):
    note = "lost in extraction"
    notes = {("三", NEW, c): note for c in ("自然人", "商业企业")}
    doc = parse(table_html(make_report(tmp_path, notes=notes), "三"))
    items = doc.xpath("//ol[contains(@class,'cell-notes')]/li")
    assert len(items) == 1 and note in text(items[0]) and "2 个单元格" in text(items[0])
    assert "noted" in td(doc, "三", NEW, "自然人").classes
    assert "noted" not in td(doc, "三", NEW, "科研机构").classes


# --- nothing from an input runs --------------------------------------------------------------

EVIL = {
    **DEFAULT_PARAMS,
    "title": "<script>alert('t')</script>标题",
    "body": '<img src=x onerror="alert(1)">人民政府',
    "preamble": "<iframe src='http://evil.example/'></iframe>",
    "overview": "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1)) "
                "[y](JaVaScRiPt:alert(2)) <javascript:alert(3)> ![p](http://evil.example/p.png)",
    "problems": '<a href="javascript:alert(4)" onclick="alert(5)">a</a> <svg onload=alert(6)>',
    "other": "{{<script>alert(7)</script>}}",
    "contact": '<div style="background:url(http://evil.example/x)">c</div>',
}


def test_inputs_never_become_markup(tmp_path):
    notes = {("三", NEW, "自然人"): "<script>alert('note')</script>"}
    report = make_report(tmp_path, params=EVIL, notes=notes)
    assert report.params is not None, report.findings
    html = report_html(report, template_sha256=TEMPLATE_SHA)
    doc = parse(html)
    assert doc.xpath("//script | //iframe | //img | //svg | //object | //embed | //link | //style") == []
    for el in doc.iter():
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), (el.tag, name)
            assert "javascript:" not in value.lower().replace(" ", ""), (el.tag, name, value)
            assert "url(" not in value.lower(), (el.tag, name, value)
        if el.tag == "a":
            assert not el.get("href", "").lower().startswith(("http://evil", "javascript"))
    body = text(doc.xpath("//body")[0])
    # ... and the text is still there for a reviewer to see
    assert "<script>alert(1)</script>" in body
    assert "<script>alert('t')</script>标题" in text(doc.xpath("//h1")[0])
    assert '<img src=x onerror="alert(1)">人民政府' in body
    assert "<script>alert('note')</script>" in body


def test_unreadable_data_still_renders_a_review_page(tmp_path):
    make_report(tmp_path)
    (tmp_path / "data/2020/测试乡.csv").write_bytes(b"")
    report = build_report(tmp_path, "测试乡", 2020)
    assert report.has_input_errors
    doc = parse(report_html(report, template_sha256=TEMPLATE_SHA))
    assert all(text(c) == "" and "blank" in c.classes for c in doc.xpath("//td[@data-table]"))
    assert doc.xpath("//section[@data-rule='E-EMPTY']//li[contains(@class,'error')]")
    assert "输入错误 1 项" in text(doc.xpath("//*[@id='banner']")[0])


# --- missing narrative -----------------------------------------------------------------------


def test_missing_params_file_says_so_visibly(tmp_path):
    report = make_report(tmp_path, params=None)
    doc = parse(report_html(report, template_sha256=TEMPLATE_SHA))
    for n in (1, 5, 6):
        marks = doc.xpath(f"//section[@id='section-{n}']/p[contains(@class,'not-provided')]")
        assert len(marks) == 1 and "未提供" in text(marks[0]) and "params/测试乡/2020.yaml" in text(marks[0])
    for n in (2, 3, 4):
        assert doc.xpath(f"//section[@id='section-{n}']//*[contains(@class,'not-provided')]") == []
    assert "未提供" in text(doc.xpath("//*[contains(@class,'signature')]")[0])
    assert text(doc.xpath("//h1")[0]) == "测试乡2020年政府信息公开工作年度报告"
    assert doc.xpath("//section[@data-rule='W-NO-PARAMS']")
    # the tables still carry the figures
    assert text(td(doc, "三", NEW, "总计")) == "0"


def test_empty_field_says_so_for_its_section_only(tmp_path):
    report = make_report(tmp_path, params={**DEFAULT_PARAMS, "problems": "  ", "contact": None})
    doc = parse(report_html(report, template_sha256=TEMPLATE_SHA))
    five = doc.xpath("//section[@id='section-5']/p[contains(@class,'not-provided')]")
    assert len(five) == 1 and "problems" in text(five[0])
    assert doc.xpath("//section[@id='section-1']/p[contains(@class,'not-provided')]") == []
    six = doc.xpath("//section[@id='section-6']/p[contains(@class,'not-provided')]")
    assert len(six) == 1 and "contact" in text(six[0])
    assert "其他事项。" in text(doc.xpath("//section[@id='section-6']")[0])


# --- provenance, determinism, size, CSS -------------------------------------------------------


def test_provenance_footer(tmp_path):
    report = make_report(tmp_path)
    doc = parse(provenance_footer(report, template_sha256="ab" * 32))
    footer = text(doc.xpath("//footer")[0])
    data_sha = hashlib.sha256((tmp_path / "data/2020/测试乡.csv").read_bytes()).hexdigest()
    params_sha = hashlib.sha256((tmp_path / "params/测试乡/2020.yaml").read_bytes()).hexdigest()
    assert data_sha in footer and params_sha in footer and "ab" * 32 in footer
    assert f"xxgk {xxgk.__version__}" in footer
    assert "2019" in footer and "国办公开办函〔2019〕60号" in footer
    missing = parse(provenance_footer(make_report(tmp_path / "b", params=None), template_sha256=None))
    assert text(missing.xpath("//footer")[0]).count("未提供") == 2  # params file and template


def test_same_inputs_give_identical_html(tmp_path):
    a = report_html(make_report(tmp_path, values=_consistent_values()), template_sha256=TEMPLATE_SHA)
    b = report_html(build_report(tmp_path, "测试乡", 2020), template_sha256=TEMPLATE_SHA)
    assert a == b


def test_seed_page_stays_small(seed):
    html = report_html(seed, template_sha256=TEMPLATE_SHA)
    assert len(html.encode("utf-8")) + len(report_css().encode("utf-8")) < 80_000


def test_seed_needs_no_network(seed_doc):
    assert seed_doc.xpath("//script | //img | //link | //iframe | //style") == []
    assert seed_doc.xpath("//@src") == []
    for href in seed_doc.xpath("//a/@href"):
        assert href.startswith("#") or href.startswith("http://ngqxxgk.harbin.gov.cn/")  # the seed's own link


def test_css_is_offline_and_prints_a4():
    css = report_css()
    assert css == (MAIN / "lib/xxgk/assets/report.css").read_text(encoding="utf-8")
    assert "url(" not in css and "@import" not in css and "@font-face" not in css
    assert "size: A4" in css and "@media print" in css
    assert "table-header-group" in css and "counter(page)" in css and "@bottom-center" in css
    assert '"Noto Serif CJK SC"' in css and "serif" in css


def test_each_piece_is_one_element_marked_chinese(seed):
    pieces = [banner(seed), title_block(seed), *(section(seed, n) for n in range(1, 7)), signature_block(seed),
              review_panel(seed), provenance_footer(seed, template_sha256=TEMPLATE_SHA)]
    for piece in pieces:
        body = parse(piece).xpath("//body")[0]
        assert len(body) == 1, piece[:80]
        assert "xxgk" in body[0].classes and body[0].get("lang") == "zh-CN"
    assert banner(seed, publish=True) == "" and review_panel(seed, publish=True) == ""
