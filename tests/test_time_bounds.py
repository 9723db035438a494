"""Every analysis returns within its time bound, on any formula, with or without fork/threads.

The bound is tested with a generous margin (the machine may be busy): each case must
return within ``time_limit + MARGIN`` seconds, where today some of them never returned.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import time

import numpy as np
import pytest
import sympy as sp

from helpers import analyze_point, critical_points, parse_loss
from helpers.deadline import Deadline, TimeUp, run_within, time_bound
from helpers.symbolic import compile_numeric, numeric_within
from helpers.taylor import TaylorExpansion

MARGIN = 3.0  # seconds on top of the bound: a busy machine, imports, a slow first call


@pytest.fixture(autouse=True)
def _student_default(monkeypatch):
    """The student's default bound (3 s): the test environment raises it to 30 s elsewhere."""
    monkeypatch.delenv("HELPERS_TIME_LIMIT", raising=False)


def _timed(fn, *args, **kwargs):
    t0 = time.monotonic()
    value = fn(*args, **kwargs)
    return value, time.monotonic() - t0


# ----------------------------------------------------------------- the deadline module
def _work() -> int:
    return sum(range(100))


def _spin(seconds: float) -> str:
    """Pure-Python busy work that calls Python functions, as sympy does (the trace hook
    checks the clock at each call)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        _work()
    return "finished"


def test_time_bound_stops_a_long_block_and_leaves_a_short_one_alone():
    with time_bound(0.2) as bound:
        _spin(10)
    assert bound.timed_out
    with time_bound(5) as quick:
        _spin(0.01)
    assert not quick.timed_out
    time.sleep(0.1)  # nothing may arrive after the block has ended
    assert run_within(0.2, _spin, 10, default="stopped") == ("stopped", True)
    assert run_within(5, _spin, 0.01) == ("finished", False)
    assert run_within(0, _spin, 0.01, default=None) == (None, True)


def test_nested_bounds_the_outer_one_ends_the_inner_one_too():
    with time_bound(0.2) as outer:
        with time_bound(30) as inner:
            _spin(10)
    assert outer.timed_out and not inner.timed_out


def test_time_up_is_not_swallowed_by_except_exception():
    assert issubclass(TimeUp, BaseException) and not issubclass(TimeUp, Exception)

    def stubborn():
        for _ in range(100):
            try:
                _spin(0.05)
            except Exception:  # noqa: BLE001 - library code like this must not hide TimeUp
                pass
        return "never"

    assert run_within(0.2, stubborn)[1]


def test_trace_hook_stops_work_where_no_thread_can_start(monkeypatch):
    def no_threads(self):
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(threading.Thread, "start", no_threads)
    before = sys.gettrace()
    value, elapsed = _timed(run_within, 0.2, _spin, 10)
    assert value[1] and elapsed < 0.2 + MARGIN
    assert sys.gettrace() is before
    f = parse_loss("x**y")
    rep, elapsed = _timed(analyze_point, f, ("x", "y"), (0, 0), time_limit=1.0)
    assert elapsed < 1.0 + MARGIN and rep.kind == "undetermined"


def test_deadline_counts_down():
    d = Deadline.after(0.05)
    assert 0 < d.remaining() <= 0.05 and not d.expired()
    time.sleep(0.06)
    assert d.remaining() == 0 and d.expired()


# ----------------------------------------------------------------- the hang cases
@pytest.mark.parametrize("text", ["x**y", "2**x**x**x", "x^y^x", "x^x + y^y"])
def test_analyze_point_at_a_0_to_the_0_point_returns_in_time(text):
    f = parse_loss(text)
    rep, elapsed = _timed(analyze_point, f, ("x", "y"), (0, 0), time_limit=1.5)
    assert elapsed < 1.5 + MARGIN
    assert rep.kind == "undetermined"
    assert not rep.smooth or "took too long" in rep.reason  # says what it could not decide
    assert rep.resolved_kind in ("undetermined", "local minimum", "local maximum")


def test_analyze_point_default_bound_is_3_seconds():
    rep, elapsed = _timed(analyze_point, parse_loss("x**y"), ("x", "y"), (0, 0))
    assert elapsed < 3.0 + MARGIN and "took too long" in rep.reason


def test_huge_exact_powers_are_analysed_with_floats_not_written_out():
    f = parse_loss("x^y^x")  # 9^(9^9) has 370 million digits
    with pytest.raises(ValueError, match="not a finite real number"):
        _timed(analyze_point, f, ("x", "y"), (9, 9), time_limit=1.0)
    rep, elapsed = _timed(analyze_point, f, ("x", "y"), (sp.Rational(3, 2), 2), time_limit=1.0)
    assert elapsed < 1.0 + MARGIN and rep.kind == "not critical"


@pytest.mark.parametrize("text", ["(x+y)^20", "(x^2+y^2-1)^12", "x^99 - y^98"])
def test_critical_points_of_high_degree_polynomials_return_in_time(text):
    f = parse_loss(text)
    found, elapsed = _timed(critical_points, f, ("x", "y"), [(-3, 3), (-3, 3)])
    assert elapsed < 3.0 + MARGIN
    assert isinstance(found, list) and isinstance(found.complete, bool)
    assert found.complete or found.notes


def test_critical_points_of_an_oscillating_surface_return_in_time():
    f = parse_loss("sin(40*x)*cos(40*y) + sin(1/(x^2+1))")
    found, elapsed = _timed(critical_points, f, ("x", "y"), [(-2, 2), (-2, 2)], time_limit=1.5)
    assert elapsed < 1.5 + MARGIN
    assert all(item.kind != "not critical" for item in found)


def test_degenerate_float_point_of_a_high_degree_polynomial_returns_in_time():
    f = parse_loss("x^99 - y^98")
    rep, elapsed = _timed(analyze_point, f, ("x", "y"), (1e-9, 0.0), time_limit=1.0)
    assert elapsed < 1.0 + MARGIN and rep.kind in ("degenerate", "not critical")


def test_taylor_expansion_falls_back_to_differences():
    x, y = sp.symbols("x y", real=True)
    f = sp.sin(x) * y**3 + sp.exp(x * y)
    value, grad_fn, hess_fn, exact = numeric_within(f, (x, y), 1e-9)
    assert not exact
    _, g_ref, h_ref = compile_numeric(f, (x, y))
    pts = np.random.default_rng(0).normal(size=(2, 7))
    assert np.allclose(grad_fn(pts), g_ref(pts), atol=1e-6)
    assert np.allclose(hess_fn(pts), h_ref(pts), atol=1e-4)
    assert TaylorExpansion(f, ("x", "y"), time_limit=30).exact_derivatives


def test_analyze_point_says_when_only_differences_were_possible(monkeypatch):
    import helpers.symbolic.classify as classify

    def too_slow(*args):
        _spin(30)

    monkeypatch.setattr(classify, "_numeric_report", too_slow)
    monkeypatch.setattr(classify, "_exact_report", too_slow)
    x, y = sp.symbols("x y", real=True)
    rep, elapsed = _timed(analyze_point, x**2 - y**2 + x, (x, y), (0.5, 0.0), time_limit=1.0)
    assert elapsed < 1.0 + MARGIN
    assert rep.kind == "undetermined" and "finite differences" in rep.reason
    assert np.allclose(rep.gradient, [2.0, 0.0], atol=1e-5)


@pytest.mark.parametrize("bad", [0, -1, float("nan"), float("inf"), "3", True])
def test_time_limit_must_be_positive_seconds(bad):
    x = sp.Symbol("x")
    with pytest.raises(ValueError, match="time_limit"):
        analyze_point(x**2, (x,), (0,), time_limit=bad)
    with pytest.raises(ValueError, match="time_limit"):
        critical_points(x**2, (x,), [(-1, 1)], time_limit=bad)


def test_environment_variable_sets_the_default_bound(monkeypatch):
    from helpers.symbolic import default_time_limit

    monkeypatch.setenv("HELPERS_TIME_LIMIT", "7.5")
    assert default_time_limit() == 7.5
    monkeypatch.setenv("HELPERS_TIME_LIMIT", "nonsense")
    assert default_time_limit() == 3.0


# ----------------------------------------------------------------- without fork
def _no_fork(*args, **kwargs):
    raise OSError(52, "Function not implemented")


def _check_cubic_saddle_and_minimum(found):
    kinds = sorted((rep.kind, tuple(rep.point)) for rep in found)
    assert kinds == [("local minimum", (1.0, 0.0)), ("saddle point", (-1.0, 0.0))]
    assert all(rep.exact for rep in found)


def test_critical_points_without_fork(monkeypatch):
    monkeypatch.setattr(os, "fork", _no_fork)
    x, y = sp.symbols("x y")
    found = critical_points(x**3 - 3 * x + y**2, (x, y), [(-2, 2), (-2, 2)], time_limit=30)
    _check_cubic_saddle_and_minimum(found)


def test_critical_points_without_multiprocessing(monkeypatch):
    def no_context(*args, **kwargs):
        raise ValueError("cannot find context for 'fork'")

    monkeypatch.setattr(multiprocessing, "get_context", no_context)
    x, y = sp.symbols("x y")
    found = critical_points(x**3 - 3 * x + y**2, (x, y), [(-2, 2), (-2, 2)], time_limit=30)
    _check_cubic_saddle_and_minimum(found)


def test_hang_case_without_fork_is_bounded_in_this_process(monkeypatch):
    monkeypatch.setattr(os, "fork", _no_fork)
    f = parse_loss("(x^2+y^2-1)^12")
    found, elapsed = _timed(critical_points, f, ("x", "y"), [(-3, 3), (-3, 3)], time_limit=2.0)
    assert elapsed < 2.0 + MARGIN and isinstance(found, list)
