"""Charts as functions of data and parameters. Each returns a matplotlib Figure drawn at the
size it is printed (style.FIG_WIDTH wide, no text under 8 pt), in the report's style
(style.chart_style) without touching matplotlib's global settings. Colour is never the only
code: phases carry hatching, kinds carry marker shapes, and counts are written in the cells.
Beside each chart is the function that writes its alt text from the same data; captions and
source notes are added when the figure is shown (display.show_figure)."""
from __future__ import annotations

import datetime as dt
import functools
import math

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .style import FIG_WIDTH, NETWORK_COLOURS, OKABE_ITO, PHASE_COLOURS, chart_style, kind_colours, plain_text

PRECISION_NOTE = ("Hollow markers and pale spans: a date known only to the month or year, drawn over the whole "
                  "period it names.")
KIND_MARKERS = ["D", "o", "s", "^", "v", "P", "X", "*", "h"]


def styled(plot):
    """Draw inside the report's style; matplotlib's global settings stay as they were."""
    @functools.wraps(plot)
    def wrapper(*args, **kwargs):
        with chart_style():
            return plot(*args, **kwargs)
    return wrapper


def _to_num(value) -> float:
    return mdates.date2num(pd.Timestamp(value).to_pydatetime())


def _marker_face(precision: str, colour: str) -> str:
    return colour if precision == "day" else "white"


def wrap_label(text: str, width: int = 34) -> str:
    """A label broken into lines of at most `width` characters, at spaces."""
    words, lines, line = str(text).split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines)


# --------------------------------------------------------------------------- event timeline

MAX_LABELS = 24
MAX_LANES = 40  # a lane chart taller than a page is unreadable; beyond this, the table beside it lists every row


