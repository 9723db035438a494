"""Exact analysis of critical points: gradient, Hessian, classification, search.

Conventions (used by every function here):

* ``f`` is a sympy expression, ``variables`` a sequence of distinct sympy symbols that
  contains every free symbol of ``f``; a ``point`` lists one coordinate per variable.
* A point is **exact** when every coordinate is an int, a ``fractions.Fraction`` or a sympy
  number without floats (``1``, ``Rational(1, 2)``, ``sqrt(2)``). Then g and H are evaluated
  exactly and every "is it zero / what sign" decision is exact: no tolerance is involved.
* Otherwise (floats) the decisions use two scale-aware tolerances:

  - the gradient counts as zero when
    ``‖g‖ ≤ grad_tol · max(1, |f(p)|, ‖H‖₂·‖p‖)``; the last term is the gradient a
    relative error ``grad_tol`` in the coordinates of p produces;
  - an eigenvalue λ counts as zero when ``|λ| ≤ eig_tol · max(1, max|λ|)``.

  Defaults ``grad_tol = 1e-8`` and ``eig_tol = 1e-6``: a point known to ~1e-8 is critical,
  and round-off noise (e.g. λ = 1e-14 next to λ = 2) is "zero", never "positive".
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import math
import multiprocessing
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp

GRAD_TOL = 1e-8
EIG_TOL = 1e-6
SOLVE_TIMEOUT = 2.0
KINDS = ("local minimum", "local maximum", "saddle point", "degenerate", "not critical")
RESOLVED_KINDS = ("local minimum", "local maximum", "saddle point", "undetermined")
_KIND_ORDER = {k: i for i, k in enumerate(KINDS)}


# --------------------------------------------------------------------------- validation
def _check_inputs(f: Any, variables: Any) -> tuple[sp.Expr, tuple[sp.Symbol, ...]]:
    """Return (f, variables) as sympy objects or raise a ValueError a student understands."""
    if isinstance(f, str):
        raise ValueError("f must be a sympy expression, not a string; use helpers.parse_loss(text)")
    try:
        expr = sp.sympify(f)
    except (sp.SympifyError, TypeError) as exc:
        raise ValueError(f"f must be a sympy expression, got {type(f).__name__}") from exc
    if not isinstance(expr, sp.Expr):
        raise ValueError(f"f must be a sympy expression, got {type(f).__name__}")
    if isinstance(variables, sp.Symbol):
        variables = (variables,)
    try:
        vars_ = tuple(variables)
    except TypeError as exc:
        raise ValueError("variables must be a sequence of sympy symbols, e.g. (x, y)") from exc
    if not vars_ or not all(isinstance(v, sp.Symbol) for v in vars_):
        raise ValueError("variables must be a non-empty sequence of sympy symbols, e.g. (x, y)")
    if len(set(vars_)) != len(vars_):
        raise ValueError("variables must not repeat a symbol")
    extra = expr.free_symbols - set(vars_)
    if extra:
        names = ", ".join(sorted(str(s) for s in extra))
        raise ValueError(f"f depends on {names}, which is not in variables {vars_}")
    return expr, vars_


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


# --------------------------------------------------------------------------- derivatives
def gradient(f: Any, variables: Sequence[sp.Symbol]) -> sp.Matrix:
    """Column vector of first partial derivatives of ``f``."""
    expr, vars_ = _check_inputs(f, variables)
    return sp.Matrix([sp.diff(expr, v) for v in vars_])


def hessian(f: Any, variables: Sequence[sp.Symbol]) -> sp.Matrix:
    """Symmetric matrix of second partial derivatives of ``f``."""
    expr, vars_ = _check_inputs(f, variables)
    return sp.hessian(expr, vars_)


def _broadcast(values: Sequence[Any], shape: tuple[int, ...]) -> np.ndarray:
    return np.array([np.broadcast_to(np.asarray(v, dtype=float), shape) for v in values])


@functools.lru_cache(maxsize=64)
def _compiled(expr: sp.Expr, vars_: tuple[sp.Symbol, ...]):
    """numpy functions (value, gradient, Hessian) of expr; arrays of points in, arrays out."""
    n = len(vars_)
    grad = [sp.diff(expr, v) for v in vars_]
    hess = [sp.diff(g, v) for g in grad for v in vars_]
    f_l = sp.lambdify(vars_, expr, "numpy")
    g_l = sp.lambdify(vars_, grad, "numpy")
    h_l = sp.lambdify(vars_, hess, "numpy")

    def value(x: np.ndarray) -> np.ndarray:
        return np.broadcast_to(np.asarray(f_l(*x), dtype=float), x.shape[1:]).copy()

    def grad_fn(x: np.ndarray) -> np.ndarray:  # x: (n, ...) -> (n, ...)
        return _broadcast(g_l(*x), x.shape[1:])

    def hess_fn(x: np.ndarray) -> np.ndarray:  # x: (n, ...) -> (n, n, ...)
        return _broadcast(h_l(*x), x.shape[1:]).reshape((n, n) + x.shape[1:])

    return value, grad_fn, hess_fn


# --------------------------------------------------------------------------- exact helpers
def _sign(x: sp.Expr) -> int | None:
    """Exact sign of a real sympy number: -1, 0, 1, or None when sympy cannot decide."""
    x = sp.nsimplify(x) if x.has(sp.Float) else x
    if x.is_zero:
        return 0
    if x.is_positive:
        return 1
    if x.is_negative:
        return -1
    s = sp.simplify(x)
    if s.is_zero or s == 0:
        return 0
    if s.is_positive:
        return 1
    if s.is_negative:
        return -1
    if s.equals(0):
        return 0
    v = sp.N(s, 60)
    if v.is_real and abs(v) > sp.Float("1e-40"):
        return 1 if v > 0 else -1
    return None


def _exact_inertia(H: sp.Matrix) -> tuple[int, int, int] | None:
    """(negative, zero, positive) eigenvalue counts of a symmetric exact matrix.

    Uses the characteristic polynomial: its roots are all real, so Descartes' rule of signs
    counts the positive roots exactly, and the same rule on p(-x) counts the negative ones.
    """
    coeffs = H.charpoly().all_coeffs()  # highest degree first
    signs = [_sign(c) for c in coeffs]
    if any(s is None for s in signs):
        return None
    n = len(coeffs) - 1
    zero = 0
    while zero < n and signs[n - zero] == 0:
        zero += 1

    def changes(ss: list[int]) -> int:
        nz = [s for s in ss if s != 0]
        return sum(1 for a, b in itertools.pairwise(nz) if a != b)

    pos = changes(signs)
    neg_signs = [s * (-1) ** (n - i) for i, s in enumerate(signs)]
    neg = changes(neg_signs)
    if pos + neg + zero != n:  # cannot happen for a symmetric matrix; be safe
        return None
    return neg, zero, pos


def _leading_term(phi: sp.Expr, t: sp.Symbol, order: int = 8) -> tuple[int, int] | None:
    """(order, sign) of the first nonzero Taylor coefficient of phi(t) at t = 0, if any."""
    if phi.is_polynomial(t):
        poly = sp.Poly(sp.expand(phi), t)
        terms = sorted((m[0], c) for m, c in poly.terms() if m[0] > 0)
    else:
        try:
            ser = sp.series(phi, t, 0, order + 1).removeO()
        except Exception:  # noqa: BLE001 - series may fail on exotic functions
            return None
        poly = sp.Poly(sp.expand(ser), t)
        terms = sorted((m[0], c) for m, c in poly.terms() if m[0] > 0)
    for k, c in terms:
        s = _sign(c)
        if s is None:
            return None
        if s != 0:
            return k, s
    return None


def _prove_sign(expr: sp.Expr, vars_: tuple[sp.Symbol, ...]) -> int:
    """+1 if sympy proves expr ≥ 0 for all real inputs, -1 if expr ≤ 0, else 0."""
    reals = {v: sp.Dummy(v.name, real=True) for v in vars_}
    e = expr.xreplace(reals)
    forms = [e]
    if sp.count_ops(e) < 400:
        with contextlib.suppress(Exception):
            forms += [sp.factor(e), sp.expand(e)]
    for form in forms:
        if form.is_nonnegative:
            return 1
        if form.is_nonpositive:
            return -1
    return 0


def _unit(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=float)
    v = v / np.linalg.norm(v)
    nz = np.flatnonzero(np.abs(v) > 1e-12)
    if nz.size and v[nz[0]] < 0:
        v = -v
    return v + 0.0  # no negative zeros


def _directions(n: int, null_vectors: list[sp.Matrix]) -> list[sp.Matrix]:
    """Exact directions to probe: null vectors, axes, pairwise diagonals, a few fixed mixes."""
    dirs = [sp.Matrix(v) for v in null_vectors]
    eye = sp.eye(n)
    dirs += [eye[:, i] for i in range(n)]
    for i, j in itertools.combinations(range(n), 2):
        dirs += [eye[:, i] + eye[:, j], eye[:, i] - eye[:, j]]
        dirs += [eye[:, i] + 2 * eye[:, j], 2 * eye[:, i] - eye[:, j]]
    for k in range(1, 4):  # deterministic "generic" directions
        dirs.append(sp.Matrix([sp.Rational((3 + 7 * k * (i + 1)) % 11 - 5, 3) or 1
                               for i in range(n)]))
    return dirs


def _resolve_exact(expr: sp.Expr, vars_: tuple[sp.Symbol, ...], p: list[sp.Expr],
                   fp: sp.Expr, H: sp.Matrix) -> tuple[str, str]:
    """Higher-order look at a degenerate critical point p (exact). Returns (kind, reason)."""
    diff = expr - fp
    s = _prove_sign(diff, vars_)
    if s:
        rel, kind = ("≥", "minimum") if s == 1 else ("≤", "maximum")
        return f"local {kind}", (f"f − f(p) = {_pretty(sp.factor(diff))} {rel} 0 everywhere, "
                                 f"so p is a {kind}")
    t = sp.Dummy("t", real=True)
    shifted = expr.xreplace({v: pi + t * sp.Symbol(f"_d{i}") for i, (v, pi) in
                             enumerate(zip(vars_, p, strict=True))})
    seen: dict[int, tuple[int, sp.Matrix]] = {}
    for d in _directions(len(vars_), H.nullspace()):
        phi = shifted.xreplace({sp.Symbol(f"_d{i}"): d[i] for i in range(len(vars_))}) - fp
        lead = _leading_term(phi, t)
        if lead is None:
            continue
        k, sgn = lead
        dvec = _pretty(list(d))
        if k % 2 == 1:
            return "saddle point", (f"along the line p + t·{dvec} the Taylor series starts with "
                                    f"an odd power t^{k}: f goes both up and down")
        seen.setdefault(sgn, (k, d))
        if 1 in seen and -1 in seen:
            (kp, dp), (km, dm) = seen[1], seen[-1]
            return "saddle point", (f"f rises along {_pretty(list(dp))} (∝ t^{kp}) and falls "
                                    f"along {_pretty(list(dm))} (∝ −t^{km})")
    return "undetermined", "neither a sign proof for f − f(p) nor a descending line was found"


def _pretty(obj: Any) -> str:
    """Short plain-text form of a sympy object (or a list of them)."""
    if isinstance(obj, (list, tuple)):
        return "(" + ", ".join(_pretty(o) for o in obj) + ")"
    return str(obj).replace("**", "^").replace("*", "·")


# --------------------------------------------------------------------------- reports
def _fmt_num(x: float) -> str:
    x = float(x)
    if x == 0:
        return "0"
    return f"{x:.6g}"


def _fmt_vec(v: np.ndarray) -> str:
    return "[" + ", ".join(_fmt_num(x) for x in np.ravel(v)) + "]"


def _fmt_mat(m: np.ndarray) -> str:
    return "[" + ", ".join(_fmt_vec(r) for r in m) + "]"


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

    @property
    def is_critical(self) -> bool:
        """True unless the gradient is nonzero."""
        return self.kind != "not critical"

    def _verdict(self) -> str:
        if self.kind == "degenerate":
            return f"degenerate → {self.resolved_kind}"
        return self.kind

    def __str__(self) -> str:
        names = ", ".join(str(v) for v in self.variables) or "θ"
        pt = (_pretty(list(self.exact_point)) if self.exact_point is not None
              else _fmt_vec(self.point))
        return (f"({names}) = {pt}: {self._verdict()}\n"
                f"  f = {_fmt_num(self.value)}, g = {_fmt_vec(self.gradient)}, "
                f"‖g‖ = {self.grad_norm:.3g}\n"
                f"  H = {_fmt_mat(self.hessian)}, eigenvalues = {_fmt_vec(self.eigenvalues)}\n"
                f"  why: {self.reason}")

    def __repr__(self) -> str:
        return f"PointReport({self.kind!r}, point={_fmt_vec(self.point)})"

    def _repr_markdown_(self) -> str:
        names = ", ".join(str(v) for v in self.variables) or "θ"
        pt = (_pretty(list(self.exact_point)) if self.exact_point is not None
              else _fmt_vec(self.point))
        rows = [
            ("point", f"({names}) = {pt}"),
            ("value f(p)", _fmt_num(self.value)),
            ("gradient g", f"{_fmt_vec(self.gradient)} (‖g‖ = {self.grad_norm:.3g})"),
            ("Hessian H", _fmt_mat(self.hessian)),
            ("eigenvalues", _fmt_vec(self.eigenvalues)),
            ("kind", f"**{self._verdict()}**"),
            ("why", self.reason),
        ]
        body = "\n".join(f"| {k} | {v} |" for k, v in rows)
        mode = ("exact" if self.exact else
                f"numeric (grad_tol={self.grad_tol:g}, eig_tol={self.eig_tol:g})")
        return f"| | {mode} |\n|---|---|\n{body}\n"


def _kind_from_inertia(neg: int, zero: int, pos: int) -> str:
    if neg and pos:
        return "saddle point"
    if zero:
        return "degenerate"
    return "local minimum" if pos else "local maximum"


def _eig_words(eigvals: np.ndarray) -> str:
    return ", ".join(_fmt_num(v) for v in eigvals)


def analyze_point(f: Any, variables: Sequence[sp.Symbol], point: Any, *,
                  grad_tol: float = GRAD_TOL, eig_tol: float = EIG_TOL) -> PointReport:
    """Classify ``point`` by the gradient and the Hessian's eigenvalues (+ a higher-order look).

    Exact points are decided exactly; float points with the tolerances of the module docstring:
    ‖g‖ ≤ grad_tol·max(1, |f(p)|, ‖H‖₂·‖p‖) is "zero gradient" and
    |λ| ≤ eig_tol·max(1, max|λ|) is "zero eigenvalue".
    Eigenvalues of both signs → "saddle point" (even with a zero one); all positive → local
    minimum; all negative → local maximum; otherwise "degenerate", with ``resolved_kind``
    decided by a sign proof of f − f(p) or by Taylor series along lines, else "undetermined".
    """
    expr, vars_ = _check_inputs(f, variables)
    if not (grad_tol > 0 and eig_tol > 0):
        raise ValueError("grad_tol and eig_tol must be positive")
    exact_p, num_p = _as_point(point, len(vars_))
    if exact_p is not None:
        return _analyze_exact(expr, vars_, exact_p, num_p, grad_tol, eig_tol)
    return _analyze_numeric(expr, vars_, num_p, grad_tol, eig_tol)


def _analyze_exact(expr, vars_, p, num_p, grad_tol, eig_tol) -> PointReport:
    subs = dict(zip(vars_, p, strict=True))
    fp = sp.simplify(expr.xreplace(subs))
    g = gradient(expr, vars_).xreplace(subs).applyfunc(sp.simplify)
    H = hessian(expr, vars_).xreplace(subs).applyfunc(sp.simplify)
    g_signs = [_sign(c) for c in g]
    inertia = _exact_inertia(H) if None not in g_signs else None
    if inertia is None:  # sympy cannot decide a sign: fall back to numbers
        return _analyze_numeric(expr, vars_, num_p, grad_tol, eig_tol, snap=False)
    g_num = np.array([float(c) for c in g])
    H_num = np.array(H.tolist(), dtype=float)
    eigvals, eigvecs = np.linalg.eigh(H_num)
    eigvecs = np.column_stack([_unit(v) for v in eigvecs.T])
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
        resolved, why = _resolve_exact(expr, vars_, p, fp, H)
        reason = f"{zeros} (second-order test inconclusive); {why}"
        return PointReport(kind=kind, resolved_kind=resolved, reason=reason, **common)
    reason = _second_order_reason(kind, eigvals, zero, exact=True)
    return PointReport(kind=kind, resolved_kind=kind, reason=reason, **common)


def _second_order_reason(kind: str, eigvals: np.ndarray, zero: int, *, exact: bool) -> str:
    ev = _eig_words(eigvals)
    if kind == "local minimum":
        return f"all eigenvalues positive ({ev}): H is positive definite"
    if kind == "local maximum":
        return f"all eigenvalues negative ({ev}): H is negative definite"
    extra = " (one is zero, but the signs already decide)" if zero else ""
    return f"eigenvalues of both signs ({ev}){extra}: f falls along the negative eigenvectors"


def _analyze_numeric(expr, vars_, p, grad_tol, eig_tol, snap: bool = True) -> PointReport:
    value_fn, grad_fn, hess_fn = _compiled(expr, vars_)
    with np.errstate(all="ignore"):
        fp = float(value_fn(p))
        g = grad_fn(p)
        H = hess_fn(p)
    if not (np.isfinite(fp) and np.all(np.isfinite(g)) and np.all(np.isfinite(H))):
        raise ValueError("f, its gradient or its Hessian is not finite at this point")
    H = (H + H.T) / 2
    eigvals, eigvecs = np.linalg.eigh(H)
    eigvecs = np.column_stack([_unit(v) for v in eigvecs.T])
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
    snapped = _snap_rational(expr, vars_, p) if snap else None
    if snapped is not None:
        rep = _analyze_exact(expr, vars_, snapped, p, grad_tol, eig_tol)
        if rep.kind == "degenerate":
            return PointReport(kind="degenerate", resolved_kind=rep.resolved_kind,
                               reason=rep.reason + f" (decided exactly at {_pretty(snapped)})",
                               **common)
    s = _prove_sign(expr - sp.Float(fp, 30), vars_) if abs(fp) <= grad_tol * g_scale else 0
    zeros = f"{zero} eigenvalue{'s' if zero > 1 else ''} within tolerance of zero"
    if s == 1 and abs(fp) <= grad_tol:
        return PointReport(kind="degenerate", resolved_kind="local minimum",
                           reason=f"{zeros}; f ≥ 0 everywhere and f(p) ≈ 0, so p is a minimum",
                           **common)
    return PointReport(kind="degenerate", resolved_kind="undetermined",
                       reason=f"{zeros}: the second-order test is inconclusive", **common)


def _snap_rational(expr, vars_, p: np.ndarray, max_den: int = 1000) -> list[sp.Rational] | None:
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
    return float(eigvals[0]), _unit(eigvecs[:, 0])


# --------------------------------------------------------------------------- families
@dataclass(frozen=True, eq=False)
class CriticalFamily:
    """A curve (or surface) of critical points, e.g. w1·w2 = 1 for L = (1 − w1·w2)²."""

    equation: Any  # sympy Eq (an And of Eqs when several coordinates depend on the others)
    variables: tuple[sp.Symbol, ...]
    kind: str
    resolved_kind: str
    samples: tuple[PointReport, ...]
    reason: str
    solution: dict = field(default_factory=dict)  # dependent variable -> expression
    value: Any = None  # f on the family (sympy), when constant

    def curve(self, bounds: Sequence[tuple[float, float]], n: int = 400) -> np.ndarray:
        """Points (m, len(variables)) tracing the family inside bounds; NaN rows break it."""
        free = [v for v in self.variables if v not in self.solution]
        if len(free) != 1:
            raise ValueError("curve() needs a one-parameter family")
        (t,) = free
        i = self.variables.index(t)
        ts = np.linspace(bounds[i][0], bounds[i][1], n)
        cols = []
        with np.errstate(all="ignore"):
            for v in self.variables:
                if v == t:
                    cols.append(ts)
                else:
                    fn = sp.lambdify(t, self.solution[v], "numpy")
                    cols.append(np.broadcast_to(np.asarray(fn(ts), dtype=float), ts.shape))
            pts = np.column_stack(cols)
            lo = np.array([b[0] for b in bounds])
            hi = np.array([b[1] for b in bounds])
            inside = np.all((pts >= lo) & (pts <= hi) & np.isfinite(pts), axis=1)
        pts[~inside] = np.nan
        return pts

    def contains(self, point: np.ndarray, tol: float = 1e-7) -> bool:
        """True when ``point`` satisfies the family's equations to ``tol`` (scaled)."""
        p = np.asarray(point, dtype=float)
        for v, fn in _solution_functions(self.variables, tuple(self.solution.items())):
            with np.errstate(all="ignore"):
                val = complex(fn(*p))
            target = p[self.variables.index(v)]
            if not np.isfinite(val) or abs(val - target) > tol * max(1.0, abs(target)):
                return False
        return True

    def _verdict(self) -> str:
        if self.kind == "degenerate":
            return f"degenerate → {self.resolved_kind}"
        return self.kind

    def __str__(self) -> str:
        eq = _eq_text(self.equation)
        lines = [f"family {eq}: {self._verdict()}", f"  why: {self.reason}"]
        lines += [f"  sample {_pretty(list(s.exact_point)) if s.exact_point else _fmt_vec(s.point)}"
                  f": eigenvalues {_fmt_vec(s.eigenvalues)}" for s in self.samples]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"CriticalFamily({_eq_text(self.equation)}, {self.kind!r})"

    def _repr_markdown_(self) -> str:
        return (f"**Family of critical points** ${sp.latex(self.equation)}$: "
                f"**{self._verdict()}**  \n{self.reason}")


