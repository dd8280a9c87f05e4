"""The fill-in workbook (issue 10): ``xxgk template --xlsx`` writes it, an office fills it, and
``data/<year>/<township>.xlsx`` is read wherever a CSV file is, every finding pointing at its cell.

Figures are typed into the template the way a person types them, into the cell found by its row
label and column header (tests/xlsx_support.py), and what the kit reads is compared with what was
typed.  Spans and labels are those of shared/spec/official-format.md §3–§4.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
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
from xxgk.load import load_figures
from xxgk.paths import Layout
from xxgk.records import Position
from xxgk.report import build_report
from xxgk.values import NA
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


def test_format_overrides_the_years_version(tmp_path):
    # A body that kept the 2019 layout in 2021, as a params file can say.
    path = tmp_path / "t.xlsx"
    assert runner.invoke(app, ["template", "--year", "2021", "--format", "2019", "--xlsx", str(path)]).exit_code == 0
    wb = openpyxl.load_workbook(path)
    texts = {c.value for row in wb["表二"].iter_rows() for c in row}
    assert "政府集中采购" in texts and "本年制发件数" not in texts  # §3.1, not §4.1
    guide = "".join(str(c.value) for c in wb["填表说明"]["A"])
    assert "2021 年度报告" in guide and "2019 年版格式" in guide


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
    (["--xlsx", "t.xlsx", "--format", "2020"], "2019 / 2021"),
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
    # And the workbook reads back as the file it was filled from.
    again = load_figures(tmp_path / "2022.xlsx", "2021")
    assert again.findings == [] and again.figures.values == load_figures(last_year, "2021").figures.values


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


# --- reading a filled workbook ---------------------------------------------------------------------------


def _expected(text: str):
    """What a typed figure must read as."""
    if text == "":
        return None
    return NA if text == "/" else Decimal(text)


def test_round_trip_every_figure_in_its_cell(tmp_path, version):
    # Different figures in every cell, so a figure read from a neighbour's cell would show.
    figures = {c.key: str(i) for i, c in enumerate(data_cells(version))}
    money = next(c.key for c in data_cells(version) if c.kind is spec.Kind.MONEY)
    signed = [c.key for c in data_cells(version) if c.kind is spec.Kind.SIGNED]
    figures |= {money: "6874.6408", (T2, "行政强制", next(c.column for c in data_cells(version) if c.row == "行政强制")): "/"}
    for key in signed:
        figures[key] = "-3"
    figures[(T3, spec.NEW, spec.BIZ)] = ""  # left blank
    path, where = filled(tmp_path, version, figures)
    loaded = load_figures(path, version, "data/x.xlsx")
    assert [f.rule for f in loaded.findings] == []
    for key, text in figures.items():
        assert loaded.figures.values[key] == _expected(text), key
        sheet, cell = where[key].split("!")
        assert loaded.figures.positions[key] == Position(sheet=sheet, cell=cell), key


def _render_both(tmp_path: Path, reports: list[tuple[str, int, dict]]) -> tuple[Path, Path]:
    """The same figures as CSV files under one root and as workbooks under another, each report
    with the project's params, both rendered by ``xxgk batch``."""
    roots = tmp_path / "csv", tmp_path / "xlsx"
    for township, year, figures in reports:
        version = spec.version_for_year(year)
        for root in roots:
            params = root / "params" / township / f"{year}.yaml"
            params.parent.mkdir(parents=True, exist_ok=True)
            params.write_bytes((PROJECT / "params" / township / f"{year}.yaml").read_bytes())
            (root / "data" / str(year)).mkdir(parents=True, exist_ok=True)
        (roots[0] / "data" / str(year) / f"{township}.csv").write_text(csv_text(figures), encoding="utf-8")
        make_template(roots[1] / "data" / str(year) / f"{township}.xlsx", version)
        fill(roots[1] / "data" / str(year) / f"{township}.xlsx", figures)
    for root in roots:
        done = subprocess.run([*XXGK, "batch", "--root", str(root), "--engine", "inprocess"], capture_output=True,
                              text=True, timeout=600)
        assert done.returncode == 0, done.stderr
    return roots


