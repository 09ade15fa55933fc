"""The rotation engine on the 2026 DST switch days of Berlin and New York, with hand-written expectations.

Rules under test (from ``flashcat_pulumi.timeline``'s module docstring):

* Daily, weekly and monthly rotations hand off at a local wall time (the layer start's time of day, or
  Monday 00:00 + ``handoff_time`` of every ``n``-th week, or the layer start's day of month); hours count
  elapsed seconds, so a 24-hour rotation drifts by an hour of wall clock across a switch.
* A local time the clock skips means the instant of the switch (02:30 on 29 March in Berlin is 03:00 CEST);
  a local time that happens twice means its first occurrence.
* Restriction windows and day masks (0 = Sunday; continuous ones from the layer start's time of day) are
  local times too, so a switch night or day is an hour shorter or longer.
* A weekly rotation started mid-week gives its first group a short first shift; fair rotation starts each
  round one group later; among overrides the higher weight wins, equal weights go to the later layer.

Expected instants are written as local date-times with explicit UTC offsets (CET/CEST, EST/EDT), a few as
raw integers computed by hand, never with the engine or with zoneinfo's resolution of ambiguous times.

The switches (2026-01-01 00:00 UTC is 20454 days * 86400 = 1767225600):
  Berlin 29 March (day 87 of 2026), 02:00 CET -> 03:00 CEST at 01:00 UTC = 1767225600 + 87 * 86400 + 3600;
  Berlin 25 October (day 297), 03:00 CEST -> 02:00 CET at 01:00 UTC = 1767225600 + 297 * 86400 + 3600;
  New York 8 March (day 66), 02:00 EST -> 03:00 EDT at 07:00 UTC = 1767225600 + 66 * 86400 + 7 * 3600;
  New York 1 November (day 304), 02:00 EDT -> 01:00 EST at 06:00 UTC = 1767225600 + 304 * 86400 + 6 * 3600.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import pytest

from flashcat_pulumi.timeline import Shift, compute
from flashcat_pulumi.wire import ScheduleLayer

HOUR = 3600
DAY = 86400
WEEK = 7 * DAY
MINUTE = 60

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
CET, CEST = timezone(timedelta(hours=1), "CET"), timezone(timedelta(hours=2), "CEST")
EST, EDT = timezone(timedelta(hours=-5), "EST"), timezone(timedelta(hours=-4), "EDT")

# Pinned by hand (see the module docstring).
BERLIN_SPRING = 1774746000  # 2026-03-29 01:00 UTC = 03:00 CEST: what 02:00-02:59 CET would have been
BERLIN_AUTUMN = 1792890000  # 2026-10-25 01:00 UTC = 03:00 CEST becomes 02:00 CET
BERLIN_AUTUMN_FIRST_0230 = 1792888200  # 2026-10-25 00:30 UTC = 02:30 CEST (the second 02:30 CET is +3600)
NEW_YORK_SPRING = 1772953200  # 2026-03-08 07:00 UTC = 03:00 EDT
NEW_YORK_AUTUMN = 1793512800  # 2026-11-01 06:00 UTC = 02:00 EDT becomes 01:00 EST
NEW_YORK_AUTUMN_FIRST_0130 = 1793511000  # 2026-11-01 05:30 UTC = 01:30 EDT (the second 01:30 EST is +3600)


def ts(moment: datetime) -> int:
    assert moment.tzinfo is not None
    return int(moment.timestamp())


def test_pinned_instants() -> None:
    assert ts(datetime(2026, 3, 29, 3, 0, tzinfo=CEST)) == ts(datetime(2026, 3, 29, 1, 0, tzinfo=timezone.utc)) \
        == BERLIN_SPRING
    assert ts(datetime(2026, 10, 25, 2, 0, tzinfo=CET)) == BERLIN_AUTUMN
    assert ts(datetime(2026, 10, 25, 2, 30, tzinfo=CEST)) == BERLIN_AUTUMN_FIRST_0230
    assert ts(datetime(2026, 3, 8, 3, 0, tzinfo=EDT)) == NEW_YORK_SPRING
    assert ts(datetime(2026, 11, 1, 1, 0, tzinfo=EST)) == NEW_YORK_AUTUMN
    assert ts(datetime(2026, 11, 1, 1, 30, tzinfo=EDT)) == NEW_YORK_AUTUMN_FIRST_0130


class Switch(NamedTuple):
    """A switch day (a Sunday) and the UTC offsets before and after it."""

    name: str
    zone: ZoneInfo
    sunday: date
    before: timezone
    after: timezone
    odd: tuple[int, int]  # a local time the switch skips (spring) or repeats (autumn)
    odd_instant: int  # what that local time means on the switch day: the switch, or its first occurrence

    @property
    def change(self) -> int:
        """How much longer than 24 h the switch day is."""
        return int((self.before.utcoffset(None) - self.after.utcoffset(None)).total_seconds())

    @property
    def spring(self) -> bool:
        return self.change < 0

    def day(self, offset: int) -> date:
        return self.sunday + timedelta(days=offset)

    def before_at(self, offset: int, hour: int, minute: int = 0) -> int:
        """Local ``hour:minute`` on the day ``offset`` days from the switch Sunday, before the switch."""
        day = self.day(offset)
        return ts(datetime(day.year, day.month, day.day, hour, minute, tzinfo=self.before))

    def after_at(self, offset: int, hour: int, minute: int = 0) -> int:
        day = self.day(offset)
        return ts(datetime(day.year, day.month, day.day, hour, minute, tzinfo=self.after))

    def seconds(self, hour: int, minute: int = 0) -> int:
        return hour * HOUR + minute * MINUTE


SWITCHES = [
    Switch("berlin-spring", BERLIN, date(2026, 3, 29), CET, CEST, (2, 30), BERLIN_SPRING),
    Switch("berlin-autumn", BERLIN, date(2026, 10, 25), CEST, CET, (2, 30), BERLIN_AUTUMN_FIRST_0230),
    Switch("new-york-spring", NEW_YORK, date(2026, 3, 8), EST, EDT, (2, 30), NEW_YORK_SPRING),
    Switch("new-york-autumn", NEW_YORK, date(2026, 11, 1), EDT, EST, (1, 30), NEW_YORK_AUTUMN_FIRST_0130),
]
switches = pytest.mark.parametrize("sw", SWITCHES, ids=[sw.name for sw in SWITCHES])


def group(name: str) -> dict[str, Any]:
    return {"group_name": name, "members": [{"role_id": 0, "person_ids": [ord(name[0])]}]}


def layer(*names: str, **fields: Any) -> ScheduleLayer:
    return ScheduleLayer(groups=[group(name) for name in names or ("A", "B")], **fields)


def spans(shifts: list[Shift]) -> list[tuple[int, int, str]]:
    return [(shift.start, shift.end, shift.group.group_name) for shift in shifts]


def lengths(shifts: list[Shift]) -> list[int]:
    return [shift.end - shift.start for shift in shifts]


# --- daily rotations ---------------------------------------------------------------------------

@switches
@pytest.mark.parametrize("rotation", [{"rotation_unit": "day", "rotation_value": 1}, {"rotation_duration": DAY}])
def test_daily_rotation_keeps_0900_across_the_switch(sw: Switch, rotation: dict[str, Any]) -> None:
    daily = layer(layer_start=sw.before_at(-1, 9), **rotation)
    shifts = compute([daily], sw.before_at(-1, 9), sw.after_at(2, 9), sw.zone).layers[0]
    assert spans(shifts) == [(sw.before_at(-1, 9), sw.after_at(0, 9), "A"),
                             (sw.after_at(0, 9), sw.after_at(1, 9), "B"),
                             (sw.after_at(1, 9), sw.after_at(2, 9), "A")]
    assert lengths(shifts) == [DAY + sw.change, DAY, DAY]  # 23 h in spring, 25 h in autumn


def test_daily_rotation_at_0900_in_berlin_literally() -> None:
    daily = layer(rotation_unit="day", rotation_value=1, layer_start=ts(datetime(2026, 3, 28, 9, tzinfo=CET)))
    shifts = compute([daily], ts(datetime(2026, 3, 28, tzinfo=CET)), ts(datetime(2026, 3, 30, 12, tzinfo=CEST)),
                     "Europe/Berlin").final
    assert spans(shifts) == [
        (ts(datetime(2026, 3, 28, 9, tzinfo=CET)), ts(datetime(2026, 3, 29, 9, tzinfo=CEST)), "A"),
        (ts(datetime(2026, 3, 29, 9, tzinfo=CEST)), ts(datetime(2026, 3, 30, 9, tzinfo=CEST)), "B"),
        (ts(datetime(2026, 3, 30, 9, tzinfo=CEST)), ts(datetime(2026, 3, 30, 12, tzinfo=CEST)), "A")]
    assert shifts[0].end == 1774767600  # 2026-03-29 07:00 UTC: BERLIN_SPRING + 6 h
    assert shifts[0].end - shifts[0].start == 23 * HOUR


@switches
def test_daily_handoff_at_a_skipped_or_repeated_time(sw: Switch) -> None:
    """02:30 (01:30 for New York's autumn) every day: on the switch day the hand-off is at the switch
    (spring) or at the first occurrence (autumn)."""
    hour, minute = sw.odd
    daily = layer(rotation_unit="day", rotation_value=1, layer_start=sw.before_at(-1, hour, minute))
    shifts = compute([daily], sw.before_at(-1, hour, minute), sw.after_at(2, hour, minute), sw.zone).layers[0]
    assert [shift.start for shift in shifts] == [sw.before_at(-1, hour, minute), sw.odd_instant,
                                                 sw.after_at(1, hour, minute)]
    if sw.spring:
        assert sw.odd_instant == sw.after_at(0, 3)  # the switch: 03:00 after it
        assert lengths(shifts) == [DAY - HOUR // 2, DAY - HOUR // 2, DAY]
    else:
        assert sw.odd_instant == sw.before_at(0, hour, minute)  # the first occurrence, on summer time
        assert lengths(shifts) == [DAY, DAY + HOUR, DAY]
    assert [shift.slot for shift in shifts] == [0, 1, 2]


def test_daily_handoff_at_0230_in_berlin_pinned() -> None:
    start = ts(datetime(2026, 3, 28, 2, 30, tzinfo=CET))
    assert start == 1774661400  # 2026-03-28 01:30 UTC: BERLIN_SPRING - 1 day + 30 min
    daily = layer(rotation_unit="day", rotation_value=1, layer_start=start)
    shifts = compute([daily], start, start + 3 * DAY, BERLIN).layers[0]
    # 28 March 02:30 CET, 29 March 03:00 CEST (the switch), 30 March 02:30 CEST
    assert [shift.start for shift in shifts][:3] == [1774661400, 1774746000, 1774830600]

    start = ts(datetime(2026, 10, 24, 2, 30, tzinfo=CEST))
    assert start == 1792801800  # BERLIN_AUTUMN_FIRST_0230 - 1 day
    daily = layer(rotation_unit="day", rotation_value=1, layer_start=start)
    shifts = compute([daily], start, start + 3 * DAY, BERLIN).layers[0]
    # 25 October 02:30 CEST (not 02:30 CET = 1792891800), then 26 October 02:30 CET = 01:30 UTC.
    assert [shift.start for shift in shifts][:3] == [1792801800, 1792888200, 1792978200]


def test_layer_started_on_the_second_occurrence_hands_off_at_first_occurrences() -> None:
    # 25 October 02:30 CET (the second 02:30): the next days' 02:30 are plain; the start itself stays.
    start = BERLIN_AUTUMN_FIRST_0230 + HOUR
    daily = layer(rotation_unit="day", rotation_value=1, layer_start=start)
    shifts = compute([daily], start, start + 2 * DAY, BERLIN).layers[0]
    assert [(s.start, s.end) for s in shifts] == [
        (start, ts(datetime(2026, 10, 26, 2, 30, tzinfo=CET))),
        (ts(datetime(2026, 10, 26, 2, 30, tzinfo=CET)), start + 2 * DAY)]


# --- weekly rotations --------------------------------------------------------------------------

@switches
def test_weekly_sunday_handoff_at_a_skipped_or_repeated_time(sw: Switch) -> None:
    hour, minute = sw.odd
    weekly = layer(rotation_unit="week", rotation_value=1, handoff_time=6 * DAY + sw.seconds(hour, minute),
                   layer_start=sw.before_at(-7, hour, minute))
    shifts = compute([weekly], sw.before_at(-7, 0), sw.after_at(14, 0), sw.zone).layers[0]
    assert spans(shifts) == [(sw.before_at(-7, hour, minute), sw.odd_instant, "A"),
                             (sw.odd_instant, sw.after_at(7, hour, minute), "B"),
                             (sw.after_at(7, hour, minute), sw.after_at(14, 0), "A")]
    if sw.spring:
        assert lengths(shifts)[:2] == [WEEK - HOUR // 2, WEEK - HOUR // 2]
    else:
        assert lengths(shifts)[:2] == [WEEK, WEEK + HOUR]


def test_weekly_sunday_0230_in_berlin_pinned() -> None:
    weekly = layer(rotation_unit="week", rotation_value=1, handoff_time=6 * DAY + 2 * HOUR + 30 * MINUTE,
                   layer_start=ts(datetime(2026, 3, 22, 2, 30, tzinfo=CET)))
    shifts = compute([weekly], ts(datetime(2026, 3, 23, tzinfo=CET)), ts(datetime(2026, 3, 31, tzinfo=CEST)),
                     BERLIN).layers[0]
    assert [(s.start, s.end, s.slot) for s in shifts] == [
        (ts(datetime(2026, 3, 23, tzinfo=CET)), 1774746000, 0),  # to 29 March 03:00 CEST, the switch
        (1774746000, ts(datetime(2026, 3, 31, tzinfo=CEST)), 1)]


@switches
@pytest.mark.parametrize("rotation", [{"rotation_unit": "week", "rotation_value": 2},
                                      {"rotation_unit": "day", "rotation_value": 14},
                                      {"rotation_duration": 2 * WEEK}])
def test_every_two_weeks_monday_0900_stays_at_0900(sw: Switch, rotation: dict[str, Any]) -> None:
    # Monday 13 days before the switch Sunday; the next hand-offs are 14 and 28 days later.
    biweekly = layer(handoff_time=9 * HOUR, layer_start=sw.before_at(-13, 9), **rotation)
    shifts = compute([biweekly], sw.before_at(-13, 9), sw.after_at(29, 9), sw.zone).layers[0]
    assert spans(shifts) == [(sw.before_at(-13, 9), sw.after_at(1, 9), "A"),
                             (sw.after_at(1, 9), sw.after_at(15, 9), "B"),
                             (sw.after_at(15, 9), sw.after_at(29, 9), "A")]
    assert lengths(shifts) == [2 * WEEK + sw.change, 2 * WEEK, 2 * WEEK]


@switches
def test_weekly_rotation_started_on_a_wednesday_has_a_short_first_shift(sw: Switch) -> None:
    # Wednesday 12:00 before the switch; hand-off Monday 09:00, after the switch.
    weekly = layer(rotation_unit="week", rotation_value=1, handoff_time=9 * HOUR, layer_start=sw.before_at(-4, 12))
    shifts = compute([weekly], sw.before_at(-7, 0), sw.after_at(15, 0), sw.zone).layers[0]
    assert spans(shifts) == [(sw.before_at(-4, 12), sw.after_at(1, 9), "A"),
                             (sw.after_at(1, 9), sw.after_at(8, 9), "B"),
                             (sw.after_at(8, 9), sw.after_at(15, 0), "A")]
    assert lengths(shifts)[0] == 4 * DAY + 21 * HOUR + sw.change
    assert [shift.slot for shift in shifts] == [0, 1, 2]

    # Every two weeks: the stub runs to the end of the two-week period it falls in (from the Monday before).
    biweekly = layer(rotation_unit="week", rotation_value=2, handoff_time=9 * HOUR, layer_start=sw.before_at(-4, 12))
    shifts = compute([biweekly], sw.before_at(-7, 0), sw.after_at(15, 0), sw.zone).layers[0]
    assert spans(shifts) == [(sw.before_at(-4, 12), sw.after_at(8, 9), "A"),
                             (sw.after_at(8, 9), sw.after_at(15, 0), "B")]


def test_weekly_stub_in_berlin_literally() -> None:
    weekly = layer(rotation_unit="week", rotation_value=1, handoff_time=9 * HOUR,
                   layer_start=ts(datetime(2026, 3, 25, 12, tzinfo=CET)))  # a Wednesday
    shifts = compute([weekly], ts(datetime(2026, 3, 23, tzinfo=CET)), ts(datetime(2026, 4, 7, tzinfo=CEST)),
                     "Europe/Berlin").layers[0]
    assert spans(shifts) == [
        (ts(datetime(2026, 3, 25, 12, tzinfo=CET)), ts(datetime(2026, 3, 30, 9, tzinfo=CEST)), "A"),
        (ts(datetime(2026, 3, 30, 9, tzinfo=CEST)), ts(datetime(2026, 4, 6, 9, tzinfo=CEST)), "B"),
        (ts(datetime(2026, 4, 6, 9, tzinfo=CEST)), ts(datetime(2026, 4, 7, tzinfo=CEST)), "A")]
    assert shifts[0].end - shifts[0].start == 4 * DAY + 20 * HOUR


# --- restriction windows -----------------------------------------------------------------------

def restricted(sw: Switch, mode: int, *periods: tuple[int, int], **fields: Any) -> ScheduleLayer:
    """A weekly rotation (Monday 00:00) started the Monday before the switch, with restriction windows."""
    return layer(rotation_unit="week", rotation_value=1, layer_start=sw.before_at(-6, 0), restrict_mode=mode,
                 restrict_periods=[{"restrict_start": s, "restrict_end": e} for s, e in periods], **fields)


@switches
def test_daily_window_0900_1800_on_the_switch_days(sw: Switch) -> None:
    office = restricted(sw, 1, (9 * HOUR, 18 * HOUR))
    shifts = compute([office], sw.before_at(-1, 0), sw.after_at(2, 0), sw.zone).layers[0]
    assert spans(shifts) == [(sw.before_at(-1, 9), sw.before_at(-1, 18), "A"),
                             (sw.after_at(0, 9), sw.after_at(0, 18), "A"),
                             (sw.after_at(1, 9), sw.after_at(1, 18), "B")]
    assert lengths(shifts) == [9 * HOUR] * 3


@switches
def test_night_window_across_the_switch_night(sw: Switch) -> None:
    night = restricted(sw, 1, (22 * HOUR, 6 * HOUR))
    shifts = compute([night], sw.before_at(-1, 12), sw.after_at(0, 12), sw.zone).layers[0]
    assert spans(shifts) == [(sw.before_at(-1, 22), sw.after_at(0, 6), "A")]
    assert lengths(shifts) == [8 * HOUR + sw.change]  # 7 h in spring, 9 h in autumn


def test_night_window_in_new_york_literally() -> None:
    sw = SWITCHES[2]
    night = restricted(sw, 1, (22 * HOUR, 6 * HOUR))
    shifts = compute([night], ts(datetime(2026, 3, 7, tzinfo=EST)), ts(datetime(2026, 3, 9, tzinfo=EDT)),
                     "America/New_York").layers[0]
    assert [(s.start, s.end) for s in shifts] == [
        (ts(datetime(2026, 3, 7, tzinfo=EST)), ts(datetime(2026, 3, 7, 6, tzinfo=EST))),
        (ts(datetime(2026, 3, 7, 22, tzinfo=EST)), ts(datetime(2026, 3, 8, 6, tzinfo=EDT))),
        (ts(datetime(2026, 3, 8, 22, tzinfo=EDT)), ts(datetime(2026, 3, 9, tzinfo=EDT)))]
    assert shifts[1].end == NEW_YORK_SPRING + 3 * HOUR  # 06:00 EDT = 10:00 UTC


@switches
def test_window_starting_in_the_skipped_or_repeated_hour(sw: Switch) -> None:
    hour, minute = sw.odd  # 02:30 - 04:00 (01:30 - 03:00 for New York's autumn) on the switch day
    window = restricted(sw, 1, (sw.seconds(hour, minute), sw.seconds(hour + 2)))
    shifts = compute([window], sw.before_at(0, 0), sw.after_at(1, 0), sw.zone).layers[0]
    assert spans(shifts) == [(sw.odd_instant, sw.after_at(0, hour + 2), "A")]
    assert lengths(shifts) == ([HOUR] if sw.spring else [2 * HOUR + 30 * MINUTE])


def test_window_ending_in_the_skipped_hour_in_berlin() -> None:
    window = restricted(SWITCHES[0], 1, (HOUR, 2 * HOUR + 30 * MINUTE))  # 01:00 - 02:30
    shifts = compute([window], ts(datetime(2026, 3, 29, tzinfo=CET)), ts(datetime(2026, 3, 30, tzinfo=CEST)),
                     BERLIN).layers[0]
    assert [(s.start, s.end) for s in shifts] == [(ts(datetime(2026, 3, 29, 1, tzinfo=CET)), BERLIN_SPRING)]
    # A window entirely inside the skipped hour is empty that day, and an hour long the day before.
    skipped = restricted(SWITCHES[0], 1, (2 * HOUR + 10 * MINUTE, 2 * HOUR + 50 * MINUTE))
    shifts = compute([skipped], ts(datetime(2026, 3, 28, tzinfo=CET)), ts(datetime(2026, 3, 30, tzinfo=CEST)),
                     BERLIN).layers[0]
    assert [(s.start, s.end) for s in shifts] == [
        (ts(datetime(2026, 3, 28, 2, 10, tzinfo=CET)), ts(datetime(2026, 3, 28, 2, 50, tzinfo=CET)))]


@switches
def test_weekly_window_saturday_night_to_sunday_morning(sw: Switch) -> None:
    weekend = restricted(sw, 2, (5 * DAY + 20 * HOUR, 6 * DAY + 8 * HOUR))  # Saturday 20:00 - Sunday 08:00
    shifts = compute([weekend], sw.before_at(-1, 0), sw.after_at(1, 0), sw.zone).layers[0]
    assert spans(shifts) == [(sw.before_at(-1, 20), sw.after_at(0, 8), "A")]
    assert lengths(shifts) == [12 * HOUR + sw.change]


# --- day masks ---------------------------------------------------------------------------------

@switches
def test_sunday_mask_on_the_switch_sunday(sw: Switch) -> None:
    sundays = restricted(sw, 0, day_mask={"repeat": [0]})
    shifts = compute([sundays], sw.before_at(-2, 0), sw.after_at(2, 0), sw.zone).layers[0]
    assert spans(shifts) == [(sw.before_at(0, 0), sw.after_at(1, 0), "A")]
    assert lengths(shifts) == [DAY + sw.change]  # 23 h / 25 h


def test_sunday_mask_in_berlin_autumn_literally() -> None:
    sundays = restricted(SWITCHES[1], 0, day_mask={"repeat": [0]})
    shifts = compute([sundays], ts(datetime(2026, 10, 20, tzinfo=CEST)), ts(datetime(2026, 10, 30, tzinfo=CET)),
                     "Europe/Berlin").layers[0]
    assert [(s.start, s.end) for s in shifts] == [(ts(datetime(2026, 10, 25, tzinfo=CEST)),
                                                   ts(datetime(2026, 10, 26, tzinfo=CET)))]
    assert shifts[0].start == 1792879200  # 2026-10-24 22:00 UTC = BERLIN_AUTUMN - 3 h
    assert shifts[0].end - shifts[0].start == 25 * HOUR


@switches
def test_continuous_mask_from_a_skipped_or_repeated_time(sw: Switch) -> None:
    """Days from the layer start's 02:30 (01:30) to the next day's: the switch Sunday's starts at the
    switch (spring) or at the first occurrence (autumn)."""
    hour, minute = sw.odd
    daily = layer(rotation_unit="day", rotation_value=1, layer_start=sw.before_at(-6, hour, minute),
                  day_mask={"repeat": [6, 0]}, mask_continuous_enabled=True)  # Saturday and Sunday
    shifts = compute([daily], sw.before_at(-7, 0), sw.after_at(7, 0), sw.zone).layers[0]
    # Slots: Monday 0 (A) ... Saturday 5 (B), Sunday 6 (A); the daily hand-offs fall on the masks' edges.
    assert spans(shifts) == [(sw.before_at(-1, hour, minute), sw.odd_instant, "B"),
                             (sw.odd_instant, sw.after_at(1, hour, minute), "A"),
                             (sw.after_at(6, hour, minute), sw.after_at(7, 0), "A")]
    assert [shift.slot for shift in shifts] == [5, 6, 12]
    if sw.spring:
        assert lengths(shifts)[:2] == [DAY - HOUR // 2, DAY - HOUR // 2]
    else:
        assert lengths(shifts)[:2] == [DAY, DAY + HOUR]


@switches
def test_continuous_mask_days_merge_within_a_weekly_shift(sw: Switch) -> None:
    hour, minute = sw.odd
    weekly = layer(rotation_unit="week", rotation_value=1, layer_start=sw.before_at(-6, hour, minute),
                   day_mask={"repeat": [6, 0]}, mask_continuous_enabled=True)
    shifts = compute([weekly], sw.before_at(-7, 0), sw.after_at(2, 0), sw.zone).layers[0]
    # Saturday 02:30 -> Sunday 02:30 -> Monday 02:30 is one piece, cut by the Monday 00:00 hand-off.
    assert spans(shifts) == [(sw.before_at(-1, hour, minute), sw.after_at(1, 0), "A"),
                             (sw.after_at(1, 0), sw.after_at(1, hour, minute), "B")]
    assert lengths(shifts)[0] == 2 * DAY - sw.seconds(hour, minute) + sw.change


# --- elapsed rotations -------------------------------------------------------------------------

@switches
def test_24_hour_rotation_drifts_by_an_hour_of_wall_clock(sw: Switch) -> None:
    hourly = layer(rotation_unit="hour", rotation_value=24, layer_start=sw.before_at(-1, 9))
    shifts = compute([hourly], sw.before_at(-1, 9), sw.before_at(-1, 9) + 3 * DAY, sw.zone).layers[0]
    assert lengths(shifts) == [DAY, DAY, DAY]
    drifted = 9 - sw.change // HOUR  # 10:00 after a spring switch, 08:00 after an autumn one
    assert [shift.start for shift in shifts] == [sw.before_at(-1, 9), sw.after_at(0, drifted),
                                                 sw.after_at(1, drifted)]


@switches
def test_hourly_rotation_counts_elapsed_hours(sw: Switch) -> None:
    hourly = layer("A", "B", "C", rotation_unit="hour", rotation_value=1, layer_start=sw.before_at(-1, 0))
    shifts = compute([hourly], sw.before_at(0, 0), sw.after_at(1, 0), sw.zone).layers[0]
    assert len(shifts) == 24 + sw.change // HOUR  # 23 or 25 one-hour shifts on the switch Sunday
    assert set(lengths(shifts)) == {HOUR}
    assert [shift.slot for shift in shifts] == list(range(24, 24 + len(shifts)))
    assert [shift.index for shift in shifts] == [k % 3 for k in range(24, 24 + len(shifts))]
    assert [shift.start for shift in shifts] == [sw.before_at(0, 0) + i * HOUR for i in range(len(shifts))]
    if sw.spring:  # 01:00 before the switch is followed by 03:00 after it
        assert sw.before_at(0, 1) + HOUR == sw.after_at(0, 3) in [shift.start for shift in shifts]


# --- monthly rotations -------------------------------------------------------------------------

def test_monthly_rotation_at_0230_on_the_29th_of_march_in_berlin() -> None:
    monthly = layer("A", "B", "C", rotation_unit="month", rotation_value=1,
                    layer_start=ts(datetime(2026, 1, 29, 2, 30, tzinfo=CET)))
    shifts = compute([monthly], ts(datetime(2026, 1, 29, tzinfo=CET)), ts(datetime(2026, 5, 1, tzinfo=CEST)),
                     "Europe/Berlin").layers[0]
    assert spans(shifts) == [
        (ts(datetime(2026, 1, 29, 2, 30, tzinfo=CET)), ts(datetime(2026, 2, 28, 2, 30, tzinfo=CET)), "A"),
        (ts(datetime(2026, 2, 28, 2, 30, tzinfo=CET)), BERLIN_SPRING, "B"),  # 29 March 02:30 is skipped
        (BERLIN_SPRING, ts(datetime(2026, 4, 29, 2, 30, tzinfo=CEST)), "C"),
        (ts(datetime(2026, 4, 29, 2, 30, tzinfo=CEST)), ts(datetime(2026, 5, 1, tzinfo=CEST)), "A")]


@pytest.mark.parametrize(("zone", "start", "handoff", "after"), [
    # Berlin: 25 October 02:30 is repeated; the hand-off is the first one, CEST.
    (BERLIN, datetime(2026, 8, 25, 2, 30, tzinfo=CEST), BERLIN_AUTUMN_FIRST_0230,
     datetime(2026, 11, 25, 2, 30, tzinfo=CET)),
    # New York: 8 March 02:30 is skipped; the hand-off is 03:00 EDT.
    (NEW_YORK, datetime(2026, 1, 8, 2, 30, tzinfo=EST), NEW_YORK_SPRING, datetime(2026, 4, 8, 2, 30, tzinfo=EDT)),
    # New York: 1 November 01:30 is repeated; the hand-off is 01:30 EDT.
    (NEW_YORK, datetime(2026, 9, 1, 1, 30, tzinfo=EDT), NEW_YORK_AUTUMN_FIRST_0130,
     datetime(2026, 12, 1, 1, 30, tzinfo=EST)),
])
def test_monthly_handoff_on_a_switch_day(zone: ZoneInfo, start: datetime, handoff: int, after: datetime) -> None:
    monthly = layer("A", "B", "C", rotation_unit="month", rotation_value=1, layer_start=ts(start))
    shifts = compute([monthly], ts(start), ts(after) + DAY, zone).layers[0]
    assert [shift.start for shift in shifts][2:] == [handoff, ts(after)]
    assert [shift.group.group_name for shift in shifts] == ["A", "B", "C", "A"]


# --- fair rotation -----------------------------------------------------------------------------

def test_fair_rotation_with_seven_groups_moves_everyone_a_day_later_each_week() -> None:
    names = [f"P{i}" for i in range(7)]
    start = ts(datetime(2026, 3, 23, tzinfo=CET))  # Monday before the switch
    fair = layer(*names, rotation_unit="day", rotation_value=1, layer_start=start, fair_rotation=True)
    shifts = compute([fair], start, ts(datetime(2026, 4, 6, tzinfo=CEST)), BERLIN).layers[0]
    assert [shift.index for shift in shifts] == [0, 1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6, 0]
    assert [shift.slot for shift in shifts] == list(range(14))
    assert (shifts[6].start, shifts[6].end) == (ts(datetime(2026, 3, 29, tzinfo=CET)),
                                                ts(datetime(2026, 3, 30, tzinfo=CEST)))
    assert shifts[6].end - shifts[6].start == 23 * HOUR
    assert shifts[7].group.group_name == "P1"  # week 2 starts with group 1

    plain = layer(*names, rotation_unit="day", rotation_value=1, layer_start=start)
    shifts = compute([plain], start, ts(datetime(2026, 4, 6, tzinfo=CEST)), BERLIN).layers[0]
    assert [shift.index for shift in shifts] == [*range(7), *range(7)]


# --- overrides ---------------------------------------------------------------------------------

def overrides_over_the_switch_night(first: int | None, second: int | None) -> list[tuple[int, int, str, int]]:
    base = layer("N", rotation_unit="day", rotation_value=1, layer_start=ts(datetime(2026, 3, 28, tzinfo=CET)))
    early = layer("X", mode=1, weight=first, layer_start=ts(datetime(2026, 3, 28, 22, tzinfo=CET)),
                  layer_end=ts(datetime(2026, 3, 29, 4, tzinfo=CEST)))
    late = layer("Y", mode=1, weight=second, layer_start=ts(datetime(2026, 3, 29, 0, tzinfo=CET)),
                 layer_end=ts(datetime(2026, 3, 29, 8, tzinfo=CEST)))
    final = compute([base, early, late], ts(datetime(2026, 3, 28, 12, tzinfo=CET)),
                    ts(datetime(2026, 3, 29, 12, tzinfo=CEST)), BERLIN).final
    return [(s.start, s.end, s.group.group_name, s.weight) for s in final]


def test_higher_weight_override_beats_a_later_override() -> None:
    assert overrides_over_the_switch_night(5, 2) == [
        (ts(datetime(2026, 3, 28, 12, tzinfo=CET)), ts(datetime(2026, 3, 28, 22, tzinfo=CET)), "N", 0),
        (ts(datetime(2026, 3, 28, 22, tzinfo=CET)), ts(datetime(2026, 3, 29, 4, tzinfo=CEST)), "X", 5),
        (ts(datetime(2026, 3, 29, 4, tzinfo=CEST)), ts(datetime(2026, 3, 29, 8, tzinfo=CEST)), "Y", 2),
        (ts(datetime(2026, 3, 29, 8, tzinfo=CEST)), ts(datetime(2026, 3, 29, 12, tzinfo=CEST)), "N", 0)]


def test_equal_weights_go_to_the_later_override() -> None:
    assert overrides_over_the_switch_night(3, 3) == [
        (ts(datetime(2026, 3, 28, 12, tzinfo=CET)), ts(datetime(2026, 3, 28, 22, tzinfo=CET)), "N", 0),
        (ts(datetime(2026, 3, 28, 22, tzinfo=CET)), ts(datetime(2026, 3, 29, 0, tzinfo=CET)), "X", 3),
        (ts(datetime(2026, 3, 29, 0, tzinfo=CET)), ts(datetime(2026, 3, 29, 8, tzinfo=CEST)), "Y", 3),
        (ts(datetime(2026, 3, 29, 8, tzinfo=CEST)), ts(datetime(2026, 3, 29, 12, tzinfo=CEST)), "N", 0)]


def test_missing_weights_default_to_the_layer_position() -> None:
    # X at position 1 weighs 1 and beats Y (weight 0) although Y comes later; N (position 0) weighs 0.
    assert overrides_over_the_switch_night(None, 0) == [
        (ts(datetime(2026, 3, 28, 12, tzinfo=CET)), ts(datetime(2026, 3, 28, 22, tzinfo=CET)), "N", 0),
        (ts(datetime(2026, 3, 28, 22, tzinfo=CET)), ts(datetime(2026, 3, 29, 4, tzinfo=CEST)), "X", 1),
        (ts(datetime(2026, 3, 29, 4, tzinfo=CEST)), ts(datetime(2026, 3, 29, 8, tzinfo=CEST)), "Y", 0),
        (ts(datetime(2026, 3, 29, 8, tzinfo=CEST)), ts(datetime(2026, 3, 29, 12, tzinfo=CEST)), "N", 0)]
