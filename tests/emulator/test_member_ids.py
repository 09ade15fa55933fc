"""Member ids apart from person ids (``Emulator(member_ids=...)``): only ``/member/list`` and
``/member/info`` show them; everything else speaks person ids."""

from __future__ import annotations

import json

import pytest

from flashcat_pulumi.emulator import Emulator, SeedPerson
from flashcat_pulumi.emulator.state import FIRST_ID, MEMBER_FIRST_ID
from tests.emulator.conftest import ALICE, BOB, CAROL, DAVE, ERIN, FRANK, KEY, NOW, OWNER, Api, create, window

MEMBERS = [ALICE, BOB, CAROL, DAVE, ERIN, FRANK]


def member_ids(api: Api) -> dict[str, int]:
    """``email: member_id`` of every member, from ``/member/list``."""
    return {m["email"]: m["member_id"] for m in api.ok("/member/list", {"limit": 100})["items"]}


def emails(api: Api) -> dict[int, str]:
    """``person_id: email`` of everyone, from ``/person/infos``."""
    items = api.ok("/person/infos", {"person_ids": [OWNER, *MEMBERS]})["items"]
    return {p["person_id"]: p["email"] for p in items}


def test_same_is_the_default_and_member_ids_are_person_ids(api, emulator):
    by_id = emails(api)
    assert member_ids(api) == {by_id[p]: p for p in MEMBERS}
    assert api.ok("/member/info", {})["member_id"] == ALICE
    assert {p["person_id"] for p in emulator.people()} == {p["member_id"] for p in emulator.people()}


def test_distinct_member_ids_are_no_persons_ids():
    with Emulator(app_key=KEY, clock=lambda: NOW, member_ids="distinct") as emu:
        api = Api(emu)
        by_id = emails(api)
        members = member_ids(api)
        assert set(members) == {by_id[p] for p in MEMBERS}
        # A counter of their own, in seed order (the owner first), far from every person id.
        assert sorted(members.values()) == list(range(MEMBER_FIRST_ID + 1, MEMBER_FIRST_ID + 7))
        assert members["alice@example.com"] == MEMBER_FIRST_ID + 1
        info = api.ok("/member/info", {})
        assert (info["member_id"], info["account_id"], info["email"]) == (
            MEMBER_FIRST_ID + 1, OWNER, "alice@example.com")
        # A member id is no person: /person/infos leaves it out, a schedule or team refuses it.
        assert api.ok("/person/infos", {"person_ids": list(members.values())})["items"] == []
        message = api.fail("/team/upsert", {"team_name": "SRE", "person_ids": [MEMBER_FIRST_ID + 1]},
                           "InvalidParameter")
        assert message == f"person_ids[0]: no person with id {MEMBER_FIRST_ID + 1}"
        # Everything else speaks person ids: teams, their filter, schedules, shifts, authors.
        team_id = api.ok("/team/upsert", {"team_name": "SRE", "person_ids": [ALICE, BOB]})["team_id"]
        assert api.ok("/team/info", {"team_id": team_id})["person_ids"] == [ALICE, BOB]
        assert [t["team_id"] for t in api.ok("/team/list", {"person_id": ALICE})["items"]] == [team_id]
        assert api.ok("/team/list", {"person_id": MEMBER_FIRST_ID + 1})["items"] == []
        schedule_id = create(api, team_id=team_id)
        item = api.ok("/schedule/info", {"schedule_id": schedule_id, **window()})
        assert (item["create_by"], item["update_by"], item["account_id"]) == (ALICE, ALICE, OWNER)
        assert item["cur_oncall"]["group"]["members"][0]["person_ids"] == [ALICE]
        assert [s["schedule_id"] for s in api.ok("/schedule/self", {})["items"]] == [schedule_id]
        # People invited later get the next member id too.
        api.ok("/team/upsert", {"team_id": team_id, "team_name": "SRE", "emails": ["new@example.org"]})
        assert member_ids(api)["new@example.org"] == MEMBER_FIRST_ID + 7
        assert {p["email"]: p["member_id"] for p in emu.people()}["new@example.org"] == MEMBER_FIRST_ID + 7


