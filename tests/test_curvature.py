"""Lanczos on Hessian-vector products against dense eigen-solves."""

import numpy as np
import pytest

from helpers.networks.curvature import (
    dense_lowest_eigenpair,
    loss_along_direction,
    lowest_eigenpair,
    make_network_problem,
    network_hvp,
)


def test_lowest_eigenpair_of_a_random_symmetric_matrix():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((300, 300))
    H = (A + A.T) / 2
    lam, vec = lowest_eigenpair(lambda v: H @ v, 300)
    assert lam == pytest.approx(np.linalg.eigvalsh(H)[0], rel=1e-10)
    assert np.linalg.norm(vec) == pytest.approx(1.0)
    assert np.linalg.norm(H @ vec - lam * vec) < 1e-7


@pytest.mark.parametrize("target", [60, 600])
def test_network_problem_matches_dense_route(target):
    model, theta, X, y = make_network_problem(target, seed=1)
    assert abs(model.n_params - target) <= (model.n_in + 2) // 2 + 1
    count = [0]
    hvp = network_hvp(model, theta, X, y)

    def counted(v):
        count[0] += 1
        return hvp(v)

    lam, vec = lowest_eigenpair(counted, model.n_params)
    lam_dense, vec_dense = dense_lowest_eigenpair(model.hessian(theta, X, y))
    assert lam < 0  # a random initialisation has negative curvature
    assert lam == pytest.approx(lam_dense, rel=1e-9)
    assert min(np.linalg.norm(vec - vec_dense), np.linalg.norm(vec + vec_dense)) < 1e-6
    assert count[0] < 400


def test_loss_decreases_along_the_negative_curvature_direction_second_order():
    model, theta, X, y = make_network_problem(200, seed=2)
    lam, vec = lowest_eigenpair(network_hvp(model, theta, X, y), model.n_params)
    ts = np.array([-1e-3, 0.0, 1e-3])
    vals = loss_along_direction(model, theta, X, y, vec, ts)
    curvature = (vals[0] - 2 * vals[1] + vals[2]) / 1e-6
    assert curvature == pytest.approx(lam, rel=1e-4)


def test_tiny_operators_and_bad_input():
    H = np.diag([3.0, -2.0, 1.0])
    lam, vec = lowest_eigenpair(lambda v: H @ v, 3)
    assert lam == pytest.approx(-2.0)
    assert np.allclose(vec, [0, 1, 0])
    with pytest.raises(ValueError, match="n_params"):
        lowest_eigenpair(lambda v: v, 1)
    with pytest.raises(ValueError, match="n_params_target"):
        make_network_problem(3)
    model, theta, X, y = make_network_problem(50)
    with pytest.raises(ValueError, match="direction"):
        loss_along_direction(model, theta, X, y, theta[:-1], [0.0])

