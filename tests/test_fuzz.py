"""Fuzz: random formulas of the parser's language, parsed and analysed, each within its bound.

A seeded generator writes formulas in x and y (depth, degree, functions, towers of powers,
0^0-type and undefined points all vary), then each one goes through ``parse_loss``, then
``analyze_point`` at a random point (exact or float) and ``critical_points`` on a random
box, with short time limits. None may hang, crash, or raise anything but the course's own
clear errors: a ValueError or TypeError raised by ``helpers`` itself, never one from inside
sympy or numpy.
"""

from __future__ import annotations

import time
import traceback
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from helpers import analyze_point, critical_points, parse_loss
from helpers.parsing.language import FUNCTIONS

N_CASES = 200
SEED = 20260
ANALYZE_LIMIT = 0.25  # seconds for analyze_point
SEARCH_LIMIT = 0.4  # seconds for critical_points
MARGIN = 2.5  # seconds on top of a bound (a busy machine)
HELPERS = Path(__file__).resolve().parent.parent / "helpers"


def _atom(rng: np.random.Generator) -> str:
    roll = rng.random()
    if roll < 0.55:
        return str(rng.choice(["x", "y"]))
    if roll < 0.8:
        return str(int(rng.integers(0, 10)))
    if roll < 0.9:
        return f"{rng.uniform(0, 5):.2f}"
    return str(rng.choice(["pi", "e"]))


def formula(rng: np.random.Generator, depth: int) -> str:
    """A random formula of the parser's language, at most ``depth`` levels deep."""
    if depth <= 0 or rng.random() < 0.2:
        return _atom(rng)
    roll = rng.random()
    if roll < 0.45:
        op = str(rng.choice(["+", "-", "*", "/"]))
        return f"({formula(rng, depth - 1)} {op} {formula(rng, depth - 1)})"
    if roll < 0.65:  # a power: mostly an integer degree, sometimes a variable exponent
        exponent = (str(int(rng.integers(-3, 31))) if rng.random() < 0.7
                    else formula(rng, depth - 2))
        power = str(rng.choice(["^", "**"]))
        return f"({formula(rng, depth - 1)}){power}({exponent})"
    if roll < 0.9:
        name = str(rng.choice(sorted(FUNCTIONS)))
        return f"{name}({formula(rng, depth - 1)})"
    return f"-{formula(rng, depth - 1)}"


def _point(rng: np.random.Generator) -> tuple:
    roll = rng.random()
    if roll < 0.35:
        return tuple(int(v) for v in rng.integers(-2, 3, size=2))
    if roll < 0.5:
        return tuple(Fraction(int(rng.integers(-6, 7)), int(rng.integers(1, 5))) for _ in "xy")
    return tuple(float(v) for v in rng.uniform(-2, 2, size=2))


def _course_error(exc: BaseException) -> bool:
    """True for a ValueError/TypeError raised by helpers' own code (its last frame)."""
    if not isinstance(exc, (ValueError, TypeError)):
        return False
    frames = traceback.extract_tb(exc.__traceback__)
    return bool(frames) and Path(frames[-1].filename).resolve().is_relative_to(HELPERS)


def _bounded(fn, limit: float, case: str):
    """fn() within limit + MARGIN seconds; a course error counts as an answer."""
    t0 = time.monotonic()
    try:
        result = fn()
    except Exception as exc:  # noqa: BLE001 - sorted into the course's own and the rest
        assert _course_error(exc), f"{case}: {type(exc).__name__} from inside a library: {exc}"
        result = exc
    elapsed = time.monotonic() - t0
    assert elapsed < limit + MARGIN, f"{case}: took {elapsed:.2f} s (bound {limit} s)"
    return result


def _cases() -> list[tuple[str, tuple, float]]:
    rng = np.random.default_rng(SEED)
    return [(formula(rng, int(rng.integers(1, 7))), _point(rng), float(rng.uniform(0.5, 4)))
            for _ in range(N_CASES)]


@pytest.mark.parametrize("chunk", range(4))
def test_random_formulas_are_parsed_and_analysed_within_their_bound(chunk):
    cases = _cases()[chunk::4]
    analysed = 0
    for text, point, half in cases:
        case = f"{text!r} at {point}"
        try:
            f = parse_loss(text)
        except ValueError as exc:
            assert _course_error(exc), f"{case}: parse_loss leaked {exc!r}"
            continue
        rep = _bounded(lambda f=f, p=point: analyze_point(f, ("x", "y"), p,
                                                           time_limit=ANALYZE_LIMIT),
                       ANALYZE_LIMIT, case)
        analysed += not isinstance(rep, Exception)
        found = _bounded(lambda f=f, h=half: critical_points(
            f, ("x", "y"), [(-h, h), (-h, h)], timeout=0.2, n_starts=64,
            time_limit=SEARCH_LIMIT), SEARCH_LIMIT, case)
        if not isinstance(found, Exception):
            assert all(item.kind != "not critical" for item in found), case
    assert analysed >= len(cases) // 3  # most formulas are defined at most points
