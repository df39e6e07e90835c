"""Show figures and tables in a notebook the way the report needs them: a caption, a
source note and alt text travel with every chart, every cell of every table is
HTML-escaped, and each figure and table is also saved (PNG, SVG, CSV) when the notebook
is given an output folder. The same output reads well in JupyterLab (left-aligned text,
caption and source note on lines of their own) and in the report."""
from __future__ import annotations

import html
import io
import re
from collections import Counter
from pathlib import Path

import pandas as pd

from .citations import MARKER, marker
from .rules import FORMULA_START
from .style import MIN_POINTS, PNG_METADATA, RC, SVG_METADATA, chart_style

esc = html.escape
MAX_TABLE_ROWS = 200  # longer tables show their head and name the CSV holding all rows


def display_html(markup: str) -> None:
    from IPython.display import HTML, display
    display(HTML(markup))


def source_note(dataset, source_ids, limit: int = 4, lead: str = "Sources") -> str:
    """'Sources: Ministry of Foreign Affairs of Japan [@a]; Press Information Bureau [@b]; … and N other
    documents (Appendix D).' Official records come first, then the documents cited most often."""
    ids = []
    for value in source_ids:
        ids.extend(value if isinstance(value, (list, tuple)) else [p.strip() for p in str(value).split(";") if p.strip()])
    counts = Counter(i for i in ids if i in dataset.sources.index)
    if not counts:
        return f"{lead}: the project dataset."
    sources = dataset.sources.loc[list(counts)]
    rank = {"official": 0}
    ordered = sorted(counts, key=lambda i: (rank.get(sources.at[i, "kind"], 1), -counts[i], sources.at[i, "publisher"].casefold(), i))
    shown = ordered[:limit]
    by_publisher: dict[str, list[str]] = {}
    for source_id in shown:
        by_publisher.setdefault(sources.at[source_id, "publisher"], []).append(source_id)
    parts = [f"{publisher} {marker(group)}" for publisher, group in by_publisher.items()]
    rest = len(ordered) - len(shown)
    more = f"; and {rest} other document{'s' if rest != 1 else ''} cited in the rows" if rest > 0 else ""
    return f"{lead}: " + "; ".join(parts) + more + "."


# --------------------------------------------------------------------------- figures

def _drawn_texts(fig):
    """Every text matplotlib draws: tick labels outside an axis's view are made but never drawn."""
    import matplotlib.text

    hidden = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            slack = (high - low) * 1e-6
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if not low - slack <= tick.get_loc() <= high + slack:
                    hidden.update({id(tick.label1), id(tick.label2)})
    return [t for t in fig.findobj(matplotlib.text.Text)
            if t.get_visible() and t.get_text().strip() and id(t) not in hidden]


def legibility_problems(fig) -> list[str]:
    """What makes a figure illegible once printed at its size: text under MIN_POINTS, and
    anything drawn outside the figure (a clipped label or legend). Lays the figure out without
    rasterising it."""
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    texts = _drawn_texts(fig)
    problems = [f"text '{t.get_text()[:40]}' is {t.get_fontsize():.1f} pt (at least {MIN_POINTS:.0f} pt)"
                for t in texts if t.get_fontsize() < MIN_POINTS - 0.01]
    width, height = fig.get_size_inches()
    tight = fig.get_tightbbox(renderer)
    if tight.x0 < -0.01 or tight.y0 < -0.01 or tight.x1 > width + 0.01 or tight.y1 > height + 0.01:
        box = fig.bbox
        outside = [t.get_text()[:40] for t in texts if (lambda e: e.x0 < box.x0 - 1 or e.y0 < box.y0 - 1
                   or e.x1 > box.x1 + 1 or e.y1 > box.y1 + 1)(t.get_window_extent(renderer))]
        problems.append("something is drawn outside the figure" + (f": {', '.join(repr(t) for t in outside[:5])}" if outside else ""))
    return problems


SVG_ID = re.compile(r'(\bid="|url\(#|href="#)([^"\)]+)')


def svg_text(fig) -> str:
    with chart_style():
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata=SVG_METADATA)
    return buffer.getvalue()


