"""Show figures and tables in a notebook the way the report needs them: a caption, a
source note and alt text travel with every chart, every cell of every table is
HTML-escaped, and each figure and table is also saved (PNG, SVG, CSV) when the notebook
is given an output folder. The same output reads well in JupyterLab (left-aligned text,
caption and source note on lines of their own) and in the report."""
from __future__ import annotations

import base64
import html
import io
from collections import Counter
from pathlib import Path

import pandas as pd

from .style import PNG_METADATA, RC, SVG_METADATA, chart_style

esc = html.escape
MAX_TABLE_ROWS = 200  # longer tables show their head and name the CSV holding all rows


def display_html(markup: str) -> None:
    from IPython.display import HTML, display
    display(HTML(markup))


def source_note(dataset, source_ids) -> str:
    """'Source: N documents — Publisher A (n), Publisher B (n) … Full list in the appendix.'"""
    ids = []
    for value in source_ids:
        ids.extend(value if isinstance(value, list) else [p.strip() for p in str(value).split(";") if p.strip()])
    counts = Counter(dataset.sources.loc[ids, "publisher"]) if ids else Counter()
    if not counts:
        return "Source: project dataset."
    top = ", ".join(f"{publisher} ({n})" for publisher, n in counts.most_common(5))
    more = len(counts) - 5
    extra = f" and {more} other publisher{'s' if more > 1 else ''}" if more > 0 else ""
    n_docs = len(set(ids))
    return (f"Source: {n_docs} document{'s' if n_docs != 1 else ''} cited in data/ — {top}{extra}. "
            "Full list in the appendix.")


# --------------------------------------------------------------------------- figures

def save_figure(fig, name: str, output_dir: Path | str | None) -> bytes:
    """The PNG bytes of the figure; also PNG and SVG files under output_dir when one is given."""
    with chart_style():
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=RC["savefig.dpi"], metadata=PNG_METADATA)
        png = buffer.getvalue()
        if output_dir is not None:
            out = Path(output_dir)
            out.mkdir(parents=True, exist_ok=True)
            (out / f"{name}.png").write_bytes(png)
            fig.savefig(out / f"{name}.svg", format="svg", metadata=SVG_METADATA)
    return png


def figure_html(png: bytes, name: str, caption: str, alt: str, note: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return (f'<figure class="chart" id="fig-{esc(name)}">'
            f'<img src="data:image/png;base64,{data}" alt="{esc(alt, quote=True)}"/>'
            f'<figcaption><p class="caption">{esc(caption)}</p>'
            f'<p class="source-note">{esc(note)}</p></figcaption></figure>')


def show_figure(fig, name: str, caption: str, alt: str, note: str, output_dir: Path | str | None = None) -> None:
    """Show the figure with caption, source note and alt text (saving it when given a folder), then close it."""
    import matplotlib.pyplot as plt

    if not alt or not alt.strip():
        raise ValueError(f"figure '{name}' needs alt text describing what it shows")
    png = save_figure(fig, name, output_dir)
    plt.close(fig)
    display_html(figure_html(png, name, caption, alt, note))


# --------------------------------------------------------------------------- tables

def _cell_text(value) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def column_widths(frame: pd.DataFrame, columns: list[str]) -> list[float]:
    """Percent widths from typical content length, so the printed report can use a fixed
    table layout (fast to paginate) while no column is narrower than its longest header word
    or its longest short cell word (no word broken one letter per line)."""
    weights = []
    for column in columns:
        texts = [_cell_text(v) for v in frame[column]]
        mean = sum(map(len, texts)) / len(texts) if texts else 0
        longest_cell_word = max((len(w) for t in texts for w in t.split()), default=0)
        longest_header_word = max((len(w) for w in str(column).split()), default=0)
        weights.append(max(min(mean, 28.0), min(longest_cell_word, 14), longest_header_word, 5) + 1.5)
    total = sum(weights) or 1.0
    return [round(100 * w / total, 1) for w in weights]


LEFT = ' style="text-align:left"'
RIGHT = ' style="text-align:right"'


def table_html(frame: pd.DataFrame, caption: str, note: str, name: str, links: dict[str, str] | None = None,
               numeric: tuple[str, ...] = ()) -> str:
    """An HTML table in which every header and cell is escaped. `links` maps a column to the
    column holding its URL; such cells become links. The column widths for print travel as
    `data-widths` (the report turns them into a fixed layout; JupyterLab lays the table out freely)."""
    links = links or {}
    shown = [c for c in frame.columns if c not in set(links.values())]
    align = {c: RIGHT if c in numeric else LEFT for c in shown}
    head = "".join(f'<th scope="col"{align[c]}>{esc(str(c))}</th>' for c in shown)
    widths = ",".join(str(w) for w in column_widths(frame, shown))
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
    return (f'<figure class="table" id="tab-{esc(name)}"><table data-widths="{widths}">'
            f'<caption>{esc(caption)}</caption><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>'
            f'<figcaption class="source-note">{esc(note)}</figcaption></figure>')


def cut_table(frame: pd.DataFrame, note: str, name: str, max_rows: int = MAX_TABLE_ROWS) -> tuple[pd.DataFrame, str]:
    """A table longer than `max_rows` keeps its first rows, and its note says where the whole table is."""
    if len(frame) <= max_rows:
        return frame, note
    return frame.head(max_rows), (f"{note} Showing the first {max_rows} of {len(frame)} rows; "
                                  f"the whole table is figures/tables/{name}.csv.")


def show_table(frame: pd.DataFrame, caption: str, note: str, name: str, output_dir: Path | str | None = None,
               links: dict[str, str] | None = None, numeric: tuple[str, ...] = (), max_rows: int = MAX_TABLE_ROWS) -> None:
    """Show an escaped table with caption and source note; save it as CSV when given a folder."""
    if output_dir is not None:
        out = Path(output_dir) / "tables"
        out.mkdir(parents=True, exist_ok=True)
        frame.to_csv(out / f"{name}.csv", index=False)
    shown, note = cut_table(frame, note, name, max_rows)
    display_html(table_html(shown, caption, note, name, links, numeric))


def show_text(text: str, css_class: str = "note") -> None:
    """A paragraph of data-derived text, escaped."""
    display_html(f'<p class="{esc(css_class)}">{esc(text)}</p>')


def show_list(items: list[str], css_class: str = "findings", max_items: int = MAX_TABLE_ROWS) -> None:
    shown = "".join(f"<li>{esc(i)}</li>" for i in items[:max_items])
    more = f'<p class="note">… and {len(items) - max_items} more in the table below.</p>' if len(items) > max_items else ""
    display_html(f'<ul class="{esc(css_class)}">{shown}</ul>{more}')
