"""Streamlit pieces every page shares: the sidebar, the current surface and runs, figure rendering.

The API a page uses (see app.py for the smallest example):

    import streamlit as st
    st.set_page_config(page_title="Optimizer Lab", layout="wide")   # first, as Streamlit requires
    from ui import sidebar, compute_all, picture, render

    side = sidebar()            # draw navigation + shared controls; call it FIRST on every page
    side.surface                # the current surfaces.Surface (a typed function that failed to parse
    side.surface_id             #   leaves the previous one); its id ("beale", "custom:<text>")
    side.runs                   # list[RunRequest]: .settings (RunSettings), .settings.to_optimizer()
                                #   (an optim_core spec), .start, .steps, .noise, .seed, .color, .dash
    results = compute_all(side.surface_id, side.runs)   # cached per run: RunResult(.trajectory, .label,
                                                        #   .error when the settings were invalid)
    pictures = [picture(r) for r in results if r.trajectory is not None]  # viz.runs.RunPicture
    render(figure_dict, key="x")  # st.plotly_chart without plotly.py re-validation (see plotly_render)

Outside the sidebar: `current_surface()` and `current_runs()` read the same state; `ui.state` names the
session-state / URL keys (a value equal to its default stays out of the URL); `ui.limits` holds every
bound on work per request; `ui.presets.PRESETS` the one-click setups; colours and dashes come from
`viz.colors.run_styles` (one colour per optimizer family, a new dash for each repeat).
"""

from __future__ import annotations

from typing import Any

from ui.runs import RunRequest, RunResult, compute_all, current_runs, picture
from ui.sidebar import SidebarState, sidebar
from ui.surface_choice import current_surface


def render(figure: dict[str, Any], **plotly_chart_kwargs: Any) -> Any:
    """Show a figure dict from viz/ with st.plotly_chart, skipping plotly.py's slow validation."""
    import streamlit as st

    from ui.plotly_render import PrebuiltFigure

    return st.plotly_chart(PrebuiltFigure(figure), **plotly_chart_kwargs)


__all__ = [
    "RunRequest",
    "RunResult",
    "SidebarState",
    "compute_all",
    "current_runs",
    "current_surface",
    "picture",
    "render",
    "sidebar",
]
