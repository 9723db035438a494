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

from helpers.timing import interruptible
from helpers.validation import (
    array,
    callback,
    fits_in_memory,
    has_methods,
    instance,
    real,
    seed_value,
    whole,
)

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
    n = whole("n (the number of examples)", n, low=1, example=400)
    batch_size = whole("batch_size", batch_size, low=1, example=32)
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
    instance("rng", rng, np.random.Generator, "a numpy Generator, e.g. np.random.default_rng(0)")
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

    n_train = whole("n_train", n_train, low=10, high=1787, example=400)
    seed = seed_value("seed", seed)
    digits = load_digits()
    X_tr, X_te, l_tr, l_te = train_test_split(digits.data / 16.0, digits.target,
                                              train_size=int(n_train), stratify=digits.target,
                                              random_state=seed)
    eye = np.eye(10)
    return DigitsTask(X_tr, eye[l_tr], l_tr, X_te, eye[l_te], l_te)


def accuracy(net, theta: np.ndarray, X: np.ndarray, labels: np.ndarray) -> float | np.ndarray:
    """Share of examples whose largest output is the label (theta may be batched (B, P))."""
    labels = array("labels", labels, ndim=1)
    if len(labels) != len(array("X", X, ndim=2)):
        raise ValueError(f"labels needs one label per row of X ({len(X)}); got {len(labels)}.")
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
    if epochs is not None:
        whole("epochs", epochs, low=1, example=5)
    if updates is not None:
        whole("updates", updates, low=1, example=1000)
    if target_loss is not None:
        real("target_loss", target_loss, low=0.0, low_open=True)


def train_sgd(net, theta0: np.ndarray, X: np.ndarray, Y: np.ndarray, *, batch_size: int,
              lr: float, seed: int, epochs: int | None = None, updates: int | None = None,
              target_loss: float | None = None, max_updates: int = 200_000) -> SGDRun:
    """Plain SGD (theta <- theta - lr*grad on one batch), reshuffled every epoch by ``seed``.

    Stops after ``epochs`` epochs, after ``updates`` updates, or at the first epoch end where
    the full training loss is <= ``target_loss`` (or ``max_updates`` were made).
    """
    _stopping_rule(epochs, updates, target_loss)
    has_methods("net", net, ("gradient", "loss"), "a network such as MLP(64, 8, 10)")
    lr = real("lr", lr, low=0.0, low_open=True)
    whole("max_updates", max_updates, low=1, example=200_000)
    X, Y = array("X", X, ndim=2), array("Y", Y, ndim=(1, 2))
    n, batch_size = _check_batch_size(len(X), batch_size)
    rng = np.random.default_rng(seed_value("seed", seed))
    theta = array("theta0", theta0, ndim=1).copy()
    progress = [0]
    with interruptible(lambda: f"train_sgd stopped after {progress[0]:,} updates; nothing was "
                               "returned."), np.errstate(over="ignore", invalid="ignore"):
        return _sgd_loop(net, theta, X, Y, batch_size, lr, rng, epochs, updates, target_loss,
                         max_updates, progress)


def _sgd_loop(net, theta, X, Y, batch_size, lr, rng, epochs, updates, target_loss,
              max_updates, progress: list[int]) -> SGDRun:
    """train_sgd's loop on checked arguments; progress[0] counts the updates made."""
    n = len(X)
    k = epoch = 0
    while True:
        order = rng.permutation(n)
        for i in range(0, n, batch_size):
            idx = order[i : i + batch_size]
            theta -= lr * net.gradient(theta, X[idx], Y[idx])
            k += 1
            progress[0] = k
            if updates is not None and k >= updates:
                return SGDRun(theta, k, epoch + (i + len(idx)) / n)
        epoch += 1
        if not np.all(np.isfinite(theta)):
            raise ValueError(f"SGD diverged with lr={lr:g} (the parameters overflowed in epoch "
                             f"{epoch}); use a smaller lr.")
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
    callback("hvp", hvp, "hvp(v) → H·v", optional=False)
    n = whole("n_params", n_params, low=3, example=100)
    k = whole("k", k, low=1, high=n - 2, example=1)
    tol = real("tol", tol, low=0.0)
    if v0 is not None:
        v0 = array("v0", v0, shape=(n,))
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
    has_methods("net", net, ("hvp",), "a network such as MLP(64, 8, 10)")
    theta = array("theta", theta, ndim=1)
    eigvals, eigvecs = largest_eigenpairs(lambda v: net.hvp(theta, X, Y, v), theta.size,
                                          v0=v0, tol=tol)
    return float(eigvals[0]), eigvecs[:, 0]


def gradient_noise(net, theta: np.ndarray, X: np.ndarray, Y: np.ndarray,
                   batch_sizes: list[int]) -> dict[int, float]:
    """E‖g_B − g‖² / ‖g‖² for a batch of B drawn without replacement, exactly.

    With the n per-example gradients g_i, their mean g and tr Σ = mean ‖g_i − g‖²:
    E‖g_B − g‖² = (n − B) / (B (n − 1)) · tr Σ.
    """
    has_methods("net", net, ("gradient",), "a network such as MLP(64, 8, 10)")
    X, theta = array("X", X, ndim=2), array("theta", theta, ndim=1)
    if isinstance(batch_sizes, str) or not hasattr(batch_sizes, "__iter__"):
        raise TypeError(f"batch_sizes must be a list of whole numbers; got {batch_sizes!r:.60}.")
    n = len(X)
    fits_in_memory(f"{n:,} per-example gradients of {theta.size:,} parameters",
                   3 * 8.0 * n * theta.size, "Use fewer examples.")
    thetas = np.broadcast_to(theta, (n, theta.size))
    per_example = net.gradient(thetas, X[:, None, :], Y[:, None, :])
    g = per_example.mean(axis=0)
    trace_sigma = np.mean(np.sum((per_example - g) ** 2, axis=1))
    out = {}
    for b in batch_sizes:
        _check_batch_size(n, b)
        out[int(b)] = float((n - b) / (b * (n - 1)) * trace_sigma / (g @ g))
    return out
