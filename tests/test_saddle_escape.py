"""helpers.saddle_escape: the embedded saddle is a certified saddle; noise helps where it can."""

import numpy as np
import pytest

from helpers import saddle_escape as S
from helpers.networks.mlp import MLP


@pytest.fixture(scope="module")
def saddle():
    X, Y = S.teacher_task(100, seed=1)
    theta1 = S.one_unit_minimum(X, Y, n_starts=3)
    return X, Y, theta1


def test_embedding_keeps_the_outputs_and_is_critical(saddle):
    X, Y, theta1 = saddle
    small, big = MLP(2, 1, 1), MLP(2, 2, 1)
    for gamma in (0.25, 0.5, -0.5):
        theta = S.embed_saddle(theta1, gamma)
        np.testing.assert_allclose(big.predict(theta, X), small.predict(theta1, X), atol=1e-14)
        cert = S.certify_saddle(big, theta, X, Y)
        assert cert["grad_norm"] < 1e-12 and cert["eigvals"][0] < -1e-3


def test_certificate_hessian_matches_finite_differences(saddle):
    X, Y, theta1 = saddle
    big = MLP(2, 2, 1)
    theta = S.embed_saddle(theta1, 0.25)
    eps = 1e-5
    H = np.column_stack([(big.gradient(theta + eps * e, X, Y) - big.gradient(theta - eps * e, X, Y))
                         / (2 * eps) for e in np.eye(big.n_params)])
    cert = S.certify_saddle(big, theta, X, Y)
    np.testing.assert_allclose(np.linalg.eigvalsh(0.5 * (H + H.T)), cert["eigvals"], atol=1e-8)


def test_symmetric_saddle_gives_noise_nothing_to_push_with(saddle):
    X, Y, theta1 = saddle
    big = MLP(2, 2, 1)
    symmetric = S.certify_saddle(big, S.embed_saddle(theta1, 0.5), X, Y)
    main = S.certify_saddle(big, S.embed_saddle(theta1, 0.25), X, Y)
    assert symmetric["along_v_min_max_abs"] < 1e-12 < 0.1 < main["along_v_min_max_abs"]


def test_full_batch_escape_matches_the_linear_prediction(saddle):
    X, Y, theta1 = saddle
    big = MLP(2, 2, 1)
    theta = S.embed_saddle(theta1, 0.25)
    offsets = S.random_offsets(8, big.n_params, seed=0)
    starts = theta + 1e-6 * offsets
    run = S.sgd_escape_times(big, theta, X, Y, batch_size=100, starts=starts)
    predicted = S.predicted_gd_escape(S.certify_saddle(big, theta, X, Y), 1e-6 * offsets)
    np.testing.assert_allclose(run.times, predicted, rtol=0.02)
    sgd = S.sgd_escape_times(big, theta, X, Y, batch_size=1, starts=starts)
    assert np.median(sgd.times) < np.median(run.times)
    recorded = S.sgd_escape_times(big, theta, X, Y, batch_size=4, starts=starts[:2],
                                  max_updates=50, record_every=10)
    assert recorded.loss_curves.shape == (2, 5)
    with pytest.raises(ValueError):
        S.sgd_escape_times(big, theta, X, Y, batch_size=0, starts=starts)


def test_the_lectures_saddle_has_zero_per_example_gradients():
    x = np.linspace(-1, 1, 7)
    assert not S.lecture_saddle_gradients(x, 2 * x + 0.3).any()
    g = S.lecture_saddle_gradients(np.array([2.0]), np.array([1.0]), w1=0.5, w2=-1.0)
    np.testing.assert_allclose(g, [[-2 * 2.0 * -1.0 * 2.0, -2 * 2.0 * 0.5 * 2.0]])


def test_predicted_escape_refuses_a_minimum():
    with pytest.raises(ValueError):
        S.predicted_gd_escape({"eigvals": np.array([0.1, 1.0]), "loss": 1.0,
                               "v_min": np.array([1.0, 0.0])}, np.ones((1, 2)))
