"""Exact Hessian engine for a one-hidden-layer tanh network, mean-squared error (numpy, float64).

The network is ``f(x) = W2 · tanh(W1 · x + b1) + b2`` with shapes

* ``W1``: (n_hidden, n_in), ``b1``: (n_hidden,), ``W2``: (n_out, n_hidden), ``b2``: (n_out,),

and the loss is the mean over all samples and outputs of the squared residual, plus an optional
L2 term (``l2 / 2 · ‖θ‖²``, zero by default):

    L(θ) = 1/(n·n_out) · Σ_i Σ_k (f_k(x_i) − y_ik)²  +  l2/2 · ‖θ‖².

Flat parameter vector ``theta`` (length ``P = n_hidden·(n_in + 1) + n_out·(n_hidden + 1)``), in
this order, each matrix row-major (C order)::

    theta = [ W1.ravel() | b1 | W2.ravel() | b2 ]

Everything here is exact: ``hessian`` contains the Gauss–Newton part (2/N)·JᵀJ, *and* the
residual (second-order) term Σ r·∇²f, which couples each hidden unit's input weights with
themselves and with its output weights. ``gauss_newton_blocks`` is the deliberately wrong
shortcut (per-layer JᵀJ blocks only) used to show what such shortcuts miss.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["MLP"]


def _as_2d(a: np.ndarray, name: str, width: int) -> np.ndarray:
    """Return ``a`` as a float64 array of shape (..., n, width), accepting (n,) when width is 1."""
    arr = np.asarray(a, dtype=float)
    if arr.ndim == 1 and width == 1:
        arr = arr[:, None]
    if arr.ndim < 2 or arr.shape[-1] != width:
        raise ValueError(f"{name} must have shape (n_samples, {width}); got {arr.shape}.")
    return arr


@dataclass
class _Pass:
    """Cached forward and backward pass at one (theta, X, y)."""

    W1: np.ndarray
    b1: np.ndarray
    W2: np.ndarray
    b2: np.ndarray
    A: np.ndarray  # tanh(Z), (..., n, h)
    S1: np.ndarray  # tanh'(Z)
    S2: np.ndarray  # tanh''(Z)
    R: np.ndarray  # residuals F - y, (..., n, o)
    G: np.ndarray  # dL/dF = c·R
    gA: np.ndarray  # G @ W2, (..., n, h)
    T: np.ndarray  # gA * tanh''(Z): the residual term's weight per sample and hidden unit
    loss: np.ndarray
    grad: np.ndarray
    hvp_terms: tuple | None = None  # constants of the single-output HVP, made on first use


class MLP:
    """``n_in → n_hidden (tanh) → n_out (linear)``: exact loss, gradient, HVP and Hessian."""

    def __init__(self, n_in: int, n_hidden: int, n_out: int = 1, l2: float = 0.0) -> None:
        for name, value in (("n_in", n_in), ("n_hidden", n_hidden), ("n_out", n_out)):
            if int(value) != value or value < 1:
                raise ValueError(f"{name} must be a positive integer; got {value!r}.")
        if not np.isfinite(l2) or l2 < 0:
            raise ValueError(f"l2 must be a non-negative number; got {l2!r}.")
        self.n_in, self.n_hidden, self.n_out = int(n_in), int(n_hidden), int(n_out)
        self.l2 = float(l2)
        h, i, o = self.n_hidden, self.n_in, self.n_out
        self.slices = {
            "W1": slice(0, h * i),
            "b1": slice(h * i, h * i + h),
            "W2": slice(h * i + h, h * i + h + o * h),
            "b2": slice(h * i + h + o * h, h * i + h + o * h + o),
        }
        self.n_params = h * i + h + o * h + o
        # index of W1[j, m] (m < n_in) and b1[j] (m = n_in): hidden unit j's input weights
        self._unit_idx = np.concatenate(
            [np.arange(h * i).reshape(h, i), (h * i + np.arange(h))[:, None]], axis=1
        )
        self._w2_idx = (h * i + h + np.arange(o * h)).reshape(o, h)
        self._cache_key: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._cache: _Pass | None = None

    def __repr__(self) -> str:
        return (
            f"MLP(n_in={self.n_in}, n_hidden={self.n_hidden}, n_out={self.n_out}, "
            f"l2={self.l2}) with P={self.n_params} parameters"
        )

    # ------------------------------------------------------------------ parameters
    def init(self, rng: np.random.Generator | int, scale: float = 1.0) -> np.ndarray:
        """Seeded random theta: weights ~ N(0, scale²/fan_in), biases ~ N(0, 0.1²·scale²)."""
        rng = np.random.default_rng(rng)
        theta = np.empty(self.n_params)
        s = self.slices
        theta[s["W1"]] = rng.standard_normal(self.n_hidden * self.n_in) * scale / np.sqrt(self.n_in)
        theta[s["b1"]] = rng.standard_normal(self.n_hidden) * 0.1 * scale
        theta[s["W2"]] = (
            rng.standard_normal(self.n_out * self.n_hidden) * scale / np.sqrt(self.n_hidden)
        )
        theta[s["b2"]] = rng.standard_normal(self.n_out) * 0.1 * scale
        return theta

    def unpack(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Split theta (..., P) into W1 (..., h, n_in), b1 (..., h), W2 (..., o, h), b2 (..., o)."""
        theta = np.asarray(theta, dtype=float)
        if theta.shape[-1] != self.n_params:
            raise ValueError(
                f"theta must have {self.n_params} entries (last axis) for {self!r}; "
                f"got shape {theta.shape}."
            )
        lead = theta.shape[:-1]
        s, h, i, o = self.slices, self.n_hidden, self.n_in, self.n_out
        return (
            theta[..., s["W1"]].reshape(*lead, h, i),
            theta[..., s["b1"]],
            theta[..., s["W2"]].reshape(*lead, o, h),
            theta[..., s["b2"]],
        )

    def pack(self, W1, b1, W2, b2) -> np.ndarray:
        """Inverse of ``unpack``: concatenate the four arrays into theta (..., P)."""
        lead = np.shape(b2)[:-1]
        return np.concatenate(
            [np.reshape(W1, (*lead, -1)), b1, np.reshape(W2, (*lead, -1)), b2], axis=-1
        )

    # ------------------------------------------------------------------ core passes
    def _data(self, X, y) -> tuple[np.ndarray, np.ndarray]:
        X = _as_2d(X, "X", self.n_in)
        y = _as_2d(y, "y", self.n_out)
        if X.shape[-2] != y.shape[-2]:
            raise ValueError(f"X and y need the same number of samples; got {X.shape}, {y.shape}.")
        return X, y

    def _pass(self, theta, X, y) -> _Pass:
        """Forward + backward pass (batched over leading axes of theta); loss and gradient."""
        X, y = self._data(X, y)
        W1, b1, W2, b2 = self.unpack(theta)
        Z = np.matmul(X, np.swapaxes(W1, -1, -2)) + b1[..., None, :]
        A = np.tanh(Z)
        S1 = 1.0 - A * A
        S2 = -2.0 * A * S1
        F = np.matmul(A, np.swapaxes(W2, -1, -2)) + b2[..., None, :]
        R = F - y
        c = 2.0 / (R.shape[-2] * R.shape[-1])
        G = c * R
        gA = np.matmul(G, W2)
        gZ = gA * S1
        grad = self.pack(
            np.matmul(np.swapaxes(gZ, -1, -2), X),
            gZ.sum(axis=-2),
            np.matmul(np.swapaxes(G, -1, -2), A),
            G.sum(axis=-2),
        )
        loss = 0.5 * c * np.sum(R * R, axis=(-2, -1))
        theta = np.asarray(theta, dtype=float)
        if self.l2:
            grad = grad + self.l2 * theta
            loss = loss + 0.5 * self.l2 * np.sum(theta * theta, axis=-1)
        return _Pass(W1, b1, W2, b2, A, S1, S2, R, G, gA, gA * S2, loss, grad)

    def _cached(self, theta, X, y) -> _Pass:
        """The pass at (theta, X, y), reused while the same arrays (by value) come back."""
        X, y = self._data(X, y)  # compare normalised arrays: a 1-D y must not miss the cache
        key = self._cache_key
        if (
            key is not None
            and np.shape(theta) == key[0].shape
            and np.shape(X) == key[1].shape
            and np.shape(y) == key[2].shape
            and np.array_equal(theta, key[0])
            and np.array_equal(X, key[1])
            and np.array_equal(y, key[2])
        ):
            return self._cache  # type: ignore[return-value]
        p = self._pass(theta, X, y)
        self._cache_key = (np.array(theta, dtype=float), np.array(X, dtype=float),
                           np.array(y, dtype=float))
        self._cache = p
        return p

    # ------------------------------------------------------------------ public API
    def predict(self, theta: np.ndarray, X: np.ndarray) -> np.ndarray:
        """Network outputs (..., n, n_out)."""
        X = _as_2d(X, "X", self.n_in)
        W1, b1, W2, b2 = self.unpack(theta)
        A = np.tanh(np.matmul(X, np.swapaxes(W1, -1, -2)) + b1[..., None, :])
        return np.matmul(A, np.swapaxes(W2, -1, -2)) + b2[..., None, :]

    def loss(self, theta: np.ndarray, X: np.ndarray, y: np.ndarray) -> float | np.ndarray:
        """Mean-squared error (plus l2/2·‖θ‖²); theta may be batched (B, P) → (B,)."""
        p = self._cached(theta, X, y) if np.ndim(theta) == 1 else self._pass(theta, X, y)
        return float(p.loss) if np.ndim(theta) == 1 else p.loss

    def gradient(self, theta: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Exact gradient (P,) — or (B, P) for batched theta."""
        p = self._cached(theta, X, y) if np.ndim(theta) == 1 else self._pass(theta, X, y)
        return p.grad.copy()

    def hvp(self, theta: np.ndarray, X: np.ndarray, y: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Exact Hessian-vector product H(theta)·v, about the cost of one gradient (pass cached)."""
        X, y = self._data(X, y)
        p = self._cached(theta, X, y) if np.ndim(theta) == 1 else self._pass(theta, X, y)
        v = np.asarray(v, dtype=float)
        if v.shape != np.shape(theta):
            raise ValueError(f"v must have the shape of theta {np.shape(theta)}; got {v.shape}.")
        if v.ndim == 1 and self.n_out == 1 and X.ndim == 2:
            out = self._hvp_single_output(p, X, v)
            return out + self.l2 * v if self.l2 else out
        dW1, db1, dW2, db2 = self.unpack(v)
        # forward-mode tangent of the pass ...
        dZ = np.matmul(X, np.swapaxes(dW1, -1, -2)) + db1[..., None, :]
        dA = p.S1 * dZ
        dF = np.matmul(dA, np.swapaxes(p.W2, -1, -2)) + np.matmul(p.A, np.swapaxes(dW2, -1, -2))
        dF = dF + db2[..., None, :]
        c = 2.0 / (dF.shape[-2] * dF.shape[-1])
        dG = c * dF
        # ... pushed through the backward pass (forward-over-reverse, by hand)
        dgA = np.matmul(dG, p.W2) + np.matmul(p.G, dW2)
        dgZ = dgA * p.S1
        dgZ += p.T * dZ
        out = self.pack(
            np.matmul(np.swapaxes(dgZ, -1, -2), X),
            dgZ.sum(axis=-2),
            np.matmul(np.swapaxes(dG, -1, -2), p.A) + np.matmul(np.swapaxes(p.G, -1, -2), dA),
            dG.sum(axis=-2),
        )
        if self.l2:
            out = out + self.l2 * v
        return out

    def _hvp_single_output(self, p: _Pass, X: np.ndarray, v: np.ndarray) -> np.ndarray:
        """H·v for one theta and one output, without (n, h) outer products (same maths as hvp).

        With w = W2[0], g = G[:, 0] and X1 = [X | 1], the terms of ``hvp`` that do not depend on
        v are cached on the pass: S1·w, S1·g and X1ᵀ(S1·g). Per call only dZ and T·dZ are
        (n, h) arrays; everything else is a matrix product or a row/column dot product.
        """
        if p.hvp_terms is None:
            X1 = np.concatenate([X, np.ones((X.shape[0], 1))], axis=1)
            S1w = p.S1 * p.W2[0]
            S1g = p.S1 * p.G[:, :1]
            p.hvp_terms = (X1, S1w, S1g, X1.T @ S1g)
        X1, S1w, S1g, X1tS1g = p.hvp_terms
        dW1, db1, dW2, db2 = self.unpack(v)
        dw = dW2[0]
        dZ = X @ dW1.T
        dZ += db1
        dG = (2.0 / X.shape[0]) * (np.einsum("nh,nh->n", dZ, S1w) + p.A @ dw + db2[0])
        TdZ = p.T * dZ
        # rows 0..n_in-1: the W1 block transposed; last row: b1
        first = (X1 * dG[:, None]).T @ S1w + X1tS1g * dw + X1.T @ TdZ
        out_W2 = dG @ p.A + np.einsum("nh,nh->h", S1g, dZ)
        return np.concatenate([first[:-1].T.ravel(), first[-1], out_W2, [dG.sum()]])

    def jacobian(self, theta: np.ndarray, X: np.ndarray) -> np.ndarray:
        """Jacobian of the outputs, shape (..., n·n_out, P); rows ordered sample-major."""
        X = _as_2d(X, "X", self.n_in)
        W1, b1, W2, b2 = self.unpack(theta)
        A = np.tanh(np.matmul(X, np.swapaxes(W1, -1, -2)) + b1[..., None, :])
        return self._jacobian(X, W2, A, 1.0 - A * A)

    def _jacobian(self, X, W2, A, S1) -> np.ndarray:
        lead = A.shape[:-2]
        n, h, i, o = A.shape[-2], self.n_hidden, self.n_in, self.n_out
        dFdZ = W2[..., None, :, :] * S1[..., :, None, :]  # (..., n, o, h)
        J = np.zeros((*lead, n, o, self.n_params))
        s = self.slices
        J[..., s["W1"]] = (dFdZ[..., None] * X[..., :, None, None, :]).reshape(*lead, n, o, h * i)
        J[..., s["b1"]] = dFdZ
        eye = np.eye(o)
        J[..., s["W2"]] = (eye[:, :, None] * A[..., :, None, None, :]).reshape(*lead, n, o, o * h)
        J[..., s["b2"]] = eye
        return J.reshape(*lead, n * o, self.n_params)

    def hessian_batch(self, thetas: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Exact Hessians (B, P, P) of many networks at once (X, y shared or batched (B, n, ·))."""
        thetas = np.asarray(thetas, dtype=float)
        if thetas.ndim != 2:
            raise ValueError(f"thetas must have shape (B, {self.n_params}); got {thetas.shape}.")
        X, y = self._data(X, y)
        p = self._pass(thetas, X, y)
        J = self._jacobian(X, p.W2, p.A, p.S1)
        c = 2.0 / (p.R.shape[-2] * p.R.shape[-1])
        if len(J) == 1:  # 2-D ``A.T @ A`` lets numpy call BLAS syrk (half the work of gemm)
            H = (c * (J[0].T @ J[0]))[None]
        else:
            H = c * np.matmul(np.swapaxes(J, -1, -2), J)
        # residual term: hidden unit j's input weights u_j = (W1[j], b1[j]) with themselves ...
        Xt = np.concatenate([np.broadcast_to(X, (*p.A.shape[:-2], *X.shape[-2:])),
                             np.ones((*p.A.shape[:-1], 1))], axis=-1)  # (B, n, i+1)
        wgt = p.T  # (B, n, h)
        Buu = np.einsum("bnj,bnm,bnl->bjml", wgt, Xt, Xt, optimize=True)
        ui = self._unit_idx
        H[:, ui[:, :, None], ui[:, None, :]] += Buu
        # ... and with its output weights W2[k, j]
        Cku = np.einsum("bnk,bnj,bnm->bkjm", p.G, p.S1, Xt, optimize=True)  # (B, o, h, i+1)
        rows = np.broadcast_to(self._w2_idx[:, :, None], Cku.shape[1:])
        cols = np.broadcast_to(ui[None, :, :], Cku.shape[1:])
        H[:, rows, cols] += Cku
        H[:, cols, rows] += Cku
        if self.l2:
            H[:, np.arange(self.n_params), np.arange(self.n_params)] += self.l2
        return H

    def hessian(self, theta: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Exact full Hessian (P, P): Gauss–Newton part, residual term, all cross-layer blocks."""
        theta = np.asarray(theta, dtype=float)
        if theta.ndim != 1:
            raise ValueError(f"theta must be one vector of {self.n_params}; use hessian_batch.")
        return self.hessian_batch(theta[None, :], X, y)[0]

    def gauss_newton_blocks(self, theta: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        """WRONG on purpose: per-layer (2/N)·JᵀJ blocks only (no residual term, no cross-layer).

        Returns a block-diagonal (P, P) matrix with one block for layer 1 (W1, b1) and one for
        layer 2 (W2, b2). Every block is positive semidefinite, so it can never see a saddle.
        """
        theta = np.asarray(theta, dtype=float)
        X, y = self._data(X, y)
        W1, b1, W2, b2 = self.unpack(theta)
        A = np.tanh(np.matmul(X, np.swapaxes(W1, -1, -2)) + b1[..., None, :])
        J = self._jacobian(X, W2, A, 1.0 - A * A)
        c = 2.0 / J.shape[-2]
        out = np.zeros((*theta.shape[:-1], self.n_params, self.n_params))
        split = self.slices["W2"].start
        for sl in (slice(0, split), slice(split, self.n_params)):
            Jl = J[..., sl]
            out[..., sl, sl] = c * np.matmul(np.swapaxes(Jl, -1, -2), Jl)
        if self.l2:
            out[..., np.arange(self.n_params), np.arange(self.n_params)] += self.l2
        return out
