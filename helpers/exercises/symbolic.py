"""Symbolic answers: sympy expressions and matrices (given as a Matrix, a nested list or a
numpy array) compared by simplifying their difference; mistakes get a specific message."""

from __future__ import annotations

from typing import Any

import numpy as np
import sympy as sp

from helpers.exercises.diagnose import diagnose, entries
from helpers.exercises.messages import (
    RAGGED,
    entries_wrong,
    shape_words,
    symbols_text,
    type_problem,
)
from helpers.exercises.numeric import entry_problem, shape_message, vector_like

# fixed probe points for a numeric second opinion when simplify cannot decide
_PROBES = (0.37, 1.21, -0.83, 0.55, -1.4, 0.91)


def _numerically_zero(diff: sp.Expr, ref: sp.Expr, rtol: float, atol: float) -> bool:
    """|diff| ≤ atol + rtol·|ref| at three fixed points of its symbols."""
    symbols = sorted(diff.free_symbols | ref.free_symbols, key=str)
    for k in range(3):
        point = {s: _PROBES[(i + 2 * k) % len(_PROBES)] for i, s in enumerate(symbols)}
        try:
            d = complex(diff.evalf(subs=point))
            r = complex(ref.evalf(subs=point))
        except (TypeError, ValueError):
            return False
        if not abs(d) <= atol + rtol * abs(r):
            return False
    return True


def same_expr(a: Any, b: Any, rtol: float = 1e-9, atol: float = 1e-12) -> bool:
    """Two expressions are equal: their difference simplifies to zero (or is ~0 numerically)."""
    try:
        a, b = sp.sympify(a), sp.sympify(b)
        diff = sp.simplify(a - b)
    except (sp.SympifyError, TypeError, ValueError):
        return False
    if diff == 0:
        return True
    return _numerically_zero(diff, b, rtol, atol)


def same_value(a: Any, b: Any, rtol: float = 1e-9, atol: float = 1e-12) -> bool:
    """Expressions, or matrices of the same shape, equal entry by entry."""
    if isinstance(a, sp.MatrixBase) or isinstance(b, sp.MatrixBase):
        if getattr(a, "shape", None) != getattr(b, "shape", None):
            return False
        return all(same_expr(x, y, rtol, atol) for x, y in zip(a, b, strict=True))
    return same_expr(a, b, rtol, atol)


def _want(expected: Any) -> str:
    names = symbols_text(expected.free_symbols)
    if isinstance(expected, sp.MatrixBase):
        shape = shape_words(expected.shape).replace("numbers", "entries")
        return f"{shape} of expressions in {names}"
    return f"an expression in {names}"


def _as_sympy(answer: Any, expected: Any, want: str) -> tuple[Any, str | None]:
    """The answer as a sympy expression or Matrix shaped like ``expected``, or a reason."""
    problem = type_problem(answer, want)
    if problem:
        return None, problem
    is_array = isinstance(answer, list | tuple | np.ndarray | sp.MatrixBase)
    cells = np.array(answer.tolist() if isinstance(answer, sp.MatrixBase) else answer,
                     dtype=object) if is_array else np.array([answer], dtype=object)
    for entry in cells.ravel():
        problem = entry_problem(entry, want, symbolic=True)
        if problem:
            return None, problem
    if isinstance(expected, sp.MatrixBase):
        if not is_array:
            return None, f"wrong shape: expected {want}, your answer is a single expression"
        return sp.Matrix(cells.tolist() if cells.ndim else [cells.item()]), None
    if is_array and cells.size != 1:
        return None, f"wrong shape: expected {want}, your answer has {cells.size} entries"
    return sp.sympify(cells.ravel()[0]), None


def _same_symbols(got: Any, expected: Any) -> tuple[Any, str | None]:
    """Symbols matched by name (assumptions aside); a reason if the answer has foreign ones."""
    by_name = {str(s): s for s in expected.free_symbols}
    foreign = {s for s in got.free_symbols if str(s) not in by_name}
    if foreign:
        return got, (f"your answer uses the symbol(s) {symbols_text(foreign)}; the answer is "
                     f"an expression in {symbols_text(expected.free_symbols)}")
    return got.xreplace({s: by_name[str(s)] for s in got.free_symbols}), None


def compare_symbolic(answer: Any, expected: Any, rtol: float, atol: float) -> str | None:
    """None when the answer equals the expected expression or matrix, else the reason."""
    want = _want(expected)
    try:
        got, problem = _as_sympy(answer, expected, want)
    except (ValueError, TypeError, sp.SympifyError):
        return RAGGED if isinstance(answer, list | tuple) else f"expected {want}"
    if problem:
        return problem
    if isinstance(expected, sp.MatrixBase):
        if got.shape != expected.shape and vector_like(got.shape) and vector_like(expected.shape):
            got = got.reshape(*expected.shape) if len(got) == len(expected) else got
        if got.shape != expected.shape:
            return shape_message(got.shape, expected.shape)
    elif not got.free_symbols:
        return f"expected {want}; your answer is a plain number (keep the symbols)"
    got, problem = _same_symbols(got, expected)
    if problem:
        return problem

    def same(a: Any, b: Any) -> bool:
        return same_value(a, b, rtol, atol)

    if same(got, expected):
        return None
    mistake = diagnose(got, expected, same, same)
    if mistake or not isinstance(expected, sp.MatrixBase):
        return mistake or "not the right expression yet"
    wrong = sum(not same(x, y) for x, y in zip(entries(got), entries(expected), strict=True))
    return entries_wrong(wrong, len(expected))
