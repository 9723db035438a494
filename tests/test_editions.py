"""Student and teacher editions (tools/editions.py): no solution text anywhere in the student
edition, which still runs top to bottom with every exercise unattempted and still checks
answers through its sealed answer keys; the teacher edition keeps everything."""

from __future__ import annotations

import ast
import json
import re

import nbformat
import pytest

from helpers.exercises import (
    CORRECT,
    NOT_ATTEMPTED,
    NOT_DONE,
    NOT_YET,
    answer_key,
    exercise_solution,
    exercise_stub,
)
from tests.conftest import NOTEBOOKS, read_notebook
from tests.test_notebooks import ZH_NOTEBOOKS, notebook_id
from tools.editions import (
    ANSWER_KEY,
    answer_names,
    build_editions,
    check_calls,
    expected_argument,
    hoist_expected,
    is_exercise,
    is_solution,
    seal_statements,
    student_edition,
    teacher_edition,
)
from tools.execute import run_notebook

FENCE = re.compile(r"```python\n(.*?)```", re.DOTALL)
SEALED = re.compile(r'exec\(answer_key\("([^"]+)"\)\)')


def _cell(kind: str, source: str, tags: tuple[str, ...] = (), slide: str = "-", outputs=()):
    cell = (nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell)(source)
    cell.metadata = {"slideshow": {"slide_type": slide}, **({"tags": list(tags)} if tags else {})}
    if kind == "code":
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=t) for t in outputs]
        cell.execution_count = 1 if outputs else None
    return cell


def _solution(code: str):
    text = f"<details><summary>Solution</summary>\n\n```python\n{code}```\n</details>"
    return _cell("markdown", text, ("solution",), "notes")


def small_notebook():
    """Every kind of cell the editions know, with the answers 42, [21, 1.5] and 'saddle point'."""
    implement = 'check_function(classify, exercise="classify", name="Exercise D")\n'
    ex_c = ('check(answer, "saddle" + " point",\n'
            '      name="Exercise C", hint="both signs: λ₁ < 0 < λ₂")')
    nb = nbformat.v4.new_notebook()
    nb.metadata["widgets"] = {"state": "something"}
    nb.cells = [
        _cell("markdown", "# 99 · A test notebook"),
        _cell("code", "from helpers import check, check_function\nbase = 2.0", outputs=("ok\n",)),
        _cell("code", "expected_a = base * 21  # the secret forty-two", (ANSWER_KEY,), "skip"),
        _cell("code", 'answer = ...  # a number\ncheck(answer, expected_a, name="Exercise A")',
              ("exercise",), outputs=(f"{NOT_ATTEMPTED} — Exercise A\n",)),
        _solution('answer = 2.0 * 21  # forty-two\ncheck(answer, expected_a, name="Exercise A")\n'),
        _cell("code", "helper = 3\nexpected_b = [helper * 7,\n              1.5]  # the list key\n"
                      "print(helper)"),
        _cell("code", 'answer = ...\ncheck(answer, expected_b, name="Exercise B")', ("exercise",)),
        _solution('answer = [21, 1.5]  # twenty-one\n'
                  'check(answer, expected_b, name="Exercise B")\n'),
        _cell("code", "answer = ...  # a kind of point, é\n" + ex_c, ("exercise",)),
        _solution('answer = "saddle" + " " + "point"  # the label\n' + ex_c + "\n"),
        _cell("code", exercise_stub("classify") + "\n\n" + implement,
              ("exercise", "exercise-implement")),
        _solution(exercise_solution("classify") + "\n\n" + implement),
        _cell("markdown", "The answer to C is a saddle point, as everyone saw.", ("teacher-only",),
              "notes"),
        _cell("markdown", "**Speaker note** without an answer: keep it.", (), "notes"),
    ]
    return nb


def visible_text(nb) -> str:
    """Everything a student could read in the notebook file."""
    parts = [json.dumps(nb.metadata, ensure_ascii=False)]
    for cell in nb.cells:
        parts += [cell.source, json.dumps(cell.metadata, ensure_ascii=False)]
        parts += [json.dumps(o, ensure_ascii=False) for o in cell.get("outputs", [])]
    return "\n".join(parts)


