"""The explorer as ipywidgets: controls row, the map (ipympl canvas or PNG) with sliders, panel.

:func:`build_widget` returns an :class:`ExplorerControls`: the displayed box (``root``) and
every control in it, so code and tests drive the widget through that object.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import ipywidgets as W
import numpy as np

from helpers.explorer.model import CUSTOM, GD_STEPS, MENU_FIRST, MENU_NAMES, ExplorerState
from helpers.explorer.wording import label
from helpers.surfaces import SURFACES

if TYPE_CHECKING:
    from helpers.explorer import SurfaceExplorer

BACKENDS = ("auto", "ipympl", "image")
PANEL_MIN_WIDTH = 250  # px: narrower than this, the side panel goes below the map
PANEL_MAX_WIDTH = 560  # px
SLIDER_STEPS = 200  # a slider's step is 1/200 of its range


@dataclass
class ExplorerControls:
    """The widget's parts: ``root`` is what is displayed; the others are inside it."""

    view: Any  # the ipympl canvas (clicks) or the PNG image
    menu: W.Dropdown
    text: W.Text
    button: W.Button
    gd: W.Checkbox
    sliders: list[W.FloatSlider]
    panel: W.HTMLMath
    stop: W.Button | None = None  # shown while a background analysis runs
    root: W.VBox | None = None
    syncing: bool = field(default=False, repr=False)  # True while sync() sets the values

    def sync(self, state: ExplorerState) -> None:
        """Make menu, formula box and sliders show the state (without triggering picks)."""
        self.syncing = True
        try:
            self.menu.value = state.name
            if state.name == CUSTOM:
                self.text.value = state.formula
            for i, (s, (lo, hi), v) in enumerate(
                    zip(self.sliders, state.bounds, state.point, strict=True)):
                # one state message per slider: min, max, step and value arrive together, so
                # the front end never rounds a stale value to the new step and sends it back
                with s.hold_sync(), s.hold_trait_notifications():
                    s.max = max(hi, s.min)
                    s.min = lo
                    s.max = hi
                    s.step = (hi - lo) / SLIDER_STEPS
                    s.value = float(np.clip(v, lo, hi))
                s.description = str(state.variables[i])
        finally:
            self.syncing = False


    def show_working(self, state: ExplorerState) -> None:
        """Show the stop button while a background analysis runs (its room is kept)."""
        if self.stop is not None:
            busy = bool(state.working)
            self.stop.disabled = not busy
            self.stop.tooltip = label(f"stop: {state.working}" if busy else "nothing is running")
            self.stop.layout.visibility = "visible" if busy else "hidden"


def import_ipympl() -> Any:
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


def ipympl_available() -> bool:
    """True when ipympl's canvas can be imported."""
    try:
        import_ipympl()
    except Exception:  # noqa: BLE001 - any import problem means "use the PNG view"
        return False
    return True


def _ipympl_view(explorer: SurfaceExplorer) -> Any:
    """An ipympl canvas (clicks, blitting) around the explorer's figure."""
    nbagg = import_ipympl()
    with warnings.catch_warnings():  # ipympl 0.10's Toolbar trips a traitlets notice
        warnings.filterwarnings("ignore", "Passing unrecognized arguments", DeprecationWarning)
        canvas = nbagg.Canvas(explorer.figure())
        nbagg.FigureManager(canvas, 0)
    explorer.view.forget_background()
    canvas.header_visible = False
    canvas.footer_visible = False
    canvas.resizable = False
    canvas.toolbar_position = "left"
    explorer.view.image = None
    return canvas


