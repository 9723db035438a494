"""helpers.momentum_rates against closed forms (Polyak 1964; Goh 2017) and np.roots."""

import numpy as np
import pytest

from helpers import momentum_rates as R
from helpers.optimizers import Momentum


@pytest.mark.parametrize(("lr", "beta"), [(0.01, 0.0), (0.03, 0.5), (0.0331, 0.669), (0.019, 0.95)])
def test_spectral_rate_is_the_largest_characteristic_root(lr, beta):
    curv = [1.0, 100.0]
    expected = max(np.abs(np.roots([1.0, -(1 + beta - lr * c), beta])).max() for c in curv)
    assert R.spectral_rate(curv, lr, beta) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("kappa", [10.0, 100.0, 1000.0])
def test_best_rates_are_the_closed_forms_and_are_measured(kappa):
    lr, rate = R.best_gd(1.0, kappa)
    assert rate == pytest.approx((kappa - 1) / (kappa + 1))
    assert R.spectral_rate([1.0, kappa], lr, 0.0) == pytest.approx(rate, rel=1e-12)
    lr_hb, beta, rate_hb = R.best_heavy_ball(1.0, kappa)
    assert rate_hb == pytest.approx((np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1))
    assert R.spectral_rate([1.0, kappa], lr_hb, beta) == pytest.approx(rate_hb, rel=1e-6)
    path = R.bowl_path([1.0, kappa], [1.0, 1.0], lr_hb, beta, 600)
    assert R.measured_rate(path, 300, double_root=True) == pytest.approx(rate_hb, rel=1e-4)


def test_no_other_pair_beats_the_predicted_best():
    lr_hb, beta, rate = R.best_heavy_ball(1.0, 100.0)
    lrs, betas = np.meshgrid(np.linspace(0.5, 1.5, 41) * lr_hb, np.linspace(0, 0.99, 100))
    assert R.spectral_rate([1.0, 100.0], lrs, betas).min() >= rate - 1e-9
    _, rate_gd = R.best_gd(1.0, 100.0)
    assert R.spectral_rate([1.0, 100.0], np.linspace(0.001, 0.0399, 300), 0.0).min() >= \
        rate_gd - 1e-12


def test_critical_damping_is_a_double_root():
    lr, mu = 0.01, 1.0
    beta_c = R.critical_beta(lr, mu)
    assert beta_c == pytest.approx(0.81)
    b = 1 + beta_c - lr * mu
    assert b * b - 4 * beta_c == pytest.approx(0, abs=1e-12)
    assert R.spectral_rate([mu], lr, beta_c) == pytest.approx(1 - np.sqrt(lr * mu))
    with pytest.raises(ValueError):
        R.critical_beta(2.0, 1.0)


def test_gd_measured_rate_and_steps_to_by_hand():
    path = R.bowl_path([1.0], [1.0], 0.5, 0.0, 40)        # x_t = 0.5^t
    assert R.measured_rate(path, 10) == pytest.approx(0.5)
    assert R.steps_to(path, 1e-3) == 10                    # 0.5^10 < 1e-3 < 0.5^9
    assert R.steps_to(path, 1e-30) == -1
    with pytest.raises(ValueError):
        R.measured_rate(path, 40)


def test_safe_norms_do_not_underflow():
    path = np.array([[3.0, 4.0], [3e-170, 4e-170], [0.0, 0.0]])
    np.testing.assert_allclose(R.safe_norms(path), [5.0, 5e-170, 0.0], rtol=1e-12)


def test_unrolled_momentum_is_the_optimizers_m():
    rng = np.random.default_rng(0)
    grads = rng.standard_normal((50, 3))
    opt, theta, ms = Momentum(0.1, momentum=0.8), np.zeros(3), []
    for g in grads:
        theta = opt.step(theta, g)
        ms.append(opt.m.copy())
    np.testing.assert_allclose(R.unrolled_momentum(grads, 0.1, 0.8), ms, rtol=1e-12, atol=1e-15)


def test_bad_bowls_raise():
    for mu, L in ((0.0, 1.0), (2.0, 1.0)):
        with pytest.raises(ValueError):
            R.best_gd(mu, L)
