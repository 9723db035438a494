"""helpers.spectrum against hand-computed counts, kinds, verdicts and eigenvector signs."""

import numpy as np
import pytest

from helpers.spectrum import (
    EIG_TOL,
    Inertia,
    inertia,
    kind_from_inertia,
    sign_fixed,
    verdict_text,
    zero_threshold,
)


# ----------------------------------------------------------------------------- inertia
def test_inertia_is_a_named_triple_equal_to_the_plain_tuple():
    counts = inertia([-2.0, 0.0, 3.0])
    assert isinstance(counts, Inertia)
    assert counts == (1, 1, 1)
    assert (counts.negative, counts.zero, counts.positive) == (1, 1, 1)


@pytest.mark.parametrize(
    ("eigvals", "tol", "expected"),
    [
        ([-2.0, 0.0, 1e-7, 3.0], 1e-6, (1, 2, 1)),  # |1e-7| ≤ 1e-6: zero
        ([-1e-5, 2e3], 1e-6, (1, 0, 1)),  # absolute band: 1e-5 > 1e-6 is a real sign
        ([1e-6, -1e-6], 1e-6, (0, 2, 0)),  # the band is closed: |λ| = tol counts as zero
        ([[1.0, -4.0], [0.5, 0.0]], 0.6, (1, 2, 1)),  # any shape is flattened
    ],
)
def test_inertia_absolute_band(eigvals, tol, expected):
    assert inertia(eigvals, tol) == expected


@pytest.mark.parametrize(
    ("eigvals", "tol", "expected"),
    [
        ([-1e-5, 2e3], 1e-6, (0, 1, 1)),  # band 1e-6·2000 = 2e-3 ⊇ 1e-5: zero
        ([-3e-3, 2e3], 1e-6, (1, 0, 1)),  # 3e-3 > 2e-3: negative
        ([1e-7, -0.5], 1e-6, (1, 1, 0)),  # max|λ| < 1: the band is tol·1
        ([-4.0, 4e-6, 4.0], 1e-6, (1, 1, 1)),  # band 4e-6, closed
    ],
)
def test_inertia_relative_band(eigvals, tol, expected):
    assert inertia(eigvals, tol, relative=True) == expected


def test_inertia_with_zero_tolerance_counts_only_exact_zeros():
    assert inertia([0.0, -0.0, 1e-300, -1e-300]) == (1, 2, 1)
    assert inertia([0.0, 2.0], 0.0, relative=True) == (0, 1, 1)


def test_inertia_of_no_eigenvalues():
    assert inertia([]) == (0, 0, 0)
    assert inertia(np.array([]), EIG_TOL, relative=True) == (0, 0, 0)


@pytest.mark.parametrize("tol", [-1e-6, float("nan"), float("inf")])
def test_inertia_refuses_a_bad_tolerance(tol):
    with pytest.raises(ValueError, match="tolerance"):
        inertia([1.0], tol)


def test_zero_threshold_absolute_and_relative():
    assert zero_threshold([-3.0, 500.0], 1e-6) == 1e-6
    assert zero_threshold([-3.0, 500.0], 1e-6, relative=True) == pytest.approx(5e-4)
    assert zero_threshold([0.25], 1e-6, relative=True) == 1e-6
    assert zero_threshold([], 1e-6, relative=True) == 1e-6


# ----------------------------------------------------------------------------- kinds
@pytest.mark.parametrize(
    ("counts", "kind"),
    [
        ((0, 0, 2), "local minimum"),
        ((2, 0, 0), "local maximum"),
        ((1, 0, 1), "saddle point"),
        ((1, 1, 1), "saddle point"),  # both signs decide despite a zero eigenvalue
        ((0, 1, 1), "degenerate"),
        ((1, 1, 0), "degenerate"),
        ((0, 2, 0), "degenerate"),
    ],
)
def test_kind_from_inertia(counts, kind):
    assert kind_from_inertia(Inertia(*counts)) == kind


# ----------------------------------------------------------------------------- verdicts
@pytest.mark.parametrize(
    ("kind", "resolved", "text"),
    [
        ("degenerate", "local minimum", "degenerate → local minimum"),
        ("degenerate", "undetermined", "degenerate → undetermined"),
        ("undetermined", "local minimum",
         "not smooth here (no second-order test) → local minimum"),
        ("saddle point", "saddle point", "saddle point"),
        ("local maximum", "local maximum", "local maximum"),
        ("not critical", "not critical", "not critical"),
    ],
)
def test_verdict_text(kind, resolved, text):
    assert verdict_text(kind, resolved) == text


# ----------------------------------------------------------------------------- signs
@pytest.mark.parametrize(
    ("vec", "expected"),
    [
        ([3, 4], [0.6, 0.8]),
        ([-3.0, 4.0], [0.6, -0.8]),
        ([0.0, -3.0, 4.0], [0.0, 0.6, -0.8]),
        ([-1.0, -1.0], [2**-0.5, 2**-0.5]),
        ([1e-13, -1.0], [-1e-13, 1.0]),  # entries below 1e-12 do not decide the sign
    ],
)
def test_sign_fixed(vec, expected):
    v = sign_fixed(vec)
    assert np.allclose(v, expected, rtol=1e-15, atol=0)
    assert np.linalg.norm(v) == pytest.approx(1.0, abs=1e-15)


def test_sign_fixed_has_no_negative_zero_and_keeps_the_input():
    vec = np.array([0.0, -3.0, 4.0])
    v = sign_fixed(vec)
    assert not np.any(np.signbit(v[v == 0]))
    assert np.array_equal(vec, [0.0, -3.0, 4.0])


def test_sign_fixed_refuses_the_zero_vector():
    with pytest.raises(ValueError, match="zero vector"):
        sign_fixed([0.0, 0.0])
