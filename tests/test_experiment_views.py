"""Views of notebook 05: the GOE figure and the experiment's progress widget."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from helpers.experiment_views import plot_goe, widget_progress  # noqa: E402
from helpers.networks.experiment import minimum_ratio_experiment  # noqa: E402


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
