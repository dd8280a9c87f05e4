"""The workbook in a real spreadsheet program: LibreOffice Calc, headless (Debian's libreoffice-calc).

What an office's program does to the workbook must not change what the kit reads: a workbook
opened and saved again reads back the same figures at the same cells, and a formula it computed is
read by its result.  The validation formulas of table 二 are evaluated by the program itself, and
the blank template is printed to PDF (output/screenshots/) for a person to look at: A4 landscape,
every official label on the page.

Without LibreOffice these tests skip, on one line naming the package; under CI (``CI=true``) they
fail instead, since CI installs it (.ci/install-office), as the browser tests do with Chromium.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from xlsx_support import PROJECT, fill, input_cell
from xxgk import spec
from xxgk.load import load_figures
from xxgk.values import NA
from xxgk.xlsx_template import write as write_template

PACKAGE = "libreoffice-calc"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
SCREENSHOTS = PROJECT / "output" / "screenshots"
YEAR = {"2019": 2020, "2021": 2021}
T2, T3 = spec.TABLE_2, spec.TABLE_3


def under_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


if SOFFICE is None and not under_ci():
    pytest.skip(f"LibreOffice is not installed (apt-get install {PACKAGE}, or bash .ci/install-office)",
                allow_module_level=True)


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    """Converts files with LibreOffice, in a profile of its own (never the user's)."""
    if SOFFICE is None:
        pytest.fail(f"CI=true and LibreOffice is not installed (apt-get install {PACKAGE})", pytrace=False)
    profile = tmp_path_factory.mktemp("office-profile")

    def convert(source: Path, to: str, outdir: Path) -> Path:
        outdir.mkdir(parents=True, exist_ok=True)
        done = subprocess.run([SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                               "--convert-to", to, "--outdir", str(outdir), str(source)],
                              capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
        target = outdir / f"{source.stem}.{to.split(':')[0]}"
        assert done.returncode == 0 and target.is_file(), done.stdout + done.stderr
        return target

    return convert


def _figures(version: str) -> dict:
    """Different figures in every cell, a decimal amount, a negative change, “/” and a blank."""
    cells = list(spec.get_format(version).cells())
    figures = {c.key: str(i) for i, c in enumerate(cells)}
    for c in cells:
        if c.kind is spec.Kind.MONEY:
            figures[c.key] = "6874.6408"
        if c.kind is spec.Kind.SIGNED:
            figures[c.key] = "-3"
    figures[next(c.key for c in cells if c.row == "行政强制")] = "/"
    figures[(T3, spec.CARRIED_IN, spec.NATURAL)] = ""
    return figures


@pytest.mark.parametrize("version", spec.VERSIONS)
def test_a_workbook_saved_again_by_the_program_reads_back_the_same(tmp_path, office, version):
    path = tmp_path / "filled.xlsx"
    write_template(path, version, YEAR[version])
    fill(path, _figures(version))
    resaved = office(path, "xlsx", tmp_path / "resaved")
    before, after = load_figures(path, version, "x.xlsx"), load_figures(resaved, version, "x.xlsx")
    assert before.findings == [] and after.findings == []
    assert after.figures.values == before.figures.values
    assert after.figures.positions == before.figures.positions
    assert after.figures.values[(T3, spec.CARRIED_IN, spec.NATURAL)] is None  # blank stays blank
    money = next(c.key for c in spec.get_format(version).cells() if c.kind is spec.Kind.MONEY)
    assert after.figures.values[money] == Decimal("6874.6408")
    assert NA in after.figures.values.values()


def test_a_formula_is_read_by_the_result_the_program_saved(tmp_path, office):
    path = tmp_path / "formula.xlsx"
    write_template(path, "2021", 2021)
    fill(path, {c.key: "1" for c in spec.get_format("2021").cells()})
    wb = openpyxl.load_workbook(path)
    ws = wb["表三"]
    total = input_cell(ws, T3, spec.NEW, spec.TOTAL)
    first = input_cell(ws, T3, spec.NEW, spec.NATURAL)
    last = input_cell(ws, T3, spec.NEW, spec.OTH)
    total.value = f"=SUM({first.coordinate}:{last.coordinate})"
    wb.save(path)
    # Written by a program and never opened: the formula has no result to read.
    (error,) = [f for f in load_figures(path, "2021", "x.xlsx").findings if f.is_error]
    assert error.rule == "E-FORMULA" and (error.sheet, error.cell) == ("表三", total.coordinate)
    # Opened and saved by a spreadsheet program: its result is read.
    resaved = office(path, "xlsx", tmp_path / "resaved")
    loaded = load_figures(resaved, "2021", "x.xlsx")
    assert [f for f in loaded.findings if f.is_error] == []
    assert loaded.figures.get(T3, spec.NEW, spec.TOTAL) == 6


# What a cell of table 二 must take and refuse as it is typed, by kind of cell.
TYPED = [("/", True, True, True), (3, True, True, True), (0, True, True, True), (3.5, False, False, True),
         (-1, False, True, False), ("abc", False, False, False), ("12", False, False, False),
         (6874.6408, False, False, True), (1.23456, False, False, False)]


def test_table_2_validation_formulas_in_the_program(tmp_path, office):
    """Each kind of table 二 cell's formula, evaluated by LibreOffice on what a person might type."""
    wb = openpyxl.load_workbook(_template(tmp_path, "2019"))
    ws = wb["表二"]
    rule = {}
    for dv in ws.data_validations.dataValidation:
        ref = str(dv.sqref)
        kind = next(c.kind for c in spec.get_format("2019").table(T2).cells
                    if input_cell(ws, T2, c.row, c.column).coordinate == ref)
        rule.setdefault(kind, (ref, dv.formula1))
    assert set(rule) == {spec.Kind.COUNT, spec.Kind.SIGNED, spec.Kind.MONEY}
    scratch = openpyxl.Workbook()
    sheet = scratch.active
    kinds = (spec.Kind.COUNT, spec.Kind.SIGNED, spec.Kind.MONEY)
    for i, (value, *_) in enumerate(TYPED, start=1):
        sheet.cell(i, 1, value)
        for j, kind in enumerate(kinds, start=2):
            ref, formula = rule[kind]
            sheet.cell(i, j, "=" + re.sub(rf"\b{ref}\b", f"A{i}", formula))
    scratch.save(tmp_path / "rules.xlsx")
    computed = openpyxl.load_workbook(office(tmp_path / "rules.xlsx", "xlsx", tmp_path / "computed"), data_only=True).active
    for i, (value, *wanted) in enumerate(TYPED, start=1):
        got = [computed.cell(i, j).value for j in range(2, 2 + len(kinds))]
        assert got == wanted, (value, got)


def _template(tmp_path: Path, version: str) -> Path:
    path = tmp_path / f"xlsx-template-{version}.xlsx"
    write_template(path, version, YEAR[version])
    return path


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("version", spec.VERSIONS)
def test_the_blank_template_prints_on_a4_landscape_with_every_label(tmp_path, office, version):
    from pypdf import PdfReader

    pdf = office(_template(tmp_path, version), "pdf", tmp_path / "pdf")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    kept = SCREENSHOTS / pdf.name
    shutil.copyfile(pdf, kept)  # for a person to look at
    pages = PdfReader(str(kept)).pages
    for page in pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - 842) < 2 and abs(height - 595) < 2, (width, height)  # A4 (297 × 210 mm) landscape
    texts = [_squeeze(page.extract_text()) for page in pages]
    everything = "".join(texts)
    fmt = spec.get_format(version)
    labels = {c.row for c in fmt.cells() if c.row} | {c.column for c in fmt.cells()}
    labels |= {p.caption for t in fmt.tables for p in t.parts if p.caption} | {"申请人情况", "法人或其他组织", "行政诉讼"}
    for label in labels:
        assert _squeeze(label) in everything, label
    assert f"{YEAR[version]}年度报告" in everything and f"{version}年版格式" in everything
    # Fit to width: a page of table 三 has its every column; table 四's fifteen columns share one page.
    for text in texts:
        if _squeeze(spec.CARRIED_OUT) in text or _squeeze(spec.NEW) in text:
            assert all(_squeeze(c) in text for c in spec.T3_DATA_COLUMNS)
    assert any(t.count("结果维持") == 3 and t.count("尚未审结") == 3 for t in texts)
