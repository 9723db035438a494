"""sympy.solve on the critical-point equations, in a child process with a time limit."""

from __future__ import annotations

import multiprocessing
import warnings

import sympy as sp

from helpers.symbolic.calculus import derivatives, kink_arguments, real_dummies, without_dirac


def _solve_worker(conn, eqs_s: str, vars_s: str) -> None:  # pragma: no cover - child process
    try:
        eqs = sp.sympify(eqs_s)
        vars_ = sp.sympify(vars_s)
        sols = sp.solve(list(eqs), list(vars_), dict=True)
        conn.send(sp.srepr(sols))
    except Exception:  # noqa: BLE001 - any failure means "no exact answer"
        conn.send(None)
    finally:
        conn.close()


def _solve_in_child(eqs: sp.Matrix, unknowns, timeout: float) -> list[dict] | None:
    """sympy.solve(eqs, unknowns) in a forked process, killed after ``timeout`` seconds."""
    if timeout <= 0:
        return None
    try:
        ctx = multiprocessing.get_context("fork")
    except ValueError:  # pragma: no cover - platforms without fork
        return None
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_solve_worker, args=(child, sp.srepr(list(eqs)),
                                                   sp.srepr(list(unknowns))), daemon=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork in a threaded kernel
        proc.start()
    child.close()
    result = None
    try:
        if parent.poll(timeout):
            result = parent.recv()
    except (EOFError, OSError):
        result = None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        parent.close()
    if result is None:
        return None
    try:
        sols = sp.sympify(result)
    except Exception:  # noqa: BLE001 - an answer we cannot read is no answer
        return None
    return [sol for sol in sols if isinstance(sol, dict)] if isinstance(sols, list) else None


def exact_solutions(expr, vars_, timeout: float) -> list[dict] | None:
    """sympy.solve on ∇f = 0 in a forked process, killed after ``timeout`` seconds."""
    return _solve_in_child(without_dirac(sp.Matrix(derivatives(expr, vars_)[0])), vars_, timeout)


_MU = sp.Symbol("_mu_kink")


def kink_solutions(expr, vars_, timeout: float) -> list[dict]:
    """Candidate critical points ON the kinks of abs(u) and u^(non-integer) terms.

    On a kink {u = 0} the term vanishes: f restricted there is f_r (the term set to 0), and
    p is a candidate when it is stationary for f_r on the kink: ∇f_r = μ·∇u, u = 0
    (Lagrange). E.g. abs(x) + y² → (0, 0); sqrt(x² + y²) → (0, 0); abs(x·y) → the axes.
    Each candidate is then analysed by analyze_point, which says what it really is.
    """
    out: list[dict] = []
    for u, _ in kink_arguments(expr)[:3]:
        atoms = [a for a in expr.atoms(sp.Abs, sp.Pow) if a.args[0] == u and (
            isinstance(a, sp.Abs) or (a.exp.is_positive and a.exp.is_integer is False))]
        if not atoms:
            continue
        f_r = expr.xreplace({a: sp.S.Zero for a in atoms})
        if f_r.has(sp.Abs) and any(a.args[0] == u for a in f_r.atoms(sp.Abs)):
            continue
        g_r = derivatives(f_r, vars_)[0]
        g_u = derivatives(u, vars_)[0]
        eqs = without_dirac(sp.Matrix([gr - _MU * gu for gr, gu in zip(g_r, g_u, strict=True)]
                                  + [u]))
        sols = _solve_in_child(eqs, (*vars_, _MU), timeout) or []
        if any(e.has(sp.I) for sol in sols for e in sol.values()):
            # complex branches (x = ±i·y for x² + y² = 0): solve again with real unknowns
            fwd, back = real_dummies((*vars_, _MU))
            real = _solve_in_child(eqs.xreplace(fwd), tuple(fwd.get(v, v) for v in (*vars_, _MU)),
                                   timeout) or []
            sols += [{back.get(v, v): e.xreplace(back) for v, e in sol.items()} for sol in real]
        for sol in sols:
            sol = {v: e for v, e in sol.items() if v in vars_}
            if sol and not any(e.has(_MU, sp.I) for e in sol.values()) and sol not in out:
                out.append(sol)
    return out
