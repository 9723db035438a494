"""The exact Hessian engine against independent references (complex step, finite differences)."""

import numpy as np
import pytest

from helpers.networks.mlp import MLP

CASES = [(1, 4, 1, 0.0), (2, 5, 1, 0.0), (3, 4, 2, 0.0), (2, 3, 1, 1e-2)]


def _problem(n_in, n_hidden, n_out, l2, seed=0, n=9):
    rng = np.random.default_rng(seed)
    model = MLP(n_in, n_hidden, n_out, l2=l2)
    theta = model.init(rng, 1.7)
    X = rng.standard_normal((n, n_in))
    y = rng.standard_normal((n, n_out))
    return model, theta, X, y


def _unpack(theta, n_in, h, o):
    """Independent unpacking of the documented layout [W1 | b1 | W2 | b2]."""
    W1 = theta[: h * n_in].reshape(h, n_in)
    b1 = theta[h * n_in : h * n_in + h]
    W2 = theta[h * n_in + h : h * n_in + h + o * h].reshape(o, h)
    b2 = theta[h * n_in + h + o * h :]
    return W1, b1, W2, b2


def ref_loss(theta, X, y, n_in, h, o, l2):
    """Loss written sample by sample (works for complex theta: no abs, no conj)."""
    W1, b1, W2, b2 = _unpack(theta, n_in, h, o)
    total = 0.0
    for x_i, y_i in zip(X, y, strict=True):
        out = W2 @ np.tanh(W1 @ x_i + b1) + b2
        total = total + np.sum((out - y_i) ** 2)
    return total / (len(X) * o) + 0.5 * l2 * np.sum(theta * theta)


def ref_gradient(theta, X, y, n_in, h, o, l2):
    """Backpropagation written sample by sample (complex-safe), independent of helpers.networks."""
    W1, b1, W2, b2 = _unpack(theta, n_in, h, o)
    gW1, gb1 = np.zeros_like(W1), np.zeros_like(b1)
    gW2, gb2 = np.zeros_like(W2), np.zeros_like(b2)
    c = 2.0 / (len(X) * o)
    for x_i, y_i in zip(X, y, strict=True):
        a = np.tanh(W1 @ x_i + b1)
        r = W2 @ a + b2 - y_i
        gb2 = gb2 + c * r
        gW2 = gW2 + c * np.outer(r, a)
        dz = (W2.T @ (c * r)) * (1 - a * a)
        gb1 = gb1 + dz
        gW1 = gW1 + np.outer(dz, x_i)
    return np.concatenate([gW1.ravel(), gb1, gW2.ravel(), gb2]) + l2 * theta


def complex_step(f, theta, v, h=1e-30):
    """Directional derivative of f at theta along v by the complex step (no cancellation error)."""
    return np.imag(f(theta + 1j * h * v)) / h


def rel_err(a, b):
    return np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300)


@pytest.mark.parametrize("case", CASES)
def test_gradient_matches_complex_step_of_the_loss(case):
    model, theta, X, y = _problem(*case)
    args = (X, y, *case)
    ref = np.array([complex_step(lambda t: ref_loss(t, *args), theta, e)
                    for e in np.eye(model.n_params)])
    assert rel_err(model.gradient(theta, X, y), ref) < 1e-10
    assert rel_err(ref_gradient(theta, *args), ref) < 1e-10  # the reference itself
    assert model.loss(theta, X, y) == pytest.approx(ref_loss(theta, *args), rel=1e-12)


@pytest.mark.parametrize("case", CASES)
def test_gradient_matches_finite_differences_of_the_loss(case):
    model, theta, X, y = _problem(*case)
    eps = 1e-6
    fd = np.array([(model.loss(theta + eps * e, X, y) - model.loss(theta - eps * e, X, y))
                   / (2 * eps) for e in np.eye(model.n_params)])
    assert rel_err(model.gradient(theta, X, y), fd) < 1e-7


