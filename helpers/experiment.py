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
(``record.data_loss``) as the training loss. ``follow_l2`` then continues every certified point
while ℓ₂ shrinks (Newton on ∇L = 0, re-certified at each level), to see which conclusions survive
without the regulariser; ``distinct_critical_points`` groups runs that reached copies of the same
point (hidden units swapped or sign-flipped).

The module also holds the random-matrix (GOE) helpers of notebook 05.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import matplotlib.pyplot as plt
import numpy as np

from helpers.network import MLP

__all__ = [
    "DEFAULT_RUNS",
    "GRAD_TOL",
    "ZERO_TOL",
    "THETA_MAX",
    "L2",
    "CriticalPointRecord",
    "ExperimentResult",
    "L2Path",
    "minimum_ratio_experiment",
    "follow_l2",
    "canonical_theta",
    "distinct_critical_points",
    "count_eigenvalues",
    "classify_counts",
    "experiment_data",
    "text_progress",
    "widget_progress",
    "goe_matrices",
    "goe_all_positive_probability",
    "goe_asymptotic",
    "plot_goe",
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


def count_eigenvalues(eigvals: np.ndarray, zero_tol: float) -> tuple[int, int, int]:
    """(n_positive, n_negative, n_zero); |λ| ≤ zero_tol counts as zero (zero_tol=0: signs only)."""
    eigvals = np.asarray(eigvals)
    if zero_tol < 0:
        raise ValueError(f"zero_tol must be non-negative; got {zero_tol}.")
    n_zero = int(np.sum(np.abs(eigvals) <= zero_tol))
    n_pos = int(np.sum(eigvals > zero_tol))
    return n_pos, int(eigvals.size - n_pos - n_zero), n_zero


def classify_counts(n_positive: int, n_negative: int, n_zero: int) -> str:
    """Kind of a critical point from its eigenvalue counts (second-order test)."""
    if n_zero:
        return "saddle point" if n_positive and n_negative else "degenerate"
    if n_negative == 0:
        return "local minimum"
    if n_positive == 0:
        return "local maximum"
    return "saddle point"


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


def widget_progress(description: str = "running"):
    """A progress bar widget and a matching ``progress(stage, done, total)`` callback.

    The bar's final state (stored by the notebook) is deterministic; nothing is printed.
    """
    import ipywidgets as widgets

    bar = widgets.FloatProgress(value=0.0, min=0.0, max=1.0, description=description)
    label = widgets.Label(value="")
    stages: list[str] = []

    def progress(stage: str, done: int, total: int) -> None:
        if stage not in stages:
            stages.append(stage)
        # two stages (gradient descent, then Levenberg–Marquardt) share the bar
        part = (len(stages) - 1 + done / max(total, 1)) / 2
        bar.value = min(1.0, part)
        label.value = f"{stage}: {done}/{total}"

    return widgets.HBox([bar, label]), progress


def _stacked_gradient(model: MLP, thetas: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Gradients (B, P) of B networks at once, as one wide layer (n_out = 1; same maths as MLP)."""
    W1, b1, W2, b2 = model.unpack(thetas)  # (B, h, i), (B, h), (B, 1, h), (B, 1)
    Z = np.einsum("ni,bhi->nbh", X, W1) + b1
    A = np.tanh(Z)
    F = np.einsum("nbh,bh->nb", A, W2[:, 0, :]) + b2[:, 0]
    G = (2.0 / len(X)) * (F - y)  # (n, B)
    gZ = G[:, :, None] * W2[:, 0, :] * (1.0 - A * A)
    grad = np.concatenate(
        [np.einsum("nbh,ni->bhi", gZ, X).reshape(len(thetas), -1), gZ.sum(axis=0),
         np.einsum("nb,nbh->bh", G, A), G.sum(axis=0)[:, None]], axis=1)
    return grad + model.l2 * thetas if model.l2 else grad


def _levenberg_marquardt(model, thetas, X, y, iters, grad_tol, progress):
    """Batched Levenberg–Marquardt on ∇L = 0 with the exact Hessian as Jacobian."""
    theta = thetas.copy()
    g = model.gradient(theta, X, y)
    gn = np.linalg.norm(g, axis=1)
    mu = np.full(len(theta), 1e-3)
    active = np.isfinite(gn)
    for it in range(iters):
        active &= (gn > grad_tol * 1e-4) & (mu < 1e12)
        if not active.any():
            break
        idx = np.flatnonzero(active)
        H = model.hessian_batch(theta[idx], X, y)
        lam, Q = np.linalg.eigh(H)
        qg = np.einsum("bpq,bp->bq", Q, g[idx])
        step = -np.einsum("bpq,bq->bp", Q, lam / (lam**2 + mu[idx, None]) * qg)
        new = theta[idx] + step
        gnew = model.gradient(new, X, y)
        gnn = np.linalg.norm(gnew, axis=1)
        ok = np.isfinite(gnn) & (gnn < gn[idx])
        theta[idx[ok]], g[idx[ok]], gn[idx[ok]] = new[ok], gnew[ok], gnn[ok]
        mu[idx] = np.where(ok, np.maximum(mu[idx] / 3.0, 1e-15), mu[idx] * 4.0)
        if progress is not None and (it + 1) % 50 == 0 and it + 1 < iters:
            progress("Levenberg–Marquardt on ∇L = 0", it + 1, iters)
    if progress is not None:
        progress("Levenberg–Marquardt on ∇L = 0", iters, iters)
    return theta


def minimum_ratio_experiment(
    n_runs: int = DEFAULT_RUNS,
    seed: int = 0,
    *,
    n_hidden: int = 8,
    n_samples: int = 24,
    l2: float = L2,
    gd_steps: int = 3000,
    lr: float = 0.1,
    lm_iters: int = 300,
    grad_tol: float = GRAD_TOL,
    zero_tol: float = ZERO_TOL,
    theta_max: float = THETA_MAX,
    progress: Callable[[str, int, int], None] | None = None,
) -> ExperimentResult:
    """Train ``n_runs`` tanh networks, drive each stall to a certified critical point, analyse H.

    ``progress(stage, done, total)`` is called now and then (``text_progress`` prints lines).
    """
    if int(n_runs) != n_runs or n_runs < 1:
        raise ValueError(f"n_runs must be a positive integer; got {n_runs!r}.")
    for name, value in (("grad_tol", grad_tol), ("zero_tol", zero_tol), ("theta_max", theta_max)):
        if not value > 0:
            raise ValueError(f"{name} must be positive; got {value!r}.")
    n_runs = int(n_runs)
    X, y = experiment_data(seed, n_samples)
    model = MLP(1, n_hidden, 1, l2=l2)
    scales = 1.0 + 2.0 * (np.arange(n_runs) % 5) / 4.0  # init scales 1.0 … 3.0
    thetas = np.array(
        [model.init(np.random.default_rng([seed, i]), scales[i]) for i in range(n_runs)]
    )
    chunk = max(1, gd_steps // 5)
    for step in range(gd_steps):
        thetas -= lr * _stacked_gradient(model, thetas, X, y)
        if progress is not None and ((step + 1) % chunk == 0 or step + 1 == gd_steps):
            progress(f"gradient descent ({n_runs} networks, {gd_steps} steps)", step + 1, gd_steps)
    stall = thetas.copy()
    stall_loss = model.loss(stall, X, y)
    stall_gn = np.linalg.norm(model.gradient(stall, X, y), axis=1)
    final = _levenberg_marquardt(model, stall, X, y, lm_iters, grad_tol, progress)
    bad = ~np.all(np.isfinite(final), axis=1)
    final[bad] = stall[bad]  # never happens in practice; keeps the analysis finite
    loss = model.loss(final, X, y)
    data_loss = loss - 0.5 * l2 * np.sum(final**2, axis=1)
    gn = np.linalg.norm(model.gradient(final, X, y), axis=1)
    eigs = np.linalg.eigvalsh(model.hessian_batch(final, X, y))
    records = []
    for i in range(n_runs):
        theta_norm = float(np.linalg.norm(final[i]))
        certified = bool(gn[i] <= grad_tol and theta_norm <= theta_max and not bad[i])
        n_pos, n_neg, n_zero = count_eigenvalues(eigs[i], zero_tol)
        records.append(
            CriticalPointRecord(
                run=i,
                theta=final[i].copy(),
                loss=float(loss[i]),
                data_loss=float(data_loss[i]),
                grad_norm=float(gn[i]),
                theta_norm=theta_norm,
                certified=certified,
                eigenvalues=eigs[i].copy(),
                n_positive=n_pos,
                n_negative=n_neg,
                n_zero=n_zero,
                minimum_ratio=n_pos / model.n_params,
                minimum_ratio_nonzero=n_pos / max(1, n_pos + n_neg),
                kind=classify_counts(n_pos, n_neg, n_zero) if certified else "not critical",
                distance_moved=float(np.linalg.norm(final[i] - stall[i])),
                method="gradient descent, then Levenberg–Marquardt on ∇L = 0 (exact Hessian)",
                stall_theta=stall[i].copy(),
                stall_loss=float(stall_loss[i]),
                stall_grad_norm=float(stall_gn[i]),
                init_scale=float(scales[i]),
            )
        )
    settings = dict(n_hidden=n_hidden, n_samples=n_samples, gd_steps=gd_steps, lr=lr,
                    lm_iters=lm_iters)
    return ExperimentResult(records, model, X, y, seed, grad_tol, zero_tol, theta_max, l2,
                            settings)


# ---------------------------------------------------------------------- symmetric copies
def canonical_theta(model: MLP, theta: np.ndarray) -> np.ndarray:
    """One representative of theta's symmetry class: same function, same loss, same spectrum.

    A tanh network is unchanged when a hidden unit's input weights, bias and output weights all
    change sign (tanh is odd), and when hidden units are reordered. The representative has every
    unit's first input weight ≥ 0 and the units sorted by (first input weight, bias).
    """
    W1, b1, W2, b2 = model.unpack(np.asarray(theta, dtype=float))
    if W1.ndim != 2:
        raise ValueError("canonical_theta takes one parameter vector, not a batch.")
    sign = np.where(W1[:, 0] < 0, -1.0, 1.0)
    W1, b1, W2 = W1 * sign[:, None], b1 * sign, W2 * sign[None, :]
    order = np.lexsort((b1, W1[:, 0]))
    return model.pack(W1[order], b1[order], W2[:, order], b2)


def distinct_critical_points(result: ExperimentResult, tol: float = 1e-6) -> list[list[int]]:
    """Group the certified runs whose points are copies of each other under the symmetries.

    Returns lists of run numbers, largest group first; two runs share a group when their
    canonical parameter vectors differ by at most ``tol`` (Euclidean norm).
    """
    groups: list[tuple[np.ndarray, list[int]]] = []
    for r in result.certified:
        c = canonical_theta(result.model, r.theta)
        for rep, runs in groups:
            if np.linalg.norm(rep - c) <= tol:
                runs.append(r.run)
                break
        else:
            groups.append((c, [r.run]))
    return sorted((runs for _, runs in groups), key=len, reverse=True)


# ---------------------------------------------------------------------- how much is the L2 term?
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
            kind = classify_counts(P - neg - zero, int(neg), int(zero))
            out[kind] = out.get(kind, 0) + 1
        return out


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
    l2_values = np.asarray(l2_values, dtype=float)
    if l2_values.ndim != 1 or l2_values.size < 1 or np.any(l2_values < 0):
        raise ValueError("l2_values must be a 1-D sequence of non-negative L2 weights.")
    if l2_values[0] != result.l2 or np.any(np.diff(l2_values) >= 0):
        raise ValueError(f"l2_values must start at the experiment's l2 = {result.l2} "
                         "and decrease strictly.")
    X, y = result.X, result.y
    model = MLP(result.model.n_in, result.model.n_hidden, result.model.n_out, l2=result.l2)
    cert = result.certified
    runs = np.array([r.run for r in cert], dtype=int)
    n, P, K = len(cert), model.n_params, len(l2_values)
    theta = np.array([r.theta for r in cert]).reshape(n, P)
    thetas = np.full((K, n, P), np.nan)
    alive = np.zeros((K, n), dtype=bool)
    gn = np.full((K, n), np.nan)
    n_neg = np.full((K, n), -1)
    n_zero = np.full((K, n), -1)
    min_abs = np.full((K, n), np.nan)
    ok = np.ones(n, dtype=bool)
    for k, l2 in enumerate(l2_values):
        model.l2 = float(l2)
        prev = theta.copy()
        if k > 0 and ok.any():
            idx = np.flatnonzero(ok)
            cur = theta[idx]
            for _ in range(newton_iters):  # plain Newton: quadratic convergence near the point
                g = model.gradient(cur, X, y)
                todo = np.flatnonzero(np.linalg.norm(g, axis=1) > 1e-3 * result.grad_tol)
                if todo.size == 0:
                    break
                H = model.hessian_batch(cur[todo], X, y)
                with np.errstate(all="ignore"):
                    try:
                        step = np.linalg.solve(H, g[todo][..., None])[..., 0]
                    except np.linalg.LinAlgError:  # a singular Hessian: leave it to LM below
                        break
                cur[todo] -= np.where(np.isfinite(step), step, 0.0)
            g_norm = np.linalg.norm(model.gradient(cur, X, y), axis=1)
            retry = ~(g_norm <= result.grad_tol)  # Newton failed: damped steps from the start
            if retry.any():
                cur[retry] = _levenberg_marquardt(model, theta[idx[retry]], X, y, lm_iters,
                                                  result.grad_tol, None)
            theta[idx] = cur
        g_norm = np.linalg.norm(model.gradient(theta, X, y), axis=1)
        jump = np.linalg.norm(theta - prev, axis=1)
        ok &= (g_norm <= result.grad_tol) & (np.linalg.norm(theta, axis=1) <= result.theta_max)
        ok &= jump <= max_jump
        alive[k] = ok
        gn[k] = g_norm
        if ok.any():
            eigs = np.linalg.eigvalsh(model.hessian_batch(theta[ok], X, y))
            counts = np.array([count_eigenvalues(e, result.zero_tol) for e in eigs])
            n_neg[k, ok], n_zero[k, ok] = counts[:, 1], counts[:, 2]
            min_abs[k, ok] = np.abs(eigs).min(axis=1)
        thetas[k, ok] = theta[ok]
    sq = np.sum(thetas**2, axis=-1)
    penalty = 0.5 * l2_values[:, None] * sq
    model.l2 = 0.0
    data_loss = np.full((K, n), np.nan)
    for k in range(K):
        if alive[k].any():
            data_loss[k, alive[k]] = model.loss(thetas[k, alive[k]], X, y)
    return L2Path(l2_values, runs, thetas, alive, gn, data_loss, np.where(alive, penalty, np.nan),
                  n_neg, n_zero, min_abs)


# ---------------------------------------------------------------------- random matrices (GOE)
def goe_matrices(n: int, n_samples: int, rng: np.random.Generator | int = 0) -> np.ndarray:
    """``n_samples`` random symmetric n×n matrices (A + Aᵀ)/2 with A standard normal (GOE)."""
    if int(n) != n or n < 1:
        raise ValueError(f"n must be a positive integer; got {n!r}.")
    rng = np.random.default_rng(rng)
    A = rng.standard_normal((int(n_samples), int(n), int(n)))
    return 0.5 * (A + np.swapaxes(A, -1, -2))


def goe_all_positive_probability(
    n: int, n_samples: int = 200_000, seed: int = 0
) -> tuple[float, float]:
    """Monte Carlo P(all n eigenvalues of a GOE matrix > 0) and its standard error."""
    hits = 0
    done = 0
    batch = max(1, min(int(n_samples), 2_000_000 // max(1, n * n)))
    rng = np.random.default_rng([seed, n])
    while done < n_samples:
        m = min(batch, n_samples - done)
        hits += int(np.sum(np.linalg.eigvalsh(goe_matrices(n, m, rng))[:, 0] > 0))
        done += m
    p = hits / n_samples
    return p, float(np.sqrt(max(p * (1 - p), 1.0 / n_samples) / n_samples))


def goe_asymptotic(n: np.ndarray | float) -> np.ndarray:
    """Large-N law P(all eigenvalues > 0) ≈ exp(−(ln 3 / 4)·N²) (Dean & Majumdar 2006)."""
    return np.exp(-np.log(3.0) / 4.0 * np.asarray(n, dtype=float) ** 2)


def plot_goe(
    n: int,
    probabilities: dict[int, float],
    *,
    n_samples: int = 20_000,
    seed: int = 0,
    axes=None,
):
    """Two panels for an N×N GOE: its eigenvalues (all, and the lowest) and P(all > 0) vs N.

    ``probabilities`` maps N to Monte Carlo estimates (computed once, e.g. with
    ``goe_all_positive_probability``). Returns the two axes.
    """
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    ax1, ax2 = axes
    eig = np.linalg.eigvalsh(goe_matrices(n, n_samples, np.random.default_rng([seed, n, 1])))
    bins = np.linspace(eig.min(), eig.max(), 60)
    ax1.hist(eig.ravel(), bins=bins, density=True, color="#999999", label="all eigenvalues")
    ax1.hist(eig[:, 0], bins=bins, density=True, alpha=0.7, color="#D55E00",
             label="lowest eigenvalue")
    ax1.axvline(0, color="k", lw=1)
    frac = float(np.mean(eig[:, 0] > 0))
    ax1.set(xlabel="eigenvalue λ", ylabel="density",
            title=f"N = {n}: lowest λ > 0 in {100 * frac:.2f}% of matrices")
    ax1.legend(loc="upper right", fontsize=8)
    ns = np.array(sorted(probabilities))
    ps = np.array([probabilities[k] for k in ns])
    grid = np.arange(1, max(int(ns.max()), n) + 1)
    ax2.semilogy(grid, 0.5**grid, "s--", color="#7F7F7F", label="naive 0.5^N")
    ax2.semilogy(grid, goe_asymptotic(grid), "-", color="#0072B2",
                 label="exp(−(ln 3/4)·N²)")
    ok = ps > 0
    ax2.semilogy(ns[ok], ps[ok], "o", color="#D55E00", label="Monte Carlo")
    ax2.axvline(n, color="k", lw=1, ls=":")
    ax2.set(xlabel="matrix size N", ylabel="P(all N eigenvalues > 0)",
            title="local minima become rare fast", xticks=ns)
    ax2.legend(fontsize=8)
    return ax1, ax2
