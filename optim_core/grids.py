"""Grids of runs for the sweeps page: hyperparameter heatmaps and basin maps, built on `optim_core.sweep`.

A hyperparameter grid runs one optimizer from one start for every pair (lr, y) of a grid, y being
beta1, beta2 or momentum; a basin map runs one optimizer setting from every start point of a grid.
Both come back as arrays of shape (rows, columns) = (len(y values), len(x values)), row 0 at the lowest
y, ready for a heatmap:

    steps_to_tolerance   first step within `tol` of a known minimum (−1: never)
    final_loss           f at the last position where the run was alive
    diverged_at          step at which the run stopped (diverged or left the domain; −1: never)
    basin (basin maps)   index of the minimum the run ends nearest to, if it reached it; NOT_REACHED, STOPPED

Every grid is split into chunks of rows (`row_chunks`) so a caller can show progress and cache each chunk;
`run_hyperparameter_rows` / `run_basin_rows` compute one chunk and `assemble` joins them. The size of a
grid is bounded (`MAX_RESOLUTION` per side, `MAX_POINT_STEPS` runs × steps) so no request can ask for
unbounded work.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from optim_core.optimizers import OPTIMIZERS, Optimizer

MAX_RESOLUTION = 256
MIN_RESOLUTION = 2
MAX_STEPS = 5_000
MAX_POINT_STEPS = 256 * 256 * 1_000  # runs × steps in one grid: about 3 s of numpy work for Adam
TARGET_CHUNK_POINT_STEPS = 4_000_000  # work per chunk: a progress update every ~0.2 s

NOT_REACHED = -1  # basin code: alive at the end but never within tol of a known minimum
STOPPED = -2  # basin code: diverged or left the function's domain

# Which y parameter each optimizer can be swept over, and how its axis is spaced.
Y_PARAMETERS: dict[str, tuple[str, ...]] = {
    "adam": ("beta1", "beta2"),
    "adabelief": ("beta1", "beta2"),
    "sgd": ("momentum",),
    "rmsprop": ("momentum", "alpha"),
}
AXIS_SCALES: dict[str, str] = {
    "lr": "log",  # log-spaced
    "beta1": "linear",
    "momentum": "linear",
    "beta2": "one_minus_log",  # 1 − β log-spaced: 0.9, 0.99, 0.999 equally apart
    "alpha": "one_minus_log",
}
AXIS_LIMITS: dict[str, tuple[float, float]] = {
    "lr": (1e-6, 10.0),
    "beta1": (0.0, 0.999),
    "momentum": (0.0, 0.999),
    "beta2": (0.5, 0.99999),
    "alpha": (0.5, 0.99999),
}


def optimizers_for(y_parameter: str) -> list[str]:
    """The optimizers that have `y_parameter` (e.g. "beta2" -> ["adam", "adabelief"])."""
    return [name for name, params in Y_PARAMETERS.items() if y_parameter in params]


def axis_values(parameter: str, low: float, high: float, count: int) -> np.ndarray:
    """`count` values from `low` to `high` for a hyperparameter axis, spaced as `AXIS_SCALES` says."""
    if parameter not in AXIS_SCALES:
        raise ValueError(f"cannot sweep {parameter!r}; choose one of {', '.join(AXIS_SCALES)}")
    _check_resolution(count, parameter)
    minimum, maximum = AXIS_LIMITS[parameter]
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise ValueError(f"the {parameter} range must have low < high, got {low:g} to {high:g}")
    if low < minimum or high > maximum:
        raise ValueError(f"the {parameter} range must lie within [{minimum:g}, {maximum:g}]")
    scale = AXIS_SCALES[parameter]
    if scale == "log":
        return np.logspace(math.log10(low), math.log10(high), count)
    if scale == "one_minus_log":
        return 1.0 - np.logspace(math.log10(1.0 - low), math.log10(1.0 - high), count)
    return np.linspace(low, high, count)


def _check_resolution(count: int, what: str) -> None:
    if not isinstance(count, int | np.integer) or not (MIN_RESOLUTION <= count <= MAX_RESOLUTION):
        raise ValueError(
            f"the {what} axis needs from {MIN_RESOLUTION} to {MAX_RESOLUTION} points, got {count!r}"
        )


def _check_work(runs: int, steps: int) -> None:
    if not isinstance(steps, int | np.integer) or not (1 <= steps <= MAX_STEPS):
        raise ValueError(f"steps must be an integer from 1 to {MAX_STEPS}, got {steps!r}")
    if runs * steps > MAX_POINT_STEPS:
        raise ValueError(
            f"{runs:,} runs × {steps:,} steps is more than this server allows in one grid "
            f"({MAX_POINT_STEPS:,} run-steps): lower the resolution or the steps"
        )


def row_chunks(rows: int, columns: int, steps: int) -> list[tuple[int, int]]:
    """[(row_start, row_stop), ...]: equal chunks of rows covering the grid, each about
    `TARGET_CHUNK_POINT_STEPS` of work (fewer, larger chunks keep numpy's per-call overhead small)."""
    total = rows * columns * steps
    count = max(1, min(rows, math.ceil(total / TARGET_CHUNK_POINT_STEPS)))
    size = math.ceil(rows / count)
    return [(start, min(rows, start + size)) for start in range(0, rows, size)]


@dataclass(frozen=True)
class SweepSettings:
    """What every grid shares: steps, tolerance, gradient noise, and where it runs."""

    steps: int = 500
    tol: float = 1e-2
    noise: float = 0.0
    seed: int = 0
    backend: str = "numpy"
    device: str | None = None

    def sweep_kwargs(self) -> dict[str, Any]:
        return {
            "tol": self.tol,
            "backend": self.backend,
            "device": self.device,
            "noise": self.noise,
            "seed": self.seed,
        }


# -- hyperparameter grids ---------------------------------------------------------------------------
@dataclass(frozen=True)
class HyperparameterGridSpec:
    """lr (columns) × one other hyperparameter (rows) for one optimizer from one start.

    `fixed` holds the optimizer's other hyperparameters as (name, value) pairs (betas split into
    beta1 and beta2), e.g. (("beta2", 0.999),) while beta1 is swept. Hashable, so it can key a cache.
    """

    optimizer: str
    y_parameter: str
    lr_range: tuple[float, float]
    y_range: tuple[float, float]
    columns: int
    rows: int
    start: tuple[float, float]
    fixed: tuple[tuple[str, Any], ...] = ()

    def validate(self, steps: int) -> None:
        if self.optimizer not in Y_PARAMETERS:
            raise ValueError(f"no hyperparameter grid for {self.optimizer!r}")
        if self.y_parameter not in Y_PARAMETERS[self.optimizer]:
            raise ValueError(f"{self.optimizer} has no {self.y_parameter} to sweep")
        self.lr_values()
        self.y_values()
        _check_work(self.rows * self.columns, steps)
        self.optimizer_for(np.array([self.lr_range[0]]), np.array([self.y_range[0]]))

    def lr_values(self) -> np.ndarray:
        return axis_values("lr", *self.lr_range, self.columns)

    def y_values(self) -> np.ndarray:
        return axis_values(self.y_parameter, *self.y_range, self.rows)

    def optimizer_for(self, lr: np.ndarray, y: np.ndarray) -> Optimizer:
        """The optimizer spec with array hyperparameters lr (B,) and y (B,)."""
        values: dict[str, Any] = dict(self.fixed)
        values["lr"] = lr
        values[self.y_parameter] = y
        if self.optimizer in ("adam", "adabelief"):
            beta1 = values.pop("beta1", 0.9)
            beta2 = values.pop("beta2", 0.999)
            values["betas"] = (beta1, beta2)
        if self.optimizer == "adabelief":
            values.setdefault("rectify", False)
        return OPTIMIZERS[self.optimizer](**values)


@dataclass(frozen=True, eq=False)
class GridOutcome:
    """Arrays (rows, columns) for a grid or a chunk of its rows; see the module docstring."""

    x_values: np.ndarray
    y_values: np.ndarray
    steps_to_tolerance: np.ndarray
    final_loss: np.ndarray
    diverged_at: np.ndarray
    final_xy: np.ndarray  # (rows, columns, 2)
    steps: int
    tol: float
    device: str = "cpu"
    basin: np.ndarray | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def shape(self) -> tuple[int, int]:
        return self.steps_to_tolerance.shape  # type: ignore[return-value]

    @property
    def reached(self) -> np.ndarray:
        return self.steps_to_tolerance >= 0

    @property
    def diverged(self) -> np.ndarray:
        return self.diverged_at >= 0


def _outcome_rows(outcome: Any, rows: int, columns: int) -> dict[str, np.ndarray]:
    return {
        "steps_to_tolerance": np.asarray(outcome.steps_to_tolerance).reshape(rows, columns),
        "final_loss": np.asarray(outcome.final_loss, dtype=np.float64).reshape(rows, columns),
        "diverged_at": np.asarray(outcome.diverged_at).reshape(rows, columns),
        "final_xy": np.asarray(outcome.final_xy, dtype=np.float64).reshape(rows, columns, 2),
    }


def run_hyperparameter_rows(
    surface: Any, spec: HyperparameterGridSpec, settings: SweepSettings, row_start: int, row_stop: int
) -> GridOutcome:
    """Rows [row_start, row_stop) of a hyperparameter grid, as one batched sweep."""
    from optim_core import sweep

    spec.validate(settings.steps)
    lr = spec.lr_values()
    y = spec.y_values()[row_start:row_stop]
    if not (0 <= row_start < row_stop <= spec.rows):
        raise ValueError(f"rows {row_start}..{row_stop} are outside the grid's {spec.rows} rows")
    lr_grid, y_grid = np.meshgrid(lr, y)  # (rows, columns)
    optimizer = spec.optimizer_for(lr_grid.ravel(), y_grid.ravel())
    outcome = sweep(surface, optimizer, tuple(spec.start), settings.steps, **settings.sweep_kwargs())
    return GridOutcome(
        x_values=lr,
        y_values=y,
        steps=settings.steps,
        tol=settings.tol,
        device=str(getattr(outcome, "device", "cpu")),
        **_outcome_rows(outcome, len(y), len(lr)),
    )


# -- basin maps ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BasinSpec:
    """One optimizer setting from every start of a grid over the box x_range × y_range.

    `optimizer` is a name from `OPTIMIZERS`; `hyperparameters` its keyword arguments as (name, value)
    pairs with betas given as beta1, beta2 (hashable, so it can key a cache).
    """

    optimizer: str
    hyperparameters: tuple[tuple[str, Any], ...]
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    columns: int
    rows: int

    def validate(self, steps: int) -> None:
        _check_resolution(self.columns, "x")
        _check_resolution(self.rows, "y")
        for name, (low, high) in (("x", self.x_range), ("y", self.y_range)):
            if not (math.isfinite(low) and math.isfinite(high) and low < high):
                raise ValueError(f"the {name} range of the start grid must have low < high")
        _check_work(self.rows * self.columns, steps)
        self.make_optimizer()

    def x_values(self) -> np.ndarray:
        return np.linspace(*self.x_range, self.columns)

    def y_values(self) -> np.ndarray:
        return np.linspace(*self.y_range, self.rows)

    def make_optimizer(self) -> Optimizer:
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"unknown optimizer {self.optimizer!r}")
        values = dict(self.hyperparameters)
        if "beta1" in values or "beta2" in values:
            values["betas"] = (values.pop("beta1", 0.9), values.pop("beta2", 0.999))
        return OPTIMIZERS[self.optimizer](**values)


