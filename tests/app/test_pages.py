"""The four teaching pages in Streamlit's AppTest: defaults, shared links, and the edge cases a class finds
(a diverging learning rate, a typed function, a bad typed function, gradient noise)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from surfaces import get_surface
from viz.colors import OPTIMIZER_COLORS
from viz.encoding import decode

APP = Path(__file__).resolve().parents[2] / "app.py"
TIMEOUT_S = 180


TYPED = "Type your own f(x, y)"  # the surface menu's entry for a typed function


def surface_label(key: str) -> str:
    """A bound selectbox or radio carries its displayed option in the URL: "Rosenbrock", not "rosenbrock"."""
    return get_surface(key).name


def open_page(page: str, query: dict[str, str] | None = None) -> AppTest:
    """A fresh session that opens `pages/<page>.py` by its link (with optional query parameters, written as
    the browser writes them)."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.switch_page(f"pages/{page}.py")
    return at.run()


def charts(at: AppTest) -> list[dict[str, Any]]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def chart_titled(at: AppTest, start: str) -> dict[str, Any]:
    for spec in charts(at):
        if spec["layout"]["title"]["text"].startswith(start):
            return spec
    raise AssertionError(f"no chart titled {start!r}: {[c['layout']['title']['text'] for c in charts(at)]}")