@functools.lru_cache(maxsize=32)
def _solution_functions(vars_: tuple[sp.Symbol, ...], items: tuple) -> list:
    """numpy functions of all variables, one per dependent variable of a family."""
    return [(v, sp.lambdify(vars_, e, "numpy")) for v, e in items]


def _eq_text(eq: Any) -> str:
    if isinstance(eq, sp.Equality):
        return f"{_pretty(eq.lhs)} = {_pretty(eq.rhs)}"
    return str(eq)


def _family_equation(var: sp.Symbol, sol: sp.Expr) -> sp.Equality:
    """A tidy equation for var = sol: clear denominators, constants to the right."""
    num = sp.numer(sp.together(var - sol))
    num = sp.expand(num)
    const = num.as_independent(*num.free_symbols)[0] if num.free_symbols else num
    lhs, rhs = num - const, -const
    if lhs.could_extract_minus_sign():
        lhs, rhs = -lhs, -rhs
    return sp.Eq(lhs, rhs, evaluate=False)


def _sample_values(lo: float, hi: float) -> list[sp.Rational]:
    """Simple rationals in [lo, hi], spread out, deterministic."""
    vals = {sp.Rational(k, q) for q in (1, 2, 3, 4) for k in range(math.floor(lo * q) - 1,
                                                                    math.ceil(hi * q) + 2)}
    return sorted(v for v in vals if lo <= v <= hi)


