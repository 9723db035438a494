"""helpers.adaptive_demos: the two surfaces, the optimisers on them, Adam's m̂/σ̂."""

import numpy as np
import pytest

from helpers import adaptive_demos as A
from helpers import optimizers as opt


@pytest.mark.parametrize("surface", [A.CliffThenSlope(), A.FlatThenValley()])
def test_gradients_match_finite_differences(surface):
    for theta in (np.array([-0.2, 1.0]), np.array([0.05, -0.3]), np.array([4.0, 1.0])):
        eps = 1e-6
        fd = [(surface.loss(theta + eps * e) - surface.loss(theta - eps * e)) / (2 * eps)
              for e in np.eye(2)]
        np.testing.assert_allclose(surface.grad(theta), fd, rtol=1e-7, atol=1e-9)


def test_cliff_minimum_and_the_adaptive_race():
    cliff = A.CliffThenSlope()
    assert np.allclose(cliff.grad(np.array([10.0, 0.0])), 0, atol=1e-15)
    reach = {kind: A.first_index(A.run_kind(kind, cliff, [-0.2, 1.0], 0.05, 4000).theta[:, 0] >= 9)
             for kind in ("Adagrad", "RMSProp")}
    assert 0 < reach["RMSProp"] < reach["Adagrad"]


def test_run_kind_uses_the_course_optimizers():
    valley = A.FlatThenValley()
    tr = A.run_kind("RMSProp", valley, [4.0, 1.0], 0.1, 30)
    np.testing.assert_array_equal(tr.theta, opt.run(opt.RMSProp(0.1, alpha=0.9), valley.grad,
                                                    np.array([4.0, 1.0]), 30))
    with pytest.raises(ValueError):
        A.make_optimizer("Nesterov", 0.1)


def test_overshoot_and_settle_by_hand():
    x = np.array([4.0, 2.0, 0.2, -0.4, 0.1, 0.04, 0.01, -0.02])
    assert A.overshoot_and_settle(x) == (2, 0.4, 5)
    assert A.overshoot_and_settle(np.array([1.0, 0.5, 0.6]))[0] == -1
    assert A.overshoot_and_settle(np.array([1.0, 0.01, 0.2]))[2] == -1


def test_adam_ratio_closed_forms():
    beta1 = 0.9
    alternating = A.adam_ratio(((-1.0) ** np.arange(20_000))[:, None], beta1=beta1)
    assert np.abs(alternating[-10_000:]).mean() == pytest.approx((1 - beta1) / (1 + beta1),
                                                                 rel=1e-3)
    constant = A.adam_ratio(np.full((500, 1), 3.0))
    np.testing.assert_allclose(constant, 1.0, rtol=1e-7)
    first = A.adam_ratio(np.array([[0.02, -3.0]]))
    np.testing.assert_allclose(first, [[1.0, -1.0]], rtol=1e-6)
