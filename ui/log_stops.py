"""The stops of the log-scale sliders (a run's lr and ε), and the stops around a value.

The lr slider offers 1-2-5 stops per decade between `limits.LR_MIN` and `limits.LR_MAX`; a key press
moves it one stop. ε is offered in powers of ten.
"""

from __future__ import annotations

import math

from ui import limits


def one_two_five(low: float, high: float) -> list[float]:
    """1, 2 and 5 times every power of ten within [low, high], ascending."""
    values = []
    for exponent in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1):
        for mantissa in (1, 2, 5):
            value = float(f"{mantissa}e{exponent}")
            if low <= value <= high:
                values.append(value)
    return values


LR_STOPS = one_two_five(limits.LR_MIN, limits.LR_MAX)
EPS_STOPS = [float(f"1e{e}") for e in range(-20, 1)]


def nearest_stop(value: float, stops: list[float]) -> float:
    """The stop closest to `value` on a log scale."""
    if not value > 0:
        return stops[0]
    return min(stops, key=lambda stop: abs(math.log10(stop) - math.log10(value)))


def stops_around(value: float, stops: list[float], reach: int) -> list[float]:
    """The stops a slider showing `value` reaches in 1..`reach` key presses either way, nearest first.

    The slider shows the stop nearest `value` (a typed value between stops included); `value` itself is
    never among them.
    """
    shown = nearest_stop(value, stops)
    here = stops.index(shown)
    around = []
    for distance in range(1, reach + 1):
        around += [stops[i] for i in (here - distance, here + distance) if 0 <= i < len(stops)]
    if shown != value:
        around.insert(0, stops[here])  # a typed value: the slider's own stop is one drag away
    return [stop for stop in around if stop != value]
