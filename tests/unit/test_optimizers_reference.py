"""Every optimizer and variant against its reference implementation, step for step.

Two ways of feeding "the same gradients":
- open loop: a fixed random gradient sequence is handed to both (isolates the update rule);
- closed loop: both run on a surface, each evaluating the surface's gradient at its own position
  (torch gets `surface.torch_grad`, so only the rule differs); the paths must stay together.
References: torch.optim (SGD, Adam, RMSprop, Adagrad) and the official adabelief-pytorch 0.2.1.
"""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest
import torch
from adabelief_pytorch import AdaBelief as ReferenceAdaBelief

from optim_core import SGD, AdaBelief, Adagrad, Adam, RMSProp, run
from optim_core.backends import numpy_ops
from surfaces import get_surface


def reference_optimizer(spec, param):
    """The reference torch optimizer configured like `spec`."""
    if isinstance(spec, SGD):
        return torch.optim.SGD(
            [param], lr=spec.lr, momentum=spec.momentum, dampening=spec.dampening, nesterov=spec.nesterov
        )
    if isinstance(spec, Adam):
        return torch.optim.Adam([param], lr=spec.lr, betas=spec.betas, eps=spec.eps, amsgrad=spec.amsgrad)
    if isinstance(spec, RMSProp):
        return torch.optim.RMSprop(
            [param],
            lr=spec.lr,
            alpha=spec.alpha,
            eps=spec.eps,
            momentum=spec.momentum,
            centered=spec.centered,
        )
    if isinstance(spec, Adagrad):
        return torch.optim.Adagrad(
            [param],
            lr=spec.lr,
            lr_decay=spec.lr_decay,
            eps=spec.eps,
            initial_accumulator_value=spec.initial_accumulator_value,
        )
    if isinstance(spec, AdaBelief):
        with contextlib.redirect_stdout(io.StringIO()):  # the package prints a banner
            return ReferenceAdaBelief(
                [param],
                lr=spec.lr,
                betas=spec.betas,
                eps=spec.eps,
                weight_decay=0,
                amsgrad=spec.amsgrad,
                rectify=spec.rectify,
                degenerated_to_sgd=spec.degenerated_to_sgd,
                print_change_log=False,
            )
    raise AssertionError(spec)


VARIANTS = [
    SGD(lr=0.01),
    SGD(lr=0.01, momentum=0.9),
    SGD(lr=0.01, momentum=0.9, dampening=0.5),
    SGD(lr=0.01, momentum=0.9, nesterov=True),
    Adam(lr=0.01),
    Adam(lr=0.01, eps=1e-16),
    Adam(lr=0.01, amsgrad=True),
    Adam(lr=0.05, betas=(0.3, 0.3)),
    AdaBelief(lr=0.01),
    AdaBelief(lr=0.01, eps=1e-8),
    AdaBelief(lr=0.01, amsgrad=True),
    AdaBelief(lr=0.01, rectify=True),
    AdaBelief(lr=0.01, rectify=True, amsgrad=True),
    AdaBelief(lr=0.01, rectify=True, degenerated_to_sgd=False),
    AdaBelief(lr=0.01, rectify=True, betas=(0.9, 0.9)),
    AdaBelief(lr=0.05, betas=(0.3, 0.3)),
    RMSProp(lr=0.01),
    RMSProp(lr=0.01, centered=True),
    RMSProp(lr=0.01, momentum=0.9),
    RMSProp(lr=0.01, momentum=0.5, centered=True, alpha=0.9),
    Adagrad(lr=0.1),
    Adagrad(lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1),
]


def variant_id(spec) -> str:
    return repr(spec).replace(" ", "")


