"""The four teaching pages in a real browser: each loads by its link, its main control changes its figures,
and the links between pages carry what they promise (algorithms -> denominators, sweeps -> playground)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlparse

from tests.e2e.helpers import (
    assert_no_exception,
    figure_fingerprint,
    open_page,
    wait_for_app_idle,
    wait_for_figure_change,
    wait_for_figures,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page


def move_slider(page: Page, label: str, presses: int = 1) -> None:
    """Move the slider with this accessible name by `presses` keyboard steps to the right."""
    slider = page.get_by_role("slider", name=label).first
    slider.focus()
    for _ in range(presses):
        page.keyboard.press("ArrowRight")
    wait_for_app_idle(page)


def query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def main_text(page: Page) -> str:
    return page.locator("[data-testid=stMain]").inner_text()


def test_denominators_step_scrubber_moves_every_figure(page: Page, base_url: str) -> None:
    open_page(page, base_url, "denominators")
    assert wait_for_figures(page, minimum=3) >= 3
    assert_no_exception(page)
    assert "Step inspector at t = 60" in main_text(page)
    before = figure_fingerprint(page)
    move_slider(page, "Step t (drives the map, every time series and the inspector)", presses=5)
    after = wait_for_figure_change(page, before)
    assert after != before, "moving the step scrubber did not change the figures"
    assert_no_exception(page)
    assert "Step inspector at t = 65" in main_text(page)
    assert query(page).get("den_t") == ["65"]

    # The scrubber reruns the body alone (ui/sections.py); the lesson's button sets sidebar controls, so
    # it must redraw the whole page: the sidebar's Steps slider returns to the lesson's 200.
    steps = page.get_by_role("slider", name="Steps").first
    move_slider(page, "Steps", presses=2)
    assert steps.input_value() == "220"
    page.get_by_role("button", name="Load this lesson").click()
    wait_for_app_idle(page)
    page.wait_for_function("document.querySelector(\"input[aria-label='Steps']\").value === '200'")
    assert_no_exception(page)


def test_regions_learning_rate_recomputes_the_steps(page: Page, base_url: str) -> None:
    open_page(page, base_url, "regions")
    assert wait_for_figures(page, minimum=2) >= 2
    assert_no_exception(page)
    before = figure_fingerprint(page)
    move_slider(page, "Learning rate α (log scale)")
    after = wait_for_figure_change(page, before)
    assert after != before, "moving the learning rate did not change the figures"
    assert_no_exception(page)
    assert query(page).get("reg_lr") == ["0.02"]
    assert "cells agree with the paper" in main_text(page)


def test_algorithms_noise_changes_the_demo_and_a_line_links_to_the_denominators(
    page: Page, base_url: str
) -> None:
    open_page(page, base_url, "algorithms")
    assert wait_for_figures(page, minimum=2) >= 2
    assert_no_exception(page)
    before = figure_fingerprint(page)
    move_slider(page, "Gradient noise σ (same on both axes)")
    after = wait_for_figure_change(page, before)
    assert after != before, "moving the noise did not change the demo"
    assert_no_exception(page)
    # The "second moment" line's link opens the denominators page with v_t / s_t highlighted.
    page.locator("[data-testid=stMain] [data-testid=stPageLink] a").nth(2).click()
    page.wait_for_url("**/denominators**")
    wait_for_app_idle(page)
    assert wait_for_figures(page, minimum=3) >= 3
    assert_no_exception(page)
    assert query(page).get("den_focus") == ["v_t or s_t"]
    assert page.get_by_role("radio", name="v_t or s_t").is_checked()


def test_sweeps_resolution_changes_the_heatmaps_and_a_click_opens_the_playground(
    page: Page, base_url: str
) -> None:
    open_page(page, base_url, "sweeps", {"steps": "100", "sw_res": "16"})
    assert wait_for_figures(page, minimum=2) >= 2
    assert_no_exception(page)
    before = figure_fingerprint(page)
    move_slider(page, "Grid resolution (cells per side)")
    after = wait_for_figure_change(page, before)
    assert after != before, "moving the resolution did not change the heatmaps"
    assert_no_exception(page)
    assert query(page).get("sw_res") == ["24"]

    # Click the lowest-lr, lowest-β2 cell of Adam's heatmap (the first marker of its invisible click grid).
    adam = page.locator("[data-testid=stMain] .js-plotly-plot").first
    adam.scroll_into_view_if_needed()
    x, y = adam.evaluate(
        """(graph) => {
            const trace = graph._fullData[graph._fullData.length - 1];
            const box = graph.querySelector('.nsewdrag').getBoundingClientRect();
            return [box.left + graph._fullLayout.xaxis.d2p(trace.x[0]),
                    box.top + graph._fullLayout.yaxis.d2p(trace.y[0])];
        }"""
    )
    page.mouse.click(x, y)
    page.wait_for_url(lambda url: "/sweeps" not in url, timeout=30_000)
    wait_for_app_idle(page)
    wait_for_figures(page)
    assert_no_exception(page)
    params = query(page)
    assert params.get("runs") == ["1"]
    assert params.get("r0_lr") == ["0.0001"]
