"""The params file and the township name: every problem a clear finding with file and line, and an
unsafe name refused before anything is read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from xxgk import report as report_module
from xxgk.params import load_params
from xxgk.paths import check_township_name
from xxgk.report import build_report

FIXTURES = Path(__file__).parent / "fixtures" / "params"
ROOT = Path(__file__).resolve().parents[1]


def rules_of(loaded) -> list[str]:
    return [f.rule for f in loaded.findings]


def test_valid_params_keep_a_quoted_code_and_field_positions():
    loaded = load_params(FIXTURES / "valid.yaml", "params/某镇/2021.yaml")
    assert loaded.findings == []
    p = loaded.params
    assert (p.township, p.year, p.code) == ("某镇", 2021, "0105")
    assert "{{new_applications}}" in p.overview
    # township is on line 1 of the fixture; overview is a | block whose text starts a line below its key.
    assert loaded.fields["township"].key_line == 1
    overview = loaded.fields["overview"]
    assert overview.literal_block and overview.value_line == overview.key_line + 1
    assert loaded.sha256 and len(loaded.sha256) == 64


def test_the_seed_params_are_valid():
    loaded = load_params(ROOT / "params" / "红旗满族乡" / "2020.yaml")
    assert loaded.findings == [] and loaded.params.body == "红旗满族乡人民政府"


def test_not_valid_yaml_names_the_line():
    loaded = load_params(FIXTURES / "not_yaml.yaml", "params/某镇/2021.yaml")
    (f,) = loaded.findings
    assert f.rule == "E-PARAMS-YAML" and f.is_error and f.file == "params/某镇/2021.yaml"
    assert f.line is not None and 4 <= f.line <= 6 and loaded.params is None


def test_not_a_mapping(tmp_path):
    p = tmp_path / "p.yaml"
    p.write_text("- just\n- a list\n", encoding="utf-8")
    assert rules_of(load_params(p)) == ["E-PARAMS-YAML"]


def test_not_utf8(tmp_path):
    p = tmp_path / "p.yaml"
    p.write_bytes("township: 某镇\n".encode("utf-16"))
    assert rules_of(load_params(p)) == ["E-PARAMS-ENCODING"]


def test_unreadable(tmp_path):
    assert rules_of(load_params(tmp_path / "none.yaml")) == ["E-PARAMS-READ"]


def test_missing_required_fields_are_each_named():
    loaded = load_params(FIXTURES / "missing_fields.yaml")
    missing = sorted(f.values["field"] for f in loaded.findings if f.rule == "E-PARAMS-MISSING")
    assert missing == ["body", "publish_date"]
    assert all("缺少必填字段" in f.message for f in loaded.findings)


def test_year_in_chinese_numerals_is_a_type_error_at_its_line():
    (f,) = load_params(FIXTURES / "year_chinese.yaml").findings
    assert f.rule == "E-PARAMS-TYPE" and f.values["field"] == "year" and f.line == 2
    assert "阿拉伯数字" in f.message


@pytest.mark.parametrize("year", ["2020.5", "true", "[2020]", "２０２０"])
def test_other_bad_years(tmp_path, year):
    p = tmp_path / "p.yaml"
    p.write_text(f"township: 某镇\nyear: {year}\nbody: b\npublish_date: 2021-01-20\n", encoding="utf-8")
    assert rules_of(load_params(p)) == ["E-PARAMS-TYPE"]


def test_unquoted_code_whose_leading_zero_yaml_would_strip():
    (f,) = load_params(FIXTURES / "code_unquoted.yaml").findings
    assert f.rule == "E-PARAMS-TYPE" and f.values["field"] == "code" and f.line == 5
    # YAML 1.1 reads 0105 as the octal number 69: the message shows what was written and the fix.
    assert "0105" in f.message and 'code: "0105"' in f.message


def test_unknown_field_lists_the_known_ones(tmp_path):
    p = tmp_path / "p.yaml"
    p.write_text("township: 某镇\nyear: 2021\nbody: b\npublish_date: 2022-01-20\noverveiw: typo\n", encoding="utf-8")
    (f,) = load_params(p).findings
    assert f.rule == "E-PARAMS-FIELD" and "overveiw" in f.message and "overview" in f.message and f.line == 5


def test_params_of_another_township_or_year(tmp_path):
    (tmp_path / "params" / "某镇").mkdir(parents=True)
    (tmp_path / "params" / "某镇" / "2020.yaml").write_bytes((FIXTURES / "valid.yaml").read_bytes())
    report = build_report(tmp_path, "某镇", 2020)
    (f,) = [f for f in report.findings if f.rule == "E-PARAMS-MISMATCH"]
    assert f.values["field"] == "year" and f.is_error


# --- township names ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["..", ".", "../某镇", "某/镇", "某\\镇", "某\x00镇", "某\n镇", "某\t镇", "", "  ",
                                  " 某镇", ".hidden", "a:b", "某镇\u202e"])
def test_unsafe_township_names(name):
    f = check_township_name(name)
    assert f is not None and f.rule == "E-NAME" and f.is_error and "不能用作文件名" in f.message


@pytest.mark.parametrize("name", ["红旗满族乡", "示例镇", "迎宾路街道", "某某苏木", "Town 1"])
def test_safe_township_names(name):
    assert check_township_name(name) is None


def test_unsafe_name_refused_before_anything_is_read(tmp_path, monkeypatch):
    def boom(*a, **kw):
        raise AssertionError("a file was read for an unsafe name")

    monkeypatch.setattr(report_module, "load_figures", boom)
    monkeypatch.setattr(report_module, "load_params", boom)
    # A file the traversal would reach exists: it must not be touched.
    (tmp_path / "data").mkdir()
    (tmp_path / "secret.csv").write_text("table,row,column,value\n", encoding="utf-8")
    report = build_report(tmp_path / "data" / "x", "../../secret", 2020)
    assert [f.rule for f in report.findings] == ["E-NAME"]
    assert report.figures is None and report.params is None


# --- publish_date --------------------------------------------------------------------------------

#: Every way of writing the date the README names; line 4 of the file holds the key.
DATE_FORMS = ["2021-01-26", "2021-1-26", "2021/1/26", "2021/01/26", "2021.1.26", "2021年1月26日", "2021年01月26日",
              "２０２１年１月２６日", "２０２１/１/２６", "２０２１－１－２６", '"2021-01-26"', "'2021年1月26日'"]


def params_with_date(tmp_path, written: str, before: str = "") -> Path:
    p = tmp_path / "p.yaml"
    p.write_text(f"township: 某镇\nyear: 2021\nbody: 某镇人民政府\n{before}publish_date: {written}\n", encoding="utf-8")
    return p


@pytest.mark.parametrize("written", DATE_FORMS)
def test_publish_date_written_the_usual_ways(tmp_path, written):
    loaded = load_params(params_with_date(tmp_path, written))
    assert loaded.findings == []
    assert loaded.params.publish_date == dt.date(2021, 1, 26)


def test_a_leap_day_is_a_date(tmp_path):
    assert load_params(params_with_date(tmp_path, "2020年2月29日")).params.publish_date == dt.date(2020, 2, 29)


def assert_refused_date(loaded, line: int) -> str:
    (f,) = loaded.findings
    assert f.rule == "E-PARAMS-TYPE" and f.is_error and f.values["field"] == "publish_date"
    assert f.file == "params/某镇/2021.yaml" and f.line == line
    assert loaded.params is None
    return f.text()


ACCEPTED_FORMS_ZH = ("2021-01-26", "2021/1/26", "2021.1.26", "2021年1月26日")


@pytest.mark.parametrize("written", ["2022-02-30", "2021年13月1日", "2021/2/29", "2021.4.31", "2021-00-10", "2021年1月0日",
                                     "２０２２－０２－３０"])
def test_an_impossible_date_is_refused_at_its_line_with_the_accepted_forms(tmp_path, written):
    text = assert_refused_date(load_params(params_with_date(tmp_path, written), "params/某镇/2021.yaml"), line=4)
    assert "不存在" in text
    assert all(form in text for form in ACCEPTED_FORMS_ZH), text


@pytest.mark.parametrize("written", ["明年", "2021年1月", "26/1/2021", "2021-01", "二〇二一年一月二十六日", "20210126",
                                     "2021-01-26 10:00:00", "[2021, 1, 26]", "true", "2021-1/26"])
def test_an_unreadable_date_is_refused_at_its_line_with_the_accepted_forms(tmp_path, written):
    # The key on line 6: a two-line block stands before it.
    text = assert_refused_date(load_params(params_with_date(tmp_path, written, before="title: |\n  标题\n"),
                                           "params/某镇/2021.yaml"), line=6)
    assert all(form in text for form in ACCEPTED_FORMS_ZH), text


def test_a_refused_date_in_english(tmp_path):
    from xxgk.i18n import use_lang

    loaded = load_params(params_with_date(tmp_path, "2022-02-30"), "params/某镇/2021.yaml")
    with use_lang("en"):
        text = loaded.findings[0].text()
    assert "publish_date" in text and "2022-02-30" in text and "does not exist" in text
    assert all(form in text for form in ACCEPTED_FORMS_ZH), text


def test_an_impossible_date_in_another_field_is_just_text(tmp_path):
    # YAML would read it as a timestamp and fail; a title is text, whatever it looks like.
    p = tmp_path / "p.yaml"
    p.write_text("township: 某镇\nyear: 2021\nbody: 某镇人民政府\npublish_date: 2022-01-20\ntitle: 2022-02-30\n",
                 encoding="utf-8")
    loaded = load_params(p)
    assert loaded.findings == [] and loaded.params.title == "2022-02-30"


def test_an_explicit_timestamp_tag_is_read_as_written(tmp_path):
    ok = load_params(params_with_date(tmp_path, "!!timestamp 2021-01-26"))
    assert ok.findings == [] and ok.params.publish_date == dt.date(2021, 1, 26)
    assert_refused_date(load_params(params_with_date(tmp_path, "!!timestamp 2022-02-30"), "params/某镇/2021.yaml"), line=4)


def test_an_impossible_date_through_check_is_a_finding_not_a_traceback(tmp_path):
    from typer.testing import CliRunner

    from xxgk.cli import app
    from xxgk.csv_input import template_csv

    (tmp_path / "data" / "2021").mkdir(parents=True)
    (tmp_path / "data" / "2021" / "某镇.csv").write_text(template_csv("2021"), encoding="utf-8")
    (tmp_path / "params" / "某镇").mkdir(parents=True)
    (tmp_path / "params" / "某镇" / "2021.yaml").write_text(
        "township: 某镇\nyear: 2021\nbody: 某镇人民政府\npublish_date: 2022-02-30\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["check", "--root", str(tmp_path)])
    assert result.exit_code == 1 and (result.exception is None or isinstance(result.exception, SystemExit))
    assert "Traceback" not in result.output
    assert any(line.startswith("params/某镇/2021.yaml:4: 错误 E-PARAMS-TYPE") for line in result.output.splitlines()), result.output


@pytest.mark.parametrize("line5, expected_line", [("code: !!int abc", 5), ("overview: !!float 一点五", 5),
                                                  ("overview: " + "[" * 1000 + "]" * 1000, None)])
def test_yaml_that_fails_inside_the_reader_is_an_invalid_yaml_finding(tmp_path, line5, expected_line):
    p = tmp_path / "p.yaml"
    p.write_text(f"township: 某镇\nyear: 2021\nbody: 某镇人民政府\npublish_date: 2022-01-20\n{line5}\n", encoding="utf-8")
    (f,) = load_params(p, "params/某镇/2021.yaml").findings
    assert f.rule == "E-PARAMS-YAML" and f.file == "params/某镇/2021.yaml" and f.line == expected_line


def test_a_merge_key_does_not_move_the_fields_a_message_points_at(tmp_path):
    # The file is parsed once: where its fields stand is read before the values are built, as
    # building them rewrites a mapping that merges another (``<<``) in place.  The positions are
    # those of the file's own keys, as composing the file again finds them.
    from xxgk.params import field_positions

    seed = (ROOT / "params" / "红旗满族乡" / "2020.yaml").read_text(encoding="utf-8")
    text = "common: &common\n  body: 某镇人民政府\n" + seed.replace("body:", "old_body:", 1) + "<<: *common\n"
    path = tmp_path / "2020.yaml"
    path.write_text(text, encoding="utf-8")
    loaded = load_params(path)
    assert loaded.fields == field_positions(text)
    assert "body" not in loaded.fields and loaded.fields["common"].key_line == 1
    assert loaded.fields["<<"].key_line == text.count("\n")
    seed_loaded = load_params(ROOT / "params" / "红旗满族乡" / "2020.yaml")
    assert seed_loaded.fields == field_positions(seed) and len(seed_loaded.fields) > 5
