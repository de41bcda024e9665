"""Streamlit pieces every page shares (sidebar, controls, URL state)."""
