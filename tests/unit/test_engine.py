"""The batched engine: batches, backends, broadcasting, noise, stopping, validation, sweeps."""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pytest
import sympy as sp

from optim_core import DIVERGED, LEFT_DOMAIN, OPTIMIZERS, SGD, AdaBelief, Adagrad, Adam, RMSProp, run, sweep
from surfaces import Surface, X, Y, get_surface

SPECS = [
    SGD(lr=1e-3, momentum=0.9),
    Adam(lr=1e-2),
    AdaBelief(lr=1e-2),
    AdaBelief(lr=1e-2, rectify=True, amsgrad=True),
    RMSProp(lr=1e-3, centered=True),
    Adagrad(lr=0.1),
]
STARTS = np.array([[-1.5, 2.0], [0.0, 0.0], [1.2, -0.5], [-0.3, 2.5]])


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_batch_equals_runs_one_by_one(spec):
    surface = get_surface("rosenbrock")
    batch = run(surface, spec, STARTS, 200)
    assert batch.xy.shape == (201, 4, 2) and batch.grad.shape == (200, 4, 2) and batch.loss.shape == (201, 4)
    for index, start in enumerate(STARTS):
        single = run(surface, spec, tuple(start), 200)
        assert single.xy.shape == (201, 2)
        for name in ("xy", "loss", "grad", "update", "m", "second_moment", "denom", "step_size"):
            np.testing.assert_array_equal(getattr(batch, name)[:, index], getattr(single, name), err_msg=name)
        # run(index) gives the same single run, in arrays of its own (a view would keep the batch alive)
        one = batch.run(index)
        np.testing.assert_array_equal(one.xy, single.xy)
        owned = [one.xy, one.loss, one.grad, one.replay.grad, *one.replay.history.values()]
        assert all(values.base is None for values in owned)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_numpy_and_torch_backends_agree(spec):
    surface = get_surface("beale")
    on_numpy = run(surface, spec, STARTS, 300)
    on_torch = run(surface, spec, STARTS, 300, backend="torch", device="cpu")
    assert on_torch.backend == "torch"
    for name in ("xy", "loss", "grad", "m", "second_moment", "denom", "step_size"):
        expected = getattr(on_numpy, name)
        # Gradients near a minimum come from cancelling terms of size ~|g|max: allow 1e-12 of that scale.
        scale = np.nanmax(np.abs(expected)) if np.isfinite(expected).any() else 0.0
        np.testing.assert_allclose(
            getattr(on_torch, name), expected, rtol=1e-12, atol=1e-12 * scale, err_msg=name
        )
    np.testing.assert_array_equal(on_torch.stopped_at, on_numpy.stopped_at)


def test_one_noise_level_per_run_gives_each_run_its_noise_alone():
    surface = get_surface("beale")
    levels = np.array([0.3, 0.0, 1.5])
    batch = run(surface, Adam(lr=0.05), (1.0, 1.5), 120, noise=levels, seed=11)
    assert batch.batched and batch.xy.shape == (121, 3, 2)
    for index, level in enumerate(levels):
        alone = run(surface, Adam(lr=0.05), (1.0, 1.5), 120, noise=float(level), seed=11)
        for name in ("xy", "loss", "grad", "m", "second_moment", "denom"):
            # σ = 0 adds zeros: equal values, though a zero gradient may come out as +0 where alone it is −0
            np.testing.assert_array_equal(getattr(batch, name)[:, index], getattr(alone, name), err_msg=name)
    with pytest.raises(ValueError, match="1-D array"):
        run(surface, Adam(lr=0.05), (1.0, 1.5), 10, noise=np.array([0.1, -1.0]), seed=1)
    with pytest.raises(ValueError, match="2 levels but the batch has 4"):
        run(surface, Adam(lr=0.05), STARTS, 10, noise=np.array([0.1, 0.2]), seed=1)


def test_hyperparameter_arrays_broadcast_like_separate_runs():
    surface = get_surface("rosenbrock")
    lrs = np.array([1e-3, 3e-3, 1e-2])
    beta2s = np.array([0.9, 0.99, 0.999])
    swept = run(surface, Adam(lr=lrs, betas=(0.9, beta2s)), (-1.5, 2.0), 150)
    assert swept.batched and swept.xy.shape == (151, 3, 2)
    for index in range(3):
        single = run(surface, Adam(lr=lrs[index], betas=(0.9, beta2s[index])), (-1.5, 2.0), 150)
        np.testing.assert_allclose(swept.xy[:, index], single.xy, rtol=1e-13)


