"""The course website (tools/site.py, docs/site/conf.py) without a browser.

Staging is tested on small notebooks; the built site (build/site, built once if its sources
changed) is checked for what a reader needs offline: a page per notebook in course order, no
script, style sheet, font or image from another host, alt text on every image, and the Binder
and Colab links built from the repository URL in pyproject.toml.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from tools import site

pytest.importorskip("myst_nb", reason="the site extra is not installed (sphinx, myst-nb)")

NOTEBOOKS = sorted(site.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def _code(source: str, tags=(), **metadata):
    cell = nbformat.v4.new_code_cell(source, metadata=dict(metadata))
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def test_repository_url_comes_from_pyproject(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "x"\n[project.urls]\n'
                         'Repository = "https://github.com/someone/course.git"\n')
    assert site.repository_url(pyproject) == "https://github.com/someone/course"


@pytest.mark.parametrize("text", ["", '[project]\nname = "x"\n',
                                  '[project.urls]\nRepository = "not a url"\n'])
def test_repository_url_falls_back(tmp_path: Path, text: str) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(text)
    assert site.repository_url(pyproject) == site.FALLBACK_REPOSITORY


def test_staging_maps_tags_alt_text_and_widgets() -> None:
    widget = nbformat.v4.new_output("display_data", data={
        WIDGET_VIEW: {"model_id": "m", "version_major": 2, "version_minor": 0},
        "text/plain": "VBox(...)"})
    figure = nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo="})
    nb = nbformat.v4.new_notebook(metadata={"widgets": {"state": {}}}, cells=[
        _code("assert x == 1", tags=["ci-check"]),
        _code("_expected = 1", tags=["answer-key"], jupyter={"source_hidden": True}),
        _code("secret()", tags=["teacher-only"]),
        _code("pip_install_on_colab()", tags=["colab-install"]),
        nbformat.v4.new_markdown_cell("[![Open In Colab](https://x/badge.svg)](https://x)",
                                      metadata={"tags": ["launch-badges"]}),
        _code("draw_setup()", jupyter={"source_hidden": True}),
        _code("plot()", alt="A plot of the loss against the step, falling to zero."),
        _code("explorer.widget()"),
        nbformat.v4.new_markdown_cell("<details><summary>Solution</summary>…</details>",
                                      metadata={"tags": ["solution"]}),
    ])
    nb.cells[6].outputs = [figure]
    nb.cells[7].outputs = [widget]
    staged = site.stage_notebook(nb)
    tags = [c.metadata.get("tags", []) for c in staged.cells]
    assert all("remove-cell" in t for t in tags[:5])
    assert tags[5] == ["hide-input"] and tags[8] == ["solution"]
    assert staged.cells[6].metadata["mystnb"]["image"]["alt"].startswith("A plot of the loss")
    assert staged.cells[6].outputs == [figure]
    assert list(staged.cells[7].outputs[0]["data"]) == ["text/markdown"]
    assert "widgets" not in staged.metadata
    assert "widgets" in nb.metadata and nb.cells[7].outputs == [widget]  # the source is kept


def test_glossary_page_is_made_of_notebook_00s_glossary() -> None:
    nb = nbformat.read(site.NOTEBOOKS / "00_start_here.ipynb", as_version=4)
    text = site.glossary_markdown(nb)
    assert text.startswith("# Glossary · 术语表\n") and "\n## Kinds of points\n" in text
    assert "| saddle point |" in text and "`hess`" in text
    with pytest.raises(ValueError, match="Glossary"):
        site.glossary_markdown(nbformat.v4.new_notebook())


def test_a_language_folder_joins_the_site_with_its_home_page(tmp_path: Path) -> None:
    notebooks, conf = tmp_path / "notebooks", tmp_path / "site"
    for folder in (notebooks / "zh-Hans", notebooks / "zh-Hant", conf / "zh-Hant"):
        folder.mkdir(parents=True)
    (conf / "zh-Hant" / "index.md").write_text("# 當梯度很小時\n")
    assert site.language_folders(notebooks, conf) == [notebooks, notebooks / "zh-Hant"]


def test_glossary_title_follows_the_language() -> None:
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("## 術語表 · Glossary（1/2）：一個概念\n\n| a | b |"),
        nbformat.v4.new_markdown_cell("## 術語表 · Glossary（2/2）：點的型別\n\n| c | d |")])
    text = site.glossary_markdown(nb)
    assert text.startswith("# 術語表 · Glossary\n")
    assert "\n## 一個概念\n" in text and "\n## 點的型別\n" in text


# ------------------------------------------------------------------ the built site

class _Tags(HTMLParser):
    """Every start tag of a page with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(page: Path) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.tags


