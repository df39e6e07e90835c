"""The paged PDF, laid out in parts and joined.

WeasyPrint spends about a tenth of a second on each page, and an edit to the data usually
changes a few sections. So the PDF is laid out as separate documents: one per section (each
starts on a new page, so the pages come out as one long document would give them) and the
front matter (title, facts, contents). A part is laid out again only when its HTML, the charts
it shows or its first page number changed; otherwise its pages come from the cache.

Body pages are numbered from 1 in the sections; the front matter in roman numerals, so that
the length of the contents never shifts the body's page numbers. Joining the parts restores
what one document would have: links from one part to another (a citation to the
bibliography, a contents entry to its section), the contents' page numbers, bookmarks, page
labels matching the printed numbers, and the document's metadata.
"""
from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import re
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .floats import float_charts
from .render import CHART_URL, PrintParts, RenderError, charts_shown

CROSS_LINK = "https://report-part.invalid/#"  # a link to an anchor in another part, until the parts are joined
HREF = re.compile(r'href="#([^"]+)"')
ID = re.compile(r'\bid="([^"]+)"')


def page_numbers_css(first_page: int | None) -> str:
    """Body parts count on from their first page; the front matter counts i, ii, ..."""
    if first_page is None:
        return "@page { @bottom-center { content: counter(page, lower-roman); } }"
    return f'@page {{ @bottom-center {{ content: "Page " counter(page); }} }}\n@page :first {{ counter-reset: page {first_page}; }}'


@dataclass
class LaidOut:
    pdf: bytes
    pages: int
    anchors: dict[str, int]     # anchor -> page number as printed
    reused: bool = False
    gaps: list[str] = field(default_factory=list)  # pages left more than a third empty before a chart


@dataclass
class PdfStats:
    parts: int = 0
    laid_out: int = 0
    pages: int = 0
    seconds: float = 0.0
    layout_seconds: float = 0.0
    details: list[str] = field(default_factory=list)


def _find_libraries_in_the_linker_cache() -> None:
    """WeasyPrint looks its C libraries up by several names each (some never installed), and for every
    name that the linker cache lacks, Python's find_library runs the C compiler and the linker: about
    sixty processes, a second of CPU, before the first page. Look names up in the linker cache (read
    once): a name it lacks is not installed (cffi then tries the name as it is, then WeasyPrint the next
    name). Where the linker cache cannot be read, Python's own search is used."""
    import ctypes.util
    import re
    import subprocess
    from functools import lru_cache

    if getattr(ctypes.util.find_library, "linker_cache", False):
        return
    original = ctypes.util.find_library

    @lru_cache(maxsize=1)
    def cache() -> str:
        try:
            return subprocess.run(["/sbin/ldconfig", "-p"], capture_output=True, text=True, timeout=10).stdout
        except (OSError, subprocess.SubprocessError):
            return ""

    @lru_cache(maxsize=None)
    def find_library(name: str):
        if not cache():
            return original(name)
        match = re.search(rf"\s(lib{re.escape(name)}\.so[^\s]*)\s", cache())
        return match.group(1) if match else None

    find_library.linker_cache = True
    ctypes.util.find_library = find_library


def _weasyprint():
    _find_libraries_in_the_linker_cache()
    try:
        import weasyprint
    except (ImportError, OSError) as exc:
        raise RenderError(
            "The PDF engine (WeasyPrint) cannot load: "
            f"{str(exc).splitlines()[0]}\n"
            "  Fix: run `make report` (it installs the Python package and, as root, Debian's libpango-1.0-0 and "
            "libpangoft2-1.0-0), or build without the PDF: `make report PDF=0`.") from None
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    return weasyprint


def cross_part_links(html_text: str) -> str:
    """Links to anchors that are not in this part point outside it, so that the PDF engine keeps
    them; joining turns them back into links inside the PDF."""
    own = set(ID.findall(html_text))
    return HREF.sub(lambda m: m.group(0) if m.group(1) in own else f'href="{CROSS_LINK}{m.group(1)}"', html_text)


@lru_cache(maxsize=1)
def _own_code() -> str:
    """The code that lays a part out: this module and the float pass it runs."""
    digest = hashlib.sha256()
    for name in ("pdf.py", "floats.py"):
        digest.update((Path(__file__).with_name(name)).read_bytes())
    return digest.hexdigest()


