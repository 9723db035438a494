"""Taylor models of a loss around θ′ (orders 0, 1, 2), how fast their error shrinks, the sign of
vᵀHv, the naive eigenvalue count of the pitfall section, and the logic behind the interactives of
notebooks 02 and 03.

The model is the lecture's
    L(θ) ≈ L(θ′) + (θ−θ′)ᵀg + ½ (θ−θ′)ᵀ H (θ−θ′),
with g the gradient and H the Hessian at θ′. Derivatives come from :mod:`helpers.symbolic`;
this module only evaluates them numerically and compares models with the true loss.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import sympy as sp

ORDERS = (0, 1, 2)
ORDER_LABELS: dict[int, str] = {
    0: "order 0: L(θ′)",
    1: "order 1: + (θ−θ′)ᵀg",
    2: "order 2: + ½(θ−θ′)ᵀH(θ−θ′)",
}
# the lecture's colours: g (order 1) in green, the H term (order 2) in red (Okabe–Ito shades)
ORDER_COLORS: dict[int, str] = {0: "#0072B2", 1: "#009E73", 2: "#D55E00"}
ORDER_STYLES: dict[int, str] = {0: ":", 1: "--", 2: "-"}

# ----------------------------------------------------------------------------- numeric basics


def _as_points(theta: Any, n: int) -> np.ndarray:
    """Return theta as a float array of shape (..., n), or raise a readable ValueError."""
    arr = np.asarray(theta, dtype=float)
    if arr.ndim == 0 or arr.shape[-1] != n:
        raise ValueError(f"expected points with {n} coordinates (last axis), got shape {arr.shape}")
    return arr


def numeric_function(expr: sp.Expr, variables: Sequence[sp.Symbol]) -> Callable[[Any], np.ndarray]:
    """Turn a sympy expression into ``f(theta)`` evaluated on points of shape (..., n)."""
    variables = tuple(variables)
    missing = set(sp.sympify(expr).free_symbols) - set(variables)
    if missing:
        raise ValueError(f"the expression uses {sorted(map(str, missing))}, not in the variables")
    raw = sp.lambdify(variables, expr, "numpy")

    def f(theta: Any) -> np.ndarray:
        pts = _as_points(theta, len(variables))
        out = raw(*np.moveaxis(pts, -1, 0))
        return np.broadcast_to(np.asarray(out, dtype=float), pts.shape[:-1]).copy()

    return f


def taylor_model(
    theta: Any,
    theta0: Any,
    value: float,
    grad: Any,
    hess: Any,
    order: int = 2,
) -> np.ndarray:
    """Evaluate the order-0/1/2 Taylor model around ``theta0`` at points ``theta`` (..., n)."""
    if order not in ORDERS:
        raise ValueError(f"order must be 0, 1 or 2, got {order!r}")
    grad = np.asarray(grad, dtype=float).reshape(-1)
    n = grad.size
    hess = np.asarray(hess, dtype=float)
    if hess.shape != (n, n):
        raise ValueError(f"the Hessian must be {n}×{n} to match the gradient, got {hess.shape}")
    v = _as_points(theta, n) - _as_points(theta0, n)
    out = np.full(v.shape[:-1], float(value))
    if order >= 1:
        out = out + v @ grad
    if order >= 2:
        out = out + 0.5 * np.einsum("...i,ij,...j->...", v, hess, v)
    return out


def unit(direction: Any) -> np.ndarray:
    """Return ``direction`` scaled to length 1 (ValueError for the zero vector)."""
    d = np.asarray(direction, dtype=float).reshape(-1)
    norm = float(np.linalg.norm(d))
    if not np.isfinite(norm) or norm == 0.0:
        raise ValueError("the direction must be a non-zero, finite vector")
    return d / norm


def angle_direction(angle_deg: float) -> np.ndarray:
    """Unit vector in the plane at ``angle_deg`` degrees from the first axis."""
    a = np.deg2rad(angle_deg)
    return np.array([np.cos(a), np.sin(a)])


def line_profiles(
    loss: Callable[[Any], np.ndarray],
    theta0: Any,
    direction: Any,
    ts: Any,
    value: float,
    grad: Any,
    hess: Any,
) -> dict[Any, np.ndarray]:
    """True loss (key "true") and models of order 0, 1, 2 (keys 0, 1, 2) along θ′ + t·u."""
    u = unit(direction)
    ts = np.asarray(ts, dtype=float)
    pts = np.asarray(theta0, dtype=float) + ts[..., None] * u
    out: dict[Any, np.ndarray] = {"true": loss(pts)}
    for k in ORDERS:
        out[k] = taylor_model(pts, theta0, value, grad, hess, order=k)
    return out


def approximation_errors(
    loss: Callable[[Any], np.ndarray],
    theta0: Any,
    direction: Any,
    distances: Any,
    value: float,
    grad: Any,
    hess: Any,
) -> dict[int, np.ndarray]:
    """|L(θ) − model_k(θ)| at θ = θ′ + r·u for each distance r, for orders k = 0, 1, 2."""
    r = np.asarray(distances, dtype=float)
    if np.any(r <= 0):
        raise ValueError("distances must be positive")
    prof = line_profiles(loss, theta0, direction, r, value, grad, hess)
    return {k: np.abs(prof["true"] - prof[k]) for k in ORDERS}


def loglog_slope(distances: Any, errors: Any) -> float:
    """Least-squares slope of log(error) against log(distance)."""
    r = np.asarray(distances, dtype=float)
    e = np.asarray(errors, dtype=float)
    if r.shape != e.shape or r.size < 2:
        raise ValueError("need at least two (distance, error) pairs of the same shape")
    if np.any(r <= 0) or np.any(e <= 0):
        raise ValueError("a log-log slope needs positive distances and errors (an error is 0)")
    slope, _ = np.polyfit(np.log(r), np.log(e), 1)
    return float(slope)


# ----------------------------------------------------------------------------- the sign of vᵀHv


def unit_circle(n: int) -> np.ndarray:
    """``n`` unit vectors evenly spread over the circle, shape (n, 2), starting at angle 0."""
    if n < 1:
        raise ValueError("n must be at least 1")
    a = np.linspace(0.0, 2 * np.pi, n, endpoint=False)
    return np.stack([np.cos(a), np.sin(a)], axis=-1)


def random_unit_vectors(n: int, dim: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` random directions in ``dim`` dimensions, uniformly spread over the sphere."""
    if n < 1 or dim < 1:
        raise ValueError("n and dim must be at least 1")
    v = rng.standard_normal((n, dim))
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def quadratic_form(hess: Any, vectors: Any) -> np.ndarray:
    """vᵀHv for each row v of ``vectors`` (shape (m, n)) or for one vector."""
    h = np.asarray(hess, dtype=float)
    if h.ndim != 2 or h.shape[0] != h.shape[1]:
        raise ValueError(f"the Hessian must be a square matrix, got shape {h.shape}")
    v = _as_points(vectors, h.shape[0])
    return np.einsum("...i,ij,...j->...", v, h, v)


