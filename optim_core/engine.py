"""The batched stepping engine: `run` steps B runs at once and records every step.

Its twin `optim_core.sweeps.sweep` keeps only the outcome. Positions are kept as a (2, B) array, one
contiguous row per axis, so the surface's gradient is evaluated on two contiguous vectors and each
hyperparameter array (B,) broadcasts over the runs. The stepping loop never branches on the data: a
run that diverges or leaves the function's domain simply carries NaN/inf, and is found and cut
afterwards (no host synchronisation per step on a GPU, no warnings, no exceptions).
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from optim_core.backends import ArrayOps, make_ops
from optim_core.optimizers import Optimizer
from optim_core.replay import REPLAY_OPS, StepReplay, evolving_state_names
from optim_core.stepping import NoiseSource, advance, drive, fused_chunk_steps
from optim_core.trajectory import DIVERGED, LEFT_DOMAIN, Trajectory, storage_view

DEFAULT_BOUND = 1e6  # a run whose |x| or |y| exceeds this has diverged
STATE_PREFIX = "state."  # record names of the optimizer state entries ("state.m", "state.v", ...)


def validate_run_arguments(optimizer: Any, steps: Any, noise: Any) -> None:
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be an optimizer spec such as Adam(lr=1e-3), not {optimizer!r}")
    if not isinstance(steps, numbers.Integral) or isinstance(steps, bool) or steps < 0:
        raise ValueError(f"steps must be a non-negative integer, got {steps!r}")
    if not (isinstance(noise, numbers.Real) and np.isfinite(noise) and noise >= 0):
        raise ValueError(f"noise must be a finite number >= 0, got {noise!r}")


def noise_per_run(noise: Any, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One σ per run (B,) and the start points (B, 2): a single start is repeated for every σ."""
    levels = np.asarray(noise, dtype=np.float64)
    if levels.ndim != 1 or not levels.size or not np.all(np.isfinite(levels)) or np.any(levels < 0):
        raise ValueError(f"noise must be a finite number >= 0 or a 1-D array of them, got {noise!r}")
    if starts.shape[0] == 1:
        return levels, np.repeat(starts, levels.size, axis=0)
    if starts.shape[0] != levels.size:
        raise ValueError(f"noise has {levels.size} levels but the batch has {starts.shape[0]} runs")
    return levels, starts


def start_points(start: Any, optimizer: Optimizer) -> tuple[np.ndarray, bool]:
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


def run(
    surface: Any,
    optimizer: Optimizer,
    start: Any,
    steps: int,
    *,
    backend: str = "numpy",
    device: str | None = None,
    dtype: str = "float64",
    noise: Any = 0.0,
    seed: Any = None,
    bound: float = DEFAULT_BOUND,
    fused: bool | int = False,
) -> Trajectory:
    """Run `optimizer` on `surface` from `start` for `steps` steps, recording every step.

    `start` is (x, y) or an array (B, 2); hyperparameters may be arrays (B,). `backend` is "numpy" or
    "torch" (`device` "cpu", "cuda", "mps" or "auto"). `noise` > 0 adds N(0, noise²) to each gradient
    component, reproducibly for a given `seed` (the runs of a batch draw different numbers); `noise` an
    array (B,) gives each run its own σ and the same draws, so that each run is exactly the run alone
    with its σ and `seed`. A run stops when it leaves the finite numbers or
    |x|, |y| > `bound` ("diverged"), or reaches a point where f or its gradient is undefined ("left
    domain"); its later rows are NaN. `fused=True` (torch backend) compiles chunks of 10 steps (or
    `fused` steps) with torch.compile: tens of seconds the first time per optimizer variant and surface,
    then much faster per step; worth it only for very large batches.
    """
    per_run_noise = np.ndim(noise) > 0
    validate_run_arguments(optimizer, steps, 0.0 if per_run_noise else noise)
    chunk_steps = fused_chunk_steps(fused, backend)
    starts, batched = start_points(start, optimizer)
    if per_run_noise:
        noise, starts = noise_per_run(noise, starts)
        batched = True
    ops = make_ops(backend, device, dtype)
    batch = starts.shape[0]
    hp = optimizer.hyperparameters_on(ops)
    replay_hp = optimizer.hyperparameters_on(REPLAY_OPS)
    state_names = evolving_state_names(optimizer, replay_hp)
    recorded = ("grad", *(STATE_PREFIX + name for name in state_names))
    params = ops.asarray(starts.T.copy())  # (2, B)
    xy = ops.empty((steps + 1, 2, batch))
    records = {name: ops.empty((steps, 2, batch)) for name in recorded}
    xy[0] = params

    def keep(first_step: int, outputs: dict) -> None:
        count = outputs["xy"].shape[0]
        xy[first_step : first_step + count] = outputs["xy"]
        for name in recorded:
            records[name][first_step - 1 : first_step - 1 + count] = outputs[name]

    def record_views(first_step: int, count: int) -> dict:
        views = {name: records[name][first_step - 1 : first_step - 1 + count] for name in recorded}
        return dict(views, xy=xy[first_step : first_step + count])

    initial_state = optimizer.init_state(params, ops)
    carry = (params, initial_state)
    noise_source = NoiseSource(noise, seed, batch, ops)
    drive(
        "run",
        recording_step,
        carry,
        steps,
        hp,
        optimizer,
        surface,
        ops,
        noise_source,
        chunk_steps,
        extra=(state_names,),
        keep=keep,
        chunk_records=record_views,
    )

    xy_host = ops.to_numpy(xy).astype(np.float64, copy=False)
    host = {name: ops.to_numpy(value).astype(np.float64, copy=False) for name, value in records.items()}
    loss, stopped_at, reasons = _loss_and_stops(surface, xy_host, host["grad"], bound)
    _cut_after_stop(xy_host, loss, host, stopped_at, reasons)
    replay = StepReplay(
        optimizer=optimizer,
        hp=replay_hp,
        grad=host["grad"],
        history={name: host[STATE_PREFIX + name] for name in state_names},
        initial_state={name: ops.to_numpy(value) for name, value in initial_state.items()},
        stopped_at=stopped_at,
    )
    return Trajectory(
        optimizer=optimizer,
        surface=surface,
        xy=storage_view(xy_host, batched),
        loss=loss if batched else loss[:, 0],
        grad=storage_view(host["grad"], batched),
        replay=replay,
        stopped_at=stopped_at,
        stop_reasons=reasons,
        batched=batched,
        backend=backend,
        device=str(ops.device) if ops.device is not None else "cpu",
    )


