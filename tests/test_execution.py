"""Re-executing notebooks: byte-identical outputs, and every exercise's solution passes."""

from __future__ import annotations

import re
import shutil

import nbformat

from helpers.exercises import CORRECT, NOT_ATTEMPTED, NOT_YET
from tests.conftest import read_notebook
from tools.execute import execute_notebook, run_notebook

FENCE = re.compile(r"```python\n(.*?)```", re.DOTALL)


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


def test_exercises_not_attempted_in_stored_notebook(notebook_path):
    for cell in read_notebook(notebook_path).cells:
        if "exercise" in cell.metadata.get("tags", []):
            text = "".join(o.get("text", "") for o in cell.outputs)
            assert NOT_ATTEMPTED in text, "a stored exercise shows 'not attempted'"


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
    for i in exercises:
        text = "".join(o.get("text", "") for o in nb.cells[i].outputs)
        assert CORRECT in text and NOT_YET not in text and NOT_ATTEMPTED not in text, (
            f"{notebook_path.name} cell {i}: the solution does not pass: {text!r}"
        )
    nbformat.validate(nb)
