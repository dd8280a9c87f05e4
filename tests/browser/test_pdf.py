"""`xxgk render --to pdf`: the published copy printed to A4 through headless Chromium, read back
with pypdf.  A4 is 210 × 297 mm = 595.28 × 841.89 pt; CSS prints 96 px to the inch, so a page
printed at 100 % draws 0.75 pt per CSS px."""

from __future__ import annotations

import csv
import re

import pytest
from pypdf import PdfReader

from browser_support import REPO, SAMPLE_2021, SEED, output_file, skip_module_without_browser
from pdf_text import page_text, pieces, squeeze
from xxgk import pdf as xxgk_pdf
from xxgk import spec

skip_module_without_browser()

A4 = (595.28, 841.89)
PT_PER_CSS_PX = 0.75
REPORTS = {"seed-2019-format": (*SEED, spec.V2019), "sample-2021-format": (*SAMPLE_2021, spec.V2021)}

#: Table caption (the table's title) and the text of its first header cell, which must follow the
#: caption on the same page (spec §3.1–3.3).
FIRST_HEADER = {spec.T2_TITLE: "第二十条第（一）项", spec.T3_TITLE: "（本列数据的勾稽关系为", spec.T4_TITLE: "行政复议"}


@pytest.fixture(params=list(REPORTS), scope="module")
def printed(request, pdf_root):
    township, year, version = REPORTS[request.param]
    path = output_file(pdf_root, township, year, ".pdf")
    reader = PdfReader(path)
    return township, year, version, reader, [page_text(p) for p in reader.pages]


def all_labels(version: str) -> list[str]:
    """Every label the format prints in its tables: titles, item captions, corners, headers, rows."""
    def walk(nodes):
        for node in nodes:
            if node.label:
                yield node.label
            yield from walk(node.children)

    labels = []
    for table in spec.get_format(version).tables:
        labels.append(table.title)
        for part in table.parts:
            labels += [t for t in (part.caption, part.corner) if t]
            labels += list(walk(part.columns)) + list(walk(part.rows))
    return list(dict.fromkeys(labels))


def csv_values(township: str, year: int) -> dict[tuple[str, str, str], str]:
    with (REPO / "data" / str(year) / f"{township}.csv").open(encoding="utf-8-sig", newline="") as fh:
        return {(r["table"], r["row"], r["column"]): r["value"].strip() for r in csv.DictReader(fh)}


def figure(value: str) -> str:
    """The pattern of a figure as printed: as written in the CSV (money with its unit); a blank
    cell prints nothing, or its computed total."""
    if value == "":
        return r"(?:[-+]?\d+(?:\.\d+)?)?"
    if value in ("/", "—"):
        return "/"
    return re.escape(value) + r"(?:万元)?"


def test_a4_pages_numbered_in_the_footer(printed):
    _, _, _, reader, _ = printed
    assert 2 <= len(reader.pages) <= 12
    for number, page in enumerate(reader.pages, start=1):
        box = page.mediabox
        assert float(box.width) == pytest.approx(A4[0], abs=1) and float(box.height) == pytest.approx(A4[1], abs=1)
        drawn = pieces(page)
        lowest = min(drawn, key=lambda p: p.y)
        assert lowest.text == str(number), f"page {number}: lowest text is {lowest.text!r}"
        assert lowest.y < A4[1] * 0.08, f"page {number}: the number is not in the bottom margin"
        assert abs(lowest.x - A4[0] / 2) < 20, f"page {number}: the number is not centred"
        assert all(p.y > lowest.y + 10 for p in drawn if p is not lowest), "the footer holds only the number"


