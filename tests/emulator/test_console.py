"""Out-of-band changes through the web console (``Emulator.ui``, :class:`WebConsole`)."""

from __future__ import annotations

import pytest

from flashcat_pulumi.emulator import Emulator
from flashcat_pulumi.emulator.errors import ApiError
from tests.emulator.conftest import (
    ALICE,
    BOB,
    CAROL,
    DAY0,
    HOUR,
    KEY,
    NOW,
    OWNER,
    Api,
    create,
    window,
)

pytestmark = pytest.mark.emulator(app_key=KEY, clock=lambda: NOW)


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
