"""The batched stepping engine: `run` records every step, `sweep` keeps only the outcome.

Both step B runs at once. Positions are kept as a (2, B) array, one contiguous row per axis, so the
surface's gradient is evaluated on two contiguous vectors and each hyperparameter array (B,) broadcasts
over the runs. The stepping loop never branches on the data: a run that diverges or leaves the
function's domain simply carries NaN/inf, and is found and cut afterwards (no host synchronisation per
step on a GPU, no warnings, no exceptions).
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from optim_core.backends import ArrayOps, make_ops
from optim_core.optimizers import Optimizer
from optim_core.trajectory import DIVERGED, LEFT_DOMAIN, Outcome, Trajectory

DEFAULT_BOUND = 1e6  # a run whose |x| or |y| exceeds this has diverged
RECORDED = ("grad", "update", "m", "second_moment", "denom", "step_size")


def _validate_common(optimizer: Any, steps: Any, noise: Any) -> None:
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be an optimizer spec such as Adam(lr=1e-3), not {optimizer!r}")
    if not isinstance(steps, numbers.Integral) or isinstance(steps, bool) or steps < 0:
        raise ValueError(f"steps must be a non-negative integer, got {steps!r}")
    if not (isinstance(noise, numbers.Real) and np.isfinite(noise) and noise >= 0):
        raise ValueError(f"noise must be a finite number >= 0, got {noise!r}")


def _starts(start: Any, optimizer: Optimizer) -> tuple[np.ndarray, bool]:
    """Start points as (B, 2) float64, and whether the caller asked for a batch."""
    points = np.asarray(start, dtype=np.float64)
    if points.shape == (2,):
        points = points[None, :]
        batched = False
    elif points.ndim == 2 and points.shape[1] == 2 and points.shape[0] >= 1:
        batched = True
    else:
        raise ValueError(
            f"start must be a point (x, y) or an array of shape (B, 2), got shape {points.shape}"
        )
    if not np.all(np.isfinite(points)):
        raise ValueError("start must be finite")
    hyper_batch = optimizer.batch_size()
    if hyper_batch is not None:
        if points.shape[0] == 1:
            points = np.repeat(points, hyper_batch, axis=0)
        elif points.shape[0] != hyper_batch:
            raise ValueError(
                f"start has {points.shape[0]} points but the hyperparameter arrays have length {hyper_batch}"
            )
        batched = True
    return points, batched


class _GradientSource:
    """g_t for the current positions: the surface's gradient plus optional Gaussian noise."""

    def __init__(self, surface: Any, ops: ArrayOps, noise: float, seed: Any, batch: int) -> None:
        self.grad = surface.torch_grad if ops.name == "torch" else surface.grad
        self.ops = ops
        self.noise = float(noise)
        self.batch = batch
        self.rng = np.random.default_rng(seed) if noise > 0 else None

    def __call__(self, params: Any) -> Any:
        gx, gy = self.grad(params[0], params[1])
        if self.ops.name == "torch":
            grad = self.ops.xp.stack((gx, gy))
        else:
            grad = np.stack((gx, gy))
        if self.rng is not None:
            # Drawn on the host so numpy and torch runs with one seed see the same noise.
            grad = grad + self.ops.asarray(self.noise * self.rng.standard_normal((2, self.batch)))
        return grad


