"""Issue 8: findings that matter, first and in Chinese.

Honest counts (missing data apart from failed checks, computed totals neither), what matters first
(order, blank cells folded, capped input errors), the analyst's language, one catalogue of codes,
labels as real reports print them, and narrative pasted one paragraph per line.
"""

from __future__ import annotations

import csv
import io
import json
import re
import string
from pathlib import Path

import lxml.html
import pytest
from typer.testing import CliRunner

from xxgk import catalogue, spec
from xxgk.cli import app
from xxgk.compute import case_totals, results_totals, row_totals
from xxgk.findings import sort_findings, tally
from xxgk.html import banner, review_panel, table_html
from xxgk.i18n import use_lang
from xxgk.load import load_figures
from xxgk.report import build_report

PROJECT = Path(__file__).resolve().parents[1]
runner = CliRunner()
T2, T3, T4 = spec.TABLE_2, spec.TABLE_3, spec.TABLE_4
TOT = spec.TOTAL
TOTALS_2021 = {t.cell for t in (*row_totals("2021"), *results_totals("2021"), *case_totals())}


def consistent_values(version: str = "2021") -> dict:
    """A report whose every figure holds the format's arithmetic: 1 application per applicant column,
    granted; table 四 one upheld 行政复议; everything else 0."""
    values = {c.key: 0 for c in spec.get_format(version).cells()}
    for c in spec.T3_APPLICANT_COLUMNS:
        values[(T3, spec.NEW, c)] = 1
        values[(T3, spec.GRANTED, c)] = 1
        values[(T3, spec.RESULTS_TOTAL, c)] = 1
    for row in (spec.NEW, spec.GRANTED, spec.RESULTS_TOTAL):
        values[(T3, row, TOT)] = 6
    values[(T4, spec.REVIEW, spec.UPHELD)] = 1
    values[(T4, spec.REVIEW, TOT)] = 1
    return values


def write_report(root: Path, township: str, year: int, values: dict, *, params: str | None = "default",
                 version: str | None = None) -> Path:
    version = version or spec.version_for_year(year)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["table", "row", "column", "value"])
    for cell in spec.get_format(version).cells():
        v = values.get(cell.key, "")
        w.writerow([*cell.key, "" if v is None else v])
    path = root / "data" / str(year) / f"{township}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(out.getvalue(), encoding="utf-8")
    if params is not None:
        p = root / "params" / township / f"{year}.yaml"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(params if params != "default" else
                     f"township: {township}\nyear: {year}\nbody: {township}人民政府\npublish_date: {year + 1}-01-20\n"
                     "overview: |\n  总体情况。\n", encoding="utf-8")
    return path


def check(root: Path, *args: str, env: dict | None = None):
    return runner.invoke(app, ["check", "--root", str(root), *args], env=env)


def data_line(path: Path, key: tuple[str, str, str]) -> int:
    for n, row in enumerate(csv.reader(path.read_text(encoding="utf-8").splitlines()), 1):
        if tuple(row[:3]) == key:
            return n
    raise KeyError(key)


# --- honest counts ------------------------------------------------------------------------------


def test_totals_left_blank_and_computed_pass_strict(tmp_path):
    # The README invites leaving totals blank: such a report is complete, passes --strict, and
    # nothing about it is "missing".
    values = consistent_values()
    for key in TOTALS_2021:
        values[key] = None
    write_report(tmp_path, "甲镇", 2021, values)
    res = check(tmp_path, "--strict")
    assert res.exit_code == 0, res.output
    assert "检查未通过 0 项" in res.output and "未填报 0 项" in res.output
    report = build_report(tmp_path, "甲镇", 2021)
    assert report.completed.computed == TOTALS_2021
    assert not [f for f in report.findings if f.is_missing or f.is_warning]
    assert report.completed.values[(T3, spec.NEW, TOT)] == 6  # 1 from each of the six applicant columns