def svg_markup(svg: str, name: str, alt: str) -> str:
    """The figure's SVG made inline for the page: ids made unique to this figure, the alt text as
    its accessible name, links set on marks (set_url) kept."""
    svg = svg[svg.index("<svg"):]
    svg = SVG_ID.sub(lambda m: f"{m.group(1)}{name}-{m.group(2)}", svg)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{esc(alt, quote=True)}" class="chart-svg" ', 1).replace(
        ">", f"><title>{esc(alt)}</title>", 1)


FORMATS = ("svg", "png")


def save_figure(fig, name: str, output_dir: Path | str | None, svg: str | None = None,
                formats: tuple[str, ...] | list[str] = FORMATS) -> None:
    """The figure's files under output_dir, when one is given: SVG (the pages show it) and PNG (the
    PDF prints it), each drawn once; `formats` leaves out a format nothing prints."""
    if output_dir is None:
        return
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise ValueError(f"figure formats {sorted(unknown)} are not known; use some of {list(FORMATS)}")
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    if "png" in formats:
        with chart_style():
            fig.savefig(out / f"{name}.png", format="png", dpi=RC["savefig.dpi"], metadata=PNG_METADATA)
    if "svg" in formats:
        (out / f"{name}.svg").write_text(svg if svg is not None else svg_text(fig), encoding="utf-8")


def figure_html(svg: str, name: str, caption: str, note: str) -> str:
    return (f'<figure class="chart" id="fig-{esc(name)}">{svg}'
            f'<figcaption><p class="caption">{esc(caption)}</p>'
            f'<p class="source-note">{esc(note)}</p></figcaption></figure>')


def show_figure(fig, name: str, caption: str, alt: str, note: str, output_dir: Path | str | None = None,
                formats: tuple[str, ...] | list[str] = FORMATS) -> None:
    """Show the figure with caption, source note and alt text (saving it in `formats` when given a
    folder), then close it. Refuses a figure that would be illegible in print."""
    import matplotlib.pyplot as plt

    if not alt or not alt.strip():
        raise ValueError(f"figure '{name}' needs alt text describing what it shows")
    problems = legibility_problems(fig)
    if problems:
        plt.close(fig)
        raise ValueError(f"figure '{name}' is not legible in print: " + "; ".join(problems))
    svg = svg_text(fig)
    save_figure(fig, name, output_dir, svg, formats)
    plt.close(fig)
    svg = svg_markup(svg, name, alt)
    display_html(figure_html(svg, name, caption, note))


# --------------------------------------------------------------------------- tables

def _cell_text(value) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _printed(text: str) -> str:
    """Text as printed: a citation marker becomes numbers ('[@a; @b]' prints as '[123, 456]')."""
    return MARKER.sub(lambda m: "[" + ", ".join("000" for _ in m.group(1).split(";")) + "]", text)


def column_widths(frame: pd.DataFrame, columns: list[str], nowrap: tuple[str, ...] = (), available: float = 110.0) -> list[float]:
    """Percent widths for a fixed table layout (fast to paginate). Widths are reckoned in
    characters of the printed font (`available` fit across the page): every column first gets
    room for its longest word, header words included (no word broken mid-way), and a column
    whose cells never wrap (dates) room for its longest cell; what is left goes to the columns
    with more text, in proportion to their typical content."""
    minimum, wanted = [], []
    for column in columns:
        texts = [_printed(_cell_text(v)) for v in frame[column]]
        mean = sum(map(len, texts)) / len(texts) if texts else 0
        longest_word = max([len(w) for t in texts for w in t.split()] + [0])
        header_word = max((len(w) for w in str(column).split()), default=0)
        floor = max(min(longest_word, 16), header_word * 1.35, 4) + 1.5
        if column in nowrap:
            floor = max(floor, max(map(len, texts), default=0) + 1.5)
        minimum.append(floor)
        wanted.append(max(floor, min(mean, 70.0) + 1.5))
    spare = max(available - sum(minimum), 0.0)
    extra = [w - m for w, m in zip(wanted, minimum)]
    share = sum(extra) or 1.0
    widths = [m + spare * e / share for m, e in zip(minimum, extra)] if sum(extra) else minimum
    total = sum(widths) or 1.0
    return [round(100 * w / total, 1) for w in widths]


LEFT = ' style="text-align:left"'
RIGHT = ' style="text-align:right"'


NOWRAP = ' style="text-align:left;white-space:nowrap"'


