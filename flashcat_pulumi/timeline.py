"""The rotation engine: schedule layers + a window + a time zone -> shifts per layer and the final schedule.

Implements docs/flashduty-api.md §10.4–§10.5 on the wall clock of the zone. Per layer: the rotation's
hand-offs cut the layer's lifetime into shifts; shift ``k`` (its *slot*) goes to a group (below); each
shift is reduced to the day mask and the restriction windows, then clipped to the requested window.
``final`` merges the layers (below).

The rules, where docs/flashduty-api.md is silent or vague:

* **What a person states as a clock time stays at that local time.** Rotations of whole days (unit
  ``day``, or a ``rotation_duration`` that is a multiple of 86400 s) hand off at the layer start's
  time of day, every ``n`` days. Rotations of whole weeks (unit ``week``, ``7n`` days, or a multiple
  of 604800 s) hand off at Monday 00:00 + ``handoff_time`` of every ``n``-th week; ``handoff_time``
  is ignored for every other period, which has no weekly moment to keep. Calendar months hand off at
  the layer start's day of month (clamped to the month's last day) and time of day. Restriction
  windows, masked days and continuous masks are local times too. Only ``hour`` rotations (and a
  ``rotation_duration`` that is not a whole number of days) count elapsed seconds.
* **DST.** A local time the clock skips means the moment of the switch (02:30 on a spring-forward
  night in Berlin is 03:00 CEST); a local time that happens twice means its first occurrence.
* **The first shift.** Slot 0 starts at the layer start. For weekly rotations it runs to the end of
  the rotation period the start falls in, so a layer started on a Wednesday with a Monday 09:00
  hand-off gives its first group a short first shift (Wednesday to Monday 09:00) and the second
  group the first full period: the stub consumes a slot. Start a layer at a hand-off to avoid it.
* **Fair rotation.** Without it, slot ``k`` goes to group ``k mod n``. With ``fair_rotation``, every
  round of ``n`` slots still gives each group exactly one, but each round starts one group later than
  the round before: slot ``k`` goes to group ``(k + k div n) mod n``. With a daily rotation of seven
  people, each person moves one weekday later every week instead of keeping the same weekday (and
  the weekend) for ever. Flashduty's own algorithm is not published; previews computed by
  Flashduty (``/schedule/preview``) show the server's.
* **The final schedule.** Override layers (``mode`` 1) pre-empt normal layers; among overrides the
  higher ``weight`` wins (Flashcat's CLI documents it), and among equal weights the later layer.
  Among normal layers the later one in the list wins (``weight`` is not used for them). Gaps where
  nobody is on call are kept.
* ``rotation_value``/``rotation_duration`` of 0 count as absent. An override layer without either is a
  single shift spanning the whole layer, taken by its first group. A window whose end equals its
  start is empty; a window whose end is before its start wraps past midnight (daily) or past the
  week's end (weekly). The day mask (0 = Sunday) and the restriction windows intersect.
* ``k`` counts from the layer start whatever the window, so splitting a window in two gives the same
  shifts, cut at the split. Pieces of one shift that touch are merged.
"""

from __future__ import annotations

import bisect
import calendar
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from functools import cached_property, lru_cache
from operator import itemgetter
from typing import NamedTuple
from zoneinfo import ZoneInfo

from flashcat_pulumi.wire import ScheduleGroup, ScheduleLayer

__all__ = ["Rotation", "Shift", "Timeline", "compute", "rotation_of"]

HOUR = 3600
DAY = 86400
WEEK = 7 * DAY
_EPOCH_MONDAY = 4  # day number (days since 1970-01-01) of Monday 1970-01-05
_EPOCH = datetime(1970, 1, 1)

Interval = tuple[int, int]


class Shift(NamedTuple):
    """``group`` is on call in ``[start, end)``: rotation slot ``slot`` of layer ``layer`` (its
    position), ``index`` the group's position in the layer, ``weight`` the layer's weight.
    ``group`` is the layer's own group (its stored ``start``/``end`` are 0)."""

    start: int
    end: int
    group: ScheduleGroup
    index: int
    layer: int
    weight: int
    slot: int


Piece = tuple[int, int, int]
"""``(start, end, slot)``: part of a rotation slot."""