def _without_data_file(page: str, township: str, year: int, suffix: str) -> str:
    name = f"data/{year}/{township}{suffix}"
    # Named with its hash in the provenance footer and in the trend panel's sources, and by the
    # findings about the file as a whole (the cross-year checks when there is no last year).
    assert page.count(name + " sha256 <code>") == 2
    page = re.sub(re.escape(name) + r" sha256 <code>[0-9a-f]{64}</code>", "DATA", page)
    return page.replace(name, "DATA")


def test_round_trip_page_is_the_csv_page(tmp_path):
    # The seed (2019 format; its three blank 规章 figures typed as 0) and the 2021 sample, every
    # figure typed into the workbook: the pages are the CSV files' pages but for the data file's
    # name and hash in the footer.
    seed = {k: v or "0" for k, v in csv_figures(PROJECT / "data" / "2020" / "红旗满族乡.csv").items()}
    sample = csv_figures(PROJECT / "data" / "2021" / "示例镇.csv")
    csv_root, xlsx_root = _render_both(tmp_path, [(*SEED, seed), (*SAMPLE_2021, sample)])
    for township, year in (SEED, SAMPLE_2021):
        rel = Path("output") / str(year) / f"{township}.html"
        a, b = (csv_root / rel).read_text(encoding="utf-8"), (xlsx_root / rel).read_text(encoding="utf-8")
        assert "数据文件：" in b and f"data/{year}/{township}.xlsx" in b
        assert _without_data_file(a, township, year, ".csv") == _without_data_file(b, township, year, ".xlsx")
        digest = Layout(xlsx_root).data_file(township, year)
        import hashlib

        assert hashlib.sha256(digest.read_bytes()).hexdigest() in b
    manifest = json.loads((xlsx_root / "output" / "manifest.json").read_text(encoding="utf-8"))
    import hashlib

    for township, year in (SEED, SAMPLE_2021):
        entry = manifest["reports"][f"{year}/{township}"]
        data = xlsx_root / "data" / str(year) / f"{township}.xlsx"
        assert entry["status"] == "ok" and entry["inputs"]["data"] == hashlib.sha256(data.read_bytes()).hexdigest()
    dashboard = (xlsx_root / "output" / "index.html").read_text(encoding="utf-8")
    assert all(t in dashboard for t, _ in (SEED, SAMPLE_2021))


# --- findings point at the workbook's cells ----------------------------------------------------------------


def test_findings_point_at_sheet_and_cell(tmp_path):
    figures = zeros("2021") | {(T3, spec.NEW, spec.NATURAL): "2", (T4, spec.REVIEW, spec.UPHELD): ""}
    path, where = filled(tmp_path, "2021", figures)
    root = root_with(tmp_path, "甲镇", 2021, path)
    new, upheld = where[(T3, spec.NEW, spec.NATURAL)], where[(T4, spec.REVIEW, spec.UPHELD)]
    # Text: R1 fails on the column 自然人 (2 new, none handled), pointing at the figure's cell.
    res = runner.invoke(app, ["check", "--root", str(root)])
    r1 = next(line for line in res.output.splitlines() if " R1 " in line)
    assert r1.startswith(f"data/2021/甲镇.xlsx:{new} ")
    assert f"data/2021/甲镇.xlsx:{upheld}: 未填报 M-BLANK" in res.output  # folded blank cells too
    # JSON: file, sheet and cell; no line.
    found = json.loads(runner.invoke(app, ["check", "--root", str(root), "--format", "json"]).output)
    r1 = next(f for f in found if f["rule"] == "R1" and f["status"] == "fail")
    assert (r1["file"], r1["sheet"], r1["cell"], r1["line"]) == ("data/2021/甲镇.xlsx", *new.split("!"), None)
    # The review panel.
    report = build_report(root, "甲镇", 2021)
    from xxgk.html_review import review_panel

    panel = review_panel(report)
    assert f"data/2021/甲镇.xlsx:{new}" in panel and f"data/2021/甲镇.xlsx:{upheld}" in panel


