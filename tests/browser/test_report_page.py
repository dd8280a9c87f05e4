"""The rendered report as a reviewer sees it in Chromium: offline, every table on the page, the
merged header cells where the official format puts them, Chinese in a CJK font, and a
screenshot for a person to look at.

Expected labels and cell counts come from shared/spec/official-format.md (§3, §4), written out
here rather than taken from xxgk.spec, so that the page is checked against the format itself.
"""

from __future__ import annotations

import os
import re
import struct
from pathlib import Path

import pytest

from browser_support import SAMPLE_2021, SCREENSHOTS, SEED, launch, output_file, skip_module_without_browser
from xxgk import browser as xxgk_browser

skip_module_without_browser()

REPORTS = {"seed-2019-format": SEED, "sample-2021-format": SAMPLE_2021}

#: Data cells per table (spec §3.1–3.3 and §4): 2019 二 22, 三 23×7; 2021 二 10, 三 25×7; 四 15.
DATA_CELLS = {2020: {"二": 22, "三": 161, "四": 15}, 2021: {"二": 10, "三": 175, "四": 15}}

APPLICANT_LEAVES = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
LEGAL_LEAVES = ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
T4_RESULTS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
T4_ROWS = ("行政复议", "未经复议直接起诉", "复议后起诉")

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
TOLERANCE = 1.0  # px; borders are collapsed, so neighbouring boxes share half a border

# One pass over a table: every header and data cell with its box (left, right, top, bottom).
_TABLE_GEOMETRY = """(table) => {
  const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.right, r.top, r.bottom]; };
  return {
    box: box(table),
    th: [...table.querySelectorAll('th')].map(e => ({text: e.textContent.replace(/\\s+/g, ''), box: box(e)})),
    td: [...table.querySelectorAll('td[data-column]')].map(
      e => ({row: e.dataset.row, column: e.dataset.column, box: box(e)})),
  };
}"""


@pytest.fixture(params=list(REPORTS), scope="module")
def report(request, rendered_root):
    township, year = REPORTS[request.param]
    return township, year, output_file(rendered_root, township, year, ".html")


@pytest.fixture
def opened(visit, report):
    """The report loaded in a fresh tab."""
    _, _, path = report
    visit.page.goto(path.as_uri(), wait_until="load")
    return visit


def geometry(page, table_id: str) -> dict:
    table = page.locator(f'table[data-table="{table_id}"]')
    assert table.count() == 1, f"table {table_id} appears {table.count()} times"
    return table.evaluate(_TABLE_GEOMETRY)


def header(geo: dict, label: str, nth: int = 0) -> list[float]:
    boxes = [th["box"] for th in geo["th"] if th["text"] == label]
    assert len(boxes) > nth, f"no header cell {label!r} (#{nth}) in the table"
    return boxes[nth]


def span_of(boxes: list[list[float]]) -> tuple[float, float]:
    assert boxes, "no cells to span"
    return min(b[0] for b in boxes), max(b[1] for b in boxes)


def assert_over(group: list[float], under: list[list[float]], what: str) -> None:
    """``group`` spans exactly the columns of the cells ``under`` it, and sits above them."""
    left, right = span_of(under)
    assert group[0] == pytest.approx(left, abs=TOLERANCE), f"{what}: left edge {group[0]} vs {left}"
    assert group[1] == pytest.approx(right, abs=TOLERANCE), f"{what}: right edge {group[1]} vs {right}"
    assert all(group[3] <= b[2] + TOLERANCE for b in under), f"{what}: not above the cells it heads"


def column_cells(geo: dict, *, column: str | None = None, row: str | None = None) -> list[list[float]]:
    return [td["box"] for td in geo["td"]
            if (column is None or td["column"] == column) and (row is None or td["row"] == row)]


