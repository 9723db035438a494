"""The marks of the picked point: the point, −g, eigen-axes, Taylor contours, escape, GD path.

The artists are made once per surface (:func:`make_artists`) and moved at each pick
(:func:`point_on`); only the Taylor model's contours are made anew.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.contour import ContourSet
from matplotlib.patches import FancyArrowPatch

from helpers import style
from helpers.explorer.model import MENU_NAMES, ExplorerModel, fmt
from helpers.explorer.panel import eig_threshold, sign_color
from helpers.symbolic import PointReport, escape_direction
from helpers.taylor import taylor_model

TEXT_PT = 11  # every text on the explorer's pictures: at least 11 pt where it is shown
TITLE_PT = 12


@dataclass
class PointArtists:
    """What a pick moves: point, −g arrow, eigen-axes and their labels, escape arrow, GD path."""

    gd: Any
    eig: list[Any]
    eig_text: list[Any]
    grad: FancyArrowPatch
    escape: FancyArrowPatch
    point: Any
    animated: bool = False
    taylor: ContourSet | None = None  # the Taylor model's contours, made anew at each pick
    point3d: Any = None  # the point on the 3-D view, if there is one


def surface_title(name: str) -> str:
    """The map's title: the surface's menu name."""
    return MENU_NAMES.get(name, "your formula")


def make_artists(ax: Any, animated: bool = False) -> PointArtists:
    """The per-point artists, empty and hidden (animated: drawn only by blitting)."""
    gd = ax.plot([], [], "-", color="white", lw=1.6, alpha=0.95, zorder=6,
                 label="_nolegend_")[0]
    eig = [ax.plot([], [], "-", lw=3.2, solid_capstyle="round", zorder=6)[0] for _ in range(2)]
    eig_text = [ax.text(0, 0, "", fontsize=TEXT_PT, zorder=8, ha="center", va="center",
                        clip_on=True,
                        bbox=dict(boxstyle="round,pad=0.15", fc="white", alpha=0.8, lw=0))
                for _ in range(2)]
    grad = FancyArrowPatch((0, 0), (0, 0), arrowstyle="-|>", mutation_scale=16,
                           color="white", lw=2.2, zorder=7)
    escape = FancyArrowPatch((0, 0), (0, 0), arrowstyle="-|>", mutation_scale=16,
                             color=style.NEGATIVE_COLOR, lw=2.2, ls="--", zorder=7)
    for arrow in (grad, escape):
        ax.add_patch(arrow)
        arrow.set_visible(False)
    point = ax.plot([], [], "o", ms=9, mfc="white", mec="black", mew=1.5, zorder=9)[0]
    for a in [gd, *eig, *eig_text, grad, escape, point]:
        a.set_animated(animated)
    if animated:
        ax.title.set_animated(True)
    return PointArtists(gd=gd, eig=eig, eig_text=eig_text, grad=grad, escape=escape,
                        point=point, animated=animated)


def _clear_point(art: PointArtists) -> None:
    """Hide the arrows, empty the eigen-axes and the path, drop the Taylor contours."""
    for arrow in (art.grad, art.escape):
        arrow.set_visible(False)
    for line, text in zip(art.eig, art.eig_text, strict=True):
        line.set_data([], [])
        text.set_text("")
    art.gd.set_data([], [])
    if art.taylor is not None:
        art.taylor.remove()
        art.taylor = None


def _gradient_arrow(arrow: FancyArrowPatch, rep: PointReport, p: np.ndarray, width: float,
                    g_ref: float) -> None:
    """−g, its length growing with |g| (saturating at 0.2·width)."""
    if rep.kind == "not critical" and rep.grad_norm > 0:
        d = -rep.gradient / rep.grad_norm
        length = max(0.02, 0.2 * math.tanh(rep.grad_norm / g_ref)) * width
        arrow.set_positions(tuple(p), tuple(p + length * d))
        arrow.set_visible(True)


def _escape_vector(rep: PointReport) -> np.ndarray | None:
    """The most negative eigenvector at a critical point, signed not uphill (None if λ ≥ 0)."""
    esc = (escape_direction(rep.hessian)
           if rep.kind != "not critical" and np.all(np.isfinite(rep.hessian)) else None)
    if esc is None:
        return None
    return esc[1] if float(np.dot(rep.gradient, esc[1])) <= 0 else -esc[1]


def _eigen_axes(art: PointArtists, rep: PointReport, p: np.ndarray, width: float,
                lam_ref: float, away: np.ndarray) -> None:
    """Eigenvector axes coloured by the sign of λ, half-length growing with |λ|, labelled."""
    threshold = eig_threshold(rep)
    for i, (line, text) in enumerate(zip(art.eig, art.eig_text, strict=True)):
        lam, v = float(rep.eigenvalues[i]), rep.eigenvectors[:, i]
        if not math.isfinite(lam):  # a kink: no Hessian, no eigen-axes
            continue
        half = (0.03 + 0.15 * math.tanh(abs(lam) / lam_ref)) * width
        color = sign_color(lam, threshold)
        a, b = p - half * v, p + half * v
        line.set_data([a[0], b[0]], [a[1], b[1]])
        line.set_color(color)
        side = -1.0 if float(np.dot(v, away)) > 0 else 1.0  # label away from the arrows
        out = side * v  # the label starts past the axis' end and grows away from the point,
        tip = p + (half + 0.02 * width) * out  # so the two labels never cover each other
        text.set_position((tip[0], tip[1]))
        text.set_horizontalalignment("left" if out[0] >= 0 else "right")
        text.set_verticalalignment("bottom" if out[1] >= 0 else "top")
        text.set_text(f"λ{'₁₂'[i]} = {fmt(lam).replace('-', '−')}")  # a true minus sign
        text.set_color(color)


def _taylor_contours(ax: Any, art: PointArtists, rep: PointReport, p: np.ndarray,
                     bounds: tuple) -> None:
    """Contours of the second-order Taylor model in a window around the point."""
    (x0, x1), (y0, y1) = bounds
    rx, ry = 0.22 * (x1 - x0), 0.22 * (y1 - y0)
    gx, gy = np.meshgrid(np.linspace(p[0] - rx, p[0] + rx, 31),
                         np.linspace(p[1] - ry, p[1] + ry, 31))
    q = taylor_model(np.stack([gx, gy], axis=-1), p, rep.value, rep.gradient, rep.hessian)
    span = float(np.max(np.abs(q - rep.value)))
    if not (np.isfinite(span) and span > 1e-12 * max(1.0, abs(rep.value))):
        return
    levels = rep.value + span * np.linspace(-1, 1, 11)[1:-1]
    levels = levels[(levels > q.min()) & (levels < q.max())]
    if levels.size:
        art.taylor = ax.contour(gx, gy, q, levels=np.unique(levels), colors="white",
                                linewidths=0.9, linestyles="dashed", zorder=5)
        art.taylor.set_animated(art.animated)


def _title_verdict(rep: PointReport) -> str:
    """The kind for the title; at a kink, what the sign proof decided."""
    if not rep.smooth:
        return f"kink (no Hessian) → {rep.resolved_kind}"
    return rep.verdict


def point_on(ax: Any, art: PointArtists, model: ExplorerModel) -> None:
    """Update the per-point artists: point, −g, eigen-axes, Taylor contours, escape, GD."""
    st, rep = model.state, model.state.report
    _clear_point(art)
    if st.point is None:
        return
    p = st.point
    art.point.set_data([p[0]], [p[1]])
    if rep is None:
        undefined = st.error.startswith("cannot analyse")
        art.point.set_markerfacecolor(style.NEGATIVE_COLOR if undefined else "0.6")
        what = ("not defined at this point" if undefined
                else "classifying…" if model.point_pending else "not classified")
        ax.set_title(f"{surface_title(st.name)}: {what}", fontsize=TITLE_PT)
        return
    art.point.set_markerfacecolor("white")
    width = model.width
    _gradient_arrow(art.grad, rep, p, width, model.scales.g_ref)
    u = _escape_vector(rep)
    away = u if u is not None else (-rep.gradient if rep.kind == "not critical"
                                    else np.zeros(2))
    _eigen_axes(art, rep, p, width, model.scales.lam_ref, away)
    _taylor_contours(ax, art, rep, p, st.bounds)
    if u is not None:  # escape step along the most negative eigenvector (sign: not uphill)
        art.escape.set_positions(tuple(p), tuple(p + 0.22 * width * u))
        art.escape.set_visible(True)
    if model.gd_steps > 0:
        path = model.gd_path()
        art.gd.set_data(path[:, 0], path[:, 1])
    snap = " (snapped)" if st.snapped else ""
    ax.set_title(f"{surface_title(st.name)}: {_title_verdict(rep)}{snap}", fontsize=TITLE_PT)
