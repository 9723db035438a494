"""Running the explorer's background jobs: beside the kernel, outcomes back on its main thread.

A live widget must never wait on sympy, yet the model and the figure belong to the kernel's
main thread. :class:`BackgroundRunner` runs each :class:`~helpers.explorer.model.Job` on its
own (so a slow analysis never blocks the next one) and hands the outcome to ``done`` on the
main thread, through the event loop the kernel runs there (``call_soon_threadsafe``): between
cells, ipykernel keeps handling widget messages while the job works. A job that ends within
``wait`` seconds is applied at once, so a quick analysis costs one redraw, not two.

Where ``fork`` exists, the long jobs (the critical-point search: kinds in ``processes``) run in
a forked child process: they never compete with the kernel for Python's interpreter lock, and
``cancel_stale`` ends a superseded or stopped search at once (the child is killed). A picked
point is classified in a child too when it was clicked (``job.isolated``: one event, a slow
analysis there is killed when the next click comes); points of a slider drag in a daemon
thread (a fork costs tens of milliseconds per event), unless a thread of their kind still works
on a slow point. Without fork, threads, at most ``THREADS_PER_KIND`` per kind.
Without a running event loop (a script, a unit test) or without threads (a browser-only
Python), a job runs at once in the caller's thread: same outcome, no concurrency.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import threading
import warnings
from collections.abc import Callable
from concurrent.futures import Future
from multiprocessing.connection import Pipe
from typing import Any

from helpers.explorer.model import Job

Done = Callable[[Job, Any, "BaseException | None"], None]
THREADS_PER_KIND = 2  # e.g. a stuck analysis and the latest one; later jobs wait their turn


def run_job(job: Job) -> tuple[Any, BaseException | None]:
    """(result, None) or (None, the exception): a job's outcome, never raised."""
    try:
        return job.run(), None
    except Exception as exc:  # noqa: BLE001 - the model turns it into a message
        return None, exc


def can_fork() -> bool:
    """True where os.fork exists (not on Windows; Pyodide has it but it fails)."""
    return hasattr(os, "fork")


class Child:
    """A forked child process running one job: kill it, wait for it."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.ended = False

    def is_alive(self) -> bool:
        """True until the child was waited for."""
        return not self.ended

    def kill(self) -> None:
        """End the child at once (nothing if it already ended)."""
        if not self.ended:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)

    def join(self) -> None:
        """Wait for the child to end (reaps it)."""
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)
        self.ended = True


def _child(job: Job, conn: Any) -> None:  # pragma: no cover - runs in the forked child
    """In the child: run the job and send its outcome (a plain message if it cannot go)."""
    warnings.simplefilter("ignore")  # nothing from the child reaches the notebook
    result, error = run_job(job)
    try:
        conn.send((result, error))
    except Exception as exc:  # noqa: BLE001 - e.g. an exception that cannot be pickled
        reason = str(error or exc).strip().splitlines()
        conn.send((None, RuntimeError(reason[0] if reason else type(exc).__name__)))
    finally:
        conn.close()


def _wait_child(proc: Child, conn: Any, future: Future) -> None:
    """In a waiter thread: the child's outcome, or an error once it was killed or crashed."""
    try:
        outcome = conn.recv()
    except (EOFError, OSError):
        outcome = (None, RuntimeError("the analysis was stopped before it ended"))
    finally:
        conn.close()
        proc.join()
    future.set_result(outcome)


