"""Critical points across the loss range on digits (notebook 05) -> results/minimum_ratio_v1.npz.

Problem (helpers.critical_sweep): 64 → 8 → 10 tanh network (P = 610), 300 training digits,
one-hot targets, mean-squared error + ℓ₂/2·‖θ‖² with ℓ₂ = 1e-6. Starts are checkpoints of
heavy-ball gradient descent (η = 0.5, β = 0.9):

* dense: seeds 0, 1, 2 at steps 0, 30, 300, 3000; k = 0, 1, 2, 4, 16 ascent modes;
* subnet: 1 … 7 of the 8 hidden units on, seeds 0, 1, steps 100 and 1000, k = 0 and 2;
* the point with every hidden unit off (u = 0): output bias at its optimum, Newton-polished.

From every start partitioned Newton (≤ 120 iterations) solves ∇L = 0; every end point is
kept with its status (certified / gradient-flat / not converged), θ and full spectrum (float64).

    OPENBLAS_NUM_THREADS=1 .venv/bin/python experiments/minimum_ratio.py   (about 6 min, 2 cores)
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
from dataclasses import asdict

import numpy as np
from _progress import Progress

from helpers.critical_sweep import BETA, LR, Start, digits_problem, search_from, start_thetas
from helpers.networks import critical_search as cs
from helpers.results_store import RESULTS_DIR, environment

SCHEMA = "course.minimum_ratio/1"
FILE = RESULTS_DIR / "minimum_ratio_v1.npz"
DENSE = dict(seeds=(0, 1, 2), steps=(0, 30, 300, 3000), ks=(0, 1, 2, 4, 16))
SUBNET = dict(units=(1, 2, 3, 4, 5, 6, 7), seeds=(0, 1), steps=(100, 1000), ks=(0, 2))
MAX_ITER = 120
WORKERS = 2


def starts() -> list[Start]:
    """Every search of the sweep, in a fixed order."""
    out = [Start("dense", s, t, k, 8) for s in DENSE["seeds"] for t in DENSE["steps"]
           for k in DENSE["ks"]]
    out += [Start("subnet", s, t, k, u) for u in SUBNET["units"] for s in SUBNET["seeds"]
            for t in SUBNET["steps"] for k in SUBNET["ks"]]
    return out


def run_one(start: Start) -> dict:
    """One search from its checkpoint; the record with θ and the full spectrum."""
    model, X, Y = digits_problem()
    theta0 = start_thetas(model, X, Y, start.seed, start.units, [start.step])[start.step]
    theta, iters = search_from(model, X, Y, start, theta0, MAX_ITER)
    return _summary(model, X, Y, theta, theta0, asdict(start), iters)


def _summary(model, X, Y, theta, theta0, start: dict, iters: int) -> dict:
    """Status and measurements of an end point (the check is made from theta alone)."""
    check = cs.check_point(model, X, Y, theta)
    return dict(start, status=cs.status_of(check), iters=iters, loss=check.loss,
                data_loss=check.data_loss, grad_norm=check.grad_norm,
                theta_norm=check.theta_norm, newton_dist=check.newton_dist,
                flat_share=check.flat_share, start_loss=float(model.loss(theta0, X, Y)),
                distance=float(np.linalg.norm(theta - theta0)), theta=theta,
                eigvals=check.eigvals)


def all_units_off() -> dict:
    """u = 0: every hidden unit off, the output bias at its optimum, then Newton-polished."""
    model, X, Y = digits_problem()
    Ws, bs = model.layers(np.zeros(model.n_params))
    bs[1][:] = Y.mean(axis=0) / (1.0 + model.l2 * model.n_out / 2.0)
    theta0 = model.from_layers(Ws, bs)
    theta, _ = cs.newton_polish(model, X, Y, theta0, max_iter=2)
    return _summary(model, X, Y, theta, theta0,
                    dict(family="subnet", seed=-1, step=-1, k=0, units=0), 0)


def save(records: list[dict]) -> None:
    """θ and spectra as float64 arrays, everything else as JSON with the schema and settings."""
    model, X, _ = digits_problem()
    meta = [{k: v for k, v in r.items() if k not in ("theta", "eigvals")} for r in records]
    settings = dict(schema=SCHEMA, n_in=64, hidden_sizes=[8], n_out=10, n_samples=len(X),
                    data="helpers.minibatch.digits_task(300, seed=0).X_train / Y_train",
                    l2=model.l2, lr=LR, beta=BETA, dense=DENSE, subnet=SUBNET,
                    max_iter=MAX_ITER, grad_tol=cs.GRAD_TOL, theta_max=cs.THETA_MAX,
                    flat_rel=cs.FLAT_REL, flat_share=cs.FLAT_SHARE, environment=environment())
    np.savez_compressed(FILE, thetas=np.array([r["theta"] for r in records]),
                        eigvals=np.array([r["eigvals"] for r in records]),
                        meta=json.dumps(meta), settings=json.dumps(settings))


def main() -> None:
    todo = starts()
    bar = Progress(len(todo) + 1, "critical points")
    records = []
    with mp.get_context("fork").Pool(WORKERS) as pool:
        for rec in pool.imap(run_one, todo, chunksize=1):
            records.append(rec)
            bar.step(f"{rec['family']} u={rec['units']} k={rec['k']}: {rec['status']}")
    records.append(all_units_off())
    bar.step("u = 0")
    save(records)
    counts = {s: sum(r["status"] == s for r in records)
              for s in ("certified", "gradient-flat", "not converged")}
    print(f"{len(records)} searches: {counts} -> {os.path.relpath(FILE)}")


if __name__ == "__main__":
    main()
