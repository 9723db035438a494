"""Write-it-yourself exercises of notebooks 02-03: the gradient and Hessian with sympy, and
classifying a critical point from the Hessian's eigenvalues.

The reference implementations here are written independently of the rest of ``helpers``
(sympy's ``derive_by_array``; counting with numpy), so a bug there cannot hide one here.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import sympy as sp

from helpers.exercises.results import parts_compare, value_compare
from helpers.exercises.spec import Case, FunctionExercise

w1, w2, x, y = sp.symbols("w1 w2 x y")

GRADIENT_STUB = '''\
import sympy as sp


def gradient_and_hessian(f, variables):
    """The gradient and the Hessian of the sympy expression f.

    variables: the symbols in order, e.g. (w1, w2).
    Return (grad, hess): grad is the list [df/dv for v in variables];
    hess is the sympy Matrix with hess[i, j] = d²f / (dv_i dv_j).
    """
    # Your code here: ...
    # Hint: sp.diff(f, v) is one derivative, sp.diff(f, a, b) two in a row. Use the
    # symbols in `variables`, in their order.
    raise NotImplementedError("write the body of gradient_and_hessian")
'''

GRADIENT_SOLUTION = '''\
import sympy as sp


def gradient_and_hessian(f, variables):
    """The gradient (a list) and the Hessian (a sympy Matrix) of f."""
    grad = [sp.diff(f, v) for v in variables]
    hess = sp.Matrix([[sp.diff(f, a, b) for b in variables] for a in variables])
    return grad, hess
'''


def reference_gradient_and_hessian(f: Any, variables: tuple) -> tuple[list, sp.Matrix]:
    """Gradient (a list) and Hessian (a Matrix) by sympy's array derivatives."""
    grad = sp.derive_by_array(sp.sympify(f), list(variables))
    hess = sp.derive_by_array(grad, list(variables))
    return list(grad), sp.Matrix(hess.tolist())


GRADIENT_AND_HESSIAN = FunctionExercise(
    name="gradient_and_hessian",
    notebook="02_taylor_and_hessian",
    params=("f", "variables"),
    reference=reference_gradient_and_hessian,
    cases=(
        Case("the lecture's loss L = (1 − w1·w2)²", ((1 - w1 * w2) ** 2, (w1, w2))),
        Case("a quadratic bowl in x and y", (x**2 + 3 * y**2, (x, y)),
             hint="use the symbols passed in `variables`, not w1 and w2"),
        Case("a loss with a cross term x·y", (x**2 - 3 * x * y + 2 * y**2 + x, (x, y)),
             hint="the mixed derivative d²f/(dx dy) goes off the diagonal"),
        Case("the variables in the order (y, x)", (x**2 + 4 * y, (y, x)),
             hint="entry i belongs to variables[i], whatever its name"),
        Case("a constant loss", (sp.Integer(5), (x, y)),
             hint="a constant has a zero gradient and a zero Hessian of the same sizes"),
    ),
    compare=parts_compare(("gradient", "Hessian"), value_compare()),
    stub=GRADIENT_STUB,
    solution=GRADIENT_SOLUTION,
)

CLASSIFY_STUB = '''\
def classify(eigvals, tol):
    """The kind of a critical point, from its Hessian's eigenvalues.

    Return "local minimum", "local maximum", "saddle point" or "degenerate".
    An eigenvalue with |λ| <= tol counts as zero. Eigenvalues of both signs
    make a saddle point (even if another one is zero); otherwise a zero
    eigenvalue makes the point degenerate.
    """
    # Your code here: ...
    # Hint: count the eigenvalues below -tol and above tol, then decide.
    raise NotImplementedError("write the body of classify")
'''

CLASSIFY_SOLUTION = '''\
def classify(eigvals, tol):
    """The kind of a critical point, from its Hessian's eigenvalues."""
    negative = [lam for lam in eigvals if lam < -tol]
    positive = [lam for lam in eigvals if lam > tol]
    if negative and positive:
        return "saddle point"
    if len(negative) + len(positive) < len(eigvals):  # some |λ| <= tol count as zero
        return "degenerate"
    return "local maximum" if negative else "local minimum"
'''

def reference_classify(eigvals: Any, tol: float) -> str:
    """The set of signs of the eigenvalues, with the band |λ| ≤ tol as sign 0."""
    lam = np.asarray(eigvals, dtype=float).ravel()
    signs = set(np.sign(np.where(np.abs(lam) <= tol, 0.0, lam)).astype(int).tolist())
    if {-1, 1} <= signs:
        return "saddle point"
    if 0 in signs:
        return "degenerate"
    return "local maximum" if -1 in signs else "local minimum"


CLASSIFY = FunctionExercise(
    name="classify",
    notebook="03_classifying_critical_points",
    params=("eigvals", "tol"),
    reference=reference_classify,
    cases=(
        Case("a positive definite Hessian", ([1.0, 3.0], 1e-6), "local minimum"),
        Case("a negative definite Hessian", ([-2.0, -0.5], 1e-6), "local maximum"),
        Case("eigenvalues of both signs", ([-1.0, 2.0], 1e-6), "saddle point"),
        Case("a zero eigenvalue", ([0.0, 2.0], 1e-6), "degenerate"),
        Case("a 1×1 spectrum (one variable)", ([-5.0], 1e-6), "local maximum",
             hint="a function of one variable has just one eigenvalue"),
        Case("a tiny eigenvalue inside the zero band", ([-1e-9, 2.0], 1e-6), "degenerate",
             hint="|λ| <= tol counts as zero, whatever its sign"),
        Case("both signs and a zero", ([-1.0, 0.0, 2.0], 1e-6), "saddle point",
             hint="both signs already make a saddle point, zero or not"),
        Case("an eigenvalue exactly at the tolerance", ([0.001, 4.0], 0.001), "degenerate",
             hint="|λ| <= tol (less than or equal) counts as zero"),
    ),
    compare=value_compare(),
    stub=CLASSIFY_STUB,
    solution=CLASSIFY_SOLUTION,
)
