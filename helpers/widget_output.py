"""``live_output``: ipywidgets' ``interactive_output`` that every notebook runner executes.

``live_output(f, controls)`` returns an Output widget showing what ``f(**values)`` prints and
draws, redrawn whenever a control's value changes — like ``ipywidgets.interactive_output``.
The difference is the route the outputs take: they are captured in the kernel and set as the
widget's ``outputs`` state, instead of flowing through the running cell's messages into the
widget. On the usual route a headless runner (nbconvert, papermill, Jupyter Book; nbclient
underneath) syncs each captured output back to the kernel on the shell channel while it
waits there for the cell's reply, and that send can make it miss the reply until the cell
timeout, or forever without one (jupyter/nbclient issue 312, jupyter/nbconvert issue 2003).
JupyterLab, VS Code and Colab show both the same.
"""

from __future__ import annotations

import base64
import sys
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as W
from ipywidgets.widgets.interaction import show_inline_matplotlib_plots


def output_dicts(stdout: str, stderr: str, displays: list[Any]) -> list[dict]:
    """nbformat output dicts for captured text and rich displays (bytes as base64 text)."""
    outputs = [{"output_type": "stream", "name": name, "text": text}
               for name, text in (("stdout", stdout), ("stderr", stderr)) if text]
    for shown in displays:
        data = {mime: base64.b64encode(value).decode("ascii") if isinstance(value, bytes)
                else value for mime, value in shown.data.items()}
        outputs.append({"output_type": "display_data", "data": data,
                        "metadata": dict(shown.metadata or {})})
    return outputs


def render(f: Callable[..., Any], values: Mapping[str, Any]) -> list[dict]:
    """Run ``f(**values)`` with its outputs captured; an error becomes one line of stderr."""
    from IPython.utils.capture import capture_output

    with capture_output() as captured:
        try:
            f(**values)
            show_inline_matplotlib_plots()
        except Exception as exc:  # shown in the widget, as interactive_output does
            print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
    return output_dicts(captured.stdout, captured.stderr, captured.outputs)


def live_output(f: Callable[..., Any], controls: Mapping[str, Any]) -> Any:
    """An Output widget with ``f(**{name: control.value})``, redrawn when a control changes."""
    if not callable(f):
        raise TypeError("live_output needs a function to call, e.g. live_output(draw, sliders)")
    if not isinstance(controls, Mapping) or not all(hasattr(c, "observe")
                                                    for c in controls.values()):
        raise TypeError("live_output needs a dict of widgets, e.g. {'a': FloatSlider()}")
    out = W.Output()

    def update(change: Any = None) -> None:
        out.outputs = tuple(render(f, {k: c.value for k, c in controls.items()}))

    for control in controls.values():
        control.observe(update, names="value")
    show_inline_matplotlib_plots()  # figures of the cell so far stay out of the widget
    update()
    return out
