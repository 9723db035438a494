"""sympy.solve on the critical-point equations, with a hard time limit.

``ExactJob(expr, vars_)`` starts the work at once in a child process (fork) that sends its
answers stage by stage: the solutions of ∇f = 0, then the candidates on each kink. The
caller does the numeric search meanwhile and then ``collect``s what arrived in time; the
child is killed then. Where no child process can be started (no fork: Windows, Pyodide, or
``os.fork`` raising OSError), the same stages run in this process under
:func:`helpers.deadline.run_within`.
"""

from __future__ import annotations

import multiprocessing
import time
import warnings
from collections.abc import Iterator
from typing import Any

import sympy as sp

from helpers.deadline import run_within
from helpers.symbolic.calculus import derivatives, kink_arguments, real_dummies, without_dirac

_MU = sp.Symbol("_mu_kink")  # the Lagrange multiplier of a kink
_DONE = "done"


def candidate_stages(expr: sp.Expr, vars_: tuple[sp.Symbol, ...]) -> Iterator[list[dict]]:
    """Solutions of ∇f = 0 (dicts over vars_), then per kink its candidates (see kinks below).

    On a kink {u = 0} of abs(u) or u^(non-integer) the term vanishes: f restricted there is
    f_r (the term set to 0), and p is a candidate when it is stationary for f_r on the kink:
    ∇f_r = μ·∇u, u = 0 (Lagrange). E.g. abs(x) + y² → (0, 0); sqrt(x² + y²) → (0, 0);
    abs(x·y) → the axes. Each candidate is then analysed by analyze_point.
    """
    grad = without_dirac(sp.Matrix(derivatives(expr, vars_)[0]))
    sols = [sol for sol in (_solve(grad, vars_) or [])
            if isinstance(sol, dict) and set(sol) <= set(vars_)]
    yield sols
    for kink in kink_arguments(expr)[:3]:
        eqs = _lagrange_equations(expr, vars_, kink.arg)
        if eqs is None:
            continue
        found: list[dict] = []
        for sol in _real_solutions(eqs, (*vars_, _MU)):
            sol = {v: e for v, e in sol.items() if v in vars_}
            if (sol and not any(e.has(_MU, sp.I) for e in sol.values()) and sol not in found
                    and sol not in sols):
                found.append(sol)
        sols += found
        yield found


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


def _real_solutions(eqs: sp.Matrix, unknowns: tuple[sp.Symbol, ...]) -> list[dict]:
    """Solutions of eqs; with complex branches (x = ±i·y) solved again with real unknowns."""
    sols = _solve(eqs, unknowns) or []
    if any(e.has(sp.I) for sol in sols for e in sol.values()):
        fwd, back = real_dummies(unknowns)
        real = _solve(eqs.xreplace(fwd), tuple(fwd.get(v, v) for v in unknowns)) or []
        sols += [{back.get(v, v): e.xreplace(back) for v, e in sol.items()} for sol in real]
    return sols


def _solve(eqs: sp.Matrix, unknowns: tuple[sp.Symbol, ...]) -> list[dict] | None:
    """sympy.solve as a list of dicts (None when sympy gives up)."""
    try:
        sols = sp.solve(list(eqs), list(unknowns), dict=True)
    except Exception:  # noqa: BLE001 - any failure means "no exact answer"
        return None
    return [sol for sol in sols if isinstance(sol, dict)]


# --------------------------------------------------------------------------- the job
class ExactJob:
    """The exact candidates of f, computed from now on for at most ``timeout`` seconds."""

    def __init__(self, expr: sp.Expr, vars_: tuple[sp.Symbol, ...], timeout: float,
                 cut_short: bool = False) -> None:
        self.expr, self.vars_ = expr, vars_
        self.cut_short = cut_short  # True: timeout is shorter than the caller asked for
        self.end = time.monotonic() + max(0.0, timeout)
        self.requested = timeout > 0
        self.in_child = False
        self._proc: Any = None
        self._conn: Any = None
        if timeout > 0:
            self._start_child()

    def _start_child(self) -> None:
        """Fork a child that works through candidate_stages (nothing if fork is unavailable)."""
        try:
            ctx = multiprocessing.get_context("fork")
            parent, child = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_stages_worker, args=(child, sp.srepr(self.expr),
                                                            sp.srepr(list(self.vars_))),
                               daemon=True)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)  # fork in a threaded kernel
                proc.start()
        except (ValueError, OSError, RuntimeError, AttributeError):  # no fork on this platform
            return
        child.close()
        self._proc, self._conn, self.in_child = proc, parent, True

    def collect(self, seconds: float) -> tuple[list[dict], bool]:
        """(candidates found, True when every stage finished), waiting at most ``seconds``."""
        budget = max(0.0, min(seconds, self.end - time.monotonic()))
        if not self.in_child:
            return _stages_here(self.expr, self.vars_, budget)
        start = time.monotonic()
        try:
            messages, complete = self._receive(start + budget)
        finally:
            self.close()
        out: list[dict] = []

        def read_all() -> None:
            for msg in messages:
                out.extend(_read_solutions(msg) or [])

        timed_out = bool(messages) and run_within(
            max(0.0, start + budget - time.monotonic()) + 0.1, read_all)[1]
        return out, complete and not timed_out

    def _receive(self, until: float) -> tuple[list[str], bool]:
        """The child's stages (srepr texts) that arrive before ``until``; True if all came."""
        messages: list[str] = []
        try:
            while self._conn.poll(max(0.0, until - time.monotonic())):
                msg = self._conn.recv()
                if msg == _DONE:
                    return messages, True
                messages.append(msg)
        except (EOFError, OSError):
            pass
        return messages, False

    def close(self) -> None:
        """Stop the child (if any) and free its pipe."""
        if self._proc is not None:
            if self._proc.is_alive():
                self._proc.kill()
            self._proc.join()
            self._conn.close()
            self._proc = None


def _stages_here(expr: sp.Expr, vars_: tuple[sp.Symbol, ...],
                 seconds: float) -> tuple[list[dict], bool]:
    """candidate_stages in this process, stopped after ``seconds``."""
    out: list[dict] = []

    def all_stages() -> None:
        for stage in candidate_stages(expr, vars_):
            out.extend(stage)

    return out, not run_within(seconds, all_stages)[1]


def _stages_worker(conn: Any, expr_s: str, vars_s: str) -> None:  # pragma: no cover - child
    """In the child process: send the srepr of each stage's candidates, then "done"."""
    try:
        expr = sp.sympify(expr_s)
        vars_ = tuple(sp.sympify(vars_s))
        for stage in candidate_stages(expr, vars_):
            conn.send(sp.srepr(stage))
        conn.send(_DONE)
    except BaseException:  # noqa: BLE001 - any failure means "no further exact answer"
        conn.send(_DONE)
    finally:
        conn.close()


def _read_solutions(result: str) -> list[dict] | None:
    """The list of solution dicts in the child's answer (None if it cannot be read)."""
    try:
        sols = sp.sympify(result)
    except Exception:  # noqa: BLE001 - an answer we cannot read is no answer
        return None
    return [sol for sol in sols if isinstance(sol, dict)] if isinstance(sols, list) else None
