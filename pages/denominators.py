"""Inside the denominators: √v̂_t for Adam, √ŝ_t for AdaBelief, per axis, driven by one step scrubber."""

import streamlit as st

st.set_page_config(page_title="Inside the denominators · Optimizer Lab", page_icon="➗", layout="wide")

import numpy as np  # noqa: E402  (set_page_config must come first)

from optim_core.inspection import corrected_second_moment, step_values, update_direction_degrees  # noqa: E402
from surfaces import SurfaceError  # noqa: E402
from ui import compute_all, render, sidebar, state  # noqa: E402
from ui.figures import landscape_lines  # noqa: E402
from ui.narrow_layout import stacked_when_narrow  # noqa: E402
from ui.presets import Preset  # noqa: E402
from ui.run_settings import with_lr  # noqa: E402
from ui.sections import page_body  # noqa: E402
from ui.sidebar import SidebarState, apply_preset, current_sidebar_state  # noqa: E402
from viz.denominators import (  # noqa: E402
    FOCUS_LABELS,
    DenominatorRun,
    clamp_step,
    inspector_rows,
    map_figure,
    spread_figure,
    time_series_figure,
    update_formula_latex,
)

STEP_KEY = "den_t"  # the step scrubber (in the URL)
FOCUS_KEY = "den_focus"  # the quantity a link from the algorithms page points at (in the URL)
DEFAULT_STEP = 60
INSPECTOR_ROW_FOCUS = {
    "g_t": "g",
    "m_t": "m",
    "v_t": "second",
    "s_t": "second",
    "v̂_t": "second",
    "ŝ_t": "second",
    "denominator": "denom",
    "effective": "step_size",
    "update": "update",
}

# The |x| + |y| lesson: g_x = −1 at every step on the way in, g_y flips sign around y = 0.
LESSON = Preset(
    key="denominators_abs",
    title="|x| + |y|: Adam against AdaBelief",
    surface="abs",
    runs=(with_lr("adam", 0.01), with_lr("adabelief", 0.01)),
    start=(-2.5, 0.1),
    steps=200,
    note="Adam's denominators are equal on both axes; AdaBelief's √ŝ_x falls far below √ŝ_y.",
)


def open_on_the_lesson() -> None:
    """A fresh visit with no shared settings in its link opens on the |x| + |y| lesson."""
    shared = set(state.all_keys())
    if state.SURFACE in st.session_state or shared & set(st.query_params.keys()):
        return
    apply_preset(LESSON)


def load_the_lesson() -> None:
    """The lesson's button: it sets the sidebar's controls, so the whole page is drawn again."""
    apply_preset(LESSON)
    st.rerun()


def denominator_run(result) -> DenominatorRun:
    trajectory = result.trajectory
    optimizer = trajectory.optimizer
    return DenominatorRun(
        label=result.label,
        color=result.request.color,
        dash=result.request.dash,
        name=optimizer.name,
        symbol=optimizer.second_moment_symbol,
        xy=trajectory.xy,
        grad=trajectory.grad,
        m=trajectory.m,
        second_moment_hat=corrected_second_moment(trajectory),
        denom=np.broadcast_to(trajectory.denom, trajectory.grad.shape),
        step_size=np.broadcast_to(trajectory.step_size, trajectory.grad.shape),
        update=trajectory.update,
    )


def step_scrubber(longest: int) -> int:
    """One slider drives everything on the page."""
    if st.session_state.get(STEP_KEY, 0) > longest:
        st.session_state[STEP_KEY] = longest
    return st.slider(
        "Step t (drives the map, every time series and the inspector)",
        min_value=1,
        max_value=max(longest, 2),
        value=min(DEFAULT_STEP, longest),
        key=STEP_KEY,
        bind="query-params",
    )


def focus_control() -> str:
    return (
        st.radio(
            "Highlight",
            options=list(FOCUS_LABELS),
            format_func=FOCUS_LABELS.get,
            index=0,
            horizontal=True,
            key=FOCUS_KEY,
            bind="query-params",
        )
        or "all"
    )


def inspector_table(values, focus: str) -> str:
    lines = ["| quantity at step t | x | y |", "|---|---:|---:|"]
    for row in inspector_rows(values):
        name = row["quantity"]
        highlighted = any(
            name.startswith(prefix) and key == focus for prefix, key in INSPECTOR_ROW_FOCUS.items()
        )
        cell = f"**:blue[{name}]**" if highlighted else name
        lines.append(f"| {cell} | {row['x']} | {row['y']} |")
    return "\n".join(lines)