def sign_counts(values: Any, tol: float = 0.0) -> dict[str, int]:
    """How many values are > tol, < −tol, and within ±tol."""
    x = np.asarray(values, dtype=float).reshape(-1)
    if tol < 0:
        raise ValueError("tol must be non-negative")
    return {
        "positive": int(np.sum(x > tol)),
        "negative": int(np.sum(x < -tol)),
        "zero": int(np.sum(np.abs(x) <= tol)),
    }


def naive_kind(eigvals: Any) -> str:
    """The rule WITHOUT a tolerance (the pitfall): all λ > 0 min, all λ < 0 max, else saddle."""
    lam = np.asarray(eigvals, dtype=float).reshape(-1)
    if lam.size == 0:
        raise ValueError("need at least one eigenvalue")
    if np.all(lam > 0):
        return "local minimum"
    if np.all(lam < 0):
        return "local maximum"
    return "saddle point"


def finite_difference_hessian(
    loss: Callable[[Any], np.ndarray], theta: Any, h: float = 1e-4
) -> np.ndarray:
    """Central finite-difference Hessian of ``loss`` at ``theta`` with step ``h`` (symmetric)."""
    theta = np.asarray(theta, dtype=float).reshape(-1)
    if not h > 0:
        raise ValueError("the step h must be positive")
    n = theta.size
    eye = np.eye(n) * h
    pts = []
    for i in range(n):
        for j in range(n):
            for si, sj in ((1, 1), (1, -1), (-1, 1), (-1, -1)):
                pts.append(theta + si * eye[i] + sj * eye[j])
    vals = loss(np.array(pts)).reshape(n, n, 4)
    hess = (vals[..., 0] - vals[..., 1] - vals[..., 2] + vals[..., 3]) / (4 * h * h)
    return 0.5 * (hess + hess.T)


