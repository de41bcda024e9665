"""The pure figure builders in viz/: valid plotly figures, small, with the animation contract kept."""

from __future__ import annotations

import itertools
import json

import numpy as np
import plotly.graph_objects as go
import pytest

from viz.colors import DASHES, OPTIMIZER_COLORS, run_styles
from viz.curves import DISTANCE_PANEL, LOSS_PANEL, curves_figure
from viz.encoding import decode, typed_array, typed_grid
from viz.export import csv_text, standalone_html
from viz.landscape import LINE_TOLERANCE, contour_levels, contour_lines, kept_vertices, sample_grid
from viz.playground_figure import (
    AXIS_LABELS_MARGIN,
    frame_steps,
    head_points,
    head_trace_indices,
    map_figure,
    without_playback_controls,
)
from viz.runs import RunPicture
from viz.surface3d import surface_figure

DOMAIN = ((-3.0, 3.0), (-3.0, 3.0))


def bowl(x, y):
    return x**2 + 4 * y**2


def spiral_run(
    steps: int, color: str = "#0072B2", dash: str = "solid", stop_at: int | None = None
) -> RunPicture:
    t = np.linspace(0, 1, steps + 1)
    xy = np.stack([2.5 * (1 - t) * np.cos(8 * t), 2.5 * (1 - t) * np.sin(8 * t)], axis=1)
    loss = bowl(xy[:, 0], xy[:, 1])
    if stop_at is not None:
        xy[stop_at + 1 :] = np.nan
        loss[stop_at + 1 :] = np.nan
    distance = np.hypot(xy[:, 0], xy[:, 1])
    reason = "diverged" if stop_at is not None else None
    return RunPicture("Adam (lr=0.1)", color, dash, xy, loss, distance, stop_at, reason)


@pytest.fixture(scope="module")
def lines():
    return contour_lines(sample_grid(bowl, DOMAIN, 80), count=12)


def test_typed_arrays_round_trip():
    values = np.array([0.5, -1.25, np.nan, 3.0])
    assert np.array_equal(decode(typed_array(values, "f8")), values, equal_nan=True)
    grid = np.arange(6.0).reshape(2, 3)
    assert np.array_equal(decode(typed_grid(grid)), grid)


def test_run_styles_keep_family_colour_and_change_dash_for_repeats():
    styles = run_styles(["adam", "sgd", "adam", "adabelief", "adam"])
    assert [color for color, _ in styles] == [
        OPTIMIZER_COLORS[f] for f in ("adam", "sgd", "adam", "adabelief", "adam")
    ]
    assert [dash for _, dash in styles] == [DASHES[0], DASHES[0], DASHES[1], DASHES[0], DASHES[2]]


def test_contour_lines_lie_on_their_levels(lines):
    x, y = lines.x, lines.y
    finite = np.isfinite(x)
    assert finite.sum() > 100 and (~finite).sum() >= len(lines.levels) - 1  # NaN separates the pieces
    values = bowl(x[finite], y[finite])
    nearest_level = np.min(np.abs(values[:, None] - lines.levels[None, :]), axis=1)
    assert np.all(nearest_level < 0.05 * lines.levels.max())


def chord_distances(original: np.ndarray, simplified: np.ndarray) -> np.ndarray:
    """How far each vertex of the polyline `original` lies from the chord of `simplified` that replaced
    it (`simplified` must be a subset of its vertices, in order, ends included)."""
    kept = [0]  # matched in order, so a closed line's last vertex (equal to its first) matches the end
    for point in simplified[1:]:
        later = np.flatnonzero((original[kept[-1] + 1 :] == point).all(axis=1))
        assert later.size, "the simplified line holds a vertex that is not the original's next ones"
        kept.append(kept[-1] + 1 + int(later[0]))
    assert np.array_equal(simplified[0], original[0]) and kept[-1] == len(original) - 1
    distances = np.zeros(len(original))
    for first, last in itertools.pairwise(kept):
        a, b = original[first], original[last]
        inner = original[first + 1 : last] - a
        chord = b - a
        cross = np.abs(chord[0] * inner[:, 1] - chord[1] * inner[:, 0])
        distances[first + 1 : last] = cross / np.hypot(chord[0], chord[1])
    return distances


def simplify(points: np.ndarray, tolerance: float) -> np.ndarray:
    return points[kept_vertices(points, tolerance)]


