"""Optimisers against closed forms on quadratics and hand-computed first steps."""

import numpy as np
import pytest

from helpers import optimizers as opt


def quad_grad(a):
    """Gradient of L = 1/2 sum a_i theta_i^2 (a diagonal quadratic)."""
    a = np.asarray(a, dtype=float)
    return lambda theta: a * theta


@pytest.mark.parametrize(("a", "lr"), [(1.0, 0.1), (3.0, 0.5), (10.0, 0.19), (2.0, 1.2)])
def test_gd_on_quadratic_is_geometric(a, lr):
    """GD on 1/2 a x^2 gives x_t = (1 - lr a)^t x0."""
    path = opt.run(opt.SGD(lr), quad_grad([a]), np.array([1.7]), 30)
    t = np.arange(31)
    np.testing.assert_allclose(path[:, 0], (1 - lr * a) ** t * 1.7, rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize(
    ("a", "lr", "lam"), [(1.0, 0.1, 0.9), (4.0, 0.1, 0.5), (1.0, 0.05, 0.0), (1.0, 0.9, 0.1)]
)
def test_momentum_on_quadratic_matches_characteristic_roots(a, lr, lam):
    """x_{t+1} = (1 + lam - lr a) x_t - lam x_{t-1}: x_t = c1 r1^t + c2 r2^t."""
    x0 = 1.3
    path = opt.run(opt.Momentum(lr, momentum=lam), quad_grad([a]), np.array([x0]), 40)[:, 0]
    r1, r2 = np.roots([1.0, -(1 + lam - lr * a), lam]).astype(complex)
    x1 = (1 - lr * a) * x0
    if np.isclose(r1, r2):
        pytest.skip("repeated root")
    c1, c2 = np.linalg.solve(np.array([[1, 1], [r1, r2]]), np.array([x0, x1], dtype=complex))
    t = np.arange(41)
    expected = c1 * r1**t + c2 * r2**t
    np.testing.assert_allclose(expected.imag, 0, atol=1e-10)
    np.testing.assert_allclose(path, expected.real, rtol=1e-9, atol=1e-12)


def test_momentum_is_weighted_sum_of_past_gradients():
    """m_t = -sum_i lam^(t-i) lr g_i, and theta_t = theta_0 + sum of the m's."""
    rng = np.random.default_rng(1)
    grads = rng.normal(size=(6, 3))
    lam, lr = 0.7, 0.2
    o = opt.Momentum(lr, momentum=lam)
    theta = np.zeros(3)
    for t, g in enumerate(grads):
        theta = o.step(theta, g)
        expected_m = -sum(lam ** (t - i) * lr * grads[i] for i in range(t + 1))
        np.testing.assert_allclose(o.m, expected_m, rtol=1e-12)


def test_momentum_zero_is_gradient_descent():
    g = quad_grad([1.0, 5.0])
    p1 = opt.run(opt.Momentum(0.1, momentum=0.0), g, np.array([1.0, -2.0]), 20)
    p2 = opt.run(opt.SGD(0.1), g, np.array([1.0, -2.0]), 20)
    np.testing.assert_allclose(p1, p2, rtol=0, atol=1e-15)


@pytest.mark.parametrize("cls", [opt.Adagrad, opt.RMSProp, opt.Adam])
def test_adaptive_first_step_is_lr_per_coordinate(cls):
    """With eps = 0 the first step has magnitude exactly lr in every coordinate: lr * sign(g)."""
    a = np.array([1e-3, 1.0, 1e3, 2.0])
    theta0 = np.array([1.0, -2.0, 0.5, -0.25])
    path = opt.run(cls(0.1, eps=0.0), quad_grad(a), theta0, 1)
    np.testing.assert_allclose(path[1] - path[0], -0.1 * np.sign(a * theta0), rtol=1e-15)


def test_adagrad_second_step_by_hand():
    """1-D quadratic a x^2/2: sigma_1 = sqrt((g0^2 + g1^2)/2)."""
    a, lr, x0 = 2.0, 0.3, 1.0
    x1 = x0 - lr  # first step: lr * sign(g0)
    g0, g1 = a * x0, a * x1
    x2 = x1 - lr / np.sqrt((g0**2 + g1**2) / 2) * g1
    path = opt.run(opt.Adagrad(lr, eps=0.0), quad_grad([a]), np.array([x0]), 2)
    np.testing.assert_allclose(path[:, 0], [x0, x1, x2], rtol=1e-14)


def test_adagrad_with_sqrt_decay_is_original_adagrad():
    """Lecture Adagrad + lr/sqrt(t+1) decay == lr / sqrt(sum of squared gradients)."""
    g = quad_grad([0.5, 20.0])
    theta = np.array([3.0, 1.0])
    path = opt.run(opt.Adagrad(opt.inverse_sqrt_decay(0.4), eps=0.0), g, theta, 50)
    acc = np.zeros(2)
    ref = [theta.copy()]
    for _ in range(50):
        grad = g(theta)
        acc += grad**2
        theta = theta - 0.4 / np.sqrt(acc) * grad
        ref.append(theta.copy())
    np.testing.assert_allclose(path, np.array(ref), rtol=1e-12)


@pytest.mark.parametrize("cls", [opt.Adagrad, opt.RMSProp, opt.Adam])
def test_adaptive_paths_do_not_depend_on_loss_scale(cls):
    """Scaling the loss by c scales g and sigma alike, so (eps = 0) the path is unchanged."""
    a = np.array([0.1, 10.0])
    theta0 = np.array([2.0, 1.0])
    p1 = opt.run(cls(0.05, eps=0.0), quad_grad(a), theta0, 30)
    p2 = opt.run(cls(0.05, eps=0.0), quad_grad(1000 * a), theta0, 30)
    np.testing.assert_allclose(p1, p2, rtol=1e-10, atol=1e-12)


def test_rmsprop_second_step_by_hand():
    a, lr, alpha, x0 = 1.0, 0.1, 0.8, 2.0
    x1 = x0 - lr
    g0, g1 = a * x0, a * x1
    sigma1 = np.sqrt(alpha * g0**2 + (1 - alpha) * g1**2)
    x2 = x1 - lr / sigma1 * g1
    path = opt.run(opt.RMSProp(lr, alpha=alpha, eps=0.0), quad_grad([a]), np.array([x0]), 2)
    np.testing.assert_allclose(path[:, 0], [x0, x1, x2], rtol=1e-14)


def test_adam_second_step_by_hand():
    lr, b1, b2 = 0.1, 0.9, 0.999
    g0, g1 = np.array([2.0, -1.0]), np.array([0.5, 3.0])
    o = opt.Adam(lr, beta1=b1, beta2=b2, eps=0.0)
    th1 = o.step(np.zeros(2), g0)
    np.testing.assert_allclose(th1, -lr * np.sign(g0), rtol=1e-15)
    th2 = o.step(th1, g1)
    m = (1 - b1) * (b1 * g0 + g1) / (1 - b1**2)
    v = (1 - b2) * (b2 * g0**2 + g1**2) / (1 - b2**2)
    np.testing.assert_allclose(th2, th1 - lr * m / np.sqrt(v), rtol=1e-13)


def test_schedules():
    assert opt.constant(0.3)(17) == 0.3
    np.testing.assert_allclose([opt.inverse_sqrt_decay(1.0)(t) for t in (0, 3, 99)], [1, 0.5, 0.1])
    w = opt.linear_warmup(1.0, 4)
    np.testing.assert_allclose([w(t) for t in range(6)], [0.25, 0.5, 0.75, 1, 1, 1])
    w2 = opt.linear_warmup(1.0, 2, after=opt.inverse_sqrt_decay(1.0))
    expected = [0.5, 1, 1, 1 / np.sqrt(2), 1 / np.sqrt(3)]
    np.testing.assert_allclose([w2(t) for t in range(5)], expected)
    wd = opt.warmup_then_decay(1.0, 4)
    np.testing.assert_allclose([wd(t) for t in (0, 3, 15)], [0.25, 1.0, 0.5])


def test_schedule_is_used_per_step():
    path = opt.run(opt.SGD(lambda t: 0.1 * (t + 1)), lambda th: np.ones(1), np.zeros(1), 3)
    np.testing.assert_allclose(path[:, 0], [0, -0.1, -0.3, -0.6])


def test_trace_records_effective_lr_and_run_resets():
    o = opt.Adagrad(0.5, eps=0.0)
    tr = opt.trace(o, quad_grad([2.0]), np.array([1.0]), 3)
    assert tr.theta.shape == (4, 1) and tr.grad.shape == (3, 1) and tr.effective_lr.shape == (3, 1)
    np.testing.assert_allclose(tr.effective_lr[0], 0.5 / 2.0)
    again = opt.trace(o, quad_grad([2.0]), np.array([1.0]), 3)
    np.testing.assert_array_equal(tr.theta, again.theta)


@pytest.mark.parametrize(
    "make",
    [
        lambda: opt.SGD(-0.1),
        lambda: opt.Momentum(0.1, momentum=1.0),
        lambda: opt.Momentum(0.1, momentum=-0.1),
        lambda: opt.RMSProp(0.1, alpha=1.5),
        lambda: opt.Adam(0.1, beta2=1.0),
        lambda: opt.Adagrad(0.1, eps=-1),
        lambda: opt.linear_warmup(0.1, 0),
        lambda: opt.constant(float("nan")),
        lambda: opt.run(opt.SGD(0.1), quad_grad([1.0]), np.array([1.0]), -1),
        lambda: opt.run(opt.SGD(0.1), quad_grad([1.0]), np.ones((2, 2)), 1),
        lambda: opt.SGD(0.1).step(np.zeros(2), np.zeros(3)),
        lambda: opt.run(opt.SGD(lambda t: -1.0), quad_grad([1.0]), np.array([1.0]), 1),
    ],
)
def test_bad_input_raises_value_error(make):
    with pytest.raises(ValueError):
        make()


def test_repr_names_the_coefficients():
    assert repr(opt.Momentum(0.1, momentum=0.5)) == "Momentum(lr=0.1, momentum=0.5)"
    assert repr(opt.Adam(0.1)) == "Adam(lr=0.1, beta1=0.9, beta2=0.999, eps=1e-08)"
    assert repr(opt.SGD(0.5)) == "SGD(lr=0.5)"


def test_reset_forgets_the_state():
    o = opt.Adam(0.1)
    o.step(np.zeros(2), np.ones(2))
    assert o.t == 1 and o.m is not None and o.v is not None
    o.reset()
    assert o.t == 0 and o.m is None and o.v is None and o.effective_lr == 0.0


@pytest.mark.parametrize("cls", [opt.Adagrad, opt.RMSProp, opt.Adam])
def test_adaptive_on_a_constant_gradient_moves_lr_per_step(cls):
    """Closed form on a linear loss L = c·theta: sigma = |c| (Adam: m_hat = c, v_hat = c^2) always,
    so every step is exactly -lr * sign(c) and theta_t = theta_0 - t lr sign(c)."""
    c = np.array([0.003, -4.0, 250.0])
    path = opt.run(cls(0.05, eps=0.0), lambda theta: c, np.zeros(3), 25)
    t = np.arange(26)[:, None]
    np.testing.assert_allclose(path, -0.05 * t * np.sign(c), rtol=1e-12, atol=1e-15)


def test_original_adagrad_on_a_constant_gradient_is_a_harmonic_like_sum():
    """Adagrad with lr/sqrt(t+1) decay on L = c·theta: step t is lr/sqrt(t+1) * sign(c)."""
    c = np.array([2.0, -0.01])
    path = opt.run(opt.Adagrad(opt.inverse_sqrt_decay(0.3), eps=0.0), lambda th: c, np.zeros(2), 40)
    expected = -0.3 * np.cumsum(1 / np.sqrt(np.arange(1, 41)))[:, None] * np.sign(c)
    np.testing.assert_allclose(path[1:], expected, rtol=1e-12)


def test_adagrad_sigma_is_the_rms_of_all_past_gradients():
    """The lecture's sigma_t = sqrt(mean of g_0^2 ... g_t^2), for any gradient sequence."""
    grads = np.random.default_rng(3).normal(size=(9, 2)) * [1.0, 100.0]
    o = opt.Adagrad(0.1, eps=0.0)
    for t, g in enumerate(grads):
        o.step(np.zeros(2), g)
        np.testing.assert_allclose(o.sigma, np.sqrt(np.mean(grads[: t + 1] ** 2, axis=0)),
                                   rtol=1e-13)


def test_rmsprop_sigma_is_the_unrolled_moving_average():
    """sigma_t^2 = alpha^t g_0^2 + (1 - alpha) sum_{k=1..t} alpha^(t-k) g_k^2 (sigma_0 = |g_0|)."""
    grads = np.random.default_rng(4).normal(size=(8, 3))
    alpha = 0.7
    o = opt.RMSProp(0.1, alpha=alpha, eps=0.0)
    for t, g in enumerate(grads):
        o.step(np.zeros(3), g)
        expected = alpha**t * grads[0] ** 2 + (1 - alpha) * sum(
            alpha ** (t - k) * grads[k] ** 2 for k in range(1, t + 1))
        np.testing.assert_allclose(o.sigma**2, expected, rtol=1e-12)
