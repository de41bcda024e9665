"""The built-in catalog: formulas against their published minima, gradients against finite differences."""

from __future__ import annotations

import math
import zlib

import numpy as np
import pytest
import sympy as sp

from surfaces import Surface, X, Y, get_surface, surface_keys

KEYS = surface_keys()
ABS_KEYS = ["abs", "rotated_abs", "scaled_abs"]

# Published minimum values, written independently of the catalog so a typo in either shows up.
PUBLISHED_MIN_VALUE = {
    "abs": 0.0,
    "rotated_abs": 0.0,
    "rotated_quadratic": 0.0,
    "scaled_abs": 0.0,
    "beale": 0.0,
    "rosenbrock": 0.0,
    "ill_conditioned_bowl": 0.0,
    "booth": 0.0,
    "matyas": 0.0,
    "himmelblau": 0.0,
    "six_hump_camel": -1.0316,
    "goldstein_price": 3.0,
    "rastrigin": 0.0,
    "ackley": 0.0,
}
PUBLISHED_MINIMA_COUNT = {"himmelblau": 4, "six_hump_camel": 2}


def test_catalog_has_every_required_key_with_the_paper_toy_cases_first() -> None:
    required = set(PUBLISHED_MIN_VALUE) | {"saddle"}
    assert required <= set(KEYS)
    assert KEYS[:6] == ["abs", "rotated_abs", "rotated_quadratic", "scaled_abs", "beale", "rosenbrock"]
    assert len(KEYS) == len(set(KEYS))


def test_unknown_key_raises_key_error_naming_the_known_keys() -> None:
    with pytest.raises(KeyError, match="beale"):
        get_surface("no_such_surface")


def test_get_surface_returns_one_shared_instance() -> None:
    assert get_surface("beale") is get_surface("beale")


@pytest.mark.parametrize("key", KEYS)
def test_metadata_is_complete(key: str) -> None:
    surface = get_surface(key)
    assert isinstance(surface, Surface)
    assert surface.key == key
    assert surface.name and surface.note
    assert surface.expr.free_symbols <= {X, Y}
    assert surface.latex == sp.latex(surface.expr)
    (x_min, x_max), (y_min, y_max) = surface.domain
    assert x_min < x_max and y_min < y_max


@pytest.mark.parametrize("key", sorted(PUBLISHED_MIN_VALUE))
def test_value_at_every_listed_minimum_is_the_published_minimum(key: str) -> None:
    surface = get_surface(key)
    assert surface.minima
    assert surface.min_value == pytest.approx(PUBLISHED_MIN_VALUE[key], abs=1e-4)
    assert len(surface.minima) == PUBLISHED_MINIMA_COUNT.get(key, 1)
    for x, y in surface.minima:
        assert float(surface.f(x, y)) == pytest.approx(surface.min_value, abs=1e-12)
        # and symbolically at high precision, so the listed coordinates themselves are accurate
        exact = sp.N(surface.expr.subs({X: sp.Float(x, 30), Y: sp.Float(y, 30)}), 30)
        assert float(exact) == pytest.approx(surface.min_value, abs=1e-12)


@pytest.mark.parametrize("key", sorted(PUBLISHED_MIN_VALUE))
def test_listed_minima_are_minima_of_the_function_on_a_grid(key: str) -> None:
    """No grid point of the plotting box is lower than the published minimum (a typo usually is)."""
    surface = get_surface(key)
    (x_min, x_max), (y_min, y_max) = surface.domain
    xs, ys = np.meshgrid(np.linspace(x_min, x_max, 301), np.linspace(y_min, y_max, 301))
    assert np.nanmin(surface.f(xs, ys)) >= surface.min_value - 1e-9


# The |.| surfaces and Ackley have their minimum on a kink, where the gradient is not defined.
@pytest.mark.parametrize("key", sorted(set(PUBLISHED_MIN_VALUE) - {*ABS_KEYS, "ackley"}))
def test_gradient_vanishes_at_smooth_minima(key: str) -> None:
    surface = get_surface(key)
    for x, y in surface.minima:
        gx, gy = surface.grad(x, y)
        assert abs(float(gx)) < 1e-6 and abs(float(gy)) < 1e-6


@pytest.mark.parametrize("key", KEYS)
def test_minima_and_start_lie_inside_the_domain(key: str) -> None:
    surface = get_surface(key)
    (x_min, x_max), (y_min, y_max) = surface.domain
    for x, y in (*surface.minima, surface.start):
        assert x_min < x < x_max and y_min < y < y_max


