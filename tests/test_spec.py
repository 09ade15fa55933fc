"""flashcat_pulumi.models.spec: friendly input forms, canonical inputs, validation that mirrors the
emulator, Unknown (preview) values, and the mapping to and from the wire, through the real emulator too."""

from __future__ import annotations

import copy
import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest
from pulumi.output import Unknown

from flashcat_pulumi.emulator.store import APP_WEBHOOKS, ROBOT_WEBHOOKS
from flashcat_pulumi.models.spec import (
    OVERRIDE_PREFIX,
    Failure,
    SpecError,
    check_schedule,
    check_team,
    parse_duration,
    parse_instant,
    schedule_from_wire,
    schedule_people,
    schedule_to_wire,
    team_from_wire,
    team_people,
    team_to_wire,
)
from flashcat_pulumi.wire import ScheduleGroup, ScheduleLayer, ScheduleMember
from flashcat_pulumi.wire import ScheduleItem as Schedule
from flashcat_pulumi.wire import TeamItem as Team

ALICE, BOB, CAROL, DAVE, ERIN = 2476444212131, 2476444212132, 2476444212133, 2476444212134, 2476444212135
EMAILS = {ALICE: "alice@example.com", BOB: "bob@example.com", CAROL: "carol@example.com"}
IDS = {email: pid for pid, email in EMAILS.items()}
MON_0900 = 1796605200  # 2026-12-07 09:00 +08:00, a Monday
MON_0000 = 1796572800  # 2026-12-07 00:00 +08:00
HOUR, DAY, WEEK = 3600, 86400, 604800
TZ = "Asia/Shanghai"
UNKNOWN = Unknown()
API_EXAMPLE = Path(__file__).resolve().parents[1] / "flashcat_pulumi" / "emulator" / "openapi.subset.json"


def person_id(ref):
    return ref if isinstance(ref, int) else IDS[ref]


def render(pid):
    """The inverse of person_id: the three seeded emails come back as emails, other people as ids."""
    return EMAILS.get(pid, pid)


def layer(**fields):
    return {"layer_start": MON_0900, "rotation_duration": "1d", "groups": ["alice@example.com"], **fields}


def schedule(**fields):
    return {"schedule_name": "SRE primary", "layers": [layer()], **fields}


def check(props, default_time_zone=TZ):
    canonical, failures = check_schedule(props, default_time_zone=default_time_zone)
    assert failures == []
    return canonical


def check_layer(**fields):
    return check(schedule(layers=[layer(**fields)]))["layers"][0]


def failures_of(props):
    return check_schedule(props, default_time_zone=TZ)[1]


def only_failure(props):
    failures = failures_of(props)
    assert len(failures) == 1, failures
    return failures[0]


def as_floats(value):
    """What the Pulumi engine hands back: every number a float."""
    if isinstance(value, dict):
        return {k: as_floats(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_floats(v) for v in value]
    return float(value) if isinstance(value, int) and not isinstance(value, bool) else value


RICH = schedule(
    description="Site reliability",
    team_id=6000000000000,
    time_zone="America/New_York",
    layers=[
        layer(layer_name="weekly", layer_start="2026-12-07T09:00", layer_end="2027-06-01", rotation_duration="1w",
              handoff_time="mon 09:00", fair_rotation=True, restrict_periods=[("18:00", "09:00"), ("12:00", "13:00")],
              day_mask="weekdays", mask_continuous_enabled=True,
              groups=[["bob@example.com", "alice@example.com"], {"people": [DAVE], "name": "night", "role_id": 1},
                      {"group_name": "C", "members": [{"role_id": 1, "person_ids": [ERIN]},
                                                      {"role_id": 0, "person_ids": ["carol@example.com"]},
                                                      {"role_id": 1, "person_ids": [DAVE]}]}]),
        layer(layer_start=MON_0000, rotation_duration=None, rotation_unit="month", rotation_value=1,
              restrict_periods=[("sat 00:00", "sun 24:00")], groups=["carol@example.com", DAVE]),
    ],
    overrides=[{"start": "2026-12-25T00:00", "end": "2026-12-26T00:00", "person": "bob@example.com", "name": "xmas"},
               {"start": "2026-12-24T00:00", "end": "2026-12-25T00:00", "persons": [ERIN, DAVE]}],
    notify={"advance_in_time": "10m", "fixed_time": "08:00", "follow_preference": True,
            "personal_channels": ["sms", "email"],
            "webhooks": [{"type": "feishu", "token": "t0k3n", "sign_secret": "s3cret", "alias": "SRE chat"},
                         {"type": "slack_app", "data_source_id": 42, "chat_ids": ["C2", "C1"]}]},
)


# --- leaf forms -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "seconds"), [
    ("30m", 1800), ("12h", 43200), ("1d", DAY), ("2w", 2 * WEEK), ("1d12h", 129600), ("90s", 90),
    ("1D 12H", 129600), (timedelta(hours=2), 7200), (3600, 3600), (3600.0, 3600),
])
def test_parse_duration(value, seconds):
    assert parse_duration(value) == seconds


@pytest.mark.parametrize("value", ["", "1x", "1 month", "h", 1.5, True, None, timedelta(milliseconds=1)])
def test_parse_duration_refuses(value):
    with pytest.raises(SpecError, match="must be a duration such as '30m'"):
        parse_duration(value)


