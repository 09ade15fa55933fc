"""A schedule's wall-clock settings moved between its own zone and the account's.

Flashduty reads a layer's weekly hand-off, restriction windows and day mask in the *account's*
time zone; a program writes them in the *schedule's* ``time_zone``. When the two zones differ by
``delta`` seconds (account offset minus schedule offset), ``09:00`` in the schedule's zone is
``09:00 + delta`` on the account's clock. :func:`shift_layer` moves the settings by ``delta``,
exactly, or says why it cannot:

* a hand-off and weekly windows move within the week, daily windows within the day (a window may
  come to wrap past midnight, which Flashduty reads as a night shift);
* a day mask keeps whole days cut at the account's midnight, so it moves only with daily windows
  that all land on the same day after the move (the mask then moves by that many days); a mask
  without windows can move only by whole days.

:func:`fixed_delta` tells whether ``delta`` stays the same over the coming year (Asia/Tokyo on an
Asia/Shanghai account) or changes with daylight saving (Europe/London on Asia/Shanghai).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flashcat_pulumi.resources._forms import DAY, WEEK, FormError

__all__ = ["delta_at", "fixed_delta", "shift_layer"]

_YEAR_DAYS = 366


def delta_at(schedule_zone: ZoneInfo, account_zone: ZoneInfo, epoch: float) -> int:
    """Account offset minus schedule offset at ``epoch``, in seconds."""
    moment = datetime.fromtimestamp(epoch, UTC)
    account = moment.astimezone(account_zone).utcoffset() or timedelta()
    schedule = moment.astimezone(schedule_zone).utcoffset() or timedelta()
    return int((account - schedule).total_seconds())


def fixed_delta(schedule_zone: ZoneInfo, account_zone: ZoneInfo, now: float) -> int | None:
    """The delta when it is the same every day of the year from ``now``; ``None`` when it changes."""
    return _fixed_delta(schedule_zone.key, account_zone.key, int(now // DAY))


@functools.lru_cache(maxsize=64)
def _fixed_delta(schedule_key: str, account_key: str, day: int) -> int | None:
    schedule_zone, account_zone = ZoneInfo(schedule_key), ZoneInfo(account_key)
    # Noon UTC each day: offsets change at most a few times a year and last for months.
    deltas = {delta_at(schedule_zone, account_zone, (day + i) * DAY + DAY // 2) for i in range(_YEAR_DAYS)}
    return deltas.pop() if len(deltas) == 1 else None


def shift_layer(delta: int, *, handoff: int, restrict_mode: int, periods: Sequence[tuple[int, int]],
                day_mask: Sequence[int] | None) -> tuple[int, list[tuple[int, int]], list[int] | None]:
    """``(handoff, periods, day_mask)`` moved by ``delta`` seconds (days 0 = Sunday).

    Raises :class:`FormError` saying why when the move cannot keep the same hours.
    """
    if delta == 0:
        return handoff, list(periods), None if day_mask is None else list(day_mask)
    handoff = (handoff + delta) % WEEK
    if restrict_mode == 2:
        return handoff, _windows_moved(periods, delta, WEEK), None if day_mask is None else list(day_mask)
    if restrict_mode == 1:
        moved = _windows_moved(periods, delta, DAY)
        if day_mask is None:
            return handoff, moved, None
        days = {_day_moved(start, end, delta) for start, end in periods}
        if None in days or len(days) != 1:
            raise FormError("the day_mask and these daily windows cannot be moved to the account's time zone "
                            "exactly: a window would fall on another day than the others, or across "
                            "midnight")
        return handoff, moved, _mask_moved(day_mask, days.pop())
    if day_mask is None:
        return handoff, list(periods), None
    if delta % DAY:
        raise FormError("a day_mask keeps whole days cut at midnight in the account's time zone, which is not "
                        "midnight in this schedule's time zone; write this layer in a schedule whose time_zone "
                        "is the account's, or limit the days with daily windows that stay within one day")
    return handoff, list(periods), _mask_moved(day_mask, delta // DAY)


def _windows_moved(periods: Sequence[tuple[int, int]], delta: int, cycle: int) -> list[tuple[int, int]]:
    """Windows moved within their cycle; a window as long as the cycle is all of it, wherever it starts."""
    return sorted((0, cycle) if (end - start) % cycle == 0 and end != start else
                  ((start + delta) % cycle, (end + delta) % cycle or cycle) for start, end in periods)


def _day_moved(start: int, end: int, delta: int) -> int | None:
    """By how many days a daily window that does not wrap moves; ``None`` if it wraps before or after."""
    if end <= start:
        return None
    first, last = (start + delta) // DAY, (end + delta - 1) // DAY
    return first if first == last else None


def _mask_moved(days: Sequence[int], by: int) -> list[int]:
    return sorted((day + by) % 7 for day in days)