def secrets(nb) -> tuple[set[str], set[str]]:
    """Text only the answers carry: (each line a solution adds to its exercise cell, each
    expected-value expression: inline in a check call, or assigned to an answer name)."""
    lines, found, names = set(), set(), answer_names(nb)
    for i, cell in enumerate(nb.cells):
        code = FENCE.search(cell.source) if is_solution(cell) else None
        if code:
            given = {line.strip() for line in nb.cells[i - 1].source.splitlines()}
            lines |= {s for line in code.group(1).splitlines()
                      if (s := line.strip()) and s not in given and not s.startswith("#")}
        elif is_exercise(cell):
            for call in check_calls(cell.source):
                arg = expected_argument(call)
                if arg is not None and not isinstance(arg, ast.Name):
                    found.add(ast.get_source_segment(cell.source, arg))
        elif cell.cell_type == "code" and (ANSWER_KEY in cell.metadata.get("tags", []) or names):
            tree = ast.parse(cell.source) if "%" not in cell.source else ast.Module(body=[])
            for statement in tree.body:
                targets = getattr(statement, "targets", [getattr(statement, "target", None)])
                assigned = {n.id for t in targets if t for n in ast.walk(t)
                            if isinstance(n, ast.Name)}
                if assigned & names or ANSWER_KEY in cell.metadata.get("tags", []):
                    if getattr(statement, "value", None) is not None:
                        found.add(ast.get_source_segment(cell.source, statement.value))
    return lines, {s for s in found if len(s) >= 4}


def leaks(nb, student) -> list[str]:
    """Solution lines found as lines, answer expressions found anywhere, in the student's file."""
    lines, expressions = secrets(nb)
    text = visible_text(student)
    shown = {line.strip() for line in text.splitlines()}
    return sorted((lines & shown) | {s for s in expressions if s in text})


def substitute_answers(student, teacher):
    """Put each solution's own lines into the student's exercise cell, keeping the student
    cell's check call (which uses the sealed key), as a student who solved it would."""
    solutions = [FENCE.search(c.source).group(1) for c in teacher.cells if is_solution(c)]
    exercises = [c for c in student.cells if is_exercise(c)]
    assert len(solutions) == len(exercises)
    for cell, code in zip(exercises, solutions, strict=True):
        if "exercise-implement" in cell.metadata.get("tags", []):
            cell.source = code
            continue
        answer_line = next(line for line in cell.source.splitlines()
                           if line.startswith("answer = ..."))
        given = set(cell.source.splitlines())
        mine = [line for line in code.splitlines()
                if line not in given and not line.lstrip().startswith(("check(", "name=", "hint="))
                and not line.startswith(" ")]
        cell.source = cell.source.replace(answer_line, "\n".join(mine))
    return student


def outputs_text(cell) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []))


# ---------------------------------------------------------------- the plain functions


def test_student_edition_drops_solutions_and_teacher_only_cells():
    nb = small_notebook()
    student = student_edition(nb)
    assert not any(is_solution(c) for c in student.cells)
    assert all("teacher-only" not in c.metadata.get("tags", []) for c in student.cells)
    assert "**Speaker note** without an answer: keep it." in visible_text(student)
    assert exercise_stub("classify") in visible_text(student)
    assert all(c.outputs == [] and c.execution_count is None
               for c in student.cells if c.cell_type == "code")
    assert "widgets" not in student.metadata and student.metadata["course_edition"] == "student"
    assert len(nb.cells) == 14  # the source notebook is untouched


def test_no_answer_text_in_the_small_student_edition():
    nb = small_notebook()
    lines, expressions = secrets(nb)
    assert "answer = 2.0 * 21  # forty-two" in lines and "return \"saddle point\"" in lines
    assert {"base * 21", "[helper * 7,\n              1.5]", '"saddle" + " point"'} <= expressions
    assert leaks(nb, nb) and not leaks(nb, student_edition(nb))
    text = visible_text(student_edition(nb))
    assert "forty-two" not in text and "twenty-one" not in text and "the list key" not in text
    assert "a saddle point, as everyone saw" not in text


