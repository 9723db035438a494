"""Surface explorer: pick a point on a 2-D loss and see g, H, eigenvalues, kind and escape step.

Logic and view are separate modules; :class:`SurfaceExplorer` composes them:

* :mod:`~helpers.explorer.model` holds the state (surface, point, report, messages; the
  state and the loading of a surface are in :mod:`~helpers.explorer.loading`).
  ``pick(point)`` is the programmatic twin of a click and returns the
  :class:`~helpers.symbolic.PointReport` of :func:`~helpers.symbolic.analyze_point` — the
  explorer never re-implements derivatives or classification. A pick within ``snap_radius``
  (default 2 % of the view's width) of an isolated critical point found by
  :func:`~helpers.symbolic.critical_points` snaps to it and returns that point's (exact when
  possible) report; ``state.snapped`` says so. ``set_surface(name_or_formula)`` switches to a
  course surface (a key of ``SURFACES``) or to a student's formula, parsed by
  :func:`~helpers.parsing.parse_loss`. A rejected formula keeps the last good surface and puts
  the message in ``state.error`` and the side panel. With ``background=True`` (what the
  widget does) neither waits: the new surface or the picked point shows at once, the critical
  points and the classification follow from a forked child or a thread
  (:mod:`~helpers.explorer.worker`), ``stop()`` gives them up, and a newer surface or pick
  makes an older analysis stale, so its outcome is never drawn. A notebook cell that builds
  the explorer gets the full analysis at once: the background is only for the widget's
  controls, after it is displayed.
* :mod:`~helpers.explorer.panel` writes the side panel (value, g, H, eigenvalues, kind).
* :mod:`~helpers.explorer.canvas`: ``figure()`` draws on a matplotlib Figure made without
  pyplot (works with any backend); a pick only moves the point's marks
  (:mod:`~helpers.explorer.marks`) and blits them. ``static_figure()`` draws the same picture
  on a normal (inline) axes.
* :mod:`~helpers.explorer.widget`: ``widget()`` wraps it with ipywidgets: an ipympl canvas
  (clicks) when ipympl is importable, else a PNG image; sliders for the point everywhere; a
  surface menu, a formula box and the panel. ``controls`` holds them once it was called.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy as sp

from helpers.explorer.model import (
    ExplorerModel,
    ExplorerState,
    Job,
    as_point,
    check_snap_radius,
)
from helpers.explorer.panel import panel_html
from helpers.explorer.worker import BackgroundRunner
from helpers.surfaces import Surface
from helpers.symbolic import PointReport

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from helpers.explorer.widget import ExplorerControls

__all__ = ["ExplorerState", "SurfaceExplorer"]

QUICK_WAIT = 0.1  # s: a background pick that ends this fast is drawn at once (one redraw)


class _Forwarded:
    """An attribute of the explorer's model or view, read and written through the explorer."""

    def __init__(self, owner: str) -> None:
        self.owner = owner

    def __set_name__(self, cls: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, cls: type | None = None) -> Any:
        return self if obj is None else getattr(getattr(obj, self.owner), self.name)

    def __set__(self, obj: Any, value: Any) -> None:
        setattr(getattr(obj, self.owner), self.name, value)


