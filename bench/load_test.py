"""A class of 30: many browser sessions move sliders on one server at once.

Starts the app on 127.0.0.1 (loopback only, as `make run` starts it), opens N Chromium sessions (separate
browser contexts, so separate Streamlit sessions) arriving within a few seconds (--ramp), waits until the
whole class has loaded, gives each its own setting of a slider, then has each move that slider a few
times with a pause between moves, as students do. It reports, for every move, the time from the key press
to the chart's redraw (median, 95th percentile, max), and any errors: exception boxes, charts that did
not redraw or did not change, and any session that saw a value it did not set (its slider, or its figure
showing another session's settings).

It also reports the server's part of each move: from the browser sending the slider's new value to the
browser receiving the end of that rerun, both read off the browser's network stack (DevTools protocol),
so the time the page then takes to draw is left out. Here the 30 pages share the server's two cores; in
a class each student's laptop draws its own page, and the server's part is what they share. And it reports
where the machine's CPU went, by role (the server, Chromium's pages, the rest of Chromium, Playwright's
driver, this harness), for the whole run and from the class's first move on.

The sessions run in Chromium's headless shell, Playwright's own browser for headless runs, where Debian's
package of it is installed (`apt-get install chromium-headless-shell`; else the browser tests' Chromium;
`--chromium PATH` chooses another).

Bounded in every direction: N sessions (default 30), M moves each (default 3), a deadline for the whole
run (default 600 s) after which it stops by itself and reports what it has.

    make load-test
    python -m bench.load_test --sessions 30 --moves 3 --page "" --slider "Steps"

With --slider "", each session moves the first slider in the page's main area. The target of the issue:
no errors, no cross-talk, p95 under 3 s on the 2-core development machine.

With --floor, the same class is served bench/floor_page.py instead of the app: one slider, one small
figure, no numerics. Its figures are what the harness, Streamlit and the 30 browsers cost here by
themselves, the floor under any page of the app.

    python -m bench.load_test --floor
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tests.e2e.helpers import (
    APP_IDLE_SELECTOR,
    ARTIFACTS_DIR,
    CHROMIUM_ARGS,
    DRAWN_FIGURE_SELECTOR,
    EXCEPTION_SELECTOR,
    FIGURE_STATE_JS,
    REPO_ROOT,
    SERVER_ENTRY_POINT,
    STATUS_WIDGET_SELECTOR,
    VIEWPORT,
    chromium_path,
    digest_figure_states,
    missing_browser_requirements,
    page_url,
    serve_app,
)

if TYPE_CHECKING:
    from playwright.async_api import Browser, ElementHandle, Locator, Page

FLOOR_PAGE = Path(__file__).with_name("floor_page.py")

# Times, in the page's own clock, each key press to the next redraw of any plotly figure on the page:
# what a student experiences. st.plotly_chart may replace its div, so new divs are watched as they appear.
# A live figure updated in place (ui/live_plotly.js) may redraw without plotly's afterplot event, so its
# own "live-plotly:<name>:drawn" performance mark counts too.
# Waiting is event-driven (a promise resolved by those events), not polling: with 30 pages in one browser
# on 2 cores, the measurement must not load the machine it measures.
REDRAW_TIMER_JS = """
() => {
    if (window.__redrawTimer !== undefined) return;
    const timer = {lastKeyDown: 0, waiters: []};
    window.__redrawTimer = timer;
    document.addEventListener("keydown", () => { timer.lastKeyDown = performance.now(); }, true);
    const onRedraw = (at = performance.now()) => {
        if (at < timer.lastKeyDown) return;  // drawn before the key press: not this move's redraw
        for (const resolve of timer.waiters.splice(0)) resolve(at - timer.lastKeyDown);
    };
    const watch = () => {
        for (const graph of document.querySelectorAll(".js-plotly-plot")) {
            if (graph.__watchedForRedraws || typeof graph.on !== "function") continue;
            graph.__watchedForRedraws = true;
            graph.on("plotly_afterplot", () => onRedraw());
        }
    };
    watch();
    new MutationObserver(watch).observe(document.body, {childList: true, subtree: true});
    new PerformanceObserver((marks) => {
        for (const mark of marks.getEntries()) {
            if (/^live-plotly:.*:drawn$/.test(mark.name)) onRedraw(mark.startTime);
        }
    }).observe({type: "mark"});
}
"""
# Arms the timer before the key press; the promise gives milliseconds from the press to the next redraw.
ARM_REDRAW_TIMER_JS = """
(timeoutMs) => {
    const timer = window.__redrawTimer;
    timer.next = Promise.race([
        new Promise((resolve) => timer.waiters.push(resolve)),
        new Promise((resolve) => setTimeout(() => resolve(null), timeoutMs)),
    ]);
}
"""


@dataclass
class SessionResult:
    """What one student's session saw."""

    index: int
    latencies_s: list[float] = field(default_factory=list)
    server_replies_s: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    finished: bool = False
    load_s: float | None = None
    own_value: str | None = None
    final_fingerprint: str | None = None