def tolerant_inertia(eigvals: Any, eig_tol: float | None = None) -> tuple[int, int, int]:
    """(negative, zero, positive) counts with analyze_point's rule |λ| ≤ eig_tol·max(1, max|λ|)."""
    from helpers.symbolic import EIG_TOL

    tol = EIG_TOL if eig_tol is None else float(eig_tol)
    if not tol > 0:
        raise ValueError("eig_tol must be positive")
    lam = np.asarray(eigvals, dtype=float).reshape(-1)
    if lam.size == 0:
        raise ValueError("need at least one eigenvalue")
    zero = np.abs(lam) <= tol * max(1.0, float(np.max(np.abs(lam))))
    return int(np.sum((lam < 0) & ~zero)), int(np.sum(zero)), int(np.sum((lam > 0) & ~zero))


def eigen_color(eigval: float, eigvals: Any, eig_tol: float | None = None) -> str:
    """Colour of an eigen-direction: green λ > 0, orange λ < 0, grey when λ counts as zero."""
    from helpers.style import NEGATIVE_COLOR, POSITIVE_COLOR
    from helpers.symbolic import EIG_TOL

    tol = EIG_TOL if eig_tol is None else float(eig_tol)
    scale = max(1.0, float(np.max(np.abs(np.asarray(eigvals, dtype=float)))))
    if abs(float(eigval)) <= tol * scale:
        return "grey"
    return POSITIVE_COLOR if eigval > 0 else NEGATIVE_COLOR


# ----------------------------------------------------------------------------- numeric g and H


class TaylorExpansion:
    """Numeric L, g and H of a sympy loss (derivatives from helpers.symbolic), at any θ′."""

    def __init__(self, expr: sp.Expr, variables: Sequence[sp.Symbol]):
        from helpers.symbolic import gradient, hessian

        self.expr = sp.sympify(expr)
        self.variables = tuple(variables)
        self.grad_expr = gradient(self.expr, self.variables)
        self.hess_expr = hessian(self.expr, self.variables)
        self.loss = numeric_function(self.expr, self.variables)
        self._grad = sp.lambdify(self.variables, list(self.grad_expr), "numpy")
        self._hess = sp.lambdify(self.variables, self.hess_expr.tolist(), "numpy")

    @property
    def n(self) -> int:
        """Number of parameters."""
        return len(self.variables)

    def at(self, theta0: Any) -> tuple[float, np.ndarray, np.ndarray]:
        """(L(θ′), g, H) as floats at one point θ′."""
        p = _as_points(theta0, self.n).reshape(self.n)
        value = float(self.loss(p))
        grad = np.array(self._grad(*p), dtype=float).reshape(self.n)
        hess = np.array(self._hess(*p), dtype=float).reshape(self.n, self.n)
        return value, grad, hess

    def model(self, theta: Any, theta0: Any, order: int = 2) -> np.ndarray:
        """The order-``order`` Taylor model around θ′, evaluated at points ``theta``."""
        value, grad, hess = self.at(theta0)
        return taylor_model(theta, theta0, value, grad, hess, order=order)

    def errors(self, theta0: Any, direction: Any, distances: Any) -> dict[int, np.ndarray]:
        """|L − model_k| at distances r along ``direction`` from θ′ (orders 0, 1, 2)."""
        value, grad, hess = self.at(theta0)
        return approximation_errors(self.loss, theta0, direction, distances, value, grad, hess)


def _levels(z: np.ndarray, n: int = 12) -> np.ndarray:
    """Evenly spaced contour levels over the lower 70 % of a loss's values (where detail is)."""
    finite = z[np.isfinite(z)]
    lo, hi = np.quantile(finite, [0.0, 0.7])
    if hi <= lo:
        hi = lo + 1.0
    return np.linspace(lo, hi, n)


def _grid(bounds: Sequence[tuple[float, float]], n: int) -> tuple[np.ndarray, np.ndarray]:
    (x0, x1), (y0, y1) = bounds
    return np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))


def _check_2d(variables: Sequence[sp.Symbol], bounds: Any) -> tuple[tuple[float, float], ...]:
    if len(tuple(variables)) != 2:
        raise ValueError("the interactive views need a loss of exactly 2 parameters")
    b = tuple((float(lo), float(hi)) for lo, hi in bounds)
    if len(b) != 2 or any(lo >= hi for lo, hi in b):
        raise ValueError("bounds must be two (low, high) pairs with low < high")
    return b


# ----------------------------------------------------------------------------- notebook 02 view


def _frame(ax: Any, names: Sequence[str], bounds: Sequence[tuple[float, float]]) -> None:
    """Label a contour map's axes, fix its limits and square its aspect."""
    ax.set_xlabel(names[0])
    ax.set_ylabel(names[1])
    ax.set_xlim(bounds[0])
    ax.set_ylim(bounds[1])
    ax.set_aspect("equal", adjustable="box")
    ax.grid(False)


