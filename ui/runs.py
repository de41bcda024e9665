"""The current list of runs: settings from the sidebar, their fixed style, and cached trajectories.

A run is computed once per (surface, relevant settings, start, steps, noise, seed) and kept in a
bounded cache, so moving one run's slider recomputes that run only; a run computed afresh brings the
runs its lr slider (or, with noise, the noise slider) reaches in a few key presses with it (`REACH`), so
those moves recompute nothing.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import streamlit as st

from ui import limits, state
from ui.log_stops import LR_STOPS, stops_around
from ui.run_settings import CHOICES, RunSettings, family_of, from_relevant
from viz.colors import run_styles
from viz.runs import RunPicture


@dataclass(frozen=True)
class RunRequest:
    """One run as the sidebar defines it: optimizer settings plus the shared start/steps/noise."""

    index: int
    settings: RunSettings
    start: tuple[float, float]
    steps: int
    noise: float
    seed: int
    color: str
    dash: str

    @property
    def family(self) -> str:
        return family_of(self.settings)


@dataclass(frozen=True, eq=False)
class RunResult:
    """A request and what happened: the trajectory, or the reason its settings were refused."""

    request: RunRequest
    label: str
    trajectory: Any | None  # optim_core.Trajectory
    error: str | None = None


def current_runs() -> list[RunRequest]:
    """The runs the sidebar defines right now, each with its colour (by family) and dash (by repeat)."""
    return requests_for([state.run_settings(i) for i in range(state.run_count())], state.shared_settings())


def default_runs() -> list[RunRequest]:
    """The runs a first visit shows: every control at its default (what `current_runs` gives then)."""
    count = int(state.DEFAULTS[state.RUN_COUNT])
    return requests_for([state.default_run(i) for i in range(count)], state.default_shared_settings())


def requests_for(settings: list[RunSettings], shared: state.SharedSettings) -> list[RunRequest]:
    """One request per run's settings, all with the `shared` controls; styles by family and repeat."""
    styles = run_styles([family_of(s) for s in settings])
    return [
        RunRequest(i, s, shared.start, shared.steps, shared.noise, shared.seed, color, dash)
        for i, (s, (color, dash)) in enumerate(zip(settings, styles, strict=True))
    ]


# Runs are computed in whole buckets of steps and cut to the length asked for: dragging the Steps slider
# from 500 to 990 then reuses one 1,000-step run instead of computing fifty. A run of n steps is exactly
# the first n steps of a longer one (same updates, same noise: optim_core draws noise in step order).
STEP_BUCKET = 500


