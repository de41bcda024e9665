"""Optimizer Lab: the playground, and the entry point (`streamlit run app.py`)."""

import streamlit as st

st.set_page_config(page_title="Optimizer Lab", page_icon="📉", layout="wide")
st.title("Optimizer Lab")
st.write("Watch SGD, Adam and AdaBelief race on 2D test functions.")
