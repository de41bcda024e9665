"""The playground in a real browser: playback, click-to-start, a slider redraw, and a shared link."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from tests.e2e.helpers import (
    ARTIFACTS_DIR,
    assert_no_exception,
    figure_fingerprint,
    figure_text_clashes,
    open_page,
    open_url,
    wait_for_app_idle,
    wait_for_figure_change,
    wait_for_figures,
)
from viz.playground_figure import FIRST_PATH_INDEX

if TYPE_CHECKING:
    from playwright.sync_api import Page

# The map and the curves (loss and distance) are live figures (ui/live_plotly.py): graph divs of class
# live-plotly, the map first, updated in place by Plotly.react.
MAP = "document.querySelectorAll('.live-plotly.js-plotly-plot')[0]"
# The animated heads are the map's last traces (one per run); the start marker is the trace named "start".
HEADS_JS = f"""() => {{
    const graph = {MAP};
    const heads = graph._transitionData && graph._transitionData._frames.length
        ? graph._transitionData._frames[0].traces : [];
    return heads.map((i) => {{
        const t = graph.data[i];
        return [t.x[t.x.length - 1], t.y[t.y.length - 1]];
    }});
}}"""
START_JS = f"() => {{ const t = {MAP}.data.find((t) => t.name === 'start'); return [t.x[0], t.y[0]]; }}"
FIRST_PATH_LENGTH_JS = f"""() => {{
    const graph = {MAP};
    const path = graph._fullData[{FIRST_PATH_INDEX}];  // run 1's path; typed arrays are decoded here
    return path.x.length;
}}"""

# The map's step scrubber, drawn by the page under the map (ui/live_plotly.js): where it is, what it says,
# and the label of its last step.
SCRUBBER_JS = """() => {
    const root = document.querySelector('.live-scrubber');
    const input = root.querySelector('input');
    const spec = root.parentElement.__liveFigure.playback.spec;
    const label = root.querySelector('output').textContent;
    const last = spec.labels[spec.labels.length - 1];
    return {value: Number(input.value), max: Number(input.max), label, last};
}"""


# The results table as the page shows it (the one table in the main area): header texts and each row's
# cell texts.
RESULTS_TABLE_JS = """() => {
    const table = document.querySelector('[data-testid=stMain] table');
    const texts = (row) => [...row.children].map((cell) => cell.textContent.trim());
    return {headers: texts(table.querySelector('thead tr')),
            rows: [...table.querySelectorAll('tbody tr')].map(texts)};
}"""


def open_playground(page: Page, base_url: str, query: dict[str, object] | None = None) -> None:
    open_page(page, base_url, "", query)
    assert wait_for_figures(page, minimum=2) >= 2, "the map and the curves should be drawn"
    assert_no_exception(page)


def poll(page: Page, script: str, until, timeout_ms: int = 15_000):
    """Evaluate `script` every 100 ms until `until(value)` holds; return the last value."""
    waited = 0
    value = page.evaluate(script)
    while not until(value) and waited < timeout_ms:
        page.wait_for_timeout(100)
        waited += 100
        value = page.evaluate(script)
    return value


def test_play_moves_the_heads_and_a_screenshot_is_saved(page: Page, base_url: str) -> None:
    open_playground(page, base_url)
    before = page.evaluate(HEADS_JS)
    assert len(before) == 3 and all(head == [1.0, 1.5] for head in before)  # all start together
    page.get_by_text("▶ Play", exact=True).first.click()
    moved = poll(page, HEADS_JS, lambda heads: heads != before)
    assert moved != before, "pressing Play should move the optimizers' heads"
    page.get_by_text("❚❚ Pause", exact=True).first.click()
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS_DIR / "playground.png"), full_page=True)
    assert (ARTIFACTS_DIR / "playground.png").stat().st_size > 10_000


def test_the_step_scrubber_follows_playback_and_moves_the_heads(page: Page, base_url: str) -> None:
    open_playground(page, base_url)
    assert page.evaluate(SCRUBBER_JS) == {"value": 0, "max": 59, "label": "step 0", "last": "500"}
    page.get_by_text("▶ Play", exact=True).first.click()
    assert poll(page, SCRUBBER_JS, lambda shown: shown["value"] > 0)["value"] > 0, "playback should move it"
    page.get_by_text("❚❚ Pause", exact=True).first.click()
    scrubber = page.locator(".live-scrubber input")
    scrubber.focus()
    page.keyboard.press("Home")  # the keyboard drives it: back to the start, then ten frames on
    for _ in range(10):
        page.keyboard.press("ArrowRight")
    frame = page.evaluate(f"() => {MAP}._transitionData._frames[10]")
    expected = [[data["x"][-1], data["y"][-1]] for data in frame["data"]]
    assert poll(page, HEADS_JS, lambda heads: heads == expected) == expected, "the heads should show frame 10"
    assert page.evaluate(SCRUBBER_JS)["label"] == f"step {frame['name']}"
    assert_no_exception(page)


def pixel_of(page: Page, point: tuple[float, float]) -> tuple[float, float]:
    """Where the map draws `point` (data coordinates), in page pixels."""
    return tuple(
        page.evaluate(
            f"""([x, y]) => {{
                const graph = {MAP};
                const box = graph.querySelector('.nsewdrag').getBoundingClientRect();
                return [box.left + graph._fullLayout.xaxis.d2p(x), box.top + graph._fullLayout.yaxis.d2p(y)];
            }}""",
            list(point),
        )
    )


def test_clicking_the_map_sets_the_start(page: Page, base_url: str) -> None:
    open_playground(page, base_url)
    # Anywhere on the plot area (plotly's clickanywhere), away from the paths: the start moves to the
    # clicked point itself, to within a pixel (Beale's box is [-4.5, 4.5]², a pixel about 0.02).
    target = (-1.23, -2.71)
    page.mouse.click(*pixel_of(page, target))
    start = poll(page, START_JS, lambda s: abs(s[0] - target[0]) < 0.05 and abs(s[1] - target[1]) < 0.05)
    assert abs(start[0] - target[0]) < 0.05 and abs(start[1] - target[1]) < 0.05, start
    wait_for_app_idle(page)
    assert float(page.get_by_label("Start x").input_value()) == start[0]
    assert "x0=" in page.url and "y0=" in page.url  # the new start is in the link too
    # A click off the plot area (on the x axis's tick labels, below it) moves nothing.
    below = page.evaluate(
        f"() => {{ const r = {MAP}.querySelector('.nsewdrag').getBoundingClientRect(); "
        f"return [r.left + r.width / 2, r.bottom + 12]; }}"
    )
    page.mouse.click(*below)
    page.wait_for_timeout(1_000)
    wait_for_app_idle(page)
    assert page.evaluate(START_JS) == start
    assert_no_exception(page)


def test_moving_the_steps_slider_redraws_the_chart(page: Page, base_url: str) -> None:
    # Nothing but the app's own server: plotly.js is the bundle in ui/static/plotly, served by the app.
    page.route(lambda url: not url.startswith(base_url), lambda route: route.abort())
    open_playground(page, base_url)
    assert page.evaluate(FIRST_PATH_LENGTH_JS) == 501
    page.evaluate(f"() => {{ {MAP}.__drawnBeforeTheMove = true; }}")
    before = figure_fingerprint(page)
    thumb = page.locator("[data-testid=stSlider] input[aria-label='Steps']")
    thumb.focus()
    page.keyboard.press("ArrowRight")  # 500 -> 510 steps
    after = wait_for_figure_change(page, before)
    assert after != before, "the chart should change when the Steps slider moves"
    assert poll(page, FIRST_PATH_LENGTH_JS, lambda n: n == 511) == 511
    # Updated in place (Plotly.react on the same graph div), not unmounted and drawn again from nothing.
    assert page.evaluate(f"() => {MAP}.__drawnBeforeTheMove === true")
    wait_for_app_idle(page)
    assert "steps=510" in page.url  # the moved control is in the link to share
    # The results table under the charts follows: a row per run, each run's status after 510 steps.
    table = page.evaluate(RESULTS_TABLE_JS)
    assert table["headers"][:2] == ["run", "optimizer"] and len(table["rows"]) == 3, table
    assert all("after 510 steps" in row[-2] or "at step" in row[-2] for row in table["rows"]), table
    assert_no_exception(page)


# While the test holds the server's replies (below), the page's view of the map and the curves: whether
# Streamlit marks them stale, their opacity, and every animation the page is running.
STALE_VIEW_JS = """() => ({
    figures: ['map', 'curves'].map((key) => {
        const element = document.querySelector(`.st-key-${key}[data-testid=stElementContainer]`);
        const style = getComputedStyle(element);
        return {stale: element.getAttribute('data-stale'), opacity: Number(style.opacity),
                layer: style.willChange};
    }),
    running: document.getAnimations().filter((animation) => animation.playState === 'running')
        .map((animation) => `${animation.transitionProperty || animation.animationName} on ` +
             (animation.effect.target.getAttribute('data-testid') || animation.effect.target.className)),
})"""
# What the server sends before a rerun's first element: that a run started (and that the run a widget
# callback ended early finished). The test passes these and holds the rest.
RUN_STATE_MESSAGES = {"new_session", "session_status_changed", "script_finished", "heartbeat_ack"}


def test_a_slow_rerun_dims_the_figures_in_one_step_and_animates_nothing(page: Page, base_url: str) -> None:
    """While a rerun is under way for longer than 0.5 s, what it has not resent yet is dimmed, at once and
    not in a 1 s fade whose every frame the browser would composite again (ui/page_style.py says what
    that cost a class). The server is made slow here by holding its replies to the page."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    held: list[tuple[object, bytes]] = []
    holding = [False]

    def hold_replies(route) -> None:
        server = route.connect_to_server()

        def to_page(message: str | bytes) -> None:
            # Once the run's first element is held, so is everything after it, in order.
            if holding[0] and (
                held or ForwardMsg.FromString(message).WhichOneof("type") not in RUN_STATE_MESSAGES
            ):
                held.append((route, message))
            else:
                route.send(message)

        server.on_message(to_page)  # the page's own messages still go straight to the server

    page.route_web_socket(re.compile(r"/_stcore/stream"), hold_replies)
    open_playground(page, base_url)
    before = figure_fingerprint(page)
    holding[0] = True
    thumb = page.locator("[data-testid=stSlider] input[aria-label='Steps']")
    thumb.focus()
    page.keyboard.press("ArrowRight")
    # Streamlit's fade would still be under way 1 s after the figures went stale; one step is done by then.
    page.wait_for_selector(".st-key-map[data-stale=true]", state="attached", timeout=10_000)
    page.wait_for_timeout(1_000)
    waiting = page.evaluate(STALE_VIEW_JS)
    holding[0] = False
    for route, message in held:
        route.send(message)
    assert held, "the server should have replied to the move"
    for figure in waiting["figures"]:
        assert figure["stale"] == "true" and figure["opacity"] < 0.5, waiting
        assert figure["layer"] == "opacity", waiting  # dimmed and back by compositing, not repainting
    assert waiting["running"] == [], waiting
    assert wait_for_figure_change(page, before) != before
    wait_for_app_idle(page)
    assert [figure["opacity"] for figure in page.evaluate(STALE_VIEW_JS)["figures"]] == [1, 1]
    assert_no_exception(page)


