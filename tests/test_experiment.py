"""The minimum-ratio experiment: certified critical points, following them as l2 shrinks, copies."""

import numpy as np
import pytest

from helpers.networks.continuation import follow_l2
from helpers.networks.experiment import DEFAULT_RUNS, minimum_ratio_experiment, text_progress
from helpers.networks.mlp import MLP
from helpers.networks.symmetries import canonical_theta, distinct_critical_points
from helpers.spectrum import Inertia, inertia, kind_from_inertia

# Tiny budgets certify no run; the warning that says so is tested in test_validation.
pytestmark = pytest.mark.filterwarnings("ignore:None of the .* runs reached:UserWarning")


@pytest.fixture(scope="module")
def result():
    return minimum_ratio_experiment(16, seed=3)


def independent_gradient(theta, X, y, h, l2):
    """Gradient by the complex step of a loss written from scratch (1 → h → 1 tanh, MSE + L2)."""

    def loss(t):
        W1, b1, W2, b2 = t[:h], t[h : 2 * h], t[2 * h : 3 * h], t[3 * h]
        out = np.tanh(X @ W1[None, :] + b1) @ W2 + b2
        return np.mean((out - y[:, 0]) ** 2) + 0.5 * l2 * np.sum(t * t)

    step = 1e-30
    return np.array([np.imag(loss(theta + 1j * step * e)) / step for e in np.eye(theta.size)])


def test_default_is_at_least_one_hundred_runs():
    assert DEFAULT_RUNS >= 100


def test_certified_points_really_are_critical(result):
    assert len(result) == 16
    assert len(result.certified) >= 4
    h = result.settings["n_hidden"]
    for r in result.certified:
        g = independent_gradient(r.theta, result.X, result.y, h, result.l2)
        assert np.linalg.norm(g) <= result.grad_tol * 1.01 + 1e-12
        assert np.linalg.norm(result.gradient(r.theta) - g) < 1e-12
        assert r.theta_norm <= result.theta_max
        assert r.distance_moved == pytest.approx(np.linalg.norm(r.theta - r.stall_theta))
        assert r.loss == pytest.approx(result.loss(r.theta))


def test_uncertified_points_are_labelled_and_fail_a_check(result):
    for r in result.uncertified:
        assert r.kind == "not critical"
        assert r.grad_norm > result.grad_tol or r.theta_norm > result.theta_max
    assert len(result.certified) + len(result.uncertified) == len(result)


def test_eigenvalues_counts_and_ratios(result):
    P = result.model.n_params
    for r in result:
        dense = np.linalg.eigvalsh(result.hessian(r.theta))
        assert np.allclose(r.eigenvalues, dense, rtol=1e-10, atol=1e-12)
        assert r.n_positive + r.n_negative + r.n_zero == P
        assert r.n_positive == np.sum(dense > result.zero_tol)
        assert r.n_negative == np.sum(dense < -result.zero_tol)
        assert r.minimum_ratio == pytest.approx(r.n_positive / P)
        assert r.minimum_ratio_nonzero == pytest.approx(
            r.n_positive / max(1, r.n_positive + r.n_negative))
        if r.certified:
            assert r.kind == kind_from_inertia(Inertia(r.n_negative, r.n_zero, r.n_positive))
    assert sum(result.counts().values()) == len(result)


def test_zero_tolerance_sits_in_an_empty_gap(result):
    below, above = result.eigenvalue_gap
    assert below <= result.zero_tol < above


def test_deterministic_for_a_fixed_seed(result):
    again = minimum_ratio_experiment(16, seed=3)
    for a, b in zip(result, again, strict=True):
        assert np.array_equal(a.theta, b.theta)
        assert a.kind == b.kind


def test_progress_callback_and_text_progress(capsys):
    calls = []
    minimum_ratio_experiment(2, seed=0, gd_steps=10, lm_iters=5,
                             progress=lambda *a: calls.append(a))
    assert calls and calls[-1][1] == calls[-1][2]
    text_progress("stage", 3, 3)
    assert capsys.readouterr().out == "stage: done (3/3)\n"


def test_bad_input():
    with pytest.raises(ValueError, match="n_runs"):
        minimum_ratio_experiment(0)
    with pytest.raises(ValueError, match="zero_tol"):
        minimum_ratio_experiment(2, zero_tol=0.0)
    with pytest.raises(ValueError, match="zero tolerance"):
        inertia([1.0], -1.0)