@pytest.mark.parametrize(("value", "zone", "epoch"), [
    (MON_0900, TZ, MON_0900),
    (float(MON_0900), TZ, MON_0900),
    ("2026-12-07T09:00", TZ, MON_0900),
    ("2026-12-07 09:00", TZ, MON_0900),
    ("2026-12-07", TZ, MON_0000),
    (date(2026, 12, 7), TZ, MON_0000),
    (datetime(2026, 12, 7, 9, 0), TZ, MON_0900),
    ("2026-12-07T09:00+08:00", "UTC", MON_0900),
    ("2026-12-07T01:00Z", TZ, MON_0900),
    (datetime(2026, 12, 7, 1, 0, tzinfo=timezone.utc), "America/New_York", MON_0900),
    ("2026-07-01T09:00", "America/New_York", 1782910800),  # EDT, UTC-4
    ("2026-12-01T09:00", "America/New_York", 1796133600),  # EST, UTC-5
    ("2026-11-01T01:30", "America/New_York", 1793511000),  # repeated hour: the first (EDT) one
])
def test_parse_instant(value, zone, epoch):
    assert parse_instant(value, zone) == epoch


@pytest.mark.parametrize(("value", "zone", "message"), [
    ("2026-03-08T02:30", "America/New_York", "does not exist in America/New_York"),
    (1796605200000, TZ, "looks like milliseconds"),
    (-1, TZ, "before 1970"),
    ("next monday", TZ, "must be epoch seconds, an ISO time"),
    ("2026-12-07", "Mars/Olympus", "IANA time zone"),
])
def test_parse_instant_refuses(value, zone, message):
    with pytest.raises(SpecError, match=message):
        parse_instant(value, zone)


def test_spec_error_joins_paths_and_reasons():
    error = SpecError([Failure("a", "bad"), Failure("b[0]", "worse")])
    assert str(error) == "a: bad; b[0]: worse"
    assert isinstance(error, ValueError)


@pytest.mark.parametrize(("value", "seconds"), [
    ("mon 09:00", 9 * HOUR), ("09:00", 9 * HOUR), ("Sunday 23:30", 6 * DAY + 23.5 * HOUR),
    ("FRI 18:00", 4 * DAY + 18 * HOUR), ("tues 00:00", DAY), (0.0, 0), (WEEK - 1, WEEK - 1),
])
def test_handoff_time(value, seconds):
    assert check_layer(handoff_time=value)["handoff_time"] == seconds


@pytest.mark.parametrize(("windows", "mode", "periods"), [
    ([("09:00", "18:00")], None, (1, [(32400, 64800)])),
    (("09:00", "18:00"), None, (1, [(32400, 64800)])),                       # one window on its own
    ([("18:00", "09:00")], "daily", (1, [(64800, 32400)])),                  # a night shift wraps
    ([["13:00", "24:00"], ["00:00", "01:00"]], 1, (1, [(0, 3600), (46800, 86400)])),  # sorted by start
    ([("mon 09:00", "fri 18:00")], None, (2, [(32400, 4 * DAY + 64800)])),
    ([("sat 00:00", "sun 24:00")], "weekly", (2, [(5 * DAY, WEEK)])),
    ([{"restrict_start": 32400, "restrict_end": 64800}], 1.0, (1, [(32400, 64800)])),
    ({"restrict_start": 32400, "restrict_end": 64800}, "WEEKLY", (2, [(32400, 64800)])),
    ([(32400, 64800)], "daily", (1, [(32400, 64800)])),
    ([], "none", (0, [])),
    (None, None, (0, [])),
])
def test_restrict_windows(windows, mode, periods):
    result = check_layer(restrict_periods=windows, restrict_mode=mode)
    assert (result["restrict_mode"], [(p["restrict_start"], p["restrict_end"]) for p in result["restrict_periods"]]) \
        == periods


@pytest.mark.parametrize(("mask", "days"), [
    (["mon", "tue", "wed", "thu", "fri"], [1, 2, 3, 4, 5]),
    ("weekdays", [1, 2, 3, 4, 5]),
    ("weekends", [0, 6]),
    (["Sunday", "sat"], [0, 6]),
    ([6.0, 0], [0, 6]),
    ({"repeat": [5, 1, 3]}, [1, 3, 5]),
    ("wed", [3]),
    (None, None),
])
def test_day_mask(mask, days):
    assert check_layer(day_mask=mask)["day_mask"] == days


@pytest.mark.parametrize(("fields", "rotation"), [
    ({"rotation_duration": "1w"}, (WEEK, None, None)),
    ({"rotation_duration": WEEK}, (WEEK, None, None)),
    ({"rotation_duration": float(WEEK)}, (WEEK, None, None)),
    ({"rotation_duration": timedelta(weeks=1)}, (WEEK, None, None)),
    ({"rotation_duration": None, "rotation_unit": "week", "rotation_value": 1}, (WEEK, None, None)),
    ({"rotation_duration": None, "rotation_unit": "days", "rotation_value": 7}, (WEEK, None, None)),
    ({"rotation_duration": 86400, "rotation_unit": "day", "rotation_value": 1}, (DAY, None, None)),  # API echo
    ({"rotation_duration": "90m"}, (5400, None, None)),
    ({"rotation_duration": None, "rotation_unit": "month", "rotation_value": 2}, (None, "month", 2)),
    ({"rotation_duration": 0, "rotation_unit": "month", "rotation_value": 1.0}, (None, "month", 1)),  # API echo
])
def test_rotation_forms(fields, rotation):
    result = check_layer(**fields)
    assert (result["rotation_duration"], result["rotation_unit"], result["rotation_value"]) == rotation


@pytest.mark.parametrize(("ref", "canonical"), [
    (ALICE, ALICE), (float(ALICE), ALICE), (str(ALICE), ALICE), (" Alice@Example.COM ", "alice@example.com"),
])
def test_person_forms(ref, canonical):
    assert check_team({"team_name": "SRE", "members": [ref]})[0]["members"] == [canonical]


