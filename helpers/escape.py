"""Escaping saddle points: gradient descent paths, escape times, the step along a negative
eigenvector (predicted against exact loss change) and what the dense Hessian would cost.

Gradients and Hessians of symbolic surfaces come from :mod:`helpers.symbolic`; this module
only runs gradient descent on them, times the escape and does the bookkeeping.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import sympy as sp

from helpers.deadline import run_within
from helpers.symbolic import (
    check_inputs,
    default_time_limit,
    numeric_within,
    value_within,
)

ArrayFn = Callable[[np.ndarray], np.ndarray]
ScalarFn = Callable[[np.ndarray], float]

# Golub & Van Loan, "Matrix Computations" (4th ed.), Algorithm 8.3.3 (symmetric QR):
# about 4n³/3 flops for the eigenvalues alone, about 9n³ with the eigenvectors accumulated.
EIGH_FLOPS_PER_P3 = 9.0
EIGVALSH_FLOPS_PER_P3 = 4.0 / 3.0


def _check_count(value: int, name: str) -> int:
    """Return value as int, or raise ValueError unless it is a whole number >= 1."""
    if int(value) != value or value < 1:
        raise ValueError(f"{name} must be a positive whole number, got {value}")
    return int(value)


def _as_point(theta, n: int | None = None, name: str = "point") -> np.ndarray:
    """A finite 1-D float array (of length n when given), or a ValueError a student understands."""
    try:
        arr = np.asarray(theta, dtype=float).reshape(-1)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a list of numbers, got {theta!r}") from exc
    if n is not None and arr.size != n:
        raise ValueError(f"{name} must have {n} coordinates, got {arr.size}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinity: {arr}")
    return arr


def numeric_surface(f: sp.Expr, variables: Sequence[sp.Symbol], *,
                    time_limit: float | None = None) -> tuple[ScalarFn, ArrayFn]:
    """Numpy ``loss(theta)`` and ``grad(theta)`` at one point of a sympy loss (helpers.symbolic).

    The gradient comes from central differences when sympy's takes over ``time_limit`` s.
    """
    expr, vars_ = check_inputs(f, variables)
    value, grad_fn, _, _ = numeric_within(expr, vars_, time_limit or default_time_limit())

    def loss(theta: np.ndarray) -> float:
        return float(value(_as_point(theta, len(vars_), "theta")))

    def grad(theta: np.ndarray) -> np.ndarray:
        return grad_fn(_as_point(theta, len(vars_), "theta"))

    return loss, grad


def gradient_descent(
    grad: ArrayFn,
    theta0,
    lr: float,
    n_steps: int,
    *,
    loss: ScalarFn | None = None,
    stop_below: float | None = None,
) -> np.ndarray:
    """Gradient descent θ ← θ − lr·∇L(θ); the path (steps+1, P), stopping once loss < stop_below."""
    if not lr > 0:
        raise ValueError(f"the learning rate lr must be positive, got {lr}")
    if n_steps < 0:
        raise ValueError(f"n_steps must be ≥ 0, got {n_steps}")
    if stop_below is not None and loss is None:
        raise ValueError("stop_below needs the loss function too: pass loss=...")
    theta = _as_point(theta0, name="theta0")
    path = [theta.copy()]
    for _ in range(n_steps):
        if stop_below is not None and loss(theta) < stop_below:
            break
        with np.errstate(over="ignore", invalid="ignore"):
            theta = theta - lr * np.asarray(grad(theta), dtype=float)
        if not np.all(np.isfinite(theta)):
            raise ValueError(f"gradient descent diverged (lr={lr} is too large for this surface)")
        path.append(theta.copy())
    return np.array(path)


def escape_steps(
    loss: ScalarFn, grad: ArrayFn, theta0, lr: float, threshold: float, max_steps: int
) -> int | None:
    """Gradient-descent steps from theta0 until loss < threshold; None if not within max_steps."""
    path = gradient_descent(grad, theta0, lr, max_steps, loss=loss, stop_below=threshold)
    last = path[-1]
    if loss(last) < threshold:
        return len(path) - 1
    return None


def escape_times(
    loss: ScalarFn,
    grad: ArrayFn,
    saddle,
    direction,
    distances: Sequence[float],
    lr: float,
    threshold: float,
    max_steps: int,
) -> np.ndarray:
    """Escape steps from saddle + d·direction/‖direction‖ per d (NaN: none within max_steps)."""
    saddle = _as_point(saddle, name="saddle")
    direction = _as_point(direction, saddle.size, "direction")
    norm = np.linalg.norm(direction)
    if norm == 0:
        raise ValueError("direction must not be the zero vector")
    unit = direction / norm
    out = []
    for d in distances:
        steps = escape_steps(loss, grad, saddle + float(d) * unit, lr, threshold, max_steps)
        out.append(np.nan if steps is None else float(steps))
    return np.array(out)


def linear_escape_slope(eigval: float, lr: float) -> float:
    """Steps gained per e-fold decrease of the start distance: 1 / ln(1 − lr·λ) for λ < 0.

    Near a saddle, gradient descent multiplies the component along the eigenvector of λ
    by (1 − lr·λ) each step, so the distance after t steps is d₀·(1 − lr·λ)^t ≈ d₀·e^{−lr·λ·t}
    and the steps to reach a fixed distance grow like ln(1/d₀) / ln(1 − lr·λ).
    """
    if not eigval < 0:
        raise ValueError(f"an escape needs a negative eigenvalue, got {eigval}")
    if not lr > 0:
        raise ValueError(f"the learning rate lr must be positive, got {lr}")
    return 1.0 / math.log1p(-lr * eigval)


def change_along(
    f: sp.Expr, variables: Sequence[sp.Symbol], point, direction, s: sp.Symbol
) -> sp.Expr:
    """The exact loss change L(θ′ + s·u) − L(θ′) as an expanded sympy expression in s."""
    f, variables = check_inputs(f, variables)
    variables = list(variables)
    point = [sp.nsimplify(p) for p in point]
    direction = [sp.nsimplify(d) for d in direction]
    if len(point) != len(variables) or len(direction) != len(variables):
        raise ValueError(f"point and direction need {len(variables)} coordinates each")
    moved = f.subs({v: p + s * d for v, p, d in zip(variables, point, direction, strict=True)})
    here = f.subs(dict(zip(variables, point, strict=True)))
    return sp.expand(moved - here)


def quadratic_prediction(eigval: float, step) -> np.ndarray:
    """The lecture's predicted change ½·λ·‖u‖² for a step of length ‖u‖ along an eigenvector."""
    step = np.asarray(step, dtype=float)
    return 0.5 * float(eigval) * step**2


