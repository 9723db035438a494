"""Write-it-yourself exercises of notebook 04: one escape step along the most negative
curvature, and power iteration for the largest-magnitude eigenvalue.

The references use ``np.linalg.eig`` and matrix powers, not the students' ``eigh`` loop, and
nothing else of ``helpers``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from helpers.exercises.numeric import float_array_like
from helpers.exercises.results import value_compare
from helpers.exercises.spec import Case, FunctionExercise

ESCAPE_STUB = '''\
import numpy as np


def escape_step(theta, hess, step):
    """One step out of a saddle point, along the most negative curvature.

    Return theta + step * u, where u is a unit eigenvector (length 1) of the most
    negative eigenvalue of hess. Either sign of u is accepted: an eigenvector has no
    preferred sign. If no eigenvalue is negative (the smallest one is >= 0), there is
    no way down: return theta unchanged. Do not change theta in place.
    """
    # Your code here: ...
    # Hint: np.linalg.eigh(hess) returns (eigvals, eigvecs), the eigenvalues from the
    # smallest to the largest; eigenvector i is the column eigvecs[:, i].
    raise NotImplementedError("write the body of escape_step")
'''

ESCAPE_SOLUTION = '''\
import numpy as np


def escape_step(theta, hess, step):
    """theta + step·u along the most negative curvature; theta itself if there is none."""
    eigvals, eigvecs = np.linalg.eigh(np.asarray(hess, dtype=float))
    if eigvals[0] >= 0:
        return np.array(theta, dtype=float)
    return np.asarray(theta, dtype=float) + step * eigvecs[:, 0]
'''


def reference_escape_step(theta: Any, hess: Any, step: float) -> np.ndarray:
    """By the general eigensolver: the eigenvector of the smallest real eigenvalue."""
    theta = np.array(theta, dtype=float)
    eigvals, eigvecs = np.linalg.eig(np.asarray(hess, dtype=float))
    i = int(np.argmin(eigvals.real))
    if eigvals.real[i] >= 0:
        return theta
    u = eigvecs[:, i].real / np.linalg.norm(eigvecs[:, i].real)
    first = np.flatnonzero(np.abs(u) > 1e-12)[0]
    return theta + step * (u if u[first] > 0 else -u)


def _along(hess: np.ndarray, d: np.ndarray, lam: float) -> bool:
    """d is an eigenvector of hess for the eigenvalue lam."""
    scale = max(1.0, float(np.linalg.norm(hess))) * float(np.linalg.norm(d))
    return float(np.linalg.norm(hess @ d - lam * d)) <= 1e-8 * scale


def _direction_message(hess: np.ndarray, d: np.ndarray, lam: np.ndarray) -> str:
    if any(_along(hess, d, other) for other in lam[1:]):
        return ("you moved along the eigenvector of another eigenvalue, not the most negative "
                "one: eigh lists the eigenvalues from the smallest to the largest")
    return ("the direction is not an eigenvector of the Hessian: eigenvector i is the column "
            "eigvecs[:, i], not the row eigvecs[i]")


def compare_escape(returned: Any, expected: Any, args: tuple) -> str | None:
    """Any unit eigenvector of the most negative eigenvalue (either sign) is right."""
    theta, hess, step = np.asarray(args[0], dtype=float), np.asarray(args[1], dtype=float), args[2]
    got, problem = float_array_like(returned, theta.shape)
    if got is None:
        return problem
    lam, d = np.linalg.eigvalsh(hess), got - theta
    moved = not np.allclose(d, 0, atol=1e-12)
    if lam[0] >= 0:
        return "no eigenvalue is negative here, so there is no way down: return theta unchanged" \
            if moved else None
    if not moved:
        return "you did not move, but the Hessian has a negative eigenvalue here: step along it"
    if np.any(theta) and _along(hess, got, lam[0]) and np.isclose(np.linalg.norm(got), step):
        return "you returned only the step step·u: add it to theta"
    if not _along(hess, d, lam[0]):
        return _direction_message(hess, d, lam)
    if not np.isclose(np.linalg.norm(d), step, rtol=1e-9):
        return "the step has the wrong length: u must be a unit vector, so the step is `step` long"
    return None


ESCAPE_STEP = FunctionExercise(
    name="escape_step",
    notebook="04_escaping_saddle_points",
    params=("theta", "hess", "step"),
    reference=reference_escape_step,
    cases=(
        Case("the lecture's saddle at the origin",
             (np.zeros(2), np.array([[0.0, -2.0], [-2.0, 0.0]]), 0.5)),
        Case("a saddle away from the origin",
             (np.array([1.0, 2.0]), np.array([[1.0, 2.0], [2.0, -2.0]]), 0.1)),
        Case("a local minimum (no negative eigenvalue)",
             (np.array([0.5, -1.0]), np.array([[2.0, 1.0], [1.0, 2.0]]), 0.5),
             hint="at a minimum there is no way down: return theta unchanged"),
        Case("three variables, two negative eigenvalues",
             (np.array([0.0, 1.0, 0.0]),
              np.array([[-1.0, 0.0, 0.0], [0.0, 2.0, 1.0], [0.0, 1.0, -4.0]]), 0.2),
             hint="the most negative eigenvalue, not the first negative one you meet"),
        Case("a local maximum (every eigenvalue negative)",
             (np.array([1.0, 1.0]), np.array([[-1.0, 0.5], [0.5, -3.0]]), 0.3)),
        Case("a zero eigenvalue and no negative one",
             (np.array([2.0, 0.0]), np.array([[1.0, 0.0], [0.0, 0.0]]), 0.5),
             hint="zero is not negative: there is no way down"),
    ),
    compare=compare_escape,
    stub=ESCAPE_STUB,
    solution=ESCAPE_SOLUTION,
    expected_note="(u may have either sign)",
)

POWER_STUB = '''\
import numpy as np


def power_iteration(hess, n_steps):
    """Estimate the eigenvalue of hess with the largest magnitude |λ|.

    Start from v = (1, 1, ..., 1) / sqrt(n). Repeat exactly n_steps times:
    v = hess @ v, then divide v by its length. Return the number v @ hess @ v
    (with n_steps = 0 it is computed from the start vector).
    """
    # Your code here: ...
    raise NotImplementedError("write the body of power_iteration")
'''

POWER_SOLUTION = '''\
import numpy as np


def power_iteration(hess, n_steps):
    """The Rayleigh quotient after n_steps of power iteration from (1, ..., 1)/√n."""
    hess = np.asarray(hess, dtype=float)
    v = np.ones(len(hess)) / np.sqrt(len(hess))
    for _ in range(n_steps):
        v = hess @ v
        v = v / np.linalg.norm(v)
    return v @ hess @ v
'''


def reference_power_iteration(hess: Any, n_steps: int) -> float:
    """By a matrix power: v ∝ Hⁿ·1, then the Rayleigh quotient."""
    hess = np.asarray(hess, dtype=float)
    w = np.linalg.matrix_power(hess, n_steps) @ np.ones(len(hess))
    return float(w @ hess @ w / (w @ w))


POWER_ITERATION = FunctionExercise(
    name="power_iteration",
    notebook="04_escaping_saddle_points",
    params=("hess", "n_steps"),
    reference=reference_power_iteration,
    cases=(
        Case("a diagonal Hessian, 60 steps", (np.diag([3.0, 1.0]), 60)),
        Case("the largest |λ| is negative", (np.array([[-4.0, 1.0], [1.0, 2.0]]), 200),
             hint="return v @ hess @ v, which keeps the sign, not the length of hess @ v"),
        Case("no step at all (n_steps = 0)", (np.diag([3.0, 1.0]), 0),
             hint="n_steps = 0: the quotient of the start vector itself"),
        Case("exactly 3 steps", (np.array([[2.0, 1.0], [1.0, 3.0]]), 3),
             hint="count the steps: range(n_steps) runs n_steps times"),
        Case("a 3×3 Hessian", (np.array([[2.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 4.0]]), 100)),
    ),
    compare=value_compare(rtol=1e-9, atol=1e-12),
    stub=POWER_STUB,
    solution=POWER_SOLUTION,
)
