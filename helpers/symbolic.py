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
* Variables are real: abs(x) is differentiated as a real function (sign(x), 2·DiracDelta(x)).
  Where f is not twice differentiable (a kink of abs/sign/Piecewise/Max/Min, the tip of
  sqrt(u)), ``analyze_point`` never crashes: kind "undetermined", ``smooth=False``, NaN g and
  H, and a resolved_kind from a sign proof of f − f(p) (see analyze_point). A point where f
  itself is undefined (log(0), 1/0) raises a ValueError with a readable message.
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
KINDS = ("local minimum", "local maximum", "saddle point", "degenerate", "undetermined",
         "not critical")
RESOLVED_KINDS = ("local minimum", "local maximum", "saddle point", "undetermined")
_KIND_ORDER = {k: i for i, k in enumerate(KINDS)}


# --------------------------------------------------------------------------- validation
def check_inputs(f: Any, variables: Any) -> tuple[sp.Expr, tuple[sp.Symbol, ...]]:
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
# Functions whose derivatives jump or blow up where their argument is 0: a "kink".
_KINK_FUNCS = (sp.Abs, sp.sign, sp.Heaviside, sp.DiracDelta, sp.floor, sp.ceiling, sp.frac)


def _to_real(vars_: tuple[sp.Symbol, ...]) -> tuple[dict, dict]:
    """Maps variable -> real dummy and back (derivatives of abs need real symbols)."""
    fwd = {v: sp.Dummy(v.name, real=True) for v in vars_ if v.is_real is not True}
    return fwd, {d: v for v, d in fwd.items()}


def _derivatives(expr: sp.Expr, vars_: tuple[sp.Symbol, ...]) -> tuple[list, list[list]]:
    """(gradient entries, Hessian rows), differentiated as functions of REAL variables.

    For a symbol without ``real=True`` sympy differentiates abs(x) as a complex function
    (with re, im and unevaluated derivatives); the course's variables are real, so the
    derivatives are taken in real dummies and the result is written in the given symbols:
    d|x|/dx = sign(x), d²|x|/dx² = 2·DiracDelta(x).
    """
    fwd, back = _to_real(vars_)
    e = expr.xreplace(fwd) if fwd else expr
    rv = [fwd.get(v, v) for v in vars_]
    grad = [sp.diff(e, v) for v in rv]
    hess = [[sp.diff(g, v) for v in rv] for g in grad]
    if any(h.has(sp.Derivative) for row in hess for h in row):
        raise ValueError("sympy cannot differentiate f (an unevaluated derivative remains, e.g. "
                         "of floor or ceiling): its gradient and Hessian are not available")
    if back:
        grad = [g.xreplace(back) for g in grad]
        hess = [[h.xreplace(back) for h in row] for row in hess]
    return grad, hess


def gradient(f: Any, variables: Sequence[sp.Symbol]) -> sp.Matrix:
    """Column vector of first partial derivatives of ``f`` (variables are real)."""
    expr, vars_ = check_inputs(f, variables)
    if not expr.has(*_KINK_FUNCS, sp.Piecewise, sp.Max, sp.Min):
        return sp.Matrix([sp.diff(expr, v) for v in vars_])
    return sp.Matrix(_derivatives(expr, vars_)[0])


def hessian(f: Any, variables: Sequence[sp.Symbol]) -> sp.Matrix:
    """Symmetric matrix of second partial derivatives of ``f`` (variables are real)."""
    expr, vars_ = check_inputs(f, variables)
    if not expr.has(*_KINK_FUNCS, sp.Piecewise, sp.Max, sp.Min):
        return sp.hessian(expr, vars_)
    return sp.Matrix(_derivatives(expr, vars_)[1])


def _broadcast(values: Sequence[Any], shape: tuple[int, ...]) -> np.ndarray:
    return np.array([np.broadcast_to(np.asarray(v, dtype=float), shape) for v in values])


def _np_dirac(u: Any, *_: Any) -> Any:
    """DiracDelta for numpy: 0 off its support, NaN (does not exist) where u = 0."""
    u = np.asarray(u, dtype=float)
    return np.where(u == 0, np.nan, 0.0)


_NUMPY_MODULES = [{"DiracDelta": _np_dirac}, "numpy"]


