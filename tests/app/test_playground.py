"""The playground in Streamlit's AppTest: defaults, presets, typed functions, divergence, shared links."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import (
    figure,
    named_trace,
    new_app,
    no_failure,
    path_traces,
    run_titles,
    table,
    whole_page,
)
from ui import RunRequest, limits, state
from ui.live_plotly import ELEMENT_TYPE, PLOTLY_JS_DIR, PLOTLY_JS_FILE, figure_of, payload_of
from ui.presets import PRESETS
from viz.colors import OPTIMIZER_COLORS
from viz.encoding import decode

REPO_ROOT = Path(__file__).resolve().parents[2]


def live_figures(at: AppTest) -> dict[str, dict[str, Any]]:
    """The playground's live figures (ui/live_plotly.py) by key: "map", "curves"."""
    return {payload_of(element)["name"]: figure_of(element) for element in at.get(ELEMENT_TYPE)}


def map_figure(at: AppTest) -> dict[str, Any]:
    """The animated map: the live figure under the map's key, whose first trace is the landscape."""
    spec = live_figures(at)["map"]
    assert spec["data"][0]["name"] == "contour lines of f"
    return spec


def test_defaults_race_three_optimizers_in_their_colours(app):
    no_failure(app)
    spec = map_figure(app)
    paths = path_traces(spec)
    assert [p["name"] for p in paths] == ["SGD (lr=0.01)", "Adam (lr=0.05)", "AdaBelief (lr=0.05)"]
    assert [p["line"]["color"] for p in paths] == [OPTIMIZER_COLORS[f] for f in ("sgd", "adam", "adabelief")]
    assert len(decode(paths[0]["x"])) == state.DEFAULTS[state.STEPS] + 1
    # Frames: capped, and each moves only the three heads.
    assert len(spec["frames"]) == limits.MAX_FRAMES
    heads = spec["frames"][0]["traces"]
    assert heads == [len(spec["data"]) - 3, len(spec["data"]) - 2, len(spec["data"]) - 1]
    assert [spec["data"][i]["line"]["color"] for i in heads] == [p["line"]["color"] for p in paths]
    assert named_trace(spec, "global minimum")["x"] == [3.0]
    # Clicks anywhere on the plot area come from plotly's clickanywhere, not from a click-catching trace.
    assert spec["layout"]["clickanywhere"] is True
    assert [t["name"] for t in spec["data"][:3]] == ["contour lines of f", "global minimum", "start"]
    assert all(t.get("type") == "scatter" for t in spec["data"])
    rows = table(app)
    assert [row["optimizer"].split(" ", 1)[1] for row in rows] == [p["name"] for p in paths]
    assert all(np.isfinite(float(row["final f"])) for row in rows)
    assert [row["stopped at step"] for row in rows] == ["—", "—", "—"]


def test_the_map_and_curves_are_live_figures_that_load_the_vendored_plotly(app):
    """The 2D view sends its two figures to the live component (updated in place by Plotly.react)."""
    elements = app.get(ELEMENT_TYPE)
    assert [payload_of(e)["name"] for e in elements] == ["map", "curves"]
    assert not app.get("plotly_chart")  # no st.plotly_chart left to re-create its plot on every change
    for element in elements:
        data = payload_of(element)
        assert data["plotly_url"].endswith(f"/{PLOTLY_JS_FILE}") and data["config"]["responsive"] is True
        assert data["clickable"] is (data["name"] == "map")  # only the map reports clicks
    assert (PLOTLY_JS_DIR / PLOTLY_JS_FILE).is_file()
    curves = live_figures(app)
    for panel in ("y", "y2"):  # the loss gap, then the distance to the minimum
        lines = [t for t in curves["curves"]["data"] if t.get("mode") == "lines" and t["yaxis"] == panel]
        assert [t["line"]["color"] for t in lines] == [
            OPTIMIZER_COLORS[f] for f in ("sgd", "adam", "adabelief")
        ]
    assert b"NaN" not in elements[0].proto.bytes  # strict JSON, as the browser's JSON.parse needs
    assert live_trace_types(app) <= bundled_trace_types()


def bundled_trace_types() -> set[str]:
    """The trace types the vendored plotly.js bundle registers (each module declares its own name)."""
    bundle = (PLOTLY_JS_DIR / PLOTLY_JS_FILE).read_text(encoding="utf-8")
    types = set(re.findall(r'moduleType:"trace",name:"(\w+)"', bundle))
    assert "scatter" in types, "the bundle's trace modules were not found"
    return types


