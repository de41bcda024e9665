"""The narrow-layout style: its keys are CSS class names, and its queries switch below the width given.
How the pages look with it is tested in a real browser (tests/e2e/test_projector_widths.py)."""

from __future__ import annotations

import pytest

from ui import narrow_layout


@pytest.mark.parametrize(
    "css_for",
    [narrow_layout.stacked_columns_css, narrow_layout.formula_table_css, narrow_layout.compact_tables_css],
)
def test_the_style_queries_its_own_block_below_the_width_given(css_for) -> None:
    css = css_for("den_map", 720)
    assert ".st-key-den_map { container-type: inline-size; container-name: den_map; }" in css
    assert "@container den_map (max-width: 719px)" in css
    assert css.count("{") == css.count("}")


@pytest.mark.parametrize("key", ["", "1st", "a b", "x} body {display: none", "key;"])
def test_a_key_that_is_not_a_class_name_is_refused(key: str) -> None:
    with pytest.raises(ValueError, match="CSS class name"):
        narrow_layout.stacked_columns_css(key)