@functools.lru_cache(maxsize=64)
def _kink_args(expr: sp.Expr) -> tuple[tuple[sp.Expr, str], ...]:
    """Expressions u whose zero set is where f may fail to be twice differentiable.

    The argument of abs, sign, Heaviside, DiracDelta, floor, ceiling; both sides of every
    condition of a Piecewise; pairwise differences of Max/Min arguments; the base of a
    non-integer power (sqrt(u), u^(1/3), …: infinite derivatives at u = 0).
    """
    out: list[tuple[sp.Expr, str]] = []
    for a in sp.preorder_traversal(expr):
        if isinstance(a, _KINK_FUNCS):
            name = "abs" if isinstance(a, sp.Abs) else type(a).__name__
            out.append((a.args[0], f"{name}({_pretty(a.args[0])})"))
        elif isinstance(a, (sp.Max, sp.Min)):
            out += [(u - v, f"{type(a).__name__}(…)") for u, v in
                    itertools.combinations(a.args, 2)]
        elif isinstance(a, sp.Piecewise):
            for _, cond in a.args:
                if isinstance(cond, sp.Basic):
                    out += [(r.lhs - r.rhs, "a piecewise formula") for r in cond.atoms(sp.Rel)]
        elif isinstance(a, sp.Pow) and a.exp.is_integer is not True:
            out.append((a.base, _pretty(a)))
    uniq: list[tuple[sp.Expr, str]] = []
    for u, label in out:
        if u.free_symbols and all(u != v for v, _ in uniq):
            uniq.append((u, label))
    return tuple(uniq)


@functools.lru_cache(maxsize=64)
def compile_numeric(expr: sp.Expr, vars_: tuple[sp.Symbol, ...]):
    """numpy functions (value, gradient, Hessian) of expr; arrays of points in, arrays out.

    Derivatives of abs/sign/Heaviside contain DiracDelta terms: they are 0 away from the
    kink and NaN on it (the derivative does not exist there), never a NameError.
    """
    n = len(vars_)
    grad, hess_rows = _derivatives(expr, vars_)
    hess = [h for row in hess_rows for h in row]
    f_l = sp.lambdify(vars_, expr, _NUMPY_MODULES)
    g_l = sp.lambdify(vars_, grad, _NUMPY_MODULES)
    h_l = sp.lambdify(vars_, hess, _NUMPY_MODULES)

    def value(x: np.ndarray) -> np.ndarray:
        return np.broadcast_to(np.asarray(f_l(*x), dtype=float), x.shape[1:]).copy()

    def grad_fn(x: np.ndarray) -> np.ndarray:  # x: (n, ...) -> (n, ...)
        return _broadcast(g_l(*x), x.shape[1:])

    def hess_fn(x: np.ndarray) -> np.ndarray:  # x: (n, ...) -> (n, n, ...)
        return _broadcast(h_l(*x), x.shape[1:]).reshape((n, n) + x.shape[1:])

    return value, grad_fn, hess_fn


@functools.lru_cache(maxsize=64)
def _compiled_kinks(expr: sp.Expr, vars_: tuple[sp.Symbol, ...]) -> list:
    """numpy (u, ∇u) for every kink argument u of expr."""
    out = []
    for u, _ in _kink_args(expr):
        gu = _derivatives(u, vars_)[0]
        out.append((sp.lambdify(vars_, u, _NUMPY_MODULES), sp.lambdify(vars_, gu, _NUMPY_MODULES)))
    return out


def _kink_at_numeric(expr: sp.Expr, vars_: tuple[sp.Symbol, ...], p: np.ndarray,
                     grad_tol: float) -> tuple[sp.Expr, str] | None:
    """The kink (u, label) with p on {u = 0} (distance |u|/‖∇u‖ ≤ grad_tol·max(1, ‖p‖))."""
    reach = grad_tol * max(1.0, float(np.linalg.norm(p)))
    for kink, (u_fn, gu_fn) in zip(_kink_args(expr), _compiled_kinks(expr, vars_), strict=True):
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                val = complex(u_fn(*p))
                gu = np.array([complex(c) for c in np.ravel(gu_fn(*p))])
            except Exception:  # noqa: BLE001 - cannot evaluate: not a kink we can locate
                continue
        if not np.isfinite(val):
            continue
        gnorm = float(np.linalg.norm(gu)) if np.all(np.isfinite(gu)) else 0.0
        if val == 0 or abs(val) <= reach * gnorm:
            return kink
    return None


