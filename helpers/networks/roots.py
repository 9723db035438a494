"""Solving ∇L(θ) = 0 for many networks at once, with the exact Hessian as the Jacobian.

Unlike minimising L, these converge to critical points of any index (minima *and* saddles).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from helpers.networks.mlp import MLP

__all__ = ["LM_STAGE", "levenberg_marquardt", "newton"]

LM_STAGE = "Levenberg–Marquardt on ∇L = 0"  # the stage name given to progress callbacks

Progress = Callable[[str, int, int], None]


def _lm_chunk(model: MLP, theta: np.ndarray, g: np.ndarray, gn: np.ndarray, mu: np.ndarray,
              idx: np.ndarray, X: np.ndarray, y: np.ndarray) -> None:
    """One LM step of the networks ``idx`` (in place): kept where it lowers ‖g‖, μ adapted."""
    H = model.hessian_batch(theta[idx], X, y)
    lam, Q = np.linalg.eigh(H)
    qg = np.einsum("bpq,bp->bq", Q, g[idx])
    step = -np.einsum("bpq,bq->bp", Q, lam / (lam**2 + mu[idx, None]) * qg)
    new = theta[idx] + step
    gnew = model.gradient(new, X, y)
    gnn = np.linalg.norm(gnew, axis=1)
    ok = np.isfinite(gnn) & (gnn < gn[idx])
    theta[idx[ok]], g[idx[ok]], gn[idx[ok]] = new[ok], gnew[ok], gnn[ok]
    mu[idx] = np.where(ok, np.maximum(mu[idx] / 3.0, 1e-15), mu[idx] * 4.0)


def levenberg_marquardt(model: MLP, thetas: np.ndarray, X: np.ndarray, y: np.ndarray,
                        iters: int, grad_tol: float, progress: Progress | None = None,
                        chunk: int | None = None) -> np.ndarray:
    """Batched Levenberg–Marquardt: step −(H² + μI)⁻¹·H·g, kept only when it lowers ‖g‖.

    The active networks are stepped ``chunk`` at a time (bounded memory); ``progress`` gets
    (LM_STAGE, done, total) after every chunk, in units of iterations × chunks.
    """
    theta = thetas.copy()
    g = model.gradient(theta, X, y)
    gn = np.linalg.norm(g, axis=1)
    mu = np.full(len(theta), 1e-3)
    active = np.isfinite(gn)
    chunk = len(theta) if chunk is None else max(1, int(chunk))
    n_chunks = -(-len(theta) // chunk)
    total = iters * n_chunks
    for it in range(iters):
        active &= (gn > grad_tol * 1e-4) & (mu < 1e12)
        if not active.any():
            break
        idx_all = np.flatnonzero(active)
        for c, start in enumerate(range(0, len(idx_all), chunk)):
            _lm_chunk(model, theta, g, gn, mu, idx_all[start:start + chunk], X, y)
            if progress is not None and it * n_chunks + c + 1 < total:
                progress(LM_STAGE, it * n_chunks + c + 1, total)
    if progress is not None:
        progress(LM_STAGE, total, total)
    return theta


def newton(model: MLP, thetas: np.ndarray, X: np.ndarray, y: np.ndarray, iters: int,
           stop_tol: float) -> np.ndarray:
    """Plain Newton steps θ ← θ − H⁻¹g on every row with ‖g‖ > stop_tol (quadratic near a root).

    Stops early when every row is done or a Hessian is singular; non-finite steps are skipped.
    """
    cur = np.array(thetas, dtype=float)
    for _ in range(iters):
        g = model.gradient(cur, X, y)
        todo = np.flatnonzero(np.linalg.norm(g, axis=1) > stop_tol)
        if todo.size == 0:
            break
        H = model.hessian_batch(cur[todo], X, y)
        with np.errstate(all="ignore"):
            try:
                step = np.linalg.solve(H, g[todo][..., None])[..., 0]
            except np.linalg.LinAlgError:  # a singular Hessian: the caller falls back to LM
                break
        cur[todo] -= np.where(np.isfinite(step), step, 0.0)
    return cur
