"""Turn a student's formula into a sympy expression without ever evaluating Python.

``parse_loss(text, variables)`` tokenises the text itself, parses it with
``ast.parse(mode="eval")``, checks every node of the tree against an allow-list and
builds the sympy expression node by node (sympy never sees the raw text). Every
rejection is a :class:`FormulaError` (a ``ValueError``) whose message says what is wrong,
at which column, and what is allowed.

``check_surface(expr, variables, bounds)`` samples a grid and reports where the loss is
undefined, not real, infinite or not differentiable, so a picture never silently hides NaNs.
"""

from __future__ import annotations

import ast
import difflib
import keyword
import math
import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

# ----------------------------------------------------------------- limits and allow-lists

MAX_LENGTH = 500  # characters of the formula
MAX_NESTING = 20  # depth of nested parentheses
MAX_DEPTH = 100  # depth of the syntax tree
MAX_NODES = 300  # nodes of the syntax tree
MAX_EXPONENT = 100  # |p| in base**p when the base contains a variable
MAX_LOG10 = 100  # constants must stay below 10**100 in magnitude
MAX_EXP_ARG = 230.0  # exp(230) ~ 1e100

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

# unicode look-alikes a student may paste; each maps to ASCII
_REPLACEMENTS = {
    "−": "-",  # U+2212 minus sign
    "–": "-",  # en dash
    "×": "*",
    "·": "*",
    "⋅": "*",
    "²": "**2",
    "³": "**3",
    "^": "**",
    "\t": " ",
    "\n": " ",
    "\r": " ",
}

_CHAR_HINTS = {
    "[": "use round brackets ( ) for grouping; subscripts like x[0] do not exist here",
    "]": "use round brackets ( ) for grouping; subscripts like x[0] do not exist here",
    "{": "use round brackets ( ) for grouping",
    "}": "use round brackets ( ) for grouping",
    '"': "a formula contains no text in quotes",
    "'": "a formula contains no text in quotes",
    "=": "type only the loss itself, e.g. x^2 - y^2 (no 'L =', no comparisons)",
    "<": "comparisons do not make a loss",
    ">": "comparisons do not make a loss",
    "!": "no factorials, no comparisons",
    ".": "a dot may only appear inside a number such as 0.5 (no attribute access like x.real)",
    ",": "each function takes exactly one argument, and the formula is a single expression",
    "%": "there is no remainder operator",
    "@": "there is no matrix product",
    "&": "there are no bitwise operators",
    "|": "there are no bitwise operators; for an absolute value write abs(x)",
    "~": "there are no bitwise operators",
    ";": "a formula is a single expression",
    ":": "a formula is a single expression (no lambda, no slices)",
    "#": "no comments",
    "\\": "no backslashes",
    "_": "names may not start with '_' and numbers may not contain '_'",
    "$": "type the formula without LaTeX dollars",
}

_TOKEN_RE = re.compile(
    r"(?P<space>\s+)"
    r"|(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[A-Za-z][A-Za-z0-9_]*)"
    r"|(?P<op>\*\*|//|[-+*/()])"
)


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


def allowed_summary(names: Sequence[str]) -> str:
    """One sentence that lists everything a formula may contain."""
    return (
        f"A formula may use numbers, the variables {', '.join(names)}, + - * / and ^ (or **) "
        f"for powers, parentheses, the functions {', '.join(sorted(FUNCTIONS))} "
        "and the constants pi and e."
    )


def _normalise(text: str) -> tuple[str, list[int]]:
    """Replace unicode look-alikes and '^'; return the new text and each char's original column."""
    out: list[str] = []
    cols: list[int] = []
    for i, ch in enumerate(text):
        rep = _REPLACEMENTS.get(ch, ch)
        out.append(rep)
        cols.extend([i + 1] * len(rep))
    return "".join(out), cols


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


@dataclass
class _Token:
    kind: str  # number | name | op
    text: str
    start: int  # index in the normalised text


