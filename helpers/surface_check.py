"""Scan a loss on a grid: where is it undefined, infinite, not real or not smooth?

``check_surface(expr, variables, bounds)`` samples an n×n grid of the region and reports, in
words a student understands, so a picture never silently hides NaNs. The places where the
loss may not be smooth are the kinks of :func:`~helpers.symbolic.kink_arguments` (abs,
non-integer powers, …) and its singularities: log of a non-positive number, a division by
something that can be 0, the poles of tan.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from helpers.deadline import Deadline, run_within
from helpers.symbolic import check_inputs, default_time_limit, kink_arguments, value_within


@dataclass
class SurfaceCheck:
    """What a grid scan found: ``ok`` is False when any region is undefined or singular."""

    ok: bool
    issues: list[str] = field(default_factory=list)
    undefined_fraction: float = 0.0  # share of grid points where L is NaN, complex or infinite
    nondifferentiable: bool = False  # True when the gradient or Hessian fails somewhere


def _is_constant(e: sp.Expr) -> bool:
    return not e.free_symbols


def _fmt_point(names: Sequence[str], values: Sequence[float]) -> str:
    return "(" + ", ".join(f"{n} = {v:.3g}" for n, v in zip(names, values, strict=True)) + ")"


def _grid(bounds: Sequence[tuple[float, float]], n: int) -> list[np.ndarray]:
    axes = [np.linspace(float(lo), float(hi), n) for lo, hi in bounds]
    return list(np.meshgrid(*axes, indexing="xy"))


def _eval_on(expr: sp.Expr, variables: tuple[sp.Symbol, ...], grid: list[np.ndarray],
             seconds: float = np.inf) -> np.ndarray:
    """Evaluate expr on the grid as float (NaN where it is undefined), silencing numpy."""
    value_fn = value_within(expr, variables, seconds)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return value_fn(np.array(grid))


def _zero_crossing(values: np.ndarray) -> bool:
    """True when a sampled quantity is 0 or changes sign on the grid."""
    finite = values[np.isfinite(values)]
    return bool(finite.size > 0 and (np.any(finite == 0) or finite.min() < 0 < finite.max()))


def _singularity(node: sp.Basic) -> tuple[sp.Expr, str] | None:
    """(u, what) when node is undefined or infinite where u = 0 (or u ≤ 0 for log)."""
    if isinstance(node, sp.log):
        return node.args[0], "log(·) needs a positive argument"
    if (isinstance(node, sp.Pow) and not _is_constant(node.base) and node.exp.is_Number
            and node.exp < 0):
        return node.base, "a division by a quantity that can be 0"
    if isinstance(node, sp.tan):
        return sp.cos(node.args[0]), "tan(·) has poles where cos(·) = 0"
    return None


def _kink_words(source: sp.Expr, arg: sp.Expr, label: str) -> str:
    """What a kink of the loss is, in words."""
    if isinstance(source, sp.Abs):
        return "abs(·) has a kink where its argument is 0"
    if isinstance(source, sp.Pow):
        return f"a power ^{source.exp} that is not smooth where its base is ≤ 0"
    return f"{label} is not smooth where {sp.sstr(arg)} = 0"


def _trouble_spots(expr: sp.Expr) -> Iterator[tuple[sp.Expr, sp.Expr, str]]:
    """(node, u, what) for each place of expr that fails where u = 0, in the tree's order."""
    kinks: dict[sp.Expr, list] = {}
    for kink in kink_arguments(expr):
        kinks.setdefault(kink.source, []).append(kink)
    for node in sp.preorder_traversal(expr):
        spot = _singularity(node)
        if spot is not None:
            if not _is_constant(spot[0]):
                yield node, *spot
            continue
        for kink in kinks.get(node, ()):
            yield node, kink.arg, _kink_words(node, kink.arg, kink.label)


def _rough_places(expr: sp.Expr, variables: tuple[sp.Symbol, ...],
                  grid: list[np.ndarray], issues: list[str]) -> None:
    """Append one sentence per kink or singularity that the region contains."""
    names = [v.name for v in variables]
    seen: set[str] = set()
    for node, arg, what in _trouble_spots(expr):
        key = f"{what}: {sp.sstr(node)}"
        if key in seen:
            continue
        sampled = _eval_on(arg, variables, grid)
        finite = sampled[np.isfinite(sampled)]
        if finite.size == 0:
            continue
        if _zero_crossing(finite) or (what.startswith("log") and finite.min() <= 0):
            seen.add(key)
            k = int(np.argmin(np.where(np.isfinite(sampled), np.abs(sampled), np.inf)))
            where = _fmt_point(names, [g.flat[k] for g in grid])
            issues.append(f"{what} ({sp.sstr(node)}, near {where}): the gradient and the "
                          "Hessian are not defined there.")


def check_surface(
    expr: sp.Expr,
    variables: Sequence[sp.Symbol],
    bounds: Sequence[tuple[float, float]],
    n: int = 101,
    *,
    time_limit: float | None = None,
) -> SurfaceCheck:
    """Scan an n×n grid of the region: where is L undefined, infinite, not real or not smooth?

    Variables are matched to the loss by name. The scan takes at most about ``time_limit``
    seconds (default 3); a scan for kinks cut short says so among the issues.
    """
    expr, variables = check_inputs(expr, variables)
    deadline = Deadline.after(time_limit or default_time_limit())
    grid = _grid(bounds, n)
    values = _eval_on(expr, variables, grid, deadline.remaining())
    bad = ~np.isfinite(values)
    issues: list[str] = []
    if bad.any():
        k = np.flatnonzero(bad)[0]
        where = _fmt_point([v.name for v in variables], [g.flat[k] for g in grid])
        issues.append(f"L is undefined, not real or infinite on {bad.mean():.0%} of the region "
                      f"(e.g. at {where}); those points are left blank (grey) in the picture.")
    rough: list[str] = []
    if run_within(deadline.remaining(), _rough_places, expr, variables, grid, rough)[1]:
        rough.append("The search for kinks and singularities took too long and was cut short: "
                     "there may be more places where the gradient is not defined.")
    return SurfaceCheck(ok=not (issues or rough), issues=issues + rough,
                        undefined_fraction=float(bad.mean()), nondifferentiable=bool(rough))
