"""Every notebook, run in real JupyterLab in headless Chromium: no errors, widgets are widgets.

For each notebook in notebooks/ (a glob, so new notebooks are covered automatically) the test
opens it alone in a fresh workspace, runs all cells, waits until the kernel is idle and no
prompt shows `*`, then checks the page: no error or stderr output, no "Error displaying
widget", and every widget view stored in the notebook file rendered as a widget in the page
(its DOM element exists, not its text repr). It records the wall time from "run all" to idle
and saves a screenshot of the whole notebook under tests/browser/artifacts/.

Set COURSE_BROWSER_NOTEBOOKS to a glob relative to the repository to test other notebooks.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from .conftest import ROOT
from .lab import (
    WIDGET_MIME,
    cell_output_fingerprint,
    drag_slider,
    notebook_report,
    open_notebook,
    run_all_and_wait,
    screenshot_notebook,
    wait_for_widgets,
)

pytestmark = pytest.mark.browser

NOTEBOOK_GLOB = os.environ.get("COURSE_BROWSER_NOTEBOOKS", "notebooks/[0-9][0-9]_*.ipynb")
# The Chinese editions: notebooks 00, 01 and 05 of zh-Hans and zh-Hant (the kernel starts in the
# edition's folder, so helpers print Chinese); the same checks plus visible CJK text.
ZH_GLOB = os.environ.get("COURSE_BROWSER_ZH_NOTEBOOKS", "notebooks/zh-*/0[015]_*.ipynb")
NOTEBOOKS = sorted(ROOT.glob(NOTEBOOK_GLOB)) + sorted(ROOT.glob(ZH_GLOB))

# Two different Han characters drawn on a canvas: with no CJK font both are the same "tofu" box.
CJK_GLYPHS_DIFFER = """() => {
  const draw = (ch) => {
    const c = document.createElement("canvas"); c.width = 40; c.height = 40;
    const g = c.getContext("2d"); g.font = "32px sans-serif"; g.fillText(ch, 2, 32);
    return Array.from(g.getImageData(0, 0, 40, 40).data).join(",");
  };
  return draw("鞍") !== draw("點");
}"""


def _test_id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}" if path.parent.name.startswith("zh-") else path.stem


def stored_widget_views(path: Path) -> list[int]:
    """Number of widget-view outputs stored in each cell of the notebook file."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [
        sum(WIDGET_MIME in out.get("data", {}) for out in cell.get("outputs", []))
        for cell in nb["cells"]
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_test_id)
def test_run_all_in_lab(lab_server, page, page_log, artifacts_dir, timings, path: Path) -> None:
    """Run all cells; no errors; every stored widget view renders as a widget."""
    rel = path.relative_to(ROOT).as_posix()
    open_notebook(page, lab_server, rel)
    seconds = run_all_and_wait(page, timeout_s=240)
    timings[_test_id(path)] = seconds
    print(f"{_test_id(path)}: run all -> idle in {seconds:.1f} s")

    expected = stored_widget_views(path)
    wait_for_widgets(page, expected, timeout_s=60)
    report = notebook_report(page)
    screenshot_notebook(page, artifacts_dir / f"{_test_id(path).replace('/', '_')}.png")
    if path.parent.name.startswith("zh-"):
        _assert_chinese_shown(page, path)

    assert report["cells"] == len(expected), "the page shows a different number of cells"
    assert not report["errors"], f"error/stderr outputs in {rel}:\n" + "\n---\n".join(
        report["errors"]
    )
    assert not report["widget_errors"], f"'Error displaying widget' in {rel}: " + "; ".join(
        report["widget_errors"]
    )
    rendered = report["widgets_rendered"]
    missing = [
        f"cell {i}: {want} widget view(s) stored, {got} rendered as widgets"
        for i, (want, got) in enumerate(zip(expected, rendered, strict=True))
        if got < want
    ]
    assert not missing, f"widgets not rendered in {rel}:\n" + "\n".join(missing)
    assert not page_log.page_errors, f"uncaught exceptions in the page: {page_log.page_errors}"


