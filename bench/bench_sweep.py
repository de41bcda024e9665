"""Time of the sweeps page's reference grid: 128 × 128 lr × β2 for Adam, 500 steps on Rosenbrock.

Target (issue 5): under 2 s on the 2-core development machine. Prints, for the numpy and torch backends,
one `sweep` call over all 16,384 runs and the page's path (`hyperparameter_grid`: row chunks, as the page
runs them with a progress bar). Each figure is the best of `REPEATS` runs, after one warm-up run that
compiles the surface's gradient and, for torch, imports it. Run: `make bench` or
`PYTHONPATH=. .venv/bin/python bench/bench_sweep.py`.
"""

from __future__ import annotations

import os
import time

import numpy as np

from optim_core import Adam, sweep
from optim_core.grids import HyperparameterGridSpec, SweepSettings, hyperparameter_grid
from surfaces import get_surface

RESOLUTION = 128
STEPS = 500
REPEATS = 3
TARGET_S = 2.0


def best_time(action) -> float:
    action()  # warm-up: compile the gradient, import torch, fill caches
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    surface = get_surface("rosenbrock")
    spec = HyperparameterGridSpec(
        "adam", "beta2", (1e-4, 1.0), (0.5, 0.9999), RESOLUTION, RESOLUTION, tuple(surface.start)
    )
    lr_grid, beta2_grid = np.meshgrid(spec.lr_values(), spec.y_values())
    optimizer = Adam(lr=lr_grid.ravel(), betas=(0.9, beta2_grid.ravel()))
    runs = RESOLUTION * RESOLUTION
    print(
        f"{RESOLUTION} x {RESOLUTION} lr x beta2 sweep, Adam, {STEPS} steps on Rosenbrock "
        f"({runs:,} runs, {runs * STEPS:,} run-steps); {os.cpu_count()} CPUs; best of {REPEATS}"
    )
    backends = ["numpy"]
    try:
        import torch

        # As the sweeps page does: one intra-op thread (two spin-wait on each other on a shared machine).
        torch.set_num_threads(1)

        backends.append("torch")
    except ImportError:
        print("torch is not installed: numpy only")
    for backend in backends:
        device = "auto" if backend == "torch" else None
        whole = best_time(
            lambda backend=backend, device=device: sweep(
                surface, optimizer, surface.start, STEPS, tol=1e-2, backend=backend, device=device
            )
        )
        settings = SweepSettings(steps=STEPS, tol=1e-2, backend=backend, device=device)
        page = best_time(lambda settings=settings: hyperparameter_grid(surface, spec, settings))
        device_used = sweep(surface, Adam(lr=1e-3), surface.start, 1, backend=backend, device=device).device
        for label, seconds in (("one sweep call", whole), ("page path (row chunks)", page)):
            verdict = "meets" if seconds < TARGET_S else "MISSES"
            per_run_step = seconds / (runs * STEPS) * 1e9
            print(
                f"  {backend:5s} on {device_used:4s} {label:24s} {seconds:6.2f} s  "
                f"({per_run_step:5.1f} ns per run-step; {verdict} the {TARGET_S:g} s target)"
            )


if __name__ == "__main__":
    main()
