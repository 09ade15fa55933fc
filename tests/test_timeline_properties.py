"""Property tests of the rotation engine (``flashcat_pulumi.timeline.compute``) against an independent reference.

The rules under test (stated in the engine's module docstring; the reference, ``timeline_reference.py``,
implements them with ``datetime`` + ``zoneinfo`` only):

* Shift ``k`` of a layer is ``[edge(k), edge(k + 1))`` clipped to the layer's lifetime and to the window,
  ``edge(0)`` the layer start. Whole days hand off at the layer start's local time of day every ``n`` days;
  whole weeks at local Monday 00:00 + ``handoff_time`` of every ``n``-th week counted from the last boundary
  at or before the layer start (the first, partial shift consumes slot 0); months at the layer start's day
  of month (clamped) and time of day; hours and other durations count elapsed seconds.
* A skipped local time means the instant of the switch; a repeated one its first occurrence.
* Slot ``k`` goes to group ``k mod n``; with ``fair_rotation`` to ``(k + k div n) mod n``.
* Day masks (0 = Sunday; continuous: from the layer start's time of day) and restriction windows (daily
  or weekly, ``e < s`` wraps, ``s == e`` is empty) are local times; they intersect; touching pieces of one
  shift merge.
* The final schedule: overrides beat normal layers, the higher weight (default: the layer's position)
  wins among overrides, ties and normal layers go to the later layer; gaps are kept.

Windows are drawn around 2026, mostly close to the DST switches of Berlin (29 March, 25 October) and
New York (8 March, 1 November), in Asia/Shanghai, UTC, Europe/Berlin and America/New_York.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date, datetime, timedelta
from itertools import pairwise
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from timeline_reference import (
    DAY,
    FOREVER,
    HOUR,
    WEEK,
    Interval,
    RefShift,
    allowed,
    exists,
    intersect,
    is_second_occurrence,
    local,
    reference,
    resolve,
    rotation,
    union,
    wall,
    weight_of,
)

from flashcat_pulumi.timeline import Shift, compute
from flashcat_pulumi.wire import ScheduleLayer

ZONES = ["Asia/Shanghai", "UTC", "Europe/Berlin", "America/New_York"]
SWITCH_DAYS = {"Europe/Berlin": [date(2026, 3, 29), date(2026, 10, 25)],
               "America/New_York": [date(2026, 3, 8), date(2026, 11, 1)]}
OTHER_DAYS = [date(2026, 1, 5), date(2026, 6, 17), date(2026, 12, 30)]
MINUTE = 60
# Times of day around the switches (01:30 and 02:30 are skipped or repeated somewhere) and everyday ones.
TIMES = [0, 1 * HOUR + 30 * MINUTE, 2 * HOUR, 2 * HOUR + 30 * MINUTE, 3 * HOUR, 6 * HOUR, 9 * HOUR, 18 * HOUR,
         22 * HOUR, 23 * HOUR + 30 * MINUTE]

T = TypeVar("T")
Draw = Callable[[st.SearchStrategy[T]], T]

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True)


# --- strategies --------------------------------------------------------------------------------

time_of_day = st.one_of(st.sampled_from(TIMES), st.integers(0, 24 * 4 - 1).map(lambda q: q * 15 * MINUTE),
                        st.integers(0, DAY - 1))


@st.composite
def local_instant(draw: Draw[Any], tz: ZoneInfo, around: date, lo: int, hi: int, far: int = 0) -> int:
    """An instant on a local day ``lo..hi`` days from ``around`` (now and then ``far..lo`` days), now and
    then the second occurrence of a repeated time."""
    days = st.integers(lo, hi) if not far else st.one_of(st.integers(lo, hi), st.integers(lo, hi),
                                                         st.integers(far, lo))
    w = local(around + timedelta(days=draw(days)), draw(time_of_day))
    if draw(st.integers(0, 4)) == 0:
        return int(w.replace(tzinfo=tz, fold=1).timestamp())
    return resolve(w, tz)


hour_rotations = st.builds(dict, rotation_unit=st.just("hour"),
                           rotation_value=st.sampled_from([1, 5, 8, 24, 25, 48, 168]))  # 168 h: elapsed, not a week
elapsed_durations = st.builds(dict, rotation_duration=st.sampled_from([1800, 5400, 8 * HOUR, 12 * HOUR, 25 * HOUR,
                                                                       DAY + 1, 3 * DAY - 60]))
day_rotations = st.one_of(st.builds(dict, rotation_unit=st.just("day"), rotation_value=st.sampled_from([1, 2, 3, 5])),
                          st.builds(dict, rotation_duration=st.sampled_from([DAY, 2 * DAY, 4 * DAY])))
week_rotations = st.one_of(st.builds(dict, rotation_unit=st.just("week"), rotation_value=st.integers(1, 3)),
                           st.builds(dict, rotation_unit=st.just("day"), rotation_value=st.sampled_from([7, 14])),
                           st.builds(dict, rotation_duration=st.sampled_from([WEEK, 2 * WEEK])))
month_rotations = st.builds(dict, rotation_unit=st.just("month"), rotation_value=st.integers(1, 2))
wall_rotations = st.one_of(day_rotations, week_rotations, month_rotations)
# A zero value or duration counts as absent; a unit with a value wins over a duration.
mixed_rotations = st.sampled_from([
    {"rotation_unit": "week", "rotation_value": 0, "rotation_duration": DAY},
    {"rotation_unit": "day", "rotation_value": 0, "rotation_duration": 6 * HOUR},
    {"rotation_unit": "day", "rotation_value": 2, "rotation_duration": HOUR},
    {"rotation_unit": "hour", "rotation_value": 12, "rotation_duration": WEEK},
    {"rotation_unit": "week", "rotation_value": 1, "rotation_duration": 0},
])
any_rotation = st.one_of(hour_rotations, elapsed_durations, wall_rotations, mixed_rotations)
handoffs = st.one_of(st.sampled_from([0, 9 * HOUR, 2 * HOUR + 30 * MINUTE, 6 * DAY + 2 * HOUR + 30 * MINUTE,
                                      6 * DAY + 1 * HOUR + 30 * MINUTE, DAY + 10 * HOUR, 4 * DAY + 18 * HOUR]),
                     st.integers(0, WEEK - 1))
daily_bounds = st.one_of(st.sampled_from(TIMES), st.integers(0, DAY))
weekly_bounds = st.one_of(st.builds(lambda d, t: d * DAY + t, st.integers(0, 6), st.sampled_from(TIMES)),
                          st.integers(0, WEEK))


@st.composite
def constraints(draw: Draw[Any]) -> dict[str, Any]:
    """A day mask and/or restriction windows, or nothing."""
    fields: dict[str, Any] = {}
    if draw(st.booleans()):
        fields["day_mask"] = {"repeat": draw(st.lists(st.integers(0, 6), min_size=1, max_size=7, unique=True))}
        fields["mask_continuous_enabled"] = draw(st.booleans())
    mode = draw(st.sampled_from([0, 1, 1, 2]))
    if mode:
        bounds = daily_bounds if mode == 1 else weekly_bounds
        periods = draw(st.lists(st.tuples(bounds, bounds), min_size=1, max_size=2))
        fields["restrict_mode"] = mode
        fields["restrict_periods"] = [{"restrict_start": s, "restrict_end": e} for s, e in periods]
    return fields


def groups(n: int) -> list[dict[str, Any]]:
    return [{"group_name": f"G{i}", "members": [{"role_id": 0, "person_ids": [i + 1]}]} for i in range(n)]


@st.composite
def layer_of(draw: Draw[Any], tz: ZoneInfo, around: date, rotations: st.SearchStrategy[dict[str, Any]] = any_rotation,
             constrained: bool = True, overrides: bool = True) -> ScheduleLayer:
    """A layer starting up to 45 days before the window's day (or a few days after it), now and then up to
    three years before."""
    mode = 1 if overrides and draw(st.integers(0, 3)) == 0 else 0
    fields: dict[str, Any] = {} if mode == 1 and draw(st.booleans()) else dict(draw(rotations))  # a copy
    fair = draw(st.booleans())
    fields.update(mode=mode, groups=groups(draw(st.integers(1, 7 if fair else 4))), fair_rotation=fair,
                  handoff_time=draw(handoffs), weight=draw(st.none() | st.integers(0, 3)))
    fields["layer_start"] = start = draw(local_instant(tz, around, -45, 5, far=-1100))
    if draw(st.booleans()):
        fields["layer_end"] = max(start + 1, draw(local_instant(tz, around, -2, 10)))
    if constrained:
        fields.update(draw(constraints()))
    return ScheduleLayer.model_validate(fields)


def anchors(tz: ZoneInfo) -> st.SearchStrategy[date]:
    """Mostly the zone's DST switch days (all of them for a zone without DST), now and then another."""
    switches = SWITCH_DAYS.get(tz.key) or [day for days in SWITCH_DAYS.values() for day in days]
    return st.sampled_from(switches * 3 + OTHER_DAYS)


