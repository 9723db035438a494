"""Re-verify the stored sweep of notebook 05 (experiments/results/minimum_ratio_v1.npz).

Every stored certificate is recomputed from θ alone: ‖∇L‖, ‖θ‖, the loss, and the full
spectrum of the exact Hessian; every other point's status is recomputed with the same rule.
"""

import numpy as np
import pytest

from helpers.critical_sweep import digits_problem, load_sweep
from helpers.networks import critical_search as cs


@pytest.fixture(scope="module")
def stored():
    return load_sweep()


@pytest.fixture(scope="module")
def problem(stored):
    s = stored["settings"]
    model, X, Y = digits_problem(s["n_samples"], tuple(s["hidden_sizes"]), s["l2"])
    assert model.n_params == len(stored["records"][0]["theta"])
    return model, X, Y


def test_schema_settings_and_size(stored):
    s = stored["settings"]
    assert s["schema"] == "course.minimum_ratio/1"
    assert s["grad_tol"] == cs.GRAD_TOL and s["theta_max"] == cs.THETA_MAX
    statuses = {r["status"] for r in stored["records"]}
    assert statuses <= {"certified", "gradient-flat", "not converged"}
    assert sum(r["status"] == "certified" for r in stored["records"]) >= 10


def test_every_certificate_recomputed_from_theta(stored, problem):
    model, X, Y = problem
    for rec in stored["records"]:
        if rec["status"] != "certified":
            continue
        theta = rec["theta"]
        g = model.gradient(theta, X, Y)
        assert np.linalg.norm(g) <= cs.GRAD_TOL
        assert np.linalg.norm(theta) <= cs.THETA_MAX
        assert model.loss(theta, X, Y) == pytest.approx(rec["loss"], rel=1e-12)
        eigvals = np.linalg.eigvalsh(model.hessian(theta, X, Y))
        assert np.allclose(eigvals, rec["eigvals"], rtol=0, atol=1e-11 * abs(eigvals).max())
        assert (rec["loss"] - rec["data_loss"]) / rec["loss"] <= 0.10  # L2 term ≤ 10 %


def test_every_other_status_recomputed(stored, problem):
    model, X, Y = problem
    for rec in stored["records"]:
        if rec["status"] == "certified":
            continue
        check = cs.check_point(model, X, Y, rec["theta"])
        assert cs.status_of(check) == rec["status"]
        assert check.grad_norm == pytest.approx(rec["grad_norm"], rel=1e-6)
