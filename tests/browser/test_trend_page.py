"""The review copy's trend panel in Chromium: the chart's labels are drawn with a CJK font (the
SVG names fonts, it embeds none), it fits a narrow window, the page asks for nothing else, and a
screenshot for a person to look at."""

from __future__ import annotations

import pytest

from browser_support import SCREENSHOTS, run_xxgk, skip_module_without_browser
from test_report_page import HAN, chinese_not_in_cjk_font
from xxgk import browser as xxgk_browser

skip_module_without_browser()

TOWNSHIP = "示例镇001"


@pytest.fixture(scope="module")
def page_path(tmp_path_factory, chromium):
    root = tmp_path_factory.mktemp("trend")
    run_xxgk("demo-data", "--townships", "1", "--years", "2019-2022", "--seed", "5", root=root)
    run_xxgk("batch", "-j", "2", root=root)
    return root / "output" / "2022" / f"{TOWNSHIP}.html"


@pytest.fixture
def opened(visit, page_path):
    visit.page.goto(page_path.as_uri(), wait_until="load")
    return visit


def test_the_chart_text_is_drawn_with_a_cjk_font(opened):
    page = opened.page
    labels = page.locator("#trend svg text").all_text_contents()
    assert "新收申请" in labels and "行政许可决定" in labels
    cjk = set(xxgk_browser.cjk_fonts())
    checked, bad = chinese_not_in_cjk_font(page, cjk)
    assert bad == []
    # Some of those elements were the chart's own labels.
    in_chart = page.eval_on_selector_all("#trend svg text", "ts => ts.filter(t => t.getBBox().width > 0).length")
    assert in_chart == len(labels) and sum(1 for t in labels if HAN.search(t)) >= 6


def test_nothing_is_fetched_and_the_chart_fits_a_narrow_window(opened, page_path):
    page = opened.page
    page.wait_for_load_state("networkidle")
    assert [u for u in opened.requests if u != page_path.as_uri() and not u.startswith("data:")] == []
    assert opened.errors == []
    page.set_viewport_size({"width": 420, "height": 900})
    svg = page.locator("#trend svg").bounding_box()
    panel = page.locator("#trend").bounding_box()
    assert 0 < svg["width"] <= panel["width"] + 0.5
    assert page.locator("#trend table").is_visible()
    page.set_viewport_size({"width": 1280, "height": 900})
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#trend").screenshot(path=str(SCREENSHOTS / f"trend-2022-{TOWNSHIP}.png"))
