"""What students do that a notebook's author did not plan for, done in real JupyterLab.

Each scenario ends with the page checked the way a student would read it: every error on
screen says what to do next (run the cells above, run the interrupted cell again, or the
exercise checker's own words), and no error shows frames from inside the course's
`helpers` package. The plain-words errors come from helpers.guard, which every kernel of the
course's environment loads (the lab_server fixture makes sure of that, as the install does).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from helpers import guard

from .conftest import ROOT
from .lab import (
    cell_output,
    interrupt_kernel,
    kernel_busy,
    notebook_report,
    open_notebook,
    restart_kernel,
    run_all_and_wait,
    run_cell,
    set_cell_source,
    wait_for_widgets,
    wait_until_not_busy,
)
from .test_notebooks_in_lab import stored_widget_views

pytestmark = pytest.mark.browser

NOTEBOOKS = sorted(ROOT.glob("notebooks/[0-9][0-9]_*.ipynb"))
HELPERS_FRAME = re.compile(r"helpers/[\w/]+\.py")
BUSY_JS = """() => {
  const k = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  return !!k && k.status === 'busy';
}"""
NEXT_STEPS = ("run the cells above this one first", "Interrupted", guard.AFTER_INTERRUPT)


def _notebook(number: str) -> Path:
    return next(p for p in NOTEBOOKS if p.name.startswith(number))


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def code_cells(path: Path) -> list[int]:
    """Indices of the code cells of the notebook file."""
    return [i for i, c in enumerate(_cells(path)) if c["cell_type"] == "code"]


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def assert_clear(page, index: int, allowed: tuple[str, ...] = NEXT_STEPS) -> list[str]:
    """Cell `index` shows no helpers frames, and each of its errors says what to do next."""
    out = cell_output(page, index)
    assert not HELPERS_FRAME.search(out["text"]), (
        f"cell {index} shows frames from inside helpers:\n{out['text'][:3000]}")
    errors = [" ".join(e.split()) for e in out["errors"]]  # explanations are wrapped
    for error in errors:
        assert any(step in error for step in allowed), (
            f"cell {index}: an error without a next step:\n{error[:3000]}")
    return errors


@pytest.fixture(scope="module", autouse=True)
def _course_kernels_load_the_guard() -> None:
    """What the install step does: every kernel of this environment loads helpers.guard."""
    guard.install()


@pytest.mark.parametrize("number", ["00", "03", "06"])
def test_last_cell_first(lab_server, page, number: str) -> None:
    """A fresh kernel, the last code cell run first: it says to run the cells above."""
    path = _notebook(number)
    open_notebook(page, lab_server, _rel(path))
    last = code_cells(path)[-1]
    run_cell(page, last)
    errors = assert_clear(page, last)
    assert all("run the cells above this one first" in e for e in errors)


def test_restart_half_way_and_continue(lab_server, page) -> None:
    """Run the first half, restart the kernel, go on from the middle: a NameError with the
    next step; doing that step makes the cell and every cell below it work."""
    path = _notebook("02")
    open_notebook(page, lab_server, _rel(path))
    codes = code_cells(path)
    middle = codes[len(codes) // 2]
    run_cell(page, middle, "notebook:run-all-above")
    restart_kernel(page)
    run_cell(page, middle)
    errors = assert_clear(page, middle)
    assert errors and "run the cells above this one first" in errors[0], (
        "after a restart, the middle cell should say what to run")
    run_cell(page, middle, "notebook:run-all-above")
    run_cell(page, middle, "notebook:run-all-below")
    report = notebook_report(page)
    assert not report["errors"], "after following the next step:\n" + "\n---\n".join(
        report["errors"])


def test_run_all_twice(lab_server, page, page_log) -> None:
    """Run all, then run all again in the same kernel: no errors, widgets still widgets."""
    path = _notebook("02")
    open_notebook(page, lab_server, _rel(path))
    run_all_and_wait(page)
    run_all_and_wait(page)
    expected = stored_widget_views(path)
    wait_for_widgets(page, expected)
    report = notebook_report(page)
    assert not report["errors"], "\n---\n".join(report["errors"])
    assert not report["widget_errors"], report["widget_errors"]
    assert all(g >= e for g, e in zip(report["widgets_rendered"], expected, strict=True))
    assert not page_log.page_errors, page_log.page_errors


def test_interrupt_the_longest_cell_and_continue(lab_server, page) -> None:
    """Notebook 05's live re-run of stored searches (its longest cell), interrupted: one line;
    every code cell below it, run one by one, works or says what to run."""
    path = _notebook("05")
    cells = _cells(path)
    slow = next(i for i, c in enumerate(cells)
                if c["cell_type"] == "code" and "search_from(" in "".join(c["source"]))
    open_notebook(page, lab_server, _rel(path))
    run_cell(page, slow, "notebook:run-all-above")
    run_cell(page, slow, wait=False)
    page.wait_for_function(BUSY_JS, polling=50, timeout=60_000)
    page.wait_for_timeout(1500)
    assert kernel_busy(page), "the slow cell finished before it could be interrupted"
    interrupt_kernel(page)
    wait_until_not_busy(page, timeout_s=60)
    out = cell_output(page, slow)
    assert len(out["errors"]) == 1 and "Interrupted" in out["errors"][0]
    assert len(out["errors"][0].strip().splitlines()) <= 2, (
        f"an interrupt should end with one line, not a traceback:\n{out['errors'][0]}")
    for index in (i for i in code_cells(path) if i > slow):
        run_cell(page, index)
        assert_clear(page, index)


def test_garbage_exercise_answers(lab_server, page) -> None:
    """A string, None, a wrong-shape array or a ragged list as an exercise answer: the
    checker's own words, never an error."""
    path = _notebook("02")
    cells = _cells(path)
    index = max(i for i, c in enumerate(cells) if "exercise-compute" in c["metadata"].get(
        "tags", []))
    source = "".join(cells[index]["source"])
    assert re.search(r"^answer = \.\.\.", source, re.M), "the exercise cell's answer line"
    open_notebook(page, lab_server, _rel(path))
    run_cell(page, index, "notebook:run-all-above")
    for garbage in ('"twelve"', "None", "np.zeros(3)", "[[1, 2], [3]]"):
        set_cell_source(page, index, re.sub(r"^answer = \.\.\..*$", f"answer = {garbage}",
                                            source, count=1, flags=re.M))
        run_cell(page, index)
        out = cell_output(page, index)
        assert not out["errors"], f"answer = {garbage} ended in an error:\n{out['errors']}"
        assert not HELPERS_FRAME.search(out["text"])
        assert "Exercise" in out["text"] and "✓ Correct" not in out["text"], out["text"]