@pytest.mark.parametrize("total, part", [
    ((T3, spec.GRANTED, TOT), (T3, spec.GRANTED, spec.BIZ)),  # R2: a row's 总计
    ((T3, spec.RESULTS_TOTAL, spec.NATURAL), (T3, spec.WITHHELD_ITEMS[3], spec.NATURAL)),  # R3: （七）总计
    ((T4, spec.SUED_DIRECTLY, TOT), (T4, spec.SUED_DIRECTLY, spec.PENDING)),  # R6: table 四
])
def test_a_total_with_a_blank_part_stays_blank_everywhere(tmp_path, total, part):
    values = consistent_values()
    values[total], values[part] = None, None
    write_report(tmp_path, "甲镇", 2021, values)
    report = build_report(tmp_path, "甲镇", 2021)
    assert total not in report.completed.computed and report.completed.values[total] is None
    # On the page: an empty cell marked 未填报, not a computed 0.
    doc = lxml.html.fromstring(table_html(report, total[0]))
    (td,) = doc.xpath(f"//td[@data-row='{total[1]}'][@data-column='{total[2]}']")
    assert td.text_content() == "" and "blank" in td.classes and "computed" not in td.classes
    # In the findings: both blank cells are missing data, and no rule treats the total as a figure.
    missing = {f.cells[0] for f in report.findings if f.rule == "M-BLANK"}
    assert missing == {total, part}
    for f in report.findings:
        if total in f.cells and f.rule.startswith(("R", "P")):
            assert f.status == "not_assessable", f.format_line()


def test_banner_panel_check_and_dashboard_count_alike(tmp_path):
    # One failed rule (R6), one plausibility note (P2: a 镇 making 规章), three missing figures.
    values = consistent_values()
    values[(T4, spec.REVIEW, TOT)] = 2
    values[(T2, "规章", "本年制发件数")] = 1
    values[(T2, "规章", "现行有效件数")] = 1
    for c in (spec.NATURAL, spec.BIZ, spec.SCI):
        values[(T3, spec.CARRIED_OUT, c)] = None
    write_report(tmp_path, "乙镇", 2021, values)
    report = build_report(tmp_path, "乙镇", 2021)
    t = tally(report.findings)
    assert (t.errors, t.failed, t.notes, t.missing) == (0, 1, 1, 3)
    b = lxml.html.fromstring(banner(report))
    assert (b.get("data-errors"), b.get("data-failed"), b.get("data-notes"), b.get("data-missing")) == ("0", "1", "1", "3")
    assert "检查未通过 1 项" in b.text_content() and "提示 1 项" in b.text_content() and "未填报 3 项" in b.text_content()
    panel = lxml.html.fromstring(review_panel(report)).xpath("//p[@class='summary']")[0].text_content()
    assert "输入错误 0 项，检查未通过 1 项，提示 1 项，未填报 3 项" in panel
    out = check(tmp_path).output
    assert "乙镇 2021：输入错误 0 项，检查未通过 1 项，提示 1 项，未填报 3 项" in out
    batch = runner.invoke(app, ["batch", "--root", str(tmp_path), "-j", "1"])
    assert batch.exit_code == 0, batch.output
    summary = list(csv.DictReader(io.StringIO((tmp_path / "output" / "summary.csv").read_text(encoding="utf-8-sig"))))
    assert [(r["errors"], r["failed"], r["notes"], r["missing"]) for r in summary] == [("0", "1", "1", "3")]


def test_a_failure_points_at_the_line_of_its_own_cell(tmp_path):
    # R2 on 一、本年新收's 总计: the line of that 总计, not of the row's first part.
    values = consistent_values()
    values[(T3, spec.NEW, TOT)] = 7
    path = write_report(tmp_path, "丙镇", 2021, values)
    report = build_report(tmp_path, "丙镇", 2021)
    (r2,) = [f for f in report.findings if f.rule == "R2" and f.status == "fail"]
    assert r2.line == data_line(path, (T3, spec.NEW, TOT)) != data_line(path, (T3, spec.NEW, spec.NATURAL))
    (r1,) = [f for f in report.findings if f.rule == "R1" and f.status == "fail"]
    assert r1.column == TOT and r1.line == data_line(path, (T3, spec.NEW, TOT))


# --- what matters first ---------------------------------------------------------------------------


