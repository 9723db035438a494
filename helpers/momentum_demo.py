"""Notebook 06's momentum demo: gradient descent and momentum from one start on the double well.

The logic behind the sliders (no drawing): the two paths, where each one ended, a summary line.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from helpers.optimizers import SGD, Momentum, run
from helpers.surfaces import DEMO_SURFACES, Surface, loss_and_grad
from helpers.validation import array, instance, whole

# the double well's critical points on y = 0, to 4 decimals
PLACES: dict[str, tuple[float, float]] = {
    "global minimum": (1.0356, 0.0),
    "poor local minimum": (-0.9601, 0.0),
    "saddle": (-0.0754, 0.0),
}


@dataclass(frozen=True)
class MomentumDemo:
    """Gradient descent and momentum from one start on the double well (logic of the sliders)."""

    start: tuple[float, float] = (-2.0, 1.0)
    n_steps: int = 300
    surface: Surface = DEMO_SURFACES["double well"]

    def __post_init__(self) -> None:
        """Checked: a 2-D start, a whole number of steps, a Surface."""
        array("start", self.start, shape=(2,))
        whole("n_steps", self.n_steps, low=0, high=100_000, example=300)
        instance("surface", self.surface, Surface, "a Surface such as DEMO_SURFACES['double well']")

    def paths(self, lr: float, momentum: float) -> dict[str, np.ndarray]:
        """{'gradient descent': path, 'momentum': path}, each (n_steps + 1, 2)."""
        _, grad = loss_and_grad(self.surface)
        theta0 = np.array(self.start, dtype=float)
        with np.errstate(over="ignore", invalid="ignore"):
            return {
                "gradient descent": run(SGD(lr), grad, theta0, self.n_steps),
                "momentum": run(Momentum(lr, momentum=momentum), grad, theta0, self.n_steps),
            }

    def outcome(self, path: np.ndarray) -> str:
        """Where a path ended: 'global minimum', 'poor local minimum', 'saddle' or 'elsewhere'."""
        end = path[-1]
        if not np.all(np.isfinite(end)):
            return "diverged"
        for name, point in PLACES.items():
            if np.hypot(*(end - np.array(point))) < 0.05:
                return name
        return "elsewhere"

    def summary(self, lr: float, momentum: float) -> str:
        """One line per method: where it ended and its final loss."""
        loss, _ = loss_and_grad(self.surface)
        lines = []
        for name, path in self.paths(lr, momentum).items():
            where = self.outcome(path)
            value = float(loss(path[-1])) if where != "diverged" else float("nan")
            lines.append(f"{name:17s} ends at the {where} (loss {value:.3f})")
        return "\n".join(lines)
