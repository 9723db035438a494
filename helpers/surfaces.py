"""The course's error surfaces: the lecture's network, the classic test functions and the
demo surfaces of the optimiser notebooks; numeric loss and gradient of a surface."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import sympy as sp

from helpers.symbolic import compile_numeric
from helpers.validation import instance

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


_XY = (x, y)
_HALF = sp.Rational(1, 2)
_SQUARE_2 = ((-2.0, 2.0), (-2.0, 2.0))
_SQUARE_15 = ((-1.5, 1.5), (-1.5, 1.5))


def _by_name(*surfaces: Surface) -> dict[str, Surface]:
    """A catalogue: each surface under its name, in the given order."""
    return {s.name: s for s in surfaces}


SURFACES: dict[str, Surface] = _by_name(
    Surface(
        "lecture", r"L(w_1, w_2) = (1 - w_1 w_2)^2", (1 - w1 * w2) ** 2, (w1, w2), _SQUARE_2,
        "The lecture's network y = w1·w2·x on one sample (x = 1, ŷ = 1), squared error."),
    Surface(
        "x2-y2", r"f(x, y) = x^2 - y^2", x**2 - y**2, _XY, _SQUARE_2,
        "The textbook saddle: up along x, down along y."),
    Surface(
        "x2+y2", r"f(x, y) = x^2 + y^2", x**2 + y**2, _XY, _SQUARE_2,
        "A bowl: one strict local (and global) minimum at the origin."),
    Surface(
        "-x2-y2", r"f(x, y) = -x^2 - y^2", -(x**2) - y**2, _XY, _SQUARE_2,
        "An upside-down bowl: one strict local maximum at the origin."),
    Surface(
        "monkey", r"f(x, y) = x^3 - 3 x y^2", x**3 - 3 * x * y**2, _XY, _SQUARE_15,
        "The monkey saddle: H = 0 at the origin, three valleys (a degenerate saddle)."),
    Surface(
        "himmelblau", r"f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2",
        (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2, _XY, ((-5.0, 5.0), (-5.0, 5.0)),
        "Himmelblau's function: 4 minima, 1 maximum and 4 saddle points."),
    Surface(
        "six-hump camel",
        r"f(x, y) = \left(4 - 2.1 x^2 + \frac{x^4}{3}\right) x^2 + x y + (4 y^2 - 4) y^2",
        (4 - sp.Rational(21, 10) * x**2 + x**4 / 3) * x**2 + x * y + (-4 + 4 * y**2) * y**2,
        _XY, ((-3.0, 3.0), (-2.0, 2.0)),
        "Six-hump camel: 6 minima (two global, f = −1.0316), 2 maxima, 7 saddle points."),
    Surface(
        "rosenbrock", r"f(x, y) = (1 - x)^2 + 100 (y - x^2)^2",
        (1 - x) ** 2 + 100 * (y - x**2) ** 2, _XY, ((-2.0, 2.0), (-1.0, 3.0)),
        "Rosenbrock's banana valley: one minimum, (1, 1), at the end of a flat curved valley."),
    Surface(
        "x3+y2", r"f(x, y) = x^3 + y^2", x**3 + y**2, _XY, _SQUARE_15,
        "Degenerate: eigenvalues 0 and 2 at the origin, yet a saddle (x³ changes sign)."),
    Surface(
        "x4+y4", r"f(x, y) = x^4 + y^4", x**4 + y**4, _XY, _SQUARE_15,
        "Degenerate: H = 0 at the origin, yet a strict minimum (higher order decides)."),
)

# the demo surfaces of notebooks 06-07 (optimisers)
DEMO_SURFACES: dict[str, Surface] = _by_name(
    Surface(
        "double well", r"L = (x^2 - 1)^2 - 0.3\,x + y^2",
        (x**2 - 1) ** 2 - sp.Rational(3, 10) * x + y**2, _XY, ((-2.3, 2.0), (-1.3, 1.3)),
        "A poor local minimum near x = -0.96, a saddle near x = -0.08 and the "
        "global minimum near x = 1.04 (all on y = 0)."),
    Surface(
        "elongated bowl", r"L = \frac{1}{2}\left(\frac{x^2}{1000} + y^2\right)",
        _HALF * (x**2 / 1000 + y**2), _XY, ((-22.0, 4.0), (-1.2, 1.2)),
        "Convex, curvature 1/1000 along x and 1 along y: one learning rate "
        "cannot suit both."),
    Surface(
        "steep valley", r"L = \frac{x^2}{100} + 10\left(\sqrt{1 + y^2} - 1 + 0.3\,y\right)",
        x**2 / 100 + 10 * (sp.sqrt(1 + y**2) - 1 + sp.Rational(3, 10) * y), _XY,
        ((-9.0, 2.0), (-3.0, 3.0)),
        "A flat valley floor along x between steep walls along y."),
)


def get_surface(name: str) -> Surface:
    """The surface called ``name`` (a key of SURFACES)."""
    try:
        return SURFACES[name]
    except (KeyError, TypeError):
        valid = ", ".join(repr(k) for k in SURFACES)
        raise ValueError(f"unknown surface {name!r}; choose one of {valid}") from None


def loss_and_grad(surface: Surface) -> tuple[Callable[[np.ndarray], np.ndarray],
                                             Callable[[np.ndarray], np.ndarray]]:
    """Numeric loss(theta) (theta (..., 2)) and grad(theta) (theta (2,)) of a 2-variable surface."""
    instance("surface", surface, Surface, "a Surface, e.g. get_surface('double well')")
    if len(surface.variables) != 2:
        raise ValueError(f"{surface.name} has {len(surface.variables)} variables; need 2")
    value, grad_fn, _ = compile_numeric(surface.expr, surface.variables)

    def loss(theta: np.ndarray) -> np.ndarray:
        return value(np.moveaxis(np.asarray(theta, dtype=float), -1, 0))

    def grad(theta: np.ndarray) -> np.ndarray:
        return grad_fn(np.asarray(theta, dtype=float))

    return loss, grad
