"""Shared by the experiment scripts: a small text progress bar on stderr (no extra package)."""

from __future__ import annotations

import sys
import time


class Progress:
    """Call ``step(label)`` once per unit of work; prints done/total, a bar and elapsed time."""

    def __init__(self, total: int, title: str, width: int = 30) -> None:
        self.total, self.title, self.width = max(1, int(total)), title, width
        self.done = 0
        self.started = time.perf_counter()
        self._draw("")

    def step(self, label: str = "") -> None:
        """One more unit done."""
        self.done += 1
        self._draw(label)
        if self.done >= self.total:
            sys.stderr.write("\n")

    def _draw(self, label: str) -> None:
        filled = int(self.width * self.done / self.total)
        elapsed = time.perf_counter() - self.started
        sys.stderr.write(f"\r{self.title} [{'#' * filled}{'.' * (self.width - filled)}] "
                         f"{self.done}/{self.total} {elapsed:5.0f} s {label:<28}")
        sys.stderr.flush()
