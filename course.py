#!/usr/bin/env python3
"""One entry point for the course. Needs only python3 (3.11+) and pip on a fresh machine.

    python3 course.py lab          open the course in JupyterLab (student install only)
    python3 course.py present      the same with live slides (RISE), for instructors
    python3 course.py test         run every test (lint, units, strict nbval, hygiene, browser)
    python3 course.py execute      re-execute notebooks in place (the only source of outputs)
    python3 course.py translate    the Chinese editions: status | build | skeleton | accept
    python3 course.py stress       execute every notebook 5 times with nbconvert; report stalls
    python3 course.py slides       build offline slide decks of every notebook into slides/
    python3 course.py screenshots  regenerate the README screenshots (docs/screenshots/)
    python3 course.py editions     write student and teacher editions into build/editions/
    python3 course.py site         build the course website into build/site/
    python3 course.py launch       write the Colab/Binder badges and the Colab install cell
    python3 course.py lock         re-resolve the lock files (requirements/) and environment.yml

Each command first creates or updates the local virtual environment `.venv` from the lock
files: `lab` installs the student set (requirements/lab.txt: the course's runtime packages and
JupyterLab), every other command the full tested set (requirements/full.txt: also the test,
browser and website tools). The course package is installed in editable mode; every command
is safe to run again.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
VENV_PY = VENV / "bin" / "python"
LOCKS = {"lab": ROOT / "requirements" / "lab.txt", "full": ROOT / "requirements" / "full.txt"}
START_NOTEBOOK = "notebooks/00_start_here.ipynb"
SANITIZE = "tests/nbval_sanitize.cfg"
WHEELHOUSE = ROOT / "build" / "wheelhouse"
COLAB_LIKE = ROOT / "requirements" / "colab-like.txt"


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


def _reproducible_env() -> dict[str, str]:
    """_env() for commands whose results are compared with stored ones (execute, test, stress):
    analyses get 30 s instead of the student's 3 s default, so a busy machine never turns a
    complete answer into a partial one (the 3 s bound itself is tested explicitly)."""
    return {**_env(), "HELPERS_TIME_LIMIT": "30"}


def _run(cmd: list[str], **kwargs) -> int:
    """Run a command from the repository root and return its exit code."""
    print("$", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.call([str(c) for c in cmd], cwd=ROOT, env=kwargs.pop("env", _env()), **kwargs)


def _stamp_file(profile: str) -> Path:
    return VENV / f".course-{profile}"


def _stamp(profile: str) -> str:
    """Fingerprint of what `profile` installs: its lock file and pyproject.toml."""
    h = hashlib.sha256()
    for path in (LOCKS[profile], ROOT / "pyproject.toml"):
        h.update(path.read_bytes())
    return h.hexdigest()


def _installed(profile: str) -> bool:
    stamp = _stamp_file(profile)
    return stamp.exists() and stamp.read_text() == _stamp(profile)


def ensure_venv(profile: str = "full") -> None:
    """Create or update .venv from the lock of `profile` ("lab" or "full"); idempotent.
    The full set contains the lab set (same versions), so it also satisfies `lab`."""
    if not VENV_PY.exists():
        print("Creating the virtual environment .venv ...", flush=True)
        subprocess.check_call([sys.executable, "-m", "venv", str(VENV)])
    if not (_installed(profile) or (profile == "lab" and _installed("full"))):
        _install(profile)
    if profile == "full":
        _ensure_slide_assets()
        _ensure_wheelhouse()


def _ensure_slide_assets() -> None:
    """Fetch the pinned reveal.js/MathJax wheels for offline slide decks (install step)."""
    from tools.slides import assets_present

    if not assets_present():
        print("Fetching the slide-deck assets (reveal.js, MathJax) from PyPI ...", flush=True)
        if _run([VENV_PY, "-m", "tools.slides", "--fetch-assets"]):
            print("warning: slide assets not fetched; the slide-deck test will fail", flush=True)


def _ensure_wheelhouse() -> None:
    """Download the Colab-like base and the course's runtime packages into build/wheelhouse,
    so that tests/test_colab_like.py installs with --no-index (tests download nothing)."""
    stamp = WHEELHOUSE / ".stamp"
    want = hashlib.sha256(COLAB_LIKE.read_bytes() + (ROOT / "pyproject.toml").read_bytes())
    if stamp.exists() and stamp.read_text() == want.hexdigest():
        return
    print("Fetching the Colab-like test packages into build/wheelhouse ...", flush=True)
    runtime = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    pip = [VENV_PY, "-m", "pip", "download", "--quiet", "--quiet", "--only-binary", ":all:"]
    code = _run([*pip, "--dest", WHEELHOUSE, "-r", COLAB_LIKE, *runtime, "setuptools>=77"])
    if code:
        print("warning: wheelhouse incomplete; the Colab-like test will fail", flush=True)
        return
    stamp.write_text(want.hexdigest())


def _install(profile: str) -> None:
    """pip install the lock of `profile` and this package (editable) into .venv."""
    print(f"Installing requirements/{LOCKS[profile].name} into .venv (first run: a few "
          "minutes) ...", flush=True)  # fmt: skip
    # -qq: errors only (this machine's pip config adds noisy warnings about absent indexes)
    pip = [str(VENV_PY), "-m", "pip", "install", "--quiet", "--quiet"]
    # the student install skips compiling every module to bytecode up front (about 200 MB);
    # Python caches the bytecode of the modules a session actually imports
    lean = ["--no-compile"] if profile == "lab" else []
    code = _run([*pip, *lean, "-r", LOCKS[profile], "-e", "."])
    if code:
        sys.exit(f"pip install failed (exit {code})")
    # the kernels of this environment load helpers.guard: plain-language errors for students
    if _run([VENV_PY, "-m", "helpers.guard", "--install"]):
        sys.exit("could not write the kernel configuration (helpers.guard --install)")
    # plain `jupyter nbconvert --to html` here writes each figure's alt text (course_html)
    if _run([VENV_PY, "-m", "tools.nbconvert_config"]):
        sys.exit("could not write the nbconvert configuration (tools/nbconvert_config.py)")
    _stamp_file(profile).write_text(_stamp(profile))


# ---------------------------------------------------------------- commands


def _start_lab(extra: list[str]) -> int:
    # Jupyter refuses root unless told; a container or a lab VM often runs as root
    as_root = ["--allow-root"] if os.geteuid() == 0 and "--allow-root" not in extra else []
    return _run([VENV / "bin" / "jupyter", "lab", START_NOTEBOOK, *as_root, *extra])


def cmd_lab(extra: list[str]) -> int:
    """Start JupyterLab on the course's start notebook (student install: runtime + lab)."""
    ensure_venv("lab")
    return _start_lab(extra)


