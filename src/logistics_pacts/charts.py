"""Charts as functions of data and parameters. Each returns a matplotlib Figure with a
title and labelled axes, drawn in the report's style (style.chart_style) without touching
matplotlib's global settings. Beside each chart is the function that writes its alt text
from the same data; captions and source notes are added when the figure is shown
(display.show_figure)."""
from __future__ import annotations

import datetime as dt
import functools

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .style import NETWORK_COLOURS, OKABE_ITO, PHASE_COLOURS, chart_style, kind_colours, plain_text

PRECISION_NOTE = "Hollow markers: date known only to the month or year (placed at the period's first day)."


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


MAX_LABELS = 40
LEVELS = (1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6, 7, -7, 8, -8, 9, -9)


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


@styled
def plot_event_timeline(events: pd.DataFrame, title: str, start_year: int, end_year: int, kind_labels: dict[str, str],
                        label_kinds=("declaration", "agreement_milestone", "two_plus_two"),
                        highlight_agreement: str | None = None) -> plt.Figure:
    """Two panels sharing the time axis: labelled milestones as stems at staggered
    heights (labels never overlap), and every event as a dot in a lane per kind.
    `kind_labels` maps every event kind the data allows to its label, in the data's order."""
    colours = kind_colours(list(kind_labels))
    frame = events.sort_values("date_start")
    lo = pd.Timestamp(f"{start_year}-01-01")
    hi = pd.Timestamp(f"{end_year}-12-31")
    frame = frame[(frame["date_start"] >= lo) & (frame["date_start"] <= hi)]
    kinds = [k for k in kind_labels if k in set(frame["kind"])]

    fig, (top, bottom) = plt.subplots(2, 1, figsize=(11, 8.2), sharex=True,
                                      gridspec_kw={"height_ratios": [3.2, 1.6], "hspace": 0.08})
    labelled = frame[frame["kind"].isin(label_kinds)].drop_duplicates("short_label")
    if len(labelled) > MAX_LABELS:  # beyond this a chart cannot be read; every event still shows as a dot below
        labelled = labelled.iloc[:: -(-len(labelled) // MAX_LABELS)]
    x = [_to_num(v) for v in labelled["date_start"]]
    span_days = max((hi - lo).days, 365)
    days_per_char = span_days / 135.0  # 7 pt DejaVu Sans on a 9-inch axis, with a margin
    widths = [len(t) * days_per_char for t in labelled["short_label"]]
    right_edge = _to_num(hi)
    levels = _assign_levels(x, widths, right_edge)
    top.axhline(0, color=OKABE_ITO["black"], linewidth=1)
    for xi, level, width, (_, row) in zip(x, levels, widths, labelled.iterrows()):
        colour = colours[row["kind"]]
        top.vlines(xi, 0, level, color=colour, linewidth=0.8, alpha=0.8)
        top.plot([xi], [0], marker="o", markersize=5, color=colour,
                 markerfacecolor=_marker_face(row["date_precision"], colour), zorder=3)
        bold = highlight_agreement is not None and row.get("agreement_id") == highlight_agreement
        leftward = xi + width > right_edge
        top.annotate(plain_text(row["short_label"]), xy=(xi, level), xytext=(-3 if leftward else 3, 0),
                     textcoords="offset points", ha="right" if leftward else "left", va="center", fontsize=7,
                     fontweight="bold" if bold else "normal",
                     bbox=dict(boxstyle="round,pad=0.12", fc="white", ec=colour if bold else "none", lw=0.8))
    top.set_ylim(-max(map(abs, levels), default=1) - 0.8, max(map(abs, levels), default=1) + 0.8)
    top.set_yticks([])
    top.spines["left"].set_visible(False)
    top.set_title(plain_text(title), loc="left")
    top.set_ylabel("Milestones\n(staggered to keep labels apart)", fontsize=8)
    if highlight_agreement is not None:
        path = frame[(frame["agreement_id"] == highlight_agreement) & frame["milestone"].isin(["negotiations_started", "signed", "in_force"])]
        if len(path) >= 2:
            top.axvspan(_to_num(path["date_start"].min()), _to_num(path["date_start"].max()),
                        color=OKABE_ITO["yellow"], alpha=0.25, zorder=0, lw=0)

    for lane, kind in enumerate(kinds):
        subset = frame[frame["kind"] == kind]
        colour = colours[kind]
        for precision, group in subset.groupby("date_precision", observed=True):
            bottom.scatter([_to_num(v) for v in group["date_start"]], [lane] * len(group), s=26,
                           color=colour, facecolors=_marker_face(precision, colour), linewidths=1.0, zorder=3)
    bottom.set_yticks(range(len(kinds)), [f"{kind_labels[k]} ({(frame['kind'] == k).sum()})" for k in kinds])
    bottom.set_ylim(-0.7, len(kinds) - 0.3)
    bottom.invert_yaxis()
    bottom.grid(axis="x", color="#dddddd", linewidth=0.6)
    bottom.set_xlabel("Year")
    bottom.set_xlim(_to_num(lo), _to_num(hi))
    bottom.xaxis.set_major_locator(mdates.YearLocator(2 if end_year - start_year > 12 else 1))
    bottom.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    bottom.set_title("Every event by kind (count in brackets)", loc="left", fontsize=9, fontweight="normal")
    handles = [Line2D([], [], marker="o", color="none", markerfacecolor="white", markeredgecolor="black",
                      label="date known to month/year only")]
    if highlight_agreement is not None:
        handles.append(Patch(color=OKABE_ITO["yellow"], alpha=0.4, label="2020 pact: negotiation to entry into force"))
    top.legend(handles=handles, loc="upper left", fontsize=8)
    fig.subplots_adjust(left=0.17, right=0.98, top=0.95, bottom=0.07)
    return fig


def describe_event_timeline(events: pd.DataFrame, subject: str, start_year: int, end_year: int,
                            kind_labels: dict[str, str], highlight: str | None = None) -> str:
    """Alt text for plot_event_timeline, from the same frame."""
    counts = events["kind"].value_counts()
    lanes = ", ".join(f"{kind_labels.get(k, k).lower()} {v}" for k, v in counts.items())
    if highlight:
        return (f"Timeline of {len(events)} {subject} events from {start_year} to {end_year}. The upper panel labels "
                f"{int(counts.get('declaration', 0))} declarations, {int(counts.get('agreement_milestone', 0))} agreement "
                f"milestones and {int(counts.get('two_plus_two', 0))} 2+2 meetings; a shaded band marks {highlight} "
                f"from the start of negotiations to entry into force. The lower panel shows every event as a dot in a "
                f"lane per kind: {lanes}.")
    return f"Timeline of {len(events)} {subject} events from {start_year} to {end_year}: {lanes}."


@styled
def plot_swimlanes(agreements: pd.DataFrame, title: str, as_of: dt.date, label_column: str = "lane_label") -> plt.Figure:
    """One lane per agreement: negotiation (start→signature), signed awaiting
    entry into force, in force until superseded or `as_of`."""
    frame = agreements.sort_values(["signed_date_start", "agreement_id"], ascending=[False, True]).reset_index(drop=True)
    height = max(2.6, 0.42 * len(frame) + 1.4)
    fig, ax = plt.subplots(figsize=(11, height))
    now = _to_num(as_of)
    for lane, row in frame.iterrows():
        neg, signed, in_force = row["negotiations_started_start"], row["signed_date_start"], row["in_force_date_start"]
        end = row.get("ended_start")
        if pd.notna(neg) and pd.notna(signed):
            ax.broken_barh([(_to_num(neg), _to_num(signed) - _to_num(neg))], (lane - 0.3, 0.6), color=PHASE_COLOURS["negotiation"])
        if pd.notna(signed):
            stop = in_force if pd.notna(in_force) else (end if pd.notna(end) else pd.Timestamp(as_of))
            ax.broken_barh([(_to_num(signed), _to_num(stop) - _to_num(signed))], (lane - 0.3, 0.6), color=PHASE_COLOURS["signed"])
        if pd.notna(in_force):
            stop = end if pd.notna(end) else pd.Timestamp(as_of)
            colour = PHASE_COLOURS["ended"] if pd.notna(end) else PHASE_COLOURS["in_force"]
            ax.broken_barh([(_to_num(in_force), _to_num(stop) - _to_num(in_force))], (lane - 0.3, 0.6), color=colour)
        for column, marker in (("signed_date", "D"), ("in_force_date", "o")):
            value = row[f"{column}_start"]
            if pd.notna(value):
                ax.plot([_to_num(value)], [lane], marker=marker, markersize=6, color="black",
                        markerfacecolor=_marker_face(row[f"{column}_precision"], "black"), zorder=3)
    ax.set_yticks(range(len(frame)), [plain_text(v) for v in frame[label_column]])
    ax.set_ylim(-0.7, len(frame) - 0.3)
    ax.axvline(now, color="black", linestyle=":", linewidth=1)
    ax.annotate(f"data as of {as_of:%b %Y}", xy=(now, len(frame) - 0.4), xytext=(-4, 0), textcoords="offset points",
                ha="right", va="top", fontsize=8)
    ax.xaxis_date()
    ax.xaxis.set_major_locator(mdates.YearLocator(2))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_xlabel("Year")
    ax.set_title(plain_text(title), loc="left")
    legend = [Patch(color=PHASE_COLOURS["negotiation"], label="negotiating"),
              Patch(color=PHASE_COLOURS["signed"], label="signed, not yet in force"),
              Patch(color=PHASE_COLOURS["in_force"], label="in force"),
              Patch(color=PHASE_COLOURS["ended"], label="in force, later superseded"),
              Line2D([], [], marker="D", color="none", markerfacecolor="black", markeredgecolor="black", label="signed"),
              Line2D([], [], marker="o", color="none", markerfacecolor="black", markeredgecolor="black", label="entered into force"),
              Line2D([], [], marker="o", color="none", markerfacecolor="white", markeredgecolor="black", label="month/year precision")]
    ax.legend(handles=legend, loc="upper center", bbox_to_anchor=(0.5, -0.12 - 1.2 / height), ncol=4, fontsize=8)
    fig.subplots_adjust(left=0.30, right=0.98, top=1 - 0.55 / height, bottom=min(0.45, 1.35 / height + 0.05))
    return fig


def describe_swimlanes(network: pd.DataFrame, as_of: dt.date) -> str:
    """Alt text for plot_swimlanes, from the same frame."""
    in_force = network["in_force_date"].astype(bool).sum()
    return (f"Swimlane chart with one lane per agreement ({len(network)} lanes, {network['partner'].nunique()} partners), "
            f"earliest at the bottom. Bars show negotiation where its start is known, the wait between signature and "
            f"entry into force, and the period in force up to {as_of:%B %Y}. {in_force} of {len(network)} agreements "
            "have a recorded entry-into-force date. First signature: "
            f"{network['signed_date'].iloc[0]} ({network['partner_name'].iloc[0]}); latest: "
            f"{network['signed_date'].iloc[-1]} ({network['partner_name'].iloc[-1]}).")


@styled
def plot_cumulative(counts: pd.DataFrame, title: str, ylabel: str) -> plt.Figure:
    """Step chart of cumulative counts; one column per network (IND, JPN)."""
    fig, ax = plt.subplots(figsize=(10, 4.2))
    for column in counts.columns:
        colour = NETWORK_COLOURS.get(column)
        ax.step(counts.index, counts[column], where="post", linewidth=2, color=colour,
                label=plain_text(counts.attrs.get("labels", {}).get(column, column)))
        last_year = counts.index.max()
        ax.annotate(f"{int(counts[column].iloc[-1])}", xy=(last_year, counts[column].iloc[-1]), xytext=(4, 0),
                    textcoords="offset points", va="center", fontsize=9, color=colour)
    ax.set_xlabel("Year of signature")
    ax.set_ylabel(ylabel)
    ax.yaxis.set_major_locator(plt.MaxNLocator(integer=True))
    ax.set_ylim(0, max(1, counts.to_numpy().max()) + 1)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_title(plain_text(title), loc="left")
    ax.legend(loc="upper left")
    fig.tight_layout()
    return fig


def describe_cumulative(counts: pd.DataFrame, first_years: dict[str, int]) -> str:
    """Alt text for plot_cumulative: `first_years` gives each network's first year of signature."""
    parts = [f"{counts.attrs.get('names', {}).get(c, c)} reaches {counts[c].iloc[-1]} partners, starting in {first_years[c]}"
             for c in counts.columns]
    return (f"Step chart of the cumulative number of partners, {counts.index.min()} to {counts.index.max()}. "
            + "; ".join(parts) + ".")


@styled
def plot_duration_bars(frame: pd.DataFrame, value_column: str, label_column: str, group_column: str,
                       title: str, xlabel: str) -> plt.Figure:
    """Horizontal bars, one per agreement, coloured by network."""
    frame = frame.sort_values([group_column, value_column]).reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(10, max(2.5, 0.36 * len(frame) + 1.2)))
    colours = [NETWORK_COLOURS.get(g, OKABE_ITO["grey"]) for g in frame[group_column]]
    ax.barh(range(len(frame)), frame[value_column], color=colours)
    for i, value in enumerate(frame[value_column]):
        ax.annotate(f"{value:.0f}", xy=(value, i), xytext=(3, 0), textcoords="offset points", va="center", fontsize=8)
    ax.set_yticks(range(len(frame)), [plain_text(v) for v in frame[label_column]])
    ax.set_xlabel(xlabel)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_title(plain_text(title), loc="left")
    groups = list(dict.fromkeys(frame[group_column]))
    ax.legend(handles=[Patch(color=NETWORK_COLOURS.get(g, OKABE_ITO["grey"]), label=plain_text(frame.attrs.get("labels", {}).get(g, g))) for g in groups],
              loc="lower right")
    fig.tight_layout()
    return fig


def describe_duration_bars(frame: pd.DataFrame, value_column: str, group_column: str, names: dict[str, str]) -> str:
    """Alt text for plot_duration_bars: the range of values per group."""
    parts = []
    for group, name in names.items():
        values = frame.loc[frame[group_column] == group, value_column]
        if len(values):
            parts.append(f"{name} ({len(values)}) range from {values.min():.0f} to {values.max():.0f} months")
    return f"Horizontal bars for the {len(frame)} agreements with both dates known. " + "; ".join(parts) + "."


@styled
def plot_activity_heatmap(matrix: pd.DataFrame, markers: dict[str, list[int]], title: str) -> plt.Figure:
    """Counts per row (partner) and column (year), with the year each agreement
    was signed outlined so before/after can be read along the row."""
    fig, ax = plt.subplots(figsize=(11, max(2.6, 0.5 * len(matrix) + 1.6)))
    values = matrix.to_numpy(dtype=float)
    vmax = max(1.0, values.max())
    image = ax.imshow(values, aspect="auto", cmap="cividis_r", vmin=0, vmax=vmax)
    for (i, j), value in np.ndenumerate(values):
        if value:
            ax.text(j, i, f"{int(value)}", ha="center", va="center", fontsize=8,
                    color="white" if value > vmax * 0.55 else "black")
    years = list(matrix.columns)
    for i, partner in enumerate(matrix.index):
        for year in markers.get(partner, []):
            if year in years:
                j = years.index(year)
                ax.add_patch(plt.Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor=OKABE_ITO["vermillion"], linewidth=2.2))
    ax.set_xticks(range(len(years)), [str(y) for y in years], rotation=90)
    ax.set_yticks(range(len(matrix.index)), [plain_text(v) for v in matrix.attrs.get("labels", matrix.index)])
    ax.set_xlabel("Year")
    ax.set_ylabel("Partner")
    ax.set_title(plain_text(title), loc="left")
    colourbar = fig.colorbar(image, ax=ax, fraction=0.025, pad=0.01)
    colourbar.set_label("Exercises (count)")
    ax.legend(handles=[Patch(fill=False, edgecolor=OKABE_ITO["vermillion"], linewidth=2, label="year the logistics agreement was signed")],
              loc="upper left", bbox_to_anchor=(0, -0.28), fontsize=8)
    fig.tight_layout()
    return fig


