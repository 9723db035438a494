"""Argument checks shared by the public functions: a clear message before any work starts.

Every check names the argument, says what is expected (with an example) and what was given.
A wrong *type* raises ``TypeError``, a value of the right type that cannot work ``ValueError``.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

__all__ = ["MEMORY_LIMIT", "array", "boolean", "callback", "choice", "fits_in_memory",
           "generator", "has_methods", "human_bytes", "instance", "real", "seed_value", "text",
           "whole", "whole_tuple"]

MEMORY_LIMIT = 2 * 1024**3  # bytes one call may plan to hold (a laptop's share for a course)


def _given(value: Any) -> str:
    """A short description of what was given (its repr, shortened)."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _describe_range(low: float | None, high: float | None, low_open: bool,
                    high_open: bool) -> str:
    """'between 0 and 1', '≥ 1', '> 0' … for messages."""
    lo = None if low is None else f"{'>' if low_open else '≥'} {_number(low)}"
    hi = None if high is None else f"{'<' if high_open else '≤'} {_number(high)}"
    return " and ".join(p for p in (lo, hi) if p)


def _number(x: float) -> str:
    """1,000,000 for whole numbers, 0.5 / 1e-06 for the others."""
    return f"{int(x):,}" if float(x).is_integer() else f"{x:g}"


def _in_range(value: float, low, high, low_open: bool, high_open: bool) -> bool:
    """Whether low ≤ value ≤ high (strict where open)."""
    if low is not None and (value <= low if low_open else value < low):
        return False
    return not (high is not None and (value >= high if high_open else value > high))


def whole(name: str, value: Any, *, low: int | None = None, high: int | None = None,
          example: int | None = None, advice: str = "") -> int:
    """``value`` as an int: a whole number (not a bool) with low ≤ value ≤ high."""
    example = example if example is not None else (low if low is not None and low > 0 else 10)
    example = f"{name}={example}" if name.isidentifier() else example
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a whole number (for example {example}); "
                        f"got {_given(value)}.")
    if not isinstance(value, numbers.Integral):
        if not float(value).is_integer():
            raise ValueError(f"{name} must be a whole number (for example {example}); "
                             f"got {_given(value)}.")
        value = int(value)
    if not _in_range(int(value), low, high, False, False):
        raise ValueError(f"{name} must be a whole number "
                         f"{_describe_range(low, high, False, False)}; got {_given(value)}."
                         + (f" {advice}" if advice else ""))
    return int(value)


def real(name: str, value: Any, *, low: float | None = None, high: float | None = None,
         low_open: bool = False, high_open: bool = False, advice: str = "") -> float:
    """``value`` as a finite float with low ≤ value ≤ high (strict where open)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number; got {_given(value)}.")
    value = float(value)
    if not np.isfinite(value) or not _in_range(value, low, high, low_open, high_open):
        raise ValueError(f"{name} must be a finite number "
                         f"{_describe_range(low, high, low_open, high_open)}".rstrip()
                         + f"; got {value!r}."
                         + (f" {advice}" if advice else ""))
    return value


def boolean(name: str, value: Any) -> bool:
    """``value`` as a bool: True or False only (not 'yes', not 1.0)."""
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False; got {_given(value)}.")
    return bool(value)


def choice(name: str, value: Any, options: Iterable[Any]) -> Any:
    """``value`` if it is one of ``options``."""
    options = tuple(options)
    if isinstance(value, Iterable) and not isinstance(value, str) or value not in options:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, options))}; "
                         f"got {_given(value)}.")
    return value


def seed_value(name: str, value: Any) -> int:
    """A reproducible seed: a whole number ≥ 0, or one drawn from a numpy Generator."""
    if isinstance(value, np.random.Generator):
        return int(value.integers(2**31))
    if value is None or isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a whole number ≥ 0 (for example {name}=0) so the run "
                        f"can be repeated, or a numpy Generator; got {_given(value)}.")
    if value < 0:
        raise ValueError(f"{name} must be a whole number ≥ 0; got {_given(value)}.")
    return int(value)


def generator(name: str, value: Any) -> np.random.Generator:
    """A numpy Generator from a whole-number seed ≥ 0 (or the Generator itself)."""
    if isinstance(value, np.random.Generator):
        return value
    return np.random.default_rng(seed_value(name, value))


def instance(name: str, value: Any, kind: type | tuple[type, ...], example: str) -> Any:
    """``value`` if it is a ``kind``; else a TypeError naming what was expected."""
    if not isinstance(value, kind):
        raise TypeError(f"{name} must be {example}; got {_given(value)}.")
    return value


def has_methods(name: str, value: Any, methods: tuple[str, ...], example: str) -> Any:
    """``value`` if it has every one of ``methods`` (a network-like object); else a TypeError."""
    if not all(hasattr(value, m) for m in methods):
        raise TypeError(f"{name} must be {example}; got {_given(value)}.")
    return value


def text(name: str, value: Any) -> str:
    """``value`` if it is a string."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string; got {_given(value)}.")
    return value


