"""The digits critical-point experiment: starts, sub-networks, the public API and its errors."""

import numpy as np
import pytest

from helpers.critical_sweep import (
    Start,
    digits_problem,
    embed_units,
    minimum_ratio_experiment,
    search_from,
    start_thetas,
    switch_off,
)

FIELDS = ("theta", "loss", "grad_norm", "certified", "eigenvalues", "n_positive", "n_negative",
          "n_zero", "minimum_ratio")


@pytest.fixture(scope="module")
def problem():
    return digits_problem(60, (4,))


def test_switched_off_units_stay_off_and_the_embedding_is_exact(problem):
    model, X, Y = problem
    ck = start_thetas(model, X, Y, 0, 2, [0, 20])
    W1, b1, W2, _ = model.unpack(ck[20])
    assert not W1[2:].any() and not b1[2:].any() and not W2[:, 2:].any()
    assert np.array_equal(switch_off(model, ck[20], 2), ck[20])
    theta, _ = search_from(model, X, Y, Start("subnet", 0, 20, 0, 2), ck[20], max_iter=20)
    assert np.array_equal(switch_off(model, theta, 2), theta)
    gW1, gb1, gW2, _ = model.unpack(model.gradient(theta, X, Y) - model.l2 * theta)
    assert not gW1[2:].any() and not gb1[2:].any() and not gW2[:, 2:].any()  # off stays off
    W1, b1, W2, b2 = model.unpack(theta)
    small = np.concatenate([W1[:2].ravel(), b1[:2], W2[:, :2].ravel(), b2])
    assert np.array_equal(embed_units(model, small, 2), theta)


def test_digits_experiment_records_and_checks(problem):
    result = minimum_ratio_experiment(3, 1, hidden_sizes=(4,), dataset="digits", n_samples=60)
    assert len(result) == 3 and result.settings["dataset"] == "digits"
    for rec in result:
        for name in FIELDS:
            assert hasattr(rec, name)
        assert np.isclose(result.loss(rec.theta), rec.loss)
        assert np.isclose(np.linalg.norm(result.gradient(rec.theta)), rec.grad_norm, atol=1e-12)
        assert rec.n_positive + rec.n_negative + rec.n_zero == result.model.n_params
        assert rec.minimum_ratio == rec.n_positive / result.model.n_params
        assert rec.certified == (rec.kind in ("local minimum", "saddle point", "degenerate",
                                              "local maximum"))


def test_two_hidden_layers_on_digits():
    result = minimum_ratio_experiment(1, 0, hidden_sizes=(3, 3), dataset="digits", n_samples=40,
                                      steps=(50,), max_iter=40)
    assert result.model.depth == 2 and result.model.n_params == 64 * 3 + 3 + 3 * 3 + 3 + 30 + 10
    assert len(result[0].eigenvalues) == result.model.n_params


@pytest.mark.filterwarnings("ignore:None of the .* runs reached:UserWarning")  # tiny budget
def test_toy_data_set_still_works():
    result = minimum_ratio_experiment(2, 0, hidden_sizes=(3,), gd_steps=200, lm_iters=20)
    assert len(result) == 2 and result.model.n_hidden == 3


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(n_runs=0), ValueError, "n_runs"), (dict(n_runs=-3), ValueError, "n_runs"),
    (dict(n_runs=2.5), ValueError, "n_runs"), (dict(n_runs="10"), TypeError, "n_runs"),
    (dict(n_runs=True), TypeError, "n_runs"), (dict(seed=-1), ValueError, "seed"),
    (dict(seed=1.5), TypeError, "seed"), (dict(seed=None), TypeError, "seed"),
    (dict(dataset="mnist"), ValueError, "dataset"),
    (dict(hidden_sizes=(8, 0)), ValueError, "hidden_sizes"),
    (dict(hidden_sizes="8"), ValueError, "hidden_sizes"),
    (dict(hidden_sizes=(8, 8)), ValueError, "one hidden layer"),
    (dict(dataset="digits", gd_steps=5), ValueError, "toy"),
    (dict(dataset="digits", n_samples=5), ValueError, "n_samples"),
    (dict(dataset="digits", steps=(-1,)), ValueError, "steps"),
    (dict(dataset="digits", max_iter=-1), ValueError, "max_iter"),
    (dict(dataset="digits", progress="yes"), TypeError, "progress"),
    (dict(dataset="digits", n_runs=10**9), ValueError, "memory"),
    (dict(dataset="digits", hidden_sizes=(4000,)), ValueError, "memory"),
])
def test_bad_arguments_raise_clear_errors(kwargs, error, match):
    args = dict(n_runs=1, seed=0) | kwargs
    with pytest.raises(error, match=match):
        minimum_ratio_experiment(args.pop("n_runs"), args.pop("seed"), **args)


def test_digits_progress_moves_per_newton_iteration_and_an_interrupt_is_one_line():
    from helpers.timing import Interrupted

    calls = []

    def progress(stage, done, total):
        calls.append((stage, done, total))
        raise KeyboardInterrupt

    with pytest.raises(Interrupted, match="digits searches stopped during run 1 of 2; "
                                          "nothing was returned") as info:
        minimum_ratio_experiment(2, 0, hidden_sizes=(3,), dataset="digits", n_samples=40,
                                 steps=(5,), max_iter=10**4, progress=progress)
    assert info.value._render_traceback_()[0].startswith("Interrupted: the digits searches")
    assert calls[0][2] == 2 * 10**4  # runs × iterations
