"""The teaching pages' figure builders and formulas: valid plotly figures in the fixed colours, a cursor at
the scrubbed step, formulas whose substituted numbers give the recorded update, honest tables."""

from __future__ import annotations

import math
import re

import numpy as np
import plotly.graph_objects as go
import pytest

from optim_core import SGD, AdaBelief, Adam, RMSProp, regions, run
from optim_core.grids import BasinSpec, HyperparameterGridSpec, SweepSettings, basin_map, hyperparameter_grid
from optim_core.inspection import corrected_second_moment, step_values, update_direction_degrees
from optim_core.sign_descent import direction_study, sign_descent_angle, tilted_plane
from surfaces import get_surface
from viz import algorithms as viz_algorithms
from viz import denominators as viz_denominators
from viz import regions as viz_regions
from viz import sweeps as viz_sweeps
from viz.colors import OPTIMIZER_COLORS
from viz.encoding import decode
from viz.landscape import contour_lines, sample_grid
from viz.lecture import FONT_SIZE, TITLE_SIZE


def valid(figure: dict) -> go.Figure:
    """plotly.py validates every property: an invalid key or value raises."""
    return go.Figure(figure)


def readable(figure: dict) -> None:
    layout = figure["layout"]
    assert layout["title"]["text"]
    assert layout["title"]["font"]["size"] >= TITLE_SIZE
    assert layout["font"]["size"] >= FONT_SIZE


# -- denominators ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def abs_runs():
    surface = get_surface("abs")
    runs = []
    for optimizer in (Adam(lr=0.01), AdaBelief(lr=0.01), SGD(lr=0.01)):
        trajectory = run(surface, optimizer, (-2.5, 0.1), 120)
        runs.append(
            (
                trajectory,
                viz_denominators.DenominatorRun(
                    optimizer.label,
                    OPTIMIZER_COLORS[optimizer.family],
                    "solid",
                    optimizer.name,
                    optimizer.second_moment_symbol,
                    trajectory.xy,
                    trajectory.grad,
                    trajectory.m,
                    corrected_second_moment(trajectory),
                    np.broadcast_to(trajectory.denom, trajectory.grad.shape),
                    np.broadcast_to(trajectory.step_size, trajectory.grad.shape),
                    trajectory.update,
                ),
            )
        )
    return surface, runs


def test_the_abs_lesson_in_numbers(abs_runs):
    """Adam: √v̂_x = √v̂_y; AdaBelief: √ŝ_x far below √ŝ_y once y zigzags (DESIGN.md's |x|+|y| example)."""
    _, runs = abs_runs
    adam, adabelief = runs[0][0], runs[1][0]
    np.testing.assert_allclose(adam.denom[20:80, 0], adam.denom[20:80, 1], rtol=1e-12)
    assert np.all(adabelief.denom[40:70, 0] < 0.4 * adabelief.denom[40:70, 1])


def test_map_figure_puts_heads_at_the_scrubbed_step(abs_runs):
    surface, runs = abs_runs
    lines = contour_lines(sample_grid(surface.f, surface.domain, 60))
    pictures = [picture for _, picture in runs]
    figure = viz_denominators.map_figure(
        lines.x, lines.y, surface.domain, surface.minima, pictures, 30, "t={step}"
    )
    valid(figure)
    readable(figure)
    assert figure["layout"]["title"]["text"] == "t=30"
    heads = [trace for trace in figure["data"] if trace["name"].endswith("after step 30")]
    assert len(heads) == 3
    for head, (trajectory, _) in zip(heads, runs, strict=True):
        assert head["x"] == [pytest.approx(trajectory.xy[30, 0])]
        assert head["marker"]["color"] == OPTIMIZER_COLORS[trajectory.optimizer.family]
    arrows = [a for a in figure["layout"]["annotations"] if a.get("showarrow")]
    assert len(arrows) == 3
    # Arrows start at the position before the step and point along the update.
    adam = runs[0][0]
    assert arrows[0]["ax"] == pytest.approx(adam.xy[29, 0])
    direction = np.array([arrows[0]["x"] - arrows[0]["ax"], arrows[0]["y"] - arrows[0]["ay"]])
    np.testing.assert_allclose(
        direction / np.linalg.norm(direction), adam.update[29] / np.linalg.norm(adam.update[29])
    )


