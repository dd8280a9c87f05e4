"""The PDF and Word readers of ``xxgk import``: every paragraph in reading order, every table as a
grid with merged cells copied over the positions they cover, each with where it was found.

PDFs are the kit's own (``render(..., to="pdf")`` through Chromium, skipped without it, failing
under CI) and pages built here (a scan made with Pillow, an encrypted or cut-short file); Word
documents are built here with python-docx the way offices make them (merged header cells, a
vertically merged group label, a label typed over two paragraphs, a table inside a table)."""

from __future__ import annotations

import csv
import functools
import os
import re
import shutil
import sys
import time
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from PIL import Image, ImageDraw
from pypdf import PdfWriter

from xxgk import browser, spec
from xxgk.importer import sources
from xxgk.importer._cjk import RADICALS, fold_radicals, join
from xxgk.importer.document import Document, Grid, SourceError
from xxgk.importer.docx_source import read as read_docx
from xxgk.importer.pdf_source import read as read_pdf

REPO = Path(__file__).resolve().parents[1]
SEED = ("红旗满族乡", 2020)
SAMPLE_2021 = ("示例镇", 2021)
REPORTS = {"seed-2019-format": (*SEED, spec.V2019), "sample-2021-format": (*SAMPLE_2021, spec.V2021)}


def under_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def chromium_ready() -> bool:
    """For the fixtures that print: whether Chromium can; under CI (which installs it) its absence
    fails here."""
    problem = browser.missing()
    if problem and under_ci():
        pytest.fail(f"CI=true and {problem}", pytrace=False)
    return problem is None


def needs_chromium(test):
    """Skips the test without Chromium.  The skip is raised here, not in a fixture (pytest reports a
    fixture's skip at each test), so that every such test folds into one summary line naming what
    to install, as tests/browser's do."""
    @functools.wraps(test)
    def run(*args, **kwargs):
        problem = browser.missing()
        if problem:
            pytest.skip(problem)
        return test(*args, **kwargs)

    return run


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def all_texts(document: Document) -> list[str]:
    return [p.text for p in document.paragraphs] + [t for g in document.grids for row in g.cells for t in row]


# --- the kit's own PDFs -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> dict[str, Path] | None:
    if not chromium_ready():
        return None
    from xxgk.render import render

    root = tmp_path_factory.mktemp("printed")
    for name in ("data", "params"):
        shutil.copytree(REPO / name, root / name)
    out = {}
    for key, (township, year, _) in REPORTS.items():
        result = render(root, township, year, publish=True, to="pdf")
        assert result.ok and result.pdf_path, result.error
        out[key] = result.pdf_path
    out["root"] = root
    return out


@pytest.fixture(scope="module")
def read_reports(printed) -> dict[str, Document] | None:
    return {key: read_pdf(printed[key]) for key in REPORTS} if printed else None


def csv_values(township: str, year: int) -> dict[tuple[str, str, str], str]:
    with (REPO / "data" / str(year) / f"{township}.csv").open(encoding="utf-8-sig", newline="") as fh:
        return {(r["table"], r["row"], r["column"]): r["value"].strip() for r in csv.DictReader(fh)}


def table_parts(document: Document, label: str) -> list[Grid]:
    """The grids of the table whose first part prints ``label``, continuation parts included."""
    first = next(g for g in document.grids if any(label in row for row in g.cells))
    return [g for g in document.grids if g.where.table == first.where.table]


def printed_figures(document: Document, version: str) -> dict[tuple[str, str, str], str]:
    """What the PDF prints in each data cell of tables 二, 三 and 四, found by the labels in the grid
    (row label in the row, column label in the header above): the reader's grids, read plainly."""
    fmt = spec.get_format(version)
    found: dict[tuple[str, str, str], str] = {}
    t2_rows = set(fmt.table(spec.TABLE_2).data_rows)
    for grid in table_parts(document, spec.T2_CORNER):
        for r, row in enumerate(grid.cells):
            if row[0] in t2_rows:
                header = max(h for h in range(r) if grid.at(h, 0) == spec.T2_CORNER)
                for c in range(1, grid.width):
                    if grid.at(header, c):
                        found[(spec.TABLE_2, row[0], grid.at(header, c))] = grid.at(r, c)
    parts = table_parts(document, spec.APPLICANTS)
    head = parts[0]
    columns = {c: head.at(2, c) for c in range(head.width) if head.at(2, c) in spec.T3_DATA_COLUMNS}
    t3_rows = fmt.table(spec.TABLE_3).data_rows
    for grid in parts:
        assert grid.width == head.width, "a continuation of table 三 has other columns than its first part"
        for r, row in enumerate(grid.cells):
            labels = [t for t in row[:3] if t in t3_rows]
            if labels:
                for c, column in columns.items():
                    found[(spec.TABLE_3, labels[-1], column)] = grid.at(r, c)
    t4 = table_parts(document, spec.REVIEW)[-1]
    last = t4.cells[-1]
    for (row, column), text in zip([(r, c) for r in spec.T4_DATA_ROWS for c in spec.T4_DATA_COLUMNS], last):
        found[(spec.TABLE_4, row, column)] = text
    return found


