"""Figures and formulas for "Inside the denominators": one step t drives the map, the time series and the
step inspector.

Data come in as `DenominatorRun` (plain arrays, per step t = 1..T at index t − 1) and `StepValues`-like
objects (duck-typed: see optim_core.inspection); figures go out as plotly figure dicts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from viz.encoding import typed_array
from viz.landscape import landscape_trace, minima_trace
from viz.lecture import (
    arrow,
    axis,
    axis_name,
    axis_ref,
    base_layout,
    cursor_line,
    subplot_axes,
    subplot_title,
)

Box = tuple[tuple[float, float], tuple[float, float]]

# What the denominators page can highlight: key -> the label shown, which is also the URL value
# (`den_focus=m_t`: Streamlit writes a bound radio's formatted option into the URL).
FOCUS_LABELS = {
    "all": "everything",
    "g": "g_t",
    "m": "m_t",
    "second": "v_t or s_t",
    "denom": "denominator",
    "step_size": "step size",
    "update": "update Δθ_t",
}

MAP_HEIGHT = 680
CAPTION_BELOW_AXIS_PX = 64  # clears the x axis's tick labels and title (18 px type)
SERIES_ROW_HEIGHT = 250
ARROW_FRACTION = 0.12  # the longest update arrow is drawn this fraction of the map's diagonal


@dataclass(frozen=True, eq=False)
class DenominatorRun:
    """One run, as the denominators page draws it (arrays from a Trajectory; per-step arrays (T, 2))."""

    label: str
    color: str
    dash: str
    name: str  # optimizer name: "sgd", "adam", "adabelief", "rmsprop", "adagrad"
    symbol: str | None  # "v", "s" or None (SGD has no denominator)
    xy: np.ndarray  # (T + 1, 2)
    grad: np.ndarray
    m: np.ndarray
    second_moment_hat: np.ndarray  # v̂_t or ŝ_t (v_t for RMSProp / Adagrad)
    denom: np.ndarray
    step_size: np.ndarray
    update: np.ndarray

    @property
    def steps(self) -> int:
        return int(self.grad.shape[0])


def clamp_step(step: int, runs: Sequence[DenominatorRun]) -> int:
    """The step shown: within 1..T of the longest run (1 when there is none)."""
    longest = max((run.steps for run in runs), default=1)
    return int(min(max(int(step), 1), max(longest, 1)))


# -- the map --------------------------------------------------------------------------------------------
def _arrow_scale(runs: Sequence[DenominatorRun], step: int, domain: Box) -> float:
    """How much the update arrows are magnified so the longest one is visible (1 when already long)."""
    lengths = [
        float(np.hypot(*run.update[step - 1]))
        for run in runs
        if step <= run.steps and np.all(np.isfinite(run.update[step - 1]))
    ]
    longest = max(lengths, default=0.0)
    (x0, x1), (y0, y1) = domain
    target = ARROW_FRACTION * math.hypot(x1 - x0, y1 - y0)
    if longest <= 0 or longest >= target:
        return 1.0
    # A round factor (1, 2, 5 × 10^k) the class can read.
    raw = target / longest
    exponent = math.floor(math.log10(raw))
    for mantissa in (5, 2, 1):
        if mantissa * 10**exponent <= raw:
            return float(mantissa * 10**exponent)
    return float(10**exponent)


def map_figure(
    lines_x: np.ndarray,
    lines_y: np.ndarray,
    domain: Box,
    minima: Sequence[tuple[float, float]],
    runs: Sequence[DenominatorRun],
    step: int,
    title: str,
) -> dict[str, Any]:
    """Contour lines, each run's full path, its position after step t and its update Δθ_t as an arrow."""
    step = clamp_step(step, runs)
    scale = _arrow_scale(runs, step, domain)
    traces: list[dict[str, Any]] = [landscape_trace(lines_x, lines_y)]
    if minima:
        traces.append(minima_trace(minima, marker_size=20))
    annotations = []
    for run in runs:
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": run.label,
                "legendgroup": run.label,
                "x": typed_array(run.xy[:, 0]),
                "y": typed_array(run.xy[:, 1]),
                "line": {"color": run.color, "dash": run.dash, "width": 2.5},
                "opacity": 0.55,
                "hovertemplate": run.label + "<br>(%{x:.4g}, %{y:.4g})<extra></extra>",
            }
        )
        shown = min(step, run.steps)
        head = run.xy[shown]
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": f"{run.label} after step {shown}",
                "legendgroup": run.label,
                "showlegend": False,
                "x": [float(head[0])] if np.all(np.isfinite(head)) else [],
                "y": [float(head[1])] if np.all(np.isfinite(head)) else [],
                "marker": {"size": 16, "color": run.color, "line": {"color": "white", "width": 2}},
                "hovertemplate": f"{run.label}<br>after step {shown}: "
                + "(%{x:.4g}, %{y:.4g})<extra></extra>",
            }
        )
        before = run.xy[shown - 1]
        update = run.update[shown - 1] if run.steps else np.array([np.nan, np.nan])
        if np.all(np.isfinite(before)) and np.all(np.isfinite(update)) and np.any(update):
            tip = before + scale * update
            annotations.append(arrow(tip, before, run.color, width=3, head_size=1.4))
    (x_min, x_max), (y_min, y_max) = domain
    caption = "arrows: update Δθ_t" + ("" if scale == 1 else f", drawn {scale:g}× longer")
    # Under the x axis's title, wherever the axis is: with equal units (constrain="domain") the plot is a
    # square inside the plot area, at its bottom on a wide column and higher up on a narrow one, so the
    # caption is placed from the axes' own domain, not from the plot area's edge.
    annotations.append(
        {
            "text": caption,
            "x": 0.0,
            "y": 0.0,
            "xref": "x domain",
            "yref": "y domain",
            "xanchor": "left",
            "yanchor": "top",
            "yshift": -CAPTION_BELOW_AXIS_PX,
            "showarrow": False,
            "font": {"size": 16},
        }
    )
    layout = base_layout(
        title.format(step=step),
        MAP_HEIGHT,
        xaxis=axis("x", range=[x_min, x_max], constrain="domain"),
        yaxis=axis("y", range=[y_min, y_max], scaleanchor="x", scaleratio=1, constrain="domain"),
        annotations=annotations,
        uirevision="denominators-map",
    )
    layout["margin"] = {"l": 80, "r": 20, "t": 150, "b": 100}
    return {"data": traces, "layout": layout}


