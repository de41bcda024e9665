"""The server `make run` starts: `streamlit run serve.py` serves the app (app.py and pages/).

It is app.py served as Streamlit serves it (`st.App`, Streamlit's own server), with one addition: before
the server answers its first request it does the work a fresh process would otherwise make the first
visitor wait for (ui/warm_up.py: ~0.9 s of imports, compiled gradients and default runs). A server that
answers is then ready: its health check (`/_stcore/health`) answers only once that is done.
`streamlit run app.py` still serves the same app, without the warm-up.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import streamlit as st

_LOGGER = logging.getLogger(__name__)


@asynccontextmanager
async def warmed_up(_app: Any) -> AsyncIterator[None]:
    """Startup of the server: warm the first page, then serve. A warm-up that fails costs only time."""
    from ui.warm_up import WARMED_UP, warm_up_first_page

    started = time.perf_counter()
    try:
        await asyncio.to_thread(warm_up_first_page)
    except Exception:  # the first visitor then does the work itself, and sees any error on the page
        _LOGGER.exception("warming up the first page failed; serving without it")
    else:
        print(f"  {WARMED_UP} in {time.perf_counter() - started:.1f} s", flush=True)
    yield


app = st.App("app.py", lifespan=warmed_up)
