"""Classify one point: exactly, at the simple rational point it snaps to, or with tolerances.

``analyze_point`` decides once how a point is analysed: an exact point exactly (numbers
only where sympy cannot decide a sign there); a float point numerically, and a float point
that is degenerate within the tolerances once more exactly at the simple rational point
it snaps to, when that point is exactly critical.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import time
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import sympy as sp

from helpers.deadline import run_within
from helpers.spectrum import EIG_TOL, Inertia, inertia, kind_from_inertia, sign_fixed
from helpers.symbolic.calculus import (
    Kink,
    check_inputs,
    compile_numeric,
    gradient,
    hessian,
    kink_arguments,
    kink_at,
    without_dirac,
)
from helpers.symbolic.fallback import TOO_LONG, difference_derivatives, exact_affordable
from helpers.symbolic.points import as_point, rational_near, snap_rational, undefined_error
from helpers.symbolic.report import GRAD_TOL, TIME_LIMIT, PointReport, default_time_limit
from helpers.symbolic.resolve import resolve_exact, resolve_nonsmooth
from helpers.symbolic.signs import exact_inertia, exact_sign, finite_number, prove_sign
from helpers.symbolic.text import fmt_num, pretty


@dataclasses.dataclass(frozen=True)
class _Problem:
    """f, its variables, the two tolerances and the time bound of one analysis."""

    expr: sp.Expr
    vars_: tuple[sp.Symbol, ...]
    grad_tol: float
    eig_tol: float
    time_limit: float = TIME_LIMIT
    phase_end: float = math.inf  # monotonic time when the current phase must end

    def left(self, reserve: float = 0.0) -> float:
        """Seconds left in the current phase, keeping ``reserve``·time_limit for what follows."""
        return self.phase_end - time.monotonic() - reserve * self.time_limit

    def in_phase(self, seconds: float) -> _Problem:
        """This problem with a phase of ``seconds`` from now (within the current one)."""
        end = min(self.phase_end, time.monotonic() + max(0.0, seconds))
        return dataclasses.replace(self, phase_end=end)


_EACH = 0.15  # share of time_limit one sign proof or one line's expansion may take


def _bounded(problem: _Problem, reserve: float, fallback: Any, fn: Any, *args: Any) -> Any:
    """fn(*args), or ``fallback`` when it does not finish within problem.left(reserve)."""
    return run_within(problem.left(reserve), fn, *args, default=fallback)[0]


def analyze_point(f: Any, variables: Sequence[sp.Symbol], point: Any, *,
                  grad_tol: float = GRAD_TOL, eig_tol: float = EIG_TOL,
                  time_limit: float | None = None) -> PointReport:
    """Classify ``point`` by the gradient and the Hessian's eigenvalues (+ a higher-order look).

    Exact points are decided exactly; float points with the tolerances of helpers.symbolic:
    ‖g‖ ≤ grad_tol·max(1, |f(p)|, ‖H‖₂·‖p‖) is "zero gradient" and
    |λ| ≤ eig_tol·max(1, max|λ|) is "zero eigenvalue".
    Eigenvalues of both signs → "saddle point" (even with a zero one); all positive → local
    minimum; all negative → local maximum; otherwise "degenerate", with ``resolved_kind``
    decided by a sign proof of f − f(p) or by Taylor series along lines, else "undetermined".

    Non-smooth f (abs, sign, Heaviside, Piecewise, Max/Min, sqrt(u) or u^(1/3) at u = 0):
    away from the kinks the derivatives are the usual ones (DiracDelta terms are 0 there).
    At a point ON a kink (|u| ≤ grad_tol·max(1, ‖p‖)·‖∇u‖ for floats, u = 0 exactly for
    exact points) or where g or H is infinite, f is not twice differentiable: the report has
    ``kind = "undetermined"``, ``smooth = False``, NaN gradient, Hessian and eigenvalues, and a
    ``resolved_kind`` from a sign proof of f − f(p) ("local minimum"/"local maximum", which
    needs no derivatives) or else "undetermined"; the reason says which kink it is. This is
    conservative: a kink of a C² function such as |x|³ is also reported as not smooth.
    A point where f itself is not finite (log(0), 1/0) raises ValueError.

    Time bound: the call returns within about ``time_limit`` seconds (default 3, or
    ``$HELPERS_TIME_LIMIT``) on any input. Exact work that does not finish in time gives
    way to the numeric test (the reason then says "the exact analysis took too long"), a
    higher-order look that does not finish leaves ``resolved_kind`` "undetermined", and when
    not even the symbolic derivatives finish, g and H come from finite differences and the
    kind is "undetermined".
    """
    expr, vars_ = check_inputs(f, variables)
    if not (grad_tol > 0 and eig_tol > 0):
        raise ValueError("grad_tol and eig_tol must be positive")
    problem = _Problem(expr, vars_, grad_tol, eig_tol, check_time_limit(time_limit))
    problem = problem.in_phase(problem.time_limit)
    exact_p, num_p = as_point(point, len(vars_))
    note = ""
    if exact_p is not None:
        report, note = _exact_phase(problem.in_phase(0.6 * problem.time_limit), exact_p, num_p)
        if report is not None:
            return report
    report = _bounded(problem, 0.1, None, _numeric_report, problem, num_p)
    if report is None:
        return _difference_report(problem, num_p)
    if report.kind == "degenerate":
        report = _bounded(problem, 0.05, report, _resolve_float, problem, report, exact_p)
    return dataclasses.replace(report, reason=f"{report.reason} ({note})") if note else report


def check_time_limit(time_limit: Any) -> float:
    """time_limit as positive finite seconds (None: the default), or a ValueError."""
    if time_limit is None:
        return default_time_limit()
    if isinstance(time_limit, bool) or not isinstance(time_limit, (int, float, np.number)):
        raise ValueError(f"time_limit must be a number of seconds, got {time_limit!r}")
    if not (math.isfinite(time_limit) and time_limit > 0):
        raise ValueError(f"time_limit must be a positive number of seconds, got {time_limit!r}")
    return float(time_limit)


def _exact_phase(problem: _Problem, exact_p: list[sp.Expr],
                 num_p: np.ndarray) -> tuple[PointReport | None, str]:
    """(the exact report or None, a note on why there is none) within the phase's time."""
    if not exact_affordable(problem.expr, problem.vars_, exact_p):
        return None, "its exact numbers are too large to write out, so floats decide"
    report, timed_out = run_within(problem.left(), _exact_report, problem, exact_p, num_p)
    return report, (f"{TOO_LONG}, so the numeric test decides" if timed_out else "")