def test_crossed_member_ids_are_other_members_person_ids():
    with Emulator(app_key=KEY, clock=lambda: NOW, member_ids="crossed") as emu:
        api = Api(emu)
        by_id = emails(api)
        members = member_ids(api)
        # Rotated by one in seed order: Alice's member id is Bob's person id, ..., Frank's is Alice's.
        assert members == {by_id[p]: q for p, q in zip(MEMBERS, MEMBERS[1:] + MEMBERS[:1], strict=True)}
        info = api.ok("/member/info", {})
        assert (info["member_id"], info["account_id"], info["member_name"]) == (BOB, OWNER, "Alice Chen")
        # A careless client asking /person/infos for Alice's member id gets Bob.
        [person] = api.ok("/person/infos", {"person_ids": [members["alice@example.com"]]})["items"]
        assert (person["person_id"], person["email"]) == (BOB, "bob@example.com")
        # The owner and later invitees are nobody else: they get distinct member ids.
        assert {p["email"]: p["member_id"] for p in emu.people()}["owner@example.com"] == MEMBER_FIRST_ID
        api.ok("/team/upsert", {"team_name": "SRE", "emails": ["new@example.org"]})
        assert member_ids(api)["new@example.org"] == MEMBER_FIRST_ID + 1


def test_crossed_with_a_single_member_falls_back_to_distinct():
    seed = [SeedPerson("Solo", "solo@corp.io", 42)]
    with Emulator(seed=seed, member_ids="crossed") as emu:
        api = Api(emu)
        assert member_ids(api) == {"solo@corp.io": MEMBER_FIRST_ID + 1}
        assert api.ok("/member/info", {})["member_id"] == MEMBER_FIRST_ID + 1
        assert api.ok("/person/infos", {"person_ids": [MEMBER_FIRST_ID + 1]})["items"] == []


@pytest.mark.parametrize("mode", ["distinct", "crossed"])
def test_the_state_file_keeps_the_mode_and_the_member_ids(tmp_path, mode):
    state = tmp_path / "state.json"
    with Emulator(app_key=KEY, state_file=state, member_ids=mode) as emu:
        api = Api(emu)
        api.ok("/team/upsert", {"team_name": "SRE", "emails": ["new@example.org"]})
        before = member_ids(api)
    saved = json.loads(state.read_text())
    assert saved["version"] == 1 and saved["member_ids"] == mode
    # The file's numbering wins over the argument, as its people win over the seed.
    with Emulator(app_key=KEY, state_file=state) as emu:
        api = Api(emu)
        assert member_ids(api) == before
        api.ok("/team/upsert", {"team_name": "Ops", "emails": ["later@example.org"]})
        assert member_ids(api)["later@example.org"] == max(before.values()) + 1


def test_a_same_account_is_saved_without_the_mode(tmp_path):
    state = tmp_path / "state.json"
    with Emulator(state_file=state) as emu:
        Api(emu).ok("/team/upsert", {"team_name": "SRE", "emails": ["new@example.org"]})
    saved = json.loads(state.read_text())
    assert "member_ids" not in saved and all("member_id" not in p for p in saved["people"])


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"member_ids": "mixed"}, "member_ids: must be one of same, distinct, crossed, got 'mixed'"),
    ({"member_ids": "distinct", "seed": [SeedPerson("Big", "big@corp.io", FIRST_ID)]},
     f"member_ids='distinct': seed person ids must be below {FIRST_ID}, got {FIRST_ID}"),
])
def test_bad_member_id_options_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Emulator(**kwargs)


def test_a_state_file_with_an_unknown_mode_is_reported(tmp_path):
    state = tmp_path / "state.json"
    with Emulator(state_file=state):
        pass
    data = json.loads(state.read_text())
    state.write_text(json.dumps({**data, "member_ids": "mixed"}))
    with pytest.raises(ValueError, match="not a usable emulator state file: member_ids must be one of"):
        Emulator(state_file=state)
