"""The write-it-yourself exercises by name, and the texts a notebook author pastes:
``exercise_stub(name)`` for the exercise cell, ``exercise_solution(name)`` for its solution."""

from __future__ import annotations

from helpers.exercises.calculus_exercises import CLASSIFY, GRADIENT_AND_HESSIAN
from helpers.exercises.escape_exercises import ESCAPE_STEP, POWER_ITERATION
from helpers.exercises.spec import FunctionExercise
from helpers.exercises.training_exercises import MINIMUM_RATIO, MOMENTUM_STEP, RMSPROP_SIGMA

FUNCTION_EXERCISES: dict[str, FunctionExercise] = {
    spec.name: spec
    for spec in (GRADIENT_AND_HESSIAN, CLASSIFY, ESCAPE_STEP, POWER_ITERATION, MINIMUM_RATIO,
                 MOMENTUM_STEP, RMSPROP_SIGMA)
}


def get_exercise(name: str) -> FunctionExercise:
    """The exercise called ``name``; a ValueError lists the names there are."""
    spec = FUNCTION_EXERCISES.get(name)
    if spec is None:
        known = ", ".join(repr(n) for n in FUNCTION_EXERCISES)
        raise ValueError(f"there is no write-it-yourself exercise {name!r}; there are: {known}")
    return spec


def exercise_stub(name: str) -> str:
    """The stub to paste into the exercise cell: signature, docstring, what to fill in."""
    return get_exercise(name).stub


def exercise_solution(name: str) -> str:
    """The solution to paste into the solution cell's ```python block."""
    return get_exercise(name).solution