def _make_family(expr, vars_, sol: dict, bounds, grad_tol, eig_tol) -> CriticalFamily | None:
    free = [v for v in vars_ if v not in sol]
    lo = {v: b[0] for v, b in zip(vars_, bounds, strict=True)}
    hi = {v: b[1] for v, b in zip(vars_, bounds, strict=True)}
    grids = [_sample_values(lo[v], hi[v]) for v in free]
    candidates = []
    for combo in itertools.islice(itertools.product(*grids), 4000):
        subs = dict(zip(free, combo, strict=True))
        point = []
        ok = True
        for v in vars_:
            val = subs[v] if v in subs else sp.simplify(sol[v].xreplace(subs))
            if not (val.is_real and val.is_finite) or not (lo[v] <= val <= hi[v]):
                ok = False
                break
            point.append(val)
        if ok:
            candidates.append(point)
    if not candidates:
        return None

    def height(p: list) -> tuple:  # simplest rationals first: (1, 1) before (4/5, 5/4)
        return (sum(abs(c.p) + c.q if c.is_Rational else 99 for c in p), [float(c) for c in p])

    picks = sorted(sorted(candidates, key=height)[:5], key=lambda p: [float(c) for c in p])
    samples = tuple(analyze_point(expr, vars_, p, grad_tol=grad_tol, eig_tol=eig_tol)
                    for p in picks)
    kinds = {s.kind for s in samples}
    kind = kinds.pop() if len(kinds) == 1 else "degenerate"
    eqs = [_family_equation(v, sol[v]) for v in vars_ if v in sol]
    equation = eqs[0] if len(eqs) == 1 else sp.And(*eqs)
    value = sp.simplify(expr.xreplace(sol))
    resolved, reason = "undetermined", ""
    if not value.free_symbols:
        s = _prove_sign(expr - value, vars_)
        if s == 1:
            resolved = "local minimum"
            lhs = "f" if value == 0 else f"f − {_pretty(value)}"
            reason = (f"f = {_pretty(value)} on the whole family and {lhs} = "
                      f"{_pretty(sp.factor(expr - value))} ≥ 0 everywhere: every point of the "
                      f"family is a (non-strict) minimum")
        elif s == -1:
            resolved = "local maximum"
            reason = (f"f = {_pretty(value)} on the whole family and f ≤ {_pretty(value)} "
                      f"everywhere: every point is a (non-strict) maximum")
    if kind == "saddle point":
        resolved = "saddle point"
        reason = "eigenvalues of both signs at every sample"
    if not reason:
        verdicts = ", ".join(sorted({s.resolved_kind for s in samples}))
        reason = f"no proof for the whole family; the samples are: {verdicts}"
    if kind == "degenerate":
        reason = ("along the family f is constant, so H has a zero eigenvalue in its direction "
                  "(second-order test inconclusive); " + reason)
    else:
        resolved = kind if kind != "not critical" else "undetermined"
    return CriticalFamily(equation=equation, variables=vars_, kind=kind, resolved_kind=resolved,
                          samples=samples, reason=reason, solution=dict(sol), value=value)


