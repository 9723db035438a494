"""Two editions of every notebook from one source (= python3 course.py editions):

    python -m tools.editions [notebooks/NN_name.ipynb ...] [--out build/editions]

- the **teacher edition** (``teacher/``) is the notebook as it is, outputs included, with every
  solution cell as speaker notes;
- the **student edition** (``student/``) has no solution cell, no ``teacher-only`` cell, no
  outputs, and its answer keys sealed: the code that computes an expected value is stored
  compressed (``exec(answer_key("..."))``), so the exercises still check themselves but the
  answer does not show.

A Chinese edition's notebook (``notebooks/zh-Hans/``, ``notebooks/zh-Hant/``) goes to
``student/zh-Hans/`` etc., so its kernel, started in that folder, still speaks Chinese.

Cell tags (CONTRIBUTING.md, "Exercises and editions"): ``exercise``, ``exercise-implement``,
``solution``, ``answer-key``, ``teacher-only``. Plain functions over nbformat objects.
"""

from __future__ import annotations

import ast
import copy
import shutil
import sys
from pathlib import Path

import nbformat

from helpers.exercises import seal

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
OUT = ROOT / "build" / "editions"

LANGUAGES = ("zh-Hans", "zh-Hant")
EXERCISE, IMPLEMENT, SOLUTION = "exercise", "exercise-implement", "solution"
ANSWER_KEY, TEACHER_ONLY = "answer-key", "teacher-only"
KEY_PREFIX = "_answer_key_"
KEY_IMPORT = "from helpers import answer_key"
KEY_COMMENT = "# Answer key, sealed in the student edition: check() knows it, you don't (yet)."


def tags(cell) -> list[str]:
    """The cell's tags (an empty list if it has none)."""
    return list(cell.get("metadata", {}).get("tags", []))


def is_solution(cell) -> bool:
    """A solution: tagged ``solution``, or markdown holding a <summary>Solution block."""
    return SOLUTION in tags(cell) or (
        cell.cell_type == "markdown" and "<summary>Solution" in cell.source
    )


def is_exercise(cell) -> bool:
    return cell.cell_type == "code" and bool({EXERCISE, IMPLEMENT} & set(tags(cell)))


def _parse(source: str) -> ast.Module | None:
    try:
        return ast.parse(source)
    except SyntaxError:  # IPython magics and the like: left as they are
        return None


def check_calls(source: str) -> list[ast.Call]:
    """The ``check(...)`` calls of a cell (``check`` or ``something.check``)."""
    tree = _parse(source)
    if tree is None:
        return []
    return [
        node for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and "check" in (getattr(node.func, "id", None), getattr(node.func, "attr", None))
    ]


def expected_argument(call: ast.Call) -> ast.expr | None:
    """The expression passed as ``expected`` (second positional argument or keyword)."""
    if len(call.args) > 1:
        return call.args[1]
    return next((k.value for k in call.keywords if k.arg == "expected"), None)


def answer_names(nb) -> set[str]:
    """Names the exercises pass to ``check`` as the expected value."""
    names = set()
    for cell in nb.cells:
        if is_exercise(cell):
            for call in check_calls(cell.source):
                arg = expected_argument(call)
                if isinstance(arg, ast.Name):
                    names.add(arg.id)
    return names


def _assigned(statement: ast.stmt) -> set[str]:
    """The plain names a top-level statement assigns."""
    targets = {
        ast.Assign: lambda s: s.targets,
        ast.AnnAssign: lambda s: [s.target],
        ast.AugAssign: lambda s: [s.target],
    }.get(type(statement), lambda s: [])(statement)
    return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}


def sealed_line(source: str) -> str:
    """One line that runs the sealed ``source`` in the notebook's namespace."""
    return f'exec(answer_key("{seal(source)}"))'


def _with_import(lines: list[str]) -> str:
    return "\n".join([KEY_COMMENT, KEY_IMPORT, *lines])


def seal_statements(source: str, names: set[str]) -> str | None:
    """The cell with every line range that assigns one of ``names`` sealed; None if none does."""
    tree = _parse(source)
    if tree is None:
        return None
    lines = source.split("\n")
    spans = sorted(
        (s.lineno - 1, s.end_lineno) for s in tree.body if _assigned(s) & names
    )
    if not spans:
        return None
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, cursor = [], 0
    for start, end in merged:
        out += lines[cursor:start] + [sealed_line("\n".join(lines[start:end]))]
        cursor = end
    return _with_import(out + lines[cursor:])


