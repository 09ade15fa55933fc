"""The Pulumi resources :class:`Team` and :class:`Schedule`, and typed helpers for their inputs.

The helpers only shape input: every value may be a plain value or a ``pulumi.Output``, and plain
dicts shaped like the Flashduty API work wherever a helper does. Parsing and validation happen in
the provider's ``check`` (at preview time, before any API call), so mistakes show up in
``pulumi preview`` with the property path that is wrong.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import pulumi
import pulumi.dynamic

from flashcat_pulumi.providers import ScheduleProvider, TeamProvider
from flashcat_pulumi.providers.schedule import WEBHOOK_SECRETS

__all__ = ["Group", "Layer", "Notify", "OnCall", "Override", "Schedule", "Team", "Webhook"]

Input = Any  # a value or a pulumi.Output of it
PersonInput = Input  # an email or a person id


@dataclasses.dataclass
class Group:
    """People on call together in one slot of a rotation.

    ``people``: emails or person ids (the primary on-call role); ``name`` is shown in Flashduty
    (default ``"A"``, ``"B"``, ... by position); ``role_id`` is the on-call role (0 primary, 1 backup).
    """

    people: Sequence[PersonInput]
    name: Input = None
    role_id: Input = None


@dataclasses.dataclass
class Layer:
    """A rotation rule: ``groups`` take turns, each for ``rotation_duration``.

    - ``layer_start``/``layer_end``: ISO date-time read in the schedule's ``time_zone``
      (``"2026-12-07T09:00"``), an aware ``datetime`` or epoch seconds; no end = open-ended.
    - ``rotation_duration``: ``"12h"``, ``"1d"``, ``"1w"``, a ``timedelta`` or seconds (1h to 30d);
      for calendar months use ``rotation_unit="month"`` and ``rotation_value``.
    - ``handoff_time``: for weekly rotations, ``"mon 09:00"`` or seconds after Monday 00:00.
    - ``groups``: a list of :class:`Group`, lists of people, or single people (one-person groups).
    - ``restrict_mode`` ``"daily"``/``"weekly"`` with ``restrict_periods`` such as
      ``[("09:00", "18:00")]`` or ``[("mon 09:00", "fri 18:00")]``: on call only inside the windows.
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
    """Someone else on call from ``start`` to ``end`` (holiday cover, a swap); wins over every layer."""

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
class OnCall(dict):
    """Who is on call in ``[start, end)`` (epoch seconds): ``person_ids`` and their ``emails``.

    A dict (``on_call["emails"]``) with attributes (``on_call.emails``); numbers are ints.
    """

    start: int = pulumi.property("start")
    end: int = pulumi.property("end")
    person_ids: list[int] = pulumi.property("person_ids")
    emails: list[str] = pulumi.property("emails")


def _to_input(value: Any) -> Any:
    """Helpers and Python values to what Pulumi can send: dicts, lists, strings, numbers, Outputs."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _to_input(getattr(value, f.name)) for f in dataclasses.fields(value)
                if getattr(value, f.name) is not None}
    if isinstance(value, Mapping):
        return {key: _to_input(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_to_input(item) for item in value]
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(f"a naive datetime ({value}) is ambiguous: give it a tzinfo, or pass an ISO string "
                             "read in the schedule's time_zone")
        return value.isoformat()
    if isinstance(value, timedelta):
        return int(value.total_seconds())
    return value


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



class Team(pulumi.dynamic.Resource, module="flashduty", name="Team"):
    """A Flashduty team. Its membership is fully managed: ``members`` replaces the team's member list.

    Outputs: ``team_id`` (int), ``team_name``, ``description``, ``members`` (as written: emails
    and/or person ids), ``person_ids`` (resolved, ints), ``ref_id``.
    """

    team_id: pulumi.Output[int]
    team_name: pulumi.Output[str]
    description: pulumi.Output[str]
    members: pulumi.Output[list]
    person_ids: pulumi.Output[list[int]]
    ref_id: pulumi.Output[str]
    adopt: pulumi.Output[bool]

    def __init__(self, resource_name: str, *, team_name: Input, description: Input = None,
                 members: Sequence[PersonInput] | Input = None, ref_id: Input = None, adopt: bool = False,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        """``adopt=True`` takes over an existing team of the same name instead of failing."""
        props = {"team_name": team_name, "description": description, "members": members, "ref_id": ref_id,
                 "adopt": adopt, "team_id": None, "person_ids": None}
        super().__init__(TeamProvider(), resource_name, _to_input(props), opts)


class Schedule(pulumi.dynamic.Resource, module="flashduty", name="Schedule"):
    """A Flashduty on-call schedule.

    Outputs: ``schedule_id`` (int), every input in canonical form (epoch seconds, durations in
    seconds), ``current_oncall`` and ``next_oncall`` (an :class:`OnCall` or ``None``), ``disabled``,
    and ``external_overrides``: overrides made in the Flashduty web console, which updates keep and
    which are never reported as drift.
    """

    schedule_id: pulumi.Output[int]
    schedule_name: pulumi.Output[str]
    description: pulumi.Output[str]
    team_id: pulumi.Output[int | None]
    time_zone: pulumi.Output[str]
    layers: pulumi.Output[list]
    overrides: pulumi.Output[list]
    notify: pulumi.Output[dict | None]
    adopt: pulumi.Output[bool]
    disabled: pulumi.Output[bool]
    current_oncall: pulumi.Output[OnCall | None]
    next_oncall: pulumi.Output[OnCall | None]
    external_overrides: pulumi.Output[list]

    def __init__(self, resource_name: str, *, schedule_name: Input, layers: Sequence[Layer | Mapping[str, Any]],
                 description: Input = None, team_id: Input = None,
                 overrides: Sequence[Override | Mapping[str, Any]] | None = None,
                 notify: Notify | Mapping[str, Any] | None = None, time_zone: Input = None, adopt: bool = False,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        """``time_zone`` (IANA) says how wall-clock inputs are read; default: stack config
        ``flashduty:timeZone``, else ``Asia/Shanghai``. ``adopt=True`` takes over an existing schedule of
        the same name instead of failing."""
        props = {"schedule_name": schedule_name, "description": description, "team_id": team_id,
                 "layers": layers, "overrides": overrides, "notify": notify, "time_zone": time_zone,
                 "adopt": adopt, "schedule_id": None, "disabled": None, "current_oncall": None,
                 "next_oncall": None, "external_overrides": None}
        inputs = _to_input(props)
        inputs["notify"] = _secret_webhooks(inputs["notify"])
        super().__init__(ScheduleProvider(), resource_name, inputs, opts)