# --------------------------------------------------------------------------- search
def _solve_worker(conn, expr_s: str, vars_s: str) -> None:  # pragma: no cover - child process
    try:
        expr = sp.sympify(expr_s)
        vars_ = sp.sympify(vars_s)
        eqs = [sp.diff(expr, v) for v in vars_]
        sols = sp.solve(eqs, list(vars_), dict=True)
        conn.send(sp.srepr(sols))
    except Exception:  # noqa: BLE001 - any failure means "no exact answer"
        conn.send(None)
    finally:
        conn.close()


def _exact_solutions(expr, vars_, timeout: float) -> list[dict] | None:
    """sympy.solve on ∇f = 0 in a forked process, killed after ``timeout`` seconds."""
    if timeout <= 0:
        return None
    try:
        ctx = multiprocessing.get_context("fork")
    except ValueError:  # pragma: no cover - platforms without fork
        return None
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_solve_worker, args=(child, sp.srepr(expr), sp.srepr(vars_)),
                       daemon=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork in a threaded kernel
        proc.start()
    child.close()
    result = None
    try:
        if parent.poll(timeout):
            result = parent.recv()
    except (EOFError, OSError):
        result = None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        parent.close()
    if result is None:
        return None
    return sp.sympify(result)


def _newton_search(expr, vars_, lo: np.ndarray, hi: np.ndarray, n_starts: int,
                   iters: int = 80) -> np.ndarray:
    """Multi-start Newton on ∇f = 0 from a grid over the box; returns converged points."""
    n = len(vars_)
    _, grad_fn, hess_fn = _compiled(expr, vars_)
    per = max(3, round(n_starts ** (1 / n)))
    axes = [np.linspace(a, b, per) for a, b in zip(lo, hi, strict=True)]
    x = np.array(np.meshgrid(*axes, indexing="ij")).reshape(n, -1)  # (n, m)
    width = hi - lo
    max_step = 0.25 * float(np.linalg.norm(width))
    with np.errstate(all="ignore"):
        for _ in range(iters):
            g = grad_fn(x)  # (n, m)
            H = hess_fn(x)  # (n, n, m)
            Hm = np.moveaxis(H, -1, 0)
            good = np.all(np.isfinite(Hm), axis=(1, 2)) & np.all(np.isfinite(g), axis=0)
            Hm[~good] = np.eye(n)
            step = -np.einsum("mij,mj->mi", np.linalg.pinv(Hm, rcond=1e-12, hermitian=True),
                              np.where(good, g, 0.0).T).T
            length = np.linalg.norm(step, axis=0)
            scale = np.minimum(1.0, max_step / np.maximum(length, 1e-300))
            x = x + step * scale
            x[:, ~good] = np.nan
        gnorm = np.linalg.norm(grad_fn(x), axis=0)
    ok = np.all(np.isfinite(x), axis=0) & np.isfinite(gnorm)
    slack = 1e-9 * np.maximum(1.0, width)
    inside = np.all((x >= (lo - slack)[:, None]) & (x <= (hi + slack)[:, None]), axis=0)
    keep = ok & inside
    order = np.argsort(gnorm[keep], kind="stable")  # best converged first
    return x[:, keep].T[order]


