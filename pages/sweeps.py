"""Sweeps: outcome heatmaps over lr × beta1 / beta2 / momentum for each optimizer, and basin maps over
start points. Clicking a cell opens that setting in the playground."""

import streamlit as st

st.set_page_config(page_title="Sweeps · Optimizer Lab", page_icon="🧮", layout="wide")

import math  # noqa: E402  (set_page_config must come first)

from optim_core import grids  # noqa: E402
from surfaces import SurfaceError  # noqa: E402
from ui import render, sidebar, state  # noqa: E402
from ui.figures import landscape_lines  # noqa: E402
from ui.narrow_layout import stacked_when_narrow  # noqa: E402
from ui.run_settings import RunSettings, with_lr  # noqa: E402
from ui.sidebar import write_run  # noqa: E402
from ui.surface_choice import surface_for  # noqa: E402
from viz.sweeps import METRICS, basin_figure, heatmap_figure, metric_grid, speed_figure  # noqa: E402

KIND_KEY, RESOLUTION_KEY, METRIC_KEY, BACKEND_KEY = "sw_kind", "sw_res", "sw_metric", "sw_backend"
LR_RANGE_KEY, Y_RANGE_KEY, BASIN_RUN_KEY = "sw_lr", "sw_y", "sw_run"
GO_TO_PLAYGROUND = "_sweeps_open_playground"  # set by a click callback; the next run switches page
KINDS = {
    "lr_beta2": "lr × β2",
    "lr_beta1": "lr × β1",
    "lr_momentum": "lr × momentum",
    "basin": "basin map over start points",
}
LR_STOPS = [1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0]
BETA2_STOPS = [0.5, 0.9, 0.99, 0.999, 0.9999, 0.99999]
LINEAR_STOPS = [round(0.1 * k, 1) for k in range(10)] + [0.95, 0.99, 0.999]
BACKENDS = {"numpy": "numpy (CPU)", "torch": "torch (GPU when present)"}
PLOT_CONFIG = {"displaylogo": False}
CHUNK_CACHE_ENTRIES = 512


# -- clicks -------------------------------------------------------------------------------------------
def _clicked_point(chart_key: str) -> list[float] | None:
    event = st.session_state.get(chart_key) or {}
    for point in event.get("selection", {}).get("points", []):
        data = point.get("customdata")
        if isinstance(data, list | tuple) and len(data) >= 2:
            return [float(v) for v in data[:2]]
    return None


def cell_settings(optimizer: str, y_parameter: str, lr: float, y: float) -> RunSettings:
    """The playground run for a heatmap cell (the optimizer's defaults for everything not swept)."""
    if optimizer == "sgd":
        return with_lr("momentum" if y > 0 else "sgd", lr, momentum=y)
    if optimizer == "rmsprop":
        return with_lr("rmsprop", lr, **{y_parameter: y})
    return with_lr(optimizer, lr, **{y_parameter: y})


def _on_heatmap_click(chart_key: str, optimizer: str, y_parameter: str) -> None:
    point = _clicked_point(chart_key)
    if point is None:
        return
    lr, y = point
    write_run(0, cell_settings(optimizer, y_parameter, lr, y))
    st.session_state[state.RUN_COUNT] = 1
    st.session_state[GO_TO_PLAYGROUND] = True


def _on_basin_click(chart_key: str) -> None:
    point = _clicked_point(chart_key)
    if point is None:
        return
    st.session_state[state.START_X], st.session_state[state.START_Y] = (round(v, 4) for v in point)
    st.session_state[GO_TO_PLAYGROUND] = True


# -- cached work --------------------------------------------------------------------------------------
@st.cache_data(max_entries=CHUNK_CACHE_ENTRIES, show_spinner=False)
def hyperparameter_rows(
    surface_id: str, spec: grids.HyperparameterGridSpec, settings: grids.SweepSettings, start: int, stop: int
) -> grids.GridOutcome:
    return grids.run_hyperparameter_rows(surface_for(surface_id), spec, settings, start, stop)


@st.cache_data(max_entries=CHUNK_CACHE_ENTRIES, show_spinner=False)
def basin_rows(
    surface_id: str, spec: grids.BasinSpec, settings: grids.SweepSettings, start: int, stop: int
) -> grids.GridOutcome:
    return grids.run_basin_rows(surface_for(surface_id), spec, settings, start, stop)


def with_progress(run_rows, rows: int, columns: int, steps: int, label: str) -> grids.GridOutcome:
    """Run a grid chunk by chunk (each chunk cached), with a progress bar when there is more than one."""
    chunks = grids.row_chunks(rows, columns, steps)
    bar = st.progress(0.0, text=label) if len(chunks) > 1 else None
    outcome = grids.run_in_chunks(
        run_rows, rows, columns, steps, None if bar is None else lambda done: bar.progress(done, text=label)
    )
    if bar is not None:
        bar.empty()
    return outcome


