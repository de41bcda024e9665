"""One optimizer step for every run at once, and its torch.compile'd form over a chunk of steps.

`advance` is the single step both `run` and `sweep` are made of, and `drive` their one loop:

    g_t = ∇f(θ_{t−1}) (+ noise),   (state_t, record_t) = rule(hp, state_{t−1}, g_t, t),
    θ_t = θ_{t−1} + record_t.update

With `fused=True` on the torch backend, `compile_chunk` traces a chunk of calls of a step function
with torch.compile. Inside the chunk every (2, B) quantity is held as its two rows (`AxisRows`) and
the rule is applied row by row, so every operation of every step is elementwise over the B runs and
inductor emits one loop over B for the whole chunk: the state is read once and written once per
chunk and stays in registers between the steps. The rule is still the one in `optim_core.rules`.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np
import sympy as sp

from optim_core.backends import ArrayOps, FusedTorchOps
from optim_core.optimizers import Optimizer
from optim_core.rules import STEP_FIELDS, State, StepRecord

FUSED_CHUNK = 10  # steps per compiled call: long enough to amortise the call, short enough to compile
_COMPILED: OrderedDict[tuple, Any] = OrderedDict()
_COMPILED_MAX = 16


class AxisRows(NamedTuple):
    """A (2, B) quantity held as its two rows inside a compiled chunk (see the module docstring)."""

    x: Any
    y: Any


def per_row(function: Callable[..., Any], *values: Any) -> Any:
    """`function(*values)` on (2, B) arrays; row by row when any value is an AxisRows.

    Values that are not AxisRows (hyperparameters (B,), scalars) are passed to both rows unchanged.
    """
    if not any(isinstance(value, AxisRows) for value in values):
        return function(*values)
    return AxisRows(
        *(function(*(v[axis] if isinstance(v, AxisRows) else v for v in values)) for axis in (0, 1))
    )


def as_rows(tree: Any) -> Any:
    """Every (2, B) tensor in a nested carry as AxisRows (the inverse of `stack_rows`)."""
    from torch.utils import _pytree

    def split(value: Any) -> Any:
        if getattr(value, "ndim", 0) == 2 and value.shape[0] == 2:
            return AxisRows(value[0], value[1])
        return value

    return _pytree.tree_map(split, tree)


def stack_rows(tree: Any) -> Any:
    """Every AxisRows in a nested carry back as one (2, B) tensor."""
    import torch
    from torch.utils import _pytree

    def join(value: Any) -> Any:
        return torch.stack(tuple(value)) if isinstance(value, AxisRows) else value

    return _pytree.tree_map(join, tree, is_leaf=lambda value: isinstance(value, AxisRows))


class NoiseSource:
    """Gaussian gradient noise N(0, σ²), drawn on the host from one seeded generator.

    Drawn on the host so that numpy and torch runs with the same seed see the same numbers, and in
    step order, so that drawing k steps at once gives the same numbers as k single draws.

    `sigma` is one σ for every run, each run drawing its own numbers; or an array (B,), one σ per run,
    all runs sharing one draw z_t per step and axis, so run b sees σ_b·z_t: exactly the noise it would
    see alone with the same seed.
    """

    def __init__(self, sigma: Any, seed: Any, batch: int, ops: ArrayOps) -> None:
        self.per_run = np.ndim(sigma) > 0
        self.sigma = np.asarray(sigma, dtype=np.float64) if self.per_run else float(sigma)
        self.batch = batch
        self.ops = ops
        self.rng = np.random.default_rng(seed) if np.any(np.asarray(sigma) > 0) else None

    def draw(self, steps: int) -> Any:
        """Noise for the next `steps` steps, shape (steps, 2, B); None when σ = 0."""
        if self.rng is None:
            return None
        if self.per_run:
            return self.ops.asarray(self.rng.standard_normal((steps, 2, 1)) * self.sigma)
        return self.ops.asarray(self.sigma * self.rng.standard_normal((steps, 2, self.batch)))


def advance(
    params: Any,
    state: State,
    t: Any,
    noise: Any,
    hp: Any,
    optimizer: Optimizer,
    gradient: Callable[[Any, Any], tuple[Any, Any]],
    ops: ArrayOps,
) -> tuple[Any, State, Any, StepRecord]:
    """One step of every run: returns (θ_t, state_t, g_t, record_t).

    `params` and the state's arrays are (2, B) arrays, or AxisRows inside a compiled chunk; then the
    rule runs once per row (it is elementwise, so the numbers are the same).
    """
    gx, gy = gradient(params[0], params[1])
    if not isinstance(params, AxisRows):
        grad = ops.stack_axes(gx, gy)
        if noise is not None:
            grad = grad + noise
        state, step = optimizer.update(hp, state, grad, t, ops)
        return params + step.update, state, grad, step
    grad = AxisRows(gx, gy) if noise is None else AxisRows(gx + noise[0], gy + noise[1])
    by_axis = [
        optimizer.update(hp, {name: value[axis] for name, value in state.items()}, grad[axis], t, ops)
        for axis in (0, 1)
    ]
    state = {name: AxisRows(by_axis[0][0][name], by_axis[1][0][name]) for name in by_axis[0][0]}
    records = [record for _, record in by_axis]
    step = StepRecord(**{name: AxisRows(*(getattr(r, name) for r in records)) for name in STEP_FIELDS})
    return per_row(lambda p, u: p + u, params, step.update), state, grad, step


def hyperparameters_as_tensors(hp: Any, ops: ArrayOps) -> Any:
    """Numeric Python hyperparameters as 0-d tensors, so that a new lr does not trigger a recompile."""
    from types import SimpleNamespace

    return SimpleNamespace(
        **{
            key: ops.asarray(float(value))
            if isinstance(value, int | float) and not isinstance(value, bool)
            else value
            for key, value in vars(hp).items()
        }
    )


def fused_chunk_steps(fused: bool | int, backend: str) -> int:
    """Steps per compiled chunk for the `fused` argument of run/sweep (0: not fused)."""
    if fused is False or fused == 0:
        return 0
    if backend != "torch":
        raise ValueError("fused needs backend='torch' (it uses torch.compile)")
    if fused is True:
        return FUSED_CHUNK
    if not isinstance(fused, int) or fused < 1:
        raise ValueError(
            f"fused must be True, False or a number of steps per compiled chunk >= 1, not {fused!r}"
        )
    return fused


def drive(
    kind: str,
    step_function: Callable[..., tuple[Any, Any]],
    carry: Any,
    steps: int,
    hp: Any,
    optimizer: Optimizer,
    surface: Any,
    ops: ArrayOps,
    noise: NoiseSource,
    chunk_steps: int = 0,
    extra: tuple = (),
    keep: Callable[[int, dict], None] | None = None,
    chunk_records: Callable[[int, int], dict] | None = None,
) -> Any:
    """Run `step_function` for steps 1..steps and return the last carry.

    With chunk_steps > 0 whole chunks go through the compiled chunk and the remainder runs eagerly; the
    eager steps and the compiled chunks call the same `step_function`. `keep(first_step, outputs)` is
    handed each step's (or chunk's) outputs, stacked along a leading step axis; with
    `chunk_records(first_step, count)`, which gives arrays (count, ...) to fill, a compiled chunk writes
    its outputs straight into them instead (no intermediate arrays, no copy).
    """
    gradient = surface.gradient_function(ops.name)
    t = 1
    if chunk_steps and steps >= chunk_steps:
        chunk = compile_chunk(kind, step_function, optimizer, surface, ops, chunk_steps)
        tensor_hp = hyperparameters_as_tensors(hp, ops)
        while t + chunk_steps - 1 <= steps:
            into = None
            if chunk_records is not None:
                into = {  # each step's two rows as views (unbind: one call per level)
                    name: [step.unbind(0) for step in values.unbind(0)]
                    for name, values in chunk_records(t, chunk_steps).items()
                }
            carry, outputs = chunk(
                carry, ops.asarray(float(t)), noise.draw(chunk_steps), tensor_hp, into, *extra
            )
            if keep is not None and into is None:
                keep(t, outputs)
            t += chunk_steps
    with np.errstate(all="ignore"):
        for step in range(t, steps + 1):
            step_noise = noise.draw(1)
            carry, output = step_function(
                carry,
                step,
                None if step_noise is None else step_noise[0],
                hp,
                optimizer,
                gradient,
                ops,
                *extra,
            )
            if keep is not None:
                keep(step, {name: value[None] for name, value in output.items()})
    return carry


def compile_chunk(
    kind: str,
    step_function: Callable[..., Any],
    optimizer: Optimizer,
    surface: Any,
    ops: ArrayOps,
    chunk_steps: int,
) -> Callable[..., Any]:
    """torch.compile `step_function` run `chunk_steps` times, cached per optimizer variant and surface.

    `step_function(carry, t, noise, hp, optimizer, gradient, ops, *extra) -> (carry, output)` is called
    with t = t0, t0 + 1, ...; the compiled chunk returns the last carry and the outputs stacked along a
    new first axis (or None when the step returns no output).
    """
    import torch

    fused_ops = FusedTorchOps(ops.name, ops.xp, ops.device, ops.dtype)
    flags = tuple(
        (name, value)
        for name, value in sorted(optimizer.flat_hyperparameters().items())
        if isinstance(value, bool)
    )
    key = (kind, type(optimizer), flags, sp.srepr(surface.expr), str(ops.device), str(ops.dtype), chunk_steps)
    if key in _COMPILED:
        _COMPILED.move_to_end(key)
        return _COMPILED[key]
    gradient = surface.gradient_function("torch")

    def chunk(carry: Any, t0: Any, noise: Any, hp: Any, into: Any, *extra: Any) -> tuple[Any, Any]:
        carry = as_rows(carry)
        outputs = []
        for i in range(chunk_steps):
            step_noise = None if noise is None else noise[i]
            carry, output = step_function(
                carry, t0 + i, step_noise, hp, optimizer, gradient, fused_ops, *extra
            )
            outputs.append(output)
        carry = stack_rows(carry)
        if outputs[0] is None:
            return carry, None
        if into is not None:
            # `into[name][i]` holds the two rows of step i as separate tensors, made outside: a copy into a
            # whole input is one more store in the chunk's loop over B. (Copying into slices of one
            # array becomes a scatter over all of it; stacking first costs passes over the records.)
            for i, output in enumerate(outputs):
                for name, value in output.items():
                    for axis in (0, 1):
                        into[name][i][axis].copy_(value[axis])
            return carry, None
        stacked = {name: torch.stack([stack_rows(out[name]) for out in outputs]) for name in outputs[0]}
        return carry, stacked

    # fullgraph: a graph break would silently fall back to slow eager steps; fail loudly instead.
    # max_fusion_size: a recording chunk has ~150 stores; at inductor's default (64 nodes per kernel)
    # they split into ~30 loops that pass intermediates through memory.
    compiled = torch.compile(chunk, dynamic=False, fullgraph=True, options={"max_fusion_size": 4096})
    _COMPILED[key] = compiled
    while len(_COMPILED) > _COMPILED_MAX:
        _COMPILED.popitem(last=False)
    return compiled
