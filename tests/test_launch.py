"""Colab and Binder from one place: badges and the Colab install cell (tools/launch.py)."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from tests.conftest import NOTEBOOKS, ROOT
from tools import launch
from tools.launch import (
    BADGES_TAG,
    INSTALL_TAG,
    add_launch_cells,
    badges,
    binder_url,
    colab_url,
    github_slug,
    install_source,
    repository_url,
    update_notebook_text,
    update_readme_text,
)

URL = "https://github.com/gradient-small/gradient-small-course"
SLUG = "gradient-small/gradient-small-course"
PATH = "notebooks/01_critical_points.ipynb"


def _notebook(executed: bool = True) -> dict:
    """A small executed notebook: title, one code cell with output, closing markdown."""
    def code(n, text):
        count = n if executed else None
        output = {"output_type": "execute_result", "execution_count": count,
                  "data": {"text/plain": [text]}, "metadata": {}}  # fmt: skip
        return {"cell_type": "code", "id": f"c{n}", "metadata": {}, "source": [text],
                "execution_count": count, "outputs": [output]}  # fmt: skip

    cells = [{"cell_type": "markdown", "id": "t", "metadata": {}, "source": ["# 01 · Title"]},
             code(1, "1 + 1"), code(2, "2 + 2"),
             {"cell_type": "markdown", "id": "e", "metadata": {}, "source": ["next"]}]  # fmt: skip
    return {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def test_the_repository_url_is_configured_once():
    assert repository_url() == URL
    assert github_slug(URL) == SLUG
    assert github_slug(URL + ".git") == SLUG
    for name in ("course.py", "tools/launch.py", "tools/lock.py"):
        assert URL not in (ROOT / name).read_text(), f"{name} repeats the repository URL"


@pytest.mark.parametrize("bad", ["http://github.com/a/b", "https://gitlab.com/a/b", "a/b", ""])
def test_a_url_that_is_not_github_is_refused(bad):
    with pytest.raises(ValueError, match="github.com/OWNER/NAME"):
        github_slug(bad)


def test_launch_urls():
    assert colab_url(SLUG, PATH) == (
        "https://colab.research.google.com/github/gradient-small/gradient-small-course/blob/main/"
        "notebooks/01_critical_points.ipynb"
    )
    assert binder_url(SLUG, PATH) == (
        "https://mybinder.org/v2/gh/gradient-small/gradient-small-course/main"
        "?labpath=notebooks%2F01_critical_points.ipynb"
    )
    line = badges(SLUG, PATH)
    assert line.count("[![") == 2 and colab_url(SLUG, PATH) in line and "mybinder" in line


def test_cells_go_after_the_title_and_counts_move_up():
    nb = add_launch_cells(_notebook(), SLUG, URL, PATH)
    kinds = [(c["cell_type"], c["metadata"].get("tags")) for c in nb["cells"]]
    assert kinds[:3] == [("markdown", None), ("markdown", [BADGES_TAG]), ("code", [INSTALL_TAG])]
    counts = [c["execution_count"] for c in nb["cells"] if c["cell_type"] == "code"]
    assert counts == [1, 2, 3], "the notebook still reads as executed in order"
    assert [c["outputs"][0]["execution_count"] for c in nb["cells"][3:5]] == [2, 3]
    for cell in nb["cells"][1:3]:
        assert cell["metadata"]["slideshow"] == {"slide_type": "skip"}
    assert nb["cells"][2]["outputs"] == []


def test_an_unexecuted_notebook_keeps_empty_counts():
    nb = add_launch_cells(_notebook(executed=False), SLUG, URL, PATH)
    assert [c.get("execution_count") for c in nb["cells"] if c["cell_type"] == "code"] == [
        None, None, None]  # fmt: skip


def test_writing_twice_changes_nothing():
    once = update_notebook_text(json.dumps(_notebook()), SLUG, URL, PATH)
    assert update_notebook_text(once, SLUG, URL, PATH) == once
    readme = "# Title\n\nText.\n"
    first = update_readme_text(readme, SLUG, "notebooks/00_start_here.ipynb")
    assert first.startswith("# Title\n\n<!-- launch-badges -->\n"
                            "[![Open this notebook in Google Colab]")
    assert update_readme_text(first, SLUG, "notebooks/00_start_here.ipynb") == first


def test_a_changed_url_rewrites_the_cells_in_place():
    once = add_launch_cells(_notebook(), SLUG, URL, PATH)
    other = "https://github.com/someone/fork"
    again = add_launch_cells(once, github_slug(other), other, PATH)
    assert len(again["cells"]) == 6
    assert "someone/fork" in "".join(again["cells"][1]["source"])
    assert "git+https://github.com/someone/fork@main" in "".join(again["cells"][2]["source"])
    assert [c["execution_count"] for c in again["cells"] if c["cell_type"] == "code"] == [1, 2, 3]


def test_a_notebook_without_a_title_cell_is_refused():
    nb = _notebook()
    nb["cells"] = nb["cells"][1:]
    with pytest.raises(ValueError, match="title cell"):
        add_launch_cells(nb, SLUG, URL, PATH)


def test_the_install_cell_installs_runtime_dependencies_only_on_colab():
    code = install_source(URL)
    compile(code, "install-cell", "exec")
    assert f'"git+{URL}@main"' in code
    assert 'sys.modules or "COLAB_RELEASE_TAG" in os.environ' in code
    assert "enable_custom_widget_manager()" in code
    assert "[" not in code.split("git+")[1].split('"')[0], "no extras: runtime dependencies only"
    assert not re.search(r"^\S", code.split("if ", 1)[1].split("\n", 1)[1], re.M), (
        "everything after the guard is inside it"
    )


def test_the_runtime_dependencies_are_lower_bounds():
    import tomllib

    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert deps and all(">=" in d and "==" not in d and "<" not in d for d in deps), deps


def test_check_mode_reports_stale_files_and_writes_nothing(tmp_path, monkeypatch):
    (tmp_path / "notebooks").mkdir()
    nb_path = tmp_path / "notebooks" / "01_x.ipynb"
    nb_path.write_text(json.dumps(_notebook()))
    (tmp_path / "README.md").write_text("# T\n")
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
    monkeypatch.setattr(launch, "ROOT", tmp_path)
    monkeypatch.setattr(launch, "NOTEBOOKS", tmp_path / "notebooks")
    monkeypatch.setattr(launch, "README", tmp_path / "README.md")
    monkeypatch.setattr(launch, "repository_url", lambda: URL)
    before = nb_path.read_text()
    assert launch.main(["--check"]) == 1 and nb_path.read_text() == before
    assert launch.main([]) == 0 and nb_path.read_text() != before
    assert launch.main(["--check"]) == 0


def test_the_repository_is_up_to_date():
    """README and every notebook carry the current badges and install cell."""
    done = subprocess.run([sys.executable, "-m", "tools.launch", "--check"], cwd=ROOT,
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stdout + "run: python3 course.py launch"


def test_every_notebook_is_a_launch_target():
    assert {p.name for p in launch.targets([])} == {p.name for p in NOTEBOOKS}
