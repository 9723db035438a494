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
shortcut (per-layer JᵀJ blocks only) used to show what such shortcuts miss. Every quantity
starts from the one forward and backward pass of ``helpers.networks.passes``.
"""

from __future__ import annotations

import numpy as np

from helpers.networks import second_order
from helpers.networks.passes import WIDE, Params, Pass, forward, full_pass

__all__ = ["MLP"]


def _as_2d(a: np.ndarray, name: str, width: int) -> np.ndarray:
    """Return ``a`` as a float64 array of shape (..., n, width), accepting (n,) when width is 1."""
    arr = np.asarray(a, dtype=float)
    if arr.ndim == 1 and width == 1:
        arr = arr[:, None]
    if arr.ndim < 2 or arr.shape[-1] != width:
        raise ValueError(f"{name} must have shape (n_samples, {width}); got {arr.shape}.")
    return arr


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    """Same shape and the same values."""
    return np.shape(a) == b.shape and np.array_equal(a, b)


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
        self._cache_key: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._cache: Pass | None = None

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

    def unpack(self, theta: np.ndarray) -> Params:
        """Split theta (..., P) into W1 (..., h, n_in), b1 (..., h), W2 (..., o, h), b2 (..., o)."""
        theta = np.asarray(theta, dtype=float)
        if theta.shape[-1] != self.n_params:
            raise ValueError(
                f"theta must have {self.n_params} entries (last axis) for {self!r}; "
                f"got shape {theta.shape}."
            )
        lead = theta.shape[:-1]
        s, h, i, o = self.slices, self.n_hidden, self.n_in, self.n_out
        return Params(
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

    # ------------------------------------------------------------------ the pass
    def data(self, X, y) -> tuple[np.ndarray, np.ndarray]:
        """X (..., n, n_in) and y (..., n, n_out) as float arrays, checked (y may be (n,))."""
        X = _as_2d(X, "X", self.n_in)
        y = _as_2d(y, "y", self.n_out)
        if X.shape[-2] != y.shape[-2]:
            raise ValueError(f"X and y need the same number of samples; got {X.shape}, {y.shape}.")
        return X, y

    def pass_at(self, theta, X, y) -> Pass:
        """Forward + backward pass at (theta, X, y), batched over leading axes; never cached."""
        X, y = self.data(X, y)
        return full_pass(self.unpack(theta), X, y, self.n_out)

    def cached_pass(self, theta, X, y) -> Pass:
        """The pass at (theta, X, y), reused while the same arrays (by value) come back."""
        if np.ndim(theta) != 1:
            return self.pass_at(theta, X, y)
        X, y = self.data(X, y)  # compare normalised arrays: a 1-D y must not miss the cache
        key = self._cache_key
        if key is not None and _same(theta, key[0]) and _same(X, key[1]) and _same(y, key[2]):
            return self._cache  # type: ignore[return-value]
        p = self.pass_at(theta, X, y)
        self._cache_key = (np.array(theta, dtype=float), np.array(X, dtype=float),
                           np.array(y, dtype=float))
        self._cache = p
        return p

    def _with_l2(self, grad: np.ndarray, theta) -> np.ndarray:
        """grad + l2·theta when there is an L2 term."""
        return grad + self.l2 * np.asarray(theta, dtype=float) if self.l2 else grad

    # ------------------------------------------------------------------ public API
    def predict(self, theta: np.ndarray, X: np.ndarray) -> np.ndarray:
        """Network outputs (..., n, n_out)."""
        return forward(self.unpack(theta), _as_2d(X, "X", self.n_in)).F

    def loss(self, theta: np.ndarray, X: np.ndarray, y: np.ndarray) -> float | np.ndarray:
        """Mean-squared error (plus l2/2·‖θ‖²); theta may be batched (B, P) → (B,)."""
        loss = self.cached_pass(theta, X, y).data_loss
        if self.l2:
            theta = np.asarray(theta, dtype=float)
            loss = loss + 0.5 * self.l2 * np.sum(theta * theta, axis=-1)
        return float(loss) if np.ndim(theta) == 1 else loss

    def gradient(self, theta: np.ndarray, X: np.ndarray, y: np.ndarray, *,
                 wide: bool = False) -> np.ndarray:
        """Exact gradient (P,) — or (B, P) for batched theta.

        ``wide=True`` (B single-output networks on the same 2-D X) computes the B hidden layers
        side by side as one wide layer: same gradient, sums in another order.
        """
        if wide:
            return self._wide_gradient(theta, X, y)
        return self._with_l2(self.pack(*self.cached_pass(theta, X, y).grads), theta)

    def _wide_gradient(self, thetas, X, y) -> np.ndarray:
        """Gradients (B, P) of B single-output networks sharing X, as one wide layer."""
        X, y = self.data(X, y)
        if np.ndim(thetas) != 2 or self.n_out != 1 or X.ndim != 2 or y.ndim != 2:
            raise ValueError("wide=True needs thetas (B, P), one output and one shared 2-D X.")
        p = full_pass(self.unpack(thetas), X, y, self.n_out, WIDE)
        return self._with_l2(self.pack(*p.grads), thetas)

    def hvp(self, theta: np.ndarray, X: np.ndarray, y: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Exact Hessian-vector product H(theta)·v, about the cost of one gradient (pass cached)."""
        X, y = self.data(X, y)
        p = self.cached_pass(theta, X, y)
        v = np.asarray(v, dtype=float)
        if v.shape != np.shape(theta):
            raise ValueError(f"v must have the shape of theta {np.shape(theta)}; got {v.shape}.")
        if v.ndim == 1 and self.n_out == 1 and X.ndim == 2:
            out = second_order.hvp_single_output(p, X, self.unpack(v))
        else:
            out = self.pack(*second_order.hvp(p, X, self.unpack(v)))
        return out + self.l2 * v if self.l2 else out

    def jacobian(self, theta: np.ndarray, X: np.ndarray) -> np.ndarray:
        """Jacobian of the outputs, shape (..., n·n_out, P); rows ordered sample-major."""
        X = _as_2d(X, "X", self.n_in)
        params = self.unpack(theta)
        return second_order.jacobian(self, X, params.W2, forward(params, X))

    def hessian_batch(self, thetas: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Exact Hessians (B, P, P) of many networks at once (X, y shared or batched (B, n, ·))."""
        thetas = np.asarray(thetas, dtype=float)
        if thetas.ndim != 2:
            raise ValueError(f"thetas must have shape (B, {self.n_params}); got {thetas.shape}.")
        X, y = self.data(X, y)
        H = second_order.hessian_batch(self, self.pass_at(thetas, X, y), X)
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
        X, y = self.data(X, y)
        params = self.unpack(theta)
        J = second_order.jacobian(self, X, params.W2, forward(params, X))
        c = 2.0 / J.shape[-2]
        out = np.zeros((*theta.shape[:-1], self.n_params, self.n_params))
        split = self.slices["W2"].start
        for sl in (slice(0, split), slice(split, self.n_params)):
            Jl = J[..., sl]
            out[..., sl, sl] = c * np.matmul(np.swapaxes(Jl, -1, -2), Jl)
        if self.l2:
            out[..., np.arange(self.n_params), np.arange(self.n_params)] += self.l2
        return out

