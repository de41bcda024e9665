"""One run's settings as the UI holds them, and how they become an optimizer spec from optim_core.

The UI offers six choices: the core's five optimizers, plus "SGD + momentum" (torch's SGD with
momentum 0.9 by default), which the class learns as its own colour (viz.colors family "momentum").
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

CHOICES: dict[str, str] = {
    "sgd": "SGD",
    "momentum": "SGD + momentum",
    "adam": "Adam",
    "adabelief": "AdaBelief",
    "rmsprop": "RMSProp",
    "adagrad": "Adagrad",
}

# Which settings each choice uses (the editor shows only these).
FIELDS_USED: dict[str, tuple[str, ...]] = {
    "sgd": ("lr", "momentum", "nesterov"),
    "momentum": ("lr", "momentum", "nesterov"),
    "adam": ("lr", "beta1", "beta2", "eps", "amsgrad"),
    "adabelief": ("lr", "beta1", "beta2", "eps", "amsgrad", "rectify"),
    "rmsprop": ("lr", "alpha", "eps", "momentum", "centered"),
    "adagrad": ("lr", "eps"),
}


@dataclass(frozen=True)
class RunSettings:
    """Everything that defines one run's optimizer. Fields a choice does not use are ignored."""

    choice: str = "adam"
    lr: float = 1e-3
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    momentum: float = 0.0
    alpha: float = 0.99
    nesterov: bool = False
    amsgrad: bool = False
    rectify: bool = False
    centered: bool = False

    def to_optimizer(self) -> Any:
        """The optim_core spec; raises ValueError (naming the setting) for an invalid combination."""
        from optim_core import SGD, AdaBelief, Adagrad, Adam, RMSProp

        if self.choice in ("sgd", "momentum"):
            return SGD(lr=self.lr, momentum=self.momentum, nesterov=self.nesterov)
        if self.choice == "adam":
            return Adam(lr=self.lr, betas=(self.beta1, self.beta2), eps=self.eps, amsgrad=self.amsgrad)
        if self.choice == "adabelief":
            return AdaBelief(
                lr=self.lr,
                betas=(self.beta1, self.beta2),
                eps=self.eps,
                amsgrad=self.amsgrad,
                rectify=self.rectify,
            )
        if self.choice == "rmsprop":
            return RMSProp(
                lr=self.lr, alpha=self.alpha, eps=self.eps, momentum=self.momentum, centered=self.centered
            )
        if self.choice == "adagrad":
            return Adagrad(lr=self.lr, eps=self.eps)
        raise ValueError(f"unknown optimizer {self.choice!r}; choose one of {', '.join(CHOICES)}")

    def relevant(self) -> tuple[Any, ...]:
        """The settings that matter for this choice (a cache key: unused fields do not split the cache)."""
        return (self.choice, *(getattr(self, name) for name in FIELDS_USED[self.choice]))


def family_of(settings: RunSettings) -> str:
    """Colour family (viz.colors): the choice, except that SGD is "momentum" exactly when momentum > 0."""
    if settings.choice in ("sgd", "momentum"):
        return "momentum" if settings.momentum > 0 else "sgd"
    return settings.choice


def defaults_for(choice: str) -> RunSettings:
    """torch.optim's defaults for the choice.

    AdaBelief: eps 1e-16 and rectify off (the paper's Algorithm 2; DESIGN.md says why).
    """
    if choice == "sgd":
        return RunSettings(choice="sgd", lr=1e-2, momentum=0.0)
    if choice == "momentum":
        return RunSettings(choice="momentum", lr=1e-2, momentum=0.9)
    if choice == "adam":
        return RunSettings(choice="adam", lr=1e-3, eps=1e-8)
    if choice == "adabelief":
        return RunSettings(choice="adabelief", lr=1e-3, eps=1e-16)
    if choice == "rmsprop":
        return RunSettings(choice="rmsprop", lr=1e-2, eps=1e-8)
    if choice == "adagrad":
        return RunSettings(choice="adagrad", lr=1e-2, eps=1e-10)
    raise ValueError(f"unknown optimizer {choice!r}")


def with_lr(choice: str, lr: float, **changes: Any) -> RunSettings:
    """`defaults_for(choice)` with a learning rate and any other changes."""
    return replace(defaults_for(choice), lr=lr, **changes)


FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in fields(RunSettings))


def from_relevant(relevant: tuple[Any, ...]) -> RunSettings:
    """Inverse of `RunSettings.relevant()` (unused fields take their defaults)."""
    choice, *values = relevant
    return replace(defaults_for(choice), **dict(zip(FIELDS_USED[choice], values, strict=True)))
