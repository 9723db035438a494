"""Versioned results files of the course's experiments: ``experiments/results/<name>.json``.

A script in ``experiments/`` runs a long sweep once and saves its numbers with a ``schema``
field (``"course.<experiment>/<version>"``), its parameters and its seeds; a notebook loads the
file, checks the schema, and re-runs one or two cases live.
"""

from __future__ import annotations

import json
import math
import platform
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["RESULTS_DIR", "environment", "load_results", "save_results", "to_jsonable"]

RESULTS_DIR = Path(__file__).resolve().parent.parent / "experiments" / "results"


def to_jsonable(obj: Any) -> Any:
    """Numpy arrays and scalars as lists and Python numbers; non-finite floats as strings."""
    if isinstance(obj, dict):
        return {str(key): to_jsonable(value) for key, value in obj.items()}
    if isinstance(obj, list | tuple):
        return [to_jsonable(value) for value in obj]
    if isinstance(obj, np.ndarray):
        return to_jsonable(obj.tolist())
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, float | np.floating):
        value = float(obj)
        return value if math.isfinite(value) else str(value)
    return obj


def environment() -> dict[str, str]:
    """The versions that produced a results file (no machine load, no dates)."""
    import scipy

    return {"python": platform.python_version(), "numpy": np.__version__,
            "scipy": scipy.__version__}


def _path(name: str, directory: Path | None) -> Path:
    """The file experiments/results/<name>.json (or <directory>/<name>.json)."""
    if not isinstance(name, str):
        raise TypeError(f"name must be a string such as 'batch_size'; got {name!r}.")
    if not name or "/" in name or name.endswith(".json"):
        raise ValueError(f"name must be a bare file stem such as 'batch_size', got {name!r}")
    return (RESULTS_DIR if directory is None else Path(directory)) / f"{name}.json"


def save_results(name: str, payload: dict, directory: Path | None = None) -> Path:
    """Write payload (which must carry a 'schema') as indented JSON; return the path."""
    if "schema" not in payload:
        raise ValueError("a results payload needs a 'schema' field such as 'course.name/1'")
    path = _path(name, directory)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(to_jsonable({**payload, "environment": environment()}), indent=1)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def load_results(name: str, schema: str, directory: Path | None = None) -> dict:
    """Read experiments/results/<name>.json and check that its schema is exactly ``schema``."""
    path = _path(name, directory)
    if not path.exists():
        raise ValueError(f"no results file {path.name}: run the script in experiments/ first")
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("schema") != schema:
        raise ValueError(f"{path.name} has schema {data.get('schema')!r}, expected {schema!r}: "
                         "re-run its script in experiments/")
    return data