@dataclass(frozen=True)
class StepRow:
    """One step along the escape direction: predicted (½λs²) and exact loss change."""

    step: float
    predicted: float
    actual: float

    @property
    def higher_order(self) -> float:
        """What the second-order model misses: actual − predicted."""
        return self.actual - self.predicted

    @property
    def relative_error(self) -> float:
        """|actual − predicted| / |predicted|."""
        return abs(self.higher_order) / abs(self.predicted)


def step_table(
    f: sp.Expr, variables: Sequence[sp.Symbol], point, unit, eigval: float, steps: Sequence[float]
) -> list[StepRow]:
    """Predicted ½λs² against the exact change L(θ′+s·u) − L(θ′) per step length s (‖u‖ = 1)."""
    unit_arr = _as_point(unit, len(list(variables)), "unit")
    if not np.isclose(np.linalg.norm(unit_arr), 1.0):
        raise ValueError(f"unit must have length 1, got length {np.linalg.norm(unit_arr):.6g}")
    exact = _change_function(f, variables, point, unit_arr)
    rows = []
    for step in steps:
        if step == 0:
            raise ValueError("step lengths must be non-zero (the relative error divides by them)")
        predicted = float(quadratic_prediction(eigval, step))
        rows.append(StepRow(float(step), predicted, float(exact(step))))
    return rows


