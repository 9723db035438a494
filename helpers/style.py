"""The course's colours: the loss colour map and the colours and markers of each kind of point.

The figure style itself is ``helpers/course.mplstyle``: ``plt.style.use("helpers.course")``.
"""

from __future__ import annotations

LOSS_CMAP = "viridis"  # loss values

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
