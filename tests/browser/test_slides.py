"""The offline reveal.js decks: built by tools/slides.py, shown with the network blocked.

Each notebook's deck is served from a temporary folder by a local static server; every
request that leaves 127.0.0.1 is aborted (and recorded). The test checks that no such request
was even tried, that every local file loaded, that reveal.js shows as many slides as the
notebook's slide metadata asks for, that the math was typeset by MathJax without errors, and
that notes cells became speaker notes.
"""

from __future__ import annotations

import functools
import json
import os
import re
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.browser

NOTEBOOK_GLOB = os.environ.get("COURSE_BROWSER_NOTEBOOKS", "notebooks/[0-9][0-9]_*.ipynb")
NOTEBOOKS = sorted(ROOT.glob(NOTEBOOK_GLOB))
MATH = re.compile(r"\$[^$\n]+\$|\\\(|\\\[|\\begin\{")


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def decks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build every deck (and copy the assets) into a temporary folder."""
    from tools import slides

    out = tmp_path_factory.mktemp("slides")
    # Tests download nothing: the install step (course.py's ensure_venv) fetched the assets.
    assert slides.assets_present(), (
        "slide assets missing from build/slide-assets/: run python3 course.py test "
        "(its install step fetches them) or python -m tools.slides --fetch-assets"
    )
    slides.install_assets(out)
    for path in NOTEBOOKS:
        slides.build_deck(path, out)
    return out


@pytest.fixture(scope="module")
def deck_server(decks: Path) -> Iterator[str]:
    """Serve the decks' folder on 127.0.0.1 for the module."""
    handler = functools.partial(_QuietHandler, directory=str(decks))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def _markdown_has_math(nb: dict) -> bool:
    return any(
        cell["cell_type"] == "markdown"
        and (cell.get("metadata", {}).get("slideshow") or {}).get("slide_type") != "skip"
        and MATH.search("".join(cell["source"]))
        for cell in nb["cells"]
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_deck_offline(deck_server: str, page, page_log, path: Path) -> None:
    """The deck loads with no outside request, has the expected slides and rendered math."""
    from tools.slides import expected_slide_count

    nb = json.loads(path.read_text(encoding="utf-8"))
    failed: list[str] = []
    # MathJax probes web-font loading with an `about:blank` font; that one may fail.
    page.on(
        "requestfailed",
        lambda r: failed.append(f"{r.url} ({r.failure})") if r.url != "about:blank" else 0,
    )
    page.on("response", lambda r: failed.append(f"{r.url} ({r.status})") if r.status >= 400 else 0)

    page.goto(f"{deck_server}/{path.stem}.slides.html")
    # require.js loads reveal.js as a module, so there is no global `Reveal`: read the DOM.
    page.wait_for_selector(".reveal.ready", state="attached")
    leaves = page.locator(".reveal .slides section:not(.stack)").count()
    counter = page.inner_text(".reveal .slide-number").split()  # "1 / N" (format c/t)
    expected = expected_slide_count(nb)
    assert leaves == expected, f"{leaves} slides in the deck, {expected} in the slide metadata"
    assert counter[-1] == str(expected), f"reveal.js counts {counter[-1]} slides"

    if _markdown_has_math(nb):
        page.wait_for_function(
            """() => window.MathJax && MathJax.Hub && MathJax.Hub.queue.pending === 0 &&
                   document.querySelectorAll('.MathJax, .MathJax_Display').length > 0""",
            polling=200,
        )
        errors = page.evaluate(
            "() => [...document.querySelectorAll('.MathJax_Error, merror')].map(e => e.textContent)"
        )
        assert not errors, f"MathJax could not typeset: {errors}"
        assert "Math Processing Error" not in page.inner_text("body")

    notes_cells = sum(
        (c.get("metadata", {}).get("slideshow") or {}).get("slide_type") == "notes"
        for c in nb["cells"]
    )
    if notes_cells:
        assert page.locator("aside.notes").count() >= 1, "notes cells are not speaker notes"
    page.wait_for_timeout(300)  # late requests (fonts) would be recorded by now
    assert not page_log.blocked, f"the deck tried to reach the network: {page_log.blocked}"
    assert not failed, f"local files failed to load: {failed}"
    assert not page_log.page_errors, f"uncaught exceptions in the deck: {page_log.page_errors}"