def test_a_real_finding_comes_before_missing_data(tmp_path):
    # A 街道 reporting 规章 (P2), one failed rule (R6) and many blank figures: what matters is on the
    # first screen, the blanks folded to a few lines at the end.
    values = consistent_values()
    values[(T4, spec.REVIEW, TOT)] = 2
    values[(T2, "规章", "本年制发件数")] = 2
    values[(T2, "规章", "现行有效件数")] = 2
    for row in spec.WITHHELD_ITEMS:
        for c in spec.T3_DATA_COLUMNS:
            values[(T3, row, c)] = None
    for c in spec.T4_DATA_COLUMNS:
        values[(T4, spec.SUED_AFTER_REVIEW, c)] = None
    write_report(tmp_path, "东城街道", 2021, values)
    lines = check(tmp_path).output.splitlines()
    kinds = []
    for line in lines:
        m = re.search(r": (错误|警告|提示|未填报|无法判断) ([A-Z][-A-Z0-9]*)", line)
        if m:
            kinds.append((m.group(1), m.group(2)))
    assert kinds[:2] == [("警告", "R6"), ("提示", "P2")], lines
    assert [k for k in kinds if k[0] == "未填报"] == [("未填报", "M-BLANK")] * 2
    assert any(line.endswith("未填报 M-BLANK: 表三 （三）不予公开 各列 未填报") for line in lines)
    assert any(line.endswith("未填报 M-BLANK: 表四 复议后起诉 各列 未填报") for line in lines)
    assert len(lines) < 12  # 56 blank cells, and the output still fits on one screen
    # --verbose lists every blank cell, and the JSON does too, in the same order of importance.
    verbose = check(tmp_path, "--verbose").output
    assert verbose.count("M-BLANK") == 8 * 7 + 5
    items = json.loads(check(tmp_path, "--format", "json").output)
    groups = [i["group"] for i in items]
    order = ["input_error", "input_warning", "rule", "plausibility", "label", "missing", "not_assessable", "pass"]
    assert groups == sorted(groups, key=order.index)
    assert sum(1 for i in items if i["rule"] == "M-BLANK") == 8 * 7 + 5


def test_missing_data_folds_by_table_row_and_table(tmp_path):
    values = consistent_values()
    for c in spec.T4_DATA_COLUMNS:
        for row in spec.T4_DATA_ROWS:
            values[(T4, row, c)] = None
    values[(T3, spec.CARRIED_IN, spec.LAW)] = None
    values[(T3, spec.CARRIED_IN, spec.OTH)] = None
    write_report(tmp_path, "丁镇", 2021, values)
    out = [line.split(": ", 1)[1] for line in check(tmp_path).output.splitlines() if "M-BLANK" in line]
    assert out == [f"未填报 M-BLANK: 表三 {spec.CARRIED_IN}：法律服务机构、其他 未填报", "未填报 M-BLANK: 表四 全表 未填报"]


def test_input_errors_are_capped_per_code_and_counted(tmp_path):
    values = consistent_values()
    bad = [c.key for c in spec.get_format("2021").table(T3).cells][:30]
    for key in bad:
        values[key] = "一"
    write_report(tmp_path, "戊镇", 2021, values)
    res = check(tmp_path)
    assert res.exit_code == 1
    lines = [line for line in res.output.splitlines() if "E-NOT-NUMBER" in line]
    assert len(lines) == 21 and lines[-1].endswith("… 及另外 10 处同类错误（E-NOT-NUMBER）")
    assert "戊镇 2021：输入错误 30 项" in res.output
    items = json.loads(check(tmp_path, "--format", "json").output)
    more = [i for i in items if i["count"] > 1]
    assert [(i["rule"], i["count"]) for i in more] == [("E-NOT-NUMBER", 10)]


def test_a_file_that_is_not_a_report_is_not_read_to_the_end(tmp_path):
    rows = "".join(f"{i},{i * 3},{i * 7},{i}\n" for i in range(5000))  # a table of something else
    path = tmp_path / "x.csv"
    path.write_text("table,row,column,value\n" + rows, encoding="utf-8")
    loaded = load_figures(path, "2021", "data/2021/某镇.csv")
    (stop,) = [f for f in loaded.findings if f.rule == "E-NOT-REPORT"]
    assert loaded.figures is None and stop.line == 51  # stopped after 50 records, not 5000
    assert "前 50 条数据没有一条能对应到报表的单元格" in stop.message
    # At most two label errors per line read (row and column): nothing past line 51 was looked at.
    assert sum(f.count for f in loaded.findings if f.is_error) <= 2 * 50 + 1


