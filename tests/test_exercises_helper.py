"""The exercise checker `check`: never raises, says "not attempted" for ..., accepts every
reasonable form of a right answer, and names common mistakes with a specific message."""

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from helpers.exercises import CORRECT, NOT_ATTEMPTED, NOT_YET, check, compare
from helpers.exercises.diagnose import (
    ASCENDING,
    DESCENDING,
    HALF,
    SIGN_FLIPPED,
    TRANSPOSED,
    TWICE,
    WRONG_ORDER,
    WRONG_PLACES,
)
from helpers.exercises.labels import KINDS, canonical_label
from helpers.exercises.messages import NONE_ANSWER
from helpers.exercises.numeric import NOT_FINITE, OFF_BY_ONE, RECIPROCAL

x, y, w1, w2 = sp.symbols("x y w1 w2")
HESS = sp.Matrix([[802, -400], [-400, 200]])  # notebook 02, Exercise 2 (a constant Matrix)
GRAD = sp.Matrix([2 * x + y, x - 6 * y])
SYM_H = sp.Matrix([[2 * w2**2, 4 * w1 * w2 - 2], [4 * w1 * w2 - 2, 2 * w1**2]])
NONSYM = np.array([[1.0, 2.0], [3.0, 4.0]])


def verdict(capsys, answer, expected, **kwargs) -> str:
    check(answer, expected, name="t", **kwargs)
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "Traceback" not in out, out
    return out


# ---------------------------------------------------------------- backward compatibility


@pytest.mark.parametrize(
    ("answer", "expected", "expected_verdict"),
    [
        (..., 1.0, NOT_ATTEMPTED),
        (..., "saddle point", NOT_ATTEMPTED),
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
def test_verdicts(capsys, answer, expected, expected_verdict):
    assert verdict(capsys, answer, expected).startswith(expected_verdict)


def test_output_format_is_unchanged(capsys):
    check(1.0, 1.0, name="Exercise 3")
    check(..., 1.0, name="Exercise 3")
    check(2.5, 1.0, name="Exercise 3", hint="look again")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"{CORRECT} — Exercise 3"
    assert lines[1] == (f"{NOT_ATTEMPTED} — Exercise 3: replace ... with your answer and run "
                        "the cell again.")
    assert lines[2].startswith(f"{NOT_YET} — Exercise 3: ")
    assert lines[2].endswith(" Hint: look again")


def test_custom_test_that_raises_is_reported_not_raised(capsys):
    check(1, test=lambda a: 1 / 0, name="t")
    out = capsys.readouterr().out
    assert out.startswith(NOT_YET) and "ZeroDivisionError" in out


def test_custom_test_passes_and_fails(capsys):
    assert verdict(capsys, 3, None, test=lambda a: a > 2).startswith(CORRECT)
    assert "it does not pass the check" in verdict(capsys, 1, None, test=lambda a: a > 2)


# ---------------------------------------------------------------- any reasonable form


@pytest.mark.parametrize(
    "answer",
    [0.6, Fraction(3, 5), np.float64(0.6), sp.Rational(3, 5), sp.Float(0.6), [0.6],
     np.array(0.6), np.array([0.6]), Decimal("0.6"), 3 / 5, sp.Matrix([[sp.Rational(3, 5)]])],
    ids=lambda a: type(a).__name__,
)
def test_a_number_in_any_form(capsys, answer):
    assert verdict(capsys, answer, 0.6).startswith(CORRECT)


@pytest.mark.parametrize("expected", [80, 80.0, np.int64(80), sp.Integer(80), Fraction(80)])
def test_an_integer_expected_in_any_form(capsys, expected):
    assert verdict(capsys, 80.0, expected).startswith(CORRECT)
    assert verdict(capsys, 80, expected).startswith(CORRECT)


VECTOR_FORMS = [[4.0, 2.0], (4, 2), np.array([4.0, 2.0]), np.array([[4.0], [2.0]]),
                np.array([[4.0, 2.0]]), sp.Matrix([4, 2]), sp.Matrix([[4, 2]]),
                [sp.Integer(4), sp.Float(2.0)]]


@pytest.mark.parametrize("answer", VECTOR_FORMS, ids=lambda a: type(a).__name__)
@pytest.mark.parametrize("expected", [np.array([4.0, 2.0]), [4, 2], sp.Matrix([4, 2])],
                         ids=["array", "list", "Matrix"])
def test_a_vector_in_any_form(capsys, answer, expected):
    assert verdict(capsys, answer, expected).startswith(CORRECT)


MATRIX_FORMS = [[[802, -400], [-400, 200]], ((802, -400), (-400, 200)),
                np.array([[802.0, -400.0], [-400.0, 200.0]]), HESS, sp.ImmutableMatrix(HESS),
                HESS.evalf(), np.array(HESS)]


@pytest.mark.parametrize("answer", MATRIX_FORMS, ids=lambda a: type(a).__name__)
@pytest.mark.parametrize("expected", [HESS, np.array(HESS, dtype=float)], ids=["Matrix", "array"])
def test_a_matrix_in_any_form(capsys, answer, expected):
    """Notebook 02's Exercise 2 accepts the Hessian as a nested list or a numpy array."""
    assert verdict(capsys, answer, expected).startswith(CORRECT)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ((1 - w1 * w2) ** 2, 1 - 2 * w1 * w2 + w1**2 * w2**2),
        (sp.Rational(1, 2) * x**2, 0.5 * x**2),
        (sp.Symbol("x", real=True) * y, x * y),
        ([2 * x + y, x - 6 * y], GRAD),
        ((2 * x + y, x - 6 * y), GRAD),
        (sp.Matrix([[2 * x + y, x - 6 * y]]), GRAD),
        (SYM_H.tolist(), SYM_H),
        (np.array(SYM_H.tolist(), dtype=object), SYM_H),
        (sp.expand(SYM_H), SYM_H),
    ],
)
def test_symbolic_answers_in_any_form(capsys, answer, expected):
    assert verdict(capsys, answer, expected).startswith(CORRECT)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [("saddle", "saddle point"), ("Saddle-Point", "saddle point"),
     ("  SADDLE POINT. ", "saddle point"), ("saddle_point", "saddle point"),
     ("鞍点", "saddle point"), ("minimum", "local minimum"),
     ("Local Min", "local minimum"), ("max", "local maximum"), ("局部极大值", "local maximum"),
     ("degenerate point", "degenerate"), ("Yes", "yes")],
)
def test_labels_accept_synonyms_and_case(capsys, answer, expected):
    assert verdict(capsys, answer, expected).startswith(CORRECT)


