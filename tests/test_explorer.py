"""SurfaceExplorer: pick() is analyze_point's twin, snapping, surface menu, clicks, widgets."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from fractions import Fraction  # noqa: E402

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import sympy as sp  # noqa: E402
from matplotlib.backend_bases import MouseEvent  # noqa: E402

from helpers.explorer import SurfaceExplorer  # noqa: E402
from helpers.surfaces import SURFACES  # noqa: E402
from helpers.symbolic import PointReport, analyze_point  # noqa: E402


@pytest.fixture(scope="module")
def lecture() -> SurfaceExplorer:
    return SurfaceExplorer("lecture")


def click(explorer: SurfaceExplorer, x: float, y: float) -> None:
    """Send a synthetic left click at data point (x, y) through the canvas callbacks."""
    fig = explorer.figure()
    x_px, y_px = explorer.view.ax.transData.transform((x, y))
    event = MouseEvent("button_press_event", fig.canvas, x_px, y_px, button=1)
    fig.canvas.callbacks.process("button_press_event", event)


def test_lecture_origin_is_a_saddle_with_eigenvalues_plus_minus_two(lecture) -> None:
    rep = lecture.pick((0, 0))
    assert isinstance(rep, PointReport)
    assert rep.kind == "saddle point"
    assert np.allclose(rep.eigenvalues, [-2, 2])
    assert lecture.state.snapped and rep.exact  # snapped to the exactly analysed point


def test_lecture_origin_without_snapping_gives_the_same_verdict() -> None:
    ex = SurfaceExplorer("lecture", snap_radius=0.0, find_critical=False)
    rep = ex.pick((0.0, 0.0))
    assert rep.kind == "saddle point" and not rep.exact and not ex.state.snapped
    assert np.allclose(rep.eigenvalues, [-2, 2])
    assert np.allclose(rep.hessian, [[0, -2], [-2, 0]])


def test_x2_minus_y2_saddle_at_origin_and_not_critical_elsewhere() -> None:
    ex = SurfaceExplorer("x2-y2")
    assert ex.pick((0, 0)).kind == "saddle point"
    rep = ex.pick((0.5, 0.3))
    assert rep.kind == "not critical" and not ex.state.snapped
    assert np.allclose(rep.gradient, [1.0, -0.6])


@pytest.mark.parametrize("name", ["lecture", "x2-y2", "monkey", "himmelblau", "six-hump camel",
                                  "rosenbrock", "x3+y2", "x4+y4"])
def test_pick_agrees_with_exact_analyze_point_on_a_grid(name: str) -> None:
    """Float picks (no snapping) give the kind and numbers of the exact analysis."""
    s = SURFACES[name]
    ex = SurfaceExplorer(name, snap_radius=0.0, find_critical=False)
    (x0, x1), (y0, y1) = s.bounds
    checked = 0
    for fx in np.linspace(0.05, 0.95, 5):
        for fy in np.linspace(0.1, 0.9, 4):
            px = Fraction(x0 + fx * (x1 - x0)).limit_denominator(20)
            py = Fraction(y0 + fy * (y1 - y0)).limit_denominator(20)
            exact = analyze_point(s.expr, s.variables, (px, py))
            got = ex.pick((float(px), float(py)))
            assert got.kind == exact.kind, (name, px, py)
            assert np.allclose(got.eigenvalues, exact.eigenvalues, rtol=1e-9, atol=1e-9)
            assert np.allclose(got.gradient, exact.gradient, rtol=1e-9, atol=1e-9)
            checked += 1
    assert checked == 20


@pytest.mark.parametrize("name", ["x2-y2", "himmelblau", "six-hump camel", "monkey"])
def test_picks_near_each_critical_point_snap_to_it_with_its_kind(name: str) -> None:
    ex = SurfaceExplorer(name)
    points = [c for c in ex.state.critical if isinstance(c, PointReport)]
    assert points
    radius = ex.snap_radius * ex.width
    for c in points:
        rep = ex.pick(c.point + np.array([0.6, -0.5]) * radius / 1.0001 / np.hypot(0.6, 0.5))
        assert ex.state.snapped and rep is c
        assert np.allclose(ex.state.point, c.point)
        # the kind agrees with analyze_point at that critical point
        assert analyze_point(SURFACES[name].expr, SURFACES[name].variables,
                             c.exact_point or c.point).kind == rep.kind


def test_snapping_happens_only_within_the_stated_radius(lecture) -> None:
    radius = lecture.snap_radius * lecture.width  # 2 % of 4 = 0.08
    assert radius == pytest.approx(0.08)
    lecture.pick((0.05, -0.05))  # 0.071 from the origin
    assert lecture.state.snapped and np.allclose(lecture.state.point, 0)
    rep = lecture.pick((0.07, -0.07))  # 0.099 from the origin
    assert not lecture.state.snapped and rep.kind == "not critical"
    assert np.allclose(lecture.state.point, (0.07, -0.07))


def test_hostile_formula_keeps_the_last_good_surface_and_shows_the_message() -> None:
    ex = SurfaceExplorer("x2-y2")
    before = ex.state.expr
    assert ex.set_surface("__import__('os').system('echo hi')") is False
    assert ex.state.name == "x2-y2" and ex.state.expr == before
    assert "not plotted" in ex.state.error and "names may not start with '_'" in ex.state.error
    assert "not plotted" in ex.panel_html()
    assert ex.pick((0, 0)).kind == "saddle point"  # still works on the old surface
    assert ex.set_surface("x^2 + 3y") is False
    assert "write 3*y" in ex.panel_html()


def test_custom_formula_is_analysed(tmp_path) -> None:
    ex = SurfaceExplorer("lecture")
    assert ex.set_surface("x^4 - x^2 + y^2") is True
    assert ex.state.name == "custom" and ex.state.formula == "x^4 - x^2 + y^2"
    assert ex.state.error == ""
    kinds = sorted(c.kind for c in ex.state.critical)
    assert kinds == ["local minimum", "local minimum", "saddle point"]
    assert ex.pick((0.7071, 0.0)).kind == "local minimum"  # snapped to 1/√2
    assert ex.set_surface("himmelblau") and ex.state.bounds == ((-5.0, 5.0), (-5.0, 5.0))


def test_formula_with_undefined_region_is_marked_and_never_crashes() -> None:
    ex = SurfaceExplorer("log(x) + y^2")
    assert any("undefined" in w for w in ex.state.warnings)
    ex.figure()
    with pytest.raises(ValueError, match="cannot analyse"):
        ex.pick((-1.0, 0.5))
    assert ex.state.report is None and "cannot analyse" in ex.panel_html()
    assert ex.pick((1.0, 0.5)).kind == "not critical"
    assert ex.state.error == ""


def test_kinks_are_flagged_and_analysed_away_from_them() -> None:
    ex = SurfaceExplorer("abs(x) + y^2")
    assert any("kink" in w for w in ex.state.warnings)
    rep = ex.pick((0.5, 0.3))
    assert rep.kind == "not critical" and np.allclose(rep.gradient, [1.0, 0.6])


def test_pick_on_a_kink_says_no_hessian_and_resolves_by_sign() -> None:
    ex = SurfaceExplorer("abs(x) + y^2")
    ex.figure()
    [origin] = ex.state.critical  # found on the kink, not by ∇L = 0
    assert origin.kind == "undetermined" and origin.resolved_kind == "local minimum"
    rep = ex.pick((0.0, 0.0))
    assert rep.kind == "undetermined" and not rep.smooth and ex.state.snapped
    html = ex.panel_html()
    assert "do not exist" in html and "local minimum" in html and "kink" in html
    rep = ex.pick((0.0, 0.7))  # on the kink, not an extremum
    assert rep.kind == rep.resolved_kind == "undetermined"
    assert "neither a minimum nor a maximum" in ex.panel_html()
    ex.png()  # draws without eigen-axes or arrows, never raises


def test_headless_click_through_the_canvas_changes_the_panel() -> None:
    ex = SurfaceExplorer("lecture", point=(1.2, -0.8))
    ex.figure()
    before = ex.panel_html()
    assert "not critical" in before
    click(ex, 0.01, -0.01)
    after = ex.panel_html()
    assert after != before and "saddle point" in after and "snapped" in after
    assert ex.state.report.kind == "saddle point"


@pytest.mark.parametrize("backend", ["image", "ipympl"])
def test_widget_constructs_without_a_front_end_and_reacts(backend: str) -> None:
    import ipywidgets as W

    ex = SurfaceExplorer("lecture", point=(1.2, -0.8))
    box = ex.widget(backend=backend)
    assert isinstance(box, W.VBox)
    panel = ex.controls.panel
    assert "not critical" in panel.value
    click(ex, 0.0, 0.0)  # through whatever canvas the widget uses
    assert "saddle point" in panel.value
    sx, sy = ex.controls.sliders
    assert (sx.value, sy.value) == (0.0, 0.0)
    sx.value = 1.0
    assert ex.state.point[0] == 1.0
    ex.controls.text.value = "x^2 + 3y"
    assert "write 3*y" in panel.value and ex.state.name == "lecture"
    ex.controls.text.value = "x^2 - y^2"
    assert ex.state.name == "custom" and ex.controls.menu.value == "custom"
    ex.controls.menu.value = "himmelblau"
    assert ex.state.name == "himmelblau" and sx.max == 5.0
    if backend == "image":
        assert ex.controls.view.value[:4] == b"\x89PNG"
    else:
        assert type(ex.figure().canvas).__name__ == "Canvas"
    assert matplotlib.get_backend().lower() == "agg"  # the global backend is untouched


def test_gd_path_from_a_himmelblau_point_reaches_a_minimum() -> None:
    ex = SurfaceExplorer("himmelblau", gd_steps=400)
    ex.pick((0.5, 0.5))
    path = ex.gd_path()
    assert np.allclose(path[-1], (3, 2), atol=1e-3)
    ex.figure()  # drawing the path must work too
    assert len(ex.view.artists.gd.get_xdata()) == len(path)


def test_static_figure_and_3d_view_draw() -> None:
    ex = SurfaceExplorer("x2-y2")
    ax = ex.static_figure((0.0, 0.0))
    assert "saddle point" in ax.get_title()
    assert ax.get_xlabel() and ax.get_ylabel()
    plt.close(ax.figure)
    ex3 = SurfaceExplorer("x2-y2", show_3d=True)
    fig = ex3.figure()
    ex3.pick((0.5, 0.5))
    assert ex3.png()[:4] == b"\x89PNG"
    assert len(fig.axes) == 3


def test_blitted_pick_matches_a_full_redraw() -> None:
    ex = SurfaceExplorer("x2-y2", point=(0.4, 0.3))
    fig = ex.figure()
    fig.canvas.draw()
    ex.pick((-0.6, 0.9))  # blitted: only the per-point artists are redrawn
    blitted = np.asarray(fig.canvas.buffer_rgba()).copy()
    fig.canvas.draw()  # a full draw of the same state
    full = np.asarray(fig.canvas.buffer_rgba())
    assert np.mean(np.any(blitted != full, axis=-1)) < 0.002


@pytest.mark.parametrize("bad", [dict(f=42), dict(f=sp.Symbol("x") ** 2),
                                 dict(f="x^2", bounds=((1, 0), (0, 1))),
                                 dict(f="x^2 + z", variables=("x", "y", "z")),
                                 dict(f="lecture", snap_radius=0.9)])
def test_bad_arguments_raise_value_error(bad: dict) -> None:
    with pytest.raises(ValueError):
        SurfaceExplorer(**bad)


def test_bad_points_raise_value_error(lecture) -> None:
    for bad in [(1.0,), (np.nan, 0.0), (1.0, 2.0, 3.0)]:
        with pytest.raises(ValueError, match="two finite numbers"):
            lecture.pick(bad)


def test_live_figure_has_a_fixed_pixel_size_whatever_the_rc_style() -> None:
    """The widget's layout relies on 550 × 510 px, also under the course style (dpi 80)."""
    with plt.style.context("helpers.course"):
        ex = SurfaceExplorer("lecture")
        fig = ex.figure()
        assert tuple(fig.get_size_inches() * fig.dpi) == pytest.approx((550, 510))
        assert fig.get_layout_engine() is None
        png = ex.png()
    import io

    from PIL import Image

    assert Image.open(io.BytesIO(png)).size == (550, 510)