def cmd_present(extra: list[str]) -> int:
    """JupyterLab with live slides (RISE): the full install, then the start notebook."""
    ensure_venv()
    return _start_lab(extra)


def cmd_site(extra: list[str]) -> int:
    """Build the course website into build/site/ (tools/site.py)."""
    ensure_venv()
    return _run([VENV_PY, "-m", "tools.site", *extra])


def cmd_launch(extra: list[str]) -> int:
    """Write Colab/Binder badges and the Colab install cell (tools/launch.py)."""
    ensure_venv()
    return _run([VENV_PY, "-m", "tools.launch", *extra])


def cmd_lock(extra: list[str]) -> int:
    """Re-resolve requirements/full.txt, requirements/lab.txt and environment.yml (uv)."""
    ensure_venv()
    return _run([VENV_PY, "-m", "tools.lock", *extra])


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
        # browser tests drive the course as a student does: the student's 3 s analysis bound
        code = _run(cmd, env=_env() if name == "browser tests" else _reproducible_env())
        if code:
            print(f"\nFAILED in stage: {name}", flush=True)
            return code
    print(f"\nAll test stages passed in {time.perf_counter() - started:.0f} s.")
    return 0


def cmd_execute(extra: list[str]) -> int:
    """Re-execute notebooks in place (tools/execute.py): the ones named, or by default every
    English notebook, then the Chinese editions (notebooks/zh-Hans, notebooks/zh-Hant), first
    rebuilt from the English code and the translation catalogues (tools/translate.py)."""
    ensure_venv()
    if not [a for a in extra if not a.startswith("-")]:
        built = _run([VENV_PY, "-m", "tools.translate", "build"])
        if built:
            return built
        for edition in ("", "zh-Hans/", "zh-Hant/"):
            found = sorted(ROOT.glob(f"notebooks/{edition}[0-9][0-9]_*.ipynb"))
            extra += [str(p.relative_to(ROOT)) for p in found]
    return _run([VENV_PY, "-m", "tools.execute", *extra], env=_reproducible_env())


def cmd_stress(extra: list[str]) -> int:
    """Run every notebook several times with plain nbconvert; report stalls (tools/stress.py)."""
    ensure_venv()
    return _run([VENV_PY, "-m", "tools.stress", *extra], env=_reproducible_env())


def cmd_translate(extra: list[str]) -> int:
    """The Chinese editions: status, build, skeleton, accept (tools/translate.py)."""
    ensure_venv()
    return _run([VENV_PY, "-m", "tools.translate", *extra])


def cmd_editions(extra: list[str]) -> int:
    """Student edition (no solutions, sealed answer keys, no outputs) and teacher edition of
    every notebook into build/editions/ (tools/editions.py)."""
    ensure_venv()
    return _run([VENV_PY, "-m", "tools.editions", *extra])


COMMANDS = {
    "lab": cmd_lab, "test": cmd_test, "execute": cmd_execute, "slides": cmd_slides,
    "screenshots": cmd_screenshots, "editions": cmd_editions, "site": cmd_site,
    "launch": cmd_launch, "lock": cmd_lock, "present": cmd_present, "translate": cmd_translate,
    "stress": cmd_stress,
}  # fmt: skip


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return 0
    command, extra = argv[0], argv[1:]
    if command in COMMANDS:
        return COMMANDS[command](extra)
    print(f"Unknown command {command!r}.\n{__doc__}")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