def test_where_names_a_cell_as_a_spreadsheet_program_does():
    from xxgk.findings import finding

    assert str(Position(sheet="表三", cell="D12")) == "表三!D12"
    assert str(Position(sheet="Sheet 1", cell="A1")) == "'Sheet 1'!A1"  # quoted, as Excel quotes it
    f = finding("E-NOT-NUMBER", "not_number", args={"value": "x"}, file="data/2021/甲镇.xlsx", sheet="表三",
                cell="D12", table=T3, row=spec.NEW, column=spec.NATURAL)
    assert f.where() == f"data/2021/甲镇.xlsx:表三!D12 [表三 / {spec.NEW} / {spec.NATURAL}]"
    assert f.to_dict()["sheet"] == "表三" and f.to_dict()["cell"] == "D12" and f.to_dict()["line"] is None


def test_messages_in_english_too(tmp_path):
    path, _ = filled(tmp_path, "2021", zeros("2021"))
    wb = openpyxl.load_workbook(path)
    del wb["表二"]
    wb.save(path)
    root = root_with(tmp_path, "甲镇", 2021, path)
    res = runner.invoke(app, ["--lang", "en", "check", "--root", str(root)])
    assert res.exit_code == 1
    assert "error E-SHEET missing sheet: the workbook has no sheet “表二” for table 二" in res.output


def test_the_notebooks_figures_name_their_workbook_cells(tmp_path):
    from xxgk.frames import figures_frame

    path, where = filled(tmp_path, "2021", zeros("2021"))
    report = build_report(root_with(tmp_path, "甲镇", 2021, path), "甲镇", 2021)
    frame = figures_frame(report)
    assert "工作簿单元格" in frame.columns and "CSV行" not in frame.columns
    assert list(frame["工作簿单元格"]) == [where[c.key] for c in data_cells("2021")]


def test_a_csv_finding_keeps_its_line_and_json_keys(tmp_path):
    d = tmp_path / "data" / "2021"
    d.mkdir(parents=True)
    (d / "甲镇.csv").write_text(csv_text(zeros("2021") | {(T3, spec.NEW, spec.NATURAL): "2"}), encoding="utf-8")
    found = json.loads(runner.invoke(app, ["check", "--root", str(tmp_path), "--format", "json"]).output)
    assert all("sheet" not in f and "cell" not in f for f in found)
    line = {c.key: i + 2 for i, c in enumerate(data_cells("2021"))}[(T3, spec.NEW, spec.NATURAL)]  # after the header
    assert next(f for f in found if f["rule"] == "R1" and f["status"] == "fail")["line"] == line


# --- what offices do to the workbook --------------------------------------------------------------------------


def test_an_office_rearranging_the_workbook_still_loads(tmp_path):
    figures = {c.key: str(i % 7) for i, c in enumerate(data_cells("2021"))}
    path, _ = filled(tmp_path, "2021", figures)
    wb = openpyxl.load_workbook(path)
    ws = wb["表三"]
    ws.protection.sheet = False  # unprotected
    ws.column_dimensions["C"].width = 80  # widened
    ws.row_dimensions[9].height = 60
    shift(ws, at_row=12, rows=1)  # a blank row inserted inside （三）不予公开
    label = next(c for row in ws.iter_rows() for c in row if c.value == spec.PARTIAL)
    label.value = "（二）部分公开"  # retyped as real reports print it
    total = next(c for row in ws.iter_rows() for c in row if c.value == spec.TOTAL)
    total.value = "合计"
    shift(wb["表四"], rows=3, cols=2)  # the whole table moved down and right
    shift(wb["表二"], at_row=6, rows=2)  # two rows inserted between the blocks
    wb.save(path)
    loaded = load_figures(path, "2021", "data/2021/甲镇.xlsx")
    assert loaded.figures.values == {k: Decimal(v) for k, v in figures.items()}
    # The variants are notes, each once, at the label's own cell (not at every figure it labels).
    notes = [f for f in loaded.findings]
    assert sorted(f.rule for f in notes) == ["N-ALIAS", "N-ALIAS"]
    assert {f.cell for f in notes} == {label.coordinate, total.coordinate}
    assert all(f.sheet == "表三" and f.line is None for f in notes)


