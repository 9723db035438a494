"""Taylor models, error slopes, the sign of vᵀHv (helpers.taylor) and the interactive views
of notebooks 02 and 03 (helpers.inspectors).

References are independent of helpers.symbolic: closed forms worked by hand, sympy's own
``series``/``hessian``, and numpy's ``eigvalsh``.
"""

import numpy as np
import pytest
import sympy as sp

from helpers import inspectors as V
from helpers import taylor as T
from helpers.spectrum import EIG_TOL, inertia

w1, w2 = sp.symbols("w1 w2")
LECTURE = (1 - w1 * w2) ** 2
LOSS = T.numeric_function(LECTURE, (w1, w2))


def exact_data(expr, point):
    """Value, gradient and Hessian by sympy directly (an independent reference)."""
    subs = dict(zip((w1, w2), point, strict=True))
    g = [float(sp.diff(expr, v).subs(subs)) for v in (w1, w2)]
    h = np.array(sp.hessian(expr, (w1, w2)).subs(subs), dtype=float)
    return float(expr.subs(subs)), np.array(g), h


# ----------------------------------------------------------------------------- numeric basics


def test_numeric_function_shapes_and_values():
    assert LOSS([0.0, 0.0]) == pytest.approx(1.0)
    grid = np.zeros((3, 4, 2))
    grid[..., 0] = 2.0
    grid[..., 1] = 0.5
    assert LOSS(grid).shape == (3, 4)
    assert np.allclose(LOSS(grid), 0.0)
    const = T.numeric_function(sp.Integer(3), (w1, w2))
    assert const(np.zeros((5, 2))).shape == (5,)


def test_numeric_function_rejects_bad_input():
    with pytest.raises(ValueError, match="not in variables"):
        T.numeric_function(w1 + sp.Symbol("z"), (w1, w2))
    with pytest.raises(ValueError, match="2 coordinates"):
        LOSS([1.0, 2.0, 3.0])


def test_taylor_model_matches_sympy_series_term_by_term():
    # along θ′ + t·u the order-k model is the degree-k Taylor polynomial in t
    t = sp.Symbol("t")
    p, u = (sp.Rational(1, 2), sp.Rational(3, 2)), (sp.Rational(3, 5), sp.Rational(-4, 5))
    along = LECTURE.subs({w1: p[0] + t * u[0], w2: p[1] + t * u[1]})
    value, g, h = exact_data(LECTURE, p)
    for order in T.ORDERS:
        poly = sp.series(along, t, 0, order + 1).removeO()
        for tv in (0.3, -0.7):
            pt = np.array([float(p[0] + tv * u[0]), float(p[1] + tv * u[1])])
            got = T.taylor_model(pt, [0.5, 1.5], value, g, h, order=order)
            assert got == pytest.approx(float(poly.subs(t, tv)), abs=1e-12)


def test_quadratic_model_exact_for_quadratics():
    expr = 3 * w1**2 - 2 * w1 * w2 + w2**2 / 2 + w1 - 4
    f = T.numeric_function(expr, (w1, w2))
    value, g, h = exact_data(expr, (0.2, -1.0))
    pts = np.random.default_rng(0).normal(size=(50, 2))
    assert np.allclose(T.taylor_model(pts, [0.2, -1.0], value, g, h), f(pts), atol=1e-12)


def test_lecture_origin_quadratic_model_by_hand():
    # at the origin: L = 1, g = 0, H = [[0, -2], [-2, 0]]  →  model = 1 − 2 w1 w2
    value, g, h = exact_data(LECTURE, (0, 0))
    assert value == 1 and np.all(g == 0) and np.array_equal(h, [[0, -2], [-2, 0]])
    assert T.taylor_model([0.1, 0.2], [0, 0], value, g, h) == pytest.approx(0.96)
    assert T.taylor_model([0.1, 0.2], [0, 0], value, g, h, order=1) == pytest.approx(1.0)


