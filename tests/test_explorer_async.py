"""The explorer's background analyses: the model's job state machine, the runner, the widget.

The model is driven directly (jobs are run by hand, in any order, with a fake clock); the
runner and the widget with real threads and an asyncio loop pumped by the test; slow or stuck
analyses are stand-ins that wait on an event, so nothing here depends on sympy's speed.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import asyncio  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.backend_bases import MouseEvent  # noqa: E402

import helpers.explorer.model as model_module  # noqa: E402
from helpers.explorer import SurfaceExplorer  # noqa: E402
from helpers.explorer.model import JOB_TIMEOUT, ExplorerModel, Job  # noqa: E402
from helpers.explorer.panel import panel_html  # noqa: E402
from helpers.explorer.worker import BackgroundRunner, can_fork, run_job  # noqa: E402


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def model(f: str = "x2-y2", **kw) -> ExplorerModel:
    """A model that loads fast (no search at construction) but searches in the background."""
    m = ExplorerModel(f, find_critical=False, **kw)
    m.find_critical = True
    return m


def click(explorer: SurfaceExplorer, x: float, y: float) -> None:
    """A synthetic left click at data point (x, y) through the canvas callbacks."""
    fig = explorer.figure()
    x_px, y_px = explorer.view.ax.transData.transform((x, y))
    event = MouseEvent("button_press_event", fig.canvas, x_px, y_px, button=1)
    fig.canvas.callbacks.process("button_press_event", event)


# ------------------------------------------------------------------ the model's state machine
def test_begin_surface_shows_the_surface_at_once_and_the_search_as_a_job() -> None:
    m = model()
    ok, job = m.begin_surface("himmelblau")
    assert ok and isinstance(job, Job) and job.kind == "critical"
    assert m.state.name == "himmelblau" and m.state.critical == []
    assert m.busy and m.state.working == "finding the critical points…"
    assert "working: finding the critical points" in panel_html(m.state)
    assert m.finish(job, *run_job(job)) is True
    assert len(m.state.critical) == 9 and not m.busy and m.state.working == ""
    assert "working" not in panel_html(m.state)


def test_a_new_formula_cancels_the_old_search() -> None:
    m = model()
    _, old = m.begin_surface("himmelblau")
    _, new = m.begin_surface("x^2 - y^2")
    assert new.generation > old.generation
    old_result = run_job(old)
    assert m.finish(old, *old_result) is False  # stale: never applied
    assert m.state.critical == [] and m.state.name == "custom" and m.busy
    assert m.finish(new, *run_job(new)) is True
    [origin] = m.state.critical
    assert origin.kind == "saddle point" and not m.busy


def test_a_stale_pick_is_ignored_and_the_latest_one_wins() -> None:
    m = model()
    first = m.begin_pick((0.5, 0.5))
    second = m.begin_pick((-0.5, 0.25))
    assert np.allclose(m.state.point, (-0.5, 0.25)) and m.state.report is None
    assert m.point_pending and "classifying the point" in m.state.working
    assert m.finish(second, *run_job(second)) is True
    assert m.finish(first, *run_job(first)) is False  # arrives late: ignored
    assert np.allclose(m.state.report.point, (-0.5, 0.25)) and not m.busy


def test_a_new_surface_makes_a_pending_pick_stale() -> None:
    m = model()
    pick = m.begin_pick((0.5, 0.5))
    m.begin_surface("monkey")
    assert m.finish(pick, *run_job(pick)) is False
    assert m.state.report is None and m.state.point is None


def test_coming_back_to_a_surface_needs_no_new_search() -> None:
    m = model()
    _, job = m.begin_surface("himmelblau")
    assert m.finish(job, *run_job(job))
    m.begin_surface("monkey")
    ok, none = m.begin_surface("himmelblau")
    assert ok and none is None and len(m.state.critical) == 9 and not m.busy


def test_a_search_cut_short_is_shown_and_not_remembered() -> None:
    class CutShort(list):
        complete = False
        notes = ("the numeric search took too long",)

    m = model()
    _, job = m.begin_surface("himmelblau")
    assert m.finish(job, CutShort([]))
    assert any("cut short (the numeric search took too long)" in w for w in m.state.warnings)
    m.begin_surface("monkey")
    ok, again = m.begin_surface("himmelblau")
    assert ok and again is not None  # searched again, not taken from memory


def test_a_rejected_formula_keeps_the_running_search() -> None:
    m = model()
    _, job = m.begin_surface("himmelblau")
    ok, none = m.begin_surface("x^2 + 3y")
    assert not ok and none is None and "write 3*y" in m.state.error
    assert m.finish(job, *run_job(job)) is True and m.state.name == "himmelblau"


def test_a_synchronous_pick_makes_a_background_pick_stale() -> None:
    m = model()
    job = m.begin_pick((0.5, 0.5))
    assert m.pick((0.0, 0.25)).kind == "not critical"
    assert m.finish(job, *run_job(job)) is False and not m.busy
    assert np.allclose(m.state.point, (0.0, 0.25))


def test_a_pick_near_a_known_critical_point_snaps_without_a_job() -> None:
    m = ExplorerModel("x2-y2")  # critical points found at construction
    assert m.begin_pick((0.01, -0.02)) is None
    assert m.state.snapped and m.state.report.kind == "saddle point" and not m.busy


def test_stop_gives_up_with_a_clear_status_and_later_outcomes_are_ignored() -> None:
    m = model()
    _, search = m.begin_surface("himmelblau")
    pick = m.begin_pick((0.5, 0.5))
    assert m.stop() is True
    assert not m.busy and m.state.working == ""
    assert "search for critical points was stopped" in m.state.notice
    assert "analysis of this point was stopped" in m.state.notice
    html = panel_html(m.state)
    assert "was stopped" in html and "working" not in html
    assert m.finish(search, *run_job(search)) is False and m.state.critical == []
    assert m.finish(pick, *run_job(pick)) is False and m.state.report is None
    assert m.stop() is False  # nothing runs any more
    m.pick((0.5, 0.5))  # the next action clears the notice
    assert m.state.notice == ""


def test_an_error_in_the_worker_becomes_a_message_never_a_traceback() -> None:
    m = model()
    _, job = m.begin_surface("himmelblau")
    error = RuntimeError("the solver gave up\nTraceback (most recent call last):\n  File x")
    assert m.finish(job, None, error) is True
    [warning] = [w for w in m.state.warnings if "critical points" in w]
    assert "could not be found (the solver gave up)" in warning
    pick = m.begin_pick((0.5, 0.5))
    assert m.finish(pick, None, ZeroDivisionError()) is True
    assert m.state.error.startswith("cannot analyse") and "ZeroDivisionError" in m.state.error
    html = panel_html(m.state)
    assert "Traceback" not in html and "File x" not in html


def test_expire_gives_up_a_job_that_runs_too_long_on_the_models_clock() -> None:
    clock = FakeClock()
    m = model(clock=clock, job_timeout=5.0)
    _, job = m.begin_surface("himmelblau")
    clock.now += 4.9
    assert m.expire() is False and m.busy
    clock.now += 0.2
    assert m.expire() is True and not m.busy
    assert "given up after 5 s" in m.state.notice
    assert m.finish(job, *run_job(job)) is False
    assert JOB_TIMEOUT >= 10  # the default leaves room for the library's own time bounds


def test_a_job_reads_no_state_it_computes_from_its_own_inputs() -> None:
    m = model()
    job = m.begin_pick((0.5, 0.5))
    m.state.point[:] = (9.0, 9.0)  # whatever happens to the state meanwhile
    result, error = run_job(job)
    assert error is None and np.allclose(result.point, (0.5, 0.5))


# ------------------------------------------------------------------ the runner
def pump(loop: asyncio.AbstractEventLoop, until: Callable[[], bool], timeout: float = 20) -> None:
    """Run the loop (delivering outcomes) until the condition holds."""
    deadline = time.monotonic() + timeout
    while not until():
        assert time.monotonic() < deadline, "timed out waiting for the background job"
        loop.run_until_complete(asyncio.sleep(0.02))


def _slow_job(seconds: float, value: object = "done") -> Job:
    return Job(kind="point", generation=1, run=lambda: (time.sleep(seconds), value)[1],
               started=0.0)


def test_runner_hands_outcomes_back_on_the_loops_thread() -> None:
    loop = asyncio.new_event_loop()
    try:
        got = []
        runner = BackgroundRunner(loop)
        done = lambda job, result, error: got.append((result, error, threading.current_thread()))  # noqa: E731
        t0 = time.monotonic()
        assert runner.submit(_slow_job(0.3), done, wait=0.0) is False
        assert time.monotonic() - t0 < 0.2 and got == []  # the caller did not wait
        pump(loop, lambda: bool(got))
        assert got == [("done", None, threading.main_thread())]
        assert runner.submit(_slow_job(0.0, 7), done, wait=5.0) is True  # quick: at once
        assert got[-1][0] == 7
        failing = Job(kind="critical", generation=2, run=lambda: 1 / 0, started=0.0)
        runner.submit(failing, done, wait=5.0)
        assert isinstance(got[-1][1], ZeroDivisionError)
        assert runner.join(5.0)
    finally:
        loop.close()


def test_runner_runs_one_thread_per_kind_and_only_the_latest_waiting_job() -> None:
    loop = asyncio.new_event_loop()
    try:
        gate, got = threading.Event(), {}
        runner = BackgroundRunner(loop, fork=False)

        def job(n: int) -> Job:
            return Job(kind="point", generation=n, run=lambda: (gate.wait(10), n)[1],
                       started=0.0)

        for n in (1, 2, 3, 4):  # a drag over slow points: 3 is replaced by 4 before its turn
            runner.submit(job(n), lambda j, r, e: got.update({j.generation: (r, e)}))
        assert len(runner.threads) == 2  # a stuck analysis does not hold up the next one
        gate.set()
        pump(loop, lambda: len(got) == 4)
        assert got[1] == (1, None) and got[2] == (2, None) and got[4] == (4, None)
        assert got[3][0] is None and "superseded" in str(got[3][1])
        assert runner.join(5.0) and len(runner.threads) == 0
    finally:
        loop.close()


@pytest.mark.skipif(not can_fork(), reason="no fork on this platform")
def test_a_search_in_a_child_process_gives_the_same_points_and_can_be_killed() -> None:
    loop = asyncio.new_event_loop()
    try:
        got = []
        runner = BackgroundRunner(loop)  # "critical" jobs run in a forked child
        m = model()
        _, job = m.begin_surface("x^4 - x^2 + y^2")
        runner.submit(job, lambda j, r, e: got.append(m.finish(j, r, e)))
        assert job in runner.children
        pump(loop, lambda: bool(got))
        assert got == [True]
        assert sorted(c.kind for c in m.state.critical) == [
            "local minimum", "local minimum", "saddle point"]
        click = m.begin_pick((0.5, 0.5), isolated=True)  # a click: a child of its own
        drag = m.begin_pick((0.25, 0.5))  # a slider step: a thread (and the click is stale)
        runner.submit(click, lambda j, r, e: got.append(m.finish(j, r, e)))
        assert click in runner.children
        runner.submit(drag, lambda j, r, e: got.append(m.finish(j, r, e)), wait=10.0)
        assert drag not in runner.children and got[-1] is True
        pump(loop, lambda: len(got) == 3)
        assert got[1:] == [True, False] and np.allclose(m.state.report.point, (0.25, 0.5))
        del got[1:]
        slow = Job(kind="critical", generation=99, run=lambda: time.sleep(60), started=0.0)
        runner.submit(slow, lambda j, r, e: got.append(e))
        child = runner.children[slow]
        t0 = time.monotonic()
        runner.cancel_stale({})  # the slow search is nobody's current job: killed
        pump(loop, lambda: len(got) == 2, timeout=10)
        assert time.monotonic() - t0 < 10 and not child.is_alive()
        assert "stopped before it ended" in str(got[1]) and runner.children == {}
    finally:
        loop.close()


def test_runner_without_an_event_loop_runs_the_job_at_once() -> None:
    got = []
    BackgroundRunner().submit(_slow_job(0.0, 3), lambda job, r, e: got.append(r))
    assert got == [3]


# ------------------------------------------------------------------ the widget
@pytest.fixture
def blocking(monkeypatch):
    """analyze_point and the critical-point search block until released (stand-ins)."""
    gate = {"point": threading.Event(), "critical": threading.Event()}
    real_point, real_search = model_module.analyze_point, model_module.cached_critical_points

    def slow_point(*args, **kwargs):
        gate["point"].wait(30)
        return real_point(*args, **kwargs)

    def slow_search(*args, **kwargs):
        gate["critical"].wait(30)
        return real_search(*args, **kwargs)

    monkeypatch.setattr(model_module, "analyze_point", slow_point)
    monkeypatch.setattr(model_module, "cached_critical_points", slow_search)
    yield gate
    for event in gate.values():
        event.set()


@pytest.fixture
def loop():
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


def live_explorer(loop, gate: dict) -> SurfaceExplorer:
    """The lecture's explorer as a widget whose analyses run in threads from now on."""
    for event in gate.values():
        event.set()  # built at once, like a notebook cell does
    ex = SurfaceExplorer("lecture", point=(1.2, -0.8))
    ex.runner = BackgroundRunner(loop, fork=False)  # threads: they see the test's gates
    ex.widget(backend="image")
    for event in gate.values():
        event.clear()  # from now on every analysis waits for the test
    return ex