def _resolve_float(problem: _Problem, report: PointReport,
                   exact_p: list[sp.Expr] | None) -> PointReport:
    """A float point degenerate within the tolerances, resolved at the rational it snaps to."""
    # an exact point that sympy could not decide is not snapped: it would snap to itself
    snapped = snap_rational(problem.expr, problem.vars_, report.point) if exact_p is None else None
    return _resolve_numeric_degenerate(problem, report, snapped)


def _difference_report(problem: _Problem, num_p: np.ndarray) -> PointReport:
    """The last resort: g and H by finite differences, kind "undetermined" (see analyze_point)."""
    n = len(problem.vars_)
    nothing = (math.nan, np.full(n, np.nan), np.full((n, n), np.nan))
    fp, g, H = run_within(0.1 * problem.time_limit, difference_derivatives, problem.expr,
                          problem.vars_, num_p, default=nothing)[0]
    finite = np.all(np.isfinite(H))
    eigvals, eigvecs = _eigen(H) if finite else (np.full(n, np.nan), np.full((n, n), np.nan))
    seen = (f"finite differences give ‖g‖ ≈ {fmt_num(np.linalg.norm(g))} and eigenvalues ≈ "
            f"{', '.join(fmt_num(v) for v in eigvals)}" if finite and np.isfinite(fp)
            else "finite differences did not give numbers either")
    return PointReport(point=num_p.copy(), value=float(fp), gradient=g, hessian=H,
                       eigenvalues=eigvals, eigenvectors=eigvecs, kind="undetermined",
                       resolved_kind="undetermined", grad_norm=float(np.linalg.norm(g)),
                       reason=f"{TOO_LONG} (over {problem.time_limit:g} s: the symbolic "
                              f"derivatives did not finish); {seen}", exact=False,
                       grad_tol=problem.grad_tol, eig_tol=problem.eig_tol,
                       variables=problem.vars_)


