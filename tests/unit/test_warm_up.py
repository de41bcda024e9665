"""ui/warm_up.py: the server's startup computes what a first visit asks for, so that visit waits less."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from ui import runs, state
from ui.figures import landscape_lines
from ui.warm_up import warm_up_first_page


def test_the_default_runs_are_the_runs_a_first_visit_shows() -> None:
    """The warm-up's requests must be a first visit's to the letter, or it fills cache entries none reads."""

    def first_visit() -> None:
        import streamlit as st

        from ui.runs import current_runs, default_runs

        st.session_state["matches"] = current_runs() == default_runs()
        st.session_state["count"] = len(current_runs())

    at = AppTest.from_function(first_visit).run()
    assert not at.exception
    assert at.session_state["count"] == state.DEFAULTS[state.RUN_COUNT]
    assert at.session_state["matches"] is True


def test_after_the_warm_up_a_first_visit_computes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    runs._bucket_run.clear()
    runs._trajectory.clear()
    runs._prefetched.clear()
    landscape_lines.clear()
    warm_up_first_page()

    def refuse(*_arguments: object) -> None:
        raise AssertionError("a run was computed after the warm-up")

    monkeypatch.setattr(runs, "_engine_run", refuse)
    monkeypatch.setattr("ui.figures.contour_lines", refuse)
    results = runs.compute_all(state.DEFAULTS[state.SURFACE], runs.default_runs())
    assert [result.error for result in results] == [None] * len(results)
    assert all(result.trajectory is not None for result in results)
    landscape_lines(state.DEFAULTS[state.SURFACE])