def _image_view(explorer: SurfaceExplorer, fig_w: int) -> W.Image:
    """A PNG image of the explorer's figure, updated after each pick."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(explorer.figure())
    explorer.view.forget_background()
    image = W.Image(value=explorer.png(), format="png",
                    layout=W.Layout(width=f"{fig_w}px", max_width="100%", height="auto"))
    explorer.view.image = image
    return image


def _menu_options() -> list[tuple[str, str]]:
    options = [(label(MENU_NAMES.get(k, k)), k) for k in MENU_FIRST if k in SURFACES]
    options += [(label(MENU_NAMES.get(k, k)), k) for k in SURFACES if k not in MENU_FIRST]
    return [*options, (label("your formula (type it below)"), CUSTOM)]


def _make_controls(explorer: SurfaceExplorer, view: Any, use_ipympl: bool) -> ExplorerControls:
    """Menu, formula box, plot button, GD switch, one slider per variable, the panel."""
    st = explorer.state
    names = ", ".join(map(str, st.variables if st.name == CUSTOM
                          else explorer.custom_variables))
    menu = W.Dropdown(options=_menu_options(), value=st.name, description=label("surface"),
                      style={"description_width": "56px"},
                      layout=W.Layout(width="285px", margin="2px 14px 2px 0"))
    text = W.Text(value=st.formula, placeholder=label("e.g. x^4 - x^2 + y^2"),
                  description=f"L({names}) =", continuous_update=False,
                  style={"description_width": "initial"}, layout=W.Layout(width="255px"))
    button = W.Button(description=label("plot"), tooltip=label("plot your formula"),
                      button_style="info",
                      layout=W.Layout(width="56px", margin="2px 14px 2px 4px"))
    gd = W.Checkbox(value=explorer.gd_steps > 0, description=label("gradient-descent path"),
                    indent=False, layout=W.Layout(width="auto", margin="2px 16px 2px 0"))
    sliders = [W.FloatSlider(
        value=float(st.point[i]), min=lo, max=hi, step=(hi - lo) / SLIDER_STEPS,
        description=f"{v}", readout_format=".3f", continuous_update=use_ipympl,
        style={"description_width": "36px"}, layout=W.Layout(width="100%"))
        for i, (v, (lo, hi)) in enumerate(zip(st.variables, st.bounds, strict=True))]
    panel = W.HTMLMath(value=explorer.panel_html(), layout=W.Layout(
        flex=f"1 1 {PANEL_MIN_WIDTH}px", min_width=f"{PANEL_MIN_WIDTH}px",
        max_width=f"{PANEL_MAX_WIDTH}px", overflow="auto", margin="0"))
    stop = W.Button(description=label("stop"), icon="stop", button_style="warning",
                    layout=W.Layout(width="72px", margin="2px 0"))
    c = ExplorerControls(view=view, menu=menu, text=text, button=button, gd=gd,
                         sliders=sliders, panel=panel, stop=stop)
    c.show_working(st)
    return c


def _wire(c: ExplorerControls, explorer: SurfaceExplorer) -> None:
    """Connect the controls to the explorer."""

    def switch(surface: str) -> None:
        # the picture comes at once; the critical points follow from a worker thread (the
        # panel says so and the stop button shows), and the menu stays usable meanwhile
        explorer.set_surface(surface, background=True)
        c.sync(explorer.state)

    def on_menu(change: dict) -> None:
        if c.syncing:
            return
        if change["new"] != CUSTOM:
            switch(change["new"])
        elif c.text.value.strip():
            switch(c.text.value)

    def on_formula(_: Any = None) -> None:
        if not c.syncing and c.text.value.strip():
            switch(c.text.value)

    def on_slider(_: dict) -> None:
        if not c.syncing:
            explorer.pick([s.value for s in c.sliders], background=True)

    def on_gd(change: dict) -> None:
        explorer.gd_steps = GD_STEPS if change["new"] else 0
        explorer.refresh()

    c.menu.observe(on_menu, names="value")
    c.text.observe(lambda ch: on_formula(), names="value")
    c.button.on_click(on_formula)
    for s in c.sliders:
        s.observe(on_slider, names="value")
    c.gd.observe(on_gd, names="value")
    if c.stop is not None:
        c.stop.on_click(lambda _: explorer.stop())


def _layout(c: ExplorerControls, fig_w: int) -> W.VBox:
    """Controls row above the map with its sliders and the panel (each row wraps)."""
    controls = W.HBox([c.menu, W.HBox([c.text, c.button]), c.gd, c.stop], layout=W.Layout(
        flex_flow="row wrap", align_items="center", width="100%", margin="0 0 6px 0"))
    left = W.VBox([c.view, *c.sliders], layout=W.Layout(
        flex="0 0 auto", width=f"{fig_w}px", margin="0 12px 0 0"))
    body = W.HBox([left, c.panel], layout=W.Layout(
        flex_flow="row wrap", align_items="flex-start", width="100%"))
    return W.VBox([controls, body], layout=W.Layout(width="100%", overflow="auto"))


def build_widget(explorer: SurfaceExplorer, backend: str = "auto") -> ExplorerControls:
    """The explorer's widget: its controls, with the displayed box in ``root``."""
    if backend not in BACKENDS:
        raise ValueError("backend must be 'auto', 'ipympl' or 'image'")
    fig = explorer.figure()
    fig_w = round(float(fig.get_size_inches()[0] * fig.dpi))
    use_ipympl = backend == "ipympl" or (backend == "auto" and ipympl_available())
    view = _ipympl_view(explorer) if use_ipympl else _image_view(explorer, fig_w)
    c = _make_controls(explorer, view, use_ipympl)
    _wire(c, explorer)
    c.root = _layout(c, fig_w)
    return c
