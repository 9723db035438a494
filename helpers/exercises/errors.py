"""An error raised inside a student's function, shown as the student's own line with one
sentence of advice, never as a traceback through the course's code."""

from __future__ import annotations

import linecache
import sys
import sysconfig
import traceback
from pathlib import Path

_HELPERS = str(Path(__file__).resolve().parents[1])
_LIBRARIES = tuple(
    str(Path(p).resolve()) for key in ("stdlib", "platstdlib", "purelib", "platlib")
    if (p := sysconfig.get_paths().get(key))
)

_ADVICE = {
    "IndexError": "An index is past the end: a list of n items has the indices 0 to n − 1, "
                  "and a spectrum may have just one eigenvalue.",
    "KeyError": "That key is not in the dictionary: print its keys() to see which exist.",
    "ZeroDivisionError": "Something on this line divides by zero: which denominator can be 0 "
                         "for this input?",
    "NameError": "A name on this line is not defined: check its spelling, and use the "
                 "function's arguments rather than variables from other cells.",
    "AttributeError": "This object has no attribute of that name: check the spelling and the "
                      "object's type (print(type(x))).",
    "UnboundLocalError": "A variable is used before it gets a value on every path through "
                         "your function: give it a value first.",
    "RecursionError": "Your function keeps calling itself without stopping.",
    "LinAlgError": "The matrix is not what this linear-algebra function needs (square, "
                   "symmetric or invertible?).",
    "ValueError": "A value has the wrong shape or content for this operation: print the "
                  "shapes (x.shape) of the arrays on this line.",
    "TypeError": "A value on this line has a different type than the operation expects: "
                 "print the types of the values used here.",
}
_DEFAULT_ADVICE = "Print the values used on this line to see which one is not what you expected."


def advice(exc: BaseException) -> str:
    """One sentence of advice for an exception raised in a student's code."""
    message = str(exc)
    if "NoneType" in message:
        return ("A value on this line is None: a function you call has no `return`, or an "
                "argument is None (at the first step, for example).")
    if "truth value of an array" in message:
        return ("An array was used where one True/False is needed (if, and, or): use "
                ".all(), .any() or compare single numbers.")
    return _ADVICE.get(type(exc).__name__, _DEFAULT_ADVICE)


def _is_student_file(filename: str) -> bool:
    """Code outside the course's helpers and outside Python's and the installed libraries."""
    if filename.startswith("<frozen") or filename.startswith("<__array_function__"):
        return False
    if not filename.startswith("/"):
        return True  # "<ipython-input-…>", "<string>": code typed in by the student
    path = str(Path(filename).resolve())
    return not path.startswith(_HELPERS) and not path.startswith(_LIBRARIES)


def _cell_name(filename: str) -> str:
    """'Cell In[5]' in Jupyter; else 'File "<ipython-input-…>"' or the file's name."""
    shell = getattr(sys.modules.get("IPython"), "get_ipython", lambda: None)()
    try:
        named = shell.compile.format_code_name(filename) if shell else None
    except Exception:  # an IPython without this method: fall back to the file name
        named = None
    if named:
        return " ".join(named)
    return f'File "{Path(filename).name if filename.startswith("/") else filename}"'


def student_frame(exc: BaseException) -> traceback.FrameSummary | None:
    """The innermost frame of the traceback that belongs to the student's code."""
    frames = traceback.extract_tb(exc.__traceback__)
    mine = [f for f in frames if _is_student_file(f.filename)]
    return mine[-1] if mine else None


def error_lines(exc: BaseException) -> list[str]:
    """Where the error happened (the student's line), what it is, and one sentence of advice."""
    frame = student_frame(exc)
    lines = []
    if frame is not None:
        text = (frame.line or linecache.getline(frame.filename, frame.lineno or 0)).strip()
        lines.append(f"{_cell_name(frame.filename)}, line {frame.lineno}, in {frame.name}")
        if text:
            lines.append(f"    {text}")
    message = str(exc)
    lines.append(f"{type(exc).__name__}: {message}" if message else type(exc).__name__)
    lines.append(f"Advice: {advice(exc)}")
    return lines