def _tokenise(norm: str, err: Callable[[str, int], FormulaError], names: set[str]) -> list[_Token]:
    """Split into tokens; reject stray characters, bad parentheses and 2x-style input."""
    tokens: list[_Token] = []
    pos = 0
    while pos < len(norm):
        m = _TOKEN_RE.match(norm, pos)
        if m is None:
            ch = norm[pos]
            hint = _CHAR_HINTS.get(ch, "")
            shown = repr(ch) if ch.isprintable() else f"U+{ord(ch):04X}"
            raise err(f"{shown} is not allowed: "
                      + (hint if hint else allowed_summary(sorted(names))), pos)
        kind = m.lastgroup or ""
        if kind != "space":
            tokens.append(_Token(kind, m.group(), pos))
        pos = m.end()

    depth = 0
    opened: list[int] = []
    for tok in tokens:
        if tok.text == "(":
            depth += 1
            opened.append(tok.start)
            if depth > MAX_NESTING:
                raise err(f"the parentheses are nested too deeply (more than {MAX_NESTING})",
                          tok.start)
        elif tok.text == ")":
            if not opened:
                raise err("this ')' has no matching '('", tok.start)
            opened.pop()
            depth -= 1
    if opened:
        raise err("this '(' is never closed", opened[-1])

    for tok in tokens:
        if tok.kind == "name" and (keyword.iskeyword(tok.text) or tok.text == "print"):
            raise err(f"the Python word {tok.text!r} is not allowed: a formula is not a program",
                      tok.start)
    for a, b in zip(tokens, tokens[1:], strict=False):
        if a.text == "//" or b.text == "//":
            t = a if a.text == "//" else b
            raise err("floor division // is not allowed; use / for division", t.start)
        a_ends = a.kind in ("number", "name") or a.text == ")"
        b_starts = b.kind in ("number", "name") or b.text == "("
        if not (a_ends and b_starts):
            continue
        if a.kind == "name" and b.text == "(":
            continue  # a call such as sin(x); the tree check decides whether a.text is a function
        if a.kind == "name" and a.text in FUNCTIONS:
            raise err(f"a function needs brackets: write {a.text}({b.text}), not "
                      f"{a.text} {b.text}", b.start)
        if a.kind == "number" and b.text in ("j", "J") and b.start == a.start + len(a.text):
            raise err(f"complex numbers such as {a.text}j are not allowed", a.start)
        left = a.text if a.text != ")" else "(…)"
        right = b.text if b.text != "(" else "(…)"
        gap = norm[a.start + len(a.text):b.start]
        raise err(f"missing '*' between {left} and {right}: write {left}*{right}, "
                  f"not {left}{gap}{right} (implicit multiplication is not allowed)", b.start)

    return tokens


def _is_const(e: sp.Expr) -> bool:
    return not e.free_symbols


def _log10_abs(value: sp.Expr) -> float:
    """log10 of |value| for a constant whose magnitude was already bounded."""
    v = abs(complex(sp.N(value, 15)))
    return -math.inf if v == 0 else math.log10(v)


