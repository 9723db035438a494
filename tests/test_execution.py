"""Re-executing notebooks: byte-identical outputs, and every exercise's solution passes."""

from __future__ import annotations

import re
import shutil

import nbformat
import pytest

from helpers.exercises import CORRECT, NOT_ATTEMPTED, NOT_YET
from helpers.exercises.feedback_zh import FEEDBACK_ZH
from helpers.i18n import localize
from tests.conftest import NOTEBOOKS, read_notebook
from tests.test_notebooks import ZH_NOTEBOOKS, edition, notebook_id
from tools.execute import execute_notebook, run_notebook
from tools.stress import Run, classify, nbconvert_command, table, waits

FENCE = re.compile(r"```python\n(.*?)```", re.DOTALL)
# Solutions pass in the Chinese kernels too (check prints "✓ 正确"): every zh-Hans notebook, and
# zh-Hant's 01 (the OpenCC conversion at run time; its stored outputs are OpenCC of zh-Hans's).
SOLVED = [*NOTEBOOKS, *(p for p in ZH_NOTEBOOKS
                        if edition(p) == "zh-Hans" or p.stem[:2] == "01")]
STORED = [*NOTEBOOKS, *ZH_NOTEBOOKS]


def _verdict(text: str, path) -> str:
    """A verdict line's opening as the notebook's kernel prints it."""
    return localize(text, FEEDBACK_ZH, edition(path))


def test_execute_is_byte_identical(notebook_path, tmp_path):
    """The stored notebook is exactly what `python3 course.py execute` produces."""
    copy = tmp_path / notebook_path.name
    shutil.copy(notebook_path, copy)
    for extra in notebook_path.parent.glob("*"):
        if extra.suffix != ".ipynb" and extra.is_file():
            shutil.copy(extra, tmp_path / extra.name)
    execute_notebook(copy)
    assert copy.read_bytes() == notebook_path.read_bytes(), (
        f"{notebook_path.name} differs from a fresh run: python3 course.py execute {notebook_path}"
    )


@pytest.mark.parametrize("notebook_path", STORED, ids=[notebook_id(p) for p in STORED])
def test_exercises_not_attempted_in_stored_notebook(notebook_path):
    not_attempted = _verdict(NOT_ATTEMPTED, notebook_path)
    for cell in read_notebook(notebook_path).cells:
        if "exercise" in cell.metadata.get("tags", []):
            text = "".join(o.get("text", "") for o in cell.outputs)
            assert not_attempted in text, f"a stored exercise shows {not_attempted!r}"


@pytest.mark.parametrize("notebook_path", SOLVED, ids=[notebook_id(p) for p in SOLVED])
def test_solutions_pass(notebook_path):
    nb = read_notebook(notebook_path)
    exercises = []
    for i, cell in enumerate(nb.cells):
        if "exercise" in cell.metadata.get("tags", []):
            solution = FENCE.search(nb.cells[i + 1].source)
            assert solution, f"cell {i + 1}: the solution needs a ```python block"
            cell.source = solution.group(1)
            exercises.append(i)
    if not exercises:
        return
    run_notebook(nb, notebook_path.parent)
    correct, not_yet, not_attempted = (_verdict(v, notebook_path)
                                       for v in (CORRECT, NOT_YET, NOT_ATTEMPTED))
    for i in exercises:
        text = "".join(o.get("text", "") for o in nb.cells[i].outputs)
        assert correct in text and not_yet not in text and not_attempted not in text, (
            f"{notebook_path.name} cell {i}: the solution does not pass: {text!r}"
        )
    nbformat.validate(nb)


# ------------------------------------------------------------------ tools/stress.py


def _timed_cell(busy: str, idle: str) -> dict:
    return {"cell_type": "code", "metadata": {"execution": {
        "iopub.status.busy": busy, "iopub.status.idle": idle}}}


def test_stress_waits_between_cells():
    """The kernel's idle time between one cell and the next, from the stored timestamps."""
    nb = {"cells": [
        _timed_cell("2026-01-01T00:00:00.000Z", "2026-01-01T00:00:01.000Z"),
        {"cell_type": "markdown", "metadata": {}},
        _timed_cell("2026-01-01T00:00:01.010Z", "2026-01-01T00:00:02.000Z"),
        _timed_cell("2026-01-01T00:01:00.000Z", "2026-01-01T00:01:00.500Z"),
    ]}
    (i0, w0), (i1, w1) = waits(nb)
    assert (i0, i1) == (0, 2)
    assert abs(w0 - 0.01) < 1e-6 and abs(w1 - 58.0) < 1e-6


def test_stress_classify():
    assert classify(0, "", longest_wait=0.1, limit=30) == "ok"
    assert classify(0, "", longest_wait=58.0, limit=30) == "stall"  # waited out the timeout
    assert classify(None, "", longest_wait=0.0, limit=30) == "stall"  # killed at the wall
    assert classify(1, "CellTimeoutError: ...", longest_wait=0.0, limit=30) == "stall"
    assert classify(1, "NameError: x", longest_wait=0.0, limit=30) == "error"


def test_stress_table_counts_outcomes():
    runs = [Run("a.ipynb", 0, "ok", 2.0), Run("a.ipynb", 1, "stall", 60.0),
            Run("b.ipynb", 0, "error", 1.0)]
    text = table(runs)
    row_a = next(line for line in text.splitlines() if line.startswith("a.ipynb"))
    assert row_a.split()[1:5] == ["2", "1", "1", "0"]
    assert "b.ipynb" in text


def test_stress_command_is_plain_nbconvert(tmp_path):
    cmd = nbconvert_command(tmp_path / "x.ipynb", tmp_path, 3, 60)
    assert cmd[1:5] == ["nbconvert", "--to", "notebook", "--execute"]
    assert "--ExecutePreprocessor.timeout=60" in cmd and "x_run3" in cmd
