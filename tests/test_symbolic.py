"""helpers.symbolic against independent references: finite differences, closed forms,
published critical points, and a resultant-based enumeration of polynomial critical points."""

import time

import numpy as np
import pytest
import sympy as sp

from helpers.symbolic import (
    KINDS,
    CriticalFamily,
    PointReport,
    analyze_point,
    critical_points,
    escape_direction,
    gradient,
    hessian,
)
from helpers.symbolic.resolve import leading_term

x, y, z, w1, w2 = sp.symbols("x y z w1 w2")


@pytest.fixture(autouse=True)
def _results_not_the_clock(monkeypatch):
    """These tests check what the analysis finds, so a busy machine must not cut it short
    (the time bound itself is tested in test_time_bounds.py)."""
    monkeypatch.setenv("HELPERS_TIME_LIMIT", "30")
LECTURE = (1 - w1 * w2) ** 2
HIMMELBLAU = (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2
CAMEL = (4 - sp.Rational(21, 10) * x**2 + x**4 / 3) * x**2 + x * y + (-4 + 4 * y**2) * y**2
ROSENBROCK = (1 - x) ** 2 + 100 * (y - x**2) ** 2
RESOLVED_KINDS = ("local minimum", "local maximum", "saddle point", "undetermined")


# ------------------------------------------------- derivatives vs finite differences
@pytest.mark.parametrize(
    ("f", "point"),
    [
        (HIMMELBLAU, (0.3, -1.2)),
        (CAMEL, (1.1, 0.4)),
        (sp.sin(x) * sp.exp(y) + x * y**3, (0.7, -0.2)),
        (sp.log(1 + x**2 + y**2 * z**2) + x * z, (0.5, 1.5, -0.8)),
    ],
)
def test_gradient_and_hessian_match_central_differences(f, point):
    vars_ = sorted(f.free_symbols, key=str)
    fn = sp.lambdify(vars_, f)
    g = np.array(gradient(f, vars_).subs(dict(zip(vars_, point, strict=True))), dtype=float).ravel()
    H = np.array(hessian(f, vars_).subs(dict(zip(vars_, point, strict=True))), dtype=float)
    h = 1e-5
    n = len(vars_)
    eye = np.eye(n)
    p = np.array(point)
    g_fd = np.array([(fn(*(p + h * e)) - fn(*(p - h * e))) / (2 * h) for e in eye])
    H_fd = np.array(
        [
            [
                (fn(*(p + h * a + h * b)) - fn(*(p + h * a - h * b))
                 - fn(*(p - h * a + h * b)) + fn(*(p - h * a - h * b))) / (4 * h * h)
                for b in eye
            ]
            for a in eye
        ]
    )
    assert np.allclose(g, g_fd, rtol=1e-7, atol=1e-7)
    assert np.allclose(H, H_fd, rtol=1e-4, atol=1e-4)


def test_gradient_is_a_column_and_hessian_symmetric():
    g = gradient(LECTURE, (w1, w2))
    assert g.shape == (2, 1)
    assert sp.simplify(g[0] - (-2 * w2 * (1 - w1 * w2))) == 0
    H = hessian(HIMMELBLAU, (x, y))
    assert H.shape == (2, 2) and (H - H.T).is_zero_matrix


# ----------------------------------------------------------------- the lecture's numbers
def test_lecture_origin_is_a_saddle_with_the_lecture_hessian():
    rep = analyze_point(LECTURE, (w1, w2), (0, 0))
    assert rep.exact
    assert rep.kind == rep.resolved_kind == "saddle point"
    assert np.array_equal(rep.hessian, [[0, -2], [-2, 0]])
    assert np.allclose(rep.eigenvalues, [-2, 2])
    assert rep.value == 1.0 and rep.grad_norm == 0.0
    lam, v = escape_direction(rep.hessian)
    assert lam == pytest.approx(-2)
    assert np.allclose(v, np.array([1, 1]) / np.sqrt(2))
    # moving along v lowers the loss: L(1, 1) = 0 < L(0, 0) = 1
    assert LECTURE.subs({w1: 1, w2: 1}) == 0 < LECTURE.subs({w1: 0, w2: 0}) == 1


@pytest.mark.parametrize(
    "point", [(1, 1), (2, sp.Rational(1, 2)), (-1, -1), (1.0, 1.0), (2.0, 0.5)]
)
def test_lecture_valley_is_degenerate_but_resolved_as_minimum(point):
    rep = analyze_point(LECTURE, (w1, w2), point)
    assert rep.kind == "degenerate"
    assert rep.resolved_kind == "local minimum"
    assert rep.inertia == (0, 1, 1)
    assert rep.eigenvalues[0] == pytest.approx(0, abs=1e-12)
    a = float(point[0])
    assert rep.eigenvalues[1] == pytest.approx(2 * (a**4 + 1) / a**2)  # research note closed form
    assert "≥ 0" in rep.reason


@pytest.mark.parametrize(
    ("f", "kind", "resolved"),
    [
        (x**3 - 3 * x * y**2, "degenerate", "saddle point"),  # monkey saddle
        (x**4 + y**4, "degenerate", "local minimum"),
        (x**3 + y**2, "degenerate", "saddle point"),
        (-(x**4) - y**4, "degenerate", "local maximum"),
        (x**2 - y**4, "degenerate", "saddle point"),  # opposite even leading terms
        (x**2 * y**2, "degenerate", "local minimum"),
        (x**2 - y**2, "saddle point", "saddle point"),
        (x**2 + y**2, "local minimum", "local minimum"),
        (-(x**2) - y**2, "local maximum", "local maximum"),
        (x**2 - y**2 + z**4, "saddle point", "saddle point"),  # signs decide despite λ = 0
    ],
)
def test_degenerate_examples(f, kind, resolved):
    vars_ = sorted(f.free_symbols, key=str)
    rep = analyze_point(f, vars_, [0] * len(vars_))
    assert (rep.kind, rep.resolved_kind) == (kind, resolved)
    assert rep.exact


def test_undetermined_is_allowed_but_never_a_wrong_label():
    # f = (y - x^2)(y - 2x^2) is a saddle (negative between the parabolas) but every line
    # through 0 shows a minimum: our line probes must not call it a minimum.
    f = (y - x**2) * (y - 2 * x**2)
    rep = analyze_point(f, (x, y), (0, 0))
    assert rep.kind == "degenerate"
    assert rep.resolved_kind in {"saddle point", "undetermined"}


def test_not_critical_points():
    rep = analyze_point(LECTURE, (w1, w2), (sp.Rational(1, 2), sp.Rational(1, 2)))
    assert rep.kind == rep.resolved_kind == "not critical"
    assert np.allclose(rep.gradient, [-0.75, -0.75])
    rep = analyze_point(HIMMELBLAU, (x, y), (0.0, 0.0))
    assert rep.kind == "not critical" and not rep.exact


def test_numeric_tolerances_are_scale_aware():
    # a point off the true minimum (3, 2) by 1e-12 is critical; by 1e-3 it is not
    assert analyze_point(HIMMELBLAU, (x, y), (3 + 1e-12, 2.0)).kind == "local minimum"
    assert analyze_point(HIMMELBLAU, (x, y), (3 + 1e-3, 2.0)).kind == "not critical"
    # the same function scaled by 1e6 has the same critical points
    rep = analyze_point(1e6 * HIMMELBLAU, (x, y), (3 + 1e-12, 2.0))
    assert rep.kind == "local minimum"


def test_noise_eigenvalue_counts_as_zero_not_positive():
    # f = x^2 + 1e-14·y^2: numerically the y-curvature is noise next to 2
    f = x**2 + sp.Float(1e-14) * y**2
    rep = analyze_point(f, (x, y), (0.0, 0.0))
    assert rep.inertia == (0, 1, 1)
    assert rep.kind == "degenerate"
    # the same noise next to a negative eigenvalue does not hide the saddle
    rep = analyze_point(-(x**2) + sp.Float(1e-14) * y**2 + x * y**2, (x, y), (0.0, 0.0))
    assert rep.kind == "degenerate" and rep.resolved_kind in {"saddle point", "undetermined"}
    assert escape_direction(np.diag([1e-14, 2.0])) is None
    assert escape_direction(np.diag([-1e-14, 2.0])) is None
    assert escape_direction(np.diag([-1e-3, 2.0]))[0] == pytest.approx(-1e-3)


def test_escape_direction_sign_convention_and_errors():
    lam, v = escape_direction(sp.Matrix([[0, -2], [-2, 0]]))
    assert lam == -2 and v[0] > 0 and np.linalg.norm(v) == pytest.approx(1)
    assert escape_direction(np.eye(3)) is None
    with pytest.raises(ValueError, match="square"):
        escape_direction(np.ones((2, 3)))
    with pytest.raises(ValueError, match="symmetric"):
        escape_direction(np.array([[0.0, 1.0], [0.0, 0.0]]))


def test_bad_input_raises_readable_errors():
    with pytest.raises(ValueError, match="not in variables"):
        analyze_point(x * y, (x,), (0,))
    with pytest.raises(ValueError, match="coordinates"):
        analyze_point(x * y, (x, y), (0,))
    with pytest.raises(ValueError, match="parse_loss"):
        gradient("x**2", (x,))
    with pytest.raises(ValueError, match="bounds"):
        critical_points(x * y, (x, y), [(1, -1), (0, 1)])


def test_report_text_and_markdown():
    rep = analyze_point(LECTURE, (w1, w2), (1, 1))
    text = str(rep)
    assert "degenerate → local minimum" in text and "eigenvalues" in text
    md = rep._repr_markdown_()
    assert "| kind |" in md and "Hessian" in md
    assert isinstance(rep, PointReport)


# ----------------------------------------------------------------- critical_points
def _resultant_reference(f, box):
    """Independent enumeration: real roots of the resultant in x, then y by np.roots."""
    gx, gy = sp.diff(f, x), sp.diff(f, y)
    res = sp.Poly(sp.resultant(gx, gy, y), x)
    pts = []
    for rx in res.nroots(n=30, maxsteps=200):
        if abs(sp.im(rx)) > 1e-20:
            continue
        xr = float(sp.re(rx))
        if not box[0][0] <= xr <= box[0][1]:
            continue
        py = sp.Poly(gy.subs(x, sp.Float(xr, 30)), y)
        for ry in np.roots([float(c) for c in py.all_coeffs()]):
            if abs(ry.imag) < 1e-6 and box[1][0] <= ry.real <= box[1][1]:
                if abs(float(gx.subs({x: xr, y: ry.real}))) < 1e-5:
                    pts.append((xr, ry.real))
    uniq = []
    for p in pts:
        if all(np.hypot(p[0] - q[0], p[1] - q[1]) > 1e-4 for q in uniq):
            uniq.append(p)
    return np.array(sorted(uniq))


def _kinds(items):
    out = {}
    for it in items:
        out[it.kind] = out.get(it.kind, 0) + 1
    return out


def test_himmelblau_published_critical_points():
    start = time.perf_counter()
    items = critical_points(HIMMELBLAU, (x, y), [(-5, 5), (-5, 5)])
    elapsed = time.perf_counter() - start
    assert elapsed < 30  # the issue asks for 10 s; loose here because CI machines are shared
    assert _kinds(items) == {"local minimum": 4, "local maximum": 1, "saddle point": 4}
    minima = np.array([it.point for it in items if it.kind == "local minimum"])
    published = np.array(
        [[-3.779310, -3.283186], [-2.805118, 3.131312], [3.0, 2.0], [3.584428, -1.848127]]
    )
    assert np.allclose(minima, published, atol=1e-6)
    assert all(abs(it.value) < 1e-12 for it in items if it.kind == "local minimum")
    (maximum,) = [it for it in items if it.kind == "local maximum"]
    assert np.allclose(maximum.point, [-0.270845, -0.923039], atol=1e-6)
    assert maximum.value == pytest.approx(181.617, abs=1e-3)
    # coordinates accurate to 1e-8: compare with the resultant enumeration
    ref = _resultant_reference(HIMMELBLAU, [(-5, 5), (-5, 5)])
    got = np.array(sorted(tuple(it.point) for it in items))
    assert got.shape == ref.shape == (9, 2)
    assert np.allclose(got, ref, atol=1e-8)
    # (3, 2) is found exactly
    (exact,) = [it for it in items if it.exact]
    assert exact.exact_point == (3, 2)


def test_six_hump_camel_critical_points():
    box = [(-3, 3), (-2, 2)]
    items = critical_points(CAMEL, (x, y), box)
    # 15 stationary points: 6 minima, 2 maxima, 7 saddles (checked against the resultant)
    assert _kinds(items) == {"local minimum": 6, "local maximum": 2, "saddle point": 7}
    ref = _resultant_reference(CAMEL, box)
    got = np.array(sorted(tuple(it.point) for it in items))
    assert np.allclose(got, ref, atol=1e-8)
    minima = {tuple(np.round(it.point, 4)): it.value for it in items if it.kind == "local minimum"}
    # published: global minima ±(0.0898, −0.7126), f = −1.0316; also ±(1.7036, −0.7961)
    assert minima[(0.0898, -0.7127)] == pytest.approx(-1.0316, abs=1e-4)
    assert minima[(-0.0898, 0.7127)] == pytest.approx(-1.0316, abs=1e-4)
    assert minima[(1.7036, -0.7961)] == pytest.approx(-0.2155, abs=1e-4)
    assert minima[(-1.7036, 0.7961)] == pytest.approx(-0.2155, abs=1e-4)


def test_rosenbrock_minimum_exact():
    items = critical_points(ROSENBROCK, (x, y), [(-2, 2), (-1, 3)])
    assert len(items) == 1
    (rep,) = items
    assert rep.kind == "local minimum" and rep.exact and rep.exact_point == (1, 1)


def test_lecture_family_and_origin():
    items = critical_points(LECTURE, (w1, w2), [(-2, 2), (-2, 2)])
    assert len(items) == 2
    origin, family = items
    assert isinstance(origin, PointReport) and origin.kind == "saddle point"
    assert np.array_equal(origin.point, [0, 0])
    assert isinstance(family, CriticalFamily)
    assert family.equation == sp.Eq(w1 * w2, 1)
    assert family.kind == "degenerate" and family.resolved_kind == "local minimum"
    assert len(family.samples) >= 3
    for s in family.samples:
        assert s.kind == "degenerate" and s.resolved_kind == "local minimum"
        assert s.point[0] * s.point[1] == pytest.approx(1)
        assert np.all(np.abs(s.point) <= 2)
    assert family.contains(np.array([4 / 3, 0.75]))
    assert not family.contains(np.array([1.0, 0.5]))
    curve = family.curve([(-2, 2), (-2, 2)], n=101)
    ok = ~np.isnan(curve[:, 0])
    assert np.allclose(curve[ok, 0] * curve[ok, 1], 1)
    assert "w1·w2 = 1" in str(family)


@pytest.mark.parametrize(
    ("f", "resolved"),
    [
        (x**3 - 3 * x * y**2, "saddle point"),
        (x**4 + y**4, "local minimum"),
        (x**3 + y**2, "saddle point"),
    ],
)
def test_critical_points_of_degenerate_examples(f, resolved):
    (rep,) = critical_points(f, (x, y), [(-1, 1), (-1, 1)])
    assert rep.kind == "degenerate" and rep.resolved_kind == resolved
    assert np.allclose(rep.point, 0)


def test_numeric_fallback_when_sympy_is_not_allowed_time():
    items = critical_points(HIMMELBLAU, (x, y), [(0, 5), (0, 5)], timeout=0)
    assert [(it.kind, tuple(np.round(it.point, 6))) for it in items] == [
        ("local minimum", (3.0, 2.0)),
        ("saddle point", (0.086678, 2.884255)),
        ("saddle point", (3.385154, 0.073852)),
    ]
    # a transcendental function: sin(x)·cos(y) on [-3, 3]^2 has 4 critical points
    items = critical_points(sp.sin(x) * sp.cos(y), (x, y), [(-3, 3), (-3, 3)], timeout=0)
    pts = sorted(tuple(np.round(it.point, 8)) for it in items)
    h = round(np.pi / 2, 8)
    assert pts == [(-h, 0.0), (0.0, -h), (0.0, h), (h, 0.0)]


def test_three_variables():
    f = x**2 + y**2 - z**2 + x * y * z
    (rep,) = critical_points(f, (x, y, z), [(-1, 1)] * 3)
    assert rep.kind == "saddle point" and rep.inertia == (1, 0, 2)


def test_circle_of_minima_is_one_family_with_its_implicit_equation():
    f = (x**2 + y**2 - 1) ** 2
    items = critical_points(f, (x, y), [(-2, 2), (-2, 2)])
    assert items[0].kind == "local maximum" and np.array_equal(items[0].point, [0, 0])
    assert len(items) == 2
    fam = items[1]
    assert isinstance(fam, CriticalFamily)
    assert fam.equation == sp.Eq(x**2 + y**2, 1)  # one circle, not two half-circles
    assert "x^2 + y^2 = 1" in str(fam)
    assert len(fam.branches) == 2
    assert fam.kind == "degenerate" and fam.resolved_kind == "local minimum"
    ys = [s.point[1] for s in fam.samples]
    assert min(ys) < 0 < max(ys)  # samples from both halves, no duplicates
    assert len({tuple(s.point) for s in fam.samples}) == len(fam.samples)
    for s in fam.samples:
        assert s.eigenvalues[0] == 0.0 and s.eigenvalues[1] == pytest.approx(8)
        assert np.hypot(*s.point) == pytest.approx(1)
    assert fam.contains(np.array([0.6, 0.8])) and fam.contains(np.array([0.6, -0.8]))
    assert not fam.contains(np.array([0.6, 0.7]))
    curve = fam.curve([(-2, 2), (-2, 2)], n=101)
    ok = ~np.isnan(curve[:, 0])
    assert np.allclose(np.hypot(curve[ok, 0], curve[ok, 1]), 1)
    # the half-circles meet: the curve reaches (±1, 0) instead of stopping short of it
    assert np.min(np.abs(curve[ok, 1])) < 1e-6 and np.max(np.abs(curve[ok, 0])) > 1 - 1e-9


def test_exact_irrational_point_on_the_valley():
    rep = analyze_point(LECTURE, (w1, w2), (sp.sqrt(2), 1 / sp.sqrt(2)))
    assert rep.exact and (rep.kind, rep.resolved_kind) == ("degenerate", "local minimum")


# ------------------------------------------------- non-smooth and non-polynomial input
xr, yr = sp.symbols("x y", real=True)  # what helpers.parsing.parse_loss produces
NAN = float("nan")


def _kink_examples():
    from helpers.parsing import parse_loss

    return {t: parse_loss(t, ("x", "y")) for t in
            ("abs(x) + y^2", "abs(x*y)", "sqrt(x^2 + y^2)", "abs(x) - abs(y)", "abs(x) + y")}


@pytest.mark.parametrize("sym", ["real", "plain"])
@pytest.mark.parametrize("point", [(0, 0), (0.0, 0.0), (0.0, 1e-12 * 0)])
def test_abs_at_its_kink_is_reported_not_crashed(sym, point):
    X, Y = (xr, yr) if sym == "real" else (x, y)
    rep = analyze_point(sp.Abs(X) + Y**2, (X, Y), point)
    assert rep.kind == "undetermined" and not rep.smooth
    assert rep.resolved_kind == "local minimum"  # f − f(p) = |x| + y² ≥ 0: no H needed
    assert np.all(np.isnan(rep.gradient)) and np.all(np.isnan(rep.hessian))
    assert np.isnan(rep.grad_norm) and rep.value == 0.0
    assert "not twice differentiable" in rep.reason and "abs(x)" in rep.reason
    assert "not smooth here" in str(rep)


@pytest.mark.parametrize("sym", ["real", "plain"])
def test_abs_away_from_its_kink_is_the_usual_analysis(sym):
    X, Y = (xr, yr) if sym == "real" else (x, y)
    f = sp.Abs(X) + Y**2
    rep = analyze_point(f, (X, Y), (0.5, 0.3))
    assert rep.kind == "not critical" and rep.smooth
    assert np.allclose(rep.gradient, [1.0, 0.6]) and np.allclose(rep.hessian, [[0, 0], [0, 2]])
    rep = analyze_point(f, (X, Y), (-sp.Rational(1, 2), 0))
    assert rep.exact and rep.kind == "not critical" and np.allclose(rep.gradient, [-1, 0])
    # a float 1e-12 from the kink is on it (same tolerance as the gradient); 1e-3 is not
    assert analyze_point(f, (X, Y), (1e-12, 0.0)).kind == "undetermined"
    assert analyze_point(f, (X, Y), (1e-3, 0.0)).kind == "not critical"


def test_kink_that_is_not_an_extremum_says_so():
    rep = analyze_point(sp.Abs(xr) + yr**2, (xr, yr), (0, 1))
    assert (rep.kind, rep.resolved_kind) == ("undetermined", "undetermined")
    assert "neither a minimum nor a maximum" in rep.reason
    rep = analyze_point(sp.Abs(xr) - sp.Abs(yr), (xr, yr), (0.0, 0.0))
    assert (rep.kind, rep.resolved_kind) == ("undetermined", "undetermined")
    assert "neither a minimum nor a maximum" in rep.reason


@pytest.mark.parametrize(
    ("text", "point", "kind", "resolved"),
    [
        ("abs(x*y)", (0, 0), "undetermined", "local minimum"),
        ("abs(x*y)", (1.0, 0.0), "undetermined", "local minimum"),  # on the kink y = 0
        ("abs(x*y)", (0.5, 0.5), "not critical", "not critical"),
        ("sqrt(x^2 + y^2)", (0, 0), "undetermined", "local minimum"),  # the cone's tip
        ("sqrt(x^2 + y^2)", (0.0, 0.0), "undetermined", "local minimum"),
        ("sqrt(x^2 + y^2)", (3, 4), "not critical", "not critical"),
        ("abs(x) + y", (0, 0), "undetermined", "undetermined"),
    ],
)
def test_kinks_and_cones(text, point, kind, resolved):
    f = _kink_examples()[text]
    vars_ = sorted(f.free_symbols, key=str)
    rep = analyze_point(f, vars_, point)
    assert (rep.kind, rep.resolved_kind) == (kind, resolved)
    if text.startswith("sqrt") and kind == "not critical":
        assert np.allclose(rep.gradient, [0.6, 0.8])


def test_piecewise_and_max_are_kinks_too():
    pw = sp.Piecewise((xr, xr >= 0), (-xr, True)) + yr**2  # |x| written by hand
    rep = analyze_point(pw, (xr, yr), (0, 0))
    assert rep.kind == "undetermined" and rep.resolved_kind in {"local minimum", "undetermined"}
    assert analyze_point(pw, (xr, yr), (0.5, 0.0)).kind == "not critical"
    # a degenerate point of a piecewise function away from its kink: x³ + y² at 0 (kink x = 1)
    pw3 = sp.Piecewise((xr**4, xr >= 1), (xr**3, True)) + yr**2
    rep = analyze_point(pw3, (xr, yr), (0, 0))
    assert rep.kind == "degenerate" and rep.resolved_kind in {"saddle point", "undetermined"}
    rep = analyze_point(sp.Max(xr, -xr) + yr**2, (xr, yr), (0.0, 0.0))
    assert rep.kind == "undetermined" and rep.resolved_kind in {"local minimum", "undetermined"}


@pytest.mark.parametrize(
    ("f", "point", "kind", "resolved"),
    [
        (1 - sp.cos(x) * sp.cos(y), (0, 0), "local minimum", "local minimum"),
        (1 - sp.cos(x) * sp.cos(y), (sp.pi / 2, sp.pi / 2), "saddle point", "saddle point"),
        (1 - sp.cos(x) * sp.cos(y), (np.pi, 0.0), "local maximum", "local maximum"),
        ((1 - sp.cos(x)) ** 2 + y**2, (0, 0), "degenerate", "local minimum"),  # ~ x⁴/4
        (sp.sin(x) ** 3 + y**2, (0, 0), "degenerate", "saddle point"),  # ~ x³
        (sp.exp(x**3) - 1 + y**2, (0, 0), "degenerate", "saddle point"),
        (sp.sin(x) ** 2 * sp.sin(y) ** 2, (0, 0), "degenerate", "local minimum"),
        (sp.log(1 + x**4) - y**4, (0, 0), "degenerate", "saddle point"),
    ],
)
def test_transcendental_surfaces_incl_degenerate_points(f, point, kind, resolved):
    rep = analyze_point(f, (x, y), point)
    assert (rep.kind, rep.resolved_kind) == (kind, resolved)


def test_non_polynomial_degenerate_points_never_raise_and_never_mislabel():
    # cos(x) + x²/2 = 1 + x⁴/24 − …: a minimum the tools may or may not prove
    rep = analyze_point(sp.cos(x) + x**2 / 2 + y**2, (x, y), (0, 0))
    assert rep.kind == "degenerate" and rep.resolved_kind in {"local minimum", "undetermined"}
    rep = analyze_point(sp.cos(x) + x**2 / 2 + y**2, (x, y), (0.0, 0.0))
    assert rep.kind == "degenerate" and rep.resolved_kind in {"local minimum", "undetermined"}
    # |x|³ is C² (H exists) but its kink is flagged conservatively: never a wrong label
    rep = analyze_point(sp.Abs(xr) ** 3 - yr**2, (xr, yr), (0, 0))
    assert rep.resolved_kind in {"saddle point", "undetermined"}


def test_leading_term_falls_back_instead_of_raising():
    t = sp.Symbol("t", real=True)
    s = sp.Symbol("s", positive=True)
    assert leading_term(t**3 - t**4, t) == (3, 1)
    assert leading_term(sp.Abs(t) ** 3, t) is None  # not a power series in t
    assert leading_term(sp.sqrt(t**2 + t**4), t) is None
    assert leading_term(sp.sqrt(2 * s**2), s, one_sided=True) == (1, 1)
    assert leading_term(-s ** sp.Rational(3, 2), s, one_sided=True) == (sp.Rational(3, 2), -1)
    assert leading_term(sp.Piecewise((t, t > 0), (t**2, True)), t) is None
    assert leading_term(1 / t, t) is None


def test_undefined_value_is_a_readable_error():
    with pytest.raises(ValueError, match="not defined"):
        analyze_point(sp.log(xr) + yr**2, (xr, yr), (-1.0, 0.5))
    with pytest.raises(ValueError, match="not defined"):
        analyze_point(sp.log(xr) + yr**2, (xr, yr), (0, 0))
    with pytest.raises(ValueError, match="not defined"):
        analyze_point(1 / xr + yr, (xr, yr), (0, 1))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("abs(x) + y^2", [("undetermined", "local minimum", (0, 0))]),
        ("sqrt(x^2 + y^2)", [("undetermined", "local minimum", (0, 0))]),
        ("abs(x) - abs(y)", None),  # anything, but no exception
        ("abs(x) + y", None),
    ],
)
def test_critical_points_of_non_smooth_functions(text, expected):
    f = _kink_examples()[text]
    vars_ = sorted(f.free_symbols, key=str)
    start = time.perf_counter()
    items = critical_points(f, vars_, [(-2, 2), (-2, 2)])
    assert time.perf_counter() - start < 30
    if expected is not None:
        got = [(it.kind, it.resolved_kind, tuple(it.point)) for it in items]
        assert got == expected


