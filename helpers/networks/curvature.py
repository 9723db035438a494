"""Negative curvature without forming the Hessian: Lanczos (scipy ``eigsh``) on H·v products.

Memory stays O(P) (plus the network's own activations): only a handful of vectors of length P
and the Lanczos basis of ``ncv`` vectors are stored, never the P×P matrix.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.sparse.linalg import LinearOperator, eigsh

from helpers.networks.mlp import MLP
from helpers.spectrum import sign_fixed
from helpers.validation import (
    array,
    callback,
    fits_in_memory,
    generator,
    instance,
    real,
    seed_value,
    whole,
)

__all__ = [
    "DEFAULT_NCV",
    "LARGE_NCV",
    "lowest_eigenpair",
    "dense_lowest_eigenpair",
    "make_network_problem",
    "network_hvp",
    "loss_along_direction",
]

# With scipy's default ncv=20 the implicitly restarted Lanczos restarts for a long time on
# network Hessians (P = 1e4: ~50 s); with ncv ≈ 100 it converges in about one pass of ~100 HVPs.
# At P = 1e5 (make_network_problem) ncv=100 needed 281 HVPs (restarts), ncv=160 one pass of 161.
DEFAULT_NCV = 100
LARGE_NCV = 160  # used by default when P > LARGE_P
LARGE_P = 20_000


def lowest_eigenpair(
    hvp: Callable[[np.ndarray], np.ndarray],
    n_params: int,
    *,
    seed: int | np.random.Generator = 0,
    ncv: int | None = None,
    tol: float = 1e-10,
    maxiter: int | None = None,
) -> tuple[float, np.ndarray]:
    """Most negative eigenvalue and unit eigenvector of a symmetric operator given as v ↦ H·v.

    ``ncv`` is the Lanczos basis size (memory ncv·P floats); None picks DEFAULT_NCV, or
    LARGE_NCV when n_params > LARGE_P. The start vector is drawn from ``seed``.
    """
    callback("hvp", hvp, "hvp(v) → H·v", optional=False)
    n = whole("n_params", n_params, low=2, example=100)
    rng = generator("seed", seed)
    tol = real("tol", tol, low=0.0)
    if ncv is not None:
        whole("ncv", ncv, low=3, example=DEFAULT_NCV)
    if maxiter is not None:
        whole("maxiter", maxiter, low=1, example=1000)
    fits_in_memory(f"a Lanczos basis of {ncv or DEFAULT_NCV} vectors of {n:,}",
                   8.0 * n * min(n, ncv or LARGE_NCV))
    v0 = rng.standard_normal(n)
    op = LinearOperator((n, n), matvec=lambda v: hvp(np.asarray(v, dtype=float).ravel()),
                        dtype=float)
    if n <= 3:  # ARPACK needs k < n - 1 < ncv; tiny problems are solved densely
        H = np.column_stack([op.matvec(e) for e in np.eye(n)])
        eigvals, eigvecs = np.linalg.eigh(0.5 * (H + H.T))
        return float(eigvals[0]), sign_fixed(eigvecs[:, 0])
    if ncv is None:
        ncv = LARGE_NCV if n > LARGE_P else DEFAULT_NCV
    ncv = max(3, min(int(ncv), n - 1))
    eigval, eigvec = eigsh(op, k=1, which="SA", ncv=ncv, tol=tol, v0=v0, maxiter=maxiter)
    return float(eigval[0]), sign_fixed(eigvec[:, 0])


def dense_lowest_eigenpair(H: np.ndarray) -> tuple[float, np.ndarray]:
    """The dense route: ``np.linalg.eigh`` on the full matrix (memory O(P²), time O(P³))."""
    H = array("H", H, ndim=2)
    if H.shape[0] != H.shape[1] or H.shape[0] == 0:
        raise ValueError(f"H must be a square matrix; got shape {H.shape}.")
    eigvals, eigvecs = np.linalg.eigh(H)
    return float(eigvals[0]), sign_fixed(eigvecs[:, 0])


def make_network_problem(
    n_params_target: int,
    seed: int = 0,
    *,
    n_in: int = 8,
    n_samples: int = 256,
    scale: float = 2.0,
) -> tuple[MLP, np.ndarray, np.ndarray, np.ndarray]:
    """Regression problem for an ``n_in → h → 1`` tanh net with ≈ ``n_params_target`` parameters.

    Returns ``(model, theta, X, y)``. The data come from a random "teacher" network plus noise;
    theta is a random initialisation of the student (seeded), where the Hessian is indefinite.
    The actual size is ``model.n_params = h·(n_in + 2) + 1``.
    """
    n_in = whole("n_in", n_in, low=1, example=8)
    n_samples = whole("n_samples", n_samples, low=1, example=256)
    scale = real("scale", scale, low=0.0)
    n_params_target = whole("n_params_target", n_params_target, low=n_in + 3, example=1000)
    seed = seed_value("seed", seed)
    fits_in_memory(f"a network of about {n_params_target:,} parameters on {n_samples:,} samples",
                   8.0 * 6 * n_params_target * (1 + n_samples / (n_in + 2)))
    h = max(1, round((n_params_target - 1) / (n_in + 2)))
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, n_in))
    teacher = MLP(n_in, 4, 1)
    y = teacher.predict(teacher.init(rng, 2.0), X) + 0.1 * rng.standard_normal((n_samples, 1))
    model = MLP(n_in, h, 1)
    theta = model.init(rng, scale)
    return model, theta, X, y


def network_hvp(
    model: MLP, theta: np.ndarray, X: np.ndarray, y: np.ndarray
) -> Callable[[np.ndarray], np.ndarray]:
    """The map v ↦ H(theta)·v for a network problem (forward/backward pass computed once)."""
    instance("model", model, MLP, "an MLP, e.g. MLP(2, 3, 1)")
    theta = np.array(theta, dtype=float)
    X = np.array(X, dtype=float)
    y = np.array(y, dtype=float)
    _ = model.cached_pass(theta, X, y).T  # fill the cache, with the HVP's residual-term weights
    return lambda v: model.hvp(theta, X, y, v)


def loss_along_direction(
    model: MLP,
    theta: np.ndarray,
    X: np.ndarray,
    y: np.ndarray,
    direction: np.ndarray,
    ts: np.ndarray,
) -> np.ndarray:
    """Loss L(theta + t·direction) for every t in ts (direction used as given, not normalised)."""
    instance("model", model, MLP, "an MLP, e.g. MLP(2, 3, 1)")
    theta = array("theta", theta, ndim=1)
    direction = array("direction", direction)
    ts = array("ts", ts, ndim=(0, 1))
    if direction.shape != theta.shape:
        raise ValueError(f"direction must have shape {theta.shape}; got {direction.shape}.")
    return np.array([model.loss(theta + t * direction, X, y) for t in np.atleast_1d(ts)])

