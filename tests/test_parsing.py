"""parse_loss never evaluates Python and explains every rejection; check_surface flags trouble."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from helpers.parsing import FormulaError, parse_loss
from helpers.surface_check import check_surface

x, y = sp.symbols("x y", real=True)

# (text, fragment of the error message) — every one must raise ValueError
HOSTILE = [
    # code, not a formula
    ("__import__('os').system('echo hi')", "names may not start with '_'"),
    ("import os", "the Python word 'import'"),
    ("exec(x)", "unknown function 'exec'"),
    ("eval('x')", "a formula contains no text in quotes"),
    ("open('/etc/passwd')", "a formula contains no text in quotes"),
    ("print(x)", "the Python word 'print'"),
    ("lambda: 1", "no lambda"),
    ("x.real", "no attribute access"),
    ("y.__class__", "no attribute access"),
    ("1..real", "no attribute access"),
    ("x[0]", "subscripts"),
    ("[x for x in (1, 2)]", "round brackets"),
    ("{x: 1}", "round brackets"),
    ("x if y else 1", "the Python word 'if'"),
    ("not x", "the Python word 'not'"),
    ("True", "the Python word 'True'"),
    ("x == y", "no comparisons"),
    ("x < y", "comparisons do not make a loss"),
    ("(x := 2)", "single expression"),
    ("x; y", "single expression"),
    ("sin(x=1)", "no 'L ='"),
    ("sin(x, 2)", "exactly one argument"),
    ("x,y", "exactly one argument"),
    ("'x'", "no text in quotes"),
    ("x # comment", "no comments"),
    ("x \\ 2", "no backslashes"),
    ("x % 2", "no remainder operator"),
    ("x @ y", "no matrix product"),
    ("x // y", "floor division"),
    ("x & y", "no bitwise operators"),
    ("~x", "no bitwise operators"),
    ("$x^2$", "LaTeX dollars"),
    # unknown names and misuse of names
    ("z", "unknown name 'z'"),
    ("x^2 + t", "unknown name 't'"),
    ("Sin(x)", "Did you mean 'sin'"),
    ("sin", "sin is a function"),
    ("x(y+1)", "x is not a function"),
    ("pi(2)", "pi is not a function"),
    ("foo(x)", "unknown function 'foo'"),
    # implicit multiplication and other malformed input
    ("2x", "write 2*x, not 2x"),
    ("2 x", "write 2*x"),
    ("x y", "write x*y"),
    ("sin x", "write sin(x)"),
    ("2(x+1)", "write 2*(…)"),
    ("(x+1)(x-1)", "write (…)*(…)"),
    ("x +", "incomplete"),
    ("x ^^ 2", "incomplete"),
    ("*x", "incomplete"),
    ("", "empty"),
    ("   ", "empty"),
    (")", "no matching '('"),
    ("(x", "never closed"),
    ("1.5.3", "missing '*'"),
    ("1_000*x", "numbers may not contain '_'"),
    ("x²y", "write 2*y"),  # ² is turned into **2 first, which leaves the digit next to y
    # complex numbers and undefined or non-real constants
    ("1j", "complex numbers"),
    ("3 + 4j*x", "complex numbers"),
    ("sqrt(-1)", "not a real number"),
    ("log(-2) + x", "not a real number"),
    ("(-8)^(1/3)", "not a real number"),
    ("1/0", "division by zero"),
    ("x/(x-x)", "division by zero"),
    ("0^(-1)", "divides by zero"),
    ("log(0)", "log(0)"),
    ("tan(pi/2)", "undefined"),
    # absurd sizes
    ("x+" * 300 + "x", "too long"),
    ("(" * 25 + "x" + ")" * 25, "nested too deeply"),
    ("+".join(["x*y*x"] * 70), "too complex"),
    ("-" * 120 + "x", "nested too deeply"),
    ("10**10**10", "far too large"),
    ("10^10^10^10", "far too large"),
    ("2**-400", "far too large or too small"),
    ("10**(-10**10)", "far too large or too small"),
    ("x**100000", "exponent in x ** 100000 is too large"),
    ("x^101", "too large"),
    ("(x**50)**50", "x**2500"),
    ("x**50*x**60", "x**110"),
    ("9" * 200, "too large"),
    ("1e999", "too large"),
    ("1e200*x", "too large"),
    ("exp(exp(100))", "far too large"),
    ("cosh(1000)*x", "far too large"),
    ("é", "'é' is not allowed"),
    ("x\x00", "U+0000"),
]

# (text, expected sympy expression) — accepted
ACCEPTED = [
    ("x^2 - y^2", x**2 - y**2),
    ("x**2 - y**2", x**2 - y**2),
    ("-x^2", -(x**2)),
    ("x^2^3", x**8),  # ^ is right-associative, like **
    ("2^-1*x", x / 2),
    ("(1 - x*y)^2", (1 - x * y) ** 2),
    ("x^4 - x^2 + y^2", x**4 - x**2 + y**2),
    ("(x^2 + y - 11)^2 + (x + y^2 - 7)^2", (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2),
    ("(1 - x)^2 + 100*(y - x^2)^2", (1 - x) ** 2 + 100 * (y - x**2) ** 2),
    ("x^3 - 3*x*y^2", x**3 - 3 * x * y**2),
    ("sin(x)*cos(y)", sp.sin(x) * sp.cos(y)),
    ("exp(-x^2 - y^2)", sp.exp(-(x**2) - y**2)),
    ("log(1 + x^2) + ln(1 + y^2)", sp.log(1 + x**2) + sp.log(1 + y**2)),
    ("sqrt(1 + x^2 + y^2)", sp.sqrt(1 + x**2 + y**2)),
    ("tanh(x) + sinh(y) - cosh(x*y) + tan(x)",
     sp.tanh(x) + sp.sinh(y) - sp.cosh(x * y) + sp.tan(x)),
    ("abs(x) + y^2", sp.Abs(x) + y**2),
    ("e^x + pi*y", sp.exp(x) + sp.pi * y),
    ("0.5*x^2 + 1e-3*y", sp.Float(0.5) * x**2 + sp.Float(1e-3) * y),
    ("x−y²", x - y**2),  # a pasted unicode minus and superscript
    ("2×x·y", 2 * x * y),
    ("  x  \n + y ", x + y),
    ("x^100", x**100),
    ("3", sp.Integer(3)),
    ("2^10*x", 1024 * x),
]


@pytest.mark.parametrize(("text", "fragment"), HOSTILE, ids=[repr(t)[:40] for t, _ in HOSTILE])
def test_hostile_inputs_are_rejected_with_a_clear_message(text: str, fragment: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_loss(text, ["x", "y"])
    assert fragment in str(info.value)
    assert isinstance(info.value, FormulaError)


def test_there_are_at_least_30_hostile_cases() -> None:
    assert len(HOSTILE) >= 30


@pytest.mark.parametrize(("text", "expected"), ACCEPTED, ids=[t for t, _ in ACCEPTED])
def test_normal_formulas_are_accepted(text: str, expected: sp.Expr) -> None:
    got = parse_loss(text, ["x", "y"])
    assert sp.simplify(got - expected) == 0


def test_caret_and_double_star_agree() -> None:
    assert parse_loss("(x + y)^3 / 2", "x y") == parse_loss("(x + y)**3 / 2", "x y")


def test_messages_give_the_column_and_a_caret() -> None:
    with pytest.raises(FormulaError) as info:
        parse_loss("x^2 + 3y", ["x", "y"])
    err = info.value
    assert err.column == 8  # the y after 3, counted in the text as typed
    assert "(column 8)" in str(err)
    assert str(err).splitlines()[-1] == "    " + " " * 7 + "^"


def test_columns_count_the_text_as_typed_even_after_caret_replacement() -> None:
    with pytest.raises(FormulaError) as info:
        parse_loss("x^2^2 + q", ["x", "y"])
    assert info.value.column == 9


def test_unknown_name_lists_what_is_allowed() -> None:
    with pytest.raises(ValueError, match="the variables w1, w2"):
        parse_loss("w1 * x", ["w1", "w2"])


def test_symbols_given_are_the_symbols_used() -> None:
    w1, w2 = sp.symbols("w1 w2")  # no assumptions: the caller's own symbols are kept
    expr = parse_loss("(1 - w1*w2)^2", [w1, w2])
    assert expr.free_symbols == {w1, w2}
    assert expr == (1 - w1 * w2) ** 2


def test_string_variables_become_real_symbols() -> None:
    expr = parse_loss("x*y", "x y")
    assert expr == x * y  # the module-level real symbols
    assert all(s.is_real for s in expr.free_symbols)


@pytest.mark.parametrize("bad", [[], ["sin"], ["_x"], ["for"]])
def test_bad_variable_names_are_rejected(bad: list[str]) -> None:
    with pytest.raises(ValueError):
        parse_loss("1", bad)


def test_non_text_is_rejected() -> None:
    with pytest.raises(ValueError, match="must be text"):
        parse_loss(42, ["x"])  # type: ignore[arg-type]


def test_sympy_never_sees_the_raw_text(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args, **kwargs):
        raise AssertionError("sympify/parse_expr must not be called")

    monkeypatch.setattr(sp, "sympify", boom)
    monkeypatch.setattr(sp, "parse_expr", boom)
    assert parse_loss("sin(x)^2 + y", ["x", "y"]) == sp.sin(x) ** 2 + y


def test_rejection_has_no_side_effects(tmp_path) -> None:
    target = tmp_path / "pwned"
    with pytest.raises(ValueError):
        parse_loss(f"__import__('pathlib').Path('{target}').touch()", ["x", "y"])
    assert not target.exists()


# ----------------------------------------------------------------- check_surface


def test_smooth_surfaces_pass_the_check() -> None:
    for text in ["x^2 - y^2", "(x^2 + y - 11)^2 + (x + y^2 - 7)^2", "sin(x)*cos(y)",
                 "sqrt(1 + x^2 + y^2)"]:
        rep = check_surface(parse_loss(text, "x y"), (x, y), [(-2, 2), (-2, 2)])
        assert rep.ok, (text, rep.issues)


def test_log_near_zero_is_flagged_as_undefined() -> None:
    rep = check_surface(parse_loss("log(x) + y^2", "x y"), (x, y), [(-2, 2), (-2, 2)])
    assert not rep.ok
    assert 0.45 < rep.undefined_fraction < 0.55
    assert any("undefined" in m for m in rep.issues)
    assert any("log" in m for m in rep.issues)


def test_division_by_zero_in_the_region_is_flagged() -> None:
    rep = check_surface(parse_loss("1/x + y^2", "x y"), (x, y), [(-2, 2), (-2, 2)])
    assert not rep.ok and rep.nondifferentiable
    assert any("division" in m for m in rep.issues)
    # away from the pole the same formula is fine
    assert check_surface(parse_loss("1/x + y^2", "x y"), (x, y), [(1, 2), (-2, 2)]).ok


def test_abs_kink_is_flagged_as_not_differentiable() -> None:
    rep = check_surface(parse_loss("abs(x) + y^2", "x y"), (x, y), [(-2, 2), (-2, 2)])
    assert rep.undefined_fraction == 0.0
    assert rep.nondifferentiable
    assert any("kink" in m for m in rep.issues)


def test_sqrt_of_negative_values_is_flagged() -> None:
    rep = check_surface(parse_loss("sqrt(x) + y", "x y"), (x, y), [(-1, 1), (-1, 1)])
    assert not rep.ok and rep.undefined_fraction > 0.4


def test_cone_tip_is_not_differentiable() -> None:
    rep = check_surface(parse_loss("sqrt(x^2 + y^2)", "x y"), (x, y), [(-1, 1), (-1, 1)])
    assert rep.nondifferentiable and rep.undefined_fraction == 0.0


def test_overflow_is_reported_not_hidden() -> None:
    rep = check_surface(parse_loss("exp(exp(x))", "x y"), (x, y), [(-10, 10), (-1, 1)])
    assert not rep.ok
    assert np.isclose(rep.undefined_fraction, (10 - np.log(709.78)) / 20, atol=0.02)


def test_kinks_come_from_the_symbolic_kink_list() -> None:
    """Any kink analyze_point knows (here sign and Max, which no typed formula has) is flagged."""
    rep = check_surface(sp.sign(x) * y + sp.Max(x, y), (x, y), [(-1, 1), (-1, 1)])
    assert rep.nondifferentiable and rep.undefined_fraction == 0.0
    assert any("sign(x)" in m for m in rep.issues) and any("Max" in m for m in rep.issues)
