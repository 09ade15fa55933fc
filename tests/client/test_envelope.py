"""The client's envelope, error mapping, retries and redaction, through ``httpx.MockTransport``.

These cover what the emulator never sends on its own: Apifox-era success bodies, an error inside a
200, non-JSON bodies, header-only request ids, ``data: null``.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable

import httpx
import pytest
from fakes import FakeTime

from flashcat_pulumi import (
    AlreadyExists,
    APIError,
    ConfigurationError,
    FlashdutyClient,
    Forbidden,
    InvalidParameter,
    NotFound,
    RateLimited,
    ReferenceExist,
    ServerError,
    TransportError,
    Unauthorized,
)
from flashcat_pulumi.errors import CreateNotConfirmed

KEY = "canary-KEY-8f14e45fceea167a5a36dedd4bea2543"


def envelope(data=None, *, error=None, request_id="rid-1"):
    body = {"request_id": request_id}
    if error is not None:
        body["error"] = error
    else:
        body["data"] = data
    return body


class Recorder:
    """A mock API: replies from a queue (or a function) and records every request."""

    def __init__(self, *replies: httpx.Response | Callable[[httpx.Request], httpx.Response]) -> None:
        self.replies = list(replies)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        return reply(request) if callable(reply) else reply

    def bodies(self) -> list[dict]:
        return [json.loads(r.content) for r in self.requests]


def ok(data=None, **kwargs) -> httpx.Response:
    return httpx.Response(200, json=envelope(data), **kwargs)


def fail(status: int, code: str, message: str = "boom", **kwargs) -> httpx.Response:
    return httpx.Response(status, json=envelope(error={"code": code, "message": message}), **kwargs)


def make_client(recorder: Recorder, *, time: FakeTime | None = None,
                **kwargs) -> tuple[FlashdutyClient, list[float]]:
    time = time or FakeTime()
    kwargs.setdefault("rate_limit", None)
    client = FlashdutyClient(app_key=KEY, base_url="https://fd.test", transport=httpx.MockTransport(recorder),
                             sleep=time.sleep, clock=time.clock, **kwargs)
    return client, time.slept


# --- success envelopes -------------------------------------------------------------------------

@pytest.mark.parametrize("body", [
    {"request_id": "r", "data": {"x": 1}},
    {"data": {"x": 1}, "error": {"code": "", "message": ""}},
    {"request_id": "r", "data": {"x": 1}, "error": {"code": "0", "message": ""}},
    {"request_id": "r", "data": {"x": 1}, "error": {"code": "OK", "message": "fine"}},
    {"request_id": "r", "data": {"x": 1}, "error": {"code": "ok"}},
    {"request_id": "r", "data": {"x": 1}, "error": None, "unknown": [1, 2]},
])
def test_success_envelopes(body):
    client, _ = make_client(Recorder(httpx.Response(200, json=body)))
    assert client.request("/x", {}) == {"x": 1}


def test_apifox_success_without_data_returns_none():
    client, _ = make_client(Recorder(httpx.Response(200, json={"error": {"code": "0", "message": ""}})))
    assert client.request("/schedule/update", {"schedule_id": 1}) is None


def test_request_sends_post_json_app_key_and_headers():
    recorder = Recorder(ok({}))
    client, _ = make_client(recorder)
    client.request("/team/list", {"p": 1})
    sent = recorder.requests[0]
    assert sent.method == "POST"
    assert sent.url.path == "/team/list"
    assert sent.url.params["app_key"] == KEY
    assert sent.headers["content-type"] == "application/json"
    assert sent.headers["accept"] == "application/json"
    assert sent.headers["user-agent"].startswith("flashcat-pulumi/")
    assert json.loads(sent.content) == {"p": 1}


def test_request_without_body_sends_empty_object():
    recorder = Recorder(ok({}))
    client, _ = make_client(recorder)
    client.request("/member/info")
    assert recorder.bodies() == [{}]


# --- error mapping ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("response", "error_type", "code"), [
    (fail(400, "ResourceNotFound"), NotFound, "ResourceNotFound"),
    (fail(404, "ResourceNotFound"), NotFound, "ResourceNotFound"),
    (fail(200, "ResourceNotFound"), NotFound, "ResourceNotFound"),
    (fail(400, "InvalidParameter", "layers[0].mode: must be 0 or 1"), InvalidParameter, "InvalidParameter"),
    (fail(200, "InvalidParameter"), InvalidParameter, "InvalidParameter"),
    (fail(401, "Unauthorized", "You are unauthorized."), Unauthorized, "Unauthorized"),
    (fail(403, "AccessDenied", "Access Denied."), Forbidden, "AccessDenied"),
    (fail(400, "ReferenceExist"), ReferenceExist, "ReferenceExist"),
    (fail(404, "RouteNotFound"), APIError, "RouteNotFound"),
    (fail(400, "NoLicense"), APIError, "NoLicense"),
    (fail(402, "BalanceNotEnough"), APIError, "BalanceNotEnough"),
])
def test_error_mapping(response, error_type, code):
    client, slept = make_client(Recorder(response))
    with pytest.raises(error_type) as info:
        client.request("/schedule/info", {"schedule_id": 1})
    error = info.value
    assert type(error) is error_type
    assert error.code == code
    assert error.status_code == response.status_code
    assert error.request_id == "rid-1"
    assert str(error).endswith("(request_id: rid-1)")
    assert "\n" not in str(error)
    assert slept == []  # none of these is retried


def test_error_inside_200_is_an_error():
    client, _ = make_client(Recorder(fail(200, "InvalidParameter", "schedule_name: already used")))
    with pytest.raises(InvalidParameter, match=r"schedule_name: already used"):
        client.request("/schedule/create", {})


def test_message_names_path_code_status_and_is_one_line():
    client, _ = make_client(Recorder(fail(400, "InvalidParameter", "layers[0].rotation_duration:\n  too small")))
    with pytest.raises(InvalidParameter) as info:
        client.request("/schedule/update", {})
    assert str(info.value) == ("Flashduty /schedule/update failed: InvalidParameter (HTTP 400): "
                               "layers[0].rotation_duration: too small (request_id: rid-1)")


def test_request_id_from_header_when_body_lacks_it():
    response = httpx.Response(400, json={"error": {"code": "InvalidParameter", "message": "x"}},
                              headers={"Flashcat-Request-Id": "hdr-42"})
    client, _ = make_client(Recorder(response))
    with pytest.raises(InvalidParameter) as info:
        client.request("/x", {})
    assert info.value.request_id == "hdr-42"
    assert str(info.value).endswith("(request_id: hdr-42)")


def test_reference_exist_carries_refs():
    body = {"request_id": "r9", "error": {"code": "ReferenceExist", "message": "referenced"},
            "data": {"refs": [{"kind": "schedule", "name": "SRE primary", "href": "/schedule/1"},
                              {"kind": "escalate_rule", "name": "Prod", "href": None}]}}
    client, _ = make_client(Recorder(httpx.Response(400, json=body)))
    with pytest.raises(ReferenceExist) as info:
        client.delete_team(team_id=5)
    refs = info.value.refs
    assert [(r.kind, r.name) for r in refs] == [("schedule", "SRE primary"), ("escalate_rule", "Prod")]
    assert "still referenced by schedule 'SRE primary', escalate_rule 'Prod'" in str(info.value)


def test_unauthorized_message_says_how_to_fix():
    client, _ = make_client(Recorder(fail(401, "Unauthorized", "You are unauthorized.")))
    with pytest.raises(Unauthorized, match="flashduty:appKey or env FLASHDUTY_APP_KEY"):
        client.request("/team/list", {})


def test_non_json_5xx_body_is_a_server_error():
    response = httpx.Response(502, text="<html>Bad Gateway</html>")
    client, slept = make_client(Recorder(response), max_retries=1)
    with pytest.raises(ServerError) as info:
        client.request("/team/list", {})
    assert info.value.code == "HTTP502"
    assert len(slept) == 1


def test_non_json_200_body_is_an_error():
    client, _ = make_client(Recorder(httpx.Response(200, text="hello")))
    with pytest.raises(APIError, match="InvalidResponse"):
        client.request("/team/list", {})


def test_info_with_null_data_is_not_found():
    client, _ = make_client(Recorder(ok(None)))
    with pytest.raises(NotFound) as info:
        client.get_schedule(123, start=0, end=3600)
    assert info.value.status_code == 200
    assert info.value.request_id == "rid-1"
    with pytest.raises(NotFound):
        client.get_team(team_id=1)


def test_nulls_for_arrays_and_objects_parse():
    item = {"schedule_id": 7, "schedule_name": "S", "layers": None, "schedule_layers": None,
            "layer_schedules": None, "final_schedule": {"schedules": None, "layer_name": "", "name": "",
                                                        "mode": 0},
            "notify": {"fixed_time": None, "by": {"personal_channels": None}, "webhooks": None},
            "cur_oncall": None, "next_oncall": None, "description": None, "team_id": None}
    client, _ = make_client(Recorder(ok({"items": [item]})))
    [schedule] = client.get_schedules([7])
    assert schedule.layers == [] and schedule.schedule_layers == []
    assert schedule.final_schedule is not None and schedule.final_schedule.schedules == []
    assert schedule.notify is not None and schedule.notify.webhooks == []
    assert schedule.notify.by is not None and schedule.notify.by.personal_channels == []
    assert schedule.cur_oncall is None and schedule.description == "" and schedule.team_id is None


def test_legacy_fields_fill_canonical_ones_and_float_ids_become_ints():
    item = {"id": 5789640530410.0, "name": "Legacy", "group_id": "4100000000001", "layer_schedules": [
        {"layer_name": "L", "schedules": [{"start": 1, "end": 2, "group": {"members": None}}]}]}
    client, _ = make_client(Recorder(ok(item)))
    schedule = client.get_schedule(5789640530410, start=0, end=3600)
    assert schedule.schedule_id == 5789640530410 and isinstance(schedule.schedule_id, int)
    assert schedule.schedule_name == "Legacy"
    assert schedule.team_id == 4100000000001
    assert schedule.schedule_layers[0].schedules[0].group.members == []


# --- retries -----------------------------------------------------------------------------------------

def test_retries_429_honouring_retry_after():
    recorder = Recorder(fail(429, "RequestTooFrequently", headers={"Retry-After": "2"}), ok({"v": 1}))
    client, slept = make_client(recorder)
    assert client.request("/team/list", {}) == {"v": 1}
    assert len(recorder.requests) == 2
    assert 2.0 <= slept[0] <= 2.2


def test_retries_5xx_with_exponential_backoff_then_gives_up():
    recorder = Recorder(fail(500, "InternalError"))
    client, slept = make_client(recorder, max_retries=3, backoff=1.0, max_backoff=3.0)
    with pytest.raises(ServerError) as info:
        client.request("/team/list", {})
    assert len(recorder.requests) == 4
    assert len(slept) == 3
    # attempt n waits within [ceiling/2, ceiling], ceiling = min(max_backoff, backoff * 2**(n-1))
    for delay, ceiling in zip(slept, (1.0, 2.0, 3.0), strict=True):
        assert ceiling / 2 <= delay <= ceiling
    assert "InternalError (HTTP 500)" in str(info.value)


def test_rate_limited_after_retries_says_when_to_retry():
    recorder = Recorder(fail(429, "RequestTooFrequently", headers={"Retry-After": "3"}))
    client, _ = make_client(recorder, max_retries=1)
    with pytest.raises(RateLimited) as info:
        client.request("/team/list", {})
    assert info.value.retry_after == 3.0
    assert "retry after 3s" in str(info.value)


def test_transport_errors_are_retried_and_redacted():
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"cannot reach {request.url}", request=request)

    recorder = Recorder(refuse)
    client, slept = make_client(recorder, max_retries=2)
    with pytest.raises(TransportError) as info:
        client.request("/team/list", {})
    assert len(recorder.requests) == 3
    assert len(slept) == 2
    text = str(info.value)
    assert KEY not in text and "app_key=***" in text
    assert info.value.__cause__ is None and info.value.__suppress_context__
    assert text.startswith("Flashduty /team/list failed: ConnectError: cannot reach")
    assert re.search(r"; gave up after 3 attempts over [\d.]+s \(max_retries 2\); check the network", text)
    assert info.value.attempts == 3


def test_max_retries_zero_means_one_attempt():
    recorder = Recorder(fail(500, "InternalError"))
    client, slept = make_client(recorder, max_retries=0)
    with pytest.raises(ServerError) as info:
        client.request("/team/list", {})
    assert len(recorder.requests) == 1 and slept == []
    assert "; gave up after 1 attempt (max_retries 0); try again later" in str(info.value)


# --- the retry budget (fake time: the clock moves only when the client sleeps, or a reply says so) ---

def test_default_client_outlasts_more_than_three_failures():
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)

    recorder = Recorder(fail(500, "InternalError"), fail(429, "RequestTooFrequently", headers={"Retry-After": "1"}),
                        down, fail(503, "ServiceUnavailable"), fail(500, "InternalError"), down, ok({"v": 1}))
    client, slept = make_client(recorder)
    assert client.max_retries is None and client.retry_budget == 300
    assert client.request("/team/list", {}) == {"v": 1}
    assert len(recorder.requests) == 7 and len(slept) == 6


def test_retries_until_the_budget_and_no_wait_goes_past_it():
    recorder = Recorder(fail(500, "InternalError"))
    time = FakeTime()
    client, slept = make_client(recorder, time=time, retry_budget=60, backoff=1.0, max_backoff=8.0)
    with pytest.raises(ServerError) as info:
        client.request("/team/list", {})
    assert sum(slept) == pytest.approx(60)  # the last wait is cut to what was left of the budget
    assert max(slept) <= 8.0
    assert len(recorder.requests) == len(slept) + 1
    retries = info.value.retries
    assert (retries.attempts, retries.elapsed, retries.budget) == (len(recorder.requests), time.now, 60)


def test_message_says_how_long_and_how_often_it_tried_and_what_to_do(monkeypatch):
    monkeypatch.setattr("flashcat_pulumi.client.random.uniform", lambda low, high: high)  # no jitter: exact times
    time = FakeTime()

    def slow_failure(request: httpx.Request) -> httpx.Response:
        time.now += 2.0  # each attempt takes 2 s to fail
        return fail(500, "InternalError", "We encountered an internal error.")

    recorder = Recorder(slow_failure)
    client, slept = make_client(recorder, time=time)
    with pytest.raises(ServerError) as info:
        client.request("/team/list", {})
    # Waits of 0.5, 1, 2 ... 30 s between attempts of 2 s: the 15th starts at 299.5 s, fails at 301.5 s.
    assert len(recorder.requests) == 15 and time.now == 301.5
    assert slept[:7] == [0.5, 1, 2, 4, 8, 16, 30]
    assert str(info.value) == (
        "Flashduty /team/list failed: InternalError (HTTP 500): We encountered an internal error.; gave up after "
        "15 attempts over 5m02s (retry budget 5m); set flashduty:retryBudget or FLASHDUTY_RETRY_BUDGET to wait "
        "longer; try again later, and quote the request_id to Flashduty support if it persists (request_id: rid-1)")


@pytest.mark.parametrize(("header", "seconds"), [("7", 7.0), ("2.5", 2.5), ("0", 0.0)])
def test_retry_after_in_seconds_is_honoured_with_bounded_jitter(header, seconds):
    recorder = Recorder(fail(429, "RequestTooFrequently", headers={"Retry-After": header}), ok({"v": 1}))
    client, slept = make_client(recorder)
    assert client.request("/team/list", {}) == {"v": 1}
    [delay] = slept
    assert seconds <= delay <= seconds + 0.1 * max(seconds, 1.0)


def test_retry_after_beyond_the_budget_gives_up_at_once():
    recorder = Recorder(fail(429, "RequestTooFrequently", headers={"Retry-After": "4"}),
                        fail(429, "RequestTooFrequently", headers={"Retry-After": "60"}))
    client, slept = make_client(recorder, retry_budget=10)
    with pytest.raises(RateLimited) as info:
        client.request("/team/list", {})
    assert len(recorder.requests) == 2 and len(slept) == 1 and 4 <= slept[0] <= 4.4  # no sleep past the budget
    assert info.value.retries.retry_after == 60
    assert re.search(r"; gave up after 2 attempts over 4(\.\d)?s \(retry budget 10s, and the server asked to "
                     r"wait 1m more\); set flashduty:retryBudget or FLASHDUTY_RETRY_BUDGET to wait longer; rate "
                     r"limit hit, retry after 60s \(request_id: rid-1\)$", str(info.value))


def test_backoff_is_exponential_with_jitter_within_its_bounds():
    recorder = Recorder(fail(500, "InternalError"))
    client, slept = make_client(recorder, retry_budget=10_000, max_retries=12, backoff=0.5, max_backoff=30.0)
    with pytest.raises(ServerError):
        client.request("/team/list", {})
    assert len(slept) == 12
    for n, delay in enumerate(slept, start=1):
        ceiling = min(30.0, 0.5 * 2 ** (n - 1))
        assert ceiling / 2 <= delay <= ceiling
    assert len(set(slept)) == len(slept)  # jittered, not a fixed schedule


def test_a_long_budget_never_overflows_the_backoff():
    recorder = Recorder(fail(500, "InternalError"))
    client, slept = make_client(recorder, retry_budget=1e9, max_retries=1100)
    with pytest.raises(ServerError) as info:
        client.request("/team/list", {})
    assert info.value.retries.attempts == 1101 and 15 <= slept[-1] <= 30


def test_budget_zero_means_one_attempt():
    recorder = Recorder(fail(503, "ServiceUnavailable"))
    client, slept = make_client(recorder, retry_budget=0)
    with pytest.raises(ServerError) as info:
        client.request("/team/list", {})
    assert len(recorder.requests) == 1 and slept == []
    assert "; gave up after 1 attempt (retry budget 0s); set flashduty:retryBudget" in str(info.value)


def test_non_retryable_errors_fail_at_once_whatever_the_budget():
    recorder = Recorder(fail(400, "InvalidParameter", "layers: required"))
    client, slept = make_client(recorder, retry_budget=3600)
    with pytest.raises(InvalidParameter) as info:
        client.request("/schedule/update", {})
    assert len(recorder.requests) == 1 and slept == [] and info.value.retries is None


def test_transport_error_after_the_budget_never_shows_the_key(caplog):
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"cannot reach {request.url} with {KEY}", request=request)

    client, slept = make_client(Recorder(refuse), retry_budget=45)
    with caplog.at_level(logging.DEBUG), pytest.raises(TransportError) as info:
        client.request("/team/list", {})
    error = info.value
    assert error.retries.attempts == len(slept) + 1 and sum(slept) == pytest.approx(45)
    assert re.search(r"; gave up after \d+ attempts over 45s \(retry budget 45s\); set flashduty:retryBudget or "
                     r"FLASHDUTY_RETRY_BUDGET to wait longer; check the network", str(error))
    for text in (str(error), repr(error), *map(str, error.args), caplog.text):
        assert KEY not in text


def test_create_looks_up_before_every_retry_for_as_long_as_the_budget_lasts():
    # The name is free; six creates fail with a 500, each followed by a look-up; the sixth had committed.
    recorder = Recorder(schedule_list(), *[fail(500, "InternalError"), schedule_list()] * 5,
                        fail(500, "InternalError"), schedule_list(("SRE", 42)))
    client, _ = make_client(recorder)
    assert client.create_schedule({"schedule_name": "SRE"}) == 42
    assert [r.url.path for r in recorder.requests] == (
        ["/schedule/list"] + ["/schedule/create", "/schedule/list"] * 6)


@pytest.mark.parametrize("kwargs", [{"retry_budget": -1}, {"max_retries": -1}, {"backoff": 0},
                                    {"backoff": 5, "max_backoff": 1}])
def test_retry_settings_are_checked(kwargs):
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        FlashdutyClient(app_key=KEY, **kwargs)


# --- duplicate-free creates --------------------------------------------------------------------

def schedule_list(*names_ids):
    return ok({"items": [{"schedule_id": i, "schedule_name": n} for n, i in names_ids],
               "total": len(names_ids)})


def test_create_schedule_recovers_after_5xx_without_duplicating():
    # name check (absent) -> create fails with 500 after committing -> lookup finds it -> no retry
    recorder = Recorder(schedule_list(), fail(500, "InternalError"), schedule_list(("SRE", 42)))
    client, _ = make_client(recorder)
    assert client.create_schedule({"schedule_name": "SRE", "layers": []}) == 42
    assert [r.url.path for r in recorder.requests] == ["/schedule/list", "/schedule/create", "/schedule/list"]


def test_create_schedule_retries_when_lookup_finds_nothing():
    recorder = Recorder(schedule_list(), fail(500, "InternalError"), schedule_list(),
                        ok({"schedule_id": 43}))
    client, _ = make_client(recorder)
    assert client.create_schedule({"schedule_name": "SRE"}) == 43
    assert [r.url.path for r in recorder.requests] == [
        "/schedule/list", "/schedule/create", "/schedule/list", "/schedule/create"]


def test_create_schedule_after_429_retries_without_lookup():
    recorder = Recorder(schedule_list(), fail(429, "RequestTooFrequently"), ok({"schedule_id": 44}))
    client, _ = make_client(recorder)
    assert client.create_schedule({"schedule_name": "SRE"}) == 44
    assert [r.url.path for r in recorder.requests] == ["/schedule/list", "/schedule/create", "/schedule/create"]


def test_create_schedule_existing_name_raises_already_exists():
    recorder = Recorder(schedule_list(("SRE primary (old)", 1), ("SRE primary", 2)))
    client, _ = make_client(recorder)
    with pytest.raises(AlreadyExists) as info:
        client.create_schedule({"schedule_name": "SRE primary"})
    assert info.value.existing_id == 2 and info.value.kind == "schedule"
    assert "schedule_id 2" in str(info.value)
    assert [r.url.path for r in recorder.requests] == ["/schedule/list"]


def test_upsert_team_recovers_after_read_timeout():
    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    found = ok({"team_id": 9, "team_name": "SRE", "person_ids": None})
    recorder = Recorder(fail(400, "ResourceNotFound"), timeout, found)
    client, _ = make_client(recorder)
    result = client.upsert_team({"team_name": "SRE", "person_ids": [1]})
    assert (result.team_id, result.team_name) == (9, "SRE")
    assert [r.url.path for r in recorder.requests] == ["/team/info", "/team/upsert", "/team/info"]


def test_upsert_team_after_connect_error_retries_without_lookup():
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    recorder = Recorder(fail(400, "ResourceNotFound"), refuse, ok({"team_id": 3, "team_name": "SRE"}))
    client, _ = make_client(recorder)
    assert client.upsert_team({"team_name": "SRE"}).team_id == 3
    assert [r.url.path for r in recorder.requests] == ["/team/info", "/team/upsert", "/team/upsert"]


def test_upsert_team_update_has_no_name_check():
    recorder = Recorder(fail(500, "InternalError"), ok({"team_id": 3, "team_name": "SRE"}))
    client, _ = make_client(recorder)
    assert client.upsert_team({"team_id": 3, "team_name": "SRE"}).team_id == 3
    assert [r.url.path for r in recorder.requests] == ["/team/upsert", "/team/upsert"]


# --- a create that answers id 0 (docs/flashduty-api.md §14) ---------------------------------------------

APIFOX_ZERO = httpx.Response(200, json={"data": {"schedule_id": 0}, "error": {"code": ""}})


def test_create_schedule_answering_id_0_is_a_failure_that_created_nothing():
    recorder = Recorder(schedule_list(), APIFOX_ZERO, schedule_list())
    client, slept = make_client(recorder)
    with pytest.raises(CreateNotConfirmed) as info:
        client.create_schedule({"schedule_name": "SRE"})
    assert str(info.value) == (
        "Flashduty answered schedule_id 0 for /schedule/create of 'SRE' (request_id: none): nothing was created; "
        "try again, and quote the request_id to Flashduty support if it persists")
    assert info.value.deleted_id is None and slept == []
    assert [r.url.path for r in recorder.requests] == ["/schedule/list", "/schedule/create", "/schedule/list"]


def test_create_schedule_answering_id_0_deletes_what_it_made_anyway():
    zero = httpx.Response(200, json={"request_id": "rid-0", "data": {"schedule_id": 0}})
    recorder = Recorder(schedule_list(), zero, schedule_list(("SRE", 77)), ok({}))
    client, _ = make_client(recorder)
    with pytest.raises(CreateNotConfirmed) as info:
        client.create_schedule({"schedule_name": "SRE"})
    assert str(info.value) == (
        "Flashduty answered schedule_id 0 for /schedule/create of 'SRE' (request_id: rid-0); the schedule it made "
        "anyway (schedule_id 77) was deleted again; try again, and quote the request_id to Flashduty support if it "
        "persists")
    assert info.value.deleted_id == 77
    assert [r.url.path for r in recorder.requests] == [
        "/schedule/list", "/schedule/create", "/schedule/list", "/schedule/delete"]
    assert recorder.bodies()[-1] == {"schedule_ids": [77]}


@pytest.mark.parametrize(("reply", "answered"), [
    (httpx.Response(200, json={"error": {"code": "0", "message": ""}}), "no schedule_id"),  # Apifox, no data
    (ok({}), "no schedule_id"),
    (ok({"schedule_id": "0"}), "schedule_id '0'"),
    (ok(None), "no schedule_id"),
])
def test_create_schedule_without_an_id_is_a_failure(reply, answered):
    client, _ = make_client(Recorder(schedule_list(), reply, schedule_list()))
    with pytest.raises(CreateNotConfirmed, match=f"^Flashduty answered {answered} for /schedule/create of 'SRE' "):
        client.create_schedule({"schedule_name": "SRE"})


def test_create_id_0_whose_cleanup_fails_says_what_to_do():
    recorder = Recorder(schedule_list(), APIFOX_ZERO, schedule_list(("SRE", 77)),
                        fail(403, "AccessDenied", "Access Denied."))
    client, _ = make_client(recorder)
    with pytest.raises(CreateNotConfirmed) as info:
        client.create_schedule({"schedule_name": "SRE"})
    text = str(info.value)
    assert text.startswith("Flashduty answered schedule_id 0 for /schedule/create of 'SRE' (request_id: none): a "
                           "schedule named 'SRE' may have been made anyway, and looking for it to delete it failed "
                           "(Flashduty /schedule/delete failed: AccessDenied (HTTP 403)")
    assert text.endswith("; delete it in Flashduty if it is there, then try again")
    assert info.value.cleanup_failure is not None and KEY not in text


def test_create_team_answering_id_0_deletes_what_it_made_anyway():
    recorder = Recorder(fail(400, "ResourceNotFound"), ok({"team_id": 0, "team_name": ""}),
                        ok({"team_id": 9, "team_name": "SRE", "person_ids": [1]}), ok({}))
    client, _ = make_client(recorder)
    with pytest.raises(CreateNotConfirmed) as info:
        client.upsert_team({"team_name": "SRE", "person_ids": [1]})
    assert info.value.deleted_id == 9 and info.value.kind == "team"
    assert "answered team_id 0 for /team/upsert of 'SRE' (request_id: rid-1); the team it made anyway (team_id 9) " \
           "was deleted again" in str(info.value)
    assert [r.url.path for r in recorder.requests] == ["/team/info", "/team/upsert", "/team/info", "/team/delete"]
    assert recorder.bodies()[-1] == {"team_id": 9}


def test_create_team_answering_id_0_that_made_nothing():
    recorder = Recorder(fail(400, "ResourceNotFound"), ok({"team_id": 0, "team_name": ""}),
                        fail(400, "ResourceNotFound"))
    client, _ = make_client(recorder)
    with pytest.raises(CreateNotConfirmed, match=r"of 'SRE' \(request_id: rid-1\): nothing was created; try again"):
        client.upsert_team({"team_name": "SRE"})
    assert [r.url.path for r in recorder.requests] == ["/team/info", "/team/upsert", "/team/info"]


def test_upsert_by_name_answering_id_0_deletes_nothing():
    # reset_if_name_exist may have updated a team that existed before: never delete it.
    recorder = Recorder(ok({"team_id": 0, "team_name": ""}))
    client, _ = make_client(recorder)
    with pytest.raises(CreateNotConfirmed, match=r"whether the team was created or changed is unknown; check it"):
        client.upsert_team({"team_name": "SRE", "reset_if_name_exist": True})
    assert [r.url.path for r in recorder.requests] == ["/team/upsert"]


def test_team_update_reply_is_not_checked_for_an_id():
    client, _ = make_client(Recorder(ok({"team_id": 3, "team_name": "SRE"})))
    assert client.upsert_team({"team_id": 3, "team_name": "SRE"}).team_id == 3


def test_deletes_are_idempotent():
    client, _ = make_client(Recorder(fail(400, "ResourceNotFound")))
    client.delete_team(team_name="gone")
    client.delete_schedules([1, 2])
    client.delete_schedules([])


# --- paging and batching ---------------------------------------------------------------------------

def test_paging_stops_on_short_page_and_ignores_total():
    def page(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        start = (body["p"] - 1) * body["limit"]
        count = max(0, min(body["limit"], 250 - start))
        items = [{"team_id": start + i + 1, "team_name": f"t{start + i + 1}"} for i in range(count)]
        return ok({"p": body["p"], "limit": body["limit"], "total": 1000, "items": items})

    recorder = Recorder(page)
    client, _ = make_client(recorder)
    teams = client.list_teams(query="t")
    assert [t.team_id for t in teams] == list(range(1, 251))
    assert [b["p"] for b in recorder.bodies()] == [1, 2, 3]
    assert all(b["limit"] == 100 and b["query"] == "t" for b in recorder.bodies())


def test_paging_stops_at_the_api_offset_cap():
    full = ok({"items": [{"member_id": i} for i in range(100)], "total": 1000})
    recorder = Recorder(full)
    client, _ = make_client(recorder)
    assert len(client.list_members()) == 10_000
    assert len(recorder.requests) == 100


@pytest.mark.parametrize(("method", "path"), [("enable_schedules", "/schedule/enable"),
                                              ("disable_schedules", "/schedule/disable")])
def test_enable_and_disable_schedules_in_batches_of_100(method, path):
    recorder = Recorder(fail(500, "InternalError"), ok({}))
    client, slept = make_client(recorder)
    getattr(client, method)([*range(1, 251), 1])
    assert [r.url.path for r in recorder.requests] == [path] * 4  # a 500 is retried like any idempotent call
    bodies = recorder.bodies()
    assert bodies[0] == bodies[1] and len(slept) == 1
    assert [b["schedule_ids"] for b in bodies[1:]] == [list(range(1, 101)), list(range(101, 201)),
                                                        list(range(201, 251))]
    recorder.requests.clear()
    getattr(client, method)([])
    assert recorder.requests == []


def test_enable_unknown_schedule_is_an_error():
    client, _ = make_client(Recorder(fail(400, "ResourceNotFound")))
    with pytest.raises(NotFound):
        client.enable_schedules([5])


def test_batches_of_at_most_100_ids():
    def echo(request: httpx.Request) -> httpx.Response:
        ids = json.loads(request.content)["team_ids"]
        return ok({"items": [{"team_id": i, "team_name": str(i), "person_ids": []} for i in ids]})

    recorder = Recorder(echo)
    client, _ = make_client(recorder)
    teams = client.get_teams(range(1, 251))
    assert len(teams) == 250
    assert [len(b["team_ids"]) for b in recorder.bodies()] == [100, 100, 50]


# --- configuration and secrecy -------------------------------------------------------------------

def test_from_env():
    client = FlashdutyClient.from_env({"FLASHDUTY_APP_KEY": KEY, "FLASHDUTY_BASE_URL": "http://x:1/"})
    assert client.base_url == "http://x:1"
    assert FlashdutyClient.from_env({"FLASHDUTY_APP_KEY": KEY}).base_url == "https://api.flashcat.cloud"
    with pytest.raises(ConfigurationError, match="FLASHDUTY_APP_KEY is not set"):
        FlashdutyClient.from_env({})
    with pytest.raises(ConfigurationError, match="app key is empty"):
        FlashdutyClient(app_key="  ")


def test_key_absent_from_repr_and_logs(caplog):
    recorder = Recorder(fail(500, "InternalError", f"echo app_key={KEY}"), ok({}))
    client, _ = make_client(recorder)
    assert KEY not in repr(client) and KEY not in repr(client._http._transport)
    with caplog.at_level(logging.DEBUG):
        client.request("/team/list", {})
    assert caplog.records, "the client logs each request"
    assert KEY not in caplog.text
    assert any("/team/list" in r.getMessage() and "rid-1" in r.getMessage() for r in caplog.records)


def test_server_echoing_the_key_is_redacted():
    client, _ = make_client(Recorder(fail(400, "InvalidParameter", f"bad key {KEY} in app_key={KEY}")))
    with pytest.raises(InvalidParameter) as info:
        client.request("/x", {})
    assert KEY not in str(info.value) and KEY not in repr(info.value)