def basin_codes(final_xy: np.ndarray, reached: np.ndarray, stopped: np.ndarray, minima: Any) -> np.ndarray:
    """For each run: the index of the known minimum nearest its final position when it reached one
    (came within tol at some step), NOT_REACHED otherwise, STOPPED when it diverged or left the domain."""
    points = np.asarray(minima, dtype=np.float64).reshape(-1, 2)
    codes = np.full(final_xy.shape[:-1], NOT_REACHED, dtype=np.int64)
    if points.shape[0]:
        with np.errstate(invalid="ignore"):
            distance = np.sqrt(((final_xy[..., None, :] - points) ** 2).sum(-1))  # (..., minima)
        nearest = np.argmin(np.where(np.isfinite(distance), distance, np.inf), axis=-1)
        codes = np.where(reached, nearest, codes)
    return np.where(stopped, STOPPED, codes)


def run_basin_rows(
    surface: Any, spec: BasinSpec, settings: SweepSettings, row_start: int, row_stop: int
) -> GridOutcome:
    """Rows [row_start, row_stop) of a basin map, as one batched sweep over the start points."""
    from optim_core import sweep

    spec.validate(settings.steps)
    if not (0 <= row_start < row_stop <= spec.rows):
        raise ValueError(f"rows {row_start}..{row_stop} are outside the grid's {spec.rows} rows")
    xs = spec.x_values()
    ys = spec.y_values()[row_start:row_stop]
    grid_x, grid_y = np.meshgrid(xs, ys)
    starts = np.stack((grid_x.ravel(), grid_y.ravel()), axis=1)
    outcome = sweep(surface, spec.make_optimizer(), starts, settings.steps, **settings.sweep_kwargs())
    arrays = _outcome_rows(outcome, len(ys), len(xs))
    basin = basin_codes(
        arrays["final_xy"], arrays["steps_to_tolerance"] >= 0, arrays["diverged_at"] >= 0, surface.minima
    )
    return GridOutcome(
        x_values=xs,
        y_values=ys,
        steps=settings.steps,
        tol=settings.tol,
        device=str(getattr(outcome, "device", "cpu")),
        basin=basin,
        **arrays,
    )


