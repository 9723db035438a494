"""Self-checking exercises: ``check(answer, expected)`` prints a verdict and never raises."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import sympy as sp

CORRECT = "✓ Correct"
NOT_YET = "✗ Not yet"
NOT_ATTEMPTED = "… Not attempted"


def _compare_text(answer: Any, expected: str) -> str | None:
    """Labels match ignoring case and surrounding spaces."""
    if not isinstance(answer, str):
        return f"expected text such as {expected!r}, got {type(answer).__name__}"
    same = answer.strip().lower() == expected.strip().lower()
    return None if same else "that is not the right label"


def _compare_symbolic(answer: Any, expected: sp.Basic | sp.MatrixBase) -> str | None:
    """Expressions (or matrices) match when their difference simplifies to zero."""
    try:
        got = sp.sympify(answer)
    except (sp.SympifyError, TypeError, ValueError):
        return f"expected a sympy expression, got {type(answer).__name__}"
    if isinstance(expected, sp.MatrixBase):
        if not isinstance(got, sp.MatrixBase) or got.shape != expected.shape:
            return f"expected a {expected.shape[0]}×{expected.shape[1]} matrix"
        diff = (got - expected).applyfunc(sp.simplify)
        return None if diff.is_zero_matrix else "some entries differ"
    return None if sp.simplify(got - expected) == 0 else "the expressions differ"


def _compare_numeric(answer: Any, expected: Any, rtol: float, atol: float) -> str | None:
    """Numbers or arrays match in shape and within rtol/atol (np.allclose)."""
    try:
        got_arr = np.asarray(answer, dtype=float)
        exp_arr = np.asarray(expected, dtype=float)
    except (TypeError, ValueError):
        return f"expected a number or an array, got {type(answer).__name__}"
    if got_arr.shape != exp_arr.shape:
        return f"expected shape {exp_arr.shape}, got {got_arr.shape}"
    if not np.all(np.isfinite(got_arr)):
        return "your answer contains NaN or infinity"
    return None if np.allclose(got_arr, exp_arr, rtol=rtol, atol=atol) else "the numbers differ"


def _compare(answer: Any, expected: Any, rtol: float, atol: float) -> str | None:
    """Return None when answer matches expected, else a short reason."""
    if isinstance(expected, str):
        return _compare_text(answer, expected)
    if isinstance(expected, bool):
        return None if answer is expected or answer == expected else "that is not right"
    if isinstance(expected, (sp.Basic, sp.MatrixBase)):
        return _compare_symbolic(answer, expected)
    return _compare_numeric(answer, expected, rtol, atol)


def check(
    answer: Any,
    expected: Any = None,
    *,
    name: str = "Exercise",
    hint: str = "",
    rtol: float = 1e-6,
    atol: float = 1e-9,
    test: Callable[[Any], bool] | None = None,
) -> None:
    """Print whether ``answer`` matches ``expected`` or passes ``test``; ``...``: not attempted."""
    if answer is Ellipsis:
        print(f"{NOT_ATTEMPTED} — {name}: replace ... with your answer and run the cell again.")
        return
    try:
        if test is not None:
            reason = None if test(answer) else "it does not pass the check"
        else:
            reason = _compare(answer, expected, rtol, atol)
    except Exception as exc:  # a student's answer must never raise here
        reason = f"could not check it ({type(exc).__name__}: {exc})"
    if reason is None:
        print(f"{CORRECT} — {name}")
    else:
        print(f"{NOT_YET} — {name}: {reason}." + (f" Hint: {hint}" if hint else ""))