def test_a_huge_broken_file_gives_a_short_answer(tmp_path):
    # 200,000 lines (about 10 MB): every cell given again and again.  The answer stays a few dozen
    # lines, and its counts are the whole truth.
    values = consistent_values()
    path = write_report(tmp_path, "己镇", 2021, values)
    body = path.read_text(encoding="utf-8").split("\n", 1)[1]
    repeats = 1000
    path.write_text("table,row,column,value\n" + body * repeats, encoding="utf-8")
    res = check(tmp_path)
    assert res.exit_code == 1
    duplicates = 200 * (repeats - 1)
    assert f"输入错误 {duplicates:,} 项" in res.output
    assert f"… 及另外 {duplicates - catalogue.SHOWN_PER_CODE:,} 处同类错误（E-DUPLICATE）" in res.output
    assert len(res.output.splitlines()) < 30


# --- the analyst's language ---------------------------------------------------------------------


def test_chinese_by_default_english_on_request(tmp_path):
    values = consistent_values()
    values[(T4, spec.REVIEW, TOT)] = 2
    write_report(tmp_path, "庚镇", 2021, values)
    zh = check(tmp_path).output
    assert "警告 R6 表四总计: " in zh and "行政复议·总计 = 各分项之和：2 ≠ 1（相差 1）" in zh
    en = check(tmp_path, "--lang", "en").output
    assert "warning R6 table 四 totals: " in en and "行政复议·总计 = sum of its parts: 2 ≠ 1 (difference 1)" in en
    assert check(tmp_path, env={"XXGK_LANG": "en"}).output == en
    # Official labels and codes are never translated.
    assert "行政复议" in en and "R6" in en and "庚镇 2021: 0 input errors, 1 failed checks" in en


def test_review_copy_in_english(tmp_path):
    values = consistent_values()
    values[(T4, spec.REVIEW, TOT)] = 2
    write_report(tmp_path, "辛镇", 2021, values)
    report = build_report(tmp_path, "辛镇", 2021)
    with use_lang("en"):
        panel = lxml.html.fromstring(review_panel(report))
        text = panel.text_content()
        assert panel.get("lang") == "en" and "Data check" in text and "1 failed checks" in text
        assert "sum of its parts" in text and "Formula: " in text
        assert "Review copy" in lxml.html.fromstring(banner(report)).text_content()
    zh = lxml.html.fromstring(review_panel(report))
    assert zh.get("lang") == "zh-CN" and "数据核验" in zh.text_content() and "公式：" in zh.text_content()


# --- one catalogue ------------------------------------------------------------------------------


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_code_speaks_both_languages_with_the_same_fields():
    assert catalogue.CODES
    for code in catalogue.CODES.values():
        assert code.title.zh and code.title.en and code.origin in catalogue.ORIGINS
        assert code.category in catalogue.CATEGORIES and code.severity in catalogue.SEVERITY_TEXT
        if code.is_rule:
            assert code.formula is not None and code.formula.zh and code.formula.en
        for variant, text in code.messages.items():
            assert _fields(text.zh) == _fields(text.en), (code.id, variant)


def test_no_message_is_written_outside_the_catalogue():
    # A finding is made with findings.finding(code, variant) from the catalogue; the only direct
    # Finding(...) is the loader's "… and N more" line, whose words are the catalogue's MORE.
    lib = PROJECT / "lib" / "xxgk"
    direct = {p.name for p in lib.glob("*.py") if re.search(r"\bFinding\(\s*rule=", p.read_text(encoding="utf-8"))}
    assert direct <= {"findings.py", "load.py"}, direct
    used = set()
    for p in lib.glob("*.py"):
        used |= set(re.findall(r"""\bfinding\(\s*["']([A-Z][-A-Z0-9]*)["']""", p.read_text(encoding="utf-8")))
        used |= set(re.findall(r"""@rule\("([A-Z][0-9]+)"\)""", p.read_text(encoding="utf-8")))
    assert used <= set(catalogue.CODES), used - set(catalogue.CODES)


