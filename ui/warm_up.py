"""The work a fresh server would make its first visitor wait for, done once when the server starts.

A new server process has imported none of the page's modules, compiled none of the catalog's gradients
(sympy's `lambdify` imports numpy's whole namespace the first time) and computed no run. Measured with
py-spy on a cold `streamlit run app.py`: the first visitor's first script run took ~0.9 s (imports
~0.35 s, Beale's gradient compiled and the three default runs computed ~0.55 s, Streamlit's emoji table
for the page icon ~0.1 s), the next visitor's ~20 ms. `warm_up_first_page()` does that work before the
server answers (serve.py runs it in the server's startup), so the first visitor waits no longer than the
thirtieth. It fills the same caches a script run fills: the same cached functions, with the arguments a
first visit passes them.
"""

from __future__ import annotations

import contextlib
import gc
import importlib

WARMED_UP = "Warmed up the first page"  # what serve.py prints when done (the browser tests look for it)

# What app.py imports; the page body's figures, exports and 3D view come in with ui.playground.
FIRST_PAGE_MODULES = ("ui.background", "ui.playground", "ui.sections", "ui.sidebar")


def warm_up_first_page() -> None:
    """Import the first page's modules and fill its caches for a first visit's settings (the defaults)."""
    for name in FIRST_PAGE_MODULES:
        importlib.import_module(name)
    # set_page_config checks its emoji icon against Streamlit's table of every emoji, a module that takes
    # ~0.1 s to import; a Streamlit without that module just has nothing to warm here.
    with contextlib.suppress(ImportError):
        importlib.import_module("streamlit.emojis")

    from ui import state
    from ui.background import start_typed_function_worker
    from ui.figures import landscape_lines
    from ui.memory import freeze_after_full_collections
    from ui.runs import compute_all, default_runs, picture

    start_typed_function_worker()
    surface_id = state.DEFAULTS[state.SURFACE]
    landscape_lines(surface_id)
    for result in compute_all(surface_id, default_runs()):
        if result.trajectory is not None:
            picture(result)
    # The first full collection after these imports freezes what they made (ui/memory.py), so the first
    # visitor's run does not pay for that collection either.
    freeze_after_full_collections()
    gc.collect()
