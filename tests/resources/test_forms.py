"""flashcat_pulumi.resources._forms: each friendly form's parser, and the canonical spelling its
renderer gives, which parses back to the same meaning."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from flashcat_pulumi.resources._forms import (
    DAY,
    HOUR,
    MAX_EPOCH,
    WEEK,
    FormError,
    parse_day_mask_day,
    parse_duration,
    parse_handoff,
    parse_instant,
    parse_person,
    parse_restrict_mode,
    parse_string,
    parse_window,
    parse_window_bound,
    parse_zone,
    read_wall_clock,
    render_day_mask,
    render_duration,
    render_handoff,
    render_instant,
    render_restrict_mode,
    render_window,
    show,
    split_window,
    whole_number,
)

SHANGHAI, NEW_YORK = ZoneInfo("Asia/Shanghai"), ZoneInfo("America/New_York")
MON_0900 = 1796605200  # 2026-12-07 09:00 +08:00, a Monday
MON_0000 = 1796572800  # 2026-12-07 00:00 +08:00


def instant(value, zone=SHANGHAI):
    parsed = parse_instant(value)
    return read_wall_clock(parsed, zone) if isinstance(parsed, datetime) else parsed


# --- durations ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "seconds"), [
    ("30m", 1800), ("12h", 43200), ("1d", DAY), ("2w", 2 * WEEK), ("1d12h", 129600), ("90s", 90),
    ("1D 12H", 129600), (timedelta(hours=2), 7200), (3600, 3600), (3600.0, 3600), ("1w2d3h4m5s", 788645),
])
def test_parse_duration(value, seconds):
    assert parse_duration(value) == seconds


@pytest.mark.parametrize("value", ["", "1x", "1 month", "h", "1h1w", 1.5, True, None, timedelta(milliseconds=1)])
def test_parse_duration_refuses(value):
    with pytest.raises(FormError, match="must be a duration such as '30m'"):
        parse_duration(value)


@pytest.mark.parametrize(("seconds", "text"), [
    (WEEK, "1w"), (43200, "12h"), (129600, "1d12h"), (1800, "30m"), (2 * WEEK, "2w"), (9 * DAY, "1w2d"),
    (90, "1m30s"), (0, "0s"), (788645, "1w2d3h4m5s"),
])
def test_render_duration_is_largest_units_first_and_parses_back(seconds, text):
    assert render_duration(seconds) == text
    assert parse_duration(text) == seconds


# --- instants ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "zone", "epoch"), [
    (MON_0900, SHANGHAI, MON_0900),
    (float(MON_0900), SHANGHAI, MON_0900),
    ("2026-12-07T09:00", SHANGHAI, MON_0900),
    ("2026-12-07 09:00", SHANGHAI, MON_0900),
    ("2026-12-07", SHANGHAI, MON_0000),
    (date(2026, 12, 7), SHANGHAI, MON_0000),
    (datetime(2026, 12, 7, 9, 0), SHANGHAI, MON_0900),
    ("2026-12-07T09:00+08:00", ZoneInfo("UTC"), MON_0900),
    ("2026-12-07T01:00Z", SHANGHAI, MON_0900),
    (datetime(2026, 12, 7, 1, 0, tzinfo=timezone.utc), NEW_YORK, MON_0900),
    ("2026-07-01T09:00", NEW_YORK, 1782910800),  # EDT, UTC-4
    ("2026-12-01T09:00", NEW_YORK, 1796133600),  # EST, UTC-5
    ("2026-11-01T01:30", NEW_YORK, 1793511000),  # repeated hour: the first (EDT) one
])
def test_parse_instant(value, zone, epoch):
    assert instant(value, zone) == epoch


def test_naive_values_wait_for_a_zone():
    assert parse_instant("2026-12-07T09:00") == datetime(2026, 12, 7, 9, 0)  # a wall-clock time, naive
    assert parse_instant("2026-12-07T09:00+08:00") == MON_0900


@pytest.mark.parametrize(("value", "zone", "message"), [
    ("2026-03-08T02:30", NEW_YORK, "does not exist in America/New_York"),
    (1796605200000, SHANGHAI, "looks like milliseconds"),
    (-1, SHANGHAI, "before 1970"),
    ("next monday", SHANGHAI, "must be epoch seconds, an ISO time"),
])
def test_parse_instant_refuses(value, zone, message):
    with pytest.raises(FormError, match=message):
        instant(value, zone)


@pytest.mark.parametrize(("epoch", "zone", "text"), [
    (MON_0900, SHANGHAI, "2026-12-07T09:00:00+08:00"),
    (MON_0900, ZoneInfo("UTC"), "2026-12-07T01:00:00+00:00"),
    (1782910800, NEW_YORK, "2026-07-01T09:00:00-04:00"),
    (1796133600, NEW_YORK, "2026-12-01T09:00:00-05:00"),
    (1793511000, NEW_YORK, "2026-11-01T01:30:00-04:00"),  # the first 01:30 of the repeated hour
    (1793514600, NEW_YORK, "2026-11-01T01:30:00-05:00"),  # the second: its offset tells them apart
])
def test_render_instant_carries_the_offset_and_parses_back(epoch, zone, text):
    assert render_instant(epoch, zone) == text
    assert parse_instant(text) == epoch


def test_zones():
    assert parse_zone("Europe/Berlin").key == "Europe/Berlin"
    for bad in ("Asia/Beijing", "", 8, None):
        with pytest.raises(FormError, match="IANA time zone"):
            parse_zone(bad)


# --- hand-offs, windows, modes, day masks ------------------------------------------------------

@pytest.mark.parametrize(("value", "seconds"), [
    ("mon 09:00", 9 * HOUR), ("09:00", 9 * HOUR), ("Sunday 23:30", 6 * DAY + 23.5 * HOUR),
    ("FRI 18:00", 4 * DAY + 18 * HOUR), ("tues 00:00", DAY), (0.0, 0), (WEEK - 1, WEEK - 1),
    ("wed 12:00:30", 2 * DAY + 43230),
])
def test_parse_handoff(value, seconds):
    assert parse_handoff(value) == seconds


@pytest.mark.parametrize(("value", "message"), [
    ("funday 09:00", "'mon 09:00'"), ("mon 9am", "'mon 09:00'"), (WEEK, "below 604800"), (-1, "at least 0"),
    ("mon 24:00", "'mon 09:00'"),
])
def test_parse_handoff_refuses(value, message):
    with pytest.raises(FormError, match=message):
        parse_handoff(value)


@pytest.mark.parametrize(("seconds", "text"), [
    (9 * HOUR, "mon 09:00"), (4 * DAY + 18 * HOUR, "fri 18:00"), (6 * DAY + 23.5 * HOUR, "sun 23:30"), (0, "mon 00:00"),
    (2 * DAY + 43230, "wed 12:00:30"),
])
def test_render_handoff_parses_back(seconds, text):
    assert render_handoff(int(seconds)) == text
    assert parse_handoff(text) == seconds


@pytest.mark.parametrize(("text", "mode", "seconds"), [
    ("09:00-18:00", 1, (32400, 64800)),
    ("18:00-09:00", 1, (64800, 32400)),
    ("13:00-24:00", 1, (46800, DAY)),
    ("mon 09:00-fri 18:00", 2, (32400, 4 * DAY + 64800)),
    ("sat 00:00-sun 24:00", 2, (5 * DAY, WEEK)),
])
def test_windows_render_and_parse_back(text, mode, seconds):
    assert render_window(*seconds, mode) == text
    bounds = split_window(text)
    assert tuple(parse_window_bound(bound, is_end=is_end)[0] for bound, is_end in zip(bounds, (False, True),
                                                                                      strict=True)) == seconds


def test_window_shapes_and_bound_forms():
    assert parse_window("09:00-18:00") == ("09:00", "18:00")
    assert parse_window(("mon 09:00", "fri 18:00")) == ("mon 09:00", "fri 18:00")
    assert parse_window_bound("09:00", is_end=False) == (32400, "daily")
    assert parse_window_bound("mon 09:00", is_end=False) == (32400, "weekly")
    assert parse_window_bound(32400.0, is_end=False) == (32400, "seconds")
    with pytest.raises(FormError, match="00:00 to 23:59"):
        parse_window_bound("24:00", is_end=False)  # only an end may be the end of the day
    with pytest.raises(FormError, match="must be a window"):
        parse_window(("09:00",))
    with pytest.raises(FormError, match="must be a window"):
        split_window("09:00")


@pytest.mark.parametrize(("value", "mode"), [("none", 0), ("DAILY", 1), (" weekly ", 2), (0, 0), (1.0, 1), (2, 2)])
def test_restrict_modes(value, mode):
    assert parse_restrict_mode(value) == mode
    assert parse_restrict_mode(render_restrict_mode(mode)) == mode


@pytest.mark.parametrize("value", ["hourly", 3, True, None])
def test_restrict_mode_refuses(value):
    with pytest.raises(FormError, match="'none', 'daily' or 'weekly'"):
        parse_restrict_mode(value)


def test_day_mask_days():
    assert [parse_day_mask_day(day) for day in ("sun", "Monday", "sat", 6.0, 0)] == [0, 1, 6, 6, 0]
    with pytest.raises(FormError, match="'moon' is not a weekday"):
        parse_day_mask_day("moon")
    with pytest.raises(FormError, match=r"0 \(Sunday\) to 6 \(Saturday\)"):
        parse_day_mask_day(7)
    assert render_day_mask([0, 6, 1, 3]) == ["mon", "wed", "sat", "sun"]  # week order, Monday first


@pytest.mark.parametrize(("value", "ref"), [
    (2476444212131, 2476444212131), (2476444212131.0, 2476444212131), ("2476444212131", 2476444212131),
    (" Alice@Example.COM ", "alice@example.com"),
])
def test_people(value, ref):
    assert parse_person(value) == ref


@pytest.mark.parametrize("value", ["bob@", "alice@example", 0, -3, True, 1.5, None])
def test_people_refused(value):
    with pytest.raises(FormError, match=r"person id|email address"):
        parse_person(value)


# --- odd values: other scripts' digits, the calendar's edges, numbers Pulumi cannot carry ---------

@pytest.mark.parametrize("digits", ["²", "፯", "١", "１２", "𝟗"])
def test_only_ascii_digits_are_numbers(digits):
    with pytest.raises(FormError, match="digits 0-9"):
        parse_person(digits)  # "²".isdigit() is true, but int() refuses it, and reads "١" as 1
    with pytest.raises(FormError, match="must be a duration"):
        parse_duration(f"{digits}h")
    with pytest.raises(FormError, match="'mon 09:00'"):
        parse_handoff(f"mon {digits}:00")
    with pytest.raises(FormError, match="'HH:MM'"):
        parse_window_bound(f"{digits}:00", is_end=False)


@pytest.mark.parametrize("value", [2**53 + 1, -(2**53) - 1, 2**70, 1e308, -1e308, 2.0**53 * 2])
def test_whole_numbers_stay_within_what_pulumi_carries_exactly(value):
    with pytest.raises(FormError, match=r"at most 2\^53"):
        whole_number(value)


@pytest.mark.parametrize(("value", "number"), [(2**53, 2**53), (-(2**53), -(2**53)), (-0.0, 0), (3.0, 3)])
def test_whole_numbers_at_the_edge(value, number):
    assert whole_number(value) == number and type(whole_number(value)) is int


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf"), True, "1", None, 0.5])
def test_not_whole_numbers(value):
    with pytest.raises(FormError, match="must be a whole number, got"):
        whole_number(value)


@pytest.mark.parametrize("value", ["9" * 5000, "9" * 5000 + "h", "99999999999w", "9" * 17 + "s"])
def test_huge_durations_are_refused_not_overflowed(value):
    with pytest.raises(FormError, match=r"duration|2\^53"):
        parse_duration(value)


@pytest.mark.parametrize("value", ["9" * 5000, "9" * 17, 2**70, 1e308, float("nan")])
def test_huge_person_ids_are_refused(value):
    with pytest.raises(FormError, match=r"person id|2\^53"):
        parse_person(value)


@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Asia/Kolkata", "Etc/GMT-14", "Etc/GMT+12"])
@pytest.mark.parametrize(("value", "message"), [
    ("0001-01-01", "before 1970"), ("0001-01-01T00:00+14:00", "before 1970"),
    ("1969-12-31T23:59:59.5Z", "before 1970"),  # rounded down, not up to epoch 0
    ("9999-12-31T23:59", "before 5138-11-16T09:46:40Z"), ("9999-12-31T23:59:59-12:00", "before 5138"),
    ("6000-01-01T00:00", "before 5138"), ("5138-11-16T09:46:40Z", "before 5138"),
    (10**11, "looks like milliseconds"), (-1, "before 1970"),
])
def test_instants_outside_the_range_are_refused(value, zone, message):
    with pytest.raises(FormError, match=message):
        instant(value, ZoneInfo(zone))


@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Asia/Kolkata", "Etc/GMT-14", "Etc/GMT+12"])
@pytest.mark.parametrize("epoch", [0, MAX_EPOCH - 1])
def test_instants_at_the_range_edges_render_in_any_zone_and_parse_back(epoch, zone):
    text = render_instant(epoch, ZoneInfo(zone))
    assert parse_instant(text) == epoch


def test_show_never_raises():
    assert show(10**5000) == "<int too large to show>"  # repr refuses ints of over 4300 digits
    deep: list = []
    for _ in range(100_000):
        deep = [deep]
    assert show(deep) == "<list too large to show>"


def test_strings_must_be_sendable():
    with pytest.raises(FormError, match="lone surrogate"):
        parse_string("on call\ud800")
    with pytest.raises(FormError, match="lone surrogate"):
        parse_person("a\udfff@example.com")
    assert parse_string("nul \x00 and é") == "nul \x00 and é"  # JSON carries them