def test_mismatched_batch_sizes_are_rejected():
    with pytest.raises(ValueError, match="hyperparameter arrays have length 3"):
        run(get_surface("abs"), Adam(lr=np.array([0.1, 0.2, 0.3])), STARTS, 5)


def test_divergence_is_reported_not_raised():
    surface = get_surface("rosenbrock")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        traj = run(surface, SGD(lr=1e-2), (-1.5, 2.0), 100)
    assert traj.stop_reason == DIVERGED
    k = traj.diverged_at
    assert 1 <= k < 100
    assert np.all(np.isfinite(traj.xy[:k])) and np.all(np.isnan(traj.xy[k:]))
    assert np.all(np.isnan(traj.grad[k:]))
    assert np.isfinite(traj.final_loss) and np.all(np.isfinite(traj.final_xy))


def test_run_that_enters_an_undefined_region_left_the_domain():
    # f = log(x) + y²: defined only for x > 0; SGD with a large step walks into x < 0.
    surface = Surface("log_test", "log", sp.log(X) + Y**2, ((-1, 3), (-2, 2)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        traj = run(surface, SGD(lr=0.5), (0.8, 1.0), 50)
    # grad_x = 1/x > 0, so x decreases: 0.8 − 0.5/0.8 = 0.175, then 0.175 − 0.5/0.175 < 0.
    assert traj.stop_reason == LEFT_DOMAIN
    assert traj.diverged_at == 2
    assert traj.xy[2, 0] < 0  # the point where it left is kept, to be drawn
    assert np.all(np.isnan(traj.xy[3:]))
    assert np.isnan(traj.loss[2]) and np.isfinite(traj.loss[1])
    assert traj.final_xy[0] == pytest.approx(0.175)


def test_a_start_outside_the_domain_stops_at_step_zero():
    surface = Surface("sqrt_test", "sqrt", sp.sqrt(X) + Y**2, ((-1, 3), (-2, 2)))
    traj = run(surface, Adam(lr=0.1), (-1.0, 0.5), 10)
    assert traj.diverged_at == 0 and traj.stop_reason == LEFT_DOMAIN


def test_noise_is_reproducible_for_a_seed_and_changes_the_path():
    surface = get_surface("abs")
    first = run(surface, Adam(lr=0.01), (2.0, 1.0), 100, noise=0.5, seed=3)
    again = run(surface, Adam(lr=0.01), (2.0, 1.0), 100, noise=0.5, seed=3)
    other = run(surface, Adam(lr=0.01), (2.0, 1.0), 100, noise=0.5, seed=4)
    clean = run(surface, Adam(lr=0.01), (2.0, 1.0), 100)
    np.testing.assert_array_equal(first.xy, again.xy)
    assert not np.allclose(first.xy, other.xy)
    assert not np.allclose(first.grad, clean.grad)
    # The noise is additive: grad − the exact gradient at the same point is ~ N(0, 0.5²).
    exact = np.stack(surface.grad(first.xy[:-1, 0], first.xy[:-1, 1]), axis=-1)
    residual = first.grad - exact
    assert 0.4 < residual.std() < 0.6
    torch_run = run(surface, Adam(lr=0.01), (2.0, 1.0), 100, noise=0.5, seed=3, backend="torch")
    np.testing.assert_allclose(torch_run.xy, first.xy, rtol=1e-12)


def test_trajectory_fields_for_adam_match_the_formulas():
    surface = get_surface("abs")
    traj = run(surface, Adam(lr=0.1, eps=1e-8), (2.0, 1.0), 3)
    # On |x|+|y| away from the axes g = (1, 1) every step, so m̂ = 1 and v̂ = 1.
    t = np.arange(1, 4)
    np.testing.assert_allclose(traj.m[:, 0], 1 - 0.9**t)
    np.testing.assert_allclose(traj.v[:, 0], 1 - 0.999**t)
    np.testing.assert_allclose(traj.denom[:, 0], 1 + 1e-8)
    np.testing.assert_allclose(traj.step_size[:, 0], 0.1 / (1 - 0.9**t) / (1 + 1e-8))
    np.testing.assert_allclose(traj.update, -0.1 / (1 + 1e-8) * np.ones((3, 2)))
    np.testing.assert_allclose(np.diff(traj.xy, axis=0), traj.update, atol=1e-15)


def test_steps_to_tolerance_and_final_values():
    surface = get_surface("rosenbrock")
    traj = run(surface, Adam(lr=0.1), (-1.5, 2.0), 2000)
    k = traj.steps_to_tolerance(1e-2)
    assert k is not None
    distance = traj.distance_to_minimum()
    assert distance[k] <= 1e-2 and np.all(distance[:k] > 1e-2)
    assert traj.steps_to_tolerance(1e-2, minima=[(5.0, 5.0)]) is None
    assert traj.final_loss == pytest.approx(traj.loss[-1])


def test_sweep_outcome_matches_the_recorded_runs():
    surface = get_surface("rosenbrock")
    spec = Adam(lr=np.array([1e-3, 1e-2, 1e-1, 2.0]))
    traj = run(surface, spec, (-1.5, 2.0), 800)
    outcome = sweep(surface, spec, (-1.5, 2.0), 800, tol=1e-2)
    np.testing.assert_array_equal(outcome.steps_to_tolerance, traj.steps_to_tolerance(1e-2))
    np.testing.assert_array_equal(outcome.diverged_at, traj.diverged_at)
    np.testing.assert_allclose(outcome.final_xy, traj.final_xy)
    np.testing.assert_allclose(outcome.final_loss, traj.final_loss)
    on_torch = sweep(surface, spec, (-1.5, 2.0), 800, tol=1e-2, backend="torch")
    np.testing.assert_array_equal(on_torch.steps_to_tolerance, outcome.steps_to_tolerance)
    np.testing.assert_allclose(on_torch.final_xy, outcome.final_xy, rtol=1e-12)


def test_sweep_reports_divergence_step():
    outcome = sweep(get_surface("rosenbrock"), SGD(lr=np.array([1e-4, 1e-2])), (-1.5, 2.0), 100)
    assert outcome.diverged_at[0] == -1
    reference = run(get_surface("rosenbrock"), SGD(lr=1e-2), (-1.5, 2.0), 100)
    assert outcome.diverged_at[1] == reference.diverged_at


@pytest.mark.parametrize(
    "make,parameter",
    [
        (lambda: SGD(lr=-1.0), "lr"),
        (lambda: SGD(lr=0.1, nesterov=True), "nesterov"),
        (lambda: SGD(lr=0.1, momentum=-0.5), "momentum"),
        (lambda: Adam(lr=0.1, betas=(1.0, 0.9)), "beta1"),
        (lambda: Adam(lr=0.1, betas=(0.9, -0.1)), "beta2"),
        (lambda: AdaBelief(lr=0.1, eps=-1e-8), "eps"),
        (lambda: AdaBelief(lr=np.array([0.1, np.nan])), "lr"),
        (lambda: RMSProp(lr=0.1, alpha=1.5), "alpha"),
        (lambda: Adagrad(lr=0.1, lr_decay=-1), "lr_decay"),
        (lambda: Adam(lr=float("inf")), "lr"),
    ],
)
def test_invalid_hyperparameters_name_the_parameter(make, parameter):
    with pytest.raises(ValueError, match=parameter):
        make()


def test_replace_validates_again():
    with pytest.raises(ValueError, match="lr"):
        dataclasses.replace(Adam(lr=0.1), lr=-2.0)


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"steps": -1}, "steps"),
        ({"steps": 2.5}, "steps"),
        ({"noise": -0.1}, "noise"),
        ({"backend": "jax"}, "backend"),
        ({"dtype": "float16"}, "dtype"),
        ({"start": (1.0, 2.0, 3.0)}, "start"),
        ({"start": (np.nan, 0.0)}, "start"),
    ],
)
def test_invalid_run_arguments(kwargs, message):
    arguments = {"start": (1.0, 1.0), "steps": 10} | kwargs
    with pytest.raises(ValueError, match=message):
        run(get_surface("abs"), Adam(), **arguments)