def inspector(results, step: int, focus: str) -> None:
    st.subheader(f"Step inspector at t = {step}", anchor="inspector")
    for result in results:
        column = st.container(border=True)
        trajectory = result.trajectory
        with column:
            st.markdown(
                f'##### <span style="color:{result.request.color}">●</span> {result.label}',
                unsafe_allow_html=True,
            )
            if step > trajectory.steps:
                st.info(f"This run has only {trajectory.steps} steps.")
                continue
            values = step_values(trajectory, step)
            st.markdown(inspector_table(values, focus))
            for axis_index in (0, 1):
                st.latex(update_formula_latex(values, axis_index))
            angle = update_direction_degrees(values.update)
            if np.isfinite(angle):
                st.caption(
                    f"Direction of Δθ_t: {angle:.1f}° from the x axis "
                    "(a sign-descent step would be ±45° or ±135°)."
                )
            if not values.defined:
                st.warning(
                    f"This run had stopped ({trajectory.stop_reason} at step {trajectory.diverged_at})."
                )


def body(side: SidebarState) -> None:
    st.title("Inside the denominators")
    st.markdown(
        "Adam divides by **√v̂_t**, the root of the average of g_t²; AdaBelief divides by **√ŝ_t**, the root "
        "of the average of (g_t − m_t)², how far the gradient strays from its prediction m_t. "
        "Move the step t and watch both, per axis."
    )
    with st.expander("The lesson: |x| + |y| (the paper's Fig. 2)", expanded=side.surface_id == "abs"):
        st.markdown(
            "On f = |x| + |y| the gradient is (sign x, sign y): |g_x| = |g_y| = 1 at every step, so Adam's "
            "√v̂_x = √v̂_y = 1 and its steps are equally long on both axes, at ±45° (sign descent). Once y "
            "reaches 0, g_y flips sign at every step while g_x stays −1: AdaBelief's √ŝ_y stays near 1 "
            "while √ŝ_x shrinks, so it takes long steps along x and short ones along y. Add gradient noise "
            "(σ in the sidebar) and watch √ŝ_t grow with the spread of g_t."
        )
        st.button("Load this lesson", on_click=load_the_lesson, key="den_load_lesson")
    results = compute_all(side.surface_id, side.runs)
    for result in results:
        if result.error:
            st.warning(f"Run {result.request.index + 1} was not run: {result.error}", icon="⚠️")
    results = [result for result in results if result.trajectory is not None]
    if not results:
        st.info("No run to show: fix the settings in the sidebar.")
        return
    runs = [denominator_run(result) for result in results]
    longest = max(run.steps for run in runs)
    step = clamp_step(step_scrubber(longest), runs)
    focus = focus_control()
    for result in results:
        trajectory = result.trajectory
        if trajectory.stop_reason is not None:
            st.warning(
                f"{result.label}: {trajectory.stop_reason} at step {trajectory.diverged_at}.", icon="⚠️"
            )
    if all(run.symbol is None for run in runs):
        st.info("SGD has no denominator: add Adam or AdaBelief in the sidebar to see one.")
    # Equal halves: at 1280 px with the sidebar open the inspector's worked formula for Adam and
    # AdaBelief needs about 340 px, and a 6:5 split left it 325 (a browser test measures this). On a
    # narrower main area the inspector goes under the map.
    with stacked_when_narrow("den_map_inspector"):
        left, right = st.columns([1, 1], gap="medium")
    with left:
        lines = landscape_lines(side.surface_id)
        figure = map_figure(
            lines.x,
            lines.y,
            side.surface.domain,
            side.surface.minima,
            runs,
            step,
            f"{side.surface.name}: after step {{step}}",
        )
        render(figure, key="den_map", config={"displaylogo": False})
    with right:
        inspector(results, step, focus)
    render(time_series_figure(runs, step, focus), key="den_series", config={"displaylogo": False})
    st.subheader("How s_t follows the spread of the gradient", anchor="spread")
    st.markdown(
        "Dots: the gradient g_t the optimizer saw (with noise when σ > 0). Thick line: its prediction m_t. "
        "Dashed: m_t ± √ŝ_t for AdaBelief (m_t ± √v̂_t for Adam). AdaBelief's band hugs the spread of the "
        "dots around m_t; Adam's band is as wide as |g_t| itself, whatever the spread."
    )
    render(spread_figure(runs, step), key="den_spread", config={"displaylogo": False})


def body_or_why_not() -> None:
    """The body as a section (ui/sections.py): moving the step scrubber redraws the body alone."""
    try:
        body(current_sidebar_state())
    except (SurfaceError, ValueError) as error:
        st.error(f"This setting cannot be shown: {error}", icon="🚫")


open_on_the_lesson()
sidebar()
page_body(body_or_why_not)
