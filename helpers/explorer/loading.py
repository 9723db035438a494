"""The explorer's state and how a surface is loaded into it: no figure, no widget.

:class:`ExplorerState` is everything the view shows. :func:`load_surface` turns a course
surface, a student's formula (parsed by :func:`~helpers.parsing.parse_loss`) or a sympy
expression into a state: checked bounds, warnings, scales, and (optionally) the critical points.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy as sp

from helpers.parsing import parse_loss
from helpers.surface_check import check_surface
from helpers.surfaces import SURFACES, Surface
from helpers.symbolic import (
    CriticalFamily,
    PointReport,
    cached_critical_points,
    compile_numeric,
)

CUSTOM = "custom"
MENU_FIRST = ("lecture", "x2-y2", "monkey", "himmelblau", "six-hump camel", "rosenbrock")
MENU_NAMES = {
    "lecture": "lecture network (1 − w₁w₂)²",
    "x2-y2": "saddle x² − y²",
    "x2+y2": "bowl x² + y²",
    "-x2-y2": "cap −x² − y²",
    "monkey": "monkey saddle x³ − 3xy²",
    "himmelblau": "Himmelblau",
    "six-hump camel": "six-hump camel",
    "rosenbrock": "Rosenbrock",
    "x3+y2": "degenerate x³ + y²",
    "x4+y4": "degenerate x⁴ + y⁴",
}
DEFAULT_BOUNDS = ((-2.0, 2.0), (-2.0, 2.0))
GD_STEPS = 200  # gradient-descent steps: the widget's switch, and gd_path when gd_steps is 0


@dataclass
class ExplorerState:
    """Everything the view shows; tests read it directly."""

    name: str  # key of SURFACES, or "custom"
    label: str  # LaTeX of the loss (no dollars)
    expr: sp.Expr
    variables: tuple[sp.Symbol, ...]
    bounds: tuple[tuple[float, float], ...]
    formula: str = ""  # the text of a custom formula
    point: np.ndarray | None = None
    report: PointReport | None = None
    snapped: bool = False  # True when the last pick snapped to a known critical point
    error: str = ""  # last rejected formula or failed pick, shown in the panel
    warnings: list[str] = field(default_factory=list)  # from check_surface / critical search
    critical: list[PointReport | CriticalFamily] = field(default_factory=list)
    working: str = ""  # what a background analysis is doing now ("" when idle)
    notice: str = ""  # an analysis that was stopped or given up, until the next action


@dataclass(frozen=True)
class Scales:
    """Typical |g|, |λ| and large |λ| over the region: arrow lengths and the GD step."""

    g_ref: float = 1.0
    lam_ref: float = 1.0
    lam_big: float = 1.0


def fmt(v: float) -> str:
    """A number in 4 significant digits, and 0 for anything below 5e-13."""
    v = float(v)
    if v == 0 or abs(v) < 5e-13:
        return "0"
    return f"{v:.4g}"


def fmt_point(values: Sequence[float]) -> str:
    """Coordinates as '1.5, -0.25' (fmt each)."""
    return ", ".join(fmt(c) for c in values)


def check_snap_radius(snap_radius: float) -> float:
    """The snap radius as a float (a fraction of the view's width in [0, 0.5))."""
    if not 0 <= snap_radius < 0.5:
        raise ValueError("snap_radius is a fraction of the view's width, between 0 and 0.5")
    return float(snap_radius)


def as_point(point: Sequence[float]) -> np.ndarray:
    """The point as two finite floats (or ValueError)."""
    p = np.asarray(point, dtype=float).reshape(-1)
    if p.shape != (2,) or not np.all(np.isfinite(p)):
        raise ValueError("point must be two finite numbers, e.g. (0.5, -1.0)")
    return p


# ------------------------------------------------------------------ loading a surface
def _as_symbols(names: Sequence[sp.Symbol | str]) -> tuple[sp.Symbol, ...]:
    return tuple(v if isinstance(v, sp.Symbol) else sp.Symbol(str(v), real=True) for v in names)


def _source(f: Any, variables: Any, custom_variables: tuple) -> tuple:
    """(name, label, expr, variables, default bounds, formula) of a surface, formula or expr."""
    if isinstance(f, str) and f in SURFACES:
        f = SURFACES[f]
    if isinstance(f, Surface):
        return f.name, f.label, f.expr, f.variables, f.bounds, ""
    if isinstance(f, str):
        vars_ = tuple(variables) if variables is not None else custom_variables
        expr = parse_loss(f, vars_)
        return CUSTOM, sp.latex(expr), expr, _as_symbols(vars_), DEFAULT_BOUNDS, f
    if isinstance(f, sp.Expr):
        if variables is None:
            raise ValueError("give the variables of the expression, e.g. (x, y)")
        return CUSTOM, sp.latex(f), f, tuple(variables), DEFAULT_BOUNDS, ""
    raise ValueError("f must be a surface name, a Surface, a formula or a sympy "
                     f"expression, not {type(f).__name__}")


def _checked_bounds(box: Any) -> tuple[tuple[float, float], ...]:
    """Two finite (low, high) pairs with low < high, as floats (or ValueError)."""
    try:
        box = tuple((float(lo), float(hi)) for lo, hi in box)
    except (TypeError, ValueError) as exc:
        raise ValueError("bounds must be two (low, high) pairs") from exc
    if len(box) != 2 or not all(math.isfinite(a) and math.isfinite(b) and a < b
                                for a, b in box):
        raise ValueError("bounds must be two finite (low, high) pairs with low < high")
    return box


def _check_free_symbols(expr: sp.Expr, vars_: tuple) -> None:
    """The loss depends on its variables only (or ValueError)."""
    extra = expr.free_symbols - set(vars_)
    if extra:
        raise ValueError(f"the loss depends on {sorted(map(str, extra))}, not only on "
                         f"{[str(v) for v in vars_]}")


def find_critical_points(state: ExplorerState) -> list[PointReport | CriticalFamily]:
    """The critical points in the view (a warning and none when the search fails)."""
    try:
        return cached_critical_points(state.expr, state.variables, state.bounds)
    except Exception as exc:  # noqa: BLE001 - a formula may defeat the search
        state.warnings.append(f"the critical points could not be found ({exc}); "
                              "picks are not snapped")
        return []


def surface_scales(expr: sp.Expr, variables: tuple, bounds: tuple) -> Scales:
    """Median |g|, median and 95th percentile of max |λ| on a 31×31 grid of the region."""
    (x0, x1), (y0, y1) = bounds
    xs, ys = np.meshgrid(np.linspace(x0, x1, 31), np.linspace(y0, y1, 31))
    pts = np.array([xs.ravel(), ys.ravel()])
    _, grad_fn, hess_fn = compile_numeric(expr, variables)
    with np.errstate(all="ignore"):
        g = np.linalg.norm(grad_fn(pts), axis=0)
        H = np.moveaxis(hess_fn(pts), -1, 0)
        ok = np.all(np.isfinite(H), axis=(1, 2))
        lam = np.abs(np.linalg.eigvalsh(H[ok])).max(axis=1) if ok.any() else np.ones(1)
    g = g[np.isfinite(g) & (g > 0)]
    lam = lam[np.isfinite(lam) & (lam > 0)]
    return Scales(g_ref=float(np.median(g)) if g.size else 1.0,
                  lam_ref=float(np.median(lam)) if lam.size else 1.0,
                  lam_big=float(np.percentile(lam, 95)) if lam.size else 1.0)


def load_surface(f: Any, variables: Any, bounds: Any, *, custom_variables: tuple = ("x", "y"),
                 find_critical: bool = True) -> tuple[ExplorerState, Scales]:
    """The state and scales of a surface (raises ValueError for a bad one)."""
    name, label, expr, vars_, box, formula = _source(f, variables, custom_variables)
    if bounds is not None:
        box = bounds
    if len(vars_) != 2:
        raise ValueError("the explorer shows functions of exactly two variables")
    box = _checked_bounds(box)
    _check_free_symbols(expr, vars_)
    state = ExplorerState(name=name, label=label, expr=expr, variables=tuple(vars_),
                          bounds=box, formula=formula)
    check = check_surface(expr, vars_, box, n=61)
    state.warnings = list(check.issues)
    if check.undefined_fraction > 0.999:
        raise ValueError("the loss is not defined anywhere in the region "
                         f"{box}: choose another formula or region")
    if find_critical:  # analyze_point handles kinks itself (kind "undetermined")
        state.critical = find_critical_points(state)
    return state, surface_scales(expr, state.variables, box)