@st.composite
def window(draw: Draw[Any], tz: ZoneInfo, around: date) -> tuple[int, int]:
    """A window starting up to four days before ``around`` and lasting up to ten days."""
    start = draw(local_instant(tz, around, -4, 0))
    length = draw(st.one_of(st.integers(0, 10 * DAY), st.integers(0, 9).map(lambda d: d * DAY),
                            st.builds(lambda d, s: d * DAY + s, st.integers(1, 9), st.integers(0, DAY))))
    return start, start + length


@st.composite
def scenario(draw: Draw[Any], tz: ZoneInfo, constrained: bool = True,
             count: tuple[int, int] = (1, 3)) -> tuple[list[ScheduleLayer], int, int]:
    around = draw(anchors(tz))
    start, end = draw(window(tz, around))
    layers = draw(st.lists(layer_of(tz, around, constrained=constrained), min_size=count[0], max_size=count[1]))
    return layers, start, end


# --- helpers -----------------------------------------------------------------------------------

def plain(shifts: list[Shift]) -> list[RefShift]:
    return [RefShift(s.start, s.end, s.index, s.layer, s.weight, s.slot) for s in shifts]


def lifetime(layer: ScheduleLayer, start: int, end: int) -> Interval:
    return max(start, layer.start), min(end, layer.end or FOREVER)


