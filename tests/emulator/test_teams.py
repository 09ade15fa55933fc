"""Teams, members, persons and roles over HTTP."""

from __future__ import annotations

import pytest

from tests.emulator.conftest import ALICE, BOB, CAROL, DAVE, DEFAULTS, ERIN, FRANK, KEY, NOW, OWNER, create

pytestmark = pytest.mark.emulator(**DEFAULTS)


# --- members, persons, roles ---------------------------------------------------------------------

def test_member_info_is_alice_and_the_account(api):
    info = api.ok("/member/info", {})
    assert (info["member_id"], info["member_name"], info["email"]) == (
        ALICE, "Alice Chen", "alice@example.com")
    assert (info["account_id"], info["account_name"], info["account_time_zone"]) == (
        OWNER, "Emulated Account", "Asia/Shanghai")
    assert info["account_email"] == "owner@example.com" and info["status"] == "enabled"


def test_member_list_shows_members_not_the_owner(api):
    data = api.ok("/member/list", {})
    assert (data["p"], data["limit"], data["total"]) == (1, 20, 6)
    assert {m["member_id"] for m in data["items"]} == {ALICE, BOB, CAROL, DAVE, ERIN, FRANK}
    carol = next(m for m in data["items"] if m["member_id"] == CAROL)
    assert carol["phone"] == "+86138****0003" and carol["email"] == "carol@example.com"
    assert {"member_name", "status", "account_role_ids", "created_at", "is_external"} <= set(carol)


@pytest.mark.parametrize(("query", "expected"), [
    ("carol", [CAROL]), ("CAROL", [CAROL]), ("frank@", [FRANK]), ("li", [ALICE, BOB, ERIN]),
    ("+8613800000004", [DAVE]), ("13800000004", [DAVE]), ("1380000", []), ("owner", []), ("nobody", []),
])
def test_member_list_query(api, query, expected):
    items = api.ok("/member/list", {"query": query})["items"]
    assert sorted(m["member_id"] for m in items) == expected


def test_member_list_paging_and_order(api):
    ascending = api.ok("/member/list", {"orderby": "created_at", "asc": True, "limit": 4})
    assert [m["member_id"] for m in ascending["items"]] == [ALICE, BOB, CAROL, DAVE]
    assert ascending["total"] == 6
    page2 = api.ok("/member/list", {"orderby": "updated_at", "asc": True, "limit": 4, "p": 2})
    assert [m["member_id"] for m in page2["items"]] == [ERIN, FRANK]
    assert [m["member_id"] for m in api.ok("/member/list", {"limit": 1})["items"]] == [FRANK]
    assert api.ok("/member/list", {"role_id": 1})["items"] == []


def test_person_infos_includes_the_owner_and_skips_unknown_ids(api):
    items = api.ok("/person/infos", {"person_ids": [ALICE, OWNER, 1234567890123, ALICE]})["items"]
    assert [(p["person_id"], p["as"]) for p in items] == [(ALICE, "member"), (OWNER, "account")]
    assert items[1]["person_name"] == "Owner" and items[0]["account_id"] == OWNER
    assert items[0]["email_verified"] is True and items[0]["status"] == "enabled"


def test_oncall_roles(api):
    response = api.http.get("/oncall/roles", params={"app_key": KEY})
    roles = response.json()["data"]
    assert [(r["id"], r["name"]) for r in roles] == [(0, "Primary"), (1, "Backup")]
    assert api.http.get("/oncall/roles").status_code == 401


# --- teams ---------------------------------------------------------------------------------------

def test_team_lifecycle(api, emulator):
    created = api.ok("/team/upsert", {"team_name": "SRE", "description": "on call",
                                      "person_ids": [ALICE, BOB], "ref_id": "hr-1"})
    team_id = created["team_id"]
    assert created == {"team_id": team_id, "team_name": "SRE"} and len(str(team_id)) == 13
    info = api.ok("/team/info", {"team_id": team_id})
    assert info == {"account_id": OWNER, "team_id": team_id, "team_name": "SRE", "description": "on call",
                    "status": "enabled", "updated_by_name": "", "updated_by": 0, "creator_id": ALICE,
                    "creator_name": "Alice Chen", "created_at": NOW, "updated_at": NOW,
                    "person_ids": [ALICE, BOB], "ref_id": "hr-1"}
    assert api.ok("/team/info", {"team_name": "SRE"}) == info == api.ok("/team/info", {"ref_id": "hr-1"})
    assert emulator.team(team_id) == info

    api.ok("/team/upsert", {"team_id": team_id, "team_name": "SRE core", "person_ids": [CAROL]})
    updated = api.ok("/team/info", {"team_id": team_id})
    assert (updated["team_name"], updated["person_ids"], updated["description"]) == (
        "SRE core", [CAROL], "on call")
    assert (updated["updated_by"], updated["updated_by_name"]) == (ALICE, "Alice Chen")

    api.ok("/team/upsert", {"team_id": team_id, "team_name": "SRE core", "description": ""})
    kept = api.ok("/team/info", {"team_id": team_id})
    assert (kept["person_ids"], kept["description"], kept["ref_id"]) == ([CAROL], "", "hr-1")

    api.ok("/team/delete", {"team_name": "SRE core"})
    assert emulator.team(team_id) is None
    api.fail("/team/delete", {"team_id": team_id}, "ResourceNotFound")
    message = api.fail("/team/info", {"team_id": team_id}, "ResourceNotFound")
    assert message == "The resource you request is not found"


