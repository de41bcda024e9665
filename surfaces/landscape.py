"""What a typed function looks like: its gradient, its minima, a plotting box and a start.

`analyse(text, domain, start)` runs inside the time-limited worker (surfaces/sandbox.py). It builds the
expression (surfaces/expression.py), differentiates it once and twice, compiles it for numpy, and then
looks for minima numerically, which is bounded by construction (sympy's `solve` is not: on a
transcendental system it can run for minutes or return sets that are not points):

1. evaluate f on a 201 × 201 grid over the search box (the user's domain, or (−10, 10)²);
2. every grid point lower than its eight neighbours is a candidate; refine each by Newton's method,
   x ← x − H⁻¹∇f, and keep it when the gradient vanishes there and the Hessian H is positive definite
   (a verified strict local minimum); a candidate that Newton cannot refine (a kink, as for |x|) is
   kept when no point on a small circle around it is lower;
3. the minima are the lowest of those (ties kept, as for Himmelblau's four); the plotting box is
   centred on them with room around, or (−3, 3)² when none is found;
4. the start is the first of a few fixed spots of the box where f and ∇f are finite, ∇f ≠ 0, and which
   is not too close to a minimum.

It returns only plain, picklable values; the parent process compiles its own callables from `expr`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import sympy as sp

from surfaces.errors import SurfaceError
from surfaces.expression import build_expression
from surfaces.surface import Box, Point, X, Y

DEFAULT_BOX: Box = ((-3.0, 3.0), (-3.0, 3.0))
SEARCH_BOX: Box = ((-10.0, 10.0), (-10.0, 10.0))
GRID_POINTS = 201
MAX_CANDIDATES = 64
NEWTON_STEPS = 30
# Fractions of the box, in order of preference, for the suggested start.
START_SPOTS = (
    (0.2, 0.8),
    (0.8, 0.2),
    (0.2, 0.2),
    (0.8, 0.8),
    (0.35, 0.65),
    (0.65, 0.35),
    (0.1, 0.5),
    (0.5, 0.1),
)

# Derivatives that sympy cannot turn into numbers (floor', sign' = DiracDelta, unevaluated ones).
_UNCOMPILABLE = (sp.Derivative, sp.Subs, sp.DiracDelta, sp.Heaviside)


def _compile(expression: sp.Expr) -> Any:
    compiled = sp.lambdify((X, Y), expression, modules="numpy")

    def call(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            out = np.asarray(compiled(x, y), dtype=np.float64)
        return np.broadcast_to(out, np.broadcast_shapes(np.shape(x), np.shape(y)))

    return call


def _check_box(box: Any, what: str) -> Box:
    try:
        (x_min, x_max), (y_min, y_max) = ((float(a), float(b)) for a, b in box)
    except (TypeError, ValueError):
        raise SurfaceError(f"the {what} must be ((x_min, x_max), (y_min, y_max))") from None
    values = np.array([x_min, x_max, y_min, y_max])
    if not np.all(np.isfinite(values)) or np.any(np.abs(values) > 1e6) or x_min >= x_max or y_min >= y_max:
        raise SurfaceError(f"the {what} must be finite, within ±1e6, with min < max on each axis")
    return ((x_min, x_max), (y_min, y_max))


def _local_minima_on_grid(values: np.ndarray) -> np.ndarray:
    """Indices (i, j) of interior grid points strictly lower than or equal to their 8 neighbours."""
    inner = values[1:-1, 1:-1]
    is_minimum = np.isfinite(inner)
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            if di or dj:
                neighbour = values[1 + di : values.shape[0] - 1 + di, 1 + dj : values.shape[1] - 1 + dj]
                is_minimum &= ~(neighbour < inner)
    rows, columns = np.nonzero(is_minimum)
    order = np.argsort(inner[rows, columns])[:MAX_CANDIDATES]
    return np.stack([rows[order] + 1, columns[order] + 1], axis=1)


def _refine(points: np.ndarray, gradient: tuple[Any, Any], hessian: tuple[Any, Any, Any]) -> np.ndarray:
    """Newton's method on many points at once; returns the refined points (NaN where it failed)."""
    x, y = points[:, 0].copy(), points[:, 1].copy()
    for _ in range(NEWTON_STEPS):
        gx, gy = gradient[0](x, y), gradient[1](x, y)
        hxx, hxy, hyy = (h(x, y) for h in hessian)
        determinant = hxx * hyy - hxy * hxy
        with np.errstate(all="ignore"):
            step_x = (hyy * gx - hxy * gy) / determinant
            step_y = (hxx * gy - hxy * gx) / determinant
        x, y = x - step_x, y - step_y
    gx, gy = gradient[0](x, y), gradient[1](x, y)
    hxx, hxy, hyy = (h(x, y) for h in hessian)
    scale = 1 + np.abs(hxx) + np.abs(hyy)
    verified = (hxx > 0) & (hxx * hyy - hxy * hxy > 0) & (np.hypot(gx, gy) <= 1e-9 * scale)
    return np.where(verified[:, None], np.stack([x, y], axis=1), np.nan)


