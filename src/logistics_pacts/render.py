"""Turn notebook fragments into pages: one HTML template with a numbered table of contents
and inline CSS (self-contained, works offline), and a paged PDF from the same HTML through
WeasyPrint (CSS paged media: page numbers, running title, contents with page numbers,
bookmarks from the headings).

The page's h1 is the report's title; each notebook's top headings become numbered sections
(1..N; those starting with "Appendix" become lettered appendices), citation markers
[@source-id] become numbered links to the bibliography, and each table gets a link to its CSV.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from .citations import replace_markers

HEADING = re.compile(r'<h([1-6])( id="([^"]*)")?>(.*?)</h\1>', re.S)
ANCHOR = re.compile(r'<a class="anchor-link"[^>]*>.*?</a>', re.S)
TAG = re.compile(r"<[^>]+>")
CELL_ID = re.compile(r'\s+id="cell-id=[^"]*"')  # nbconvert's per-notebook cell ids would repeat across sections
TABLE_WIDTHS = re.compile(r'<table data-widths="([0-9.,]*)">(<caption>.*?</caption>)', re.S)
CSV_LINK = re.compile(r'(<figure (?=[^>]*class="table)(?=[^>]*data-csv="([^"]+)")[^>]*>.*?<figcaption class="source-note">)(.*?)(</figcaption>)', re.S)


class RenderError(Exception):
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


def _template_text(name: str) -> str:
    return resources.files("logistics_pacts").joinpath("templates", name).read_text(encoding="utf-8")


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


def render_page(context: PageContext, sections: list[tuple[str, str]]) -> str:
    from jinja2 import Environment
    from markupsafe import Markup

    prepared = []
    for section_id, body in sections:
        body = fixed_column_widths(csv_links(CELL_ID.sub("", body), context.tables_prefix))
        prepared.append((section_id, replace_markers(body, context.numbers, context.citation_target)))
    numbered, toc = number_sections(prepared, demote=context.demote)
    environment = Environment(autoescape=True, keep_trailing_newline=True)
    template = environment.from_string(_template_text("page.html.j2"))
    return template.render(
        context=context, toc=toc, css=Markup(_template_text("report.css")),
        sections=[{"id": sid, "body": Markup(body)} for sid, body in numbered],
        footer=f"Generated by `make report` from the project's data and notebooks (build {context.build_key}).")


def write_pdf(page_html: str, target: Path, base: Path | None = None) -> bool:
    """Render the HTML to a paged PDF. Links to files beside the page resolve against `base`, the
    folder the report ends up in (never the staging folder, whose name changes from build to
    build). Raises RenderError with a fix when the engine is missing."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:
        raise RenderError(
            "The PDF engine (WeasyPrint) cannot load: "
            f"{str(exc).splitlines()[0]}\n"
            "  Fix: run `make report` (it installs the Python package and, as root, Debian's libpango-1.0-0 and "
            "libpangoft2-1.0-0), or build without the PDF: `make report PDF=0`.") from None
    import logging

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    HTML(string=page_html, base_url=str(base or target.parent) + "/").write_pdf(str(target))
    return True


VARYING_PDF_METADATA = re.compile(rb"/(CreationDate|ModDate) *\(D:[^)]*\)|/ID *\[<[0-9a-fA-F]*> *<[0-9a-fA-F]*>\]")


def comparable_pdf_bytes(pdf: bytes) -> bytes:
    """The PDF without metadata that may legitimately differ between builds: creation and
    modification dates and the file /ID. WeasyPrint 70 writes none of them today (the
    same inputs give the same bytes), but other engines or versions do."""
    return VARYING_PDF_METADATA.sub(b"", pdf)
