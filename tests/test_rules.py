"""Consistency rules and plausibility notes: each passes, fails and is not assessable on figures
worked out by hand from shared/spec/official-format.md §5 (not from the code's output)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from figure_support import zero_figures
from xxgk import spec
from xxgk.compute import complete
from xxgk.load import Figures, load_figures
from xxgk.narrative_check import chinese_number, find_claims
from xxgk.params import Params, field_positions
from xxgk.catalogue import ORIGINS
from xxgk.i18n import use_lang
from xxgk.rules import REGISTRY, Context, run_rules
from xxgk.values import NA

FIXTURES = Path(__file__).parent / "fixtures"
T2, T3, T4 = spec.TABLE_2, spec.TABLE_3, spec.TABLE_4
NP, BIZ, SCI, NPO, LAW, OTH, TOT = spec.T3_DATA_COLUMNS
D = Decimal


def figures(version: str = "2019", overrides: dict | None = None) -> Figures:
    return zero_figures(version, overrides)


def context(fig: Figures, **kw) -> Context:
    return Context(fig, complete(fig), "data/x.csv", **kw)


def run(rule_id: str, ctx: Context) -> list:
    return list(REGISTRY[rule_id].check(ctx))


def by(results, **where) -> object:
    (hit,) = [r for r in results if all(getattr(r, k) == v for k, v in where.items())]
    return hit


def statuses(results) -> dict:
    out: dict[str, int] = {}
    for r in results:
        out[r.status] = out.get(r.status, 0) + 1
    return out


@pytest.fixture(scope="module")
def shanghai_like():
    """2019 format, complete except 总计 blank for the result rows (上海市政府办公厅 2019, spec §5)."""
    loaded = load_figures(FIXTURES / "2019_blank_result_totals.csv", "2019")
    assert not [f for f in loaded.findings if f.is_error]
    return loaded.figures


# --- the registry -----------------------------------------------------------------------------


def test_every_rule_has_id_formula_origin():
    assert list(REGISTRY) == ["R1", "R2", "R3", "R6", "R7", "R10", "R8", "R9", "P1", "P2", "P3", "P4", "P5", "R11"]
    for rid, r in REGISTRY.items():
        assert r.id == rid and r.formula and r.title and r.origin in ORIGINS
    assert REGISTRY["R1"].origin == "official"  # the footnote of table 三 is the format's wording
    assert {REGISTRY[r].origin for r in ("R2", "R3", "R6", "R7", "R8", "R10")} == {"implied"}
    # R9 is a third-party heuristic (spec §5), but a real inconsistency when it fails: a warning.
    assert (REGISTRY["R9"].origin, REGISTRY["R9"].severity) == ("heuristic", "warning")
    for rid in ("P1", "P2", "R11"):  # plausibility: a heuristic, a note, never an error
        assert REGISTRY[rid].origin == "heuristic" and REGISTRY[rid].severity == "note"


def test_consistency_failures_are_warnings_never_errors():
    fig = figures("2019", {(T3, spec.NEW, NP): 5, (T4, spec.REVIEW, TOT): 1, (T3, spec.WITHHELD_ITEMS[0], BIZ): 1,
                           (T2, "规章", "本年新公开数量"): 3, (T3, spec.GRANTED, LAW): NA})
    found = run_rules(context(fig, township="某镇"))
    failed = [f for f in found if f.status == "fail"]
    assert {f.rule for f in failed} >= {"R1", "R2", "R3", "R6", "R7", "R10", "P2"}
    assert all(f.severity in ("warning", "note") and not f.is_error for f in found)


# --- R1: 一 + 二 = （七）总计 + 四, per column ------------------------------------------------


def test_r1_passes_on_the_shanghai_like_report(shanghai_like):
    res = run("R1", context(shanghai_like))
    assert statuses(res) == {"pass": 7}
    # 821 + 30 = 767 + 84; 35 + 2 = 35 + 2; 2 + 0 = 2 + 0; 1 + 0 = 1 + 0; 859 + 32 = 805 + 86.
    expected = {NP: 851, BIZ: 37, SCI: 0, NPO: 0, LAW: 2, OTH: 1, TOT: 891}
    for col, total in expected.items():
        r = by(res, column=col)
        assert (r.values["left"], r.values["right"]) == (total, total)


def test_r1_passes_when_the_results_total_itself_is_blank(tmp_path):
    # Also blank the （七）总计 × 总计 cell: compute fills it from 767+35+0+0+2+1 = 805.
    text = (FIXTURES / "2019_blank_result_totals.csv").read_text(encoding="utf-8")
    text = text.replace(f"三,{spec.RESULTS_TOTAL},总计,805", f"三,{spec.RESULTS_TOTAL},总计,")
    p = tmp_path / "r.csv"
    p.write_text(text, encoding="utf-8")
    fig = load_figures(p, "2019").figures
    ctx = context(fig)
    assert ctx.completed.get(T3, spec.RESULTS_TOTAL, TOT) == 805
    r = by(run("R1", ctx), column=TOT)
    assert r.status == "pass" and (r.values["left"], r.values["right"]) == (891, 891)
    # R2 judges figures as given: that row's 总计 is blank, so not assessable there.
    assert by(run("R2", ctx), row=spec.RESULTS_TOTAL).status == "not_assessable"


def test_r1_fails_with_both_sides():
    # 5 new applications from 自然人, none handled, none carried over: 5 + 0 ≠ 0 + 0.
    fig = figures("2019", {(T3, spec.NEW, NP): 5, (T3, spec.NEW, TOT): 5})
    res = run("R1", context(fig))
    r = by(res, column=NP)
    assert r.status == "fail" and r.severity == "warning"
    assert (r.values["left"], r.values["right"]) == (5, 0) and "5 ≠ 0" in r.message
    assert r.line == fig.positions[(T3, spec.NEW, NP)].line
    assert (T3, spec.CARRIED_OUT, NP) in r.cells
    assert by(res, column=TOT).status == "fail" and statuses(res) == {"fail": 2, "pass": 5}


def test_r1_not_assessable_names_the_blank_input():
    fig = figures("2021", {(T3, spec.CARRIED_OUT, BIZ): None})
    res = run("R1", context(fig))
    r = by(res, column=BIZ)
    assert r.status == "not_assessable" and r.values["blank"] == [[T3, spec.CARRIED_OUT, BIZ]]
    assert spec.CARRIED_OUT in r.message
    # The 总计 column is given in full (四 × 总计 = 0), so it is still judged: 0 + 0 = 0 + 0.
    assert by(res, column=TOT).status == "pass"
    # With 四 × 总计 blank too, it would be computed from its parts, but one part is blank.
    fig.values[(T3, spec.CARRIED_OUT, TOT)] = None
    assert by(run("R1", context(fig)), column=TOT).status == "not_assessable"


# --- R2: row 总计 = sum of the applicant columns -----------------------------------------------


def test_r2_on_the_shanghai_like_report(shanghai_like):
    res = run("R2", context(shanghai_like))
    result_rows = spec.result_rows("2019")  # （一） … （六）: 1 + 1 + 8 + 3 + 5 + 1 = 19 rows
    assert len(result_rows) == 19
    # Their 总计 is left blank and computed from the six applicant columns: nothing to compare, and
    # the result says so rather than calling the total blank.
    for row in result_rows:
        r = by(res, row=row)
        assert r.status == "not_assessable" and r.cells == ((T3, row, TOT),) and "computed" in r.values
        assert "已由分项计算为" in r.message
    # The rows whose 总计 is given add up: 821+35+0+0+2+1 = 859 (spec §5), 30+2 = 32, 767+35+2+1 = 805, 84+2 = 86.
    for row, total in ((spec.NEW, 859), (spec.CARRIED_IN, 32), (spec.RESULTS_TOTAL, 805), (spec.CARRIED_OUT, 86)):
        r = by(res, row=row)
        assert r.status == "pass" and r.values["left"] == total == r.values["right"]


def test_r2_fails_with_both_sides():
    # 予以公开: 3 from 自然人 but 总计 says 2.
    fig = figures("2019", {(T3, spec.GRANTED, NP): 3, (T3, spec.GRANTED, TOT): 2})
    r = by(run("R2", context(fig)), row=spec.GRANTED)
    assert r.status == "fail" and (r.values["left"], r.values["right"]) == (2, 3)
    assert "2 ≠ 3" in r.message and "相差 -1" in r.message
    # The finding is about the 总计 cell: it points at that cell's line, not at a part's.
    assert r.column == TOT and r.line == fig.positions[(T3, spec.GRANTED, TOT)].line != fig.positions[(T3, spec.GRANTED, NP)].line
    with use_lang("en"):
        assert "2 ≠ 3 (difference -1)" in r.text()


def test_r2_na_in_a_part_is_not_assessable():
    fig = figures("2019", {(T3, spec.NEW, SCI): NA})
    r = by(run("R2", context(fig)), row=spec.NEW)
    assert r.status == "not_assessable" and r.values["blank"] == [[T3, spec.NEW, SCI]]


# --- R3: （七）总计 = sum of the result rows -----------------------------------------------


def test_r3_on_the_shanghai_like_report(shanghai_like):
    res = run("R3", context(shanghai_like))
    # 自然人: 258 + 40 + (2+1+3+10+5+20+4+15) + (200+30+20) + (50+40+9+5+10) + 45 = 767 (spec §5).
    r = by(res, column=NP)
    assert r.status == "pass" and r.values["right"] == 767
    assert by(res, column=BIZ).values["right"] == 35  # 12+5+4+10+1+3
    # 总计 column: the result rows' 总计 are blank as given, so Σ is not assessable.
    assert by(res, column=TOT).status == "not_assessable"
    assert statuses(res) == {"pass": 6, "not_assessable": 1}


def test_r3_fails_with_both_sides():
    fig = figures("2019", {(T3, spec.WITHHELD_ITEMS[0], NP): 3, (T3, spec.RESULTS_TOTAL, NP): 2})
    r = by(run("R3", context(fig)), column=NP)
    assert r.status == "fail" and (r.values["left"], r.values["right"]) == (2, 3)


def test_r3_2021_counts_the_three_other_handling_items():
    item3 = (T3, spec.OTHER_HANDLING_ITEMS_2021[2], NP)
    ok = by(run("R3", context(figures("2021", {item3: 4, (T3, spec.RESULTS_TOTAL, NP): 4}))), column=NP)
    assert ok.status == "pass" and ok.values["right"] == 4
    bad = by(run("R3", context(figures("2021", {item3: 4, (T3, spec.RESULTS_TOTAL, NP): 3}))), column=NP)
    assert bad.status == "fail" and (bad.values["left"], bad.values["right"]) == (3, 4)


def test_r3_not_assessable():
    fig = figures("2019", {(T3, spec.UNABLE_ITEMS[1], OTH): None})
    r = by(run("R3", context(fig)), column=OTH)
    assert r.status == "not_assessable" and r.values["blank"] == [[T3, spec.UNABLE_ITEMS[1], OTH]]


# --- R6: table 四 totals --------------------------------------------------------------------


def test_r6_passes_on_shanghai_figures(shanghai_like):
    res = run("R6", context(shanghai_like))
    # 5+0+0+2 = 7, 8+0+0+1 = 9 (spec §5), 1+0+0+0 = 1.
    assert [(r.row, r.status, r.values["left"]) for r in res] == [
        (spec.REVIEW, "pass", 7), (spec.SUED_DIRECTLY, "pass", 9), (spec.SUED_AFTER_REVIEW, "pass", 1)]


def test_r6_fails_and_not_assessable():
    fig = figures("2021", {(T4, spec.REVIEW, spec.UPHELD): 5, (T4, spec.REVIEW, spec.PENDING): 2,
                           (T4, spec.REVIEW, TOT): 6, (T4, spec.SUED_DIRECTLY, spec.CORRECTED): None})
    res = run("R6", context(fig))
    r = by(res, row=spec.REVIEW)
    assert r.status == "fail" and (r.values["left"], r.values["right"]) == (6, 7)
    na = by(res, row=spec.SUED_DIRECTLY)
    assert na.status == "not_assessable" and na.values["blank"] == [[T4, spec.SUED_DIRECTLY, spec.CORRECTED]]
    assert by(res, row=spec.SUED_AFTER_REVIEW).status == "pass"


# --- R7: kinds of number ----------------------------------------------------------------------


def test_r7_passes_per_table_and_counts_cells():
    fig = figures("2019", {(T2, "行政处罚", "本年增/减"): -4, (T2, "政府集中采购", "采购总金额"): "6874.6408",
                           (T2, "规章", "本年新制作数量"): NA, (T2, "规章", "本年新公开数量"): None})
    res = run("R7", context(fig))
    assert [(r.table, r.status) for r in res] == [(T2, "pass"), (T3, "pass"), (T4, "pass")]
    # 表二 has 22 cells (spec §3.1): one blank, 21 checked; a signed −4 and a "/" are fine there.
    assert by(res, table=T2).values == {"checked": 21, "blank": 1}
    assert by(res, table=T3).values == {"checked": 161, "blank": 0}


@pytest.mark.parametrize(
    "key, value, problem",
    [
        ((T3, spec.GRANTED, NP), NA, "“/”（不适用）"),
        ((T4, spec.REVIEW, spec.UPHELD), NA, "“/”（不适用）"),
        ((T3, spec.NEW, NP), D(-1), "是负的件数"),
        ((T3, spec.NEW, NP), D("1.5"), "不是整数"),
        ((T2, "行政许可", "本年增/减"), D("0.5"), "不是整数"),
        ((T2, "政府集中采购", "采购总金额"), D("-3.2"), "是负数金额"),
        ((T2, "行政许可", "处理决定数量"), D("NaN"), "不是数字"),
    ],
)
def test_r7_fails_naming_the_cell(key, value, problem):
    fig = figures("2019", {key: value})
    res = run("R7", context(fig))
    r = by(res, table=key[0])
    assert r.status == "fail" and r.cells == (key,) and (r.row, r.column) == key[1:]
    assert problem in r.message and r.line == fig.positions[key].line
    assert [p["problem"] for p in r.values["problems"]] and statuses(res) == {"fail": 1, "pass": 2}


def test_r7_catches_na_in_table_three_from_a_csv(tmp_path):
    # The loader accepts "/" anywhere (not applicable); R7 is what says it makes no sense in 表三.
    text = (FIXTURES / "2019_blank_result_totals.csv").read_text(encoding="utf-8")
    text = text.replace("三,2.重复申请,科研机构,0", "三,2.重复申请,科研机构,/")
    p = tmp_path / "r.csv"
    p.write_text(text, encoding="utf-8")
    loaded = load_figures(p, "2019")
    assert not [f for f in loaded.findings if f.is_error]
    r = by(run("R7", context(loaded.figures)), table=T3)
    assert r.status == "fail" and r.cells == ((T3, spec.NOT_PROCESSED_ITEMS[1], SCI),)


def test_r7_not_assessable_when_a_table_is_all_blank():
    fig = figures("2021", {c.key: None for c in spec.get_format("2021").table(T4).cells})
    r = by(run("R7", context(fig)), table=T4)
    assert r.status == "not_assessable" and len(r.values["blank"]) == 15


# --- R10: 本年新公开数量 ≤ 对外公开总数量 (2019) ---------------------------------------------


def test_r10_pass_fail_not_assessable(shanghai_like):
    r = by(run("R10", context(shanghai_like)), row="规章")
    assert r.status == "pass" and (r.values["left"], r.values["right"]) == (12, 190)
    fig = figures("2019", {(T2, "规范性文件", "本年新公开数量"): 5, (T2, "规范性文件", "对外公开总数量"): 3,
                           (T2, "规章", "对外公开总数量"): None})
    res = run("R10", context(fig))
    bad = by(res, row="规范性文件")
    assert bad.status == "fail" and bad.severity == "warning" and "5 > 3" in bad.message
    na = by(res, row="规章")
    assert na.status == "not_assessable" and na.values["blank"] == [[T2, "规章", "对外公开总数量"]]


def test_r10_equal_passes_and_2021_has_no_such_columns():
    fig = figures("2019", {(T2, "规章", "本年新公开数量"): 4, (T2, "规章", "对外公开总数量"): 4})
    assert by(run("R10", context(fig)), row="规章").status == "pass"
    assert run("R10", context(figures("2021"))) == []


# --- P1: figures far above a township's usual level -------------------------------------------


def test_p1_township_with_thousands_of_applications():
    fig = figures("2021", {(T3, spec.NEW, NP): 1500, (T3, spec.NEW, TOT): None})  # 总计 computed: 1500
    res = run("P1", context(fig, township="某某镇"))
    r = by(res, row=spec.NEW)
    assert r.status == "fail" and r.severity == "note" and r.values == {"value": 1500, "limit": 1000}
    assert "远高于乡镇街道通常报告的数值" in r.message
    with use_lang("en"):
        assert "township-level" in r.text()
    assert all(x.severity == "note" for x in res)


def test_p1_at_the_limit_passes_and_blank_is_not_assessable():
    fig = figures("2019", {(T4, spec.REVIEW, TOT): 100, (T3, spec.CARRIED_IN, NP): None, (T3, spec.CARRIED_IN, TOT): None})
    res = run("P1", context(fig, township="红旗满族乡"))
    assert by(res, row=spec.REVIEW).status == "pass"
    assert by(res, row=spec.CARRIED_IN).status == "not_assessable"


def test_p1_body_level_from_params_and_only_for_townships():
    fig = figures("2021", {(T3, spec.NEW, TOT): 5000})
    params = _params(body="迎宾路街道办事处")
    assert by(run("P1", context(fig, params=params, township="迎宾路")), row=spec.NEW).status == "fail"
    # A city's office with 5000 applications is nothing unusual: no level, no note.
    assert run("P1", context(fig, township="上海市人民政府办公厅")) == []
    assert run("P1", context(fig, params=_params(body="镇江市人民政府"), township="镇江市")) == []


# --- P2: a 乡/镇/街道 reporting 规章 ----------------------------------------------------------


def test_p2_township_reporting_regulations():
    fig = figures("2019", {(T2, "规章", "对外公开总数量"): 3})
    r = by(run("P2", context(fig, township="某乡")), row="规章")
    assert r.status == "fail" and r.severity == "note" and r.cells == ((T2, "规章", "对外公开总数量"),)
    assert "设区的市" in r.message


def test_p2_pass_not_assessable_and_not_applicable():
    assert run("P2", context(figures("2021"), township="某街道"))[0].status == "pass"
    na_marks = figures("2019", {(T2, "规章", c): NA for c in ("本年新制作数量", "本年新公开数量", "对外公开总数量")})
    assert run("P2", context(na_marks, township="某镇"))[0].status == "pass"
    blank = figures("2019", {(T2, "规章", "本年新制作数量"): None})
    na = run("P2", context(blank, township="红旗满族乡"))[0]
    assert na.status == "not_assessable" and na.line == blank.positions[(T2, "规章", "本年新制作数量")].line
    # A provincial government does make 规章.
    assert run("P2", context(figures("2021", {(T2, "规章", "本年制发件数"): 7}), township="某省人民政府")) == []


# --- R11: the narrative against the tables ----------------------------------------------------


def _params(**kw) -> Params:
    base = dict(township="某镇", year=2021, body="某镇人民政府", publish_date=dt.date(2022, 1, 20))
    return Params(**{**base, **kw})


@pytest.mark.parametrize(
    "text, expected",
    [
        ("全年收到申请3件。", [("received", 3)]),
        ("收到政府信息公开申请3件", [("received", 3)]),
        ("本年度新收政府信息公开申请十二件，上年结转2件", [("received", 12), ("carried_in", 2)]),
        ("受理公民、法人和其他组织提出的政府信息公开申请５件", [("received", 5)]),
        ("依申请公开3次，行政复议0次，行政诉讼0次", [("received", 3), ("reviews", 0), ("lawsuits", 0)]),
        ("收到申请8件，其中予以公开5件，结转下年度继续办理1件。",
         [("received", 8), ("granted", 5), ("carried_out", 1)]),
        ("全年未收到政府信息公开申请。", [("received", 0)]),
        ("未发生因政府信息公开申请提起的行政复议和行政诉讼案件。", [("lawsuits", 0), ("reviews", 0)]),
        ("被申请行政复议、提起行政诉讼各0件", [("lawsuits", 0), ("reviews", 0)]),
        ("因政府信息公开被申请行政复议二件，被提起行政诉讼一件", [("reviews", 2), ("lawsuits", 1)]),
        # Placeholders are filled from the tables: nothing typed by hand here.
        ("全年新收政府信息公开申请{{new_applications}}件，上年结转{{carried_in}}件", []),
        ("被申请行政复议{{reviews}}件", []),
        # Not these figures: a proactive-disclosure count, a sub-count of results, an approximate count,
        # a 行政复议 application (a case, not an application for information), 不予公开.
        ("通过网站予以公开信息123件", []),
        ("行政复议结果维持2件", []),
        ("收到申请十余件", []),
        ("收到行政复议申请1件", [("reviews", 1)]),
        ("收到申请4件，不予以公开1件", [("received", 4)]),
        ("收到申请4件，予以公开或部分公开3件", [("received", 4)]),
    ],
)
def test_find_claims(text, expected):
    assert [(c.quantity, c.number) for c in find_claims(text)] == expected


@pytest.mark.parametrize("text, n", [("三", 3), ("十", 10), ("十二", 12), ("二十一", 21), ("一百零五", 105),
                                     ("两千三百", 2300), ("一万二千", 12000), ("一〇五", 105), ("〇", 0)])
def test_chinese_numbers(text, n):
    assert chinese_number(text) == n


_PARAMS_TEXT = """township: 某镇
year: 2021
body: 某镇人民政府
publish_date: 2022-01-20
overview: |
  一段总体情况。

  全年收到申请3件，上年结转0件。
