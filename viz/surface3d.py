"""The same runs over the surface in 3D (static: rotate and zoom, no animation)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from viz.colors import MINIMUM_MARKER_COLOR
from viz.encoding import typed_array, typed_grid
from viz.landscape import LandscapeGrid
from viz.runs import RunPicture

SURFACE_HEIGHT = 600


def height_cap(z: np.ndarray, quantile: float = 0.9) -> float:
    """The height above which the surface is cut flat, so Beale's 1e5 walls do not flatten the valley."""
    finite = z[np.isfinite(z)]
    return float(np.quantile(finite, quantile)) if finite.size else 1.0


def surface_figure(
    grid: LandscapeGrid,
    minima: Sequence[tuple[float, float]],
    minima_heights: Sequence[float],
    runs: Sequence[RunPicture],
    *,
    view_key: str = "",
) -> dict[str, Any]:
    """f as a 3D surface (cut at the 90 % height quantile, said on the z axis) with every path on it."""
    cap = height_cap(grid.z)
    z = np.minimum(grid.z, cap)
    data: list[dict[str, Any]] = [
        {
            "type": "surface",
            "name": "f(x, y)",
            "x": typed_array(grid.x),
            "y": typed_array(grid.y),
            "z": typed_grid(z),
            "colorscale": "Greys",
            "reversescale": True,
            "opacity": 0.85,
            "showscale": False,
            "hovertemplate": "(%{x:.2f}, %{y:.2f}) f = %{z:.3g}<extra></extra>",
        }
    ]
    x_range = (float(grid.x[0]), float(grid.x[-1]))
    y_range = (float(grid.y[0]), float(grid.y[-1]))
    for i, run in enumerate(runs):
        # Lift the path a hair above the surface so it is not hidden inside it.
        lift = 0.01 * (cap - float(np.nanmin(z))) if np.isfinite(z).any() else 0.0
        # Points outside the box are left out (a gap), so one diverged run cannot shrink the surface.
        inside = (
            (run.xy[:, 0] >= x_range[0])
            & (run.xy[:, 0] <= x_range[1])
            & (run.xy[:, 1] >= y_range[0])
            & (run.xy[:, 1] <= y_range[1])
        )
        xy = np.where(inside[:, None], run.xy, np.nan)
        data.append(
            {
                "type": "scatter3d",
                "mode": "lines",
                "name": run.label,
                "legendgroup": f"run{i}",
                "x": typed_array(xy[:, 0]),
                "y": typed_array(xy[:, 1]),
                "z": typed_array(np.where(inside, np.minimum(run.loss, cap) + lift, np.nan)),
                "line": {"color": run.color, "width": 5, "dash": run.dash},
                "hovertemplate": f"{run.label}<br>step %{{pointNumber}}<extra></extra>",
            }
        )
    if minima:
        data.append(
            {
                "type": "scatter3d",
                "mode": "markers",
                "name": "global minimum",
                "x": [float(p[0]) for p in minima],
                "y": [float(p[1]) for p in minima],
                "z": [float(h) for h in minima_heights],
                "marker": {"symbol": "diamond", "size": 6, "color": MINIMUM_MARKER_COLOR},
            }
        )
    layout = {
        "height": SURFACE_HEIGHT,
        "margin": {"l": 0, "r": 0, "t": 10, "b": 0},
        "legend": {"orientation": "h", "x": 0, "y": 1.0},
        "uirevision": view_key or "surface",
        "scene": {
            "xaxis": {"title": {"text": "x"}, "range": list(x_range)},
            "yaxis": {"title": {"text": "y"}, "range": list(y_range)},
            "zaxis": {"title": {"text": f"f (cut at {cap:.3g})"}},
            "aspectmode": "manual",
            "aspectratio": {"x": 1, "y": 1, "z": 0.6},
        },
    }
    return {"data": data, "layout": layout}
