"""What each step did, recomputed on demand from the recorded state: `StepReplay`.

`run` records, per step, the position, the gradient g_t and the optimizer state that the step changed
(Adam's m_t and v_t, AdaBelief's m_t and s_t, SGD's buffer b_t, ...). The rest of what the app plots,
the `StepRecord` of every step (update, m, second moment, denom, step size), is what the update rule
returns for (state_{t−1}, g_t, t): `StepReplay` calls that same rule again, on all steps at once, when
a Trajectory is first asked for one of them. The rule is pure and elementwise, so the replay returns the
numbers the step computed; recording 8 numbers per point-step instead of 14 is what makes a large run
cheap (most of its time is writing records to memory).

The replay runs on numpy in float64, in blocks of ~64k point-steps so its temporaries stay small. Step
numbers are floats there; β^t is computed with Python's float power for every step, as the eager numpy
step does, so the bias corrections are bit-identical. (A float32 run's records are replayed in float64.)
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from optim_core.backends import ArrayOps
from optim_core.rules import STEP_FIELDS, State

_BLOCK_POINT_STEPS = 65536


@dataclass(frozen=True)
class ReplayOps(ArrayOps):
    """numpy ops with an array of step numbers: β^t by Python's float power, step by step."""

    def power(self, base: Any, exponent: Any) -> Any:
        if isinstance(base, float) and isinstance(exponent, np.ndarray):
            values = [base ** float(t) for t in exponent.ravel()]
            return np.asarray(values, dtype=np.float64).reshape(exponent.shape)
        return base**exponent


REPLAY_OPS = ReplayOps("numpy", np, None, np.dtype(np.float64))


def evolving_state_names(optimizer: Any, hp: Any) -> tuple[str, ...]:
    """The state entries a step changes. An entry the rule hands back as the very array it was given
    never changes (AMSGrad's running maximum when amsgrad is off): it is not recorded."""
    probe = np.ones((2, 1))
    state = optimizer.init_state(np.zeros((2, 1)), REPLAY_OPS)
    with np.errstate(all="ignore"):
        new_state, _ = optimizer.update(hp, state, probe, 1, REPLAY_OPS)
    return tuple(name for name in new_state if new_state[name] is not state[name])


@dataclass(frozen=True, eq=False)
class StepReplay:
    """Everything needed to recompute each step's StepRecord, in the engine's (T, 2, B) layout.

    grad: g_t for t = 1..T; history: the evolving state entries after each step; initial_state: the
    state before step 1 (2, B); stopped_at: (B,) step at which each run stopped (−1: never), from
    which on every recomputed value is NaN, as for the recorded ones.
    """

    optimizer: Any
    hp: Any  # hyperparameters on numpy: floats, or (B,) arrays
    grad: np.ndarray
    history: dict[str, np.ndarray]
    initial_state: State
    stopped_at: np.ndarray

    def records(self) -> dict[str, np.ndarray]:
        """Every StepRecord field for every step, each (T, 2, B)."""
        steps, _, batch = self.grad.shape
        out = {name: np.empty((steps, 2, batch)) for name in STEP_FIELDS}
        rows = max(1, _BLOCK_POINT_STEPS // max(batch, 1))
        with np.errstate(all="ignore"):
            for begin in range(0, steps, rows):
                end = min(begin + rows, steps)
                before = {name: self._state_before(name, begin, end) for name in self.initial_state}
                t = np.arange(begin + 1, end + 1, dtype=np.float64)[:, None, None]
                _, step = self.optimizer.update(self.hp, before, self.grad[begin:end], t, REPLAY_OPS)
                for name in STEP_FIELDS:
                    out[name][begin:end] = getattr(step, name)
        for run_index in np.flatnonzero(self.stopped_at >= 0):
            for values in out.values():
                values[int(self.stopped_at[run_index]) :, :, run_index] = np.nan
        return out

    def _state_before(self, name: str, begin: int, end: int) -> np.ndarray:
        """State entry `name` before steps begin+1 .. end: (end − begin, 2, B)."""
        initial = np.asarray(self.initial_state[name], dtype=np.float64)
        if name not in self.history:
            return np.broadcast_to(initial, (end - begin, *initial.shape))
        after = self.history[name]
        if begin > 0:
            return after[begin - 1 : end - 1]
        return np.concatenate([initial[None], after[: end - 1]])

    def first_steps(self, steps: int, stopped_at: np.ndarray) -> StepReplay:
        """The replay of the first `steps` steps, with the stops that remain (see Trajectory.first_steps)."""
        return replace(
            self,
            grad=self.grad[:steps],
            history={name: values[:steps] for name, values in self.history.items()},
            stopped_at=stopped_at,
        )

    def select(self, index: int) -> StepReplay:
        """The replay of run `index` alone (a batch of one), in arrays of its own (see Trajectory.run)."""
        one = slice(index, index + 1)

        def pick(value: Any) -> Any:
            return value[..., one].copy() if isinstance(value, np.ndarray) and value.ndim >= 1 else value

        hp = type(self.hp)(**{key: pick(value) for key, value in vars(self.hp).items()})
        return StepReplay(
            optimizer=self.optimizer,
            hp=hp,
            grad=pick(self.grad),
            history={name: pick(values) for name, values in self.history.items()},
            initial_state={name: pick(np.asarray(value)) for name, value in self.initial_state.items()},
            stopped_at=self.stopped_at[one],
        )
