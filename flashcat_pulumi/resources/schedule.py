"""``Schedule``: a Flashduty on-call schedule, from the program's arguments to the API and back.

One file holds the whole resource, in the order data flows:

* the typed helpers a program builds inputs with (:class:`Layer`, :class:`Group`, :class:`Override`,
  :class:`Notify`, :class:`Webhook`) and the :class:`OnCall` output;
* :class:`ScheduleArgs` and its parts: the pydantic model of the inputs, the single home of their
  rules; it reads every friendly form, the API's own shapes and the canonical form, and renders the
  canonical form Pulumi stores and shows in diffs (instants as ISO 8601 in the schedule's zone,
  ``"1w"``, ``"mon 09:00"``, ``"09:00-18:00"``, weekday names, people as written);
* the wire mapping: canonical inputs to a ``/schedule/create|update`` body, and a stored
  ``ScheduleItem`` back to canonical inputs;
* :class:`ScheduleProvider` and the :class:`Schedule` resource.

Updates are read-modify-write: override layers found on the server that the program does not
declare (made in the web console for sick leave or a swap) are sent back unchanged, and they are
not part of the canonical form, so they never show up as drift. Declared overrides are stored as
layers named ``"pulumi: <name>"``, which is how they are told apart.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar, NamedTuple
from zoneinfo import ZoneInfo

import pulumi
import pulumi.dynamic
from pulumi.dynamic import CreateResult, ReadResult, UpdateResult
from pulumi.output import Unknown
from pulumi.runtime.rpc import wrap_rpc_secret
from pydantic import Field, ValidationInfo, model_validator
from pydantic_core import PydanticCustomError

from flashcat_pulumi.errors import FlashdutyError, NotFound
from flashcat_pulumi.resources._args import (
    SKIPPED,
    Args,
    Failure,
    check,
    check_stored,
    fail,
    field,
    is_known,
    leaf,
    listed,
    optional,
    parse_each,
    people,
    sorted_known,
    strings,
    unwrap_stored,
)
from flashcat_pulumi.resources._base import FlashdutyProvider, Input, PersonInput, resolve_people, to_input
from flashcat_pulumi.resources._forms import (
    DAY,
    DAY_SETS,
    HOUR,
    MINUTE,
    WEEK,
    FormError,
    PersonRef,
    name_parser,
    parse_boolean,
    parse_clock,
    parse_day_mask_day,
    parse_duration,
    parse_handoff,
    parse_instant,
    parse_person,
    parse_restrict_mode,
    parse_string,
    parse_window,
    parse_window_bound,
    parse_zone,
    person_order,
    read_wall_clock,
    render_clock,
    render_day_mask,
    render_duration,
    render_handoff,
    render_instant,
    render_restrict_mode,
    render_window,
    render_window_bound,
    show,
    split_window,
    text_parser,
    whole_number,
)
from flashcat_pulumi.resources._zones import delta_at, fixed_delta, shift_layer
from flashcat_pulumi.wire import (
    ScheduleCalculatedSchedule,
    ScheduleDayMask,
    ScheduleFixedTimeNotifyInfo,
    ScheduleGroup,
    ScheduleImNotify,
    ScheduleImNotifySettings,
    ScheduleItem,
    ScheduleLayer,
    ScheduleMember,
    ScheduleNotify,
    ScheduleNotifyBy,
    ScheduleRestrictPeriod,
    ScheduleUpsertRequest,
)

__all__ = [
    "APP_WEBHOOKS",
    "OVERRIDE_PREFIX",
    "ROBOT_WEBHOOKS",
    "ApiGroupArgs",
    "DayMaskArgs",
    "FixedTimeArgs",
    "Group",
    "GroupArgs",
    "Layer",
    "LayerArgs",
    "Notify",
    "NotifyArgs",
    "NotifyByArgs",
    "OnCall",
    "Override",
    "OverrideArgs",
    "RoleSlot",
    "RoleSlotArgs",
    "Schedule",
    "ScheduleArgs",
    "ScheduleProvider",
    "Webhook",
    "WebhookArgs",
    "WebhookSettingsArgs",
    "check_schedule",
    "default_group_name",
    "on_call",
    "schedule_from_wire",
    "schedule_meaning",
    "schedule_people",
    "schedule_to_wire",
    "split_layers",
]

OVERRIDE_PREFIX = "pulumi: "
"""Override layers (mode 1) whose name starts with this are managed by the program; others are kept."""

MIN_ROTATION, MAX_ROTATION = HOUR, 30 * DAY
ROBOT_WEBHOOKS = ("feishu", "dingtalk", "wecom", "slack", "telegram", "zoom")
APP_WEBHOOKS = ("feishu_app", "dingtalk_app", "wecom_app", "teams_app", "slack_app")
WEBHOOK_SECRETS = ("token", "sign_secret", "verify_token")
# "voice" is the phone call everywhere in Flashduty's specs; "phone" only in the Terraform docs.
_CHANNEL = re.compile(r"^(email|sms|voice|phone|(feishu|dingtalk|wecom|slack|teams)_app:\d+)$")
_INSTANT = "epoch seconds, an ISO time such as '2026-12-07T09:00' (read in time_zone), or a datetime"
_AT_LEAST_ONE_PERSON = "required: at least one person (a person id or an email)"


# --- what a program writes ---------------------------------------------------------------------

@dataclasses.dataclass
class Group:
    """People on call together in one slot of a rotation.

    Either ``primary`` and ``backup`` (emails or person ids holding Flashduty's primary and backup
    on-call roles), or ``people`` who all hold ``role_id`` (0 primary, the default; 1 backup; or a
    custom role's id). ``name`` is shown in Flashduty (default ``"A"``, ``"B"``, ... by position).
    """

    people: Sequence[PersonInput] | None = None
    name: Input = None
    role_id: Input = None
    primary: Sequence[PersonInput] | None = None
    backup: Sequence[PersonInput] | None = None


@dataclasses.dataclass
class Layer:
    """A rotation rule: ``groups`` take turns, each for ``rotation_duration``.

    - ``layer_start``/``layer_end``: ISO date-time read in the schedule's ``time_zone``
      (``"2026-12-07T09:00"``), an ISO time with an offset, an aware ``datetime`` or epoch
      seconds; no end = open-ended.
    - ``rotation_duration``: ``"12h"``, ``"1d"``, ``"1w"``, a ``timedelta`` or seconds: whole hours
      from 1h to 30d; for calendar months use ``rotation_unit="month"`` and ``rotation_value``.
    - ``handoff_time``: for rotations of whole weeks (``"1w"``, ``"2w"``), ``"mon 09:00"`` or seconds after
      Monday 00:00; other rotations hand off at the layer start's time of day.
    - ``groups``: a list of :class:`Group`, lists of people, or single people (one-person groups).
    - ``restrict_periods`` such as ``["09:00-18:00"]`` (daily) or ``["mon 09:00-fri 18:00"]``
      (weekly), also as pairs ``("09:00", "18:00")``: on call only inside the windows;
      ``restrict_mode`` (``"daily"``/``"weekly"``) is inferred from them.
    - ``day_mask``: weekday names (``["mon", "tue"]``, ``"weekdays"``) or 0-6 with 0 = Sunday.
    """

    groups: Sequence[Any]
    layer_start: Input
    rotation_duration: Input = None
    layer_name: Input = None
    layer_end: Input = None
    rotation_unit: Input = None
    rotation_value: Input = None
    handoff_time: Input = None
    restrict_mode: Input = None
    restrict_periods: Input = None
    day_mask: Input = None
    mask_continuous_enabled: Input = None
    fair_rotation: Input = None


@dataclasses.dataclass
class Override:
    """Someone else on call from ``start`` to ``end`` (holiday cover, a swap); wins over every layer.

    Give ``person`` (one email or id) or ``persons`` (several).
    """

    start: Input
    end: Input
    person: PersonInput = None
    persons: Sequence[PersonInput] | None = None
    name: Input = None


@dataclasses.dataclass
class Webhook:
    """A group-chat notification. Robots (``feishu``, ``dingtalk``, ``wecom``, ``slack``, ``telegram``,
    ``zoom``) need ``token``; chat apps (``feishu_app``, ``dingtalk_app``, ...) need ``data_source_id``
    and ``chat_ids``. ``token``, ``sign_secret`` and ``verify_token`` are kept as Pulumi secrets."""

    type: Input
    token: Input = None
    sign_secret: Input = None
    verify_token: Input = None
    alias: Input = None
    data_source_id: Input = None
    chat_ids: Input = None


@dataclasses.dataclass
class Notify:
    """How people hear about their shifts: ``advance_in_time`` before a hand-off (``"10m"``, multiples
    of 5 minutes), a daily reminder at ``fixed_time`` (``"08:00"``), personal channels (``"email"``,
    ``"sms"``, ...) or each person's own preferences, and group-chat ``webhooks``."""

    advance_in_time: Input = None
    fixed_time: Input = None
    follow_preference: Input = None
    personal_channels: Input = None
    webhooks: Sequence[Webhook | Mapping[str, Any]] | None = None


@pulumi.output_type
class RoleSlot(dict):
    """One role slot of a shift: ``role_id``, ``role`` (``"primary"``, ``"backup"`` or ``"role <id>"``),
    the ``person_ids`` holding it and their ``emails``."""

    role_id: int = pulumi.property("role_id")
    role: str = pulumi.property("role")
    person_ids: list[int] = pulumi.property("person_ids")
    emails: list[str] = pulumi.property("emails")


@pulumi.output_type
class OnCall(dict):
    """A shift: who is on call in ``[start, end)`` (epoch seconds, the shift's own bounds).

    ``person_ids`` and their ``emails``; ``primary`` and ``backup``: the emails holding those roles;
    ``roles``: every role slot (:class:`RoleSlot`). A dict (``on_call["emails"]``) with attributes
    (``on_call.emails``); numbers are ints, in the roles too.
    """

    start: int = pulumi.property("start")
    end: int = pulumi.property("end")
    person_ids: list[int] = pulumi.property("person_ids")
    emails: list[str] = pulumi.property("emails")
    primary: list[str] = pulumi.property("primary")
    backup: list[str] = pulumi.property("backup")
    roles: list[RoleSlot] = pulumi.property("roles")


# --- leaves ------------------------------------------------------------------------------------

def _optional_name(value: Any) -> str | None:
    return parse_string(value) or None


def _non_negative(value: Any) -> int:
    number = whole_number(value)
    if number < 0:
        raise FormError(f"must be at least 0, got {number}")
    return number


def _positive_id(value: Any) -> int:
    # A resource id (a numeric string) is accepted too: `team_id=team.id` is a natural thing to write.
    if isinstance(value, str):
        text = value.strip()
        # Digits 0-9 only ("፯" and "١" are no ids); beyond 16 of them, past 2^53 (and int() refuses 4300).
        if not (text.isascii() and text.isdigit() and len(text) <= 16):
            raise FormError(f"must be a positive id: a whole number, or its digits (0-9) in a string, "
                            f"got {show(value)}")
        value = int(text)
    number = whole_number(value)
    if number <= 0:
        raise FormError(f"must be a positive id, got {number}")
    return number


def _instant(value: Any, zone: Any) -> Any:
    parsed = parse_instant(value)
    if not isinstance(parsed, datetime):
        return parsed
    if isinstance(zone, ZoneInfo):
        return read_wall_clock(parsed, zone)
    if isinstance(zone, Unknown):
        return zone
    raise PydanticCustomError(SKIPPED, "the time zone is invalid")  # reported at time_zone already


def _end(value: Any, zone: Any) -> Any:
    if value in (0, "") and not isinstance(value, bool):  # false is no instant, not 0
        return None  # never ends, as 0 on the server
    return _instant(value, zone)


def _rotation_duration(value: Any) -> int | None:
    if value in (0, "") and not isinstance(value, bool):
        return None  # what the server echoes for a calendar-month layer
    seconds = parse_duration(value)
    if not MIN_ROTATION <= seconds <= MAX_ROTATION:
        raise FormError(f"must be between {MIN_ROTATION} and {MAX_ROTATION} seconds (1h..30d), got {seconds}")
    if seconds % HOUR:
        raise FormError(f"must be a whole number of hours (Flashduty rotates by hour, day, week or month), "
                        f"got {render_duration(seconds)}")
    return seconds


_UNIT_SECONDS = {"hour": HOUR, "day": DAY, "week": WEEK}


def _rotation_unit(value: Any) -> str | None:
    unit = value.strip().lower().removesuffix("s") if isinstance(value, str) else None
    if unit == "":
        return None
    if unit not in (*_UNIT_SECONDS, "month"):
        raise FormError(f"must be hour, day, week or month, got {show(value)}")
    return unit


def _rotation_value(value: Any) -> int | None:
    number = whole_number(value)
    if number < 0:
        raise FormError(f"must be a whole number of at least 1, got {number}")
    return number or None  # 0: absent, as on the server


def _mode(value: Any) -> int:
    if value == 1 and not isinstance(value, bool):
        raise FormError("an override (mode 1) goes in overrides=[{start, end, person}], not in layers")
    if value != 0 or isinstance(value, bool):
        raise FormError(f"must be 0 (a rotation layer); overrides go in overrides=, got {show(value)}")
    return 0


def _hidden(value: Any) -> int:
    if value != 0 or isinstance(value, bool):
        raise FormError(f"hidden layers are not supported; leave hidden out or 0, got {show(value)}")
    return 0


def _advance(value: Any) -> int:
    seconds = parse_duration(value)
    if seconds < 0 or seconds % 300:
        raise FormError(f"must be a multiple of 5 minutes (300 seconds): 0 reminds at the hand-off, leave "
                        f"advance_in_time out for no reminder, got {seconds}")
    return seconds


def _reminder_time(value: Any) -> str | None:
    text = parse_string(value)
    if not text:
        return None
    seconds = parse_clock(text)
    if seconds % MINUTE:
        raise FormError(f"must be a time of day 'HH:MM' (00:00 to 23:59), got {show(value)}")
    return render_clock(seconds)


def _cycle(value: Any) -> str:
    if value not in ("", "day"):
        raise FormError(f"must be 'day' (daily reminders are the only kind), got {show(value)}")
    return value


def _channel(value: Any) -> str:
    if not isinstance(value, str) or not value.isascii() or not _CHANNEL.match(value):  # "feishu_app:١" is no id
        raise FormError(f"must be email, sms, voice, phone or <feishu|dingtalk|wecom|slack|teams>_app:<integration "
                        f"id>, got {show(value)}")
    return value


def _webhook_type(value: Any) -> str:
    if value not in (*APP_WEBHOOKS, *ROBOT_WEBHOOKS):
        raise FormError(f"must be one of {', '.join((*APP_WEBHOOKS, *ROBOT_WEBHOOKS))}, got {show(value)}")
    return str(value)


Instant = leaf(_instant, zone=True)
RequiredInstant = leaf(_instant, required=f"required: {_INSTANT}", zone=True)
End = leaf(_end, zone=True)
OptionalName = leaf(_optional_name)
OptionalText = leaf(text_parser())
OptionalFlag = leaf(parse_boolean)
RoleId = leaf(_non_negative)
Flag = leaf(parse_boolean)
Text = leaf(text_parser())
People = people(empty=_AT_LEAST_ONE_PERSON)
OptionalPeople = people(empty=_AT_LEAST_ONE_PERSON, optional=True)


# --- groups ------------------------------------------------------------------------------------

def _merge_slots(slots: Sequence[Any]) -> list[Any]:
    """Role slots ``{role_id, person_ids}`` joined by role, roles ascending: neither the order of the
    slots nor of the people in them means anything."""
    by_role: dict[int, list[Any]] = {}
    rest = []
    for slot in slots:
        if is_known(slot):
            by_role.setdefault(slot["role_id"], []).extend(slot["person_ids"])
        else:
            rest.append(slot)
    return [{"role_id": role, "person_ids": sorted_known(dict.fromkeys(refs), person_order)}
            for role, refs in sorted(by_role.items())] + rest


class RoleSlotArgs(Args):
    """``{role_id, person_ids}``: a role slot of a group, in the API's shape."""

    role_id: RoleId = 0
    person_ids: People = None

    def slot(self) -> dict[str, Any]:
        return {"role_id": self.role_id, "person_ids": self.person_ids}


RoleSlots = listed(RoleSlotArgs, "{role_id, person_ids}", required="required: at least one {role_id, person_ids}")


class ApiGroupArgs(Args):
    """A group in the API's shape: ``{group_name, members: [{role_id, person_ids}]}``."""

    also_accepted: ClassVar[tuple[str, ...]] = ("start", "end")  # shift bounds, 0 in stored configuration

    group_name: OptionalName = None
    name: OptionalName = None
    members: RoleSlots = None

    def group(self) -> dict[str, Any]:
        slots = [slot.slot() if isinstance(slot, RoleSlotArgs) else slot for slot in self.members] \
            if isinstance(self.members, list) else self.members
        return {"group_name": self.group_name or self.name,
                "members": _merge_slots(slots) if isinstance(slots, list) else slots}


ROLES = {0: "primary", 1: "backup"}
"""Flashduty's built-in on-call roles by ``role_id``; accounts may define more."""


class GroupArgs(Args):
    """A group as :class:`Group` writes it: ``{people, name, role_id}`` or ``{primary, backup, name}``."""

    people: OptionalPeople = None
    name: OptionalName = None
    role_id: RoleId = None
    primary: OptionalPeople = None
    backup: OptionalPeople = None

    @model_validator(mode="after")
    def _settle(self) -> GroupArgs:
        by_role = self.primary is not None or self.backup is not None
        if by_role and (self.people is not None or self.role_id is not None):
            raise fail({(): "give either people (with role_id) or primary/backup, not both"}, "group")
        if not by_role and self.people is None:
            raise fail({"people": f"{_AT_LEAST_ONE_PERSON}; or give primary=[...] and backup=[...]"}, "group")
        return self

    def group(self) -> dict[str, Any]:
        if self.people is not None:
            slots = [{"role_id": self.role_id or 0, "person_ids": self.people}]
        else:
            slots = [{"role_id": role_id, "person_ids": refs}
                     for role_id, refs in ((0, self.primary), (1, self.backup)) if refs is not None]
        return {"group_name": self.name, "members": slots}


def _group(value: Any, info: ValidationInfo) -> dict[str, Any]:
    """A group in any shape (:class:`Group`, the API's, a list of people, one person) as
    ``{group_name, members: [{role_id, person_ids}]}``; ``group_name`` ``None`` until named by position."""
    if isinstance(value, dict):
        model = ApiGroupArgs if "members" in value or "group_name" in value else GroupArgs
        return model.model_validate(value, context=info.context).group()
    refs = parse_each(value, parse_person, "person ids or emails")
    if not refs:
        raise FormError(_AT_LEAST_ONE_PERSON)
    people_ids = refs if len(refs) == 1 else sorted_known(dict.fromkeys(refs), person_order)
    return {"group_name": None, "members": [{"role_id": 0, "person_ids": people_ids}]}


def default_group_name(index: int) -> str:
    """The name a group gets when the program gives none: ``"A"``, ``"B"``, ... by position."""
    return _GROUP_NAMES[index] if index < 26 else f"G{index + 1}"


_GROUP_NAMES = tuple(chr(ord("A") + index) for index in range(26))


# --- layers ------------------------------------------------------------------------------------

_BOUND_ALONE = (int, float, Unknown)


def _is_one_window(value: Any) -> bool:
    """A window given on its own rather than a list of them."""
    if isinstance(value, (Mapping, str)):
        return True
    return (isinstance(value, (list, tuple)) and len(value) == 2
            and all(isinstance(bound, _BOUND_ALONE) or (isinstance(bound, str) and "-" not in bound)
                    for bound in value))


def _windows(value: Any) -> list[Any]:
    """Windows as ``[{restrict_start: (seconds, form), restrict_end: (seconds, form)}]``, where form
    says how the bound was written (see :func:`parse_window_bound`); the mode is settled by the layer."""
    if value is None:
        return []
    windows = [value] if _is_one_window(value) else value
    if not isinstance(windows, (list, tuple)):
        raise FormError(f"must be a list of windows such as '09:00-18:00', got {show(value)}")
    parsed: list[Any] = []
    failures: dict[tuple[str | int, ...], str] = {}
    for index, window in enumerate(windows):
        if isinstance(window, Unknown):
            parsed.append(window)
            continue
        if isinstance(window, Mapping):
            extra = sorted(set(window) - {"restrict_start", "restrict_end"}, key=str)  # keys may be any type
            for key in extra:
                failures[(index, str(key))] = "unknown key; allowed: restrict_start, restrict_end"
            bounds = window.get("restrict_start"), window.get("restrict_end")
        else:
            try:
                bounds = parse_window(window)
            except FormError as error:
                failures[(index,)] = str(error)
                continue
        period: dict[str, Any] = {}
        for key, bound in zip(("restrict_start", "restrict_end"), bounds, strict=True):
            if bound is None or isinstance(bound, Unknown):
                period[key] = bound
                if bound is None:
                    failures[(index, key)] = "required: a time such as '09:00' or seconds"
                continue
            try:
                period[key] = parse_window_bound(bound, is_end=key == "restrict_end")
            except FormError as error:
                failures[(index, key)] = str(error)
        parsed.append(period)
    if failures:
        raise fail(failures)
    return parsed


def _days(value: Any) -> list[Any]:
    """Weekdays (0 = Sunday) as a sorted list, each at most once, at least one."""
    if isinstance(value, str):
        value = DAY_SETS.get(value.strip().lower(), [value])
    days = parse_each([] if value is None else value, parse_day_mask_day, "weekdays such as 'mon', or "
                                                                         "'weekdays'/'weekends'")
    if not days:
        raise FormError("must list at least one day; leave day_mask out for every day")
    seen: dict[Any, int] = {}
    failures = {}
    for index, day in enumerate(days):
        if day in seen and is_known(day):
            failures[(index,)] = f"{render_day_mask([day])[0]} is listed twice"
        seen[day] = index
    if failures:
        raise fail(failures)
    return sorted_known(days, int)


class DayMaskArgs(Args):
    """The API's shape of a day mask, ``{repeat: [0..6]}``."""

    repeat: field(_days) = None


def _day_mask(value: Any, info: ValidationInfo) -> list[Any] | None:
    if value is None:
        return None
    if isinstance(value, Mapping):
        return DayMaskArgs.model_validate(value, context=info.context).repeat
    return _days(value)


def _describe(epoch: int, zone: Any) -> str:
    return f"{render_instant(epoch, zone)} = {epoch}" if isinstance(zone, ZoneInfo) else str(epoch)


_AT_LEAST_ONE_GROUP = "required: at least one group, each a person, a list of people or a Group"


def _groups(value: Any, info: ValidationInfo) -> list[Any]:
    # One validator for the whole list rather than one per group: a layer often has several.
    groups = parse_each([] if value is None else value, lambda group: _group(group, info), "groups", alone=False)
    if not groups:
        raise FormError(_AT_LEAST_ONE_GROUP)
    return groups


Groups = field(_groups, info=True, required=True)


class LayerArgs(Args):
    """A rotation layer: every form :class:`Layer` takes, and the API's own layer shape."""

    # The API's ordering weight: rotation layers are weighted by their position in ``layers``.
    also_accepted: ClassVar[tuple[str, ...]] = ("weight",)

    layer_name: OptionalName = None
    name: OptionalName = None
    mode: leaf(_mode) = 0
    hidden: leaf(_hidden) = 0
    layer_start: Instant = None
    enable_time: Instant = None
    layer_end: End = None
    expire_time: End = None
    rotation_duration: leaf(_rotation_duration) = None
    rotation_unit: leaf(_rotation_unit) = None
    rotation_value: leaf(_rotation_value) = None
    handoff_time: leaf(parse_handoff) = 0
    fair_rotation: Flag = False
    restrict_mode: leaf(parse_restrict_mode) = None
    restrict_periods: field(_windows) = Field(default_factory=list)
    restrict_start: leaf(whole_number) = 0
    restrict_end: leaf(whole_number) = 0
    day_mask: field(_day_mask, info=True) = None
    mask_continuous_enabled: Flag = False
    groups: Groups = None

    @model_validator(mode="after")
    def _settle(self, info: ValidationInfo) -> LayerArgs:
        """The rules between fields; each failure names the field to change."""
        zone = (info.context or {}).get("zone")
        failures: dict[str, str] = {}
        # The legacy enable_time/expire_time count only when layer_start/layer_end are absent, as on the server.
        start_key = "layer_start" if self.layer_start is not None or self.enable_time is None else "enable_time"
        end_key = "layer_end" if self.layer_end is not None or self.expire_time is None else "expire_time"
        start, end = getattr(self, start_key), getattr(self, end_key)
        if start is None:
            failures["layer_start"] = f"required: {_INSTANT}"
        elif end is not None and is_known(start, end) and end <= start:
            failures[end_key] = f"must be after the layer start ({_describe(start, zone)}), got {_describe(end, zone)}"
        self.settle(layer_start=start, layer_end=end)
        failures.update(self._settle_rotation())
        failures.update(self._settle_handoff())
        failures.update(self._settle_restrictions())
        if self.restrict_mode == 2 and self.day_mask is not None and is_known(self.day_mask):
            failures["day_mask"] = ("cannot be combined with weekly restrict windows (Flashduty resets it); "
                                    "drop day_mask or use daily windows")
        if is_known(self.restrict_start, self.restrict_end) and self.restrict_start != self.restrict_end:
            failures["restrict_start"] = ("a legacy single window is not supported; use "
                                          "restrict_periods=['09:00-18:00'] instead")
        if failures:
            raise fail(failures, "layer")
        return self

    def _settle_rotation(self) -> dict[str, str]:
        """``rotation_duration`` in seconds, or a calendar-month ``rotation_unit``/``rotation_value``."""
        duration, unit, value = self.rotation_duration, self.rotation_unit, self.rotation_value
        if not is_known(duration, unit, value):
            return {}
        if unit is None and value is not None:
            return {"rotation_unit": "required with rotation_value: hour, day, week or month"}
        if unit is not None and value is None:
            return {"rotation_value": "required with rotation_unit: how many of them each shift lasts"}
        if unit == "month":
            if duration is not None:
                return {"rotation_duration": "cannot be combined with rotation_unit 'month' (months differ in "
                                             "length); give one of them"}
            if value > 30:
                return {"rotation_value": f"must be between 1 and 30 months, got {value}"}
            return {}
        if unit is not None:
            derived = value * _UNIT_SECONDS[unit]
            if duration is not None and duration != derived:
                return {"rotation_duration": f"is {duration} seconds, but rotation_unit and rotation_value say "
                                             f"{derived}; give one of them"}
            if not MIN_ROTATION <= derived <= MAX_ROTATION:
                return {"rotation_value": f"{value} {unit}s is {derived} seconds; a rotation must be between "
                                          f"{MIN_ROTATION} and {MAX_ROTATION} seconds (1h..30d)"}
            self.settle(rotation_duration=derived, rotation_unit=None, rotation_value=None)
            return {}
        if duration is None:
            return {"rotation_duration": f"required: how long each shift lasts, such as '1d' or '1w' "
                                         f"({MIN_ROTATION} to {MAX_ROTATION} seconds), or rotation_unit='month' "
                                         f"with rotation_value"}
        return {}

    def _settle_handoff(self) -> dict[str, str]:
        """``handoff_time`` is a moment of the week: only rotations of whole weeks have one to keep."""
        handoff, duration, unit = self.handoff_time, self.rotation_duration, self.rotation_unit
        if not is_known(handoff, duration, unit) or not handoff:
            return {}
        if unit == "month" or (duration is not None and duration % WEEK):
            rotation = "a monthly rotation" if unit == "month" else f"a {render_duration(duration)} rotation"
            return {"handoff_time": f"applies only to rotations of whole weeks (1w, 2w, ...); {rotation} hands off "
                                    f"at the layer start's day and time, so set layer_start to the first hand-off "
                                    f"and leave handoff_time out"}
        return {}

    def _settle_restrictions(self) -> dict[str | tuple[str | int, ...], str]:
        """``restrict_mode`` (inferred from how the windows are written when not given) and the windows
        as sorted ``(start, end)`` seconds of the day or week."""
        mode, windows = self.restrict_mode, self.restrict_periods
        if not windows and mode in (None, 0):
            self.settle(restrict_mode=0)
            return {}
        if isinstance(windows, Unknown):
            self.settle(restrict_mode=Unknown() if mode is None else mode)
            return {}
        bounds = [(index, key, window[key]) for index, window in enumerate(windows) if isinstance(window, dict)
                  for key in ("restrict_start", "restrict_end") if isinstance(window[key], tuple)]
        forms = {form for _, _, (_, form) in bounds} - {"seconds"}
        if forms == {"daily", "weekly"}:
            return {"restrict_periods": "mixes daily ('09:00') and weekly ('mon 09:00') times; use one kind"}
        if mode is None:
            if forms:
                mode = 1 if "daily" in forms else 2
            elif bounds:
                return {"restrict_mode": "required with windows in seconds: 'daily' (seconds after 00:00) or "
                                         "'weekly' (seconds after Monday 00:00)"}
            elif windows:  # nothing to infer from: every window is still unknown
                mode = Unknown()
            else:
                mode = 0
        self.settle(restrict_mode=mode)
        if isinstance(mode, Unknown):
            return {}
        if mode == 0:
            self.settle(restrict_periods=[])
            return {"restrict_periods": "given, but restrict_mode is 'none'; set restrict_mode 'daily' or "
                                        "'weekly', or drop restrict_periods"} if windows else {}
        kind, cycle = ("daily", DAY) if mode == 1 else ("weekly", WEEK)
        if not windows:
            example = "'09:00-18:00'" if mode == 1 else "'mon 09:00-fri 18:00'"
            return {"restrict_periods": f"required when restrict_mode is {kind}: at least one window such as "
                                        f"{example}"}
        failures: dict[str | tuple[str | int, ...], str] = {}
        wrong = [(index, key) for index, key, (_, form) in bounds if form == ("weekly" if mode == 1 else "daily")]
        if wrong:  # one failure: the mode and the windows disagree
            failures[("restrict_periods", *wrong[0])] = (
                "a weekday time needs restrict_mode 'weekly'; daily windows take 'HH:MM'" if mode == 1
                else "weekly windows need a weekday, such as 'mon 09:00'")
            return failures
        for index, key, (seconds, form) in bounds:
            highest = cycle if key == "restrict_end" else cycle - 1
            if form == "seconds" and not 0 <= seconds <= highest:
                failures[("restrict_periods", index, key)] = (
                    f"must be between 0 and {highest} seconds (within a {'day' if mode == 1 else 'week'} for "
                    f"{kind} windows), got {seconds}")
        periods: list[Any] = []
        for index, window in enumerate(windows):
            if not isinstance(window, dict) or not (isinstance(window["restrict_start"], tuple)
                                                    and isinstance(window["restrict_end"], tuple)):
                periods.append(Unknown())
                continue
            start, end = window["restrict_start"][0], window["restrict_end"][0] or cycle  # an end at 00:00: midnight
            if start == end:
                failures[("restrict_periods", index, "restrict_end")] = \
                    f"must differ from restrict_start ({render_window_bound(start, mode)}): an empty window"
            periods.append((start, end))
        self.settle(restrict_periods=sorted_known(periods, lambda period: period))
        return failures

    def canonical(self, index: int, zone: Any) -> dict[str, Any]:
        """The canonical form: readable, one spelling per meaning."""
        mode, periods, mask, groups = self.restrict_mode, self.restrict_periods, self.day_mask, self.groups
        if not isinstance(mode, Unknown):
            periods = [render_window(*period, mode) if type(period) is tuple else period for period in periods]
        elif type(periods) is list:  # a mode the rules refuse, kept as stored: the windows as stored too
            periods = [{key: bound[0] if type(bound) is tuple else bound for key, bound in period.items()}
                       if type(period) is dict else period for period in periods]
        if mask is not None:
            mask = [*render_day_mask([day for day in mask if type(day) is int]),
                    *(day for day in mask if type(day) is not int)]
        if type(groups) is list:
            groups = [{"group_name": default_group_name(i), "members": group["members"]}
                      if type(group) is dict and group["group_name"] is None else group
                      for i, group in enumerate(groups)]
        return {
            "layer_name": self.layer_name or self.name or f"Layer {index + 1}",
            "layer_start": _render_instant(self.layer_start, zone),
            "layer_end": _render_instant(self.layer_end, zone),
            "rotation_duration": _known(self.rotation_duration, render_duration),
            "rotation_unit": self.rotation_unit,
            "rotation_value": self.rotation_value,
            "handoff_time": _known(self.handoff_time, render_handoff),
            "fair_rotation": self.fair_rotation,
            "restrict_mode": _known(mode, render_restrict_mode),
            "restrict_periods": periods,
            "day_mask": mask,
            "mask_continuous_enabled": self.mask_continuous_enabled,
            "groups": groups,
        }


def _known(value: Any, render: Callable[[Any], Any]) -> Any:
    """``render(value)``, or the value itself when it is ``None`` or not known yet."""
    return value if value is None or isinstance(value, Unknown) else render(value)


def _render_instant(epoch: Any, zone: Any) -> Any:
    if epoch is None or isinstance(epoch, Unknown):
        return epoch
    return render_instant(epoch, zone) if isinstance(zone, ZoneInfo) else Unknown()


# --- overrides ---------------------------------------------------------------------------------

_OVERRIDE_PEOPLE = ("person", "persons", "people", "person_ids")


class OverrideArgs(Args):
    """Someone else on call from ``start`` to ``end``: :class:`Override`'s form, or ``people``/``person_ids``."""

    start: RequiredInstant = None
    end: RequiredInstant = None
    person: OptionalPeople = None
    persons: OptionalPeople = None
    people: OptionalPeople = None
    person_ids: OptionalPeople = None
    name: OptionalName = None

    @model_validator(mode="after")
    def _settle(self, info: ValidationInfo) -> OverrideArgs:
        failures: dict[str | tuple[str, ...], str] = {}
        given = [key for key in _OVERRIDE_PEOPLE if getattr(self, key) is not None]
        if len(given) != 1:
            failures[()] = "give who is on call as exactly one of person=, persons=[...] or people=[...]"
        else:
            self.settle(people=getattr(self, given[0]))
        if is_known(self.start, self.end) and self.end <= self.start:
            zone = (info.context or {}).get("zone")
            failures["end"] = f"must be after start ({_describe(self.start, zone)}), got {_describe(self.end, zone)}"
        if failures:
            raise fail(failures, "override")
        return self

    def canonical(self, zone: Any) -> dict[str, Any]:
        return {"name": self.name or "override", "start": _render_instant(self.start, zone),
                "end": _render_instant(self.end, zone), "people": self.people}


# --- notifications -----------------------------------------------------------------------------

class FixedTimeArgs(Args):
    """The API's daily reminder, ``{cycle: "day", start: "HH:MM"}``; both empty means none."""

    cycle: leaf(_cycle) = ""
    start: leaf(_reminder_time) = None


def _fixed_time(value: Any, info: ValidationInfo) -> Any:
    if isinstance(value, Mapping):
        return FixedTimeArgs.model_validate(value, context=info.context).start
    return None if value is None else _reminder_time(value)


class NotifyByArgs(Args):
    """The API's ``by``: ``{follow_preference, personal_channels}``."""

    follow_preference: OptionalFlag = None
    personal_channels: strings(_channel) = Field(default_factory=list)


class WebhookSettingsArgs(Args):
    """The API's webhook ``settings``."""

    token: Text = ""
    sign_secret: Text = ""
    verify_token: Text = ""
    alias: Text = ""
    data_source_id: leaf(_non_negative) = 0
    chat_ids: strings() = Field(default_factory=list)


class WebhookArgs(Args):
    """A group-chat notification: :class:`Webhook`'s flat form, or the API's ``{type, settings}``."""

    type: leaf(_webhook_type, required=f"required: one of {', '.join((*APP_WEBHOOKS, *ROBOT_WEBHOOKS))}") = None
    token: OptionalText = None
    sign_secret: OptionalText = None
    verify_token: OptionalText = None
    alias: OptionalText = None
    data_source_id: leaf(_non_negative) = None
    chat_ids: strings(optional=True) = None
    settings: optional(WebhookSettingsArgs) = None

    @model_validator(mode="after")
    def _settle(self) -> WebhookArgs:
        flat = {key: getattr(self, key) for key in WebhookSettingsArgs.model_fields}
        if self.settings is not None and any(value is not None for value in flat.values()):
            raise fail({(): "give the settings either flat or inside settings={...}, not both"}, "webhook")
        where: tuple[str, ...] = ("settings",) if self.settings is not None else ()
        settings = self.settings or WebhookSettingsArgs.model_validate(
            {key: value for key, value in flat.items() if value is not None})
        if isinstance(settings, Unknown):
            return self
        self.settle(settings=settings)
        failures: dict[tuple[str, ...], str] = {}
        if self.type in ROBOT_WEBHOOKS and settings.token == "":
            failures[(*where, "token")] = f"required for a {self.type} robot webhook: the robot's token or URL"
        if self.type in APP_WEBHOOKS:
            if settings.data_source_id == 0:
                failures[(*where, "data_source_id")] = f"required for {self.type}: the IM integration id"
            if settings.chat_ids == []:
                failures[(*where, "chat_ids")] = f"required for {self.type}: at least one chat id"
        if failures:
            raise fail(failures, "webhook")
        return self

    def canonical(self) -> dict[str, Any]:
        settings = self.settings
        if isinstance(settings, Unknown):
            return {"type": self.type, "settings": settings}
        return {"type": self.type, "alias": settings.alias, "token": settings.token,
                "sign_secret": settings.sign_secret, "verify_token": settings.verify_token,
                "data_source_id": settings.data_source_id, "chat_ids": settings.chat_ids}


Webhooks = listed(WebhookArgs, "webhooks ({type, token, ...})")


class NotifyArgs(Args):
    """Notifications: :class:`Notify`'s form, or the API's (``by``, ``fixed_time: {cycle, start}``)."""

    advance_in_time: leaf(_advance) = None
    fixed_time: field(_fixed_time, info=True) = None
    follow_preference: OptionalFlag = None
    personal_channels: strings(_channel, optional=True) = None
    by: optional(NotifyByArgs) = None
    webhooks: Webhooks = Field(default_factory=list)

    @model_validator(mode="after")
    def _settle(self) -> NotifyArgs:
        if self.by is not None and (self.follow_preference is not None or self.personal_channels is not None):
            raise fail({"by": "give either by={follow_preference, personal_channels} or follow_preference/"
                              "personal_channels, not both"}, "notify")
        if isinstance(self.by, Unknown):
            self.settle(follow_preference=self.by, personal_channels=self.by)
        elif self.by is not None:
            self.settle(follow_preference=self.by.follow_preference, personal_channels=self.by.personal_channels)
        return self

    def canonical(self) -> dict[str, Any] | None:
        """``None`` when it notifies nobody, which is what the server reports for no notify."""
        webhooks = self.webhooks if isinstance(self.webhooks, Unknown) else \
            [webhook if isinstance(webhook, Unknown) else webhook.canonical() for webhook in self.webhooks]
        notify = {
            "advance_in_time": _known(self.advance_in_time, render_duration),
            "fixed_time": self.fixed_time,
            "follow_preference": bool(self.follow_preference) if is_known(self.follow_preference)
            else self.follow_preference,
            "personal_channels": self.personal_channels or [] if is_known(self.personal_channels)
            else self.personal_channels,
            "webhooks": webhooks,
        }
        if is_known(notify) and not any(notify.values()):
            return None
        return notify


# --- the schedule ------------------------------------------------------------------------------

Layers = listed(LayerArgs, "layers", required="required: at least one rotation layer")
Overrides = listed(OverrideArgs, "overrides ({start, end, person})")


DEFAULT_UPCOMING_SHIFTS = 5
MAX_UPCOMING_SHIFTS = 50
_OFFSET = re.compile(r"^([+-])(.+)$")


def _dst(value: Any) -> str | None:
    text = value.strip().lower() if isinstance(value, str) else None
    if text in ("", "fixed"):
        return None
    if text != "follow":
        raise FormError(f"must be 'follow' (move windows and hand-offs with daylight saving) or left out, "
                        f"got {show(value)}")
    return text


def _shift_count(value: Any) -> int:
    number = whole_number(value)
    if not 0 <= number <= MAX_UPCOMING_SHIFTS:
        raise FormError(f"must be between 0 and {MAX_UPCOMING_SHIFTS}, got {number}")
    return number


def _zone_offset(value: Any) -> int:
    """An offset such as ``"-1h"`` or ``"+5h30m"`` (or seconds) as seconds."""
    if isinstance(value, str) and (match := _OFFSET.match(value.strip())):
        seconds = parse_duration(match.group(2))
        return -seconds if match.group(1) == "-" else seconds
    return whole_number(value)


def render_offset(seconds: int) -> str:
    """``-3600`` as ``"-1h"``, ``0`` as ``"+0h"``."""
    return f"{'-' if seconds < 0 else '+'}{render_duration(abs(seconds)) if seconds else '0h'}"


class ScheduleArgs(Args):
    """The inputs of :class:`Schedule`: the single home of their rules and of their canonical form.

    Validate with :func:`check_schedule`, which reads wall-clock times in the schedule's zone and
    works out ``zone_offset`` from the account's.
    """

    schedule_name: leaf(name_parser(40), required="required, 1 to 40 characters") = None
    description: leaf(text_parser(500)) = ""
    team_id: leaf(_positive_id) = None
    time_zone: leaf(parse_zone, required="required: an IANA time zone such as 'Asia/Shanghai'") = None
    dst: leaf(_dst) = None
    enabled: Flag = True
    adopt: Flag = False
    upcoming_shift_count: leaf(_shift_count) = DEFAULT_UPCOMING_SHIFTS
    layers: Layers = None
    overrides: Overrides = Field(default_factory=list)
    notify: optional(NotifyArgs) = None
    zone_offset: leaf(_zone_offset) = None

    def canonical(self, zone: Any = None) -> dict[str, Any]:
        """The canonical inputs, instants rendered in ``zone`` (default: the schedule's own)."""
        zone = self.time_zone if zone is None else zone
        layers = self.layers if isinstance(self.layers, Unknown) else \
            [layer if isinstance(layer, Unknown) else layer.canonical(i, zone) for i, layer in enumerate(self.layers)]
        overrides = self.overrides if isinstance(self.overrides, Unknown) else sorted_known(
            (override if isinstance(override, Unknown) else override.canonical(zone) for override in self.overrides),
            lambda override: (override["start"], override["end"], override["name"]))
        return {
            "schedule_name": self.schedule_name,
            "description": self.description,
            "team_id": self.team_id,
            "time_zone": _known(self.time_zone, lambda zone: zone.key),
            "dst": self.dst,
            "zone_offset": _known(self.zone_offset, render_offset),
            "enabled": self.enabled,
            "adopt": self.adopt,
            "upcoming_shift_count": self.upcoming_shift_count,
            "layers": layers,
            "overrides": overrides,
            "notify": self.notify.canonical() if isinstance(self.notify, NotifyArgs) else self.notify,
        }


AccountZone = Callable[[], str]
"""Reads the account's time zone (``/member/info``); may raise :class:`FlashdutyError`."""

_NO_ZONE = ("required: the time zone to read wall-clock times in; set time_zone on this Schedule, stack config "
            "flashduty:timeZone, or give the provider an app key so that the account's own zone can be read")


def _input_zone(props: Mapping[str, Any], default_time_zone: str | None,
                account_zone: Callable[[], ZoneInfo | None] | None) -> tuple[Any, list[Failure]]:
    """The zone wall-clock inputs are read in: ``time_zone``, the default, else the account's."""
    given = props.get("time_zone")
    if given is not None or default_time_zone:
        return given if given is not None else default_time_zone, []
    if account_zone is None:
        return None, [Failure("time_zone", _NO_ZONE)]
    try:
        zone = account_zone()
    except FlashdutyError as error:
        return None, [Failure("time_zone", f"{_NO_ZONE} (reading the account's zone failed: {error})")]
    return (zone.key, []) if zone is not None else (None, [Failure("time_zone", _NO_ZONE)])


def _parse(props: Mapping[str, Any], time_zone: Any, *, stored: bool = False) -> tuple[ScheduleArgs | None,
                                                                                          list[Failure]]:
    data = {key: value for key, value in props.items() if not str(key).startswith("__") and value is not None}
    data["time_zone"] = time_zone
    try:
        zone: Any = time_zone if isinstance(time_zone, Unknown) else parse_zone(time_zone)
    except FormError:
        zone = None  # reported at time_zone; wall-clock times cannot be read
    if stored:
        return check_stored(ScheduleArgs, data, {"zone": zone}), []
    return check(ScheduleArgs, data, {"zone": zone})


def check_schedule(props: Mapping[str, Any], *, default_time_zone: str | None,
                   account_time_zone: AccountZone | None = None,
                   now: float | None = None) -> tuple[dict[str, Any], list[Failure]]:
    """A schedule's inputs validated: ``(canonical inputs, [])`` or ``(props unchanged, failures)``.

    Wall-clock times are read in ``time_zone``, else ``default_time_zone``, else the account's zone.
    With ``account_time_zone`` (called only when needed), ``zone_offset`` is worked out: how the
    layers' hand-offs, windows and day masks move into the account's zone (see :mod:`._zones`);
    without it, ``zone_offset`` is kept as given. Never raises for bad input; values not known yet
    are kept and not validated.
    """
    account = _account_zone_reader(account_time_zone)
    time_zone, failures = _input_zone(props, default_time_zone, account)
    if failures:
        return dict(props), failures
    model, failures = _parse(props, time_zone)
    if model is None:
        # With failures the engine stops and uses nothing else, so the inputs go back untouched.
        return dict(props), failures
    if account is not None:
        failures = _settle_zone_offset(model, account, time.time() if now is None else now)
        if failures:
            return dict(props), failures
    return model.canonical(), []


def _account_zone_reader(read: AccountZone | None) -> Callable[[], ZoneInfo | None] | None:
    if read is None:
        return None

    def account_zone() -> ZoneInfo | None:
        key = read()
        try:
            return parse_zone(key) if key else None
        except FormError:
            return None  # a zone this machine does not know cannot be used to read times
    return account_zone


def _zone_fields(layer: LayerArgs) -> dict[str, Any] | None:
    """What :func:`shift_layer` moves, or ``None`` when the layer depends on no zone or is not known yet."""
    duration, unit, mode, mask = layer.rotation_duration, layer.rotation_unit, layer.restrict_mode, layer.day_mask
    weekly = (isinstance(duration, int) and duration % WEEK == 0) or unit == "month"
    # The plain values first: most layers depend on no zone, and then nothing else need be looked at.
    if not (weekly or mode in (1, 2) or mask is not None) and is_known(duration, unit, mode):
        return None
    fields = {"handoff": layer.handoff_time, "restrict_mode": mode, "periods": layer.restrict_periods,
              "day_mask": mask}
    return fields if is_known(*fields.values(), duration, unit) else None


def _settle_zone_offset(model: ScheduleArgs, account_zone: Callable[[], ZoneInfo | None],
                        now: float) -> list[Failure]:
    """Set ``model.zone_offset``: the account's offset minus the schedule's, when some layer depends
    on the zone and they differ; the failures when the layers cannot be moved exactly."""
    zone = model.time_zone
    layers = model.layers if isinstance(model.layers, list) else []
    dependent = [(index, fields) for index, layer in enumerate(layers)
                 if isinstance(layer, LayerArgs) and (fields := _zone_fields(layer)) is not None]
    model.settle(zone_offset=None)
    if not dependent or not isinstance(zone, ZoneInfo):
        return []
    try:
        account = account_zone()
    except FlashdutyError as error:
        return [Failure("time_zone", f"layers[{dependent[0][0]}] has times Flashduty reads in the account's time "
                                     f"zone, and reading that zone failed: {error}")]
    if account is None:
        return [Failure("time_zone", "the account's time zone is unknown (/member/info gave none), so the layers' "
                                     "hand-offs, windows and day masks cannot be placed; set the account's zone in "
                                     "Flashduty")]
    delta = fixed_delta(zone, account, now)
    if delta is None:
        if model.dst != "follow":
            return [Failure("time_zone", _dst_failure(zone, account, now, dependent[0][0]))]
        delta = delta_at(zone, account, now)
    elif delta == 0:
        return []
    failures = []
    for index, fields in dependent:
        try:
            shift_layer(delta, **fields)
        except FormError as error:
            failures.append(Failure(f"layers[{index}].day_mask", str(error)))
    model.settle(zone_offset=delta)
    return failures


def _dst_failure(zone: ZoneInfo, account: ZoneInfo, now: float, index: int) -> str:
    deltas = sorted({delta_at(zone, account, now + day * DAY) for day in range(0, 366, 7)})
    apart = " and ".join(render_offset(delta) for delta in deltas)
    return (f"Flashduty reads the hand-off, windows and day mask of layers[{index}] in the account's time zone "
            f"{account.key}, whose offset from {zone.key} changes with daylight saving ({apart} in the coming "
            f"year): written once, they would be an hour off for part of the year. Write this schedule in the "
            f"account's zone (time_zone='{account.key}'), or set dst='follow' to write them for the offset in "
            f"force; then the first `pulumi up` after each switch moves them (preview shows a zone_offset change)")


def schedule_meaning(props: Mapping[str, Any], *, default_time_zone: str | None) -> dict[str, Any] | None:
    """What a schedule's inputs (or outputs) mean, whatever the spelling: the canonical form with every
    instant in UTC and the layers' wall-clock settings moved by ``zone_offset`` to the account's clock
    (so a change of ``time_zone`` alone is no change). Values the rules refuse (what the server held)
    are kept as they are; ``None`` if there is no zone to read the times in."""
    fields = {key: value for key, value in props.items() if key in ScheduleArgs.model_fields}
    time_zone = fields.get("time_zone") or default_time_zone
    if time_zone is None:
        return None
    model, _ = _parse(fields, time_zone, stored=True)
    if model is None:
        return None
    if isinstance(model.zone_offset, int) and isinstance(model.layers, list):
        # Hand-offs, windows and day masks as the account's clock reads them, which is what they mean.
        for layer in model.layers:
            fields = _zone_fields(layer) if isinstance(layer, LayerArgs) else None
            if fields is not None:
                with contextlib.suppress(FormError):
                    handoff, periods, mask = shift_layer(model.zone_offset, **fields)
                    layer.settle(handoff_time=handoff, restrict_periods=periods, day_mask=mask)
        model.settle(zone_offset=None)
    return unwrap_stored(model.canonical(zone=ZoneInfo("UTC")))


def schedule_people(canonical: Mapping[str, Any]) -> list[PersonRef]:
    """Every person a schedule's canonical inputs name, in layer groups and overrides (unknowns skipped).

    Reads 0.1.0's outputs too, whose overrides list people under ``person_ids``.
    """
    found: list[Any] = []
    for layer in _listed(canonical.get("layers")):
        for group in _listed(layer.get("groups") if isinstance(layer, Mapping) else None):
            for slot in _listed(group.get("members") if isinstance(group, Mapping) else None):
                found += _listed(slot.get("person_ids") if isinstance(slot, Mapping) else None)
    for override in _listed(canonical.get("overrides")):
        if isinstance(override, Mapping):
            found += _listed(override.get("people", override.get("person_ids")))
    return list(dict.fromkeys(ref for ref in found if isinstance(ref, int | str) and not isinstance(ref, bool)))


def _listed(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


# --- canonical inputs <-> the wire -------------------------------------------------------------
# Canonical inputs reach create/update as the engine sends them: keys whose value is None are absent.

def _epoch(text: Any) -> int:
    """Epoch seconds of a canonical instant (ISO 8601 with an offset)."""
    epoch = parse_instant(text)
    if isinstance(epoch, datetime):
        raise ValueError(f"not a canonical instant (it has no offset): {text!r}")
    return epoch


def _window_seconds(text: str) -> tuple[int, int]:
    start, end = (parse_window_bound(bound, is_end=is_end)[0]
                  for bound, is_end in zip(split_window(text), (False, True), strict=True))
    return start, end


def _layer_to_wire(layer: Mapping[str, Any], person_id: Callable[[PersonRef], int], delta: int) -> ScheduleLayer:
    """A canonical rotation layer as sent: hand-off, windows and day mask moved by ``delta`` seconds into
    the account's zone (``check`` made sure they move exactly)."""
    if layer.get("rotation_unit") == "month":
        rotation: dict[str, Any] = {"rotation_unit": "month", "rotation_value": layer.get("rotation_value")}
    else:
        rotation = {"rotation_duration": parse_duration(layer.get("rotation_duration"))}
    mask, end = layer.get("day_mask"), layer.get("layer_end")
    mode = parse_restrict_mode(layer["restrict_mode"])
    handoff, periods, days = shift_layer(
        delta, handoff=parse_handoff(layer["handoff_time"]), restrict_mode=mode,
        periods=[_window_seconds(window) for window in layer["restrict_periods"]],
        day_mask=None if mask is None else [parse_day_mask_day(day) for day in mask])
    return ScheduleLayer(
        layer_name=layer["layer_name"], mode=0, layer_start=_epoch(layer["layer_start"]),
        layer_end=None if end is None else _epoch(end), **rotation,
        handoff_time=handoff, fair_rotation=layer["fair_rotation"], restrict_mode=mode,
        restrict_periods=[ScheduleRestrictPeriod(restrict_start=start, restrict_end=end) for start, end in periods],
        day_mask=None if days is None else ScheduleDayMask(repeat=days),
        mask_continuous_enabled=layer["mask_continuous_enabled"],
        groups=[ScheduleGroup(group_name=group["group_name"],
                              members=[ScheduleMember(role_id=slot["role_id"],
                                                      person_ids=resolve_people(slot["person_ids"], person_id))
                                       for slot in group["members"]])
                for group in layer["groups"]])


def _override_to_wire(override: Mapping[str, Any], person_id: Callable[[PersonRef], int]) -> ScheduleLayer:
    name = override["name"]
    return ScheduleLayer(layer_name=OVERRIDE_PREFIX + name, mode=1, layer_start=_epoch(override["start"]),
                         layer_end=_epoch(override["end"]),
                         groups=[ScheduleGroup(group_name=name, members=[ScheduleMember(
                             role_id=0, person_ids=resolve_people(override["people"], person_id))])])


def _notify_to_wire(notify: Mapping[str, Any] | None) -> ScheduleNotify:
    if notify is None:
        # Sent rather than left out, so an update clears notifications even where a missing notify means "keep".
        return ScheduleNotify(by=ScheduleNotifyBy())
    fixed, advance = notify.get("fixed_time"), notify.get("advance_in_time")
    return ScheduleNotify(
        advance_in_time=None if advance is None else parse_duration(advance),
        fixed_time=None if fixed is None else ScheduleFixedTimeNotifyInfo(cycle="day", start=fixed),
        by=ScheduleNotifyBy(follow_preference=notify["follow_preference"],
                            personal_channels=notify["personal_channels"]),
        webhooks=[ScheduleImNotify(type=webhook["type"], settings=ScheduleImNotifySettings(
            **{key: webhook[key] for key in WebhookSettingsArgs.model_fields})) for webhook in notify["webhooks"]])


def schedule_to_wire(canonical: Mapping[str, Any], person_id: Callable[[PersonRef], int], *,
                     schedule_id: int | None = None,
                     keep_layers: Sequence[ScheduleLayer] = ()) -> ScheduleUpsertRequest:
    """The create/update body from canonical inputs (what ``check`` returned; not validated again):
    rotation layers (in the account's zone, by ``zone_offset``), then declared overrides as mode-1
    layers named ``OVERRIDE_PREFIX + name``, then ``keep_layers`` (override layers made elsewhere)
    unchanged. ``person_id`` resolves each person."""
    offset = canonical.get("zone_offset")
    delta = 0 if offset is None else _zone_offset(offset)
    layers = [_layer_to_wire(layer, person_id, delta) for layer in canonical["layers"]]
    layers += [_override_to_wire(override, person_id) for override in canonical["overrides"]]
    # No team is sent as 0, not left out: an update that omits team_id may keep the old team.
    return ScheduleUpsertRequest(schedule_id=schedule_id, schedule_name=canonical["schedule_name"],
                                 description=canonical["description"], team_id=canonical.get("team_id") or 0,
                                 layers=[*layers, *keep_layers], notify=_notify_to_wire(canonical.get("notify")))


Place = tuple[str | int, ...]
"""Where a person sits in a schedule: ``("layers", layer, group, role_id)`` or ``("overrides", name)``."""

Render = Callable[[int, Place], PersonRef]
"""Shows a person id read from the server at a place, as the program wrote that person there."""


def _layer_from_wire(index: int, layer: ScheduleLayer, render: Render, delta: int) -> dict[str, Any]:
    """A stored rotation layer in the API's input shape, people rendered, hand-off, windows and day
    mask moved back from the account's zone by ``delta`` (kept as stored when they cannot be)."""
    if layer.rotation_unit == "month" and layer.rotation_value:
        rotation: dict[str, Any] = {"rotation_unit": "month", "rotation_value": layer.rotation_value}
    elif layer.period is not None or layer.rotation_unit is None:
        rotation = {"rotation_duration": layer.period}
    else:  # a unit this release does not know: as stored
        rotation = {"rotation_unit": layer.rotation_unit, "rotation_value": layer.rotation_value}
    periods = [(period.restrict_start, period.restrict_end) for period in layer.restrict_periods]
    if not periods and (layer.restrict_start or 0) != (layer.restrict_end or 0):  # the legacy single window
        periods = [(layer.restrict_start or 0, layer.restrict_end or 0)]
    if not layer.restrict_mode:
        periods = []  # kept by the server under restrict_mode 0 too, where they mean nothing
    mask = layer.day_mask.repeat if layer.day_mask and layer.day_mask.repeat else None
    handoff = layer.handoff_time
    weekly = layer.period is not None and layer.period % WEEK == 0
    depends = weekly or layer.rotation_unit == "month" or layer.restrict_mode in (1, 2) or mask
    if delta and depends and layer.restrict_mode in (0, 1, 2):  # as _zone_fields decides for the inputs
        with contextlib.suppress(FormError):  # not expressible in the schedule's zone: shown as stored
            handoff, periods, mask = shift_layer(-delta, handoff=handoff, restrict_mode=layer.restrict_mode,
                                                 periods=periods, day_mask=mask)
    return {
        "layer_name": layer.display_name, "layer_start": layer.start, "layer_end": layer.end, **rotation,
        "handoff_time": handoff, "fair_rotation": layer.fair_rotation, "restrict_mode": layer.restrict_mode,
        "restrict_periods": [{"restrict_start": start, "restrict_end": end} for start, end in periods],
        "day_mask": mask, "mask_continuous_enabled": layer.mask_continuous_enabled,
        "groups": [{"group_name": group.display_name,
                    "members": [{"role_id": slot.role_id,
                                 "person_ids": [render(pid, ("layers", index, position, slot.role_id))
                                                for pid in slot.person_ids]}
                                for slot in group.members]}
                   for position, group in enumerate(layer.groups)],
    }


def _notify_from_wire(notify: ScheduleNotify | None, previous: Any) -> dict[str, Any] | None:
    if notify is None:
        return None
    advance = notify.advance_in_time
    if advance == 0 and not (isinstance(previous, Mapping) and previous.get("advance_in_time") is not None):
        # Servers that always answer 0 cannot tell "no reminder" from "at the hand-off": the program's word stands.
        advance = None
    return {"advance_in_time": advance,
            "fixed_time": None if notify.fixed_time is None else notify.fixed_time.model_dump(),
            "by": None if notify.by is None else notify.by.model_dump(),
            "webhooks": [webhook.model_dump() for webhook in notify.webhooks]}


def split_layers(schedule: ScheduleItem) -> tuple[list[ScheduleLayer], list[ScheduleLayer], list[ScheduleLayer]]:
    """A stored schedule's layers as (rotation layers, declared overrides, override layers made elsewhere)."""
    rotations, declared, unmanaged = [], [], []
    for layer in schedule.layers:
        if layer.mode != 1:
            rotations.append(layer)
        elif layer.display_name.startswith(OVERRIDE_PREFIX):
            declared.append(layer)
        else:
            unmanaged.append(layer)
    return rotations, declared, unmanaged


def schedule_from_wire(schedule: ScheduleItem, render: Render, *, time_zone: str,
                       zone_offset: Any = None, previous: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A schedule read from ``/schedule/info`` as canonical inputs, through the same model as the
    program's inputs, so the two compare equal when nothing changed. Never raises.

    ``render`` shows each person id at its :data:`Place`; ``time_zone`` (not stored by Flashduty)
    says how instants are written; ``zone_offset`` is the one the layers were written with (the
    account's zone minus the schedule's). What the input rules refuse (a ``voice`` channel, a
    30-minute rotation, a webhook type or an enum value this release does not know) is kept as
    stored. ``previous`` (the inputs it was written from) settles what the server may not tell
    apart: ``advance_in_time`` absent and ``0``; and the settings Flashduty does not store
    (``dst``, ``upcoming_shift_count``, ``adopt``).
    """
    previous = previous or {}
    rotations, declared, _ = split_layers(schedule)
    delta = 0 if zone_offset is None else _zone_offset(zone_offset)
    notify = _notify_from_wire(schedule.notify, previous.get("notify"))
    props = {
        "schedule_name": schedule.schedule_name, "description": schedule.description,
        "team_id": schedule.team_id or None, "time_zone": time_zone, "dst": previous.get("dst"),
        "enabled": not schedule.disabled, "adopt": previous.get("adopt", False),
        "upcoming_shift_count": previous.get("upcoming_shift_count"), "zone_offset": zone_offset,
        "layers": [_layer_from_wire(index, layer, render, delta) for index, layer in enumerate(rotations)],
        "overrides": [{"name": (name := layer.display_name.removeprefix(OVERRIDE_PREFIX)), "start": layer.start,
                       "end": layer.end, "people": [render(pid, ("overrides", name))
                                                    for group in layer.groups for pid in group.person_ids]}
                      for layer in declared],
        "notify": notify,
    }
    model, _ = _parse(props, time_zone, stored=True)
    assert model is not None  # stored=True keeps what the rules refuse instead of failing
    canonical = unwrap_stored(model.canonical())
    if not any(isinstance(layer, LayerArgs) and _zone_fields(layer) is not None
               for layer in (model.layers if isinstance(model.layers, list) else [])):
        canonical["zone_offset"] = None  # as check works it out: only layers that depend on the zone have one
    return canonical


# --- the provider ------------------------------------------------------------------------------

def _with_secrets(values: dict[str, Any]) -> dict[str, Any]:
    """Webhook tokens and signing secrets go to state as Pulumi secrets."""
    notify = values.get("notify")
    if not notify or not notify.get("webhooks"):
        return values
    webhooks = [{key: wrap_rpc_secret(value) if key in WEBHOOK_SECRETS and value else value
                 for key, value in webhook.items()} for webhook in notify["webhooks"]]
    return {**values, "notify": {**notify, "webhooks": webhooks}}


def _external(layer: ScheduleLayer, render: Callable[[int], PersonRef]) -> dict[str, Any]:
    """An override layer made outside Pulumi, shown as an output (it is kept, never reported as drift)."""
    people = [render(pid) for group in layer.groups for pid in group.person_ids]
    return {"name": layer.display_name, "start": layer.start, "end": layer.end, "person_ids": people}


READ_SPAN = 44 * DAY
"""The window read with a schedule (``/schedule/info`` takes windows under 45 days)."""
LOOK_BACK_UNKNOWN = 8 * DAY
"""How much of :data:`READ_SPAN` lies before now when the layers' rotations are not known yet: the
start of a weekly shift."""
_MORE_WINDOWS = 3
"""Further windows read, at most, to find where a long shift began or to list the upcoming shifts."""


def _look_back(layers: Any) -> int:
    """How much of the read window lies before now: enough to see where the current shift began (the
    longest rotation of ``layers``, canonical inputs, plus an hour), a day at least, 30 days at most;
    the rest of the window shows the upcoming shifts. One read then usually covers both."""
    periods = []
    for layer in _listed(layers):
        if not isinstance(layer, Mapping):
            continue
        with contextlib.suppress(FormError):  # a layer the rules refuse tells nothing here
            unit = _rotation_unit(layer["rotation_unit"]) if layer.get("rotation_unit") else None
            value = _rotation_value(layer.get("rotation_value")) if unit else None
            if unit and value:
                periods.append(value * (31 * DAY if unit == "month" else _UNIT_SECONDS[unit]))
            elif seconds := _rotation_duration(layer.get("rotation_duration")):
                periods.append(seconds)
    if not periods:
        return LOOK_BACK_UNKNOWN
    return min(max(max(periods) + HOUR, DAY), 30 * DAY)


class _Read(NamedTuple):
    """A schedule as ``/schedule/info`` returned it, and the window ``[start, end)`` of its shifts."""

    schedule: ScheduleItem
    start: int
    end: int


def _role(role_id: int) -> str:
    return ROLES.get(role_id, f"role {role_id}")


class ScheduleProvider(FlashdutyProvider):
    """Create, read, update and delete a Flashduty schedule."""

    kind = "schedule"
    # time_zone and dst only say how inputs were read; the instants and zone_offset carry any real change.
    compared = ("schedule_name", "description", "team_id", "enabled", "zone_offset", "upcoming_shift_count",
                "layers", "overrides", "notify")
    stored = (*compared, "time_zone", "dst", "adopt")

    def check_inputs(self, props: dict[str, Any]) -> tuple[dict[str, Any], list[Failure]]:
        return check_schedule(props, default_time_zone=self.settings.time_zone or None,
                              account_time_zone=self.account_time_zone)

    def meaning(self, props: dict[str, Any]) -> dict[str, Any] | None:
        return schedule_meaning(props, default_time_zone=self.settings.time_zone or None)

    def create_resource(self, inputs: dict[str, Any]) -> CreateResult:
        person_id = self._resolver(inputs)
        result = self.create_or_adopt(
            inputs, name=inputs["schedule_name"],
            create=lambda: self.client.create_schedule(schedule_to_wire(inputs, person_id)),
            take_over=lambda schedule_id: self._write(schedule_id, inputs, person_id),
            outputs=lambda schedule_id: self._finish(schedule_id, inputs),
            remove=lambda schedule_id: self.client.delete_schedules([schedule_id]))
        return CreateResult(result.id, _with_secrets(result.outs))

    def read_resource(self, id_: str, previous: dict[str, Any]) -> ReadResult:
        try:
            read = self._read(int(id_), previous)
        except NotFound as missing:
            self.confirm_gone(id_, previous.get("schedule_name", id_), missing, lambda: self._listed(int(id_)))
            return ReadResult(None, {})
        outputs = self._outputs(read, previous)
        inputs = {key: outputs[key] for key in self.stored}
        return ReadResult(id_, _with_secrets(outputs), _with_secrets(inputs))

    def update_resource(self, id_: str, inputs: dict[str, Any]) -> UpdateResult:
        self._write(int(id_), inputs, self._resolver(inputs))
        return UpdateResult(_with_secrets(self._outputs(self._read(int(id_), inputs), inputs)))

    def delete_resource(self, id_: str, previous: dict[str, Any]) -> None:
        self.delete_refusing_references(
            id_, previous.get("schedule_name", id_),
            lambda: self.client.delete_schedules([int(id_)], missing_ok=False),
            remedy="remove it from those first", still_there=lambda: self._listed(int(id_)))

    def _listed(self, schedule_id: int) -> bool:
        """Whether ``/schedule/infos`` lists the schedule: the second answer :meth:`confirm_gone` asks for."""
        return any(item.schedule_id == schedule_id for item in self.client.get_schedules([schedule_id]))

    def _resolver(self, inputs: dict[str, Any]) -> Callable[[PersonRef], int]:
        """Resolve (and verify) every person of the inputs up front, so a bad one fails before any write."""
        return self.directory.person_ids(schedule_people(inputs)).__getitem__

    def _read(self, schedule_id: int, previous: Mapping[str, Any]) -> _Read:
        """The schedule with the shifts of a :data:`READ_SPAN` around now, placed by the rotations of
        ``previous`` (inputs or the state) with :func:`_look_back`."""
        start = int(time.time()) - _look_back(previous.get("layers"))
        end = start + READ_SPAN
        return _Read(self.client.get_schedule(schedule_id, start=start, end=end), start, end)

    def _write(self, schedule_id: int, inputs: dict[str, Any], person_id: Callable[[PersonRef], int]) -> None:
        """Read-modify-write: send the whole schedule, keeping the override layers the program does not
        manage, then enable or disable it. If that second step fails, the schedule is put back as it was."""
        name = inputs["schedule_name"]
        try:
            current = self.client.get_schedule(schedule_id)
        except NotFound as missing:
            self.confirm_gone(str(schedule_id), name, missing, lambda: self._listed(schedule_id))
            raise FlashdutyError(f"schedule {name!r} (schedule_id {schedule_id}) was deleted outside Pulumi; run "
                                 "`pulumi refresh` and then `pulumi up` to recreate it") from None
        rotations, _, unmanaged = split_layers(current)
        body = schedule_to_wire(inputs, person_id, schedule_id=schedule_id, keep_layers=unmanaged)
        self.client.update_schedule(_keeping_unmanaged_fields(body, rotations, current.notify))
        try:
            self._apply_enabled(schedule_id, inputs, disabled=bool(current.disabled))
        except FlashdutyError as failure:
            try:
                self.client.update_schedule(ScheduleUpsertRequest(
                    schedule_id=schedule_id, schedule_name=current.schedule_name, description=current.description,
                    team_id=current.team_id or 0, layers=current.layers, notify=current.notify))
            except FlashdutyError as restore:
                raise FlashdutyError(f"schedule {name!r} (schedule_id {schedule_id}) was updated, but "
                                     f"{'enabling' if inputs.get('enabled', True) else 'disabling'} it failed "
                                     f"({failure}) and putting it back failed too ({restore}); run `pulumi up` "
                                     "again") from None
            raise

    def _apply_enabled(self, schedule_id: int, inputs: Mapping[str, Any], *, disabled: bool) -> None:
        enabled = inputs.get("enabled", True)
        if enabled and disabled:
            self.client.enable_schedules([schedule_id])
        elif not enabled and not disabled:
            self.client.disable_schedules([schedule_id])

    def _finish(self, schedule_id: int, inputs: dict[str, Any]) -> dict[str, Any]:
        """A created schedule disabled when the program says so, and read back."""
        self._apply_enabled(schedule_id, inputs, disabled=False)
        return self._outputs(self._read(schedule_id, inputs), inputs)

    def _zone_offset(self, previous: Mapping[str, Any], time_zone: str) -> Any:
        """The zone offset the stored layers were written with: the one in the state, else (adopting,
        importing) the one in force now."""
        if "zone_offset" in previous:
            return previous["zone_offset"]
        with contextlib.suppress(FlashdutyError, FormError):
            account = self.account_time_zone()
            if account and account != time_zone:
                zone, account_zone = parse_zone(time_zone), parse_zone(account)
                now = time.time()
                delta = fixed_delta(zone, account_zone, now)
                if delta != 0:  # as check works it out: zones a fixed 0 apart need no offset
                    return render_offset(delta_at(zone, account_zone, now) if delta is None else delta)
        return None

    def _outputs(self, read: _Read, previous: dict[str, Any]) -> dict[str, Any]:
        """What the server stored, in the program's canonical form, plus the computed outputs."""
        schedule = read.schedule
        time_zone = previous.get("time_zone") or self.settings.time_zone or self.account_time_zone()
        now = int(time.time())
        shifts = self._shifts(read, now, count=int(previous.get("upcoming_shift_count", DEFAULT_UPCOMING_SHIFTS)))
        everyone = {pid for layer in schedule.layers for group in layer.groups for pid in group.person_ids}
        everyone.update(pid for shift in shifts for pid in shift.group.person_ids)
        emails = self.directory.emails(everyone)
        forms = self._forms(previous)
        render = self.directory.renderer(everyone, {pid: ref for place in forms.values() for pid, ref in place.items()})
        canonical = schedule_from_wire(schedule, lambda pid, place: render(pid, forms.get(place)),
                                       time_zone=time_zone, zone_offset=self._zone_offset(previous, time_zone),
                                       previous=previous)
        current = next((shift for shift in shifts if shift.start <= now), None)
        upcoming = [shift for shift in shifts if shift is not current]
        return {**canonical, "schedule_id": schedule.schedule_id, "disabled": bool(schedule.disabled),
                "current_oncall": None if current is None else on_call(current, emails),
                "next_oncall": on_call(upcoming[0], emails) if upcoming else None,
                "upcoming_shifts": [on_call(shift, emails) for shift in shifts[:canonical["upcoming_shift_count"]]],
                "external_overrides": [_external(layer, render) for layer in split_layers(schedule)[2]]}

    def _forms(self, previous: Mapping[str, Any]) -> dict[Place, dict[int, PersonRef]]:
        """How the program wrote each person, place by place (see :data:`Place`)."""
        places: dict[Place, list[Any]] = {}
        for i, layer in enumerate(_listed(previous.get("layers"))):
            for j, group in enumerate(_listed(layer.get("groups") if isinstance(layer, Mapping) else None)):
                for slot in _listed(group.get("members") if isinstance(group, Mapping) else None):
                    if isinstance(slot, Mapping):
                        places.setdefault(("layers", i, j, slot.get("role_id", 0)), []).extend(
                            _listed(slot.get("person_ids")))
        for override in _listed(previous.get("overrides")):
            if isinstance(override, Mapping):
                places.setdefault(("overrides", override.get("name")), []).extend(
                    _listed(override.get("people", override.get("person_ids"))))
        known = self.directory.known(ref for refs in places.values() for ref in refs
                                     if isinstance(ref, int | str) and not isinstance(ref, bool))
        return {place: {known[ref]: ref for ref in refs if ref in known} for place, refs in places.items()}

    def _shifts(self, read: _Read, now: int, *, count: int) -> list[ScheduleCalculatedSchedule]:
        """The shift covering ``now`` (from where it really began) and the ones after it, from the
        server's computed ``final_schedule``: ``count`` of them and at least two (``next_oncall``), each
        whole (one that runs to the window's end may go on after it, so later windows are read then)."""
        schedule, window_start, end = read
        need = max(count, 2)
        pieces = [piece for piece in (schedule.final_schedule.schedules if schedule.final_schedule else [])
                  if piece.end > now]
        if pieces and pieces[0].start <= window_start:
            pieces[0] = self._began(schedule.schedule_id, pieces[0], window_start)
        for _ in range(_MORE_WINDOWS):
            if len(pieces) > need or (len(pieces) == need and pieces[-1].end < end):
                break
            later = self._pieces(schedule.schedule_id, end, end + READ_SPAN)
            if pieces and later and later[0].start == pieces[-1].end and _same_shift(later[0], pieces[-1]):
                pieces[-1] = pieces[-1].model_copy(update={"end": later.pop(0).end})
            pieces += later
            end += READ_SPAN
        return pieces[:need]

    def _began(self, schedule_id: int, piece: ScheduleCalculatedSchedule,
               window_start: int) -> ScheduleCalculatedSchedule:
        """``piece`` starting where its shift really began, when that is before the window read."""
        for _ in range(_MORE_WINDOWS):
            earlier = self._pieces(schedule_id, window_start - READ_SPAN, window_start)
            if not earlier or earlier[-1].end != piece.start or not _same_shift(earlier[-1], piece):
                break
            piece = piece.model_copy(update={"start": earlier[-1].start})
            window_start -= READ_SPAN
            if earlier[-1].start > window_start:
                break
        return piece

    def _pieces(self, schedule_id: int, start: int, end: int) -> list[ScheduleCalculatedSchedule]:
        schedule = self.client.get_schedule(schedule_id, start=start, end=end)
        return list(schedule.final_schedule.schedules) if schedule.final_schedule else []


def _keeping_unmanaged_fields(body: ScheduleUpsertRequest, rotations: Sequence[ScheduleLayer],
                              notify: ScheduleNotify | None) -> ScheduleUpsertRequest:
    """The update body with what no input states sent back as stored: a layer hidden in the web console
    (by position) and the legacy ``notify.im`` map."""
    hidden = [stored.hidden for stored in rotations]
    layers = [layer.model_copy(update={"hidden": hidden[index]})
              if layer.mode == 0 and index < len(hidden) and hidden[index] else layer
              for index, layer in enumerate(body.layers)]
    update: dict[str, Any] = {"layers": layers}
    if notify is not None and notify.im and body.notify is not None:
        update["notify"] = body.notify.model_copy(update={"im": dict(notify.im)})
    return body.model_copy(update=update)


def _same_shift(a: ScheduleCalculatedSchedule, b: ScheduleCalculatedSchedule) -> bool:
    """Two pieces of one shift, cut by the windows they were read in."""
    return a.index == b.index and a.group.members == b.group.members


def on_call(shift: ScheduleCalculatedSchedule, emails: Mapping[int, str]) -> dict[str, Any]:
    """A computed shift as the :class:`OnCall` output holds it; ``emails`` by person id."""
    people_ids = shift.group.person_ids
    roles = [{"role_id": slot.role_id, "role": _role(slot.role_id), "person_ids": list(slot.person_ids),
              "emails": [emails[pid] for pid in slot.person_ids if pid in emails]} for slot in shift.group.members]
    return {"start": shift.start, "end": shift.end, "person_ids": people_ids,
            "emails": [emails[pid] for pid in people_ids if pid in emails],
            "primary": [email for role in roles if role["role_id"] == 0 for email in role["emails"]],
            "backup": [email for role in roles if role["role_id"] == 1 for email in role["emails"]],
            "roles": roles}


# --- the resource ------------------------------------------------------------------------------

def _secret_webhooks(notify: Any) -> Any:
    """Mark webhook tokens and signing secrets secret, so Pulumi encrypts them in state."""
    if not isinstance(notify, Mapping) or not isinstance(notify.get("webhooks"), list):
        return notify

    def hide(webhook: Any) -> Any:
        if not isinstance(webhook, Mapping):
            return webhook
        hidden = {key: pulumi.Output.secret(value) if key in WEBHOOK_SECRETS and value else value
                  for key, value in webhook.items()}
        if isinstance(hidden.get("settings"), Mapping):
            hidden["settings"] = hide(hidden["settings"])
        return hidden

    return {**notify, "webhooks": [hide(webhook) for webhook in notify["webhooks"]]}


_DECLARED = ("schedule_name", "layers", "overrides", "time_zone", "dst")
"""The inputs that say who is on call: what :func:`flashcat_pulumi.oncall.log_preview` waits for (not a
new team's id, unknown at preview)."""


class Schedule(pulumi.dynamic.Resource, module="flashduty", name="Schedule"):
    """A Flashduty on-call schedule.

    Outputs: ``schedule_id`` (int), every input in canonical form (instants in the schedule's
    zone, ``"1w"``, ``"mon 09:00"``, ``"09:00-18:00"``, weekday names), ``zone_offset`` (how the
    layers' wall-clock settings were moved into the account's zone, e.g. ``"-1h"``, or ``None``),
    ``current_oncall`` and ``next_oncall`` (an :class:`OnCall` with the shift's real bounds, or
    ``None``), ``upcoming_shifts`` (the current shift and the ones after it, ``upcoming_shift_count``
    in all), ``disabled``, and ``external_overrides``: overrides made in the Flashduty web console,
    which updates keep and which are never drift.
    """

    schedule_id: pulumi.Output[int]
    schedule_name: pulumi.Output[str]
    description: pulumi.Output[str]
    team_id: pulumi.Output[int | None]
    time_zone: pulumi.Output[str]
    dst: pulumi.Output[str | None]
    zone_offset: pulumi.Output[str | None]
    enabled: pulumi.Output[bool]
    layers: pulumi.Output[list]
    overrides: pulumi.Output[list]
    notify: pulumi.Output[dict | None]
    adopt: pulumi.Output[bool]
    upcoming_shift_count: pulumi.Output[int]
    disabled: pulumi.Output[bool]
    current_oncall: pulumi.Output[OnCall | None]
    next_oncall: pulumi.Output[OnCall | None]
    upcoming_shifts: pulumi.Output[list[OnCall]]
    external_overrides: pulumi.Output[list]

    def __init__(self, resource_name: str, *, schedule_name: Input, layers: Sequence[Layer | Mapping[str, Any]],
                 description: Input = None, team_id: Input = None,
                 overrides: Sequence[Override | Mapping[str, Any]] | None = None,
                 notify: Notify | Mapping[str, Any] | None = None, time_zone: Input = None, dst: Input = None,
                 enabled: Input = True, upcoming_shift_count: Input = DEFAULT_UPCOMING_SHIFTS, adopt: bool = False,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        """``time_zone`` (IANA) says how wall-clock inputs are read; default: stack config
        ``flashduty:timeZone``, else the account's own zone. When the account's zone differs, the
        layers' hand-offs, windows and day masks are moved into it; ``dst="follow"`` allows zones whose
        offset changes with daylight saving (see the README). ``enabled=False`` keeps the schedule
        disabled. ``adopt=True`` takes over an existing schedule of the same name instead of failing."""
        props = {"schedule_name": schedule_name, "description": description, "team_id": team_id,
                 "layers": layers, "overrides": overrides, "notify": notify, "time_zone": time_zone, "dst": dst,
                 "enabled": enabled, "upcoming_shift_count": upcoming_shift_count, "adopt": adopt,
                 "zone_offset": None, "schedule_id": None, "disabled": None, "current_oncall": None,
                 "next_oncall": None, "upcoming_shifts": None, "external_overrides": None}
        inputs = to_input(props)
        inputs["notify"] = _secret_webhooks(inputs["notify"])
        super().__init__(ScheduleProvider(), resource_name, inputs, opts)
        # Imported here: oncall builds on this module.
        from flashcat_pulumi.oncall import log_preview
        log_preview(self, resource_name, {key: inputs[key] for key in _DECLARED})