def test_sealed_keys_open_to_the_original_code():
    student = student_edition(small_notebook())
    opened = [answer_key(s) for c in student.cells for s in SEALED.findall(c.source)]
    assert "expected_a = base * 21  # the secret forty-two" in opened
    assert "expected_b = [helper * 7,\n              1.5]  # the list key" in opened
    assert any(o.endswith(' = "saddle" + " point"') for o in opened)
    assert "helper = 3" in visible_text(student) and "print(helper)" in visible_text(student)


def test_seal_statements_keeps_other_lines_and_seals_whole_lines():
    source = "a = 1; expected = a + 1\nb = 2\nexpected2 = (b +\n    3)\nprint(b)"
    out = seal_statements(source, {"expected", "expected2"})
    lines = out.splitlines()
    assert lines[1] == "from helpers import answer_key" and "b = 2" in lines and "print(b)" in lines
    opened = [answer_key(s) for s in SEALED.findall(out)]
    assert opened == ["a = 1; expected = a + 1", "expected2 = (b +\n    3)"]
    assert seal_statements("x = 1", {"expected"}) is None
    assert seal_statements("%time expected = 1", {"expected"}) is None


def test_hoist_expected_handles_non_ascii_and_names():
    source = 'θ = 1  # é\ncheck(answer, [θ, "λ"], name="É", hint="ü")'
    new, key = hoist_expected(source, "_k")
    assert new == 'θ = 1  # é\ncheck(answer, _k, name="É", hint="ü")'
    assert key == '_k = [θ, "λ"]'
    assert hoist_expected("check(answer, expected_x)", "_k") == ("check(answer, expected_x)", None)
    assert hoist_expected("check(answer, expected=3.5)", "_k") == ("check(answer, expected=_k)",
                                                                   "_k = 3.5")


def test_teacher_edition_keeps_everything_with_solutions_as_notes():
    nb = small_notebook()
    nb.cells[4].metadata["slideshow"]["slide_type"] = "fragment"
    teacher = teacher_edition(nb)
    assert len(teacher.cells) == len(nb.cells) and teacher.metadata["course_edition"] == "teacher"
    assert all(c.metadata["slideshow"]["slide_type"] == "notes"
               for c in teacher.cells if is_solution(c))
    assert teacher.cells[1].outputs == nb.cells[1].outputs
    assert [c.source for c in teacher.cells] == [c.source for c in nb.cells]


def test_build_editions_writes_both_and_removes_stale_files(tmp_path):
    source = tmp_path / "99_test.ipynb"
    nbformat.write(small_notebook(), source)
    (tmp_path / "out" / "student").mkdir(parents=True)
    (tmp_path / "out" / "student" / "old.ipynb").write_text("{}")
    written = build_editions([source], tmp_path / "out")
    assert sorted(p.relative_to(tmp_path / "out").as_posix() for p in written) == [
        "student/99_test.ipynb", "teacher/99_test.ipynb"]
    assert not (tmp_path / "out" / "student" / "old.ipynb").exists()
    nbformat.validate(nbformat.read(written[0], as_version=4))


def test_small_student_edition_runs_unattempted_and_checks_solved_answers(tmp_path):
    student = student_edition(small_notebook())
    run_notebook(student, tmp_path)
    exercises = [c for c in student.cells if is_exercise(c)]
    texts = [outputs_text(c) for c in exercises]
    assert all(t.startswith(NOT_ATTEMPTED) for t in texts) and NOT_DONE in texts[-1]
    keys = [c for c in student.cells if ANSWER_KEY in c.metadata.get("tags", [])]
    assert len(keys) == 2 and all(outputs_text(c) == "" for c in keys)
    solved = substitute_answers(student_edition(small_notebook()), small_notebook())
    run_notebook(solved, tmp_path)
    for cell in (c for c in solved.cells if is_exercise(c)):
        assert outputs_text(cell).startswith(CORRECT), outputs_text(cell)


# ---------------------------------------------------------------- the course's notebooks


EVERY = NOTEBOOKS + ZH_NOTEBOOKS  # the Chinese editions' notebooks share the code and the tags


