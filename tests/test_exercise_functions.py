"""Write-it-yourself exercises: `check_function` runs a student's function on cases and reports
the first failing one; typical wrong versions fail on the right case with the right reason; an
error shows only the student's line; an untouched stub is "not done yet"."""

from __future__ import annotations

import inspect
import itertools
import linecache
import textwrap

import pytest

from helpers.exercises import (
    CORRECT,
    FUNCTION_EXERCISES,
    NOT_ATTEMPTED,
    NOT_DONE,
    NOT_YET,
    check_function,
    exercise_solution,
    exercise_stub,
)

_counter = itertools.count()
NOTEBOOKS = {"02", "03", "04", "05", "06", "07"}


def student(source: str, name: str):
    """Define a function as a notebook cell would: a file name like "<ipython-input-7-…>"."""
    filename = f"<ipython-input-{next(_counter)}-test>"
    source = textwrap.dedent(source)
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace: dict = {}
    exec(compile(source, filename, "exec"), namespace)
    return namespace[name], filename


def run(capsys, fn, exercise: str) -> str:
    check_function(fn, exercise)
    out = capsys.readouterr().out
    assert "Traceback" not in out and "helpers/" not in out, out
    return out


# ---------------------------------------------------------------- the catalogue


def test_one_exercise_for_each_of_notebooks_02_to_07():
    assert {spec.notebook[:2] for spec in FUNCTION_EXERCISES.values()} == NOTEBOOKS
    assert set(FUNCTION_EXERCISES) == {
        "gradient_and_hessian", "classify", "escape_step", "power_iteration", "minimum_ratio",
        "momentum_step", "rmsprop_sigma"}


@pytest.mark.parametrize("name", FUNCTION_EXERCISES)
def test_stub_and_solution_texts_define_the_function(name):
    spec = FUNCTION_EXERCISES[name]
    for text in (exercise_stub(name), exercise_solution(name)):
        fn, _ = student(text, name)
        assert tuple(inspect.signature(fn).parameters) == spec.params
        assert fn.__doc__
    assert "raise NotImplementedError" in exercise_stub(name)
    assert "# Your code here: ..." in exercise_stub(name)  # an exercise cell shows `...`
    assert len(spec.cases) >= 5


@pytest.mark.parametrize("name", FUNCTION_EXERCISES)
def test_the_reference_and_the_solution_pass(capsys, name):
    assert run(capsys, FUNCTION_EXERCISES[name].reference, name) == (
        f"{CORRECT} — {name}: all {len(FUNCTION_EXERCISES[name].cases)} cases pass.\n")
    solution, _ = student(exercise_solution(name), name)
    assert run(capsys, solution, name).startswith(CORRECT)


@pytest.mark.parametrize("name", FUNCTION_EXERCISES)
def test_hand_written_expected_values_agree_with_the_reference(name):
    spec = FUNCTION_EXERCISES[name]
    for case in spec.cases:
        if not case.steps:
            assert spec.compare(spec.reference(*case.args), spec.expected(case), case.args) is None


@pytest.mark.parametrize("name", FUNCTION_EXERCISES)
def test_the_stub_prints_one_not_done_yet_line(capsys, name):
    stub, _ = student(exercise_stub(name), name)
    check_function(stub, name, name="Exercise 5")
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and out.startswith(f"{NOT_ATTEMPTED} — Exercise 5: {NOT_DONE}")


@pytest.mark.parametrize(
    "body",
    ["pass", "...", "return ...", "return None", "return", '"""Only a docstring."""',
     "raise NotImplementedError"],
)
def test_other_placeholders_are_not_done_yet(capsys, body):
    fn, _ = student(f"def minimum_ratio(eigvals, zero_tol):\n    {body}\n", "minimum_ratio")
    assert NOT_DONE in run(capsys, fn, "minimum_ratio")