# The harness's own work in the 30 pages is load on the machine it measures, so each step of a move is one
# evaluate in the page: no Playwright locator (its CSS and role engines walk the whole page, shadow roots
# and accessibility tree included, on every call) and no selector polling over the DevTools protocol.
# Resolves once the app has finished its script run (the page's own state, and no "Running" status);
# then gives the drawn figures' states (FIGURE_STATE_JS), so waiting and reading take one round trip.
FIGURE_STATES_WHEN_IDLE_JS = f"""
async ([timeoutMs, readFigures]) => {{
    const figureStates = {FIGURE_STATE_JS};
    const deadline = performance.now() + timeoutMs;
    const idle = () => document.querySelector({APP_IDLE_SELECTOR!r})
        && !document.querySelector({STATUS_WIDGET_SELECTOR!r});
    while (!idle()) {{
        if (performance.now() > deadline) throw new Error(`still running after ${{timeoutMs}} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
    }}
    return readFigures ? figureStates([...document.querySelectorAll({DRAWN_FIGURE_SELECTOR!r})]) : null;
}}
"""


async def wait_idle(page: Page, timeout_ms: int) -> None:
    await page.evaluate(FIGURE_STATES_WHEN_IDLE_JS, [timeout_ms, False])


# Resolves once the page's live figures (ui/live_plotly.js) have drawn everything they were handed, and
# nothing new was handed meanwhile: the map and the curves of one rerun draw one after the other, each
# after a paint, and under load the curves' draw can come well after the map's.
LIVE_FIGURES_SETTLED_JS = """
async () => {
    const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    let queue;
    do {
        await nextFrame();  // a component handed new data in this frame enqueues its draw first
        queue = window.__optimizerLabDrawQueue;
        await queue;
    } while (queue !== window.__optimizerLabDrawQueue);
}
"""


async def settled_fingerprint(page: Page, timeout_ms: int) -> str:
    """The figures' fingerprint once the app is idle and its live figures have drawn all they were given."""
    await wait_idle(page, timeout_ms)
    await asyncio.wait_for(page.evaluate(LIVE_FIGURES_SETTLED_JS), timeout_ms / 1000)
    return await fingerprint(page, timeout_ms)


async def fingerprint(page: Page, timeout_ms: int) -> str:
    """A digest of what the drawn figures show, once the app is idle (tests/e2e/helpers.py says what)."""
    return digest_figure_states(await page.evaluate(FIGURE_STATES_WHEN_IDLE_JS, [timeout_ms, True]))


async def changed_fingerprint(page: Page, previous: str, timeout_ms: int) -> str:
    """The figures' fingerprint once the app is idle and it differs from `previous` (its charts redraw one
    after the other, and the first redraw may not be the one that carries the change); `previous` on
    timeout."""
    deadline = time.perf_counter() + timeout_ms / 1000
    current = await fingerprint(page, timeout_ms)
    while current == previous and time.perf_counter() < deadline:
        await asyncio.sleep(0.25)
        current = await fingerprint(page, timeout_ms)
    return current


def slider_locator(page: Page, label: str | None) -> Locator:
    if label:
        return page.get_by_role("slider", name=label).first
    return page.locator("[data-testid=stMain]").get_by_role("slider").first


# Focuses the slider and arms the redraw timer (ARM_REDRAW_TIMER_JS) in one call; false if the element is
# no longer in the page (Streamlit replaced it), so the slider must be found again.
FOCUS_AND_ARM_JS = f"""
(slider, timeoutMs) => {{
    if (!slider.isConnected) return false;
    slider.focus();
    ({ARM_REDRAW_TIMER_JS})(timeoutMs);
    return true;
}}
"""
SLIDER_VALUE_JS = "(slider) => (slider.isConnected ? slider.value : null)"


