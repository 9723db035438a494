"""helpers.surfaces: the catalogue is consistent and its one-line claims hold."""

import numpy as np
import pytest
import sympy as sp

from helpers.surfaces import SURFACES, Surface, get_surface
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
