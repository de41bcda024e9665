"""Grids for the sweeps page: every cell equals the single run it stands for, chunks join seamlessly,
basin codes name the right minimum, and the bounds refuse oversized requests."""

from __future__ import annotations

import numpy as np
import pytest

from optim_core import SGD, AdaBelief, Adam, run
from optim_core.grids import (
    MAX_RESOLUTION,
    NOT_REACHED,
    STOPPED,
    BasinSpec,
    HyperparameterGridSpec,
    SweepSettings,
    assemble,
    axis_values,
    basin_codes,
    basin_map,
    hyperparameter_grid,
    optimizers_for,
    row_chunks,
    run_hyperparameter_rows,
)
from surfaces import get_surface


def test_axis_spacing() -> None:
    np.testing.assert_allclose(axis_values("lr", 1e-3, 1e-1, 3), [1e-3, 1e-2, 1e-1])
    np.testing.assert_allclose(axis_values("beta2", 0.9, 0.999, 3), [0.9, 0.99, 0.999])
    np.testing.assert_allclose(axis_values("beta1", 0.0, 0.9, 4), [0.0, 0.3, 0.6, 0.9])
    with pytest.raises(ValueError, match="cannot sweep"):
        axis_values("eps", 1e-8, 1e-6, 3)
    with pytest.raises(ValueError, match="low < high"):
        axis_values("lr", 1e-1, 1e-3, 3)
    with pytest.raises(ValueError, match="within"):
        axis_values("beta2", 0.9, 1.0, 3)
    with pytest.raises(ValueError, match="points"):
        axis_values("lr", 1e-3, 1e-1, MAX_RESOLUTION + 1)


def test_optimizers_for_each_grid() -> None:
    assert optimizers_for("beta2") == ["adam", "adabelief"]
    assert optimizers_for("momentum") == ["sgd", "rmsprop"]


def test_row_chunks_cover_every_row_once() -> None:
    for rows, columns, steps in ((256, 256, 1000), (7, 3, 10), (128, 128, 500)):
        chunks = row_chunks(rows, columns, steps)
        covered = [row for start, stop in chunks for row in range(start, stop)]
        assert covered == list(range(rows))


def test_every_cell_is_the_run_it_stands_for() -> None:
    surface = get_surface("rosenbrock")
    spec = HyperparameterGridSpec("adam", "beta2", (1e-3, 0.3), (0.9, 0.999), 5, 4, (-1.5, 2.0))
    settings = SweepSettings(steps=300, tol=0.05)
    grid = hyperparameter_grid(surface, spec, settings)
    assert grid.shape == (4, 5)
    lr, beta2 = spec.lr_values(), spec.y_values()
    for row, column in ((0, 0), (3, 4), (2, 1)):
        trajectory = run(surface, Adam(lr=lr[column], betas=(0.9, beta2[row])), (-1.5, 2.0), 300)
        expected_reach = trajectory.steps_to_tolerance(0.05)
        assert grid.steps_to_tolerance[row, column] == (-1 if expected_reach is None else expected_reach)
        assert grid.final_loss[row, column] == pytest.approx(trajectory.final_loss, rel=1e-9, abs=1e-300)


def test_chunks_assemble_into_the_whole_grid() -> None:
    surface = get_surface("booth")
    spec = HyperparameterGridSpec("adabelief", "beta1", (1e-3, 1.0), (0.0, 0.95), 6, 5, (-8.0, -8.0))
    settings = SweepSettings(steps=100)
    whole = run_hyperparameter_rows(surface, spec, settings, 0, 5)
    parts = assemble([run_hyperparameter_rows(surface, spec, settings, a, b) for a, b in ((0, 2), (2, 5))])
    np.testing.assert_array_equal(whole.steps_to_tolerance, parts.steps_to_tolerance)
    np.testing.assert_array_equal(whole.final_loss, parts.final_loss)
    np.testing.assert_array_equal(whole.y_values, parts.y_values)
    # AdaBelief from optimizer_for is the paper's Algorithm 2 (rectify off).
    optimizer = spec.optimizer_for(np.array([0.1]), np.array([0.5]))
    assert isinstance(optimizer, AdaBelief) and optimizer.rectify is False
    assert optimizer.betas[1] == 0.999


def test_progress_reaches_one_and_divergence_is_marked() -> None:
    surface = get_surface("rosenbrock")
    spec = HyperparameterGridSpec("sgd", "momentum", (1e-4, 1.0), (0.0, 0.9), 4, 3, (-2.5, -2.5))
    fractions: list[float] = []
    grid = hyperparameter_grid(surface, spec, SweepSettings(steps=200), progress=fractions.append)
    assert fractions[-1] == pytest.approx(1.0)
    assert grid.diverged[:, -1].all()  # SGD at lr = 1 on raw Rosenbrock blows up
    assert not grid.diverged[:, 0].any()
    single = run(surface, SGD(lr=1.0, momentum=0.0), (-2.5, -2.5), 200)
    assert grid.diverged_at[0, -1] == single.diverged_at


def test_basin_map_on_himmelblau_finds_all_four_minima() -> None:
    surface = get_surface("himmelblau")
    spec = BasinSpec("adam", (("lr", 0.05),), (-5.0, 5.0), (-5.0, 5.0), 12, 12)
    grid = basin_map(surface, spec, SweepSettings(steps=600, tol=1e-2))
    assert grid.basin is not None and grid.basin.shape == (12, 12)
    assert set(np.unique(grid.basin)) >= {0, 1, 2, 3}
    # A start right next to a minimum ends in that minimum's basin.
    for index, (mx, my) in enumerate(surface.minima):
        column = int(np.argmin(np.abs(grid.x_values - mx)))
        row = int(np.argmin(np.abs(grid.y_values - my)))
        assert grid.basin[row, column] == index


def test_basin_codes() -> None:
    minima = [(0.0, 0.0), (3.0, 3.0)]
    final_xy = np.array([[0.001, 0.0], [2.9, 3.1], [1.5, 1.5], [np.nan, np.nan]])
    codes = basin_codes(
        final_xy, np.array([True, True, False, False]), np.array([False, False, False, True]), minima
    )
    np.testing.assert_array_equal(codes, [0, 1, NOT_REACHED, STOPPED])


def test_oversized_and_invalid_grids_are_refused_with_a_clear_message() -> None:
    surface = get_surface("booth")
    big = HyperparameterGridSpec("adam", "beta2", (1e-3, 1.0), (0.9, 0.999), 256, 256, (0.0, 0.0))
    with pytest.raises(ValueError, match="more than this server allows"):
        hyperparameter_grid(surface, big, SweepSettings(steps=5_000))
    with pytest.raises(ValueError, match="no momentum"):
        HyperparameterGridSpec("adam", "momentum", (1e-3, 1.0), (0.0, 0.9), 4, 4, (0.0, 0.0)).validate(10)
    with pytest.raises(ValueError, match="low < high"):
        BasinSpec("sgd", (("lr", 0.01),), (1.0, -1.0), (0.0, 1.0), 4, 4).validate(10)
    with pytest.raises(ValueError, match="lr"):
        BasinSpec("sgd", (("lr", -0.01),), (-1.0, 1.0), (0.0, 1.0), 4, 4).validate(10)