def test_critical_points_of_abs_xy_are_the_two_axes():
    f = _kink_examples()["abs(x*y)"]
    items = critical_points(f, (xr, yr), [(-2, 2), (-2, 2)])
    assert all(isinstance(it, CriticalFamily) for it in items)
    assert {str(it.equation) for it in items} == {"Eq(x, 0)", "Eq(y, 0)"}
    for fam in items:
        assert fam.kind == "undetermined" and fam.resolved_kind == "local minimum"
        assert "not twice differentiable" in fam.reason
        assert fam.curve([(-2, 2), (-2, 2)], n=11).shape == (11, 2)


def test_critical_points_of_transcendental_function_with_sympy():
    items = critical_points(1 - sp.cos(x) * sp.cos(y), (x, y), [(-2, 2), (-2, 2)])
    kinds = sorted((it.kind, tuple(np.round(it.point, 6))) for it in items)
    h = round(np.pi / 2, 6)
    assert kinds == [("local minimum", (0.0, 0.0))] + [
        ("saddle point", (a, b)) for a in (-h, h) for b in (-h, h)]


@pytest.mark.parametrize(
    "f",
    [
        sp.Heaviside(xr) * xr**2 + yr**2,
        sp.sign(xr) * xr**3 + yr**2,
        sp.floor(xr) + yr**2,  # sympy cannot differentiate: a ValueError, not a crash
        sp.Max(xr, yr) ** 2,
        sp.cbrt(xr) ** 2 + yr**2,
        sp.sqrt(sp.Abs(xr)) + yr**2,
        sp.exp(-1 / xr**2) + yr**2,
        sp.log(xr**2 + yr**2),
        xr * sp.Abs(xr) + yr,
        sp.Piecewise((xr**2, xr > yr), (yr**2, True)),
        sp.Abs(sp.sin(xr)) + sp.Abs(sp.sin(yr)),
    ],
    ids=str,
)
def test_hostile_functions_give_a_report_or_a_value_error(f):
    for p in [(0, 0), (0.0, 0.0), (1, 0), (0.5, -0.5), (sp.pi, 0), (1e-9, 0.0)]:
        try:
            rep = analyze_point(f, (xr, yr), p)
        except ValueError as exc:
            assert str(exc)  # readable message
        else:
            assert rep.kind in KINDS and rep.resolved_kind in (*RESOLVED_KINDS, "not critical")
    try:
        critical_points(f, (xr, yr), [(-2, 2), (-2, 2)], timeout=1, n_starts=100)
    except ValueError as exc:
        assert "differentiate" in str(exc)