class _Builder:
    """Walk a validated syntax tree and build the sympy expression node by node."""

    def __init__(self, symbols: dict[str, sp.Symbol], err: Callable[[str, int], FormulaError]):
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
            v = node.value
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                kind = "complex numbers" if isinstance(v, complex) else type(v).__name__
                raise self.fail(f"{kind} are not allowed here. " + self.allowed(), node)
            if isinstance(v, float) and not math.isfinite(v):
                raise self.fail("this number is too large", node)
            if isinstance(v, int):
                if v.bit_length() > 340:
                    raise self.fail(f"the number is too large (above 10^{MAX_LOG10})", node)
                return sp.Integer(v)
            return sp.Float(v)
        if isinstance(node, ast.Name):
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
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.USub):
                return -self.build(node.operand)
            if isinstance(node.op, ast.UAdd):
                return self.build(node.operand)
            raise self.fail("only + and - may stand before a number or a bracket", node)
        if isinstance(node, ast.BinOp):
            return self._binop(node)
        if isinstance(node, ast.Call):
            return self._call(node)
        what = {
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
        }.get(type(node), type(node).__name__)
        raise self.fail(f"{what} are not allowed. " + self.allowed(), node)

    def _binop(self, node: ast.BinOp) -> sp.Expr:
        ops = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
        sym = ops.get(type(node.op))
        if sym is None:
            raise self.fail("only + - * / and ^ (or **) are allowed as operators", node)
        left = self.build(node.left)
        right = self.build(node.right)
        if sym == "+":
            return left + right
        if sym == "-":
            return left - right
        if sym == "*":
            return left * right
        if sym == "/":
            if right == 0:
                raise self.fail(f"division by zero in {ast.unparse(node)}", node)
            return left / right
        return self._pow(left, right, node)

    def _pow(self, base: sp.Expr, exponent: sp.Expr, node: ast.BinOp) -> sp.Expr:
        text = ast.unparse(node)
        if _is_const(exponent):
            p = float(sp.N(exponent, 15))
            if _is_const(base):
                if base == 0 and p < 0:
                    raise self.fail(f"{text} divides by zero", node)
                if abs(p * _log10_abs(base)) > MAX_LOG10:
                    raise self.fail(f"{text} is far too large or too small (beyond "
                                    f"10^±{MAX_LOG10})", node)
            elif abs(p) > MAX_EXPONENT:
                raise self.fail(f"the exponent in {text} is too large: keep |exponent| "
                                f"<= {MAX_EXPONENT}", node)
        result = sp.Pow(base, exponent)
        if (isinstance(result, sp.Pow) and result.exp.is_Number and not _is_const(result.base)
                and abs(float(result.exp)) > MAX_EXPONENT):
            raise self.fail(f"{text} combines into the power {result}, whose exponent is too "
                            f"large (keep |exponent| <= {MAX_EXPONENT})", node)
        return result

    def _call(self, node: ast.Call) -> sp.Expr:
        func = node.func
        if not isinstance(func, ast.Name):
            left = ast.unparse(func)
            raise self.fail(f"missing '*' before the bracket: write ({left})*(...), not "
                            f"({left})(...)", node)
        name = func.id
        if name not in FUNCTIONS:
            if name in self.symbols or name in CONSTANTS:
                raise self.fail(f"{name} is not a function: to multiply, write {name}*(...)",
                                node)
            close = difflib.get_close_matches(name, list(FUNCTIONS), n=1, cutoff=0.6)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise self.fail(f"unknown function {name!r}.{hint} The allowed functions are "
                            f"{', '.join(sorted(FUNCTIONS))}.", node)
        if node.keywords or len(node.args) != 1:
            raise self.fail(f"{name} takes exactly one argument, e.g. {name}(x)", node)
        arg = self.build(node.args[0])
        if name in ("exp", "sinh", "cosh") and _is_const(arg):
            if float(sp.N(arg, 15)) > MAX_EXP_ARG:
                raise self.fail(f"{ast.unparse(node)} is far too large", node)
        if name in ("log", "ln") and arg == 0:
            raise self.fail(f"{ast.unparse(node)} is undefined (log(0))", node)
        return FUNCTIONS[name](arg)


def _tree_size(tree: ast.AST) -> tuple[int, int]:
    """Number of nodes and depth of a syntax tree (iteratively, without recursion)."""
    count, depth = 0, 0
    stack = [(tree, 1)]
    while stack:
        node, d = stack.pop()
        count += 1
        depth = max(depth, d)
        stack.extend((child, d + 1) for child in ast.iter_child_nodes(node))
    return count, depth


