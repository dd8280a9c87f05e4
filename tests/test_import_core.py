"""``xxgk import``'s core on documents built here (no reader): placing figures by header and by
official order, damaged rows, extra rows, conflicts, table 四's layouts, split tables, --infer,
the words of the report, and writing the kit's files.  Expected figures are what the grids say."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from xxgk import spec
from xxgk.importer.document import Document, Grid, Paragraph, Where
from xxgk.importer.infer import infer
from xxgk.importer.narrative import read_narrative
from xxgk.importer.tables import place
from xxgk.importer.version import detect
from xxgk.importer.write import data_csv, params_yaml, write

T2, T3, T4 = spec.TABLE_2, spec.TABLE_3, spec.TABLE_4
F19, F21 = spec.get_format("2019"), spec.get_format("2021")


def doc(*blocks) -> Document:
    d = Document(Path("x.html"))
    n = 0
    for b in blocks:
        if isinstance(b, list):
            n += 1
            width = max(len(r) for r in b)
            d.blocks.append(Grid([r + [""] * (width - len(r)) for r in b], Where(table=n)))
        else:
            d.blocks.append(Paragraph(b, Where()))
    return d


T3_HEAD = [
    ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "", "", "申请人情况", "", "", "", "", "", ""],
    ["", "", "", "自然人", "法人或其他组织", "", "", "", "", "总计"],
    ["", "", "", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""],
]
T4_HEAD = [
    ["行政复议", "", "", "", "", "行政诉讼", "", "", "", "", "", "", "", "", ""],
    ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "", "", "", "", "复议后起诉", "", "", "", ""],
    ["", "", "", "", "", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计"],
]


def t2_2021(**over) -> list[list[str]]:
    v = {"规章": ["0", "0", "0"], "行政规范性文件": ["3", "1", "12"], "行政许可": ["156"], "行政处罚": ["42"],
         "行政强制": ["5"], "行政事业性收费": ["12.35"], **over}
    return [
        ["主动公开政府信息情况", "", "", ""],
        ["第二十条第（一）项", "", "", ""], ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        ["规章", *v["规章"]], ["行政规范性文件", *v["行政规范性文件"]],
        ["第二十条第（五）项", "", "", ""], ["信息内容", "本年处理决定数量", "", ""], ["行政许可", *v["行政许可"], "", ""],
        ["第二十条第（六）项", "", "", ""], ["信息内容", "本年处理决定数量", "", ""],
        ["行政处罚", *v["行政处罚"], "", ""], ["行政强制", *v["行政强制"], "", ""],
        ["第二十条第（八）项", "", "", ""], ["信息内容", "本年收费金额（单位：万元）", "", ""],
        ["行政事业性收费", *v["行政事业性收费"], "", ""],
    ]


def t3_rows(version: str, value=lambda row, col: "0") -> list[list[str]]:
    """Table 三's data rows as a page prints them: group labels merged (copied), 7 figures."""
    rows = []
    fmt = spec.get_format(version)
    part = fmt.table(T3).parts[0]

    def walk(node, trail):
        if node.is_group:
            for child in node.children:
                walk(child, [*trail, node.label])
            return
        labels = [*trail, node.label]
        labels = labels + [node.label] * (3 - len(labels))  # a shallow label spans the label columns
        rows.append(labels + [value(node.label, c) for c in fmt.table(T3).data_columns])

    for top in part.rows:
        walk(top, [])
    return rows


