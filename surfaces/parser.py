"""Typed functions: `parse_surface("x^2 + 10*y^2")` gives a Surface like the catalog's, or SurfaceError.

The text is untrusted (it comes from a browser). It is never evaluated: surfaces/expression.py reads it
against an allow-list and builds the sympy expression itself; surfaces/landscape.py differentiates it,
finds its minima, and suggests a plotting box and a start. All that sympy work runs in a warm worker
process with a hard time limit (surfaces/sandbox.py), so even an input no bound foresaw cannot stall
the server: the worker is killed and the student reads "this function takes too long to analyse".

    surface = parse_surface("(1 - x)^2 + 100*(y - x^2)^2")
    surface.latex, surface.minima, surface.domain, surface.start
    surface.f(x, y), surface.grad(x, y)           # NaN where undefined (log of a negative, 1/0, ...)

    parse_surface("log(x) + y^2", domain=((0.1, 4), (-2, 2)), start=(3, 1))   # override both

Results are cached (bounded LRU) by the text, domain and start, so a rerun of the page is free.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from surfaces.errors import SurfaceError
from surfaces.expression import check_syntax, check_text
from surfaces.landscape import analyse
from surfaces.sandbox import TimeLimitedWorker, WorkerBusy, WorkerCrashed, WorkerTimeout
from surfaces.surface import Box, Point, Surface

TIME_LIMIT = 2.0  # seconds of worker time for one typed function (typical cost: tens of milliseconds)
CACHE_SIZE = 256

_worker = TimeLimitedWorker()


def warm_up() -> None:
    """Start the worker process now, so the first typed function does not wait for sympy to import."""
    _worker.start()


def _as_box(domain: Any) -> Box | None:
    if domain is None:
        return None
    try:
        (x_min, x_max), (y_min, y_max) = domain
        return ((float(x_min), float(x_max)), (float(y_min), float(y_max)))
    except (TypeError, ValueError):
        raise SurfaceError("the domain must be ((x_min, x_max), (y_min, y_max))") from None


def _as_point(start: Any) -> Point | None:
    if start is None:
        return None
    try:
        x, y = start
        return (float(x), float(y))
    except (TypeError, ValueError):
        raise SurfaceError("the start must be a point (x, y)") from None


def parse_surface(text: str, domain: Any = None, *, start: Any = None) -> Surface:
    """The Surface for a typed function f(x, y), or SurfaceError with a message a student understands.

    `domain` ((x_min, x_max), (y_min, y_max)) and `start` (x, y) override the suggested ones. The
    result has key "custom", `name` the text tidied, `source` the text as typed, and `minima` /
    `min_value` the lowest verified local minima found (empty / None when none is found).
    """
    text = check_text(text)
    check_syntax(text)  # cheap, in this process: most bad input never reaches the worker
    return _parse_cached(text.strip(), _as_box(domain), _as_point(start), text)


@lru_cache(maxsize=CACHE_SIZE)
def _parse_cached(text: str, domain: Box | None, start: Point | None, source: str) -> Surface:
    try:
        result = _worker.call(analyse, (text, domain, start), time_limit=TIME_LIMIT)
    except WorkerTimeout:
        raise SurfaceError("this function takes too long to analyse: try a simpler formula") from None
    except WorkerBusy:
        raise SurfaceError("the server is busy analysing other functions: try again in a moment") from None
    except WorkerCrashed:
        raise SurfaceError("this function is too large to analyse: try a simpler formula") from None
    except SurfaceError:
        raise
    except Exception:  # a sympy corner case we did not foresee: refuse, never show a traceback
        raise SurfaceError("this function could not be analysed: try writing it differently") from None
    return Surface(
        key="custom",
        name=" ".join(text.split()),
        expr=result["expr"],
        domain=result["domain"],
        minima=result["minima"],
        min_value=result["min_value"],
        start=result["start"],
        note="A function you typed.",
        source=source,
    )
