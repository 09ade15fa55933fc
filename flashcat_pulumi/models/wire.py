"""Pydantic models of the Flashduty Open API's JSON shapes (API.md §9–§11).

Responses are parsed leniently, as real Flashduty traffic requires: ``null`` is accepted wherever
an array or object is declared (it becomes the field's default), unknown fields are ignored, and
ids arrive as ints, integral floats or numeric strings (legacy docs type some ids as strings).
Requests are dumped with :meth:`WireModel.to_wire`, which drops unset optional fields and the
server-assigned ones.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "CalculatedLayer",
    "CalculatedShift",
    "DayMask",
    "DutyError",
    "Envelope",
    "Member",
    "MemberInfo",
    "OncallShift",
    "Person",
    "ReferenceItem",
    "RestrictPeriod",
    "Schedule",
    "ScheduleGroup",
    "ScheduleLayer",
    "ScheduleMember",
    "ScheduleNotify",
    "ScheduleNotifyBy",
    "ScheduleNotifyFixedTime",
    "ScheduleUpsert",
    "Team",
    "TeamBrief",
    "TeamUpsert",
    "TeamUpsertResult",
    "Webhook",
    "WebhookSettings",
    "WireModel",
]


class WireModel(BaseModel):
    """Base of every wire shape: lenient on input, exact on output."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _null_means_default(cls, data: Any) -> Any:
        # Flashduty sends null for empty arrays/objects; a missing key and null mean the same.
        if isinstance(data, dict):
            return {key: value for key, value in data.items() if value is not None}
        return data

    def to_wire(self, *, exclude: set[str] | None = None) -> dict[str, Any]:
        """The JSON body for a request: set fields only, ``None`` left out, aliases applied."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True, exclude=exclude)


# --- envelope ----------------------------------------------------------------------------------

_SUCCESS_CODES = {"", "0", "ok"}


class DutyError(WireModel):
    """The ``error`` object of an envelope."""

    code: str = ""
    message: str = ""
    reason: str = ""

    @property
    def is_success(self) -> bool:
        """Apifox-era success bodies carry ``{"code": "0"}`` or ``""``; ``"OK"`` is reserved for success."""
        return self.code.strip().lower() in _SUCCESS_CODES


class Envelope(WireModel):
    """Every response body: ``{request_id, data}`` on success, ``{request_id, error}`` on failure.

    ``data`` stays ``None`` when absent or null; an info call answering ``data: null`` means not found.
    """

    request_id: str | None = None
    data: Any = None
    error: DutyError | None = None


# --- schedules ---------------------------------------------------------------------------------

class ScheduleMember(WireModel):
    """A role slot inside a group: ``role_id`` 0 is the primary on-call role, 1 the backup."""

    role_id: int = 0
    person_ids: list[int] = Field(default_factory=list)


class ScheduleGroup(WireModel):
    """One rotation slot of a layer. ``start``/``end`` are 0 in stored configuration."""

    group_name: str = ""
    name: str = ""
    members: list[ScheduleMember] = Field(default_factory=list)
    start: int = 0
    end: int = 0

    @property
    def person_ids(self) -> list[int]:
        """Every person in the group, in order, without repeats."""
        return list(dict.fromkeys(pid for member in self.members for pid in member.person_ids))


class RestrictPeriod(WireModel):
    """A window inside each day (restrict_mode 1) or week (restrict_mode 2), in seconds."""

    restrict_start: int
    restrict_end: int


class DayMask(WireModel):
    """Weekdays a layer covers: 0 = Sunday ... 6 = Saturday."""

    repeat: list[int] = Field(default_factory=list)


SERVER_LAYER_FIELDS = {"account_id", "schedule_id", "create_at", "create_by", "update_at", "update_by"}


class ScheduleLayer(WireModel):
    """A rotation rule (``mode`` 0) or an override (``mode`` 1), as stored and as sent."""

    layer_name: str = ""
    name: str = ""
    mode: int = 0
    groups: list[ScheduleGroup] = Field(default_factory=list)
    rotation_duration: int | None = None
    rotation_unit: Literal["hour", "day", "week", "month"] | None = None
    rotation_value: int | None = None
    handoff_time: int = 0
    fair_rotation: bool = False
    layer_start: int | None = None
    layer_end: int | None = None
    enable_time: int | None = None
    expire_time: int | None = None
    restrict_mode: int = 0
    restrict_periods: list[RestrictPeriod] = Field(default_factory=list)
    restrict_start: int | None = None
    restrict_end: int | None = None
    day_mask: DayMask | None = None
    mask_continuous_enabled: bool = False
    weight: int | None = None
    hidden: int | None = None
    account_id: int | None = None
    schedule_id: int | None = None
    create_at: int | None = None
    create_by: int | None = None
    update_at: int | None = None
    update_by: int | None = None

    @property
    def start(self) -> int:
        """When the layer takes effect: ``layer_start``, else the legacy ``enable_time``."""
        return self.layer_start if self.layer_start is not None else (self.enable_time or 0)

    @property
    def end(self) -> int | None:
        """When the layer expires, ``None`` if open-ended (``layer_end``, else ``expire_time``; 0 = never)."""
        end = self.layer_end if self.layer_end is not None else self.expire_time
        return end or None


class ScheduleNotifyFixedTime(WireModel):
    """A daily reminder of who is on call: ``cycle`` ``"day"``, ``start`` ``"HH:MM"``."""

    cycle: str = ""
    start: str = ""


class ScheduleNotifyBy(WireModel):
    """Direct notifications to the people on call."""

    follow_preference: bool = False
    personal_channels: list[str] = Field(default_factory=list)


class WebhookSettings(WireModel):
    """Settings of a group-chat notification (robot token or chat-app integration)."""

    token: str = ""
    alias: str = ""
    data_source_id: int = 0
    chat_ids: list[str] = Field(default_factory=list)
    verify_token: str = ""
    sign_secret: str = ""


class Webhook(WireModel):
    """A group-chat notification: ``type`` such as ``feishu_app`` or ``dingtalk``, plus settings."""

    type: str
    settings: WebhookSettings = Field(default_factory=WebhookSettings)


class ScheduleNotify(WireModel):
    """How a schedule tells people about their shifts."""

    advance_in_time: int = 0
    fixed_time: ScheduleNotifyFixedTime | None = None
    by: ScheduleNotifyBy | None = None
    webhooks: list[Webhook] = Field(default_factory=list)
    im: dict[str, str] = Field(default_factory=dict)


class CalculatedShift(WireModel):
    """A computed shift: who (``group``) is on call in ``[start, end)``."""

    start: int
    end: int
    group: ScheduleGroup = Field(default_factory=ScheduleGroup)
    index: int = 0


class CalculatedLayer(WireModel):
    """The shifts one layer (or, for ``final_schedule``, the merged timeline) produces."""

    layer_name: str = ""
    name: str = ""
    mode: int = 0
    schedules: list[CalculatedShift] = Field(default_factory=list)


class OncallShift(WireModel):
    """``cur_oncall``/``next_oncall``: a shift plus the ``weight`` of the layer it came from."""

    start: int
    end: int
    group: ScheduleGroup = Field(default_factory=ScheduleGroup)
    update_at: int = 0
    weight: int = 0
    index: int = 0


class Schedule(WireModel):
    """``ScheduleItem``: a schedule as info, infos, list and preview return it."""

    schedule_id: int = 0
    schedule_name: str = ""
    description: str = ""
    team_id: int | None = None
    account_id: int = 0
    disabled: int = 0
    layers: list[ScheduleLayer] = Field(default_factory=list)
    schedule_layers: list[CalculatedLayer] = Field(default_factory=list)
    final_schedule: CalculatedLayer | None = None
    notify: ScheduleNotify | None = None
    cur_oncall: OncallShift | None = None
    next_oncall: OncallShift | None = None
    start: int = 0
    end: int = 0
    create_at: int = 0
    create_by: int = 0
    update_at: int = 0
    update_by: int = 0

    @model_validator(mode="before")
    @classmethod
    def _legacy_aliases(cls, data: Any) -> Any:
        # Legacy fields duplicate the canonical ones; use them only when the canonical one is absent.
        if isinstance(data, dict):
            data = dict(data)
            for canonical, legacy in (("schedule_id", "id"), ("schedule_name", "name"),
                                      ("team_id", "group_id"), ("schedule_layers", "layer_schedules")):
                if data.get(canonical) in (None, 0, "") and data.get(legacy) not in (None, 0, ""):
                    data[canonical] = data[legacy]
        return data


class ScheduleUpsert(WireModel):
    """Body of ``/schedule/create``, ``/schedule/update`` (with ``schedule_id``) and ``/schedule/preview``."""

    schedule_id: int | None = None
    schedule_name: str | None = None
    description: str | None = None
    team_id: int | None = None
    layers: list[ScheduleLayer] = Field(default_factory=list)
    notify: ScheduleNotify | None = None

    def to_wire(self, *, exclude: set[str] | None = None) -> dict[str, Any]:
        body = super().to_wire(exclude=exclude)
        for layer in body.get("layers", []):
            for field in SERVER_LAYER_FIELDS:
                layer.pop(field, None)
        return body


# --- teams, members, persons -------------------------------------------------------------------

class Team(WireModel):
    """``TeamItem``: a team as info and list return it (``/team/infos`` fills only the first three)."""

    team_id: int
    team_name: str = ""
    person_ids: list[int] = Field(default_factory=list)
    description: str = ""
    status: str = "enabled"
    ref_id: str = ""
    account_id: int = 0
    creator_id: int = 0
    creator_name: str = ""
    updated_by: int = 0
    updated_by_name: str = ""
    created_at: int = 0
    updated_at: int = 0


TeamBrief = Team
"""``/team/infos`` items: a :class:`Team` with only ``team_id``, ``team_name`` and ``person_ids`` set."""


class TeamUpsert(WireModel):
    """Body of ``/team/upsert``: no ``team_id`` creates, a ``team_id`` updates (``team_name`` always)."""

    team_name: str
    team_id: int | None = None
    description: str | None = None
    person_ids: list[int] | None = None
    emails: list[str] | None = None
    phones: list[str] | None = None
    country_code: str | None = Field(default=None, alias="countryCode")
    ref_id: str | None = None
    reset_if_name_exist: bool | None = None


class TeamUpsertResult(WireModel):
    """What ``/team/upsert`` returns."""

    team_id: int
    team_name: str = ""


class Member(WireModel):
    """``MemberItem`` from ``/member/list``."""

    member_id: int
    member_name: str = ""
    email: str = ""
    phone: str = ""
    country_code: str = ""
    status: str = "enabled"
    email_verified: bool = False
    phone_verified: bool = False
    avatar: str = ""
    account_role_ids: list[int] = Field(default_factory=list)
    ref_id: str = ""
    is_external: bool = False
    locale: str = ""
    time_zone: str = ""
    account_id: int = 0
    created_at: int = 0
    updated_at: int = 0


class MemberInfo(WireModel):
    """``/member/info``: the member owning the app key, and their account."""

    member_id: int = 0
    member_name: str = ""
    email: str = ""
    phone: str = ""
    country_code: str = ""
    status: str = ""
    locale: str = ""
    time_zone: str = ""
    is_external: bool = False
    email_verified: bool = False
    phone_verified: bool = False
    avatar: str = ""
    created_at: int = 0
    account_id: int = 0
    account_name: str = ""
    account_email: str = ""
    account_avatar: str = ""
    account_role_ids: list[int] = Field(default_factory=list)
    account_locale: str = ""
    account_time_zone: str = ""
    domain: str = ""


class Person(WireModel):
    """``PersonItem`` from ``/person/infos``: a member (``as_`` ``"member"``) or the account owner."""

    person_id: int
    person_name: str = ""
    email: str = ""
    phone: str = ""
    as_: str = Field(default="", alias="as")
    status: str = ""
    account_id: int = 0
    avatar: str = ""
    locale: str = ""
    time_zone: str = ""
    email_verified: bool = False
    phone_verified: bool = False


class ReferenceItem(WireModel):
    """An entry of ``data.refs`` in a ``ReferenceExist`` failure."""

    kind: str = ""
    name: str = ""
    href: str = ""
