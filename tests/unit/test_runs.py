"""ui/runs.py: a run computed afresh brings the runs its lr slider (with noise: the noise slider) reaches,
each exactly the run alone, each in arrays of its own."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from optim_core import run
from surfaces import get_surface
from ui import runs
from ui.log_stops import LR_STOPS, nearest_stop, stops_around
from ui.run_settings import RunSettings, with_lr
from ui.runs import REACH, RunRequest, compute, noise_around

START = (1.0, 1.5)
QUANTITIES = ("xy", "loss", "grad", "update", "m", "second_moment", "denom", "step_size")


@pytest.fixture
def engine_calls(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Empty run caches, and the optimizer spec of every engine run ui.runs starts from here on."""
    runs._bucket_run.clear()
    runs._trajectory.clear()
    runs._prefetched.clear()
    calls: list[object] = []
    engine_run = runs._engine_run

    def counted(surface_id, optimizer, *arguments):
        calls.append(optimizer)
        return engine_run(surface_id, optimizer, *arguments)

    monkeypatch.setattr(runs, "_engine_run", counted)
    yield calls
    runs._bucket_run.clear()
    runs._trajectory.clear()
    runs._prefetched.clear()


def request(settings: RunSettings, steps: int = 200, noise: float = 0.0, seed: int = 0) -> RunRequest:
    return RunRequest(0, settings, START, steps, noise, seed, "#0072B2", "solid")


def memory_behind(values: np.ndarray) -> np.ndarray:
    """The array that owns the memory `values` views (itself if it owns its memory)."""
    while values.base is not None:
        values = values.base
    return values


def assert_same_run(shown, alone) -> None:
    for name in QUANTITIES:
        assert np.array_equal(getattr(shown, name), getattr(alone, name), equal_nan=True), name
    assert shown.diverged_at == alone.diverged_at and shown.stop_reason == alone.stop_reason
    assert shown.optimizer == alone.optimizer and not shown.batched


def test_stops_around_are_what_key_presses_reach_from_the_slider_shown() -> None:
    assert stops_around(0.05, LR_STOPS, 2) == [0.02, 0.1, 0.01, 0.2]
    # A typed lr between stops: the slider shows the nearest stop, and moves from there.
    assert nearest_stop(0.013, LR_STOPS) == 0.01
    assert stops_around(0.013, LR_STOPS, 1) == [0.01, 0.005, 0.02]
    assert stops_around(LR_STOPS[0], LR_STOPS, 2) == LR_STOPS[1:3]
    assert stops_around(LR_STOPS[-1], LR_STOPS, 1) == [LR_STOPS[-2]]


def test_moving_the_lr_slider_finds_its_runs_computed_with_the_first(engine_calls) -> None:
    first = compute("beale", request(with_lr("adam", 0.05)))
    assert first.trajectory is not None and len(engine_calls) == 1
    assert np.array_equal(engine_calls[0].lr, [0.05, *stops_around(0.05, LR_STOPS, REACH)])
    for lr in (0.1, 0.2, 0.5, 0.02, 0.01, 0.005):  # up to REACH key presses either way
        assert compute("beale", request(with_lr("adam", lr))).trajectory is not None
    assert len(engine_calls) == 1
    compute("beale", request(with_lr("adam", 1.0)))  # four presses away: a run of its own (and its reach)
    assert len(engine_calls) == 2


@pytest.mark.parametrize(
    "settings",
    [
        with_lr("sgd", 0.01),
        with_lr("momentum", 0.01, nesterov=True),
        with_lr("adam", 0.05, amsgrad=True),
        with_lr("adabelief", 0.05),
        with_lr("adabelief", 0.05, rectify=True, amsgrad=True),
        with_lr("rmsprop", 0.01, centered=True, momentum=0.5),
        with_lr("adagrad", 0.5),
    ],
    ids=lambda settings: "-".join(str(v) for v in settings.relevant()),
)
def test_every_run_of_the_batch_is_the_run_computed_alone_to_the_last_digit(engine_calls, settings) -> None:
    surface = get_surface("beale")
    learning_rates = [settings.lr, *stops_around(settings.lr, LR_STOPS, REACH)]
    stopped = 0
    for lr in learning_rates:  # the first computes the batch, the others come from it
        one = replace(settings, lr=lr)
        shown = compute("beale", request(one)).trajectory
        alone = run(surface, one.to_optimizer(), START, 200)
        assert_same_run(shown, alone)
        stopped += alone.diverged_at is not None
    assert len(engine_calls) == 1
    # Each keeps arrays of its own: a view into the batch would keep all 7 runs alive in the cache.
    shown = compute("beale", request(replace(settings, lr=learning_rates[1]))).trajectory
    assert memory_behind(shown.xy).shape == (501, 2) and memory_behind(shown.loss).shape == (501,)
    assert memory_behind(shown.grad).shape == (500, 2)
    assert memory_behind(shown.replay.grad).shape == (500, 2, 1)
    assert all(memory_behind(values).shape == (500, 2, 1) for values in shown.replay.history.values())
    if settings.choice in ("sgd", "momentum"):
        assert stopped > 0  # the batch held runs that diverged next to runs that did not


def test_noise_levels_around_are_on_the_sliders_grid_and_above_zero() -> None:
    assert noise_around(0.15, 3) == [0.1, 0.2, 0.05, 0.25, 0.3]  # σ = 0 is the run without noise
    assert noise_around(9.95, 2) == [9.9, 10.0, 9.85]
    assert all(level == round(level, 2) for level in noise_around(3.35, REACH))


@pytest.mark.parametrize("choice", ["sgd", "adam", "adabelief"])
def test_moving_the_noise_slider_finds_its_runs_computed_with_the_first(engine_calls, choice) -> None:
    surface = get_surface("beale")
    settings = with_lr(choice, 0.01 if choice == "sgd" else 0.05)
    levels = [0.15, *noise_around(0.15, REACH)]
    for level in levels:  # the first computes the batch (one σ per run, one draw), the others come from it
        shown = compute("beale", request(settings, noise=level, seed=7)).trajectory
        alone = run(surface, settings.to_optimizer(), START, 200, noise=level, seed=7)
        assert_same_run(shown, alone)
    assert len(engine_calls) == 1
    # Another seed draws other noise: nothing computed for seed 7 can serve it.
    other = compute("beale", request(settings, noise=0.1, seed=8)).trajectory
    assert_same_run(other, run(surface, settings.to_optimizer(), START, 200, noise=0.1, seed=8))
    assert len(engine_calls) == 2
