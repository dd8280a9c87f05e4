"""``xxgk demo-data``: synthetic township-years that hold the format's arithmetic.

Expected figures are recomputed here from the CSV text with the spec's own definitions (R1: 一 +
二 = （七）总计 + 四 per column; R2: 总计 = the six applicant columns; R3: （七）总计 = the result
rows; R6: table 四 总计 = its four results; R8 across years), not read from the kit's results.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from xxgk import demo_data, spec
from xxgk.load import HEADER
from xxgk.params import load_params
from xxgk.report import build_report

XXGK = [sys.executable, "-c", "from xxgk.cli import main; main()"]
YEARS = list(range(2019, 2025))


def read(path: Path) -> tuple[list[str], dict[tuple[str, str, str], str]]:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    header, body = rows[0], rows[1:]
    values = {}
    for t, r, c, v in body:
        assert (t, r, c) not in values, f"{path}: {t}/{r}/{c} twice"
        values[(t, r, c)] = v
    return header, values


def num(v: str) -> Decimal:
    return Decimal(v)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, demo_data.Written]:
    root = tmp_path_factory.mktemp("demo")
    return root, demo_data.write_demo(root, 12, YEARS, seed=7)


def test_names_years_and_files(demo):
    root, written = demo
    assert len(written.data) == len(written.params) == 12 * len(YEARS)
    names = {p.stem for p in written.data}
    assert names == {f"示例镇{i:03d}" for i in range(1, 13)}
    assert all(re.fullmatch(r"示例镇\d{3}", n) for n in names)
    assert {int(p.parent.name) for p in written.data} == set(YEARS)
    for p in written.data:
        assert p == root / "data" / p.parent.name / p.name


def test_header_and_cells_follow_the_year_format(demo):
    root, _ = demo
    # Cell counts of table 二 from the issue and the spec: 22 in the 2019 format, 10 in the 2021 format.
    expect_t2 = {"2019": 22, "2021": 10}
    for year in YEARS:
        header, values = read(root / "data" / str(year) / "示例镇001.csv")
        assert tuple(header) == HEADER == ("table", "row", "column", "value")
        version = "2019" if year <= 2020 else "2021"
        assert sum(1 for k in values if k[0] == "二") == expect_t2[version]
        assert set(values) == {c.key for c in spec.get_format(version).cells()}
        if version == "2019":
            assert ("二", "政府集中采购", "采购总金额") in values
        else:
            assert ("二", "行政事业性收费", "本年收费金额（单位：万元）") in values


def test_the_arithmetic_holds_where_figures_are_given(demo):
    root, _ = demo
    applicants = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    checked = Counter()
    for path in sorted((root / "data").glob("*/*.csv")):
        version = "2019" if int(path.parent.name) <= 2020 else "2021"
        _, v = read(path)
        t3 = {k[1:]: x for k, x in v.items() if k[0] == "三"}
        rows = spec.get_format(version).table("三").data_rows
        results = [r for r in spec.result_rows(version)]
        for col in applicants:
            new, cin = num(t3[(spec.NEW, col)]), num(t3[(spec.CARRIED_IN, col)])
            done, cout = num(t3[(spec.RESULTS_TOTAL, col)]), num(t3[(spec.CARRIED_OUT, col)])
            assert new + cin == done + cout, (path, col)  # R1
            assert done == sum(num(t3[(r, col)]) for r in results), (path, col)  # R3
            checked["R1"] += 1
        for row in rows:
            total = t3[(row, "总计")]
            if total != "":  # a blank total is the kit's to compute
                assert num(total) == sum(num(t3[(row, c)]) for c in applicants), (path, row)  # R2
                checked["R2"] += 1
        for row in ("行政复议", "未经复议直接起诉", "复议后起诉"):
            total = v[("四", row, "总计")]
            if total != "":
                parts = [num(v[("四", row, c)]) for c in ("结果维持", "结果纠正", "其他结果", "尚未审结")]
                assert num(total) == sum(parts), (path, row)  # R6
                checked["R6"] += 1
    assert checked["R1"] and checked["R2"] and checked["R6"]


def test_carried_over_becomes_next_years_carried_in(demo):
    root, _ = demo
    for i in range(1, 13):
        name = f"示例镇{i:03d}"
        for year in YEARS[:-1]:
            _, this = read(root / "data" / str(year) / f"{name}.csv")
            _, nxt = read(root / "data" / str(year + 1) / f"{name}.csv")
            for col in ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"):
                assert this[("三", spec.CARRIED_OUT, col)] == nxt[("三", spec.CARRIED_IN, col)]


#: Rules and notes a demo report without planted errors must never fail.
CORE = {"R1", "R2", "R3", "R6", "R8", "R9", "R10", "R11", "P2", "P3", "P4", "P5"}


def test_the_kit_finds_no_input_error_and_no_failed_core_rule(demo):
    root, _ = demo
    blanks = zeros = 0
    for path in sorted((root / "data").glob("*/*.csv")):
        report = build_report(root, path.stem, int(path.parent.name))
        assert not report.has_input_errors, [f.format_line() for f in report.findings if f.is_error]
        failed = [f for f in report.findings if f.status == "fail" and f.rule in CORE]
        assert not failed, [f.format_line() for f in failed]
        _, v = read(path)
        blanks += sum(1 for x in v.values() if x == "")
        zeros += sum(1 for x in v.values() if x == "0")
    assert blanks > 0 and zeros > 0  # the demo shows both


def test_params_are_valid_params_files_and_say_they_are_samples(demo):
    root, written = demo
    for path in written.params:
        loaded = load_params(path)
        assert loaded.findings == [] and loaded.params is not None, path
        p = loaded.params
        assert (p.township, p.year) == (path.parent.name, int(path.stem))
        assert "示例" in p.body and p.publish_date.year == p.year + 1


def test_same_seed_same_bytes_other_seed_other_figures(tmp_path):
    a = demo_data.write_demo(tmp_path / "a", 3, [2020, 2021], seed=42)
    b = demo_data.write_demo(tmp_path / "b", 3, [2020, 2021], seed=42)
    c = demo_data.write_demo(tmp_path / "c", 3, [2020, 2021], seed=43)
    for pa, pb in zip(a.data + a.params, b.data + b.params):
        assert pa.read_bytes() == pb.read_bytes()
    assert any(pa.read_bytes() != pc.read_bytes() for pa, pc in zip(a.data, c.data))
    # Township k gets the same figures whatever the number of townships asked for.
    d = demo_data.write_demo(tmp_path / "d", 5, [2020, 2021], seed=42)
    assert (tmp_path / "d/data/2021/示例镇002.csv").read_bytes() == (tmp_path / "a/data/2021/示例镇002.csv").read_bytes()
    assert len(d.data) == 10


def test_with_errors_plants_problems_the_checks_find(tmp_path):
    written = demo_data.write_demo(tmp_path, 30, [2020, 2021, 2022], seed=3, with_errors=True)
    assert written.planted, "a few reports get a deliberate problem"
    assert len(written.planted) < len(written.data) / 3
    for township, year, what in written.planted:
        report = build_report(tmp_path, township, year)
        rule = what.split("：")[0]
        assert any(f.rule == rule and f.status == "fail" for f in report.findings), (township, year, what)
        if rule.startswith("E-"):
            assert report.has_input_errors
    clean = demo_data.write_demo(tmp_path / "clean", 30, [2020, 2021, 2022], seed=3)
    assert clean.planted == []


def test_refuses_to_overwrite_without_force(tmp_path):
    demo_data.write_demo(tmp_path, 2, [2021], seed=1)
    target = tmp_path / "data/2021/示例镇001.csv"
    target.write_text("mine\n", encoding="utf-8")
    with pytest.raises(demo_data.Exists):
        demo_data.write_demo(tmp_path, 3, [2021], seed=1)
    assert target.read_text(encoding="utf-8") == "mine\n"
    assert not (tmp_path / "data/2021/示例镇003.csv").exists()  # nothing written at all
    demo_data.write_demo(tmp_path, 3, [2021], seed=1, force=True)
    assert target.read_text(encoding="utf-8").startswith("table,row,column,value\n")


def test_cli(tmp_path):
    args = [*XXGK, "demo-data", "--townships", "2", "--years", "2020-2021", "--root", str(tmp_path), "--seed", "5"]
    first = subprocess.run(args, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    assert len(list((tmp_path / "data").glob("*/*.csv"))) == 4
    again = subprocess.run(args, capture_output=True, text=True)
    assert again.returncode == 1 and "已有 8 个文件" in again.stderr and "Traceback" not in again.stderr
    bad = subprocess.run([*XXGK, "demo-data", "--townships", "2", "--years", "twenty", "--root", str(tmp_path)],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "--years" in bad.stderr
