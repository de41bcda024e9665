"""Figures for "The three regions": the 1D curve with its regions marked, and the steps taken in each.

Inputs are duck-typed `optim_core.regions` objects (`Region`, `PointStudy`, `TableRow`: attributes only);
outputs are plotly figure dicts and a Markdown table.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from typing import Any

import numpy as np

from viz.colors import color_for
from viz.encoding import typed_array
from viz.lecture import axis, base_layout

OPTIMIZER_LABELS = {"sgd": "SGD", "adam": "Adam", "adabelief": "AdaBelief"}
IDEAL_COLOR = "#555555"
REGION_FILLS = ("rgba(0, 0, 0, 0.06)", "rgba(0, 0, 0, 0.13)", "rgba(0, 0, 0, 0.06)")
CURVE_HEIGHT = 520
BARS_HEIGHT = 520
BARS_LEGEND_ROOM = 30  # px more above the bars than base_layout's top margin: two legend rows
CATEGORY_LINE = 18  # characters a line of a region's label under its bars


def curve_figure(x: np.ndarray, f: np.ndarray, studies: Sequence[Any], curve_of: Any) -> dict[str, Any]:
    """The loss curve f(x), each region shaded and named, the studied point in each, and where each
    optimizer went in its few steps from that point (`curve_of(xs)` gives f at the path's points)."""
    traces: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "lines",
            "name": "loss f(x)",
            "x": typed_array(x),
            "y": typed_array(f),
            "line": {"color": "black", "width": 3},
            "hovertemplate": "x = %{x:.3f}<br>f = %{y:.4f}<extra></extra>",
        }
    ]
    shapes = []
    annotations = []
    finite = f[np.isfinite(f)]
    top = float(finite.max()) if finite.size else 1.0
    for index, study in enumerate(studies):
        region = study.region
        shapes.append(
            {
                "type": "rect",
                "xref": "x",
                "yref": "paper",
                "x0": region.low,
                "x1": region.high,
                "y0": 0,
                "y1": 1,
                "fillcolor": REGION_FILLS[index % len(REGION_FILLS)],
                "line": {"width": 0},
                "layer": "below",
            }
        )
        annotations.append(
            {
                "text": f"<b>{index + 1}</b>",
                "x": (region.low + region.high) / 2,
                "y": 1.0,
                "xref": "x",
                "yref": "paper",
                "yanchor": "top",
                "showarrow": False,
                "font": {"size": 26},
            }
        )
        for name, taken in study.steps.items():
            path = np.asarray(taken.path, dtype=np.float64)
            path = path[np.isfinite(path)]
            traces.append(
                {
                    "type": "scatter",
                    "mode": "markers",
                    "name": OPTIMIZER_LABELS.get(name, name),
                    "legendgroup": name,
                    "showlegend": index == 0,
                    "x": typed_array(path),
                    "y": typed_array(curve_of(path)),
                    "marker": {"color": color_for(name), "size": 8, "opacity": 0.75},
                    "hovertemplate": OPTIMIZER_LABELS.get(name, name) + " at x = %{x:.4f}<extra></extra>",
                }
            )
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": "studied point",
                "legendgroup": "point",
                "showlegend": index == 0,
                "x": [study.x],
                "y": [float(curve_of(np.array([study.x]))[0])],
                "marker": {"color": "white", "size": 18, "line": {"color": "black", "width": 3}},
                "hovertemplate": f"region {index + 1}: x = {study.x:.3f}<extra></extra>",
            }
        )
    layout = base_layout(
        "A 1D loss with the three regions of the paper's Fig. 1",
        CURVE_HEIGHT,
        xaxis=axis("x (the parameter)"),
        yaxis=axis("loss f(x)", range=[float(finite.min()) - 0.3, top + 0.6] if finite.size else None),
        shapes=shapes,
        annotations=annotations,
    )
    return {"data": traces, "layout": layout}


def _bar_value(value: float, ceiling: float) -> float:
    return ceiling if math.isinf(value) else value


def steps_figure(studies: Sequence[Any]) -> dict[str, Any]:
    """Grouped bars per region: the ideal step |f'|/|f''| and the mean step SGD, Adam and AdaBelief took
    (log scale). A run that diverged is drawn at the top and labelled."""
    # On two lines: on one, plotly turned the labels 30° on a 564-pixel figure, and their slant took a third
    # of its width from the plot
    categories = [
        "<br>".join(textwrap.wrap(f"{index + 1}: {study.region.title.split(': ', 1)[-1]}", CATEGORY_LINE))
        for index, study in enumerate(studies)
    ]
    values = [study.ideal_step for study in studies] + [
        taken.mean_step for study in studies for taken in study.steps.values()
    ]
    finite = [v for v in values if math.isfinite(v) and v > 0]
    ceiling = max(finite) * 10 if finite else 1.0
    traces: list[dict[str, Any]] = [
        {
            "type": "bar",
            "name": "ideal step |f′|/|f″|",
            "x": categories,
            "y": [_bar_value(study.ideal_step, ceiling) for study in studies],
            "marker": {"color": IDEAL_COLOR, "pattern": {"shape": "/"}},
            "text": [_label(study.ideal_step) for study in studies],
            "textposition": "outside",
            "textfont": {"size": 16},
            "hovertemplate": "ideal step %{y:.4g}<extra></extra>",
        }
    ]
    for name, label in OPTIMIZER_LABELS.items():
        steps = [study.steps[name].mean_step for study in studies]
        traces.append(
            {
                "type": "bar",
                "name": label,
                "x": categories,
                "y": [_bar_value(v, ceiling) for v in steps],
                "marker": {"color": color_for(name)},
                "text": [_label(v) for v in steps],
                "textposition": "outside",
                "textfont": {"size": 16},
                "hovertemplate": label + ": mean step %{y:.4g}<extra></extra>",
            }
        )
    layout = base_layout(
        "Ideal step against the steps taken (mean, log scale)",
        BARS_HEIGHT + BARS_LEGEND_ROOM,
        # On a 564-pixel figure the legend takes two rows, up to the title
        margin={"l": 90, "r": 30, "t": 130 + BARS_LEGEND_ROOM, "b": 70},
        barmode="group",
        uniformtext={"minsize": 14, "mode": "hide"},
        xaxis=axis("", showgrid=False),
        yaxis=axis("step length", type="log", exponentformat="power"),
    )
    return {"data": traces, "layout": layout}


def _label(value: float) -> str:
    if math.isinf(value):
        return "diverged"
    if not math.isfinite(value):
        return "?"
    return f"{value:.2g}"


def table_markdown(rows: Sequence[Any]) -> str:
    """The paper's Table 1 with the app's own marks: "L ✓" where they agree with the paper, "S ✗ (paper: L)"
    where they do not. Each row is a `TableRow` (title, values, marks, paper, agreements)."""
    lines = [
        "| | Region 1: flat | Region 2: steep valley | Region 3: large gradient, small curvature |",
        "|---|:---:|:---:|:---:|",
    ]
    for row in rows:
        cells = []
        for value, mark, paper, agrees in zip(row.values, row.marks, row.paper, row.agreements, strict=True):
            verdict = "✓" if agrees else f"✗ (paper: {paper})"
            cells.append(f"**{mark}** {verdict} · {_label(value)}")
        title = row.title.replace("|", "\\|")  # a bare | would end the cell
        lines.append(f"| {title} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
