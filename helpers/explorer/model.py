"""The surface explorer's logic: no figure, no widget, no thread.

:class:`ExplorerModel` holds the :class:`~helpers.explorer.loading.ExplorerState` (surface,
point, report, messages). ``pick(point)`` returns the :class:`~helpers.symbolic.PointReport`
of :func:`~helpers.symbolic.analyze_point`, or the report of an isolated critical point found
by :func:`~helpers.symbolic.critical_points` within ``snap_radius`` (a fraction of the view's
width) of the point. ``set_surface`` switches to a course surface or a student's formula
(parsed by :func:`~helpers.parsing.parse_loss`) and keeps the last good one on failure.

Both also come in a background form for a live view, which must never wait on sympy:
``begin_surface`` switches at once (the picture needs no critical points) and ``begin_pick``
moves the point at once; each returns a :class:`Job` whose ``run()`` is pure (it reads no
state). Whoever runs the job hands the outcome back with ``finish(job, result, error)`` on the
thread that owns the model. Each job carries a generation number: a newer job of the same kind,
a new surface, ``stop()`` or ``expire()`` makes it stale, and a stale outcome is ignored, so a
superseded analysis is never shown. ``state.working`` says what is being computed,
``state.notice`` what was stopped or given up.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import sympy as sp

from helpers.escape import gradient_descent
from helpers.explorer.loading import (
    CUSTOM,
    DEFAULT_BOUNDS,
    GD_STEPS,
    MENU_FIRST,
    MENU_NAMES,
    ExplorerState,
    Scales,
    as_point,
    check_snap_radius,
    fmt,
    fmt_point,
    load_surface,
)
from helpers.surfaces import Surface
from helpers.symbolic import (
    PointReport,
    analyze_point,
    cached_critical_points,
    compile_numeric,
    escape_direction,
)

__all__ = [
    "CUSTOM", "DEFAULT_BOUNDS", "GD_STEPS", "JOB_TIMEOUT", "MENU_FIRST", "MENU_NAMES",
    "ExplorerModel", "ExplorerState", "Job", "Scales", "as_point", "check_snap_radius", "fmt",
    "fmt_point", "step_text",
]

JOB_TIMEOUT = 30.0  # s: a background analysis still running after this is given up
KNOWN_SEARCHES = 16  # background searches remembered: coming back to a surface needs none
WORKING = {"critical": "finding the critical points…", "point": "classifying the point…"}


@dataclass(eq=False)
class Job:
    """One background analysis: ``run()`` computes without touching the model's state."""

    kind: str  # "critical" (the surface's critical points) or "point" (the picked point)
    generation: int  # the model's counter when the job was made: newer jobs have larger ones
    run: Callable[[], Any]
    started: float  # the model's clock when the job was made
    point: np.ndarray | None = None  # the point a "point" job analyses
    isolated: bool = False  # a hint to the runner: worth a process of its own (a click)


def short_reason(exc: BaseException) -> str:
    """An exception as one line of plain words (its first line, else its type)."""
    lines = str(exc).strip().splitlines()
    text = lines[0].strip() if lines else ""
    return (text[:200] + "…" if len(text) > 200 else text) or type(exc).__name__


# ------------------------------------------------------------------ texts
def step_text(rep: PointReport) -> str:
    """One sentence on the step that lowers L from the point (−g, an eigenvector, or none)."""
    esc = escape_direction(rep.hessian) if np.all(np.isfinite(rep.hessian)) else None
    if not rep.smooth:
        return ("L has a kink here: there is no gradient and no Hessian, so neither −g nor "
                "an eigenvector gives a step (see why).")
    if rep.kind == "not critical":
        return ("Downhill: a small step −η·g lowers L by about η‖g‖² "
                f"= η·{fmt(rep.grad_norm**2)} (white arrow).")
    if esc is not None:
        lam, u = esc
        return (f"Escape: λ = {fmt(lam)} < 0, so a step η·u along its eigenvector "
                f"u = ({fmt_point(u)}) lowers L by about ½|λ|η² "
                f"= {fmt(abs(lam) / 2)}·η² (dashed arrow).")
    if rep.resolved_kind == "saddle point":
        return ("No eigenvalue is negative, so the second-order model shows no way down; "
                "higher-order terms do (see why).")
    return "No eigenvalue is negative: the second-order model has no way down here."


def _undefined_message(state: ExplorerState, p: np.ndarray, exc: BaseException) -> str:
    names = ", ".join(map(str, state.variables))
    reason = short_reason(exc).rstrip(".")
    return (f"cannot analyse ({names}) = ({fmt(p[0])}, {fmt(p[1])}): {reason}. "
            "The loss, its gradient or its Hessian is not defined there.")


