"""Execute every notebook several times with the standard tool and report any stall.

    python -m tools.stress [--runs 5] [--workers 2] [--timeout 60] [notebooks/NN_x.ipynb ...]

Each run is a plain ``jupyter nbconvert --to notebook --execute`` with a cell timeout (what an
instructor, Jupyter Book or another CI would run), writing into a temporary folder: the
course's own executor is not involved. Runs go on ``--workers`` processes at once.

A stall rarely ends in an error: the client misses a reply the kernel has sent and finds it
only when the cell timeout expires, so the run finishes late but "successfully". The stall is
read from the executed copy instead: the kernel's own timestamps show it idle between one
cell and the next for at least half the cell timeout (normally milliseconds). A run with such
a wait, a cell-timeout error, or one that outlives ``--wall`` seconds counts as a stall; any
other failure as an error. (A stall on the very last cell leaves no next cell to show it.)
The table lists each notebook's runs, stalls, errors and times; the exit code is 1 when any
run stalled or failed.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
STALL_MARKERS = ("CellTimeoutError", "Timeout waiting", "timed out")
STALL_WAIT = 0.5  # a wait between cells of half the cell timeout or more is a stall


@dataclass(frozen=True)
class Run:
    """One execution of one notebook: its outcome, seconds taken and the end of its log."""

    notebook: str
    index: int
    outcome: str  # "ok", "stall" or "error"
    seconds: float
    tail: str = ""


def nbconvert_command(path: Path, out_dir: Path, index: int, timeout: int) -> list[str]:
    """The plain nbconvert call for one run (the venv's own ``jupyter``)."""
    jupyter = Path(sys.executable).with_name("jupyter")
    return [
        str(jupyter) if jupyter.exists() else "jupyter",
        "nbconvert", "--to", "notebook", "--execute",
        f"--ExecutePreprocessor.timeout={timeout}",
        "--output-dir", str(out_dir), "--output", f"{path.stem}_run{index}",
        str(path),
    ]


def _stamp(text: str) -> float:
    """Seconds since the epoch of a message-header timestamp."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def waits(nb: dict) -> list[tuple[int, float]]:
    """(cell index, seconds) from each code cell's idle to the next cell's busy.

    Both times are the kernel's, so this is time the kernel sat idle while the client had
    not yet sent the next cell: a few milliseconds normally. A reply the client misses is
    only found when its wait for that reply times out, so a stall shows here as a wait close
    to the cell timeout even though the run then finishes without an error.
    """
    timed = [(i, c["metadata"].get("execution", {})) for i, c in enumerate(nb["cells"])
             if c["cell_type"] == "code"]
    timed = [(i, ex) for i, ex in timed if "iopub.status.busy" in ex]
    return [(i, _stamp(nxt["iopub.status.busy"]) - _stamp(ex["iopub.status.idle"]))
            for (i, ex), (_, nxt) in zip(timed, timed[1:], strict=False)
            if "iopub.status.idle" in ex]


def classify(returncode: int | None, log: str, longest_wait: float, limit: float) -> str:
    """"ok", "stall" (cell timeout, killed at the wall limit — returncode None — or a wait
    between cells of at least ``limit`` seconds) or "error"."""
    if returncode is None or any(marker in log for marker in STALL_MARKERS):
        return "stall"
    if returncode != 0:
        return "error"
    return "stall" if longest_wait >= limit else "ok"


def run_once(path: Path, index: int, timeout: int, wall: float, out_dir: Path) -> Run:
    """Execute ``path`` once; kill the whole process group if it outlives ``wall`` seconds."""
    env = dict(os.environ, PYTHONHASHSEED="0", OPENBLAS_NUM_THREADS="1",
               OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", PYDEVD_DISABLE_FILE_VALIDATION="1")
    t0 = time.monotonic()
    proc = subprocess.Popen(
        nbconvert_command(path, out_dir, index, timeout), cwd=path.parent, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    try:
        log, _ = proc.communicate(timeout=wall)
        returncode: int | None = proc.returncode
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # nbconvert and the kernel it started
        log, _ = proc.communicate()
        returncode = None
    seconds = time.monotonic() - t0
    executed = out_dir / f"{path.stem}_run{index}.ipynb"
    gaps = waits(json.loads(executed.read_text(encoding="utf-8"))) if executed.exists() else []
    cell, longest = max(gaps, key=lambda g: g[1], default=(-1, 0.0))
    outcome = classify(returncode, log, longest, STALL_WAIT * timeout)
    tail = "\n".join(log.strip().splitlines()[-6:]) if outcome == "error" else ""
    if longest >= STALL_WAIT * timeout:
        tail = f"waited {longest:.1f} s for the reply of cell {cell} (the kernel was idle)"
    return Run(path.name, index, outcome, seconds, tail)


def table(runs: list[Run]) -> str:
    """One row per notebook: runs, ok, stalls, errors, median and slowest time."""
    names = sorted({r.notebook for r in runs})
    width = max([len("notebook"), *map(len, names)])
    lines = [f"{'notebook':<{width}}  runs  ok  stalls  errors  median s  max s"]
    for name in names:
        rows = [r for r in runs if r.notebook == name]
        count = {o: sum(r.outcome == o for r in rows) for o in ("ok", "stall", "error")}
        secs = [r.seconds for r in rows]
        lines.append(f"{name:<{width}}  {len(rows):>4}  {count['ok']:>2}  {count['stall']:>6}  "
                     f"{count['error']:>6}  {statistics.median(secs):>8.1f}  {max(secs):>5.1f}")
    return "\n".join(lines)


def stress(paths: list[Path], runs: int, workers: int, timeout: int, wall: float,
           keep: Path | None = None) -> list[Run]:
    """Every notebook ``runs`` times on ``workers`` parallel processes, printing each run;
    the executed copies go to ``keep`` when given (else a temporary folder)."""
    jobs = [(p, i) for i in range(runs) for p in paths]
    results: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="course-stress-") as tmp, \
            ThreadPoolExecutor(max_workers=workers) as pool:
        out_dir = Path(tmp) if keep is None else keep
        futures = [pool.submit(run_once, p, i, timeout, wall, out_dir) for p, i in jobs]
        for future in futures:
            run = future.result()
            results.append(run)
            print(f"{run.notebook} run {run.index + 1}/{runs}: {run.outcome} "
                  f"({run.seconds:.1f} s)", flush=True)
            if run.tail:
                print("    " + run.tail.replace("\n", "\n    "), flush=True)
    return results


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, run the stress test, print the table; 1 if anything stalled."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=int, default=60, help="cell timeout in seconds")
    parser.add_argument("--wall", type=float, default=600.0,
                        help="seconds after which a whole run is killed and counted as a stall")
    parser.add_argument("--keep", type=Path, default=None,
                        help="folder for the executed copies (default: a temporary folder)")
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.notebooks] or sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    t0 = time.monotonic()
    results = stress(paths, args.runs, args.workers, args.timeout, args.wall, args.keep)
    print(table(results))
    bad = [r for r in results if r.outcome != "ok"]
    print(f"{len(results)} runs, {len(bad)} stalled or failed, "
          f"{time.monotonic() - t0:.0f} s in all", flush=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
