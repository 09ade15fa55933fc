"""Out-of-band changes through the web console (``Emulator.ui``, :class:`WebConsole`)."""

from __future__ import annotations

from typing import Any

import pytest

from flashcat_pulumi.emulator import Emulator
from flashcat_pulumi.emulator.errors import ApiError
from tests.emulator.conftest import ALICE, BOB, CAROL, DAY, DAY0, DEFAULTS, HOUR, KEY, NOW, OWNER, Api, create, window

pytestmark = pytest.mark.emulator(**DEFAULTS)


def test_ui_changes():
    now = [NOW]
    with Emulator(app_key=KEY, clock=lambda: now[0]) as emu:
        api = Api(emu)
        team_id = api.ok("/team/upsert", {"team_name": "SRE", "person_ids": [ALICE, BOB]})["team_id"]
        schedule_id = create(api, team_id=team_id)
        now[0] += 60
        emu.ui.rename_team(team_id, "SRE renamed")
        emu.ui.remove_member(team_id, BOB)
        team = api.ok("/team/info", {"team_id": team_id})
        assert (team["team_name"], team["person_ids"], team["updated_at"], team["updated_by"]) == (
            "SRE renamed", [ALICE], NOW + 60, OWNER)
        now[0] += 60
        emu.ui.edit_schedule(schedule_id, description="edited in the UI")
        index = emu.ui.add_override(schedule_id, NOW - HOUR, NOW + HOUR, CAROL)
        assert index == 1
        item = api.ok("/schedule/info", {"schedule_id": schedule_id, **window()})
        assert (item["description"], item["update_at"], item["update_by"]) == (
            "edited in the UI", NOW + 120, OWNER)
        assert (item["layers"][1]["mode"], item["layers"][1]["layer_name"]) == (1, "UI override")
        assert item["cur_oncall"]["group"]["members"][0]["person_ids"] == [CAROL]
        assert item["cur_oncall"]["weight"] == 1
        final = item["final_schedule"]["schedules"]
        assert [s["group"]["group_name"] for s in final[:3]] == ["A", "Carol Wang", "A"]
        emu.ui.add_reference("escalate_rule", "Escalate", team_id=team_id)
        refs = api.post("/team/delete", {"team_id": team_id}).json()["data"]["refs"]
        assert {r["kind"] for r in refs} == {"schedule", "escalate_rule"}
        emu.ui.delete_schedule(schedule_id)
        assert emu.schedule(schedule_id) is None
        api.fail("/schedule/info", {"schedule_id": schedule_id, **window()}, "ResourceNotFound")


def test_ui_refusals(api, emulator):
    team_id = api.ok("/team/upsert", {"team_name": "SRE", "person_ids": [ALICE]})["team_id"]
    api.ok("/team/upsert", {"team_name": "Ops"})
    schedule_id = create(api)
    with pytest.raises(ApiError) as info:
        emulator.ui.rename_team(team_id, "Ops")
    assert info.value.code == "InvalidParameter"
    with pytest.raises(ApiError, match="ResourceNotFound"):
        emulator.ui.delete_schedule(1234567890123)
    with pytest.raises(ApiError, match="ResourceNotFound"):
        emulator.ui.remove_member(team_id, BOB)
    with pytest.raises(ApiError, match="no person with id 999"):
        emulator.ui.add_override(schedule_id, DAY0, DAY0 + HOUR, 999)
    with pytest.raises(ApiError, match="layer_end: must be after"):
        emulator.ui.add_override(schedule_id, DAY0, DAY0, ALICE)
    with pytest.raises(TypeError, match="colour"):
        emulator.ui.edit_schedule(schedule_id, colour="red")
    with pytest.raises(ValueError, match="kind must be one of"):
        emulator.ui.add_reference("spreadsheet", "x", schedule_id=schedule_id)
    with pytest.raises(ValueError, match="exactly one"):
        emulator.ui.add_reference("escalate_rule", "x")
    ref_id = emulator.ui.add_reference("escalate_rule", "x", schedule_id=schedule_id)
    with pytest.raises(ApiError, match="ReferenceExist"):
        emulator.ui.delete_schedule(schedule_id)
    emulator.ui.remove_reference(ref_id)
    with pytest.raises(ApiError, match="ResourceNotFound"):
        emulator.ui.remove_reference(ref_id)
    assert len(emulator.schedule(schedule_id)["layers"]) == 1