def describe_activity_heatmap(matrix: pd.DataFrame, subject: str, first_year: int, end_year: int) -> str:
    """Alt text for plot_activity_heatmap: rows, years and the busiest rows."""
    busiest = matrix.sum(axis=1).sort_values(ascending=False)
    labels = dict(zip(matrix.index, matrix.attrs.get("labels", matrix.index)))
    return (f"Heatmap: rows are {subject} ({len(matrix)}), columns the years {first_year}–{end_year}, "
            f"cells the number of documented exercise editions with India. Outlined cells mark the year each logistics "
            f"agreement was signed. Most editions: {labels[busiest.index[0]]} ({int(busiest.iloc[0])}); "
            + ", ".join(f"{labels[p]} {int(n)}" for p, n in busiest.iloc[1:].items()) + ".")


@styled
def plot_grouped_counts(table: pd.DataFrame, title: str, xlabel: str, ylabel: str) -> plt.Figure:
    """Stacked horizontal bars: rows of `table` are categories, columns the stack."""
    fig, ax = plt.subplots(figsize=(9, max(2.4, 0.45 * len(table) + 1.3)))
    left = np.zeros(len(table))
    palette = {"high": OKABE_ITO["blue"], "medium": OKABE_ITO["orange"], "low": OKABE_ITO["vermillion"],
               "supported": OKABE_ITO["bluish_green"], "disputed": OKABE_ITO["orange"], "wrong": OKABE_ITO["vermillion"]}
    for column in table.columns:
        values = table[column].to_numpy()
        ax.barh(range(len(table)), values, left=left, label=plain_text(column), color=palette.get(column))
        for i, (start, value) in enumerate(zip(left, values)):
            if value:
                ax.text(start + value / 2, i, f"{int(value)}", ha="center", va="center", fontsize=8,
                        color="white" if column in ("high", "wrong", "supported") else "black")
        left += values
    ax.set_yticks(range(len(table)), [plain_text(v) for v in table.index])
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(plain_text(title), loc="left")
    ax.legend(loc="lower right")
    fig.tight_layout()
    return fig


def describe_grouped_counts(table: pd.DataFrame, total_label: str) -> str:
    """Alt text for plot_grouped_counts: each row's total and its parts."""
    return (f"Stacked bars of the {int(table.to_numpy().sum())} {total_label} by kind: "
            + "; ".join(f"{kind} {int(row.sum())} (" + ", ".join(f"{c} {int(v)}" for c, v in row.items() if v) + ")"
                        for kind, row in table.iterrows()) + ".")
