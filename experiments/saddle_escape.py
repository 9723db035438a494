"""Noise escapes a saddle — and where it cannot (notebook 06) -> results/saddle_escape.json.

Teacher–student regression: 100 inputs x ~ N(0, I₂), targets tanh(2x₁) + tanh(2x₂); a
2 → 2 → 1 tanh student (P = 9), mean-squared error. The saddles: the best one-unit network,
embedded by duplicating its unit and splitting the output weight (γ, 1 − γ), for γ = 0.25
(the main case) and γ = 0.5 (fully symmetric: no per-example gradient has a component along the
escape direction). From the same 100 starts saddle + δ·u (δ = 1e-8, u random unit vectors):
full-batch gradient descent and SGD with B = 1, 4, 16, 50, all at lr 0.05; "left" = the full
training loss 10 % below the saddle's. Also GD's escape time against δ, and the per-example
gradients at the lecture's saddle (the origin of y = w₁·w₂·x).

    OPENBLAS_NUM_THREADS=1 .venv/bin/python experiments/saddle_escape.py      (about 30 s)
"""

from __future__ import annotations

import numpy as np
from _progress import Progress

from helpers.networks.mlp import MLP
from helpers.results_store import save_results
from helpers.saddle_escape import (
    certify_saddle,
    embed_saddle,
    lecture_saddle_gradients,
    one_unit_minimum,
    predicted_gd_escape,
    random_offsets,
    sgd_escape_times,
    teacher_task,
)

SCHEMA = "course.saddle_escape/1"
GAMMAS = [0.25, 0.5]
BATCH_SIZES = [1, 4, 16, 50, 100]
DELTA, LR, N_STARTS, MAX_UPDATES = 1e-8, 0.05, 100, 3000
DELTAS_GD = [1e-4, 1e-6, 1e-8, 1e-10, 1e-12]


def one_saddle(net: MLP, X, Y, theta1, gamma: float, offsets, bar: Progress) -> dict:
    """Certificate, GD prediction and the escape times of every batch size at one saddle."""
    theta_s = embed_saddle(theta1, gamma)
    cert = certify_saddle(net, theta_s, X, Y)
    out = {"theta": theta_s, "certificate": cert,
           "gd_predicted": predicted_gd_escape(cert, DELTA * offsets, lr=LR), "escape": {}}
    for b in BATCH_SIZES:
        run = sgd_escape_times(net, theta_s, X, Y, batch_size=b, starts=theta_s + DELTA * offsets,
                               lr=LR, max_updates=MAX_UPDATES, record_every=10)
        out["escape"][str(b)] = {"times": run.times,
                                 "loss_every_10_first_3": np.round(run.loss_curves[:3], 7)}
        bar.step(f"gamma {gamma}, B = {b}")
    return out


def main() -> None:
    X, Y = teacher_task(100, seed=1)
    net = MLP(2, 2, 1)
    theta1 = one_unit_minimum(X, Y)
    offsets = random_offsets(N_STARTS, net.n_params, seed=2024)
    bar = Progress(len(GAMMAS) * len(BATCH_SIZES) + len(DELTAS_GD), "saddle escape")
    saddles = {str(g): one_saddle(net, X, Y, theta1, g, offsets, bar) for g in GAMMAS}
    theta_s = saddles["0.25"]["theta"]
    gd_vs_delta = {}
    for delta in DELTAS_GD:
        gd_vs_delta[str(delta)] = sgd_escape_times(net, theta_s, X, Y, batch_size=100,
                                                   starts=theta_s + delta * offsets, lr=LR,
                                                   max_updates=MAX_UPDATES).times
        bar.step(f"GD, delta {delta:g}")
    x = np.random.default_rng(0).standard_normal(20)
    y = x + 0.1 * np.random.default_rng(1).standard_normal(20)
    lecture_grads = lecture_saddle_gradients(x, y)
    payload = {
        "schema": SCHEMA,
        "design": {"task": "x ~ N(0, I2) (default_rng(1)), n = 100, y = tanh(2 x1) + tanh(2 x2)",
                   "network": "2-2-1 tanh, MSE", "gammas": GAMMAS, "lr": LR, "delta": DELTA,
                   "starts": "saddle + delta * random unit vectors (default_rng(2024))",
                   "n_starts": N_STARTS, "max_updates": MAX_UPDATES,
                   "left": "full training loss <= 0.9 * loss at the saddle",
                   "batch_sizes": BATCH_SIZES, "sgd_seed": "5000 + batch size"},
        "one_unit_minimum": {"theta": theta1, "loss": net.loss(theta_s, X, Y)},
        "saddles": saddles,
        "gd_vs_delta": gd_vs_delta,
        "lecture_saddle": {"x": x, "y": y, "max_abs_per_example_grad": np.abs(lecture_grads).max()},
    }
    print(f"wrote {save_results('saddle_escape', payload).name}")


if __name__ == "__main__":
    main()
