"""The server the browser tests use is the one `make run` starts (`python -m serve`): it warmed the first
page up, and a Ctrl-C stops it cleanly."""

from __future__ import annotations

import signal

from serve import STOPPED
from tests.e2e.helpers import ARTIFACTS_DIR, SERVER_LOG, serve_app
from ui.warm_up import WARMED_UP


def test_the_server_warmed_up_the_first_page_before_it_answered(app_server: str) -> None:
    log = SERVER_LOG.read_text(encoding="utf-8", errors="replace")
    assert "warming up the first page failed" not in log, log
    assert WARMED_UP in log, log


def test_ctrl_c_stops_the_server_with_exit_status_0_and_no_error() -> None:
    # Plain `streamlit run serve.py` answered this with "Aborted!" and status 1: make reported an error.
    log_path = ARTIFACTS_DIR / "server_ctrl_c.log"
    with serve_app(log_path) as (_base_url, process):
        process.send_signal(signal.SIGINT)
        exit_status = process.wait(timeout=30)
    log = log_path.read_text(encoding="utf-8", errors="replace")
    assert exit_status == 0, log
    assert "Aborted" not in log and "Traceback" not in log, log
    assert STOPPED in log, log
