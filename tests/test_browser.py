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


WORDS_SPLIT = """() => {
  // Every word of every table cell on one line: a word whose characters fall on two lines was split.
  const split = [];
  for (const cell of document.querySelectorAll('figure.table td, figure.table th')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      // words of letters and digits; Chinese, Japanese and Korean text breaks between any two characters
      for (const match of node.textContent.matchAll(/[\\p{L}\\p{N}]{4,}/gu)) {
        if (/[\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}]/u.test(match[0])) continue;
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (lines.size > 1) split.push(match[0]);
      }
    }
  }
  return split;
}"""


@pytest.mark.parametrize("width", [1280, 900])
def test_words_are_never_split_inside_table_cells(browser, built_report, width):
    """At a laptop's and a narrow window's width, no word of any table breaks across lines (a wide
    table scrolls sideways instead)."""
    for name in ("index.html", "partners/japan.html"):
        log = PageLog(browser, built_report / name)
        try:
            log.page.set_viewport_size({"width": width, "height": 900})
            split = log.page.evaluate(WORDS_SPLIT)
            assert not split, f"{name} at {width}px: {sorted(set(split))[:10]}"
        finally:
            log.close()
