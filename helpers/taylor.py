"""Taylor models of a loss around θ′ (orders 0, 1, 2), how fast their error shrinks, the sign of
vᵀHv and the naive eigenvalue count of the pitfall section (notebooks 02 and 03).

The model is the lecture's
    L(θ) ≈ L(θ′) + (θ−θ′)ᵀg + ½ (θ−θ′)ᵀ H (θ−θ′),
with g the gradient and H the Hessian at θ′. Derivatives come from :mod:`helpers.symbolic`;
this module only evaluates them numerically and compares models with the true loss. The
interactive views of notebooks 02 and 03 are in :mod:`helpers.inspectors`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import sympy as sp

from helpers.symbolic import check_inputs, default_time_limit, numeric_within, value_within

ORDERS = (0, 1, 2)

# ----------------------------------------------------------------------------- numeric basics


def _as_points(theta: Any, n: int) -> np.ndarray:
    """Return theta as a float array of shape (..., n), or raise a readable ValueError."""
    arr = np.asarray(theta, dtype=float)
    if arr.ndim == 0 or arr.shape[-1] != n:
        raise ValueError(f"expected points with {n} coordinates (last axis), got shape {arr.shape}")
    return arr


def _on_points(fn: Callable[[np.ndarray], np.ndarray], n: int) -> Callable[[Any], np.ndarray]:
    """Adapt a compile_numeric function (x of shape (n, ...)) to points of shape (..., n)."""

    def f(theta: Any) -> np.ndarray:
        return fn(np.moveaxis(_as_points(theta, n), -1, 0))

    return f


def numeric_function(expr: sp.Expr, variables: Sequence[sp.Symbol], *,
                     time_limit: float | None = None) -> Callable[[Any], np.ndarray]:
    """Turn a sympy expression into ``f(theta)`` evaluated on points of shape (..., n).

    ValueError when making the numeric function takes more than ``time_limit`` seconds.
    """
    expr, vars_ = check_inputs(expr, variables)
    value = value_within(expr, vars_, time_limit or default_time_limit())
    return _on_points(value, len(vars_))

def taylor_model(
    theta: Any,
    theta0: Any,
    value: float,
    grad: Any,
    hess: Any,
    order: int = 2,
) -> np.ndarray:
    """Evaluate the order-0/1/2 Taylor model around ``theta0`` at points ``theta`` (..., n)."""
    if order not in ORDERS:
        raise ValueError(f"order must be 0, 1 or 2, got {order!r}")
    grad = np.asarray(grad, dtype=float).reshape(-1)
    n = grad.size
    hess = np.asarray(hess, dtype=float)
    if hess.shape != (n, n):
        raise ValueError(f"the Hessian must be {n}×{n} to match the gradient, got {hess.shape}")
    v = _as_points(theta, n) - _as_points(theta0, n)
    out = np.full(v.shape[:-1], float(value))
    if order >= 1:
        out = out + v @ grad
    if order >= 2:
        out = out + 0.5 * np.einsum("...i,ij,...j->...", v, hess, v)
    return out


def unit(direction: Any) -> np.ndarray:
    """Return ``direction`` scaled to length 1 (ValueError for the zero vector)."""
    d = np.asarray(direction, dtype=float).reshape(-1)
    norm = float(np.linalg.norm(d))
    if not np.isfinite(norm) or norm == 0.0:
        raise ValueError("the direction must be a non-zero, finite vector")
    return d / norm


def angle_direction(angle_deg: float) -> np.ndarray:
    """Unit vector in the plane at ``angle_deg`` degrees from the first axis."""
    a = np.deg2rad(angle_deg)
    return np.array([np.cos(a), np.sin(a)])


def line_profiles(
    loss: Callable[[Any], np.ndarray],
    theta0: Any,
    direction: Any,
    ts: Any,
    value: float,
    grad: Any,
    hess: Any,
) -> dict[Any, np.ndarray]:
    """True loss (key "true") and models of order 0, 1, 2 (keys 0, 1, 2) along θ′ + t·u."""
    u = unit(direction)
    ts = np.asarray(ts, dtype=float)
    pts = np.asarray(theta0, dtype=float) + ts[..., None] * u
    out: dict[Any, np.ndarray] = {"true": loss(pts)}
    for k in ORDERS:
        out[k] = taylor_model(pts, theta0, value, grad, hess, order=k)
    return out


def approximation_errors(
    loss: Callable[[Any], np.ndarray],
    theta0: Any,
    direction: Any,
    distances: Any,
    value: float,
    grad: Any,
    hess: Any,
) -> dict[int, np.ndarray]:
    """|L(θ) − model_k(θ)| at θ = θ′ + r·u for each distance r, for orders k = 0, 1, 2."""
    r = np.asarray(distances, dtype=float)
    if np.any(r <= 0):
        raise ValueError("distances must be positive")
    prof = line_profiles(loss, theta0, direction, r, value, grad, hess)
    return {k: np.abs(prof["true"] - prof[k]) for k in ORDERS}


def loglog_slope(distances: Any, errors: Any) -> float:
    """Least-squares slope of log(error) against log(distance)."""
    r = np.asarray(distances, dtype=float)
    e = np.asarray(errors, dtype=float)
    if r.shape != e.shape or r.size < 2:
        raise ValueError("need at least two (distance, error) pairs of the same shape")
    if np.any(r <= 0) or np.any(e <= 0):
        raise ValueError("a log-log slope needs positive distances and errors (an error is 0)")
    slope, _ = np.polyfit(np.log(r), np.log(e), 1)
    return float(slope)


# ----------------------------------------------------------------------------- the sign of vᵀHv


def unit_circle(n: int) -> np.ndarray:
    """``n`` unit vectors evenly spread over the circle, shape (n, 2), starting at angle 0."""
    if n < 1:
        raise ValueError("n must be at least 1")
    a = np.linspace(0.0, 2 * np.pi, n, endpoint=False)
    return np.stack([np.cos(a), np.sin(a)], axis=-1)


def random_unit_vectors(n: int, dim: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` random directions in ``dim`` dimensions, uniformly spread over the sphere."""
    if n < 1 or dim < 1:
        raise ValueError("n and dim must be at least 1")
    v = rng.standard_normal((n, dim))
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def quadratic_form(hess: Any, vectors: Any) -> np.ndarray:
    """vᵀHv for each row v of ``vectors`` (shape (m, n)) or for one vector."""
    h = np.asarray(hess, dtype=float)
    if h.ndim != 2 or h.shape[0] != h.shape[1]:
        raise ValueError(f"the Hessian must be a square matrix, got shape {h.shape}")
    v = _as_points(vectors, h.shape[0])
    return np.einsum("...i,ij,...j->...", v, h, v)


