"""Exact analysis of critical points: gradient, Hessian, classification, search.

Conventions (used by every function here):

* ``f`` is a sympy expression, ``variables`` a sequence of distinct sympy symbols that
  contains every free symbol of ``f``; a ``point`` lists one coordinate per variable.
* A point is **exact** when every coordinate is an int, a ``fractions.Fraction`` or a sympy
  number without floats (``1``, ``Rational(1, 2)``, ``sqrt(2)``). Then g and H are evaluated
  exactly and every "is it zero / what sign" decision is exact: no tolerance is involved.
* Otherwise (floats) the decisions use two scale-aware tolerances:

  - the gradient counts as zero when
    ``‖g‖ ≤ grad_tol · max(1, |f(p)|, ‖H‖₂·‖p‖)``; the last term is the gradient a
    relative error ``grad_tol`` in the coordinates of p produces;
  - an eigenvalue λ counts as zero when ``|λ| ≤ eig_tol · max(1, max|λ|)``.

  Defaults ``grad_tol = 1e-8`` and ``eig_tol = 1e-6``: a point known to ~1e-8 is critical,
  and round-off noise (e.g. λ = 1e-14 next to λ = 2) is "zero", never "positive".
* Variables are real: abs(x) is differentiated as a real function (sign(x), 2·DiracDelta(x)).
  Where f is not twice differentiable (a kink of abs/sign/Piecewise/Max/Min, the tip of
  sqrt(u)), ``analyze_point`` never crashes: kind "undetermined", ``smooth=False``, NaN g and
  H, and a resolved_kind from a sign proof of f − f(p) (see analyze_point). A point where f
  itself is undefined (log(0), 1/0) raises a ValueError with a readable message.

Modules, lowest first: ``text`` (how numbers and formulas are printed), ``calculus``
(input check, derivatives, kinks, ``compile_numeric``), ``signs`` (exact signs and sign
proofs), ``points``, ``resolve`` (degenerate and non-smooth points), ``report``
(``PointReport``), ``classify`` (``analyze_point``, ``escape_direction``), ``families``
(``CriticalFamily``), ``solver`` (``sympy.solve`` with a time limit), ``search``
(``critical_points``).
"""

from helpers.spectrum import EIG_TOL
from helpers.symbolic.calculus import (
    check_inputs,
    compile_numeric,
    gradient,
    hessian,
    kink_arguments,
)
from helpers.symbolic.classify import analyze_point, escape_direction
from helpers.symbolic.fallback import numeric_within, value_within
from helpers.symbolic.families import CriticalFamily
from helpers.symbolic.report import GRAD_TOL, KINDS, TIME_LIMIT, PointReport, default_time_limit
from helpers.symbolic.search import CriticalPoints, cached_critical_points, critical_points

__all__ = [
    "EIG_TOL",
    "GRAD_TOL",
    "KINDS",
    "TIME_LIMIT",
    "CriticalFamily",
    "CriticalPoints",
    "PointReport",
    "analyze_point",
    "cached_critical_points",
    "check_inputs",
    "compile_numeric",
    "critical_points",
    "default_time_limit",
    "escape_direction",
    "gradient",
    "hessian",
    "kink_arguments",
    "numeric_within",
    "value_within",
]