# ------------------------------------------------------------------ the model
class ExplorerModel:
    """A two-variable loss, the picked point and its report: the explorer without a view."""

    def __init__(
        self,
        f: str | Surface | sp.Expr = "lecture",
        variables: Sequence[sp.Symbol | str] | None = None,
        bounds: Sequence[tuple[float, float]] | None = None,
        *,
        snap_radius: float = 0.02,
        find_critical: bool = True,
        gd_steps: int = 0,
        lr: float | None = None,
        custom_variables: Sequence[str] = ("x", "y"),
        clock: Callable[[], float] = time.monotonic,
        job_timeout: float = JOB_TIMEOUT,
    ) -> None:
        """f: a key of SURFACES, a Surface, a formula (text) or a sympy expression."""
        self.snap_radius = check_snap_radius(snap_radius)
        self.find_critical = bool(find_critical)
        self.gd_steps = int(gd_steps)
        self.lr = lr
        self.custom_variables = tuple(custom_variables)
        self.clock = clock
        self.job_timeout = float(job_timeout)
        self.jobs: dict[str, Job] = {}  # the current job of each kind; others are stale
        self.known: dict[tuple, list] = {}  # critical points found in the background
        self.generation = 0
        self.state, self.scales = self._load(f, variables, bounds, self.find_critical)

    def _load(self, f: Any, variables: Any, bounds: Any,
              find_critical: bool) -> tuple[ExplorerState, Scales]:
        return load_surface(f, variables, bounds, custom_variables=self.custom_variables,
                            find_critical=find_critical)

    @property
    def width(self) -> float:
        """Width of the view: the larger side of the box."""
        return max(hi - lo for lo, hi in self.state.bounds)

    @property
    def gd_lr(self) -> float:
        """The gradient-descent learning rate: lr, else 0.5 / typical large |λ|."""
        return self.lr if self.lr is not None else 0.5 / max(self.scales.lam_big, 1e-12)

    @property
    def busy(self) -> bool:
        """True while a background analysis runs (its job is current)."""
        return bool(self.jobs)

    @property
    def point_pending(self) -> bool:
        """True while the picked point waits for its classification."""
        return "point" in self.jobs

    def default_point(self) -> tuple[float, float]:
        """Where a new surface is first picked: 62 % across, 66 % up the view."""
        (x0, x1), (y0, y1) = self.state.bounds
        return (round(x0 + 0.62 * (x1 - x0), 3), round(y0 + 0.66 * (y1 - y0), 3))

    def nearest_critical(self, p: np.ndarray) -> PointReport | None:
        """The closest isolated critical point within snap_radius·width of p, if any."""
        best, best_d = None, self.snap_radius * self.width
        for item in self.state.critical:
            if isinstance(item, PointReport):
                d = float(np.linalg.norm(item.point - p))
                if d <= best_d:
                    best, best_d = item, d
        return best

    # -------------------------------------------------------------- at once
    def pick(self, point: Sequence[float]) -> PointReport:
        """Analyse a point, snapping to a critical point within snap_radius·width."""
        p = as_point(point)
        if self.jobs.pop("point", None) is not None:  # a background pick is stale now
            self._update_working()
        if self._snap(p):
            return self.state.report
        try:
            report = analyze_point(self.state.expr, self.state.variables, p)
        except Exception as exc:  # noqa: BLE001 - report it, never crash the view
            raise ValueError(self._failed_pick(p, exc)) from None
        self._picked(p, report)
        return report

    def set_surface(self, surface: str | Surface | sp.Expr,
                    bounds: Sequence[tuple[float, float]] | None = None,
                    variables: Sequence[sp.Symbol | str] | None = None) -> bool:
        """Switch surface (no point picked yet); False keeps the old one with the message."""
        return self._switch(surface, bounds, variables, self.find_critical)

    # -------------------------------------------------------------- in the background
    def begin_surface(self, surface: str | Surface | sp.Expr,
                      bounds: Sequence[tuple[float, float]] | None = None,
                      variables: Sequence[sp.Symbol | str] | None = None
                      ) -> tuple[bool, Job | None]:
        """Switch surface at once; the critical points come from the returned job (if any)."""
        if not self._switch(surface, bounds, variables, False):
            return False, None
        if not self.find_critical:
            return True, None
        st = self.state
        key = (st.expr, st.variables, st.bounds)
        if key in self.known:
            st.critical = list(self.known[key])
            return True, None
        return True, self._new_job("critical", partial(cached_critical_points, *key))

    def begin_pick(self, point: Sequence[float], isolated: bool = False) -> Job | None:
        """Move the point at once; None when it snapped, else the job that classifies it.

        isolated: a single pick (a click) rather than one of many (a slider drag).
        """
        p = as_point(point)
        self.jobs.pop("point", None)  # the previous pick's analysis is stale now
        if self._snap(p):
            self._update_working()
            return None
        st = self.state
        st.point, st.report, st.snapped = p, None, False
        if st.error.startswith("cannot analyse"):
            st.error = ""
        job = self._new_job("point", partial(analyze_point, st.expr, st.variables, p.copy()),
                            point=p)
        job.isolated = isolated
        return job

    def finish(self, job: Job, result: Any = None, error: BaseException | None = None) -> bool:
        """Apply a job's outcome; False (nothing changes) when the job is stale."""
        if self.jobs.get(job.kind) is not job:
            return False
        del self.jobs[job.kind]
        st = self.state
        if job.kind == "critical" and error is None:
            st.critical = list(result)
            if getattr(result, "complete", True):
                self._remember((st.expr, st.variables, st.bounds), st.critical)
            else:
                missed = "; ".join(getattr(result, "notes", ())) or "it ran out of time"
                st.warnings.append(f"the search for critical points was cut short ({missed}): "
                                   "some may be missing")
        elif job.kind == "critical":
            st.warnings.append(f"the critical points could not be found "
                               f"({short_reason(error)}); picks are not snapped")
        elif error is None:
            self._picked(job.point, result)
        else:
            self._failed_pick(job.point, error)
        self._update_working()
        return True

    def stop(self) -> bool:
        """Give up every running analysis (its outcome will be ignored); False if none ran."""
        return self._give_up(list(self.jobs.values()), "stopped")

    def expire(self, now: float | None = None) -> bool:
        """Give up the analyses running for job_timeout seconds or more; True if any."""
        now = self.clock() if now is None else now
        late = [job for job in self.jobs.values() if now - job.started >= self.job_timeout]
        return self._give_up(late, f"given up after {self.job_timeout:.0f} s")

    # -------------------------------------------------------------- helpers
    def _switch(self, surface: Any, bounds: Any, variables: Any, find_critical: bool) -> bool:
        try:
            state, scales = self._load(surface, variables, bounds, find_critical)
        except ValueError as exc:
            what = f"Your formula {surface!r} was not plotted" if isinstance(surface, str) \
                else "The surface was not changed"
            self.state.error = f"{what}: {exc}"
            return False
        self.jobs.clear()  # the old surface's analyses are stale now
        self.state, self.scales = state, scales
        return True

    def _remember(self, key: tuple, critical: list) -> None:
        """Keep a search's outcome (the oldest goes beyond KNOWN_SEARCHES)."""
        self.known.pop(key, None)
        self.known[key] = list(critical)
        while len(self.known) > KNOWN_SEARCHES:
            del self.known[next(iter(self.known))]

    def _snap(self, p: np.ndarray) -> bool:
        """Snap to a known critical point near p (True), clearing the notice."""
        self.state.notice = ""
        snapped = self.nearest_critical(p)
        if snapped is not None:
            self._picked(snapped.point.copy(), snapped, snapped=True)
        return snapped is not None

    def _picked(self, p: np.ndarray, report: PointReport, snapped: bool = False) -> None:
        st = self.state
        st.point, st.report, st.snapped = p, report, snapped
        if st.error.startswith("cannot analyse"):
            st.error = ""

    def _failed_pick(self, p: np.ndarray, exc: BaseException) -> str:
        st = self.state
        msg = _undefined_message(st, p, exc)
        st.point, st.report, st.snapped, st.error = p, None, False, msg
        return msg

    def _new_job(self, kind: str, run: Callable[[], Any],
                 point: np.ndarray | None = None) -> Job:
        self.generation += 1
        job = Job(kind=kind, generation=self.generation, run=run, started=self.clock(),
                  point=point)
        self.jobs[kind] = job
        self._update_working()
        return job

    def _update_working(self) -> None:
        self.state.working = " ".join(WORKING[k] for k in WORKING if k in self.jobs)

    def _give_up(self, jobs: list[Job], how: str) -> bool:
        """Drop these jobs and say what is missing because of it."""
        notes = []
        for job in jobs:
            del self.jobs[job.kind]
            if job.kind == "critical":
                notes.append(f"The search for critical points was {how}: none are marked "
                             "and picks are not snapped.")
            else:
                notes.append(f"The analysis of this point was {how}: pick another point.")
        if notes:
            self.state.notice = " ".join(notes)
            self._update_working()
        return bool(notes)

    def gd_path(self, start: Sequence[float] | None = None) -> np.ndarray:
        """Gradient-descent path from the point (lr: given, else 0.5 / typical max |λ|)."""
        st = self.state
        p0 = np.asarray(st.point if start is None else start, dtype=float)
        _, grad_fn, _ = compile_numeric(st.expr, st.variables)
        steps = self.gd_steps if self.gd_steps > 0 else GD_STEPS
        try:
            return gradient_descent(grad_fn, p0, self.gd_lr, steps)
        except ValueError:
            return p0[None, :]

    def gd_text(self) -> str:
        """One sentence on the gradient-descent path drawn from the point."""
        path = self.gd_path()
        lr = self.gd_lr
        steps = len(path) - 1
        if steps == 0:
            return f"Gradient descent (lr = {fmt(lr)}) diverges from here: no path is drawn."
        moved = float(np.linalg.norm(path[-1] - path[0]))
        if moved < 1e-9 * self.width:
            return (f"Gradient descent (white line, lr = {fmt(lr)}) does not move: g = 0 "
                    "here, so it stays on this critical point.")
        value_fn = compile_numeric(self.state.expr, self.state.variables)[0]
        with np.errstate(all="ignore"):
            value = float(value_fn(path[-1]))
        return (f"Gradient descent (white line, lr = {fmt(lr)}, {steps} steps) ends at "
                f"({fmt_point(path[-1])}) with L = {fmt(value)}.")
