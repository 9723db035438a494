"""Views of notebook 05: the GOE figure and the experiment's progress widget."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from helpers.experiment_views import plot_goe, widget_progress  # noqa: E402
from helpers.networks.experiment import minimum_ratio_experiment  # noqa: E402

# Tiny budgets certify no run; the warning that says so is tested in test_validation.
pytestmark = pytest.mark.filterwarnings("ignore:None of the .* runs reached:UserWarning")


def test_plot_goe_draws_two_labelled_panels():
    ax1, ax2 = plot_goe(3, {1: 0.5, 2: 0.146, 3: 0.025}, n_samples=2000)
    for ax in (ax1, ax2):
        assert ax.get_xlabel() and ax.get_ylabel()
    assert "N = 3" in ax1.get_title()
    assert len(ax2.get_lines()) >= 3
    plt.close("all")


def test_widget_progress_reaches_the_end_without_printing(capsys):
    box, progress = widget_progress()
    minimum_ratio_experiment(2, seed=0, gd_steps=10, lm_iters=5, progress=progress)
    bar, label = box.children
    assert bar.value == pytest.approx(1.0)
    assert "Levenberg" in label.value and "5/5" in label.value
    assert capsys.readouterr().out == ""


def test_critical_point_figures_are_labelled_and_show_the_data():
    import numpy as np

    from helpers.experiment_views import (
        plot_lecture_axes,
        plot_sorted_spectra,
        plot_tolerance_sweep,
    )
    from helpers.networks.tolerance import tolerance_row

    spectra = [np.array([-1e-2, 1e-8, 1e-3, 1.0]), np.array([1e-9, 1e-5, 1e-2, 2.0]),
               np.array([-1.0, -1e-3, 1e-6, 1.0])]
    loss = np.array([0.05, 0.01, 0.09])
    ax = plot_sorted_spectra({"a": spectra[0], "b": spectra[1]}, 1e-6)
    assert ax.get_yscale() == "symlog" and len(ax.get_lines()) >= 2
    tols = np.logspace(-9, -4, 6)
    axes = plot_tolerance_sweep(tols, [tolerance_row(spectra, loss, t) for t in tols])
    row = tolerance_row(spectra, loss, 1e-6)
    axes2 = plot_lecture_axes(loss, row["minimum_ratio"], row["n_negative"] / 4, row["ambiguous"])
    for a in (ax, *axes, *axes2):
        assert a.get_xlabel() and a.get_ylabel()
    plt.close("all")
