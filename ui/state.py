"""The session-state keys of the shared controls, their defaults, and typed readers.

Every shared control is a widget with a fixed key that doubles as its URL query parameter
(`bind="query-params"`), so the key names are short and stable: they are part of every shared link.
A value equal to the widget's default is left out of the URL, so the defaults here must never depend
on anything but the key itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from ui import limits
from ui.run_settings import FIELD_NAMES, RunSettings, with_lr

# -- shared controls (URL names) --------------------------------------------------------------------
SURFACE = "surface"  # catalog key, or CUSTOM for a typed function
EXPRESSION = "expr"  # the typed function's text
DOMAIN = "box"  # the typed function's plotting box "x_min, x_max, y_min, y_max" ("" = suggested)
STEPS = "steps"
START_X = "x0"
START_Y = "y0"
NOISE = "noise"  # gradient noise σ
SEED = "seed"
RUN_COUNT = "runs"
VIEW = "view"  # "map" or "3d"
TOLERANCE = "tol"  # distance that counts as "reached the minimum" in the results table

CUSTOM = "custom"

DEFAULTS: dict[str, Any] = {
    SURFACE: "beale",
    EXPRESSION: "x**2 + 3*y**2",
    DOMAIN: "",
    STEPS: 500,
    START_X: 1.0,
    START_Y: 1.5,
    NOISE: 0.0,
    SEED: 0,
    RUN_COUNT: 3,
    VIEW: "map",
    TOLERANCE: 1e-2,
}

# The default race: plain SGD against Adam and AdaBelief on Beale, each at a learning rate that works.
DEFAULT_RUNS: tuple[RunSettings, ...] = (
    with_lr("sgd", 1e-2),
    with_lr("adam", 5e-2),
    with_lr("adabelief", 5e-2),
)
# Runs added beyond the default ones start as Adam with torch's defaults.
EXTRA_RUN = with_lr("adam", 1e-3)

# -- per-run controls: key r{i}_{short name} ------------------------------------------------------------
RUN_FIELD_KEYS: dict[str, str] = {
    "choice": "opt",
    "lr": "lr",
    "beta1": "b1",
    "beta2": "b2",
    "eps": "eps",
    "momentum": "mom",
    "alpha": "alpha",
    "nesterov": "nest",
    "amsgrad": "ams",
    "rectify": "rect",
    "centered": "cent",
}
assert set(RUN_FIELD_KEYS) == set(FIELD_NAMES)


def run_key(index: int, field: str) -> str:
    """Session-state / URL key of one run's setting, e.g. run_key(1, "lr") == "r1_lr"."""
    return f"r{index}_{RUN_FIELD_KEYS[field]}"


def default_run(index: int) -> RunSettings:
    """The settings run `index` has when nothing else says otherwise (the widgets' defaults)."""
    return DEFAULT_RUNS[index] if index < len(DEFAULT_RUNS) else EXTRA_RUN


def eps_text(value: float) -> str:
    """ε as its widget holds it: a power of ten as text ("1e-16"). Streamlit compares float options with
    an absolute tolerance, so 1e-16 and 1e-20 would count as equal; text options cannot collide."""
    return f"{value:.0e}"


def to_widget(field: str, value: Any) -> Any:
    """A RunSettings value as the widget for `field` holds it."""
    return eps_text(value) if field == "eps" else value


def from_widget(field: str, value: Any) -> Any:
    """The inverse of `to_widget`."""
    return float(value) if field == "eps" else value


def run_default_value(index: int, field: str) -> Any:
    """The widget default of run `index`'s `field` (in the widget's own representation)."""
    return to_widget(field, getattr(default_run(index), field))


def all_keys() -> list[str]:
    """Every key a shared control may use (for reset and for keeping values across page switches)."""
    keys = list(DEFAULTS)
    keys += [run_key(i, field) for i in range(limits.MAX_RUNS) for field in FIELD_NAMES]
    return keys


def get(key: str) -> Any:
    """Current value of a shared control, or its default when the widget has not been drawn yet."""
    if key in st.session_state:
        return st.session_state[key]
    return DEFAULTS[key]


def run_count() -> int:
    return int(min(max(int(get(RUN_COUNT)), 1), limits.MAX_RUNS))


def run_settings(index: int) -> RunSettings:
    """Run `index`'s settings from session state (defaults for anything not set)."""
    values = {}
    for field in FIELD_NAMES:
        key = run_key(index, field)
        value = st.session_state[key] if key in st.session_state else run_default_value(index, field)
        values[field] = from_widget(field, value)
    return RunSettings(**values)


@dataclass(frozen=True)
class SharedSettings:
    """The controls every run shares."""

    steps: int
    start: tuple[float, float]
    noise: float
    seed: int


def shared_settings() -> SharedSettings:
    return _shared_from(get)


def default_shared_settings() -> SharedSettings:
    """The shared controls at their defaults (a first visit's), read without a session."""
    return _shared_from(DEFAULTS.__getitem__)


def _shared_from(value_of: Callable[[str], Any]) -> SharedSettings:
    return SharedSettings(
        steps=int(value_of(STEPS)),
        start=(float(value_of(START_X)), float(value_of(START_Y))),
        noise=float(value_of(NOISE)),
        seed=int(value_of(SEED)),
    )
