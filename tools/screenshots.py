"""Regenerate the README screenshots from the notebooks, run in real JupyterLab.

    python -m tools.screenshots [--out docs/screenshots]

Starts JupyterLab (no token, 127.0.0.1) and Debian's headless Chromium (/usr/bin/chromium),
runs each notebook below with "run all", crops one cell's output and writes a small PNG
(palette-quantised, at most about 200 KB):

    explorer.png       the surface explorer (canvas, controls and panel), from the first
                       notebook that uses SurfaceExplorer (else a scratch notebook)
    minimum_ratio.png  the minimum-ratio plot of notebook 05
    sliders.png        the first slider widget of notebook 01

For the Chinese terms to show, the machine needs CJK fonts (Debian: fonts-noto-cjk).
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "docs" / "screenshots"
SCRATCH = ROOT / "build" / "browser" / "explorer_screenshot.ipynb"  # gitignored, not collected
MAX_BYTES = 200_000


@dataclass(frozen=True)
class Shot:
    """One screenshot: which notebook, which cell (by source text), which output element."""

    filename: str
    notebook_glob: str
    source_contains: tuple[str, ...]  # every string must be in the cell's source
    element: str  # CSS selector of the output to crop (inside the cell)


SHOTS = (
    Shot(
        "explorer.png",
        "notebooks/[0-9][0-9]_*.ipynb",
        ("SurfaceExplorer(",),
        ".jp-OutputArea-output:has(.jupyter-matplotlib):has(.widget-htmlmath)",
    ),
    Shot(
        "minimum_ratio.png",
        "notebooks/05_*.ipynb",
        ("minimum_ratio", "subplots"),
        ".jp-OutputArea-output:has(img)",
    ),
    Shot(
        "sliders.png",
        "notebooks/01_*.ipynb",
        ("Slider",),
        ".jp-OutputArea-output:has(.widget-slider)",
    ),
)


def _find_cell(shot: Shot) -> tuple[Path, int] | None:
    """First notebook/cell whose source contains every string of the shot."""
    for path in sorted(ROOT.glob(shot.notebook_glob)):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for index, cell in enumerate(cells):
            source = "".join(cell["source"])
            if cell["cell_type"] == "code" and all(s in source for s in shot.source_contains):
                return path, index
    return None


def _write_scratch_explorer(path: Path) -> None:
    """A notebook that shows the explorer on the lecture's network (when no notebook does)."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "%matplotlib widget\nfrom helpers import SurfaceExplorer\n"
            'SurfaceExplorer("lecture", point=(0.3, -0.4)).widget()'
        )
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


def _small_png(png: bytes, margin: int = 12) -> bytes:
    """Trim the blank border, then palette-quantise so the PNG stays small in the repo."""
    from PIL import Image, ImageChops

    image = Image.open(io.BytesIO(png)).convert("RGB")
    background = Image.new("RGB", image.size, image.getpixel((image.width - 1, image.height - 1)))
    box = ImageChops.difference(image, background).getbbox()
    if box:
        left, top, right, bottom = box
        image = image.crop(
            (
                max(left - margin, 0),
                max(top - margin, 0),
                min(right + margin, image.width),
                min(bottom + margin, image.height),
            )
        )
    quantised = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=0)
    out = io.BytesIO()
    quantised.save(out, format="PNG", optimize=True)
    return out.getvalue()


def take(shot: Shot, page, server, out: Path) -> Path | None:
    """Run the shot's notebook in JupyterLab and save the cropped output; None if absent."""
    from tests.browser.lab import open_notebook, run_all_and_wait

    found = _find_cell(shot)
    if (
        found is None
        and shot.filename == "explorer.png"
        and (ROOT / "helpers/explorer").is_dir()
    ):
        _write_scratch_explorer(SCRATCH)
        found = (SCRATCH, 0)
    if found is None:
        print(f"skip {shot.filename}: no cell in {shot.notebook_glob} contains "
              f"{' and '.join(map(repr, shot.source_contains))}")  # fmt: skip
        return None
    path, index = found
    open_notebook(page, server, path.relative_to(ROOT).as_posix())
    page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
    run_all_and_wait(page, timeout_s=300)
    # The output may be in that cell or a later one (e.g. `explorer.widget()` after the set-up).
    cells = page.locator(".jp-Notebook .jp-Cell")
    page.wait_for_timeout(2000)  # widgets render after the kernel is idle
    target = None
    for i in range(index, cells.count()):
        candidate = cells.nth(i).locator(shot.element)
        if candidate.count():
            target, index = candidate.first, i
            break
    if target is None:
        print(f"skip {shot.filename}: no {shot.element!r} output in {path.name} after cell {index}")
        return None
    target.wait_for(state="visible", timeout=60_000)
    target.scroll_into_view_if_needed()
    page.wait_for_timeout(1500)  # let canvases and MathJax settle
    png = _small_png(target.screenshot())
    dest = out / shot.filename
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(png)
    note = "" if len(png) <= MAX_BYTES else f"  (over {MAX_BYTES // 1000} KB!)"
    print(f"wrote {dest.relative_to(ROOT)}: {len(png) / 1000:.0f} KB from "
          f"{path.relative_to(ROOT)} cell {index}{note}")  # fmt: skip
    return dest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="default: docs/screenshots")
    parser.add_argument("--scale", type=float, default=1.5, help="device pixel ratio")
    args = parser.parse_args(argv)

    from tests.browser.lab import (
        block_outside_requests,
        chromium_missing_reason,
        lab_server_process,
        launch_chromium,
    )

    reason = chromium_missing_reason()
    if reason:
        print(f"error: {reason}", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    blocked: list[str] = []
    written = []
    with tempfile.TemporaryDirectory() as tmp, lab_server_process(Path(tmp)) as server:
        with sync_playwright() as pw:
            browser = launch_chromium(pw)
            try:
                for shot in SHOTS:
                    context = browser.new_context(
                        viewport={"width": 1400, "height": 1400},
                        device_scale_factor=args.scale,
                    )
                    block_outside_requests(context, blocked)
                    try:
                        written.append(take(shot, context.new_page(), server, args.out.resolve()))
                    finally:
                        context.close()
            finally:
                browser.close()
    SCRATCH.unlink(missing_ok=True)
    return 0 if any(written) else 1


if __name__ == "__main__":
    sys.exit(main())
