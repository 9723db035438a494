"""helpers.momentum_demo: gradient descent stops in the poor minimum, momentum rolls on."""

import numpy as np

from helpers.momentum_demo import PLACES, MomentumDemo
from helpers.surfaces import DEMO_SURFACES, loss_and_grad


def test_momentum_demo_gd_stops_in_poor_minimum_momentum_rolls_on():
    demo = MomentumDemo()
    paths = demo.paths(0.02, 0.9)
    assert demo.outcome(paths["gradient descent"]) == "poor local minimum"
    assert demo.outcome(paths["momentum"]) == "global minimum"
    assert demo.outcome(demo.paths(0.02, 0.0)["momentum"]) == "poor local minimum"
    assert "global minimum" in demo.summary(0.02, 0.9)
    assert demo.outcome(np.array([[0.0, 0.0], [np.nan, 1.0]])) == "diverged"
    assert demo.outcome(np.array([[5.0, 5.0]])) == "elsewhere"
    assert "diverged" in demo.summary(1.0, 0.9)


def test_places_are_the_double_wells_critical_points():
    _, grad = loss_and_grad(DEMO_SURFACES["double well"])
    for point in PLACES.values():
        assert np.linalg.norm(grad(np.array(point))) < 1e-3