def test_time_series_cursor_follows_the_step_and_sgd_has_no_denominator(abs_runs):
    _, runs = abs_runs
    pictures = [picture for _, picture in runs]
    first = viz_denominators.time_series_figure(pictures, 10, focus="denom")
    later = viz_denominators.time_series_figure(pictures, 90)
    valid(first)
    readable(first)
    assert {shape["x0"] for shape in first["layout"]["shapes"]} == {10}
    assert {shape["x0"] for shape in later["layout"]["shapes"]} == {90}
    assert len(first["layout"]["shapes"]) == 2 * len(viz_denominators.SERIES_ROWS)
    denominator_traces = [t for t in first["data"] if t["xaxis"] in ("x", "x2")]
    assert {t["name"] for t in denominator_traces} == {"Adam (lr=0.01)", "AdaBelief (lr=0.01)"}
    adam_x = next(t for t in denominator_traces if t["name"] == "Adam (lr=0.01)" and t["xaxis"] == "x")
    np.testing.assert_allclose(decode(adam_x["y"]), runs[0][0].denom[:, 0], rtol=1e-6)
    bold = [a["text"] for a in first["layout"]["annotations"] if a["text"].startswith("<b>")]
    assert bold and all(text.startswith("<b>√v̂_t or √ŝ_t, axis ") for text in bold)  # the focused row
    valid(viz_denominators.spread_figure(pictures, 10))


def _evaluate_substituted(latex: str) -> float:
    """Evaluate the middle of an Adam/AdaBelief formula, −lr/(1 − β1^t) · m/(√(v/(1 − β2^t)) + ε)."""
    lines = latex.removeprefix(r"\begin{aligned} ").removesuffix(r" \end{aligned}").split(r" \\ ")
    # lines: &Δx_t, then = the rule and = the numbers, each as two factors (the second one on a · line)
    assert lines[0].startswith(r"&\Delta ") and lines[2].startswith(r"&\qquad\cdot "), lines
    numbers = lines[3].removeprefix("&= ") + r"\cdot" + lines[4].removeprefix(r"&\qquad\cdot ")
    pattern = (
        r"-\\frac\{(?P<lr>[^}]*)\}\{1-(?P<b1>[^^]*)\^\{(?P<t>\d+)\}\}\\cdot\\frac\{(?P<m>[^}]*)\}"
        r"\{\\sqrt\{(?P<v>[^/]*)/\(1-(?P<b2>[^^]*)\^\{\d+\}\)\}\+(?P<eps>.*)\}"
    )
    match = re.fullmatch(pattern, numbers)
    assert match, numbers

    def number(text: str) -> float:
        text = text.replace(r"\times ", "e").replace("10^{", "1e").replace("e1e", "e").rstrip("}")
        return float(text)

    g = {name: number(match[name]) for name in ("lr", "b1", "m", "v", "b2", "eps")}
    t = int(match["t"])
    return -g["lr"] / (1 - g["b1"] ** t) * g["m"] / (math.sqrt(g["v"] / (1 - g["b2"] ** t)) + g["eps"])


@pytest.mark.parametrize("index", [0, 1])
def test_the_formula_with_its_numbers_gives_the_recorded_update(abs_runs, index):
    trajectory = abs_runs[1][index][0]
    for t in (1, 7, 55):
        values = step_values(trajectory, t)
        for axis_index in (0, 1):
            latex = viz_denominators.update_formula_latex(values, axis_index)
            assert latex.startswith(rf"\begin{{aligned}} &\Delta {'xy'[axis_index]}_{{{t}}} \\ &= ")
            symbol = "v" if index == 0 else "s"
            assert rf"\sqrt{{{symbol}_{{{t},{'xy'[axis_index]}}}" in latex
            assert _evaluate_substituted(latex) == pytest.approx(
                trajectory.update[t - 1, axis_index], rel=1e-3
            )


def test_formulas_for_sgd_variants_and_a_stopped_run():
    surface = get_surface("rosenbrock")
    sgd = step_values(run(surface, SGD(lr=0.001), (-1.0, 1.0), 5), 3)
    assert r"\Delta x_{3} &= -\alpha\, g_{3,x}" in viz_denominators.update_formula_latex(sgd, 0)
    momentum = step_values(run(surface, SGD(lr=0.001, momentum=0.9), (-1.0, 1.0), 5), 3)
    assert (
        r"\eta" in viz_denominators.update_formula_latex(momentum, 1) and "momentum 0.9" in momentum.variant
    )
    rms = step_values(run(surface, RMSProp(lr=0.01), (-1.0, 1.0), 5), 2)
    assert r"\sqrt{v_{2,y}}" in viz_denominators.update_formula_latex(rms, 1)
    diverging = run(surface, SGD(lr=1.0), (-2.5, -2.5), 40)
    assert diverging.diverged_at is not None
    late = step_values(diverging, 40)
    assert not late.defined
    assert "undefined" in viz_denominators.update_formula_latex(late, 0)


