"""Optimizer Lab: the playground, and the entry point (`streamlit run app.py`).

Every page starts with `ui.sidebar()` (navigation and shared controls, all in the URL).
"""

import streamlit as st

st.set_page_config(page_title="Optimizer Lab", page_icon="📉", layout="wide")

from ui import sidebar  # noqa: E402  (set_page_config must come first)
from ui.background import start_typed_function_worker  # noqa: E402
from ui.playground import heading, playground  # noqa: E402
from ui.sections import page_body  # noqa: E402
from ui.sidebar import current_sidebar_state  # noqa: E402

start_typed_function_worker()
sidebar()
heading(current_sidebar_state())
page_body(lambda: playground(current_sidebar_state()))
