"""The engine at depth 1, 2 and 3 with several outputs, against independent loop references.

The reference loss and backpropagation below are written sample by sample and layer by layer,
share nothing with helpers.networks, and work on complex numbers, so the complex step
Im f(θ + i·h·v)/h differentiates them exactly to rounding: the gradient from the loss, and the
HVP and the Hessian from the reference gradient. Tolerance 1e-10 relative throughout.
"""

import numpy as np
import pytest

from helpers.networks import deep_hessian, deep_passes
from helpers.networks.mlp import MLP

TOL = 1e-10
CASES = [  # (n_in, hidden, n_out, l2)
    (3, 5, 1, 0.0),
    (3, 5, 3, 1e-3),
    (3, (4, 5), 2, 0.0),
    (4, (6, 5), 3, 1e-2),
    (2, (4, 3, 5), 3, 1e-3),
    (3, (4, 3, 5), 1, 0.0),
]
IDS = [f"{i}-{h}-{o}-l2={l2:g}" for i, h, o, l2 in CASES]


def rel(a, b) -> float:
    """max |a − b| / max |b|."""
    a, b = np.asarray(a), np.asarray(b)
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300))


def _layers(theta, sizes):
    """Independent unpacking of the documented layout [W1 | b1 | W2 | b2 | …]."""
    out, off = [], 0
    for m, n in zip(sizes[:-1], sizes[1:], strict=True):
        W = theta[off: off + n * m].reshape(n, m)
        b = theta[off + n * m: off + n * m + n]
        out.append((W, b))
        off += n * m + n
    return out


def ref_loss(theta, sizes, X, Y, l2):
    """Loss written sample by sample (complex-safe: no abs, no conj)."""
    total = 0.0
    for x, y in zip(X, Y, strict=True):
        a = x
        for k, (W, b) in enumerate(_layers(theta, sizes)):
            z = W @ a + b
            a = np.tanh(z) if k < len(sizes) - 2 else z
        total = total + np.sum((a - y) ** 2)
    return total / (len(X) * sizes[-1]) + 0.5 * l2 * np.sum(theta * theta)


def ref_gradient(theta, sizes, X, Y, l2):
    """Backpropagation written sample by sample (complex-safe)."""
    layers = _layers(theta, sizes)
    grads = [(np.zeros_like(W), np.zeros_like(b)) for W, b in layers]
    c = 2.0 / (len(X) * sizes[-1])
    for x, y in zip(X, Y, strict=True):
        acts = [x]
        for k, (W, b) in enumerate(layers):
            z = W @ acts[-1] + b
            acts.append(np.tanh(z) if k < len(layers) - 1 else z)
        delta = c * (acts[-1] - y)
        for k in range(len(layers) - 1, -1, -1):
            gW, gb = grads[k]
            grads[k] = (gW + np.outer(delta, acts[k]), gb + delta)
            if k > 0:
                delta = (layers[k][0].T @ delta) * (1 - acts[k] ** 2)
    return np.concatenate([np.concatenate([gW.ravel(), gb]) for gW, gb in grads]) + l2 * theta


def complex_step(f, theta, v, h=1e-30):
    """Directional derivative of f at theta along v (no cancellation error)."""
    return np.imag(f(theta + 1j * h * v)) / h


def _problem(n_in, hidden, n_out, l2, seed=0, n=11):
    rng = np.random.default_rng(seed)
    model = MLP(n_in, hidden, n_out, l2=l2)
    theta = model.init(rng, 1.7)
    X = rng.standard_normal((n, n_in))
    Y = rng.standard_normal((n, n_out))
    return model, theta, X, Y


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_loss_and_gradient_against_the_complex_step(case):
    model, theta, X, Y = _problem(*case)
    sizes, l2 = model.sizes, case[3]
    assert rel(model.loss(theta, X, Y), ref_loss(theta, sizes, X, Y, l2)) < 1e-13
    cs = [complex_step(lambda t: ref_loss(t, sizes, X, Y, l2), theta, e)
          for e in np.eye(model.n_params)]
    assert rel(model.gradient(theta, X, Y), cs) < TOL
    assert rel(model.gradient(theta, X, Y), ref_gradient(theta, sizes, X, Y, l2)) < TOL


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_hvp_and_hessian_against_the_complex_step_of_the_reference_gradient(case):
    model, theta, X, Y = _problem(*case)
    sizes, l2 = model.sizes, case[3]

    def grad(t):
        return ref_gradient(t, sizes, X, Y, l2)

    H_ref = np.array([complex_step(grad, theta, e) for e in np.eye(model.n_params)])
    H = model.hessian(theta, X, Y)
    assert rel(H, H_ref) < TOL
    assert rel(H, H.T) < 1e-14
    v = np.random.default_rng(4).standard_normal(model.n_params)
    assert rel(model.hvp(theta, X, Y, v), complex_step(grad, theta, v)) < TOL


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_jacobian_and_gauss_newton_blocks(case):
    model, theta, X, Y = _problem(*case)

    def outputs(t):
        a = X.T
        for k, (W, b) in enumerate(_layers(t, model.sizes)):
            z = W @ a + b[:, None]
            a = np.tanh(z) if k < len(model.sizes) - 2 else z
        return a.T.ravel()  # sample-major rows

    J_ref = np.array([complex_step(outputs, theta, e) for e in np.eye(model.n_params)]).T
    J = model.jacobian(theta, X)
    assert rel(J, J_ref) < TOL
    GN = model.gauss_newton_blocks(theta, X, Y)
    c = 2.0 / (X.shape[0] * model.n_out)
    for w, b in zip(model.layout.w_slices, model.layout.b_slices, strict=True):
        sl = slice(w.start, b.stop)
        assert rel(GN[sl, sl], c * J_ref[:, sl].T @ J_ref[:, sl]
                   + case[3] * np.eye(sl.stop - sl.start)) < TOL
    off_block = GN[: model.layout.b_slices[0].stop, model.layout.w_slices[1].start:]
    assert not off_block.any()


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_batched_equals_looped(case):
    model, _, X, Y = _problem(*case)
    thetas = np.array([model.init(s, 1.5) for s in range(4)])
    V = np.random.default_rng(1).standard_normal(thetas.shape)
    loss, grad = model.loss(thetas, X, Y), model.gradient(thetas, X, Y)
    hv, H = model.hvp(thetas, X, Y, V), model.hessian_batch(thetas, X, Y)
    for b, theta in enumerate(thetas):
        one = MLP(model.n_in, model.n_hidden, model.n_out, l2=model.l2)
        assert abs(loss[b] - one.loss(theta, X, Y)) <= 1e-14 * abs(loss[b])
        assert rel(grad[b], one.gradient(theta, X, Y)) < 1e-13
        assert rel(hv[b], one.hvp(theta, X, Y, V[b])) < 1e-12
        assert rel(H[b], one.hessian(theta, X, Y)) < 1e-12


