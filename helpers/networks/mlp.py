"""Exact Hessian engine for a tanh network of any depth, mean-squared error (numpy, float64).

``MLP(n_in, n_hidden, n_out)`` is ``f(x) = W2 · tanh(W1 · x + b1) + b2``; with a tuple of widths,
``MLP(n_in, (h1, h2, …), n_out)`` stacks tanh layers::

    a_0 = x,  a_l = tanh(W_l · a_{l-1} + b_l)  (l = 1 … L),  f(x) = W_{L+1} · a_L + b_{L+1}.

The loss is the mean over all samples and outputs of the squared residual, plus an optional L2
term (``l2 / 2 · ‖θ‖²``, zero by default):

    L(θ) = 1/(n·n_out) · Σ_i Σ_k (f_k(x_i) − y_ik)²  +  l2/2 · ‖θ‖².

Flat parameter vector ``theta``, layer after layer, each matrix row-major (C order)::

    theta = [ W1.ravel() | b1 | W2.ravel() | b2 | … ]      (``slices`` says where each sits)

Everything here is exact: ``hessian`` contains the Gauss–Newton part (2/N)·JᵀJ *and* the
residual (second-order) terms. One hidden layer runs on ``helpers.networks.passes`` (one forward
and one backward pass, a single-output HVP and a wide layout for many small networks); deeper
networks on ``deep_passes`` and ``deep_hessian``. ``gauss_newton_blocks`` is the deliberately
wrong shortcut (per-layer JᵀJ blocks only) used to show what such shortcuts miss.
"""

from __future__ import annotations

import numbers

import numpy as np

from helpers.networks import deep_hessian, deep_passes, second_order
from helpers.networks.passes import WIDE, Params, Pass, forward, full_pass
from helpers.validation import array, fits_in_memory, generator, real

__all__ = ["MLP"]


def _as_2d(a: np.ndarray, name: str, width: int) -> np.ndarray:
    """Return ``a`` as a float64 array of shape (..., n, width), accepting (n,) when width is 1."""
    arr = array(name, a, finite=False)
    if arr.ndim == 1 and width == 1:
        arr = arr[:, None]
    if arr.ndim < 2 or arr.shape[-1] != width:
        raise ValueError(f"{name} must have shape (n_samples, {width}); got {arr.shape}.")
    return arr


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    """Same shape and the same values."""
    return np.shape(a) == b.shape and np.array_equal(a, b)


def _widths(n_in, n_hidden, n_out) -> tuple[int, ...]:
    """(n_in, h_1, …, h_L, n_out) checked: positive integers, at least one hidden layer."""
    hidden = tuple(n_hidden) if isinstance(n_hidden, tuple | list) else (n_hidden,)
    if not hidden:
        raise ValueError("n_hidden must be a positive integer or a non-empty tuple of them.")
    for name, value in (("n_in", n_in), *(("n_hidden", h) for h in hidden), ("n_out", n_out)):
        if (isinstance(value, bool) or not isinstance(value, numbers.Real)
                or int(value) != value or value < 1):
            raise ValueError(f"{name} must be a positive integer; got {value!r}.")
    sizes = (int(n_in), *(int(h) for h in hidden), int(n_out))
    n_params = sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))
    fits_in_memory(f"a network with {n_params:,} parameters (its layout and a few vectors)",
                   40.0 * n_params, "Use fewer or narrower layers.")
    return sizes


def _check_hessians(n_networks: int, n_params: int) -> None:
    """Refuse, before any work, dense Hessians that would not fit in memory."""
    fits_in_memory(f"{n_networks:,} dense Hessian(s) of {n_params:,}×{n_params:,}",
                   3 * 8.0 * n_networks * n_params**2,
                   "Use Hessian-vector products (hvp, lowest_eigenpair) for large networks.")


