"""A deliberately simple, slow reference for the rotation engine (``flashcat_pulumi.timeline``).

Written from the rules stated in the engine's module docstring, with ``datetime`` + ``zoneinfo`` only and
without looking at the engine's implementation:

* Shift ``k`` is ``[edge(k), edge(k + 1))`` clipped to the layer's ``[layer_start, layer_end)`` and to the
  window; ``edge(0)`` is the layer start.
* Whole days (unit ``day`` with a value that is not a multiple of 7, or a ``rotation_duration`` that is a
  multiple of 86400 but not of 604800): ``edge(k)`` is the local date of the layer start plus ``k * n``
  days, at the layer start's local time of day.
* Whole weeks (unit ``week``, unit ``day`` with a value ``7m``, a ``rotation_duration`` multiple of
  604800): the boundaries are local Monday 00:00 + ``handoff_time`` (days, then time of day) of every week;
  with ``B`` the last boundary at or before the layer start, ``edge(k)`` (``k >= 1``) is the boundary
  ``k * n`` weeks after ``B``.
* Months: the layer start's local date-time plus ``k * n`` months, the day of month clamped.
* Hours, and a ``rotation_duration`` that is not a whole number of days: ``layer_start + k * period``.
* A skipped local time means the instant of the switch; a repeated one its first occurrence.
* Slot ``k`` goes to group ``k mod n``, with ``fair_rotation`` to ``(k + k // n) mod n``.
* Day masks keep local calendar days (0 = Sunday) or, continuous, days from the layer start's time of
  day to the same time the next day; restriction windows keep ``[day 00:00 + s, day 00:00 + e)`` (mode 1)
  or ``[Monday 00:00 + s, Monday 00:00 + e)`` (mode 2), ``e < s`` wrapping, ``s == e`` empty. Mask and
  windows intersect; touching pieces of one shift merge.
* The final schedule: at every instant, the covering override with the highest weight (ties: the later
  layer) wins, else the latest covering normal layer; gaps stay gaps.

Everything is computed by walking: edges from ``k = 0`` on, masks and windows day by day, the final
schedule elementary interval by elementary interval. Keep windows and layer starts close together.
"""

from __future__ import annotations

import bisect
import calendar
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from typing import NamedTuple
from zoneinfo import ZoneInfo

from flashcat_pulumi.wire import ScheduleLayer

HOUR = 3600
DAY = 86400
WEEK = 7 * DAY
FOREVER = 2**62

Interval = tuple[int, int]


class RefShift(NamedTuple):
    """Like the engine's ``Shift``, with the group's position instead of the group itself."""

    start: int
    end: int
    index: int
    layer: int
    weight: int
    slot: int


# --- the wall clock ----------------------------------------------------------------------------

def wall(t: int, tz: ZoneInfo) -> datetime:
    """The naive local wall time at instant ``t``."""
    return datetime.fromtimestamp(t, tz).replace(tzinfo=None)


def is_second_occurrence(t: int, tz: ZoneInfo) -> bool:
    return datetime.fromtimestamp(t, tz).fold == 1


def exists(w: datetime, tz: ZoneInfo) -> bool:
    """Whether the naive wall time ``w`` is ever shown by the clock (not skipped)."""
    return any(wall(int(w.replace(tzinfo=tz, fold=fold).timestamp()), tz) == w for fold in (0, 1))


def resolve(w: datetime, tz: ZoneInfo) -> int:
    """The instant the naive local wall time ``w`` means: its first occurrence; a skipped wall time means
    the instant of the switch (the first instant whose wall clock reads later than ``w``)."""
    candidates = sorted({int(w.replace(tzinfo=tz, fold=fold).timestamp()) for fold in (0, 1)})
    real = [t for t in candidates if wall(t, tz) == w]
    if real:
        return real[0]
    # Skipped: fold=1 uses the offset after the switch (an earlier instant), fold=0 the one before.
    lo, hi = candidates[0], candidates[-1]
    assert wall(lo, tz) < w < wall(hi, tz), (w, tz)
    while hi - lo > 1:  # invariant: wall(lo) < w < wall(hi); a single switch lies in between
        mid = (lo + hi) // 2
        if wall(mid, tz) < w:
            lo = mid
        else:
            hi = mid
    return hi


