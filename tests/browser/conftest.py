"""Rendered pages in front of a real browser: Debian's headless Chromium, driven by Playwright.

Playwright's own browser download is never used: the browser is the system's Chromium
(``executable_path``).  Without Chromium or a CJK font the browser tests skip, all of them on one
summary line saying what to install; under CI (``CI=true``) they fail instead, since CI installs
both (.ci/install-browser) and a skip there would hide a broken set-up.

Reports are rendered once per session with the real command (``xxgk render --root <tmp>``) from a
copy of the repository's data/ and params/, so the tests never write into the work tree except
for the screenshots under output/screenshots/, which are there for a person to look at.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from browser_support import NETWORK_URL, SAMPLE_2021, SEED, Visit, launch, make_root, run_xxgk, under_ci
from xxgk import browser as xxgk_browser


@pytest.fixture(scope="session")
def chromium() -> Path:
    """The Chromium executable; skips (or, under CI, fails) when it or a CJK font is missing.

    Browser test modules normally skip whole at collection (``skip_module_without_browser``);
    this is what makes a test fail under CI, and the skip for a module that forgot to ask."""
    problem = xxgk_browser.missing()
    if problem:
        if under_ci():
            pytest.fail(f"CI=true and {problem}", pytrace=False)
        pytest.skip(problem)
    path = xxgk_browser.find_chromium()
    assert path is not None
    return path


@pytest.fixture(scope="session")
def playwright(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def playwright_browser(playwright, chromium):
    b = launch(playwright, chromium)
    yield b
    b.close()


@pytest.fixture
def visit(playwright_browser):
    """A fresh browser context (no cache, no cookies) at a 1280 px wide viewport."""
    context = playwright_browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN",
                                             service_workers="block")
    v = Visit()
    context.on("request", lambda req: v.requests.append(req.url))
    context.on("weberror", lambda err: v.errors.append(str(err.error)))
    context.route(NETWORK_URL, lambda route: route.abort())
    v.page = context.new_page()
    yield v
    context.close()


@pytest.fixture(scope="session")
def rendered_root(tmp_path_factory, chromium) -> Path:
    """A root where the seed and the 2021 sample have been rendered to HTML by ``xxgk render``."""
    root = make_root(tmp_path_factory.mktemp("rendered"))
    for township, year in (SEED, SAMPLE_2021):
        run_xxgk("render", "--township", township, "--year", str(year), root=root)
    return root


@pytest.fixture(scope="session")
def pdf_root(tmp_path_factory, chromium) -> Path:
    """A root where the seed and the 2021 sample have been rendered with ``xxgk render --to pdf``."""
    root = make_root(tmp_path_factory.mktemp("printed"))
    for township, year in (SEED, SAMPLE_2021):
        run_xxgk("render", "--township", township, "--year", str(year), "--to", "pdf", root=root)
    return root
