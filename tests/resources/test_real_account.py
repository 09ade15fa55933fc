"""What real accounts do that our own emulator used not to: person ids apart from member ids, an
account zone other than the schedule's, ResourceNotFound for a lapsed plan, a create answered with
id 0, schedules disabled by hand, shifts longer than the window read, and values the rules refuse.

The providers run in-process against the emulator (the engine-protocol path is covered by
test_through_the_engine.py); the emulator is configured per test with ``@pytest.mark.emulator``.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from flashcat_pulumi.client import FlashdutyClient
from flashcat_pulumi.emulator import DEFAULT_PEOPLE, Emulator, SeedPerson
from flashcat_pulumi.errors import CreateNotConfirmed, FlashdutyError, PersonMismatch
from flashcat_pulumi.resources import _base
from flashcat_pulumi.resources._zones import fixed_delta, shift_layer
from flashcat_pulumi.resources.schedule import ScheduleProvider, check_schedule, schedule_from_wire
from flashcat_pulumi.resources.team import TeamProvider
from flashcat_pulumi.testing import as_engine_sends
from flashcat_pulumi.wire import Envelope, ScheduleItem

ALICE, BOB, CAROL = 2476444212131, 2476444212132, 2476444212133
HOUR, DAY = 3600, 86400
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "official"


@pytest.fixture
def connect(emulator: Emulator, monkeypatch: pytest.MonkeyPatch):
    """Providers talking to this test's emulator through the environment, as a stack without config."""
    monkeypatch.setenv("FLASHDUTY_APP_KEY", emulator.app_key)
    monkeypatch.setenv("FLASHDUTY_BASE_URL", emulator.base_url)
    monkeypatch.delenv("FLASHDUTY_TIME_ZONE", raising=False)
    # Per process in real use; here each test's emulator may reuse an earlier one's port.
    monkeypatch.setattr(_base, "_CLIENTS", {})
    return lambda provider=ScheduleProvider: provider()


def checked(provider: Any, props: dict[str, Any]) -> dict[str, Any]:
    result = provider.check({}, props)
    assert not result.failures, [(f.property, f.reason) for f in result.failures]
    return as_engine_sends(result.inputs)


def daily(*groups: Any, start: int | None = None, **fields: Any) -> dict[str, Any]:
    return {"layer_start": int(time.time()) - 3 * DAY if start is None else start, "rotation_duration": "1d",
            "groups": list(groups) or ["alice@example.com"], **fields}


def schedule(*layers: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"schedule_name": "Real account", "time_zone": "Asia/Shanghai", "layers": list(layers) or [daily()],
            **fields}


def request_count(emulator: Emulator, path: str) -> int:
    return sum(1 for record in emulator.requests if record.path == path)


# --- the right person ---------------------------------------------------------------------------------

def member_id(emulator: Emulator, email: str) -> int:
    return next(person["member_id"] for person in emulator.people() if person["email"] == email)


@pytest.mark.emulator(member_ids="distinct", rate_limits=False)
def test_a_member_id_is_never_written_as_a_person_id(emulator, connect):
    provider = connect()
    with pytest.raises(PersonMismatch) as info:
        provider.create(checked(provider, schedule()))
    alice = member_id(emulator, "alice@example.com")
    assert alice != ALICE
    assert str(info.value) == (
        f"cannot tell the person id of alice@example.com (alice@example.com: /member/list gives member_id {alice}, "
        f"but /person/infos says person {alice} is no person); in this account person ids differ from member ids, "
        f"so write the person's id instead of the email (the person_ids of an existing schedule or team that holds "
        f"them, or Flashduty's /person/infos), nothing was written")
    assert emulator.schedules() == []


