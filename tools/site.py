"""The course website (= python3 course.py site): a static site of every notebook.

    python -m tools.site [--out build/site]

Sphinx with myst-nb renders each notebook with its committed outputs (nothing is executed);
the configuration is docs/site/conf.py, the home page and its table of contents
docs/site/index.md. This module only stages the sources into build/site-src/ and runs
sphinx-build (warnings are errors). Another language joins the site when its home page
exists: notebooks/zh-Hans/ is built once docs/site/zh-Hans/index.md is there (a copy of
docs/site/index.md in that language; conf.py lists it on the home page). Staging copies the
notebooks with these changes for the reader of a web page:

- cells tagged ``ci-check``, ``answer-key`` or ``teacher-only`` are removed (``remove-cell``),
  and so are the launch badges and the Colab install cell (``launch-badges``,
  ``colab-install``, written by tools/launch.py): each page has its own Binder and Colab
  links, and the badges are images from other hosts. Solutions stay, folded, as the
  notebooks already write them (``<details>``);
- other code cells whose source is hidden in JupyterLab get ``hide-input`` (folded);
- a figure's alt text (the cell's ``alt`` metadata) goes where myst-nb reads it;
- an interactive widget's output becomes a short note: without a kernel its controls would
  be dead, and myst-nb's widget manager (with the ipympl canvas) loads from a CDN. The static
  figure each notebook shows before its widget is kept;
- a page "glossary" is made of the glossary cells of notebook 00 (of each language).

The repository URL behind the Binder and Colab buttons is read from pyproject.toml
([project.urls] Repository).
"""

from __future__ import annotations

import argparse
import copy
import fcntl
import hashlib
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
CONF_DIR = ROOT / "docs" / "site"
STAGE = ROOT / "build" / "site-src"
OUT = ROOT / "build" / "site"
FALLBACK_REPOSITORY = "https://github.com/gradient-small/gradient-small-course"
URL_KEYS = ("Repository", "Source", "Homepage")

REMOVED_TAGS = frozenset({"ci-check", "answer-key", "teacher-only", "launch-badges",
                          "colab-install"})
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_NOTE = (
    "> *Interactive: this explorer runs in Jupyter. Open the notebook with the launch button "
    "at the top of the page (Binder or Colab), or in JupyterLab on your computer, to use it.*"
)
GLOSSARY_HEADING = re.compile(r"^#{2,3}\s*(Glossary|术语表|術語表)", re.IGNORECASE)


def repository_url(pyproject: Path = ROOT / "pyproject.toml") -> str:
    """The public GitHub repository named in pyproject's [project.urls] (or the fallback)."""
    try:
        urls = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["urls"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return FALLBACK_REPOSITORY
    for key in URL_KEYS:
        url = str(urls.get(key, "")).rstrip("/")
        if re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url):
            return url.removesuffix(".git")
    return FALLBACK_REPOSITORY


def site_tags(cell) -> list[str]:
    """The cell's tags with myst-nb's ``remove-cell`` / ``hide-input`` added where needed."""
    tags = list(cell.metadata.get("tags", []))
    if REMOVED_TAGS.intersection(tags):
        return [*tags, "remove-cell"]
    hidden = cell.metadata.get("jupyter", {}).get("source_hidden", False)
    if cell.cell_type == "code" and hidden:
        return [*tags, "hide-input"]
    return tags


def _note_for_widgets(outputs: list) -> list:
    """Outputs with every widget view replaced by the note (other outputs unchanged)."""
    staged = []
    for output in outputs:
        if WIDGET_VIEW in output.get("data", {}):
            output = nbformat.v4.new_output(
                "display_data", data={"text/markdown": WIDGET_NOTE}, metadata={})
        staged.append(output)
    return staged


def stage_notebook(nb):
    """A copy of the notebook ready for myst-nb (see the module docstring)."""
    nb = copy.deepcopy(nb)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        tags = site_tags(cell)
        if tags:
            cell.metadata["tags"] = tags
        if cell.cell_type != "code":
            continue
        if cell.metadata.get("alt"):
            cell.metadata["mystnb"] = {"image": {"alt": cell.metadata["alt"]}}
        cell.outputs = _note_for_widgets(cell.outputs)
    return nb