def test_groups_in_every_shape_mean_the_same():
    shapes = [
        ["alice@example.com", [BOB, "carol@example.com"]],
        [["alice@example.com"], {"people": ["carol@example.com", BOB], "name": "B"}],
        [{"people": "alice@example.com", "role_id": 0},
         {"group_name": "B", "members": [{"role_id": 0, "person_ids": [f"{BOB}", "CAROL@example.com"]}]}],
        [{"group_name": "A", "name": "A", "start": 0, "end": 0,
          "members": [{"role_id": 0, "person_ids": ["alice@example.com"]}]},
         {"name": "B", "members": [{"person_ids": ["carol@example.com"]}, {"role_id": 0.0, "person_ids": [BOB, BOB]}]}],
    ]
    expected = [{"group_name": "A", "members": [{"role_id": 0, "person_ids": ["alice@example.com"]}]},
                {"group_name": "B", "members": [{"role_id": 0, "person_ids": [BOB, "carol@example.com"]}]}]
    for groups in shapes:
        assert check_layer(groups=groups)["groups"] == expected


def test_group_slots_merge_by_role_and_default_names_run_past_z():
    groups = check_layer(groups=[*range(1, 28), {"people": [9], "name": "on call", "role_id": 1}])["groups"]
    assert [g["group_name"] for g in groups[:2]] + [g["group_name"] for g in groups[25:]] \
        == ["A", "B", "Z", "G27", "on call"]
    assert groups[27]["members"] == [{"role_id": 1, "person_ids": [9]}]
    merged = check_layer(groups=[{"members": [{"role_id": 1, "person_ids": [3]}, {"role_id": 0, "person_ids": [2]},
                                              {"role_id": 1, "person_ids": [1, 3]}]}])["groups"][0]["members"]
    assert merged == [{"role_id": 0, "person_ids": [2]}, {"role_id": 1, "person_ids": [1, 3]}]


def test_override_forms_and_order():
    overrides = check(schedule(overrides=[
        {"start": "2026-12-25", "end": "2026-12-26", "person": "Bob@example.com", "name": "xmas"},
        {"start": MON_0000, "end": MON_0900, "persons": ["carol@example.com", ALICE]},
        {"start": MON_0000, "end": MON_0900, "person_ids": [DAVE], "name": "a"},
    ]))["overrides"]
    assert overrides == [
        {"name": "a", "start": MON_0000, "end": MON_0900, "person_ids": [DAVE]},
        {"name": "override", "start": MON_0000, "end": MON_0900, "person_ids": [ALICE, "carol@example.com"]},
        {"name": "xmas", "start": 1798128000, "end": 1798214400, "person_ids": ["bob@example.com"]},
    ]


def test_notify_friendly_and_api_shapes_mean_the_same():
    friendly = {"advance_in_time": "5m", "fixed_time": "8:00", "follow_preference": True,
                "personal_channels": ["sms", "email", "feishu_app:12"],
                "webhooks": [{"type": "dingtalk", "token": "tok", "sign_secret": "sig"},
                             {"type": "wecom_app", "data_source_id": 7.0, "chat_ids": ["b", "a"], "alias": "ops"}]}
    api = {"advance_in_time": 300, "fixed_time": {"cycle": "day", "start": "08:00"},
           "by": {"follow_preference": True, "personal_channels": ["email", "feishu_app:12", "sms"]},
           "webhooks": [{"type": "dingtalk", "settings": {"token": "tok", "sign_secret": "sig", "alias": "",
                                                          "data_source_id": 0, "chat_ids": [], "verify_token": ""}},
                        {"type": "wecom_app", "settings": {"data_source_id": 7, "chat_ids": ["a", "b"],
                                                           "alias": "ops"}}]}
    expected = {"advance_in_time": 300, "fixed_time": "08:00", "follow_preference": True,
                "personal_channels": ["email", "feishu_app:12", "sms"],
                "webhooks": [{"type": "dingtalk", "alias": "", "token": "tok", "sign_secret": "sig",
                              "verify_token": "", "data_source_id": 0, "chat_ids": []},
                             {"type": "wecom_app", "alias": "ops", "token": "", "sign_secret": "",
                              "verify_token": "", "data_source_id": 7, "chat_ids": ["a", "b"]}]}
    assert check(schedule(notify=friendly))["notify"] == expected
    assert check(schedule(notify=api))["notify"] == expected


@pytest.mark.parametrize("notify", [
    None, {}, {"advance_in_time": 0, "fixed_time": None, "by": {"follow_preference": False, "personal_channels": None},
               "webhooks": None},
    {"fixed_time": {"cycle": "", "start": ""}},
])
def test_notify_that_notifies_nobody_is_none(notify):
    assert check(schedule(notify=notify))["notify"] is None


@pytest.mark.parametrize("kind", APP_WEBHOOKS + ROBOT_WEBHOOKS)
def test_every_webhook_type_the_emulator_knows_is_accepted(kind):
    webhook = {"type": kind, "token": "tok", "data_source_id": 1, "chat_ids": ["c"]}
    assert check(schedule(notify={"webhooks": [webhook]}))["notify"]["webhooks"][0]["type"] == kind


# --- canonical form ---------------------------------------------------------------------------------------

def test_canonical_schedule_shape():
    canonical = check(schedule())
    assert canonical == {
        "schedule_name": "SRE primary", "description": "", "team_id": None, "time_zone": TZ, "adopt": False,
        "layers": [{"layer_name": "Layer 1", "layer_start": MON_0900, "layer_end": None, "rotation_duration": DAY,
                    "rotation_unit": None, "rotation_value": None, "handoff_time": 0, "fair_rotation": False,
                    "restrict_mode": 0, "restrict_periods": [], "day_mask": None, "mask_continuous_enabled": False,
                    "groups": [{"group_name": "A", "members": [{"role_id": 0, "person_ids": ["alice@example.com"]}]}]}],
        "overrides": [], "notify": None,
    }


