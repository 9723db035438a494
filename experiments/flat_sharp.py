"""Flat versus sharp, as in the lecture's picture (notebook 06) -> results/flat_sharp.json.

The two solutions of the batch-size study at lr 0.4, seed 0, trained until the training loss
is ≤ 0.005: small batch (B = 8) and full batch (B = 400). For each: the top 20 Hessian
eigenvalues (Lanczos on exact Hessian-vector products), and the training and test loss along
theta* + alpha·d for d = the top eigenvector (unit length) and d = a random filter-normalised
direction (Li et al. 2018; the same random numbers for both solutions), alpha ∈ [−0.3, 0.3].

    OPENBLAS_NUM_THREADS=1 .venv/bin/python experiments/flat_sharp.py        (about 15 s)
"""

from __future__ import annotations

import numpy as np
from _progress import Progress

from helpers.flat_sharp import filter_normalised_direction, half_width, loss_profile
from helpers.minibatch import accuracy, digits_task, largest_eigenpairs, train_sgd
from helpers.networks.mlp import MLP
from helpers.results_store import save_results
from helpers.spectrum import sign_fixed

SCHEMA = "course.flat_sharp/1"
LR, SEED, TARGET, DIRECTION_SEED = 0.4, 0, 0.005, 7
ALPHAS = np.round(np.linspace(-0.3, 0.3, 121), 4)


def solution(net: MLP, task, batch_size: int) -> dict:
    """Train to the target loss; spectrum and both loss profiles of the solution."""
    run = train_sgd(net, net.init(SEED), task.X_train, task.Y_train, batch_size=batch_size,
                    lr=LR, seed=1000 + SEED, target_loss=TARGET)
    theta = run.theta
    eigvals, eigvecs = largest_eigenpairs(lambda v: net.hvp(theta, task.X_train, task.Y_train, v),
                                          net.n_params, k=20, tol=1e-8, ncv=60)
    directions = {"top_eigenvector": sign_fixed(eigvecs[:, 0]),
                  "filter_normalised": filter_normalised_direction(net, theta, DIRECTION_SEED)}
    out = {"batch_size": batch_size, "n_updates": run.n_updates, "theta": theta,
           "top20_eigvals": eigvals,
           "train_loss": net.loss(theta, task.X_train, task.Y_train),
           "test_loss": net.loss(theta, task.X_test, task.Y_test),
           "test_acc": accuracy(net, theta, task.X_test, task.labels_test), "profiles": {}}
    for name, d in directions.items():
        prof = loss_profile(net, theta, d, ALPHAS, task)
        prof["half_width_train_x2"] = half_width(ALPHAS, prof["train_loss"])
        prof["direction_norm"] = float(np.linalg.norm(d))
        out["profiles"][name] = prof
    return out


def main() -> None:
    task, net = digits_task(400, seed=0), MLP(64, 32, 10)
    bar = Progress(2, "flat vs sharp")
    solutions = {}
    for b in (8, 400):
        solutions[str(b)] = solution(net, task, b)
        bar.step(f"B = {b}")
    payload = {"schema": SCHEMA,
               "design": {"lr": LR, "seed": SEED, "target_loss": TARGET, "alphas": ALPHAS,
                          "filter_normalised_seed": DIRECTION_SEED,
                          "eigvals": "Lanczos (eigsh) k=20, tol 1e-8, ncv 60, exact HVPs",
                          "eigenvector_sign": "helpers.spectrum.sign_fixed"},
               "solutions": solutions}
    print(f"wrote {save_results('flat_sharp', payload).name}")


if __name__ == "__main__":
    main()
