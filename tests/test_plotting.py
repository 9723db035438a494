"""helpers.plotting: smoke tests under Agg, and the probe logic behind notebook 01's sliders."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import sympy as sp  # noqa: E402

from helpers.plotting import (  # noqa: E402
    box_grid,
    frame_axes,
    grid_values,
    plot_critical_points,
    plot_probe,
    plot_surface_contours,
    probe_point,
)
from helpers.spectrum import verdict_text  # noqa: E402
from helpers.style import KIND_COLORS  # noqa: E402
from helpers.surfaces import get_surface  # noqa: E402
from helpers.symbolic import analyze_point, critical_points  # noqa: E402

LECTURE = get_surface("lecture")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_contours_label_axes_and_colorbar():
    ax = plot_surface_contours(LECTURE.expr, LECTURE.variables, LECTURE.bounds, n=50)
    assert ax.get_xlabel() == "$w_{1}$" and ax.get_ylabel() == "$w_{2}$"
    assert ax.get_xlim() == (-2.0, 2.0)
    assert len(ax.figure.axes) == 2  # the colour bar
    assert ax.figure.axes[1].get_ylabel() == "loss $f$"


def test_contours_log_and_existing_axes():
    s = get_surface("himmelblau")
    fig, axes = plt.subplots(1, 2)
    ax = plot_surface_contours(s.expr, s.variables, s.bounds, ax=axes[1], n=40, log=True,
                               colorbar=False)
    assert ax is axes[1] and len(fig.axes) == 2
    assert ax.get_xlabel() == "$x$"


def test_grid_values_match_the_function():
    X, Y, Z = grid_values(LECTURE.expr, LECTURE.variables, LECTURE.bounds, n=5)
    assert np.allclose(Z, (1 - X * Y) ** 2)
    x, y, z = sp.symbols("x y z")
    with pytest.raises(ValueError, match="2 variables"):
        grid_values(x * y * z, (x, y, z), [(0, 1)] * 3)


def test_critical_points_legend_by_kind_and_family_curve():
    items = critical_points(LECTURE.expr, LECTURE.variables, LECTURE.bounds)
    ax = plot_surface_contours(LECTURE.expr, LECTURE.variables, LECTURE.bounds, n=40)
    plot_critical_points(items, ax=ax, annotate=True)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["saddle point", "family degenerate → local minimum"]
    (line,) = [ln for ln in ax.get_lines() if ln.get_label().startswith("family")]
    xs, ys = line.get_data()
    ok = ~np.isnan(xs)
    assert ok.sum() > 100 and np.allclose(xs[ok] * ys[ok], 1)
    assert line.get_color() == KIND_COLORS["degenerate"]


def test_critical_points_new_axes_and_bad_items():
    s = get_surface("himmelblau")
    items = critical_points(s.expr, s.variables, s.bounds, timeout=0)
    ax = plot_critical_points(items)
    labels = sorted(t.get_text() for t in ax.get_legend().get_texts())
    assert labels == ["local maximum", "local minimum", "saddle point"]
    with pytest.raises(ValueError, match="PointReport"):
        plot_critical_points([(0, 0)])


def test_probe_point_against_hand_computed_gradient():
    # L = (1 - w1 w2)^2, g = -2(1 - w1 w2)(w2, w1); at (0.5, -0.25): 1 - w1 w2 = 1.125
    probe = probe_point(LECTURE.expr, LECTURE.variables, (0.5, -0.25))
    assert probe.loss == pytest.approx(1.125**2)
    assert np.allclose(probe.grad, [-2 * 1.125 * -0.25, -2 * 1.125 * 0.5])
    assert probe.grad_norm == pytest.approx(np.hypot(*probe.grad))
    assert np.allclose(probe.arrow, -0.25 * probe.grad)  # short enough: not capped
    assert "L = 1.266" in probe.text()


def test_probe_arrow_is_capped_and_zero_at_critical_points():
    probe = probe_point(LECTURE.expr, LECTURE.variables, (2.0, 2.0), max_length=0.5)
    assert np.linalg.norm(probe.arrow) == pytest.approx(0.5)
    assert np.dot(probe.arrow, probe.grad) < 0  # downhill
    probe = probe_point(LECTURE.expr, LECTURE.variables, (0.0, 0.0))
    assert probe.grad_norm == 0 and np.all(probe.arrow == 0)
    with pytest.raises(ValueError, match="2 finite numbers"):
        probe_point(LECTURE.expr, LECTURE.variables, (0.0,))


def test_plot_probe_draws_point_arrow_and_title():
    probe = probe_point(LECTURE.expr, LECTURE.variables, (0.5, -0.25))
    ax = plot_probe(probe)
    assert "‖g‖" in ax.get_title()
    assert len(ax.collections) == 1 and len(ax.texts) == 1  # the point and the arrow


def test_frame_axes_and_box_grid():
    _, ax = plt.subplots()
    assert frame_axes(ax, ["$a$", "$b$"], ((-1.0, 2.0), (0.0, 3.0))) is ax
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("$a$", "$b$")
    assert ax.get_xlim() == (-1.0, 2.0) and ax.get_ylim() == (0.0, 3.0)
    assert ax.get_aspect() == 1.0
    X, Y = box_grid(((-1.0, 2.0), (0.0, 3.0)), 4)
    assert X.shape == Y.shape == (4, 4)
    assert np.array_equal(X[0], [-1.0, 0.0, 1.0, 2.0]) and np.array_equal(Y[:, 0], [0, 1, 2, 3])


def test_legend_labels_are_the_shared_verdicts():
    """Degenerate and non-smooth points are labelled with helpers.spectrum.verdict_text."""
    x, y = sp.symbols("x y")
    kink = analyze_point(sp.Abs(x) + y**2, (x, y), (0, 0))
    flat = analyze_point(x**4 + y**4, (x, y), (0, 0))
    ax = plot_critical_points([kink, flat])
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == [verdict_text(kink.kind, kink.resolved_kind),
                      "degenerate → local minimum"]
    assert kink.kind == "undetermined" and labels[0].endswith("→ local minimum")
