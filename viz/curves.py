"""Per-step curves beside the map, in one figure: the loss gap f − f* above, the distance to the nearest
minimum below, both on log axes and sharing the step axis (zooming one zooms both).

One figure rather than two: each plotly figure costs the browser its own redraw of layout, axes and
margins on every slider move (~8 ms of the ~30 ms both curves took as separate figures).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from viz.encoding import typed_array
from viz.runs import RunPicture

PANEL_HEIGHT = 290  # one panel's share of the figure, in px
PANEL_GAP = 0.14  # between the panels, as a fraction of the plotting height
LOSS_PANEL = ("x", "y")
DISTANCE_PANEL = ("x2", "y2")


def _curve_traces(
    runs: Sequence[RunPicture], values: Sequence[np.ndarray], what: str, panel: tuple[str, str]
) -> list[dict[str, Any]]:
    """One line per run, then an × with its label where a run stopped, on the subplot `panel`."""
    x_axis, y_axis = panel
    traces = []
    for i, (run, y) in enumerate(zip(runs, values, strict=True)):
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": run.label,
                "legendgroup": f"run{i}",
                "xaxis": x_axis,
                "yaxis": y_axis,
                "x0": 0,
                "dx": 1,
                "y": typed_array(y, "f8"),
                "line": {"color": run.color, "dash": run.dash, "width": 2},
                "hovertemplate": f"{run.label}<br>step %{{x}}: {what} = %{{y:.3e}}<extra></extra>",
            }
        )
    for i, (run, y) in enumerate(zip(runs, values, strict=True)):
        if run.stop_text is None:
            continue
        last = run.last_valid_index
        value = float(y[last]) if np.isfinite(y[last]) and y[last] > 0 else None
        traces.append(
            {
                "type": "scatter",
                "mode": "markers+text",
                "name": f"{run.label}: {run.stop_text}",
                "legendgroup": f"run{i}",
                "showlegend": False,
                "xaxis": x_axis,
                "yaxis": y_axis,
                "x": [last],
                "y": [value],
                "text": [run.stop_text],
                "textposition": "bottom right",
                "textfont": {"color": run.color},
                "marker": {"symbol": "x", "size": 12, "color": run.color},
                "cliponaxis": False,
            }
        )
    return traces


def _panel_title(text: str, y_axis: str) -> dict[str, Any]:
    """A panel's title: an annotation just above its plotting area, at the left."""
    return {
        "text": text,
        "xref": "paper",
        "yref": f"{y_axis} domain",
        "x": 0,
        "y": 1.0,
        "xanchor": "left",
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"size": 13},
    }


def _value_axis(title: str, log: bool, domain: list[float]) -> dict[str, Any]:
    return {
        "title": {"text": title},
        "type": "log" if log else "linear",
        "exponentformat": "power",
        "domain": domain,
    }


def loss_gap(run: RunPicture, min_value: float | None) -> np.ndarray:
    """f − f* when the minimum value is known, else f itself."""
    return run.loss - min_value if min_value is not None else run.loss


def _loss_panel(
    runs: Sequence[RunPicture], min_value: float | None
) -> tuple[list[np.ndarray], str, str, bool]:
    """What the loss panel plots: (values per run, title, axis title, log axis?).

    With a known minimum value f*, f − f* on a log axis (how many digits are left to gain); without one,
    f, on a log axis only if every value is positive.
    """
    values = [loss_gap(run, min_value) for run in runs]
    if min_value is not None:
        return values, "Loss gap f(x, y) − f* (log scale)", "f − f*", True
    finite = np.concatenate([v[np.isfinite(v)] for v in values]) if values else np.empty(0)
    log_y = bool(finite.size) and bool((finite > 0).all())
    return values, ("Loss f(x, y) (log scale)" if log_y else "Loss f(x, y)"), "f", log_y


def curves_figure(runs: Sequence[RunPicture], min_value: float | None, with_distance: bool) -> dict[str, Any]:
    """Loss against step and, with `with_distance` (the surface lists its minima), the Euclidean distance
    to the nearest known minimum against step, on a log axis, in a second panel below with the same
    step axis."""
    values, title, y_title, log_y = _loss_panel(runs, min_value)
    data = _curve_traces(runs, values, y_title, LOSS_PANEL)  # hover says "f − f* = ..." or "f = ..."
    panels = 2 if with_distance else 1
    height = PANEL_HEIGHT * panels
    layout: dict[str, Any] = {
        "height": height,
        "margin": {"l": 60, "r": 10, "t": 35, "b": 40},
        "showlegend": False,
        "hovermode": "closest",
        "plot_bgcolor": "white",
    }
    if with_distance:
        half = (1 - PANEL_GAP) / 2
        layout["yaxis"] = _value_axis(y_title, log_y, [1 - half, 1.0])
        layout["xaxis"] = {"anchor": "y", "domain": [0.0, 1.0], "matches": "x2", "showticklabels": False}
        layout["yaxis2"] = _value_axis("distance", True, [0.0, half])
        layout["xaxis2"] = {"anchor": "y2", "domain": [0.0, 1.0], "title": {"text": "step"}}
        distance_title = "Distance to nearest minimum (log scale)"
        layout["annotations"] = [_panel_title(title, "y"), _panel_title(distance_title, "y2")]
        data += _curve_traces(runs, [run.distance for run in runs], "distance", DISTANCE_PANEL)
    else:
        layout["yaxis"] = _value_axis(y_title, log_y, [0.0, 1.0])
        layout["xaxis"] = {"anchor": "y", "domain": [0.0, 1.0], "title": {"text": "step"}}
        layout["annotations"] = [_panel_title(title, "y")]
    return {"data": data, "layout": layout}
