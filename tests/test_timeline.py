"""Tests of the rotation engine; expected instants come from datetime + zoneinfo, never from the engine."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from flashcat_pulumi.timeline import Rotation, Shift, Timeline, compute, rotation_of
from flashcat_pulumi.wire import ScheduleLayer

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
HOUR = 3600
DAY = 86400
WEEK = 7 * DAY


def at(tz: ZoneInfo, *fields: int) -> int:
    """Epoch seconds of a local wall time."""
    return int(datetime(*fields, tzinfo=tz).timestamp())


def sh(*fields: int) -> int:
    return at(SHANGHAI, *fields)


def group(name: str, person: int = 1) -> dict[str, Any]:
    return {"group_name": name, "members": [{"role_id": 0, "person_ids": [person]}]}


def layer(*names: str, **fields: Any) -> ScheduleLayer:
    """A layer rotating through groups named ``names`` (A, B by default)."""
    return ScheduleLayer(groups=[group(name) for name in names or ("A", "B")], **fields)


def variant(base: ScheduleLayer, **fields: Any) -> ScheduleLayer:
    """``base`` with ``fields`` replaced, validated like a stored layer."""
    return ScheduleLayer.model_validate({**base.model_dump(), **fields})


def spans(shifts: list[Shift]) -> list[tuple[int, int, str]]:
    return [(shift.start, shift.end, shift.group.group_name) for shift in shifts]


# --- rotation ----------------------------------------------------------------------------------

def test_daily_rotation_matches_the_api_example() -> None:
    assert sh(2026, 4, 13) == 1776009600
    daily = layer(rotation_unit="day", rotation_value=1, layer_start=1776009600)
    timeline = compute([daily], sh(2026, 4, 13), sh(2026, 4, 17), "Asia/Shanghai")
    expected = [(sh(2026, 4, 13), sh(2026, 4, 14), "A"), (sh(2026, 4, 14), sh(2026, 4, 15), "B"),
                (sh(2026, 4, 15), sh(2026, 4, 16), "A"), (sh(2026, 4, 16), sh(2026, 4, 17), "B")]
    assert spans(timeline.layers[0]) == expected
    assert [shift.index for shift in timeline.layers[0]] == [0, 1, 0, 1]
    assert all((s.group, s.layer, s.weight) == (daily.groups[s.index], 0, 0) for s in timeline.layers[0])
    assert [s.slot for s in timeline.layers[0]] == [0, 1, 2, 3]
    assert spans(timeline.final) == expected
    assert daily.groups[0].start == daily.groups[0].end == 0  # the stored layer is untouched


def test_hourly_rotation_and_rotation_duration_agree() -> None:
    start = sh(2026, 4, 13, 9)
    window = (sh(2026, 4, 13, 10, 30), sh(2026, 4, 13, 13))
    expected = [(sh(2026, 4, 13, 10, 30), sh(2026, 4, 13, 11), "B"),
                (sh(2026, 4, 13, 11), sh(2026, 4, 13, 12), "C"),
                (sh(2026, 4, 13, 12), sh(2026, 4, 13, 13), "A")]
    by_unit = layer("A", "B", "C", rotation_unit="hour", rotation_value=1, layer_start=start)
    by_duration = layer("A", "B", "C", rotation_duration=HOUR, layer_start=start)
    for rotation in (by_unit, by_duration):
        shifts = compute([rotation], *window, SHANGHAI).layers[0]
        assert spans(shifts) == expected
        assert [shift.index for shift in shifts] == [1, 2, 0]


@pytest.mark.parametrize("rotation", [{"rotation_unit": "week", "rotation_value": 1},
                                      {"rotation_unit": "day", "rotation_value": 7},
                                      {"rotation_duration": WEEK}])
def test_weekly_rotation_aligns_to_the_handoff_time(rotation: dict[str, Any]) -> None:
    # Starts on Wednesday; the handoff is Monday 09:00, so the first shift is short.
    weekly = layer(layer_start=sh(2026, 4, 15, 12), handoff_time=9 * HOUR, **rotation)
    timeline = compute([weekly], sh(2026, 4, 13), sh(2026, 5, 4), SHANGHAI)
    assert spans(timeline.layers[0]) == [(sh(2026, 4, 15, 12), sh(2026, 4, 20, 9), "A"),
                                         (sh(2026, 4, 20, 9), sh(2026, 4, 27, 9), "B"),
                                         (sh(2026, 4, 27, 9), sh(2026, 5, 4), "A")]


def test_weekly_handoff_later_in_the_week() -> None:
    # Tuesday 10:00, with the layer starting on a Tuesday at 11:00: shift 0 lasts almost a week.
    weekly = layer(rotation_unit="week", rotation_value=1, layer_start=sh(2026, 4, 14, 11),
                   handoff_time=DAY + 10 * HOUR)
    timeline = compute([weekly], sh(2026, 4, 14), sh(2026, 4, 29), SHANGHAI)
    assert spans(timeline.layers[0]) == [(sh(2026, 4, 14, 11), sh(2026, 4, 21, 10), "A"),
                                         (sh(2026, 4, 21, 10), sh(2026, 4, 28, 10), "B"),
                                         (sh(2026, 4, 28, 10), sh(2026, 4, 29), "A")]


def test_weekly_rotation_keeps_local_time_across_dst() -> None:
    spring = layer(rotation_unit="week", rotation_value=1, layer_start=at(BERLIN, 2026, 3, 16, 9),
                   handoff_time=9 * HOUR)
    shifts = compute([spring], at(BERLIN, 2026, 3, 16, 9), at(BERLIN, 2026, 4, 6, 9), "Europe/Berlin").final
    assert spans(shifts) == [(at(BERLIN, 2026, 3, 16, 9), at(BERLIN, 2026, 3, 23, 9), "A"),
                             (at(BERLIN, 2026, 3, 23, 9), at(BERLIN, 2026, 3, 30, 9), "B"),
                             (at(BERLIN, 2026, 3, 30, 9), at(BERLIN, 2026, 4, 6, 9), "A")]
    assert [shift.end - shift.start for shift in shifts] == [WEEK, WEEK - HOUR, WEEK]  # 29 March: CET->CEST

    autumn = layer(rotation_unit="week", rotation_value=1, layer_start=at(BERLIN, 2026, 10, 19, 9),
                   handoff_time=9 * HOUR)
    shifts = compute([autumn], at(BERLIN, 2026, 10, 19, 9), at(BERLIN, 2026, 11, 2, 9), BERLIN).final
    assert [shift.start for shift in shifts] == [at(BERLIN, 2026, 10, 19, 9), at(BERLIN, 2026, 10, 26, 9)]
    assert shifts[0].end - shifts[0].start == WEEK + HOUR  # 25 October: CEST->CET


def test_monthly_rotation_clamps_the_day_of_month() -> None:
    monthly = layer("A", "B", "C", rotation_unit="month", rotation_value=1, layer_start=sh(2026, 1, 31, 10))
    timeline = compute([monthly], sh(2026, 1, 31), sh(2026, 6, 1), SHANGHAI)
    assert spans(timeline.layers[0]) == [(sh(2026, 1, 31, 10), sh(2026, 2, 28, 10), "A"),
                                         (sh(2026, 2, 28, 10), sh(2026, 3, 31, 10), "B"),
                                         (sh(2026, 3, 31, 10), sh(2026, 4, 30, 10), "C"),
                                         (sh(2026, 4, 30, 10), sh(2026, 5, 31, 10), "A"),
                                         (sh(2026, 5, 31, 10), sh(2026, 6, 1), "B")]


def test_monthly_rotation_started_years_before_the_window() -> None:
    # From 2020-01-15, 2026-03-15 is 74 months later and 2026-05-15 is 76 months later.
    bimonthly = layer("A", "B", "C", rotation_unit="month", rotation_value=2, layer_start=sh(2020, 1, 15))
    shifts = compute([bimonthly], sh(2026, 4, 1), sh(2026, 5, 16), SHANGHAI).layers[0]
    assert spans(shifts) == [(sh(2026, 4, 1), sh(2026, 5, 15), "B"), (sh(2026, 5, 15), sh(2026, 5, 16), "C")]
    assert [shift.index for shift in shifts] == [37 % 3, 38 % 3]


def test_layer_end_clips_and_legacy_enable_expire_times() -> None:
    ending = layer(rotation_unit="day", rotation_value=1, layer_start=sh(2026, 4, 13),
                   layer_end=sh(2026, 4, 14, 12))
    assert spans(compute([ending], sh(2026, 4, 12), sh(2026, 4, 20), SHANGHAI).final) == [
        (sh(2026, 4, 13), sh(2026, 4, 14), "A"), (sh(2026, 4, 14), sh(2026, 4, 14, 12), "B")]

    legacy = layer(rotation_duration=DAY, enable_time=sh(2026, 4, 13), expire_time=0)  # 0: never expires
    assert spans(compute([legacy], sh(2026, 4, 12), sh(2026, 4, 15), SHANGHAI).final) == [
        (sh(2026, 4, 13), sh(2026, 4, 14), "A"), (sh(2026, 4, 14), sh(2026, 4, 15), "B")]


def test_window_clips_shifts_and_keeps_their_rotation_index() -> None:
    daily = layer(rotation_unit="day", rotation_value=1, layer_start=sh(2026, 4, 13))
    shifts = compute([daily], sh(2026, 4, 14, 6), sh(2026, 4, 16, 18), SHANGHAI).layers[0]
    assert spans(shifts) == [(sh(2026, 4, 14, 6), sh(2026, 4, 15), "B"),
                             (sh(2026, 4, 15), sh(2026, 4, 16), "A"),
                             (sh(2026, 4, 16), sh(2026, 4, 16, 18), "B")]
    assert [shift.index for shift in shifts] == [1, 0, 1]
    assert compute([daily], sh(2026, 4, 1), sh(2026, 4, 13), SHANGHAI).final == []  # window before the layer
    assert compute([daily], sh(2026, 4, 14), sh(2026, 4, 14), SHANGHAI).final == []  # empty window


def test_layer_started_years_before_the_window() -> None:
    start, window_start = date(2019, 1, 1), date(2026, 4, 13)
    daily = layer("A", "B", "C", rotation_unit="day", rotation_value=1, layer_start=sh(2019, 1, 1))
    shifts = compute([daily], sh(2026, 4, 13), sh(2026, 5, 28), SHANGHAI).final
    k = (window_start - start).days
    assert len(shifts) == 45
    assert (shifts[0].start, shifts[0].end, shifts[0].index) == (sh(2026, 4, 13), sh(2026, 4, 14), k % 3)
    assert shifts[0].group.group_name == "ABC"[k % 3]
    assert [shift.index for shift in shifts] == [(k + i) % 3 for i in range(45)]


# --- day mask ----------------------------------------------------------------------------------

def test_day_mask_cuts_at_local_midnight() -> None:
    # 2026-04-13 is a Monday; the mask keeps Monday, Wednesday and Friday.
    daily = layer(rotation_unit="day", rotation_value=1, layer_start=sh(2026, 4, 13, 9),
                  day_mask={"repeat": [1, 3, 5]})
    shifts = compute([daily], sh(2026, 4, 13), sh(2026, 4, 18), SHANGHAI).layers[0]
    assert spans(shifts) == [(sh(2026, 4, 13, 9), sh(2026, 4, 14), "A"),   # Mon 09:00 -> Tue 00:00
                             (sh(2026, 4, 15), sh(2026, 4, 15, 9), "B"),   # Wed, rest of Tue's shift
                             (sh(2026, 4, 15, 9), sh(2026, 4, 16), "A"),
                             (sh(2026, 4, 17), sh(2026, 4, 17, 9), "B"),
                             (sh(2026, 4, 17, 9), sh(2026, 4, 18), "A")]


def test_continuous_day_mask_follows_the_start_time_of_day() -> None:
    daily = layer(rotation_unit="day", rotation_value=1, layer_start=sh(2026, 4, 13, 9),
                  day_mask={"repeat": [1, 3, 5]}, mask_continuous_enabled=True)
    shifts = compute([daily], sh(2026, 4, 13), sh(2026, 4, 18), SHANGHAI).layers[0]
    assert spans(shifts) == [(sh(2026, 4, 13, 9), sh(2026, 4, 14, 9), "A"),
                             (sh(2026, 4, 15, 9), sh(2026, 4, 16, 9), "A"),
                             (sh(2026, 4, 17, 9), sh(2026, 4, 18), "A")]


def test_day_mask_on_a_weekly_rotation_keeps_one_shift_per_week() -> None:
    weekly = layer(rotation_unit="week", rotation_value=1, layer_start=sh(2026, 4, 13),
                   day_mask={"repeat": [1, 2, 3, 4, 5]})
    shifts = compute([weekly], sh(2026, 4, 13), sh(2026, 4, 27), SHANGHAI).layers[0]
    assert spans(shifts) == [(sh(2026, 4, 13), sh(2026, 4, 18), "A"), (sh(2026, 4, 20), sh(2026, 4, 25), "B")]

    every_day = variant(weekly, day_mask={"repeat": [0, 1, 2, 3, 4, 5, 6]})
    no_mask = variant(weekly, day_mask=None)
    assert (spans(compute([every_day], sh(2026, 4, 13), sh(2026, 4, 27), SHANGHAI).layers[0])
            == spans(compute([no_mask], sh(2026, 4, 13), sh(2026, 4, 27), SHANGHAI).layers[0])
            == [(sh(2026, 4, 13), sh(2026, 4, 20), "A"), (sh(2026, 4, 20), sh(2026, 4, 27), "B")])


# --- restrictions ------------------------------------------------------------------------------

def test_daily_restriction_keeps_office_hours() -> None:
    weekly = layer(rotation_unit="week", rotation_value=1, layer_start=sh(2026, 4, 13), restrict_mode=1,
                   restrict_periods=[{"restrict_start": 9 * HOUR, "restrict_end": 18 * HOUR}])
    shifts = compute([weekly], sh(2026, 4, 18), sh(2026, 4, 21), SHANGHAI).layers[0]
    assert spans(shifts) == [(sh(2026, 4, 18, 9), sh(2026, 4, 18, 18), "A"),
                             (sh(2026, 4, 19, 9), sh(2026, 4, 19, 18), "A"),
                             (sh(2026, 4, 20, 9), sh(2026, 4, 20, 18), "B")]


def test_night_restriction_wraps_past_midnight() -> None:
    night = [{"restrict_start": 18 * HOUR, "restrict_end": 9 * HOUR}]
    evening_start = layer(rotation_unit="day", rotation_value=1, layer_start=sh(2026, 4, 13, 18),
                          restrict_mode=1, restrict_periods=night)
    assert spans(compute([evening_start], sh(2026, 4, 13), sh(2026, 4, 15, 12), SHANGHAI).final) == [
        (sh(2026, 4, 13, 18), sh(2026, 4, 14, 9), "A"), (sh(2026, 4, 14, 18), sh(2026, 4, 15, 9), "B")]

    # Starting at midnight, each day's shift gets the tail of the previous night and its own evening.
    midnight_start = variant(evening_start, layer_start=sh(2026, 4, 13))
    assert spans(compute([midnight_start], sh(2026, 4, 13), sh(2026, 4, 15), SHANGHAI).final) == [
        (sh(2026, 4, 13), sh(2026, 4, 13, 9), "A"), (sh(2026, 4, 13, 18), sh(2026, 4, 14), "A"),
        (sh(2026, 4, 14), sh(2026, 4, 14, 9), "B"), (sh(2026, 4, 14, 18), sh(2026, 4, 15), "B")]


def test_weekly_restriction_windows() -> None:
    friday_18 = 4 * DAY + 18 * HOUR
    workweek = layer(rotation_unit="week", rotation_value=1, layer_start=sh(2026, 4, 13), restrict_mode=2,
                     restrict_periods=[{"restrict_start": 9 * HOUR, "restrict_end": friday_18}])
    assert spans(compute([workweek], sh(2026, 4, 13), sh(2026, 4, 27), SHANGHAI).final) == [
        (sh(2026, 4, 13, 9), sh(2026, 4, 17, 18), "A"), (sh(2026, 4, 20, 9), sh(2026, 4, 24, 18), "B")]

    # Friday 18:00 -> Monday 09:00 wraps past the end of the week (the first piece is last week's).
    weekend = variant(workweek, restrict_periods=[{"restrict_start": friday_18, "restrict_end": 9 * HOUR}])
    assert spans(compute([weekend], sh(2026, 4, 13), sh(2026, 4, 27), SHANGHAI).final) == [
        (sh(2026, 4, 13), sh(2026, 4, 13, 9), "A"), (sh(2026, 4, 17, 18), sh(2026, 4, 20), "A"),
        (sh(2026, 4, 20), sh(2026, 4, 20, 9), "B"), (sh(2026, 4, 24, 18), sh(2026, 4, 27), "B")]

    # Saturday 21:00 -> Wednesday 11:00: last week's window reaches into a window starting on Wednesday.
    long_wrap = variant(workweek, restrict_periods=[{"restrict_start": 5 * DAY + 21 * HOUR,
                                                     "restrict_end": 2 * DAY + 11 * HOUR}])
    assert spans(compute([long_wrap], sh(2026, 4, 15), sh(2026, 4, 22), SHANGHAI).final) == [
        (sh(2026, 4, 15), sh(2026, 4, 15, 11), "A"), (sh(2026, 4, 18, 21), sh(2026, 4, 20), "A"),
        (sh(2026, 4, 20), sh(2026, 4, 22), "B")]


def test_legacy_restriction_fields_and_mode_zero() -> None:
    legacy = layer(rotation_unit="day", rotation_value=1, layer_start=sh(2026, 4, 13), restrict_mode=1,
                   restrict_start=9 * HOUR, restrict_end=18 * HOUR)
    assert spans(compute([legacy], sh(2026, 4, 13), sh(2026, 4, 14), SHANGHAI).final) == [
        (sh(2026, 4, 13, 9), sh(2026, 4, 13, 18), "A")]
    unrestricted = variant(legacy, restrict_mode=0)
    assert spans(compute([unrestricted], sh(2026, 4, 13), sh(2026, 4, 14), SHANGHAI).final) == [
        (sh(2026, 4, 13), sh(2026, 4, 14), "A")]


# --- layering ----------------------------------------------------------------------------------

def test_override_preempts_and_the_rotation_resumes() -> None:
    daily = layer(rotation_unit="day", rotation_value=1, layer_start=sh(2026, 4, 13))
    override = layer("X", mode=1, layer_start=sh(2026, 4, 14, 12), layer_end=sh(2026, 4, 15, 6), weight=7)
    expected = [(sh(2026, 4, 13), sh(2026, 4, 14), "A"), (sh(2026, 4, 14), sh(2026, 4, 14, 12), "B"),
                (sh(2026, 4, 14, 12), sh(2026, 4, 15, 6), "X"), (sh(2026, 4, 15, 6), sh(2026, 4, 16), "A")]
    for layers, override_index in (([daily, override], 1), ([override, daily], 0)):
        timeline = compute(layers, sh(2026, 4, 13), sh(2026, 4, 16), SHANGHAI)
        assert spans(timeline.final) == expected
        overrides = [(s.layer, s.weight) for s in timeline.final if s.group.group_name == "X"]
        assert overrides == [(override_index, 7)]
        assert spans(timeline.layers[1 - override_index]) == [
            (sh(2026, 4, 13), sh(2026, 4, 14), "A"), (sh(2026, 4, 14), sh(2026, 4, 15), "B"),
            (sh(2026, 4, 15), sh(2026, 4, 16), "A")]


def test_overlapping_normal_layers_higher_index_wins() -> None:
    base = layer(rotation_unit="day", rotation_value=1, layer_start=sh(2026, 4, 13))
    office = layer("C", rotation_unit="day", rotation_value=1, layer_start=sh(2026, 4, 13), restrict_mode=1,
                   restrict_periods=[{"restrict_start": 9 * HOUR, "restrict_end": 18 * HOUR}])
    timeline = compute([base, office], sh(2026, 4, 13), sh(2026, 4, 15), SHANGHAI)
    assert spans(timeline.final) == [
        (sh(2026, 4, 13), sh(2026, 4, 13, 9), "A"), (sh(2026, 4, 13, 9), sh(2026, 4, 13, 18), "C"),
        (sh(2026, 4, 13, 18), sh(2026, 4, 14), "A"), (sh(2026, 4, 14), sh(2026, 4, 14, 9), "B"),
        (sh(2026, 4, 14, 9), sh(2026, 4, 14, 18), "C"), (sh(2026, 4, 14, 18), sh(2026, 4, 15), "B")]
    assert [shift.layer for shift in timeline.final] == [0, 1, 0, 0, 1, 0]
    assert spans(compute([office, base], sh(2026, 4, 13), sh(2026, 4, 15), SHANGHAI).final) == [
        (sh(2026, 4, 13), sh(2026, 4, 14), "A"), (sh(2026, 4, 14), sh(2026, 4, 15), "B")]


def test_adjacent_shifts_of_different_sources_stay_separate() -> None:
    first = layer("A", rotation_unit="day", rotation_value=1, layer_start=sh(2026, 4, 13),
                  layer_end=sh(2026, 4, 14))
    second = layer("A", rotation_unit="day", rotation_value=1, layer_start=sh(2026, 4, 14))
    final = compute([first, second], sh(2026, 4, 13), sh(2026, 4, 15), SHANGHAI).final
    assert [(s.start, s.end, s.layer) for s in final] == [(sh(2026, 4, 13), sh(2026, 4, 14), 0),
                                                        (sh(2026, 4, 14), sh(2026, 4, 15), 1)]


# --- lookups and edge cases --------------------------------------------------------------------

def gappy() -> Timeline:
    """Weekdays only, 2026-04-13 (Monday) to 2026-04-27: gaps over the weekend."""
    weekdays = layer(rotation_unit="day", rotation_value=1, layer_start=sh(2026, 4, 13),
                     day_mask={"repeat": [1, 2, 3, 4, 5]})
    return compute([weekdays], sh(2026, 4, 13), sh(2026, 4, 25), SHANGHAI)


def test_gaps_in_the_final_timeline() -> None:
    final = gappy().final
    days = [date(2026, 4, 13) + timedelta(days=i) for i in range(12)]
    weekdays = [day for day in days if day.weekday() < 5]
    assert [(s.start, s.end) for s in final] == [
        (sh(day.year, day.month, day.day), sh(day.year, day.month, day.day) + DAY) for day in weekdays]
    assert final[4].end == sh(2026, 4, 18) and final[5].start == sh(2026, 4, 20)


def test_at_and_next_after() -> None:
    timeline = gappy()
    first, friday, monday, last = (timeline.final[0], timeline.final[4], timeline.final[5],
                                   timeline.final[-1])
    assert timeline.at(sh(2026, 4, 13)) is first
    assert timeline.at(sh(2026, 4, 13, 23, 59, 59)) is first
    assert timeline.at(sh(2026, 4, 14)) is timeline.final[1]  # end is exclusive
    assert timeline.next_after(sh(2026, 4, 13, 12)) is timeline.final[1]
    # In the weekend gap.
    assert timeline.at(sh(2026, 4, 18, 12)) is None
    assert timeline.next_after(sh(2026, 4, 18, 12)) is monday
    assert timeline.next_after(sh(2026, 4, 17, 12)) is monday
    assert friday.start == sh(2026, 4, 17)
    # Before the first shift and at the very end.
    assert timeline.at(sh(2026, 4, 12)) is None
    assert timeline.next_after(sh(2026, 4, 12)) is first
    assert timeline.at(last.end - 1) is last
    assert timeline.next_after(last.end - 1) is None
    assert timeline.at(last.end) is None
    assert timeline.next_after(last.end) is None


def test_empty_inputs() -> None:
    empty = compute([], sh(2026, 4, 13), sh(2026, 4, 14), SHANGHAI)
    assert (empty.layers, empty.final) == ([], [])
    assert empty.at(sh(2026, 4, 13)) is None
    assert empty.next_after(sh(2026, 4, 13)) is None
    # No groups: no shifts, even without a rotation.
    no_groups = ScheduleLayer(layer_start=sh(2026, 4, 13))
    timeline = compute([no_groups], sh(2026, 4, 13), sh(2026, 4, 14), SHANGHAI)
    assert (timeline.layers, timeline.final) == ([[]], [])


def test_open_ended_override_without_rotation_is_one_shift() -> None:
    override = layer("X", "Y", mode=1, layer_start=sh(2026, 4, 13, 12))
    final = compute([override], sh(2026, 4, 13), sh(2026, 4, 20), SHANGHAI).final
    assert spans(final) == [(sh(2026, 4, 13, 12), sh(2026, 4, 20), "X")]


# --- rotation_of -------------------------------------------------------------------------------

@pytest.mark.parametrize(("fields", "expected"), [
    ({"rotation_unit": "hour", "rotation_value": 8}, Rotation("elapsed", 8 * HOUR)),
    ({"rotation_unit": "hour", "rotation_value": 48}, Rotation("elapsed", 48 * HOUR)),
    ({"rotation_unit": "day", "rotation_value": 1}, Rotation("days", 1)),
    ({"rotation_unit": "day", "rotation_value": 7}, Rotation("weeks", 1)),
    ({"rotation_unit": "day", "rotation_value": 14}, Rotation("weeks", 2)),
    ({"rotation_unit": "week", "rotation_value": 2}, Rotation("weeks", 2)),
    ({"rotation_unit": "month", "rotation_value": 1}, Rotation("months", 1)),
    ({"rotation_duration": 43200}, Rotation("elapsed", 43200)),
    ({"rotation_duration": 3 * DAY}, Rotation("days", 3)),
    ({"rotation_duration": 2 * WEEK}, Rotation("weeks", 2)),
    ({"rotation_unit": "day", "rotation_value": 2, "rotation_duration": DAY}, Rotation("days", 2)),
    ({"mode": 1}, Rotation("whole", 0)),
])
def test_rotation_of(fields: dict[str, Any], expected: Rotation) -> None:
    assert rotation_of(layer(**fields)) == expected


def test_rotation_of_an_unknown_unit() -> None:
    with pytest.raises(KeyError):
        rotation_of(layer(rotation_unit="fortnight", rotation_value=1))


@pytest.mark.parametrize("fields", [{}, {"rotation_unit": "day"}, {"rotation_value": 3},
                                    {"rotation_unit": "day", "rotation_value": -1},
                                    {"rotation_duration": -DAY}])
def test_rotation_of_rejects_a_missing_or_negative_rotation(fields: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="rotation"):
        rotation_of(layer(**fields))
    with pytest.raises(ValueError, match="rotation"):
        compute([layer(layer_start=sh(2026, 4, 13), **fields)], sh(2026, 4, 13), sh(2026, 4, 14), SHANGHAI)
