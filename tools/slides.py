"""Build a reveal.js slide deck for every notebook, working fully offline.

    python -m tools.slides [notebooks/NN_name.ipynb ...] [--out slides]

Each notebook becomes `slides/NN_name.slides.html` (nbconvert's reveal exporter, i.e.
`jupyter nbconvert --to slides`, with the course template in tools/slides_templates/).
Nothing is loaded from a CDN when the slides are shown: reveal.js, MathJax, require.js and
jQuery are taken from pinned wheels on PyPI at build time (downloaded once with pip into
build/slide-assets/, checked against their SHA-256) and copied next to the decks:

    slides/reveal.js/   reveal.js 5.2.0        from sphinx-revealjs 3.2.1
    slides/mathjax/     MathJax 2.7 (TeX, HTML-CSS, Safe)  from jupyter-server-mathjax 0.2.6
    slides/vendor/      require.js 2.3.7 and jQuery   from nbclassic 1.3.3

The Chinese editions' decks go to `slides/zh-Hans/` and `slides/zh-Hant/`, each folder with its
own copy of the assets (so every folder works on its own); slides/index.html links them.

So building needs only Python and pip (and PyPI the first time); showing needs only a
browser: open slides/index.html, or serve the folder (`python -m http.server -d slides`).
Cells with slide_type "notes" become speaker notes (press `s` in the deck); "skip" cells are
left out, and so is the input of hidden-input cells (`jupyter.source_hidden`); widgets show a
note saying to use the notebook (or RISE) for the live version.

Slides fit a 16:9 screen (tests/browser/test_slides.py checks every slide at 1280x720): the
deck is 1280x720 CSS px, code scrolls sideways inside its own box instead of running off the
slide, and a slide taller than the screen is fitted when shown (DECK_FIT_JS): its figures are
scaled down and its code and text outputs become scrollable boxes, in proportion to how much
each can give, never below FIT_MIN_IMAGE / FIT_MIN_BOX px. Text stays at least 16 px (12 pt)
on the slide, i.e. at least 11 pt (14.7 px) on a 1280x720 screen.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
DEFAULT_OUT = ROOT / "slides"
CACHE = ROOT / "build" / "slide-assets"
TEMPLATES = Path(__file__).resolve().parent / "slides_templates"
TEMPLATE_NAME = "course_slides"


@dataclass(frozen=True)
class AssetWheel:
    """A pinned wheel from PyPI and the folders/files taken out of it."""

    name: str
    version: str
    filename: str
    sha256: str
    members: tuple[tuple[str, str], ...]  # (path or folder in the wheel, path under slides/)


ASSET_WHEELS = (
    AssetWheel(
        "sphinx-revealjs",
        "3.2.1",
        "sphinx_revealjs-3.2.1-py3-none-any.whl",
        "805bed3ca459346e0f01967d5ed1c40d6b7b917de1541e1e4566c8341fe7017b",
        (("sphinx_revealjs/_static/revealjs/", "reveal.js/"),),
    ),
    AssetWheel(
        "jupyter-server-mathjax",
        "0.2.6",
        "jupyter_server_mathjax-0.2.6-py3-none-any.whl",
        "416389dde2010df46d5fbbb7adb087a5607111070af65a1445391040f2babb5e",
        (("jupyter_server_mathjax/static/", "mathjax/"),),
    ),
    AssetWheel(
        "nbclassic",
        "1.3.3",
        "nbclassic-1.3.3-py3-none-any.whl",
        "dcee5149aa6aa01846c7458d6394b29b325213b5e118ee14c80d689122e0e4f2",
        (
            ("nbclassic/static/components/requirejs/require.js", "vendor/require.js"),
            ("nbclassic/static/components/jquery/dist/jquery.min.js", "vendor/jquery.min.js"),
        ),
    ),
)

# URLs relative to the decks (all decks sit in the same folder as the assets).
REVEAL_PREFIX = "reveal.js"
MATHJAX_URL = "mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe"
REQUIRE_JS_URL = "vendor/require.js"
JQUERY_URL = "vendor/jquery.min.js"

# The slide size in CSS px (16:9): reveal.js scales it to the screen.
SLIDE_WIDTH, SLIDE_HEIGHT = 1280, 720
FIT_MIN_IMAGE = 220  # a figure is never scaled below this height (px on the slide)
FIT_MIN_BOX = 80  # nor a code or output box below this one (about three lines)

DECK_CSS = """
<style>
/* Slides that fit (tools/slides.py): sizes in px of the 1280x720 slide. */
:root {
  --jp-ui-font-size1: 17px;
  --jp-content-font-size1: 18px;
  --jp-code-font-size: 16px;
  --jp-cell-prompt-width: 84px;
}
.reveal .jp-Cell { padding: 2px 5px; }
.reveal .highlight { margin: 0.2em 0.4em; }
.reveal .jp-RenderedHTMLCommon p, .reveal .jp-RenderedHTMLCommon ul,
.reveal .jp-RenderedHTMLCommon ol { margin: 0 0 0.5em; }
.reveal .jp-RenderedHTMLCommon h1, .reveal .jp-RenderedHTMLCommon h2,
.reveal .jp-RenderedHTMLCommon h3 { margin: 0.1em 0 0.35em; }
.reveal .jp-RenderedHTMLCommon li + li { margin-top: 0.1em; }
.reveal .slides section { padding: 0; }
.reveal .jp-InputPrompt, .reveal .jp-OutputPrompt { font-size: 16px; }
.reveal .jp-RenderedHTMLCommon h1 { font-size: 40px; }
.reveal .jp-RenderedHTMLCommon h2 { font-size: 34px; }
.reveal .jp-RenderedHTMLCommon h3 { font-size: 28px; }
/* Code and text outputs scroll inside their own box rather than run off the slide. */
.reveal .jp-InputArea-editor .highlight pre, .reveal .jp-OutputArea-output pre {
  overflow: auto; max-width: 100%; box-sizing: border-box;
}
.reveal .jp-OutputArea-output { overflow: auto; max-width: 100%; }
/* Figures are never wider than the slide, nor taller than the slide minus a title line. */
.reveal .jp-OutputArea-output img, .reveal .jp-OutputArea-output svg {
  max-width: 100%; max-height: 600px; width: auto; height: auto; object-fit: contain;
  margin: 4px 0;
}
</style>
"""

DECK_FIT_JS = """
<script>
/* Fit a slide taller than the deck: shrink figures and bound code/output boxes (scrollable),
   each in proportion to what it can give above its minimum. Sizes are slide px. */