class MLP:
    """``n_in → n_hidden (tanh, one or more layers) → n_out``: exact loss, gradient, HVP, H."""

    def __init__(self, n_in: int, n_hidden: int | tuple[int, ...], n_out: int = 1,
                 l2: float = 0.0) -> None:
        self.sizes = _widths(n_in, n_hidden, n_out)
        l2 = real("l2", l2, low=0.0)
        self.n_in, self.n_out, self.l2 = self.sizes[0], self.sizes[-1], float(l2)
        self.hidden_sizes = self.sizes[1:-1]
        self.depth = len(self.hidden_sizes)
        self.n_hidden = self.hidden_sizes[0] if self.depth == 1 else self.hidden_sizes
        self.layout = deep_passes.make_layout(self.sizes)
        self.slices = {}
        for l, (w, b) in enumerate(zip(self.layout.w_slices, self.layout.b_slices, strict=True)):
            self.slices[f"W{l + 1}"], self.slices[f"b{l + 1}"] = w, b
        self.n_params = self.layout.n_params
        self._cache_key: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._cache: Pass | deep_passes.DeepPass | None = None

    def __repr__(self) -> str:
        return (
            f"MLP(n_in={self.n_in}, n_hidden={self.n_hidden}, n_out={self.n_out}, "
            f"l2={self.l2}) with P={self.n_params} parameters"
        )

    # ------------------------------------------------------------------ parameters
    def init(self, rng: np.random.Generator | int, scale: float = 1.0) -> np.ndarray:
        """Seeded random theta: weights ~ N(0, scale²/fan_in), biases ~ N(0, 0.1²·scale²)."""
        rng = generator("rng", rng)
        scale = real("scale", scale, low=0.0)
        theta = np.empty(self.n_params)
        layout = self.layout
        for fan_in, w, b in zip(self.sizes[:-1], layout.w_slices, layout.b_slices, strict=True):
            theta[w] = rng.standard_normal(w.stop - w.start) * scale / np.sqrt(fan_in)
            theta[b] = rng.standard_normal(b.stop - b.start) * 0.1 * scale
        return theta

    def _theta(self, theta: np.ndarray) -> np.ndarray:
        """theta as floats with last axis P, or a ValueError."""
        theta = array("theta", theta, finite=False)
        if theta.ndim < 1 or theta.shape[-1] != self.n_params:
            raise ValueError(
                f"theta must have {self.n_params} entries (last axis) for {self!r}; "
                f"got shape {theta.shape}."
            )
        return theta

    def unpack(self, theta: np.ndarray) -> Params:
        """One hidden layer: W1 (..., h, n_in), b1 (..., h), W2 (..., o, h), b2 (..., o)."""
        if self.depth != 1:
            raise ValueError("unpack is for one hidden layer; use layers(theta) for deeper ones.")
        (W1, W2), (b1, b2) = self.layers(theta)
        return Params(W1, b1, W2, b2)

    def pack(self, W1, b1, W2, b2) -> np.ndarray:
        """Inverse of ``unpack``: concatenate the four arrays into theta (..., P)."""
        return deep_passes.join([W1, W2], [b1, b2])

    def layers(self, theta: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Any depth: [W_1 … W_{L+1}] (..., n_l, n_{l-1}) and [b_1 … b_{L+1}] (..., n_l)."""
        return deep_passes.split(self.layout, self._theta(theta))

    def from_layers(self, Ws: list[np.ndarray], bs: list[np.ndarray]) -> np.ndarray:
        """Inverse of ``layers``."""
        return deep_passes.join(Ws, bs)

    # ------------------------------------------------------------------ the pass
    def data(self, X, y) -> tuple[np.ndarray, np.ndarray]:
        """X (..., n, n_in) and y (..., n, n_out) as float arrays, checked (y may be (n,))."""
        X = _as_2d(X, "X", self.n_in)
        y = _as_2d(y, "y", self.n_out)
        if X.shape[-2] != y.shape[-2]:
            raise ValueError(f"X and y need the same number of samples; got {X.shape}, {y.shape}.")
        if self.depth > 1 and (X.ndim != 2 or y.ndim != 2):
            raise ValueError("networks with several hidden layers take one shared 2-D X and y.")
        return X, y

    def pass_at(self, theta, X, y) -> Pass | deep_passes.DeepPass:
        """Forward + backward pass at (theta, X, y), batched over leading axes; never cached."""
        X, y = self.data(X, y)
        if self.depth > 1:
            return deep_passes.deep_pass(self.layout, self._theta(theta), X, y)
        return full_pass(self.unpack(theta), X, y, self.n_out)

    def cached_pass(self, theta, X, y) -> Pass | deep_passes.DeepPass:
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
        X = _as_2d(X, "X", self.n_in)
        if self.depth > 1:
            return deep_passes.predict(*self.layers(theta), X)
        return forward(self.unpack(theta), X).F

    def loss(self, theta: np.ndarray, X: np.ndarray, y: np.ndarray) -> float | np.ndarray:
        """Mean-squared error (plus l2/2·‖θ‖²); theta may be batched (B, P) → (B,)."""
        loss = self.cached_pass(theta, X, y).data_loss
        if self.l2:
            theta = np.asarray(theta, dtype=float)
            loss = loss + 0.5 * self.l2 * np.sum(theta * theta, axis=-1)
        return float(loss) if np.ndim(theta) == 1 else loss

    def data_loss(self, theta: np.ndarray, X: np.ndarray, y: np.ndarray) -> float | np.ndarray:
        """The mean-squared error alone (the loss without its L2 term)."""
        loss = self.cached_pass(theta, X, y).data_loss
        return float(loss) if np.ndim(theta) == 1 else np.array(loss)

    def gradient(self, theta: np.ndarray, X: np.ndarray, y: np.ndarray, *,
                 wide: bool = False) -> np.ndarray:
        """Exact gradient (P,) — or (B, P) for batched theta.

        ``wide=True`` (B single-output networks with one hidden layer on the same 2-D X)
        computes the B hidden layers side by side as one wide layer: same gradient, sums in
        another order.
        """
        if wide:
            return self._wide_gradient(theta, X, y)
        p = self.cached_pass(theta, X, y)
        grad = p.grad if self.depth > 1 else self.pack(*p.grads)
        return self._with_l2(grad, theta)

    def _wide_gradient(self, thetas, X, y) -> np.ndarray:
        """Gradients (B, P) of B single-output networks sharing X, as one wide layer."""
        X, y = self.data(X, y)
        if (np.ndim(thetas) != 2 or self.n_out != 1 or self.depth != 1 or X.ndim != 2
                or y.ndim != 2):
            raise ValueError("wide=True needs thetas (B, P), one hidden layer, one output and "
                             "one shared 2-D X.")
        p = full_pass(self.unpack(thetas), X, y, self.n_out, WIDE)
        return self._with_l2(self.pack(*p.grads), thetas)

    def hvp(self, theta: np.ndarray, X: np.ndarray, y: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Exact Hessian-vector product H(theta)·v, about the cost of one gradient (pass cached)."""
        X, y = self.data(X, y)
        p = self.cached_pass(theta, X, y)
        v = array("v", v, finite=False)
        if v.shape != np.shape(theta):
            raise ValueError(f"v must have the shape of theta {np.shape(theta)}; got {v.shape}.")
        if self.depth > 1:
            out = deep_passes.deep_hvp(self.layout, p, v)
        elif v.ndim == 1 and self.n_out == 1 and X.ndim == 2:
            out = second_order.hvp_single_output(p, X, self.unpack(v))
        else:
            out = self.pack(*second_order.hvp(p, X, self.unpack(v)))
        return out + self.l2 * v if self.l2 else out

    def jacobian(self, theta: np.ndarray, X: np.ndarray) -> np.ndarray:
        """Jacobian of the outputs, shape (..., n·n_out, P); rows ordered sample-major."""
        X = _as_2d(X, "X", self.n_in)
        if self.depth > 1:
            theta = self._theta(theta)
            zeros = np.zeros((X.shape[-2], self.n_out))
            return deep_hessian.deep_jacobian(self.layout, self.pass_at(theta, X, zeros))
        params = self.unpack(theta)
        return second_order.jacobian(self, X, params.W2, forward(params, X))

    def hessian_batch(self, thetas: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Exact Hessians (B, P, P) of many networks at once (X, y shared or batched (B, n, ·))."""
        thetas = np.asarray(thetas, dtype=float)
        if thetas.ndim != 2:
            raise ValueError(f"thetas must have shape (B, {self.n_params}); got {thetas.shape}.")
        _check_hessians(len(thetas), self.n_params)
        X, y = self.data(X, y)
        if self.depth > 1:
            H = deep_hessian.deep_hessian(self.layout, self.pass_at(thetas, X, y))
        else:
            H = second_order.hessian_batch(self, self.pass_at(thetas, X, y), X)
        if self.l2:
            H[:, np.arange(self.n_params), np.arange(self.n_params)] += self.l2
        return H

    def hessian(self, theta: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Exact full Hessian (P, P): Gauss–Newton part, residual terms, all cross-layer blocks."""
        theta = np.asarray(theta, dtype=float)
        if theta.ndim != 1:
            raise ValueError(f"theta must be one vector of {self.n_params}; use hessian_batch.")
        _check_hessians(1, self.n_params)
        if self.depth == 1:
            return self.hessian_batch(theta[None, :], X, y)[0]
        H = deep_hessian.deep_hessian(self.layout, self.cached_pass(theta, X, y))
        H[np.arange(self.n_params), np.arange(self.n_params)] += self.l2
        return H

    def gauss_newton_blocks(self, theta: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        """WRONG on purpose: per-layer (2/N)·JᵀJ blocks only (no residual term, no cross-layer).

        Returns a block-diagonal (P, P) matrix with one block per layer (W_l, b_l). Every block
        is positive semidefinite, so it can never see a saddle.
        """
        theta = np.asarray(theta, dtype=float)
        X, y = self.data(X, y)
        J = self.jacobian(theta, X)
        c = 2.0 / J.shape[-2]
        out = np.zeros((*theta.shape[:-1], self.n_params, self.n_params))
        for w, b in zip(self.layout.w_slices, self.layout.b_slices, strict=True):
            sl = slice(w.start, b.stop)
            Jl = J[..., sl]
            out[..., sl, sl] = c * np.matmul(np.swapaxes(Jl, -1, -2), Jl)
        if self.l2:
            out[..., np.arange(self.n_params), np.arange(self.n_params)] += self.l2
        return out
