"""The `Surface`: one 2D test function, symbolic and compiled.

A surface is a sympy expression f(x, y) in the real symbols `X`, `Y` plus what a teacher needs around
it (a plotting box, the known minima, a start, a note). The numeric callables are compiled from the
expression object (never from a string) with `sympy.lambdify`, once per surface, on first use:

    f(x, y)     -> array            the value, NaN where f is undefined (log of a negative, 1/0, ...)
    grad(x, y)  -> (df/dx, df/dy)   from sympy differentiation, broadcast to the shape of x and y

`torch_f` and `torch_grad` are the same callables compiled for torch tensors, imported only when used.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import sympy as sp

# Real symbols: with plain symbols diff(Abs(x)) is an expression in re/im instead of sign(x).
X, Y = sp.symbols("x y", real=True)

Point = tuple[float, float]
Box = tuple[tuple[float, float], tuple[float, float]]  # ((x_min, x_max), (y_min, y_max))


def _broadcast_numpy(fn: Callable[..., Any]) -> Callable[..., np.ndarray]:
    """Wrap a lambdified numpy function: float64 in, float64 array of the broadcast shape out.

    Undefined points become NaN (and +-inf stays inf) without warnings: the engine and the contour
    plot read non-finite values as "outside the function's domain".
    """

    def call(x: Any, y: Any) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        with np.errstate(all="ignore"):
            out = np.asarray(fn(x, y), dtype=np.float64)
        shape = np.broadcast_shapes(x.shape, y.shape)
        if out.shape != shape:
            out = np.broadcast_to(out, shape).copy()
        return out

    return call


def _constants_as_floats(expr: sp.Expr) -> sp.Expr:
    """Replace constant sub-expressions such as log(10) or sqrt(2) by their float64 value.

    The torch printer writes them as torch.log(10), which torch refuses (it wants a tensor); numpy does
    not need this. A constant with no real value (acos(2)) becomes NaN, as numpy would compute it.
    """
    if expr.is_Atom:
        return expr
    if not expr.free_symbols:
        value = complex(expr.evalf(17))
        return sp.Float(value.real) if value.imag == 0 and value == value else sp.nan
    return expr.func(*(_constants_as_floats(argument) for argument in expr.args))


def _broadcast_torch(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The torch twin of `_broadcast_numpy`: tensors in, a tensor of the broadcast shape out."""
    import torch

    def call(x: Any, y: Any) -> Any:
        out = fn(x, y)
        shape = torch.broadcast_shapes(x.shape, y.shape)
        if not isinstance(out, torch.Tensor):
            dtype = x.dtype if isinstance(x, torch.Tensor) else torch.float64
            device = x.device if isinstance(x, torch.Tensor) else None
            return torch.full(shape, float(out), dtype=dtype, device=device)
        if out.shape != shape:
            out = out.expand(shape).clone()
        return out

    return call


