"""One timer: wall-clock seconds (and peak memory) of a call, for benchmarks and live runs.

Timings never go into stored notebook outputs: they differ from run to run.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

__all__ = ["Measurement", "measure", "time_calls"]


class Measurement(NamedTuple):
    """What ``measure`` returns: the call's value, its wall-clock seconds, peak bytes allocated."""

    value: Any
    seconds: float
    peak_bytes: int


def measure(fn: Callable[..., Any], *args: Any, trace_memory: bool = True,
            **kwargs: Any) -> Measurement:
    """Run ``fn(*args, **kwargs)`` once: (value, seconds, peak bytes allocated meanwhile).

    Peak memory is measured with ``tracemalloc`` (numpy reports its array buffers to it);
    ``trace_memory=False`` skips it (peak 0), so that short calls are timed without its overhead.
    """
    tracing = trace_memory and not tracemalloc.is_tracing()
    if tracing:
        tracemalloc.start()
    if trace_memory:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
    t0 = time.perf_counter()
    value = fn(*args, **kwargs)
    seconds = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1] - base if trace_memory else 0
    if tracing:
        tracemalloc.stop()
    return Measurement(value, seconds, int(peak))


def time_calls(fn: Callable[[], object], repeat: int = 7, number: int = 1) -> np.ndarray:
    """Seconds per call of ``fn()`` in ``repeat`` rounds of ``number`` calls, after one warm-up."""
    if repeat < 1 or number < 1:
        raise ValueError("repeat and number must be >= 1")
    fn()

    def one_round() -> None:
        for _ in range(number):
            fn()

    return np.array([measure(one_round, trace_memory=False).seconds / number
                     for _ in range(repeat)])