require(["%(reveal)s/dist/reveal.js"], function (Reveal) {
  var MIN_IMAGE = %(min_image)d, MIN_BOX = %(min_box)d;
  function shrinkables(slide) {
    var items = [];
    slide.querySelectorAll(
      ".jp-OutputArea-output img, .jp-InputArea-editor .highlight pre, .jp-OutputArea-output"
    ).forEach(function (el) {
      if (el.closest("aside.notes") || (el.tagName !== "IMG" && el.querySelector("img"))) return;
      var h = el.offsetHeight, min = el.tagName === "IMG" ? MIN_IMAGE : MIN_BOX;
      if (h > min) items.push({el: el, h: h, room: h - min});
    });
    return items;
  }
  function fit(slide) {
    if (!slide) return;
    slide.querySelectorAll("[data-course-fit]").forEach(function (el) {
      el.style.removeProperty("height"); el.style.removeProperty("max-height");
      el.removeAttribute("data-course-fit");
    });
    var limit = Reveal.getConfig().height;
    for (var pass = 0; pass < 3; pass++) {
      var excess = slide.scrollHeight - limit;
      if (excess <= 0) break;
      var items = shrinkables(slide);
      var room = items.reduce(function (s, it) { return s + it.room; }, 0);
      if (room <= 0) break;
      var f = Math.min(1, (excess + 2) / room);
      items.forEach(function (it) {
        var h = Math.floor(it.h - it.room * f);
        it.el.setAttribute("data-course-fit", "");
        if (it.el.tagName === "IMG") it.el.style.height = h + "px";
        else it.el.style.maxHeight = h + "px";
      });
    }
    Reveal.layout();
  }
  function fitCurrent() {
    var slide = Reveal.getCurrentSlide();
    if (!window.MathJax || !MathJax.Hub) return fit(slide);
    MathJax.Hub.Queue(["Rerender", MathJax.Hub, slide], [fit, slide]);
  }
  if (Reveal.isReady()) fitCurrent();
  Reveal.on("ready", fitCurrent);
  Reveal.on("slidechanged", fitCurrent);
  window.addEventListener("load", fitCurrent);
});
</script>
"""


def finish_deck(body: str) -> str:
    """Add the course's deck CSS (before </head>) and the fitting script (before </body>)."""
    script = DECK_FIT_JS % {
        "reveal": REVEAL_PREFIX, "min_image": FIT_MIN_IMAGE, "min_box": FIT_MIN_BOX,
    }  # fmt: skip
    head, sep, rest = body.partition("</head>")
    if not sep or "</body>" not in rest:
        raise RuntimeError("the reveal template changed: no </head> or </body> in the deck")
    before, _, after = rest.rpartition("</body>")
    return head + DECK_CSS + sep + before + script + "</body>" + after


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def assets_present(cache: Path = CACHE) -> bool:
    """True when every pinned asset wheel is already in `cache` (no download needed)."""
    return all((cache / w.filename).exists() for w in ASSET_WHEELS)


