"""The emulator's HTTP face: envelope, auth, routes, methods, content type, permissions, rate limits,
faults over HTTP, the request log, inspection, lifecycle and concurrency."""

from __future__ import annotations

import contextlib
import re
import socket
import threading
import time

import httpx
import pytest

from flashcat_pulumi.emulator import Emulator, Faults, RequestRecord
from tests.emulator.conftest import DAY, DAY0, DEFAULTS, KEY, Api, create, layer, schedule_body

pytestmark = pytest.mark.emulator(**DEFAULTS)


# --- envelope, routing, auth, content type, permissions ------------------------------------------

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


@pytest.mark.emulator(**DEFAULTS,
                      keys={"reader": {"schedules:read"}, "manager": {"schedules:manage"},
                            "teams": {"teams:manage"}, "nothing": set()})
def test_permissions_per_operation(emulator):
    needs = {
        "/schedule/create": {"manager"}, "/schedule/update": {"manager"}, "/schedule/delete": {"manager"},
        "/schedule/enable": {"manager"}, "/schedule/disable": {"manager"},
        "/schedule/info": {"reader", "manager"}, "/schedule/infos": {"reader", "manager"},
        "/schedule/self": {"reader", "manager"}, "/schedule/preview": {"reader", "manager"},
        "/team/upsert": {"teams"}, "/team/delete": {"teams"},
    }
    api = Api(emulator)
    for path in ("/schedule/create", "/schedule/update", "/schedule/delete", "/schedule/enable",
                 "/schedule/disable", "/schedule/info", "/schedule/infos", "/schedule/list", "/schedule/self",
                 "/schedule/preview", "/team/upsert",
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


@pytest.mark.emulator(app_key=KEY, rate_limits={"/team/list": "1/s"}, keys={"nothing": set()})
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
    message = api.fail("/schedule/infos", None, "InvalidParameter", content=b"[]",
                       headers={"Content-Type": "application/json"})
    assert message == "The request body must be a JSON object."           # a JSON object before the schema
    message = api.fail("/schedule/list", {"limit": 0, "is_my_team": "yes"}, "InvalidParameter")
    assert message == "is_my_team: 'yes' is not of type 'boolean'"       # the schema before the rules (limit)


# --- rate limits ---------------------------------------------------------------------------------

@pytest.mark.emulator(app_key=KEY, rate_limits={"*": "5/s"}, keys={"other": {"teams:manage"}})
def test_rate_limit_per_key_over_all_paths(emulator):
    api = Api(emulator)
    statuses = [api.post(path).status_code for path in ["/team/list", "/member/list", "/member/info"] * 2]
    assert statuses == [200] * 5 + [429]
    response = api.post("/team/list")
    assert response.status_code == 429
    assert response.json()["error"] == {"code": "RequestTooFrequently", "message": "Request too frequently."}
    assert int(response.headers["Retry-After"]) >= 1
    assert api.post("/member/list").status_code == 429  # the account's budget, not the path's
    assert api.post("/team/list", key="other").status_code == 200


@pytest.mark.emulator(app_key=KEY, rate_limits=True)
def test_real_limits_50_per_second_and_preview_10(emulator):
    api = Api(emulator)
    statuses = [api.post("/member/info").status_code for _ in range(55)]
    assert statuses[:50] == [200] * 50 and 429 in statuses[50:]
    preview = {"layers": [layer()], "start": DAY0, "end": DAY0 + DAY}
    # The shared budget is spent; preview has a budget of its own.
    statuses = [api.post("/schedule/preview", preview).status_code for _ in range(11)]
    assert statuses == [200] * 10 + [429]
    assert api.post("/team/list").status_code == 429


@pytest.mark.emulator(app_key=KEY, rate_limits={"/schedule/preview": "2/s,3/min"})
def test_configured_per_path_limit_with_two_windows(emulator):
    api = Api(emulator)
    preview = {"layers": [layer()], "start": DAY0, "end": DAY0 + DAY}
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


# --- faults over HTTP ----------------------------------------------------------------------------

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


def test_zero_id_faults(api, emulator):
    emulator.faults.script("/schedule/create", "zero_id", "zero_id_after", "zero_id_after")
    emulator.faults.script("/team/upsert", "zero_id", "zero_id_after")
    assert api.ok("/schedule/create", schedule_body("Never")) == {"schedule_id": 0}
    assert emulator.schedules() == []  # nothing executed
    assert api.ok("/schedule/create", schedule_body("Committed")) == {"schedule_id": 0}
    [committed] = emulator.schedules()
    assert committed["schedule_name"] == "Committed" and committed["schedule_id"] > 0
    message = api.fail("/schedule/create", schedule_body("Committed"), "InvalidParameter")  # a refusal stays one
    assert message.startswith("schedule_name: a schedule named 'Committed' already exists")
    assert api.ok("/team/upsert", {"team_name": "Never"}) == {"team_id": 0, "team_name": ""}
    assert emulator.teams() == []
    assert api.ok("/team/upsert", {"team_name": "SRE"}) == {"team_id": 0, "team_name": "SRE"}
    assert [t["team_name"] for t in emulator.teams()] == ["SRE"]
    assert [(r.path, r.status, r.fault) for r in emulator.requests] == [
        ("/schedule/create", 200, "zero_id"), ("/schedule/create", 200, "zero_id_after"),
        ("/schedule/create", 400, "zero_id_after"), ("/team/upsert", 200, "zero_id"),
        ("/team/upsert", 200, "zero_id_after")]
    assert api.ok("/schedule/create", schedule_body("Next"))["schedule_id"] > committed["schedule_id"]


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


def test_faults_clear(api, emulator):
    emulator.faults.script("/team/list", "500")
    emulator.faults.clear()
    assert api.post("/team/list").status_code == 200


# --- billing ---------------------------------------------------------------------------------------

BILLING = "Account has not purchased resources, please place order in billing center"


def test_lapsed_billing_refuses_every_path_and_executes_nothing(api, emulator):
    schedule_id = create(api)
    emulator.ui.lapse_billing()
    for path, body in [("/team/upsert", {"team_name": "SRE"}), ("/schedule/create", schedule_body("Other")),
                       ("/schedule/delete", {"schedule_ids": [schedule_id]}), ("/team/list", {}),
                       ("/schedule/disable", {"schedule_ids": [schedule_id]}), ("/member/info", {})]:
        assert api.fail(path, body, "ResourceNotFound") == BILLING
    response = api.http.get("/oncall/roles", params={"app_key": KEY})
    assert (response.status_code, response.json()["error"]["message"]) == (400, BILLING)
    # Only after auth and the route: a wrong key or path still answers as before.
    api.fail("/team/list", {}, "Unauthorized", 401, key="wrong")
    api.fail("/nope", {}, "RouteNotFound", 404)
    assert emulator.teams() == [] and [s["schedule_id"] for s in emulator.schedules()] == [schedule_id]
    assert emulator.schedule(schedule_id)["disabled"] == 0
    emulator.ui.restore_billing()
    assert api.ok("/team/upsert", {"team_name": "SRE"})["team_name"] == "SRE"
    api.ok("/schedule/delete", {"schedule_ids": [schedule_id]})
    assert emulator.schedules() == []


def test_lapsed_billing_on_some_paths(api, emulator):
    emulator.ui.lapse_billing(["/schedule/create", "/schedule/update"])
    api.fail("/schedule/create", schedule_body(), "ResourceNotFound")
    assert api.ok("/team/list", {})["items"] == []
    emulator.ui.lapse_billing("/team/list")  # replaces the earlier paths
    api.fail("/team/list", {}, "ResourceNotFound")
    assert create(api) > 0
    with pytest.raises(ValueError, match="lapse_billing: unknown path '/team/lis'; expected any of"):
        emulator.ui.lapse_billing(["/team/lis"])
    with pytest.raises(ValueError, match="give at least one path, or None for every path"):
        emulator.ui.lapse_billing([])
    api.fail("/team/list", {}, "ResourceNotFound")  # a refused call changes nothing
    emulator.ui.restore_billing()
    assert api.ok("/team/list", {})["items"] == []


# --- request log and inspection ------------------------------------------------------------------

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


# --- lifecycle and concurrency -------------------------------------------------------------------

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
