"""The current surface: a catalog entry or a typed function, compiled once and cached.

A typed function that does not parse leaves the previous surface in place; the parser's message is
returned so the sidebar can show it right under the text box.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st

from ui import limits, state

LAST_GOOD_SURFACE = "_last_good_surface_id"  # session-state key: the surface shown while input is bad
CUSTOM_PREFIX = "custom:"


@st.cache_resource(max_entries=limits.SURFACE_CACHE_ENTRIES, show_spinner=False)
def _typed_surface(text: str) -> Any:
    """parse_surface(text), compiled once per text (lambdified callables cannot be pickled, so
    cache_resource, keyed on the text). Errors are raised, never cached."""
    from surfaces import parse_surface

    surface = parse_surface(text)
    surface.f(0.0, 0.0)  # compile now, inside the cache, not on the first rerun that draws it
    surface.grad(0.0, 0.0)
    return surface


def surface_for(surface_id: str) -> Any:
    """The Surface for an id: a catalog key, or "custom:<text>" for a typed function."""
    if surface_id.startswith(CUSTOM_PREFIX):
        return _typed_surface(surface_id[len(CUSTOM_PREFIX) :])
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
        surface_id = CUSTOM_PREFIX + text
        try:
            if len(text) > limits.MAX_EXPRESSION_CHARS:
                raise ValueError(f"at most {limits.MAX_EXPRESSION_CHARS} characters, please")
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
