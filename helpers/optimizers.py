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

from helpers.validation import array, callback, fits_in_memory, instance, real, whole

Schedule = Callable[[int], float]
LearningRate = float | Schedule
GradFn = Callable[[np.ndarray], np.ndarray]


def _check_positive(value: float, name: str) -> float:
    """Return value as float, or raise ValueError if it is not a positive finite number."""
    return real(name, value, low=0.0, low_open=True)


def _check_count(value: int, name: str, minimum: int) -> int:
    """Return value as int, or raise ValueError unless it is a whole number >= minimum."""
    return whole(name, value, low=minimum, example=max(minimum, 100))


def _check_coefficient(name: str, value: float) -> float:
    """An optimiser coefficient: eps must be >= 0, the others (momentum, alpha, beta) in [0, 1)."""
    if name == "eps":
        return real("eps", value, low=0.0)
    value = real(name, value)
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
    n_warmup = _check_count(n_warmup, "n_warmup", 1)

    def schedule(t: int) -> float:
        if t < n_warmup:
            return lr * (t + 1) / n_warmup
        return lr if after is None else float(after(t - n_warmup))

    return schedule


def warmup_then_decay(lr: float, n_warmup: int) -> Schedule:
    """Schedule: linear warm-up to lr over n_warmup steps, then lr * sqrt(n_warmup / (t + 1))."""
    lr = _check_positive(lr, "lr")
    n_warmup = _check_count(n_warmup, "n_warmup", 1)
    return lambda t: lr * min((t + 1) / n_warmup, np.sqrt(n_warmup / (t + 1.0)))


# ------------------------------------------------------------------ optimisers


class Optimizer:
    """Base class: ``step(theta, grad)`` returns the next theta; ``reset()`` forgets the past.

    A subclass passes its coefficients (momentum, alpha, beta1, beta2, eps) to ``__init__``,
    which checks and stores them, and lists its state in ``state_names`` (None after reset).
    """

    lr: LearningRate
    state_names: tuple[str, ...] = ()

    def __init__(self, lr: LearningRate, **coefficients: float) -> None:
        self.coefficients = {name: _check_coefficient(name, value)
                             for name, value in coefficients.items()}
        if not callable(lr):
            _check_positive(lr, "lr")
        self.lr = lr
        for name, value in self.coefficients.items():
            setattr(self, name, value)
        self.reset()

    def reset(self) -> None:
        """Forget all state; the next step is step t = 0."""
        self.t = 0
        self.effective_lr: np.ndarray | float = 0.0
        for name in self.state_names:
            setattr(self, name, None)

    def step(self, theta: np.ndarray, grad: np.ndarray) -> np.ndarray:
        """One update from theta with gradient grad; returns the new theta."""
        theta = array("theta", theta, finite=False)
        grad = array("grad", grad, finite=False)
        if theta.shape != grad.shape:
            raise ValueError(f"theta has shape {theta.shape} but grad has shape {grad.shape}")
        new = self._update(theta, grad, _lr_at(self.lr, self.t))
        self.t += 1
        return new

    def _update(self, theta: np.ndarray, grad: np.ndarray, lr: float) -> np.ndarray:
        """The new theta after one step at learning rate lr (each optimiser's own rule)."""
        raise NotImplementedError

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in {"lr": self.lr, **self.coefficients}.items())
        return f"{type(self).__name__}({fields})"


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

    momentum: float
    m: np.ndarray | None
    state_names = ("m",)

    def __init__(self, lr: LearningRate, momentum: float = 0.9) -> None:
        super().__init__(lr, momentum=momentum)

    def _update(self, theta: np.ndarray, grad: np.ndarray, lr: float) -> np.ndarray:
        m = np.zeros_like(theta) if self.m is None else self.m
        self.m = self.momentum * m - lr * grad
        self.effective_lr = lr
        return theta + self.m


