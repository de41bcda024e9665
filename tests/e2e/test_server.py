"""The server the browser tests use is the one `make run` starts (serve.py): it warmed the first page up."""

from __future__ import annotations

from tests.e2e.helpers import SERVER_LOG
from ui.warm_up import WARMED_UP


def test_the_server_warmed_up_the_first_page_before_it_answered(app_server: str) -> None:
    log = SERVER_LOG.read_text(encoding="utf-8", errors="replace")
    assert "warming up the first page failed" not in log, log
    assert WARMED_UP in log, log