def _char_index(lines: list[str], lineno: int, col_bytes: int) -> int:
    """Character offset in the joined source of (1-based line, UTF-8 byte column)."""
    before = sum(len(line) + 1 for line in lines[: lineno - 1])
    return before + len(lines[lineno - 1].encode("utf-8")[:col_bytes].decode("utf-8"))


def hoist_expected(source: str, key_name: str) -> tuple[str, str | None]:
    """An exercise cell whose ``check`` gets an inline expected expression: the expression is
    replaced by ``key_name`` and returned as the key's source (``key_name = ...``)."""
    calls = [c for c in check_calls(source) if expected_argument(c) is not None]
    arg = expected_argument(calls[0]) if calls else None
    if arg is None or isinstance(arg, ast.Name):
        return source, None
    lines = source.split("\n")
    start = _char_index(lines, arg.lineno, arg.col_offset)
    end = _char_index(lines, arg.end_lineno, arg.end_col_offset)
    return source[:start] + key_name + source[end:], f"{key_name} = {source[start:end]}"


def key_cell(key_source: str, cell_id: str):
    """A code cell holding one sealed answer key (skipped in slides), with a fixed id."""
    cell = nbformat.v4.new_code_cell(_with_import([sealed_line(key_source)]))
    cell.metadata = {"slideshow": {"slide_type": "skip"}, "tags": [ANSWER_KEY]}
    cell.id = cell_id[:64]
    return cell


def _student_cells(nb) -> list:
    """The student edition's cells: answers sealed, solutions and teacher-only cells gone."""
    names, cells = answer_names(nb), []
    for cell in nb.cells:
        if is_solution(cell) or TEACHER_ONLY in tags(cell):
            continue
        cell = copy.deepcopy(cell)
        if cell.cell_type == "code":
            if ANSWER_KEY in tags(cell):
                cell.source = _with_import([sealed_line(cell.source)])
            elif is_exercise(cell):
                cell.source, key = hoist_expected(cell.source, f"{KEY_PREFIX}{len(cells)}")
                cells += [key_cell(key, f"key-{cell.get('id', len(cells))}")] if key else []
            else:
                cell.source = seal_statements(cell.source, names) or cell.source
            cell.outputs, cell.execution_count = [], None
        cells.append(cell)
    return cells


def student_edition(nb):
    """A copy of ``nb`` for students: no solutions, sealed answer keys, no outputs."""
    student = copy.deepcopy(nb)
    student.cells = _student_cells(nb)
    student.metadata.pop("widgets", None)
    student.metadata["course_edition"] = "student"
    return student


def teacher_edition(nb):
    """A copy of ``nb`` for teachers: everything, with every solution as speaker notes."""
    teacher = copy.deepcopy(nb)
    for cell in teacher.cells:
        if is_solution(cell):
            cell.metadata.setdefault("slideshow", {})["slide_type"] = "notes"
    teacher.metadata["course_edition"] = "teacher"
    return teacher


def build_editions(paths: list[Path], out: Path = OUT) -> list[Path]:
    """Write the student and teacher editions of ``paths`` under ``out``; return the files."""
    written = []
    for edition in ("student", "teacher"):
        shutil.rmtree(out / edition, ignore_errors=True)
        (out / edition).mkdir(parents=True)
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        lang = path.parent.name if path.parent.name in LANGUAGES else ""
        for edition, make in (("student", student_edition), ("teacher", teacher_edition)):
            target = out / edition / lang / path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(make(nb), target)
            written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    """Build both editions of the given notebooks (default: every notebook, every language)."""
    args = list(sys.argv[1:] if argv is None else argv)
    out = OUT
    if "--out" in args:
        i = args.index("--out")
        out, args = Path(args[i + 1]).resolve(), args[:i] + args[i + 2:]
    paths = [Path(p).resolve() for p in args] or [
        p for lang in ("", *LANGUAGES)
        for p in sorted((NOTEBOOKS / lang).glob("[0-9][0-9]_*.ipynb"))]
    written = build_editions(paths, out)
    for target in written:
        shown = target.relative_to(ROOT) if target.is_relative_to(ROOT) else target
        print(f"wrote {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
