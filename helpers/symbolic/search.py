"""Every critical point in a box: exact solutions, kink candidates and multi-start Newton."""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import time
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import sympy as sp

from helpers.deadline import Deadline, run_within
from helpers.spectrum import EIG_TOL
from helpers.symbolic.calculus import check_inputs, compile_numeric
from helpers.symbolic.classify import analyze_point, check_time_limit
from helpers.symbolic.families import CriticalFamily, group_branches, make_family
from helpers.symbolic.points import snap_rational
from helpers.symbolic.report import GRAD_TOL, KINDS, PointReport
from helpers.symbolic.solver import ExactJob

SOLVE_TIMEOUT = 2.0  # seconds sympy.solve may take before the numeric search alone decides
_SOLVE_SHARE = 2 / 3  # of time_limit, at most, for the exact solve
_WORK_SHARE = 0.9  # of time_limit: analyses start until then at full speed ...
_GRACE = 0.1  # ... and, with the minimum share each, for this much longer
_MIN_SHARE = 0.05  # of time_limit: the least time one analysis gets
_KIND_ORDER = {k: i for i, k in enumerate(KINDS)}


def _newton_search(expr, vars_, lo: np.ndarray, hi: np.ndarray, n_starts: int,
                   iters: int = 80) -> np.ndarray:
    """Multi-start Newton on ∇f = 0 from a grid over the box; returns converged points."""
    n = len(vars_)
    _, grad_fn, hess_fn = compile_numeric(expr, vars_)
    per = max(3, round(n_starts ** (1 / n)))
    axes = [np.linspace(a, b, per) for a, b in zip(lo, hi, strict=True)]
    x = np.array(np.meshgrid(*axes, indexing="ij")).reshape(n, -1)  # (n, m)
    width = hi - lo
    max_step = 0.25 * float(np.linalg.norm(width))
    with np.errstate(all="ignore"):
        for _ in range(iters):
            g = grad_fn(x)  # (n, m)
            H = hess_fn(x)  # (n, n, m)
            Hm = np.moveaxis(H, -1, 0)
            good = np.all(np.isfinite(Hm), axis=(1, 2)) & np.all(np.isfinite(g), axis=0)
            Hm[~good] = np.eye(n)
            step = -np.einsum("mij,mj->mi", np.linalg.pinv(Hm, rcond=1e-12, hermitian=True),
                              np.where(good, g, 0.0).T).T
            length = np.linalg.norm(step, axis=0)
            scale = np.minimum(1.0, max_step / np.maximum(length, 1e-300))
            x = x + step * scale
            x[:, ~good] = np.nan
        gnorm = np.linalg.norm(grad_fn(x), axis=0)
    ok = np.all(np.isfinite(x), axis=0) & np.isfinite(gnorm)
    slack = 1e-9 * np.maximum(1.0, width)
    inside = np.all((x >= (lo - slack)[:, None]) & (x <= (hi + slack)[:, None]), axis=0)
    keep = ok & inside
    order = np.argsort(gnorm[keep], kind="stable")  # best converged first
    return x[:, keep].T[order]


def _nearly_critical(expr, vars_, pts: np.ndarray, grad_tol: float) -> np.ndarray:
    """Newton end points whose gradient is within 100× the report tolerance of zero.

    Points where Newton stalled (a singular Hessian far from any critical point, as on the
    cone sqrt(x² + y²)) are dropped here, before the costly exact snapping and analysis.
    """
    if len(pts) == 0:
        return pts
    value_fn, grad_fn, hess_fn = compile_numeric(expr, vars_)
    x = pts.T
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fv = np.abs(value_fn(x))
        g = np.linalg.norm(grad_fn(x), axis=0)
        H = np.moveaxis(hess_fn(x), -1, 0)
        hn = np.where(np.all(np.isfinite(H), axis=(1, 2)),
                      np.linalg.norm(np.nan_to_num(H), ord=2, axis=(1, 2)), np.inf)
        scale = np.maximum(1.0, np.maximum(fv, hn * np.linalg.norm(x, axis=0)))
        keep = np.isfinite(g) & (g <= 100 * grad_tol * scale)
    return pts[keep]


def _newton_points_found(expr: sp.Expr, vars_: tuple[sp.Symbol, ...], lo: np.ndarray,
                         hi: np.ndarray, n_starts: int, grad_tol: float) -> np.ndarray:
    """The nearly critical end points of _newton_search."""
    return _nearly_critical(expr, vars_, _newton_search(expr, vars_, lo, hi, n_starts), grad_tol)


