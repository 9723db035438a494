"""Common mistakes, recognised: sign flipped, transposed, right values in the wrong order,
off by a factor of 2. Works on numpy arrays and on sympy expressions and matrices alike:
the caller passes its own notion of "the same" (numbers within a tolerance, or expressions
whose difference simplifies to zero)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

SIGN_FLIPPED = (
    "the sign is flipped: your answer is minus the right one. Look for a missing or extra "
    "minus sign"
)
TRANSPOSED = (
    "your matrix is transposed: rows and columns are swapped (entry [i][j] belongs at [j][i])"
)
WRONG_ORDER = "the right values, but in the wrong order: check the order the exercise asks for"
ASCENDING = "the right values, but in the wrong order: list them from smallest to largest"
DESCENDING = "the right values, but in the wrong order: list them from largest to smallest"
WRONG_PLACES = "the right numbers, but some are in the wrong places"
TWICE = (
    "off by a factor of 2: your answer is twice the right one. Is a factor ½ missing, or is "
    "something counted twice?"
)
HALF = (
    "off by a factor of 2: your answer is half the right one. Is there an extra ½, or a "
    "missing 2 (the derivative of x² is 2x)?"
)

Same = Callable[[Any, Any], bool]


def is_matrix(value: Any) -> bool:
    """A genuine matrix: two axes, each longer than 1."""
    shape = tuple(getattr(value, "shape", ()))
    return len(shape) == 2 and min(shape) > 1


def entries(value: Any) -> list[Any]:
    """The entries of a number, vector or matrix, row by row."""
    if hasattr(value, "tolist") and not hasattr(value, "free_symbols"):
        return list(np.ravel(value))
    if hasattr(value, "shape"):  # a sympy matrix
        return list(value)
    return [value]


def is_permutation(got: list[Any], exp: list[Any], same: Same) -> bool:
    """``got`` holds exactly the entries of ``exp`` (some of them distinct) in another order."""
    if len(got) != len(exp) or len(exp) < 2 or all(same(e, exp[0]) for e in exp):
        return False
    unused = list(range(len(exp)))
    for value in got:
        match = next((i for i in unused if same(value, exp[i])), None)
        if match is None:
            return False
        unused.remove(match)
    return True


def _order_message(exp: Any) -> str:
    """Which order the expected vector uses, when it is sorted."""
    if is_matrix(exp):
        return WRONG_PLACES
    try:
        values = np.asarray(entries(exp), dtype=float)
    except (TypeError, ValueError):
        return WRONG_ORDER
    if np.all(np.diff(values) >= 0):
        return ASCENDING
    if np.all(np.diff(values) <= 0):
        return DESCENDING
    return WRONG_ORDER


def diagnose(got: Any, exp: Any, same: Same, same_entry: Same) -> str | None:
    """The name of a common mistake that turns ``exp`` into ``got``, or None.

    ``same`` compares whole answers, ``same_entry`` single entries; ``got`` has the shape of
    ``exp`` already.
    """
    nonzero = not same(exp, 0 * exp)
    if nonzero and same(got, -exp):
        return SIGN_FLIPPED
    if is_matrix(exp) and not same(exp, exp.T) and same(got, exp.T):
        return TRANSPOSED
    if is_permutation(entries(got), entries(exp), same_entry):
        return _order_message(exp)
    if nonzero and same(got, 2 * exp):
        return TWICE
    if nonzero and same(got, exp / 2):
        return HALF
    return None
