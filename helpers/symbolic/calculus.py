"""Derivatives of formulas in real variables, their kinks, and their numpy versions."""

from __future__ import annotations

import functools
import itertools
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import sympy as sp

from helpers.symbolic.text import pretty


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


# Functions whose derivatives jump or blow up where their argument is 0: a "kink".
KINK_FUNCS = (sp.Abs, sp.sign, sp.Heaviside, sp.DiracDelta, sp.floor, sp.ceiling, sp.frac)


def real_dummies(vars_: tuple[sp.Symbol, ...]) -> tuple[dict, dict]:
    """Maps variable -> real dummy and back (derivatives of abs need real symbols)."""
    fwd = {v: sp.Dummy(v.name, real=True) for v in vars_ if v.is_real is not True}
    return fwd, {d: v for v, d in fwd.items()}


def derivatives(expr: sp.Expr, vars_: tuple[sp.Symbol, ...]) -> tuple[list, list[list]]:
    """(gradient entries, Hessian rows), differentiated as functions of REAL variables.

    For a symbol without ``real=True`` sympy differentiates abs(x) as a complex function
    (with re, im and unevaluated derivatives); the course's variables are real, so the
    derivatives are taken in real dummies and the result is written in the given symbols:
    d|x|/dx = sign(x), d²|x|/dx² = 2·DiracDelta(x).
    """
    fwd, back = real_dummies(vars_)
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
    if not expr.has(*KINK_FUNCS, sp.Piecewise, sp.Max, sp.Min):
        return sp.Matrix([sp.diff(expr, v) for v in vars_])
    return sp.Matrix(derivatives(expr, vars_)[0])


def hessian(f: Any, variables: Sequence[sp.Symbol]) -> sp.Matrix:
    """Symmetric matrix of second partial derivatives of ``f`` (variables are real)."""
    expr, vars_ = check_inputs(f, variables)
    if not expr.has(*KINK_FUNCS, sp.Piecewise, sp.Max, sp.Min):
        return sp.hessian(expr, vars_)
    return sp.Matrix(derivatives(expr, vars_)[1])


def without_dirac(m: sp.Matrix) -> sp.Matrix:
    """Drop DiracDelta terms: they are 0 everywhere except on the kink (checked separately)."""
    return m.replace(sp.DiracDelta, lambda *args: sp.S.Zero) if m.has(sp.DiracDelta) else m


def _broadcast(values: Sequence[Any], shape: tuple[int, ...]) -> np.ndarray:
    return np.array([np.broadcast_to(np.asarray(v, dtype=float), shape) for v in values])


def _np_dirac(u: Any, *_: Any) -> Any:
    """DiracDelta for numpy: 0 off its support, NaN (does not exist) where u = 0."""
    u = np.asarray(u, dtype=float)
    return np.where(u == 0, np.nan, 0.0)


_NUMPY_MODULES = [{"DiracDelta": _np_dirac}, "numpy"]


@functools.lru_cache(maxsize=64)
def kink_arguments(expr: sp.Expr) -> tuple[tuple[sp.Expr, str], ...]:
    """Expressions u whose zero set is where f may fail to be twice differentiable.

    The argument of abs, sign, Heaviside, DiracDelta, floor, ceiling; both sides of every
    condition of a Piecewise; pairwise differences of Max/Min arguments; the base of a
    non-integer power (sqrt(u), u^(1/3), …: infinite derivatives at u = 0).
    """
    out: list[tuple[sp.Expr, str]] = []
    for a in sp.preorder_traversal(expr):
        if isinstance(a, KINK_FUNCS):
            name = "abs" if isinstance(a, sp.Abs) else type(a).__name__
            out.append((a.args[0], f"{name}({pretty(a.args[0])})"))
        elif isinstance(a, (sp.Max, sp.Min)):
            out += [(u - v, f"{type(a).__name__}(…)") for u, v in
                    itertools.combinations(a.args, 2)]
        elif isinstance(a, sp.Piecewise):
            for _, cond in a.args:
                if isinstance(cond, sp.Basic):
                    out += [(r.lhs - r.rhs, "a piecewise formula") for r in cond.atoms(sp.Rel)]
        elif isinstance(a, sp.Pow) and a.exp.is_integer is not True:
            out.append((a.base, pretty(a)))
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
    grad, hess_rows = derivatives(expr, vars_)
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
    for u, _ in kink_arguments(expr):
        gu = derivatives(u, vars_)[0]
        out.append((sp.lambdify(vars_, u, _NUMPY_MODULES), sp.lambdify(vars_, gu, _NUMPY_MODULES)))
    return out


def kink_at(expr: sp.Expr, vars_: tuple[sp.Symbol, ...], p: np.ndarray,
                     grad_tol: float) -> tuple[sp.Expr, str] | None:
    """The kink (u, label) with p on {u = 0} (distance |u|/‖∇u‖ ≤ grad_tol·max(1, ‖p‖))."""
    reach = grad_tol * max(1.0, float(np.linalg.norm(p)))
    for kink, (u_fn, gu_fn) in zip(kink_arguments(expr), _compiled_kinks(expr, vars_), strict=True):
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
