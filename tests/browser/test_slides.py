"""The offline reveal.js decks: built by tools/slides.py, shown with the network blocked.

Each notebook's deck is served from a temporary folder by a local static server; every
request that leaves 127.0.0.1 is aborted (and recorded). The test checks that no such request
was even tried, that every local file loaded, that reveal.js shows as many slides as the
notebook's slide metadata asks for, that the math was typeset by MathJax without errors, and
that notes cells became speaker notes. A second test opens each deck at 1280x720 and checks
that every slide, at every fragment step, fits the screen (defined below, at _FIT_JS) with
text of at least 11 pt, and that no visible slide shows a solution (speaker notes), a hidden
input or a skipped cell.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import ROOT
from .lab import serve_folder

pytestmark = pytest.mark.browser

NOTEBOOK_GLOB = os.environ.get("COURSE_BROWSER_NOTEBOOKS", "notebooks/[0-9][0-9]_*.ipynb")
# The Chinese editions' decks (slides/zh-Hans, slides/zh-Hant) are tested the same way: by
# default zh-Hans 00, 01 and 05 (test time); all 16 fitted 1280x720 when last run in full with
# COURSE_BROWSER_ZH_NOTEBOOKS='notebooks/zh-*/[0-9][0-9]_*.ipynb' (zh-Hant is character-converted).
ZH_GLOB = os.environ.get("COURSE_BROWSER_ZH_NOTEBOOKS", "notebooks/zh-Hans/0[015]_*.ipynb")
NOTEBOOKS = sorted(ROOT.glob(NOTEBOOK_GLOB)) + sorted(ROOT.glob(ZH_GLOB))


def _deck_url(server: str, path: Path) -> str:
    """The deck's address: `/<stem>.slides.html`, or `/zh-Hans/<stem>.slides.html`."""
    folder = f"{path.parent.name}/" if path.parent.name.startswith("zh-") else ""
    return f"{server}/{folder}{path.stem}.slides.html"


def _deck_id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}" if path.parent.name.startswith("zh-") else path.stem
MATH = re.compile(r"\$[^$\n]+\$|\\\(|\\\[|\\begin\{")


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
    for folder in {slides.deck_folder(path, out) for path in NOTEBOOKS}:
        folder.mkdir(parents=True, exist_ok=True)
        slides.install_assets(folder)
    for path in NOTEBOOKS:
        slides.build_deck(path, slides.deck_folder(path, out))
    return out


@pytest.fixture(scope="module")
def deck_server(decks: Path) -> Iterator[str]:
    """Serve the decks' folder on 127.0.0.1 for the module."""
    with serve_folder(decks) as url:
        yield url


def _markdown_has_math(nb: dict) -> bool:
    return any(
        cell["cell_type"] == "markdown"
        and (cell.get("metadata", {}).get("slideshow") or {}).get("slide_type") != "skip"
        and MATH.search("".join(cell["source"]))
        for cell in nb["cells"]
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_deck_id)
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

    page.goto(_deck_url(deck_server, path))
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


# ------------------------------------------------------------------ slides that fit

# A slide *fits* when, at a 1280x720 viewport, for the slide and each of its fragment steps,
# every element of the slide that is visible at that step (display not none, visibility
# visible, a non-empty box; speaker notes excluded) and every line box of its text lie inside
# the viewport, to within 1 px, after reveal.js has scaled the slide. Only a scrollable box
# (a code box, a text or image output: overflow auto/scroll) may clip what is inside it; then
# the part inside the box counts, and the box itself must fit. A typeset formula counts as one
# box (MathJax's HTML-CSS output or a native MathML <math>, which MathJax's HTMLorMML
# configuration may choose in Chromium). Visible text is at least 11 pt (14.67 CSS px) on the
# screen (formulas aside).
VIEWPORT = {"width": 1280, "height": 720}
MIN_FONT_PX = 11 * 96 / 72

_FIT_JS = """
async ({minFont, scrollBox}) => {
  await new Promise(r => document.readyState === "complete" ? r() : addEventListener("load", r));
  const Reveal = require("reveal.js/dist/reveal.js");
  Reveal.configure({transition: "none", backgroundTransition: "none"});
  const W = window.innerWidth, H = window.innerHeight, TOL = 1;
  const settle = () => new Promise(resolve => {
    const done = () => requestAnimationFrame(() => requestAnimationFrame(resolve));
    if (window.MathJax && MathJax.Hub) MathJax.Hub.Queue(done); else done();
  });
  const scrolls = el => {
    const cs = getComputedStyle(el);
    return /auto|scroll/.test(cs.overflowX + " " + cs.overflowY) && el.matches(scrollBox);
  };
  const clip = (r, el, slide) => {
    let [l, t, rr, b] = [r.left, r.top, r.right, r.bottom];
    for (let a = el.parentElement; a && a !== slide; a = a.parentElement) {
      if (!scrolls(a)) continue;
      const q = a.getBoundingClientRect();
      [l, t, rr, b] = [Math.max(l, q.left), Math.max(t, q.top),
                       Math.min(rr, q.right), Math.min(b, q.bottom)];
    }
    return [l, t, rr, b];
  };
  const cellOf = el => {
    const c = el.closest("[id^='cell-id=']");
    return c ? c.id.slice("cell-id=".length) : "";
  };
  const sl = document.querySelector(".reveal .slides");
  const steps = [];
  for (const slide of Reveal.getSlides()) {
    const {h, v} = Reveal.getIndices(slide);
    const first = slide.querySelector("[id^='cell-id=']");
    Reveal.slide(h, v, -1);
    await settle();
    const scale = sl.getBoundingClientRect().width / sl.offsetWidth;
    for (let step = 0; ; step++) {
      const out = [], small = [];
      for (const el of slide.querySelectorAll("*")) {
        if (el.closest("aside.notes")) continue;
        const math = el.parentElement &&
          el.parentElement.closest(".MathJax, .MathJax_Display, .MathJax_Preview, math");
        if (math && slide.contains(math)) continue;
        const cs = getComputedStyle(el);
        if (cs.display === "none" || cs.visibility !== "visible") continue;
        const r = el.getBoundingClientRect();
        if (r.width <= 0 || r.height <= 0) continue;
        const rects = [clip(r, el, slide)];
        for (const n of el.childNodes) {
          if (n.nodeType !== Node.TEXT_NODE || !n.textContent.trim()) continue;
          const range = document.createRange();
          range.selectNodeContents(n);
          for (const q of range.getClientRects()) if (q.width > 0) rects.push(clip(q, el, slide));
          const px = parseFloat(cs.fontSize) * scale;
          if (px < minFont && !el.closest(".MathJax, .MathJax_Display, math"))
            small.push(`${cellOf(el)} ${el.tagName} ${px.toFixed(1)}px`);
        }
        for (const [l, t, rr, b] of rects) {
          if (rr <= l || b <= t) continue;  // clipped away inside a scroll box
          if (l < -TOL || t < -TOL || rr > W + TOL || b > H + TOL) {
            out.push(`${cellOf(el) || "?"} ${el.tagName.toLowerCase()} ` +
                     `[${[l, t, rr, b].map(Math.round).join(", ")}]`);
            break;
          }
        }
      }
      steps.push({slide: `${h}/${v}`, first: first ? cellOf(first) : "", step,
                  overflow: out, small, text: slide.innerText});
      if (!Reveal.nextFragment()) break;
      await settle();
    }
  }
  return {steps, deckText: sl.textContent};
}
"""
SCROLL_BOX = "pre, .highlight, .jp-OutputArea-output"


