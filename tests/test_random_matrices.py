"""Random symmetric (GOE) matrices against exact values."""

import numpy as np
import pytest

from helpers.random_matrices import goe_all_positive_probability, goe_asymptotic, goe_matrices


def test_goe_matrices_are_symmetric_with_the_right_variances():
    M = goe_matrices(3, 40_000, 0)
    assert np.array_equal(M, np.swapaxes(M, 1, 2))
    assert np.var(M[:, 0, 0]) == pytest.approx(1.0, rel=0.03)
    assert np.var(M[:, 0, 1]) == pytest.approx(0.5, rel=0.03)


def test_goe_probabilities_against_exact_values():
    p1, se1 = goe_all_positive_probability(1, 100_000)
    assert abs(p1 - 0.5) < 4 * se1
    p2, se2 = goe_all_positive_probability(2, 100_000)
    assert abs(p2 - (2 - np.sqrt(2)) / 4) < 4 * se2  # exact for the 2×2 GOE
    p3, _ = goe_all_positive_probability(3, 100_000)
    assert p3 < 0.5**3 / 4
    assert goe_asymptotic(2) == pytest.approx(3 ** (-1.0))


def test_goe_matrices_bad_size():
    with pytest.raises(ValueError, match="n must be a whole number ≥ 1"):
        goe_matrices(0, 3)
