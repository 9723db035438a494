"""Critical points of any index, certified: saddle-free Newton with k ascent modes, and the checks.

``partitioned_newton`` solves ∇L(θ) = 0 with one eigendecomposition H = QΛQᵀ per iteration: the
k lowest modes go uphill, all others downhill, each scaled by 1/(|λ_i| + ν) with ν ≥ 0 the
smallest shift keeping the step inside a trust region (k = 0 is trust-region saddle-free
Newton, a minimiser). Near an index-k critical point whose signs match, ν = 0 and the step is
Newton's, so the convergence is quadratic. ``check_point`` then measures everything a reader
needs to judge the end point, and ``status_of`` sorts it into

* "certified": ‖∇L‖ ≤ grad_tol and ‖θ‖ ≤ theta_max (a critical point, up to rounding);
* "gradient-flat": not certified, but at least ``FLAT_SHARE`` of ‖∇L‖² lies in the eigenspace
  of |λ| < ``FLAT_REL``·λ_max (Frye et al. 2021): the gradient points where H is flat;
* "not converged": everything else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from helpers.networks.mlp import MLP
from helpers.validation import array, callback, has_methods, instance, real, whole

__all__ = ["FLAT_REL", "FLAT_SHARE", "GRAD_TOL", "THETA_MAX", "PointCheck", "check_point",
           "newton_polish", "partitioned_newton", "status_of"]

GRAD_TOL = 1e-10  # certified: ‖∇L‖ ≤ GRAD_TOL (‖∇L‖ at a random start is ~0.1) ...
THETA_MAX = 100.0  # ... and ‖θ‖ ≤ THETA_MAX
FLAT_REL = 1e-6  # gradient-flat: ≥ FLAT_SHARE of ‖g‖² in the eigenspace |λ| < FLAT_REL·λ_max
FLAT_SHARE = 0.99


@dataclass
class PointCheck:
    """What is measured at the end of one search (all from theta, nothing taken on trust)."""

    loss: float
    data_loss: float
    grad_norm: float
    theta_norm: float
    eigvals: np.ndarray  # ascending, of the exact Hessian
    newton_dist: float  # ‖H⁻¹g‖: estimated distance to the exact critical point
    flat_share: float  # share of ‖g‖² in the eigenspace |λ| < FLAT_REL·λ_max


def check_point(model: MLP, X: np.ndarray, Y: np.ndarray, theta: np.ndarray) -> PointCheck:
    """Loss, ‖g‖, full spectrum, Newton distance and the gradient-flat share at theta."""
    has_methods("model", model, ("n_params", "gradient", "hessian", "loss"),
                "a network such as MLP(64, 8, 10)")
    theta = array("theta", theta, ndim=1, shape=(model.n_params,))
    g = model.gradient(theta, X, Y)
    lam, Q = np.linalg.eigh(model.hessian(theta, X, Y))
    gq = Q.T @ g
    small = np.abs(lam) < FLAT_REL * np.max(np.abs(lam))
    gn2 = float(gq @ gq)
    with np.errstate(divide="ignore"):
        newton_dist = float(np.sqrt(np.sum((gq / lam) ** 2)))
    return PointCheck(
        loss=float(model.loss(theta, X, Y)), data_loss=float(model.data_loss(theta, X, Y)),
        grad_norm=float(np.linalg.norm(g)), theta_norm=float(np.linalg.norm(theta)),
        eigvals=lam, newton_dist=newton_dist,
        flat_share=float(np.sum(gq[small] ** 2) / gn2) if gn2 > 0 else 0.0)


def status_of(check: PointCheck, grad_tol: float = GRAD_TOL,
              theta_max: float = THETA_MAX) -> str:
    """"certified", "gradient-flat" or "not converged" (criteria in the module docstring)."""
    instance("check", check, PointCheck, "the result of check_point(model, X, Y, theta)")
    real("grad_tol", grad_tol, low=0.0), real("theta_max", theta_max, low=0.0)
    if check.grad_norm <= grad_tol and check.theta_norm <= theta_max:
        return "certified"
    if check.flat_share >= FLAT_SHARE:
        return "gradient-flat"
    return "not converged"


def _shifted_step(lam: np.ndarray, gq: np.ndarray, sign: np.ndarray,
                  radius: float) -> np.ndarray:
    """Coefficients c_i = −sign_i·gq_i/(|λ_i| + ν), ν ≥ 0 the smallest with ‖c‖ ≤ radius."""
    a = np.abs(lam)
    c = -sign * gq / np.maximum(a, 1e-300)
    if np.linalg.norm(c) <= radius:
        return c
    lo, hi = 0.0, np.linalg.norm(gq) / radius  # at ν = hi, ‖c‖ ≤ ‖g‖/ν = radius
    for _ in range(100):
        nu = 0.5 * (lo + hi)
        if np.linalg.norm(gq / (a + nu)) > radius:
            lo = nu
        else:
            hi = nu
        if hi - lo <= 1e-12 * hi:
            break
    return -sign * gq / (a + hi)


def _trust_region_step(model: MLP, X, Y, theta, loss, lam, Q, gq, sign, radius):
    """One accepted step (new theta, its loss, new radius), or None when the radius collapses.

    A step is kept when the quadratic model predicts the change of L well (ratio in [0.5, 2]);
    the radius doubles after a good full-length step and shrinks ×¼ after a rejected one.
    """
    while radius >= 1e-12:
        c = _shifted_step(lam, gq, sign, radius)
        cand = theta + Q @ c
        new_loss = float(model.loss(cand, X, Y))
        pred = float(gq @ c + 0.5 * np.sum(lam * c * c))
        rho = (new_loss - loss) / pred if pred != 0 else 1.0
        if 0.5 <= rho <= 2.0 or abs(pred) < 1e-15 * max(1.0, abs(loss)):
            if np.linalg.norm(c) >= 0.99 * radius:
                radius *= 2.0
            return cand, new_loss, radius
        radius *= 0.25
    return None


def partitioned_newton(model: MLP, X: np.ndarray, Y: np.ndarray, theta0: np.ndarray, k: int,
                       max_iter: int = 150, grad_tol: float = GRAD_TOL,
                       radius: float = 0.5, on_iteration: Callable[[int], None] | None = None
                       ) -> tuple[np.ndarray, int]:
    """Saddle-free Newton with k ascent modes in a trust region; returns (theta, iterations).

    Stops at ‖∇L‖ ≤ grad_tol, after max_iter iterations or when the trust region collapses;
    when it ends close (‖∇L‖ ≤ 1e-6) a few plain Newton steps try to finish.
    ``on_iteration(it)`` is called after every iteration (progress).
    """
    has_methods("model", model, ("n_params", "gradient", "hessian", "loss"),
                "a network such as MLP(64, 8, 10)")
    whole("k", k, low=0, high=model.n_params - 1, example=0)
    whole("max_iter", max_iter, low=0, example=150)
    real("grad_tol", grad_tol, low=0.0), real("radius", radius, low=0.0, low_open=True)
    callback("on_iteration", on_iteration, "on_iteration(it)")
    theta = array("theta0", theta0, ndim=1, shape=(model.n_params,))
    g = model.gradient(theta, X, Y)
    loss = float(model.loss(theta, X, Y))
    sign = np.ones(model.n_params)
    sign[:k] = -1.0
    it = 0
    while it < max_iter and np.linalg.norm(g) > grad_tol:
        it += 1
        lam, Q = np.linalg.eigh(model.hessian(theta, X, Y))
        step = _trust_region_step(model, X, Y, theta, loss, lam, Q, Q.T @ g, sign, radius)
        if step is None:
            break
        theta, loss, radius = step
        g = model.gradient(theta, X, Y)
        if on_iteration is not None:
            on_iteration(it)
    gn = float(np.linalg.norm(g))
    if grad_tol < gn <= 1e-6:
        cand, gc = newton_polish(model, X, Y, theta, grad_tol, max_iter=6)
        if gc < gn:
            theta = cand
    return theta, it


def newton_polish(model: MLP, X: np.ndarray, Y: np.ndarray, theta: np.ndarray,
                  grad_tol: float = GRAD_TOL, max_iter: int = 12,
                  rcond: float = 1e-13) -> tuple[np.ndarray, float]:
    """Plain Newton on ∇L = 0 (pseudo-inverse below rcond·λ_max); keeps the best ‖g‖ seen."""
    theta = np.array(theta, dtype=float)
    best = (float(np.linalg.norm(model.gradient(theta, X, Y))), theta.copy())
    for _ in range(max_iter):
        if best[0] <= grad_tol:
            break
        g = model.gradient(theta, X, Y)
        lam, Q = np.linalg.eigh(model.hessian(theta, X, Y))
        keep = np.abs(lam) > rcond * np.max(np.abs(lam))
        gq = Q.T @ g
        theta = theta - Q @ np.where(keep, gq / np.where(keep, lam, 1.0), 0.0)
        gn = float(np.linalg.norm(model.gradient(theta, X, Y)))
        if not np.isfinite(gn):
            break
        if gn < best[0]:
            best = (gn, theta.copy())
        elif gn > 10 * best[0]:
            break
    return best[1], best[0]
