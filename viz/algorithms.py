"""The algorithms side by side (Adam's Algorithm 1, AdaBelief's Algorithm 2, SGD with momentum) and the
sign-descent demo's figures.

`ALGORITHM_ROWS` holds the three algorithms line by line as LaTeX, aligned so that the lines doing the
same job sit in one row; what AdaBelief changes is in blue, as in the paper. Each row names the quantity
it produces on the denominators page (`focus`, the value of that page's `den_focus` parameter).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from viz.encoding import typed_array
from viz.lecture import arrow, axis, base_layout

BLUE = r"\color{blue}"


@dataclass(frozen=True)
class AlgorithmRow:
    """One line of the three algorithms: its job, the LaTeX of each, the denominators page's focus."""

    job: str
    sgd: str
    adam: str
    adabelief: str
    focus: str | None  # den_focus value on the denominators page, None when the page has no view of it


ALGORITHM_ROWS: tuple[AlgorithmRow, ...] = (
    AlgorithmRow(
        "initialise",
        r"b_0 \leftarrow 0",
        r"m_0 \leftarrow 0,\ v_0 \leftarrow 0",
        r"m_0 \leftarrow 0,\ " + BLUE + r"{s_0 \leftarrow 0}",
        None,
    ),
    AlgorithmRow(
        "gradient",
        r"g_t \leftarrow \nabla_\theta f(\theta_{t-1})",
        r"g_t \leftarrow \nabla_\theta f(\theta_{t-1})",
        r"g_t \leftarrow \nabla_\theta f(\theta_{t-1})",
        "g",
    ),
    AlgorithmRow(
        "first moment (momentum)",
        r"b_t \leftarrow \mu\, b_{t-1} + g_t",
        r"m_t \leftarrow \beta_1 m_{t-1} + (1-\beta_1)\, g_t",
        r"m_t \leftarrow \beta_1 m_{t-1} + (1-\beta_1)\, g_t",
        "m",
    ),
    AlgorithmRow(
        "second moment",
        r"\text{(none)}",
        r"v_t \leftarrow \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2",
        # two lines: on one, s_t's update is wider than a column on a 1280-pixel screen with the sidebar open
        BLUE + r"{\begin{aligned} s_t &\leftarrow \beta_2 s_{t-1} \\"
        r" &\quad + (1-\beta_2)\,(g_t - m_t)^2 + \epsilon \end{aligned}}",
        "second",
    ),
    AlgorithmRow(
        "bias correction",
        r"\text{(none)}",
        # stacked, m̂ over v̂, for the same reason
        r"\begin{aligned} \hat m_t &\leftarrow \frac{m_t}{1-\beta_1^t} \\[10pt]"
        r" \hat v_t &\leftarrow \frac{v_t}{1-\beta_2^t} \end{aligned}",
        # each cell of an aligned row is its own group, so the blue is given per piece (\mathrel keeps
        # the arrow's spacing)
        r"\begin{aligned} \hat m_t &\leftarrow \frac{m_t}{1-\beta_1^t} \\[10pt] "
        + BLUE
        + r"{\hat s_t} &\mathrel{"
        + BLUE
        + r"{\leftarrow}} "
        + BLUE
        + r"{\frac{s_t}{1-\beta_2^t}}\end{aligned}",
        "denom",
    ),
    AlgorithmRow(
        "step size per axis",
        r"\alpha",
        r"\frac{\alpha}{\sqrt{\hat v_t} + \epsilon}",
        r"\frac{\alpha}{" + BLUE + r"{\sqrt{\hat s_t}} + \epsilon}",
        "step_size",
    ),
    AlgorithmRow(
        "update",
        r"\theta_t \leftarrow \theta_{t-1} - \alpha\, b_t",
        r"\theta_t \leftarrow \theta_{t-1} - \alpha\, \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}",
        r"\theta_t \leftarrow \theta_{t-1} - \alpha\, \frac{\hat m_t}{"
        + BLUE
        + r"{\sqrt{\hat s_t}} + \epsilon}",
        "update",
    ),
)


# -- the sign-descent demo -----------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class DirectionSeries:
    """One optimizer's steps in the demo: label, colour, the angle of each step to −∇f, each update."""

    label: str
    color: str
    angles: np.ndarray  # (steps,) degrees
    updates: np.ndarray  # (steps, 2)