# -- chunks -------------------------------------------------------------------------------------------
def assemble(chunks: list[GridOutcome]) -> GridOutcome:
    """Join consecutive row chunks (in order) into one grid."""
    if not chunks:
        raise ValueError("no chunks to assemble")
    first = chunks[0]
    basins = [chunk.basin for chunk in chunks]
    return GridOutcome(
        x_values=first.x_values,
        y_values=np.concatenate([chunk.y_values for chunk in chunks]),
        steps_to_tolerance=np.concatenate([chunk.steps_to_tolerance for chunk in chunks]),
        final_loss=np.concatenate([chunk.final_loss for chunk in chunks]),
        diverged_at=np.concatenate([chunk.diverged_at for chunk in chunks]),
        final_xy=np.concatenate([chunk.final_xy for chunk in chunks]),
        steps=first.steps,
        tol=first.tol,
        device=first.device,
        basin=None if any(b is None for b in basins) else np.concatenate(basins),  # type: ignore[arg-type]
    )


RowRunner = Callable[[int, int], GridOutcome]


def run_in_chunks(
    run_rows: RowRunner, rows: int, columns: int, steps: int, progress: Callable[[float], None] | None = None
) -> GridOutcome:
    """Compute a whole grid chunk by chunk, calling `progress(fraction done)` after each chunk."""
    chunks = []
    plan = row_chunks(rows, columns, steps)
    for index, (start, stop) in enumerate(plan, start=1):
        chunks.append(run_rows(start, stop))
        if progress is not None:
            progress(index / len(plan))
    return assemble(chunks)


def hyperparameter_grid(
    surface: Any,
    spec: HyperparameterGridSpec,
    settings: SweepSettings,
    progress: Callable[[float], None] | None = None,
) -> GridOutcome:
    """A whole lr × y grid (see `run_hyperparameter_rows`)."""
    spec.validate(settings.steps)
    return run_in_chunks(
        lambda start, stop: run_hyperparameter_rows(surface, spec, settings, start, stop),
        spec.rows,
        spec.columns,
        settings.steps,
        progress,
    )


def basin_map(
    surface: Any, spec: BasinSpec, settings: SweepSettings, progress: Callable[[float], None] | None = None
) -> GridOutcome:
    """A whole basin map (see `run_basin_rows`)."""
    spec.validate(settings.steps)
    return run_in_chunks(
        lambda start, stop: run_basin_rows(surface, spec, settings, start, stop),
        spec.rows,
        spec.columns,
        settings.steps,
        progress,
    )