def _is_kink_minimum(f: Any, point: np.ndarray, radius: float) -> bool:
    angles = np.linspace(0, 2 * np.pi, 16, endpoint=False)
    ring = f(point[0] + radius * np.cos(angles), point[1] + radius * np.sin(angles))
    centre = float(f(point[0], point[1]))
    return bool(np.isfinite(centre) and np.all(np.isfinite(ring)) and np.all(ring >= centre))


def find_minima(f: Any, gradient: tuple[Any, Any], hessian: tuple[Any, Any, Any], box: Box) -> list[Point]:
    """The lowest verified local minima of f found in `box` (possibly none)."""
    (x_min, x_max), (y_min, y_max) = box
    xs = np.linspace(x_min, x_max, GRID_POINTS)
    ys = np.linspace(y_min, y_max, GRID_POINTS)
    grid_x, grid_y = np.meshgrid(xs, ys, indexing="ij")
    values = np.array(f(grid_x, grid_y), dtype=np.float64)
    if not np.any(np.isfinite(values)):
        raise SurfaceError(
            "this function has no real value anywhere in the box: check the formula or the domain"
        )
    indices = _local_minima_on_grid(values)
    if len(indices) == 0:
        return []
    candidates = np.stack([xs[indices[:, 0]], ys[indices[:, 1]]], axis=1)
    refined = _refine(candidates, gradient, hessian)
    spacing = min(x_max - x_min, y_max - y_min) / (GRID_POINTS - 1)
    found: list[np.ndarray] = []
    for candidate, point in zip(candidates, refined, strict=True):
        inside = np.all(np.isfinite(point)) and x_min <= point[0] <= x_max and y_min <= point[1] <= y_max
        if inside and np.hypot(*(point - candidate)) <= 2 * spacing:
            found.append(point)
        elif not np.all(np.isfinite(point)) and _is_kink_minimum(f, candidate, 1e-3 * spacing):
            found.append(candidate)
    if not found:
        return []
    points = np.array(found)
    point_values = np.array(f(points[:, 0], points[:, 1]))
    lowest = np.nanmin(point_values)
    keep = point_values <= lowest + 1e-9 * (1 + abs(lowest))
    minima: list[Point] = []
    for x, y in points[keep]:
        x, y = (0.0 if abs(v) < 1e-12 else float(v) for v in (x, y))
        if all(np.hypot(x - a, y - b) > 1e-6 * (1 + spacing) for a, b in minima):
            minima.append((x, y))
    return minima


def _nice_box(minima: list[Point], search_box: Box) -> Box:
    """A box around the minima with room for a run to arrive, clipped to the search box."""
    if not minima:
        return DEFAULT_BOX
    points = np.array(minima)
    low, high = points.min(axis=0), points.max(axis=0)
    margin = np.maximum(3.0, 0.5 * (high - low))
    box = []
    for axis, (lower, upper) in enumerate(search_box):
        box.append(
            (
                max(lower, float(np.floor(low[axis] - margin[axis]))),
                min(upper, float(np.ceil(high[axis] + margin[axis]))),
            )
        )
    return (box[0], box[1])


