"""The words of the checkers: verdicts, what an answer is, what shape was expected.

Every message speaks to a first-year student and names what was expected *in kind*
(a 2×2 matrix, a list of 3 numbers, one of these labels), never the expected value.
"""

from __future__ import annotations

import types
from collections.abc import Iterator
from typing import Any

import numpy as np
import sympy as sp

CORRECT = "✓ Correct"
NOT_YET = "✗ Not yet"
NOT_ATTEMPTED = "… Not attempted"
NOT_DONE = "not done yet"

NONE_ANSWER = (
    "your answer is None (nothing): did a function forget its `return`, or did you write "
    "`answer = print(...)`? Put the value itself after `answer =`"
)
TEXT_ANSWER = "your answer is text (it is in quotes); write {want} without quotes"
FUNCTION_ANSWER = (
    "your answer is a function, not its result: call it with (...) and use what it returns"
)
ELLIPSIS_INSIDE = "part of your answer is still `...`: replace every `...` with a value"
RAGGED = (
    "the rows of your answer have different lengths: every row needs the same number of entries"
)


def verdict_line(verdict: str, name: str, text: str = "") -> str:
    """One printed line: ``✓ Correct — Exercise 2`` or ``✗ Not yet — Exercise 2: reason.``."""
    return f"{verdict} — {name}" + (f": {text}" if text else "")


def sentence(text: str) -> str:
    """End a reason with a full stop unless it already ends with ?, ! or a full stop."""
    return text if text.endswith((".", "?", "!")) else text + "."


def entries_wrong(wrong: int, total: int) -> str:
    """'1 of the 4 entries is not right yet'."""
    verb = "is" if wrong == 1 else "are"
    return f"{wrong} of the {total} entries {verb} not right yet"


def shape_words(shape: tuple[int, ...]) -> str:
    """A shape in words: a single number, a list of 3 numbers, a 2×2 matrix."""
    if len(shape) == 0 or shape == (1,):
        return "a single number"
    if len(shape) == 1:
        return f"a list of {shape[0]} numbers"
    if len(shape) == 2:
        return f"a {shape[0]}×{shape[1]} matrix"
    return f"an array of shape {shape}"


_SIMPLE_KINDS: tuple[tuple[Any, str], ...] = (
    (str, "text"),
    (bool | np.bool_, "True/False"),
    (types.ModuleType, "a module"),
    (type, "a type"),
    (dict, "a dictionary"),
    (set | frozenset, "a set"),
    (Iterator, "a generator (an iterator)"),
)


def kind_of(value: Any) -> str:
    """What a value is, in a student's words: "a function", "text", "True/False", ..."""
    if value is None or value is Ellipsis:
        return "None" if value is None else "`...`"
    for cls, words in _SIMPLE_KINDS:
        if isinstance(value, cls):
            return words
    if callable(value) and not hasattr(value, "shape"):
        return "a function"
    if isinstance(value, tuple | list):
        return f"a {type(value).__name__} of {len(value)} item{'s' * (len(value) != 1)}"
    shape = getattr(value, "shape", None)
    if isinstance(shape, tuple):
        return shape_words(tuple(int(n) for n in shape))
    if isinstance(value, int | float | complex | np.number):
        return "a single number"
    if isinstance(value, sp.Basic):
        return "a sympy expression" if value.free_symbols else "a single number"
    name = type(value).__name__
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def type_problem(value: Any, want: str) -> str | None:
    """A friendly reason when ``value`` cannot be the kind of answer wanted, else None."""
    if value is None:
        return NONE_ANSWER
    if isinstance(value, str):
        return TEXT_ANSWER.format(want=want)
    if isinstance(value, types.ModuleType | type):
        return f"your answer is {kind_of(value)}; expected {want}"
    if callable(value) and not hasattr(value, "shape"):
        return FUNCTION_ANSWER
    if isinstance(value, dict):
        return f"your answer is a dictionary; expected {want}"
    if isinstance(value, set | frozenset):
        return f"a set has no order; expected {want} (use a list [...] instead)"
    if isinstance(value, Iterator):
        return f"your answer is a generator; wrap it in list(...) to get {want}"
    return None


def symbols_text(symbols: Any) -> str:
    """Symbols as 'w1, w2' in a stable order."""
    return ", ".join(sorted(str(s) for s in symbols))