@pytest.mark.emulator(member_ids="crossed", rate_limits=False)
def test_crossed_member_ids_resolve_by_what_person_infos_says(emulator, connect):
    """Alice's member id is Bob's person id. The one /person/infos call, its batch filled with the other
    members' ids, also returns Alice's own person with her email: that is who is written."""
    provider, teams = connect(), connect(TeamProvider)
    assert member_id(emulator, "alice@example.com") == BOB  # the dangerous case
    created = provider.create(checked(provider, schedule()))
    layer = emulator.schedule(int(created.id))["layers"][0]
    assert [member["person_ids"] for group in layer["groups"] for member in group["members"]] == [[ALICE]]
    team = teams.create(checked(teams, {"team_name": "Crossed", "members": ["alice@example.com"]}))
    assert emulator.team(int(team.id))["person_ids"] == [ALICE]
    assert request_count(emulator, "/person/infos") == 1


FILLERS = [SeedPerson(name=f"Filler {i}", email=f"filler{i}@example.com") for i in range(140)]


@pytest.mark.emulator(member_ids="crossed", rate_limits=False, seed=[*FILLERS[:20], *DEFAULT_PEOPLE, *FILLERS[20:]])
def test_a_member_id_that_is_someone_elses_person_id_is_refused(emulator, connect):
    """As above in an account of 146 members, where the batch does not reach the member whose member
    id is Alice's person id: nothing confirms who Alice is, so nothing is written."""
    provider, teams = connect(), connect(TeamProvider)
    alice = member_id(emulator, "alice@example.com")
    assert alice == BOB
    with FlashdutyClient(base_url=emulator.base_url, app_key=emulator.app_key, rate_limit=None) as client:
        listed = [member.member_id for member in client.list_members()]
    assert listed.index(ALICE) >= 100  # the member whose member id is Alice's person id, past one batch
    with pytest.raises(PersonMismatch, match=rf"member_id {alice}, but /person/infos says person {alice} is "
                                             r"bob@example.com"):
        provider.create(checked(provider, schedule()))
    with pytest.raises(PersonMismatch):
        teams.create(checked(teams, {"team_name": "Crossed", "members": ["alice@example.com"]}))
    assert emulator.schedules() == [] and emulator.teams() == []
    created = teams.create(checked(teams, {"team_name": "By id", "members": [ALICE]}))
    assert emulator.team(int(created.id))["person_ids"] == [ALICE]


@pytest.mark.emulator(member_ids="distinct", rate_limits=False)
def test_an_email_resolves_to_the_person_the_program_names_by_id_elsewhere(emulator, connect):
    provider = connect()
    props = schedule(daily(["alice@example.com", "bob@example.com"]), overrides=[
        {"start": "2027-01-01T00:00", "end": "2027-01-02T00:00", "person": ALICE}])
    with pytest.raises(PersonMismatch, match=r"bob@example\.com") as info:
        provider.create(checked(provider, props))
    assert "alice@example.com" not in str(info.value)  # Alice was found: /person/infos named her by her id
    props["layers"][0]["groups"] = ["alice@example.com"]
    before = request_count(emulator, "/person/infos")
    created = provider.create(checked(provider, props))
    stored = emulator.schedule(int(created.id))
    assert {pid for layer in stored["layers"] for group in layer["groups"] for member in group["members"]
            for pid in member["person_ids"]} == {ALICE}
    assert request_count(emulator, "/person/infos") - before <= 1  # one batched lookup, remembered after


@pytest.mark.emulator(rate_limits=False)
def test_people_read_back_in_the_form_written_at_each_place(emulator, connect):
    provider = connect()
    inputs = checked(provider, schedule(daily("alice@example.com", BOB), overrides=[
        {"start": "2027-01-01T00:00", "end": "2027-01-02T00:00", "person": ALICE},
        {"name": "cover", "start": "2027-01-03T00:00", "end": "2027-01-04T00:00", "person": "bob@example.com"}]))
    created = provider.create(inputs)
    groups = created.outs["layers"][0]["groups"]
    assert [group["members"][0]["person_ids"] for group in groups] == [["alice@example.com"], [BOB]]
    assert {o["name"]: o["people"] for o in created.outs["overrides"]} == {"override": [ALICE],
                                                                          "cover": ["bob@example.com"]}
    fresh = connect()  # a new process: refresh knows nobody yet
    read = fresh.read(created.id, as_engine_sends(created.outs))
    assert fresh.diff(created.id, as_engine_sends(read.outs), inputs).changes is False


