"""Every formula and table fits its column on a lecture-hall projector, 1280 or 1024 px wide with the
sidebar open.

KaTeX puts a display formula in a box that scrolls sideways when the formula is wider than its column, and
Streamlit does the same with a Markdown table, so what does not fit shows its left part and hides the rest
behind a scrollbar nobody sees on a projector. The update rules on the algorithms page and the step
inspector's worked formula are the widest formulas; the inspector is measured on the link with the
longest numbers (step 4999 of 5000).

At 1024 px the main area is narrow (ui/narrow_layout.py): the playground's curves and the step inspector
go under their maps, the algorithms table puts each row's label above its formulas, and wide tables are
set compactly. The layout tests check that each switches at the narrow width and only there.

Each figure's texts (axis labels, captions, buttons, legend, title) must keep clear of one another and
inside the figure. A lecturer closes the sidebar to give the figures the room: the playground's live
figures (ui/live_plotly.js) must then be drawn again at their column's new width, which plotly's own
`responsive` does only when the window changes size.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.e2e.helpers import (
    assert_no_exception,
    discover_pages,
    figure_text_clashes,
    open_page,
    wait_for_figures,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

PROJECTORS = {"1280": {"width": 1280, "height": 800}, "1024": {"width": 1024, "height": 768}}

# KaTeX's own box is 2 px wider than its content; more than that means the formula is cut off.
SLACK_PX = 4

# Display formulas, and the Markdown blocks that hold the tables.
MEASURED = '.katex-display, [data-testid="stMarkdownContainer"]'
CUT_OFF = f"""() => Array.from(document.querySelectorAll('{MEASURED}'))
    .filter(box => box.scrollWidth > box.clientWidth + {SLACK_PX})
    .map(box => `${{box.scrollWidth}} px in ${{box.clientWidth}} px: ${{box.textContent.slice(0, 50)}}`)"""

PAGES_WITH_FORMULAS = {"algorithms", "denominators"}

LINKS = [(app_page.url_path, None) for app_page in discover_pages()] + [
    ("denominators", {"surface": "Rosenbrock", "steps": 5000, "den_t": 4999}),
]
LINK_IDS = [f"{path or 'home'}{'-deep' if query else ''}" for path, query in LINKS]

# The page's layout blocks, by their keys: the top of the first column and of the last one in their first
# row; equal tops mean side by side, a later top for the last column means it went under the first.
COLUMN_TOPS = """(key) => {
    const row = document.querySelector(`.st-key-${key} [data-testid="stHorizontalBlock"]`);
    const columns = row.querySelectorAll(':scope > [data-testid="stColumn"]');
    return [columns[0].getBoundingClientRect().top, columns[columns.length - 1].getBoundingClientRect().top];
}"""


def open_on_projector(
    page: Page, base_url: str, width: str, url_path: str, query: dict | None = None
) -> None:
    page.set_viewport_size(PROJECTORS[width])
    open_page(page, base_url, url_path, query)
    wait_for_figures(page)
    assert_no_exception(page)
    page.evaluate("() => document.fonts.ready.then(() => true)")  # KaTeX's widths need its fonts


@pytest.mark.parametrize("width", list(PROJECTORS))
@pytest.mark.parametrize(("url_path", "query"), LINKS, ids=LINK_IDS)
def test_no_formula_or_table_is_cut_off_on_a_projector(
    page: Page, base_url: str, url_path: str, query: dict | None, width: str
) -> None:
    open_on_projector(page, base_url, width, url_path, query)
    if url_path in PAGES_WITH_FORMULAS:
        assert page.locator(".katex-display").count() > 0, f"/{url_path} shows no formula to measure"
    cut_off = page.evaluate(CUT_OFF)
    assert not cut_off, f"formulas or tables wider than their column at {width} px:\n" + "\n".join(cut_off)


@pytest.mark.parametrize("width", list(PROJECTORS))
@pytest.mark.parametrize("url_path", [app_page.url_path for app_page in discover_pages()])
def test_no_figure_text_is_covered_or_cut_off_on_a_projector(
    page: Page, base_url: str, url_path: str, width: str
) -> None:
    """A figure's axis labels, captions, buttons, legend and title keep clear of one another and inside
    the figure, at either width. plotly places captions and buttons at fractions of the plot area, whose
    size the width and the legend's rows change, and cuts a title off at the figure's edge: before, the
    playground's Play buttons covered its map's "x" at every width, and at 1024 px eight titles ran past
    their figures (the sweeps' heatmaps were 81 px wide side by side)."""
    open_on_projector(page, base_url, width, url_path)
    clashes = figure_text_clashes(page)
    assert not clashes, f"figure texts covered or cut off at {width} px:\n" + "\n".join(clashes)


@pytest.mark.parametrize(("width", "stacked"), [("1280", False), ("1024", True)])
@pytest.mark.parametrize(
    ("url_path", "key"),
    [
        ("", "race"),
        ("denominators", "den_map_inspector"),
        ("algorithms", "alg_directions"),
        ("sweeps", "sw_heatmaps"),
    ],
)
def test_map_and_its_neighbour_stack_only_on_a_narrow_screen(
    page: Page, base_url: str, url_path: str, key: str, width: str, stacked: bool
) -> None:
    """The playground's curves, the step inspector, the algorithms page's compass and the second sweep
    heatmap go under their neighbours at 1024 px, not at 1280."""
    open_on_projector(page, base_url, width, url_path)
    map_top, neighbour_top = page.evaluate(COLUMN_TOPS, key)
    assert (neighbour_top > map_top + 100) is stacked, (map_top, neighbour_top)


@pytest.mark.parametrize(("width", "narrow"), [("1280", False), ("1024", True)])
def test_algorithm_rows_put_their_label_above_the_formulas_only_on_a_narrow_screen(
    page: Page, base_url: str, width: str, narrow: bool
) -> None:
    open_on_projector(page, base_url, width, "algorithms")
    label = page.locator(".st-key-algorithm_table").get_by_text("second moment", exact=True)
    formula = page.locator(".st-key-algorithm_table .katex-display").filter(has_text="(none)").first
    label_box, formula_box = label.bounding_box(), formula.bounding_box()
    assert label_box is not None and formula_box is not None
    if narrow:
        assert label_box["y"] + label_box["height"] <= formula_box["y"], (label_box, formula_box)
    else:
        assert label_box["x"] + label_box["width"] <= formula_box["x"], (label_box, formula_box)
    # the header row's "line" label is hidden on a narrow screen, where the label column is gone
    assert page.locator(".st-key-algorithm_table").get_by_text("line", exact=True).is_visible() is not narrow


# Each live figure's element width against the width plotly drew it at.
LIVE_FIGURE_WIDTHS = """() => Array.from(document.querySelectorAll('.live-plotly'))
    .map(graph => [graph.parentElement.clientWidth, graph._fullLayout ? graph._fullLayout.width : null])"""
LIVE_FIGURES_FIT = f"""() => {{
    const widths = ({LIVE_FIGURE_WIDTHS})();
    return widths.length > 0 && widths.every(([column, drawn]) => drawn && Math.abs(column - drawn) < 1);
}}"""


def live_figures_fit_their_columns(page: Page) -> list[list[float]]:
    """Wait until every live figure is drawn at its element's width; return [element, drawn] widths."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    try:
        page.wait_for_function(LIVE_FIGURES_FIT, timeout=10_000)
    except PlaywrightTimeoutError as error:  # the widths say more than a timeout
        raise AssertionError(
            f"live figures not at their columns' widths: {page.evaluate(LIVE_FIGURE_WIDTHS)}"
        ) from error
    return page.evaluate(LIVE_FIGURE_WIDTHS)


def wait_for_columns_to_change(page: Page, before: list[list[float]]) -> None:
    """Wait until some live figure's element is no longer as wide as in `before` (LIVE_FIGURE_WIDTHS's)."""
    page.wait_for_function(
        f"(before) => ({LIVE_FIGURE_WIDTHS})().some(([column], k) => column !== before[k][0])", arg=before
    )


def close_sidebar(page: Page) -> None:
    page.hover('[data-testid="stSidebarHeader"]')  # the button shows on hover
    page.locator('[data-testid="stSidebarCollapseButton"] button').click()
    page.locator('[data-testid="stExpandSidebarButton"]').wait_for()


def open_sidebar(page: Page) -> None:
    page.locator('[data-testid="stExpandSidebarButton"]').click()
    page.locator('[data-testid="stSidebarCollapseButton"]').wait_for(state="attached")


@pytest.mark.parametrize("width", list(PROJECTORS))
def test_the_playground_figures_follow_their_columns_when_the_sidebar_closes_and_opens(
    page: Page, base_url: str, width: str
) -> None:
    open_on_projector(page, base_url, width, "")
    with_sidebar = live_figures_fit_their_columns(page)
    assert len(with_sidebar) == 2, with_sidebar  # the map and the curves
    close_sidebar(page)
    wait_for_columns_to_change(page, with_sidebar)
    without_sidebar = live_figures_fit_their_columns(page)
    assert [drawn for _, drawn in without_sidebar] != [drawn for _, drawn in with_sidebar]
    open_sidebar(page)
    wait_for_columns_to_change(page, without_sidebar)
    assert live_figures_fit_their_columns(page) == with_sidebar
    assert_no_exception(page)