@pytest.mark.parametrize("case", CASES)
def test_hvp_and_hessian_match_complex_step_of_independent_gradient(case):
    model, theta, X, y = _problem(*case)
    args = (X, y, *case)
    ref_H = np.column_stack([complex_step(lambda t: ref_gradient(t, *args), theta, e)
                             for e in np.eye(model.n_params)])
    H = model.hessian(theta, X, y)
    assert rel_err(H, ref_H) < 1e-10
    rng = np.random.default_rng(1)
    for _ in range(3):
        v = rng.standard_normal(model.n_params)
        ref_Hv = complex_step(lambda t: ref_gradient(t, *args), theta, v)
        assert rel_err(model.hvp(theta, X, y, v), ref_Hv) < 1e-10


@pytest.mark.parametrize("case", CASES)
def test_hessian_matches_central_differences_of_gradient_and_is_symmetric(case):
    model, theta, X, y = _problem(*case)
    eps = 1e-5
    fd = np.column_stack([(model.gradient(theta + eps * e, X, y)
                           - model.gradient(theta - eps * e, X, y)) / (2 * eps)
                          for e in np.eye(model.n_params)])
    H = model.hessian(theta, X, y)
    assert rel_err(H, fd) < 1e-7
    assert np.array_equal(H, H.T)


def test_residual_term_and_cross_blocks_are_present():
    model, theta, X, y = _problem(2, 5, 1, 0.0)
    H = model.hessian(theta, X, y)
    J = model.jacobian(theta, X)
    gauss_newton = 2.0 / len(X) * J.T @ J
    assert np.min(np.linalg.eigvalsh(H)) < -1e-3  # indefinite: the residual term matters
    assert np.min(np.linalg.eigvalsh(gauss_newton)) > -1e-12
    split = model.slices["W2"].start
    assert np.abs(H[:split, split:]).max() > 1e-3  # cross-layer block


def test_gauss_newton_blocks_are_the_per_layer_blocks_of_JtJ():
    model, theta, X, y = _problem(2, 5, 1, 0.0)
    eps = 1e-6
    J = np.column_stack([(model.predict(theta + eps * e, X) - model.predict(theta - eps * e, X))
                         .ravel() / (2 * eps) for e in np.eye(model.n_params)])
    assert rel_err(model.jacobian(theta, X), J) < 1e-8
    full = 2.0 / len(X) * J.T @ J
    GN = model.gauss_newton_blocks(theta, X, y)
    split = model.slices["W2"].start
    assert np.all(GN[:split, split:] == 0) and np.all(GN[split:, :split] == 0)
    assert rel_err(GN[:split, :split], full[:split, :split]) < 1e-8
    assert rel_err(GN[split:, split:], full[split:, split:]) < 1e-8
    assert np.min(np.linalg.eigvalsh(GN)) > -1e-12


@pytest.mark.parametrize("case", CASES)
def test_batched_equals_looped(case):
    model, _, X, y = _problem(*case)
    thetas = np.array([model.init(s, 1.5) for s in range(6)])
    vs = np.random.default_rng(3).standard_normal(thetas.shape)
    Hb = model.hessian_batch(thetas, X, y)
    gb = model.gradient(thetas, X, y)
    lb = model.loss(thetas, X, y)
    hvb = model.hvp(thetas, X, y, vs)
    for b in range(len(thetas)):
        assert np.allclose(Hb[b], model.hessian(thetas[b], X, y), rtol=1e-13, atol=1e-14)
        assert np.allclose(gb[b], model.gradient(thetas[b], X, y), rtol=1e-13, atol=1e-15)
        assert lb[b] == pytest.approx(model.loss(thetas[b], X, y), rel=1e-13)
        assert np.allclose(hvb[b], model.hvp(thetas[b], X, y, vs[b]), rtol=1e-12, atol=1e-14)


def test_batched_data_per_network():
    model, theta, X, y = _problem(2, 3, 1, 0.0)
    thetas = np.stack([theta, theta + 0.1])
    Xs = np.stack([X, 2 * X])
    ys = np.stack([y, -y])
    Hb = model.hessian_batch(thetas, Xs, ys)
    assert np.allclose(Hb[1], model.hessian(thetas[1], 2 * X, -y), rtol=1e-13, atol=1e-14)