def live_trace_types(at: AppTest) -> set[str]:
    """Every trace type the live figures on the page use (plotly's default type is scatter)."""
    return {
        trace.get("type", "scatter")
        for spec in live_figures(at).values()
        for trace in [*spec["data"], *(t for frame in spec.get("frames", []) for t in frame["data"])]
    }


def test_the_vendored_plotly_js_is_the_plotly_packages_version():
    """ui/static/plotly/ holds plotly.js's basic bundle of the same version as the plotly package's
    own plotly.js, which the figures are written for: upgrading plotly without it must fail here."""
    from plotly.offline import get_plotlyjs_version

    with (PLOTLY_JS_DIR / PLOTLY_JS_FILE).open(encoding="utf-8") as bundle:
        header = bundle.read(200)
    match = re.search(r"plotly\.js \(basic - minified\) v(\S+)", header)
    assert match, header
    assert match.group(1) == get_plotlyjs_version()
    assert (PLOTLY_JS_DIR / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    assert f"@{get_plotlyjs_version()}" in (PLOTLY_JS_DIR / "README.md").read_text(encoding="utf-8")


def test_the_first_page_does_not_import_torch_or_pandas():
    """Both cost seconds on a cold start; the playground needs neither (a fresh interpreter checks it)."""
    probe = (
        "import sys; from tests.app.conftest import new_app; at = new_app().run(); "
        "assert not at.exception; print(sorted(m for m in ('torch', 'pandas') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=300, cwd=REPO_ROOT, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize("preset_key", list(PRESETS))
def test_every_preset_loads_and_shows_what_happens(preset_key):
    preset = PRESETS[preset_key]
    at = new_app().run()
    at.selectbox(key="preset_menu").set_value(preset_key).run()
    no_failure(at)
    assert at.session_state[state.SURFACE] == preset.surface
    assert at.session_state[state.RUN_COUNT] == len(preset.runs)
    rows = table(at)
    assert len(rows) == len(preset.runs)
    assert all(row["status"] for row in rows)
    assert any(preset.title in info.value for info in at.info)  # its note explains the setup
    if preset.view == "3d":
        spec = figure(at, 0)
        lines_3d = [t for t in spec["data"] if t["type"] == "scatter3d" and t["mode"] == "lines"]
        assert len(lines_3d) == len(preset.runs)
    else:
        spec = map_figure(at)
        assert len(path_traces(spec)) == len(preset.runs)
        assert live_trace_types(at) <= bundled_trace_types()
        start = named_trace(spec, "start")
        assert (start["x"][0], start["y"][0]) == pytest.approx(preset.start)


def test_typed_function_is_used_and_a_bad_one_keeps_the_previous_surface(app):
    app.selectbox(key=state.SURFACE).set_value(state.CUSTOM).run()
    app.text_input(key=state.EXPRESSION).set_value("x**2 + 3*y**2").run()
    no_failure(app)
    assert not app.error
    assert "x^{2} + 3 y^{2}" in app.markdown[1].value or any("3 y^{2}" in m.value for m in app.markdown)
    good_paths = [decode(p["x"]) for p in path_traces(map_figure(app))]

    app.text_input(key=state.EXPRESSION).set_value("x**").run()
    no_failure(app)
    assert len(app.error) == 1 and "incomplete" in app.error[0].value
    assert any("3 y^{2}" in m.value for m in app.markdown)  # the previous surface stays on screen
    assert [len(x) for x in good_paths] == [len(decode(p["x"])) for p in path_traces(map_figure(app))]


def test_an_unsafe_typed_function_is_refused_with_a_message(app):
    app.selectbox(key=state.SURFACE).set_value(state.CUSTOM).run()
    app.text_input(key=state.EXPRESSION).set_value("__import__('os').system('true')").run()
    no_failure(app)
    assert len(app.error) == 1 and "not allowed" in app.error[0].value


def test_a_diverging_learning_rate_is_labelled_not_raised(app):
    app.number_input(key=state.run_key(0, "lr")).set_value(1.0).run()  # SGD at lr 1 on Beale
    no_failure(app)
    sgd = table(app)[0]
    assert sgd["status"] == f"diverged at step {sgd['stopped at step']}"
    stop_labels = [t.get("text") for t in map_figure(app)["data"] if t["name"].endswith("stopped")]
    assert stop_labels[0] == [f"SGD (lr=1): diverged at step {sgd['stopped at step']}"]


def test_the_same_optimizer_twice_gets_the_same_colour_and_a_new_dash(app):
    app.number_input(key=state.RUN_COUNT).set_value(4).run()  # the extra run is Adam
    no_failure(app)
    paths = path_traces(map_figure(app))
    assert len(paths) == 4
    assert paths[3]["line"]["color"] == paths[1]["line"]["color"] == OPTIMIZER_COLORS["adam"]
    assert (paths[1]["line"]["dash"], paths[3]["line"]["dash"]) == ("solid", "dash")


def test_changing_the_optimizer_loads_its_defaults_and_remove_shifts_runs_up(app):
    app.selectbox(key=state.run_key(0, "choice")).set_value("momentum").run()
    assert app.session_state[state.run_key(0, "momentum")] == 0.9
    assert path_traces(map_figure(app))[0]["line"]["color"] == OPTIMIZER_COLORS["momentum"]
    app.button(key="r0_remove").click().run()
    no_failure(app)
    assert [p["name"] for p in path_traces(map_figure(app))] == ["Adam (lr=0.05)", "AdaBelief (lr=0.05)"]


def test_tiny_eps_values_stay_distinct(app):
    # AdaBelief's default ε = 1e-16 must not collapse onto 1e-20 (float options compare with a tolerance).
    assert app.select_slider(key=state.run_key(2, "eps")).value == "1e-16"
    app.select_slider(key=state.run_key(1, "eps")).set_value("1e-12").run()
    no_failure(app)
    assert app.session_state[state.run_key(1, "eps")] == "1e-12"
    assert state.from_widget("eps", app.session_state[state.run_key(1, "eps")]) == 1e-12


def test_the_log_slider_sets_the_exact_learning_rate(app):
    app.select_slider(key="r1_lrstop").set_value(0.2).run()
    no_failure(app)
    assert app.session_state[state.run_key(1, "lr")] == 0.2
    assert path_traces(map_figure(app))[1]["name"] == "Adam (lr=0.2)"


def test_a_run_control_redraws_only_what_it_can_change(app):
    """A slider move must not resend the whole sidebar. A run's lr resends its lr pair (slider and exact
    entry, each following the other) and the page body; its other controls leave their editor looking as it
    did, so they resend the body alone."""
    app.select_slider(key="r1_lrstop").set_value(0.2).run()
    no_failure(app)
    assert not app.get("page_link"), "the navigation was redrawn"
    assert not run_titles(app) and not app.selectbox, "the run's editor was redrawn"
    assert [n.key for n in app.number_input] == [state.run_key(1, "lr")]
    assert app.number_input(key=state.run_key(1, "lr")).value == 0.2  # its exact entry follows the slider
    assert path_traces(map_figure(app))[1]["name"] == "Adam (lr=0.2)"
    assert table(app)[1]["optimizer"].endswith("Adam (lr=0.2)")
    whole_page(app)
    assert len(app.get("page_link")) >= 1
    assert run_titles(app) == ["🟧 Run 1: SGD", "🟦 Run 2: Adam", "🟥 Run 3: AdaBelief"]

    app.number_input(key=state.run_key(1, "lr")).set_value(0.03).run()  # the slider follows the entry
    no_failure(app)
    assert [s.key for s in app.select_slider] == ["r1_lrstop"] and not run_titles(app)
    assert app.select_slider(key="r1_lrstop").value == 0.02  # the nearest stop on the log scale
    assert path_traces(map_figure(app))[1]["name"] == "Adam (lr=0.03)"

    whole_page(app)
    path = decode(path_traces(map_figure(app))[1]["x"])
    app.number_input(key=state.run_key(1, "beta2")).set_value(0.9).run()
    no_failure(app)
    assert not run_titles(app) and not app.number_input and not app.select_slider, "more than the body"
    assert not np.array_equal(decode(path_traces(map_figure(app))[1]["x"]), path), "the run did not change"
    whole_page(app)
    assert app.number_input(key=state.run_key(1, "beta2")).value == 0.9


def test_a_shared_control_redraws_the_body_and_its_own_section_only_where_that_can_change(app):
    # Steps: its section looks the same after the move (the browser shows the new value), the body alone.
    app.slider(key=state.STEPS).set_value(700).run()
    no_failure(app)
    assert not app.get("page_link") and not run_titles(app)
    assert not app.slider and not app.number_input, "the shared controls were resent"
    assert len(decode(path_traces(map_figure(app))[0]["x"])) == 701
    # Noise: its section changes (the seed's entry appears), so σ and the seed are redrawn with the body,
    # and not Steps and the start.
    whole_page(app)
    app.slider(key=state.NOISE).set_value(0.3).run()
    no_failure(app)
    assert not app.get("page_link") and not run_titles(app)
    assert [n.key for n in app.number_input] == [state.SEED]
    assert [s.key for s in app.slider] == [state.NOISE]
    app.slider(key=state.NOISE).set_value(0.0).run()  # and the seed's entry goes with σ = 0
    no_failure(app)
    assert not app.number_input and [s.key for s in app.slider] == [state.NOISE]
    whole_page(app)
    app.slider(key=state.NOISE).set_value(0.3).run()
    assert len(decode(path_traces(map_figure(app))[0]["x"])) == 701


def test_a_shared_link_restores_the_same_view():
    at = new_app().run()
    at.selectbox(key=state.SURFACE).set_value("rosenbrock").run()
    whole_page(at.number_input(key=state.run_key(1, "lr")).set_value(0.02).run())
    whole_page(at.slider(key=state.STEPS).set_value(800).run())  # reruns the body alone
    at.slider(key=state.NOISE).set_value(0.3).run()
    no_failure(at)
    # The link the browser shows for that view (bound widgets write their URL parameter; a selectbox
    # writes the option's label). tests/e2e checks that the browser really writes these.
    # Choosing Rosenbrock also moved the start to its suggested (−2.5, −2.5).
    link = {
        "surface": "Rosenbrock",
        "x0": "-2.5",
        "y0": "-2.5",
        "r1_lr": "0.02",
        "steps": "800",
        "noise": "0.3",
    }

    shared = new_app(link).run()
    no_failure(shared)
    for key, value in ((state.SURFACE, "rosenbrock"), (state.STEPS, 800), (state.NOISE, 0.3)):
        assert shared.session_state[key] == value
    original, restored = map_figure(at), map_figure(shared)
    assert [p["name"] for p in path_traces(restored)] == [p["name"] for p in path_traces(original)]
    for a, b in zip(path_traces(original), path_traces(restored), strict=True):
        assert np.array_equal(decode(a["x"]), decode(b["x"]), equal_nan=True)
    assert table(shared) == table(at)


def test_reset_returns_every_control_to_its_default(app):
    whole_page(app.slider(key=state.STEPS).set_value(1000).run())
    app.number_input(key=state.RUN_COUNT).set_value(5).run()
    app.button(key="reset_all").click().run()
    no_failure(app)
    assert app.session_state[state.STEPS] == state.DEFAULTS[state.STEPS]
    assert len(path_traces(map_figure(app))) == 3


def test_the_3d_view_shows_every_run_on_the_surface(app):
    app.radio(key=state.VIEW).set_value("3d").run()
    no_failure(app)
    spec = figure(app, 0)
    assert [t["type"] for t in spec["data"]][:4] == ["surface", "scatter3d", "scatter3d", "scatter3d"]
    assert [t["line"]["color"] for t in spec["data"][1:4]] == [
        OPTIMIZER_COLORS[f] for f in ("sgd", "adam", "adabelief")
    ]


def test_values_survive_a_trip_to_another_page_and_back(app):
    other_pages = sorted(p.name for p in (REPO_ROOT / "pages").glob("*.py"))
    if not other_pages:
        pytest.skip("no other page exists yet")
    whole_page(app.slider(key=state.STEPS).set_value(800).run())
    app.number_input(key=state.run_key(1, "lr")).set_value(0.02).run()
    app.switch_page(f"pages/{other_pages[0]}").run()
    no_failure(app)
    assert app.session_state[state.STEPS] == 800
    app.switch_page("app.py").run()
    no_failure(app)
    paths = path_traces(map_figure(app))
    assert len(decode(paths[0]["x"])) == 801 and paths[1]["name"] == "Adam (lr=0.02)"


def test_navigation_links_every_page_that_exists(app):
    from ui.sidebar import PAGES

    links = {link.proto.page for link in app.get("page_link")}  # url paths: "" for app.py, "sweeps", ...
    for script, _label, _icon in PAGES:
        url_path = "" if script == "app.py" else script.removeprefix("pages/").removesuffix(".py")
        assert (url_path in links) == (REPO_ROOT / script).exists(), script


def test_every_preset_is_a_valid_setup():
    from surfaces import get_surface

    for preset in PRESETS.values():
        surface = get_surface(preset.surface)
        (x_min, x_max), (y_min, y_max) = surface.domain
        assert x_min <= preset.start[0] <= x_max and y_min <= preset.start[1] <= y_max, preset.key
        assert 1 <= len(preset.runs) <= limits.MAX_RUNS and preset.steps <= limits.MAX_STEPS
        for settings in preset.runs:
            settings.to_optimizer()  # raises ValueError on an invalid setting


def test_csv_export_has_every_step_of_every_run():
    from ui.results import STEP_QUANTITIES, trajectories_csv
    from ui.runs import compute_all

    requests = [
        RunRequest(i, settings, (1.0, 1.5), 20, 0.0, 0, "#000000", "solid")
        for i, settings in enumerate(state.DEFAULT_RUNS)
    ]
    results = compute_all("beale", requests)
    lines = trajectories_csv(results).splitlines()
    header = lines[0].split(",")
    assert header[:6] == ["run", "optimizer", "step", "x", "y", "loss"]
    assert len(header) == 6 + 2 * len(STEP_QUANTITIES)
    assert len(lines) == 1 + 3 * 21
    first = lines[1].split(",")
    assert first[2:5] == ["0", "1.0", "1.5"]
    assert lines[21].split(",")[-1] == ""  # the last row of a run has no update


def test_results_table_says_what_stopped_a_run():
    from ui.results import markdown_table, status_text, table_rows
    from ui.run_settings import with_lr
    from ui.runs import compute_all

    requests = [
        RunRequest(0, with_lr("sgd", 1.0), (1.0, 1.5), 50, 0.0, 0, "#E69F00", "solid"),
        RunRequest(1, with_lr("adam", 0.05), (1.0, 1.5), 50, 0.0, 0, "#0072B2", "solid"),
    ]
    results = compute_all("beale", requests)
    rows = table_rows(results, 0.0, 1e-2)
    assert rows[0]["status"].startswith("diverged at step") and rows[0]["stopped at step"] is not None
    assert rows[1]["stopped at step"] is None
    assert status_text(results[1], 1e-2).startswith("not within 0.01")
    text = markdown_table(rows, ["🟧", "🟦"])
    assert text.splitlines()[2].startswith("| 1 | 🟧 SGD (lr=1) |")


def test_leaving_the_domain_is_labelled(app):
    app.selectbox(key=state.SURFACE).set_value(state.CUSTOM).run()
    app.text_input(key=state.EXPRESSION).set_value("log(x) + y**2").run()
    whole_page(app.number_input(key=state.START_X).set_value(0.5).run())  # reruns the body alone
    whole_page(app.number_input(key=state.START_Y).set_value(0.5).run())
    app.number_input(key=state.run_key(0, "lr")).set_value(
        1.0
    ).run()  # SGD jumps to x < 0, where log is undefined
    no_failure(app)
    sgd = table(app)[0]
    assert sgd["status"] == f"left domain at step {sgd['stopped at step']}"
    labels = [t.get("text") for t in map_figure(app)["data"] if t["name"].endswith("stopped")]
    assert labels[0] == [f"SGD (lr=1): left domain at step {sgd['stopped at step']}"]
    assert any("no minimum" in caption.value for caption in app.caption)  # no distance plot without minima
    assert "yaxis2" not in live_figures(app)["curves"]["layout"]


@pytest.mark.parametrize("noise", [0.0, 0.5])
def test_a_run_cut_from_a_longer_one_equals_the_short_run(noise):
    """The page computes runs in buckets of steps and cuts them: that must change nothing."""
    from optim_core import run
    from surfaces import get_surface
    from ui.run_settings import with_lr
    from ui.runs import STEP_BUCKET

    surface = get_surface("beale")
    for settings in (with_lr("sgd", 1.0), with_lr("adabelief", 0.05)):  # one diverges, one does not
        long = run(surface, settings.to_optimizer(), (1.0, 1.5), 2 * STEP_BUCKET, noise=noise, seed=3)
        for steps in (1, 7, STEP_BUCKET + 10):
            short = run(surface, settings.to_optimizer(), (1.0, 1.5), steps, noise=noise, seed=3)
            cut = long.first_steps(steps)  # as ui.runs cuts its bucket runs
            assert cut.diverged_at == short.diverged_at and cut.stop_reason == short.stop_reason
            for name in ("xy", "loss", "grad", "update", "m", "second_moment", "denom", "step_size"):
                assert np.array_equal(getattr(cut, name), getattr(short, name), equal_nan=True), name
            assert cut.final_loss == short.final_loss or (
                np.isnan(cut.final_loss) and np.isnan(short.final_loss)
            )


def test_a_click_from_the_browser_is_taken_only_when_it_is_a_sane_start():
    """The click comes from the client: a forged value outside the start inputs' range must not land in
    the session (Streamlit would raise on the next run); a normal click moves the start."""
    import streamlit as st

    from ui import state
    from ui.playground import MAP_KEY, _on_map_click

    for forged in ({"x": 1e9, "y": 0.5}, {"x": "0; import os", "y": 1.0}, {"x": 1.0}, None):
        st.session_state[MAP_KEY] = {"click": forged}
        _on_map_click()
        assert state.START_X not in st.session_state
    st.session_state[MAP_KEY] = {"click": {"x": 1.23456, "y": -0.5}}
    _on_map_click()
    assert (st.session_state[state.START_X], st.session_state[state.START_Y]) == (1.235, -0.5)


@pytest.mark.parametrize(
    "query",
    [
        {"steps": "999999999"},
        {"x0": "1e308", "y0": "nan"},
        {"runs": "1000", "noise": "inf"},
        {"r0_lr": "-1", "r0_eps": "1e-400", "r0_b1": "2"},
        {"r0_opt": "Evil", "view": "<script>", "tol": "1e99"},
        {"surface": "custom", "expr": "__import__('os').system('touch {canary}')"},
        {"surface": "custom", "expr": "x**2 + y**2", "box": "nan, 1e999, __import__('os'), 2"},
    ],
    ids=["huge-steps", "absurd-start", "too-many-runs", "bad-run-settings", "unknown-values", "code", "box"],
)
def test_a_hostile_link_changes_nothing_and_runs_nothing(query, tmp_path):
    """A link is text from the internet: out-of-range or malformed values never crash the page, never
    raise the work above the bounds, and a typed 'function' that is code never runs."""
    canary = tmp_path / "escaped"
    at = new_app({key: value.format(canary=canary) for key, value in query.items()}).run()
    no_failure(at)
    assert not canary.exists()
    paths = path_traces(map_figure(at))
    assert 1 <= len(paths) <= limits.MAX_RUNS
    assert all(1 < len(decode(trace["x"])) <= limits.MAX_STEPS + 1 for trace in paths)


def test_a_typed_function_takes_the_users_plot_box_and_refuses_a_bad_one(app):
    app.selectbox(key=state.SURFACE).set_value(state.CUSTOM).run()
    app.text_input(key=state.EXPRESSION).set_value("x**2 + 3*y**2").run()
    app.text_input(key=state.DOMAIN).set_value("-1, 4, -2, 0.5").run()
    no_failure(app)
    assert not app.error
    spec = map_figure(app)
    start = named_trace(spec, "start")
    # The suggested start moves into the new box, and the landscape is drawn over it.
    assert -1 <= start["x"][0] <= 4 and -2 <= start["y"][0] <= 0.5
    lines_x = decode(spec["data"][0]["x"])
    assert np.nanmin(lines_x) >= -1 - 1e-9 and np.nanmax(lines_x) <= 4 + 1e-9

    refusals = [("1, 2, 3", "four numbers"), ("3, 1, 0, 1", "x_min < x_max"), ("0, 1e9, 0, 1", "within")]
    for bad, message in refusals:
        app.text_input(key=state.DOMAIN).set_value(bad).run()
        no_failure(app)
        assert len(app.error) == 1 and message in app.error[0].value
        assert np.nanmax(decode(map_figure(app)["data"][0]["x"])) <= 4 + 1e-9  # the previous box stays
