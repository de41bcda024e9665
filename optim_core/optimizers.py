"""Optimizer specs: small immutable descriptions with torch.optim's keyword names and defaults.

A spec holds hyperparameters only; the maths lives in `optim_core.rules`. Any numeric hyperparameter
may be a numpy array of shape (B,) so that a sweep over lr or betas is one batched run.

    SGD(lr=1e-2, momentum=0, dampening=0, nesterov=False)
    Adam(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, amsgrad=False)
    AdaBelief(lr=1e-3, betas=(0.9, 0.999), eps=1e-16, amsgrad=False, rectify=False, degenerated_to_sgd=True)
    RMSProp(lr=1e-2, alpha=0.99, eps=1e-8, momentum=0, centered=False)
    Adagrad(lr=1e-2, lr_decay=0, eps=1e-10, initial_accumulator_value=0)

Invalid values raise ValueError naming the parameter; `dataclasses.replace` validates again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from types import SimpleNamespace
from typing import Any, ClassVar

import numpy as np

from optim_core import rules
from optim_core.backends import ArrayOps

Number = float | np.ndarray


def _as_values(value: Any) -> np.ndarray:
    return np.atleast_1d(np.asarray(value, dtype=np.float64))


def _check(name: str, value: Any, low: float, high: float | None = None, high_open: bool = True) -> None:
    """Raise ValueError unless every element of `value` is finite and within [low, high) (or [low, high])."""
    values = _as_values(value)
    if values.ndim != 1:
        raise ValueError(f"{name} must be a number or a 1-D array, got shape {np.shape(value)}")
    if not np.all(np.isfinite(values)):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if np.any(values < low):
        raise ValueError(f"{name} must be >= {low}, got {value!r}")
    if high is not None:
        too_high = values >= high if high_open else values > high
        if np.any(too_high):
            bracket = ")" if high_open else "]"
            raise ValueError(f"{name} must be in [{low}, {high}{bracket}, got {value!r}")


def _format(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"[{value.size} values]"
    return f"{value:g}"


@dataclass(frozen=True)
class Optimizer:
    """Base class of the specs. Subclasses set `name`, the rule functions and `numeric_fields`."""

    name: ClassVar[str] = ""
    display_name: ClassVar[str] = ""
    second_moment_symbol: ClassVar[str | None] = None
    numeric_fields: ClassVar[tuple[str, ...]] = ()
    update_rule: ClassVar[Callable[..., Any]]

    @property
    def family(self) -> str:
        """Colour family key (see viz.colors): the name, or "momentum" for SGD with momentum."""
        return self.name

    @property
    def label(self) -> str:
        return f"{self.display_name} (lr={_format(self.lr)})"  # type: ignore[attr-defined]

    def batch_size(self) -> int | None:
        """B when some hyperparameter is an array of shape (B,), else None."""
        sizes = {np.size(getattr(self, f)) for f in self.numeric_fields if np.ndim(getattr(self, f)) > 0}
        if len(sizes) > 1:
            raise ValueError(f"hyperparameter arrays of {self.name} have different lengths {sorted(sizes)}")
        return sizes.pop() if sizes else None

    def flat_hyperparameters(self) -> dict[str, Any]:
        """Hyperparameters with betas split into beta1 and beta2 (the names the rules use)."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        if "betas" in values:
            values["beta1"], values["beta2"] = values.pop("betas")
        return values

    def hyperparameters_on(self, ops: ArrayOps) -> SimpleNamespace:
        """The hyperparameters ready for a rule: floats stay floats, arrays become (B,) backend arrays.

        The engine keeps positions as (2, B) (one contiguous row per axis), so (B,) broadcasts per run.
        """
        values = self.flat_hyperparameters()
        for key, value in values.items():
            if isinstance(value, np.ndarray) and value.ndim > 0:
                values[key] = ops.asarray(value.reshape(-1))
            elif isinstance(value, np.ndarray | np.floating | np.integer) and not isinstance(value, bool):
                values[key] = float(value)
        return SimpleNamespace(**values)

    def init_state(self, params: Any, ops: ArrayOps) -> rules.State:
        raise NotImplementedError

    def update(self, hp: Any, state: rules.State, grad: Any, t: int, ops: ArrayOps) -> Any:
        return type(self).update_rule(hp, state, grad, t, ops)


def _normalise_betas(betas: Any) -> tuple[Any, Any]:
    if len(betas) != 2:
        raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}")
    return betas[0], betas[1]


@dataclass(frozen=True)
class SGD(Optimizer):
    """Stochastic gradient descent with optional (Nesterov) momentum, as torch.optim.SGD."""

    lr: Number = 1e-2
    momentum: Number = 0.0
    dampening: Number = 0.0
    nesterov: bool = False

    name: ClassVar[str] = "sgd"
    display_name: ClassVar[str] = "SGD"
    numeric_fields: ClassVar[tuple[str, ...]] = ("lr", "momentum", "dampening")
    update_rule = staticmethod(rules.sgd_update)

    def __post_init__(self) -> None:
        _check("lr", self.lr, 0.0)
        _check("momentum", self.momentum, 0.0)
        _check("dampening", self.dampening, 0.0, 1.0, high_open=False)
        if self.nesterov and (
            np.any(_as_values(self.momentum) <= 0) or np.any(_as_values(self.dampening) != 0)
        ):
            raise ValueError("nesterov requires momentum > 0 and dampening = 0")

    @property
    def family(self) -> str:
        return "momentum" if np.any(_as_values(self.momentum) > 0) else "sgd"

    @property
    def label(self) -> str:
        text = f"SGD (lr={_format(self.lr)}"
        if np.any(_as_values(self.momentum) > 0):
            text += f", momentum={_format(self.momentum)}" + (", Nesterov" if self.nesterov else "")
        return text + ")"

    def init_state(self, params: Any, ops: ArrayOps) -> rules.State:
        return rules.sgd_init(params, ops)


