"""What a student and a presenter see: level, length, exercises that teach, no machine talk."""

from __future__ import annotations

import os
import re

import pytest

from tests.conftest import NOTEBOOK_DIR, NOTEBOOKS, read_notebook
from tests.test_notebooks import ZH_NOTEBOOKS, edition
from tests.test_notebooks import notebook_path as notebook_path  # every edition

MAX_WORDS = 120
# Chinese prose is counted in Han characters plus the words of the Latin text between them
# (formulas, English terms in parentheses), punctuation left out. Measured on all 208 cells with
# at least 40 English words: a translation needs 1.19-2.08 units per English word (median 1.55),
# so 120 words allow 120 x 2.08 ≈ 250 units, plus 10 for the Latin words' looser count; the
# longest cell today (06's title cell) has 253.
MAX_UNITS_ZH = 260
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
GOING_FURTHER = {"en": "Going further", "zh-Hans": "拓展", "zh-Hant": "拓展"}
KINDS = ("exercise-predict", "exercise-concept", "exercise-tweak", "exercise-compute")
REQUIRED_KINDS = ("exercise-predict", "exercise-concept", "exercise-tweak")
IMPLEMENT = "exercise-implement"
COURSE_PAGE = "https://speech.ee.ntu.edu.tw/~hylee/ml/2021-spring.php"
BANNED = re.compile(
    r"\bhonestly\b|done right|manufactur|\bcommit [0-9a-f]{7}|load average|\bBLAS\b|\bnbval\b"
    r"|docstring|byte-identical|\bthreads?\b",
    re.IGNORECASE,
)


def words(text: str, chinese: bool = True) -> int:
    """Words of English text; for Chinese, Han characters plus the Latin words between them."""
    if not chinese or not HAN.search(text):
        return len(text.split())
    return len(HAN.findall(text)) + len(re.sub(r"[^\x00-\x7f]", " ", HAN.sub(" ", text)).split())


def _main_path(nb, further: str = "Going further"):
    """Cells before the 'Going further' part (the part every student reads)."""
    cells = []
    for cell in nb.cells:
        if cell.cell_type == "markdown" and re.search(rf"^#+ {further}", cell.source, re.M):
            break
        cells.append(cell)
    return cells


def _tags(cell) -> list[str]:
    return cell.metadata.get("tags", [])


def _hidden(cell) -> bool:
    return bool(cell.metadata.get("jupyter", {}).get("source_hidden"))


def test_markdown_cells_are_short(notebook_path):
    chinese = edition(notebook_path) != "en"
    limit = MAX_UNITS_ZH if chinese else MAX_WORDS
    for i, cell in enumerate(read_notebook(notebook_path).cells):
        if cell.cell_type == "markdown" and "solution" not in _tags(cell):
            n_words = words(cell.source, chinese)
            assert n_words <= limit, f"cell {i}: {n_words} words (at most {limit})"


def test_research_depth_is_marked_going_further(notebook_path):
    if notebook_path.stem.startswith("00"):
        pytest.skip("the start page has no research part")
    sources = [c.source for c in read_notebook(notebook_path).cells if c.cell_type == "markdown"]
    further = GOING_FURTHER[edition(notebook_path)]
    assert any(re.search(rf"^## {further}", s, re.M) for s in sources), f"no '## {further}'"


def test_exercises_of_every_kind(notebook_path):
    cells = read_notebook(notebook_path).cells
    kinds = []
    for i, cell in enumerate(cells):
        tags = _tags(cell)
        if "exercise" in tags:
            mine = [t for t in tags if t in (*KINDS, IMPLEMENT)]
            assert len(mine) == 1, f"cell {i}: an exercise carries exactly one kind tag"
            kinds += mine
    for kind in REQUIRED_KINDS:
        assert kind in kinds, f"no {kind} exercise"


def test_solutions_are_speaker_notes(notebook_path):
    for i, cell in enumerate(read_notebook(notebook_path).cells):
        if "solution" in _tags(cell):
            assert cell.metadata.get("slideshow", {}).get("slide_type") == "notes", f"cell {i}"


def test_no_machine_talk_or_jabs_on_the_main_path(notebook_path):
    further = GOING_FURTHER[edition(notebook_path)]
    for i, cell in enumerate(_main_path(read_notebook(notebook_path), further)):
        if cell.cell_type == "markdown":
            found = BANNED.search(cell.source)
            assert not found, f"cell {i}: {found.group(0)!r} in teaching prose"


