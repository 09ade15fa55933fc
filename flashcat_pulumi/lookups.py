"""Lookups for programs: existing Flashduty objects by name or id, as Terraform's data sources give them.

    team = fd.get_team(name="SRE")                       # a TeamInfo, read while the program runs
    fd.Schedule("db", schedule_name="DB", team_id=team.team_id, layers=[...])
    alice = fd.get_member(email="alice@example.com")     # a MemberInfo: her verified person_id
    now = fd.who_is_on_call(primary.schedule_id)         # an Output[OnCall | None]: an Output went in

Each takes plain values or ``pulumi.Output``\\s. Given plain values it calls the API at once and
returns the typed result; given an Output it returns an Output of the result, computed when the
Output's value is known (never during a preview of a resource not created yet, where the value is
unknown: Pulumi shows it as ``output<...>``). Nothing matching raises :class:`NoMatch`, one line
naming the lookup and what was not found.

They use the stack's provider settings, read in the program's process: ``flashduty:appKey`` and
``flashduty:baseUrl`` (else ``FLASHDUTY_APP_KEY`` and ``FLASHDUTY_BASE_URL``), as the resources do.
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pulumi
import pulumi.runtime

from flashcat_pulumi.client import FlashdutyClient
from flashcat_pulumi.config import Settings
from flashcat_pulumi.errors import NoMatch, NotFound, PersonMismatch, UnknownPeople
from flashcat_pulumi.identity import Directory
from flashcat_pulumi.resources._base import connection
from flashcat_pulumi.resources._forms import DAY, FormError, parse_instant, parse_person, read_wall_clock
from flashcat_pulumi.resources.schedule import OnCall, RoleSlot, on_call
from flashcat_pulumi.wire import ScheduleItem, TeamItem

__all__ = ["MemberInfo", "ScheduleInfo", "TeamInfo", "get_member", "get_schedule", "get_team", "who_is_on_call"]

_T = TypeVar("_T")

SHIFT_WINDOW = 22 * DAY
"""How far either side of ``at`` :func:`who_is_on_call` reads: together just under the API's 45-day
window, so a shift's ``start`` and ``end`` are its own unless it runs further than this."""

_SUGGESTIONS = 3


@dataclass(frozen=True)
class TeamInfo:
    """A team as it is in Flashduty. ``members``: each person's email (a person without one: their
    person id), in the team's order; ``person_ids``: the same people's ids."""

    team_id: int
    team_name: str
    description: str
    members: tuple[str | int, ...]
    person_ids: tuple[int, ...]
    ref_id: str


@dataclass(frozen=True)
class MemberInfo:
    """A person of the account: ``person_id`` is the id schedules and teams hold, verified against
    ``/person/infos`` (a member id is not always a person id); ``time_zone`` is their own, if set."""

    person_id: int
    name: str
    email: str
    time_zone: str


@dataclass(frozen=True)
class ScheduleInfo:
    """A schedule as it is in Flashduty (``team_id`` ``None``: it belongs to no team)."""

    schedule_id: int
    schedule_name: str
    description: str
    team_id: int | None
    enabled: bool


def get_team(*, name: Any = None, team_id: Any = None) -> TeamInfo | pulumi.Output[TeamInfo]:
    """The team named ``name`` (exactly) or with id ``team_id``: give one of them."""
    _exactly_one("get_team", name=name, team_id=team_id)
    return _lifted(_team, name=name, team_id=team_id)


def get_member(*, email: Any) -> MemberInfo | pulumi.Output[MemberInfo]:
    """The person of the account with this email (any case). Where member ids are not person ids,
    the person is found among the teams' people; one in no team raises :class:`PersonMismatch`."""
    _exactly_one("get_member", email=email)
    return _lifted(_member, email=email)


def get_schedule(*, name: Any = None, schedule_id: Any = None) -> ScheduleInfo | pulumi.Output[ScheduleInfo]:
    """The schedule named ``name`` (exactly) or with id ``schedule_id``: give one of them."""
    _exactly_one("get_schedule", name=name, schedule_id=schedule_id)
    return _lifted(_schedule, name=name, schedule_id=schedule_id)


def who_is_on_call(schedule_id: Any, at: Any = None) -> OnCall | pulumi.Output[OnCall | None] | None:
    """Who the schedule puts on call at ``at`` (default: now), as Flashduty computes it, with every
    layer and override: an :class:`OnCall` (``emails``, ``primary``, ``backup``, the shift's ``start``
    and ``end``), or ``None`` when nobody is. ``at``: epoch seconds, an aware ``datetime``, or an ISO
    time (``"2026-12-25T03:00"`` without an offset is read in the account's zone)."""
    _exactly_one("who_is_on_call", schedule_id=schedule_id)
    return _lifted(_on_call_at, schedule_id=schedule_id, at=at)


# --- the lookups, on plain values ----------------------------------------------------------------

def _team(name: str | None, team_id: Any) -> TeamInfo:
    client, directory = _connection()

    def by_id(lookup: str, team_id: int) -> TeamItem:
        try:
            return client.get_team(team_id=team_id)
        except NotFound:
            raise NoMatch(lookup, f"no team has team_id {team_id}") from None

    found = _by_name_or_id("team", name, team_id, find=client.find_team, get=by_id,
                           names=lambda: (team.team_name for team in client.list_teams()))
    emails = directory.emails(found.person_ids)
    return TeamInfo(team_id=found.team_id, team_name=found.team_name, description=found.description,
                    members=tuple(emails.get(pid, pid) for pid in found.person_ids),
                    person_ids=tuple(found.person_ids), ref_id=found.ref_id)


