"""Notebook 07's momentum on an elongated quadratic bowl: convergence rates, predicted and measured.

On L = ½ Σ λᵢ θᵢ² with curvatures from mu to L (condition number κ = L/mu):

- plain gradient descent at its best step size 2/(mu + L) shrinks the distance to the minimum
  by (κ − 1)/(κ + 1) per step;
- heavy-ball momentum (the lecture's m ← beta·m − lr·g, θ ← θ + m) at its best pair
  lr = 4/(√L + √mu)², beta = ((√κ − 1)/(√κ + 1))² shrinks it by (√κ − 1)/(√κ + 1)
  (Polyak 1964; Goh 2017, "Why Momentum Really Works").

``spectral_rate`` is the exact long-run rate: the largest root of r² − (1 + beta − lr·λ) r + beta.
"""

from __future__ import annotations

import numpy as np

from helpers.optimizers import Momentum, run
from helpers.validation import array, real, whole

__all__ = [
    "best_gd",
    "best_heavy_ball",
    "bowl_path",
    "critical_beta",
    "measured_rate",
    "safe_norms",
    "spectral_rate",
    "steps_to",
    "unrolled_momentum",
]


def _check_bowl(mu: float, L: float) -> float:
    """The condition number L/mu, after checking 0 < mu <= L."""
    mu, L = real("mu", mu), real("L", L)
    if not 0 < mu <= L:
        raise ValueError(f"the curvatures must satisfy 0 < mu <= L, got mu={mu}, L={L}")
    return L / mu


def best_gd(mu: float, L: float) -> tuple[float, float]:
    """Gradient descent's best step size 2/(mu + L) and its rate (κ − 1)/(κ + 1)."""
    kappa = _check_bowl(mu, L)
    return 2.0 / (mu + L), (kappa - 1) / (kappa + 1)


def best_heavy_ball(mu: float, L: float) -> tuple[float, float, float]:
    """Heavy ball's best (lr, beta) and its rate (√κ − 1)/(√κ + 1)."""
    kappa = _check_bowl(mu, L)
    root = (np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)
    return 4.0 / (np.sqrt(L) + np.sqrt(mu)) ** 2, float(root**2), float(root)


def spectral_rate(curvatures: np.ndarray, lr: float | np.ndarray,
                  beta: float | np.ndarray) -> np.ndarray | float:
    """Largest |root| of r² − (1 + beta − lr·λ)·r + beta over the curvatures λ (broadcasts)."""
    lam = array("curvatures", curvatures, ndim=(0, 1))
    lr, beta = array("lr", lr)[..., None], array("beta", beta)[..., None]
    b = 1 + beta - lr * lam
    disc = np.sqrt((b * b - 4 * beta).astype(complex))
    rate = np.maximum(np.abs((b + disc) / 2), np.abs((b - disc) / 2)).max(axis=-1)
    return float(rate) if rate.ndim == 0 else rate


def critical_beta(lr: float, mu: float) -> float:
    """The beta at which the slow direction is critically damped: (1 − √(lr·mu))²."""
    lr, mu = real("lr", lr), real("mu", mu)
    if not 0 < lr * mu < 1:
        raise ValueError(f"need 0 < lr·mu < 1, got lr·mu = {lr * mu}")
    return float((1 - np.sqrt(lr * mu)) ** 2)


def bowl_path(curvatures: np.ndarray, theta0: np.ndarray, lr: float, beta: float,
              n_steps: int) -> np.ndarray:
    """Heavy ball (beta = 0: gradient descent) on ½ Σ λᵢ θᵢ²: the path (n_steps + 1, d)."""
    curv = array("curvatures", curvatures, ndim=1)
    theta0 = array("theta0", theta0, shape=curv.shape)
    grad = lambda theta: curv * theta  # noqa: E731
    return run(Momentum(lr, momentum=beta), grad, theta0, n_steps)


def safe_norms(path: np.ndarray) -> np.ndarray:
    """Row norms without underflow (squaring 1e-170 gives 0: scale by the largest entry first)."""
    path = array("path", path, ndim=2, min_size=1, finite=False)
    scale = np.abs(path).max(axis=1)
    scale[scale == 0] = 1.0
    return scale * np.sqrt(np.sum((path / scale[:, None]) ** 2, axis=1))


def measured_rate(path: np.ndarray, window: int, *, double_root: bool = False) -> float:
    """(‖θ_T‖ / ‖θ_{T−W}‖)^(1/W) over the last W steps.

    At the heavy ball's best pair the iteration has a double root, ‖θ_t‖ ∝ t·r^t;
    ``double_root=True`` divides out the factor (T/(T − W))^(1/W).
    """
    norms = safe_norms(path)
    T = len(norms) - 1
    window = whole("window", window, low=1, high=T - 1, example=max(1, T // 4))
    rate = float((norms[-1] / norms[-1 - window]) ** (1.0 / window))
    return rate / (T / (T - window)) ** (1.0 / window) if double_root else rate


def steps_to(path: np.ndarray, fraction: float) -> int:
    """The first step at which ‖θ‖ ≤ fraction·‖θ₀‖ (−1 if never)."""
    fraction = real("fraction", fraction, low=0.0, high=1.0, low_open=True)
    norms = safe_norms(path)
    hit = np.nonzero(norms <= fraction * norms[0])[0]
    return int(hit[0]) if hit.size else -1


def unrolled_momentum(grads: np.ndarray, lr: float, beta: float) -> np.ndarray:
    """m_t = −lr·Σ_{i≤t} beta^(t−i)·g_i for every t: momentum as a weighted sum of gradients."""
    grads = array("grads", grads, ndim=(1, 2))
    lr, beta = real("lr", lr), real("beta", beta, low=0.0, high=1.0, high_open=True)
    out = np.empty_like(grads)
    for t in range(len(grads)):
        weights = beta ** np.arange(t, -1, -1, dtype=float)
        out[t] = -lr * weights @ grads[: t + 1]
    return out
