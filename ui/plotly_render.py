"""Hand a ready figure dict to `st.plotly_chart` without plotly.py re-validating it on every rerun.

`st.plotly_chart(dict)` builds a validated `go.Figure` from the dict (~200 ms to 1 s for the map: plotly.py
validates every property of every frame), then serializes it. Given a `plotly.graph_objects.Figure`
instead, it only calls `figure.to_dict()`. `PrebuiltFigure` is an empty Figure whose `to_dict()` returns
the dict our builders in viz/ made, so the only work left per rerun is JSON encoding (a few ms with orjson).
The builders' output is validated against plotly's schema by the unit tests (tests/unit/test_viz*.py),
not on every slider move.
"""

from __future__ import annotations

import copy
from typing import Any

import plotly.graph_objects as go


class PrebuiltFigure(go.Figure):
    """A `go.Figure` stand-in carrying a figure dict that is already in plotly's JSON schema."""

    def __init__(self, figure: dict[str, Any]) -> None:
        super().__init__()
        self.__dict__["_prebuilt"] = figure

    def to_dict(self) -> dict[str, Any]:
        # plotly.io.to_json pops "uid" from traces: give it a shallow copy, never our cached dict.
        prebuilt = self.__dict__["_prebuilt"]
        return {**prebuilt, "data": [dict(trace) for trace in prebuilt["data"]]}

    def full_copy(self) -> dict[str, Any]:
        """A deep copy of the figure dict (for exports that modify it)."""
        return copy.deepcopy(self.__dict__["_prebuilt"])
