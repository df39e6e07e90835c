"""The PDF read back with poppler's pdftotext and pdfinfo."""
from __future__ import annotations

import re
import subprocess
from xml.etree import ElementTree

import pytest

from conftest import require_tool
from test_report_content import SECTIONS

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


def test_contents_with_page_numbers(pdf):
    first_pages = pdftotext("-layout", "-f", "1", "-l", "3", str(pdf))
    pages = page_count(pdf)
    for section in SECTIONS:
        match = re.search(re.escape(section) + r".*?\.{3,}\s*(\d+)\s*$", first_pages, re.M)
        assert match, f"no contents entry with a page number for {section!r}"
        assert 1 <= int(match.group(1)) <= pages


def test_every_section_and_page_numbers_present(pdf):
    text = pdftotext("-layout", str(pdf))
    pages = page_count(pdf)
    assert pages >= 10
    for section in SECTIONS:
        assert text.count(section) >= 2, section  # in the contents and as a heading
    assert f"Page 2 of {pages}" in text and f"Page {pages} of {pages}" in text


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
