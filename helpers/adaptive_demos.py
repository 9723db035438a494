"""Notebook 07's adaptive learning rates, motivated: surfaces where the right step size changes.

- ``CliffThenSlope``: a steep cliff, then a long gentle slope along x. The step size x needs
  grows over time; Adagrad's σ remembers the cliff, RMSProp's forgets it.
- ``FlatThenValley``: a long flat stretch, then a narrow valley (the lecture's direction:
  the step size needed shrinks).
- ``adam_ratio``: Adam's m̂/σ̂ for a sequence of gradients — why the m and σ of
  θ ← θ − (η/σ)·m do not cancel (m keeps the sign of recent gradients, σ only their size).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from helpers.optimizers import SGD, Adagrad, Adam, Optimizer, RMSProp, Trace, trace
from helpers.validation import array, choice, has_methods, real

__all__ = [
    "KINDS",
    "CliffThenSlope",
    "FlatThenValley",
    "adam_ratio",
    "first_index",
    "make_optimizer",
    "overshoot_and_settle",
    "run_kind",
]

KINDS = ("GD", "Adagrad", "RMSProp")


@dataclass(frozen=True)
class CliffThenSlope:
    """L = depth·(1 − tanh(x/width))/2 + slope·√(1 + (x − x_min)²) + y²/2."""

    depth: float = 1.0
    width: float = 0.2
    slope: float = 0.01
    x_min: float = 10.0

    def __post_init__(self) -> None:
        """Checked: finite numbers, a positive width."""
        real("depth", self.depth), real("slope", self.slope), real("x_min", self.x_min)
        real("width", self.width, low=0.0, low_open=True)

    def loss(self, theta: np.ndarray) -> np.ndarray:
        """The loss at theta (..., 2)."""
        x, y = np.asarray(theta, dtype=float)[..., 0], np.asarray(theta, dtype=float)[..., 1]
        return (self.depth * (1 - np.tanh(x / self.width)) / 2
                + self.slope * np.sqrt(1 + (x - self.x_min) ** 2) + y * y / 2)

    def grad(self, theta: np.ndarray) -> np.ndarray:
        """The gradient at theta (2,)."""
        x, y = np.asarray(theta, dtype=float)
        dx = (-self.depth / (2 * self.width) / np.cosh(x / self.width) ** 2
              + self.slope * (x - self.x_min) / np.sqrt(1 + (x - self.x_min) ** 2))
        return np.array([dx, y])


@dataclass(frozen=True)
class FlatThenValley:
    """L = slope·√(1 + x²) − depth·exp(−x²/(2·width²)) + y²/2."""

    slope: float = 0.01
    depth: float = 1.0
    width: float = 0.1

    def __post_init__(self) -> None:
        """Checked: finite numbers, a positive width."""
        real("slope", self.slope), real("depth", self.depth)
        real("width", self.width, low=0.0, low_open=True)

    def loss(self, theta: np.ndarray) -> np.ndarray:
        """The loss at theta (..., 2)."""
        x, y = np.asarray(theta, dtype=float)[..., 0], np.asarray(theta, dtype=float)[..., 1]
        return (self.slope * np.sqrt(1 + x * x)
                - self.depth * np.exp(-x * x / (2 * self.width**2)) + y * y / 2)

    def grad(self, theta: np.ndarray) -> np.ndarray:
        """The gradient at theta (2,)."""
        x, y = np.asarray(theta, dtype=float)
        dx = (self.slope * x / np.sqrt(1 + x * x)
              + self.depth * x / self.width**2 * np.exp(-x * x / (2 * self.width**2)))
        return np.array([dx, y])


def make_optimizer(kind: str, lr: float, alpha: float = 0.9) -> Optimizer:
    """'GD', 'Adagrad' or 'RMSProp' (with alpha) at learning rate lr."""
    if kind == "GD":
        return SGD(lr)
    if kind == "Adagrad":
        return Adagrad(lr)
    if kind == "RMSProp":
        return RMSProp(lr, alpha=alpha)
    raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")


def run_kind(kind: str, surface: CliffThenSlope | FlatThenValley, theta0: np.ndarray,
             lr: float, n_steps: int) -> Trace:
    """Path, gradients and effective learning rates of one optimiser on a surface."""
    choice("kind", kind, KINDS)
    has_methods("surface", surface, ("grad",), "CliffThenSlope() or FlatThenValley()")
    theta0 = array("theta0", theta0, shape=(2,))
    return trace(make_optimizer(kind, lr), surface.grad, theta0, n_steps)


def first_index(mask: np.ndarray) -> int:
    """The first index where mask is true (−1 if none)."""
    mask = array("mask", mask, ndim=1) != 0
    hit = np.nonzero(mask)[0]
    return int(hit[0]) if hit.size else -1


def overshoot_and_settle(x: np.ndarray, enter: float = 0.3, inside: float = 0.05
                         ) -> tuple[int, float, int]:
    """First step with |x| < enter, the largest |x| after it, the step from which |x| < inside."""
    x = array("x", x, ndim=1, min_size=1, finite=False)
    enter, inside = real("enter", enter, low=0.0), real("inside", inside, low=0.0)
    t_enter = first_index(np.abs(x) < enter)
    overshoot = float(np.abs(x[t_enter + 1 :]).max()) if t_enter >= 0 else float("nan")
    outside = np.nonzero(np.abs(x) >= inside)[0]
    settle = 0 if outside.size == 0 else int(outside[-1]) + 1
    return t_enter, overshoot, settle if settle < len(x) else -1


def adam_ratio(grads: np.ndarray, beta1: float = 0.9, beta2: float = 0.999) -> np.ndarray:
    """Adam's step divided by lr, m̂_t/(σ̂_t + ε), for a given sequence of gradients."""
    grads = array("grads", grads, ndim=(1, 2))
    adam = Adam(1.0, beta1=beta1, beta2=beta2)
    zero = np.zeros(grads.shape[1:])
    return np.array([-adam.step(zero, g) for g in grads])
