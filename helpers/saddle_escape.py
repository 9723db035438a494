"""Notebook 06's saddle escape: full-batch gradient descent against mini-batch SGD.

The saddle (Fukumizu & Amari 2000): the best network with ONE hidden unit, embedded in a
network with two by duplicating the unit and splitting its output weight a into
(gamma·a, (1 − gamma)·a). The outputs do not change, so this is a critical point of the
two-unit network for every gamma, and its exact Hessian has negative eigenvalues: a saddle.

``sgd_escape_times`` starts many runs a distance delta from it and counts the updates until the
full training loss is 10 % below the saddle's; runs are vectorised over the starts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from helpers.networks.mlp import MLP
from helpers.timing import interruptible
from helpers.validation import array, fits_in_memory, instance, real, seed_value, whole

__all__ = [
    "EscapeRun",
    "certify_saddle",
    "embed_saddle",
    "sgd_escape_times",
    "lecture_saddle_gradients",
    "one_unit_minimum",
    "predicted_gd_escape",
    "random_offsets",
    "saddle_free_newton",
    "teacher_task",
]


def teacher_task(n: int = 100, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """n inputs x ~ N(0, I₂) and targets y = tanh(2·x₁) + tanh(2·x₂) (a two-unit teacher)."""
    n = whole("n", n, low=2, high=10**6, example=100)
    X = np.random.default_rng(seed_value("seed", seed)).standard_normal((n, 2))
    return X, (np.tanh(2 * X[:, 0]) + np.tanh(2 * X[:, 1]))[:, None]


def saddle_free_newton(net: MLP, theta: np.ndarray, X: np.ndarray, Y: np.ndarray,
                       n_steps: int = 100) -> np.ndarray:
    """Newton steps with |eigenvalues| of the exact Hessian, halved until the loss falls."""
    theta = np.array(theta, dtype=float)
    for _ in range(n_steps):
        loss, grad = net.loss(theta, X, Y), net.gradient(theta, X, Y)
        if np.linalg.norm(grad) < 1e-15:
            break
        eigvals, eigvecs = np.linalg.eigh(net.hessian(theta, X, Y))
        step = -eigvecs @ ((eigvecs.T @ grad) / np.maximum(np.abs(eigvals), 1e-10))
        size = 1.0
        while net.loss(theta + size * step, X, Y) > loss and size > 1e-10:
            size *= 0.5
        theta = theta + size * step
    return theta


def one_unit_minimum(X: np.ndarray, Y: np.ndarray, n_starts: int = 10) -> np.ndarray:
    """The lowest certified minimum of the one-unit network (GD, then saddle-free Newton)."""
    net = MLP(X.shape[1], 1, 1)
    best, best_loss = None, np.inf
    for seed in range(n_starts):
        theta = net.init(seed)
        for _ in range(3000):
            theta = theta - 0.2 * net.gradient(theta, X, Y)
        theta = saddle_free_newton(net, theta, X, Y)
        loss = net.loss(theta, X, Y)
        certified = (np.linalg.norm(net.gradient(theta, X, Y)) < 1e-12
                     and np.linalg.eigvalsh(net.hessian(theta, X, Y))[0] > 0)
        if certified and loss < best_loss - 1e-12:
            best, best_loss = theta, loss
    if best is None:
        raise ValueError("no start reached a certified minimum; try more starts")
    return best


def embed_saddle(theta1: np.ndarray, gamma: float, n_in: int = 2) -> np.ndarray:
    """The one-unit theta1 as a two-unit theta: the unit duplicated, a split (γa, (1−γ)a)."""
    small, big = MLP(n_in, 1, 1), MLP(n_in, 2, 1)
    real("gamma", gamma)
    W1, b1, W2, b2 = small.unpack(theta1)
    return big.pack(np.vstack([W1, W1]), np.r_[b1, b1], np.c_[gamma * W2, (1 - gamma) * W2], b2)


def certify_saddle(net: MLP, theta: np.ndarray, X: np.ndarray, Y: np.ndarray) -> dict:
    """Gradient norm, Hessian eigenvalues, v_min, and the per-example gradients along v_min."""
    instance("net", net, MLP, "an MLP, e.g. MLP(2, 2, 1)")
    theta = array("theta", theta, shape=(net.n_params,))
    X = array("X", X, ndim=2)
    eigvals, eigvecs = np.linalg.eigh(net.hessian(theta, X, Y))
    v_min = eigvecs[:, 0]
    thetas = np.broadcast_to(theta, (len(X), theta.size))
    per_example = net.gradient(thetas, X[:, None, :], Y[:, None, :])
    along = per_example @ v_min
    return {"loss": net.loss(theta, X, Y),
            "grad_norm": float(np.linalg.norm(net.gradient(theta, X, Y))),
            "eigvals": eigvals, "v_min": v_min,
            "per_example_grad_norm_mean": float(np.linalg.norm(per_example, axis=1).mean()),
            "along_v_min_max_abs": float(np.abs(along).max()),
            "along_v_min_rms": float(np.sqrt(np.mean(along**2)))}


def random_offsets(n: int, dim: int, seed: int = 2024) -> np.ndarray:
    """n seeded random unit vectors in R^dim, one per row."""
    n, dim = whole("n", n, low=1, example=100), whole("dim", dim, low=1, example=9)
    fits_in_memory(f"{n:,} offsets in {dim:,} dimensions", 2 * 8.0 * n * dim, "Use fewer.")
    U = np.random.default_rng(seed_value("seed", seed)).standard_normal((n, dim))
    return U / np.linalg.norm(U, axis=1, keepdims=True)


def _batch_gradients(net: MLP, thetas: np.ndarray, X: np.ndarray, Y: np.ndarray,
                     batch_size: int, rng: np.random.Generator, state: dict) -> np.ndarray:
    """One gradient per run: full batch, or the next batch of each run's own permutation."""
    n = len(X)
    if batch_size == n:
        return net.gradient(thetas, X, Y)
    if state["pos"] + batch_size > n:  # a new epoch: a fresh permutation per run
        state["perm"] = np.argsort(rng.random((len(thetas), n)), axis=1)
        state["pos"] = 0
    idx = state["perm"][:, state["pos"] : state["pos"] + batch_size]
    state["pos"] += batch_size
    return net.gradient(thetas, X[idx], Y[idx])