# The run editors are popovers in the sidebar: a button each, titled with the run; the browser mounts an
# editor's widgets only while its popover is open.
RUN_BUTTONS = "[data-testid=stPopover] button"
RUN_TITLES_JS = f"""() => Array.from(document.querySelectorAll('{RUN_BUTTONS}'))
    .map((button) => button.innerText.split("\\n")[0].trim())"""


def open_menu(page: Page, selector: str, attempts: int = 5) -> None:
    """Open the selectbox whose input matches `selector` and wait for its options.

    On a busy machine a click can land while the popover around the menu is still opening, and the menu
    stays shut: then try again, with the keyboard as well.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    menu = page.locator(selector)
    for _ in range(attempts):
        menu.click()
        if not page.get_by_role("option").count():
            page.keyboard.press("ArrowDown")
        try:
            page.get_by_role("option").first.wait_for(timeout=3_000)
            return
        except PlaywrightTimeoutError:
            page.keyboard.press("Escape")
    raise AssertionError(f"the menu {selector} did not open")


def test_a_run_control_redraws_its_lr_pair_and_the_body_and_keeps_the_rest(page: Page, base_url: str) -> None:
    """A run's lr slider reruns only its lr pair and the page body (ui/sections.py); the browser keeps the
    rest, and the run's popover stays open under the moving slider.

    Choosing another optimizer redraws the whole page: run 2's dash depends on run 1's family.
    """
    open_playground(page, base_url)
    page.locator(RUN_BUTTONS).nth(1).click()  # open run 2 (Adam, lr 0.05)
    lr_slider = page.locator("[data-testid=stSlider] input[aria-label='Learning rate (log scale)']")
    lr_slider.wait_for()
    before = figure_fingerprint(page)
    lr_slider.focus()
    page.keyboard.press("ArrowRight")  # 0.05 -> 0.1
    assert wait_for_figure_change(page, before) != before
    wait_for_app_idle(page)
    exact = page.locator("[data-testid=stNumberInput] input[aria-label='lr (exact)']")
    assert [box.input_value() for box in exact.all()] == ["0.1"]  # run 2's editor, still open
    assert page.evaluate(RUN_TITLES_JS) == ["🟧 Run 1: SGD", "🟦 Run 2: Adam", "🟥 Run 3: AdaBelief"]
    assert page.locator("[data-testid=stPageLink]").count() >= 2  # the navigation is still there
    assert "r1_lr=0.1" in page.url
    names = f"() => {MAP}.data.map((t) => t.name)"
    assert "Adam (lr=0.1)" in poll(page, names, lambda shown: "Adam (lr=0.1)" in shown)

    page.keyboard.press("Escape")  # close run 2's editor, open run 1's (SGD) and make it an Adam too
    page.locator(RUN_BUTTONS).nth(0).click()
    open_menu(page, ".st-key-r0_opt input")  # the optimizer menu: the widget with key r0_opt
    page.locator("[role=option]", has_text=re.compile(r"^\s*Adam\s*$")).click()
    poll(page, "() => location.search", lambda query: "r0_opt" in query)
    titles = poll(page, RUN_TITLES_JS, lambda shown: shown[1].endswith("· dash"))
    assert titles[1] == "🟦 Run 2: Adam · dash"
    wait_for_app_idle(page)
    assert_no_exception(page)


def test_a_shared_link_opens_the_same_view(page: Page, base_url: str) -> None:
    open_playground(page, base_url, {"surface": "Rosenbrock", "r1_lr": 0.02, "steps": 800})
    assert page.evaluate(FIRST_PATH_LENGTH_JS) == 801
    assert "Rosenbrock" in page.locator("[data-testid=stMain]").inner_text()
    link = page.url
    original = figure_fingerprint(page)

    other = page.context.new_page()
    open_url(other, link)
    assert wait_for_figures(other, minimum=2) >= 2
    assert_no_exception(other)
    assert figure_fingerprint(other) == original, "the link should restore exactly the same figures"
    other.close()


def test_csv_export_downloads_every_step_of_the_runs_on_screen(page: Page, base_url: str) -> None:
    open_playground(page, base_url)
    # A Steps move reruns the page body alone: the export must follow it.
    before = figure_fingerprint(page)
    page.locator("[data-testid=stSlider] input[aria-label='Steps']").focus()
    page.keyboard.press("ArrowRight")  # 500 -> 510 steps
    wait_for_figure_change(page, before)  # the rerun has reached the page (idle alone could precede it)
    wait_for_app_idle(page)
    with page.expect_download() as download_info:
        page.get_by_text("Trajectories and per-step states (CSV)").click()
    lines = Path(download_info.value.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("run,optimizer,step,x,y,loss,grad_x,grad_y")
    assert len(lines) == 1 + 3 * 511
    assert_no_exception(page)


def _offline_race():
    """Contour lines of a bowl on [-3, 3]², its box, and one run curving down to its minimum."""
    import numpy as np

    from viz.landscape import contour_lines, sample_grid
    from viz.runs import RunPicture

    domain = ((-3.0, 3.0), (-3.0, 3.0))
    t = np.linspace(0, 1, 201)
    xy = np.stack([2.5 * (1 - t), 2.0 * (1 - t) ** 2], axis=1)
    run = RunPicture("Adam (lr=0.1)", "#0072B2", "solid", xy, (xy**2).sum(1), np.hypot(*xy.T))
    return contour_lines(sample_grid(lambda x, y: x**2 + y**2, domain, 60)), domain, run


def test_exported_html_plays_offline(page: Page, tmp_path: Path) -> None:
    from viz.export import standalone_html
    from viz.playground_figure import map_figure

    lines, domain, run = _offline_race()
    figure = map_figure(lines, domain, [(0.0, 0.0)], (2.5, 2.0), [run], frame_count=40)
    html_file = tmp_path / "race.html"
    html_file.write_text(standalone_html(figure, "offline race"), encoding="utf-8")

    page.context.route("http*://**", lambda route: route.abort())  # no network: everything must be inline
    page.goto(html_file.as_uri())
    page.wait_for_function(
        "document.querySelector('.js-plotly-plot') && "
        "document.querySelector('.js-plotly-plot')._transitionData._frames.length === 40"
    )
    head = (
        "() => { const g = document.querySelector('.js-plotly-plot'); const d = g.data[g.data.length - 1];"
        " return [d.x[d.x.length - 1], d.y[d.y.length - 1]]; }"
    )
    before = page.evaluate(head)
    page.get_by_text("▶ Play", exact=True).first.click()
    assert poll(page, head, lambda now: now != before) != before


def test_the_exported_figure_keeps_its_controls_clear_of_the_axis_labels(page: Page, tmp_path: Path) -> None:
    """In a narrow window with eight runs the legend takes four rows and the plot area shrinks: plotly's
    buttons and scrubber, placed at fractions of it, must still clear the x axis's title and each other."""
    from viz.export import standalone_html
    from viz.playground_figure import map_figure

    lines, domain, run = _offline_race()
    runs = [replace(run, label=f"Adam (lr=0.{k + 1})") for k in range(8)]
    figure = map_figure(lines, domain, [(0.0, 0.0)], (2.5, 2.0), runs, frame_count=40)
    html_file = tmp_path / "race.html"
    html_file.write_text(standalone_html(figure, "eight runs"), encoding="utf-8")
    page.set_viewport_size({"width": 600, "height": 800})
    page.goto(html_file.as_uri())
    page.wait_for_function(
        "document.querySelector('.js-plotly-plot') && document.querySelector('.legendtext')"
    )
    assert page.locator(".legendtext").count() == 10  # the minimum, the start and the eight runs
    assert figure_text_clashes(page) == []
    boxes = page.evaluate(
        "() => ['.updatemenu-container', '.slider-container'].map((selector) => {"
        " const box = document.querySelector(selector).getBoundingClientRect();"
        " return [box.top, box.bottom]; })"
    )
    (buttons_top, buttons_bottom), (scrubber_top, _) = boxes
    axis_title_bottom = page.evaluate(
        "() => document.querySelector('.g-xtitle text').getBoundingClientRect().bottom"
    )
    assert axis_title_bottom <= buttons_top and buttons_bottom <= scrubber_top, (axis_title_bottom, boxes)