def _change_function(f: sp.Expr, variables: Sequence[sp.Symbol], point,
                     unit: np.ndarray) -> Callable[[float], float]:
    """s ↦ L(θ′ + s·u) − L(θ′): from the exact expansion, or with floats when that is slow."""
    s = sp.Symbol("s", real=True)

    def exact() -> Callable[[float], float]:
        return sp.lambdify(s, change_along(f, variables, point, unit, s), modules="numpy")

    fn, timed_out = run_within(default_time_limit(), exact)
    if not timed_out:
        return fn
    expr, vars_ = check_inputs(f, variables)
    value = value_within(expr, vars_, default_time_limit())
    theta = _as_point(point, len(vars_))
    return lambda step: float(value(theta + step * unit) - value(theta))


@dataclass(frozen=True)
class HessianCost:
    """What forming and diagonalising a dense P×P Hessian costs (and one P-vector, for contrast)."""

    n_params: int
    bytes_per_number: int
    flops_per_second: float

    @property
    def hessian_bytes(self) -> int:
        """Memory of the dense Hessian: P² numbers."""
        return self.n_params**2 * self.bytes_per_number

    @property
    def eigh_flops(self) -> float:
        """Flops of a full symmetric eigendecomposition (values and vectors): about 9·P³."""
        return EIGH_FLOPS_PER_P3 * float(self.n_params) ** 3

    @property
    def eigh_seconds(self) -> float:
        """Seconds for that eigendecomposition at flops_per_second (a lower bound: ideal speed)."""
        return self.eigh_flops / self.flops_per_second

    @property
    def vector_bytes(self) -> int:
        """Memory of one parameter-sized vector, the unit a Hessian-vector product works in."""
        return self.n_params * self.bytes_per_number


def hessian_cost(
    n_params: int, bytes_per_number: int = 4, flops_per_second: float = 1e13
) -> HessianCost:
    """The cost of the dense-Hessian route for P = n_params (default float32 at 10 TFLOP/s)."""
    n_params = _check_count(n_params, "n_params")
    if bytes_per_number not in (2, 4, 8):
        raise ValueError(f"bytes_per_number must be 2, 4 or 8, got {bytes_per_number}")
    if not flops_per_second > 0:
        raise ValueError(f"flops_per_second must be positive, got {flops_per_second}")
    return HessianCost(n_params, bytes_per_number, float(flops_per_second))


_BYTE_UNITS = [("EB", 1e18), ("PB", 1e15), ("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)]
_TIME_UNITS = [
    ("years", 365.25 * 86400),
    ("days", 86400),
    ("hours", 3600),
    ("minutes", 60),
    ("s", 1),
    ("ms", 1e-3),
    ("µs", 1e-6),
]


def format_bytes(n_bytes: float) -> str:
    """Bytes in decimal units with three significant digits, e.g. 4e12 -> '4 TB'."""
    for unit, size in _BYTE_UNITS:
        if n_bytes >= size:
            return f"{n_bytes / size:.3g} {unit}"
    return f"{n_bytes:.3g} B"


def format_seconds(seconds: float) -> str:
    """Seconds in the largest sensible unit, three significant digits, e.g. 9e5 -> '10.4 days'."""
    for unit, size in _TIME_UNITS:
        if seconds >= size:
            return f"{seconds / size:.3g} {unit}"
    return f"{seconds * 1e9:.3g} ns"


def lanczos_workspace_bytes(n_params: int, ncv: int, bytes_per_number: int = 8) -> int:
    """Memory of ARPACK's symmetric Lanczos (dsaupd): V (P×ncv), workd (3P), workl (ncv·(ncv+8)).

    This is what scipy ``eigsh`` allocates besides the operator itself: O(P·ncv), never P².
    """
    n = _check_count(n_params, "n_params")
    m = min(_check_count(ncv, "ncv"), n)
    return (n * m + 3 * n + m * (m + 8)) * bytes_per_number


def dense_hessian_bytes(n_params: int, bytes_per_number: int = 8) -> int:
    """Memory of the dense P×P Hessian alone (``eigh`` needs about as much again for vectors)."""
    return _check_count(n_params, "n_params") ** 2 * bytes_per_number


class CountedHVP:
    """Wrap a Hessian-vector product v ↦ H·v and count its calls (the work Lanczos does)."""

    def __init__(self, hvp: ArrayFn) -> None:
        self.hvp = hvp
        self.calls = 0

    def __call__(self, v: np.ndarray) -> np.ndarray:
        self.calls += 1
        return self.hvp(v)
