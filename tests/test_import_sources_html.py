"""Issue 11: the source readers for web pages and text copies give the import core faithful
material: every paragraph in reading order, every table of data as a grid (merged cells' text in
every position they cover), where each was found, and what the page says about itself.

The web pages under tests/fixtures/import/ are made up in the shape of real government pages (see
the README there); the text copy is the seed report as published."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from xxgk import render as rendering
from xxgk.importer import sources
from xxgk.importer.document import Document, Grid, Paragraph, SourceError, Where
from xxgk.labels import match_key

from shared_ref import SEED_TEXT, require

PROJECT = Path(__file__).resolve().parents[1]
FIXTURES = PROJECT / "tests" / "fixtures" / "import"
CMS = FIXTURES / "cms_gbk.html"
SPLIT = FIXTURES / "split_tables.htm"

HEADINGS = ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
APPLICANTS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
#: Text the page holds but never shows: scripts, styles, noscript, hidden elements, form widgets.
UNSEEN = ["不应出现", "隐藏的站内搜索提示", "访问统计脚本", "您的浏览器不支持脚本", "请输入关键字", "全站", "本栏目",
          "font-family", "color:"]


def texts(doc: Document) -> list[str]:
    return [p.text for p in doc.paragraphs]


def index_of(doc: Document, text: str) -> int:
    """Position in doc.blocks of the paragraph that is exactly ``text``."""
    found = [i for i, b in enumerate(doc.blocks) if isinstance(b, Paragraph) and b.text == text]
    assert len(found) == 1, (text, found)
    return found[0]


def all_text(doc: Document) -> str:
    cells = [c for g in doc.grids for row in g.cells for c in row]
    return "\n".join([*texts(doc), *cells, doc.title or "", *doc.meta.values()])


def assert_rectangle(grid: Grid) -> None:
    assert grid.cells and all(len(row) == grid.width for row in grid.cells)
    assert all(0 <= r < grid.height and 0 <= c < grid.width for r, c in grid.origin)


# --- a CMS page: GBK, declared gb2312, the report in a layout table ------------------------------

@pytest.fixture(scope="module")
def cms() -> Document:
    return sources.read(CMS)


def test_cms_page_title_and_header(cms):
    assert cms.title == "青松乡2020年政府信息公开工作年度报告_示例县人民政府"
    # Keyed by the label as printed, without its colon or the spaces that pad it (索 引 号).
    assert cms.meta["索引号"] == "QSX-2021-00017"
    assert cms.meta["发布机构"] == "青松乡人民政府"
    assert cms.meta["成文日期"] == "2021-01-26"
    assert cms.meta["发布日期"] == "2021-01-28"
    assert cms.meta["标题"] == "青松乡2020年政府信息公开工作年度报告"
    # The info line: each value ends where the next label starts; the font-size widget is no field.
    assert cms.meta["发布时间"] == "2021-01-28 10:12"
    assert cms.meta["来源"] == "青松乡人民政府"
    assert not {"字体", "打印"} & set(cms.meta)
    # The government-site metadata tags of the head, under their own names.
    assert cms.meta["PubDate"] == "2021-01-28 10:12"
    assert "keywords" not in cms.meta


def test_cms_page_paragraphs_in_reading_order(cms):
    at = [index_of(cms, h) for h in HEADINGS]
    assert at == sorted(at)
    assert all(cms.blocks[i].heading for i in at)  # <p><strong>…</strong></p>
    title = index_of(cms, "青松乡2020年政府信息公开工作年度报告")
    assert cms.blocks[title].heading and title < at[0]  # centred and bold
    # A section in one <p> with <br>: one paragraph per line, indentation and &nbsp; gone.
    body = texts(cms)
    i = body.index("2020年，青松乡认真贯彻落实政府信息公开工作要求，围绕中心工作做好信息公开。")
    assert body[i + 1:i + 4] == ["（一）主动公开。全年通过政府网站主动公开信息86条。",
                                 "（二）依申请公开。全年收到政府信息公开申请4件，均按期答复。",
                                 "（三）政府信息管理。严格落实信息发布保密审查，做到先审后发。"]
    assert not cms.blocks[index_of(cms, body[i + 1])].heading
    # The source's own line wrapping inside Chinese text joins without a space.
    assert any("加强人员培训，完善工作机制" in t for t in body)
    assert body[-4:-2] == ["青松乡人民政府", "2021年1月26日"]
    assert all(isinstance(p.where, Where) and p.where.line for p in cms.paragraphs)


def test_cms_page_chrome_is_kept_as_paragraphs_and_unseen_text_dropped(cms):
    body = texts(cms)
    nav = body.index("首页 | 政务公开 | 办事服务 | 互动交流")
    crumbs = body.index("当前位置：首页 > 政府信息公开 > 政府信息公开年报")
    footer = body.index("网站标识码：0000000000 联系电话：0000-0000000")
    assert nav < crumbs < body.index("一、总体情况") < body.index("六、其他需要报告的事项") < footer
    everything = all_text(cms)
    for unseen in UNSEEN:
        assert unseen not in everything, unseen


def test_cms_page_tables_are_grids_in_place(cms):
    grids = cms.grids
    # The CMS header table is a table of data too (the core ignores what it cannot place).
    assert [g.where.table for g in grids] == [1, 2, 3, 4]
    assert [(g.height, g.width) for g in grids] == [(3, 4), (18, 4), (26, 10), (4, 15)]
    for g in grids:
        assert_rectangle(g)
    blocks = cms.blocks
    for heading, grid in zip(HEADINGS[1:4], grids[1:4]):
        assert blocks[index_of(cms, heading) + 1] is grid
    assert grids[0].cells[0] == ["索 引 号：", "QSX-2021-00017", "发布机构：", "青松乡人民政府"]


def test_cms_page_table_2_labels_joined_and_blanks_empty(cms):
    t2 = cms.grids[1]
    # <br>, <span> runs and <font> runs inside a label join without a character between them.
    assert t2.cells[1] == ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"]
    assert t2.cells[5][1] == "上一年项目数量"
    # &nbsp; cells are blank, not a space; numbers and signs as printed.
    assert t2.cells[2] == ["规章", "", "", ""]
    assert t2.cells[6] == ["行政许可", "12", "+1", "36"]
    # A block caption over all four columns: its text in each, the copies pointing at the cell.
    assert t2.cells[4] == ["第二十条第(五)项"] * 4
    assert t2.origin[(4, 3)] == (4, 0) and t2.is_copy(4, 3) and not t2.is_copy(4, 0)
    assert t2.cells[17] == ["政府集中采购", "3", "45.6 万元", "45.6 万元"]
    assert t2.is_copy(17, 3) and not t2.is_copy(17, 1)
    assert t2.where_of(6, 2) == Where(table=2, row=7, column=3, line=t2.where.line)


def test_cms_page_table_3_merged_cells_expanded(cms):
    t3 = cms.grids[2]
    footnote = "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)"
    assert [t3.at(r, c) for r in range(3) for c in range(3)] == [footnote] * 9
    # 申请人情况 stands above all seven columns of figures.
    assert t3.cells[0][3:] == ["申请人情况"] * 7
    assert t3.cells[1][4:9] == ["法人或其他组织"] * 5
    assert [match_key(t) for t in t3.cells[2][3:]] == APPLICANTS
    assert t3.cells[2][3:5] == ["自 然 人", "商业 企业"]  # spaces in the source: one kept
    assert t3.cells[1][3] == t3.cells[2][3] == "自 然 人" and t3.origin[(2, 3)] == (1, 3)
    # 三、本年度办理结果 (a vertical label, one character per <br>) beside each of its 20 rows.
    assert [t3.at(r, 0) for r in range(5, 25)] == ["三、本年度办理结果"] * 20
    assert t3.at(4, 0) == "二、上年结转政府信息公开申请数量" and t3.at(25, 0) == "四、结转下年度继续办理"
    assert all(t3.origin[(r, 0)] == (5, 0) for r in range(5, 25))
    assert [t3.at(r, 1) for r in range(7, 15)] == ["(三)不予公开"] * 8
    assert t3.cells[7][2] == "1.属于国家秘密"
    assert t3.cells[15][1:] == ["(四)无法提供", "1.本机关不掌握相关政府信息", "1", "0", "0", "0", "0", "0", "1"]
    assert t3.cells[24][:4] == ["三、本年度办理结果", "(七)总计", "(七)总计", "3"]


def test_cms_page_table_4(cms):
    t4 = cms.grids[3]
    assert t4.cells[0] == ["行政复议"] * 5 + ["行政诉讼"] * 10
    assert t4.cells[1][:5] == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    assert t4.cells[1][5:] == ["未经复议直接起诉"] * 5 + ["复议后起诉"] * 5
    assert t4.cells[2][:5] == t4.cells[1][:5] and t4.origin[(2, 0)] == (1, 0)
    assert t4.cells[3] == ["1", "0", "0", "0", "1"] + ["0"] * 10


# --- the same report with its tables split over several <table> elements -------------------------

@pytest.fixture(scope="module")
def split() -> Document:
    return sources.read(SPLIT)


def test_split_tables_each_a_grid(split):
    assert [(g.height, g.width) for g in split.grids] == [(19, 4), (15, 10), (14, 10), (3, 15), (1, 15)]
    assert [g.where.table for g in split.grids] == [1, 2, 3, 4, 5]
    for g in split.grids:
        assert_rectangle(g)


def test_split_tables_table_2_in_one_grid(split):
    t2 = split.grids[0]
    # A caption row with colspan=5 in a table four wide: the fifth column is clipped.
    assert t2.cells[0] == ["主动公开政府信息情况"] * 4
    assert [row[0] for row in t2.cells if row[0].startswith("第二十条")] == [
        "第二十条第（一）项", "第二十条第（五）项", "第二十条第（六）项", "第二十条第（八）项", "第二十条第（九）项"]
    # Ragged rows are padded at the end.
    assert t2.cells[15] == ["行政事业性收费", "0", "0", ""]
    assert t2.cells[18] == ["政府集中采购", "3", "45.6万元", ""]
    assert t2.cells[3] == ["规章", "", "", ""]


def test_split_tables_table_3_over_two_tables(split):
    first, second = split.grids[1], split.grids[2]
    # The header is repeated at the top of the second part, as Word does over a page break.
    assert first.cells[:3] == second.cells[:3]
    assert first.cells[0][3:] == ["申请人情况"] * 7
    # rowspan=20 left as it was in a part of ten rows: clipped to the table.
    assert [first.at(r, 0) for r in range(5, 15)] == ["三、本年度办理结果"] * 10
    # The second part's continuation of that cell is an empty merged cell: "" in each row, merged.
    assert [second.at(r, 0) for r in range(3, 13)] == [""] * 10
    assert all(second.origin[(r, 0)] == (3, 0) for r in range(3, 13))
    assert second.cells[13][:4] == ["四、结转下年度继续办理"] * 3 + ["0"]
    # Between the two parts, the page's own line.
    i = split.blocks.index(first)
    assert split.blocks[i + 1] == Paragraph("（续表）", split.blocks[i + 1].where, heading=True)
    assert split.blocks[i + 2] is second


def test_split_tables_table_4_header_and_figures_apart(split):
    head, figures = split.grids[3], split.grids[4]
    assert head.cells[2][5:10] == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    assert figures.cells == [["1", "0", "0", "0", "1"] + ["0"] * 10]


def test_split_tables_headings_split_from_their_sections(split):
    body = texts(split)
    at = [body.index(h) for h in HEADINGS]
    assert at == sorted(at)
    assert body[at[0] + 1].startswith("2020年，青松乡")
    assert body[at[4] + 1] == "信息更新不够及时，下一步将加强人员培训。"
    assert body[-3:] == ["青松乡人民政府", "2021年1月26日", "版权所有：示例县人民政府 网站标识码：0000000000"]
    # <h1>, <h3> and a bold style are headings; a heading split off by <br> has no such mark.
    assert split.blocks[index_of(split, "青松乡2020年政府信息公开工作年度报告")].heading
    assert split.blocks[index_of(split, HEADINGS[2])].heading
    assert split.blocks[index_of(split, HEADINGS[1])].heading
    assert not split.blocks[index_of(split, HEADINGS[0])].heading
    assert split.meta == {"发布日期": "2021-01-28", "信息来源": "青松乡人民政府"}
    assert "不应出现" not in all_text(split)


@pytest.mark.parametrize("suffix", [".html", ".shtml", ".HTM"])
def test_every_web_suffix_is_read_as_a_page(tmp_path, suffix):
    page = tmp_path / f"report{suffix}"
    shutil.copyfile(SPLIT, page)
    doc = sources.read(page)
    assert doc.source == page and len(doc.grids) == 5


# --- encodings -----------------------------------------------------------------------------------

def test_pages_without_a_charset_utf8_and_gbk():
    utf8 = sources.read(FIXTURES / "undeclared_utf8.html")
    gbk = sources.read(FIXTURES / "undeclared_gbk.html")
    assert (FIXTURES / "undeclared_gbk.html").read_bytes() != (FIXTURES / "undeclared_utf8.html").read_bytes()
    for doc in (utf8, gbk):
        assert doc.title == "青松乡2020年政府信息公开工作年度报告"
        assert texts(doc)[2] == "四、政府信息公开行政复议、行政诉讼情况"
        assert doc.grids[0].cells[0] == ["行政复议"] * 5 + ["行政诉讼"] * 10
        assert doc.meta == {"发布日期": "2021-01-28"}
    assert utf8.blocks == gbk.blocks


PAGE = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}"><title>年度报告</title>'
        '</head><body><p>一、总体情况</p><table><tr><td>行政许可</td><td>12</td></tr></table>'
        '<p>生僻字：䶮 镕 堃</p></body></html>')


@pytest.mark.parametrize("declared, encoding", [
    ("gb2312", "gb18030"),  # GBK characters under a gb2312 declaration (堃, 镕) still decode
    ("utf-8", "gbk"),       # a wrong declaration: the bytes are GBK
    ("gb2312", "utf-8"),    # a template's leftover declaration: the bytes are UTF-8
    ("iso-8859-1", "gbk"),  # a Western charset on a Chinese page is not believed
    ("no-such-charset", "utf-8"),
])
def test_declared_charset_honoured_unless_the_bytes_say_otherwise(tmp_path, declared, encoding):
    page = tmp_path / "page.html"
    text = PAGE.format(charset=declared)
    if encoding == "gbk":
        text = text.replace("䶮 ", "")  # outside GBK
    page.write_bytes(text.encode(encoding))
    doc = sources.read(page)
    assert doc.title == "年度报告"
    assert texts(doc)[0] == "一、总体情况" and doc.grids[0].cells == [["行政许可", "12"]]
    assert texts(doc)[1].startswith("生僻字：") and texts(doc)[1].endswith("镕 堃")


def test_utf8_bom_and_xml_declaration(tmp_path):
    page = tmp_path / "page.html"
    page.write_bytes(b"\xef\xbb\xbf" + '<?xml version="1.0" encoding="gbk"?>\n<html><body><p>一、总体情况</p></body></html>'
                     .encode("utf-8"))
    assert texts(sources.read(page)) == ["一、总体情况"]


def test_gzipped_page_saved_as_is(tmp_path):
    import gzip

    page = tmp_path / "page.html"
    page.write_bytes(gzip.compress(SPLIT.read_bytes()))
    assert sources.read(page).blocks == sources.read(SPLIT).blocks


# --- the kit's own published page --------------------------------------------------------------

TOWNSHIP, YEAR = "红旗满族乡", 2020


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Document:
    root = tmp_path_factory.mktemp("render")
    for rel in (f"data/{YEAR}/{TOWNSHIP}.csv", f"params/{TOWNSHIP}/{YEAR}.yaml"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(PROJECT / rel, root / rel)
    result = rendering.render(root, TOWNSHIP, YEAR, publish=True)
    assert result.ok, result.error
    return sources.read(result.html_path)


def test_kit_page_sections_and_title(rendered):
    assert rendered.title == "红旗满族乡2020年政府信息公开年度报告"
    body = texts(rendered)
    assert body[0] == "红旗满族乡2020年政府信息公开年度报告" and rendered.paragraphs[0].heading
    at = [index_of(rendered, h) for h in HEADINGS]
    assert at == sorted(at) and all(rendered.blocks[i].heading for i in at)
    assert body[-7:-5] == ["红旗满族乡人民政府", "2021年1月26日"]
    # The page's provenance footer is text like any other; the page has no CMS header.
    assert "生成工具：xxgk 0.1.0" in body
    assert rendered.meta == {}
    assert "font-family" not in all_text(rendered)


def test_kit_page_tables(rendered):
    t2, t3, t4 = rendered.grids
    assert [(g.height, g.width) for g in (t2, t3, t4)] == [(18, 4), (26, 10), (4, 15)]
    assert [g.where.table for g in (t2, t3, t4)] == [1, 2, 3]
    # Each <caption> is a heading paragraph just before its grid.
    for grid, caption in zip((t2, t3, t4), ["主动公开政府信息情况", "收到和处理政府信息公开申请情况",
                                            "政府信息公开行政复议、行政诉讼情况"]):
        i = rendered.blocks.index(grid)
        assert rendered.blocks[i - 1].text == caption and rendered.blocks[i - 1].heading
    assert t2.cells[2] == ["规章", "", "", ""]
    assert t2.cells[3] == ["规范性文件", "0", "0", "0"]
    assert t2.cells[17] == ["政府集中采购", "9", "6874.6408 万元", ""]
    assert t3.cells[0][3:] == ["申请人情况"] * 7 and t3.cells[2][3:] == APPLICANTS
    assert [t3.at(r, 0) for r in range(5, 25)] == ["三、本年度办理结果"] * 20
    assert [t3.at(r, 1) for r in range(18, 23)] == ["（五）不予处理"] * 5
    assert t3.cells[23][1:3] == ["（六）其他处理"] * 2 and t3.cells[25][:3] == ["四、结转下年度继续办理"] * 3
    assert t4.cells[3] == ["0"] * 15


# --- damaged and wrong sources ----------------------------------------------------------------------

def test_truncated_page_gives_what_it_has(tmp_path):
    data = CMS.read_bytes()
    cut = data.index("8.属于行政查询事项".encode("gbk"))
    page = tmp_path / "cut.html"
    page.write_bytes(data[:cut - 3])  # inside "<td>"
    doc = sources.read(page)
    assert len(doc.grids) == 3
    t3 = doc.grids[2]
    # The rows up to the cut, and the cut row's cells that spans from above reach.
    assert t3.cells[13][2:] == ["7.属于行政执法案卷"] + ["0"] * 7
    assert t3.cells[14] == ["三、本年度办理结果", "(三)不予公开"] + [""] * 8
    assert t3.height == 15
    assert texts(doc)[-1] == "三、收到和处理政府信息公开申请情况"
    assert doc.meta["发布日期"] == "2021-01-28"


def _variant(path: Path) -> str:
    with pytest.raises(SourceError) as caught:
        sources.read(path)
    return caught.value.variant


@pytest.mark.parametrize("content, variant", [
    (b"", "empty"),
    (b" \r\n\t \n", "empty"),
    (b"<!-- nothing here -->", "empty"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "unreadable"),
    (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00word/document.xml", "unreadable"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "unreadable"),
    (b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00", "unreadable"),
    # Bytes that are neither UTF-8 nor GB18030 (0x80 and 0xFF start nothing in either).
    (b"<html><body><p>\x80\xff\x80\xff \xc4\xea\xb6\xc8</p></body></html>", "encoding"),
    (b'<meta charset="gbk"><p>a\xffb</p>', "encoding"),
])
def test_bad_sources(tmp_path, content, variant):
    page = tmp_path / "report.html"
    page.write_bytes(content)
    assert _variant(page) == variant


def test_binary_file_says_what_it_is(tmp_path):
    page = tmp_path / "report.html"
    page.write_bytes(b"%PDF-1.4\n...")
    with pytest.raises(SourceError) as caught:
        sources.read(page)
    assert caught.value.variant == "unreadable" and "PDF" in caught.value.args_["reason"]


def test_missing_file_and_folder_are_unreadable(tmp_path):
    folder = tmp_path / "folder.html"
    folder.mkdir()
    for path, said in ((tmp_path / "nowhere.html", "找不到该文件"), (folder, "这是文件夹")):
        with pytest.raises(SourceError) as caught:
            sources.read(path)
        assert caught.value.variant == "unreadable" and caught.value.args_["reason"].startswith(said)


# --- the rules of the table model, one page each -----------------------------------------------------

def page(tmp_path: Path, body: str) -> Document:
    path = tmp_path / "page.html"
    path.write_text(f"<html><head><meta charset='utf-8'><title>t</title></head><body>{body}</body></html>",
                    encoding="utf-8")
    return sources.read(path)


def test_layout_tables_give_paragraphs_not_grids(tmp_path):
    doc = page(tmp_path, """
      <table><tr><td>栏目导航</td><td>正文
        <table><tr><td>行政许可</td><td>12</td></tr></table>
        表后的说明</td></tr></table>
      <table><tr><td>只有一列的版式表格</td></tr><tr><td>第二行</td></tr></table>
      <table><tr><td>左栏</td><td>""" + "一段很长的正文。" * 50 + """</td></tr></table>
      <table><tr><td><h2>一、总体情况</h2></td><td>右栏</td></tr></table>
      <table><tr><td><ul><li>首页</li><li>政务公开</li></ul></td><td>短文</td></tr></table>
      <table><tr><td>&nbsp;</td><td><img src="x.gif"></td></tr></table>""")
    # The data table inside is the document's first table; the spacer of empty cells is no table.
    assert [(g.where.table, g.cells) for g in doc.grids] == [(1, [["行政许可", "12"]])]
    body = texts(doc)
    assert body[:5] == ["栏目导航", "正文", "表后的说明", "只有一列的版式表格", "第二行"]
    assert body[6].startswith("一段很长的正文。") and body[7:] == ["一、总体情况", "右栏", "首页", "政务公开", "短文"]
    assert isinstance(doc.blocks[2], Grid)


def test_hidden_parts_and_row_groups(tmp_path):
    doc = page(tmp_path, """
      <p>前<!-- 注释 -->后<span style="DISPLAY: none">藏</span>续</p>
      <table style="display:none"><tr><td>隐藏表</td><td>1</td></tr></table>
      <div hidden>也藏</div>
      <table>
        <tfoot><tr><td>脚</td><td>9</td></tr></tfoot>
        <thead><tr><th>信息内容</th><th>数量</th></tr></thead>
        <tr style="display: none"><td>藏行</td><td>5</td></tr>
        <tr><td>甲</td><td hidden>藏格</td><td>1</td></tr>
        <tbody><tr><td rowspan="0">乙</td><td>2</td></tr><tr><td>3</td></tr></tbody>
        <tr><td colspan="2px">丙</td><td rowspan="x">4</td></tr>
      </table>""")
    assert texts(doc) == ["前后续"]
    grid, = doc.grids
    # Head first and foot last, wherever they stand; rowspan=0 to the end of its group only.
    assert grid.where.table == 1
    # A span written "2px" is 2 and one written "x" is 1, as browsers read them; short rows padded.
    assert grid.cells == [["信息内容", "数量", ""], ["甲", "1", ""], ["乙", "2", ""], ["乙", "3", ""],
                          ["丙", "丙", "4"], ["脚", "9", ""]]
    assert grid.origin == {(2, 0): (2, 0), (3, 0): (2, 0), (4, 0): (4, 0), (4, 1): (4, 0)}


def test_preformatted_and_line_breaks(tmp_path):
    doc = page(tmp_path, "<pre>一、总体情况\n  正文第一行</pre><p>甲<br><br>乙<br/>\n丙</p><div>外<p>内</p>尾</div>")
    assert texts(doc) == ["一、总体情况", "正文第一行", "甲", "乙", "丙", "外", "内", "尾"]


# --- a text copy: the seed report as published ------------------------------------------------------

@pytest.fixture(scope="module")
def seed() -> Document:
    return sources.read(require(SEED_TEXT))


def test_seed_grids_as_in_the_file(seed):
    t2, t3, t4 = seed.grids
    assert [g.where for g in (t2, t3, t4)] == [Where(line=21, table=1), Where(line=43, table=2),
                                               Where(line=59, table=3)]
    assert [(g.height, g.width) for g in (t2, t3, t4)] == [(19, 4), (13, 9), (5, 15)]
    assert all(g.origin == {} for g in (t2, t3, t4))  # a text copy knows nothing of merged cells
    # Table 二: its header lines are rows; the damaged 规章 row stands as extraction left it.
    assert t2.cells[0] == ["主动公开政府信息情况", "", "", ""]
    assert t2.cells[1] == ["第二十条第（一）项", "", "", ""]
    assert t2.cells[2] == ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"]
    assert t2.cells[3] == ["", "", "规章", ""]
    assert t2.cells[4] == ["规范性文件", "0", "0", "0"]
    assert t2.cells[18] == ["政府集中采购", "9", "6874.6408 万元", ""]
    # Table 三: the remnant of the lost header, then what survived from 8. 属于行政查询事项 on.
    assert t3.cells[0] == ["", "卷"] + [""] * 7
    assert t3.cells[1] == ["", "8. 属于行政查询事项"] + ["0"] * 7
    assert t3.cells[2] == ["(四) 无法提供", "1. 本机关不掌握相关政府信息"] + ["0"] * 7
    assert t3.cells[10] == ["(六) 其他处理"] + ["0"] * 7 + [""]
    assert t3.cells[12] == ["四、结转下年度继续办理", ""] + ["0"] * 7
    assert t4.cells[2][:5] == ["结果 维持", "结果 纠正", "其他 结果", "尚 未 审 结", "总 计"]
    assert t4.cells[4] == ["0"] * 15
    assert t2.where_of(4, 0).text() == "表1 第5行 第1列"


def test_seed_paragraphs_and_the_two_4s(seed):
    blocks = seed.blocks
    t3 = seed.grids[1]
    # The row 四、结转下年度继续办理 is in the grid; the section heading 四、 is the paragraph after it.
    after = blocks[blocks.index(t3) + 1]
    assert after == Paragraph("四、政府信息公开行政复议、行政诉讼情况", Where(line=57), heading=True)
    assert "四、结转下年度继续办理" not in texts(seed)
    assert blocks[blocks.index(t3) - 1] == Paragraph("三、收到和处理政府信息公开申请的情况", Where(line=41), heading=True)
    body = texts(seed)
    assert body[0] == "红旗满族乡 2020 年政府信息公开年度报告" and seed.paragraphs[0].heading
    headings = [p.text[:2] for p in seed.paragraphs if p.heading]
    assert headings == ["红旗", "一、", "二、", "三、", "四、", "五、", "六、"]
    # Section 六 is one line with its text: a heading hint all the same.
    assert seed.paragraphs[-3].text.startswith("六、本年度报告所列数据的统计期限为 2020 年 1 月 1 日")
    # The page break that split a sentence is left for the core: two paragraphs.
    assert body[body.index("顺利开展。") - 1].endswith("全力保证政务公开工作的")
    assert body[-2:] == ["红旗满族乡人民政府", "2021 年 1 月 26 日"]
    assert [p.where.line for p in seed.paragraphs][:3] == [3, 5, 7]
    assert not any(p.heading for p in seed.paragraphs if p.text.startswith("(一)"))
    assert seed.title is None and seed.meta == {}


def text_copy(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "report.txt") -> Document:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return sources.read(path)


COPY = "索引号：QSX-2021-00017\r\n发布日期：2021-01-28　　来源：青松乡人民政府\r\n\r\n　　一、总体情况\r\n正文\f\r\n行政许可\t12\r\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-be", "gb18030", "gbk"])
def test_text_copy_encodings(tmp_path, encoding):
    data = COPY.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    path = tmp_path / "report.txt"
    path.write_bytes(data)
    doc = sources.read(path)
    assert texts(doc) == ["索引号：QSX-2021-00017", "发布日期：2021-01-28 来源：青松乡人民政府", "一、总体情况", "正文"]
    assert [p.where.line for p in doc.paragraphs] == [1, 2, 4, 5]  # CRLF is one line end; a form feed none
    assert doc.paragraphs[2].heading
    assert doc.grids[0].cells == [["行政许可", "12"]] and doc.grids[0].where == Where(line=6, table=1)
    assert doc.meta == {"索引号": "QSX-2021-00017", "发布日期": "2021-01-28", "来源": "青松乡人民政府"}


def test_text_copy_grids_end_at_blank_and_plain_lines(tmp_path):
    doc = text_copy(tmp_path, "甲\t1\n乙\t2\t3\n\n丙\t4\n说明\n丁\t5\n\t\t\n")
    assert [(g.where, g.cells) for g in doc.grids] == [
        (Where(line=1, table=1), [["甲", "1", ""], ["乙", "2", "3"]]),
        (Where(line=4, table=2), [["丙", "4"]]),
        # A line of tabs alone is a row of empty cells, not a blank line.
        (Where(line=6, table=3), [["丁", "5", ""], ["", "", ""]]),
    ]
    assert doc.blocks[2] == Paragraph("说明", Where(line=5)) and doc.blocks[3] is doc.grids[2]


@pytest.mark.parametrize("content, variant", [
    (b"", "empty"),
    (b"\xef\xbb\xbf", "empty"),
    (b"\xff\xfe \x00\n\x00", "empty"),
    (b"\n \r\n  ", "empty"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "unreadable"),
    (b"\x00\x01\x02\x03binary", "unreadable"),
    (b"\xc4\xea\xb6\xc8\x80\xff", "encoding"),
])
def test_bad_text_copies(tmp_path, content, variant):
    path = tmp_path / "report.txt"
    path.write_bytes(content)
    assert _variant(path) == variant


def test_deeply_nested_page(tmp_path):
    # Unclosed <font> tags nest deeper than Python's recursion limit; the parser allows 2048 levels.
    deep = 900
    doc = page(tmp_path, "<p>前</p>" + "<font>" * deep + "深处<table><tr><td>行政许可</td><td>" + "<b>" * deep
               + "12</td></tr></table>后")
    assert texts(doc) == ["前", "深处", "后"]
    assert doc.grids[0].cells == [["行政许可", "12"]]
