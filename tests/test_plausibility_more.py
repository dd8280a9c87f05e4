"""P3, P4 and P5: each passes, fails and is not assessable on figures worked out by hand from
their definitions (catalogue formulas, shared/spec/official-format.md §3.1 and §4.1), not from the
code's output.

- P3 (2019): 本年新公开数量 ≥ 本年新制作数量, for 规章 and 规范性文件, whatever the body.
- P4 (乡/镇/街道): 2019 采购总金额 ÷ 采购项目数量 ≤ 2000 万元; 2021 本年收费金额 ≤ 1000 万元; a
  failure suggests the figure ÷ 10000 as what was meant.
- P5 (2019): 上一年项目数量 + 本年增/减 ≥ 0, for every row of 第二十条（五）（六）（八）.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from report_roots import write_report
from shared_ref import PROJECT
from figure_support import zero_figures
from xxgk import catalogue, spec
from xxgk.compute import complete
from xxgk.findings import group_of
from xxgk.i18n import use_lang
from xxgk.load import Figures
from xxgk.report import build_report
from xxgk.rules import REGISTRY, Context
from xxgk.values import NA

T2 = spec.TABLE_2
D = Decimal
MADE, PUBLISHED, ALL_PUBLISHED = "本年新制作数量", "本年新公开数量", "对外公开总数量"
ITEMS, AMOUNT = "采购项目数量", "采购总金额"
FEES = "本年收费金额（单位：万元）"
PREVIOUS, CHANGE = "上一年项目数量", "本年增/减"


def figures(version: str = "2019", overrides: dict | None = None) -> Figures:
    return zero_figures(version, overrides)


def run(rule_id: str, fig: Figures, township: str | None = None) -> list:
    return list(REGISTRY[rule_id].check(Context(fig, complete(fig), "data/x.csv", township=township)))


def one(results, **where):
    (hit,) = [r for r in results if all(getattr(r, k) == v for k, v in where.items())]
    return hit


def declared(rule_id: str, result) -> None:
    """A failure carries the catalogue's severity; every result its rule's id."""
    code = catalogue.CODES[rule_id]
    assert result.rule == rule_id and result.status == "fail" and result.severity == code.severity


# --- the catalogue and the registry --------------------------------------------------------------


#: id: (category, severity, origin), declared in this order directly after P2.
DECLARED = {
    "P3": ("plausibility", "note", "heuristic"),
    "P4": ("plausibility", "note", "heuristic"),
    "P5": ("rule", "warning", "implied"),
}


def test_declared_after_p2_with_category_severity_and_origin():
    for order in (list(catalogue.CODES), list(REGISTRY)):
        start = order.index("P2") + 1
        assert order[start:start + len(DECLARED)] == list(DECLARED)
    for rid, (category, severity, origin) in DECLARED.items():
        code = catalogue.CODES[rid]
        assert (code.category, code.severity, code.origin) == (category, severity, origin)
        for text in (code.title, code.formula):
            assert text.render("zh") and text.render("en") and text.render("zh") != text.render("en")


# --- P3: 本年新公开数量 below 本年新制作数量 ---------------------------------------------------------


def test_p3_fails_naming_both_figures_and_points_at_the_published_count():
    # A real report: 34 规范性文件 made, 4 published (and 4 published in all, so R10 holds).
    fig = figures("2019", {(T2, "规范性文件", MADE): 34, (T2, "规范性文件", PUBLISHED): 4,
                           (T2, "规范性文件", ALL_PUBLISHED): 4})
    res = run("P3", fig)
    r = one(res, row="规范性文件")
    declared("P3", r)
    assert r.severity == "note" and group_of(r) == "plausibility"
    assert r.values == {"made": 34, "published": 4}
    assert r.column == PUBLISHED and r.line == fig.positions[(T2, "规范性文件", PUBLISHED)].line
    assert set(r.cells) == {(T2, "规范性文件", MADE), (T2, "规范性文件", PUBLISHED)}
    assert "本年新制作 34 件" in r.message and "本年新公开只有 4 件" in r.message
    assert "未经公布的不得作为行政管理依据" in r.message
    with use_lang("en"):
        assert "34 made this year but only 4 published" in r.text()
    assert one(res, row="规章").status == "pass"  # 0 made, 0 published


def test_p3_judges_any_body_and_regulations_too():
    # 47 made, 0 published, 0 in all (a real report); and a province's 规章, 5 made and 3 published.
    fig = figures("2019", {(T2, "规范性文件", MADE): 47, (T2, "规章", MADE): 5, (T2, "规章", PUBLISHED): 3,
                           (T2, "规章", ALL_PUBLISHED): 3})
    res = run("P3", fig, township="某省人民政府")
    assert one(res, row="规范性文件").values == {"made": 47, "published": 0}
    regulations = one(res, row="规章")
    assert regulations.status == "fail" and regulations.values == {"made": 5, "published": 3}
    assert "本年新制作 5 件" in regulations.message
    assert len(run("P3", fig)) == 2  # no name, no level: still judged


@pytest.mark.parametrize("made, published", [(3, 3), (2, 5), (0, 0)])
def test_p3_passes_when_published_is_at_least_made(made, published):
    # 2 made, 5 published: three of last December's published this year.
    fig = figures("2019", {(T2, "规范性文件", MADE): made, (T2, "规范性文件", PUBLISHED): published,
                           (T2, "规范性文件", ALL_PUBLISHED): 9})
    r = one(run("P3", fig), row="规范性文件")
    assert r.status == "pass" and r.severity == "note" and r.values == {"made": made, "published": published}


def test_p3_not_assessable_when_a_figure_is_blank_or_not_applicable():
    fig = figures("2019", {(T2, "规范性文件", PUBLISHED): None, (T2, "规章", MADE): NA})
    res = run("P3", fig)
    blank = one(res, row="规范性文件")
    assert blank.status == "not_assessable" and blank.line == fig.positions[(T2, "规范性文件", PUBLISHED)].line
    assert "本年新公开数量 未填报" in blank.message
    na = one(res, row="规章")
    assert na.status == "not_assessable" and na.line == fig.positions[(T2, "规章", MADE)].line
    assert "本年新制作数量 为“/”" in na.message
    with use_lang("en"):
        assert "本年新制作数量 is “/” (not applicable)" in na.text()


def test_p3_is_for_the_2019_format_only():
    assert run("P3", figures("2021", {(T2, "行政规范性文件", "本年制发件数"): 5})) == []


# --- P4: money typed in 元 where the table wants 万元 -----------------------------------------------


def test_p4_township_procurement_far_too_large_per_item():
    # 中村乡 2020 printed 8040. Say 3 items: 8040 / 3 = 2680 万元 per item > 2000; as 元 the
    # total is 8040 / 10000 = 0.804 万元.
    fig = figures("2019", {(T2, "政府集中采购", ITEMS): 3, (T2, "政府集中采购", AMOUNT): 8040})
    (r,) = run("P4", fig, township="中村乡")
    declared("P4", r)
    assert r.severity == "note" and group_of(r) == "plausibility"
    assert r.column == AMOUNT and r.line == fig.positions[(T2, "政府集中采购", AMOUNT)].line
    assert r.values == {"value": 8040, "limit": 2000, "items": 3, "per_item": 2680}
    assert "8040 万元" in r.message and "平均每项 2680 万元" in r.message
    assert "应为 0.804 万元" in r.message
    with use_lang("en"):
        assert "In 元 it would be 0.804 万元" in r.text() and "2680 万元 per item" in r.text()


def test_p4_the_limit_is_per_item():
    # 4 items: 8000 is 2000 each, at the limit; 8040 is 2010 each, above it.
    at = run("P4", figures("2019", {(T2, "政府集中采购", ITEMS): 4, (T2, "政府集中采购", AMOUNT): 8000}), "某镇")
    above = run("P4", figures("2019", {(T2, "政府集中采购", ITEMS): 4, (T2, "政府集中采购", AMOUNT): 8040}), "某镇")
    assert at[0].status == "pass" and above[0].status == "fail" and above[0].values["per_item"] == D("2010")


def test_p4_the_seeds_thousands_of_wan_yuan_pass():
    # 红旗满族乡 2020: 9 items, 6874.6408 万元: 763.8489… ≈ 763.85 万元 per item, under 2000.
    fig = figures("2019", {(T2, "政府集中采购", ITEMS): 9, (T2, "政府集中采购", AMOUNT): "6874.6408"})
    (r,) = run("P4", fig, township="红旗满族乡")
    assert r.status == "pass" and r.severity == "note"
    assert "6874.6408 万元" in r.message and "平均每项 763.85 万元" in r.message


def test_p4_money_with_no_items_is_not_assessable():
    # 2500 万元 with 采购项目数量 0: no amount per item to judge, and the total alone is no evidence.
    fig = figures("2019", {(T2, "政府集中采购", AMOUNT): 2500})
    (r,) = run("P4", fig, "某乡")
    assert r.status == "not_assessable" and r.values == {"value": 2500, "items": 0}
    assert r.line == fig.positions[(T2, "政府集中采购", ITEMS)].line
    assert "金额为 2500 万元，但采购项目数量为 0" in r.message
    with use_lang("en"):
        assert "2500 万元 but 采购项目数量 is 0" in r.text()
    assert run("P4", figures("2019"), "某乡")[0].status == "pass"  # 0 items, 0 万元


def test_p4_not_assessable_when_blank_or_not_applicable():
    fig = figures("2019", {(T2, "政府集中采购", AMOUNT): None})
    (r,) = run("P4", fig, township="某镇")
    assert r.status == "not_assessable" and r.line == fig.positions[(T2, "政府集中采购", AMOUNT)].line
    assert "采购总金额 未填报" in r.message
    fig = figures("2019", {(T2, "政府集中采购", ITEMS): NA, (T2, "政府集中采购", AMOUNT): 8040})
    (r,) = run("P4", fig, township="某镇")
    assert r.status == "not_assessable" and r.line == fig.positions[(T2, "政府集中采购", ITEMS)].line
    assert "采购项目数量 为“/”" in r.message
    (r,) = run("P4", figures("2021", {(T2, "行政事业性收费", FEES): None}), "某街道")
    assert r.status == "not_assessable"


def test_p4_2021_fees():
    # 123500 typed in 元 is 12.35 万元; read as 万元 it is far above 1000.
    fig = figures("2021", {(T2, "行政事业性收费", FEES): 123500})
    (r,) = run("P4", fig, township="迎宾路街道")
    declared("P4", r)
    assert r.column == FEES and r.line == fig.positions[(T2, "行政事业性收费", FEES)].line
    assert r.values == {"value": 123500, "limit": 1000} and "应为 12.35 万元" in r.message
    assert run("P4", figures("2021", {(T2, "行政事业性收费", FEES): 1000}), "某镇")[0].status == "pass"
    assert run("P4", figures("2021", {(T2, "行政事业性收费", FEES): "1000.01"}), "某镇")[0].status == "fail"
    assert run("P4", figures("2021", {(T2, "行政事业性收费", FEES): "12.35"}), "示例镇")[0].status == "pass"


def test_p4_only_for_townships():
    # A county's procurement of 8040 万元 in one item is nothing to remark on.
    fig = figures("2019", {(T2, "政府集中采购", ITEMS): 1, (T2, "政府集中采购", AMOUNT): 8040})
    assert run("P4", fig, township="某县财政局") == []
    assert run("P4", fig) == []
    assert run("P4", figures("2021", {(T2, "行政事业性收费", FEES): "96171.6"}), "苏州市人民政府") == []


def test_p4_on_a_file_points_at_the_line_and_a_written_unit_is_believed(tmp_path):
    # In a full 2019 file (header on line 1, table 二 in the format's order) 采购总金额 is on line 23.
    cell = (T2, "政府集中采购", AMOUNT)
    report = write_report(tmp_path / "a", values={(T2, "政府集中采购", ITEMS): "2", cell: "8040"})
    (r,) = [f for f in report.findings if f.rule == "P4"]
    assert r.status == "fail" and r.line == 23 and r.file.endswith("测试乡.csv")
    # "8040元" says its unit: 0.804 万元, nothing to remark on.
    report = write_report(tmp_path / "b", values={(T2, "政府集中采购", ITEMS): "2", cell: "8040元"})
    (r,) = [f for f in report.findings if f.rule == "P4"]
    assert r.status == "pass" and r.values["value"] == D("0.804")


# --- P5: this year's number of items below zero ------------------------------------------------


def test_p5_fails_with_both_figures_and_the_sum():
    # 行政许可: 2 items last year, 5 fewer this year: 2 − 5 = −3.
    fig = figures("2019", {(T2, "行政许可", PREVIOUS): 2, (T2, "行政许可", CHANGE): -5})
    res = run("P5", fig)
    assert len(res) == 5  # 行政许可, 其他对外管理服务事项, 行政处罚, 行政强制, 行政事业性收费
    r = one(res, row="行政许可")
    declared("P5", r)
    assert r.severity == "warning" and group_of(r) == "rule"
    assert r.values == {"previous": 2, "change": -5, "total": -3}
    assert r.column == CHANGE and r.line == fig.positions[(T2, "行政许可", CHANGE)].line
    assert set(r.cells) == {(T2, "行政许可", PREVIOUS), (T2, "行政许可", CHANGE)}
    assert "上一年项目数量 2，本年增/减 -5" in r.message and "2 - 5 = -3" in r.message
    assert "不能为负" in r.message
    with use_lang("en"):
        assert "2 - 5 = -3 items this year" in r.text() and "cannot be negative" in r.text()
    assert {x.status for x in res if x.row != "行政许可"} == {"pass"}


def test_p5_every_row_and_any_body():
    fig = figures("2019", {(T2, "行政事业性收费", CHANGE): -1, (T2, "行政处罚", PREVIOUS): 7,
                           (T2, "行政处罚", CHANGE): -8})
    res = run("P5", fig, township="上海市人民政府办公厅")
    assert one(res, row="行政事业性收费").values == {"previous": 0, "change": -1, "total": -1}
    assert one(res, row="行政处罚").values == {"previous": 7, "change": -8, "total": -1}
    assert one(res, row="行政强制").status == "pass"


@pytest.mark.parametrize("previous, change, total, shown", [(12, -12, 0, "12 - 12 = 0"), (3, 4, 7, "3 + 4 = 7"),
                                                            (0, 0, 0, "0 + 0 = 0")])
def test_p5_passes_at_zero_and_above(previous, change, total, shown):
    fig = figures("2019", {(T2, "行政强制", PREVIOUS): previous, (T2, "行政强制", CHANGE): change})
    r = one(run("P5", fig), row="行政强制")
    assert r.status == "pass" and r.severity == "note" and r.values["total"] == total and shown in r.message


def test_p5_not_assessable_when_blank_or_not_applicable():
    fig = figures("2019", {(T2, "行政许可", CHANGE): None, (T2, "行政强制", PREVIOUS): NA})
    res = run("P5", fig)
    blank = one(res, row="行政许可")
    assert blank.status == "not_assessable" and blank.line == fig.positions[(T2, "行政许可", CHANGE)].line
    assert "本年增/减 未填报" in blank.message
    na = one(res, row="行政强制")
    assert na.status == "not_assessable" and "上一年项目数量 为“/”" in na.message
    with use_lang("en"):
        assert "本年增/减 blank" in blank.text()


def test_p5_is_for_the_2019_format_only():
    assert run("P5", figures("2021")) == []


# --- the real reports ----------------------------------------------------------------------------


def test_the_seed_and_the_2021_sample_do_not_fail():
    seed = build_report(PROJECT, "红旗满族乡", 2020)
    found = {(f.rule, f.row): f.status for f in seed.findings if f.rule in ("P3", "P4", "P5")}
    assert found == {
        ("P3", "规章"): "not_assessable",  # the extraction lost the three 规章 figures
        ("P3", "规范性文件"): "pass",  # 0 made, 0 published
        ("P4", "政府集中采购"): "pass",  # 6874.6408 万元 over 9 items
        **{("P5", row): "pass" for row in ("行政许可", "其他对外管理服务事项", "行政处罚", "行政强制", "行政事业性收费")},
    }
    sample = build_report(PROJECT, "示例镇", 2021)
    assert [(f.rule, f.status) for f in sample.findings if f.rule in ("P3", "P4", "P5")] == [("P4", "pass")]
