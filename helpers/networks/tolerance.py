"""Conclusions against the zero tolerance: counts, the gap around zero, ambiguity, index vs loss.

At a critical point of a network many Hessian eigenvalues sit near zero, so "how many are
positive" depends on where "zero" ends. Every function here takes the full spectrum and a
tolerance t (|λ| ≤ t counts as zero) so that a conclusion can be checked over decades of t.
"""

from __future__ import annotations

import numpy as np

from helpers.spectrum import inertia
from helpers.validation import array, real

__all__ = ["AMBIGUITY_FACTOR", "index_loss_correlation", "is_ambiguous", "tolerance_row",
           "zero_gap"]

AMBIGUITY_FACTOR = 10.0  # a clear gap: no |λ| within a factor 10 of the tolerance, either side


def zero_gap(eigvals: np.ndarray, tol: float) -> tuple[float, float]:
    """(largest |λ| counted as zero, smallest |λ| counted as non-zero) at tolerance tol."""
    mags = np.abs(array("eigvals", eigvals, finite=False))
    tol = real("tol", tol, low=0.0)
    below, above = mags[mags <= tol], mags[mags > tol]
    return (float(below.max()) if below.size else 0.0,
            float(above.min()) if above.size else float("inf"))


def is_ambiguous(eigvals: np.ndarray, tol: float, factor: float = AMBIGUITY_FACTOR) -> bool:
    """True when some |λ| lies within a factor ``factor`` of tol: no clear gap around zero."""
    tol = real("tol", tol, low=0.0, low_open=True)
    factor = real("factor", factor, low=1.0)
    mags = np.abs(array("eigvals", eigvals, finite=False))
    return bool(np.any((mags >= tol / factor) & (mags <= tol * factor)))


def _ranks(a: np.ndarray) -> np.ndarray:
    """Ranks 0 … n−1 with ties given their mean rank (for Spearman's ρ)."""
    order = np.argsort(a, kind="stable")
    ranks = np.empty(len(a))
    ranks[order] = np.arange(len(a))
    for value in np.unique(a):
        tied = a == value
        ranks[tied] = ranks[tied].mean()
    return ranks


def index_loss_correlation(index: np.ndarray, loss: np.ndarray) -> tuple[float, float]:
    """(Pearson r, Spearman ρ) of the index (share of negative eigenvalues) with the loss."""
    index = array("index", index, ndim=1, finite=False)
    loss = array("loss", loss, ndim=1, finite=False)
    if index.shape != loss.shape or index.size < 3:
        raise ValueError("index and loss need the same length, at least 3.")
    if np.ptp(index) == 0 or np.ptp(loss) == 0:
        return float("nan"), float("nan")
    pearson = float(np.corrcoef(index, loss)[0, 1])
    spearman = float(np.corrcoef(_ranks(index), _ranks(loss))[0, 1])
    return pearson, spearman


def tolerance_row(spectra: list[np.ndarray], loss: np.ndarray, tol: float) -> dict:
    """At one tolerance: minimum ratios, index, minima, ambiguous points and index–loss r, ρ."""
    if isinstance(spectra, str) or not hasattr(spectra, "__len__"):
        raise TypeError(f"spectra must be a list of eigenvalue arrays; got {spectra!r:.60}.")
    loss = array("loss", loss, ndim=1, finite=False)
    if len(loss) != len(spectra):
        raise ValueError(f"loss needs one value per spectrum: {len(spectra)}; got {len(loss)}.")
    tol = real("tol", tol, low=0.0, low_open=True)
    counts = [inertia(lam, tol) for lam in spectra]
    P = np.array([len(lam) for lam in spectra], dtype=float)
    pos = np.array([c.positive for c in counts])
    neg = np.array([c.negative for c in counts])
    ratio = pos / P
    row = {"tol": float(tol), "minimum_ratio": ratio, "n_negative": neg,
           "n_zero": np.array([c.zero for c in counts]),
           "n_minima": int(np.sum(neg == 0)),
           "ambiguous": np.array([is_ambiguous(lam, tol) for lam in spectra]),
           "gaps": np.array([zero_gap(lam, tol) for lam in spectra])}
    if len(spectra) >= 3:
        row["pearson"], row["spearman"] = index_loss_correlation(neg / P, loss)
    return row
