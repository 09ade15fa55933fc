"""Measurements shared by tests."""

from __future__ import annotations


def max_in_any_window(times: list[float], seconds: float) -> int:
    """The most events found in any half-open interval ``seconds`` long."""
    times = sorted(times)
    best, lo = 0, 0
    for hi, t in enumerate(times):
        while times[lo] <= t - seconds:
            lo += 1
        best = max(best, hi - lo + 1)
    return best