def naive_kind(eigvals: Any) -> str:
    """The rule WITHOUT a tolerance (the pitfall): all λ > 0 min, all λ < 0 max, else saddle."""
    lam = np.asarray(eigvals, dtype=float).reshape(-1)
    if lam.size == 0:
        raise ValueError("need at least one eigenvalue")
    if np.all(lam > 0):
        return "local minimum"
    if np.all(lam < 0):
        return "local maximum"
    return "saddle point"


def finite_difference_hessian(
    loss: Callable[[Any], np.ndarray], theta: Any, h: float = 1e-4
) -> np.ndarray:
    """Central finite-difference Hessian of ``loss`` at ``theta`` with step ``h`` (symmetric)."""
    theta = np.asarray(theta, dtype=float).reshape(-1)
    if not h > 0:
        raise ValueError("the step h must be positive")
    n = theta.size
    eye = np.eye(n) * h
    pts = []
    for i in range(n):
        for j in range(n):
            for si, sj in ((1, 1), (1, -1), (-1, 1), (-1, -1)):
                pts.append(theta + si * eye[i] + sj * eye[j])
    vals = loss(np.array(pts)).reshape(n, n, 4)
    hess = (vals[..., 0] - vals[..., 1] - vals[..., 2] + vals[..., 3]) / (4 * h * h)
    return 0.5 * (hess + hess.T)


# ----------------------------------------------------------------------------- numeric g and H


class TaylorExpansion:
    """Numeric L, g and H of a sympy loss (derivatives from helpers.symbolic), at any θ′.

    When sympy's derivatives take more than ``time_limit`` seconds (default 3), g and H come
    from central differences instead and ``exact_derivatives`` is False.
    """

    def __init__(self, expr: sp.Expr, variables: Sequence[sp.Symbol], *,
                 time_limit: float | None = None):
        self.expr, self.variables = check_inputs(expr, variables)
        value, self._grad, self._hess, self.exact_derivatives = numeric_within(
            self.expr, self.variables, time_limit or default_time_limit())
        self.loss = _on_points(value, self.n)

    @property
    def n(self) -> int:
        """Number of parameters."""
        return len(self.variables)

    def at(self, theta0: Any) -> tuple[float, np.ndarray, np.ndarray]:
        """(L(θ′), g, H) as floats at one point θ′."""
        p = _as_points(theta0, self.n).reshape(self.n)
        value = float(self.loss(p))
        grad = self._grad(p).reshape(self.n)
        hess = self._hess(p).reshape(self.n, self.n)
        return value, grad, hess

    def model(self, theta: Any, theta0: Any, order: int = 2) -> np.ndarray:
        """The order-``order`` Taylor model around θ′, evaluated at points ``theta``."""
        value, grad, hess = self.at(theta0)
        return taylor_model(theta, theta0, value, grad, hess, order=order)

    def errors(self, theta0: Any, direction: Any, distances: Any) -> dict[int, np.ndarray]:
        """|L − model_k| at distances r along ``direction`` from θ′ (orders 0, 1, 2)."""
        value, grad, hess = self.at(theta0)
        return approximation_errors(self.loss, theta0, direction, distances, value, grad, hess)
