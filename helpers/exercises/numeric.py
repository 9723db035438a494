"""Numeric answers: any reasonable form (list, tuple, numpy array, sympy Matrix or number,
int/float/Fraction) becomes a float array; mistakes get a specific message."""

from __future__ import annotations

from typing import Any

import numpy as np
import sympy as sp

from helpers.exercises.diagnose import diagnose
from helpers.exercises.messages import (
    ELLIPSIS_INSIDE,
    RAGGED,
    entries_wrong,
    kind_of,
    shape_words,
    symbols_text,
    type_problem,
)

NOT_FINITE = (
    "your answer contains NaN or infinity (not a number): was there a division by zero or "
    "an overflow on the way?"
)
OFF_BY_ONE = "off by one: check where the counting starts and whether the last one counts"
RECIPROCAL = "your answer is the reciprocal (1/x) of the right one: is a fraction upside down?"


def entry_problem(entry: Any, want: str, *, symbolic: bool = False) -> str | None:
    """Why one entry of an answer is not a number (or, if symbolic, an expression), or None."""
    if entry is Ellipsis:
        return ELLIPSIS_INSIDE
    if isinstance(entry, list | tuple | np.ndarray | sp.MatrixBase):
        return RAGGED
    if isinstance(entry, bool | np.bool_):
        return f"your answer holds True/False values; expected {want}"
    if isinstance(entry, sp.Basic) and (symbolic or entry.free_symbols):
        if symbolic:
            return None
        return (f"your answer still contains the symbol(s) {symbols_text(entry.free_symbols)}: "
                "substitute numbers first, e.g. with .subs({...})")
    problem = type_problem(entry, want)
    if problem:
        return problem
    try:
        complex(entry)
    except (TypeError, ValueError):
        return f"your answer holds {kind_of(entry)}, which is not a number; expected {want}"
    return None


def as_float_array(answer: Any, want: str) -> tuple[np.ndarray | None, str | None]:
    """The answer as a float array, or (None, a friendly reason why it cannot be one)."""
    problem = type_problem(answer, want)
    if problem or isinstance(answer, bool | np.bool_):
        return None, problem or f"your answer is True/False; expected {want}"
    if isinstance(answer, sp.MatrixBase):
        answer = answer.tolist()
    try:
        cells = np.array(answer, dtype=object)
    except ValueError:
        return None, RAGGED
    for entry in cells.ravel():
        problem = entry_problem(entry, want)
        if problem:
            return None, problem
    values = np.array([complex(e) for e in cells.ravel()], dtype=complex).reshape(cells.shape)
    if np.any(np.abs(values.imag) > 1e-12 * np.maximum(1.0, np.abs(values.real))):
        return None, f"your answer has complex numbers (with an imaginary part); expected {want}"
    return values.real.astype(float), None


def vector_like(shape: tuple[int, ...]) -> bool:
    """At most one axis longer than 1: a row, a column and a flat list are the same vector."""
    return sum(n > 1 for n in shape) <= 1


def align(got: np.ndarray, exp_shape: tuple[int, ...]) -> np.ndarray:
    """Reshape a vector given as a row, a column or a list to the expected vector's shape."""
    if got.shape != exp_shape and got.size == int(np.prod(exp_shape)):
        if vector_like(got.shape) and vector_like(exp_shape):
            return got.reshape(exp_shape)
    return got


def shape_message(got_shape: tuple[int, ...], exp_shape: tuple[int, ...]) -> str:
    """Wrong shape, said in words (a transposed shape is named as such)."""
    if len(exp_shape) == 2 and got_shape == exp_shape[::-1]:
        return (f"wrong shape: expected {shape_words(exp_shape)}, yours is "
                f"{shape_words(got_shape)} (rows and columns swapped?)")
    text = (f"wrong shape: expected {shape_words(exp_shape)}, "
            f"your answer is {shape_words(got_shape)}")
    if len(exp_shape) == 2 and int(np.prod(got_shape)) == int(np.prod(exp_shape)):
        text += " (the right number of entries: write the matrix as rows, [[a, b], [c, d]])"
    return text


def _scalar_message(got: float, exp: float, close: Any) -> str:
    """Why a single number is off: reciprocal, off by one, or just too large/small."""
    if exp != 0 and got != 0 and close(1.0 / got, exp):
        return RECIPROCAL
    if float(exp).is_integer() and abs(got - exp) == 1:
        return OFF_BY_ONE
    side = "too large" if got > exp else "too small"
    return f"not the right number yet: yours is {side}"


def float_array_like(answer: Any, shape: tuple[int, ...]) -> tuple[np.ndarray | None, str | None]:
    """The answer as finite floats of the given shape, or (None, the reason it is not)."""
    got, problem = as_float_array(answer, shape_words(shape))
    if got is None:
        return None, problem
    got = align(got, shape)
    if got.shape != shape:
        return None, shape_message(got.shape, shape)
    if not np.all(np.isfinite(got)):
        return None, NOT_FINITE
    return got, None


def compare_numeric(answer: Any, expected: Any, rtol: float, atol: float) -> str | None:
    """None when the answer equals the expected numbers within rtol/atol, else the reason."""
    exp, _ = as_float_array(expected, "a number")
    if exp is None:
        raise ValueError("the expected value of this exercise is not numeric")
    got, problem = float_array_like(answer, exp.shape)
    if got is None:
        return problem

    def close(a: Any, b: Any) -> bool:
        return bool(np.allclose(a, b, rtol=rtol, atol=atol))

    if close(got, exp):
        return None
    mistake = diagnose(got, exp, close, close)
    if mistake:
        return mistake
    if exp.size == 1:
        return _scalar_message(float(got.ravel()[0]), float(exp.ravel()[0]), close)
    wrong = int(np.sum(~np.isclose(got, exp, rtol=rtol, atol=atol)))
    return entries_wrong(wrong, exp.size)
