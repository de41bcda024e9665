"""Playground speed and size figures (run on demand; never part of the test suite's pass/fail).

    .venv/bin/python -m bench.bench_playground            # everything
    .venv/bin/python -m bench.bench_playground --no-browser

Prints:
  1. rerun (ms, median over repeats) on the default setup (3 optimizers × 500 steps): with nothing
     changed (the whole page), after one run's lr is typed anew (that run recomputed; its editor and
     the page body rerun, ui/sections.py), after its lr slider moves to a stop it has not shown and after
     the noise slider moves to a σ it has not shown, both within ui/runs.REACH presses of a computed run
     (so computed with it), after Steps moves (the body reruns alone); wall time of each AppTest run,
     so an upper bound;
  2. bytes of the figures sent for 4 optimizers × 1,000 steps (the map's JSON, and all charts);
  3. in Chromium against a real server: first load (navigation to the map and the curves drawn) on a cold and
     a warm server, and per slider move, medians over several moves per slider:
       key → map drawn: key press to the map's draw finishing (performance marks set by
         ui/live_plotly.js), split into key → new map data in the browser (server rerun, websocket,
         Streamlit's frontend) and the draw itself (Plotly.react, or the in-place update of the traces
         that changed; the share of moves drawn in place is printed);
       key → next frame: key press to the first animation frame after the map was drawn, the frame
         that shows it (anything else the page does first, such as drawing the curves, delays it).
The machine's load average is printed with every section: timings on a busy shared machine are upper bounds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def timed_run(at) -> float:
    """Milliseconds for one AppTest run: the script (or the sections it reruns) plus AppTest's own work."""
    start = time.perf_counter()
    at.run()
    assert not at.exception, at.exception
    return (time.perf_counter() - start) * 1e3


def bench_rerun(repeats: int) -> None:
    from streamlit.testing.v1 import AppTest

    from ui.log_stops import LR_STOPS, stops_around
    from ui.runs import REACH, noise_around

    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=300).run()
    assert not at.exception, at.exception
    unchanged = [timed_run(at) for _ in range(repeats)]
    lr_moves = []
    for i in range(repeats):  # each a new value: a cache miss; reruns run 2's editor and the body
        at.number_input(key="r1_lr").set_value(0.011 + 0.001 * i)
        lr_moves.append(timed_run(at))
    at.run()
    at.select_slider(key="r1_lrstop").set_value(0.05).run()  # untimed: back to the default's run
    lr_stop_moves = []
    # Stops within ui/runs.REACH presses of 0.05, each new to this run: without the runs computed ahead
    # every one of them would be computed now.
    for stop in stops_around(0.05, LR_STOPS, REACH)[:repeats]:
        at.select_slider(key="r1_lrstop").set_value(stop)
        lr_stop_moves.append(timed_run(at))
    at.run()  # the whole page again: AppTest keeps only the last run's elements (tests/app/conftest.py)
    at.slider(key="noise").set_value(0.3).run()  # untimed: computes σ = 0.3 (and the σ around it)
    noise_moves = []
    for level in noise_around(0.3, REACH)[:repeats]:  # likewise: each σ new, within REACH presses
        at.slider(key="noise").set_value(level)
        noise_moves.append(timed_run(at))
    at.slider(key="noise").set_value(0.0).run()
    at.run()
    steps_moves = []
    for i in range(repeats):  # reruns the body alone
        at.slider(key="steps").set_value(510 + 10 * i)
        steps_moves.append(timed_run(at))
        at.run()  # untimed: the whole page again, so the slider is there to move
    print(f"1. rerun after a change, default setup (3 optimizers × 500 steps), median ms over {repeats}")
    print(f"   (wall time of AppTest runs, its own overhead included; load {load_average()})")
    print(f"   nothing changed (whole page)                  {statistics.median(unchanged):7.1f} ms")
    print(f"   one run's lr typed (1 new run; its section)    {statistics.median(lr_moves):7.1f} ms")
    print(f"   one run's lr slider, a new stop (run ready)    {statistics.median(lr_stop_moves):7.1f} ms")
    print(f"   noise σ slider, a new σ (3 runs ready)         {statistics.median(noise_moves):7.1f} ms")
    print(f"   Steps moved (3 new runs; the body alone)       {statistics.median(steps_moves):7.1f} ms")


def bench_figure_bytes() -> None:
    from streamlit.testing.v1 import AppTest

    from ui.live_plotly import ELEMENT_TYPE, payload_of

    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=300)
    at.query_params.update({"runs": "4", "steps": "1000"})
    at.run()
    assert not at.exception, at.exception
    sizes = {payload_of(element)["name"]: len(element.proto.bytes) for element in at.get(ELEMENT_TYPE)}
    figure = next(payload_of(e)["figure"] for e in at.get(ELEMENT_TYPE) if payload_of(e)["name"] == "map")
    paths = [t for t in figure["data"] if t.get("mode") == "lines" and t["name"] != "contour lines of f"]
    print(f"2. figure size, 4 optimizers × 1,000 steps (JSON sent to the browser; load {load_average()})")
    print(
        f"   map (animated, {len(figure['frames'])} frames, {len(paths)} paths)  {sizes['map'] / 1e6:.3f} MB"
    )
    print(f"   all {len(sizes)} charts together                {sum(sizes.values()) / 1e6:.3f} MB")


