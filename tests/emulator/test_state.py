"""The state file: saved after every change, restored on start, and files of earlier releases load."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from flashcat_pulumi.emulator import Emulator
from tests.emulator.conftest import ALICE, DAY, KEY, NOW, Api, create, window


def test_state_file_survives_a_restart(tmp_path):
    state = tmp_path / "state.json"
    with Emulator(app_key=KEY, state_file=state, clock=lambda: NOW) as emu:
        api = Api(emu)
        team_id = api.ok("/team/upsert", {"team_name": "SRE", "person_ids": [ALICE],
                                          "emails": ["new@example.org"]})["team_id"]
        schedule_id = create(api, team_id=team_id)
        assert json.loads(state.read_text())["schedules"][0]["schedule_id"] == schedule_id  # written at once
        emu.ui.add_reference("escalate_rule", "Escalate", schedule_id=schedule_id)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json"]
    with Emulator(app_key="another-key", state_file=state, clock=lambda: NOW + DAY) as emu:
        api = Api(emu)
        assert api.ok("/team/info", {"team_id": team_id})["person_ids"][0] == ALICE
        item = api.ok("/schedule/info", {"schedule_id": schedule_id, **window()})
        assert item["schedule_name"] == "Primary"
        assert "new@example.org" in {p["email"] for p in emu.people()}
        api.fail("/schedule/delete", {"schedule_ids": [schedule_id]}, "ReferenceExist")
        assert create(api, "After restart") > schedule_id
        assert api.ok("/member/info", {})["member_id"] == ALICE
    saved = json.loads(state.read_text())["schedules"]
    assert [s["schedule_name"] for s in saved] == ["Primary", "After restart"]


def test_corrupt_state_file_is_reported(tmp_path):
    state = tmp_path / "state.json"
    state.write_text("{not json")
    with pytest.raises(ValueError, match="not a usable emulator state file"):
        Emulator(state_file=state)


def test_a_state_file_of_release_0_1_0_loads_and_is_saved_unchanged(tmp_path):
    original = Path(__file__).resolve().parents[1] / "fixtures" / "state_0_1_0" / "emulator.json"
    state = tmp_path / "emulator.json"
    shutil.copyfile(original, state)
    saved = json.loads(original.read_text())
    with Emulator(state_file=state, clock=lambda: 1795000000) as emu:
        api = Api(emu)
        teams = api.ok("/team/list", {"orderby": "team_name", "asc": True})["items"]
        assert [(t["team_name"], t["person_ids"]) for t in teams] == [
            (t["team_name"], t["person_ids"]) for t in sorted(saved["teams"], key=lambda t: t["team_name"])]
        for stored in saved["schedules"]:
            item = api.ok("/schedule/info", {"schedule_id": stored["schedule_id"], "start": 1796000400,
                                             "end": 1796000400 + 7 * DAY})
            assert (item["schedule_name"], item["layers"], item["notify"]) == (
                stored["schedule_name"], stored["layers"], stored["notify"])
            assert "disabled" not in stored and (item["disabled"], item["status"]) == (0, 0)
            assert item["final_schedule"]["schedules"]
        assert api.ok("/member/info", {})["member_id"] == saved["key_owner"]
    assert json.loads(state.read_text()) == saved  # written back on stop, in the same format
