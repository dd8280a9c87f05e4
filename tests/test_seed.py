"""The seed, reproduced: every figure and every paragraph of the published 红旗满族乡 2020 report
(../shared/seed/) appears in the rendered report, in the right cell and under the right heading.

Expected values are read from the published text itself, not from the kit's data files.
"""

from __future__ import annotations

import re
import shutil
import unicodedata

import lxml.html
import pytest

from shared_ref import PROJECT, SEED_TEXT, require
from xxgk import labels, spec
from xxgk.render import render

TOWNSHIP, YEAR = "红旗满族乡", 2020


def fold(text: str) -> str:
    """Compare text as a reader would: extraction spacing, half-width punctuation and the
    angle brackets around the URL in the extracted text carry no meaning."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s<>]", "", text)


@pytest.fixture(scope="module")
def seed_text() -> str:
    text = require(SEED_TEXT).read_text(encoding="utf-8")
    # Two paragraphs were split by a page break (see seed/README.md): join them again.
    text = text.replace("政务公开工作的\n\n顺利开展", "政务公开工作的顺利开展")
    return text.replace("三是\n\n提升政务信息公开水平", "三是提升政务信息公开水平")


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    root = tmp_path_factory.mktemp("seed")
    for rel in (f"data/2020/{TOWNSHIP}.csv", f"params/{TOWNSHIP}/2020.yaml"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(PROJECT / rel, root / rel)
    result = render(root, TOWNSHIP, YEAR)
    assert result.ok, result.error or [f.format_line() for f in result.findings]
    return lxml.html.fromstring(result.html_path.read_bytes())


def between(text: str, start: str, end: str) -> str:
    return text[text.index(start) + len(start):text.index(end)]


def paragraphs(block: str) -> list[str]:
    return [p.strip() for p in block.split("\n\n") if p.strip()]


def section_text(page, number: int) -> str:
    heading = spec.SECTIONS[number - 1]
    (sec,) = page.xpath(f"//section[.//h2[normalize-space(.)='{heading}']]")
    return fold(sec.text_content())


def test_every_narrative_paragraph_is_in_its_section(seed_text, page):
    sec1 = paragraphs(between(seed_text, "一、总体情况", "二、主动公开政府信息情况"))
    sec5 = paragraphs(between(seed_text, "五、存在的问题及改进情况", "六、"))
    sec6 = paragraphs(between(seed_text, "六、", "红旗满族乡人民政府\n"))
    assert len(sec1) == 4 and len(sec5) == 2 and len(sec6) == 1
    for number, paras in ((1, sec1), (5, sec5), (6, sec6)):
        body = section_text(page, number)
        for para in paras:
            assert fold(para) in body, (number, para[:30])


def test_preamble_signature_and_date(seed_text, page):
    whole = fold(page.text_content())
    title, preamble = seed_text.strip().split("\n\n")[:2]
    assert preamble.startswith("为贯彻落实")
    assert fold(preamble) in whole
    assert fold(title) == fold(page.xpath("//h1")[0].text_content())
    assert fold("红旗满族乡人民政府") in whole
    assert fold("2021 年 1 月 26 日") in whole


def cell(page, table: str, row: str, column: str) -> str:
    found = page.xpath(f"//td[@data-table='{table}'][@data-row='{row}'][@data-column='{column}']")
    assert len(found) == 1, (table, row, column)
    return found[0].text_content().strip()


def test_table_2_figures(seed_text, page):
    # Lines such as "规范性文件\t0\t0\t0" and "政府集中采购\t9\t6874.6408 万元".
    fmt = spec.get_format("2019").table("二")
    block = between(seed_text, "二、主动公开政府信息情况", "三、收到和处理")
    checked = 0
    for line in block.splitlines():
        fields = line.split("\t")
        label = fields[0].strip()
        if label not in fmt.data_rows:
            continue
        columns = [c.column for c in fmt.cells if c.row == label]
        for column, printed in zip(columns, fields[1:]):
            assert fold(cell(page, "二", label, column)) == fold(printed), (label, column)
            checked += 1
    assert checked == 19  # every printed 二 figure; 规章 lost its three (below)
    assert cell(page, "二", "政府集中采购", "采购项目数量") == "9"
    assert fold(cell(page, "二", "政府集中采购", "采购总金额")) == fold("6874.6408 万元")
    # Extraction lost 规章's figures: they stay blank, never 0.
    for column in ("本年新制作数量", "本年新公开数量", "对外公开总数量"):
        assert cell(page, "二", "规章", column) == ""


def test_table_3_surviving_rows(seed_text, page):
    block = between(seed_text, "8. 属于行政查询事项", "四、政府信息公开行政复议")
    lines = ["8. 属于行政查询事项" + block.split("\n")[0]] + block.split("\n")[1:]
    checked = 0
    for line in lines:
        fields = [f for f in line.split("\t") if f.strip()]
        if len(fields) < 8:
            continue
        # The last label field before the seven figures; "(四) 无法提供" may precede a sub-item.
        label_text, figures = fields[-8], fields[-7:]
        match = labels.match_label(label_text, "2019", "三", "row")
        assert match.official, label_text
        for column, printed in zip(spec.T3_DATA_COLUMNS, figures):
            assert cell(page, "三", match.official, column) == printed.strip()
            checked += 1
    assert checked == 12 * 7  # 8. … （七）总计 and 四、结转: 12 rows of 7


def test_table_3_lost_cells_are_zero_by_the_footnote_rule(page):
    # （七）总计 and 四 are 0, so by 一+二 = 三+四 with non-negative counts every lost cell is 0.
    for row in (spec.NEW, spec.CARRIED_IN, spec.GRANTED, spec.PARTIAL, *spec.WITHHELD_ITEMS[:7]):
        for column in spec.T3_DATA_COLUMNS:
            assert cell(page, "三", row, column) == "0"


def test_table_4_figures(seed_text, page):
    last = between(seed_text, "四、政府信息公开行政复议、行政诉讼情况", "五、").strip().splitlines()[-1]
    printed = last.split("\t")
    assert len(printed) == 15
    keys = [(r, c) for r in spec.T4_DATA_ROWS for c in spec.T4_DATA_COLUMNS]
    for (row, column), value in zip(keys, printed):
        assert cell(page, "四", row, column) == value


def test_the_explore_cell_stays_in_the_notebook_only(page):
    # The DataFrame of every figure is for JupyterLab; the page shows only the official tables.
    assert not page.xpath("//table[contains(@class, 'dataframe')]")