@pytest.mark.emulator(rate_limits=False)
def test_roles_in_groups_and_in_who_is_on_call(emulator, connect):
    provider = connect()
    now = int(time.time())
    props = schedule(daily({"primary": ["alice@example.com"], "backup": ["bob@example.com", CAROL]},
                           start=now - HOUR))
    inputs = checked(provider, props)
    assert inputs["layers"][0]["groups"] == [{"group_name": "A", "members": [
        {"role_id": 0.0, "person_ids": ["alice@example.com"]},
        {"role_id": 1.0, "person_ids": [float(CAROL), "bob@example.com"]}]}]
    on_call = provider.create(inputs).outs["current_oncall"]
    assert on_call["primary"] == ["alice@example.com"]
    assert sorted(on_call["backup"]) == ["bob@example.com", "carol@example.com"]
    assert [role["role"] for role in on_call["roles"]] == ["primary", "backup"]
    failures = ScheduleProvider().check({}, schedule(daily({"people": ["alice@example.com"],
                                                            "primary": ["bob@example.com"]}))).failures
    assert [(f.property, f.reason) for f in failures] == [
        ("layers[0].groups[0]", "give either people (with role_id) or primary/backup, not both")]


# --- the right hour -----------------------------------------------------------------------------------

@pytest.mark.emulator(time_zone="Asia/Tokyo", rate_limits=False)
def test_without_a_time_zone_times_are_read_in_the_accounts_zone(emulator, connect):
    provider = connect()
    props = {key: value for key, value in schedule(daily(start="2027-01-04T09:00")).items() if key != "time_zone"}
    inputs = checked(provider, props)
    assert inputs["time_zone"] == "Asia/Tokyo"
    assert inputs["layers"][0]["layer_start"] == "2027-01-04T09:00:00+09:00"
    checked(provider, props)
    assert request_count(emulator, "/member/info") == 1  # read once per process


def test_without_any_zone_check_names_the_three_ways(monkeypatch):
    for variable in ("FLASHDUTY_APP_KEY", "FLASHDUTY_TIME_ZONE"):
        monkeypatch.delenv(variable, raising=False)
    props = {key: value for key, value in schedule().items() if key != "time_zone"}
    [failure] = ScheduleProvider().check({}, props).failures
    assert failure.property == "time_zone"
    assert "set time_zone on this Schedule, stack config flashduty:timeZone, or give the provider an app key" \
        in failure.reason and "no Flashduty app key" in failure.reason


WINDOWS = {"restrict_periods": ["09:00-18:00"], "day_mask": "weekdays"}


@pytest.mark.emulator(rate_limits=False)  # the emulator's account is in Asia/Shanghai
def test_a_tokyo_schedule_on_a_shanghai_account_is_moved_exactly(emulator, connect):
    provider = connect()
    start = (int(time.time()) + 9 * HOUR) // DAY * DAY - 9 * HOUR - 14 * DAY  # a Tokyo midnight two weeks ago
    inputs = checked(provider, schedule(
        daily(start=start, **WINDOWS),
        {"layer_start": start, "rotation_duration": "1w", "handoff_time": "mon 09:00", "groups": [BOB]},
        time_zone="Asia/Tokyo"))
    assert inputs["zone_offset"] == "-1h"
    assert inputs["layers"][0]["restrict_periods"] == ["09:00-18:00"]  # the program's own clock in the state
    created = provider.create(inputs)
    daily_layer, weekly_layer, *_ = emulator.schedule(int(created.id))["layers"]
    windows = [(period["restrict_start"], period["restrict_end"]) for period in daily_layer["restrict_periods"]]
    assert windows == [(8 * HOUR, 17 * HOUR)]
    assert daily_layer["day_mask"] == {"repeat": [1, 2, 3, 4, 5]}
    assert weekly_layer["handoff_time"] == 8 * HOUR  # Monday 09:00 Tokyo is Monday 08:00 Shanghai
    # The weekly layer (the later one wins) hands off on Monday 09:00 in Tokyo, 00:00 UTC.
    shift = created.outs["current_oncall"]
    assert time.gmtime(shift["start"]).tm_hour == 0 and time.gmtime(shift["start"]).tm_wday == 0
    assert provider.diff(created.id, as_engine_sends(created.outs), inputs).changes is False
    fresh = connect()
    assert fresh.read(created.id, as_engine_sends(created.outs)).outs["layers"] == created.outs["layers"]