def test_a_sheet_without_its_table_is_one_error(tmp_path):
    path, _ = filled(tmp_path, "2021", zeros("2021"))
    wb = openpyxl.load_workbook(path)
    wb.remove(wb["表三"])
    wb.create_sheet("表三").append(["我们今年没有收到申请"])  # the table replaced by a sentence
    del wb["表四"]
    wb.create_sheet("表四")
    wb.save(path)
    loaded = load_figures(path, "2021", "x.xlsx")
    assert sorted(f.rule for f in loaded.findings) == ["E-LAYOUT", "E-LAYOUT"]  # not 190 missing cells
    three = next(f for f in loaded.findings if f.table == T3)
    assert "表三" in three.message and "行标签" in three.message and spec.NEW in three.message
    four = next(f for f in loaded.findings if f.table == T4)
    assert "表头" in four.message


def test_a_duplicated_row_is_named_with_both_cells(tmp_path):
    path, where = filled(tmp_path, "2021", zeros("2021"))
    wb = openpyxl.load_workbook(path)
    ws = wb["表四"]
    ws.cell(ws.max_row + 2, 1, 5)  # a figure under the table, in no row of it
    ws = wb["表三"]
    first = input_cell(ws, T3, spec.NOT_PROCESSED_ITEMS[1], spec.NATURAL)
    copy = ws.cell(ws.max_row + 1, 3, spec.NOT_PROCESSED_ITEMS[1])  # the row typed again below the table
    ws.cell(copy.row, first.column, 4)
    ws = wb["表二"]
    ws.cell(ws.max_row + 1, 1, "行政处罚")  # and under table 二's last item, whose column is not its
    ws.cell(ws.max_row, 2, 4)
    wb.save(path)
    loaded = load_figures(path, "2021", "x.xlsx")
    dup = next(f for f in loaded.findings if f.rule == "E-DUPLICATE")
    assert f"第一次在 表三!{first.coordinate}" in dup.message
    assert (dup.sheet, dup.cell) == ("表三", f"{first.column_letter}{copy.row}")
    no_cell = next(f for f in loaded.findings if f.rule == "E-CELL")
    assert no_cell.sheet == "表二" and "行政处罚" in no_cell.message
    stray = next(f for f in loaded.findings if f.rule == "E-STRAY")
    assert stray.sheet == "表四" and stray.cell.startswith("A") and "“5”" in stray.message


@pytest.mark.parametrize("typed, expected", [
    (12, Decimal(12)), (12.0, Decimal(12)), (" 12 ", Decimal(12)), ("１２", Decimal(12)), ("/", NA), ("—", NA),
])
def test_values_read_as_a_csv_file_reads_them(tmp_path, typed, expected):
    path, where = filled(tmp_path, "2021", zeros("2021"))
    wb = openpyxl.load_workbook(path)
    input_cell(wb["表三"], T3, spec.GRANTED, spec.NATURAL).value = typed
    wb.save(path)
    loaded = load_figures(path, "2021")
    assert [f.rule for f in loaded.findings] == [] and loaded.figures.get(T3, spec.GRANTED, spec.NATURAL) == expected


@pytest.mark.parametrize("typed, code", [("12件", "E-NOT-NUMBER"), (12.5, "E-FRACTION"), (-1, "E-NEGATIVE"),
                                         ("三", "E-NOT-NUMBER")])
def test_values_refused_as_in_a_csv_file(tmp_path, typed, code):
    path, where = filled(tmp_path, "2021", zeros("2021"))
    wb = openpyxl.load_workbook(path)
    cell = input_cell(wb["表三"], T3, spec.GRANTED, spec.NATURAL)
    cell.value = typed
    wb.save(path)
    (f,) = load_figures(path, "2021", "x.xlsx").findings
    assert f.rule == code and (f.sheet, f.cell) == ("表三", cell.coordinate) and str(typed) in f.message
    assert f.where().startswith(f"x.xlsx:表三!{cell.coordinate} [表三 / {spec.GRANTED} / {spec.NATURAL}]")


