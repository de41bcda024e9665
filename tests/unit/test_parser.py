"""Typed functions that should work: values, gradients, LaTeX, suggestions, overrides, the time guard."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest
import sympy as sp

from surfaces import Surface, SurfaceError, X, Y, parse_surface
from surfaces import parser as parser_module
from surfaces.sandbox import TimeLimitedWorker, WorkerTimeout

# (typed text, the same expression built directly with sympy)
VALID = [
    ("x^2 + 10*y^2", X**2 + 10 * Y**2),
    ("x**2 + 10*y**2", X**2 + 10 * Y**2),
    ("(1 - x)^2 + 100*(y - x^2)^2", (1 - X) ** 2 + 100 * (Y - X**2) ** 2),
    ("(x^2 + y - 11)^2 + (x + y^2 - 7)^2", (X**2 + Y - 11) ** 2 + (X + Y**2 - 7) ** 2),
    ("abs(x) + abs(y)/10", sp.Abs(X) + sp.Abs(Y) / 10),
    ("sin(x)*cos(y) + 0.1*(x^2 + y^2)", sp.sin(X) * sp.cos(Y) + sp.Float(0.1) * (X**2 + Y**2)),
    ("exp(-(x^2 + y^2)) * -1 + x/10", -sp.exp(-(X**2 + Y**2)) + X / 10),
    ("log(1 + x^2) + sqrt(1 + y^2)", sp.log(1 + X**2) + sp.sqrt(1 + Y**2)),
    ("tanh(x) + atan(y) + sinh(x/3) + cosh(y/3)", sp.tanh(X) + sp.atan(Y) + sp.sinh(X / 3) + sp.cosh(Y / 3)),
    (
        "atan2(y, x + 5) + log10(x + 5) + log2(y + 5)",
        sp.atan2(Y, X + 5) + sp.log(X + 5, 10) + sp.log(Y + 5, 2),
    ),
    ("asinh(x) + atanh(y/5) + acosh(x^2 + 2)", sp.asinh(X) + sp.atanh(Y / 5) + sp.acosh(X**2 + 2)),
    ("e^x / 10 + pi*y^2", sp.exp(X) / 10 + sp.pi * Y**2),
    ("-x^2 + 2^3^2*y", -(X**2) + 512 * Y),
    ("x^(1/2)*0 + x^-2 + y", X ** (-2) + Y),
]


@pytest.mark.parametrize(("text", "expected"), VALID)
def test_typed_text_gives_the_expression_and_its_sympy_latex(text: str, expected: sp.Expr) -> None:
    surface = parse_surface(text)
    assert isinstance(surface, Surface)
    assert sp.simplify(surface.expr - expected) == 0
    assert surface.latex == sp.latex(expected)
    assert surface.key == "custom" and surface.source == text


def test_caret_means_power() -> None:
    caret, stars = parse_surface("x^2 + y^3"), parse_surface("x**2 + y**3")
    assert caret.expr == stars.expr == X**2 + Y**3
    assert caret.latex == stars.latex


@pytest.mark.parametrize(("text", "expected"), VALID)
def test_gradient_equals_central_finite_difference(text: str, expected: sp.Expr) -> None:
    surface = parse_surface(text)
    rng = np.random.default_rng(7)
    x, y = rng.uniform(-2, 2, 100), rng.uniform(-2, 2, 100)
    x, y = x[np.abs(x) > 1e-3], y[np.abs(x) > 1e-3]  # away from the kinks of abs and x^-2
    h = 1e-6
    gx, gy = surface.grad(x, y)
    fd_x = (surface.f(x + h, y) - surface.f(x - h, y)) / (2 * h)
    fd_y = (surface.f(x, y + h) - surface.f(x, y - h)) / (2 * h)
    defined = np.isfinite(gx) & np.isfinite(gy) & np.isfinite(fd_x) & np.isfinite(fd_y)
    assert defined.sum() > 50
    scale = 1 + np.abs(surface.f(x, y))[defined]
    np.testing.assert_allclose(gx[defined], fd_x[defined], rtol=1e-5, atol=1e-6 * scale.max())
    np.testing.assert_allclose(gy[defined], fd_y[defined], rtol=1e-5, atol=1e-6 * scale.max())


@pytest.mark.parametrize(("text", "expected"), VALID)
def test_torch_callables_agree_with_numpy(text: str, expected: sp.Expr) -> None:
    torch = pytest.importorskip("torch")
    surface = parse_surface(text)
    x, y = np.linspace(0.3, 1.7, 9), np.linspace(-1.2, 0.9, 9)
    tx, ty = torch.from_numpy(x), torch.from_numpy(y)
    np.testing.assert_allclose(surface.torch_f(tx, ty).numpy(), surface.f(x, y), rtol=1e-12)
    for torch_g, numpy_g in zip(surface.torch_grad(tx, ty), surface.grad(x, y), strict=True):
        np.testing.assert_allclose(torch_g.numpy(), numpy_g, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize(
    ("text", "undefined_point"),
    [
        ("log(x) + y^2", (-1.5, 1.0)),
        ("sqrt(y) + x^2", (1.0, -1.5)),
        ("1/x + y^2", (0.0, 1.0)),
        ("acos(x) + y", (2.0, 0.0)),
    ],
)
def test_undefined_points_evaluate_to_nan_or_inf_without_raising(
    text: str, undefined_point: tuple[float, float]
) -> None:
    surface = parse_surface(text)
    x, y = np.array([undefined_point[0], 0.5]), np.array([undefined_point[1], 0.5])
    values = np.array([surface.f(x, y), *surface.grad(x, y)])  # (3, 2): f, df/dx, df/dy at both points
    assert not np.all(np.isfinite(values[:, 0]))
    assert np.all(np.isfinite(values[:, 1]))


def test_suggested_minima_domain_and_start_for_a_bowl() -> None:
    surface = parse_surface("(x - 1)^2 + 10*(y + 2)^2")
    assert surface.minima == ((1.0, -2.0),)
    assert surface.min_value == 0.0
    (x_min, x_max), (y_min, y_max) = surface.domain
    assert x_min < 1 < x_max and y_min < -2 < y_max
    x, y = surface.start
    assert x_min < x < x_max and y_min < y < y_max
    gradient = np.array([float(g) for g in surface.grad(x, y)])
    assert np.all(np.isfinite(gradient)) and np.any(gradient != 0)


def test_himmelblau_typed_finds_all_four_minima() -> None:
    surface = parse_surface("(x^2 + y - 11)^2 + (x + y^2 - 7)^2")
    assert len(surface.minima) == 4
    for point in surface.minima:
        assert float(surface.f(*point)) == pytest.approx(0.0, abs=1e-12)


def test_no_minimum_gives_empty_minima_and_the_default_box() -> None:
    surface = parse_surface("x^2 - y^2")
    assert surface.minima == () and surface.min_value is None
    assert surface.domain == ((-3.0, 3.0), (-3.0, 3.0))


def test_start_on_undefined_region_is_avoided() -> None:
    surface = parse_surface("log(x) + y^2")
    assert surface.start[0] > 0
    assert math.isfinite(float(surface.f(*surface.start)))


def test_domain_and_start_can_be_overridden() -> None:
    surface = parse_surface("log(x) + y^2", domain=((0.1, 4), (-2, 2)), start=(3, 1))
    assert surface.domain == ((0.1, 4.0), (-2.0, 2.0))
    assert surface.start == (3.0, 1.0)


@pytest.mark.parametrize(
    ("domain", "start"),
    [(((1, 0), (0, 1)), None), ((("a", 1), (0, 1)), None), (((0, 1), (0, 1)), (5, 5)), (None, ("x", 1))],
)
def test_bad_overrides_are_refused_with_a_message(domain: object, start: object) -> None:
    with pytest.raises(SurfaceError):
        parse_surface("x^2 + y^2", domain=domain, start=start)


def test_start_outside_the_suggested_box_grows_the_box() -> None:
    surface = parse_surface("x^2 + y^2", start=(7, -8))
    (x_min, x_max), (y_min, y_max) = surface.domain
    assert x_min < 7 < x_max and y_min < -8 < y_max


def test_name_is_the_text_tidied() -> None:
    assert parse_surface("  x^2   +  y^2 ").name == "x^2 + y^2"


def test_results_are_cached() -> None:
    assert parse_surface("x^2 + 3*y^2") is parse_surface("x^2 + 3*y^2")


def test_worker_that_overruns_is_killed() -> None:
    worker = TimeLimitedWorker()
    try:
        worker.start()
        first_pid = worker.pid
        started = time.monotonic()
        with pytest.raises(WorkerTimeout):
            worker.call(time.sleep, (30,), time_limit=0.5)
        assert time.monotonic() - started < 10  # it did not wait for the sleep to finish
        assert not worker.is_alive()
        assert worker.call(sum, ((1, 2, 3),), time_limit=30) == 6  # a fresh worker takes over
        assert worker.pid != first_pid and worker.starts == 2
    finally:
        worker.stop()


def test_worker_that_burns_cpu_past_its_budget_is_killed() -> None:
    worker = TimeLimitedWorker()
    try:
        with pytest.raises(WorkerTimeout):
            worker.call(sum, (range(10**12),), time_limit=0.3)
        assert not worker.is_alive()
    finally:
        worker.stop()


def test_worker_returns_the_jobs_exception() -> None:
    worker = TimeLimitedWorker()
    try:
        with pytest.raises(ZeroDivisionError):
            worker.call(divmod, (1, 0), time_limit=30)
        assert worker.is_alive()  # an exception is an answer, not a crash
    finally:
        worker.stop()


def test_analysis_past_the_time_limit_becomes_a_surface_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parser_module, "TIME_LIMIT", 1e-4)
    parser_module._parse_cached.cache_clear()
    try:
        with pytest.raises(SurfaceError, match="too long"):
            parse_surface("(x^2 + y - 11)^2 + (x + y^2 - 7)^2 + sin(x*y)")
    finally:
        parser_module._parse_cached.cache_clear()


def test_surface_error_keeps_its_column_through_pickle() -> None:
    import pickle

    error = pickle.loads(pickle.dumps(SurfaceError("unknown name 'z' at column 5", 5)))
    assert isinstance(error, SurfaceError) and error.column == 5 and "column 5" in str(error)
