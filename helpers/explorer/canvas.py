"""The explorer's pictures: the contour map with its colour bar, a 3-D view, the PNG fallback.

:class:`ExplorerFigure` draws on a matplotlib Figure made without pyplot (works with any
backend). The per-point artists are "animated": a full draw (first display, resize, new
surface) skips them, stores the background and then draws them on top (``draw_event``); a
pick restores that background and redraws only them (blitting), so it costs a few artists
instead of the whole figure with its ticks, colour bar and legend.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import numpy as np
import sympy as sp
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.contour import ContourSet
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import offset_copy

from helpers import style
from helpers.explorer.marks import (
    TEXT_PT,
    TITLE_PT,
    PointArtists,
    make_artists,
    point_on,
    surface_title,
)
from helpers.explorer.model import ExplorerModel, ExplorerState, fmt
from helpers.plotting import plot_critical_points, plot_surface_contours
from helpers.symbolic import compile_numeric

FIG_DPI = 100  # the live figure's pixel size does not depend on the notebook's rc style
FIG_SIZE = (5.5, 5.1)  # inches: 550 × 510 px (the widget lays itself out around this)
FIG_SIZE_3D = (9.0, 4.7)
STATIC_SIZE = (6.4, 5.2)  # inches: static_figure's own axes
UNDEFINED_GREY = "0.82"  # the map's background: where L is undefined
MAP_LEFT, MAP_BOTTOM = 76, 108  # px: room for the tick and axis labels, and the legend below
LEGEND_GAP = 50  # px from the map's bottom edge to the legend: below the axis label


# ------------------------------------------------------------------ the surface
def _log_scale(state: ExplorerState) -> tuple[bool, bool]:
    """(log colour scale, L undefined somewhere) from a 41×41 grid of the region."""
    (x0, x1), (y0, y1) = state.bounds
    xs, ys = np.meshgrid(np.linspace(x0, x1, 41), np.linspace(y0, y1, 41))
    value_fn = compile_numeric(state.expr, state.variables)[0]
    with np.errstate(all="ignore"):
        z = value_fn(np.array([xs, ys]))
    undefined = not np.all(np.isfinite(z))
    z = z[np.isfinite(z)]
    log = bool(z.size and np.ptp(z) > 12 * max(np.median(z) - z.min(), 1e-12))
    return log, undefined


def _colorbar(ax: Any, cax: Any, label: str) -> None:
    """The colour bar: in cax with fixed font sizes (live figure), else beside the axes."""
    filled = [c for c in ax.collections if isinstance(c, ContourSet) and c.filled]
    if cax is not None:  # the live figure: fixed font sizes, whatever the rc style says
        ax.tick_params(labelsize=TEXT_PT)
        ax.xaxis.label.set_fontsize(TITLE_PT)
        ax.yaxis.label.set_fontsize(TITLE_PT)
        cax.clear()
        if filled:
            bar = ax.figure.colorbar(filled[-1], cax=cax)
            bar.set_label(label, fontsize=TEXT_PT)
            cax.tick_params(labelsize=TEXT_PT)
            bar.locator = MaxNLocator(6)  # few, short labels: the bar's column stays narrow
            bar.update_ticks()
    elif filled:
        ax.figure.colorbar(filled[-1], ax=ax, label=label, shrink=0.85)


def _critical_marks(ax: Any, critical: list, live: bool) -> None:
    """Mark the critical points; in the live view the legend goes below the map.

    Under the axis label, centred on the map as far as the figure allows, in as many columns
    (up to three) as fit its width.
    """
    plot_critical_points(critical, ax=ax)
    leg = ax.get_legend()
    if leg is None or not live:
        return
    handles, labels = ax.get_legend_handles_labels()
    leg.remove()
    fig = ax.figure
    below = offset_copy(fig.transFigure, fig=fig, y=-LEGEND_GAP, units="dots")
    renderer = fig.canvas.get_renderer()
    ax.apply_aspect()  # the map's box as drawn
    pos = ax.get_position()
    for ncol in range(min(3, len(labels)), 0, -1):  # as many columns as fit the width
        legend = ax.legend(handles, labels, loc="upper center", ncol=ncol,
                           bbox_to_anchor=(0.5, pos.y0), bbox_transform=below,
                           fontsize=TEXT_PT, frameon=False, handletextpad=0.4,
                           columnspacing=1.0, borderaxespad=0, labelspacing=0.3)
        half = legend.get_window_extent(renderer).width / fig.bbox.width / 2
        if half <= 0.49:
            break
    # under the map, shifted sideways as little as needed to stay inside the figure
    x = min(max((pos.x0 + pos.x1) / 2, half + 0.01), 0.99 - half)
    legend.set_bbox_to_anchor((x, pos.y0), transform=below)


def surface_on(ax: Any, state: ExplorerState, resolution: int, cax: Any = None) -> None:
    """Contours of the loss (log scale when its range is huge) and the critical points."""
    log, undefined = _log_scale(state)
    ax.set_facecolor(UNDEFINED_GREY)  # undefined points show this grey
    plot_surface_contours(state.expr, state.variables, state.bounds, ax=ax, levels=24,
                          n=resolution, log=log, colorbar=False)
    _colorbar(ax, cax, r"$\log_{10}(1 + L - \min L)$" if log else "loss $L$")
    if state.critical:
        _critical_marks(ax, state.critical, live=cax is not None)
    if undefined:
        ax.text(0.99, 0.01, "grey: L undefined", transform=ax.transAxes, ha="right",
                va="bottom", fontsize=TEXT_PT, zorder=11,
                bbox=dict(boxstyle="round,pad=0.2", fc=UNDEFINED_GREY, lw=0))
    ax.set_title(surface_title(state.name), fontsize=TITLE_PT)


def empty_axes(ax: Any) -> None:
    """Remove what was drawn on the axes but keep its ticks (ax.clear() makes them anew)."""
    for artist in [*ax.collections, *ax.lines, *ax.patches, *ax.texts, *ax.images]:
        artist.remove()
    legend = ax.get_legend()
    if legend is not None:
        legend.remove()


def surface_3d(ax3: Any, state: ExplorerState) -> Any:
    """The loss as a 3-D surface; returns the (empty) marker of the point on it."""
    ax3.clear()
    (x0, x1), (y0, y1) = state.bounds
    X, Y = np.meshgrid(np.linspace(x0, x1, 60), np.linspace(y0, y1, 60))
    value_fn = compile_numeric(state.expr, state.variables)[0]
    with np.errstate(all="ignore"):
        Z = value_fn(np.array([X, Y]))
    Z[~np.isfinite(Z)] = np.nan
    ax3.plot_surface(X, Y, Z, cmap=style.LOSS_CMAP, linewidth=0, antialiased=False,
                     alpha=0.85)
    ax3.set_xlabel(f"${sp.latex(state.variables[0])}$", fontsize=TEXT_PT)
    ax3.set_ylabel(f"${sp.latex(state.variables[1])}$", fontsize=TEXT_PT)
    ax3.set_zlabel("$L$", fontsize=TEXT_PT)
    for axis in (ax3.xaxis, ax3.yaxis, ax3.zaxis):
        axis.set_major_locator(MaxNLocator(5))
    ax3.tick_params(labelsize=TEXT_PT, pad=1)
    return ax3.plot([], [], [], "o", ms=7, mfc="white", mec="black", zorder=10,
                    animated=True)[0]


def draw_static(model: ExplorerModel, resolution: int, ax: Any = None) -> Any:
    """The explorer's picture on a normal axes (a new pyplot figure when ax is None)."""
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=STATIC_SIZE)
    surface_on(ax, model.state, resolution)
    point_on(ax, make_artists(ax), model)
    rep = model.state.report
    if rep is not None:
        lam = ", ".join(fmt(v) for v in rep.eigenvalues)
        info = (f"‖g‖ = {fmt(rep.grad_norm)}\neigenvalues: {lam}" if rep.smooth
                else "kink: no gradient, no Hessian")
        ax.text(0.02, 0.98, f"L = {fmt(rep.value)}, {info}", transform=ax.transAxes,
                va="top", fontsize=TEXT_PT, zorder=11,
                bbox=dict(boxstyle="round", fc="white", alpha=0.85, lw=0))
    return ax