def limit_lanes(frame: pd.DataFrame, limit: int = MAX_LANES, group_column: str | None = None) -> tuple[pd.DataFrame, str]:
    """At most `limit` rows (the first ones, shared out between groups), and a note saying how
    many were left out ('' when none)."""
    if len(frame) <= limit:
        return frame, ""
    if group_column is None:
        kept = frame.head(limit)
    else:
        per_group = max(1, limit // frame[group_column].nunique())
        kept = frame.groupby(group_column, sort=False, group_keys=False).head(per_group)
    kept = kept.reset_index(drop=True)
    kept.attrs = dict(frame.attrs)
    return kept, f"The first {len(kept)} of {len(frame)} agreements are drawn; the table lists all."
LEVELS = (1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6)


def _label_span(x: float, width: float, right_edge: float) -> tuple[float, float]:
    """A label sits right of its stem, or left of it near the right edge of the axis."""
    return (x - width, x) if x + width > right_edge else (x, x + width)


def _assign_levels(positions: list[float], widths: list[float], right_edge: float = float("inf"),
                   levels=LEVELS) -> list[int]:
    """Greedy label placement: each label takes the first level where its span (in data units)
    does not overlap a label already placed there; when every level is taken, a new one opens
    above and below, so labels never overlap however dense the events are."""
    levels = list(levels)
    occupied: dict[int, list[tuple[float, float]]] = {level: [] for level in levels}
    chosen = []
    for x, width in zip(positions, widths):
        start, end = _label_span(x, width, right_edge)
        span = (start - width * 0.03, end + width * 0.03)
        level = next((lv for lv in levels if all(span[1] < a or span[0] > b for a, b in occupied[lv])), None)
        if level is None:
            top = max(abs(lv) for lv in levels) + 1
            levels += [top, -top]
            occupied.update({top: [], -top: []})
            level = top
        occupied[level].append(span)
        chosen.append(level)
    return chosen


def _text_widths(fig, ax, texts: list[str], fontsize: float) -> list[float]:
    """Width of each text, drawn at `fontsize`, in the data units of the x axis of `ax`."""
    renderer = fig.canvas.get_renderer()
    x0, x1 = ax.get_xlim()
    pixels = ax.get_window_extent(renderer).width
    widths = []
    for text in texts:
        probe = ax.text(0, 0, text, fontsize=fontsize)
        widths.append(probe.get_window_extent(renderer).width * (x1 - x0) / pixels * 1.04 + (x1 - x0) * 0.006)
        probe.remove()
    return widths


def _thin(frame: pd.DataFrame, most: int) -> pd.DataFrame:
    """At most `most` rows, spread evenly over the frame (every event still shows as a dot below)."""
    if len(frame) <= most:
        return frame
    picks = np.linspace(0, len(frame) - 1, most).round().astype(int)
    return frame.iloc[sorted(set(picks))]


@styled
def plot_event_timeline(events: pd.DataFrame, title: str, start_year: int, end_year: int, kind_labels: dict[str, str],
                        label_kinds=("declaration", "agreement_milestone", "two_plus_two"),
                        highlight_agreement: str | None = None, urls: dict[str, str] | None = None,
                        max_labels: int = MAX_LABELS) -> plt.Figure:
    """Two panels sharing the time axis: labelled milestones as stems at staggered heights
    (labels never overlap), and every event as a marker in a lane per kind (shape and colour
    per kind). `kind_labels` maps every kind the data allows to its label, in the data's order;
    `urls` maps event ids to the address of a source, which each marker links to."""
    urls = urls or {}
    colours = kind_colours(list(kind_labels))
    markers = {kind: KIND_MARKERS[i % len(KIND_MARKERS)] for i, kind in enumerate(kind_labels)}
    frame = events.sort_values("date_start")
    lo, hi = pd.Timestamp(f"{start_year}-01-01"), pd.Timestamp(f"{end_year}-12-31")
    frame = frame[(frame["date_start"] >= lo) & (frame["date_start"] <= hi)]
    kinds = [k for k in kind_labels if k in set(frame["kind"])]
    labelled = _thin(frame[frame["kind"].isin(label_kinds)].drop_duplicates("short_label"), max_labels)
    top_height = min(4.4, 0.9 + 0.2 * len(labelled))  # room for the staggered labels, no more
    bottom_height = 0.7 + 0.2 * len(kinds)
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(FIG_WIDTH, top_height + bottom_height + 0.9), sharex=True,
                                      layout="constrained", gridspec_kw={"height_ratios": [top_height, bottom_height]})
    fig.suptitle(plain_text(title), x=0.01, ha="left", fontsize=10, fontweight="bold")
    bottom.set_xlim(_to_num(lo), _to_num(hi))
    bottom.set_yticks(range(len(kinds)), [f"{kind_labels[k]} ({(frame['kind'] == k).sum()})" for k in kinds])
    top.set_yticks([])
    fig.canvas.draw()  # lay out first, so label widths can be measured in data units
    x = [_to_num(v) for v in labelled["date_start"]]
    widths = _text_widths(fig, top, [plain_text(t) for t in labelled["short_label"]], fontsize=8)
    right_edge, left_edge = _to_num(hi), _to_num(lo)
    levels = _assign_levels(x, widths, right_edge)
    top.axhline(0, color=OKABE_ITO["black"], linewidth=1)
    if highlight_agreement is not None:
        path = frame[(frame["agreement_id"] == highlight_agreement) & frame["milestone"].isin(["negotiations_started", "signed", "in_force"])]
        if len(path) >= 2:
            top.axvspan(_to_num(path["date_start"].min()), _to_num(path["date_end"].max()),
                        color=OKABE_ITO["yellow"], alpha=0.3, zorder=0, lw=0)
    for xi, level, width, (_, row) in zip(x, levels, widths, labelled.iterrows()):
        colour = colours[row["kind"]]
        top.vlines(xi, 0, level, color=colour, linewidth=0.8)
        top.plot([xi], [0], marker=markers[row["kind"]], markersize=5, color=colour,
                 markerfacecolor=_marker_face(row["date_precision"], colour), zorder=3)
        leftward = xi + width > right_edge and xi - width >= left_edge
        label = top.annotate(plain_text(row["short_label"]), xy=(xi, level), xytext=(-2 if leftward else 2, 0),
                             textcoords="offset points", ha="right" if leftward else "left", va="center", fontsize=8,
                             fontweight="bold" if row.get("agreement_id") == highlight_agreement and highlight_agreement else "normal",
                             bbox=dict(boxstyle="square,pad=0.1", fc="white", ec="none"))
        label.set_url(urls.get(row["event_id"]))
    depth = max(map(abs, levels), default=1)
    top.set_ylim(-depth - 0.8, depth + 0.8)
    top.spines["left"].set_visible(False)
    for lane, kind in enumerate(kinds):
        subset = frame[frame["kind"] == kind]
        colour = colours[kind]
        for precision, group in subset.groupby("date_precision", observed=True):
            dots = bottom.scatter([_to_num(v) for v in group["date_start"]], [lane] * len(group), s=22, marker=markers[kind],
                                  color=colour, facecolors=_marker_face(precision, colour), linewidths=0.9, zorder=3)
            dots.set_urls([urls.get(e) for e in group["event_id"]])
    bottom.set_ylim(-0.7, len(kinds) - 0.3)
    bottom.invert_yaxis()
    bottom.grid(axis="x", color="#dddddd", linewidth=0.6)
    bottom.xaxis.set_major_locator(mdates.YearLocator(4 if end_year - start_year > 16 else 2 if end_year - start_year > 8 else 1))
    bottom.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    bottom.set_title("Every event, by kind (count in brackets)", loc="left", fontsize=9, fontweight="normal")
    handles = [Line2D([], [], marker="o", color="none", markerfacecolor="white", markeredgecolor="black",
                      label="date known to the month or year only")]
    if highlight_agreement is not None:
        handles.append(Patch(color=OKABE_ITO["yellow"], alpha=0.5, label="2020 pact: talks to entry into force"))
    fig.legend(handles=handles, loc="outside lower left", ncol=2, fontsize=8)
    return fig


