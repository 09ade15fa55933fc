"""flashcat_pulumi.resources.schedule without the engine: ScheduleArgs (every friendly form, the
API's shapes, the readable canonical form, one failure per rule with its path, values unknown at
preview), the wire mapping both ways (also through the emulator), and diff by meaning."""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path

import httpx
import pytest
from pulumi.output import Unknown

from flashcat_pulumi.emulator import schedules as emulated
from flashcat_pulumi.resources import schedule as schedule_module
from flashcat_pulumi.resources._base import plain, to_input
from flashcat_pulumi.resources.schedule import (
    APP_WEBHOOKS,
    LOOK_BACK_UNKNOWN,
    OVERRIDE_PREFIX,
    ROBOT_WEBHOOKS,
    Group,
    GroupArgs,
    Layer,
    LayerArgs,
    Notify,
    NotifyArgs,
    Override,
    OverrideArgs,
    ScheduleProvider,
    Webhook,
    WebhookArgs,
    _look_back,
    check_schedule,
    schedule_from_wire,
    schedule_meaning,
    schedule_people,
    schedule_to_wire,
    split_layers,
)
from flashcat_pulumi.wire import ScheduleGroup, ScheduleItem, ScheduleLayer, ScheduleMember

ALICE, BOB, CAROL, DAVE, ERIN = 2476444212131, 2476444212132, 2476444212133, 2476444212134, 2476444212135
EMAILS = {ALICE: "alice@example.com", BOB: "bob@example.com", CAROL: "carol@example.com"}
IDS = {email: pid for pid, email in EMAILS.items()}
MON_0900 = 1796605200  # 2026-12-07 09:00 +08:00, a Monday
MON_0000 = 1796572800  # 2026-12-07 00:00 +08:00
HOUR, DAY, WEEK = 3600, 86400, 604800
TZ = "Asia/Shanghai"
UNKNOWN = Unknown()
OPENAPI = Path(__file__).resolve().parents[2] / "flashcat_pulumi" / "emulator" / "openapi.subset.json"


def person_id(ref):
    return ref if isinstance(ref, int) else IDS[ref]


def render(pid, place=None):
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


