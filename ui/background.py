"""Work a server process does once, in the background, so no visitor waits for it."""

from __future__ import annotations

import contextlib
import threading

import streamlit as st

from surfaces import warm_up


def _warm_up_quietly() -> None:
    # A worker that fails to start now is started again by the first typed function, which then
    # reports the problem on screen; nothing to show here.
    with contextlib.suppress(Exception):
        warm_up()


@st.cache_resource(show_spinner=False)
def start_typed_function_worker() -> threading.Thread:
    """Start the typed-function worker (a sympy process, ~1 s to import) once per server process."""
    thread = threading.Thread(target=_warm_up_quietly, name="typed-function-worker", daemon=True)
    thread.start()
    return thread
