"""The course website in a browser, offline: built by tools/site.py, served from 127.0.0.1.

The site (build/site, built by the fixture if its sources changed) is served by a local static
server; every request that leaves this machine is aborted and recorded (conftest's `page`).
The test starts at the home page and follows the "next" link through every notebook in
course order to the glossary. On each page: no request tried to leave, no script error, the
math typeset by MathJax (no raw `$$` or `\\(` left, no MathJax error), every font loaded,
every image loaded and described by alt text, and every link to a page of the site, and
every anchor, resolves.
A second test opens a notebook page from the folder itself (file://).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlparse

import pytest

from .conftest import ROOT
from .lab import serve_folder

pytestmark = pytest.mark.browser

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
INLINE_TEX = re.compile(r"\$[^\s$][^$\n]*\$")
COURSE_ORDER = [p.stem for p in NOTEBOOKS] + ["glossary"]

_PAGE_JS = """async () => {
  if (window.MathJax && MathJax.startup) await MathJax.startup.promise;
  await document.fonts.ready;
  const main = document.querySelector('main') || document.body;
  const prose = main.cloneNode(true);
  prose.querySelectorAll('pre, code, script, style, mjx-container').forEach(e => e.remove());
  return {
    ids: [...document.querySelectorAll('[id], a[name]')].map(e => e.id || e.name),
    links: [...document.querySelectorAll('a[href]')].map(a => a.href),
    images: [...document.querySelectorAll('img')].map(i => ({
      src: i.currentSrc || i.src, alt: (i.getAttribute('alt') || '').trim(),
      loaded: i.complete && i.naturalWidth > 0})),
    math: document.querySelectorAll('.math').length,
    typeset: document.querySelectorAll('.math mjx-container').length,
    errors: document.querySelectorAll('mjx-merror, .MathJax_Error').length,
    fontErrors: [...document.fonts].filter(f => f.status === 'error').map(f => f.family),
    prose: prose.innerText,
    next: (document.querySelector('a.right-next') || {}).href || null,
  };
}"""


@pytest.fixture(scope="module")
def built_site() -> Path:
    """build/site, built now if its sources changed since the last build."""
    pytest.importorskip("myst_nb", reason="the site extra is not installed (sphinx, myst-nb)")
    from tools import site

    return site.ensure_built()


@pytest.fixture(scope="module")
def site_url(built_site: Path) -> Iterator[str]:
    """The built site served on 127.0.0.1 for the module."""
    with serve_folder(built_site) as url:
        yield url + "/"


def _visit(page, url: str) -> dict:
    response = page.goto(url, wait_until="load")
    if not url.startswith("file:"):  # a file has no HTTP response
        assert response is not None and response.ok, f"{url}: {response and response.status}"
    return page.evaluate(_PAGE_JS)


def _check_page(name: str, info: dict) -> None:
    """Math typeset, images loaded with alt text (see the module docstring)."""
    assert info["typeset"] == info["math"], (
        f"{name}: {info['math'] - info['typeset']} of {info['math']} formulas not typeset")
    assert info["errors"] == 0, f"{name}: MathJax reports {info['errors']} errors"
    assert info["fontErrors"] == [], f"{name}: fonts not loaded: {info['fontErrors']}"
    for raw in ("$$", "\\(", "\\[", "\\begin{"):
        assert raw not in info["prose"], f"{name}: raw TeX {raw!r} left in the text"
    inline = INLINE_TEX.search(info["prose"])
    assert inline is None, f"{name}: raw TeX {inline and inline.group()!r} left in the text"
    for image in info["images"]:
        assert image["loaded"], f"{name}: image not loaded: {image['src']}"
        assert image["alt"], f"{name}: image without alt text: {image['src']}"


def test_site_navigation_math_images_and_links(page, page_log, site_url: str) -> None:
    """Follow "next" from the home page through every notebook, then check every link."""
    pages: dict[str, dict] = {}
    url, visited = site_url, []
    while url:
        info = _visit(page, url)
        name = Path(urlparse(url).path).stem or "index"
        _check_page(name, info)
        pages[urldefrag(url).url] = info
        visited.append(name)
        url = info["next"]
    # the English pages, then each Chinese edition's (docs/site/zh-Hans/, zh-Hant/) in turn
    from tools import site

    editions = len(site.language_folders())
    assert visited == ["index", *COURSE_ORDER] * editions, f"navigation order: {visited}"
    math_pages = [n for n, i in zip(visited, pages.values(), strict=True) if i["typeset"]]
    assert len(math_pages) >= len(NOTEBOOKS) // 2, f"typeset math only on {math_pages}"

    local = {urldefrag(link) for info in list(pages.values()) for link in info["links"]
             if link.startswith(site_url)}
    for target in sorted({t for t, _ in local} - set(pages)):
        pages[target] = _visit(page, target)
    for target, anchor in sorted(local):
        ids = pages[target]["ids"]
        assert not anchor or anchor in ids, f"broken anchor {target}#{anchor}"
    assert page_log.blocked == [], f"requests that tried to leave: {page_log.blocked}"
    assert page_log.page_errors == [], page_log.page_errors


def test_site_works_from_the_folder(page, page_log, built_site: Path) -> None:
    """Opened as files, a notebook page still typesets its math and shows its figures."""
    name = next(p.stem for p in NOTEBOOKS if p.stem.startswith("02_"))
    info = _visit(page, (built_site / f"{name}.html").as_uri())
    _check_page(name, info)
    assert info["typeset"] > 0, f"{name}: no math typeset from file://"
    home = urljoin((built_site / f"{name}.html").as_uri(), "index.html")
    assert home in info["links"]
    assert page_log.blocked == [], f"requests that tried to leave: {page_log.blocked}"