@dataclass(frozen=True)
class Adam(Optimizer):
    """Adam (Kingma & Ba), as torch.optim.Adam, with the AMSGrad variant."""

    lr: Number = 1e-3
    betas: tuple[Number, Number] = (0.9, 0.999)
    eps: Number = 1e-8
    amsgrad: bool = False

    name: ClassVar[str] = "adam"
    display_name: ClassVar[str] = "Adam"
    second_moment_symbol: ClassVar[str | None] = "v"
    numeric_fields: ClassVar[tuple[str, ...]] = ("lr", "beta1", "beta2", "eps")
    update_rule = staticmethod(rules.adam_update)

    def __post_init__(self) -> None:
        _validate_adaptive(self)

    @property
    def beta1(self) -> Number:
        return self.betas[0]

    @property
    def beta2(self) -> Number:
        return self.betas[1]

    def init_state(self, params: Any, ops: ArrayOps) -> rules.State:
        return rules.adam_init(params, ops)


def _validate_adaptive(spec: Any) -> None:
    object.__setattr__(spec, "betas", _normalise_betas(spec.betas))
    _check("lr", spec.lr, 0.0)
    _check("beta1", spec.betas[0], 0.0, 1.0)
    _check("beta2", spec.betas[1], 0.0, 1.0)
    _check("eps", spec.eps, 0.0)


@dataclass(frozen=True)
class AdaBelief(Optimizer):
    """AdaBelief (Zhuang et al., NeurIPS 2020), as the official adabelief-pytorch 0.2.1.

    rectify defaults to False here (the paper's Algorithm 2); the official package defaults to True.
    """

    lr: Number = 1e-3
    betas: tuple[Number, Number] = (0.9, 0.999)
    eps: Number = 1e-16
    amsgrad: bool = False
    rectify: bool = False
    degenerated_to_sgd: bool = True

    name: ClassVar[str] = "adabelief"
    display_name: ClassVar[str] = "AdaBelief"
    second_moment_symbol: ClassVar[str | None] = "s"
    numeric_fields: ClassVar[tuple[str, ...]] = ("lr", "beta1", "beta2", "eps")
    update_rule = staticmethod(rules.adabelief_update)

    def __post_init__(self) -> None:
        _validate_adaptive(self)

    beta1 = Adam.beta1
    beta2 = Adam.beta2

    def init_state(self, params: Any, ops: ArrayOps) -> rules.State:
        return rules.adabelief_init(params, ops)


@dataclass(frozen=True)
class RMSProp(Optimizer):
    """RMSProp, as torch.optim.RMSprop (optionally centered, with momentum)."""

    lr: Number = 1e-2
    alpha: Number = 0.99
    eps: Number = 1e-8
    momentum: Number = 0.0
    centered: bool = False

    name: ClassVar[str] = "rmsprop"
    display_name: ClassVar[str] = "RMSProp"
    second_moment_symbol: ClassVar[str | None] = "v"
    numeric_fields: ClassVar[tuple[str, ...]] = ("lr", "alpha", "eps", "momentum")
    update_rule = staticmethod(rules.rmsprop_update)

    def __post_init__(self) -> None:
        _check("lr", self.lr, 0.0)
        _check("alpha", self.alpha, 0.0, 1.0, high_open=False)
        _check("eps", self.eps, 0.0)
        _check("momentum", self.momentum, 0.0)

    def init_state(self, params: Any, ops: ArrayOps) -> rules.State:
        return rules.rmsprop_init(params, ops)


@dataclass(frozen=True)
class Adagrad(Optimizer):
    """Adagrad, as torch.optim.Adagrad."""

    lr: Number = 1e-2
    lr_decay: Number = 0.0
    eps: Number = 1e-10
    initial_accumulator_value: Number = 0.0

    name: ClassVar[str] = "adagrad"
    display_name: ClassVar[str] = "Adagrad"
    second_moment_symbol: ClassVar[str | None] = "v"
    numeric_fields: ClassVar[tuple[str, ...]] = ("lr", "lr_decay", "eps", "initial_accumulator_value")
    update_rule = staticmethod(rules.adagrad_update)

    def __post_init__(self) -> None:
        _check("lr", self.lr, 0.0)
        _check("lr_decay", self.lr_decay, 0.0)
        _check("eps", self.eps, 0.0)
        _check("initial_accumulator_value", self.initial_accumulator_value, 0.0)

    def init_state(self, params: Any, ops: ArrayOps) -> rules.State:
        initial = self.initial_accumulator_value
        if isinstance(initial, np.ndarray) and initial.ndim > 0:
            initial = ops.asarray(initial.reshape(-1))
        return rules.adagrad_init(params, ops, initial)


OPTIMIZERS: dict[str, type[Optimizer]] = {cls.name: cls for cls in (SGD, Adam, AdaBelief, RMSProp, Adagrad)}
