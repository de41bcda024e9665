"""Whole setups loaded in one click: the AdaBelief paper's Fig. 3 cases and a few classic lessons.

The paper's authors never published their toy scripts; these use the public reproduction's settings
(DESIGN.md): lr = 1e-3 for every optimizer, SGD momentum 0.9, AdaBelief with rectify off, the listed
starts. The paper says AdaBelief reaches the optimum first in every case; a preset shows what these
settings actually do, and its note never claims more than the table below the chart shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from ui.run_settings import RunSettings, with_lr


@dataclass(frozen=True)
class Preset:
    key: str
    title: str
    surface: str
    runs: tuple[RunSettings, ...]
    start: tuple[float, float]
    steps: int
    noise: float = 0.0
    seed: int = 0
    view: str = "map"
    note: str = ""


def _paper_runs(beta: float | None = None) -> tuple[RunSettings, ...]:
    """SGD, SGD + momentum 0.9, Adam and AdaBelief (rectify off), all at lr = 1e-3."""
    betas = {} if beta is None else {"beta1": beta, "beta2": beta}
    return (
        with_lr("sgd", 1e-3),
        with_lr("momentum", 1e-3, momentum=0.9),
        with_lr("adam", 1e-3, **betas),
        with_lr("adabelief", 1e-3, rectify=False, **betas),
    )


_PAPER_NOTE = "The paper's Fig. 3 ({case}) with the public reproduction's settings (lr = 1e-3 for all). "

PRESETS: dict[str, Preset] = {
    preset.key: preset
    for preset in (
        Preset(
            "fig3a",
            "Fig. 3(a): |x| + |y|",
            "abs",
            _paper_runs(),
            (-2.5, 0.5),
            3000,
            note=_PAPER_NOTE.format(case="a")
            + "The start is moved off the kink y = 0 of the reproduction's (−2.5, 0): there sign(0) = 0 "
            "and no optimizer would ever move along y.",
        ),
        Preset(
            "fig3b",
            "Fig. 3(b): |x + y| + |x − y|/10",
            "rotated_abs",
            _paper_runs(),
            (2.5, 0.0),
            3000,
            note=_PAPER_NOTE.format(case="b"),
        ),
        Preset(
            "fig3c",
            "Fig. 3(c): (x + y)² + (x − y)²/10",
            "rotated_quadratic",
            _paper_runs(),
            (2.5, 0.0),
            3000,
            note=_PAPER_NOTE.format(case="c"),
        ),
        Preset(
            "fig3d",
            "Fig. 3(d): |x|/10 + |y|, β1 = β2 = 0.3",
            "scaled_abs",
            _paper_runs(beta=0.3),
            (0.5, -1.5),
            3000,
            note=_PAPER_NOTE.format(case="d") + "Adam and AdaBelief use β1 = β2 = 0.3.",
        ),
        Preset(
            "fig3e",
            "Fig. 3(e): Beale",
            "beale",
            _paper_runs(),
            (-2.5, -2.5),
            5000,
            note=_PAPER_NOTE.format(case="e"),
        ),
        Preset(
            "fig3f",
            "Fig. 3(f): Beale in 3D",
            "beale",
            _paper_runs(),
            (-2.5, -2.5),
            5000,
            view="3d",
            note=_PAPER_NOTE.format(case="f") + "The same runs as (e), seen on the surface.",
        ),
        Preset(
            "fig3g",
            "Fig. 3(g): Rosenbrock",
            "rosenbrock",
            _paper_runs(),
            (-2.5, -2.5),
            5000,
            note=_PAPER_NOTE.format(case="g"),
        ),
        Preset(
            "fig3h",
            "Fig. 3(h): Rosenbrock in 3D",
            "rosenbrock",
            _paper_runs(),
            (-2.5, -2.5),
            5000,
            view="3d",
            note=_PAPER_NOTE.format(case="h") + "The same runs as (g), seen on the surface.",
        ),
        Preset(
            "bowl",
            "Ill-conditioned bowl",
            "ill_conditioned_bowl",
            (
                with_lr("sgd", 0.035),
                with_lr("momentum", 0.01, momentum=0.9),
                with_lr("adam", 0.1),
                with_lr("adabelief", 0.1),
            ),
            (-2.5, 1.0),
            300,
            note=(
                "f = x² + 25y²: the curvature along y is 25 times that along x. SGD at lr 0.035 is close to "
                "its stability limit 2/50 on y, so it zigzags across the valley while crawling along x; "
                "momentum and the adaptive methods rescale the two directions."
            ),
        ),
        Preset(
            "saddle",
            "Saddle x² − y²",
            "saddle",
            (with_lr("sgd", 0.01), with_lr("adam", 0.01), with_lr("adabelief", 0.01)),
            (-1.5, 0.01),
            500,
            note=(
                "f = x² − y² has no minimum: starting just off the ridge y = 0, every optimizer ends up "
                "sliding away along y. Compare how fast each one notices the tiny y gradient and escapes "
                "(the loss column of the table). With no minimum there is no distance curve."
            ),
        ),
        Preset(
            "rosenbrock_valley",
            "Rosenbrock valley",
            "rosenbrock",
            (
                with_lr("sgd", 1e-3),
                with_lr("momentum", 2e-4, momentum=0.9),
                with_lr("adam", 0.02),
                with_lr("adabelief", 0.02),
            ),
            (-1.5, 2.0),
            3000,
            note=(
                "The minimum (1, 1) lies at the end of a long, flat, curved valley: reaching the valley "
                "is easy, following it is the hard part."
            ),
        ),
        Preset(
            "noisy_abs",
            "Noisy |x| + |y|",
            "abs",
            (with_lr("sgd", 0.01), with_lr("adam", 0.01), with_lr("adabelief", 0.01)),
            (-2.5, 0.5),
            1000,
            noise=0.5,
            seed=0,
            note=(
                "|x| + |y| with Gaussian noise of σ = 0.5 added to every gradient component (the same noise "
                "for every run). How much does each optimizer jitter around the minimum?"
            ),
        ),
    )
}
