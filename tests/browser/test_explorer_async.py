"""The surface explorer never freezes JupyterLab: slow analyses run beside the kernel.

A student types ``x**y`` (whose analysis at the origin is slow), clicks the origin, then types
``x^2 - y^2``: the new surface renders within seconds and the kernel is idle meanwhile (it runs
a cell at once), the panel says what is still being worked on, and no error output appears.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from .lab import (
    ROOT,
    cell_output,
    kernel_busy,
    notebook_report,
    open_notebook,
    run_all_and_wait,
    run_cell,
    screenshot_notebook,
)

pytestmark = pytest.mark.browser

RENDER_WITHIN = 15.0  # s: generous for a loaded 2-core machine; the widget needs well under 1 s


def _write_notebook(path: Path) -> None:
    """The explorer as a widget, and a cell that prints the state and the origin's pixel."""
    import nbformat

    cells = [
        "%matplotlib widget\nfrom helpers import SurfaceExplorer",
        'explorer = SurfaceExplorer("lecture")\nexplorer.widget()',
        "import json\n"
        "fig = explorer.figure()\n"
        "px, py = fig.axes[0].transData.transform((0.0, 0.0))\n"
        "width, height = fig.canvas.get_width_height()\n"
        "st = explorer.state\n"
        "kind = st.report.kind if st.report is not None else None\n"
        "point = None if st.point is None else [float(c) for c in st.point]\n"
        'print("STATE" + json.dumps({"x": px, "y": height - py, "w": width, "h": height,\n'
        '                            "formula": st.formula, "kind": kind, "point": point,\n'
        '                            "working": st.working}))',
    ]
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


def _panel_text(page) -> str:
    panel = page.locator(".jp-Notebook .widget-htmlmath").first
    return panel.inner_text() if panel.count() else ""


def _state(page, timeout_s: float = RENDER_WITHIN) -> dict:
    """Run the state cell (it must start at once: the kernel is idle) and read its output."""
    t0 = time.monotonic()
    run_cell(page, 2, timeout_s=timeout_s)
    assert time.monotonic() - t0 < timeout_s
    text = cell_output(page, 2)["text"].strip()
    return json.loads(text.split("STATE", 1)[1])


def _type_formula(page, formula: str) -> None:
    box = page.locator(".jp-Notebook .widget-text input").first
    box.fill(formula)
    box.press("Enter")


def _wait_until(page, condition, what: str, timeout_s: float = RENDER_WITHIN) -> float:
    """Seconds until condition() holds (polled), or an AssertionError naming `what`."""
    t0 = time.monotonic()
    while not condition():
        assert time.monotonic() - t0 < timeout_s, f"{what} did not happen in {timeout_s} s"
        page.wait_for_timeout(100)
    return time.monotonic() - t0


def _click_origin(page, state: dict) -> None:
    canvas = page.locator(".jupyter-matplotlib-canvas-div").first
    canvas.scroll_into_view_if_needed()
    canvas.hover()
    box, previous = canvas.bounding_box(), None
    for _ in range(20):  # hovering may scroll the notebook: wait until the canvas stays put
        if box == previous:
            break
        page.wait_for_timeout(150)
        previous, box = box, canvas.bounding_box()
    assert box is not None, "the explorer's canvas is not visible"
    scale = box["width"] / state["w"]
    page.mouse.click(box["x"] + state["x"] * scale, box["y"] + state["y"] * scale)


def _is_marked(page, state: dict) -> bool:
    """True when the canvas shows the saddle's mark (blue) at the origin's pixel."""
    import io

    from PIL import Image

    canvas = page.locator(".jupyter-matplotlib-canvas-div canvas").last
    image = Image.open(io.BytesIO(canvas.screenshot())).convert("RGB")
    scale = image.width / state["w"]
    r, g, b = image.getpixel((round(state["x"] * scale), round(state["y"] * scale)))
    return b > 150 and r < 80  # the saddle marker's blue, not the map's green


def test_slow_formula_and_click_never_block_the_next_formula(lab_server, page,
                                                             artifacts_dir) -> None:
    """x**y, a click on its origin, then x^2 - y^2: rendered within seconds, kernel idle."""
    path = ROOT / "build" / "browser" / "explorer_async_e2e.ipynb"
    _write_notebook(path)
    open_notebook(page, lab_server, path.relative_to(ROOT).as_posix())
    run_all_and_wait(page, timeout_s=240)
    assert not notebook_report(page)["errors"]
    page.locator(".jupyter-matplotlib-canvas-div").first.wait_for(state="visible")
    try:
        _type_formula(page, "x**y")
        _wait_until(page, lambda: "your formula" in _panel_text(page), "the x**y picture")
        state = _state(page)  # the kernel answers at once, whatever the search is doing
        assert state["formula"] == "x**y"
        _click_origin(page, state)
        # the point is there at once (its classification may follow); the kernel answers
        _wait_until(page, lambda: max(map(abs, _state(page)["point"])) < 0.05, "the click")
        before = _panel_text(page)
        _type_formula(page, "x^2 - y^2")
        seconds = _wait_until(
            page, lambda: _panel_text(page) != before and "not critical" in _panel_text(page),
            "the x^2 - y^2 picture and its first point")
        state = _state(page)
        assert state["formula"] == "x^2 - y^2" and state["kind"] == "not critical"
        _wait_until(page, lambda: _state(page)["working"] == "", "the critical points",
                        timeout_s=45)
        _wait_until(page, lambda: _is_marked(page, state), "the saddle's mark at the origin")
        _wait_until(page, lambda: not kernel_busy(page), "an idle kernel")
        report = notebook_report(page)
        assert not report["errors"], "\n".join(report["errors"])
        print(f"x^2 - y^2 rendered {seconds:.2f} s after Enter")
    except AssertionError:
        screenshot_notebook(page, artifacts_dir / "explorer_async_failed.png")
        raise
    screenshot_notebook(page, artifacts_dir / "explorer_async.png")