def describe_event_timeline(events: pd.DataFrame, subject: str, start_year: int, end_year: int,
                            kind_labels: dict[str, str], highlight: str | None = None) -> str:
    """Alt text for plot_event_timeline, from the same frame."""
    counts = events["kind"].value_counts()
    lanes = ", ".join(f"{kind_labels.get(k, k).lower()} {v}" for k, v in counts.items())
    years = events["date_start"].dt.year
    text = ""
    if len(events):
        per_year = years.value_counts()
        text = (f"Half of the {len(events)} {subject} events date from {int(years.median())} or later; the busiest year "
                f"was {int(per_year.idxmax())}, with {int(per_year.max())}. ")
    text += f"Timeline of the events from {start_year} to {end_year}."
    if highlight:
        text += (f" The upper panel labels the declarations, agreement milestones and 2+2 meetings; a shaded band "
                 f"marks {highlight} from the start of negotiations to entry into force.")
    return text + f" The lower panel shows every event in a lane per kind: {lanes}."


# --------------------------------------------------------------------------- swimlanes

PHASES = {
    "negotiation": dict(facecolor=PHASE_COLOURS["negotiation"], hatch="////", label="negotiating"),
    "signed": dict(facecolor=PHASE_COLOURS["signed"], hatch="....", label="signed; not yet known to be in force"),
    "window": dict(facecolor="#c6dbef", hatch="", label="entered into force at some point in this span"),
    "in_force": dict(facecolor=PHASE_COLOURS["in_force"], hatch="", label="in force"),
    "in_force_undated": dict(facecolor=PHASE_COLOURS["in_force"], hatch="xxx", label="in force; date not published"),
    "ended": dict(facecolor=PHASE_COLOURS["ended"], hatch="", label="in force, later replaced"),
}


def agreement_phases(row, as_of: dt.date, earlier_steps: list[pd.Timestamp] | None = None) -> list[tuple[str, pd.Timestamp, pd.Timestamp]]:
    """(phase, start, end) spans of one agreement, honest about what is known. A month- or
    year-only entry into force becomes a 'window' span over the period it names, never starting
    before a known earlier step (signature, parliamentary approval); an agreement in force whose
    date is not published is drawn in force from signature, marked as such."""
    cutoff = pd.Timestamp(as_of)
    negotiation, signed = row["negotiations_started_start"], row["signed_date_start"]
    in_force, precision = row["in_force_date_start"], row["in_force_date_precision"]
    ended = row.get("ended_start")
    stop = ended if pd.notna(ended) else cutoff
    spans = []
    if pd.notna(negotiation) and pd.notna(signed) and signed > negotiation:
        spans.append(("negotiation", negotiation, signed))
    if pd.isna(signed):
        return spans
    if pd.notna(in_force):
        if precision == "day":
            spans.append(("signed", signed, in_force) if in_force > signed else None)
            spans.append(("ended" if pd.notna(ended) else "in_force", in_force, stop))
        else:
            floor = max([signed, in_force, *[s for s in (earlier_steps or []) if pd.notna(s)]])
            window_end = min(row["in_force_date_end"] + pd.Timedelta(days=1), stop)
            spans.append(("signed", signed, floor) if floor > signed else None)
            spans.append(("window", floor, window_end))
            if window_end < stop:
                spans.append(("ended" if pd.notna(ended) else "in_force", window_end, stop))
    elif row["status"] in ("in_force", "superseded"):
        spans.append(("in_force_undated", signed, stop))
    else:
        spans.append(("signed", signed, stop))
    return [s for s in spans if s and s[2] > s[1]]