def test_a_partly_written_function_is_not_done_yet(capsys):
    fn, _ = student("""
        def classify(eigvals, tol):
            if len(eigvals) == 1:
                raise NotImplementedError("later")
            neg = any(l < -tol for l in eigvals)
            pos = any(l > tol for l in eigvals)
            if neg and pos:
                return "saddle point"
            if any(abs(l) <= tol for l in eigvals):
                return "degenerate"
            return "local maximum" if neg else "local minimum"
    """, "classify")
    assert NOT_DONE in run(capsys, fn, "classify")


def test_a_missing_return_is_a_mistake_not_a_stub(capsys):
    fn, _ = student("""
        def minimum_ratio(eigvals, zero_tol):
            ratio = sum(lam > zero_tol for lam in eigvals) / len(eigvals)
    """, "minimum_ratio")
    out = run(capsys, fn, "minimum_ratio")
    assert out.startswith(f"{NOT_YET} — minimum_ratio: case 1 of 6")
    assert "returned: None" in out and "is a `return` statement missing?" in out


def test_ellipsis_not_a_function_wrong_signature_unknown_exercise(capsys):
    assert NOT_DONE in run(capsys, ..., "classify")
    assert "expected your function classify itself" in run(capsys, None, "classify")
    assert "expected your function classify itself" in run(capsys, "local minimum", "classify")
    fn, _ = student("def classify(eigvals):\n    return 'saddle point'\n", "classify")
    assert "cannot be called as classify(eigvals, tol)" in run(capsys, fn, "classify")
    with pytest.raises(ValueError, match="there are: 'gradient_and_hessian'"):
        check_function(fn, "clasify")


# ---------------------------------------------------------------- typical wrong versions

GRAD_OK = "grad = [sp.diff(f, v) for v in variables]"
HESS_OK = "hess = sp.Matrix([[sp.diff(f, a, b) for b in variables] for a in variables])"


def grad_hess(grad: str = GRAD_OK, hess: str = HESS_OK, ret: str = "grad, hess") -> str:
    return (f"import sympy as sp\ndef gradient_and_hessian(f, variables):\n    {grad}\n"
            f"    {hess}\n    return {ret}\n")