# --------------------------------------------------------------------------- exact helpers
def _sign(x: sp.Expr) -> int | None:
    """Exact sign of a real sympy number: -1, 0, 1, or None when sympy cannot decide."""
    try:
        return _sign_or_raise(sp.sympify(x))
    except Exception:  # noqa: BLE001 - nan, zoo, DiracDelta(0), undecidable relations
        return None


def _sign_or_raise(x: sp.Expr) -> int | None:
    if x.has(sp.nan, sp.zoo, sp.oo, -sp.oo, sp.DiracDelta):
        return None
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
    if v.is_number and v.is_real and abs(v) > sp.Float("1e-40"):
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


def _leading_term(phi: sp.Expr, t: sp.Symbol, order: int = 8, *,
                  one_sided: bool = False) -> tuple[sp.Rational, int] | None:
    """(order, sign) of the first nonzero term of the expansion of phi(t) at t = 0, if any.

    Two-sided (t real): only a power series in integer powers of t counts. One-sided
    (t > 0, ``one_sided=True``): powers may be fractional, e.g. sqrt(t²+t²) = √2·t.
    Anything else (|t| for real t, non-analytic terms, a failing series) gives None, i.e.
    "undetermined" for the caller — never an exception.
    """
    try:
        if not one_sided and any(_sign(u.xreplace({t: 0})) in (0, None)
                                 for u, _ in _kink_args(phi) if u.has(t)):
            return None  # a kink through t = 0: sympy would expand |t|³ as t³ (wrong for t < 0)
        if phi.is_polynomial(t):
            ser = sp.expand(phi)
        else:
            ser = sp.expand(sp.series(phi, t, 0, order + 1).removeO())
        terms = []
        for term in sp.Add.make_args(ser):
            coeff, k = term.as_coeff_exponent(t)
            if coeff.has(t) or not k.is_Rational:
                return None
            if not (k.is_integer or one_sided):
                return None
            if k < 0:  # a pole: not an expansion of f(p + t·d) − f(p)
                return None
            if k > 0:
                terms.append((k, coeff))
        terms.sort(key=lambda kc: kc[0])
    except Exception:  # noqa: BLE001 - series/expansion may fail on exotic functions
        return None
    merged: dict[sp.Rational, sp.Expr] = {}
    for k, c in terms:
        merged[k] = merged.get(k, 0) + c
    for k in sorted(merged):
        s = _sign(merged[k])
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


def _sign_proof(diff: sp.Expr, vars_: tuple[sp.Symbol, ...],
                template: str) -> tuple[str, str] | None:
    """(kind, reason) when sympy proves diff = f − f(p) ≥ 0 or ≤ 0 everywhere, else None."""
    s = _prove_sign(diff, vars_)
    if not s:
        return None
    rel, kind = ("≥", "minimum") if s == 1 else ("≤", "maximum")
    return f"local {kind}", template.format(diff=_pretty(_safe_factor(diff)), rel=rel, kind=kind)


def _resolve_exact(expr: sp.Expr, vars_: tuple[sp.Symbol, ...], p: list[sp.Expr],
                   fp: sp.Expr, H: sp.Matrix) -> tuple[str, str]:
    """Higher-order look at a degenerate critical point p (exact). Returns (kind, reason)."""
    proved = _sign_proof(expr - fp, vars_, "f − f(p) = {diff} {rel} 0 everywhere, so p is a {kind}")
    if proved:
        return proved
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


def _safe_factor(e: sp.Expr) -> sp.Expr:
    """sympy.factor when it works quickly, else e itself."""
    if sp.count_ops(e) > 400:
        return e
    try:
        return sp.factor(e)
    except Exception:  # noqa: BLE001 - factor fails on Piecewise and friends
        return e


