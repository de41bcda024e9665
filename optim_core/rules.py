"""The update rules, each written once for every backend.

Every rule is a pure function

    rule(hp, state, grad, t, ops) -> (new_state, StepRecord)

where `hp` holds the hyperparameters (Python floats, or backend arrays of shape (B,) for a sweep),
`state` is a dict of backend arrays of shape (2, B) (a row per axis), `grad` is g_t, `t` is the step
number (1, 2, ...; a Python int, or a 0-d tensor inside a compiled kernel)
and `ops` is an `ArrayOps` namespace (numpy or torch). Only operators and `ops` functions are used, so
the same source serves numpy, torch on any device, and scalar bias-correction arithmetic.

The order of floating-point operations follows the reference implementations (torch.optim and
adabelief-pytorch 0.2.1), so results agree to ~1e-15 relative per step; see DESIGN.md.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from optim_core.backends import ArrayOps

State = dict[str, Any]


@dataclass(frozen=True)
class StepRecord:
    """What one step did, per axis (each (2, B) or broadcastable to it).

    update: the displacement applied to the parameters, θ_t − θ_{t−1}.
    m: what the step moves along: the first moment m_t (Adam, AdaBelief), the momentum direction (SGD:
        the buffer, g_t + μ b_t with Nesterov, g_t without momentum), g_t (Adagrad, RMSProp without
        momentum) or denom · b_t (RMSProp with momentum).
    second_moment: v_t (Adam, RMSProp, Adagrad) or s_t (AdaBelief); NaN for SGD.
    denom: the denominator actually divided by (bias correction and eps included); 1 for SGD.
    step_size: the effective per-axis learning rate. For every rule, update = −step_size · m.
    """

    update: Any
    m: Any
    second_moment: Any
    denom: Any
    step_size: Any


# The field names as a constant (torch.compile cannot trace dataclasses.fields).
STEP_FIELDS = tuple(f.name for f in fields(StepRecord))


# ---------------------------------------------------------------------------------------------
# SGD
# ---------------------------------------------------------------------------------------------
def sgd_init(params: Any, ops: ArrayOps) -> State:
    return {"momentum_buffer": ops.zeros_like(params)}


def sgd_update(hp: Any, state: State, grad: Any, t: int, ops: ArrayOps) -> tuple[State, StepRecord]:
    """SGD with momentum, dampening and Nesterov, as torch.optim.SGD (weight decay 0).

    b_1 = g_1;   b_t = μ b_{t−1} + (1 − τ) g_t            (momentum μ, dampening τ)
    d_t = g_t + μ b_t  (Nesterov)   |   b_t  (μ > 0)   |   g_t  (μ = 0)
    θ_t = θ_{t−1} − lr · d_t
    """
    momentum = hp.momentum
    # torch clones g on the first step: no dampening factor.
    buffer = ops.where(t == 1, grad, state["momentum_buffer"] * momentum + grad * (1 - hp.dampening))
    if hp.nesterov:
        direction = grad + buffer * momentum
    else:
        direction = buffer
    # μ = 0 keeps no buffer in torch: the direction is the raw gradient.
    direction = ops.where(momentum != 0, direction, grad)
    update = direction * (-hp.lr)
    record = StepRecord(update=update, m=direction, second_moment=float("nan"), denom=1.0, step_size=hp.lr)
    return {"momentum_buffer": buffer}, record


# ---------------------------------------------------------------------------------------------
# Adam
# ---------------------------------------------------------------------------------------------
def adam_init(params: Any, ops: ArrayOps) -> State:
    # Distinct arrays, never one shared zeros array: aliasing would make torch.compile recompile.
    return {"m": ops.zeros_like(params), "v": ops.zeros_like(params), "v_max": ops.zeros_like(params)}


def adam_update(hp: Any, state: State, grad: Any, t: int, ops: ArrayOps) -> tuple[State, StepRecord]:
    """Adam, as torch.optim.Adam (weight decay 0).

    m_t = β1 m_{t−1} + (1 − β1) g_t             (computed as torch does: m + (1 − β1)(g − m))
    v_t = β2 v_{t−1} + (1 − β2) g_t²            (AMSGrad: v̄_t = max(v̄_{t−1}, v_t) below)
    denom_t = √v_t / √(1 − β2^t) + ε            (ε outside the square root, after bias correction)
    θ_t = θ_{t−1} − lr / (1 − β1^t) · m_t / denom_t
    """
    beta1, beta2 = hp.beta1, hp.beta2
    m = state["m"] + (grad - state["m"]) * (1 - beta1)
    v = state["v"] * beta2 + grad * grad * (1 - beta2)
    bias_correction1 = 1 - ops.power(beta1, t)
    bias_correction2_sqrt = ops.sqrt(1 - ops.power(beta2, t))
    v_max = ops.maximum(state["v_max"], v) if hp.amsgrad else state["v_max"]
    used = v_max if hp.amsgrad else v
    denom = ops.sqrt(used) / bias_correction2_sqrt + hp.eps
    step_size = hp.lr / bias_correction1
    update = m / denom * (-step_size)
    record = StepRecord(update=update, m=m, second_moment=v, denom=denom, step_size=step_size / denom)
    return {"m": m, "v": v, "v_max": v_max}, record


# ---------------------------------------------------------------------------------------------
# AdaBelief
# ---------------------------------------------------------------------------------------------
def adabelief_init(params: Any, ops: ArrayOps) -> State:
    return {"m": ops.zeros_like(params), "s": ops.zeros_like(params), "s_max": ops.zeros_like(params)}


def rectified_step_size(beta1: Any, beta2: Any, t: int, degenerated_to_sgd: bool, ops: ArrayOps) -> tuple:
    """RAdam's rectification as in adabelief-pytorch 0.2.1: (adaptive?, step multiplier r_t).

    ρ_∞ = 2 / (1 − β2) − 1,   ρ_t = ρ_∞ − 2 t β2^t / (1 − β2^t)
    ρ_t ≥ 5:  adaptive step,
              r_t = √((1 − β2^t)(ρ_t − 4)(ρ_t − 2) ρ_∞ / ((ρ_∞ − 4) ρ_t (ρ_∞ − 2))) / (1 − β1^t)
    ρ_t < 5:  an SGD-with-momentum step with r_t = 1 / (1 − β1^t), or no step (r_t = −1)
              when degenerated_to_sgd is False.
    """
    beta2_t = ops.power(beta2, t)
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * t * beta2_t / (1 - beta2_t)
    adaptive = rho_t >= 5
    # Guard the square root so the branch not taken cannot produce a NaN (or a Python error).
    safe_rho = ops.where(adaptive, rho_t, 5.0)
    adaptive_size = ops.sqrt(
        (1 - beta2_t) * (safe_rho - 4) / (rho_inf - 4) * (safe_rho - 2) / safe_rho * rho_inf / (rho_inf - 2)
    ) / (1 - ops.power(beta1, t))
    sgd_size = 1.0 / (1 - ops.power(beta1, t)) if degenerated_to_sgd else -1.0
    return adaptive, ops.where(adaptive, adaptive_size, sgd_size)


def adabelief_update(hp: Any, state: State, grad: Any, t: int, ops: ArrayOps) -> tuple[State, StepRecord]:
    """AdaBelief, as the official adabelief-pytorch 0.2.1 (weight decay 0).

        m_t = β1 m_{t−1} + (1 − β1) g_t
        s_t = β2 s_{t−1} + (1 − β2) (g_t − m_t)² + ε     (the NEW m_t; ε is stored and accumulates)
        (AMSGrad: s̄_t = max(s̄_{t−1}, s_t) below)
        denom_t = √s_t / √(1 − β2^t) + ε                 (ε a second time)
        θ_t = θ_{t−1} − lr / (1 − β1^t) · m_t / denom_t

    With rectify=True (RAdam's rectification) the step is lr · r_t · m_t / (√s_t + ε) once ρ_t ≥ 5, and
    before that lr · r_t · m_t (an SGD-with-momentum step), see `rectified_step_size`.
    """
    beta1, beta2 = hp.beta1, hp.beta2
    m = state["m"] * beta1 + grad * (1 - beta1)
    residual = grad - m
    s = state["s"] * beta2 + residual * residual * (1 - beta2) + hp.eps
    bias_correction1 = 1 - ops.power(beta1, t)
    bias_correction2_sqrt = ops.sqrt(1 - ops.power(beta2, t))
    s_max = ops.maximum(state["s_max"], s) if hp.amsgrad else state["s_max"]
    used = s_max if hp.amsgrad else s
    if not hp.rectify:
        denom = ops.sqrt(used) / bias_correction2_sqrt + hp.eps
        step_size = hp.lr / bias_correction1
        update = m / denom * (-step_size)
        per_axis_step = step_size / denom
    else:
        adaptive, multiplier = rectified_step_size(beta1, beta2, t, hp.degenerated_to_sgd, ops)
        # The official code divides by the (non-max) s_t without bias correction once ρ_t ≥ 5.
        rectified_denom = ops.sqrt(s) + hp.eps
        scale = multiplier * hp.lr
        adaptive_update = m / rectified_denom * (-scale)
        sgd_update_ = ops.where(multiplier > 0, m * (-scale), m * 0.0)
        update = ops.where(adaptive, adaptive_update, sgd_update_)
        denom = ops.where(adaptive, rectified_denom, 1.0 + 0.0 * rectified_denom)
        per_axis_step = ops.where(multiplier > 0, scale / denom, 0.0 * denom)
    record = StepRecord(update=update, m=m, second_moment=s, denom=denom, step_size=per_axis_step)
    return {"m": m, "s": s, "s_max": s_max}, record


# ---------------------------------------------------------------------------------------------
# RMSProp
# ---------------------------------------------------------------------------------------------
def rmsprop_init(params: Any, ops: ArrayOps) -> State:
    return {
        "v": ops.zeros_like(params),
        "grad_average": ops.zeros_like(params),
        "momentum_buffer": ops.zeros_like(params),
    }


def rmsprop_update(hp: Any, state: State, grad: Any, t: int, ops: ArrayOps) -> tuple[State, StepRecord]:
    """RMSProp, as torch.optim.RMSprop (weight decay 0).

    v_t = α v_{t−1} + (1 − α) g_t²
    centered:  ḡ_t = α ḡ_{t−1} + (1 − α) g_t,   denom_t = √(v_t − ḡ_t²) + ε;   else denom_t = √v_t + ε
    momentum μ > 0:  b_t = μ b_{t−1} + g_t / denom_t,   θ_t = θ_{t−1} − lr · b_t
    else:            θ_t = θ_{t−1} − lr · g_t / denom_t
    """
    alpha = hp.alpha
    v = state["v"] * alpha + grad * grad * (1 - alpha)
    if hp.centered:
        grad_average = state["grad_average"] + (grad - state["grad_average"]) * (1 - alpha)
        denom = ops.sqrt(v - grad_average * grad_average) + hp.eps
    else:
        grad_average = state["grad_average"]
        denom = ops.sqrt(v) + hp.eps
    buffer = state["momentum_buffer"] * hp.momentum + grad / denom
    update = ops.where(hp.momentum > 0, buffer * (-hp.lr), grad / denom * (-hp.lr))
    m = ops.where(hp.momentum > 0, buffer * denom, grad)
    record = StepRecord(update=update, m=m, second_moment=v, denom=denom, step_size=hp.lr / denom)
    return {"v": v, "grad_average": grad_average, "momentum_buffer": buffer}, record


# ---------------------------------------------------------------------------------------------
# Adagrad
# ---------------------------------------------------------------------------------------------
def adagrad_init(params: Any, ops: ArrayOps, initial_accumulator_value: Any = 0.0) -> State:
    return {"v": ops.zeros_like(params) + initial_accumulator_value}


def adagrad_update(hp: Any, state: State, grad: Any, t: int, ops: ArrayOps) -> tuple[State, StepRecord]:
    """Adagrad, as torch.optim.Adagrad (weight decay 0).

    lr_t = lr / (1 + (t − 1) · lr_decay)
    v_t = v_{t−1} + g_t²              (v_0 = initial_accumulator_value)
    θ_t = θ_{t−1} − lr_t · g_t / (√v_t + ε)
    """
    decayed_lr = hp.lr / (1 + (t - 1) * hp.lr_decay)
    v = state["v"] + grad * grad
    denom = ops.sqrt(v) + hp.eps
    update = grad / denom * (-decayed_lr)
    record = StepRecord(update=update, m=grad, second_moment=v, denom=denom, step_size=decayed_lr / denom)
    return {"v": v}, record
