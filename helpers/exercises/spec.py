"""What a write-it-yourself exercise is (cases, a reference, a comparison, the texts) and how
one call of the student's function is attempted safely."""

from __future__ import annotations

import ast
import copy
import inspect
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

NO_VALUE: Any = object()  # a case without a hand-written expected value uses the reference

MISSING_RETURN = "your function returned None: is a `return` statement missing?"


@dataclass(frozen=True)
class Case:
    """One input of an exercise; ``steps`` > 0 makes it a multi-step (sequence) case."""

    label: str
    args: tuple
    expected: Any = NO_VALUE
    hint: str = ""
    steps: int = 0


@dataclass(frozen=True)
class Outcome:
    """What happened on one case (or on the whole run): pass, not-done, fail or error."""

    status: str
    case_index: int = 0
    case: Case | None = None
    inputs: tuple = ()
    expected: Any = None
    returned: Any = None
    reason: str = ""
    error: BaseException | None = None
    step: int | None = None


Compare = Callable[[Any, Any, tuple], "str | None"]


@dataclass(frozen=True)
class FunctionExercise:
    """A function the student writes: its cases, a reference implementation and the texts."""

    name: str
    notebook: str
    params: tuple[str, ...]
    reference: Callable[..., Any]
    cases: tuple[Case, ...]
    compare: Compare
    stub: str
    solution: str
    sequence: Callable[[Callable[..., Any], Case], Outcome | None] | None = None
    expected_note: str = ""

    def expected(self, case: Case) -> Any:
        """The case's hand-written expected value, or the reference's result."""
        if case.expected is not NO_VALUE:
            return case.expected
        return self.reference(*copy.deepcopy(case.args))


def _trivial(statement: ast.stmt) -> bool:
    """pass, ..., a docstring, `return`/`return None`/`return ...`, raise NotImplementedError."""
    if isinstance(statement, ast.Pass):
        return True
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
        return True
    if isinstance(statement, ast.Return):
        value = statement.value
        return value is None or (isinstance(value, ast.Constant) and value.value in (None, ...))
    if isinstance(statement, ast.Raise) and statement.exc is not None:
        target = statement.exc.func if isinstance(statement.exc, ast.Call) else statement.exc
        return isinstance(target, ast.Name) and target.id == "NotImplementedError"
    return False


def is_stub(fn: Callable[..., Any]) -> bool:
    """The function's body does nothing yet (only a docstring, pass, ... or a placeholder)."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError, SyntaxError, IndentationError):
        return False
    node = tree.body[0] if tree.body else None
    if not isinstance(node, ast.FunctionDef):
        return False
    return all(_trivial(statement) for statement in node.body)


def _same_data(a: Any, b: Any) -> bool:
    """Two argument values hold the same data (arrays element by element)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return bool(np.array_equal(a, b, equal_nan=True))
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_same_data(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, sp.MatrixBase):
        return a == b
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return True


def changed_argument(given: tuple, pristine: tuple, params: tuple[str, ...]) -> str | None:
    """The name of an argument the function changed in place, or None."""
    for name, after, before in zip(params, given, pristine, strict=False):
        if not _same_data(after, before):
            return name
    return None


def attempt(
    fn: Callable[..., Any], args: tuple, params: tuple[str, ...]
) -> tuple[Any, Outcome | None]:
    """Call the student's function on copies of ``args``: (result, None) or (None, why not)."""
    given, pristine = copy.deepcopy(args), copy.deepcopy(args)
    try:
        result = fn(*given)
    except NotImplementedError:
        return None, Outcome("not-done")
    except Exception as exc:  # the student's code: shown as their line, never re-raised
        return None, Outcome("error", inputs=args, error=exc)
    if result is Ellipsis or (result is None and is_stub(fn)):
        return None, Outcome("not-done")
    if result is None:
        return None, Outcome("fail", inputs=args, returned=None, reason=MISSING_RETURN)
    changed = changed_argument(given, pristine, params)
    if changed:
        reason = (f"your function changed its argument `{changed}` in place (with +=, *= or "
                  f"item assignment); make a new value instead, e.g. {changed} = {changed} + ...")
        return None, Outcome("fail", inputs=args, returned=result, reason=reason)
    return result, None


def show(value: Any, limit: int = 300) -> str:
    """A value as a student reads it: lists for arrays, short floats, Matrix([...])."""
    text = _show(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _show(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return _show(value.tolist())
    if isinstance(value, float | np.floating):
        short = repr(float(value))
        return short if len(short) <= 10 else f"{float(value):.6g}"
    if isinstance(value, bool | np.bool_ | np.integer):
        return repr(value.item() if hasattr(value, "item") else value)
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, tuple):
        inner = ", ".join(_show(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, sp.MatrixBase):
        return f"Matrix({_show(value.tolist())})"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, sp.Basic):
        return str(value)
    return repr(value)
