"""Pure figure builders: data in, plotly Figure (or figure dict) out. No streamlit import here."""