WRONG = [
    # notebook 02: the gradient and the Hessian
    ("gradient_and_hessian", grad_hess(grad="grad = [-sp.diff(f, v) for v in variables]"),
     1, "gradient: the sign is flipped"),
    ("gradient_and_hessian",
     grad_hess(hess="hess = sp.diag(*[sp.diff(f, v, 2) for v in variables])"), 1,
     "Hessian: 2 of the 4 entries are not right yet"),
    ("gradient_and_hessian",
     grad_hess(hess="hess = sp.Matrix([[sp.diff(f, a, a) for b in variables] for a in variables])"),
     1, "Hessian: 2 of the 4 entries are not right yet"),
    ("gradient_and_hessian", grad_hess(hess=HESS_OK + " / 2"), 1, "Hessian: off by a factor of 2"),
    ("gradient_and_hessian", grad_hess(ret="hess, grad"), 1,
     "your results are in the wrong order: return gradient, Hessian"),
    ("gradient_and_hessian",
     grad_hess(grad="w1, w2 = sp.symbols('w1 w2'); variables = (w1, w2); " + GRAD_OK), 2,
     "gradient: 2 of the 2 entries are not right yet"),
    ("gradient_and_hessian",
     grad_hess(grad="variables = sorted(f.free_symbols, key=str); " + GRAD_OK), 4,
     "gradient: the right values, but in the wrong order"),
    # notebook 03: classify
    ("classify", """
        def classify(eigvals, tol):
            neg = [l for l in eigvals if l < -tol]
            pos = [l for l in eigvals if l > tol]
            if neg and pos:
                return "saddle point"
            if len(neg) + len(pos) < len(eigvals):
                return "degenerate"
            return "local minimum" if neg else "local maximum"
     """, 1, "not the right kind of point"),
    ("classify", """
        def classify(eigvals, tol):
            if any(l == 0 for l in eigvals):
                return "degenerate"
            if all(l > 0 for l in eigvals):
                return "local minimum"
            return "local maximum" if all(l < 0 for l in eigvals) else "saddle point"
     """, 6, "expected: 'degenerate'"),
    ("classify", """
        def classify(eigvals, tol):
            neg = [l for l in eigvals if l <= -tol]
            pos = [l for l in eigvals if l >= tol]
            if neg and pos:
                return "saddle point"
            if len(neg) + len(pos) < len(eigvals):
                return "degenerate"
            return "local maximum" if neg else "local minimum"
     """, 8, "returned: 'local minimum'"),
    ("classify", """
        def classify(eigvals, tol):
            if any(abs(l) <= tol for l in eigvals):
                return "degenerate"
            if all(l > tol for l in eigvals):
                return "local minimum"
            return "local maximum" if all(l < -tol for l in eigvals) else "saddle point"
     """, 7, "expected: 'saddle point'"),
    ("classify", """
        def classify(eigvals, tol):
            kinds = set()
            for i in range(1, len(eigvals)):
                kinds.add("zero" if abs(eigvals[i]) <= tol else eigvals[i] > 0)
            if True in kinds and False in kinds:
                return "saddle point"
            if "zero" in kinds:
                return "degenerate"
            return "local minimum" if True in kinds else "local maximum"
     """, 3, "expected: 'saddle point'"),
    # notebook 04: escape_step and power_iteration
    ("escape_step", """
        import numpy as np
        def escape_step(theta, hess, step):
            lam, vecs = np.linalg.eigh(hess)
            return theta + step * vecs[:, -1] if lam[0] < 0 else theta
     """, 1, "the eigenvector of another eigenvalue"),
    ("escape_step", """
        import numpy as np
        def escape_step(theta, hess, step):
            lam, vecs = np.linalg.eigh(hess)
            return theta + step * vecs[0] if lam[0] < 0 else theta
     """, 2, "not the row eigvecs[i]"),
    ("escape_step", """
        import numpy as np
        def escape_step(theta, hess, step):
            lam, vecs = np.linalg.eigh(hess)
            return theta + step * vecs[:, 0]
     """, 3, "there is no way down: return theta unchanged"),
    ("escape_step", """
        import numpy as np
        def escape_step(theta, hess, step):
            lam, vecs = np.linalg.eigh(hess)
            return step * vecs[:, 0] if lam[0] < 0 else theta
     """, 2, "you returned only the step"),
    ("escape_step", """
        import numpy as np
        def escape_step(theta, hess, step):
            lam, vecs = np.linalg.eigh(hess)
            return theta + step * vecs[:, 0] if lam[0] <= 0 else theta
     """, 6, "there is no way down"),
    ("escape_step", """
        import numpy as np
        def escape_step(theta, hess, step):
            lam, vecs = np.linalg.eigh(hess)
            return theta + step * lam[0] * vecs[:, 0] if lam[0] < 0 else theta
     """, 1, "the step has the wrong length"),
    ("escape_step", """
        import numpy as np
        def escape_step(theta, hess, step):
            lam, vecs = np.linalg.eigh(hess)
            if lam[0] < 0:
                theta += step * vecs[:, 0]
            return theta
     """, 1, "changed its argument `theta` in place"),
    ("power_iteration", """
        import numpy as np
        def power_iteration(hess, n_steps):
            v = np.ones(len(hess)) / np.sqrt(len(hess))
            for _ in range(n_steps + 1):
                v = hess @ v / np.linalg.norm(hess @ v)
            return v @ hess @ v
     """, 3, "expected: 2.0"),
    ("power_iteration", """
        import numpy as np
        def power_iteration(hess, n_steps):
            v = np.ones(len(hess)) / np.sqrt(len(hess))
            for _ in range(n_steps - 1):
                v = hess @ v / np.linalg.norm(hess @ v)
            return v @ hess @ v
     """, 4, "exactly 3 steps"),
    ("power_iteration", """
        import numpy as np
        def power_iteration(hess, n_steps):
            v = np.ones(len(hess)) / np.sqrt(len(hess))
            for _ in range(n_steps):
                v = hess @ v / np.linalg.norm(hess @ v)
            return np.linalg.norm(hess @ v)
     """, 2, "the sign is flipped"),
    ("power_iteration", """
        import numpy as np
        def power_iteration(hess, n_steps):
            v = np.ones(len(hess)) / np.sqrt(len(hess))
            for _ in range(n_steps):
                v = hess @ v / np.linalg.norm(hess @ v)
            return v
     """, 1, "expected a single number, your answer is a list of 2 numbers"),
    # notebook 05: minimum_ratio
    ("minimum_ratio", "def minimum_ratio(eigvals, zero_tol):\n"
     "    return sum(l > zero_tol for l in eigvals)\n", 1, "too large"),
    ("minimum_ratio", "def minimum_ratio(eigvals, zero_tol):\n"
     "    return sum(l > zero_tol for l in eigvals) / (len(eigvals) - 1)\n", 1, "too large"),
    ("minimum_ratio", "def minimum_ratio(eigvals, zero_tol):\n"
     "    return sum(abs(l) > zero_tol for l in eigvals) / len(eigvals)\n", 2, "too large"),
    ("minimum_ratio", "def minimum_ratio(eigvals, zero_tol):\n"
     "    return sum(l > 0 for l in eigvals) / len(eigvals)\n", 3, "2e-09 is inside the band"[:0]
     + "expected: 0.6"),
    ("minimum_ratio", "def minimum_ratio(eigvals, zero_tol):\n"
     "    pos = sum(l > zero_tol for l in eigvals); neg = sum(l < -zero_tol for l in eigvals)\n"
     "    return pos / (pos + neg)\n", 3, "returned: 0.75"),
    ("minimum_ratio", "def minimum_ratio(eigvals, zero_tol):\n"
     "    return sum(l >= zero_tol for l in eigvals) / len(eigvals)\n", 6, "returned: 1.0"),
    # notebook 06: momentum_step
    ("momentum_step", """
        def momentum_step(theta, m, grad, lr, beta):
            m_new = beta * m + lr * grad
            return theta - m_new, m_new
     """, 1, "m_new: the sign is flipped"),
    ("momentum_step", """
        def momentum_step(theta, m, grad, lr, beta):
            return theta + m, beta * m - lr * grad
     """, 1, "theta_new: "),
    ("momentum_step", """
        def momentum_step(theta, m, grad, lr, beta):
            m_new = beta * m - grad
            return theta + m_new, m_new
     """, 1, "theta_new: "),
    ("momentum_step", """
        def momentum_step(theta, m, grad, lr, beta):
            m_new = beta * m - lr * grad
            return m_new, theta + m_new
     """, 1, "your results are in the wrong order: return theta_new, m_new"),
    ("momentum_step", """
        def momentum_step(theta, m, grad, lr, beta):
            m_new = beta * m - (1 - beta) * lr * grad
            return theta + m_new, m_new
     """, 1, "theta_new: "),
    ("momentum_step", """
        def momentum_step(theta, m, grad, lr, beta):
            m *= beta
            m -= lr * grad
            theta += m
            return theta, m
     """, 1, "changed its argument `theta` in place"),
    ("momentum_step", """
        def momentum_step(theta, m, grad, lr, beta):
            m_new = m - lr * grad
            return theta + m_new, m_new
     """, 2, "theta_new: "),
    # notebook 07: rmsprop_sigma
    ("rmsprop_sigma", """
        import numpy as np
        def rmsprop_sigma(sigma_prev, grad, alpha, t):
            if t == 0:
                return np.abs(grad)
            return np.sqrt((1 - alpha) * sigma_prev**2 + alpha * grad**2)
     """, 2, "a step t = 1"),
    ("rmsprop_sigma", """
        import numpy as np
        def rmsprop_sigma(sigma_prev, grad, alpha, t):
            if t == 0:
                return np.abs(grad)
            return alpha * sigma_prev**2 + (1 - alpha) * grad**2
     """, 2, "expected: 2.86356"),
    ("rmsprop_sigma", """
        import numpy as np
        def rmsprop_sigma(sigma_prev, grad, alpha, t):
            if t == 0:
                return np.sqrt((1 - alpha) * grad**2)
            return np.sqrt(alpha * sigma_prev**2 + (1 - alpha) * grad**2)
     """, 1, "expected: 3.0"),
    ("rmsprop_sigma", """
        import numpy as np
        def rmsprop_sigma(sigma_prev, grad, alpha, t):
            if t == 0:
                return np.abs(grad)
            return np.sqrt(alpha * sigma_prev + (1 - alpha) * grad**2)
     """, 2, "expected: 2.86356"),
    ("rmsprop_sigma", """
        import numpy as np
        def rmsprop_sigma(sigma_prev, grad, alpha, t):
            if t <= 1:
                return np.abs(grad)
            return np.sqrt(alpha * sigma_prev**2 + (1 - alpha) * grad**2)
     """, 2, "returned: 1.0"),
    ("rmsprop_sigma", """
        import numpy as np
        def rmsprop_sigma(sigma_prev, grad, alpha, t):
            if t == 0:
                return grad
            return np.sqrt(alpha * sigma_prev**2 + (1 - alpha) * grad**2)
     """, 1, "the sign is flipped"),
]


