"""The current surface: a catalog entry or a typed function, compiled once and cached.

A typed function that does not parse leaves the previous surface in place; the parser's message is
returned so the sidebar can show it right under the text box.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import streamlit as st

from ui import limits, state

LAST_GOOD_SURFACE = "_last_good_surface_id"  # session-state key: the surface shown while input is bad
CUSTOM_PREFIX = "custom:"  # "custom:<text>": a typed function in its suggested box
BOXED_PREFIX = "custom["  # "custom[x_min,x_max,y_min,y_max]:<text>": in a box the user chose
Box = tuple[tuple[float, float], tuple[float, float]]


def parse_box(text: str) -> Box | None:
    """ "x_min, x_max, y_min, y_max" as a box; None for an empty text. ValueError says what is wrong."""
    if not text.strip():
        return None
    parts = [part.strip() for part in text.replace(";", ",").split(",")]
    if len(parts) != 4:
        raise ValueError("the plot box needs four numbers: x_min, x_max, y_min, y_max")
    try:
        x_min, x_max, y_min, y_max = (float(part) for part in parts)
    except ValueError:
        raise ValueError("the plot box takes plain numbers, such as -3, 3, -2, 2") from None
    values = (x_min, x_max, y_min, y_max)
    if not all(math.isfinite(v) and abs(v) <= limits.START_LIMIT for v in values):
        raise ValueError(f"the plot box must lie within ±{limits.START_LIMIT:g}")
    if not (x_min < x_max and y_min < y_max):
        raise ValueError("the plot box needs x_min < x_max and y_min < y_max")
    return (x_min, x_max), (y_min, y_max)


def typed_surface_id(text: str, box: Box | None) -> str:
    """The id of a typed function, with the user's box when there is one."""
    if box is None:
        return CUSTOM_PREFIX + text
    (x_min, x_max), (y_min, y_max) = box
    return f"{BOXED_PREFIX}{x_min!r},{x_max!r},{y_min!r},{y_max!r}]:{text}"


@st.cache_resource(max_entries=limits.SURFACE_CACHE_ENTRIES, show_spinner=False)
def _typed_surface(text: str, box: Box | None = None) -> Any:
    """parse_surface(text, box), compiled once per text and box (lambdified callables cannot be pickled,
    so cache_resource, keyed on them). Errors are raised, never cached."""
    from surfaces import parse_surface

    surface = parse_surface(text, domain=box)
    surface.f(0.0, 0.0)  # compile now, inside the cache, not on the first rerun that draws it
    surface.grad(0.0, 0.0)
    return surface


def surface_for(surface_id: str) -> Any:
    """The Surface for an id: a catalog key, or a typed function's id (see `typed_surface_id`)."""
    if surface_id.startswith(CUSTOM_PREFIX):
        return _typed_surface(surface_id[len(CUSTOM_PREFIX) :])
    if surface_id.startswith(BOXED_PREFIX):
        box_text, text = surface_id[len(BOXED_PREFIX) :].split("]:", 1)
        return _typed_surface(text, parse_box(box_text))
    from surfaces import get_surface

    return get_surface(surface_id)


@dataclass(frozen=True)
class SurfaceChoice:
    surface: Any
    surface_id: str
    error: str | None = None  # why the typed function was refused (the previous surface stays)


def resolve_current_surface() -> SurfaceChoice:
    """The surface the controls ask for, or the last good one with the reason the new one was refused."""
    wanted = state.get(state.SURFACE)
    error = None
    if wanted == state.CUSTOM:
        text = str(state.get(state.EXPRESSION)).strip()
        try:
            if len(text) > limits.MAX_EXPRESSION_CHARS:
                raise ValueError(f"at most {limits.MAX_EXPRESSION_CHARS} characters, please")
            surface_id = typed_surface_id(text, parse_box(str(state.get(state.DOMAIN))))
            surface = surface_for(surface_id)
        except ValueError as refusal:  # SurfaceError is a ValueError with a message meant for students
            error = str(refusal) or "this function cannot be used"
            surface_id = st.session_state.get(LAST_GOOD_SURFACE, state.DEFAULTS[state.SURFACE])
            surface = surface_for(surface_id)
    else:
        surface_id = str(wanted)
        try:
            surface = surface_for(surface_id)
        except KeyError:
            surface_id = state.DEFAULTS[state.SURFACE]
            surface = surface_for(surface_id)
    st.session_state[LAST_GOOD_SURFACE] = surface_id
    return SurfaceChoice(surface=surface, surface_id=surface_id, error=error)


def current_surface() -> Any:
    """The surface on screen now (after `sidebar()` ran on this page)."""
    return surface_for(st.session_state.get(LAST_GOOD_SURFACE, state.DEFAULTS[state.SURFACE]))