def test_zones_whose_offset_changes_need_dst_follow():
    london = schedule(daily(restrict_periods=["09:00-17:00"]), time_zone="Europe/London")
    account = lambda: "Asia/Shanghai"  # noqa: E731
    _, [failure] = check_schedule(london, default_time_zone=None, account_time_zone=account)
    assert failure.path == "time_zone" and "(+7h and +8h in the coming year)" in failure.reason
    assert "dst='follow'" in failure.reason and "time_zone='Asia/Shanghai'" in failure.reason
    winter = check_schedule({**london, "dst": "follow"}, default_time_zone=None, account_time_zone=account,
                            now=1795000000)[0]  # 2026-11-18
    summer = check_schedule({**london, "dst": "follow"}, default_time_zone=None, account_time_zone=account,
                            now=1751328000)[0]  # 2025-07-01
    assert (winter["zone_offset"], summer["zone_offset"]) == ("+8h", "+7h")
    assert winter["layers"] == summer["layers"]
    # After a switch the offset in force differs from the one written: the next up shows it and moves the windows.
    assert ScheduleProvider().diff("1", as_engine_sends(winter), summer).changes is True
    assert ScheduleProvider().diff("1", as_engine_sends(winter), winter).changes is False


def test_a_day_mask_that_cannot_move_exactly_is_refused():
    account = lambda: "Asia/Shanghai"  # noqa: E731
    _, failures = check_schedule(schedule(daily(day_mask="weekdays"), time_zone="Asia/Tokyo"),
                                 default_time_zone=None, account_time_zone=account)
    assert [f.path for f in failures] == ["layers[0].day_mask"]
    assert "a day_mask keeps whole days cut at midnight in the account's time zone" in failures[0].reason


@pytest.mark.parametrize(("delta", "fields", "moved"), [
    (-HOUR, {"handoff": 0, "restrict_mode": 0, "periods": [], "day_mask": None}, (7 * DAY - HOUR, [], None)),
    (-HOUR, {"handoff": 0, "restrict_mode": 1, "periods": [(1800, 8 * HOUR)], "day_mask": None},
     (7 * DAY - HOUR, [(DAY - 1800, 7 * HOUR)], None)),  # now wraps past midnight: a night window
    (-HOUR, {"handoff": 0, "restrict_mode": 1, "periods": [(0, DAY)], "day_mask": [1]}, None),
    (-HOUR, {"handoff": 0, "restrict_mode": 1, "periods": [(0, 1800)], "day_mask": [1, 2]},
     (7 * DAY - HOUR, [(DAY - HOUR, DAY - 1800)], [0, 1])),  # every window moves to the day before
    (2 * HOUR, {"handoff": 0, "restrict_mode": 2, "periods": [(6 * DAY + 23 * HOUR, 7 * DAY)], "day_mask": None},
     (2 * HOUR, [(HOUR, 2 * HOUR)], None)),
    (DAY, {"handoff": 0, "restrict_mode": 0, "periods": [], "day_mask": [6]}, (DAY, [], [0])),
])
def test_shift_layer(delta, fields, moved):
    if moved is None:
        with pytest.raises(ValueError):
            shift_layer(delta, **fields)
    else:
        assert shift_layer(delta, **fields) == moved
        back = shift_layer(-delta, handoff=moved[0], restrict_mode=fields["restrict_mode"], periods=moved[1],
                           day_mask=moved[2])
        assert back == (fields["handoff"], fields["periods"], fields["day_mask"])