@dataclass(frozen=True, eq=False)
class Surface:
    """A 2D test function f(x, y) with its teaching metadata and compiled callables.

    Attributes:
        key: identifier used in URLs and `get_surface` (for typed functions: "custom").
        name: display name.
        expr: the sympy expression in `X`, `Y` (declared real).
        domain: plotting box ((x_min, x_max), (y_min, y_max)).
        minima: the known global minimisers (may be empty when unknown).
        min_value: f at the global minima (None when unknown).
        start: default start point for runs.
        note: a short teaching note.
    """

    key: str
    name: str
    expr: sp.Expr
    domain: Box
    minima: tuple[Point, ...] = ()
    min_value: float | None = None
    start: Point = (0.0, 0.0)
    note: str = ""
    source: str = field(default="", compare=False)  # the text a typed function came from

    # -- symbolic ---------------------------------------------------------------------------
    @cached_property
    def latex(self) -> str:
        """LaTeX of the expression, exactly as `sympy.latex` writes it."""
        return sp.latex(self.expr)

    @cached_property
    def gradient_exprs(self) -> tuple[sp.Expr, sp.Expr]:
        """(df/dx, df/dy) by sympy differentiation."""
        return sp.diff(self.expr, X), sp.diff(self.expr, Y)

    # -- numpy ------------------------------------------------------------------------------
    @cached_property
    def _numpy_f(self) -> Callable[..., np.ndarray]:
        return _broadcast_numpy(sp.lambdify((X, Y), self.expr, modules="numpy", cse=True))

    @cached_property
    def _raw_numpy_grad(self) -> tuple[Callable[..., Any], Callable[..., Any]]:
        dx, dy = self.gradient_exprs
        return (
            sp.lambdify((X, Y), dx, modules="numpy", cse=True),
            sp.lambdify((X, Y), dy, modules="numpy", cse=True),
        )

    @cached_property
    def _numpy_grad(self) -> tuple[Callable[..., np.ndarray], Callable[..., np.ndarray]]:
        dx, dy = self._raw_numpy_grad
        return _broadcast_numpy(dx), _broadcast_numpy(dy)

    def f(self, x: Any, y: Any) -> np.ndarray:
        """f(x, y) on numpy arrays (broadcasting), NaN where undefined."""
        return self._numpy_f(x, y)

    def grad(self, x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
        """(df/dx, df/dy) on numpy arrays (broadcasting), NaN where undefined."""
        dx, dy = self._numpy_grad
        return dx(x, y), dy(x, y)

    # -- torch ------------------------------------------------------------------------------
    @cached_property
    def _torch_f(self) -> Callable[..., Any]:
        torch_expr = _constants_as_floats(self.expr)
        return _broadcast_torch(sp.lambdify((X, Y), torch_expr, modules="torch", cse=True))

    @cached_property
    def _raw_torch_grad(self) -> tuple[Callable[..., Any], Callable[..., Any]]:
        dx, dy = (_constants_as_floats(part) for part in self.gradient_exprs)
        return (
            sp.lambdify((X, Y), dx, modules="torch", cse=True),
            sp.lambdify((X, Y), dy, modules="torch", cse=True),
        )

    @cached_property
    def _torch_grad(self) -> tuple[Callable[..., Any], Callable[..., Any]]:
        dx, dy = self._raw_torch_grad
        return _broadcast_torch(dx), _broadcast_torch(dy)

    def torch_f(self, x: Any, y: Any) -> Any:
        """f(x, y) on torch tensors."""
        return self._torch_f(x, y)

    def torch_grad(self, x: Any, y: Any) -> tuple[Any, Any]:
        """(df/dx, df/dy) on torch tensors."""
        dx, dy = self._torch_grad
        return dx(x, y), dy(x, y)

    def gradient_function(self, backend: str = "numpy") -> Callable[[Any, Any], tuple[Any, Any]]:
        """A plain function (x, y) -> (df/dx, df/dy) for "numpy" or "torch", for the engine's inner loop.

        It takes x and y of one shape (the engine's rows) and skips the conversions and broadcasting
        checks of `grad` (a constant partial derivative is still broadcast); the caller silences
        floating-point warnings once for the whole loop. The compiled callables are bound now, so
        nothing in it needs an attribute look-up, and torch.compile can trace it (cached_property takes
        a lock).
        """
        if backend == "torch":
            raw = tuple(
                sp.lambdify((X, Y), _constants_as_floats(part), modules="torch", cse=True)
                for part in self.gradient_exprs
            )
            tensor_type = __import__("torch").Tensor

            def full(value: Any, like: Any) -> Any:
                if isinstance(value, tensor_type) and value.shape == like.shape:
                    return value
                return like * 0 + value

        else:
            raw = self._raw_numpy_grad

            def full(value: Any, like: Any) -> Any:
                if type(value) is np.ndarray and value.shape == like.shape:
                    return value
                return np.full(like.shape, value, dtype=like.dtype)

        dx, dy = raw

        def gradient(x: Any, y: Any) -> tuple[Any, Any]:
            return full(dx(x, y), x), full(dy(x, y), x)

        return gradient

    # -- minima -----------------------------------------------------------------------------
    def distance_to_nearest_minimum(self, xy: Any) -> np.ndarray:
        """Euclidean distance from each point of `xy` (..., 2) to the nearest known minimum.

        NaN everywhere when the surface lists no minima.
        """
        xy = np.asarray(xy, dtype=np.float64)
        if not self.minima:
            return np.full(xy.shape[:-1], np.nan)
        minima = np.asarray(self.minima, dtype=np.float64)  # (k, 2)
        diff = xy[..., None, :] - minima  # (..., k, 2)
        with np.errstate(all="ignore"):
            return np.sqrt((diff**2).sum(-1)).min(-1)

    def __repr__(self) -> str:
        return f"Surface({self.key!r}, {self.expr})"