# --------------------------------------------------------------------------- exact points
def _exact_report(problem: _Problem, p: list[sp.Expr], num_p: np.ndarray) -> PointReport | None:
    """The exact analysis at an exact point; None where sympy cannot decide a sign."""
    expr, vars_ = problem.expr, problem.vars_
    if not exact_affordable(expr, vars_, p):
        return None
    subs = dict(zip(vars_, p, strict=True))
    fp = sp.simplify(expr.xreplace(subs))
    if not finite_number(fp):
        raise undefined_error(vars_, num_p)
    kink_signs = [(kink, exact_sign(kink.arg.xreplace(subs))) for kink in kink_arguments(expr)]
    on = [kink for kink, sign in kink_signs if sign == 0]
    if on:
        return _nonsmooth_report(problem, p, num_p, fp, on[0])
    if any(sign is None for _, sign in kink_signs):  # cannot tell whether p is on a kink
        return None
    return _exact_smooth_report(problem, p, num_p, fp, subs)


def _exact_smooth_report(problem: _Problem, p: list[sp.Expr], num_p: np.ndarray, fp: sp.Expr,
                         subs: dict) -> PointReport | None:
    """The exact analysis at a point on no kink; None where sympy cannot decide a sign."""
    expr, vars_ = problem.expr, problem.vars_
    g = without_dirac(gradient(expr, vars_)).xreplace(subs).applyfunc(sp.simplify)
    H = without_dirac(hessian(expr, vars_)).xreplace(subs).applyfunc(sp.simplify)
    if not all(finite_number(c) for c in [*g, *H]):
        return _nonsmooth_report(problem, p, num_p, fp, None)
    g_signs = [exact_sign(c) for c in g]
    counts = exact_inertia(H) if None not in g_signs else None
    if counts is None:
        return None
    fields = _exact_fields(problem, p, num_p, fp, g, H, counts)
    if any(s != 0 for s in g_signs):
        return PointReport(kind="not critical", resolved_kind="not critical",
                           reason="the gradient is not zero (exactly)", **fields)
    return _exact_verdict(problem, p, fp, H, fields)


def _exact_fields(problem: _Problem, p: list[sp.Expr], num_p: np.ndarray, fp: sp.Expr,
                  g: sp.Matrix, H: sp.Matrix, counts: Inertia) -> dict[str, Any]:
    """The numbers of an exact report: exact zero eigenvalues are shown as 0, not 2.2e-16."""
    g_num = np.array([float(c) for c in g])
    H_num = np.array(H.tolist(), dtype=float)
    eigvals, eigvecs = _eigen(H_num)
    if counts.zero:
        eigvals[np.argsort(np.abs(eigvals), kind="stable")[:counts.zero]] = 0.0
    return dict(point=num_p, value=float(fp), gradient=g_num, hessian=H_num,
                eigenvalues=eigvals, eigenvectors=eigvecs, grad_norm=float(np.linalg.norm(g_num)),
                exact=True, grad_tol=problem.grad_tol, eig_tol=problem.eig_tol, inertia=counts,
                variables=problem.vars_, exact_point=tuple(p))


def _exact_verdict(problem: _Problem, p: list[sp.Expr], fp: sp.Expr, H: sp.Matrix,
                   fields: dict[str, Any]) -> PointReport:
    """Report of an exact critical point; a degenerate one is resolved by resolve_exact."""
    counts = fields["inertia"]
    kind = kind_from_inertia(counts)
    if kind != "degenerate":
        return PointReport(kind=kind, resolved_kind=kind, **fields,
                           reason=_second_order_reason(kind, fields["eigenvalues"], counts.zero))
    zero = counts.zero
    zeros = "all eigenvalues are zero" if zero == len(problem.vars_) else (
        f"{zero} zero eigenvalue{'s' if zero > 1 else ''}")
    resolved, why = _bounded(problem, 0.1, ("undetermined", f"{TOO_LONG} to decide it"),
                             resolve_exact, problem.expr, problem.vars_, p, fp, H,
                             _EACH * problem.time_limit)
    return PointReport(kind=kind, resolved_kind=resolved,
                       reason=f"{zeros} (second-order test inconclusive); {why}", **fields)


