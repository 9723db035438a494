"""requirements.txt (the one place pins live) and environment.yml must agree exactly."""

from __future__ import annotations

import re

import yaml

from tests.conftest import ROOT

PIN = re.compile(r"^([A-Za-z0-9_.\-\[\]]+)==([^\s;#]+)$")


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = PIN.match(line)
        assert match, f"requirements.txt: {line!r} is not pinned with =="
        pins[_norm(match.group(1))] = match.group(2)
    return pins


def environment_pins() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = [d for d in env["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert len(pip_section) == 1, "environment.yml needs exactly one pip: section"
    pins = {}
    for line in pip_section[0]["pip"]:
        match = PIN.match(line.strip())
        assert match, f"environment.yml: {line!r} is not pinned with =="
        pins[_norm(match.group(1))] = match.group(2)
    return pins


def test_requirements_and_environment_agree():
    assert requirement_pins() == environment_pins()


def test_environment_follows_binder_conventions():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    assert "pip" in env["dependencies"]
    assert any(str(d).startswith("python=3.11") for d in env["dependencies"])
    post_build = (ROOT / "postBuild").read_text()
    assert "pip install" in post_build and "-e ." in post_build


def test_core_packages_are_pinned():
    pins = requirement_pins()
    for name in ["jupyterlab", "ipywidgets", "ipympl", "matplotlib", "numpy", "sympy", "scipy",
                 "nbval", "pytest", "ruff"]:
        assert name in pins, f"{name} is not pinned in requirements.txt"


def test_installed_versions_match_pins():
    from importlib.metadata import version

    for name, pinned in requirement_pins().items():
        assert version(name) == pinned, f"{name}: installed {version(name)}, pinned {pinned}"


def test_package_dependencies_come_from_requirements():
    text = (ROOT / "pyproject.toml").read_text()
    assert 'dependencies = { file = ["requirements.txt"] }' in text
