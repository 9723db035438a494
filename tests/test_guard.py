"""helpers.guard: a NameError says what to run; errors from helpers hide helpers' frames."""

from __future__ import annotations

import re

import nbformat
import pytest
from nbclient import NotebookClient

from helpers import guard

CELLS = [
    "%load_ext helpers.guard",
    "theta + 1",  # defined in a cell that has not run
    "from helpers import parse_loss\nparse_loss('x ** ')",  # refused inside helpers
    "def mine():\n    raise RuntimeError('my own bug')\nmine()",  # an ordinary error
    "import signal, os\nos.kill(os.getpid(), signal.SIGINT)\nimport time\ntime.sleep(5)",
    "from helpers.timing import Interrupted\nraise Interrupted('stopped at run 3 of 10')",
    "assert len([]) == 2",  # a check that fails because the interrupted cell did not finish
    "%unload_ext helpers.guard",
    "theta + 1",
]


@pytest.fixture(scope="module")
def outputs() -> list[str]:
    """The error text each cell showed, run in a real kernel."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in CELLS]
    NotebookClient(nb, kernel_name="python3", allow_errors=True, timeout=120).execute()
    texts = []
    for cell in nb.cells:
        errors = [o for o in cell.outputs if o.output_type == "error"]
        text = "\n".join("\n".join(e.traceback) for e in errors)
        text = re.sub(r"\x1b\[[0-9;]*m", "", text)  # no colour codes
        texts.append(" ".join(text.split()))  # explanations are wrapped into lines
    return texts


def test_name_error_says_what_to_run(outputs):
    assert "`theta` is not defined yet" in outputs[1]
    assert "run the cells above this one first" in outputs[1]


def test_error_from_helpers_hides_helpers_frames(outputs):
    text = outputs[2]
    assert "parse_loss('x ** ')" in text, "the student's own line is shown"
    assert guard.INSIDE_HELPERS in text
    assert str(guard.HELPERS_DIR) not in text, "no frame inside helpers"


def test_other_errors_unchanged(outputs):
    assert "my own bug" in outputs[3] and "mine()" in outputs[3]
    assert guard.INSIDE_HELPERS not in outputs[3] and guard.NEXT_STEP not in outputs[3]


def test_interrupt_is_one_line(outputs):
    assert outputs[4] == guard.INTERRUPTED


def test_exceptions_that_render_themselves_keep_their_line(outputs):
    assert outputs[5] == "Interrupted: stopped at run 3 of 10"


def test_error_after_an_interrupt_points_at_it(outputs):
    assert "AssertionError" in outputs[6] and guard.AFTER_INTERRUPT in outputs[6]


def test_unload_restores_ipython(outputs):
    assert "NameError" in outputs[8] and guard.NEXT_STEP not in outputs[8]


def test_tracker_clears_when_the_interrupted_cell_finishes():
    tracker = guard.CellTracker()
    info = type("Info", (), {"cell_id": "c1", "raw_cell": "slow()"})()
    tracker.pre_run_cell(info)
    tracker.interrupted = tracker.current
    tracker.pre_run_cell(type("Info", (), {"cell_id": "c2", "raw_cell": "x"})())
    assert tracker.pending_interrupt()
    tracker.pre_run_cell(info)
    tracker.post_run_cell(type("Result", (), {"success": True})())
    assert tracker.interrupted is None and not tracker.pending_interrupt()


def test_user_frames_cut_at_helpers():
    def inner():
        guard.install(prefix="/nonexistent\0")  # fails inside helpers

    try:
        inner()
    except (ValueError, OSError, TypeError) as exc:
        trimmed, cut = guard.user_frames(exc.__traceback__)
    assert cut
    names = []
    while trimmed is not None:
        names.append(trimmed.tb_frame.f_code.co_name)
        trimmed = trimmed.tb_next
    assert names[-1] == "inner"


def test_install_is_idempotent_and_keeps_other_config(tmp_path):
    path = guard.config_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text("c = get_config()\nc.InteractiveShell.colors = 'nocolor'", encoding="utf-8")
    guard.install(tmp_path)
    guard.install(tmp_path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("c = get_config()\nc.InteractiveShell.colors = 'nocolor'\n")
    assert text.count(guard.MARK) == 1
    compile(text, str(path), "exec")