VISIBILITY_JS = f"""() => Object.fromEntries({MAP}._fullData.filter((t) => t.legendgroup)
    .map((t) => [t.name, t.visible]))"""


def test_a_run_hidden_from_the_legend_stays_hidden_when_another_run_diverges(
    page: Page, base_url: str
) -> None:
    """A stop marker appears only for a run that stopped, so the traces after it move along; the legend's
    hidden runs follow their traces (plotly.js matches them by uid), not their positions."""
    open_playground(page, base_url)
    page.locator(".live-plotly .legend .traces", has_text="Adam (lr=0.05)").click()  # hide run 2
    hidden = poll(page, VISIBILITY_JS, lambda shown: shown.get("Adam (lr=0.05)") == "legendonly")
    assert hidden["Adam (lr=0.05)"] == hidden["Adam (lr=0.05) (now)"] == "legendonly"
    assert hidden["SGD (lr=0.01) (now)"] is True

    page.locator(RUN_BUTTONS).nth(0).click()  # run 1, SGD: lr 1 diverges on Beale within a few steps
    exact = page.locator("[data-testid=stNumberInput] input[aria-label='lr (exact)']")
    exact.fill("1")
    exact.press("Enter")
    shown = poll(page, VISIBILITY_JS, lambda shown: "SGD (lr=1): stopped" in shown)
    assert "SGD (lr=1): stopped" in shown, "SGD at lr 1 should have stopped with a marker"
    assert shown["Adam (lr=0.05)"] == shown["Adam (lr=0.05) (now)"] == "legendonly"  # Adam is still hidden
    visible = ["SGD (lr=1)", "SGD (lr=1) (now)", "AdaBelief (lr=0.05)", "AdaBelief (lr=0.05) (now)"]
    assert [shown[name] for name in visible] == [True] * 4  # ... and only Adam
    assert_no_exception(page)


