"""helpers.batch_study and helpers.flat_sharp: controls, paired differences, loss profiles."""

import numpy as np
import pytest

from helpers import batch_study as S
from helpers import flat_sharp as F
from helpers.minibatch import DigitsTask, digits_task, updates_per_epoch
from helpers.networks.mlp import MLP


@pytest.fixture(scope="module")
def tiny_task():
    full = digits_task(100, seed=0)
    return DigitsTask(full.X_train[:40], full.Y_train[:40], full.labels_train[:40],
                      full.X_test[:60], full.Y_test[:60], full.labels_test[:60])


def test_controls_hold_one_quantity_fixed(tiny_task):
    net = MLP(64, 4, 10)
    ticks = []
    epochs = S.Control("e", "3 epochs", epochs=3)
    runs = S.run_control(net, tiny_task, [8, 40], lr=0.5, seeds=[0, 1], control=epochs,
                         progress=lambda: ticks.append(1))
    assert len(ticks) == 4 and runs["test_acc"].shape == (2, 2)
    assert runs["updates"].tolist() == [[3 * updates_per_epoch(40, b) for b in (8, 40)]] * 2
    np.testing.assert_allclose(runs["gap_acc"], runs["train_acc"] - runs["test_acc"])
    again = S.run_control(net, tiny_task, [8, 40], lr=0.5, seeds=[0, 1], control=epochs)
    np.testing.assert_array_equal(runs["sharpness"], again["sharpness"])
    updates = S.run_control(net, tiny_task, [8, 40], lr=0.5, seeds=[0],
                            control=S.Control("u", "7 updates", updates=7))
    assert updates["updates"].tolist() == [[7, 7]]
    loss = S.run_control(net, tiny_task, [8, 40], lr=0.5, seeds=[0],
                         control=S.Control("l", "loss", target_loss=0.08))
    assert np.all(loss["train_loss"] <= 0.08)


def test_the_three_controls_of_the_notebook():
    assert [c.stopping_rule() for c in S.CONTROLS.values()] == [
        {"epochs": 200}, {"updates": 10_000}, {"target_loss": 0.005}]


def test_end_point_sharpness_is_the_top_hessian_eigenvalue(tiny_task):
    net = MLP(64, 3, 10)
    theta = net.init(0)
    point = S.end_point(net, theta, tiny_task, tol=1e-10)
    H = net.hessian(theta, tiny_task.X_train, tiny_task.Y_train)
    assert point["sharpness"] == pytest.approx(np.linalg.eigvalsh(H)[-1], rel=1e-8)


def test_mean_sd_and_paired_difference_by_hand():
    values = np.array([[1.0, 0.5], [2.0, 2.5], [3.0, 1.0]])
    mean, sd = S.mean_sd(values)
    np.testing.assert_allclose(mean, [2.0, 4 / 3])
    np.testing.assert_allclose(sd[0], 1.0)
    diff = S.paired_difference(values)
    assert diff == {"mean": pytest.approx(2 / 3), "sd": pytest.approx(np.std([0.5, -0.5, 2.0],
                                                                          ddof=1)),
                    "n_positive": 2, "n_negative": 1, "n_seeds": 3}
    with pytest.raises(ValueError):
        S.mean_sd(values[:1])


def test_filter_normalised_direction_has_the_row_norms_of_theta():
    net = MLP(5, 3, 2)
    theta = net.init(0)
    d = F.filter_normalised_direction(net, theta, 1)
    W1, b1, W2, b2 = net.unpack(theta)
    D1, c1, D2, c2 = net.unpack(d)
    np.testing.assert_allclose(np.linalg.norm(D1, axis=1), np.linalg.norm(W1, axis=1))
    np.testing.assert_allclose(np.linalg.norm(D2, axis=1), np.linalg.norm(W2, axis=1))
    assert not c1.any() and not c2.any()


def test_loss_profile_and_half_width(tiny_task):
    net = MLP(64, 3, 10)
    theta = net.init(0)
    d = np.random.default_rng(0).standard_normal(theta.size)
    alphas = np.linspace(-0.2, 0.2, 5)
    prof = F.loss_profile(net, theta, d, alphas, tiny_task)
    assert prof["train_loss"][2] == pytest.approx(net.loss(theta, tiny_task.X_train,
                                                           tiny_task.Y_train), rel=1e-12)
    assert prof["test_loss"][0] == pytest.approx(net.loss(theta - 0.2 * d, tiny_task.X_test,
                                                          tiny_task.Y_test), rel=1e-12)
    # a parabola L0·(1 + (α/a)²) stays below 2·L0 exactly for |α| < a
    grid = np.round(np.linspace(-1, 1, 201), 6)
    assert F.half_width(grid, 3.0 * (1 + (grid / 0.25) ** 2)) == pytest.approx(0.24)
    with pytest.raises(ValueError):
        F.half_width(np.array([0.1, 0.2]), np.array([1.0, 1.0]))
