"""The notebook's frames as JupyterLab lays them out: Chromium, JupyterLab's own table style, an
output area narrower than the tables.  pandas' default HTML stands long Chinese labels one or two
characters per line there; the kit's frames keep headers and figures on one line and wrap row
labels and messages only at a readable width.
"""

from __future__ import annotations

import math

import pytest

from browser_support import REPO, SAMPLE_2021, SCREENSHOTS, SEED, skip_module_without_browser
from xxgk import frames
from xxgk.report import build_report

skip_module_without_browser()

#: JupyterLab 4.6's rules for tables in rendered HTML outputs (``.jp-RenderedHTMLCommon``), as its
#: stylesheet has them: fixed table layout, and every cell allowed to wrap.
JUPYTERLAB_CSS = """
.jp-RenderedHTMLCommon { font-family: "Noto Sans CJK SC", sans-serif; font-size: 14px; }
.jp-RenderedHTMLCommon table { border-collapse: collapse; border-spacing: 0; border: none; font-size: 13px;
  table-layout: fixed; margin-left: auto; margin-bottom: 1em; margin-right: auto; }
.jp-RenderedHTMLCommon thead { border-bottom: 1px solid #bdbdbd; vertical-align: bottom; }
.jp-RenderedHTMLCommon td, .jp-RenderedHTMLCommon th, .jp-RenderedHTMLCommon tr {
  vertical-align: middle; padding: 0.5em; line-height: normal; white-space: normal; max-width: none; border: none; }
.jp-RenderedHTMLCommon td, :not(.jp-RenderedMarkdown).jp-RenderedHTMLCommon th,
:not(.jp-RenderedMarkdown).jp-RenderedHTMLCommon tr { text-align: right; }
.jp-RenderedHTMLCommon th { font-weight: bold; }
.jp-RenderedHTMLCommon tbody tr:nth-child(even) { background: #f5f5f5; }
"""
#: An output area on a laptop with JupyterLab's file browser open.
OUTPUT_WIDTH = 760

# Every header and data cell with text: where it is (head or body, th or td) and how many lines
# its text takes.
_LINES = """(root) => [...root.querySelectorAll('th, td')].filter(e => e.textContent.trim()).map(e => {
  const range = document.createRange();
  range.selectNodeContents(e);
  const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
  return {tag: e.tagName.toLowerCase(), head: !!e.closest('thead'), text: e.textContent.trim(), lines: tops.size};
})"""


def page(*outputs: str) -> str:
    areas = "".join(f'<div class="jp-OutputArea-output jp-RenderedHTMLCommon" style="width: {OUTPUT_WIDTH}px">'
                    f"{html}</div>" for html in outputs)
    return f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><style>{JUPYTERLAB_CSS}</style></head><body>{areas}</body></html>'


def cells(visit, html: str) -> list[dict]:
    visit.page.set_content(page(html), wait_until="load")
    return visit.page.eval_on_selector(".jp-RenderedHTMLCommon", _LINES)


def per_line(cell: dict) -> float:
    return len(cell["text"]) / cell["lines"]


@pytest.fixture(scope="module")
def sample():
    return build_report(REPO, *SAMPLE_2021)  # 2021 format: table 三's longest labels


def test_pandas_own_html_wraps_labels_a_character_or_two_per_line(visit, sample):
    # What the kit's frames are for: shown as pandas shows it, table 三 is unreadable here.
    plain = cells(visit, frames.table_frame(sample, "三").to_html())
    assert min(per_line(c) for c in plain if len(c["text"]) > 2) <= 2


def test_table_frames_keep_headers_and_figures_on_one_line(visit, sample):
    for table_id in ("二", "三", "四"):
        shown = cells(visit, frames.to_html(frames.table_frame(sample, table_id)))
        assert shown
        for c in shown:
            if c["head"] or c["tag"] == "td":
                assert c["lines"] == 1, (table_id, c)
            else:  # a row label wraps, at nine characters or more a line
                assert c["lines"] <= math.ceil(len(c["text"]) / 9), (table_id, c)


def test_findings_frame_wraps_only_its_long_text(visit):
    seed = build_report(REPO, *SEED)  # three blank figures: long messages and long cell names
    frame = frames.findings_frame(seed)
    assert len(frame) == 3
    shown = cells(visit, frames.to_html(frame))
    message = frame.columns[-1]
    for c in shown:
        # Wrapped at spaces where it can, so a line may end early, but never one character long.
        if c["text"] in set(frame[message]):
            assert per_line(c) >= 15, c
        elif c["text"] in set(frame[frame.columns[2]]):
            assert per_line(c) >= 6, c
        else:
            assert c["lines"] == 1, c


def test_screenshot_of_the_frames(visit, sample):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    outputs = [frames.to_html(frames.findings_frame(build_report(REPO, *SEED)))]
    outputs += [frames.to_html(frames.table_frame(sample, t)) for t in ("二", "三", "四")]
    visit.page.set_content(page(*outputs), wait_until="load")
    path = SCREENSHOTS / "notebook-frames.png"
    visit.page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