# ------------------------------------------------------------------ the live figure
class ExplorerFigure:
    """The live figure of a model: map, colour bar, optional 3-D view; picks redraw by blitting."""

    def __init__(self, model: ExplorerModel, *, show_3d: bool = False,
                 resolution: int = 120) -> None:
        self.model = model
        self.show_3d = bool(show_3d)
        self.resolution = int(resolution)
        self.fig: Figure | None = None
        self.ax: Any = None
        self.ax3d: Any = None
        self.cax: Any = None
        self.artists: PointArtists | None = None
        self.image: Any = None  # a widget whose .value gets the PNG after each redraw
        self.on_click: Callable[[tuple[float, float]], None] | None = None
        self._bg: Any = None  # the canvas without the per-point artists (for blitting)
        self._bg_size: tuple[int, int] = (0, 0)

    def figure(self) -> Figure:
        """The figure (made without pyplot, an Agg canvas until a widget takes it).

        Its size in pixels is fixed (``FIG_SIZE`` at ``FIG_DPI``, whatever the rc style says), so
        the widget's layout can rely on it: 550 × 510 px, or 900 × 470 px with the 3-D view.
        """
        if self.fig is None:
            size = FIG_SIZE_3D if self.show_3d else FIG_SIZE
            fig = Figure(figsize=size, dpi=FIG_DPI, layout="none")
            FigureCanvasAgg(fig)
            w, h = size[0] * FIG_DPI, size[1] * FIG_DPI
            # the map's box in pixels: room for tick labels and the axis label on the left, the
            # legend below and the title above; the colour bar is placed next to the drawn map
            left, bottom, side = MAP_LEFT, MAP_BOTTOM, min(370, h - MAP_BOTTOM - 36)
            self.ax = fig.add_axes((left / w, bottom / h, side / w, side / h))
            self.cax = fig.add_axes((0.0, 0.0, 0.01, 0.01))
            if self.show_3d:
                self.ax3d = fig.add_axes((0.575, 0.07, 0.37, 0.86), projection="3d")
                self.ax3d.patch.set_alpha(0.0)  # never hide the colour bar's label
            self.fig = fig
            fig.canvas.mpl_connect("button_press_event", self._on_click)
            fig.canvas.mpl_connect("draw_event", self._on_draw)
            self.draw_surface()
            self.draw_point()
        return self.fig

    def forget_background(self) -> None:
        """Drop the stored background: the next redraw is a full draw (a new canvas)."""
        self._bg = None

    def _overlays(self) -> list[Any]:
        art = self.artists
        items = [art.taylor, art.gd, *art.eig, art.grad, art.escape, *art.eig_text, art.point,
                 self.ax.title, art.point3d]
        return [a for a in items if a is not None and a.get_visible()]

    def _on_draw(self, event: Any) -> None:
        """After a full draw: keep the background, then draw the per-point artists on it."""
        canvas = self.fig.canvas
        if hasattr(canvas, "_force_full"):
            canvas._force_full = True  # a web canvas: send this frame whole (see redraw)
        renderer = canvas.get_renderer()
        self._bg = canvas.copy_from_bbox(self.fig.bbox)
        self._bg_size = (int(renderer.width), int(renderer.height))
        for a in self._overlays():
            a.axes.draw_artist(a)

    def _on_click(self, event: Any) -> None:
        """Mouse click on the contour map: pass the point on (ignored while zooming/panning)."""
        if event.inaxes is not self.ax or event.button != 1 or event.xdata is None:
            return
        toolbar = getattr(self.fig.canvas, "toolbar", None)
        if toolbar is not None and getattr(toolbar, "mode", "") != "":
            return  # zoom or pan is active
        if self.on_click is not None:
            self.on_click((event.xdata, event.ydata))

    def draw_surface(self) -> None:
        """Redraw everything that depends on the surface (not on the point)."""
        ax = self.ax
        empty_axes(ax)
        self._bg = None
        surface_on(ax, self.model.state, self.resolution, self.cax)
        self.place_colorbar()
        self.artists = make_artists(ax, animated=True)
        if self.ax3d is not None:
            self.artists.point3d = surface_3d(self.ax3d, self.model.state)

    def draw_critical(self) -> None:
        """Mark the critical points found after the surface was drawn (a full draw follows)."""
        if self.model.state.critical:
            _critical_marks(self.ax, self.model.state.critical, live=True)
        self._bg = None

    def place_colorbar(self) -> None:
        """Put the colour bar right next to the map as drawn (equal aspect shrinks its box)."""
        ax, cax, fig = self.ax, self.cax, self.fig
        ax.apply_aspect()  # fix the map's box now, so data→pixel transforms hold before a draw
        pos = ax.get_position()
        w, h = fig.get_size_inches() * fig.dpi
        cax.set_position((pos.x1 + 12 / w, pos.y0, 12 / w, pos.height))

    def draw_point(self) -> None:
        """Move the per-point artists to the model's point (not drawn yet)."""
        point_on(self.ax, self.artists, self.model)
        st = self.model.state
        if self.ax3d is not None and st.point is not None and st.report is not None:
            rep = st.report
            self.artists.point3d.set_data_3d([rep.point[0]], [rep.point[1]], [rep.value])

    def refresh(self) -> None:
        """Show the model's point on the figure, if the figure exists."""
        if self.fig is not None and self.artists is not None:
            self.draw_point()
            self.redraw()

    def redraw(self) -> None:
        """Blit the per-point artists over the stored background, else ask for a full draw."""
        canvas = self.fig.canvas
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
            canvas.blit(self.fig.bbox)
        else:
            canvas.draw_idle()  # Agg draws now; a web canvas asks its front end to draw
        if self.image is not None:
            self.image.value = self.buffer_png()

    def buffer_png(self) -> bytes:
        """The canvas as it is now, as PNG bytes (drawn first if it never was)."""
        from PIL import Image

        canvas = self.fig.canvas
        if getattr(canvas, "renderer", None) is None or self._bg is None:
            canvas.draw()
        buf = io.BytesIO()
        Image.fromarray(np.asarray(canvas.buffer_rgba())).save(buf, format="png")
        return buf.getvalue()

    def png(self) -> bytes:
        """The current figure as PNG bytes (the canvas as it is on screen)."""
        self.figure()
        self.fig.canvas.draw()
        return self.buffer_png()