def _resolve_nonsmooth(expr: sp.Expr, vars_: tuple[sp.Symbol, ...], p: list[sp.Expr],
                       fp: sp.Expr) -> tuple[str, str]:
    """What a point where f is not twice differentiable is, without g or H.

    A sign proof of f − f(p) decides minimum/maximum (it needs no derivatives). Otherwise
    f is expanded along rays p + t·d, t > 0 (one-sided: |t| = t there): when it rises along
    one ray and falls along another, p is neither a minimum nor a maximum — said in the
    reason; the label stays "undetermined" (without a gradient, "saddle point" and "a
    sloped kink" cannot be told apart).
    """
    proved = _sign_proof(expr - fp, vars_,
                         "but f − f(p) = {diff} {rel} 0 everywhere, so p is a {kind} anyway")
    if proved:
        return proved
    t = sp.Dummy("t", positive=True)
    seen: dict[int, sp.Matrix] = {}
    base = _directions(len(vars_), [])
    for d in [v for b in base for v in (b, -b)]:
        phi = expr.xreplace({v: pi + t * di for v, pi, di in zip(vars_, p, d, strict=True)})
        lead = _leading_term(phi - fp, t, one_sided=True)
        if lead is None:
            continue
        seen.setdefault(lead[1], d)
        if 1 in seen and -1 in seen:
            return "undetermined", (f"f rises along {_pretty(list(seen[1]))} and falls along "
                                    f"{_pretty(list(seen[-1]))}: p is neither a minimum nor a "
                                    f"maximum")
    return "undetermined", "no sign proof for f − f(p) was found"


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


def _verdict_text(kind: str, resolved_kind: str) -> str:
    """One-line verdict: the kind, and what decided a degenerate or non-smooth point."""
    if kind == "degenerate":
        return f"degenerate → {resolved_kind}"
    if kind == "undetermined":
        return f"not smooth here (no second-order test) → {resolved_kind}"
    return kind


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
        return _verdict_text(self.kind, self.resolved_kind)

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


def _finite_number(v: sp.Expr) -> bool:
    return bool(v.is_number) and not v.has(sp.nan, sp.zoo, sp.oo, -sp.oo) and v.is_real is not False


def _undefined(vars_, num_p) -> ValueError:
    names = ", ".join(map(str, vars_))
    pt = ", ".join(_fmt_num(c) for c in num_p)
    return ValueError(f"f is not defined at ({names}) = ({pt}): its value is not a finite real "
                      "number there (e.g. log(0), 1/0 or sqrt of a negative number)")


def _no_dirac(m: sp.Matrix) -> sp.Matrix:
    """Drop DiracDelta terms: they are 0 everywhere except on the kink (checked separately)."""
    return m.replace(sp.DiracDelta, lambda *args: sp.S.Zero) if m.has(sp.DiracDelta) else m


def _analyze_exact(expr, vars_, p, num_p, grad_tol, eig_tol) -> PointReport:
    subs = dict(zip(vars_, p, strict=True))
    fp = sp.simplify(expr.xreplace(subs))
    if not _finite_number(fp):
        raise _undefined(vars_, num_p)
    kinks = [(u, label, _sign(u.xreplace(subs))) for u, label in _kink_args(expr)]
    on = [(u, label) for u, label, sg in kinks if sg == 0]
    if on:
        return _nonsmooth_report(expr, vars_, p, num_p, fp, grad_tol, eig_tol, *on[0])
    if any(sg is None for *_, sg in kinks):  # cannot tell whether p is on a kink: use numbers
        return _analyze_numeric(expr, vars_, num_p, grad_tol, eig_tol, snap=False)
    g = _no_dirac(gradient(expr, vars_)).xreplace(subs).applyfunc(sp.simplify)
    H = _no_dirac(hessian(expr, vars_)).xreplace(subs).applyfunc(sp.simplify)
    if not all(_finite_number(c) for c in [*g, *H]):
        return _nonsmooth_report(expr, vars_, p, num_p, fp, grad_tol, eig_tol, None, "")
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


