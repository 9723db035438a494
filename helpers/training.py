"""Batches, epochs and small training runs for notebook 06 (batch size, sharpness, cost).

- ``epoch_batches`` shuffles once per epoch and cuts the indices into batches (批量);
  ``minibatch_path`` takes one update per batch and records every parameter vector.
- ``LineFit``: the 2-parameter error surface of fitting y = w·x + b to a few points, for drawing
  the paths of full-batch and batch-size-1 updates.
- ``make_moons`` / ``classification_task``: a small, seeded two-class task with labels ±1;
  ``train_mlp`` trains the course's tanh network (``helpers.networks.mlp.MLP``, mean-squared
  error on ±1 targets) with mini-batches; ``sharpness`` is the largest eigenvalue of its exact
  Hessian.
- ``mlp_flops_per_update`` counts arithmetic (``helpers.timing`` measures; timings never go into
  notebook outputs).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from helpers.optimizers import SGD, Optimizer


def _check_batch_size(n: int, batch_size: int) -> tuple[int, int]:
    """Validate n (number of examples) and batch_size; return them as ints."""
    if int(n) != n or n < 1:
        raise ValueError(f"the number of examples must be a whole number >= 1, got {n}")
    if int(batch_size) != batch_size or batch_size < 1:
        raise ValueError(f"batch_size must be a whole number >= 1, got {batch_size}")
    if batch_size > n:
        raise ValueError(f"batch_size {batch_size} is larger than the data set ({n} examples)")
    return int(n), int(batch_size)


def updates_per_epoch(n: int, batch_size: int) -> int:
    """Number of updates in one epoch (回合): ceil(n / batch_size) (the last batch may be short)."""
    n, batch_size = _check_batch_size(n, batch_size)
    return math.ceil(n / batch_size)


def epoch_batches(n: int, batch_size: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Shuffle 0..n-1 once and cut it into batches of batch_size (the last may be smaller)."""
    n, batch_size = _check_batch_size(n, batch_size)
    order = rng.permutation(n)
    return [order[i : i + batch_size] for i in range(0, n, batch_size)]


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


# ------------------------------------------------------------------ a small classification task


def make_moons(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles in 2-D with Gaussian noise; labels +1 / -1 (n points)."""
    if int(n) != n or n < 2:
        raise ValueError(f"n must be a whole number >= 2, got {n}")
    if noise < 0:
        raise ValueError(f"noise must be >= 0, got {noise}")
    label = np.where(np.arange(n) % 2 == 0, 1.0, -1.0)
    angle = rng.uniform(0.0, np.pi, n)
    upper = np.column_stack([np.cos(angle), np.sin(angle)])
    lower = np.column_stack([1.0 - np.cos(angle), 0.5 - np.sin(angle)])
    X = np.where(label[:, None] > 0, upper, lower) + noise * rng.standard_normal((n, 2))
    return X - np.array([0.5, 0.25]), label


@dataclass(frozen=True)
class Task:
    """Training and validation sets of a two-class task (labels ±1)."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray


def classification_task(
    n_train: int = 200, n_val: int = 1000, noise: float = 0.3, seed: int = 0
) -> Task:
    """The notebook's small task: noisy two moons, seeded, separate validation set."""
    rng = np.random.default_rng(seed)
    X_train, y_train = make_moons(n_train, noise, rng)
    X_val, y_val = make_moons(n_val, noise, rng)
    return Task(X_train, y_train, X_val, y_val)


def accuracy(net, theta: np.ndarray, X: np.ndarray, y: np.ndarray) -> float:
    """Share of points whose output has the sign of the ±1 label."""
    out = np.asarray(net.predict(theta, X))[..., 0]
    return float(np.mean(np.sign(out) == y))


@dataclass
class TrainResult:
    """Final parameters and the full-training-set loss after each epoch (index 0 = before)."""

    theta: np.ndarray
    epoch_loss: np.ndarray
    n_updates: int
    extra: dict = field(default_factory=dict)


def train_mlp(
    net,
    theta0: np.ndarray,
    X: np.ndarray,
    y: np.ndarray,
    *,
    batch_size: int,
    n_epochs: int,
    optimizer: Optimizer | None = None,
    lr: float = 0.1,
    rng: np.random.Generator,
) -> TrainResult:
    """Mini-batch training of net (an ``MLP``): one update per batch, shuffled every epoch."""
    optimizer = SGD(lr) if optimizer is None else optimizer
    n = len(X)
    _check_batch_size(n, batch_size)
    if int(n_epochs) != n_epochs or n_epochs < 0:
        raise ValueError(f"n_epochs must be a whole number >= 0, got {n_epochs}")
    theta = np.array(theta0, dtype=float)
    optimizer.reset()
    losses = [net.loss(theta, X, y)]
    n_updates = 0
    for _ in range(int(n_epochs)):
        for idx in epoch_batches(n, batch_size, rng):
            theta = optimizer.step(theta, net.gradient(theta, X[idx], y[idx]))
            n_updates += 1
        losses.append(net.loss(theta, X, y))
    return TrainResult(theta=theta, epoch_loss=np.array(losses), n_updates=n_updates)


def sharpness(net, theta: np.ndarray, X: np.ndarray, y: np.ndarray) -> float:
    """Largest eigenvalue of the exact Hessian of the training loss at theta."""
    return float(np.linalg.eigvalsh(net.hessian(theta, X, y))[-1])


@dataclass(frozen=True)
class BatchSizeResult:
    """Per (seed, batch size): train/validation accuracy, final train loss and sharpness."""

    batch_sizes: np.ndarray
    train_acc: np.ndarray  # (n_seeds, n_batch_sizes)
    val_acc: np.ndarray
    train_loss: np.ndarray
    sharpness: np.ndarray
    n_updates: np.ndarray  # (n_batch_sizes,)


def batch_size_experiment(
    net,
    task: Task,
    batch_sizes: list[int],
    *,
    n_epochs: int,
    lr: float,
    seeds: list[int],
) -> BatchSizeResult:
    """Train from the same start per seed with each batch size for the same number of epochs."""
    shape = (len(seeds), len(batch_sizes))
    tr, va, lo, sh = (np.empty(shape) for _ in range(4))
    n_updates = np.array([n_epochs * updates_per_epoch(len(task.X_train), b) for b in batch_sizes])
    for i, seed in enumerate(seeds):
        theta0 = net.init(np.random.default_rng(seed))
        for j, b in enumerate(batch_sizes):
            res = train_mlp(net, theta0, task.X_train, task.y_train, batch_size=b,
                            n_epochs=n_epochs, lr=lr, rng=np.random.default_rng(1000 + seed))
            tr[i, j] = accuracy(net, res.theta, task.X_train, task.y_train)
            va[i, j] = accuracy(net, res.theta, task.X_val, task.y_val)
            lo[i, j] = res.epoch_loss[-1]
            sh[i, j] = sharpness(net, res.theta, task.X_train, task.y_train)
    return BatchSizeResult(np.array(batch_sizes), tr, va, lo, sh, n_updates)


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


__all__ = [
    "BatchSizeResult",
    "LineFit",
    "Task",
    "TrainResult",
    "accuracy",
    "batch_size_experiment",
    "classification_task",
    "epoch_batches",
    "make_moons",
    "minibatch_path",
    "mlp_flops_per_update",
    "sharpness",
    "train_mlp",
    "updates_per_epoch",
]