def test_console_changes_follow_the_rules_not_the_openapi_schema(api, emulator):
    # The console is no Open API client: a partial layer is completed, as its forms do...
    schedule_id = create(api)
    emulator.ui.edit_schedule(schedule_id, layers=[{"layer_name": "Hand-made", "layer_start": DAY0,
                                                    "rotation_duration": DAY,
                                                    "groups": [{"members": [{"person_ids": [CAROL]}]}]}])
    [stored] = emulator.schedule(schedule_id)["layers"]
    assert (stored["layer_name"], stored["rotation_duration"], stored["rotation_unit"], stored["hidden"]) == (
        "Hand-made", DAY, None, 0)
    assert stored["groups"][0]["members"] == [{"role_id": 0, "person_ids": [CAROL]}]
    # ...but the endpoint rules hold, including those the schema reaches first over HTTP.
    for fields, message in [
        ({"layers": [{"layer_start": DAY0, "groups": [{"members": [{"person_ids": [ALICE]}]}]}]},
         "layers[0].rotation_duration: a rotation layer (mode 0) needs rotation_duration"),
        ({"layers": [{"rotation_duration": DAY, "groups": [{"members": [{"person_ids": [ALICE]}]}]}]},
         "layers[0].layer_start: required (or enable_time)"),
        ({"layers": [{"layer_start": DAY0, "rotation_value": 2, "groups": []}]},
         "layers[0].rotation_unit: required with rotation_value"),
        ({"layers": [{"layer_start": DAY0, "rotation_unit": "year"}]},
         "layers[0].rotation_unit: must be one of hour, day, week, month, got 'year'"),
        ({"layers": [{"layer_start": DAY0, "mode": 2}]}, "layers[0].mode: must be 0 (rotation) or 1 (override)"),
        ({"description": 5}, "description: must be a string, got 5"),
        ({"team_id": True}, "team_id: must be an integer, got true"),
        ({"schedule_name": "x" * 41}, "schedule_name: must be 1 to 40 characters, got 41"),
        ({"notify": {"by": {"follow_preference": "yes"}}}, "notify.by.follow_preference: must be true or false"),
    ]:
        with pytest.raises(ApiError) as info:
            emulator.ui.edit_schedule(schedule_id, **fields)
        assert info.value.message.startswith(message), info.value.message
    team_id = api.ok("/team/upsert", {"team_name": "SRE"})["team_id"]
    with pytest.raises(ApiError, match="team_name: required, 1 to 39 characters"):
        emulator.ui.rename_team(team_id, " ")
    with pytest.raises(ApiError, match="team_name: must be 1 to 39 characters, got 40"):
        emulator.ui.rename_team(team_id, "x" * 40)


def test_ui_disables_and_enables_a_schedule(api, emulator):
    schedule_id = create(api)
    emulator.ui.disable_schedule(schedule_id)
    item = api.ok("/schedule/info", {"schedule_id": schedule_id, **window()})
    assert (item["disabled"], item["status"], item["update_by"]) == (1, 1, OWNER)
    assert item["final_schedule"]["schedules"]
    emulator.ui.enable_schedule(schedule_id)
    assert api.ok("/schedule/infos", {"schedule_ids": [schedule_id]})["items"][0]["disabled"] == 0
    for change in (emulator.ui.disable_schedule, emulator.ui.enable_schedule):
        with pytest.raises(ApiError, match="ResourceNotFound"):
            change(1234567890123)


# --- raw edits: values our provider would not write ------------------------------------------------

FLAT_WEBHOOK = {"type": "dingtalk", "name": "x", "token": "t", "url": "https://oapi.dingtalk.com/robot/send"}
OLD_SETTINGS = {"type": "feishu_app", "settings": {"integration_id": 5427276014131, "chat_ids": ["oc_1"]}}
UNKNOWN_TYPE = {"type": "pagerbeeper", "settings": {"token": "t"}, "colour": "red"}