def _dedup(points: np.ndarray, tol: float) -> list[np.ndarray]:
    """Greedy: keep a point unless one already kept lies within tol (input best-first)."""
    kept = np.empty((len(points), points.shape[1] if points.ndim == 2 else 0))
    k = 0
    for p in points:
        if k == 0 or np.sqrt(np.min(np.sum((kept[:k] - p) ** 2, axis=1))) > tol:
            kept[k] = p
            k += 1
    return list(kept[:k])


class CriticalPoints(list):
    """The list critical_points returns; ``complete`` is False when time_limit cut it short.

    ``notes`` says what was not done (e.g. "the exact solve of ∇f = 0 took too long"; that
    one alone, after the solve's own ``timeout``, leaves the answer complete: the numeric
    search then decides, as it always has).
    """

    complete: bool = True
    notes: tuple[str, ...] = ()


def critical_points(f: Any, variables: Sequence[sp.Symbol],
                    bounds: Sequence[tuple[float, float]], *, timeout: float = SOLVE_TIMEOUT,
                    n_starts: int = 900, grad_tol: float = GRAD_TOL, eig_tol: float = EIG_TOL,
                    dedup_tol: float = 1e-6, time_limit: float | None = None) -> CriticalPoints:
    """Every real critical point of ``f`` inside ``bounds`` (one (low, high) per variable).

    1. ``sympy.solve`` on ∇f = 0, in a child process killed after ``timeout`` seconds (in
       this process, stopped after as long, where no child process can be started).
       Simple exact solutions are analysed exactly; solutions with free variables become a
       :class:`CriticalFamily` (with its equation); messy radicals are turned into numbers.
    2. Always also: multi-start Newton on ∇f = 0 (pseudo-inverse of the Hessian, steps capped
       at a quarter of the box diagonal) from a grid of about ``n_starts`` points, because
       ``sympy.solve`` can silently miss solutions. Converged points inside the box are
       refined, snapped to a simple rational when that point is exactly critical, and merged;
       two points closer than ``dedup_tol``·max(1, box diameter) are the same point.
       Coordinates of isolated nondegenerate points are accurate to ~1e-12.
    3. Non-smooth f (abs, sqrt(u), …): points ON a kink where f restricted to the kink is
       stationary (Lagrange: ∇f_r = μ∇u, u = 0; solved like step 1) are candidates too; they
       come back with kind "undetermined" (no Hessian there) and a resolved_kind from a sign
       proof, e.g. the origin of |x| + y² or of sqrt(x² + y²), the axes of |x·y|. Other
       kink points are not searched for.
    Families whose explicit branches trace one factor of gcd(∂f/∂v) of a polynomial f come
    back as ONE family with that implicit equation (x² + y² = 1, not y = ±sqrt(1 − x²)).
    Isolated points come first, sorted by kind then coordinates; then families.

    Time bound: the whole call takes about ``time_limit`` seconds at most (default 3, or
    ``$HELPERS_TIME_LIMIT``); the exact solve gets at most two thirds of it and runs while
    the numeric search does. What did not finish in time is left out or left "undetermined";
    the returned list then has ``complete = False`` and ``notes`` saying what is missing.
    """
    expr, vars_ = check_inputs(f, variables)
    box = _check_bounds(bounds, len(vars_))
    limit = check_time_limit(time_limit)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout >= 0:
        raise ValueError(f"timeout must be a number of seconds >= 0, got {timeout!r}")
    search = _Search(expr, vars_, box, grad_tol, eig_tol, limit)
    job = ExactJob(expr, vars_, min(float(timeout), _SOLVE_SHARE * limit),
                   cut_short=float(timeout) > _SOLVE_SHARE * limit)
    try:
        newton = search.newton(n_starts, alone=job.in_child)
        sols = search.exact(job)
    finally:
        job.close()
    found = _Found(box, dedup_tol * max(1.0, float(np.linalg.norm(box[:, 1] - box[:, 0]))),
                   search.families([sol for sol in sols if len(sol) < len(vars_)]))
    for coords in ([sol[v] for v in vars_] for sol in sols if len(sol) == len(vars_)):
        search.add_exact(found, coords)
    for point in _newton_points(newton, found, search):
        search.add(found, point)
    return search.result(found.in_order())


