"""The report in a real browser (headless Chromium), offline."""
from __future__ import annotations

import pytest

from browser import PageLog, open_browser

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def browser():
    with open_browser() as browser:
        yield browser


@pytest.mark.parametrize("page_name", ["index.html", "partners/japan.html", "partners/australia.html"])
def test_page_loads_offline_without_errors(browser, built_report, page_name):
    log = PageLog(browser, built_report / page_name)
    try:
        assert log.errors == []
        assert all(url.startswith(("file:", "data:")) for url in log.requests), log.requests
        charts = log.page.evaluate("Array.from(document.querySelectorAll('figure.chart svg[role=img]'))"
                                   ".map(s => [s.getBoundingClientRect().width, (s.getAttribute('aria-label') || '').length])")
        assert charts, "no charts"
        assert all(width > 300 and alt > 40 for width, alt in charts), charts
        assert log.page.title()
    finally:
        log.close()


def test_contents_links_land_on_their_sections(browser, built_report):
    log = PageLog(browser, built_report / "index.html")
    try:
        page = log.page
        page.set_viewport_size({"width": 1200, "height": 800})
        targets = page.eval_on_selector_all("nav.toc a", "links => links.map(a => a.getAttribute('href'))")
        assert len(targets) >= 12
        for target in targets:
            page.click(f'nav.toc a[href="{target}"]')
            top = page.evaluate(f"document.getElementById({target[1:]!r}).getBoundingClientRect().top")
            assert page.evaluate("location.hash") == target
            assert -5 <= top <= 120 or page.evaluate(
                "window.innerHeight + window.scrollY >= document.body.scrollHeight - 2"), (target, top)
            page.evaluate("window.scrollTo(0, 0)")
    finally:
        log.close()


def test_screenshot_renders(browser, built_report, tmp_path):
    log = PageLog(browser, built_report / "index.html")
    try:
        shot = tmp_path / "index.png"
        log.page.screenshot(path=str(shot), full_page=False)
        assert shot.stat().st_size > 20_000
    finally:
        log.close()