def test_fixed_delta():
    from zoneinfo import ZoneInfo
    assert fixed_delta(ZoneInfo("Asia/Tokyo"), ZoneInfo("Asia/Shanghai"), time.time()) == -HOUR
    assert fixed_delta(ZoneInfo("Europe/London"), ZoneInfo("Asia/Shanghai"), time.time()) is None


# --- refresh and adopt never break --------------------------------------------------------------------

def fixture_schedules() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path in sorted(FIXTURES.glob("*/*.json")):
        if "schedule" not in path.name or "request" in path.name:
            continue
        data = Envelope.model_validate(json.loads(path.read_text())).data
        items = data.get("items") if isinstance(data, dict) and "items" in data else [data]
        found += [(f"{path.parent.name}/{path.stem}", item) for item in items or [] if isinstance(item, dict)]
    return found


@pytest.mark.parametrize(("name", "item"), fixture_schedules(), ids=[name for name, _ in fixture_schedules()])
def test_every_official_schedule_body_reads_back(name, item):
    schedule = ScheduleItem.model_validate(item)
    canonical = schedule_from_wire(schedule, lambda pid, place: pid, time_zone="Asia/Shanghai")
    again = schedule_from_wire(schedule, lambda pid, place: pid, time_zone="Asia/Shanghai", previous=canonical)
    assert again == canonical  # reading the same answer again is no drift
    json.dumps(canonical)  # plain values only: what the engine can store


def variant(name: str) -> ScheduleItem:
    return ScheduleItem.model_validate(json.loads((FIXTURES / "variants" / f"{name}.json").read_text())["data"])


def read_variant(name: str) -> dict[str, Any]:
    return schedule_from_wire(variant(name), lambda pid, place: pid, time_zone="Asia/Shanghai")


def test_values_the_rules_refuse_are_kept_as_stored():
    assert "voice" in read_variant("variant_schedule_info_response_voice_channel")["notify"]["personal_channels"]
    assert read_variant("variant_schedule_info_response_rotation_48_hours")["layers"][0]["rotation_duration"] == "2d"
    assert read_variant("variant_schedule_info_response_rotation_duration_only")["layers"][0]["rotation_duration"] \
        == 1800
    assert read_variant("variant_schedule_info_response_restrict_mode_3")["layers"][0]["restrict_mode"] == 3
    webhooks = read_variant("variant_schedule_info_response_unknown_webhook_type")["notify"]["webhooks"]
    assert any(webhook["type"] not in ("feishu", "dingtalk", "wecom", "slack", "telegram", "zoom", "feishu_app",
                                       "dingtalk_app", "wecom_app", "teams_app", "slack_app") for webhook in webhooks)
    flat = read_variant("variant_schedule_info_response_flat_webhook")["notify"]["webhooks"]
    assert flat and all(webhook["token"] for webhook in flat)
    assert read_variant("variant_schedule_info_response_integration_id")["notify"]["webhooks"][0]["data_source_id"]


def test_unknown_fields_are_no_drift():
    plain = variant("variant_schedule_info_response_unknown_fields")
    read = schedule_from_wire(plain, lambda pid, place: pid, time_zone="Asia/Shanghai")
    stripped = ScheduleItem.model_validate(plain.model_dump())  # the same schedule without the extra fields
    assert schedule_from_wire(stripped, lambda pid, place: pid, time_zone="Asia/Shanghai") == read


def test_advance_in_time_absent_and_zero_round_trip():
    absent = read_variant("variant_schedule_info_response_advance_absent")["notify"]
    zero = variant("variant_schedule_info_response_advance_zero")
    assert absent is None or absent["advance_in_time"] is None
    # A server that answers 0 for both: the program's word stands, whichever it was.
    assert schedule_from_wire(zero, lambda pid, place: pid, time_zone="Asia/Shanghai",
                              previous={"notify": {"advance_in_time": "0s"}})["notify"]["advance_in_time"] == "0s"
    read = schedule_from_wire(zero, lambda pid, place: pid, time_zone="Asia/Shanghai", previous={"notify": None})
    assert read["notify"] is None or read["notify"]["advance_in_time"] is None


