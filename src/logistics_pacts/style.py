"""One look for every chart: Okabe–Ito colours (safe for the common forms of colour
blindness), sizes legible when a figure is printed at page width, and settings that make
saved files byte-for-byte reproducible.

Importing this module changes nothing global: charts draw inside `chart_style()`, a
matplotlib rc context, so an analyst's own plots in JupyterLab keep their own settings.
"""
from __future__ import annotations

import contextlib

import matplotlib

# Okabe & Ito (2008), "Color Universal Design". Black is kept for text.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "grey": "#999999",
    "black": "#000000",
}
CYCLE = [OKABE_ITO[k] for k in ("blue", "orange", "bluish_green", "vermillion", "reddish_purple", "sky_blue", "yellow", "grey")]
# Event kinds take these colours in the order data/datapackage.json lists the kinds.
KIND_PALETTE = [OKABE_ITO[k] for k in ("vermillion", "blue", "orange", "reddish_purple", "sky_blue", "grey",
                                       "bluish_green", "black", "yellow")]
PHASE_COLOURS = {
    "negotiation": OKABE_ITO["sky_blue"],
    "signed": OKABE_ITO["orange"],
    "in_force": OKABE_ITO["blue"],
    "ended": OKABE_ITO["grey"],
}
NETWORK_COLOURS = {"IND": OKABE_ITO["orange"], "JPN": OKABE_ITO["blue"]}

# Figures are drawn at the size they are printed: the text width of an A4 page with 2 cm
# margins is 17 cm. At that size no text may be smaller than 8 pt (display checks it).
FIG_WIDTH = 6.7  # inches
MIN_POINTS = 8.0

RC = {
    "figure.dpi": 100,
    "savefig.dpi": 200,
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "axes.labelsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": matplotlib.cycler(color=CYCLE),
    "legend.fontsize": 8,
    "legend.frameon": False,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "svg.hashsalt": "logistics-pacts",
    "svg.fonttype": "none",
    "path.simplify": True,
}
PNG_METADATA = {"Software": None}
SVG_METADATA = {"Date": None, "Creator": None}


@contextlib.contextmanager
def chart_style():
    """The report's matplotlib settings for the duration of a `with` block only. Only the
    settings in RC are restored afterwards: matplotlib.rc_context would also undo what the
    backend sets up meanwhile (JupyterLab's inline backend switches interactive mode on when
    the first figure is made), and an analyst's own plots would then stop showing."""
    saved = {key: matplotlib.rcParams[key] for key in RC}
    matplotlib.rcParams.update(RC)
    try:
        yield
    finally:
        matplotlib.rcParams.update(saved)


def kind_colours(kinds: list[str]) -> dict[str, str]:
    """A colour for each event kind, by its position in the data package's list of kinds."""
    return {kind: KIND_PALETTE[i % len(KIND_PALETTE)] for i, kind in enumerate(kinds)}


def plain_text(text: object) -> str:
    """Text for a matplotlib label, shown as written: a '$' would otherwise start mathtext."""
    return str(text).replace("\\", "\\\\").replace("$", r"\$")
