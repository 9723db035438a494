"""Benchmark of the general-depth engine: full Hessians vs jax; one hidden layer vs before.

Prints figures and ratios measured in this one run (interleaved rounds: ours, theirs, ours, …;
medians of the per-round ratios); asserts nothing. From the repository root:

    .venv/bin/python benchmarks/bench_deep_hessian.py --blas-threads 1
    # with jax (optional extra, never a course dependency): pip install -e .[bench]
    # one hidden layer against the engine at an earlier commit (git archive into a temp dir):
    .venv/bin/python benchmarks/bench_deep_hessian.py --blas-threads 1 --before 7712f8a

Run with ``--blas-threads 1`` jax is also kept on one thread (XLA_FLAGS); XLA_FLAGS alone may not
hold jax to one core, so pin the process too (``taskset -c 1 python …``) for a fair comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEEP = [(10, (24, 24), 4), (64, (12, 12), 10), (16, (24, 24), 1)]  # P ≈ 1,000 each
N_SAMPLES = 500
ONE_LAYER = [("2 → 128 → 1, 200 samples (P = 513)", 2, 128, 1, 200, 1),
             ("256 networks 2 → 8 → 1, 20 samples", 2, 8, 1, 20, 256),
             ("64 → 32 → 10, 500 samples (P = 2,410)", 64, 32, 10, 500, 1)]


def _single_threaded() -> None:
    """Re-exec with one BLAS and one XLA thread (both read the setting when they load)."""
    if os.environ.get("OPENBLAS_NUM_THREADS") == "1" and "XLA_FLAGS" in os.environ:
        return
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
           "MKL_NUM_THREADS": "1",
           "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"}
    os.execve(sys.executable, [sys.executable, *sys.argv], env)


def _jax_hessian(sizes: tuple[int, ...], X, Y):
    """jax.jit(jax.hessian) of the same loss, written independently; None without jax."""
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        return None
    jax.config.update("jax_enable_x64", True)
    Xj, Yj = jnp.asarray(X), jnp.asarray(Y)

    def loss(theta):
        a, off = Xj, 0
        for k, (m, n) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
            W = theta[off: off + n * m].reshape(n, m)
            b = theta[off + n * m: off + n * m + n]
            off += n * m + n
            a = a @ W.T + b
            a = jnp.tanh(a) if k < len(sizes) - 2 else a
        return jnp.mean((a - Yj) ** 2)

    return jax.jit(jax.hessian(loss))


def _rounds(fns: list, repeats: int) -> list[list[float]]:
    """Interleaved timings: repeats rounds, each calling every fn once.

    Each timed call follows an untimed call of the same fn and a 30 ms pause: right after a jax
    call the first numpy Hessian was measured 2.5× slower (caches, CPU frequency).
    """
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeats):
        for k, fn in enumerate(fns):
            fn()
            time.sleep(0.03)
            t0 = time.perf_counter()
            fn()
            times[k].append(time.perf_counter() - t0)
    return times


def bench_deep(repeats: int) -> None:
    import numpy as np

    from helpers.networks.mlp import MLP

    print(f"\n== Full Hessian, two tanh hidden layers, MSE, {N_SAMPLES} samples")
    for n_in, hidden, n_out in DEEP:
        rng = np.random.default_rng(0)
        model = MLP(n_in, hidden, n_out)
        theta = model.init(rng, 1.0)
        X = rng.standard_normal((N_SAMPLES, n_in))
        Y = rng.standard_normal((N_SAMPLES, n_out))
        H = model.hessian(theta, X, Y)
        label = f"{n_in} → {hidden} → {n_out}  P = {model.n_params:5d}"
        jh = _jax_hessian(model.sizes, X, Y)
        if jh is None:
            t = np.median(_rounds([lambda m=model, t=theta, X=X, Y=Y: m.hessian(t, X, Y)],
                                  repeats)[0])
            print(f"{label}  ours {1e3 * t:7.1f} ms  (jax not installed)")
            continue
        t0 = time.perf_counter()
        H_jax = np.asarray(jh(theta))
        compile_s = time.perf_counter() - t0
        ours, theirs = _rounds([lambda m=model, t=theta, X=X, Y=Y: m.hessian(t, X, Y),
                                lambda jh=jh, t=theta: jh(t).block_until_ready()], repeats)
        ratio = np.median(np.array(theirs) / np.array(ours))
        err = np.max(np.abs(H - H_jax)) / np.max(np.abs(H_jax))
        print(f"{label}  ours {1e3 * np.median(ours):7.1f} ms   jax.jit(jax.hessian) "
              f"{1e3 * np.median(theirs):7.1f} ms (compile {compile_s:.1f} s)   "
              f"ratio {ratio:5.1f}×   max rel diff {err:.1e}", flush=True)


def one_layer_times(repeats: int) -> dict[str, float]:
    """Median seconds of the one-hidden-layer Hessians (run in the tree given by sys.path)."""
    import numpy as np

    from helpers.networks.mlp import MLP

    out = {}
    for label, n_in, h, n_out, n, batch in ONE_LAYER:
        rng = np.random.default_rng(0)
        model = MLP(n_in, h, n_out)
        thetas = np.array([model.init(np.random.default_rng([1, b]), 1.5) for b in range(batch)])
        X, Y = rng.standard_normal((n, n_in)), rng.standard_normal((n, n_out))
        out[label] = float(np.median(_rounds([lambda m=model, t=thetas, X=X, Y=Y:
                                              m.hessian_batch(t, X, Y)],
                                             repeats)[0]))
    return out


def _times_in(tree: Path, repeats: int) -> dict[str, float]:
    """one_layer_times run by a fresh interpreter with ``tree`` first on the path."""
    code = ("import json, sys; sys.path.insert(0, sys.argv[1]); sys.path.insert(1, sys.argv[2]);"
            "import bench_deep_hessian as b;"
            "print(json.dumps(b.one_layer_times(int(sys.argv[3]))))")
    out = subprocess.run([sys.executable, "-c", code, str(tree), str(ROOT / "benchmarks"),
                          str(repeats)], capture_output=True, text=True, check=True, cwd=tree)
    return json.loads(out.stdout)


def bench_before(rev: str, repeats: int, rounds: int = 3) -> None:
    print(f"\n== One hidden layer: Hessians now against the engine at {rev} (alternating runs)")
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(["git", "archive", rev, "helpers"], cwd=ROOT, check=True,
                                 capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        before: list[dict] = []
        now: list[dict] = []
        for _ in range(rounds):
            before.append(_times_in(Path(tmp), repeats))
            now.append(_times_in(ROOT, repeats))
    for label, *_ in ONE_LAYER:
        b = sorted(r[label] for r in before)[rounds // 2]
        n = sorted(r[label] for r in now)[rounds // 2]
        print(f"{label:40s} before {1e3 * b:7.2f} ms   now {1e3 * n:7.2f} ms   now/before "
              f"{n / b:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--blas-threads", type=int, default=0, help="1: single-threaded")
    parser.add_argument("--before", default=None, help="git revision for the one-layer comparison")
    args = parser.parse_args()
    if args.blas_threads == 1:
        _single_threaded()
    sys.path.insert(0, str(ROOT))
    import numpy as np

    print(f"numpy {np.__version__}, {os.cpu_count()} cores, {platform.machine()}, load average "
          f"{os.getloadavg()[0]:.1f}, OPENBLAS_NUM_THREADS="
          f"{os.environ.get('OPENBLAS_NUM_THREADS', 'default')}")
    bench_deep(args.repeats)
    if args.before:
        bench_before(args.before, args.repeats)
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
