"""Colab and Binder from one place: launch badges and the Colab install cell.

    python -m tools.launch [--check] [notebooks/NN_name.ipynb ...]   (= python3 course.py launch)

The public repository is named once, in pyproject.toml (``[project.urls] Repository``). From
it this writes

* the Colab and Binder badges into README.md (between ``<!-- launch-badges -->`` markers, right
  under the title) and into each notebook, as a markdown cell after the title cell;
* a first code cell that, only on Colab, pip-installs the course package from the repository
  (runtime dependencies with lower bounds: Colab's own numpy, matplotlib, ... stay) and turns
  on Colab's custom widget manager (the ipympl canvas needs it). Elsewhere it does nothing and
  prints nothing.

Both cells carry a fixed cell id and a tag (``launch-badges``, ``colab-install``), are skipped
in slides, and are rewritten in place on the next run: running twice changes nothing. When a
new code cell is inserted into an executed notebook, the later execution counts move up by one
(the cell prints nothing, so the notebook reads as executed in order, as ``execute`` would
leave it). ``--check`` writes nothing and exits 1 when a file is not up to date.
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
README = ROOT / "README.md"
BRANCH = "main"
BADGES_TAG, INSTALL_TAG = "launch-badges", "colab-install"
# Only tests/test_colab_like.py sets this: a wheel built from the checkout instead of the URL.
SOURCE_ENV = "COURSE_PACKAGE_SOURCE"
COLAB_BADGE = "https://colab.research.google.com/assets/colab-badge.svg"
BINDER_BADGE = "https://mybinder.org/badge_logo.svg"
START, END = "<!-- launch-badges -->", "<!-- /launch-badges -->"
GITHUB = re.compile(r"^https://github\.com/([A-Za-z0-9][\w.-]*)/([\w.-]+?)(?:\.git)?/?$")
SKIP = {"slideshow": {"slide_type": "skip"}}

INSTALL_SOURCE = """\
# On Google Colab only: install the course's helpers package (elsewhere this does nothing).
import os
import sys

if "google.colab" in sys.modules or "COLAB_RELEASE_TAG" in os.environ:
    import importlib
    import subprocess

    _source = os.environ.get(
        "{env}", "{requirement}"
    )
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", _source], check=True)
    importlib.invalidate_caches()
    from google.colab import output

    output.enable_custom_widget_manager()"""


def repository_url(pyproject: Path = ROOT / "pyproject.toml") -> str:
    """The repository's public URL from ``[project.urls] Repository`` in pyproject.toml."""
    urls = tomllib.loads(pyproject.read_text())["project"].get("urls", {})
    if "Repository" not in urls:
        raise ValueError("pyproject.toml needs [project.urls] Repository = 'https://github.com/…'")
    return urls["Repository"]


def github_slug(url: str) -> str:
    """'owner/name' of a https://github.com/owner/name URL."""
    match = GITHUB.match(url)
    if not match:
        raise ValueError(f"not a https://github.com/OWNER/NAME URL: {url!r}")
    return f"{match.group(1)}/{match.group(2)}"


def colab_url(slug: str, path: str, branch: str = BRANCH) -> str:
    """Open the notebook at ``path`` (repository-relative) in Colab."""
    return f"https://colab.research.google.com/github/{slug}/blob/{branch}/{path}"


def binder_url(slug: str, path: str, branch: str = BRANCH) -> str:
    """Open the notebook at ``path`` in JupyterLab on mybinder.org."""
    return f"https://mybinder.org/v2/gh/{slug}/{branch}?labpath={quote(path, safe='')}"


def badges(slug: str, path: str, branch: str = BRANCH) -> str:
    """The two badges, as one markdown line."""
    colab, binder = colab_url(slug, path, branch), binder_url(slug, path, branch)
    return (f"[![Open this notebook in Google Colab]({COLAB_BADGE})]({colab}) "
            f"[![Launch this notebook on Binder]({BINDER_BADGE})]({binder})")


def install_source(url: str, branch: str = BRANCH) -> str:
    """The Colab install cell's code: pip install the package from the repository."""
    requirement = f"git+{url.removesuffix('/')}@{branch}"
    return INSTALL_SOURCE.format(env=SOURCE_ENV, requirement=requirement)


def _lines(text: str) -> list[str]:
    """Cell source as nbformat stores it on disk (a list of lines)."""
    return text.splitlines(keepends=True)


