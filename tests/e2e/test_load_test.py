"""The class-of-30 harness (bench/load_test.py) itself, run small: three sessions, two moves each.

Its figures are benchmarks, never pass/fail; what is tested here is that the harness measures at all:
every session loads, moves its own slider, sees its chart change, keeps its own setting, and the report
says so. A harness that broke (a selector Streamlit renamed, a wait that never ends) would otherwise show up
only as a load test full of errors, run by hand.
"""

from __future__ import annotations

import re
import subprocess
import sys

from tests.e2e.helpers import REPO_ROOT

SESSIONS, MOVES = 3, 2


def test_a_small_class_runs_without_errors_and_reports_every_move(browser_requirements: None) -> None:
    command = [sys.executable, "-m", "bench.load_test", "--sessions", str(SESSIONS), "--moves", str(MOVES)]
    command += ["--ramp", "2", "--think-time", "0.5", "--deadline", "240"]
    finished = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    report = finished.stdout + finished.stderr
    assert finished.returncode == 0, report
    assert "errors: 0" in report, report
    moves = rf"change -> updated chart, {SESSIONS * MOVES} samples:  median [0-9.]+ s"
    assert re.search(moves, report), report
    assert re.search(rf"page load -> first chart, {SESSIONS} samples", report), report
    server_part = r"server's part: value sent -> rerun finished received, [1-9][0-9]* samples"
    assert re.search(server_part, report), report