def figure_matches(printed_text: str, value: str) -> bool:
    """As test_pdf reads it: the CSV's figure as written (money perhaps with its unit); a blank cell
    prints nothing, or the total the kit computes for it."""
    if value == "":
        return printed_text == "" or re.fullmatch(r"[-+]?\d+(?:\.\d+)?", printed_text) is not None
    if value in ("/", "—"):
        return printed_text == "/"
    return printed_text in (value, f"{value} 万元", f"{value}万元")


@pytest.mark.parametrize("key", list(REPORTS))
@needs_chromium
def test_kit_pdf_tables_hold_every_label_and_figure_in_its_cell(read_reports, key):
    township, year, version = REPORTS[key]
    document = read_reports[key]
    fmt = spec.get_format(version)
    # Three tables, perhaps in more grids where a page breaks them.
    assert len({g.where.table for g in document.grids}) == 3
    assert all(g.where.page and g.where.table for g in document.grids)
    cells = {t for g in table_parts(document, spec.APPLICANTS) for row in g.cells for t in row}
    assert [label for label in fmt.table(spec.TABLE_3).data_rows if label not in cells] == []
    found = printed_figures(document, version)
    values = csv_values(township, year)
    wrong = {key: (found.get(key), value) for key, value in values.items()
             if not figure_matches(found.get(key, "<not found>"), value)}
    assert wrong == {}
    assert len(found) == len(list(fmt.cells()))


@needs_chromium
def test_kit_pdf_seed_procurement_row(read_reports):
    found = printed_figures(read_reports["seed-2019-format"], spec.V2019)
    assert found[(spec.TABLE_2, "政府集中采购", "采购项目数量")] == "9"
    assert found[(spec.TABLE_2, "政府集中采购", "采购总金额")] == "6874.6408 万元"


@pytest.mark.parametrize("key", list(REPORTS))
@needs_chromium
def test_kit_pdf_merged_header_cells_are_copied_with_their_origin(read_reports, key):
    grid = table_parts(read_reports[key], spec.APPLICANTS)[0]
    start = grid.cells[0].index(spec.APPLICANTS)
    assert grid.cells[0][start:] == [spec.APPLICANTS] * 7
    assert not grid.is_copy(0, start)
    assert all(grid.origin[(0, c)] == (0, start) for c in range(start + 1, start + 7))
    legal = grid.cells[1].index(spec.LEGAL)
    assert grid.cells[1][legal:legal + 5] == [spec.LEGAL] * 5 and grid.origin[(1, legal + 4)] == (1, legal)
    assert grid.cells[2][legal:legal + 5] == [spec.BIZ, spec.SCI, spec.NPO, spec.LAW, spec.OTH]
    # The footnote cell covers three rows and the three label columns; 自然人 and 总计 two rows.
    assert {grid.at(r, c) for r in range(3) for c in range(start)} == {spec.T3_FOOTNOTE}
    assert grid.at(2, legal - 1) == spec.NATURAL and grid.origin[(2, legal - 1)] == (1, legal - 1)
    assert grid.at(2, grid.width - 1) == spec.TOTAL and grid.is_copy(2, grid.width - 1)
    # A wrapped header cell reads as one label: 商业企 / 业 is 商业企业.
    assert spec.BIZ in grid.cells[2]
    # The group label 三、本年度办理结果 stands beside each of its rows (in the part that has them:
    # the 2021 sample's header ends page 1, its rows fill page 2).
    body = next(g for g in table_parts(read_reports[key], spec.APPLICANTS) if any(spec.RESULTS in row for row in g.cells))
    results = [r for r in range(body.height) if body.at(r, 0) == spec.RESULTS]
    assert len(results) > 10 and all(body.origin[(r, 0)] == (results[0], 0) for r in results[1:])


