"""The interactive views of notebooks 02 and 03: the Taylor explorer and the point inspector.

``TaylorExplorer`` (notebook 02): a point θ′ and a direction; the true loss against its Taylor
models of order 0, 1 and 2, along a line and as contour maps. ``PointInspector`` (notebook 03):
a point → g, H, eigenvalues, kind and the quadratic model, with the eigen-directions drawn.
The numbers come from :mod:`helpers.taylor` and :mod:`helpers.symbolic`; this module draws.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import sympy as sp
from matplotlib import patheffects

from helpers.i18n import KIND_TABLE, localize, phrase
from helpers.plotting import box_grid, frame_axes
from helpers.spectrum import EIG_TOL, zero_threshold
from helpers.style import KIND_COLORS, LOSS_CMAP, NEGATIVE_COLOR, POSITIVE_COLOR
from helpers.symbolic import PointReport, analyze_point
from helpers.taylor import (
    ORDERS,
    TaylorExpansion,
    angle_direction,
    line_profiles,
    numeric_function,
    taylor_model,
)
from helpers.widget_output import live_output

ORDER_LABELS: dict[int, str] = {
    0: "order 0: L(θ′)",
    1: "order 1: + (θ−θ′)ᵀg",
    2: "order 2: + ½(θ−θ′)ᵀH(θ−θ′)",
}
# The summary's words in the Chinese editions (helpers.i18n decides; English unchanged).
SUMMARY_ZH = (
    (r"   eigenvalues = \(", "   特征值 = ("),
    (r"\nkind: ", "\n种类："),
    (r"\nmodel: ", "\n二次模型："),
    *KIND_TABLE,
)
# the lecture's colours: g (order 1) in green, the H term (order 2) in red (Okabe–Ito shades)
ORDER_COLORS: dict[int, str] = {0: "#0072B2", 1: "#009E73", 2: "#D55E00"}
ORDER_STYLES: dict[int, str] = {0: ":", 1: "--", 2: "-"}
OUTLINE = "black"  # the dark edge drawn around coloured lines on a contour map


# Line style per eigen-direction colour: the sign is never shown by colour alone.
EIGEN_STYLES: dict[str, str] = {POSITIVE_COLOR: "-", NEGATIVE_COLOR: "--", "grey": ":"}


def eigen_color(eigval: float, eigvals: Any, eig_tol: float | None = None) -> str:
    """Colour of an eigen-direction: green λ > 0, orange λ < 0, grey when λ counts as zero."""
    tol = EIG_TOL if eig_tol is None else float(eig_tol)
    if abs(float(eigval)) <= zero_threshold(eigvals, tol, relative=True):
        return "grey"
    return POSITIVE_COLOR if eigval > 0 else NEGATIVE_COLOR


def _levels(z: np.ndarray, n: int = 12) -> np.ndarray:
    """Evenly spaced contour levels over the lower 70 % of a loss's values (where detail is)."""
    finite = z[np.isfinite(z)]
    lo, hi = np.quantile(finite, [0.0, 0.7])
    if hi <= lo:
        hi = lo + 1.0
    return np.linspace(lo, hi, n)


def _check_2d(variables: Sequence[sp.Symbol], bounds: Any) -> tuple[tuple[float, float], ...]:
    """The bounds as two (low, high) float pairs, or a ValueError unless the loss is 2-D."""
    if len(tuple(variables)) != 2:
        raise ValueError("the interactive views need a loss of exactly 2 parameters")
    b = tuple((float(lo), float(hi)) for lo, hi in bounds)
    if len(b) != 2 or any(lo >= hi for lo, hi in b):
        raise ValueError("bounds must be two (low, high) pairs with low < high")
    return b


def _axis_names(variables: Sequence[sp.Symbol]) -> list[str]:
    """Axis labels: the variables in LaTeX."""
    return [f"${sp.latex(v)}$" for v in variables]


def _slider_pair(bounds: Sequence[tuple[float, float]], start: Sequence[float],
                 names: Sequence[str], step: float) -> list[Any]:
    """Two sliders for the coordinates of a point inside the box."""
    import ipywidgets as W

    opts = dict(step=step, continuous_update=False, readout_format=".2f")
    return [W.FloatSlider(value=v, min=lo, max=hi, description=name, **opts)
            for v, (lo, hi), name in zip(start, bounds, names, strict=True)]


# ----------------------------------------------------------------------------- notebook 02


