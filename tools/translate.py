"""The Chinese editions, built from the English notebooks and a translation catalogue:

    python -m tools.translate build [NN ...]       notebooks/zh-Hans/ and notebooks/zh-Hant/
    python -m tools.translate status [NN ...]      stale, missing and orphaned translations
    python -m tools.translate skeleton [NN ...]    add catalogue entries for new cells/strings
    python -m tools.translate accept NN CELL_ID..  a stale translation was revised: record the
                                                   English it now follows

One source: ``translations/zh-Hans/<notebook>.yaml`` holds, per markdown cell id, the
Simplified Chinese text, the English text it was made from and a hash of that English
(``hash``). The build copies every code cell of the English notebook byte for byte and puts
the translation in place of each markdown cell; the Traditional edition (Taiwan usage) is the
Simplified one through OpenCC ``s2twp`` and the course's terms (``helpers.i18n``), never
edited by hand. Notebook 00 of each edition gets a generated cell linking the other editions.
Code cells keep the outputs of the previous build when their source is unchanged; outputs
come from ``python -m tools.execute notebooks/zh-Hans/NN_name.ipynb`` (the kernel runs in the
edition's folder, so ``helpers`` prints its messages in that language).

When an English cell changes, its hash no longer matches: ``status`` lists it with the diff
of the English since its translation, and tests/test_translations.py fails until the
translation is revised and ``accept``-ed.
"""

from __future__ import annotations

import ast
import copy
import difflib
import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import yaml

from helpers.i18n import SIMPLIFIED, TRADITIONAL, to_traditional

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
CATALOGUES = ROOT / "translations" / SIMPLIFIED
EDITIONS = (SIMPLIFIED, TRADITIONAL)
LINKS_ID = "editions-links"
HEADER = (
    "# Translation catalogue (Simplified Chinese) of notebooks/{name}.\n"
    "# One entry per markdown cell id: `zh` is the translation, `en` the English it was made\n"
    "# from and `hash` that English's hash. Edit `zh` only; after revising a stale entry run\n"
    "# `python -m tools.translate accept {stem} <cell id>`. `strings`: text in the code cells\n"
    "# (hints) that helpers prints, looked up at run time. Terms: translations/glossary.md.\n"
)
LINKS = {
    "en": ("English", "../{name}"),
    SIMPLIFIED: ("简体中文", "../zh-Hans/{name}"),
    TRADITIONAL: ("繁體中文（台灣）", "../zh-Hant/{name}"),
}


