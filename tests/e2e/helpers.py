"""Real-browser harness shared by the e2e tests, the screenshot script and the load test.

One job each: start the app exactly as `make run` does (`python -m serve` from the repository root, on
a free loopback port), launch Debian's Chromium through Playwright, find every page, open a page by its
deep link, and wait until Streamlit has finished rerunning.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright

REPO_ROOT = Path(__file__).resolve().parents[2]
ENTRY_POINT = REPO_ROOT / "app.py"  # the playground: the home page's script
SERVER_ENTRY_POINT = REPO_ROOT / "serve.py"  # what `make run` starts: app.py, warmed up first
PAGES_DIR = REPO_ROOT / "pages"
ARTIFACTS_DIR = REPO_ROOT / "artifacts" / "e2e"
SERVER_LOG = ARTIFACTS_DIR / "server.log"  # where a served app's output goes unless a caller says otherwise

# Playwright cannot download its own browser on our machines: it drives Debian's chromium instead.
DEFAULT_CHROMIUM_PATH = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
VIEWPORT = {"width": 1400, "height": 900}

APP_IDLE_SELECTOR = "[data-testid=stApp][data-test-script-state=notRunning]"
STATUS_WIDGET_SELECTOR = "[data-testid=stStatusWidget]"
EXCEPTION_SELECTOR = "[data-testid=stException]"
# plotly.js marks every graph div it has drawn with this class, whether the div belongs to st.plotly_chart
# ([data-testid=stPlotlyChart], loaded lazily after the script run ends) or to a custom component's iframe.
DRAWN_FIGURE_SELECTOR = ".js-plotly-plot"


# --------------------------------------------------------------------------- pages


@dataclass(frozen=True)
class AppPage:
    """One page of the app: its script and the URL path Streamlit serves it at ("" for app.py)."""

    script: Path
    url_path: str

    @property
    def name(self) -> str:
        """A short identifier for test ids and screenshot file names ("home" for app.py)."""
        return self.url_path or "home"


def discover_pages() -> list[AppPage]:
    """app.py and every pages/*.py, with the deep-link path Streamlit derives from the file name.

    Streamlit strips a leading number and separators and a leading emoji ("01_📈_sweeps.py" -> "sweeps");
    its own function does that here, so the tests follow whatever rule the installed version uses.
    """
    from streamlit.source_util import page_icon_and_name

    pages = [AppPage(ENTRY_POINT, "")]
    for script in sorted(PAGES_DIR.glob("*.py")):
        if script.name.startswith("_"):
            continue
        _icon, name = page_icon_and_name(script)
        pages.append(AppPage(script, name))
    return pages


# --------------------------------------------------------------------------- server


def free_loopback_port() -> int:
    """A TCP port that is free on 127.0.0.1 right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def streamlit_command(port: int, entry_point: Path = SERVER_ENTRY_POINT) -> list[str]:
    """The command `make run` uses (`.venv/bin/python -m serve`), with this interpreter and a test port
    (or `streamlit run` of another script where `entry_point` says so: the load test's floor page,
    bench/floor_page.py).

    This interpreter is the venv's when the tests run under `make test`; the server binds to loopback only
    so a test run never exposes the app to the network.
    """
    if entry_point == SERVER_ENTRY_POINT:
        command = [sys.executable, "-m", SERVER_ENTRY_POINT.stem]
    else:
        command = [sys.executable, "-m", "streamlit", "run", str(entry_point.relative_to(REPO_ROOT))]
    return [
        *command,
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]


def _as_a_terminal_starts_it() -> None:
    """In the server process, before it starts: Ctrl-C (SIGINT) does what it does in a terminal.

    A shell starts a background job with SIGINT ignored, and a child inherits that, so a test run started
    that way would never see how the server answers a Ctrl-C.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def wait_for_health(base_url: str, process: subprocess.Popen[bytes], timeout_s: float) -> None:
    """Poll `/_stcore/health` until it answers 200; fail early if the server process died."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the Streamlit server exited with code {process.returncode} before it was up")
        with (
            contextlib.suppress(urllib.error.URLError, ConnectionError, TimeoutError),
            urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as response,
        ):
            if response.status == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"the Streamlit server at {base_url} was not healthy after {timeout_s:.0f} s")


def stop_process(process: subprocess.Popen[bytes], grace_s: float = 10.0) -> None:
    """Terminate politely, then kill if the server ignores SIGTERM."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=grace_s)


@contextlib.contextmanager
def serve_app(
    log_path: Path | None = None, startup_timeout_s: float = 90.0, entry_point: Path = SERVER_ENTRY_POINT
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Serve the app on a free loopback port for the duration of the block; yields (base URL, process).

    The server's output goes to `log_path` (default artifacts/e2e/server.log), where a failing test's
    traceback can be read; a pipe nobody reads would block the server once its buffer fills.
    """
    log_path = log_path or SERVER_LOG
    log_path.parent.mkdir(parents=True, exist_ok=True)
    port = free_loopback_port()
    base_url = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            streamlit_command(port, entry_point),
            cwd=REPO_ROOT,
            preexec_fn=_as_a_terminal_starts_it,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            try:
                wait_for_health(base_url, process, startup_timeout_s)
            except RuntimeError as error:
                raise RuntimeError(f"{error}; its output is in {log_path}") from None
            yield base_url, process
        finally:
            stop_process(process)


@contextlib.contextmanager
def running_app(log_path: Path | None = None, startup_timeout_s: float = 90.0) -> Iterator[str]:
    """Serve the app as `serve_app` does; yields only its base URL."""
    with serve_app(log_path, startup_timeout_s) as (base_url, _process):
        yield base_url


# --------------------------------------------------------------------------- browser


def chromium_path() -> str:
    """Where Chromium is: $CHROMIUM_PATH, else Debian's /usr/bin/chromium."""
    return os.environ.get("CHROMIUM_PATH", DEFAULT_CHROMIUM_PATH)


def missing_browser_requirements() -> list[str]:
    """What the real-browser suite lacks on this machine, each with how to install it (empty: all there)."""
    missing = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright Python package (`make test` installs it from requirements-dev.txt)")
    path = chromium_path()
    if not (Path(path).is_file() and os.access(path, os.X_OK)) and shutil.which(path) is None:
        missing.append(f"Chromium at {path} (`apt-get install chromium`, or set CHROMIUM_PATH)")
    return missing


def launch_chromium(playwright: Playwright) -> Browser:
    """Headless Debian Chromium, with the flags that make it start quickly and quietly in a container."""
    return playwright.chromium.launch(executable_path=chromium_path(), args=list(CHROMIUM_ARGS))


# --------------------------------------------------------------------------- page interaction


def page_url(base_url: str, url_path: str = "", query: Mapping[str, object] | None = None) -> str:
    """The deep link to a page (`/sweeps?lr=0.1`), as a student would paste it."""
    url = f"{base_url}/{url_path}"
    if query:
        url += "?" + urlencode({key: str(value) for key, value in query.items()})
    return url


def wait_for_app_idle(page: Page, timeout_ms: int = 20_000) -> None:
    """Wait until Streamlit has finished its current run: script state notRunning and no "Running" widget."""
    page.wait_for_selector(APP_IDLE_SELECTOR, state="attached", timeout=timeout_ms)
    page.wait_for_selector(STATUS_WIDGET_SELECTOR, state="detached", timeout=timeout_ms)


def open_url(page: Page, url: str, timeout_ms: int = 30_000) -> None:
    """Navigate to a full URL (a shared link) and wait until the app's first run has finished."""
    page.goto(url, wait_until="domcontentloaded", timeout=timeout_ms)
    # The idle attribute means something only once the app shell exists and the page body is mounted.
    page.wait_for_selector("[data-testid=stApp]", state="attached", timeout=timeout_ms)
    page.wait_for_selector("[data-testid=stMain]", state="attached", timeout=timeout_ms)
    wait_for_app_idle(page, timeout_ms)


def open_page(
    page: Page,
    base_url: str,
    url_path: str = "",
    query: Mapping[str, object] | None = None,
    timeout_ms: int = 30_000,
) -> None:
    """Open a page by its deep link (`/denominators?lr=0.1`) and wait until its first run has finished."""
    open_url(page, page_url(base_url, url_path, query), timeout_ms)


def exception_texts(page: Page) -> list[str]:
    """The text of every exception box on the page, plus the body if it shows a raw traceback."""
    texts = [box.inner_text() for box in page.locator(EXCEPTION_SELECTOR).all()]
    body = page.locator("body").inner_text()
    if "Traceback" in body:
        texts.append(body)
    return texts


def assert_no_exception(page: Page) -> None:
    """No exception box and no traceback text anywhere on the page: a user never sees a stack trace."""
    problems = exception_texts(page)
    assert not problems, "the page shows an error:\n" + "\n---\n".join(problems)


def _frames_in_page(page: Page) -> list:
    """The page itself first, then every iframe (custom components draw their figures inside one)."""
    return [page.main_frame, *(frame for frame in page.frames if frame is not page.main_frame)]


def count_figures(page: Page) -> int:
    """Plotly figures drawn on the page, including those inside custom-component iframes."""
    total = 0
    for frame in _frames_in_page(page):
        with contextlib.suppress(Exception):  # a frame may navigate away while we look
            total += frame.locator(DRAWN_FIGURE_SELECTOR).count()
    return total


def wait_for_figures(page: Page, minimum: int = 1, timeout_ms: int = 20_000) -> int:
    """Wait until at least `minimum` figures are drawn; returns how many are.

    st.plotly_chart loads plotly.js lazily, after the script run has ended, so idle is not enough.
    """
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        drawn = count_figures(page)
        if drawn >= minimum or time.monotonic() > deadline:
            return drawn
        page.wait_for_timeout(100)


# Serializes what each drawn figure shows: trace data and layout, typed arrays as plain lists. Left out:
# the `uid` plotly.js invents per trace, and what plotly.js derives from the pixel size of the plot (the
# size itself, and axis ranges it widens to keep an equal aspect ratio or fills in by autorange): those
# follow the window and the moment Streamlit measured its container, not the settings. So two sessions
# showing the same view agree.
FIGURE_STATE_JS = """
(graphs) => graphs.map((graph) => {
    const layout = {...graph.layout, width: undefined, height: undefined};
    for (const key of Object.keys(layout)) {
        if (/^[xy]axis[0-9]*$/.test(key)) layout[key] = {...layout[key], range: undefined};
    }
    return JSON.stringify({data: graph.data, layout: layout}, (key, value) => {
        if (key === "uid" || key.startsWith("_")) return undefined;
        if (ArrayBuffer.isView(value)) return Array.from(value);
        return value;
    });
})
"""


def digest_figure_states(states: list[str]) -> str:
    """One digest of the figure states FIGURE_STATE_JS returned (for every frame, in page order)."""
    digest = hashlib.sha256()
    for state in states:
        # plotly.js orders layout keys by when they were set (width before or after the axes,
        # depending on timing): sort them so equal views give equal digests.
        digest.update(json.dumps(json.loads(state), sort_keys=True).encode())
    return digest.hexdigest()


def figure_fingerprint(page: Page) -> str:
    """A digest of every drawn figure's data and layout: equal digests mean the same view."""
    states: list[str] = []
    for frame in _frames_in_page(page):
        with contextlib.suppress(Exception):  # a frame may navigate away while we look
            states.extend(frame.locator(DRAWN_FIGURE_SELECTOR).evaluate_all(FIGURE_STATE_JS))
    return digest_figure_states(states)


def wait_for_fingerprint(page: Page, done: Callable[[str], bool], timeout_ms: int = 20_000) -> str:
    """Poll the figures' fingerprint until `done(fingerprint)` holds or the timeout passes; return the last.

    Figures settle after the script run ends (plotly draws lazily, a page may redraw once more), so a
    caller waits for the state it expects and then asserts on what it got.
    """
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        current = figure_fingerprint(page)
        if done(current) or time.monotonic() > deadline:
            return current
        page.wait_for_timeout(100)


def wait_for_figure_change(page: Page, before: str, timeout_ms: int = 20_000) -> str:
    """Wait until the figures' fingerprint differs from `before`; returns it (`before` if it never did)."""
    return wait_for_fingerprint(page, lambda current: current != before, timeout_ms)


def settled_fingerprint(page: Page, quiet_ms: int = 600, timeout_ms: int = 20_000) -> str:
    """The figures' fingerprint once it has stopped changing for `quiet_ms` (several charts of one page
    redraw one after the other; a single reading may catch the first updated and the next not yet)."""
    deadline = time.monotonic() + timeout_ms / 1000
    current = figure_fingerprint(page)
    while time.monotonic() < deadline:
        page.wait_for_timeout(quiet_ms)
        latest = figure_fingerprint(page)
        if latest == current:
            break
        current = latest
    return current


# Texts of a figure that clash, each as "figure k: what": an axis's tick label or title under a caption, a
# button, a legend entry or the figure's title; the title or its subtitle on a legend entry or reaching into
# the plot area; a title, caption or legend entry past the figure's left or right edge (plotly cuts it off
# there). Boxes that only touch (up to 1 px) do not count.
FIGURE_TEXT_CLASHES_JS = """() => {
    const box = (element) => {
        const rect = element.getBoundingClientRect();
        return rect.width && rect.height ? rect : null;
    };
    const overlap = (a, b) =>
        a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
    const text = (element) => `'${element.textContent.slice(0, 50)}'`;
    const clashes = [];
    const clash = (k, what) => clashes.push(`figure ${k}: ${what}`);
    document.querySelectorAll('.js-plotly-plot').forEach((plot, k) => {
        const figure = plot.getBoundingClientRect();
        const all = (selector) => [...plot.querySelectorAll(selector)].filter(box);
        const labels = all('.xtick text, .ytick text, [class*=xtitle] text, [class*=ytitle] text');
        const titles = all('.gtitle, .gtitle-subtitle');
        const legend = all('.legendtext');
        const captions = all('.annotation-text-g');
        const others = [...captions, ...all('.updatemenu-button'), ...legend, ...titles];
        for (const label of labels) {
            for (const other of others) {
                if (overlap(box(label), box(other))) clash(k, `${text(label)} under ${text(other)}`);
            }
        }
        const plotTop = figure.top + plot._fullLayout._size.t;
        for (const title of titles) {
            for (const entry of legend) {
                if (overlap(box(title), box(entry))) clash(k, `${text(title)} on ${text(entry)}`);
            }
            if (box(title).bottom > plotTop + 1) clash(k, `${text(title)} into the plot area`);
        }
        for (const element of [...titles, ...captions, ...legend]) {
            const edges = box(element);
            if (edges.left < figure.left - 1 || edges.right > figure.right + 1) {
                const [left, right] = [edges.left - figure.left, edges.right - figure.left].map(Math.round);
                clash(k, `${text(element)} at ${left}..${right} px of ${Math.round(figure.width)}`);
            }
        }
    });
    return clashes;
}"""


def figure_text_clashes(page: Page) -> list[str]:
    """What FIGURE_TEXT_CLASHES_JS finds on the page's figures; an empty list when every text is clear."""
    return page.evaluate(FIGURE_TEXT_CLASHES_JS)
