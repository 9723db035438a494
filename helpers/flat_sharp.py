"""Notebook 06's flat-versus-sharp picture: the loss along a line through a solution.

For a solution theta*, the training and the test loss along theta* + alpha·d, with d the top
Hessian eigenvector (the sharpest direction) or a random filter-normalised direction (Li et al.
2018: every row of W1 and W2 rescaled to the norm of that row of theta*, biases not moved).
``half_width`` measures how far one can walk before the training loss doubles.
"""

from __future__ import annotations

import numpy as np

from helpers.minibatch import DigitsTask, accuracy
from helpers.validation import array, fits_in_memory, generator, has_methods, instance, real

__all__ = ["filter_normalised_direction", "half_width", "loss_profile"]


def filter_normalised_direction(net, theta: np.ndarray, rng: np.random.Generator | int
                                ) -> np.ndarray:
    """A random direction whose rows of W1 and W2 have the norms of theta's rows; biases 0."""
    has_methods("net", net, ("unpack", "pack", "loss"), "a network such as MLP(64, 8, 10)")
    theta = array("theta", theta, ndim=1)
    d = generator("rng", rng).standard_normal(theta.size)
    W1, b1, W2, b2 = net.unpack(theta)
    D1, _, D2, _ = net.unpack(d)
    rows = []
    for D, W in ((D1, W1), (D2, W2)):
        norms = np.linalg.norm(D, axis=1, keepdims=True)
        if np.any(norms == 0):
            raise ValueError("a row of the random direction is zero; use another seed")
        rows.append(D * (np.linalg.norm(W, axis=1, keepdims=True) / norms))
    return net.pack(rows[0], np.zeros_like(b1), rows[1], np.zeros_like(b2))


def loss_profile(net, theta: np.ndarray, direction: np.ndarray, alphas: np.ndarray,
                 task: DigitsTask) -> dict[str, np.ndarray]:
    """Training and test loss and accuracy at theta + alpha·direction for every alpha."""
    has_methods("net", net, ("unpack", "pack", "loss"), "a network such as MLP(64, 8, 10)")
    instance("task", task, DigitsTask, "a DigitsTask, e.g. digits_task(400)")
    theta, direction = array("theta", theta, ndim=1), array("direction", direction)
    alphas = array("alphas", alphas, ndim=1)
    fits_in_memory(f"{alphas.size:,} points of {theta.size:,} parameters",
                   8.0 * alphas.size * (theta.size + 8 * len(task.X_train)))
    if direction.shape != theta.shape:
        raise ValueError(f"direction must have shape {theta.shape}, got {direction.shape}")
    points = theta[None, :] + alphas[:, None] * direction[None, :]
    return {"train_loss": net.loss(points, task.X_train, task.Y_train),
            "test_loss": net.loss(points, task.X_test, task.Y_test),
            "train_acc": accuracy(net, points, task.X_train, task.labels_train),
            "test_acc": accuracy(net, points, task.X_test, task.labels_test)}


def half_width(alphas: np.ndarray, train_loss: np.ndarray, factor: float = 2.0) -> float:
    """Half the width of the alpha-interval around 0 where the loss stays < factor × L(0)."""
    alphas = array("alphas", alphas, ndim=1, min_size=1)
    train_loss = array("train_loss", train_loss, shape=(alphas.size,), finite=False)
    factor = real("factor", factor, low=1.0, low_open=True)
    i0 = int(np.argmin(np.abs(alphas)))
    if alphas[i0] != 0 or np.any(np.diff(alphas) <= 0):
        raise ValueError("alphas must be increasing and contain 0")
    ok = train_loss < factor * train_loss[i0]
    lo = hi = i0
    while lo > 0 and ok[lo - 1]:
        lo -= 1
    while hi < len(alphas) - 1 and ok[hi + 1]:
        hi += 1
    return float(0.5 * (alphas[hi] - alphas[lo]))
