"""Shared plot helpers: contour maps of a loss, critical points by kind, a probe of one point.

Every plotting function takes ``ax=None`` (a new figure is made) and returns the axes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import sympy as sp

from helpers.style import KIND_COLORS, KIND_MARKERS, LOSS_CMAP
from helpers.symbolic import CriticalFamily, PointReport, check_inputs, compile_numeric


def _axes(ax: Any) -> Any:
    """The given axes, or the axes of a new figure."""
    if ax is None:
        _, ax = plt.subplots()
    return ax


def _name(v: sp.Symbol) -> str:
    """A variable as an axis label (LaTeX)."""
    return f"${sp.latex(v)}$"


def frame_axes(ax: Any, names: Sequence[str], bounds: Sequence[tuple[float, float]]) -> Any:
    """Label a map's axes, fix its limits to the box and square its aspect; returns the axes."""
    ax.set_xlabel(names[0])
    ax.set_ylabel(names[1])
    ax.set_xlim(bounds[0])
    ax.set_ylim(bounds[1])
    ax.set_aspect("equal", adjustable="box")
    ax.grid(False)
    return ax


def box_grid(bounds: Sequence[tuple[float, float]], n: int) -> tuple[np.ndarray, np.ndarray]:
    """(X, Y): an n×n grid of points over a 2-D box (``np.meshgrid`` of two linspaces)."""
    (x0, x1), (y0, y1) = bounds
    return np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))