@pytest.mark.parametrize(("answer", "expected"),
                         [("yes", True), ("False", False), (np.True_, True)])
def test_booleans_accept_yes_no(capsys, answer, expected):
    assert verdict(capsys, answer, expected).startswith(CORRECT)


def test_a_list_of_labels(capsys):
    assert verdict(capsys, ["saddle", "min"], ["saddle point", "local minimum"]).startswith(CORRECT)
    assert "item 1" in verdict(capsys, ["saddle", "max"], ["saddle point", "local minimum"])


# ---------------------------------------------------------------- common mistakes, one by one


@pytest.mark.parametrize(
    ("answer", "expected", "message"),
    [
        # sign flipped
        (-0.96, 0.96, SIGN_FLIPPED),
        ([-4.0, -2.0], [4.0, 2.0], SIGN_FLIPPED),
        (-HESS, HESS, SIGN_FLIPPED),
        (-x * y, x * y, SIGN_FLIPPED),
        (-GRAD, GRAD, SIGN_FLIPPED),
        # transposed
        (NONSYM.T, NONSYM, TRANSPOSED),
        (sp.Matrix(NONSYM).T, NONSYM, TRANSPOSED),
        (sp.Matrix([[x, y], [0, 1]]).T, sp.Matrix([[x, y], [0, 1]]), TRANSPOSED),
        # right values, wrong order
        ([8.5, 0.0], [0.0, 8.5], ASCENDING),
        ([-1.0, 3.0, 2.0], [3.0, 2.0, -1.0], DESCENDING),
        ([2.0, 1.0, 3.0], [1.0, 3.0, 2.0], WRONG_ORDER),
        ([[4.0, 2.0], [1.0, 3.0]], NONSYM, WRONG_PLACES),
        ([x - 6 * y, 2 * x + y], GRAD, WRONG_ORDER),
        # off by a factor of 2
        (1.92, 0.96, TWICE),
        (0.48, 0.96, HALF),
        (HESS / 2, HESS, HALF),
        (2 * SYM_H, SYM_H, TWICE),
        (x * y / 2, x * y, HALF),
        # scalars: off by one, reciprocal
        (79, 80, OFF_BY_ONE),
        (81, 80, OFF_BY_ONE),
        (1 / 0.0624, 0.0624, RECIPROCAL),
    ],
)
def test_common_mistakes_are_named(answer, expected, message):
    assert compare(answer, expected) == message


@pytest.mark.parametrize(
    ("answer", "expected", "words"),
    [
        ([1, 2, 3], [1.0, 2.0],
         "wrong shape: expected a list of 2 numbers, your answer is a list of 3"),
        (5.0, [1.0, 2.0], "expected a list of 2 numbers, your answer is a single number"),
        ([1.0, 2.0], HESS, "expected a 2×2 matrix, your answer is a list of 2 numbers"),
        ((802, -400, -400, 200), HESS, "write the matrix as rows"),
        (np.ones((3, 2)), np.ones((2, 3)), "expected a 2×3 matrix, yours is a 3×2 matrix"),
        (sp.Matrix([1, 2]), sp.diag(2, 2), "expected a 2×2 matrix"),
        ([x, y, x], GRAD, "wrong shape: expected a 2×1 matrix"),
        (x, SYM_H, "your answer is a single expression"),
        ([x, y], x * y, "your answer has 2 entries"),
    ],
)
def test_wrong_shape_says_which_shape_was_expected(answer, expected, words):
    assert words in compare(answer, expected)