def test_team_names_are_unique_unless_reset(api):
    first = api.ok("/team/upsert", {"team_name": "SRE", "person_ids": [ALICE]})["team_id"]
    message = api.fail("/team/upsert", {"team_name": "SRE"}, "InvalidParameter")
    assert message.startswith("team_name: a team named 'SRE' already exists")
    again = api.ok("/team/upsert", {"team_name": "SRE", "person_ids": [BOB], "reset_if_name_exist": True})
    assert again["team_id"] == first
    assert api.ok("/team/info", {"team_id": first})["person_ids"] == [BOB]
    other = api.ok("/team/upsert", {"team_name": "Ops"})["team_id"]
    api.fail("/team/upsert", {"team_id": other, "team_name": "SRE"}, "InvalidParameter")
    api.ok("/team/upsert", {"team_id": other, "team_name": "Ops", "ref_id": "hr-7"})
    assert "ref_id" in api.fail("/team/upsert", {"team_name": "Web", "ref_id": "hr-7"}, "InvalidParameter")


def test_team_upsert_unknown_team_id_is_not_found(api):
    api.fail("/team/upsert", {"team_id": 1234567890123, "team_name": "X"}, "ResourceNotFound")


def test_team_invites_by_email_and_phone(api, emulator):
    team = api.ok("/team/upsert", {"team_name": "Invites", "person_ids": [ALICE],
                                   "emails": ["bob@example.com", "new.person@example.org"],
                                   "phones": ["13900000000"], "countryCode": "86"})
    person_ids = api.ok("/team/info", {"team_id": team["team_id"]})["person_ids"]
    assert person_ids[:2] == [ALICE, BOB] and len(person_ids) == 4
    invited = api.ok("/person/infos", {"person_ids": person_ids[2:]})["items"]
    assert [(p["person_name"], p["email"], p["status"]) for p in invited] == [
        ("new.person", "new.person@example.org", "pending"), ("+8613900000000", "", "pending")]
    phones = {p["person_id"]: p["phone"] for p in emulator.people()}
    assert phones[person_ids[3]] == "+8613900000000"
    members = api.ok("/member/list", {"query": "new.person"})["items"]
    assert [m["status"] for m in members] == ["pending"]
    again = api.ok("/team/upsert", {"team_name": "Again", "emails": ["NEW.PERSON@example.org"]})
    assert api.ok("/team/info", {"team_id": again["team_id"]})["person_ids"] == [person_ids[2]]


def test_team_infos_and_list(api):
    ids = [api.ok("/team/upsert", {"team_name": name, "person_ids": people})["team_id"]
           for name, people in (("Alpha", [ALICE]), ("Beta", [BOB]), ("Gamma", [ALICE, CAROL]))]
    brief = api.ok("/team/infos", {"team_ids": [ids[2], 1234567890123, ids[0]]})["items"]
    assert brief == [{"team_id": ids[2], "team_name": "Gamma", "person_ids": [ALICE, CAROL]},
                     {"team_id": ids[0], "team_name": "Alpha", "person_ids": [ALICE]}]
    listed = api.ok("/team/list", {})
    assert (listed["p"], listed["limit"], listed["total"]) == (1, 20, 3)
    assert [t["team_id"] for t in listed["items"]] == ids[::-1]
    assert [t["team_name"] for t in api.ok("/team/list", {"orderby": "team_name", "asc": True})["items"]] == [
        "Alpha", "Beta", "Gamma"]
    assert [t["team_id"] for t in api.ok("/team/list", {"person_id": ALICE})["items"]] == [ids[2], ids[0]]
    assert [t["team_id"] for t in api.ok("/team/list", {"query": "MM"})["items"]] == [ids[2]]
    page = api.ok("/team/list", {"limit": 2, "p": 2, "orderby": "created_at", "asc": True})
    assert (page["total"], [t["team_id"] for t in page["items"]]) == (3, [ids[2]])