def callback(name: str, value: Any, call: str, *, optional: bool = True) -> Callable | None:
    """``value`` if it is callable (or None when optional); ``call`` shows how it is called."""
    if (value is not None or not optional) and not callable(value):
        raise TypeError(f"{name} must be a function called as {call}"
                        f"{', or None' if optional else ''}; got {_given(value)}.")
    return value


def array(name: str, value: Any, *, ndim: int | tuple[int, ...] | None = None,
          shape: tuple[int | None, ...] | None = None, finite: bool = True,
          min_size: int = 0) -> np.ndarray:
    """``value`` as a float array; ndim, shape (None = any length) and finiteness checked."""
    if value is None or isinstance(value, str | bytes | dict | set):
        raise TypeError(f"{name} must be an array of numbers; got {_given(value)}.")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of numbers; got {_given(value)}.") from None
    ndims = (ndim,) if isinstance(ndim, int) else ndim
    if ndims is not None and arr.ndim not in ndims:
        raise ValueError(f"{name} must have {' or '.join(map(str, ndims))} dimension(s); "
                         f"got shape {arr.shape}.")
    if shape is not None and (arr.ndim != len(shape) or any(
            want is not None and got != want
            for got, want in zip(arr.shape, shape, strict=True))):
        wanted = "(" + ", ".join("n" if s is None else str(s) for s in shape) + ")"
        raise ValueError(f"{name} must have shape {wanted}; got {arr.shape}.")
    if arr.size < min_size:
        raise ValueError(f"{name} needs at least {min_size} entries; got {arr.size}.")
    if finite and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values.")
    return arr


def whole_tuple(name: str, value: Any, *, low: int = 1, example: str = "(8,)") -> tuple[int, ...]:
    """A non-empty tuple of whole numbers ≥ low (a single whole number becomes a 1-tuple)."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = (value,)
    if not isinstance(value, tuple | list) or not value or not all(
            isinstance(v, numbers.Integral) and not isinstance(v, bool) and v >= low
            for v in value):
        raise ValueError(f"{name} must be a tuple of whole numbers ≥ {low} such as {example}; "
                         f"got {_given(value)}.")
    return tuple(int(v) for v in value)


def human_bytes(n_bytes: float) -> str:
    """'512 B', '3.2 MiB', '7.45 GiB', '2.9 TiB'."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if n_bytes < 1024 or unit == "TiB":
            return f"{n_bytes:.0f} {unit}" if unit == "B" else f"{n_bytes:.3g} {unit}"
        n_bytes /= 1024
    return ""  # pragma: no cover


def fits_in_memory(what: str, n_bytes: float, advice: str = "",
                   limit: float = MEMORY_LIMIT) -> None:
    """A ValueError, before any work, when ``what`` would need more than ``limit`` bytes."""
    if n_bytes > limit:
        raise ValueError(f"{what} would need about {human_bytes(n_bytes)} of memory, more than "
                         f"the {human_bytes(limit)} allowed." + (f" {advice}" if advice else ""))