class SessionSlider:
    """The slider a session moves: found once by its role and name (a query that walks the page's whole
    accessibility tree), then used through its element, and found again only if Streamlit replaced it."""

    def __init__(self, page: Page, label: str | None) -> None:
        self.locator = slider_locator(page, label)
        self._element: ElementHandle | None = None

    async def _call(self, script: str, argument: object = None) -> object:
        for _ in range(2):
            if self._element is None:
                self._element = await self.locator.element_handle()
            answer = await self._element.evaluate(script, argument)
            if answer is not None and answer is not False:
                return answer
            self._element = None
        raise RuntimeError("the slider left the page and was not found again")

    async def focus_and_arm(self, timeout_ms: int) -> None:
        """Focus the slider and arm the page's redraw timer for the next key press."""
        await self._call(FOCUS_AND_ARM_JS, timeout_ms)

    async def value(self) -> str:
        return str(await self._call(SLIDER_VALUE_JS))


# base64 characters: a script_finished message takes ~100-150, a figure ~20,000 and more.
SMALL_FRAME_CHARS = 1024


class ServerReplyClock:
    """Times the server's part of a move from the page's websocket frames, as the DevTools protocol
    reports them: from the first frame the page sends after `arm()` (the slider's new value) to the first
    frame it receives that ends a rerun, both stamped by the browser's network stack, so the page's own
    drawing is not counted."""

    def __init__(self) -> None:
        from google.protobuf.message import DecodeError
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        self._message = ForwardMsg
        self._not_a_message = (DecodeError, ValueError)  # a text frame, say
        # The ends of a rerun: of the whole page, or of sections (fragments). Not FINISHED_EARLY_FOR_RERUN,
        # which ends the run a section's callback replaces (ui/sections.py).
        self._finished = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}
        self._armed = False
        self._sent: float | None = None
        self.reply_s: float | None = None

    async def attach(self, page: Page) -> None:
        session = await page.context.new_cdp_session(page)
        session.on("Network.webSocketFrameSent", self._on_sent)
        session.on("Network.webSocketFrameReceived", self._on_received)
        await session.send("Network.enable")

    def arm(self) -> None:
        self._armed, self._sent, self.reply_s = True, None, None

    def _on_sent(self, event: dict) -> None:
        if self._armed and self._sent is None:
            self._sent = event["timestamp"]

    def _on_received(self, event: dict) -> None:
        payload = event["response"]["payloadData"]
        if self._sent is None or self.reply_s is not None or len(payload) > SMALL_FRAME_CHARS:
            return
        message = self._message()
        try:
            message.ParseFromString(base64.b64decode(payload))
        except self._not_a_message:  # not the end of a rerun
            return
        if message.WhichOneof("type") == "script_finished" and message.script_finished in self._finished:
            self.reply_s = event["timestamp"] - self._sent
            self._armed = False


async def press_and_wait_for_redraw(
    page: Page, slider: SessionSlider, key: str, timeout_ms: int, clock: ServerReplyClock | None = None
) -> float | None:
    """Press a key on the slider; seconds from the key press to the chart's redraw (None: no redraw)."""
    await slider.focus_and_arm(timeout_ms)
    if clock is not None:
        clock.arm()
    await page.keyboard.press(key)
    elapsed_ms = await page.evaluate("() => window.__redrawTimer.next")
    return None if elapsed_ms is None else elapsed_ms / 1000


def cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far, from Linux /proc; 0 where unavailable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


CPU_ROLES = ("server", "Chromium pages", "Chromium, the rest", "Playwright driver", "this harness", "other")


def process_role(pid: int, command_line: str, server_pid: int) -> str:
    """Which of CPU_ROLES a process plays in the run, from its pid and command line."""
    if pid == server_pid:
        return "server"
    if pid == os.getpid():
        return "this harness"
    if "chrom" in command_line:
        return "Chromium pages" if "--type=renderer" in command_line else "Chromium, the rest"
    if "playwright" in command_line:
        return "Playwright driver"
    return "other"