def _member(email: str) -> MemberInfo:
    client, directory = _connection()
    lookup = f"get_member(email={email!r})"
    try:
        ref = parse_person(_text(lookup, "email", email))
    except FormError as error:
        raise ValueError(f"{lookup}: email {error}") from None
    if not isinstance(ref, str):
        raise ValueError(f"{lookup}: email must be an email address, got a person id")
    try:
        try:
            person_id = directory.person_ids([ref])[ref]
        except PersonMismatch:
            # Member ids are not person ids in this account: the teams' people are persons by id, and
            # one of them returned with this email is the answer (verified, never guessed).
            directory.emails(pid for team in client.list_teams() for pid in team.person_ids)
            person_id = directory.person_ids([ref])[ref]
    except UnknownPeople:
        raise NoMatch(lookup, "no member of this account has that email") from None
    person = directory.person(person_id)  # verified just now, so known
    assert person is not None
    return MemberInfo(person_id=person.person_id, name=person.person_name, email=person.email.lower(),
                      time_zone=person.time_zone)


def _schedule(name: str | None, schedule_id: Any) -> ScheduleInfo:
    client, _ = _connection()
    found = _by_name_or_id("schedule", name, schedule_id, find=client.find_schedule,
                           get=lambda lookup, schedule_id: _stored_schedule(client, lookup, schedule_id),
                           names=lambda: (item.schedule_name for item in client.list_schedules()))
    return ScheduleInfo(schedule_id=found.schedule_id, schedule_name=found.schedule_name,
                        description=found.description, team_id=found.team_id or None, enabled=not found.disabled)


def _on_call_at(schedule_id: Any, at: Any) -> OnCall | None:
    client, directory = _connection()
    lookup = f"who_is_on_call({schedule_id!r}" + ("" if at is None else f", at={at!r}") + ")"
    schedule_id = _id(lookup, "schedule_id", schedule_id)
    instant = _instant(lookup, at, directory)
    _stored_schedule(client, lookup, schedule_id)  # infos says plainly whether it exists; info's errors may not
    read = client.get_schedule(schedule_id, start=instant - SHIFT_WINDOW, end=instant + SHIFT_WINDOW)
    shifts = read.final_schedule.schedules if read.final_schedule else []
    shift = next((shift for shift in shifts if shift.start <= instant < shift.end), None)
    if shift is None:
        return None
    found = on_call(shift, directory.emails(shift.group.person_ids))
    return OnCall(**{**found, "roles": [RoleSlot(**slot) for slot in found["roles"]]})


# --- shared parts --------------------------------------------------------------------------------

def _lifted(lookup: Callable[..., _T], **arguments: Any) -> _T | pulumi.Output[_T]:
    """``lookup(**arguments)`` now, or as an Output when any argument is an Output (or awaitable)."""
    if any(isinstance(value, pulumi.Output) or inspect.isawaitable(value) for value in arguments.values()):
        return pulumi.Output.all(**arguments).apply(lambda values: lookup(**values))
    return lookup(**arguments)


def _by_name_or_id(kind: str, name: str | None, object_id: Any, *, find: Callable[[str], _T | None],
                   get: Callable[[str, int], _T], names: Callable[[], Iterable[str]]) -> _T:
    """The object named ``name`` (``find``; else :class:`NoMatch` suggesting close ``names``), or
    the one with id ``object_id`` (``get``, which raises :class:`NoMatch` itself)."""
    if name is None:
        lookup = f"get_{kind}({kind}_id={object_id!r})"
        return get(lookup, _id(lookup, f"{kind}_id", object_id))
    lookup = f"get_{kind}(name={name!r})"
    found = find(_text(lookup, "name", name))
    if found is None:
        raise NoMatch(lookup, f"no {kind} is named {name!r}{_did_you_mean(name, names())}")
    return found


def _exactly_one(lookup: str, **arguments: Any) -> None:
    given = [name for name, value in arguments.items() if value is not None]
    if len(given) != 1:
        names = " or ".join(f"{name}=" for name in arguments)
        raise ValueError(f"{lookup}: give {'exactly one of ' if len(arguments) > 1 else ''}{names}"
                         + (f" (got {', '.join(given)})" if given else ""))


def _connection() -> tuple[FlashdutyClient, Directory]:
    """The provider's process-wide client, with the stack's settings as the program sees them."""
    return connection(Settings.resolve(pulumi.runtime.get_config))


def _text(lookup: str, field: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{lookup}: {field} must be a non-empty string")
    return value


def _id(lookup: str, field: str, value: Any) -> int:
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)  # a resource's id as the engine holds it
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{lookup}: {field} must be a positive whole number")
    return value


def _stored_schedule(client: FlashdutyClient, lookup: str, schedule_id: int) -> ScheduleItem:
    found = client.get_schedules([schedule_id])
    if not found:
        raise NoMatch(lookup, f"no schedule has schedule_id {schedule_id}")
    return found[0]


def _instant(lookup: str, at: Any, directory: Directory) -> int:
    """Epoch seconds of ``at`` (now when ``None``); a wall-clock time is read in the account's zone."""
    if at is None:
        return int(datetime.now().timestamp())
    try:
        parsed = parse_instant(at)
        if isinstance(parsed, int):
            return parsed
        zone_name = directory.account().account_time_zone
        try:
            zone = ZoneInfo(zone_name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{lookup}: at {at!r} has no UTC offset and the account's time zone "
                             f"({zone_name!r}) is not one this machine knows; give an offset") from None
        return read_wall_clock(parsed, zone)
    except FormError as error:
        raise ValueError(f"{lookup}: at {error}") from None


def _did_you_mean(name: str, names: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(names), n=_SUGGESTIONS, cutoff=0.6)
    return f"; did you mean {' or '.join(repr(found) for found in close)}?" if close else ""
