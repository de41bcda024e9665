"""What a figure needs to know about one run: plain numpy arrays and display style, no optimizer objects."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np


@dataclass(frozen=True, eq=False)
class RunPicture:
    """One trajectory, ready to draw.

    Attributes:
        label: legend text ("Adam (lr=0.001)").
        color, dash: fixed style of the run (see `viz.colors.run_styles`).
        xy: positions (steps + 1, 2); rows after a stop are NaN.
        loss: f at each position (steps + 1,).
        distance: distance to the nearest known minimum at each position (NaN when none is known).
        stop_step: the step at which the run stopped (diverged or left the domain), else None.
        stop_reason: "diverged", "left domain", or None.
    """

    label: str
    color: str
    dash: str
    xy: np.ndarray
    loss: np.ndarray
    distance: np.ndarray
    stop_step: int | None = None
    stop_reason: str | None = None

    @property
    def steps(self) -> int:
        return len(self.xy) - 1

    @cached_property
    def last_valid_index(self) -> int:
        """Index of the last row whose position is finite (0 if none is)."""
        finite = np.flatnonzero(np.isfinite(self.xy).all(axis=1))
        return int(finite[-1]) if finite.size else 0

    @property
    def stop_text(self) -> str | None:
        """ "diverged at step 12", "left domain at step 40", or None for a run that did not stop."""
        if self.stop_reason is None:
            return None
        return f"{self.stop_reason} at step {self.stop_step}"
