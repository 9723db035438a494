"""Hygiene of every notebook: executed in order by the project command, clean, well-formed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import NOTEBOOK_DIR, NOTEBOOKS, read_notebook

SLIDE_TYPES = {"slide", "subslide", "fragment", "skip", "notes", "-"}
MARKERS = ("NBVAL_IGNORE_OUTPUT", "NBVAL_SKIP", "NBVAL_RAISES_EXCEPTION", "NBVAL_CHECK_OUTPUT")
NBVAL_TAGS = {"nbval-ignore-output", "nbval-skip", "nbval-raises-exception", "nbval-check-output"}
PLANNED = [
    "00_start_here", "01_critical_points", "02_taylor_and_hessian",
    "03_classifying_critical_points", "04_escaping_saddle_points", "05_saddle_or_minimum",
    "06_batch_and_momentum", "07_adaptive_learning_rate",
]

# The Chinese editions (tools/translate.py) meet the same bar: every per-notebook test of this
# module (and of test_pedagogy.py) runs on the English notebooks and on both editions.
ZH_EDITIONS = ("zh-Hans", "zh-Hant")
ZH_NOTEBOOKS = [p for ed in ZH_EDITIONS
                for p in sorted((NOTEBOOK_DIR / ed).glob("[0-9][0-9]_*.ipynb"))]
ALL_NOTEBOOKS = NOTEBOOKS + ZH_NOTEBOOKS
# the title cell's required parts, per edition (the Traditional edition is OpenCC-converted)
TITLE_PARTS = {
    "en": ("You will", "Prerequisites", "Run time"),
    "zh-Hans": ("**你将**", "**预备知识：**", "**运行时间：**", "**对应课程：**"),
    "zh-Hant": ("**你將**", "**預備知識：**", "**執行時間：**", "**對應課程：**"),
}


def edition(path: Path) -> str:
    """'en', 'zh-Hans' or 'zh-Hant': the folder a notebook lives in."""
    return path.parent.name if path.parent.name in ZH_EDITIONS else "en"


def edition_notebooks(path: Path) -> list[Path]:
    """The notebooks of the edition `path` belongs to, in course order."""
    return [p for p in ALL_NOTEBOOKS if p.parent == path.parent]


def notebook_id(path: Path) -> str:
    return path.name if edition(path) == "en" else f"{edition(path)}/{path.name}"


@pytest.fixture(params=ALL_NOTEBOOKS, ids=[notebook_id(p) for p in ALL_NOTEBOOKS])
def notebook_path(request) -> Path:
    """Every notebook of every edition (overrides tests/conftest.py's English-only fixture)."""
    return request.param


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
    for needle in TITLE_PARTS[edition(notebook_path)]:
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
    same = edition_notebooks(notebook_path)
    index = same.index(notebook_path)
    last = read_notebook(notebook_path).cells[-1]
    assert last.cell_type == "markdown"
    if index + 1 < len(same):
        assert same[index + 1].name in last.source, "link to the next notebook"


def test_exercises_have_solutions(notebook_path):
    cells = read_notebook(notebook_path).cells
    for i, cell in enumerate(cells):
        if "exercise" in cell.metadata.get("tags", []):
            assert cell.cell_type == "code" and "..." in cell.source
            solution = cells[i + 1]
            assert "solution" in solution.metadata.get("tags", []), f"cell {i + 1}: solution"
            assert "```python" in solution.source


@pytest.mark.parametrize("folder", ["", *ZH_EDITIONS])
def test_start_here_lists_every_planned_notebook(folder):
    source = _start_source(folder)
    for stem in PLANNED[1:]:
        assert stem in source, f"{folder}/00_start_here does not mention {stem}"


@pytest.mark.parametrize("folder", ["", *ZH_EDITIONS])
def test_the_planned_notebooks_are_the_notebooks(folder):
    found = sorted((NOTEBOOK_DIR / folder).glob("[0-9][0-9]_*.ipynb"))
    assert [p.stem for p in found] == PLANNED


def _start_source(folder: str) -> str:
    return "\n".join(c.source for c in read_notebook(NOTEBOOK_DIR / folder / START).cells)


START = "00_start_here.ipynb"


@pytest.mark.parametrize("folder", ["", *ZH_EDITIONS])
def test_start_here_links_the_other_languages(folder):
    """Notebook 00 of each edition links the other two (issue 16: findable)."""
    source = _start_source(folder)
    here = NOTEBOOK_DIR / folder
    targets = {NOTEBOOK_DIR / d / START for d in ("", *ZH_EDITIONS)} - {here / START}
    found = re.findall(r"\]\((?!https?:)([^)#\s]+00_start_here\.ipynb)\)", source)
    links = {(here / m).resolve() for m in found}
    missing = sorted(str(t.relative_to(NOTEBOOK_DIR)) for t in targets - links)
    assert not missing, f"{folder or 'en'}/00 does not link {missing}"
