"""Fixtures for the end-to-end tests: a JupyterLab server and Debian's headless Chromium.

The server listens on 127.0.0.1 (a free port picked once per session), with no token, the
repository as its root, and its workspaces, settings and runtime files in a temporary folder.
Chromium is driven by Playwright from /usr/bin/chromium; `playwright install` is never used.
Every page blocks requests that leave this machine, so a test can never depend on the network.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "browser" / "artifacts"
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

# Settings for a quiet, predictable JupyterLab: no news or update toasts, no lazy rendering
# of off-screen cells (so every output is in the DOM and can be counted).
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {
        "windowingMode": "none",
    },
}


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
        return "the playwright Python package is not installed (it is pinned in requirements.txt)"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip every browser test with a clear reason when Chromium or Playwright is missing."""
    reason = chromium_missing_reason()
    if reason is None:
        return
    marker = pytest.mark.skip(reason=reason)
    for item in items:
        if "browser" in item.keywords and Path(item.path).is_relative_to(Path(__file__).parent):
            item.add_marker(marker)


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

    def notebook_url(self, relpath: str) -> str:
        """URL that opens `relpath` (relative to the repo) alone in a fresh workspace."""
        return f"{self.url}/lab/workspaces/t{uuid.uuid4().hex[:12]}/tree/{relpath}?reset"


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    """Start JupyterLab for the whole session and stop it at the end."""
    reason = chromium_missing_reason()
    if reason:
        pytest.skip(reason)
    base = tmp_path_factory.mktemp("lab")
    settings = base / "settings"
    for name, value in LAB_SETTINGS.items():
        path = settings / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value), encoding="utf-8")
    for sub in ("workspaces", "config", "runtime", "data"):
        (base / sub).mkdir()
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
        sys.executable,
        "-m",
        "jupyterlab",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        "--ServerApp.open_browser=False",
        "--ServerApp.allow_root=True",
        "--IdentityProvider.token=",
        "--ServerApp.password=",
        "--ServerApp.disable_check_xsrf=True",
        f"--ServerApp.root_dir={ROOT}",
        "--LabApp.expose_app_in_browser=True",
        f"--LabApp.workspaces_dir={base / 'workspaces'}",
        f"--LabApp.user_settings_dir={settings}",
        "--LabServerApp.extra_labextensions_path=[]",
    ]
    log = base / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for_http(f"{url}/api/status", proc, timeout=120)
        yield LabServer(url, proc, log)
    except RuntimeError as exc:
        pytest.fail(f"{exc}\n--- server log ---\n{log.read_text(errors='replace')[-4000:]}")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium, headless, for the whole session."""
    reason = chromium_missing_reason()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


class PageLog:
    """What a page said: console errors, uncaught exceptions and blocked requests."""

    def __init__(self) -> None:
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.blocked: list[str] = []


@pytest.fixture
def page_log() -> PageLog:
    return PageLog()


@pytest.fixture
def page(browser, page_log: PageLog) -> Iterator[object]:
    """A fresh browser context and page; requests that leave this machine are aborted."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, device_scale_factor=1)

    def _route(route) -> None:
        url = route.request.url
        if url.startswith(LOCAL_PREFIXES):
            route.continue_()
        else:
            page_log.blocked.append(url)
            route.abort()

    context.route("**/*", _route)
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    pg.on(
        "console",
        lambda msg: page_log.console_errors.append(msg.text) if msg.type == "error" else None,
    )
    pg.on("pageerror", lambda exc: page_log.page_errors.append(str(exc)))
    try:
        yield pg
    finally:
        context.close()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """tests/browser/artifacts/ (gitignored): screenshots and timings of the last run."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


# ------------------------------------------------------------------ wall-time report

_TIMINGS: dict[str, float] = {}


@pytest.fixture(scope="session")
def timings() -> dict[str, float]:
    """Seconds from "run all" to idle, per notebook; written to artifacts at the end."""
    return _TIMINGS


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not _TIMINGS:
        return
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    rows = dict(sorted(_TIMINGS.items()))
    (ARTIFACTS / "timings.json").write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    lines = ["| notebook | run all → idle (s) |", "| --- | ---: |"]
    lines += [f"| {name} | {seconds:.1f} |" for name, seconds in rows.items()]
    (ARTIFACTS / "timings.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    if not _TIMINGS:
        return
    terminalreporter.section("JupyterLab: run all -> idle, wall time per notebook")
    for name, seconds in sorted(_TIMINGS.items()):
        terminalreporter.write_line(f"{name:<45} {seconds:6.1f} s")
    terminalreporter.write_line(f"(table in {ARTIFACTS.relative_to(ROOT)}/timings.md)")