def _markdown_cell(source: str) -> dict:
    return {"cell_type": "markdown", "id": BADGES_TAG, "source": _lines(source),
            "metadata": {**SKIP, "tags": [BADGES_TAG]}}  # fmt: skip


def _code_cell(source: str) -> dict:
    return {"cell_type": "code", "id": INSTALL_TAG, "source": _lines(source), "outputs": [],
            "execution_count": None, "metadata": {**SKIP, "tags": [INSTALL_TAG]}}  # fmt: skip


def _find(cells: list[dict], tag: str) -> int | None:
    """Index of the cell carrying ``tag`` (or None)."""
    found = [i for i, c in enumerate(cells) if tag in c.get("metadata", {}).get("tags", [])]
    if len(found) > 1:
        raise ValueError(f"more than one cell tagged {tag!r}")
    return found[0] if found else None


def _upsert(cells: list[dict], tag: str, new: dict, at: int) -> bool:
    """Replace the source of the cell tagged ``tag`` or insert ``new`` at ``at``. True when a
    cell was inserted."""
    i = _find(cells, tag)
    if i is None:
        cells.insert(at, new)
        return True
    cells[i]["source"] = new["source"]
    cells[i]["metadata"] = {**cells[i].get("metadata", {}), **new["metadata"]}
    return False


def _shift_counts(cells: list[dict], new_cell: dict) -> None:
    """After inserting ``new_cell`` (it prints nothing) into an executed notebook, number it
    first and move every later execution count up by one."""
    code = [c for c in cells if c["cell_type"] == "code" and c is not new_cell]
    if not code or any(c.get("execution_count") is None for c in code):
        return
    for cell in code:
        cell["execution_count"] += 1
        for output in cell.get("outputs", []):
            if "execution_count" in output:
                output["execution_count"] += 1
    new_cell["execution_count"] = 1


def add_launch_cells(nb: dict, slug: str, url: str, path: str) -> dict:
    """The notebook with the badges cell and the Colab install cell after its title cell."""
    if not nb["cells"] or nb["cells"][0]["cell_type"] != "markdown":
        raise ValueError(f"{path}: the first cell must be the markdown title cell")
    cells = nb["cells"]
    _upsert(cells, BADGES_TAG, _markdown_cell(badges(slug, path)), 1)
    install = _code_cell(install_source(url))
    if _upsert(cells, INSTALL_TAG, install, _find(cells, BADGES_TAG) + 1):
        _shift_counts(cells, install)
    return nb


def dumps(nb: dict) -> str:
    """The notebook JSON exactly as tools/execute.py writes it (sorted keys, indent 1)."""
    return json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def update_notebook_text(text: str, slug: str, url: str, path: str) -> str:
    """New text of a notebook file with its launch cells written."""
    return dumps(add_launch_cells(json.loads(text), slug, url, path))


def update_readme_text(text: str, slug: str, start_notebook: str) -> str:
    """README text with the badges block right under its first-level title."""
    block = f"{START}\n{badges(slug, start_notebook)}\n{END}"
    if START in text and END in text:
        return re.sub(re.escape(START) + r".*?" + re.escape(END), lambda _: block, text,
                      count=1, flags=re.S)  # fmt: skip
    lines = text.split("\n")
    if not lines[0].startswith("# "):
        raise ValueError("README.md must start with its '# ' title")
    return "\n".join([lines[0], "", block, *lines[1:]])


def targets(args: list[str]) -> list[Path]:
    """The notebooks named on the command line, or every notebook of the course."""
    paths = [Path(a).resolve() for a in args]
    return paths or sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def main(argv: list[str]) -> int:
    """Write (or with --check, verify) the launch badges and cells."""
    check = "--check" in argv
    url = repository_url()
    slug = github_slug(url)
    stale = []
    notebooks = targets([a for a in argv if a != "--check"])
    files = {README: update_readme_text(README.read_text(), slug, "notebooks/00_start_here.ipynb")}
    for path in notebooks:
        rel = path.relative_to(ROOT).as_posix()
        files[path] = update_notebook_text(path.read_text(encoding="utf-8"), slug, url, rel)
    for path, new in files.items():
        if path.read_text(encoding="utf-8") != new:
            stale.append(path.relative_to(ROOT).as_posix())
            if not check:
                path.write_text(new, encoding="utf-8")
    verb = "not up to date" if check else "updated"
    print(f"{verb}: {', '.join(stale)}" if stale else "launch badges and cells are up to date")
    return 1 if check and stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