def fetch_assets(cache: Path = CACHE) -> list[Path]:
    """Download the pinned asset wheels into `cache` (once) and verify their hashes."""
    cache.mkdir(parents=True, exist_ok=True)
    missing = [w for w in ASSET_WHEELS if not (cache / w.filename).exists()]
    if missing:
        with tempfile.TemporaryDirectory() as tmp:
            req = Path(tmp) / "slide-assets.txt"
            req.write_text(
                "".join(f"{w.name}=={w.version} --hash=sha256:{w.sha256}\n" for w in missing),
                encoding="utf-8",
            )
            cmd = [
                sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                "--only-binary=:all:", "--require-hashes", "-r", str(req), "-d", str(cache),
            ]  # fmt: skip
            result = subprocess.run(cmd, capture_output=True, text=True)
            if result.returncode:
                raise RuntimeError(
                    "could not download the slide assets from PyPI with pip:\n"
                    + (result.stderr or result.stdout)[-2000:]
                )
    paths = []
    for wheel in ASSET_WHEELS:
        path = cache / wheel.filename
        if _sha256(path) != wheel.sha256:
            path.unlink()
            raise RuntimeError(f"{path.name} does not match its pinned SHA-256; deleted it")
        paths.append(path)
    return paths


def install_assets(out: Path, cache: Path = CACHE) -> None:
    """Copy reveal.js, MathJax, require.js and jQuery from the wheels into `out`."""
    for wheel, path in zip(ASSET_WHEELS, fetch_assets(cache), strict=True):
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            for source, target in wheel.members:
                if source.endswith("/"):
                    dest_root = out / target
                    if dest_root.exists():
                        shutil.rmtree(dest_root)
                    chosen = [n for n in names if n.startswith(source) and not n.endswith("/")]
                    pairs = [(n, dest_root / n[len(source) :]) for n in chosen]
                else:
                    pairs = [(source, out / target)]
                if not pairs or pairs[0][0] not in names:
                    raise RuntimeError(f"{source} is missing from {path.name}")
                for member, dest in pairs:
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    dest.write_bytes(zf.read(member))


def expected_slide_count(nb: dict) -> int:
    """Slides (leaf reveal.js sections) that nbconvert makes: slide/subslide cells.

    The first cell that is not "skip" or "notes" always starts a slide, as in nbconvert.
    """
    types = [
        (cell.get("metadata", {}).get("slideshow") or {}).get("slide_type", "-")
        for cell in nb["cells"]
    ]
    visible = [i for i, t in enumerate(types) if t not in {"skip", "notes"}]
    if not visible:
        return 0
    types[visible[0]] = "slide"
    return sum(t in {"slide", "subslide"} for t in types[visible[0] :])


