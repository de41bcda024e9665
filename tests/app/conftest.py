"""AppTest helpers for the playground: run app.py headless and read its figures and table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from viz.playground_figure import path_trace_indices

APP = Path(__file__).resolve().parents[2] / "app.py"
TIMEOUT_S = 120


def new_app(query_params: dict[str, str] | None = None) -> AppTest:
    """The playground, not yet run, optionally opened from a shared link's query parameters."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    for key, value in (query_params or {}).items():
        at.query_params[key] = value
    return at


def whole_page(at: AppTest) -> AppTest:
    """Run once more with nothing changed, so `at` holds the whole page again.

    A run's or a shared control reruns only its own sidebar section and the page body, or the body alone
    (ui/sections.py).
    The browser keeps every other element on screen, but AppTest keeps only the elements of its last run;
    a run with no change draws the whole page from the same session state.
    """
    return at.run()


def run_titles(at: AppTest) -> list[str]:
    """The labels of the run editors' popovers in the sidebar, in run order."""
    return [popover.proto.popover.label for popover in at.get("popover")]


@pytest.fixture
def app() -> AppTest:
    """The playground after its first run with default settings."""
    return new_app().run()


def figure(at: AppTest, index: int = 0) -> dict[str, Any]:
    """The figure JSON of the index-th plotly chart on the page."""
    return json.loads(at.get("plotly_chart")[index].proto.spec)


def map_figure(at: AppTest) -> dict[str, Any]:
    """The animated map (the chart whose traces include the landscape lines)."""
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        if spec["data"] and spec["data"][0].get("name") == "contour lines of f":
            return spec
    raise AssertionError("no map on the page")


def path_traces(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The full-path traces of the map, one per run, in run order."""
    return [spec["data"][index] for index in path_trace_indices(spec)]


def named_trace(spec: dict[str, Any], name: str) -> dict[str, Any]:
    """The map's one trace called `name` ("start", "global minimum", ...)."""
    (trace,) = [t for t in spec["data"] if t.get("name") == name]
    return trace


def table(at: AppTest) -> list[dict[str, str]]:
    """The results table (a Markdown table under the charts) as a list of row dicts of cell texts."""
    for element in at.markdown:
        text = element.value
        if text.startswith("| run |"):
            lines = text.splitlines()
            header = [cell.strip() for cell in lines[0].strip("|").split("|")]
            return [
                dict(zip(header, (cell.strip() for cell in line.strip("|").split(" | ")), strict=True))
                for line in lines[2:]
            ]
    raise AssertionError("no results table on the page")


def no_failure(at: AppTest) -> None:
    """No exception element and no uncaught error on the page."""
    assert not at.exception, [e.value for e in at.exception]
