"""The load test's account of where the machine's CPU went (bench/load_test.py, CpuMeter)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bench import load_test
from bench.load_test import CPU_ROLES, CpuMeter, cpu_used, process_role

pytestmark = pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="reads Linux /proc")

BURN_S = 0.4


def test_every_process_gets_its_role_from_its_pid_or_command_line():
    server = 1234
    assert process_role(server, "python -m streamlit run app.py", server) == "server"
    assert process_role(os.getpid(), "python -m bench.load_test", server) == "this harness"
    renderer = "/usr/lib/chromium/chromium --type=renderer --lang=en-US"
    assert process_role(5, renderer, server) == "Chromium pages"
    assert process_role(6, "/usr/lib/chromium/chromium --type=gpu-process", server) == "Chromium, the rest"
    assert (
        process_role(7, "/usr/lib/chromium/chromium --headless --no-sandbox", server) == "Chromium, the rest"
    )
    shell = "/usr/lib/chromium/chromium-headless-shell"  # the class's browser where installed
    assert process_role(10, f"{shell} --type=renderer --lang=en-US", server) == "Chromium pages"
    assert process_role(11, f"{shell} --headless --no-sandbox", server) == "Chromium, the rest"
    assert process_role(8, ".venv/lib/python3.11/site-packages/playwright/driver/node cli.js", server) == (
        "Playwright driver"
    )
    assert process_role(9, "/usr/sbin/sshd -D", server) == "other"


BURN_THEN_WAIT = f"""
import sys, time
end = time.process_time() + {BURN_S}
while time.process_time() < end:
    pass
print("burnt", flush=True)
sys.stdin.read()  # until the test lets it end
"""


def test_a_process_that_ends_keeps_the_cpu_it_had_used_by_the_last_sample():
    meter = CpuMeter(server_pid=-1)
    before = meter.sample()
    burner = subprocess.Popen(
        [sys.executable, "-c", BURN_THEN_WAIT], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert burner.stdout.readline().strip() == "burnt"
    meter.sample()  # while it still runs, its CPU spent
    burner.communicate("", timeout=30)  # it ends and is reaped: /proc no longer lists it
    after = meter.sample()
    used = after["other"] - before["other"]
    assert used >= 0.8 * BURN_S, f"the ended process's CPU was lost: {used:.2f} s counted"
    assert set(after) == set(CPU_ROLES)
    assert all(after[role] >= before[role] for role in CPU_ROLES)  # nothing is ever taken back
    assert f"other {used:.1f} s" in cpu_used(before, after)


def test_the_class_runs_in_the_headless_shell_where_installed_unless_told_otherwise(monkeypatch, tmp_path):
    shell = tmp_path / "chromium-headless-shell"
    shell.write_text("#!/bin/sh\n")
    monkeypatch.setattr(load_test, "HEADLESS_SHELL_PATH", str(shell))
    monkeypatch.delenv("CHROMIUM_PATH", raising=False)
    shell.chmod(0o644)  # not runnable: the browser tests' Chromium
    assert load_test.class_browser_path() == load_test.chromium_path() == "/usr/bin/chromium"
    shell.chmod(0o755)
    assert load_test.class_browser_path() == str(shell)
    monkeypatch.setenv("CHROMIUM_PATH", "/opt/other/chrome")  # a Chromium the user chose wins
    assert load_test.class_browser_path() == "/opt/other/chrome"
    assert load_test.parse_options(["--chromium", "/x/chrome"]).chromium == "/x/chrome"