def test_inspector_rows_and_corrected_moment(abs_runs):
    trajectory = abs_runs[1][1][0]  # AdaBelief
    values = step_values(trajectory, 10)
    rows = {row["quantity"]: row for row in viz_denominators.inspector_rows(values)}
    assert float(rows["g_t (gradient)"]["x"]) == pytest.approx(trajectory.grad[9, 0], rel=1e-5)
    hat = corrected_second_moment(trajectory)[9]
    np.testing.assert_allclose(hat, trajectory.s[9] / (1 - 0.999**10))
    assert float(rows["denominator"]["y"]) == pytest.approx(math.sqrt(hat[1]) + 1e-16, rel=1e-5)
    with pytest.raises(ValueError, match="between 1 and"):
        step_values(trajectory, 0)
    assert update_direction_degrees(np.array([1.0, 1.0])) == pytest.approx(45.0)
    assert math.isnan(update_direction_degrees(np.array([0.0, 0.0])))


def test_latex_numbers():
    assert viz_denominators.latex_number(1e-8) == "10^{-8}"
    assert viz_denominators.latex_number(-2.5e-12) == r"-2.5\times 10^{-12}"
    assert viz_denominators.latex_number(0.05) == "0.05"
    assert viz_denominators.latex_number(float("nan")) == r"\text{undefined}"


# -- regions ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def studies():
    return regions.study_regions(None, regions.Settings())


def test_region_figures(studies):
    x = np.linspace(*regions.DOMAIN, 400)
    curve = viz_regions.curve_figure(x, regions.curve_values(x), studies, regions.curve_values)
    valid(curve)
    readable(curve)
    assert len(curve["layout"]["shapes"]) == 3
    assert [s["x0"] for s in curve["layout"]["shapes"]] == [r.low for r in regions.REGIONS]
    bars = viz_regions.steps_figure(studies)
    valid(bars)
    readable(bars)
    by_name = {trace["name"]: trace for trace in bars["data"]}
    assert by_name["Adam"]["marker"]["color"] == OPTIMIZER_COLORS["adam"]
    assert by_name["AdaBelief"]["y"] == [pytest.approx(s.steps["adabelief"].mean_step) for s in studies]
    assert by_name["ideal step |f′|/|f″|"]["y"] == [pytest.approx(s.ideal_step) for s in studies]


def test_table_markdown_marks_agreement(studies):
    rows = regions.paper_table(studies)
    text = viz_regions.table_markdown(rows)
    lines = text.splitlines()
    assert len(lines) == 2 + len(rows)
    assert all(line.count(" | ") == 3 for line in lines[2:])  # pipes in titles are escaped
    s_line = next(line for line in lines if line.startswith("| s_t"))
    assert "✗ (paper: S)" in s_line
    assert lines[2].count("✓") == 3


def test_a_diverged_step_is_labelled_in_the_bars():
    diverged = regions.study_regions(None, regions.Settings(lr=1.0, history_steps=5))
    # With lr = 1 nothing diverges on this bounded curve; force a label check through the helper instead.
    assert viz_regions._label(math.inf) == "diverged"
    valid(viz_regions.steps_figure(diverged))


# -- algorithms ---------------------------------------------------------------------------------------------
def test_algorithm_rows_mark_adabeliefs_changes_in_blue():
    rows = {row.job: row for row in viz_algorithms.ALGORITHM_ROWS}
    assert r"\color{blue}" in rows["second moment"].adabelief
    assert "(g_t - m_t)^2" in rows["second moment"].adabelief
    assert all(r"\color{blue}" not in row.adam and r"\color{blue}" not in row.sgd for row in rows.values())
    assert rows["first moment (momentum)"].adam == rows["first moment (momentum)"].adabelief
    assert {row.focus for row in rows.values()} >= {"g", "m", "second", "denom", "step_size", "update"}