def run(
    surface: Any,
    optimizer: Optimizer,
    start: Any,
    steps: int,
    *,
    backend: str = "numpy",
    device: str | None = None,
    dtype: str = "float64",
    noise: float = 0.0,
    seed: Any = None,
    bound: float = DEFAULT_BOUND,
) -> Trajectory:
    """Run `optimizer` on `surface` from `start` for `steps` steps, recording every step.

    `start` is (x, y) or an array (B, 2); hyperparameters may be arrays (B,). `backend` is "numpy" or
    "torch" (`device` "cpu", "cuda", "mps" or "auto"). `noise` > 0 adds N(0, noise²) to each gradient
    component, reproducibly for a given `seed`. A run stops when it leaves the finite numbers or
    |x|, |y| > `bound` ("diverged"), or reaches a point where f or its gradient is undefined ("left
    domain"); its later rows are NaN.
    """
    _validate_common(optimizer, steps, noise)
    starts, batched = _starts(start, optimizer)
    ops = make_ops(backend, device, dtype)
    batch = starts.shape[0]
    hp = optimizer.hyperparameters_on(ops)
    params = ops.asarray(starts.T.copy())  # (2, B)
    state = optimizer.init_state(params, ops)
    gradient = _GradientSource(surface, ops, noise, seed, batch)

    xy = ops.asarray(np.empty((steps + 1, 2, batch)))
    records = {name: ops.asarray(np.empty((steps, 2, batch))) for name in RECORDED}
    xy[0] = params
    with np.errstate(all="ignore"):
        for t in range(1, steps + 1):
            grad = gradient(params)
            state, step = optimizer.update(hp, state, grad, t, ops)
            params = params + step.update
            xy[t] = params
            records["grad"][t - 1] = grad
            records["update"][t - 1] = step.update
            records["m"][t - 1] = step.m
            records["second_moment"][t - 1] = step.second_moment
            records["denom"][t - 1] = step.denom
            records["step_size"][t - 1] = step.step_size

    xy_host = ops.to_numpy(xy).astype(np.float64, copy=False)
    host = {name: ops.to_numpy(value).astype(np.float64, copy=False) for name, value in records.items()}
    with np.errstate(all="ignore"):
        loss = surface.f(xy_host[:, 0], xy_host[:, 1])  # (steps + 1, B)
    stopped_at, reasons = _find_stops(xy_host, loss, host["grad"], bound)
    _cut_after_stop(xy_host, loss, host, stopped_at, reasons)

    def view(values: np.ndarray) -> np.ndarray:
        # (T, 2, B) storage seen as (T, B, 2), or (T, 2) for a single run: a view, no copy.
        values = values.swapaxes(1, 2)
        return values if batched else values[:, 0]

    return Trajectory(
        optimizer=optimizer,
        surface=surface,
        xy=view(xy_host),
        loss=loss if batched else loss[:, 0],
        **{name: view(values) for name, values in host.items()},
        stopped_at=stopped_at,
        stop_reasons=reasons,
        batched=batched,
        backend=backend,
        device=str(ops.device) if ops.device is not None else "cpu",
    )


def _find_stops(
    xy: np.ndarray, loss: np.ndarray, grad: np.ndarray, bound: float
) -> tuple[np.ndarray, np.ndarray]:
    """First step k at which each run stopped, and why.

    xy[k] outside the finite numbers or the bound: "diverged" at step k.
    f(xy[k]) or the gradient there undefined (xy[k] itself fine): "left domain" at step k.
    """
    steps = grad.shape[0]
    with np.errstate(invalid="ignore"):
        bad_position = ~np.isfinite(xy).all(axis=1) | (np.abs(xy) > bound).any(axis=1)  # (T + 1, B)
    undefined = ~np.isfinite(loss)
    grad_undefined = ~np.isfinite(grad).all(axis=1)  # gradient at xy[k] for k < steps
    undefined[:steps] |= grad_undefined
    undefined &= ~bad_position
    stopped = bad_position | undefined
    any_stop = stopped.any(axis=0)
    first = np.where(any_stop, np.argmax(stopped, axis=0), -1)
    batch = xy.shape[2]
    reasons = np.full(batch, None, dtype=object)
    for run_index in np.flatnonzero(any_stop):
        k = first[run_index]
        reasons[run_index] = DIVERGED if bad_position[k, run_index] else LEFT_DOMAIN
    return first, reasons


def _cut_after_stop(
    xy: np.ndarray,
    loss: np.ndarray,
    records: dict[str, np.ndarray],
    stopped_at: np.ndarray,
    reasons: np.ndarray,
) -> None:
    """NaN out everything a stopped run did after it stopped (in place).

    Diverged at k: positions from k on are gone (the last finite point is xy[k − 1]).
    Left the domain at k: xy[k] is kept (where it left), the loss there is NaN, nothing after it.
    """
    for run_index in np.flatnonzero(stopped_at >= 0):
        k = int(stopped_at[run_index])
        first_cut = k if reasons[run_index] == DIVERGED else k + 1
        xy[first_cut:, :, run_index] = np.nan
        loss[first_cut:, run_index] = np.nan
        for values in records.values():
            values[k:, :, run_index] = np.nan


