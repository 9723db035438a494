"""Errors in plain words in the course's kernels: an IPython extension.

Two things confuse a student more than the error itself: a ``NameError`` because a cell ran
before the cells that define its names (first cell skipped, kernel restarted half-way, last
cell run first), and a long traceback through the course's own code when a helper refuses a
bad argument. With this extension loaded:

* a ``NameError`` ends with the next step: run the cells above (setup first), then this one;
* an error raised inside ``helpers`` shows the student's own lines and the message, not the
  frames inside ``helpers`` (the message already says what to change);
* an interrupt (the stop button) ends the cell with one line, not a traceback, and until
  that cell runs to its end, an error in another cell adds that it may be the cause;
* every other error looks exactly as usual.

It is loaded in every kernel of the course's environment (JupyterLab, VS Code, nbconvert)
by a kernel configuration file in ``sys.prefix/etc/ipython/`` that the install step writes:
``python -m helpers.guard --install``. Elsewhere (Colab, another environment) nothing
changes: ``%load_ext helpers.guard`` turns it on, ``%unload_ext helpers.guard`` off.
"""

from __future__ import annotations

import sys
import textwrap
import types
from pathlib import Path
from typing import Any

HELPERS_DIR = Path(__file__).resolve().parent
CONFIG_FILE = "ipython_kernel_config.py"
MARK = "# course: helpers.guard"
CONFIG_BLOCK = f'''{MARK} (written by `python -m helpers.guard --install`; delete to turn off)
try:
    import helpers.guard  # noqa: F401  (the course's plain-words errors)
except Exception:  # not the course's environment any more: change nothing
    pass
else:
    get_config().InteractiveShellApp.extensions.append("helpers.guard")  # noqa: F821
'''
NEXT_STEP = ("Next step: run the cells above this one first, starting with the setup cell at "
             "the top (JupyterLab: Run ▸ Run All Above Selected Cell), then run this cell "
             "again. After a kernel restart every cell has to run again. If no cell above "
             "defines it, check its spelling.")
INSIDE_HELPERS = "(raised by the course's helpers: the message above says what to change)"
INTERRUPTED = ("Interrupted: the cell stopped before it finished. Run it again to get all its "
               "results; a cell below that needs one of them will say so.")
WIDTH = 88
AFTER_INTERRUPT = ("A cell above was interrupted before it finished, so some of its results "
                   "are missing: run that cell again, then this one.")


class CellTracker:
    """Which cell runs now, and which cell an interrupt stopped (until it runs to its end)."""

    def __init__(self) -> None:
        self.current: str | None = None
        self.interrupted: str | None = None

    def pre_run_cell(self, info: Any) -> None:
        """IPython event: a cell starts (its id, or its source when the client sends none)."""
        self.current = getattr(info, "cell_id", None) or getattr(info, "raw_cell", None)

    def post_run_cell(self, result: Any) -> None:
        """IPython event: a cell ended; the interrupted cell running to its end clears it."""
        if result.success and self.current == self.interrupted:
            self.interrupted = None

    def pending_interrupt(self) -> bool:
        """True when another cell was interrupted and has not run to its end since."""
        return self.interrupted is not None and self.interrupted != self.current


TRACKER = CellTracker()


def in_helpers(filename: str) -> bool:
    """True when ``filename`` is a module of the ``helpers`` package."""
    try:
        return Path(filename).resolve().is_relative_to(HELPERS_DIR)
    except (OSError, ValueError):
        return False


def user_frames(tb: types.TracebackType | None) -> tuple[types.TracebackType | None, bool]:
    """The traceback cut before its first frame inside ``helpers``; and whether it was cut."""
    frames = []
    while tb is not None:
        if in_helpers(tb.tb_frame.f_code.co_filename):
            break
        frames.append(tb)
        tb = tb.tb_next
    cut = tb is not None
    new: types.TracebackType | None = None
    for old in reversed(frames):
        new = types.TracebackType(new, old.tb_frame, old.tb_lasti, old.tb_lineno)
    return new, cut