class SurfaceExplorer:
    """Pick points of a two-variable loss and see everything the second-order test says."""

    state = _Forwarded("model")
    snap_radius = _Forwarded("model")
    find_critical = _Forwarded("model")
    gd_steps = _Forwarded("model")
    lr = _Forwarded("model")
    custom_variables = _Forwarded("model")
    width = _Forwarded("model")
    show_3d = _Forwarded("view")
    resolution = _Forwarded("view")

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
        from helpers.explorer.canvas import ExplorerFigure  # matplotlib loads with the first view

        snap_radius = check_snap_radius(snap_radius)
        show_3d, resolution = bool(show_3d), int(resolution)
        self.model = ExplorerModel(f, variables, bounds, snap_radius=snap_radius,
                                   find_critical=find_critical, gd_steps=gd_steps, lr=lr,
                                   custom_variables=custom_variables)
        self.view = ExplorerFigure(self.model, show_3d=show_3d, resolution=resolution)
        self.view.on_click = self._clicked
        self.controls: ExplorerControls | None = None  # set by widget()
        self.runner = BackgroundRunner()  # runs the background analyses (tests may swap it)
        self.pick(self.model.default_point() if point is None else point)

    # ------------------------------------------------------------------ logic
    def pick(self, point: Sequence[float], *, background: bool = False,
             isolated: bool = False) -> PointReport | None:
        """Analyse a point (snapping to a critical point within snap_radius·width); redraw.

        background=True: the point moves at once and its report follows (None is returned
        unless it is known at once); a later pick or surface makes this one stale.
        isolated=True (a click, not a slider drag): analysed in a process of its own.
        """
        p = as_point(point)
        if background:
            job = self.model.begin_pick(p, isolated)
            self.runner.cancel_stale(self.model.jobs)  # the previous pick's analysis ends now
            if job is None or not self._submit(job, QUICK_WAIT):
                self.refresh()  # snapped, or still classifying: show the point now
            return self.state.report
        try:
            return self.model.pick(p)
        finally:
            self.runner.cancel_stale(self.model.jobs)
            self.refresh()

    def set_surface(self, surface: str | Surface | sp.Expr,
                    bounds: Sequence[tuple[float, float]] | None = None,
                    variables: Sequence[sp.Symbol | str] | None = None, *,
                    background: bool = False) -> bool:
        """Switch surface (name, Surface, formula text or expression); False keeps the old one.

        background=True: the new picture comes at once, its critical points when found.
        """
        if background:
            ok, job = self.model.begin_surface(surface, bounds, variables)
        else:
            ok, job = self.model.set_surface(surface, bounds, variables), None
        if not ok:
            self.refresh()
            return False
        self.runner.cancel_stale(self.model.jobs)  # the old surface's search ends now
        if self.view.fig is not None:
            self.view.draw_surface()
        self.pick(self.model.default_point(), background=background)
        self._sync_controls()
        if job is not None:
            self._submit(job)
        return True

    def stop(self) -> bool:
        """Give up the running background analyses (the panel says so); False if none ran."""
        stopped = self.model.stop()
        self.runner.cancel_stale(self.model.jobs)
        if stopped:
            self.refresh()
        return stopped

    def gd_path(self, start: Sequence[float] | None = None) -> np.ndarray:
        """Gradient-descent path from the point (lr: given, else 0.5 / typical max |λ|)."""
        return self.model.gd_path(start)

    def panel_html(self) -> str:
        """The side panel as HTML with LaTeX ($…$) for ipywidgets.HTMLMath."""
        st = self.state
        gd = self.model.gd_text() if self.gd_steps > 0 and st.report is not None else ""
        return panel_html(st, self.snap_radius, gd)

    # ------------------------------------------------------------------ view
    def figure(self) -> Figure:
        """The explorer's figure (made without pyplot, an Agg canvas until a widget takes it)."""
        return self.view.figure()

    def png(self) -> bytes:
        """The current figure as PNG bytes (the canvas as it is on screen)."""
        return self.view.png()

    def static_figure(self, point: Sequence[float] | None = None, ax: Any = None) -> Any:
        """The explorer's picture at ``point`` on a normal axes (for a notebook's static cell)."""
        from helpers.explorer.canvas import draw_static

        if point is not None:
            self.pick(point)
        return draw_static(self.model, self.resolution, ax)

    def widget(self, backend: str = "auto") -> Any:
        """The explorer as ipywidgets, laid out to fit the notebook's width.

        A row of controls (surface menu, formula box, gradient-descent switch; it wraps when
        narrow) above the map — an ipympl canvas (clicks) or a PNG image — with its sliders,
        and the side panel: to the right of the map when the output area has room for both,
        below it otherwise. Nothing is clipped: a formula too long for the panel scrolls in its
        own row. The controls are in ``self.controls`` afterwards.
        """
        from helpers.explorer.widget import build_widget

        self.controls = build_widget(self, backend)
        return self.controls.root

    def show(self, backend: str = "auto") -> None:
        """Display the widget (same as putting ``explorer.widget()`` last in a cell)."""
        from IPython.display import display

        display(self.widget(backend))

    def refresh(self) -> None:
        """Push the state to the figure (blitting when possible) and to the panel."""
        self.view.refresh()
        if self.controls is not None:
            self.controls.panel.value = self.panel_html()
            self.controls.show_working(self.state)

    # ------------------------------------------------------------------ background work
    def _submit(self, job: Job, wait: float = 0.0) -> bool:
        """Run a job in the background (True: done within wait and drawn already).

        A job still running is given up after the model's job_timeout.
        """
        if self.runner.submit(job, self._done, wait):
            return True
        self.runner.later(self.model.job_timeout + 0.05, self._expire)
        return False

    def _done(self, job: Job, result: object, error: BaseException | None) -> None:
        """A job's outcome, on the main thread: apply it unless it is stale, then redraw."""
        self.runner.cancel_stale(self.model.jobs)  # forget the children that ended
        if not self.model.finish(job, result, error):
            return  # superseded or stopped: never drawn
        try:
            if job.kind == "critical" and self.view.fig is not None:
                self.view.draw_critical()
            self.refresh()
        except Exception as exc:  # noqa: BLE001 - say it in the panel, never a traceback
            self.state.error = f"the picture could not be updated ({exc})"
            if self.controls is not None:
                self.controls.panel.value = self.panel_html()

    def _expire(self) -> None:
        if self.model.expire():
            self.runner.cancel_stale(self.model.jobs)
            self.refresh()

    def _sync_controls(self) -> None:
        if self.controls is not None:
            self.controls.sync(self.state)

    def _clicked(self, xy: tuple[float, float]) -> None:
        """A click on the map: the point moves at once, its analysis follows."""
        self.pick(xy, background=True, isolated=True)
        self._sync_controls()
