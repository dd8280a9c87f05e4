"""The fill-in workbook (issue 10): ``xxgk template --xlsx`` writes it for an office to fill.

Figures are typed into the template the way a person types them, into the cell found by its row
label and column header (tests/xlsx_support.py), and what the kit reads is compared with what was
typed.  Spans and labels are those of shared/spec/official-format.md §3–§4.
"""

from __future__ import annotations

import re
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from xlsx_support import PROJECT, csv_figures, csv_text, encrypted_workbook, fill, input_cell, shift
from xxgk import spec
from xxgk.cli import app
from xxgk.layout import grid, place
from xxgk.xlsx_template import FIRST_ROW

runner = CliRunner()
XXGK = [sys.executable, "-c", "from xxgk.cli import main; main()"]
YEAR = {"2019": 2020, "2021": 2021}
T2, T3, T4 = spec.TABLE_2, spec.TABLE_3, spec.TABLE_4
SEED = ("红旗满族乡", 2020)  # 2019 format
SAMPLE_2021 = ("示例镇", 2021)


def make_template(path: Path, version: str, *extra: str) -> Path:
    res = runner.invoke(app, ["template", "--year", str(YEAR[version]), "--xlsx", str(path), *extra])
    assert res.exit_code == 0, res.output
    return path


@pytest.fixture(params=spec.VERSIONS)
def version(request) -> str:
    return request.param


@pytest.fixture
def blank(tmp_path, version) -> Path:
    return make_template(tmp_path / "blank.xlsx", version)


def data_cells(version: str) -> list[spec.Cell]:
    return list(spec.get_format(version).cells())


def root_with(tmp_path: Path, township: str, year: int, workbook: Path, *, params: bool = True) -> Path:
    """A root whose only report is ``workbook`` as data/<year>/<township>.xlsx."""
    root = tmp_path / "root"
    target = root / "data" / str(year) / f"{township}.xlsx"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(workbook.read_bytes())
    if params:
        p = root / "params" / township / f"{year}.yaml"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(f"township: {township}\nyear: {year}\nbody: {township}人民政府\npublish_date: {year + 1}-01-20\n",
                     encoding="utf-8")
    return root


def zeros(version: str) -> dict:
    return {c.key: "0" for c in data_cells(version)}


def filled(tmp_path: Path, version: str, figures: dict, name: str = "filled.xlsx") -> tuple[Path, dict]:
    path = make_template(tmp_path / name, version)
    return path, fill(path, figures)


# --- the template -------------------------------------------------------------------------------------


def test_without_xlsx_the_csv_is_printed_as_before():
    res = runner.invoke(app, ["template", "--year", "2021"])
    assert res.exit_code == 0
    lines = res.output.splitlines()
    assert lines[0] == "table,row,column,value" and len(lines) == 1 + 200


def test_sheets_and_the_guide(blank, version):
    wb = openpyxl.load_workbook(blank)
    assert wb.sheetnames == ["填表说明", "表二", "表三", "表四"]
    guide = "\n".join(str(c.value) for row in wb["填表说明"].iter_rows() for c in row if c.value)
    year = YEAR[version]
    assert f"{year} 年度" in guide and f"{version} 年版格式" in guide and spec.NOTICES[version] in guide
    for words in ("留空", "不要填 0", "“/”表示不适用", "万元", "总计", "自动计算", f"data/{year}/"):
        assert words in guide, words


def test_one_input_cell_per_data_cell_and_no_other(blank, version):
    wb = openpyxl.load_workbook(blank)
    for table in spec.get_format(version).tables:
        ws = wb[f"表{table.id}"]
        inputs = [c for row in ws.iter_rows() for c in row if not c.protection.locked]
        assert len(inputs) == len(table.cells), table.id
        assert all(c.value is None for c in inputs)  # blank: nothing typed, not 0
        # Each data cell of the format is one of them, found by its labels as a person finds it.
        found = {input_cell(ws, table.id, cell.row, cell.column).coordinate for cell in table.cells}
        assert found == {c.coordinate for c in inputs}


def test_official_labels_verbatim(blank, version):
    wb = openpyxl.load_workbook(blank)
    for table in spec.get_format(version).tables:
        texts = {c.value for row in wb[f"表{table.id}"].iter_rows() for c in row if isinstance(c.value, str)}
        labels = {c.column for c in table.cells} | {c.row for c in table.cells if c.row}
        labels |= {p.caption for p in table.parts if p.caption} | {p.corner for p in table.parts if p.corner}
        assert labels <= texts, labels - texts


def _spans(ws) -> dict[str, list[tuple[int, int]]]:
    """Each merged cell's text → its (rows, columns), for every merged cell with text."""
    out: dict[str, list[tuple[int, int]]] = {}
    for m in ws.merged_cells.ranges:
        text = ws.cell(m.min_row, m.min_col).value
        out.setdefault(text, []).append((m.max_row - m.min_row + 1, m.max_col - m.min_col + 1))
    return out


