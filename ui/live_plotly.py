"""A plotly figure that stays alive in the browser across reruns: updates are diffed, not redrawn.

`st.plotly_chart` gives a changed figure a new element id, so the browser unmounts the old chart and runs
plotly's `newPlot` from nothing on every slider move (measured: ~0.5–0.9 s for the playground's map and
curves on our 2-core machine). `live_plotly_chart` is a custom component (`st.components.v2`, inline JS
in ui/live_plotly.js, no build step) that keeps one graph div per key and hands each new figure to
`Plotly.react`, which updates only what changed. A figure whose axes all have fixed ranges and that has
no plotly scrubber (the map) is updated in place when only its traces' points, names or hover texts or
its frames changed: just those traces, then the legend, are redrawn (the browser test checks that the
result is exactly a fresh draw of the new figure). The page's live figures draw one after the other, each
after the browser painted the one before, so the map shows before the curves are redrawn. Frames and the
play/pause/speed buttons and the step scrubber run client-side, as in the exported HTML, but the component
draws them under the map (`playback`): buttons that call plotly's animate as plotly's own buttons do, and a
range input that follows and drives the frames as plotly's scrubber does and takes a move of Steps (new
labels) without redrawing the figure.

plotly.js is the basic bundle of the plotly package's own plotly.js version, vendored in
ui/static/plotly/ (1.2 MB with scatter, the one trace type these figures use; the bigger bundles took
longer to load and evaluate in the browser, see its README), served by the app server itself through a static
component path, so the page needs no network and the script is not resent with every update. The
element's data is one JSON document sent as bytes (`payload_of(element)`, `figure_of(element)` read it
back in AppTest tests): bytes skip Streamlit's dataframe detection on dict data, which would import
pandas on the first page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import streamlit as st
from streamlit.components import v1 as components_v1

# Vendored plotly.js (see its README): same version as the plotly package's, only the trace types used.
PLOTLY_JS_DIR = Path(__file__).parent / "static" / "plotly"
PLOTLY_JS_FILE = "plotly-basic.min.js"
COMPONENT_NAME = "optimizer_lab_live_plotly"
ELEMENT_TYPE = "bidi_component"  # how AppTest lists these elements: at.get(ELEMENT_TYPE)

_render = st.components.v2.component(
    COMPONENT_NAME,
    js=(Path(__file__).with_name("live_plotly.js")).read_text(encoding="utf-8"),
    css=(
        ".live-plotly { width: 100%; }"
        # Under the map: its playback buttons, then its scrubber; ui/live_plotly.js sets their margins to
        # the plot area's. The buttons look like plotly's own, which the exported HTML still shows.
        " .live-playback { display: flex; flex-wrap: wrap; gap: 0.375rem; margin-top: 0.25rem; }"
        " .live-playback button { font: inherit; font-size: 0.875rem; line-height: 1.5; color: #2a3f5f;"
        " background: #f4f6f8; border: 1px solid #bec8d9; border-radius: 4px; padding: 0.125rem 0.625rem;"
        " cursor: pointer; }"
        " .live-playback button:hover { background: #e2e8f0; }"
        " .live-scrubber { display: flex; align-items: center; gap: 0.75rem; min-height: 2.25rem; }"
        " .live-scrubber input { flex: 1; accent-color: #444; }"
        " .live-scrubber output { min-width: 5.5em; text-align: right; font-size: 0.9rem; }"
    ),
    isolate_styles=False,  # plotly.js styles its hover labels and buttons from the page's <head>
)


def payload_bytes(payload: dict[str, Any]) -> bytes:
    """The element's data as UTF-8 JSON (numpy values allowed; NaN becomes null, a gap for plotly)."""
    return orjson.dumps(payload, option=orjson.OPT_SERIALIZE_NUMPY)


def plotly_js_url() -> str:
    """Where the browser loads plotly.js from: the vendored basic bundle, served by this app.

    A v1 component declared with a path makes Streamlit serve that folder at /component/<name>/; the
    declaration needs a running script, so it happens here, on every run (re-declaring is a no-op).
    """
    served = components_v1.declare_component("plotly_js", path=str(PLOTLY_JS_DIR))
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    prefix = f"/{base}" if base else ""
    return f"{prefix}/component/{served.name}/{PLOTLY_JS_FILE}"


def live_plotly_chart(
    figure: dict[str, Any],
    *,
    key: str,
    config: dict[str, Any] | None = None,
    on_click: Any = None,
    playback: dict[str, Any] | None = None,
) -> Any:
    """Draw `figure` (a plotly figure dict with optional frames) under `key`, updating it in place.

    With `on_click`, a click on any hoverable point of the figure (or anywhere on its plot area, where
    its layout sets plotly's `clickanywhere`) calls it before the next run, with the point in
    `st.session_state[key]["click"]` as {"x": ..., "y": ...}.

    With `playback` ({"buttons": [{"label", "args"}], "frames": frame names, "labels": one per frame,
    "prefix": ...}, see `viz.playground_figure.without_playback_controls`), a row of buttons under the
    figure plays its frames (each calls `Plotly.animate(graph, ...args)`), and a range input under them
    shows and drives the frames.
    """
    payload = {
        "name": key,
        "figure": figure,
        "config": {"responsive": True, **(config or {})},
        "clickable": on_click is not None,
        "plotly_url": plotly_js_url(),
        "playback": playback,
    }
    callbacks = {"on_click_change": on_click} if on_click is not None else {}
    return _render(key=key, data=payload_bytes(payload), **callbacks)


def payload_of(element: Any) -> dict[str, Any]:
    """What an AppTest element of type ELEMENT_TYPE carries: name, figure, config, clickable, plotly_url,
    playback."""
    return orjson.loads(element.proto.bytes)


def figure_of(element: Any) -> dict[str, Any]:
    """The figure dict an AppTest element of type ELEMENT_TYPE carries (for tests and benchmarks)."""
    return payload_of(element)["figure"]


def clicked_point(key: str) -> tuple[float, float] | None:
    """The point a click on the live figure under `key` reported in this run, if any."""
    value = st.session_state.get(key)
    click = value.get("click") if isinstance(value, dict) else None
    if not isinstance(click, dict):
        return None
    x, y = click.get("x"), click.get("y")
    if isinstance(x, int | float) and isinstance(y, int | float):
        return float(x), float(y)
    return None