# -- the time series -----------------------------------------------------------------------------------
SERIES_ROWS: tuple[tuple[str, str, bool], ...] = (
    # key, y-axis title, log scale
    ("denom", "denominator<br>√v̂ or √ŝ (+ε)", True),
    ("step_size", "effective step<br>lr/(1−β1ᵗ)/denom", True),
    ("update", "update Δθ_t", False),
)
ROW_TITLES = {
    "denom": "√v̂_t or √ŝ_t",  # the row's axis title says "denominator"; with it the title overran 183 px
    "step_size": "effective step size",
    "update": "update Δθ_t",
}


def _series_values(run: DenominatorRun, key: str) -> np.ndarray:
    values = getattr(run, key)
    return np.broadcast_to(values, (run.steps, 2))


def time_series_figure(runs: Sequence[DenominatorRun], step: int, focus: str | None = None) -> dict[str, Any]:
    """Per axis (columns x, y) and per quantity (rows), every run against t, with a cursor at step t.

    SGD has no denominator: it appears in the step-size and update rows only. `focus` (a row key) is
    titled in bold, for links from the algorithms page.
    """
    step = clamp_step(step, runs)
    rows = len(SERIES_ROWS)
    domains = subplot_axes(rows, 2, horizontal_gap=0.1, vertical_gap=0.12)
    layout = base_layout(f"Inside the denominators, per axis (t = {step})", SERIES_ROW_HEIGHT * rows + 160)
    layout["margin"] = {"l": 120, "r": 30, "t": 150, "b": 70}
    traces: list[dict[str, Any]] = []
    annotations = []
    shapes = []
    for row, (key, y_title, log_scale) in enumerate(SERIES_ROWS):
        for column, axis_label in enumerate(("x", "y")):
            index = row * 2 + column
            x_domain, y_domain = domains[index]
            layout[axis_name(index, "x")] = axis(
                "step t" if row == rows - 1 else "",
                domain=list(x_domain),
                anchor=axis_ref(index, "y"),
            )
            layout[axis_name(index, "y")] = axis(
                y_title if column == 0 else "",
                domain=list(y_domain),
                anchor=axis_ref(index, "x"),
                type="log" if log_scale else "linear",
                exponentformat="power",
            )
            annotations.append(
                subplot_title(
                    f"{ROW_TITLES[key]}, axis {axis_label}", x_domain, y_domain[1], bold=key == focus
                )
            )
            shapes.append(cursor_line(index, step))
            for run in runs:
                if key == "denom" and run.symbol is None:
                    continue
                values = _series_values(run, key)[:, column]
                traces.append(
                    {
                        "type": "scatter",
                        "mode": "lines",
                        "name": run.label,
                        "legendgroup": run.label,
                        "showlegend": index == 2,  # once, from a row every run appears in
                        "x0": 1,
                        "dx": 1,
                        "y": typed_array(np.abs(values) if log_scale else values),
                        "xaxis": axis_ref(index, "x"),
                        "yaxis": axis_ref(index, "y"),
                        "line": {"color": run.color, "dash": run.dash, "width": 2.5},
                        "hovertemplate": f"{run.label}<br>t=%{{x}}: %{{y:.4g}}<extra></extra>",
                    }
                )
    layout["annotations"] = annotations
    layout["shapes"] = shapes
    layout["legend"]["y"] = 1.05
    return {"data": traces, "layout": layout}