def _assert_chinese_shown(page, path: Path) -> None:
    """The Chinese title is on the page, helpers answered in Chinese, and CJK glyphs render."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    title = "".join(nb["cells"][0]["source"]).splitlines()[0].lstrip("# ").strip()
    text = page.locator(".jp-NotebookPanel .jp-Notebook").first.inner_text()
    assert title in text, f"the Chinese title {title!r} is not shown"
    if "尚未作答" in path.read_text(encoding="utf-8"):  # a stored exercise output
        assert "尚未作答" in text, "the exercises' Chinese feedback is not shown"
    assert page.evaluate(CJK_GLYPHS_DIFFER), "no CJK font: Han characters render as boxes"


def _notebook(number: str) -> Path:
    matches = sorted(ROOT.glob(f"notebooks/{number}_*.ipynb"))
    if not matches:
        pytest.skip(f"notebooks/{number}_*.ipynb does not exist yet")
    return matches[0]


def test_slider_changes_output_in_notebook_01(lab_server, page) -> None:
    """Dragging a slider in notebook 01 changes what the notebook shows."""
    path = _notebook("01")
    open_notebook(page, lab_server, path.relative_to(ROOT).as_posix())
    run_all_and_wait(page, timeout_s=240)
    wait_for_widgets(page, stored_widget_views(path), timeout_s=60)
    handles = page.locator(".widget-slider .noUi-handle")
    assert handles.count() > 0, "notebook 01 shows no slider"
    handle = handles.first
    notebook = page.locator(".jp-NotebookPanel .jp-Notebook").first
    before = cell_output_fingerprint(notebook)
    drag_slider(page, handle, dx=60)
    deadline = time.monotonic() + 30
    after = before
    while time.monotonic() < deadline:
        after = cell_output_fingerprint(notebook)
        if after != before:
            break
        page.wait_for_timeout(250)
    assert after != before, "dragging the slider did not change any output of notebook 01"


# ------------------------------------------------------------------ the surface explorer


def _write_explorer_notebook(path: Path) -> None:
    """A scratch notebook showing SurfaceExplorer on x² − y², and where its origin is drawn."""
    import nbformat

    cells = [
        "%matplotlib widget\nfrom helpers import SurfaceExplorer",
        'explorer = SurfaceExplorer("x2-y2")\nexplorer.widget()',
        # Where the data point (0, 0) is on the canvas, in figure pixels from the top left.
        "import json\n"
        "fig = explorer.figure()\n"
        "px, py = fig.axes[0].transData.transform((0.0, 0.0))\n"
        "width, height = fig.canvas.get_width_height()\n"
        'print("ORIGIN" + json.dumps({"x": px, "y": height - py, "w": width, "h": height}))',
    ]
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in cells]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


def _panel_text(page) -> str:
    panel = page.locator(".jp-Notebook .widget-htmlmath").first
    return panel.inner_text() if panel.count() else ""


def _wait_panel(page, needle: str, before: str | None = None, timeout_s: float = 30) -> str:
    """Wait until the explorer's panel shows `needle` (and differs from `before`)."""
    deadline = time.monotonic() + timeout_s
    text = ""
    while time.monotonic() < deadline:
        text = _panel_text(page)
        if needle in text and text != before:
            return text
        page.wait_for_timeout(200)
    changed = "" if before is None or text != before else " (the panel did not change at all)"
    raise AssertionError(
        f"the explorer's panel never showed {needle!r}{changed}; it shows:\n{text}"
    )


def test_surface_explorer_click_and_formula(lab_server, page, artifacts_dir) -> None:
    """Click x² − y² at the origin: saddle point; elsewhere: not critical; hostile formula."""
    if not (ROOT / "helpers" / "explorer").is_dir():
        pytest.skip("helpers/explorer (the surface explorer) is not in the repository yet")
    # build/ is gitignored and outside what nbval and ruff collect (tests/, notebooks/).
    path = ROOT / "build" / "browser" / "explorer_e2e.ipynb"
    _write_explorer_notebook(path)
    open_notebook(page, lab_server, path.relative_to(ROOT).as_posix())
    run_all_and_wait(page, timeout_s=240)
    report = notebook_report(page)
    assert not report["errors"], "\n".join(report["errors"])
    canvas = page.locator(".jupyter-matplotlib-canvas-div").first
    canvas.wait_for(state="visible")
    origin_text = page.locator(".jp-OutputArea-output").filter(has_text="ORIGIN").inner_text()
    origin = json.loads(origin_text.strip().removeprefix("ORIGIN"))

    def click(dx: float = 0.0, dy: float = 0.0) -> None:
        """Click the canvas at the origin's pixel plus (dx, dy) figure pixels."""
        # Hovering shows ipympl's toolbar and clicking focuses the canvas (which may scroll the
        # notebook): hover first, then measure until the canvas stops moving.
        canvas.scroll_into_view_if_needed()
        canvas.hover()
        box, previous = canvas.bounding_box(), None
        for _ in range(20):
            if box == previous:
                break
            page.wait_for_timeout(150)
            previous, box = box, canvas.bounding_box()
        assert box is not None, "the explorer's canvas is not visible"
        scale = box["width"] / origin["w"]
        page.mouse.click(
            box["x"] + (origin["x"] + dx) * scale, box["y"] + (origin["y"] + dy) * scale
        )

    def click_and_wait(needle: str, dx: float = 0.0, dy: float = 0.0) -> str:
        before = _panel_text(page)
        click(dx, dy)
        return _wait_panel(page, needle, before)

    try:
        # Away from the origin first, so the saddle really comes from the click.
        click_and_wait("not critical", dx=120, dy=-60)
        text = click_and_wait("saddle point")
        assert "not critical" not in text
        click_and_wait("not critical", dx=-90, dy=45)

        # A hostile formula is rejected with a message; nothing is evaluated.
        box_input = page.locator(".jp-Notebook .widget-text input").first
        box_input.fill("__import__('os')")
        box_input.press("Enter")
        text = _wait_panel(page, "__import__")
        assert "⚠" in text, f"no error shown for a hostile formula:\n{text}"
        assert not notebook_report(page)["errors"], "the hostile formula produced error output"
    except AssertionError:
        screenshot_notebook(page, artifacts_dir / "explorer_e2e_failed.png")
        raise
    screenshot_notebook(page, artifacts_dir / "explorer_e2e.png")