@pytest.mark.emulator(rate_limits=False)
def test_refresh_reads_a_voice_channel_set_by_hand_and_up_restores_the_program(emulator, connect):
    provider = connect()
    assert checked(provider, schedule(notify={"personal_channels": ["voice"]}))["notify"]["personal_channels"] == \
        ["voice"]  # written too, now that the newest specs name it
    inputs = checked(provider, schedule(notify={"personal_channels": ["sms"]}))
    created = provider.create(inputs)

    def by_hand(record: dict[str, Any]) -> None:
        record["notify"]["by"]["personal_channels"] = ["voice", "whatsapp"]
        record["layers"][0]["rotation_duration"] = 1800
        record["layers"][0]["rotation_unit"], record["layers"][0]["rotation_value"] = None, None

    emulator.ui.edit_schedule_raw(int(created.id), by_hand)
    read = provider.read(created.id, as_engine_sends(created.outs))
    assert read.outs["notify"]["personal_channels"] == ["voice", "whatsapp"]
    assert read.outs["layers"][0]["rotation_duration"] == 1800
    assert provider.diff(created.id, as_engine_sends(read.outs), inputs).changes is True  # real drift
    updated = provider.update(created.id, as_engine_sends(read.outs), inputs)
    assert updated.outs["notify"]["personal_channels"] == ["sms"] and updated.outs["layers"][0]["rotation_duration"] \
        == "1d"


# --- nothing dropped by mistake -----------------------------------------------------------------------

@pytest.mark.emulator(rate_limits=False)
def test_refresh_keeps_a_resource_when_billing_lapsed_and_drops_it_when_really_gone(emulator, connect):
    schedules, teams = connect(), connect(TeamProvider)
    schedule_ = schedules.create(checked(schedules, schedule()))
    team = teams.create(checked(teams, {"team_name": "Billing", "members": ["alice@example.com"]}))
    emulator.ui.lapse_billing()
    try:
        for provider, created in ((schedules, schedule_), (teams, team)):
            with pytest.raises(FlashdutyError, match="the account's plan has lapsed, so the state keeps the"):
                provider.read(created.id, as_engine_sends(created.outs))
            with pytest.raises(FlashdutyError, match="check billing in Flashduty"):
                provider.delete(created.id, as_engine_sends(created.outs))
    finally:
        emulator.ui.restore_billing()
    assert emulator.schedules() and emulator.teams()  # nothing was deleted or forgotten
    emulator.ui.delete_schedule(int(schedule_.id))
    assert schedules.read(schedule_.id, as_engine_sends(schedule_.outs)).id is None  # confirmed: dropped
    teams.delete(team.id, as_engine_sends(team.outs))
    teams.delete(team.id, as_engine_sends(team.outs))  # already gone, and /team/infos agrees
    assert teams.read(team.id, as_engine_sends(team.outs)).id is None


@pytest.mark.emulator(rate_limits=False)
def test_a_create_answered_with_id_0_is_a_failure_that_leaves_nothing(emulator, connect):
    provider = connect()
    emulator.faults.script("/schedule/create", "zero_id_after")
    with pytest.raises(CreateNotConfirmed):
        provider.create(checked(provider, schedule()))
    assert emulator.schedules() == []


# --- enable and disable -------------------------------------------------------------------------------

