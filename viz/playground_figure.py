"""The playground's map: landscape lines, minima, full paths drawn once, and animated heads with short tails.

Size and speed: the full paths are sent once as float32 typed arrays; each frame carries only the heads
(tail + 1 points per run) of the traces it changes (`traces=[...]`, `redraw: false`). With at most
`frame_count` frames the figure grows linearly with the number of steps, not quadratically.

The figure is a plain dict (plotly's JSON schema), built without plotly.py's per-property validation,
which costs ~200 ms per figure (see DESIGN.md); the unit tests validate it with `plotly.graph_objects`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from viz.encoding import rounded_list, typed_array
from viz.landscape import Box, ContourLines, landscape_trace, minima_trace
from viz.runs import RunPicture

FIGURE_HEIGHT = 640
# Under the plot area, in the exported figure: the x axis's labels, plotly's playback buttons, then its step
# scrubber. plotly places both at a fraction of the plot area's height, which the legend's rows above the
# plot change (~310-400 px), so the fractions clear the axis's title (~55 px under the axis) and each other
# at either end, and the margin holds them at the tall end.
CONTROLS_MARGIN = 200
BUTTONS_Y = -0.19
SCRUBBER_Y = -0.31
# px: plotly's modebar stands upright in the right margin, so it never covers the legend above the plot
# (a legend entry is what a click hides or shows a run by).
MARGIN_RIGHT = 40
HEAD_SIZE = 12
FIRST_PATH_INDEX = 3  # the runs' paths follow the landscape, the minima and the start


def frame_steps(steps: int, frame_count: int) -> np.ndarray:
    """The steps shown by the animation frames: at most `frame_count`, evenly spread, first and last kept."""
    count = max(2, min(frame_count, steps + 1))
    return np.unique(np.round(np.linspace(0, steps, count)).astype(int))


def head_windows(run: RunPicture, steps: np.ndarray, tail: int) -> np.ndarray:
    """The `tail + 1` points drawn by a run's head at each of `steps`: positions k−tail ... k.

    Returns an array (len(steps), tail + 1, 2). A run that stopped stays at its last finite position.
    Near the start the window is padded at the front with the first position, so every frame has the
    same length and the head is always the last point.
    """
    last = np.minimum(np.asarray(steps, dtype=int), run.last_valid_index)
    indices = np.maximum(last[:, None] - tail + np.arange(tail + 1)[None, :], 0)
    return run.xy[indices]


def head_points(run: RunPicture, step: int, tail: int) -> np.ndarray:
    """`head_windows` for one step: an array (tail + 1, 2)."""
    return head_windows(run, np.array([step]), tail)[0]


def _padded_box(domain: Box, fraction: float = 0.02) -> Box:
    (x_min, x_max), (y_min, y_max) = domain
    dx, dy = (x_max - x_min) * fraction, (y_max - y_min) * fraction
    return (x_min - dx, x_max + dx), (y_min - dy, y_max + dy)


def _start_trace(start: tuple[float, float]) -> dict[str, Any]:
    return {
        "type": "scatter",
        "mode": "markers",
        "name": "start",
        "x": [float(start[0])],
        "y": [float(start[1])],
        "marker": {"symbol": "circle-open", "size": 14, "color": "black", "line": {"width": 2}},
        "hovertemplate": "start (%{x:.3g}, %{y:.3g})<extra></extra>",
    }


def _path_trace(run: RunPicture, index: int) -> dict[str, Any]:
    return {
        "type": "scatter",
        "mode": "lines",
        "name": run.label,
        "uid": f"path{index}",
        "legendgroup": f"run{index}",
        "x": typed_array(run.xy[:, 0]),
        "y": typed_array(run.xy[:, 1]),
        "line": {"color": run.color, "dash": run.dash, "width": 2},
        "opacity": 0.75,
        "hovertemplate": f"{run.label}<br>step %{{pointNumber}}: (%{{x:.4f}}, %{{y:.4f}})<extra></extra>",
    }


def _stop_trace(run: RunPicture, index: int, box: Box) -> dict[str, Any]:
    """An × where a run that stopped did so, kept inside the view, labelled "diverged at step k" or
    similar."""
    point = run.xy[run.last_valid_index]
    (x_min, x_max), (y_min, y_max) = box
    x = float(np.clip(point[0], x_min, x_max)) if np.isfinite(point[0]) else 0.5 * (x_min + x_max)
    y = float(np.clip(point[1], y_min, y_max)) if np.isfinite(point[1]) else 0.5 * (y_min + y_max)
    return {
        "type": "scatter",
        "mode": "markers+text",
        "name": f"{run.label}: stopped",
        "uid": f"stop{index}",
        "legendgroup": f"run{index}",
        "showlegend": False,
        "x": [x],
        "y": [y],
        "text": [f"{run.label}: {run.stop_text}"],
        "marker": {"symbol": "x", "size": 14, "color": run.color, "line": {"width": 1, "color": "black"}},
        "textposition": "top center",
        "textfont": {"color": run.color, "size": 13},
        "cliponaxis": False,
        "hoverinfo": "text",
    }


def _head_trace(run: RunPicture, index: int, points: np.ndarray, tail: int) -> dict[str, Any]:
    sizes = [0] * tail + [HEAD_SIZE]
    return {
        "type": "scatter",
        "mode": "lines+markers",
        "name": f"{run.label} (now)",
        "uid": f"head{index}",
        "legendgroup": f"run{index}",
        "showlegend": False,
        "x": rounded_list(points[:, 0]),
        "y": rounded_list(points[:, 1]),
        "line": {"color": run.color, "width": 4},
        "marker": {
            "color": run.color,
            "size": sizes,
            "line": {"color": "white", "width": [0] * tail + [2]},
        },
        "unselected": {"marker": {"opacity": 1}},
        "hoverinfo": "skip",
    }


PLAYBACK_SPEEDS: tuple[tuple[str, float], ...] = (("▶ Play", 1.0), ("½×", 0.5), ("2×", 2.0), ("4×", 4.0))


def _animation_controls(steps_shown: np.ndarray, full_animation_ms: int) -> dict[str, Any]:
    """Play buttons at several speeds, pause, and a step scrubber, all client-side (no rerun).

    One pass through every frame takes `full_animation_ms` at 1×; the other buttons play from the
    current frame at that many times the speed.
    """
    still = {"duration": 0, "redraw": False}
    frame_ms = full_animation_ms / max(len(steps_shown), 1)

    def play(label: str, speed: float) -> dict[str, Any]:
        return {
            "label": label,
            "method": "animate",
            "args": [
                None,
                {
                    "frame": {"duration": max(10, round(frame_ms / speed)), "redraw": False},
                    "transition": {"duration": 0},
                    "fromcurrent": True,
                    "mode": "immediate",
                },
            ],
        }

    pause = {
        "label": "❚❚ Pause",
        "method": "animate",
        "args": [[None], {"frame": still, "transition": {"duration": 0}, "mode": "immediate"}],
    }
    buttons = [
        play(*PLAYBACK_SPEEDS[0]),
        pause,
        *(play(label, speed) for label, speed in PLAYBACK_SPEEDS[1:]),
    ]
    return {
        "updatemenus": [
            {
                "type": "buttons",
                "direction": "left",
                "showactive": False,
                "x": 0.0,
                "y": BUTTONS_Y,
                "xanchor": "left",
                "yanchor": "top",
                "pad": {"t": 0, "r": 10},
                "buttons": buttons,
            }
        ],
        "sliders": [
            {
                "active": 0,
                "x": 0.0,
                "len": 1.0,
                "y": SCRUBBER_Y,
                "yanchor": "top",
                "pad": {"t": 0},
                "currentvalue": {"prefix": "step ", "visible": True, "xanchor": "right"},
                "transition": {"duration": 0},
                "steps": [
                    {
                        "label": str(int(step)),
                        "method": "animate",
                        "args": [
                            [str(int(step))],
                            {"frame": still, "transition": {"duration": 0}, "mode": "immediate"},
                        ],
                    }
                    for step in steps_shown
                ],
            }
        ],
    }


def map_figure(
    lines: ContourLines,
    domain: Box,
    minima: Sequence[tuple[float, float]],
    start: tuple[float, float],
    runs: Sequence[RunPicture],
    *,
    frame_count: int = 100,
    tail: int = 8,
    full_animation_ms: int = 6_000,
    title: str = "",
    view_key: str = "",
) -> dict[str, Any]:
    """The animated 2D map as a plotly figure dict.

    Trace order: landscape, minima, start, one full path per run, one stop marker per run that stopped,
    then one animated head per run (the last `len(runs)` traces, the only ones frames touch).
    `view_key` keeps the user's zoom across updates of the same surface (plotly `uirevision`).

    Clicks: the layout sets plotly.js's `clickanywhere`, so a click anywhere on the plot area (not on its
    axes, buttons or scrubber) emits `plotly_click` with the pointer's data coordinates (`xvals`,
    `yvals`), and with the hovered point, if any, in `points`. (An invisible heatmap click layer did the
    same before plotly.js 4.1, for ~4 ms of every `Plotly.react` of the map.)
    """
    box = _padded_box(domain)
    steps = max((run.steps for run in runs), default=0)
    shown = frame_steps(steps, frame_count)
    data = [landscape_trace(lines.x, lines.y)]
    data.append(minima_trace(minima))
    data.append(_start_trace(start))
    data += [_path_trace(run, i) for i, run in enumerate(runs)]
    # A stop marker only for a run that stopped: every trace costs each redraw of the map ~1–2 ms in the
    # browser, and most runs do not stop. So the heads move along when a run starts or stops diverging;
    # their uids keep them matched across updates (plotly.js keeps a trace hidden from the legend by uid).
    data += [_stop_trace(run, i, box) for i, run in enumerate(runs) if run.stop_text is not None]
    head_indices = list(range(len(data), len(data) + len(runs)))
    data += [_head_trace(run, i, head_points(run, 0, tail), tail) for i, run in enumerate(runs)]

    # Frame data as short rounded lists: (frames, runs, tail + 1) numbers per axis, all finite.
    windows = [np.round(head_windows(run, shown, tail), 5) for run in runs]
    xs = [w[:, :, 0].tolist() for w in windows]
    ys = [w[:, :, 1].tolist() for w in windows]
    frames = [
        {
            "name": str(int(step)),
            "data": [{"x": xs[r][f], "y": ys[r][f]} for r in range(len(runs))],
            "traces": head_indices,
        }
        for f, step in enumerate(shown)
    ]

    (x_min, x_max), (y_min, y_max) = box
    aspect = (x_max - x_min) / (y_max - y_min)
    layout: dict[str, Any] = {
        "height": FIGURE_HEIGHT,
        "margin": {"l": 50, "r": MARGIN_RIGHT, "t": 40 if title else 10, "b": CONTROLS_MARGIN},
        "modebar": {"orientation": "v"},
        # The default domains, written out: Plotly.react writes them into the drawn layout when it updates
        # a plot with linked axes, so a figure updated in place and one drawn fresh compare equal.
        "xaxis": {"range": [x_min, x_max], "domain": [0, 1], "title": {"text": "x"}, "zeroline": False},
        "yaxis": {"range": [y_min, y_max], "domain": [0, 1], "title": {"text": "y"}, "zeroline": False},
        "hovermode": "closest",
        "clickanywhere": True,
        "legend": {"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom"},
        "plot_bgcolor": "white",
        "uirevision": view_key or "map",
        **_animation_controls(shown, full_animation_ms),
    }
    if 1 / 3 <= aspect <= 3:
        # Equal units on both axes: a 45° step must look like 45° (the |x|+|y| lesson depends on it).
        layout["yaxis"].update(scaleanchor="x", scaleratio=1)
    if title:
        layout["title"] = {"text": title, "x": 0.01}
    return {"data": data, "layout": layout, "frames": frames}


# px under the plot area for the x axis's tick labels and title, when the page draws the playback controls
AXIS_LABELS_MARGIN = 70


def without_playback_controls(figure: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The map figure without plotly's playback buttons and step scrubber, and what a page needs to draw
    its own under the figure.

    Returns (figure, controls): the figure's bottom margin keeps only the room of the x axis's labels and
    its height shrinks as much, so the plot keeps its size. `controls` holds the buttons (`buttons`: each
    one's label and the arguments of its `Plotly.animate` call, as plotly's own buttons call it), the frame
    each step of the scrubber shows (`frames`), its labels (`labels`, the step numbers) and the prefix of
    the current value ("step "). The figure dict itself is left as it is (the exported HTML keeps plotly's
    controls). Why a page draws its own: plotly redraws its whole scrubber, measuring every label, whenever
    the steps change (every move of Steps changes them), and plotly places its buttons at a fraction of
    the plot's height, which the legend's rows change with the page's width: over the axis's title on a
    narrow one.
    """
    layout = dict(figure["layout"])
    slider, *other_sliders = layout.pop("sliders")
    if other_sliders:
        layout["sliders"] = other_sliders
    playback, *other_menus = layout.pop("updatemenus")
    if other_menus:
        layout["updatemenus"] = other_menus
    margin = layout["margin"]
    layout["margin"] = {**margin, "b": AXIS_LABELS_MARGIN}
    layout["height"] = layout["height"] - (margin["b"] - AXIS_LABELS_MARGIN)
    controls = {
        "buttons": [{"label": button["label"], "args": button["args"]} for button in playback["buttons"]],
        "frames": [step["args"][0][0] for step in slider["steps"]],
        "labels": [step["label"] for step in slider["steps"]],
        "prefix": slider["currentvalue"]["prefix"],
    }
    return {**figure, "layout": layout}, controls


def head_trace_indices(figure: dict[str, Any]) -> list[int]:
    """Indices of the animated traces (what every frame updates)."""
    return list(figure["frames"][0]["traces"]) if figure.get("frames") else []


def path_trace_indices(figure: dict[str, Any]) -> list[int]:
    """Indices of the full-path traces, one per run, in run order."""
    return list(range(FIRST_PATH_INDEX, FIRST_PATH_INDEX + len(head_trace_indices(figure))))