def step_bucket(steps: int) -> int:
    """The run length actually computed for `steps`: the next multiple of STEP_BUCKET (capped)."""
    return max(steps, min(limits.MAX_STEPS, -(-steps // STEP_BUCKET) * STEP_BUCKET))


@st.cache_resource(max_entries=limits.RUN_CACHE_ENTRIES, show_spinner=False)
def _trajectory(
    surface_id: str,
    relevant: tuple[Any, ...],
    start: tuple[float, float],
    steps: int,
    noise: float,
    seed: int | None,
) -> Any:
    """The requested run: the first `steps` steps of the cached run of `step_bucket(steps)` steps."""
    return _bucket_run(surface_id, relevant, start, step_bucket(steps), noise, seed).first_steps(steps)


# A key press moves a run's lr slider one 1-2-5 stop, or the noise slider one NOISE_STEP. The engine's
# cost per step is Python's, not the arithmetic's: a batch of 7 runs takes about as long as one (~30 ms
# for 500 steps here). So a run computed afresh is computed together with the runs those sliders reach in
# up to REACH presses either way: without noise the lr's neighbours, with noise the σ's (the noise
# slider moves every run at once; the lr's neighbours would each draw other noise in a batch, the σ's
# share one draw, optim_core.run). They wait in `_prefetched` until asked for. The arithmetic is
# elementwise, so each is exactly the run computed alone (tests/unit/test_runs.py checks every digit).
REACH = 3
_prefetched: OrderedDict[tuple[Any, ...], Any] = OrderedDict()  # bucket-run arguments -> Trajectory
_prefetched_lock = threading.Lock()  # sessions run their scripts in threads of one process


def noise_around(noise: float, reach: int) -> list[float]:
    """The σ the noise slider reaches from `noise` in 1..`reach` presses either way, above 0 (σ = 0 is
    the run without noise, computed without drawing), nearest first; on the slider's grid of
    NOISE_STEP, rounded as the slider sends them."""
    around = []
    for distance in range(1, reach + 1):
        for sign in (-1, 1):
            level = round(noise + sign * distance * limits.NOISE_STEP, 10)
            if 0 < level <= limits.MAX_NOISE:
                around.append(level)
    return around


@st.cache_resource(max_entries=limits.RUN_CACHE_ENTRIES, show_spinner=False)
def _bucket_run(
    surface_id: str,
    relevant: tuple[Any, ...],
    start: tuple[float, float],
    steps: int,
    noise: float,
    seed: int | None,
) -> Any:
    with _prefetched_lock:
        ready = _prefetched.pop((surface_id, relevant, start, steps, noise, seed), None)
    if ready is not None:
        return ready
    settings = from_relevant(relevant)
    # `around`: (settings, σ) of each run computed with this one; `spec` and `levels` the batch's.
    if noise == 0:
        around = [(replace(settings, lr=lr), noise) for lr in stops_around(settings.lr, LR_STOPS, REACH)]
        spec = replace(settings, lr=np.array([settings.lr, *(s.lr for s, _ in around)])).to_optimizer()
        levels: Any = noise
    else:
        around = [(settings, level) for level in noise_around(noise, REACH)]
        spec = settings.to_optimizer()
        levels = np.array([noise, *(level for _, level in around)])
    try:
        batch = _engine_run(surface_id, spec, start, steps, levels, seed)
    except (ValueError, ArithmeticError):  # let the run alone say what is wrong with it
        return _engine_run(surface_id, settings.to_optimizer(), start, steps, noise, seed)
    runs = [
        _one_of(batch, index, run_settings)
        for index, (run_settings, _) in enumerate([(settings, noise), *around])
    ]
    with _prefetched_lock:
        for (run_settings, level), trajectory in zip(around, runs[1:], strict=True):
            _prefetched[(surface_id, run_settings.relevant(), start, steps, level, seed)] = trajectory
        while len(_prefetched) > limits.RUN_CACHE_ENTRIES:
            _prefetched.popitem(last=False)  # the oldest first
    return runs[0]


def _engine_run(
    surface_id: str, optimizer: Any, start: tuple[float, float], steps: int, noise: Any, seed: int | None
) -> Any:
    from optim_core import run
    from ui.surface_choice import surface_for

    return run(surface_for(surface_id), optimizer, start=start, steps=steps, noise=noise, seed=seed)


def _one_of(batch: Any, index: int, settings: RunSettings) -> Any:
    """Run `index` of a batch over learning rates or σ, as the run of `settings` alone (its own optimizer
    spec; `Trajectory.run` gives it arrays of its own)."""
    return replace(batch.run(index), optimizer=settings.to_optimizer())


def compute(surface_id: str, request: RunRequest) -> RunResult:
    """Run (or fetch from the cache) one request; invalid settings give a RunResult with an error."""
    settings = request.settings
    try:
        optimizer = settings.to_optimizer()
    except ValueError as refusal:
        return RunResult(
            request, f"{CHOICES.get(settings.choice, settings.choice)} (invalid)", None, str(refusal)
        )
    seed = request.seed if request.noise > 0 else None
    try:
        trajectory = _trajectory(
            surface_id, settings.relevant(), request.start, request.steps, request.noise, seed
        )
    except (
        ValueError,
        ArithmeticError,
    ) as refusal:  # e.g. a start the core refuses: say so, never a traceback
        return RunResult(request, optimizer.label, None, f"could not be run: {refusal}")
    return RunResult(request, optimizer.label, trajectory)


def compute_all(surface_id: str, requests: list[RunRequest]) -> list[RunResult]:
    return [compute(surface_id, request) for request in requests]


def picture(result: RunResult) -> RunPicture:
    """What viz/ needs to draw a computed run."""
    trajectory = result.trajectory
    reason = trajectory.stop_reason
    return RunPicture(
        label=result.label,
        color=result.request.color,
        dash=result.request.dash,
        xy=trajectory.xy,
        loss=trajectory.loss,
        distance=_distance(trajectory),
        stop_step=trajectory.diverged_at,
        stop_reason=None if reason is None else str(reason),
    )


def _distance(trajectory: Any) -> np.ndarray:
    cache = trajectory.extra
    if "distance" not in cache:  # computed once per cached trajectory
        cache["distance"] = trajectory.distance_to_minimum()
    return cache["distance"]
