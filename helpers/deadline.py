"""Time bounds: a deadline shared by the steps of one analysis, and blocks stopped when it passes.

``with time_bound(seconds) as bound:`` runs its block normally. If the block is still running
when the time is up, an exception of the block's own class (a subclass of :class:`TimeUp`,
which derives from ``BaseException`` so that ``except Exception`` in library code does not
swallow it) is raised inside the block's thread and caught again where the block ends;
``bound.timed_out`` then says so. Blocks nest: an outer block's time running out ends the
inner block too.

How the exception gets there: a watchdog thread raises it with CPython's
``PyThreadState_SetAsyncExc`` (and again every 50 ms until the block has ended, in case
something swallowed it). Where no thread can be started (e.g. Pyodide) or that call does not
exist, a trace hook checks the clock on every Python function call instead. Neither stops a
single long call into C code (one huge integer power, say): callers keep such calls out
(``helpers.symbolic``'s preflight) or run them in a child process with a hard limit.
"""

from __future__ import annotations

import ctypes
import dataclasses
import math
import platform
import sys
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

__all__ = ["Deadline", "TimeUp", "run_within", "time_bound"]

_REPEAT = 0.05  # seconds between two raises while a timed-out block has not ended yet


class TimeUp(BaseException):
    """Raised inside a time-bounded block whose time is up; caught where the block ends."""


@dataclasses.dataclass(frozen=True)
class Deadline:
    """A moment on the monotonic clock that the steps of one analysis share."""

    at: float

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        """The deadline ``seconds`` from now."""
        return cls(time.monotonic() + max(0.0, float(seconds)))

    def remaining(self) -> float:
        """Seconds left (0 once it has passed)."""
        return max(0.0, self.at - time.monotonic())

    def expired(self) -> bool:
        """True once the deadline has passed."""
        return time.monotonic() >= self.at


def _can_raise_async() -> bool:
    """True where another thread can raise an exception in this one (CPython)."""
    return platform.python_implementation() == "CPython" and hasattr(ctypes, "pythonapi")


