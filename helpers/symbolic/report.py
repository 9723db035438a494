"""The report of one point: what the second-order test (and a higher-order look) says."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy as sp

from helpers.spectrum import EIG_TOL, verdict_text
from helpers.symbolic.text import fmt_mat, fmt_num, fmt_vec, pretty

GRAD_TOL = 1e-8


KINDS = ("local minimum", "local maximum", "saddle point", "degenerate", "undetermined",
         "not critical")


@dataclass(frozen=True, eq=False)
class PointReport:
    """Everything the second-order test says about one point (see the module docstring)."""

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
    inertia: tuple[int, int, int] = (0, 0, 0)  # (negative, zero, positive) eigenvalue counts
    variables: tuple[sp.Symbol, ...] = field(default=())
    exact_point: tuple[Any, ...] | None = None
    smooth: bool = True  # False: f is not twice differentiable at p (g, H are NaN)

    @property
    def is_critical(self) -> bool:
        """True unless the gradient is nonzero (a kink counts: its gradient does not exist)."""
        return self.kind != "not critical"

    def _verdict(self) -> str:
        return verdict_text(self.kind, self.resolved_kind)

    def __str__(self) -> str:
        names = ", ".join(str(v) for v in self.variables) or "θ"
        pt = (pretty(list(self.exact_point)) if self.exact_point is not None
              else fmt_vec(self.point))
        return (f"({names}) = {pt}: {self._verdict()}\n"
                f"  f = {fmt_num(self.value)}, g = {fmt_vec(self.gradient)}, "
                f"‖g‖ = {self.grad_norm:.3g}\n"
                f"  H = {fmt_mat(self.hessian)}, eigenvalues = {fmt_vec(self.eigenvalues)}\n"
                f"  why: {self.reason}")

    def __repr__(self) -> str:
        return f"PointReport({self.kind!r}, point={fmt_vec(self.point)})"

    def _repr_markdown_(self) -> str:
        names = ", ".join(str(v) for v in self.variables) or "θ"
        pt = (pretty(list(self.exact_point)) if self.exact_point is not None
              else fmt_vec(self.point))
        rows = [
            ("point", f"({names}) = {pt}"),
            ("value f(p)", fmt_num(self.value)),
            ("gradient g", f"{fmt_vec(self.gradient)} (‖g‖ = {self.grad_norm:.3g})"),
            ("Hessian H", fmt_mat(self.hessian)),
            ("eigenvalues", fmt_vec(self.eigenvalues)),
            ("kind", f"**{self._verdict()}**"),
            ("why", self.reason),
        ]
        body = "\n".join(f"| {k} | {v} |" for k, v in rows)
        mode = ("exact" if self.exact else
                f"numeric (grad_tol={self.grad_tol:g}, eig_tol={self.eig_tol:g})")
        return f"| | {mode} |\n|---|---|\n{body}\n"