@styled
def plot_swimlanes(agreements: pd.DataFrame, title: str, as_of: dt.date, label_column: str = "lane_label",
                   earlier_steps: dict[str, list] | None = None, urls: dict[str, str] | None = None) -> plt.Figure:
    """One lane per agreement, oldest at the top: negotiation, signature awaiting entry into force,
    in force (dated, within a known span, or date not published), replaced. Each bar links to the
    agreement's source (`urls`, by agreement id)."""
    earlier_steps, urls = earlier_steps or {}, urls or {}
    frame, left_out = limit_lanes(agreements.sort_values(["signed_date_start", "agreement_id"]).reset_index(drop=True))
    height = 2.2 + 0.36 * len(frame)
    fig, ax = plt.subplots(figsize=(FIG_WIDTH, height), layout="constrained")
    fig.suptitle(plain_text(title), x=0.01, ha="left", fontsize=10, fontweight="bold")
    first = min((frame[c].min() for c in ("negotiations_started_start", "signed_date_start") if frame[c].notna().any()))
    used = []
    for lane, row in frame.iterrows():
        for phase, start, end in agreement_phases(row, as_of, earlier_steps.get(row["agreement_id"])):
            style = PHASES[phase]
            used.append(phase)
            bars = ax.broken_barh([(_to_num(start), _to_num(end) - _to_num(start))], (lane - 0.32, 0.64),
                                  facecolor=style["facecolor"], hatch=style["hatch"], edgecolor="white", linewidth=0.4)
            bars.set_url(urls.get(row["agreement_id"]))
        for column, marker in (("signed_date", "D"), ("in_force_date", "o")):
            value = row[f"{column}_start"]
            if pd.notna(value) and row[f"{column}_precision"] == "day":
                ax.plot([_to_num(value)], [lane], marker=marker, markersize=4.5, color="black", zorder=3)
    ax.set_yticks(range(len(frame)), [plain_text(wrap_label(v, 30)) for v in frame[label_column]])
    ax.set_ylim(len(frame) - 0.5, -0.6)
    cutoff = _to_num(as_of)
    ax.axvline(cutoff, color="black", linestyle=":", linewidth=1)
    ax.annotate(f"data to {as_of:%b %Y}", xy=(cutoff, -0.55), xytext=(-3, 0), textcoords="offset points",
                ha="right", va="top", fontsize=8)
    ax.set_xlim(_to_num(pd.Timestamp(first) - pd.Timedelta(days=120)), cutoff + 60)
    ax.xaxis_date()
    span_years = as_of.year - pd.Timestamp(first).year
    ax.xaxis.set_major_locator(mdates.YearLocator(4 if span_years > 16 else 2))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    if left_out:
        ax.set_xlabel(left_out)
    legend = [Patch(facecolor=s["facecolor"], hatch=s["hatch"], edgecolor="white", label=s["label"]) for p, s in PHASES.items() if p in used]
    legend += [Line2D([], [], marker="D", color="none", markerfacecolor="black", markeredgecolor="black", label="signed (day known)"),
               Line2D([], [], marker="o", color="none", markerfacecolor="black", markeredgecolor="black", label="entered into force (day known)")]
    fig.legend(handles=legend, loc="outside lower left", ncol=2, fontsize=8, handlelength=2.2)
    return fig