class CpuMeter:
    """CPU seconds every process on the machine has used, summed by its role (Linux /proc).

    Printed beside the latencies: on one small machine the 30 browsers compete with the server, and this
    says where the machine's two cores went, the harness's own share included. Sampled once a second
    (`run`), so a process that ends during the run (a session's page, when it closes) keeps what it had
    used by its last sample.
    """

    def __init__(self, server_pid: int) -> None:
        self._server_pid = server_pid
        self._last_seen: dict[int, tuple[str, float]] = {}  # pid -> (role, CPU seconds)

    def sample(self) -> dict[str, float]:
        """Read every process now; CPU seconds by role so far, ended processes included."""
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            pid = int(entry.name)
            try:
                command_line = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if pid in self._last_seen:  # a process keeps its role: an ended one has no command line
                role, used = self._last_seen[pid]
                self._last_seen[pid] = (role, max(used, cpu_seconds(pid)))
            elif command_line:  # not a kernel thread
                self._last_seen[pid] = (process_role(pid, command_line, self._server_pid), cpu_seconds(pid))
        totals = dict.fromkeys(CPU_ROLES, 0.0)
        for role, used in self._last_seen.values():
            totals[role] += used
        return totals

    async def run(self, period_s: float = 1.0) -> None:
        while True:
            self.sample()
            await asyncio.sleep(period_s)


def cpu_used(before: dict[str, float], after: dict[str, float]) -> str:
    """'server 20.1 s, Chromium pages 150.2 s, ...': what each role used between two samples."""
    return ", ".join(f"{role} {max(0.0, after[role] - before[role]):.1f} s" for role in CPU_ROLES)


class ClassroomGate:
    """Releases the slider phase once every session has loaded (or given up): the class moves together."""

    def __init__(self, sessions: int, on_release: Callable[[], None] = lambda: None) -> None:
        self._waiting = sessions
        self._all_ready = asyncio.Event()
        self._on_release = on_release

    def arrive(self) -> None:
        self._waiting -= 1
        if self._waiting == 0:
            self._on_release()
        if self._waiting <= 0:
            self._all_ready.set()

    async def wait(self) -> None:
        await self._all_ready.wait()


async def open_session(page: Page, base_url: str, options: argparse.Namespace, index: int) -> float:
    """Open the page, give this student a setting of their own; returns seconds until the chart showed."""
    timeout_ms = int(options.load_timeout * 1000)
    started = time.perf_counter()
    await page.goto(page_url(base_url, options.page), wait_until="domcontentloaded", timeout=timeout_ms)
    await page.wait_for_selector("[data-testid=stMain]", state="attached", timeout=timeout_ms)
    await wait_idle(page, timeout_ms)
    await page.wait_for_selector(DRAWN_FIGURE_SELECTOR, timeout=timeout_ms)
    load_s = time.perf_counter() - started
    await page.evaluate(REDRAW_TIMER_JS)

    # Each student's own setting: `index` steps right of the default, so all sessions differ.
    slider = slider_locator(page, options.slider)
    await slider.focus()
    for _ in range(index):
        await page.keyboard.press("ArrowRight")
    await wait_idle(page, timeout_ms)
    await page.wait_for_timeout(300)  # the last press may start one more rerun
    await wait_idle(page, timeout_ms)
    return load_s


async def move_sliders(page: Page, options: argparse.Namespace, result: SessionResult) -> None:
    """Move the slider `options.moves` times: time each redraw, check the session kept its own state."""
    timeout_ms = int(options.step_timeout * 1000)
    slider = SessionSlider(page, options.slider)
    expected = await slider.value()
    shown = await fingerprint(page, timeout_ms)
    clock = ServerReplyClock() if options.server_part else None
    if clock is not None:
        await clock.attach(page)
    rng = random.Random(result.index)
    for move in range(options.moves):
        await asyncio.sleep(rng.uniform(0.2, options.think_time))
        key = "ArrowLeft" if move % 2 else "ArrowRight"
        latency_s = await press_and_wait_for_redraw(page, slider, key, timeout_ms, clock)
        if latency_s is None:
            result.errors.append(f"move {move}: the chart did not redraw within {options.step_timeout:.0f} s")
            continue
        result.latencies_s.append(latency_s)
        if clock is not None and clock.reply_s is not None:
            result.server_replies_s.append(clock.reply_s)
        previous, shown = shown, await changed_fingerprint(page, shown, timeout_ms)
        if shown == previous:
            result.errors.append(f"move {move}: the chart never changed")
        moved_to = await slider.value()
        if moved_to == expected:
            result.errors.append(f"move {move}: the slider did not move")
        expected = moved_to

    # What this session's last move drew, once all of it is drawn; then anything another session could
    # push would arrive within the wait.
    shown = await settled_fingerprint(page, timeout_ms)
    await page.wait_for_timeout(500)
    seen = await slider.value()
    if seen != expected:
        result.errors.append(f"slider shows {seen}, this session set {expected}")
    result.own_value = await slider.locator.get_attribute("aria-valuetext")
    if await page.locator(EXCEPTION_SELECTOR).count():
        result.errors.append("an exception box is shown")
    result.final_fingerprint = await fingerprint(page, timeout_ms)
    if result.final_fingerprint != shown:
        result.errors.append("the chart changed while this session did nothing")


