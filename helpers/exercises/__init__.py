"""Exercises that check themselves.

- ``check(answer, expected, name=..., hint=...)``: one answer, in any reasonable form, with a
  specific message for common mistakes (sign, transpose, order, factor 2, shape, type).
- ``check_function(student_fn, exercise=...)``: a function the student writes, run on
  several cases (``exercise_stub``/``exercise_solution`` give the texts to paste).
- ``answer_key``: opens an answer key sealed in the student edition (``tools/editions.py``).
"""

from __future__ import annotations

from helpers.exercises.catalogue import (
    FUNCTION_EXERCISES,
    exercise_solution,
    exercise_stub,
    get_exercise,
)
from helpers.exercises.check import check, compare
from helpers.exercises.functions import check_function
from helpers.exercises.messages import CORRECT, NOT_ATTEMPTED, NOT_DONE, NOT_YET
from helpers.exercises.sealing import answer_key, seal

__all__ = [
    "CORRECT",
    "FUNCTION_EXERCISES",
    "NOT_ATTEMPTED",
    "NOT_DONE",
    "NOT_YET",
    "answer_key",
    "check",
    "check_function",
    "compare",
    "exercise_solution",
    "exercise_stub",
    "get_exercise",
    "seal",
]
