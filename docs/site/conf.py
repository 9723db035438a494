"""Sphinx configuration of the course website (built by `python3 course.py site`).

tools/site.py stages the notebooks into build/site-src/ (cell tags mapped to myst-nb's, see
there) and runs sphinx-build with this folder as the configuration directory. The notebooks
are rendered with their committed outputs: nothing is executed. Everything the pages load is
in the built folder (MathJax 3 from the sphinx-mathjax-offline wheel, the theme's own assets),
so the site works offline and from file://.
"""

from __future__ import annotations

import shutil
import sys
from importlib.metadata import distribution
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tools.site import repository_url  # noqa: E402

project = "When the gradient is small"
author = "The gradient-small-course authors"
copyright = "the gradient-small-course authors"  # noqa: A001 (Sphinx's name)
language = "en"

extensions = ["myst_nb"]
exclude_patterns = ["**/.ipynb_checkpoints"]

# -- Notebooks: committed outputs only ---------------------------------------------------
nb_execution_mode = "off"
nb_merge_streams = True
nb_ipywidgets_js: dict = {}  # no widget manager from a CDN (tools/site.py explains why)
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_heading_anchors = 3
suppress_warnings = ["mystnb.unknown_mime_type"]

# -- Math: MathJax 3, bundled ------------------------------------------------------------
MATHJAX_FILES = ("tex-chtml-full.js", "output/chtml/fonts/woff-v2")
mathjax_path = "mathjax/tex-chtml-full.js"


def copy_mathjax(app, exception) -> None:
    """Copy the parts of MathJax the pages use (the TeX to CommonHTML bundle and its fonts)."""
    if exception is not None or app.builder.format != "html":
        return
    source = Path(distribution("sphinx-mathjax-offline").locate_file(
        "sphinx-mathjax-offline/static/mathjax"))
    target = Path(app.outdir) / "_static" / "mathjax"
    for name in MATHJAX_FILES:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        if (source / name).is_dir():
            shutil.copytree(source / name, target / name, dirs_exist_ok=True)
        else:
            shutil.copy2(source / name, target / name)


def list_languages(app, docname: str, source: list[str]) -> None:
    """On the home page, a table of contents with the home page of each other language."""
    homes = sorted(name for name in app.env.found_docs if name.endswith("/index"))
    if docname == "index" and homes:
        entries = "\n".join(homes)
        source[0] += (f"\n```{{toctree}}\n:caption: Other languages\n:maxdepth: 1\n\n"
                      f"{entries}\n```\n")


def setup(app) -> None:
    app.connect("source-read", list_languages)
    app.connect("build-finished", copy_mathjax)


# -- Theme and launch buttons ------------------------------------------------------------
REPOSITORY = repository_url()
html_theme = "sphinx_book_theme"
html_title = "When the gradient is small"
html_copy_source = False  # the notebooks are on the repository; keeps the site small
html_show_sourcelink = False
html_last_updated_fmt = None
html_theme_options = {
    "repository_url": REPOSITORY,
    "repository_branch": "main",
    "path_to_docs": "notebooks",
    "use_repository_button": True,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "home_page_in_toc": True,
    "show_toc_level": 2,
    "navbar_persistent": [],  # the search field is in the sidebar (theme.conf's empty value
    #                           is not read as empty under Sphinx 9: a second header bar)
    "extra_footer": (
        '<p>Text and figures: <a href="https://creativecommons.org/licenses/by/4.0/">'
        f'CC BY 4.0</a>; code: MIT (<a href="{REPOSITORY}/blob/main/LICENSE-content.md">'
        "licenses</a>).</p>"),
    "launch_buttons": {
        "notebook_interface": "jupyterlab",
        "binderhub_url": "https://mybinder.org",
        "colab_url": "https://colab.research.google.com",
    },
}