# A live figure (0: the map, 1: the curves) as ui/live_plotly.js last drew it, against the same payload drawn
# from nothing in a hidden div of the same width: the SVG trees compared element by element, attributes and
# styles in sorted order (plotly writes some in another order when it redraws a part), the plot's random id
# and the traces' ids (random where a trace has no uid) replaced by their role. Returns null when the same.
SAME_AS_A_FRESH_DRAW_JS = """async (index) => {
    const live = document.querySelectorAll('.live-plotly.js-plotly-plot')[index];
    const holder = live.parentElement.__liveFigure;
    const payload = JSON.parse(holder.drawnText);
    const fresh = document.createElement('div');
    fresh.style.cssText = `position: absolute; left: -5000px; top: 0; width: ${live.clientWidth}px`;
    document.body.appendChild(fresh);
    await Plotly.newPlot(fresh, payload.figure.data, payload.figure.layout, payload.config);
    const canonical = (graph) => {
        const ids = [[graph._fullLayout._uid, 'PLOT'],
            ...graph._fullData.map((trace, k) => ['trace' + trace.uid, 'trace#' + k])];
        const named = (value) => ids.reduce((v, [id, role]) => v.split(id).join(role), value);
        const walk = (node) => {
            if (node.nodeType === Node.TEXT_NODE) return node.textContent;
            const attributes = [...node.attributes].map((a) => a.name === 'style'
                ? 'style=' + a.value.split(';').map((s) => s.trim()).filter(Boolean).sort().join(';')
                : a.name + '=' + named(a.value));
            const children = [...node.childNodes].map(walk).join('');
            return '<' + node.tagName + ' ' + attributes.sort().join(' ') + '>' + children;
        };
        return [...graph.querySelectorAll('svg.main-svg')].map(walk);
    };
    const [drawn, expected] = [canonical(live), canonical(fresh)];
    Plotly.purge(fresh);
    fresh.remove();
    const a = drawn.join('\\n'), b = expected.join('\\n');
    let i = 0;
    while (i < a.length && a[i] === b[i]) i++;
    const around = (text) => text.slice(Math.max(0, i - 150), i + 150);
    return a === b ? null : {drawn: around(a), fresh: around(b)};
}"""
DRAWN_IN_PLACE_JS = """(name) => {
    const marks = performance.getEntriesByName(`live-plotly:${name}:drawn`);
    return marks.length ? marks[marks.length - 1].detail.inPlace : null;
}"""