class TaylorExplorer:
    """Logic of notebook 02's interactive: θ′ and a direction; true loss vs Taylor models."""

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
        X, Y = _grid(self.bounds, n)
        pts = np.stack([X, Y], axis=-1)
        out: dict[Any, np.ndarray] = {"X": X, "Y": Y, "true": self.taylor.loss(pts)}
        for k in (1, 2):
            out[k] = taylor_model(pts, self.theta0, self.value, self.grad, self.hess, order=k)
        return out

    def draw(self, fig: Any = None) -> Any:
        """Three panels: the loss along the line; contours of the loss vs order 1 and order 2."""
        import matplotlib.pyplot as plt
        from matplotlib import patheffects

        from helpers.style import LOSS_CMAP

        if fig is None:
            fig = plt.figure(figsize=(13, 4.3))
        ax_line, *maps = fig.subplots(1, 3)
        prof = self.line()
        ax_line.plot(prof["t"], prof["true"], color="black", lw=3, label="true loss L")
        for k in ORDERS:
            ax_line.plot(prof["t"], prof[k], ls=ORDER_STYLES[k], color=ORDER_COLORS[k], lw=2,
                         label=ORDER_LABELS[k])
        lo, hi = float(np.min(prof["true"])), float(np.max(prof["true"]))
        pad = 0.25 * (hi - lo) + 0.1
        ax_line.set_ylim(lo - pad, hi + pad)
        ax_line.axvline(0, color="grey", lw=1)
        ax_line.set_xlabel("t  (θ = θ′ + t·u)")
        ax_line.set_ylabel("loss")
        ax_line.set_title(f"along the black line (u at {self.angle_deg:.0f}°)")
        ax_line.legend(fontsize=9, loc="upper center")
        g = self.grids()
        levels = _levels(g["true"])
        p, u = self.theta0, self.direction
        names = [f"${sp.latex(v)}$" for v in self.taylor.variables]
        for ax, k in zip(maps, (1, 2), strict=True):
            ax.contourf(g["X"], g["Y"], g["true"], levels=levels, cmap=LOSS_CMAP, extend="both")
            ax.contour(g["X"], g["Y"], g["true"], levels=levels, colors="white", linewidths=0.6)
            model = ax.contour(g["X"], g["Y"], g[k], levels=levels, colors=ORDER_COLORS[k],
                               linewidths=1.6, linestyles="--")
            model.set_path_effects([patheffects.withStroke(linewidth=2.8, foreground="black")])
            ax.plot(*np.array([p - self.span * u, p + self.span * u]).T, color="black", lw=2)
            ax.scatter(*p, s=70, color="white", edgecolor="black", zorder=5)
            _frame(ax, names, self.bounds)
            ax.set_title(f"loss (white) vs order-{k} model (dashed)", color=ORDER_COLORS[k])
        coords = ", ".join(f"{c + 0.0:.2f}" for c in p)
        fig.suptitle(f"θ′ = ({coords}),  L(θ′) = {self.value:.3f},  ‖g‖ = "
                     f"{np.linalg.norm(self.grad):.3f}")
        return fig

    def widget(self) -> Any:
        """Sliders for θ′ and the angle; the figure follows (inline backend)."""
        import ipywidgets as W
        import matplotlib.pyplot as plt

        (x0, x1), (y0, y1) = self.bounds
        opts = dict(step=0.05, continuous_update=False, readout_format=".2f")
        s1 = W.FloatSlider(value=self.theta0[0], min=x0, max=x1, description="θ′₁", **opts)
        s2 = W.FloatSlider(value=self.theta0[1], min=y0, max=y1, description="θ′₂", **opts)
        sa = W.FloatSlider(value=self.angle_deg, min=0, max=180, step=5,
                           continuous_update=False, description="angle °")

        def show(w1: float, w2: float, angle: float) -> None:
            self.update(w1, w2, angle)
            self.draw()
            plt.show()

        out = W.interactive_output(show, {"w1": s1, "w2": s2, "angle": sa})
        return W.VBox([W.HBox([s1, s2, sa]), out])


# ----------------------------------------------------------------------------- notebook 03 view


