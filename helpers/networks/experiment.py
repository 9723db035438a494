"""The minimum-ratio experiment, done with certified critical points and exact Hessians.

Recipe (all networks at once, vectorised):

1. one small regression data set made from ``seed``; ``n_runs`` networks ``1 → n_hidden → 1``
   (tanh), each with its own seeded initialisation (init scale varied across runs);
2. plain gradient descent for ``gd_steps`` steps — it *stalls* with ‖g‖ ≈ 1e-3, which is not a
   critical point;
3. Levenberg–Marquardt on the gradient system ∇L(θ) = 0 (Jacobian = the exact Hessian H):
   step δ = −(H² + μI)⁻¹ H g, accepted when it lowers ‖g‖. Unlike minimising L, this converges
   to critical points of any index (minima *and* saddles);
4. certification: ‖g‖ ≤ ``grad_tol``, ‖θ‖ ≤ ``theta_max``, everything finite; the distance moved
   from the stall point is recorded. Runs that fail are kept, labelled "not critical".

The loss includes a small, stated L2 term ``l2/2·‖θ‖²`` (default 3e-3): without it many runs
drift towards saturated points at infinity where ‖g‖ → 0 without a critical point. The
gradient that is certified is the gradient of exactly this loss (``result.gradient``).

At ℓ₂ = 3e-3 the L2 term is ~90 % of the total loss at the points found, so report the data MSE
(``record.data_loss``) as the training loss. ``helpers.networks.continuation.follow_l2`` then
continues every certified point while ℓ₂ shrinks, and
``helpers.networks.symmetries.distinct_critical_points`` groups runs that reached copies of the
same point (hidden units swapped or sign-flipped).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np

from helpers.networks.experiment_setup import (
    Plan,
    check_arguments,
    chunk_size,
    divergence_message,
    step_size,
)
from helpers.networks.mlp import MLP
from helpers.networks.roots import levenberg_marquardt
from helpers.spectrum import inertia, kind_from_inertia
from helpers.timing import Ticker, interruptible

__all__ = [
    "DEFAULT_RUNS",
    "GRAD_TOL",
    "ZERO_TOL",
    "THETA_MAX",
    "L2",
    "CriticalPointRecord",
    "ExperimentResult",
    "minimum_ratio_experiment",
    "experiment_data",
    "text_progress",
]

DEFAULT_RUNS = 100  # networks in the default experiment (raise it for a denser picture)
GRAD_TOL = 1e-8  # certified critical point: ‖∇L‖ ≤ GRAD_TOL
THETA_MAX = 50.0  # ... and ‖θ‖ ≤ THETA_MAX (no escape to infinity)
# |λ| ≤ ZERO_TOL counts as "zero". Certified points have ‖g‖ ≤ 1e-8 (most reach ~1e-15), so the
# Hessian there is within ~1e-8·‖∇³L‖ of the Hessian at the exact critical point, and float64
# eigvalsh adds ~1e-16·‖H‖; 1e-6 is far above both errors and far below the L2 floor (3e-3)
# that any direction of the data loss that is flat gets. The result reports the gap.
ZERO_TOL = 1e-6
L2 = 3e-3  # the stated L2 term l2/2·‖θ‖² included in the certified loss
SPECTRA_STAGE = "spectra of the end points"
METHOD = "gradient descent, then Levenberg–Marquardt on ∇L = 0 (exact Hessian)"

Progress = Callable[[str, int, int], None]


@dataclass
class CriticalPointRecord:
    """One run: where gradient descent stalled and the critical point reached from there."""

    run: int
    theta: np.ndarray
    loss: float  # full loss (MSE + L2 term) at theta
    data_loss: float  # MSE part only
    grad_norm: float  # ‖∇L(theta)‖ of the full loss
    theta_norm: float
    certified: bool
    eigenvalues: np.ndarray  # of the exact Hessian at theta, ascending
    n_positive: int
    n_negative: int
    n_zero: int
    minimum_ratio: float  # n_positive / P (the lecture's definition)
    minimum_ratio_nonzero: float  # n_positive / (n_positive + n_negative)
    kind: str  # "local minimum" / "saddle point" / "local maximum" / "degenerate" / "not critical"
    distance_moved: float  # ‖theta − stall_theta‖
    method: str
    stall_theta: np.ndarray
    stall_loss: float
    stall_grad_norm: float
    init_scale: float


@dataclass
class ExperimentResult:
    """All runs of the experiment, with the network exposed for independent checks."""

    records: list[CriticalPointRecord]
    model: MLP
    X: np.ndarray
    y: np.ndarray
    seed: int
    grad_tol: float
    zero_tol: float
    theta_max: float
    l2: float
    settings: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.records)

    def __iter__(self) -> Iterator[CriticalPointRecord]:
        return iter(self.records)

    def __getitem__(self, i: int) -> CriticalPointRecord:
        return self.records[i]

    def loss(self, theta: np.ndarray) -> float:
        """The certified loss (MSE + l2/2·‖θ‖²) at theta."""
        return self.model.loss(theta, self.X, self.y)

    def gradient(self, theta: np.ndarray) -> np.ndarray:
        """Its exact gradient at theta."""
        return self.model.gradient(theta, self.X, self.y)

    def hessian(self, theta: np.ndarray) -> np.ndarray:
        """Its exact Hessian at theta."""
        return self.model.hessian(theta, self.X, self.y)

    @property
    def certified(self) -> list[CriticalPointRecord]:
        """Records that passed certification (the only ones that are critical points)."""
        return [r for r in self.records if r.certified]

    @property
    def uncertified(self) -> list[CriticalPointRecord]:
        """Records that failed certification."""
        return [r for r in self.records if not r.certified]

    @property
    def eigenvalue_gap(self) -> tuple[float, float]:
        """(largest |λ| ≤ zero_tol, smallest |λ| > zero_tol) over certified points: the gap."""
        mags = np.concatenate([np.abs(r.eigenvalues) for r in self.certified] or [np.zeros(0)])
        below = mags[mags <= self.zero_tol]
        above = mags[mags > self.zero_tol]
        return (float(below.max()) if below.size else 0.0,
                float(above.min()) if above.size else float("inf"))

    def counts(self) -> dict[str, int]:
        """How many runs of each kind (uncertified runs are 'not critical')."""
        out: dict[str, int] = {}
        for r in self.records:
            out[r.kind] = out.get(r.kind, 0) + 1
        return out


def experiment_data(seed: int, n_samples: int = 24) -> tuple[np.ndarray, np.ndarray]:
    """Tiny 1-D regression data made from the seed: y = sin(2x) + 0.3x² + noise on x ∈ [−2, 2]."""
    rng = np.random.default_rng(seed)
    X = np.sort(rng.uniform(-2.0, 2.0, (n_samples, 1)), axis=0)
    y = np.sin(2.0 * X) + 0.3 * X**2 + 0.05 * rng.standard_normal((n_samples, 1))
    return X, y


def text_progress(stage: str, done: int, total: int) -> None:
    """A progress callback that prints one line per stage (deterministic text, stdout only)."""
    if done == total:
        print(f"{stage}: done ({total}/{total})", flush=True)


def _gradient_descent(model: MLP, thetas: np.ndarray, X: np.ndarray, y: np.ndarray,
                      steps: int, lr: float, tick: Ticker) -> np.ndarray:
    """``steps`` plain gradient-descent steps of all networks at once (in place; returned)."""
    stage = _gd_stage(len(thetas), steps)
    with np.errstate(over="ignore", invalid="ignore"):
        for step in range(steps):
            thetas -= lr * model.gradient(thetas, X, y, wide=True)
            tick(stage, step + 1, steps)
    return thetas


def _gd_stage(n_runs: int, steps: int) -> str:
    """The name of the gradient-descent stage given to progress callbacks."""
    return f"gradient descent ({n_runs} networks, {steps} steps)"


def _spectra(model: MLP, thetas: np.ndarray, X: np.ndarray, y: np.ndarray, chunk: int,
             tick: Ticker) -> np.ndarray:
    """Eigenvalues (B, P) of the exact Hessians, formed ``chunk`` networks at a time.

    Reported as a stage of its own only when it takes several chunks (large runs).
    """
    out = np.empty(thetas.shape)
    for start in range(0, len(thetas), chunk):
        stop = min(start + chunk, len(thetas))
        out[start:stop] = np.linalg.eigvalsh(model.hessian_batch(thetas[start:stop], X, y))
        if chunk < len(thetas):
            tick(SPECTRA_STAGE, stop, len(thetas))
    return out


def _starts(model: MLP, n_runs: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Init scales (1.0 … 3.0, cycling) and the seeded starting thetas of every run."""
    scales = 1.0 + 2.0 * (np.arange(n_runs) % 5) / 4.0
    thetas = np.array(
        [model.init(np.random.default_rng([seed, i]), scales[i]) for i in range(n_runs)]
    )
    return scales, thetas


