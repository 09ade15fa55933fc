"""flashcat_pulumi.resources.team without the engine: TeamArgs (forms, canonical form, failures with
their paths, values unknown at preview) and the wire mapping both ways (also through the emulator)."""

from __future__ import annotations

import httpx
import pytest
from pulumi.output import Unknown

from flashcat_pulumi.resources.team import TeamProvider, check_team, team_from_wire, team_people, team_to_wire
from flashcat_pulumi.wire import TeamItem

ALICE, BOB, CAROL, DAVE = 2476444212131, 2476444212132, 2476444212133, 2476444212134
EMAILS = {ALICE: "alice@example.com", BOB: "bob@example.com", CAROL: "carol@example.com"}
IDS = {email: pid for pid, email in EMAILS.items()}
UNKNOWN = Unknown()


def person_id(ref):
    return ref if isinstance(ref, int) else IDS[ref]


def render(pid):
    return EMAILS.get(pid, pid)


def test_canonical_team():
    canonical, failures = check_team({"team_name": "SRE", "members": ["B@example.com", BOB, "a@example.com", ALICE,
                                                                      BOB]})
    assert failures == []
    assert canonical == {"team_name": "SRE", "description": "", "members": [ALICE, BOB, "a@example.com",
                                                                            "b@example.com"],
                         "ref_id": "", "adopt": False}
    floats = {**canonical, "members": [float(ALICE), float(BOB), "a@example.com", "b@example.com"]}
    assert check_team(floats) == (canonical, [])  # Pulumi sends numbers as floats
    assert check_team({**canonical, "__provider": "opaque", "ref_id": None}) == (canonical, [])


@pytest.mark.parametrize(("ref", "canonical"), [
    (ALICE, ALICE), (float(ALICE), ALICE), (str(ALICE), ALICE), (" Alice@Example.COM ", "alice@example.com"),
])
def test_person_forms(ref, canonical):
    assert check_team({"team_name": "SRE", "members": [ref]})[0]["members"] == [canonical]


def test_one_member_given_alone():
    assert check_team({"team_name": "SRE", "members": "alice@example.com"})[0]["members"] == ["alice@example.com"]


@pytest.mark.parametrize(("props", "path", "reason"), [
    ({"members": []}, "team_name", "required, 1 to 39 characters"),
    ({"team_name": "   "}, "team_name", "required"),
    ({"team_name": "x" * 40}, "team_name", "1 to 39 characters, got 40"),
    ({"team_name": 39}, "team_name", "must be a string"),
    ({"team_name": "SRE", "description": "x" * 501}, "description", "at most 500"),
    ({"team_name": "SRE", "members": ["bob@"]}, "members[0]", "email address"),
    ({"team_name": "SRE", "members": "alice@example.com, bob@example.com"}, "members", "email address"),
    ({"team_name": "SRE", "members": {"alice": 1}}, "members", "must be a list of person ids or emails"),
    ({"team_name": "SRE", "ref_id": 5}, "ref_id", "must be a string"),
    ({"team_name": "SRE", "adopt": 1}, "adopt", "true or false"),
    ({"team_name": "SRE", "member": [ALICE]}, "member", "did you mean 'members'"),
])
def test_team_validation(props, path, reason):
    canonical, failures = check_team(props)
    assert canonical == props  # the engine stops on failures; the inputs go back as they were
    assert [f.path for f in failures] == [path]
    assert reason in failures[0].reason


def test_unknown_values_are_kept():
    team, failures = check_team({"team_name": UNKNOWN, "members": UNKNOWN})
    assert failures == [] and team["members"] is UNKNOWN and team_people(team) == []
    team, _ = check_team({"team_name": "SRE", "members": [ALICE, UNKNOWN, "bob@example.com"]})
    assert team["members"][:2] == [ALICE, "bob@example.com"] and team["members"][2] is UNKNOWN
    assert team_people(team) == [ALICE, "bob@example.com"]


def test_team_to_wire_and_back():
    canonical = check_team({"team_name": "SRE", "description": "d", "ref_id": "ext-1",
                            "members": ["bob@example.com", ALICE, "alice@example.com"]})[0]
    assert team_to_wire(canonical, person_id, team_id=5).to_wire() == {
        "team_name": "SRE", "team_id": 5, "description": "d", "person_ids": [ALICE, BOB], "ref_id": "ext-1"}
    team = TeamItem(team_id=5, team_name="SRE", description="d", ref_id="ext-1", person_ids=[BOB, ALICE])
    assert team_from_wire(team, render) == {**canonical, "members": ["alice@example.com", "bob@example.com"]}
    assert "team_id" not in team_to_wire(canonical, person_id).to_wire()


def test_team_from_wire_keeps_what_inputs_cannot_express_as_stored():
    # A name our rules refuse (empty, or longer than they allow) is read back as stored, never an error.
    assert team_from_wire(TeamItem(team_id=5, team_name=""), render)["team_name"] == ""
    assert team_from_wire(TeamItem(team_id=5, team_name="x" * 60), render)["team_name"] == "x" * 60


def test_diff_compares_meanings():
    provider = TeamProvider()
    canonical = check_team({"team_name": "SRE", "members": ["alice@example.com", BOB]})[0]
    outputs = {**canonical, "team_id": 5.0, "person_ids": [float(ALICE), float(BOB)], "members": [float(BOB),
                                                                                              "alice@example.com"]}
    assert provider.diff("5", outputs, canonical).changes is False
    assert provider.diff("5", outputs, {**canonical, "description": "x"}).changes is True
    assert provider.diff("5", outputs, {**canonical, "members": UNKNOWN}).changes is True


@pytest.mark.emulator(rate_limits=False)
def test_team_round_trip_through_the_emulator(emulator):
    canonical = check_team({"team_name": "SRE", "description": "Site reliability", "ref_id": "sre",
                            "members": ["carol@example.com", DAVE, "alice@example.com"]})[0]
    body = team_to_wire(canonical, person_id).to_wire()
    response = httpx.post(f"{emulator.base_url}/team/upsert", params={"app_key": emulator.app_key}, json=body)
    team_id = response.json()["data"]["team_id"]
    stored = httpx.post(f"{emulator.base_url}/team/info", params={"app_key": emulator.app_key},
                        json={"team_id": team_id}).json()["data"]
    assert team_from_wire(TeamItem.model_validate(stored), render) == canonical