def _nonsmooth_report(expr, vars_, p_exact, num_p, fp, grad_tol, eig_tol,
                      kink: sp.Expr | None, label: str) -> PointReport:
    """Report for a point where f is not twice differentiable (see analyze_point)."""
    n = len(vars_)
    if kink is None:
        where = "the gradient or the Hessian is infinite or undefined here"
    else:
        where = f"p lies on {_pretty(kink)} = 0, where {label} is not smooth"
    fp_exact = fp if p_exact is not None else None
    if p_exact is None:  # a float point: decide at the nearby simple rational point, if any
        q = [Fraction(float(c)).limit_denominator(1000) for c in num_p]
        if np.max(np.abs(np.array([float(c) for c in q]) - num_p)) <= 1e-9 * max(
                1.0, float(np.max(np.abs(num_p)))):
            cand = [sp.Rational(c.numerator, c.denominator) for c in q]
            subs = dict(zip(vars_, cand, strict=True))
            with contextlib.suppress(Exception):
                if kink is None or _sign(kink.xreplace(subs)) == 0:
                    v = sp.simplify(expr.xreplace(subs))
                    if _finite_number(v):
                        p_exact, fp_exact = cand, v
    if p_exact is not None:
        resolved, why = _resolve_nonsmooth(expr, vars_, list(p_exact), fp_exact)
    elif abs(float(fp)) <= grad_tol and _prove_sign(expr, vars_) == 1:
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
    kink = _kink_at_numeric(expr, vars_, p, grad_tol)
    if kink is not None or not (np.all(np.isfinite(g)) and np.all(np.isfinite(H))):
        return _nonsmooth_report(expr, vars_, None, p, fp, grad_tol, eig_tol,
                                 *(kink if kink is not None else (None, "")))
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
    # every explicit branch (e.g. y = ±sqrt(1 − x²) of the circle x² + y² = 1); solution is
    # branches[0]
    branches: tuple[dict, ...] = ()

    def _branches(self) -> tuple[dict, ...]:
        return self.branches or (self.solution,)

    def curve(self, bounds: Sequence[tuple[float, float]], n: int = 400) -> np.ndarray:
        """Points (m, len(variables)) tracing the family inside bounds; NaN rows break it.

        With several branches the curves follow each other, separated by a NaN row.
        """
        parts = []
        for sol in self._branches():
            if parts:
                parts.append(np.full((1, len(self.variables)), np.nan))
            parts.append(self._branch_curve(sol, bounds, n))
        return np.vstack(parts)

    def _branch_curve(self, sol: dict, bounds: Sequence[tuple[float, float]],
                      n: int) -> np.ndarray:
        free = [v for v in self.variables if v not in sol]
        if len(free) != 1:
            raise ValueError("curve() needs a one-parameter family")
        (t,) = free
        i = self.variables.index(t)
        ts = np.linspace(bounds[i][0], bounds[i][1], n)
        fns = {v: sp.lambdify(t, sol[v], "numpy") for v in self.variables if v != t}

        def at(tt: np.ndarray) -> np.ndarray:
            cols = [tt if v == t else
                    np.broadcast_to(np.asarray(fns[v](tt), dtype=float), tt.shape)
                    for v in self.variables]
            return np.column_stack(cols)

        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pts = at(ts)
            # where the branch ends inside the box (y = ±sqrt(1 − x²) at x = ±1), add its
            # end point (bisection), so that branches of one curve meet without a gap
            ok = np.all(np.isfinite(pts), axis=1)
            ends = []
            for j in np.flatnonzero(ok[:-1] != ok[1:]):
                good, bad = (ts[j], ts[j + 1]) if ok[j] else (ts[j + 1], ts[j])
                for _ in range(60):
                    mid = (good + bad) / 2
                    if np.all(np.isfinite(at(np.array([mid])))):
                        good = mid
                    else:
                        bad = mid
                ends.append((j + 1, good))
            for j, te in reversed(ends):
                ts = np.insert(ts, j, te)
            pts = at(ts)
            lo = np.array([b[0] for b in bounds])
            hi = np.array([b[1] for b in bounds])
            inside = np.all((pts >= lo) & (pts <= hi) & np.isfinite(pts), axis=1)
        pts[~inside] = np.nan
        return pts

    def contains(self, point: np.ndarray, tol: float = 1e-7) -> bool:
        """True when ``point`` satisfies the family's equations to ``tol`` (scaled)."""
        p = np.asarray(point, dtype=float)
        return any(self._on_branch(sol, p, tol) for sol in self._branches())

    def _on_branch(self, sol: dict, p: np.ndarray, tol: float) -> bool:
        for v, fn in _solution_functions(self.variables, tuple(sol.items())):
            with np.errstate(all="ignore"):
                val = complex(fn(*p))
            target = p[self.variables.index(v)]
            if not np.isfinite(val) or abs(val - target) > tol * max(1.0, abs(target)):
                return False
        return True

    def _verdict(self) -> str:
        return _verdict_text(self.kind, self.resolved_kind)

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
    const = num.as_independent(*num.free_symbols, as_Add=True)[0] if num.free_symbols else num
    lhs, rhs = num - const, -const
    if lhs.could_extract_minus_sign():
        lhs, rhs = -lhs, -rhs
    return sp.Eq(lhs, rhs, evaluate=False)