@pytest.mark.parametrize("spec", VARIANTS, ids=variant_id)
def test_same_gradient_sequence_gives_same_parameters(spec):
    steps = 300
    rng = np.random.default_rng(7)
    # A drifting mean plus noise exercises momentum, the moments and sign changes.
    gradients = rng.normal(size=(steps, 2)) + np.array([1.0, -0.5]) * np.sin(np.arange(steps) / 20)[:, None]
    start = np.array([0.7, -1.3])

    param = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    reference = reference_optimizer(spec, param)
    ops = numpy_ops()
    hp = spec.hyperparameters_on(ops)
    ours = start.reshape(2, 1).copy()
    state = spec.init_state(ours, ops)
    for t in range(1, steps + 1):
        param.grad = torch.tensor(gradients[t - 1], dtype=torch.float64)
        reference.step()
        state, record = spec.update(hp, state, gradients[t - 1].reshape(2, 1), t, ops)
        ours = ours + record.update
        np.testing.assert_allclose(
            ours[:, 0], param.detach().numpy(), rtol=1e-12, atol=1e-14, err_msg=f"t={t}"
        )


CLOSED_LOOP = [
    ("rosenbrock", (-1.5, 2.0), 1e-3),
    ("beale", (-2.5, -2.5), 1e-3),
    ("himmelblau", (0.5, -1.5), 1e-2),
    ("rotated_abs", (2.5, 0.3), 1e-2),
]


@pytest.mark.parametrize("surface_key,start,lr", CLOSED_LOOP)
@pytest.mark.parametrize(
    "make_spec",
    [
        lambda lr: SGD(lr=lr, momentum=0.9),
        lambda lr: SGD(lr=lr, momentum=0.9, nesterov=True),
        lambda lr: Adam(lr=lr),
        lambda lr: Adam(lr=lr, amsgrad=True),
        lambda lr: AdaBelief(lr=lr),
        lambda lr: AdaBelief(lr=lr, rectify=True),
        lambda lr: AdaBelief(lr=lr, amsgrad=True, eps=1e-8),
        lambda lr: RMSProp(lr=lr, centered=True),
        lambda lr: Adagrad(lr=10 * lr),
    ],
    ids=[
        "momentum",
        "nesterov",
        "adam",
        "amsgrad",
        "adabelief",
        "rectify",
        "adabelief-amsgrad",
        "rmsprop",
        "adagrad",
    ],
)
def test_paths_on_surfaces_match_reference(surface_key, start, lr, make_spec):
    spec = make_spec(lr)
    surface = get_surface(surface_key)
    steps = 300
    ours = run(surface, spec, start, steps)

    param = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    reference = reference_optimizer(spec, param)
    path = [param.detach().numpy().copy()]
    for _ in range(steps):
        gx, gy = surface.torch_grad(param.detach()[0], param.detach()[1])
        param.grad = torch.stack((gx, gy))
        reference.step()
        path.append(param.detach().numpy().copy())
    path = np.array(path)
    if ours.diverged_at is None:
        np.testing.assert_allclose(ours.xy, path, rtol=1e-10, atol=1e-12)
    else:
        # Some of these settings blow up (SGD with momentum on raw Beale): both must agree until the
        # step where ours stopped, and the reference must have left the bound exactly there.
        k = ours.diverged_at
        np.testing.assert_allclose(ours.xy[:k], path[:k], rtol=1e-10, atol=1e-12)
        assert np.all(np.isnan(ours.xy[k:]))
        with np.errstate(invalid="ignore"):
            assert not (np.isfinite(path[k]).all() and (np.abs(path[k]) <= 1e6).all())


def test_adabelief_epsilon_accumulates_in_s():
    """With zero gradients s_t is pure accumulated ε: s_t = Σ β2^k ε (the official code adds ε in place)."""
    spec = AdaBelief(lr=0.1, eps=1e-3)
    surface = get_surface("saddle")
    # The saddle's gradient at the origin is exactly zero: the run stays put and only ε accumulates.
    traj = run(surface, spec, (0.0, 0.0), 5)
    beta2 = 0.999
    expected = [sum(beta2**k * 1e-3 for k in range(t)) for t in range(1, 6)]
    np.testing.assert_allclose(traj.s[:, 0], expected, rtol=1e-14)
    np.testing.assert_allclose(traj.xy, 0.0)
