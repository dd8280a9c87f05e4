"""`xxgk render --to docx`: the copy to publish as a Word document, read back with python-docx (and
the XML under it), then opened in a real word processor (LibreOffice Writer, headless).

The seed (2019 format) and the 2021-format sample are rendered once through the command line.
Expected figures come from the data files and the official grid (:mod:`xxgk.layout`), expected
text from the published web page of the same copy.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import docx
import lxml.html
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from typer.testing import CliRunner

from xxgk import spec, writers
from xxgk.cli import app
from xxgk.compose import build_document, chinese_date
from xxgk.html import report_html
from xxgk.layout import grid, matrix
from xxgk.report import build_report
from xxgk.values import format_value
from xxgk.word.package import ZIP_TIME, docx_bytes

PROJECT = Path(__file__).resolve().parents[1]
SCREENSHOTS = PROJECT / "output" / "screenshots"
REPORTS = {"seed-2019-format": ("红旗满族乡", 2020, spec.V2019), "sample-2021-format": ("示例镇", 2021, spec.V2021)}
TABLES = (spec.TABLE_2, spec.TABLE_3, spec.TABLE_4)
#: Everything only a review copy prints: the banner, the panel, the cell marks' words.
REVIEW_WORDS = ("审阅稿", "数据核验", "未填报", "由分项计算", "核验未通过", "【未提供】")
WRITER_PACKAGE = "libreoffice-writer"


def under_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def copy_inputs(root: Path) -> Path:
    for name in ("data", "params"):
        shutil.copytree(PROJECT / name, root / name)
    return root


def published(root: Path, township: str, year: int, suffix: str) -> Path:
    return root / "output" / str(year) / "published" / f"{township}{suffix}"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """Both reports rendered with ``xxgk render --to docx``, as an analyst would."""
    root = copy_inputs(tmp_path_factory.mktemp("docx"))
    runs = {}
    for key, (township, year, _) in REPORTS.items():
        runs[key] = CliRunner().invoke(app, ["render", "--township", township, "--year", str(year), "--root", str(root),
                                             "--to", "docx"])
    return root, runs


class Written:
    def __init__(self, root: Path, key: str):
        self.township, self.year, self.version = REPORTS[key]
        self.key = key
        self.path = published(root, self.township, self.year, ".docx")
        self.doc = docx.Document(str(self.path))
        self.report = build_report(root, self.township, self.year)
        self.page = lxml.html.fromstring(published(root, self.township, self.year, ".html").read_bytes())


@pytest.fixture(params=list(REPORTS), scope="module")
def written(request, rendered) -> Written:
    root, runs = rendered
    result = runs[request.param]
    assert result.exit_code == 0, result.output
    return Written(root, request.param)


def body_texts(doc) -> list[tuple[str, str]]:
    """(style, text) of every paragraph outside tables, in order."""
    return [(p.style.name, p.text) for p in doc.paragraphs]


# --- the command ---------------------------------------------------------------------------------


def test_to_docx_writes_the_published_copy_beside_its_page(rendered):
    root, runs = rendered
    for key, (township, year, _) in REPORTS.items():
        out = runs[key].stdout
        for suffix in (".html", ".docx"):
            assert published(root, township, year, suffix).is_file()
            assert str(published(root, township, year, suffix)) in out
        # --to docx is the copy to publish: the review copy is not written.
        assert not (root / "output" / str(year) / f"{township}.html").exists()


def test_the_to_choices_come_from_the_writers():
    assert {"html", "pdf", "docx"} <= set(writers.names()) and writers.names()[0] == "html"
    assert writers.get("docx").publish and writers.get("docx").suffix == ".docx"
    help_text = CliRunner().invoke(app, ["render", "--help"], env={"COLUMNS": "200"}).stdout
    assert "<html|docx|pdf>" in help_text


def test_docx_is_refused_for_a_report_that_would_print_not_provided(tmp_path):
    root = copy_inputs(tmp_path)
    params = root / "params" / "红旗满族乡" / "2020.yaml"
    params.write_text(re.sub(r"(?ms)^problems: \|.*?(?=^other:)", "", params.read_text(encoding="utf-8")),
                      encoding="utf-8")
    result = CliRunner().invoke(app, ["render", "--township", "红旗满族乡", "--year", "2020", "--root", str(root),
                                      "--to", "docx"])
    assert result.exit_code == 1 and "E-PUBLISH-INCOMPLETE" in result.stderr
    assert "五、存在的主要问题及改进情况" in result.stderr
    assert not (root / "output" / "2020" / "published" / "红旗满族乡.docx").exists()


# --- page and type -------------------------------------------------------------------------------


def test_a4_with_the_official_margins(written):
    (section,) = written.doc.sections
    for got, want in ((section.page_width, 210), (section.page_height, 297), (section.top_margin, 37),
                      (section.bottom_margin, 35), (section.left_margin, 28), (section.right_margin, 26)):
        assert abs(got - Mm(want)) < Mm(0.1), f"{got.mm:.2f} mm, want {want} mm"


def _style_value(style, get):
    while style is not None:
        value = get(style.element)
        if value is not None:
            return value
        style = style.base_style
    return None


def _run_property(tag: str, attr: str):
    def get(el):
        found = el.find(f"{qn('w:rPr')}/{qn(tag)}")
        return found.get(qn(attr)) if found is not None else None
    return get


def east_asia_font(doc, style) -> str | None:
    found = _style_value(style, _run_property("w:rFonts", "w:eastAsia"))
    if found is None:  # the document's default
        found = doc.styles.element.find(f"{qn('w:docDefaults')}//{qn('w:rFonts')}").get(qn("w:eastAsia"))
    return found


def latin_font(style) -> str | None:
    return _style_value(style, _run_property("w:rFonts", "w:ascii"))


def font_size(style) -> str | None:
    return _style_value(style, _run_property("w:sz", "w:val"))


def test_fonts_are_east_asian_fonts_of_the_official_faces_and_sizes(written):
    doc = written.doc
    title, body, h1, table_text = (doc.paragraphs[0].style, doc.styles["Normal"], doc.styles["Heading 1"],
                                   doc.styles["表格文字"])
    assert (east_asia_font(doc, title), font_size(title)) == ("方正小标宋简体", str(22 * 2))
    assert (east_asia_font(doc, body), font_size(body)) == ("仿宋_GB2312", str(16 * 2))
    assert (east_asia_font(doc, h1), font_size(h1)) == ("黑体", str(16 * 2))
    assert east_asia_font(doc, doc.styles["Heading 2"]) == "楷体_GB2312"
    assert east_asia_font(doc, doc.styles["段首小标题"]) == "楷体_GB2312"
    assert (east_asia_font(doc, table_text), font_size(table_text)) == ("仿宋_GB2312", "21")  # 10.5 pt
    for style in (title, body, h1, table_text):
        assert latin_font(style) == "Times New Roman"
    # No run names a font of its own (nor a theme font, which would override the named ones).
    xml = written.path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(xml)) as zf:
        document_xml = zf.read("word/document.xml").decode()
        styles_xml = zf.read("word/styles.xml").decode()
        fonts_xml = zf.read("word/fontTable.xml").decode()
    assert "rFonts" not in document_xml and "Theme" not in styles_xml
    for face in ("方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312", "Times New Roman"):
        assert f'w:name="{face}"' in fonts_xml


def test_lines_exactly_28_pt_apart_first_lines_indented_two_characters(written):
    normal = written.doc.styles["Normal"].paragraph_format
    assert normal.line_spacing_rule == WD_LINE_SPACING.EXACTLY and normal.line_spacing == Pt(28)
    assert normal.first_line_indent == Pt(32)
    assert normal.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    title = written.doc.paragraphs[0]
    assert title.style.name == "Title" and title.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER


# --- what it says --------------------------------------------------------------------------------


def test_title_then_the_six_official_headings_in_order(written):
    paragraphs = body_texts(written.doc)
    assert paragraphs[0] == ("Title", written.page.xpath("//h1")[0].text_content())
    headings = [text for style, text in paragraphs if style == "Heading 1"]
    assert headings == list(spec.get_format(written.version).sections)


def section_paragraphs(doc) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    current = None
    for style, text in body_texts(doc):
        if style == "Heading 1":
            current = out.setdefault(text, [])
        elif current is not None and style not in ("表格标题",):
            current.append(text)
    return out


def test_the_narrative_paragraphs_are_the_pages(written):
    """Each section's paragraphs are the published page's, word for word and in order (the
    preamble too); the last section ends with the signature."""
    doc_sections = section_paragraphs(written.doc)
    for number in (1, 5, 6):
        (section,) = written.page.xpath(f"//section[@id='section-{number}']")
        heading = section.xpath("h2")[0].text_content()
        expected = [p.text_content() for p in section.xpath("p")]
        got = doc_sections[heading][:len(expected)]
        assert got == expected
    preamble = [p.text_content() for p in written.page.xpath("//header[contains(@class,'title-block')]/p")]
    assert [text for _, text in body_texts(written.doc)[1:1 + len(preamble)]] == preamble


def test_a_paragraph_opening_with_a_numbered_heading_runs_it_in_kaiti(written):
    runs = [(p.runs[0].style.name, p.runs[0].text) for p in written.doc.paragraphs
            if p.style.name == "Normal" and p.runs and p.text.startswith("（一）")]
    assert runs and all(style == "段首小标题" and re.fullmatch(r"（一）[^。]+。", text) for style, text in runs)


def test_no_review_text(written):
    with zipfile.ZipFile(written.path) as zf:
        text = "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", zf.read("word/document.xml").decode()))
    review = report_html(written.report, template_sha256=None)
    for word in REVIEW_WORDS[:2]:
        assert word in review, f"the review copy lacks {word!r}: this check tests nothing"
    for word in REVIEW_WORDS:
        assert word not in text


def test_signed_with_the_body_and_the_date_at_the_right(written):
    params = written.report.params
    *_, body, date = written.doc.paragraphs
    assert (body.text, date.text) == (params.body, chinese_date(params.publish_date))
    assert body.alignment == date.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    # GB/T 9704: the date four characters in from the right, the body's name centred over it (in
    # characters of 16 pt: a Chinese character is one, a digit half).
    def width(text: str) -> float:
        return sum(1 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in text)

    assert date.paragraph_format.right_indent == Pt(4 * 16)
    centres = [p.paragraph_format.right_indent.pt / 16 + width(p.text) / 2 for p in (body, date)]
    assert centres[0] == pytest.approx(centres[1], abs=0.01)


def test_page_numbers_at_the_foot_between_em_dashes(written):
    (section,) = written.doc.sections
    assert written.doc.settings.odd_and_even_pages_header_footer
    for footer, side in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        (p,) = footer.paragraphs
        xml = p._p.xml
        assert p.alignment == side
        assert "— " in xml and " —" in xml and 'w:fldCharType="begin"' in xml
        assert re.search(r"<w:instrText[^>]*> PAGE </w:instrText>", xml)
        assert xml.index("— ") < xml.index("PAGE") < xml.index(" —")


# --- the tables ----------------------------------------------------------------------------------


def csv_values(township: str, year: int) -> dict[tuple[str, str, str], str]:
    return _read_csv(PROJECT / "data" / str(year) / f"{township}.csv")


def test_every_figure_and_label_in_its_cell(written):
    report = written.report
    values = report.completed.values
    typed = csv_values(written.township, written.year)
    checked = 0
    for table_id, table in zip(TABLES, written.doc.tables):
        spec_table = report.format.table(table_id)
        placed = matrix(list(grid(spec_table).rows()))
        assert (len(table.rows), len(table.columns)) == (len(placed), len(placed[0]))
        for r, row in enumerate(placed):
            for c, gc in enumerate(row):
                got = table.cell(r, c).text
                if gc.role == "data":
                    key = gc.cell.key
                    assert got == format_value(values.get(key), gc.cell.kind, money_unit=gc.money_unit), key
                    given = typed[key]
                    if given:  # as typed in the data file (money with its unit where the header has none)
                        assert got in ({"—": "/"}.get(given, given), f"{given} 万元"), key
                    else:  # blank stays blank, unless it is a total computed from its parts
                        assert got == "" or key in report.completed.computed, key
                    checked += 1  # a data cell spans nothing: each is met once
                else:
                    assert got == gc.text, (r, c)
    assert checked == sum(len(report.format.table(t).cells) for t in TABLES)


def spans_in_docx(tbl) -> set[tuple[int, int, int, int]]:
    """(row, column, rows spanned, columns spanned) of every cell, from gridSpan and vMerge."""
    origins: dict[tuple[int, int], list[int]] = {}
    open_merge: dict[int, tuple[int, int]] = {}
    for r, tr in enumerate(tbl.findall(qn("w:tr"))):
        c = 0
        for tc in tr.findall(qn("w:tc")):
            pr = tc.find(qn("w:tcPr"))
            span_el = pr.find(qn("w:gridSpan")) if pr is not None else None
            span = int(span_el.get(qn("w:val"))) if span_el is not None else 1
            merge = pr.find(qn("w:vMerge")) if pr is not None else None
            if merge is not None and merge.get(qn("w:val"), "continue") == "continue":
                origin = open_merge[c]
                assert origins[origin][1] == span, f"row {r} column {c}: a continued merge of another width"
                origins[origin][0] += 1
            else:
                origins[(r, c)] = [1, span]
                if merge is not None:
                    open_merge[c] = (r, c)
            c += span
    return {(r, c, rows, cols) for (r, c), (rows, cols) in origins.items()}


def spans_in_grid(spec_table) -> set[tuple[int, int, int, int]]:
    placed = matrix(list(grid(spec_table).rows()))
    out = set()
    for r, row in enumerate(placed):
        for c, gc in enumerate(row):
            if (r == 0 or placed[r - 1][c] is not gc) and (c == 0 or row[c - 1] is not gc):
                out.add((r, c, gc.rowspan, gc.colspan))
    return out


def test_merged_cells_are_the_grids_spans(written):
    for table_id, table in zip(TABLES, written.doc.tables):
        spans = spans_in_grid(written.report.format.table(table_id))
        assert any(rows > 1 for _, _, rows, _ in spans) or table_id == spec.TABLE_2
        assert spans_in_docx(table._tbl) == spans


def test_header_rows_repeat_rows_never_split_borders_everywhere_figures_right(written):
    for table_id, table in zip(TABLES, written.doc.tables):
        g = grid(written.report.format.table(table_id))
        rows = table._tbl.findall(qn("w:tr"))
        header = [i for i, tr in enumerate(rows) if tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None]
        # One part: its header rows repeat on each page; table 二's parts each have their own header.
        assert header == (list(range(len(g.blocks[0].head))) if len(g.blocks) == 1 else [])
        assert all(tr.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None for tr in rows)
        borders = table._tbl.find(f"{qn('w:tblPr')}/{qn('w:tblBorders')}")
        sides = {el.tag.split("}")[1]: el.get(qn("w:val")) for el in borders}
        assert sides == dict.fromkeys(("top", "left", "bottom", "right", "insideH", "insideV"), "single")
        assert table._tbl.find(f".//{qn('w:tcBorders')}") is None  # no cell takes its rules away
        placed = matrix(list(g.rows()))
        for r, row in enumerate(placed):
            for c, gc in enumerate(row):
                if gc.role == "data":
                    assert table.cell(r, c).paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
        widths = [int(col.get(qn("w:w"))) for col in table._tbl.find(qn("w:tblGrid"))]
        (section,) = written.doc.sections
        text_width = (section.page_width - section.left_margin - section.right_margin) / 635  # EMU per twip
        assert sum(widths) == text_width  # fixed widths filling the text width, never wider


def test_blank_stays_blank_and_not_applicable_prints_a_slash(tmp_path):
    root = copy_inputs(tmp_path)
    data = root / "data" / "2020" / "红旗满族乡.csv"
    text = data.read_text(encoding="utf-8-sig")
    text = text.replace("二,规范性文件,本年新制作数量,0", "二,规范性文件,本年新制作数量,/")
    data.write_text(text, encoding="utf-8")
    report = build_report(root, "红旗满族乡", 2020)
    doc = docx.Document(io.BytesIO(docx_bytes(build_document(report, publish=True))))
    placed = matrix(list(grid(report.format.table(spec.TABLE_2)).rows()))
    where = {gc.cell.key: (r, c) for r, row in enumerate(placed) for c, gc in enumerate(row) if gc.role == "data"}
    table = doc.tables[0]
    assert table.cell(*where[(spec.TABLE_2, "规范性文件", "本年新制作数量")]).text == "/"
    assert table.cell(*where[(spec.TABLE_2, "规章", "本年新制作数量")]).text == ""  # blank in the seed


def test_the_kits_own_word_reader_reads_it_back_as_its_inputs(rendered, tmp_path):
    """`xxgk import` of the Word file gives back every figure of the data file, the title, the body
    and the publish date: the tables are where a reader of published reports looks for them."""
    root, _ = rendered
    for township, year, _ in REPORTS.values():
        target = tmp_path / township
        result = CliRunner().invoke(app, ["import", str(published(root, township, year, ".docx")), "--root", str(target),
                                          "--township", township, "--year", str(year)])
        assert result.exit_code == 0, result.output
        assert _read_csv(target / "data" / str(year) / f"{township}.csv") == csv_values(township, year)
        imported = build_report(target, township, year).params
        params = build_report(root, township, year).params
        assert (imported.title, imported.body, imported.publish_date) == (params.title, params.body, params.publish_date)


def _read_csv(path: Path) -> dict[tuple[str, str, str], str]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return {(r["table"], r["row"], r["column"]): r["value"].strip() for r in csv.DictReader(fh)}


# --- the same bytes ------------------------------------------------------------------------------


def test_the_same_inputs_give_the_same_bytes(rendered, tmp_path):
    """Rendered again elsewhere, by `xxgk batch --to docx` (the in-process engine), the files are
    the same bytes; nothing in them records when they were written."""
    root, _ = rendered
    again = copy_inputs(tmp_path)
    done = subprocess.run([sys.executable, "-c", "from xxgk.cli import main; main()", "batch", "--to", "docx",
                           "--root", str(again), "-j", "2"], capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    for township, year, _ in REPORTS.values():
        first, second = published(root, township, year, ".docx"), published(again, township, year, ".docx")
        assert first.read_bytes() == second.read_bytes()
        with zipfile.ZipFile(first) as zf:
            assert {info.date_time for info in zf.infolist()} == {ZIP_TIME}
            core = zf.read("docProps/core.xml").decode()
        params = build_report(root, township, year).params
        assert re.findall(r"<dcterms:\w+ [^>]*>([^<]*)<", core) == [f"{params.publish_date.isoformat()}T00:00:00Z"] * 2
    import json

    manifest = json.loads((again / "output" / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest["reports"]["2020/红旗满族乡"]["copies"]["published"]["outputs"]["docx"]
    assert entry["path"] == "2020/published/红旗满族乡.docx"
    # The dashboard links it, and summary.csv names it.
    with (again / "output" / "summary.csv").open(encoding="utf-8-sig", newline="") as fh:
        summary = {(r["township"], r["year"]): r for r in csv.DictReader(fh)}
    assert summary[("红旗满族乡", "2020")]["docx"] == "2020/published/红旗满族乡.docx"
    assert 'href="2020/published/%E7%BA%A2%E6%97%97%E6%BB%A1%E6%97%8F%E4%B9%A1.docx"' in \
        (again / "output" / "index.html").read_text(encoding="utf-8")


# --- in a real word processor --------------------------------------------------------------------


def libreoffice() -> str:
    """soffice with its Writer, or a skip naming the package (a failure under CI, which installs it)."""
    found = shutil.which("soffice")
    program = Path(found).resolve().parent if found else None
    if program is None or not any((program / name).exists() for name in ("libswlo.so", "swlo.dll", "libswlo.dylib")):
        message = f"LibreOffice Writer not found: apt-get install {WRITER_PACKAGE} (or bash .ci/install-office)"
        if under_ci():
            pytest.fail(f"CI=true and {message}", pytrace=False)
        pytest.skip(message)
    return found


@pytest.fixture(scope="module")
def opened(rendered, tmp_path_factory):
    """Each Word file converted to PDF by LibreOffice, as a person opening it would see it."""
    soffice = libreoffice()
    root, _ = rendered
    out = tmp_path_factory.mktemp("lo")
    profile = (out / "profile").as_uri()
    files = [str(published(root, township, year, ".docx")) for township, year, _ in REPORTS.values()]
    done = subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                           "--outdir", str(out), *files], capture_output=True, text=True, timeout=300,
                          stdin=subprocess.DEVNULL)
    pdfs = {key: out / f"{township}.pdf" for key, (township, _, _) in REPORTS.items()}
    assert all(p.is_file() for p in pdfs.values()), done.stdout + done.stderr
    return soffice, out, pdfs


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_libreoffice_opens_it_within_the_margins_and_draws_its_first_pages(opened, written):
    """One test, so that without LibreOffice the skip is one line."""
    from pypdf import PdfReader

    soffice, out, pdfs = opened
    reader = PdfReader(pdfs[written.key])
    assert 3 <= len(reader.pages) <= 10
    pages = [page.extract_text() for page in reader.pages]
    text = squeeze("".join(pages))
    fmt = spec.get_format(written.version)
    for heading in (fmt.sections[0], fmt.sections[-1], written.report.params.body):
        assert squeeze(heading) in text
    # Every column header of table 三, the widest: a table cut at the margin loses them.
    columns = [leaf.label for part in fmt.table(spec.TABLE_3).parts for col in part.columns for leaf in col.walk()]
    assert columns and [c for c in columns if squeeze(c) not in text] == []
    for number, page in enumerate(reader.pages, start=1):
        width = float(page.mediabox.width)
        assert width == pytest.approx(595.3, abs=1)  # A4
        xs: list[float] = []
        page.extract_text(visitor_text=lambda t, cm, tm, *_: xs.append(tm[4] * cm[0] + cm[4]) if t.strip() else None)
        left, right = 28 / 25.4 * 72, width - 26 / 25.4 * 72
        assert xs and all(left - 3 <= x <= right for x in xs), f"page {number}: text outside the margins"

    # A picture of the first pages, for a person to look at.
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    stem = SCREENSHOTS / f"docx-{written.key}"
    for old in SCREENSHOTS.glob(f"{stem.name}-*.png"):
        old.unlink()
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "3", str(pdfs[written.key]), str(stem)],
                       check=True, timeout=120)
    else:  # LibreOffice draws the first page only
        subprocess.run([soffice, f"-env:UserInstallation={(out / 'profile').as_uri()}", "--headless", "--convert-to",
                        "png", "--outdir", str(out), str(written.path)], check=True, timeout=300,
                       capture_output=True, stdin=subprocess.DEVNULL)
        shutil.copyfile(out / f"{written.township}.png", f"{stem}-1.png")
    pictures = sorted(SCREENSHOTS.glob(f"{stem.name}-*.png"))
    assert pictures and all(p.stat().st_size > 5000 for p in pictures)