def glossary_markdown(nb) -> str:
    """The glossary page: notebook 00's glossary cells, one after another."""
    cells = [c.source for c in nb.cells
             if c.cell_type == "markdown" and GLOSSARY_HEADING.match(c.source)]
    if not cells:
        raise ValueError("notebook 00 has no cell starting with a '## Glossary' heading")
    title = re.split(r"\s*[(（:：]", cells[0].splitlines()[0].lstrip("# "))[0]
    parts = [re.sub(r"^#{2,3}[^:：\n]*[:：]\s*(.)", lambda m: "## " + m[1].upper(), source,
                    count=1) for source in cells]  # "## Glossary (1/3): one name" → "## One name"
    return f"# {title}\n\n" + "\n\n".join(parts) + "\n"


def language_folders(notebooks: Path = NOTEBOOKS, conf_dir: Path = CONF_DIR) -> list[Path]:
    """notebooks/ itself and each language folder in it that has a home page in conf_dir."""
    others = [p for p in sorted(notebooks.iterdir())
              if p.is_dir() and (conf_dir / p.name / "index.md").is_file()]
    return [notebooks, *others]


def stage(stage_dir: Path = STAGE, notebooks: Path = NOTEBOOKS,
          conf_dir: Path = CONF_DIR) -> list[Path]:
    """Write the site's sources into stage_dir; returns the staged notebooks."""
    shutil.rmtree(stage_dir, ignore_errors=True)
    shutil.copytree(conf_dir, stage_dir, ignore=shutil.ignore_patterns("conf.py", "__pycache__"))
    staged = []
    for folder in language_folders(notebooks, conf_dir):
        target = stage_dir / folder.relative_to(notebooks)
        target.mkdir(parents=True, exist_ok=True)
        for path in sorted(folder.glob("[0-9][0-9]_*.ipynb")):
            nb = nbformat.read(path, as_version=4)
            nbformat.write(stage_notebook(nb), target / path.name)
            staged.append(target / path.name)
            if path.name.startswith("00_"):
                (target / "glossary.md").write_text(glossary_markdown(nb), encoding="utf-8")
    return staged


def build(out: Path = OUT, stage_dir: Path = STAGE) -> int:
    """Stage and build the site into `out`; returns sphinx-build's exit code."""
    from sphinx.cmd.build import build_main

    wanted = source_hash()
    stage(stage_dir)
    shutil.rmtree(out, ignore_errors=True)
    _stamp(out).unlink(missing_ok=True)
    code = build_main(["-b", "html", "-q", "-W", "--keep-going", "-c", str(CONF_DIR),
                       "-d", str(stage_dir / ".doctrees"), str(stage_dir), str(out)])
    if code == 0:
        _stamp(out).write_text(wanted)
    return code


def _stamp(out: Path) -> Path:
    """Where the fingerprint of the sources of the site in `out` is kept (beside it)."""
    return out.parent / f".{out.name}.source-hash"


def source_hash() -> str:
    """A fingerprint of everything the site is built from."""
    digest = hashlib.sha256(repository_url().encode())
    notebooks = [p for f in language_folders() for p in sorted(f.glob("[0-9][0-9]_*.ipynb"))]
    for path in [*notebooks, *sorted(CONF_DIR.rglob("*.*")), Path(__file__)]:
        if "__pycache__" not in path.parts:
            digest.update(path.relative_to(ROOT).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()


def ensure_built(out: Path = OUT) -> Path:
    """Build the site into `out` unless it is already built from the current sources."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out.parent / f".{out.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # test workers wait for one build
        stamp = _stamp(out)
        if stamp.exists() and stamp.read_text() == source_hash() and out.is_dir():
            return out
        # a separate process: Sphinx keeps global state, and a test run's warning filters
        # must not turn the theme's deprecation notices into errors
        done = subprocess.run([sys.executable, "-m", "tools.site", "--out", str(out)],
                              cwd=ROOT, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"the site build failed:\n{done.stdout}\n{done.stderr}")
    return out


def folder_size(path: Path) -> int:
    """Total size in bytes of the files under path."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="output folder (build/site)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    code = build(args.out.resolve())
    if code == 0:
        size = folder_size(args.out) / 1e6
        print(f"Site built in {time.perf_counter() - start:.0f} s, {size:.1f} MB: "
              f"open {args.out / 'index.html'}")
    return code


if __name__ == "__main__":
    sys.exit(main())
