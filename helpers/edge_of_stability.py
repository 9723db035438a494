"""Notebook 07's edge of stability: the sharpness during full-batch gradient descent.

On a quadratic, gradient descent with learning rate lr is stable only while the largest Hessian
eigenvalue λ_max (the sharpness) is below 2/lr. On a network, λ_max first rises during
training (progressive sharpening) until it reaches about 2/lr, then hovers there while the loss
keeps falling, non-monotonically (Cohen et al. 2021).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from helpers.minibatch import sharpness
from helpers.timing import interruptible
from helpers.validation import array, has_methods, instance, real, whole

__all__ = ["SharpnessRun", "summarise_run", "track_sharpness"]


@dataclass(frozen=True)
class SharpnessRun:
    """The loss at every step (nan after divergence) and λ_max every few steps."""

    lr: float
    loss: np.ndarray
    steps: np.ndarray
    sharpness: np.ndarray


def track_sharpness(net, theta0: np.ndarray, X: np.ndarray, Y: np.ndarray, *, lr: float,
                    n_steps: int, every: int = 20, tol: float = 1e-5,
                    diverged_at: float = 1e3) -> SharpnessRun:
    """Full-batch GD; λ_max by Lanczos (warm-started) every ``every`` steps, from step 0."""
    has_methods("net", net, ("loss", "gradient", "hvp"), "a network such as MLP(64, 8, 10)")
    lr = real("lr", lr, low=0.0, low_open=True)
    n_steps = whole("n_steps", n_steps, low=1, high=10**6, example=1000)
    every = whole("every", every, low=1, example=20)
    tol, diverged_at = real("tol", tol, low=0.0), real("diverged_at", diverged_at, low=0.0)
    theta = array("theta0", theta0, ndim=1).copy()
    done = [0]
    with interruptible(lambda: f"track_sharpness stopped at step {done[0]:,} of {n_steps:,}; "
                               "nothing was returned."):
        return _track(net, theta, X, Y, lr, n_steps, every, tol, diverged_at, done)


def _track(net, theta: np.ndarray, X, Y, lr: float, n_steps: int, every: int, tol: float,
           diverged_at: float, done: list[int]) -> SharpnessRun:
    """track_sharpness on checked arguments; done[0] is the current step."""
    loss = np.full(int(n_steps) + 1, np.nan)
    steps, sharp, v = [], [], None
    for t in range(int(n_steps) + 1):
        done[0] = t
        loss[t] = net.loss(theta, X, Y)
        if not np.isfinite(loss[t]) or loss[t] > diverged_at:
            break
        if t % every == 0:
            lam, v = sharpness(net, theta, X, Y, v0=v, tol=tol)
            steps.append(t)
            sharp.append(lam)
        if t < n_steps:
            theta = theta - lr * net.gradient(theta, X, Y)
    return SharpnessRun(float(lr), loss, np.array(steps), np.array(sharp))


def summarise_run(run: SharpnessRun) -> dict[str, float | int | bool]:
    """λ_max against 2/lr (its early minimum, when it is back at 95 %, the second half) and
    how often the loss rose from one step to the next."""
    instance("run", run, SharpnessRun, "the result of track_sharpness(...)")
    limit = 2.0 / run.lr
    n_steps = len(run.loss) - 1
    finite = np.isfinite(run.loss)
    early = np.where(run.steps <= n_steps // 3, run.sharpness, np.inf)
    i_min = int(np.argmin(early))
    back = np.nonzero((run.steps >= run.steps[i_min]) & (run.sharpness >= 0.95 * limit))[0]
    half = run.sharpness[run.steps >= n_steps // 2] / limit
    diverged = bool(not finite.all() or run.loss[finite][-1] > run.loss[0])
    return {
        "lr": run.lr, "two_over_lr": limit, "sharpness_initial": float(run.sharpness[0]),
        "sharpness_early_min": float(run.sharpness[i_min]), "step_early_min": int(run.steps[i_min]),
        "step_back_at_95pct": int(run.steps[back[0]]) if back.size else -1,
        "second_half_ratio_median": float(np.median(half)) if half.size else float("nan"),
        "second_half_ratio_q10": float(np.percentile(half, 10)) if half.size else float("nan"),
        "second_half_ratio_q90": float(np.percentile(half, 90)) if half.size else float("nan"),
        "loss_initial": float(run.loss[0]), "loss_final": float(run.loss[finite][-1]),
        "n_loss_rises": int(np.sum(np.diff(run.loss[finite]) > 0)), "diverged": diverged,
    }
