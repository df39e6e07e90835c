"""Charts that float, as in a printed book.

A chart never breaks across pages, so one that does not fit in what is left of a page moves to
the next, and the page before it can be left mostly empty. A typesetter floats the chart: the
text that follows it is set first, filling the page, and the chart comes after. This module
does the same with the laid-out pages of one part: where a page is more than a third empty and
the next page begins with a chart, the notebook cell holding the chart moves after the cell
that follows it, and the part is laid out again. It stops when no page needs it, when the
chart has nothing left to move past (another chart, or the end of the section), or after a
few rounds.
"""
from __future__ import annotations

from dataclasses import dataclass

EMPTY_LIMIT = 1 / 3        # a page more than this empty before a chart is a gap to fill
MAX_ROUNDS = 6
CONTENT_BOXES = ("LineBox", "InlineReplacedBox", "BlockReplacedBox", "TableRowBox")


@dataclass(frozen=True)
class PageFill:
    number: int                 # 1-based, within the part
    filled: float               # share of the content area used, 0..1
    opens_with_chart: str | None  # id of the chart figure the page begins with


def _leaves(box, ancestors=()):
    """Content boxes in order, each with the elements it sits in (outermost first)."""
    element = getattr(box, "element", None)
    if element is not None and box.element_tag and (not ancestors or ancestors[-1] is not element):
        ancestors = ancestors + (element,)
    if type(box).__name__ in CONTENT_BOXES:
        yield box, ancestors
    for child in getattr(box, "children", None) or ():
        yield from _leaves(child, ancestors)


def _chart_of(ancestors) -> str | None:
    for element in ancestors:
        if element.tag == "figure" and "chart" in (element.get("class") or "").split():
            return element.get("id")
    return None


def _is_heading(ancestors) -> bool:
    return any(element.tag in ("h1", "h2", "h3", "h4") for element in ancestors)


def page_fills(document) -> list[PageFill]:
    """How full each laid-out page is, and the chart it begins with, if it begins with one (headings
    above the chart do not count as content). Margin boxes (running title, page number) do not count."""
    fills = []
    for number, page in enumerate(document.pages, 1):
        box = page._page_box
        top, height = box.content_box_y(), box.height
        lowest, opens = top, None
        leaves = [leaf for root in box.children if type(root).__name__ != "MarginBox" for leaf in _leaves(root)]
        for node, _ in leaves:
            lowest = max(lowest, node.position_y + node.margin_height())
        for node, ancestors in sorted(leaves, key=lambda leaf: leaf[0].position_y):
            if _is_heading(ancestors):
                continue
            opens = _chart_of(ancestors)
            break
        fills.append(PageFill(number, (lowest - top) / height if height else 1.0, opens))
    return fills


def gaps(fills: list[PageFill]) -> list[tuple[int, str]]:
    """(page, chart id) for each page more than EMPTY_LIMIT empty that is followed by a page
    beginning with a chart."""
    return [(before.number, after.opens_with_chart) for before, after in zip(fills, fills[1:])
            if after.opens_with_chart and before.filled < 1 - EMPTY_LIMIT]


HOLDS_CHART = './/figure[contains(concat(" ", @class, " "), " chart ")]'


def move_past_next_cell(html_text: str, chart_id: str) -> str | None:
    """The part's HTML with the notebook cell holding the chart, and the chart cells right after
    it (charts keep their order), moved after the next cell that holds no chart; None when
    there is no such cell."""
    import lxml.html

    root = lxml.html.document_fromstring(html_text)
    found = root.xpath(f'//figure[@id="{chart_id}"]')
    if not found:
        return None
    cell = next((a for a in found[0].iterancestors() if "cell" in (a.get("class") or "").split()), None)
    if cell is None:
        return None
    run = [cell]
    while run[-1].getnext() is not None and run[-1].getnext().xpath(HOLDS_CHART):
        run.append(run[-1].getnext())
    following = run[-1].getnext()
    if following is None:
        return None
    for moving in reversed(run):
        moving.getparent().remove(moving)
        following.addnext(moving)
    return lxml.html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>")


def float_charts(render, html_text: str):
    """Lay out `html_text` with `render(html) -> document`; where a gap precedes a chart, move the
    chart down one cell at a time until the page before it is filled, keeping a move only if it
    fills that page. Returns the document, the HTML it was laid out from and the gaps left
    (where nothing could move)."""
    document = render(html_text)
    rounds = 0
    settled: set[str] = set()
    while rounds < MAX_ROUNDS:
        pending = [(page, chart) for page, chart in gaps(page_fills(document)) if chart not in settled]
        if not pending:
            break
        page, chart = pending[0]
        trial, improved = html_text, None
        while rounds < MAX_ROUNDS:
            trial = move_past_next_cell(trial, chart)
            if trial is None:
                break
            rounds += 1
            laid = render(trial)
            fills = page_fills(laid)
            if len(fills) >= page and fills[page - 1].filled >= 1 - EMPTY_LIMIT:
                improved = (trial, laid)
                break
        settled.add(chart)
        if improved:
            html_text, document = improved
    return document, html_text, gaps(page_fills(document))
