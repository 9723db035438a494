"""One vocabulary for spectra: eigenvalue counts by sign, the kind they imply, eigenvector signs.

Every part of the course that counts eigenvalues (the symbolic analysis, the network
experiment, the inspectors, the explorer) uses these functions, so "zero", "saddle" and
"degenerate" mean the same everywhere.
"""

from __future__ import annotations

import numbers
from typing import Any, NamedTuple

import numpy as np

EIG_TOL = 1e-6  # relative zero band of analyze_point: |λ| ≤ EIG_TOL·max(1, max|λ|)


class Inertia(NamedTuple):
    """How many eigenvalues are negative, (numerically) zero and positive."""

    negative: int
    zero: int
    positive: int


def _eigvals(eigvals: Any) -> np.ndarray:
    """Eigenvalues as a flat float array, or a TypeError naming what is expected."""
    if eigvals is None or isinstance(eigvals, str | bytes | dict | set):
        raise TypeError(f"eigvals must be an array of numbers; got {eigvals!r:.60}.")
    try:
        return np.asarray(eigvals, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        raise TypeError(f"eigvals must be an array of numbers; got {eigvals!r:.60}.") from None


def zero_threshold(eigvals: Any, tol: float, *, relative: bool = False) -> float:
    """The band |λ| ≤ threshold that counts as zero: tol, or tol·max(1, max|λ|) if relative."""
    if isinstance(tol, bool) or not isinstance(tol, numbers.Real):
        raise TypeError(f"the zero tolerance tol must be a number; got {tol!r}.")
    if not np.isfinite(tol) or tol < 0:
        raise ValueError(f"the zero tolerance must be a non-negative number; got {tol}.")
    lam = _eigvals(eigvals)
    if not relative:
        return float(tol)
    return float(tol) * max(1.0, float(np.max(np.abs(lam))) if lam.size else 1.0)


def inertia(eigvals: Any, tol: float = 0.0, *, relative: bool = False) -> Inertia:
    """Counts of negative, zero and positive eigenvalues; |λ| ≤ threshold counts as zero."""
    lam = _eigvals(eigvals)
    zero = np.abs(lam) <= zero_threshold(lam, tol, relative=relative)
    return Inertia(int(np.sum((lam < 0) & ~zero)), int(np.sum(zero)),
                   int(np.sum((lam > 0) & ~zero)))


def kind_from_inertia(counts: Inertia) -> str:
    """Second-order test: both signs → saddle; a zero → degenerate; else minimum or maximum."""
    if not all(hasattr(counts, f) for f in Inertia._fields):
        raise TypeError(f"counts must be an Inertia, e.g. inertia(eigvals, tol); got {counts!r}.")
    if counts.negative and counts.positive:
        return "saddle point"
    if counts.zero:
        return "degenerate"
    return "local maximum" if counts.negative else "local minimum"


def verdict_text(kind: str, resolved_kind: str) -> str:
    """One-line verdict: the kind, and what decided a degenerate or non-smooth point."""
    for name, value in (("kind", kind), ("resolved_kind", resolved_kind)):
        if not isinstance(value, str):
            raise TypeError(f"{name} must be a string such as 'saddle point'; got {value!r}.")
    if kind == "degenerate":
        return f"degenerate → {resolved_kind}"
    if kind == "undetermined":
        return f"not smooth here (no second-order test) → {resolved_kind}"
    return kind


def sign_fixed(vec: Any) -> np.ndarray:
    """An eigenvector is defined up to sign: unit length, first non-zero entry positive."""
    v = np.asarray(vec, dtype=float)
    norm = np.linalg.norm(v)
    if norm == 0:
        raise ValueError("the zero vector has no direction: it cannot be an eigenvector")
    v = v / norm
    nz = np.flatnonzero(np.abs(v) > 1e-12)
    if nz.size and v[nz[0]] < 0:
        v = -v
    return v + 0.0  # no negative zeros