def no_traceback(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def texts(at: AppTest) -> str:
    return "\n".join(
        [e.value for e in at.markdown] + [e.value for e in at.caption] + [str(e.value) for e in at.info]
    )


# -- Inside the denominators --------------------------------------------------------------------------------
def test_denominators_opens_on_the_abs_lesson():
    at = open_page("denominators")
    no_traceback(at)
    assert at.session_state["surface"] == "abs"
    assert at.title[0].value == "Inside the denominators"
    series = chart_titled(at, "Inside the denominators, per axis")
    denominators = {
        (t["name"], t["xaxis"]): decode(t["y"]) for t in series["data"] if t["xaxis"] in ("x", "x2")
    }
    adam_x, adam_y = denominators[("Adam (lr=0.01)", "x")], denominators[("Adam (lr=0.01)", "x2")]
    np.testing.assert_allclose(adam_x, adam_y, rtol=1e-6)  # equal steps on both axes
    belief_x, belief_y = (
        denominators[("AdaBelief (lr=0.01)", "x")],
        denominators[("AdaBelief (lr=0.01)", "x2")],
    )
    assert belief_x[59] < 0.4 * belief_y[59]  # √ŝ_x ≪ √ŝ_y at the default step t = 60
    colors = {t["name"]: t["line"]["color"] for t in series["data"]}
    assert colors["Adam (lr=0.01)"] == OPTIMIZER_COLORS["adam"]
    assert colors["AdaBelief (lr=0.01)"] == OPTIMIZER_COLORS["adabelief"]
    assert len(at.latex) == 4  # x and y formulas for each of the two runs


def test_denominators_scrubber_drives_every_figure_and_comes_from_the_link():
    at = open_page("denominators", {"den_t": "12", "den_focus": "m_t"})
    no_traceback(at)
    # A link that carries page settings but no shared ones still opens on the lesson.
    assert at.session_state["surface"] == "abs"
    assert at.slider(key="den_t").value == 12
    assert chart_titled(at, "|x| + |y|: after step 12")
    series = chart_titled(at, "Inside the denominators, per axis (t = 12)")
    assert {shape["x0"] for shape in series["layout"]["shapes"]} == {12}
    assert "**:blue[m_t (first moment)]**" in texts(at)
    at.slider(key="den_t").set_value(150).run()
    no_traceback(at)
    assert chart_titled(at, "|x| + |y|: after step 150")
    assert r"_{150}" in at.latex[0].value


def test_denominators_redraws_only_the_moved_section_and_its_body():
    at = open_page("denominators")
    at.slider(key="steps").set_value(150).run()  # a shared control whose section looks the same: the body
    assert not at.exception
    assert not at.get("page_link") and not at.get("popover")  # no navigation, no run editors
    assert at.title[0].value == "Inside the denominators"
    assert at.slider(key="den_t").max == 150


def test_denominators_with_a_diverging_lr_says_so():
    at = open_page("denominators", {"surface": surface_label("rosenbrock"), "r0_lr": "5", "steps": "100"})
    no_traceback(at)
    warnings = " ".join(w.value for w in at.warning)
    assert "diverged at step" in warnings
    at.slider(key="den_t").set_value(100).run()  # past the divergence: the inspector says "undefined"
    no_traceback(at)
    assert any("undefined" in latex.value for latex in at.latex)


def test_denominators_with_a_typed_function_and_noise():
    at = open_page("denominators", {"surface": TYPED, "expr": "x^2 + 10*abs(y)", "noise": "0.5"})
    no_traceback(at)
    assert at.session_state["surface"] == "custom"
    spread = chart_titled(at, "Gradient g_t, prediction m_t")
    gradient = decode(next(t for t in spread["data"] if t["name"].endswith(": g_t"))["y"])
    assert np.std(np.diff(gradient)) > 0.3  # the noise is in the gradients the optimizers saw


def test_denominators_keeps_the_previous_surface_when_the_typed_one_is_refused():
    at = open_page("denominators", {"surface": TYPED, "expr": "x +* y"})
    no_traceback(at)
    assert at.error, "the sidebar should explain why the function was refused"
    assert chart_titled(at, "Inside the denominators, per axis")


# -- The three regions --------------------------------------------------------------------------------------
def test_regions_defaults_fill_table_one():
    at = open_page("regions")
    no_traceback(at)
    assert at.title[0].value == "The three regions"
    bars = chart_titled(at, "Ideal step against the steps taken")
    assert [t["name"] for t in bars["data"]][1:] == ["SGD", "Adam", "AdaBelief"]
    body = texts(at)
    assert "23 of 24 cells agree with the paper" in body
    assert "**s_t in region 3.**" in body


def test_regions_follow_the_controls_and_a_huge_lr():
    at = open_page("regions", {"reg_lr": "1", "reg_valley": "5.02"})
    no_traceback(at)
    bars = chart_titled(at, "Ideal step against the steps taken")
    sgd = next(t for t in bars["data"] if t["name"] == "SGD")
    assert sgd["y"][1] > 0.1  # one step of about 4 throws it out of the valley, then it crawls
    assert "left at step 1" in texts(at)


def test_regions_with_a_typed_function_in_the_sidebar_and_noise():
    at = open_page("regions", {"surface": TYPED, "expr": "x**2 + y**2", "noise": "1"})
    no_traceback(at)
    assert chart_titled(at, "A 1D loss with the three regions")


# -- Algorithms side by side --------------------------------------------------------------------------------
def test_algorithms_side_by_side_and_links_to_the_denominators():
    at = open_page("algorithms")
    no_traceback(at)
    assert any(r"\color{blue}" in latex.value for latex in at.latex)
    links = at.get("page_link")
    assert len(links) >= 6 + 5  # one per algorithm line (and the sidebar's navigation)
    angles = chart_titled(at, "How far each step points from −∇f (σ = 0.1)")
    assert [t["line"]["color"] for t in angles["data"]] == [
        OPTIMIZER_COLORS[f] for f in ("sgd", "adam", "adabelief")
    ]
    body = texts(at)
    assert "median angle to −∇f" in body


@pytest.mark.parametrize(
    "query", [{"alg_noise": "0.0"}, {"alg_land": "elongated bowl f = x² + 25y²", "alg_lr": "0.01"}]
)
def test_algorithms_demo_edge_cases(query):
    at = open_page("algorithms", query)
    no_traceback(at)
    assert chart_titled(at, "Step directions after step 50")
    if query.get("alg_noise") == "0.0":
        assert "Without noise AdaBelief takes sign steps too" in texts(at)


# -- Sweeps ------------------------------------------------------------------------------------------------
def test_sweeps_defaults_show_one_heatmap_per_optimizer():
    at = open_page("sweeps", {"steps": "100", "sw_res": "8"})
    no_traceback(at)
    titles = [(c["layout"]["title"]["text"], c["layout"]["title"]["subtitle"]["text"]) for c in charts(at)]
    assert titles == [("Adam", "steps to reach the minimum"), ("AdaBelief", "steps to reach the minimum")]
    heatmap = charts(at)[0]
    assert decode(heatmap["data"][2]["z"]).shape == (8, 8)
    assert "numpy on the CPU" in texts(at)


def test_sweeps_momentum_grid_marks_divergence():
    at = open_page(
        "sweeps",
        {"surface": surface_label("rosenbrock"), "steps": "100", "sw_res": "8", "sw_kind": "lr × momentum"},
    )
    no_traceback(at)
    sgd = chart_titled(at, "SGD (momentum μ)")
    diverged = decode(sgd["data"][1]["z"])  # the black layer
    assert np.nansum(diverged) > 0
    assert "diverged" in sgd["layout"]["annotations"][0]["text"]


def test_sweeps_basin_map_on_himmelblau_and_torch_backend():
    at = open_page(
        "sweeps",
        {
            "surface": surface_label("himmelblau"),
            "steps": "200",
            "sw_res": "16",
            "sw_kind": "basin map over start points",
            "sw_backend": "torch (GPU when present)",
        },
    )
    no_traceback(at)
    basin = chart_titled(at, "Which minimum")
    assert len([t for t in basin["data"] if t.get("name", "").startswith("minimum #")]) == 4
    assert "torch on cpu" in texts(at)


def test_sweeps_with_a_typed_function_and_noise():
    at = open_page(
        "sweeps", {"surface": TYPED, "expr": "x^2 + 3*y^2", "steps": "100", "sw_res": "8", "noise": "0.3"}
    )
    no_traceback(at)
    assert len(charts(at)) == 2


def test_sweeps_bound_the_work():
    at = open_page("sweeps", {"steps": "5000", "sw_res": "256"})
    no_traceback(at)
    assert any("at most 114 × 114" in w.value for w in at.warning)
    assert decode(charts(at)[0]["data"][2]["z"]).shape == (114, 114)