_MEMORY: collections.OrderedDict = collections.OrderedDict()  # the last 32 complete answers


def cached_critical_points(f: Any, variables: Sequence[sp.Symbol],
                           bounds: Sequence[tuple[float, float]]) -> CriticalPoints:
    """critical_points with its default settings, remembered for the last 32 questions.

    An answer whose time ran out (``complete`` False) is not remembered: asked again, the
    search runs again.
    """
    expr, vars_ = check_inputs(f, variables)
    box = _check_bounds(bounds, len(vars_))
    key = (expr, vars_, tuple(tuple(pair) for pair in box.tolist()))
    if key not in _MEMORY:
        found = critical_points(expr, vars_, box)
        if not found.complete:
            return found
        _MEMORY[key] = found
        while len(_MEMORY) > 32:
            _MEMORY.popitem(last=False)
    _MEMORY.move_to_end(key)
    return _copy(_MEMORY[key])


def _copy(found: CriticalPoints) -> CriticalPoints:
    """A new list with the same items, ``complete`` and ``notes``."""
    out = CriticalPoints(found)
    out.complete, out.notes = found.complete, found.notes
    return out


def _check_bounds(bounds: Any, n: int) -> np.ndarray:
    """bounds as an (n, 2) float array of (low, high) rows with low < high."""
    try:
        box = np.array(bounds, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError("bounds must be one (low, high) pair of numbers per variable") from exc
    if box.shape != (n, 2) or not np.all(np.isfinite(box)) or np.any(box[:, 0] >= box[:, 1]):
        raise ValueError(f"bounds must be {n} pairs (low, high) with low < high, "
                         f"e.g. {[(-2, 2)] * n}")
    return box


def _simple_inside(coords: list[sp.Expr], box: np.ndarray) -> bool:
    """True for real coordinates short enough to analyse exactly, inside the box."""
    try:
        return _simple_and_inside(coords, box)
    except Exception:  # noqa: BLE001 - coordinates sympy cannot evaluate: numeric search
        return False


def _simple_and_inside(coords: list[sp.Expr], box: np.ndarray) -> bool:
    """_simple_inside without the guard."""
    if not all(c.is_real and sp.count_ops(c) <= 25 and not c.has(sp.I) for c in coords):
        return False
    num = np.array([float(c) for c in coords])
    return bool(np.all((num >= box[:, 0]) & (num <= box[:, 1])))


def _newton_points(points: np.ndarray, found: _Found, search: _Search) -> Iterator[Any]:
    """Distinct nearly critical Newton end points on no family, best first, snapped if exact.

    Round-off zeros become 0; a point whose simple rational neighbour is exactly critical
    comes as that rational point.
    """
    tiny = 1e-14 * max(1.0, float(np.max(np.abs(found.box))))
    for p in _dedup(points, found.tol):
        p = np.where(np.abs(p) < tiny, 0.0, p)
        if search.late():
            continue
        if not found.on_family(p):
            snapped = search.snap(p)
            yield snapped if snapped is not None else p


@dataclasses.dataclass
class _Search:
    """One critical-point search: the problem, its deadline and what ran out of time."""

    expr: sp.Expr
    vars_: tuple[sp.Symbol, ...]
    box: np.ndarray
    grad_tol: float
    eig_tol: float
    limit: float
    notes: list[str] = dataclasses.field(default_factory=list)  # what time_limit cut short
    remarks: list[str] = dataclasses.field(default_factory=list)  # e.g. solve over `timeout`
    skipped: int = 0

    def __post_init__(self) -> None:
        self.deadline = Deadline.after(_WORK_SHARE * self.limit)

    def _left(self, reserve: float = 0.0) -> float:
        """Seconds to the deadline minus reserve·limit, at least the minimum share."""
        return max(self.deadline.remaining() - reserve * self.limit, _MIN_SHARE * self.limit)

    def newton(self, n_starts: int, alone: bool) -> np.ndarray:
        """Nearly critical end points of multi-start Newton (none if it takes too long).

        ``alone``: the exact solve runs meanwhile in a child process; otherwise half the time
        is left for it.
        """
        points = np.empty((0, len(self.vars_)))
        lo, hi = self.box[:, 0], self.box[:, 1]
        seconds = self._left(0.2) if alone else 0.5 * self.deadline.remaining()
        points, timed_out = run_within(seconds, _newton_points_found, self.expr, self.vars_, lo,
                                       hi, n_starts, self.grad_tol, default=points)
        if timed_out:
            self.notes.append("the numeric search took too long")
        return points

    def exact(self, job: ExactJob) -> list[dict]:
        """The exact candidates the job found in its time."""
        budget = self._left(0.2)
        clipped = time.monotonic() + budget < job.end  # cut by time_limit, not by timeout
        sols, complete = job.collect(budget)
        if job.requested and not complete:
            text = ("the exact solve of ∇f = 0 took too long: the points come from the numeric "
                    "search")
            (self.notes if clipped or job.cut_short else self.remarks).append(text)
        return sols

    def families(self, family_sols: list[dict]) -> list[CriticalFamily]:
        """The families of the solutions with free variables (branches of one curve grouped)."""
        families: list[CriticalFamily] = []
        if not family_sols:
            return families

        def make_all() -> None:
            for group, implicit in group_branches(self.expr, self.vars_, family_sols):
                with contextlib.suppress(Exception):  # a family sympy cannot sample is left out
                    fam = make_family(self.expr, self.vars_, group, self.box, self.grad_tol,
                                      self.eig_tol, implicit=implicit)
                    if fam is not None:
                        families.append(fam)

        if run_within(self._left(0.1), make_all)[1]:
            self.notes.append("a family of critical points was not finished in time")
        return families

    def analyze(self, point: Any) -> PointReport:
        """analyze_point with the time that is left (at least the minimum share)."""
        return analyze_point(self.expr, self.vars_, point, grad_tol=self.grad_tol,
                             eig_tol=self.eig_tol, time_limit=self._left())

    def snap(self, p: np.ndarray) -> list[sp.Rational] | None:
        """snap_rational, or None when it does not finish in time."""
        return run_within(self._left(), snap_rational, self.expr, self.vars_, p)[0]

    def add_exact(self, found: _Found, coords: list[sp.Expr]) -> None:
        """Analyse an exact solution when it is simple and inside the box."""
        if self.late():
            return
        inside = run_within(self._left(), _simple_inside, coords, self.box, default=False)[0]
        if inside:
            with contextlib.suppress(Exception):  # messy, complex or undefined: numeric search
                found.add(self.analyze(coords))

    def add(self, found: _Found, point: Any) -> None:
        """Analyse a Newton point (one where f is undefined is left out)."""
        if not self.late():
            with contextlib.suppress(ValueError):
                found.add(self.analyze(point))

    def late(self) -> bool:
        """True (and counted) once the deadline and its grace period have passed."""
        if time.monotonic() < self.deadline.at + _GRACE * self.limit:
            return False
        self.skipped += 1
        return True

    def result(self, items: list) -> CriticalPoints:
        """The answer, with what ran out of time."""
        notes = list(self.notes)
        if self.skipped:
            notes.append(f"{self.skipped} candidate point{'s were' if self.skipped > 1 else ' was'}"
                         " not analysed in time")
        out = CriticalPoints(items)
        out.complete, out.notes = not notes, tuple(notes + self.remarks)
        return out


@dataclasses.dataclass
class _Found:
    """Isolated critical points found so far: inside the box, distinct, on no family."""

    box: np.ndarray
    tol: float
    families: list[CriticalFamily]
    reports: list[PointReport] = dataclasses.field(default_factory=list)

    def add(self, rep: PointReport) -> None:
        """Keep rep unless it is not critical, outside the box, already found or on a family."""
        lo, hi = self.box[:, 0], self.box[:, 1]
        if rep.kind == "not critical":
            return
        if not np.all((rep.point >= lo - 1e-12) & (rep.point <= hi + 1e-12)):
            return
        if any(np.linalg.norm(rep.point - q.point) <= self.tol for q in self.reports):
            return
        if self.on_family(rep.point):
            return
        self.reports.append(rep)

    def on_family(self, point: np.ndarray) -> bool:
        """True when point lies on one of the families."""
        return any(fam.contains(point) for fam in self.families)

    def in_order(self) -> list[PointReport | CriticalFamily]:
        """Points sorted by kind then coordinates, then families sorted by kind and equation."""
        points = sorted(self.reports, key=lambda r: (_KIND_ORDER[r.kind],
                                                     tuple(np.round(r.point, 9))))
        families = sorted(self.families, key=lambda fam: (_KIND_ORDER.get(fam.kind, 9),
                                                          str(fam.equation)))
        return points + families
