"""Curves and surfaces of critical points: their equation, samples and verdict."""

from __future__ import annotations

import contextlib
import functools
import itertools
import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy as sp

from helpers.spectrum import verdict_text
from helpers.symbolic.classify import analyze_point
from helpers.symbolic.report import PointReport
from helpers.symbolic.signs import prove_sign, safe_factor
from helpers.symbolic.text import eq_text, fmt_vec, pretty


@dataclass(frozen=True, eq=False)
class CriticalFamily:
    """A curve (or surface) of critical points, e.g. w1·w2 = 1 for L = (1 − w1·w2)²."""

    equation: Any  # sympy Eq (an And of Eqs when several coordinates depend on the others)
    variables: tuple[sp.Symbol, ...]
    kind: str
    resolved_kind: str
    samples: tuple[PointReport, ...]
    reason: str
    solution: dict = field(default_factory=dict)  # dependent variable -> expression
    value: Any = None  # f on the family (sympy), when constant
    # every explicit branch (e.g. y = ±sqrt(1 − x²) of the circle x² + y² = 1); solution is
    # branches[0]
    branches: tuple[dict, ...] = ()

    @property
    def verdict(self) -> str:
        """One-line verdict: the kind, and what decided a degenerate or non-smooth family."""
        return verdict_text(self.kind, self.resolved_kind)

    def _branches(self) -> tuple[dict, ...]:
        return self.branches or (self.solution,)

    def curve(self, bounds: Sequence[tuple[float, float]], n: int = 400) -> np.ndarray:
        """Points (m, len(variables)) tracing the family inside bounds; NaN rows break it.

        With several branches the curves follow each other, separated by a NaN row.
        """
        parts = []
        for sol in self._branches():
            if parts:
                parts.append(np.full((1, len(self.variables)), np.nan))
            parts.append(self._branch_curve(sol, bounds, n))
        return np.vstack(parts)

    def _branch_curve(self, sol: dict, bounds: Sequence[tuple[float, float]],
                      n: int) -> np.ndarray:
        """One branch over its free variable's range, with its ends; NaN outside the box."""
        free = [v for v in self.variables if v not in sol]
        if len(free) != 1:
            raise ValueError("curve() needs a one-parameter family")
        (t,) = free
        i = self.variables.index(t)
        at = _branch_function(self.variables, t, sol)
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pts = at(_with_branch_ends(np.linspace(bounds[i][0], bounds[i][1], n), at))
            lo = np.array([b[0] for b in bounds])
            hi = np.array([b[1] for b in bounds])
            inside = np.all((pts >= lo) & (pts <= hi) & np.isfinite(pts), axis=1)
        pts[~inside] = np.nan
        return pts

    def contains(self, point: np.ndarray, tol: float = 1e-7) -> bool:
        """True when ``point`` satisfies the family's equations to ``tol`` (scaled)."""
        p = np.asarray(point, dtype=float)
        return any(self._on_branch(sol, p, tol) for sol in self._branches())

    def _on_branch(self, sol: dict, p: np.ndarray, tol: float) -> bool:
        for v, fn in _solution_functions(self.variables, tuple(sol.items())):
            with np.errstate(all="ignore"):
                val = complex(fn(*p))
            target = p[self.variables.index(v)]
            if not np.isfinite(val) or abs(val - target) > tol * max(1.0, abs(target)):
                return False
        return True

    def __str__(self) -> str:
        lines = [f"family {eq_text(self.equation)}: {self.verdict}", f"  why: {self.reason}"]
        lines += [f"  sample {s.point_text}: eigenvalues {fmt_vec(s.eigenvalues)}"
                  for s in self.samples]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"CriticalFamily({eq_text(self.equation)}, {self.kind!r})"

    def _repr_markdown_(self) -> str:
        return (f"**Family of critical points** ${sp.latex(self.equation)}$: "
                f"**{self.verdict}**  \n{self.reason}")


@functools.lru_cache(maxsize=32)
def _solution_functions(vars_: tuple[sp.Symbol, ...], items: tuple) -> list:
    """numpy functions of all variables, one per dependent variable of a family."""
    return [(v, sp.lambdify(vars_, e, "numpy")) for v, e in items]


def _branch_function(vars_: tuple[sp.Symbol, ...], t: sp.Symbol,
                     sol: dict) -> Callable[[np.ndarray], np.ndarray]:
    """numpy map from values of the free variable t to points (m, len(vars_)) of a branch."""
    fns = {v: sp.lambdify(t, sol[v], "numpy") for v in vars_ if v != t}

    def at(tt: np.ndarray) -> np.ndarray:
        cols = [tt if v == t else np.broadcast_to(np.asarray(fns[v](tt), dtype=float), tt.shape)
                for v in vars_]
        return np.column_stack(cols)

    return at