class TaylorExplorer:
    """Notebook 02's interactive: θ′ and a direction; true loss vs Taylor models."""

    def __init__(
        self,
        expr: sp.Expr,
        variables: Sequence[sp.Symbol],
        bounds: Sequence[tuple[float, float]],
        theta0: Sequence[float] = (0.5, 1.5),
        angle_deg: float = 30.0,
        span: float = 1.0,
    ):
        self.bounds = _check_2d(variables, bounds)
        self.taylor = TaylorExpansion(expr, variables)
        self.theta0 = np.zeros(2)
        self.angle_deg = 0.0
        self.span = float(span)
        self.update(*theta0, angle_deg)

    def update(self, w1: float | None = None, w2: float | None = None,
               angle_deg: float | None = None) -> None:
        """Move θ′ and/or turn the direction (None keeps the current value)."""
        p = self.theta0.copy()
        if w1 is not None:
            p[0] = float(w1)
        if w2 is not None:
            p[1] = float(w2)
        if not np.all(np.isfinite(p)):
            raise ValueError("θ′ must be finite")
        self.theta0 = p
        if angle_deg is not None:
            self.angle_deg = float(angle_deg)
        self.value, self.grad, self.hess = self.taylor.at(self.theta0)

    @property
    def direction(self) -> np.ndarray:
        """Unit vector u of the 1-D view."""
        return angle_direction(self.angle_deg)

    def line(self, n: int = 201) -> dict[Any, np.ndarray]:
        """t in [−span, span] and the true loss and models (keys "t", "true", 0, 1, 2)."""
        ts = np.linspace(-self.span, self.span, n)
        out = line_profiles(self.taylor.loss, self.theta0, self.direction, ts,
                            self.value, self.grad, self.hess)
        out["t"] = ts
        return out

    def grids(self, n: int = 121) -> dict[Any, np.ndarray]:
        """X, Y and the true loss and models on an n×n grid over the bounds."""
        X, Y = box_grid(self.bounds, n)
        pts = np.stack([X, Y], axis=-1)
        out: dict[Any, np.ndarray] = {"X": X, "Y": Y, "true": self.taylor.loss(pts)}
        for k in (1, 2):
            out[k] = taylor_model(pts, self.theta0, self.value, self.grad, self.hess, order=k)
        return out

    def _draw_line(self, ax: Any) -> None:
        """The true loss and the three models along the black line."""
        prof = self.line()
        ax.plot(prof["t"], prof["true"], color="black", lw=3, label="true loss L")
        for k in ORDERS:
            ax.plot(prof["t"], prof[k], ls=ORDER_STYLES[k], color=ORDER_COLORS[k], lw=2,
                    label=ORDER_LABELS[k])
        lo, hi = float(np.min(prof["true"])), float(np.max(prof["true"]))
        pad = 0.25 * (hi - lo) + 0.1
        ax.set_ylim(lo - pad, hi + pad)
        ax.axvline(0, color="grey", lw=1)
        ax.set_xlabel("t  (θ = θ′ + t·u)")
        ax.set_ylabel("loss")
        ax.set_title(f"along the black line (u at {self.angle_deg:.0f}°)")
        ax.legend(loc="best")

    def _draw_map(self, ax: Any, g: dict[Any, np.ndarray], levels: np.ndarray, k: int) -> None:
        """Contours of the true loss (white) and of the order-k model (dashed), θ′ and the line."""
        p, u = self.theta0, self.direction
        ax.contourf(g["X"], g["Y"], g["true"], levels=levels, cmap=LOSS_CMAP, extend="both")
        ax.contour(g["X"], g["Y"], g["true"], levels=levels, colors="white", linewidths=0.6)
        model = ax.contour(g["X"], g["Y"], g[k], levels=levels, colors=ORDER_COLORS[k],
                           linewidths=1.6, linestyles="--")
        model.set_path_effects([patheffects.withStroke(linewidth=2.8, foreground=OUTLINE)])
        ax.plot(*np.array([p - self.span * u, p + self.span * u]).T, color="black", lw=2)
        ax.scatter(*p, s=70, color="white", edgecolor="black", zorder=5)
        frame_axes(ax, _axis_names(self.taylor.variables), self.bounds)
        ax.set_title(f"loss (white) vs order-{k} model (dashed)", color=ORDER_COLORS[k])

    def draw(self, fig: Any = None) -> Any:
        """Three panels: the loss along the line; contours of the loss vs order 1 and order 2."""
        if fig is None:
            fig = plt.figure(figsize=(13, 4.3))
        ax_line, *maps = fig.subplots(1, 3)
        self._draw_line(ax_line)
        g = self.grids()
        levels = _levels(g["true"])
        for ax, k in zip(maps, (1, 2), strict=True):
            self._draw_map(ax, g, levels, k)
        coords = ", ".join(f"{c + 0.0:.2f}" for c in self.theta0)
        fig.suptitle(f"θ′ = ({coords}),  L(θ′) = {self.value:.3f},  ‖g‖ = "
                     f"{np.linalg.norm(self.grad):.3f}")
        return fig

    def widget(self) -> Any:
        """Sliders for θ′ and the angle; the figure follows (inline backend)."""
        import ipywidgets as W

        s1, s2 = _slider_pair(self.bounds, self.theta0, ("θ′₁", "θ′₂"), 0.05)
        sa = W.FloatSlider(value=self.angle_deg, min=0, max=180, step=5,
                           continuous_update=False,
                           description=phrase("angle °", {"angle °": "角度 °"}))

        def show(w1: float, w2: float, angle: float) -> None:
            self.update(w1, w2, angle)
            self.draw()
            plt.show()

        out = live_output(show, {"w1": s1, "w2": s2, "angle": sa})
        return W.VBox([W.HBox([s1, s2, sa]), out])


