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
    if int(n_epochs) != n_epochs or n_epochs < 0:
        raise ValueError(f"n_epochs must be a whole number >= 0, got {n_epochs}")
    k = updates_per_epoch(n, batch_size)
    theta = np.array(theta0, dtype=float)
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

    @classmethod
    def make(cls, n: int = 20, rng: np.random.Generator | int = 0, noise: float = 0.5) -> LineFit:
        """n seeded points around y = 1.5·x - 0.5 with x ~ U(-1, 1)."""
        rng = np.random.default_rng(rng)
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
        if int(v) != v or v < 1:
            raise ValueError(f"{name} must be a whole number >= 1, got {v}")
    forward = 2 * batch_size * (n_in * n_hidden + n_hidden * n_out)
    return int(3 * forward)


__all__ = ["LineFit", "minibatch_path", "mlp_flops_per_update"]
