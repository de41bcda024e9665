"""The three-regions lesson: the curve has the regions it claims, the steps come from the real optimizers,
and the S/L table follows its stated rules."""

from __future__ import annotations

import math

import numpy as np
import pytest

from optim_core import SGD, Adam, regions, run
from optim_core.regions import (
    PAPER_TABLE,
    REGIONS,
    Settings,
    curvature,
    curve_surface,
    gradient,
    ideal_step,
    paper_table,
    small_or_large,
    study_point,
    study_regions,
)

FLAT, VALLEY, SLOPE = REGIONS


def test_derivatives_match_finite_differences_of_the_curve() -> None:
    for x in (1.5, 4.97, 5.05, 9.5):
        h = 1e-5
        values = regions.curve_values(np.array([x - h, x, x + h]))
        assert gradient(x) == pytest.approx((values[2] - values[0]) / (2 * h), rel=1e-5, abs=1e-8)
        assert curvature(x) == pytest.approx((values[2] - 2 * values[1] + values[0]) / h**2, rel=1e-3)


def test_each_region_has_the_shape_its_name_promises() -> None:
    def over(region: regions.Region, fn) -> np.ndarray:
        return np.array([fn(x) for x in np.linspace(region.low, region.high, 41)])

    flat_gradient = np.abs(over(FLAT, gradient))
    flat_curvature = np.abs(over(FLAT, curvature))
    slope_gradient = np.abs(over(SLOPE, gradient))
    slope_curvature = np.abs(over(SLOPE, curvature))
    valley_curvature = over(VALLEY, curvature)
    assert flat_gradient.max() < 0.1 and flat_curvature.max() < 0.05
    assert slope_gradient.min() > 2.5 and slope_curvature.max() < 0.5
    assert valley_curvature.min() > 50  # the valley is convex and steep across its whole interval
    # The valley's bottom is the curve's minimum.
    assert VALLEY.low < regions.curve_minimum() < VALLEY.high
    assert gradient(regions.curve_minimum()) == pytest.approx(0.0, abs=1e-9)


def test_ideal_step_is_the_newton_step() -> None:
    x = SLOPE.default_point
    assert ideal_step(x) == pytest.approx(abs(gradient(x)) / abs(curvature(x)))
    assert ideal_step(SLOPE.default_point) > 10 * ideal_step(VALLEY.default_point)
    assert ideal_step(FLAT.default_point) > 10 * ideal_step(VALLEY.default_point)


def test_the_embedded_surface_does_not_move_along_y() -> None:
    surface = curve_surface()
    gx, gy = surface.grad(np.array([1.5, 9.5]), np.array([0.3, -0.2]))
    np.testing.assert_allclose(gy, 0.0)
    np.testing.assert_allclose(gx, [gradient(1.5), gradient(9.5)], rtol=1e-12)


def test_steps_come_from_the_real_optimizer_runs() -> None:
    settings = Settings(lr=0.02, history_steps=12)
    study = study_point(SLOPE, 9.0, settings)
    reference = run(curve_surface(), Adam(lr=0.02), (9.0, 0.0), 12)
    assert study.steps["adam"].mean_step == pytest.approx(np.abs(reference.update[:, 0]).mean(), rel=1e-12)
    assert study.steps["adam"].denominator == pytest.approx(reference.denom[-1, 0], rel=1e-12)
    np.testing.assert_allclose(study.steps["adam"].path, reference.xy[:, 0])
    # SGD's step on a nearly straight slope is lr·|g|.
    sgd = run(curve_surface(), SGD(lr=0.02), (9.0, 0.0), 12)
    assert study.steps["sgd"].mean_step == pytest.approx(np.abs(sgd.update[:, 0]).mean(), rel=1e-12)
    assert study.steps["sgd"].mean_step == pytest.approx(0.02 * abs(gradient(9.0)), rel=0.05)


def test_a_large_lr_throws_sgd_out_of_the_valley() -> None:
    study = study_point(VALLEY, 5.05, Settings(lr=5.0, history_steps=50))
    path = study.steps["sgd"].path
    assert np.nanmax(np.abs(path - 5.0)) > 10 * (VALLEY.high - VALLEY.low)
    assert study.steps["sgd"].first_exit(VALLEY) == 1
    assert study_point(VALLEY, 5.05, Settings()).steps["adam"].first_exit(VALLEY) is None


def test_a_diverging_run_is_reported_as_an_infinite_step_not_an_error() -> None:
    settings = Settings(lr=1e5, history_steps=5)
    sgd = study_point(VALLEY, 5.05, settings).steps["sgd"]
    assert sgd.diverged_at is not None and sgd.stop_reason == "diverged"
    assert math.isinf(sgd.mean_step)
    table = paper_table(study_regions({"valley": 5.05}, settings))
    sgd_row = next(row for row in table if row.key == "sgd")
    assert sgd_row.marks[1] == "L"


def test_point_outside_its_region_and_bad_settings_raise_value_error() -> None:
    with pytest.raises(ValueError, match="outside"):
        study_point(VALLEY, 7.0, Settings())
    with pytest.raises(ValueError, match="history_steps"):
        study_point(VALLEY, 5.0, Settings(history_steps=0))
    with pytest.raises(ValueError, match="beta2"):
        study_point(VALLEY, 5.0, Settings(beta2=1.0))


def test_small_or_large_rules() -> None:
    assert small_or_large([1.0, 100.0, 50.0]) == ["S", "L", "L"]
    assert small_or_large([1.0, 1.2, 1.4]) == ["≈", "≈", "≈"]
    assert small_or_large([math.inf, 1.0, 0.01]) == ["L", "L", "S"]
    assert small_or_large([math.nan, 1.0, 2.0])[0] == "?"


def test_default_lesson_fills_table_one_and_says_where_it_agrees() -> None:
    table = paper_table(study_regions(None, Settings()))
    assert [row.key for row in table] == list(PAPER_TABLE)
    marks = {row.key: row.marks for row in table}
    # What the default settings show (the page explains the one difference, s_t in region 3).
    assert marks["gradient"] == ("S", "L", "L")
    assert marks["v"] == ("S", "L", "L")
    assert marks["gradient_change"] == ("S", "L", "S")
    assert marks["ideal"] == ("L", "S", "L")
    assert marks["sgd"] == ("S", "L", "L")
    assert marks["adam"] == ("L", "S", "S")
    assert marks["adabelief"] == ("L", "S", "L")
    s_row = next(row for row in table if row.key == "s")
    assert s_row.agreements == (True, True, False)  # s_t still remembers the warm-up in region 3
    assert s_row.values[2] > s_row.values[0]


def test_moving_the_learning_rate_changes_the_steps() -> None:
    slow = study_point(SLOPE, 9.5, Settings(lr=0.001))
    fast = study_point(SLOPE, 9.5, Settings(lr=0.01))
    for name in ("sgd", "adam", "adabelief"):
        assert fast.steps[name].mean_step > 5 * slow.steps[name].mean_step
