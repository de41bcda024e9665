"""Blocks of columns that rearrange themselves when the page's main area is narrow.

Streamlit lays a page out on the server, which never learns how wide the visitor's screen is, and it
stacks columns only on phone-sized screens. A lecture hall's projector is often 1024 pixels wide, and
with the sidebar open the main area then has about 560 pixels: side-by-side columns cut their formulas
off behind a scrollbar nobody sees on a projector. A CSS container query lets the browser choose the
layout from the width the block really has, so opening or closing the sidebar switches it too.

Each block is a keyed `st.container`; Streamlit gives it the class `st-key-<key>`, which the style
below selects. Only the block's own rows of columns change (`>` all the way down), never columns nested
deeper inside them.
"""

from __future__ import annotations

import re
from typing import Any

import streamlit as st

# Below this width the algorithms page's four columns and the denominators page's map-and-inspector halves
# cut formulas off and the playground's results table scrolls sideways; at 820 pixels (a 1280-pixel
# screen, sidebar open) everything fits (tests/e2e/test_projector_widths.py).
NARROW_BELOW_PX = 800

# The rows of columns a keyed container holds directly: container > layout wrapper > row > column.
_OWN_COLUMNS = '.st-key-{key} > [data-testid="stLayoutWrapper"] > [data-testid="stHorizontalBlock"]'

# KaTeX sets display formulas at 1.21em; on a narrow block the formula table uses this size instead.
NARROW_FORMULA_EM = 1.0
# A narrow block's tables: smaller text, and half of Streamlit's cell padding.
COMPACT_TABLE_EM = 0.875
COMPACT_CELL_PADDING = "0.25rem 0.375rem"


def _checked_key(key: str) -> str:
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", key):
        raise ValueError(f"a layout key is a CSS class name: letters, digits, - and _, not {key!r}")
    return key


def _query_container(key: str) -> str:
    return f".st-key-{key} {{ container-type: inline-size; container-name: {key}; }}"


def stacked_columns_css(key: str, below_px: int = NARROW_BELOW_PX) -> str:
    """The style that stacks the block's columns, each on a line of its own, below `below_px`."""
    key = _checked_key(key)
    columns = _OWN_COLUMNS.format(key=key) + ' > [data-testid="stColumn"]'
    return (
        _query_container(key) + f" @container {key} (max-width: {below_px - 1}px) {{"
        f" {columns} {{ flex: 1 1 100% !important; width: 100% !important; }} }}"
    )


def formula_table_css(key: str, below_px: int = NARROW_BELOW_PX) -> str:
    """The style of a table made of rows of columns, a label column first, below `below_px`: each row's
    label takes a line of its own above the row's formulas (what the label cell holds side by side),
    the header row's label (over the label column) is hidden, and the formulas are set a little
    smaller, so the formula columns share the block's whole width."""
    key = _checked_key(key)
    rows = _OWN_COLUMNS.format(key=key)
    label = rows + ' > [data-testid="stColumn"]:first-child'
    label_cell = label + ' > [data-testid="stVerticalBlock"]'
    header_label = (
        f'.st-key-{key} > [data-testid="stLayoutWrapper"]:first-child > [data-testid="stHorizontalBlock"]'
        ' > [data-testid="stColumn"]:first-child'
    )
    return (
        _query_container(key) + f" @container {key} (max-width: {below_px - 1}px) {{"
        f" {label} {{ flex: 1 1 100% !important; width: 100% !important; }}"
        f" {label_cell} {{ flex-direction: row; justify-content: flex-start; align-items: center;"
        " gap: 1rem; }"
        f" {label_cell} > * {{ width: auto !important; flex: 0 0 auto; }}"
        f" {header_label} {{ display: none; }}"
        f" .st-key-{key} .katex-display > .katex {{ font-size: {NARROW_FORMULA_EM}em; }} }}"
    )


def compact_tables_css(key: str, below_px: int = NARROW_BELOW_PX) -> str:
    """The style that sets the block's Markdown tables smaller and closer below `below_px`, so a table of
    many columns stays within the block instead of scrolling sideways."""
    key = _checked_key(key)
    cells = f".st-key-{key} table th, .st-key-{key} table td"
    return (
        _query_container(key) + f" @container {key} (max-width: {below_px - 1}px) {{"
        f" .st-key-{key} table {{ font-size: {COMPACT_TABLE_EM}em; }}"
        f" {cells} {{ padding: {COMPACT_CELL_PADDING}; }} }}"
    )


def _styled_container(key: str, css: str) -> Any:
    # Style alone, st.html draws it in the page's event container: it takes no space.
    st.html(f"<style>{css}</style>")
    return st.container(key=key)


def stacked_when_narrow(key: str, below_px: int = NARROW_BELOW_PX) -> Any:
    """A container whose rows of columns stack, one column under the other, when it is narrower than
    `below_px`; use it as `with stacked_when_narrow("key"): left, right = st.columns(2)`."""
    return _styled_container(key, stacked_columns_css(key, below_px))


def formula_table(key: str, below_px: int = NARROW_BELOW_PX) -> Any:
    """A container for a table of formulas built as rows of `st.columns`, a header row first and a label
    column first in each row; narrower than `below_px`, it rearranges as `formula_table_css` says."""
    return _styled_container(key, formula_table_css(key, below_px))


def compact_tables_when_narrow(key: str, below_px: int = NARROW_BELOW_PX) -> Any:
    """A container whose Markdown tables are set compactly when it is narrower than `below_px`."""
    return _styled_container(key, compact_tables_css(key, below_px))