def angle_figure(series: Sequence[DirectionSeries], sign_angle: float, title: str) -> dict[str, Any]:
    """Angle between each step Δθ_t and the descent direction −∇f, against t; a dashed line marks the
    angle a pure sign step −α·sign(∇f) makes."""
    traces = [
        {
            "type": "scatter",
            "mode": "lines",
            "name": item.label,
            "x0": 1,
            "dx": 1,
            "y": typed_array(item.angles),
            "line": {"color": item.color, "width": 3},
            "hovertemplate": item.label + "<br>step %{x}: %{y:.1f}°<extra></extra>",
        }
        for item in series
    ]
    shapes = []
    annotations = []
    if np.isfinite(sign_angle):
        shapes.append(
            {
                "type": "line",
                "xref": "paper",
                "yref": "y",
                "x0": 0,
                "x1": 1,
                "y0": sign_angle,
                "y1": sign_angle,
                "line": {"color": "black", "dash": "dash", "width": 2},
            }
        )
        annotations.append(
            {
                "text": f"sign descent: {sign_angle:.0f}°",
                "xref": "paper",
                "yref": "y",
                "x": 1,
                "y": sign_angle,
                "xanchor": "right",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 18},
            }
        )
    layout = base_layout(
        title,
        480,
        xaxis=axis("step t"),
        yaxis=axis("angle between Δθ_t and −∇f (degrees)", range=[0, 90], dtick=15),
        shapes=shapes,
        annotations=annotations,
    )
    return {"data": traces, "layout": layout}


def compass_figure(
    series: Sequence[DirectionSeries], descent_direction: np.ndarray, first_step: int, title: str
) -> dict[str, Any]:
    """Each step's direction from step `first_step` on, as a point on the unit circle, with the descent
    direction −∇f (black arrow) and the four sign-descent directions at ±45° / ±135° (dotted)."""
    circle = np.linspace(0, 2 * np.pi, 181)
    traces: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "lines",
            "x": typed_array(np.cos(circle)),
            "y": typed_array(np.sin(circle)),
            "name": "unit circle",
            "line": {"color": "rgba(0,0,0,0.25)", "width": 1},
            "hoverinfo": "skip",
            "showlegend": False,
        }
    ]
    diagonal = 1.15 / np.sqrt(2)
    traces.append(
        {
            "type": "scatter",
            "mode": "lines",
            "name": "sign directions (±45°, ±135°)",
            "x": [-diagonal, diagonal, None, -diagonal, diagonal],
            "y": [-diagonal, diagonal, None, diagonal, -diagonal],
            "line": {"color": "black", "dash": "dot", "width": 2},
            "hoverinfo": "skip",
        }
    )
    for item in series:
        updates = item.updates[first_step:]
        norms = np.linalg.norm(updates, axis=1)
        keep = np.isfinite(norms) & (norms > 0)
        unit = updates[keep] / norms[keep, None]
        # Spread the points a little inwards per optimizer so overlapping directions stay visible.
        radius = 1.0 - 0.08 * len(traces[2:])
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": item.label,
                "x": typed_array(radius * unit[:, 0]),
                "y": typed_array(radius * unit[:, 1]),
                "marker": {"color": item.color, "size": 9, "opacity": 0.5},
                "hoverinfo": "skip",
            }
        )
    direction = np.asarray(descent_direction, dtype=np.float64)
    norm = float(np.linalg.norm(direction))
    annotations = []
    if norm > 0 and np.isfinite(norm):
        tip = 1.2 * direction / norm
        annotations.append(arrow(tip, (0.0, 0.0), "black", width=4))
        annotations.append(
            {
                "x": float(tip[0]),
                "y": float(tip[1]),
                "xref": "x",
                "yref": "y",
                "text": "−∇f",
                "showarrow": False,
                "xanchor": "left",
                "yanchor": "bottom",
                "font": {"size": 22},
            }
        )
    layout = base_layout(
        title,
        640,
        legend_below=True,
        xaxis=axis("", range=[-1.4, 1.4], zeroline=True, showticklabels=False),
        yaxis=axis("", range=[-1.4, 1.4], scaleanchor="x", scaleratio=1, zeroline=True, showticklabels=False),
        annotations=annotations,
    )
    return {"data": traces, "layout": layout}
