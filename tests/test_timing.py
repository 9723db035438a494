"""The one timer."""

import numpy as np
import pytest

from helpers.timing import measure, time_calls


def test_measure_reports_time_and_peak_memory():
    result, seconds, peak = measure(np.ones, 1_000_000)
    assert result.shape == (1_000_000,)
    assert seconds >= 0
    assert peak >= 8_000_000


def test_measure_passes_keywords_and_can_skip_memory():
    m = measure(np.full, (3,), fill_value=2.0, trace_memory=False)
    assert np.array_equal(m.value, [2.0, 2.0, 2.0]) and m.seconds >= 0 and m.peak_bytes == 0


def test_time_calls_returns_positive_seconds():
    t = time_calls(lambda: sum(range(100)), repeat=3, number=2)
    assert t.shape == (3,) and np.all(t > 0)


def test_time_calls_warms_up_once_and_calls_repeat_times_number():
    calls = []
    time_calls(lambda: calls.append(1), repeat=3, number=4)
    assert len(calls) == 1 + 3 * 4
    with pytest.raises(ValueError, match="repeat"):
        time_calls(lambda: None, repeat=0)