def _interrupt_line(tick: Ticker) -> str:
    """The one line an interrupt ends with."""
    where = f" at {tick.done:,} of {tick.total:,}" if tick.total else ""
    return (f"the experiment stopped during {tick.stage or 'its set-up'}{where}; nothing was "
            "returned. Fewer runs (n_runs) finish sooner.")


def _record(run: int, theta: np.ndarray, eigvals: np.ndarray, certified: bool, n_params: int,
            zero_tol: float, **fields) -> CriticalPointRecord:
    """One run's record: eigenvalue counts (|λ| ≤ zero_tol is zero) and the kind they imply."""
    counts = inertia(eigvals, zero_tol)
    n_pos, n_neg = counts.positive, counts.negative
    return CriticalPointRecord(
        run=run, theta=theta.copy(), eigenvalues=eigvals.copy(), certified=certified,
        n_positive=n_pos, n_negative=n_neg, n_zero=counts.zero,
        minimum_ratio=n_pos / n_params,
        minimum_ratio_nonzero=n_pos / max(1, n_pos + n_neg),
        kind=kind_from_inertia(counts) if certified else "not critical",
        method=METHOD, **fields)


def minimum_ratio_experiment(
    n_runs: int = DEFAULT_RUNS,
    seed: int = 0,
    *,
    n_hidden: int = 8,
    n_samples: int = 24,
    l2: float = L2,
    gd_steps: int = 3000,
    lr: float | None = None,
    lm_iters: int = 300,
    grad_tol: float = GRAD_TOL,
    zero_tol: float = ZERO_TOL,
    theta_max: float = THETA_MAX,
    progress: Progress | None = None,
) -> ExperimentResult:
    """Train ``n_runs`` tanh networks, drive each stall to a certified critical point, analyse H.

    ``progress(stage, done, total)`` is called at least every half second while work goes on
    (``text_progress`` prints one line per stage). ``lr=None`` picks a stable step size for the
    width (0.1 at the default width; see ``experiment_setup``). Arguments are checked before
    any work; an interrupt ends the run with one line (``helpers.timing.Interrupted``).
    """
    plan = check_arguments(n_runs, seed, n_hidden=n_hidden, n_samples=n_samples, l2=l2,
                           gd_steps=gd_steps, lr=lr, lm_iters=lm_iters, grad_tol=grad_tol,
                           zero_tol=zero_tol, theta_max=theta_max, progress=progress)
    tick = Ticker(plan.progress)
    with interruptible(lambda: _interrupt_line(tick)):
        return _run(plan, tick)


