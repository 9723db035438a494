#!/usr/bin/env python3
"""One entry point for the course. Needs only python3 (3.11+) and pip on a fresh machine.

    python3 course.py lab          open the course in JupyterLab
    python3 course.py test         run every test (lint, units, strict nbval, hygiene, browser)
    python3 course.py execute      re-execute notebooks in place (the only source of outputs)
    python3 course.py slides       build offline slide decks of every notebook into slides/
    python3 course.py screenshots  regenerate the README screenshots (docs/screenshots/)
    python3 course.py editions     write student and teacher editions into build/editions/

Each command first creates or updates the local virtual environment `.venv` from the pinned
versions in requirements.txt and installs this package in editable mode, so every command is
safe to run again.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
VENV_PY = VENV / "bin" / "python"
STAMP = VENV / ".course-installed"
START_NOTEBOOK = "notebooks/00_start_here.ipynb"
SANITIZE = "tests/nbval_sanitize.cfg"


def _env() -> dict[str, str]:
    """Environment for every tool we start: quiet, deterministic, local."""
    env = dict(os.environ)
    env.update(
        PYTHONHASHSEED="0",
        JUPYTER_PLATFORM_DIRS="1",
        PYDEVD_DISABLE_FILE_VALIDATION="1",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        # one BLAS thread: the same float results in `execute` and in the tests, and no
        # oversubscription when two test workers share two cores
        OPENBLAS_NUM_THREADS="1",
        OMP_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
    )
    return env


def _run(cmd: list[str], **kwargs) -> int:
    """Run a command from the repository root and return its exit code."""
    print("$", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.call([str(c) for c in cmd], cwd=ROOT, env=kwargs.pop("env", _env()), **kwargs)


def _stamp() -> str:
    h = hashlib.sha256()
    for name in ("requirements.txt", "pyproject.toml"):
        h.update((ROOT / name).read_bytes())
    return h.hexdigest()


def ensure_venv() -> None:
    """Create or update .venv from the pinned requirements (idempotent)."""
    if not VENV_PY.exists():
        print("Creating the virtual environment .venv ...", flush=True)
        subprocess.check_call([sys.executable, "-m", "venv", str(VENV)])
    if not STAMP.exists() or STAMP.read_text() != _stamp():
        _install()
    _ensure_slide_assets()


def _ensure_slide_assets() -> None:
    """Fetch the pinned reveal.js/MathJax wheels for offline slide decks (install step)."""
    from tools.slides import assets_present

    if not assets_present():
        print("Fetching the slide-deck assets (reveal.js, MathJax) from PyPI ...", flush=True)
        if _run([VENV_PY, "-m", "tools.slides", "--fetch-assets"]):
            print("warning: slide assets not fetched; the slide-deck test will fail", flush=True)


def _install() -> None:
    """pip install the pinned requirements and this package (editable) into .venv."""
    print("Installing the pinned packages into .venv (first run: a few minutes) ...", flush=True)
    # -qq: errors only (this machine's pip config adds noisy warnings about absent indexes)
    pip = [str(VENV_PY), "-m", "pip", "install", "--quiet", "--quiet"]
    code = _run([*pip, "-r", "requirements.txt", "-e", "."])
    if code:
        sys.exit(f"pip install failed (exit {code})")
    STAMP.write_text(_stamp())


# ---------------------------------------------------------------- commands


def cmd_lab(extra: list[str]) -> int:
    """Start JupyterLab on the course's start notebook."""
    ensure_venv()
    return _run([VENV / "bin" / "jupyter", "lab", START_NOTEBOOK, *extra])


def cmd_slides(extra: list[str]) -> int:
    """Build an offline reveal.js deck of every notebook into slides/ (tools/slides.py)."""
    ensure_venv()
    return _run([VENV_PY, "-m", "tools.slides", *extra])


def cmd_screenshots(extra: list[str]) -> int:
    """Regenerate docs/screenshots/*.png from the notebooks run in JupyterLab (needs Chromium)."""
    ensure_venv()
    return _run([VENV_PY, "-m", "tools.screenshots", *extra])


def cmd_test(extra: list[str]) -> int:
    """Lint, unit tests + strict nbval, then the browser suite; stop at the first failure."""
    ensure_venv()
    started = time.perf_counter()
    stages = [
        ("lint", [VENV / "bin" / "ruff", "check", "."]),
        (
            "unit tests, strict nbval, hygiene, environment",
            [VENV_PY, "-m", "pytest", "-n", "2", "--dist", "loadscope", "--nbval",
             "--nbval-sanitize-with", SANITIZE, "--nbval-cell-timeout", "300",
             "-m", "not browser", "tests", "notebooks", *extra],
        ),
        ("browser tests", [VENV_PY, "-m", "pytest", "-m", "browser", "tests/browser", *extra]),
    ]
    for name, cmd in stages:
        if name == "browser tests" and not (ROOT / "tests" / "browser").is_dir():
            continue
        print(f"\n=== {name}", flush=True)
        code = _run(cmd)
        if code:
            print(f"\nFAILED in stage: {name}", flush=True)
            return code
    print(f"\nAll test stages passed in {time.perf_counter() - started:.0f} s.")
    return 0


def cmd_execute(extra: list[str]) -> int:
    """Re-execute notebooks in place (tools/execute.py), all of them by default."""
    ensure_venv()
    return _run([VENV_PY, "-m", "tools.execute", *extra])


def cmd_editions(extra: list[str]) -> int:
    """Student edition (no solutions, sealed answer keys, no outputs) and teacher edition of
    every notebook into build/editions/ (tools/editions.py)."""
    ensure_venv()
    return _run([VENV_PY, "-m", "tools.editions", *extra])


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return 0
    command, extra = argv[0], argv[1:]
    if command == "lab":
        return cmd_lab(extra)
    if command == "test":
        return cmd_test(extra)
    if command == "execute":
        return cmd_execute(extra)
    if command == "slides":
        return cmd_slides(extra)
    if command == "screenshots":
        return cmd_screenshots(extra)
    if command == "editions":
        return cmd_editions(extra)
    print(f"Unknown command {command!r}.\n{__doc__}")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
