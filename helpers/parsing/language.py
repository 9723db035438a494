"""The formula language: its functions, constants, limits, and the error it raises."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sympy as sp

MAX_LENGTH = 500  # characters of the formula
MAX_NESTING = 20  # depth of nested parentheses
MAX_DEPTH = 100  # depth of the syntax tree
MAX_NODES = 300  # nodes of the syntax tree
MAX_EXPONENT = 100  # |p| in base**p when the base contains a variable
MAX_LOG10 = 100  # constants must stay below 10**100 in magnitude
MAX_EXP_ARG = 230.0  # exp(230) ~ 1e100
MAX_INT_BITS = 340  # 2**340 ~ 2e102: an integer literal above this is too large

FUNCTIONS: dict[str, Callable[[sp.Expr], sp.Expr]] = {
    "sin": sp.sin,
    "cos": sp.cos,
    "tan": sp.tan,
    "exp": sp.exp,
    "log": sp.log,
    "ln": sp.log,
    "sqrt": sp.sqrt,
    "tanh": sp.tanh,
    "sinh": sp.sinh,
    "cosh": sp.cosh,
    "abs": sp.Abs,
}
CONSTANTS: dict[str, sp.Expr] = {"pi": sp.pi, "e": sp.E}


class FormulaError(ValueError):
    """A formula was rejected; ``column`` is 1-based in the text the student typed (or None)."""

    def __init__(self, message: str, text: str = "", column: int | None = None) -> None:
        self.reason = message
        self.text = text
        self.column = column
        full = message
        if column is not None and text:
            full = f"{message} (column {column})\n    {text}\n    {' ' * (column - 1)}^"
        super().__init__(full)


ErrorMaker = Callable[[str, int], FormulaError]  # (message, index in the normalised text) -> error


def allowed_summary(names: Sequence[str]) -> str:
    """One sentence that lists everything a formula may contain."""
    return (
        f"A formula may use numbers, the variables {', '.join(names)}, + - * / and ^ (or **) "
        f"for powers, parentheses, the functions {', '.join(sorted(FUNCTIONS))} "
        "and the constants pi and e."
    )