def part_key(html_text: str, first_page: int | None, charts: dict[str, Path]) -> str:
    """What a part's pages depend on: its HTML, the charts' PNG bytes, its first page, the PDF
    engine's version and this module's code."""
    weasyprint = _weasyprint()
    digest = hashlib.sha256(f"{_own_code()}\0{weasyprint.__version__}\0{first_page}\0".encode())
    digest.update(html_text.encode())
    for name in sorted(set(charts_shown(html_text))):
        path = charts.get(name)
        digest.update(name.encode() + (hashlib.sha256(Path(path).read_bytes()).digest() if path else b"-"))
    return digest.hexdigest()[:24]


def _fetcher(charts: dict[str, Path]):
    """WeasyPrint's fetcher, plus the chart: scheme served from the charts' PNG files."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ChartFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith(CHART_URL):
                name = url[len(CHART_URL):].removesuffix(".png")
                if not charts.get(name) or charts[name] == "None":
                    raise RenderError(f"no PNG for chart '{name}'")
                return URLFetcherResponse(url, Path(charts[name]).read_bytes(), {"Content-Type": "image/png"})
            return super().fetch(url, headers)
    return ChartFetcher()


def lay_out(html_text: str, first_page: int | None, charts: dict[str, Path]) -> LaidOut:
    """One part as a PDF; first_page None for the front matter (roman numerals). No base address:
    links to the report's own files (tables, data, partner pages) stay relative, so they work
    wherever the published folder is opened and name nothing of the building machine."""
    weasyprint = _weasyprint()
    # In the document itself: stylesheets given to render() are the user's, which the page's own rules override.
    html_text = html_text.replace("</head>", f"<style>\n{page_numbers_css(first_page)}\n</style>\n</head>", 1)
    fetcher = _fetcher(charts)
    document, _, left = float_charts(lambda text: weasyprint.HTML(string=text, base_url=None, url_fetcher=fetcher).render(),
                               cross_part_links(html_text))
    start = 1 if first_page is None else first_page
    anchors = {name: start + index for index, page in enumerate(document.pages) for name in page.anchors}
    return LaidOut(document.write_pdf(pdf_variant="pdf/ua-1"), len(document.pages), anchors,
                   gaps=[f"page {start + page - 1} before chart '{chart.removeprefix('fig-')}'" for page, chart in left])


class PartCache:
    """Laid-out parts by key: the PDF and what joining needs (pages, anchors)."""

    def __init__(self, folder: Path, reuse: bool = True):
        self.folder = Path(folder)
        self.reuse = reuse
        self.used: set[str] = set()

    def get(self, key: str) -> LaidOut | None:
        self.used.add(key)
        if not self.reuse:
            return None
        try:
            meta = json.loads((self.folder / f"{key}.json").read_text())
            return LaidOut((self.folder / f"{key}.pdf").read_bytes(), meta["pages"], meta["anchors"], reused=True,
                           gaps=meta.get("gaps", []))
        except (OSError, ValueError, KeyError):
            return None

    def put(self, key: str, part: LaidOut) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        for suffix, data in ((".pdf", part.pdf), (".json", json.dumps({"pages": part.pages, "anchors": part.anchors, "gaps": part.gaps}).encode())):
            tmp = self.folder / f"{key}{suffix}.tmp{os.getpid()}"
            tmp.write_bytes(data)
            tmp.replace(self.folder / f"{key}{suffix}")

    def prune(self) -> None:
        """Forget parts this build did not use: the cache holds one report's worth."""
        for path in self.folder.glob("*"):
            if path.name.split(".")[0] not in self.used:
                path.unlink(missing_ok=True)


def _part(cache: PartCache, html_text: str, first_page: int | None, charts: dict[str, Path],
          stats: PdfStats, label: str) -> LaidOut:
    key = part_key(html_text, first_page, charts)
    part = cache.get(key)
    if part is None:
        started = time.perf_counter()
        part = lay_out(html_text, first_page, charts)
        cache.put(key, part)
        stats.laid_out += 1
        stats.layout_seconds += time.perf_counter() - started
        stats.details.append(f"{label}: {part.pages} pages laid out in {time.perf_counter() - started:.1f} s"
                             + (f"; a gap no text could fill: {', '.join(part.gaps)}" if part.gaps else ""))
    stats.parts += 1
    return part


