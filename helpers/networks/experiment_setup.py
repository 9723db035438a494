"""What the minimum-ratio experiment checks before it starts: arguments, memory, step size.

* every argument is checked (type, range) with a message that says what is expected;
* the memory the run would hold is estimated up front (refused, with the largest ``n_runs``
  that fits, above ``helpers.validation.MEMORY_LIMIT``), and the exact Hessians are formed a
  chunk of networks at a time so that they never all sit in memory at once;
* the step size: plain gradient descent diverges when lr > 2/λ_max, and λ_max at the starting
  points grows about linearly with the width (≈ 14 at 8 hidden units, ≈ 90 at 64). Left out
  (``lr=None``), it is min(0.1, 0.8/n_hidden, 1.6/λ̂) with λ̂ the largest Hessian eigenvalue
  at the first starting points — 0.1 for the default width; a given lr above 2/λ̂ is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from helpers.networks.mlp import MLP
from helpers.validation import MEMORY_LIMIT, callback, fits_in_memory, real, seed_value, whole

__all__ = ["CHUNK_BYTES", "MAX_HIDDEN", "Plan", "check_arguments", "chunk_size", "step_size"]

MAX_HIDDEN = 256  # wider: each exact Hessian (P = 3·h + 1) is too slow to factor 300 times
CHUNK_BYTES = 48 * 1024**2  # Hessians and passes of one chunk of networks
DEFAULT_LR = 0.1
PROBES = 5  # starting points whose λ_max decides the step size (the five init scales)


@dataclass(frozen=True)
class Plan:
    """The checked arguments of one experiment (lr is None until ``step_size``)."""

    n_runs: int
    seed: int
    n_hidden: int
    n_samples: int
    l2: float
    gd_steps: int
    lr: float | None
    lm_iters: int
    grad_tol: float
    zero_tol: float
    theta_max: float
    progress: Any


def _bytes_per_network(n_hidden: int, n_samples: int) -> float:
    """Memory one network holds for the whole run (thetas, records, its share of the passes)."""
    P = 3 * n_hidden + 1
    return 8.0 * (12 * P + 8 * n_samples * (n_hidden + 1)) + 2000.0


def chunk_size(n_hidden: int, n_samples: int) -> int:
    """Networks per chunk so that one chunk's Hessians and passes fit in CHUNK_BYTES."""
    P = 3 * n_hidden + 1
    per = 8.0 * (4 * P * P + 3 * n_samples * P + 8 * n_samples * (n_hidden + 1))
    return max(1, int(CHUNK_BYTES // per))


def _check_memory(n_runs: int, n_hidden: int, n_samples: int) -> None:
    """Refuse, before any work, a run whose arrays would not fit in MEMORY_LIMIT."""
    per = _bytes_per_network(n_hidden, n_samples)
    fits = int((MEMORY_LIMIT - CHUNK_BYTES) // per)
    fits_in_memory(f"n_runs={n_runs:,} networks of {3 * n_hidden + 1} parameters on "
                   f"{n_samples:,} samples", n_runs * per + CHUNK_BYTES,
                   f"Use at most n_runs={fits:,} for this network and data set.")


def check_arguments(n_runs: Any, seed: Any, **options: Any) -> Plan:
    """Every argument checked (type, range, memory), as a Plan; a Generator seed drawn once."""
    o = options
    n_runs = whole("n_runs", n_runs, low=1, example=100)
    plan = Plan(
        n_runs=n_runs, seed=seed_value("seed", seed),
        n_hidden=whole("n_hidden", o["n_hidden"], low=1, high=MAX_HIDDEN, example=8,
                       advice="Wider networks make every exact Hessian too slow here."),
        n_samples=whole("n_samples", o["n_samples"], low=1, example=24),
        l2=real("l2", o["l2"], low=0.0),
        gd_steps=whole("gd_steps", o["gd_steps"], low=0, example=3000),
        lr=None if o["lr"] is None else real(
            "lr", o["lr"], low=0.0, low_open=True,
            advice="Leave lr out to let the experiment choose one for the width."),
        lm_iters=whole("lm_iters", o["lm_iters"], low=0, example=300),
        grad_tol=real("grad_tol", o["grad_tol"], low=0.0, low_open=True),
        zero_tol=real("zero_tol", o["zero_tol"], low=0.0, low_open=True),
        theta_max=real("theta_max", o["theta_max"], low=0.0, low_open=True),
        progress=callback("progress", o["progress"], "progress(stage, done, total)"),
    )
    _check_memory(plan.n_runs, plan.n_hidden, plan.n_samples)
    return plan


def largest_curvature(model: MLP, thetas: np.ndarray, X: np.ndarray, y: np.ndarray) -> float:
    """λ̂: the largest Hessian eigenvalue over the first PROBES starting points."""
    H = model.hessian_batch(thetas[:PROBES], X, y)
    return float(np.max(np.linalg.eigvalsh(H)[:, -1]))


def step_size(lr: float | None, model: MLP, thetas: np.ndarray, X: np.ndarray,
              y: np.ndarray) -> float:
    """The step size: lr if gradient descent can converge with it, else a clear ValueError.

    None → min(0.1, 0.8/n_hidden, 1.6/λ̂): the default 0.1 wherever it is stable.
    """
    lam = largest_curvature(model, thetas, X, y)
    if lr is None:
        return float(min(DEFAULT_LR, 0.8 / model.n_hidden, 1.6 / max(lam, 1e-12)))
    if lr * lam >= 2.0:
        raise ValueError(
            f"lr={lr:g} is too large for this network: at the starting points the largest "
            f"Hessian eigenvalue is about {lam:.3g}, and gradient descent diverges when "
            f"lr > 2/λ_max ≈ {2.0 / lam:.3g}. Use a smaller lr (about {1.0 / lam:.2g}), or "
            "leave lr out to let the experiment choose one.")
    return lr


def divergence_message(n_bad: int, n_runs: int, lr: float) -> str:
    """The ValueError text when gradient descent blew up in some runs."""
    return (f"gradient descent diverged in {n_bad:,} of {n_runs:,} runs with lr={lr:g} (the "
            "curvature grew during training). Use a smaller lr, e.g. lr="
            f"{lr / 4:.2g}, or leave lr out.")
