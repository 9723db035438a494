"""Self-checking exercises: ``check(answer, expected)`` prints a verdict and never raises."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

import numpy as np
import sympy as sp

from helpers.exercises.feedback_zh import hint_text, say
from helpers.exercises.labels import compare_label
from helpers.exercises.messages import (
    CORRECT,
    NONE_ANSWER,
    NOT_ATTEMPTED,
    NOT_YET,
    kind_of,
    sentence,
    verdict_line,
)
from helpers.exercises.numeric import compare_numeric
from helpers.exercises.symbolic import compare_symbolic

_YES = {"true", "yes", "y", "1", "是", "对"}
_NO = {"false", "no", "n", "0", "否", "不"}


def _compare_bool(answer: Any, expected: bool) -> str | None:
    """True/False answers; "yes"/"no" text is accepted too."""
    if answer is None:
        return NONE_ANSWER
    if isinstance(answer, str) and answer.strip().lower() in _YES | _NO:
        answer = answer.strip().lower() in _YES
    if not isinstance(answer, bool | np.bool_):
        return f"expected True or False; your answer is {kind_of(answer)}"
    return None if bool(answer) == bool(expected) else "that is not right (True or False?)"


def _compare_labels(answer: Any, expected: list[str] | tuple[str, ...]) -> str | None:
    """A list of labels, compared one by one."""
    if not isinstance(answer, list | tuple) or len(answer) != len(expected):
        return f"expected a list of {len(expected)} labels; your answer is {kind_of(answer)}"
    for i, (got, exp) in enumerate(zip(answer, expected, strict=True)):
        reason = compare_label(got, exp)
        if reason:
            return f"item {i} (counting from 0): {reason}"
    return None


def _symbolic(expected: Any) -> bool:
    """An expected sympy value that still has symbols (constants are compared as numbers)."""
    return isinstance(expected, sp.Basic | sp.MatrixBase) and bool(expected.free_symbols)


def _as_matrix(expected: Any) -> Any:
    """A list or array of expressions with symbols becomes a sympy Matrix."""
    if isinstance(expected, list | tuple | np.ndarray):
        cells = np.array(expected, dtype=object).ravel()
        if any(_symbolic(cell) for cell in cells):
            return sp.Matrix(np.array(expected, dtype=object).tolist())
    return expected


def compare(answer: Any, expected: Any, rtol: float = 1e-6, atol: float = 1e-9) -> str | None:
    """None when ``answer`` is a correct form of ``expected``, else a reason for a student."""
    if isinstance(expected, str):
        return compare_label(answer, expected)
    if isinstance(expected, bool | np.bool_):
        return _compare_bool(answer, bool(expected))
    if isinstance(expected, list | tuple) and expected \
            and all(isinstance(e, str) for e in expected):
        return _compare_labels(answer, expected)
    expected = _as_matrix(expected)
    if _symbolic(expected):
        return compare_symbolic(answer, expected, rtol, atol)
    if isinstance(expected, Fraction):
        expected = float(expected)
    return compare_numeric(answer, expected, rtol, atol)


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
        say(f"{NOT_ATTEMPTED} — {name}: replace ... with your answer and run the cell again.")
        return
    try:
        if test is not None:
            reason = None if test(answer) else "it does not pass the check"
        else:
            reason = compare(answer, expected, rtol, atol)
    except Exception as exc:  # a student's answer must never raise here
        reason = f"could not check it ({type(exc).__name__}: {exc})"
    if reason is None:
        say(verdict_line(CORRECT, name))
    else:
        hint = hint_text(hint)
        say(verdict_line(NOT_YET, name, sentence(reason) + (f" Hint: {hint}" if hint else "")))