def spread_figure(runs: Sequence[DenominatorRun], step: int) -> dict[str, Any]:
    """For each run with a second moment: g_t (dots), its prediction m_t (line) and m_t ± √ŝ_t (dashes)
    per axis: how AdaBelief's s_t follows the spread of the gradient around its prediction
    (for Adam the band is m_t ± √v̂_t, which also contains |g| itself)."""
    step = clamp_step(step, runs)
    domains = subplot_axes(1, 2, horizontal_gap=0.1)
    # Each run's three entries are a legend group, which plotly lists one entry a row: with Adam and
    # AdaBelief that is six rows and a gap, ~185 px, which grew up into the title in a 170 px top margin
    layout = base_layout(f"Gradient g_t, prediction m_t and band (t = {step})", 520)
    layout["margin"] = {"l": 90, "r": 30, "t": 230, "b": 70}
    traces: list[dict[str, Any]] = []
    annotations = []
    shapes = []
    shown_runs = [run for run in runs if run.symbol is not None]
    for column, axis_label in enumerate(("x", "y")):
        x_domain, y_domain = domains[column]
        layout[axis_name(column, "x")] = axis("step t", domain=list(x_domain), anchor=axis_ref(column, "y"))
        layout[axis_name(column, "y")] = axis(
            "gradient" if column == 0 else "", domain=list(y_domain), anchor=axis_ref(column, "x")
        )
        annotations.append(subplot_title(f"axis {axis_label}", x_domain, y_domain[1]))
        shapes.append(cursor_line(column, step))
        for run in shown_runs:
            spread = np.sqrt(run.second_moment_hat[:, column])
            common = {
                "xaxis": axis_ref(column, "x"),
                "yaxis": axis_ref(column, "y"),
                "legendgroup": run.label,
                "x0": 1,
                "dx": 1,
            }
            traces.append(
                {
                    **common,
                    "type": "scatter",
                    "mode": "markers",
                    "name": f"{run.label}: g_t",
                    "showlegend": column == 0,
                    "y": typed_array(run.grad[:, column]),
                    "marker": {"color": run.color, "size": 5, "opacity": 0.6},
                    "hovertemplate": "g_t = %{y:.4g} at t=%{x}<extra></extra>",
                }
            )
            traces.append(
                {
                    **common,
                    "type": "scatter",
                    "mode": "lines",
                    "name": f"{run.label}: m_t",
                    "showlegend": column == 0,
                    "y": typed_array(run.m[:, column]),
                    "line": {"color": run.color, "width": 3},
                    "hovertemplate": "m_t = %{y:.4g} at t=%{x}<extra></extra>",
                }
            )
            symbol = "ŝ" if run.symbol == "s" else "v̂"
            for sign in (1, -1):
                traces.append(
                    {
                        **common,
                        "type": "scatter",
                        "mode": "lines",
                        "name": f"{run.label}: m_t ± √{symbol}_t",
                        "showlegend": column == 0 and sign == 1,
                        "y": typed_array(run.m[:, column] + sign * spread),
                        "line": {"color": run.color, "width": 1.5, "dash": "dash"},
                        "hovertemplate": f"m_t {'+' if sign > 0 else '−'} √{symbol}_t = "
                        + "%{y:.4g}<extra></extra>",
                    }
                )
    layout["annotations"] = annotations
    layout["shapes"] = shapes
    layout["legend"]["y"] = 1.12
    return {"data": traces, "layout": layout}


# -- the step inspector ----------------------------------------------------------------------------------
def latex_number(value: float, digits: int = 4) -> str:
    """A number for LaTeX: 4 significant digits, powers of ten as 10^{k}, NaN as \\text{undefined}."""
    if value is None or not math.isfinite(value):
        return r"\text{undefined}"
    if value == 0:
        return "0"
    text = f"{value:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        power = f"10^{{{int(exponent)}}}"
        return (
            power
            if mantissa in ("1", "1.0")
            else (f"-{power}" if mantissa in ("-1", "-1.0") else rf"{mantissa}\times {power}")
        )
    return text


def _factor(value: float) -> str:
    """A number as a factor in a product: negative numbers in parentheses."""
    text = latex_number(value)
    return f"({text})" if text.startswith("-") else text


AXIS_NAMES = ("x", "y")


