"""sympy.solve on the critical-point equations, in a child process with a time limit."""

from __future__ import annotations

import multiprocessing
import warnings
from collections.abc import Sequence
from typing import Any

import sympy as sp

from helpers.symbolic.calculus import derivatives, kink_arguments, real_dummies, without_dirac

_MU = sp.Symbol("_mu_kink")  # the Lagrange multiplier of a kink


def exact_solutions(expr: sp.Expr, vars_: tuple[sp.Symbol, ...],
                    timeout: float) -> list[dict] | None:
    """sympy.solve on ∇f = 0 in a forked process, killed after ``timeout`` seconds."""
    return _solve_in_child(without_dirac(sp.Matrix(derivatives(expr, vars_)[0])), vars_, timeout)


def kink_solutions(expr: sp.Expr, vars_: tuple[sp.Symbol, ...], timeout: float) -> list[dict]:
    """Candidate critical points ON the kinks of abs(u) and u^(non-integer) terms.

    On a kink {u = 0} the term vanishes: f restricted there is f_r (the term set to 0), and
    p is a candidate when it is stationary for f_r on the kink: ∇f_r = μ·∇u, u = 0
    (Lagrange). E.g. abs(x) + y² → (0, 0); sqrt(x² + y²) → (0, 0); abs(x·y) → the axes.
    Each candidate is then analysed by analyze_point, which says what it really is.
    """
    out: list[dict] = []
    for kink in kink_arguments(expr)[:3]:
        eqs = _lagrange_equations(expr, vars_, kink.arg)
        if eqs is None:
            continue
        for sol in _real_solutions(eqs, (*vars_, _MU), timeout):
            sol = {v: e for v, e in sol.items() if v in vars_}
            if sol and not any(e.has(_MU, sp.I) for e in sol.values()) and sol not in out:
                out.append(sol)
    return out


def _lagrange_equations(expr: sp.Expr, vars_: tuple[sp.Symbol, ...],
                        u: sp.Expr) -> sp.Matrix | None:
    """∇f_r − μ·∇u = 0 and u = 0, with f_r = f without its abs(u)/u^a terms (None: no such)."""
    atoms = _kink_terms(expr, u)
    if not atoms:
        return None
    f_r = expr.xreplace({a: sp.S.Zero for a in atoms})
    if f_r.has(sp.Abs) and any(a.args[0] == u for a in f_r.atoms(sp.Abs)):
        return None
    g_r = derivatives(f_r, vars_)[0]
    g_u = derivatives(u, vars_)[0]
    return without_dirac(sp.Matrix([gr - _MU * gu for gr, gu in zip(g_r, g_u, strict=True)]
                                   + [u]))


def _kink_terms(expr: sp.Expr, u: sp.Expr) -> list[sp.Expr]:
    """The terms abs(u) and u^a (a > 0 not an integer) of expr: they vanish where u = 0."""
    return [a for a in expr.atoms(sp.Abs, sp.Pow) if a.args[0] == u and (
        isinstance(a, sp.Abs) or (a.exp.is_positive and a.exp.is_integer is False))]


def _real_solutions(eqs: sp.Matrix, unknowns: tuple[sp.Symbol, ...],
                    timeout: float) -> list[dict]:
    """Solutions of eqs; with complex branches (x = ±i·y) solved again with real unknowns."""
    sols = _solve_in_child(eqs, unknowns, timeout) or []
    if any(e.has(sp.I) for sol in sols for e in sol.values()):
        fwd, back = real_dummies(unknowns)
        real = _solve_in_child(eqs.xreplace(fwd), tuple(fwd.get(v, v) for v in unknowns),
                               timeout) or []
        sols += [{back.get(v, v): e.xreplace(back) for v, e in sol.items()} for sol in real]
    return sols


def _solve_in_child(eqs: sp.Matrix, unknowns: Sequence[sp.Symbol],
                    timeout: float) -> list[dict] | None:
    """sympy.solve(eqs, unknowns) in a forked process, killed after ``timeout`` seconds."""
    if timeout <= 0:
        return None
    try:
        ctx = multiprocessing.get_context("fork")
    except ValueError:  # pragma: no cover - platforms without fork
        return None
    result = _run_child(ctx, sp.srepr(list(eqs)), sp.srepr(list(unknowns)), timeout)
    return None if result is None else _read_solutions(result)


def _run_child(ctx: Any, eqs_s: str, unknowns_s: str, timeout: float) -> str | None:
    """The child's answer (srepr of the solutions), or None on failure or timeout."""
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_solve_worker, args=(child, eqs_s, unknowns_s), daemon=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork in a threaded kernel
        proc.start()
    child.close()
    try:
        return parent.recv() if parent.poll(timeout) else None
    except (EOFError, OSError):
        return None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        parent.close()


def _solve_worker(conn: Any, eqs_s: str, vars_s: str) -> None:  # pragma: no cover - child
    """In the child process: solve and send the srepr of the solutions (None on failure)."""
    try:
        eqs = sp.sympify(eqs_s)
        vars_ = sp.sympify(vars_s)
        sols = sp.solve(list(eqs), list(vars_), dict=True)
        conn.send(sp.srepr(sols))
    except Exception:  # noqa: BLE001 - any failure means "no exact answer"
        conn.send(None)
    finally:
        conn.close()


def _read_solutions(result: str) -> list[dict] | None:
    """The list of solution dicts in the child's answer (None if it cannot be read)."""
    try:
        sols = sp.sympify(result)
    except Exception:  # noqa: BLE001 - an answer we cannot read is no answer
        return None
    return [sol for sol in sols if isinstance(sol, dict)] if isinstance(sols, list) else None
