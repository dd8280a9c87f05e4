"""R11 on what published narratives state: applications handled, each kind of result, shares, and
"均获维持" said of cases.  Sentences are written the way township and county reports phrase them;
every expected figure is worked out by hand from the sentence and the table built in the test."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from figure_support import zero_figures
from xxgk import spec
from xxgk.compute import complete
from xxgk.i18n import use_lang
from xxgk.load import Figures
from xxgk.narrative_check import find_claims
from xxgk.params import Params
from xxgk.rules import REGISTRY, Context

T3, T4 = spec.TABLE_3, spec.TABLE_4
TOT = spec.TOTAL
D = Decimal


def figures(version: str = "2021", overrides: dict | None = None) -> Figures:
    return zero_figures(version, overrides)


def blank_rows(version: str, table: str, *rows: str) -> dict:
    """Every column of ``rows`` blank, so that no total of theirs can be computed either."""
    return {c.key: None for c in spec.get_format(version).table(table).cells if c.row in rows}


def r11(text: str, fig: Figures) -> list:
    params = Params(township="某镇", year=2021 if fig.version == "2021" else 2020, body="某镇人民政府",
                    publish_date=dt.date(2022, 1, 20), overview=text)
    return list(REGISTRY["R11"].check(Context(fig, complete(fig), "data/x.csv", params=params)))


def claims(text: str) -> list[tuple]:
    return [(c.quantity, c.number) for c in find_claims(text)]


def t3(row: str) -> tuple[str, str, str]:
    return (T3, row, TOT)


# --- reading counts -----------------------------------------------------------------------------

WITHHELD_1, WITHHELD_4 = (t3(r) for r in (spec.WITHHELD_ITEMS[0], spec.WITHHELD_ITEMS[3]))
UNABLE_1, UNABLE_2 = (t3(r) for r in spec.UNABLE_ITEMS[:2])
NOT_PROCESSED_1, NOT_PROCESSED_2 = (t3(r) for r in spec.NOT_PROCESSED_ITEMS[:2])


@pytest.mark.parametrize(
    "text, expected",
    [
        # The overview of a small township: every result named with its count, one with its share.
        ("2021年，我镇共收到政府信息公开申请12件，其中予以公开8件，占66.7%，部分公开2件，不予公开1件，无法提供1件；"
         "全部办结并按时答复。",
         [("received", 12), ("share", D("66.7")), ("granted", 8), ("partial", 2), ("withheld", 1), ("unable", 1)]),
        # Applications handled (= （七）总计), in the verbs reports use.
        ("全年共办结政府信息公开申请12件，按时答复率100%。", [("handled", 12)]),
        ("本年度共答复12件，其中予以公开和部分公开共10件。", [("handled", 12), ("disclosed", 10)]),
        ("全年收到申请5件，办结5件。", [("received", 5), ("handled", 5)]),
        ("依法办理政府信息公开申请七件。", [("handled", 7)]),
        ("收到并办结政府信息公开申请１２件。", [("received", 12), ("handled", 12)]),
        # 予以公开 and 部分公开 as one figure, in three wordings; then the other results.
        ("予以公开及部分公开9件。", [("disclosed", 9)]),
        ("对收到的申请，予以公开和部分公开共9件，不予处理2件，其他处理1件。",
         [("disclosed", 9), ("not_processed", 2), ("other_handling", 1)]),
        ("答复申请人时，公开（含部分公开）9件，无法提供两件。", [("disclosed", 9), ("unable", 2)]),
        ("部分公开的申请2件，不予公开共一件。", [("partial", 2), ("withheld", 1)]),
        # Results listed clause by clause after the sentence that gave the applications.
        ("其中，予以公开9件，占64.3%；部分公开2件；不予公开1件（属于第三方合法权益）；无法提供2件；不予处理0件。",
         [("share", D("64.3")), ("granted", 9), ("partial", 2), ("withheld", 1), ("unable", 2), ("not_processed", 0)]),
    ],
)
def test_reads_what_narratives_state(text, expected):
    assert claims(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # Figures about other business than applications for information.
        ("全年主动公开政府信息256条，收到人大代表建议3件，办理政协委员提案2件，作出行政许可决定15件。", []),
        ("办理行政许可申请15件。", []),
        ("现场咨询答复56次，电话咨询答复20次。", []),
        ("受理群众来信和政府信息公开申请共12件。", []),  # two kinds of business in one figure
        ("本年度未收取信息处理费，收费金额0元。", []),
        ("通过网站予以公开信息123件。", []),
        ("全年通过网站予以公开政务信息123件；收到申请3件。", [("received", 3)]),
        ("本年度共办理人大代表建议4件、政协委员提案3件，办复率100%。", []),
        ("组织培训3次，参训人员86人次，开展保密审查127次。", []),
        # Years, dates, items, time limits.
        ("2021年12月31日前已全部办结，均在15个工作日内答复。", []),
        ("对照第3项要求，全部公开。", []),
        ("收到申请人补正材料3份。", []),
        # One item of a result, not the result: the reason names the item.
        ("其中因属于国家秘密不予公开1件，因本机关不掌握相关政府信息无法提供2件。", []),
        ("不予处理重复申请2件。", []),
        # One figure for several results that are not a table figure together.
        ("不予公开和无法提供共3件。", []),
        ("予以公开、部分公开、不予公开各1件。", []),
    ],
)
def test_does_not_read_figures_about_something_else(text, expected):
    assert claims(text) == expected


# --- counts against the tables ---------------------------------------------------------------------

# kind: (sentence, version, table agreeing with it, table contradicting it, rows blanked, figure in the
# contradicting table, how a message names the table figure).
COUNT_CASES = {
    "handled": ("全年共办结政府信息公开申请12件。", "2021",
                {t3(spec.RESULTS_TOTAL): 12}, {t3(spec.RESULTS_TOTAL): 11}, (spec.RESULTS_TOTAL, *spec.result_rows("2021")),
                11, f"{spec.RESULTS_TOTAL}·总计"),
    # 8 + 2 = 10 agrees; 8 + 1 = 9 does not.
    "disclosed": ("予以公开和部分公开共10件。", "2021",
                  {t3(spec.GRANTED): 8, t3(spec.PARTIAL): 2}, {t3(spec.GRANTED): 8, t3(spec.PARTIAL): 1},
                  (spec.PARTIAL,), 9, f"{spec.GRANTED}·总计 + {spec.PARTIAL}·总计"),
    "partial": ("收到申请3件，部分公开2件。", "2021", {t3(spec.NEW): 3, t3(spec.PARTIAL): 2},
                {t3(spec.NEW): 3, t3(spec.PARTIAL): 3}, (spec.PARTIAL,), 3, f"{spec.PARTIAL}·总计"),
    # （三）1–8: 1 + 2 = 3 agrees with 3件; 1 + 1 = 2 does not.
    "withheld": ("不予公开3件。", "2021", {WITHHELD_1: 1, WITHHELD_4: 2}, {WITHHELD_1: 1, WITHHELD_4: 1},
                 (spec.WITHHELD_ITEMS[3],), 2, f"{spec.WITHHELD} 1–8 各项·总计之和"),
    "unable": ("无法提供二件。", "2021", {UNABLE_1: 1, UNABLE_2: 1}, {UNABLE_1: 2, UNABLE_2: 1},
               (spec.UNABLE_ITEMS[0],), 3, f"{spec.UNABLE} 1–3 各项·总计之和"),
    "not_processed": ("不予处理3件。", "2021", {NOT_PROCESSED_1: 2, NOT_PROCESSED_2: 1}, {NOT_PROCESSED_1: 2},
                      (spec.NOT_PROCESSED_ITEMS[1],), 2, f"{spec.NOT_PROCESSED} 1–5 各项·总计之和"),
    # 2021: （六） is the sum of its three items, 1 + 1 = 2.
    "other_handling": ("其他处理2件。", "2021", {t3(spec.OTHER_HANDLING_ITEMS_2021[0]): 1, t3(spec.OTHER_HANDLING_ITEMS_2021[2]): 1},
                       {t3(spec.OTHER_HANDLING_ITEMS_2021[2]): 1}, (spec.OTHER_HANDLING_ITEMS_2021[0],), 1,
                       f"{spec.OTHER_HANDLING} 1–3 各项·总计之和"),
    # 2019: （六） is a single row.
    "other_handling_2019": ("其他处理2件。", "2019", {t3(spec.OTHER_HANDLING): 2}, {t3(spec.OTHER_HANDLING): 4},
                            (spec.OTHER_HANDLING,), 4, f"{spec.OTHER_HANDLING}·总计"),
}


@pytest.mark.parametrize("kind", COUNT_CASES)
def test_count_passes_when_the_table_agrees(kind):
    text, version, agree, _, _, _, names = COUNT_CASES[kind]
    res = [f for f in r11(text, figures(version, agree)) if f.status != "pass" or names in f.message]
    assert [f.status for f in res] == ["pass"], [f.text() for f in res]
    assert "一致" in res[0].text("zh")


@pytest.mark.parametrize("kind", COUNT_CASES)
def test_count_fails_naming_both_figures(kind):
    text, version, _, disagree, _, figure, names = COUNT_CASES[kind]
    (bad,) = [f for f in r11(text, figures(version, disagree)) if f.status == "fail"]
    stated = bad.values["stated"]
    assert bad.values["table_figure"] == figure and stated != figure
    assert bad.text("zh").endswith(f"（{stated}），但表三 {names} 为 {figure}：请更正文字或表格")
    with use_lang("en"):
        english = bad.text()
    assert f"({stated}), but 表三 " in english and f" is {figure}: correct the text or the table" in english


@pytest.mark.parametrize("kind", COUNT_CASES)
def test_count_not_assessable_when_a_cell_is_blank(kind):
    text, version, agree, _, blank, _, names = COUNT_CASES[kind]
    fig = figures(version, {**agree, **blank_rows(version, T3, *blank)})
    (na,) = [f for f in r11(text, fig) if f.status == "not_assessable"]
    assert [tuple(k) for k in na.values["blank"]] == [t3(r) for r in blank if t3(r) in na.cells]
    assert "无法判断" in na.text("zh")


def test_stated_figures_read_with_chinese_numerals_and_full_width_digits():
    # 二 and １２ are the numbers the table has: both pass.
    fig = figures("2021", {t3(spec.RESULTS_TOTAL): 12, UNABLE_1: 2})
    res = r11("全年办结１２件，无法提供二件，均已按时答复申请人。", fig)
    assert [(f.status, f.values["stated"]) for f in res] == [("pass", 12), ("pass", 2)]


# --- shares -----------------------------------------------------------------------------------------


def shares(text: str) -> list[tuple]:
    return [(c.of, c.number, text[c.start:c.end]) for c in find_claims(text) if c.quantity == "share"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("办结申请12件，其中予以公开8件，占66.7%。", [("granted", D("66.7"), "予以公开8件，占66.7%")]),
        ("予以公开19件，占办理总数的33.9%；部分公开2件（占比3.6%）。",
         [("granted", D("33.9"), "予以公开19件，占办理总数的33.9%"), ("partial", D("3.6"), "部分公开2件（占比3.6%）")]),
        ("予以公开和部分公开共10件，占全部办结申请的83.3%。", [("disclosed", D("83.3"), "予以公开和部分公开共10件，占全部办结申请的83.3%")]),
        ("不予公开3件，占比为25%，无法提供0件，占0%。",
         [("withheld", D("25"), "不予公开3件，占比为25%"), ("unable", D("0"), "无法提供0件，占0%")]),
        ("办结申请12件，予以公开８件，占６６．７％。", [("granted", D("66.7"), "予以公开８件，占６６．７％")]),
        # The count is a placeholder, the share typed by hand: the share is still checked.
        ("予以公开{{granted}}件，占办理总数的66.7%。", [("granted", D("66.7"), "予以公开{{granted}}件，占办理总数的66.7%")]),
    ],
)
def test_reads_a_share_of_the_result_it_follows(text, expected):
    assert shares(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "收到申请12件，占全年受理事项的50%。",  # a share of applications received: not a result
        "予以公开8件，占收到申请总数的66.7%。",  # of 一、本年新收, not of （七）总计
        "予以公开8件，占申请总数的66.7%。",  # may be either
        "予以公开8件，部分公开2件，分别占66.7%和16.7%。",  # two shares, one phrase
        "收到并办结申请12件，占100%。",  # after two figures at once
        "予以公开8件，因属于国家秘密不予公开1件，占8.3%。",  # after a count that is not read
        "全年主动公开政府信息256条，占全部信息的80%。",
        "全年办结申请12件，按时办结率100%。",
        "予以公开8件，占{{granted_share}}。",  # the share is a placeholder: filled from the table
    ],
)
def test_does_not_read_a_share_it_cannot_pin_to_one_result(text):
    assert shares(text) == []


SHARE_TEXT = "全年办结申请{n}件，其中予以公开8件，占{share}。"


@pytest.mark.parametrize(
    "handled, written",
    [
        (12, "66.7%"),  # 8/12 = 66.67%
        (12, "67%"),  # written as an integer: 66.67 rounds to 67
        (13, "61.5%"),  # 8/13 = 61.54%
        (16, "50.0%"),  # 8/16 = 50%, written with one decimal
    ],
)
def test_share_passes_when_it_is_the_tables_share_as_written(handled, written):
    fig = figures("2021", {t3(spec.GRANTED): 8, t3(spec.RESULTS_TOTAL): handled})
    res = r11(SHARE_TEXT.format(n=handled, share=written), fig)
    assert [f.status for f in res] == ["pass", "pass", "pass"]  # handled, share, granted
    share = res[1]
    assert f"为 8，占 {spec.RESULTS_TOTAL}·总计 {handled} 的 {written}，一致" in share.text("zh")


@pytest.mark.parametrize(
    "handled, written, table_share",
    [
        (12, "61.5%", "66.7%"),  # the share of 8 in 13 written for 8 in 12
        (12, "66%", "67%"),  # 66.67 is not 66 even written as an integer
        (12, "66.6%", "66.7%"),  # cut off rather than rounded: 66.67 is more than half a unit from 66.6
        (16, "50.1%", "50.0%"),
    ],
)
def test_share_fails_naming_both_shares(handled, written, table_share):
    fig = figures("2021", {t3(spec.GRANTED): 8, t3(spec.RESULTS_TOTAL): handled})
    (bad,) = [f for f in r11(SHARE_TEXT.format(n=handled, share=written), fig) if f.status == "fail"]
    assert bad.text("zh") == (f"一、总体情况写道“予以公开8件，占{written}”（{written}），但表三 {spec.GRANTED}·总计 为 8，"
                              f"占 {spec.RESULTS_TOTAL}·总计 {handled} 的 {table_share}：请更正文字或表格")
    with use_lang("en"):
        assert bad.text() == (f"一、总体情况 says “予以公开8件，占{written}” ({written}), but 表三 {spec.GRANTED}·总计 is 8, "
                              f"{table_share} of {spec.RESULTS_TOTAL}·总计 {handled}: correct the text or the table")
    assert bad.cells == (t3(spec.GRANTED), t3(spec.RESULTS_TOTAL))


@pytest.mark.parametrize(
    "written, passes",
    [
        # 1/8 = 12.5%: written as an integer, half a unit either way is the share as written.
        ("12.5%", True), ("13%", True), ("12%", True), ("12.6%", False), ("14%", False),
        # 1/3 = 33.33…%
        ("33.3%", True), ("33%", True), ("33.4%", False), ("33.33%", True), ("33.34%", False),
    ],
)
def test_share_tolerance_is_half_a_unit_of_the_last_written_digit(written, passes):
    handled = 8 if written.startswith(("12", "13", "14")) else 3
    fig = figures("2021", {t3(spec.PARTIAL): 1, t3(spec.RESULTS_TOTAL): handled})
    res = r11(f"办结申请{handled}件，部分公开1件，占{written}。", fig)
    (share,) = [f for f in res if len(f.cells) == 2]
    assert share.status == ("pass" if passes else "fail")


def test_share_of_a_group_of_results_sums_its_items():
    # （三）不予公开 4 + 1 = 5 of 20 handled = 25%; （一）+（二） 12 + 2 = 14 of 20 = 70%.
    fig = figures("2021", {WITHHELD_1: 4, WITHHELD_4: 1, t3(spec.GRANTED): 12, t3(spec.PARTIAL): 2,
                           t3(spec.RESULTS_TOTAL): 20})
    res = r11("全年办结申请20件，予以公开和部分公开共14件，占70%，不予公开5件，占比25.0%。", fig)
    assert [f.status for f in res] == ["pass"] * 5
    assert f"{spec.WITHHELD} 1–8 各项·总计之和 为 5，占 {spec.RESULTS_TOTAL}·总计 20 的 25.0%，一致" in res[3].text("zh")


def test_share_placeholder_count_with_a_typed_share():
    # 予以公开 comes from the table (8); only the typed share is compared: 8/12 is 66.7%, not 60%.
    fig = figures("2021", {t3(spec.GRANTED): 8, t3(spec.RESULTS_TOTAL): 12})
    (bad,) = r11("予以公开{{granted}}件，占办理总数的60.0%。", fig)
    assert bad.status == "fail" and bad.values["stated"] == D("60.0") and bad.values["table_share"] == D("66.7")


def test_share_not_assessable_when_a_cell_is_blank_or_nothing_was_handled():
    text = "全年办结申请12件，其中予以公开8件，占66.7%。"
    # （七）总计 blank, and one of its parts, so that it cannot be computed either.
    blank = figures("2021", {t3(spec.GRANTED): 8, **blank_rows("2021", T3, spec.RESULTS_TOTAL, spec.WITHHELD_ITEMS[0])})
    share = r11(text, blank)[1]
    assert share.status == "not_assessable" and share.values["blank"] == [list(t3(spec.RESULTS_TOTAL))]
    assert share.text("zh").endswith(f"无法判断，表三中未填报：{spec.RESULTS_TOTAL}·总计")
    # No application handled: a share of nothing cannot be compared (the counts themselves are).
    none = r11("全年办结申请0件，予以公开0件，占0%。", figures("2021"))
    assert [f.status for f in none] == ["pass", "not_assessable", "pass"]
    assert none[1].text("zh").endswith(f"无法判断，表三 {spec.RESULTS_TOTAL}·总计 为 0，没有可比的占比")
    with use_lang("en"):
        assert none[1].text().endswith(f"not assessable, 表三 {spec.RESULTS_TOTAL}·总计 is 0, so there is no share to compare")


# --- 行政复议 and 行政诉讼: counts, and "均获维持" -----------------------------------------------------

REVIEW, DIRECT, AFTER = spec.REVIEW, spec.SUED_DIRECTLY, spec.SUED_AFTER_REVIEW
UPHELD, CORRECTED, OTHER, PENDING = spec.UPHELD, spec.CORRECTED, spec.OTHER_RESULT, spec.PENDING


def t4(row: str, column: str) -> tuple[str, str, str]:
    return (T4, row, column)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("因政府信息公开工作被申请行政复议2起，被提起行政诉讼1起。", [("reviews", 2), ("lawsuits", 1)]),
        ("本年度发生行政复议案件1件，提起行政诉讼1件。", [("reviews", 1), ("lawsuits", 1)]),
        ("行政复议和行政诉讼各1件。", [("lawsuits", 1), ("reviews", 1)]),
        ("因政府信息公开工作被申请行政复议、提起行政诉讼的情况均为零。", [("lawsuits", 0), ("reviews", 0)]),
        ("全年未发生因政府信息公开引起的行政复议和行政诉讼。", [("lawsuits", 0), ("reviews", 0)]),
        ("本单位未被申请行政复议，被提起行政诉讼一件。", [("reviews", 0), ("lawsuits", 1)]),
        ("行政诉讼案件二宗，行政复议案件三宗。", [("lawsuits", 2), ("reviews", 3)]),
    ],
)
def test_reads_case_counts(text, expected):
    assert claims(text) == expected


def upheld(text: str) -> list[tuple]:
    return [(c.of, text[c.start:c.end]) for c in find_claims(text) if c.quantity == "upheld"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("行政复议、行政诉讼结果均获维持。",
         [("lawsuits", "行政复议、行政诉讼结果均获维持"), ("reviews", "行政复议、行政诉讼结果均获维持")]),
        ("被申请行政复议2起，被提起行政诉讼1起，均获维持。",
         [("lawsuits", "被申请行政复议2起，被提起行政诉讼1起，均获维持"), ("reviews", "被申请行政复议2起，被提起行政诉讼1起，均获维持")]),
        ("因政府信息公开被申请行政复议3件，结果全部为维持。", [("reviews", "因政府信息公开被申请行政复议3件，结果全部为维持")]),
        ("行政复议案件均已依法予以维持。", [("reviews", "行政复议案件均已依法予以维持")]),
        ("行政复议2起，均维持了原答复决定。", [("reviews", "行政复议2起，均维持了原答复决定")]),
        # Of the one kind named in the sentence that says it: the other sentence names a pending case.
        ("被申请行政复议2起，均维持原决定；被提起行政诉讼1起，尚在审理中。", [("reviews", "被申请行政复议2起，均维持原决定")]),
        ("行政诉讼1起尚未审结，行政复议2起结果均为维持。", [("reviews", "行政复议2起结果均为维持")]),
        # One case, upheld: the same as "all upheld".
        ("被申请行政复议1起，经复议维持原决定。", [("reviews", "被申请行政复议1起，经复议维持原决定")]),
        ("被提起行政诉讼1件，法院判决维持原具体行政行为。", [("lawsuits", "被提起行政诉讼1件，法院判决维持原具体行政行为")]),
    ],
)
def test_reads_all_upheld(text, expected):
    assert upheld(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "被申请行政复议2起，其中1起维持原决定，1起被纠正。",  # a part of the cases
        "被申请行政复议2起，经复议维持原决定。",  # one 维持 for two cases: which?
        "被申请行政复议1起，被提起行政诉讼1起，维持原决定。",  # which of the two?
        "行政复议2起，均获维持，1起尚未审结。",  # the sentence contradicts itself
        "行政复议1起，并未全部维持。",
        "行政复议1起，复议机关不予维持。",
        "全年未发生行政复议和行政诉讼，各项工作均维持良好态势。",
        "全年被申请行政复议1起，各项工作均维持原有水平。",
        "行政复议结果维持2件。",  # a count of one column, not "all"
        "各项工作均获维持。",  # no case named
    ],
)
def test_does_not_read_upheld_when_it_cannot_tell_of_what(text):
    assert upheld(text) == []


def test_all_upheld_passes_when_no_case_ended_otherwise():
    # 行政复议 2 upheld; 行政诉讼 1 upheld (未经复议直接起诉): nothing corrected, other or open.
    fig = figures("2021", {t4(REVIEW, UPHELD): 2, t4(REVIEW, TOT): 2, t4(DIRECT, UPHELD): 1, t4(DIRECT, TOT): 1})
    res = r11("行政复议、行政诉讼结果均获维持。", fig)
    assert [(f.status, f.cells[0][1]) for f in res] == [("pass", DIRECT), ("pass", REVIEW)]
    assert res[1].text("zh") == ("一、总体情况写道“行政复议、行政诉讼结果均获维持”：表四 行政复议·结果纠正、行政复议·其他结果、"
                                 "行政复议·尚未审结 均为 0，一致")
    assert res[0].cells == tuple(t4(r, c) for r in (DIRECT, AFTER) for c in (CORRECTED, OTHER, PENDING))


def test_all_upheld_fails_naming_the_other_results():
    # 2 reviews: 1 corrected, 1 still open.  The count (2) agrees; "均获维持" does not.
    fig = figures("2021", {t4(REVIEW, CORRECTED): 1, t4(REVIEW, PENDING): 1, t4(REVIEW, TOT): 2})
    count, bad = sorted(r11("被申请行政复议2起，均获维持。", fig), key=lambda f: f.status != "pass")
    assert count.status == "pass" and count.values["table_figure"] == 2
    assert bad.status == "fail" and bad.severity == "note"
    assert bad.text("zh") == ("一、总体情况写道“被申请行政复议2起，均获维持”，但表四 行政复议·结果纠正 1、行政复议·尚未审结 1："
                              "请更正文字或表格")
    with use_lang("en"):
        assert bad.text() == ("一、总体情况 says “被申请行政复议2起，均获维持”, but 表四 has 行政复议·结果纠正 1, "
                              "行政复议·尚未审结 1: correct the text or the table")
    assert bad.values["table_figure"] == 2


def test_all_upheld_lawsuits_looks_at_both_kinds_of_lawsuit():
    # 2 lawsuits: 1 direct, upheld; 1 after review, 其他结果 (e.g. withdrawn).
    fig = figures("2021", {t4(DIRECT, UPHELD): 1, t4(DIRECT, TOT): 1, t4(AFTER, OTHER): 1, t4(AFTER, TOT): 1})
    res = r11("被提起行政诉讼2件，结果均为维持。", fig)
    (bad,) = [f for f in res if f.status == "fail"]
    assert bad.text("zh").endswith(f"但表四 {AFTER}·{OTHER} 1：请更正文字或表格")
    assert [f.values["table_figure"] for f in res if f.status == "pass"] == [2]  # 1 + 1 lawsuits, as stated


def test_one_case_upheld_fails_when_it_was_corrected():
    fig = figures("2019", {t4(REVIEW, CORRECTED): 1, t4(REVIEW, TOT): 1})
    res = r11("被申请行政复议1起，经复议维持原决定。", fig)
    assert sorted(f.status for f in res) == ["fail", "pass"]
    (bad,) = [f for f in res if f.status == "fail"]
    assert "写道“被申请行政复议1起，经复议维持原决定”，但表四 行政复议·结果纠正 1" in bad.text("zh")


def test_all_upheld_not_assessable_when_a_cell_is_blank():
    fig = figures("2021", {t4(REVIEW, UPHELD): 1, t4(REVIEW, OTHER): None, t4(REVIEW, TOT): 1})
    (na,) = r11("行政复议案件均已依法予以维持。", fig)
    assert na.status == "not_assessable" and na.values["blank"] == [list(t4(REVIEW, OTHER))]
    assert na.text("zh").endswith(f"无法判断，表四中未填报：{REVIEW}·{OTHER}")
    # A case corrected contradicts the text whatever the blank cell holds.
    fig = figures("2021", {t4(REVIEW, CORRECTED): 1, t4(REVIEW, OTHER): None, t4(REVIEW, TOT): None})
    (bad,) = r11("行政复议案件均已依法予以维持。", fig)
    assert bad.status == "fail" and bad.text("zh").endswith(f"但表四 {REVIEW}·{CORRECTED} 1：请更正文字或表格")


def test_no_case_sentence_passes_against_an_empty_table_four():
    res = r11("全年未发生因政府信息公开引起的行政复议和行政诉讼。", figures("2021"))
    assert [(f.status, f.values["table_figure"]) for f in res] == [("pass", 0), ("pass", 0)]


# --- a whole overview ---------------------------------------------------------------------------------

OVERVIEW = """2022年，某镇深入贯彻《中华人民共和国政府信息公开条例》，全年通过镇政府网站主动公开政府信息326条。