def recording_step(
    carry: tuple,
    t: Any,
    noise: Any,
    hp: Any,
    optimizer: Optimizer,
    gradient: Any,
    ops: ArrayOps,
    state_names: tuple[str, ...],
) -> tuple[tuple, dict]:
    """`advance`, and what `run` records of the step: θ_t, g_t and the state entries it changed."""
    params, state = carry
    params, state, grad, _ = advance(params, state, t, noise, hp, optimizer, gradient, ops)
    record = {"xy": params, "grad": grad}
    for name in state_names:
        record[STATE_PREFIX + name] = state[name]
    return (params, state), record


def _loss_and_stops(
    surface: Any, xy: np.ndarray, grad: np.ndarray, bound: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The loss at every position, and the first step k at which each run stopped, and why.

    xy[k] outside the finite numbers or the bound: "diverged" at step k.
    f(xy[k]) or the gradient there undefined (xy[k] itself fine): "left domain" at step k.

    Works through the steps in blocks of about 64k points, so the temporaries stay in cache instead
    of costing fresh memory (page faults dominate otherwise for large batches).
    """
    total, _, batch = xy.shape
    steps = grad.shape[0]
    loss = np.empty((total, batch))
    first = np.full(batch, -1, dtype=np.int64)
    diverged = np.zeros(batch, dtype=bool)
    rows = max(1, 65536 // batch)
    with np.errstate(all="ignore"):
        for begin in range(0, total, rows):
            end = min(begin + rows, total)
            block = xy[begin:end]
            loss[begin:end] = surface.f(block[:, 0], block[:, 1])
            # The same rule as optim_core.sweeps (max(|x|, |y|) <= bound there), written the way numpy
            # runs it fastest: the max form makes this scan ~6x slower, this form slows the fused sweep.
            bad_position = ~np.isfinite(block).all(axis=1) | (np.abs(block) > bound).any(axis=1)
            undefined = ~np.isfinite(loss[begin:end])
            if begin < steps:
                undefined[: min(end, steps) - begin] |= ~np.isfinite(grad[begin : min(end, steps)]).all(
                    axis=1
                )
            stopped = bad_position | undefined
            fresh = (first < 0) & stopped.any(axis=0)
            if fresh.any():
                row = np.argmax(stopped[:, fresh], axis=0)
                first[fresh] = begin + row
                diverged[fresh] = bad_position[row, np.flatnonzero(fresh)]
    reasons = np.full(batch, None, dtype=object)
    reasons[(first >= 0) & diverged] = DIVERGED
    reasons[(first >= 0) & ~diverged] = LEFT_DOMAIN
    return loss, first, reasons


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
