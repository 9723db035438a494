"""Batch size, controlled (notebook 06) -> experiments/results/batch_size.json.

scikit-learn's digits (400 training images, stratified; the other 1,397 are the test set), the
course's 64 → 32 → 10 tanh network with mean-squared error on one-hot targets, plain SGD at the
same learning rate for every batch size B ∈ {8, 32, 128, 400 (full batch)}. For every seed the
initialisation is shared by all B (paired design); the data order comes from 1000 + seed.
Three controls (helpers.batch_study.CONTROLS): the same 200 epochs, the same 10,000 updates,
and training until the training loss is ≤ 0.005 (Keskar et al.'s protocol, at matched loss).

Main learning rate 0.4 with 10 seeds; the second learning rate 0.1 with 5 seeds (its full-batch
runs to the target loss take ~46,000 updates each: the slowest part of the sweep).

    OPENBLAS_NUM_THREADS=1 .venv/bin/python experiments/batch_size.py        (about 6 min)
"""

from __future__ import annotations

import argparse

from _progress import Progress

from helpers.batch_study import CONTROLS, end_point, run_control
from helpers.minibatch import digits_task, gradient_noise, train_sgd
from helpers.networks.mlp import MLP
from helpers.results_store import save_results

SCHEMA = "course.batch_size/1"
BATCH_SIZES = [8, 32, 128, 400]
PLAN = {0.4: list(range(10)), 0.1: list(range(5))}  # learning rate -> seeds


def spot_check(net: MLP, task) -> dict:
    """The case a notebook re-runs live: seed 0, B = 128, lr 0.4, 200 epochs (800 updates)."""
    run = train_sgd(net, net.init(0), task.X_train, task.Y_train, batch_size=128, lr=0.4,
                    seed=1000, epochs=200)
    return {"seed": 0, "batch_size": 128, "lr": 0.4, "control": "same_epochs",
            "n_updates": run.n_updates, **end_point(net, run.theta, task)}


def noise(net: MLP, task) -> dict:
    """E‖g_B − g‖²/‖g‖² at the initialisation of seed 0 and after 10,000 full-batch updates."""
    theta0 = net.init(0)
    trained = train_sgd(net, theta0, task.X_train, task.Y_train, batch_size=400, lr=0.4,
                        seed=1000, updates=10_000).theta
    return {"at_init": gradient_noise(net, theta0, task.X_train, task.Y_train, BATCH_SIZES),
            "after_10000_full_batch_updates": gradient_noise(net, trained, task.X_train,
                                                             task.Y_train, BATCH_SIZES)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 seeds, lr 0.4 only (smoke test)")
    args = parser.parse_args()
    plan = {0.4: [0, 1]} if args.quick else PLAN
    task, net = digits_task(400, seed=0), MLP(64, 32, 10)
    total = sum(len(seeds) for seeds in plan.values()) * len(CONTROLS) * len(BATCH_SIZES)
    bar = Progress(total, "batch size")
    runs = {}
    for lr, seeds in plan.items():
        runs[str(lr)] = {"seeds": seeds, "controls": {}}
        for name, control in CONTROLS.items():
            runs[str(lr)]["controls"][name] = run_control(
                net, task, BATCH_SIZES, lr=lr, seeds=seeds, control=control,
                progress=lambda lr=lr, name=name: bar.step(f"lr {lr}, {name}"))
    payload = {
        "schema": SCHEMA,
        "design": {"data": "sklearn load_digits, pixels/16, stratified split, random_state=0",
                   "n_train": len(task.X_train), "n_test": len(task.X_test),
                   "network": "64-32-10 tanh, MSE on one-hot targets (mean over samples, outputs)",
                   "optimizer": "plain SGD, same lr for all B, reshuffled every epoch",
                   "init_seed": "seed", "data_order_seed": "1000 + seed",
                   "batch_sizes": BATCH_SIZES,
                   "controls": {n: c.stopping_rule() for n, c in CONTROLS.items()},
                   "max_updates": 200_000,
                   "sharpness": "largest Hessian eigenvalue, Lanczos on exact HVPs, tol 1e-6"},
        "runs": runs,
        "gradient_noise": noise(net, task),
        "spot_check": spot_check(net, task),
    }
    path = save_results("batch_size_quick" if args.quick else "batch_size", payload)
    print(f"wrote {path.name}")


if __name__ == "__main__":
    main()
