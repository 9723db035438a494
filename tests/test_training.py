"""Batching on the line-fit surface, and cost counting (batches themselves: test_minibatch)."""

import numpy as np
import pytest

from helpers import optimizers as opt
from helpers import training as T


def test_linefit_gradient_matches_finite_differences():
    fit = T.LineFit.make(20, 0)
    theta = np.array([0.3, -1.2])
    idx = np.array([1, 5, 7])
    for batch in (None, idx):
        g = fit.grad(theta, batch)
        e = 1e-6
        fd = [(fit.loss(theta + e * d, batch) - fit.loss(theta - e * d, batch)) / (2 * e)
              for d in np.eye(2)]
        np.testing.assert_allclose(g, fd, rtol=1e-7, atol=1e-9)


def test_full_batch_gd_reaches_least_squares_minimum_and_batch_one_is_noisy():
    fit = T.LineFit.make(20, 0)
    theta0 = np.array([-2.0, 2.0])
    full = T.minibatch_path(fit.grad, theta0, 20, 20, 300, opt.SGD(0.3), np.random.default_rng(0))
    assert full.shape == (301, 2)
    np.testing.assert_allclose(full[-1], fit.minimum(), atol=1e-6)
    one = T.minibatch_path(fit.grad, theta0, 20, 1, 15, opt.SGD(0.3), np.random.default_rng(0))
    assert one.shape == (301, 2)
    # per-step full-batch loss never increases for full batch; it does for batch size 1
    assert np.all(np.diff(fit.loss(full)) <= 1e-12)
    assert np.any(np.diff(fit.loss(one)) > 0)


def test_minibatch_path_with_batch_equal_to_n_is_plain_gd():
    fit = T.LineFit.make(12, 3)
    theta0 = np.array([1.0, 1.0])
    p1 = T.minibatch_path(fit.grad, theta0, 12, 12, 10, opt.SGD(0.1), np.random.default_rng(5))
    p2 = opt.run(opt.SGD(0.1), fit.grad, theta0, 10)
    np.testing.assert_allclose(p1, p2, rtol=1e-13)


def test_flops_per_epoch_do_not_depend_on_batch_size():
    per_example = T.mlp_flops_per_update(1, 784, 100, 10)
    assert per_example == 3 * 2 * (784 * 100 + 100 * 10)
    for b in (1, 10, 100, 1000):
        assert T.mlp_flops_per_update(b, 784, 100, 10) * (60000 // b) == 60000 * per_example
    with pytest.raises(ValueError):
        T.mlp_flops_per_update(0, 2, 2)

