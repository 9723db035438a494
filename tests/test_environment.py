"""The lock files, environment.yml and pyproject.toml agree.

requirements/full.txt and requirements/lab.txt are compiled by `python3 course.py lock` (uv)
from pyproject.toml; environment.yml is generated from lab.txt.
"""

from __future__ import annotations

import tomllib
from importlib.metadata import PackageNotFoundError, version

import pytest
import yaml
from packaging.requirements import Requirement

from tests.conftest import ROOT
from tools.lock import (
    COLAB_LIKE,
    ENVIRONMENT,
    FULL_EXTRAS,
    FULL_LOCK,
    LAB_EXTRAS,
    LAB_LOCK,
    normalise,
    read_pins,
    render_environment,
)

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _requirements(*extras: str) -> list[Requirement]:
    reqs = [Requirement(r) for r in PROJECT["dependencies"]]
    for extra in extras:
        reqs += [Requirement(r) for r in PROJECT["optional-dependencies"][extra]]
    return reqs


@pytest.mark.parametrize("lock", [FULL_LOCK, LAB_LOCK], ids=["full", "lab"])
def test_every_line_of_a_lock_is_an_exact_pin(lock):
    lines = [ln.split("#", 1)[0].strip() for ln in lock.read_text().splitlines()]
    lines = [ln for ln in lines if ln]
    assert lines and len(read_pins(lock.read_text())) == len(lines), "a line is not name==version"


@pytest.mark.parametrize(("lock", "extras"), [(FULL_LOCK, FULL_EXTRAS), (LAB_LOCK, LAB_EXTRAS)],
                         ids=["full", "lab"])  # fmt: skip
def test_a_lock_satisfies_pyproject(lock, extras):
    pins = read_pins(lock.read_text())
    for req in _requirements(*extras):
        name = normalise(req.name)
        assert name in pins, f"{lock.name} lacks {name}"
        assert req.specifier.contains(pins[name]), f"{lock.name}: {name}=={pins[name]} vs {req}"


def test_the_lab_lock_is_the_full_lock_restricted():
    full, lab = read_pins(FULL_LOCK.read_text()), read_pins(LAB_LOCK.read_text())
    assert {name: full.get(name) for name in lab} == lab
    for tool in ("pytest", "nbval", "ruff", "playwright", "sphinx", "jupyterlab-rise", "uv"):
        assert tool not in lab, f"{tool} is a tool: not in the student install"


def test_environment_yml_is_generated_from_the_lab_lock():
    assert ENVIRONMENT.read_text() == render_environment(LAB_LOCK.read_text()), (
        "environment.yml is out of date: python3 course.py lock"
    )


def test_environment_follows_binder_conventions():
    env = yaml.safe_load(ENVIRONMENT.read_text())
    assert env["channels"] == ["conda-forge"]
    assert "pip" in env["dependencies"]
    assert any(str(d).startswith("python=3.11") for d in env["dependencies"])
    post_build = (ROOT / "postBuild").read_text()
    assert "pip install" in post_build and "--no-deps" in post_build and "-e ." in post_build
    assert not (ROOT / "requirements.txt").exists(), "repo2docker would also read requirements.txt"


def test_runtime_lower_bounds_are_the_colab_like_versions():
    """Each lower bound is a version tests/test_colab_like.py runs every notebook on."""
    base = read_pins(COLAB_LIKE.read_text())
    for req in _requirements():
        name = normalise(req.name)
        if name in base:
            (spec,) = req.specifier
            assert (spec.operator, spec.version) == (">=", base[name]), f"{req} vs {base[name]}"


def test_installed_versions_match_the_full_lock():
    """The environment running the tests is the locked one (python3 course.py test)."""
    for name, pinned in read_pins(FULL_LOCK.read_text()).items():
        try:
            installed = version(name)
        except PackageNotFoundError:
            pytest.fail(f"{name} is locked but not installed: python3 course.py test")
        assert installed == pinned, f"{name}: installed {installed}, locked {pinned}"