@pytest.mark.parametrize("key", list(REPORTS))
@needs_chromium
def test_kit_pdf_paragraphs_in_reading_order(read_reports, printed, key):
    township, year, _ = REPORTS[key]
    document = read_reports[key]
    import yaml

    params = yaml.safe_load((REPO / "params" / township / f"{year}.yaml").read_text(encoding="utf-8"))
    texts = [p.text for p in document.paragraphs]
    assert document.title == params["title"]
    assert texts[0] == params["title"] and document.paragraphs[0].heading
    positions = [texts.index(heading) for heading in spec.SECTIONS]
    assert positions == sorted(positions)
    assert all(document.paragraphs[i].heading for i in positions)
    # Tables sit after their section's heading, before the next one.
    order = [("P", b.text) if not isinstance(b, Grid) else ("G", b.where.table) for b in document.blocks]
    section_at = [order.index(("P", h)) for h in spec.SECTIONS]
    grids_at = [i for i, (kind, _) in enumerate(order) if kind == "G"]
    assert section_at[1] < min(grids_at) and max(grids_at) < section_at[4]
    body = params["body"]
    date = params["publish_date"]
    written = f"{date.year}年{date.month}月{date.day}日"
    assert texts[texts.index(body) + 1] == written
    # Page numbers are furniture, not paragraphs.
    assert not [t for t in texts if re.fullmatch(r"\d+", t)]
    # Each paragraph of the params file is one paragraph of the PDF, however many lines it took
    # (those with a {{placeholder}} print a figure in its place).
    written = [part.strip() for key in ("overview", "problems") for part in params[key].split("\n\n")]
    written = [part for part in written if part and "{{" not in part and "<" not in part]
    assert written and [part for part in written if part not in texts] == []


@needs_chromium
def test_kit_pdf_seed_signature(read_reports):
    texts = [p.text for p in read_reports["seed-2019-format"].paragraphs]
    at = texts.index("红旗满族乡人民政府")
    assert texts[at + 1] == "2021年1月26日"


@pytest.mark.parametrize("key", list(REPORTS))
@needs_chromium
def test_kit_pdf_has_no_radicals_left(read_reports, key):
    radicals = [t for t in all_texts(read_reports[key]) if re.search("[\u2e80-\u2fdf]", t)]
    assert radicals == []


@needs_chromium
def test_radicals_are_read_as_chromium_says_they_are(printed):
    """Chromium marks every glyph whose ToUnicode entry is a radical with the ideograph it shows
    (/ActualText); the reader's fold agrees with every one of them, NFKC alone would not."""
    sys.path.insert(0, str(REPO / "tests" / "browser"))
    try:
        from pdf_text import actual_text_map
    finally:
        sys.path.pop(0)
    from pypdf import PdfReader

    pairs: dict[str, str] = {}
    for key in REPORTS:
        for page in PdfReader(printed[key]).pages:
            pairs.update(actual_text_map(page))
    pairs = {shown: actual for shown, actual in pairs.items() if re.fullmatch("[\u2e80-\u2fdf]+", shown)}
    assert len(pairs) > 10, "the PDFs show no radicals: this test checks nothing"
    assert {shown: fold_radicals(shown) for shown in pairs} == pairs
    import unicodedata

    assert any(unicodedata.normalize("NFKC", shown) != actual for shown, actual in pairs.items())


@needs_chromium
def test_kit_pdf_reads_in_seconds(printed):
    started = time.perf_counter()
    read_pdf(printed["seed-2019-format"])
    assert time.perf_counter() - started < 30


PAGE_BREAKS = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>测试县2020年政府信息公开年度报告</title>
<style>
@page {{ size: A4; margin: 25mm 20mm;
  @top-center {{ content: "测试县人民政府办公室"; font-size: 9pt; }}
  @bottom-center {{ content: "— " counter(page) " —"; font-size: 9pt; }} }}
