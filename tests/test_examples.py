"""Every program in examples/ runs against the emulator, and does the job its docstring promises."""

from __future__ import annotations

import json
import runpy
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from flashcat_pulumi import FlashdutyClient
from flashcat_pulumi.emulator import DEFAULT_PEOPLE, Emulator
from flashcat_pulumi.testing import Stack

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
KEY = "examples-test-key"

EMAIL = {person.person_id: person.email for person in DEFAULT_PEOPLE}
HOUR = 3600
UTC, SHANGHAI = ZoneInfo("UTC"), ZoneInfo("Asia/Shanghai")
ON_CALL = ("current_oncall", "next_oncall", "upcoming_shifts")
"""Outputs computed from the clock: a refresh across a hand-off changes them, and that is no drift."""


def test_client_tour(capsys):
    runpy.run_path(str(EXAMPLES / "client_tour.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "team 'SRE' created" in out
    assert "on call now: " in out
    assert "Carol Wang" in out  # the holiday override
    assert "create survived a lost reply" in out and "1 copy on the server" in out
    assert "still referenced by schedule 'SRE primary'" in out
    assert "cleaned up" in out


def test_quickstart_program_up_preview_destroy():
    with Emulator(app_key=KEY) as emu, Stack(EXAMPLES / "quickstart", emu) as stack:
        result = stack.up()
        assert result.steps == {"sre": "create", "sre-primary": "create"}
        [schedule] = emu.schedules()
        assert result.exports["schedule_id"] == schedule["schedule_id"]
        assert schedule["team_id"] == result.exports["team_id"]
        assert [layer["layer_name"] for layer in schedule["layers"]] == ["weekly", "pulumi: Christmas"]
        assert stack.preview().steps == {"sre": "same", "sre-primary": "same"}
        stack.destroy()
        assert emu.schedules() == [] and emu.teams() == []


# --- who Flashduty puts on call --------------------------------------------------------------------

Roles = dict[int, list[str]]
"""Who holds which role in a shift: role_id (0 primary, 1 backup) to emails."""


def shifts(client: FlashdutyClient, schedule_id: int, start: datetime, end: datetime) -> list[tuple[int, int, Roles]]:
    """``(start, end, {role_id: emails})`` of every shift the server computes in ``[start, end)``."""
    item = client.get_schedule(schedule_id, start=int(start.timestamp()), end=int(end.timestamp()))
    assert item.final_schedule is not None
    return [(shift.start, shift.end, {slot.role_id: sorted(EMAIL[pid] for pid in slot.person_ids)
                                      for slot in shift.group.members})
            for shift in item.final_schedule.schedules]


def on_call_at(client: FlashdutyClient, schedule_id: int, when: datetime) -> Roles:
    """Who holds which role at ``when`` (role_id to emails); empty when nobody is on call."""
    at = int(when.timestamp())
    covering = [roles for start, end, roles in shifts(client, schedule_id, when, when + timedelta(hours=1))
                if start <= at < end]
    assert len(covering) <= 1, covering
    return covering[0] if covering else {}


def the_schedule(emu: Emulator) -> dict:
    [schedule] = emu.schedules()
    return schedule


# --- what each example is for ----------------------------------------------------------------------

def follow_the_sun_covers_the_day_by_region(stack: Stack, emu: Emulator, client: FlashdutyClient) -> None:
    schedule_id = the_schedule(emu)["schedule_id"]
    assert stack.outputs["zone_offset"] == "+8h"  # UTC on the emulator's Asia/Shanghai account: no dst needed
    day = datetime(2026, 12, 2, tzinfo=UTC)  # a Wednesday
    cover = shifts(client, schedule_id, day, day.replace(day=3))
    # Three shifts end to end from 00:00 to 24:00 UTC: no gap, no overlap.
    assert [(start - int(day.timestamp())) // HOUR for start, _, _ in cover] == [0, 8, 16]
    assert all(end == after for (_, end, _), (after, _, _) in pairwise(cover))
    assert cover[-1][1] == int(day.timestamp()) + 24 * HOUR
    for week, people in ((day, ("alice", "carol", "erin")), (day.replace(day=9), ("bob", "dave", "frank"))):
        for hour, person in zip((3, 12, 20), people, strict=True):  # APAC, EMEA, Americas working hours
            assert on_call_at(client, schedule_id, week.replace(hour=hour)) == {0: [f"{person}@example.com"]}


def primary_backup_pairs_on_weekdays_one_on_weekends(stack: Stack, emu: Emulator, client: FlashdutyClient) -> None:
    schedule = the_schedule(emu)
    business = schedule["layers"][0]
    assert [[(slot["role_id"], [EMAIL[pid] for pid in slot["person_ids"]]) for slot in group["members"]]
            for group in business["groups"]] == [
        [(0, ["alice@example.com"]), (1, ["carol@example.com"])],
        [(0, ["bob@example.com"]), (1, ["alice@example.com"])],
        [(0, ["carol@example.com"]), (1, ["bob@example.com"])],
    ]
    schedule_id = schedule["schedule_id"]

    def at(*when: int) -> Roles:
        return on_call_at(client, schedule_id, datetime(*when, tzinfo=SHANGHAI))

    assert at(2026, 12, 2, 10) == {0: ["alice@example.com"], 1: ["carol@example.com"]}  # Wednesday morning
    assert at(2026, 12, 2, 20) == {}  # weekday nights are uncovered
    assert at(2026, 12, 5, 12) == {0: ["dave@example.com"]}  # Saturday
    assert at(2026, 12, 7, 8) == {0: ["dave@example.com"]}  # ... until Monday 09:00
    assert at(2026, 12, 7, 9) == {0: ["bob@example.com"], 1: ["alice@example.com"]}
    assert at(2026, 12, 11, 19) == {0: ["erin@example.com"]}  # the next weekend starts Friday 18:00


def holidays_are_covered_by_the_volunteers(stack: Stack, emu: Emulator, client: FlashdutyClient) -> None:
    schedule_id = the_schedule(emu)["schedule_id"]

    def at(*when: int) -> list[str] | None:
        return on_call_at(client, schedule_id, datetime(*when, tzinfo=SHANGHAI)).get(0)

    assert at(2026, 12, 31, 17) == ["bob@example.com"]  # the rotation, until New Year's Eve 18:00
    assert at(2027, 1, 1, 12) == ["dave@example.com"]
    assert at(2027, 1, 4, 10) == ["carol@example.com"]  # back to the rotation
    assert at(2027, 2, 7, 12) == ["erin@example.com"]
    assert at(2027, 2, 10, 12) == ["dave@example.com", "frank@example.com"]
    assert at(2027, 2, 13, 10) == ["bob@example.com"]


TOKENS = {"feishuToken": "feishu-robot-token-4f1c", "dingtalkToken": "dingtalk-access-token-9a2e",
          "dingtalkSignSecret": "SEC-dingtalk-sign-secret-77d0", "slackToken": "slack-robot-token-03b8"}


def plaintext(values: Mapping[str, Any], secret_keys: Iterable[str], needles: Iterable[str]) -> list[str]:
    """The keys of ``values`` that hold one of ``needles`` without being secret."""
    secret = set(secret_keys)
    return [key for key, value in values.items()
            if key not in secret and any(needle in json.dumps(value) for needle in needles)]


def notifications_reach_flashduty_and_tokens_stay_secret(stack: Stack, emu: Emulator,
                                                         client: FlashdutyClient) -> None:
    notify = the_schedule(emu)["notify"]
    assert notify["advance_in_time"] == 30 * 60 and notify["fixed_time"] == {"cycle": "day", "start": "09:00"}
    assert notify["by"]["personal_channels"] == ["email", "sms"]
    assert [(hook["type"], hook["settings"]["token"], hook["settings"]["sign_secret"])
            for hook in notify["webhooks"]] == [
        ("feishu", TOKENS["feishuToken"], ""),
        ("dingtalk", TOKENS["dingtalkToken"], TOKENS["dingtalkSignSecret"]),
        ("slack", TOKENS["slackToken"], ""),
    ]
    schedule = stack.state["data-on-call"]
    assert "notify" in schedule.secret_inputs and "notify" in schedule.secret_outputs
    for entry in stack.state.values():
        assert plaintext(entry.inputs, entry.secret_inputs, TOKENS.values()) == []
        assert plaintext(entry.outputs, entry.secret_outputs, TOKENS.values()) == []
    assert plaintext(stack.outputs, stack.last.secret_exports, TOKENS.values()) == []


# --- the lifecycle every example goes through ------------------------------------------------------

@dataclass(frozen=True)
class Example:
    """A project under examples/: its resources by name, what it is for, and its stack config."""

    directory: str
    resources: tuple[str, ...]
    does_its_job: Callable[[Stack, Emulator, FlashdutyClient], None]
    config: Mapping[str, str] = field(default_factory=dict)
    secrets: tuple[str, ...] = ()


NEW_EXAMPLES = [
    Example("follow-the-sun", ("team-apac", "team-emea", "team-americas", "follow-the-sun"),
            follow_the_sun_covers_the_day_by_region),
    Example("primary-backup", ("payments", "payments-on-call"), primary_backup_pairs_on_weekdays_one_on_weekends),
    Example("holidays", ("platform", "platform-on-call"), holidays_are_covered_by_the_volunteers),
    Example("notifications", ("data", "data-on-call"), notifications_reach_flashduty_and_tokens_stay_secret,
            config=TOKENS, secrets=tuple(TOKENS)),
]


@pytest.mark.parametrize("example", NEW_EXAMPLES, ids=[example.directory for example in NEW_EXAMPLES])
def test_example_deploys_does_its_job_stays_put_and_cleans_up(example: Example) -> None:
    with (Emulator(app_key=KEY) as emu,
          Stack(EXAMPLES / example.directory, emu, config=example.config, secrets=example.secrets) as stack,
          FlashdutyClient(base_url=emu.base_url, app_key=KEY) as client):
        assert stack.up().steps == dict.fromkeys(example.resources, "create")
        assert stack.outputs["schedule_id"] == the_schedule(emu)["schedule_id"]
        example.does_its_job(stack, emu, client)

        assert stack.preview().steps == dict.fromkeys(example.resources, "same")
        deployed = stack.state
        refreshed = stack.refresh()
        assert refreshed.steps == dict.fromkeys(example.resources, "read")
        for name, entry in stack.state.items():  # what the server holds reads back as deployed: no drift
            before = deployed[name]
            assert (entry.id, entry.inputs) == (before.id, before.inputs)
            assert {key: value for key, value in entry.outputs.items() if key not in ON_CALL} == \
                {key: value for key, value in before.outputs.items() if key not in ON_CALL}
        assert stack.preview().steps == dict.fromkeys(example.resources, "same")

        stack.destroy()
        assert emu.schedules() == [] and emu.teams() == []
