"""The built report read back as readers meet it: numbered sections, citations that lead to
the bibliography, charts legible in print, no internal ids or words about how the data was
gathered, partner pages linked both ways, and the data downloadable beside the pages."""
from __future__ import annotations

import csv
import html as htmlmod
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow

SECTIONS = ["Key findings", "The 2020 agreement", "What the agreement means", "What each agreement covers",
            "India's logistics-support network",
            "Japan's ACSA network", "Exercises and documented uses", "Disputes that matter", "Method and sources"]
APPENDICES = ["Register of checked claims", "Agreements and their official titles", "Data dictionary", "Bibliography"]
PRINTED_APPENDICES = [a for a in APPENDICES if a != "Data dictionary"]  # the data dictionary is in the HTML only
# Lower case: 'Pentagon Brief' is a publisher, 'the brief' would be how the data was gathered.
PROCESS_WORDS = re.compile(r"\bbrief\b|stored cop|\bcorpus\b|seed file|\b\d{3}_[0-9a-f]{16}\.txt\b|\blookups?\b|\bin this pass\b|\bseeds?\b(?!\s\d)")


class Page(HTMLParser):
    """Headings, ids, links, SVG text and visible text of one page."""

    def __init__(self):
        super().__init__()
        self.headings, self.ids, self.links, self.svgs, self.texts = [], [], [], [], []
        self.svg_text_sizes, self._heading, self._skip = [], None, 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag in ("h1", "h2", "h3"):
            self._heading = (tag, "")
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "svg" and attrs.get("role") == "img":
            self.svgs.append(attrs)
        if tag == "text" and "font-size" in attrs.get("style", ""):
            self.svg_text_sizes.append(float(re.search(r"font-size: ([\d.]+)px", attrs["style"]).group(1)))
        if tag in ("style", "title", "script"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("h1", "h2", "h3") and self._heading:
            self.headings.append((self._heading[0], " ".join(self._heading[1].split())))
            self._heading = None
        if tag in ("style", "title", "script"):
            self._skip -= 1

    def handle_data(self, data):
        if self._heading:
            self._heading = (self._heading[0], self._heading[1] + data)
        if not self._skip:
            self.texts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.texts).split())


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.fixture(scope="module")
def index(built_report):
    return parse(built_report / "index.html")


def data_ids() -> set[str]:
    ids = set()
    for table, key in (("sources", "source_id"), ("agreements", "agreement_id"), ("events", "event_id"),
                       ("claims", "claim_id"), ("uses", "use_id"), ("provisions", "provision_id")):
        with open(ROOT / "data" / f"{table}.csv", encoding="utf-8", newline="") as handle:
            ids |= {row[key] for row in csv.DictReader(handle)}
    return ids


def test_the_first_heading_is_the_reports_title(index):
    assert index.headings[0] == ("h1", "India's military logistics-support agreements: the 2020 India–Japan pact in context")
    assert sum(1 for tag, _ in index.headings if tag == "h1") == 1


def test_sections_are_numbered_one_to_n_then_lettered_appendices(index):
    sections = [text for tag, text in index.headings if tag == "h2" and text != "Contents"]
    numbered = [s for s in sections if not s.startswith("Appendix")]
    assert [int(s.split()[0]) for s in numbered] == list(range(1, len(numbered) + 1))
    for number, title in enumerate(SECTIONS, 1):
        assert numbered[number - 1].startswith(f"{number} {title}"), numbered
    appendices = [s for s in sections if s.startswith("Appendix")]
    assert appendices == [f"Appendix {chr(65 + i)}: {title}" for i, title in enumerate(APPENDICES)]
    assert sections == numbered + appendices, "appendices come after the body"
    for tag, text in index.headings:
        if tag == "h3" and not text.startswith("Appendix"):
            assert re.match(r"^(\d+|[A-D])\.\d+ ", text), text


def test_ids_are_unique_and_contents_links_land_on_headings(index):
    assert len(index.ids) == len(set(index.ids))
    contents = [link[1:] for link in index.links if link.startswith("#") and not link.startswith("#ref-")]
    assert len(contents) >= len(SECTIONS) + len(APPENDICES)
    assert set(contents) <= set(index.ids)


def test_every_citation_leads_to_an_entry_of_the_bibliography(index, built_report):
    html = (built_report / "index.html").read_text(encoding="utf-8")
    assert "[@" not in html, "a citation marker was left unnumbered"
    references = {link[1:] for link in index.links if link.startswith("#ref-")}
    assert len(references) > 100
    assert references <= set(index.ids)
    # The bibliography lists exactly the documents the report and its partner profiles cite
    # ("[3–5]" cites 3, 4 and 5).
    cited = set()
    for path in [built_report / "index.html", *sorted((built_report / "partners").glob("*.html"))]:
        for citation in re.findall(r'<span class="citation">(.*?)</span>', path.read_text(encoding="utf-8")):
            for first, last in re.findall(r"(\d+)(?:–(\d+))?", re.sub(r"<[^>]+>", "", citation)):
                cited |= {f"ref-{n}" for n in range(int(first), int(last or first) + 1)}
    assert references <= cited
    assert {i for i in index.ids if i.startswith("ref-")} == cited


