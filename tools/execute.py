"""Re-execute notebooks in place: the only way the course's stored outputs are produced.

    python -m tools.execute [notebooks/NN_name.ipynb ...]   (= python3 course.py execute)

Without arguments every notebook in notebooks/ is executed. The result does not depend on
the run: streams printed in several chunks are merged, random widget model ids are replaced
by ids derived from the notebook's name, and the JSON is written with sorted keys, so running
twice leaves the files byte-identical. Run it with one BLAS thread (course.py sets the
environment) so floats are reproducible.
"""

from __future__ import annotations

import json
import re
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
WIDGET_ID = r"(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def widget_order(nb: dict[str, Any]) -> list[str]:
    """Widget model ids in a canonical order: models reachable from the views shown in cells
    (in cell order, depth first), then the rest sorted by their content."""
    state = nb.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    order: list[str] = []

    def visit(model_id: str) -> None:
        if model_id in order or model_id not in state:
            return
        order.append(model_id)
        blob = json.dumps(state[model_id].get("state", {}), sort_keys=True)
        for ref in re.findall(r"IPY_MODEL_([0-9a-f]{32})", blob):
            visit(ref)

    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if view:
                visit(view["model_id"])
    rest = sorted(
        (m for m in state if m not in order),
        key=lambda m: re.sub(WIDGET_ID, "", json.dumps(state[m], sort_keys=True)),
    )
    for model_id in rest:
        visit(model_id)
    return order


def normalise_widget_ids(text: str, stem: str) -> str:
    """Replace random widget model ids with ids derived from the notebook name and the
    canonical order of ``widget_order``; the JSON comes back with sorted keys."""
    order = widget_order(json.loads(text))
    mapping = {m: uuid.uuid5(uuid.NAMESPACE_URL, f"{stem}/{i}").hex for i, m in enumerate(order)}
    for m in re.findall(WIDGET_ID, text):
        mapping.setdefault(m, uuid.uuid5(uuid.NAMESPACE_URL, f"{stem}/{len(mapping)}").hex)
    renamed = json.loads(re.sub(WIDGET_ID, lambda m: mapping[m.group(0)], text))
    return json.dumps(renamed, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def coalesce_streams(outputs: list) -> list:
    """Merge consecutive stream outputs of the same name: how the kernel chunks a print
    depends on timing, the text does not."""
    merged: list = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (
            output.get("output_type") == "stream"
            and previous is not None
            and previous.get("output_type") == "stream"
            and previous.get("name") == output.get("name")
        ):
            previous["text"] += output["text"]
        else:
            merged.append(output)
    return merged


def run_notebook(nb, cwd: Path):
    """Execute a notebook object in place with the course's fixed kernel settings."""
    from nbclient import NotebookClient

    client = NotebookClient(
        nb,
        kernel_name="python3",
        # the kernel listens on 127.0.0.1 only; silence its plain-TCP notice, keep its errors
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
        timeout=300,
        record_timing=False,
        store_widget_state=True,  # also needed by nbclient whenever an Output widget is used
        resources={"metadata": {"path": str(cwd)}},
    )
    client.execute()
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = coalesce_streams(cell.outputs)
    return nb


def execute_notebook(path: Path) -> None:
    """Execute the notebook file at ``path`` and write it back, normalised."""
    import nbformat

    nb = run_notebook(nbformat.read(path, as_version=4), path.parent)
    text = nbformat.writes(nb) + "\n"
    path.write_text(normalise_widget_ids(text, path.stem), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Execute the given notebooks (default: every notebook of the course) in place."""
    paths = sys.argv[1:] if argv is None else argv
    targets = [Path(p).resolve() for p in paths] or sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    for path in targets:
        t0 = time.perf_counter()
        execute_notebook(path)
        print(f"executed {path.relative_to(ROOT)} in {time.perf_counter() - t0:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