def _sample_values(lo: float, hi: float) -> list[sp.Rational]:
    """Simple rationals in [lo, hi], spread out, deterministic."""
    vals = {sp.Rational(k, q) for q in (1, 2, 3, 4) for k in range(math.floor(lo * q) - 1,
                                                                    math.ceil(hi * q) + 2)}
    return sorted(v for v in vals if lo <= v <= hi)


def _branch_candidates(vars_, sol: dict, bounds) -> list[list]:
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
    return candidates


def _implicit_equation(q: sp.Expr, vars_) -> sp.Equality:
    """q = 0 written tidily: constant to the right, a positive leading coefficient."""
    q = sp.expand(q)
    const = q.as_independent(*vars_, as_Add=True)[0]
    lhs, rhs = q - const, -const
    if lhs.could_extract_minus_sign():
        lhs, rhs = -lhs, -rhs
    return sp.Eq(lhs, rhs, evaluate=False)


def _make_family(expr, vars_, sols: dict | list[dict], bounds, grad_tol, eig_tol,
                 implicit: sp.Expr | None = None) -> CriticalFamily | None:
    """A family from one explicit solution, or from several branches of ``implicit`` = 0."""
    branches = [sols] if isinstance(sols, dict) else list(sols)
    per_branch = [_branch_candidates(vars_, sol, bounds) for sol in branches]
    if not any(per_branch):
        return None

    def height(p: list) -> tuple:  # simplest rationals first: (1, 1) before (4/5, 5/4)
        return (sum(abs(c.p) + c.q if c.is_Rational else 99 for c in p), [float(c) for c in p])

    take = 5 if len(branches) == 1 else 3
    picks = {tuple(p): p for cands in per_branch for p in sorted(cands, key=height)[:take]}
    picks = sorted(picks.values(), key=lambda p: [float(c) for c in p])
    samples = tuple(analyze_point(expr, vars_, p, grad_tol=grad_tol, eig_tol=eig_tol)
                    for p in picks)
    kinds = {s.kind for s in samples}
    kind = kinds.pop() if len(kinds) == 1 else "degenerate"
    sol = branches[0]
    if implicit is not None and len(branches) > 1:
        equation = _implicit_equation(implicit, vars_)
    else:
        eqs = [_family_equation(v, sol[v]) for v in vars_ if v in sol]
        equation = eqs[0] if len(eqs) == 1 else sp.And(*eqs)
    values = {sp.simplify(expr.xreplace(b)) for b in branches}
    value = values.pop() if len(values) == 1 else None
    resolved, reason = "undetermined", ""
    if value is not None and not value.free_symbols:
        s = _prove_sign(expr - value, vars_)
        if s == 1:
            resolved = "local minimum"
            lhs = "f" if value == 0 else f"f − {_pretty(value)}"
            reason = (f"f = {_pretty(value)} on the whole family and {lhs} = "
                      f"{_pretty(_safe_factor(expr - value))} ≥ 0 everywhere: every point of "
                      f"the family is a (non-strict) minimum")
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
    elif kind == "undetermined":
        reason = ("f is not twice differentiable on this family (a kink), so there is no "
                  "second-order test; " + reason)
    else:
        resolved = kind if kind != "not critical" else "undetermined"
    return CriticalFamily(equation=equation, variables=vars_, kind=kind, resolved_kind=resolved,
                          samples=samples, reason=reason, solution=dict(sol), value=value,
                          branches=tuple(dict(b) for b in branches))


def _gradient_factors(expr, vars_) -> list[sp.Expr]:
    """Irreducible factors of gcd(∂f/∂v₁, …, ∂f/∂vₙ) for a polynomial f: their zero sets are
    whole curves (hypersurfaces) of critical points, e.g. x² + y² − 1 for (x² + y² − 1)²."""
    if not expr.is_polynomial(*vars_) or sp.count_ops(expr) > 300:
        return []
    try:
        g = functools.reduce(sp.gcd, [sp.expand(sp.diff(expr, v)) for v in vars_])
        _, factors = sp.factor_list(sp.sympify(g), *vars_)
    except Exception:  # noqa: BLE001 - any failure: keep the explicit branches
        return []
    return [q for q, _ in factors if sp.Poly(q, *vars_).total_degree() > 0]


