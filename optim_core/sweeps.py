"""Outcome-only runs for heatmaps and basin maps: `sweep` keeps no per-step history.

Each step is one pure function, `tracking_step` (`stepping.advance` plus bookkeeping), used three
ways: eagerly on numpy, eagerly on torch, and (with `fused=True` on the torch backend) compiled by
torch.compile over a chunk of steps, so that the gradient, the update rule and the bookkeeping become
a few fused elementwise kernels. The update rule is the same `optim_core.rules` function in all three:
only the array namespace changes.

Per run the bookkeeping keeps: the first step within `tol` of a known minimum, the first step at which
the run stopped (diverged or left the domain), and the last position where it was still alive.
Step indices are kept as float64 (exact below 2**53) so that a traced step counter needs no casts.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from optim_core.backends import ArrayOps, make_ops
from optim_core.engine import DEFAULT_BOUND, start_points, validate_run_arguments
from optim_core.optimizers import Optimizer
from optim_core.stepping import NoiseSource, advance, drive, fused_chunk_steps
from optim_core.trajectory import Outcome


def _first(current: Any, hit: Any, t: Any, xp: Any) -> Any:
    """Keep the first step at which `hit` was true (−1 until then)."""
    return xp.where((current < 0) & hit, t, current)


def track_position(
    carry: dict, params: Any, t: Any, minima_t: Any, tol_squared: float, bound: float, xp: Any
) -> dict:
    """Update the bookkeeping for the positions after step t (t = 0: the starts)."""
    # NaN fails every comparison, so this one test also catches positions that left the finite numbers.
    inside = (xp.abs(params) <= bound).all(0)
    stopped_at = _first(carry["stopped_at"], ~inside, t, xp)
    alive = stopped_at < 0
    reached_at = carry["reached_at"]
    if minima_t is not None:
        delta = params[:, None, :] - minima_t[:, :, None]  # (2, minima, B)
        distance_squared = xp.amin((delta * delta).sum(0), 0)
        reached_at = _first(reached_at, alive & (distance_squared <= tol_squared), t, xp)
    return {
        "params": params,
        "state": carry["state"],
        "stopped_at": stopped_at,
        "reached_at": reached_at,
        "last_good": xp.where(alive, params, carry["last_good"]),
    }


def tracking_step(
    carry: dict,
    t: Any,
    noise: Any,
    hp: Any,
    optimizer: Optimizer,
    gradient: Any,
    ops: ArrayOps,
    minima_t: Any,
    tol_squared: Any,
    bound: Any,
) -> tuple[dict, None]:
    """`advance` every run one step, then update the bookkeeping. No per-step output."""
    xp = ops.xp
    params, state, grad, _ = advance(carry["params"], carry["state"], t, noise, hp, optimizer, gradient, ops)
    # An undefined gradient at the previous point: the run left the domain at the previous step.
    defined = (xp.abs(grad) < math.inf).all(0)  # False for NaN and ±inf
    stopped_at = _first(carry["stopped_at"], ~defined, t - 1, xp)
    carry = dict(carry, state=state, stopped_at=stopped_at)
    return track_position(carry, params, t, minima_t, tol_squared, bound, xp), None


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
    xp = ops.xp
    batch = starts.shape[0]
    hp = optimizer.hyperparameters_on(ops)
    params = ops.asarray(starts.T.copy())
    minima = np.asarray(surface.minima, dtype=np.float64).reshape(-1, 2)
    minima_t = ops.asarray(minima.T.copy()) if len(minima) else None
    never = ops.asarray(np.full(batch, -1.0))
    carry = {
        "params": params,
        "state": optimizer.init_state(params, ops),
        "stopped_at": never,
        "reached_at": never,
        "last_good": params,
    }
    tol_squared = float(tol) ** 2
    carry = track_position(carry, params, 0, minima_t, tol_squared, bound, xp)
    noise_source = NoiseSource(noise, seed, batch, ops)
    extra = (minima_t, tol_squared, bound)
    carry = drive(
        "sweep", tracking_step, carry, steps, hp, optimizer, surface, ops, noise_source, chunk_steps, extra
    )

    final_xy = ops.to_numpy(carry["last_good"]).T.astype(np.float64)
    with np.errstate(all="ignore"):
        final_loss = surface.f(final_xy[:, 0], final_xy[:, 1])
    return Outcome(
        final_loss=final_loss,
        final_xy=final_xy,
        steps_to_tolerance=ops.to_numpy(carry["reached_at"]).astype(np.int64),
        diverged_at=ops.to_numpy(carry["stopped_at"]).astype(np.int64),
        tol=float(tol),
        steps=steps,
        backend=backend,
        device=str(ops.device) if ops.device is not None else "cpu",
    )