def test_merged_header_cells_are_the_official_ones(blank, version):
    wb = openpyxl.load_workbook(blank)
    t3, t4 = _spans(wb["表三"]), _spans(wb["表四"])
    # §3.2: the footnote over the three label columns and the three header rows; 申请人情况 over the
    # seven data columns; 自然人 and 总计 down two rows; 法人或其他组织 over its five columns.
    assert t3[spec.T3_FOOTNOTE] == [(3, 3)]
    assert t3["申请人情况"] == [(1, 7)] and t3["法人或其他组织"] == [(1, 5)]
    assert t3["自然人"] == [(2, 1)] and t3["总计"] == [(2, 1)]
    # The grouped result rows: 三 spans 20 rows (2019) or 22 (2021), （三） 8, （四） 3, （五） 5.
    assert t3["三、本年度办理结果"] == [(20 if version == "2019" else 22, 1)]
    assert t3["（三）不予公开"] == [(8, 1)] and t3["（四）无法提供"] == [(3, 1)] and t3["（五）不予处理"] == [(5, 1)]
    if version == "2021":
        assert t3["（六）其他处理"] == [(3, 1)]
    # §3.3: 行政复议 over five columns, 行政诉讼 over ten, each kind of 行政诉讼 over five; the five
    # columns of 行政复议 reach down both lower header rows.
    assert t4["行政复议"] == [(1, 5)] and t4["行政诉讼"] == [(1, 10)]
    assert t4["未经复议直接起诉"] == [(1, 5)] and t4["复议后起诉"] == [(1, 5)]
    assert sorted(t4["结果维持"]) == [(2, 1)] and sorted(t4["总计"]) == [(2, 1)]


def test_merged_cells_are_the_grid_spans(blank, version):
    wb = openpyxl.load_workbook(blank)
    for table in spec.get_format(version).tables:
        g = grid(table)
        ws = wb[f"表{table.id}"]
        expected = {(FIRST_ROW + r, 1 + c, FIRST_ROW + r + cell.rowspan - 1, c + cell.colspan)
                    for r, c, cell in place(list(g.rows())) if cell.rowspan > 1 or cell.colspan > 1}
        merged = {(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges}
        title = {(1, 1, 1, g.width)}  # the section heading over the table
        assert merged == expected | title, table.id
        # Every text of the grid is at the top-left of its span.
        for r, c, cell in place(list(g.rows())):
            assert ws.cell(FIRST_ROW + r, 1 + c).value == (cell.text or None)


def test_labels_locked_inputs_unlocked_sheets_protected_without_password(blank):
    wb = openpyxl.load_workbook(blank)
    for ws in wb.worksheets:
        assert ws.protection.sheet is True and not ws.protection.password
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str):
                    assert c.protection.locked, (ws.title, c.coordinate)


def _validations(ws) -> dict[str, object]:
    return {str(cell): dv for dv in ws.data_validations.dataValidation for rng in dv.sqref.ranges
            for cell in _cells_of(rng)}


def _cells_of(rng) -> list[str]:
    from openpyxl.utils import get_column_letter

    return [f"{get_column_letter(c)}{r}" for r in range(rng.min_row, rng.max_row + 1)
            for c in range(rng.min_col, rng.max_col + 1)]


def test_every_input_cell_is_validated_with_chinese_messages(blank, version):
    wb = openpyxl.load_workbook(blank)
    for table in spec.get_format(version).tables:
        ws = wb[f"表{table.id}"]
        dvs = _validations(ws)
        for cell in table.cells:
            ref = input_cell(ws, table.id, cell.row, cell.column).coordinate
            dv = dvs[ref]
            assert dv.allow_blank and dv.showInputMessage and dv.showErrorMessage and dv.errorStyle == "stop"
            assert re.search(r"[\u4e00-\u9fff]", dv.prompt) and re.search(r"[\u4e00-\u9fff]", dv.error)
            # Excel's limits: 32 characters for a title, 255 for a message.
            assert len(dv.promptTitle) <= 32 and len(dv.errorTitle) <= 32
            assert len(dv.prompt) <= 255 and len(dv.error) <= 255
            if table.id in (T3, T4):
                # Applications and cases: a whole number ≥ 0; “/” refused (rule R7), and said so.
                assert (dv.type, dv.operator, dv.formula1) == ("whole", "greaterThanOrEqual", "0")
                assert "不能填“/”" in dv.error
            else:
                # Table 二 takes “/”: a formula, since a whole-number or decimal rule refuses any text.
                number = {spec.Kind.COUNT: f"AND({ref}>=0,INT({ref})={ref})",
                          spec.Kind.SIGNED: f"INT({ref})={ref}",
                          spec.Kind.MONEY: f"AND({ref}>=0,ROUND({ref},4)={ref})"}[cell.kind]
                assert dv.type == "custom" and dv.formula1 == f'IF(ISNUMBER({ref}),{number},{ref}="/")'
                assert "/" in dv.prompt
                if cell.kind is spec.Kind.MONEY:
                    assert "万元" in dv.prompt and "4 位小数" in dv.prompt
                if cell.kind is spec.Kind.SIGNED:
                    assert "负数" in dv.prompt