def _dedup(points: np.ndarray, tol: float) -> list[np.ndarray]:
    """Greedy: keep a point unless one already kept lies within tol (input best-first)."""
    kept: list[np.ndarray] = []
    for p in points:
        if all(np.linalg.norm(p - q) > tol for q in kept):
            kept.append(p)
    return kept


def _sort_key(item: PointReport | CriticalFamily) -> tuple:
    if isinstance(item, CriticalFamily):
        return (1, _KIND_ORDER.get(item.kind, 9), str(item.equation))
    return (0, _KIND_ORDER[item.kind], tuple(np.round(item.point, 9)))


def critical_points(f: Any, variables: Sequence[sp.Symbol],
                    bounds: Sequence[tuple[float, float]], *, timeout: float = SOLVE_TIMEOUT,
                    n_starts: int = 900, grad_tol: float = GRAD_TOL, eig_tol: float = EIG_TOL,
                    dedup_tol: float = 1e-6) -> list[PointReport | CriticalFamily]:
    """Every real critical point of ``f`` inside ``bounds`` (one (low, high) per variable).

    1. ``sympy.solve`` on ∇f = 0, in a forked process killed after ``timeout`` seconds.
       Simple exact solutions are analysed exactly; solutions with free variables become a
       :class:`CriticalFamily` (with its equation); messy radicals are turned into numbers.
    2. Always also: multi-start Newton on ∇f = 0 (pseudo-inverse of the Hessian, steps capped
       at a quarter of the box diagonal) from a grid of about ``n_starts`` points, because
       ``sympy.solve`` can silently miss solutions. Converged points inside the box are
       refined, snapped to a simple rational when that point is exactly critical, and merged;
       two points closer than ``dedup_tol``·max(1, box diameter) are the same point.
       Coordinates of isolated nondegenerate points are accurate to ~1e-12.
    Isolated points come first, sorted by kind then coordinates; then families.
    """
    expr, vars_ = _check_inputs(f, variables)
    try:
        b = np.array(bounds, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError("bounds must be one (low, high) pair of numbers per variable") from exc
    if b.shape != (len(vars_), 2) or not np.all(np.isfinite(b)) or np.any(b[:, 0] >= b[:, 1]):
        raise ValueError(f"bounds must be {len(vars_)} pairs (low, high) with low < high, "
                         f"e.g. {[(-2, 2)] * len(vars_)}")
    lo, hi = b[:, 0], b[:, 1]
    tol = dedup_tol * max(1.0, float(np.linalg.norm(hi - lo)))
    families: list[CriticalFamily] = []
    reports: list[PointReport] = []
    found: list[np.ndarray] = []

    def add_report(rep: PointReport) -> None:
        if rep.kind == "not critical":
            return
        if not np.all((rep.point >= lo - 1e-12) & (rep.point <= hi + 1e-12)):
            return
        if any(np.linalg.norm(rep.point - q) <= tol for q in found):
            return
        if any(fam.contains(rep.point) for fam in families):
            return
        found.append(rep.point)
        reports.append(rep)

    sols = _exact_solutions(expr, vars_, timeout)
    for sol in sols or []:
        if len(sol) < len(vars_):
            fam = _make_family(expr, vars_, sol, b, grad_tol, eig_tol)
            if fam is not None:
                families.append(fam)
            continue
        coords = [sol[v] for v in vars_]
        if all(c.is_real and sp.count_ops(c) <= 25 and not c.has(sp.I) for c in coords):
            num = np.array([float(c) for c in coords])
            if np.all((num >= lo) & (num <= hi)):
                add_report(analyze_point(expr, vars_, coords, grad_tol=grad_tol, eig_tol=eig_tol))
        # messy or complex exact solutions are left to the numeric search below
    for p in _dedup(_newton_search(expr, vars_, lo, hi, n_starts), tol):
        p = np.where(np.abs(p) < 1e-14 * max(1.0, float(np.max(np.abs(b)))), 0.0, p)
        if any(fam.contains(p) for fam in families):
            continue
        snapped = _snap_rational(expr, vars_, p)
        point = snapped if snapped is not None else p
        add_report(analyze_point(expr, vars_, point, grad_tol=grad_tol, eig_tol=eig_tol))
    return sorted(reports, key=_sort_key) + sorted(families, key=_sort_key)
