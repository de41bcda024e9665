"""Fixtures for the real-browser suite: one app server and one Chromium per session, a fresh page per test.

Every test here needs Playwright and Chromium. Where they are missing the tests skip with a message saying
what to install, except under CI (CI=true), where a skipped browser suite would hide a broken page: there
the fixtures fail instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tests.e2e.helpers import (
    ARTIFACTS_DIR,
    VIEWPORT,
    assert_no_exception,
    launch_chromium,
    missing_browser_requirements,
    open_page,
    running_app,
    wait_for_app_idle,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

__all__ = ["assert_no_exception", "open_page", "wait_for_app_idle"]


def running_under_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything under tests/e2e is a real-browser test: `-m "not e2e"` deselects it in one go."""
    for item in items:
        if "tests/e2e/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Keep each phase's report on the test item, so the `page` fixture knows whether its test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser_requirements() -> None:
    """Skip (locally) or fail (under CI) when Playwright or Chromium is missing."""
    missing = missing_browser_requirements()
    if not missing:
        return
    message = "real-browser tests need " + " and ".join(missing)
    if running_under_ci():
        pytest.fail(f"{message}; under CI=true the browser suite must run, not skip", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def app_server(browser_requirements: None) -> Iterator[str]:
    """The app served as `make run` serves it, on a free loopback port; yields its base URL."""
    with running_app() as base_url:
        yield base_url


@pytest.fixture(scope="session")
def base_url(app_server: str) -> str:
    return app_server


@pytest.fixture(scope="session")
def browser(browser_requirements: None) -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh browser context and page (1400×900); on failure a screenshot goes to artifacts/e2e/."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(30_000)
    fresh_page = context.new_page()
    try:
        yield fresh_page
    finally:
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
            safe_name = "".join(c if c.isalnum() or c in "-_." else "_" for c in request.node.name)
            try:
                fresh_page.screenshot(path=str(ARTIFACTS_DIR / f"{safe_name}.png"), full_page=True)
            except Exception as error:  # the failure itself matters more than its picture
                print(f"could not save a failure screenshot for {request.node.name}: {error}")
        context.close()