def test_money_keeps_its_decimals_and_a_signed_change_its_sign(tmp_path):
    money = (T2, "政府集中采购", "采购总金额")
    path, _ = filled(tmp_path, "2019", zeros("2019") | {money: "6874.6408", (T2, "行政许可", "本年增/减"): "-3"})
    loaded = load_figures(path, "2019")
    assert loaded.figures.values[money] == Decimal("6874.6408")
    assert loaded.figures.values[(T2, "行政许可", "本年增/减")] == -3


def test_errors_are_collected_and_capped(tmp_path):
    path, where = filled(tmp_path, "2021", {c.key: "x" for c in data_cells("2021") if c.table == T3})
    loaded = load_figures(path, "2021", "x.xlsx")
    listed = [f for f in loaded.findings if f.rule == "E-NOT-NUMBER" and f.count == 1]
    assert len(listed) == 20 and all(f.sheet == "表三" for f in listed)
    (more,) = [f for f in loaded.findings if f.count > 1]
    assert more.count == 175 - 20 and "E-NOT-NUMBER" in more.message


# --- broken workbooks -------------------------------------------------------------------------------------------


def _broken(tmp_path: Path, kind: str) -> tuple[bytes, list[str]]:
    """A broken data file's bytes, and what its message must say."""
    if kind == "renamed csv":
        return csv_text(zeros("2021")).encode("utf-8"), ["文本文件", ".csv"]
    if kind == "encrypted":
        return encrypted_workbook(), ["密码", "加密"]
    if kind == "xls":
        return encrypted_workbook().replace("EncryptionInfo".encode("utf-16-le"), "Workbook\0\0\0\0\0\0".encode("utf-16-le")), \
            [".xls", "另存为"]
    good = make_template(tmp_path / "good.xlsx", "2021").read_bytes()
    if kind == "truncated":
        return good[: len(good) // 2], ["损坏", "另存为"]
    if kind == "zip, not a workbook":
        zipped = tmp_path / "z.zip"
        with zipfile.ZipFile(zipped, "w") as z:
            z.writestr("notes.txt", "hello")
        return zipped.read_bytes(), ["损坏"]
    path, where = filled(tmp_path, "2021", zeros("2021"))
    wb = openpyxl.load_workbook(path)
    if kind == "missing sheet":
        del wb["表四"]
        wb.save(path)
        return path.read_bytes(), ["表四", "填表说明、表二、表三"]
    cell = input_cell(wb["表三"], T3, spec.NEW, spec.NATURAL)
    if kind == "text value":
        cell.value = "12件"
        wb.save(path)
        return path.read_bytes(), [f"表三!{cell.coordinate}", "“12件”不是数字"]
    if kind == "formula without a saved result":
        cell.value = "=1+1"
        wb.save(path)
        return path.read_bytes(), [f"表三!{cell.coordinate}", "=1+1", "打开", "保存"]
    if kind == "unknown label":
        label = next(c for row in wb["表三"].iter_rows() for c in row if c.value == spec.GRANTED)
        label.value = "（一）予以公告"
        wb.save(path)
        return path.read_bytes(), [f"表三!{label.coordinate}", "“（一）予以公告”", "（一）予以公开"]
    raise AssertionError(kind)


BROKEN = ["renamed csv", "encrypted", "xls", "truncated", "zip, not a workbook", "missing sheet", "text value",
          "formula without a saved result", "unknown label"]


@pytest.mark.parametrize("kind", BROKEN)
def test_broken_workbooks_are_one_clear_error_each(tmp_path, kind):
    data, words = _broken(tmp_path, kind)
    root = tmp_path / "r"
    target = root / "data" / "2021" / "甲镇.xlsx"
    target.parent.mkdir(parents=True)
    target.write_bytes(data)
    res = runner.invoke(app, ["check", "--root", str(root)])
    assert res.exit_code == 1, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    errors = [line for line in res.output.splitlines() if " 错误 E-" in line]
    assert errors and all(line.startswith("data/2021/甲镇.xlsx") for line in errors), res.output
    text = "\n".join(errors)
    for w in words:
        assert w in text, (w, text)
    if kind != "missing sheet":
        assert len(errors) == 1, text  # one problem, told once (not a missing cell per figure)
    else:
        assert not any("E-MISSING-CELL" in line for line in errors)
    # render refuses alike, before any kernel: nothing written, no traceback.
    res = runner.invoke(app, ["render", "--root", str(root), "--township", "甲镇", "--year", "2021"])
    assert res.exit_code == 1 and "Traceback" not in res.output and not (root / "output").exists()


def test_broken_workbooks_through_the_real_command(tmp_path):
    """The installed command, in a process of its own: exit 1, one line per problem, no traceback."""
    root = tmp_path / "r"
    (root / "data" / "2021").mkdir(parents=True)
    for i, kind in enumerate(BROKEN):
        (tmp_path / str(i)).mkdir()
        data, _ = _broken(tmp_path / str(i), kind)
        (root / "data" / "2021" / f"镇{i}.xlsx").write_bytes(data)
    for args in (["check"], ["batch", "--engine", "inprocess"]):
        done = subprocess.run([*XXGK, *args, "--root", str(root)], capture_output=True, text=True, timeout=600)
        assert done.returncode == 1, done.stdout + done.stderr
        assert "Traceback" not in done.stdout + done.stderr
    assert not list((root / "output").glob("2021/*"))  # the dashboard only: no report written
    dashboard = (root / "output" / "index.html").read_text(encoding="utf-8")
    assert all(f"镇{i}" in dashboard for i in range(len(BROKEN)))


# --- never rewritten; one data file per report -----------------------------------------------------------------


def test_a_workbook_is_never_rewritten(tmp_path):
    path, _ = filled(tmp_path, "2021", zeros("2021"))
    root = root_with(tmp_path, "甲镇", 2021, path)
    data = root / "data" / "2021" / "甲镇.xlsx"
    old = os.stat(data).st_mtime_ns - 10**9  # a second in the past, so a rewrite would show
    os.utime(data, ns=(old, old))
    before = data.read_bytes()
    assert runner.invoke(app, ["check", "--root", str(root)]).exit_code == 0
    done = subprocess.run([*XXGK, "batch", "--root", str(root), "--engine", "inprocess"], capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert (root / "output" / "2021" / "甲镇.html").is_file()
    res = runner.invoke(app, ["render", "--root", str(root), "--township", "甲镇", "--year", "2021"])
    assert res.exit_code == 0, res.output
    assert data.read_bytes() == before and os.stat(data).st_mtime_ns == old
    assert sorted(p.name for p in data.parent.iterdir()) == ["甲镇.xlsx"]  # no lock or temporary file left


def test_two_data_files_for_one_report_are_an_error_naming_both(tmp_path):
    path, _ = filled(tmp_path, "2021", zeros("2021"))
    root = root_with(tmp_path, "甲镇", 2021, path)
    (root / "data" / "2021" / "甲镇.csv").write_text(csv_text(zeros("2021")), encoding="utf-8")
    assert Layout(root).reports() == [("甲镇", 2021)]  # one report, not two
    res = runner.invoke(app, ["check", "--root", str(root)])
    assert res.exit_code == 1
    line = next(line for line in res.output.splitlines() if "E-TWO-FILES" in line)
    assert "data/2021/甲镇.csv" in line and "data/2021/甲镇.xlsx" in line
    # Removing either one settles it: the manifest's inputs change with the set of files.
    from xxgk.manifest import inputs_of

    both = inputs_of(Layout(root), "甲镇", 2021, template_sha256="t", kit="k", options={})
    (root / "data" / "2021" / "甲镇.xlsx").unlink()
    one = inputs_of(Layout(root), "甲镇", 2021, template_sha256="t", kit="k", options={})
    assert both["data"] != one["data"] and isinstance(one["data"], str)
    assert runner.invoke(app, ["check", "--root", str(root)]).exit_code == 0


def test_the_file_excel_keeps_beside_an_open_workbook_is_not_a_report(tmp_path):
    path, _ = filled(tmp_path, "2021", zeros("2021"))
    root = root_with(tmp_path, "甲镇", 2021, path)
    (root / "data" / "2021" / "~$甲镇.xlsx").write_bytes(b"\x05someone")
    assert Layout(root).reports() == [("甲镇", 2021)]
