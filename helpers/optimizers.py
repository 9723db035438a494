"""Optimisers of notebooks 06-07, written as in the lecture, plus learning-rate schedules.

Every optimiser is a small class with ``reset()`` and ``step(theta, grad) -> theta``; it keeps
its own state (momentum ``m``, the root mean square ``sigma``, ...).  ``lr`` is either a number
or a schedule: a function of the step index ``t = 0, 1, 2, ...`` returning the learning rate.

- ``SGD``:       theta <- theta - lr_t * grad
- ``Momentum``:  m <- momentum * m - lr_t * grad;  theta <- theta + m   (the lecture's lambda)
- ``Adagrad``:   sigma_t = sqrt(mean of grad_0^2 ... grad_t^2);  theta <- theta - lr_t/sigma_t*grad
- ``RMSProp``:   sigma_t^2 = alpha*sigma_{t-1}^2 + (1-alpha)*grad_t^2  (sigma_0 = |grad_0|)
- ``Adam``:      RMSProp on a momentum of the gradients, both bias-corrected.

``run(optimizer, grad_fn, theta0, n_steps)`` returns the path of parameters, ``trace`` also the
gradients and the effective per-parameter learning rates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import sympy as sp

from helpers.surfaces import Surface

Schedule = Callable[[int], float]
LearningRate = float | Schedule
GradFn = Callable[[np.ndarray], np.ndarray]


def _check_positive(value: float, name: str) -> float:
    """Return value as float, or raise ValueError if it is not a positive finite number."""
    value = float(value)
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive number, got {value}")
    return value


def _check_eps(eps: float) -> float:
    """The small constant added to sigma: a non-negative float."""
    if eps < 0:
        raise ValueError(f"eps must be >= 0, got {eps}")
    return float(eps)


def _check_fraction(value: float, name: str) -> float:
    """Return value as float, or raise ValueError unless 0 <= value < 1."""
    value = float(value)
    if not 0.0 <= value < 1.0:
        raise ValueError(f"{name} must be between 0 (included) and 1 (excluded), got {value}")
    return value


def _lr_at(lr: LearningRate, t: int) -> float:
    """The learning rate at step t: lr itself, or lr(t) for a schedule."""
    value = float(lr(t)) if callable(lr) else float(lr)
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"the learning rate must be a number >= 0, got {value} at step {t}")
    return value


# ------------------------------------------------------------------ schedules


def constant(lr: float) -> Schedule:
    """Schedule: the same learning rate at every step."""
    lr = _check_positive(lr, "lr")
    return lambda t: lr


def inverse_sqrt_decay(lr: float) -> Schedule:
    """Schedule: learning-rate decay lr_t = lr / sqrt(t + 1)."""
    lr = _check_positive(lr, "lr")
    return lambda t: lr / np.sqrt(t + 1.0)


def linear_warmup(lr: float, n_warmup: int, after: Schedule | None = None) -> Schedule:
    """Schedule: warm-up lr*(t+1)/n_warmup for t < n_warmup, then ``after(t - n_warmup)`` or lr."""
    lr = _check_positive(lr, "lr")
    if int(n_warmup) != n_warmup or n_warmup < 1:
        raise ValueError(f"n_warmup must be a whole number of steps >= 1, got {n_warmup}")
    n_warmup = int(n_warmup)

    def schedule(t: int) -> float:
        if t < n_warmup:
            return lr * (t + 1) / n_warmup
        return lr if after is None else float(after(t - n_warmup))

    return schedule


def warmup_then_decay(lr: float, n_warmup: int) -> Schedule:
    """Schedule: linear warm-up to lr over n_warmup steps, then lr * sqrt(n_warmup / (t + 1))."""
    lr = _check_positive(lr, "lr")
    if int(n_warmup) != n_warmup or n_warmup < 1:
        raise ValueError(f"n_warmup must be a whole number of steps >= 1, got {n_warmup}")
    n_warmup = int(n_warmup)
    return lambda t: lr * min((t + 1) / n_warmup, np.sqrt(n_warmup / (t + 1.0)))


# ------------------------------------------------------------------ optimisers


class Optimizer:
    """Base class: ``step(theta, grad)`` returns the next theta; ``reset()`` forgets the past."""

    lr: LearningRate

    def __init__(self, lr: LearningRate) -> None:
        if not callable(lr):
            _check_positive(lr, "lr")
        self.lr = lr
        self.reset()

    def reset(self) -> None:
        """Forget all state; the next step is step t = 0."""
        self.t = 0
        self.effective_lr: np.ndarray | float = 0.0

    def step(self, theta: np.ndarray, grad: np.ndarray) -> np.ndarray:
        """One update from theta with gradient grad; returns the new theta."""
        theta = np.asarray(theta, dtype=float)
        grad = np.asarray(grad, dtype=float)
        if theta.shape != grad.shape:
            raise ValueError(f"theta has shape {theta.shape} but grad has shape {grad.shape}")
        new = self._update(theta, grad, _lr_at(self.lr, self.t))
        self.t += 1
        return new

    def _update(self, theta: np.ndarray, grad: np.ndarray, lr: float) -> np.ndarray:
        raise NotImplementedError

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in self._params().items())
        return f"{type(self).__name__}({fields})"

    def _params(self) -> dict[str, object]:
        return {"lr": self.lr}


class SGD(Optimizer):
    """Plain (vanilla) gradient descent: theta <- theta - lr * grad."""

    def _update(self, theta: np.ndarray, grad: np.ndarray, lr: float) -> np.ndarray:
        self.effective_lr = lr
        return theta - lr * grad


class Momentum(Optimizer):
    """Gradient descent with momentum (lecture form): m <- momentum*m - lr*grad; theta <- theta + m.

    ``momentum`` is the lecture's lambda (0 gives plain gradient descent); m starts at 0, so
    m_t = -sum_i momentum^(t-i) lr_i grad_i is a weighted sum of all past gradients.
    """

    def __init__(self, lr: LearningRate, momentum: float = 0.9) -> None:
        self.momentum = _check_fraction(momentum, "momentum")
        super().__init__(lr)

    def reset(self) -> None:
        super().reset()
        self.m: np.ndarray | None = None

    def _update(self, theta: np.ndarray, grad: np.ndarray, lr: float) -> np.ndarray:
        m = np.zeros_like(theta) if self.m is None else self.m
        self.m = self.momentum * m - lr * grad
        self.effective_lr = lr
        return theta + self.m

    def _params(self) -> dict[str, object]:
        return {"lr": self.lr, "momentum": self.momentum}


class Adagrad(Optimizer):
    """Adagrad as in the lecture: sigma_t = root mean square of all past gradients (per parameter).

    theta <- theta - lr_t / (sigma_t + eps) * grad.  With lr_t = lr / sqrt(t + 1)
    (``inverse_sqrt_decay``) this is exactly the original Adagrad, lr / sqrt(sum of grad^2).
    """

    def __init__(self, lr: LearningRate, eps: float = 1e-8) -> None:
        self.eps = _check_eps(eps)
        super().__init__(lr)

    def reset(self) -> None:
        super().reset()
        self.sum_sq: np.ndarray | None = None
        self.sigma: np.ndarray | None = None

    def _update(self, theta: np.ndarray, grad: np.ndarray, lr: float) -> np.ndarray:
        self.sum_sq = grad**2 if self.sum_sq is None else self.sum_sq + grad**2
        self.sigma = np.sqrt(self.sum_sq / (self.t + 1))
        self.effective_lr = lr / (self.sigma + self.eps)
        return theta - self.effective_lr * grad

    def _params(self) -> dict[str, object]:
        return {"lr": self.lr, "eps": self.eps}


class RMSProp(Optimizer):
    """RMSProp (lecture form): sigma_0 = |g_0|, sigma_t^2 = alpha sigma_{t-1}^2 + (1-alpha) g_t^2.

    theta <- theta - lr_t / (sigma_t + eps) * grad.  Small alpha: recent gradients dominate.
    """

    def __init__(self, lr: LearningRate, alpha: float = 0.9, eps: float = 1e-8) -> None:
        self.alpha = _check_fraction(alpha, "alpha")
        self.eps = _check_eps(eps)
        super().__init__(lr)

    def reset(self) -> None:
        super().reset()
        self.sigma: np.ndarray | None = None

    def _update(self, theta: np.ndarray, grad: np.ndarray, lr: float) -> np.ndarray:
        if self.sigma is None:
            self.sigma = np.abs(grad)
        else:
            self.sigma = np.sqrt(self.alpha * self.sigma**2 + (1 - self.alpha) * grad**2)
        self.effective_lr = lr / (self.sigma + self.eps)
        return theta - self.effective_lr * grad

    def _params(self) -> dict[str, object]:
        return {"lr": self.lr, "alpha": self.alpha, "eps": self.eps}


class Adam(Optimizer):
    """Adam (Kingma & Ba 2015): momentum m and RMSProp-like v, both with bias correction.

    m <- beta1 m + (1-beta1) g;  v <- beta2 v + (1-beta2) g^2;
    theta <- theta - lr_t * m_hat / (sqrt(v_hat) + eps),  m_hat = m/(1-beta1^(t+1)), same for v.
    The first step is lr * g / (|g| + eps), i.e. about lr * sign(g).
    """

    def __init__(
        self, lr: LearningRate, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8
    ) -> None:
        self.beta1 = _check_fraction(beta1, "beta1")
        self.beta2 = _check_fraction(beta2, "beta2")
        self.eps = _check_eps(eps)
        super().__init__(lr)

    def reset(self) -> None:
        super().reset()
        self.m: np.ndarray | None = None
        self.v: np.ndarray | None = None

    def _update(self, theta: np.ndarray, grad: np.ndarray, lr: float) -> np.ndarray:
        m = np.zeros_like(theta) if self.m is None else self.m
        v = np.zeros_like(theta) if self.v is None else self.v
        self.m = self.beta1 * m + (1 - self.beta1) * grad
        self.v = self.beta2 * v + (1 - self.beta2) * grad**2
        m_hat = self.m / (1 - self.beta1 ** (self.t + 1))
        v_hat = self.v / (1 - self.beta2 ** (self.t + 1))
        denom = np.sqrt(v_hat) + self.eps
        self.effective_lr = lr / denom
        return theta - lr * m_hat / denom

    def _params(self) -> dict[str, object]:
        return {"lr": self.lr, "beta1": self.beta1, "beta2": self.beta2, "eps": self.eps}


# ------------------------------------------------------------------ running


@dataclass(frozen=True)
class Trace:
    """What an optimiser did: theta (n_steps+1, d), grad and effective_lr (n_steps, d)."""

    theta: np.ndarray
    grad: np.ndarray
    effective_lr: np.ndarray


def trace(optimizer: Optimizer, grad_fn: GradFn, theta0: np.ndarray, n_steps: int) -> Trace:
    """Reset the optimiser and run n_steps updates from theta0, recording everything."""
    if int(n_steps) != n_steps or n_steps < 0:
        raise ValueError(f"n_steps must be a whole number >= 0, got {n_steps}")
    n_steps = int(n_steps)
    theta = np.array(theta0, dtype=float)
    if theta.ndim != 1:
        raise ValueError(f"theta0 must be a 1-D vector of parameters, got shape {theta.shape}")
    optimizer.reset()
    thetas = np.empty((n_steps + 1, theta.size))
    grads = np.empty((n_steps, theta.size))
    lrs = np.empty((n_steps, theta.size))
    thetas[0] = theta
    for t in range(n_steps):
        grad = np.asarray(grad_fn(theta), dtype=float)
        grads[t] = grad
        theta = optimizer.step(theta, grad)
        lrs[t] = optimizer.effective_lr
        thetas[t + 1] = theta
    return Trace(theta=thetas, grad=grads, effective_lr=lrs)


def run(optimizer: Optimizer, grad_fn: GradFn, theta0: np.ndarray, n_steps: int) -> np.ndarray:
    """Reset the optimiser, take n_steps updates from theta0; return the path (n_steps+1, d)."""
    return trace(optimizer, grad_fn, theta0, n_steps).theta


__all__ = [
    "DEMO_SURFACES",
    "MomentumDemo",
    "loss_and_grad",
    "SGD",
    "Adagrad",
    "Adam",
    "LearningRate",
    "Momentum",
    "Optimizer",
    "RMSProp",
    "Schedule",
    "Trace",
    "constant",
    "inverse_sqrt_decay",
    "linear_warmup",
    "run",
    "trace",
    "warmup_then_decay",
]


# ------------------------------------------------------------------ demo surfaces of 06-07


def _demo_surfaces() -> dict[str, Surface]:
    x, y = sp.symbols("x y")
    half = sp.Rational(1, 2)
    return {
        s.name: s
        for s in [
            Surface("double well", r"L = (x^2 - 1)^2 - 0.3\,x + y^2",
                    (x**2 - 1) ** 2 - sp.Rational(3, 10) * x + y**2, (x, y),
                    ((-2.3, 2.0), (-1.3, 1.3)),
                    "A poor local minimum near x = -0.96, a saddle near x = -0.08 and the "
                    "global minimum near x = 1.04 (all on y = 0)."),
            Surface("elongated bowl", r"L = \frac{1}{2}\left(\frac{x^2}{1000} + y^2\right)",
                    half * (x**2 / 1000 + y**2), (x, y), ((-22.0, 4.0), (-1.2, 1.2)),
                    "Convex, curvature 1/1000 along x and 1 along y: one learning rate "
                    "cannot suit both."),
            Surface("steep valley",
                    r"L = \frac{x^2}{100} + 10\left(\sqrt{1 + y^2} - 1 + 0.3\,y\right)",
                    x**2 / 100 + 10 * (sp.sqrt(1 + y**2) - 1 + sp.Rational(3, 10) * y), (x, y),
                    ((-9.0, 2.0), (-3.0, 3.0)),
                    "A flat valley floor along x between steep walls along y."),
        ]
    }


DEMO_SURFACES: dict[str, Surface] = _demo_surfaces()


def loss_and_grad(surface: Surface) -> tuple[Callable[[np.ndarray], np.ndarray], GradFn]:
    """Numeric loss(theta) (theta (..., 2)) and grad(theta) (theta (2,)) of a 2-variable surface."""
    if len(surface.variables) != 2:
        raise ValueError(f"{surface.name} has {len(surface.variables)} variables; need 2")
    f = sp.lambdify(surface.variables, surface.expr, "numpy")
    g = sp.lambdify(surface.variables, [sp.diff(surface.expr, v) for v in surface.variables],
                    "numpy")

    def loss(theta: np.ndarray) -> np.ndarray:
        theta = np.asarray(theta, dtype=float)
        return np.asarray(f(theta[..., 0], theta[..., 1]), dtype=float)

    def grad(theta: np.ndarray) -> np.ndarray:
        theta = np.asarray(theta, dtype=float)
        return np.array(g(theta[0], theta[1]), dtype=float)

    return loss, grad


@dataclass(frozen=True)
class MomentumDemo:
    """Gradient descent and momentum from one start on the double well (logic of the sliders)."""

    start: tuple[float, float] = (-2.0, 1.0)
    n_steps: int = 300
    surface: Surface = DEMO_SURFACES["double well"]

    def paths(self, lr: float, momentum: float) -> dict[str, np.ndarray]:
        """{'gradient descent': path, 'momentum': path}, each (n_steps + 1, 2)."""
        _, grad = loss_and_grad(self.surface)
        theta0 = np.array(self.start, dtype=float)
        with np.errstate(over="ignore", invalid="ignore"):
            return {
                "gradient descent": run(SGD(lr), grad, theta0, self.n_steps),
                "momentum": run(Momentum(lr, momentum=momentum), grad, theta0, self.n_steps),
            }

    def outcome(self, path: np.ndarray) -> str:
        """Where a path ended: 'global minimum', 'poor local minimum', 'saddle' or 'elsewhere'."""
        end = path[-1]
        if not np.all(np.isfinite(end)):
            return "diverged"
        places = {"global minimum": (1.0356, 0.0), "poor local minimum": (-0.9601, 0.0),
                  "saddle": (-0.0754, 0.0)}
        for name, point in places.items():
            if np.hypot(*(end - np.array(point))) < 0.05:
                return name
        return "elsewhere"

    def summary(self, lr: float, momentum: float) -> str:
        """One line per method: where it ended and its final loss."""
        loss, _ = loss_and_grad(self.surface)
        lines = []
        for name, path in self.paths(lr, momentum).items():
            where = self.outcome(path)
            value = float(loss(path[-1])) if where != "diverged" else float("nan")
            lines.append(f"{name:17s} ends at the {where} (loss {value:.3f})")
        return "\n".join(lines)