def test_readme_code_table_is_the_catalogue():
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    m = re.search(r"<!-- codes:start -->\n(.*?)<!-- codes:end -->", readme, re.S)
    assert m, "the README has a generated code table"
    assert m.group(1) == catalogue.markdown_table(), "regenerate it: python -m xxgk.catalogue"


# --- labels as real reports print them ----------------------------------------------------------


@pytest.mark.parametrize("version, table, row, column, written, axis, variant", [
    ("2019", T2, "行政许可", "本年增/减", "本年增/", "column", "truncated"),
    ("2019", T2, "政府集中采购", "采购项目数量", "采购项目数", "column", "truncated"),
    ("2021", T2, "行政事业性收费", "本年收费金额（单位：万元）", "本年收费金额单位:万元", "column", "brackets"),
    ("2021", T2, "规章", "本年制发件数", "规章(设区的市、自治州人民政府应提供相关数据)", "row", "remark"),
    ("2021", T2, "行政规范性文件", "现行有效件数", "行政规范性文件（含以政府办公室名义制发的）", "row", "remark"),
    ("2019", T2, "规范性文件", "本年新制作数量", "制作数量", "column", "truncated"),
    ("2019", T2, "规范性文件", "本年新制作数量", "本年新\n制作数量", "column", None),
])
def test_labels_as_real_reports_print_them(tmp_path, version, table, row, column, written, axis, variant):
    values = {c.key: 0 for c in spec.get_format(version).cells()}
    values[(table, row, column)] = 3
    year = 2020 if version == "2019" else 2021
    path = write_report(tmp_path, "壬镇", year, values)
    text = path.read_text(encoding="utf-8")
    original = f"{table},{row},{column},3"
    label = f'"{written}"' if "\n" in written else written
    changed = f"{table},{label},{column},3" if axis == "row" else f"{table},{row},{label},3"
    assert original in text
    path.write_text(text.replace(original, changed), encoding="utf-8")
    loaded = load_figures(path, version, "data/x.csv")
    assert not [f for f in loaded.findings if f.is_error], [f.format_line() for f in loaded.findings]
    assert loaded.figures.get(table, row, column) == 3
    notes = [f for f in loaded.findings if f.rule == "N-ALIAS"]
    if variant is None:  # a line break inside a label carries no meaning: no note
        assert notes == []
        return
    (note,) = notes
    official = column if axis == "column" else row
    assert note.values["official"] == official and f"按官方标签“{official}”读取" in note.message
    assert note.text() == catalogue.message("N-ALIAS", variant, label=written.strip(), official=official).render()


def test_a_longer_label_gets_the_official_one_it_starts_with_and_no_missing_cell(tmp_path):
    values = {c.key: 0 for c in spec.get_format("2021").cells()}
    path = write_report(tmp_path, "癸镇", 2021, values)
    text = path.read_text(encoding="utf-8").replace("二,规章,本年制发件数,0", "二,规章数量统计,本年制发件数,0")
    path.write_text(text, encoding="utf-8")
    loaded = load_figures(path, "2021", "data/x.csv")
    assert [f.rule for f in loaded.findings] == ["E-LABEL"]
    (f,) = loaded.findings
    assert f.values["suggestions"] == ["规章"] and "是否应为“规章”" in f.message


# --- narrative pasted from Word ------------------------------------------------------------------


def test_one_line_one_paragraph(tmp_path):
    pasted = ("2021年，我镇认真贯彻落实《中华人民共和国政府信息公开条例》。\n"
              "（一）主动公开。全年主动公开政府信息120条。\n"
              "（二）依申请公开。全年收到政府信息公开申请6件。\n")
    params = ("township: 子镇\nyear: 2021\nbody: 子镇人民政府\npublish_date: 2022-01-20\noverview: |\n"
              + "".join(f"  {line}\n" for line in pasted.splitlines()))
    write_report(tmp_path, "子镇", 2021, consistent_values(), params=params)
    from xxgk.html_narrative import render_field

    html = render_field(build_report(tmp_path, "子镇", 2021), "overview")
    paragraphs = [p.text_content() for p in lxml.html.fromstring(f"<div>{html}</div>").xpath("//p")]
    assert paragraphs == pasted.splitlines()