def test_team_delete_refused_while_a_schedule_uses_it(api):
    team_id = api.ok("/team/upsert", {"team_name": "SRE", "person_ids": [ALICE]})["team_id"]
    schedule_id = create(api, "SRE primary", team_id=team_id)
    response = api.post("/team/delete", {"team_id": team_id})
    body = response.json()
    assert response.status_code == 400 and body["error"]["code"] == "ReferenceExist"
    assert body["data"] == {"refs": [{"kind": "schedule", "name": "SRE primary",
                                      "href": f"/schedule/{schedule_id}"}]}
    api.ok("/schedule/delete", {"schedule_ids": [schedule_id]})
    api.ok("/team/delete", {"team_id": team_id})


# --- validation ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("path", "body", "message"), [
    ("/team/upsert", {}, "team_name is required"),
    ("/team/upsert", {"team_name": ""}, "team_name: '' should be non-empty"),
    ("/team/upsert", {"team_name": "  "}, "team_name: required, 1 to 39 characters"),
    ("/team/upsert", {"team_name": "x" * 40}, f"team_name: {'x' * 40!r} is too long"),
    ("/team/upsert", {"team_name": "T", "description": "x" * 501}, f"description: '{'x' * 56}... is too long"),
    ("/team/upsert", {"team_name": "T", "description": 5}, "description: 5 is not of type 'string'"),
    ("/team/upsert", {"team_name": "T", "person_ids": [ALICE, 999]}, "person_ids[1]: no person with id 999"),
    ("/team/upsert", {"team_name": "T", "emails": ["a@b.io", "nope"]},
     "emails[1]: must look like an email address, got 'nope'"),
    ("/team/upsert", {"team_name": "T", "phones": ["call me"]}, "phones[0]: must be a phone number"),
    ("/team/upsert", {"team_name": "T", "team_id": "x"}, "team_id: 'x' is not of type 'integer'"),
    ("/team/upsert", {"team_name": "T", "team_id": -1}, "team_id: must be at least 0, got -1"),
    ("/team/upsert", {"team_name": "T", "reset_if_name_exist": 1},
     "reset_if_name_exist: 1 is not of type 'boolean'"),
    ("/team/info", {}, "team_id: give one of team_id, team_name or ref_id"),
    ("/team/info", {"team_name": "", "ref_id": ""}, "team_id: give one of"),
    ("/team/info", {"ref_id": 7}, "ref_id: 7 is not of type 'string'"),
    ("/team/delete", {}, "team_id: give one of team_id, team_name or ref_id"),
    ("/team/infos", {}, "team_ids is required"),
    ("/team/infos", {"team_ids": []}, "team_ids: required"),
    ("/team/infos", {"team_ids": list(range(1, 102))}, "team_ids: at most 100 ids, got 101"),
    ("/team/list", {"orderby": "name"},
     "orderby: 'name' is not one of ['created_at', 'updated_at', 'team_name']"),
    ("/team/list", {"limit": 101}, "limit: 101 is greater than the maximum of 100"),
    ("/team/list", {"p": 0}, "p: 0 is less than the minimum of 1"),
    ("/team/list", {"p": 201, "limit": 50}, "p: p × limit must be at most 10000"),
    ("/team/list", {"asc": "true"}, "asc: 'true' is not of type 'boolean'"),
    ("/member/list", {"orderby": "team_name"}, "orderby: 'team_name' is not one of ['created_at', 'updated_at']"),
    ("/member/list", {"p": -1}, "p: -1 is less than the minimum of 1"),
    ("/member/list", {"p": 200, "limit": 51}, "p: p × limit must be at most 10000"),
    ("/member/list", {"role_id": -1}, "role_id: must be at least 0"),
    ("/person/infos", {}, "person_ids is required"),
    ("/person/infos", {"person_ids": []}, "person_ids: required, a non-empty list of person ids"),
    ("/person/infos", {"person_ids": ["1"]}, "person_ids[0]: '1' is not of type 'integer'"),
])
def test_request_validation(api, path, body, message):
    got = api.fail(path, body, "InvalidParameter")
    assert got.startswith(message), got


@pytest.mark.parametrize(("path", "body"), [
    ("/team/infos", {"team_ids": list(range(1, 101))}),
])
def test_limits_are_inclusive_where_documented(api, path, body):
    api.ok(path, body)
