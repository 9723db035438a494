"""Write-it-yourself exercises of notebooks 05-07: the minimum ratio of a spectrum, one
momentum step, and the RMSProp scale σ.

Momentum and RMSProp are also run for many steps and checked against the lecture's closed
forms (the movement as a weighted sum of all past gradients; σ² as a weighted mean of all
past squared gradients), not against the step rule itself.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from helpers.exercises.results import parts_compare, value_compare
from helpers.exercises.spec import Case, FunctionExercise, Outcome, attempt

RATIO_STUB = '''\
def minimum_ratio(eigvals, zero_tol):
    """The share of positive eigenvalues among all of them (a number from 0 to 1).

    An eigenvalue with |λ| <= zero_tol counts as zero, not as positive; zero
    eigenvalues still count in the total.
    """
    # Your code here: ...
    raise NotImplementedError("write the body of minimum_ratio")
'''

RATIO_SOLUTION = '''\
def minimum_ratio(eigvals, zero_tol):
    """The share of eigenvalues above zero_tol, among all eigenvalues."""
    positive = sum(1 for lam in eigvals if lam > zero_tol)
    return positive / len(eigvals)
'''


def reference_minimum_ratio(eigvals: Any, zero_tol: float) -> float:
    """Outside the band |λ| ≤ zero_tol and positive, over the number of eigenvalues."""
    lam = np.asarray(eigvals, dtype=float).ravel()
    return float(np.count_nonzero((np.abs(lam) > zero_tol) & (lam > 0)) / lam.size)


MINIMUM_RATIO = FunctionExercise(
    name="minimum_ratio",
    notebook="05_saddle_or_minimum",
    params=("eigvals", "zero_tol"),
    reference=reference_minimum_ratio,
    cases=(
        Case("all eigenvalues positive", ([0.5, 1.0, 3.0], 1e-6), 1.0),
        Case("no eigenvalue in the zero band", ([-0.3, 0.2, 2.0, 5.0], 1e-6), 0.75),
        Case("one eigenvalue in the zero band (a numpy array)",
             (np.array([-0.3, 2e-9, 0.2, 2.0, 5.0]), 1e-6), 0.6,
             hint="2e-9 is inside the band: it counts as zero, and it still counts in the total"),
        Case("every eigenvalue in the zero band", ([1e-9, -1e-9, 0.0], 1e-6), 0.0),
        Case("a 1-element spectrum", ([-4.0], 1e-6), 0.0),
        Case("an eigenvalue exactly at zero_tol", ([1e-6, 1.0], 1e-6), 0.5,
             hint="|λ| <= zero_tol (less than or equal) counts as zero"),
    ),
    compare=value_compare(),
    stub=RATIO_STUB,
    solution=RATIO_SOLUTION,
)

MOMENTUM_STUB = '''\
def momentum_step(theta, m, grad, lr, beta):
    """One step of gradient descent with momentum, in the lecture's form:

        m_new = beta * m - lr * grad      (the last movement, minus the gradient)
        theta_new = theta + m_new

    Return (theta_new, m_new). Do not change theta or m in place.
    """
    # Your code here: ...
    raise NotImplementedError("write the body of momentum_step")
'''

MOMENTUM_SOLUTION = '''\
def momentum_step(theta, m, grad, lr, beta):
    """m ← β·m − η·g, then θ ← θ + m."""
    m_new = beta * m - lr * grad
    theta_new = theta + m_new
    return theta_new, m_new
'''

_MOMENTUM_PARAMS = ("theta", "m", "grad", "lr", "beta")
_BOWL = np.array([2.0, 20.0])  # the gradient of θ1² + 10·θ2² is (2·θ1, 20·θ2)
_compare_momentum = parts_compare(("theta_new", "m_new"), value_compare(rtol=1e-9, atol=1e-12))


def reference_momentum_step(theta: Any, m: Any, grad: Any, lr: float, beta: float) -> tuple:
    """The lecture's update on float arrays."""
    m_new = beta * np.asarray(m, dtype=float) - lr * np.asarray(grad, dtype=float)
    return np.asarray(theta, dtype=float) + m_new, m_new


def momentum_sequence(fn: Any, case: Case) -> Outcome | None:
    """Many steps on a bowl; step t must give m_t = −η·Σ β^(t−i)·g_i and θ_t = θ_(t−1) + m_t."""
    theta0, lr, beta = case.args
    theta, m, grads = np.array(theta0, dtype=float), np.zeros(len(theta0)), []
    for t in range(case.steps):
        grads.append(_BOWL * theta)
        inputs = (theta.copy(), m.copy(), grads[-1].copy(), lr, beta)
        m_sum = -lr * np.tensordot(beta ** np.arange(t, -1, -1.0), np.array(grads), axes=1)
        expected = (theta + m_sum, m_sum)
        result, outcome = attempt(fn, inputs, _MOMENTUM_PARAMS)
        reason = None if outcome else _compare_momentum(result, expected, inputs)
        if outcome or reason:
            failed = outcome or Outcome("fail", returned=result, reason=reason or "")
            return replace(failed, inputs=inputs, expected=expected, step=t + 1)
        theta, m = (np.asarray(part, dtype=float).reshape(-1) for part in result)
    return None