# --------------------------------------------------------------------------- float points
def _numeric_report(problem: _Problem, p: np.ndarray) -> PointReport:
    """The numeric test with the tolerances; a degenerate point is left "undetermined"."""
    expr, vars_, grad_tol = problem.expr, problem.vars_, problem.grad_tol
    value_fn, grad_fn, hess_fn = compile_numeric(expr, vars_)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. numpy's "invalid value" in sqrt(-1)
        fp = float(value_fn(p))
        if not np.isfinite(fp):
            raise undefined_error(vars_, p)
        g = grad_fn(p)
        H = hess_fn(p)
    kink = kink_at(expr, vars_, p, grad_tol)
    if kink is not None or not (np.all(np.isfinite(g)) and np.all(np.isfinite(H))):
        return _nonsmooth_report(problem, None, p, fp, kink)
    H = (H + H.T) / 2
    eigvals, eigvecs = _eigen(H)
    counts = inertia(eigvals, problem.eig_tol, relative=True)
    gnorm = float(np.linalg.norm(g))
    g_scale = max(1.0, abs(fp), float(np.linalg.norm(H, 2)) * float(np.linalg.norm(p)))
    fields = dict(point=p.copy(), value=fp, gradient=g, hessian=H, eigenvalues=eigvals,
                  eigenvectors=eigvecs, grad_norm=gnorm, exact=False, grad_tol=grad_tol,
                  eig_tol=problem.eig_tol, inertia=counts, variables=vars_)
    if gnorm > grad_tol * g_scale:
        return PointReport(kind="not critical", resolved_kind="not critical",
                           reason=f"‖g‖ = {gnorm:.3g} > {grad_tol:g}·{g_scale:.3g} (tolerance)",
                           **fields)
    kind = kind_from_inertia(counts)
    if kind != "degenerate":
        return PointReport(kind=kind, resolved_kind=kind,
                           reason=_second_order_reason(kind, eigvals, counts.zero), **fields)
    return PointReport(kind=kind, resolved_kind="undetermined",
                       reason=f"{_zeros_within_tol(counts.zero)}: the second-order test is "
                              "inconclusive", **fields)


def _resolve_numeric_degenerate(problem: _Problem, report: PointReport,
                                snapped: list[sp.Rational] | None) -> PointReport:
    """A float point degenerate within the tolerances: exactly at ``snapped``, else f ≥ 0."""
    if snapped is not None:
        exact = _exact_report(problem, snapped, report.point)
        if exact is not None and exact.kind == "degenerate":
            return dataclasses.replace(
                report, resolved_kind=exact.resolved_kind,
                reason=exact.reason + f" (decided exactly at {pretty(snapped)})")
    fp = report.value
    if abs(fp) <= problem.grad_tol and _bounded(problem, 0.05, 0, prove_sign,
                                                problem.expr - sp.Float(fp, 30),
                                                problem.vars_) == 1:
        return dataclasses.replace(
            report, resolved_kind="local minimum",
            reason=f"{_zeros_within_tol(report.inertia.zero)}; f ≥ 0 everywhere and f(p) ≈ 0, "
                   "so p is a minimum")
    return report


def _zeros_within_tol(zero: int) -> str:
    return f"{zero} eigenvalue{'s' if zero > 1 else ''} within tolerance of zero"


# --------------------------------------------------------------------------- kinks
def _nonsmooth_report(problem: _Problem, p_exact: list[sp.Expr] | None, num_p: np.ndarray,
                      fp: Any, kink: Kink | None) -> PointReport:
    """Report for a point where f is not twice differentiable (see analyze_point)."""
    n = len(problem.vars_)
    fp_exact = fp
    if p_exact is None:  # a float point: decide at the nearby simple rational point, if any
        p_exact, fp_exact = _rational_on_kink(problem, num_p, kink) or (None, None)
    resolved, why = _nonsmooth_verdict(problem, p_exact, fp_exact, fp)
    where = ("the gradient or the Hessian is infinite or undefined here" if kink is None
             else f"p lies on {pretty(kink.arg)} = 0, where {kink.label} is not smooth")
    reason = (f"f is not twice differentiable here ({where}): g and H do not exist, so the "
              f"second-order test does not apply; {why}")
    nan_v, nan_m = np.full(n, np.nan), np.full((n, n), np.nan)
    return PointReport(point=np.array(num_p, dtype=float), value=float(fp), gradient=nan_v,
                       hessian=nan_m, eigenvalues=nan_v.copy(), eigenvectors=nan_m.copy(),
                       kind="undetermined", resolved_kind=resolved, grad_norm=float("nan"),
                       reason=reason, exact=p_exact is not None, grad_tol=problem.grad_tol,
                       eig_tol=problem.eig_tol, variables=problem.vars_,
                       exact_point=tuple(p_exact) if p_exact else None, smooth=False)


