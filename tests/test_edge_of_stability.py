"""helpers.edge_of_stability on a quadratic (stable iff λ_max < 2/lr) and on a network."""

import numpy as np
import pytest

from helpers import edge_of_stability as E
from helpers.minibatch import digits_task
from helpers.networks.mlp import MLP


class Quadratic:
    """L = ½ θᵀAθ with the network interface the tracker needs."""

    def __init__(self, eigvals):
        Q, _ = np.linalg.qr(np.random.default_rng(0).standard_normal((len(eigvals),) * 2))
        self.A = Q @ np.diag(eigvals) @ Q.T

    def loss(self, theta, X, Y):
        return 0.5 * theta @ self.A @ theta

    def gradient(self, theta, X, Y):
        return self.A @ theta

    def hvp(self, theta, X, Y, v):
        return self.A @ v


def test_quadratic_sharpness_is_constant_and_sets_stability():
    quad = Quadratic(np.linspace(0.5, 4.0, 30))
    theta0 = np.ones(30)
    stable = E.track_sharpness(quad, theta0, None, None, lr=0.45, n_steps=200, every=50)
    np.testing.assert_allclose(stable.sharpness, 4.0, rtol=1e-8)
    assert stable.steps.tolist() == [0, 50, 100, 150, 200]
    summary = E.summarise_run(stable)
    assert not summary["diverged"] and summary["n_loss_rises"] == 0
    assert summary["second_half_ratio_median"] == pytest.approx(4.0 / (2 / 0.45))
    unstable = E.track_sharpness(quad, theta0, None, None, lr=0.55, n_steps=400, every=50)
    assert E.summarise_run(unstable)["diverged"] and np.isnan(unstable.loss[-1])
    with pytest.raises(ValueError):
        E.track_sharpness(quad, theta0, None, None, lr=0.1, n_steps=0)


def test_network_sharpness_tracker_uses_the_exact_hessian():
    task = digits_task(100, seed=0)
    net = MLP(64, 4, 10)
    run = E.track_sharpness(net, net.init(0), task.X_train, task.Y_train, lr=0.5, n_steps=10,
                            every=10, tol=1e-10)
    theta = net.init(0)
    for _ in range(10):
        theta = theta - 0.5 * net.gradient(theta, task.X_train, task.Y_train)
    top = np.linalg.eigvalsh(net.hessian(theta, task.X_train, task.Y_train))[-1]
    assert run.sharpness[-1] == pytest.approx(top, rel=1e-8)
    assert run.loss[-1] == pytest.approx(net.loss(theta, task.X_train, task.Y_train), rel=1e-12)
