"""Shared test fixtures: the repository's notebooks."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest

# Analyses get 30 s instead of the 3 s default, so results never depend on how busy the
# machine is; tests of the bound itself pass time_limit= explicitly (course.py sets it too).
os.environ.setdefault("HELPERS_TIME_LIMIT", "30")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))


def read_notebook(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


@pytest.fixture(params=NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def notebook_path(request) -> Path:
    return request.param
