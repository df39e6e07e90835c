"""The PDF read back with poppler (pdftotext, pdfinfo) and pypdf: the contents with page
numbers, sections numbered as in the HTML, a body of at most 35 pages before the appendices,
bookmarks, and no word outside the page."""
from __future__ import annotations

import re
import subprocess
from xml.etree import ElementTree

import pytest

from conftest import require_tool
from test_report_content import PRINTED_APPENDICES, SECTIONS

pytestmark = [pytest.mark.pdf, pytest.mark.slow]


@pytest.fixture(scope="module")
def pdf(built_report):
    require_tool("pdftotext", "REQUIRE_PDF_TOOLS")
    return built_report / "report.pdf"


def pdftotext(*args) -> str:
    return subprocess.run(["pdftotext", *args, "-"], capture_output=True, text=True, check=True).stdout


def page_count(pdf) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def pages(pdf) -> list[str]:
    return pdftotext("-layout", str(pdf)).split("\f")


def contents_page(pdf) -> str:
    """The page with the contents (the title page comes first)."""
    return next(text for text in pages(pdf) if re.search(r"^\s*Contents\s*$", text, re.M))


def test_contents_list_numbered_sections_then_appendices_with_page_numbers(pdf):
    first = contents_page(pdf)
    total = page_count(pdf)
    for number, title in enumerate(SECTIONS, 1):
        match = re.search(rf"^\s*{number} {re.escape(title)}.*?\.{{3,}}\s*(\d+)\s*$", first, re.M)
        assert match, f"no contents entry '{number} {title}' with a page number on page 1"
        assert 1 <= int(match.group(1)) <= total
    for index, title in enumerate(PRINTED_APPENDICES):
        assert re.search(rf"Appendix {chr(65 + index)}: {re.escape(title)}.*?\.{{3,}}\s*\d+", first), title


def printed_number(text: str) -> str:
    return re.findall(r"^\s*(Page \d+|[ivx]+)\s*$", text, re.M)[-1]


def test_the_body_is_at_most_35_pages(pdf):
    texts = pages(pdf)
    starts = [text for text in texts if re.search(r"^\s*Appendix A: Register", text, re.M) and "....." not in text]
    assert starts, "no page starts Appendix A"
    first_appendix_page = int(printed_number(starts[0]).split()[1])
    assert first_appendix_page - 1 <= 35, f"the body runs to page {first_appendix_page - 1}"


def test_page_one_gives_the_cutoff_and_how_to_cite(pdf):
    first = " ".join(pages(pdf)[0].split())
    assert "Data to 31 Oct 2026" in first and "How to cite" in first and "documents read from" in first
    assert "Creative Commons Attribution 4.0 International" in first and "Version " in first


def test_bookmarks_follow_the_sections(pdf):
    from pypdf import PdfReader

    outline = PdfReader(str(pdf)).outline
    titles = [item.title for item in outline if not isinstance(item, list)]
    for number, title in enumerate(SECTIONS, 1):
        assert any(t.startswith(f"{number} {title}") for t in titles), (title, titles[:12])
    assert any(t.startswith(f"Appendix {chr(64 + len(PRINTED_APPENDICES))}: Bibliography") for t in titles)


def test_every_section_and_page_numbers_present(pdf):
    text = pdftotext("-layout", str(pdf))
    for title in SECTIONS + PRINTED_APPENDICES:
        assert text.count(title) >= 2, title  # in the contents and as a heading


def test_front_matter_counts_in_roman_and_the_body_from_page_1(pdf):
    """Printed numbers run i, ii, ... then Page 1, 2, ... to the end, and the PDF's page labels
    (what a viewer shows and a citation names) are the same numbers."""
    from pypdf import PdfReader

    printed = [printed_number(text) for text in pages(pdf)[:page_count(pdf)]]
    front = [p for p in printed if not p.startswith("Page")]
    assert front and front == ["i", "ii", "iii", "iv"][:len(front)]
    assert printed[len(front):] == [f"Page {n}" for n in range(1, len(printed) - len(front) + 1)]
    assert list(PdfReader(str(pdf)).page_labels) == front + [str(n) for n in range(1, len(printed) - len(front) + 1)]


def test_contents_page_numbers_lead_to_their_sections(pdf):
    texts = pages(pdf)
    by_number = {printed_number(text): text for text in texts if text.strip()}
    for number, title in enumerate(SECTIONS, 1):
        entry = re.search(rf"^\s*{number} {re.escape(title)}.*?\.{{3,}}\s*(\d+)\s*$", contents_page(pdf), re.M)
        page = by_number[f"Page {entry.group(1)}"]
        assert re.search(rf"^\s*{number} {re.escape(title[:30])}", page, re.M), (title, entry.group(1))


