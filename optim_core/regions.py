"""The three regions of a 1D loss curve (the AdaBelief paper's Fig. 1 and Table 1), with live numbers.

The curve, on 0 ≤ x ≤ 11:

    f(x) = (k / c) · log(1 + e^{c (x − 7)})  +  d · (x − 5)²  −  A · exp(−(x − 5)² / (2 w²))
           k = 3, c = 2, d = 0.01, A = 2, w = 0.1

    region 1, flat (0.5 ≤ x ≤ 3.5):     the softplus is ≈ 0, only the gentle bowl d·(x − 5)² is left:
                                         small gradient, small curvature;
    region 2, steep narrow valley (4.93 ≤ x ≤ 5.07): the bottom of a narrow Gaussian well, inside its
                                         inflection points x = 5 ± w: a gradient that flips sign across
                                         the bottom, large curvature (A / w² = 200 at the bottom);
    region 3, large gradient, small curvature (8.5 ≤ x ≤ 10.5): the softplus is a straight slope of about k.

At a point x the *ideal* step is the Newton step |f'(x)| / |f''(x)|: the distance to the minimum of the
local quadratic model, large where the curvature is small. The step each optimizer *actually* takes is
measured by running the real rules of `optim_core` (through `run`, nothing re-implemented) on the curve
embedded as the surface f(x, y) = curve(x), from (x, 0), for a few steps: the mean |Δx| per step.

`paper_table` fills the paper's Table 1 (S/L) from those numbers with two stated rules:

- the quantity rows (|g| and v_t, |g_t − g_{t−1}| and s_t, the ideal step) compare the three regions
  with each other: L where the value lies in the upper half, on a log scale, of the row's range;
- the optimizer rows compare, within each region, the three optimizers with each other (the reading of
  the paper's text "in region 3 ... SGD uses a large stepsize; in Adam ... the stepsize is small; in
  AdaBelief ... the stepsize is large", and of the study notes: "region 3: AdaBelief > SGD > Adam").

A group whose largest value is less than `SAME_RATIO` times its smallest reads "≈" (no real difference).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import numpy as np
import sympy as sp

from optim_core.engine import run
from optim_core.optimizers import SGD, AdaBelief, Adam, Optimizer

# -- the curve ----------------------------------------------------------------------------------------
SLOPE = 3.0  # k: the slope of region 3
SHARPNESS = 2.0  # c: how quickly the softplus turns from flat to slope
BOWL = 0.01  # d: the gentle bowl that gives region 1 its small gradient
WELL_DEPTH = 2.0  # A
WELL_WIDTH = 0.1  # w
WELL_CENTER = 5.0
DOMAIN = (0.0, 11.0)

MAX_HISTORY_STEPS = 200  # steps run from each point (bounded work per request)
SAME_RATIO = 1.5


@dataclass(frozen=True)
class Region:
    """One marked region of the curve: an interval and the point used by default."""

    key: str
    title: str
    low: float
    high: float
    default_point: float
    description: str


REGIONS: tuple[Region, ...] = (
    Region(
        "flat",
        "Region 1: flat",
        0.5,
        3.5,
        1.5,
        "small gradient, small curvature: the ideal step is large",
    ),
    Region(
        "valley",
        "Region 2: steep narrow valley",
        4.93,
        5.07,
        5.05,
        "large gradient, large curvature: the ideal step is small",
    ),
    Region(
        "slope",
        "Region 3: large gradient, small curvature",
        8.5,
        10.5,
        9.5,
        "large gradient, small curvature: the ideal step is large",
    ),
)

OPTIMIZER_NAMES: tuple[str, ...] = ("sgd", "adam", "adabelief")


def curve_expression(x: sp.Symbol | None = None) -> sp.Expr:
    """The curve as a sympy expression in `x` (default: the surfaces' real symbol X)."""
    from surfaces import X

    x = X if x is None else x
    softplus = sp.log(1 + sp.exp(SHARPNESS * (x - 7))) * (SLOPE / SHARPNESS)
    bowl = BOWL * (x - WELL_CENTER) ** 2
    well = WELL_DEPTH * sp.exp(-((x - WELL_CENTER) ** 2) / (2 * WELL_WIDTH**2))
    return softplus + bowl - well


@cache
def curve_surface():  # -> surfaces.Surface (imported lazily: optim_core does not depend on surfaces)
    """The curve embedded as a 2D surface f(x, y) = curve(x): ∂f/∂y = 0, so y never moves."""
    from surfaces import Surface

    return Surface(
        key="three_regions",
        name="The three regions (1D)",
        expr=curve_expression(),
        domain=(DOMAIN, (-1.0, 1.0)),
        minima=((curve_minimum(), 0.0),),
        start=(REGIONS[0].default_point, 0.0),
        note="A 1D loss curve with a flat region, a steep narrow valley and a long steep slope.",
    )


@cache
def _derivatives():
    x = sp.Symbol("x", real=True)
    expr = curve_expression(x)
    first = sp.diff(expr, x)
    second = sp.diff(first, x)
    return (
        sp.lambdify(x, expr, "numpy"),
        sp.lambdify(x, first, "numpy"),
        sp.lambdify(x, second, "numpy"),
    )


def curve_values(x: np.ndarray) -> np.ndarray:
    """f(x) on an array."""
    return np.asarray(_derivatives()[0](np.asarray(x, dtype=np.float64)), dtype=np.float64)


def gradient(x: float) -> float:
    """f'(x)."""
    return float(_derivatives()[1](float(x)))


def curvature(x: float) -> float:
    """f''(x)."""
    return float(_derivatives()[2](float(x)))


@cache
def curve_minimum() -> float:
    """Where the curve is lowest (the bottom of the valley), to about 1e-9."""
    grid = np.linspace(*DOMAIN, 20_001)
    x = float(grid[np.argmin(curve_values(grid))])
    for _ in range(20):  # Newton on f' from the best grid point
        x -= gradient(x) / curvature(x)
    return x


def ideal_step(x: float) -> float:
    """|f'(x)| / |f''(x)|: the Newton step, the distance to the minimum of the local quadratic model."""
    h = abs(curvature(x))
    g = abs(gradient(x))
    return math.inf if h == 0 else g / h


def region_of(x: float) -> Region | None:
    """The marked region containing x, or None between regions."""
    for region in REGIONS:
        if region.low <= x <= region.high:
            return region
    return None


# -- the steps the optimizers actually take -------------------------------------------------------------
@dataclass(frozen=True)
class Settings:
    """The lesson's knobs: one lr and one pair of betas for all three optimizers (as in the paper)."""

    lr: float = 0.01
    beta1: float = 0.9
    beta2: float = 0.999
    history_steps: int = 30
    sgd_momentum: float = 0.0

    def optimizers(self) -> dict[str, Optimizer]:
        """SGD, Adam and AdaBelief (rectify off: the paper's Algorithm 2) with these settings."""
        betas = (self.beta1, self.beta2)
        return {
            "sgd": SGD(lr=self.lr, momentum=self.sgd_momentum),
            "adam": Adam(lr=self.lr, betas=betas),
            "adabelief": AdaBelief(lr=self.lr, betas=betas, rectify=False),
        }

    def validate(self) -> None:
        if not (
            isinstance(self.history_steps, int | np.integer) and 1 <= self.history_steps <= MAX_HISTORY_STEPS
        ):
            raise ValueError(f"history_steps must be an integer from 1 to {MAX_HISTORY_STEPS}")
        self.optimizers()  # raises ValueError naming a bad lr or beta


@dataclass(frozen=True)
class StepTaken:
    """What one optimizer did in `history_steps` steps from a point."""

    optimizer: str
    mean_step: float  # mean |Δx| per step (inf when the run diverged)
    last_step: float  # |Δx| of the last step taken
    path: np.ndarray  # x after each step (x_0 = the point first; NaN after a stop)
    denominator: float  # the denominator at the last step (√v̂ + ε, √ŝ + ε; 1 for SGD)
    second_moment: float  # v_t or s_t at the last step (NaN for SGD)
    mean_gradient_change: float  # mean |g_t − g_{t−1}| along the run
    diverged_at: int | None
    stop_reason: str | None

    def first_exit(self, region: Region) -> int | None:
        """The first step after which the run was outside `region` (None if it stayed inside)."""
        with np.errstate(invalid="ignore"):
            outside = ~((self.path >= region.low) & (self.path <= region.high))
        outside[0] = False
        return int(np.argmax(outside)) if outside.any() else None


@dataclass(frozen=True)
class PointStudy:
    """Everything the lesson shows for one point."""

    region: Region
    x: float
    gradient: float
    curvature: float
    ideal_step: float
    steps: dict[str, StepTaken]


def steps_taken(x: float, settings: Settings) -> dict[str, StepTaken]:
    """Run SGD, Adam and AdaBelief from (x, 0) for `settings.history_steps` steps on the curve."""
    settings.validate()
    surface = curve_surface()
    results = {}
    for name, optimizer in settings.optimizers().items():
        trajectory = run(surface, optimizer, (float(x), 0.0), int(settings.history_steps))
        moves = np.abs(trajectory.update[:, 0])
        finite = moves[np.isfinite(moves)]
        diverged = trajectory.diverged_at
        if diverged is not None and trajectory.stop_reason == "diverged":
            mean_step = math.inf
        else:
            mean_step = float(finite.mean()) if finite.size else math.nan
        gradient_changes = np.abs(np.diff(trajectory.grad[:, 0]))
        gradient_changes = gradient_changes[np.isfinite(gradient_changes)]
        last = int(finite.size) - 1
        results[name] = StepTaken(
            optimizer=name,
            mean_step=mean_step,
            last_step=float(finite[-1]) if finite.size else math.nan,
            path=trajectory.xy[:, 0].copy(),
            denominator=float(trajectory.denom[last, 0]) if last >= 0 else math.nan,
            second_moment=float(trajectory.second_moment[last, 0]) if last >= 0 else math.nan,
            mean_gradient_change=float(gradient_changes.mean()) if gradient_changes.size else 0.0,
            diverged_at=diverged,
            stop_reason=trajectory.stop_reason,
        )
    return results


def study_point(region: Region, x: float, settings: Settings) -> PointStudy:
    """The ideal step and the steps taken at `x`, which must lie in `region`."""
    if not (region.low <= x <= region.high):
        raise ValueError(f"x = {x:g} is outside {region.title} ({region.low:g} ≤ x ≤ {region.high:g})")
    return PointStudy(
        region=region,
        x=float(x),
        gradient=gradient(x),
        curvature=curvature(x),
        ideal_step=ideal_step(x),
        steps=steps_taken(x, settings),
    )


def study_regions(points: dict[str, float] | None, settings: Settings) -> list[PointStudy]:
    """One `PointStudy` per region, at the given points (region key -> x) or the default points."""
    points = points or {}
    return [study_point(region, points.get(region.key, region.default_point), settings) for region in REGIONS]


# -- the paper's Table 1, filled from the numbers ----------------------------------------------------------
# Row key -> the paper's S/L for regions 1, 2, 3 (DESIGN.md).
PAPER_TABLE: dict[str, tuple[str, str, str]] = {
    "gradient": ("S", "L", "L"),
    "v": ("S", "L", "L"),
    "gradient_change": ("S", "L", "S"),
    "s": ("S", "L", "S"),
    "ideal": ("L", "S", "L"),
    "sgd": ("S", "L", "L"),
    "adam": ("L", "S", "S"),
    "adabelief": ("L", "S", "L"),
}

ROW_TITLES: dict[str, str] = {
    "gradient": "|g_t|",
    "v": "v_t (Adam's √v̂_t)",
    "gradient_change": "|g_t − g_{t−1}|",
    "s": "s_t (AdaBelief's √ŝ_t)",
    "ideal": "ideal step",
    "sgd": "SGD",
    "adam": "Adam",
    "adabelief": "AdaBelief",
}


def small_or_large(values: list[float]) -> list[str]:
    """ "L" for values in the upper half of the group's range on a log scale, "S" below, "≈" for all when
    the largest is within `SAME_RATIO` of the smallest. Infinite values (a diverged run) count as L."""
    finite = [v for v in values if math.isfinite(v) and v > 0]
    if any(math.isnan(v) for v in values):
        return ["?" if math.isnan(v) else "L" if math.isinf(v) else "?" for v in values]
    if len(finite) < len(values):  # some infinite or zero
        top = max(finite) if finite else 0.0
        return ["L" if (math.isinf(v) or (v == top and v > 0)) else "S" for v in values]
    low, high = min(finite), max(finite)
    if high < SAME_RATIO * low:
        return ["≈"] * len(values)
    middle = 0.5 * (math.log(low) + math.log(high))
    return ["L" if math.log(v) >= middle else "S" for v in values]


@dataclass(frozen=True)
class TableRow:
    key: str
    title: str
    values: tuple[float, float, float]  # the numbers the marks come from, regions 1..3
    marks: tuple[str, str, str]  # computed S / L / ≈
    paper: tuple[str, str, str]

    @property
    def agreements(self) -> tuple[bool, bool, bool]:
        pairs = zip(self.marks, self.paper, strict=True)
        return tuple(mark == paper for mark, paper in pairs)  # type: ignore[return-value]


def paper_table(studies: list[PointStudy]) -> list[TableRow]:
    """Table 1 filled from the studies of the three regions (see the module docstring for the rules).

    The paper pairs |g| with v_t and |g_t − g_{t−1}| with s_t in one row each; here each quantity has its
    own row, so a pair that disagrees shows which half does: |g_t| at the point; v_t as Adam's
    denominator √v̂_t + ε at the last step; |g_t − g_{t−1}| as the mean along AdaBelief's run; s_t as
    AdaBelief's denominator √ŝ_t + ε at the last step; ideal step |f'| / |f''|. These compare regions.
    Optimizer rows: mean |Δx| per step, compared within each region.
    """
    if len(studies) != 3:
        raise ValueError("paper_table needs one study per region (three)")
    rows = []
    across_regions = {
        "gradient": [abs(s.gradient) for s in studies],
        "v": [s.steps["adam"].denominator for s in studies],
        "gradient_change": [s.steps["adabelief"].mean_gradient_change for s in studies],
        "s": [s.steps["adabelief"].denominator for s in studies],
        "ideal": [s.ideal_step for s in studies],
    }
    for key, values in across_regions.items():
        rows.append(
            TableRow(key, ROW_TITLES[key], tuple(values), tuple(small_or_large(values)), PAPER_TABLE[key])
        )
    # Within each region, the three optimizers against each other.
    marks_by_region = [small_or_large([s.steps[name].mean_step for name in OPTIMIZER_NAMES]) for s in studies]
    for index, name in enumerate(OPTIMIZER_NAMES):
        values = tuple(s.steps[name].mean_step for s in studies)
        marks = tuple(region_marks[index] for region_marks in marks_by_region)
        rows.append(TableRow(name, ROW_TITLES[name], values, marks, PAPER_TABLE[name]))  # type: ignore[arg-type]
    return rows
