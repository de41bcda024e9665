"""The "sign descent" argument of the AdaBelief paper, measured on real runs.

Under low noise ((E g)² ≫ Var g) and after the bias of m_t has faded, Adam's update is

    Δθ ≈ −lr · E g / √((E g)² + Var g) ≈ −lr · sign(E g),

so in 2D it points at ±45° to the axes whatever the gradient's direction. AdaBelief divides by
√s_t, the spread of g_t around its prediction m_t; when the gradient noise has the same variance on both
axes, √s_x ≈ √s_y and the update keeps the direction of m_t ≈ E g: the gradient direction.

`direction_study` runs SGD, Adam and AdaBelief (the real rules, through `run`) and measures, at every
step, the angle between the update Δθ_t and the true descent direction −∇f(θ_{t−1}) (noise-free).
The default landscape is the tilted plane f = x + y/4: its gradient (1, 1/4) never changes, so
E g is known exactly and points 14° off the x axis, 31° away from the sign direction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from optim_core.engine import run
from optim_core.optimizers import SGD, AdaBelief, Adam, Optimizer

MAX_DEMO_STEPS = 2_000
OPTIMIZER_NAMES = ("sgd", "adam", "adabelief")


@cache
def tilted_plane():  # -> surfaces.Surface
    """f(x, y) = x + y/4: a constant gradient (1, 1/4), 14° from the x axis."""
    from surfaces import Surface, X, Y

    return Surface(
        key="tilted_plane",
        name="Tilted plane x + y/4",
        expr=X + Y / 4,
        domain=((-3.0, 1.0), (-1.5, 1.5)),
        start=(0.0, 0.0),
        note="A constant gradient: every step of gradient descent points the same way.",
    )


def demo_surfaces() -> dict[str, tuple[Any, tuple[float, float]]]:
    """Landscape key -> (surface, start) offered by the demo."""
    from surfaces import get_surface

    bowl = get_surface("ill_conditioned_bowl")
    return {"plane": (tilted_plane(), (0.0, 0.0)), "bowl": (bowl, tuple(bowl.start))}


def sign_descent_angle(surface: Any, point: tuple[float, float]) -> float:
    """Degrees between a pure sign step −sign(∇f) and −∇f at `point`: where sign descent points."""
    gx, gy = (float(v) for v in surface.grad(np.float64(point[0]), np.float64(point[1])))
    gradient = np.array([gx, gy])
    sign = np.sign(gradient)
    norms = float(np.linalg.norm(gradient) * np.linalg.norm(sign))
    if norms == 0:
        return math.nan
    return float(np.degrees(np.arccos(np.clip(gradient @ sign / norms, -1.0, 1.0))))


def descent_angles(surface: Any, xy: np.ndarray, update: np.ndarray) -> np.ndarray:
    """Angle in degrees between each update Δθ_t (steps, 2) and −∇f at the point before it (xy[:-1]).

    NaN where the update or the gradient is zero or undefined.
    """
    gx, gy = surface.grad(xy[:-1, 0], xy[:-1, 1])
    descent = -np.stack((gx, gy), axis=-1)
    with np.errstate(all="ignore"):
        norms = np.linalg.norm(descent, axis=-1) * np.linalg.norm(update, axis=-1)
        cosine = (descent * update).sum(-1) / norms
        angles = np.degrees(np.arccos(np.clip(cosine, -1.0, 1.0)))
    return np.where(norms > 0, angles, np.nan)


def direction_degrees(vectors: np.ndarray) -> np.ndarray:
    """The direction of each 2D vector, in degrees counter-clockwise from the +x axis."""
    return np.degrees(np.arctan2(vectors[..., 1], vectors[..., 0]))


@dataclass(frozen=True)
class DirectionStudy:
    """One optimizer's run in the demo."""

    optimizer: Optimizer
    xy: np.ndarray  # (steps + 1, 2)
    update: np.ndarray  # (steps, 2)
    angles: np.ndarray  # (steps,) degrees between Δθ_t and −∇f
    denom: np.ndarray  # (steps, 2)

    def median_angle(self, first: int, last: int | None = None) -> float:
        """Median angle over steps first+1 .. last (NaN when none is defined)."""
        window = self.angles[first:last]
        window = window[np.isfinite(window)]
        return float(np.median(window)) if window.size else math.nan


def demo_optimizers(lr: float, beta1: float = 0.9, beta2: float = 0.999) -> dict[str, Optimizer]:
    return {
        "sgd": SGD(lr=lr),
        "adam": Adam(lr=lr, betas=(beta1, beta2)),
        "adabelief": AdaBelief(lr=lr, betas=(beta1, beta2), rectify=False),
    }


def direction_study(
    landscape: str = "plane",
    lr: float = 1e-3,
    noise: float = 0.1,
    steps: int = 300,
    seed: int = 0,
    beta1: float = 0.9,
    beta2: float = 0.999,
) -> dict[str, DirectionStudy]:
    """Run SGD, Adam and AdaBelief with the same noisy gradients and measure each step's angle to −∇f."""
    surfaces = demo_surfaces()
    if landscape not in surfaces:
        raise ValueError(f"unknown landscape {landscape!r}; choose one of {', '.join(surfaces)}")
    if not (isinstance(steps, int | np.integer) and 1 <= steps <= MAX_DEMO_STEPS):
        raise ValueError(f"steps must be an integer from 1 to {MAX_DEMO_STEPS}")
    surface, start = surfaces[landscape]
    results = {}
    for name, optimizer in demo_optimizers(lr, beta1, beta2).items():
        trajectory = run(surface, optimizer, start, int(steps), noise=float(noise), seed=seed)
        results[name] = DirectionStudy(
            optimizer=optimizer,
            xy=trajectory.xy,
            update=trajectory.update,
            angles=descent_angles(surface, trajectory.xy, trajectory.update),
            denom=trajectory.denom,
        )
    return results