def describe_swimlanes(network: pd.DataFrame, as_of: dt.date) -> str:
    """Alt text for plot_swimlanes, from the same frame."""
    ordered = network.sort_values("signed_date_start")
    dated = int((network["in_force_date_precision"] == "day").sum())
    partial = int(network["in_force_date"].astype(bool).sum()) - dated
    undated = int(((network["in_force_date"] == "") & network["status"].isin(["in_force", "superseded"])).sum())
    known = dated + partial
    return (f"Entry into force is published for {known} of these {len(network)} agreements"
            + (f"; {undated} known to be in force have no published date" if undated else "") + ". "
            f"Swimlane chart with one lane per agreement ({len(network)} lanes, {network['partner'].nunique()} partners), "
            f"oldest at the top, up to {as_of:%B %Y}. Entry into force is known to the day for {dated}, to the month or "
            f"year for {partial} (drawn as a span), and is not published for {undated} agreements known to be in force. "
            f"First signature: {ordered['signed_date'].iloc[0]} ({ordered['partner_name'].iloc[0]}); latest: "
            f"{ordered['signed_date'].iloc[-1]} ({ordered['partner_name'].iloc[-1]}).")


# --------------------------------------------------------------------------- two networks

@styled
def plot_cumulative(counts: pd.DataFrame, title: str, ylabel: str) -> plt.Figure:
    """Step chart of cumulative counts; one column per network (IND, JPN), labelled at the line's end."""
    fig, ax = plt.subplots(figsize=(FIG_WIDTH, 3.0), layout="constrained")
    fig.suptitle(plain_text(title), x=0.01, ha="left", fontsize=10, fontweight="bold")
    styles = ["-", "--", ":"]
    for i, column in enumerate(counts.columns):
        colour = NETWORK_COLOURS.get(column)
        ax.step(counts.index, counts[column], where="post", linewidth=2, color=colour, linestyle=styles[i % 3])
        name = counts.attrs.get("names", {}).get(column, column)
        ax.annotate(f"{plain_text(name)}: {int(counts[column].iloc[-1])}", xy=(counts.index.max(), counts[column].iloc[-1]),
                    xytext=(-4, 5), textcoords="offset points", ha="right", va="bottom", fontsize=8, color="black")
    ax.set_xlabel("Year of signature")
    ax.set_ylabel(ylabel)
    ax.yaxis.set_major_locator(plt.MaxNLocator(integer=True))
    ax.set_ylim(0, max(1, counts.to_numpy().max()) + 2)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    return fig


def describe_cumulative(counts: pd.DataFrame, first_years: dict[str, int]) -> str:
    """Alt text for plot_cumulative: `first_years` gives each network's first year of signature."""
    names = counts.attrs.get("names", {})
    parts = [f"{names.get(c, c)} reaches {counts[c].iloc[-1]} partners, starting in {first_years[c]}" for c in counts.columns]
    last = int(counts.index.max())
    lead = "; ".join(f"{names.get(c, c)} gained {counts[c].iloc[-1]} partners in {last - first_years[c] + 1} years"
                     for c in counts.columns)
    return (f"{lead}. Step chart of the cumulative number of partners, {counts.index.min()} to {last}. "
            + "; ".join(parts) + ".")


@styled
def plot_duration_bars(frame: pd.DataFrame, value_column: str, label_column: str, group_column: str,
                       title: str, xlabel: str) -> plt.Figure:
    """Horizontal bars, one per agreement, grouped by network (colour and hatching), value written at the end."""
    frame, left_out = limit_lanes(frame.sort_values([group_column, value_column]).reset_index(drop=True),
                                  group_column=group_column)
    fig, ax = plt.subplots(figsize=(FIG_WIDTH, 1.3 + 0.22 * len(frame)), layout="constrained")
    fig.suptitle(plain_text(title), x=0.01, ha="left", fontsize=10, fontweight="bold")
    hatches = {g: h for g, h in zip(dict.fromkeys(frame[group_column]), ["", "///", ".."])}
    ax.barh(range(len(frame)), frame[value_column], color=[NETWORK_COLOURS.get(g, OKABE_ITO["grey"]) for g in frame[group_column]],
            hatch=[hatches[g] for g in frame[group_column]], edgecolor="white")
    for i, value in enumerate(frame[value_column]):
        ax.annotate(f"{value:.0f}", xy=(value, i), xytext=(3, 0), textcoords="offset points", va="center", fontsize=8)
    ax.set_yticks(range(len(frame)), [plain_text(wrap_label(v, 36)) for v in frame[label_column]])
    ax.invert_yaxis()
    ax.set_xlim(0, frame[value_column].max() * 1.12 + 1)
    ax.set_xlabel(xlabel + (f"\n{left_out}" if left_out else ""))
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    fig.legend(handles=[Patch(facecolor=NETWORK_COLOURS.get(g, OKABE_ITO["grey"]), hatch=hatches[g], edgecolor="white",
                             label=plain_text(frame.attrs.get("labels", {}).get(g, g))) for g in hatches],
               loc="outside lower left", ncol=len(hatches))
    return fig