def test_no_request_leaves_the_file(opened, report):
    _, _, path = report
    page = opened.page
    page.mouse.wheel(0, 100_000)  # anything lazy would load on scroll
    page.wait_for_load_state("networkidle")
    assert opened.requests, "the browser recorded no request at all: the listener is broken"
    others = [u for u in opened.requests if u != path.as_uri() and not u.startswith("data:")]
    assert others == [], f"the report asked for more than itself: {others}"
    assert opened.errors == []


def test_every_official_table_is_visible_inside_1280px(opened, report):
    _, year, _ = report
    page = opened.page
    width = page.evaluate("document.documentElement.clientWidth")
    assert width == 1280
    ids = page.eval_on_selector_all("table[data-table]", "ts => ts.map(t => t.dataset.table)")
    assert ids == ["二", "三", "四"], "the three official tables, once each, in official order"
    for table_id, cells in DATA_CELLS[year].items():
        table = page.locator(f'table[data-table="{table_id}"]')
        assert table.is_visible()
        geo = geometry(page, table_id)
        assert geo["box"][0] >= 0 and geo["box"][1] <= width, f"table {table_id} at {geo['box'][:2]}"
        assert len(geo["td"]) == cells, f"table {table_id}: {len(geo['td'])} data cells, the format has {cells}"
        for cell in geo["td"] + geo["th"]:
            left, right, top, bottom = cell["box"]
            assert right - left > 0 and bottom - top > 0, f"table {table_id}: a cell is not drawn: {cell}"
            assert left >= geo["box"][0] - TOLERANCE and right <= geo["box"][1] + TOLERANCE, \
                f"table {table_id}: a cell sticks out of its table: {cell}"
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"


def test_table_3_applicant_headers_span_their_columns(opened):
    geo = geometry(opened.page, "三")
    leaves = [header(geo, label) for label in APPLICANT_LEAVES]
    assert_over(header(geo, "申请人情况"), leaves, "申请人情况 over 自然人…总计")
    assert_over(header(geo, "申请人情况"), column_cells(geo), "申请人情况 over every data column")
    legal = header(geo, "法人或其他组织")
    assert_over(legal, [header(geo, label) for label in LEGAL_LEAVES], "法人或其他组织 over its five sub-columns")
    assert header(geo, "自然人")[1] <= legal[0] + TOLERANCE, "自然人 is left of 法人或其他组织"
    assert header(geo, "总计")[0] >= legal[1] - TOLERANCE, "总计 is right of 法人或其他组织"
    # 自然人 and 总计 stand in the row of 法人或其他组织 and reach down to the sub-columns' bottom.
    assert header(geo, "自然人")[2] == pytest.approx(legal[2], abs=TOLERANCE)
    assert header(geo, "自然人")[3] == pytest.approx(header(geo, "商业企业")[3], abs=TOLERANCE)
    for label in APPLICANT_LEAVES:
        assert_over(header(geo, label), column_cells(geo, column=label), f"{label} over its figures")


def test_table_4_review_and_litigation_headers_span_their_columns(opened):
    geo = geometry(opened.page, "四")
    review, litigation = header(geo, "行政复议"), header(geo, "行政诉讼")
    assert_over(review, column_cells(geo, row="行政复议"), "行政复议 over its five columns")
    assert len(column_cells(geo, row="行政复议")) == 5
    assert_over(litigation, column_cells(geo, row="未经复议直接起诉") + column_cells(geo, row="复议后起诉"),
                "行政诉讼 over 未经复议直接起诉 and 复议后起诉")
    assert review[2] == pytest.approx(litigation[2], abs=TOLERANCE), "行政复议 and 行政诉讼 share the top row"
    direct, after = header(geo, "未经复议直接起诉"), header(geo, "复议后起诉")
    assert_over(litigation, [direct, after], "行政诉讼 over its two groups")
    assert_over(direct, column_cells(geo, row="未经复议直接起诉"), "未经复议直接起诉 over its five columns")
    assert_over(after, column_cells(geo, row="复议后起诉"), "复议后起诉 over its five columns")
    # Each group's five result headers stand over that group's figures, in official order.
    for nth, row in enumerate(T4_ROWS):
        lefts = []
        for column in T4_RESULTS:
            leaf = header(geo, column, nth)
            assert_over(leaf, column_cells(geo, row=row, column=column), f"{row} · {column}")
            lefts.append(leaf[0])
        assert lefts == sorted(lefts), f"{row}: result columns out of order"
    # Under 行政复议 the result headers reach down as far as those under the litigation groups.
    assert header(geo, "结果维持", 0)[3] == pytest.approx(header(geo, "结果维持", 1)[3], abs=TOLERANCE)