# -- controls -----------------------------------------------------------------------------------------
def resolution_limit(steps: int) -> int:
    """The largest square grid the work bound allows at this many steps."""
    return int(min(grids.MAX_RESOLUTION, math.isqrt(grids.MAX_POINT_STEPS // max(steps, 1))))


def controls(steps: int) -> tuple[str, int, str]:
    left, middle, right = st.columns([2, 2, 1.3])
    with left:
        kind = st.radio(
            "What to sweep", list(KINDS), format_func=KINDS.get, index=0, key=KIND_KEY, bind="query-params"
        )
    with middle:
        limit = resolution_limit(steps)
        if st.session_state.get(RESOLUTION_KEY, 0) > limit:
            st.session_state[RESOLUTION_KEY] = limit
        resolution = st.slider(
            "Grid resolution (cells per side)",
            8,
            grids.MAX_RESOLUTION,
            value=32,
            step=8,
            key=RESOLUTION_KEY,
            bind="query-params",
            help=f"Up to {grids.MAX_RESOLUTION} × {grids.MAX_RESOLUTION} runs; at most "
            f"{grids.MAX_POINT_STEPS:,} run-steps per grid.",
        )
        if resolution > limit:
            st.warning(f"At {steps:,} steps a grid may be at most {limit} × {limit}: using {limit}.")
            resolution = limit
    with right:
        backend = st.radio(
            "Backend", list(BACKENDS), format_func=BACKENDS.get, index=0, key=BACKEND_KEY, bind="query-params"
        )
    return str(kind or "lr_beta2"), int(resolution), str(backend or "numpy")


def y_range_control(y_parameter: str) -> tuple[float, float]:
    if y_parameter in ("beta2", "alpha"):
        low, high = st.select_slider(
            f"{'β2' if y_parameter == 'beta2' else 'α'} range",
            options=BETA2_STOPS,
            value=(0.9, 0.9999),
            key=Y_RANGE_KEY + "_nines",
            bind="query-params",
        )
    else:
        low, high = st.select_slider(
            f"{'β1' if y_parameter == 'beta1' else 'momentum'} range",
            options=LINEAR_STOPS,
            value=(0.0, 0.99),
            key=Y_RANGE_KEY + "_linear",
            bind="query-params",
        )
    if low == high:
        raise ValueError("choose a range with two different ends")
    return float(low), float(high)


def metric_control() -> str:
    return str(
        st.radio(
            "Colour shows",
            list(METRICS),
            format_func=METRICS.get,
            index=0,
            horizontal=True,
            key=METRIC_KEY,
            bind="query-params",
        )
        or "steps"
    )


# -- the two views ------------------------------------------------------------------------------------
def hyperparameter_view(side, kind: str, resolution: int, settings: grids.SweepSettings) -> list[str]:
    y_parameter = kind.split("_", 1)[1]
    left, right = st.columns(2)
    with left:
        lr_low, lr_high = st.select_slider(
            "Learning-rate range (log scale)",
            options=LR_STOPS,
            value=(1e-4, 1.0),
            format_func=lambda v: f"{v:g}",
            key=LR_RANGE_KEY,
            bind="query-params",
        )
    with right:
        y_low, y_high = y_range_control(y_parameter)
    if lr_low == lr_high:
        raise ValueError("choose a learning-rate range with two different ends")
    metric = metric_control()
    start = state.shared_settings().start
    names = grids.optimizers_for(y_parameter)
    outcomes = {}
    devices = []
    for name in names:
        spec = grids.HyperparameterGridSpec(
            name, y_parameter, (lr_low, lr_high), (y_low, y_high), resolution, resolution, start
        )
        spec.validate(settings.steps)
        outcomes[name] = with_progress(
            lambda a, b, spec=spec: hyperparameter_rows(side.surface_id, spec, settings, a, b),
            resolution,
            resolution,
            settings.steps,
            f"Sweeping {name}: {resolution * resolution:,} runs × {settings.steps:,} steps…",
        )
        devices.append(outcomes[name].device)
    # One colour scale for every optimizer, so the heatmaps compare.
    finite = [
        value
        for outcome in outcomes.values()
        for value in metric_grid(outcome, metric, side.surface.min_value).ravel().tolist()
        if math.isfinite(value)
    ]
    z_range = (min(finite), max(finite)) if finite else None
    scales = grids.AXIS_SCALES
    # On a narrow main area (1024-pixel projector, sidebar open) the heatmaps go one under the other: side
    # by side each plot was 81 px wide
    with stacked_when_narrow("sw_heatmaps"):
        heatmap_columns = st.columns(len(names))
    for column, name in zip(heatmap_columns, names, strict=True):
        with column:
            key = f"sw_heatmap_{name}"
            figure = heatmap_figure(
                outcomes[name],
                metric,
                side.surface.min_value,
                "lr",
                scales["lr"],
                y_parameter,
                scales[y_parameter],
                DISPLAY_NAMES[name],
                z_range,
                subtitle=METRICS[metric],
            )
            render(
                figure,
                key=key,
                on_select=lambda key=key, name=name: _on_heatmap_click(key, name, y_parameter),
                selection_mode="points",
                config=PLOT_CONFIG,
            )
    st.caption(
        f"Each cell is one run from ({start[0]:g}, {start[1]:g}) for {settings.steps:,} steps on "
        f"{side.surface.name} (start, steps, noise and surface come from the sidebar); “reached” means "
        f"within {settings.tol:g} of a known minimum. Other hyperparameters at torch's defaults "
        "(AdaBelief: ε = 1e-16, rectify off). Black cells diverged; grey cells never came within tol. "
        "Click a cell to race that setting in the playground."
    )
    return devices


DISPLAY_NAMES = {"adam": "Adam", "adabelief": "AdaBelief", "sgd": "SGD (momentum μ)", "rmsprop": "RMSProp"}


def basin_view(side, resolution: int, settings: grids.SweepSettings) -> list[str]:
    surface = side.surface
    runs = side.runs
    if not runs:
        st.info("Add a run in the sidebar to map its basins.")
        return []
    index = st.selectbox(
        "Optimizer (one of the sidebar's runs)",
        options=list(range(len(runs))),
        format_func=lambda i: f"Run {i + 1}: {runs[i].settings.to_optimizer().label}",
        key=BASIN_RUN_KEY,
        bind="query-params",
    )
    index = min(int(index or 0), len(runs) - 1)
    optimizer = runs[index].settings.to_optimizer()
    hyperparameters = tuple(sorted(optimizer.flat_hyperparameters().items()))
    spec = grids.BasinSpec(optimizer.name, hyperparameters, *surface.domain, resolution, resolution)
    spec.validate(settings.steps)
    outcome = with_progress(
        lambda a, b: basin_rows(side.surface_id, spec, settings, a, b),
        resolution,
        resolution,
        settings.steps,
        f"Mapping basins: {resolution * resolution:,} starts × {settings.steps:,} steps…",
    )
    if not surface.minima:
        st.info("This surface lists no known minimum: every start shows as “never reached”.")
    lines = landscape_lines(side.surface_id)
    with stacked_when_narrow("sw_basins"):
        left, right = st.columns(2)
    with left:
        render(
            basin_figure(
                outcome, surface.minima, lines.x, lines.y, f"Which minimum {optimizer.label} reaches"
            ),
            key="sw_basin",
            on_select=lambda: _on_basin_click("sw_basin"),
            selection_mode="points",
            config=PLOT_CONFIG,
        )
    with right:
        render(
            speed_figure(outcome, "How fast (steps to come within tol)"), key="sw_speed", config=PLOT_CONFIG
        )
    st.caption(
        f"Each start runs {settings.steps:,} steps; its colour is the minimum it came within "
        f"{settings.tol:g} of and ended nearest to. Click a start to race every sidebar run from there "
        "in the playground."
    )
    return [outcome.device]


def body() -> None:
    if st.session_state.pop(GO_TO_PLAYGROUND, False):
        # query_params={} replaces this page's parameters; without it Streamlit tries to clear them and
        # refuses because they are bound to widgets. The playground's widgets write their own back.
        st.switch_page("app.py", query_params={})
    side = sidebar()
    st.title("Sweeps")
    st.markdown(
        "Thousands of runs at once: how the outcome depends on the learning rate and the betas or momentum, "
        "and which minimum each start point leads to. Start, steps, noise and surface come from the sidebar."
    )
    shared = state.shared_settings()
    kind, resolution, backend = controls(shared.steps)
    if backend == "torch":
        import torch

        # A server shares two cores among many sessions: torch's intra-op threads then spin-wait on
        # each other (100 steps of a 128² grid: 3.3 s wall with 2 threads, 0.6 s with 1, under load).
        torch.set_num_threads(1)
    settings = grids.SweepSettings(
        steps=shared.steps,
        tol=float(state.get(state.TOLERANCE)),
        noise=shared.noise,
        seed=shared.seed,
        backend=backend,
        device="auto" if backend == "torch" else None,
    )
    if kind == "basin":
        devices = basin_view(side, resolution, settings)
    else:
        devices = hyperparameter_view(side, kind, resolution, settings)
    if devices:
        where = "numpy on the CPU" if backend == "numpy" else f"torch on {', '.join(sorted(set(devices)))}"
        st.caption(f"Computed with {where}; results are cached, so returning to a grid is instant.")
        if backend == "torch" and set(devices) == {"cpu"}:
            st.caption(
                "No GPU here: on a CPU the numpy backend is usually the faster one (bench/bench_sweep.py)."
            )


try:
    body()
except (SurfaceError, ValueError) as error:
    st.error(f"This sweep cannot run: {error}", icon="🚫")
