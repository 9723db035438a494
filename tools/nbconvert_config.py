"""Make plain `jupyter nbconvert --to html` in the course environment write every figure's alt text.

nbconvert's default HTML template ("lab") writes no alt attribute for any image, even when the
cell carries one, so a screen reader gets nothing from a figure. The course's own template
`course_html` (lab-styled, tools/slides_templates) writes the cell's `alt` like nbconvert's
classic template does. This writes `<venv>/etc/jupyter/jupyter_nbconvert_config.json` so that
HTML exports in this environment use it; slides and PDFs keep their usual templates.

    python -m tools.nbconvert_config        (course.py runs it after every install)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent / "slides_templates"


def settings(templates: Path = TEMPLATES) -> dict:
    """The nbconvert configuration: course_html for HTML, the usual templates for the rest."""
    return {
        "HTMLExporter": {"extra_template_basedirs": [str(templates)],
                         "template_name": "course_html"},
        # these exporters inherit HTMLExporter's configuration; keep their own templates
        "SlidesExporter": {"template_name": "reveal"},
        "WebPDFExporter": {"template_name": "lab"},
    }


def install(prefix: Path = Path(sys.prefix)) -> Path:
    """Merge the settings into the environment's nbconvert config file; return its path."""
    path = prefix / "etc" / "jupyter" / "jupyter_nbconvert_config.json"
    config = json.loads(path.read_text()) if path.exists() else {}
    for section, values in settings().items():
        config.setdefault(section, {}).update(values)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(config, indent=1, sort_keys=True) + "\n")
    return path


if __name__ == "__main__":
    print(f"nbconvert HTML exports write alt text: {install()}")