body {{ margin: 0; font-family: "Noto Serif CJK SC", serif; font-size: 12pt; line-height: 1.8; }}
h2 {{ font-family: "Noto Sans CJK SC", sans-serif; font-size: 14pt; margin: 6pt 0; }}
p {{ margin: 0; text-indent: 2em; text-align: justify; }}
.spacer {{ height: {spacer}mm; }}
table {{ border-collapse: collapse; width: 100%; margin-top: 6pt; }}
td {{ border: 1px solid #000; padding: 3pt 4pt; font-size: 10pt; }}
</style></head><body>
<h2>一、总体情况</h2>
<div class="spacer"></div>
<p>{long}</p>
<p>{short}</p>
<table>
<tr><td rowspan="2" colspan="2">项目</td><td colspan="3">申请人情况</td></tr>
<tr><td>自然人</td><td>法人或其他组织</td><td>总计</td></tr>
{rows}
</table>
<p>表格之后的段落。</p>
</body></html>"""
LONG = ("本段落跨越两页，" * 4 + "用于检验读取器能否把被分页截断的段落重新接为一段；") * 4 + "段落到此结束。"
SHORT = "第二段很短，从新的一行开始，首行缩进。"


def page_break_rows(n: int) -> str:
    rows = []
    for i in range(1, n + 1):
        group = f'<td rowspan="{n}">三、本年度办理结果</td>' if i == 1 else ""
        rows.append(f"<tr>{group}<td>第{i}项</td><td>{i}</td><td>{i * 10}</td><td>{i * 11}</td></tr>")
    return "\n".join(rows)


@pytest.fixture(scope="module")
def page_breaks(tmp_path_factory) -> Path | None:
    if not chromium_ready():
        return None
    from xxgk import pdf as xxgk_pdf

    folder = tmp_path_factory.mktemp("breaks")
    html = folder / "breaks.html"
    html.write_text(PAGE_BREAKS.format(spacer=205, long=LONG, short=SHORT, rows=page_break_rows(40)), encoding="utf-8")
    return xxgk_pdf.print_pdf(html, folder / "breaks.pdf")


@needs_chromium
def test_a_paragraph_cut_by_a_page_break_is_one_paragraph(page_breaks):
    import pdfplumber

    with pdfplumber.open(page_breaks) as pdf:
        assert "段落到此结束" in squeeze(pdf.pages[1].extract_text()), "the paragraph did not break across pages: set-up failed"
        assert "段落到此结束" not in squeeze(pdf.pages[0].extract_text())
    document = read_pdf(page_breaks)
    texts = [p.text for p in document.paragraphs]
    assert texts[:3] == ["一、总体情况", LONG, SHORT]
    assert document.paragraphs[1].where.page == 1
    assert texts[-1] == "表格之后的段落。"


@needs_chromium
def test_running_header_and_page_numbers_are_dropped(page_breaks):
    texts = all_texts(read_pdf(page_breaks))
    assert not [t for t in texts if "测试县人民政府办公室" in t or re.search(r"—\s*\d+\s*—", t)]


@needs_chromium
def test_a_table_cut_by_a_page_break_comes_as_parts_with_its_columns(page_breaks):
    document = read_pdf(page_breaks)
    parts = document.grids
    assert len(parts) >= 2, "the table did not break across pages: set-up failed"
    assert len({g.where.table for g in parts}) == 1 and [g.where.page for g in parts] == sorted({g.where.page for g in parts})
    assert len({g.width for g in parts}) == 1
    head = parts[0]
    assert head.cells[0][2:] == ["申请人情况"] * 3 and head.cells[1][2:] == ["自然人", "法人或其他组织", "总计"]
    rows = [row for g in parts for row in g.cells if re.fullmatch(r"第\d+项", row[1])]
    assert [row[1] for row in rows] == [f"第{i}项" for i in range(1, 41)]
    assert all(row[2:] == [str(i), str(i * 10), str(i * 11)] for i, row in enumerate(rows, start=1))
    # The part on the next page has no header of its own: the header of the first part names its columns.
    assert not any("申请人情况" in row for g in parts[1:] for row in g.cells)
    # The group label the break cut stands beside its rows on both pages.
    assert all(row[0] == "三、本年度办理结果" for row in rows)


@needs_chromium
def test_kit_table_broken_with_its_header_repeated(printed, tmp_path):
    """Table 三 made taller than a page (as tests/browser/test_pdf does): each part repeats the
    header, a group label cut by the page break leaves no row printed twice."""
    from xxgk import pdf as xxgk_pdf

    html = (printed["root"] / "output" / "2020" / "published" / "红旗满族乡.html").read_text(encoding="utf-8")
    tall = html.replace("</head>", '<style>@media print { table[data-table="三"] tbody tr { height: 12mm; } }</style></head>', 1)
    page = tmp_path / "tall.html"
    page.write_text(tall, encoding="utf-8")
    document = read_pdf(xxgk_pdf.print_pdf(page, tmp_path / "tall.pdf"))
    parts = table_parts(document, spec.APPLICANTS)
    assert len(parts) >= 2 and len({g.width for g in parts}) == 1
    labels = [t for g in parts for row in g.cells for t in dict.fromkeys(row[:3]) if t in spec.get_format(spec.V2019).table(spec.TABLE_3).data_rows]
    rows = [label for label in dict.fromkeys(labels)]
    assert rows == list(spec.get_format(spec.V2019).table(spec.TABLE_3).data_rows)
    per_row = [sum(1 for g in parts for row in g.cells if label in row[:3] and row[3:] and row[3] != label) for label in rows]
    assert per_row == [1] * len(rows), "a row is printed twice"
    assert all(spec.APPLICANTS in g.cells[0] for g in parts)
    found = printed_figures(document, spec.V2019)
    values = csv_values(*SEED)
    assert all(figure_matches(found[k], v) for k, v in values.items() if k[0] == spec.TABLE_3)


@needs_chromium
def test_owner_password_only_pdf_is_read(printed, read_reports, tmp_path):
    """Many published PDFs forbid copying with an owner password and no user password: they open
    without one, and the reader reads them as any other."""
    locked = tmp_path / "locked.pdf"
    writer = PdfWriter(clone_from=printed["seed-2019-format"])
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-256")
    writer.write(locked)
    assert read_pdf(locked).blocks == read_reports["seed-2019-format"].blocks


@needs_chromium
def test_kit_pdf_cut_in_half_is_corrupt(printed, tmp_path):
    data = printed["seed-2019-format"].read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(SourceError) as e:
        read_pdf(cut)
    assert e.value.variant == "corrupt" and e.value.args_["reason"]


# --- PDFs that are not a report's text -------------------------------------------------------------

def scan_pdf(path: Path, pages: int = 2) -> Path:
    """Pages that are only pictures: a table's ruling and some marks, as a scanner would give them."""
    images = []
    for n in range(pages):
        im = Image.new("RGB", (1240, 1754), "white")
        draw = ImageDraw.Draw(im)
        draw.text((560, 120), f"REPORT {n + 1}", fill="black")
        for y in range(300, 1300, 60):
            draw.line((120, y, 1120, y), fill="black", width=2)
        for x in (120, 420, 620, 820, 1120):
            draw.line((x, 300, x, 1260), fill="black", width=2)
        images.append(im)
    images[0].save(path, "PDF", resolution=150, save_all=True, append_images=images[1:])
    return path


def blank_pdf(path: Path, *, password: str | None = None) -> Path:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    if password is not None:
        writer.encrypt(user_password=password, owner_password="owner", algorithm="AES-256")
    writer.write(path)
    return path


def test_scan_has_no_text_layer(tmp_path):
    with pytest.raises(SourceError) as e:
        read_pdf(scan_pdf(tmp_path / "scan.pdf"))
    assert e.value.variant == "scan"


def test_blank_pages_are_empty(tmp_path):
    with pytest.raises(SourceError) as e:
        read_pdf(blank_pdf(tmp_path / "blank.pdf"))
    assert e.value.variant == "empty"


@pytest.mark.parametrize("algorithm", ["AES-256", "RC4-128"])
def test_password_protected_pdf_is_encrypted(tmp_path, algorithm):
    path = tmp_path / "secret.pdf"
    writer = PdfWriter(clone_from=scan_pdf(tmp_path / "scan.pdf"))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm=algorithm)
    writer.write(path)
    with pytest.raises(SourceError) as e:
        read_pdf(path)
    assert e.value.variant == "encrypted"


def test_truncated_pdf_is_corrupt(tmp_path):
    data = scan_pdf(tmp_path / "scan.pdf").read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(SourceError) as e:
        read_pdf(cut)
    assert e.value.variant == "corrupt"


@pytest.mark.parametrize("content, variant", [
    (b"", "empty"),
    (b"  \n", "empty"),
    ("这不是 PDF，只是改了扩展名的文本。\n".encode(), "corrupt"),
    (b"<html><body>404 Not Found</body></html>", "corrupt"),
    (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n", "corrupt"),
])
def test_not_a_pdf(tmp_path, content, variant):
    path = tmp_path / "x.pdf"
    path.write_bytes(content)
    with pytest.raises(SourceError) as e:
        read_pdf(path)
    assert e.value.variant == variant


def test_unreadable_pdf(tmp_path):
    with pytest.raises(SourceError) as e:
        read_pdf(tmp_path / "missing.pdf")
    assert e.value.variant == "unreadable"


# --- Word documents ----------------------------------------------------------------------------------

def merge(table, r0: int, c0: int, r1: int, c1: int, *paragraphs: str):
    """Merge a rectangle as Word does (gridSpan across, vMerge down) and type its text, one
    paragraph per argument."""
    cell = table.cell(r0, c0)
    if (r1, c1) != (r0, c0):
        cell = cell.merge(table.cell(r1, c1))
    cell.text = paragraphs[0] if paragraphs else ""
    for extra in paragraphs[1:]:
        cell.add_paragraph(extra)
    return cell


def tree_boxes(nodes, depth: int, axis: str) -> list[tuple[int, int, int, int, str]]:
    """(r0, c0, r1, c1, label) of each header node of a tree laid out as the official table does:
    a group over (or beside) its leaves, a leaf running to the last header row (label column)."""
    boxes: list[tuple[int, int, int, int, str]] = []

    def place(node, level: int, start: int) -> None:
        span = len(list(node.leaves()))
        last = level if node.is_group else depth - 1
        if axis == "column":
            boxes.append((level, start, last, start + span - 1, node.label))
        else:
            boxes.append((start, level, start + span - 1, last, node.label))
        at = start
        for child in node.children:
            place(child, level + 1, at)
            at += len(list(child.leaves()))

    at = 0
    for node in nodes:
        place(node, 0, at)
        at += len(list(node.leaves()))
    return boxes


def table_3(document, version: str):
    """Table 三 as an office types it: three header rows, three label columns, every merge Word makes."""
    part = spec.get_format(version).table(spec.TABLE_3).parts[0]
    header_rows = max(n.depth() for n in part.columns)
    label_cols = max(n.depth() for n in part.rows)
    leaves = part.row_leaves()
    width = label_cols + len(part.column_leaves())
    table = document.add_table(rows=header_rows + len(leaves), cols=width)
    table.style = "Table Grid"
    boxes = [(0, 0, header_rows - 1, label_cols - 1, part.corner)]
    boxes += [(r0, c0 + label_cols, r1, c1 + label_cols, t) for r0, c0, r1, c1, t in tree_boxes(part.columns, header_rows, "column")]
    boxes += [(r0 + header_rows, c0, r1 + header_rows, c1, t) for r0, c0, r1, c1, t in tree_boxes(part.rows, label_cols, "row")]
    for box in boxes:
        merge(table, *box)
    for r in range(len(leaves)):
        for c in range(width - label_cols):
            table.cell(header_rows + r, label_cols + c).text = str(100 * r + c)
    return table, boxes, header_rows, label_cols


def bold_paragraph(document, text: str, *, east_asia: str | None = None, bold: bool = True):
    p = document.add_paragraph()
    run = p.add_run(text)
    if east_asia:
        run._r.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asia)
    else:
        run.bold = bold
    return p


def office_docx(path: Path, version: str = spec.V2019):
    d = docx.Document()
    d.core_properties.title = "红旗满族乡2020年政府信息公开年度报告"
    d.add_heading("红旗满族乡2020年政府信息公开年度报告", level=0)
    d.add_paragraph("　　为贯彻落实《中华人民共和国政府信息公开条例》，现发布本报告。")
    d.add_heading("一、总体情况", level=1)
    d.add_paragraph("2020年，我乡政府信息公开工作运行正常。")
    bold_paragraph(d, "二、主动公开政府信息情况")
    t2 = d.add_table(rows=5, cols=4)
    t2.style = "Table Grid"
    merge(t2, 0, 0, 0, 3, "第二十条第（一）项")
    for c, paragraphs in enumerate([("信息内容",), ("本年新", "制作数量"), ("本年新公开数量",), ("对外公开总数量",)]):
        merge(t2, 1, c, 1, c, *paragraphs)
    for c, text in enumerate(["规章", "0", "0", "0"]):
        t2.cell(2, c).text = text
    merge(t2, 3, 0, 3, 3, "第二十条第（九）项")
    for c, paragraphs in enumerate([("政府集中采购",), ("9",), ("6874.6408", "万元"), ("",)]):
        merge(t2, 4, c, 4, c, *paragraphs)
    bold_paragraph(d, "三、收到和处理政府信息公开申请情况", east_asia="黑体")
    t3 = table_3(d, version)
    d.add_heading("四、政府信息公开行政复议、行政诉讼情况", level=1)
    frame = d.add_table(rows=1, cols=1)
    frame.cell(0, 0).text = "附表"
    inner = frame.cell(0, 0).add_table(rows=2, cols=3)
    merge(inner, 0, 0, 0, 1, "行政复议")
    inner.cell(0, 2).text = "行政诉讼"
    for c, text in enumerate(["1", "2", "3"]):
        inner.cell(1, c).text = text
    d.add_heading("五、存在的主要问题及改进情况", level=1)
    d.add_paragraph("（一）存在问题。信息公开存在内容不全等问题。")
    p = d.add_paragraph()
    run = p.add_run("六、其他需要报告的事项")
    run.bold = True
    run.add_break()
    p.add_run("本年度未收取信息处理费。")
    d.add_paragraph("红旗满族乡人民政府").alignment = 2
    d.add_paragraph("2021年1月26日").alignment = 2
    d.save(path)
    return t3


@pytest.fixture(scope="module")
def word_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("word") / "report.docx"
    return path, office_docx(path)


@pytest.fixture(scope="module")
def word(word_file):
    path, (_, boxes, header_rows, label_cols) = word_file
    return read_docx(path), boxes, header_rows, label_cols


def test_docx_blocks_in_body_order(word):
    document, *_ = word
    shape = [("G", b.where.table) if isinstance(b, Grid) else ("H" if b.heading else "P", b.text) for b in document.blocks]
    assert shape == [
        ("H", "红旗满族乡2020年政府信息公开年度报告"),
        ("P", "为贯彻落实《中华人民共和国政府信息公开条例》，现发布本报告。"),
        ("H", "一、总体情况"),
        ("P", "2020年，我乡政府信息公开工作运行正常。"),
        ("H", "二、主动公开政府信息情况"),  # a bold line in the Normal style
        ("G", 1),
        ("H", "三、收到和处理政府信息公开申请情况"),  # set in 黑体
        ("G", 2),
        ("H", "四、政府信息公开行政复议、行政诉讼情况"),
        ("G", 3),
        ("G", 4),  # the table nested in table 3's cell
        ("H", "五、存在的主要问题及改进情况"),
        ("P", "（一）存在问题。信息公开存在内容不全等问题。"),
        ("H", "六、其他需要报告的事项"),  # Shift+Enter parted it from its text
        ("P", "本年度未收取信息处理费。"),
        ("P", "红旗满族乡人民政府"),
        ("P", "2021年1月26日"),
    ]
    assert document.title == "红旗满族乡2020年政府信息公开年度报告"
    assert all(b.where.page is None for b in document.blocks)


def test_docx_table_3_merges_are_expanded_with_origins(word):
    document, boxes, header_rows, label_cols = word
    grid = document.grids[1]
    fmt = spec.get_format(spec.V2019).table(spec.TABLE_3)
    assert (grid.height, grid.width) == (header_rows + len(fmt.data_rows), label_cols + 7)
    for r0, c0, r1, c1, label in boxes:
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                assert grid.at(r, c) == label, (r, c, label)
                assert grid.origin.get((r, c), (r, c)) == (r0, c0)
    assert grid.cells[0][label_cols:] == [spec.APPLICANTS] * 7
    assert grid.cells[1][label_cols + 1:label_cols + 6] == [spec.LEGAL] * 5
    results = [r for r in range(grid.height) if grid.at(r, 0) == spec.RESULTS]
    assert len(results) == 20 and grid.at(results[0], 1) == spec.GRANTED
    withheld = [r for r in range(grid.height) if grid.at(r, 1) == spec.WITHHELD]
    assert len(withheld) == 8 and [grid.at(r, 2) for r in withheld] == list(spec.get_format(spec.V2019).leaves_under(spec.TABLE_3, "row", "withheld"))
    # Figures stay where they were typed.
    for r, label in enumerate(fmt.data_rows):
        row = header_rows + r
        assert grid.cells[row][label_cols:] == [str(100 * r + c) for c in range(7)]
        assert label in grid.cells[row][:label_cols]
        assert not any(grid.is_copy(row, c) for c in range(label_cols, grid.width))


def test_docx_cell_paragraphs_join_without_inserting(word):
    document, *_ = word
    t2 = document.grids[0]
    assert t2.cells[1] == ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"]
    assert t2.cells[0] == ["第二十条第（一）项"] * 4 and t2.origin[(0, 3)] == (0, 0)
    assert t2.cells[4][:3] == ["政府集中采购", "9", "6874.6408万元"]


def test_docx_nested_table_is_a_grid_of_its_own(word):
    document, *_ = word
    frame, inner = document.grids[2], document.grids[3]
    assert frame.cells == [["附表"]]
    assert inner.cells == [["行政复议", "行政复议", "行政诉讼"], ["1", "2", "3"]]
    assert inner.origin == {(0, 1): (0, 0)} and inner.where.table == 4


def test_docx_2021_table_3(tmp_path):
    path = tmp_path / "r2021.docx"
    office_docx(path, spec.V2021)
    grid = read_docx(path).grids[1]
    rows = spec.get_format(spec.V2021).table(spec.TABLE_3).data_rows
    assert len([r for r in range(grid.height) if grid.at(r, 0) == spec.RESULTS]) == 22
    assert [label for label in rows if not any(label in row for row in grid.cells)] == []


def test_docx_rows_starting_after_the_first_column(tmp_path):
    """A row that starts at the second grid column (w:gridBefore) keeps its cells under their columns."""
    d = docx.Document()
    t = d.add_table(rows=2, cols=3)
    for c, text in enumerate(["甲", "乙", "丙"]):
        t.cell(0, c).text = text
    row = t.rows[1]._tr
    row.remove(row.tc_lst[0])
    row.get_or_add_trPr().append(parse_xml(f'<w:gridBefore {nsdecls("w")} w:val="1"/>'))
    row.tc_lst[0].clear_content()
    row.tc_lst[0].append(parse_xml(f'<w:p {nsdecls("w")}><w:r><w:t>2</w:t></w:r></w:p>'))
    row.tc_lst[1].clear_content()
    row.tc_lst[1].append(parse_xml(f'<w:p {nsdecls("w")}><w:r><w:t>3</w:t></w:r></w:p>'))
    path = tmp_path / "before.docx"
    d.save(path)
    assert read_docx(path).grids[0].cells == [["甲", "乙", "丙"], ["", "2", "3"]]


def test_docx_text_as_the_page_shows_it(tmp_path):
    """Inserted text and hyperlinks are read; deleted text, text boxes and field codes are not."""
    d = docx.Document()
    p = d.add_paragraph("本年度")
    p._p.append(parse_xml(f'<w:ins {nsdecls("w")} w:id="1" w:author="a"><w:r><w:t>新收</w:t></w:r></w:ins>'))
    p._p.append(parse_xml(f'<w:del {nsdecls("w")} w:id="2" w:author="a"><w:r><w:delText>删除的</w:delText></w:r></w:del>'))
    p._p.append(parse_xml(f'<w:hyperlink {nsdecls("w")}><w:r><w:t>申请</w:t></w:r></w:hyperlink>'))
    p._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="begin"/></w:r>'))
    p._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:instrText> PAGE </w:instrText></w:r>'))
    p._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="end"/></w:r>'))
    p._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml"><v:textbox>'
                          f'<w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r>'))
    p.add_run("18件")
    d.add_paragraph("   ")
    path = tmp_path / "revisions.docx"
    d.save(path)
    assert [b.text for b in read_docx(path).blocks] == ["本年度新收申请18件"]


