"""The stored results files of notebooks 06–07: schema, shapes, and cheap recomputations."""

import numpy as np
import pytest

from helpers.batch_study import CONTROLS, end_point
from helpers.minibatch import digits_task, sharpness, train_sgd, updates_per_epoch
from helpers.networks.mlp import MLP
from helpers.results_store import RESULTS_DIR, load_results
from helpers.saddle_escape import (
    certify_saddle,
    embed_saddle,
    random_offsets,
    sgd_escape_times,
    teacher_task,
)


@pytest.fixture(scope="module")
def digits():
    return digits_task(400, seed=0), MLP(64, 32, 10)


def test_batch_size_file_shapes_and_controls():
    data = load_results("batch_size", "course.batch_size/1")
    sizes = data["design"]["batch_sizes"]
    assert sizes == [8, 32, 128, 400] and set(data["runs"]) == {"0.4", "0.1"}
    for lr, block in data["runs"].items():
        n_seeds = len(block["seeds"])
        assert n_seeds >= 5 and set(block["controls"]) == set(CONTROLS)
        for runs in block["controls"].values():
            for key in ("train_acc", "test_acc", "gap_acc", "sharpness", "updates"):
                assert np.shape(runs[key]) == (n_seeds, 4), (lr, key)
            np.testing.assert_allclose(runs["gap_acc"],
                                       np.subtract(runs["train_acc"], runs["test_acc"]))
        ctrl = block["controls"]
        assert np.array(ctrl["same_epochs"]["updates"]).tolist() == \
            [[200 * updates_per_epoch(400, b) for b in sizes]] * n_seeds
        assert np.all(np.array(ctrl["same_updates"]["updates"]) == 10_000)
        assert np.all(np.array(ctrl["same_train_loss"]["train_loss"]) <= 0.005)
        for counts in np.array(ctrl["same_epochs"]["test_acc"]).ravel() * 1397:
            assert abs(counts - round(counts)) < 1e-6          # whole test images


def test_batch_size_spot_check_recomputes(digits):
    task, net = digits
    data = load_results("batch_size", "course.batch_size/1")
    spot = data["spot_check"]
    run = train_sgd(net, net.init(0), task.X_train, task.Y_train, batch_size=128, lr=0.4,
                    seed=1000, epochs=200)
    live = end_point(net, run.theta, task)
    assert run.n_updates == spot["n_updates"]
    for key in ("train_loss", "test_loss", "sharpness"):
        assert live[key] == pytest.approx(spot[key], rel=1e-6)
    cell = data["runs"]["0.4"]["controls"]["same_epochs"]
    assert cell["test_loss"][0][2] == pytest.approx(live["test_loss"], rel=1e-6)


def test_flat_sharp_file_recomputes(digits):
    task, net = digits
    data = load_results("flat_sharp", "course.flat_sharp/1")
    alphas = np.array(data["design"]["alphas"])
    assert alphas.shape == (121,) and alphas[60] == 0
    batch = load_results("batch_size", "course.batch_size/1")["runs"]["0.4"]["controls"]
    for j, key in enumerate(("8", "400")):
        sol = data["solutions"][key]
        theta = np.array(sol["theta"])
        assert net.loss(theta, task.X_train, task.Y_train) == pytest.approx(sol["train_loss"],
                                                                             rel=1e-12)
        eigvals = np.array(sol["top20_eigvals"])
        assert eigvals.shape == (20,) and np.all(np.diff(eigvals) <= 0)
        lam, _ = sharpness(net, theta, task.X_train, task.Y_train, tol=1e-8)
        assert lam == pytest.approx(eigvals[0], rel=1e-6)
        stored = batch["same_train_loss"]["sharpness"][0][0 if j == 0 else 3]
        assert lam == pytest.approx(stored, rel=1e-5)          # the same run as the study's
        for prof in sol["profiles"].values():
            assert prof["train_loss"][60] == pytest.approx(sol["train_loss"], rel=1e-12)
            assert len(prof["test_loss"]) == 121


def test_saddle_file_recomputes():
    data = load_results("saddle_escape", "course.saddle_escape/1")
    X, Y = teacher_task(100, seed=1)
    net = MLP(2, 2, 1)
    theta1 = np.array(data["one_unit_minimum"]["theta"])
    for gamma in ("0.25", "0.5"):
        theta = embed_saddle(theta1, float(gamma))
        cert = certify_saddle(net, theta, X, Y)
        stored = data["saddles"][gamma]["certificate"]["eigvals"]
        np.testing.assert_allclose(cert["eigvals"], stored, atol=1e-9)
        for b in data["design"]["batch_sizes"]:
            times = np.array(data["saddles"][gamma]["escape"][str(b)]["times"])
            assert times.shape == (100,) and np.all(times > 0)
    theta = embed_saddle(theta1, 0.25)
    starts = theta + 1e-8 * random_offsets(100, net.n_params, seed=2024)
    live = sgd_escape_times(net, theta, X, Y, batch_size=1, starts=starts).times
    assert live.tolist() == data["saddles"]["0.25"]["escape"]["1"]["times"]


def test_edge_of_stability_file():
    data = load_results("edge_of_stability", "course.edge_of_stability/1")
    for lr, run in data["runs"].items():
        steps, sharp = np.array(run["steps"]), np.array(run["sharpness"])
        assert steps.shape == sharp.shape and steps[0] == 0
        summary = run["summary"]
        if summary["diverged"]:
            continue
        assert len(run["loss"]) == data["design"]["n_steps"] + 1
        half = sharp[steps >= data["design"]["n_steps"] // 2] / (2 / float(lr))
        assert summary["second_half_ratio_median"] == pytest.approx(np.median(half), rel=1e-12)
        assert summary["sharpness_initial"] == pytest.approx(sharp[0])
    assert len(data["spot_check"]["sharpness"]) == 21


def test_adaptive_file_recomputes():
    from helpers.adaptive_demos import CliffThenSlope, first_index, run_kind

    data = load_results("adaptive", "course.adaptive/1")
    for kind in ("Adagrad", "RMSProp"):
        tr = run_kind(kind, CliffThenSlope(), [-0.2, 1.0], 0.05, 4000)
        assert first_index(tr.theta[:, 0] >= 9) == data["cliff"][kind]["0.05"]["reach"]
    assert set(data["valley"]) == {"Adagrad", "RMSProp"}


def test_cost_file_has_its_conditions():
    if not (RESULTS_DIR / "cost_per_update.json").exists():
        pytest.skip("benchmarks/bench_batch.py --save has not been run")
    data = load_results("cost_per_update", "course.cost_per_update/1")
    assert {"script", "blas_threads", "cpu"} <= set(data["conditions"])
    for rows in data["cases"].values():
        assert all(row["median_s"] > 0 for row in rows.values())
        assert next(iter(rows.values()))["ratio_to_B1"] == 1.0
