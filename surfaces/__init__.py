"""2D test functions: the built-in catalog, the safe parser for typed functions, compiled callables."""

from surfaces.surface import X, Y, Box, Point, Surface

__all__ = ["Box", "Point", "Surface", "X", "Y"]