def test_report_verdict_and_inertia_use_the_spectrum_vocabulary():
    from helpers.spectrum import Inertia, verdict_text

    rep = analyze_point(LECTURE, (w1, w2), (1, 1))
    assert rep.verdict == verdict_text(rep.kind, rep.resolved_kind) == "degenerate → local minimum"
    assert isinstance(rep.inertia, Inertia) and rep.inertia.zero == 1
    kink = analyze_point(sp.Abs(xr) + yr**2, (xr, yr), (0, 0))
    assert kink.verdict == "not smooth here (no second-order test) → local minimum"
    assert kink.inertia == (0, 0, 0)


def test_kink_arguments_lists_each_kink_once():
    from helpers.symbolic import kink_arguments

    f = sp.Abs(x) + sp.sqrt(x**2 + y**2) + sp.Max(x, y) + sp.Abs(2) + sp.Abs(x) * y**2
    kinks = kink_arguments(f)
    assert len(kinks) == 3 and {(k.arg, k.label) for k in kinks} == {
        (x, "abs(x)"), (x**2 + y**2, "sqrt(x^2 + y^2)"), (x - y, "Max(…)")}
    assert {type(k.source) for k in kinks} == {sp.Abs, sp.Pow, sp.Max}
    assert kink_arguments(x**2 + y**2) == ()


