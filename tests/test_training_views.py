"""helpers.training_views: every figure draws, labels its axes and returns them."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from helpers import training_views as V  # noqa: E402


def _labelled(ax):
    return ax.get_xlabel() and ax.get_ylabel()


def test_batch_controls_and_profiles():
    rng = np.random.default_rng(0)
    runs = {k: rng.uniform(0.8, 1.0, (3, 2)) for k in ("train_acc", "test_acc", "sharpness")}
    runs["updates"] = np.array([[10, 2]] * 3)
    axes = V.plot_batch_controls({"a": runs, "b": runs}, {"a": "A", "b": "B"}, [8, 400])
    assert axes.shape == (2, 2) and _labelled(axes[1, 0])
    alphas = np.linspace(-0.1, 0.1, 5)
    sol = {"profiles": {"d": {"train_loss": alphas**2 + 1, "test_loss": alphas**2 + 2}},
           "top20_eigvals": np.arange(20.0, 0, -1)}
    assert _labelled(V.plot_loss_profiles({"B = 8": sol, "full": sol}, alphas, "d"))
    assert _labelled(V.plot_spectra({"B = 8": sol}))
    plt.close("all")


def test_escape_rates_sharpness_cost():
    assert V.plot_escape_times({"1": np.array([5, 6, -1]), "100": np.array([9, 10])}).get_xlabel()
    betas = np.linspace(0, 0.9, 4)
    assert _labelled(V.plot_rate_against_beta(betas, {"slow": betas, "fast": 1 - betas}))
    run = {"steps": np.array([0, 20]), "sharpness": np.array([1.0, 2.0]),
           "loss": np.array([1.0, 0.5, 0.6])}
    axes = V.plot_sharpness_tracks({"0.5": run, "1.0": run})
    assert _labelled(axes[1]) and axes[0].get_ylabel()
    rows = {"1": {"median_s": 1e-4}, "10": {"median_s": 2e-4}}
    assert _labelled(V.plot_cost_per_update({"net": rows}))
    plt.close("all")


def test_sharpness_tracks_name_the_lines_off_the_scale():
    run = {"steps": np.array([0, 20]), "sharpness": np.array([1.0, 2.0]),
           "loss": np.array([1.0, 0.5, 0.6])}
    axes = V.plot_sharpness_tracks({"0.1": run, "1.0": run}, top=6.0)
    labels = [t.get_text() for t in axes[0].get_legend().get_texts()]
    assert labels == ["η = 0.1 (2/η = 20, off the scale)", "η = 1.0 (2/η = 2)"]
    assert axes[0].get_ylim() == (0.0, 6.0)
    plt.close("all")