def grid_values(f: Any, variables: Sequence[sp.Symbol], bounds: Sequence[tuple[float, float]],
                n: int = 200) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(X, Y, Z) of f on an n×n grid over a 2-D box (Z has NaN where f is not finite)."""
    expr, vars_ = check_inputs(f, variables)
    if len(vars_) != 2:
        raise ValueError("contour plots need a function of exactly 2 variables")
    X, Y = box_grid(bounds, n)
    value_fn, _, _ = compile_numeric(expr, vars_)
    with np.errstate(all="ignore"):
        Z = value_fn(np.array([X, Y]))
    Z[~np.isfinite(Z)] = np.nan
    return X, Y, Z


def plot_surface_contours(f: Any, variables: Sequence[sp.Symbol],
                          bounds: Sequence[tuple[float, float]], *, ax: Any = None,
                          levels: int = 30, n: int = 200, log: bool = False,
                          colorbar: bool = True) -> Any:
    """Filled contours of f (viridis); ``log=True`` shows log10(1 + f − min f)."""
    ax = _axes(ax)
    X, Y, Z = grid_values(f, variables, bounds, n)
    label = "loss $f$"
    if log:
        Z = np.log10(1.0 + Z - np.nanmin(Z))
        label = r"$\log_{10}(1 + f - \min f)$"
    cs = ax.contourf(X, Y, Z, levels=levels, cmap=LOSS_CMAP)
    ax.contour(X, Y, Z, levels=cs.levels[::3], colors="white", linewidths=0.4, alpha=0.5)
    frame_axes(ax, [_name(v) for v in variables], bounds)
    if colorbar:
        ax.figure.colorbar(cs, ax=ax, label=label, shrink=0.85)
    return ax


def _plot_family(ax: Any, family: CriticalFamily, box: Sequence[tuple[float, float]],
                 once: Callable[[str], str]) -> None:
    """A family of critical points: its curve inside the box (dashed) and its samples."""
    try:
        curve = family.curve(box, n=801)
    except ValueError:
        curve = None
    if curve is not None and len(family.variables) == 2:
        label = "family " + family.verdict
        ax.plot(curve[:, 0], curve[:, 1], ls="--", lw=2.5,
                color=KIND_COLORS[family.kind], label=once(label), zorder=3)
    for s in family.samples:
        ax.scatter(*s.point[:2], s=45, marker=KIND_MARKERS[family.resolved_kind],
                   color=KIND_COLORS[family.kind], edgecolor="white", zorder=4)


def _plot_report(ax: Any, report: PointReport, once: Callable[[str], str],
                 annotate: bool) -> None:
    """One critical point: coloured by kind, shaped by what it resolves to; f beside it."""
    marker_kind = (report.resolved_kind if report.kind in ("degenerate", "undetermined")
                   else report.kind)
    ax.scatter(*report.point[:2], s=110, marker=KIND_MARKERS[marker_kind],
               color=KIND_COLORS[report.kind], edgecolor="white", linewidth=1.2, zorder=5,
               label=once(report.verdict))
    if annotate:
        ax.annotate(f"f = {report.value:.3g}", report.point[:2], textcoords="offset points",
                    xytext=(6, 6), fontsize=9, color="white",
                    bbox=dict(boxstyle="round,pad=0.2", fc="black", alpha=0.5, lw=0))


def plot_critical_points(items: Sequence[PointReport | CriticalFamily], *, ax: Any = None,
                         annotate: bool = False,
                         bounds: Sequence[tuple[float, float]] | None = None) -> Any:
    """Mark reports (and families: their curve and samples) by kind, with a legend by kind.

    A family's curve is drawn inside ``bounds`` (default: the current axis limits).
    """
    ax = _axes(ax)
    box = tuple(bounds) if bounds is not None else (ax.get_xlim(), ax.get_ylim())
    seen: set[str] = set()

    def once(label: str) -> str:
        if label in seen:
            return "_nolegend_"
        seen.add(label)
        return label

    for item in items:
        if isinstance(item, CriticalFamily):
            _plot_family(ax, item, box, once)
        elif isinstance(item, PointReport):
            _plot_report(ax, item, once, annotate)
        else:
            raise ValueError(f"expected PointReport or CriticalFamily, got {type(item).__name__}")
    if seen:
        ax.legend(loc="upper right", framealpha=0.85, frameon=True)
    return ax


# ------------------------------------------------------------------------ probe of one point
@dataclass(frozen=True, eq=False)
class PointProbe:
    """Loss and gradient at one point, and the arrow −g drawn on a contour plot."""

    point: np.ndarray
    loss: float
    grad: np.ndarray
    grad_norm: float
    arrow: np.ndarray  # −g · arrow_scale, shortened to at most max_length

    def text(self) -> str:
        """One line for a figure title or a widget label."""
        p = ", ".join(f"{c:.2f}" for c in self.point)
        g = ", ".join(f"{c:.3f}" for c in self.grad)
        return f"θ = ({p}):  L = {self.loss:.3f},  g = ({g}),  ‖g‖ = {self.grad_norm:.3f}"


def probe_point(f: Any, variables: Sequence[sp.Symbol], point: Sequence[float], *,
                arrow_scale: float = 0.25, max_length: float = 1.0) -> PointProbe:
    """Loss, gradient and the descent arrow −g (scaled by arrow_scale, capped) at ``point``."""
    expr, vars_ = check_inputs(f, variables)
    p = np.asarray(point, dtype=float)
    if p.shape != (len(vars_),) or not np.all(np.isfinite(p)):
        raise ValueError(f"point must be {len(vars_)} finite numbers")
    value_fn, grad_fn, _ = compile_numeric(expr, vars_)
    loss = float(value_fn(p))
    g = grad_fn(p)
    norm = float(np.linalg.norm(g))
    arrow = -g * arrow_scale
    length = float(np.linalg.norm(arrow))
    if length > max_length:
        arrow = arrow * (max_length / length)
    return PointProbe(point=p, loss=loss, grad=g, grad_norm=norm, arrow=arrow)


def plot_probe(probe: PointProbe, *, ax: Any = None, color: str = "white") -> Any:
    """Draw the probed point and its descent arrow −g; the numbers go in the title."""
    ax = _axes(ax)
    x0, y0 = probe.point[:2]
    ax.scatter([x0], [y0], s=110, marker="P", color=color, edgecolor="black", zorder=6, label="θ")
    if probe.grad_norm > 0:
        ax.annotate("", xy=(x0 + probe.arrow[0], y0 + probe.arrow[1]), xytext=(x0, y0),
                    arrowprops=dict(arrowstyle="-|>", color=color, lw=2.2), zorder=6)
    ax.set_title(probe.text(), fontsize=11)
    return ax