class PointInspector:
    """Logic of notebook 03's interactive: a point → g, H, eigenvalues, kind, quadratic model."""

    def __init__(self, expr: sp.Expr, variables: Sequence[sp.Symbol],
                 bounds: Sequence[tuple[float, float]]):
        self.bounds = _check_2d(variables, bounds)
        self.expr = sp.sympify(expr)
        self.variables = tuple(variables)
        self.loss = numeric_function(self.expr, self.variables)

    def inspect(self, point: Sequence[float]) -> Any:
        """helpers.analyze_point at ``point`` (its PointReport)."""
        from helpers.symbolic import analyze_point

        return analyze_point(self.expr, self.variables, point)

    def model_grid(self, report: Any, n: int = 121) -> dict[str, np.ndarray]:
        """X, Y, the true loss and the quadratic model around the report's point."""
        X, Y = _grid(self.bounds, n)
        pts = np.stack([X, Y], axis=-1)
        model = taylor_model(pts, report.point, report.value, report.gradient, report.hessian)
        return {"X": X, "Y": Y, "true": self.loss(pts), "model": model}

    @staticmethod
    def summary(report: Any) -> str:
        """Plain text: g, H, eigenvalues, kind and the quadratic model at the point."""
        p = ", ".join(f"{c + 0.0:.3g}" for c in report.point)  # + 0.0: no "-0"
        g = ", ".join(f"{c + 0.0:.4g}" for c in report.gradient)
        H = "; ".join(", ".join(f"{c + 0.0:.4g}" for c in row) for row in report.hessian)
        lam = ", ".join(f"{c + 0.0:.4g}" for c in report.eigenvalues)
        kind = report.kind if report.kind != "degenerate" else (
            f"degenerate → {report.resolved_kind}")
        return (f"θ′ = ({p})   L = {report.value:.4g}   g = ({g})   ‖g‖ = {report.grad_norm:.3g}\n"
                f"H = [{H}]   eigenvalues = ({lam})\n"
                f"kind: {kind}\n"
                f"model: L(θ) ≈ {report.value:.4g} + (θ−θ′)ᵀg + ½(θ−θ′)ᵀH(θ−θ′)")

    def draw(self, point: Sequence[float], fig: Any = None) -> tuple[Any, Any]:
        """True loss and the quadratic model side by side, eigenvectors drawn; (fig, report)."""
        import matplotlib.pyplot as plt
        from matplotlib import patheffects

        from helpers.style import KIND_COLORS, LOSS_CMAP

        report = self.inspect(point)
        if fig is None:
            fig = plt.figure(figsize=(11, 4.4))
        axes = fig.subplots(1, 2)
        g = self.model_grid(report)
        levels = _levels(g["true"])
        names = [f"${sp.latex(v)}$" for v in self.variables]
        span = 0.18 * min(hi - lo for lo, hi in self.bounds)
        for ax, key, title in zip(axes, ("true", "model"),
                                  ("true loss L", "quadratic model at θ′"), strict=True):
            ax.contourf(g["X"], g["Y"], g[key], levels=levels, cmap=LOSS_CMAP, extend="both")
            ax.contour(g["X"], g["Y"], g[key], levels=levels, colors="white", linewidths=0.4)
            for lam, vec in zip(report.eigenvalues, report.eigenvectors.T, strict=True):
                color = eigen_color(lam, report.eigenvalues, report.eig_tol)
                seg = np.array([report.point - span * vec, report.point + span * vec])
                ax.plot(*seg.T, color=color, lw=3, solid_capstyle="round",
                        path_effects=[patheffects.withStroke(linewidth=5, foreground="black")])
            kind = report.kind
            ax.scatter(*report.point, s=80, color=KIND_COLORS[kind], edgecolor="white", zorder=5)
            _frame(ax, names, self.bounds)
            ax.set_title(title)
        verdict = report.kind if report.kind != "degenerate" else (
            f"degenerate → {report.resolved_kind}")
        fig.suptitle(f"{verdict}   (eigenvector lines: green λ > 0, orange λ < 0, grey λ = 0)")
        return fig, report

    def widget(self, start: Sequence[float] = (0.0, 0.0), step: float = 0.05) -> Any:
        """Sliders for the point; figure and summary follow (inline backend)."""
        import ipywidgets as W
        import matplotlib.pyplot as plt

        (x0, x1), (y0, y1) = self.bounds
        opts = dict(step=step, continuous_update=False, readout_format=".2f")
        names = [str(v) for v in self.variables]
        s1 = W.FloatSlider(value=start[0], min=x0, max=x1, description=names[0], **opts)
        s2 = W.FloatSlider(value=start[1], min=y0, max=y1, description=names[1], **opts)

        def show(a: float, b: float) -> None:
            _, report = self.draw((round(a, 6), round(b, 6)))
            plt.show()
            print(self.summary(report))

        out = W.interactive_output(show, {"a": s1, "b": s2})
        return W.VBox([W.HBox([s1, s2]), out])