def _group_branches(expr, vars_, sols: list[dict]) -> list[tuple[list[dict], sp.Expr | None]]:
    """Family solutions grouped by the gradient factor whose zero set they trace."""
    factors = _gradient_factors(expr, vars_)
    groups: dict[int, list[dict]] = {}
    alone: list[tuple[list[dict], sp.Expr | None]] = []
    for sol in sols:
        for i, q in enumerate(factors):
            with contextlib.suppress(Exception):
                if sp.simplify(q.xreplace(sol)) == 0:
                    groups.setdefault(i, []).append(sol)
                    break
        else:
            alone.append(([sol], None))
    return [(g, factors[i]) for i, g in sorted(groups.items())] + alone


# --------------------------------------------------------------------------- search
def _solve_worker(conn, eqs_s: str, vars_s: str) -> None:  # pragma: no cover - child process
    try:
        eqs = sp.sympify(eqs_s)
        vars_ = sp.sympify(vars_s)
        sols = sp.solve(list(eqs), list(vars_), dict=True)
        conn.send(sp.srepr(sols))
    except Exception:  # noqa: BLE001 - any failure means "no exact answer"
        conn.send(None)
    finally:
        conn.close()


def _exact_solutions(expr, vars_, timeout: float) -> list[dict] | None:
    """sympy.solve on ∇f = 0 in a forked process, killed after ``timeout`` seconds."""
    return _solve_in_child(_no_dirac(sp.Matrix(_derivatives(expr, vars_)[0])), vars_, timeout)


_MU = sp.Symbol("_mu_kink")


def _kink_solutions(expr, vars_, timeout: float) -> list[dict]:
    """Candidate critical points ON the kinks of abs(u) and u^(non-integer) terms.

    On a kink {u = 0} the term vanishes: f restricted there is f_r (the term set to 0), and
    p is a candidate when it is stationary for f_r on the kink: ∇f_r = μ·∇u, u = 0
    (Lagrange). E.g. abs(x) + y² → (0, 0); sqrt(x² + y²) → (0, 0); abs(x·y) → the axes.
    Each candidate is then analysed by analyze_point, which says what it really is.
    """
    out: list[dict] = []
    for u, _ in _kink_args(expr)[:3]:
        atoms = [a for a in expr.atoms(sp.Abs, sp.Pow) if a.args[0] == u and (
            isinstance(a, sp.Abs) or (a.exp.is_positive and a.exp.is_integer is False))]
        if not atoms:
            continue
        f_r = expr.xreplace({a: sp.S.Zero for a in atoms})
        if f_r.has(sp.Abs) and any(a.args[0] == u for a in f_r.atoms(sp.Abs)):
            continue
        g_r = _derivatives(f_r, vars_)[0]
        g_u = _derivatives(u, vars_)[0]
        eqs = _no_dirac(sp.Matrix([gr - _MU * gu for gr, gu in zip(g_r, g_u, strict=True)]
                                  + [u]))
        sols = _solve_in_child(eqs, (*vars_, _MU), timeout) or []
        if any(e.has(sp.I) for sol in sols for e in sol.values()):
            # complex branches (x = ±i·y for x² + y² = 0): solve again with real unknowns
            fwd, back = _to_real((*vars_, _MU))
            real = _solve_in_child(eqs.xreplace(fwd), tuple(fwd.get(v, v) for v in (*vars_, _MU)),
                                   timeout) or []
            sols += [{back.get(v, v): e.xreplace(back) for v, e in sol.items()} for sol in real]
        for sol in sols:
            sol = {v: e for v, e in sol.items() if v in vars_}
            if sol and not any(e.has(_MU, sp.I) for e in sol.values()) and sol not in out:
                out.append(sol)
    return out


def _solve_in_child(eqs: sp.Matrix, unknowns, timeout: float) -> list[dict] | None:
    """sympy.solve(eqs, unknowns) in a forked process, killed after ``timeout`` seconds."""
    if timeout <= 0:
        return None
    try:
        ctx = multiprocessing.get_context("fork")
    except ValueError:  # pragma: no cover - platforms without fork
        return None
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_solve_worker, args=(child, sp.srepr(list(eqs)),
                                                   sp.srepr(list(unknowns))), daemon=True)
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
    try:
        sols = sp.sympify(result)
    except Exception:  # noqa: BLE001 - an answer we cannot read is no answer
        return None
    return [sol for sol in sols if isinstance(sol, dict)] if isinstance(sols, list) else None