（一）主动公开。本年制发行政规范性文件2件，废止1件；作出行政许可决定48件、行政处罚决定3件。

（二）依申请公开。全年共收到政府信息公开申请15件，上年结转1件；办结14件，结转下年度继续办理2件。其中，予以公开9件，占64.3%；部分公开2件；不予公开1件；无法提供2件；不予处理0件。所有申请均在法定期限内答复，未收取信息处理费。

（三）政府信息管理。组织培训3次，参训人员86人次。

（五）监督保障。全年因政府信息公开被申请行政复议1起，经复议维持原答复；未发生行政诉讼。本年度共办理人大代表建议4件、政协委员提案3件。
"""


def test_a_whole_overview_that_agrees_with_its_tables_passes():
    # 15 new + 1 carried in = 14 handled + 2 carried out; 9 + 2 + 1 + 2 + 0 = 14; 9/14 = 64.29% → 64.3%;
    # one review, upheld; no lawsuit.
    fig = figures("2021", {t3(spec.NEW): 15, t3(spec.CARRIED_IN): 1, t3(spec.RESULTS_TOTAL): 14, t3(spec.CARRIED_OUT): 2,
                           t3(spec.GRANTED): 9, t3(spec.PARTIAL): 2, WITHHELD_4: 1, UNABLE_1: 2,
                           t4(REVIEW, UPHELD): 1, t4(REVIEW, TOT): 1})
    res = r11(OVERVIEW, fig)
    assert [f.text("zh").split("”")[0].split("“")[1] for f in res] == [
        "收到政府信息公开申请15件", "上年结转1件", "办结14件", "结转下年度继续办理2件",
        "予以公开9件，占64.3%", "予以公开9件", "部分公开2件", "不予公开1件", "无法提供2件", "不予处理0件",
        "全年因政府信息公开被申请行政复议1起，经复议维持原答复", "行政复议1起", "未发生行政诉讼",
    ]
    assert {f.status for f in res} == {"pass"}
    # The same text against a table that counted the review as corrected.
    fig.values[t4(REVIEW, UPHELD)], fig.values[t4(REVIEW, CORRECTED)] = D(0), D(1)
    assert [f.text("zh") for f in r11(OVERVIEW, fig) if f.status != "pass"] == [
        "一、总体情况写道“全年因政府信息公开被申请行政复议1起，经复议维持原答复”，但表四 行政复议·结果纠正 1：请更正文字或表格"]