@dataclass(frozen=True)
class EscapeRun:
    """Updates until each run left the saddle (−1: never), and optionally its loss curves."""

    times: np.ndarray
    loss_curves: np.ndarray | None = None  # (runs, records): the full loss every few updates


def sgd_escape_times(net: MLP, theta_saddle: np.ndarray, X: np.ndarray, Y: np.ndarray, *,
                     batch_size: int, starts: np.ndarray, lr: float = 0.05, drop: float = 0.10,
                     max_updates: int = 3000, seed: int = 5000,
                     record_every: int | None = None) -> EscapeRun:
    """Updates until the full loss is ≤ (1 − drop)·L(saddle), per start (−1: never left).

    Batches are drawn without replacement (a new permutation per run and epoch, from
    ``default_rng(seed + batch_size)``); batch_size = len(X) is full-batch gradient descent.
    Without ``record_every`` it stops once every run has left; with it, it runs max_updates
    and records the full loss every ``record_every`` updates.
    """
    instance("net", net, MLP, "an MLP, e.g. MLP(2, 2, 1)")
    X = array("X", X, ndim=2)
    whole("batch_size", batch_size, low=1, high=len(X), example=len(X))
    thetas = array("starts", starts, shape=(None, net.n_params)).copy()
    lr, drop = real("lr", lr, low=0.0, low_open=True), real("drop", drop, low=0.0, high=1.0)
    whole("max_updates", max_updates, low=1, high=10**6, example=3000)
    seed_value("seed", seed)
    if record_every is not None:
        whole("record_every", record_every, low=1, example=10)
    threshold = (1 - drop) * net.loss(theta_saddle, X, Y)
    times = -np.ones(len(thetas), dtype=int)
    rng = np.random.default_rng(seed + int(batch_size))
    state = {"pos": len(X), "perm": None}
    curves: list[np.ndarray] = []
    with interruptible(lambda: f"sgd_escape_times stopped after {state.get('t', 0):,} of "
                               f"{max_updates:,} updates; nothing was returned."):
        for t in range(1, max_updates + 1):
            state["t"] = t
            thetas = thetas - lr * _batch_gradients(net, thetas, X, Y, int(batch_size), rng,
                                                    state)
            loss = net.loss(thetas, X, Y)
            times[(times < 0) & (loss <= threshold)] = t
            if record_every and t % record_every == 0:
                curves.append(loss)
            if not record_every and np.all(times > 0):
                break
    return EscapeRun(times, np.array(curves).T if record_every else None)


def predicted_gd_escape(certificate: dict, offsets: np.ndarray, lr: float = 0.05,
                        drop: float = 0.10) -> np.ndarray:
    """Linearised GD: ln(d*/|⟨offset, v_min⟩|) / ln(1 + lr·|λ_min|), d* = √(2·drop·L/|λ_min|)."""
    if not isinstance(certificate, dict) or not {"eigvals", "loss", "v_min"} <= set(certificate):
        raise TypeError("certificate must be the dict certify_saddle(net, theta, X, Y) returns.")
    lr, drop = real("lr", lr, low=0.0, low_open=True), real("drop", drop, low=0.0, high=1.0)
    offsets = array("offsets", offsets, shape=(None, len(certificate["v_min"])))
    lam_min = float(certificate["eigvals"][0])
    if lam_min >= 0:
        raise ValueError("the point is not a saddle: its smallest eigenvalue is not negative")
    d_star = np.sqrt(2 * drop * certificate["loss"] / abs(lam_min))
    along = np.abs(offsets @ certificate["v_min"])
    return np.log(d_star / along) / np.log(1 + lr * abs(lam_min))


def lecture_saddle_gradients(x: np.ndarray, y: np.ndarray, w1: float = 0.0,
                             w2: float = 0.0) -> np.ndarray:
    """Per-example gradients (n, 2) of (y − w1·w2·x)² for the lecture's network y = w1·w2·x."""
    x, y = array("x", x, ndim=1), array("y", y, ndim=1)
    if x.shape != y.shape:
        raise ValueError(f"x and y need the same length; got {x.size} and {y.size}.")
    w1, w2 = real("w1", w1), real("w2", w2)
    residual = y - w1 * w2 * x
    return np.column_stack([-2 * residual * w2 * x, -2 * residual * w1 * x])