async def run_session(
    browser: Browser, base_url: str, options: argparse.Namespace, result: SessionResult, gate: ClassroomGate
) -> None:
    """One student: arrive (spread over the ramp), load, wait for the whole class, then move sliders.

    Fills `result` as it goes, so a session cut off by the deadline still reports what it measured.
    """
    index = result.index
    await asyncio.sleep(options.ramp * index / options.sessions)
    context = await browser.new_context(viewport=VIEWPORT)
    try:
        page = await context.new_page()
        try:
            result.load_s = await open_session(page, base_url, options, index)
        finally:
            gate.arrive()
        await gate.wait()
        await move_sliders(page, options, result)
    except Exception as error:
        first_line = str(error).splitlines()[0] if str(error) else ""
        result.errors.append(f"{type(error).__name__}: {first_line}")
    finally:
        result.finished = True
        await context.close()


def cross_talk(results: list[SessionResult]) -> list[str]:
    """Sessions with different settings must show different figures, and equal settings equal ones."""
    problems = []
    by_value: dict[str, set[str]] = {}
    for result in results:
        if result.own_value is not None and result.final_fingerprint is not None:
            by_value.setdefault(result.own_value, set()).add(result.final_fingerprint)
    for value, prints in by_value.items():
        if len(prints) > 1:
            problems.append(f"sessions set to {value} show {len(prints)} different figures")
    owners: dict[str, str] = {}
    for value, prints in by_value.items():
        for digest in prints:
            if digest in owners and owners[digest] != value:
                problems.append(f"settings {owners[digest]} and {value} show the same figure")
            owners[digest] = value
    return problems


# Playwright's own browser for headless runs is Chromium's headless shell (what `playwright install`
# fetches for them): the same Blink renderer as the full browser, without its windowing and browser UI.
# Debian packages it as chromium-headless-shell. Here the 30 browsers stand in for 30 students' laptops on
# the server's own two cores, so the class uses the lighter shell where it is installed: it left the
# browser and GPU processes ~3.0-4.3 s of CPU over the class's moves, where the full browser took 5.6-8.5
# s (README, Benchmarks). The browser tests keep the full Chromium a student would use.
HEADLESS_SHELL_PATH = "/usr/bin/chromium-headless-shell"


def class_browser_path() -> str:
    """The Chromium the class runs: $CHROMIUM_PATH if set, else Debian's headless shell where installed,
    else the browser tests' Chromium."""
    if "CHROMIUM_PATH" in os.environ or not os.access(HEADLESS_SHELL_PATH, os.X_OK):
        return chromium_path()
    return HEADLESS_SHELL_PATH


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