def test_the_api_docs_create_example_reads_like_its_friendly_equivalent():
    example = json.loads(API_EXAMPLE.read_text())["paths"]["/schedule/create"]["post"]["requestBody"]["content"][
        "application/json"]["example"]
    friendly = {"schedule_name": "Production On-Call", "team_id": 4291079133131,
                "description": "Primary on-call rotation for the production team",
                "layers": [{"layer_name": "Layer 1", "layer_start": 1712000000, "rotation_duration": "1d",
                            "day_mask": "weekdays", "groups": [2451002751131, 2476123212131]}],
                "notify": {"advance_in_time": "5m", "follow_preference": True}}
    assert check(example) == check(friendly)


def test_idempotent_and_numbers_as_floats():
    canonical = check(RICH)
    assert check(copy.deepcopy(canonical)) == canonical
    assert check(as_floats(canonical)) == canonical
    team = check_team({"team_name": "SRE", "members": ["B@example.com", BOB, "a@example.com", ALICE, BOB]})[0]
    assert team == {"team_name": "SRE", "description": "", "members": [ALICE, BOB, "a@example.com", "b@example.com"],
                    "ref_id": "", "adopt": False}
    assert check_team(as_floats(team)) == (team, [])


def test_rich_schedule_canonical():
    canonical = check(RICH)
    weekly, monthly = canonical["layers"]
    assert canonical["time_zone"] == "America/New_York" and canonical["team_id"] == 6000000000000
    assert (weekly["layer_start"], weekly["layer_end"]) == (1796652000, 1811822400)  # 09:00 EST, 00:00 EDT
    assert weekly["restrict_periods"] == [{"restrict_start": 43200, "restrict_end": 46800},
                                          {"restrict_start": 64800, "restrict_end": 32400}]
    assert weekly["groups"] == [
        {"group_name": "A", "members": [{"role_id": 0, "person_ids": ["alice@example.com", "bob@example.com"]}]},
        {"group_name": "night", "members": [{"role_id": 1, "person_ids": [DAVE]}]},
        {"group_name": "C", "members": [{"role_id": 0, "person_ids": ["carol@example.com"]},
                                        {"role_id": 1, "person_ids": [DAVE, ERIN]}]}]
    assert (monthly["rotation_unit"], monthly["restrict_mode"], monthly["day_mask"]) == ("month", 2, None)
    assert [o["name"] for o in canonical["overrides"]] == ["override", "xmas"]
    assert canonical["notify"]["webhooks"][1]["chat_ids"] == ["C1", "C2"]


def test_pulumi_internal_keys_and_none_values_are_ignored():
    assert check({**schedule(), "__provider": "opaque", "notify": None, "typo_but_none": None}) == check(schedule())


def test_people_helpers_collect_every_reference():
    assert schedule_people(check(RICH)) == ["alice@example.com", "bob@example.com", DAVE, "carol@example.com", ERIN]
    assert team_people({"members": [ALICE, UNKNOWN, "bob@example.com"]}) == [ALICE, "bob@example.com"]


# --- validation: one failure per rule, with its path ------------------------------------------------------

