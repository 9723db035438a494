"""Notebook 06's first section: batches on a 2-parameter surface, and the cost of an update.

- ``minibatch_path`` takes one update per batch (``helpers.minibatch.epoch_batches``) and
  records every parameter vector.
- ``LineFit``: the 2-parameter error surface of fitting y = w·x + b to a few points, for drawing
  the paths of full-batch and batch-size-1 updates.
- ``mlp_flops_per_update`` counts arithmetic (``benchmarks/bench_batch.py`` measures; timings
  never go into notebook outputs).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from helpers.minibatch import epoch_batches, updates_per_epoch
from helpers.optimizers import Optimizer
from helpers.validation import array, callback, fits_in_memory, generator, instance, real, whole

BatchGradFn = Callable[[np.ndarray, np.ndarray], np.ndarray]


def minibatch_path(
    grad_fn: BatchGradFn,
    theta0: np.ndarray,
    n: int,
    batch_size: int,
    n_epochs: int,
    optimizer: Optimizer,
    rng: np.random.Generator,
) -> np.ndarray:
    """One update per batch, reshuffling every epoch; grad_fn(theta, idx) is the batch gradient.

    Returns every parameter vector visited, shape (1 + n_epochs * updates_per_epoch, d).
    """
    callback("grad_fn", grad_fn, "grad_fn(theta, idx) → batch gradient", optional=False)
    n_epochs = whole("n_epochs", n_epochs, low=0, example=5)
    instance("optimizer", optimizer, Optimizer, "an optimiser such as SGD(0.1)")
    instance("rng", rng, np.random.Generator, "a numpy Generator, e.g. np.random.default_rng(0)")
    k = updates_per_epoch(n, batch_size)
    theta = array("theta0", theta0, ndim=1)
    fits_in_memory(f"a path of {n_epochs * k + 1:,} steps", 8.0 * (n_epochs * k + 1) * theta.size,
                   "Use fewer epochs or larger batches.")
    optimizer.reset()
    path = np.empty((1 + int(n_epochs) * k, theta.size))
    path[0] = theta
    step = 0
    for _ in range(int(n_epochs)):
        for idx in epoch_batches(n, batch_size, rng):
            theta = optimizer.step(theta, grad_fn(theta, idx))
            step += 1
            path[step] = theta
    return path


# ------------------------------------------------------------------ a 2-parameter error surface


@dataclass(frozen=True)
class LineFit:
    """Error surface of y ≈ w·x + b on n points: L(w, b) = mean over the batch of (w x + b - y)²."""

    x: np.ndarray
    y: np.ndarray

    def __post_init__(self) -> None:
        """Checked: x and y 1-D arrays of the same length (at least 2 points)."""
        x, y = array("x", self.x, ndim=1, min_size=2), array("y", self.y, ndim=1)
        if x.shape != y.shape:
            raise ValueError(f"x and y need the same length; got {x.size} and {y.size}.")
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "y", y)

    @classmethod
    def make(cls, n: int = 20, rng: np.random.Generator | int = 0, noise: float = 0.5) -> LineFit:
        """n seeded points around y = 1.5·x - 0.5 with x ~ U(-1, 1)."""
        rng = generator("rng", rng)
        n = whole("n", n, low=2, example=20)
        noise = real("noise", noise, low=0.0)
        fits_in_memory(f"a line fit of {n:,} points", 8.0 * 4 * n)
        x = rng.uniform(-1.0, 1.0, n)
        return cls(x=x, y=1.5 * x - 0.5 + noise * rng.standard_normal(n))

    @property
    def n(self) -> int:
        return self.x.size

    def loss(self, theta: np.ndarray, idx: np.ndarray | None = None) -> np.ndarray:
        """Loss at theta = (w, b) (any leading shape (..., 2)) on the batch idx (all if None)."""
        x, y = (self.x, self.y) if idx is None else (self.x[idx], self.y[idx])
        theta = np.asarray(theta, dtype=float)
        r = theta[..., :1] * x + theta[..., 1:] - y
        return np.mean(r * r, axis=-1)

    def grad(self, theta: np.ndarray, idx: np.ndarray | None = None) -> np.ndarray:
        """Gradient (dL/dw, dL/db) at theta on the batch idx (all data if None)."""
        x, y = (self.x, self.y) if idx is None else (self.x[idx], self.y[idx])
        w, b = np.asarray(theta, dtype=float)
        r = w * x + b - y
        return np.array([2 * np.mean(r * x), 2 * np.mean(r)])

    def minimum(self) -> np.ndarray:
        """The exact minimiser (least squares) of the full-batch loss."""
        A = np.column_stack([self.x, np.ones_like(self.x)])
        return np.linalg.lstsq(A, self.y, rcond=None)[0]


# ------------------------------------------------------------------ cost: counted and measured


def mlp_flops_per_update(batch_size: int, n_in: int, n_hidden: int, n_out: int = 1) -> int:
    """Multiply-adds×2 of one gradient of a 1-hidden-layer network on a batch (forward + backward).

    Forward: 2·B·(n_in·h + h·o); the backward pass costs twice the forward (gradients for the
    weights and for the hidden layer), so one update ≈ 3 × forward.  Element-wise work (tanh,
    biases, the update itself) is left out: it is O(B·h + P), small next to the products.
    """
    for name, v in (("batch_size", batch_size), ("n_in", n_in), ("n_hidden", n_hidden),
                    ("n_out", n_out)):
        whole(name, v, low=1)
    forward = 2 * batch_size * (n_in * n_hidden + n_hidden * n_out)
    return int(3 * forward)


__all__ = ["LineFit", "minibatch_path", "mlp_flops_per_update"]