def test_simplification_keeps_every_dropped_vertex_within_tolerance():
    rng = np.random.default_rng(3)
    t = np.linspace(0, 1, 2_000)
    wiggly = np.column_stack([t, 0.05 * np.sin(40 * t) + 1e-4 * rng.standard_normal(t.size)])
    simplified = simplify(wiggly, 1e-3)
    assert 20 < len(simplified) < 400  # far fewer vertices, but the wiggles stay
    assert chord_distances(wiggly, simplified).max() <= 1e-3
    # A straight line needs only its ends; a zigzag taller than the tolerance keeps every corner.
    line = np.column_stack([t, 2 * t])
    assert np.array_equal(simplify(line, 1e-9), line[[0, -1]])
    zigzag = np.column_stack([np.arange(9.0), np.arange(9) % 2 * 0.1])
    assert np.array_equal(simplify(zigzag, 0.05), zigzag)
    for few in (np.empty((0, 2)), zigzag[:1], zigzag[:2]):  # nothing to drop
        assert np.array_equal(simplify(few, 0.05), few)


def test_simplification_keeps_line_breaks_and_closed_lines():
    angle = np.linspace(0, 2 * np.pi, 400)
    circle = np.column_stack([np.cos(angle), np.sin(angle)])  # closed: first point == last point
    two_lines = np.concatenate([circle, [[np.nan, np.nan]], 0.5 * circle])
    simplified = simplify(two_lines, 1e-3)
    breaks = np.flatnonzero(np.isnan(simplified[:, 0]))
    assert len(breaks) == 1
    outer, inner = simplified[: breaks[0]], simplified[breaks[0] + 1 :]
    for original, kept in ((circle, outer), (0.5 * circle, inner)):
        assert np.array_equal(kept[0], original[0]) and np.array_equal(kept[-1], original[-1])
        assert 10 < len(kept) < 200
        assert chord_distances(original, kept).max() <= 1e-3


def test_contour_lines_are_simplified_within_tolerance_of_the_box():
    grid = sample_grid(bowl, DOMAIN, 140)
    full = contour_lines(grid, count=12, tolerance=0.0)
    simplified = contour_lines(grid, count=12)
    assert len(simplified.x) < 0.5 * len(full.x)
    assert np.isnan(simplified.x).sum() == np.isnan(full.x).sum()  # the same lines, each still whole
    width = DOMAIN[0][1] - DOMAIN[0][0]  # a square box: one scale for both axes
    pieces = np.split(np.column_stack([full.x, full.y]), np.flatnonzero(np.isnan(full.x)))
    kept_pieces = np.split(
        np.column_stack([simplified.x, simplified.y]), np.flatnonzero(np.isnan(simplified.x))
    )
    for original, kept in zip(pieces, kept_pieces, strict=True):
        original, kept = original[np.isfinite(original[:, 0])], kept[np.isfinite(kept[:, 0])]
        assert chord_distances(original, kept).max() <= LINE_TOLERANCE * width * (1 + 1e-9)


def test_contour_levels_skip_undefined_values_and_the_minimum():
    z = np.array([[np.nan, 1.0, 2.0], [3.0, 4.0, np.nan]])
    levels = contour_levels(z, 5)
    assert np.all(np.isfinite(levels)) and levels.min() > 1.0 and np.all(np.diff(levels) > 0)


def test_frame_steps_are_capped_and_keep_both_ends():
    shown = frame_steps(5000, 100)
    assert len(shown) == 100 and shown[0] == 0 and shown[-1] == 5000
    assert list(frame_steps(3, 100)) == [0, 1, 2, 3]


def test_head_points_pad_at_the_start_and_hold_after_a_stop():
    run = spiral_run(50, stop_at=20)
    first = head_points(run, 0, tail=4)
    assert first.shape == (5, 2) and np.all(first == run.xy[0])
    held = head_points(run, 40, tail=4)
    assert np.array_equal(held[-1], run.xy[20]) and np.all(np.isfinite(held))


def test_map_figure_is_valid_plotly_and_animates_only_the_heads(lines):
    runs = [spiral_run(300), spiral_run(300, "#E69F00"), spiral_run(300, "#0072B2", "dash")]
    figure = map_figure(lines, DOMAIN, [(0.0, 0.0)], (2.5, 0.0), runs, frame_count=60, tail=6)
    go.Figure(figure)  # raises if any property is outside plotly's schema
    heads = head_trace_indices(figure)
    assert heads == [len(figure["data"]) - 3 + i for i in range(3)]
    assert len(figure["frames"]) == 60
    for frame in figure["frames"]:
        assert frame["traces"] == heads
        assert [len(d["x"]) for d in frame["data"]] == [7, 7, 7]
    slider_steps = figure["layout"]["sliders"][0]["steps"]
    assert [s["args"][0][0] for s in slider_steps] == [f["name"] for f in figure["frames"]]
    play = figure["layout"]["updatemenus"][0]["buttons"][0]["args"][1]
    assert play["frame"]["redraw"] is False
    paths = [t for t in figure["data"] if t["name"].startswith("Adam") and t["mode"] == "lines"]
    assert [(p["line"]["color"], p["line"]["dash"]) for p in paths] == [
        ("#0072B2", "solid"),
        ("#E69F00", "solid"),
        ("#0072B2", "dash"),
    ]
    assert np.allclose(decode(paths[0]["x"]), runs[0].xy[:, 0], atol=1e-6)