@pytest.mark.parametrize("n_out", [1, 3])
def test_general_engine_at_depth_one_agrees_with_the_one_layer_path(n_out):
    model, theta, X, Y = _problem(3, 6, n_out, 0.0)
    layout = deep_passes.make_layout(model.sizes)
    p = deep_passes.deep_pass(layout, theta, X, Y)
    assert rel(p.grad, model.gradient(theta, X, Y)) < 1e-13
    assert rel(deep_hessian.deep_hessian(layout, p), model.hessian(theta, X, Y)) < 1e-12
    v = np.random.default_rng(2).standard_normal(model.n_params)
    assert rel(deep_passes.deep_hvp(layout, p, v), model.hvp(theta, X, Y, v)) < 1e-12


def test_layout_shapes_and_errors():
    model, theta, X, Y = _problem(3, (4, 5), 2, 0.0)
    assert model.n_params == 3 * 4 + 4 + 4 * 5 + 5 + 5 * 2 + 2
    assert model.depth == 2 and model.n_hidden == (4, 5) and model.sizes == (3, 4, 5, 2)
    assert list(model.slices) == ["W1", "b1", "W2", "b2", "W3", "b3"]
    Ws, bs = model.layers(theta)
    assert [W.shape for W in Ws] == [(4, 3), (5, 4), (2, 5)]
    assert np.array_equal(model.from_layers(Ws, bs), theta)
    assert model.predict(theta, X).shape == (X.shape[0], 2)
    assert model.data_loss(theta, X, Y) == pytest.approx(model.loss(theta, X, Y))
    assert MLP(3, (4,), 2).n_hidden == 4 and MLP(3, [4, 5], 2).depth == 2
    with pytest.raises(ValueError, match="layers"):
        model.unpack(theta)
    with pytest.raises(ValueError, match="n_hidden"):
        MLP(3, (4, 0), 2)
    with pytest.raises(ValueError, match="n_hidden"):
        MLP(3, (), 2)
    with pytest.raises(ValueError, match="n_hidden"):
        MLP(3, "4", 2)
    with pytest.raises(ValueError, match="theta must have"):
        model.gradient(theta[:-1], X, Y)
    with pytest.raises(ValueError, match="shared 2-D"):
        model.hessian_batch(np.stack([theta, theta]), np.stack([X, X]), np.stack([Y, Y]))
    with pytest.raises(ValueError, match="wide=True"):
        MLP(3, (4, 5), 1).gradient(np.zeros((2, 50)), X, Y[:, :1], wide=True)


@pytest.mark.parametrize("route", [True, False], ids=["jacobian-route", "blocks-route"])
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_both_assembly_routes_give_the_reference_hessian(case, route, monkeypatch):
    monkeypatch.setattr(deep_hessian, "_use_jacobian", lambda layout: route)
    model, theta, X, Y = _problem(*case, n=7)
    sizes, l2 = model.sizes, case[3]
    H_ref = np.array([complex_step(lambda t: ref_gradient(t, sizes, X, Y, l2), theta, e)
                      for e in np.eye(model.n_params)])
    assert rel(model.hessian(theta, X, Y), H_ref) < TOL
    thetas = np.stack([theta, model.init(9, 1.2)])
    assert rel(model.hessian_batch(thetas, X, Y)[0], H_ref) < TOL
