"""``check_function(student_fn, exercise=...)``: run a student's function on the exercise's
cases and report the first failing one (its input, the expected and the returned value), an
error as the student's own line, or "not done yet" for an untouched stub. Never raises for
anything the student's function does."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from helpers.exercises.catalogue import get_exercise
from helpers.exercises.errors import error_lines
from helpers.exercises.feedback_zh import say
from helpers.exercises.messages import (
    CORRECT,
    NOT_ATTEMPTED,
    NOT_DONE,
    NOT_YET,
    kind_of,
    sentence,
    verdict_line,
)
from helpers.exercises.spec import Case, FunctionExercise, Outcome, attempt, show


def _run_case(fn: Callable[..., Any], spec: FunctionExercise, case: Case) -> Outcome | None:
    """One call on one case: None when the result is right."""
    result, outcome = attempt(fn, case.args, spec.params)
    expected = spec.expected(case)
    if outcome is not None:
        return replace(outcome, inputs=case.args, expected=expected)
    try:
        reason = spec.compare(result, expected, case.args)
    except Exception as exc:  # a strange result must not crash the checker
        reason = f"could not compare your result ({type(exc).__name__})"
    if reason is None:
        return None
    return Outcome("fail", inputs=case.args, expected=expected, returned=result, reason=reason)


def run_cases(fn: Callable[..., Any], spec: FunctionExercise) -> Outcome:
    """The first case that does not pass (numbered from 1), or a "pass" outcome."""
    for index, case in enumerate(spec.cases, start=1):
        try:
            if case.steps and spec.sequence:
                outcome = spec.sequence(fn, case)
            else:
                outcome = _run_case(fn, spec, case)
        except Exception as exc:  # a strange result must not crash the checker
            reason = f"could not compare your result ({type(exc).__name__})"
            outcome = Outcome("fail", inputs=case.args, reason=reason)
        if outcome is not None:
            return replace(outcome, case_index=index, case=case)
    return Outcome("pass")


def _signature_problem(fn: Callable[..., Any], spec: FunctionExercise) -> str | None:
    """Why the function cannot be called with the exercise's arguments, or None."""
    try:
        inspect.signature(fn).bind(*spec.cases[0].args)
    except TypeError:
        call = f"{spec.name}({', '.join(spec.params)})"
        return (f"your function cannot be called as {call}: keep the first line of the stub, "
                f"def {call}:, as given")
    except ValueError:  # no signature available (a builtin): just try it
        return None
    return None


def _case_lines(outcome: Outcome, spec: FunctionExercise) -> list[str]:
    """input / expected / returned, one per line."""
    inputs = ", ".join(f"{p}={show(a)}" for p, a in zip(spec.params, outcome.inputs, strict=False))
    lines = [f"input:    {inputs}"]
    if outcome.status == "fail":
        note = f" {spec.expected_note}" if spec.expected_note else ""
        lines.append(f"expected: {show(outcome.expected)}{note}")
        lines.append(f"returned: {show(outcome.returned)}")
    return lines


def render(outcome: Outcome, spec: FunctionExercise, label: str) -> str:
    """The printed report of a run."""
    if outcome.status == "pass":
        return verdict_line(CORRECT, label, f"all {len(spec.cases)} cases pass.")
    if outcome.status == "not-done":
        return verdict_line(NOT_ATTEMPTED, label, f"{NOT_DONE}: write the body of {spec.name} "
                            "(in place of `raise NotImplementedError`) and run the cell again.")
    where = f"case {outcome.case_index} of {len(spec.cases)} ({outcome.case.label})"
    if outcome.step is not None:
        where += f", at step {outcome.step}"
    if outcome.status == "error":
        body = _case_lines(outcome, spec) + error_lines(outcome.error)
        head = f"{where} raised an error in your code:"
    else:
        tip = outcome.case.hint if outcome.case and outcome.case.hint else ""
        body = _case_lines(outcome, spec) + [f"why:      {sentence(outcome.reason)}"]
        body += [f"note:     {tip}"] if tip else []
        head = f"{where} is not right yet:"
    return "\n".join([verdict_line(NOT_YET, label, head), *("    " + line for line in body)])


def check_function(student_fn: Any, exercise: str, *, name: str | None = None) -> None:
    """Run ``student_fn`` on the cases of ``exercise`` and print the verdict (never raises
    for anything the student wrote; an unknown ``exercise`` name is a ValueError)."""
    spec = get_exercise(exercise)
    label = name or spec.name
    if student_fn is Ellipsis:
        say(render(Outcome("not-done"), spec, label))
        return
    if not callable(student_fn):
        say(verdict_line(NOT_YET, label, f"expected your function {spec.name} itself "
                           f"(its name, without calling it); got {kind_of(student_fn)}."))
        return
    problem = _signature_problem(student_fn, spec)
    if problem:
        say(verdict_line(NOT_YET, label, sentence(problem)))
        return
    say(render(run_cases(student_fn, spec), spec, label))
