"""Per-step curves beside the map: loss gap f − f* and distance to the nearest minimum, on log axes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from viz.encoding import typed_array
from viz.runs import RunPicture

CURVE_HEIGHT = 290


def _curve_traces(
    runs: Sequence[RunPicture], values: Sequence[np.ndarray], what: str
) -> list[dict[str, Any]]:
    traces = []
    for i, (run, y) in enumerate(zip(runs, values, strict=True)):
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": run.label,
                "legendgroup": f"run{i}",
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


def _layout(title: str, y_title: str, log_y: bool) -> dict[str, Any]:
    return {
        "height": CURVE_HEIGHT,
        "title": {"text": title, "x": 0.01, "font": {"size": 14}},
        "margin": {"l": 60, "r": 10, "t": 35, "b": 40},
        "xaxis": {"title": {"text": "step"}},
        "yaxis": {
            "title": {"text": y_title},
            "type": "log" if log_y else "linear",
            "exponentformat": "power",
        },
        "showlegend": False,
        "hovermode": "closest",
        "plot_bgcolor": "white",
    }


def loss_gap(run: RunPicture, min_value: float | None) -> np.ndarray:
    """f − f* when the minimum value is known, else f itself."""
    return run.loss - min_value if min_value is not None else run.loss


def loss_figure(runs: Sequence[RunPicture], min_value: float | None) -> dict[str, Any]:
    """Loss against step. With a known minimum value f*, plot f − f* on a log axis (how many digits are
    left to gain); without one, plot f, on a log axis only if every value is positive."""
    values = [loss_gap(run, min_value) for run in runs]
    if min_value is not None:
        title, y_title, log_y = "Loss gap f(x, y) − f* (log scale)", "f − f*", True
    else:
        finite = np.concatenate([v[np.isfinite(v)] for v in values]) if values else np.empty(0)
        log_y = bool(finite.size) and bool((finite > 0).all())
        title, y_title = ("Loss f(x, y) (log scale)" if log_y else "Loss f(x, y)"), "f"
    figure = {"data": _curve_traces(runs, values, "f − f*" if min_value is not None else "f")}
    figure["layout"] = _layout(title, y_title, log_y)
    return figure


def distance_figure(runs: Sequence[RunPicture]) -> dict[str, Any]:
    """Euclidean distance to the nearest known minimum against step, log axis."""
    values = [run.distance for run in runs]
    figure = {"data": _curve_traces(runs, values, "distance")}
    figure["layout"] = _layout("Distance to the nearest minimum (log scale)", "distance", True)
    return figure