def test_no_internal_id_or_word_about_gathering_the_data(built_report):
    ids = data_ids()
    token = re.compile(r"[a-z0-9][a-z0-9-]*[a-z0-9]")
    for path in [built_report / "index.html", *sorted((built_report / "partners").glob("*.html"))]:
        text = re.sub(r"\S*/\S*", " ", parse(path).text)  # addresses shown in the bibliography are not prose
        leaked = {t for t in token.findall(text) if t in ids and "-" in t}
        assert not leaked, (path.name, sorted(leaked)[:10])
        assert not PROCESS_WORDS.search(text), (path.name, PROCESS_WORDS.search(text).group(0))


def test_every_chart_is_inline_svg_with_alt_text_and_legible_text(index):
    assert len(index.svgs) >= 8
    assert all(len(svg.get("aria-label", "")) > 60 for svg in index.svgs)
    assert index.svg_text_sizes and min(index.svg_text_sizes) >= 8


def test_chart_marks_link_to_their_sources(built_report):
    html = (built_report / "index.html").read_text(encoding="utf-8")
    svg_links = re.findall(r'<a [^>]*xlink:href="(https?://[^"]+)"', html)
    assert len(svg_links) > 50


def test_every_table_has_a_caption_a_source_note_and_its_csv(built_report):
    for path in [built_report / "index.html", built_report / "partners" / "japan.html"]:
        html = path.read_text(encoding="utf-8")
        tables = re.findall(r'<figure class="table[^"]*".*?</figure>', html, re.S)
        assert tables
        for table in tables:
            assert "<caption>" in table and 'class="source-note"' in table
            csv_link = re.search(r'<a class="csv" href="([^"]+)"', table)
            assert csv_link and (path.parent / htmlmod.unescape(csv_link.group(1))).is_file(), csv_link


def test_the_data_is_downloadable_beside_the_report(built_report):
    for source in sorted((ROOT / "data").iterdir()):
        if source.suffix in (".csv", ".json"):
            copy = built_report / "data" / source.name
            assert copy.is_file() and copy.read_bytes() == source.read_bytes(), source.name


def test_page_one_gives_cutoff_access_dates_and_how_to_cite(index):
    text = index.text
    assert "Data to 31 Oct 2026" in text and "documents read from" in text and "How to cite" in text
    assert re.search(r"version \d+\.\d+\.\d+, \w{3}\. \d+, \d{4}\. Data to 31 October 2026", text)


def test_partner_pages_and_the_report_link_both_ways(built_report, index):
    pages = sorted((built_report / "partners").glob("*.html"))
    assert len(pages) == 9
    for page in pages:
        assert f"partners/{page.name}" in index.links
        links = parse(page).links
        assert "../index.html" in links
        assert all(link.startswith("../index.html#ref-") for link in links if "#ref-" in link)


def test_partner_pages_stand_alone(built_report):
    japan = parse(built_report / "partners" / "japan.html")
    assert japan.headings[0] == ("h1", "Partner profile: Japan")
    sections = [text for tag, text in japan.headings if tag == "h2" and text != "Contents"]
    assert sections == ["1 At a glance", "2 Agreements", "3 Timeline", "4 Exercises", "5 Documented uses", "6 Disputes"]
    russia = parse(built_report / "partners" / "russia.html").text
    assert "Logistics agreement RELOS" in russia
    for page in (built_report / "partners").glob("*.html"):
        text = parse(page).text
        assert not re.search(r"\b1 (editions|uses|claims|agreements)\b", text), page.name


def test_key_findings_in_the_page_match_the_data(index, built_report):
    from logistics_pacts.citations import MARKER
    from logistics_pacts.findings import key_findings
    from logistics_pacts.load import load_dataset

    for finding in key_findings(load_dataset(ROOT / "data")):
        for part in MARKER.split(finding.text)[::2]:
            words = " ".join(part.split()).strip(" .;:,")
            if len(words) > 15:
                assert words in index.text, (finding.key, words)


def test_no_table_and_no_agreement_row_is_printed_twice(built_report):
    """Every table caption is different, and the agreement between India and Japan, which belongs to
    both networks, is a row of India's tables only (its matrix row, its dates)."""
    page = (built_report / "index.html").read_text(encoding="utf-8")
    captions = re.findall(r"<caption>(.*?)</caption>", page, re.S)
    assert captions and len(captions) == len(set(captions)), sorted(c for c in captions if captions.count(c) > 1)
    tables = built_report / "tables"
    for first, second in (("provisions-india", "provisions-japan"), ("india-network-table", "japan-network-table")):
        with open(tables / f"{first}.csv", encoding="utf-8") as a, open(tables / f"{second}.csv", encoding="utf-8") as b:
            rows_a = {r["Agreement"] for r in csv.DictReader(a)}
            rows_b = {r["Agreement"] for r in csv.DictReader(b)}
        assert rows_a and rows_b and not rows_a & rows_b, rows_a & rows_b
