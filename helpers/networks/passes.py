"""The one forward pass and the one backward pass of ``n_in → n_hidden (tanh) → n_out``.

Loss, gradient, Hessian-vector product and Hessian, for one network or a batch, all start from
``forward`` and ``backward`` here. Only the sums over an axis depend on how the arrays are laid
out, so a layout is a small table of them (``Contractions``):

* ``BATCHED``: networks on leading axes, arrays (..., n, h); the general layout.
* ``WIDE``: B single-output networks sharing X, arrays (n, B, h): their hidden layers side by
  side as one wide layer. Same maths, sums in another order (rounding differs in the last bits).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

import numpy as np

__all__ = ["BATCHED", "WIDE", "Contractions", "Forward", "Params", "Pass", "backward",
           "forward", "full_pass", "linear", "bias"]

Array = np.ndarray


class Params(NamedTuple):
    """The four parameter arrays W1 (..., h, n_in), b1 (..., h), W2 (..., o, h), b2 (..., o)."""

    W1: Array
    b1: Array
    W2: Array
    b2: Array


def linear(A: Array, W: Array) -> Array:
    """A·Wᵀ over the last axis, batched over leading axes."""
    return np.matmul(A, np.swapaxes(W, -1, -2))


def bias(b: Array) -> Array:
    """A bias (..., k) ready to add to arrays (..., n, k)."""
    return b[..., None, :]


def _transposed_times(a: Array, b: Array) -> Array:
    """aᵀ·b over the sample axis (-2), batched over leading axes."""
    return np.matmul(np.swapaxes(a, -1, -2), b)


@dataclass(frozen=True)
class Contractions:
    """The sums over an axis that a pass needs, for one array layout."""

    hidden: Callable[[Array, Array, Array], Array]  # (X, W1, b1) -> Z = X·W1ᵀ + b1
    output: Callable[[Array, Array, Array], Array]  # (A, W2, b2) -> F = A·W2ᵀ + b2
    to_hidden: Callable[[Array, Array], Array]  # (G, W2) -> G·W2
    input_grads: Callable[[Array, Array], tuple[Array, Array]]  # (gZ, X) -> (gZᵀX, Σ_n gZ)
    output_grads: Callable[[Array, Array], tuple[Array, Array]]  # (G, A) -> (GᵀA, Σ_n G)
    sum_squares: Callable[[Array], Array]  # R -> Σ over samples and outputs of R²


BATCHED = Contractions(
    hidden=lambda X, W1, b1: linear(X, W1) + bias(b1),
    output=lambda A, W2, b2: linear(A, W2) + bias(b2),
    to_hidden=np.matmul,
    input_grads=lambda gZ, X: (_transposed_times(gZ, X), gZ.sum(axis=-2)),
    output_grads=lambda G, A: (_transposed_times(G, A), G.sum(axis=-2)),
    sum_squares=lambda R: np.sum(R * R, axis=(-2, -1)),
)

WIDE = Contractions(
    hidden=lambda X, W1, b1: np.einsum("ni,bhi->nbh", X, W1) + b1,
    output=lambda A, W2, b2: np.einsum("nbh,bh->nb", A, W2[:, 0, :]) + b2[:, 0],
    to_hidden=lambda G, W2: G[:, :, None] * W2[:, 0, :],
    input_grads=lambda gZ, X: (np.einsum("nbh,ni->bhi", gZ, X), gZ.sum(axis=0)),
    output_grads=lambda G, A: (np.einsum("nb,nbh->bh", G, A), G.sum(axis=0)[:, None]),
    sum_squares=lambda R: np.sum(R * R, axis=0),
)


class Forward(NamedTuple):
    """Hidden activations A = tanh(Z), their slope S1 = tanh'(Z) = 1 − A², outputs F."""

    A: Array
    S1: Array
    F: Array


def forward(params: Params, X: Array, ops: Contractions = BATCHED) -> Forward:
    """The forward pass: Z = X·W1ᵀ + b1, A = tanh(Z), F = A·W2ᵀ + b2."""
    A = np.tanh(ops.hidden(X, params.W1, params.b1))
    return Forward(A, 1.0 - A * A, ops.output(A, params.W2, params.b2))


def backward(params: Params, fwd: Forward, X: Array, G: Array,
             ops: Contractions = BATCHED) -> tuple[Params, Array]:
    """The backward pass of G = dL/dF: the parameter gradients and gA = dL/dA = G·W2."""
    gA = ops.to_hidden(G, params.W2)
    gW1, gb1 = ops.input_grads(gA * fwd.S1, X)
    gW2, gb2 = ops.output_grads(G, fwd.A)
    return Params(gW1, gb1, gW2, gb2), gA


@dataclass
class Pass:
    """Forward and backward pass at one (theta, X, y), mean-squared error, no L2 term."""

    params: Params
    fwd: Forward
    R: Array  # residuals F − y
    c: float  # 2 / (n·n_out): G = dL/dF = c·R
    G: Array
    gA: Array  # G·W2
    data_loss: Array  # ½·c·ΣR², the mean-squared error
    grads: Params  # its gradient, per parameter array
    hvp_terms: tuple | None = None  # constants of the single-output HVP, made on first use

    @cached_property
    def T(self) -> Array:
        """gA·tanh''(Z): the residual term's weight per sample and hidden unit."""
        return self.gA * (-2.0 * self.fwd.A * self.fwd.S1)


def full_pass(params: Params, X: Array, y: Array, n_out: int,
              ops: Contractions = BATCHED) -> Pass:
    """Forward pass, mean-squared error and backward pass at (params, X, y)."""
    fwd = forward(params, X, ops)
    R = fwd.F - y
    c = 2.0 / (X.shape[-2] * n_out)
    G = c * R
    grads, gA = backward(params, fwd, X, G, ops)
    return Pass(params, fwd, R, c, G, gA, 0.5 * c * ops.sum_squares(R), grads)
