"""Meaning never by colour alone: every figure the notebooks draw is checked as it is drawn.

`colour_only_pairs(fig)` looks, in each axes, at the series a reader must tell apart: lines
(with their markers), single-colour scatters and labelled fills. Two series of different
colours must also differ in line style, marker, line width or hatch, or both carry a direct
label (a text in the axes drawn in the series' colour). Colour maps (a colour bar reads them)
and error-bar caps are not series. The slow test runs each notebook with the check hooked into
matplotlib's figure output, so every figure a student sees, helpers' and notebooks' alike, is
covered.
"""

from __future__ import annotations

import inspect
import re

import matplotlib
import nbformat
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from tests.conftest import NOTEBOOKS  # noqa: E402


def colour_only_pairs(fig) -> list[str]:
    """Pairs of series in one axes told apart by colour alone (see the module docstring)."""
    from itertools import combinations

    import numpy as np
    from matplotlib.collections import PathCollection, PolyCollection
    from matplotlib.colors import to_rgba

    def rgb(colour):
        return tuple(np.round(to_rgba(colour)[:3], 3))

    def blank(value) -> bool:
        return str(value) in {"None", "none", "", " "}

    problems = []
    for ax in fig.axes:
        texts = {rgb(t.get_color()) for t in ax.texts if t.get_visible() and t.get_text().strip()}
        caps = {id(line) for c in ax.containers if hasattr(c, "has_yerr")
                for line in (c.lines[1] or ())}
        series = []
        for line in ax.get_lines():
            alpha = line.get_alpha()
            if not line.get_visible() or id(line) in caps or (alpha is not None and alpha < 0.3):
                continue
            marker = "none" if blank(line.get_marker()) else str(line.get_marker())
            if blank(line.get_linestyle()) and marker == "none":
                continue
            key = ("line", line.get_linestyle(), marker, round(float(line.get_linewidth()), 1))
            series.append((rgb(line.get_color()), key, line.get_label()))
        for coll in ax.collections:
            if not coll.get_visible() or len(coll.get_facecolors()) != 1:
                continue  # a colour scale (read with its colour bar), not categories
            if isinstance(coll, PathCollection) and len(coll.get_offsets()) and coll.get_paths():
                shape = tuple(np.round(coll.get_paths()[0].vertices, 2).ravel())
                key = ("scatter", shape, coll.get_hatch())
            elif isinstance(coll, PolyCollection) and not str(coll.get_label()).startswith("_"):
                key = ("fill", coll.get_hatch())
            else:
                continue
            series.append((rgb(coll.get_facecolors()[0]), key, coll.get_label()))
        for (ca, ka, la), (cb, kb, lb) in combinations(series, 2):
            if ca != cb and ka == kb and not (ca in texts and cb in texts):
                where = ax.get_title() or ax.get_ylabel()
                problems.append(f"axes {where!r}: {la!r} and {lb!r} differ only by colour")
    return problems


# ------------------------------------------------------------------ the check itself
@pytest.fixture
def fig():
    figure, ax = plt.subplots()
    yield figure
    plt.close(figure)


def test_lines_differing_only_by_colour_are_found(fig):
    ax = fig.axes[0]
    ax.plot([0, 1], [0, 1], color="C0", label="a")
    ax.plot([0, 1], [1, 0], color="C1", label="b")
    assert colour_only_pairs(fig) == ["axes '': 'a' and 'b' differ only by colour"]


@pytest.mark.parametrize("second", [dict(ls="--"), dict(marker="o"), dict(lw=3)])
def test_style_marker_or_width_tells_them_apart(fig, second):
    ax = fig.axes[0]
    ax.plot([0, 1], [0, 1], color="C0")
    ax.plot([0, 1], [1, 0], color="C1", **second)
    assert colour_only_pairs(fig) == []


def test_direct_labels_in_the_series_colour_are_enough(fig):
    ax = fig.axes[0]
    ax.plot([0, 1], [0, 1], color="C0")
    ax.plot([0, 1], [1, 0], color="C1")
    ax.text(1, 1, "a", color="C0")
    assert colour_only_pairs(fig)  # one label is not enough
    ax.text(1, 0, "b", color="C1")
    assert colour_only_pairs(fig) == []


def test_scatters_fills_colour_scales_and_error_caps(fig):
    ax = fig.axes[0]
    ax.scatter([0], [0], color="C0", marker="o")
    ax.scatter([1], [1], color="C1", marker="o")
    assert len(colour_only_pairs(fig)) == 1
    ax.collections[1].remove()
    ax.scatter([1], [1], color="C1", marker="^")
    ax.scatter([0, 1, 2], [0, 1, 2], c=[0, 1, 2])  # a colour scale
    ax.fill_between([0, 1], 0, 1, color="C2", label="up")
    ax.fill_between([0, 1], 0, -1, color="C3", hatch="//", label="down")
    ax.errorbar([0, 1], [0, 1], yerr=0.1, color="C4", marker="s", capsize=3)
    ax.errorbar([0, 1], [1, 2], yerr=0.1, color="C5", marker="D", capsize=3)
    assert colour_only_pairs(fig) == []


# ------------------------------------------------------------------ every notebook figure
_HOOK = """
import matplotlib.backend_bases as _backend_bases
_COLOUR_ONLY = []
_print_figure = _backend_bases.FigureCanvasBase.print_figure


def _audited_print_figure(self, *args, **kwargs):
    _COLOUR_ONLY.extend(colour_only_pairs(self.figure))
    return _print_figure(self, *args, **kwargs)


_backend_bases.FigureCanvasBase.print_figure = _audited_print_figure
"""
_REPORT = (
    "for _p in sorted(set(_COLOUR_ONLY)): print('COLOUR ONLY {cell}:', _p)\n_COLOUR_ONLY.clear()"
)


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_notebook_figure_says_it_by_colour_alone(path):
    from tools.execute import run_notebook

    nb = nbformat.read(path, as_version=4)
    cells = [nbformat.v4.new_code_cell(inspect.getsource(colour_only_pairs) + _HOOK)]
    for i, cell in enumerate(nb.cells):
        cells.append(cell)
        if cell.cell_type == "code":
            cells.append(nbformat.v4.new_code_cell(_REPORT.format(cell=i)))
    nb.cells = cells
    run_notebook(nb, path.parent)
    found = [
        line
        for cell in nb.cells
        for output in cell.get("outputs", [])
        if output.get("output_type") == "stream"
        for line in output.get("text", "").splitlines()
        if line.startswith("COLOUR ONLY")
    ]
    assert not found, "\n".join(re.sub(r"^COLOUR ONLY (\d+):", r"cell \1:", f) for f in found)
