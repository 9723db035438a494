"""What an analysis does when exact work cannot finish in time: a preflight and differences.

* ``exact_affordable`` — a cheap look before exact work at an exact point: sympy writes
  every integer power out in full (9^(9^9) has 370 million digits, computed in C, where no
  time bound reaches), so a point where a power of the formula is astronomically large or
  small is analysed with floats instead.
* ``difference_derivatives`` — gradient and Hessian by central differences of the
  lambdified formula, the last resort when even the symbolic derivatives take too long.
* ``numeric_within`` — compile_numeric within a time bound, else the same three functions
  with differences (checked against the exact ones where both exist, in the tests).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np
import sympy as sp

from helpers.deadline import run_within
from helpers.symbolic.calculus import compile_numeric, compile_value

MAX_EXACT_DIGITS = 1000  # an exact power at the point may have at most this many digits
TOO_LONG = "the exact analysis took too long"


def exact_affordable(expr: sp.Expr, vars_: tuple[sp.Symbol, ...], p: Sequence[sp.Expr]) -> bool:
    """False when a power in expr has more than MAX_EXACT_DIGITS digits at the exact point p."""
    subs = dict(zip(vars_, p, strict=True))
    for node in expr.atoms(sp.Pow):
        if not node.free_symbols:
            continue
        try:
            value = complex(node.evalf(15, subs=subs))
        except (TypeError, ValueError, ArithmeticError):
            continue  # undefined or not a number there: the exact analysis says so itself
        except Exception:  # noqa: BLE001 - evalf may fail on exotic input: stay on floats
            return False
        size = abs(value)
        if math.isinf(size) or (size and abs(math.log10(size)) > MAX_EXACT_DIGITS):
            return False
        if math.isnan(size):
            return False
    return True


def _steps(p: np.ndarray, rel: float) -> np.ndarray:
    """Difference steps scaled to the coordinates."""
    return rel * np.maximum(1.0, np.abs(p))


def difference_derivatives(expr: sp.Expr, vars_: tuple[sp.Symbol, ...],
                           p: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """(f(p), gradient, Hessian) by central differences of the lambdified f (floats)."""
    f_l = sp.lambdify(vars_, expr, "numpy")
    n = len(vars_)

    def f(q: np.ndarray) -> float:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return float(np.real_if_close(complex(f_l(*q))).real)

    fp = f(p)
    hg, hh = _steps(p, 1e-6), _steps(p, 1e-4)
    eye = np.eye(n)
    g = np.array([(f(p + hg[i] * eye[i]) - f(p - hg[i] * eye[i])) / (2 * hg[i])
                  for i in range(n)])
    H = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            di, dj = hh[i] * eye[i], hh[j] * eye[j]
            H[i, j] = (f(p + di + dj) - f(p + di - dj) - f(p - di + dj)
                       + f(p - di - dj)) / (4 * hh[i] * hh[j])
    return fp, g, (H + H.T) / 2


def numeric_within(expr: sp.Expr, vars_: tuple[sp.Symbol, ...], seconds: float):
    """(value, grad_fn, hess_fn, exact): compile_numeric's functions, or differences.

    When the symbolic derivatives do not finish within ``seconds``, the gradient and Hessian
    come from central differences of the lambdified f (``exact`` False). A formula that
    cannot even be turned into a numpy function in time raises a ValueError.
    """
    funcs, timed_out = run_within(seconds, compile_numeric, expr, vars_)
    if not timed_out:
        return (*funcs, True)
    return (*_difference_functions(value_within(expr, vars_, max(seconds, 0.5)), len(vars_)),
            False)


def value_within(expr: sp.Expr, vars_: tuple[sp.Symbol, ...], seconds: float):
    """compile_value's function of f, or a ValueError when making it takes over ``seconds``."""
    value, timed_out = run_within(seconds, compile_value, expr, vars_)
    if timed_out:
        raise ValueError(f"the formula is too large to evaluate: turning it into a numeric "
                         f"function took more than {seconds:g} s")
    return value


def _difference_functions(f_value, n: int):
    """value, gradient and Hessian functions (x of shape (n, ...)) by central differences."""

    def value(x: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return f_value(np.asarray(x, dtype=float))

    def grad_fn(x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        h = 1e-6 * np.maximum(1.0, np.abs(x))
        eye = np.eye(n).reshape((n, n) + (1,) * (x.ndim - 1))
        return np.array([(value(x + h[i] * eye[i]) - value(x - h[i] * eye[i])) / (2 * h[i])
                         for i in range(n)])

    def hess_fn(x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        h = 1e-4 * np.maximum(1.0, np.abs(x))
        eye = np.eye(n).reshape((n, n) + (1,) * (x.ndim - 1))
        step = [h[i] * eye[i] for i in range(n)]
        H = np.array([[(value(x + step[i] + step[j]) - value(x + step[i] - step[j])
                        - value(x - step[i] + step[j]) + value(x - step[i] - step[j]))
                       / (4 * h[i] * h[j]) for j in range(n)] for i in range(n)])
        return (H + np.swapaxes(H, 0, 1)) / 2

    return value, grad_fn, hess_fn
