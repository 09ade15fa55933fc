"""get_team, get_member, get_schedule and who_is_on_call: in a program (plain values and Outputs,
through flashcat_pulumi.testing) and on their own, against the emulator."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timezone

import pulumi
import pulumi.runtime
import pytest

import flashcat_pulumi as fd
from flashcat_pulumi.emulator import Emulator
from flashcat_pulumi.testing import UNKNOWN, Stack

ALICE, BOB, CAROL = "alice@example.com", "bob@example.com", "carol@example.com"
CHRISTMAS_NOON = "2026-12-25T12:00"  # Asia/Shanghai, the emulator's account zone
FIRST_WEEK = "2026-12-01T12:00+08:00"  # Alice's week
SECOND_WEEK = datetime(2026, 12, 8, 4, tzinfo=timezone.utc)  # Bob's week


def program() -> None:
    sre = fd.Team("sre", team_name="SRE", description="Site reliability", members=[ALICE, BOB, CAROL])
    primary = fd.Schedule(
        "primary", schedule_name="SRE primary", team_id=sre.team_id, time_zone="Asia/Shanghai",
        layers=[fd.Layer(layer_name="weekly", layer_start="2026-11-30T09:00", rotation_duration="1w",
                         handoff_time="mon 09:00", groups=[[ALICE], [BOB]])],
        overrides=[fd.Override(name="Christmas", start="2026-12-24T00:00", end="2026-12-26T00:00", person=CAROL)])
    # Outputs in, Outputs out: computed once the resources exist.
    team = fd.get_team(team_id=sre.team_id)
    pulumi.export("team_members", team.members)
    pulumi.export("schedule_team", fd.get_schedule(schedule_id=primary.schedule_id).team_id)
    pulumi.export("christmas", fd.who_is_on_call(primary.schedule_id, at=CHRISTMAS_NOON))
    pulumi.export("schedule_next", primary.next_oncall)
    # Plain values: read at once, from the stack's config (the emulator's key and URL).
    pulumi.export("alice_id", fd.get_member(email="Alice@Example.com").person_id)


@pytest.fixture(scope="module")
def deployed() -> Iterator[tuple[Emulator, Stack]]:
    with Emulator(app_key="lookups-key") as emu, Stack(program, emu) as stack:
        stack.up()
        yield emu, stack
        stack.destroy()


@pytest.fixture()
def config(deployed: tuple[Emulator, Stack]) -> Iterator[Emulator]:
    """The stack config a program sees, for lookups called outside one."""
    emu, _ = deployed
    pulumi.runtime.set_all_config({"flashduty:appKey": emu.app_key, "flashduty:baseUrl": emu.base_url},
                                  ["flashduty:appKey"])
    yield emu
    pulumi.runtime.set_all_config({})


def ids(emu: Emulator) -> tuple[int, int]:
    [team], [schedule] = emu.teams(), emu.schedules()
    return team["team_id"], schedule["schedule_id"]


# --- in a program ----------------------------------------------------------------------------------

def test_lookups_in_a_program_take_outputs_and_plain_values(deployed):
    emu, stack = deployed
    team_id, _ = ids(emu)
    people = {person["email"]: person["person_id"] for person in emu.people()}
    assert list(stack.outputs["team_members"]) == [ALICE, BOB, CAROL]
    assert stack.outputs["schedule_team"] == team_id
    assert stack.outputs["christmas"]["emails"] == [CAROL]  # the override, not Bob's week
    assert stack.outputs["alice_id"] == people[ALICE]


def test_lookups_of_resources_not_created_yet_are_unknown_in_a_preview():
    with Emulator(app_key="lookups-preview") as emu, Stack(program, emu) as stack:
        planned = stack.preview()
    assert planned.steps == {"sre": "create", "primary": "create"}
    assert planned.exports["team_members"] is UNKNOWN
    assert planned.exports["christmas"] is UNKNOWN
    assert isinstance(planned.exports["alice_id"], int)  # a plain lookup runs in a preview too


def test_a_lookup_that_matches_nothing_fails_the_program_with_one_line(deployed):
    emu, _ = deployed

    def missing_team() -> None:
        fd.Schedule("orphan", schedule_name="Orphan", team_id=fd.get_team(name="SER").team_id,
                    layers=[fd.Layer(layer_start="2026-11-30T09:00", rotation_duration="1w", groups=[[ALICE]])])

    with Stack(missing_team, emu) as stack, pytest.raises(fd.NoMatch) as raised:
        stack.preview()
    assert str(raised.value) == "get_team(name='SER'): no team is named 'SER'; did you mean 'SRE'?"
    assert ids(emu)  # nothing was created or deleted


# --- on their own ----------------------------------------------------------------------------------

def test_get_team_by_name_and_by_id(config):
    team_id, _ = ids(config)
    by_name = fd.get_team(name="SRE")
    assert isinstance(by_name, fd.TeamInfo)
    assert by_name == fd.get_team(team_id=team_id) == fd.get_team(team_id=str(team_id))
    assert (by_name.team_name, by_name.description, by_name.members) == ("SRE", "Site reliability",
                                                                         (ALICE, BOB, CAROL))
    assert len(by_name.person_ids) == 3


def test_get_schedule_by_name_and_by_id(config):
    team_id, schedule_id = ids(config)
    found = fd.get_schedule(name="SRE primary")
    assert found == fd.ScheduleInfo(schedule_id=schedule_id, schedule_name="SRE primary", description="",
                                    team_id=team_id, enabled=True)
    assert fd.get_schedule(schedule_id=schedule_id) == found


def test_get_member_gives_the_verified_person_id(config):
    alice = fd.get_member(email=ALICE)
    [person] = [person for person in config.people() if person["email"] == ALICE]
    assert alice == fd.MemberInfo(person_id=person["person_id"], name="Alice Chen", email=ALICE,
                                  time_zone=alice.time_zone)


def test_get_member_where_member_ids_are_not_person_ids_finds_the_person_in_a_team():
    with Emulator(app_key="distinct", member_ids="distinct") as emu:
        people = {person["email"]: person for person in emu.people()}
        pulumi.runtime.set_all_config({"flashduty:appKey": emu.app_key, "flashduty:baseUrl": emu.base_url})
        try:
            with pytest.raises(fd.PersonMismatch, match=r"bob@example\.com"):  # in no team: never a guess
                fd.get_member(email=BOB)
            with fd.FlashdutyClient(app_key=emu.app_key, base_url=emu.base_url) as client:
                client.upsert_team({"team_name": "Ops", "person_ids": [people[BOB]["person_id"]]})
            bob = fd.get_member(email=BOB)
        finally:
            pulumi.runtime.set_all_config({})
    assert bob.person_id == people[BOB]["person_id"] != people[BOB]["member_id"]


@pytest.mark.parametrize(("at", "emails"), [
    (FIRST_WEEK, [ALICE]),
    (SECOND_WEEK, [BOB]),
    (CHRISTMAS_NOON, [CAROL]),  # no offset: the account's zone
    (int(datetime(2026, 12, 25, 4, tzinfo=timezone.utc).timestamp()), [CAROL]),
])
def test_who_is_on_call_at(config, at, emails):
    _, schedule_id = ids(config)
    shift = fd.who_is_on_call(schedule_id, at=at)
    assert isinstance(shift, fd.OnCall)
    assert shift.emails == emails and shift.primary == emails


def test_who_is_on_call_gives_the_shifts_own_bounds(config):
    _, schedule_id = ids(config)
    shift = fd.who_is_on_call(schedule_id, at=FIRST_WEEK)
    assert (shift.start, shift.end) == (int(datetime.fromisoformat("2026-11-30T09:00+08:00").timestamp()),
                                        int(datetime.fromisoformat("2026-12-07T09:00+08:00").timestamp()))


def test_who_is_on_call_agrees_with_the_schedules_own_outputs_to_the_type(deployed, config):
    """The resource's next_oncall came through the engine (numbers as floats on the wire): the
    output types make them ints again, down to the role slots."""
    _, stack = deployed
    _, schedule_id = ids(config)
    planned = stack.outputs["schedule_next"]
    looked_up = fd.who_is_on_call(schedule_id, at=planned["start"])
    assert planned == json.loads(json.dumps(looked_up))  # an export is plain JSON
    [slot] = planned["roles"]
    assert [type(pid) for pid in slot["person_ids"]] == [int] and type(slot["role_id"]) is int


def test_who_is_on_call_before_the_rotation_starts_is_nobody(config):
    _, schedule_id = ids(config)
    assert fd.who_is_on_call(schedule_id, at="2026-11-29T12:00") is None


def test_who_is_on_call_now_by_default(config):
    _, schedule_id = ids(config)
    now = int(datetime.now(timezone.utc).timestamp())
    assert fd.who_is_on_call(schedule_id) == fd.who_is_on_call(schedule_id, at=now)


@pytest.mark.parametrize(("call", "message"), [
    (lambda: fd.get_team(name="Platform"), "get_team(name='Platform'): no team is named 'Platform'"),
    (lambda: fd.get_team(team_id=999), "get_team(team_id=999): no team has team_id 999"),
    (lambda: fd.get_schedule(name="SRE primery"),
     "get_schedule(name='SRE primery'): no schedule is named 'SRE primery'; did you mean 'SRE primary'?"),
    (lambda: fd.get_schedule(schedule_id=999), "get_schedule(schedule_id=999): no schedule has schedule_id 999"),
    (lambda: fd.get_member(email="zoe@example.com"),
     "get_member(email='zoe@example.com'): no member of this account has that email"),
    (lambda: fd.who_is_on_call(999), "who_is_on_call(999): no schedule has schedule_id 999"),
])
def test_nothing_matching_is_one_clear_error(config, call, message):
    with pytest.raises(fd.NoMatch) as raised:
        call()
    assert str(raised.value) == message
    assert config.app_key not in str(raised.value)


@pytest.mark.parametrize(("call", "message"), [
    (lambda: fd.get_team(), "get_team: give exactly one of name= or team_id="),
    (lambda: fd.get_team(name="SRE", team_id=1), "get_team: give exactly one of name= or team_id= (got name, team_id)"),
    (lambda: fd.get_schedule(), "get_schedule: give exactly one of name= or schedule_id="),
    (lambda: fd.get_member(email=None), "get_member: give email="),
    (lambda: fd.get_team(team_id=-3), "get_team(team_id=-3): team_id must be a positive whole number"),
    (lambda: fd.get_team(name="  "), "get_team(name='  '): name must be a non-empty string"),
    (lambda: fd.get_member(email="alice"), "get_member(email='alice'): email must be a person id"),
    (lambda: fd.who_is_on_call(1, at="soon"), "who_is_on_call(1, at='soon'): at must be epoch seconds"),
])
def test_bad_arguments_name_the_argument(config, call, message):
    with pytest.raises(ValueError) as raised:
        call()
    assert str(raised.value).startswith(message)


def test_lookups_read_the_environment_outside_a_stack(deployed, monkeypatch):
    emu, _ = deployed
    pulumi.runtime.set_all_config({})
    monkeypatch.setenv("FLASHDUTY_APP_KEY", emu.app_key)
    monkeypatch.setenv("FLASHDUTY_BASE_URL", emu.base_url)
    assert fd.get_team(name="SRE").team_name == "SRE"


def test_lookups_without_an_app_key_say_how_to_give_one(monkeypatch):
    pulumi.runtime.set_all_config({})
    monkeypatch.delenv("FLASHDUTY_APP_KEY", raising=False)
    with pytest.raises(fd.ConfigurationError, match="pulumi config set --secret flashduty:appKey"):
        fd.get_team(name="SRE")