def poll_with(page: Page, script: str, argument: str, timeout_ms: int = 15_000):
    """Evaluate `script` with `argument` until it returns something other than null; return that."""
    page.wait_for_function(f"(argument) => ({script})(argument) !== null", arg=argument, timeout=timeout_ms)
    return page.evaluate(script, argument)


def test_an_update_drawn_in_place_looks_exactly_like_the_figure_drawn_afresh(
    page: Page, base_url: str
) -> None:
    """A move of a run's lr or of Steps redraws only the map's paths, heads and legend (ui/live_plotly.js,
    updateInPlace) and relabels the page's scrubber: what is drawn must be what a full draw of the new
    figure shows, also after playback left the heads and the scrubber at a later step."""
    open_playground(page, base_url)
    page.get_by_text("▶ Play", exact=True).first.click()
    heads = page.evaluate(HEADS_JS)
    poll(page, HEADS_JS, lambda now: now != heads)
    page.get_by_text("❚❚ Pause", exact=True).first.click()
    assert page.evaluate(SCRUBBER_JS)["value"] > 0, "playback should move the scrubber"

    page.locator(RUN_BUTTONS).nth(1).click()  # run 2 (Adam): its lr changes its path, head and legend name
    lr_slider = page.locator("[data-testid=stSlider] input[aria-label='Learning rate (log scale)']")
    steps_slider = page.locator("[data-testid=stSlider] input[aria-label='Steps']")

    def steps_label() -> str:
        return steps_slider.input_value()

    for slider in (lr_slider, steps_slider):  # Steps: every path, the frames and the scrubber's labels
        page.evaluate("performance.clearMarks()")
        slider.focus()
        page.keyboard.press("ArrowRight")
        assert poll_with(page, DRAWN_IN_PLACE_JS, "map") is True, "the map should be updated in place"
        # The curves' axes follow their data (autorange), so they are drawn whole by Plotly.react.
        assert poll_with(page, DRAWN_IN_PLACE_JS, "curves") is False
        wait_for_app_idle(page)
        assert page.evaluate(SAME_AS_A_FRESH_DRAW_JS, 0) is None
        assert page.evaluate(SAME_AS_A_FRESH_DRAW_JS, 1) is None
        # Like a fresh draw, the scrubber is back at the first frame, with the new figure's steps.
        assert page.evaluate(SCRUBBER_JS) == {"value": 0, "max": 59, "label": "step 0", "last": steps_label()}
    legend = f"() => [...{MAP}.querySelectorAll('.legendtext')].map((entry) => entry.textContent)"
    assert "Adam (lr=0.1)" in page.evaluate(legend)
    assert_no_exception(page)