@pytest.mark.parametrize(("exercise", "source", "case", "words"), WRONG,
                         ids=[f"{w[0]}-{i}" for i, w in enumerate(WRONG)])
def test_typical_wrong_versions_fail_on_the_right_case(capsys, exercise, source, case, words):
    fn, _ = student(source, exercise)
    out = run(capsys, fn, exercise)
    n_cases = len(FUNCTION_EXERCISES[exercise].cases)
    label = FUNCTION_EXERCISES[exercise].cases[case - 1].label
    assert out.startswith(f"{NOT_YET} — {exercise}: case {case} of {n_cases} ({label})"), out
    assert words in out, out
    if "in place" not in out:
        assert "    input:    " in out and "    expected: " in out and "    returned: " in out


def test_accepted_variants_pass(capsys):
    """Either sign of the eigenvector; a label synonym; the gradient as a column Matrix."""
    variants = [
        ("escape_step", """
            import numpy as np
            def escape_step(theta, hess, step):
                lam, vecs = np.linalg.eigh(hess)
                return theta - step * vecs[:, 0] if lam[0] < 0 else theta.copy()
         """),
        ("classify", """
            def classify(eigvals, tol):
                neg = any(l < -tol for l in eigvals)
                pos = any(l > tol for l in eigvals)
                if neg and pos:
                    return "Saddle"
                if any(abs(l) <= tol for l in eigvals):
                    return "degenerate"
                return "max" if neg else "min"
         """),
        ("gradient_and_hessian", grad_hess(grad="grad = sp.Matrix([f]).jacobian(variables).T",
                                           hess="hess = sp.hessian(f, variables)")),
    ]
    for exercise, source in variants:
        fn, _ = student(source, exercise)
        assert run(capsys, fn, exercise).startswith(CORRECT)


