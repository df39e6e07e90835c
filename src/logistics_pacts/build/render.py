"""Turn notebook fragments into pages: one HTML template with a numbered table of contents
and inline CSS (self-contained, works offline), and the same template cut into parts for the
paged PDF (pdf.py lays them out with WeasyPrint: CSS paged media, running title, page numbers,
bookmarks from the headings).

The page's h1 is the report's title; each notebook's top headings become numbered sections
(1..N; those starting with "Appendix" become lettered appendices), citation markers
[@source-id] become numbered links to the bibliography, and each table gets a link to its CSV.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from ..errors import ReportError
from ..citations import MARKER, replace_markers

HEADING = re.compile(r'<h([1-6])( id="([^"]*)")?>(.*?)</h\1>', re.S)
ANCHOR = re.compile(r'<a class="anchor-link"[^>]*>.*?</a>', re.S)
TAG = re.compile(r"<[^>]+>")
CELL_STYLE = re.compile(r' style="text-align:(?:left|right)(;white-space:nowrap)?"')
CHART_SVG = re.compile(r'(<figure class="chart" id="fig-([^"]+)">)\s*(<svg\b[^>]*>).*?</svg>', re.S)
ARIA_LABEL = re.compile(r'aria-label="([^"]*)"')
CELL_ID = re.compile(r'\s+id="cell-id=[^"]*"')  # nbconvert's per-notebook cell ids would repeat across sections
TABLE_WIDTHS = re.compile(r'<table data-widths="([0-9.,]*)">(<caption>.*?</caption>)', re.S)
CSV_LINK = re.compile(r'(<figure (?=[^>]*class="table)(?=[^>]*data-csv="([^"]+)")[^>]*>.*?<figcaption class="source-note">)(.*?)(</figcaption>)', re.S)


CHART_URL = "chart:"  # print pages name their PNG charts by this scheme; the PDF engine is given the files


class RenderError(ReportError):
    pass


@dataclass
class PageContext:
    """What a page needs to know beyond its fragments."""
    title: str
    build_key: str
    numbers: dict[str, int] = field(default_factory=dict)   # source id -> bibliography number
    citation_target: str = ""                              # where the bibliography lives ('' or '../index.html')
    tables_prefix: str = "tables/"                         # where the tables' CSV files are
    subtitle: str = ""
    facts: list[str] = field(default_factory=list)         # page-one lines: cut-off, sources accessed, version
    cite_as: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, href): partner profiles, or back to the report
    links_title: str = ""
    demote: bool = True                                    # notebook h1 -> page h2 (the main report)
    downloads: list[tuple[str, str]] = field(default_factory=list)
    meta: list[tuple[str, str]] = field(default_factory=list)   # citation <meta> tags (name, content)
    publication: list[str] = field(default_factory=list)        # title page: publisher, version, date, URL
    licence: list[str] = field(default_factory=list)            # title page: the licences
    cite_files: list[tuple[str, str]] = field(default_factory=list)  # (label, href): the citation to download
    cite_records: list[tuple[str, str]] = field(default_factory=list)  # (label, text): BibTeX and RIS to copy (screen only)


def _template_text(name: str) -> str:
    return resources.files("logistics_pacts.build").joinpath("templates", name).read_text(encoding="utf-8")


def fixed_column_widths(body: str) -> str:
    """Tables carry their print column widths as data-widths; the page turns them into a
    colgroup so the PDF engine lays tables out in fixed mode (fast to paginate)."""
    def colgroup(match: re.Match) -> str:
        cols = "".join(f'<col style="width:{w}%"/>' for w in match.group(1).split(",") if w)
        return f"<table>{match.group(2)}<colgroup>{cols}</colgroup>"
    return TABLE_WIDTHS.sub(colgroup, body)


def csv_links(body: str, prefix: str) -> str:
    def add(match: re.Match) -> str:
        href = html.escape(prefix + match.group(2), quote=True)
        return f'{match.group(1)}{match.group(3)} <a class="csv" href="{href}">Table as CSV</a>{match.group(4)}'
    return CSV_LINK.sub(add, body)


def page_cells(body: str) -> str:
    """Table cells carry inline alignment for JupyterLab; the page's stylesheet aligns them
    (per-cell styles cost the PDF engine time on long tables)."""
    return CELL_STYLE.sub(lambda m: ' class="nowrap"' if m.group(1) else "", body)


def print_charts(body: str, png_for) -> str:
    """For the PDF: each chart as its PNG (drawn at print size and resolution) instead of inline
    SVG, whose many paths and hatch patterns are slow to paint. `png_for(name)` gives the file."""
    def swap(match: re.Match) -> str:
        path = png_for(match.group(2))
        if path is None:
            return match.group(0)
        label = ARIA_LABEL.search(match.group(3))
        alt = label.group(1) if label else ""
        return f'{match.group(1)}<img class="chart-png" src="{CHART_URL}{match.group(2)}.png" alt="{alt}"/>'
    return CHART_SVG.sub(swap, body)


def charts_shown(html_text: str) -> list[str]:
    """The chart names a print page shows as PNG."""
    return re.findall(rf'src="{CHART_URL}([^"]+)\.png"', html_text)


def cited_ids(fragments: list[str]) -> set[str]:
    return {i.strip().lstrip("@") for body in fragments for m in MARKER.finditer(body) for i in m.group(1).split(";")}


def bibliography_section(sources: list[dict], numbers: dict[str, int], cited: set[str], note: str,
                         entries: dict[str, str]) -> str:
    """The bibliography as a page section (an appendix): the documents cited on the page, with
    their report-wide numbers, each entry formatted by the citation library (escaped HTML)."""
    rows = sorted((s for s in sources if s["source_id"] in cited), key=lambda s: numbers[s["source_id"]])
    items = [f'<li id="ref-{numbers[row["source_id"]]}" value="{numbers[row["source_id"]]}"><span class="ref-number">'
             f'[{numbers[row["source_id"]]}]</span> {entries[row["source_id"]]}</li>' for row in rows]
    return (f'<h1 id="appendix-bibliography">Appendix: Bibliography</h1><p>{html.escape(note)}</p>'
            f'<ol class="bibliography">{"".join(items)}</ol>')


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


def number_sections(sections: list[tuple[str, str]], demote: bool = True) -> tuple[list[tuple[str, str]], list[dict]]:
    """Headings one level down (the page's h1 is its title), numbered: sections 1..N and their
    subsections n.m; a section whose heading starts with 'Appendix' becomes 'Appendix A: ...'.
    Ids are made unique across the page. Returns the sections and the contents entries."""
    seen: set[str] = set()
    toc: list[dict] = []
    out = []
    section_no, appendix_no, sub_no, in_appendix = 0, 0, 0, False

    def unique(wanted: str) -> str:
        candidate, n = wanted, 2
        while candidate in seen:
            candidate, n = f"{wanted}-{n}", n + 1
        seen.add(candidate)
        return candidate

    for section_id, body in sections:
        def heading(match: re.Match) -> str:
            nonlocal section_no, appendix_no, sub_no, in_appendix
            level = int(match.group(1)) + (1 if demote else 0)
            inner = ANCHOR.sub("", match.group(4)).strip()
            text = html.unescape(TAG.sub("", inner)).strip()
            label = ""
            if level == 2:
                sub_no = 0
                if text.lower().startswith("appendix"):
                    in_appendix, appendix_no = True, appendix_no + 1
                    letter = chr(ord("A") + appendix_no - 1)
                    rest = re.sub(r"^appendix\s*[:.\-–]?\s*", "", text, flags=re.I)
                    text = f"Appendix {letter}: {rest}"
                    inner = html.escape(text)
                else:
                    in_appendix, section_no = False, section_no + 1
                    label = f"{section_no}"
            elif level == 3:
                sub_no += 1
                label = f"{chr(ord('A') + appendix_no - 1) if in_appendix else section_no}.{sub_no}"
            new_id = unique(_slug(text))
            number = f'<span class="number">{label}</span> ' if label else ""
            if level <= 3:
                toc.append({"level": level - 1, "id": new_id, "text": f"{label} {text}".strip()})
            return f'<h{level} id="{new_id}">{number}{inner}</h{level}>'
        out.append((section_id, HEADING.sub(heading, body)))
    return out, toc


def _prepared(context: PageContext, sections: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], list[dict]]:
    prepared = []
    for section_id, body in sections:
        body = fixed_column_widths(csv_links(page_cells(CELL_ID.sub("", body)), context.tables_prefix))
        prepared.append((section_id, replace_markers(body, context.numbers, context.citation_target)))
    return number_sections(prepared, demote=context.demote)


@lru_cache(maxsize=1)
def _template():
    from jinja2 import Environment

    return Environment(autoescape=True, keep_trailing_newline=True).from_string(_template_text("page.html.j2"))


def _render_template(context: PageContext, toc: list[dict], sections: list[tuple[str, str]], front: bool = True,
                     footer: str = "", extra_css: str = "") -> str:
    from markupsafe import Markup

    return _template().render(context=context, toc=toc, css=Markup(_template_text("report.css")), front=front,
                           sections=[{"id": sid, "body": Markup(body)} for sid, body in sections],
                           footer=footer, extra_css=Markup(extra_css))


def render_page(context: PageContext, sections: list[tuple[str, str]]) -> str:
    numbered, toc = _prepared(context, sections)
    return _render_template(context, toc, numbered, footer=(
        f"Generated by `make report` from the project's data and notebooks (build {context.build_key})."))


@dataclass
class PrintParts:
    """The paged report as separate documents: front matter (title, facts, contents) and one
    document per section. Sections start on a new page (h2 breaks before), so the parts lay out
    as the whole would. `front(pages)` gives the front matter with the contents' page numbers."""
    context: PageContext
    toc: list[dict]
    sections: list[tuple[str, str]]   # (section id, html document)

    def front(self, pages: dict[str, int]) -> str:
        toc = [dict(entry, page=pages.get(entry["id"], "")) for entry in self.toc]
        return _render_template(self.context, toc, [], front=True)


def print_parts(context: PageContext, sections: list[tuple[str, str]], start: int = 0) -> PrintParts:
    """The parts of the PDF. Part documents carry no build key (it is on page one), so a part's
    HTML changes only when its section does. Sections are numbered in order, so the parts of a
    first few sections are the same whatever follows; `start` skips rendering the first ones
    (their entries in `sections` are then empty)."""
    from dataclasses import replace

    numbered, toc = _prepared(context, sections)
    running_title = context.title.replace("\\", "\\\\").replace('"', '\\"')
    part_css = f'@page {{ @top-center {{ content: "{running_title}"; }} }}\n' \
               f'@page :first {{ @top-center {{ content: "{running_title}"; }} }}'
    quiet = replace(context, build_key="")
    documents = [(sid, _render_template(quiet, [], [(sid, body)], front=False, extra_css=part_css) if i >= start else "")
                 for i, (sid, body) in enumerate(numbered)]
    return PrintParts(context, toc, documents)


VARYING_PDF_METADATA = re.compile(rb"/(CreationDate|ModDate) *\(D:[^)]*\)|/ID *\[<[0-9a-fA-F]*> *<[0-9a-fA-F]*>\]")


def comparable_pdf_bytes(pdf: bytes) -> bytes:
    """The PDF without metadata that may legitimately differ between builds: creation and
    modification dates and the file /ID. The joined PDF carries none of them today (the
    same inputs give the same bytes), but other engines or versions may."""
    return VARYING_PDF_METADATA.sub(b"", pdf)
