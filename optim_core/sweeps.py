"""Outcome-only runs for heatmaps and basin maps: `sweep` keeps no per-step history.

Each step is one pure function, `tracking_step` (`stepping.advance` plus bookkeeping), used three
ways: eagerly on numpy, eagerly on torch, and (with `fused=True` on the torch backend) compiled by
torch.compile over a chunk of steps, so that the gradient, the update rule and the bookkeeping become
a few fused elementwise kernels. The update rule is the same `optim_core.rules` function in all three:
only the array namespace changes.

Per run the bookkeeping keeps: the first step within `tol` of a known minimum, the first step at which
the run stopped (diverged or left the domain), and the last position where it was still alive.
Step indices are kept as float64 (exact below 2**53; +inf for "not yet") so that a traced step counter
needs no casts and "first step" is a running minimum.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from optim_core.backends import ArrayOps, make_ops
from optim_core.engine import DEFAULT_BOUND, start_points, validate_run_arguments
from optim_core.optimizers import Optimizer
from optim_core.stepping import NoiseSource, advance, drive, fused_chunk_steps, per_row
from optim_core.trajectory import Outcome


def _earliest(current: Any, happened: Any, t: Any, ops: ArrayOps) -> Any:
    """The first step at which `happened` was true: step counters hold +inf until then.

    A running minimum rather than "set once" (where(current < 0 & happened, t, current)): the same
    number, but without mask logic, which costs inductor's vectorised kernels more than the step itself.
    """
    return ops.xp.minimum(current, ops.where(happened, t, math.inf))


def _largest_component(rows: Any, ops: ArrayOps) -> Any:
    """max(|x|, |y|) per run; NaN when either is NaN (maximum propagates NaN), so `<= bound` fails.

    `engine._loss_and_stops` applies the same stop rule to recorded runs with isfinite/any, numpy's
    fastest form; here the max form is inductor's (mask logic slowed the fused sweep from 3.9 to 6.9 ns).
    """
    return ops.xp.maximum(ops.xp.abs(rows[0]), ops.xp.abs(rows[1]))


def track_position(
    carry: dict, params: Any, t: Any, minima: Any, tol_squared: float, bound: float, ops: ArrayOps
) -> dict:
    """Update the bookkeeping for the positions after step t (t = 0: the starts).

    `params` is (2, B) or AxisRows; everything below reads its rows, so it is elementwise over B.
    "Reached" is kept as the first step within tol whether or not the run was still alive; `sweep`
    drops it afterwards when the run had stopped before (see `_reached_while_alive`).
    """
    stopped_at = _earliest(carry["stopped_at"], ~(_largest_component(params, ops) <= bound), t, ops)
    reached_at = carry["reached_at"]
    if minima is not None:
        distance_squared = None
        for index in range(minima.shape[0]):  # a few minima at most: unrolled, no (2, M, B) temporary
            dx = params[0] - minima[index, 0]
            dy = params[1] - minima[index, 1]
            this = dx * dx + dy * dy
            distance_squared = this if distance_squared is None else ops.xp.minimum(distance_squared, this)
        reached_at = _earliest(reached_at, distance_squared <= tol_squared, t, ops)
    alive = stopped_at == math.inf
    return {
        "params": params,
        "state": carry["state"],
        "stopped_at": stopped_at,
        "reached_at": reached_at,
        "last_good": per_row(lambda p, last: ops.where(alive, p, last), params, carry["last_good"]),
    }


def tracking_step(
    carry: dict,
    t: Any,
    noise: Any,
    hp: Any,
    optimizer: Optimizer,
    gradient: Any,
    ops: ArrayOps,
    minima: Any,
    tol_squared: Any,
    bound: Any,
) -> tuple[dict, None]:
    """`advance` every run one step, then update the bookkeeping. No per-step output."""
    params, state, grad, _ = advance(carry["params"], carry["state"], t, noise, hp, optimizer, gradient, ops)
    # An undefined gradient at the previous point: the run left the domain at the previous step.
    defined = _largest_component(grad, ops) < math.inf  # False for NaN and ±inf
    stopped_at = _earliest(carry["stopped_at"], ~defined, t - 1, ops)
    carry = dict(carry, state=state, stopped_at=stopped_at)
    return track_position(carry, params, t, minima, tol_squared, bound, ops), None


def _reached_while_alive(reached_at: np.ndarray, stopped_at: np.ndarray) -> np.ndarray:
    """Step indices as int64 with −1 for "never"; a minimum reached after the run stopped is "never".

    Reached at k and stopped at k can both hold (the gradient at the point reached at step k is
    undefined, found at step k + 1): the point was reached while the run was alive.
    """
    return np.where(reached_at <= stopped_at, reached_at, math.inf)


def _as_step_indices(steps: np.ndarray) -> np.ndarray:
    return np.where(np.isfinite(steps), steps, -1).astype(np.int64)


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
    fused: bool | int = False,
) -> Outcome:
    """Run many settings and keep only the outcome: for heatmaps and basin maps.

    Same arguments as `run`, plus `tol`, the distance to a known minimum that counts as "reached", and
    `fused` (torch backend only): compile chunks of steps with torch.compile. Compiling takes tens of
    seconds the first time for each optimizer variant and surface (then it is cached in this process and
    on disk by torch), so it pays off only for very large sweeps.
    """
    validate_run_arguments(optimizer, steps, noise)
    if not (isinstance(tol, numbers.Real) and tol >= 0):
        raise ValueError(f"tol must be a number >= 0, got {tol!r}")
    chunk_steps = fused_chunk_steps(fused, backend)
    starts, _ = start_points(start, optimizer)
    ops = make_ops(backend, device, dtype)
    batch = starts.shape[0]
    hp = optimizer.hyperparameters_on(ops)
    params = ops.asarray(starts.T.copy())
    minima = np.asarray(surface.minima, dtype=np.float64).reshape(-1, 2)
    minima_array = ops.asarray(minima) if len(minima) else None  # (M, 2)
    never = ops.asarray(np.full(batch, math.inf))
    carry = {
        "params": params,
        "state": optimizer.init_state(params, ops),
        "stopped_at": never,
        "reached_at": never,
        "last_good": params,
    }
    tol_squared = float(tol) ** 2
    carry = track_position(carry, params, 0, minima_array, tol_squared, bound, ops)
    noise_source = NoiseSource(noise, seed, batch, ops)
    extra = (minima_array, tol_squared, bound)
    carry = drive(
        "sweep", tracking_step, carry, steps, hp, optimizer, surface, ops, noise_source, chunk_steps, extra
    )

    final_xy = ops.to_numpy(carry["last_good"]).T.astype(np.float64)
    with np.errstate(all="ignore"):
        final_loss = surface.f(final_xy[:, 0], final_xy[:, 1])
    stopped_at = ops.to_numpy(carry["stopped_at"])
    reached_at = _reached_while_alive(ops.to_numpy(carry["reached_at"]), stopped_at)
    return Outcome(
        final_loss=final_loss,
        final_xy=final_xy,
        steps_to_tolerance=_as_step_indices(reached_at),
        diverged_at=_as_step_indices(stopped_at),
        tol=float(tol),
        steps=steps,
        backend=backend,
        device=str(ops.device) if ops.device is not None else "cpu",
    )
