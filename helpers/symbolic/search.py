"""Every critical point in a box: exact solutions, kink candidates and multi-start Newton."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import sympy as sp

from helpers.spectrum import EIG_TOL
from helpers.symbolic.calculus import check_inputs, compile_numeric, kink_arguments
from helpers.symbolic.classify import analyze_point
from helpers.symbolic.families import CriticalFamily, group_branches, make_family
from helpers.symbolic.points import snap_rational
from helpers.symbolic.report import GRAD_TOL, KINDS, PointReport
from helpers.symbolic.solver import exact_solutions, kink_solutions

SOLVE_TIMEOUT = 2.0  # seconds sympy.solve may take before the numeric search alone decides
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


def _dedup(points: np.ndarray, tol: float) -> list[np.ndarray]:
    """Greedy: keep a point unless one already kept lies within tol (input best-first)."""
    kept: list[np.ndarray] = []
    for p in points:
        if all(np.linalg.norm(p - q) > tol for q in kept):
            kept.append(p)
    return kept


def critical_points(f: Any, variables: Sequence[sp.Symbol],
                    bounds: Sequence[tuple[float, float]], *, timeout: float = SOLVE_TIMEOUT,
                    n_starts: int = 900, grad_tol: float = GRAD_TOL, eig_tol: float = EIG_TOL,
                    dedup_tol: float = 1e-6) -> list[PointReport | CriticalFamily]:
    """Every real critical point of ``f`` inside ``bounds`` (one (low, high) per variable).

    1. ``sympy.solve`` on ∇f = 0, in a forked process killed after ``timeout`` seconds.
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
    """
    expr, vars_ = check_inputs(f, variables)
    box = _check_bounds(bounds, len(vars_))

    def analyze(point: Any) -> PointReport:
        return analyze_point(expr, vars_, point, grad_tol=grad_tol, eig_tol=eig_tol)

    sols = _exact_candidates(expr, vars_, timeout)
    families = _families(expr, vars_, [sol for sol in sols if len(sol) < len(vars_)], box,
                         grad_tol, eig_tol)
    found = _Found(box, dedup_tol * max(1.0, float(np.linalg.norm(box[:, 1] - box[:, 0]))),
                   families)
    for coords in ([sol[v] for v in vars_] for sol in sols if len(sol) == len(vars_)):
        with contextlib.suppress(Exception):  # messy, complex or undefined: numeric search
            if _simple_inside(coords, box):
                found.add(analyze(coords))
    for point in _newton_points(expr, vars_, box, n_starts, grad_tol, found):
        with contextlib.suppress(ValueError):  # e.g. f undefined at the converged point
            found.add(analyze(point))
    return found.in_order()


@functools.lru_cache(maxsize=32)
def _remembered(expr: sp.Expr, vars_: tuple[sp.Symbol, ...],
                bounds: tuple[tuple[float, float], ...]) -> tuple:
    return tuple(critical_points(expr, vars_, bounds))


def cached_critical_points(f: Any, variables: Sequence[sp.Symbol],
                           bounds: Sequence[tuple[float, float]]
                           ) -> list[PointReport | CriticalFamily]:
    """critical_points with its default settings, remembered for the last 32 questions."""
    expr, vars_ = check_inputs(f, variables)
    box = _check_bounds(bounds, len(vars_))
    return list(_remembered(expr, vars_, tuple(tuple(pair) for pair in box.tolist())))


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


def _exact_candidates(expr: sp.Expr, vars_: tuple[sp.Symbol, ...],
                      timeout: float) -> list[dict]:
    """sympy's solutions of ∇f = 0, then the candidates on kinks that are not among them."""
    sols = [sol for sol in (exact_solutions(expr, vars_, timeout) or [])
            if isinstance(sol, dict) and set(sol) <= set(vars_)]
    if kink_arguments(expr):
        sols += [sol for sol in kink_solutions(expr, vars_, timeout) if sol not in sols]
    return sols


def _families(expr: sp.Expr, vars_: tuple[sp.Symbol, ...], family_sols: list[dict],
              box: np.ndarray, grad_tol: float, eig_tol: float) -> list[CriticalFamily]:
    """The families of the solutions with free variables (branches of one curve grouped)."""
    families = []
    for group, implicit in group_branches(expr, vars_, family_sols):
        with contextlib.suppress(Exception):  # a family sympy cannot sample is left out
            fam = make_family(expr, vars_, group, box, grad_tol, eig_tol, implicit=implicit)
            if fam is not None:
                families.append(fam)
    return families


def _simple_inside(coords: list[sp.Expr], box: np.ndarray) -> bool:
    """True for real coordinates short enough to analyse exactly, inside the box."""
    if not all(c.is_real and sp.count_ops(c) <= 25 and not c.has(sp.I) for c in coords):
        return False
    num = np.array([float(c) for c in coords])
    return bool(np.all((num >= box[:, 0]) & (num <= box[:, 1])))


def _newton_points(expr: sp.Expr, vars_: tuple[sp.Symbol, ...], box: np.ndarray,
                   n_starts: int, grad_tol: float, found: _Found) -> Iterator[Any]:
    """Distinct nearly critical Newton end points on no family, best first, snapped if exact.

    Round-off zeros become 0; a point whose simple rational neighbour is exactly critical
    comes as that rational point.
    """
    lo, hi = box[:, 0], box[:, 1]
    points = _nearly_critical(expr, vars_, _newton_search(expr, vars_, lo, hi, n_starts),
                              grad_tol)
    tiny = 1e-14 * max(1.0, float(np.max(np.abs(box))))
    for p in _dedup(points, found.tol):
        p = np.where(np.abs(p) < tiny, 0.0, p)
        if not found.on_family(p):
            snapped = snap_rational(expr, vars_, p)
            yield snapped if snapped is not None else p


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