class _Layer(NamedTuple):
    """One layer expanded: its pieces in the window, and the time they cover."""

    layer: ScheduleLayer
    index: int
    weight: int
    pieces: list[Piece]
    coverage: list[Interval]

    def shifts(self, pieces: Iterable[Piece]) -> list[Shift]:
        groups, index, weight = self.layer.groups, self.index, self.weight
        n = len(groups)
        new = tuple.__new__  # half the cost of Shift(...), which matters for the final schedule of a year
        if self.layer.fair_rotation:
            return [new(Shift, (s, e, groups[g], g, index, weight, k)) for s, e, k in pieces
                    for g in ((k + k // n) % n,)]
        return [new(Shift, (s, e, groups[g], g, index, weight, k)) for s, e, k in pieces for g in (k % n,)]


class Timeline:
    """Shifts per input layer (:attr:`layers`, built on first use), and the merged :attr:`final`
    timeline (sorted, non-overlapping, with gaps)."""

    def __init__(self, expanded: list[_Layer], final: list[Shift]) -> None:
        self._expanded = expanded
        self.final = final

    @cached_property
    def layers(self) -> list[list[Shift]]:
        """The shifts of each input layer, in input order."""
        return [layer.shifts(layer.pieces) for layer in self._expanded]

    def at(self, t: int) -> Shift | None:
        """The final shift covering ``t``, ``None`` in a gap or outside the window."""
        i = bisect.bisect_right(self.final, t, key=_start) - 1
        return self.final[i] if i >= 0 and self.final[i].end > t else None

    def next_after(self, t: int) -> Shift | None:
        """The first final shift after the one covering ``t`` (after ``t`` itself when ``t`` is in a gap)."""
        # The shift covering t starts at or before t, so both cases are "the first start after t".
        i = bisect.bisect_right(self.final, t, key=_start)
        return self.final[i] if i < len(self.final) else None


_start = itemgetter(0)


class Rotation(NamedTuple):
    """How a layer hands off: ``kind`` is ``"elapsed"`` (``amount`` seconds), ``"days"``, ``"weeks"``
    or ``"months"`` (``amount`` of them, on the wall clock), or ``"whole"`` (one shift, no rotation)."""

    kind: str
    amount: int


def rotation_of(layer: ScheduleLayer) -> Rotation:
    """The layer's rotation (module docstring). Raises :class:`ValueError` for a normal layer without
    a rotation or with a negative one, :class:`KeyError` for a unit this engine does not know."""
    unit, value = layer.rotation_unit, layer.rotation_value
    if unit and value:
        if value < 0:
            raise ValueError(f"rotation_value must be positive, got {value}")
        if unit == "hour":
            return Rotation("elapsed", value * HOUR)
        if unit == "day":
            return Rotation("weeks", value // 7) if value % 7 == 0 else Rotation("days", value)
        if unit in ("week", "month"):
            return Rotation(unit + "s", value)
        raise KeyError(unit)
    if layer.rotation_duration:
        seconds = layer.rotation_duration
        if seconds < 0:
            raise ValueError(f"rotation_duration must be positive, got {seconds}")
        if seconds % WEEK == 0:
            return Rotation("weeks", seconds // WEEK)
        return Rotation("days", seconds // DAY) if seconds % DAY == 0 else Rotation("elapsed", seconds)
    if layer.mode == 1:
        return Rotation("whole", 0)
    raise ValueError(f"layer {layer.display_name!r} has neither rotation_unit/rotation_value nor rotation_duration")


def compute(layers: Sequence[ScheduleLayer], start: int, end: int, time_zone: str | ZoneInfo) -> Timeline:
    """Expand ``layers`` over the window ``[start, end)``, with days and weeks in ``time_zone``."""
    clock = _Clock(ZoneInfo(time_zone) if isinstance(time_zone, str) else time_zone, start, end)
    expanded = [_expand(layer, i, start, end, clock) for i, layer in enumerate(layers)]
    return Timeline(expanded, _merge(expanded))


# --- the wall clock ----------------------------------------------------------------------------

@lru_cache(maxsize=1024)
def _transitions(tz: ZoneInfo, year: int) -> tuple[tuple[int, int, int], ...]:
    """``(instant, offset before, offset after)`` of each offset change of ``tz`` in UTC ``year``."""
    first = int(datetime(year, 1, 1, tzinfo=UTC).timestamp())
    last = int(datetime(year + 1, 1, 1, tzinfo=UTC).timestamp())
    found = []
    step = DAY // 2  # zones change their offset at most once in half a day
    before = _offset(tz, first)
    for t in range(first + step, last + step, step):
        after = _offset(tz, t)
        if after != before:
            lo, hi = t - step, t  # offset(lo) == before, offset(hi) == after: find the first second of `after`
            while hi - lo > 1:
                mid = (lo + hi) // 2
                lo, hi = (mid, hi) if _offset(tz, mid) == before else (lo, mid)
            if first <= hi < last:
                found.append((hi, before, after))
            before = after
    return tuple(found)


def _offset(tz: ZoneInfo, t: int) -> int:
    """The UTC offset of ``tz`` at instant ``t``, in seconds."""
    delta = datetime.fromtimestamp(t, tz).utcoffset()
    return int(delta.total_seconds()) if delta is not None else 0


class _Clock:
    """Instants <-> local wall-clock seconds (seconds since 1970-01-01 00:00 local) for one zone.

    Exact and fast around the window it was made for (integer arithmetic on the zone's transitions
    there); :mod:`zoneinfo` directly elsewhere (a layer that started years ago needs one conversion).
    """

    def __init__(self, tz: ZoneInfo, start: int, end: int) -> None:
        self.tz = tz
        first_year = datetime.fromtimestamp(start, UTC).year - 1
        last_year = datetime.fromtimestamp(max(start, end), UTC).year + 1
        self.lo = int(datetime(first_year, 1, 1, tzinfo=UTC).timestamp())
        self.hi = int(datetime(last_year + 1, 1, 1, tzinfo=UTC).timestamp())
        changes = [change for year in range(first_year, last_year + 1) for change in _transitions(tz, year)]
        self.initial = _offset(tz, self.lo)
        self.instants = [t for t, _, _ in changes]
        self.after = [after for _, _, after in changes]
        # The local time each change happens at, read on the clock before it.
        self.keys = [t + before for t, before, _ in changes]
        self.local_lo, self.local_hi = self.lo + self.initial, self.hi + (self.after[-1] if changes else self.initial)

    def local(self, t: int) -> int:
        """The wall-clock time at instant ``t``."""
        if not self.lo <= t < self.hi:
            return t + _offset(self.tz, t)
        i = bisect.bisect_right(self.instants, t)
        return t + (self.after[i - 1] if i else self.initial)

    def instant(self, local: int) -> int:
        """The instant the wall clock shows ``local``: a skipped time is the moment of the switch, a
        repeated time its first occurrence."""
        if not self.local_lo + DAY <= local < self.local_hi - DAY:
            return self._instant_far(local)
        i = bisect.bisect_right(self.keys, local)
        if not i:
            return local - self.initial
        switch, after = self.instants[i - 1], self.after[i - 1]
        # Between the old clock reaching the change and the new clock's reading at it: skipped.
        return switch if local < switch + after else local - after

    def _instant_far(self, local: int) -> int:
        naive = _EPOCH + timedelta(seconds=local)
        first = int(naive.replace(tzinfo=self.tz).timestamp())  # fold 0: the first occurrence
        if self.local(first) == local:
            return first
        # Skipped: fold 0 read it on the old clock (after the switch), fold 1 on the new (before it).
        lo, hi = int(naive.replace(tzinfo=self.tz, fold=1).timestamp()), first
        old = _offset(self.tz, lo)
        while hi - lo > 1:
            mid = (lo + hi) // 2
            lo, hi = (mid, hi) if _offset(self.tz, mid) == old else (lo, mid)
        return hi


# --- one layer ---------------------------------------------------------------------------------

def _expand(layer: ScheduleLayer, index: int, start: int, end: int, clock: _Clock) -> _Layer:
    """``layer`` (at position ``index``) inside ``[start, end)``."""
    weight = index if layer.weight is None else layer.weight
    lo = max(layer.start, start)
    hi = end if layer.end is None else min(layer.end, end)
    if not layer.groups or lo >= hi:
        return _Layer(layer, index, weight, [], [])
    pieces = _rotation_pieces(layer, lo, hi, clock)
    # The rotation tiles [lo, hi): what the layer covers is that, cut by the mask and the windows.
    covered: list[Piece] = [(lo, hi, 0)]
    for allowed in (_mask_windows(layer, lo, hi, clock), _restrict_windows(layer, lo, hi, clock)):
        if allowed is not None:
            pieces, covered = _clip(pieces, allowed), _clip(covered, allowed)
    coverage = [(s, e) for s, e, _ in covered]
    return _Layer(layer, index, weight, pieces, coverage)


def _rotation_pieces(layer: ScheduleLayer, lo: int, hi: int, clock: _Clock) -> list[tuple[int, int, int]]:
    """``(start, end, slot)`` of every shift of the rotation in ``[lo, hi)``, clipped to it."""
    first = layer.start
    kind, amount = rotation_of(layer)
    if kind == "whole":
        return [(lo, hi, 0)]
    if kind == "elapsed":
        k = (lo - first) // amount
        s = first + k * amount
        count = -(-(hi - s) // amount)
        pieces = list(zip(range(s, s + count * amount, amount), range(s + amount, s + (count + 1) * amount, amount),
                          range(k, k + count), strict=True))
        pieces[0] = (lo, *pieces[0][1:])
        pieces[-1] = (pieces[-1][0], min(pieces[-1][1], hi), pieces[-1][2])
        return pieces
    edge, k = _wall_edges(layer, kind, amount, lo, clock)
    pieces = []
    s = edge(k)
    while s < hi:
        e = edge(k + 1)
        pieces.append((max(s, lo), min(e, hi), k))
        k, s = k + 1, e
    return pieces


def _wall_edges(layer: ScheduleLayer, kind: str, amount: int, lo: int,
                clock: _Clock) -> tuple[Callable[[int], int], int]:
    """``edge(k)``, the start of slot ``k`` of a wall-clock rotation (``edge(0)`` is the layer start),
    and the slot covering ``lo``."""
    first = layer.start
    anchor = clock.local(first)
    if kind == "days":
        span = amount * DAY

        def daily(k: int) -> int:
            return first if k == 0 else clock.instant(anchor + k * span)

        edge, k = daily, (clock.local(lo) - anchor) // span
    elif kind == "weeks":
        handoff = layer.handoff_time

        def boundary(week: int) -> int:
            return clock.instant((_EPOCH_MONDAY + 7 * week) * DAY + handoff)

        def week_of(t: int) -> int:
            """The week whose boundary is the last at or before ``t``."""
            week = ((clock.local(t) - handoff) // DAY - _EPOCH_MONDAY) // 7
            while boundary(week) > t:
                week -= 1
            while boundary(week + 1) <= t:
                week += 1
            return week

        base = week_of(first)

        def weekly(k: int) -> int:
            return first if k == 0 else boundary(base + k * amount)

        edge, k = weekly, (week_of(lo) - base) // amount
    else:
        origin = _EPOCH + timedelta(seconds=anchor)

        def monthly(k: int) -> int:
            return first if k == 0 else clock.instant(_add_months(origin, k * amount))

        local = _EPOCH + timedelta(seconds=clock.local(lo))
        edge, k = monthly, ((local.year - origin.year) * 12 + local.month - origin.month) // amount
    # The estimate is off by at most one slot (time of day, day of month, a DST hour): settle it.
    k = max(k, 0)
    while k > 0 and edge(k) > lo:
        k -= 1
    while edge(k + 1) <= lo:
        k += 1
    return edge, k


def _add_months(origin: datetime, months: int) -> int:
    """Local seconds of ``origin`` (naive local) plus ``months`` calendar months, day of month clamped."""
    year, month0 = divmod(origin.month - 1 + months, 12)
    year += origin.year
    day = min(origin.day, calendar.monthrange(year, month0 + 1)[1])
    moved = origin.replace(year=year, month=month0 + 1, day=day)
    return (date(moved.year, moved.month, moved.day) - _EPOCH.date()).days * DAY + (
        moved.hour * HOUR + moved.minute * 60 + moved.second)


# --- day mask and restrictions -----------------------------------------------------------------

def _days(lo: int, hi: int, clock: _Clock, back: int) -> range:
    """Local day numbers from ``back`` days before ``lo``'s to ``hi``'s: a window that wraps past its
    cycle's end reaches into ``lo``'s day from an earlier one."""
    return range(clock.local(lo) // DAY - back, clock.local(hi) // DAY + 1)


def _mask_windows(layer: ScheduleLayer, lo: int, hi: int, clock: _Clock) -> list[Interval] | None:
    """The time the day mask keeps around ``[lo, hi)``, ``None`` when every day is kept."""
    if layer.day_mask is None or not layer.day_mask.repeat:
        return None
    weekdays = set(layer.day_mask.repeat)
    offset = clock.local(layer.start) % DAY if layer.mask_continuous_enabled else 0
    # Day 3 (1970-01-04) was a Sunday, the mask's 0.
    return _union((clock.instant(day * DAY + offset), clock.instant((day + 1) * DAY + offset))
                  for day in _days(lo, hi, clock, 1) if (day - 3) % 7 in weekdays)


def _restrict_windows(layer: ScheduleLayer, lo: int, hi: int, clock: _Clock) -> list[Interval] | None:
    """The time the restriction keeps around ``[lo, hi)``, ``None`` when there is no restriction."""
    if layer.restrict_mode not in (1, 2):
        return None
    periods = [(p.restrict_start, p.restrict_end) for p in layer.restrict_periods]
    if not periods and layer.restrict_start is not None and layer.restrict_end is not None:
        periods = [(layer.restrict_start, layer.restrict_end)]
    if not periods:
        return None
    if layer.restrict_mode == 1:
        cycle, firsts = DAY, _days(lo, hi, clock, 1)
    else:
        cycle = WEEK
        firsts = [day for day in _days(lo, hi, clock, 14) if (day - _EPOCH_MONDAY) % 7 == 0]
    return _union((clock.instant(first * DAY + s), clock.instant(first * DAY + (e + cycle if e < s else e)))
                  for first in firsts for s, e in periods if s != e)


def _union(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, with overlapping and touching intervals merged (so clipped pieces never touch)."""
    merged: list[Interval] = []
    for s, e in sorted(intervals):
        if merged and s <= merged[-1][1]:
            if e > merged[-1][1]:
                merged[-1] = (merged[-1][0], e)
        elif s < e:
            merged.append((s, e))
    return merged


def _clip(items: list[Piece], allowed: list[Interval]) -> list[Piece]:
    """``items`` (sorted, disjoint) reduced to the time inside ``allowed`` (sorted, disjoint): the work
    is proportional to what is kept, so a year of hourly shifts cut to office hours stays cheap."""
    out = []
    count = len(items)
    for a, b in allowed:
        i = max(bisect.bisect_right(items, a, key=_start) - 1, 0)
        while i < count and items[i][0] < b:
            s, e, tag = items[i]
            if e > a:
                out.append((a if a > s else s, b if b < e else e, tag))
            i += 1
    return out


# --- final schedule ----------------------------------------------------------------------------

def _merge(expanded: list[_Layer]) -> list[Shift]:
    """The winner at every instant (module docstring): each layer, best first, takes the time no
    better layer covers."""
    def rank(x: _Layer) -> tuple[bool, int, int]:
        override = x.layer.mode == 1
        return override, x.weight if override else 0, x.index

    covered: list[Interval] = []
    final: list[Shift] = []
    for x in sorted((x for x in expanded if x.pieces), key=rank, reverse=True):
        free = _gaps(covered, x.coverage[0][0], x.coverage[-1][1])
        final.extend(x.shifts(_clip(x.pieces, free)))
        covered = _union([*covered, *x.coverage])
    final.sort(key=_start)
    return final


def _gaps(covered: list[Interval], lo: int, hi: int) -> list[Interval]:
    """The time in ``[lo, hi)`` outside ``covered`` (sorted, disjoint)."""
    gaps = []
    cursor = lo
    for s, e in covered:
        if e <= cursor:
            continue
        if s >= hi:
            break
        if s > cursor:
            gaps.append((cursor, s))
        cursor = e
    if cursor < hi:
        gaps.append((cursor, hi))
    return gaps
