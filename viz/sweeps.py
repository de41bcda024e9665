"""Figures for the sweeps page: outcome heatmaps over hyperparameter grids, and basin maps over start points.

Every heatmap carries an invisible grid of markers (at most `CLICK_GRID_MAX` per side) whose customdata
is the cell's setting: a click on a contour or heatmap trace gives no selection event, a marker does.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from viz.colors import MINIMUM_MARKER_COLOR
from viz.encoding import typed_array, typed_grid
from viz.landscape import landscape_trace
from viz.lecture import axis, base_layout

CLICK_GRID_MAX = 64
HEATMAP_HEIGHT = 560
SUBTITLE_ROOM = 30  # px a subtitle's line takes above the plot
DIVERGED_COLOR = "#000000"
NOT_REACHED_COLOR = "#E8E8E8"
BASIN_COLORS = ("#88CCEE", "#DDCC77", "#117733", "#CC6677", "#AA4499", "#44AA99", "#999933", "#882255")

METRICS = {
    "steps": "steps to reach the minimum",
    "loss": "final loss (log10 of f − f_min)",
    "diverged": "step at which the run diverged",
}
COLORBAR_TITLES = {"steps": "steps", "loss": "log10 gap", "diverged": "diverged at"}
PARAMETER_LABELS = {
    "lr": "learning rate α",
    "beta1": "β1",
    "beta2": "β2",
    "momentum": "momentum μ",
    "alpha": "α",
}


def axis_positions(values: np.ndarray, scale: str) -> np.ndarray:
    """Where each value sits on a linear plotting axis: log10 for "log", −log10(1 − v) ("nines") for
    "one_minus_log", the value itself for "linear"."""
    values = np.asarray(values, dtype=np.float64)
    if scale == "log":
        return np.log10(values)
    if scale == "one_minus_log":
        return -np.log10(1.0 - values)
    return values


def axis_ticks(values: np.ndarray, scale: str, count: int = 6) -> dict[str, Any]:
    """Readable ticks for `axis_positions`: powers of ten for lr, 0.9 / 0.99 / 0.999 for betas."""
    positions = axis_positions(values, scale)
    low, high = float(np.nanmin(positions)), float(np.nanmax(positions))
    if scale == "log":
        exponents = np.arange(math.floor(low), math.ceil(high) + 1)
        exponents = exponents[(exponents >= low - 1e-9) & (exponents <= high + 1e-9)]
        return {"tickvals": exponents.tolist(), "ticktext": [f"1e{int(e)}" for e in exponents]}
    if scale == "one_minus_log":
        nines = np.arange(math.floor(low), math.ceil(high) + 1)
        nines = nines[(nines >= low - 1e-9) & (nines <= high + 1e-9)]
        return {"tickvals": nines.tolist(), "ticktext": [f"{1 - 10.0**-n:g}" for n in nines]}
    return {"nticks": count}


def metric_grid(outcome: Any, metric: str, min_value: float | None) -> np.ndarray:
    """The number each cell shows (NaN where it has none): see `METRICS`."""
    diverged = outcome.diverged_at >= 0
    if metric == "steps":
        values = outcome.steps_to_tolerance.astype(np.float64)
        return np.where((outcome.steps_to_tolerance >= 0) & ~diverged, values, np.nan)
    if metric == "loss":
        base = 0.0 if min_value is None else float(min_value)
        with np.errstate(all="ignore"):
            gap = np.log10(np.maximum(outcome.final_loss - base, 1e-300))
        return np.where(diverged | ~np.isfinite(outcome.final_loss), np.nan, gap)
    if metric == "diverged":
        return np.where(diverged, outcome.diverged_at.astype(np.float64), np.nan)
    raise ValueError(f"unknown metric {metric!r}; choose one of {', '.join(METRICS)}")


def _click_grid(
    x_positions: np.ndarray,
    y_positions: np.ndarray,
    x_values: np.ndarray,
    y_values: np.ndarray,
    cell_values: np.ndarray,
    hover: str,
    empty_text: str = "none",
) -> dict[str, Any]:
    """Invisible markers at (a subsample of) the cell centres; customdata = (x value, y value, the cell's
    number). The heatmaps under them skip hover, so a click lands on a marker, which reports a selection."""
    columns = np.unique(np.linspace(0, len(x_positions) - 1, min(len(x_positions), CLICK_GRID_MAX)).round())
    rows = np.unique(np.linspace(0, len(y_positions) - 1, min(len(y_positions), CLICK_GRID_MAX)).round())
    columns, rows = columns.astype(int), rows.astype(int)
    grid_columns, grid_rows = np.meshgrid(columns, rows)
    cells = np.asarray(cell_values, dtype=np.float64)[grid_rows.ravel(), grid_columns.ravel()]
    invisible = {"opacity": 0}
    return {
        "type": "scatter",
        "mode": "markers",
        "name": "click a cell",
        "x": typed_array(x_positions[grid_columns.ravel()]),
        "y": typed_array(y_positions[grid_rows.ravel()]),
        "customdata": [
            [float(x), float(y), None if not np.isfinite(v) else float(v)]
            for x, y, v in zip(
                x_values[grid_columns.ravel()], y_values[grid_rows.ravel()], cells, strict=True
            )
        ],
        "marker": {"size": 14, "color": "rgba(0,0,0,0)", "opacity": 0},
        "selected": {"marker": invisible},
        "unselected": {"marker": invisible},
        "hovertemplate": hover,
        "showlegend": False,
    }


def _flag_layer(x: np.ndarray, y: np.ndarray, mask: np.ndarray, color: str, name: str) -> dict[str, Any]:
    """A heatmap that paints the masked cells in one colour (diverged, never reached)."""
    return {
        "type": "heatmap",
        "name": name,
        "x": typed_array(x),
        "y": typed_array(y),
        "z": typed_grid(np.where(mask, 1.0, np.nan)),
        "colorscale": [[0, color], [1, color]],
        "showscale": False,
        "hoverinfo": "skip",
        "zmin": 0,
        "zmax": 1,
    }


def heatmap_figure(
    outcome: Any,
    metric: str,
    min_value: float | None,
    x_parameter: str,
    x_scale: str,
    y_parameter: str,
    y_scale: str,
    title: str,
    z_range: tuple[float, float] | None = None,
    subtitle: str | None = None,
) -> dict[str, Any]:
    """One optimizer's grid: the metric per (lr, y) cell, diverged cells black, cells that never reached
    the minimum light grey; an invisible click grid whose customdata is (lr, y)."""
    x = axis_positions(outcome.x_values, x_scale)
    y = axis_positions(outcome.y_values, y_scale)
    z = metric_grid(outcome, metric, min_value)
    diverged = outcome.diverged_at >= 0
    finite = z[np.isfinite(z)]
    low, high = z_range if z_range is not None else ((finite.min(), finite.max()) if finite.size else (0, 1))
    traces: list[dict[str, Any]] = [
        _flag_layer(x, y, ~diverged & ~np.isfinite(z), NOT_REACHED_COLOR, "never reached"),
        _flag_layer(x, y, diverged, DIVERGED_COLOR, "diverged"),
        {
            "type": "heatmap",
            "name": METRICS[metric],
            "x": typed_array(x),
            "y": typed_array(y),
            "z": typed_grid(z),
            "zmin": float(low),
            "zmax": float(high) if high > low else float(low) + 1,
            "colorscale": "Viridis",
            "reversescale": metric == "steps",  # fewer steps = brighter
            "colorbar": {
                "title": {"text": COLORBAR_TITLES[metric], "side": "top", "font": {"size": 16}},
                "tickfont": {"size": 15},
                "thickness": 18,
            },
            "hoverinfo": "skip",
        },
    ]
    hover = (
        f"{PARAMETER_LABELS.get(x_parameter, x_parameter)} = %{{customdata[0]:.3g}}<br>"
        f"{PARAMETER_LABELS.get(y_parameter, y_parameter)} = %{{customdata[1]:.5g}}<br>"
        f"{METRICS[metric]}: %{{customdata[2]}}<br>"
        "click: open in the playground<extra></extra>"
    )
    empty = {"steps": "never (or diverged)", "loss": "diverged", "diverged": "never"}[metric]
    traces.append(_click_grid(x, y, outcome.x_values, outcome.y_values, z, hover, empty))
    counts = (
        f"{int((outcome.steps_to_tolerance >= 0).sum())} reached, {int(diverged.sum())} diverged "
        f"(black), of {diverged.size}"
    )
    top_room = SUBTITLE_ROOM if subtitle else 0  # for the subtitle (the metric) under the title
    layout = base_layout(
        title,
        HEATMAP_HEIGHT + top_room,
        subtitle=subtitle,
        xaxis=axis(
            PARAMETER_LABELS.get(x_parameter, x_parameter),
            range=cell_edges(x),
            **axis_ticks(outcome.x_values, x_scale),
        ),
        yaxis=axis(
            PARAMETER_LABELS.get(y_parameter, y_parameter),
            range=cell_edges(y),
            **axis_ticks(outcome.y_values, y_scale),
        ),
        annotations=[_footnote(counts)],
    )
    layout["margin"] = {"l": 90, "r": 30, "t": 70 + top_room, "b": 140}
    return {"data": traces, "layout": layout}


def cell_edges(centres: np.ndarray) -> list[float]:
    """The outer edges of a heatmap's first and last cells (the axis range that fits it exactly)."""
    centres = np.asarray(centres, dtype=np.float64)
    half = (centres[-1] - centres[0]) / (2 * max(len(centres) - 1, 1))
    return [float(centres[0] - half), float(centres[-1] + half)]