@pytest.mark.emulator(rate_limits=False)
def test_enabled_is_applied_and_a_schedule_disabled_by_hand_is_drift(emulator, connect):
    provider = connect()
    off = provider.create(checked(provider, schedule(schedule_name="Off", enabled=False)))
    assert emulator.schedule(int(off.id))["disabled"] == 1 and off.outs["enabled"] is False
    inputs = checked(provider, schedule())
    on = provider.create(inputs)
    assert emulator.schedule(int(on.id))["disabled"] == 0
    emulator.ui.disable_schedule(int(on.id))
    read = provider.read(on.id, as_engine_sends(on.outs))
    assert read.inputs["enabled"] is False
    assert provider.diff(on.id, as_engine_sends(read.outs), inputs).changes is True
    provider.update(on.id, as_engine_sends(read.outs), inputs)
    assert emulator.schedule(int(on.id))["disabled"] == 0


# --- stable outputs -----------------------------------------------------------------------------------

@pytest.mark.emulator(rate_limits=False)
def test_on_call_outputs_carry_the_shifts_own_bounds_and_stay_stable(emulator, connect):
    provider = connect()
    start = int(time.time()) // DAY * DAY - 3 * DAY
    created = provider.create(checked(provider, schedule(daily("alice@example.com", "bob@example.com",
                                                               start=start), upcoming_shift_count=3)))
    current = created.outs["current_oncall"]
    assert (current["start"] - start) % DAY == 0 and current["end"] - current["start"] == DAY
    assert [shift["start"] for shift in created.outs["upcoming_shifts"]] == [current["start"] + i * DAY
                                                                               for i in range(3)]
    assert created.outs["next_oncall"] == created.outs["upcoming_shifts"][1]
    none_listed = provider.read(created.id, as_engine_sends({**created.outs, "upcoming_shift_count": 0})).outs
    assert none_listed["upcoming_shifts"] == [] and none_listed["next_oncall"] == created.outs["next_oncall"]
    time.sleep(1.1)
    again = provider.read(created.id, as_engine_sends(created.outs)).outs
    assert again["current_oncall"] == current and again["upcoming_shifts"] == created.outs["upcoming_shifts"]


@pytest.mark.emulator(rate_limits=False)
def test_a_shift_that_began_before_the_window_read_keeps_its_real_start(emulator, connect):
    provider = connect()
    start = int(time.time()) // DAY * DAY - 40 * DAY
    layer = {"layer_start": start, "rotation_unit": "month", "rotation_value": 2,
             "groups": ["alice@example.com", "bob@example.com"]}
    created = provider.create(checked(provider, schedule(layer)))
    assert created.outs["current_oncall"]["start"] == start
    assert created.outs["current_oncall"]["emails"] == ["alice@example.com"]


@pytest.mark.emulator(rate_limits=False)
def test_an_update_sends_back_what_no_input_states(emulator, connect):
    provider = connect()
    inputs = checked(provider, schedule(notify={"personal_channels": ["sms"]}))
    created = provider.create(inputs)

    def by_hand(record: dict[str, Any]) -> None:
        record["layers"][0]["hidden"] = 1
        record["notify"]["im"] = {"dingtalk": "legacy-token"}

    emulator.ui.edit_schedule_raw(int(created.id), by_hand)
    read = provider.read(created.id, as_engine_sends(created.outs))
    assert provider.diff(created.id, as_engine_sends(read.outs), inputs).changes is False  # no drift by itself
    provider.update(created.id, as_engine_sends(read.outs), {**inputs, "description": "changed"})
    stored = emulator.schedule(int(created.id))
    assert stored["description"] == "changed"
    assert stored["layers"][0]["hidden"] == 1 and stored["notify"]["im"] == {"dingtalk": "legacy-token"}


@pytest.mark.emulator(rate_limits=False)
def test_updating_a_team_deleted_by_hand_says_so(emulator, connect):
    teams = connect(TeamProvider)
    inputs = checked(teams, {"team_name": "Gone", "members": ["alice@example.com"]})
    created = teams.create(inputs)
    teams.client.delete_team(team_id=int(created.id))
    with pytest.raises(FlashdutyError, match=r"team 'Gone' \(team_id \d+\) was deleted outside Pulumi"):
        teams.update(created.id, as_engine_sends(created.outs), {**inputs, "description": "x"})
