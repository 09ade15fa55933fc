"""Test doubles the client's tests share."""

from __future__ import annotations


class FakeTime:
    """The client's clock and sleep: sleeping only moves the clock (and is recorded), so minutes of
    backoff take no time."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
