"""The playground page body: the race on the map (or in 3D), the curves, the table and the exports."""

from __future__ import annotations

import math

import streamlit as st

from ui import limits, state
from ui.figures import landscape_lines, surface_grid
from ui.live_plotly import clicked_point, live_plotly_chart
from ui.narrow_layout import compact_tables_when_narrow, stacked_when_narrow
from ui.plotly_render import PrebuiltFigure
from ui.results import markdown_table, table_rows, trajectories_csv
from ui.runs import RunResult, compute_all, picture
from ui.sidebar import FAMILY_MARKS, SidebarState, matching_preset
from viz.curves import curves_figure
from viz.export import standalone_html
from viz.playground_figure import map_figure, without_playback_controls
from viz.surface3d import surface_figure

MAP_KEY = "map"
CURVES_KEY = "curves"  # loss and distance against step, one figure
FULL_ANIMATION_MS = 6_000  # one pass through all frames at 1× (the map's own buttons play ½×, 2×, 4×)
TOLERANCES = [1e-4, 1e-3, 1e-2, 1e-1, 0.5]
VIEWS = {"map": "2D map", "3d": "3D surface"}
PLOTLY_CONFIG = {"displaylogo": False, "scrollZoom": False}


def _on_map_click() -> None:
    """A click on the map (anywhere on the plot area, or on a path point) moves the shared start there."""
    point = clicked_point(MAP_KEY)
    # The browser can send anything: only a finite point within the start inputs' bounds is taken
    # (a value outside a number input's range would make Streamlit raise on the next run).
    if point is not None and all(math.isfinite(v) and abs(v) <= limits.START_LIMIT for v in point):
        st.session_state[state.START_X] = round(point[0], 3)
        st.session_state[state.START_Y] = round(point[1], 3)
        # The whole page: a section rerun from this trigger leaves the new start out of the URL.
        st.rerun()


def build_map(side: SidebarState, results: list[RunResult]) -> dict:
    surface = side.surface
    pictures = [picture(result) for result in results if result.trajectory is not None]
    return map_figure(
        landscape_lines(side.surface_id),
        surface.domain,
        surface.minima,
        state.shared_settings().start,
        pictures,
        frame_count=limits.MAX_FRAMES,
        tail=limits.TAIL_STEPS,
        full_animation_ms=FULL_ANIMATION_MS,
        view_key=side.surface_id,
    )


def build_surface_3d(side: SidebarState, results: list[RunResult]) -> dict:
    surface = side.surface
    pictures = [picture(result) for result in results if result.trajectory is not None]
    heights = [float(surface.f(*point)) for point in surface.minima]
    return surface_figure(
        surface_grid(side.surface_id), surface.minima, heights, pictures, view_key=side.surface_id
    )


def heading(side: SidebarState) -> None:
    """The surface's formula and the view controls: drawn above the body, as they do not depend on the runs
    (so a section rerun does not resend them; a move of these controls reruns the whole page)."""
    st.markdown(f"#### {side.surface.name} $\\quad f(x, y) = {side.surface.latex}$")
    view_controls()


def notes(side: SidebarState, results: list[RunResult]) -> None:
    """The preset these settings match (with its lesson), else the surface's note; runs that were not run."""
    preset = matching_preset(side.surface_choice, side.runs)
    if preset is not None:
        st.info(f"**{preset.title}.** {preset.note}", icon="🎓")
    elif getattr(side.surface, "note", ""):
        st.caption(side.surface.note)
    for result in results:
        if result.error:
            st.warning(f"Run {result.request.index + 1} was not run: {result.error}", icon="⚠️")


def view_controls() -> None:
    left, middle, right = st.columns([2, 1.2, 1.2])
    left.radio(
        "View",
        options=list(VIEWS),
        format_func=VIEWS.get,
        index=0,
        horizontal=True,
        key=state.VIEW,
        bind="query-params",
        label_visibility="collapsed",
    )
    middle.caption("Under the map: Play, Pause, ½× 2× 4× speed, and a slider to scrub through the steps.")
    right.select_slider(
        "“Reached” means within",
        options=TOLERANCES,
        value=state.DEFAULTS[state.TOLERANCE],
        format_func=lambda v: f"{v:g}",
        key=state.TOLERANCE,
        bind="query-params",
        help="Distance to the nearest known minimum that counts as reaching it (results table).",
    )


def chosen_view() -> tuple[str, float]:
    """The view ("map" or "3d") and the tolerance the view controls hold (read again on a body rerun)."""
    return state.get(state.VIEW) or "map", float(state.get(state.TOLERANCE))


def results_table(side: SidebarState, results: list[RunResult], tolerance: float) -> None:
    rows = table_rows(results, side.surface.min_value, tolerance)
    for row in rows:  # the table shows the point once, rounded; the CSV export has every digit
        if "final x" in row:
            row["final (x, y)"] = f"({row.pop('final x'):.4g}, {row.pop('final y'):.4g})"
    marks = [FAMILY_MARKS.get(result.request.family, "⬛") for result in results]
    # nine columns: on a 1024-pixel projector with the sidebar open they need the compact setting
    with compact_tables_when_narrow("results_table"):
        st.markdown(markdown_table(rows, marks))


def exports(side: SidebarState, results: list[RunResult]) -> None:
    left, right = st.columns(2)
    name = side.surface_id.replace(":", "_")[:40] if not side.surface_id.startswith("custom") else "custom"
    left.download_button(
        "⬇ Trajectories and per-step states (CSV)",
        data=lambda: trajectories_csv(results),
        file_name=f"optimizer-lab-{name}.csv",
        mime="text/csv",
        on_click="ignore",
        key="export_csv",
    )
    right.download_button(
        "⬇ Animated figure (HTML, plays offline)",
        data=lambda: standalone_html(build_map(side, results), f"Optimizer Lab: {side.surface.name}"),
        file_name=f"optimizer-lab-{name}.html",
        mime="text/html",
        on_click="ignore",
        key="export_html",
    )


def playground(side: SidebarState) -> None:
    """Draw the page body for the runs the sidebar defines (below `heading`)."""
    results = compute_all(side.surface_id, side.runs)
    notes(side, results)
    view, tolerance = chosen_view()
    # On a narrow main area (1024-pixel projector, sidebar open) the curves go under the map, which
    # then gets the whole width instead of a third of it
    with stacked_when_narrow("race"):
        main, curves = st.columns([3, 2], gap="medium")
    with main:
        if view == "3d":
            st.plotly_chart(
                PrebuiltFigure(build_surface_3d(side, results)), key="surface3d", config=PLOTLY_CONFIG
            )
        else:
            # Live figures: a slider move updates the drawn plot in place (Plotly.react), see ui/live_plotly.
            # The page draws the playback buttons and the step scrubber itself (viz.playground_figure's
            # without_playback_controls says why); the export keeps plotly's.
            figure, controls = without_playback_controls(build_map(side, results))
            live_plotly_chart(
                figure, key=MAP_KEY, config=PLOTLY_CONFIG, on_click=_on_map_click, playback=controls
            )
    pictures = [picture(result) for result in results if result.trajectory is not None]
    with curves:
        has_minima = bool(side.surface.minima)
        live_plotly_chart(
            curves_figure(pictures, side.surface.min_value, with_distance=has_minima),
            key=CURVES_KEY,
            config=PLOTLY_CONFIG,
        )
        if not has_minima:
            st.caption("This surface lists no minimum, so there is no distance to plot.")
    results_table(side, results, tolerance)
    exports(side, results)
