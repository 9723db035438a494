"""Cost of one update against batch size, vectorised numpy (float64) on the CPU.

One update = the exact gradient of the course's tanh network (``helpers.MLP``, mean-squared
error) on a batch of B examples + the SGD step, for two networks:

- digits 64 → 32 → 10 (the network of notebooks 06–07) on the 1,797 digits;
- MNIST-shaped 784 → 100 → 10 (the size of the lecture's figure) on 10,000 random examples.

For each B it prints the median and p95 seconds per update over ``--repeat`` rounds, the
ratio to B = 1 measured in the same run, and the seconds per epoch of 60,000 examples
(median × ⌈60,000 / B⌉). ``--save`` also writes experiments/results/cost_per_update.json with
the conditions of the run; notebook 06 plots that file with a label saying where it came from.

Usage:  .venv/bin/python benchmarks/bench_batch.py [--repeat 15] [--blas-threads 1] [--save]
Timings depend on the machine and its load; nothing here is asserted anywhere.
"""

from __future__ import annotations

import argparse
import os
import platform

import numpy as np
from _blas import restart_with_blas_threads

from helpers.minibatch import updates_per_epoch
from helpers.networks.mlp import MLP
from helpers.results_store import save_results
from helpers.timing import time_calls
from helpers.training import mlp_flops_per_update

SCHEMA = "course.cost_per_update/1"
N_EPOCH = 60_000


def cases(rng: np.random.Generator) -> dict[str, tuple[MLP, np.ndarray, np.ndarray, list[int]]]:
    """The two networks, their data and their batch sizes."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    X_mnist = rng.standard_normal((10_000, 784))
    return {
        "digits 64-32-10": (MLP(64, 32, 10), digits.data / 16.0, np.eye(10)[digits.target],
                            [1, 8, 32, 128, 400, 1797]),
        "MNIST-shaped 784-100-10": (MLP(784, 100, 10), X_mnist,
                                    np.eye(10)[rng.integers(0, 10, 10_000)],
                                    [1, 10, 100, 1000, 10_000]),
    }


def bench_case(net: MLP, X: np.ndarray, Y: np.ndarray, sizes: list[int], repeat: int) -> dict:
    """Median and p95 seconds per update for every batch size; prints one row each."""
    theta = net.init(0)
    rows, ref = {}, None
    print(f"{'B':>6} {'MFLOP/upd':>10} {'median/upd':>11} {'p95/upd':>10} {'ratio':>7} "
          f"{'60k-epoch':>10}")
    for b in sizes:
        Xb, Yb = X[:b], Y[:b]

        def update(Xb=Xb, Yb=Yb) -> None:
            nonlocal theta
            theta = theta - 1e-3 * net.gradient(theta, Xb, Yb)

        times = time_calls(update, repeat=repeat, number=max(1, min(200, 2000 // b)))
        median, p95 = float(np.median(times)), float(np.percentile(times, 95))
        ref = ref or median
        epoch = median * updates_per_epoch(N_EPOCH, min(b, N_EPOCH))
        rows[b] = {"median_s": median, "p95_s": p95, "ratio_to_B1": median / ref,
                   "epoch_60k_s": epoch}
        mflop = mlp_flops_per_update(b, net.n_in, net.n_hidden, net.n_out) / 1e6
        print(f"{b:>6} {mflop:>10.2f} {median * 1e3:>9.3f}ms {p95 * 1e3:>8.3f}ms "
              f"{median / ref:>7.1f} {epoch:>9.3f}s")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="timed rounds per batch size")
    parser.add_argument("--blas-threads", type=int, default=0,
                        help="BLAS threads (0: the library default)")
    parser.add_argument("--save", action="store_true",
                        help="write experiments/results/cost_per_update.json")
    args = parser.parse_args()
    restart_with_blas_threads(args.blas_threads)
    conditions = {"script": "benchmarks/bench_batch.py", "repeat": args.repeat,
                  "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS", "default"),
                  "cpu": f"{platform.machine()}, {os.cpu_count()} cores",
                  "load_average_at_start": round(os.getloadavg()[0], 1)}
    print(", ".join(f"{k}: {v}" for k, v in conditions.items()), f"numpy {np.__version__}")
    results = {}
    for name, (net, X, Y, sizes) in cases(np.random.default_rng(0)).items():
        print(f"\n{name} (P = {net.n_params})")
        results[name] = bench_case(net, X, Y, sizes, args.repeat)
    if args.save:
        path = save_results("cost_per_update", {"schema": SCHEMA, "conditions": conditions,
                                                "cases": results})
        print(f"\nwrote {path.name}")


if __name__ == "__main__":
    main()