def test_registry_and_labels():
    assert set(OPTIMIZERS) == {"sgd", "adam", "adabelief", "rmsprop", "adagrad"}
    assert SGD(lr=0.1).family == "sgd" and SGD(lr=0.1, momentum=0.9).family == "momentum"
    assert AdaBelief().second_moment_symbol == "s" and Adam().second_moment_symbol == "v"
    assert "0.001" in Adam().label
    assert AdaBelief().eps == 1e-16 and AdaBelief().rectify is False  # the paper's Algorithm 2


def test_float32_runs():
    traj = run(get_surface("rosenbrock"), Adam(lr=1e-2), (-1.5, 2.0), 100, dtype="float32")
    reference = run(get_surface("rosenbrock"), Adam(lr=1e-2), (-1.5, 2.0), 100)
    np.testing.assert_allclose(traj.xy, reference.xy, rtol=1e-4)


def test_zero_steps():
    traj = run(get_surface("beale"), Adam(), (1.0, 1.0), 0)
    assert traj.xy.shape == (1, 2) and traj.grad.shape == (0, 2) and traj.diverged_at is None


def test_fused_sweep_matches_the_eager_sweep():
    """The torch.compile'd chunks run the same rule: the eager loop's outcome (2 chunks of 3 + 2 steps)."""
    surface = get_surface("rosenbrock")
    spec = AdaBelief(lr=np.array([1e-3, 1e-2, 5e-2, 3.0]))
    eager = sweep(surface, spec, (-1.5, 2.0), 8, tol=0.5, backend="torch")
    fused = sweep(surface, spec, (-1.5, 2.0), 8, tol=0.5, backend="torch", fused=3)
    np.testing.assert_allclose(fused.final_xy, eager.final_xy, rtol=1e-12)
    np.testing.assert_array_equal(fused.steps_to_tolerance, eager.steps_to_tolerance)
    np.testing.assert_array_equal(fused.diverged_at, eager.diverged_at)
    with pytest.raises(ValueError, match="fused"):
        sweep(surface, spec, (-1.5, 2.0), 25, fused=True)


