"""The promises the repository makes to a newcomer and to CI, checked where they are written down.

`make run` and `make test` must work on a fresh machine with only Python; CI must run exactly what the
README tells a user to run; the container must follow the rules of issue 6; and no visitor may ask for
unbounded work. These read the files that carry each promise (no Docker, no network).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def requirement_lines(name: str) -> list[str]:
    lines = (REPO_ROOT / name).read_text().splitlines()
    return [line.split("#", 1)[0].strip() for line in lines if line.split("#", 1)[0].strip()]


def makefile_target(target: str) -> str:
    """The recipe and prerequisites of one Makefile target, as text."""
    text = (REPO_ROOT / "Makefile").read_text()
    match = re.search(rf"^{re.escape(target)}:(.*?)(?=^\S|\Z)", text, flags=re.MULTILINE | re.DOTALL)
    assert match, f"the Makefile has no `{target}` target"
    return match.group(1)


@pytest.mark.parametrize("name", ["requirements.txt", "requirements-dev.txt"])
def test_every_requirement_is_pinned(name: str) -> None:
    unpinned = [line for line in requirement_lines(name) if not line.startswith("-r") and "==" not in line]
    assert not unpinned, f"{name} has unpinned requirements: {unpinned}"


def test_torch_is_pinned_to_the_version_whose_cpu_build_installs() -> None:
    assert "torch==2.13.0" in requirement_lines("requirements.txt")


def test_test_requirements_build_on_the_runtime_ones() -> None:
    lines = requirement_lines("requirements-dev.txt")
    assert "-r requirements.txt" in lines
    runtime_names = {line.split("==")[0].lower() for line in requirement_lines("requirements.txt")}
    repeated = [line for line in lines if line.split("==")[0].lower() in runtime_names]
    assert not repeated, f"pin these once, in requirements.txt: {repeated}"


def test_make_run_serves_app_py_warmed_up_from_the_pinned_environment() -> None:
    recipe = makefile_target("run")
    assert ".runtime-installed" in recipe
    assert "$(BIN)/python -m serve" in recipe
    # serve.py: app.py (and pages/) served by Streamlit, warmed up at startup; the container runs it too.
    assert 'st.App("app.py", lifespan=warmed_up)' in (REPO_ROOT / "serve.py").read_text()
    assert '"python", "-m", "serve"' in (REPO_ROOT / "Dockerfile").read_text()


def test_make_test_lints_and_runs_every_test() -> None:
    assert "lint" in makefile_target("test").splitlines()[0]
    assert "-m pytest" in makefile_target("test")
    lint = makefile_target("lint")
    for check in ("ruff check", "ruff format --check", "hadolint Dockerfile"):
        assert check in lint, f"`make lint` should run {check}"


def test_ci_installs_chromium_then_runs_make_test_under_ci_true() -> None:
    text = (REPO_ROOT / ".ci" / "run").read_text()
    assert text.startswith("#!/usr/bin/env bash")
    commands = [
        line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")
    ]
    script = "\n".join(commands)
    assert "set -euo pipefail" in commands
    assert "apt-get install" in script and "chromium" in script
    assert "export CI=true" in commands
    assert commands[-1] == "make test", "CI must end by running exactly `make test`, and report its status"
    assert commands.index("export CI=true") < commands.index("make test")


def test_pytest_has_tests_to_collect_and_registers_the_e2e_marker() -> None:
    """A run that collects nothing exits with 5 and CI would fail: make sure every suite has tests."""
    for suite in ("unit", "app", "e2e"):
        assert list((REPO_ROOT / "tests" / suite).glob("test_*.py")), f"tests/{suite} has no test file"
    options = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    assert any(marker.startswith("e2e:") for marker in options["markers"])
    assert "--strict-markers" in options["addopts"]


def test_streamlit_config_is_headless_and_sends_no_usage_statistics() -> None:
    config = tomllib.loads((REPO_ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["headless"] is True
    assert config["browser"]["gatherUsageStats"] is False


def test_dockerfile_is_slim_non_root_exposed_and_health_checked() -> None:
    dockerfile = (REPO_ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim\b", dockerfile, flags=re.MULTILINE)
    # Dependencies before the code, so a code change reuses the installed layer.
    assert dockerfile.index("COPY requirements.txt") < dockerfile.index("pip install")
    assert dockerfile.index("pip install") < dockerfile.index("COPY --chown")
    users = re.findall(r"^USER\s+(\S+)", dockerfile, flags=re.MULTILINE)
    assert users and users[-1] not in {"root", "0"}, "the app must not run as root"
    assert re.search(r"^EXPOSE 8501\b", dockerfile, flags=re.MULTILINE)
    assert re.search(r"^HEALTHCHECK .*", dockerfile, flags=re.MULTILINE)
    assert "/_stcore/health" in dockerfile


def test_dockerignore_keeps_the_local_environment_out_of_the_image() -> None:
    ignored = set((REPO_ROOT / ".dockerignore").read_text().split())
    assert {".venv", ".git", "artifacts"} <= ignored


def test_work_per_request_is_bounded() -> None:
    """No single visitor can ask the shared server for unbounded work (issue 6, "a class of 30")."""
    from optim_core import grids
    from surfaces import expression
    from ui import limits

    assert limits.MAX_STEPS * limits.MAX_RUNS <= 100_000, "steps × runs per playground rerun"
    assert limits.MAX_FRAMES <= 200
    assert grids.MAX_RESOLUTION <= 256
    assert grids.MAX_POINT_STEPS <= 256 * 256 * 1_000, "runs × steps in one sweep"
    assert expression.MAX_LENGTH <= 1_000 and expression.MAX_NODES <= 1_000
