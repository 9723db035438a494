"""Curves and surfaces of critical points: their equation, samples and verdict."""

from __future__ import annotations

import contextlib
import functools
import itertools
import math
import warnings
from collections.abc import Sequence
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
        free = [v for v in self.variables if v not in sol]
        if len(free) != 1:
            raise ValueError("curve() needs a one-parameter family")
        (t,) = free
        i = self.variables.index(t)
        ts = np.linspace(bounds[i][0], bounds[i][1], n)
        fns = {v: sp.lambdify(t, sol[v], "numpy") for v in self.variables if v != t}

        def at(tt: np.ndarray) -> np.ndarray:
            cols = [tt if v == t else
                    np.broadcast_to(np.asarray(fns[v](tt), dtype=float), tt.shape)
                    for v in self.variables]
            return np.column_stack(cols)

        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pts = at(ts)
            # where the branch ends inside the box (y = ±sqrt(1 − x²) at x = ±1), add its
            # end point (bisection), so that branches of one curve meet without a gap
            ok = np.all(np.isfinite(pts), axis=1)
            ends = []
            for j in np.flatnonzero(ok[:-1] != ok[1:]):
                good, bad = (ts[j], ts[j + 1]) if ok[j] else (ts[j + 1], ts[j])
                for _ in range(60):
                    mid = (good + bad) / 2
                    if np.all(np.isfinite(at(np.array([mid])))):
                        good = mid
                    else:
                        bad = mid
                ends.append((j + 1, good))
            for j, te in reversed(ends):
                ts = np.insert(ts, j, te)
            pts = at(ts)
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

    def _verdict(self) -> str:
        return verdict_text(self.kind, self.resolved_kind)

    def __str__(self) -> str:
        eq = eq_text(self.equation)
        lines = [f"family {eq}: {self._verdict()}", f"  why: {self.reason}"]
        lines += [f"  sample {pretty(list(s.exact_point)) if s.exact_point else fmt_vec(s.point)}"
                  f": eigenvalues {fmt_vec(s.eigenvalues)}" for s in self.samples]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"CriticalFamily({eq_text(self.equation)}, {self.kind!r})"

    def _repr_markdown_(self) -> str:
        return (f"**Family of critical points** ${sp.latex(self.equation)}$: "
                f"**{self._verdict()}**  \n{self.reason}")


@functools.lru_cache(maxsize=32)
def _solution_functions(vars_: tuple[sp.Symbol, ...], items: tuple) -> list:
    """numpy functions of all variables, one per dependent variable of a family."""
    return [(v, sp.lambdify(vars_, e, "numpy")) for v, e in items]


def _family_equation(var: sp.Symbol, sol: sp.Expr) -> sp.Equality:
    """A tidy equation for var = sol: clear denominators, constants to the right."""
    num = sp.numer(sp.together(var - sol))
    num = sp.expand(num)
    const = num.as_independent(*num.free_symbols, as_Add=True)[0] if num.free_symbols else num
    lhs, rhs = num - const, -const
    if lhs.could_extract_minus_sign():
        lhs, rhs = -lhs, -rhs
    return sp.Eq(lhs, rhs, evaluate=False)


def _sample_values(lo: float, hi: float) -> list[sp.Rational]:
    """Simple rationals in [lo, hi], spread out, deterministic."""
    vals = {sp.Rational(k, q) for q in (1, 2, 3, 4) for k in range(math.floor(lo * q) - 1,
                                                                    math.ceil(hi * q) + 2)}
    return sorted(v for v in vals if lo <= v <= hi)


def _branch_candidates(vars_, sol: dict, bounds) -> list[list]:
    free = [v for v in vars_ if v not in sol]
    lo = {v: b[0] for v, b in zip(vars_, bounds, strict=True)}
    hi = {v: b[1] for v, b in zip(vars_, bounds, strict=True)}
    grids = [_sample_values(lo[v], hi[v]) for v in free]
    candidates = []
    for combo in itertools.islice(itertools.product(*grids), 4000):
        subs = dict(zip(free, combo, strict=True))
        point = []
        ok = True
        for v in vars_:
            val = subs[v] if v in subs else sp.simplify(sol[v].xreplace(subs))
            if not (val.is_real and val.is_finite) or not (lo[v] <= val <= hi[v]):
                ok = False
                break
            point.append(val)
        if ok:
            candidates.append(point)
    return candidates


