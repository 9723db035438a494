"""Derivatives of formulas in real variables, their kinks, and their numpy versions.

``check_inputs`` is the one input check and ``compile_numeric`` the one sympy → numpy
converter of the course; ``kink_arguments`` is the one list of places where a formula may
not be smooth (abs, sign, Piecewise, Max/Min, sqrt(u), …).
"""

from __future__ import annotations

import functools
import itertools
import warnings
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
import sympy as sp

from helpers.symbolic.text import pretty
from helpers.symbolic.variables import match_variables


def check_inputs(f: Any, variables: Any) -> tuple[sp.Expr, tuple[sp.Symbol, ...]]:
    """Return (f, variables) as sympy objects or raise a ValueError a student understands.

    Variables are matched to f by name (see :mod:`helpers.symbolic.variables`): sympy symbols
    with the same name (plain or real), strings and the symbols parse_loss made all work.
    """
    return match_variables(_as_expression(f), variables)


def _as_expression(f: Any) -> sp.Expr:
    """f as a sympy expression (a string is refused: parse_loss is the way in for text)."""
    if isinstance(f, str):
        raise ValueError("f must be a sympy expression, not a string; use helpers.parse_loss(text)")
    try:
        expr = sp.sympify(f)
    except (sp.SympifyError, TypeError) as exc:
        raise ValueError(f"f must be a sympy expression, got {type(f).__name__}") from exc
    if not isinstance(expr, sp.Expr):
        raise ValueError(f"f must be a sympy expression, got {type(f).__name__}")
    return expr


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
    grad, hess = _first_and_second(expr.xreplace(fwd) if fwd else expr,
                                   [fwd.get(v, v) for v in vars_])
    if back:
        grad = [g.xreplace(back) for g in grad]
        hess = [[h.xreplace(back) for h in row] for row in hess]
    return grad, hess


def _first_and_second(expr: sp.Expr, vars_: list[sp.Symbol]) -> tuple[list, list[list]]:
    """Gradient entries and Hessian rows of expr, or a ValueError if sympy cannot do them."""
    grad = [sp.diff(expr, v) for v in vars_]
    hess = [[sp.diff(g, v) for v in vars_] for g in grad]
    if any(h.has(sp.Derivative) for row in hess for h in row):
        raise ValueError("sympy cannot differentiate f (an unevaluated derivative remains, e.g. "
                         "of floor or ceiling): its gradient and Hessian are not available")
    return grad, hess


def _has_kink_functions(expr: sp.Expr) -> bool:
    """True when expr has abs, sign, Piecewise, Max/Min, …: differentiate in real variables."""
    return expr.has(*KINK_FUNCS, sp.Piecewise, sp.Max, sp.Min)


def gradient(f: Any, variables: Sequence[sp.Symbol]) -> sp.Matrix:
    """Column vector of first partial derivatives of ``f`` (variables are real)."""
    expr, vars_ = check_inputs(f, variables)
    if not _has_kink_functions(expr):
        return sp.Matrix([sp.diff(expr, v) for v in vars_])
    return sp.Matrix(derivatives(expr, vars_)[0])


def hessian(f: Any, variables: Sequence[sp.Symbol]) -> sp.Matrix:
    """Symmetric matrix of second partial derivatives of ``f`` (variables are real)."""
    expr, vars_ = check_inputs(f, variables)
    if not _has_kink_functions(expr):
        return sp.hessian(expr, vars_)
    return sp.Matrix(derivatives(expr, vars_)[1])


def without_dirac(m: sp.Matrix) -> sp.Matrix:
    """Drop DiracDelta terms: they are 0 everywhere except on the kink (checked separately)."""
    return m.replace(sp.DiracDelta, lambda *args: sp.S.Zero) if m.has(sp.DiracDelta) else m


def real_values(v: Any) -> np.ndarray:
    """Numbers as floats; a value with a nonzero imaginary part is NaN (f is not real there)."""
    arr = np.asarray(v)
    if np.iscomplexobj(arr):
        arr = np.where(arr.imag == 0, arr.real, np.nan)
    return np.asarray(arr, dtype=float)


def _broadcast(values: Sequence[Any], shape: tuple[int, ...]) -> np.ndarray:
    return np.array([np.broadcast_to(real_values(v), shape) for v in values])