def source_hash(text: str) -> str:
    """The hash that ties a translation to the English it was made from."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def english_notebooks(names: list[str] | None = None) -> list[Path]:
    """The English notebooks, all or those whose name starts with one of ``names``."""
    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    return [p for p in paths if not names or any(p.name.startswith(n) for n in names)]


def catalogue_path(notebook: Path) -> Path:
    return CATALOGUES / f"{notebook.stem}.yaml"


def translated_cells(nb) -> list:
    """The cells whose text is translated: every markdown cell."""
    return [c for c in nb.cells if c.cell_type == "markdown"]


def _is_hint_dict(node: ast.AST) -> bool:
    targets = getattr(node, "targets", [])
    return any(isinstance(t, ast.Name) and t.id.startswith("_why") for t in targets)


def code_strings(nb) -> list[str]:
    """Text of the code cells that helpers prints: ``hint="..."`` and ``_why...`` dict values."""
    found: list[str] = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            values: list[ast.AST] = []
            if isinstance(node, ast.keyword) and node.arg == "hint":
                values = [node.value]
            elif isinstance(node, ast.Assign) and _is_hint_dict(node) and isinstance(
                    node.value, ast.Dict):
                values = list(node.value.values)
            for value in values:
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    if value.value and value.value not in found:
                        found.append(value.value)
    return found


# ------------------------------------------------------------------ catalogue files


class _Literal(str):
    """A multi-line string written as a YAML block (``|``)."""


def _literal(dumper, text):
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Literal, _literal)


def load_catalogue(notebook: Path) -> dict[str, Any]:
    """The catalogue of ``notebook`` (empty sections when there is none yet)."""
    path = catalogue_path(notebook)
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    data = data or {}
    return {"notebook": notebook.name, "cells": data.get("cells") or [],
            "strings": data.get("strings") or []}


def write_catalogue(notebook: Path, data: dict[str, Any]) -> None:
    """Write the catalogue in the reviewer-friendly layout (text as YAML blocks)."""
    def entry(e: dict) -> dict:
        return {k: _Literal(v) if isinstance(v, str) else v for k, v in e.items()}

    body = {"notebook": data["notebook"], "cells": [entry(e) for e in data["cells"]],
            "strings": [entry(e) for e in data["strings"]]}
    text = yaml.dump(body, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
    catalogue_path(notebook).parent.mkdir(parents=True, exist_ok=True)
    catalogue_path(notebook).write_text(
        HEADER.format(name=notebook.name, stem=notebook.stem[:2]) + text, encoding="utf-8")


# ------------------------------------------------------------------ status


@dataclass(frozen=True)
class Problem:
    kind: str  # "missing", "stale", "orphan"
    notebook: str
    key: str  # a cell id, or the English of a code string
    detail: str = ""

    def __str__(self) -> str:
        extra = f"\n{self.detail}" if self.detail else ""
        return f"{self.notebook}: {self.kind} {self.key}{extra}"


def problems(notebook: Path, nb=None, data: dict[str, Any] | None = None) -> list[Problem]:
    """Cells and strings of ``notebook`` without an up-to-date translation (``nb`` and
    ``data`` default to the English notebook and its catalogue on disk)."""
    nb = nbformat.read(notebook, as_version=4) if nb is None else nb
    data = load_catalogue(notebook) if data is None else data
    entries = {e["id"]: e for e in data["cells"]}
    found: list[Problem] = []
    for cell in translated_cells(nb):
        entry = entries.get(cell.id)
        if entry is None or not (entry.get("zh") or "").strip():
            found.append(Problem("missing", notebook.name, cell.id))
        elif entry.get("hash") != source_hash(cell.source):
            diff = "\n".join(difflib.unified_diff(
                (entry.get("en") or "").splitlines(), cell.source.splitlines(),
                "English when translated", "English now", lineterm=""))
            found.append(Problem("stale", notebook.name, cell.id, diff))
    ids = {c.id for c in translated_cells(nb)}
    found += [Problem("orphan", notebook.name, i) for i in entries if i not in ids]
    strings = {e["en"]: e for e in data["strings"]}
    for text in code_strings(nb):
        if not (strings.get(text, {}).get("zh") or "").strip():
            found.append(Problem("missing", notebook.name, f"string {text!r}"))
    used = set(code_strings(nb))
    found += [Problem("orphan", notebook.name, f"string {t!r}") for t in strings if t not in used]
    return found


def skeleton(notebook: Path) -> None:
    """Add an entry (empty ``zh``) for every cell and code string the catalogue lacks; drop
    orphans; keep the notebook's order."""
    nb = nbformat.read(notebook, as_version=4)
    data = load_catalogue(notebook)
    entries = {e["id"]: e for e in data["cells"]}
    data["cells"] = [entries.get(c.id) or {"id": c.id, "hash": source_hash(c.source),
                                           "en": c.source, "zh": ""}
                     for c in translated_cells(nb)]
    strings = {e["en"]: e for e in data["strings"]}
    data["strings"] = [strings.get(t) or {"en": t, "zh": ""} for t in code_strings(nb)]
    write_catalogue(notebook, data)


def accept(notebook: Path, ids: list[str]) -> None:
    """Record the current English (and its hash) for revised translations ``ids``."""
    nb = nbformat.read(notebook, as_version=4)
    sources = {c.id: c.source for c in translated_cells(nb)}
    data = load_catalogue(notebook)
    for entry in data["cells"]:
        if entry["id"] in ids:
            entry["en"], entry["hash"] = sources[entry["id"]], source_hash(sources[entry["id"]])
    write_catalogue(notebook, data)


