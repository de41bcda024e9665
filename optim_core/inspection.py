"""One step of a recorded run, in the paper's symbols: what the denominators page's inspector shows.

For a `Trajectory` and a step t (1-based, as in the paper), `step_values` gathers per axis

    g_t, m_t, v_t or s_t, the bias-corrected v̂_t = v_t / (1 − β2^t) (ŝ_t likewise),
    the denominator actually divided by, the effective step size, the update Δθ_t,

and the scalars that enter the update formula (lr, β1, β2, ε, the bias corrections). The engine already
recorded every one of these (nothing is recomputed); only v̂_t is derived, for the display.
The identity the inspector writes out holds for every optimizer and variant:

    Δθ_t = − step_size_t · m_t        (step_size_t = lr · (1 / (1 − β1^t)) / denom_t; lr for SGD)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np


def _scalar(value: Any) -> float | None:
    """A hyperparameter as a float, or None when it is an array (a sweep, not a single run)."""
    if isinstance(value, np.ndarray) and value.ndim > 0:
        return None
    return float(value)


def corrected_second_moment(trajectory: Any) -> np.ndarray:
    """v̂_t (Adam), ŝ_t (AdaBelief): second_moment / (1 − β2^t); v_t unchanged for RMSProp and Adagrad;
    NaN for SGD. Shape (steps, [B,] 2)."""
    optimizer = trajectory.optimizer
    moment = trajectory.second_moment
    if optimizer.name not in ("adam", "adabelief"):
        return moment.copy()
    beta2 = np.asarray(optimizer.betas[1], dtype=np.float64)
    t = np.arange(1, moment.shape[0] + 1, dtype=np.float64)
    if moment.ndim == 3:  # a batch (steps, B, 2): β2 may be one value per run (B,)
        beta2 = beta2.reshape(1, -1, 1) if beta2.ndim else beta2
        t = t[:, None, None]
    else:
        t = t[:, None]
    correction = 1.0 - beta2**t
    return moment / correction


@dataclass(frozen=True)
class StepValues:
    """Everything step t did, per axis (arrays of shape (2,): x then y)."""

    optimizer_name: str
    symbol: str | None  # "v", "s", or None for SGD
    t: int
    position_before: np.ndarray
    position_after: np.ndarray
    grad: np.ndarray
    m: np.ndarray
    second_moment: np.ndarray
    second_moment_hat: np.ndarray
    denom: np.ndarray
    step_size: np.ndarray
    update: np.ndarray
    lr: float | None
    beta1: float | None
    beta2: float | None
    eps: float | None
    variant: str  # "" or a note such as "AMSGrad" / "rectified" / "momentum 0.9" that changes the formula

    @property
    def bias_correction1(self) -> float | None:
        return None if self.beta1 is None else 1.0 - self.beta1**self.t

    @property
    def bias_correction2(self) -> float | None:
        return None if self.beta2 is None else 1.0 - self.beta2**self.t

    @property
    def defined(self) -> bool:
        """False once the run had stopped (diverged or left the domain) before this step."""
        return bool(np.all(np.isfinite(self.update)))


def _variant(optimizer: Any) -> str:
    notes = []
    if getattr(optimizer, "amsgrad", False):
        notes.append("AMSGrad")
    if getattr(optimizer, "rectify", False):
        notes.append("rectified")
    if optimizer.name in ("sgd", "rmsprop") and float(np.max(optimizer.momentum)) > 0:
        notes.append(f"momentum {float(np.max(optimizer.momentum)):g}")
    if getattr(optimizer, "nesterov", False):
        notes.append("Nesterov")
    if getattr(optimizer, "centered", False):
        notes.append("centered")
    if optimizer.name == "adagrad" and float(np.max(optimizer.lr_decay)) > 0:
        notes.append("lr decay")
    return ", ".join(notes)


def step_values(trajectory: Any, t: int) -> StepValues:
    """The inspector's numbers for step t (1 ≤ t ≤ steps) of a single (unbatched) run."""
    if trajectory.batched:
        raise ValueError("step_values needs a single run, not a batch")
    if not (isinstance(t, int | np.integer) and 1 <= t <= trajectory.steps):
        raise ValueError(f"the step must be between 1 and {trajectory.steps}, got {t!r}")
    optimizer = trajectory.optimizer
    index = int(t) - 1
    betas = getattr(optimizer, "betas", None)
    beta1 = _scalar(betas[0]) if betas is not None else None
    beta2 = _scalar(betas[1]) if betas is not None else None
    if optimizer.name == "rmsprop":
        beta2 = _scalar(optimizer.alpha)
    eps = _scalar(optimizer.eps) if hasattr(optimizer, "eps") else None
    lr = _scalar(optimizer.lr)
    return StepValues(
        optimizer_name=optimizer.name,
        symbol=optimizer.second_moment_symbol,
        t=int(t),
        position_before=trajectory.xy[index].copy(),
        position_after=trajectory.xy[index + 1].copy(),
        grad=trajectory.grad[index].copy(),
        m=trajectory.m[index].copy(),
        second_moment=trajectory.second_moment[index].copy(),
        second_moment_hat=corrected_second_moment(trajectory)[index].copy(),
        denom=np.broadcast_to(trajectory.denom[index], (2,)).copy(),
        step_size=np.broadcast_to(trajectory.step_size[index], (2,)).copy(),
        update=trajectory.update[index].copy(),
        lr=lr,
        beta1=beta1 if optimizer.name in ("adam", "adabelief") else None,
        beta2=beta2,
        eps=eps,
        variant=_variant(optimizer),
    )


def update_direction_degrees(update: np.ndarray) -> float:
    """The direction of an update (2,) in degrees from the +x axis (NaN for a zero or undefined update)."""
    if not np.all(np.isfinite(update)) or not np.any(update):
        return math.nan
    return float(np.degrees(np.arctan2(update[1], update[0])))