MOMENTUM_STEP = FunctionExercise(
    name="momentum_step",
    notebook="06_batch_and_momentum",
    params=_MOMENTUM_PARAMS,
    reference=reference_momentum_step,
    cases=(
        Case("the first step (m = 0)",
             (np.array([1.0, 2.0]), np.zeros(2), np.array([2.0, 4.0]), 0.1, 0.9)),
        Case("a step with some momentum already",
             (np.array([0.8, 1.6]), np.array([-0.2, -0.4]), np.array([1.6, -3.2]), 0.1, 0.9)),
        Case("beta = 0: plain gradient descent",
             (np.array([1.0]), np.array([0.5]), np.array([3.0]), 0.05, 0.0)),
        Case("one variable, as plain numbers", (1.0, 0.0, 2.0, 0.1, 0.9)),
        Case("30 steps on the bowl θ1² + 10·θ2²", (np.array([1.0, 1.0]), 0.02, 0.9), steps=30,
             hint="after t steps, m is −lr·Σ beta^(t−i)·g_i: every past gradient, weighted"),
    ),
    compare=_compare_momentum,
    stub=MOMENTUM_STUB,
    solution=MOMENTUM_SOLUTION,
    sequence=momentum_sequence,
)

RMSPROP_STUB = '''\
import numpy as np


def rmsprop_sigma(sigma_prev, grad, alpha, t):
    """The RMSProp scale σ_t of step t, in the lecture's convention:

        t = 0 (the first step): sigma_prev is None, and σ_0 = |g_0|
        t >= 1: σ_t = sqrt(alpha * σ_(t-1)**2 + (1 - alpha) * g_t**2)

    grad may be a number or a numpy array (then work entry by entry).
    """
    # Your code here: ...
    raise NotImplementedError("write the body of rmsprop_sigma")
'''

RMSPROP_SOLUTION = '''\
import numpy as np


def rmsprop_sigma(sigma_prev, grad, alpha, t):
    """σ_0 = |g_0|; then σ_t = √(α·σ_(t−1)² + (1−α)·g_t²)."""
    if t == 0:
        return np.abs(grad)
    return np.sqrt(alpha * sigma_prev**2 + (1 - alpha) * grad**2)
'''

_RMSPROP_PARAMS = ("sigma_prev", "grad", "alpha", "t")


def reference_rmsprop_sigma(sigma_prev: Any, grad: Any, alpha: float, t: int) -> Any:
    """By np.hypot: √(a² + b²) with a = √α·σ, b = √(1−α)·g."""
    g = np.asarray(grad, dtype=float)
    if t == 0:
        return np.hypot(g, 0.0)
    return np.hypot(np.sqrt(alpha) * np.asarray(sigma_prev, dtype=float), np.sqrt(1 - alpha) * g)


def rmsprop_sequence(fn: Any, case: Case) -> Outcome | None:
    """Many steps; σ_t² must equal α^t·g_0² + (1−α)·Σ_(i=1..t) α^(t−i)·g_i²."""
    (alpha,) = case.args
    grads = 3.0 * np.cos(0.7 * np.arange(case.steps)) + 0.5
    compare, sigma = value_compare(rtol=1e-9, atol=1e-12), None
    for t in range(case.steps):
        inputs = (sigma, float(grads[t]), alpha, t)
        weights = (1 - alpha) * alpha ** np.arange(t - 1, -1, -1.0)
        expected = float(np.sqrt(alpha**t * grads[0] ** 2 + weights @ grads[1 : t + 1] ** 2))
        result, outcome = attempt(fn, inputs, _RMSPROP_PARAMS)
        reason = None if outcome else compare(result, expected, inputs)
        if outcome or reason:
            failed = outcome or Outcome("fail", returned=result, reason=reason or "")
            return replace(failed, inputs=inputs, expected=expected, step=t)
        sigma = float(np.asarray(result, dtype=float).reshape(-1)[0])
    return None


RMSPROP_SIGMA = FunctionExercise(
    name="rmsprop_sigma",
    notebook="07_adaptive_learning_rate",
    params=_RMSPROP_PARAMS,
    reference=reference_rmsprop_sigma,
    cases=(
        Case("the first step, t = 0, with a negative gradient", (None, -3.0, 0.9, 0),
             hint="σ_0 = |g_0|: a scale is never negative, and there is no σ before it"),
        Case("a step t = 1", (3.0, 1.0, 0.9, 1),
             hint="alpha weighs the old σ², (1 − alpha) the new g²"),
        Case("alpha = 0: only the newest gradient counts", (2.0, -0.5, 0.0, 5)),
        Case("alpha = 1: σ never changes", (2.0, 10.0, 1.0, 3)),
        Case("a vector of gradients (entry by entry)",
             (np.array([1.0, 0.1]), np.array([0.0, 2.0]), 0.5, 2),
             hint="np.sqrt and np.abs work entry by entry; math.sqrt does not"),
        Case("the first step with a vector gradient", (None, np.array([0.02, -3.0]), 0.9, 0)),
        Case("40 steps against the weighted mean of all squared gradients", (0.9,), steps=40),
    ),
    compare=value_compare(rtol=1e-9, atol=1e-12),
    stub=RMSPROP_STUB,
    solution=RMSPROP_SOLUTION,
    sequence=rmsprop_sequence,
)
