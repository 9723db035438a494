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

So building needs only Python and pip (and PyPI the first time); showing needs only a
browser: open slides/index.html, or serve the folder (`python -m http.server -d slides`).
Cells with slide_type "notes" become speaker notes (press `s` in the deck); "skip" cells are
left out; widgets show a note saying to use the notebook (or RISE) for the live version.
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
    c.SlidesExporter.reveal_scroll = True
    c.SlidesExporter.font_awesome_url = ""
    c.HTMLExporter.mathjax_url = MATHJAX_URL
    c.HTMLExporter.require_js_url = REQUIRE_JS_URL
    c.HTMLExporter.jquery_url = JQUERY_URL
    return SlidesExporter(config=c)


def build_deck(notebook: Path, out: Path) -> Path:
    """Write `out/<stem>.slides.html` for one notebook and return its path."""
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    body, _ = _exporter().from_notebook_node(nb, resources={"metadata": {"name": notebook.stem}})
    dest = out / f"{notebook.stem}.slides.html"
    dest.write_text(body, encoding="utf-8")
    return dest


def write_index(decks: list[Path], out: Path) -> Path:
    """A small index.html linking every deck."""
    items = "\n".join(
        f'<li><a href="{html.escape(d.name)}">{html.escape(d.name.removesuffix(".slides.html"))}'
        "</a></li>"
        for d in sorted(decks)
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
    """Build decks for `notebooks` (default: every notebooks/NN_*.ipynb) plus the assets."""
    targets = notebooks or sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    out.mkdir(parents=True, exist_ok=True)
    install_assets(out)
    decks = [build_deck(path, out) for path in targets]
    write_index(sorted(out.glob("*.slides.html")), out)
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
