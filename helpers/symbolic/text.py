"""Plain-text forms of sympy objects and numbers, as reports and reasons print them."""

from __future__ import annotations

from typing import Any

import numpy as np
import sympy as sp


def pretty(obj: Any) -> str:
    """Short plain-text form of a sympy object (or a list of them)."""
    if isinstance(obj, (list, tuple)):
        return "(" + ", ".join(pretty(o) for o in obj) + ")"
    return str(obj).replace("**", "^").replace("*", "·")


def fmt_num(x: float) -> str:
    x = float(x)
    if x == 0:
        return "0"
    return f"{x:.6g}"


def fmt_vec(v: np.ndarray) -> str:
    return "[" + ", ".join(fmt_num(x) for x in np.ravel(v)) + "]"


def fmt_mat(m: np.ndarray) -> str:
    return "[" + ", ".join(fmt_vec(r) for r in m) + "]"


def eq_text(eq: Any) -> str:
    if isinstance(eq, sp.Equality):
        return f"{pretty(eq.lhs)} = {pretty(eq.rhs)}"
    return str(eq)