@pytest.mark.parametrize(("props", "path", "reason"), [
    (schedule(schedule_name=""), "schedule_name", "required, 1 to 40 characters"),
    (schedule(schedule_name="x" * 41), "schedule_name", "1 to 40 characters, got 41"),
    (schedule(description="x" * 501), "description", "at most 500 characters"),
    (schedule(team_id=0), "team_id", "positive id"),
    (schedule(team_id="sre"), "team_id", "whole number"),
    (schedule(time_zone="Asia/Beijing"), "time_zone", "IANA time zone"),
    (schedule(adopt="yes"), "adopt", "true or false"),
    (schedule(layers=[]), "layers", "at least one rotation layer"),
    (schedule(overrides={"start": 1}), "overrides", "must be a list"),
    (schedule(layer=[layer()]), "layer", "unknown key (did you mean 'layers'?)"),
    (schedule(layers=[layer(rotaton_duration="1d")]), "layers[0].rotaton_duration", "did you mean 'rotation_duration'"),
    (schedule(layers=[layer(mode=1)]), "layers[0].mode", "goes in overrides="),
    (schedule(layers=[layer(hidden=1)]), "layers[0].hidden", "not supported"),
    (schedule(layers=[layer(restrict_start=0, restrict_end=3600)]), "layers[0].restrict_start", "restrict_periods"),
    (schedule(layers=[{"rotation_duration": "1d", "groups": [ALICE]}]), "layers[0].layer_start", "required"),
    (schedule(layers=[layer(layer_end=MON_0900)]), "layers[0].layer_end", "must be after the layer start"),
    (schedule(layers=[layer(enable_time=MON_0900, layer_start=None, expire_time=MON_0000)]),
     "layers[0].expire_time", "must be after"),
    (schedule(layers=[layer(layer_start="2026-03-08T02:30")], time_zone="America/New_York"),
     "layers[0].layer_start", "does not exist in America/New_York"),
    (schedule(layers=[layer(rotation_duration=None)]), "layers[0].rotation_duration", "required: how long each shift"),
    (schedule(layers=[layer(rotation_duration=60)]), "layers[0].rotation_duration",
     "must be between 3600 and 2592000 seconds (1h..30d), got 60"),
    (schedule(layers=[layer(rotation_duration="31d")]), "layers[0].rotation_duration", "got 2678400"),
    (schedule(layers=[layer(rotation_duration="1d", rotation_unit="week", rotation_value=1)]),
     "layers[0].rotation_duration", "rotation_unit and rotation_value say 604800"),
    (schedule(layers=[layer(rotation_duration="1d", rotation_unit="month", rotation_value=1)]),
     "layers[0].rotation_duration", "cannot be combined with rotation_unit 'month'"),
    (schedule(layers=[layer(rotation_duration=None, rotation_unit="fortnight", rotation_value=1)]),
     "layers[0].rotation_unit", "hour, day, week or month"),
    (schedule(layers=[layer(rotation_duration=None, rotation_unit="day")]), "layers[0].rotation_value", "required"),
    (schedule(layers=[layer(rotation_duration=None, rotation_value=2)]), "layers[0].rotation_unit", "required"),
    (schedule(layers=[layer(rotation_duration=None, rotation_unit="month", rotation_value=31)]),
     "layers[0].rotation_value", "between 1 and 30"),
    (schedule(layers=[layer(rotation_duration=None, rotation_unit="week", rotation_value=5)]),
     "layers[0].rotation_value", "5 weeks is 3024000 seconds"),
    (schedule(layers=[layer(handoff_time=WEEK)]), "layers[0].handoff_time", "below 604800"),
    (schedule(layers=[layer(handoff_time="funday 09:00")]), "layers[0].handoff_time", "'mon 09:00'"),
    (schedule(layers=[layer(restrict_mode="hourly")]), "layers[0].restrict_mode", "'none', 'daily' or 'weekly'"),
    (schedule(layers=[layer(restrict_mode="daily")]), "layers[0].restrict_periods", "at least one window"),
    (schedule(layers=[layer(restrict_mode="none", restrict_periods=[("09:00", "18:00")])]),
     "layers[0].restrict_periods", "restrict_mode is 'none'"),
    (schedule(layers=[layer(restrict_periods=[(32400, 64800)])]), "layers[0].restrict_mode", "'daily'"),
    (schedule(layers=[layer(restrict_periods=[("09:00", "18:00"), ("mon 09:00", "mon 18:00")])]),
     "layers[0].restrict_periods", "mixes daily"),
    (schedule(layers=[layer(restrict_mode="daily", restrict_periods=[("mon 09:00", "fri 18:00")])]),
     "layers[0].restrict_periods[0].restrict_start", "needs restrict_mode 'weekly'"),
    (schedule(layers=[layer(restrict_mode="weekly", restrict_periods=[("09:00", "18:00")])]),
     "layers[0].restrict_periods[0].restrict_start", "need a weekday"),
    (schedule(layers=[layer(restrict_mode=1, restrict_periods=[{"restrict_start": 0, "restrict_end": 90000}])]),
     "layers[0].restrict_periods[0].restrict_end", "between 0 and 86400 seconds"),
    (schedule(layers=[layer(restrict_mode=2, restrict_periods=[(0, 700000)])]),
     "layers[0].restrict_periods[0].restrict_end", "between 0 and 604800 seconds"),
    (schedule(layers=[layer(restrict_periods=[("09:00", "09:00")])]),
     "layers[0].restrict_periods[0].restrict_end", "must differ from restrict_start"),
    (schedule(layers=[layer(restrict_periods=[("24:00", "09:00")])]),
     "layers[0].restrict_periods[0].restrict_start", "00:00 to 23:59"),
    (schedule(layers=[layer(restrict_periods=[("09:00",)])]), "layers[0].restrict_periods[0]", "must be a window"),
    (schedule(layers=[layer(restrict_periods=[("mon 09:00", "fri 18:00")], day_mask="weekdays")]),
     "layers[0].day_mask", "cannot be combined with weekly"),
    (schedule(layers=[layer(day_mask=[])]), "layers[0].day_mask", "at least one day"),
    (schedule(layers=[layer(day_mask={"repeat": []})]), "layers[0].day_mask.repeat", "at least one day"),
    (schedule(layers=[layer(day_mask=[1, 7])]), "layers[0].day_mask[1]", "0 (Sunday) to 6 (Saturday)"),
    (schedule(layers=[layer(day_mask=["mon", 1])]), "layers[0].day_mask[1]", "listed twice"),
    (schedule(layers=[layer(day_mask=["moon"])]), "layers[0].day_mask[0]", "'moon' is not a weekday"),
    (schedule(layers=[layer(groups=[])]), "layers[0].groups", "at least one group"),
    (schedule(layers=[layer(groups=[[]])]), "layers[0].groups[0]", "at least one person"),
    (schedule(layers=[layer(groups=[{"people": []}])]), "layers[0].groups[0].people", "at least one person"),
    (schedule(layers=[layer(groups=[{"group_name": "A", "members": []}])]), "layers[0].groups[0].members",
     "at least one {role_id, person_ids}"),
    (schedule(layers=[layer(groups=[{"members": [{"role_id": 0}]}])]), "layers[0].groups[0].members[0].person_ids",
     "at least one person"),
    (schedule(layers=[layer(groups=[{"people": [ALICE], "role_id": -1}])]), "layers[0].groups[0].role_id",
     "at least 0"),
    (schedule(layers=[layer(groups=[{"people": [ALICE], "roles": 1}])]), "layers[0].groups[0].roles",
     "allowed: people, name, role_id"),
    (schedule(layers=[layer(groups=[["alice@example"]])]), "layers[0].groups[0][0]", "an email address"),
    (schedule(layers=[layer(groups=[[0]])]), "layers[0].groups[0][0]", "a positive number"),
    (schedule(layers=[layer(groups=[True])]), "layers[0].groups[0]", "person id"),
    (schedule(overrides=[{"start": MON_0900, "end": MON_0900, "person": ALICE}]), "overrides[0].end",
     "must be after start"),
    (schedule(overrides=[{"start": MON_0900, "person": ALICE}]), "overrides[0].end", "required"),
    (schedule(overrides=[{"start": MON_0000, "end": MON_0900}]), "overrides[0]", "exactly one of person="),
    (schedule(overrides=[{"start": MON_0000, "end": MON_0900, "person": ALICE, "persons": [BOB]}]), "overrides[0]",
     "exactly one of"),
    (schedule(overrides=[{"start": MON_0000, "end": MON_0900, "persons": []}]), "overrides[0].persons",
     "at least one person"),
    (schedule(overrides=[{"start": MON_0000, "end": MON_0900, "who": ALICE, "person": BOB}]), "overrides[0].who",
     "unknown key"),
    (schedule(notify={"advance_in_time": 100}), "notify.advance_in_time", "multiple of 5 minutes"),
    (schedule(notify={"advance_in_time": -300}), "notify.advance_in_time", "got -300"),
    (schedule(notify={"fixed_time": "24:00"}), "notify.fixed_time", "'HH:MM' (00:00 to 23:59)"),
    (schedule(notify={"fixed_time": {"cycle": "week", "start": "08:00"}}), "notify.fixed_time.cycle", "must be 'day'"),
    (schedule(notify={"fixed_time": {"cycle": "day", "start": "8am"}}), "notify.fixed_time.start", "'HH:MM'"),
    (schedule(notify={"personal_channels": ["email", "fax"]}), "notify.personal_channels[1]", "email, sms, phone"),
    (schedule(notify={"by": {"personal_channels": ["email"]}, "follow_preference": True}), "notify.by", "not both"),
    (schedule(notify={"webhooks": [{"type": "msteams", "token": "t"}]}), "notify.webhooks[0].type",
     "must be one of feishu_app"),
    (schedule(notify={"webhooks": [{"type": "feishu"}]}), "notify.webhooks[0].token", "required for a feishu robot"),
    (schedule(notify={"webhooks": [{"type": "zoom", "settings": {"alias": "x"}}]}),
     "notify.webhooks[0].settings.token", "required for a zoom robot"),
    (schedule(notify={"webhooks": [{"type": "teams_app", "chat_ids": ["c"]}]}), "notify.webhooks[0].data_source_id",
     "IM integration id"),
    (schedule(notify={"webhooks": [{"type": "dingtalk_app", "data_source_id": 3}]}), "notify.webhooks[0].chat_ids",
     "at least one chat id"),
    (schedule(notify={"webhooks": [{"type": "feishu", "token": "t", "settings": {"token": "t"}}]}),
     "notify.webhooks[0]", "not both"),
    (schedule(notify={"emails": True}), "notify.emails", "allowed: advance_in_time"),
])
def test_schedule_validation(props, path, reason):
    failure = only_failure(props)
    assert failure.path == path
    assert reason in failure.reason