def test_raw_values_are_returned_as_stored(api, emulator):
    schedule_id = create(api)

    def edit(record: dict[str, Any]) -> None:
        record["notify"] = {"fixed_time": None, "webhooks": [FLAT_WEBHOOK, OLD_SETTINGS, UNKNOWN_TYPE],
                            "by": {"follow_preference": False, "personal_channels": ["voice", "pigeon"]},
                            "future": {"x": 1}}
        first = record["layers"][0]
        record["layers"] = [
            {**first, "rotation_unit": "hour", "rotation_value": 48, "rotation_duration": 48 * HOUR},
            {**first, "layer_name": "Half hours", "rotation_unit": None, "rotation_value": None,
             "rotation_duration": 1800, "restrict_mode": 3, "note": "made by hand", "weight": 1},
        ]

    emulator.ui.edit_schedule_raw(schedule_id, edit)
    stored = emulator.schedule(schedule_id)
    item = api.ok("/schedule/info", {"schedule_id": schedule_id, **window()})
    assert item["notify"] == stored["notify"] and item["layers"] == stored["layers"]
    assert item["notify"]["webhooks"] == [FLAT_WEBHOOK, OLD_SETTINGS, UNKNOWN_TYPE]
    assert "advance_in_time" not in item["notify"] and item["notify"]["future"] == {"x": 1}
    assert item["layers"][1]["note"] == "made by hand" and item["layers"][1]["restrict_mode"] == 3
    forty_eight, half_hours = ([(s["start"], s["end"]) for s in layer["schedules"]]
                               for layer in item["schedule_layers"])
    assert forty_eight == [(DAY0, DAY0 + 2 * DAY)]
    assert half_hours[:2] == [(DAY0, DAY0 + 1800), (DAY0 + 1800, DAY0 + 3600)]  # restrict_mode 3: no windows
    assert item["update_at"] == NOW  # nothing stamped
    listed = api.ok("/schedule/list", window())["items"][0]
    assert (listed["notify"], listed["layers"]) == (item["notify"], item["layers"])
    assert api.ok("/schedule/infos", {"schedule_ids": [schedule_id]})["items"][0]["notify"] == item["notify"]


def test_layers_the_engine_cannot_expand_have_no_shifts_and_break_nothing(api, emulator):
    schedule_id = create(api, "Mine", ALICE)

    def edit(record: dict[str, Any]) -> None:
        good = record["layers"][0]
        record["layers"] = [
            good,
            {**good, "layer_name": "No rotation", "rotation_unit": None, "rotation_value": None,
             "rotation_duration": 0},
            {**good, "layer_name": "Fortnightly", "rotation_unit": "fortnight"},
            {**good, "layer_name": "Million months", "rotation_unit": "month", "rotation_value": 10**6},
            "not a layer",
        ]

    emulator.ui.edit_schedule_raw(schedule_id, edit)
    item = api.ok("/schedule/info", {"schedule_id": schedule_id, **window()})
    assert [layer["layer_name"] for layer in item["schedule_layers"]] == [
        "Daily", "No rotation", "Fortnightly", "Million months", ""]
    assert [bool(layer["schedules"]) for layer in item["schedule_layers"]] == [True, False, False, False, False]
    assert item["final_schedule"]["schedules"] == item["schedule_layers"][0]["schedules"]
    assert item["cur_oncall"]["group"]["members"][0]["person_ids"] == [ALICE]
    assert item["layers"][4] == "not a layer"
    assert api.ok("/schedule/list", window())["items"][0]["schedule_id"] == schedule_id
    assert [s["schedule_id"] for s in api.ok("/schedule/self", {})["items"]] == [schedule_id]
    # The console's own forms still hold stored values to their rules.
    with pytest.raises(ApiError, match=r"layers\[4\]: must be an object, got \"not a layer\""):
        emulator.ui.edit_schedule(schedule_id, description="x")


def test_raw_edits_survive_a_restart(tmp_path):
    state = tmp_path / "state.json"
    with Emulator(app_key=KEY, state_file=state, clock=lambda: NOW) as emu:
        api = Api(emu)
        schedule_id = create(api)
        emu.ui.edit_schedule_raw(schedule_id, lambda record: record["notify"] or record.update(
            notify={"by": {"personal_channels": ["voice"]}}))
    with Emulator(app_key=KEY, state_file=state, clock=lambda: NOW) as emu:
        assert emu.schedule(schedule_id)["notify"] == {"by": {"personal_channels": ["voice"]}}


def test_raw_edits_that_would_break_the_record_are_refused(api, emulator):
    schedule_id = create(api)
    before = emulator.schedule(schedule_id)
    for edit, message in [
        (lambda record: record.pop("layers"), "the edited schedule lacks layers"),
        (lambda record: record.update(schedule_id=1), f"schedule_id must stay {schedule_id}, got 1"),
        (lambda record: record.update(notify={"at": object()}), "the edited schedule is not JSON"),
        (lambda record: record.update(description=float("nan")), "the edited schedule is not JSON"),
    ]:
        with pytest.raises(ValueError, match=message):
            emulator.ui.edit_schedule_raw(schedule_id, edit)
    assert emulator.schedule(schedule_id) == before
    with pytest.raises(ApiError, match="ResourceNotFound"):
        emulator.ui.edit_schedule_raw(1234567890123, lambda record: None)