def name_error_hint(value: BaseException) -> str:
    """The next step for a NameError: which name is missing and what to run."""
    name = getattr(value, "name", None)
    what = f"`{name}` is" if name else "a name used here is"
    return f"{what} not defined yet: the cell that defines it has not run in this kernel. " + (
        NEXT_STEP)


def wrap(text: str) -> str:
    """An explanation in lines of at most WIDTH characters (error outputs do not wrap words)."""
    return textwrap.fill(text, width=WIDTH)


def _render(shell: Any, etype: type, value: BaseException, tb: Any, tb_offset: Any) -> list[str]:
    """IPython's own coloured traceback lines for (etype, value, tb), without chained errors."""
    saved = value.__cause__, value.__suppress_context__
    value.__cause__, value.__suppress_context__ = None, True
    try:
        return shell.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset)
    finally:
        value.__cause__, value.__suppress_context__ = saved


def handle_error(shell: Any, etype: type, value: BaseException, tb: Any,
                 tb_offset: Any = None) -> None:
    """IPython custom exception handler: plain words for the confusing cases."""
    sys.last_type, sys.last_value, sys.last_traceback = etype, value, tb  # %debug still works
    if issubclass(etype, KeyboardInterrupt):
        TRACKER.interrupted = TRACKER.current
    if hasattr(value, "_render_traceback_"):  # an exception that tells itself (Interrupted)
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
        return
    note = [wrap(AFTER_INTERRUPT)] if TRACKER.pending_interrupt() else []
    trimmed, cut = user_frames(tb)
    if issubclass(etype, KeyboardInterrupt):
        stb = [wrap(INTERRUPTED)]
    elif cut:
        stb = [*_render(shell, etype, value, trimmed, tb_offset), wrap(INSIDE_HELPERS), *note]
    elif issubclass(etype, NameError) and not isinstance(value, UnboundLocalError):
        stb = [*_render(shell, etype, value, tb, tb_offset), wrap(name_error_hint(value)), *note]
    elif note:
        stb = [*_render(shell, etype, value, tb, tb_offset), *note]
    else:
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
        return
    shell._showtraceback(etype, value, stb)


def load_ipython_extension(shell: Any) -> None:
    """``%load_ext helpers.guard``: install the handler for every error and interrupt."""
    shell.set_custom_exc((Exception, KeyboardInterrupt), handle_error)
    shell.events.register("pre_run_cell", TRACKER.pre_run_cell)
    shell.events.register("post_run_cell", TRACKER.post_run_cell)


def unload_ipython_extension(shell: Any) -> None:
    """``%unload_ext helpers.guard``: back to IPython's own tracebacks."""
    shell.set_custom_exc((), None)
    for event, callback in (("pre_run_cell", TRACKER.pre_run_cell),
                            ("post_run_cell", TRACKER.post_run_cell)):
        try:
            shell.events.unregister(event, callback)
        except ValueError:  # never registered
            pass
    TRACKER.interrupted = None


def config_path(prefix: str | Path = sys.prefix) -> Path:
    """Where IPython kernels of the environment at ``prefix`` read their configuration."""
    return Path(prefix) / "etc" / "ipython" / CONFIG_FILE


def install(prefix: str | Path = sys.prefix) -> Path:
    """Make every kernel of the environment at ``prefix`` load this extension (idempotent;
    an existing configuration file keeps its content and gets the block appended)."""
    path = config_path(prefix)
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if MARK not in text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + ("\n" if text and not text.endswith("\n") else "")
                        + CONFIG_BLOCK, encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    """``python -m helpers.guard --install``: write the kernel configuration."""
    args = sys.argv[1:] if argv is None else argv
    if args != ["--install"]:
        print("usage: python -m helpers.guard --install", file=sys.stderr)
        return 2
    print(f"course kernels load helpers.guard ({install()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
