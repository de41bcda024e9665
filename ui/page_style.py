"""The page style every page adds to Streamlit's: how stale elements look while a rerun is under way.

While a rerun runs, Streamlit marks the elements it has not resent yet as stale (`data-stale="true"`) and
fades them to a third of their opacity over 1 s, after 0.5 s. A fade is an animation: the browser
composites a new frame of every stale element at every display refresh, the map's and the curves' large
SVG plots included. For one visitor on a quick server nothing is ever stale for 0.5 s. But in a class of
30 on one machine every move waits for the others, so each move paid for the fade again, for as long as
it waited (README, Benchmarks).

So a stale element dims in one step after the same 0.5 s, and the two live figures are layers of their
own, so dimming them and back recomposites them instead of repainting their SVG. A quick rerun still
never dims anything; a slow one still shows which parts are out of date.

Measured with the server made to take 1 s more per rerun, one Chromium session, CPU per Steps move from
`/proc` (renderer / GPU process, ms): Streamlit's fade 229 / 125; one step 205 / 20; one step and the
figures' layers 176 / 20; no dimming at all 159 / 7. With no extra second: 142–148 / 11.
"""

from __future__ import annotations

import streamlit as st

# Only the stale state: the transition back to full opacity stays instant, as Streamlit has it. The keys
# are the playground's live figures (ui/playground.py, MAP_KEY and CURVES_KEY).
PAGE_CSS = (
    '[data-stale="true"] { transition: opacity 0s linear 0.5s !important; }'
    " .st-key-map, .st-key-curves { will-change: opacity; }"
)


def add_page_style() -> None:
    """Add the page style. Style alone, st.html draws it in the page's event container: it takes no space."""
    st.html(f"<style>{PAGE_CSS}</style>")
