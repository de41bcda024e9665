"""The server `make run` starts: `python -m serve`, which is `streamlit run serve.py`, serves the app.

It is app.py served as Streamlit serves it (`st.App`, Streamlit's own server), with one addition: before
the server answers its first request it does the work a fresh process would otherwise make the first
visitor wait for (ui/warm_up.py: ~0.9 s of imports, compiled gradients and default runs). A server that
answers is then ready: its health check (`/_stcore/health`) answers only once that is done.
`streamlit run app.py` still serves the same app, without the warm-up.

`python -m serve [Streamlit flags]` is `streamlit run serve.py [flags]`, stopped cleanly by Ctrl-C (`main`).
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import click
import streamlit as st

_LOGGER = logging.getLogger(__name__)
STOPPED = "Stopped."  # what `main` prints when Ctrl-C stopped the server (a server test looks for it)


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


def main(streamlit_flags: list[str]) -> int:
    """Serve the app as `streamlit run serve.py <streamlit_flags>` does; the exit status it ends with.

    Ctrl-C ends it with STOPPED and status 0. Plain `streamlit run serve.py` ends it with "Aborted!" and
    status 1, so `make run` reported an error for every lecturer who stopped the app: Streamlit serves an
    `st.App` through uvicorn, which shuts down on SIGINT and then raises SIGINT again; the KeyboardInterrupt
    reaches Streamlit's click command line, and click reports it as an aborted command.
    """
    from streamlit.web import cli

    try:
        cli.main(["run", __file__, *streamlit_flags], prog_name="streamlit", standalone_mode=False)
    except click.Abort:
        print(f"  {STOPPED}", flush=True)
    except click.ClickException as error:  # a mistyped flag: click's own message, as `streamlit run` shows it
        error.show()
        return error.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
