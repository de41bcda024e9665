"""Cached figure ingredients that depend only on the surface (landscape lines, the 3D grid)."""

from __future__ import annotations

import streamlit as st

from ui import limits
from ui.surface_choice import surface_for
from viz.landscape import ContourLines, LandscapeGrid, contour_lines, sample_grid

MAP_GRID_RESOLUTION = 140
SURFACE_GRID_RESOLUTION = 60


@st.cache_data(max_entries=limits.SURFACE_CACHE_ENTRIES, show_spinner=False)
def landscape_lines(surface_id: str) -> ContourLines:
    """Contour lines of the surface over its plotting box (one computation per surface)."""
    surface = surface_for(surface_id)
    return contour_lines(sample_grid(surface.f, surface.domain, MAP_GRID_RESOLUTION))


@st.cache_data(max_entries=limits.SURFACE_CACHE_ENTRIES, show_spinner=False)
def surface_grid(surface_id: str) -> LandscapeGrid:
    """A coarser grid of f for the 3D view."""
    surface = surface_for(surface_id)
    return sample_grid(surface.f, surface.domain, SURFACE_GRID_RESOLUTION)