def _own_text_elements(node: dict, out: list[tuple[int, str]]) -> None:
    """(nodeId, text of its own text children) for every element of the body with Chinese text."""
    if node.get("nodeName") == "HEAD":
        return
    if node.get("nodeType") == 1 and node.get("nodeName") not in ("SCRIPT", "STYLE"):
        own = "".join(c.get("nodeValue", "") for c in node.get("children", []) if c.get("nodeType") == 3)
        if HAN.search(own):
            out.append((node["nodeId"], own))
    for child in node.get("children", []):
        _own_text_elements(child, out)


def chinese_not_in_cjk_font(page, cjk_families: set[str]) -> tuple[int, list[str]]:
    """How many elements with Chinese text were checked, and those whose Chinese characters were
    not all drawn by a CJK font (Chromium's own account of the fonts it used for each node)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]
    elements: list[tuple[int, str]] = []
    _own_text_elements(root, elements)
    checked, bad = 0, []
    for node_id, text in elements:
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node_id})["fonts"]
        if not fonts:  # not rendered (e.g. a hidden element)
            continue
        checked += 1
        han = len(HAN.findall(text))
        in_cjk = sum(f["glyphCount"] for f in fonts if f["familyName"] in cjk_families)
        if in_cjk < han:
            bad.append(f"{text.strip()[:20]!r}: {han} Chinese characters, fonts used "
                       + ", ".join(f"{f['familyName']}×{f['glyphCount']}" for f in fonts))
    cdp.detach()
    return checked, bad


def test_chinese_text_is_drawn_with_a_cjk_font(opened):
    cjk = set(xxgk_browser.cjk_fonts())
    assert cjk, "fontconfig lists no CJK font"
    checked, bad = chinese_not_in_cjk_font(opened.page, cjk)
    assert checked > 50, f"only {checked} rendered elements with Chinese text found"
    assert bad == []


def test_the_font_check_sees_boxes_when_no_cjk_font_is_installed(playwright, chromium, rendered_root, tmp_path):
    """The same check in a Chromium whose fontconfig knows only DejaVu (no CJK glyphs): it must
    report the Chinese text, or the check above could not fail."""
    dejavu = Path("/usr/share/fonts/truetype/dejavu")
    if not dejavu.is_dir():
        pytest.skip("needs fonts-dejavu-core to build a font set without CJK")
    conf = tmp_path / "fonts.conf"
    conf.write_text(f"""<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>{dejavu}</dir><cachedir>{tmp_path / "cache"}</cachedir></fontconfig>""")
    env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
    path = output_file(rendered_root, *SEED, ".html")
    b = launch(playwright, chromium, env=env)
    try:
        page = b.new_page(viewport={"width": 1280, "height": 900})
        page.goto(path.as_uri())
        checked, bad = chinese_not_in_cjk_font(page, set(xxgk_browser.cjk_fonts()))
    finally:
        b.close()
    assert checked > 50
    assert len(bad) == checked, "every element with Chinese text should be reported without a CJK font"


def test_full_page_screenshot_for_a_person(opened, report):
    township, year, _ = report
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{year}-{township}.png"
    partial = target.with_name(f".{target.name}.partial")
    opened.page.screenshot(path=str(partial), full_page=True, type="png")
    partial.replace(target)
    with target.open("rb") as fh:
        head = fh.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", head[16:24])
    assert width == 1280
    assert height == opened.page.evaluate("document.documentElement.scrollHeight")