@pytest.mark.parametrize(("props", "path", "reason"), [
    ({"members": []}, "team_name", "required, 1 to 39 characters"),
    ({"team_name": "   "}, "team_name", "required"),
    ({"team_name": "x" * 40}, "team_name", "1 to 39 characters, got 40"),
    ({"team_name": "SRE", "description": "x" * 501}, "description", "at most 500"),
    ({"team_name": "SRE", "members": ["bob@"]}, "members[0]", "email address"),
    ({"team_name": "SRE", "members": "alice@example.com, bob@example.com"}, "members", "email address"),
    ({"team_name": "SRE", "ref_id": 5}, "ref_id", "must be a string"),
    ({"team_name": "SRE", "adopt": 1}, "adopt", "true or false"),
    ({"team_name": "SRE", "member": [ALICE]}, "member", "did you mean 'members'"),
])
def test_team_validation(props, path, reason):
    canonical, failures = check_team(props)
    assert [f.path for f in failures] == [path]
    assert reason in failures[0].reason
    assert canonical == props  # the engine stops on failures; the inputs go back as they were


def test_failures_are_all_reported_at_once():
    props = schedule(schedule_name="", layers=[layer(rotation_duration=60, groups=[[]])])
    assert [f.path for f in failures_of(props)] == ["schedule_name", "layers[0].rotation_duration",
                                                    "layers[0].groups[0]"]


# --- Unknown values (preview) -----------------------------------------------------------------------------

def test_unknown_values_are_kept_and_not_validated():
    alice_or_unknown = ["alice@example.com", UNKNOWN]
    canonical = check(schedule(team_id=UNKNOWN, description=UNKNOWN,
                               layers=[layer(groups=[alice_or_unknown, UNKNOWN], rotation_duration=UNKNOWN,
                                             handoff_time=UNKNOWN, day_mask=[UNKNOWN])],
                               overrides=[UNKNOWN, {"start": UNKNOWN, "end": MON_0900, "person": UNKNOWN}],
                               notify={"webhooks": UNKNOWN}))
    assert canonical["team_id"] is UNKNOWN and canonical["description"] is UNKNOWN
    weekly = canonical["layers"][0]
    assert weekly["groups"][0]["members"][0]["person_ids"] == alice_or_unknown
    assert weekly["groups"][1] is UNKNOWN
    assert weekly["rotation_duration"] is UNKNOWN and weekly["handoff_time"] is UNKNOWN
    assert weekly["day_mask"] == [UNKNOWN]
    assert canonical["overrides"][0] is UNKNOWN and canonical["overrides"][1]["person_ids"] is UNKNOWN
    assert canonical["notify"]["webhooks"] is UNKNOWN
    assert schedule_people(canonical) == ["alice@example.com"]


def test_unknown_layers_team_and_members():
    canonical = check(schedule(layers=UNKNOWN))
    assert canonical["layers"] is UNKNOWN
    assert schedule_people(canonical) == []
    team, failures = check_team({"team_name": UNKNOWN, "members": UNKNOWN})
    assert failures == [] and team["members"] is UNKNOWN and team_people(team) == []


