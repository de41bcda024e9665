"""Property-based fuzzing: random text and random well-formed formulas give a Surface or SurfaceError.

Each call is measured and must finish within a second (a bound on the worst case, not a timing goal).
Example counts stay small so the file runs in well under a minute on two shared cores.
"""

from __future__ import annotations

import contextlib
import time

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surfaces import FUNCTIONS, Surface, SurfaceError, parse_surface, warm_up
from surfaces.expression import build_expression

BOUND_SECONDS = 1.0
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def setup_module() -> None:
    warm_up()  # the worker's one-time start-up (importing sympy) is not what the bound is about


def _outcome(text: str) -> Surface | SurfaceError:
    started = time.perf_counter()
    try:
        result: Surface | SurfaceError = parse_surface(text)
    except SurfaceError as error:
        result = error
    elapsed = time.perf_counter() - started
    assert elapsed < BOUND_SECONDS, f"{text!r} took {elapsed:.2f} s"
    return result


formula_alphabet = st.sampled_from([*"xy0123456789+-*/^()., e", "pi", "sin(", "log(", "sqrt(", "**"])


@FUZZ
@given(st.text(max_size=60))
def test_random_text_gives_a_surface_or_a_surface_error(text: str) -> None:
    assert isinstance(_outcome(text), Surface | SurfaceError)


@FUZZ
@given(st.lists(formula_alphabet, max_size=25).map("".join))
def test_random_formula_like_text_gives_a_surface_or_a_surface_error(text: str) -> None:
    assert isinstance(_outcome(text), Surface | SurfaceError)


leaves = st.one_of(
    st.sampled_from(["x", "y", "pi", "e"]),
    st.integers(0, 1000).map(str),
    st.floats(0, 1e6, allow_nan=False).map(lambda value: f"{value:g}"),
)
formulas: st.SearchStrategy[str] = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "^", "**"]), inner).map(
            lambda parts: f"({parts[0]} {parts[1]} {parts[2]})"
        ),
        inner.map(lambda operand: f"-{operand}"),
        st.sampled_from(sorted(FUNCTIONS)).flatmap(
            lambda name: st.lists(inner, min_size=FUNCTIONS[name][0], max_size=FUNCTIONS[name][0]).map(
                lambda arguments, name=name: f"{name}({', '.join(arguments)})"
            )
        ),
    ),
    max_leaves=12,
)


@FUZZ
@given(formulas)
def test_random_well_formed_formulas_give_a_surface_or_a_surface_error(text: str) -> None:
    outcome = _outcome(text)
    if isinstance(outcome, Surface):
        gradient = outcome.grad(np.array(outcome.start[0]), np.array(outcome.start[1]))
        assert len(gradient) == 2  # callables exist and run, even if the value is NaN
        assert outcome.latex


@settings(max_examples=40, deadline=None)
@given(formulas)
def test_building_a_well_formed_formula_never_raises_anything_but_surface_error(text: str) -> None:
    with contextlib.suppress(SurfaceError):
        build_expression(text)
