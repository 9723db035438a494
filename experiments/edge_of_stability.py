"""The edge of stability (notebook 07) -> experiments/results/edge_of_stability.json.

Full-batch gradient descent on 1,000 digits (stratified, random_state=0) with the course's
64 → 32 → 10 tanh network (mean-squared error, one-hot targets), the same initialisation (seed
0) for every learning rate lr ∈ {0.1, 0.25, 0.5, 0.75, 1.0, 2.0}, 3,000 steps each. The
sharpness λ_max (Lanczos on exact Hessian-vector products, warm-started) every 20 steps
(Cohen et al. 2021: λ_max rises to about 2/lr and hovers there).

    OPENBLAS_NUM_THREADS=1 .venv/bin/python experiments/edge_of_stability.py  (about 40 s)
"""

from __future__ import annotations

import numpy as np
from _progress import Progress

from helpers.edge_of_stability import summarise_run, track_sharpness
from helpers.minibatch import digits_task
from helpers.networks.mlp import MLP
from helpers.results_store import save_results

SCHEMA = "course.edge_of_stability/1"
LRS = [0.1, 0.25, 0.5, 0.75, 1.0, 2.0]
N_STEPS, EVERY, N_TRAIN = 3000, 20, 1000
SPOT = {"lr": 1.0, "n_steps": 400, "every": 20}


def record(run) -> dict:
    """What is stored of one run: the loss every step (7 digits), λ_max, and the summary."""
    finite = np.isfinite(run.loss)
    return {"loss": [float(f"{x:.7g}") for x in run.loss[finite]],
            "steps": run.steps, "sharpness": run.sharpness, "summary": summarise_run(run)}


def main() -> None:
    task, net = digits_task(N_TRAIN, seed=0), MLP(64, 32, 10)
    theta0 = net.init(0)
    bar = Progress(len(LRS) + 1, "edge of stability")
    runs = {}
    for lr in LRS:
        run = track_sharpness(net, theta0, task.X_train, task.Y_train, lr=lr, n_steps=N_STEPS,
                              every=EVERY)
        runs[str(lr)] = record(run)
        bar.step(f"lr {lr}")
    spot = track_sharpness(net, theta0, task.X_train, task.Y_train, **SPOT)
    spot_record = {**SPOT, "sharpness": spot.sharpness, "loss_final": spot.loss[-1],
                   "summary": summarise_run(spot)}
    bar.step("spot check")
    payload = {"schema": SCHEMA,
               "design": {"data": "sklearn digits, pixels/16, stratified, random_state=0",
                          "n_train": N_TRAIN, "network": "64-32-10 tanh, MSE, init seed 0",
                          "lrs": LRS, "n_steps": N_STEPS, "sharpness_every": EVERY,
                          "sharpness": "Lanczos (eigsh) on exact HVPs, tol 1e-5, warm start"},
               "runs": runs, "spot_check": spot_record}
    print(f"wrote {save_results('edge_of_stability', payload).name}")


if __name__ == "__main__":
    main()