def test_cache_is_by_value_not_by_identity():
    model, theta, X, y = _problem(2, 4, 1, 0.0)
    v = np.ones(model.n_params)
    first = model.hvp(theta, X, y, v)
    theta2 = theta.copy()
    theta2[0] += 0.5
    assert not np.allclose(model.hvp(theta2, X, y, v), first)
    theta[0] += 0.5  # mutated in place: must not reuse the stale pass
    assert np.allclose(model.hvp(theta, X, y, v), model.hessian(theta, X, y) @ v)


def test_init_is_seeded_and_layout_round_trips():
    model = MLP(2, 3, 2)
    assert model.n_params == 3 * 2 + 3 + 2 * 3 + 2
    a, b = model.init(7, 1.0), model.init(7, 1.0)
    assert np.array_equal(a, b)
    assert np.array_equal(model.pack(*model.unpack(a)), a)


def test_bad_input_raises_value_error():
    with pytest.raises(ValueError, match="n_hidden"):
        MLP(1, 0, 1)
    with pytest.raises(ValueError, match="l2"):
        MLP(1, 2, 1, l2=-1.0)
    model, theta, X, y = _problem(2, 3, 1, 0.0)
    with pytest.raises(ValueError, match="entries"):
        model.loss(theta[:-1], X, y)
    with pytest.raises(ValueError, match="X must have shape"):
        model.loss(theta, X[:, :1], y)
    with pytest.raises(ValueError, match="same number of samples"):
        model.loss(theta, X, y[:-1])
    with pytest.raises(ValueError, match="shape of theta"):
        model.hvp(theta, X, y, theta[:-1])


@pytest.mark.parametrize("l2", [0.0, 3e-3])
def test_single_output_hvp_fast_path_matches_the_general_path(l2):
    model, theta, X, y = _problem(3, 7, 1, l2, seed=4, n=13)
    vs = np.random.default_rng(5).standard_normal((4, model.n_params))
    general = model.hvp(np.tile(theta, (4, 1)), X, y, vs)  # batched: the general code path
    for v, ref in zip(vs, general, strict=True):
        assert rel_err(model.hvp(theta, X, y, v), ref) < 1e-13
        assert rel_err(model.hvp(theta, X, y, v), model.hessian(theta, X, y) @ v) < 1e-12


def test_alternating_gradient_and_hvp_reuse_one_pass_even_with_1d_y(monkeypatch):
    model, theta, X, y = _problem(2, 4, 1, 0.0)
    calls = []
    original = model.pass_at
    monkeypatch.setattr(model, "pass_at", lambda *a: calls.append(1) or original(*a))
    v = np.ones(model.n_params)
    for _ in range(3):
        model.gradient(theta, X, y[:, 0])
        model.hvp(theta, X, y[:, 0], v)
        model.loss(theta, X.tolist(), y)
    assert len(calls) == 1


@pytest.mark.parametrize("n_in", [1, 3])
def test_wide_layout_gradient_matches_the_batched_layout_and_the_reference(n_in):
    model = MLP(n_in, 5, 1, l2=3e-3)
    thetas = np.array([model.init(s, 2.0) for s in range(7)])
    X = np.random.default_rng(n_in).standard_normal((11, n_in))
    y = np.sin(X[:, :1])
    wide = model.gradient(thetas, X, y, wide=True)
    assert np.allclose(wide, model.gradient(thetas, X, y), rtol=1e-12, atol=1e-15)
    for theta, g in zip(thetas, wide, strict=True):
        ref = ref_gradient(theta, X, y, n_in, 5, 1, 3e-3)
        assert rel_err(g, ref) < 1e-12


def test_wide_layout_bad_input():
    model, theta, X, y = _problem(2, 3, 2, 0.0)
    with pytest.raises(ValueError, match="wide=True"):
        model.gradient(np.stack([theta, theta]), X, y, wide=True)  # two outputs
    model, theta, X, y = _problem(2, 3, 1, 0.0)
    with pytest.raises(ValueError, match="wide=True"):
        model.gradient(theta, X, y, wide=True)  # one theta, not a batch
