"""The load test's floor: the cheapest page on which a slider redraws a chart (`load_test --floor`).

One "Steps" slider in the sidebar and one small live figure (ui/live_plotly, the playground's own
component, updated in place), no numerics, and the app's cheap garbage collection (ui/memory.py). What a
class of 30 measures against this page is what the harness, Streamlit and 30 Chromium pages cost on this
machine by themselves; the playground cannot do better than that.
"""

import streamlit as st

st.set_page_config(page_title="Optimizer Lab: load-test floor", layout="wide")

from ui.live_plotly import live_plotly_chart  # noqa: E402  (set_page_config must come first)
from ui.memory import freeze_after_full_collections  # noqa: E402

freeze_after_full_collections()

with st.sidebar:
    steps = st.slider("Steps", 10, 5000, 500, step=10, key="steps")
# Fixed axes, so each move is an in-place update of one trace; each value of Steps draws a different line.
figure = {
    "data": [{"type": "scatter", "mode": "lines", "x": [0, 1, 2, 3], "y": [0.0, steps / 5000, 0.5, 1.0]}],
    "layout": {"xaxis": {"range": [0, 3]}, "yaxis": {"range": [0, 1]}, "height": 300},
}
live_plotly_chart(figure, key="map")