def _footnote(text: str) -> dict[str, Any]:
    return {
        "text": text,
        "x": 0.0,
        "y": -0.3,
        "xref": "paper",
        "yref": "paper",
        "xanchor": "left",
        "showarrow": False,
        "font": {"size": 15},
    }


def _basin_colorscale(count: int) -> list[list[Any]]:
    """Discrete colours for the codes −2 (stopped), −1 (not reached), 0 .. count − 1 (minima)."""
    colors = [DIVERGED_COLOR, NOT_REACHED_COLOR] + [BASIN_COLORS[i % len(BASIN_COLORS)] for i in range(count)]
    bands = len(colors)
    scale = []
    for index, color in enumerate(colors):
        scale.append([index / bands, color])
        scale.append([(index + 1) / bands, color])
    return scale


def basin_figure(
    outcome: Any,
    minima: Sequence[tuple[float, float]],
    lines_x: np.ndarray,
    lines_y: np.ndarray,
    title: str,
) -> dict[str, Any]:
    """Which minimum each start reaches (one colour per minimum, grey: none, black: diverged), the
    contour lines on top, the minima as stars; an invisible click grid whose customdata is the start."""
    count = max(len(minima), 1)
    codes = outcome.basin.astype(np.float64)
    traces: list[dict[str, Any]] = [
        {
            "type": "heatmap",
            "name": "basin",
            "x": typed_array(outcome.x_values),
            "y": typed_array(outcome.y_values),
            "z": typed_grid(codes),
            "zmin": -2.5,
            "zmax": count - 0.5,
            "colorscale": _basin_colorscale(count),
            "showscale": False,
            "hoverinfo": "skip",
        },
        landscape_trace(lines_x, lines_y),
    ]
    for index, point in enumerate(minima):
        traces.append(
            {
                "type": "scatter",
                "mode": "markers+text",
                "name": f"minimum #{index}",
                "x": [float(point[0])],
                "y": [float(point[1])],
                "text": [f"#{index}"],
                "textposition": "top center",
                "textfont": {"size": 18},
                "marker": {
                    "symbol": "star",
                    "size": 20,
                    "color": BASIN_COLORS[index % len(BASIN_COLORS)],
                    "line": {"color": MINIMUM_MARKER_COLOR, "width": 2},
                },
                "showlegend": False,
                "hoverinfo": "skip",
            }
        )
    traces.append(
        _click_grid(
            outcome.x_values,
            outcome.y_values,
            outcome.x_values,
            outcome.y_values,
            codes,
            "start (%{customdata[0]:.3g}, %{customdata[1]:.3g})<br>minimum #%{customdata[2]} "
            "(−1: none reached, −2: diverged)<br>click: race from here<extra></extra>",
        )
    )
    reached = [int((outcome.basin == k).sum()) for k in range(len(minima))]
    shares = ", ".join(f"#{k}: {n}" for k, n in enumerate(reached))
    footnote = (
        f"starts per minimum {shares} · never reached: {int((outcome.basin == -1).sum())} "
        f"· diverged: {int((outcome.basin == -2).sum())}"
    )
    layout = base_layout(
        title,
        HEATMAP_HEIGHT + 60,
        xaxis=axis("start x", range=cell_edges(outcome.x_values)),
        yaxis=axis(
            "start y",
            range=cell_edges(outcome.y_values),
            scaleanchor="x",
            scaleratio=1,
        ),
        annotations=[_footnote(footnote)],
    )
    layout["margin"] = {"l": 90, "r": 30, "t": 70, "b": 140}
    return {"data": traces, "layout": layout}


def speed_figure(outcome: Any, title: str) -> dict[str, Any]:
    """How fast each start reached its minimum (steps; blank where it never did)."""
    steps = np.where(outcome.basin >= 0, outcome.steps_to_tolerance, np.nan).astype(np.float64)
    traces = [
        {
            "type": "heatmap",
            "x": typed_array(outcome.x_values),
            "y": typed_array(outcome.y_values),
            "z": typed_grid(steps),
            "colorscale": "Viridis",
            "reversescale": True,
            "colorbar": {"title": {"text": "steps", "font": {"size": 16}}, "tickfont": {"size": 15}},
            "hovertemplate": "start (%{x:.3g}, %{y:.3g}): %{z:.0f} steps<extra></extra>",
        }
    ]
    layout = base_layout(
        title,
        HEATMAP_HEIGHT + 60,
        xaxis=axis("start x"),
        yaxis=axis("start y", scaleanchor="x", scaleratio=1),
    )
    return {"data": traces, "layout": layout}