def test_citations_link_across_parts_to_the_bibliography(pdf):
    """The PDF is laid out in parts and joined: a citation in section 1 still leads to its entry."""
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    actions = [annotation.get_object()["/A"].get_object() for page in reader.pages
               for annotation in page.get("/Annots", []) or [] if "/A" in annotation.get_object()]
    citations = {str(a["/D"]) for a in actions if a.get("/S") == "/GoTo" and str(a["/D"]).startswith("ref-")}
    assert len(citations) > 100 and citations <= set(reader.named_destinations)
    assert not [a for a in actions if "invalid" in str(a.get("/URI", ""))], "a link between parts was not restored"


def test_no_text_outside_the_page(pdf):
    xhtml = pdftotext("-bbox", str(pdf))
    root = ElementTree.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", xhtml))
    namespace = {"x": "http://www.w3.org/1999/xhtml"}
    clipped = []
    for page_number, page in enumerate(root.iter("{http://www.w3.org/1999/xhtml}page"), 1):
        width, height = float(page.get("width")), float(page.get("height"))
        for word in page.findall("x:word", namespace):
            x_min, y_min = float(word.get("xMin")), float(word.get("yMin"))
            x_max, y_max = float(word.get("xMax")), float(word.get("yMax"))
            if x_min < 0 or y_min < 0 or x_max > width + 0.5 or y_max > height + 0.5:
                clipped.append((page_number, word.text))
    assert clipped == []


def test_japanese_korean_and_chinese_text_has_a_font(pdf):
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "WenQuanYi" in fonts, "titles in Japanese, Chinese or Korean would print as empty boxes"


def link_targets(pdf) -> list[str]:
    from pypdf import PdfReader

    targets = []
    for page in PdfReader(str(pdf)).pages:
        for annotation in page.get("/Annots", []) or []:
            action = annotation.get_object().get("/A")
            if action is not None and "/URI" in action.get_object():
                targets.append(str(action.get_object()["/URI"]))
    return targets


def test_links_stand_alone_no_path_of_the_building_machine(pdf, built_report):
    """Links to the tables, the data and the partner pages are relative and lead to files of the
    published folder; no link is a file: address or names the folder the report was built in."""
    targets = link_targets(pdf)
    local = [t for t in targets if not t.startswith(("http://", "https://"))]
    assert local, "the PDF links the report's own files"
    assert not [t for t in targets if t.startswith("file:") or str(built_report.parent) in t]
    for target in local:
        path = (built_report / target.split("#")[0])
        assert path.exists(), f"the PDF's link {target!r} leads to no file of the published folder"
    for page in [built_report / "index.html", *(built_report / "partners").glob("*.html")]:
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"""(href|src)=["']file:""", text) and str(built_report.parent) not in text, page.name


def bibliography_text(pdf) -> str:
    """The bibliography's text, column by column and without the running title and page number (its
    pages are set in two columns, and reading a page across would interleave them; an entry may run
    on from the foot of one page to the top of the next)."""
    texts = pages(pdf)
    first = next(i for i, text in enumerate(texts) if re.search(r"^\s*Appendix [A-Z]: Bibliography\s*$", text, re.M)
                 and "....." not in text)
    parts = []
    for number in range(first + 1, page_count(pdf) + 1):
        for x in (0, 298):  # A4 is 595 points wide; the columns meet in the middle
            parts.append(subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), "-x", str(x), "-y", "40",
                                         "-W", "297", "-H", "762", str(pdf), "-"],
                                        capture_output=True, text=True, check=True).stdout)
    return "\n".join(parts)


def test_bibliography_addresses_are_printed_whole(pdf):
    """Every address the bibliography links is printed in full (wrapped across lines), never cut
    short with an ellipsis."""
    text = bibliography_text(pdf)
    assert "…" not in text
    # pdftotext takes a hyphen at a line's end for hyphenation and drops it: compare without hyphens; an
    # entry's number laid out at a column's foot may come out inside the previous entry's text: drop numbers.
    bibliography = re.sub(r"[\s-]+", "", re.sub(r"\[\d+\]", "", text))
    urls = {t for t in link_targets(pdf) if t.startswith(("http://", "https://"))}
    assert len(urls) > 50
    from urllib.parse import unquote

    def printed(url: str) -> bool:  # as linked, or as an address with non-Latin letters is shown
        return any(re.sub(r"[\s-]+", "", form) in bibliography for form in (url, unquote(url)))

    cut = sorted(u for u in urls if not printed(u))
    assert not cut, cut[:5]