def test_a_late_mistake_in_many_steps_is_reported_with_its_step(capsys):
    fn, _ = student("""
        calls = [0]
        def momentum_step(theta, m, grad, lr, beta):
            calls[0] += 1
            m_new = beta * m - lr * grad * (1.01 if calls[0] == 4 + 12 else 1.0)
            return theta + m_new, m_new
    """, "momentum_step")
    out = run(capsys, fn, "momentum_step")
    assert out.startswith(f"{NOT_YET} — momentum_step: case 5 of 5 (30 steps on the bowl")
    assert ", at step 12 is not right yet:" in out


def test_a_weighted_sum_rmsprop_with_a_late_error(capsys):
    fn, _ = student("""
        import numpy as np
        def rmsprop_sigma(sigma_prev, grad, alpha, t):
            if t == 0:
                return np.abs(grad)
            a = alpha if t < 25 else alpha * 0.99
            return np.sqrt(a * sigma_prev**2 + (1 - a) * grad**2)
    """, "rmsprop_sigma")
    out = run(capsys, fn, "rmsprop_sigma")
    assert "case 7 of 7 (40 steps against the weighted mean" in out and "at step 25" in out


# ---------------------------------------------------------------- errors: the student's line


def test_an_error_shows_the_students_line_and_one_sentence_of_advice(capsys):
    fn, filename = student("""
        def classify(eigvals, tol):
            if eigvals[0] > tol and eigvals[1] > tol:
                return "local minimum"
            if eigvals[0] < -tol and eigvals[1] < -tol:
                return "local maximum"
            if abs(eigvals[0]) <= tol or abs(eigvals[1]) <= tol:
                return "degenerate"
            return "saddle point"
    """, "classify")
    out = run(capsys, fn, "classify").splitlines()
    assert out[0] == (f"{NOT_YET} — classify: case 5 of 8 (a 1×1 spectrum (one variable)) "
                      "raised an error in your code:")
    assert out[1] == "    input:    eigvals=[-5.0], tol=1e-06"
    assert out[2] == f'    File "{filename}", line 5, in classify'
    assert out[3] == "        if eigvals[0] < -tol and eigvals[1] < -tol:"
    assert out[4] == "    IndexError: list index out of range"
    assert out[5].startswith("    Advice: An index is past the end") and out[5].count(". ") == 0
    assert len(out) == 6
    assert "def classify" not in "\n".join(out) and "eigvals[0] > tol" not in "\n".join(out)


