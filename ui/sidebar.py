"""`sidebar()`: the navigation and the shared controls, drawn the same way by every page.

Every page calls `sidebar()` first. It builds the page list with `st.page_link` (the automatic list is
hidden by `client.showSidebarNavigation = false`: with a `pages/` folder a deep link would otherwise skip
app.py), keeps the shared values across page switches, and draws every shared control with a fixed key
bound to the URL, so any link restores the same view on any page.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import streamlit as st

from ui import limits, state
from ui.log_stops import EPS_STOPS, LR_STOPS, nearest_stop
from ui.memory import freeze_after_full_collections
from ui.page_style import add_page_style
from ui.presets import PRESETS, Preset
from ui.run_settings import CHOICES, FIELD_NAMES, FIELDS_USED, RunSettings, defaults_for, family_of
from ui.runs import RunRequest, current_runs
from ui.sections import (
    NOISE_SECTION,
    SHARED_SECTION,
    current_page,
    lr_section,
    rerun_body,
    rerun_section,
    section,
)
from ui.surface_choice import SurfaceChoice, resolve_current_surface

REPO_ROOT = Path(__file__).resolve().parents[1]

# (script, label, icon): the whole app, in teaching order. Pages whose file does not exist yet are
# listed without a link, so nothing breaks before they land.
PAGES: tuple[tuple[str, str, str], ...] = (
    ("app.py", "Playground", "🏁"),
    ("pages/denominators.py", "Inside the denominators", "➗"),
    ("pages/regions.py", "The three regions", "⛰️"),
    ("pages/algorithms.py", "Algorithms side by side", "📜"),
    ("pages/sweeps.py", "Sweeps", "🧮"),
)

FAMILY_MARKS = {
    "sgd": "🟧",
    "momentum": "🟪",
    "adam": "🟦",
    "adabelief": "🟥",
    "rmsprop": "🟩",
    "adagrad": "🔷",
}
PRESET_MENU = "preset_menu"  # not in the URL: choosing a preset writes the controls it sets


@dataclass(frozen=True)
class SidebarState:
    """What the sidebar decided: the surface on screen and the runs to race."""

    surface_choice: SurfaceChoice
    runs: list[RunRequest]

    @property
    def surface(self) -> object:
        return self.surface_choice.surface

    @property
    def surface_id(self) -> str:
        return self.surface_choice.surface_id


# -- log-scale choices ------------------------------------------------------------------------------
EPS_OPTIONS = [state.eps_text(value) for value in EPS_STOPS]


# -- callbacks (run before the script, so they may write widget values) ------------------------------
LAST_PAGE = "_last_page"  # session-state key: the page the previous run drew


def keep_values_across_pages() -> None:
    """Re-assign every shared value when the page changes: a widget's value otherwise dies when its page
    is left (DESIGN.md). On reruns of the same page nothing is lost, so nothing is re-assigned."""
    page = current_page()
    if page is not None and st.session_state.get(LAST_PAGE) == page:
        return
    st.session_state[LAST_PAGE] = page
    for key in state.all_keys():
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def write_run(index: int, settings: RunSettings) -> None:
    settings = replace(settings, eps=nearest_stop(settings.eps, EPS_STOPS))  # ε is offered in powers of ten
    for field in FIELD_NAMES:
        st.session_state[state.run_key(index, field)] = state.to_widget(field, getattr(settings, field))


def apply_preset(preset: Preset) -> None:
    """Set every control the preset defines (and the defaults for the others)."""
    st.session_state[state.SURFACE] = preset.surface
    st.session_state[state.STEPS] = preset.steps
    st.session_state[state.START_X], st.session_state[state.START_Y] = preset.start
    st.session_state[state.NOISE] = preset.noise
    st.session_state[state.SEED] = preset.seed
    st.session_state[state.VIEW] = preset.view
    st.session_state[state.RUN_COUNT] = len(preset.runs)
    for index, settings in enumerate(preset.runs):
        write_run(index, settings)


def _on_preset_chosen() -> None:
    key = st.session_state.get(PRESET_MENU)
    if key in PRESETS:
        apply_preset(PRESETS[key])
    st.session_state[PRESET_MENU] = None


def reset_all() -> None:
    """Every control back to its default (the URL empties as values return to their defaults)."""
    for key, value in state.DEFAULTS.items():
        st.session_state[key] = value
    for index in range(limits.MAX_RUNS):
        write_run(index, state.default_run(index))


def _on_surface_changed() -> None:
    """A new surface starts from its own suggested start point."""
    try:
        surface = resolve_current_surface().surface
    except Exception:  # the surface cannot be built: keep the start the user had
        return
    st.session_state[state.START_X], st.session_state[state.START_Y] = (float(v) for v in surface.start)


def _on_choice_changed(index: int) -> None:
    choice = st.session_state[state.run_key(index, "choice")]
    write_run(index, defaults_for(choice))
    st.rerun()  # a new family can change the other runs' dashes and marks: redraw the whole page


def _on_lr_stop_moved(index: int) -> None:
    st.session_state[state.run_key(index, "lr")] = st.session_state[f"r{index}_lrstop"]
    rerun_section(lr_section(index))  # the exact entry follows the slider


def remove_run(index: int) -> None:
    """Drop run `index`; the runs after it move up one place and keep their settings."""
    count = state.run_count()
    for later in range(index, count - 1):
        write_run(later, state.run_settings(later + 1))
    write_run(count - 1, state.default_run(count - 1))
    st.session_state[state.RUN_COUNT] = max(1, count - 1)
    st.rerun()  # every later run's editor changes


# -- drawing ------------------------------------------------------------------------------------------
def navigation() -> None:
    st.markdown("### 📉 Optimizer Lab")
    for script, label, icon in PAGES:
        if (REPO_ROOT / script).exists():
            st.page_link(script, label=label, icon=icon)
        else:
            st.caption(f"{icon} {label} (coming soon)")


def preset_menu() -> None:
    st.selectbox(
        "Load a preset",
        options=list(PRESETS),
        format_func=lambda key: PRESETS[key].title,
        index=None,
        placeholder="Choose a whole setup…",
        key=PRESET_MENU,
        on_change=_on_preset_chosen,
        help="Loads surface, optimizers, start, steps and noise in one go.",
    )


def surface_controls() -> SurfaceChoice:
    from surfaces import get_surface, surface_keys

    keys = [*surface_keys(), state.CUSTOM]
    st.selectbox(
        "Surface",
        options=keys,
        index=keys.index(state.DEFAULTS[state.SURFACE]),
        format_func=lambda key: "Type your own f(x, y)" if key == state.CUSTOM else get_surface(key).name,
        key=state.SURFACE,
        bind="query-params",
        on_change=_on_surface_changed,
    )
    if state.get(state.SURFACE) == state.CUSTOM:
        st.text_input(
            "f(x, y) =",
            value=state.DEFAULTS[state.EXPRESSION],
            max_chars=limits.MAX_EXPRESSION_CHARS,
            key=state.EXPRESSION,
            bind="query-params",
            on_change=_on_surface_changed,
            help=(
                "Use x and y, numbers, + − * / ** ( ), and functions such as abs, sqrt, exp, log, sin, cos. "
                f"At most {limits.MAX_EXPRESSION_CHARS} characters."
            ),
        )
        st.text_input(
            "Plot box (optional)",
            value=state.DEFAULTS[state.DOMAIN],
            max_chars=80,
            key=state.DOMAIN,
            bind="query-params",
            on_change=_on_surface_changed,
            placeholder="x_min, x_max, y_min, y_max",
            help=(
                "Leave empty for a box around the minima found for your function. "
                f"Four numbers within ±{limits.START_LIMIT:g}, such as -3, 3, -2, 2."
            ),
        )
    choice = resolve_current_surface()
    if choice.error:
        st.error(f"{choice.error}  \nStill showing the previous surface.", icon="✏️")
    return choice


def _run_title(index: int, settings: RunSettings, dash: str) -> str:
    """The editor's button: the run's colour mark, optimizer and line style. Not its lr (the legend and the
    table show it): a title that follows the lr would have to be resent, with the whole editor, on every
    move of the lr slider."""
    mark = FAMILY_MARKS.get(family_of(settings), "⬛")
    style = "" if dash == "solid" else f" · {dash}"
    return f"{mark} Run {index + 1}: {CHOICES[settings.choice]}{style}"


def run_editor(index: int, request: RunRequest) -> None:
    settings = request.settings
    key = lambda field: state.run_key(index, field)  # noqa: E731
    default = lambda field: state.run_default_value(index, field)  # noqa: E731
    # A popover, not an expander: the browser mounts a popover's widgets only while it is open (an
    # expander mounts them even when collapsed), which makes the first page ~0.5 s quicker to draw. The
    # widgets still exist on the server, so their values and URL parameters stay.
    with st.popover(_run_title(index, settings, request.dash), width="stretch"):
        st.selectbox(
            "Optimizer",
            options=list(CHOICES),
            index=list(CHOICES).index(default("choice")),
            format_func=CHOICES.get,
            key=key("choice"),
            bind="query-params",
            on_change=_on_choice_changed,
            args=(index,),
        )
        used = FIELDS_USED[settings.choice]
        RUN_LR_SECTIONS[index]()
        if "beta1" in used:
            left, right = st.columns(2)
            left.number_input(
                "β1", 0.0, 0.9999, value=default("beta1"), step=0.01, format="%.4g", key=key("beta1"),
                bind="query-params", on_change=rerun_body,
            )  # fmt: skip
            right.number_input(
                "β2", 0.0, 0.99999, value=default("beta2"), step=0.001, format="%.5g", key=key("beta2"),
                bind="query-params", on_change=rerun_body,
            )  # fmt: skip
        if "alpha" in used:
            st.number_input(
                "α (smoothing)", 0.0, 0.9999, value=default("alpha"), step=0.01, format="%.4g",
                key=key("alpha"), bind="query-params", on_change=rerun_body,
            )  # fmt: skip
        if "eps" in used:
            st.select_slider(
                "ε (log scale)",
                options=EPS_OPTIONS,
                value=default("eps"),
                key=key("eps"),
                bind="query-params",
                on_change=rerun_body,
            )
        if "momentum" in used:
            st.slider(
                "Momentum",
                0.0,
                limits.MAX_MOMENTUM,
                value=default("momentum"),
                step=0.01,
                key=key("momentum"),
                bind="query-params",
                on_change=rerun_body,
            )
        toggles = [name for name in ("nesterov", "amsgrad", "rectify", "centered") if name in used]
        for column, name in zip(st.columns(max(len(toggles), 1)), toggles, strict=False):
            column.checkbox(
                name,
                value=default(name),
                key=key(name),
                bind="query-params",
                on_change=rerun_body,
            )
        st.button(
            "Remove this run",
            key=f"r{index}_remove",
            on_click=remove_run,
            args=(index,),
            disabled=state.run_count() <= 1,
        )


def lr_controls(index: int) -> None:
    """Run `index`'s lr: a log-scale slider for moving around, an exact entry for the precise value.

    Its own section inside the editor: a move of either reruns the pair (each follows the other) and the
    page body, not the rest of the editor."""
    settings = state.run_settings(index)
    st.session_state[f"r{index}_lrstop"] = nearest_stop(settings.lr, LR_STOPS)
    st.select_slider(
        "Learning rate (log scale)",
        options=LR_STOPS,
        format_func=lambda v: f"{v:g}",
        key=f"r{index}_lrstop",
        on_change=_on_lr_stop_moved,
        args=(index,),
    )
    st.number_input(
        "lr (exact)",
        min_value=limits.LR_MIN,
        max_value=limits.LR_MAX,
        value=state.run_default_value(index, "lr"),
        step=None,
        format="%g",
        key=state.run_key(index, "lr"),
        bind="query-params",
        on_change=rerun_section,
        args=(lr_section(index),),
        help=f"Between {limits.LR_MIN:g} and {limits.LR_MAX:g}.",
    )


def run_controls() -> None:
    st.number_input(
        "Number of runs",
        min_value=1,
        max_value=limits.MAX_RUNS,
        value=state.DEFAULTS[state.RUN_COUNT],
        key=state.RUN_COUNT,
        bind="query-params",
        help=f"Race up to {limits.MAX_RUNS} optimizers at once; the same one may appear twice.",
    )
    for request in current_runs():
        run_editor(request.index, request)


# One section per run slot (a section's key names one function): ui/sections.py. A run's editor is not a
# section itself: every control in it reruns the lr pair, the body or the whole page.
RUN_LR_SECTIONS = [
    section(lambda index=index: lr_controls(index), lr_section(index)) for index in range(limits.MAX_RUNS)
]


def shared_controls() -> None:
    st.slider(
        "Steps",
        limits.MIN_STEPS,
        limits.MAX_STEPS,
        value=state.DEFAULTS[state.STEPS],
        step=10,
        key=state.STEPS,
        bind="query-params",
        on_change=rerun_body,  # the section looks the same after a move
        help=f"At most {limits.MAX_STEPS:,} steps per run.",
    )
    left, right = st.columns(2)
    for column, key, label in ((left, state.START_X, "Start x"), (right, state.START_Y, "Start y")):
        column.number_input(
            label,
            -limits.START_LIMIT,
            limits.START_LIMIT,
            value=state.DEFAULTS[key],
            step=0.1,
            format="%.3f",
            key=key,
            bind="query-params",
            on_change=rerun_body,
        )
    st.caption("…or click the map to start there.")
    noise_section()


def noise_controls() -> None:
    """The gradient noise: σ, and its seed while σ > 0. A section of its own inside the shared controls: a
    move of σ reruns it (the seed's entry comes and goes) and the page body, not Steps and the start."""
    st.slider(
        "Gradient noise σ",
        0.0,
        limits.MAX_NOISE,
        value=state.DEFAULTS[state.NOISE],
        step=limits.NOISE_STEP,
        key=state.NOISE,
        bind="query-params",
        on_change=rerun_section,  # the seed's entry shows only while σ > 0
        args=(NOISE_SECTION,),
        help="Adds N(0, σ²) to each gradient component: the same noise for every run.",
    )
    if state.get(state.NOISE) > 0:
        st.number_input(
            "Noise seed",
            0,
            limits.MAX_SEED,
            value=state.DEFAULTS[state.SEED],
            key=state.SEED,
            bind="query-params",
            on_change=rerun_body,
        )


noise_section = section(noise_controls, NOISE_SECTION)
shared_section = section(shared_controls, SHARED_SECTION)


def share_and_reset() -> None:
    st.caption("🔗 Every control is in the address bar: copy the URL to share exactly this view.")
    st.button("↺ Reset everything", on_click=reset_all, key="reset_all")


def matching_preset(choice: SurfaceChoice, runs: list[RunRequest]) -> Preset | None:
    """The preset whose setup is on screen now (its note explains what the class is looking at)."""
    if not runs:
        return None
    shared = state.shared_settings()
    current = [request.settings.relevant() for request in runs]
    for preset in PRESETS.values():
        if (
            preset.surface == choice.surface_id
            and preset.steps == shared.steps
            and tuple(preset.start) == shared.start
            and preset.noise == shared.noise
            and preset.view == state.get(state.VIEW)
            and [s.relevant() for s in preset.runs] == current
        ):
            return preset
    return None


def sidebar() -> SidebarState:
    """Draw the navigation and the shared controls; return the current surface and runs.

    Call it first on every page.
    """
    freeze_after_full_collections()  # keeps Streamlit's collection after each run cheap (ui/memory.py)
    keep_values_across_pages()
    add_page_style()
    with st.sidebar:
        navigation()
        st.divider()
        preset_menu()
        choice = surface_controls()
        run_controls()
        shared_section()
        st.divider()
        share_and_reset()
    return SidebarState(surface_choice=choice, runs=current_runs())


def current_sidebar_state() -> SidebarState:
    """What the sidebar's controls hold now: what a page body draws, also on a rerun of the body alone."""
    return SidebarState(surface_choice=resolve_current_surface(), runs=current_runs())
