"""Turn a student's formula into a sympy expression without ever evaluating Python.

``parse_loss(text, variables)`` tokenises the text itself (:mod:`~helpers.parsing.lexer`),
parses it with ``ast.parse(mode="eval")``, checks every node of the tree against an
allow-list and builds the sympy expression node by node (:mod:`~helpers.parsing.builder`;
sympy never sees the raw text). Every rejection is a :class:`FormulaError` (a
``ValueError``) whose message says what is wrong, at which column, and what is allowed.
"""

from __future__ import annotations

import ast
import keyword
import warnings
from collections.abc import Sequence

import sympy as sp

from helpers.parsing.builder import ExpressionBuilder, tree_size
from helpers.parsing.language import (
    FUNCTIONS,
    MAX_DEPTH,
    MAX_EXPONENT,
    MAX_LENGTH,
    MAX_NODES,
    ErrorMaker,
    FormulaError,
    allowed_summary,
)
from helpers.parsing.lexer import normalise, tokenise

__all__ = ["FormulaError", "allowed_summary", "parse_loss"]


def _variable_symbols(variables: Sequence[str | sp.Symbol] | str) -> dict[str, sp.Symbol]:
    """Map each variable name to its sympy Symbol (strings become real symbols)."""
    if isinstance(variables, str):
        variables = variables.replace(",", " ").split()
    symbols: dict[str, sp.Symbol] = {}
    for v in variables:
        sym = v if isinstance(v, sp.Symbol) else sp.Symbol(str(v), real=True)
        name = sym.name
        if not name.isidentifier() or keyword.iskeyword(name) or name.startswith("_"):
            raise ValueError(f"{name!r} cannot be a variable name")
        if name in FUNCTIONS:
            raise ValueError(f"{name!r} is a function name and cannot be a variable")
        symbols[name] = sym
    if not symbols:
        raise ValueError("give at least one variable, e.g. ('x', 'y')")
    return symbols


def _stripped_text(text: str, symbols: dict[str, sp.Symbol]) -> str:
    """The formula without surrounding spaces: text, not too long, not empty."""
    if not isinstance(text, str):
        raise FormulaError(f"the formula must be text, not {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"the formula is too long ({len(text)} characters; the limit is "
                           f"{MAX_LENGTH})")
    stripped = text.strip()
    if not stripped:
        raise FormulaError("the formula is empty: type a loss in "
                           f"{', '.join(symbols)}, for example x^2 - y^2")
    return stripped


def _syntax_tree(norm: str, err: ErrorMaker, symbols: dict[str, sp.Symbol]) -> ast.Expression:
    """Python's parse of the checked tokens (never run), limited in size and depth."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(norm, mode="eval")
    except (SyntaxError, ValueError, MemoryError, RecursionError) as exc:
        index = (exc.offset - 1) if isinstance(exc, SyntaxError) and exc.offset else len(norm)
        raise err("the formula is incomplete or has an operator in the wrong place. "
                  + allowed_summary(list(symbols)), min(index, len(norm) - 1)) from None
    count, depth = tree_size(tree)
    if count > MAX_NODES:
        raise FormulaError(f"the formula is too complex ({count} parts; the limit is "
                           f"{MAX_NODES})")
    if depth > MAX_DEPTH:
        raise FormulaError(f"the formula is nested too deeply (depth {depth}; the limit is "
                           f"{MAX_DEPTH})")
    return tree


def _check_powers(expr: sp.Expr) -> None:
    """No power in the simplified expression has |exponent| > MAX_EXPONENT."""
    for p in sp.preorder_traversal(expr):
        if isinstance(p, sp.Pow) and p.exp.is_Number and abs(float(p.exp)) > MAX_EXPONENT:
            raise FormulaError(f"the formula combines into {p}, whose exponent is too large "
                               f"(keep |exponent| <= {MAX_EXPONENT})")


def parse_loss(text: str, variables: Sequence[str | sp.Symbol] | str = ("x", "y")) -> sp.Expr:
    """Parse an untrusted formula in the given variables into a sympy expression (or ValueError)."""
    symbols = _variable_symbols(variables)
    stripped = _stripped_text(text, symbols)
    norm, cols = normalise(stripped)

    def err(message: str, index: int) -> FormulaError:
        col = cols[index] if 0 <= index < len(cols) else len(stripped)
        return FormulaError(message, stripped, col)

    tokenise(norm, err, set(symbols))
    tree = _syntax_tree(norm, err, symbols)
    expr = ExpressionBuilder(symbols, err).build(tree.body)
    _check_powers(expr)
    return expr