def describe_duration_bars(frame: pd.DataFrame, value_column: str, group_column: str, names: dict[str, str]) -> str:
    """Alt text for plot_duration_bars: the range of values per group."""
    parts = []
    for group, name in names.items():
        values = frame.loc[frame[group_column] == group, value_column]
        if len(values) == 1:
            parts.append(f"{name}: {values.iloc[0]:.0f} months")
        elif len(values):
            parts.append(f"{name} ({len(values)}) range from {values.min():.0f} to {values.max():.0f} months")
        else:
            parts.append(f"none of {name.lower()} has both dates known to the month")
    return f"Horizontal bars for the {len(frame)} agreements with both dates known. " + "; ".join(parts) + "."


# --------------------------------------------------------------------------- activity

@styled
def plot_activity_heatmap(matrix: pd.DataFrame, markers: dict[str, list[int]], title: str, partial: int | None = None,
                          unit: str = "editions") -> plt.Figure:
    """Counts per row (partner) and column (year), written in each cell, with the year each
    agreement was signed outlined so before and after can be read along the row. A `partial`
    year (the data stops before its end) is hatched and its label says so."""
    years = list(matrix.columns)
    fig, ax = plt.subplots(figsize=(FIG_WIDTH, 1.7 + 0.25 * len(matrix)), layout="constrained")
    fig.suptitle(plain_text(title), x=0.01, ha="left", fontsize=10, fontweight="bold")
    values = matrix.to_numpy(dtype=float)
    vmax = max(1.0, values.max())
    ax.imshow(values, aspect="auto", cmap="Blues", vmin=0, vmax=vmax * 1.15)
    for (i, j), value in np.ndenumerate(values):
        if value:
            ax.text(j, i, f"{int(value)}", ha="center", va="center", fontsize=8,
                    color="white" if value > vmax * 0.6 else "black")
    for i, partner in enumerate(matrix.index):
        for year in markers.get(partner, []):
            if year in years:
                ax.add_patch(plt.Rectangle((years.index(year) - 0.5, i - 0.5), 1, 1, fill=False,
                                           edgecolor=OKABE_ITO["vermillion"], linewidth=1.8))
    if partial in years:
        ax.add_patch(plt.Rectangle((years.index(partial) - 0.5, -0.5), 1, len(matrix), fill=False, hatch="///",
                                   edgecolor=OKABE_ITO["grey"], linewidth=0))
    step = 2 if len(years) > 14 else 1
    shown = list(range(0, len(years), step))
    if partial in years and years.index(partial) not in shown:
        shown.append(years.index(partial))
    ax.set_xticks(shown, [f"{years[k]}*" if years[k] == partial else str(years[k]) for k in shown], rotation=90)
    labels = matrix.attrs.get("labels", list(matrix.index))
    totals = matrix.sum(axis=1)
    ax.set_yticks(range(len(matrix.index)), [f"{plain_text(l)} ({int(t)})" for l, t in zip(labels, totals)])
    handles = [Patch(fill=False, edgecolor=OKABE_ITO["vermillion"], linewidth=1.8,
                     label=f"year the logistics agreement was signed; total {unit} in brackets")]
    if partial in years:
        handles.append(Patch(fill=False, hatch="///", edgecolor=OKABE_ITO["grey"], label=f"* {partial}: part of the year only"))
    fig.legend(handles=handles, loc="outside lower left", fontsize=8)
    return fig


def describe_activity_heatmap(matrix: pd.DataFrame, message: str, subject: str, first_year: int, end_year: int,
                              unit: str = "editions") -> str:
    """Alt text for plot_activity_heatmap: the message first, then what is drawn and every row's total."""
    busiest = matrix.sum(axis=1).sort_values(ascending=False)
    labels = dict(zip(matrix.index, matrix.attrs.get("labels", matrix.index)))
    return (f"{message} Grid: rows are {subject} ({len(matrix)}), columns the years {first_year}–{end_year}, each cell "
            f"the number of {unit}, written in the cell; outlined cells mark the year each logistics agreement was "
            f"signed. Totals: " + ", ".join(f"{labels[p]} {int(n)}" for p, n in busiest.items()) + ".")