@pytest.mark.parametrize("name", ["lecture", "six-hump camel", "rosenbrock"])
def test_colour_bar_sits_next_to_the_map_and_everything_fits(name: str) -> None:
    ex = SurfaceExplorer(name)
    fig = ex.figure()
    fig.canvas.draw()
    ax, cax = ex.view.ax, ex.view.cax
    w = fig.get_size_inches()[0] * fig.dpi
    gap = (cax.get_position().x0 - ax.get_position().x1) * w
    assert 5 < gap < 20 and cax.get_position().height == pytest.approx(ax.get_position().height)
    renderer = fig.canvas.get_renderer()
    full = fig.bbox
    for a in (ax, cax):  # tick labels, axis labels and title stay inside the canvas
        box = a.get_tightbbox(renderer)
        assert box.x0 >= full.x0 and box.x1 <= full.x1 and box.y1 <= full.y1, (name, a, box)
    legend = ax.get_legend()
    if legend is not None:
        lb = legend.get_window_extent(renderer)
        assert lb.y0 >= full.y0 and lb.y1 < ax.xaxis.label.get_window_extent(renderer).y0


def test_widget_layout_wraps_instead_of_clipping() -> None:
    import ipywidgets as W

    ex = SurfaceExplorer("lecture")
    root = ex.widget(backend="image")
    assert isinstance(root, W.VBox)
    controls, body = root.children
    assert "wrap" in controls.layout.flex_flow and "wrap" in body.layout.flex_flow
    left, panel = body.children
    assert panel is ex.controls.panel
    assert left.layout.width == "550px" and left.layout.flex == "0 0 auto"
    assert panel.layout.min_width == "250px" and panel.layout.overflow == "auto"
    for s in ex.controls.sliders:
        assert s.layout.width == "100%" and s.readout_format == ".3f"