def _newton_search(expr, vars_, lo: np.ndarray, hi: np.ndarray, n_starts: int,
                   iters: int = 80) -> np.ndarray:
    """Multi-start Newton on ∇f = 0 from a grid over the box; returns converged points."""
    n = len(vars_)
    _, grad_fn, hess_fn = compile_numeric(expr, vars_)
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


def _nearly_critical(expr, vars_, pts: np.ndarray, grad_tol: float) -> np.ndarray:
    """Newton end points whose gradient is within 100× the report tolerance of zero.

    Points where Newton stalled (a singular Hessian far from any critical point, as on the
    cone sqrt(x² + y²)) are dropped here, before the costly exact snapping and analysis.
    """
    if len(pts) == 0:
        return pts
    value_fn, grad_fn, hess_fn = compile_numeric(expr, vars_)
    x = pts.T
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fv = np.abs(value_fn(x))
        g = np.linalg.norm(grad_fn(x), axis=0)
        H = np.moveaxis(hess_fn(x), -1, 0)
        hn = np.where(np.all(np.isfinite(H), axis=(1, 2)),
                      np.linalg.norm(np.nan_to_num(H), ord=2, axis=(1, 2)), np.inf)
        scale = np.maximum(1.0, np.maximum(fv, hn * np.linalg.norm(x, axis=0)))
        keep = np.isfinite(g) & (g <= 100 * grad_tol * scale)
    return pts[keep]


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
    3. Non-smooth f (abs, sqrt(u), …): points ON a kink where f restricted to the kink is
       stationary (Lagrange: ∇f_r = μ∇u, u = 0; solved like step 1) are candidates too; they
       come back with kind "undetermined" (no Hessian there) and a resolved_kind from a sign
       proof, e.g. the origin of |x| + y² or of sqrt(x² + y²), the axes of |x·y|. Other
       kink points are not searched for.
    Families whose explicit branches trace one factor of gcd(∂f/∂v) of a polynomial f come
    back as ONE family with that implicit equation (x² + y² = 1, not y = ±sqrt(1 − x²)).
    Isolated points come first, sorted by kind then coordinates; then families.
    """
    expr, vars_ = check_inputs(f, variables)
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

    sols = [sol for sol in (_exact_solutions(expr, vars_, timeout) or [])
            if isinstance(sol, dict) and set(sol) <= set(vars_)]
    if _kink_args(expr):
        sols += [sol for sol in _kink_solutions(expr, vars_, timeout) if sol not in sols]
    family_sols = [sol for sol in sols if len(sol) < len(vars_)]
    for group, implicit in _group_branches(expr, vars_, family_sols):
        with contextlib.suppress(Exception):  # a family sympy cannot sample is left out
            fam = _make_family(expr, vars_, group, b, grad_tol, eig_tol, implicit=implicit)
            if fam is not None:
                families.append(fam)
    for sol in sols:
        if len(sol) < len(vars_):
            continue
        with contextlib.suppress(Exception):  # messy, complex or undefined: numeric search
            coords = [sol[v] for v in vars_]
            if all(c.is_real and sp.count_ops(c) <= 25 and not c.has(sp.I) for c in coords):
                num = np.array([float(c) for c in coords])
                if np.all((num >= lo) & (num <= hi)):
                    add_report(analyze_point(expr, vars_, coords, grad_tol=grad_tol,
                                             eig_tol=eig_tol))
    for p in _dedup(_nearly_critical(expr, vars_, _newton_search(expr, vars_, lo, hi, n_starts),
                                     grad_tol), tol):
        p = np.where(np.abs(p) < 1e-14 * max(1.0, float(np.max(np.abs(b)))), 0.0, p)
        if any(fam.contains(p) for fam in families):
            continue
        snapped = _snap_rational(expr, vars_, p)
        point = snapped if snapped is not None else p
        with contextlib.suppress(ValueError):  # e.g. f undefined at the converged point
            add_report(analyze_point(expr, vars_, point, grad_tol=grad_tol, eig_tol=eig_tol))
    return sorted(reports, key=_sort_key) + sorted(families, key=_sort_key)
