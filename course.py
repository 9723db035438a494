#!/usr/bin/env python3
"""One entry point for the course. Needs only python3 (3.11+) and pip on a fresh machine.

    python3 course.py lab          open the course in JupyterLab
    python3 course.py test         run every test (lint, units, strict nbval, hygiene, browser)
    python3 course.py execute      re-execute notebooks in place (the only source of outputs)
    python3 course.py slides       build offline slide decks of every notebook into slides/
    python3 course.py screenshots  regenerate the README screenshots (docs/screenshots/)

Each command first creates or updates the local virtual environment `.venv` from the pinned
versions in requirements.txt and installs this package in editable mode, so every command is
safe to run again.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
VENV_PY = VENV / "bin" / "python"
STAMP = VENV / ".course-installed"
NOTEBOOKS = ROOT / "notebooks"
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


def in_venv(args: list[str]) -> int:
    """Re-run this script with the venv's Python for an internal command."""
    ensure_venv()
    return _run([VENV_PY, Path(__file__).name, *args])


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


WIDGET_ID = r"(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])"


def _normalise_widget_ids(text: str, stem: str) -> str:
    """Replace random widget model ids with ids derived from the notebook name and a canonical
    order: models reachable from the views shown in cells (in cell order, depth first), then
    the rest sorted by their content."""
    import json
    import re

    nb = json.loads(text)
    state = (
        nb.get("metadata", {}).get("widgets", {})
        .get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    )
    order: list[str] = []

    def visit(model_id: str) -> None:
        if model_id in order or model_id not in state:
            return
        order.append(model_id)
        blob = json.dumps(state[model_id].get("state", {}), sort_keys=True)
        for ref in re.findall(r"IPY_MODEL_([0-9a-f]{32})", blob):
            visit(ref)

    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get("application/vnd.jupyter.widget-view+json")
            if view:
                visit(view["model_id"])
    rest = sorted(
        (m for m in state if m not in order),
        key=lambda m: re.sub(WIDGET_ID, "", json.dumps(state[m], sort_keys=True)),
    )
    for model_id in rest:
        visit(model_id)
    mapping = {m: uuid.uuid5(uuid.NAMESPACE_URL, f"{stem}/{i}").hex for i, m in enumerate(order)}
    for m in re.findall(WIDGET_ID, text):
        mapping.setdefault(m, uuid.uuid5(uuid.NAMESPACE_URL, f"{stem}/{len(mapping)}").hex)
    renamed = json.loads(re.sub(WIDGET_ID, lambda m: mapping[m.group(0)], text))
    return json.dumps(renamed, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def _coalesce_streams(outputs: list) -> list:
    """Merge consecutive stream outputs of the same name: how the kernel chunks a print
    depends on timing, the text does not."""
    merged: list = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (
            output.get("output_type") == "stream"
            and previous is not None
            and previous.get("output_type") == "stream"
            and previous.get("name") == output.get("name")
        ):
            previous["text"] += output["text"]
        else:
            merged.append(output)
    return merged


@contextlib.contextmanager
def _sliced_reply_polling():
    """Wait for kernel replies in 0.5 s slices while executing.

    With nbclient 0.11 / pyzmq 27, the asyncio poll behind one long wait sometimes misses
    the wake-up for a reply that is already queued, so a cell "hangs" until its timeout
    (seen in 3 of 15 runs of notebook 02). Re-polling every 0.5 s picks the reply up.
    """
    from queue import Empty

    from jupyter_client.channels import AsyncZMQSocketChannel

    async def get_msg(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            wait = 0.5 if deadline is None else max(0.0, min(0.5, deadline - time.monotonic()))
            if await self.socket.poll(int(wait * 1000)):
                return await self._recv()
            if deadline is not None and time.monotonic() >= deadline:
                raise Empty

    original = AsyncZMQSocketChannel.get_msg
    AsyncZMQSocketChannel.get_msg = get_msg
    try:
        yield
    finally:
        AsyncZMQSocketChannel.get_msg = original


def run_notebook(nb, cwd: Path):
    """Execute a notebook object in place with the course's fixed kernel settings."""
    from nbclient import NotebookClient

    client = NotebookClient(
        nb,
        kernel_name="python3",
        # the kernel listens on 127.0.0.1 only; silence its plain-TCP notice, keep its errors
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
        timeout=300,
        record_timing=False,
        store_widget_state=True,  # also needed by nbclient whenever an Output widget is used
        resources={"metadata": {"path": str(cwd)}},
    )
    with _sliced_reply_polling():
        client.execute()
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = _coalesce_streams(cell.outputs)
    return nb


def _execute_one(path: Path) -> None:
    import nbformat

    nb = run_notebook(nbformat.read(path, as_version=4), path.parent)
    text = nbformat.writes(nb) + "\n"
    path.write_text(_normalise_widget_ids(text, path.stem), encoding="utf-8")


def cmd_execute_internal(paths: list[str]) -> int:
    """Execute notebooks in place with a fixed kernel; inside the venv."""
    targets = [Path(p).resolve() for p in paths] or sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    for path in targets:
        t0 = time.perf_counter()
        _execute_one(path)
        print(f"executed {path.relative_to(ROOT)} in {time.perf_counter() - t0:.1f} s", flush=True)
    return 0


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
        return in_venv(["_execute", *extra])
    if command == "slides":
        return cmd_slides(extra)
    if command == "screenshots":
        return cmd_screenshots(extra)
    if command == "_execute":
        return cmd_execute_internal(extra)
    print(f"Unknown command {command!r}.\n{__doc__}")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
