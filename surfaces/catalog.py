"""The built-in catalog of 2D test functions, in teaching order.

The first six are the toy cases of the AdaBelief paper (NeurIPS 2020, Fig. 3), in the paper's order:

    (a) |x| + |y|                  (b) |x + y| + |x − y|/10      (c) (x + y)² + (x − y)²/10
    (d) |x|/10 + |y|               (e, f) Beale                  (g, h) Rosenbrock

then the classic optimisation benchmarks, from easy bowls to many-minima landscapes, and a saddle.
Every formula is the published one, with exact rational coefficients (1.5 is written 3/2), and every
listed minimum is checked against its published minimum value by tests/unit/test_surfaces.py.

    get_surface("beale")   -> Surface    (compiled once, then shared)
    surface_keys()         -> ["abs", "rotated_abs", ...]   (catalog order)
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import sympy as sp

from surfaces.surface import Surface, X, Y

_HALF = sp.Rational(1, 2)
_TENTH = sp.Rational(1, 10)


def _abs() -> Surface:
    return Surface(
        key="abs",
        name="|x| + |y|",
        expr=sp.Abs(X) + sp.Abs(Y),
        domain=((-3.0, 3.0), (-3.0, 3.0)),
        minima=((0.0, 0.0),),
        min_value=0.0,
        start=(-2.5, 0.5),
        note=(
            "The gradient is (±1, ±1) everywhere, so its size never shrinks near the minimum: Adam takes "
            "equal ±45° steps on both axes, while AdaBelief sees that g_x never changes and strides along x. "
            "We start at (−2.5, 0.5), not on the kink y = 0 as the paper's reproduction does, because "
            "there sign(0) = 0 and the y-gradient whose sign flips, the whole point of the example, "
            "never appears."
        ),
    )


def _rotated_abs() -> Surface:
    return Surface(
        key="rotated_abs",
        name="|x + y| + |x − y|/10",
        expr=sp.Abs(X + Y) + sp.Abs(X - Y) * _TENTH,
        domain=((-3.0, 3.0), (-3.0, 3.0)),
        minima=((0.0, 0.0),),
        min_value=0.0,
        start=(2.5, 0.0),
        note=(
            "A valley along the diagonal y = x, ten times steeper across than along it, with a kink "
            "instead of a curve: per-axis methods cannot line up with a rotated valley, so watch who "
            "zig-zags across it and who slides down it."
        ),
    )


def _rotated_quadratic() -> Surface:
    return Surface(
        key="rotated_quadratic",
        name="(x + y)² + (x − y)²/10",
        expr=(X + Y) ** 2 + (X - Y) ** 2 * _TENTH,
        domain=((-3.0, 3.0), (-3.0, 3.0)),
        minima=((0.0, 0.0),),
        min_value=0.0,
        start=(2.5, 0.0),
        note=(
            "The smooth twin of the rotated |·| valley: the gradient now shrinks near the bottom, so SGD "
            "slows down on its own, while adaptive methods rescale each axis and keep their pace."
        ),
    )


def _scaled_abs() -> Surface:
    return Surface(
        key="scaled_abs",
        name="|x|/10 + |y|",
        expr=sp.Abs(X) * _TENTH + sp.Abs(Y),
        domain=((-3.0, 3.0), (-3.0, 3.0)),
        minima=((0.0, 0.0),),
        min_value=0.0,
        start=(0.5, -1.5),
        note=(
            "The slope along x is ten times gentler than along y: SGD crawls along x while Adam and "
            "AdaBelief equalise the two axes. The paper ran this case with β1 = β2 = 0.3."
        ),
    )


def _beale() -> Surface:
    expr = (
        (sp.Rational(3, 2) - X + X * Y) ** 2
        + (sp.Rational(9, 4) - X + X * Y**2) ** 2
        + (sp.Rational(21, 8) - X + X * Y**3) ** 2
    )
    return Surface(
        key="beale",
        name="Beale",
        expr=expr,
        domain=((-4.5, 4.5), (-4.5, 4.5)),
        minima=((3.0, 0.5),),
        min_value=0.0,
        start=(-2.5, -2.5),
        note=(
            "Flat plateaus next to walls where the gradient runs into the thousands: a fixed learning "
            "rate is either too timid on the plateau or explodes at the wall, which is why adaptive "
            "steps help."
        ),
    )


def _rosenbrock() -> Surface:
    return Surface(
        key="rosenbrock",
        name="Rosenbrock",
        expr=(1 - X) ** 2 + 100 * (Y - X**2) ** 2,
        domain=((-3.0, 3.0), (-3.0, 7.0)),
        minima=((1.0, 1.0),),
        min_value=0.0,
        start=(-2.5, -2.5),
        note=(
            "Finding the curved valley y = x² is easy; following its nearly flat floor to (1, 1) is "
            "the hard part, where small gradients must still give sizeable steps."
        ),
    )


def _ill_conditioned_bowl() -> Surface:
    return Surface(
        key="ill_conditioned_bowl",
        name="Ill-conditioned bowl x² + 25y²",
        expr=X**2 + 25 * Y**2,
        domain=((-3.0, 3.0), (-3.0, 3.0)),
        minima=((0.0, 0.0),),
        min_value=0.0,
        start=(-2.5, 1.0),
        note=(
            "The curvature along y is 25 times that along x (condition number 25): a learning rate "
            "small enough not to bounce across y crawls along x, the textbook case for momentum."
        ),
    )


def _booth() -> Surface:
    return Surface(
        key="booth",
        name="Booth",
        expr=(X + 2 * Y - 7) ** 2 + (2 * X + Y - 5) ** 2,
        domain=((-10.0, 10.0), (-10.0, 10.0)),
        minima=((1.0, 3.0),),
        min_value=0.0,
        start=(-8.0, -8.0),
        note=(
            "A gently tilted quadratic bowl with one minimum at (1, 3): a warm-up where every optimizer "
            "should succeed, so differences come from step sizes alone."
        ),
    )


def _matyas() -> Surface:
    return Surface(
        key="matyas",
        name="Matyas",
        expr=sp.Rational(13, 50) * (X**2 + Y**2) - sp.Rational(12, 25) * X * Y,
        domain=((-10.0, 10.0), (-10.0, 10.0)),
        minima=((0.0, 0.0),),
        min_value=0.0,
        start=(-8.0, 6.0),
        note=(
            "A bowl that is very flat along the diagonal y = x: gradients are tiny there, so plain SGD "
            "stalls long before the minimum while adaptive methods keep moving."
        ),
    )


_HIMMELBLAU_MINIMA = (
    (3.0, 2.0),
    (-2.805118086952745, 3.131312518250573),
    (-3.779310253377747, -3.283185991286169),
    (3.584428340330492, -1.848126526964404),
)


def _himmelblau() -> Surface:
    return Surface(
        key="himmelblau",
        name="Himmelblau",
        expr=(X**2 + Y - 11) ** 2 + (X + Y**2 - 7) ** 2,
        domain=((-5.0, 5.0), (-5.0, 5.0)),
        minima=_HIMMELBLAU_MINIMA,
        min_value=0.0,
        start=(0.5, -1.5),
        note=(
            "Four equally good minima: which one an optimizer finds depends on where it starts and how "
            "it moves. From this start, plain gradient descent and Adam can end in different minima."
        ),
    )


_CAMEL_MINIMA = ((0.08984201310031806, -0.7126564030207396), (-0.08984201310031806, 0.7126564030207396))


def _six_hump_camel() -> Surface:
    expr = (4 - sp.Rational(21, 10) * X**2 + X**4 / 3) * X**2 + X * Y + (-4 + 4 * Y**2) * Y**2
    return Surface(
        key="six_hump_camel",
        name="Six-hump camel",
        expr=expr,
        domain=((-3.0, 3.0), (-2.0, 2.0)),
        minima=_CAMEL_MINIMA,
        min_value=-1.0316284534898774,
        start=(-1.5, -1.0),
        note=(
            "Six valleys, two of them global minima mirrored through the origin: a local method ends in "
            "whichever valley it rolls into first, which is not always a global one."
        ),
    )


def _goldstein_price() -> Surface:
    first = 1 + (X + Y + 1) ** 2 * (19 - 14 * X + 3 * X**2 - 14 * Y + 6 * X * Y + 3 * Y**2)
    second = 30 + (2 * X - 3 * Y) ** 2 * (18 - 32 * X + 12 * X**2 + 48 * Y - 36 * X * Y + 27 * Y**2)
    return Surface(
        key="goldstein_price",
        name="Goldstein–Price",
        expr=first * second,
        domain=((-2.0, 2.0), (-2.0, 2.0)),
        minima=((0.0, -1.0),),
        min_value=3.0,
        start=(-1.5, 1.5),
        note=(
            "Values range from 3 to about a million within this small box, with several local minima: "
            "raw gradient sizes vary by orders of magnitude, so SGD's learning rate cannot suit them all."
        ),
    )


def _rastrigin() -> Surface:
    expr = 20 + X**2 - 10 * sp.cos(2 * sp.pi * X) + Y**2 - 10 * sp.cos(2 * sp.pi * Y)
    return Surface(
        key="rastrigin",
        name="Rastrigin",
        expr=expr,
        domain=((-5.12, 5.12), (-5.12, 5.12)),
        minima=((0.0, 0.0),),
        min_value=0.0,
        start=(-4.3, 3.7),
        note=(
            "A bowl covered in an egg-box of about a hundred local minima: gradient methods stop in the "
            "nearest dimple, unless momentum or noise carries them over the bumps."
        ),
    )


def _ackley() -> Surface:
    radius = sp.sqrt(_HALF * (X**2 + Y**2))
    waves = _HALF * (sp.cos(2 * sp.pi * X) + sp.cos(2 * sp.pi * Y))
    expr = -20 * sp.exp(-sp.Rational(1, 5) * radius) - sp.exp(waves) + sp.E + 20
    return Surface(
        key="ackley",
        name="Ackley",
        expr=expr,
        domain=((-5.0, 5.0), (-5.0, 5.0)),
        minima=((0.0, 0.0),),
        min_value=0.0,
        start=(-3.2, 2.8),
        note=(
            "An almost flat, rippled plain around one deep funnel at the origin: far out the gradient "
            "mostly points to the nearest ripple, so only a method that keeps moving finds the funnel."
        ),
    )


def _saddle() -> Surface:
    return Surface(
        key="saddle",
        name="Saddle x² − y²",
        expr=X**2 - Y**2,
        domain=((-2.0, 2.0), (-2.0, 2.0)),
        minima=(),
        min_value=None,
        start=(-1.5, 0.01),
        note=(
            "No minimum at all: the origin is a saddle point. Starting a hair off the ridge (y = 0.01), "
            "SGD slides towards the saddle and lingers until the tiny y-gradient grows; adaptive methods "
            "rescale that tiny gradient and tend to escape sooner. The loss falls without bound."
        ),
    )


# Teaching order: the paper's toy cases first, then bowls, then many-minima landscapes, then the saddle.
_BUILDERS: dict[str, Callable[[], Surface]] = {
    "abs": _abs,
    "rotated_abs": _rotated_abs,
    "rotated_quadratic": _rotated_quadratic,
    "scaled_abs": _scaled_abs,
    "beale": _beale,
    "rosenbrock": _rosenbrock,
    "ill_conditioned_bowl": _ill_conditioned_bowl,
    "booth": _booth,
    "matyas": _matyas,
    "himmelblau": _himmelblau,
    "six_hump_camel": _six_hump_camel,
    "goldstein_price": _goldstein_price,
    "rastrigin": _rastrigin,
    "ackley": _ackley,
    "saddle": _saddle,
}


def surface_keys() -> list[str]:
    """All catalog keys in teaching order (the paper's toy cases first)."""
    return list(_BUILDERS)


@cache
def get_surface(key: str) -> Surface:
    """The catalog surface named `key`; one shared instance per key, so its callables compile once.

    Raises KeyError naming the known keys when `key` is not in the catalog.
    """
    try:
        builder = _BUILDERS[key]
    except (KeyError, TypeError):
        raise KeyError(f"unknown surface {key!r}; known surfaces: {', '.join(_BUILDERS)}") from None
    return builder()