def sweep(
    surface: Any,
    optimizer: Optimizer,
    start: Any,
    steps: int,
    *,
    tol: float = 1e-3,
    backend: str = "numpy",
    device: str | None = None,
    dtype: str = "float64",
    noise: float = 0.0,
    seed: Any = None,
    bound: float = DEFAULT_BOUND,
) -> Outcome:
    """Run many settings and keep only the outcome (no per-step history): for heatmaps and basin maps.

    Same arguments as `run`, plus `tol`, the distance to a known minimum that counts as "reached".
    """
    _validate_common(optimizer, steps, noise)
    if not (isinstance(tol, numbers.Real) and tol >= 0):
        raise ValueError(f"tol must be a number >= 0, got {tol!r}")
    starts, _ = _starts(start, optimizer)
    ops = make_ops(backend, device, dtype)
    batch = starts.shape[0]
    hp = optimizer.hyperparameters_on(ops)
    params = ops.asarray(starts.T.copy())
    state = optimizer.init_state(params, ops)
    gradient = _GradientSource(surface, ops, noise, seed, batch)
    minima = ops.asarray(np.asarray(surface.minima, dtype=np.float64).reshape(-1, 2))
    tracker = _OutcomeTracker(ops, batch, minima, tol, bound)
    tracker.check(params, 0)
    with np.errstate(all="ignore"):
        for t in range(1, steps + 1):
            grad = gradient(params)
            tracker.check_gradient(grad, t - 1)
            state, step = optimizer.update(hp, state, grad, t, ops)
            params = params + step.update
            tracker.check(params, t)
    return tracker.outcome(surface, params, steps, backend)


class _OutcomeTracker:
    """Per-run bookkeeping for `sweep`: first step within tol, first bad step, last good position."""

    def __init__(self, ops: ArrayOps, batch: int, minima: Any, tol: float, bound: float) -> None:
        self.ops = ops
        self.minima = minima
        self.tol_squared = tol * tol
        self.bound = bound
        xp = ops.xp
        never = np.full(batch, -1, dtype=np.int64)
        self.reached_at = ops.asarray(never).to(xp.int64) if ops.name == "torch" else never.copy()
        self.stopped_at = ops.asarray(never).to(xp.int64) if ops.name == "torch" else never.copy()
        self.last_good = None

    def _first(self, current: Any, hit: Any, t: int) -> Any:
        return self.ops.xp.where((current < 0) & hit, t, current)

    def check_gradient(self, grad: Any, t: int) -> None:
        xp = self.ops.xp
        self.stopped_at = self._first(self.stopped_at, ~xp.isfinite(grad).all(0), t)

    def check(self, params: Any, t: int) -> None:
        xp = self.ops.xp
        bad = ~xp.isfinite(params).all(0) | (xp.abs(params) > self.bound).any(0)
        self.stopped_at = self._first(self.stopped_at, bad, t)
        alive = self.stopped_at < 0
        self.last_good = params if self.last_good is None else xp.where(alive, params, self.last_good)
        if self.minima.shape[0]:
            delta = params[:, None, :] - self.minima.T[:, :, None]  # (2, k, B)
            distance_squared = (delta * delta).sum(0).min(0)
            if self.ops.name == "torch":
                distance_squared = distance_squared.values
            self.reached_at = self._first(self.reached_at, alive & (distance_squared <= self.tol_squared), t)

    def outcome(self, surface: Any, params: Any, steps: int, backend: str) -> Outcome:
        final_xy = self.ops.to_numpy(self.last_good).T.astype(np.float64)
        with np.errstate(all="ignore"):
            final_loss = surface.f(final_xy[:, 0], final_xy[:, 1])
        stopped_at = self.ops.to_numpy(self.stopped_at).astype(np.int64)
        return Outcome(
            final_loss=final_loss,
            final_xy=final_xy,
            steps_to_tolerance=self.ops.to_numpy(self.reached_at).astype(np.int64),
            diverged_at=stopped_at,
            tol=float(np.sqrt(self.tol_squared)),
            steps=steps,
            backend=backend,
            device=str(self.ops.device) if self.ops.device is not None else "cpu",
        )