def _implicit_equation(q: sp.Expr, vars_) -> sp.Equality:
    """q = 0 written tidily: constant to the right, a positive leading coefficient."""
    q = sp.expand(q)
    const = q.as_independent(*vars_, as_Add=True)[0]
    lhs, rhs = q - const, -const
    if lhs.could_extract_minus_sign():
        lhs, rhs = -lhs, -rhs
    return sp.Eq(lhs, rhs, evaluate=False)


def make_family(expr, vars_, sols: dict | list[dict], bounds, grad_tol, eig_tol,
                 implicit: sp.Expr | None = None) -> CriticalFamily | None:
    """A family from one explicit solution, or from several branches of ``implicit`` = 0."""
    branches = [sols] if isinstance(sols, dict) else list(sols)
    per_branch = [_branch_candidates(vars_, sol, bounds) for sol in branches]
    if not any(per_branch):
        return None

    def height(p: list) -> tuple:  # simplest rationals first: (1, 1) before (4/5, 5/4)
        return (sum(abs(c.p) + c.q if c.is_Rational else 99 for c in p), [float(c) for c in p])

    take = 5 if len(branches) == 1 else 3
    picks = {tuple(p): p for cands in per_branch for p in sorted(cands, key=height)[:take]}
    picks = sorted(picks.values(), key=lambda p: [float(c) for c in p])
    samples = tuple(analyze_point(expr, vars_, p, grad_tol=grad_tol, eig_tol=eig_tol)
                    for p in picks)
    kinds = {s.kind for s in samples}
    kind = kinds.pop() if len(kinds) == 1 else "degenerate"
    sol = branches[0]
    if implicit is not None and len(branches) > 1:
        equation = _implicit_equation(implicit, vars_)
    else:
        eqs = [_family_equation(v, sol[v]) for v in vars_ if v in sol]
        equation = eqs[0] if len(eqs) == 1 else sp.And(*eqs)
    values = {sp.simplify(expr.xreplace(b)) for b in branches}
    value = values.pop() if len(values) == 1 else None
    resolved, reason = "undetermined", ""
    if value is not None and not value.free_symbols:
        s = prove_sign(expr - value, vars_)
        if s == 1:
            resolved = "local minimum"
            lhs = "f" if value == 0 else f"f − {pretty(value)}"
            reason = (f"f = {pretty(value)} on the whole family and {lhs} = "
                      f"{pretty(safe_factor(expr - value))} ≥ 0 everywhere: every point of "
                      f"the family is a (non-strict) minimum")
        elif s == -1:
            resolved = "local maximum"
            reason = (f"f = {pretty(value)} on the whole family and f ≤ {pretty(value)} "
                      f"everywhere: every point is a (non-strict) maximum")
    if kind == "saddle point":
        resolved = "saddle point"
        reason = "eigenvalues of both signs at every sample"
    if not reason:
        verdicts = ", ".join(sorted({s.resolved_kind for s in samples}))
        reason = f"no proof for the whole family; the samples are: {verdicts}"
    if kind == "degenerate":
        reason = ("along the family f is constant, so H has a zero eigenvalue in its direction "
                  "(second-order test inconclusive); " + reason)
    elif kind == "undetermined":
        reason = ("f is not twice differentiable on this family (a kink), so there is no "
                  "second-order test; " + reason)
    else:
        resolved = kind if kind != "not critical" else "undetermined"
    return CriticalFamily(equation=equation, variables=vars_, kind=kind, resolved_kind=resolved,
                          samples=samples, reason=reason, solution=dict(sol), value=value,
                          branches=tuple(dict(b) for b in branches))


def _gradient_factors(expr, vars_) -> list[sp.Expr]:
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


def group_branches(expr, vars_, sols: list[dict]) -> list[tuple[list[dict], sp.Expr | None]]:
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
