"""What a degenerate or non-smooth point is: sign proofs and leading terms along lines."""

from __future__ import annotations

import itertools
import math

import sympy as sp

from helpers.deadline import run_within
from helpers.symbolic.calculus import kink_arguments
from helpers.symbolic.signs import exact_sign, prove_sign, safe_factor
from helpers.symbolic.text import pretty


def leading_term(phi: sp.Expr, t: sp.Symbol, order: int = 8,
                 one_sided: bool = False) -> tuple[sp.Rational, int] | None:
    """(order, sign) of the first nonzero term of the expansion of phi(t) at t = 0, if any.

    Two-sided (t real): only a power series in integer powers of t counts. One-sided
    (t > 0, ``one_sided=True``): powers may be fractional, e.g. sqrt(t²+t²) = √2·t.
    Anything else (|t| for real t, non-analytic terms, a failing series) gives None, i.e.
    "undetermined" for the caller — never an exception.
    """
    try:
        if not one_sided and _kink_through_zero(phi, t):
            return None  # sympy would expand |t|³ as t³ (wrong for t < 0)
        terms = _expansion_terms(phi, t, order, one_sided)
    except Exception:  # noqa: BLE001 - series/expansion may fail on exotic functions
        return None
    return None if terms is None else _first_nonzero(terms)


def _kink_through_zero(phi: sp.Expr, t: sp.Symbol) -> bool:
    """True when a kink of phi may pass through t = 0 (its argument is 0 or undecided there)."""
    return any(exact_sign(kink.arg.xreplace({t: 0})) in (0, None)
               for kink in kink_arguments(phi) if kink.arg.has(t))


def _first_nonzero(terms: list[tuple[sp.Rational, sp.Expr]]) -> tuple[sp.Rational, int] | None:
    """(power, sign) of the lowest power whose summed coefficient is not 0 (None: undecided)."""
    merged: dict[sp.Rational, sp.Expr] = {}
    for k, c in terms:
        merged[k] = merged.get(k, 0) + c
    for k in sorted(merged):
        s = exact_sign(merged[k])
        if s is None:
            return None
        if s != 0:
            return k, s
    return None


def _expansion_terms(phi: sp.Expr, t: sp.Symbol, order: int,
                     one_sided: bool) -> list[tuple[sp.Rational, sp.Expr]] | None:
    """(power, coefficient) of the positive powers of t in phi's expansion, lowest first.

    None when the expansion is not a series in (integer, or for one_sided rational) powers
    of t with constant coefficients, or has a pole.
    """
    if phi.is_polynomial(t):
        ser = sp.expand(phi)
    else:
        ser = sp.expand(sp.series(phi, t, 0, order + 1).removeO())
    terms = []
    for term in sp.Add.make_args(ser):
        coeff, k = term.as_coeff_exponent(t)
        if coeff.has(t) or not k.is_Rational or not (k.is_integer or one_sided):
            return None
        if k < 0:  # a pole: not an expansion of f(p + t·d) − f(p)
            return None
        if k > 0:
            terms.append((k, coeff))
    return sorted(terms, key=lambda kc: kc[0])


def _directions(n: int, null_vectors: list[sp.Matrix]) -> list[sp.Matrix]:
    """Exact directions to probe: null vectors, axes, pairwise diagonals, a few fixed mixes."""
    dirs = [sp.Matrix(v) for v in null_vectors]
    eye = sp.eye(n)
    dirs += [eye[:, i] for i in range(n)]
    for i, j in itertools.combinations(range(n), 2):
        dirs += [eye[:, i] + eye[:, j], eye[:, i] - eye[:, j]]
        dirs += [eye[:, i] + 2 * eye[:, j], 2 * eye[:, i] - eye[:, j]]
    for k in range(1, 4):  # deterministic "generic" directions
        dirs.append(sp.Matrix([sp.Rational((3 + 7 * k * (i + 1)) % 11 - 5, 3) or 1
                               for i in range(n)]))
    return dirs


def _lead_within(phi: sp.Expr, t: sp.Symbol, seconds: float,
                 one_sided: bool = False) -> tuple[sp.Rational, int] | None:
    """leading_term, or None when it does not finish within ``seconds``."""
    return run_within(seconds, leading_term, phi, t, 8, one_sided)[0]


