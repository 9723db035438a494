"""Surface explorer: pick a point on a 2-D loss and see g, H, eigenvalues, kind and escape step.

Logic and view are separate:

* :class:`SurfaceExplorer` holds the state (surface, point, report, messages). ``pick(point)``
  is the programmatic twin of a click and returns the :class:`~helpers.symbolic.PointReport`
  of :func:`~helpers.symbolic.analyze_point` — the explorer never re-implements derivatives or
  classification. A pick within ``snap_radius`` (default 2 % of the view's width) of an
  isolated critical point found by :func:`~helpers.symbolic.critical_points` snaps to it and
  returns that point's (exact when possible) report; ``state.snapped`` says so.
* ``set_surface(name_or_formula)`` switches to a course surface (a key of ``SURFACES``) or to a
  student's formula, parsed by :func:`~helpers.parsing.parse_loss`. A rejected formula keeps
  the last good surface and puts the message in ``state.error`` and the side panel.
* ``figure()`` draws on a matplotlib Figure made without pyplot (works with any backend);
  a pick only updates artists and calls ``canvas.draw_idle()``. ``static_figure()`` draws the
  same picture on a normal (inline) axes. ``widget()`` wraps it with ipywidgets: an ipympl
  canvas (clicks) when ipympl is importable, else a PNG image; sliders for the point
  everywhere; a surface menu, a formula box and a panel with value, g, H and eigenvalues.
"""

from __future__ import annotations

import html
import io
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy as sp
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.contour import ContourSet
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import offset_copy

from helpers import style
from helpers.escape import gradient_descent
from helpers.parsing import parse_loss
from helpers.plotting import plot_critical_points, plot_surface_contours
from helpers.surface_check import check_surface
from helpers.surfaces import SURFACES, Surface
from helpers.symbolic import (
    CriticalFamily,
    PointReport,
    analyze_point,
    compile_numeric,
    critical_points,
    escape_direction,
)
from helpers.taylor import taylor_model

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
FIG_DPI = 100  # the live figure's pixel size does not depend on the notebook's rc style
FIG_SIZE = (5.5, 5.1)  # inches: 550 × 510 px (the widget lays itself out around this)
FIG_SIZE_3D = (9.0, 4.7)
PANEL_MIN_WIDTH = 250  # px: narrower than this, the side panel goes below the map
PANEL_MAX_WIDTH = 560  # px
_CRITICAL_CACHE: dict[tuple, list] = {}


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


def _fmt(v: float) -> str:
    v = float(v)
    if v == 0 or abs(v) < 5e-13:
        return "0"
    return f"{v:.4g}"


# A row that scrolls sideways instead of widening the panel: width 0 + min-width 100 % gives
# it no say in the panel's minimum width (a flex item's min-content), yet it fills the panel.
SCROLL_CSS = "overflow-x:auto;overflow-y:hidden;width:0;min-width:100%;"


def _row(content: str, css: str = "") -> str:
    """One line of the side panel."""
    return f'<div style="margin:3px 0;{css}">{content}</div>'


def _sign_color(lam: float, tol: float) -> str:
    """Colour of an eigenvalue by its sign (grey when it is zero within the tolerance)."""
    if lam > tol:
        return style.POSITIVE_COLOR
    if lam < -tol:
        return style.NEGATIVE_COLOR
    return "#737373"


def _latex_vec(v: np.ndarray) -> str:
    return r"\begin{pmatrix}" + r" \\ ".join(_fmt(c) for c in v) + r"\end{pmatrix}"


def _latex_mat(m: np.ndarray) -> str:
    rows = [" & ".join(_fmt(c) for c in row) for row in m]
    return r"\begin{pmatrix}" + r" \\ ".join(rows) + r"\end{pmatrix}"


def _import_ipympl() -> Any:
    """ipympl's backend module, imported WITHOUT switching matplotlib's global backend.

    ``import ipympl`` calls ``matplotlib.use("module://ipympl.backend_nbagg")`` when
    matplotlib is loaded, which would switch pyplot (and close its open figures); the
    explorer only needs ipympl's canvas class, so that call is suppressed during the import.
    """
    import matplotlib

    use = matplotlib.use
    matplotlib.use = lambda *args, **kwargs: None  # type: ignore[assignment]
    try:
        import ipympl.backend_nbagg as nbagg
    finally:
        matplotlib.use = use
    return nbagg


def _ipympl_available() -> bool:
    try:
        _import_ipympl()
    except Exception:  # noqa: BLE001 - any import problem means "use the PNG view"
        return False
    return True