def test_widget_switches_at_once_and_adds_the_critical_points_when_found(loop, blocking) -> None:
    ex = live_explorer(loop, blocking)
    c = ex.controls
    t0 = time.monotonic()
    c.text.value = "x^4 - x^2 + y^2"
    assert time.monotonic() - t0 < 5  # generous: the search is blocked, the switch is not
    assert ex.state.name == "custom" and ex.state.critical == []
    assert "finding the critical points" in c.panel.value
    assert c.stop.layout.visibility == "visible" and not c.stop.disabled
    assert not c.menu.disabled and not c.text.disabled  # usable meanwhile
    assert ex.view.ax.get_legend() is None  # no marks yet
    blocking["critical"].set()
    blocking["point"].set()  # the new surface's first point
    pump(loop, lambda: not ex.model.busy)
    kinds = sorted(r.kind for r in ex.state.critical)
    assert kinds == ["local minimum", "local minimum", "saddle point"]
    assert ex.view.ax.get_legend() is not None  # the marks are drawn now
    assert "working" not in c.panel.value and c.stop.layout.visibility == "hidden"


def test_widget_never_draws_the_outcome_of_a_superseded_search(loop, blocking) -> None:
    ex = live_explorer(loop, blocking)
    drawn = []
    draw = ex.view.draw_critical
    ex.view.draw_critical = lambda: (drawn.append(ex.state.name), draw())
    ex.controls.menu.value = "himmelblau"
    ex.controls.menu.value = "x2-y2"
    blocking["critical"].set()
    blocking["point"].set()
    pump(loop, lambda: not ex.model.busy and ex.runner.join(0.01))
    loop.run_until_complete(asyncio.sleep(0.1))  # any late delivery has arrived now
    assert drawn == ["x2-y2"] and ex.state.name == "x2-y2"
    [origin] = ex.state.critical
    assert origin.kind == "saddle point"


