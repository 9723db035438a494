"""Running the explorer's background jobs: a thread each, outcomes back on the main thread.

A live widget must never wait on sympy, yet the model and the figure belong to the kernel's
main thread. :class:`BackgroundRunner` runs each :class:`~helpers.explorer.model.Job` in its own
daemon thread (so a slow analysis never blocks the next one) and hands the outcome to ``done``
on the main thread, through the event loop the kernel runs there (``call_soon_threadsafe``):
between cells, ipykernel keeps handling widget messages while the thread works. A job that ends
within ``wait`` seconds is applied at once, so a quick analysis costs one redraw, not two.

Without a running event loop (a script, a unit test) or without threads (a browser-only
Python), a job runs at once in the caller's thread: same outcome, no concurrency.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from helpers.explorer.model import Job

Done = Callable[[Job, Any, "BaseException | None"], None]


def run_job(job: Job) -> tuple[Any, BaseException | None]:
    """(result, None) or (None, the exception): a job's outcome, never raised."""
    try:
        return job.run(), None
    except Exception as exc:  # noqa: BLE001 - the model turns it into a message
        return None, exc


def _work(job: Job, future: Future) -> None:
    future.set_result(run_job(job))


class BackgroundRunner:
    """Runs jobs in daemon threads and calls ``done(job, result, error)`` on the main thread."""

    def __init__(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        """loop: where outcomes are delivered (default: the loop running when a job starts)."""
        self.loop = loop
        self.threads: list[threading.Thread] = []  # started and maybe still running

    def _loop(self) -> asyncio.AbstractEventLoop | None:
        if self.loop is not None:
            return self.loop
        try:
            return asyncio.get_running_loop()
        except RuntimeError:
            return None

    def submit(self, job: Job, done: Done, wait: float = 0.0) -> bool:
        """Start the job; True when its outcome was already handed to ``done``."""
        loop = self._loop()
        future: Future = Future()
        thread = threading.Thread(target=_work, args=(job, future), daemon=True,
                                  name=f"explorer-{job.kind}-{job.generation}")
        try:
            if loop is None:
                raise RuntimeError("no event loop to hand the outcome back on")
            thread.start()
        except RuntimeError:  # no loop, or no threads on this platform: run it here
            done(job, *run_job(job))
            return True
        self.threads = [t for t in self.threads if t.is_alive()] + [thread]
        try:
            outcome = future.result(timeout=wait)
        except TimeoutError:
            future.add_done_callback(
                lambda f: loop.call_soon_threadsafe(lambda: done(job, *f.result())))
            return False
        done(job, *outcome)
        return True

    def later(self, delay: float, fn: Callable[[], Any]) -> None:
        """Call fn on the main thread after delay seconds (nothing without an event loop)."""
        loop = self._loop()
        if loop is not None:
            loop.call_soon_threadsafe(loop.call_later, delay, fn)

    def join(self, timeout: float) -> bool:
        """Wait up to timeout seconds for the started threads; True when none is left."""
        for t in list(self.threads):
            t.join(timeout)
        self.threads = [t for t in self.threads if t.is_alive()]
        return not self.threads