def parse_loss(text: str, variables: Sequence[str | sp.Symbol] | str = ("x", "y")) -> sp.Expr:
    """Parse an untrusted formula in the given variables into a sympy expression (or ValueError)."""
    symbols = _variable_symbols(variables)
    if not isinstance(text, str):
        raise FormulaError(f"the formula must be text, not {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"the formula is too long ({len(text)} characters; the limit is "
                           f"{MAX_LENGTH})")
    stripped = text.strip()
    if not stripped:
        raise FormulaError("the formula is empty: type a loss in "
                           f"{', '.join(symbols)}, for example x^2 - y^2")
    norm, cols = _normalise(stripped)

    def err(message: str, index: int) -> FormulaError:
        col = cols[index] if 0 <= index < len(cols) else len(stripped)
        return FormulaError(message, stripped, col)

    _tokenise(norm, err, set(symbols))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(norm, mode="eval")
    except (SyntaxError, ValueError, MemoryError, RecursionError) as exc:
        index = (exc.offset - 1) if isinstance(exc, SyntaxError) and exc.offset else len(norm)
        raise err("the formula is incomplete or has an operator in the wrong place. "
                  + allowed_summary(list(symbols)), min(index, len(norm) - 1)) from None
    count, depth = _tree_size(tree)
    if count > MAX_NODES:
        raise FormulaError(f"the formula is too complex ({count} parts; the limit is "
                           f"{MAX_NODES})")
    if depth > MAX_DEPTH:
        raise FormulaError(f"the formula is nested too deeply (depth {depth}; the limit is "
                           f"{MAX_DEPTH})")
    expr = _Builder(symbols, err).build(tree.body)
    for p in sp.preorder_traversal(expr):
        if isinstance(p, sp.Pow) and p.exp.is_Number and abs(float(p.exp)) > MAX_EXPONENT:
            raise FormulaError(f"the formula combines into {p}, whose exponent is too large "
                               f"(keep |exponent| <= {MAX_EXPONENT})")
    return expr


# ----------------------------------------------------------------- checking a surface


@dataclass
class SurfaceCheck:
    """What a grid scan found: ``ok`` is False when any region is undefined or singular."""

    ok: bool
    issues: list[str] = field(default_factory=list)
    undefined_fraction: float = 0.0  # share of grid points where L is NaN, complex or infinite
    nondifferentiable: bool = False  # True when the gradient or Hessian fails somewhere


def _fmt_point(names: Sequence[str], values: Sequence[float]) -> str:
    return "(" + ", ".join(f"{n} = {v:.3g}" for n, v in zip(names, values, strict=True)) + ")"


def _grid(bounds: Sequence[tuple[float, float]], n: int) -> list[np.ndarray]:
    axes = [np.linspace(float(lo), float(hi), n) for lo, hi in bounds]
    return list(np.meshgrid(*axes, indexing="xy"))


def _eval_on(expr: sp.Expr, variables: Sequence[sp.Symbol], grid: list[np.ndarray]) -> np.ndarray:
    """Evaluate expr on the grid as float (non-real values become NaN), silencing numpy."""
    fn = sp.lambdify(list(variables), expr, modules="numpy")
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = np.asarray(fn(*grid), dtype=complex) * np.ones_like(grid[0])
    real = out.real.copy()
    real[np.abs(out.imag) > 1e-12 * (1 + np.abs(out.real))] = np.nan
    return real


def _zero_crossing(values: np.ndarray) -> bool:
    """True when a sampled quantity is 0 or changes sign on the grid."""
    finite = values[np.isfinite(values)]
    return bool(finite.size > 0 and (np.any(finite == 0) or finite.min() < 0 < finite.max()))


def check_surface(
    expr: sp.Expr,
    variables: Sequence[sp.Symbol],
    bounds: Sequence[tuple[float, float]],
    n: int = 101,
) -> SurfaceCheck:
    """Scan an n×n grid of the region: where is L undefined, infinite, not real or not smooth?"""
    variables = list(variables)
    names = [v.name for v in variables]
    grid = _grid(bounds, n)
    issues: list[str] = []
    values = _eval_on(expr, variables, grid)
    bad = ~np.isfinite(values)
    nondiff = False
    if bad.any():
        k = np.flatnonzero(bad)[0]
        where = _fmt_point(names, [g.flat[k] for g in grid])
        issues.append(f"L is undefined, not real or infinite on {bad.mean():.0%} of the region "
                      f"(e.g. at {where}); those points are left blank (grey) in the picture.")
    # places where L exists but is not smooth: kinks of abs, roots of sqrt, poles, log(0)
    seen: set[str] = set()
    for sub in sp.preorder_traversal(expr):
        arg, what = None, ""
        if isinstance(sub, sp.Abs):
            arg, what = sub.args[0], "abs(·) has a kink where its argument is 0"
        elif isinstance(sub, sp.log):
            arg, what = sub.args[0], "log(·) needs a positive argument"
        elif isinstance(sub, sp.Pow) and not _is_const(sub.base):
            p = sub.exp
            if p.is_Number and p < 0:
                arg, what = sub.base, "a division by a quantity that can be 0"
            elif p.is_Number and not p.is_integer:
                arg, what = sub.base, f"a power ^{p} that is not smooth where its base is ≤ 0"
        elif isinstance(sub, sp.tan):
            arg, what = sp.cos(sub.args[0]), "tan(·) has poles where cos(·) = 0"
        if arg is None or _is_const(arg):
            continue
        sampled = _eval_on(arg, variables, grid)
        finite = sampled[np.isfinite(sampled)]
        if finite.size == 0:
            continue
        if _zero_crossing(finite) or (what.startswith("log") and finite.min() <= 0):
            key = f"{what}: {sp.sstr(sub)}"
            if key not in seen:
                seen.add(key)
                k = int(np.argmin(np.where(np.isfinite(sampled), np.abs(sampled), np.inf)))
                where = _fmt_point(names, [g.flat[k] for g in grid])
                issues.append(f"{what} ({sp.sstr(sub)}, near {where}): the gradient and the "
                              "Hessian are not defined there.")
                nondiff = True
    return SurfaceCheck(ok=not issues, issues=issues, undefined_fraction=float(bad.mean()),
                        nondifferentiable=nondiff)
