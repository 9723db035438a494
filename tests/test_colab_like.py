"""Colab without Colab: on a Colab-like base, the install cell installs the course and every
notebook then executes without error.

A fresh virtual environment gets only requirements/colab-like.txt (numpy, scipy, matplotlib,
sympy, ipywidgets, ... at versions different from our lock, a kernel and nbclient). A wheel is
built from the checkout; the notebooks, copied to a temporary folder with their launch cells
(tools/launch.py), run in that environment's kernel with COLAB_RELEASE_TAG set, a stand-in
``google.colab.output`` that records the widget-manager call, and the install cell pointed at
the wheel (COURSE_PACKAGE_SOURCE). Everything installs with --no-index from build/wheelhouse,
which the test command's install step fills: the test downloads nothing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tests.conftest import NOTEBOOKS, ROOT
from tools.launch import SOURCE_ENV, github_slug, repository_url, update_notebook_text
from tools.lock import COLAB_LIKE, FULL_LOCK, normalise, read_pins

pytestmark = pytest.mark.slow

WHEELHOUSE = ROOT / "build" / "wheelhouse"
BASE_PACKAGES = ("numpy", "scipy", "matplotlib", "sympy", "ipywidgets")
FAKE_OUTPUT = '''\
"""Stand-in for google.colab.output: records that the custom widget manager was enabled."""
import os


def enable_custom_widget_manager():
    with open(os.environ["FAKE_COLAB_MARKER"], "a") as f:
        f.write("enabled\\n")
'''
DRIVER = '''\
import json, sys
import nbformat
from nbclient import NotebookClient

path, cwd, root = sys.argv[1], sys.argv[2], sys.argv[3]
nb = nbformat.read(path, as_version=4)
NotebookClient(nb, kernel_name="python3", timeout=300, allow_errors=True,
               resources={"metadata": {"path": cwd}}).execute()
errors = [f"cell {i}: {o.get('ename')}: {o.get('evalue')}" for i, c in enumerate(nb.cells)
          if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
install = [c for c in nb.cells if "colab-install" in c.metadata.get("tags", [])]
print(json.dumps({"errors": errors, "install_outputs": [o for c in install for o in c.outputs]}))
'''


def _offline_env(home: Path) -> dict[str, str]:
    """Environment for the Colab-like venv: pip offline from the wheelhouse, private dirs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PYTHON", "JUPYTER"))}
    env.update(PIP_NO_INDEX="1", PIP_FIND_LINKS=str(WHEELHOUSE), PIP_CONFIG_FILE=os.devnull,
               PIP_DISABLE_PIP_VERSION_CHECK="1", HOME=str(home), JUPYTER_DATA_DIR=str(home),
               JUPYTER_PLATFORM_DIRS="1", PYTHONHASHSEED="0", OPENBLAS_NUM_THREADS="1",
               OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")  # fmt: skip
    return env


def _run(cmd: list, env: dict[str, str], cwd: Path) -> str:
    done = subprocess.run([str(c) for c in cmd], env=env, cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, f"{cmd[:4]} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def colab(tmp_path_factory):
    """A Colab-like venv, the course wheel built from the checkout, a stand-in google.colab."""
    if not (WHEELHOUSE / ".stamp").exists():
        pytest.fail("build/wheelhouse is missing: `python3 course.py test` fills it first")
    tmp = tmp_path_factory.mktemp("colab")
    env = _offline_env(tmp / "home")
    venv.create(tmp / "venv", with_pip=True)
    py = tmp / "venv" / "bin" / "python"
    _run([py, "-m", "pip", "install", "--quiet", "-r", COLAB_LIKE], env, tmp)
    _run([py, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", tmp / "dist", ROOT], env, tmp)
    (wheel,) = (tmp / "dist").glob("gradient_small_course-*.whl")
    fake = tmp / "fake" / "google" / "colab"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    (fake / "output.py").write_text(FAKE_OUTPUT)
    (tmp / "driver.py").write_text(DRIVER)
    env.update({SOURCE_ENV: str(wheel), "COLAB_RELEASE_TAG": "colab-like-test"})
    env.update(PYTHONPATH=str(tmp / "fake"), FAKE_COLAB_MARKER=str(tmp / "marker"))
    work = tmp / "notebooks"
    work.mkdir()
    url = repository_url()
    for path in NOTEBOOKS:
        rel = path.relative_to(ROOT).as_posix()
        text = update_notebook_text(path.read_text(encoding="utf-8"), github_slug(url), url, rel)
        (work / path.name).write_text(text, encoding="utf-8")
    return {"py": py, "env": env, "tmp": tmp, "work": work}


def _versions(colab) -> dict[str, str]:
    out = _run([colab["py"], "-m", "pip", "list", "--format", "json"], colab["env"], colab["tmp"])
    return {normalise(p["name"]): p["version"] for p in json.loads(out)}


def _execute(colab, path: Path) -> dict:
    """Run one notebook copy in the Colab-like kernel: its errors and install-cell outputs."""
    out = _run([colab["py"], colab["tmp"] / "driver.py", colab["work"] / path.name,
                colab["work"], ROOT], colab["env"], colab["work"])  # fmt: skip
    return json.loads(out.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def installed(colab):
    """The first notebook run on the bare base: its install cell installs the course."""
    before = _versions(colab)
    report = _execute(colab, NOTEBOOKS[0])
    return {"before": before, "after": _versions(colab), "first_report": report}


def test_the_base_differs_from_the_lock():
    base, lock = read_pins(COLAB_LIKE.read_text()), read_pins(FULL_LOCK.read_text())
    for name in BASE_PACKAGES:
        assert base[name] != lock[name], f"{name}: the Colab-like base must differ from the lock"


def test_the_install_cell_installs_the_course_and_keeps_the_base(colab, installed):
    """Runtime dependencies are lower bounds: the base's own versions stay."""
    assert "gradient-small-course" not in installed["before"]
    assert "gradient-small-course" in installed["after"], "the install cell installed nothing"
    for name, version in read_pins(COLAB_LIKE.read_text()).items():
        now = installed["after"][name]
        assert now == version, f"{name}: the base's {version} was replaced by {now}"
    assert (colab["tmp"] / "marker").exists(), "enable_custom_widget_manager() was not called"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_after_the_install_cell(colab, installed, path: Path):
    report = installed["first_report"] if path == NOTEBOOKS[0] else _execute(colab, path)
    assert not report["errors"], f"{path.name}: " + "; ".join(report["errors"])
    assert report["install_outputs"] == [], "the install cell printed something"


def test_nothing_happens_outside_colab(tmp_path):
    """Without Colab the install cell runs, installs nothing and prints nothing."""
    from tools.launch import install_source

    env = {k: v for k, v in os.environ.items() if k != "COLAB_RELEASE_TAG"}
    env[SOURCE_ENV] = str(tmp_path / "no-such.whl")
    code = install_source(repository_url())
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
