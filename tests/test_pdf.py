"""The PDF read back with poppler (pdftotext, pdfinfo) and pypdf: the contents with page
numbers, sections numbered as in the HTML, a body of at most 35 pages before the appendices,
bookmarks, and no word outside the page."""
from __future__ import annotations

import re
import subprocess
from xml.etree import ElementTree

import pytest

from conftest import require_tool
from test_report_content import APPENDICES, SECTIONS

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


def test_contents_list_numbered_sections_then_appendices_with_page_numbers(pdf):
    first = pages(pdf)[0]
    total = page_count(pdf)
    for number, title in enumerate(SECTIONS, 1):
        match = re.search(rf"^\s*{number} {re.escape(title)}.*?\.{{3,}}\s*(\d+)\s*$", first, re.M)
        assert match, f"no contents entry '{number} {title}' with a page number on page 1"
        assert 1 <= int(match.group(1)) <= total
    for index, title in enumerate(APPENDICES):
        assert re.search(rf"Appendix {chr(65 + index)}: {re.escape(title)}.*?\.{{3,}}\s*\d+", first), title


def test_the_body_is_at_most_35_pages(pdf):
    texts = pages(pdf)
    starts = [i for i, text in enumerate(texts, 1) if re.search(r"^\s*Appendix A: Register", text, re.M) and "....." not in text]
    assert starts, "no page starts Appendix A"
    assert starts[0] - 1 <= 35, f"the body runs to page {starts[0] - 1}"


def test_page_one_gives_the_cutoff_and_how_to_cite(pdf):
    first = " ".join(pages(pdf)[0].split())
    assert "Data to 31 Oct 2026" in first and "How to cite" in first and "Sources read from" in first


def test_bookmarks_follow_the_sections(pdf):
    from pypdf import PdfReader

    outline = PdfReader(str(pdf)).outline
    titles = [item.title for item in outline if not isinstance(item, list)]
    for number, title in enumerate(SECTIONS, 1):
        assert any(t.startswith(f"{number} {title}") for t in titles), (title, titles[:12])
    assert any(t.startswith("Appendix B: Bibliography") for t in titles)


def test_every_section_and_page_numbers_present(pdf):
    text = pdftotext("-layout", str(pdf))
    total = page_count(pdf)
    for title in SECTIONS + APPENDICES:
        assert text.count(title) >= 2, title  # in the contents and as a heading
    assert f"Page 2 of {total}" in text and f"Page {total} of {total}" in text


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