def test_a_click_shows_at_once_and_its_classification_follows(loop, blocking) -> None:
    ex = live_explorer(loop, blocking)
    ex.model.state.critical = []  # nothing to snap to: the click needs an analysis
    t0 = time.monotonic()
    click(ex, 0.4, 0.3)
    assert time.monotonic() - t0 < 5
    assert np.allclose(ex.state.point, (0.4, 0.3)) and ex.state.report is None
    assert "classifying" in ex.view.ax.get_title() and "classifying" in ex.controls.panel.value
    assert [s.value for s in ex.controls.sliders] == pytest.approx([0.4, 0.3], abs=0.02)
    blocking["point"].set()
    pump(loop, lambda: ex.state.report is not None)
    assert ex.state.report.kind == "not critical"
    assert "not critical" in ex.view.ax.get_title() and "working" not in ex.controls.panel.value


def test_stop_button_gives_up_a_stuck_click_and_the_next_formula_renders(loop, blocking) -> None:
    ex = live_explorer(loop, blocking)
    ex.model.state.critical = []
    click(ex, 0.4, 0.3)
    ex.controls.stop.click()
    assert not ex.model.busy and "was stopped" in ex.controls.panel.value
    assert "not classified" in ex.view.ax.get_title()
    blocking["critical"].set()  # the stuck click ends too, but its outcome is stale now
    blocking["point"].set()
    ex.controls.text.value = "x^2 - y^2"
    pump(loop, lambda: not ex.model.busy)
    assert ex.state.name == "custom" and ex.state.report is not None
    assert [r.kind for r in ex.state.critical] == ["saddle point"]
    assert ex.controls.view.value[:4] == b"\x89PNG"
