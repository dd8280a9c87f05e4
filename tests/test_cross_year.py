"""Issue 12: each report against the year before.  R8, R9 and R10's cross-year half pass, fail and
are not assessable (also across the 2020→2021 format change); figures this year leaves blank are
carried from last year and marked; placeholders and R11 for the change against last year; the
batch renders a year again when an earlier year changes.  Expected figures are worked out here
from the data files the tests write."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import lxml.html
import pytest

from xxgk import spec
from xxgk.html import provenance_footer, table_html
from xxgk.narrative import placeholder_values
from xxgk.report import build_report

T2, T3, T4 = spec.TABLE_2, spec.TABLE_3, spec.TABLE_4
TOWN = "甲镇"


def zeros(version: str) -> dict:
    return {c.key: "0" for c in spec.get_format(version).cells()}


def write(root: Path, year: int, values: dict, *, params: str | None = None) -> Path:
    version = spec.version_for_year(year)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["table", "row", "column", "value"])
    for cell in spec.get_format(version).cells():
        w.writerow([*cell.key, values.get(cell.key, "0")])
    path = root / "data" / str(year) / f"{TOWN}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(out.getvalue(), encoding="utf-8")
    p = root / "params" / TOWN / f"{year}.yaml"
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(params or f"township: {TOWN}\nyear: {year}\nbody: {TOWN}人民政府\npublish_date: {year + 1}-01-20\n",
                 encoding="utf-8")
    return path


def carrying(version: str, carried_out: int, carried_in: int = 0, new: int = 0) -> dict:
    """Table 三 that holds R1/R2/R3: ``new`` received, ``carried_in`` from last year, everything
    granted except ``carried_out``, all from 自然人."""
    v = zeros(version)
    np, tot = spec.NATURAL, spec.TOTAL
    granted = new + carried_in - carried_out
    assert granted >= 0
    for row, n in ((spec.NEW, new), (spec.CARRIED_IN, carried_in), (spec.GRANTED, granted),
                   (spec.RESULTS_TOTAL, granted), (spec.CARRIED_OUT, carried_out)):
        v[(T3, row, np)] = v[(T3, row, tot)] = str(n)
    return v


def results(root: Path, year: int, rule: str) -> list:
    return [f for f in build_report(root, TOWN, year).findings if f.rule == rule]


# --- R8 ------------------------------------------------------------------------------------------


def test_r8_across_the_format_change(tmp_path):
    write(tmp_path, 2020, carrying("2019", carried_out=3, new=5))
    write(tmp_path, 2021, carrying("2021", carried_out=0, carried_in=3, new=1))
    r8 = results(tmp_path, 2021, "R8")
    assert len(r8) == 7 and {f.status for f in r8} == {"pass"}  # one per column of table 三
    # Broken: 2021 says 4 were carried in, 2020 carried out 3.
    write(tmp_path, 2021, carrying("2021", carried_out=0, carried_in=4, new=0))
    (bad,) = [f for f in results(tmp_path, 2021, "R8") if f.status == "fail" and f.column == spec.NATURAL]
    assert bad.severity == "warning" and (bad.values["this"], bad.values["previous"]) == (4, 3)
    assert bad.values["previous_file"] == f"data/2020/{TOWN}.csv"
    previous_line = 2 + [c.key for c in spec.get_format("2019").cells()].index((T3, spec.CARRIED_OUT, spec.NATURAL))
    assert bad.values["previous_line"] == previous_line and f"data/2020/{TOWN}.csv:{previous_line}" in bad.message
    assert "本年上年结转 4" in bad.message and "结转下年度为 3" in bad.message
    assert bad.line == 2 + [c.key for c in spec.get_format("2021").cells()].index((T3, spec.CARRIED_IN, spec.NATURAL))


def test_r8_not_assessable(tmp_path):
    write(tmp_path, 2021, carrying("2021", carried_out=0))
    (no_year,) = results(tmp_path, 2021, "R8")  # one result, not seven, when there is no last year
    assert no_year.status == "not_assessable" and "没有 2020 年的数据文件" in no_year.message
    v = carrying("2019", carried_out=3, new=5)
    v[(T3, spec.CARRIED_OUT, spec.BIZ)] = ""
    write(tmp_path, 2020, v)
    blank = [f for f in results(tmp_path, 2021, "R8") if f.column == spec.BIZ]
    assert [f.status for f in blank] == ["not_assessable"] and "（2020）" in blank[0].message
    (tmp_path / "data" / "2020" / f"{TOWN}.csv").write_text("table,row,column,value\n三,x,y,z\n", encoding="utf-8")
    (unreadable,) = results(tmp_path, 2021, "R8")
    assert unreadable.status == "not_assessable" and "有输入错误" in unreadable.message


def test_a_report_is_built_again_when_last_years_file_changes_with_the_same_size_and_time(tmp_path):
    # A batch worker checks a report, then the notebook builds it again in the same process and may
    # get the one already built back: only while every file it is built from has the same bytes.
    import os

    last = write(tmp_path, 2020, carrying("2019", carried_out=3, new=5))
    write(tmp_path, 2021, carrying("2021", carried_out=0, carried_in=3, new=1))
    assert {f.status for f in results(tmp_path, 2021, "R8")} == {"pass"}
    files = [last, tmp_path / "params" / TOWN / "2020.yaml"]
    before = [f.stat() for f in files]
    write(tmp_path, 2020, carrying("2019", carried_out=4, new=6))  # as many bytes, other figures
    for f, st in zip(files, before):
        os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert [(f.stat().st_size, f.stat().st_mtime_ns) for f in files] == [(st.st_size, st.st_mtime_ns) for st in before]
    (bad,) = [f for f in results(tmp_path, 2021, "R8") if f.status == "fail" and f.column == spec.NATURAL]
    assert (bad.values["this"], bad.values["previous"]) == (3, 4)


def test_a_report_built_again_from_the_notebooks_folder_reads_through_its_own_root(tmp_path, monkeypatch):
    # The worker gives the root as the batch was given it ("."); the notebook runs in output/<year>/
    # with "../..": the report it gets must read the other years (the trend) through "../..".
    from xxgk.history import years_of

    write(tmp_path, 2020, carrying("2019", carried_out=3, new=5))
    write(tmp_path, 2021, carrying("2021", carried_out=0, carried_in=3, new=1))
    monkeypatch.chdir(tmp_path)
    first = build_report(".", TOWN, 2021)
    (tmp_path / "output" / "2021").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "output" / "2021")
    again = build_report("../..", TOWN, 2021)
    assert again.layout.root == Path("../..") and years_of(again.layout, TOWN) == [2020, 2021]
    assert again.figures == first.figures and again.findings == first.findings


# --- carried figures --------------------------------------------------------------------------------


def test_a_blank_carried_in_is_carried_from_last_year_and_marked(tmp_path):
    write(tmp_path, 2020, carrying("2019", carried_out=3, new=5))
    v = carrying("2021", carried_out=0, carried_in=3, new=1)
    v[(T3, spec.CARRIED_IN, spec.NATURAL)] = ""
    v[(T3, spec.CARRIED_IN, spec.TOTAL)] = ""
    write(tmp_path, 2021, v)
    report = build_report(tmp_path, TOWN, 2021)
    key = (T3, spec.CARRIED_IN, spec.NATURAL)
    assert report.completed.values[key] == 3 and key in report.completed.carried
    assert report.completed.values[(T3, spec.CARRIED_IN, spec.TOTAL)] == 3  # its total, computed from it
    assert not [f for f in report.findings if f.is_missing or f.status == "fail"], \
        [f.format_line() for f in report.findings if f.status == "fail"]
    (r8,) = [f for f in report.findings if f.rule == "R8" and f.column == spec.NATURAL]
    assert r8.status == "not_assessable" and "已按上年" in r8.message  # not compared with itself
    doc = lxml.html.fromstring(table_html(report, T3))
    (td,) = doc.xpath(f"//td[@data-row='{spec.CARRIED_IN}'][@data-column='{spec.NATURAL}']")
    assert td.text_content() == "3" and "carried" in td.classes and f"data/2020/{TOWN}.csv" in td.get("title")
    published = lxml.html.fromstring(table_html(report, T3, publish=True))
    (td,) = published.xpath(f"//td[@data-row='{spec.CARRIED_IN}'][@data-column='{spec.NATURAL}']")
    assert td.text_content() == "3" and "carried" not in td.classes
    footer = lxml.html.fromstring(provenance_footer(report, template_sha256="x")).text_content()
    assert f"上年数据文件：data/2020/{TOWN}.csv" in footer and report.previous.sha256 in footer


def test_2019_items_of_last_year_carried_and_checked(tmp_path):
    prev = zeros("2019")
    prev[(T2, "行政许可", "上一年项目数量")], prev[(T2, "行政许可", "本年增/减")] = "10", "+2"
    write(tmp_path, 2019, prev)
    this = zeros("2019")
    this[(T2, "行政许可", "上一年项目数量")] = ""  # carried: 10 + 2
    this[(T2, "行政处罚", "上一年项目数量")] = "5"  # but 2019 said 0 + 0
    write(tmp_path, 2020, this)
    report = build_report(tmp_path, TOWN, 2020)
    assert report.completed.values[(T2, "行政许可", "上一年项目数量")] == 12
    cross = {f.row: f for f in report.findings if f.rule == "R10" and f.column == "上一年项目数量"}
    assert cross["行政许可"].status == "not_assessable" and "结转为 12" in cross["行政许可"].message
    assert cross["行政处罚"].status == "fail" and (cross["行政处罚"].values["this"], cross["行政处罚"].values["expected"]) == (5, 0)
    assert cross["行政强制"].status == "pass"


# --- R9 ------------------------------------------------------------------------------------------


def test_r9(tmp_path):
    prev = zeros("2021")
    prev[(T2, "行政规范性文件", "现行有效件数")] = "10"
    write(tmp_path, 2021, prev)
    this = zeros("2022" if "2022" in spec.versions() else "2021")
    this[(T2, "行政规范性文件", "本年制发件数")], this[(T2, "行政规范性文件", "本年废止件数")] = "3", "1"
    this[(T2, "行政规范性文件", "现行有效件数")] = "12"  # 10 + 3 - 1
    write(tmp_path, 2022, this)
    r9 = {f.row: f for f in results(tmp_path, 2022, "R9")}
    assert r9["行政规范性文件"].status == "pass" and r9["规章"].status == "pass"
    this[(T2, "行政规范性文件", "现行有效件数")] = "15"
    write(tmp_path, 2022, this)
    bad = {f.row: f for f in results(tmp_path, 2022, "R9")}["行政规范性文件"]
    assert bad.status == "fail" and bad.severity == "warning" and (bad.values["this"], bad.values["expected"]) == (15, 12)
    assert "10 + 制发 3 − 废止 1 = 12" in bad.message
    # Across the format change there is no 现行有效件数 to start from: not assessable, saying why.
    write(tmp_path, 2020, zeros("2019"))
    write(tmp_path, 2021, zeros("2021"))
    na = results(tmp_path, 2021, "R9")
    assert {f.status for f in na} == {"not_assessable"} and "2019 年版格式" in na[0].message
    assert results(tmp_path, 2020, "R9") == []  # the 2019 format has no such figures: the rule does not apply


# --- the change against last year --------------------------------------------------------------------


def test_change_placeholders_and_r11(tmp_path):
    write(tmp_path, 2020, carrying("2019", carried_out=0, new=8))
    said = ("overview: |\n  全年收到政府信息公开申请10件，较去年增加2件。\n  申请数量较去年增长25%。\n"
            "  行政复议0件，与上年持平。\n  新收申请{{new_applications_change}}，即{{new_applications_pct}}。\n")
    params = f"township: {TOWN}\nyear: 2021\nbody: {TOWN}人民政府\npublish_date: 2022-01-20\n" + said
    write(tmp_path, 2021, carrying("2021", carried_out=0, new=10), params=params)
    report = build_report(tmp_path, TOWN, 2021)
    values = placeholder_values(report)
    assert (values["new_applications_change"], values["new_applications_diff"], values["new_applications_pct"]) == \
        ("比上年增加2件", "+2", "25.0%")
    assert values["reviews_change"] == "与上年持平" and values["reviews_pct"] is not None
    r11 = [f for f in report.findings if f.rule == "R11" and "较去年" in f.values.get("text", "") + f.message
           or f.rule == "R11" and "持平" in f.values.get("text", "")]
    assert r11 and all(f.status == "pass" for f in r11), [f.format_line() for f in r11]
    params = params.replace("增加2件", "增加5件")
    write(tmp_path, 2021, carrying("2021", carried_out=0, new=10), params=params)
    (bad,) = [f for f in build_report(tmp_path, TOWN, 2021).findings if f.rule == "R11" and f.status == "fail"]
    assert "上年 8、本年 10" in bad.message and "实际增加 2" in bad.message
    # Without last year: the placeholders print the visible marker, and say why.
    (tmp_path / "data" / "2020" / f"{TOWN}.csv").unlink()
    report = build_report(tmp_path, TOWN, 2021)
    assert placeholder_values(report)["new_applications_change"] is None
    why = [f.text() for f in report.findings if f.rule == "W-PLACEHOLDER-BLANK"]
    assert len(why) == 2 and all("2020 年的数据没有或读不出" in w for w in why)
    claims = [f for f in report.findings if f.rule == "R11" and "较去年" in f.values.get("text", "")]
    assert claims and {f.status for f in claims} == {"not_assessable"}


# --- the batch --------------------------------------------------------------------------------------


def test_changing_last_year_renders_this_year_again(tmp_path):
    xxgk = [sys.executable, "-c", "from xxgk.cli import main; main()"]
    assert subprocess.run([*xxgk, "demo-data", "--townships", "2", "--years", "2019-2021", "--root", str(tmp_path)],
                          capture_output=True).returncode == 0
    english = {**__import__("os").environ, "XXGK_LANG": "en"}  # the progress lines read below
    first = subprocess.run([*xxgk, "batch", "--root", str(tmp_path)], capture_output=True, text=True, env=english)
    assert first.returncode == 0, first.stderr
    entries = json.loads((tmp_path / "output" / "manifest.json").read_text(encoding="utf-8"))["reports"]
    assert set(entries["2021/示例镇001"]["inputs"]["earlier"]) == {"2019", "2020"}
    data = tmp_path / "data" / "2020" / "示例镇001.csv"
    data.write_text(data.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    again = subprocess.run([*xxgk, "batch", "--root", str(tmp_path)], capture_output=True, text=True, env=english)
    rendered = sorted(line.split()[2:4] for line in again.stderr.splitlines()
                      if line.startswith("[") and line.split()[1] != "skipped")
    assert rendered == [["2020", "示例镇001"], ["2021", "示例镇001"]], again.stderr


# --- last year given as a workbook -------------------------------------------------------------------


def test_last_year_given_as_a_workbook(tmp_path):
    """The cross-year checks and the carried figures read last year's workbook as they read its CSV
    file, and point at its cell (表三!D12) where they pointed at a line."""
    from xlsx_support import fill
    from xxgk.template_cli import write_workbook

    last_csv = write(tmp_path, 2020, carrying("2019", carried_out=3, new=5))
    with last_csv.open(encoding="utf-8") as f:
        typed = {(r["table"], r["row"], r["column"]): r["value"] for r in csv.DictReader(f)}
    last_csv.unlink()
    workbook = last_csv.with_suffix(".xlsx")
    write_workbook(workbook, 2020, "2019", None, force=False)
    where = fill(workbook, typed)
    carried_out = where[(T3, spec.CARRIED_OUT, spec.NATURAL)]  # e.g. 表三!D20, found as a person finds it

    write(tmp_path, 2021, carrying("2021", carried_out=0, carried_in=4, new=0))
    r8 = results(tmp_path, 2021, "R8")
    assert {f.column for f in r8 if f.status == "fail"} == {spec.NATURAL, spec.TOTAL}  # 自然人 and 总计
    (bad,) = [f for f in r8 if f.status == "fail" and f.column == spec.NATURAL]
    assert (bad.values["this"], bad.values["previous"]) == (4, 3)
    assert bad.values["previous_file"] == f"data/2020/{TOWN}.xlsx"
    assert bad.values["previous_line"] == carried_out and f"data/2020/{TOWN}.xlsx:{carried_out}" in bad.message
    assert {f.status for f in r8 if f.column not in (spec.NATURAL, spec.TOTAL)} == {"pass"}

    v = carrying("2021", carried_out=0, carried_in=3, new=1)
    v[(T3, spec.CARRIED_IN, spec.NATURAL)] = v[(T3, spec.CARRIED_IN, spec.TOTAL)] = ""
    write(tmp_path, 2021, v)
    report = build_report(tmp_path, TOWN, 2021)
    key = (T3, spec.CARRIED_IN, spec.NATURAL)
    assert report.completed.values[key] == 3 and key in report.completed.carried
    (td,) = lxml.html.fromstring(table_html(report, T3)).xpath(
        f"//td[@data-row='{spec.CARRIED_IN}'][@data-column='{spec.NATURAL}']")
    assert f"data/2020/{TOWN}.xlsx:{carried_out}" in td.get("title")


def test_the_manifest_tells_a_comparison_with_last_year_apart(tmp_path):
    """What the dashboard's township view reads: how many of a rule's failures compared this year
    with last year's file."""
    from xxgk.report_worker import _failed_checks

    write(tmp_path, 2020, carrying("2019", carried_out=3, new=5))
    write(tmp_path, 2021, carrying("2021", carried_out=0, carried_in=4, new=0))
    report = build_report(tmp_path, TOWN, 2021)
    (r8,) = [c for c in _failed_checks(report.findings, "2021") if c["rule"] == "R8"]
    assert r8["count"] == r8["across_years"] == 2 and len(r8["across_messages"]) == 2
    assert f"data/2020/{TOWN}.csv" in r8["across_messages"][0]