def update_formula_latex(values: Any, axis_index: int) -> str:
    """Δθ_t for one axis as a LaTeX formula: the rule in symbols, then with the numbers substituted,
    then the result. `values` is an optim_core.inspection.StepValues."""
    a = AXIS_NAMES[axis_index]
    t = values.t
    m = float(values.m[axis_index])
    g = float(values.grad[axis_index])
    update = float(values.update[axis_index])
    denom = float(values.denom[axis_index])
    size = float(values.step_size[axis_index])
    lhs = rf"\Delta {a}_{{{t}}}"
    name = values.optimizer_name
    if not values.defined:
        return _aligned(lhs, r"\text{undefined (the run had stopped)}")
    plain = not values.variant
    if name in ("adam", "adabelief") and plain and values.lr is not None and values.beta1 is not None:
        letter = values.symbol
        moment = float(values.second_moment[axis_index])
        beta2 = values.beta2
        # −α/(1−β1^t) · m/(√(v/(1−β2^t))+ε), torch's form, in two factors: with the numbers in, one line
        # is wider than the inspector column on a 1280-pixel screen, so each factor takes a line
        symbolic = (
            rf"-\frac{{\alpha}}{{1-\beta_1^{{{t}}}}}",
            rf"\frac{{m_{{{t},{a}}}}}{{\sqrt{{{letter}_{{{t},{a}}}/(1-\beta_2^{{{t}}})}}+\epsilon}}",
        )
        numbers = (
            rf"-\frac{{{latex_number(values.lr)}}}{{1-{latex_number(values.beta1)}^{{{t}}}}}",
            rf"\frac{{{latex_number(m)}}}{{\sqrt{{{latex_number(moment)}/(1-{latex_number(beta2)}^{{{t}}})}}"
            rf"+{latex_number(values.eps)}}}",
        )
        return _aligned(lhs, symbolic, numbers, latex_number(update), lhs_alone=True)
    if name == "sgd" and plain and values.lr is not None:
        return _aligned(
            lhs,
            rf"-\alpha\, g_{{{t},{a}}}",
            rf"-{latex_number(values.lr)}\cdot {_factor(g)}",
            latex_number(update),
        )
    if name in ("rmsprop", "adagrad") and plain and values.lr is not None:
        rate = r"\alpha" if name == "rmsprop" else r"\alpha_t"
        return _aligned(
            lhs,
            rf"-{rate}\,\frac{{g_{{{t},{a}}}}}{{\sqrt{{v_{{{t},{a}}}}}+\epsilon}}",
            rf"-{latex_number(size * denom)}\cdot\frac{{{latex_number(g)}}}{{{latex_number(denom)}}}",
            latex_number(update),
        )
    # Variants (AMSGrad, rectified, momentum, Nesterov, centered): the identity every rule satisfies.
    return _aligned(
        lhs,
        rf"-\eta_{{{t},{a}}}\, m_{{{t},{a}}}\quad\text{{({values.variant or 'see the rule'})}}",
        rf"-{latex_number(size)}\cdot {_factor(m)}",
        latex_number(update),
    )


def _aligned(lhs: str, *right_hand_sides: str | tuple[str, ...], lhs_alone: bool = False) -> str:
    """lhs = the rule, then = each further form on its own line, to fit a narrow column. A form given as a
    tuple of factors breaks before each factor after the first (· on a new, indented line); with
    `lhs_alone` the lhs takes a line of its own, so the forms get the column's whole width."""
    lines = [f"&{lhs}"] if lhs_alone else []
    for index, side in enumerate(right_hand_sides):
        first, *rest = (side,) if isinstance(side, str) else side
        lead = "" if lhs_alone or index > 0 else f"{lhs} "
        lines.append(f"{lead}&= {first}")
        lines.extend(rf"&\qquad\cdot {factor}" for factor in rest)
    line_break = r" \\ "
    return rf"\begin{{aligned}} {line_break.join(lines)} \end{{aligned}}"


def inspector_rows(values: Any) -> list[dict[str, str]]:
    """The inspector table for one run: one row per quantity, columns x and y (formatted numbers)."""

    def pair(array: np.ndarray) -> dict[str, str]:
        return {"x": f"{float(array[0]):.6g}", "y": f"{float(array[1]):.6g}"}

    symbol = values.symbol
    rows = [
        {"quantity": "g_t (gradient)", **pair(values.grad)},
        {
            "quantity": "m_t (first moment)" if values.optimizer_name != "sgd" else "m_t (direction)",
            **pair(values.m),
        },
    ]
    if symbol is not None:
        hat = "ŝ_t" if symbol == "s" else "v̂_t"
        rows.append({"quantity": f"{symbol}_t (second moment)", **pair(values.second_moment)})
        if values.optimizer_name in ("adam", "adabelief"):
            rows.append({"quantity": f"{hat} = {symbol}_t/(1−β2ᵗ)", **pair(values.second_moment_hat)})
        rows.append({"quantity": "denominator", **pair(values.denom)})
    rows.append({"quantity": "effective step size", **pair(values.step_size)})
    rows.append({"quantity": "update Δθ_t", **pair(values.update)})
    return rows