def test_cached_critical_points_remembers_the_answer():
    from helpers.symbolic import cached_critical_points

    first = cached_critical_points(HIMMELBLAU, (x, y), [(-5, 5), (-5, 5)])
    again = cached_critical_points(HIMMELBLAU, (x, y), ((-5.0, 5.0), (-5.0, 5.0)))
    assert [id(r) for r in first] == [id(r) for r in again] and first is not again
    assert [str(r) for r in first] == [str(r) for r in critical_points(HIMMELBLAU, (x, y),
                                                                       [(-5, 5), (-5, 5)])]
    with pytest.raises(ValueError, match="bounds"):
        cached_critical_points(HIMMELBLAU, (x, y), [(5, -5), (-5, 5)])


# ----------------------------------------------------------------- variables by name
def test_plain_real_and_string_variables_are_interchangeable():
    from helpers import parse_loss

    f = parse_loss("x^2 - y^2")  # real symbols
    xr, yr = sorted(f.free_symbols, key=str)
    reference = str(analyze_point(f, (xr, yr), (0, 0)))
    for variables in [sp.symbols("x y"), ("x", "y"), "x y", "x, y", [sp.Symbol("x"), "y"]]:
        assert str(analyze_point(f, variables, (0, 0))) == reference
    # the student's plain symbols with a loss in plain symbols, given as strings
    assert analyze_point(x**2 - y**2, ("x", "y"), (0, 0)).kind == "saddle point"
    assert str(gradient(f, ("x", "y"))) == str(gradient(x**2 - y**2, (x, y)))
    found = critical_points(f, sp.symbols("x y"), [(-1, 1), (-1, 1)], time_limit=30)
    assert [rep.kind for rep in found] == ["saddle point"]
    assert found[0].variables == sp.symbols("x y")  # the caller's own symbols come back