def test_fused_run_matches_the_eager_run():
    """Compiled chunks record exactly what the eager loop records (with noise: same draws, same order)."""
    surface = get_surface("beale")
    spec = Adam(lr=np.array([1e-3, 1e-2, 1e-1]), amsgrad=True)
    eager = run(surface, spec, (-2.5, -2.5), 8, backend="torch", noise=0.1, seed=5)
    fused = run(surface, spec, (-2.5, -2.5), 8, backend="torch", noise=0.1, seed=5, fused=3)
    for name in ("xy", "loss", "grad", "update", "m", "second_moment", "denom", "step_size"):
        np.testing.assert_allclose(getattr(fused, name), getattr(eager, name), rtol=1e-12, err_msg=name)
    with pytest.raises(ValueError, match="fused"):
        run(surface, spec, (-2.5, -2.5), 25, fused=True)


@pytest.mark.parametrize(
    "spec",
    [
        SGD(lr=1e-3),
        SGD(lr=1e-3, momentum=0.9, nesterov=True),
        SGD(lr=1e-3, momentum=0.9, dampening=0.3),
        Adam(lr=1e-2, amsgrad=True),
        AdaBelief(lr=1e-2),
        AdaBelief(lr=1e-2, rectify=True),
        AdaBelief(lr=1e-2, rectify=True, degenerated_to_sgd=False),
        RMSProp(lr=1e-3, momentum=0.9, centered=True),
        Adagrad(lr=0.1, lr_decay=0.1),
    ],
    ids=lambda s: s.label,
)
def test_every_update_is_minus_step_size_times_m(spec):
    """The identity the step inspector writes out: Δθ_t = −step_size_t · m_t, per axis."""
    traj = run(get_surface("beale"), spec, (1.0, 1.5), 50)
    np.testing.assert_allclose(traj.update, -traj.step_size * traj.m, rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("backend", ["numpy", "torch"])
def test_a_constant_partial_derivative_is_broadcast_to_every_run(backend):
    surface = Surface("tilted_parabola", "x + y²", X + Y**2, ((-3, 3), (-3, 3)))  # ∂f/∂x = 1 everywhere
    traj = run(surface, SGD(lr=0.1), STARTS, 5, backend=backend)
    np.testing.assert_array_equal(traj.grad[..., 0], 1.0)
    np.testing.assert_allclose(traj.xy[-1, :, 0], STARTS[:, 0] - 0.5)


REPLAYED_SPECS = [
    SGD(lr=1e-3),
    SGD(lr=1e-3, momentum=0.9, nesterov=True),
    SGD(lr=1e-3, momentum=0.9, dampening=0.3),
    Adam(lr=1e-2),
    Adam(lr=1e-2, amsgrad=True),
    AdaBelief(lr=1e-2),
    AdaBelief(lr=1e-2, rectify=True, amsgrad=True),
    AdaBelief(lr=1e-2, rectify=True, degenerated_to_sgd=False),
    RMSProp(lr=1e-3, momentum=0.9, centered=True),
    RMSProp(lr=1e-3),
    Adagrad(lr=0.1, lr_decay=0.1, initial_accumulator_value=0.5),
]


@pytest.mark.parametrize("spec", REPLAYED_SPECS, ids=lambda s: s.label)
def test_replayed_step_records_are_bit_identical_to_what_each_step_computed(spec):
    """update, m, second_moment, denom and step_size are recomputed from the recorded state on first use
    (optim_core.replay); stepping the rule by hand, one step at a time, must give the same bits."""
    from optim_core.backends import numpy_ops

    surface = get_surface("beale")
    starts = np.array([[1.0, 1.5], [-2.0, 0.5], [3.0, -1.0]])
    traj = run(surface, spec, starts, 120)
    ops = numpy_ops()
    hp = spec.hyperparameters_on(ops)
    params = starts.T.copy()
    state = spec.init_state(params, ops)
    with np.errstate(all="ignore"):
        for t in range(1, 121):
            grad = np.stack(surface.grad(params[0], params[1]))
            state, record = spec.update(hp, state, grad, t, ops)
            params = params + record.update
            for name in ("update", "m", "second_moment", "denom", "step_size"):
                expected = np.broadcast_to(getattr(record, name), params.shape).T
                alive = traj.stopped_at < 0
                np.testing.assert_array_equal(
                    getattr(traj, name)[t - 1][alive], expected[alive], err_msg=f"{name}, step {t}"
                )


def test_only_the_state_a_step_changes_is_recorded():
    from optim_core.backends import numpy_ops
    from optim_core.replay import evolving_state_names

    def names(spec):
        return evolving_state_names(spec, spec.hyperparameters_on(numpy_ops()))

    assert names(Adam()) == ("m", "v")  # AMSGrad's maximum stays zero without amsgrad
    assert names(Adam(amsgrad=True)) == ("m", "v", "v_max")
    assert names(AdaBelief()) == ("m", "s")
    assert names(RMSProp()) == ("v", "momentum_buffer")
    assert names(RMSProp(centered=True)) == ("v", "grad_average", "momentum_buffer")


@pytest.mark.parametrize("spec", [Adam(lr=0.5), SGD(lr=1e-2, momentum=0.9)], ids=lambda s: s.label)
def test_the_first_steps_of_a_run_are_the_shorter_run(spec):
    """The app computes runs in buckets of steps and cuts them (ui/runs.py); a stop after the cut is
    forgotten, one before it is kept. Adam at lr 0.5 on Rosenbrock from (-1.5, 2) runs for a while;
    from (3, 3) SGD with momentum diverges early."""
    surface = get_surface("rosenbrock")
    starts = np.array([[-1.5, 2.0], [3.0, 3.0]])
    long = run(surface, spec, starts, 80)
    for steps in (0, 1, 7, 40):
        short = run(surface, spec, starts, steps)
        cut = long.first_steps(steps)
        np.testing.assert_array_equal(cut.stopped_at, short.stopped_at)
        for name in ("xy", "loss", "grad", "update", "m", "second_moment", "denom", "step_size"):
            np.testing.assert_array_equal(getattr(cut, name), getattr(short, name), err_msg=name)
    with pytest.raises(ValueError, match="steps"):
        long.first_steps(81)


def test_a_minimum_reached_where_the_gradient_is_undefined_counts_in_run_and_sweep():
    """The cone √(x² + y²): SGD from (0.3, 0) with lr 0.3 lands exactly on the tip at step 1, where f is
    defined and the gradient is not. The run reached the minimum at step 1 and left the domain at step 1
    (found when step 2 evaluates the gradient there); sweep and run must agree on both, eager and fused.
    From (0.9, 0) rounding leaves x = 5.6e-17 after three steps: reached at step 3, never stopped."""
    surface = Surface("cone", "cone", sp.sqrt(X**2 + Y**2), ((-1, 1), (-1, 1)), minima=((0.0, 0.0),))
    spec = SGD(lr=0.3)
    traj = run(surface, spec, (0.3, 0.0), 5)
    assert traj.diverged_at == 1 and traj.stop_reason == LEFT_DOMAIN
    assert traj.steps_to_tolerance(0.1) == 1
    for options in ({}, {"backend": "torch"}, {"backend": "torch", "fused": 2}):
        outcome = sweep(surface, spec, np.array([[0.3, 0.0], [0.9, 0.0]]), 5, tol=0.1, **options)
        assert outcome.diverged_at.tolist() == [1, -1], options
        assert outcome.steps_to_tolerance.tolist() == [1, 3], options
