"""The forward pass, backward pass and Hessian-vector product of a tanh network of any depth.

Network ``sizes = (n_in, h_1, …, h_L, n_out)``, L ≥ 1 tanh hidden layers, linear outputs::

    a_0 = X,  z_l = a_{l-1}·W_lᵀ + b_l,  a_l = tanh(z_l)  (l = 1 … L),  F = a_L·W_{L+1}ᵀ + b_{L+1}

and the mean-squared error over samples and outputs, L = c/2·Σ (F − Y)² with c = 2/(n·n_out)
(no L2 term here: ``MLP`` adds it). Flat theta, layer after layer, each ``[W_l.ravel() | b_l]``:
``theta = [W_1 | b_1 | W_2 | b_2 | … | W_{L+1} | b_{L+1}]`` (for L = 1 the one-hidden-layer order).
Everything is batched over leading axes of theta (B, P) with one shared X.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["DeepPass", "Layout", "deep_hvp", "deep_pass", "join", "make_layout", "predict",
           "split"]

Array = np.ndarray


@dataclass(frozen=True)
class Layout:
    """Where each layer's weights and biases sit in theta."""

    sizes: tuple[int, ...]
    w_slices: tuple[slice, ...]  # W_l, l = 1 … L+1
    b_slices: tuple[slice, ...]  # b_l
    unit_idx: tuple[Array, ...]  # unit_idx[l-1][j]: positions of unit j's fan-in weights and bias
    n_params: int

    @property
    def depth(self) -> int:
        """Number of hidden layers L."""
        return len(self.sizes) - 2


def make_layout(sizes: tuple[int, ...]) -> Layout:
    """The layout of theta for ``sizes = (n_in, h_1, …, h_L, n_out)``."""
    offset, w_slices, b_slices, units = 0, [], [], []
    for fan_in, width in zip(sizes[:-1], sizes[1:], strict=True):
        w = slice(offset, offset + width * fan_in)
        b = slice(w.stop, w.stop + width)
        w_slices.append(w)
        b_slices.append(b)
        units.append(np.concatenate([w.start + np.arange(width * fan_in).reshape(width, fan_in),
                                     (b.start + np.arange(width))[:, None]], axis=1))
        offset = b.stop
    return Layout(tuple(sizes), tuple(w_slices), tuple(b_slices), tuple(units), offset)


def split(layout: Layout, theta: Array) -> tuple[list[Array], list[Array]]:
    """theta (..., P) → [W_1 … W_{L+1}] (..., n_l, n_{l-1}) and [b_1 … b_{L+1}] (..., n_l)."""
    lead = theta.shape[:-1]
    sizes = layout.sizes
    Ws = [theta[..., w].reshape(*lead, n, m)
          for w, m, n in zip(layout.w_slices, sizes[:-1], sizes[1:], strict=True)]
    return Ws, [theta[..., b] for b in layout.b_slices]


def join(Ws: list[Array], bs: list[Array]) -> Array:
    """Inverse of ``split``: all layers into one theta (..., P)."""
    lead = np.shape(bs[0])[:-1]
    parts: list[Array] = []
    for W, b in zip(Ws, bs, strict=True):
        parts += [np.reshape(W, (*lead, -1)), np.asarray(b)]
    return np.concatenate(parts, axis=-1)


def _affine(a: Array, W: Array, b: Array) -> Array:
    """a·Wᵀ + b, batched over leading axes."""
    return np.matmul(a, np.swapaxes(W, -1, -2)) + b[..., None, :]


def predict(Ws: list[Array], bs: list[Array], X: Array) -> Array:
    """Network outputs F (..., n, n_out)."""
    a = X
    for W, b in zip(Ws[:-1], bs[:-1], strict=True):
        a = np.tanh(_affine(a, W, b))
    return _affine(a, Ws[-1], bs[-1])


@dataclass
class DeepPass:
    """Forward and backward pass at one (theta, X, Y): mean-squared error, no L2 term."""

    Ws: list[Array]
    bs: list[Array]
    A: list[Array]  # a_0 = X, a_1 … a_L (..., n, n_l)
    S: list  # S[l] = tanh'(z_l), l = 1 … L (S[0] is None)
    gz: list  # gz[l] = dL/dz_l, l = 1 … L+1 (gz[0] is None)
    T: list  # T[l] = dL/da_l ⊙ tanh''(z_l), l = 1 … L (T[0] is None)
    R: Array  # residuals F − Y
    c: float  # 2/(n·n_out)
    data_loss: Array
    grad: Array


def deep_pass(layout: Layout, theta: Array, X: Array, Y: Array) -> DeepPass:
    """Forward and backward pass (batched over theta's leading axes): loss, gradient, caches."""
    Ws, bs = split(layout, theta)
    L = layout.depth
    A, S = [X], [None]
    for W, b in zip(Ws[:-1], bs[:-1], strict=True):
        a = np.tanh(_affine(A[-1], W, b))
        A.append(a)
        S.append(1.0 - a * a)
    R = _affine(A[-1], Ws[L], bs[L]) - Y
    c = 2.0 / (X.shape[0] * Y.shape[1])
    gz: list = [None] * (L + 2)
    T: list = [None] * (L + 1)
    gz[L + 1] = c * R
    for l in range(L, 0, -1):
        gz[l] = np.matmul(gz[l + 1], Ws[l]) * S[l]
        T[l] = -2.0 * A[l] * gz[l]  # dL/da ⊙ tanh''(z), tanh'' = −2·tanh·tanh'
    grad = join([np.matmul(np.swapaxes(gz[l + 1], -1, -2), A[l]) for l in range(L + 1)],
                [gz[l + 1].sum(axis=-2) for l in range(L + 1)])
    return DeepPass(Ws, bs, A, S, gz, T, R, c, 0.5 * c * np.sum(R * R, axis=(-2, -1)), grad)


def _tangent(p: DeepPass, dWs: list[Array], dbs: list[Array]) -> tuple[list, list]:
    """Forward-mode tangent of the pre-activations dz_l and activations da_l along (dW, db)."""
    L = len(p.Ws) - 1
    dZ: list = [None] * (L + 2)
    dA: list = [None] * (L + 1)
    for l in range(L + 1):
        z = _affine(p.A[l], dWs[l], dbs[l])
        if l > 0:
            z = z + np.matmul(dA[l], np.swapaxes(p.Ws[l], -1, -2))
        dZ[l + 1] = z
        if l < L:
            dA[l + 1] = p.S[l + 1] * z
    return dZ, dA


def deep_hvp(layout: Layout, p: DeepPass, v: Array) -> Array:
    """Exact H·v (forward over reverse on the pass); v (..., P) broadcasts with theta."""
    dWs, dbs = split(layout, v)
    L = layout.depth
    dZ, dA = _tangent(p, dWs, dbs)
    dgz = p.c * dZ[L + 1]
    out_W: list = [None] * (L + 1)
    out_b: list = [None] * (L + 1)
    for l in range(L + 1, 0, -1):
        out_W[l - 1] = np.matmul(np.swapaxes(dgz, -1, -2), p.A[l - 1])
        out_b[l - 1] = dgz.sum(axis=-2)
        if l > 1:
            out_W[l - 1] = out_W[l - 1] + np.matmul(np.swapaxes(p.gz[l], -1, -2), dA[l - 1])
            dga = np.matmul(dgz, p.Ws[l - 1]) + np.matmul(p.gz[l], dWs[l - 1])
            dgz = dga * p.S[l - 1] + p.T[l - 1] * dZ[l - 1]
    return join(out_W, out_b)