def test_a_page_can_draw_the_playback_controls_itself_and_the_figure_keeps_the_rest(lines):
    runs = [spiral_run(300), spiral_run(300, "#E69F00")]
    figure = map_figure(lines, DOMAIN, [(0.0, 0.0)], (2.5, 0.0), runs, frame_count=60, tail=6)
    plotly_steps = figure["layout"]["sliders"][0]["steps"]
    plotly_buttons = figure["layout"]["updatemenus"][0]["buttons"]
    live, controls = without_playback_controls(figure)
    go.Figure(live)
    assert "sliders" not in live["layout"] and figure["layout"]["sliders"]  # the export keeps plotly's
    assert "updatemenus" not in live["layout"] and plotly_buttons
    assert live["layout"]["margin"]["b"] == AXIS_LABELS_MARGIN < figure["layout"]["margin"]["b"]
    plot_height = figure["layout"]["height"] - figure["layout"]["margin"]["b"]
    assert live["layout"]["height"] - live["layout"]["margin"]["b"] == plot_height  # the plot keeps its size
    assert live["frames"] is figure["frames"] and live["data"] is figure["data"]
    assert controls["buttons"] == [{"label": b["label"], "args": b["args"]} for b in plotly_buttons]
    assert [b["label"] for b in controls["buttons"]] == ["▶ Play", "❚❚ Pause", "½×", "2×", "4×"]
    assert controls["frames"] == [frame["name"] for frame in figure["frames"]]
    assert controls["labels"] == [step["label"] for step in plotly_steps]
    assert controls["labels"][0] == "0" and controls["labels"][-1] == "300"
    assert controls["prefix"] == figure["layout"]["sliders"][0]["currentvalue"]["prefix"] == "step "


def test_a_click_anywhere_on_the_map_reports_a_point(lines):
    """plotly.js's clickanywhere: clicks on empty plot area emit plotly_click too (no click-layer trace)."""
    figure = map_figure(lines, DOMAIN, [], (2.5, 0.0), [spiral_run(50)])
    assert figure["layout"]["clickanywhere"] is True
    assert not [trace for trace in figure["data"] if trace["type"] == "heatmap"]


def test_play_buttons_offer_speeds_and_pause(lines):
    figure = map_figure(
        lines, DOMAIN, [], (2.5, 0.0), [spiral_run(300)], frame_count=50, full_animation_ms=5000
    )
    buttons = {
        b["label"]: b["args"][1]["frame"]["duration"] for b in figure["layout"]["updatemenus"][0]["buttons"]
    }
    assert buttons["▶ Play"] == 100 and buttons["½×"] == 200 and buttons["2×"] == 50 and buttons["4×"] == 25
    assert buttons["❚❚ Pause"] == 0


def test_map_figure_labels_a_stopped_run_inside_the_view(lines):
    run = spiral_run(100, stop_at=30)
    run.xy[30] = [50.0, -80.0]  # the last finite point is far outside the box
    still_going = spiral_run(100, color="#E69F00")
    figure = map_figure(lines, DOMAIN, [(0.0, 0.0)], (2.5, 0.0), [run, still_going])
    (stop,) = [t for t in figure["data"] if t["name"].endswith("stopped")]  # none for the run that goes on
    assert stop["text"] == ["Adam (lr=0.1): diverged at step 30"]
    assert -3.2 < stop["x"][0] < 3.2 and -3.2 < stop["y"][0] < 3.2
    heads = [figure["data"][i] for i in head_trace_indices(figure)]  # frames still move the heads only
    assert [head["name"] for head in heads] == ["Adam (lr=0.1) (now)"] * 2
    assert [head["line"]["color"] for head in heads] == [run.color, still_going.color]
    # The heads sit one place later than without the stop marker, under the same uids.
    neither_stopped = map_figure(lines, DOMAIN, [(0.0, 0.0)], (2.5, 0.0), [spiral_run(100), still_going])
    uids = [t.get("uid") for t in figure["data"]]
    assert [uids[i] for i in head_trace_indices(figure)] == ["head0", "head1"]
    assert [neither_stopped["data"][i]["uid"] for i in head_trace_indices(neither_stopped)] == [
        "head0",
        "head1",
    ]
    assert uids[3:5] == ["path0", "path1"] and "stop0" in uids and "stop1" not in uids


def test_map_figure_for_four_runs_of_1000_steps_is_small(lines):
    runs = [spiral_run(1000) for _ in range(4)]
    figure = map_figure(lines, DOMAIN, [(0.0, 0.0)], (2.5, 0.0), runs)
    size = len(json.dumps(figure))
    assert size < 500_000