def test_the_counts_and_kinds_the_experiment_uses():
    assert inertia([-1.0, 0.0, 1e-9, 2.0], 1e-6) == Inertia(negative=1, zero=2, positive=1)
    assert inertia([-1e-17, 1e-17], 0.0) == Inertia(negative=1, zero=0, positive=1)
    assert kind_from_inertia(Inertia(0, 0, 3)) == "local minimum"
    assert kind_from_inertia(Inertia(3, 0, 0)) == "local maximum"
    assert kind_from_inertia(Inertia(1, 0, 2)) == "saddle point"
    assert kind_from_inertia(Inertia(0, 1, 2)) == "degenerate"
    assert kind_from_inertia(Inertia(1, 1, 2)) == "saddle point"


def test_follow_l2_keeps_certified_points_certified(result):
    levels = np.geomspace(result.l2, 1e-4, 8)
    path = follow_l2(result, levels)
    n = len(result.certified)
    assert path.thetas.shape == (8, n, result.model.n_params)
    assert path.alive[0].all()
    assert np.array_equal(path.thetas[0], np.array([r.theta for r in result.certified]))
    assert np.array_equal(path.n_negative[0], [r.n_negative for r in result.certified])
    assert np.all(path.alive[1:] <= path.alive[:-1])  # once lost, never back
    assert path.alive[-1].sum() >= n // 2
    h = result.settings["n_hidden"]
    for k, l2 in enumerate(levels):
        fresh = MLP(1, h, 1, l2=l2)
        for j in np.flatnonzero(path.alive[k]):
            theta = path.thetas[k, j]
            g = independent_gradient(theta, result.X, result.y, h, l2)
            assert np.linalg.norm(g) <= result.grad_tol * 1.01 + 1e-12
            eigs = np.linalg.eigvalsh(fresh.hessian(theta, result.X, result.y))
            assert path.n_negative[k, j] == np.sum(eigs < -result.zero_tol)
            assert path.n_zero[k, j] == np.sum(np.abs(eigs) <= result.zero_tol)
            assert path.data_loss[k, j] == pytest.approx(
                MLP(1, h, 1).loss(theta, result.X, result.y))
            assert path.penalty[k, j] == pytest.approx(0.5 * l2 * theta @ theta)
            if k:
                assert np.linalg.norm(theta - path.thetas[k - 1, j]) <= 0.5
        assert sum(path.kind_counts(k).values()) == path.alive[k].sum()
    assert np.all(path.n_negative[~path.alive] == -1)


def test_follow_l2_bad_input(result):
    with pytest.raises(ValueError, match="start at"):
        follow_l2(result, [1e-3, 1e-4])
    with pytest.raises(ValueError, match="start at"):
        follow_l2(result, [result.l2, result.l2])
    with pytest.raises(ValueError, match="non-negative"):
        follow_l2(result, [result.l2, -1.0])


def test_canonical_theta_is_invariant_under_the_symmetries():
    model = MLP(2, 5, 1, l2=1e-3)
    theta = model.init(0, 2.0)
    X = np.random.default_rng(0).standard_normal((7, 2))
    y = np.cos(X[:, :1])
    W1, b1, W2, b2 = model.unpack(theta)
    perm, sign = np.array([3, 0, 4, 1, 2]), np.array([1.0, -1.0, -1.0, 1.0, -1.0])
    copy = model.pack(W1[perm] * sign[:, None], b1[perm] * sign, W2[:, perm] * sign, b2)
    assert not np.allclose(copy, theta)
    assert model.loss(copy, X, y) == pytest.approx(model.loss(theta, X, y), rel=1e-13)
    assert np.allclose(canonical_theta(model, copy), canonical_theta(model, theta), atol=1e-15)
    assert model.loss(canonical_theta(model, theta), X, y) == pytest.approx(model.loss(theta, X, y))
    with pytest.raises(ValueError, match="batch"):
        canonical_theta(model, np.stack([theta, theta]))


