"""The PDF read back for its shape and its accessibility: the page budget, tagged PDF/UA with
alternative text for every chart (checked by a PDF/UA checker and by reading the structure tree
with pikepdf), no page left more than a third empty before a chart, headings on the same page as
what follows them, and no text smaller than 8 pt."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import require_tool

pytestmark = [pytest.mark.pdf, pytest.mark.slow]

WHOLE_PDF_PAGES = 55
HEADINGS = {"/H1", "/H2", "/H3", "/H4", "/H5", "/H6"}


@pytest.fixture(scope="module")
def pdf(built_report) -> Path:
    return built_report / "report.pdf"


@pytest.fixture(scope="module")
def tagged(pdf):
    import pikepdf

    with pikepdf.open(pdf) as document:
        yield document


def elements(root):
    """Structure elements in reading order (depth first)."""
    from logistics_pacts.build.pdfjoin import struct_elements

    return struct_elements(root)


def blocks_by_page(document) -> dict[int, list[str]]:
    """For each page, the structure types of the top-level blocks (P, H2, Table, Figure, ...) whose
    content appears on it, in reading order."""
    import pikepdf

    pages = {page.objgen: number for number, page in enumerate(document.pages, 1)}
    found: dict[int, list[str]] = {}

    def visit(element, page, block):
        kind = str(element.get("/S", ""))
        if "/Pg" in element:
            page = pages.get(element.Pg.objgen, page)
        if block is None and kind in HEADINGS | {"/P", "/Table", "/Figure", "/L", "/Caption"}:
            block = kind
        kids = element.get("/K")
        for kid in (list(kids) if isinstance(kids, pikepdf.Array) else [kids]) if kids is not None else []:
            if isinstance(kid, int) or (isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR"):
                where = pages.get(kid.Pg.objgen, page) if isinstance(kid, pikepdf.Dictionary) and "/Pg" in kid else page
                if where and block and (not found.get(where) or found[where][-1] != block):
                    found.setdefault(where, []).append(block)
            elif isinstance(kid, pikepdf.Dictionary):
                visit(kid, page, block)

    for element in elements(document.Root.StructTreeRoot.K):
        if str(element.get("/S", "")) in HEADINGS | {"/P", "/Table", "/Figure", "/L"}:
            visit(element, None, None)
    return found


def test_the_whole_pdf_is_at_most_55_pages(tagged):
    assert len(tagged.pages) <= WHOLE_PDF_PAGES, f"{len(tagged.pages)} pages"


def test_a_pdf_ua_checker_finds_nothing(pdf):
    checker = Path(sys.executable).with_name("pdfua")
    result = subprocess.run([str(checker), "check", str(pdf)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "result: PASS" in result.stdout


def test_the_pdf_is_tagged_as_pdf_ua_with_title_and_language(tagged):
    root = tagged.Root
    assert root.MarkInfo.Marked is True and "/StructTreeRoot" in root
    assert str(root.Lang) == "en" and root.ViewerPreferences.DisplayDocTitle is True
    with tagged.open_metadata() as meta:
        assert meta.get("pdfuaid:part") == "1"
        assert "logistics-support agreements" in meta.get("dc:title", "")


def test_every_chart_has_alternative_text_that_leads_with_its_message(tagged):
    figures = [e for e in elements(tagged.Root.StructTreeRoot.K) if e.get("/S") == "/Figure"]
    assert len(figures) >= 8
    for figure in figures:
        alt = str(figure.get("/Alt", ""))
        assert len(alt) > 60, alt
        assert not alt.startswith(("Grid:", "Horizontal bars", "Stacked bars", "Map of", "Step chart")), (
            f"the description starts with what is drawn, not with what it shows: {alt[:80]}")


def test_header_cells_carry_their_scope(tagged):
    import pikepdf

    headers = [e for e in elements(tagged.Root.StructTreeRoot.K) if e.get("/S") == "/TH"]
    assert headers
    for header in headers:
        found = header.get("/A")
        attributes = list(found) if isinstance(found, pikepdf.Array) else [found] if found is not None else []
        assert any(str(a.get("/Scope", "")) in ("/Column", "/Row", "/Both") for a in attributes), "a header cell without /Scope"


def test_headings_are_not_empty_and_links_are_described(tagged):
    for element in elements(tagged.Root.StructTreeRoot.K):
        if str(element.get("/S", "")) in HEADINGS:
            assert element.get("/K") is not None, "an empty heading element"
    for page in tagged.pages:
        for annotation in page.obj.get("/Annots", []):
            if annotation.get("/Subtype") == "/Link":
                assert str(annotation.get("/Contents", "")).strip(), "a link without a description"


def test_headings_stay_with_what_follows(tagged):
    """No page ends with a heading whose text continues on the next page."""
    for page, blocks in sorted(blocks_by_page(tagged).items()):
        assert blocks[-1] not in HEADINGS, f"page {page} ends with a heading ({blocks})"


def page_fill(pdf: Path, page: int, landscape: bool) -> float:
    """Share of the page's content area with ink on it, from the top: the page drawn at 24 dpi,
    the lowest inked row inside the margins (the running title and the page number stand in them)."""
    from PIL import Image

    out = subprocess.run(["pdftoppm", "-r", "24", "-gray", "-f", str(page), "-l", str(page), str(pdf)],
                         capture_output=True, check=True).stdout
    import io

    image = Image.open(io.BytesIO(out)).convert("L")
    width, height = image.size
    margin = int(height * ((1.4 / 21.0) if landscape else (2.0 / 29.7)))
    pixels = image.load()
    lowest = margin
    for y in range(margin, height - margin):
        if any(pixels[x, y] < 200 for x in range(0, width, 2)):
            lowest = y
    return (lowest - margin) / (height - 2 * margin)


def test_no_page_is_more_than_a_third_empty_before_a_chart(pdf, tagged):
    require_tool("pdftoppm", "REQUIRE_PDF_TOOLS")
    blocks = blocks_by_page(tagged)
    opening = [page for page, kinds in blocks.items()
               if page > 1 and next((k for k in kinds if k not in HEADINGS), None) == "/Figure"]
    assert opening, "no page begins with a chart: the check would test nothing"
    for page in opening:
        before = tagged.pages[page - 2]
        box = before.mediabox
        landscape = float(box[2]) > float(box[3])
        if page - 1 not in blocks:
            continue
        fill = page_fill(pdf, page - 1, landscape)
        assert fill >= 2 / 3 - 0.02, f"page {page - 1} is {1 - fill:.0%} empty before the chart that opens page {page}"


def test_no_text_is_smaller_than_8_points(pdf):
    from pypdf import PdfReader

    smallest = {}
    for number, page in enumerate(PdfReader(pdf).pages, 1):
        sizes = []

        def visit(text, cm, tm, font, size):
            if text.strip() and size:
                scale = abs(tm[3] * cm[3]) or abs(tm[0] * cm[0]) or 1
                sizes.append(size * scale)
        page.extract_text(visitor_text=visit)
        if sizes:
            smallest[number] = min(sizes)
    assert smallest and min(smallest.values()) >= 7.95, {p: round(s, 2) for p, s in smallest.items() if s < 7.95}
