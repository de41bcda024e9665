"""2D test functions: the built-in catalog, the safe parser for typed functions, compiled callables.

from surfaces import get_surface, surface_keys, parse_surface, SurfaceError
surface = get_surface("beale")          # a Surface: expr, latex, f, grad, domain, minima, start, note
typed = parse_surface("x^2 + 10*y^2")   # the same kind of Surface, key "custom", or SurfaceError
"""

from surfaces.catalog import get_surface, surface_keys
from surfaces.errors import SurfaceError
from surfaces.expression import CONSTANTS, FUNCTIONS, MAX_LENGTH, VARIABLES, build_expression
from surfaces.parser import parse_surface, warm_up
from surfaces.surface import Box, Point, Surface, X, Y

__all__ = [
    "CONSTANTS",
    "FUNCTIONS",
    "MAX_LENGTH",
    "VARIABLES",
    "Box",
    "Point",
    "Surface",
    "SurfaceError",
    "X",
    "Y",
    "build_expression",
    "get_surface",
    "parse_surface",
    "surface_keys",
    "warm_up",
]