def test_a_run_hidden_from_the_legend_stays_hidden_when_its_path_is_redrawn_in_place(
    page: Page, base_url: str
) -> None:
    open_playground(page, base_url)
    page.locator(".live-plotly .legend .traces", has_text="Adam (lr=0.05)").click()  # hide run 2
    poll(page, VISIBILITY_JS, lambda shown: shown.get("Adam (lr=0.05)") == "legendonly")
    page.locator(RUN_BUTTONS).nth(1).click()  # run 2's editor: move its lr, which redraws its path in place
    lr_slider = page.locator("[data-testid=stSlider] input[aria-label='Learning rate (log scale)']")
    page.evaluate("performance.clearMarks()")
    lr_slider.focus()
    page.keyboard.press("ArrowRight")
    assert poll_with(page, DRAWN_IN_PLACE_JS, "map") is True
    shown = page.evaluate(VISIBILITY_JS)
    assert shown["Adam (lr=0.1)"] == shown["Adam (lr=0.1) (now)"] == "legendonly"
    # The traces drawn with a line, by their classes (plotly names each "trace<uid>").
    drawn = page.evaluate(
        f"() => [...{MAP}.querySelectorAll('.scatterlayer .trace')]"
        ".filter((trace) => trace.querySelector('path.js-line')).map((trace) => trace.getAttribute('class'))"
    )

    def drawn_with(uid: str) -> bool:
        return any(f"trace{uid}" in classes.split() for classes in drawn)

    assert not drawn_with("path1") and not drawn_with("head1"), drawn  # run 2 stays hidden
    assert drawn_with("path0") and drawn_with("path2") and drawn_with("head0"), drawn
    assert_no_exception(page)