def test_wrong_numbers_say_how_many_or_which_way():
    assert compare([1.0, 2.5], [1.0, 2.0]) == "1 of the 2 entries is not right yet"
    assert compare(np.zeros((2, 2)), NONSYM) == "4 of the 4 entries are not right yet"
    assert compare(0.9, 0.96) == "not the right number yet: yours is too small"
    assert compare(1.5, 1.0) == "not the right number yet: yours is too large"
    assert compare(x + 1, x) == "not the right expression yet"
    assert compare(sp.diag(2, 3), sp.diag(2, 2)) == "1 of the 4 entries is not right yet"


def test_tolerances_are_respected():
    assert compare(1.0 + 1e-8, 1.0) is None
    assert compare(1.001, 1.0, rtol=1e-2) is None
    assert compare(1.001, 1.0) is not None


# ---------------------------------------------------------------- friendly, never a traceback


def _gen():
    yield 1.0


@pytest.mark.parametrize(
    ("answer", "expected", "words"),
    [
        (None, 1.0, NONE_ANSWER),
        (None, "saddle point", NONE_ANSWER),
        (None, HESS, NONE_ANSWER),
        (None, x * y, NONE_ANSWER),
        (None, True, NONE_ANSWER),
        ("0.96", 0.96,
         "your answer is text (it is in quotes); write a single number without quotes"),
        ("[[1, 2], [3, 4]]", HESS, "write a 2×2 matrix without quotes"),
        ("2*x*y", x * y, "write an expression in x, y without quotes"),
        (print, 1.0, "your answer is a function, not its result"),
        ({"a": 1}, 1.0, "your answer is a dictionary; expected a single number"),
        ({1.0, 2.0}, [1.0, 2.0], "a set has no order"),
        (_gen(), 1.0, "wrap it in list(...)"),
        (np, 1.0, "your answer is a module"),
        (int, 1.0, "your answer is a type"),
        ([1.0, ...], [1.0, 2.0], "replace every `...` with a value"),
        ([[1, 2], [3]], HESS, "the rows of your answer have different lengths"),
        (True, 1.0, "your answer is True/False; expected a single number"),
        (1, True, "expected True or False; your answer is a single number"),
        ([1 + 1j, 2], [1.0, 2.0], "complex numbers"),
        ([float("inf")], [1.0], NOT_FINITE),
        (float("nan"), 1.0, NOT_FINITE),
        (sp.Matrix([[x, 1], [1, 1]]), HESS, "still contains the symbol(s) x: substitute numbers"),
        (2 * w1, 2.0, "still contains the symbol(s) w1"),
        (3.0, x * y, "your answer is a plain number (keep the symbols)"),
        (sp.Symbol("z") * y, x * y, "your answer uses the symbol(s) z"),
        (object(), 1.0, "your answer holds an object, which is not a number"),
        (3, "saddle point", "expected a label (text in quotes)"),
        (["a"], [1.0], "your answer is text"),
    ],
)
def test_other_types_get_a_friendly_message(capsys, answer, expected, words):
    out = verdict(capsys, answer, expected)
    assert out.startswith(NOT_YET) and words in out


def test_labels_name_the_accepted_labels_never_only_the_answer():
    for wrong, expected in [("local minimum", "saddle point"), ("saddel", "saddle point"),
                            ("max", "degenerate"), (4, "local minimum")]:
        reason = compare(wrong, expected)
        assert all(f"'{kind}'" in reason for kind in KINDS), reason
    assert "'saddel' is not a label I know" in compare("saddel", "saddle point")
    assert "not the right kind of point" in compare("minimum", "saddle point")


def test_other_text_answers_are_compared_ignoring_case():
    assert compare("Yes", "yes") is None
    assert compare("no", "yes") == (
        "that is not the right answer (text is compared ignoring case and spaces)")


@pytest.mark.parametrize(
    "expected", [0.9617, [0.1234, 5.6789], np.array([[802.5, -400.25], [-400.25, 200.125]]), 4321]
)
@pytest.mark.parametrize("offset", [0.5, -3.0, 1.0])
def test_messages_never_show_the_expected_value(expected, offset):
    exp = np.asarray(expected, dtype=float)
    reasons = [compare(exp + offset, expected), compare(-exp, expected), compare(2 * exp, expected),
               compare(np.append(exp.ravel(), 1.0), expected), compare(None, expected)]
    shown = {f"{v:g}" for v in exp.ravel()} | {repr(float(v)) for v in exp.ravel()}
    for reason in reasons:
        assert reason and not any(s in reason for s in shown), reason


def test_canonical_labels():
    assert canonical_label("Saddle") == "saddle point"
    assert canonical_label("a new label") == "a new label"


def test_expected_as_a_list_of_expressions():
    assert compare(GRAD, [2 * x + y, x - 6 * y]) is None
    assert compare([-(2 * x + y), 6 * y - x], [2 * x + y, x - 6 * y]) == SIGN_FLIPPED


def test_the_public_names_are_exported_from_helpers():
    import helpers

    for name in ("check", "check_function", "exercise_stub", "exercise_solution", "answer_key"):
        assert name in helpers.__all__ and callable(getattr(helpers, name))
    assert helpers.exercise_stub("classify").startswith("def classify(eigvals, tol):")