def _with_branch_ends(ts: np.ndarray, at: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """ts plus the places where the branch ends inside the range (y = ±sqrt(1 − x²) at ±1).

    Found by bisection, so that the branches of one curve meet without a gap.
    """
    ok = np.all(np.isfinite(at(ts)), axis=1)
    ends = []
    for j in np.flatnonzero(ok[:-1] != ok[1:]):
        good, bad = (ts[j], ts[j + 1]) if ok[j] else (ts[j + 1], ts[j])
        ends.append((j + 1, _branch_end(good, bad, at)))
    for j, te in reversed(ends):
        ts = np.insert(ts, j, te)
    return ts


def _branch_end(good: float, bad: float, at: Callable[[np.ndarray], np.ndarray]) -> float:
    """The last t (60 halvings from good towards bad) where the branch is still defined."""
    for _ in range(60):
        mid = (good + bad) / 2
        if np.all(np.isfinite(at(np.array([mid])))):
            good = mid
        else:
            bad = mid
    return good


# --------------------------------------------------------------------------- making families
def make_family(expr: sp.Expr, vars_: tuple[sp.Symbol, ...], sols: dict | list[dict],
                bounds: Any, grad_tol: float, eig_tol: float,
                implicit: sp.Expr | None = None) -> CriticalFamily | None:
    """A family from one explicit solution, or from several branches of ``implicit`` = 0."""
    branches = [sols] if isinstance(sols, dict) else list(sols)
    picks = _sample_points(vars_, branches, bounds)
    if picks is None:
        return None
    samples = tuple(analyze_point(expr, vars_, p, grad_tol=grad_tol, eig_tol=eig_tol)
                    for p in picks)
    kinds = {s.kind for s in samples}
    kind = kinds.pop() if len(kinds) == 1 else "degenerate"
    equation = _family_equation(vars_, branches, implicit)
    values = {sp.simplify(expr.xreplace(b)) for b in branches}
    value = values.pop() if len(values) == 1 else None
    resolved, reason = _family_verdict(expr, vars_, kind, value, samples)
    return CriticalFamily(equation=equation, variables=vars_, kind=kind, resolved_kind=resolved,
                          samples=samples, reason=reason, solution=dict(branches[0]),
                          value=value, branches=tuple(dict(b) for b in branches))


def _sample_points(vars_: tuple[sp.Symbol, ...], branches: list[dict],
                   bounds: Any) -> list[list] | None:
    """The simplest rational points of the branches in the box (None: there are none)."""
    per_branch = [_branch_candidates(vars_, sol, bounds) for sol in branches]
    if not any(per_branch):
        return None
    take = 5 if len(branches) == 1 else 3
    picks = {tuple(p): p for cands in per_branch for p in sorted(cands, key=_height)[:take]}
    return sorted(picks.values(), key=lambda p: [float(c) for c in p])


def _height(p: list) -> tuple:
    """Simplest rationals first: (1, 1) before (4/5, 5/4)."""
    return (sum(abs(c.p) + c.q if c.is_Rational else 99 for c in p), [float(c) for c in p])


def _branch_candidates(vars_: tuple[sp.Symbol, ...], sol: dict, bounds: Any) -> list[list]:
    """Points of one branch with simple rational free coordinates, inside the box."""
    free = [v for v in vars_ if v not in sol]
    lo = {v: b[0] for v, b in zip(vars_, bounds, strict=True)}
    hi = {v: b[1] for v, b in zip(vars_, bounds, strict=True)}
    grids = [_sample_values(lo[v], hi[v]) for v in free]
    candidates = []
    for combo in itertools.islice(itertools.product(*grids), 4000):
        point = _branch_point(vars_, sol, dict(zip(free, combo, strict=True)), lo, hi)
        if point is not None:
            candidates.append(point)
    return candidates


def _branch_point(vars_: tuple[sp.Symbol, ...], sol: dict, subs: dict, lo: dict,
                  hi: dict) -> list | None:
    """The branch's point at the free coordinates subs, if real, finite and inside the box."""
    point = []
    for v in vars_:
        val = subs[v] if v in subs else sp.simplify(sol[v].xreplace(subs))
        if not (val.is_real and val.is_finite) or not (lo[v] <= val <= hi[v]):
            return None
        point.append(val)
    return point


def _sample_values(lo: float, hi: float) -> list[sp.Rational]:
    """Simple rationals in [lo, hi], spread out, deterministic."""
    vals = {sp.Rational(k, q) for q in (1, 2, 3, 4) for k in range(math.floor(lo * q) - 1,
                                                                    math.ceil(hi * q) + 2)}
    return sorted(v for v in vals if lo <= v <= hi)


def _family_equation(vars_: tuple[sp.Symbol, ...], branches: list[dict],
                     implicit: sp.Expr | None) -> Any:
    """The implicit equation of several branches, else the first branch's explicit ones."""
    if implicit is not None and len(branches) > 1:
        return _tidy_equation(sp.expand(implicit), vars_)
    sol = branches[0]
    eqs = []
    for v in vars_:
        if v in sol:  # var = sol: denominators cleared
            num = sp.expand(sp.numer(sp.together(v - sol[v])))
            eqs.append(_tidy_equation(num, num.free_symbols))
    return eqs[0] if len(eqs) == 1 else sp.And(*eqs)


def _tidy_equation(e: sp.Expr, symbols: Any) -> sp.Equality:
    """e = 0 as lhs = rhs: the constant to the right, no leading minus sign on the left."""
    const = e.as_independent(*symbols, as_Add=True)[0] if symbols else e
    lhs, rhs = e - const, -const
    if lhs.could_extract_minus_sign():
        lhs, rhs = -lhs, -rhs
    return sp.Eq(lhs, rhs, evaluate=False)


def _family_verdict(expr: sp.Expr, vars_: tuple[sp.Symbol, ...], kind: str, value: Any,
                    samples: tuple[PointReport, ...]) -> tuple[str, str]:
    """(resolved_kind, reason) of a family whose samples say ``kind``."""
    if kind == "saddle point":
        return "saddle point", "eigenvalues of both signs at every sample"
    proved = _value_proof(expr, vars_, value) if value is not None and not value.free_symbols \
        else None
    if proved is None:
        verdicts = ", ".join(sorted({s.resolved_kind for s in samples}))
        proved = "undetermined", f"no proof for the whole family; the samples are: {verdicts}"
    resolved, reason = proved
    if kind == "degenerate":
        return resolved, ("along the family f is constant, so H has a zero eigenvalue in its "
                          "direction (second-order test inconclusive); " + reason)
    if kind == "undetermined":
        return resolved, ("f is not twice differentiable on this family (a kink), so there is "
                          "no second-order test; " + reason)
    return (kind if kind != "not critical" else "undetermined"), reason


def _value_proof(expr: sp.Expr, vars_: tuple[sp.Symbol, ...],
                 value: sp.Expr) -> tuple[str, str] | None:
    """(resolved_kind, reason) when sympy proves f ≥ value or f ≤ value everywhere."""
    s = prove_sign(expr - value, vars_)
    if s == 1:
        lhs = "f" if value == 0 else f"f − {pretty(value)}"
        return "local minimum", (f"f = {pretty(value)} on the whole family and {lhs} = "
                                 f"{pretty(safe_factor(expr - value))} ≥ 0 everywhere: every "
                                 f"point of the family is a (non-strict) minimum")
    if s == -1:
        return "local maximum", (f"f = {pretty(value)} on the whole family and f ≤ "
                                 f"{pretty(value)} everywhere: every point is a (non-strict) "
                                 f"maximum")
    return None


# --------------------------------------------------------------------------- branches
def _gradient_factors(expr: sp.Expr, vars_: tuple[sp.Symbol, ...]) -> list[sp.Expr]:
    """Irreducible factors of gcd(∂f/∂v₁, …, ∂f/∂vₙ) for a polynomial f: their zero sets are
    whole curves (hypersurfaces) of critical points, e.g. x² + y² − 1 for (x² + y² − 1)²."""
    if not expr.is_polynomial(*vars_) or sp.count_ops(expr) > 300:
        return []
    try:
        g = functools.reduce(sp.gcd, [sp.expand(sp.diff(expr, v)) for v in vars_])
        _, factors = sp.factor_list(sp.sympify(g), *vars_)
    except Exception:  # noqa: BLE001 - any failure: keep the explicit branches
        return []
    return [q for q, _ in factors if sp.Poly(q, *vars_).total_degree() > 0]


def group_branches(expr: sp.Expr, vars_: tuple[sp.Symbol, ...],
                   sols: list[dict]) -> list[tuple[list[dict], sp.Expr | None]]:
    """Family solutions grouped by the gradient factor whose zero set they trace."""
    factors = _gradient_factors(expr, vars_)
    groups: dict[int, list[dict]] = {}
    alone: list[tuple[list[dict], sp.Expr | None]] = []
    for sol in sols:
        for i, q in enumerate(factors):
            with contextlib.suppress(Exception):
                if sp.simplify(q.xreplace(sol)) == 0:
                    groups.setdefault(i, []).append(sol)
                    break
        else:
            alone.append(([sol], None))
    return [(g, factors[i]) for i, g in sorted(groups.items())] + alone