def _rational_on_kink(problem: _Problem, num_p: np.ndarray,
                      kink: Kink | None) -> tuple[list[sp.Rational], sp.Expr] | None:
    """(point, exact f) of the simple rational point near num_p, if it lies on the same kink."""
    cand = rational_near(num_p)
    if cand is None or not exact_affordable(problem.expr, problem.vars_, cand):
        return None
    subs = dict(zip(problem.vars_, cand, strict=True))
    with contextlib.suppress(Exception):
        if kink is None or exact_sign(kink.arg.xreplace(subs)) == 0:
            value = sp.simplify(problem.expr.xreplace(subs))
            if finite_number(value):
                return cand, value
    return None


def _nonsmooth_verdict(problem: _Problem, p_exact: list[sp.Expr] | None, fp_exact: Any,
                       fp: Any) -> tuple[str, str]:
    """(resolved_kind, why) at a kink: resolve_nonsmooth at an exact point, else f ≥ 0."""
    if p_exact is not None:
        return _bounded(problem, 0.1, ("undetermined", f"{TOO_LONG} to decide it"),
                        resolve_nonsmooth, problem.expr, problem.vars_, list(p_exact), fp_exact,
                        _EACH * problem.time_limit)
    if abs(float(fp)) <= problem.grad_tol and _bounded(problem, 0.1, 0, prove_sign, problem.expr,
                                                       problem.vars_) == 1:
        return "local minimum", "but f ≥ 0 everywhere and f(p) ≈ 0, so p is a minimum"
    return "undetermined", "no sign proof for f − f(p) was found"


# --------------------------------------------------------------------------- shared
def _eigen(H: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues (ascending) and eigenvectors (columns, signs fixed) of a symmetric H."""
    eigvals, eigvecs = np.linalg.eigh(H)
    return eigvals, np.column_stack([sign_fixed(v) for v in eigvecs.T])


def _second_order_reason(kind: str, eigvals: np.ndarray, zero: int) -> str:
    """Why the eigenvalue signs decide kind (minimum, maximum or saddle point)."""
    ev = ", ".join(fmt_num(v) for v in eigvals)
    if kind == "local minimum":
        return f"all eigenvalues positive ({ev}): H is positive definite"
    if kind == "local maximum":
        return f"all eigenvalues negative ({ev}): H is negative definite"
    extra = " (one is zero, but the signs already decide)" if zero else ""
    return f"eigenvalues of both signs ({ev}){extra}: f falls along the negative eigenvectors"


def escape_direction(hess: Any, *, eig_tol: float = EIG_TOL) -> tuple[float, np.ndarray] | None:
    """(most negative eigenvalue, unit eigenvector) of ``hess``, or None if none is negative.

    λ counts as negative when λ < −eig_tol·max(1, max|λ|). The eigenvector's sign is fixed:
    its first nonzero component is positive. Moving along ±v lowers f at a saddle point.
    """
    try:
        H = np.array(sp.Matrix(hess).tolist() if isinstance(hess, sp.MatrixBase) else hess,
                     dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError("hess must be a square matrix of numbers") from exc
    if H.ndim != 2 or H.shape[0] != H.shape[1] or H.size == 0:
        raise ValueError(f"hess must be a square matrix, got shape {H.shape}")
    if not np.all(np.isfinite(H)):
        raise ValueError("hess contains NaN or infinity")
    if not np.allclose(H, H.T, rtol=1e-10, atol=1e-12 * max(1.0, float(np.max(np.abs(H))))):
        raise ValueError("hess must be symmetric (a Hessian is)")
    eigvals, eigvecs = np.linalg.eigh((H + H.T) / 2)
    if inertia(eigvals, eig_tol, relative=True).negative == 0:
        return None
    return float(eigvals[0]), sign_fixed(eigvecs[:, 0])