@styled
def plot_grouped_counts(table: pd.DataFrame, title: str, xlabel: str, ylabel: str) -> plt.Figure:
    """Stacked horizontal bars with the count written in each segment: rows of `table` are
    categories, columns the stack (each with its own hatching)."""
    fig, ax = plt.subplots(figsize=(FIG_WIDTH, 1.5 + 0.32 * len(table)), layout="constrained")
    fig.suptitle(plain_text(title), x=0.01, ha="left", fontsize=10, fontweight="bold")
    left = np.zeros(len(table))
    palette = {"high": OKABE_ITO["blue"], "medium": OKABE_ITO["orange"], "low": OKABE_ITO["vermillion"],
               "supported": OKABE_ITO["bluish_green"], "disputed": OKABE_ITO["orange"], "wrong": OKABE_ITO["vermillion"]}
    hatches = ["", "///", "..", "xx"]
    for k, column in enumerate(table.columns):
        values = table[column].to_numpy()
        ax.barh(range(len(table)), values, left=left, label=plain_text(column), color=palette.get(column),
                hatch=hatches[k % 4], edgecolor="white")
        for i, (start, value) in enumerate(zip(left, values)):
            if value >= table.to_numpy().sum(axis=1).max() * 0.04:
                ax.text(start + value / 2, i, f"{int(value)}", ha="center", va="center", fontsize=8, color="black",
                        bbox=dict(boxstyle="square,pad=0.15", fc="white", ec="none"))
        left += values
    ax.set_yticks(range(len(table)), [plain_text(v) for v in table.index])
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(loc="lower right")
    return fig


def describe_grouped_counts(table: pd.DataFrame, total_label: str) -> str:
    """Alt text for plot_grouped_counts: each row's total and its parts."""
    return (f"Stacked bars of the {int(table.to_numpy().sum())} {total_label} by kind: "
            + "; ".join(f"{kind} {int(row.sum())} (" + ", ".join(f"{c} {int(v)}" for c, v in row.items() if v) + ")"
                        for kind, row in table.iterrows()) + ".")


# --------------------------------------------------------------------------- map

MAP_EXTENT = (40.0, -32.0, 150.0, 46.0)  # west, south, east, north
CLUSTER = (64.0, 0.0, 96.0, 32.0)  # India: its labels go in a column to the east, with leader lines


def _place_labels(labelled: pd.DataFrame, label_column: str, extent, width_inches: float):
    """Label positions that do not overlap: labels of places in India stand in a column east of
    the subcontinent, evenly spaced in the order of latitude (leader lines do not cross); other
    labels stand beside their point, on the side with room."""
    west, south, east, north = extent
    deg_per_char = (east - west) / (width_inches * 72 / 4.9)  # 8 pt DejaVu Sans: about 4.9 pt a character
    line = (north - south) * 0.05
    points = [(r["longitude"], r["latitude"], r[label_column]) for _, r in labelled.iterrows()]
    x0, y0, x1, y1 = CLUSTER
    cluster = sorted([p for p in points if x0 <= p[0] <= x1 and y0 <= p[1] <= y1], key=lambda p: -p[1])
    anchors, positions = [], []
    top = min(y1, max((p[1] for p in cluster), default=y1) + line * (len(cluster) - 1) / 2)
    for i, (lon, lat, text) in enumerate(cluster):
        anchors.append((lon, lat, text))
        positions.append((x1 + 3.0, top - i * line))
    for lon, lat, text in (p for p in points if p not in cluster):
        width = len(text) * deg_per_char
        side = 1 if lon + 3 + width < east else -1
        anchors.append((lon, lat, text))
        positions.append((lon + side * 2.5, min(lat + line * 0.6, north - line)))
    return anchors, positions


