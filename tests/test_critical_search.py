"""Certified critical points of any index, the gradient-flat rule and the tolerance analysis."""

import numpy as np
import pytest

from helpers.networks import critical_search as cs
from helpers.networks import tolerance as tl
from helpers.networks.mlp import MLP


@pytest.fixture(scope="module")
def problem():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((30, 3))
    Y = np.tanh(X @ rng.standard_normal((3, 2))) + 0.1 * rng.standard_normal((30, 2))
    return MLP(3, 4, 2, l2=1e-3), X, Y


@pytest.mark.parametrize("k", [0, 1, 2])
def test_partitioned_newton_reaches_a_critical_point_with_k_negative_eigenvalues(problem, k):
    model, X, Y = problem
    theta, iters = cs.partitioned_newton(model, X, Y, model.init(1), k, max_iter=200)
    check = cs.check_point(model, X, Y, theta)
    assert cs.status_of(check) == "certified" and 0 < iters <= 200
    assert np.linalg.norm(model.gradient(theta, X, Y)) <= cs.GRAD_TOL
    assert np.allclose(check.eigvals, np.linalg.eigvalsh(model.hessian(theta, X, Y)))
    assert int(np.sum(check.eigvals < 0)) == k


def test_check_point_measures_from_theta_alone(problem):
    model, X, Y = problem
    theta = model.init(3)
    check = cs.check_point(model, X, Y, theta)
    g = model.gradient(theta, X, Y)
    assert check.grad_norm == pytest.approx(np.linalg.norm(g))
    assert check.loss == pytest.approx(model.loss(theta, X, Y))
    assert check.loss - check.data_loss == pytest.approx(0.5 * model.l2 * theta @ theta)
    H = model.hessian(theta, X, Y)
    assert check.newton_dist == pytest.approx(np.linalg.norm(np.linalg.solve(H, g)))
    assert cs.status_of(check) == "not converged"


def test_gradient_flat_rule_on_a_quadratic():
    """L = ½·(θ₀² + 1e-9·θ₁²): at (0, 1) the whole gradient lies along the flat direction."""
    class Flat:
        n_params = 2

        def gradient(self, theta, X, Y):
            return np.array([theta[0], 1e-9 * theta[1]])

        def hessian(self, theta, X, Y):
            return np.diag([1.0, 1e-9])

        def loss(self, theta, X, Y):
            return 0.5 * (theta[0] ** 2 + 1e-9 * theta[1] ** 2)

        data_loss = loss

    check = cs.check_point(Flat(), None, None, np.array([0.0, 1.0]))
    assert check.flat_share == pytest.approx(1.0) and check.grad_norm == pytest.approx(1e-9)
    assert cs.status_of(check) == "gradient-flat"
    assert cs.status_of(cs.check_point(Flat(), None, None, np.array([1.0, 1.0]))) == \
        "not converged"


def test_bad_k_raises(problem):
    model, X, Y = problem
    with pytest.raises(ValueError, match="k must be"):
        cs.partitioned_newton(model, X, Y, model.init(0), -1)


def test_gap_ambiguity_and_rows():
    lam = np.array([-2.0, -3e-6, 1e-9, 4e-4, 1.0])
    assert tl.zero_gap(lam, 1e-6) == (1e-9, 3e-6)
    assert tl.is_ambiguous(lam, 1e-6)           # 3e-6 is within a factor 10
    assert not tl.is_ambiguous(lam, 1e-7)       # nothing in [1e-8, 1e-6]
    with pytest.raises(ValueError):
        tl.is_ambiguous(lam, 0.0)
    spectra = [lam, lam * 2, np.array([-1.0, -1.0, 1.0, 1.0, 1.0])]
    row = tl.tolerance_row(spectra, np.array([0.1, 0.2, 0.3]), 1e-6)
    assert row["minimum_ratio"].tolist() == [0.4, 0.4, 0.6]
    assert row["n_negative"].tolist() == [2, 2, 2] and row["n_minima"] == 0
    assert row["gaps"][0].tolist() == [1e-9, 3e-6]


def test_index_loss_correlation_against_numpy():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(20), rng.standard_normal(20)
    r, rho = tl.index_loss_correlation(a, b)
    assert r == pytest.approx(np.corrcoef(a, b)[0, 1])
    ranks = lambda v: np.argsort(np.argsort(v))  # noqa: E731 (no ties here)
    assert rho == pytest.approx(np.corrcoef(ranks(a), ranks(b))[0, 1])
    assert tl.index_loss_correlation([1, 2, 3], [3, 2, 1])[1] == pytest.approx(-1.0)
    with pytest.raises(ValueError):
        tl.index_loss_correlation([1, 2], [1, 2])
