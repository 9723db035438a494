"""Driving a notebook in JupyterLab through Playwright: open, run all, inspect, interact.

Used by the browser tests and by tools/screenshots.py. Everything goes through
`window.jupyterapp` (exposed by `LabApp.expose_app_in_browser`) and stable CSS classes.
"""

from __future__ import annotations

import time
from pathlib import Path

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
STDERR_MIME = "application/vnd.jupyter.stderr"  # JupyterLab renders errors with this type too
WIDGET_SELECTOR = ".jupyter-widgets, .jupyter-matplotlib, .widget-slider"

_KERNEL_IDLE_JS = """() => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  if (!w || !w.content || !w.sessionContext || !w.context || !w.context.isReady) return false;
  const session = w.sessionContext.session;
  const kernel = session && session.kernel;
  return !!kernel && kernel.status === 'idle' && kernel.connectionStatus === 'connected';
}"""

_NOT_BUSY_JS = """() => {
  const w = window.jupyterapp.shell.currentWidget;
  const kernel = w.sessionContext.session && w.sessionContext.session.kernel;
  if (!kernel || kernel.status !== 'idle') return false;
  const prompts = [...w.content.node.querySelectorAll('.jp-InputPrompt')];
  return !prompts.some(p => p.textContent.includes('*'));
}"""

_REPORT_JS = """([stderrMime, widgetSelector]) => {
  const nb = window.jupyterapp.shell.currentWidget.content.node;
  const cells = [...nb.querySelectorAll('.jp-Cell')].filter(c => c.closest('.jp-Notebook') === nb);
  const topLevel = (cell, selector) => [...cell.querySelectorAll(selector)].filter(
      el => el.closest('.jp-Cell') === cell &&
            !(el.parentElement && el.parentElement.closest('.jupyter-widgets, .widget-output')));
  const errors = [...nb.querySelectorAll(`.jp-OutputArea-output[data-mime-type="${stderrMime}"]`)]
      .map(el => el.innerText.slice(0, 3000));
  const widgetErrors = [...nb.querySelectorAll('.jp-OutputArea-output')]
      .filter(el => el.textContent.includes('Error displaying widget'))
      .map(el => el.textContent.slice(0, 300));
  // Widget views carry no data-mime-type: count top-level outputs holding a widget element.
  const widgetsRendered = cells.map(cell => topLevel(cell, '.jp-OutputArea-output')
      .filter(el => el.querySelector(widgetSelector) !== null).length);
  return {cells: cells.length, errors, widget_errors: widgetErrors,
          widgets_rendered: widgetsRendered};
}"""

_FINGERPRINT_JS = """(root) => {
  // What the outputs show, without the sliders themselves (their knob and readout move).
  const parts = [];
  root.querySelectorAll('.jp-OutputArea-output').forEach(out => {
    out.querySelectorAll('img').forEach(img => parts.push('img:' + img.src.length + ':' +
                                                          img.src.slice(-200)));
    out.querySelectorAll('canvas').forEach(c => {
      try { parts.push('canvas:' + c.toDataURL().slice(-400)); } catch (e) {}
    });
    out.querySelectorAll('.MathJax, mjx-container').forEach(m => parts.push(m.textContent));
    const copy = out.cloneNode(true);
    copy.querySelectorAll('.widget-slider, .widget-readout, input, select, button')
        .forEach(el => el.remove());
    parts.push(copy.textContent);
  });
  return parts.join('\\n');
}"""


def open_notebook(page, lab_server, relpath: str, timeout_s: float = 120) -> None:
    """Open `relpath` alone in a fresh workspace and wait until its kernel is idle."""
    page.goto(lab_server.notebook_url(relpath))
    page.wait_for_function("() => window.jupyterapp !== undefined", timeout=timeout_s * 1000)
    page.evaluate(
        "async () => { await window.jupyterapp.started; await window.jupyterapp.restored; }"
    )
    page.wait_for_function(_KERNEL_IDLE_JS, polling=200, timeout=timeout_s * 1000)


def run_all_and_wait(page, timeout_s: float = 240) -> float:
    """Run every cell; wait until the kernel is idle and no prompt shows `*`; return seconds."""
    started = time.perf_counter()
    page.evaluate("""() => {
      window.__runAll = undefined;
      window.jupyterapp.commands.execute('notebook:run-all-cells').then(
        r => { window.__runAll = 'done'; }, e => { window.__runAll = 'error: ' + e; });
    }""")
    page.wait_for_function(
        "() => window.__runAll !== undefined", polling=100, timeout=timeout_s * 1000
    )
    outcome = page.evaluate("() => window.__runAll")
    if outcome != "done":
        raise AssertionError(f"run all cells failed: {outcome}")
    page.wait_for_function(_NOT_BUSY_JS, polling=100, timeout=timeout_s * 1000)
    return time.perf_counter() - started


def notebook_report(page) -> dict:
    """Cells, error/stderr outputs, widget errors and rendered widgets per cell."""
    return page.evaluate(_REPORT_JS, [STDERR_MIME, WIDGET_SELECTOR])


def wait_for_widgets(page, expected: list[int], timeout_s: float = 60) -> None:
    """Wait until each cell shows at least as many rendered widgets as stored, or time out."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        report = notebook_report(page)
        got = report["widgets_rendered"]
        if report["widget_errors"] or (
            len(got) == len(expected) and all(g >= e for g, e in zip(got, expected, strict=True))
        ):
            return
        page.wait_for_timeout(250)


def cell_output_fingerprint(locator) -> str:
    """A string that changes when the outputs under `locator` change (sliders excluded)."""
    return locator.evaluate(_FINGERPRINT_JS)


def drag_slider(page, handle, dx: float) -> None:
    """Drag an ipywidgets slider handle (`.noUi-handle`) horizontally by dx pixels."""
    handle.scroll_into_view_if_needed()
    box = handle.bounding_box()
    assert box is not None, "the slider handle is not visible"
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx / 2, y, steps=4)
    page.mouse.move(x + dx, y, steps=4)
    page.mouse.up()


def notebook_scroller_height(page) -> int:
    """Full height in CSS pixels of the notebook's content, from the top of the page."""
    return page.evaluate("""() => {
      const nb = window.jupyterapp.shell.currentWidget.content.node;
      const outer = nb.querySelector('.jp-WindowedPanel-outer') || nb;
      const inner = nb.querySelector('.jp-WindowedPanel-inner') || nb;
      return Math.ceil(outer.getBoundingClientRect().top + inner.scrollHeight + 60);
    }""")


def screenshot_notebook(page, path: Path, max_height: int = 12000) -> None:
    """Screenshot the whole notebook by growing the viewport to its full height."""
    page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
    size = page.viewport_size
    height = min(max(notebook_scroller_height(page), size["height"]), max_height)
    page.set_viewport_size({"width": size["width"], "height": height})
    page.wait_for_timeout(400)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path))
    page.set_viewport_size(size)