@pytest.mark.parametrize("path", EVERY, ids=[notebook_id(p) for p in EVERY])
def test_no_solution_text_in_the_student_edition(path):
    nb = read_notebook(path)
    assert any(secrets(nb)) or not any(is_exercise(c) for c in nb.cells)
    assert leaks(nb, nb), "the search finds the answers in the teacher's notebook"
    leaked = leaks(nb, student_edition(nb))
    assert not leaked, f"{path.name}: the student edition shows {leaked}"
    assert not any(is_solution(c) for c in student_edition(nb).cells)


@pytest.mark.parametrize("path", EVERY, ids=[notebook_id(p) for p in EVERY])
def test_teacher_edition_is_the_notebook_with_solutions_as_notes(path):
    nb = read_notebook(path)
    teacher = teacher_edition(nb)
    assert [c.source for c in teacher.cells] == [c.source for c in nb.cells]
    assert all(c.metadata["slideshow"]["slide_type"] == "notes"
               for c in teacher.cells if is_solution(c))


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_student_edition_runs_top_to_bottom_unattempted(path, tmp_path):
    """Executed in a temporary directory; every exercise says "not attempted"/"not done yet"."""
    student = student_edition(read_notebook(path))
    run_notebook(student, tmp_path)  # raises on any error in any cell
    for cell in student.cells:
        text = outputs_text(cell)
        assert NOT_YET not in text and "Traceback" not in text
        assert not any(o.get("output_type") == "error" for o in cell.get("outputs", []))
        if is_exercise(cell):
            assert NOT_ATTEMPTED in text, f"{path.name}: {text!r}"
        if ANSWER_KEY in cell.metadata.get("tags", []):
            assert text == ""


@pytest.mark.slow
@pytest.mark.parametrize("name", ["01_critical_points.ipynb", "02_taylor_and_hessian.ipynb"])
def test_sealed_keys_still_check_the_solutions(name, tmp_path):
    """A representative pair (inline labels, keys in mixed cells): solved → ✓ Correct."""
    nb = read_notebook(NOTEBOOKS[0].parent / name)
    solved = substitute_answers(student_edition(nb), nb)
    run_notebook(solved, tmp_path)
    for cell in (c for c in solved.cells if is_exercise(c)):
        assert outputs_text(cell).startswith(CORRECT), f"{name}: {outputs_text(cell)!r}"


def test_a_sealed_key_round_trips_and_a_damaged_one_is_refused():
    from helpers.exercises import seal

    source = 'expected = "saddle point"  # é, λ'
    assert answer_key(seal(source)) == source and seal(source) == seal(source)
    assert "saddle" not in seal(source)
    with pytest.raises(ValueError, match="not a sealed answer key"):
        answer_key("expected = 1")
    with pytest.raises(ValueError, match="damaged"):
        answer_key(seal(source)[:-6] + "AAAAAA")


def test_building_twice_gives_the_same_bytes(tmp_path):
    source = tmp_path / "99_test.ipynb"
    nbformat.write(small_notebook(), source)
    first = [p.read_bytes() for p in build_editions([source], tmp_path / "a")]
    second = [p.read_bytes() for p in build_editions([source], tmp_path / "b")]
    assert first == second


def test_a_chinese_notebook_goes_to_its_language_folder(tmp_path):
    """student/zh-Hans/NN.ipynb: the kernel starts there, so helpers answer in Chinese."""
    source = tmp_path / "zh-Hans" / "99_test.ipynb"
    source.parent.mkdir()
    nbformat.write(small_notebook(), source)
    written = build_editions([source], tmp_path / "out")
    assert sorted(p.relative_to(tmp_path / "out").as_posix() for p in written) == [
        "student/zh-Hans/99_test.ipynb", "teacher/zh-Hans/99_test.ipynb"]


@pytest.mark.slow
def test_sealed_keys_check_the_solutions_in_chinese(tmp_path):
    """zh-Hans 01's student edition, solved, run in a zh-Hans folder: ✓ 正确 (sealed keys and
    the Chinese feedback together)."""
    nb = read_notebook(NOTEBOOKS[0].parent / "zh-Hans" / "01_critical_points.ipynb")
    solved = substitute_answers(student_edition(nb), nb)
    (tmp_path / "zh-Hans").mkdir()
    run_notebook(solved, tmp_path / "zh-Hans")
    for cell in (c for c in solved.cells if is_exercise(c)):
        assert outputs_text(cell).startswith("✓ 正确"), outputs_text(cell)