def test_nothing_is_cut_at_the_page_edge_or_shrunk_to_fit(printed):
    _, _, _, reader, _ = printed
    for number, page in enumerate(reader.pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        for p in pieces(page):
            assert 0 <= p.x < width and 0 <= p.y < height, f"page {number}: {p.text!r} drawn off the paper"
            # Chromium shrinks a whole page whose content is wider than the paper: a table too
            # wide for A4 shows up as a scale below 0.75 pt per CSS px.
            assert p.scale == pytest.approx(PT_PER_CSS_PX, abs=1e-3), f"page {number}: {p.text!r} at scale {p.scale}"


def test_every_table_label_can_be_extracted(printed):
    _, _, version, _, pages = printed
    text = squeeze("".join(pages))
    missing = [label for label in all_labels(version) if squeeze(label) not in text]
    assert missing == []


def test_every_figure_follows_its_row_label(printed):
    township, year, version, _, pages = printed
    text = squeeze("".join(pages))
    values = csv_values(township, year)
    fmt = spec.get_format(version)
    checked = 0
    for table in (fmt.table(spec.TABLE_2), fmt.table(spec.TABLE_3)):
        for part in table.parts:
            for row in part.row_leaves():
                cells = [values.get((table.id, row.label, col.label), "") for col in part.column_leaves()]
                pattern = re.escape(squeeze(row.label)) + "".join(figure(v) for v in cells)
                assert re.search(pattern, text), f"表{table.id} {row.label}: figures {cells} not found after the label"
                checked += len(cells)
    # Table 四 prints one row of 15 figures under its last header cell (总计).
    t4 = [values.get((spec.TABLE_4, row, col), "") for row in spec.T4_DATA_ROWS for col in spec.T4_DATA_COLUMNS]
    assert re.search(re.escape(spec.TOTAL) + "".join(figure(v) for v in t4), text), f"表四 figures {t4} not found"
    checked += len(t4)
    assert checked == len(fmt.table(spec.TABLE_2).cells) + len(fmt.table(spec.TABLE_3).cells) + 15


def test_the_published_copy_has_no_review_marks(printed, rendered_root):
    township, year, _, _, pages = printed
    review_copy = output_file(rendered_root, township, year, ".html").read_text(encoding="utf-8")
    text = "".join(pages)
    for mark in ("审阅稿", "数据核验"):  # the banner and the review panel of a review copy
        assert mark in review_copy, f"the review copy lacks {mark!r}: this check tests nothing"
        assert mark not in text, f"the published PDF shows {mark!r}"


def test_a_table_caption_stays_on_the_page_of_its_table(printed):
    _, _, _, _, pages = printed
    for caption, first_header in FIRST_HEADER.items():
        where = [(n, lines.index(caption)) for n, lines in
                 enumerate([line.strip() for line in p.splitlines()] for p in pages) if caption in lines]
        assert len(where) == 1, f"caption {caption} found on pages {[n + 1 for n, _ in where]}"
        n, at = where[0]
        after = squeeze("".join(pages[n].splitlines()[at + 1:]))
        assert squeeze(first_header) in after, f"page {n + 1} ends with the caption {caption}, its table is not there"


def test_a_table_broken_across_pages_repeats_its_header(pdf_root, tmp_path):
    """Table 三 made taller than a page (every row 12 mm high) must break; each page it is on
    then starts with its header rows."""
    html = output_file(pdf_root, *SEED, ".html", published=True).read_text(encoding="utf-8")
    tall = html.replace("</head>", '<style>@media print { table[data-table="三"] tbody tr { height: 12mm; } }</style></head>', 1)
    assert tall != html
    page_file = tmp_path / "tall.html"
    page_file.write_text(tall, encoding="utf-8")
    reader = PdfReader(xxgk_pdf.print_pdf(page_file, tmp_path / "tall.pdf"))
    rows = [squeeze(r) for r in spec.get_format(spec.V2019).table(spec.TABLE_3).data_rows]
    on_pages = []
    for number, page in enumerate(reader.pages, start=1):
        text = squeeze(page_text(page))
        first = min((text.find(r) for r in rows if r in text), default=-1)
        if first >= 0:
            on_pages.append(number)
            head = text[:first]
            for label in ("申请人情况", "自然人", "法人或其他组织", "商业企业", "总计"):
                assert label in head, f"page {number}: table 三 goes on without its header ({label} missing)"
    assert len(on_pages) >= 2, f"table 三 did not break across pages ({on_pages}): the set-up failed"