@styled
def plot_places_map(places: pd.DataFrame, title: str, extent=MAP_EXTENT, label_column: str = "label") -> plt.Figure:
    """Land (Natural Earth, no borders) in plate carrée with a latitude-corrected aspect, and one
    marker per place. `places` has longitude, latitude, role ('use' or 'exercise'), grade
    ('stated' / 'reported' for uses), count, url and a label (shown where not empty)."""
    from matplotlib.collections import PolyCollection

    from .geography import land_polygons

    west, south, east, north = extent
    aspect = 1 / math.cos(math.radians((south + north) / 2))
    height = FIG_WIDTH * (north - south) / (east - west) * aspect * 0.82 + 0.9
    fig, ax = plt.subplots(figsize=(FIG_WIDTH, height), layout="constrained")
    fig.suptitle(plain_text(title), x=0.01, ha="left", fontsize=10, fontweight="bold")
    ax.add_collection(PolyCollection(land_polygons(west, south, east, north), facecolor="#e6e2d8", edgecolor="#e6e2d8",
                                     linewidth=0.3, zorder=1))
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_aspect(aspect)
    ax.set_facecolor("#f4f8fb")
    venues = places[places["role"] == "exercise"]
    if len(venues):
        dots = ax.scatter(venues["longitude"], venues["latitude"], s=8 + 5 * np.sqrt(venues["count"]), marker="^",
                          facecolor="none", edgecolor=OKABE_ITO["grey"], linewidth=0.8, zorder=2)
        dots.set_urls(list(venues["url"]))
    styles = {"stated": dict(marker="o", facecolor=OKABE_ITO["vermillion"], edgecolor="black"),
              "reported": dict(marker="o", facecolor="white", edgecolor=OKABE_ITO["vermillion"])}
    for grade, style in styles.items():
        subset = places[(places["role"] == "use") & (places["grade"] == grade)]
        if len(subset):
            dots = ax.scatter(subset["longitude"], subset["latitude"], s=18 + 10 * np.sqrt(subset["count"]), linewidth=1.0,
                              zorder=3, **style)
            dots.set_urls(list(subset["url"]))
    labelled = places[places[label_column].astype(bool)].drop_duplicates("label")
    for (lon, lat, text), (tx, ty) in zip(*_place_labels(labelled, label_column, extent, FIG_WIDTH)):
        ax.annotate(plain_text(text), xy=(lon, lat), xytext=(tx, ty), fontsize=8, va="center",
                    ha="left" if tx >= lon else "right", zorder=4,
                    arrowprops=dict(arrowstyle="-", color="#666666", linewidth=0.5, shrinkA=0, shrinkB=2))
    ax.set_xticks(range(int(west), int(east) + 1, 30), [f"{x}°E" for x in range(int(west), int(east) + 1, 30)])
    ax.set_yticks(range(int(south), int(north) + 1, 20),
                  [f"{abs(y)}°{'N' if y > 0 else 'S' if y < 0 else ''}" for y in range(int(south), int(north) + 1, 20)])
    for spine in ax.spines.values():
        spine.set_visible(True)
        spine.set_color("#999999")
    legend = [Line2D([], [], linestyle="none", label="use stated as under an agreement", **{k.replace("facecolor", "markerfacecolor").replace("edgecolor", "markeredgecolor"): v for k, v in styles["stated"].items()}),
              Line2D([], [], linestyle="none", label="use reported, link to an agreement not stated", **{k.replace("facecolor", "markerfacecolor").replace("edgecolor", "markeredgecolor"): v for k, v in styles["reported"].items()}),
              Line2D([], [], linestyle="none", marker="^", markerfacecolor="none", markeredgecolor=OKABE_ITO["grey"], label="exercise venue (size: editions)")]
    fig.legend(handles=legend, loc="outside lower left", ncol=2, fontsize=8)
    return fig


def describe_places_map(places: pd.DataFrame) -> str:
    """Alt text for plot_places_map: where most uses took place first, then what is drawn."""
    from .countries import country_name

    uses = places[places["role"] == "use"]
    venues = places[places["role"] == "exercise"]
    lead = ""
    if "country" in uses and len(uses):
        counts = uses["country"].replace("", "at sea or unstated").value_counts()
        lead = (f"Of {len(uses)} mapped places of documented use, " + ", ".join(
            f"{n} {'are' if n != 1 else 'is'} in {country_name(c) if len(c) == 3 else c}" for c, n in counts.items()) + ". ")
    return (lead + f"Map of the Indian Ocean and the western Pacific: the places of use are labelled ("
            + ", ".join(dict.fromkeys(uses["label"][uses["label"].astype(bool)]))
            + f"; {int((uses['grade'] == 'stated').sum())} with the agreement stated), and {len(venues)} exercise venues "
            "are small triangles.")