def test_helpers_taking_variables_accept_names_too():
    from helpers import check_surface, parse_loss
    from helpers.escape import numeric_surface, step_table
    from helpers.taylor import TaylorExpansion, numeric_function

    f = parse_loss("x^2 - y^2")
    assert TaylorExpansion(f, ("x", "y")).at((1, 2))[0] == -3
    assert float(numeric_function(f, sp.symbols("x y"))([1, 2])) == -3
    loss, grad = numeric_surface(f, "x y")
    assert loss([1, 2]) == -3 and np.allclose(grad([1, 2]), [2, -4])
    rows = step_table(f, sp.symbols("x y"), (0, 0), (0, 1), -2.0, [0.1])
    assert rows[0].actual == pytest.approx(-0.01)
    assert check_surface(f, ("x", "y"), [(-1, 1), (-1, 1)], n=11).ok


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        (("x", "y"), "the loss uses x, z but the variables given are x, y: z is not in variables"),
        ((x,), "the loss uses x, z but the variables given are x: z is not in variables"),
        ((x, "x"), "must not repeat a name: x is given twice"),
        (("x", "2y"), "'2y' is not a variable name"),
        ((x, 3), "sympy symbols or names"),
        (42, "sympy symbols or names"),
    ],
)
def test_variable_mismatch_names_both_sides(variables, message):
    from helpers import parse_loss

    f = parse_loss("x^2 + z", ("x", "z"))
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        analyze_point(f, variables, (0, 0)[: len(variables) if not isinstance(variables, int)
                                            else 1])
