"""``xxgk check``: which reports it checks, what it prints (text and JSON) and its exit status
(0 no errors, 1 errors or warnings under --strict, 2 usage error)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xxgk import spec
from xxgk.check import Checked, write_text
from xxgk.cli import app

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
runner = CliRunner()
JSON_KEYS = {"file", "line", "table", "row", "column", "rule", "status", "severity", "message", "values"}


def zeros_csv(version: str, overrides: dict | None = None) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["table", "row", "column", "value"])
    for cell in spec.get_format(version).cells():
        w.writerow([*cell.key, (overrides or {}).get(cell.key, "0")])
    return out.getvalue()


def params_yaml(township: str, year: int, overview: str = "总体情况。") -> str:
    return (f"township: {township}\nyear: {year}\nbody: {township}人民政府\npublish_date: {year + 1}-01-20\n"
            f"overview: |\n  {overview}\n")


def add_report(root: Path, township: str, year: int, data: str | bytes, params: str | None = "default") -> None:
    d = root / "data" / str(year)
    d.mkdir(parents=True, exist_ok=True)
    target = d / f"{township}.csv"
    target.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    if params is not None:
        p = root / "params" / township
        p.mkdir(parents=True, exist_ok=True)
        (p / f"{year}.yaml").write_text(params_yaml(township, year) if params == "default" else params, encoding="utf-8")


def check(root: Path, *args: str):
    return runner.invoke(app, ["check", "--root", str(root), *args])


@pytest.fixture
def root(tmp_path) -> Path:
    add_report(tmp_path, "甲镇", 2021, zeros_csv("2021"))
    add_report(tmp_path, "乙乡", 2020, zeros_csv("2019"))
    return tmp_path


# --- exit status ------------------------------------------------------------------------------


def test_clean_reports_exit_0(root):
    res = check(root)
    assert res.exit_code == 0, res.output
    assert "甲镇 2021：输入错误 0 项，检查未通过 0 项，提示 0 项，未填报 0 项" in res.output
    assert "乙乡 2020：输入错误 0 项" in res.output and "共检查 2 份报告" in res.output


def test_warnings_exit_0_but_1_under_strict(root):
    add_report(root, "丙镇", 2021, zeros_csv("2021"), params=None)  # no params file: an input warning
    assert check(root, "--township", "丙镇", "--year", "2021").exit_code == 0
    res = check(root, "--township", "丙镇", "--year", "2021", "--strict")
    assert res.exit_code == 1 and "警告 W-NO-PARAMS" in res.output


def test_missing_data_is_not_a_failed_check(root):
    # A blank figure is missing data: counted as such, never as a failed check, and not a reason
    # for --strict to fail.
    add_report(root, "丙镇", 2021, zeros_csv("2021", {(spec.TABLE_4, spec.REVIEW, spec.UPHELD): ""}))
    res = check(root, "--township", "丙镇", "--year", "2021", "--strict")
    assert res.exit_code == 0, res.output
    assert "检查未通过 0 项" in res.output and "未填报 1 项" in res.output
    assert "未填报 M-BLANK: 表四 行政复议：结果维持 未填报" in res.output


def test_rule_failure_is_a_warning(root):
    # 一、本年新收 × 自然人 = 2 with nothing handled: R1 and R2 fail; warnings, so exit 0 unless --strict.
    add_report(root, "丁镇", 2021, zeros_csv("2021", {(spec.TABLE_3, spec.NEW, spec.NATURAL): "2"}))
    res = check(root, "--township", "丁镇")
    assert res.exit_code == 0
    r1 = [line for line in res.output.splitlines() if " R1 " in line]
    assert r1 and "2 ≠ 0" in r1[0] and "data/2021/丁镇.csv:" in r1[0] and "警告" in r1[0]
    assert check(root, "--township", "丁镇", "--strict").exit_code == 1


def test_notes_never_fail_even_under_strict(root):
    # A 镇 reporting 规章 and thousands of applications: notes (P1, P2), nothing else wrong.
    ov = {(spec.TABLE_2, "规章", "本年制发件数"): "1", (spec.TABLE_2, "规章", "现行有效件数"): "1",
          (spec.TABLE_3, spec.NEW, spec.NATURAL): "3000", (spec.TABLE_3, spec.NEW, spec.TOTAL): "3000",
          (spec.TABLE_3, spec.GRANTED, spec.NATURAL): "3000", (spec.TABLE_3, spec.GRANTED, spec.TOTAL): "3000",
          (spec.TABLE_3, spec.RESULTS_TOTAL, spec.NATURAL): "3000", (spec.TABLE_3, spec.RESULTS_TOTAL, spec.TOTAL): "3000"}
    add_report(root, "戊镇", 2021, zeros_csv("2021", ov))
    res = check(root, "--township", "戊镇", "--strict")
    assert res.exit_code == 0, res.output
    assert "提示 P1" in res.output and "提示 P2" in res.output and "3000" in res.output


def test_input_errors_exit_1_every_one_listed(root):
    ov = {(spec.TABLE_3, spec.GRANTED, spec.NATURAL): "1O", (spec.TABLE_3, spec.NEW, spec.BIZ): "12件"}
    add_report(root, "己镇", 2021, zeros_csv("2021", ov) + "三,（一）予以公开,自然人,0\n")
    res = check(root, "--township", "己镇", "--year", "2021")
    assert res.exit_code == 1
    lines = res.output.splitlines()
    for code in ("E-NOT-NUMBER", "E-DUPLICATE"):
        assert any(code in line for line in lines), code
    bad = next(line for line in lines if "1O" in line)
    # File and line, the official row and column labels, the rule, the figure.
    assert bad.startswith("data/2021/己镇.csv:") and "（一）予以公开" in bad and "自然人" in bad and "错误" in bad
    assert "输入有错误，未运行规则检查" in res.output


def test_params_errors_exit_1(root):
    add_report(root, "庚镇", 2021, zeros_csv("2021"), params="township: 庚镇\nyear: 二〇二一\n")
    res = check(root, "--township", "庚镇")
    assert res.exit_code == 1 and "params/庚镇/2021.yaml:2" in res.output and "E-PARAMS-TYPE" in res.output


def test_missing_data_file_for_named_report_exits_1(root):
    res = check(root, "--township", "甲镇", "--year", "2019")
    assert res.exit_code == 1 and "E-READ" in res.output and "数据文件不存在" in res.output


def test_unsafe_township_is_refused(root):
    res = check(root, "--township", "../甲镇", "--year", "2021")
    assert res.exit_code == 1 and "E-NAME" in res.output and "R1" not in res.output


@pytest.mark.parametrize("args", [["--format", "xml"], ["--year", "二〇二〇"], ["--bogus"]])
def test_usage_errors_exit_2(root, args):
    assert check(root, *args).exit_code == 2


@pytest.mark.parametrize("args", [["--township", "无此镇"], ["--year", "1999"]])
def test_nothing_to_check_is_a_usage_error(root, args):
    res = check(root, *args)
    assert res.exit_code == 2 and "没有" in res.output and "数据文件" in res.output


def test_empty_root_is_a_usage_error(tmp_path):
    assert check(tmp_path).exit_code == 2


def test_help_documents_exit_codes():
    res = runner.invoke(app, ["check", "--help"])
    assert res.exit_code == 0
    text = " ".join(res.output.split())
    for words in ("0：没有输入错误", "1：有输入错误", "--strict", "2：用法错误"):
        assert words in text, words


# --- selection --------------------------------------------------------------------------------


def test_filters_select_reports(root):
    add_report(root, "甲镇", 2020, zeros_csv("2019"))
    assert "共检查 2 份报告" in check(root, "--township", "甲镇").output
    only_2020 = check(root, "--year", "2020").output
    assert "甲镇 2020" in only_2020 and "乙乡 2020" in only_2020 and "2021" not in only_2020


def test_one_bad_report_among_many(root):
    add_report(root, "辛镇", 2021, b"")
    res = check(root)
    assert res.exit_code == 1
    assert "辛镇 2021：输入错误 1 项" in res.output and "甲镇 2021：输入错误 0 项" in res.output
    assert "共检查 3 份报告：输入错误 1 项" in res.output


BROKEN_PARAMS = {
    # A date that does not exist, on the publish_date line (4).
    "impossible_date": ("township: 丙镇\nyear: 2021\nbody: 丙镇人民政府\npublish_date: 2022-02-30\n", 4, "E-PARAMS-TYPE"),
    # Not YAML: a second colon on the body line (3).
    "invalid_yaml": ("township: 丙镇\nyear: 2021\nbody: 丙镇人民政府: 又一个冒号\npublish_date: 2022-01-20\n", 3, "E-PARAMS-YAML"),
    # A tag YAML cannot apply (line 5).
    "bad_tag": ("township: 丙镇\nyear: 2021\nbody: 丙镇人民政府\npublish_date: 2022-01-20\ncode: !!int 〇一\n", 5, "E-PARAMS-YAML"),
}


@pytest.mark.parametrize("kind", BROKEN_PARAMS)
def test_one_broken_params_file_does_not_stop_the_others(root, kind):
    params, line, code = BROKEN_PARAMS[kind]
    add_report(root, "丙镇", 2021, zeros_csv("2021"), params=params)
    res = check(root)
    assert res.exit_code == 1 and (res.exception is None or isinstance(res.exception, SystemExit))
    assert "Traceback" not in res.output
    assert "甲镇 2021：输入错误 0 项" in res.output and "乙乡 2020：输入错误 0 项" in res.output
    assert "丙镇 2021：输入错误 1 项" in res.output and "共检查 3 份报告：输入错误 1 项" in res.output
    assert any(l.startswith(f"params/丙镇/2021.yaml:{line}: 错误 {code}") for l in res.output.splitlines()), res.output
    items = json.loads(check(root, "--format", "json").output)
    assert {(i["township"], i["year"]) for i in items} == {("甲镇", 2021), ("乙乡", 2020), ("丙镇", 2021)}
    (bad,) = [i for i in items if i["status"] == "fail" and i["severity"] == "error"]
    assert (bad["township"], bad["rule"], bad["file"], bad["line"]) == ("丙镇", code, "params/丙镇/2021.yaml", line)


# --- JSON -------------------------------------------------------------------------------------


def test_json_lists_every_finding_and_rule_result(root):
    add_report(root, "壬镇", 2021, zeros_csv("2021", {(spec.TABLE_3, spec.NEW, spec.NATURAL): "2"}), params=None)
    res = check(root, "--township", "壬镇", "--format", "json")
    assert res.exit_code == 0
    items = json.loads(res.output)
    assert isinstance(items, list) and items
    for item in items:
        assert JSON_KEYS <= set(item), item
        assert item["status"] in ("pass", "fail", "not_assessable")
        assert item["severity"] in ("error", "warning", "note", "missing")
    rules = {item["rule"] for item in items}
    assert {"R1", "R2", "R3", "R6", "R7", "P1", "P2", "W-NO-PARAMS"} <= rules
    r1 = [i for i in items if i["rule"] == "R1"]
    assert len(r1) == 7  # one per column of table 三
    np_ = next(i for i in r1 if i["column"] == spec.NATURAL)
    assert (np_["status"], np_["severity"], np_["values"]) == ("fail", "warning", {"left": 2, "right": 0})
    assert np_["file"] == "data/2021/壬镇.csv" and np_["line"] is not None and np_["origin"] == "official"
    assert sum(1 for i in r1 if i["status"] == "pass") == 6


def test_json_input_errors_carry_their_code(root):
    add_report(root, "癸镇", 2021, zeros_csv("2021", {(spec.TABLE_3, spec.NEW, spec.NATURAL): "-1"}))
    res = check(root, "--township", "癸镇", "--format", "json")
    assert res.exit_code == 1
    items = json.loads(res.output)
    (neg,) = [i for i in items if i["rule"] == "E-NEGATIVE"]
    assert (neg["table"], neg["row"], neg["column"]) == (spec.TABLE_3, spec.NEW, spec.NATURAL)
    assert neg["severity"] == "error" and neg["values"] == {"value": "-1"} and neg["origin"] is None
    assert not [i for i in items if i["rule"] == "R1"]  # a report with input errors is not checked further


def test_json_blank_result_totals_fixture(tmp_path):
    # The 2019 fixture with 总计 blank for the result rows: R2 not assessable there, R1 passes.
    root = tmp_path
    (root / "data" / "2019").mkdir(parents=True)
    shutil.copy(FIXTURES / "2019_blank_result_totals.csv", root / "data" / "2019" / "市政府办公厅.csv")
    items = json.loads(check(root, "--format", "json").output)
    assert {i["status"] for i in items if i["rule"] == "R1"} == {"pass"}
    r2_na = [i for i in items if i["rule"] == "R2" and i["status"] == "not_assessable"]
    assert len(r2_na) == 19 and all(i["column"] == spec.TOTAL and "computed" in i["values"] for i in r2_na)


# --- the seed report and presentation ---------------------------------------------------------


def test_seed_report(tmp_path):
    res = check(REPO, "--township", "红旗满族乡", "--year", "2020")
    assert res.exit_code == 0
    lines = res.output.splitlines()
    # The three 规章 figures the extraction lost are blank (lines 2-4 of the CSV): missing data, one
    # line for the row, and the rules that need them are not assessable (listed with --verbose).
    assert lines[0] == "data/2020/红旗满族乡.csv:2: 未填报 M-BLANK: 表二 第二十条第（一）项 规章 各列 未填报"
    assert lines[-1].startswith("红旗满族乡 2020：输入错误 0 项，检查未通过 0 项，提示 0 项，未填报 3 项；无法判断 5 项")
    assert not any("无法判断 P2" in line for line in lines)
    verbose = check(REPO, "--township", "红旗满族乡", "--year", "2020", "--verbose").output.splitlines()
    for n, col in ((2, "本年新制作数量"), (3, "本年新公开数量"), (4, "对外公开总数量")):
        assert any(line.startswith(f"data/2020/红旗满族乡.csv:{n} [表二 / 规章 / {col}]") and "M-BLANK" in line
                   for line in verbose)
    assert any("无法判断 P2" in line for line in verbose)
    assert "\x1b[" not in res.output  # plain lines when not a terminal


def test_rich_output_on_a_terminal_says_the_same():
    from xxgk.findings import Finding

    from xxgk.findings import finding

    checked = [Checked("某镇", 2021, [finding("E-NOT-NUMBER", "not_number", args={"value": "1O"}, file="data/2021/某镇.csv",
                                              line=5, table="三", row=spec.GRANTED, column=spec.NATURAL)])]
    plain, colored = io.StringIO(), io.StringIO()
    write_text(checked, plain, color=False)
    write_text(checked, colored, color=True)
    assert plain.getvalue().startswith("data/2021/某镇.csv:5 [表三 / （一）予以公开 / 自然人]: 错误 E-NOT-NUMBER 不是数字: ")
    assert "“1O”不是数字" in colored.getvalue()


def test_check_reports_an_unknown_placeholder_as_render_would(tmp_path):
    # The same inputs must fail check exactly when render refuses them.
    import shutil
    from pathlib import Path

    from typer.testing import CliRunner

    from xxgk.cli import app

    project = Path(__file__).resolve().parents[1]
    for rel in ("data/2020/红旗满族乡.csv", "params/红旗满族乡/2020.yaml"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(project / rel, tmp_path / rel)
    params = tmp_path / "params/红旗满族乡/2020.yaml"
    params.write_text(params.read_text(encoding="utf-8").replace("overview: |\n", "overview: |\n  收到{{new_aplications}}件。\n\n", 1), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", "--root", str(tmp_path), "--township", "红旗满族乡", "--year", "2020"])
    assert result.exit_code == 1
    assert "E-PLACEHOLDER" in result.output and "new_aplications" in result.output


def test_years_before_2019_are_refused_not_read_as_the_2019_format(tmp_path):
    # The 2019 notice's format starts with reporting year 2019 (spec §1); earlier reports used another.
    from typer.testing import CliRunner

    from xxgk.cli import app
    from xxgk.csv_input import template_csv

    (tmp_path / "data" / "2018").mkdir(parents=True)
    (tmp_path / "data" / "2018" / "甲镇.csv").write_text(template_csv("2019"), encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["check", "--root", str(tmp_path)])
    assert result.exit_code == 1 and "E-YEAR" in result.output
    assert runner.invoke(app, ["template", "--year", "2018"]).exit_code == 2


def test_other_version_label_names_the_params_override(tmp_path):
    from xxgk.load import load_figures

    path = tmp_path / "x.csv"
    path.write_text("table,row,column,value\n二,规章,本年新制作数量,1\n", encoding="utf-8")
    (msg,) = [f.message for f in load_figures(path, "2021").findings if f.rule == "E-OTHER-VERSION"]
    assert "2019" in msg and 'format: "2019"' in msg


def test_a_60_mb_data_file_is_never_held_in_memory_whole(tmp_path):
    # An office can send a huge file by mistake; the check reads it in chunks (to hash it too) and
    # stops early, so the process stays far below the file's size.
    lines = "".join(f"表九,某行{i % 997},某列,1\n" for i in range(2_600_000))
    add_report(tmp_path, "甲镇", 2021, "table,row,column,value\n" + lines)
    size_mib = (tmp_path / "data" / "2021" / "甲镇.csv").stat().st_size / 2**20
    assert size_mib > 55
    # Started from a small process: a command's peak counts the pages of the process it was forked
    # from (this one is large), exec or not.
    measure = (
        "import os, subprocess, sys\n"
        "p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "_, status, usage = os.wait4(p.pid, 0)\n"
        "print(os.waitstatus_to_exitcode(status), usage.ru_maxrss / 1024)\n"
    )
    done = subprocess.run([sys.executable, "-c", measure, sys.executable, "-c", "from xxgk.cli import main; main()",
                           "check", "--root", str(tmp_path)], capture_output=True, text=True, timeout=300)
    code, peak_mib = done.stdout.split()
    assert code == "1"  # the file's errors, told
    assert float(peak_mib) < size_mib, (peak_mib, size_mib)
