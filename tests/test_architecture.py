"""The shape of helpers/: small modules and functions, readable code, layered imports.

The layer rule itself is written in pyproject.toml ([tool.importlinter]) and checked here with
import-linter; CONTRIBUTING.md explains it and says where new code goes.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

HELPERS = Path(__file__).resolve().parent.parent / "helpers"
MODULES = sorted(HELPERS.rglob("*.py"))
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
MIN_MAINTAINABILITY = 20.0


def _name(path: Path) -> str:
    return str(path.relative_to(HELPERS.parent))


def _module_of(path: Path) -> str:
    parts = path.relative_to(HELPERS.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_module_is_small(path):
    n_lines = len(path.read_text(encoding="utf-8").splitlines())
    assert n_lines <= MAX_MODULE_LINES, f"{_name(path)} has {n_lines} lines: split it by concept"


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_functions_are_short(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert not long, f"{_name(path)}: functions over {MAX_FUNCTION_LINES} lines: {long}"


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_module_is_maintainable(path):
    from radon.metrics import mi_visit

    score = mi_visit(path.read_text(encoding="utf-8"), multi=True)
    assert score >= MIN_MAINTAINABILITY, f"{_name(path)}: maintainability index {score:.1f}"


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_no_private_names_from_other_modules(path):
    """`from helpers.x import _name` only inside helpers.x itself."""
    here = _module_of(path)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bad = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("helpers"):
            source = node.module
            private = [a.name for a in node.names if a.name.startswith("_")]
            if private and source != here:
                bad.append(f"{source}: {', '.join(private)}")
    assert not bad, f"{_name(path)} imports private names of other modules: {bad}"


def test_no_history_comments():
    offenders = [_name(p) for p in MODULES if "(issue " in p.read_text(encoding="utf-8")]
    assert not offenders, f"'(issue N)' history comments in {offenders}"


def test_imports_follow_the_layers(tmp_path):
    """import-linter's contracts in pyproject.toml hold (lower layers never import upward)."""
    from importlinter.cli import lint_imports

    root = HELPERS.parent
    assert lint_imports(config_filename=str(root / "pyproject.toml"), no_cache=True) == 0, (
        "an import breaks the layer rule: see the contract named above and CONTRIBUTING.md"
    )