def test_prints_on_a4_landscape_fit_to_width(blank):
    wb = openpyxl.load_workbook(blank)
    for ws in wb.worksheets:
        assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.orientation == "landscape"  # 9: A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert ws.page_setup.fitToHeight == 0
    ws = wb["表三"]
    # Long labels wrap inside a column of bounded width rather than running off the page.
    label = next(c for row in ws.iter_rows() for c in row if c.value == spec.OTHER_HANDLING_ITEMS_2021[1]
                 or c.value == spec.NOT_PROCESSED_ITEMS[4])
    assert label.alignment.wrap_text and ws.column_dimensions[label.column_letter].width <= 40


def test_an_existing_file_is_not_overwritten_without_force(tmp_path):
    target = tmp_path / "t.xlsx"
    target.write_bytes(b"my figures")
    res = runner.invoke(app, ["template", "--year", "2021", "--xlsx", str(target)])
    assert res.exit_code == 1 and "已存在" in res.output and "--force" in res.output
    assert target.read_bytes() == b"my figures"
    res = runner.invoke(app, ["template", "--year", "2021", "--xlsx", str(target), "--force"])
    assert res.exit_code == 0 and zipfile.is_zipfile(target)
    assert [p.name for p in tmp_path.iterdir()] == ["t.xlsx"]  # written through a temporary, nothing left over


@pytest.mark.parametrize("args, words", [
    (["--from", "x.csv"], "--xlsx"),  # --from fills a workbook
    (["--xlsx", "t.csv"], ".xlsx"),  # a workbook is known by its extension
    (["--xlsx", "t.xlsx", "--format", "2020"], "2019 或 2021"),
])
def test_template_usage_errors_exit_2(tmp_path, args, words):
    res = runner.invoke(app, ["template", "--year", "2021", *[a if not a.startswith("t.") else str(tmp_path / a) for a in args]])
    assert res.exit_code == 2 and words in res.output
    assert not list(tmp_path.iterdir())


def test_prefilled_from_a_csv_file(tmp_path):
    source = PROJECT / "data" / "2020" / "红旗满族乡.csv"
    typed = csv_figures(source)
    target = make_template(tmp_path / "t.xlsx", "2019", "--from", str(source))
    wb = openpyxl.load_workbook(target)
    for (table, row, column), text in typed.items():
        cell = input_cell(wb[f"表{table}"], table, row, column)
        if text == "":
            assert cell.value is None  # blank stays blank, not 0
        else:
            assert isinstance(cell.value, (int, float)) and Decimal(str(cell.value)) == Decimal(text), (row, column)
    money = input_cell(wb["表二"], T2, "政府集中采购", "采购总金额")
    assert money.value == 6874.6408 and money.data_type == "n"  # a number, decimals kept


def test_prefilled_with_not_applicable_and_from_last_year(tmp_path):
    figures = zeros("2021") | {(T2, "规章", "本年制发件数"): "/", (T2, "行政事业性收费", "本年收费金额（单位：万元）"): "12.35"}
    last_year = tmp_path / "2021.csv"
    last_year.write_text(csv_text(figures), encoding="utf-8")
    # Last year's figures as this year's start: another year, the same format version.
    res = runner.invoke(app, ["template", "--year", "2022", "--xlsx", str(tmp_path / "2022.xlsx"), "--from", str(last_year)])
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(tmp_path / "2022.xlsx")
    assert input_cell(wb["表二"], T2, "规章", "本年制发件数").value == "/"
    assert input_cell(wb["表二"], T2, "行政事业性收费", "本年收费金额（单位：万元）").value == 12.35
    assert "2022 年度" in "".join(str(c.value) for c in wb["填表说明"]["A"])


def test_prefill_from_the_other_version_is_refused(tmp_path):
    target = tmp_path / "t.xlsx"
    res = runner.invoke(app, ["template", "--year", "2021", "--xlsx", str(target),
                              "--from", str(PROJECT / "data" / "2020" / "红旗满族乡.csv")])
    assert res.exit_code == 1 and not target.exists()
    assert "2019 年版格式" in res.output and "--format 2019" in res.output
    res = runner.invoke(app, ["--lang", "en", "template", "--year", "2021", "--xlsx", str(target),
                              "--from", str(PROJECT / "data" / "2020" / "红旗满族乡.csv")])
    assert res.exit_code == 1 and "2019 format" in res.output and not target.exists()


def test_prefill_from_a_file_with_errors_is_refused(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(csv_text(zeros("2021") | {(T3, spec.NEW, spec.NATURAL): "12件"}), encoding="utf-8")
    res = runner.invoke(app, ["template", "--year", "2021", "--xlsx", str(tmp_path / "t.xlsx"), "--from", str(bad)])
    assert res.exit_code == 1 and "E-NOT-NUMBER" in res.output and "12件" in res.output
    assert not (tmp_path / "t.xlsx").exists() and "Traceback" not in res.output