@pytest.fixture(scope="module")
def built() -> Path:
    return site.ensure_built()


def test_every_notebook_has_a_page_in_course_order(built: Path) -> None:
    pages = [p.stem for p in NOTEBOOKS]
    for name in [*pages, "glossary", "index"]:
        assert (built / f"{name}.html").is_file(), f"{name}.html missing from the site"
    index = (built / "index.html").read_text(encoding="utf-8")
    order = [index.find(f'href="{name}.html"') for name in [*pages, "glossary"]]
    assert -1 not in order and order == sorted(order)


def test_nothing_is_loaded_from_another_host(built: Path) -> None:
    loads = {"script": "src", "link": "href", "img": "src", "iframe": "src", "source": "src"}
    for page in built.rglob("*.html"):
        for tag, attrs in _tags(page):
            url = attrs.get(loads.get(tag, ""), "") or ""
            assert not re.match(r"(https?:)?//", url), f"{page.name} loads {url}"
    for sheet in built.rglob("*.css"):
        text = sheet.read_text(encoding="utf-8", errors="replace")
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", text), f"{sheet.name} loads a URL"
        assert not re.search(r"@import\s+(url\()?['\"]?(https?:)?//", text), sheet.name


def test_every_image_has_alt_text(built: Path) -> None:
    for page in built.glob("*.html"):
        for tag, attrs in _tags(page):
            if tag == "img":
                assert (attrs.get("alt") or "").strip(), f"{page.name}: {attrs.get('src')}"


def test_each_notebook_page_launches_in_binder_and_colab(built: Path) -> None:
    owner_repo = site.repository_url().removeprefix("https://github.com/")
    for path in NOTEBOOKS:
        hrefs = [a.get("href") or "" for tag, a in _tags(built / f"{path.stem}.html")
                 if tag == "a"]
        binder = f"https://mybinder.org/v2/gh/{owner_repo}/"
        colab = f"https://colab.research.google.com/github/{owner_repo}/blob/"
        assert any(h.startswith(binder) and h.endswith(f"notebooks/{path.name}")
                   for h in hrefs), f"{path.name}: no Binder link"
        assert any(h.startswith(colab) and h.endswith(f"notebooks/{path.name}")
                   for h in hrefs), f"{path.name}: no Colab link"


def test_hidden_checks_and_answer_keys_are_not_on_the_site(built: Path) -> None:
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        page = _text((built / f"{path.stem}.html").read_text(encoding="utf-8"))
        removed = [c for c in nb.cells
                   if site.REMOVED_TAGS.intersection(c.metadata.get("tags", []))]
        assert removed, f"{path.name} has no hidden check or answer key: update this test"
        for cell in removed:
            assert _words(cell.source) not in page, f"{path.name}: {cell.source[:60]!r} shown"


def _words(text: str) -> str:
    return " ".join(text.split())


def _text(page: str) -> str:
    """The page's text with markup removed (so highlighted code reads as it was written)."""
    text = re.sub(r"<[^>]+>", "", page)
    return _words(html.unescape(text))


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant"])
def test_both_chinese_editions_are_reachable_from_the_home_page(built: Path, lang: str) -> None:
    """The home page links each edition's home page; that page links every notebook and the
    glossary of its edition, and the way back to the English home page."""
    index = (built / "index.html").read_text(encoding="utf-8")
    assert f'href="{lang}/index.html"' in index, f"the home page does not link {lang}/"
    home = (built / lang / "index.html").read_text(encoding="utf-8")
    for name in [*(p.stem for p in NOTEBOOKS), "glossary"]:
        assert (built / lang / f"{name}.html").is_file(), f"{lang}/{name}.html missing"
        assert f'href="{name}.html"' in home, f"{lang}/index.html does not link {name}"
    assert 'href="../index.html"' in home, f"{lang}/index.html does not link the English home"
