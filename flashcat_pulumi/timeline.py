"""The rotation engine: stored schedule layers + a window + the account time zone -> shifts.

Implements docs/flashduty-api.md §10.4–§10.5. Per layer: shift ``k`` of the rotation belongs to ``groups[k mod n]``;
it is clipped to the layer's lifetime, reduced to the day mask and the restriction windows, then
clipped to the requested window. ``final`` merges the layers: overrides (``mode`` 1) preempt normal
layers, and among layers of the same kind the later one in the list wins.

Decisions where docs/flashduty-api.md is silent:

* Periods in hours, days and ``rotation_duration`` are fixed spans of elapsed seconds, so a daily
  rotation in a zone with DST moves by an hour of wall clock. Only one-week periods (aligned to
  Monday 00:00 + ``handoff_time``) and calendar months follow the local wall clock.
* ``rotation_value``/``rotation_duration`` of 0 count as absent. An override layer without either
  is a single shift spanning the whole layer, taken by its first group.
* Offsets (``handoff_time``, ``restrict_*``) are wall-clock offsets from local 00:00 or Monday
  00:00; a wall time that does not exist (DST gap) resolves as :mod:`zoneinfo` does with fold 0.
* The day mask and the restriction windows intersect. A window whose end equals its start is empty.
* Pieces of one shift that touch are merged, in the per-layer lists as in ``final``, so a mask that
  keeps every day yields the same shifts as no mask.
* ``k`` counts from the layer start even when the window starts later, and layer/window clipping
  never renumbers it; ``Shift.index`` is ``k mod n``.
* Any ``mode`` other than 1 is a normal layer. Shift groups share ``members`` with the input layer.
"""

from __future__ import annotations

import bisect
import calendar
import heapq
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise
from typing import TypeVar
from zoneinfo import ZoneInfo

from flashcat_pulumi.wire import ScheduleGroup, ScheduleLayer

__all__ = ["Shift", "Timeline", "compute", "period_seconds"]

HOUR = 3600
DAY = 86400
WEEK = 604800
_UNIT_SECONDS = {"hour": HOUR, "day": DAY, "week": WEEK}
_MONDAY = date(1970, 1, 5).toordinal()  # any Monday: week numbers count from it

T = TypeVar("T")
Interval = tuple[int, int]


@dataclass(frozen=True)
class Shift:
    """Who (``group``) is on call in ``[start, end)``, and which layer and rotation slot it came from."""

    start: int
    end: int
    group: ScheduleGroup
    index: int
    layer: int
    weight: int


@dataclass(frozen=True)
class Timeline:
    """Shifts per input layer, and the merged ``final`` timeline (sorted, non-overlapping, with gaps)."""

    layers: list[list[Shift]]
    final: list[Shift]

    def at(self, t: int) -> Shift | None:
        """The final shift covering ``t``, ``None`` in a gap or outside the window."""
        i = bisect.bisect_right(self.final, t, key=lambda shift: shift.start) - 1
        return self.final[i] if i >= 0 and self.final[i].end > t else None

    def next_after(self, t: int) -> Shift | None:
        """The first final shift after the one covering ``t`` (after ``t`` itself when ``t`` is in a gap)."""
        # The shift covering t starts at or before t, so both cases are "the first start after t".
        i = bisect.bisect_right(self.final, t, key=lambda shift: shift.start)
        return self.final[i] if i < len(self.final) else None


def period_seconds(layer: ScheduleLayer) -> int | None:
    """The rotation period in seconds; ``None`` for calendar months and for an override without rotation.

    Raises :class:`ValueError` when a normal layer has no rotation or the period is not positive.
    """
    if layer.rotation_unit and layer.rotation_value:
        if layer.rotation_value < 0:
            raise ValueError(f"rotation_value must be positive, got {layer.rotation_value}")
        if layer.rotation_unit == "month":
            return None
        return layer.rotation_value * _UNIT_SECONDS[layer.rotation_unit]
    if layer.rotation_duration:
        if layer.rotation_duration < 0:
            raise ValueError(f"rotation_duration must be positive, got {layer.rotation_duration}")
        return layer.rotation_duration
    if layer.mode == 1:
        return None
    raise ValueError(f"layer {layer.layer_name or layer.name!r} has neither rotation_unit/rotation_value "
                     "nor rotation_duration")


def compute(layers: Sequence[ScheduleLayer], start: int, end: int, time_zone: str | ZoneInfo) -> Timeline:
    """Expand ``layers`` over the window ``[start, end)``, with days and weeks in ``time_zone``."""
    tz = ZoneInfo(time_zone) if isinstance(time_zone, str) else time_zone
    per_layer = [_layer_shifts(layer, i, start, end, tz) for i, layer in enumerate(layers)]
    return Timeline(layers=per_layer, final=_merge(layers, per_layer))