def test_panel_rows_eigen_colours_and_error_block() -> None:
    ex = SurfaceExplorer("lecture", point=(0.3, -0.4))
    html = ex.panel_html()
    assert html.count("<div") >= 9  # one row per fact
    assert "#D55E00" in html and "#009E73" in html  # λ₁ < 0 orange, λ₂ > 0 green
    assert "v_1 =" in html and "v_2 =" in html
    ex.set_surface("x^2 + 3y")
    html = ex.panel_html()
    prose, pre = html.split("<pre", 1)
    assert "write 3*y" in prose and "x^2 + 3y" in pre and "^" in pre


def test_gradient_descent_is_described_in_the_panel() -> None:
    ex = SurfaceExplorer("himmelblau", point=(0.5, 0.5))
    assert "Gradient descent" not in ex.panel_html()
    ex.gd_steps = 400
    ex.pick((0.5, 0.5))
    assert "ends at (3, 2)" in ex.panel_html()
    ex.pick((3.0, 2.0))  # snapped to the minimum: g = 0, gradient descent stays there
    assert "does not move" in ex.panel_html()


def test_ipympl_canvas_gets_full_frames_only() -> None:
    """Diff frames can be dropped by ipympl's front end in a burst: every frame is whole."""
    ex = SurfaceExplorer("x2-y2")
    ex.widget(backend="ipympl")
    canvas = ex.figure().canvas
    modes = []
    send = canvas.send_binary
    canvas.send_binary = lambda data: (modes.append(canvas._current_image_mode), send(data))
    canvas.draw()
    for p in [(0.5, 0.5), (-0.5, 0.2), (0.1, -0.9)]:
        ex.pick(p)  # blitted
    assert modes and set(modes) == {"full"}


