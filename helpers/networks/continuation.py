"""How much is the L2 term? Certified critical points followed while the L2 weight shrinks."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from helpers.networks.experiment import ExperimentResult
from helpers.networks.mlp import MLP
from helpers.networks.roots import levenberg_marquardt, newton
from helpers.spectrum import Inertia, inertia, kind_from_inertia
from helpers.timing import interruptible
from helpers.validation import array, fits_in_memory, instance, real, whole

__all__ = ["L2Path", "follow_l2"]


@dataclass
class L2Path:
    """Certified critical points followed while the L2 weight shrinks (numerical continuation).

    Arrays have one row per L2 value and one column per followed point; a point that fails
    certification at some level is dropped from there on (``alive`` False, NaN / −1 entries).
    """

    l2_values: np.ndarray  # (K,), decreasing, the first one is the experiment's own l2
    runs: np.ndarray  # (n,) run numbers of the followed points
    thetas: np.ndarray  # (K, n, P)
    alive: np.ndarray  # (K, n) bool: certified at this level (and at all earlier ones)
    grad_norm: np.ndarray  # (K, n) ‖∇L‖ of the loss with that level's L2 weight
    data_loss: np.ndarray  # (K, n) MSE part
    penalty: np.ndarray  # (K, n) l2/2·‖θ‖²
    n_negative: np.ndarray  # (K, n) int, −1 where not alive
    n_zero: np.ndarray  # (K, n) int, −1 where not alive
    min_abs_eigenvalue: np.ndarray  # (K, n) smallest |λ| (distance of the counts from a flip)

    def kind_counts(self, k: int) -> dict[str, int]:
        """Kinds of the points alive at level k (second-order test, same zero tolerance)."""
        out: dict[str, int] = {}
        P = self.thetas.shape[-1]
        for neg, zero in zip(self.n_negative[k][self.alive[k]], self.n_zero[k][self.alive[k]],
                             strict=True):
            kind = kind_from_inertia(Inertia(int(neg), int(zero), int(P - neg - zero)))
            out[kind] = out.get(kind, 0) + 1
        return out


def _check_levels(result: ExperimentResult, l2_values) -> np.ndarray:
    """The L2 weights as a float array: 1-D, non-negative, from result.l2 strictly down."""
    instance("result", result, ExperimentResult, "the result of minimum_ratio_experiment(...)")
    l2_values = array("l2_values", l2_values)
    if l2_values.ndim != 1 or l2_values.size < 1 or np.any(l2_values < 0):
        raise ValueError("l2_values must be a 1-D sequence of non-negative L2 weights.")
    if l2_values[0] != result.l2 or np.any(np.diff(l2_values) >= 0):
        raise ValueError(f"l2_values must start at the experiment's l2 = {result.l2} "
                         "and decrease strictly.")
    return l2_values


def _continue(model: MLP, result: ExperimentResult, theta: np.ndarray, newton_iters: int,
              lm_iters: int) -> np.ndarray:
    """Newton from the previous level's points; Levenberg–Marquardt from there if Newton fails."""
    X, y, tol = result.X, result.y, result.grad_tol
    cur = newton(model, theta, X, y, newton_iters, 1e-3 * tol)
    retry = ~(np.linalg.norm(model.gradient(cur, X, y), axis=1) <= tol)
    if retry.any():  # damped steps from the start
        cur[retry] = levenberg_marquardt(model, theta[retry], X, y, lm_iters, tol, None)
    return cur


def _spectra(model: MLP, result: ExperimentResult, theta: np.ndarray) -> tuple[np.ndarray, ...]:
    """Per row: number of negative and of zero eigenvalues of the exact Hessian, smallest |λ|."""
    eigs = np.linalg.eigvalsh(model.hessian_batch(theta, result.X, result.y))
    counts = [inertia(e, result.zero_tol) for e in eigs]
    return (np.array([c.negative for c in counts]), np.array([c.zero for c in counts]),
            np.abs(eigs).min(axis=1))