def _exporter():
    from nbconvert import SlidesExporter
    from traitlets.config import Config

    c = Config()
    c.TemplateExporter.extra_template_basedirs = [str(TEMPLATES)]
    c.SlidesExporter.template_name = TEMPLATE_NAME
    c.SlidesExporter.reveal_url_prefix = REVEAL_PREFIX
    c.SlidesExporter.reveal_theme = "white"
    c.SlidesExporter.reveal_number = "c/t"
    c.SlidesExporter.reveal_width = str(SLIDE_WIDTH)
    c.SlidesExporter.reveal_height = str(SLIDE_HEIGHT)
    # nbconvert's "scroll" makes a whole slide scroll (content below the screen): fit instead.
    c.SlidesExporter.reveal_scroll = False
    c.SlidesExporter.font_awesome_url = ""
    c.HTMLExporter.mathjax_url = MATHJAX_URL
    c.HTMLExporter.require_js_url = REQUIRE_JS_URL
    c.HTMLExporter.jquery_url = JQUERY_URL
    return SlidesExporter(config=c)


def build_deck(notebook: Path, out: Path) -> Path:
    """Write `out/<stem>.slides.html` for one notebook and return its path."""
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:  # hidden input (JupyterLab's collapsed source): outputs only
        if (cell.get("metadata", {}).get("jupyter") or {}).get("source_hidden"):
            cell.metadata.setdefault("transient", {})["remove_source"] = True
    body, _ = _exporter().from_notebook_node(nb, resources={"metadata": {"name": notebook.stem}})
    dest = out / f"{notebook.stem}.slides.html"
    dest.write_text(finish_deck(body), encoding="utf-8")
    return dest


EDITIONS = {"zh-Hans": "简体中文", "zh-Hant": "繁體中文（台灣）"}


def deck_folder(notebook: Path, out: Path) -> Path:
    """Where a notebook's deck goes: `out/`, or `out/zh-Hans/` for a Chinese edition's."""
    return out / notebook.parent.name if notebook.parent.name in EDITIONS else out


def write_index(decks: list[Path], out: Path) -> Path:
    """A small index.html linking every deck (and the Chinese editions' indexes, if built)."""
    links = [(d.name, d.name.removesuffix(".slides.html")) for d in sorted(decks)]
    links += [(f"{ed}/index.html", f"{name} ({ed})") for ed, name in EDITIONS.items()
              if (out / ed / "index.html").is_file()]
    items = "\n".join(
        f'<li><a href="{html.escape(href)}">{html.escape(text)}</a></li>' for href, text in links
    )
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>When the gradient is small: slides</title></head>\n"
        "<body><h1>When the gradient is small: slide decks</h1>\n"
        "<p>Press <kbd>s</kbd> in a deck for the speaker notes, <kbd>Esc</kbd> for an overview."
        f"</p>\n<ul>\n{items}\n</ul></body></html>\n"
    )
    dest = out / "index.html"
    dest.write_text(page, encoding="utf-8")
    return dest


def build(notebooks: list[Path] | None = None, out: Path = DEFAULT_OUT) -> list[Path]:
    """Build decks for `notebooks` (default: every notebook of every edition) plus the assets;
    a Chinese edition's decks go to `out/zh-Hans/` or `out/zh-Hant/` with their own assets."""
    targets = notebooks or [p for folder in ("", *EDITIONS)
                            for p in sorted((NOTEBOOKS / folder).glob("[0-9][0-9]_*.ipynb"))]
    folders = sorted({deck_folder(path, out) for path in targets}, key=lambda f: f != out)
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
        install_assets(folder)
    decks = [build_deck(path, deck_folder(path, out)) for path in targets]
    for folder in sorted(folders, key=lambda f: f == out):  # the editions' indexes first
        write_index(sorted(folder.glob("*.slides.html")), folder)
    return decks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every notebook")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="default: slides/")
    parser.add_argument("--fetch-assets", action="store_true",
                        help="only download the pinned asset wheels (part of the install step)")
    args = parser.parse_args(argv)
    if args.fetch_assets:
        try:
            fetch_assets()
        except RuntimeError as exc:
            print(f"warning: {exc}", file=sys.stderr)
            return 1
        return 0
    try:
        decks = build([p.resolve() for p in args.notebooks] or None, args.out.resolve())
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for deck in decks:
        print(f"wrote {deck.relative_to(ROOT) if deck.is_relative_to(ROOT) else deck}")
    index = args.out.resolve() / "index.html"
    shown = index.relative_to(ROOT) if index.is_relative_to(ROOT) else index
    print(f"open {shown} in a browser (works offline, also as a local file)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
