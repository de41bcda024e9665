"""The landscape under the trajectories: f sampled on a grid, drawn as contour lines in one scatter trace.

Why lines and not a plotly contour trace: contour traces vanish while a frame animation plays (an open
plotly.js bug), and a single scatter trace of lines is small and stays put.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import contourpy
import numpy as np

from viz.colors import LANDSCAPE_LINE_COLOR, MINIMUM_MARKER_COLOR
from viz.encoding import typed_array

Box = tuple[tuple[float, float], tuple[float, float]]


@dataclass(frozen=True)
class LandscapeGrid:
    """f sampled on a regular grid: `z[i, j] = f(x[j], y[i])`, NaN where f is undefined."""

    x: np.ndarray
    y: np.ndarray
    z: np.ndarray


@dataclass(frozen=True)
class ContourLines:
    """Every contour line of a landscape as one polyline; NaN separates the pieces."""

    x: np.ndarray
    y: np.ndarray
    levels: np.ndarray


def sample_grid(
    f: Callable[[np.ndarray, np.ndarray], np.ndarray], domain: Box, resolution: int
) -> LandscapeGrid:
    """Evaluate f on `resolution × resolution` points covering `domain`; non-finite values become NaN."""
    (x_min, x_max), (y_min, y_max) = domain
    x = np.linspace(x_min, x_max, resolution)
    y = np.linspace(y_min, y_max, resolution)
    with np.errstate(all="ignore"):
        z = np.asarray(f(x[None, :], y[:, None]), dtype=np.float64)
    z = np.broadcast_to(z, (resolution, resolution)).copy()
    z[~np.isfinite(z)] = np.nan
    return LandscapeGrid(x=x, y=y, z=z)


def contour_levels(z: np.ndarray, count: int) -> np.ndarray:
    """`count` levels at area quantiles of the finite values, denser near the minimum.

    Level k is the q_k-quantile of f over the grid with q_k = (k / (count + 1))^1.6: equal-area spacing
    adapts to any scale (a bowl gets evenly spaced rings, Beale's 1e5 walls do not swallow every line), and
    the power puts more lines where the optimizers end up.
    """
    finite = z[np.isfinite(z)]
    if finite.size == 0:
        return np.empty(0)
    quantiles = (np.arange(1, count + 1) / (count + 1)) ** 1.6
    levels = np.unique(np.quantile(finite, quantiles))
    return levels[levels > finite.min()]


# Contour lines are simplified to within this fraction of the plotting box: 0.4 px on a 800 px wide map,
# under a pixel still at 2× zoom. It drops most of the marching-squares vertices (one per grid cell a line
# crosses), which every redraw of the map would otherwise walk through again.
LINE_TOLERANCE = 5e-4


def kept_vertices(points: np.ndarray, tolerance: float) -> np.ndarray:
    """Which vertices of `points` (n, 2) the Douglas–Peucker simplification keeps (a boolean mask): every
    line's ends and the NaN rows between lines, and enough others that each dropped vertex lies within
    `tolerance` of the chord that replaces it.

    For a chord from a to b and a vertex p the distance is |(b − a) × (p − a)| / |b − a|, or |p − a| when
    a = b (a closed line's first chord). Each pass splits every chord at its farthest vertex if that one
    is out of tolerance, all chords of all lines at once, which gives the result of the usual recursion.
    """
    count = len(points)
    if count <= 2:
        return np.ones(count, dtype=bool)
    finite = np.isfinite(points).all(axis=1)
    keep = ~finite
    keep[[0, -1]] = True
    keep[:-1] |= ~finite[1:]  # the last vertex before a break and the first after it are line ends
    keep[1:] |= ~finite[:-1]
    position = np.arange(count)
    safe = np.where(finite[:, None], points, 0.0)
    while True:
        kept = np.flatnonzero(keep)
        chord = np.searchsorted(kept, position, side="right") - 1  # the chord each vertex lies under
        first, last = kept[chord], kept[np.minimum(chord + 1, len(kept) - 1)]
        a, b = safe[first], safe[last]
        direction, offset = b - a, safe - a
        length = np.hypot(direction[:, 0], direction[:, 1])
        cross = np.abs(direction[:, 0] * offset[:, 1] - direction[:, 1] * offset[:, 0])
        with np.errstate(invalid="ignore", divide="ignore"):
            distance = np.where(length > 0, cross / length, np.hypot(offset[:, 0], offset[:, 1]))
        distance[keep] = 0.0
        farthest = np.maximum.reduceat(distance, kept)[chord]
        split = (distance == farthest) & (distance > tolerance)
        if not split.any():
            return keep
        _, first_of_chord = np.unique(chord[split], return_index=True)
        keep[np.flatnonzero(split)[first_of_chord]] = True


def contour_lines(grid: LandscapeGrid, count: int = 18, tolerance: float = LINE_TOLERANCE) -> ContourLines:
    """All contour lines at `contour_levels(grid.z, count)`, joined into one NaN-separated polyline.

    Each line is simplified (`kept_vertices`) to within `tolerance` of the grid's box, measured in
    units of the box's width along x and its height along y, so a line stays as sharp on a wide box as on
    a tall one; 0 keeps every vertex.
    """
    levels = contour_levels(grid.z, count)
    if levels.size == 0:
        return ContourLines(x=np.empty(0), y=np.empty(0), levels=levels)
    generator = contourpy.contour_generator(grid.x, grid.y, grid.z, line_type="ChunkCombinedNan")
    scale = np.array([np.ptp(grid.x), np.ptp(grid.y)])
    scale[scale <= 0] = 1.0
    pieces = []
    for (chunks,) in generator.multi_lines(levels):  # ChunkCombinedNan: one (n, 2) array per chunk
        for points in chunks:
            if points is not None and len(points):
                # A chunk may hold several lines separated by NaN rows; each keeps its own ends.
                if tolerance > 0:  # measured in box units; the kept vertices are the original ones
                    points = points[kept_vertices(points / scale, tolerance)]
                pieces.append(points)
                pieces.append(np.full((1, 2), np.nan))
    if not pieces:
        return ContourLines(x=np.empty(0), y=np.empty(0), levels=levels)
    joined = np.concatenate(pieces[:-1])
    return ContourLines(x=joined[:, 0], y=joined[:, 1], levels=levels)


def landscape_trace(lines_x: np.ndarray, lines_y: np.ndarray) -> dict[str, Any]:
    """The contour lines as one thin grey scatter trace under everything else (no hover, no legend)."""
    return {
        "type": "scatter",
        "mode": "lines",
        "name": "contour lines of f",
        "x": typed_array(lines_x),
        "y": typed_array(lines_y),
        "line": {"color": LANDSCAPE_LINE_COLOR, "width": 1},
        "hoverinfo": "skip",
        "showlegend": False,
    }


def minima_trace(minima: Sequence[tuple[float, float]], marker_size: float = 16) -> dict[str, Any]:
    """The known global minima as black stars."""
    return {
        "type": "scatter",
        "mode": "markers",
        "name": "global minimum",
        "x": [float(p[0]) for p in minima],
        "y": [float(p[1]) for p in minima],
        "marker": {
            "symbol": "star",
            "size": marker_size,
            "color": MINIMUM_MARKER_COLOR,
            "line": {"color": "white", "width": 1},
        },
        "hovertemplate": "global minimum (%{x:.4g}, %{y:.4g})<extra></extra>",
    }