def test_unknown_time_zone_leaves_wall_clock_times_unknown():
    canonical = check(schedule(time_zone=UNKNOWN,
                               layers=[layer(layer_start="2026-12-07T09:00", layer_end=MON_0900 + DAY)],
                               overrides=[{"start": "2026-12-07T09:00+08:00", "end": "2026-12-08", "person": ALICE}]))
    assert canonical["time_zone"] is UNKNOWN
    assert isinstance(canonical["layers"][0]["layer_start"], Unknown)
    assert canonical["layers"][0]["layer_end"] == MON_0900 + DAY
    assert canonical["overrides"][0]["start"] == MON_0900
    assert isinstance(canonical["overrides"][0]["end"], Unknown)


def test_wire_needs_known_values():
    canonical = check(schedule(team_id=UNKNOWN))
    with pytest.raises(SpecError, match="team_id: is not known yet"):
        schedule_to_wire(canonical, person_id)


# --- to the wire ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("duration", "unit", "value"), [
    ("1w", "week", 1), ("2w", "week", 2), ("14d", "week", 2), ("2d", "day", 2), ("30d", "day", 30),
    ("72h", "day", 3), ("25h", "hour", 25), ("36h", None, None), ("90m", None, None),
])
def test_rotation_on_the_wire_fills_unit_and_value(duration, unit, value):
    wire = schedule_to_wire(check(schedule(layers=[layer(rotation_duration=duration)])), person_id).layers[0]
    assert (wire.rotation_duration, wire.rotation_unit, wire.rotation_value) == (parse_duration(duration), unit, value)


def test_schedule_to_wire_body():
    keep = ScheduleLayer(layer_name="UI override", mode=1, layer_start=MON_0000, layer_end=MON_0900, account_id=1,
                         groups=[ScheduleGroup(group_name="x", members=[ScheduleMember(person_ids=[BOB])])])
    body = schedule_to_wire(check(RICH), person_id, schedule_id=77, keep_layers=[keep]).to_wire()
    assert body["schedule_id"] == 77 and body["team_id"] == 6000000000000 and body["description"] == "Site reliability"
    weekly, monthly, *overrides, kept = body["layers"]
    assert weekly["layer_end"] == 1811822400 and weekly["day_mask"] == {"repeat": [1, 2, 3, 4, 5]}
    assert weekly["groups"][2]["members"] == [{"role_id": 0, "person_ids": [CAROL]},
                                              {"role_id": 1, "person_ids": [DAVE, ERIN]}]
    assert (monthly["rotation_unit"], monthly["rotation_value"]) == ("month", 1)
    assert (monthly["rotation_duration"], monthly["layer_end"], monthly["day_mask"]) == (0, None, None)
    assert [(o["mode"], o["layer_name"], o["groups"][0]["group_name"], o["groups"][0]["members"]) for o in overrides] \
        == [(1, OVERRIDE_PREFIX + "override", "override", [{"role_id": 0, "person_ids": [DAVE, ERIN]}]),
            (1, OVERRIDE_PREFIX + "xmas", "xmas", [{"role_id": 0, "person_ids": [BOB]}])]
    assert kept["layer_name"] == "UI override" and "account_id" not in kept
    assert body["notify"] == {
        "advance_in_time": 600, "fixed_time": {"cycle": "day", "start": "08:00"},
        "by": {"follow_preference": True, "personal_channels": ["email", "sms"]},
        "webhooks": [{"type": "feishu", "settings": {"token": "t0k3n", "alias": "SRE chat", "data_source_id": 0,
                                                     "chat_ids": [], "verify_token": "", "sign_secret": "s3cret"}},
                     {"type": "slack_app", "settings": {"token": "", "alias": "", "data_source_id": 42,
                                                        "chat_ids": ["C1", "C2"], "verify_token": "",
                                                        "sign_secret": ""}}]}


def test_schedule_to_wire_minimal_body_and_invalid_input():
    body = schedule_to_wire(check(schedule()), person_id).to_wire()
    assert body["team_id"] == 0 and "schedule_id" not in body and body["description"] == ""  # 0 = no team
    assert body["notify"]["by"] == {"follow_preference": False, "personal_channels": []}  # sent, to clear
    with pytest.raises(SpecError, match=r"layers\[0\].rotation_duration: must be between"):
        schedule_to_wire(schedule(layers=[layer(rotation_duration=60)], time_zone=TZ), person_id)


def test_team_to_wire_and_back():
    canonical = check_team({"team_name": "SRE", "description": "d", "ref_id": "ext-1",
                            "members": ["bob@example.com", ALICE, "alice@example.com"]})[0]
    upsert = team_to_wire(canonical, person_id, team_id=5)
    assert upsert.to_wire() == {"team_name": "SRE", "team_id": 5, "description": "d", "person_ids": [ALICE, BOB],
                                "ref_id": "ext-1"}
    team = Team(team_id=5, team_name="SRE", description="d", ref_id="ext-1", person_ids=[BOB, ALICE])
    assert team_from_wire(team, render) == {**canonical, "members": ["alice@example.com", "bob@example.com"]}
    assert "team_id" not in team_to_wire(canonical, person_id).to_wire()


# --- from the wire ----------------------------------------------------------------------------------------

