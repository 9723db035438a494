"""Time to return, and the verdict, for the inputs that used to hang the analysis.

    .venv/bin/python benchmarks/bench_bounds.py [--repeats 3] [--time-limit 3]

Each case runs ``--repeats`` times, each in a fresh child process (so sympy's caches from an
earlier run do not help); the table prints the median seconds to return, the slowest run,
the bound (``time_limit``) and what the call decided. Before the time bounds these calls did
not return within 8 s (one ran for more than 4 minutes). "no fork" runs the same call with
``os.fork`` raising OSError(52, 'Function not implemented'), as in Pyodide. For reference,
the same table gives a normal case (the lecture's surface) that finishes well inside the
bound. Timings depend on machine load: report it with the numbers.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import time

CASES = [
    ("analyze_point", "x**y", (0, 0)),
    ("analyze_point", "2**x**x**x", (0, 0)),
    ("analyze_point", "x^y^x", (9, 9)),
    ("analyze_point", "x^99 - y^98", (1e-9, 0.0)),
    ("critical_points", "(x+y)^20", None),
    ("critical_points", "(x^2+y^2-1)^12", None),
    ("critical_points", "x^99 - y^98", None),
    ("critical_points", "sin(40*x)*cos(40*y)", None),
    ("critical_points", "x^3 - 3*x + y^2", None),
    ("critical_points", "(1 - x*y)^2", None),  # the lecture's surface: a normal case
]
NO_FORK = [("critical_points", "(x^2+y^2-1)^12", None),
           ("critical_points", "x^3 - 3*x + y^2", None)]
BOX = [(-3.0, 3.0), (-3.0, 3.0)]


def _verdict(result) -> str:
    """What the call decided, in a few words."""
    if isinstance(result, Exception):
        return f"{type(result).__name__}: {str(result)[:60]}"
    if isinstance(result, list):
        kinds = sorted({getattr(item, "kind", "?") for item in result})
        done = "complete" if result.complete else "cut short: " + "; ".join(result.notes)[:70]
        return f"{len(result)} items ({', '.join(kinds) or 'none'}); {done}"
    return f"{result.kind} → {result.resolved_kind}: {result.reason[-70:]}"


def _one(queue, what: str, text: str, point, limit: float, no_fork: bool) -> None:
    """In a child process: one timed call; puts (seconds, verdict)."""
    if no_fork:
        def refuse(*args, **kwargs):
            raise OSError(52, "Function not implemented")

        os.fork = refuse
    from helpers import analyze_point, critical_points, parse_loss

    f = parse_loss(text)
    analyze_point(parse_loss("x^2 - y^2"), ("x", "y"), (0, 0))  # imports and warm-up
    t0 = time.perf_counter()
    try:
        if what == "analyze_point":
            result = analyze_point(f, ("x", "y"), point, time_limit=limit)
        else:
            result = critical_points(f, ("x", "y"), BOX, time_limit=limit)
    except ValueError as exc:
        result = exc
    queue.put((time.perf_counter() - t0, _verdict(result)))


def run(case, limit: float, repeats: int, no_fork: bool) -> tuple[list[float], str]:
    """Seconds of each repeat (fresh process each) and the last verdict."""
    ctx = multiprocessing.get_context("fork")
    seconds, verdict = [], ""
    for _ in range(repeats):
        queue = ctx.Queue()
        proc = ctx.Process(target=_one, args=(queue, *case, limit, no_fork))
        proc.start()
        sec, verdict = queue.get(timeout=120)
        proc.join()
        seconds.append(sec)
    return seconds, verdict


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=3.0)
    args = parser.parse_args()
    print(f"bound: time_limit = {args.time_limit:g} s; load average {os.getloadavg()[0]:.1f}")
    print(f"{'call':16} {'formula':22} {'median s':>9} {'max s':>7}  verdict")
    slowest = (0.0, "")
    for no_fork, cases in ((False, CASES), (True, NO_FORK)):
        for case in cases:
            seconds, verdict = run(case, args.time_limit, args.repeats, no_fork)
            label = case[0] + (" (no fork)" if no_fork else "")
            print(f"{label:16} {case[1]:22} {statistics.median(seconds):9.2f} "
                  f"{max(seconds):7.2f}  {verdict}", flush=True)
            slowest = max(slowest, (max(seconds), f"{label} {case[1]}"))
    print(f"slowest run: {slowest[0]:.2f} s ({slowest[1]}); bound {args.time_limit:g} s")


if __name__ == "__main__":
    main()