def test_asserts_are_hidden(notebook_path):
    for i, cell in enumerate(read_notebook(notebook_path).cells):
        if cell.cell_type == "code" and re.search(r"^\s*assert\b", cell.source, re.M):
            assert _hidden(cell), f"cell {i}: a visible assert (hide the cell: ci-check)"
            assert cell.metadata.get("slideshow", {}).get("slide_type") == "skip", f"cell {i}"


def test_every_figure_has_alt_text(notebook_path):
    for i, cell in enumerate(read_notebook(notebook_path).cells):
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            if "image/png" in output.get("data", {}):
                alt = cell.metadata.get("alt") or output.get("metadata", {}).get("alt")
                assert alt and words(alt) >= 5, f"cell {i}: a figure without alt text"


def test_title_cell_links_the_lecture(notebook_path):
    first = read_notebook(notebook_path).cells[0].source
    assert COURSE_PAGE in first, "the title cell links the lecture's course page"
    assert "https://www.youtube.com/watch?v=" in first, "the title cell links the lecture video"


def test_students_write_an_algorithm(notebook_path):
    """Each of 02-07 has a write-it-yourself exercise (a stub the student completes)."""
    if notebook_path.stem[:2] not in {"02", "03", "04", "05", "06", "07"}:
        pytest.skip("00 and 01 come before the algorithms")
    cells = read_notebook(notebook_path).cells
    stubs = [c for c in cells if {"exercise", IMPLEMENT} <= set(_tags(c))]
    statements = [c for c in cells if c.cell_type == "markdown" and IMPLEMENT in _tags(c)]
    assert stubs and statements, "no exercise-implement exercise (statement and stub)"
    for stub in stubs:
        assert "check_function(" in stub.source and "NotImplementedError" in stub.source


def _image_alts(html: str) -> list[str | None]:
    """The alt attribute of every <img> of an HTML page (None where it has none)."""
    from bs4 import BeautifulSoup

    return [img.get("alt") for img in BeautifulSoup(html, "html.parser").find_all("img")]


# The HTML and deck exports read the cell's alt metadata whatever its language: two Chinese
# notebooks show that CJK alt text comes through (every figure's alt is checked above).
RENDERED = [*NOTEBOOKS, *(p for p in ZH_NOTEBOOKS if p.parent.name == "zh-Hans"
                          and p.stem[:2] in {"01", "04"})]
rendered = pytest.mark.parametrize("notebook_path", RENDERED, ids=[
    p.name if edition(p) == "en" else f"{edition(p)}/{p.name}" for p in RENDERED])


@rendered
@pytest.mark.parametrize("template", ["classic", "course_html"])
def test_html_export_has_alt_text_for_every_image(notebook_path, template):
    """The HTML page (nbconvert's classic template, or the course's course_html, lab-styled)
    gives every figure the cell's alt text. nbconvert's lab template, the default of
    `jupyter nbconvert --to html`, writes no alt at all (its data_png block reads none)."""
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    from tools.slides import TEMPLATES

    config = Config()
    config.TemplateExporter.extra_template_basedirs = [str(TEMPLATES)]
    nb = read_notebook(notebook_path)
    body, _ = HTMLExporter(config=config, template_name=template).from_notebook_node(nb)
    alts = _image_alts(body)
    assert alts, "no figure in the page"
    assert "No description has been provided for this image" not in body
    assert all(alt and words(alt) >= 5 for alt in alts), "an image without alt text"


@rendered
def test_slide_deck_has_alt_text_for_every_image(notebook_path, tmp_path):
    """The reveal.js deck (tools/slides.py) gives every figure the cell's alt text."""
    from tools.slides import build_deck

    html = build_deck(notebook_path, tmp_path).read_text(encoding="utf-8")
    alts = _image_alts(html)
    assert alts and all(alt and words(alt) >= 5 for alt in alts), "an image without alt"


def _slide_type(cell) -> str:
    return cell.metadata.get("slideshow", {}).get("slide_type", "-")


def _checked_name(source: str) -> str | None:
    """The expected value's name in `check(answer, NAME, ...)`."""
    found = re.search(r"\bcheck\(\s*\w+\s*,\s*([A-Za-z_]\w*)\s*[,)]", source)
    return found.group(1) if found else None