"""


def test_r11_fails_when_the_text_contradicts_the_table():
    # The text says 3 applications were received; table 三 has 0 new applications (issue 3's example).
    params = _params(overview="一段总体情况。\n\n全年收到申请3件，上年结转0件。\n")
    res = run("R11", context(figures("2021"), params=params, params_file="params/某镇/2021.yaml",
                             params_fields=field_positions(_PARAMS_TEXT)))
    bad = by(res, status="fail")
    assert bad.severity == "note" and bad.values["stated"] == 3 and bad.values["table_figure"] == 0
    assert bad.file == "params/某镇/2021.yaml" and bad.line == 8  # the line of “收到申请3件” in the file
    assert bad.cells == ((T3, spec.NEW, TOT),) and "收到申请3件" in bad.message
    ok = by(res, status="pass")
    assert ok.values["stated"] == 0 and ok.row == spec.CARRIED_IN


def test_r11_passes_and_sums_both_kinds_of_lawsuit():
    fig = figures("2021", {(T4, spec.SUED_DIRECTLY, spec.UPHELD): 2, (T4, spec.SUED_DIRECTLY, TOT): 2,
                           (T4, spec.SUED_AFTER_REVIEW, spec.PENDING): 1, (T4, spec.SUED_AFTER_REVIEW, TOT): 1})
    res = run("R11", context(fig, params=_params(overview="被提起行政诉讼3件。")))
    assert [(r.status, r.values["table_figure"]) for r in res] == [("pass", 3)]


def test_r11_not_assessable_when_the_table_figure_is_blank():
    fig = figures("2021", {(T3, spec.NEW, NP): None, (T3, spec.NEW, TOT): None})
    (r,) = run("R11", context(fig, params=_params(problems="全年收到申请3件。")))
    assert r.status == "not_assessable" and r.values["blank"] == [[T3, spec.NEW, TOT]]
    assert spec.SECTIONS[4] in r.message  # the problems field is section 五


def test_r11_silent_without_params_or_hand_written_figures():
    assert run("R11", context(figures("2021"))) == []
    assert run("R11", context(figures("2021"), params=_params(overview="全年新收申请{{new_applications}}件。"))) == []


def test_r11_on_the_seed_report_narrative_finds_nothing_to_contradict():
    from xxgk.report import build_report

    root = Path(__file__).resolve().parents[1]
    report = build_report(root, "红旗满族乡", 2020)
    assert report.params is not None
    assert [f for f in report.findings if f.rule == "R11"] == []
