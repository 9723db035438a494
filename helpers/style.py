"""The course figure style, colour maps and the colours of each kind of point."""

from __future__ import annotations

import matplotlib.pyplot as plt

STYLE_NAME = "helpers.course"
LOSS_CMAP = "viridis"  # loss values
SIGNED_CMAP = "RdBu_r"  # signed quantities (eigenvalues, curvature): use with a norm centred at 0

KIND_COLORS: dict[str, str] = {
    "local minimum": "#009E73",
    "local maximum": "#D55E00",
    "saddle point": "#0072B2",
    "degenerate": "#CC79A7",
    "undetermined": "#CC79A7",
    "not critical": "#7F7F7F",
}
KIND_MARKERS: dict[str, str] = {
    "local minimum": "o",
    "local maximum": "^",
    "saddle point": "X",
    "degenerate": "D",
    "undetermined": "D",
    "not critical": ".",
}
# Eigen-directions: positive curvature / negative curvature
POSITIVE_COLOR = "#009E73"
NEGATIVE_COLOR = "#D55E00"


def use_course_style() -> None:
    """Apply the course style (the one global change, made only when called)."""
    plt.style.use(STYLE_NAME)