def test_long_custom_formula_wraps_between_terms_in_the_panel() -> None:
    ex = SurfaceExplorer("x^4 - 2*x^2 + x*y + sin(3*y) + y^2")
    html = ex.panel_html()
    assert "$L(x, y) = x^{4}$<wbr>${} -  2 x^{2}$<wbr>${} + x y$" in html
    row = html.split("$L(x, y) = ", 1)[1].split("</div>", 1)[0]
    pieces = row.rstrip("$").split("$<wbr>${} ")
    terms = ex.state.expr.as_ordered_terms()
    assert len(pieces) == len(terms) == 5  # one inline formula per term: wraps between them
    for piece, term in zip(pieces[1:], terms[1:], strict=True):
        sign, body = piece.split(" ", 1)
        assert (sign == "-") == sp.latex(term).startswith("-")
        assert body.strip() == sp.latex(term).lstrip("-").strip()


def test_model_alone_picks_switches_and_describes_without_a_view() -> None:
    from helpers.explorer.model import ExplorerModel

    model = ExplorerModel("x2-y2", gd_steps=50)
    assert model.pick((0.0, 0.0)).kind == "saddle point" and model.state.snapped
    assert "does not move" in model.gd_text()
    assert model.set_surface("x^2 + 3y") is False and "write 3*y" in model.state.error
    assert model.set_surface("himmelblau") is True and model.state.point is None
    assert model.pick((3.0, 2.0)).kind == "local minimum"