def test_schedule_from_wire_reads_server_echo_forms():
    stored = Schedule.model_validate({
        "schedule_id": 9, "name": "Legacy", "group_id": 0, "description": None, "notify": {
            "advance_in_time": 0, "fixed_time": {"cycle": "", "start": ""}, "by": None, "webhooks": None},
        "layers": [
            {"name": "rota", "mode": 0, "enable_time": MON_0900, "expire_time": 0, "rotation_duration": 0,
             "rotation_unit": "day", "rotation_value": 2, "restrict_mode": 0,
             "restrict_periods": [{"restrict_start": 1, "restrict_end": 2}], "day_mask": {"repeat": []},
             "groups": [{"name": "first", "members": [{"role_id": 0, "person_ids": [DAVE, ALICE]}]}]},
            {"layer_name": OVERRIDE_PREFIX + "cover", "mode": 1, "layer_start": MON_0000, "layer_end": MON_0900,
             "groups": [{"group_name": "cover", "members": [{"role_id": 0, "person_ids": [BOB]}]}]},
            {"layer_name": "made in the UI", "mode": 1, "layer_start": MON_0000, "layer_end": MON_0900,
             "groups": [{"group_name": "x", "members": [{"role_id": 0, "person_ids": [CAROL]}]}]},
        ]})
    canonical, unmanaged = schedule_from_wire(stored, render, time_zone="Europe/Berlin")
    assert canonical == {
        "schedule_name": "Legacy", "description": "", "team_id": None, "time_zone": "Europe/Berlin", "adopt": False,
        "layers": [{"layer_name": "rota", "layer_start": MON_0900, "layer_end": None, "rotation_duration": 2 * DAY,
                    "rotation_unit": None, "rotation_value": None, "handoff_time": 0, "fair_rotation": False,
                    "restrict_mode": 0, "restrict_periods": [], "day_mask": None, "mask_continuous_enabled": False,
                    "groups": [{"group_name": "first",
                                "members": [{"role_id": 0, "person_ids": [DAVE, "alice@example.com"]}]}]}],
        "overrides": [{"name": "cover", "start": MON_0000, "end": MON_0900, "person_ids": ["bob@example.com"]}],
        "notify": None,
    }
    assert [kept.layer_name for kept in unmanaged] == ["made in the UI"]


def test_schedule_from_wire_refuses_a_layer_without_rotation():
    stored = Schedule.model_validate({"schedule_name": "x", "layers": [
        {"layer_name": "broken", "mode": 0, "layer_start": MON_0900,
         "groups": [{"group_name": "A", "members": [{"role_id": 0, "person_ids": [ALICE]}]}]}]})
    with pytest.raises(SpecError, match=r"layers\[0\].rotation_duration: required.*in what Flashduty returned"):
        schedule_from_wire(stored, render, time_zone=TZ)


# --- round trips through the real emulator ---------------------------------------------------------------

def post(emu, path, body):
    response = httpx.post(f"{emu.base_url}{path}", params={"app_key": emu.app_key}, json=body)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def stored_schedule(emu, schedule_id):
    return Schedule.model_validate(post(emu, "/schedule/info",
                                        {"schedule_id": schedule_id, "start": MON_0000, "end": MON_0000 + DAY}))


def team_for(emu):
    return post(emu, "/team/upsert", {"team_name": "SRE"})["team_id"]


@pytest.mark.emulator(rate_limits=False)
@pytest.mark.parametrize("props", [
    RICH,
    schedule(),
    schedule(layers=[layer(rotation_duration=None, rotation_unit="month", rotation_value=3, layer_end="2027-01-01",
                           restrict_periods=[("mon 09:00", "mon 08:00")], handoff_time="wed 12:00")],
             notify={"webhooks": [{"type": "zoom", "token": "z", "verify_token": "v"}]}),
    schedule(layers=[layer(rotation_duration="36h", day_mask=["sun"], restrict_periods=[("22:00", "06:00")]),
                     layer(layer_name="backup", rotation_duration="2w",
                           groups=[{"people": [ERIN, DAVE], "role_id": 1}])],
             notify={"fixed_time": "23:55"}),
], ids=["rich", "minimal", "monthly", "two-layers"])
def test_round_trip_through_the_emulator(emulator, props):
    canonical = check({**props, "team_id": team_for(emulator) if props.get("team_id") else None})
    schedule_id = post(emulator, "/schedule/create", schedule_to_wire(canonical, person_id).to_wire())["schedule_id"]
    assert schedule_from_wire(stored_schedule(emulator, schedule_id), render, time_zone=canonical["time_zone"]) \
        == (canonical, [])


@pytest.mark.emulator(rate_limits=False)
def test_update_keeps_override_layers_made_elsewhere(emulator):
    canonical = check(schedule(overrides=[{"start": MON_0000, "end": MON_0900, "person": "bob@example.com"}]))
    schedule_id = post(emulator, "/schedule/create", schedule_to_wire(canonical, person_id).to_wire())["schedule_id"]
    emulator.ui.add_override(schedule_id, MON_0900, MON_0900 + HOUR, CAROL)

    read, unmanaged = schedule_from_wire(stored_schedule(emulator, schedule_id), render, time_zone=TZ)
    assert read == canonical and [kept.layer_name for kept in unmanaged] == ["UI override"]

    changed = check({**canonical, "overrides": []})
    post(emulator, "/schedule/update", schedule_to_wire(changed, person_id, schedule_id=schedule_id,
                                                        keep_layers=unmanaged).to_wire())
    read, unmanaged = schedule_from_wire(stored_schedule(emulator, schedule_id), render, time_zone=TZ)
    assert read == changed and [kept.layer_name for kept in unmanaged] == ["UI override"]


@pytest.mark.emulator(rate_limits=False)
def test_team_round_trip_through_the_emulator(emulator):
    canonical = check_team({"team_name": "SRE", "description": "Site reliability", "ref_id": "sre",
                            "members": ["carol@example.com", DAVE, "alice@example.com"]})[0]
    team_id = post(emulator, "/team/upsert", team_to_wire(canonical, person_id).to_wire())["team_id"]
    stored = Team.model_validate(post(emulator, "/team/info", {"team_id": team_id}))
    assert team_from_wire(stored, render) == canonical
