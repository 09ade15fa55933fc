"""The schedule endpoints over HTTP: stored shape, computed shifts, lists, preview, deletes, and
the rules the OpenAPI schema cannot state (after it, with its messages where it refuses first)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from flashcat_pulumi.emulator import Emulator
from tests.emulator.conftest import (
    ALICE,
    BOB,
    CAROL,
    DAY,
    DAY0,
    DEFAULTS,
    DELETE,
    HOUR,
    KEY,
    NOW,
    OWNER,
    Api,
    changed,
    create,
    group,
    layer,
    notify,
    override,
    schedule_body,
    webhook,
    window,
)

pytestmark = pytest.mark.emulator(**DEFAULTS)


# --- schedules -------------------------------------------------------------------------------------

def test_schedule_info_returns_the_normalized_stored_schedule(api, emulator):
    team_id = api.ok("/team/upsert", {"team_name": "SRE", "person_ids": [ALICE, BOB]})["team_id"]
    settings = notify(advance_in_time=300, fixed_time={"cycle": "day", "start": "09:30"},
                      by={"follow_preference": False, "personal_channels": ["email", "feishu_app:5427276014131"]},
                      webhooks=[webhook("feishu_app", data_source_id=5427276014131, chat_ids=["oc_1"])])
    schedule_id = create(api, "Primary", team_id=team_id, notify=settings)
    item = api.ok("/schedule/info", {"schedule_id": schedule_id, **window()})
    assert (item["schedule_id"], item["id"], item["schedule_name"], item["name"]) == (
        schedule_id, schedule_id, "Primary", "Primary")
    assert (item["team_id"], item["group_id"], item["disabled"], item["status"]) == (team_id, team_id, 0, 0)
    assert (item["account_id"], item["create_by"], item["update_by"]) == (OWNER, ALICE, ALICE)
    assert (item["create_at"], item["update_at"]) == (NOW, NOW)
    assert (item["start"], item["end"], item["description"]) == (DAY0, DAY0 + 2 * DAY, "on call")
    [stored_layer] = item["layers"]
    assert stored_layer == {
        "account_id": OWNER, "name": "Daily", "schedule_id": schedule_id, "hidden": 0, "mode": 0, "weight": 0,
        "groups": [{"group_name": "A", "name": "A", "members": [{"role_id": 0, "person_ids": [ALICE]}],
                    "start": 0, "end": 0},
                   {"group_name": "B", "name": "B", "members": [{"role_id": 0, "person_ids": [BOB]}],
                    "start": 0, "end": 0}],
        "rotation_duration": DAY, "handoff_time": 0, "enable_time": DAY0, "expire_time": 0,
        "restrict_mode": 0, "restrict_start": 0, "restrict_end": 0, "restrict_periods": [], "day_mask": None,
        "create_at": NOW, "create_by": ALICE, "update_at": NOW, "update_by": ALICE, "layer_name": "Daily",
        "fair_rotation": False, "layer_start": DAY0, "layer_end": None, "rotation_unit": "day",
        "rotation_value": 1,
        "mask_continuous_enabled": False}
    assert item["notify"] == {
        "advance_in_time": 300, "fixed_time": {"cycle": "day", "start": "09:30"},
        "by": {"follow_preference": False, "personal_channels": ["email", "feishu_app:5427276014131"]},
        "webhooks": [{"type": "feishu_app", "settings": {
            "token": "", "alias": "", "data_source_id": 5427276014131, "chat_ids": ["oc_1"],
            "verify_token": "", "sign_secret": ""}}]}
    shifts = [(s["start"], s["end"], s["group"]["group_name"], s["index"])
              for s in item["final_schedule"]["schedules"]]
    assert shifts == [(DAY0, DAY0 + DAY, "A", 0), (DAY0 + DAY, DAY0 + 2 * DAY, "B", 1)]
    assert item["final_schedule"]["layer_name"] == "" and item["final_schedule"]["mode"] == 0
    assert item["schedule_layers"] == item["layer_schedules"]
    assert item["schedule_layers"][0]["layer_name"] == "Daily"
    assert item["schedule_layers"][0]["schedules"][0]["group"]["start"] == DAY0
    assert item["cur_oncall"] == {"start": NOW, "end": DAY0 + DAY, "group": {
        "group_name": "A", "name": "A", "members": [{"role_id": 0, "person_ids": [ALICE]}], "start": NOW,
        "end": DAY0 + DAY}, "update_at": NOW, "weight": 0, "index": 0}
    assert (item["next_oncall"]["start"], item["next_oncall"]["group"]["group_name"]) == (DAY0 + DAY, "B")
    stored = emulator.schedule(schedule_id)
    assert stored["layers"] == item["layers"] and stored["schedule_layers"] is None


def test_on_call_snapshot_even_when_the_window_is_elsewhere(api):
    schedule_id = create(api)
    item = api.ok("/schedule/info", {"schedule_id": schedule_id, **window(DAY0 + 20 * DAY, 1)})
    assert item["final_schedule"]["schedules"][0]["start"] == DAY0 + 20 * DAY
    assert item["cur_oncall"]["group"]["group_name"] == "A"
    assert item["next_oncall"]["group"]["group_name"] == "B"


def test_legacy_and_lenient_inputs_are_accepted(api, emulator):
    # Legacy spellings only (name, enable_time/expire_time, a group's name), integral floats,
    # unknown fields, a weight that is not the position, null where an array or object is declared.
    legacy = layer(ALICE, name="Old", enable_time=float(DAY0), rotation_duration=86400.0, rotation_value=1.0,
                   weight=9, extra=True, restrict_periods=None,
                   groups=[group("", ALICE, name="G")])
    for key in ("layer_name", "layer_start", "layer_end"):
        del legacy[key]
    body = {"name": "Legacy", "unknown": {"x": 1}, "status": 0, "layers": [legacy],
            "notify": notify(by=None, webhooks=None)}
    schedule_id = api.ok("/schedule/create", body)["schedule_id"]
    [stored] = emulator.schedule(schedule_id)["layers"]
    assert emulator.schedule(schedule_id)["schedule_name"] == "Legacy"
    assert (stored["layer_name"], stored["name"], stored["layer_start"], stored["enable_time"]) == (
        "Old", "Old", DAY0, DAY0)
    assert (stored["rotation_duration"], stored["rotation_unit"], stored["rotation_value"], stored["weight"]) == (
        DAY, "day", 1, 0)
    assert stored["groups"][0]["group_name"] == "G" and stored["restrict_periods"] == []
    assert type(stored["layer_start"]) is int and type(stored["rotation_value"]) is int
    assert emulator.schedule(schedule_id)["notify"]["webhooks"] is None


@pytest.mark.parametrize("candidate", [
    layer(restrict_mode=1, restrict_periods=[{"restrict_start": 9 * HOUR, "restrict_end": 18 * HOUR}]),
    layer(restrict_mode=1, restrict_periods=[{"restrict_start": 18 * HOUR, "restrict_end": 9 * HOUR}]),
    layer(restrict_mode=1, restrict_start=0, restrict_end=DAY),
    layer(restrict_mode=2, restrict_periods=[{"restrict_start": 0, "restrict_end": 7 * DAY}]),
    layer(day_mask={"repeat": [1, 2, 3, 4, 5]}, mask_continuous_enabled=True),
    layer(rotation_unit="month", rotation_value=1, rotation_duration=0, handoff_time=604799,
          layer_end=DAY0 + 90 * DAY),
    layer(rotation_unit="week", rotation_value=2, rotation_duration=3600),
    layer(rotation_unit="hour", rotation_value=30, rotation_duration=30 * HOUR, fair_rotation=True, hidden=1),
    override(CAROL, DAY0, DAY0 + DAY),
])
def test_valid_layers_are_accepted(api, candidate):
    schedule_id = api.ok("/schedule/create", {"schedule_name": "Valid", "layers": [candidate]})["schedule_id"]
    item = api.ok("/schedule/info", {"schedule_id": schedule_id, **window()})
    assert item["layers"][0]["mode"] == candidate["mode"]


def test_rotation_duration_is_filled_from_unit_and_value(api, emulator):
    layers = [layer(rotation_unit="week", rotation_value=2),
              layer(rotation_unit="hour", rotation_value=8),
              layer(rotation_unit="month", rotation_value=1, rotation_duration=0)]
    schedule_id = api.ok("/schedule/create", {"schedule_name": "Units", "layers": layers})["schedule_id"]
    stored = emulator.schedule(schedule_id)["layers"]
    assert [each["rotation_duration"] for each in stored] == [14 * DAY, 8 * HOUR, 0]
    assert [each["weight"] for each in stored] == [0, 1, 2]


def test_schedule_names_are_unique(api):
    first = create(api, "Primary")
    message = api.fail("/schedule/create", schedule_body("Primary"), "InvalidParameter")
    assert message.startswith(f"schedule_name: a schedule named 'Primary' already exists "
                              f"(schedule_id {first})")
    second = create(api, "Secondary")
    api.fail("/schedule/update", {"schedule_id": second, **schedule_body("Primary")}, "InvalidParameter")
    api.ok("/schedule/update", {"schedule_id": first, **schedule_body("Primary")})  # its own name is fine


def test_update_replaces_the_editable_fields(api, emulator):
    team_id = api.ok("/team/upsert", {"team_name": "SRE"})["team_id"]
    schedule_id = create(api, "Primary", team_id=team_id, notify=notify(advance_in_time=600))
    api.ok("/schedule/update", {"schedule_id": schedule_id, "schedule_name": "Renamed",
                                "layers": [layer(CAROL)]})
    stored = emulator.schedule(schedule_id)
    assert (stored["schedule_name"], stored["description"], stored["team_id"], stored["notify"]) == (
        "Renamed", "", 0, None)
    assert stored["layers"][0]["groups"][0]["members"][0]["person_ids"] == [CAROL]
    message = api.fail("/schedule/update", {"schedule_id": schedule_id, "schedule_name": "X"},
                       "InvalidParameter")
    assert message.startswith("layers: required")
    api.fail("/schedule/update", {"schedule_id": 1234567890123, **schedule_body()}, "ResourceNotFound")


def test_infos_returns_metadata_only(api):
    schedule_id = create(api, notify=notify(advance_in_time=300))
    [item] = api.ok("/schedule/infos", {"schedule_ids": [schedule_id, 1234567890123]})["items"]
    assert (item["schedule_id"], item["schedule_name"], item["notify"]["advance_in_time"]) == (
        schedule_id, "Primary", 300)
    assert item["layers"] is item["schedule_layers"] is item["layer_schedules"] is None
    assert item["final_schedule"] == {"layer_name": "", "name": "", "mode": 0, "schedules": None}
    assert item["cur_oncall"] is item["next_oncall"] is None


@pytest.mark.emulator(**DEFAULTS, rate_limits=False)
def test_list_filters_paging_and_windows(api):
    team_a = api.ok("/team/upsert", {"team_name": "A", "person_ids": [ALICE]})["team_id"]
    team_b = api.ok("/team/upsert", {"team_name": "B", "person_ids": [BOB]})["team_id"]
    ids = [create(api, f"sched-{i:02}", team_id=team_a if i < 3 else team_b if i < 5 else 0)
           for i in range(12)]

    def listed(**body: Any) -> list[int]:
        return [s["schedule_id"] for s in api.ok("/schedule/list", body)["items"]]

    first = api.ok("/schedule/list", {})
    assert first["total"] == 12 and [s["schedule_id"] for s in first["items"]] == ids[::-1][:10]
    assert listed(p=2) == ids[1::-1]
    item = first["items"][0]
    assert item["layers"] is None and item["final_schedule"]["schedules"] is None
    assert item["cur_oncall"] is None
    assert listed(query="SCHED-1") == ids[11:9:-1]
    assert set(listed(team_ids=[team_b])) == set(ids[3:5])
    assert set(listed(is_my_team=True)) == set(listed(is_my_manage=True)) == set(ids[:3])
    assert listed(is_my_team=True, team_ids=[team_b]) == []
    windowed = api.ok("/schedule/list", {"limit": 1, **window()})
    assert windowed["total"] == 12
    [item] = windowed["items"]
    assert item["layers"] and item["final_schedule"]["schedules"]
    assert item["cur_oncall"]["group"]["group_name"] == "A"
    assert item["schedule_layers"] == item["layer_schedules"]
    assert api.ok("/schedule/list", {"start": DAY0})["items"][0]["final_schedule"]["schedules"] is None


def test_self_lists_the_schedules_of_the_key_owner(api):
    mine = create(api, "Mine", ALICE, BOB)
    create(api, "Not mine", CAROL)
    items = api.ok("/schedule/self", {"start": DAY0, "end": DAY0 + 30 * DAY})["items"]
    assert [s["schedule_id"] for s in items] == [mine]
    assert items[0]["layers"][0]["layer_name"] == "Daily"
    assert [s["schedule_id"] for s in api.ok("/schedule/self", {})["items"]] == [mine]


def test_preview_computes_without_saving(api, emulator):
    body = schedule_body("Draft", BOB, ALICE, notify=notify(advance_in_time=300), team_id=0)
    item = api.ok("/schedule/preview", {**body, "start": DAY0, "end": DAY0 + 45 * DAY})
    assert [s["group"]["group_name"] for s in item["final_schedule"]["schedules"][:2]] == ["A", "B"]
    assert item["final_schedule"]["schedules"][0]["group"]["members"][0]["person_ids"] == [BOB]
    assert item["layers"][0]["rotation_duration"] == DAY and item["layers"][0]["enable_time"] == DAY0
    assert item["layers"][0]["schedule_id"] == 0 and item["layers"][0]["create_at"] == 0
    assert (item["start"], item["end"], item["schedule_id"], item["account_id"], item["create_at"]) == (
        DAY0, DAY0 + 45 * DAY, 0, 0, 0)
    for key in ("id", "name", "group_id", "disabled", "schedule_name", "team_id", "description", "status",
                "notify", "cur_oncall", "next_oncall", "layer_schedules"):
        assert item[key] is None, key
    assert item["schedule_layers"][0]["schedules"]
    assert emulator.schedules() == [] and api.ok("/schedule/list", {})["total"] == 0


def test_delete_ignores_unknown_ids_and_is_all_or_nothing(api, emulator):
    keep, referenced, gone = create(api, "Keep"), create(api, "Referenced"), create(api, "Gone")
    ref_id = emulator.ui.add_reference("escalate_rule", "Page the SRE", schedule_id=referenced)
    response = api.post("/schedule/delete", {"schedule_ids": [gone, referenced]})
    assert response.status_code == 400 and response.json()["error"]["code"] == "ReferenceExist"
    assert response.json()["data"]["refs"] == [
        {"kind": "escalate_rule", "name": "Page the SRE", "href": f"/escalate_rule/{ref_id}"}]
    assert emulator.schedule(gone) is not None
    api.ok("/schedule/delete", {"schedule_ids": [gone, 1234567890123, gone]})
    assert {s["schedule_id"] for s in emulator.schedules()} == {keep, referenced}
    emulator.ui.remove_reference(ref_id)
    api.ok("/schedule/delete", {"schedule_ids": [referenced]})
    assert [s["schedule_id"] for s in emulator.schedules()] == [keep]


def test_disable_and_enable():
    now = [NOW]
    with Emulator(app_key=KEY, clock=lambda: now[0]) as emulator:
        api = Api(emulator)
        first, second = create(api, "First"), create(api, "Second")

        def flags(path: str, body: dict[str, Any]) -> list[tuple[int, int]]:
            items = api.ok(path, body)["items"]
            return sorted((s["disabled"], s["status"]) for s in items)

        now[0] += 60
        assert api.ok("/schedule/disable", {"schedule_ids": [first, 1234567890123, first]}) == {}
        item = api.ok("/schedule/info", {"schedule_id": first, **window()})
        assert (item["disabled"], item["status"], item["update_at"], item["update_by"]) == (1, 1, NOW + 60, ALICE)
        # A disabled schedule keeps its layers and still computes its shifts and on-call snapshots.
        assert item["layers"] and item["final_schedule"]["schedules"] and item["cur_oncall"]
        assert flags("/schedule/infos", {"schedule_ids": [first, second]}) == [(0, 0), (1, 1)]
        assert flags("/schedule/list", {}) == flags("/schedule/list", window()) == [(0, 0), (1, 1)]
        assert flags("/schedule/self", {}) == [(0, 0), (1, 1)]
        assert emulator.schedule(first)["disabled"] == 1
        # An update leaves the flag alone, even with a legacy status in its body.
        api.ok("/schedule/update", {"schedule_id": first, **schedule_body("First"), "status": 0})
        assert api.ok("/schedule/info", {"schedule_id": first, **window()})["disabled"] == 1
        # Disabling again changes nothing, not even update_at.
        now[0] += 60
        api.ok("/schedule/disable", {"schedule_ids": [first]})
        assert emulator.schedule(first)["update_at"] == NOW + 60
        api.ok("/schedule/enable", {"schedule_ids": [first, second]})
        assert flags("/schedule/infos", {"schedule_ids": [first, second]}) == [(0, 0), (0, 0)]
        assert (emulator.schedule(first)["update_at"], emulator.schedule(second)["update_at"]) == (NOW + 120, NOW)
        preview = api.ok("/schedule/preview", {"layers": [layer()], **window()})
        assert preview["disabled"] is preview["status"] is None


@pytest.mark.parametrize(("body", "message"), [
    ({}, "schedule_ids: required, a non-empty list of schedule ids"),
    ({"schedule_ids": []}, "schedule_ids: required, a non-empty list of schedule ids"),
    ({"schedule_ids": None}, "schedule_ids: required, a non-empty list of schedule ids"),
    ({"schedule_id": 5}, "schedule_ids: required, a non-empty list of schedule ids (the field is schedule_ids, "
                         "not schedule_id)"),
    ({"schedule_ids": 5}, "schedule_ids: must be a list, got 5"),
    ({"schedule_ids": [1, "2"]}, 'schedule_ids[1]: must be an integer, got "2"'),
    ({"schedule_ids": [1.5]}, "schedule_ids[0]: must be an integer, got 1.5"),
])
@pytest.mark.parametrize("path", ["/schedule/enable", "/schedule/disable"])
def test_enable_and_disable_check_their_bodies_by_hand(api, emulator, path, body, message):
    schedule_id = create(api)
    assert api.fail(path, body, "InvalidParameter") == message
    assert emulator.schedule(schedule_id)["disabled"] == 0


def test_unknown_schedule_is_resource_not_found(api):
    message = api.fail("/schedule/info", {"schedule_id": 1234567890123, **window()}, "ResourceNotFound")
    assert message == "The resource you request is not found"


@pytest.mark.emulator(**DEFAULTS, time_zone="Europe/Berlin")
def test_days_follow_the_account_time_zone(api):
    berlin = ZoneInfo("Europe/Berlin")
    monday = int(datetime(2026, 4, 13, tzinfo=berlin).timestamp())
    mondays = layer(ALICE, layer_start=monday, enable_time=monday, day_mask={"repeat": [1]})
    schedule_id = api.ok("/schedule/create", {"schedule_name": "Berlin", "layers": [mondays]})["schedule_id"]
    item = api.ok("/schedule/info", {"schedule_id": schedule_id, "start": monday, "end": monday + 7 * DAY})
    assert [(s["start"], s["end"]) for s in item["final_schedule"]["schedules"]] == [(monday, monday + DAY)]
    assert api.ok("/member/info", {})["account_time_zone"] == "Europe/Berlin"


@pytest.mark.emulator(**DEFAULTS, time_zone="America/New_York")
def test_windows_hand_offs_and_masks_follow_an_account_zone_that_is_not_shanghai(api):
    new_york = ZoneInfo("America/New_York")

    def at(day: int, hour: int = 0) -> int:
        return int(datetime(2026, 4, day, hour, tzinfo=new_york).timestamp())

    monday = at(13)
    start = {"layer_start": monday, "enable_time": monday}
    layers = [
        layer(ALICE, layer_name="Daily 9-18", name="Daily 9-18", restrict_mode=1,
              restrict_periods=[{"restrict_start": 9 * HOUR, "restrict_end": 18 * HOUR}], **start),
        layer(ALICE, BOB, layer_name="Weekly", name="Weekly", rotation_unit="week", rotation_value=1,
              rotation_duration=7 * DAY, handoff_time=9 * HOUR, **start),
        layer(CAROL, layer_name="Tuesdays", name="Tuesdays", day_mask={"repeat": [2]}, **start),
        layer(CAROL, layer_name="Weekly window", name="Weekly window", restrict_mode=2,
              restrict_periods=[{"restrict_start": DAY + 8 * HOUR, "restrict_end": DAY + 10 * HOUR}], **start),
    ]
    schedule_id = api.ok("/schedule/create", {"schedule_name": "New York", "layers": layers})["schedule_id"]
    item = api.ok("/schedule/info", {"schedule_id": schedule_id, "start": monday, "end": monday + 14 * DAY})
    daily, weekly, tuesdays, weekly_window = ([(s["start"], s["end"]) for s in computed["schedules"]]
                                              for computed in item["schedule_layers"])
    assert daily[:2] == [(at(13, 9), at(13, 18)), (at(14, 9), at(14, 18))]
    # Hand-offs on Mondays at 09:00 New York time, the first one on the layer's first day.
    assert weekly == [(monday, at(13, 9)), (at(13, 9), at(20, 9)), (at(20, 9), at(27))]
    assert tuesdays == [(at(14), at(15)), (at(21), at(22))]
    assert weekly_window == [(at(14, 8), at(14, 10)), (at(21, 8), at(21, 10))]
    assert api.ok("/member/info", {})["account_time_zone"] == "America/New_York"




# --- validation: the rules after the schema, and the schema's refusals ---------------------------

OVERRIDE = override(BOB, DAY0, DAY0 + DAY)
DAILY_WINDOW = {"layers.0.restrict_mode": 1}
WEEKLY_WINDOW = {"layers.0.restrict_mode": 2}
NOT_ALL_DAY = {"layers.0.restrict_mode": 1, "layers.0.restrict_periods": [{"restrict_start": 60, "restrict_end": 60}]}


@pytest.mark.parametrize(("changes", "message"), [
    ({"schedule_name": DELETE}, "schedule_name: required, 1 to 40 characters"),
    ({"schedule_name": "  "}, "schedule_name: required"),
    ({"schedule_name": "x" * 41}, f"schedule_name: {'x' * 41!r} is too long"),
    ({"schedule_name": DELETE, "name": "x" * 41}, f"name: {'x' * 41!r} is too long"),
    ({"schedule_name": 5}, "schedule_name: 5 is not of type 'string'"),
    ({"description": "x" * 501}, f"description: '{'x' * 56}... is too long"),
    ({"team_id": 1234567890123}, "team_id: no team with id 1234567890123"),
    ({"team_id": 1.5}, "team_id: 1.5 is not of type 'integer'"),
    ({"team_id": True}, "team_id: True is not of type 'integer'"),
    ({"team_id": "1"}, "team_id: '1' is not of type 'integer'"),
    ({"team_id": -1}, "team_id: must be at least 0, got -1"),
    ({"layers": DELETE}, "layers: required, a non-empty list of layers"),
    ({"layers": []}, "layers: required"),
    ({"layers": None}, "layers: required"),
    ({"layers": "x"}, "layers: 'x' is not of type 'array', 'null'"),
    ({"layers.0": 5}, "layers[0]: 5 is not of type 'object', 'null'"),
    ({"layers.0": None}, "layers[0]: must be an object, got null"),
    ({"layers.0.mode": 2}, "layers[0].mode: 2 is not one of [0, 1]"),
    ({"layers.0.layer_start": DELETE, "layers.0.enable_time": DELETE}, "layers[0]: enable_time is required"),
    ({"layers.0.layer_start": -1}, "layers[0].layer_start: must be at least 0, got -1"),
    ({"layers.0.layer_start": "1776009600"}, "layers[0].layer_start: '1776009600' is not of type 'integer'"),
    ({"layers.0.layer_end": DAY0}, f"layers[0].layer_end: must be after layer_start ({DAY0}), got {DAY0}"),
    ({"layers.0.expire_time": DAY0 - 1}, "layers[0].expire_time: must be after layer_start"),
    ({"layers.0.rotation_unit": "fortnight"},
     "layers[0].rotation_unit: 'fortnight' is not one of ['hour', 'day', 'week', 'month']"),
    ({"layers.0.rotation_unit": DELETE}, "layers[0]: rotation_unit is required"),
    ({"layers.0.rotation_unit": None}, "layers[0].rotation_unit: None is not of type 'string'"),
    ({"layers.0.rotation_value": DELETE}, "layers[0]: rotation_value is required"),
    ({"layers.0.rotation_value": 0}, "layers[0].rotation_value: required with rotation_unit, between 1 and 30"),
    ({"layers.0.rotation_value": 31}, "layers[0].rotation_value: must be between 3600 and 2592000 seconds (31 days)"),
    ({"layers.0.rotation_unit": "month", "layers.0.rotation_value": 31},
     "layers[0].rotation_value: must be between 1 and 30, got 31"),
    ({"layers.0.rotation_value": 1.5}, "layers[0].rotation_value: 1.5 is not of type 'integer'"),
    ({"layers.0.rotation_duration": 60},
     "layers[0].rotation_duration: must be between 3600 and 2592000 seconds, got 60"),
    ({"layers.0.rotation_duration": 2592001},
     "layers[0].rotation_duration: must be between 3600 and 2592000 seconds, got 2592001"),
    ({"layers.0.handoff_time": 604800},
     "layers[0].handoff_time: must be at least 0 and below 604800 seconds, got 604800"),
    ({"layers.0.handoff_time": -1}, "layers[0].handoff_time: must be at least 0 and below 604800 seconds"),
    ({"layers.0.restrict_mode": 3}, "layers[0].restrict_mode: 3 is not one of [0, 1, 2]"),
    ({**DAILY_WINDOW, "layers.0.restrict_periods": [{"restrict_start": 0, "restrict_end": 90000}]},
     "layers[0].restrict_periods[0].restrict_end: must be between 0 and 86400 seconds"),
    ({**WEEKLY_WINDOW, "layers.0.restrict_periods": [{"restrict_start": -1, "restrict_end": 3600}]},
     "layers[0].restrict_periods[0].restrict_start: must be between 0 and 604800 seconds"),
    ({**WEEKLY_WINDOW, "layers.0.restrict_periods": [{"restrict_start": 0, "restrict_end": 604801}]},
     "layers[0].restrict_periods[0].restrict_end: must be between 0 and 604800 seconds"),
    (NOT_ALL_DAY, "layers[0].restrict_periods[0].restrict_end: must differ from restrict_start (60)"),
    ({**DAILY_WINDOW, "layers.0.restrict_periods": [{"restrict_start": 60}]},
     "layers[0].restrict_periods[0]: restrict_end is required"),
    (DAILY_WINDOW, "layers[0].restrict_periods: required when restrict_mode is 1"),
    ({**DAILY_WINDOW, "layers.0.restrict_start": 0, "layers.0.restrict_end": 90000},
     "layers[0].restrict_end: must be between 0 and 86400 seconds"),
    ({**WEEKLY_WINDOW, "layers.0.restrict_periods": [{"restrict_start": 0, "restrict_end": 3600}],
      "layers.0.day_mask": {"repeat": [1, 2]}},
     "layers[0].day_mask: cannot be combined with restrict_mode 2"),
    ({"layers.0.day_mask": {"repeat": [7]}}, "layers[0].day_mask.repeat[0]: must be between 0 and 6"),
    ({"layers.0.day_mask": {"repeat": [1, 1]}}, "layers[0].day_mask.repeat[1]: day 1 is listed twice"),
    ({"layers.0.day_mask": [1]}, "layers[0].day_mask: [1] is not of type 'object', 'null'"),
    ({"layers.0.groups": []}, "layers[0].groups: required, at least one group"),
    ({"layers.0.groups": DELETE}, "layers[0]: groups is required"),
    ({"layers.0.groups.1.members": []}, "layers[0].groups[1].members: required"),
    ({"layers.0.groups.0.members.0.role_id": -1},
     "layers[0].groups[0].members[0].role_id: must be at least 0, got -1"),
    ({"layers.0.groups.0.members.0.person_ids": []}, "layers[0].groups[0].members[0].person_ids: required"),
    ({"layers.0.groups.0.members.0.person_ids": [ALICE, 999]},
     "layers[0].groups[0].members[0].person_ids[1]: no person with id 999"),
    ({"layers.0.groups.0.members.0.person_ids": [True]},
     "layers[0].groups[0].members[0].person_ids[0]: True is not of type 'integer'"),
    ({"layers": [layer(), {**OVERRIDE, "groups": [group("X", BOB), group("Y", CAROL)]}]},
     "layers[1].groups: an override layer (mode 1) takes exactly one group, got 2"),
    ({"layers": [layer(), {**OVERRIDE, "layer_end": None, "expire_time": 0}]},
     "layers[1].layer_end: required for an override layer (mode 1)"),
    ({"notify": "x"}, "notify: 'x' is not of type 'object', 'null'"),
    ({"notify": notify(advance_in_time=100)}, "notify.advance_in_time: must be a multiple of 300 seconds"),
    ({"notify": notify(advance_in_time=-300)}, "notify.advance_in_time: must be at least 0 seconds, got -300"),
    ({"notify": notify(fixed_time={"cycle": "week", "start": "08:00"})},
     "notify.fixed_time.cycle: must be 'day', got 'week'"),
    ({"notify": notify(fixed_time={"cycle": "day", "start": "8am"})},
     "notify.fixed_time.start: must be a time 'HH:MM' such as '08:00', got '8am'"),
    ({"notify": notify(fixed_time={"cycle": "day", "start": "24:00"})}, "notify.fixed_time.start: must be a time"),
    ({"notify": notify(by={"follow_preference": False, "personal_channels": ["email", "fax"]})},
     "notify.by.personal_channels[1]: must be email, sms, voice, phone or <feishu|dingtalk|wecom|slack|teams>_app:"),
    ({"notify": notify(by={"follow_preference": False, "personal_channels": ["feishu_app:"]})},
     "notify.by.personal_channels[0]: must be"),
    ({"notify": notify(by={"follow_preference": "yes", "personal_channels": []})},
     "notify.by.follow_preference: 'yes' is not of type 'boolean'"),
    ({"notify": notify(webhooks=[webhook("icq")])}, "notify.webhooks[0].type: must be one of feishu_app"),
    ({"notify": notify(webhooks=[webhook("feishu", alias="x")])},
     "notify.webhooks[0].settings.token: required for a feishu robot webhook"),
    ({"notify": notify(webhooks=[webhook("zoom")])}, "notify.webhooks[0].settings.token: required for a zoom"),
    ({"notify": notify(webhooks=[webhook("dingtalk_app", chat_ids=["c"])])},
     "notify.webhooks[0].settings.data_source_id: required for dingtalk_app"),
    ({"notify": notify(webhooks=[webhook("slack_app", data_source_id=7)])},
     "notify.webhooks[0].settings.chat_ids: required for slack_app"),
])
def test_schedule_validation(api, changes, message):
    body = schedule_body()
    for path, value in changes.items():
        body = changed(body, path, value)
    for path in ("/schedule/create", "/schedule/preview"):
        if path == "/schedule/preview" and not message.startswith(("layers", "notify")):
            continue
        payload = {**body, "start": DAY0, "end": DAY0 + DAY} if path == "/schedule/preview" else body
        got = api.fail(path, payload, "InvalidParameter")
        assert got.startswith(message), got
    assert api.ok("/schedule/list", {})["total"] == 0


LAYER_REQUIRED = ("name", "hidden", "mode", "weight", "groups", "rotation_duration", "handoff_time", "enable_time",
                  "expire_time", "restrict_mode", "restrict_start", "restrict_end", "restrict_periods", "day_mask",
                  "fair_rotation", "rotation_unit", "rotation_value", "mask_continuous_enabled")
"""What the document requires of a request layer, but for the six server-assigned fields."""


@pytest.mark.parametrize(("changes", "message"), [
    *[({f"layers.0.{field}": DELETE}, f"layers[0]: {field} is required") for field in LAYER_REQUIRED],
    ({"layers.0.groups.1.name": DELETE}, "layers[0].groups[1]: name is required"),
    ({"layers.0.groups.1.start": DELETE}, "layers[0].groups[1]: start is required"),
    ({"layers.0.groups.0.members.0.role_id": DELETE}, "layers[0].groups[0].members[0]: role_id is required"),
    ({"notify": {"advance_in_time": 300}}, "notify: fixed_time is required"),
    ({"notify": notify(by={"follow_preference": True})}, "notify.by: personal_channels is required"),
    ({"notify": notify(webhooks=[{"type": "feishu", "settings": {"token": "t"}}])},
     "notify.webhooks[0].settings: alias is required"),
    ({"notify": notify(webhooks=[{"type": "feishu"}])}, "notify.webhooks[0]: settings is required"),
])
def test_incomplete_bodies_are_refused_naming_the_missing_field(api, changes, message):
    body = schedule_body()
    for path, value in changes.items():
        body = changed(body, path, value)
    assert api.fail("/schedule/create", body, "InvalidParameter") == message
    preview = {**body, "start": DAY0, "end": DAY0 + DAY}
    assert api.fail("/schedule/preview", preview, "InvalidParameter") == message
    assert api.ok("/schedule/list", {})["total"] == 0


def test_a_body_with_several_failures_names_the_shallowest_then_the_first(api):
    body = changed(changed(schedule_body(), "layers.0.rotation_unit", "fortnight"), "layers.0.hidden", DELETE)
    assert api.fail("/schedule/create", body, "InvalidParameter") == "layers[0]: hidden is required"
    body = {**schedule_body(), "layers": [layer(mode=5), layer(mode=7)], "team_id": "x"}
    assert api.fail("/schedule/create", body, "InvalidParameter") == "team_id: 'x' is not of type 'integer'"
    body = {**schedule_body(), "layers": [layer(mode=5), layer(mode=7)]}
    assert api.fail("/schedule/create", body, "InvalidParameter") == "layers[0].mode: 5 is not one of [0, 1]"


def test_advance_in_time_absent_and_zero_are_kept_apart(api, emulator):
    absent = notify()
    del absent["advance_in_time"]
    without = create(api, "Without", notify=absent)
    at_hand_off = create(api, "At hand-off", notify=notify(advance_in_time=0))
    for schedule_id, expected in ((without, {}), (at_hand_off, {"advance_in_time": 0})):
        for stored in (api.ok("/schedule/info", {"schedule_id": schedule_id, **window()})["notify"],
                       api.ok("/schedule/infos", {"schedule_ids": [schedule_id]})["items"][0]["notify"],
                       emulator.schedule(schedule_id)["notify"]):
            assert {k: v for k, v in stored.items() if k == "advance_in_time"} == expected
    # The document types it an integer, not nullable: null is refused like any other non-integer.
    message = api.fail("/schedule/create", schedule_body("Null", notify=notify(advance_in_time=None)),
                       "InvalidParameter")
    assert message == "notify.advance_in_time: None is not of type 'integer'"


def test_voice_is_a_personal_channel(api):
    channels = ["voice", "sms", "phone", "email", "wecom_app:7"]
    schedule_id = create(api, notify=notify(by={"follow_preference": False, "personal_channels": channels}))
    stored = api.ok("/schedule/info", {"schedule_id": schedule_id, **window()})["notify"]
    assert stored["by"]["personal_channels"] == channels


def test_valid_notify_is_accepted(api):
    settings = notify(advance_in_time=900, fixed_time={"cycle": "", "start": ""},
                      by={"follow_preference": True, "personal_channels": None},
                      webhooks=[webhook("dingtalk", token="t", sign_secret="s"),
                                webhook("teams_app", data_source_id=1, chat_ids=["c"])],
                      im={"feishu": "token"})
    schedule_id = create(api, notify=settings)
    stored = api.ok("/schedule/info", {"schedule_id": schedule_id, **window()})["notify"]
    assert stored["fixed_time"] is None
    assert stored["by"] == {"follow_preference": True, "personal_channels": None}
    assert [w["type"] for w in stored["webhooks"]] == ["dingtalk", "teams_app"]
    assert stored["im"] == {"feishu": "token"}


@pytest.mark.parametrize(("path", "body", "message"), [
    ("/schedule/update", {}, "schedule_id: required"),
    ("/schedule/update", {"schedule_id": "1"}, "schedule_id: '1' is not of type 'integer'"),
    ("/schedule/delete", {}, "schedule_ids is required"),
    ("/schedule/delete", {"schedule_ids": []}, "schedule_ids: required, a non-empty list of schedule ids"),
    ("/schedule/delete", {"schedule_ids": None}, "schedule_ids: required"),
    ("/schedule/delete", {"schedule_ids": "1"}, "schedule_ids: '1' is not of type 'array', 'null'"),
    ("/schedule/delete", {"schedule_ids": [1.5]}, "schedule_ids[0]: 1.5 is not of type 'integer'"),
    ("/schedule/info", {"start": DAY0, "end": DAY0 + DAY}, "schedule_id is required"),
    ("/schedule/info", {"schedule_id": 0, "start": DAY0, "end": DAY0 + DAY}, "schedule_id: required"),
    ("/schedule/info", {"schedule_id": 1, "end": DAY0}, "start is required"),
    ("/schedule/info", {"schedule_id": 1, "start": DAY0}, "end is required"),
    ("/schedule/info", {"schedule_id": 1, "start": DAY0, "end": DAY0}, f"end: must be after start ({DAY0})"),
    ("/schedule/info", {"schedule_id": 1, "start": DAY0, "end": DAY0 + 45 * DAY},
     "end: the window end - start must be under 45 days (3888000 seconds), got 3888000"),
    ("/schedule/infos", {}, "schedule_ids is required"),
    ("/schedule/infos", {"schedule_ids": []}, "schedule_ids: required"),
    ("/schedule/list", {"p": 0}, "p: must be at least 1, got 0"),
    ("/schedule/list", {"limit": 0}, "limit: must be between 1 and 100, got 0"),
    ("/schedule/list", {"limit": 101}, "limit: 101 is greater than the maximum of 100"),
    ("/schedule/list", {"p": 101, "limit": 100}, "p: p × limit must be at most 10000, got 101 × 100"),
    ("/schedule/list", {"is_my_team": True, "is_my_manage": True},
     "is_my_team: cannot be combined with is_my_manage"),
    ("/schedule/list", {"is_my_team": "yes"}, "is_my_team: 'yes' is not of type 'boolean'"),
    ("/schedule/list", {"team_ids": 5}, "team_ids: 5 is not of type 'array', 'null'"),
    ("/schedule/list", {"query": 5}, "query: 5 is not of type 'string'"),
    ("/schedule/list", {"start": DAY0, "end": DAY0 + 45 * DAY},
     "end: the window end - start must be under 45 days"),
    ("/schedule/list", {"start": DAY0 + 1, "end": DAY0}, "end: must be after start"),
    ("/schedule/self", {"start": DAY0, "end": DAY0 + 30 * DAY + 1},
     "end: the window end - start must be at most 30 days (2592000 seconds), got 2592001"),
    ("/schedule/self", {"start": "today"}, "start: 'today' is not of type 'integer'"),
    ("/schedule/preview", {"layers": [layer()], "end": DAY0}, "start: required"),
    ("/schedule/preview", {"layers": [layer()], "start": DAY0, "end": DAY0 + 45 * DAY + 1},
     "end: the window end - start must be at most 45 days"),
    ("/schedule/preview", {"start": DAY0, "end": DAY0 + DAY}, "layers: required"),
])
def test_request_validation(api, path, body, message):
    got = api.fail(path, body, "InvalidParameter")
    assert got.startswith(message), got


@pytest.mark.parametrize(("path", "body"), [
    ("/schedule/self", {"start": DAY0, "end": DAY0 + 30 * DAY}),
    ("/schedule/preview", {"layers": [layer()], "start": DAY0, "end": DAY0 + 45 * DAY}),
    ("/schedule/list", {"start": DAY0, "end": DAY0 + 45 * DAY - 1, "p": 100, "limit": 100}),
])
def test_limits_are_inclusive_where_documented(api, path, body):
    api.ok(path, body)
