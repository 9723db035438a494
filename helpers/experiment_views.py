"""Views of notebook 05: the experiment's progress bar widget and the GOE figure."""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from helpers.random_matrices import goe_asymptotic, goe_matrices

__all__ = ["plot_goe", "widget_progress"]


def widget_progress(
    description: str = "running",
) -> tuple[widgets.HBox, Callable[[str, int, int], None]]:
    """A progress bar widget and a matching ``progress(stage, done, total)`` callback.

    The bar's final state (stored by the notebook) is deterministic; nothing is printed.
    """
    bar = widgets.FloatProgress(value=0.0, min=0.0, max=1.0, description=description)
    label = widgets.Label(value="")
    stages: list[str] = []

    def progress(stage: str, done: int, total: int) -> None:
        if stage not in stages:
            stages.append(stage)
        # two stages (gradient descent, then Levenberg–Marquardt) share the bar
        part = (len(stages) - 1 + done / max(total, 1)) / 2
        bar.value = min(1.0, part)
        label.value = f"{stage}: {done}/{total}"

    return widgets.HBox([bar, label]), progress


def plot_goe(
    n: int,
    probabilities: dict[int, float],
    *,
    n_samples: int = 20_000,
    seed: int = 0,
    axes=None,
):
    """Two panels for an N×N GOE: its eigenvalues (all, and the lowest) and P(all > 0) vs N.

    ``probabilities`` maps N to Monte Carlo estimates (computed once, e.g. with
    ``goe_all_positive_probability``). Returns the two axes.
    """
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    ax1, ax2 = axes
    eig = np.linalg.eigvalsh(goe_matrices(n, n_samples, np.random.default_rng([seed, n, 1])))
    bins = np.linspace(eig.min(), eig.max(), 60)
    ax1.hist(eig.ravel(), bins=bins, density=True, color="#999999", label="all eigenvalues")
    ax1.hist(eig[:, 0], bins=bins, density=True, alpha=0.7, color="#D55E00",
             label="lowest eigenvalue")
    ax1.axvline(0, color="k", lw=1)
    frac = float(np.mean(eig[:, 0] > 0))
    ax1.set(xlabel="eigenvalue λ", ylabel="density",
            title=f"N = {n}: lowest λ > 0 in {100 * frac:.2f}% of matrices")
    ax1.legend(loc="upper right", fontsize=8)
    ns = np.array(sorted(probabilities))
    ps = np.array([probabilities[k] for k in ns])
    grid = np.arange(1, max(int(ns.max()), n) + 1)
    ax2.semilogy(grid, 0.5**grid, "s--", color="#7F7F7F", label="naive 0.5^N")
    ax2.semilogy(grid, goe_asymptotic(grid), "-", color="#0072B2",
                 label="exp(−(ln 3/4)·N²)")
    ok = ps > 0
    ax2.semilogy(ns[ok], ps[ok], "o", color="#D55E00", label="Monte Carlo")
    ax2.axvline(n, color="k", lw=1, ls=":")
    ax2.set(xlabel="matrix size N", ylabel="P(all N eigenvalues > 0)",
            title="local minima become rare fast", xticks=ns)
    ax2.legend(fontsize=8)
    return ax1, ax2