class BackgroundRunner:
    """Runs jobs in daemon threads and calls ``done(job, result, error)`` on the main thread."""

    def __init__(self, loop: asyncio.AbstractEventLoop | None = None,
                 processes: tuple[str, ...] = ("critical",), fork: bool = True) -> None:
        """loop: where outcomes are delivered (default: the loop running when a job starts);
        processes: the kinds of job always run in a forked child where fork exists (other
        kinds too while a thread of theirs is still running: a slow analysis); fork=False:
        threads only."""
        self.loop = loop
        self.processes = tuple(processes)
        self.fork = bool(fork)
        self.threads: list[threading.Thread] = []  # started and maybe still running
        self.children: dict[Job, Child] = {}  # forked children, until cancelled or ended
        self._lock = threading.Lock()
        self._running: dict[str, int] = {}  # threads running jobs, per kind
        self._queued: dict[str, tuple[Job, Future]] = {}  # the latest job waiting, per kind

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
        try:
            if loop is None:
                raise RuntimeError("no event loop to hand the outcome back on")
            self._start(job, future)
        except RuntimeError:  # no loop, or no threads on this platform: run it here
            done(job, *run_job(job))
            return True
        try:
            outcome = future.result(timeout=wait)
        except TimeoutError:
            future.add_done_callback(
                lambda f: loop.call_soon_threadsafe(lambda: done(job, *f.result())))
            return False
        done(job, *outcome)
        return True

    def _start(self, job: Job, future: Future) -> None:
        """Start the job in a forked child (long kinds, where fork exists) or a thread."""
        name = f"explorer-{job.kind}-{job.generation}"
        with self._lock:
            slow = self._running.get(job.kind, 0) > 0  # a thread of this kind still works
        fork = self.fork and (job.kind in self.processes or job.isolated or slow)
        proc, parent = self._fork(job) if fork else (None, None)
        if proc is not None:
            target, args = _wait_child, (proc, parent, future)
        elif self._wait_turn(job, future):
            return  # a thread of this kind runs: it takes this job when it is done
        else:
            target, args = self._work_in_turn, (job, future)
        thread = threading.Thread(target=target, args=args, daemon=True, name=name)
        thread.start()
        self.threads = [t for t in self.threads if t.is_alive()] + [thread]

    def _wait_turn(self, job: Job, future: Future) -> bool:
        """Queue the job behind its kind's running threads (True), or count one more.

        Threads cannot be stopped: with THREADS_PER_KIND analyses of a kind running (say a
        stuck one and the latest), only the latest further job waits; one it replaces is
        settled as superseded (its outcome is stale anyway), so a slider dragged over slow
        points never piles up threads.
        """
        with self._lock:
            if self._running.get(job.kind, 0) < THREADS_PER_KIND:
                self._running[job.kind] = self._running.get(job.kind, 0) + 1
                return False
            replaced = self._queued.get(job.kind)
            self._queued[job.kind] = (job, future)
        if replaced is not None:
            replaced[1].set_result((None, RuntimeError("superseded by a newer analysis")))
        return True

    def _work_in_turn(self, job: Job, future: Future) -> None:
        """In a thread: run the job, then the queued one of its kind, until none is left."""
        while True:
            future.set_result(run_job(job))
            with self._lock:
                queued = self._queued.pop(job.kind, None)
                if queued is None:
                    self._running[job.kind] -= 1
                    return
            job, future = queued

    def _fork(self, job: Job) -> tuple[Child | None, Any]:
        """(child, pipe end) running the job, or (None, None) where fork fails.

        A plain fork, not multiprocessing.Process: the search forks again for sympy.solve,
        which multiprocessing refuses inside its own daemon processes.
        """
        if not can_fork():
            return None, None
        parent, child = Pipe(duplex=False)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)  # fork in a threaded kernel
                pid = os.fork()
        except OSError:  # fork exists but is not implemented (e.g. Pyodide): use a thread
            parent.close()
            child.close()
            return None, None
        if pid == 0:  # pragma: no cover - the child
            try:
                parent.close()
                _child(job, child)
            finally:
                os._exit(0)
        child.close()
        proc = self.children[job] = Child(pid)
        return proc, parent

    def cancel_stale(self, current: dict[str, Job]) -> None:
        """Kill the children whose job is no longer the current one of its kind."""
        for job, proc in list(self.children.items()):
            if current.get(job.kind) is not job or not proc.is_alive():
                if proc.is_alive():
                    proc.kill()
                del self.children[job]

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
