"""Variables by name: sympy symbols (plain or real), strings and parse_loss's symbols alike.

A student may make ``x, y = sp.symbols("x y")`` and analyse ``parse_loss("x^2 - y^2")``,
whose symbols are real: same names, different sympy symbols. Variables are therefore matched
to the loss by NAME. A symbol given by the caller is used as is (the loss is rewritten in
it); a name given as text stands for the loss's own symbol of that name.
"""

from __future__ import annotations

from typing import Any

import sympy as sp

__all__ = ["match_variables"]


def _names_text(names: list[str]) -> str:
    return ", ".join(names) if names else "nothing"


def _as_symbols(variables: Any, expr: sp.Expr) -> tuple[sp.Symbol, ...]:
    """The given variables as symbols: a string names the loss's symbol of that name."""
    if isinstance(variables, str):
        variables = variables.replace(",", " ").split()
    elif isinstance(variables, sp.Symbol):
        variables = (variables,)
    try:
        given = tuple(variables)
    except TypeError as exc:
        raise ValueError("variables must be a sequence of sympy symbols or names, "
                         "e.g. (x, y) or ('x', 'y')") from exc
    if not given or not all(isinstance(v, (sp.Symbol, str)) for v in given):
        raise ValueError("variables must be a non-empty sequence of sympy symbols or names, "
                         "e.g. (x, y) or ('x', 'y')")
    own = {s.name: s for s in sorted(expr.free_symbols, key=sp.default_sort_key)}
    out = []
    for v in given:
        if isinstance(v, str):
            name = v.strip()
            if not name.isidentifier():
                raise ValueError(f"{v!r} is not a variable name (e.g. 'x' or 'w1')")
            v = own.get(name, sp.Symbol(name, real=True))
        out.append(v)
    return tuple(out)


def match_variables(expr: sp.Expr, variables: Any) -> tuple[sp.Expr, tuple[sp.Symbol, ...]]:
    """(expr written in the given variables, the variables as symbols), matched by name.

    Raises a ValueError naming both sides when the loss uses a name that is not among the
    variables, or when a name is given twice.
    """
    vars_ = _as_symbols(variables, expr)
    names = [v.name for v in vars_]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ValueError(f"variables must not repeat a name: {', '.join(twice)} is given twice "
                         f"(variables given: {_names_text(names)})")
    by_name = dict(zip(names, vars_, strict=True))
    uses = sorted({s.name for s in expr.free_symbols})
    missing = [n for n in uses if n not in by_name]
    if missing:
        raise ValueError(f"the loss uses {_names_text(uses)} but the variables given are "
                         f"{_names_text(names)}: {', '.join(missing)} "
                         f"{'is' if len(missing) == 1 else 'are'} not in variables")
    renames = {s: by_name[s.name] for s in expr.free_symbols if s != by_name[s.name]}
    return (expr.xreplace(renames) if renames else expr), vars_
