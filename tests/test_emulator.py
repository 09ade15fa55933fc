"""The Flashduty emulator over real loopback HTTP, with raw httpx calls (no client, no mocks)."""

from __future__ import annotations

import contextlib
import copy
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from flashcat_pulumi import cli
from flashcat_pulumi.emulator import DEFAULT_PEOPLE, Emulator, Faults, RequestRecord, SeedPerson, load_seed
from flashcat_pulumi.emulator.errors import ApiError
from flashcat_pulumi.emulator.faults import parse_latency

REPO = Path(__file__).resolve().parents[1]
KEY = "test-app-key-0123456789"
OWNER, ALICE, BOB, CAROL, DAVE, ERIN, FRANK = range(2476444212130, 2476444212137)
HOUR = 3600
DAY = 86400
DAY0 = 1776009600  # 2026-04-13 00:00 +08:00, a Monday
NOW = DAY0 + 3 * HOUR
DELETE = object()

pytestmark = pytest.mark.emulator(app_key=KEY, clock=lambda: NOW)


class Api:
    """Raw calls: ``post`` returns the response, ``ok`` the checked ``data``, ``fail`` the checked error."""

    def __init__(self, emu: Emulator, key: str | None = None) -> None:
        self.key = emu.app_key if key is None else key
        self.http = httpx.Client(base_url=emu.base_url, timeout=10)

    def post(self, path: str, body: Any = None, *, key: str | None = "", **kwargs: Any) -> httpx.Response:
        params = {} if key is None else {"app_key": key or self.key}
        if "content" not in kwargs:
            kwargs["json"] = {} if body is None else body
        return self.http.post(path, params=params, **kwargs)

    def ok(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        response = self.post(path, body, **kwargs)
        assert response.status_code == 200, response.text
        envelope = response.json()
        assert set(envelope) == {"request_id", "data"}
        assert response.headers["Flashcat-Request-Id"] == envelope["request_id"]
        return envelope["data"]

    def fail(self, path: str, body: Any, code: str, status: int = 400, **kwargs: Any) -> str:
        response = self.post(path, body, **kwargs)
        envelope = response.json()
        assert (response.status_code, envelope["error"]["code"]) == (status, code), response.text
        assert response.headers["Flashcat-Request-Id"] == envelope["request_id"]
        return envelope["error"]["message"]

    def close(self) -> None:
        self.http.close()


@pytest.fixture
def api(emulator):
    client = Api(emulator)
    yield client
    client.close()


def group(name: str, *person_ids: int, role_id: int = 0) -> dict[str, Any]:
    return {"group_name": name, "members": [{"role_id": role_id, "person_ids": list(person_ids)}]}


def daily_layer(*person_ids: int, **fields: Any) -> dict[str, Any]:
    people = person_ids or (ALICE, BOB)
    return {"layer_name": "Daily", "mode": 0, "layer_start": DAY0, "rotation_unit": "day",
            "rotation_value": 1, "groups": [group(chr(65 + i), pid) for i, pid in enumerate(people)],
            **fields}


def schedule_body(name: str = "Primary", *person_ids: int, **fields: Any) -> dict[str, Any]:
    return {"schedule_name": name, "description": "on call", "layers": [daily_layer(*person_ids)], **fields}


def changed(body: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of ``body`` with the dotted ``path`` (list indexes as numbers) set, or removed by DELETE."""
    body = copy.deepcopy(body)
    *parents, last = path.split(".")
    node: Any = body
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if value is DELETE:
        del node[last]
    elif isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return body


def create(api: Api, *args: Any, **fields: Any) -> int:
    return api.ok("/schedule/create", schedule_body(*args, **fields))["schedule_id"]


def window(start: int = DAY0, days: int = 2) -> dict[str, int]:
    return {"start": start, "end": start + days * DAY}


# --- envelope, routing, auth, content type, permissions ---------------------------------------------

def test_success_envelope_and_request_id_header(api):
    response = api.post("/member/info", {})
    body = response.json()
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
    assert set(body) == {"request_id", "data"}
    assert re.fullmatch(r"[0-9a-f]{32}", body["request_id"])
    assert response.headers["Flashcat-Request-Id"] == body["request_id"]
    assert api.post("/member/info", {}).json()["request_id"] != body["request_id"]


def test_failure_envelope(api):
    response = api.post("/team/info", {})
    body = response.json()
    assert response.status_code == 400 and set(body) == {"request_id", "error"}
    assert body["error"] == {"code": "InvalidParameter",
                             "message": "team_id: give one of team_id, team_name or ref_id"}
    assert response.headers["Flashcat-Request-Id"] == body["request_id"]


@pytest.mark.parametrize("key", [None, "wrong-key", ""])
def test_missing_or_wrong_app_key_is_unauthorized(api, key):
    params = {} if key is None else {"app_key": key}
    response = api.http.post("/team/list", params=params, json={})
    assert response.status_code == 401
    assert response.json()["error"] == {"code": "Unauthorized", "message": "You are unauthorized."}


def test_unknown_route_is_404_even_without_a_key(api):
    assert api.fail("/schedule/frobnicate", {}, "RouteNotFound", 404, key=None)
    assert api.fail("/team/list/", {}, "RouteNotFound", 404)


@pytest.mark.parametrize(("method", "path"), [("GET", "/team/list"), ("PUT", "/schedule/create"),
                                              ("DELETE", "/team/delete"), ("POST", "/oncall/roles")])
def test_wrong_method_is_405(api, method, path):
    response = api.http.request(method, path, json={})
    assert response.status_code == 405 and response.json()["error"]["code"] == "MethodNotAllowed"


def test_head_gets_headers_only(api):
    response = api.http.head("/team/list", params={"app_key": KEY})
    assert response.status_code == 405 and response.content == b""
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["Flashcat-Request-Id"])


@pytest.mark.parametrize("headers", [{"Content-Type": "text/plain"}, {"Content-Type": "application/xml"}, {}])
def test_content_type_must_be_json(api, headers):
    message = api.fail("/team/list", None, "InvalidContentType", content=b"{}", headers=headers)
    assert "application/json" in message


def test_content_type_with_charset_is_fine(api):
    assert api.ok("/team/list", content=b"{}", headers={"Content-Type": "application/json; charset=utf-8"})


@pytest.mark.parametrize("content", [b"[]", b'"text"', b"42", b"null", b"{not json", b"", b"\xff\xfe",
                                     b'{"p": NaN}'])
def test_body_must_be_a_json_object(api, content):
    message = api.fail("/team/list", None, "InvalidParameter", content=content,
                       headers={"Content-Type": "application/json"})
    assert message == "The request body must be a JSON object."


def test_chunked_body_is_read(api):
    chunks = iter([b'{"team_name": ', b'"Chunky"}'])
    data = api.ok("/team/upsert", content=chunks, headers={"Content-Type": "application/json"})
    assert data["team_name"] == "Chunky"


def test_oversized_body_is_refused_without_reading_it(emulator):
    with socket.create_connection(("127.0.0.1", emulator.port), timeout=5) as sock:
        sock.sendall(f"POST /team/list?app_key={KEY} HTTP/1.1\r\nHost: x\r\n"
                     f"Content-Type: application/json\r\nContent-Length: 99999999\r\n\r\n".encode())
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    reply = reply.decode()
    assert reply.startswith("HTTP/1.1 413") and '"EntityTooLarge"' in reply


@pytest.mark.emulator(app_key=KEY, clock=lambda: NOW,
                      keys={"reader": {"schedules:read"}, "manager": {"schedules:manage"},
                            "teams": {"teams:manage"}, "nothing": set()})
def test_permissions_per_operation(emulator):
    needs = {
        "/schedule/create": {"manager"}, "/schedule/update": {"manager"}, "/schedule/delete": {"manager"},
        "/schedule/info": {"reader", "manager"}, "/schedule/infos": {"reader", "manager"},
        "/schedule/self": {"reader", "manager"}, "/schedule/preview": {"reader", "manager"},
        "/team/upsert": {"teams"}, "/team/delete": {"teams"},
    }
    api = Api(emulator)
    for path in ("/schedule/create", "/schedule/update", "/schedule/delete", "/schedule/info",
                 "/schedule/infos", "/schedule/list", "/schedule/self", "/schedule/preview", "/team/upsert",
                 "/team/info", "/team/infos", "/team/list", "/team/delete", "/member/list", "/member/info",
                 "/person/infos"):
        for key in ("reader", "manager", "teams", "nothing", KEY):
            response = api.post(path, {}, key=key)
            allowed = key == KEY or path not in needs or key in needs[path]
            if allowed:
                assert response.status_code != 403, (path, key)
            else:
                assert response.status_code == 403, (path, key)
                assert response.json()["error"] == {"code": "AccessDenied", "message": "Access Denied."}
    assert api.post("/oncall/roles", key="nothing").status_code == 405
    assert api.http.get("/oncall/roles", params={"app_key": "nothing"}).status_code == 200


@pytest.mark.emulator(app_key=KEY, rate_limits={"*": "1/s"}, keys={"nothing": set()})
def test_checks_run_in_the_documented_order(emulator):
    api = Api(emulator)
    text = {"content": b"{}", "headers": {"Content-Type": "text/plain"}}
    api.fail("/nope", None, "RouteNotFound", 404, key=None, **text)       # route before method and auth
    assert api.http.get("/team/list").status_code == 405                  # method before auth
    api.fail("/team/list", None, "Unauthorized", 401, key="bad", **text)  # auth before rate limit/content
    api.fail("/team/list", None, "InvalidContentType", **text)            # uses the one request per second
    api.fail("/team/list", None, "RequestTooFrequently", 429, **text)     # rate limit before content type
    emulator.faults.script("/team/info", "500")
    api.fail("/team/info", None, "InternalError", 500, **text)            # faults before content type
    api.fail("/team/upsert", None, "InvalidContentType", key="nothing", **text)  # content type first
    api.fail("/team/delete", None, "AccessDenied", 403, key="nothing", content=b"[",
             headers={"Content-Type": "application/json"})                # permission before the body


# --- members, persons, roles ------------------------------------------------------------------------

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


# --- teams -----------------------------------------------------------------------------------------------

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


# --- schedules ------------------------------------------------------------------------------------------

def test_schedule_info_returns_the_normalized_stored_schedule(api, emulator):
    team_id = api.ok("/team/upsert", {"team_name": "SRE", "person_ids": [ALICE, BOB]})["team_id"]
    notify = {"advance_in_time": 300, "fixed_time": {"cycle": "day", "start": "09:30"},
              "by": {"follow_preference": False, "personal_channels": ["email", "feishu_app:5427276014131"]},
              "webhooks": [{"type": "feishu_app", "settings": {"data_source_id": 5427276014131,
                                                                 "chat_ids": ["oc_1"]}}]}
    schedule_id = create(api, "Primary", team_id=team_id, notify=notify)
    item = api.ok("/schedule/info", {"schedule_id": schedule_id, **window()})
    assert (item["schedule_id"], item["id"], item["schedule_name"], item["name"]) == (
        schedule_id, schedule_id, "Primary", "Primary")
    assert (item["team_id"], item["group_id"], item["disabled"], item["status"]) == (team_id, team_id, 0, 0)
    assert (item["account_id"], item["create_by"], item["update_by"]) == (OWNER, ALICE, ALICE)
    assert (item["create_at"], item["update_at"]) == (NOW, NOW)
    assert (item["start"], item["end"], item["description"]) == (DAY0, DAY0 + 2 * DAY, "on call")
    [layer] = item["layers"]
    assert layer == {
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
    body = {"name": "Legacy", "unknown": {"x": 1}, "status": 0,
            "layers": [{"name": "Old", "enable_time": float(DAY0), "expire_time": 0,
                        "rotation_duration": 86400.0, "mode": 0, "extra": True, "weight": 9,
                        "groups": [{"name": "G", "members": [{"person_ids": [ALICE]}]}]}]}
    schedule_id = api.ok("/schedule/create", body)["schedule_id"]
    [layer] = emulator.schedule(schedule_id)["layers"]
    assert emulator.schedule(schedule_id)["schedule_name"] == "Legacy"
    assert (layer["layer_name"], layer["name"], layer["layer_start"], layer["enable_time"]) == (
        "Old", "Old", DAY0, DAY0)
    assert (layer["rotation_duration"], layer["rotation_unit"], layer["rotation_value"], layer["weight"]) == (
        DAY, None, None, 0)
    assert layer["groups"][0]["group_name"] == "G" and layer["groups"][0]["members"][0]["role_id"] == 0
    assert type(layer["layer_start"]) is int


@pytest.mark.parametrize("layer", [
    daily_layer(restrict_mode=1, restrict_periods=[{"restrict_start": 9 * HOUR, "restrict_end": 18 * HOUR}]),
    daily_layer(restrict_mode=1, restrict_periods=[{"restrict_start": 18 * HOUR, "restrict_end": 9 * HOUR}]),
    daily_layer(restrict_mode=1, restrict_start=0, restrict_end=DAY),
    daily_layer(restrict_mode=2, restrict_periods=[{"restrict_start": 0, "restrict_end": 7 * DAY}]),
    daily_layer(day_mask={"repeat": [1, 2, 3, 4, 5]}, mask_continuous_enabled=True),
    daily_layer(rotation_unit="month", rotation_value=1, handoff_time=604799, layer_end=DAY0 + 90 * DAY),
    daily_layer(rotation_unit="week", rotation_value=2, rotation_duration=3600),
    daily_layer(rotation_unit="hour", rotation_value=30, fair_rotation=True, hidden=1),
    {"layer_name": "Override", "mode": 1, "layer_start": DAY0, "layer_end": DAY0 + DAY,
     "groups": [group("X", CAROL)]},
])
def test_valid_layers_are_accepted(api, layer):
    schedule_id = api.ok("/schedule/create", {"schedule_name": "Valid", "layers": [layer]})["schedule_id"]
    item = api.ok("/schedule/info", {"schedule_id": schedule_id, **window()})
    assert item["layers"][0]["mode"] == layer["mode"]


def test_rotation_duration_is_filled_from_unit_and_value(api, emulator):
    layers = [daily_layer(rotation_unit="week", rotation_value=2),
              daily_layer(rotation_unit="hour", rotation_value=8),
              daily_layer(rotation_unit="month", rotation_value=1)]
    schedule_id = api.ok("/schedule/create", {"schedule_name": "Units", "layers": layers})["schedule_id"]
    stored = emulator.schedule(schedule_id)["layers"]
    assert [layer["rotation_duration"] for layer in stored] == [14 * DAY, 8 * HOUR, 0]
    assert [layer["weight"] for layer in stored] == [0, 1, 2]


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
    schedule_id = create(api, "Primary", team_id=team_id, notify={"advance_in_time": 600})
    api.ok("/schedule/update", {"schedule_id": schedule_id, "schedule_name": "Renamed",
                                "layers": [daily_layer(CAROL)]})
    stored = emulator.schedule(schedule_id)
    assert (stored["schedule_name"], stored["description"], stored["team_id"], stored["notify"]) == (
        "Renamed", "", 0, None)
    assert stored["layers"][0]["groups"][0]["members"][0]["person_ids"] == [CAROL]
    message = api.fail("/schedule/update", {"schedule_id": schedule_id, "schedule_name": "X"},
                       "InvalidParameter")
    assert message.startswith("layers: required")
    api.fail("/schedule/update", {"schedule_id": 1234567890123, **schedule_body()}, "ResourceNotFound")


def test_infos_returns_metadata_only(api):
    schedule_id = create(api, notify={"advance_in_time": 300})
    [item] = api.ok("/schedule/infos", {"schedule_ids": [schedule_id, 1234567890123]})["items"]
    assert (item["schedule_id"], item["schedule_name"], item["notify"]["advance_in_time"]) == (
        schedule_id, "Primary", 300)
    assert item["layers"] is item["schedule_layers"] is item["layer_schedules"] is None
    assert item["final_schedule"] == {"layer_name": "", "name": "", "mode": 0, "schedules": None}
    assert item["cur_oncall"] is item["next_oncall"] is None


@pytest.mark.emulator(app_key=KEY, clock=lambda: NOW, rate_limits=False)
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
    body = schedule_body("Draft", BOB, ALICE, notify={"advance_in_time": 300}, team_id=0)
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


def test_unknown_schedule_is_resource_not_found(api):
    message = api.fail("/schedule/info", {"schedule_id": 1234567890123, **window()}, "ResourceNotFound")
    assert message == "The resource you request is not found"


@pytest.mark.emulator(app_key=KEY, clock=lambda: NOW, time_zone="Europe/Berlin")
def test_days_follow_the_account_time_zone(api):
    berlin = ZoneInfo("Europe/Berlin")
    monday = int(datetime(2026, 4, 13, tzinfo=berlin).timestamp())
    layer = daily_layer(ALICE, layer_start=monday, day_mask={"repeat": [1]})
    schedule_id = api.ok("/schedule/create", {"schedule_name": "Berlin", "layers": [layer]})["schedule_id"]
    item = api.ok("/schedule/info", {"schedule_id": schedule_id, "start": monday, "end": monday + 7 * DAY})
    assert [(s["start"], s["end"]) for s in item["final_schedule"]["schedules"]] == [(monday, monday + DAY)]
    assert api.ok("/member/info", {})["account_time_zone"] == "Europe/Berlin"


# --- validation ------------------------------------------------------------------------------------------

OVERRIDE = {"layer_name": "O", "mode": 1, "layer_start": DAY0, "layer_end": DAY0 + DAY,
            "groups": [group("X", BOB)]}
DAILY_WINDOW = {"layers.0.restrict_mode": 1}
WEEKLY_WINDOW = {"layers.0.restrict_mode": 2}
NO_ROTATION = {"layers.0.rotation_unit": DELETE, "layers.0.rotation_value": DELETE}


@pytest.mark.parametrize(("changes", "message"), [
    ({"schedule_name": DELETE}, "schedule_name: required, 1 to 40 characters"),
    ({"schedule_name": "  "}, "schedule_name: required"),
    ({"schedule_name": "x" * 41}, "schedule_name: must be 1 to 40 characters, got 41"),
    ({"schedule_name": DELETE, "name": "x" * 41}, "name: must be 1 to 40 characters, got 41"),
    ({"schedule_name": 5}, "schedule_name: must be a string, got 5"),
    ({"description": "x" * 501}, "description: must be at most 500 characters, got 501"),
    ({"team_id": 1234567890123}, "team_id: no team with id 1234567890123"),
    ({"team_id": 1.5}, "team_id: must be an integer, got 1.5"),
    ({"team_id": True}, "team_id: must be an integer, got true"),
    ({"team_id": "1"}, 'team_id: must be an integer, got "1"'),
    ({"layers": DELETE}, "layers: required, a non-empty list of layers"),
    ({"layers": []}, "layers: required"),
    ({"layers": "x"}, 'layers: must be a list, got "x"'),
    ({"layers.0": 5}, "layers[0]: must be an object, got 5"),
    ({"layers.0.mode": 2}, "layers[0].mode: must be 0 (rotation) or 1 (override), got 2"),
    ({"layers.0.layer_start": DELETE}, "layers[0].layer_start: required (or enable_time)"),
    ({"layers.0.layer_start": -1}, "layers[0].layer_start: must be at least 0, got -1"),
    ({"layers.0.layer_start": "1776009600"}, "layers[0].layer_start: must be an integer"),
    ({"layers.0.layer_end": DAY0}, f"layers[0].layer_end: must be after layer_start ({DAY0}), got {DAY0}"),
    ({"layers.0.expire_time": DAY0 - 1}, "layers[0].expire_time: must be after layer_start"),
    ({"layers.0.rotation_unit": "year"},
     "layers[0].rotation_unit: must be one of hour, day, week, month, got 'year'"),
    ({"layers.0.rotation_unit": DELETE}, "layers[0].rotation_unit: required with rotation_value"),
    ({"layers.0.rotation_value": DELETE},
     "layers[0].rotation_value: required with rotation_unit, between 1 and 30"),
    ({"layers.0.rotation_value": 31}, "layers[0].rotation_value: must be between 3600 and 2592000 seconds (31 days)"),
    ({"layers.0.rotation_unit": "month", "layers.0.rotation_value": 31},
     "layers[0].rotation_value: must be between 1 and 30, got 31"),
    ({"layers.0.rotation_value": 1.5}, "layers[0].rotation_value: must be an integer, got 1.5"),
    ({**NO_ROTATION, "layers.0.rotation_duration": 60},
     "layers[0].rotation_duration: must be between 3600 and 2592000 seconds, got 60"),
    ({**NO_ROTATION, "layers.0.rotation_duration": 2592001},
     "layers[0].rotation_duration: must be between 3600 and 2592000 seconds, got 2592001"),
    ({**NO_ROTATION}, "layers[0].rotation_duration: a rotation layer (mode 0) needs rotation_duration"),
    ({"layers.0.handoff_time": 604800},
     "layers[0].handoff_time: must be at least 0 and below 604800 seconds, got 604800"),
    ({"layers.0.handoff_time": -1}, "layers[0].handoff_time: must be at least 0 and below 604800 seconds"),
    ({"layers.0.restrict_mode": 3},
     "layers[0].restrict_mode: must be 0 (none), 1 (daily) or 2 (weekly), got 3"),
    ({**DAILY_WINDOW, "layers.0.restrict_periods": [{"restrict_start": 0, "restrict_end": 90000}]},
     "layers[0].restrict_periods[0].restrict_end: must be between 0 and 86400 seconds"),
    ({**WEEKLY_WINDOW, "layers.0.restrict_periods": [{"restrict_start": -1, "restrict_end": 3600}]},
     "layers[0].restrict_periods[0].restrict_start: must be between 0 and 604800 seconds"),
    ({**WEEKLY_WINDOW, "layers.0.restrict_periods": [{"restrict_start": 0, "restrict_end": 604801}]},
     "layers[0].restrict_periods[0].restrict_end: must be between 0 and 604800 seconds"),
    ({"layers.0.restrict_mode": 1, "layers.0.restrict_periods": [{"restrict_start": 60, "restrict_end": 60}]},
     "layers[0].restrict_periods[0].restrict_end: must differ from restrict_start (60)"),
    ({"layers.0.restrict_mode": 1, "layers.0.restrict_periods": [{"restrict_start": 60}]},
     "layers[0].restrict_periods[0].restrict_end: required"),
    ({"layers.0.restrict_mode": 1}, "layers[0].restrict_periods: required when restrict_mode is 1"),
    ({"layers.0.restrict_mode": 1, "layers.0.restrict_start": 0, "layers.0.restrict_end": 90000},
     "layers[0].restrict_end: must be between 0 and 86400 seconds"),
    ({"layers.0.restrict_mode": 2, "layers.0.restrict_periods": [{"restrict_start": 0, "restrict_end": 3600}],
      "layers.0.day_mask": {"repeat": [1, 2]}},
     "layers[0].day_mask: cannot be combined with restrict_mode 2"),
    ({"layers.0.day_mask": {"repeat": [7]}}, "layers[0].day_mask.repeat[0]: must be between 0 and 6"),
    ({"layers.0.day_mask": {"repeat": [1, 1]}}, "layers[0].day_mask.repeat[1]: day 1 is listed twice"),
    ({"layers.0.day_mask": [1]}, "layers[0].day_mask: must be an object"),
    ({"layers.0.groups": []}, "layers[0].groups: required, at least one group"),
    ({"layers.0.groups": DELETE}, "layers[0].groups: required"),
    ({"layers.0.groups.1.members": []}, "layers[0].groups[1].members: required"),
    ({"layers.0.groups.0.members.0.role_id": -1},
     "layers[0].groups[0].members[0].role_id: must be at least 0, got -1"),
    ({"layers.0.groups.0.members.0.person_ids": []}, "layers[0].groups[0].members[0].person_ids: required"),
    ({"layers.0.groups.0.members.0.person_ids": [ALICE, 999]},
     "layers[0].groups[0].members[0].person_ids[1]: no person with id 999"),
    ({"layers.0.groups.0.members.0.person_ids": [True]},
     "layers[0].groups[0].members[0].person_ids[0]: must be an integer, got true"),
    ({"layers": [daily_layer(), {**OVERRIDE, "groups": [group("X", BOB), group("Y", CAROL)]}]},
     "layers[1].groups: an override layer (mode 1) takes exactly one group, got 2"),
    ({"layers": [daily_layer(), {**OVERRIDE, "layer_end": None}]},
     "layers[1].layer_end: required for an override layer (mode 1)"),
    ({"notify": "x"}, 'notify: must be an object, got "x"'),
    ({"notify": {"advance_in_time": 100}}, "notify.advance_in_time: must be a multiple of 300 seconds"),
    ({"notify": {"advance_in_time": -300}}, "notify.advance_in_time: must be at least 0 seconds, got -300"),
    ({"notify": {"fixed_time": {"cycle": "week", "start": "08:00"}}},
     "notify.fixed_time.cycle: must be 'day', got 'week'"),
    ({"notify": {"fixed_time": {"cycle": "day", "start": "8am"}}},
     "notify.fixed_time.start: must be a time 'HH:MM' such as '08:00', got '8am'"),
    ({"notify": {"fixed_time": {"cycle": "day", "start": "24:00"}}},
     "notify.fixed_time.start: must be a time"),
    ({"notify": {"by": {"personal_channels": ["email", "fax"]}}},
     "notify.by.personal_channels[1]: must be email, sms, phone or <feishu|dingtalk|wecom|slack|teams>_app:"),
    ({"notify": {"by": {"personal_channels": ["feishu_app:"]}}}, "notify.by.personal_channels[0]: must be"),
    ({"notify": {"by": {"follow_preference": "yes"}}}, "notify.by.follow_preference: must be true or false"),
    ({"notify": {"webhooks": [{"type": "icq"}]}}, "notify.webhooks[0].type: must be one of feishu_app"),
    ({"notify": {"webhooks": [{"type": "feishu", "settings": {"alias": "x"}}]}},
     "notify.webhooks[0].settings.token: required for a feishu robot webhook"),
    ({"notify": {"webhooks": [{"type": "zoom"}]}}, "notify.webhooks[0].settings.token: required for a zoom"),
    ({"notify": {"webhooks": [{"type": "dingtalk_app", "settings": {"chat_ids": ["c"]}}]}},
     "notify.webhooks[0].settings.data_source_id: required for dingtalk_app"),
    ({"notify": {"webhooks": [{"type": "slack_app", "settings": {"data_source_id": 7}}]}},
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


def test_valid_notify_is_accepted(api):
    notify = {"advance_in_time": 900, "fixed_time": {"cycle": "", "start": ""},
              "by": {"follow_preference": True, "personal_channels": None},
              "webhooks": [{"type": "dingtalk", "settings": {"token": "t", "sign_secret": "s"}},
                           {"type": "teams_app", "settings": {"data_source_id": 1, "chat_ids": ["c"]}}],
              "im": {"feishu": "token"}}
    schedule_id = create(api, notify=notify)
    stored = api.ok("/schedule/info", {"schedule_id": schedule_id, **window()})["notify"]
    assert stored["fixed_time"] is None
    assert stored["by"] == {"follow_preference": True, "personal_channels": None}
    assert [w["type"] for w in stored["webhooks"]] == ["dingtalk", "teams_app"]
    assert stored["im"] == {"feishu": "token"}


@pytest.mark.parametrize(("path", "body", "message"), [
    ("/schedule/update", {}, "schedule_id: required"),
    ("/schedule/delete", {}, "schedule_ids: required, a non-empty list of schedule ids"),
    ("/schedule/delete", {"schedule_ids": []}, "schedule_ids: required"),
    ("/schedule/delete", {"schedule_ids": "1"}, 'schedule_ids: must be a list, got "1"'),
    ("/schedule/delete", {"schedule_ids": [1.5]}, "schedule_ids[0]: must be an integer, got 1.5"),
    ("/schedule/info", {"start": DAY0, "end": DAY0 + DAY}, "schedule_id: required"),
    ("/schedule/info", {"schedule_id": 1, "end": DAY0}, "start: required"),
    ("/schedule/info", {"schedule_id": 1, "start": DAY0}, "end: required"),
    ("/schedule/info", {"schedule_id": 1, "start": DAY0, "end": DAY0}, f"end: must be after start ({DAY0})"),
    ("/schedule/info", {"schedule_id": 1, "start": DAY0, "end": DAY0 + 45 * DAY},
     "end: the window end - start must be under 45 days (3888000 seconds), got 3888000"),
    ("/schedule/infos", {}, "schedule_ids: required"),
    ("/schedule/list", {"p": 0}, "p: must be at least 1, got 0"),
    ("/schedule/list", {"limit": 0}, "limit: must be between 1 and 100, got 0"),
    ("/schedule/list", {"limit": 101}, "limit: must be between 1 and 100, got 101"),
    ("/schedule/list", {"p": 101, "limit": 100}, "p: p × limit must be at most 10000, got 101 × 100"),
    ("/schedule/list", {"is_my_team": True, "is_my_manage": True},
     "is_my_team: cannot be combined with is_my_manage"),
    ("/schedule/list", {"is_my_team": "yes"}, 'is_my_team: must be true or false, got "yes"'),
    ("/schedule/list", {"team_ids": 5}, "team_ids: must be a list, got 5"),
    ("/schedule/list", {"query": 5}, "query: must be a string, got 5"),
    ("/schedule/list", {"start": DAY0, "end": DAY0 + 45 * DAY},
     "end: the window end - start must be under 45 days"),
    ("/schedule/list", {"start": DAY0 + 1, "end": DAY0}, "end: must be after start"),
    ("/schedule/self", {"start": DAY0, "end": DAY0 + 30 * DAY + 1},
     "end: the window end - start must be at most 30 days (2592000 seconds), got 2592001"),
    ("/schedule/preview", {"layers": [daily_layer()], "end": DAY0}, "start: required"),
    ("/schedule/preview", {"layers": [daily_layer()], "start": DAY0, "end": DAY0 + 45 * DAY + 1},
     "end: the window end - start must be at most 45 days"),
    ("/schedule/preview", {"start": DAY0, "end": DAY0 + DAY}, "layers: required"),
    ("/team/upsert", {}, "team_name: required, 1 to 39 characters"),
    ("/team/upsert", {"team_name": ""}, "team_name: required"),
    ("/team/upsert", {"team_name": "x" * 40}, "team_name: must be 1 to 39 characters, got 40"),
    ("/team/upsert", {"team_name": "T", "description": "x" * 501},
     "description: must be at most 500 characters, got 501"),
    ("/team/upsert", {"team_name": "T", "person_ids": [ALICE, 999]}, "person_ids[1]: no person with id 999"),
    ("/team/upsert", {"team_name": "T", "emails": ["a@b.io", "nope"]},
     "emails[1]: must look like an email address, got 'nope'"),
    ("/team/upsert", {"team_name": "T", "phones": ["call me"]}, "phones[0]: must be a phone number"),
    ("/team/upsert", {"team_name": "T", "team_id": "x"}, 'team_id: must be an integer, got "x"'),
    ("/team/upsert", {"team_name": "T", "team_id": -1}, "team_id: must be at least 0, got -1"),
    ("/team/upsert", {"team_name": "T", "reset_if_name_exist": 1},
     "reset_if_name_exist: must be true or false, got 1"),
    ("/team/info", {}, "team_id: give one of team_id, team_name or ref_id"),
    ("/team/info", {"team_name": "", "ref_id": ""}, "team_id: give one of"),
    ("/team/delete", {}, "team_id: give one of team_id, team_name or ref_id"),
    ("/team/infos", {}, "team_ids: required"),
    ("/team/infos", {"team_ids": list(range(1, 102))}, "team_ids: at most 100 ids, got 101"),
    ("/team/list", {"orderby": "name"},
     "orderby: must be one of created_at, updated_at, team_name, got 'name'"),
    ("/team/list", {"limit": 101}, "limit: must be between 1 and 100"),
    ("/team/list", {"p": 201, "limit": 50}, "p: p × limit must be at most 10000"),
    ("/team/list", {"asc": "true"}, "asc: must be true or false"),
    ("/member/list", {"orderby": "team_name"},
     "orderby: must be one of created_at, updated_at, got 'team_name'"),
    ("/member/list", {"p": -1}, "p: must be at least 1"),
    ("/member/list", {"role_id": -1}, "role_id: must be at least 0"),
    ("/person/infos", {}, "person_ids: required, a non-empty list of person ids"),
    ("/person/infos", {"person_ids": ["1"]}, 'person_ids[0]: must be an integer, got "1"'),
])
def test_request_validation(api, path, body, message):
    got = api.fail(path, body, "InvalidParameter")
    assert got.startswith(message), got


@pytest.mark.parametrize(("path", "body"), [
    ("/schedule/self", {"start": DAY0, "end": DAY0 + 30 * DAY}),
    ("/schedule/preview", {"layers": [daily_layer()], "start": DAY0, "end": DAY0 + 45 * DAY}),
    ("/schedule/list", {"start": DAY0, "end": DAY0 + 45 * DAY - 1, "p": 100, "limit": 100}),
    ("/team/infos", {"team_ids": list(range(1, 101))}),
])
def test_limits_are_inclusive_where_documented(api, path, body):
    api.ok(path, body)


# --- rate limits ------------------------------------------------------------------------------------------

@pytest.mark.emulator(app_key=KEY, rate_limits={"*": "5/s"}, keys={"other": {"teams:manage"}})
def test_rate_limit_per_key_and_path(emulator):
    api = Api(emulator)
    assert [api.post("/team/list").status_code for _ in range(5)] == [200] * 5
    response = api.post("/team/list")
    assert response.status_code == 429
    assert response.json()["error"] == {"code": "RequestTooFrequently", "message": "Request too frequently."}
    assert int(response.headers["Retry-After"]) >= 1
    assert api.post("/member/list").status_code == 200
    assert api.post("/team/list", key="other").status_code == 200


@pytest.mark.emulator(app_key=KEY, rate_limits=True)
def test_real_limits_50_per_second_and_preview_10(emulator):
    api = Api(emulator)
    statuses = [api.post("/member/info").status_code for _ in range(55)]
    assert statuses[:50] == [200] * 50 and 429 in statuses[50:]
    preview = {"layers": [daily_layer()], "start": DAY0, "end": DAY0 + DAY}
    statuses = [api.post("/schedule/preview", preview).status_code for _ in range(11)]
    assert statuses == [200] * 10 + [429]
    assert api.post("/team/list").status_code == 200


@pytest.mark.emulator(app_key=KEY, rate_limits={"/schedule/preview": "2/s,3/min"})
def test_configured_per_path_limit_with_two_windows(emulator):
    api = Api(emulator)
    preview = {"layers": [daily_layer()], "start": DAY0, "end": DAY0 + DAY}
    assert [api.post("/schedule/preview", preview).status_code for _ in range(3)] == [200, 200, 429]
    time.sleep(1.0)
    assert api.post("/schedule/preview", preview).status_code == 200
    response = api.post("/schedule/preview", preview)
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 50
    assert all(api.post("/team/list").status_code == 200 for _ in range(60))


@pytest.mark.emulator(app_key=KEY, rate_limits=False)
def test_rate_limits_off(emulator):
    api = Api(emulator)
    assert {api.post("/member/info").status_code for _ in range(80)} == {200}


# --- faults -----------------------------------------------------------------------------------------------

def test_scripted_faults(api, emulator):
    emulator.faults.script("/team/upsert", "429", "500", "drop_before", "drop_after")
    response = api.post("/team/upsert", {"team_name": "T1"})
    assert (response.status_code, response.headers["Retry-After"]) == (429, "1")
    assert response.json()["error"]["code"] == "RequestTooFrequently"
    response = api.post("/team/upsert", {"team_name": "T2"})
    assert response.status_code == 500 and response.json()["error"]["code"] == "InternalError"
    with pytest.raises(httpx.RemoteProtocolError):
        api.post("/team/upsert", {"team_name": "T3"})
    assert emulator.teams() == []
    with pytest.raises(httpx.RemoteProtocolError):
        api.post("/team/upsert", {"team_name": "T4"})
    assert [t["team_name"] for t in emulator.teams()] == ["T4"]  # drop_after committed the change
    assert api.ok("/team/upsert", {"team_name": "T5"})
    assert [(r.status, r.fault) for r in emulator.requests] == [
        (429, "429"), (500, "500"), (0, "drop_before"), (0, "drop_after"), (200, None)]


def fault_sequence(seed: int) -> list[tuple[int, str | None]]:
    faults = Faults(rate_429=0.2, rate_500=0.2, drop_before=0.1, drop_after=0.1, seed=seed)
    with Emulator(app_key=KEY, faults=faults, rate_limits=False) as emu:
        api = Api(emu)
        for _ in range(40):
            with contextlib.suppress(httpx.TransportError):
                api.post("/team/list")
        return [(r.status, r.fault) for r in emu.requests]


def test_random_faults_are_deterministic_under_a_seed():
    first = fault_sequence(7)
    assert first == fault_sequence(7)
    assert first != fault_sequence(8)
    assert {fault for _, fault in first} == {None, "429", "500", "drop_before", "drop_after"}
    assert all(status == 0 for status, fault in first if fault and fault.startswith("drop"))


@pytest.mark.emulator(app_key=KEY, faults={"rate_500": 1.0, "paths": ["/team/list"], "latency": (0.2, 0.2)})
def test_faults_only_on_their_paths(api, emulator):
    started = time.monotonic()
    assert api.post("/team/list").status_code == 500
    assert time.monotonic() - started >= 0.2  # a sleep lasts at least its delay
    assert api.post("/member/list").status_code == 200
    assert emulator.faults.decide("/member/list") == (0.0, None)  # neither latency nor a fault
    assert emulator.faults.decide("/team/list") == (0.2, "500")


@pytest.mark.emulator(app_key=KEY, faults=Faults(latency=(0.1, 0.3), seed=3))
def test_latency_range(api):
    elapsed = []
    for _ in range(3):
        started = time.monotonic()
        api.ok("/member/info", {})
        elapsed.append(time.monotonic() - started)
    assert all(e >= 0.1 for e in elapsed)  # a sleep lasts at least its delay


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"rate_429": 1.5}, "Faults.rate_429: must be a probability between 0 and 1"),
    ({"drop_after": -0.1}, "Faults.drop_after: must be a probability"),
    ({"rate_500": 0.6, "drop_before": 0.6}, "the probabilities add up to 1.2"),
    ({"latency": (0.5, 0.1)}, "Faults.latency: must be (min, max) seconds"),
])
def test_faults_reject_bad_values(kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        Faults(**kwargs)


def test_fault_specs():
    faults = Faults.parse("429=0.05,500=0.02,drop_before=0.01,drop_after=0.01,seed=7")
    assert (faults.rate_429, faults.rate_500, faults.drop_before, faults.drop_after, faults.seed) == (
        0.05, 0.02, 0.01, 0.01, 7)
    assert Faults(latency=0.2).latency == (0.2, 0.2)
    for bad in ("429", "404=0.1", "seed=x", "500=2"):
        with pytest.raises(ValueError, match="invalid fault"):
            Faults.parse(bad)
    with pytest.raises(ValueError, match="unknown fault outcome"):
        Faults().script("/team/list", "503")
    assert parse_latency("20ms") == (0.02, 0.02)
    assert parse_latency("10ms-50ms") == (0.01, 0.05)
    assert parse_latency("0.2s") == (0.2, 0.2)
    for bad in ("20", "fast", "50ms-10ms", "1ms-2ms-3ms"):
        with pytest.raises(ValueError, match="latency"):
            parse_latency(bad)


def test_faults_clear(api, emulator):
    emulator.faults.script("/team/list", "500")
    emulator.faults.clear()
    assert api.post("/team/list").status_code == 200


# --- request log ------------------------------------------------------------------------------------------

def test_request_log():
    lines: list[str] = []
    with Emulator(app_key=KEY, log=lines.append) as emu:
        api = Api(emu)
        api.ok("/team/upsert", {"team_name": "Logged"})
        api.post("/nope", {"x": 1})
        api.post("/team/list", content=b"not json", headers={"Content-Type": "application/json"})
        api.post("/team/list", key="wrong")
        records = emu.requests
        assert [(r.path, r.status) for r in records] == [
            ("/team/upsert", 200), ("/nope", 404), ("/team/list", 400), ("/team/list", 401)]
        assert records[0].body == {"team_name": "Logged"} and records[1].body == {"x": 1}
        assert records[2].body == "not json" and records[0].fault is None
        assert isinstance(records[0], RequestRecord) and abs(records[0].time - time.time()) < 5
        assert KEY not in repr(records) and KEY not in "\n".join(lines) and len(lines) == 4
        records.clear()
        assert len(emu.requests) == 4
        emu.clear_requests()
        assert emu.requests == []


def test_inspection_returns_copies(api, emulator):
    schedule_id = create(api)
    emulator.schedule(schedule_id)["layers"].clear()
    emulator.schedules()[0]["schedule_name"] = "changed"
    emulator.people()[0]["person_name"] = "changed"
    assert emulator.schedule(schedule_id)["layers"] and emulator.schedules()[0]["schedule_name"] == "Primary"
    assert emulator.people()[0]["person_name"] == "Owner"
    assert emulator.schedule(1) is None and emulator.team(1) is None


# --- out-of-band changes ------------------------------------------------------------------------------------

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


# --- state file, concurrency, lifecycle ------------------------------------------------------------------

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


@pytest.mark.emulator(app_key=KEY, rate_limits=False)
def test_concurrent_creates_get_unique_ids_and_none_is_lost(emulator):
    def work(worker: int, out: list[int]) -> None:
        client = Api(emulator)
        for i in range(10):
            out.append(client.ok("/schedule/create", schedule_body(f"w{worker}-{i}"))["schedule_id"])
            client.ok("/team/upsert", {"team_name": f"t{worker}-{i}"})
        client.close()

    results: list[list[int]] = [[] for _ in range(8)]
    threads = [threading.Thread(target=work, args=(n, results[n])) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ids = [i for result in results for i in result]
    assert len(ids) == len(set(ids)) == 80
    assert sorted(s["schedule_id"] for s in emulator.schedules()) == sorted(ids)
    assert len(emulator.teams()) == 80


def test_stop_is_prompt_with_open_connections():
    emu = Emulator(app_key=KEY).start()
    api = Api(emu)
    api.ok("/member/info", {})  # leaves a kept-alive connection open
    stopper = threading.Thread(target=emu.stop)
    stopper.start()
    stopper.join(timeout=30)  # a hang detector, not a speed check: stop must not wait for the client
    assert not stopper.is_alive()
    assert not emu.running
    with pytest.raises(httpx.TransportError):
        api.post("/member/info")
    emu.stop()  # idempotent


def test_lifecycle_errors():
    emu = Emulator()
    with pytest.raises(RuntimeError, match="not running"):
        _ = emu.base_url
    with emu:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", emu.base_url)
        assert re.fullmatch(r"[0-9a-f]{32}", emu.app_key)
        with pytest.raises(RuntimeError, match="already running"):
            emu.start()


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"time_zone": "Mars/Base"}, "unknown time zone 'Mars/Base'"),
    ({"app_key": " "}, "app_key: must not be empty"),
    ({"rate_limits": {"/nope": "1/s"}}, "rate_limits: unknown path '/nope'"),
    ({"rate_limits": {"*": "fast"}}, "invalid rate limit 'fast'"),
    ({"rate_limits": {"*": 5}}, "rate_limits['*']: must be a RateLimit"),
    ({"keys": {"k": {"admin"}}}, "keys: unknown permission 'admin'"),
    ({"keys": {"": {"teams:manage"}}}, "keys: an app key must be a non-empty string"),
    ({"app_key": "k", "keys": {"k": set()}}, "keys: an extra key cannot be the main app key"),
    ({"faults": {"rate_418": 0.1}}, "faults:"),
])
def test_emulator_rejects_bad_configuration(kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        Emulator(**kwargs)


# --- seeds -------------------------------------------------------------------------------------------------

def test_default_people():
    assert [(p.name, p.email, p.person_id, p.as_) for p in DEFAULT_PEOPLE[:2]] == [
        ("Owner", "owner@example.com", OWNER, "account"),
        ("Alice Chen", "alice@example.com", ALICE, "member")]
    assert [p.person_id for p in DEFAULT_PEOPLE] == [OWNER, ALICE, BOB, CAROL, DAVE, ERIN, FRANK]


def test_custom_seed_from_a_list_and_a_file(tmp_path):
    people = [SeedPerson("Zed", "zed@corp.io"),
              SeedPerson("Boss", "boss@corp.io", 1000000000001, as_="account")]
    with Emulator(seed=people) as emu:
        api = Api(emu)
        info = api.ok("/member/info", {})
        assert (info["member_name"], info["account_id"], info["account_email"]) == ("Zed", 1000000000001,
                                                                                   "boss@corp.io")
        assert len(str(info["member_id"])) == 13
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps([{"name": "Solo", "email": "solo@corp.io", "person_id": 42,
                                 "phone": "+15550001"}]))
    assert load_seed(seed) == [DEFAULT_PEOPLE[0], SeedPerson("Solo", "solo@corp.io", 42, "+15550001")]
    with Emulator(seed=str(seed)) as emu:
        info = Api(emu).ok("/member/info", {})
        assert (info["member_id"], info["account_id"]) == (42, OWNER)


@pytest.mark.parametrize(("content", "message"), [
    ("{not json", "not valid JSON"),
    ("{}", "people: must be a non-empty list"),
    ('{"persons": []}', "unknown top-level key 'persons'"),
    ('[5]', "people[0]: must be an object"),
    ('[{"name": "A"}]', "people[0].email: required, must look like an email address, got None"),
    ('[{"name": "A", "email": "a@x.io"}, {"email": "b@x.io"}]', "people[1].name: required"),
    ('[{"name": "A", "email": "a@x.io", "person_id": "12"}]',
     "people[0].person_id: must be a positive integer"),
    ('[{"name": "A", "email": "a@x.io", "phone": "12ab"}]', "people[0].phone: must be digits"),
    ('[{"name": "A", "email": "a@x.io", "as": "admin"}]', "people[0].as: must be 'member' or 'account'"),
    ('[{"name": "A", "email": "a@x.io", "emial": "x"}]', "people[0].emial: unknown field"),
    ('[{"name": "A", "email": "a@x.io", "as": "account"}, {"name": "B", "email": "b@x.io", "as": "account"}]',
     "people[1].as: only one person can be the account owner (people[0] already is)"),
    ('[{"name": "A", "email": "a@x.io"}, {"name": "B", "email": "A@x.io"}]',
     "people[1].email: 'a@x.io' is already used by people[0]"),
    ('[{"name": "A", "email": "owner@example.com"}]',
     "people[0].email: 'owner@example.com' is already used by the default owner"),
])
def test_malformed_seed_files_are_explained(tmp_path, content, message):
    seed = tmp_path / "seed.json"
    seed.write_text(content)
    with pytest.raises(ValueError, match=re.escape(message)) as info:
        load_seed(seed)
    assert str(info.value).startswith(str(seed))


def test_missing_seed_file():
    with pytest.raises(ValueError, match="cannot read the seed file"):
        load_seed("/nonexistent/seed.json")
    with pytest.raises(ValueError, match=r"seed\[0\]: must be a SeedPerson"):
        Emulator(seed=[{"name": "x"}])  # type: ignore[list-item]


# --- command line -------------------------------------------------------------------------------------

@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_cli_serves_until_stopped(tmp_path, stop_signal):
    state = tmp_path / "state.json"
    paths = [str(REPO), os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, paths))}
    process = subprocess.Popen(
        [sys.executable, "-m", "flashcat_pulumi", "emulator", "--port", "0", "--state", str(state),
         "--rate-limit", "real", "--latency", "1ms", "--key", "reader=schedules:read"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path, env=env)
    try:
        first, second = process.stdout.readline(), process.stdout.readline()
        url = re.fullmatch(r"Flashduty emulator listening on (http://127\.0\.0\.1:(\d+))\n", first)
        key = re.fullmatch(r"app key: ([0-9a-f]{32})\n", second)
        assert url and key and int(url.group(2)) > 0, (first, second)
        response = httpx.post(f"{url.group(1)}/team/list", params={"app_key": key.group(1)}, json={})
        assert response.status_code == 200 and response.json()["data"]["items"] == []
        assert response.headers["Flashcat-Request-Id"] == response.json()["request_id"]
        created = httpx.post(f"{url.group(1)}/team/upsert", params={"app_key": key.group(1)},
                             json={"team_name": "From the CLI"})
        assert created.status_code == 200
        denied = httpx.post(f"{url.group(1)}/team/upsert", params={"app_key": "reader"},
                            json={"team_name": "x"})
        assert denied.status_code == 403
        process.send_signal(stop_signal)
        assert process.wait(timeout=10) == 0
        output = process.stdout.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
        process.stderr.close()
    assert key.group(1) not in output
    assert [t["team_name"] for t in json.loads(state.read_text())["teams"]] == ["From the CLI"]


def test_cli_reports_a_corrupt_state_file(tmp_path, capsys):
    state = tmp_path / "state.json"
    state.write_text("[]")
    with pytest.raises(SystemExit) as info:
        cli.main(["emulator", "--port", "0", "--state", str(state)])
    assert info.value.code == 2 and "not a usable emulator state file" in capsys.readouterr().err


def test_cli_help(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["--help"])
    assert info.value.code == 0 and "emulator" in capsys.readouterr().out
    with pytest.raises(SystemExit) as info:
        cli.main(["emulator", "--help"])
    out = capsys.readouterr().out
    assert info.value.code == 0
    for flag in ("--host", "--port", "--app-key", "--state", "--seed", "--time-zone", "--rate-limit",
                 "--latency", "--faults", "--key"):
        assert flag in out


@pytest.mark.parametrize(("args", "message"), [
    (["--latency", "5x"], "argument --latency: invalid latency '5x'"),
    (["--rate-limit", "fast"], "argument --rate-limit: invalid rate limit 'fast'"),
    (["--rate-limit", "/nope=1/s"], "argument --rate-limit: unknown path '/nope'"),
    (["--faults", "429=2"], "argument --faults: invalid fault '429=2'"),
    (["--key", "k=admin"], "argument --key: invalid key 'k=admin'"),
    (["--key", "nokey"], "argument --key: invalid key 'nokey'"),
    (["--time-zone", "Mars/Base"], "argument --time-zone: unknown time zone 'Mars/Base'"),
    (["--port", "70000"], "argument --port: expected a port number from 0 to 65535"),
    (["--seed", "/nonexistent.json"], "argument --seed: /nonexistent.json: cannot read the seed file"),
    (["--app-key", ""], "argument --app-key: expected a non-empty app key"),
])
def test_cli_rejects_bad_values(capsys, args, message):
    with pytest.raises(SystemExit) as info:
        cli.main(["emulator", *args])
    assert info.value.code == 2 and message in capsys.readouterr().err


def test_cli_rate_limit_specs_apply_in_order():
    specs = [cli._rate_limit(s) for s in ("off", "50/s", "/schedule/preview=10/s,60/min")]
    table = cli._limit_table(specs)
    assert {path: str(limit) for path, limit in table.items()} == {
        "*": "50/s", "/schedule/preview": "10/s,60/min"}
    assert cli._limit_table([cli._rate_limit("off")]) == {}
    real = cli._limit_table([cli._rate_limit("off"), cli._rate_limit("real")])
    assert set(real) == {"*", "/schedule/preview"}