def _run(plan: Plan, tick: Ticker) -> ExperimentResult:
    """The experiment itself, on checked arguments."""
    tick(_gd_stage(plan.n_runs, plan.gd_steps), 0, plan.gd_steps, force=True)  # shown at once
    X, y = experiment_data(plan.seed, plan.n_samples)
    model = MLP(1, plan.n_hidden, 1, l2=plan.l2)
    scales, thetas = _starts(model, plan.n_runs, plan.seed)
    lr = step_size(plan.lr, model, thetas, X, y)
    stall = _gradient_descent(model, thetas, X, y, plan.gd_steps, lr, tick).copy()
    n_bad = int(np.sum(~np.all(np.isfinite(stall), axis=1)))
    if n_bad:
        raise ValueError(divergence_message(n_bad, plan.n_runs, lr))
    stall_loss = model.loss(stall, X, y)
    stall_gn = np.linalg.norm(model.gradient(stall, X, y), axis=1)
    chunk = chunk_size(plan.n_hidden, plan.n_samples)
    final = levenberg_marquardt(model, stall, X, y, plan.lm_iters, plan.grad_tol, tick, chunk)
    bad = ~np.all(np.isfinite(final), axis=1)
    final[bad] = stall[bad]  # never happens in practice; keeps the analysis finite
    loss = model.loss(final, X, y)
    data_loss = loss - 0.5 * plan.l2 * np.sum(final**2, axis=1)
    gn = np.linalg.norm(model.gradient(final, X, y), axis=1)
    eigs = _spectra(model, final, X, y, chunk, tick)
    theta_norm = [float(np.linalg.norm(theta)) for theta in final]
    records = [
        _record(i, final[i], eigs[i],
                bool(gn[i] <= plan.grad_tol and theta_norm[i] <= plan.theta_max and not bad[i]),
                model.n_params, plan.zero_tol, loss=float(loss[i]),
                data_loss=float(data_loss[i]), grad_norm=float(gn[i]),
                theta_norm=theta_norm[i],
                distance_moved=float(np.linalg.norm(final[i] - stall[i])),
                stall_theta=stall[i].copy(), stall_loss=float(stall_loss[i]),
                stall_grad_norm=float(stall_gn[i]), init_scale=float(scales[i]))
        for i in range(plan.n_runs)
    ]
    settings = dict(n_hidden=plan.n_hidden, n_samples=plan.n_samples, gd_steps=plan.gd_steps,
                    lr=lr, lm_iters=plan.lm_iters)
    if not any(r.certified for r in records):
        warnings.warn(no_critical_point_message(plan.n_runs, plan.lm_iters, plan.grad_tol),
                      stacklevel=3)
    return ExperimentResult(records, model, X, y, plan.seed, plan.grad_tol, plan.zero_tol,
                            plan.theta_max, plan.l2, settings)


def no_critical_point_message(n_runs: int, lm_iters: int, grad_tol: float) -> str:
    """What to say when no run reached a certified critical point."""
    return (f"None of the {n_runs} runs reached a critical point (gradient norm <= {grad_tol:g} "
            f"after {lm_iters} Levenberg-Marquardt steps), so there is no minimum ratio to "
            f"report. Wider networks need more steps: try lm_iters={10 * lm_iters}.")