def _np_dirac(u: Any, *_: Any) -> Any:
    """DiracDelta for numpy: 0 off its support, NaN (does not exist) where u = 0."""
    u = np.asarray(u, dtype=float)
    return np.where(u == 0, np.nan, 0.0)


_NUMPY_MODULES = [{"DiracDelta": _np_dirac}, "numpy"]


class Kink(NamedTuple):
    """Where f may fail to be twice differentiable: on {arg = 0}, because of ``source``."""

    arg: sp.Expr  # u: the kink is the zero set u = 0
    label: str  # how reasons name it, e.g. "abs(x)"
    source: sp.Expr  # the sub-expression of f that has the kink, e.g. Abs(x)


@functools.lru_cache(maxsize=64)
def kink_arguments(expr: sp.Expr) -> tuple[Kink, ...]:
    """The kinks of expr: expressions u whose zero set is where f may not be smooth.

    The argument of abs, sign, Heaviside, DiracDelta, floor, ceiling; both sides of every
    condition of a Piecewise; pairwise differences of Max/Min arguments; the base of a
    non-integer power (sqrt(u), u^(1/3), …: infinite derivatives at u = 0). Constant u are
    left out and each u is listed once (the first place that has it names it).
    """
    uniq: list[Kink] = []
    for node in sp.preorder_traversal(expr):
        for kink in _kinks_of(node):
            if kink.arg.free_symbols and all(kink.arg != k.arg for k in uniq):
                uniq.append(kink)
    return tuple(uniq)


def _kinks_of(node: sp.Basic) -> list[Kink]:
    """The kinks one node of an expression tree brings (its children are not looked at)."""
    if isinstance(node, KINK_FUNCS):
        name = "abs" if isinstance(node, sp.Abs) else type(node).__name__
        return [Kink(node.args[0], f"{name}({pretty(node.args[0])})", node)]
    if isinstance(node, (sp.Max, sp.Min)):
        return [Kink(u - v, f"{type(node).__name__}(…)", node)
                for u, v in itertools.combinations(node.args, 2)]
    if isinstance(node, sp.Piecewise):
        return _piecewise_kinks(node)
    if isinstance(node, sp.Pow) and node.exp.is_integer is not True:
        return [Kink(node.base, pretty(node), node)]
    return []


def _piecewise_kinks(node: sp.Piecewise) -> list[Kink]:
    """Both sides of every relation in the conditions of a Piecewise."""
    return [Kink(r.lhs - r.rhs, "a piecewise formula", node)
            for _, cond in node.args if isinstance(cond, sp.Basic) for r in cond.atoms(sp.Rel)]


@functools.lru_cache(maxsize=64)
def compile_value(expr: sp.Expr, vars_: tuple[sp.Symbol, ...]):
    """numpy function of f alone (no derivatives): one value per point of x (shape (n, ...))."""
    f_l = sp.lambdify(vars_, expr, _NUMPY_MODULES)

    def value(x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        return np.broadcast_to(real_values(f_l(*x)), x.shape[1:]).copy()

    return value


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
        return np.broadcast_to(real_values(f_l(*x)), x.shape[1:]).copy()

    def grad_fn(x: np.ndarray) -> np.ndarray:  # x: (n, ...) -> (n, ...)
        return _broadcast(g_l(*x), x.shape[1:])

    def hess_fn(x: np.ndarray) -> np.ndarray:  # x: (n, ...) -> (n, n, ...)
        return _broadcast(h_l(*x), x.shape[1:]).reshape((n, n) + x.shape[1:])

    return value, grad_fn, hess_fn


@functools.lru_cache(maxsize=64)
def _compiled_kinks(expr: sp.Expr, vars_: tuple[sp.Symbol, ...]) -> list:
    """numpy (u, ∇u) for every kink argument u of expr."""
    return [(sp.lambdify(vars_, kink.arg, _NUMPY_MODULES),
             sp.lambdify(vars_, derivatives(kink.arg, vars_)[0], _NUMPY_MODULES))
            for kink in kink_arguments(expr)]


def kink_at(expr: sp.Expr, vars_: tuple[sp.Symbol, ...], p: np.ndarray,
            grad_tol: float) -> Kink | None:
    """The kink with the float point p on {u = 0} (|u|/‖∇u‖ ≤ grad_tol·max(1, ‖p‖)), if any."""
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
