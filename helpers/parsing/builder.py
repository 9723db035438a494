"""Build the sympy expression from Python's syntax tree of a checked formula, node by node.

Only numbers, the variables, the constants, + - * / ** and calls of the allowed functions
are built; any other node is rejected with a message. Constants are checked as they are
built: no division by zero, log(0), non-real or absurdly large values.
"""

from __future__ import annotations

import ast
import difflib
import math
import operator

import sympy as sp

from helpers.parsing.language import (
    CONSTANTS,
    FUNCTIONS,
    MAX_EXP_ARG,
    MAX_EXPONENT,
    MAX_INT_BITS,
    MAX_LOG10,
    ErrorMaker,
    FormulaError,
    allowed_summary,
)


def _is_const(e: sp.Expr) -> bool:
    return not e.free_symbols


def _log10_abs(value: sp.Expr) -> float:
    """log10 of |value| for a constant whose magnitude was already bounded."""
    v = abs(complex(sp.N(value, 15)))
    return -math.inf if v == 0 else math.log10(v)


# + - * / as sympy operations (** is built by ExpressionBuilder._pow, with its checks)
_ARITHMETIC = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
               ast.Div: operator.truediv}
# syntax the formula language does not have, named for the student
NOT_ALLOWED = {
    ast.Attribute: "attribute access (a.b)",
    ast.Subscript: "subscripts (a[i])",
    ast.Lambda: "lambda functions",
    ast.Compare: "comparisons",
    ast.BoolOp: "and/or",
    ast.IfExp: "if/else",
    ast.Tuple: "tuples (a, b)",
    ast.List: "lists",
    ast.Dict: "dictionaries",
    ast.Set: "sets",
    ast.ListComp: "comprehensions",
    ast.GeneratorExp: "comprehensions",
    ast.SetComp: "comprehensions",
    ast.DictComp: "comprehensions",
    ast.NamedExpr: "assignments (:=)",
    ast.JoinedStr: "text (f-strings)",
    ast.Starred: "starred arguments",
}