def test_taylor_model_rejects_bad_input():
    with pytest.raises(ValueError, match="order"):
        T.taylor_model([0, 0], [0, 0], 1.0, [0, 0], np.eye(2), order=3)
    with pytest.raises(ValueError, match="Hessian must be 2"):
        T.taylor_model([0, 0], [0, 0], 1.0, [0, 0], np.eye(3))
    with pytest.raises(ValueError, match="non-zero"):
        T.unit([0.0, 0.0])


def test_error_slopes_are_1_2_3_and_4_at_the_origin():
    r = np.logspace(-3, -1, 9)
    value, g, h = exact_data(LECTURE, (0.5, 1.5))
    errs = T.approximation_errors(LOSS, [0.5, 1.5], [1.0, 2.0], r, value, g, h)
    slopes = [T.loglog_slope(r, errs[k]) for k in T.ORDERS]
    assert slopes == pytest.approx([1, 2, 3], abs=0.05)
    # at the origin the third-order terms vanish: L = 1 − 2 w1 w2 + (w1 w2)², the error is quartic
    value, g, h = exact_data(LECTURE, (0, 0))
    errs = T.approximation_errors(LOSS, [0, 0], [1.0, 1.0], r, value, g, h)
    assert T.loglog_slope(r, errs[2]) == pytest.approx(4, abs=0.05)
    assert errs[2] == pytest.approx(r**4 / 4, rel=1e-6)  # (t²/2)² along (1,1)/√2


def test_loglog_slope_checks_input():
    assert T.loglog_slope([1, 10, 100], [3, 300, 30000]) == pytest.approx(2)
    with pytest.raises(ValueError, match="positive"):
        T.loglog_slope([1, 2], [0, 1])
    with pytest.raises(ValueError, match="at least two"):
        T.loglog_slope([1], [1])
    with pytest.raises(ValueError, match="positive"):
        T.approximation_errors(LOSS, [0, 0], [1, 0], [0.0, 0.1], 1.0, [0, 0], np.zeros((2, 2)))


def test_line_profiles_keys_and_direction_is_normalised():
    value, g, h = exact_data(LECTURE, (0, 0))
    prof = T.line_profiles(LOSS, [0, 0], [2.0, 2.0], [0.0, 1.0], value, g, h)
    assert set(prof) == {"true", 0, 1, 2}
    s = 1 / np.sqrt(2)
    assert prof["true"][1] == pytest.approx((1 - s * s) ** 2)
    assert prof[2][1] == pytest.approx(1 - 2 * s * s)
    assert T.angle_direction(90) == pytest.approx([0, 1])


# ----------------------------------------------------------------------------- vᵀHv


def test_quadratic_form_on_circle_spans_the_eigenvalues():
    h = np.array([[0.0, -2.0], [-2.0, 0.0]])
    q = T.quadratic_form(h, T.unit_circle(360))
    lam = np.linalg.eigvalsh(h)
    assert q.min() == pytest.approx(lam[0]) and q.max() == pytest.approx(lam[-1])
    # the closed form: vᵀHv = −4 cos a sin a = −2 sin 2a
    a = np.deg2rad(np.arange(360))
    assert np.allclose(q, -2 * np.sin(2 * a))
    assert T.quadratic_form(h, [1.0, 1.0]) == pytest.approx(-4.0)


def test_random_unit_vectors_on_a_positive_definite_hessian():
    v = T.random_unit_vectors(1000, 3, np.random.default_rng(0))
    assert np.allclose(np.linalg.norm(v, axis=1), 1)
    q = T.quadratic_form(np.diag([1.0, 2.0, 3.0]), v)
    assert inertia(q) == (0, 0, 1000)
    assert q.min() >= 1.0 - 1e-12 and q.max() <= 3.0 + 1e-12
    with pytest.raises(ValueError, match="square"):
        T.quadratic_form(np.ones((2, 3)), [1, 1])


