"""Copies of one critical point: hidden units swapped or sign-flipped give the same network."""

from __future__ import annotations

import numpy as np

from helpers.networks.experiment import ExperimentResult
from helpers.networks.mlp import MLP
from helpers.validation import instance, real

__all__ = ["canonical_theta", "distinct_critical_points"]


def canonical_theta(model: MLP, theta: np.ndarray) -> np.ndarray:
    """One representative of theta's symmetry class: same function, same loss, same spectrum.

    A tanh network is unchanged when a hidden unit's input weights, bias and output weights all
    change sign (tanh is odd), and when hidden units are reordered. The representative has every
    unit's first input weight ≥ 0 and the units sorted by (first input weight, bias).
    """
    instance("model", model, MLP, "an MLP, e.g. MLP(1, 8, 1)")
    W1, b1, W2, b2 = model.unpack(theta)
    if W1.ndim != 2:
        raise ValueError("canonical_theta takes one parameter vector, not a batch.")
    sign = np.where(W1[:, 0] < 0, -1.0, 1.0)
    W1, b1, W2 = W1 * sign[:, None], b1 * sign, W2 * sign[None, :]
    order = np.lexsort((b1, W1[:, 0]))
    return model.pack(W1[order], b1[order], W2[:, order], b2)


def distinct_critical_points(result: ExperimentResult, tol: float = 1e-6) -> list[list[int]]:
    """Group the certified runs whose points are copies of each other under the symmetries.

    Returns lists of run numbers, largest group first; two runs share a group when their
    canonical parameter vectors differ by at most ``tol`` (Euclidean norm).
    """
    instance("result", result, ExperimentResult, "the result of minimum_ratio_experiment(...)")
    tol = real("tol", tol, low=0.0)
    groups: list[tuple[np.ndarray, list[int]]] = []
    for r in result.certified:
        c = canonical_theta(result.model, r.theta)
        for rep, runs in groups:
            if np.linalg.norm(rep - c) <= tol:
                runs.append(r.run)
                break
        else:
            groups.append((c, [r.run]))
    return sorted((runs for _, runs in groups), key=len, reverse=True)
