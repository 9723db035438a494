"""Benchmark of the exact Hessian engine (helpers.networks.mlp) and HVP + Lanczos (its curvature).

Prints figures and ratios measured in this one run; asserts nothing. Run from the repository root:

    .venv/bin/python benchmarks/bench_hessian.py            # our figures
    .venv/bin/python benchmarks/bench_hessian.py --quick    # skip P = 1e5
    .venv/bin/python benchmarks/bench_hessian.py --blas-threads 1   # single-threaded BLAS
    # with the comparison to JAX (optional extra, never a course dependency):
    pip install -e .[bench] && python benchmarks/bench_hessian.py

On a loaded 2-core machine, multi-threaded OpenBLAS can make the small matrix products of one
HVP several times slower (threads wait for a busy core); ``--blas-threads 1`` avoids that.

Timings are medians over repeats (p95 in brackets). On a shared or loaded machine they are
inflated; the ratios are measured in the same run, so they are the fairer figure.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource

import numpy as np
from _blas import restart_with_blas_threads

from helpers.networks.curvature import (
    dense_lowest_eigenpair,
    lowest_eigenpair,
    make_network_problem,
    network_hvp,
)
from helpers.networks.mlp import MLP
from helpers.timing import measure, time_calls


def timeit(fn, repeats: int) -> tuple[float, float]:
    """Median and 95th percentile wall time (seconds) of ``fn()`` over ``repeats`` calls."""
    times = time_calls(fn, repeat=repeats)
    return float(np.median(times)), float(np.percentile(times, 95))


def ms(t: tuple[float, float]) -> str:
    return f"{1e3 * t[0]:8.2f} ms  (p95 {1e3 * t[1]:.2f})"


def jax_hessian_fn(model: MLP, X: np.ndarray, y: np.ndarray):
    """``jax.jit(jax.hessian(loss))`` for the same network and loss, or None without jax."""
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        return None
    jax.config.update("jax_enable_x64", True)
    h, i, o = model.n_hidden, model.n_in, model.n_out
    Xj, yj = jnp.asarray(X), jnp.asarray(y)

    def loss(theta):
        W1 = theta[: h * i].reshape(h, i)
        b1 = theta[h * i : h * i + h]
        W2 = theta[h * i + h : h * i + h + o * h].reshape(o, h)
        b2 = theta[h * i + h + o * h :]
        out = jnp.tanh(Xj @ W1.T + b1) @ W2.T + b2
        return jnp.mean((out - yj) ** 2)

    return jax.jit(jax.hessian(loss)), jax.jit(jax.vmap(jax.hessian(loss)))


def bench_full_hessian(repeats: int) -> None:
    print("\n== Full Hessian, 2 → 128 → 1 tanh, MSE on 200 samples (P = 513)")
    rng = np.random.default_rng(0)
    model = MLP(2, 128, 1)
    theta = model.init(rng, 1.0)
    X = rng.standard_normal((200, 2))
    y = np.sin(X[:, :1]) + 0.1 * rng.standard_normal((200, 1))
    ours = timeit(lambda: model.hessian(theta, X, y), repeats)
    print(f"ours (closed form, numpy)      {ms(ours)}")
    fns = jax_hessian_fn(model, X, y)
    if fns is None:
        print("jax not installed: skipped (pip install -e .[bench] to compare)")
        return
    jhess = fns[0]
    H_jax = np.asarray(jhess(theta))  # compile
    H = model.hessian(theta, X, y)
    err = np.max(np.abs(H - H_jax)) / np.max(np.abs(H_jax))
    theirs = timeit(lambda: jhess(theta).block_until_ready(), repeats)
    print(f"jax.jit(jax.hessian)           {ms(theirs)}")
    print(f"speed-up (median): {theirs[0] / ours[0]:.1f}×   max relative difference {err:.1e}")


def bench_batch(repeats: int) -> None:
    print("\n== 256 networks 2 → 8 → 1 (P = 33) on 20 samples: Hessians + full spectra")
    rng = np.random.default_rng(1)
    model = MLP(2, 8, 1)
    thetas = np.array([model.init(np.random.default_rng([1, b]), 1.5) for b in range(256)])
    X = rng.standard_normal((20, 2))
    y = np.sin(X[:, :1])
    hess = timeit(lambda: model.hessian_batch(thetas, X, y), repeats)
    both = timeit(lambda: np.linalg.eigvalsh(model.hessian_batch(thetas, X, y)), repeats)
    print(f"Hessians only                  {ms(hess)}")
    print(f"Hessians + eigvalsh (target < 60 ms) {ms(both)}")
    fns = jax_hessian_fn(model, X, y)
    if fns is None:
        print("jax not installed: skipped")
        return
    vh = fns[1]
    vh(thetas).block_until_ready()
    theirs = timeit(lambda: vh(thetas).block_until_ready(), repeats)
    print(f"jax.jit(jax.vmap(jax.hessian)) {ms(theirs)}")
    print(f"speed-up on Hessians only (median): {theirs[0] / hess[0]:.1f}×")


def bench_hvp(repeats: int) -> None:
    print("\n== One HVP against one gradient (make_network_problem, P = 10 001, 256 samples)")
    model, theta, X, y = make_network_problem(10_000, seed=0)
    v = np.random.default_rng(1).standard_normal(model.n_params)
    # forward + backward and the flat gradient, without the cache
    grad = timeit(lambda: model.pack(*model.pass_at(theta, X, y).grads), repeats)
    hvp = network_hvp(model, theta, X, y)
    hv = timeit(lambda: hvp(v), repeats)
    print(f"gradient (forward + backward)  {ms(grad)}")
    print(f"HVP (pass cached)              {ms(hv)}")
    print(f"HVP / gradient (median): {hv[0] / grad[0]:.2f}")


def bench_lanczos(sizes: list[int]) -> None:
    print("\n== Most negative eigenpair via HVP + Lanczos (eigsh; ncv 100, 160 above P = 20 000)")
    print("   network 8 → h → 1 tanh, MSE on 256 samples, random initialisation")
    print(f"{'P':>8} {'HVPs':>5} {'time':>9} {'peak MiB':>8} {'λ_min':>12}   dense check")
    for target in sizes:
        model, theta, X, y = make_network_problem(target, seed=0)
        hvp = network_hvp(model, theta, X, y)
        count = [0]

        def counted(v, hvp=hvp, count=count):
            count[0] += 1
            return hvp(v)

        (lam, vec), seconds, peak = measure(lowest_eigenpair, counted, model.n_params)
        line = (f"{model.n_params:>8} {count[0]:>5} {seconds:>8.2f}s {peak / 2**20:>8.1f} "
                f"{lam:>12.6f}")
        if model.n_params <= 2500:
            (dense, dsec, dpeak) = measure(
                lambda m=model, t=theta, X=X, y=y: dense_lowest_eigenpair(m.hessian(t, X, y)))
            lam_d, vec_d = dense
            dv = min(np.linalg.norm(vec - vec_d), np.linalg.norm(vec + vec_d))
            line += (f"   dense λ {lam_d:.6f} (|Δλ| {abs(lam - lam_d):.1e}, |Δv| {dv:.1e}; "
                     f"{dsec:.2f}s, {dpeak / 2**20:.1f} MiB)")
        else:
            line += f"   dense would need {8 * model.n_params**2 / 2**30:.1f} GiB for H alone"
        print(line, flush=True)
    print(f"process max RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the P = 1e5 eigenpair")
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--blas-threads", type=int, default=0,
                        help="BLAS threads (0: the library default)")
    args = parser.parse_args()
    restart_with_blas_threads(args.blas_threads)
    print(f"numpy {np.__version__}, {os.cpu_count()} cores, {platform.machine()}, load average "
          f"{os.getloadavg()[0]:.1f}, OPENBLAS_NUM_THREADS="
          f"{os.environ.get('OPENBLAS_NUM_THREADS', 'default')}")
    bench_full_hessian(args.repeats)
    bench_batch(args.repeats)
    bench_hvp(args.repeats)
    sizes = [500, 2000, 10_000] + ([] if args.quick else [100_000])
    bench_lanczos(sizes)
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
