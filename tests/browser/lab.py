"""Driving JupyterLab in headless Chromium: start a server, open, run all, inspect, interact.

Used by the browser tests (tests/browser/conftest.py) and by tools/screenshots.py. Everything
in the page goes through `window.jupyterapp` (exposed by `LabApp.expose_app_in_browser`) and
stable CSS classes. Chromium is Debian's /usr/bin/chromium: `playwright install` is never used.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_PREFIXES = (
    "http://127.0.0.1",
    "http://localhost",
    "ws://127.0.0.1",
    "ws://localhost",
    "file://",
    "data:",
    "blob:",
    "about:",
)
# A quiet, predictable JupyterLab: no news or update toasts, and no lazy rendering of
# off-screen cells (so every output is in the DOM and can be counted).
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {
        "windowingMode": "none",
    },
}


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002
        pass


@contextlib.contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 (a free port) while the block runs; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def chromium_missing_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not CHROMIUM.exists():
        return (
            f"{CHROMIUM} is missing: install Debian's Chromium "
            "(`apt-get install -y chromium`; .ci/run does this) to run the browser tests"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed (python3 course.py test installs it)"
    return None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_http(url: str, proc: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"JupyterLab exited early with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"JupyterLab did not answer {url} within {timeout:.0f} s")


class LabServer:
    """A running JupyterLab server: its base URL and helpers to build page URLs."""

    def __init__(self, url: str, proc: subprocess.Popen, log: Path) -> None:
        self.url = url
        self.proc = proc
        self.log = log

    def shutdown_kernels(self) -> None:
        """Stop every kernel the server runs (after a test: they would pile up otherwise)."""
        with urllib.request.urlopen(f"{self.url}/api/kernels", timeout=10) as response:
            kernels = json.load(response)
        for kernel in kernels:
            request = urllib.request.Request(f"{self.url}/api/kernels/{kernel['id']}",
                                             method="DELETE")  # fmt: skip
            with urllib.request.urlopen(request, timeout=30):
                pass

    def notebook_url(self, relpath: str) -> str:
        """URL that opens `relpath` (relative to the repo) alone in a fresh workspace."""
        return f"{self.url}/lab/workspaces/t{uuid.uuid4().hex[:12]}/tree/{relpath}?reset"


@contextlib.contextmanager
def lab_server_process(base: Path, root: Path = ROOT) -> Iterator[LabServer]:
    """Run JupyterLab on 127.0.0.1 (free port, no token, root_dir=root); state under base."""
    settings = base / "settings"
    for name, value in LAB_SETTINGS.items():
        path = settings / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value), encoding="utf-8")
    for sub in ("workspaces", "config", "runtime"):
        (base / sub).mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = dict(os.environ)
    env.update(
        JUPYTER_CONFIG_DIR=str(base / "config"),
        JUPYTER_RUNTIME_DIR=str(base / "runtime"),
        JUPYTER_PLATFORM_DIRS="1",
        PYTHONHASHSEED="0",
        PYDEVD_DISABLE_FILE_VALIDATION="1",
    )
    cmd = [
        sys.executable, "-m", "jupyterlab",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        "--ServerApp.open_browser=False",
        "--ServerApp.allow_root=True",
        "--IdentityProvider.token=",
        "--ServerApp.password=",
        "--ServerApp.disable_check_xsrf=True",
        f"--ServerApp.root_dir={root}",
        "--LabApp.expose_app_in_browser=True",
        f"--LabApp.workspaces_dir={base / 'workspaces'}",
        f"--LabApp.user_settings_dir={settings}",
    ]  # fmt: skip
    log = base / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        try:
            _wait_for_http(f"{url}/api/status", proc, timeout=120)
        except RuntimeError as exc:
            tail = log.read_text(errors="replace")[-4000:]
            raise RuntimeError(f"{exc}\n--- server log ---\n{tail}") from None
        yield LabServer(url, proc, log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def launch_chromium(playwright):
    """Debian's Chromium, headless, with the flags this machine needs."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )


