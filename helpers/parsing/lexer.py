"""Tokens of a formula: look-alike characters replaced, stray characters, brackets and 2x rejected.

Every check works on the text alone (nothing is parsed or evaluated yet) and raises the
:class:`~helpers.parsing.language.FormulaError` made by ``err(message, index)``.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass

from helpers.parsing.language import (
    FUNCTIONS,
    MAX_NESTING,
    ErrorMaker,
    FormulaError,
    allowed_summary,
)

# unicode look-alikes a student may paste; each maps to ASCII
REPLACEMENTS = {
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

CHAR_HINTS = {
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

TOKEN_RE = re.compile(
    r"(?P<space>\s+)"
    r"|(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[A-Za-z][A-Za-z0-9_]*)"
    r"|(?P<op>\*\*|//|[-+*/()])"
)


def normalise(text: str) -> tuple[str, list[int]]:
    """Replace unicode look-alikes and '^'; return the new text and each char's original column."""
    out: list[str] = []
    cols: list[int] = []
    for i, ch in enumerate(text):
        rep = REPLACEMENTS.get(ch, ch)
        out.append(rep)
        cols.extend([i + 1] * len(rep))
    return "".join(out), cols


@dataclass
class Token:
    kind: str  # number | name | op
    text: str
    start: int  # index in the normalised text

    @property
    def ends_operand(self) -> bool:
        """A number, a name or ')': what an operand ends with."""
        return self.kind in ("number", "name") or self.text == ")"

    @property
    def starts_operand(self) -> bool:
        """A number, a name or '(': what an operand starts with."""
        return self.kind in ("number", "name") or self.text == "("


def _stray_character(ch: str, pos: int, err: ErrorMaker, names: set[str]) -> FormulaError:
    """A character that no token allows, with a hint for the usual mistakes."""
    hint = CHAR_HINTS.get(ch, "")
    shown = repr(ch) if ch.isprintable() else f"U+{ord(ch):04X}"
    return err(f"{shown} is not allowed: " + (hint if hint else allowed_summary(sorted(names))),
               pos)


def _scan(norm: str, err: ErrorMaker, names: set[str]) -> list[Token]:
    """Split into tokens (spaces dropped); reject stray characters."""
    tokens: list[Token] = []
    pos = 0
    while pos < len(norm):
        m = TOKEN_RE.match(norm, pos)
        if m is None:
            raise _stray_character(norm[pos], pos, err, names)
        kind = m.lastgroup or ""
        if kind != "space":
            tokens.append(Token(kind, m.group(), pos))
        pos = m.end()
    return tokens


def _check_parentheses(tokens: list[Token], err: ErrorMaker) -> None:
    """Every '(' closed, every ')' opened, nesting at most MAX_NESTING deep."""
    opened: list[int] = []
    for tok in tokens:
        if tok.text == "(":
            opened.append(tok.start)
            if len(opened) > MAX_NESTING:
                raise err(f"the parentheses are nested too deeply (more than {MAX_NESTING})",
                          tok.start)
        elif tok.text == ")":
            if not opened:
                raise err("this ')' has no matching '('", tok.start)
            opened.pop()
    if opened:
        raise err("this '(' is never closed", opened[-1])


def _check_words(tokens: list[Token], err: ErrorMaker) -> None:
    """No Python keyword (nor print) among the names."""
    for tok in tokens:
        if tok.kind == "name" and (keyword.iskeyword(tok.text) or tok.text == "print"):
            raise err(f"the Python word {tok.text!r} is not allowed: a formula is not a program",
                      tok.start)


def _juxtaposed(a: Token, b: Token, norm: str, err: ErrorMaker) -> FormulaError:
    """Two operands side by side: a function without brackets, 2j, or a missing '*'."""
    if a.kind == "name" and a.text in FUNCTIONS:
        return err(f"a function needs brackets: write {a.text}({b.text}), not "
                   f"{a.text} {b.text}", b.start)
    if a.kind == "number" and b.text in ("j", "J") and b.start == a.start + len(a.text):
        return err(f"complex numbers such as {a.text}j are not allowed", a.start)
    left = a.text if a.text != ")" else "(…)"
    right = b.text if b.text != "(" else "(…)"
    gap = norm[a.start + len(a.text):b.start]
    return err(f"missing '*' between {left} and {right}: write {left}*{right}, "
               f"not {left}{gap}{right} (implicit multiplication is not allowed)", b.start)


def _check_neighbours(tokens: list[Token], norm: str, err: ErrorMaker) -> None:
    """No floor division and no implicit multiplication such as 2x or (x)(y)."""
    for a, b in zip(tokens, tokens[1:], strict=False):
        if a.text == "//" or b.text == "//":
            t = a if a.text == "//" else b
            raise err("floor division // is not allowed; use / for division", t.start)
        # a name before '(' is a call such as sin(x); the tree check decides whether it is one
        if a.ends_operand and b.starts_operand and not (a.kind == "name" and b.text == "("):
            raise _juxtaposed(a, b, norm, err)


def tokenise(norm: str, err: ErrorMaker, names: set[str]) -> list[Token]:
    """Split into tokens; reject stray characters, bad parentheses and 2x-style input."""
    tokens = _scan(norm, err, names)
    _check_parentheses(tokens, err)
    _check_words(tokens, err)
    _check_neighbours(tokens, norm, err)
    return tokens
