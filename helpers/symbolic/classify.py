"""Classify one point: exactly, or numerically with scale-aware tolerances."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp

from helpers.spectrum import EIG_TOL, sign_fixed
from helpers.symbolic.calculus import (
    check_inputs,
    compile_numeric,
    gradient,
    hessian,
    kink_arguments,
    kink_at,
    without_dirac,
)
from helpers.symbolic.report import GRAD_TOL, PointReport
from helpers.symbolic.resolve import resolve_exact, resolve_nonsmooth
from helpers.symbolic.signs import exact_inertia, exact_sign, finite_number, prove_sign
from helpers.symbolic.text import fmt_num, pretty


def _is_exact_number(c: Any) -> bool:
    if isinstance(c, (bool, np.bool_)):
        return False
    if isinstance(c, (int, np.integer, Fraction)):
        return True
    if isinstance(c, sp.Basic):
        return bool(c.is_number) and not c.has(sp.Float) and c.is_real is not False
    return False


def _as_point(point: Any, n: int) -> tuple[list[Any] | None, np.ndarray]:
    """Return (exact coordinates or None, float coordinates)."""
    if isinstance(point, sp.MatrixBase):
        point = list(point)
    try:
        coords = list(np.ravel(np.asarray(point, dtype=object)))
    except (TypeError, ValueError) as exc:
        raise ValueError("point must be a sequence of numbers, one per variable") from exc
    if len(coords) != n:
        raise ValueError(f"point has {len(coords)} coordinates but there are {n} variables")
    exact = None
    if all(_is_exact_number(c) for c in coords):
        exact = [sp.Rational(c.numerator, c.denominator) if isinstance(c, Fraction)
                 else sp.sympify(int(c) if isinstance(c, np.integer) else c) for c in coords]
    try:
        num = np.array([float(sp.N(c)) if isinstance(c, sp.Basic) else float(c) for c in coords])
    except (TypeError, ValueError) as exc:
        raise ValueError("point must contain real numbers only") from exc
    if not np.all(np.isfinite(num)):
        raise ValueError("point must contain finite numbers")
    return exact, num


def _kind_from_inertia(neg: int, zero: int, pos: int) -> str:
    if neg and pos:
        return "saddle point"
    if zero:
        return "degenerate"
    return "local minimum" if pos else "local maximum"


def _eig_words(eigvals: np.ndarray) -> str:
    return ", ".join(fmt_num(v) for v in eigvals)


def analyze_point(f: Any, variables: Sequence[sp.Symbol], point: Any, *,
                  grad_tol: float = GRAD_TOL, eig_tol: float = EIG_TOL) -> PointReport:
    """Classify ``point`` by the gradient and the Hessian's eigenvalues (+ a higher-order look).

    Exact points are decided exactly; float points with the tolerances of the module docstring:
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
    """
    expr, vars_ = check_inputs(f, variables)
    if not (grad_tol > 0 and eig_tol > 0):
        raise ValueError("grad_tol and eig_tol must be positive")
    exact_p, num_p = _as_point(point, len(vars_))
    if exact_p is not None:
        return _analyze_exact(expr, vars_, exact_p, num_p, grad_tol, eig_tol)
    return _analyze_numeric(expr, vars_, num_p, grad_tol, eig_tol)


def _undefined(vars_, num_p) -> ValueError:
    names = ", ".join(map(str, vars_))
    pt = ", ".join(fmt_num(c) for c in num_p)
    return ValueError(f"f is not defined at ({names}) = ({pt}): its value is not a finite real "
                      "number there (e.g. log(0), 1/0 or sqrt of a negative number)")


def _analyze_exact(expr, vars_, p, num_p, grad_tol, eig_tol) -> PointReport:
    subs = dict(zip(vars_, p, strict=True))
    fp = sp.simplify(expr.xreplace(subs))
    if not finite_number(fp):
        raise _undefined(vars_, num_p)
    kinks = [(u, label, exact_sign(u.xreplace(subs))) for u, label in kink_arguments(expr)]
    on = [(u, label) for u, label, sg in kinks if sg == 0]
    if on:
        return _nonsmooth_report(expr, vars_, p, num_p, fp, grad_tol, eig_tol, *on[0])
    if any(sg is None for *_, sg in kinks):  # cannot tell whether p is on a kink: use numbers
        return _analyze_numeric(expr, vars_, num_p, grad_tol, eig_tol, snap=False)
    g = without_dirac(gradient(expr, vars_)).xreplace(subs).applyfunc(sp.simplify)
    H = without_dirac(hessian(expr, vars_)).xreplace(subs).applyfunc(sp.simplify)
    if not all(finite_number(c) for c in [*g, *H]):
        return _nonsmooth_report(expr, vars_, p, num_p, fp, grad_tol, eig_tol, None, "")
    g_signs = [exact_sign(c) for c in g]
    inertia = exact_inertia(H) if None not in g_signs else None
    if inertia is None:  # sympy cannot decide a sign: fall back to numbers
        return _analyze_numeric(expr, vars_, num_p, grad_tol, eig_tol, snap=False)
    g_num = np.array([float(c) for c in g])
    H_num = np.array(H.tolist(), dtype=float)
    eigvals, eigvecs = np.linalg.eigh(H_num)
    eigvecs = np.column_stack([sign_fixed(v) for v in eigvecs.T])
    neg, zero, pos = inertia
    if zero:  # exact zeros are shown as 0, not as round-off such as 2.2e-16
        eigvals[np.argsort(np.abs(eigvals), kind="stable")[:zero]] = 0.0
    common = dict(point=num_p, value=float(fp), gradient=g_num, hessian=H_num,
                  eigenvalues=eigvals, eigenvectors=eigvecs, grad_norm=float(np.linalg.norm(g_num)),
                  exact=True, grad_tol=grad_tol, eig_tol=eig_tol, inertia=inertia,
                  variables=vars_, exact_point=tuple(p))
    if any(s != 0 for s in g_signs):
        return PointReport(kind="not critical", resolved_kind="not critical",
                           reason="the gradient is not zero (exactly)", **common)
    kind = _kind_from_inertia(neg, zero, pos)
    if kind == "degenerate":
        zeros = "all eigenvalues are zero" if zero == len(vars_) else (
            f"{zero} zero eigenvalue{'s' if zero > 1 else ''}")
        resolved, why = resolve_exact(expr, vars_, p, fp, H)
        reason = f"{zeros} (second-order test inconclusive); {why}"
        return PointReport(kind=kind, resolved_kind=resolved, reason=reason, **common)
    reason = _second_order_reason(kind, eigvals, zero, exact=True)
    return PointReport(kind=kind, resolved_kind=kind, reason=reason, **common)


def _nonsmooth_report(expr, vars_, p_exact, num_p, fp, grad_tol, eig_tol,
                      kink: sp.Expr | None, label: str) -> PointReport:
    """Report for a point where f is not twice differentiable (see analyze_point)."""
    n = len(vars_)
    if kink is None:
        where = "the gradient or the Hessian is infinite or undefined here"
    else:
        where = f"p lies on {pretty(kink)} = 0, where {label} is not smooth"
    fp_exact = fp if p_exact is not None else None
    if p_exact is None:  # a float point: decide at the nearby simple rational point, if any
        q = [Fraction(float(c)).limit_denominator(1000) for c in num_p]
        if np.max(np.abs(np.array([float(c) for c in q]) - num_p)) <= 1e-9 * max(
                1.0, float(np.max(np.abs(num_p)))):
            cand = [sp.Rational(c.numerator, c.denominator) for c in q]
            subs = dict(zip(vars_, cand, strict=True))
            with contextlib.suppress(Exception):
                if kink is None or exact_sign(kink.xreplace(subs)) == 0:
                    v = sp.simplify(expr.xreplace(subs))
                    if finite_number(v):
                        p_exact, fp_exact = cand, v
    if p_exact is not None:
        resolved, why = resolve_nonsmooth(expr, vars_, list(p_exact), fp_exact)
    elif abs(float(fp)) <= grad_tol and prove_sign(expr, vars_) == 1:
        resolved, why = "local minimum", "but f ≥ 0 everywhere and f(p) ≈ 0, so p is a minimum"
    else:
        resolved, why = "undetermined", "no sign proof for f − f(p) was found"
    reason = (f"f is not twice differentiable here ({where}): g and H do not exist, so the "
              f"second-order test does not apply; {why}")
    nan_v, nan_m = np.full(n, np.nan), np.full((n, n), np.nan)
    return PointReport(point=np.array(num_p, dtype=float), value=float(fp), gradient=nan_v,
                       hessian=nan_m, eigenvalues=nan_v.copy(), eigenvectors=nan_m.copy(),
                       kind="undetermined", resolved_kind=resolved, grad_norm=float("nan"),
                       reason=reason, exact=p_exact is not None and fp_exact is not None,
                       grad_tol=grad_tol, eig_tol=eig_tol, inertia=(0, 0, 0),
                       variables=vars_, exact_point=tuple(p_exact) if p_exact else None,
                       smooth=False)


def _second_order_reason(kind: str, eigvals: np.ndarray, zero: int, *, exact: bool) -> str:
    ev = _eig_words(eigvals)
    if kind == "local minimum":
        return f"all eigenvalues positive ({ev}): H is positive definite"
    if kind == "local maximum":
        return f"all eigenvalues negative ({ev}): H is negative definite"
    extra = " (one is zero, but the signs already decide)" if zero else ""
    return f"eigenvalues of both signs ({ev}){extra}: f falls along the negative eigenvectors"


def _analyze_numeric(expr, vars_, p, grad_tol, eig_tol, snap: bool = True) -> PointReport:
    value_fn, grad_fn, hess_fn = compile_numeric(expr, vars_)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. numpy's "invalid value" in sqrt(-1)
        fp = float(value_fn(p))
        if not np.isfinite(fp):
            raise _undefined(vars_, p)
        g = grad_fn(p)
        H = hess_fn(p)
    kink = kink_at(expr, vars_, p, grad_tol)
    if kink is not None or not (np.all(np.isfinite(g)) and np.all(np.isfinite(H))):
        return _nonsmooth_report(expr, vars_, None, p, fp, grad_tol, eig_tol,
                                 *(kink if kink is not None else (None, "")))
    H = (H + H.T) / 2
    eigvals, eigvecs = np.linalg.eigh(H)
    eigvecs = np.column_stack([sign_fixed(v) for v in eigvecs.T])
    gnorm = float(np.linalg.norm(g))
    g_scale = max(1.0, abs(fp), float(np.linalg.norm(H, 2)) * float(np.linalg.norm(p)))
    e_scale = max(1.0, float(np.max(np.abs(eigvals))))
    zero_mask = np.abs(eigvals) <= eig_tol * e_scale
    neg = int(np.sum((eigvals < 0) & ~zero_mask))
    pos = int(np.sum((eigvals > 0) & ~zero_mask))
    zero = int(np.sum(zero_mask))
    common = dict(point=p.copy(), value=fp, gradient=g, hessian=H, eigenvalues=eigvals,
                  eigenvectors=eigvecs, grad_norm=gnorm, exact=False, grad_tol=grad_tol,
                  eig_tol=eig_tol, inertia=(neg, zero, pos), variables=vars_)
    if gnorm > grad_tol * g_scale:
        return PointReport(kind="not critical", resolved_kind="not critical",
                           reason=f"‖g‖ = {gnorm:.3g} > {grad_tol:g}·{g_scale:.3g} (tolerance)",
                           **common)
    kind = _kind_from_inertia(neg, zero, pos)
    if kind != "degenerate":
        return PointReport(kind=kind, resolved_kind=kind,
                           reason=_second_order_reason(kind, eigvals, zero, exact=False), **common)
    # Degenerate in floating point: try the nearby simple rational point exactly.
    snapped = snap_rational(expr, vars_, p) if snap else None
    if snapped is not None:
        rep = _analyze_exact(expr, vars_, snapped, p, grad_tol, eig_tol)
        if rep.kind == "degenerate":
            return PointReport(kind="degenerate", resolved_kind=rep.resolved_kind,
                               reason=rep.reason + f" (decided exactly at {pretty(snapped)})",
                               **common)
    s = prove_sign(expr - sp.Float(fp, 30), vars_) if abs(fp) <= grad_tol * g_scale else 0
    zeros = f"{zero} eigenvalue{'s' if zero > 1 else ''} within tolerance of zero"
    if s == 1 and abs(fp) <= grad_tol:
        return PointReport(kind="degenerate", resolved_kind="local minimum",
                           reason=f"{zeros}; f ≥ 0 everywhere and f(p) ≈ 0, so p is a minimum",
                           **common)
    return PointReport(kind="degenerate", resolved_kind="undetermined",
                       reason=f"{zeros}: the second-order test is inconclusive", **common)


def snap_rational(expr, vars_, p: np.ndarray, max_den: int = 1000) -> list[sp.Rational] | None:
    """The nearby rational point with small denominators, if it is exactly critical."""
    q = [Fraction(float(c)).limit_denominator(max_den) for c in p]
    if np.max(np.abs(np.array([float(c) for c in q]) - p)) > 1e-9 * max(1.0, np.max(np.abs(p))):
        return None
    exact = [sp.Rational(c.numerator, c.denominator) for c in q]
    g = gradient(expr, vars_).xreplace(dict(zip(vars_, exact, strict=True)))
    if all(sp.simplify(c) == 0 for c in g):
        return exact
    return None


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
    scale = max(1.0, float(np.max(np.abs(eigvals))))
    if eigvals[0] >= -eig_tol * scale:
        return None
    return float(eigvals[0]), sign_fixed(eigvecs[:, 0])