def test_empty_docx(tmp_path):
    path = tmp_path / "blank.docx"
    docx.Document().save(path)
    with pytest.raises(SourceError) as e:
        read_docx(path)
    assert e.value.variant == "empty"


@pytest.mark.parametrize("content, variant, says", [
    (b"", "empty", None),
    ("政府信息公开工作年度报告\n一、总体情况\n".encode(), "corrupt", "文本"),
    (b"{\\rtf1\\ansi 2020}", "corrupt", "RTF"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "WordDocument".encode("utf-16-le"), "corrupt", ".doc"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le"), "encrypted", None),
    (b"PK\x03\x04" + b"\x00" * 40, "corrupt", None),
])
def test_not_a_docx(tmp_path, content, variant, says):
    path = tmp_path / "x.docx"
    path.write_bytes(content)
    with pytest.raises(SourceError) as e:
        read_docx(path)
    assert e.value.variant == variant
    if says:
        assert says in e.value.args_["reason"]


def test_docx_cut_short_or_without_a_document_part(word_file, tmp_path):
    data = word_file[0].read_bytes()
    cut = tmp_path / "cut.docx"
    cut.write_bytes(data[: len(data) // 2])
    import zipfile

    workbook = tmp_path / "book.docx"
    with zipfile.ZipFile(workbook, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        z.writestr("xl/workbook.xml", "<workbook/>")
    for path, says in ((cut, "压缩包不完整"), (workbook, "没有 Word 正文")):
        with pytest.raises(SourceError) as e:
            read_docx(path)
        assert e.value.variant == "corrupt" and says in e.value.args_["reason"], path.name


def test_registry_reads_by_suffix(word_file, tmp_path):
    path = tmp_path / "报告.DOCX"
    shutil.copy(word_file[0], path)
    assert sources.read(path).grids[0].where.table == 1
    with pytest.raises(SourceError) as e:
        sources.read(scan_pdf(tmp_path / "scan.PDF"))
    assert e.value.variant == "scan"


# --- text helpers ------------------------------------------------------------------------------------

def test_join_puts_nothing_between_chinese_and_a_space_between_words():
    assert join(["本年新", "制作数量"], digits_apart=False) == "本年新制作数量"
    assert join(["6874.6408", "万元"], digits_apart=False) == "6874.6408万元"
    assert join(["Annual", "report"], digits_apart=False) == "Annual report"
    assert join(["1234", "56"], digits_apart=False) == "123456"  # a figure a narrow cell wrapped
    assert join(["12", "34"], digits_apart=True) == "12 34"  # two paragraphs typed apart
    assert join(["  三、", "", "本年度办理结果 "], digits_apart=False) == "三、本年度办理结果"


def test_every_radical_folds_to_an_ideograph():
    assert fold_radicals("⾏政⼈⺠⻔⼾⻰⾭") == "行政人民门户龙青"
    assert all(0x3400 <= ord(v) <= 0x9FFF or 0x20000 <= ord(v) for v in RADICALS.values())
    assert fold_radicals("（一）予以公开：第二十条") == "（一）予以公开：第二十条"  # nothing else changes