def test_version_from_the_labels_the_tables_print():
    assert detect(doc(t2_2021())).version == "2021"
    d = detect(doc([["第二十条第（一）项"], ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"]]))
    assert d.version == "2019" and set(d.labels) == {"本年新制作数量", "本年新公开数量", "对外公开总数量"}
    assert detect(doc([["索引号", "123"], ["发布机构", "某某镇"]])).version is None


def test_a_complete_2021_report_by_its_headers():
    values = {(r, c): str(i) for i, (r, c) in enumerate((r, c) for r in F21.table(T3).data_rows
                                                           for c in F21.table(T3).data_columns)}
    t4 = [str(n) for n in range(15)]
    p = place(doc(t2_2021(), T3_HEAD + t3_rows("2021", lambda r, c: values[(r, c)]), T4_HEAD + [t4]), "2021")
    assert not p.problems and {c.status for c in p.cells.values()} == {"read"}
    assert p.cells[(T2, "行政事业性收费", "本年收费金额（单位：万元）")].value == Decimal("12.35")
    assert p.cells[(T2, "行政规范性文件", "现行有效件数")].value == 12
    for (r, c), v in values.items():
        assert p.cells[(T3, r, c)].value == int(v), (r, c)
    for n, cell in enumerate(F21.table(T4).cells):  # 复议 5, 直接起诉 5, 复议后起诉 5, in order
        assert p.cells[cell.key].value == n
    where = p.cells[(T3, spec.NEW, spec.BIZ)].where
    assert (where.table, where.row, where.column) == (2, 4, 5)  # the grid's row 4 (after 3 header rows), column 5


def test_damaged_rows_give_nothing_and_are_listed():
    grid = t2_2021(规章=["", "", ""])
    grid[3] = ["", "", "规章", ""]  # extraction moved the label right and lost the figures (the seed's 规章 row)
    p = place(doc(grid), "2021")
    for col in ("本年制发件数", "本年废止件数", "现行有效件数"):
        assert p.cells[(T2, "规章", col)].status == "lost"
    assert p.cells[(T2, "行政规范性文件", "本年制发件数")].value == 3


def test_without_a_header_figures_follow_the_label_in_official_order():
    # Table 三 whose header extraction lost, rows ragged as text copies print them.
    rows = [
        ["", "8. 属于行政查询事项", "1", "0", "0", "0", "0", "0", "1"],
        ["(六) 其他处理", "0", "0", "0", "0", "2", "0", "2", ""],  # a trailing empty cell
        ["四、结转下年度继续办理", "", "0", "0", "0", "0", "0", "3", "3"],  # an empty cell of the label's span
        ["(七) 总计", "0", "0", "0"],  # cut short: cannot be lined up
    ]
    p = place(doc(rows), "2019")
    assert p.cells[(T3, spec.WITHHELD_ITEMS[7], spec.NATURAL)].value == 1
    assert p.cells[(T3, spec.OTHER_HANDLING, spec.LAW)].value == 2 and p.cells[(T3, spec.OTHER_HANDLING, spec.TOTAL)].value == 2
    assert p.cells[(T3, spec.CARRIED_OUT, spec.OTH)].value == 3 and p.cells[(T3, spec.CARRIED_OUT, spec.NATURAL)].value == 0
    assert all(p.cells[(T3, spec.RESULTS_TOTAL, c)].status == "lost" for c in spec.T3_DATA_COLUMNS)


def test_blank_stays_blank_not_applicable_stays_and_a_word_is_not_a_figure():
    p = place(doc(t2_2021(规章=["", "/", "—"], 行政许可=["12件"])), "2021")
    assert p.cells[(T2, "规章", "本年制发件数")].status == "blank"
    assert p.cells[(T2, "规章", "本年废止件数")].value is not None and str(p.cells[(T2, "规章", "本年废止件数")].value) == "NA"
    bad = p.cells[(T2, "行政许可", "本年处理决定数量")]
    assert bad.status == "unreadable" and bad.text == "12件"
    assert "12件" in data_csv(p).split("行政许可,本年处理决定数量,", 1)[1].split("\n")[0]  # named in the note
    assert ",行政许可,本年处理决定数量,," in data_csv(p)  # and not written as a figure


def test_extra_rows_are_kept_out_and_listed():
    grid = t2_2021()
    grid.insert(5, ["其他主动公开文件", "7", "", ""])
    p = place(doc(grid), "2021")
    assert [(e.table, e.label) for e in p.extra_rows] == [(T2, "其他主动公开文件")]
    assert not [c for c in p.problems if c.key[0] == T2]


def test_a_table_printed_twice_differently_is_a_conflict():
    first, second = t2_2021(), t2_2021(行政许可=["157"])
    p = place(doc(first, second), "2021")
    c = p.cells[(T2, "行政许可", "本年处理决定数量")]
    assert c.status == "conflict" and c.text == "156" and c.detail["other"] == "157"
    assert ",行政许可,本年处理决定数量,," in data_csv(p)  # neither figure is written


def test_split_tables_and_one_table_holding_all():
    t3 = t3_rows("2021", lambda r, c: "1" if c == spec.NATURAL else "0")
    # Table 三 split in two <table>s of the same width, the second without its header.
    split = place(doc(T3_HEAD + t3[:10], t3[10:]), "2021")
    assert all(split.cells[(T3, r, spec.NATURAL)].value == 1 for r in F21.table(T3).data_rows)
    # All three tables in one grid.
    width = 15
    pad = lambda rows: [r + [""] * (width - len(r)) for r in rows]  # noqa: E731
    one = place(doc(pad(t2_2021()) + pad(T3_HEAD) + pad(t3) + T4_HEAD + [["1"] * 15]), "2021")
    assert not one.problems, [c.key for c in one.problems][:5]
    assert one.cells[(T4, spec.SUED_AFTER_REVIEW, spec.TOTAL)].value == 1


def test_table_4_as_three_rows_of_five():
    head = [["", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]]
    rows = [["行政复议", "1", "0", "0", "1", "2"], ["未经复议直接起诉", "0", "0", "0", "0", "0"],
            ["复议后起诉", "0", "1", "0", "0", "1"]]
    p = place(doc(head + rows), "2021")
    assert p.cells[(T4, spec.REVIEW, spec.TOTAL)].value == 2
    assert p.cells[(T4, spec.SUED_AFTER_REVIEW, spec.CORRECTED)].value == 1
    assert all(p.cells[c.key].status == "read" for c in F21.table(T4).cells)


def test_infer_fills_only_what_the_rules_force():
    # The seed: results and 四 are 0 in every column, 一 and 二 and most results lost.
    rows = [r for r in t3_rows("2019") if r[2] in (spec.RESULTS_TOTAL, spec.CARRIED_OUT, spec.WITHHELD_ITEMS[7])]
    p = place(doc(T3_HEAD + rows), "2019")
    lost = {k for k, c in p.cells.items() if c.status == "lost" and k[0] == T3}
    filled = set(infer(p))
    assert filled == lost  # every lost cell of table 三 is forced to 0
    assert all(p.cells[k].value == 0 and p.cells[k].status == "inferred" for k in filled)
    note = p.cells[(T3, spec.NEW, spec.NATURAL)].note
    assert "R1" in note and "--infer" in note
    # A figure the rules do not force stays lost: table 二 and 四 are not in any sum here.
    assert p.cells[(T4, spec.REVIEW, spec.UPHELD)].status == "lost"
    # Not when a total is not 0: 一 + 二 = 5 cannot say how much of it is 一.
    rows2 = [r[:3] + (["5"] * 7 if r[2] == spec.CARRIED_OUT else r[3:]) for r in rows]
    p2 = place(doc(T3_HEAD + rows2), "2019")
    infer(p2)
    assert p2.cells[(T3, spec.NEW, spec.NATURAL)].status == "lost"


def test_the_words_of_the_report():
    d = doc("首页 > 政务公开 > 年度报告",
            "某某镇2021年政府信息公开工作年度报告",
            "根据《中华人民共和国政府信息公开条例》，编制本报告。",
            "一、总体情况", "2021年，我镇认真落实条例。", "（一）主动公开。全年公开信息12条，",
            "并及时更新。",  # a page break split this paragraph
            "二、主动公开政府信息情况", t2_2021(),
            "三、收到和处理政府信息公开申请情况", T3_HEAD + t3_rows("2021"),
            "四、政府信息公开行政复议、行政诉讼情况", T4_HEAD + [["0"] * 15],
            "五、存在的主要问题及改进情况", "一是更新不及时。", "六、其他需要报告的事项", "本年度未收取信息处理费。",
            "如有疑问请与镇党政办联系，电话：0000-1234567。", "某某镇人民政府", "2022 年 1 月 20 日", "打印本页 关闭窗口")
    n = read_narrative(d)
    assert (n.township, n.year, n.title) == ("某某镇", 2021, "某某镇2021年政府信息公开工作年度报告")
    assert n.preamble == ["根据《中华人民共和国政府信息公开条例》，编制本报告。"]
    assert n.sections[1] == ["2021年，我镇认真落实条例。", "（一）主动公开。全年公开信息12条，并及时更新。"]
    assert n.sections[5] == ["一是更新不及时。"]
    assert n.sections[6] == ["本年度未收取信息处理费。"] and n.contact == ["如有疑问请与镇党政办联系，电话：0000-1234567。"]
    assert (n.body, n.publish_date) == ("某某镇人民政府", dt.date(2022, 1, 20))


def test_files_are_written_once_deterministically_and_changes_said(tmp_path):
    d = doc("某某镇2021年政府信息公开工作年度报告", "一、总体情况", "1. 2021年全年公开信息12条。", t2_2021(),
            "五、存在的主要问题及改进情况", "无。", "六、其他需要报告的事项", "无。", "某某镇人民政府", "2022年1月20日")
    p = place(d, "2021")
    n = read_narrative(d)
    data, params = data_csv(p), params_yaml(n, "某某镇", 2021, "2021", {})
    assert data == data_csv(place(d, "2021")) and params == params_yaml(read_narrative(d), "某某镇", 2021, "2021", {})
    loaded = yaml.safe_load(params)
    assert loaded["overview"] == "1\\. 2021年全年公开信息12条。\n"  # kept as printed, not made a Markdown list
    assert "format" not in loaded  # 2021 tables for a 2021 report
    first = write(tmp_path, "某某镇", 2021, data, params, force=False)
    assert first.created == [first.data, first.params] and not first.refused
    again = write(tmp_path, "某某镇", 2021, data.replace(",156,", ",157,"), params, force=False)
    assert again.refused == [first.data, first.params] and "156" in first.data.read_text(encoding="utf-8")
    forced = write(tmp_path, "某某镇", 2021, data.replace(",156,", ",157,"), params, force=True)
    assert forced.changes == {first.data: ["表二 行政许可 · 本年处理决定数量: 156 → 157"]}
    # A 2019 layout kept in 2022: the params file says so, for the kit to read it right.
    assert yaml.safe_load(params_yaml(n, "某某镇", 2022, "2019", {}))["format"] == "2019"
