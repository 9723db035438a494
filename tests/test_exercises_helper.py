"""The exercise checker: never raises, says "not attempted" for ..., accepts right answers."""

import numpy as np
import pytest
import sympy as sp

from helpers.exercises import CORRECT, NOT_ATTEMPTED, NOT_YET, check

x, y = sp.symbols("x y")


@pytest.mark.parametrize(
    ("answer", "expected", "verdict"),
    [
        (..., 1.0, NOT_ATTEMPTED),
        (2.0, 2.0, CORRECT),
        (2.1, 2.0, NOT_YET),
        ([1, 2], np.array([1.0, 2.0]), CORRECT),
        ([1, 2, 3], np.array([1.0, 2.0]), NOT_YET),
        ("Saddle Point ", "saddle point", CORRECT),
        ("minimum", "saddle point", NOT_YET),
        (3, "saddle point", NOT_YET),
        (2 * x * y, sp.expand(x * y * 2), CORRECT),
        (sp.Matrix([[2, 0], [0, 2]]), sp.diag(2, 2), CORRECT),
        ("not a matrix", sp.diag(2, 2), NOT_YET),
        ([float("nan")], [1.0], NOT_YET),
        (object(), 1.0, NOT_YET),
        (True, True, CORRECT),
    ],
)
def test_verdicts(capsys, answer, expected, verdict):
    check(answer, expected, name="t")
    assert capsys.readouterr().out.startswith(verdict)


def test_custom_test_that_raises_is_reported_not_raised(capsys):
    check(1, test=lambda a: 1 / 0, name="t")
    out = capsys.readouterr().out
    assert out.startswith(NOT_YET) and "ZeroDivisionError" in out


@pytest.mark.parametrize(
    ("answer", "expected", "reason"),
    [
        (3, "saddle point", "expected text such as 'saddle point', got int"),
        ("minimum", "saddle point", "that is not the right label"),
        (False, True, "that is not right"),
        (sp.Matrix([1, 2]), sp.diag(2, 2), "expected a 2×2 matrix"),
        (sp.diag(2, 3), sp.diag(2, 2), "some entries differ"),
        (x + 1, x, "the expressions differ"),
        ([1, 2, 3], [1.0, 2.0], "expected shape (2,), got (3,)"),
        ([float("inf")], [1.0], "your answer contains NaN or infinity"),
        (1.5, 1.0, "the numbers differ"),
        (object(), 1.0, "expected a number or an array, got object"),
    ],
)
def test_reasons(capsys, answer, expected, reason):
    check(answer, expected, name="t", hint="look again")
    assert capsys.readouterr().out == f"{NOT_YET} — t: {reason}. Hint: look again\n"