@pytest.mark.parametrize("key", KEYS)
def test_start_has_a_finite_nonzero_gradient(key: str) -> None:
    surface = get_surface(key)
    gx, gy = (float(g) for g in surface.grad(*surface.start))
    assert math.isfinite(gx) and math.isfinite(gy)
    assert abs(gx) + abs(gy) > 0


def _kink_distances(key: str, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Distance-like measure to the nearest kink line of the |.| surfaces (and the Ackley cone tip)."""
    if key in ("abs", "scaled_abs"):
        return np.minimum(abs(x), abs(y))
    if key == "rotated_abs":
        return np.minimum(abs(x + y), abs(x - y))
    if key == "ackley":
        return np.hypot(x, y)
    return np.full_like(x, np.inf)


@pytest.mark.parametrize("key", ABS_KEYS)
def test_abs_surface_starts_off_every_kink(key: str) -> None:
    x, y = get_surface(key).start
    assert _kink_distances(key, np.array(x), np.array(y)) > 0.05


@pytest.mark.parametrize("key", KEYS)
def test_gradient_equals_central_finite_difference(key: str) -> None:
    surface = get_surface(key)
    rng = np.random.default_rng(zlib.crc32(key.encode()))
    (x_min, x_max), (y_min, y_max) = surface.domain
    x = rng.uniform(x_min, x_max, 200)
    y = rng.uniform(y_min, y_max, 200)
    h = 1e-6
    away = _kink_distances(key, x, y) > 10 * h
    x, y = x[away], y[away]
    assert x.size > 150
    gx, gy = surface.grad(x, y)
    fd_x = (surface.f(x + h, y) - surface.f(x - h, y)) / (2 * h)
    fd_y = (surface.f(x, y + h) - surface.f(x, y - h)) / (2 * h)
    scale = 1 + np.abs(surface.f(x, y))  # the difference quotient's rounding error grows with |f|
    np.testing.assert_allclose(gx, fd_x, rtol=1e-5, atol=1e-7 * scale.max())
    np.testing.assert_allclose(gy, fd_y, rtol=1e-5, atol=1e-7 * scale.max())


@pytest.mark.parametrize("key", KEYS)
def test_numpy_callables_broadcast(key: str) -> None:
    surface = get_surface(key)
    x = np.linspace(-1, 1, 3)[:, None]
    y = np.linspace(-1, 1, 4)[None, :]
    assert surface.f(x, y).shape == (3, 4)
    gx, gy = surface.grad(x, y)
    assert gx.shape == gy.shape == (3, 4)


@pytest.mark.parametrize("key", KEYS)
def test_torch_callables_agree_with_numpy(key: str) -> None:
    torch = pytest.importorskip("torch")
    surface = get_surface(key)
    rng = np.random.default_rng(0)
    (x_min, x_max), (y_min, y_max) = surface.domain
    x = rng.uniform(x_min, x_max, 50)
    y = rng.uniform(y_min, y_max, 50)
    tx, ty = torch.from_numpy(x), torch.from_numpy(y)
    np.testing.assert_allclose(surface.torch_f(tx, ty).numpy(), surface.f(x, y), rtol=1e-12, atol=1e-12)
    for torch_g, numpy_g in zip(surface.torch_grad(tx, ty), surface.grad(x, y), strict=True):
        np.testing.assert_allclose(torch_g.numpy(), numpy_g, rtol=1e-10, atol=1e-10)


def test_saddle_has_no_minimum() -> None:
    saddle = get_surface("saddle")
    assert saddle.minima == () and saddle.min_value is None
    assert np.isnan(saddle.distance_to_nearest_minimum(np.zeros(2)))


def test_ill_conditioned_bowl_note_states_its_condition_number() -> None:
    bowl = get_surface("ill_conditioned_bowl")
    hessian = np.array(sp.hessian(bowl.expr, (X, Y)), dtype=float)
    eigenvalues = np.linalg.eigvalsh(hessian)
    condition = round(eigenvalues.max() / eigenvalues.min())
    assert f"condition number {condition}" in bowl.note


def test_six_hump_camel_minima_are_mirror_images() -> None:
    (a, b), (c, d) = get_surface("six_hump_camel").minima
    assert (a, b) == (-c, -d)