class Adagrad(Optimizer):
    """Adagrad as in the lecture: sigma_t = root mean square of all past gradients (per parameter).

    theta <- theta - lr_t / (sigma_t + eps) * grad.  With lr_t = lr / sqrt(t + 1)
    (``inverse_sqrt_decay``) this is exactly the original Adagrad, lr / sqrt(sum of grad^2).
    """

    eps: float
    sum_sq: np.ndarray | None
    sigma: np.ndarray | None
    state_names = ("sum_sq", "sigma")

    def __init__(self, lr: LearningRate, eps: float = 1e-8) -> None:
        super().__init__(lr, eps=eps)

    def _update(self, theta: np.ndarray, grad: np.ndarray, lr: float) -> np.ndarray:
        self.sum_sq = grad**2 if self.sum_sq is None else self.sum_sq + grad**2
        self.sigma = np.sqrt(self.sum_sq / (self.t + 1))
        self.effective_lr = lr / (self.sigma + self.eps)
        return theta - self.effective_lr * grad


class RMSProp(Optimizer):
    """RMSProp (lecture form): sigma_0 = |g_0|, sigma_t^2 = alpha sigma_{t-1}^2 + (1-alpha) g_t^2.

    theta <- theta - lr_t / (sigma_t + eps) * grad.  Small alpha: recent gradients dominate.
    """

    alpha: float
    eps: float
    sigma: np.ndarray | None
    state_names = ("sigma",)

    def __init__(self, lr: LearningRate, alpha: float = 0.9, eps: float = 1e-8) -> None:
        super().__init__(lr, alpha=alpha, eps=eps)

    def _update(self, theta: np.ndarray, grad: np.ndarray, lr: float) -> np.ndarray:
        if self.sigma is None:
            self.sigma = np.abs(grad)
        else:
            self.sigma = np.sqrt(self.alpha * self.sigma**2 + (1 - self.alpha) * grad**2)
        self.effective_lr = lr / (self.sigma + self.eps)
        return theta - self.effective_lr * grad


class Adam(Optimizer):
    """Adam (Kingma & Ba 2015): momentum m and RMSProp-like v, both with bias correction.

    m <- beta1 m + (1-beta1) g;  v <- beta2 v + (1-beta2) g^2;
    theta <- theta - lr_t * m_hat / (sqrt(v_hat) + eps),  m_hat = m/(1-beta1^(t+1)), same for v.
    The first step is lr * g / (|g| + eps), i.e. about lr * sign(g).
    """

    beta1: float
    beta2: float
    eps: float
    m: np.ndarray | None
    v: np.ndarray | None
    state_names = ("m", "v")

    def __init__(
        self, lr: LearningRate, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8
    ) -> None:
        super().__init__(lr, beta1=beta1, beta2=beta2, eps=eps)

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


# ------------------------------------------------------------------ running


@dataclass(frozen=True)
class Trace:
    """What an optimiser did: theta (n_steps+1, d), grad and effective_lr (n_steps, d)."""

    theta: np.ndarray
    grad: np.ndarray
    effective_lr: np.ndarray


def trace(optimizer: Optimizer, grad_fn: GradFn, theta0: np.ndarray, n_steps: int) -> Trace:
    """Reset the optimiser and run n_steps updates from theta0, recording everything."""
    instance("optimizer", optimizer, Optimizer, "an optimiser such as SGD(0.1) or Adam(0.01)")
    callback("grad_fn", grad_fn, "grad_fn(theta) → gradient", optional=False)
    n_steps = _check_count(n_steps, "n_steps", 0)
    theta = array("theta0", theta0)
    if theta.ndim != 1:
        raise ValueError(f"theta0 must be a 1-D vector of parameters, got shape {theta.shape}")
    fits_in_memory(f"a trace of {n_steps:,} steps in {theta.size:,} dimensions",
                   3 * 8.0 * (n_steps + 1) * theta.size, "Use fewer steps.")
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
