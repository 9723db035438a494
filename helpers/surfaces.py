"""The course's error surfaces: the lecture's network and the classic test functions."""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

x, y = sp.symbols("x y")
w1, w2 = sp.symbols("w1 w2")


@dataclass(frozen=True)
class Surface:
    """A named loss surface f(variables) with a plotting box ``bounds``."""

    name: str
    label: str  # LaTeX, without dollar signs
    expr: sp.Expr
    variables: tuple[sp.Symbol, ...]
    bounds: tuple[tuple[float, float], ...]
    description: str

    def __call__(self, *values: float) -> float:
        """Value of the surface at a point (floats in, float out)."""
        if len(values) != len(self.variables):
            raise ValueError(f"{self.name} takes {len(self.variables)} coordinates")
        return float(self.expr.subs(dict(zip(self.variables, values, strict=True))))


def _s(name: str, label: str, expr: sp.Expr, variables: tuple[sp.Symbol, ...],
       bounds: tuple[tuple[float, float], ...], description: str) -> Surface:
    return Surface(name, label, expr, variables, bounds, description)


_XY = (x, y)
SURFACES: dict[str, Surface] = {
    s.name: s
    for s in [
        _s("lecture", r"L(w_1, w_2) = (1 - w_1 w_2)^2", (1 - w1 * w2) ** 2, (w1, w2),
           ((-2.0, 2.0), (-2.0, 2.0)),
           "The lecture's network y = w1·w2·x on one sample (x = 1, ŷ = 1), squared error."),
        _s("x2-y2", r"f(x, y) = x^2 - y^2", x**2 - y**2, _XY, ((-2.0, 2.0), (-2.0, 2.0)),
           "The textbook saddle: up along x, down along y."),
        _s("x2+y2", r"f(x, y) = x^2 + y^2", x**2 + y**2, _XY, ((-2.0, 2.0), (-2.0, 2.0)),
           "A bowl: one strict local (and global) minimum at the origin."),
        _s("-x2-y2", r"f(x, y) = -x^2 - y^2", -(x**2) - y**2, _XY, ((-2.0, 2.0), (-2.0, 2.0)),
           "An upside-down bowl: one strict local maximum at the origin."),
        _s("monkey", r"f(x, y) = x^3 - 3 x y^2", x**3 - 3 * x * y**2, _XY,
           ((-1.5, 1.5), (-1.5, 1.5)),
           "The monkey saddle: H = 0 at the origin, three valleys (a degenerate saddle)."),
        _s("himmelblau", r"f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2",
           (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2, _XY, ((-5.0, 5.0), (-5.0, 5.0)),
           "Himmelblau's function: 4 minima, 1 maximum and 4 saddle points."),
        _s("six-hump camel", r"f(x, y) = \left(4 - 2.1 x^2 + \frac{x^4}{3}\right) x^2 + x y"
           r" + (4 y^2 - 4) y^2",
           (4 - sp.Rational(21, 10) * x**2 + x**4 / 3) * x**2 + x * y + (-4 + 4 * y**2) * y**2,
           _XY, ((-3.0, 3.0), (-2.0, 2.0)),
           "Six-hump camel: 6 minima (two global, f = −1.0316), 2 maxima, 7 saddle points."),
        _s("rosenbrock", r"f(x, y) = (1 - x)^2 + 100 (y - x^2)^2",
           (1 - x) ** 2 + 100 * (y - x**2) ** 2, _XY, ((-2.0, 2.0), (-1.0, 3.0)),
           "Rosenbrock's banana valley: one minimum, (1, 1), at the end of a flat curved valley."),
        _s("x3+y2", r"f(x, y) = x^3 + y^2", x**3 + y**2, _XY, ((-1.5, 1.5), (-1.5, 1.5)),
           "Degenerate: eigenvalues 0 and 2 at the origin, yet a saddle (x³ changes sign)."),
        _s("x4+y4", r"f(x, y) = x^4 + y^4", x**4 + y**4, _XY, ((-1.5, 1.5), (-1.5, 1.5)),
           "Degenerate: H = 0 at the origin, yet a strict minimum (higher order decides)."),
    ]
}


def get_surface(name: str) -> Surface:
    """The surface called ``name`` (a key of SURFACES)."""
    try:
        return SURFACES[name]
    except (KeyError, TypeError):
        valid = ", ".join(repr(k) for k in SURFACES)
        raise ValueError(f"unknown surface {name!r}; choose one of {valid}") from None
