"""Every page, in a real browser, as a student opening a link sees it.

For each page (app.py and every pages/*.py, found on disk so a new page is tested without editing this
file): it opens by its deep link with no exception box and draws at least one figure; its main control
changes that figure; and the URL after the change, opened in a fresh browser context, restores the same
figure. A screenshot of each page goes to artifacts/e2e/pages/ (`make screenshots` refreshes the README's
copies in docs/screenshots/).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.e2e.helpers import (
    ARTIFACTS_DIR,
    VIEWPORT,
    AppPage,
    assert_no_exception,
    count_figures,
    discover_pages,
    figure_fingerprint,
    open_page,
    open_url,
    settled_fingerprint,
    wait_for_app_idle,
    wait_for_figure_change,
    wait_for_figures,
    wait_for_fingerprint,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page

PAGES = discover_pages()

# The control a lecturer reaches for first on each page, by its visible label, where the first slider on
# the page is not it. Keys are URL paths ("" is app.py, the playground).
MAIN_CONTROL_LABELS: dict[str, str] = {
    "": "Steps",
    "algorithms": "Learning rate α",
    "denominators": "Step t (drives the map, every time series and the inspector)",
    "regions": "Learning rate α (log scale)",
    "sweeps": "Grid resolution (cells per side)",
}


def main_control(page: Page, app_page: AppPage) -> Locator:
    """The page's main slider: the one named in MAIN_CONTROL_LABELS, else the first in the main area."""
    label = MAIN_CONTROL_LABELS.get(app_page.url_path)
    if label is not None:
        return page.get_by_role("slider", name=label).first
    in_main_area = page.locator("[data-testid=stMain]").get_by_role("slider")
    if in_main_area.count():
        return in_main_area.first
    return page.get_by_role("slider").first


def nudge(page: Page, slider: Locator) -> None:
    """Move a slider one step (right, or left when it already sits at its maximum), as the keyboard does."""
    at_maximum = float(slider.input_value()) >= float(slider.get_attribute("max") or "inf")
    slider.focus()
    page.keyboard.press("ArrowLeft" if at_maximum else "ArrowRight")
    wait_for_app_idle(page)


@pytest.mark.parametrize("app_page", PAGES, ids=[app_page.name for app_page in PAGES])
def test_page_opens_by_its_link_without_error_and_draws_a_figure(
    page: Page, base_url: str, app_page: AppPage
) -> None:
    open_page(page, base_url, app_page.url_path)
    drawn = wait_for_figures(page)
    assert_no_exception(page)
    screenshot_dir = ARTIFACTS_DIR / "pages"
    screenshot_dir.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(screenshot_dir / f"{app_page.name}.png"), full_page=True)
    assert drawn >= 1, f"{app_page.script.name} drew no plotly figure"


@pytest.mark.parametrize("app_page", PAGES, ids=[app_page.name for app_page in PAGES])
def test_main_control_changes_the_figure_and_the_link_restores_it(
    page: Page, browser: Browser, base_url: str, app_page: AppPage
) -> None:
    open_page(page, base_url, app_page.url_path)
    assert wait_for_figures(page) >= 1, f"{app_page.script.name} drew no plotly figure"
    before = figure_fingerprint(page)

    slider = main_control(page, app_page)
    assert slider.count(), f"{app_page.script.name} has no slider to act as its main control"
    nudge(page, slider)
    changed = wait_for_figure_change(page, before)
    assert_no_exception(page)
    assert changed != before, f"moving {slider.get_attribute('aria-label')!r} did not change the figure"
    after = settled_fingerprint(page)

    shared_link = page.url
    assert "?" in shared_link, (
        f"the URL does not carry the change ({shared_link}): a shared link would lose it"
    )
    value_after = slider.get_attribute("aria-valuetext")

    # A classmate opens the shared link: a fresh context has none of the first session's state.
    classmate_context = browser.new_context(viewport=VIEWPORT)
    try:
        classmate = classmate_context.new_page()
        open_url(classmate, shared_link)
        wait_for_figures(classmate, minimum=count_figures(page))
        assert_no_exception(classmate)
        assert main_control(classmate, app_page).get_attribute("aria-valuetext") == value_after
        restored = wait_for_fingerprint(classmate, lambda current: current == after)
        assert restored == after, "the shared link did not restore the same figure"
    finally:
        classmate_context.close()
