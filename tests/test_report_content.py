"""The built report, read as a reader meets it: sections, alt text, captions, source notes."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

pytestmark = pytest.mark.slow

SECTIONS = ["Key findings", "India–Japan defence cooperation", "India's logistics-support network",
            "Japan's ACSA network", "Operationalisation", "Sources and conflicts", "Methods and data appendix",
            "Data dictionary", "Full source list", "Build information"]


class Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images, self.headings, self.ids, self.links, self.tables, self.captions = [], [], set(), [], 0, 0
        self._heading = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "img":
            self.images.append(attrs)
        if tag in ("h1", "h2"):
            self._heading = ""
        if tag == "a" and attrs.get("href", "").startswith("#"):
            self.links.append(attrs["href"][1:])
        if tag == "table":
            self.tables += 1
        if tag == "caption":
            self.captions += 1

    def handle_data(self, data):
        if self._heading is not None:
            self._heading += data

    def handle_endtag(self, tag):
        if tag in ("h1", "h2") and self._heading is not None:
            self.headings.append(self._heading.strip())
            self._heading = None


@pytest.fixture(scope="module")
def page(built_report):
    html = (built_report / "index.html").read_text(encoding="utf-8")
    collector = Collector()
    collector.feed(html)
    return html, collector


def test_every_section_is_present(page):
    html, collector = page
    for section in SECTIONS:
        assert any(h.startswith(section) for h in collector.headings), section


def test_every_figure_has_real_alt_text(page):
    _, collector = page
    assert len(collector.images) >= 7
    for image in collector.images:
        alt = image.get("alt", "")
        assert len(alt) > 60 and "No description has been provided" not in alt, alt
        assert image["src"].startswith("data:image/png;base64,")


def test_every_table_has_a_caption_and_every_figure_a_source_note(page):
    html, collector = page
    assert collector.tables >= 10 and collector.captions == collector.tables
    figures = re.findall(r'<figure class="(?:chart|table)".*?</figure>', html, re.S)
    assert figures and all('class="source-note"' in f for f in figures)


def test_contents_links_point_at_headings(page):
    _, collector = page
    assert len(collector.links) >= len(SECTIONS)
    assert all(target in collector.ids for target in collector.links)


def test_self_contained_and_free_of_code(page):
    html, _ = page
    assert not re.search(r'<(?:script|link)[^>]+(?:src|href)="https?://', html)
    assert "from logistics_pacts" not in html and "load_dataset(" not in html


def test_key_findings_in_the_page_match_the_data(page, built_report):
    from conftest import ROOT
    from logistics_pacts.findings import key_findings
    from logistics_pacts.load import load_dataset

    html, _ = page
    import html as htmlmod
    for finding in key_findings(load_dataset(ROOT / "data")):
        assert htmlmod.escape(finding.text, quote=False) in html, finding.key


def test_partner_pages(built_report):
    pages = sorted((built_report / "partners").glob("*.html"))
    assert len(pages) >= 9
    japan = (built_report / "partners" / "japan.html").read_text(encoding="utf-8")
    for heading in ("Partner profile: Japan", "Agreements", "Timeline", "Exercises", "Sources"):
        assert heading in japan
