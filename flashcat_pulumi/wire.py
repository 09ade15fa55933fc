"""Pydantic models of the Flashduty Open API's JSON, named after the components of the official
OpenAPI document (``flashcat_pulumi/emulator/openapi.subset.json``; notes in docs/flashduty-api.md).

*Responses* parse leniently, as real Flashduty traffic requires (docs/flashduty-api.md §8, §12.4, §14):
``null`` is accepted wherever an array or object is declared (it becomes the field's default),
unknown fields are ignored, numbers arrive as ints, integral floats or numeric strings (and are
read as text where a string is declared), enumerations (``rotation_unit``, ``restrict_mode``,
webhook ``type``, personal channels) are plain values so one the client does not know still
parses, and legacy fields (``id``, ``name``, ``group_id``, ``enable_time``, ``status``, ...) stand
in for missing canonical ones. ``tests/fixtures/official`` holds the bodies this is checked on.

*Requests* are strict and complete: :class:`ScheduleUpsertRequest` and :class:`TeamUpsertRequest`
refuse unknown fields, and :meth:`ScheduleUpsertRequest.to_wire` writes every layer, group and
notify field the document marks required (all but the server-assigned ones), with the legacy
spellings beside the canonical ones (``name``/``layer_name``, ``enable_time``/``layer_start``,
``rotation_duration`` with ``rotation_unit``/``rotation_value``). Sources disagree on which of
them the server reads (§12, §14); a body that states both agrees with every reading.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "DutyError",
    "Envelope",
    "MemberInfoResponse",
    "MemberItem",
    "PersonItem",
    "ReferenceItem",
    "ScheduleCalculatedLayer",
    "ScheduleCalculatedSchedule",
    "ScheduleDayMask",
    "ScheduleFixedTimeNotifyInfo",
    "ScheduleGroup",
    "ScheduleImNotify",
    "ScheduleImNotifySettings",
    "ScheduleItem",
    "ScheduleLayer",
    "ScheduleMember",
    "ScheduleNotify",
    "ScheduleNotifyBy",
    "ScheduleOncallGroup",
    "ScheduleRestrictPeriod",
    "ScheduleUpsertRequest",
    "TeamItem",
    "TeamUpsertRequest",
    "TeamUpsertResponse",
    "WireModel",
    "WireRequest",
    "rotation_unit_of",
]

HOUR, DAY, WEEK = 3600, 86400, 604800
UNIT_SECONDS = {"hour": HOUR, "day": DAY, "week": WEEK}


class WireModel(BaseModel):
    """Base of every response shape: lenient on input."""

    # Numbers where text is declared (an error code 0, a numeric chat id) are read as text.
    model_config = ConfigDict(extra="ignore", populate_by_name=True, coerce_numbers_to_str=True)

    @model_validator(mode="before")
    @classmethod
    def _null_means_default(cls, data: Any) -> Any:
        # Flashduty sends null for empty arrays/objects; a missing key and null mean the same.
        if isinstance(data, dict):
            return {key: value for key, value in data.items() if value is not None}
        return data


class WireRequest(BaseModel):
    """Base of the request bodies we build: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def to_wire(self) -> dict[str, Any]:
        """The JSON body: fields left ``None`` are omitted, aliases applied."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


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

    @property
    def display_name(self) -> str:
        """``group_name``, else the legacy ``name``."""
        return self.group_name or self.name


class ScheduleRestrictPeriod(WireModel):
    """A window inside each day (restrict_mode 1) or week (restrict_mode 2), in seconds."""

    restrict_start: int
    restrict_end: int


class ScheduleDayMask(WireModel):
    """Weekdays a layer covers: 0 = Sunday ... 6 = Saturday."""

    repeat: list[int] = Field(default_factory=list)


class ScheduleLayer(WireModel):
    """A rotation rule (``mode`` 0) or an override (``mode`` 1), as stored and as sent."""

    layer_name: str = ""
    name: str = ""
    mode: int = 0
    groups: list[ScheduleGroup] = Field(default_factory=list)
    rotation_duration: int | None = None
    # A plain string: a unit this client does not know must not make the whole schedule unreadable.
    rotation_unit: str | None = None
    rotation_value: int | None = None
    handoff_time: int = 0
    fair_rotation: bool = False
    layer_start: int | None = None
    layer_end: int | None = None
    enable_time: int | None = None
    expire_time: int | None = None
    restrict_mode: int = 0
    restrict_periods: list[ScheduleRestrictPeriod] = Field(default_factory=list)
    restrict_start: int | None = None
    restrict_end: int | None = None
    day_mask: ScheduleDayMask | None = None
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
    def display_name(self) -> str:
        """``layer_name``, else the legacy ``name``."""
        return self.layer_name or self.name

    @property
    def start(self) -> int:
        """When the layer takes effect: ``layer_start``, else the legacy ``enable_time``."""
        return self.layer_start if self.layer_start is not None else (self.enable_time or 0)

    @property
    def end(self) -> int | None:
        """When the layer expires, ``None`` if open-ended (``layer_end``, else ``expire_time``; 0 = never)."""
        end = self.layer_end if self.layer_end is not None else self.expire_time
        return end or None

    @property
    def period(self) -> int | None:
        """The rotation in seconds (``rotation_unit``/``rotation_value``, else ``rotation_duration``);
        ``None`` for calendar months, for a unit this client does not know and for a layer without a
        rotation. An empty unit or a zero value (Go's zero values) counts as absent."""
        if self.rotation_unit and self.rotation_value:
            unit_seconds = UNIT_SECONDS.get(self.rotation_unit)
            # A month has no fixed length; an unknown unit's meaning (and so its duration) is unknown.
            return self.rotation_value * unit_seconds if unit_seconds else None
        return self.rotation_duration or None

    def request_body(self, weight: int) -> dict[str, Any]:
        """This layer as a complete request layer (every field but the server-assigned ones).

        ``weight`` is used when the layer carries none (a layer read from the server keeps its own).
        Raises :class:`ValueError` when the rotation cannot be stated as ``rotation_unit``/``rotation_value``
        (none, a unit this client does not know, or not a whole number of hours), unless the layer is an override.
        """
        name = self.display_name
        start, end = self.start, self.end
        if self.rotation_unit == "month" and self.rotation_value:
            unit, value, duration = "month", self.rotation_value, 0
        elif self.period is not None:
            duration = self.period
            try:
                unit, value = rotation_unit_of(duration)
            except ValueError as error:
                raise ValueError(f"layer {name!r}: {error}") from None
        elif self.mode == 1:
            # An override has one group: every rotation gives it the whole span, so any is right.
            unit, value, duration = "day", 1, DAY
        elif self.rotation_unit and self.rotation_value:
            raise ValueError(f"layer {name!r} has rotation_unit {self.rotation_unit!r}, which this client cannot "
                             f"write back (it knows hour, day, week and month)")
        else:
            raise ValueError(f"layer {name!r} has no rotation (rotation_unit/rotation_value or rotation_duration)")
        return {
            "layer_name": name, "name": name, "mode": self.mode,
            "weight": self.weight if self.weight is not None else weight, "hidden": self.hidden or 0,
            "groups": [{"group_name": group.display_name, "name": group.display_name,
                        "members": [member.model_dump() for member in group.members], "start": 0, "end": 0}
                       for group in self.groups],
            "rotation_unit": unit, "rotation_value": value, "rotation_duration": duration,
            "handoff_time": self.handoff_time, "fair_rotation": self.fair_rotation,
            "layer_start": start, "enable_time": start, "layer_end": end, "expire_time": end or 0,
            "restrict_mode": self.restrict_mode,
            "restrict_periods": [period.model_dump() for period in self.restrict_periods],
            "restrict_start": self.restrict_start or 0, "restrict_end": self.restrict_end or 0,
            "day_mask": self.day_mask.model_dump() if self.day_mask and self.day_mask.repeat else None,
            "mask_continuous_enabled": self.mask_continuous_enabled,
        }


def rotation_unit_of(seconds: int) -> tuple[str, int]:
    """``(rotation_unit, rotation_value)`` for a rotation of ``seconds``: the largest of week, day,
    hour that divides it. Raises :class:`ValueError` when it is not a whole number of hours."""
    for unit in ("week", "day", "hour"):
        value, rest = divmod(seconds, UNIT_SECONDS[unit])
        if not rest and value >= 1:
            return unit, value
    raise ValueError(f"a rotation of {seconds} seconds is not a whole number of hours, which is the "
                     f"smallest rotation_unit Flashduty has")


class ScheduleFixedTimeNotifyInfo(WireModel):
    """A daily reminder of who is on call: ``cycle`` ``"day"``, ``start`` ``"HH:MM"``."""

    cycle: str = ""
    start: str = ""


class ScheduleNotifyBy(WireModel):
    """Direct notifications to the people on call."""

    follow_preference: bool = False
    personal_channels: list[str] = Field(default_factory=list)


class ScheduleImNotifySettings(WireModel):
    """Settings of a group-chat notification (robot token or chat-app integration).

    Older documents call ``data_source_id`` ``integration_id`` (docs/flashduty-api.md §14).
    """

    token: str = ""
    alias: str = ""
    data_source_id: int = 0
    chat_ids: list[str] = Field(default_factory=list)
    verify_token: str = ""
    sign_secret: str = ""

    @model_validator(mode="before")
    @classmethod
    def _integration_id(cls, data: Any) -> Any:
        if isinstance(data, dict) and not data.get("data_source_id") and data.get("integration_id"):
            return {**data, "data_source_id": data["integration_id"]}
        return data


class ScheduleImNotify(WireModel):
    """A group-chat notification: ``type`` such as ``feishu_app`` or ``dingtalk``, plus settings.

    The Go SDK declares it flat (``{type, name, token, url}``); a flat token is read into settings.
    """

    type: str
    settings: ScheduleImNotifySettings = Field(default_factory=ScheduleImNotifySettings)

    @model_validator(mode="before")
    @classmethod
    def _flat_form(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("settings") is None and (data.get("token") or data.get("url")):
            flat = {key: value for key, value in data.items() if key != "type"}
            return {"type": data.get("type"), "settings": {**flat, "token": data.get("token") or data.get("url")}}
        return data


class ScheduleNotify(WireModel):
    """How a schedule tells people about their shifts.

    ``advance_in_time`` ``None`` (absent) means no reminder before a hand-off, ``0`` a reminder at the
    hand-off itself (docs/flashduty-api.md §14); the two are kept apart on the way in and out.
    """

    advance_in_time: int | None = None
    fixed_time: ScheduleFixedTimeNotifyInfo | None = None
    by: ScheduleNotifyBy | None = None
    webhooks: list[ScheduleImNotify] = Field(default_factory=list)
    im: dict[str, str] = Field(default_factory=dict)

    def request_body(self) -> dict[str, Any]:
        """The complete request form: ``fixed_time``, ``by`` and ``webhooks`` always present,
        ``advance_in_time`` only when a reminder is wanted (omitting it turns reminders off)."""
        fixed = self.fixed_time
        body: dict[str, Any] = {
            "fixed_time": fixed.model_dump() if fixed is not None and (fixed.cycle or fixed.start) else None,
            "by": (self.by or ScheduleNotifyBy()).model_dump(),
            "webhooks": [webhook.model_dump() for webhook in self.webhooks],
        }
        if self.advance_in_time is not None:
            body["advance_in_time"] = self.advance_in_time
        if self.im:
            body["im"] = dict(self.im)
        return body


class ScheduleCalculatedSchedule(WireModel):
    """A computed shift: who (``group``) is on call in ``[start, end)``."""

    start: int
    end: int
    group: ScheduleGroup = Field(default_factory=ScheduleGroup)
    index: int = 0


class ScheduleCalculatedLayer(WireModel):
    """The shifts one layer (or, for ``final_schedule``, the merged timeline) produces."""

    layer_name: str = ""
    name: str = ""
    mode: int = 0
    schedules: list[ScheduleCalculatedSchedule] = Field(default_factory=list)


class ScheduleOncallGroup(WireModel):
    """``cur_oncall``/``next_oncall``: a shift plus the ``weight`` of the layer it came from."""

    start: int
    end: int
    group: ScheduleGroup = Field(default_factory=ScheduleGroup)
    update_at: int = 0
    weight: int = 0
    index: int = 0


class ScheduleItem(WireModel):
    """A schedule as info, infos, list, self and preview return it.

    ``disabled`` is 0 (enabled) or 1 (disabled); older bodies state it only as ``status`` (same values).
    """

    schedule_id: int = 0
    schedule_name: str = ""
    description: str = ""
    team_id: int | None = None
    account_id: int = 0
    disabled: int = 0
    layers: list[ScheduleLayer] = Field(default_factory=list)
    schedule_layers: list[ScheduleCalculatedLayer] = Field(default_factory=list)
    final_schedule: ScheduleCalculatedLayer | None = None
    notify: ScheduleNotify | None = None
    cur_oncall: ScheduleOncallGroup | None = None
    next_oncall: ScheduleOncallGroup | None = None
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
            # Unlike the pairs above, disabled 0 is a value, so status stands in only when disabled is absent;
            # a status that is not a number (LEG types it as a string, values undocumented) says nothing.
            status = data.get("status")
            if data.get("disabled") is None and isinstance(status, int | str) and str(status).strip().isdigit():
                data["disabled"] = 1 if int(status) else 0
        return data


class ScheduleUpsertRequest(WireRequest):
    """Body of ``/schedule/create``, ``/schedule/update`` (with ``schedule_id``) and ``/schedule/preview``."""

    schedule_id: int | None = None
    schedule_name: str | None = None
    description: str | None = None
    team_id: int | None = None
    layers: list[ScheduleLayer] = Field(default_factory=list)
    notify: ScheduleNotify | None = None

    def to_wire(self) -> dict[str, Any]:
        """The complete body: each layer in full, weighted by its position unless it carries a weight."""
        body = self.model_dump(mode="json", exclude_none=True, exclude={"layers", "notify"})
        body["layers"] = [layer.request_body(weight=index) for index, layer in enumerate(self.layers)]
        if self.notify is not None:
            body["notify"] = self.notify.request_body()
        return body


# --- teams, members, persons -------------------------------------------------------------------

class TeamItem(WireModel):
    """A team as info and list return it (``/team/infos`` fills only id, name and person_ids)."""

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


class TeamUpsertRequest(WireRequest):
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


class TeamUpsertResponse(WireModel):
    """What ``/team/upsert`` returns."""

    team_id: int
    team_name: str = ""


class MemberItem(WireModel):
    """A member as ``/member/list`` returns it."""

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


class MemberInfoResponse(WireModel):
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


class PersonItem(WireModel):
    """A person as ``/person/infos`` returns it: a member (``as_`` ``"member"``) or the account owner."""

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