WATCH_JS = """
() => {
  window.__bench = {pressed: null, shown: null};
  performance.clearMarks();
  document.addEventListener('keydown', () => { window.__bench.pressed = performance.now(); }, true);
  // performance.now(), not the callback's argument: that is when the frame was due, which can be before
  // the task that drew the map ended.
  const tick = () => {
    if (window.__bench.pressed !== null && performance.getEntriesByName('live-plotly:map:drawn').length) {
      window.__bench.shown = performance.now();
      return;
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}
"""
# Times of ui/live_plotly.js's marks for the map, relative to the key press: [received, drawn], and
# whether it was drawn in place.
MAP_MARKS_JS = """
() => ['received', 'drawn'].map((name) => {
  const marks = performance.getEntriesByName('live-plotly:map:' + name);
  return marks.length ? marks[marks.length - 1].startTime - window.__bench.pressed : null;
}).concat([(performance.getEntriesByName('live-plotly:map:drawn').slice(-1)[0].detail || {}).inPlace
  === true])
"""


def load_average() -> str:
    return f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"


def bench_browser(moves: int) -> None:
    from playwright.sync_api import sync_playwright

    from tests.e2e.helpers import launch_chromium, running_app, wait_for_app_idle

    print(
        f"3. real browser (Debian Chromium, headless), server as `make run` starts it (load {load_average()})"
    )
    with running_app() as base_url, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        loads = []
        for _ in range(3):
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            page = context.new_page()
            start = time.perf_counter()
            page.goto(base_url + "/", wait_until="domcontentloaded")
            page.wait_for_function(
                "document.querySelectorAll('.js-plotly-plot').length >= 2",
                timeout=60_000,
            )
            loads.append(time.perf_counter() - start)
            wait_for_app_idle(page)
            if len(loads) < 3:
                context.close()
        print(f"   first load, cold server             {loads[0]:6.2f} s")
        print(f"   first load, warm server (median 2)   {statistics.median(loads[1:]):6.2f} s")

        def move_times(slider_label: str, keys: list[str], nth: int = 0) -> list[tuple[float, ...]]:
            """Per move: key → map data received, → map drawn, → next frame (ms), and drawn in place."""
            times = []
            thumb = page.locator(f"[data-testid=stSlider] input[aria-label='{slider_label}']").nth(nth)
            for key in keys:
                page.evaluate(WATCH_JS)
                thumb.focus()
                page.keyboard.press(key)
                page.wait_for_function("window.__bench.shown !== null", timeout=30_000)
                wait_for_app_idle(page)
                shown = page.evaluate("window.__bench.shown - window.__bench.pressed")
                received, drawn, in_place = page.evaluate(MAP_MARKS_JS)
                times.append((received, drawn, shown, in_place))
                page.wait_for_timeout(200)
            return times

        page.locator("[data-testid=stPopover] button").nth(1).click()  # open run 2 (Adam): its lr slider
        wait_for_app_idle(page)
        half = max(1, moves // 2)
        results = {
            "lr of one run (log slider)": move_times(
                "Learning rate (log scale)", ["ArrowLeft"] * half + ["ArrowRight"] * half
            ),
            "Steps (+10 / −10)": move_times("Steps", ["ArrowRight"] * half + ["ArrowLeft"] * half),
            "Gradient noise σ (all runs new)": move_times("Gradient noise σ", ["ArrowRight"] * (2 * half)),
        }
        browser.close()
    print(f"   slider move, median ms over {2 * half} moves (load {load_average()}):")
    columns = ("key→data", 9), ("draw", 5), ("key→drawn", 10), ("key→next frame", 15), ("in place", 9)
    print(f"     {'':32s} " + " ".join(f"{title:>{width}s}" for title, width in columns))

    def row(name: str, times: list[tuple[float, float, float, bool]]) -> None:
        received, drawn, shown = (statistics.median(t[i] for t in times) for i in range(3))
        draw = statistics.median(t[1] - t[0] for t in times)
        in_place = sum(t[3] for t in times)
        numbers = f"{received:9.0f} {draw:5.0f} {drawn:10.0f} {shown:15.0f}"
        print(f"     {name:32s} {numbers} {in_place:5d}/{len(times)}")

    for name, times in results.items():
        row(name, times)
    row("all moves together", [t for times in results.values() for t in times])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--moves", type=int, default=10)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    print(f"load average before: {load_average()}")
    bench_rerun(args.repeats)
    bench_figure_bytes()
    if not args.no_browser:
        bench_browser(args.moves)
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
