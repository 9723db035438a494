"""One timer: wall-clock seconds (and peak memory) of a call, for benchmarks and live runs.

Also what long computations share: ``Ticker`` (progress reported by time slices, so a bar moves
at least every ``interval`` seconds) and ``interruptible`` (an interrupt ends the computation
with one short line, ``Interrupted``, instead of a traceback through the course's internals).
Timings never go into stored notebook outputs: they differ from run to run.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

import numpy as np

__all__ = ["Interrupted", "Measurement", "Ticker", "interruptible", "measure", "time_calls"]


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
    if not callable(fn):
        raise TypeError(f"fn must be a function to call and time; got {fn!r:.60}.")
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


class Interrupted(KeyboardInterrupt):
    """An interrupt, told in one line: IPython and Jupyter show only this message."""

    def _render_traceback_(self) -> list[str]:
        """What IPython prints instead of a traceback."""
        return [f"Interrupted: {self}"]


@contextmanager
def interruptible(describe: Callable[[], str]) -> Iterator[None]:
    """Turn a KeyboardInterrupt inside the block into ``Interrupted(describe())``, no traceback."""
    try:
        yield
    except Interrupted:
        raise
    except KeyboardInterrupt:
        raise Interrupted(describe()) from None


class Ticker:
    """Calls ``progress(stage, done, total)`` at most every ``interval`` s, and always at the end.

    It remembers the latest (stage, done, total) even when it does not pass them on, so an
    interrupt can say where the computation was.
    """

    def __init__(self, progress: Callable[[str, int, int], None] | None,
                 interval: float = 0.5) -> None:
        self.progress, self.interval = progress, interval
        self.last = time.perf_counter()
        self.stage, self.done, self.total = "", 0, 0

    def __call__(self, stage: str, done: int, total: int, *, force: bool = False) -> None:
        """Report (stage, done, total) if a slice has passed, the stage is complete or forced."""
        self.stage, self.done, self.total = stage, done, total
        if self.progress is None:
            return
        now = time.perf_counter()
        if force or done >= total or now - self.last >= self.interval:
            self.last = now
            self.progress(stage, done, total)
