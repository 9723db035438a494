"""Second-order quantities of the one pass: output Jacobian, exact HVP and exact Hessian.

All take a ``Pass`` (``helpers.networks.passes``) of the mean-squared error, without the L2
term (``MLP`` adds l2·v, l2·I).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from helpers.networks.passes import BATCHED, Forward, Params, Pass, bias, linear

if TYPE_CHECKING:
    from helpers.networks.mlp import MLP

__all__ = ["hessian_batch", "hvp", "hvp_single_output", "jacobian"]


def hvp(p: Pass, X: np.ndarray, dP: Params) -> Params:
    """H·v per parameter array: forward-mode tangent dP of the pass, pushed through the backward."""
    W2, A, S1 = p.params.W2, p.fwd.A, p.fwd.S1
    dZ = BATCHED.hidden(X, dP.W1, dP.b1)
    dA = S1 * dZ
    dF = linear(dA, W2) + linear(A, dP.W2) + bias(dP.b2)
    dG = p.c * dF
    dgZ = (BATCHED.to_hidden(dG, W2) + np.matmul(p.G, dP.W2)) * S1
    dgZ += p.T * dZ
    gW1, gb1 = BATCHED.input_grads(dgZ, X)
    gW2, gb2 = BATCHED.output_grads(dG, A)
    return Params(gW1, gb1, gW2 + np.matmul(np.swapaxes(p.G, -1, -2), dA), gb2)


def hvp_single_output(p: Pass, X: np.ndarray, dP: Params) -> np.ndarray:
    """H·v (flat) for one theta and one output, without (n, h) outer products (same maths as hvp).

    With w = W2[0], g = G[:, 0] and X1 = [X | 1], the terms of ``hvp`` that do not depend on
    v are cached on the pass: S1·w, S1·g and X1ᵀ(S1·g). Per call only dZ and T·dZ are
    (n, h) arrays; everything else is a matrix product or a row/column dot product.
    """
    A, S1 = p.fwd.A, p.fwd.S1
    if p.hvp_terms is None:
        X1 = np.concatenate([X, np.ones((X.shape[0], 1))], axis=1)
        S1g = S1 * p.G[:, :1]
        p.hvp_terms = (X1, S1 * p.params.W2[0], S1g, X1.T @ S1g)
    X1, S1w, S1g, X1tS1g = p.hvp_terms
    dw = dP.W2[0]
    dZ = BATCHED.hidden(X, dP.W1, dP.b1)
    dG = (2.0 / X.shape[0]) * (np.einsum("nh,nh->n", dZ, S1w) + A @ dw + dP.b2[0])
    TdZ = p.T * dZ
    # rows 0..n_in-1: the W1 block transposed; last row: b1
    first = (X1 * dG[:, None]).T @ S1w + X1tS1g * dw + X1.T @ TdZ
    out_W2 = dG @ A + np.einsum("nh,nh->h", S1g, dZ)
    return np.concatenate([first[:-1].T.ravel(), first[-1], out_W2, [dG.sum()]])


def jacobian(model: MLP, X: np.ndarray, W2: np.ndarray, fwd: Forward) -> np.ndarray:
    """Jacobian of the outputs (..., n·n_out, P) from a forward pass; rows sample-major."""
    A, S1 = fwd.A, fwd.S1
    lead = A.shape[:-2]
    n, h, i, o = A.shape[-2], model.n_hidden, model.n_in, model.n_out
    dFdZ = W2[..., None, :, :] * S1[..., :, None, :]  # (..., n, o, h)
    J = np.zeros((*lead, n, o, model.n_params))
    s = model.slices
    J[..., s["W1"]] = (dFdZ[..., None] * X[..., :, None, None, :]).reshape(*lead, n, o, h * i)
    J[..., s["b1"]] = dFdZ
    eye = np.eye(o)
    J[..., s["W2"]] = (eye[:, :, None] * A[..., :, None, None, :]).reshape(*lead, n, o, o * h)
    J[..., s["b2"]] = eye
    return J.reshape(*lead, n * o, model.n_params)


def _unit_indices(model: MLP) -> tuple[np.ndarray, np.ndarray]:
    """Indices of hidden unit j's input weights (W1[j], b1[j]) (h, n_in + 1) and of W2 (o, h)."""
    h, i, o = model.n_hidden, model.n_in, model.n_out
    units = np.concatenate([np.arange(h * i).reshape(h, i), (h * i + np.arange(h))[:, None]],
                           axis=1)
    return units, (h * i + h + np.arange(o * h)).reshape(o, h)


def hessian_batch(model: MLP, p: Pass, X: np.ndarray) -> np.ndarray:
    """Exact Hessians (B, P, P) of the mean-squared error from a batched pass (no L2 term)."""
    A, S1 = p.fwd.A, p.fwd.S1
    J = jacobian(model, X, p.params.W2, p.fwd)
    if len(J) == 1:  # 2-D ``A.T @ A`` lets numpy call BLAS syrk (half the work of gemm)
        H = (p.c * (J[0].T @ J[0]))[None]
    else:
        H = p.c * np.matmul(np.swapaxes(J, -1, -2), J)
    # residual term: hidden unit j's input weights u_j = (W1[j], b1[j]) with themselves ...
    Xt = np.concatenate([np.broadcast_to(X, (*A.shape[:-2], *X.shape[-2:])),
                         np.ones((*A.shape[:-1], 1))], axis=-1)  # (B, n, i+1)
    Buu = np.einsum("bnj,bnm,bnl->bjml", p.T, Xt, Xt, optimize=True)
    ui, w2_idx = _unit_indices(model)
    H[:, ui[:, :, None], ui[:, None, :]] += Buu
    # ... and with its output weights W2[k, j]
    Cku = np.einsum("bnk,bnj,bnm->bkjm", p.G, S1, Xt, optimize=True)  # (B, o, h, i+1)
    rows = np.broadcast_to(w2_idx[:, :, None], Cku.shape[1:])
    cols = np.broadcast_to(ui[None, :, :], Cku.shape[1:])
    H[:, rows, cols] += Cku
    H[:, cols, rows] += Cku
    return H