def _data_losses(result: ExperimentResult, thetas: np.ndarray, alive: np.ndarray) -> np.ndarray:
    """Mean-squared error (no L2 term) of every alive point, NaN elsewhere."""
    model = MLP(result.model.n_in, result.model.n_hidden, result.model.n_out)
    data_loss = np.full(alive.shape, np.nan)
    for k in range(len(alive)):
        if alive[k].any():
            data_loss[k, alive[k]] = model.loss(thetas[k, alive[k]], result.X, result.y)
    return data_loss


def follow_l2(
    result: ExperimentResult,
    l2_values: np.ndarray,
    *,
    newton_iters: int = 20,
    lm_iters: int = 100,
    max_jump: float = 0.5,
) -> L2Path:
    """Follow every certified point of ``result`` as the L2 weight goes through ``l2_values``.

    At each new weight, Newton's method on ∇L = 0 starts from the point found at the previous
    weight (Levenberg–Marquardt if Newton fails). A point stays on the path only if it is
    certified again (‖g‖ ≤ grad_tol, ‖θ‖ ≤ theta_max) *and* moved at most ``max_jump`` from the
    previous level, so that it is the same critical point continued, not a jump to another one.
    Eigenvalues are counted with the experiment's zero tolerance.
    """
    l2_values = _check_levels(result, l2_values)
    whole("newton_iters", newton_iters, low=0, example=20)
    whole("lm_iters", lm_iters, low=0, example=100)
    real("max_jump", max_jump, low=0.0, low_open=True)
    fits_in_memory(f"following {len(result.certified):,} points through {len(l2_values):,} "
                   "L2 weights", 8.0 * 2 * len(l2_values) * len(result.certified)
                   * (result.model.n_params + 8))
    level = [0]
    with interruptible(lambda: f"follow_l2 stopped at L2 weight {level[0] + 1} of "
                               f"{len(l2_values)}; nothing was returned."):
        return _follow(result, l2_values, newton_iters, lm_iters, max_jump, level)


def _follow(result: ExperimentResult, l2_values: np.ndarray, newton_iters: int, lm_iters: int,
            max_jump: float, level: list[int]) -> L2Path:
    """follow_l2 on checked arguments; ``level[0]`` says which weight is being worked on."""
    model = MLP(result.model.n_in, result.model.n_hidden, result.model.n_out, l2=result.l2)
    cert = result.certified
    n, P, K = len(cert), model.n_params, len(l2_values)
    theta = np.array([r.theta for r in cert]).reshape(n, P)
    thetas = np.full((K, n, P), np.nan)
    alive = np.zeros((K, n), dtype=bool)
    gn, min_abs = np.full((K, n), np.nan), np.full((K, n), np.nan)
    n_neg, n_zero = np.full((K, n), -1), np.full((K, n), -1)
    ok = np.ones(n, dtype=bool)
    for k, l2 in enumerate(l2_values):
        level[0] = k
        model.l2 = float(l2)
        prev = theta.copy()
        if k > 0 and ok.any():
            theta[ok] = _continue(model, result, theta[ok], newton_iters, lm_iters)
        gn[k] = np.linalg.norm(model.gradient(theta, result.X, result.y), axis=1)
        ok &= (gn[k] <= result.grad_tol) & (np.linalg.norm(theta, axis=1) <= result.theta_max)
        ok &= np.linalg.norm(theta - prev, axis=1) <= max_jump
        alive[k] = ok
        if ok.any():
            n_neg[k, ok], n_zero[k, ok], min_abs[k, ok] = _spectra(model, result, theta[ok])
        thetas[k, ok] = theta[ok]
    penalty = np.where(alive, 0.5 * l2_values[:, None] * np.sum(thetas**2, axis=-1), np.nan)
    return L2Path(l2_values, np.array([r.run for r in cert], dtype=int), thetas, alive, gn,
                  _data_losses(result, thetas, alive), penalty, n_neg, n_zero, min_abs)
