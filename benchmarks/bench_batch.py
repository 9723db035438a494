"""Per-update and per-epoch cost against batch size, vectorised numpy on the CPU.

An MNIST-shaped problem (784 inputs, 10 outputs, one tanh hidden layer of 100 units,
mean-squared error) on random data: n examples, batch sizes 1 ... n. For each batch size we time
one update (gradient on the batch + SGD step) and report

    median and p95 seconds per update, seconds per epoch = median × ceil(n / B),
    and the ratio of both to batch size 1 measured in the same run.

Usage:  .venv/bin/python benchmarks/bench_batch.py [--n 10000] [--repeat 15] [--blas-threads 1]
Timings depend on the machine and its load; nothing here is asserted anywhere.

``--blas-threads N`` re-runs the script with OPENBLAS_NUM_THREADS=N (and the OMP/MKL
equivalents). On a small machine that other jobs keep busy, the default multi-threaded BLAS can
be many times slower at mid-sized batches (its threads wait for each other), so the numbers
quoted in notebook 06 were measured with ``--blas-threads 1``.
"""

from __future__ import annotations

import argparse
import os
import platform

import numpy as np
from _blas import restart_with_blas_threads

from helpers.networks.mlp import MLP
from helpers.timing import time_calls
from helpers.training import mlp_flops_per_update, updates_per_epoch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="examples per epoch")
    parser.add_argument("--repeat", type=int, default=15, help="timed rounds per batch size")
    parser.add_argument("--hidden", type=int, default=100)
    parser.add_argument("--blas-threads", type=int, default=0,
                        help="BLAS threads (0: the library default)")
    args = parser.parse_args()
    restart_with_blas_threads(args.blas_threads)

    rng = np.random.default_rng(0)
    net = MLP(784, args.hidden, 10)
    theta = net.init(rng)
    X = rng.standard_normal((args.n, 784))
    Y = rng.standard_normal((args.n, 10))
    sizes = [b for b in (1, 10, 100, 1000, 10_000, 60_000) if b <= args.n]

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, numpy {np.__version__}, "
          f"python {platform.python_version()}, load average {os.getloadavg()[0]:.1f}, "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'default')}")
    print(f"network 784 -> {args.hidden} (tanh) -> 10, P = {net.n_params}, n = {args.n}, "
          f"{args.repeat} rounds per batch size\n")
    print(f"{'batch':>6} {'updates/ep':>10} {'MFLOP/upd':>10} {'median/upd':>11} "
          f"{'p95/upd':>10} {'per epoch':>10} {'upd ratio':>9} {'epoch ratio':>11}")
    ref_update = ref_epoch = None
    for b in sizes:
        Xb, Yb = X[:b], Y[:b]

        def update(Xb=Xb, Yb=Yb) -> None:
            nonlocal theta
            theta = theta - 1e-3 * net.gradient(theta, Xb, Yb)

        number = max(1, min(200, 2000 // b))
        times = time_calls(update, repeat=args.repeat, number=number)
        med, p95 = float(np.median(times)), float(np.percentile(times, 95))
        k = updates_per_epoch(args.n, b)
        epoch = med * k
        ref_update = ref_update or med
        ref_epoch = ref_epoch or epoch
        mflop = mlp_flops_per_update(b, 784, args.hidden, 10) / 1e6
        print(f"{b:>6} {k:>10} {mflop:>10.2f} {med * 1e3:>9.3f}ms {p95 * 1e3:>8.3f}ms "
              f"{epoch:>9.3f}s {med / ref_update:>9.1f} {epoch / ref_epoch:>11.3f}")


if __name__ == "__main__":
    main()
