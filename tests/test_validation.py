"""The shared argument checks, the progress ticker and the one-line interrupt."""

from __future__ import annotations

import numpy as np
import pytest

from helpers import validation as v
from helpers.timing import Interrupted, Ticker, interruptible


@pytest.mark.parametrize("call, error, match", [
    (lambda: v.whole("n", "3"), TypeError, "n must be a whole number"),
    (lambda: v.whole("n", None), TypeError, "for example n="),
    (lambda: v.whole("n", True), TypeError, "whole number"),
    (lambda: v.whole("n", 2.5), ValueError, "whole number"),
    (lambda: v.whole("n", float("nan")), ValueError, "whole number"),
    (lambda: v.whole("n", 0, low=1), ValueError, "≥ 1; got 0"),
    (lambda: v.whole("n", 9, low=1, high=8), ValueError, "≤ 8"),
    (lambda: v.real("lr", "0.1"), TypeError, "lr must be a number"),
    (lambda: v.real("lr", float("nan")), ValueError, "finite"),
    (lambda: v.real("lr", float("inf")), ValueError, "finite"),
    (lambda: v.real("lr", 0.0, low=0.0, low_open=True), ValueError, "> 0"),
    (lambda: v.real("beta", 1.0, high=1.0, high_open=True), ValueError, "< 1"),
    (lambda: v.boolean("flag", "yes"), TypeError, "True or False"),
    (lambda: v.choice("kind", "x", ("a", "b")), ValueError, "one of 'a', 'b'"),
    (lambda: v.choice("kind", ["a"], ("a", "b")), ValueError, "one of"),
    (lambda: v.seed_value("seed", None), TypeError, "can be repeated"),
    (lambda: v.seed_value("seed", "abc"), TypeError, "whole number ≥ 0"),
    (lambda: v.seed_value("seed", 1.5), TypeError, "whole number ≥ 0"),
    (lambda: v.seed_value("seed", -1), ValueError, "≥ 0"),
    (lambda: v.callback("progress", "yes", "f(x)"), TypeError, "function called as f"),
    (lambda: v.array("theta", "abc"), TypeError, "array of numbers"),
    (lambda: v.array("theta", None), TypeError, "array of numbers"),
    (lambda: v.array("theta", [[1, 2], [3]]), TypeError, "array of numbers"),
    (lambda: v.array("theta", [1.0, np.nan]), ValueError, "NaN"),
    (lambda: v.array("theta", [1.0, 2.0], ndim=2), ValueError, "2 dimension"),
    (lambda: v.array("theta", [1.0, 2.0], shape=(3,)), ValueError, r"shape \(3\)"),
    (lambda: v.array("theta", [], min_size=1), ValueError, "at least 1"),
    (lambda: v.whole_tuple("sizes", (8, 0)), ValueError, "tuple of whole numbers"),
    (lambda: v.fits_in_memory("this", 3 * 1024**3), ValueError, "3 GiB of memory"),
])
def test_each_bad_argument_has_a_clear_message(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_good_arguments_come_back_normalised():
    assert v.whole("n", np.int64(3)) == 3 and v.whole("n", 4.0) == 4
    assert v.real("lr", np.float32(0.5), low=0.0) == 0.5
    assert v.seed_value("seed", np.int64(7)) == 7
    assert 0 <= v.seed_value("seed", np.random.default_rng(0)) < 2**31
    assert v.array("x", [[1, 2]], shape=(None, 2)).shape == (1, 2)
    assert v.whole_tuple("h", 8) == (8,) and v.human_bytes(8 * 1024**3) == "8 GiB"
    v.fits_in_memory("this", 1024)


def test_ticker_reports_by_time_slices_and_always_at_the_end():
    calls = []
    tick = Ticker(lambda *a: calls.append(a), interval=3600.0)
    for i in range(1, 1001):
        tick("stage", i, 1000)
    assert calls == [("stage", 1000, 1000)]
    assert (tick.stage, tick.done, tick.total) == ("stage", 1000, 1000)
    every = Ticker(lambda *a: calls.append(a), interval=0.0)
    every("other", 1, 5)
    assert calls[-1] == ("other", 1, 5)


def test_an_interrupt_becomes_one_line():
    with pytest.raises(Interrupted, match="after 3 of 10") as info:
        with interruptible(lambda: "after 3 of 10"):
            raise KeyboardInterrupt
    assert isinstance(info.value, KeyboardInterrupt)
    assert info.value.__suppress_context__
    assert info.value._render_traceback_() == ["Interrupted: after 3 of 10"]


def test_ipython_shows_only_the_line(capsys):
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shell.run_cell("from helpers.timing import interruptible\n"
                   "with interruptible(lambda: 'after 3 of 10 runs'):\n"
                   "    raise KeyboardInterrupt\n")
    shown = capsys.readouterr()
    assert "Interrupted: after 3 of 10 runs" in shown.out + shown.err
    assert "Traceback" not in shown.out + shown.err
