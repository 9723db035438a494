"""Points: exact or float coordinates, and the simple rational point near a float one."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp

from helpers.symbolic.calculus import gradient
from helpers.symbolic.text import fmt_num


def is_exact_number(c: Any) -> bool:
    """True for an int, a Fraction or a real sympy number without floats (1, 1/2, sqrt(2))."""
    if isinstance(c, (bool, np.bool_)):
        return False
    if isinstance(c, (int, np.integer, Fraction)):
        return True
    if isinstance(c, sp.Basic):
        return bool(c.is_number) and not c.has(sp.Float) and c.is_real is not False
    return False


def as_point(point: Any, n: int) -> tuple[list[Any] | None, np.ndarray]:
    """Return (exact coordinates or None, float coordinates) of a point with n coordinates."""
    if isinstance(point, sp.MatrixBase):
        point = list(point)
    try:
        coords = list(np.ravel(np.asarray(point, dtype=object)))
    except (TypeError, ValueError) as exc:
        raise ValueError("point must be a sequence of numbers, one per variable") from exc
    if len(coords) != n:
        raise ValueError(f"point has {len(coords)} coordinates but there are {n} variables")
    exact = [_as_sympy(c) for c in coords] if all(is_exact_number(c) for c in coords) else None
    return exact, _as_floats(coords)


def _as_sympy(c: Any) -> sp.Expr:
    """An exact coordinate as a sympy number."""
    if isinstance(c, Fraction):
        return sp.Rational(c.numerator, c.denominator)
    return sp.sympify(int(c) if isinstance(c, np.integer) else c)


def _as_floats(coords: list[Any]) -> np.ndarray:
    """Coordinates as finite floats, or a ValueError."""
    try:
        num = np.array([float(sp.N(c)) if isinstance(c, sp.Basic) else float(c) for c in coords])
    except (TypeError, ValueError) as exc:
        raise ValueError("point must contain real numbers only") from exc
    if not np.all(np.isfinite(num)):
        raise ValueError("point must contain finite numbers")
    return num


def undefined_error(vars_: tuple[sp.Symbol, ...], num_p: np.ndarray) -> ValueError:
    """The error for a point where f has no finite real value."""
    names = ", ".join(map(str, vars_))
    pt = ", ".join(fmt_num(c) for c in num_p)
    return ValueError(f"f is not defined at ({names}) = ({pt}): its value is not a finite real "
                      "number there (e.g. log(0), 1/0, sqrt of a negative number, or a "
                      "number too large for the computer's floating point, such as 9^(9^9))")


def rational_near(p: np.ndarray, max_den: int = 1000) -> list[sp.Rational] | None:
    """The point with denominators ≤ max_den within 1e-9·max(1, max|p|) of p, if there is one."""
    q = [Fraction(float(c)).limit_denominator(max_den) for c in p]
    if np.max(np.abs(np.array([float(c) for c in q]) - p)) > 1e-9 * max(1.0, np.max(np.abs(p))):
        return None
    return [sp.Rational(c.numerator, c.denominator) for c in q]


def snap_rational(expr: sp.Expr, vars_: tuple[sp.Symbol, ...],
                  p: np.ndarray) -> list[sp.Rational] | None:
    """The simple rational point near p (see rational_near), if it is exactly critical."""
    exact = rational_near(p)
    if exact is None:
        return None
    g = gradient(expr, vars_).xreplace(dict(zip(vars_, exact, strict=True)))
    if all(sp.simplify(c) == 0 for c in g):
        return exact
    return None