async def load_test(options: argparse.Namespace) -> int:
    from playwright.async_api import async_playwright

    results = [SessionResult(index) for index in range(options.sessions)]
    entry_point = FLOOR_PAGE if options.floor else SERVER_ENTRY_POINT
    with serve_app(ARTIFACTS_DIR / "load_test_server.log", entry_point=entry_point) as (base_url, server):
        # The server is started first, so lowering this process's priority now lowers only what it
        # starts from here on: Playwright's driver, every Chromium process and this harness.
        if options.client_nice:
            os.nice(options.client_nice)
        async with async_playwright() as playwright:
            # Several browser processes: one Chromium's browser process, which carries every page's
            # network and input traffic, would otherwise be the bottleneck, not the server.
            browsers = [
                await playwright.chromium.launch(executable_path=options.chromium, args=list(CHROMIUM_ARGS))
                for _ in range(options.browsers)
            ]
            meter = CpuMeter(server.pid)
            cpu_at = {"start": meter.sample()}
            sampling = asyncio.ensure_future(meter.run())
            started = time.perf_counter()

            def moves_begin() -> None:
                cpu_at["moves"] = meter.sample()

            gate = ClassroomGate(options.sessions, on_release=moves_begin)
            tasks = [
                asyncio.ensure_future(
                    run_session(browsers[result.index % len(browsers)], base_url, options, result, gate)
                )
                for result in results
            ]
            _done, pending = await asyncio.wait(tasks, timeout=options.deadline)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
            wall_s = time.perf_counter() - started
            cpu_at["end"] = meter.sample()
            sampling.cancel()
            for browser in browsers:
                await browser.close()

    latencies = [latency for result in results for latency in result.latencies_s]
    server_replies = [reply for result in results for reply in result.server_replies_s]
    errors = [f"session {result.index}: {error}" for result in results for error in result.errors]
    errors += [
        f"session {result.index}: cut off by the {options.deadline:.0f} s deadline"
        for result in results
        if not result.finished
    ]
    errors += cross_talk(results)

    print(
        f"{entry_point.relative_to(REPO_ROOT)}  page /{options.page}"
        f"  sessions {options.sessions}  moves each {options.moves}"
        f"  browsers {options.browsers} × {Path(options.chromium).name} (nice {options.client_nice})"
        f"  wall {wall_s:.1f} s"
    )
    print(f"CPU, whole run: {cpu_used(cpu_at['start'], cpu_at['end'])}")
    if "moves" in cpu_at:
        print(f"CPU, from the class's first move on: {cpu_used(cpu_at['moves'], cpu_at['end'])}")
    load_times = [result.load_s for result in results if result.load_s is not None]
    for what, values in (
        ("page load -> first chart", load_times),
        ("change -> updated chart", latencies),
        ("server's part: value sent -> rerun finished received", server_replies),
    ):
        if values:
            print(
                f"{what}, {len(values)} samples:  median {statistics.median(values):.3f} s"
                f"  p95 {percentile(values, 0.95):.3f} s  max {max(values):.3f} s"
            )
    print(f"errors: {len(errors)}")
    for error in errors:
        print(f"  {error}")
    return 1 if errors or not latencies else 0


def parse_options(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=30, help="browser sessions at once (1-60)")
    parser.add_argument("--moves", type=int, default=3, help="slider moves per session (1-20)")
    parser.add_argument("--page", default="", help="URL path of the page ('' is the playground)")
    parser.add_argument(
        "--slider", default="Steps", help="label of the slider to move ('': the first in the main area)"
    )
    parser.add_argument("--think-time", type=float, default=2.0, help="longest pause between moves, s")
    parser.add_argument("--browsers", type=int, default=3, help="Chromium processes sharing the sessions")
    parser.add_argument(
        "--chromium",
        default=class_browser_path(),
        help="the Chromium the sessions run in (default: $CHROMIUM_PATH, else Debian's "
        "chromium-headless-shell where installed, else the browser tests' Chromium)",
    )
    parser.add_argument("--ramp", type=float, default=10.0, help="sessions arrive spread over this, s")
    parser.add_argument("--load-timeout", type=float, default=240.0, help="longest wait for a page load, s")
    parser.add_argument("--step-timeout", type=float, default=30.0, help="longest wait for one redraw, s")
    parser.add_argument("--deadline", type=float, default=600.0, help="stop everything after this, s")
    parser.add_argument(
        "--client-nice",
        type=int,
        default=0,
        help="run the browsers (and this harness) at this lower CPU priority than the server, 0-19: "
        "in a class each browser runs on its own laptop, here all 30 share the server's two cores",
    )
    parser.add_argument(
        "--server-part",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="time the server's part of each move from every page's websocket frames (DevTools protocol)",
    )
    parser.add_argument(
        "--floor",
        action="store_true",
        help="serve bench/floor_page.py (one slider, one small figure) instead of the app: the floor",
    )
    options = parser.parse_args(argv)
    if options.floor and (options.page or options.slider != "Steps"):
        parser.error("--floor serves one page with one slider, Steps: leave --page and --slider out")
    if not 1 <= options.sessions <= 60 or not 1 <= options.moves <= 20 or not 1 <= options.browsers <= 8:
        parser.error("keep --sessions within 1-60, --moves within 1-20 and --browsers within 1-8")
    if not 0 <= options.client_nice <= 19:
        parser.error("keep --client-nice within 0-19")
    return options


def main(argv: list[str] | None = None) -> int:
    missing = missing_browser_requirements()
    if missing:
        print("the load test needs " + " and ".join(missing), file=sys.stderr)
        return 1
    return asyncio.run(load_test(parse_options(argv)))


if __name__ == "__main__":
    sys.exit(main())
