"""Figures of notebooks 06–07: batch size, flat vs sharp, saddle escape, momentum, sharpness.

Every function takes its axes (or creates them) and returns them; the numbers come from the
course-logic modules or a results file. Colours are the course's Okabe–Ito cycle; every curve
also differs by marker or line style and is labelled.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from helpers.batch_study import mean_sd

__all__ = [
    "plot_batch_controls",
    "plot_cost_per_update",
    "plot_escape_times",
    "plot_loss_profiles",
    "plot_rate_against_beta",
    "plot_sharpness_tracks",
    "plot_spectra",
]

BLUE, ORANGE, GREEN, PINK, YELLOW, SKY = ("#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                          "#E69F00", "#56B4E9")
SERIES = [(BLUE, "o", "-"), (ORANGE, "s", "--"), (GREEN, "^", "-."), (PINK, "D", ":"),
          (YELLOW, "v", "-"), (SKY, "P", "--")]


def _axes(ax, ncols: int = 1, figsize: tuple[float, float] = (6.4, 4.0)):
    """The given axes, or a new row of ncols axes."""
    if ax is not None:
        return ax
    _, axes = plt.subplots(1, ncols, figsize=figsize)
    return axes


def plot_batch_controls(controls: dict[str, dict], labels: dict[str, str],
                        batch_sizes: list[int], axes=None):
    """Per control (columns): test and training accuracy (top) and sharpness (bottom) against B.

    ``controls[name]`` holds (seeds, B) arrays 'train_acc', 'test_acc', 'sharpness', 'updates'.
    """
    if axes is None:
        _, axes = plt.subplots(2, len(controls), figsize=(4.0 * len(controls), 6.4),
                               sharey="row")
    xs = np.arange(len(batch_sizes))
    for col, (name, runs) in enumerate(controls.items()):
        top, bottom = axes[0, col], axes[1, col]
        for key, (color, marker, style), label in (("test_acc", SERIES[1], "test"),
                                                     ("train_acc", SERIES[0], "training")):
            mean, sd = mean_sd(runs[key])
            top.errorbar(xs, mean, yerr=sd, color=color, marker=marker, ls=style, capsize=3,
                         label=label)
        mean, sd = mean_sd(runs["sharpness"])
        bottom.errorbar(xs, mean, yerr=sd, color=GREEN, marker="^", capsize=3)
        updates = np.round(np.mean(runs["updates"], axis=0)).astype(int)
        ticks = [f"{b}\n{u:,}" for b, u in zip(batch_sizes, updates, strict=True)]
        top.set(title=labels[name], xticks=xs, xticklabels=[str(b) for b in batch_sizes])
        bottom.set(xticks=xs, xticklabels=ticks, xlabel="batch size B\n(mean number of updates)")
    axes[0, 0].set_ylabel("accuracy (mean ± sd)")
    axes[1, 0].set_ylabel("sharpness λ_max (mean ± sd)")
    axes[0, 0].legend(loc="lower left")
    return axes


def plot_loss_profiles(solutions: dict[str, dict], alphas: np.ndarray, direction: str, ax=None):
    """Training (solid) and test (dashed) loss along one direction through each solution
    (told apart by colour and marker: circles, squares)."""
    ax = _axes(ax)
    every = max(1, len(alphas) // 10)
    for (name, sol), color, marker in zip(solutions.items(), (BLUE, ORANGE), "os", strict=False):
        prof = sol["profiles"][direction]
        ax.plot(alphas, prof["train_loss"], color=color, ls="-", marker=marker, ms=5,
                markevery=every, label=f"{name}: training")
        ax.plot(alphas, prof["test_loss"], color=color, ls="--", marker=marker, ms=5,
                mfc="none", markevery=every, label=f"{name}: test")
    ax.set(xlabel="step α along the direction", ylabel="loss", yscale="log")
    ax.legend(loc="upper center")
    return ax


def plot_spectra(solutions: dict[str, dict], ax=None):
    """The top Hessian eigenvalues of each solution, largest first."""
    ax = _axes(ax)
    for (name, sol), (color, marker, _) in zip(solutions.items(), SERIES, strict=False):
        eigvals = np.asarray(sol["top20_eigvals"])
        ax.plot(np.arange(1, eigvals.size + 1), eigvals, color=color, marker=marker, ls="none",
                label=name)
    ax.set(xlabel="rank i", ylabel="eigenvalue λ_i of the Hessian", xticks=[1, 5, 10, 15, 20])
    ax.legend()
    return ax


def plot_escape_times(times: dict[str, np.ndarray], ax=None, *, full_batch: str = "100"):
    """Escape times per batch size: a box per B (full batch labelled), every run as a dot."""
    ax = _axes(ax)
    names = list(times)
    data = [np.asarray(times[b])[np.asarray(times[b]) > 0] for b in names]
    ax.boxplot(data, orientation="horizontal", widths=0.5, showfliers=False,
               medianprops=dict(color="black", lw=2.5))  # the median: the thick line
    jitter = np.random.default_rng(0)
    for i, values in enumerate(data, start=1):
        ax.plot(values, i + 0.18 * jitter.uniform(-1, 1, values.size), ".", color=BLUE,
                alpha=0.35, ms=4)
    labels = ["full batch (GD)" if b == full_batch else f"B = {b}" for b in names]
    ax.set(yticks=range(1, len(names) + 1), yticklabels=labels,
           xlabel="updates until the loss is 10 % below the saddle's")
    return ax


def plot_rate_against_beta(betas: np.ndarray, rates: dict[str, np.ndarray], ax=None):
    """Long-run rate against beta, one curve per direction (and their maximum)."""
    ax = _axes(ax)
    for (name, values), (color, _, style) in zip(rates.items(), SERIES, strict=False):
        ax.plot(betas, values, color=color, ls=style, label=name)
    ax.set(xlabel="momentum coefficient β (the lecture's λ)",
           ylabel="distance shrinks by this factor per step")
    ax.legend()
    return ax


def plot_sharpness_tracks(runs: dict[str, dict], axes=None, *, top: float | None = None):
    """λ_max (top, with 2/lr dashed and labelled; clipped at ``top``) and the loss (bottom), per
    lr; each lr has its colour and marker."""
    if axes is None:
        _, axes = plt.subplots(2, 1, figsize=(8.0, 6.0), sharex=True)
    for (lr, run), (color, marker, _) in zip(runs.items(), SERIES, strict=False):
        limit = 2 / float(lr)
        shown = "" if top is None or limit <= top else ", off the scale"
        axes[0].plot(run["steps"], run["sharpness"], color=color, marker=marker, ms=4,
                     markevery=15, lw=1.2, label=f"η = {lr} (2/η = {limit:.3g}{shown})")
        if not shown:  # 2/η on the scale: a dashed line, labelled at its right end
            axes[0].axhline(limit, color=color, ls="--", lw=1)
            axes[0].annotate(f"2/η = {limit:.3g}", (1.0, limit), xycoords=("axes fraction", "data"),
                             xytext=(4, 0), textcoords="offset points", color=color,
                             va="center", fontsize=11)
        n = len(run["loss"])
        axes[1].plot(np.arange(n), run["loss"], color=color, lw=0.8, marker=marker, ms=4,
                     markevery=max(1, n // 12))
    axes[0].set(ylabel="sharpness λ_max (dashed: 2/η)", ylim=(0, top))
    axes[1].set(xlabel="step of full-batch gradient descent", ylabel="training loss",
                yscale="log")
    axes[0].legend(loc="lower right", ncol=2)
    return axes


def plot_cost_per_update(cases: dict[str, dict], ax=None):
    """Median time per update against B (log–log), one curve per network, with B·t(1)."""
    ax = _axes(ax)
    for (name, rows), (color, marker, style) in zip(cases.items(), SERIES, strict=False):
        sizes = np.array([int(b) for b in rows])
        median = np.array([rows[b]["median_s"] for b in rows]) * 1e3
        ax.loglog(sizes, median, color=color, marker=marker, ls=style, label=name)
        ax.loglog(sizes, median[0] * sizes, color=color, ls=":", lw=1, marker=marker, ms=4,
                  mfc="none")
    ax.set(xlabel="batch size B", ylabel="time per update (ms)")
    ax.legend(title="dotted: if time grew like B")
    return ax
