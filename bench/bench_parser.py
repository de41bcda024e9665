"""Costs of typed functions: worker start-up, and parse of a typical and of the largest accepted input.

Run: .venv/bin/python bench/bench_parser.py      (prints figures; not part of the test suite)
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from surfaces import parse_surface
from surfaces import parser as parser_module
from surfaces.expression import MAX_LENGTH, build_expression
from surfaces.landscape import analyse
from surfaces.sandbox import TimeLimitedWorker

TYPICAL = "(1 - x)^2 + 100*(y - x^2)^2"
# Goldstein–Price in full: about the largest formula a teacher types (under MAX_LENGTH characters).
LARGE = "(1+(x+y+1)^2*(19-14*x+3*x^2-14*y+6*x*y+3*y^2))*(30+(2*x-3*y)^2*(18-32*x+12*x^2+48*y-36*x*y+27*y^2))"
# Near the node bound (about 150), with nested powers and most functions: the largest accepted kind.
STRESS = (
    "((sin(x*y)^3+cos(x-y)^3)^3+exp(-(x^2+y^2))^3)^3*atan2(y,x+9)+sqrt(x^2+y^2+1)^7*log(2+x^2)^5"
    "+tanh(x^3-y^3)^9*acosh(3+y^2)^4+asinh(x*y)^6/(1+abs(x)+abs(y))^5+atanh(x/(10+y^2))^10"
    "*log10(3+x^4)^2*log2(5+y^4)^3"
)


def _median_ms(function, repeats: int = 5) -> float:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    assert len(STRESS) <= MAX_LENGTH and len(LARGE) <= MAX_LENGTH
    worker = TimeLimitedWorker()
    started = time.perf_counter()
    worker.start()
    print(f"worker start-up (spawn, import sympy+numpy, warm-up job): {time.perf_counter() - started:.2f} s")
    worker.stop()

    parser_module.warm_up()
    for label, text in (("typical", TYPICAL), ("large (Goldstein–Price)", LARGE), ("stress", STRESS)):
        print(f"\n{label}: {len(text)} characters")
        print(
            f"  build expression (in process)        {_median_ms(lambda t=text: build_expression(t)):8.1f} ms"
        )
        print(f"  full analysis (in process)           {_median_ms(lambda t=text: analyse(t)):8.1f} ms")

        def uncached(t: str = text) -> None:
            parser_module._parse_cached.cache_clear()
            parse_surface(t)

        print(f"  parse_surface via the worker         {_median_ms(uncached):8.1f} ms")
        surface = parse_surface(text)
        started = time.perf_counter()
        surface.grad(0.5, 0.5)
        print(f"  first grad in the app (lambdify)     {(time.perf_counter() - started) * 1000:8.1f} ms")
        cached_us = _median_ms(lambda t=text: parse_surface(t)) * 1000
        print(f"  cached parse_surface                 {cached_us:8.1f} µs")


if __name__ == "__main__":
    main()
