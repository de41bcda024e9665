"""Outcome-only runs for heatmaps and basin maps: `sweep` keeps no per-step history.

Each step is one pure function, `sweep_step`, used three ways: eagerly on numpy, eagerly on torch, and
(with `fused=True` on the torch backend) compiled by `torch.compile` over a chunk of steps, so that the
gradient, the update rule and the bookkeeping of a chunk become one fused elementwise kernel that
keeps every run's state in registers. The update rule is the same `optim_core.rules` function in all
three: only the array namespace changes.

Per run the bookkeeping keeps: the first step within `tol` of a known minimum, the first step at which
the run stopped (diverged or left the domain), and the last position where it was still alive.
Step indices are kept as float64 (exact below 2**53) so that a traced step counter needs no casts.
"""

from __future__ import annotations

import numbers
from collections import OrderedDict
from typing import Any

import numpy as np
import sympy as sp

from optim_core.backends import ArrayOps, make_ops
from optim_core.engine import DEFAULT_BOUND, GradientSource, start_points, validate_run_arguments
from optim_core.optimizers import Optimizer
from optim_core.trajectory import Outcome

FUSED_CHUNK = 10  # steps per compiled call: long enough to amortise the call, short to compile
_COMPILED: OrderedDict[tuple, Any] = OrderedDict()
_COMPILED_MAX = 16


def _first(current: Any, hit: Any, t: Any, xp: Any) -> Any:
    """Keep the first step at which `hit` was true (−1 until then)."""
    return xp.where((current < 0) & hit, t, current)


def track_position(
    carry: dict, params: Any, t: Any, minima_t: Any, tol_squared: float, bound: float, xp: Any
) -> dict:
    """Update the bookkeeping for the positions after step t (t = 0: the starts)."""
    bad = ~xp.isfinite(params).all(0) | (xp.abs(params) > bound).any(0)
    stopped_at = _first(carry["stopped_at"], bad, t, xp)
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


def sweep_step(
    carry: dict,
    t: Any,
    noise: Any,
    hp: Any,
    optimizer: Optimizer,
    grad_fn: Any,
    minima_t: Any,
    tol_squared: float,
    bound: float,
    ops: ArrayOps,
) -> dict:
    """One step of every run: g_t at the current positions (+ noise), the rule, the bookkeeping."""
    xp = ops.xp
    params = carry["params"]
    gx, gy = grad_fn(params[0], params[1])
    grad = xp.stack((gx, gy))
    if noise is not None:
        grad = grad + noise
    # An undefined gradient at the current point: the run left the domain at the previous step.
    stopped_at = _first(carry["stopped_at"], ~xp.isfinite(grad).all(0), t - 1, xp)
    state, step = optimizer.update(hp, carry["state"], grad, t, ops)
    carry = dict(carry, state=state, stopped_at=stopped_at)
    return track_position(carry, params + step.update, t, minima_t, tol_squared, bound, xp)


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
    fused: bool = False,
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
    if fused and backend != "torch":
        raise ValueError("fused=True needs backend='torch' (it uses torch.compile)")
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
    gradient = GradientSource(surface, ops, noise, seed, batch)
    grad_fn = surface.torch_grad if ops.name == "torch" else surface.grad

    def noise_for(count: int) -> Any:
        if gradient.rng is None:
            return None
        # The same draws, in the same order, as `run` with the same seed.
        return ops.asarray(gradient.noise * gradient.rng.standard_normal((count, 2, batch)))

    t = 1
    if fused and steps >= FUSED_CHUNK:
        chunk = _compiled_chunk(optimizer, surface, ops, minima_t is not None, noise > 0)
        tensor_hp = _hyperparameters_as_tensors(hp, ops)
        while t + FUSED_CHUNK - 1 <= steps:
            carry = chunk(
                carry, ops.asarray(float(t)), noise_for(FUSED_CHUNK), tensor_hp, minima_t, tol_squared, bound
            )
            t += FUSED_CHUNK
    with np.errstate(all="ignore"):
        for step_index in range(t, steps + 1):
            step_noise = noise_for(1)
            carry = sweep_step(
                carry,
                step_index,
                None if step_noise is None else step_noise[0],
                hp,
                optimizer,
                grad_fn,
                minima_t,
                tol_squared,
                bound,
                ops,
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


def _hyperparameters_as_tensors(hp: Any, ops: ArrayOps) -> Any:
    """Python-float hyperparameters as 0-d tensors, so a new lr does not trigger a recompile."""
    from types import SimpleNamespace

    return SimpleNamespace(
        **{
            key: ops.asarray(float(value))
            if isinstance(value, int | float) and not isinstance(value, bool)
            else value
            for key, value in vars(hp).items()
        }
    )


def _compiled_chunk(optimizer: Optimizer, surface: Any, ops: ArrayOps, has_minima: bool, noisy: bool) -> Any:
    """A torch.compile'd function running FUSED_CHUNK steps of `sweep_step`, cached per variant."""
    import torch

    flags = tuple(
        (name, value)
        for name, value in sorted(optimizer.flat_hyperparameters().items())
        if isinstance(value, bool)
    )
    key = (type(optimizer), flags, sp.srepr(surface.expr), str(ops.device), str(ops.dtype), has_minima, noisy)
    if key in _COMPILED:
        _COMPILED.move_to_end(key)
        return _COMPILED[key]
    grad_fn = surface.torch_grad

    def chunk(
        carry: dict, t0: Any, noise: Any, hp: Any, minima_t: Any, tol_squared: float, bound: float
    ) -> dict:
        for i in range(FUSED_CHUNK):
            step_noise = None if noise is None else noise[i]
            carry = sweep_step(
                carry, t0 + i, step_noise, hp, optimizer, grad_fn, minima_t, tol_squared, bound, ops
            )
        return carry

    compiled = torch.compile(chunk, dynamic=False)
    _COMPILED[key] = compiled
    while len(_COMPILED) > _COMPILED_MAX:
        _COMPILED.popitem(last=False)
    return compiled