def local(day: date, seconds: int = 0) -> datetime:
    """The naive wall time ``day`` 00:00 + ``seconds`` (days, then time of day)."""
    return datetime.combine(day, time()) + timedelta(seconds=seconds)


def weekday0(day: date) -> int:
    """0 = Sunday ... 6 = Saturday."""
    return (day.weekday() + 1) % 7


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def add_months(w: datetime, months: int) -> datetime:
    total = w.year * 12 + (w.month - 1) + months
    year, month = divmod(total, 12)
    month += 1
    return w.replace(year=year, month=month, day=min(w.day, calendar.monthrange(year, month)[1]))


# --- rotations ---------------------------------------------------------------------------------

def rotation(layer: ScheduleLayer) -> tuple[str, int]:
    """``(kind, amount)``: ``elapsed`` seconds, ``days``, ``weeks``, ``months``, or ``whole``."""
    unit, value = layer.rotation_unit, layer.rotation_value
    if unit and value:
        if unit == "hour":
            return "elapsed", value * HOUR
        if unit == "day":
            return ("weeks", value // 7) if value % 7 == 0 else ("days", value)
        if unit == "week":
            return "weeks", value
        if unit == "month":
            return "months", value
        raise KeyError(unit)
    duration = layer.rotation_duration
    if duration:
        if duration % WEEK == 0:
            return "weeks", duration // WEEK
        if duration % DAY == 0:
            return "days", duration // DAY
        return "elapsed", duration
    if layer.mode == 1:
        return "whole", 0
    raise ValueError("no rotation")


def week_boundary(monday: date, handoff: int, tz: ZoneInfo) -> int:
    return resolve(local(monday, handoff), tz)


def first_week_boundary(layer: ScheduleLayer, tz: ZoneInfo) -> date:
    """The Monday of the week whose boundary is the last one at or before the layer start."""
    start = layer.start
    monday = monday_of(wall(start, tz).date())
    while week_boundary(monday, layer.handoff_time, tz) > start:
        monday -= timedelta(days=7)
    assert week_boundary(monday + timedelta(days=7), layer.handoff_time, tz) > start
    return monday


def edges(layer: ScheduleLayer, tz: ZoneInfo) -> Iterator[int]:
    """``edge(0), edge(1), ...`` for ever (once, then :data:`FOREVER`, for a ``whole`` layer)."""
    start = layer.start
    kind, n = rotation(layer)
    yield start
    if kind == "whole":
        yield FOREVER
        return
    origin = wall(start, tz)
    monday = first_week_boundary(layer, tz) if kind == "weeks" else None
    k = 1
    while True:
        if kind == "elapsed":
            yield start + k * n
        elif kind == "days":
            yield resolve(origin + timedelta(days=k * n), tz)
        elif kind == "weeks":
            assert monday is not None
            yield week_boundary(monday + timedelta(days=7 * k * n), layer.handoff_time, tz)
        else:
            yield resolve(add_months(origin, k * n), tz)
        k += 1


def slots(layer: ScheduleLayer, lo: int, hi: int, tz: ZoneInfo) -> list[tuple[int, int, int]]:
    """``(start, end, k)`` of every rotation slot meeting ``[lo, hi)``, unclipped."""
    result = []
    walk = edges(layer, tz)
    k, a = 0, next(walk)
    while a < hi:
        b = next(walk)
        assert b > a, (layer, k, a, b)
        if b > lo:
            result.append((a, b, k))
        k, a = k + 1, b
    return result


def group_of(layer: ScheduleLayer, k: int) -> int:
    n = len(layer.groups)
    return (k + k // n) % n if layer.fair_rotation else k % n


# --- masks and windows -------------------------------------------------------------------------

def union(intervals: list[Interval]) -> list[Interval]:
    result: list[Interval] = []
    for a, b in sorted(i for i in intervals if i[0] < i[1]):
        if result and a <= result[-1][1]:
            result[-1] = (result[-1][0], max(result[-1][1], b))
        else:
            result.append((a, b))
    return result


def intersect(xs: list[Interval], ys: list[Interval]) -> list[Interval]:
    return union([(max(a, c), min(b, d)) for a, b in xs for c, d in ys])


def days_around(lo: int, hi: int, tz: ZoneInfo) -> list[date]:
    first, last = wall(lo, tz).date() - timedelta(days=2), wall(hi, tz).date() + timedelta(days=1)
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def mask_intervals(layer: ScheduleLayer, lo: int, hi: int, tz: ZoneInfo) -> list[Interval] | None:
    if layer.day_mask is None:
        return None
    repeat = set(layer.day_mask.repeat)
    offset = 0
    if layer.mask_continuous_enabled:
        origin = wall(layer.start, tz)
        offset = origin.hour * HOUR + origin.minute * 60 + origin.second
    return union([(resolve(local(day, offset), tz), resolve(local(day, DAY + offset), tz))
                  for day in days_around(lo, hi, tz) if weekday0(day) in repeat])


def restrict_intervals(layer: ScheduleLayer, lo: int, hi: int, tz: ZoneInfo) -> list[Interval] | None:
    if layer.restrict_mode == 0:
        return None
    periods = [(p.restrict_start, p.restrict_end) for p in layer.restrict_periods]
    if layer.restrict_mode == 1:
        origins, length = days_around(lo, hi, tz), DAY
    else:
        origins, length = sorted({monday_of(day) for day in days_around(lo - WEEK, hi, tz)}), WEEK
    windows = []
    for origin in origins:
        for s, e in periods:
            if s == e:
                continue
            windows.append((resolve(local(origin, s), tz), resolve(local(origin, e if e > s else length + e), tz)))
    return union(windows)


def allowed(layer: ScheduleLayer, lo: int, hi: int, tz: ZoneInfo) -> list[Interval] | None:
    """Where the layer's mask and restriction windows let it be on call, around ``[lo, hi)``."""
    result = None
    for part in (mask_intervals(layer, lo, hi, tz), restrict_intervals(layer, lo, hi, tz)):
        if part is not None:
            result = part if result is None else intersect(result, part)
    return result


# --- the schedule ------------------------------------------------------------------------------

def weight_of(layer: ScheduleLayer, position: int) -> int:
    return layer.weight if layer.weight is not None else position


def layer_shifts(layer: ScheduleLayer, position: int, start: int, end: int, tz: ZoneInfo) -> list[RefShift]:
    if not layer.groups:
        return []
    lo, hi = max(start, layer.start), min(end, layer.end or FOREVER)
    if lo >= hi:
        return []
    permitted = allowed(layer, lo, hi, tz)
    weight = weight_of(layer, position)
    result = []
    for a, b, k in slots(layer, lo, hi, tz):
        pieces = [(max(a, lo), min(b, hi))]
        if permitted is not None:
            pieces = intersect(pieces, permitted)
        result += [RefShift(s, e, group_of(layer, k), position, weight, k) for s, e in union(pieces)]
    return result


def final(per_layer: list[list[RefShift]], layers: list[ScheduleLayer]) -> list[RefShift]:
    """Which layer wins, elementary interval by elementary interval."""
    cuts = sorted({t for shifts in per_layer for shift in shifts for t in (shift.start, shift.end)})
    starts = [[shift.start for shift in shifts] for shifts in per_layer]
    result: list[RefShift] = []
    for a, b in pairwise(cuts):
        covering = []
        for shifts, firsts in zip(per_layer, starts, strict=True):
            i = bisect.bisect_right(firsts, a) - 1
            if i >= 0 and shifts[i].end > a:
                covering.append(shifts[i])
        if not covering:
            continue
        overrides = [shift for shift in covering if layers[shift.layer].mode == 1]
        if overrides:
            winner = max(overrides, key=lambda shift: (shift.weight, shift.layer))
        else:
            winner = max(covering, key=lambda shift: shift.layer)
        last = result[-1] if result else None
        if last is not None and last.end == a and (last.layer, last.slot) == (winner.layer, winner.slot):
            result[-1] = last._replace(end=b)
        else:
            result.append(winner._replace(start=a, end=b))
    return result


def reference(layers: list[ScheduleLayer], start: int, end: int,
              tz: ZoneInfo) -> tuple[list[list[RefShift]], list[RefShift]]:
    """``(shifts per layer, final schedule)`` over ``[start, end)``."""
    per_layer = [layer_shifts(layer, i, start, end, tz) for i, layer in enumerate(layers)]
    return per_layer, final(per_layer, layers)
