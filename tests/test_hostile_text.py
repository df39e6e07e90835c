"""Text from contributors is shown as text, never run: HTML, script and '&' in titles,
notes and publishers survive as literal characters in the HTML (checked in a real
browser) and in the PDF; '$' does not switch matplotlib into mathtext."""
from __future__ import annotations

import csv
import io
import subprocess

import pytest

from conftest import SMALL_CONFIG, make_project, require_tool, run_cli

pytestmark = pytest.mark.slow

SCRIPT = "<script>window.__pwned=1</script>"
IMAGE = '<img src=x onerror="window.__pwned=2">'
HOSTILE = f"Hostile {SCRIPT} & {IMAGE} costs $5 & $x^2$"


def rewrite(path, match, column, value, keep: bool = False):
    """Set `column` to `value` in the rows that match; `keep`: put the value before the cell's text
    (notes that name a document must keep naming it, or the document is cited by nothing)."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    header = rows[0]
    for row in rows[1:]:
        record = dict(zip(header, row))
        if match(record):
            row[header.index(column)] = f"{value} {row[header.index(column)]}" if keep else value
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory):
    # The register of claims (notes), the bibliography of the documents it cites (publishers) and
    # Australia's profile (titles).
    config = SMALL_CONFIG.replace("01-key-findings.ipynb", "10-appendix-claims.ipynb")
    root = make_project(tmp_path_factory.mktemp("hostile"), config=config)
    data = root / "data"
    rewrite(data / "events.csv", lambda r: r["agreement_id"] == "aus-ind-mlsa-2020" and r["milestone"] == "signed", "title", HOSTILE)
    rewrite(data / "events.csv", lambda r: r["kind"] == "exercise" and "AUS" in r["countries"], "title", HOSTILE)
    rewrite(data / "claims.csv", lambda r: r["verdict"] == "wrong", "note", HOSTILE, keep=True)
    rewrite(data / "sources.csv", lambda r: bool(r["seed_file"]), "publisher", HOSTILE)
    result = run_cli("build", root=root)
    assert result.returncode == 0, result.stderr
    return root / "report"


def test_html_escapes_every_path(hostile_report):
    for page in (hostile_report / "index.html", hostile_report / "partners" / "australia.html"):
        html = page.read_text(encoding="utf-8")
        assert SCRIPT not in html and IMAGE not in html
        assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html


@pytest.mark.browser
@pytest.mark.parametrize("page_name", ["index.html", "partners/australia.html"])
def test_browser_shows_text_and_runs_nothing(hostile_report, page_name):
    from browser import PageLog, open_browser

    with open_browser() as browser:
        log = PageLog(browser, hostile_report / page_name)
        try:
            assert log.page.evaluate("typeof window.__pwned") == "undefined"
            assert SCRIPT in log.page.inner_text("body")
            assert log.page.evaluate("document.querySelectorAll('main script, main img[src=x]').length") == 0
        finally:
            log.close()


@pytest.mark.pdf
def test_pdf_shows_the_literal_text(hostile_report):
    require_tool("pdftotext", "REQUIRE_PDF_TOOLS")
    text = subprocess.run(["pdftotext", str(hostile_report / "report.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    assert "<script>window.__pwned=1</script>" in text.replace("\n", " ")