def test_figure_grows_linearly_not_quadratically_with_steps(lines):
    def size(steps: int) -> int:
        runs = [spiral_run(steps) for _ in range(4)]
        return len(json.dumps(map_figure(lines, DOMAIN, [], (2.5, 0.0), runs)))

    small, large = size(1000), size(4000)
    path_bytes_per_step = 4 * 2 * 4 * 4 / 3  # 4 runs, x and y, float32, base64
    assert large - small < 1.2 * path_bytes_per_step * 3000 + 10_000


def test_curves_use_log_axes_share_the_step_axis_and_mark_the_stop():
    runs = [spiral_run(200), spiral_run(200, "#E69F00", stop_at=50)]
    figure = curves_figure(runs, min_value=0.0, with_distance=True)
    go.Figure(figure)  # raises if any property is outside plotly's schema
    layout = figure["layout"]
    assert layout["yaxis"]["type"] == "log" and layout["yaxis2"]["type"] == "log"
    assert layout["xaxis"]["matches"] == "x2"  # zooming the steps of one panel zooms the other
    assert layout["yaxis"]["domain"][0] > layout["yaxis2"]["domain"][1]  # loss above, distance below
    titles = [a["text"] for a in layout["annotations"]]
    assert titles == ["Loss gap f(x, y) − f* (log scale)", "Distance to nearest minimum (log scale)"]
    for panel, what in ((LOSS_PANEL, runs[1].loss), (DISTANCE_PANEL, runs[1].distance)):
        traces = [t for t in figure["data"] if (t["xaxis"], t["yaxis"]) == panel]
        lines = [t for t in traces if t["mode"] == "lines"]
        assert [t["line"]["color"] for t in lines] == ["#0072B2", "#E69F00"]
        assert np.array_equal(decode(lines[1]["y"]), what, equal_nan=True)
        (stop,) = [t for t in traces if t["mode"] == "markers+text"]
        assert stop["text"] == ["diverged at step 50"] and stop["x"] == [50]


def test_curves_without_known_minima_show_the_loss_alone():
    run = spiral_run(20)
    negative = RunPicture(run.label, run.color, run.dash, run.xy, run.loss - 10, run.distance)
    figure = curves_figure([negative], min_value=None, with_distance=False)
    go.Figure(figure)
    assert figure["layout"]["yaxis"]["type"] == "linear"  # f itself, and it goes negative
    assert "yaxis2" not in figure["layout"] and len(figure["data"]) == 1
    assert figure["layout"]["annotations"][0]["text"] == "Loss f(x, y)"
    above_zero = RunPicture(run.label, run.color, run.dash, run.xy, np.abs(run.loss) + 1, run.distance)
    positive = curves_figure([above_zero], min_value=None, with_distance=False)
    assert positive["layout"]["yaxis"]["type"] == "log"
    assert positive["layout"]["annotations"][0]["text"] == "Loss f(x, y) (log scale)"


def test_surface_figure_is_valid_and_cuts_the_walls():
    grid = sample_grid(lambda x, y: np.exp(np.abs(x)) + y**2, DOMAIN, 30)
    figure = surface_figure(grid, [(0.0, 0.0)], [1.0], [spiral_run(100)])
    go.Figure(figure)
    z = decode(figure["data"][0]["z"])
    assert z.shape == (30, 30) and z.max() < grid.z.max()
    assert "cut at" in figure["layout"]["scene"]["zaxis"]["title"]["text"]


def test_surface_figure_keeps_its_box_when_a_run_flies_away():
    grid = sample_grid(bowl, DOMAIN, 20)
    run = spiral_run(10)
    run.xy[5:] = [[-40.0, 90.0]]
    figure = surface_figure(grid, [], [], [run])
    path = figure["data"][1]
    assert np.all(np.isnan(decode(path["x"])[5:])) and np.all(np.isfinite(decode(path["x"])[:5]))
    assert figure["layout"]["scene"]["xaxis"]["range"] == [-3.0, 3.0]


def test_standalone_html_carries_plotly_and_the_frames(lines):
    figure = map_figure(lines, DOMAIN, [(0.0, 0.0)], (2.5, 0.0), [spiral_run(50)], frame_count=10)
    html = standalone_html(figure, "Bowl <test>")
    assert "Plotly.newPlot" in html and "addFrames" in html
    assert len(html) > 1_000_000  # plotly.js itself is inline: the file plays offline
    assert "<script src=" not in html and "Bowl &lt;test&gt;" in html


def test_csv_text_quotes_labels_and_blanks_non_finite():
    text = csv_text(["a", "b"], [["SGD (lr=0.1, momentum=0.9)", float("nan")], ["x", 1.5]])
    assert text.splitlines() == ["a,b", '"SGD (lr=0.1, momentum=0.9)",', "x,1.5"]