def _sign_proof(diff: sp.Expr, vars_: tuple[sp.Symbol, ...], template: str,
                seconds: float = math.inf) -> tuple[str, str] | None:
    """(kind, reason) when sympy proves diff = f − f(p) ≥ 0 or ≤ 0 everywhere, else None."""
    s = run_within(seconds, prove_sign, diff, vars_, default=0)[0]
    if not s:
        return None
    rel, kind = ("≥", "minimum") if s == 1 else ("≤", "maximum")
    return f"local {kind}", template.format(diff=pretty(safe_factor(diff)), rel=rel, kind=kind)


def resolve_exact(expr: sp.Expr, vars_: tuple[sp.Symbol, ...], p: list[sp.Expr],
                  fp: sp.Expr, H: sp.Matrix, each: float = math.inf) -> tuple[str, str]:
    """Higher-order look at a degenerate critical point p (exact). Returns (kind, reason).

    The sign proof and each line's expansion may take at most ``each`` seconds.
    """
    proved = _sign_proof(expr - fp, vars_, "f − f(p) = {diff} {rel} 0 everywhere, so p is a {kind}",
                         each)
    if proved:
        return proved
    t = sp.Dummy("t", real=True)
    shifted = expr.xreplace({v: pi + t * sp.Symbol(f"_d{i}") for i, (v, pi) in
                             enumerate(zip(vars_, p, strict=True))})
    seen: dict[int, tuple[int, sp.Matrix]] = {}
    for d in _directions(len(vars_), H.nullspace()):
        phi = shifted.xreplace({sp.Symbol(f"_d{i}"): d[i] for i in range(len(vars_))}) - fp
        lead = _lead_within(phi, t, each)
        if lead is None:
            continue
        k, sgn = lead
        dvec = pretty(list(d))
        if k % 2 == 1:
            return "saddle point", (f"along the line p + t·{dvec} the Taylor series starts with "
                                    f"an odd power t^{k}: f goes both up and down")
        seen.setdefault(sgn, (k, d))
        if 1 in seen and -1 in seen:
            (kp, dp), (km, dm) = seen[1], seen[-1]
            return "saddle point", (f"f rises along {pretty(list(dp))} (∝ t^{kp}) and falls "
                                    f"along {pretty(list(dm))} (∝ −t^{km})")
    return "undetermined", "neither a sign proof for f − f(p) nor a descending line was found"


def resolve_nonsmooth(expr: sp.Expr, vars_: tuple[sp.Symbol, ...], p: list[sp.Expr],
                      fp: sp.Expr, each: float = math.inf) -> tuple[str, str]:
    """What a point where f is not twice differentiable is, without g or H.

    A sign proof of f − f(p) decides minimum/maximum (it needs no derivatives). Otherwise
    f is expanded along rays p + t·d, t > 0 (one-sided: |t| = t there): when it rises along
    one ray and falls along another, p is neither a minimum nor a maximum — said in the
    reason; the label stays "undetermined" (without a gradient, "saddle point" and "a
    sloped kink" cannot be told apart).
    """
    proved = _sign_proof(expr - fp, vars_,
                         "but f − f(p) = {diff} {rel} 0 everywhere, so p is a {kind} anyway")
    if proved:
        return proved
    t = sp.Dummy("t", positive=True)
    seen: dict[int, sp.Matrix] = {}
    base = _directions(len(vars_), [])
    for d in [v for b in base for v in (b, -b)]:
        phi = expr.xreplace({v: pi + t * di for v, pi, di in zip(vars_, p, d, strict=True)})
        lead = _lead_within(phi - fp, t, each, one_sided=True)
        if lead is None:
            continue
        seen.setdefault(lead[1], d)
        if 1 in seen and -1 in seen:
            return "undetermined", (f"f rises along {pretty(list(seen[1]))} and falls along "
                                    f"{pretty(list(seen[-1]))}: p is neither a minimum nor a "
                                    f"maximum")
    return "undetermined", "no sign proof for f − f(p) was found"
