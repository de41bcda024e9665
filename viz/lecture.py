"""Layout pieces for the teaching pages' figures: type large enough to read from the back of a lecture hall.

Figures are plain plotly figure dicts (validated against plotly's schema in the tests), with subplots laid
out by hand (`subplot_axes`) so that no plotly.py object is built on a rerun.
"""

from __future__ import annotations

from typing import Any

FONT_SIZE = 18
TITLE_SIZE = 24
TICK_SIZE = 16
ANNOTATION_SIZE = 18
FONT_FAMILY = "Source Sans Pro, Arial, sans-serif"
CURSOR_COLOR = "rgba(0, 0, 0, 0.65)"
GRID_COLOR = "rgba(0, 0, 0, 0.08)"


def base_layout(
    title: str, height: int, legend_below: bool = False, subtitle: str | None = None, **extra: Any
) -> dict[str, Any]:
    """Title, fonts, white background, legend under the title (or under the plot, for narrow figures
    whose legend would wrap into the title): the common part of every teaching figure.

    A `subtitle` goes under the title in body type (plotly's own title.subtitle, which plotly places
    under the title's line; a title of two lines joined by <br> lost its first line above the figure's
    top). A title with its detail on one line ran past a figure ~400 px wide.
    """
    layout: dict[str, Any] = {
        "title": {
            "text": title,
            "font": {"size": TITLE_SIZE},
            "x": 0.0,
            "xanchor": "left",
            "y": 0.99,
            "yref": "container",
            "yanchor": "top",
        },
        "font": {"size": FONT_SIZE, "family": FONT_FAMILY, "color": "#111111"},
        "height": height,
        "margin": {"l": 90, "r": 30, "t": 130, "b": 70},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "legend": {
            "orientation": "h",
            "x": 0.0,
            "y": 1.02,
            "yanchor": "bottom",
            "xanchor": "left",
            "font": {"size": FONT_SIZE},
        },
        "hoverlabel": {"font": {"size": FONT_SIZE}},
    }
    if subtitle:
        layout["title"]["subtitle"] = {"text": subtitle, "font": {"size": FONT_SIZE}}
    if legend_below:
        layout["legend"].update({"y": -0.12, "yanchor": "top"})
        layout["margin"] = {"l": 70, "r": 20, "t": 70, "b": 160}
    layout.update(extra)
    return layout


def axis(title: str = "", **extra: Any) -> dict[str, Any]:
    """An axis with a large title and tick labels."""
    spec: dict[str, Any] = {
        "title": {"text": title, "font": {"size": FONT_SIZE}},
        "tickfont": {"size": TICK_SIZE},
        "showgrid": True,
        "gridcolor": GRID_COLOR,
        "zeroline": False,
        "showline": True,
        "linecolor": "#444444",
        "mirror": True,
    }
    spec.update(extra)
    return spec


def axis_name(index: int, letter: str) -> str:
    """Layout key of the index-th axis (0 -> "xaxis", 1 -> "xaxis2", ...)."""
    return f"{letter}axis" if index == 0 else f"{letter}axis{index + 1}"


def axis_ref(index: int, letter: str) -> str:
    """Trace reference of the index-th axis (0 -> "x", 1 -> "x2", ...)."""
    return letter if index == 0 else f"{letter}{index + 1}"


def subplot_axes(
    rows: int, columns: int, horizontal_gap: float = 0.08, vertical_gap: float = 0.1
) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """Domains ((x0, x1), (y0, y1)) of a rows × columns grid, row-major, row 0 at the top."""
    width = (1.0 - horizontal_gap * (columns - 1)) / columns
    height = (1.0 - vertical_gap * (rows - 1)) / rows
    domains = []
    for row in range(rows):
        top = 1.0 - row * (height + vertical_gap)
        for column in range(columns):
            left = column * (width + horizontal_gap)
            domains.append((_unit_interval(left, left + width), _unit_interval(top - height, top)))
    return domains


def _unit_interval(low: float, high: float) -> tuple[float, float]:
    """Rounded and clipped to [0, 1] (plotly refuses -5e-17)."""
    return (min(max(round(low, 6), 0.0), 1.0), min(max(round(high, 6), 0.0), 1.0))


def subplot_title(
    text: str, x_domain: tuple[float, float], y_top: float, bold: bool = False
) -> dict[str, Any]:
    """An annotation above a subplot."""
    return {
        "text": f"<b>{text}</b>" if bold else text,
        "x": (x_domain[0] + x_domain[1]) / 2,
        "y": y_top,
        "xref": "paper",
        "yref": "paper",
        "xanchor": "center",
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"size": ANNOTATION_SIZE},
    }


def cursor_line(index: int, x: float) -> dict[str, Any]:
    """A vertical line at x across the index-th subplot (the step scrubber's cursor)."""
    return {
        "type": "line",
        "xref": axis_ref(index, "x"),
        "yref": f"{axis_ref(index, 'y')} domain",
        "x0": x,
        "x1": x,
        "y0": 0,
        "y1": 1,
        "line": {"color": CURSOR_COLOR, "width": 2, "dash": "dot"},
    }


def arrow(tip: Any, tail: Any, color: str, width: float, head_size: float = 1.0) -> dict[str, Any]:
    """A plotly annotation drawing an arrow from `tail` to `tip`, both in data coordinates."""
    return {
        "x": float(tip[0]),
        "y": float(tip[1]),
        "ax": float(tail[0]),
        "ay": float(tail[1]),
        "xref": "x",
        "yref": "y",
        "axref": "x",
        "ayref": "y",
        "showarrow": True,
        "arrowhead": 3,
        "arrowsize": head_size,
        "arrowwidth": width,
        "arrowcolor": color,
        "text": "",
    }
