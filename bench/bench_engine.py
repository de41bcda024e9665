"""Throughput of the batched engine against the way peers run optimizers: a torch.optim loop per path.

    .venv/bin/python bench/bench_engine.py [--batch 16384] [--steps 1000] [--no-fused] [--torch-threads 1]

Prints nanoseconds per point-step (one optimizer step of one run) for Adam on Rosenbrock:
- the reference: torch.optim.Adam stepping one trajectory at a time with autograd (measured here);
- `run` (every per-step state recorded) on the numpy and torch backends; `run` records θ, g and the
  optimizer state and recomputes update, m, v, denom and step size when first read, so a second row
  times the run plus reading all of those;
- `sweep` (outcome only) on numpy, torch, and torch with fused (torch.compile'd) chunks of steps;
and each one's speed-up over the reference. Timing is wall-clock and noisy on a shared machine: the load
average is printed with the figures.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from optim_core import Adam, run, sweep
from surfaces import get_surface


def reference_ns_per_step(surface, paths: int, steps: int) -> float:
    """torch.optim.Adam with autograd, one trajectory at a time (as the peers' tools do)."""
    import torch

    rng = np.random.default_rng(1)
    elapsed = 0.0
    for _ in range(paths):
        start = (rng.uniform(-2, 2), rng.uniform(-1, 3))
        param = torch.tensor(start, dtype=torch.float64, requires_grad=True)
        optimizer = torch.optim.Adam([param], lr=1e-3)
        began = time.perf_counter()
        for _ in range(steps):
            optimizer.zero_grad()
            loss = surface.torch_f(param[0], param[1])
            loss.backward()
            optimizer.step()
        elapsed += time.perf_counter() - began
    return elapsed / (paths * steps) * 1e9


def timed(label: str, function, point_steps: int, reference: float, repeats: int = 2) -> float:
    """Best of `repeats` runs (the first also pays for first-touch memory): ns per point-step."""
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - began)
        del result
    ns = min(times) / point_steps * 1e9
    print(
        f"{label:<46} {ns:10.2f} ns/point-step   {reference / ns:10,.0f}x   "
        f"(runs: {', '.join(f'{t:.3f}' for t in times)} s)"
    )
    return ns


def read_everything(trajectory):
    """Read every per-step field the app plots (the recomputed ones are computed here)."""
    for name in ("xy", "loss", "grad", "update", "m", "second_moment", "denom", "step_size"):
        getattr(trajectory, name)
    return trajectory


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--batch", type=int, default=16_384)
    parser.add_argument("--steps", type=int, default=1_000)
    parser.add_argument("--reference-paths", type=int, default=5)
    parser.add_argument("--no-fused", action="store_true", help="skip the torch.compile'd paths")
    parser.add_argument(
        "--torch-threads", type=int, default=1, help="torch intra-op threads (1: as the app runs it)"
    )
    args = parser.parse_args()

    import torch

    torch.set_num_threads(args.torch_threads)

    surface = get_surface("rosenbrock")
    rng = np.random.default_rng(0)
    starts = np.column_stack([rng.uniform(-2, 2, args.batch), rng.uniform(-1, 3, args.batch)])
    point_steps = args.batch * args.steps
    spec = Adam(lr=1e-3)
    print(f"Adam on Rosenbrock, {args.batch:,} starts x {args.steps:,} steps, float64")
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, cpus {os.cpu_count()}, ", end="")
    print(f"load average {os.getloadavg()[0]:.2f}")

    run(surface, spec, starts[:8], 10)  # compile the surface's callables once
    run(surface, spec, starts[:8], 10, backend="torch")
    reference = reference_ns_per_step(surface, args.reference_paths, args.steps)
    print(f"{'reference: torch.optim.Adam loop per path':<46} {reference:10.0f} ns/point-step")

    timed(
        "run, numpy (every step recorded)",
        lambda: run(surface, spec, starts, args.steps),
        point_steps,
        reference,
    )
    timed(
        "run, numpy, then every recomputed field read",
        lambda: read_everything(run(surface, spec, starts, args.steps)),
        point_steps,
        reference,
    )
    timed(
        "run, torch cpu (every step recorded)",
        lambda: run(surface, spec, starts, args.steps, backend="torch"),
        point_steps,
        reference,
    )
    timed(
        "sweep, numpy (outcome only)",
        lambda: sweep(surface, spec, starts, args.steps),
        point_steps,
        reference,
    )
    timed(
        "sweep, torch cpu (outcome only)",
        lambda: sweep(surface, spec, starts, args.steps, backend="torch"),
        point_steps,
        reference,
    )
    if not args.no_fused:
        for name, function in (("run", run), ("sweep", sweep)):
            began = time.perf_counter()
            function(
                surface, spec, starts, 20, backend="torch", fused=True
            )  # same shapes: no recompile later
            label = f"  (torch.compile of the fused {name} chunk, once)"
            print(f"{label:<46} {time.perf_counter() - began:10.1f} s")
            timed(
                f"{name}, torch cpu fused"
                + (" (every step recorded)" if name == "run" else " (outcome only)"),
                lambda function=function: function(
                    surface, spec, starts, args.steps, backend="torch", fused=True
                ),
                point_steps,
                reference,
            )
            if name == "run":
                timed(
                    "run, torch cpu fused, then every field read",
                    lambda: read_everything(
                        run(surface, spec, starts, args.steps, backend="torch", fused=True)
                    ),
                    point_steps,
                    reference,
                )
    if torch.cuda.is_available():
        for fused in (False, True):
            label = "sweep, torch cuda" + (" fused" if fused else "")
            timed(
                label,
                lambda fused=fused: sweep(
                    surface, spec, starts, args.steps, backend="torch", device="cuda", fused=fused
                ),
                point_steps,
                reference,
            )
        timed(
            "run, torch cuda (every step recorded)",
            lambda: run(surface, spec, starts, args.steps, backend="torch", device="cuda"),
            point_steps,
            reference,
        )


if __name__ == "__main__":
    main()
