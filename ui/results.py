"""The results table and the CSV export, computed from finished runs (no streamlit calls here)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ui.runs import RunResult
from viz.export import csv_text

# Per-step quantities the core records for the update from step t to t + 1 (CSV column prefixes).
STEP_QUANTITIES = ("grad", "m", "second_moment", "denom", "step_size", "update")


def status_text(result: RunResult, tolerance: float) -> str:
    """One phrase a class reads aloud: "diverged at step 12", "reached the minimum at step 80", ..."""
    if result.trajectory is None:
        return f"not run: {result.error}"
    trajectory = result.trajectory
    if trajectory.stop_reason is not None:
        return f"{trajectory.stop_reason} at step {trajectory.diverged_at}"
    reached = trajectory.steps_to_tolerance(tolerance)
    if reached is not None:
        return f"within {tolerance:g} of a minimum at step {reached}"
    if not np.isfinite(trajectory.final_loss):
        return "undefined loss (NaN)"
    return f"not within {tolerance:g} of a minimum after {trajectory.steps} steps"


def table_rows(
    results: Sequence[RunResult], min_value: float | None, tolerance: float
) -> list[dict[str, Any]]:
    """One row per run: final loss, gap to f*, distance, steps to tolerance, and what stopped it."""
    rows = []
    for result in results:
        request = result.request
        row: dict[str, Any] = {"run": request.index + 1, "optimizer": result.label}
        trajectory = result.trajectory
        if trajectory is None:
            row.update(status=status_text(result, tolerance))
            rows.append(row)
            continue
        final_loss = float(trajectory.final_loss)
        reached = trajectory.steps_to_tolerance(tolerance)
        distance = trajectory.surface.distance_to_nearest_minimum(trajectory.final_xy)
        row.update(
            {
                "final f": final_loss,
                "final f − f*": (final_loss - min_value) if min_value is not None else None,
                "final distance to minimum": float(distance) if np.isfinite(distance) else None,
                f"steps to within {tolerance:g}": reached,
                "stopped at step": trajectory.diverged_at,
                "status": status_text(result, tolerance),
                "final x": float(trajectory.final_xy[0]),
                "final y": float(trajectory.final_xy[1]),
            }
        )
        rows.append(row)
    return rows


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return "—" if not np.isfinite(value) else f"{value:.3g}"
    return str(value).replace("|", "\\|")


def markdown_table(rows: Sequence[dict[str, Any]], marks: Sequence[str] = ()) -> str:
    """The rows as a Markdown table (no pandas on the page: the first load stays fast).

    `marks` prefixes each row's optimizer with its colour mark; "—" stands for "none" or "never".
    """
    if not rows:
        return ""
    columns = list(dict.fromkeys(column for row in rows for column in row))
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for index, row in enumerate(rows):
        cells = [_cell(row.get(column)) for column in columns]
        if index < len(marks) and "optimizer" in columns:
            position = columns.index("optimizer")
            cells[position] = f"{marks[index]} {cells[position]}"
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def trajectories_csv(results: Sequence[RunResult]) -> str:
    """Every run, every step: position, loss and the optimizer's state for the step taken from there.

    Row t holds x_t, y_t, f(x_t, y_t) and the quantities of the update from t to t + 1 (gradient at
    x_t, first moment m, second moment v or s, per-axis denominator, effective step size, update);
    the last row of a run has no update. Rows after a run stopped are empty.
    """
    header = ["run", "optimizer", "step", "x", "y", "loss"]
    header += [f"{name}_{axis}" for name in STEP_QUANTITIES for axis in ("x", "y")]
    rows: list[list[Any]] = []
    for result in results:
        trajectory = result.trajectory
        if trajectory is None:
            continue
        steps = trajectory.steps
        per_step = [getattr(trajectory, name) for name in STEP_QUANTITIES]
        for t in range(steps + 1):
            row: list[Any] = [result.request.index + 1, result.label, t]
            row += [float(trajectory.xy[t, 0]), float(trajectory.xy[t, 1]), float(trajectory.loss[t])]
            for values in per_step:
                row += [float(values[t, 0]), float(values[t, 1])] if t < steps else [float("nan")] * 2
            rows.append(row)
    return csv_text(header, rows)