def test_naive_kind_and_its_noise_sensitivity():
    assert T.naive_kind([2.0, -2.0]) == "saddle point"
    assert T.naive_kind([1.0, 3.0]) == "local minimum"
    assert T.naive_kind([-1.0, -3.0]) == "local maximum"
    # a zero eigenvalue perturbed by rounding noise flips the naive verdict
    assert T.naive_kind([1e-16, 8.5]) != T.naive_kind([-1e-16, 8.5])


def test_finite_difference_hessian_against_exact():
    for p in [(0.0, 0.0), (2.0, 0.5), (-1.3, 0.4)]:
        _, _, h = exact_data(LECTURE, p)
        assert np.allclose(T.finite_difference_hessian(LOSS, p, h=1e-4), h, atol=1e-5)


def test_the_tolerant_count_fixes_what_the_naive_rule_gets_wrong():
    """Notebook 03's pitfall: noise flips naive_kind; the relative zero band of analyze_point
    (helpers.spectrum.inertia) counts it as zero, whatever its sign."""
    from helpers import analyze_point

    tx = T.TaylorExpansion(LECTURE, (w1, w2))
    for p in [(3.0, 1 / 3), (0.7, 1 / 0.7), (0.0, 0.0), (1e-3, 2.0)]:
        rep = analyze_point(LECTURE, (w1, w2), p)
        lam = np.linalg.eigvalsh(tx.at(p)[2])
        assert inertia(lam, EIG_TOL, relative=True) == rep.inertia
    assert inertia([1e-12, 8.5], EIG_TOL, relative=True) == inertia([-1e-12, 8.5], EIG_TOL,
                                                                    relative=True) == (0, 1, 1)


# ----------------------------------------------------------------------------- widget logic


def test_taylor_expansion_matches_sympy():
    tx = T.TaylorExpansion(LECTURE, (w1, w2))
    for p in [(0.0, 0.0), (0.5, 1.5), (-1.2, 0.3)]:
        value, g, h = tx.at(p)
        ref = exact_data(LECTURE, p)
        assert value == pytest.approx(ref[0])
        assert np.allclose(g, ref[1]) and np.allclose(h, ref[2])
    errs = tx.errors([0.5, 1.5], [1, 2], [1e-2, 1e-1])
    assert errs[2][0] < errs[1][0] < errs[0][0]


@pytest.fixture
def agg():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    yield plt
    plt.close("all")


def test_taylor_explorer_follows_the_sliders(agg):
    ex = V.TaylorExplorer(LECTURE, (w1, w2), ((-2, 2), (-2, 2)), theta0=(0.5, 1.5), angle_deg=30)
    line = ex.line(n=11)
    assert line["t"][5] == 0 and line["true"][5] == pytest.approx(0.0625)
    assert all(line[k][5] == pytest.approx(0.0625) for k in T.ORDERS)
    ex.update(0.0, 0.0, 45)
    assert np.allclose(ex.grad, 0) and np.allclose(ex.hess, [[0, -2], [-2, 0]])
    assert ex.direction == pytest.approx([2**-0.5, 2**-0.5])
    # along (1,1)/√2 at the origin: L = (1 − t²/2)², order-2 model = 1 − t²
    line = ex.line(n=5)
    assert np.allclose(line[2], 1 - line["t"] ** 2)
    assert np.allclose(line["true"], (1 - line["t"] ** 2 / 2) ** 2)
    grids = ex.grids(n=21)
    assert grids["true"].shape == grids[2].shape == (21, 21)
    fig = ex.draw()
    assert len(fig.axes) == 3 and "θ′ = (0.00, 0.00)" in fig._suptitle.get_text()
    box = ex.widget()
    assert len(box.children) == 2
    with pytest.raises(ValueError, match="exactly 2"):
        V.TaylorExplorer(w1**2, (w1,), ((-1, 1),))


