"""Fixtures for the end-to-end tests: a JupyterLab server and Debian's headless Chromium.

The server listens on 127.0.0.1 (a free port picked once per session), with no token, the
repository as its root, and its workspaces, settings and runtime files in a temporary folder
(see lab.lab_server_process). Chromium is Playwright-driven /usr/bin/chromium; `playwright
install` is never used. Every page blocks requests that leave this machine. All tests here
are marked `browser` and skip with a reason when Chromium or Playwright is missing.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .lab import (
    ROOT,
    LabServer,
    block_outside_requests,
    chromium_missing_reason,
    lab_server_process,
    launch_chromium,
)

ARTIFACTS = ROOT / "tests" / "browser" / "artifacts"
HERE = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:  # `tools` (the deck builder) is imported from the repo root
    sys.path.insert(0, str(ROOT))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip every browser test with a clear reason when Chromium or Playwright is missing."""
    reason = chromium_missing_reason()
    if reason is None:
        return
    marker = pytest.mark.skip(reason=reason)
    for item in items:
        if "browser" in item.keywords and Path(item.path).is_relative_to(HERE):
            item.add_marker(marker)


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    """JupyterLab for the whole session, stopped at the end."""
    reason = chromium_missing_reason()
    if reason:
        pytest.skip(reason)
    try:
        with lab_server_process(tmp_path_factory.mktemp("lab")) as server:
            yield server
    except RuntimeError as exc:
        pytest.fail(str(exc))


@pytest.fixture(autouse=True)
def _stop_kernels(request: pytest.FixtureRequest) -> Iterator[None]:
    """Tests that use the lab server start kernels; stop them all after each such test."""
    yield
    if "lab_server" in request.fixturenames:
        request.getfixturevalue("lab_server").shutdown_kernels()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium, headless, for the whole session."""
    reason = chromium_missing_reason()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = launch_chromium(pw)
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
    block_outside_requests(context, page_log.blocked)
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