class ExpressionBuilder:
    """Walk a validated syntax tree and build the sympy expression node by node."""

    def __init__(self, symbols: dict[str, sp.Symbol], err: ErrorMaker) -> None:
        self.symbols = symbols
        self.err = err

    def fail(self, message: str, node: ast.AST) -> FormulaError:
        return self.err(message, getattr(node, "col_offset", 0))

    def allowed(self) -> str:
        return allowed_summary(list(self.symbols))

    def build(self, node: ast.AST) -> sp.Expr:
        result = self._build(node)
        self._check_value(result, node)
        return result

    def _check_value(self, e: sp.Expr, node: ast.AST) -> None:
        """Reject undefined or non-real constants and absurdly large numbers."""
        if e.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
            raise self.fail(f"{ast.unparse(node)} is undefined (a division by zero or log(0))",
                            node)
        if _is_const(e):
            if e.is_extended_real is False:
                raise self.fail(f"{ast.unparse(node)} is not a real number", node)
            if _log10_abs(e) > MAX_LOG10:
                raise self.fail(f"the number {ast.unparse(node)} is too large (above "
                                f"10^{MAX_LOG10})", node)

    def _build(self, node: ast.AST) -> sp.Expr:
        if isinstance(node, ast.Constant):
            return self._constant(node)
        if isinstance(node, ast.Name):
            return self._name(node)
        if isinstance(node, ast.UnaryOp):
            return self._unary(node)
        if isinstance(node, ast.BinOp):
            return self._binop(node)
        if isinstance(node, ast.Call):
            return self._call(node)
        what = NOT_ALLOWED.get(type(node), type(node).__name__)
        raise self.fail(f"{what} are not allowed. " + self.allowed(), node)

    def _constant(self, node: ast.Constant) -> sp.Expr:
        v = node.value
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            kind = "complex numbers" if isinstance(v, complex) else type(v).__name__
            raise self.fail(f"{kind} are not allowed here. " + self.allowed(), node)
        if isinstance(v, float) and not math.isfinite(v):
            raise self.fail("this number is too large", node)
        if isinstance(v, float):
            return sp.Float(v)
        if v.bit_length() > MAX_INT_BITS:
            raise self.fail(f"the number is too large (above 10^{MAX_LOG10})", node)
        return sp.Integer(v)

    def _name(self, node: ast.Name) -> sp.Expr:
        if node.id in self.symbols:
            return self.symbols[node.id]
        if node.id in CONSTANTS:
            return CONSTANTS[node.id]
        if node.id in FUNCTIONS:
            raise self.fail(f"{node.id} is a function: write {node.id}(...) with its "
                            "argument in brackets", node)
        close = difflib.get_close_matches(
            node.id, [*self.symbols, *FUNCTIONS, *CONSTANTS], n=1, cutoff=0.6)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise self.fail(f"unknown name {node.id!r}.{hint} " + self.allowed(), node)

    def _unary(self, node: ast.UnaryOp) -> sp.Expr:
        if isinstance(node.op, ast.USub):
            return -self.build(node.operand)
        if isinstance(node.op, ast.UAdd):
            return self.build(node.operand)
        raise self.fail("only + and - may stand before a number or a bracket", node)

    def _binop(self, node: ast.BinOp) -> sp.Expr:
        op = type(node.op)
        if op not in _ARITHMETIC and op is not ast.Pow:
            raise self.fail("only + - * / and ^ (or **) are allowed as operators", node)
        left = self.build(node.left)
        right = self.build(node.right)
        if op is ast.Pow:
            return self._pow(left, right, node)
        if op is ast.Div and right == 0:
            raise self.fail(f"division by zero in {ast.unparse(node)}", node)
        return _ARITHMETIC[op](left, right)

    def _pow(self, base: sp.Expr, exponent: sp.Expr, node: ast.BinOp) -> sp.Expr:
        text = ast.unparse(node)
        if _is_const(exponent):
            self._check_constant_exponent(base, float(sp.N(exponent, 15)), node, text)
        result = sp.Pow(base, exponent)
        if (isinstance(result, sp.Pow) and result.exp.is_Number and not _is_const(result.base)
                and abs(float(result.exp)) > MAX_EXPONENT):
            raise self.fail(f"{text} combines into the power {result}, whose exponent is too "
                            f"large (keep |exponent| <= {MAX_EXPONENT})", node)
        return result

    def _check_constant_exponent(self, base: sp.Expr, p: float, node: ast.BinOp,
                                 text: str) -> None:
        """base**p: no 0**negative, no overflow of a constant, |p| bounded for a variable."""
        if not _is_const(base):
            if abs(p) > MAX_EXPONENT:
                raise self.fail(f"the exponent in {text} is too large: keep |exponent| "
                                f"<= {MAX_EXPONENT}", node)
            return
        if base == 0 and p < 0:
            raise self.fail(f"{text} divides by zero", node)
        if abs(p * _log10_abs(base)) > MAX_LOG10:
            raise self.fail(f"{text} is far too large or too small (beyond "
                            f"10^±{MAX_LOG10})", node)

    def _call(self, node: ast.Call) -> sp.Expr:
        name = self._function_name(node)
        arg = self.build(node.args[0])
        if name in ("exp", "sinh", "cosh") and _is_const(arg):
            if float(sp.N(arg, 15)) > MAX_EXP_ARG:
                raise self.fail(f"{ast.unparse(node)} is far too large", node)
        if name in ("log", "ln") and arg == 0:
            raise self.fail(f"{ast.unparse(node)} is undefined (log(0))", node)
        return FUNCTIONS[name](arg)

    def _function_name(self, node: ast.Call) -> str:
        """The name of an allowed function called with one argument (or why it is not one)."""
        func = node.func
        if not isinstance(func, ast.Name):
            left = ast.unparse(func)
            raise self.fail(f"missing '*' before the bracket: write ({left})*(...), not "
                            f"({left})(...)", node)
        name = func.id
        if name not in FUNCTIONS:
            raise self._not_a_function(name, node)
        if node.keywords or len(node.args) != 1:
            raise self.fail(f"{name} takes exactly one argument, e.g. {name}(x)", node)
        return name

    def _not_a_function(self, name: str, node: ast.Call) -> FormulaError:
        if name in self.symbols or name in CONSTANTS:
            return self.fail(f"{name} is not a function: to multiply, write {name}*(...)", node)
        close = difflib.get_close_matches(name, list(FUNCTIONS), n=1, cutoff=0.6)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        return self.fail(f"unknown function {name!r}.{hint} The allowed functions are "
                         f"{', '.join(sorted(FUNCTIONS))}.", node)


def tree_size(tree: ast.AST) -> tuple[int, int]:
    """Number of nodes and depth of a syntax tree (iteratively, without recursion)."""
    count, depth = 0, 0
    stack = [(tree, 1)]
    while stack:
        node, d = stack.pop()
        count += 1
        depth = max(depth, d)
        stack.extend((child, d + 1) for child in ast.iter_child_nodes(node))
    return count, depth
