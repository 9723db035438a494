"""Random symmetric matrices (the Gaussian orthogonal ensemble, GOE) for notebook 05.

How often are all N eigenvalues of a random symmetric matrix positive? Monte Carlo estimates and
the large-N law of Dean & Majumdar (2006).
"""

from __future__ import annotations

import numpy as np

from helpers.timing import interruptible
from helpers.validation import array, fits_in_memory, generator, seed_value, whole

__all__ = ["goe_all_positive_probability", "goe_asymptotic", "goe_matrices"]

MAX_SAMPLES = 20_000_000  # Monte Carlo samples one call may draw (minutes at n = 5)


def goe_matrices(n: int, n_samples: int, rng: np.random.Generator | int = 0) -> np.ndarray:
    """``n_samples`` random symmetric n×n matrices (A + Aᵀ)/2 with A standard normal (GOE)."""
    n = whole("n", n, low=1, example=5)
    n_samples = whole("n_samples", n_samples, low=0, example=1000)
    rng = generator("rng", rng)
    fits_in_memory(f"{n_samples:,} matrices of {n}×{n}", 2 * 8.0 * n_samples * n * n,
                   "Use fewer samples or draw them in batches.")
    A = rng.standard_normal((n_samples, n, n))
    return 0.5 * (A + np.swapaxes(A, -1, -2))


def goe_all_positive_probability(
    n: int, n_samples: int = 200_000, seed: int = 0
) -> tuple[float, float]:
    """Monte Carlo P(all n eigenvalues of a GOE matrix > 0) and its standard error."""
    n = whole("n", n, low=1, high=1000, example=5)
    n_samples = whole("n_samples", n_samples, low=1, high=MAX_SAMPLES, example=200_000,
                      advice="More samples take too long for a live cell.")
    seed = seed_value("seed", seed)
    with interruptible(lambda: "the Monte Carlo estimate stopped early; nothing was returned. "
                               "Fewer samples (n_samples) finish sooner."):
        return _monte_carlo(n, n_samples, seed)


def _monte_carlo(n: int, n_samples: int, seed: int) -> tuple[float, float]:
    """goe_all_positive_probability on checked arguments."""
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
    return np.exp(-np.log(3.0) / 4.0 * array("n", n) ** 2)