def test_sign_descent_demo_in_numbers_and_figures():
    studies = direction_study("plane", lr=1e-3, noise=0.1, steps=300)
    sign_angle = sign_descent_angle(tilted_plane(), (0.0, 0.0))
    assert sign_angle == pytest.approx(math.degrees(math.atan(1.0)) - math.degrees(math.atan(0.25)))
    assert studies["adam"].median_angle(50) > 0.8 * sign_angle  # Adam stays near the sign direction
    assert studies["adabelief"].median_angle(50) < 0.4 * sign_angle  # AdaBelief follows the gradient
    quiet = direction_study("plane", lr=1e-3, noise=0.0, steps=100)
    assert quiet["adabelief"].median_angle(50) == pytest.approx(sign_angle, abs=0.5)  # no noise: sign steps
    series = [
        viz_algorithms.DirectionSeries(s.optimizer.label, OPTIMIZER_COLORS[name], s.angles, s.update)
        for name, s in studies.items()
    ]
    angles = viz_algorithms.angle_figure(series, sign_angle, "angles")
    valid(angles)
    assert angles["layout"]["shapes"][0]["y0"] == pytest.approx(sign_angle)
    compass = viz_algorithms.compass_figure(series, np.array([-1.0, -0.25]), 50, "compass")
    valid(compass)
    points = next(t for t in compass["data"] if t["name"] == series[1].label)
    xy = np.stack([decode(points["x"]), decode(points["y"])], axis=1)
    np.testing.assert_allclose(np.linalg.norm(xy, axis=1), 1.0 - 0.08, rtol=1e-5)
    with pytest.raises(ValueError, match="landscape"):
        direction_study("moon")


# -- sweeps -------------------------------------------------------------------------------------------------
def test_heatmap_figure_with_click_grid_and_divergence():
    surface = get_surface("rosenbrock")
    spec = HyperparameterGridSpec("adam", "beta2", (1e-4, 1.0), (0.9, 0.9999), 6, 5, (-1.5, 2.0))
    outcome = hyperparameter_grid(surface, spec, SweepSettings(steps=200, tol=0.05))
    for metric in viz_sweeps.METRICS:
        figure = viz_sweeps.heatmap_figure(
            outcome, metric, surface.min_value, "lr", "log", "beta2", "one_minus_log", "Adam"
        )
        valid(figure)
        readable(figure)
    click = figure["data"][-1]
    assert len(click["customdata"]) == 30
    assert click["customdata"][0][:2] == [pytest.approx(1e-4), pytest.approx(0.9)]
    assert all(trace.get("hoverinfo") == "skip" for trace in figure["data"][:-1])  # clicks reach the markers
    np.testing.assert_allclose(decode(click["x"])[:6], np.log10(outcome.x_values), rtol=1e-6)
    ticks = figure["layout"]["yaxis"]
    assert ticks["ticktext"] == ["0.9", "0.99", "0.999", "0.9999"]
    steps = viz_sweeps.metric_grid(outcome, "steps", surface.min_value)
    assert np.all(np.isnan(steps[outcome.diverged_at >= 0]))
    with pytest.raises(ValueError, match="metric"):
        viz_sweeps.metric_grid(outcome, "speed", None)


def test_click_grid_is_capped_for_large_grids():
    outcome_like = type(
        "Outcome",
        (),
        {
            "x_values": np.logspace(-4, 0, 200),
            "y_values": np.linspace(0, 0.9, 200),
            "steps_to_tolerance": np.zeros((200, 200), dtype=int),
            "diverged_at": -np.ones((200, 200), dtype=int),
            "final_loss": np.ones((200, 200)),
        },
    )()
    figure = viz_sweeps.heatmap_figure(outcome_like, "steps", 0.0, "lr", "log", "momentum", "linear", "SGD")
    assert len(figure["data"][-1]["customdata"]) == viz_sweeps.CLICK_GRID_MAX**2


def test_basin_figures_on_himmelblau():
    surface = get_surface("himmelblau")
    spec = BasinSpec("sgd", (("lr", 0.01),), (-5.0, 5.0), (-5.0, 5.0), 10, 10)
    outcome = basin_map(surface, spec, SweepSettings(steps=300, tol=0.01))
    lines = contour_lines(sample_grid(surface.f, surface.domain, 40))
    figure = viz_sweeps.basin_figure(outcome, surface.minima, lines.x, lines.y, "basins")
    valid(figure)
    readable(figure)
    stars = [t for t in figure["data"] if t["name"].startswith("minimum #")]
    assert len(stars) == 4
    assert "starts per minimum" in figure["layout"]["annotations"][0]["text"]
    valid(viz_sweeps.speed_figure(outcome, "speed"))
