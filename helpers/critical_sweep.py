"""Critical points across the loss range on real data (scikit-learn's digits), certified.

The problem: a ``64 → hidden → 10`` tanh network (one-hot targets, mean-squared error, a small
L2 term ℓ₂/2·‖θ‖²) on ``n_samples`` training digits of ``helpers.minibatch.digits_task``.

The starts are points along training (heavy-ball gradient descent, checkpoints after several
step counts), so the critical points found spread over the loss range (Dauphin et al. 2014):

* "dense": the usual random initialisation;
* "subnet" (one hidden layer): the same initialisation with all but ``units`` hidden units
  switched off (their weights 0). Gradient descent never switches them on (their gradient is
  exactly 0), so these are checkpoints of training runs that use ``units`` units. The search
  runs in those units' coordinates; the point found is embedded back and certified, with its
  full spectrum, on the whole network.

From every start ``partitioned_newton`` (k ascent modes) solves ∇L = 0; ``check_point`` and
``status_of`` certify the end point or call it gradient-flat or not converged.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from helpers.minibatch import digits_task
from helpers.networks import critical_search as cs
from helpers.networks import experiment as toy
from helpers.networks.mlp import MLP
from helpers.spectrum import inertia, kind_from_inertia
from helpers.timing import Ticker, interruptible
from helpers.validation import (
    callback,
    choice,
    fits_in_memory,
    instance,
    real,
    seed_value,
    whole,
    whole_tuple,
)

__all__ = ["DIGITS_L2", "LR", "BETA", "Start", "digits_problem", "embed_units", "load_sweep",
           "minimum_ratio_experiment", "search_from", "start_thetas", "switch_off"]

DIGITS_L2 = 1e-6  # the L2 weight of the digits problem
LR, BETA = 0.5, 0.9  # heavy-ball gradient descent that makes the checkpoints
DATASETS = ("toy", "digits")
MAX_STEPS = 100_000  # checkpoints beyond this take minutes: not for a live cell
DIGITS_STAGE = "partitioned Newton on digits (runs × iterations)"


@dataclass(frozen=True)
class Start:
    """One search: which training run (family, seed, units), which checkpoint (step), which k."""

    family: str  # "dense" or "subnet"
    seed: int
    step: int
    k: int
    units: int

    def __post_init__(self) -> None:
        """Checked fields: a known family and whole numbers."""
        choice("family", self.family, ("dense", "subnet"))
        for name in ("seed", "step", "k", "units"):
            whole(name, getattr(self, name))


def digits_problem(n_samples: int = 300, hidden_sizes: tuple[int, ...] = (8,),
                   l2: float = DIGITS_L2) -> tuple[MLP, np.ndarray, np.ndarray]:
    """The network and the first ``n_samples`` training digits (pixels/16, one-hot targets)."""
    whole("n_samples", n_samples, low=10, high=1787, example=300)
    hidden_sizes = whole_tuple("hidden_sizes", hidden_sizes, example="(8,) or (8, 8)")
    model = MLP(64, hidden_sizes, 10, l2=l2)
    task = digits_task(n_samples, seed=0)
    return model, task.X_train, task.Y_train


def switch_off(model: MLP, theta: np.ndarray, units: int) -> np.ndarray:
    """theta with first-layer units ``units`` … h−1 off (incoming, bias and outgoing weights 0)."""
    Ws, bs = model.layers(np.array(theta, dtype=float))
    Ws[0][units:], bs[0][units:], Ws[1][:, units:] = 0.0, 0.0, 0.0
    return model.from_layers(Ws, bs)


def _sub_model(model: MLP, units: int) -> MLP:
    """The same network with only ``units`` hidden units (one hidden layer)."""
    return MLP(model.n_in, units, model.n_out, l2=model.l2)


def _restrict(model: MLP, theta: np.ndarray, units: int) -> np.ndarray:
    """The first ``units`` hidden units of theta, as a theta of the smaller network."""
    W1, b1, W2, b2 = model.unpack(theta)
    return _sub_model(model, units).pack(W1[:units], b1[:units], W2[:, :units], b2)


def embed_units(model: MLP, theta_sub: np.ndarray, units: int) -> np.ndarray:
    """A theta of the ``units``-unit network as a theta of ``model`` with the other units off."""
    W1s, b1s, W2s, b2 = _sub_model(model, units).unpack(theta_sub)
    h = model.n_hidden
    W1, b1, W2 = np.zeros((h, model.n_in)), np.zeros(h), np.zeros((model.n_out, h))
    W1[:units], b1[:units], W2[:, :units] = W1s, b1s, W2s
    return model.pack(W1, b1, W2, b2)


def start_thetas(model: MLP, X: np.ndarray, Y: np.ndarray, seed: int, units: int,
                 steps: list[int]) -> dict[int, np.ndarray]:
    """Checkpoints {step: theta} of heavy-ball GD from init(seed) with ``units`` units on."""
    instance("model", model, MLP, "an MLP, e.g. digits_problem()[0]")
    whole("units", units, low=0, high=model.hidden_sizes[0], example=model.hidden_sizes[0])
    steps = whole_tuple("steps", steps, low=0, example="[0, 30, 300]")
    whole("the largest step", max(steps), high=MAX_STEPS,
          advice="Longer training takes too long for a live cell.")
    theta = model.init(seed)
    if units < model.hidden_sizes[0]:
        theta = switch_off(model, theta, units)
    velocity = np.zeros_like(theta)
    out: dict[int, np.ndarray] = {}
    for t in range(max(steps) + 1):
        if t in steps:
            out[t] = theta.copy()
        velocity = BETA * velocity - LR * model.gradient(theta, X, Y)
        theta = theta + velocity
    return out


def search_from(model: MLP, X: np.ndarray, Y: np.ndarray, start: Start, theta0: np.ndarray,
                max_iter: int = 150, on_iteration=None) -> tuple[np.ndarray, int]:
    """Run partitioned Newton from theta0 (in the active units' coordinates for a subnet)."""
    instance("start", start, Start, "a Start, e.g. Start('dense', 0, 30, 0, 8)")
    if start.family == "dense":
        return cs.partitioned_newton(model, X, Y, theta0, start.k, max_iter=max_iter,
                                     on_iteration=on_iteration)
    sub = _sub_model(model, start.units)
    theta, iters = cs.partitioned_newton(sub, X, Y, _restrict(model, theta0, start.units),
                                         start.k, max_iter=max_iter, on_iteration=on_iteration)
    return embed_units(model, theta, start.units), iters


def _record(run: int, model: MLP, X, Y, theta, theta0, start: Start, zero_tol: float,
            iters: int) -> toy.CriticalPointRecord:
    """The record of one search, in the fields of the toy experiment (plus the status)."""
    check = cs.check_point(model, X, Y, theta)
    status = cs.status_of(check)
    counts = inertia(check.eigvals, zero_tol)
    certified = status == "certified"
    kind = kind_from_inertia(counts) if certified else status
    return toy.CriticalPointRecord(
        run=run, theta=theta, loss=check.loss, data_loss=check.data_loss,
        grad_norm=check.grad_norm, theta_norm=check.theta_norm, certified=certified,
        eigenvalues=check.eigvals, n_positive=counts.positive, n_negative=counts.negative,
        n_zero=counts.zero, minimum_ratio=counts.positive / model.n_params,
        minimum_ratio_nonzero=counts.positive / max(1, counts.positive + counts.negative),
        kind=kind, distance_moved=float(np.linalg.norm(theta - theta0)),
        method=f"partitioned Newton, k = {start.k}, {iters} iterations ({asdict(start)})",
        stall_theta=theta0, stall_loss=float(model.loss(theta0, X, Y)),
        stall_grad_norm=float(np.linalg.norm(model.gradient(theta0, X, Y))), init_scale=1.0)


def _check_arguments(n_runs, seed, hidden_sizes, dataset) -> tuple[int, ...] | None:
    """Clear errors for bad arguments; hidden_sizes as a tuple (or None)."""
    whole("n_runs", n_runs, low=1, example=100)
    seed_value("seed", 0 if isinstance(seed, np.random.Generator) else seed)
    choice("dataset", dataset, DATASETS)
    if hidden_sizes is None:
        return None
    return whole_tuple("hidden_sizes", hidden_sizes, example="(8,) or (8, 8)")


def _check_digits(n_runs: int, hidden: tuple[int, ...], n_samples, steps, max_iter,
                  zero_tol, progress) -> tuple[int, tuple[int, ...], int]:
    """The digits options checked: (n_samples, steps, max_iter); memory bounded up front."""
    n_samples = whole("n_samples", 300 if n_samples is None else n_samples, low=10,
                      high=1787, example=300)
    steps = whole_tuple("steps", steps, low=0, example="(30, 300)")
    max_iter = whole("max_iter", max_iter, low=0, example=150)
    real("zero_tol", zero_tol, low=0.0, low_open=True)
    callback("progress", progress, "progress(stage, done, total)")
    P = MLP(64, hidden, 10).n_params
    fits_in_memory(f"a digits network of P={P:,} parameters (its dense Hessian, 4 copies)",
                   4 * 8.0 * P * P + 8.0 * P * n_samples * 10,
                   "Use fewer or narrower hidden layers.")
    fits_in_memory(f"n_runs={n_runs:,} records of P={P:,} parameters",
                   n_runs * (8.0 * 4 * P + 2000), "Use fewer runs.")
    return n_samples, steps, max_iter


def _digits_runs(n_runs: int, seed: int, hidden: tuple[int, ...], n_samples: int,
                 steps: tuple[int, ...], max_iter: int, zero_tol: float,
                 tick: Ticker) -> toy.ExperimentResult:
    """The digits searches, one after the other, reported after every Newton iteration."""
    model, X, Y = digits_problem(n_samples, hidden)
    records = []
    total = n_runs * max(1, max_iter)
    for i in range(n_runs):
        units = 1 + i % hidden[0] if len(hidden) == 1 else hidden[0]
        family = "subnet" if units < hidden[0] else "dense"
        start = Start(family, seed * 1000 + i, steps[i % len(steps)], 0, units)
        tick(DIGITS_STAGE, i * max(1, max_iter), total, force=i == 0)
        theta0 = start_thetas(model, X, Y, start.seed, units, [start.step])[start.step]
        theta, iters = search_from(model, X, Y, start, theta0, max_iter, on_iteration=lambda
                                   it, i=i: tick(DIGITS_STAGE, i * max(1, max_iter) + it, total))
        records.append(_record(i, model, X, Y, theta, theta0, start, zero_tol, iters))
    tick(DIGITS_STAGE, total, total)
    settings = dict(dataset="digits", hidden_sizes=hidden, n_samples=len(X), steps=steps,
                    lr=LR, beta=BETA, max_iter=max_iter)
    return toy.ExperimentResult(records, model, X, Y, seed, cs.GRAD_TOL, zero_tol,
                                cs.THETA_MAX, model.l2, settings)


def minimum_ratio_experiment(n_runs: int = toy.DEFAULT_RUNS, seed: int = 0, *,
                             hidden_sizes: tuple[int, ...] | None = None,
                             dataset: str = "toy", n_samples: int | None = None,
                             steps: tuple[int, ...] = (30, 300), max_iter: int = 150,
                             zero_tol: float = toy.ZERO_TOL, progress=None, **toy_options
                             ) -> toy.ExperimentResult:
    """The minimum-ratio experiment on the toy 1-D data set or on digits (``dataset``).

    "toy" is ``helpers.networks.experiment.minimum_ratio_experiment`` (``hidden_sizes=(h,)``
    sets its width). "digits": run i starts from init([seed, i]) with ``1 + i % h`` of the h
    first-layer units on (all of them for deeper networks), at checkpoint ``steps[i % len]``,
    and solves ∇L = 0 with k = 0 (a minimum of the smaller network: a saddle of the whole one).
    Arguments are checked before any work; ``progress(stage, done, total)`` is called at least
    every half second; an interrupt ends the run with one line (``helpers.timing.Interrupted``).
    """
    hidden = _check_arguments(n_runs, seed, hidden_sizes, dataset)
    if dataset == "toy":
        if hidden is not None and len(hidden) != 1:
            raise ValueError("the toy data set uses one hidden layer: hidden_sizes=(h,).")
        options = dict(toy_options, **({"n_hidden": hidden[0]} if hidden else {}))
        if n_samples is not None:
            options["n_samples"] = n_samples
        return toy.minimum_ratio_experiment(n_runs, seed, zero_tol=zero_tol, progress=progress,
                                            **options)
    if toy_options:
        raise ValueError(f"options {sorted(toy_options)} are for dataset='toy' only.")
    hidden = hidden or (8,)
    n_samples, steps, max_iter = _check_digits(int(n_runs), hidden, n_samples, steps, max_iter,
                                               zero_tol, progress)
    seed = seed_value("seed", seed)
    tick = Ticker(progress)
    run = lambda: min(tick.done // max(1, max_iter) + 1, int(n_runs))  # noqa: E731
    with interruptible(lambda: f"the digits searches stopped during run {run():,} of "
                               f"{int(n_runs):,}; nothing was returned. Fewer runs (n_runs) "
                               "finish sooner."):
        return _digits_runs(int(n_runs), seed, hidden, n_samples, steps, max_iter,
                            float(zero_tol), tick)


def load_sweep(path: str | None = None) -> dict:
    """The stored sweep: settings, and records with theta and the full spectrum (float64)."""
    import json
    from pathlib import Path

    from helpers.results_store import RESULTS_DIR

    instance("path", path, (str, Path, type(None)), "a file name or None (the stored sweep)")
    file = Path(path) if path is not None else RESULTS_DIR / "minimum_ratio_v1.npz"
    if not file.is_file():
        raise FileNotFoundError(f"no sweep file at {file}; leave path out for the stored one.")
    with np.load(file, allow_pickle=False) as z:
        settings = json.loads(str(z["settings"]))
        if settings.get("schema") != "course.minimum_ratio/1":
            raise ValueError(f"{file.name} has schema {settings.get('schema')!r}, expected "
                             "'course.minimum_ratio/1'.")
        records = json.loads(str(z["meta"]))
        for rec, theta, eigvals in zip(records, z["thetas"], z["eigvals"], strict=True):
            rec["theta"], rec["eigvals"] = theta, eigvals
    return {"settings": settings, "records": records}
