"""helpers.surfaces: the catalogues are consistent and their one-line claims hold."""

import numpy as np
import pytest
import sympy as sp

from helpers.surfaces import DEMO_SURFACES, SURFACES, Surface, get_surface, loss_and_grad
from helpers.symbolic import analyze_point, critical_points

EXPECTED = {"lecture", "x2-y2", "x2+y2", "-x2-y2", "monkey", "himmelblau", "six-hump camel",
            "rosenbrock", "x3+y2", "x4+y4"}


def test_catalogue_is_complete_and_consistent():
    assert set(SURFACES) == EXPECTED
    for name, s in SURFACES.items():
        assert isinstance(s, Surface) and s.name == name
        assert s.expr.free_symbols <= set(s.variables)
        assert len(s.bounds) == len(s.variables) == 2
        assert all(lo < hi for lo, hi in s.bounds)
        assert s.description and "\n" not in s.description
        assert "$" not in s.label


def test_lecture_surface_is_the_network_on_one_sample():
    s = get_surface("lecture")
    w1, w2 = s.variables
    assert (str(w1), str(w2)) == ("w1", "w2")
    xs, yhat = 1, 1
    assert sp.expand(s.expr - (yhat - w1 * w2 * xs) ** 2) == 0
    assert s.bounds == ((-2.0, 2.0), (-2.0, 2.0))
    assert s(1.0, 1.0) == 0.0 and s(0.0, 0.0) == 1.0


@pytest.mark.parametrize(
    ("name", "kind", "resolved"),
    [
        ("x2-y2", "saddle point", "saddle point"),
        ("x2+y2", "local minimum", "local minimum"),
        ("-x2-y2", "local maximum", "local maximum"),
        ("monkey", "degenerate", "saddle point"),
        ("x3+y2", "degenerate", "saddle point"),
        ("x4+y4", "degenerate", "local minimum"),
        ("lecture", "saddle point", "saddle point"),
    ],
)
def test_origin_kinds_match_descriptions(name, kind, resolved):
    s = get_surface(name)
    rep = analyze_point(s.expr, s.variables, (0, 0))
    assert (rep.kind, rep.resolved_kind) == (kind, resolved)


def test_rosenbrock_only_minimum_in_box():
    s = get_surface("rosenbrock")
    (rep,) = critical_points(s.expr, s.variables, s.bounds)
    assert np.array_equal(rep.point, [1, 1]) and rep.kind == "local minimum"


def test_get_surface_error_lists_names():
    with pytest.raises(ValueError, match="himmelblau"):
        get_surface("himmelblow")
    with pytest.raises(ValueError, match="lecture"):
        get_surface(None)


def test_call_checks_arity():
    with pytest.raises(ValueError, match="2 coordinates"):
        get_surface("monkey")(1.0)


def test_demo_catalogue_is_consistent():
    assert list(DEMO_SURFACES) == ["double well", "elongated bowl", "steep valley"]
    for name, s in DEMO_SURFACES.items():
        assert s.name == name and s.expr.free_symbols <= set(s.variables)
        assert len(s.bounds) == len(s.variables) == 2


@pytest.mark.parametrize("name", sorted(DEMO_SURFACES))
def test_demo_surface_gradients_match_finite_differences(name):
    loss, grad = loss_and_grad(DEMO_SURFACES[name])
    theta = np.array([0.37, -0.61])
    e = 1e-6
    fd = [(loss(theta + e * d) - loss(theta - e * d)) / (2 * e) for d in np.eye(2)]
    np.testing.assert_allclose(grad(theta), fd, rtol=1e-6, atol=1e-8)
    assert loss(np.zeros((3, 4, 2))).shape == (3, 4)
    assert loss(theta).shape == () and grad(theta).shape == (2,)
    assert loss(theta) == DEMO_SURFACES[name](*theta)


def test_double_well_critical_points_are_as_labelled():
    """Gradient ~ 0 at the three labelled points; Hessian signs: min, saddle, min."""
    loss, grad = loss_and_grad(DEMO_SURFACES["double well"])
    for x, curv_sign in ((-0.9601, 1), (-0.0754, -1), (1.0356, 1)):
        assert np.linalg.norm(grad(np.array([x, 0.0]))) < 1e-3
        assert np.sign(12 * x**2 - 4) == curv_sign  # d2L/dx2; d2L/dy2 = 2 > 0
    assert loss(np.array([1.0356, 0.0])) < loss(np.array([-0.9601, 0.0]))


def test_loss_and_grad_needs_two_variables():
    x = sp.Symbol("x")
    with pytest.raises(ValueError):
        loss_and_grad(Surface("1d", "x^2", x**2, (x,), ((-1.0, 1.0),), ""))
