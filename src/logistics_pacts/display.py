"""Show figures and tables in a notebook the way the report needs them: a
caption, a source note and alt text travel with every chart, every cell of
every table is HTML-escaped, and each figure is also saved as PNG and SVG."""
from __future__ import annotations

import base64
import html
import io
from collections import Counter
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from .style import PNG_METADATA, SVG_METADATA

esc = html.escape


def _display_html(markup: str) -> None:
    from IPython.display import HTML, display
    display(HTML(markup))


def source_note(dataset, source_ids) -> str:
    """'Source: N documents — Publisher A (n), Publisher B (n) … See the source list.'"""
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


def save_figure(fig: plt.Figure, name: str, output_dir: Path | str) -> bytes:
    """Save PNG and SVG under output_dir; return the PNG bytes."""
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata=PNG_METADATA)
    png = buffer.getvalue()
    (out / f"{name}.png").write_bytes(png)
    fig.savefig(out / f"{name}.svg", format="svg", metadata=SVG_METADATA)
    return png


def figure_html(png: bytes, name: str, caption: str, alt: str, note: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return (f'<figure class="chart" id="fig-{esc(name)}">'
            f'<img src="data:image/png;base64,{data}" alt="{esc(alt, quote=True)}"/>'
            f'<figcaption><span class="caption">{esc(caption)}</span>'
            f'<span class="source-note">{esc(note)}</span></figcaption></figure>')


def show_figure(fig: plt.Figure, name: str, caption: str, alt: str, note: str, output_dir: Path | str) -> Path:
    """Save the figure, show it with caption, source note and alt text, close it."""
    if not alt or not alt.strip():
        raise ValueError(f"figure '{name}' needs alt text describing what it shows")
    png = save_figure(fig, name, output_dir)
    plt.close(fig)
    _display_html(figure_html(png, name, caption, alt, note))
    return Path(output_dir) / f"{name}.png"


def _cell_text(value) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def column_widths(frame: pd.DataFrame, columns: list[str]) -> list[float]:
    """Percent widths from typical content length, so tables can use a fixed layout
    (fast to paginate) while no column is narrower than its longest header word or
    its longest short cell word (no word broken one letter per line)."""
    weights = []
    for column in columns:
        texts = [_cell_text(v) for v in frame[column]]
        mean = sum(map(len, texts)) / len(texts) if texts else 0
        longest_cell_word = max((len(w) for t in texts for w in t.split()), default=0)
        longest_header_word = max((len(w) for w in str(column).split()), default=0)
        weights.append(max(min(mean, 28.0), min(longest_cell_word, 14), longest_header_word, 5) + 1.5)
    total = sum(weights) or 1.0
    return [round(100 * w / total, 1) for w in weights]


def table_html(frame: pd.DataFrame, caption: str, note: str, name: str, links: dict[str, str] | None = None,
               numeric: tuple[str, ...] = ()) -> str:
    """An HTML table in which every header and cell is escaped. `links` maps a
    column to the column holding its URL; such cells become links."""
    links = links or {}
    shown = [c for c in frame.columns if c not in set(links.values())]
    head = "".join(f'<th scope="col">{esc(str(c))}</th>' for c in shown)
    cols = "".join(f'<col style="width:{w}%"/>' for w in column_widths(frame, shown))
    rows = []
    for _, row in frame.iterrows():
        cells = []
        for column in shown:
            value = row[column]
            text = _cell_text(value)
            cls = ' class="num"' if column in numeric else ""
            url = row.get(links[column]) if column in links else None
            if url and str(url).startswith(("http://", "https://")):
                cells.append(f'<td{cls}><a href="{esc(str(url), quote=True)}">{esc(text)}</a></td>')
            else:
                cells.append(f"<td{cls}>{esc(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<figure class="table" id="tab-{esc(name)}"><table>'
            f'<caption>{esc(caption)}</caption><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>'
            f'<figcaption class="source-note">{esc(note)}</figcaption></figure>')


MAX_TABLE_ROWS = 200  # longer tables show their head and name the CSV holding all rows


def show_table(frame: pd.DataFrame, caption: str, note: str, name: str, output_dir: Path | str | None = None,
               links: dict[str, str] | None = None, numeric: tuple[str, ...] = (), max_rows: int = MAX_TABLE_ROWS) -> None:
    """Show an escaped table with caption and source note; save it as CSV too. A table longer
    than `max_rows` shows its first rows and says where the whole table is (keeps pages printable)."""
    if output_dir is not None:
        out = Path(output_dir) / "tables"
        out.mkdir(parents=True, exist_ok=True)
        frame.to_csv(out / f"{name}.csv", index=False)
    if len(frame) > max_rows:
        note = f"{note} Showing the first {max_rows} of {len(frame)} rows; the whole table is figures/tables/{name}.csv."
        frame = frame.head(max_rows)
    _display_html(table_html(frame, caption, note, name, links, numeric))


def show_text(text: str, css_class: str = "note") -> None:
    """A paragraph of data-derived text, escaped."""
    _display_html(f'<p class="{esc(css_class)}">{esc(text)}</p>')


def show_list(items: list[str], css_class: str = "findings", max_items: int = MAX_TABLE_ROWS) -> None:
    shown = "".join(f"<li>{esc(i)}</li>" for i in items[:max_items])
    more = f'<p class="note">… and {len(items) - max_items} more in the table below.</p>' if len(items) > max_items else ""
    _display_html(f'<ul class="{esc(css_class)}">{shown}</ul>{more}')
