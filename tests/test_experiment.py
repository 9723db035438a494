"""The minimum-ratio experiment and the random-matrix helpers."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers.experiment import (  # noqa: E402
    DEFAULT_RUNS,
    classify_counts,
    count_eigenvalues,
    goe_all_positive_probability,
    goe_asymptotic,
    goe_matrices,
    minimum_ratio_experiment,
    plot_goe,
    text_progress,
)


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
            assert r.kind == classify_counts(r.n_positive, r.n_negative, r.n_zero)
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
    with pytest.raises(ValueError, match="zero_tol"):
        count_eigenvalues([1.0], -1.0)


def test_count_and_classify():
    assert count_eigenvalues([-1.0, 0.0, 1e-9, 2.0], 1e-6) == (1, 1, 2)
    assert count_eigenvalues([-1e-17, 1e-17], 0.0) == (1, 1, 0)
    assert classify_counts(3, 0, 0) == "local minimum"
    assert classify_counts(0, 3, 0) == "local maximum"
    assert classify_counts(2, 1, 0) == "saddle point"
    assert classify_counts(2, 0, 1) == "degenerate"
    assert classify_counts(2, 1, 1) == "saddle point"


def test_goe_matrices_are_symmetric_with_the_right_variances():
    M = goe_matrices(3, 40_000, 0)
    assert np.array_equal(M, np.swapaxes(M, 1, 2))
    assert np.var(M[:, 0, 0]) == pytest.approx(1.0, rel=0.03)
    assert np.var(M[:, 0, 1]) == pytest.approx(0.5, rel=0.03)


def test_goe_probabilities_against_exact_values():
    p1, se1 = goe_all_positive_probability(1, 100_000)
    assert abs(p1 - 0.5) < 4 * se1
    p2, se2 = goe_all_positive_probability(2, 100_000)
    assert abs(p2 - (2 - np.sqrt(2)) / 4) < 4 * se2  # exact for the 2×2 GOE
    p3, _ = goe_all_positive_probability(3, 100_000)
    assert p3 < 0.5**3 / 4
    assert goe_asymptotic(2) == pytest.approx(3 ** (-1.0))


def test_plot_goe_draws_two_labelled_panels():
    ax1, ax2 = plot_goe(3, {1: 0.5, 2: 0.146, 3: 0.025}, n_samples=2000)
    for ax in (ax1, ax2):
        assert ax.get_xlabel() and ax.get_ylabel()
    assert "N = 3" in ax1.get_title()
    assert len(ax2.get_lines()) >= 3
    plt.close("all")


def test_stacked_gradient_used_for_training_matches_the_engine():
    from helpers.experiment import _stacked_gradient
    from helpers.network import MLP

    for n_in in (1, 3):
        model = MLP(n_in, 5, 1, l2=3e-3)
        thetas = np.array([model.init(s, 2.0) for s in range(7)])
        X = np.random.default_rng(n_in).standard_normal((11, n_in))
        y = np.sin(X[:, :1])
        assert np.allclose(_stacked_gradient(model, thetas, X, y), model.gradient(thetas, X, y),
                           rtol=1e-12, atol=1e-15)


def test_widget_progress_reaches_the_end_without_printing(capsys):
    from helpers.experiment import widget_progress

    box, progress = widget_progress()
    minimum_ratio_experiment(2, seed=0, gd_steps=10, lm_iters=5, progress=progress)
    bar, label = box.children
    assert bar.value == pytest.approx(1.0)
    assert "Levenberg" in label.value and "5/5" in label.value
    assert capsys.readouterr().out == ""


def test_follow_l2_keeps_certified_points_certified(result):
    from helpers.experiment import follow_l2
    from helpers.network import MLP

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
    from helpers.experiment import follow_l2

    with pytest.raises(ValueError, match="start at"):
        follow_l2(result, [1e-3, 1e-4])
    with pytest.raises(ValueError, match="start at"):
        follow_l2(result, [result.l2, result.l2])
    with pytest.raises(ValueError, match="non-negative"):
        follow_l2(result, [result.l2, -1.0])


def test_canonical_theta_is_invariant_under_the_symmetries():
    from helpers.experiment import canonical_theta
    from helpers.network import MLP

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
    from helpers.experiment import distinct_critical_points

    groups = distinct_critical_points(result)
    assert sorted(run for g in groups for run in g) == [r.run for r in result.certified]
    assert [len(g) for g in groups] == sorted((len(g) for g in groups), reverse=True)
    for g in groups:
        first = result[g[0]]
        for run in g[1:]:
            assert result[run].loss == pytest.approx(first.loss, rel=1e-9)
            assert np.allclose(result[run].eigenvalues, first.eigenvalues, atol=1e-9)