def as_engine_sends(value):
    """What the Pulumi engine hands a provider: every number a float, keys whose value is None gone."""
    if isinstance(value, dict):
        return {k: as_engine_sends(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [as_engine_sends(v) for v in value]
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


# --- the canonical form: readable, one spelling per meaning ---------------------------------------

def test_canonical_schedule_shape():
    assert check(schedule()) == {
        "schedule_name": "SRE primary", "description": "", "team_id": None, "time_zone": TZ, "adopt": False,
        "layers": [{"layer_name": "Layer 1", "layer_start": "2026-12-07T09:00:00+08:00", "layer_end": None,
                    "rotation_duration": "1d", "rotation_unit": None, "rotation_value": None,
                    "handoff_time": "mon 00:00", "fair_rotation": False, "restrict_mode": "none",
                    "restrict_periods": [], "day_mask": None, "mask_continuous_enabled": False,
                    "groups": [{"group_name": "A", "members": [{"role_id": 0, "person_ids": ["alice@example.com"]}]}]}],
        "overrides": [], "notify": None, "dst": None, "enabled": True, "upcoming_shift_count": 5,
        "zone_offset": None,
    }


def test_rich_schedule_canonical():
    canonical = check(RICH)
    weekly, monthly = canonical["layers"]
    assert canonical["time_zone"] == "America/New_York" and canonical["team_id"] == 6000000000000
    assert (weekly["layer_start"], weekly["layer_end"]) == ("2026-12-07T09:00:00-05:00", "2027-06-01T00:00:00-04:00")
    assert (weekly["rotation_duration"], weekly["handoff_time"]) == ("1w", "mon 09:00")
    assert (weekly["restrict_mode"], weekly["restrict_periods"]) == ("daily", ["12:00-13:00", "18:00-09:00"])
    assert weekly["day_mask"] == ["mon", "tue", "wed", "thu", "fri"]
    assert weekly["groups"] == [
        {"group_name": "A", "members": [{"role_id": 0, "person_ids": ["alice@example.com", "bob@example.com"]}]},
        {"group_name": "night", "members": [{"role_id": 1, "person_ids": [DAVE]}]},
        {"group_name": "C", "members": [{"role_id": 0, "person_ids": ["carol@example.com"]},
                                        {"role_id": 1, "person_ids": [DAVE, ERIN]}]}]
    assert (monthly["rotation_duration"], monthly["rotation_unit"], monthly["rotation_value"]) == (None, "month", 1)
    assert (monthly["restrict_mode"], monthly["restrict_periods"]) == ("weekly", ["sat 00:00-sun 24:00"])
    assert monthly["layer_start"] == "2026-12-06T11:00:00-05:00"  # epoch given: shown in the schedule's zone
    assert canonical["overrides"] == [
        {"name": "override", "start": "2026-12-24T00:00:00-05:00", "end": "2026-12-25T00:00:00-05:00",
         "people": [DAVE, ERIN]},
        {"name": "xmas", "start": "2026-12-25T00:00:00-05:00", "end": "2026-12-26T00:00:00-05:00",
         "people": ["bob@example.com"]}]
    assert canonical["notify"] == {
        "advance_in_time": "10m", "fixed_time": "08:00", "follow_preference": True,
        "personal_channels": ["email", "sms"],
        "webhooks": [{"type": "feishu", "alias": "SRE chat", "token": "t0k3n", "sign_secret": "s3cret",
                      "verify_token": "", "data_source_id": 0, "chat_ids": []},
                     {"type": "slack_app", "alias": "", "token": "", "sign_secret": "", "verify_token": "",
                      "data_source_id": 42, "chat_ids": ["C1", "C2"]}]}


def test_canonical_is_a_fixed_point_also_as_the_engine_sends_it():
    canonical = check(RICH)
    assert check(copy.deepcopy(canonical)) == canonical
    assert check(as_engine_sends(canonical)) == canonical


@pytest.mark.parametrize(("value", "text"), [
    ("mon 09:00", "mon 09:00"), ("09:00", "mon 09:00"), ("Sunday 23:30", "sun 23:30"), ("FRI 18:00", "fri 18:00"),
    ("tues 00:00", "tue 00:00"), (0.0, "mon 00:00"), (WEEK - 60, "sun 23:59"), (32400, "mon 09:00"),
])
def test_handoff_time(value, text):
    assert check_layer(rotation_duration="1w", handoff_time=value)["handoff_time"] == text
    assert check_layer(rotation_duration="2w", handoff_time=value)["handoff_time"] == text


@pytest.mark.parametrize("rotation", [{"rotation_duration": "1d"}, {"rotation_duration": "12h"},
                                      {"rotation_duration": "10d"},
                                      {"rotation_duration": None, "rotation_unit": "month", "rotation_value": 1}])
def test_handoff_time_only_for_whole_weeks(rotation):
    failure = only_failure(schedule(layers=[layer(handoff_time="mon 09:00", **rotation)]))
    assert failure.path == "layers[0].handoff_time"
    assert failure.reason.startswith("applies only to rotations of whole weeks (1w, 2w, ...); a ")
    assert "set layer_start to the first hand-off" in failure.reason
    # 0 (Monday 00:00) is what Flashduty stores when there is none: allowed everywhere.
    assert check_layer(handoff_time=0, **rotation)["handoff_time"] == "mon 00:00"


@pytest.mark.parametrize(("windows", "mode", "expected"), [
    ([("09:00", "18:00")], None, ("daily", ["09:00-18:00"])),
    (("09:00", "18:00"), None, ("daily", ["09:00-18:00"])),                          # one window on its own
    ("09:00-18:00", None, ("daily", ["09:00-18:00"])),                                # its canonical spelling
    (["09:00-12:00", "13:00-18:00"], None, ("daily", ["09:00-12:00", "13:00-18:00"])),
    ([("18:00", "09:00")], "daily", ("daily", ["18:00-09:00"])),                     # a night shift wraps
    ([("18:00", "00:00")], "daily", ("daily", ["18:00-24:00"])),                     # an end at 00:00 is midnight
    ([["13:00", "24:00"], ["00:00", "01:00"]], 1, ("daily", ["00:00-01:00", "13:00-24:00"])),  # sorted
    ([("mon 09:00", "fri 18:00")], None, ("weekly", ["mon 09:00-fri 18:00"])),
    (["mon 09:00-fri 18:00"], None, ("weekly", ["mon 09:00-fri 18:00"])),
    ([("sat 00:00", "sun 24:00")], "weekly", ("weekly", ["sat 00:00-sun 24:00"])),
    ([{"restrict_start": 32400, "restrict_end": 64800}], 1.0, ("daily", ["09:00-18:00"])),
    ({"restrict_start": 32400, "restrict_end": 64800}, "WEEKLY", ("weekly", ["mon 09:00-mon 18:00"])),
    ([(32400, 64800)], "daily", ("daily", ["09:00-18:00"])),
    ([], "none", ("none", [])),
    (None, None, ("none", [])),
])
def test_restrict_windows(windows, mode, expected):
    result = check_layer(restrict_periods=windows, restrict_mode=mode)
    assert (result["restrict_mode"], result["restrict_periods"]) == expected


@pytest.mark.parametrize(("mask", "names"), [
    (["mon", "tue", "wed", "thu", "fri"], ["mon", "tue", "wed", "thu", "fri"]),
    ("weekdays", ["mon", "tue", "wed", "thu", "fri"]),
    ("weekends", ["sat", "sun"]),
    (["Sunday", "sat"], ["sat", "sun"]),
    ([6.0, 0], ["sat", "sun"]),
    ({"repeat": [5, 1, 3]}, ["mon", "wed", "fri"]),
    ("wed", ["wed"]),
    (None, None),
])
def test_day_mask(mask, names):
    assert check_layer(day_mask=mask)["day_mask"] == names


@pytest.mark.parametrize(("fields", "rotation"), [
    ({"rotation_duration": "1w"}, ("1w", None, None)),
    ({"rotation_duration": WEEK}, ("1w", None, None)),
    ({"rotation_duration": float(WEEK)}, ("1w", None, None)),
    ({"rotation_duration": "7d"}, ("1w", None, None)),
    ({"rotation_duration": None, "rotation_unit": "week", "rotation_value": 1}, ("1w", None, None)),
    ({"rotation_duration": None, "rotation_unit": "days", "rotation_value": 7}, ("1w", None, None)),
    ({"rotation_duration": 86400, "rotation_unit": "day", "rotation_value": 1}, ("1d", None, None)),  # API echo
    ({"rotation_duration": "36h"}, ("1d12h", None, None)),
    ({"rotation_duration": None, "rotation_unit": "hour", "rotation_value": 48}, ("2d", None, None)),
    ({"rotation_duration": None, "rotation_unit": "month", "rotation_value": 2}, (None, "month", 2)),
    ({"rotation_duration": 0, "rotation_unit": "month", "rotation_value": 1.0}, (None, "month", 1)),  # API echo
])
def test_rotation_forms(fields, rotation):
    result = check_layer(**fields)
    assert (result["rotation_duration"], result["rotation_unit"], result["rotation_value"]) == rotation


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
        {"start": "2026-12-07T00:00:00+08:00", "end": "2026-12-07T09:00:00+08:00", "people": [ERIN], "name": "b"},
    ]))["overrides"]
    assert overrides == [
        {"name": "a", "start": "2026-12-07T00:00:00+08:00", "end": "2026-12-07T09:00:00+08:00", "people": [DAVE]},
        {"name": "b", "start": "2026-12-07T00:00:00+08:00", "end": "2026-12-07T09:00:00+08:00", "people": [ERIN]},
        {"name": "override", "start": "2026-12-07T00:00:00+08:00", "end": "2026-12-07T09:00:00+08:00",
         "people": [ALICE, "carol@example.com"]},
        {"name": "xmas", "start": "2026-12-25T00:00:00+08:00", "end": "2026-12-26T00:00:00+08:00",
         "people": ["bob@example.com"]},
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
    expected = {"advance_in_time": "5m", "fixed_time": "08:00", "follow_preference": True,
                "personal_channels": ["email", "feishu_app:12", "sms"],
                "webhooks": [{"type": "dingtalk", "alias": "", "token": "tok", "sign_secret": "sig",
                              "verify_token": "", "data_source_id": 0, "chat_ids": []},
                             {"type": "wecom_app", "alias": "ops", "token": "", "sign_secret": "",
                              "verify_token": "", "data_source_id": 7, "chat_ids": ["a", "b"]}]}
    assert check(schedule(notify=friendly))["notify"] == expected
    assert check(schedule(notify=api))["notify"] == expected


@pytest.mark.parametrize("notify", [
    None, {}, {"fixed_time": None, "by": {"follow_preference": False, "personal_channels": None}, "webhooks": None},
    {"fixed_time": {"cycle": "", "start": ""}},
])
def test_notify_that_notifies_nobody_is_none(notify):
    assert check(schedule(notify=notify))["notify"] is None


@pytest.mark.parametrize("kind", emulated.APP_WEBHOOKS + emulated.ROBOT_WEBHOOKS)
def test_every_webhook_type_the_emulator_knows_is_accepted(kind):
    webhook = {"type": kind, "token": "tok", "data_source_id": 1, "chat_ids": ["c"]}
    assert check(schedule(notify={"webhooks": [webhook]}))["notify"]["webhooks"][0]["type"] == kind


def test_the_emulator_knows_every_webhook_type_accepted_here():
    assert set(APP_WEBHOOKS) == set(emulated.APP_WEBHOOKS) and set(ROBOT_WEBHOOKS) == set(emulated.ROBOT_WEBHOOKS)


def test_the_api_docs_create_example_reads_like_its_friendly_equivalent():
    example = json.loads(OPENAPI.read_text())["paths"]["/schedule/create"]["post"]["requestBody"]["content"][
        "application/json"]["example"]
    friendly = {"schedule_name": "Production On-Call", "team_id": 4291079133131,
                "description": "Primary on-call rotation for the production team",
                "layers": [{"layer_name": "Layer 1", "layer_start": 1712000000, "rotation_duration": "1d",
                            "day_mask": "weekdays", "groups": [2451002751131, 2476123212131]}],
                "notify": {"advance_in_time": "5m", "follow_preference": True}}
    assert check(example) == check(friendly)


def test_pulumi_internal_keys_and_none_values_are_ignored():
    assert check({**schedule(), "__provider": "opaque", "notify": None, "typo_but_none": None}) == check(schedule())


def test_people_helper_collects_every_reference():
    assert schedule_people(check(RICH)) == ["alice@example.com", "bob@example.com", DAVE, "carol@example.com", ERIN]
    # 0.1.0 kept override people under person_ids
    assert schedule_people({"overrides": [{"person_ids": [ALICE, UNKNOWN, "bob@example.com"]}]}) \
        == [ALICE, "bob@example.com"]


# --- validation: one failure per rule, with its path ---------------------------------------------

@pytest.mark.parametrize(("props", "path", "reason"), [
    (schedule(schedule_name=""), "schedule_name", "required, 1 to 40 characters"),
    (schedule(schedule_name="x" * 41), "schedule_name", "1 to 40 characters, got 41"),
    (schedule(description="x" * 501), "description", "at most 500 characters"),
    (schedule(team_id=0), "team_id", "positive id"),
    (schedule(team_id="sre"), "team_id", "whole number"),
    (schedule(time_zone="Asia/Beijing"), "time_zone", "IANA time zone"),
    (schedule(adopt="yes"), "adopt", "true or false"),
    (schedule(layers=[]), "layers", "at least one rotation layer"),
    (schedule(layers="weekly"), "layers", "must be a list of layers"),
    (schedule(overrides={"start": 1}), "overrides", "must be a list"),
    (schedule(notify="email"), "notify", "must be an object with keys advance_in_time"),
    (schedule(layer=[layer()]), "layer", "unknown key (did you mean 'layers'?)"),
    (schedule(layers=[layer(rotaton_duration="1d")]), "layers[0].rotaton_duration", "did you mean 'rotation_duration'"),
    (schedule(layers=[7]), "layers[0]", "must be an object with keys layer_name"),
    (schedule(layers=[layer(mode=1)]), "layers[0].mode", "goes in overrides="),
    (schedule(layers=[layer(mode=2)]), "layers[0].mode", "must be 0"),
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
    (schedule(layers=[layer(rotation_duration="90m")]), "layers[0].rotation_duration",
     "must be a whole number of hours (Flashduty rotates by hour, day, week or month), got 1h30m"),
    (schedule(layers=[layer(rotation_duration="1d", rotation_unit="week", rotation_value=1)]),
     "layers[0].rotation_duration", "rotation_unit and rotation_value say 604800"),
    (schedule(layers=[layer(rotation_duration="1d", rotation_unit="month", rotation_value=1)]),
     "layers[0].rotation_duration", "cannot be combined with rotation_unit 'month'"),
    (schedule(layers=[layer(rotation_duration=None, rotation_unit="fortnight", rotation_value=1)]),
     "layers[0].rotation_unit", "hour, day, week or month"),
    (schedule(layers=[layer(rotation_duration=None, rotation_unit="day")]), "layers[0].rotation_value", "required"),
    (schedule(layers=[layer(rotation_duration=None, rotation_value=2)]), "layers[0].rotation_unit", "required"),
    (schedule(layers=[layer(rotation_duration=None, rotation_unit="month", rotation_value=31)]),
     "layers[0].rotation_value", "between 1 and 30 months"),
    (schedule(layers=[layer(rotation_duration=None, rotation_unit="week", rotation_value=5)]),
     "layers[0].rotation_value", "5 weeks is 3024000 seconds"),
    (schedule(layers=[layer(rotation_duration=None, rotation_unit="day", rotation_value=-1)]),
     "layers[0].rotation_value", "at least 1"),
    (schedule(layers=[layer(rotation_duration="1w", handoff_time=WEEK)]), "layers[0].handoff_time", "below 604800"),
    (schedule(layers=[layer(rotation_duration="1w", handoff_time="funday 09:00")]), "layers[0].handoff_time",
     "'mon 09:00'"),
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
    (schedule(layers=[layer(restrict_mode=1, restrict_periods=[{"restrict_start": 86400, "restrict_end": 3600}])]),
     "layers[0].restrict_periods[0].restrict_start", "between 0 and 86399 seconds"),
    (schedule(layers=[layer(restrict_mode=2, restrict_periods=[(0, 700000)])]),
     "layers[0].restrict_periods[0].restrict_end", "between 0 and 604800 seconds"),
    (schedule(layers=[layer(restrict_periods=[("09:00", "09:00")])]),
     "layers[0].restrict_periods[0].restrict_end", "must differ from restrict_start (09:00)"),
    (schedule(layers=[layer(restrict_periods=[("24:00", "09:00")])]),
     "layers[0].restrict_periods[0].restrict_start", "00:00 to 23:59"),
    (schedule(layers=[layer(restrict_periods=[("09:00",)])]), "layers[0].restrict_periods[0]", "must be a window"),
    (schedule(layers=[layer(restrict_periods=["09:00 to 18:00"])]), "layers[0].restrict_periods[0]",
     "must be a window"),
    (schedule(layers=[layer(restrict_mode=1, restrict_periods=[{"restrict_start": 1, "restrict_end": 2, "x": 3}])]),
     "layers[0].restrict_periods[0].x", "unknown key"),
    (schedule(layers=[layer(restrict_mode=1, restrict_periods=[{"restrict_start": 1}])]),
     "layers[0].restrict_periods[0].restrict_end", "required"),
    (schedule(layers=[layer(restrict_periods=[("mon 09:00", "fri 18:00")], day_mask="weekdays")]),
     "layers[0].day_mask", "cannot be combined with weekly"),
    (schedule(layers=[layer(day_mask=[])]), "layers[0].day_mask", "at least one day"),
    (schedule(layers=[layer(day_mask={"repeat": []})]), "layers[0].day_mask.repeat", "at least one day"),
    (schedule(layers=[layer(day_mask={"days": [1]})]), "layers[0].day_mask.days", "unknown key"),
    (schedule(layers=[layer(day_mask=[1, 7])]), "layers[0].day_mask[1]", "0 (Sunday) to 6 (Saturday)"),
    (schedule(layers=[layer(day_mask=["mon", 1])]), "layers[0].day_mask[1]", "mon is listed twice"),
    (schedule(layers=[layer(day_mask=["moon"])]), "layers[0].day_mask[0]", "'moon' is not a weekday"),
    (schedule(layers=[layer(groups=[])]), "layers[0].groups", "at least one group"),
    (schedule(layers=[layer(groups=[[]])]), "layers[0].groups[0]", "at least one person"),
    (schedule(layers=[layer(groups=[{"people": []}])]), "layers[0].groups[0].people", "at least one person"),
    (schedule(layers=[layer(groups=[{"name": "A"}])]), "layers[0].groups[0].people", "at least one person"),
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
    (schedule(notify={"fixed_time": "08:00:30"}), "notify.fixed_time", "'HH:MM' (00:00 to 23:59)"),
    (schedule(notify={"fixed_time": {"cycle": "week", "start": "08:00"}}), "notify.fixed_time.cycle", "must be 'day'"),
    (schedule(notify={"fixed_time": {"cycle": "day", "start": "8am"}}), "notify.fixed_time.start", "'HH:MM'"),
    (schedule(notify={"personal_channels": ["email", "fax"]}), "notify.personal_channels[1]",
     "email, sms, voice, phone"),
    (schedule(notify={"personal_channels": "email"}), "notify.personal_channels", "must be a list of strings"),
    (schedule(notify={"by": {"personal_channels": ["email"]}, "follow_preference": True}), "notify.by", "not both"),
    (schedule(notify={"webhooks": [{"type": "msteams", "token": "t"}]}), "notify.webhooks[0].type",
     "must be one of feishu_app"),
    (schedule(notify={"webhooks": [{"token": "t"}]}), "notify.webhooks[0].type", "required: one of feishu_app"),
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


def test_failed_inputs_go_back_untouched():
    props = schedule(layers=[layer(rotation_duration=60)])
    assert check_schedule(props, default_time_zone=TZ)[0] == props  # the engine stops and uses nothing else


def test_failures_are_all_reported_at_once():
    props = schedule(schedule_name="", layers=[layer(rotation_duration=60, groups=[[]]), layer(day_mask=["x"])],
                     oops=1)
    assert [f.path for f in failures_of(props)] == ["oops", "schedule_name", "layers[0].rotation_duration",
                                                    "layers[0].groups[0]", "layers[1].day_mask[0]"]


def test_an_invalid_time_zone_is_one_failure_even_with_wall_clock_times():
    props = schedule(time_zone="Mars/Base", layers=[layer(layer_start="2026-12-07T09:00")],
                     overrides=[{"start": "2026-12-24", "end": "2026-12-25", "person": ALICE}])
    assert [f.path for f in failures_of(props)] == ["time_zone"]


def test_the_default_zone_reads_wall_clock_times():
    assert check(schedule(layers=[layer(layer_start="2026-12-07T09:00")]),
                 default_time_zone="UTC")["layers"][0]["layer_start"] == "2026-12-07T09:00:00+00:00"


# --- values not known yet (preview) ----------------------------------------------------------------

def test_unknown_values_are_kept_and_not_validated():
    alice_or_unknown = ["alice@example.com", UNKNOWN]
    canonical = check(schedule(team_id=UNKNOWN, description=UNKNOWN,
                               layers=[layer(groups=[alice_or_unknown, UNKNOWN], rotation_duration=UNKNOWN,
                                             handoff_time=UNKNOWN, day_mask=[UNKNOWN], restrict_periods=UNKNOWN)],
                               overrides=[UNKNOWN, {"start": UNKNOWN, "end": MON_0900, "person": UNKNOWN}],
                               notify={"webhooks": UNKNOWN, "by": UNKNOWN}))
    assert canonical["team_id"] is UNKNOWN and canonical["description"] is UNKNOWN
    weekly = canonical["layers"][0]
    assert weekly["groups"][0]["members"][0]["person_ids"] == alice_or_unknown
    assert weekly["groups"][1] is UNKNOWN
    assert weekly["rotation_duration"] is UNKNOWN and weekly["handoff_time"] is UNKNOWN
    assert weekly["day_mask"] == [UNKNOWN]
    assert isinstance(weekly["restrict_mode"], Unknown) and weekly["restrict_periods"] is UNKNOWN
    assert canonical["overrides"][0] is UNKNOWN and canonical["overrides"][1]["people"] is UNKNOWN
    assert canonical["notify"]["webhooks"] is UNKNOWN and canonical["notify"]["personal_channels"] is UNKNOWN
    assert schedule_people(canonical) == ["alice@example.com"]


def test_unknown_layers_and_windows_that_cannot_be_compared_yet():
    canonical = check(schedule(layers=UNKNOWN))
    assert canonical["layers"] is UNKNOWN and schedule_people(canonical) == []
    windows = check_layer(restrict_periods=[UNKNOWN, ("09:00", "18:00")])
    assert windows["restrict_mode"] == "daily" and windows["restrict_periods"][0] == "09:00-18:00"
    assert isinstance(windows["restrict_periods"][1], Unknown)


def test_unknown_time_zone_leaves_instants_unknown():
    canonical = check(schedule(time_zone=UNKNOWN,
                               layers=[layer(layer_start="2026-12-07T09:00", layer_end=MON_0900 + DAY)],
                               overrides=[{"start": "2026-12-07T09:00+08:00", "end": "2026-12-08", "person": ALICE}]))
    assert canonical["time_zone"] is UNKNOWN
    assert isinstance(canonical["layers"][0]["layer_start"], Unknown)
    assert isinstance(canonical["layers"][0]["layer_end"], Unknown)  # exact, but it is shown in the zone
    assert isinstance(canonical["overrides"][0]["end"], Unknown)


# --- to the wire ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("duration", "unit", "value"), [
    ("1w", "week", 1), ("2w", "week", 2), ("14d", "week", 2), ("2d", "day", 2), ("30d", "day", 30),
    ("72h", "day", 3), ("25h", "hour", 25), ("36h", "hour", 36),
])
def test_rotation_on_the_wire_states_unit_value_and_seconds(duration, unit, value):
    body = schedule_to_wire(check(schedule(layers=[layer(rotation_duration=duration)])), person_id).to_wire()
    sent = body["layers"][0]
    assert (sent["rotation_duration"], sent["rotation_unit"], sent["rotation_value"]) == (
        value * {"hour": HOUR, "day": DAY, "week": WEEK}[unit], unit, value)


def test_schedule_to_wire_body():
    keep = ScheduleLayer(layer_name="UI override", mode=1, layer_start=MON_0000, layer_end=MON_0900, account_id=1,
                         weight=9, groups=[ScheduleGroup(group_name="x", members=[ScheduleMember(person_ids=[BOB])])])
    body = schedule_to_wire(check(RICH), person_id, schedule_id=77, keep_layers=[keep]).to_wire()
    assert body["schedule_id"] == 77 and body["team_id"] == 6000000000000 and body["description"] == "Site reliability"
    weekly, monthly, *overrides, kept = body["layers"]
    assert (weekly["layer_start"], weekly["enable_time"]) == (1796652000, 1796652000)  # 09:00 EST
    assert (weekly["layer_end"], weekly["expire_time"]) == (1811822400, 1811822400)  # 00:00 EDT
    assert (weekly["handoff_time"], weekly["restrict_mode"]) == (9 * HOUR, 1)
    assert weekly["restrict_periods"] == [{"restrict_start": 43200, "restrict_end": 46800},
                                          {"restrict_start": 64800, "restrict_end": 32400}]
    assert weekly["day_mask"] == {"repeat": [1, 2, 3, 4, 5]} and weekly["weight"] == 0
    assert weekly["groups"][2] == {"group_name": "C", "name": "C", "start": 0, "end": 0, "members": [
        {"role_id": 0, "person_ids": [CAROL]}, {"role_id": 1, "person_ids": [DAVE, ERIN]}]}
    assert (monthly["rotation_unit"], monthly["rotation_value"], monthly["rotation_duration"]) == ("month", 1, 0)
    assert (monthly["layer_end"], monthly["expire_time"], monthly["day_mask"]) == (None, 0, None)
    assert monthly["restrict_periods"] == [{"restrict_start": 5 * DAY, "restrict_end": WEEK}]
    assert [(o["mode"], o["layer_name"], o["groups"][0]["group_name"], o["groups"][0]["members"]) for o in overrides] \
        == [(1, OVERRIDE_PREFIX + "override", "override", [{"role_id": 0, "person_ids": [DAVE, ERIN]}]),
            (1, OVERRIDE_PREFIX + "xmas", "xmas", [{"role_id": 0, "person_ids": [BOB]}])]
    assert kept["layer_name"] == "UI override" and kept["weight"] == 9 and "account_id" not in kept
    assert body["notify"] == {
        "advance_in_time": 600, "fixed_time": {"cycle": "day", "start": "08:00"},
        "by": {"follow_preference": True, "personal_channels": ["email", "sms"]},
        "webhooks": [{"type": "feishu", "settings": {"token": "t0k3n", "alias": "SRE chat", "data_source_id": 0,
                                                     "chat_ids": [], "verify_token": "", "sign_secret": "s3cret"}},
                     {"type": "slack_app", "settings": {"token": "", "alias": "", "data_source_id": 42,
                                                        "chat_ids": ["C1", "C2"], "verify_token": "",
                                                        "sign_secret": ""}}]}


def test_schedule_to_wire_from_what_the_engine_sends():
    canonical = check(RICH)  # the provider makes Pulumi's whole floats ints again (plain); None keys stay absent
    assert schedule_to_wire(plain(as_engine_sends(canonical)), person_id).to_wire() \
        == schedule_to_wire(canonical, person_id).to_wire()


def test_schedule_to_wire_minimal_body():
    body = schedule_to_wire(check(schedule()), person_id).to_wire()
    assert body["team_id"] == 0 and "schedule_id" not in body and body["description"] == ""  # 0 = no team
    # Sent, to clear; advance_in_time left out: no reminder (0 would remind at the hand-off).
    assert body["notify"] == {"fixed_time": None, "by": {"follow_preference": False, "personal_channels": []},
                              "webhooks": []}


# --- from the wire -------------------------------------------------------------------------------

def test_schedule_from_wire_reads_server_echo_forms():
    stored = ScheduleItem.model_validate({
        "schedule_id": 9, "name": "Legacy", "group_id": 0, "description": None, "notify": {
            "advance_in_time": 0, "fixed_time": {"cycle": "", "start": ""}, "by": None, "webhooks": None},
        "layers": [
            {"name": "rota", "mode": 0, "enable_time": MON_0900, "expire_time": 0, "rotation_duration": 0,
             "rotation_unit": "day", "rotation_value": 2, "restrict_mode": 0,
             "restrict_periods": [{"restrict_start": 1, "restrict_end": 2}], "day_mask": {"repeat": []},
             "groups": [{"name": "first", "members": [{"role_id": 0, "person_ids": [DAVE, ALICE]}]}]},
            {"layer_name": "nights", "mode": 0, "layer_start": MON_0900, "rotation_duration": 43200,
             "restrict_mode": 1, "restrict_start": 64800, "restrict_end": 32400,
             "groups": [{"group_name": "n", "members": [{"role_id": 0, "person_ids": [BOB]}]}]},
            {"layer_name": OVERRIDE_PREFIX + "cover", "mode": 1, "layer_start": MON_0000, "layer_end": MON_0900,
             "groups": [{"group_name": "cover", "members": [{"role_id": 0, "person_ids": [BOB]}]}]},
            {"layer_name": "made in the UI", "mode": 1, "layer_start": MON_0000, "layer_end": MON_0900,
             "groups": [{"group_name": "x", "members": [{"role_id": 0, "person_ids": [CAROL]}]}]},
        ]})
    canonical = schedule_from_wire(stored, render, time_zone="Europe/Berlin")
    rota, nights = canonical["layers"]
    assert canonical["schedule_name"] == "Legacy" and canonical["team_id"] is None and canonical["notify"] is None
    assert (rota["layer_name"], rota["layer_start"], rota["layer_end"]) == ("rota", "2026-12-07T02:00:00+01:00", None)
    assert (rota["rotation_duration"], rota["restrict_mode"], rota["restrict_periods"]) == ("2d", "none", [])
    assert rota["day_mask"] is None
    assert rota["groups"] == [{"group_name": "first",
                               "members": [{"role_id": 0, "person_ids": [DAVE, "alice@example.com"]}]}]
    assert nights["restrict_periods"] == ["18:00-09:00"]  # the legacy single window
    assert canonical["overrides"] == [{"name": "cover", "start": "2026-12-06T17:00:00+01:00",
                                       "end": "2026-12-07T02:00:00+01:00", "people": ["bob@example.com"]}]
    assert [kept.layer_name for kept in split_layers(stored)[2]] == ["made in the UI"]


def test_schedule_from_wire_keeps_what_inputs_cannot_express_as_stored():
    stored = ScheduleItem.model_validate({"schedule_id": 3, "schedule_name": "x", "layers": [
        {"layer_name": "broken", "mode": 0, "layer_start": MON_0900,
         "groups": [{"group_name": "A", "members": [{"role_id": 0, "person_ids": [ALICE]}]}]}]})
    layer = schedule_from_wire(stored, render, time_zone=TZ)["layers"][0]
    # No rotation: the layer is not a valid input, so it stays in the API's shape, people rendered.
    assert layer["layer_name"] == "broken" and layer["rotation_duration"] is None
    assert layer["groups"] == [{"group_name": "A", "members": [{"role_id": 0, "person_ids": ["alice@example.com"]}]}]


# --- diff: meanings, not spellings -----------------------------------------------------------------

def diff(olds, news):
    return ScheduleProvider().diff("1", olds, news).changes


def test_diff_of_equal_canonical_forms_is_no_change():
    canonical = check(RICH)
    assert diff(canonical, canonical) is False
    assert diff(as_engine_sends(canonical), as_engine_sends(check(RICH))) is False


def test_a_time_zone_change_that_moves_no_instant_is_no_change():
    exact = schedule(layers=[layer(layer_start="2026-12-07T09:00+08:00")],
                     overrides=[{"start": MON_0000, "end": MON_0900, "person": ALICE}])
    shanghai, utc = check({**exact, "time_zone": TZ}), check({**exact, "time_zone": "UTC"})
    assert shanghai["layers"] != utc["layers"]  # spelled in each zone ...
    assert diff(shanghai, utc) is False  # ... meaning the same instants
    outputs = {**shanghai, "schedule_id": 7, "disabled": False, "current_oncall": None, "external_overrides": []}
    assert diff(outputs, utc) is False  # diff compares the old outputs, which hold more than the inputs
    wall_clock = schedule(layers=[layer(layer_start="2026-12-07T09:00")])
    assert diff(check({**wall_clock, "time_zone": TZ}), check({**wall_clock, "time_zone": "UTC"})) is True


def test_a_real_change_is_a_change_and_unknowns_are_changes():
    canonical = check(RICH)
    changed = check({**RICH, "layers": [RICH["layers"][0], layer(rotation_duration="2d")]})
    assert diff(canonical, changed) is True
    assert diff(canonical, {**canonical, "team_id": UNKNOWN}) is True
    assert diff(canonical, {**canonical, "adopt": True, "time_zone": "UTC"}) is False


def test_meaning_puts_instants_in_utc():
    meaning = schedule_meaning(schedule(time_zone="America/New_York"), default_time_zone=TZ)
    assert meaning["layers"][0]["layer_start"] == "2026-12-07T01:00:00+00:00"
    # What the rules refuse (say, held by the server) is kept as it is rather than losing the meaning.
    assert schedule_meaning(schedule(schedule_name=""), default_time_zone=TZ)["schedule_name"] == ""
    assert schedule_meaning(schedule(), default_time_zone=None) is None  # no zone to read times in


def test_state_of_release_0_1_0_means_the_same():
    """0.1.0 stored epochs, seconds, 0/1/2 modes and day numbers; they mean what today's forms mean."""
    old = {"schedule_name": "SRE primary", "description": "", "time_zone": TZ, "adopt": False,
           "layers": [{"layer_name": "Layer 1", "layer_start": float(MON_0900), "layer_end": None,
                       "rotation_duration": 604800.0, "rotation_unit": None, "rotation_value": None,
                       "handoff_time": 32400.0, "fair_rotation": False, "restrict_mode": 1.0,
                       "restrict_periods": [{"restrict_start": 32400.0, "restrict_end": 64800.0}],
                       "day_mask": [1.0, 2.0, 3.0, 4.0, 5.0], "mask_continuous_enabled": False,
                       "groups": [{"group_name": "A", "members": [{"role_id": 0.0, "person_ids": [ALICE]}]}]}],
           "overrides": [{"name": "override", "start": float(MON_0000), "end": float(MON_0900),
                          "person_ids": ["bob@example.com"]}],
           "notify": {"advance_in_time": 600.0, "fixed_time": None, "follow_preference": False,
                      "personal_channels": ["email"], "webhooks": []}}
    today = check(schedule(layers=[layer(rotation_duration="1w", handoff_time="mon 09:00", groups=[ALICE],
                                         restrict_periods=["09:00-18:00"], day_mask="weekdays")],
                           overrides=[{"start": MON_0000, "end": MON_0900, "person": "bob@example.com"}],
                           notify={"advance_in_time": "10m", "personal_channels": ["email"]}))
    assert diff(as_engine_sends(old), today) is False
    assert diff(as_engine_sends(old), {**today, "description": "changed"}) is True


# --- round trips through the real emulator ---------------------------------------------------------

def post(emu, path, body):
    response = httpx.post(f"{emu.base_url}{path}", params={"app_key": emu.app_key}, json=body)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def stored_schedule(emu, schedule_id):
    return ScheduleItem.model_validate(post(emu, "/schedule/info",
                                            {"schedule_id": schedule_id, "start": MON_0000, "end": MON_0000 + DAY}))


def team_for(emu):
    return post(emu, "/team/upsert", {"team_name": "SRE"})["team_id"]


@pytest.mark.emulator(rate_limits=False)
@pytest.mark.parametrize("props", [
    RICH,
    schedule(),
    schedule(layers=[layer(rotation_duration=None, rotation_unit="month", rotation_value=3, layer_end="2027-01-01",
                           restrict_periods=[("mon 09:00", "mon 08:00")])],
             notify={"webhooks": [{"type": "zoom", "token": "z", "verify_token": "v"}]}),
    schedule(layers=[layer(rotation_duration="36h", day_mask=["sun"], restrict_periods=[("22:00", "06:00")]),
                     layer(layer_name="backup", rotation_duration="2w", handoff_time="wed 12:00",
                           groups=[{"people": [ERIN, DAVE], "role_id": 1}])],
             notify={"fixed_time": "23:55"}),
], ids=["rich", "minimal", "monthly", "two-layers"])
def test_round_trip_through_the_emulator(emulator, props):
    canonical = check({**props, "team_id": team_for(emulator) if props.get("team_id") else None})
    schedule_id = post(emulator, "/schedule/create", schedule_to_wire(canonical, person_id).to_wire())["schedule_id"]
    assert schedule_from_wire(stored_schedule(emulator, schedule_id), render, time_zone=canonical["time_zone"]) \
        == canonical


@pytest.mark.emulator(rate_limits=False)
def test_update_keeps_override_layers_made_elsewhere(emulator):
    canonical = check(schedule(overrides=[{"start": MON_0000, "end": MON_0900, "person": "bob@example.com"}]))
    schedule_id = post(emulator, "/schedule/create", schedule_to_wire(canonical, person_id).to_wire())["schedule_id"]
    emulator.ui.add_override(schedule_id, MON_0900, MON_0900 + HOUR, CAROL)

    stored = stored_schedule(emulator, schedule_id)
    assert schedule_from_wire(stored, render, time_zone=TZ) == canonical
    unmanaged = split_layers(stored)[2]
    assert [kept.layer_name for kept in unmanaged] == ["UI override"]

    changed = check({**canonical, "overrides": []})
    post(emulator, "/schedule/update", schedule_to_wire(changed, person_id, schedule_id=schedule_id,
                                                        keep_layers=unmanaged).to_wire())
    stored = stored_schedule(emulator, schedule_id)
    assert schedule_from_wire(stored, render, time_zone=TZ) == changed
    assert [kept.layer_name for kept in split_layers(stored)[2]] == ["UI override"]



# --- the typed helpers front the models -----------------------------------------------------------

@pytest.mark.parametrize(("helper", "model"), [
    (Layer, LayerArgs), (Group, GroupArgs), (Override, OverrideArgs), (Notify, NotifyArgs), (Webhook, WebhookArgs)])
def test_every_helper_field_is_a_field_of_its_model(helper, model):
    assert {field.name for field in dataclasses.fields(helper)} <= set(model.model_fields)
    assert helper.__doc__  # what IDE completion shows


def test_helpers_become_the_dicts_the_models_read():
    layer = Layer(groups=[Group(people=["alice@example.com"], role_id=1)], layer_start="2026-12-07T09:00",
                  rotation_duration="1w", handoff_time="mon 09:00", restrict_periods=["09:00-18:00"])
    props = to_input({"schedule_name": "x", "layers": [layer],
                      "overrides": [Override(start="2026-12-24", end="2026-12-25", person=ALICE)],
                      "notify": Notify(webhooks=[Webhook(type="feishu", token="t")])})
    canonical = check(props)
    assert canonical["layers"][0]["groups"] == [{"group_name": "A", "members": [{"role_id": 1,
                                                                                 "person_ids": ["alice@example.com"]}]}]
    assert canonical["overrides"][0]["people"] == [ALICE] and canonical["notify"]["webhooks"][0]["token"] == "t"


# --- check validates once ---------------------------------------------------------------------------

@pytest.mark.emulator(rate_limits=False, time_zone="America/New_York")  # RICH's zone: nothing to move
def test_create_and_update_send_the_checked_inputs_without_validating_them_again(emulator, monkeypatch):
    monkeypatch.setenv("FLASHDUTY_APP_KEY", emulator.app_key)
    monkeypatch.setenv("FLASHDUTY_BASE_URL", emulator.base_url)
    provider = ScheduleProvider()
    inputs = provider.check({}, {**RICH, "team_id": team_for(emulator)}).inputs
    parsed: list[str] = []
    real_parse = schedule_module._parse

    def counting_parse(props, time_zone, **options):
        parsed.append(props["schedule_name"])
        return real_parse(props, time_zone, **options)

    monkeypatch.setattr(schedule_module, "_parse", counting_parse)
    created = provider.create(as_engine_sends(inputs))
    assert parsed == ["SRE primary"]  # once: reading back what the server stored, not the inputs
    parsed.clear()
    provider.update(created.id, created.outs, as_engine_sends({**inputs, "description": "changed"}))
    assert parsed == ["SRE primary"]  # the read-modify-write reads nothing into inputs, only the answer


@pytest.mark.parametrize(("layers", "days"), [
    (None, LOOK_BACK_UNKNOWN / 86400),
    ([{"rotation_duration": "12h"}], 1),  # a day at least
    ([{"rotation_unit": "day", "rotation_value": 3}, {"rotation_duration": "1w"}], 7 + 1 / 24),
    ([{"rotation_unit": "week", "rotation_value": 2}], 14 + 1 / 24),
    ([{"rotation_unit": "month", "rotation_value": 1}], 30),  # 30 days at most: the rest shows what is next
    ([{"rotation_unit": "fortnight", "rotation_value": 1}, "not a layer"], LOOK_BACK_UNKNOWN / 86400),
    ([{"rotation_unit": "", "rotation_value": 2, "rotation_duration": "2d"}], 2 + 1 / 24),  # "" is no unit
    ([{"rotation_unit": "day", "rotation_value": 2.0}], 2 + 1 / 24),  # numbers as the engine sends them
])
def test_the_read_window_looks_back_one_rotation(layers, days):
    assert _look_back(layers) == pytest.approx(days * 86400)
