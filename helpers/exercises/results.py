"""Comparisons of a student function's result with the expected one, built on ``compare``:
one value, or several results returned together (with "wrong order" recognised)."""

from __future__ import annotations

from typing import Any

from helpers.exercises.check import compare
from helpers.exercises.messages import kind_of
from helpers.exercises.spec import Compare


def value_compare(rtol: float = 1e-9, atol: float = 1e-12) -> Compare:
    """Compare one returned value (number, array, label or sympy object) with the expected."""

    def compare_value(returned: Any, expected: Any, args: tuple) -> str | None:
        return compare(returned, expected, rtol, atol)

    return compare_value


def parts_compare(names: tuple[str, ...], each: Compare) -> Compare:
    """Compare results returned together (``return a, b``) part by part."""
    together = ", ".join(names)

    def compare_parts(returned: Any, expected: Any, args: tuple) -> str | None:
        if not isinstance(returned, tuple | list) or len(returned) != len(names):
            return (f"expected {len(names)} results returned together (return {together}); "
                    f"your function returned {kind_of(returned)}")
        reasons = [each(r, e, args) for r, e in zip(returned, expected, strict=True)]
        if all(reason is None for reason in reasons):
            return None
        swapped = len(names) == 2 and each(returned[0], expected[1], args) is None
        if swapped and each(returned[1], expected[0], args) is None:
            return f"your results are in the wrong order: return {together}"
        first = next(i for i, reason in enumerate(reasons) if reason is not None)
        return f"{names[first]}: {reasons[first]}"

    return compare_parts
