"""The report as something to cite, read back from what the build writes: CITATION.cff valid
against the Citation File Format schema and in step with report.yaml; the title page's
publication details and licences; the "how to cite" block with BibTeX and RIS that parse; the
Highwire and Dublin Core <meta> tags; the bibliography formatted by the citation library and
also written as BibTeX and CSL-JSON; one count of documents wherever the report gives it; and
no link that leads nowhere."""
from __future__ import annotations

import csv
import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
import yaml

from conftest import ROOT

CFF_SCHEMA = ROOT / "tests" / "schemas" / "citation-file-format-1.2.0.json"


def plain(value):
    """YAML dates as the ISO strings the CFF schema expects."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value.isoformat() if isinstance(value, dt.date) else value


def config():
    return yaml.safe_load((ROOT / "report.yaml").read_text(encoding="utf-8"))


def rows(name):
    with open(ROOT / "data" / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# --------------------------------------------------------------------------- CITATION.cff (no build needed)

def test_citation_cff_is_valid_citation_file_format():
    import jsonschema

    data = plain(yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8")))
    validator = jsonschema.Draft7Validator(json.loads(CFF_SCHEMA.read_text()), format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
    assert not errors, [f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors]


def test_the_schema_check_catches_a_broken_citation_file():
    import jsonschema

    broken = plain(yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8")))
    broken.pop("authors")
    broken["date-released"] = "4 December 2026"
    validator = jsonschema.Draft7Validator(json.loads(CFF_SCHEMA.read_text()), format_checker=jsonschema.FormatChecker())
    assert len(list(validator.iter_errors(broken))) >= 2


def test_citation_cff_says_what_report_yaml_and_the_package_say():
    from logistics_pacts import __version__

    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    report = config()
    assert cff["title"] == report["title"] == cff["preferred-citation"]["title"]
    assert cff["version"] == __version__ == cff["preferred-citation"]["version"]
    assert cff["date-released"] == report["report"]["published"] == cff["preferred-citation"]["date-published"]
    assert [a["name"] for a in cff["authors"]] == report["report"]["authors"]
    assert set(cff["license"]) == {report["report"]["licence_text_data"], report["report"]["licence_code"]}
    assert cff.get("url", "") == (report["report"].get("url") or "")


# --------------------------------------------------------------------------- the built report

class Head(HTMLParser):
    def __init__(self):
        super().__init__()
        self.meta: list[tuple[str, str]] = []
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and "name" in attrs:
            self.meta.append((attrs["name"], attrs.get("content", "")))
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])
        if "id" in attrs:
            self.ids.add(attrs["id"])


def parsed(path: Path) -> Head:
    head = Head()
    head.feed(path.read_text(encoding="utf-8"))
    return head


def text_of(path: Path) -> str:
    raw = path.read_text(encoding="utf-8")
    raw = re.sub(r"<(style|script|svg)\b.*?</\1>", " ", raw, flags=re.S)
    import html

    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", raw)).split())


@pytest.mark.slow
def test_citation_meta_tags_name_the_report(built_report):
    meta = parsed(built_report / "index.html").meta
    tags = {}
    for name, content in meta:
        tags.setdefault(name, []).append(content)
    report = config()
    published = report["report"]["published"]
    assert tags["citation_title"] == [report["title"]] and tags["DC.title"] == [report["title"]]
    assert tags["citation_author"] == report["report"]["authors"]
    assert tags["citation_publication_date"] == [f"{published:%Y/%m/%d}"] and tags["DC.date"] == [published.isoformat()]
    assert tags["citation_publisher"] == [report["report"]["publisher"]]
    assert tags["citation_language"] == ["en"] and tags["DC.rights"][0].startswith("Creative Commons Attribution 4.0")
    if report["report"].get("url"):
        assert tags["citation_pdf_url"][0].startswith(("http://", "https://"))
    else:  # no address yet: no tag pretends to one
        assert "citation_pdf_url" not in tags and "DC.identifier" not in tags


def test_url_bearing_tags_appear_once_the_report_has_an_address():
    from logistics_pacts.build.citation import meta_tags, publication

    report = dict(config()["report"], url="https://example.org/reports/logistics/")
    pub = publication(report, "T", "9.9.9", dt.date(2026, 10, 31))
    tags = dict(meta_tags(pub))
    assert tags["citation_pdf_url"] == "https://example.org/reports/logistics/report.pdf"
    assert tags["citation_abstract_html_url"] == "https://example.org/reports/logistics/"


@pytest.mark.slow
def test_title_page_gives_publisher_version_date_cutoff_licences_and_citation(built_report):
    from logistics_pacts import __version__

    text = text_of(built_report / "index.html")
    front = text[: text.index("Contents")]
    report = config()["report"]
    assert report["publisher"] in front and f"Version {__version__}" in front
    assert f"published {report['published']:%-d %B %Y}" in front
    assert "Data to 31 Oct 2026" in front
    assert "Creative Commons Attribution 4.0 International" in front and "MIT License" in front
    assert "How to cite" in front and f"version {__version__}" in front


@pytest.mark.slow
def test_cite_files_parse_as_bibtex_and_ris(built_report):
    from logistics_pacts import __version__

    bib = (built_report / "cite.bib").read_text(encoding="utf-8")
    assert re.match(r"@report\{[a-z0-9]+,\n", bib) and bib.count("{") == bib.count("}")
    fields = dict(re.findall(r"^\s+(\w+) = \{(.*)\},$", bib, re.M))
    assert fields["title"] == config()["title"] and fields["version"] == __version__
    ris = (built_report / "cite.ris").read_bytes().decode("utf-8")
    lines = ris.split("\r\n")
    assert lines[0] == "TY  - RPRT" and "ER  - " in lines
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line) for line in lines if line)
    assert (built_report / "CITATION.cff").read_bytes() == (ROOT / "CITATION.cff").read_bytes()


@pytest.mark.slow
def test_the_bibliography_is_also_bibtex_and_csl_json_with_every_document(built_report):
    sources = rows("sources")
    items = json.loads((built_report / "bibliography.json").read_text(encoding="utf-8"))
    assert [i["id"] for i in items] and {i["id"] for i in items} == {s["source_id"] for s in sources}
    assert all(i["type"] in ("article-newspaper", "report", "webpage") and i["title"] for i in items)
    bib = (built_report / "bibliography.bib").read_text(encoding="utf-8")
    keys = re.findall(r"^@online\{([^,]+),$", bib, re.M)
    assert sorted(keys) == sorted(s["source_id"] for s in sources)
    for entry in bib.split("\n@"):
        body = re.sub(r"\\[{}]", "", entry)
        assert body.count("{") == body.count("}"), entry[:80]


@pytest.mark.slow
def test_bibliography_entries_are_in_one_named_style(built_report):
    """Entries come from the citation library in the IEEE style: title in quotes, the address after
    '[Online]. Available:' and linked."""
    page = (built_report / "index.html").read_text(encoding="utf-8")
    entries = re.findall(r'<li id="ref-\d+" value="\d+">(.*?)</li>', page, re.S)
    assert len(entries) > 300
    styled = [e for e in entries if "“" in e and "[Online]. Available:" in e and 'class="url"' in e]
    assert len(styled) == len([e for e in entries if 'class="url"' in e]) > 300


@pytest.mark.slow
def test_one_count_of_documents_wherever_the_report_gives_one(built_report):
    documents = len(rows("sources"))
    texts = [text_of(built_report / "index.html"), *(text_of(p) for p in (built_report / "partners").glob("*.html"))]
    counts = {int(n.replace(",", "")) for text in texts
              for n in re.findall(r"(?:rests on|of the) (\d[\d,]*) documents\b", text)}
    assert counts == {documents}, counts


@pytest.mark.slow
def test_claim_counts_add_up(built_report):
    claims = rows("claims")
    text = text_of(built_report / "index.html")
    total = int(re.search(r"In all, (\d+) claims", text).group(1))
    printed = int(re.search(r"The (\d+) checked claims about agreements, uses and networks", text).group(1))
    rest = int(re.search(r"The other (\d+) checked claims", text).group(1))
    assert total == len(claims) == printed + rest


@pytest.mark.slow
def test_no_link_leads_nowhere(built_report):
    """Every link of every page is a web address, an anchor of the page it points to, or a file of
    the published folder; none is a file: address or an absolute path."""
    pages = [built_report / "index.html", *(built_report / "partners").glob("*.html")]
    heads = {page.resolve(): parsed(page) for page in pages}
    for page in pages:
        for href in heads[page.resolve()].hrefs:
            scheme = urlparse(href).scheme
            if scheme in ("http", "https"):
                continue
            assert not scheme and not href.startswith("/"), f"{page.name}: {href}"
            path, _, fragment = href.partition("#")
            target = (page.parent / unquote(path)).resolve() if path else page
            assert target.exists(), f"{page.name}: {href} leads to no file"
            if fragment and target.suffix == ".html":
                assert fragment in heads[target].ids, f"{page.name}: {href} leads to no anchor"
