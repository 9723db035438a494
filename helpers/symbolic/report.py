"""The report of one point: what the second-order test (and a higher-order look) says."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy as sp

from helpers.spectrum import EIG_TOL, Inertia, verdict_text
from helpers.symbolic.text import fmt_mat, fmt_num, fmt_vec, pretty

GRAD_TOL = 1e-8  # zero band of the gradient: ‖g‖ ≤ GRAD_TOL·max(1, |f(p)|, ‖H‖₂·‖p‖)
TIME_LIMIT = 3.0  # seconds an analysis may take before it returns what it could decide
TIME_LIMIT_VARIABLE = "HELPERS_TIME_LIMIT"  # environment variable that overrides TIME_LIMIT


def default_time_limit() -> float:
    """TIME_LIMIT, or the seconds in $HELPERS_TIME_LIMIT (e.g. 30 where a test machine is busy)."""
    text = os.environ.get(TIME_LIMIT_VARIABLE, "")
    try:
        value = float(text)
    except ValueError:
        return TIME_LIMIT
    return value if math.isfinite(value) and value > 0 else TIME_LIMIT

KINDS = ("local minimum", "local maximum", "saddle point", "degenerate", "undetermined",
         "not critical")


@dataclass(frozen=True, eq=False)
class PointReport:
    """Everything the second-order test says about one point (conventions: helpers.symbolic)."""

    point: np.ndarray
    value: float
    gradient: np.ndarray
    hessian: np.ndarray
    eigenvalues: np.ndarray
    eigenvectors: np.ndarray
    kind: str
    resolved_kind: str
    grad_norm: float
    reason: str
    exact: bool
    grad_tol: float = GRAD_TOL
    eig_tol: float = EIG_TOL
    inertia: Inertia = Inertia(0, 0, 0)  # (negative, zero, positive) eigenvalue counts
    variables: tuple[sp.Symbol, ...] = field(default=())
    exact_point: tuple[Any, ...] | None = None
    smooth: bool = True  # False: f is not twice differentiable at p (g, H are NaN)

    @property
    def verdict(self) -> str:
        """One-line verdict: the kind, and what decided a degenerate or non-smooth point."""
        return verdict_text(self.kind, self.resolved_kind)

    @property
    def point_text(self) -> str:
        """The point as reports print it: exact coordinates when known, else floats."""
        if self.exact_point is not None:
            return pretty(list(self.exact_point))
        return fmt_vec(self.point)

    def _names(self) -> str:
        return ", ".join(str(v) for v in self.variables) or "θ"

    def __str__(self) -> str:
        return (f"({self._names()}) = {self.point_text}: {self.verdict}\n"
                f"  f = {fmt_num(self.value)}, g = {fmt_vec(self.gradient)}, "
                f"‖g‖ = {self.grad_norm:.3g}\n"
                f"  H = {fmt_mat(self.hessian)}, eigenvalues = {fmt_vec(self.eigenvalues)}\n"
                f"  why: {self.reason}")

    def __repr__(self) -> str:
        return f"PointReport({self.kind!r}, point={fmt_vec(self.point)})"

    def _repr_markdown_(self) -> str:
        rows = [
            ("point", f"({self._names()}) = {self.point_text}"),
            ("value f(p)", fmt_num(self.value)),
            ("gradient g", f"{fmt_vec(self.gradient)} (‖g‖ = {self.grad_norm:.3g})"),
            ("Hessian H", fmt_mat(self.hessian)),
            ("eigenvalues", fmt_vec(self.eigenvalues)),
            ("kind", f"**{self.verdict}**"),
            ("why", self.reason),
        ]
        body = "\n".join(f"| {k} | {v} |" for k, v in rows)
        mode = ("exact" if self.exact else
                f"numeric (grad_tol={self.grad_tol:g}, eig_tol={self.eig_tol:g})")
        return f"| | {mode} |\n|---|---|\n{body}\n"
