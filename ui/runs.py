"""The current list of runs: settings from the sidebar, their fixed style, and cached trajectories.

A run is computed once per (surface, relevant settings, start, steps, noise, seed) and kept in a
bounded cache, so moving one run's slider recomputes that run only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import streamlit as st

from ui import limits, state
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
    shared = state.shared_settings()
    settings = [state.run_settings(i) for i in range(state.run_count())]
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


@st.cache_resource(max_entries=limits.RUN_CACHE_ENTRIES, show_spinner=False)
def _bucket_run(
    surface_id: str,
    relevant: tuple[Any, ...],
    start: tuple[float, float],
    steps: int,
    noise: float,
    seed: int | None,
) -> Any:
    from optim_core import run
    from ui.surface_choice import surface_for

    optimizer = from_relevant(relevant).to_optimizer()
    return run(surface_for(surface_id), optimizer, start=start, steps=steps, noise=noise, seed=seed)


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
