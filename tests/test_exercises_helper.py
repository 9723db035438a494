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