def test_an_error_inside_numpy_points_at_the_students_call(capsys):
    fn, filename = student("""
        import math
        def rmsprop_sigma(sigma_prev, grad, alpha, t):
            if t == 0:
                return abs(grad)
            return math.sqrt(alpha * sigma_prev**2 + (1 - alpha) * grad**2)
    """, "rmsprop_sigma")
    out = run(capsys, fn, "rmsprop_sigma")
    assert f'File "{filename}", line 6, in rmsprop_sigma' in out
    assert "return math.sqrt(alpha * sigma_prev**2 + (1 - alpha) * grad**2)" in out
    assert "TypeError: " in out and "Advice: " in out


def test_none_at_the_first_step_gets_specific_advice(capsys):
    fn, _ = student("""
        import numpy as np
        def rmsprop_sigma(sigma_prev, grad, alpha, t):
            return np.sqrt(alpha * sigma_prev**2 + (1 - alpha) * grad**2)
    """, "rmsprop_sigma")
    out = run(capsys, fn, "rmsprop_sigma")
    assert "case 1 of 7" in out and "TypeError: unsupported operand" in out
    assert "Advice: A value on this line is None" in out


def test_an_error_in_a_nested_helper_of_the_student_shows_that_line(capsys):
    fn, _ = student("""
        def share(count, total):
            return count / total
        def minimum_ratio(eigvals, zero_tol):
            pos = sum(l > zero_tol for l in eigvals)
            neg = sum(l < -zero_tol for l in eigvals)
            return share(pos, pos + neg)
    """, "minimum_ratio")
    out = run(capsys, fn, "minimum_ratio")
    assert "case 3 of 6" in out  # fails first on a value (zeros left out of the total)
    fn, _ = student("""
        def share(count, total):
            return count / total
        def minimum_ratio(eigvals, zero_tol):
            return share(sum(l > zero_tol for l in eigvals), len([l for l in eigvals if l > 5]))
    """, "minimum_ratio")
    out = run(capsys, fn, "minimum_ratio")
    assert "line 3, in share" in out and "return count / total" in out
    assert "ZeroDivisionError" in out and "Advice: Something on this line divides by zero" in out


def test_in_ipython_the_error_names_the_cell(capsys):
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    try:
        shell.run_cell("def classify(eigvals, tol):\n    return eigvals[2]\n", store_history=True)
        capsys.readouterr()
        check_function(shell.user_ns["classify"], "classify")
        out = capsys.readouterr().out
    finally:
        InteractiveShell.clear_instance()
    assert "Cell In[" in out and "], line 2, in classify" in out and "return eigvals[2]" in out