def _slide_type(cell: dict) -> str:
    return (cell.get("metadata", {}).get("slideshow") or {}).get("slide_type", "-")


def _squash(text: str) -> str:
    return " ".join(text.split())


def _code_lines(cell: dict) -> list[str]:
    """The lines of a cell's code: fenced ```python blocks of markdown, or the source."""
    source = "".join(cell["source"])
    if cell["cell_type"] == "markdown":
        blocks = re.findall(r"```(?:python)?\n(.*?)```", source, flags=re.S)
        source = "\n".join(blocks)
    return [_squash(line) for line in source.splitlines()]


def _distinctive(cells: list[dict], others: list[dict]) -> list[str]:
    """Code lines of `cells` (16+ characters) that no cell of `others` contains."""
    seen = {line for cell in others for line in _code_lines(cell)}
    seen |= {_squash("".join(c["source"])) for c in others if c["cell_type"] == "markdown"}
    return sorted(
        {
            line
            for cell in cells
            for line in _code_lines(cell)
            if len(line) >= 16 and line not in seen and not any(line in s for s in seen)
        }
    )


@pytest.fixture
def screen_page(browser, page_log) -> Iterator[object]:
    """A 1280x720 page with requests that leave this machine aborted."""
    from .lab import block_outside_requests

    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1)
    block_outside_requests(context, page_log.blocked)
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    try:
        yield pg
    finally:
        context.close()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_deck_id)
def test_deck_fits_the_screen(deck_server: str, screen_page, path: Path) -> None:
    """At 1280x720 every slide and fragment step fits, with text of 11 pt or more, and no
    visible slide shows a solution, a hidden input or a skipped cell."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = nb["cells"]
    index = {cell.get("id"): i for i, cell in enumerate(cells)}
    solutions = [c for c in cells if "solution" in c.get("metadata", {}).get("tags", [])]
    skipped = [c for c in cells if _slide_type(c) == "skip"]
    hidden = [c for c in cells if (c.get("metadata", {}).get("jupyter") or {}).get("source_hidden")]
    shown = [c for c in cells if c not in solutions and c not in skipped and c not in hidden]
    shown_code = [c for c in shown if _slide_type(c) != "notes"]

    page = screen_page
    page.goto(_deck_url(deck_server, path))
    page.wait_for_selector(".reveal.ready", state="attached")
    page.wait_for_function(
        "() => !window.MathJax || (MathJax.Hub && MathJax.Hub.queue.pending === 0)", polling=200
    )
    result = page.evaluate(_FIT_JS, {"minFont": MIN_FONT_PX - 0.05, "scrollBox": SCROLL_BOX})
    steps = result["steps"]

    visible = [_squash(s["text"]) for s in steps]
    not_skipped = [c for c in cells if c not in skipped]
    checks = (
        ("solution", _distinctive(solutions, shown_code), visible),
        ("hidden input", _distinctive(hidden, [c for c in cells if c not in hidden]), visible),
        ("skipped cell", _distinctive(skipped, not_skipped), [_squash(result["deckText"])]),
    )
    for what, lines, texts in checks:
        leaks = sorted({line for line in lines for text in texts if line in text})
        assert not leaks, f"a {what}'s code shows in the deck: {leaks[:5]}"
    if solutions:
        assert _distinctive(solutions, shown_code), "no solution line to look for"

    overflowing: dict[str, str] = {}
    for s in steps:
        if s["overflow"] and s["slide"] not in overflowing:
            overflowing[s["slide"]] = (
                f"slide {s['slide']} (starts at cell {index.get(s['first'], '?')}, "
                f"id {s['first']}), step {s['step']}: {'; '.join(s['overflow'][:3])}"
            )
    assert not overflowing, "slides overflow 1280x720:\n" + "\n".join(overflowing.values())
    small = sorted({f"slide {s['slide']}: {x}" for s in steps for x in s["small"]})
    assert not small, f"text below 11 pt at 1280x720: {small[:10]}"
