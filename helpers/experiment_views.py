"""Views of notebook 05: the progress bar widget, the GOE figure and the critical-point figures."""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from helpers.i18n import localize
from helpers.random_matrices import goe_asymptotic, goe_matrices
from helpers.style import NEGATIVE_COLOR, POSITIVE_COLOR

__all__ = ["plot_goe", "plot_lecture_axes", "plot_sorted_spectra", "plot_tolerance_sweep",
           "widget_progress"]

# The progress bar's words in the Chinese editions (stage names of helpers.networks and
# helpers.critical_sweep); English unchanged.
PROGRESS_ZH = (
    (r"^running$", "运行中"),
    (r"gradient descent \((\d+) networks, (\d+) steps\)", r"梯度下降（\1 个网络，\2 步）"),
    (r"Levenberg–Marquardt on ∇L = 0", "用 Levenberg–Marquardt 法求解 ∇L = 0"),
    (r"spectra of the end points", "终点的海森矩阵特征值"),
    (r"partitioned Newton on digits \(runs × iterations\)", "分块牛顿法（运行次数 × 迭代次数）"),
)


def widget_progress(
    description: str = "running",
) -> tuple[widgets.HBox, Callable[[str, int, int], None]]:
    """A progress bar widget and a matching ``progress(stage, done, total)`` callback.

    The bar's final state (stored by the notebook) is deterministic; nothing is printed.
    """
    bar = widgets.FloatProgress(value=0.0, min=0.0, max=1.0,
                                description=localize(description, PROGRESS_ZH))
    label = widgets.Label(value="")
    stages: list[str] = []

    def progress(stage: str, done: int, total: int) -> None:
        if stage not in stages:
            stages.append(stage)
        # two stages (gradient descent, then Levenberg–Marquardt) share the bar
        part = (len(stages) - 1 + done / max(total, 1)) / 2
        bar.value = min(1.0, part)
        label.value = localize(f"{stage}: {done}/{total}", PROGRESS_ZH)

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


def plot_sorted_spectra(spectra: dict[str, np.ndarray], tol: float, ax=None):
    """Sorted eigenvalues of a few points on a symmetric-log axis, the band |λ| ≤ tol shaded."""
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4))
    styles = ["-", "--", ":", "-."]
    for i, (label, lam) in enumerate(spectra.items()):
        lam = np.sort(np.asarray(lam))
        ax.plot(np.arange(1, lam.size + 1), lam, ls=styles[i % len(styles)], lw=1.8, label=label)
    ax.axhspan(-tol, tol, color="0.85", zorder=0, label=f"counted as zero: |λ| ≤ {tol:.0e}")
    ax.axhline(0, color="k", lw=0.8)
    ax.set_yscale("symlog", linthresh=tol / 10)
    ax.set(xlabel="eigenvalue number (sorted)", ylabel="eigenvalue λ (symmetric log)")
    ax.legend(loc="upper left", fontsize=11)
    return ax


def plot_tolerance_sweep(tols: np.ndarray, rows: list[dict], axes=None):
    """Minimum-ratio range, ambiguous points and index–loss correlation against the tolerance."""
    if axes is None:
        _, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    ratios = [r["minimum_ratio"] for r in rows]
    ax1, ax2, ax3 = axes
    ax1.fill_between(tols, [r.min() for r in ratios], [r.max() for r in ratios], alpha=0.3,
                     label="range over the points")
    ax1.semilogx(tols, [np.median(r) for r in ratios], "o-", label="median")
    ax1.axhspan(0.5, 0.6, color=NEGATIVE_COLOR, alpha=0.15, label="the lecture's 0.5–0.6")
    ax1.set(xlabel="zero tolerance", ylabel="minimum ratio", ylim=(0, 1.02))
    ax2.semilogx(tols, [r["ambiguous"].mean() for r in rows], "s-", color="0.3")
    ax2.set(xlabel="zero tolerance", ylabel="share of ambiguous points", ylim=(-0.02, 1.02))
    ax3.semilogx(tols, [r["pearson"] for r in rows], "o-", label="Pearson r")
    ax3.semilogx(tols, [r["spearman"] for r in rows], "^--", label="Spearman ρ")
    ax3.set(xlabel="zero tolerance", ylabel="correlation of index with loss", ylim=(-1.05, 1.05))
    for ax in (ax1, ax3):
        ax.legend(fontsize=11)
    return axes


def plot_lecture_axes(loss: np.ndarray, ratio: np.ndarray, index: np.ndarray,
                      ambiguous: np.ndarray, axes=None):
    """Loss against minimum ratio (the lecture's axes) and index against loss (Dauphin's)."""
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(12, 4.2))
    ax1, ax2 = axes
    clear = ~np.asarray(ambiguous, dtype=bool)
    for sel, marker, label in ((clear, "o", "clear gap"), (~clear, "x", "ambiguous")):
        if sel.any():
            ax1.scatter(ratio[sel], loss[sel], marker=marker, color=POSITIVE_COLOR, label=label)
            ax2.scatter(loss[sel], index[sel], marker=marker, color=NEGATIVE_COLOR, label=label)
    ax1.axvspan(0.5, 0.6, color="0.85", zorder=0, label="the lecture's 0.5–0.6")
    ax1.set(xlabel="minimum ratio  #{λ > tol} / P", ylabel="training loss (MSE)", xlim=(0, 1.02))
    ax2.set(xlabel="training loss (MSE)", ylabel="index  #{λ < −tol} / P")
    for ax in axes:
        ax.legend(fontsize=11)
    return axes