class SurfaceExplorer:
    """Pick points of a two-variable loss and see everything the second-order test says."""

    def __init__(
        self,
        f: str | Surface | sp.Expr = "lecture",
        variables: Sequence[sp.Symbol | str] | None = None,
        bounds: Sequence[tuple[float, float]] | None = None,
        *,
        point: Sequence[float] | None = None,
        snap_radius: float = 0.02,
        find_critical: bool = True,
        gd_steps: int = 0,
        lr: float | None = None,
        show_3d: bool = False,
        resolution: int = 120,
        custom_variables: Sequence[str] = ("x", "y"),
    ) -> None:
        """f: a key of SURFACES, a Surface, a formula (text) or a sympy expression."""
        if not 0 <= snap_radius < 0.5:
            raise ValueError("snap_radius is a fraction of the view's width, between 0 and 0.5")
        self.snap_radius = float(snap_radius)
        self.find_critical = bool(find_critical)
        self.gd_steps = int(gd_steps)
        self.lr = lr
        self.show_3d = bool(show_3d)
        self.resolution = int(resolution)
        self.custom_variables = tuple(custom_variables)
        self._fig: Figure | None = None
        self._ax: Any = None
        self._ax3d: Any = None
        self._cax: Any = None
        self._art: dict[str, Any] = {}
        self._bg: Any = None  # the canvas without the per-point artists (for blitting)
        self._bg_size: tuple[int, int] = (0, 0)
        self._image: Any = None  # ipywidgets.Image when the PNG view is used
        self._panel: Any = None  # ipywidgets.HTMLMath once widget() was called
        self._controls: dict[str, Any] = {}
        self._syncing = False
        self.state = self._load(f, variables, bounds)  # a bad first surface raises ValueError
        self.pick(self._default_point() if point is None else point)

    # ------------------------------------------------------------------ logic
    def _load(self, f: Any, variables: Any, bounds: Any) -> ExplorerState:
        """Build the state of a surface (raises ValueError for a bad one)."""
        formula = ""
        if isinstance(f, Surface):
            name, label, expr, vars_, box = f.name, f.label, f.expr, f.variables, f.bounds
        elif isinstance(f, str) and f in SURFACES:
            s = SURFACES[f]
            name, label, expr, vars_, box = s.name, s.label, s.expr, s.variables, s.bounds
        elif isinstance(f, str):
            vars_ = tuple(variables) if variables is not None else self.custom_variables
            expr = parse_loss(f, vars_)
            vars_ = tuple(v if isinstance(v, sp.Symbol) else sp.Symbol(str(v), real=True)
                          for v in vars_)
            name, label, box, formula = CUSTOM, sp.latex(expr), bounds or DEFAULT_BOUNDS, f
        elif isinstance(f, sp.Expr):
            if variables is None:
                raise ValueError("give the variables of the expression, e.g. (x, y)")
            vars_ = tuple(variables)
            name, label, expr, box = CUSTOM, sp.latex(f), f, bounds or DEFAULT_BOUNDS
        else:
            raise ValueError("f must be a surface name, a Surface, a formula or a sympy "
                             f"expression, not {type(f).__name__}")
        if bounds is not None:
            box = bounds
        if len(vars_) != 2:
            raise ValueError("the explorer shows functions of exactly two variables")
        try:
            box = tuple((float(lo), float(hi)) for lo, hi in box)
        except (TypeError, ValueError) as exc:
            raise ValueError("bounds must be two (low, high) pairs") from exc
        if len(box) != 2 or not all(math.isfinite(a) and math.isfinite(b) and a < b
                                    for a, b in box):
            raise ValueError("bounds must be two finite (low, high) pairs with low < high")
        extra = expr.free_symbols - set(vars_)
        if extra:
            raise ValueError(f"the loss depends on {sorted(map(str, extra))}, not only on "
                             f"{[str(v) for v in vars_]}")
        state = ExplorerState(name=name, label=label, expr=expr, variables=tuple(vars_),
                              bounds=box, formula=formula)
        check = check_surface(expr, vars_, box, n=61)
        state.warnings = list(check.issues)
        if check.undefined_fraction > 0.999:
            raise ValueError("the loss is not defined anywhere in the region "
                             f"{box}: choose another formula or region")
        self._analysis = expr  # analyze_point handles kinks itself (kind "undetermined")
        if self.find_critical:
            state.critical = self._critical(state)
        self._scales(state)
        return state

    def _critical(self, state: ExplorerState) -> list[PointReport | CriticalFamily]:
        key = (sp.srepr(self._analysis), state.variables, state.bounds)
        if key not in _CRITICAL_CACHE:
            try:
                found = critical_points(self._analysis, state.variables, state.bounds)
            except Exception as exc:  # noqa: BLE001 - a formula may defeat the search
                state.warnings.append(f"the critical points could not be found ({exc}); "
                                      "picks are not snapped")
                return []
            _CRITICAL_CACHE[key] = found
        return list(_CRITICAL_CACHE[key])

    def _scales(self, state: ExplorerState) -> None:
        """Typical |g| and |λ| over the region: they set arrow lengths and the GD step."""
        (x0, x1), (y0, y1) = state.bounds
        xs, ys = np.meshgrid(np.linspace(x0, x1, 31), np.linspace(y0, y1, 31))
        pts = np.array([xs.ravel(), ys.ravel()])
        _, grad_fn, hess_fn = compile_numeric(self._analysis, state.variables)
        with np.errstate(all="ignore"):
            g = np.linalg.norm(grad_fn(pts), axis=0)
            H = np.moveaxis(hess_fn(pts), -1, 0)
            ok = np.all(np.isfinite(H), axis=(1, 2))
            lam = np.abs(np.linalg.eigvalsh(H[ok])).max(axis=1) if ok.any() else np.ones(1)
        g = g[np.isfinite(g) & (g > 0)]
        lam = lam[np.isfinite(lam) & (lam > 0)]
        self._g_ref = float(np.median(g)) if g.size else 1.0
        self._lam_ref = float(np.median(lam)) if lam.size else 1.0
        self._lam_big = float(np.percentile(lam, 95)) if lam.size else 1.0

    @property
    def width(self) -> float:
        """Width of the view: the larger side of the box."""
        return max(hi - lo for lo, hi in self.state.bounds)

    def _default_point(self) -> tuple[float, float]:
        (x0, x1), (y0, y1) = self.state.bounds
        return (round(x0 + 0.62 * (x1 - x0), 3), round(y0 + 0.66 * (y1 - y0), 3))

    def _nearest_critical(self, p: np.ndarray) -> PointReport | None:
        best, best_d = None, self.snap_radius * self.width
        for item in self.state.critical:
            if isinstance(item, PointReport):
                d = float(np.linalg.norm(item.point - p))
                if d <= best_d:
                    best, best_d = item, d
        return best

    def pick(self, point: Sequence[float]) -> PointReport:
        """Analyse a point (snapping to a critical point within snap_radius·width); redraw."""
        p = np.asarray(point, dtype=float).reshape(-1)
        if p.shape != (2,) or not np.all(np.isfinite(p)):
            raise ValueError("point must be two finite numbers, e.g. (0.5, -1.0)")
        st = self.state
        snapped = self._nearest_critical(p)
        if snapped is not None:
            report = snapped
        else:
            try:
                report = analyze_point(self._analysis, st.variables, p)
            except Exception as exc:  # noqa: BLE001 - report it, never crash the view
                names = ", ".join(map(str, st.variables))
                msg = (f"cannot analyse ({names}) = ({_fmt(p[0])}, {_fmt(p[1])}): {exc}. "
                       "The loss, its gradient or its Hessian is not defined there.")
                st.point, st.report, st.snapped, st.error = p, None, False, msg
                self._refresh()
                raise ValueError(msg) from None
        st.point = report.point.copy() if snapped is not None else p
        st.report, st.snapped = report, snapped is not None
        if st.error.startswith("cannot analyse"):
            st.error = ""
        self._refresh()
        return report

    def set_surface(self, surface: str | Surface | sp.Expr,
                    bounds: Sequence[tuple[float, float]] | None = None,
                    variables: Sequence[sp.Symbol | str] | None = None) -> bool:
        """Switch surface (name, Surface, formula text or expression); False keeps the old one."""
        old_analysis = self._analysis
        try:
            new = self._load(surface, variables, bounds)
        except ValueError as exc:
            self._analysis = old_analysis
            what = f"Your formula {surface!r} was not plotted" if isinstance(surface, str) \
                else "The surface was not changed"
            self.state.error = f"{what}: {exc}"
            self._refresh()
            return False
        self.state = new
        if self._fig is not None:
            self._draw_surface()
        self.pick(self._default_point())
        self._sync_controls()
        return True

    def gd_path(self, start: Sequence[float] | None = None) -> np.ndarray:
        """Gradient-descent path from the point (lr: given, else 0.5 / typical max |λ|)."""
        st = self.state
        p0 = np.asarray(st.point if start is None else start, dtype=float)
        lr = self.lr if self.lr is not None else 0.5 / max(self._lam_big, 1e-12)
        _, grad_fn, _ = compile_numeric(self._analysis, st.variables)
        steps = self.gd_steps if self.gd_steps > 0 else 200
        try:
            path = gradient_descent(grad_fn, p0, lr, steps)
        except ValueError:
            return p0[None, :]
        return path

    # ------------------------------------------------------------------ panel
    def panel_html(self) -> str:
        """The side panel as HTML with LaTeX ($…$) for ipywidgets.HTMLMath."""
        st = self.state
        names = [sp.latex(v) for v in st.variables]
        title = MENU_NAMES.get(st.name, "your formula" if st.name == CUSTOM else st.name)
        label = st.label if len(st.label) < 300 else sp.latex(sp.Symbol("L"))
        formula = f"${label}$"
        if st.name == CUSTOM:
            formula = f"$L({', '.join(names)}) = {label}$"
            terms = st.expr.as_ordered_terms() if isinstance(st.expr, sp.Add) else []
            if 1 < len(terms) <= 40 and len(st.label) < 300:
                # one $…$ per term, so a long formula wraps between terms in a narrow panel
                pieces = [sp.latex(t) for t in terms]
                formula = f"$L({', '.join(names)}) = {pieces[0]}$" + "".join(
                    f"<wbr>${{}} - {t[1:]}$" if t.startswith("-") else f"<wbr>${{}} + {t}$"
                    for t in pieces[1:])
        # one row per fact, so the panel stays readable when it is narrow; a long formula
        # scrolls inside its own row instead of widening (or being clipped with) the panel
        parts = [_row(f"<b>{html.escape(title)}</b>"),
                 _row(formula, SCROLL_CSS + "padding-bottom:2px")]
        if st.error:
            # the explanation wraps like prose; the formula and its ^ marker stay monospace and
            # aligned (they scroll sideways if the formula is long)
            prose, _, code = st.error.partition("\n")
            block = (f'<pre style="white-space:pre;{SCROLL_CSS}margin:2px 0 0 0;'
                     f'font-size:12px;color:inherit;background:none">{html.escape(code)}</pre>'
                     if code.strip() else "")
            parts.append(_row(f"<b>⚠</b> {html.escape(prose)}{block}",
                              "color:#b00020;border-left:3px solid #b00020;padding-left:6px"))
        for w in st.warnings:
            parts.append(_row(f"⚠ {html.escape(w)}",
                              "color:#8a5300;border-left:3px solid #e69f00;padding-left:6px"))
        rep = st.report
        if rep is None:
            return "".join(parts)
        pt = ", ".join(_fmt(c) for c in (st.point if st.point is not None else rep.point))
        parts.append(_row(f"$\\theta = ({', '.join(names)}) = ({pt})$"))
        if st.snapped:
            parts.append(_row(f"<i>snapped to this critical point: your pick was within "
                              f"{self.snap_radius:.0%} of the view's width</i>",
                              "font-size:12px;color:#555"))
        kind_color = style.KIND_COLORS.get(rep.kind, "black")
        verdict = f'<b style="color:{kind_color}">{html.escape(rep.kind)}</b>'
        if rep.resolved_kind != rep.kind:
            rc = style.KIND_COLORS.get(rep.resolved_kind, "black")
            verdict += f' → resolved: <b style="color:{rc}">{html.escape(rep.resolved_kind)}</b>'
        parts.append(_row(f"$L(\\theta) = {_fmt(rep.value)}$"))
        if rep.smooth:
            parts += [
                _row(f"$g = \\nabla L = {_latex_vec(rep.gradient)}$, "
                     f"$\\|g\\| = {_fmt(rep.grad_norm)}$"),
                _row(f"$H = {_latex_mat(rep.hessian)}$"),
            ]
            scale = max(1.0, float(np.max(np.abs(rep.eigenvalues))))
            for i, lam in enumerate(rep.eigenvalues):
                color = _sign_color(float(lam), rep.eig_tol * scale)
                parts.append(_row(
                    f'<span style="color:{color}">$\\lambda_{i + 1} = {_fmt(lam)}$</span> '
                    f"along $v_{i + 1} = {_latex_vec(rep.eigenvectors[:, i])}$"))
        else:
            parts.append(_row("$g$ and $H$ do not exist here (a kink of $L$)"))
        parts += [
            _row(f"kind: {verdict}" + (" (exact)" if rep.exact else "")),
            _row(f"<i>why</i>: {html.escape(rep.reason)}"),
            _row(html.escape(self._step_text(rep))),
        ]
        if self.gd_steps > 0:
            parts.append(_row(html.escape(self._gd_text()), "color:#333"))
        return "".join(parts)

    def _gd_text(self) -> str:
        """One sentence on the gradient-descent path drawn from the point."""
        path = self.gd_path()
        lr = self.lr if self.lr is not None else 0.5 / max(self._lam_big, 1e-12)
        steps = len(path) - 1
        if steps == 0:
            return (f"Gradient descent (lr = {_fmt(lr)}) diverges from here: no path is drawn.")
        end = ", ".join(_fmt(c) for c in path[-1])
        moved = float(np.linalg.norm(path[-1] - path[0]))
        if moved < 1e-9 * self.width:
            return (f"Gradient descent (white line, lr = {_fmt(lr)}) does not move: g = 0 "
                    "here, so it stays on this critical point.")
        value_fn = compile_numeric(self._analysis, self.state.variables)[0]
        with np.errstate(all="ignore"):
            value = float(value_fn(path[-1]))
        return (f"Gradient descent (white line, lr = {_fmt(lr)}, {steps} steps) ends at "
                f"({end}) with L = {_fmt(value)}.")

    def _step_text(self, rep: PointReport) -> str:
        esc = escape_direction(rep.hessian) if np.all(np.isfinite(rep.hessian)) else None
        if not rep.smooth:
            return ("L has a kink here: there is no gradient and no Hessian, so neither −g nor "
                    "an eigenvector gives a step (see why).")
        if rep.kind == "not critical":
            return ("Downhill: a small step −η·g lowers L by about η‖g‖² "
                    f"= η·{_fmt(rep.grad_norm**2)} (white arrow).")
        if esc is not None:
            lam, u = esc
            return (f"Escape: λ = {_fmt(lam)} < 0, so a step η·u along its eigenvector "
                    f"u = ({', '.join(_fmt(c) for c in u)}) lowers L by about ½|λ|η² "
                    f"= {_fmt(abs(lam) / 2)}·η² (dashed arrow).")
        if rep.resolved_kind == "saddle point":
            return ("No eigenvalue is negative, so the second-order model shows no way down; "
                    "higher-order terms do (see why).")
        return "No eigenvalue is negative: the second-order model has no way down here."

    # ------------------------------------------------------------------ drawing
    def figure(self) -> Figure:
        """The explorer's figure (made without pyplot, an Agg canvas until a widget takes it).

        Its size in pixels is fixed (``FIG_SIZE`` at ``FIG_DPI``, whatever the rc style says), so
        the widget's layout can rely on it: 550 × 510 px, or 900 × 470 px with the 3-D view.
        """
        if self._fig is None:
            size = FIG_SIZE_3D if self.show_3d else FIG_SIZE
            fig = Figure(figsize=size, dpi=FIG_DPI, layout="none")
            FigureCanvasAgg(fig)
            w, h = size[0] * FIG_DPI, size[1] * FIG_DPI
            # the map's box in pixels: room for tick labels and the axis label on the left, the
            # legend below and the title above; the colour bar is placed next to the drawn map
            left, bottom, side = 62, 80, min(396, h - 80 - 34)
            self._ax = fig.add_axes((left / w, bottom / h, side / w, side / h))
            self._cax = fig.add_axes((0.0, 0.0, 0.01, 0.01))
            if self.show_3d:
                self._ax3d = fig.add_axes((0.575, 0.07, 0.37, 0.86), projection="3d")
                self._ax3d.patch.set_alpha(0.0)  # never hide the colour bar's label
            self._fig = fig
            fig.canvas.mpl_connect("button_press_event", self._on_click)
            fig.canvas.mpl_connect("draw_event", self._on_draw)
            self._draw_surface()
            self._draw_point()
        return self._fig

    # Per-point artists are "animated": a full draw (first display, resize, new surface)
    # skips them, stores the background and then draws them on top (draw_event); a pick
    # restores that background and redraws only them (blitting), so it costs a few artists
    # instead of the whole figure with its ticks, colour bar and legend.
    def _overlays(self) -> list[Any]:
        art = self._art
        items = [art["taylor"], art["gd"], *art["eig"], art["grad"], art["escape"],
                 *art["eig_text"], art["point"], self._ax.title, art.get("point3d")]
        return [a for a in items if a is not None and a.get_visible()]

    def _on_draw(self, event: Any) -> None:
        """After a full draw: keep the background, then draw the per-point artists on it."""
        canvas = self._fig.canvas
        if hasattr(canvas, "_force_full"):
            canvas._force_full = True  # a web canvas: send this frame whole (see _redraw)
        renderer = canvas.get_renderer()
        self._bg = canvas.copy_from_bbox(self._fig.bbox)
        self._bg_size = (int(renderer.width), int(renderer.height))
        for a in self._overlays():
            a.axes.draw_artist(a)

    def _on_click(self, event: Any) -> None:
        """Mouse click on the contour map: pick that point (ignored while zooming/panning)."""
        if event.inaxes is not self._ax or event.button != 1 or event.xdata is None:
            return
        toolbar = getattr(self._fig.canvas, "toolbar", None)
        if toolbar is not None and getattr(toolbar, "mode", "") != "":
            return  # zoom or pan is active
        try:
            self.pick((event.xdata, event.ydata))
        except ValueError:
            pass  # the message is in the panel
        self._sync_controls()

    def _surface_on(self, ax: Any, cax: Any = None) -> None:
        """Contours of the loss (log scale when its range is huge) and the critical points."""
        st = self.state
        expr, vars_, box = self._analysis, st.variables, st.bounds
        (x0, x1), (y0, y1) = box
        _, _, hess_fn = compile_numeric(expr, vars_)
        xs, ys = np.meshgrid(np.linspace(x0, x1, 41), np.linspace(y0, y1, 41))
        value_fn = compile_numeric(expr, vars_)[0]
        with np.errstate(all="ignore"):
            z = value_fn(np.array([xs, ys]))
        undefined = not np.all(np.isfinite(z))
        z = z[np.isfinite(z)]
        log = bool(z.size and np.ptp(z) > 12 * max(np.median(z) - z.min(), 1e-12))
        ax.set_facecolor("0.82")  # undefined points show this grey
        plot_surface_contours(expr, vars_, box, ax=ax, levels=24, n=self.resolution, log=log,
                              colorbar=False)
        filled = [c for c in ax.collections if isinstance(c, ContourSet) and c.filled]
        label = r"$\log_{10}(1 + L - \min L)$" if log else "loss $L$"
        if cax is not None:  # the live figure: fixed font sizes, whatever the rc style says
            ax.tick_params(labelsize=9)
            ax.xaxis.label.set_fontsize(10.5)
            ax.yaxis.label.set_fontsize(10.5)
            cax.clear()
            if filled:
                bar = ax.figure.colorbar(filled[-1], cax=cax)
                bar.set_label(label, fontsize=9.5)
                cax.tick_params(labelsize=9)
        elif filled:
            ax.figure.colorbar(filled[-1], ax=ax, label=label, shrink=0.85)
        if st.critical:
            plot_critical_points(st.critical, ax=ax)
            leg = ax.get_legend()
            if leg is not None and cax is not None:  # live view: legend below the map
                handles, labels = ax.get_legend_handles_labels()
                leg.remove()
                below = offset_copy(ax.transAxes, fig=ax.figure, y=-56, units="dots")
                ax.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0),
                          bbox_transform=below, ncol=3, fontsize=8.5, frameon=False,
                          handletextpad=0.4, columnspacing=1.2, borderaxespad=0)
        if undefined:
            ax.text(0.99, 0.01, "grey: L undefined", transform=ax.transAxes, ha="right",
                    va="bottom", fontsize=8, zorder=11,
                    bbox=dict(boxstyle="round,pad=0.2", fc="0.82", lw=0))
        title = MENU_NAMES.get(st.name, "your formula")
        ax.set_title(title, fontsize=10)

    def _make_artists(self, ax: Any, animated: bool = False) -> dict[str, Any]:
        art: dict[str, Any] = {"animated": animated}
        art["taylor"] = None
        art["gd"] = ax.plot([], [], "-", color="white", lw=1.6, alpha=0.95, zorder=6,
                            label="_nolegend_")[0]
        art["eig"] = [ax.plot([], [], "-", lw=3.2, solid_capstyle="round", zorder=6)[0]
                      for _ in range(2)]
        art["eig_text"] = [ax.text(0, 0, "", fontsize=8.5, zorder=8, ha="center", va="center",
                                   clip_on=True,
                                   bbox=dict(boxstyle="round,pad=0.15", fc="white", alpha=0.8,
                                             lw=0)) for _ in range(2)]
        art["grad"] = FancyArrowPatch((0, 0), (0, 0), arrowstyle="-|>", mutation_scale=16,
                                      color="white", lw=2.2, zorder=7)
        art["escape"] = FancyArrowPatch((0, 0), (0, 0), arrowstyle="-|>", mutation_scale=16,
                                        color=style.NEGATIVE_COLOR, lw=2.2, ls="--", zorder=7)
        for key in ("grad", "escape"):
            ax.add_patch(art[key])
            art[key].set_visible(False)
        art["point"] = ax.plot([], [], "o", ms=9, mfc="white", mec="black", mew=1.5,
                               zorder=9)[0]
        for a in [art["gd"], *art["eig"], *art["eig_text"], art["grad"], art["escape"],
                  art["point"]]:
            a.set_animated(animated)
        if animated:
            ax.title.set_animated(True)
        return art

    def _draw_surface(self) -> None:
        """Redraw everything that depends on the surface (not on the point)."""
        ax = self._ax
        ax.clear()
        self._bg = None
        self._surface_on(ax, self._cax)
        self._place_colorbar()
        self._art = self._make_artists(ax, animated=True)
        if self._ax3d is not None:
            self._surface_3d()

    def _place_colorbar(self) -> None:
        """Put the colour bar right next to the map as drawn (equal aspect shrinks its box)."""
        ax, cax, fig = self._ax, self._cax, self._fig
        ax.apply_aspect()  # fix the map's box now, so data→pixel transforms hold before a draw
        pos = ax.get_position()
        w, h = fig.get_size_inches() * fig.dpi
        cax.set_position((pos.x1 + 12 / w, pos.y0, 12 / w, pos.height))

    def _surface_3d(self) -> None:
        st, ax3 = self.state, self._ax3d
        ax3.clear()
        (x0, x1), (y0, y1) = st.bounds
        X, Y = np.meshgrid(np.linspace(x0, x1, 60), np.linspace(y0, y1, 60))
        value_fn = compile_numeric(self._analysis, st.variables)[0]
        with np.errstate(all="ignore"):
            Z = value_fn(np.array([X, Y]))
        Z[~np.isfinite(Z)] = np.nan
        ax3.plot_surface(X, Y, Z, cmap=style.LOSS_CMAP, linewidth=0, antialiased=False,
                         alpha=0.85)
        ax3.set_xlabel(f"${sp.latex(st.variables[0])}$")
        ax3.set_ylabel(f"${sp.latex(st.variables[1])}$")
        ax3.set_zlabel("$L$")
        for axis in (ax3.xaxis, ax3.yaxis, ax3.zaxis):
            axis.set_major_locator(MaxNLocator(5))
        ax3.tick_params(labelsize=8, pad=1)
        self._art["point3d"] = ax3.plot([], [], [], "o", ms=7, mfc="white", mec="black",
                                        zorder=10, animated=True)[0]

    def _point_on(self, ax: Any, art: dict[str, Any]) -> None:
        """Update the per-point artists: point, −g, eigen-axes, Taylor contours, escape, GD."""
        st, rep = self.state, self.state.report
        for key in ("grad", "escape"):
            art[key].set_visible(False)
        for line, text in zip(art["eig"], art["eig_text"], strict=True):
            line.set_data([], [])
            text.set_text("")
        art["gd"].set_data([], [])
        if art["taylor"] is not None:
            art["taylor"].remove()
            art["taylor"] = None
        if st.point is None:
            return
        p = st.point
        art["point"].set_data([p[0]], [p[1]])
        if rep is None:
            art["point"].set_markerfacecolor(style.NEGATIVE_COLOR)
            ax.set_title(f"{MENU_NAMES.get(st.name, 'your formula')}: not defined at this point",
                         fontsize=10)
            return
        art["point"].set_markerfacecolor("white")
        W = self.width
        # −g, length growing with |g| (saturating at 0.2·width)
        if rep.kind == "not critical" and rep.grad_norm > 0:
            d = -rep.gradient / rep.grad_norm
            length = max(0.02, 0.2 * math.tanh(rep.grad_norm / self._g_ref)) * W
            art["grad"].set_positions(tuple(p), tuple(p + length * d))
            art["grad"].set_visible(True)
        # eigenvector axes, coloured by the sign of λ, length growing with |λ|
        scale = max(1.0, float(np.max(np.abs(rep.eigenvalues))))
        esc = (escape_direction(rep.hessian)
               if rep.kind != "not critical" and np.all(np.isfinite(rep.hessian)) else None)
        away = -rep.gradient if rep.kind == "not critical" else np.zeros(2)
        if esc is not None:
            u = esc[1] if float(np.dot(rep.gradient, esc[1])) <= 0 else -esc[1]
            away = u
        for i, (line, text) in enumerate(zip(art["eig"], art["eig_text"], strict=True)):
            lam, v = float(rep.eigenvalues[i]), rep.eigenvectors[:, i]
            if not math.isfinite(lam):  # a kink: no Hessian, no eigen-axes
                continue
            half = (0.03 + 0.15 * math.tanh(abs(lam) / self._lam_ref)) * W
            color = _sign_color(lam, rep.eig_tol * scale)
            a, b = p - half * v, p + half * v
            line.set_data([a[0], b[0]], [a[1], b[1]])
            line.set_color(color)
            side = -1.0 if float(np.dot(v, away)) > 0 else 1.0  # label away from the arrows
            tip = p + side * (half + 0.05 * W) * v
            text.set_position((tip[0], tip[1]))
            text.set_text(f"λ{'₁₂'[i]} = {_fmt(lam).replace('-', '−')}")  # a true minus sign
            text.set_color(color)
        # contours of the second-order Taylor model in a window around the point
        (x0, x1), (y0, y1) = st.bounds
        rx, ry = 0.22 * (x1 - x0), 0.22 * (y1 - y0)
        gx, gy = np.meshgrid(np.linspace(p[0] - rx, p[0] + rx, 31),
                             np.linspace(p[1] - ry, p[1] + ry, 31))
        q = taylor_model(np.stack([gx, gy], axis=-1), p, rep.value, rep.gradient, rep.hessian)
        span = float(np.max(np.abs(q - rep.value)))
        if np.isfinite(span) and span > 1e-12 * max(1.0, abs(rep.value)):
            levels = rep.value + span * np.linspace(-1, 1, 11)[1:-1]
            levels = levels[(levels > q.min()) & (levels < q.max())]
            if levels.size:
                art["taylor"] = ax.contour(gx, gy, q, levels=np.unique(levels), colors="white",
                                           linewidths=0.9, linestyles="dashed", zorder=5)
                art["taylor"].set_animated(art["animated"])
        # escape step along the most negative eigenvector (sign: not uphill)
        if esc is not None:
            art["escape"].set_positions(tuple(p), tuple(p + 0.22 * W * u))
            art["escape"].set_visible(True)
        if self.gd_steps > 0:
            path = self.gd_path()
            art["gd"].set_data(path[:, 0], path[:, 1])
        verdict = rep.kind if rep.kind != "degenerate" else f"degenerate → {rep.resolved_kind}"
        if not rep.smooth:
            verdict = f"kink (no Hessian) → {rep.resolved_kind}"
        snap = " (snapped)" if st.snapped else ""
        ax.set_title(f"{MENU_NAMES.get(st.name, 'your formula')}: {verdict}{snap}", fontsize=10)

    def _draw_point(self) -> None:
        self._point_on(self._ax, self._art)
        if self._ax3d is not None and self.state.point is not None and self.state.report:
            rep = self.state.report
            self._art["point3d"].set_data_3d([rep.point[0]], [rep.point[1]], [rep.value])

    def _refresh(self) -> None:
        """Push the state to the figure (blitting when possible) and to the panel."""
        if self._fig is not None and self._art:
            self._draw_point()
            self._redraw()
        if self._panel is not None:
            self._panel.value = self.panel_html()

    def _redraw(self) -> None:
        canvas = self._fig.canvas
        if hasattr(canvas, "_force_full"):
            # A web canvas (ipympl) sends "diff" frames by default, and its front end drops a
            # frame that arrives while the previous one is still loading: after a burst (a
            # slider drag, a surface switch) a lost diff left stale points on the map. Full
            # frames cannot go stale; they cost ~10 ms more to encode.
            canvas._force_full = True
        renderer = getattr(canvas, "renderer", None)
        fresh = (self._bg is not None and renderer is not None
                 and (int(renderer.width), int(renderer.height)) == self._bg_size)
        if fresh:
            canvas.restore_region(self._bg)
            for a in self._overlays():
                a.axes.draw_artist(a)
            canvas.blit(self._fig.bbox)
        else:
            canvas.draw_idle()  # Agg draws now; a web canvas asks its front end to draw
        if self._image is not None:
            self._image.value = self._buffer_png()

    def _buffer_png(self) -> bytes:
        from PIL import Image

        canvas = self._fig.canvas
        if getattr(canvas, "renderer", None) is None or self._bg is None:
            canvas.draw()
        buf = io.BytesIO()
        Image.fromarray(np.asarray(canvas.buffer_rgba())).save(buf, format="png")
        return buf.getvalue()

    def png(self) -> bytes:
        """The current figure as PNG bytes (the canvas as it is on screen)."""
        self.figure()
        self._fig.canvas.draw()
        return self._buffer_png()

    def static_figure(self, point: Sequence[float] | None = None, ax: Any = None) -> Any:
        """The explorer's picture at ``point`` on a normal axes (for a notebook's static cell)."""
        if point is not None:
            self.pick(point)
        if ax is None:
            import matplotlib.pyplot as plt

            _, ax = plt.subplots(figsize=(6.4, 5.2))
        self._surface_on(ax)
        art = self._make_artists(ax)
        self._point_on(ax, art)
        rep = self.state.report
        if rep is not None:
            lam = ", ".join(_fmt(v) for v in rep.eigenvalues)
            info = (f"‖g‖ = {_fmt(rep.grad_norm)}\neigenvalues: {lam}" if rep.smooth
                    else "kink: no gradient, no Hessian")
            ax.text(0.02, 0.98, f"L = {_fmt(rep.value)}, {info}", transform=ax.transAxes,
                    va="top", fontsize=9, zorder=11,
                    bbox=dict(boxstyle="round", fc="white", alpha=0.85, lw=0))
        return ax

    # ------------------------------------------------------------------ widget view
    def widget(self, backend: str = "auto") -> Any:
        """The explorer as ipywidgets, laid out to fit the notebook's width.

        A row of controls (surface menu, formula box, gradient-descent switch; it wraps when
        narrow) above the map — an ipympl canvas (clicks) or a PNG image — with its sliders,
        and the side panel: to the right of the map when the output area has room for both
        (map + ``PANEL_MIN_WIDTH``), below it otherwise. Nothing is clipped: a formula too long
        for the panel scrolls in its own row.
        """
        import ipywidgets as W

        if backend not in ("auto", "ipympl", "image"):
            raise ValueError("backend must be 'auto', 'ipympl' or 'image'")
        fig = self.figure()
        fig_w = round(float(fig.get_size_inches()[0] * fig.dpi))
        use_ipympl = backend == "ipympl" or (backend == "auto" and _ipympl_available())
        if use_ipympl:
            nbagg = _import_ipympl()
            with warnings.catch_warnings():  # ipympl 0.10's Toolbar trips a traitlets notice
                warnings.filterwarnings("ignore", "Passing unrecognized arguments",
                                        DeprecationWarning)
                canvas = nbagg.Canvas(fig)
                nbagg.FigureManager(canvas, 0)
            self._bg = None
            canvas.header_visible = False
            canvas.footer_visible = False
            canvas.resizable = False
            canvas.toolbar_position = "left"
            self._image = None
            view = canvas
        else:
            FigureCanvasAgg(fig)
            self._bg = None
            self._image = W.Image(value=self.png(), format="png",
                                  layout=W.Layout(width=f"{fig_w}px", max_width="100%",
                                                  height="auto"))
            view = self._image
        st = self.state
        names = ", ".join(map(str, st.variables if st.name == CUSTOM else self.custom_variables))
        options = [(MENU_NAMES.get(k, k), k) for k in MENU_FIRST if k in SURFACES]
        options += [(MENU_NAMES.get(k, k), k) for k in SURFACES if k not in MENU_FIRST]
        options.append(("your formula (type it below)", CUSTOM))
        menu = W.Dropdown(options=options, value=st.name, description="surface",
                          style={"description_width": "56px"},
                          layout=W.Layout(width="285px", margin="2px 14px 2px 0"))
        text = W.Text(value=st.formula, placeholder="e.g. x^4 - x^2 + y^2",
                      description=f"L({names}) =", continuous_update=False,
                      style={"description_width": "initial"}, layout=W.Layout(width="255px"))
        button = W.Button(description="plot", tooltip="plot your formula", button_style="info",
                          layout=W.Layout(width="56px", margin="2px 14px 2px 4px"))
        gd = W.Checkbox(value=self.gd_steps > 0, description="gradient-descent path",
                        indent=False, layout=W.Layout(width="auto", margin="2px 16px 2px 0"))
        sliders = []
        for v, (lo, hi) in zip(st.variables, st.bounds, strict=True):
            sliders.append(W.FloatSlider(
                value=float(st.point[len(sliders)]), min=lo, max=hi, step=(hi - lo) / 200,
                description=f"{v}", readout_format=".3f", continuous_update=use_ipympl,
                style={"description_width": "36px"}, layout=W.Layout(width="100%")))
        self._panel = W.HTMLMath(value=self.panel_html(), layout=W.Layout(
            flex=f"1 1 {PANEL_MIN_WIDTH}px", min_width=f"{PANEL_MIN_WIDTH}px",
            max_width=f"{PANEL_MAX_WIDTH}px", overflow="auto", margin="0"))
        self._controls = dict(menu=menu, text=text, sliders=sliders, gd=gd)

        def switch(surface: str) -> None:
            # finding the critical points of a new surface can take a second or two: say so at
            # the top of the panel (no layout jump) and lock the menu until it is done
            what = MENU_NAMES.get(surface, "your formula")
            self._panel.value = _row(f"<i>working: finding the critical points of "
                                     f"{html.escape(what)}…</i>",
                                     "color:#555;border-left:3px solid #999;padding-left:6px"
                                     ) + self.panel_html()
            menu.disabled = button.disabled = True
            try:
                self.set_surface(surface)
                self._sync_controls()
            finally:
                menu.disabled = button.disabled = False
                self._panel.value = self.panel_html()

        def on_menu(change: dict) -> None:
            if self._syncing:
                return
            if change["new"] == CUSTOM:
                if text.value.strip():
                    switch(text.value)
                return
            switch(change["new"])

        def on_formula(_: Any = None) -> None:
            if self._syncing or not text.value.strip():
                return
            switch(text.value)

        def on_slider(_: dict) -> None:
            if self._syncing:
                return
            try:
                self.pick([s.value for s in sliders])
            except ValueError:
                pass  # shown in the panel

        def on_gd(change: dict) -> None:
            self.gd_steps = 200 if change["new"] else 0
            self._refresh()

        menu.observe(on_menu, names="value")
        text.observe(lambda ch: on_formula(), names="value")
        button.on_click(on_formula)
        for s in sliders:
            s.observe(on_slider, names="value")
        gd.observe(on_gd, names="value")
        controls = W.HBox([menu, W.HBox([text, button]), gd], layout=W.Layout(
            flex_flow="row wrap", align_items="center", width="100%", margin="0 0 6px 0"))
        left = W.VBox([view, *sliders], layout=W.Layout(
            flex="0 0 auto", width=f"{fig_w}px", margin="0 12px 0 0"))
        body = W.HBox([left, self._panel], layout=W.Layout(
            flex_flow="row wrap", align_items="flex-start", width="100%"))
        return W.VBox([controls, body], layout=W.Layout(width="100%", overflow="auto"))

    def show(self, backend: str = "auto") -> None:
        """Display the widget (same as putting ``explorer.widget()`` last in a cell)."""
        from IPython.display import display

        display(self.widget(backend))

    def _sync_controls(self) -> None:
        """Make menu, formula box and sliders show the state (without triggering picks)."""
        c = self._controls
        if not c:
            return
        st = self.state
        self._syncing = True
        try:
            c["menu"].value = st.name
            if st.name == CUSTOM:
                c["text"].value = st.formula
            for s, (lo, hi), v in zip(c["sliders"], st.bounds, st.point, strict=True):
                # one state message per slider: min, max, step and value arrive together, so
                # the front end never rounds a stale value to the new step and sends it back
                with s.hold_sync(), s.hold_trait_notifications():
                    s.max = max(hi, s.min)
                    s.min = lo
                    s.max = hi
                    s.step = (hi - lo) / 200
                    s.value = float(np.clip(v, lo, hi))
                s.description = str(st.variables[c["sliders"].index(s)])
        finally:
            self._syncing = False