def table_html(frame: pd.DataFrame, caption: str, note: str, name: str, links: dict[str, str] | None = None,
               numeric: tuple[str, ...] = (), nowrap: tuple[str, ...] = (), css_class: str = "") -> str:
    """An HTML table in which every header and cell is escaped. `links` maps a column to the
    column holding its URL; such cells become links. Cells of `nowrap` columns (dates) never
    wrap. The column widths for print travel as `data-widths` (the report turns them into a
    fixed layout; JupyterLab lays the table out freely); `data-csv` names the table's CSV."""
    links = links or {}
    shown = [c for c in frame.columns if c not in set(links.values())]
    align = {c: RIGHT if c in numeric else NOWRAP if c in nowrap else LEFT for c in shown}
    head = "".join(f'<th scope="col"{align[c]}>{esc(str(c))}</th>' for c in shown)
    available = 170.0 if "landscape" in css_class else 125.0 if "register" in css_class else 110.0
    widths = ",".join(str(w) for w in column_widths(frame, shown, nowrap, available))
    rows = []
    for _, row in frame.iterrows():
        cells = []
        for column in shown:
            text = _cell_text(row[column])
            cls = ' class="num"' if column in numeric else ""
            url = row.get(links[column]) if column in links else None
            if url and str(url).startswith(("http://", "https://")):
                cells.append(f'<td{cls}{align[column]}><a href="{esc(str(url), quote=True)}">{esc(text)}</a></td>')
            else:
                cells.append(f"<td{cls}{align[column]}>{esc(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    classes = " ".join(["table", css_class]).strip()
    return (f'<figure class="{classes}" id="tab-{esc(name)}" data-csv="{esc(name)}.csv"><table data-widths="{widths}">'
            f'<caption>{esc(caption)}</caption><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>'
            f'<figcaption class="source-note">{esc(note)}</figcaption></figure>')


def cut_table(frame: pd.DataFrame, note: str, name: str, max_rows: int = MAX_TABLE_ROWS) -> tuple[pd.DataFrame, str]:
    """A table longer than `max_rows` keeps its first rows, and its note says where the whole table is."""
    if len(frame) <= max_rows:
        return frame, note
    return frame.head(max_rows), (f"{note} Showing the first {max_rows} of {len(frame)} rows; "
                                  f"the whole table is in its CSV file ({name}.csv).")


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """The table as it goes into a CSV file: a text cell that a spreadsheet would run as a formula
    (=, +, @, a tab, or a minus that starts no number) gets a leading apostrophe, which spreadsheets
    show as text. The data's own CSV files refuse such cells (rules.py); this guards derived text."""
    return frame.map(lambda v: "'" + v if isinstance(v, str) and FORMULA_START.match(v) else v)


def show_table(frame: pd.DataFrame, caption: str, note: str, name: str, output_dir: Path | str | None = None,
               links: dict[str, str] | None = None, numeric: tuple[str, ...] = (), nowrap: tuple[str, ...] = (),
               max_rows: int = MAX_TABLE_ROWS, css_class: str = "", export: pd.DataFrame | None = None) -> None:
    """Show an escaped table with caption and source note; save it as CSV when given a folder
    (`export`: the rows as the CSV should hold them, when the page shows them abridged)."""
    if output_dir is not None:
        out = Path(output_dir) / "tables"
        out.mkdir(parents=True, exist_ok=True)
        spreadsheet_safe(frame if export is None else export).to_csv(out / f"{name}.csv", index=False)
    shown, note = cut_table(frame, note, name, max_rows)
    display_html(table_html(shown, caption, note, name, links, numeric, nowrap, css_class))


def show_text(text: str, css_class: str = "note") -> None:
    """A paragraph of data-derived text, escaped."""
    display_html(f'<p class="{esc(css_class)}">{esc(text)}</p>')


def show_list(items: list[str], css_class: str = "findings", max_items: int = MAX_TABLE_ROWS) -> None:
    shown = "".join(f"<li>{esc(i)}</li>" for i in items[:max_items])
    more = f'<p class="note">… and {len(items) - max_items} more in the table below.</p>' if len(items) > max_items else ""
    display_html(f'<ul class="{esc(css_class)}">{shown}</ul>{more}')


def show_markdown(text: str) -> None:
    """Prose whose numbers come from the data: markdown, shown as such in Lab and in the report."""
    from IPython.display import Markdown, display
    display(Markdown(text))