class PartLayout:
    """Lays out the parts in order as they arrive (each needs the page count of those before it),
    then the front matter, and joins them."""

    def __init__(self, target: Path, cache_dir: Path, reuse: bool = True):
        self.target = Path(target)
        self.cache = PartCache(cache_dir, reuse)
        self.stats = PdfStats()
        self.body: list[LaidOut] = []
        self.anchors: dict[str, int] = {}
        self.next_page = 1

    def add(self, section_id: str, html_text: str, charts: dict[str, Path]) -> None:
        part = _part(self.cache, html_text, self.next_page, charts, self.stats, section_id)
        self.body.append(part)
        self.anchors.update(part.anchors)
        self.next_page += part.pages

    def finish(self, front: PrintParts) -> PdfStats:
        """The front matter, with the contents' page numbers, then the joined PDF."""
        first = _part(self.cache, front.front(self.anchors), None, {}, self.stats, "front matter")
        joining = time.perf_counter()
        join([first] + self.body, self.target, first.pages, front.context.title, front.context.build_key)
        joined = time.perf_counter() - joining
        self.stats.details.append(f"joined {len(self.body) + 1} parts in {joined:.1f} s")
        self.cache.prune()
        self.stats.pages = first.pages + self.next_page - 1
        self.stats.seconds = self.stats.layout_seconds + joined
        return self.stats


def serve(connection, target: Path, cache_dir: Path, reuse: bool = True) -> PdfStats:
    """The PDF process: import the engine while the notebooks run, then lay out each part as it
    arrives ("part", id, html, charts) and finish on ("finish", front)."""
    _weasyprint()
    import pikepdf  # noqa: F401

    layout = PartLayout(target, cache_dir, reuse)
    while True:
        message = connection.recv()
        if message[0] == "part":
            layout.add(*message[1:])
        elif message[0] == "finish":
            return layout.finish(message[1])


class PdfProcess:
    """The PDF process, started with fork+exec in the build's process group; talks over a socket
    pair. It ends by itself when the build goes away (end of file on the socket)."""

    def __init__(self, group, target: Path, cache_dir: Path, reuse: bool, log_dir: Path):
        import socket
        import sys
        from multiprocessing.connection import Connection

        ours, theirs = socket.socketpair()
        self.log_dir = Path(log_dir)
        self.process = group.popen([sys.executable, "-m", "logistics_pacts.build.pdf", str(theirs.fileno()), str(target),
                                    str(cache_dir), "1" if reuse else "0"], pass_fds=[theirs.fileno()])
        theirs.close()
        self.connection = Connection(ours.detach())

    def send(self, message) -> None:
        try:
            self.connection.send(message)
        except (BrokenPipeError, ConnectionResetError, OSError):
            self.result()  # the process ended: its own message says why
            raise RenderError("The PDF process stopped before the report was finished.")

    def result(self) -> dict:
        """Wait for the PDF; its statistics, or RenderError with the process's own message."""
        try:
            reply = self.connection.recv()
        except (EOFError, OSError):
            code = self.process.wait()
            raise RenderError(f"The PDF process ended unexpectedly (exit code {code}). The previous report is unchanged.") from None
        self.process.wait()
        if reply[0] == "done":
            return reply[1]
        if reply[0] == "render-error":
            raise RenderError(reply[1] + "\nThe previous report is unchanged.")
        log = self.log_dir / "build-error.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(reply[2], encoding="utf-8")
        raise RenderError(f"The PDF could not be rendered: {reply[1]}\n  The full traceback is in {log}. "
                          "The previous report is unchanged.")

    def stop(self) -> None:
        try:
            self.connection.close()
        except OSError:
            pass
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except Exception:  # noqa: BLE001 - the build stops its whole group afterwards
                self.process.kill()


def main(argv: list[str]) -> int:
    """`python -m logistics_pacts.build.pdf FD TARGET CACHE REUSE`: the PDF process."""
    import signal
    import traceback
    from multiprocessing.connection import Connection

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the build decides when the PDF process stops
    connection = Connection(int(argv[0]))
    try:
        stats = serve(connection, Path(argv[1]), Path(argv[2]), argv[3] == "1")
        connection.send(("done", stats.__dict__))
    except EOFError:
        return 0  # the build went away
    except RenderError as exc:
        connection.send(("render-error", str(exc)))
        return 3
    except Exception as exc:  # noqa: BLE001 - a bug: the build writes the traceback to its log
        connection.send(("error", f"{type(exc).__name__}: {exc}", traceback.format_exc()))
        return 4
    return 0



def join(parts: list[LaidOut], target: Path, front_pages: int, title: str, build_key: str) -> None:
    """One tagged PDF (PDF/UA-1) from the parts, with links across parts, page labels (i, ii, ... then
    1, 2, ...), bookmarks in order and the report's metadata. Written atomically."""
    from .pdfjoin import join_tagged

    join_tagged([part.pdf for part in parts], target, front_pages, title, creator=f"logistics-pacts build {build_key}",
                producer=f"WeasyPrint {_weasyprint().__version__}, joined by pikepdf", cross_link=CROSS_LINK)


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
