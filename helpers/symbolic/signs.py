"""Exact signs: of a number, of the eigenvalues of a matrix, of a function everywhere."""

from __future__ import annotations

import contextlib
import itertools

import sympy as sp

from helpers.spectrum import Inertia


def exact_sign(x: sp.Expr) -> int | None:
    """Exact sign of a real sympy number: -1, 0, 1, or None when sympy cannot decide."""
    try:
        return _sign_or_raise(sp.sympify(x))
    except Exception:  # noqa: BLE001 - nan, zoo, DiracDelta(0), undecidable relations
        return None


def _sign_or_raise(x: sp.Expr) -> int | None:
    """The sign from sympy's assumptions, then after simplify, then from 60 digits."""
    if x.has(sp.nan, sp.zoo, sp.oo, -sp.oo, sp.DiracDelta):
        return None
    x = sp.nsimplify(x) if x.has(sp.Float) else x
    sign = _assumed_sign(x)
    if sign is not None:
        return sign
    s = sp.simplify(x)
    sign = _assumed_sign(s)
    if sign is not None:
        return sign
    if s.equals(0):
        return 0
    v = sp.N(s, 60)
    if v.is_number and v.is_real and abs(v) > sp.Float("1e-40"):
        return 1 if v > 0 else -1
    return None


def _assumed_sign(x: sp.Expr) -> int | None:
    """-1, 0 or 1 when sympy's assumptions know the sign of x, else None."""
    if x.is_zero:
        return 0
    if x.is_positive:
        return 1
    if x.is_negative:
        return -1
    return None


def finite_number(v: sp.Expr) -> bool:
    """True for a finite real sympy number (not nan, zoo, ±oo or a non-real number)."""
    return bool(v.is_number) and not v.has(sp.nan, sp.zoo, sp.oo, -sp.oo) and v.is_real is not False


def exact_inertia(H: sp.Matrix) -> Inertia | None:
    """(negative, zero, positive) eigenvalue counts of a symmetric exact matrix.

    Uses the characteristic polynomial: its roots are all real, so Descartes' rule of signs
    counts the positive roots exactly, and the same rule on p(-x) counts the negative ones.
    """
    coeffs = H.charpoly().all_coeffs()  # highest degree first
    signs = [exact_sign(c) for c in coeffs]
    if any(s is None for s in signs):
        return None
    n = len(coeffs) - 1
    zero = 0
    while zero < n and signs[n - zero] == 0:
        zero += 1
    pos = _sign_changes(signs)
    neg = _sign_changes([s * (-1) ** (n - i) for i, s in enumerate(signs)])
    if pos + neg + zero != n:  # cannot happen for a symmetric matrix; be safe
        return None
    return Inertia(neg, zero, pos)


def _sign_changes(signs: list[int]) -> int:
    """Descartes' count: sign changes between consecutive nonzero coefficients."""
    nonzero = [s for s in signs if s != 0]
    return sum(1 for a, b in itertools.pairwise(nonzero) if a != b)


def prove_sign(expr: sp.Expr, vars_: tuple[sp.Symbol, ...]) -> int:
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


def safe_factor(e: sp.Expr) -> sp.Expr:
    """sympy.factor when it works quickly, else e itself."""
    if sp.count_ops(e) > 400:
        return e
    try:
        return sp.factor(e)
    except Exception:  # noqa: BLE001 - factor fails on Piecewise and friends
        return e
