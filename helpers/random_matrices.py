"""Random symmetric matrices (the Gaussian orthogonal ensemble, GOE) for notebook 05.

How often are all N eigenvalues of a random symmetric matrix positive? Monte Carlo estimates and
the large-N law of Dean & Majumdar (2006).
"""

from __future__ import annotations

import numpy as np

__all__ = ["goe_all_positive_probability", "goe_asymptotic", "goe_matrices"]


def goe_matrices(n: int, n_samples: int, rng: np.random.Generator | int = 0) -> np.ndarray:
    """``n_samples`` random symmetric n×n matrices (A + Aᵀ)/2 with A standard normal (GOE)."""
    if int(n) != n or n < 1:
        raise ValueError(f"n must be a positive integer; got {n!r}.")
    rng = np.random.default_rng(rng)
    A = rng.standard_normal((int(n_samples), int(n), int(n)))
    return 0.5 * (A + np.swapaxes(A, -1, -2))


def goe_all_positive_probability(
    n: int, n_samples: int = 200_000, seed: int = 0
) -> tuple[float, float]:
    """Monte Carlo P(all n eigenvalues of a GOE matrix > 0) and its standard error."""
    hits = 0
    done = 0
    batch = max(1, min(int(n_samples), 2_000_000 // max(1, n * n)))
    rng = np.random.default_rng([seed, n])
    while done < n_samples:
        m = min(batch, n_samples - done)
        hits += int(np.sum(np.linalg.eigvalsh(goe_matrices(n, m, rng))[:, 0] > 0))
        done += m
    p = hits / n_samples
    return p, float(np.sqrt(max(p * (1 - p), 1.0 / n_samples) / n_samples))


def goe_asymptotic(n: np.ndarray | float) -> np.ndarray:
    """Large-N law P(all eigenvalues > 0) ≈ exp(−(ln 3 / 4)·N²) (Dean & Majumdar 2006)."""
    return np.exp(-np.log(3.0) / 4.0 * np.asarray(n, dtype=float) ** 2)
