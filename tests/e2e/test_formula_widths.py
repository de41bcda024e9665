"""Every formula fits its column on a lecture-hall projector (1280 px wide, sidebar open).

KaTeX puts a display formula in a box that scrolls sideways when the formula is wider than its column, so
a formula that does not fit shows its left part and hides the rest behind a scrollbar nobody sees on a
projector. The update rules on the algorithms page and the step inspector's worked formula are the
widest; the inspector is measured on the link with the longest numbers (step 4999 of 5000).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.e2e.helpers import assert_no_exception, discover_pages, open_page, wait_for_figures

if TYPE_CHECKING:
    from playwright.sync_api import Page

PROJECTOR = {"width": 1280, "height": 800}

# KaTeX's own box is 2 px wider than its content; more than that means the formula is cut off.
SLACK_PX = 4

CUT_OFF_FORMULAS = f"""() => Array.from(document.querySelectorAll('.katex-display'))
    .filter(box => box.scrollWidth > box.clientWidth + {SLACK_PX})
    .map(box => `${{box.scrollWidth}} px in ${{box.clientWidth}} px: ${{box.textContent.slice(0, 50)}}`)"""

PAGES_WITH_FORMULAS = {"algorithms", "denominators"}

LINKS = [(app_page.url_path, None) for app_page in discover_pages()] + [
    ("denominators", {"surface": "Rosenbrock", "steps": 5000, "den_t": 4999}),
]


@pytest.mark.parametrize(
    ("url_path", "query"), LINKS, ids=[f"{path or 'home'}{'-deep' if query else ''}" for path, query in LINKS]
)
def test_no_formula_is_cut_off_at_1280_px(
    page: Page, base_url: str, url_path: str, query: dict | None
) -> None:
    page.set_viewport_size(PROJECTOR)
    open_page(page, base_url, url_path, query)
    wait_for_figures(page)
    assert_no_exception(page)
    page.evaluate("() => document.fonts.ready.then(() => true)")  # KaTeX's widths need its fonts
    if url_path in PAGES_WITH_FORMULAS:
        assert page.locator(".katex-display").count() > 0, f"/{url_path} shows no formula to measure"
    cut_off = page.evaluate(CUT_OFF_FORMULAS)
    assert not cut_off, "formulas wider than their column at 1280 px:\n" + "\n".join(cut_off)
