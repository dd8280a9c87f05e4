"""The params file and the township name: every problem a clear finding with file and line, and an
unsafe name refused before anything is read."""

from __future__ import annotations

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
