"""Issue 9, as a reviewer sees it in Chromium: table 四's only row keeps its height when every
figure in it is blank, and the signature block sits at the right margin (the date centred under
the body's name), also when the signature is missing and its notice stands in its place."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from browser_support import SAMPLE_2021, SCREENSHOTS, make_root, output_file, run_xxgk, skip_module_without_browser

skip_module_without_browser()

TOLERANCE = 1.5  # px

_ROW_HEIGHT = """() => {
  const rows = [...document.querySelectorAll('table[data-table="四"] tbody tr')];
  return rows.map(r => r.getBoundingClientRect().height);
}"""
_BOXES = """() => {
  const box = e => { const r = e.getBoundingClientRect(); return {left: r.left, right: r.right}; };
  const q = s => document.querySelector(s);
  return {
    section: box(q('section.report-section')),
    sign: box(q('.signature .sign')),
    body: q('.signature .body') && box(q('.signature .body')),
    date: q('.signature .date') && box(q('.signature .date')),
  };
}"""


@pytest.fixture(scope="module")
def blank_root(tmp_path_factory, chromium) -> Path:
    """The 2021 sample with table 四 left all blank and no params file, rendered (review copy)."""
    root = make_root(tmp_path_factory.mktemp("blank"))
    township, year = SAMPLE_2021
    path = root / "data" / str(year) / f"{township}.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows = [rows[0]] + [r[:3] + [""] + r[4:] if r[0] == "四" else r for r in rows[1:]]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    (root / "params" / township / f"{year}.yaml").unlink()
    run_xxgk("render", "--township", township, "--year", str(year), root=root)
    return root


def test_an_all_blank_row_keeps_its_height(visit, blank_root, rendered_root):
    heights = {}
    for name, root in (("blank", blank_root), ("filled", rendered_root)):
        visit.page.goto(output_file(root, *SAMPLE_2021, ".html").as_uri(), wait_until="load")
        (heights[name],) = visit.page.evaluate(_ROW_HEIGHT)
    assert heights["filled"] > 10
    assert abs(heights["blank"] - heights["filled"]) <= TOLERANCE, heights
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    visit.page.goto(output_file(blank_root, *SAMPLE_2021, ".html").as_uri(), wait_until="load")
    visit.page.locator('table[data-table="四"]').screenshot(path=str(SCREENSHOTS / "table-4-blank.png"))


def test_the_signature_sits_at_the_right_margin(visit, blank_root, rendered_root):
    for name, root in (("signed", rendered_root), ("missing", blank_root)):
        visit.page.goto(output_file(root, *SAMPLE_2021, ".html").as_uri(), wait_until="load")
        b = visit.page.evaluate(_BOXES)
        assert abs(b["sign"]["right"] - b["section"]["right"]) <= TOLERANCE, (name, b)
        # A block of its own at the right, not a line across the page.
        assert b["sign"]["left"] > b["section"]["left"] + 20, (name, b)
        if name == "signed":
            centre = lambda x: (x["left"] + x["right"]) / 2  # noqa: E731
            assert abs(centre(b["date"]) - centre(b["body"])) <= TOLERANCE, b
        visit.page.locator(".signature").screenshot(path=str(SCREENSHOTS / f"signature-{name}.png"))