def test_model_and_panel_import_no_figure_or_widget_library() -> None:
    import subprocess
    import sys

    code = ("import sys, helpers.explorer, helpers.explorer.model, helpers.explorer.panel, "
            "helpers.explorer.loading, helpers.explorer.worker; "
            "print('matplotlib' in sys.modules, 'ipywidgets' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_panel_html_is_a_function_of_the_state() -> None:
    from helpers.explorer.panel import panel_html

    ex = SurfaceExplorer("lecture", point=(0.01, -0.02))
    assert panel_html(ex.state, ex.snap_radius) == ex.panel_html()
    assert "snapped" in ex.panel_html() and "2%" in ex.panel_html()


def test_widget_controls_are_returned_and_public() -> None:
    from helpers.explorer.widget import ExplorerControls

    ex = SurfaceExplorer("x2-y2")
    root = ex.widget(backend="image")
    c = ex.controls
    assert isinstance(c, ExplorerControls) and c.root is root
    assert c.view.value[:4] == b"\x89PNG" and [s.description for s in c.sliders] == ["x", "y"]
    c.gd.value = True
    assert ex.gd_steps > 0 and "Gradient descent" in c.panel.value


@pytest.mark.parametrize("spec", ["lecture", "six-hump camel", "log(x) + y^2", "(x^2+y^2-1)^2"])
@pytest.mark.parametrize("show_3d", [False, True])
def test_every_text_on_the_live_figure_is_at_least_11_pt_and_inside(spec: str,
                                                                  show_3d: bool) -> None:
    """Shown at 100 dpi, 1:1: 11 pt in the figure is more than 11 pt on screen."""
    from matplotlib.text import Text

    ex = SurfaceExplorer(spec, point=(0.5, 0.5), show_3d=show_3d)
    fig = ex.figure()
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    assert len(texts) > 10
    small = [(t.get_text(), t.get_fontsize()) for t in texts if t.get_fontsize() < 11]
    assert small == []
    legend = ex.view.ax.get_legend()
    if legend is not None:  # below the map, inside the figure's width and height
        box = legend.get_window_extent(renderer)
        assert box.x0 >= 0 and box.x1 <= fig.bbox.width and box.y0 >= 0
        labels = ex.view.ax.xaxis.label.get_window_extent(renderer)
        assert box.y1 < labels.y0