def test_point_inspector_reports_and_draws(agg):
    pi = V.PointInspector(LECTURE, (w1, w2), ((-2, 2), (-2, 2)))
    rep = pi.inspect((0, 0))
    assert rep.kind == "saddle point" and np.allclose(rep.eigenvalues, [-2, 2])
    text = pi.summary(rep)
    assert "saddle point" in text and "(-2, 2)" in text and "-0" not in text.replace("(-2", "")
    rep = pi.inspect((2.0, 0.5))
    assert rep.kind == "degenerate" and rep.resolved_kind == "local minimum"
    assert "degenerate → local minimum" in pi.summary(rep)
    grid = pi.model_grid(rep, n=11)
    assert grid["model"].min() >= -1e-12  # H is positive semidefinite there: model ≥ L(θ′) = 0
    fig, rep = pi.draw((0.5, 1.5))
    assert rep.kind == "not critical" and len(fig.axes) == 2
    assert len(pi.widget().children) == 2


def test_eigen_color_uses_the_tolerance_rule():
    from helpers.style import NEGATIVE_COLOR, POSITIVE_COLOR

    # rounding noise on the valley counts as zero, whatever its sign
    assert V.eigen_color(2.8e-17, [2.8e-17, 22.4]) == "grey"
    assert V.eigen_color(-1.1e-16, [-1.1e-16, 5.06]) == "grey"
    assert V.eigen_color(22.4, [2.8e-17, 22.4]) == POSITIVE_COLOR
    assert V.eigen_color(-2.0, [-2.0, 2.0]) == NEGATIVE_COLOR
    # the rule is |λ| ≤ eig_tol·max(1, max|λ|): relative to the largest eigenvalue
    assert V.eigen_color(1e-3, [1e-3, 1e4]) == "grey"
    assert V.eigen_color(1e-3, [1e-3, 1e4], eig_tol=1e-9) == POSITIVE_COLOR


def test_inspector_draws_the_valley_direction_grey_at_a_float_point(agg):
    pi = V.PointInspector(LECTURE, (w1, w2), ((-2, 2), (-2, 2)))
    fig, rep = pi.draw((0.3, 1 / 0.3))  # float point: the zero eigenvalue is rounding noise
    assert rep.kind == "degenerate"
    colours = [line.get_color() for line in fig.axes[0].get_lines()]
    assert colours.count("grey") == 1 and "grey λ = 0" in fig._suptitle.get_text()


def test_explorer_uses_the_lecture_colours(agg):
    ex = V.TaylorExplorer(LECTURE, (w1, w2), ((-2, 2), (-2, 2)))
    fig = ex.draw()
    lines = fig.axes[0].get_lines()
    by_label = {line.get_label(): line.get_color() for line in lines}
    assert by_label[V.ORDER_LABELS[1]] == V.ORDER_COLORS[1] == "#009E73"  # g: green
    assert by_label[V.ORDER_LABELS[2]] == V.ORDER_COLORS[2] == "#D55E00"  # H term: red


def test_taylor_expansion_is_numeric_function_on_points():
    tx = T.TaylorExpansion(LECTURE, (w1, w2))
    pts = np.random.default_rng(1).normal(size=(7, 3, 2))
    assert np.array_equal(tx.loss(pts), LOSS(pts))
    value, g, h = tx.at((0.5, 1.5))
    assert isinstance(value, float) and g.shape == (2,) and h.shape == (2, 2)
    assert np.array_equal(tx.model([0.6, 1.4], (0.5, 1.5)),
                          T.taylor_model([0.6, 1.4], (0.5, 1.5), value, g, h))


def test_inspector_verdicts_use_the_shared_vocabulary(agg):
    from helpers.spectrum import verdict_text

    pi = V.PointInspector(LECTURE, (w1, w2), ((-2, 2), (-2, 2)))
    fig, rep = pi.draw((2.0, 0.5))
    verdict = verdict_text(rep.kind, rep.resolved_kind)
    assert verdict == "degenerate → local minimum"
    assert fig._suptitle.get_text().startswith(verdict + "   (eigenvector lines")
    assert f"kind: {verdict}\n" in pi.summary(rep)
