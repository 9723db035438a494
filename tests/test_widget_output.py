"""helpers.widget_output: interactive_output's outputs as widget state, in a real kernel."""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

from helpers.widget_output import live_output, output_dicts

CELLS = [
    "import ipywidgets as W\nimport matplotlib.pyplot as plt\n"
    "from helpers.widget_output import live_output\n"
    "s = W.FloatSlider(value=1.0)\n"
    "def draw(a):\n    print('a =', a)\n    plt.plot([0, a])\n    plt.show()\n"
    "out = live_output(draw, {'a': s})\nout",
    "s.value = 2.0\nprint([o.get('text') for o in out.outputs])",
    "def broken(a):\n    raise ValueError('a must be positive')\n"
    "print(live_output(broken, {'a': s}).outputs)",
]


@pytest.fixture(scope="module")
def executed() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in CELLS]
    NotebookClient(nb, kernel_name="python3", timeout=120).execute()
    return nb


def _output_models(nb) -> list[dict]:
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    return [m["state"] for m in state.values() if m["model_name"] == "OutputModel"]


def test_outputs_are_widget_state(executed):
    """The printed line and the figure are the Output widget's state; the cell shows only
    the widget (nothing flowed through the cell's own messages)."""
    first = _output_models(executed)[0]["outputs"]
    kinds = [o["output_type"] for o in first]
    assert kinds[0] == "stream" and first[0]["text"] == "a = 2.0\n"  # the state at the end
    assert any("image/png" in o.get("data", {}) for o in first)
    assert [o.output_type for o in executed.cells[0].outputs] == ["execute_result"]
    assert "application/vnd.jupyter.widget-view+json" in executed.cells[0].outputs[0].data


def test_redrawn_when_a_control_changes(executed):
    assert "'a = 2.0\\n'" in executed.cells[1].outputs[0].text


def test_an_error_is_one_line_in_the_widget(executed):
    text = executed.cells[2].outputs[0].text
    assert "ValueError: a must be positive" in text and "Traceback" not in text


def test_output_dicts_encode_bytes():
    shown = type("Shown", (), {"data": {"image/png": b"\x89PNG", "text/plain": "<Figure>"},
                               "metadata": None})()
    outputs = output_dicts("hi\n", "", [shown])
    assert outputs[0] == {"output_type": "stream", "name": "stdout", "text": "hi\n"}
    assert outputs[1]["data"] == {"image/png": "iVBORw==", "text/plain": "<Figure>"}
    nbformat.validator.validate({"cells": [nbformat.v4.new_code_cell(outputs=outputs)],
                                 "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def test_bad_arguments():
    with pytest.raises(TypeError, match="function"):
        live_output(3, {})
    with pytest.raises(TypeError, match="dict of widgets"):
        live_output(print, {"a": 1.0})
