"""Hygiene of every notebook: executed in order by the project command, clean, well-formed."""

from __future__ import annotations

import re

from tests.conftest import NOTEBOOKS, read_notebook

SLIDE_TYPES = {"slide", "subslide", "fragment", "skip", "notes", "-"}
MARKERS = ("NBVAL_IGNORE_OUTPUT", "NBVAL_SKIP", "NBVAL_RAISES_EXCEPTION", "NBVAL_CHECK_OUTPUT")
NBVAL_TAGS = {"nbval-ignore-output", "nbval-skip", "nbval-raises-exception", "nbval-check-output"}
PLANNED = [
    "00_start_here", "01_critical_points", "02_taylor_and_hessian",
    "03_classifying_critical_points", "04_escaping_saddle_points", "05_saddle_or_minimum",
    "06_batch_and_momentum", "07_adaptive_learning_rate",
]


def _code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def _output_text(output) -> str:
    if output.get("output_type") == "stream":
        return output.get("text", "")
    data = output.get("data", {})
    return "\n".join(str(v) for k, v in data.items() if k.startswith("text/"))


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks found"
    assert NOTEBOOKS[0].stem == "00_start_here"


def test_file_name(notebook_path):
    assert re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", notebook_path.name)


def test_kernelspec_is_python3(notebook_path):
    nb = read_notebook(notebook_path)
    assert nb.metadata.kernelspec.name == "python3"
    assert nb.metadata.language_info.name == "python"


def test_executed_in_order(notebook_path):
    counts = [c.execution_count for c in _code_cells(read_notebook(notebook_path))]
    assert counts == list(range(1, len(counts) + 1)), "re-run: python3 course.py execute"


def test_no_errors_stderr_or_warnings_stored(notebook_path):
    for i, cell in enumerate(_code_cells(read_notebook(notebook_path)), 1):
        for output in cell.get("outputs", []):
            assert output.output_type != "error", f"code cell {i} stored an error"
            assert output.get("name") != "stderr", f"code cell {i} stored stderr"
            text = _output_text(output)
            assert "Warning:" not in text, f"code cell {i} stored a warning"
            assert not re.search(r"(/work/|/tmp/|/home/|0x[0-9a-f]{6,})", text), (
                f"code cell {i} stored a path or memory address"
            )


def test_title_cell(notebook_path):
    first = read_notebook(notebook_path).cells[0]
    assert first.cell_type == "markdown"
    source = first.source
    assert source.startswith("# "), "first cell starts with a '# ' title"
    for needle in ("You will", "Prerequisites", "Run time"):
        assert needle in source, f"title cell lacks {needle!r}"


def test_slide_metadata_on_every_cell(notebook_path):
    for i, cell in enumerate(read_notebook(notebook_path).cells):
        slide_type = cell.metadata.get("slideshow", {}).get("slide_type")
        assert slide_type in SLIDE_TYPES, f"cell {i} has no valid slideshow.slide_type"


def test_ignored_outputs_say_why(notebook_path):
    """nbval markers are cell tags (never source comments), each with its reason in metadata."""
    for i, cell in enumerate(_code_cells(read_notebook(notebook_path)), 1):
        assert not any(m in cell.source for m in MARKERS), (
            f"code cell {i}: use the cell tag (e.g. nbval-ignore-output), not a source comment"
        )
        tags = [t for t in cell.metadata.get("tags", []) if t.startswith("nbval-")]
        assert set(tags) <= NBVAL_TAGS, f"code cell {i}: unknown nbval tag {tags}"
        if tags:
            why = cell.metadata.get("nbval_why", "")
            assert len(why) > 8, f"code cell {i}: {tags} needs metadata nbval_why (the reason)"


def test_no_path_hacks_or_run_magic(notebook_path):
    for cell in _code_cells(read_notebook(notebook_path)):
        assert "sys.path" not in cell.source
        assert "%run" not in cell.source
        assert not re.search(r"""["']jet["']|cm\.jet""", cell.source), "never use jet"


def test_ends_with_link_to_next_notebook(notebook_path):
    index = NOTEBOOKS.index(notebook_path)
    last = read_notebook(notebook_path).cells[-1]
    assert last.cell_type == "markdown"
    if index + 1 < len(NOTEBOOKS):
        assert NOTEBOOKS[index + 1].name in last.source, "link to the next notebook"


def test_exercises_have_solutions(notebook_path):
    cells = read_notebook(notebook_path).cells
    for i, cell in enumerate(cells):
        if "exercise" in cell.metadata.get("tags", []):
            assert cell.cell_type == "code" and "..." in cell.source
            solution = cells[i + 1]
            assert "solution" in solution.metadata.get("tags", []), f"cell {i + 1}: solution"
            assert "```python" in solution.source


def test_start_here_lists_every_planned_notebook():
    source = "\n".join(c.source for c in read_notebook(NOTEBOOKS[0]).cells)
    for stem in PLANNED[1:]:
        assert stem in source, f"00_start_here does not mention {stem}"


def test_the_planned_notebooks_are_the_notebooks():
    assert [p.stem for p in NOTEBOOKS] == PLANNED