def block_outside_requests(context, blocked: list[str]) -> None:
    """Abort every request that leaves this machine; record its URL in `blocked`."""

    def _route(route) -> None:
        url = route.request.url
        if url.startswith(LOCAL_PREFIXES):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    context.route("**/*", _route)


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


def screenshot_notebook(page, path: Path, max_height: int = 16000) -> None:
    """Screenshot the whole notebook (left panel collapsed) by growing the viewport."""
    page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
    size = page.viewport_size
    height = min(max(notebook_scroller_height(page), size["height"]), max_height)
    page.set_viewport_size({"width": size["width"], "height": height})
    page.evaluate("""() => {
      const nb = window.jupyterapp.shell.currentWidget.content.node;
      (nb.querySelector('.jp-WindowedPanel-outer') || nb).scrollTop = 0;
    }""")
    page.wait_for_timeout(400)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path))
    page.set_viewport_size(size)


# ------------------------------------------------------------------ one cell at a time

_RUN_CELLS_JS = """([index, command]) => {
  const w = window.jupyterapp.shell.currentWidget;
  w.content.activeCellIndex = index;
  w.content.deselectAll();
  window.__runCell = undefined;
  window.jupyterapp.commands.execute(command).then(
    r => { window.__runCell = 'done'; }, e => { window.__runCell = 'error: ' + e; });
}"""

_CELL_OUTPUT_JS = """(index) => {
  const cell = window.jupyterapp.shell.currentWidget.content.widgets[index];
  const area = cell.node.querySelector('.jp-OutputArea');
  const errors = [...cell.node.querySelectorAll(
      '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')]
      .map(el => el.innerText);
  return {text: area ? area.innerText : '', errors};
}"""


def wait_until_not_busy(page, timeout_s: float = 240) -> None:
    """Wait until the kernel is idle and no prompt shows `*`."""
    page.wait_for_function(_NOT_BUSY_JS, polling=100, timeout=timeout_s * 1000)


def run_cell(page, index: int, command: str = "notebook:run-cell", wait: bool = True,
             timeout_s: float = 240) -> None:
    """Make cell `index` active and run `command` on it (run-cell, run-all-above, ...);
    with `wait`, return once the command finished and the kernel is idle again."""
    page.evaluate(_RUN_CELLS_JS, [index, command])
    if not wait:
        return
    page.wait_for_function("() => window.__runCell !== undefined", polling=100,
                           timeout=timeout_s * 1000)
    outcome = page.evaluate("() => window.__runCell")
    if outcome != "done":
        raise AssertionError(f"{command} on cell {index} failed: {outcome}")
    wait_until_not_busy(page, timeout_s)


def cell_output(page, index: int) -> dict:
    """The text of cell `index`'s outputs and the text of each of its error outputs."""
    return page.evaluate(_CELL_OUTPUT_JS, index)


def set_cell_source(page, index: int, source: str) -> None:
    """Replace the source of cell `index`, as a student typing into it would."""
    page.evaluate("""([index, source]) => {
      window.jupyterapp.shell.currentWidget.content.widgets[index].model.sharedModel
          .setSource(source);
    }""", [index, source])


def restart_kernel(page, timeout_s: float = 120) -> None:
    """Restart the notebook's kernel (no dialog) and wait until the new one is idle."""
    page.evaluate("async () => { await window.jupyterapp.shell.currentWidget.sessionContext"
                  ".restartKernel(); }")
    page.wait_for_function(_KERNEL_IDLE_JS, polling=200, timeout=timeout_s * 1000)


def interrupt_kernel(page) -> None:
    """Press the notebook's stop button (interrupt the kernel)."""
    page.evaluate("async () => { await window.jupyterapp.shell.currentWidget.sessionContext"
                  ".session.kernel.interrupt(); }")


def kernel_busy(page) -> bool:
    """True while the notebook's kernel is executing."""
    return page.evaluate("""() => {
      const k = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
      return !!k && k.status === 'busy';
    }""")
