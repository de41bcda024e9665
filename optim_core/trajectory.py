"""`Trajectory` (every per-step state of a run) and `Outcome` (only the result of a sweep).

Shapes: a single run has no batch axis; a batch of B runs has one after the step axis.

    xy, loss                  (steps + 1, [B,] 2) and (steps + 1, [B])   index t = position after step t
    grad, update, m, second_moment, denom, step_size
                              (steps, [B,] 2)                             index t − 1 = step t

A run that stops (diverged, or left the function's domain) has NaN in every row after it stopped.

update, m, second_moment, denom and step_size are recomputed from the recorded state the first time one
of them is read (`optim_core.replay`): the same numbers the steps computed, without writing them all.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import numpy as np

from optim_core.replay import StepReplay

DIVERGED = "diverged"
LEFT_DOMAIN = "left domain"


@dataclass(frozen=True, eq=False)
class Trajectory:
    """Everything a run did, step by step (numpy float64 arrays, whatever the backend)."""

    optimizer: Any
    surface: Any
    xy: np.ndarray
    loss: np.ndarray
    grad: np.ndarray
    replay: StepReplay  # recomputes update, m, second_moment, denom, step_size on first use
    stopped_at: np.ndarray  # (B,) int: step at which the run stopped, −1 if it never did
    stop_reasons: np.ndarray  # (B,) object: None, DIVERGED or LEFT_DOMAIN
    batched: bool
    backend: str = "numpy"
    device: str = "cpu"
    extra: dict[str, Any] = field(default_factory=dict)

    # -- what each step did, from the replay ------------------------------------------------
    @cached_property
    def _step_records(self) -> dict[str, np.ndarray]:
        return {name: storage_view(values, self.batched) for name, values in self.replay.records().items()}

    @property
    def update(self) -> np.ndarray:
        """θ_t − θ_{t−1} as the rule computed it."""
        return self._step_records["update"]

    @property
    def m(self) -> np.ndarray:
        """What the step moved along (see `optim_core.rules.StepRecord`)."""
        return self._step_records["m"]

    @property
    def second_moment(self) -> np.ndarray:
        """v_t (Adam, RMSProp, Adagrad) or s_t (AdaBelief); NaN for SGD."""
        return self._step_records["second_moment"]

    @property
    def denom(self) -> np.ndarray:
        """The per-axis denominator divided by (bias correction and eps included); 1 for SGD."""
        return self._step_records["denom"]

    @property
    def step_size(self) -> np.ndarray:
        """The per-axis effective learning rate: update = −step_size · m."""
        return self._step_records["step_size"]

    # -- shape helpers ---------------------------------------------------------------------
    @property
    def steps(self) -> int:
        return self.grad.shape[0]

    @property
    def batch_size(self) -> int:
        return self.xy.shape[1] if self.batched else 1

    def _per_run(self, values: np.ndarray) -> Any:
        """Unwrap a (B,) result for a single run."""
        return values if self.batched else values[0]

    # -- names used in the paper ---------------------------------------------------------------
    @property
    def v(self) -> np.ndarray:
        """Adam's / RMSProp's / Adagrad's second moment (alias of `second_moment`)."""
        return self.second_moment

    @property
    def s(self) -> np.ndarray:
        """AdaBelief's s_t (alias of `second_moment`)."""
        return self.second_moment

    # -- stopping ------------------------------------------------------------------------------
    @property
    def diverged_at(self) -> Any:
        """Step at which the run stopped (diverged or left the domain): int or None for one run,
        an int array with −1 for "never" for a batch."""
        if self.batched:
            return self.stopped_at
        step = int(self.stopped_at[0])
        return None if step < 0 else step

    @property
    def stop_reason(self) -> Any:
        """None, "diverged" or "left domain" (an object array for a batch)."""
        return self._per_run(self.stop_reasons)

    # -- results -----------------------------------------------------------------------------
    def _batched_view(self, values: np.ndarray) -> np.ndarray:
        return values if self.batched else values[:, None, ...]

    def _last_finite_index(self) -> np.ndarray:
        loss = self._batched_view(self.loss)  # (steps + 1, B)
        finite = np.isfinite(loss)
        last = loss.shape[0] - 1 - np.argmax(finite[::-1], axis=0)
        return np.where(finite.any(axis=0), last, 0)

    @property
    def final_xy(self) -> np.ndarray:
        """The last position at which the function was defined ((2,) or (B, 2))."""
        xy = self._batched_view(self.xy)
        index = self._last_finite_index()
        return self._per_run(xy[index, np.arange(xy.shape[1])])

    @property
    def final_loss(self) -> Any:
        """The loss at `final_xy` (NaN if the start itself was undefined)."""
        loss = self._batched_view(self.loss)
        index = self._last_finite_index()
        values = loss[index, np.arange(loss.shape[1])]
        return self._per_run(values) if self.batched else float(values[0])

    def distance_to_minimum(self) -> np.ndarray:
        """Distance to the nearest known minimum at every step ((steps + 1, [B]))."""
        return self.surface.distance_to_nearest_minimum(self.xy)

    def steps_to_tolerance(self, tol: float, minima: Any = None) -> Any:
        """First step t whose position is within `tol` of a known minimum (Euclidean distance).

        `minima` overrides the surface's list. None (one run) or −1 (batch) when never reached, or when
        the surface lists no minima.
        """
        if minima is None:
            distance = self.distance_to_minimum()
        else:
            points = np.asarray(minima, dtype=np.float64).reshape(-1, 2)
            distance = np.sqrt(((self.xy[..., None, :] - points) ** 2).sum(-1)).min(-1)
        distance = self._batched_view(distance)
        with np.errstate(invalid="ignore"):
            inside = distance <= tol
        first = np.where(inside.any(axis=0), np.argmax(inside, axis=0), -1)
        if self.batched:
            return first
        return None if first[0] < 0 else int(first[0])

    def first_steps(self, steps: int) -> Trajectory:
        """The first `steps` steps of this run (a stop later than that is forgotten): exactly the run of
        `steps` steps from the same start, with the same noise."""
        if steps == self.steps:
            return self
        if not 0 <= steps <= self.steps:
            raise ValueError(f"steps must be between 0 and {self.steps}, got {steps}")
        stopped_at = self.stopped_at.copy()
        stop_reasons = self.stop_reasons.copy()
        later = stopped_at > steps
        stopped_at[later] = -1
        stop_reasons[later] = None
        return replace(
            self,
            xy=self.xy[: steps + 1],
            loss=self.loss[: steps + 1],
            grad=self.grad[:steps],
            replay=self.replay.first_steps(steps, stopped_at),
            stopped_at=stopped_at,
            stop_reasons=stop_reasons,
            extra={},
        )

    def run(self, index: int) -> Trajectory:
        """The index-th run of a batch, as an unbatched Trajectory, in arrays of its own.

        Copies, not views of the batch's columns: a view would keep the whole batch alive for as long as
        the run is kept (ui/runs.py caches single runs split from batches of 7).
        """
        if not self.batched:
            raise ValueError("run(index) needs a batched trajectory")
        return Trajectory(
            optimizer=self.optimizer,
            surface=self.surface,
            xy=self.xy[:, index].copy(),
            loss=self.loss[:, index].copy(),
            grad=self.grad[:, index].copy(),
            replay=self.replay.select(index),
            stopped_at=self.stopped_at[index : index + 1],
            stop_reasons=self.stop_reasons[index : index + 1],
            batched=False,
            backend=self.backend,
            device=self.device,
        )


def storage_view(values: np.ndarray, batched: bool) -> np.ndarray:
    """The engine's (T, 2, B) storage seen as (T, B, 2), or (T, 2) for a single run: a view, no copy."""
    values = values.swapaxes(1, 2)
    return values if batched else values[:, 0]


@dataclass(frozen=True, eq=False)
class Outcome:
    """The result of a sweep: one entry per run, no per-step history.

    final_loss (B,), final_xy (B, 2): at the last step the function was defined.
    steps_to_tolerance (B,): first step within `tol` of a known minimum, −1 if never.
    diverged_at (B,): step at which the run stopped (diverged or left the domain), −1 if never.
    """

    final_loss: np.ndarray
    final_xy: np.ndarray
    steps_to_tolerance: np.ndarray
    diverged_at: np.ndarray
    tol: float
    steps: int
    backend: str = "numpy"
    device: str = "cpu"