# ----------------------------------------------------------------------------- notebook 03


class PointInspector:
    """Notebook 03's interactive: a point → g, H, eigenvalues, kind, quadratic model."""

    def __init__(self, expr: sp.Expr, variables: Sequence[sp.Symbol],
                 bounds: Sequence[tuple[float, float]]):
        self.bounds = _check_2d(variables, bounds)
        self.expr = sp.sympify(expr)
        self.variables = tuple(variables)
        self.loss = numeric_function(self.expr, self.variables)

    def inspect(self, point: Sequence[float]) -> PointReport:
        """helpers.analyze_point at ``point`` (its PointReport)."""
        return analyze_point(self.expr, self.variables, point)

    def model_grid(self, report: PointReport, n: int = 121) -> dict[str, np.ndarray]:
        """X, Y, the true loss and the quadratic model around the report's point."""
        X, Y = box_grid(self.bounds, n)
        pts = np.stack([X, Y], axis=-1)
        model = taylor_model(pts, report.point, report.value, report.gradient, report.hessian)
        return {"X": X, "Y": Y, "true": self.loss(pts), "model": model}

    @staticmethod
    def summary(report: PointReport) -> str:
        """Plain text: g, H, eigenvalues, kind and the quadratic model at the point."""
        p = ", ".join(f"{c + 0.0:.3g}" for c in report.point)  # + 0.0: no "-0"
        g = ", ".join(f"{c + 0.0:.4g}" for c in report.gradient)
        H = "; ".join(", ".join(f"{c + 0.0:.4g}" for c in row) for row in report.hessian)
        lam = ", ".join(f"{c + 0.0:.4g}" for c in report.eigenvalues)
        kind = report.verdict
        return localize(
            f"θ′ = ({p})   L = {report.value:.4g}   g = ({g})   ‖g‖ = {report.grad_norm:.3g}\n"
            f"H = [{H}]   eigenvalues = ({lam})\n"
            f"kind: {kind}\n"
            f"model: L(θ) ≈ {report.value:.4g} + (θ−θ′)ᵀg + ½(θ−θ′)ᵀH(θ−θ′)", SUMMARY_ZH)

    def _draw_panel(self, ax: Any, report: PointReport, z: np.ndarray, grid: dict[str, Any],
                    levels: np.ndarray) -> None:
        """Contours of z, the eigen-directions (coloured and dashed by sign) and the point."""
        span = 0.18 * min(hi - lo for lo, hi in self.bounds)
        ax.contourf(grid["X"], grid["Y"], z, levels=levels, cmap=LOSS_CMAP, extend="both")
        ax.contour(grid["X"], grid["Y"], z, levels=levels, colors="white", linewidths=0.4)
        for lam, vec in zip(report.eigenvalues, report.eigenvectors.T, strict=True):
            color = eigen_color(lam, report.eigenvalues, report.eig_tol)
            seg = np.array([report.point - span * vec, report.point + span * vec])
            ax.plot(*seg.T, color=color, ls=EIGEN_STYLES[color], lw=3, solid_capstyle="round",
                    path_effects=[patheffects.withStroke(linewidth=5, foreground=OUTLINE)])
        ax.scatter(*report.point, s=80, color=KIND_COLORS[report.kind], edgecolor="white",
                   zorder=5)
        frame_axes(ax, _axis_names(self.variables), self.bounds)

    def draw(self, point: Sequence[float], fig: Any = None) -> tuple[Any, PointReport]:
        """True loss and the quadratic model side by side, eigenvectors drawn; (fig, report)."""
        report = self.inspect(point)
        if fig is None:
            fig = plt.figure(figsize=(11, 4.4))
        axes = fig.subplots(1, 2)
        grid = self.model_grid(report)
        levels = _levels(grid["true"])
        for ax, key, title in zip(axes, ("true", "model"),
                                  ("true loss L", "quadratic model at θ′"), strict=True):
            self._draw_panel(ax, report, grid[key], grid, levels)
            ax.set_title(title)
        fig.suptitle(f"{report.verdict}   "
                     "(eigenvector lines: green λ > 0, orange λ < 0, grey λ = 0)")
        return fig, report

    def widget(self, start: Sequence[float] = (0.0, 0.0), step: float = 0.05) -> Any:
        """Sliders for the point; figure and summary follow (inline backend)."""
        import ipywidgets as W

        s1, s2 = _slider_pair(self.bounds, start, [str(v) for v in self.variables], step)

        def show(a: float, b: float) -> None:
            _, report = self.draw((round(a, 6), round(b, 6)))
            plt.show()
            print(self.summary(report))

        out = live_output(show, {"a": s1, "b": s2})
        return W.VBox([W.HBox([s1, s2]), out])
