"""helpers.escape against closed forms: linear gradient descent, the lecture's polynomial, costs."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp

from helpers.escape import (
    change_along,
    escape_steps,
    escape_times,
    format_bytes,
    format_seconds,
    gradient_descent,
    hessian_cost,
    linear_escape_slope,
    numeric_surface,
    quadratic_prediction,
    step_table,
)

w1, w2, s = sp.symbols("w1 w2 s", real=True)
LECTURE = (1 - w1 * w2) ** 2
U = np.array([1.0, 1.0]) / math.sqrt(2.0)


def lecture_loss(theta):
    return float((1 - theta[0] * theta[1]) ** 2)


def lecture_grad(theta):
    """Hand-derived, as in the lecture: ∂L/∂w1 = 2(1 − w1w2)(−w2), ∂L/∂w2 = 2(1 − w1w2)(−w1)."""
    r = 1 - theta[0] * theta[1]
    return np.array([-2 * r * theta[1], -2 * r * theta[0]])


def test_gradient_descent_matches_closed_form_on_a_quadratic():
    a = np.array([[3.0, 1.0], [1.0, -2.0]])
    theta0 = np.array([0.3, -0.7])
    path = gradient_descent(lambda t: a @ t, theta0, lr=0.1, n_steps=25)
    step = np.eye(2) - 0.1 * a
    expected = [np.linalg.matrix_power(step, t) @ theta0 for t in range(26)]
    np.testing.assert_allclose(path, expected, rtol=1e-12, atol=1e-15)


def test_gradient_descent_does_not_move_at_the_saddle():
    path = gradient_descent(lecture_grad, [0.0, 0.0], lr=0.1, n_steps=50)
    assert path.shape == (51, 2) and np.all(path == 0.0)


def test_start_on_the_stable_direction_converges_to_the_saddle():
    path = gradient_descent(lecture_grad, [0.1, -0.1], lr=0.1, n_steps=400)
    assert np.linalg.norm(path[-1]) < 1e-12


def test_escape_steps_match_the_exact_count_on_x2_minus_y2():
    # L = (x² − y²)/2: y_t = y0·(1 + lr)^t exactly, x_t → 0; L < −c once y_t² − x_t² < −2c.
    loss = lambda t: 0.5 * (t[0] ** 2 - t[1] ** 2)  # noqa: E731
    grad = lambda t: np.array([t[0], -t[1]])  # noqa: E731
    lr, y0, c = 0.1, 1e-6, 0.5
    steps = escape_steps(loss, grad, [0.0, y0], lr, -c, max_steps=1000)
    expected = math.ceil(math.log(math.sqrt(2 * c) / y0) / math.log1p(lr))
    assert steps == expected


def test_escape_steps_returns_none_when_it_never_escapes():
    assert escape_steps(lecture_loss, lecture_grad, [0.0, 0.0], 0.1, 0.5, max_steps=30) is None


def test_escape_time_grows_logarithmically_with_the_documented_slope():
    distances = np.logspace(-2, -10, 9)
    lr = 0.05
    times = escape_times(lecture_loss, lecture_grad, [0, 0], [1, 0], distances, lr, 0.5, 5000)
    slope = np.polyfit(np.log(distances), times, 1)[0]
    assert slope == pytest.approx(-linear_escape_slope(-2.0, lr), rel=0.01)


def test_linear_escape_slope_and_bad_input():
    assert linear_escape_slope(-2.0, 0.1) == pytest.approx(1 / math.log(1.2))
    with pytest.raises(ValueError, match="negative eigenvalue"):
        linear_escape_slope(1.0, 0.1)
    with pytest.raises(ValueError, match="positive"):
        gradient_descent(lecture_grad, [0, 0], lr=0.0, n_steps=1)
    with pytest.raises(ValueError, match="zero vector"):
        escape_times(lecture_loss, lecture_grad, [0, 0], [0, 0], [0.1], 0.1, 0.5, 10)
    with pytest.raises(ValueError, match="2 coordinates"):
        escape_times(lecture_loss, lecture_grad, [0, 0], [1, 0, 0], [0.1], 0.1, 0.5, 10)
    with pytest.raises(ValueError, match="diverged"):
        gradient_descent(lambda t: 1e200 * t, [1.0], lr=1e200, n_steps=5)


def test_change_along_the_lecture_eigenvector_is_the_closed_form():
    change = change_along(LECTURE, [w1, w2], [0, 0], [1 / sp.sqrt(2), 1 / sp.sqrt(2)], s)
    assert sp.simplify(change - (-(s**2) + s**4 / 4)) == 0


def test_change_along_second_order_coefficient_is_half_uHu_by_finite_differences():
    point, direction = np.array([0.4, -0.3]), np.array([0.6, 0.8])
    change = change_along(LECTURE, [w1, w2], point, direction, s)
    coeff2 = float(sp.Poly(change, s).coeff_monomial(s**2))
    h = 1e-4  # central second difference of the hand-written gradient along the direction
    hu = (lecture_grad(point + h * direction) - lecture_grad(point - h * direction)) / (2 * h)
    assert coeff2 == pytest.approx(0.5 * direction @ hu, rel=1e-7)


def test_step_table_lecture_values():
    rows = step_table(LECTURE, [w1, w2], [0, 0], U, -2.0, [0.1, 1.0, math.sqrt(2), 2.0])
    for row in rows:
        assert row.predicted == pytest.approx(-row.step**2)
        assert row.actual == pytest.approx(-row.step**2 + row.step**4 / 4)
        assert row.higher_order == pytest.approx(row.step**4 / 4)
        assert row.relative_error == pytest.approx(row.step**2 / 4)
    # the lecture's step (1,1) has length √2: predicted −2, actual −1
    assert (rows[2].predicted, rows[2].actual) == (pytest.approx(-2.0), pytest.approx(-1.0))
    with pytest.raises(ValueError, match="length 1"):
        step_table(LECTURE, [w1, w2], [0, 0], [1, 1], -2.0, [0.1])


def test_quadratic_prediction_is_half_lambda_norm_squared():
    np.testing.assert_allclose(quadratic_prediction(-2.0, [1.0, 2.0]), [-1.0, -4.0])


def test_hessian_cost_numbers():
    c6 = hessian_cost(10**6)
    assert c6.hessian_bytes == 4 * 10**12
    assert c6.eigh_flops == pytest.approx(9e18)
    assert c6.eigh_seconds == pytest.approx(9e5)
    assert c6.vector_bytes == 4 * 10**6
    c9 = hessian_cost(10**9, bytes_per_number=8, flops_per_second=1e15)
    assert c9.hessian_bytes == 8 * 10**18
    assert c9.eigh_seconds == pytest.approx(9e12)
    with pytest.raises(ValueError):
        hessian_cost(0)
    with pytest.raises(ValueError):
        hessian_cost(10, bytes_per_number=3)


@pytest.mark.parametrize(
    ("value", "text"), [(4e12, "4 TB"), (4e18, "4 EB"), (512, "512 B"), (2.5e6, "2.5 MB")]
)
def test_format_bytes(value, text):
    assert format_bytes(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [(9e5, "10.4 days"), (90, "1.5 minutes"), (2e-3, "2 ms"), (3.15576e7, "1 years")],
)
def test_format_seconds(value, text):
    assert format_seconds(value) == text


def test_numeric_surface_rejects_bad_input():
    with pytest.raises(ValueError, match="non-empty"):
        numeric_surface(LECTURE, [])
    with pytest.raises(ValueError, match="not in variables"):
        numeric_surface(LECTURE, [w1])
    loss, _ = numeric_surface(LECTURE, [w1, w2])
    with pytest.raises(ValueError, match="2 coordinates"):
        loss(np.zeros(3))


def test_numeric_surface_matches_the_hand_written_gradient():
    pytest.importorskip("helpers.symbolic")
    loss, grad = numeric_surface(LECTURE, [w1, w2])
    for theta in ([0.0, 0.0], [0.3, -1.2], [1.5, 0.7]):
        assert loss(np.array(theta)) == pytest.approx(lecture_loss(theta))
        np.testing.assert_allclose(grad(np.array(theta)), lecture_grad(theta), rtol=1e-13)


def test_lanczos_and_dense_memory_formulas():
    from helpers.escape import dense_hessian_bytes, lanczos_workspace_bytes

    assert dense_hessian_bytes(10**5) == 8 * 10**10  # 80 GB in float64
    # V: 1e5 × 100, workd: 3e5, workl: 100·108
    assert lanczos_workspace_bytes(10**5, 100) == 8 * (10**7 + 3 * 10**5 + 10_800)
    assert lanczos_workspace_bytes(50, 100) == 8 * (50 * 50 + 150 + 50 * 58)  # ncv capped at P
    with pytest.raises(ValueError):
        lanczos_workspace_bytes(0, 10)
    with pytest.raises(ValueError):
        dense_hessian_bytes(-3)


def test_counted_hvp_counts_and_passes_through():
    from helpers.escape import CountedHVP

    a = np.array([[2.0, 1.0], [1.0, -3.0]])
    op = CountedHVP(lambda v: a @ v)
    np.testing.assert_array_equal(op(np.array([1.0, 0.0])), [2.0, 1.0])
    op(np.array([0.0, 1.0]))
    assert op.calls == 2