def _async_raise(thread_id: int, exc: type[BaseException] | None) -> None:
    """Raise exc in the thread thread_id at its next Python instruction (None: cancel)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id),
                                               ctypes.py_object(exc) if exc else None)


def _quiet_unraisable() -> None:
    """Once: a TimeUp that lands where Python cannot raise it (a __del__) is not printed.

    Python then prints "Exception ignored in ..." and goes on; the watchdog raises again
    50 ms later, so nothing is lost but the message, which would only confuse a student.
    """
    previous = sys.unraisablehook
    if getattr(previous, "quiet_time_up", False):
        return

    def hook(unraisable: Any) -> None:
        if not (isinstance(unraisable.exc_type, type) and issubclass(unraisable.exc_type, TimeUp)):
            previous(unraisable)

    hook.quiet_time_up = True  # type: ignore[attr-defined]
    sys.unraisablehook = hook


# Held while a bounded thread starts a watchdog thread, and by a watchdog when it raises:
# until the new thread runs, CPython files its thread state under the starting thread's id,
# so a raise sent then would land in the new thread and kill it before it ever started.
_STARTING = threading.Lock()

_local = threading.local()  # the trace-hook bounds active in this thread, outermost first


class time_bound:  # noqa: N801 - used like a function: with time_bound(2.0) as bound
    """Context manager: stop the block after ``seconds`` (see the module docstring)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = max(0.0, float(seconds))
        self.timed_out = False
        self._exc = type("TimeUpHere", (TimeUp,), {})
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._active = False
        self._fires = 0  # raises sent by the watchdog ...
        self._caught = 0  # ... and raises that arrived (a raise sent while one is pending
        # replaces it, so fewer may arrive)
        self._armed = False
        self._traced = False
        self._at = 0.0
        self._thread_id = 0

    def __enter__(self) -> time_bound:
        self._thread_id = threading.get_ident()
        self._at = time.monotonic() + self.seconds
        self._active = True
        if math.isfinite(self._at):  # else no bound at all
            _quiet_unraisable()
            if not (_can_raise_async() and self._start_watchdog()):
                self._start_tracing()
        self._armed = True  # last: nothing is raised before the block has begun
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> bool:
        ours = exc_type is not None and issubclass(exc_type, self._exc)
        self._stop(caught=ours)
        if ours:
            self.timed_out = True
        return ours

    # ------------------------------------------------------------------ watchdog thread
    def _start_watchdog(self) -> bool:
        """Start the watchdog thread; False where threads cannot start."""
        try:
            with _STARTING:
                threading.Thread(target=self._watch, daemon=True, name="time_bound").start()
        except (RuntimeError, OSError):
            return False
        return True

    def _watch(self) -> None:
        """Wait for the deadline; then raise in the block's thread until the block ends."""
        wait = self._at - time.monotonic()
        while not self._done.wait(max(0.0, wait)):
            with _STARTING, self._lock:
                if not self._active:
                    return
                if self._armed:
                    self._fires += 1
                    _async_raise(self._thread_id, self._exc)
            wait = _REPEAT

    @property
    def exception(self) -> type[TimeUp]:
        """The class of the exception this bound raises."""
        return self._exc

    def stop(self, caught: bool = False) -> None:
        """End the bound now (idempotent); ``caught``: one of its raises was just caught."""
        self._stop(caught)

    def _stop(self, caught: bool = False) -> None:
        """End the bound; a raise of ours that is still pending is let in and caught here.

        (Cancelling it with PyThreadState_SetAsyncExc(id, NULL) would leave CPython's
        "pending" flag set, which slows every later instruction and upsets trace hooks.)
        """
        self._caught += caught
        while True:
            try:
                with self._lock:
                    self._active = False
                self._drain()
                self._done.set()
                if self._traced:
                    self._stop_tracing()
                return
            except self._exc:  # our own raise arrived during the cleanup: finish it anyway
                self._caught += 1

    def _drain(self) -> None:
        """Wait (≤ 20 ms) for a raise that was sent but has not arrived yet."""
        if self._traced or self._fires <= self._caught:
            return
        end = time.monotonic() + 0.02
        while time.monotonic() < end and self._fires > self._caught:
            _nothing()

    # ------------------------------------------------------------------ trace hook
    def _start_tracing(self) -> None:
        """Check the clock on every Python call made in this thread while the block runs."""
        stack = getattr(_local, "stack", None)
        if stack is None:
            stack = _local.stack = []
        if not stack:
            _local.previous = sys.gettrace()
        stack.append(self)
        self._traced = True
        sys.settrace(_tracer)

    def _stop_tracing(self) -> None:
        """Leave the trace hook (and give back the one that was there before)."""
        stack = _local.stack
        if self in stack:
            stack.remove(self)
        sys.settrace(_tracer if stack else _local.previous)


def _nothing() -> None:
    """A Python call: where a pending asynchronous raise arrives."""


def _tracer(frame: Any, event: str, arg: Any) -> Any:
    """The trace hook: raise the outermost expired bound's exception at a function call."""
    if event == "call" and frame.f_globals.get("__name__") != __name__:
        now = time.monotonic()
        for bound in _local.stack:
            if bound._active and bound._armed and now >= bound._at:
                raise bound._exc
    previous = getattr(_local, "previous", None)
    return previous(frame, event, arg) if previous is not None else None


def run_within(seconds: float, fn: Callable[..., Any], *args: Any,
               default: Any = None) -> tuple[Any, bool]:
    """(fn(*args), False), or (default, True) when fn does not finish within ``seconds``.

    Safer than a bare ``with time_bound(...)``: a raise that lands just as the block ends
    (on the way into ``__exit__``) is caught here too.
    """
    if not seconds > 0:
        return default, True
    bound = time_bound(seconds)
    value, timed_out = default, True
    try:
        with bound:
            value, timed_out = fn(*args), False
    except bound.exception:
        bound.stop(caught=True)
    return (default, True) if timed_out else (value, False)