def inside(a: int, b: int, intervals: list[Interval]) -> bool:
    return any(s <= a and b <= e for s, e in intervals)


def join(left: list[Shift], right: list[Shift], at: int) -> list[Shift]:
    """Two consecutive results, the piece crossing ``at`` merged back when it is one (layer, slot)."""
    if (left and right and left[-1].end == at == right[0].start
            and (left[-1].layer, left[-1].slot) == (right[0].layer, right[0].slot)):
        return [*left[:-1], left[-1]._replace(end=right[0].end), *right[1:]]
    return left + right


def clip(shifts: list[Shift], a: int, b: int) -> list[Shift]:
    clipped = [s._replace(start=max(s.start, a), end=min(s.end, b)) for s in shifts]
    return [s for s in clipped if s.start < s.end]


def check_sorted_disjoint(shifts: list[Shift]) -> None:
    for shift in shifts:
        assert shift.start < shift.end, shift
    for prev, shift in pairwise(shifts):
        assert prev.end <= shift.start, (prev, shift)


zones = pytest.mark.parametrize("zone", ZONES)


# --- per layer ---------------------------------------------------------------------------------

@zones
@SETTINGS
@given(data=st.data())
def test_layer_shifts_are_ordered_and_stay_inside(zone: str, data: st.DataObject) -> None:
    tz = ZoneInfo(zone)
    layers, start, end = data.draw(scenario(tz))
    timeline = compute(layers, start, end, tz)
    assert len(timeline.layers) == len(layers)
    for position, (layer, shifts) in enumerate(zip(layers, timeline.layers, strict=True)):
        check_sorted_disjoint(shifts)
        lo, hi = lifetime(layer, start, end)
        permitted = allowed(layer, lo, hi, tz)
        n = len(layer.groups)
        for prev, shift in pairwise(shifts):
            assert prev.slot <= shift.slot
            if prev.slot == shift.slot:
                assert prev.end < shift.start, "touching pieces of one shift must be merged"
        for shift in shifts:
            assert lo <= shift.start and shift.end <= hi
            if permitted is not None:
                assert inside(shift.start, shift.end, permitted), (shift, permitted)
            k = shift.slot
            assert shift.index == ((k + k // n) % n if layer.fair_rotation else k % n)
            assert shift.group is layer.groups[shift.index]
            assert (shift.layer, shift.weight) == (position, weight_of(layer, position))


@zones
@SETTINGS
@given(data=st.data())
def test_unconstrained_layers_tile_their_lifetime(zone: str, data: st.DataObject) -> None:
    tz = ZoneInfo(zone)
    layers, start, end = data.draw(scenario(tz, constrained=False))
    timeline = compute(layers, start, end, tz)
    for layer, shifts in zip(layers, timeline.layers, strict=True):
        lo, hi = lifetime(layer, start, end)
        if lo >= hi:
            assert shifts == []
            continue
        assert shifts[0].start == lo and shifts[-1].end == hi
        for prev, shift in pairwise(shifts):
            assert prev.end == shift.start
            assert shift.slot == prev.slot + 1
        if rotation(layer)[0] == "whole":
            assert [shift.slot for shift in shifts] == [0]


@zones
@SETTINGS
@given(data=st.data())
def test_masks_and_windows_cut_exactly(zone: str, data: st.DataObject) -> None:
    """The constrained layer is the unconstrained one intersected with the mask and the windows."""
    tz = ZoneInfo(zone)
    around = data.draw(anchors(tz), label="anchor")
    start, end = data.draw(window(tz, around))
    layer = data.draw(layer_of(tz, around, constrained=False, overrides=False))
    limited = ScheduleLayer.model_validate({**layer.model_dump(), **data.draw(constraints())})
    free = compute([layer], start, end, tz).layers[0]
    got = compute([limited], start, end, tz).layers[0]
    permitted = allowed(limited, *lifetime(limited, start, end), tz)
    if permitted is None:
        assert plain(got) == plain(free)
        return
    expected = [(a, b, shift.slot) for shift in free for a, b in intersect([(shift.start, shift.end)], permitted)]
    assert [(shift.start, shift.end, shift.slot) for shift in got] == expected


@zones
@SETTINGS
@given(data=st.data())
def test_layers_and_final_match_the_reference(zone: str, data: st.DataObject) -> None:
    tz = ZoneInfo(zone)
    layers, start, end = data.draw(scenario(tz))
    timeline = compute(layers, start, end, tz)
    per_layer, final = reference(layers, start, end, tz)
    for position, (got, expected) in enumerate(zip(timeline.layers, per_layer, strict=True)):
        assert plain(got) == expected, f"layer {position}"
    assert plain(timeline.final) == final


@zones
@SETTINGS
@given(data=st.data())
def test_final_schedule_is_disjoint_and_made_of_layer_shifts(zone: str, data: st.DataObject) -> None:
    tz = ZoneInfo(zone)
    layers, start, end = data.draw(scenario(tz, count=(2, 4)))
    timeline = compute(layers, start, end, tz)
    check_sorted_disjoint(timeline.final)
    for shift in timeline.final:
        assert any(s.start <= shift.start and shift.end <= s.end and (s.slot, s.index, s.group) == (
            shift.slot, shift.index, shift.group) for s in timeline.layers[shift.layer]), shift
        # Nobody with a stronger claim is on call at its start.
        for other, shifts in enumerate(timeline.layers):
            here = [s for s in shifts if s.start <= shift.start < s.end]
            if not here or other == shift.layer:
                continue
            mine, theirs = layers[shift.layer], layers[other]
            if theirs.mode != mine.mode:
                assert mine.mode == 1, (shift, here)
            elif mine.mode == 1:
                assert (here[0].weight, other) < (shift.weight, shift.layer), (shift, here)
            else:
                assert other < shift.layer, (shift, here)
    # Every covered instant of some layer is covered by the final schedule.
    covered = union([(s.start, s.end) for shifts in timeline.layers for s in shifts])
    assert union([(s.start, s.end) for s in timeline.final]) == covered


# --- windows -----------------------------------------------------------------------------------

@zones
@SETTINGS
@given(data=st.data())
def test_splitting_the_window_changes_nothing(zone: str, data: st.DataObject) -> None:
    tz = ZoneInfo(zone)
    layers, start, end = data.draw(scenario(tz))
    at = data.draw(st.integers(start, end), label="split")
    whole = compute(layers, start, end, tz)
    left, right = compute(layers, start, at, tz), compute(layers, at, end, tz)
    assert join(left.final, right.final, at) == whole.final
    for position in range(len(layers)):
        assert join(left.layers[position], right.layers[position], at) == whole.layers[position]


@zones
@SETTINGS
@given(data=st.data())
def test_a_larger_window_clipped_is_the_smaller_window(zone: str, data: st.DataObject) -> None:
    tz = ZoneInfo(zone)
    layers, start, end = data.draw(scenario(tz))
    a = data.draw(st.integers(start, end), label="a")
    b = data.draw(st.integers(a, end), label="b")
    larger, smaller = compute(layers, start, end, tz), compute(layers, a, b, tz)
    assert clip(larger.final, a, b) == smaller.final
    for position in range(len(layers)):
        assert clip(larger.layers[position], a, b) == smaller.layers[position]


# --- hand-offs on the wall clock ---------------------------------------------------------------

def at_stated_time(t: int, day: date, seconds: int, tz: ZoneInfo) -> bool:
    """``t`` is the first occurrence of ``day`` + ``seconds`` local, or, if the clock skips that time, the
    instant of the switch (``t - 1`` reads before it, ``t`` after it, on another UTC offset)."""
    w = local(day, seconds)
    if exists(w, tz):
        return wall(t, tz) == w and not is_second_occurrence(t, tz)
    before, after = datetime.fromtimestamp(t - 1, tz), datetime.fromtimestamp(t, tz)
    return before.replace(tzinfo=None) < w < after.replace(tzinfo=None) and before.utcoffset() != after.utcoffset()


def seconds_of_day(t: int, tz: ZoneInfo) -> int:
    w = wall(t, tz)
    return w.hour * HOUR + w.minute * MINUTE + w.second


@zones
@settings(max_examples=60, deadline=None, derandomize=True)
@given(data=st.data())
def test_wall_clock_handoffs_happen_at_the_stated_local_time(zone: str, data: st.DataObject) -> None:
    tz = ZoneInfo(zone)
    around = data.draw(anchors(tz), label="anchor")
    layer = data.draw(layer_of(tz, around, rotations=wall_rotations, constrained=False, overrides=False))
    start = data.draw(local_instant(tz, around, -40, 0), label="start")
    end = start + data.draw(st.integers(0, 70 * DAY), label="length")
    shifts = compute([layer], start, end, tz).layers[0]
    kind, n = rotation(layer)
    origin = wall(layer.start, tz)
    handoffs = [shift.start for prev, shift in pairwise(shifts) if shift.slot == prev.slot + 1]
    assert handoffs == [shift.start for shift in shifts if shift.start not in (start, layer.start)]
    for t in handoffs:
        day = wall(t, tz).date()
        if kind == "days":
            assert (day - origin.date()).days % n == 0
            assert at_stated_time(t, day, seconds_of_day(layer.start, tz), tz), (t, wall(t, tz))
        elif kind == "weeks":
            assert day.weekday() == layer.handoff_time // DAY
            assert at_stated_time(t, day, layer.handoff_time % DAY, tz), (t, wall(t, tz))
        else:
            assert kind == "months"
            months = (day.year - origin.year) * 12 + day.month - origin.month
            assert months % n == 0
            assert day.day == min(origin.day, calendar.monthrange(day.year, day.month)[1])
            assert at_stated_time(t, day, seconds_of_day(layer.start, tz), tz), (t, wall(t, tz))
    if kind == "weeks":
        for prev, t in pairwise(handoffs):
            assert (wall(t, tz).date() - wall(prev, tz).date()).days == 7 * n