def _grow_to_include(box: Box, point: Point) -> Box:
    (x_min, x_max), (y_min, y_max) = box
    x, y = point
    return (
        (min(x_min, float(np.floor(x - 1))), max(x_max, float(np.ceil(x + 1)))),
        (min(y_min, float(np.floor(y - 1))), max(y_max, float(np.ceil(y + 1)))),
    )


def suggest_start(f: Any, gradient: tuple[Any, Any], box: Box, minima: list[Point]) -> Point:
    """The first fixed spot of the box where f and ∇f are finite and nonzero, away from the minima."""
    (x_min, x_max), (y_min, y_max) = box
    diagonal = np.hypot(x_max - x_min, y_max - y_min)
    fallback: Point | None = None
    for fraction_x, fraction_y in START_SPOTS:
        x = round(x_min + fraction_x * (x_max - x_min), 2)
        y = round(y_min + fraction_y * (y_max - y_min), 2)
        values = [float(f(x, y)), float(gradient[0](x, y)), float(gradient[1](x, y))]
        if not np.all(np.isfinite(values)) or values[1] == values[2] == 0:
            continue
        if all(np.hypot(x - a, y - b) > 0.05 * diagonal for a, b in minima):
            return (x, y)
        fallback = fallback or (x, y)
    if fallback is not None:
        return fallback
    raise SurfaceError("could not find a start where the function and its gradient are defined: give a start")


def analyse(text: str, domain: Box | None = None, start: Point | None = None) -> dict[str, Any]:
    """Build, differentiate and study a typed function; plain picklable values out.

    Returns a dict with `expr`, `domain`, `start`, `minima` (tuple of points) and `min_value`.
    """
    expression = build_expression(text)
    gradient_exprs = (sp.diff(expression, X), sp.diff(expression, Y))
    if any(part.has(*_UNCOMPILABLE) for part in gradient_exprs):
        raise SurfaceError("this function has no usable gradient (it is made of jumps or steps)")
    hessian_exprs = (
        sp.diff(gradient_exprs[0], X),
        sp.diff(gradient_exprs[0], Y),
        sp.diff(gradient_exprs[1], Y),
    )
    f = _compile(expression)
    gradient = (_compile(gradient_exprs[0]), _compile(gradient_exprs[1]))
    if any(part.has(*_UNCOMPILABLE) for part in hessian_exprs):
        hessian = tuple(_compile(sp.nan) for _ in range(3))  # kinks only: minima by the circle test
    else:
        hessian = tuple(_compile(part) for part in hessian_exprs)
    sp.latex(expression)  # the parent will need it: make sure it is cheap before saying yes

    given_domain = _check_box(domain, "domain") if domain is not None else None
    search_box = given_domain or SEARCH_BOX
    minima = find_minima(f, gradient, hessian, search_box)  # type: ignore[arg-type]
    box = given_domain or _nice_box(minima, search_box)
    if start is not None:
        try:
            start = (float(start[0]), float(start[1]))
        except (TypeError, ValueError, IndexError):
            raise SurfaceError("the start must be a point (x, y)") from None
        if not np.all(np.isfinite(start)):
            raise SurfaceError("the start must be a finite point (x, y)")
        (x_min, x_max), (y_min, y_max) = box
        if not (x_min <= start[0] <= x_max and y_min <= start[1] <= y_max):
            if given_domain is not None:
                raise SurfaceError(f"the start {start} lies outside the domain {box}")
            box = _grow_to_include(box, start)
    else:
        start = suggest_start(f, gradient, box, minima)
    min_value = float(f(*minima[0])) if minima else None
    return {
        "expr": expression,
        "domain": box,
        "start": start,
        "minima": tuple(minima),
        "min_value": min_value,
    }