def test_predictions_are_checked_before_the_reveal(notebook_path):
    """A predict exercise is answered and checked before anything shows the result.

    After each `exercise-predict` cell comes a cell tagged `reveal` (the "now run it" cell) that
    starts a new slide, so the question and the result are never on one screen. Between the two,
    only exercises, their solutions and sealed answer keys: no output gives the answer away
    before the student's `check` has run. The reveal then shows something (a code cell with an
    output follows it) and belongs to exactly one prediction.
    """
    cells = read_notebook(notebook_path).cells
    predicts = [i for i, c in enumerate(cells) if {"exercise", "exercise-predict"} <= set(_tags(c))]
    reveals = [i for i, c in enumerate(cells) if "reveal" in _tags(c)]
    assert predicts, "no predict exercise"
    for i in predicts:
        after = [j for j in reveals if j > i]
        assert after, f"cell {i}: a predict exercise with no `reveal` cell after it"
        j = after[0]
        assert not [k for k in predicts if i < k < j], f"cells {i}..{j}: one reveal per prediction"
        new_slide = _slide_type(cells[j]) in {"slide", "subslide"}
        assert new_slide, f"cell {j}: the reveal starts a slide"
        for k in range(i + 1, j):
            between = cells[k]
            if between.cell_type == "code":
                allowed = {"exercise", "answer-key"} & set(_tags(between))
                assert allowed, f"cell {k}: only exercises and keys between prediction and reveal"
        shown = [c for c in cells[j + 1 :] if c.cell_type == "code" and c.get("outputs")]
        assert shown, f"cell {j}: nothing is revealed after it"
    for j in reveals:
        assert [i for i in predicts if i < j], f"cell {j}: a reveal with no prediction before it"


def test_answers_are_sealed_before_the_exercise(notebook_path):
    """Each exercise checks against a name computed in an answer-key cell before it, and answer
    keys print nothing and stay out of sight (hidden input, slide type skip)."""
    cells = read_notebook(notebook_path).cells
    for i, cell in enumerate(cells):
        tags = _tags(cell)
        if "answer-key" in tags:
            assert cell.cell_type == "code" and not cell.get("outputs"), f"cell {i}: a key prints"
            assert _hidden(cell) and _slide_type(cell) == "skip", f"cell {i}: a visible key"
        if "exercise" not in tags or IMPLEMENT in tags:
            continue
        name = _checked_name(cell.source)
        assert name, f"cell {i}: check(answer, expected_name, ...) with a named expected value"
        assigned = [
            k
            for k, c in enumerate(cells[:i])
            if c.cell_type == "code" and re.search(rf"^{re.escape(name)}\s*=", c.source, re.M)
        ]
        assert assigned, f"cell {i}: {name} is not computed before the exercise"
        for k in assigned:
            assert "answer-key" in _tags(cells[k]), f"cell {k}: {name} outside an answer-key cell"


def _headings(nb) -> list[tuple[int, int, str]]:
    """(cell, level, text) of every markdown heading, fenced code blocks left out."""
    found = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        fenced = False
        for line in cell.source.splitlines():
            if line.lstrip().startswith("```"):
                fenced = not fenced
            elif not fenced and (m := re.match(r"(#{1,6})\s+(\S.*)", line)):
                found.append((i, len(m.group(1)), m.group(2)))
            elif not fenced and (m := re.search(r"<h([1-6])\b", line, re.I)):
                found.append((i, int(m.group(1)), line))
    return found


def test_headings_form_an_outline(notebook_path):
    """One H1 (the title, first line of the first cell), then H2 sections with H3 under them:
    a heading goes at most one level deeper than the one before it (a screen reader's outline)."""
    headings = _headings(read_notebook(notebook_path))
    assert headings and headings[0][:2] == (0, 1), "the first cell opens with the '# ' title"
    assert [h for h in headings if h[1] == 1] == headings[:1], "exactly one H1, the title"
    for (_, before, _), (i, level, text) in zip(headings, headings[1:], strict=False):
        assert level <= before + 1, f"cell {i}: H{level} {text!r} right after an H{before}"


@pytest.mark.parametrize("name", ["01_critical_points.ipynb", "04_escaping_saddle_points.ipynb"])
def test_plain_nbconvert_html_writes_alt_text(tmp_path, name):
    """`jupyter nbconvert --to html` with the course environment's configuration (written by the
    install step, tools/nbconvert_config.py) reports no image without alt text."""
    import subprocess
    import sys

    from tools.nbconvert_config import install

    config = install(tmp_path / "env").parent
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(config)}
    done = subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "html",
                           "--output-dir", str(tmp_path), str(NOTEBOOK_DIR / name)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Alternative text is missing" not in done.stderr
    html = (tmp_path / name.replace(".ipynb", ".html")).read_text()
    alts = re.findall(r'<img[^>]*?alt="([^"]*)"', html)
    assert len(alts) == html.count("<img") > 2
    assert all(len(alt.split()) >= 5 for alt in alts)
