"""helpers.minibatch: batches, the digits task, SGD's stopping rules, sharpness and noise."""

import itertools

import numpy as np
import pytest

from helpers import minibatch as M
from helpers.networks.mlp import MLP


def small_problem(n=12, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 3))
    labels = rng.integers(0, 2, n)
    return MLP(3, 4, 2), X, np.eye(2)[labels], labels


def test_epoch_batches_cover_every_example_once():
    batches = M.epoch_batches(10, 3, np.random.default_rng(0))
    assert [len(b) for b in batches] == [3, 3, 3, 1]
    assert sorted(np.concatenate(batches).tolist()) == list(range(10))
    again = M.epoch_batches(10, 3, np.random.default_rng(0))
    assert all(np.array_equal(a, b) for a, b in zip(batches, again, strict=True))


@pytest.mark.parametrize(("n", "b", "k"), [(20, 1, 20), (20, 20, 1), (20, 3, 7), (60000, 1000, 60)])
def test_updates_per_epoch(n, b, k):
    assert M.updates_per_epoch(n, b) == k


@pytest.mark.parametrize(("n", "b"), [(10, 0), (10, 11), (0, 1), (10, 2.5)])
def test_bad_batch_sizes_raise(n, b):
    with pytest.raises(ValueError):
        M.updates_per_epoch(n, b)


def test_digits_task_is_a_stratified_one_hot_split():
    task = M.digits_task(400, seed=0)
    assert task.X_train.shape == (400, 64) and task.X_test.shape == (1397, 64)
    assert task.X_train.min() >= 0 and task.X_train.max() <= 1
    np.testing.assert_array_equal(task.Y_train.argmax(1), task.labels_train)
    assert np.all(task.Y_train.sum(1) == 1)
    assert np.bincount(task.labels_train).min() >= 39  # every class about 40 times
    with pytest.raises(ValueError):
        M.digits_task(5)


def test_accuracy_counts_argmax_hits_and_is_batched():
    class Fixed:
        def predict(self, theta, X):
            return np.asarray(theta)[..., None, :] * np.ones((len(X), 1))

    X, labels = np.zeros((4, 1)), np.array([0, 1, 1, 1])
    assert M.accuracy(Fixed(), np.array([0.0, 1.0]), X, labels) == 0.75
    np.testing.assert_allclose(M.accuracy(Fixed(), np.array([[0.0, 1.0], [1.0, 0.0]]), X, labels),
                               [0.75, 0.25])


def test_train_sgd_is_plain_sgd_with_one_permutation_per_epoch():
    net, X, Y, _ = small_problem()
    theta0 = net.init(0)
    run = M.train_sgd(net, theta0, X, Y, batch_size=5, lr=0.1, seed=3, epochs=2)
    rng, theta = np.random.default_rng(3), theta0.copy()
    for _ in range(2):
        for idx in M.epoch_batches(12, 5, rng):
            theta = theta - 0.1 * net.gradient(theta, X[idx], Y[idx])
    np.testing.assert_allclose(run.theta, theta, rtol=1e-14, atol=1e-15)
    assert run.n_updates == 6 and run.n_epochs == 2.0


def test_train_sgd_stopping_rules():
    net, X, Y, _ = small_problem()
    theta0 = net.init(1)
    by_updates = M.train_sgd(net, theta0, X, Y, batch_size=5, lr=0.1, seed=0, updates=4)
    assert by_updates.n_updates == 4 and by_updates.n_epochs == pytest.approx(1 + 5 / 12)
    five = M.train_sgd(net, theta0, X, Y, batch_size=12, lr=0.1, seed=0, updates=5)
    target = net.loss(five.theta, X, Y)
    reached = M.train_sgd(net, theta0, X, Y, batch_size=12, lr=0.1, seed=0, target_loss=target)
    assert reached.n_updates == 5  # the first epoch end (here: update) at or below the target
    for bad in ({}, {"epochs": 1, "updates": 2}, {"updates": 0}):
        with pytest.raises(ValueError):
            M.train_sgd(net, theta0, X, Y, batch_size=4, lr=0.1, seed=0, **bad)


def test_sharpness_is_the_largest_eigenvalue_of_the_exact_hessian():
    net, X, Y, _ = small_problem(20, seed=2)
    theta = net.init(4)
    lam, vec = M.sharpness(net, theta, X, Y, tol=1e-10)
    eigvals = np.linalg.eigvalsh(net.hessian(theta, X, Y))
    assert lam == pytest.approx(eigvals[-1], rel=1e-9)
    np.testing.assert_allclose(net.hvp(theta, X, Y, vec), lam * vec, atol=1e-8)
    # and against a Hessian built from finite differences of the gradient
    eps = 1e-5
    H = np.column_stack([(net.gradient(theta + eps * e, X, Y) - net.gradient(theta - eps * e, X, Y))
                         / (2 * eps) for e in np.eye(net.n_params)])
    assert lam == pytest.approx(np.linalg.eigvalsh(0.5 * (H + H.T))[-1], rel=1e-6)


def test_largest_eigenpairs_on_a_known_matrix():
    eigvals = np.arange(1.0, 31.0)
    Q, _ = np.linalg.qr(np.random.default_rng(0).standard_normal((30, 30)))
    A = Q @ np.diag(eigvals) @ Q.T
    top, vecs = M.largest_eigenpairs(lambda v: A @ v, 30, k=3, tol=1e-12)
    np.testing.assert_allclose(top, [30, 29, 28], rtol=1e-10)
    np.testing.assert_allclose(np.abs(vecs[:, 0] @ Q[:, -1]), 1, rtol=1e-8)
    with pytest.raises(ValueError):
        M.largest_eigenpairs(lambda v: A @ v, 30, k=29)


def test_gradient_noise_matches_enumerating_every_batch():
    net, X, Y, _ = small_problem(6, seed=5)
    theta = net.init(2)
    got = M.gradient_noise(net, theta, X, Y, [1, 2, 3, 6])
    g = net.gradient(theta, X, Y)
    for b in (1, 2, 3, 6):
        errs = [np.sum((net.gradient(theta, X[list(c)], Y[list(c)]) - g) ** 2)
                for c in itertools.combinations(range(6), b)]
        assert got[b] == pytest.approx(np.mean(errs) / (g @ g), rel=1e-10, abs=1e-15)
    assert got[6] == 0