# --- one layer ---------------------------------------------------------------------------------

def _layer_shifts(layer: ScheduleLayer, index: int, start: int, end: int, tz: ZoneInfo) -> list[Shift]:
    """The shifts of ``layer`` (at position ``index``) inside ``[start, end)``."""
    if not layer.groups:
        return []
    lo = max(layer.start, start)
    hi = end if layer.end is None else min(layer.end, end)
    if lo >= hi:
        return []
    edge, k = _edges(layer, lo, hi, tz)
    pieces: list[tuple[int, int, int]] = []
    s = edge(k)
    while s < hi:
        e = edge(k + 1)
        pieces.append((max(s, lo), min(e, hi), k))
        k, s = k + 1, e
    for allowed in (_mask_windows(layer, lo, hi, tz), _restrict_windows(layer, lo, hi, tz)):
        if allowed is not None:
            pieces = _clip(pieces, allowed)
    n = len(layer.groups)
    weight = index if layer.weight is None else layer.weight
    return [Shift(s, e, _group_copy(layer.groups[k % n], s, e), k % n, index, weight)
            for s, e, k in pieces]


def _edges(layer: ScheduleLayer, lo: int, hi: int, tz: ZoneInfo) -> tuple[Callable[[int], int], int]:
    """``edge(k)``, the start of shift ``k`` (``edge(0)`` = layer start), and the ``k`` covering ``lo``."""
    first = layer.start
    period = period_seconds(layer)
    if period == WEEK:
        base = _week_of(first, layer.handoff_time, tz)

        def weekly(k: int) -> int:
            # Shift 0 runs from the layer start to the first aligned boundary after it.
            return first if k == 0 else _week_start(base + k, layer.handoff_time, tz)

        return weekly, _week_of(lo, layer.handoff_time, tz) - base
    if period is not None:
        return (lambda k: first + k * period), (lo - first) // period
    if layer.rotation_unit == "month" and layer.rotation_value:
        months = layer.rotation_value
        origin = datetime.fromtimestamp(first, tz)

        def monthly(k: int) -> int:
            return first if k == 0 else _add_months(origin, k * months)

        local = datetime.fromtimestamp(lo, tz)
        k = max(0, ((local.year - origin.year) * 12 + local.month - origin.month) // months)
        # The month difference is off by at most one period (day of month, time of day): settle it.
        while k > 0 and monthly(k) > lo:
            k -= 1
        while monthly(k + 1) <= lo:
            k += 1
        return monthly, k
    # An override without rotation: one shift over the whole layer.
    return (lambda k: first if k == 0 else hi), 0


def _week_start(week: int, handoff: int, tz: ZoneInfo) -> int:
    """The aligned boundary of ``week``: local Monday 00:00 + ``handoff`` (wall clock)."""
    return _wall(date.fromordinal(_MONDAY + 7 * week), handoff, tz)


def _week_of(t: int, handoff: int, tz: ZoneInfo) -> int:
    """The week whose aligned boundary is the last one at or before ``t``."""
    local = datetime.fromtimestamp(t, tz).replace(tzinfo=None) - timedelta(seconds=handoff)
    week = (local.toordinal() - _MONDAY) // 7
    # The naive estimate can be off by one near a DST change: settle it on real instants.
    if _week_start(week, handoff, tz) > t:
        week -= 1
    elif _week_start(week + 1, handoff, tz) <= t:
        week += 1
    return week


def _add_months(origin: datetime, months: int) -> int:
    """``origin`` plus ``months`` calendar months, same wall time, day of month clamped."""
    year, month0 = divmod(origin.month - 1 + months, 12)
    year += origin.year
    day = min(origin.day, calendar.monthrange(year, month0 + 1)[1])
    return int(origin.replace(year=year, month=month0 + 1, day=day, fold=0).timestamp())


def _wall(day: date, offset: int, tz: ZoneInfo) -> int:
    """The instant ``offset`` seconds of wall clock after local 00:00 of ``day``."""
    return int((datetime(day.year, day.month, day.day, tzinfo=tz) + timedelta(seconds=offset)).timestamp())


# --- day mask and restrictions -----------------------------------------------------------------

def _cycle_starts(lo: int, hi: int, tz: ZoneInfo, days: int) -> list[date]:
    """Local first days of the day (``days`` 1) or Monday-based week (7) cycles around ``[lo, hi)``.

    Starts one cycle early: a window that wraps past its cycle's end reaches into ``lo``'s cycle.
    """
    first = datetime.fromtimestamp(lo, tz).date()
    first -= timedelta(days=(first.weekday() if days == 7 else 0) + days)
    last = datetime.fromtimestamp(hi, tz).date()
    return [first + timedelta(days=i) for i in range(0, (last - first).days + 1, days)]


def _mask_windows(layer: ScheduleLayer, lo: int, hi: int, tz: ZoneInfo) -> list[Interval] | None:
    """The time the day mask keeps around ``[lo, hi)``, ``None`` when every day is kept."""
    if layer.day_mask is None or not layer.day_mask.repeat:
        return None
    weekdays = set(layer.day_mask.repeat)
    offset = 0
    if layer.mask_continuous_enabled:
        local = datetime.fromtimestamp(layer.start, tz)
        offset = local.hour * HOUR + local.minute * 60 + local.second
    # date.weekday() is 0 = Monday; the mask's 0 is Sunday.
    return _union([(_wall(day, offset, tz), _wall(day, offset + DAY, tz))
                   for day in _cycle_starts(lo, hi, tz, 1) if (day.weekday() + 1) % 7 in weekdays])


def _restrict_windows(layer: ScheduleLayer, lo: int, hi: int, tz: ZoneInfo) -> list[Interval] | None:
    """The time the restriction keeps around ``[lo, hi)``, ``None`` when there is no restriction."""
    if layer.restrict_mode not in (1, 2):
        return None
    periods = [(p.restrict_start, p.restrict_end) for p in layer.restrict_periods]
    if not periods and layer.restrict_start is not None and layer.restrict_end is not None:
        periods = [(layer.restrict_start, layer.restrict_end)]
    if not periods:
        return None
    cycle = DAY if layer.restrict_mode == 1 else WEEK
    return _union([(_wall(first, s, tz), _wall(first, e + cycle if e < s else e, tz))
                   for first in _cycle_starts(lo, hi, tz, cycle // DAY) for s, e in periods if s != e])


def _union(intervals: list[Interval]) -> list[Interval]:
    """Sorted, with overlapping and touching intervals merged (so clipped pieces never touch)."""
    merged: list[Interval] = []
    for s, e in sorted(intervals):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        elif s < e:
            merged.append((s, e))
    return merged


def _clip(items: list[tuple[int, int, T]], allowed: list[Interval]) -> list[tuple[int, int, T]]:
    """``items`` (sorted, disjoint) reduced to the time inside ``allowed`` (sorted, disjoint)."""
    out: list[tuple[int, int, T]] = []
    j = 0
    for s, e, tag in items:
        while j < len(allowed) and allowed[j][1] <= s:
            j += 1
        i = j
        while i < len(allowed) and allowed[i][0] < e:
            out.append((max(s, allowed[i][0]), min(e, allowed[i][1]), tag))
            i += 1
    return out


# --- final schedule ----------------------------------------------------------------------------

def _merge(layers: Sequence[ScheduleLayer], per_layer: list[list[Shift]]) -> list[Shift]:
    """The winner at every instant: overrides over normal layers, then the later layer."""
    shifts = sorted((shift for shifts in per_layer for shift in shifts), key=lambda shift: shift.start)
    points = sorted({shift.start for shift in shifts} | {shift.end for shift in shifts})
    active: list[tuple[bool, int, int, Shift]] = []  # a heap: best priority first
    pieces: list[tuple[int, int, Shift]] = []
    i = 0
    for p, q in pairwise(points):
        while i < len(shifts) and shifts[i].start <= p:
            shift = shifts[i]
            # i breaks ties with expired shifts of the same layer still in the heap.
            heapq.heappush(active, (layers[shift.layer].mode != 1, -shift.layer, i, shift))
            i += 1
        while active and active[0][3].end <= p:
            heapq.heappop(active)
        if not active:
            continue
        winner = active[0][3]
        if pieces and pieces[-1][2] is winner and pieces[-1][1] == p:
            pieces[-1] = (pieces[-1][0], q, winner)
        else:
            pieces.append((p, q, winner))
    return [src if (s, e) == (src.start, src.end)
            else Shift(s, e, _group_copy(src.group, s, e), src.index, src.layer, src.weight)
            for s, e, src in pieces]


def _group_copy(group: ScheduleGroup, start: int, end: int) -> ScheduleGroup:
    """``group`` with the bounds of a computed shift (the stored one keeps 0/0)."""
    return group.model_copy(update={"start": start, "end": end})