def test_distinct_critical_points_groups_copies_with_equal_losses_and_spectra(result):
    groups = distinct_critical_points(result)
    assert sorted(run for g in groups for run in g) == [r.run for r in result.certified]
    assert [len(g) for g in groups] == sorted((len(g) for g in groups), reverse=True)
    for g in groups:
        first = result[g[0]]
        for run in g[1:]:
            assert result[run].loss == pytest.approx(first.loss, rel=1e-9)
            assert np.allclose(result[run].eigenvalues, first.eigenvalues, atol=1e-9)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(lr=1e6), ValueError, "lr=1e\\+06 is too large"),
    (dict(lr=float("nan")), ValueError, "lr must be a finite number > 0"),
    (dict(lr=-0.1), ValueError, "lr must be a finite number > 0"),
    (dict(lr="0.1"), TypeError, "lr must be a number"),
    (dict(n_samples=0), ValueError, "n_samples must be a whole number ≥ 1"),
    (dict(seed=None), TypeError, "seed must be a whole number ≥ 0"),
    (dict(seed="abc"), TypeError, "seed must be a whole number ≥ 0"),
    (dict(seed=1.5), TypeError, "seed must be a whole number ≥ 0"),
    (dict(seed=-2), ValueError, "seed must be a whole number ≥ 0"),
    (dict(progress="yes"), TypeError, "progress must be a function"),
    (dict(n_runs=10**9), ValueError, "TiB of memory.*at most n_runs="),
    (dict(n_samples=10**9), ValueError, "of memory"),
    (dict(gd_steps=-5), ValueError, "gd_steps must be a whole number ≥ 0"),
    (dict(lm_iters=-1), ValueError, "lm_iters"),
    (dict(n_hidden=0), ValueError, "n_hidden"),
    (dict(n_hidden=1000), ValueError, "too slow"),
    (dict(l2=-1.0), ValueError, "l2"),
    (dict(grad_tol=0.0), ValueError, "grad_tol"),
    (dict(theta_max=float("inf")), ValueError, "theta_max"),
])
def test_every_bad_argument_is_refused_before_any_work(kwargs, error, match):
    args = dict(n_runs=2, seed=0) | kwargs
    with pytest.raises(error, match=match):
        minimum_ratio_experiment(args.pop("n_runs"), args.pop("seed"), gd_steps=args.pop(
            "gd_steps", 10), lm_iters=args.pop("lm_iters", 5), **args)


def test_wide_networks_get_a_stable_step_size(recwarn):
    result = minimum_ratio_experiment(2, n_hidden=64, gd_steps=200, lm_iters=5)
    assert result.settings["lr"] == pytest.approx(0.8 / 64)
    assert minimum_ratio_experiment(2, gd_steps=5, lm_iters=1).settings["lr"] == 0.1
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]
    assert all(np.all(np.isfinite(r.eigenvalues)) for r in result)


def test_a_generator_seed_is_drawn_once_and_recorded():
    result = minimum_ratio_experiment(2, seed=np.random.default_rng(5), gd_steps=5, lm_iters=1)
    again = minimum_ratio_experiment(2, seed=result.seed, gd_steps=5, lm_iters=1)
    assert np.array_equal(result[0].theta, again[0].theta)


def test_progress_moves_every_half_second_or_so():
    import time

    stamps = [time.perf_counter()]
    minimum_ratio_experiment(300, gd_steps=600, lm_iters=30,
                             progress=lambda *a: stamps.append(time.perf_counter()))
    assert max(np.diff(stamps)) < 3.0  # the ticker aims at 0.5 s; generous for a busy machine


def test_an_interrupt_ends_with_one_line():
    from helpers.timing import Interrupted

    def progress(stage, done, total):
        if stage.startswith("gradient descent") and done >= 3:
            raise KeyboardInterrupt

    import helpers.timing as timing

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(timing.Ticker, "__init__", _every_call)
        with pytest.raises(Interrupted, match="stopped during gradient descent .* at 3 of 50; "
                                              "nothing was returned") as info:
            minimum_ratio_experiment(4, gd_steps=50, lm_iters=5, progress=progress)
    assert info.value._render_traceback_()[0].startswith("Interrupted: the experiment stopped")


def _every_call(self, progress, interval=0.0):
    """Ticker.__init__ without throttling, so the test interrupts at a known step."""
    self.progress, self.interval, self.last = progress, 0.0, 0.0
    self.stage, self.done, self.total = "", 0, 0
