"""Sections: parts of a page that rerun on their own when one of their controls moves.

A Streamlit rerun resends every element of the page, and the browser re-renders all of them (~87 on the
playground, most of them sidebar widgets) before the figures can update. So each run's lr pair (slider and
exact entry, in the run's editor), the shared controls (steps, start, noise), the noise pair inside them
(σ and its seed) and the page body are fragments with fixed keys, and a control's callback reruns only
its own section and the body: on the playground a slider move resends a few of the ~87 elements, not all
of them (README, Benchmarks, has the figures). A control whose section looks the same after it moves
(Steps, the start, the seed, a run's betas, ε, momentum and toggles) reruns the body alone.

A page takes part by drawing its body with `page_body` (the playground and the denominators page do). On
a page that does not, the callbacks rerun the whole page, as a plain control does. A callback in a body
that writes sidebar controls (a preset, a lesson) must call `st.rerun()` to redraw the whole page.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import streamlit as st
from streamlit.errors import StreamlitAPIException

BODY_SECTION = "body"
SHARED_SECTION = "shared"
NOISE_SECTION = "noise"  # σ and the seed, inside the shared section
BODY_SECTION_PAGE = "_body_section_page"  # session-state key: the page whose last full run drew a body


def lr_section(index: int) -> str:
    """The section key of run `index`'s lr pair (its slider and exact entry, in the run's editor)."""
    return f"run{index}lr"


def current_page() -> str | None:
    """The script hash of the page this session is running, if any."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    context = get_script_run_ctx()
    return getattr(context, "page_script_hash", None) if context is not None else None


def rerun_section(section: str | None) -> None:
    """Widget callback: rerun `section` and the page body, or the whole page when it has no body section.

    With `section` None, the body alone: for a control whose own section looks the same after it moves
    (the browser already shows the control's new value), which spares resending and redrawing that section.
    """
    if st.session_state.get(BODY_SECTION_PAGE) == current_page():
        # A section not drawn since the last full run is refused: then the whole page is redrawn.
        with contextlib.suppress(StreamlitAPIException):
            st.rerun([BODY_SECTION] if section is None else [section, BODY_SECTION])
    st.rerun()


def rerun_body() -> None:
    """Widget callback: rerun the page body alone (see `rerun_section`)."""
    rerun_section(None)


def section(draw: Callable[[], None], key: str) -> Callable[[], None]:
    """`draw` as a section: a fragment that `rerun_section(key)` reruns."""
    return st.fragment(draw, key=key)


@st.fragment(key=BODY_SECTION)
def _body(draw: Callable[[], None]) -> None:
    draw()


def page_body(draw: Callable[[], None]) -> None:
    """Draw the page body with `draw` as the body section. `draw` must read the current settings itself:
    on a section rerun it is called again without the rest of the script."""
    st.session_state[BODY_SECTION_PAGE] = current_page()
    _body(draw)
