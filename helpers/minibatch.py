"""Mini-batch SGD on a small network: batches and epochs, the digits task, sharpness.

- ``epoch_batches`` shuffles once per epoch and cuts the indices into batches (批量);
  ``updates_per_epoch`` counts them.
- ``digits_task``: scikit-learn's 8×8 digits (shipped with the package, no download), a
  stratified split, one-hot targets for the course's mean-squared-error network ``helpers.MLP``.
- ``train_sgd``: plain SGD, reshuffled every epoch, stopped after a number of epochs, a number
  of updates, or when the full training loss reaches a target.
- ``largest_eigenpairs`` / ``sharpness``: the top of the Hessian spectrum by Lanczos on exact
  Hessian-vector products; ``gradient_noise``: how noisy a batch of size B is, exactly.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.sparse.linalg import LinearOperator, eigsh

__all__ = [
    "DigitsTask",
    "SGDRun",
    "accuracy",
    "digits_task",
    "epoch_batches",
    "gradient_noise",
    "largest_eigenpairs",
    "sharpness",
    "train_sgd",
    "updates_per_epoch",
]


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


# ------------------------------------------------------------------ the digits task


@dataclass(frozen=True)
class DigitsTask:
    """Training and test sets: inputs X, one-hot targets Y and integer labels."""

    X_train: np.ndarray
    Y_train: np.ndarray
    labels_train: np.ndarray
    X_test: np.ndarray
    Y_test: np.ndarray
    labels_test: np.ndarray


def digits_task(n_train: int = 400, seed: int = 0) -> DigitsTask:
    """scikit-learn's 1,797 digits, pixels/16; n_train stratified for training, the rest test."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    if int(n_train) != n_train or not 10 <= n_train <= 1787:
        raise ValueError(f"n_train must be a whole number from 10 to 1787, got {n_train}")
    digits = load_digits()
    X_tr, X_te, l_tr, l_te = train_test_split(digits.data / 16.0, digits.target,
                                              train_size=int(n_train), stratify=digits.target,
                                              random_state=seed)
    eye = np.eye(10)
    return DigitsTask(X_tr, eye[l_tr], l_tr, X_te, eye[l_te], l_te)


def accuracy(net, theta: np.ndarray, X: np.ndarray, labels: np.ndarray) -> float | np.ndarray:
    """Share of examples whose largest output is the label (theta may be batched (B, P))."""
    hits = np.argmax(net.predict(theta, X), axis=-1) == labels
    result = np.mean(hits, axis=-1)
    return float(result) if np.ndim(result) == 0 else result


# ------------------------------------------------------------------ SGD with three stopping rules


@dataclass(frozen=True)
class SGDRun:
    """Where plain SGD stopped: theta, the number of updates and of epochs (may be fractional)."""

    theta: np.ndarray
    n_updates: int
    n_epochs: float


def _stopping_rule(epochs: int | None, updates: int | None, target_loss: float | None) -> None:
    """Exactly one of epochs, updates and target_loss must be given, and be positive."""
    given = [v for v in (epochs, updates, target_loss) if v is not None]
    if len(given) != 1:
        raise ValueError("give exactly one stopping rule: epochs, updates or target_loss")
    if given[0] <= 0:
        raise ValueError(f"the stopping rule must be positive, got {given[0]}")


def train_sgd(net, theta0: np.ndarray, X: np.ndarray, Y: np.ndarray, *, batch_size: int,
              lr: float, seed: int, epochs: int | None = None, updates: int | None = None,
              target_loss: float | None = None, max_updates: int = 200_000) -> SGDRun:
    """Plain SGD (theta <- theta - lr*grad on one batch), reshuffled every epoch by ``seed``.

    Stops after ``epochs`` epochs, after ``updates`` updates, or at the first epoch end where
    the full training loss is <= ``target_loss`` (or ``max_updates`` were made).
    """
    _stopping_rule(epochs, updates, target_loss)
    if not lr > 0:
        raise ValueError(f"lr must be positive, got {lr}")
    n, batch_size = _check_batch_size(len(X), batch_size)
    rng = np.random.default_rng(seed)
    theta = np.array(theta0, dtype=float)
    k = epoch = 0
    while True:
        order = rng.permutation(n)
        for i in range(0, n, batch_size):
            idx = order[i : i + batch_size]
            theta -= lr * net.gradient(theta, X[idx], Y[idx])
            k += 1
            if updates is not None and k >= updates:
                return SGDRun(theta, k, epoch + (i + len(idx)) / n)
        epoch += 1
        if epochs is not None and epoch >= epochs:
            return SGDRun(theta, k, float(epoch))
        if target_loss is not None and (net.loss(theta, X, Y) <= target_loss or k >= max_updates):
            return SGDRun(theta, k, float(epoch))


# ------------------------------------------------------------------ curvature and noise


def largest_eigenpairs(hvp: Callable[[np.ndarray], np.ndarray], n_params: int, k: int = 1, *,
                       v0: np.ndarray | None = None, tol: float = 1e-6,
                       ncv: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The k largest eigenvalues (descending) and unit eigenvectors (columns) from v -> H·v.

    Lanczos (scipy's ARPACK ``eigsh``); v0 is the start vector (default: seeded, fixed).
    """
    n = int(n_params)
    if int(k) != k or not 1 <= k < n - 1:
        raise ValueError(f"k must be a whole number from 1 to {n - 2}, got {k}")
    if v0 is None:
        v0 = np.random.default_rng(12345).standard_normal(n)
    ncv = min(n, max(2 * int(k) + 1, 20)) if ncv is None else int(ncv)
    op = LinearOperator((n, n), matvec=lambda v: hvp(np.ravel(v)), dtype=float)
    eigvals, eigvecs = eigsh(op, k=int(k), which="LA", v0=v0, tol=tol, ncv=ncv)
    order = np.argsort(eigvals)[::-1]
    return eigvals[order], eigvecs[:, order]


def sharpness(net, theta: np.ndarray, X: np.ndarray, Y: np.ndarray, *,
              v0: np.ndarray | None = None, tol: float = 1e-6) -> tuple[float, np.ndarray]:
    """Largest eigenvalue of the exact Hessian of the loss on (X, Y) at theta, and its vector."""
    theta = np.array(theta, dtype=float)
    eigvals, eigvecs = largest_eigenpairs(lambda v: net.hvp(theta, X, Y, v), theta.size,
                                          v0=v0, tol=tol)
    return float(eigvals[0]), eigvecs[:, 0]


def gradient_noise(net, theta: np.ndarray, X: np.ndarray, Y: np.ndarray,
                   batch_sizes: list[int]) -> dict[int, float]:
    """E‖g_B − g‖² / ‖g‖² for a batch of B drawn without replacement, exactly.

    With the n per-example gradients g_i, their mean g and tr Σ = mean ‖g_i − g‖²:
    E‖g_B − g‖² = (n − B) / (B (n − 1)) · tr Σ.
    """
    n = len(X)
    thetas = np.broadcast_to(np.asarray(theta, dtype=float), (n, np.size(theta)))
    per_example = net.gradient(thetas, X[:, None, :], Y[:, None, :])
    g = per_example.mean(axis=0)
    trace_sigma = np.mean(np.sum((per_example - g) ** 2, axis=1))
    out = {}
    for b in batch_sizes:
        _check_batch_size(n, b)
        out[int(b)] = float((n - b) / (b * (n - 1)) * trace_sigma / (g @ g))
    return out
