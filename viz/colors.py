"""Fixed colours per optimizer, the same on every page, so a class learns them once.

The palette is Okabe–Ito (distinguishable with the common colour-vision deficiencies). A second run
of the same optimizer keeps its colour and changes its dash (see `DASHES`).
"""

from __future__ import annotations

OPTIMIZER_COLORS: dict[str, str] = {
    "sgd": "#E69F00",  # orange
    "momentum": "#CC79A7",  # reddish purple: SGD with momentum > 0
    "adam": "#0072B2",  # blue
    "adabelief": "#D55E00",  # vermillion
    "rmsprop": "#009E73",  # bluish green
    "adagrad": "#56B4E9",  # sky blue
}

# Used for the k-th run of the same colour family (k = 0, 1, ...), cycling.
DASHES: tuple[str, ...] = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")

LANDSCAPE_LINE_COLOR = "rgba(90, 90, 90, 0.55)"
MINIMUM_MARKER_COLOR = "#000000"


def color_for(family: str) -> str:
    """Colour for an optimizer family key ("sgd", "momentum", "adam", ...); black if unknown."""
    return OPTIMIZER_COLORS.get(family, "#000000")


def dash_for(index_within_family: int) -> str:
    """Dash style for the k-th run that shares a colour."""
    return DASHES[index_within_family % len(DASHES)]


def run_styles(families: list[str]) -> list[tuple[str, str]]:
    """(colour, dash) for each run, in order: the colour of its family, and a new dash for each repeat.

    Two Adam runs are both blue, the first solid and the second dashed, so a class can tell them apart
    without learning a new colour.
    """
    seen: dict[str, int] = {}
    styles = []
    for family in families:
        index = seen.get(family, 0)
        seen[family] = index + 1
        styles.append((color_for(family), dash_for(index)))
    return styles
