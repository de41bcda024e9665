"""2D test functions: the built-in catalog, the safe parser for typed functions, compiled callables."""

from surfaces.surface import Box, Point, Surface, X, Y

__all__ = ["Box", "Point", "Surface", "X", "Y"]