# ------------------------------------------------------------------ build


def edition_path(notebook: Path, lang: str) -> Path:
    return NOTEBOOKS / lang / notebook.name


def links_cell(name: str, lang: str):
    """The generated cell of notebook 00 that links the other editions."""
    others = " · ".join(f"[{label}]({href.format(name=name)})"
                        for code, (label, href) in LINKS.items() if code != lang)
    text = f"**本课程的其他语言版本：** {others}"
    cell = nbformat.v4.new_markdown_cell(text if lang == SIMPLIFIED else to_traditional(text))
    cell.id = LINKS_ID
    cell.metadata = {"slideshow": {"slide_type": "-"}}
    return cell


def build_edition(english, data: dict[str, Any], lang: str, previous=None, name: str = ""):
    """The notebook of edition ``lang``: English code cells, translated markdown cells, the
    previous build's outputs for unchanged code cells. Missing translations raise."""
    nb = copy.deepcopy(english)
    zh = {e["id"]: e["zh"] for e in data["cells"] if (e.get("zh") or "").strip()}
    old = {c.id: c for c in (previous.cells if previous is not None else [])}
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            if cell.id not in zh:
                raise ValueError(f"{name}: cell {cell.id} has no translation; run "
                                 "`python -m tools.translate skeleton` and translate it")
            text = zh[cell.id].rstrip("\n")
            cell.source = text if lang == SIMPLIFIED else to_traditional(text)
        elif cell.cell_type == "code":
            before = old.get(cell.id)
            same = before is not None and before.source == cell.source
            cell.outputs = before.outputs if same else []
            cell.execution_count = before.execution_count if same else None
    if name.startswith("00_"):
        nb.cells.insert(1, links_cell(name, lang))
    nb.metadata["language"] = lang
    if previous is not None and "widgets" in previous.metadata:
        nb.metadata["widgets"] = previous.metadata["widgets"]
    else:
        nb.metadata.pop("widgets", None)
    return nb


def build(notebook: Path) -> list[Path]:
    """Write both Chinese editions of ``notebook``; return their paths."""
    english = nbformat.read(notebook, as_version=4)
    data = load_catalogue(notebook)
    written = []
    for lang in EDITIONS:
        out = edition_path(notebook, lang)
        previous = nbformat.read(out, as_version=4) if out.exists() else None
        nb = build_edition(english, data, lang, previous, notebook.name)
        out.parent.mkdir(parents=True, exist_ok=True)
        text = nbformat.writes(nb) + "\n"
        if not out.exists() or out.read_text(encoding="utf-8") != text:
            out.write_text(text, encoding="utf-8")
        written.append(out)
    return written


def main(argv: list[str] | None = None) -> int:
    """Command line: build, status, skeleton, accept (see the module doc)."""
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] not in ("build", "status", "skeleton", "accept"):
        print(__doc__)
        return 2
    command, rest = args[0], args[1:]
    if command == "accept":
        accept(english_notebooks(rest[:1])[0], rest[1:])
        return 0
    targets = english_notebooks(rest)
    if command == "build":
        targets = [p for p in targets if catalogue_path(p).exists()]
        for path in targets:
            for out in build(path):
                stale = [c.id for c in nbformat.read(out, as_version=4).cells
                         if c.cell_type == "code" and c.execution_count is None]
                note = f" — {len(stale)} code cell(s) not executed: run tools.execute on it" \
                    if stale else ""
                print(f"wrote {out.relative_to(ROOT)}{note}")
        return 0
    if command == "skeleton":
        for path in targets:
            skeleton(path)
            print(f"updated {catalogue_path(path).relative_to(ROOT)}")
        return 0
    found = [p for path in targets for p in problems(path)]
    for problem in found:
        print(problem)
    print(f"{len(found)} translation problem(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
