"""2D test functions: the built-in catalog, the safe parser for typed functions, compiled callables.

from surfaces import get_surface, surface_keys
surface = get_surface("beale")          # a Surface: expr, latex, f, grad, domain, minima, start, note
"""

from surfaces.catalog import get_surface, surface_keys
from surfaces.surface import Box, Point, Surface, X, Y

__all__ = ["Box", "Point", "Surface", "X", "Y", "get_surface", "surface_keys"]