# Every trace of every live figure, and of a scratch plot whose traces hold arrays in nested and per-point
# attributes: plotly's array-attribute list as the page's cache gives it, against plotly's own walk.
ARRAY_ATTRIBUTES_JS = """async () => {
    const schema = window.Plotly.PlotSchema;
    const uncached = schema.__optimizerLabUncachedFindArrayAttributes;
    if (!uncached) return "the page did not install its array-attribute cache";
    const differences = [];
    const compare = (where, traces) => traces.forEach((trace, index) => {
        const cached = schema.findArrayAttributes(trace);
        const again = schema.findArrayAttributes(trace);  // the second answer comes from the cache
        const own = uncached(trace);
        if (JSON.stringify(cached) !== JSON.stringify(own) || JSON.stringify(again) !== JSON.stringify(own)) {
            differences.push({where, index, cached, own});
        }
        if (cached === again) differences.push({where, index, problem: "one list shared by two answers"});
    });
    document.querySelectorAll('.live-plotly.js-plotly-plot').forEach(
        (graph, figure) => compare(`live figure ${figure}`, graph._fullData));
    const scratch = document.createElement('div');
    document.body.appendChild(scratch);
    const x = [0, 1, 2];
    let deep = {values: [1, 2, 3]};
    for (let level = 0; level < 12; level++) deep = {inner: deep};
    await window.Plotly.newPlot(scratch, [
        {x, y: [1, 2, 3], mode: 'markers', marker: {color: [1, 2, 3], size: 8, line: {width: [1, 2, 3]}}},
        {x, y: new Float64Array([3, 1, 2]), mode: 'lines+markers', hovertext: ['a', 'b', 'c'],
         marker: {symbol: ['circle', 'square', 'diamond'], color: 'red'}, customdata: [[1], [2], [3]]},
        {x, y: [2, 2, 2], text: 'one text for all', textposition: ['top left', 'top center', 'top right'],
         mode: 'text'},
        {x, y: [0, 1, 0], error_y: {type: 'data', array: [0.1, 0.2, 0.3], visible: true}},
        // meta takes any value: nested deeper than any attribute tree, it is answered by plotly's own walk
        {x, y: [1, 0, 1], marker: {color: [3, 2, 1]}, meta: deep},
    ]);
    compare('scratch plot', scratch._fullData);
    const shapes = scratch._fullData.map((trace) => uncached(trace).length);
    window.Plotly.purge(scratch);
    scratch.remove();
    return {differences, shapes};
}"""


def test_the_pages_array_attribute_cache_answers_as_plotly_does(page: Page, base_url: str) -> None:
    """ui/live_plotly.js remembers plotly's list of a trace's array attributes (the calc step asks for it on
    every draw): for the app's figures and for traces with arrays in nested and per-point attributes, the
    remembered lists are plotly's own, element for element and in the same order."""
    open_playground(page, base_url)
    result = page.evaluate(ARRAY_ATTRIBUTES_JS)
    assert not isinstance(result, str), result
    assert result["differences"] == []
    # The scratch traces really hold several array attributes each (the comparison is not of empty lists).
    assert all(count >= 3 for count in result["shapes"]), result["shapes"]
    # The same after a move, which redraws both figures from new data.
    steps_slider = page.locator("[data-testid=stSlider] input[aria-label='Steps']")
    before = figure_fingerprint(page)
    steps_slider.focus()
    page.keyboard.press("ArrowRight")
    wait_for_figure_change(page, before)
    wait_for_app_idle(page)
    assert page.evaluate(ARRAY_ATTRIBUTES_JS)["differences"] == []
