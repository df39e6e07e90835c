"""One look for every chart: Okabe–Ito colours (safe for the common forms of
colour blindness), sizes legible when a figure is printed at page width, and
settings that make saved files byte-for-byte reproducible."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg", force=False)
import matplotlib.pyplot as plt  # noqa: E402

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

EVENT_KIND_COLOURS = {
    "agreement_milestone": OKABE_ITO["vermillion"],
    "declaration": OKABE_ITO["blue"],
    "summit": OKABE_ITO["orange"],
    "two_plus_two": OKABE_ITO["reddish_purple"],
    "ministerial": OKABE_ITO["sky_blue"],
    "dialogue": OKABE_ITO["grey"],
    "exercise": OKABE_ITO["bluish_green"],
    "context": OKABE_ITO["black"],
}
EVENT_KIND_LABELS = {
    "agreement_milestone": "Agreement milestone",
    "declaration": "Declaration",
    "summit": "Leaders' summit",
    "two_plus_two": "2+2 ministerial",
    "ministerial": "Ministerial",
    "dialogue": "Officials' dialogue",
    "exercise": "Exercise",
    "context": "Context",
}
PHASE_COLOURS = {
    "negotiation": OKABE_ITO["sky_blue"],
    "signed": OKABE_ITO["orange"],
    "in_force": OKABE_ITO["blue"],
    "ended": OKABE_ITO["grey"],
}
NETWORK_COLOURS = {"IND": OKABE_ITO["orange"], "JPN": OKABE_ITO["blue"]}

RC = {
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": matplotlib.cycler(color=CYCLE),
    "legend.fontsize": 9,
    "legend.frameon": False,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "svg.hashsalt": "logistics-pacts",
    "svg.fonttype": "none",
    "path.simplify": True,
}
PNG_METADATA = {"Software": None}
SVG_METADATA = {"Date": None, "Creator": None}


def apply_style() -> None:
    plt.rcParams.update(RC)


def plain_text(text: object) -> str:
    """Text for a matplotlib label, shown as written: a '$' would otherwise start mathtext."""
    return str(text).replace("\\", "\\\\").replace("$", r"\$")
