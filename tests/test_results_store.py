"""helpers.results_store: versioned JSON files with a schema."""

import json

import numpy as np
import pytest

from helpers import results_store as R


def test_round_trip_with_numpy_values(tmp_path):
    payload = {"schema": "course.demo/1", "a": np.arange(3), "b": np.float64(0.5),
               "c": np.int64(7), "d": {"e": [np.bool_(True), float("nan")]}}
    path = R.save_results("demo", payload, tmp_path)
    data = R.load_results("demo", "course.demo/1", tmp_path)
    assert data["a"] == [0, 1, 2] and data["b"] == 0.5 and data["c"] == 7
    assert data["d"]["e"] == [True, "nan"] and "numpy" in data["environment"]
    assert json.loads(path.read_text())["schema"] == "course.demo/1"


def test_schema_and_names_are_checked(tmp_path):
    R.save_results("demo", {"schema": "course.demo/1"}, tmp_path)
    with pytest.raises(ValueError, match="schema"):
        R.load_results("demo", "course.demo/2", tmp_path)
    with pytest.raises(ValueError, match="run the script"):
        R.load_results("missing", "course.demo/1", tmp_path)
    with pytest.raises(ValueError):
        R.save_results("demo", {"no": "schema"}, tmp_path)
    with pytest.raises(ValueError):
        R.load_results("../x", "course.demo/1", tmp_path)


def test_results_dir_is_in_the_repository():
    assert R.RESULTS_DIR.parts[-2:] == ("experiments", "results")
