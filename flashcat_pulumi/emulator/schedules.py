"""The schedule endpoints (docs/flashduty-api.md §9.1, §10), with the unlisted ``/schedule/enable``
and ``/schedule/disable`` (§9.4, §14): their rules, and ``ScheduleItem``s with shifts computed by
:mod:`flashcat_pulumi.timeline`.

Each endpoint is a function ``(state, body, actor) -> data`` called with the state's lock held;
``actor`` is the person the app key belongs to. Requests arrive here after the OpenAPI schema
(:mod:`.openapi`) has checked their shape; these rules are the ones it cannot state: unique names,
existing teams and persons, rotations of 1 hour to 30 days, windows within the day or week,
day masks against weekly windows, overrides with one group and an end, windows under 45 days.

A stored layer is complete: every ``ScheduleLayer`` field, the canonical and the legacy spelling
of each (``layer_start``/``enable_time``, ...), ``rotation_duration`` computed from
``rotation_unit``/``rotation_value`` in hours, days and weeks, ``weight`` its position.

Decisions where docs/flashduty-api.md is silent:

* A schedule without a team has ``team_id`` (and ``group_id``) 0; a schedule created without
  ``notify`` has ``notify: null``. An update replaces name, description, team, layers and notify,
  and needs ``layers``. A duplicate name answers ``InvalidParameter``.
* ``rotation_value``/``rotation_duration`` of 0, ``""`` and ``null`` count as absent. A rotation in
  hours, days or weeks may exceed 30 units while it stays within 30 days (Flashduty's Terraform
  provider writes 48 hours).
* ``restrict_mode`` 1 or 2 needs at least one window (``restrict_periods`` or the legacy
  ``restrict_start``/``restrict_end``); a layer without ``layer_name`` takes its ``name``.
* An empty ``notify.fixed_time`` (``cycle`` and ``start`` both empty) means none.
* A window (``start``/``end``) of ``/schedule/list`` or ``/schedule/self`` counts as given only
  when both are non-zero. ``/schedule/self`` returns the stored layers and no computed shifts,
  like the EN example; ``/schedule/list`` with a window returns items like ``/schedule/info``.
* ``cur_oncall``/``next_oncall`` come from the window [now, now + 45 days), so ``cur_oncall``
  starts at now, like the EN example.
* ``/schedule/delete`` ignores unknown ids and checks the references of all ids before deleting
  any; ``/schedule/infos`` leaves unknown ids out.
* ``/schedule/enable`` and ``/schedule/disable`` take ``{"schedule_ids": [...]}`` (non-empty, no
  upper bound, like ``/schedule/delete``, whose body they share), ignore unknown ids, and answer
  ``{}``. A schedule whose flag changes gets ``update_at``/``update_by``; one already in that state
  is left alone. Every ``ScheduleItem`` but preview's carries ``disabled`` (0 or 1) and the legacy
  ``status`` equal to it; ``/schedule/update`` leaves the flag as it is (a ``status`` in its body
  is ignored). A disabled schedule keeps its layers and still computes its shifts and on-call
  snapshots: disabling stops its notifications, not its calendar.
* ``notify.advance_in_time`` is stored as given: absent stays absent (no advance notice, per the
  CLI's notes) and 0 stays 0 (notice at the hand-off). ``notify.by.personal_channels`` accepts
  ``voice`` (the phone call, §14) as well as ``phone`` (the Terraform provider's name).
* A stored layer the rotation engine cannot read or expand (only a test's raw edit,
  ``WebConsole.edit_schedule_raw``, can store one: no rotation, an unknown unit, a non-numeric
  field) yields no shifts; the other layers compute as usual, and the schedule's body is returned as
  stored.
"""

from __future__ import annotations

import re
from typing import Any

from flashcat_pulumi.emulator.body import Body, check_range, dedupe
from flashcat_pulumi.emulator.errors import invalid, not_found, referenced
from flashcat_pulumi.emulator.paging import ordered, page, paging
from flashcat_pulumi.emulator.state import Record, State
from flashcat_pulumi.emulator.teams import known_person
from flashcat_pulumi.timeline import Shift, Timeline, compute
from flashcat_pulumi.wire import ScheduleLayer

__all__ = [
    "APP_WEBHOOKS",
    "EDITABLE",
    "ROBOT_WEBHOOKS",
    "item",
    "replace",
    "schedule_create",
    "schedule_delete",
    "schedule_disable",
    "schedule_enable",
    "schedule_fields",
    "schedule_info",
    "schedule_infos",
    "schedule_list",
    "schedule_preview",
    "schedule_self",
    "schedule_update",
]

HOUR = 3600
DAY = 86400
WEEK = 7 * DAY
MAX_WINDOW = 45 * DAY
SELF_WINDOW = 30 * DAY
ONCALL_LOOKAHEAD = 45 * DAY
NAME_MAX = 40
UNIT_SECONDS = {"hour": HOUR, "day": DAY, "week": WEEK}
ROTATION_UNITS = ("hour", "day", "week", "month")
ROBOT_WEBHOOKS = ("feishu", "dingtalk", "wecom", "slack", "telegram", "zoom")
APP_WEBHOOKS = ("feishu_app", "dingtalk_app", "wecom_app", "teams_app", "slack_app")
EDITABLE = ("schedule_name", "description", "team_id", "layers", "notify")
"""The fields an update replaces."""
_CHANNEL = re.compile(r"^(email|sms|voice|phone|(feishu|dingtalk|wecom|slack|teams)_app:\d+)$")
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


# --- the rules of a schedule body ----------------------------------------------------------------

def schedule_fields(state: State, body: Body, *, schedule_id: int) -> dict[str, Any]:
    """The editable fields of a create or update body (of schedule ``schedule_id``, 0 when new),
    checked and normalized."""
    key = "schedule_name" if body.string("schedule_name") else "name"
    name = body.string(key) or ""
    if not name.strip():
        raise invalid(f"schedule_name: required, 1 to {NAME_MAX} characters")
    if len(name) > NAME_MAX:
        raise invalid(f"{key}: must be 1 to {NAME_MAX} characters, got {len(name)}")
    for other in state.schedules.values():
        if other["schedule_name"] == name and other["schedule_id"] != schedule_id:
            raise invalid(f"{key}: a schedule named {name!r} already exists (schedule_id "
                          f"{other['schedule_id']}); names are unique per account")
    description = body.string("description", max_len=500) or ""
    team_id = body.integer("team_id", default=0, lo=0)
    if team_id and team_id not in state.teams:
        raise invalid(f"team_id: no team with id {team_id}")
    return {"schedule_name": name, "description": description, "team_id": team_id,
            "layers": _layers(state, body), "notify": _notify(body.obj("notify"))}


def _layers(state: State, body: Body) -> list[dict[str, Any]]:
    layers = body.objects("layers")
    if not layers:
        raise invalid("layers: required, a non-empty list of layers")
    return [_layer(state, layer, i) for i, layer in enumerate(layers)]


def _layer(state: State, b: Body, index: int) -> dict[str, Any]:
    mode = b.integer("mode", default=0)
    if mode not in (0, 1):
        raise invalid(f"{b.at('mode')}: must be 0 (rotation) or 1 (override), got {mode}")
    name_key = "layer_name" if b.string("layer_name") else "name"
    layer_name = b.string(name_key) or ""
    hidden = b.integer("hidden", default=0)
    if hidden not in (0, 1):
        raise invalid(f"{b.at('hidden')}: must be 0 or 1, got {hidden}")
    start_key = "layer_start" if b.has("layer_start") else "enable_time"
    start = b.integer(start_key, lo=0)
    if start is None:
        raise invalid(f"{b.at('layer_start')}: required (or enable_time), a Unix time in seconds")
    end_key = "layer_end" if b.has("layer_end") else "expire_time"
    end = b.integer(end_key) or None
    if end is not None and end <= start:
        raise invalid(f"{b.at(end_key)}: must be after layer_start ({start}), got {end}")
    duration, unit, value = _rotation(b, mode)
    handoff = b.integer("handoff_time", default=0)
    if not 0 <= handoff < WEEK:
        raise invalid(f"{b.at('handoff_time')}: must be at least 0 and below {WEEK} seconds, got {handoff}")
    restrict_mode = b.integer("restrict_mode", default=0)
    if restrict_mode not in (0, 1, 2):
        raise invalid(f"{b.at('restrict_mode')}: must be 0 (none), 1 (daily) or 2 (weekly), "
                      f"got {restrict_mode}")
    periods, restrict_start, restrict_end = _restrictions(b, restrict_mode)
    day_mask = _day_mask(b, restrict_mode)
    groups = b.objects("groups")
    if not groups:
        raise invalid(f"{b.at('groups')}: required, at least one group")
    if mode == 1:
        if len(groups) != 1:
            raise invalid(f"{b.at('groups')}: an override layer (mode 1) takes exactly one group, "
                          f"got {len(groups)}")
        if end is None:
            raise invalid(f"{b.at('layer_end')}: required for an override layer (mode 1)")
    return {
        "account_id": 0, "name": layer_name, "schedule_id": 0, "hidden": hidden, "mode": mode,
        "weight": index, "groups": [_group(state, g) for g in groups], "rotation_duration": duration,
        "handoff_time": handoff, "enable_time": start, "expire_time": end or 0,
        "restrict_mode": restrict_mode, "restrict_start": restrict_start, "restrict_end": restrict_end,
        "restrict_periods": periods, "day_mask": day_mask, "create_at": 0, "create_by": 0,
        "update_at": 0, "update_by": 0, "layer_name": layer_name,
        "fair_rotation": b.boolean("fair_rotation"), "layer_start": start, "layer_end": end,
        "rotation_unit": unit, "rotation_value": value,
        "mask_continuous_enabled": b.boolean("mask_continuous_enabled"),
    }


def _rotation(b: Body, mode: int) -> tuple[int, str | None, int | None]:
    """``(rotation_duration, rotation_unit, rotation_value)`` of a layer."""
    duration = b.integer("rotation_duration") or 0
    if duration:
        check_range(duration, b.at("rotation_duration"), HOUR, 30 * DAY, " seconds")
    unit = b.string("rotation_unit") or None
    if unit is not None and unit not in ROTATION_UNITS:
        raise invalid(f"{b.at('rotation_unit')}: must be one of {', '.join(ROTATION_UNITS)}, got {unit!r}")
    value = b.integer("rotation_value") or None
    if value is not None:
        check_range(value, b.at("rotation_value"), 1, 30 if unit == "month" else None)
        if unit is None:
            raise invalid(f"{b.at('rotation_unit')}: required with rotation_value, one of "
                          f"{', '.join(ROTATION_UNITS)}")
    if unit is not None and value is None:
        raise invalid(f"{b.at('rotation_value')}: required with rotation_unit, between 1 and 30")
    if mode == 0 and unit is None and not duration:
        raise invalid(f"{b.at('rotation_duration')}: a rotation layer (mode 0) needs rotation_duration "
                      f"(3600 to 2592000 seconds) or rotation_unit and rotation_value")
    if unit in UNIT_SECONDS and value is not None:
        duration = check_range(value * UNIT_SECONDS[unit], b.at("rotation_value"), HOUR, 30 * DAY,
                               f" seconds ({value} {unit}s)")
    return duration, unit, value


def _restrictions(b: Body, mode: int) -> tuple[list[dict[str, int]], int, int]:
    """``(restrict_periods, restrict_start, restrict_end)``, checked against the daily or weekly cycle."""
    cycle = WEEK if mode == 2 else DAY
    periods = []
    for period in b.objects("restrict_periods") or []:
        window = []
        for key in ("restrict_start", "restrict_end"):
            value = period.integer(key)
            if value is None:
                raise invalid(f"{period.at(key)}: required, seconds from the start of the cycle")
            window.append(value)
        periods.append({"restrict_start": window[0], "restrict_end": window[1]})
    legacy = (b.integer("restrict_start", default=0), b.integer("restrict_end", default=0))
    if mode == 0:
        return periods, *legacy
    if periods:
        checked = [(f"{b.at('restrict_periods')}[{i}]", (p["restrict_start"], p["restrict_end"]))
                   for i, p in enumerate(periods)]
    elif legacy[0] != legacy[1]:
        checked = [(b.where, legacy)]
    else:
        raise invalid(f"{b.at('restrict_periods')}: required when restrict_mode is {mode}: at least one "
                      f"window {{restrict_start, restrict_end}}")
    kind = "a day" if mode == 1 else "a week"
    for where, (start, end) in checked:
        prefix = f"{where}." if where else ""
        for key, value in (("restrict_start", start), ("restrict_end", end)):
            if not 0 <= value <= cycle:
                raise invalid(f"{prefix}{key}: must be between 0 and {cycle} seconds (within {kind} for "
                              f"restrict_mode {mode}), got {value}")
        if start == end:
            raise invalid(f"{prefix}restrict_end: must differ from restrict_start ({start})")
    return periods, *legacy


def _day_mask(b: Body, restrict_mode: int) -> dict[str, list[int]] | None:
    mask = b.obj("day_mask")
    if mask is None:
        return None
    repeat = mask.integers("repeat") or []
    for i, day in enumerate(repeat):
        check_range(day, f"{mask.at('repeat')}[{i}]", 0, 6, " (0 = Sunday ... 6 = Saturday)")
        if day in repeat[:i]:
            raise invalid(f"{mask.at('repeat')}[{i}]: day {day} is listed twice")
    if restrict_mode == 2 and repeat:
        raise invalid(f"{b.at('day_mask')}: cannot be combined with restrict_mode 2 (weekly windows); "
                      f"leave day_mask empty")
    return {"repeat": repeat}


def _group(state: State, b: Body) -> dict[str, Any]:
    name = b.string("group_name") or b.string("name") or ""
    members = b.objects("members")
    if not members:
        raise invalid(f"{b.at('members')}: required, at least one {{role_id, person_ids}}")
    slots = []
    for member in members:
        role_id = member.integer("role_id", default=0, lo=0)
        person_ids = member.integers("person_ids")
        if not person_ids:
            raise invalid(f"{member.at('person_ids')}: required, at least one person id")
        for i, person_id in enumerate(person_ids):
            known_person(state, person_id, f"{member.at('person_ids')}[{i}]")
        slots.append({"role_id": role_id, "person_ids": person_ids})
    return {"group_name": name, "name": name, "members": slots, "start": 0, "end": 0}


def _notify(b: Body | None) -> dict[str, Any] | None:
    if b is None:
        return None
    advance = b.integer("advance_in_time", lo=0, unit=" seconds")
    if advance is not None and advance % 300:
        raise invalid(f"{b.at('advance_in_time')}: must be a multiple of 300 seconds (5 minutes), got {advance}")
    fixed = None
    fixed_body = b.obj("fixed_time")
    if fixed_body is not None:
        cycle = fixed_body.string("cycle") or ""
        start = fixed_body.string("start") or ""
        if cycle or start:
            if cycle != "day":
                raise invalid(f"{fixed_body.at('cycle')}: must be 'day', got {cycle!r}")
            if not _HHMM.match(start):
                raise invalid(f"{fixed_body.at('start')}: must be a time 'HH:MM' such as '08:00', got {start!r}")
            fixed = {"cycle": cycle, "start": start}
    by = None
    by_body = b.obj("by")
    if by_body is not None:
        channels = by_body.strings("personal_channels")
        for i, channel in enumerate(channels or []):
            if not _CHANNEL.match(channel):
                raise invalid(f"{by_body.at('personal_channels')}[{i}]: must be email, sms, voice, phone or "
                              f"<feishu|dingtalk|wecom|slack|teams>_app:<integration id>, got {channel!r}")
        by = {"follow_preference": by_body.boolean("follow_preference"), "personal_channels": channels}
    webhook_bodies = b.objects("webhooks")
    webhooks = None if webhook_bodies is None else [_webhook(w) for w in webhook_bodies]
    notify: dict[str, Any] = {} if advance is None else {"advance_in_time": advance}
    notify.update(fixed_time=fixed, by=by, webhooks=webhooks)
    im = b.obj("im")
    if im is not None:
        notify["im"] = {key: im.string(key) or "" for key in im.data}
    return notify


def _webhook(w: Body) -> dict[str, Any]:
    kind = w.string("type") or ""
    if kind not in APP_WEBHOOKS + ROBOT_WEBHOOKS:
        raise invalid(f"{w.at('type')}: must be one of {', '.join(APP_WEBHOOKS + ROBOT_WEBHOOKS)}, got {kind!r}")
    s = w.obj("settings") or Body({}, w.at("settings"))
    settings = {"token": s.string("token") or "", "alias": s.string("alias") or "",
                "data_source_id": s.integer("data_source_id", default=0, lo=0),
                "chat_ids": s.strings("chat_ids") or [], "verify_token": s.string("verify_token") or "",
                "sign_secret": s.string("sign_secret") or ""}
    if kind in ROBOT_WEBHOOKS and not settings["token"]:
        raise invalid(f"{s.at('token')}: required for a {kind} robot webhook")
    if kind in APP_WEBHOOKS:
        if not settings["data_source_id"]:
            raise invalid(f"{s.at('data_source_id')}: required for {kind}, the IM integration id")
        if not settings["chat_ids"]:
            raise invalid(f"{s.at('chat_ids')}: required for {kind}, at least one chat id")
    return {"type": kind, "settings": settings}


def _window(body: Body, *, max_span: int, inclusive: bool) -> tuple[int, int]:
    """The required ``(start, end)`` of a request, at most (or, not ``inclusive``, under) ``max_span``."""
    start = body.integer("start")
    if start is None:
        raise invalid("start: required, a Unix time in seconds")
    end = body.integer("end")
    if end is None:
        raise invalid("end: required, a Unix time in seconds")
    if end <= start:
        raise invalid(f"end: must be after start ({start}), got {end}")
    span = end - start
    if span > max_span or (span == max_span and not inclusive):
        rule = f"at most {max_span // DAY} days" if inclusive else f"under {max_span // DAY} days"
        raise invalid(f"end: the window end - start must be {rule} ({max_span} seconds), got {span}")
    return start, end


def _optional_window(body: Body, *, max_span: int, inclusive: bool) -> tuple[int, int] | None:
    """:func:`_window` when ``start`` and ``end`` are both given (0 counts as absent), else ``None``."""
    if not body.integer("start") or not body.integer("end"):
        return None
    return _window(body, max_span=max_span, inclusive=inclusive)


# --- ScheduleItem --------------------------------------------------------------------------------

def item(state: State, s: Record, *, layers: bool, window: tuple[int, int] | None) -> dict[str, Any]:
    """A stored schedule as a ``ScheduleItem``: its ``layers`` only if asked, computed shifts and
    on-call snapshots only with a ``window``."""
    disabled = s.get("disabled", 0)
    result: dict[str, Any] = {
        "id": s["schedule_id"], "name": s["schedule_name"], "account_id": s["account_id"],
        "group_id": s["team_id"], "disabled": disabled, "create_at": s["create_at"], "create_by": s["create_by"],
        "update_at": s["update_at"], "update_by": s["update_by"],
        "layers": s["layers"] if layers else None, "schedule_layers": None,
        "final_schedule": {"layer_name": "", "name": "", "mode": 0, "schedules": None},
    }
    if window is not None:
        result.update(_computed(state, s["layers"], *window))
        result.update(start=window[0], end=window[1])
    result.update(notify=s["notify"], schedule_id=s["schedule_id"], schedule_name=s["schedule_name"],
                  team_id=s["team_id"], description=s["description"],
                  layer_schedules=result["schedule_layers"], status=disabled, cur_oncall=None, next_oncall=None)
    if window is not None:
        now = state.now()
        _, timeline = _timeline(state, s["layers"], now, now + ONCALL_LOOKAHEAD)
        result["cur_oncall"] = _oncall(timeline.at(now), s["update_at"])
        result["next_oncall"] = _oncall(timeline.next_after(now), s["update_at"])
    return result


_UNEXPANDABLE = (ValueError, KeyError, OverflowError, OSError)
"""What expanding a layer stored raw can raise: no rotation or a negative one (``ValueError``), a
unit the engine does not know (``KeyError``), a time out of the calendar's range (``OverflowError``,
``OSError`` or ``ValueError``)."""


def _models(layers: Any) -> list[ScheduleLayer]:
    """The stored layers as models; one the model cannot read (a raw edit) becomes a layer without groups."""
    models = []
    for layer in layers if isinstance(layers, list) else []:
        try:
            models.append(ScheduleLayer.model_validate(layer))
        except ValueError:  # pydantic's ValidationError
            stored = layer if isinstance(layer, dict) else {}
            models.append(ScheduleLayer(**{key: stored[key] for key in ("layer_name", "name")
                                           if isinstance(stored.get(key), str)}))
    return models


def _timeline(state: State, layers: Any, start: int, end: int) -> tuple[list[ScheduleLayer], Timeline]:
    """The stored ``layers`` as models and their shifts in ``[start, end)``; a layer that cannot be
    read or expanded (only a raw edit stores one) has no groups, and so no shifts."""
    models = _models(layers)
    try:
        return models, compute(models, start, end, state.tz)
    except _UNEXPANDABLE:
        models = [model if _expands(model, start, end, state) else model.model_copy(update={"groups": []})
                  for model in models]
        return models, compute(models, start, end, state.tz)


def _expands(layer: ScheduleLayer, start: int, end: int, state: State) -> bool:
    try:
        compute([layer], start, end, state.tz)
    except _UNEXPANDABLE:
        return False
    return True


def _computed(state: State, layers: Any, start: int, end: int) -> dict[str, Any]:
    models, timeline = _timeline(state, layers, start, end)
    return {
        "schedule_layers": [{"layer_name": layer.layer_name, "name": layer.name, "mode": layer.mode,
                             "schedules": [_shift(x) for x in shifts]}
                            for layer, shifts in zip(models, timeline.layers, strict=True)],
        "final_schedule": {"layer_name": "", "name": "", "mode": 0,
                           "schedules": [_shift(x) for x in timeline.final]},
    }


def _shift(shift: Shift) -> dict[str, Any]:
    group = {**shift.group.model_dump(mode="json"), "start": shift.start, "end": shift.end}
    return {"start": shift.start, "end": shift.end, "group": group, "index": shift.index}


def _oncall(shift: Shift | None, update_at: int) -> dict[str, Any] | None:
    if shift is None:
        return None
    return {**_shift(shift), "update_at": update_at, "weight": shift.weight}


# --- endpoints -------------------------------------------------------------------------------------

def replace(state: State, stored: Record, fields: dict[str, Any], actor: int) -> None:
    """Replace the editable ``fields`` of ``stored`` (from :func:`schedule_fields`) as ``actor``."""
    now = state.now()
    _stamp(state, fields["layers"], stored["schedule_id"], now, actor)
    stored.update(fields, update_at=now, update_by=actor)


def _stamp(state: State, layers: list[dict[str, Any]], schedule_id: int, now: int, actor: int) -> None:
    for layer in layers:
        layer.update(account_id=state.account_id, schedule_id=schedule_id, create_at=now, create_by=actor,
                     update_at=now, update_by=actor)


def _lookup(state: State, body: Body) -> Record:
    schedule_id = body.integer("schedule_id")
    if not schedule_id:
        raise invalid("schedule_id: required")
    stored = state.schedules.get(schedule_id)
    if stored is None:
        raise not_found()
    return stored


def _newest_first(state: State) -> list[Record]:
    return ordered(state.schedules.values(), "schedule_id", "create_at", False)


def schedule_create(state: State, body: Body, actor: int) -> dict[str, Any]:
    """``/schedule/create``: a new schedule; its id."""
    fields = schedule_fields(state, body, schedule_id=0)
    now = state.now()
    schedule_id = state.new_id()
    _stamp(state, fields["layers"], schedule_id, now, actor)
    state.schedules[schedule_id] = {"schedule_id": schedule_id, "account_id": state.account_id, **fields,
                                    "create_at": now, "create_by": actor, "update_at": now, "update_by": actor,
                                    "disabled": 0}
    return {"schedule_id": schedule_id}


def schedule_update(state: State, body: Body, actor: int) -> dict[str, Any]:
    """``/schedule/update``: replace the editable fields of a schedule."""
    stored = _lookup(state, body)
    replace(state, stored, schedule_fields(state, body, schedule_id=stored["schedule_id"]), actor)
    return {}


def schedule_delete(state: State, body: Body, actor: int) -> dict[str, Any]:
    """``/schedule/delete``: delete schedules, none while any of them is referenced."""
    ids = body.integers("schedule_ids")
    if not ids:
        raise invalid("schedule_ids: required, a non-empty list of schedule ids")
    known = [i for i in dedupe(ids) if i in state.schedules]
    refs = [ref for i in known for ref in state.references(schedule_id=i)]
    if refs:
        raise referenced(refs)
    for schedule_id in known:
        del state.schedules[schedule_id]
    return {}


def schedule_enable(state: State, body: Body, actor: int) -> dict[str, Any]:
    """``/schedule/enable``: enable schedules."""
    return _set_disabled(state, body, actor, 0)


def schedule_disable(state: State, body: Body, actor: int) -> dict[str, Any]:
    """``/schedule/disable``: disable schedules (their configuration and shifts stay)."""
    return _set_disabled(state, body, actor, 1)


def _set_disabled(state: State, body: Body, actor: int, disabled: int) -> dict[str, Any]:
    # No schema checks these bodies (the paths are not in the OpenAPI document): Body checks the types.
    ids = body.integers("schedule_ids")
    if not ids:
        hint = " (the field is schedule_ids, not schedule_id)" if body.has("schedule_id") else ""
        raise invalid(f"schedule_ids: required, a non-empty list of schedule ids{hint}")
    now = state.now()
    for schedule_id in dedupe(ids):
        stored = state.schedules.get(schedule_id)
        if stored is not None and stored.get("disabled", 0) != disabled:
            stored.update(disabled=disabled, update_at=now, update_by=actor)
    return {}


def schedule_info(state: State, body: Body, actor: int) -> dict[str, Any]:
    """``/schedule/info``: one schedule with its layers and the shifts of a window under 45 days."""
    if not body.integer("schedule_id"):
        raise invalid("schedule_id: required")
    window = _window(body, max_span=MAX_WINDOW, inclusive=False)
    return item(state, _lookup(state, body), layers=True, window=window)


def schedule_infos(state: State, body: Body, actor: int) -> dict[str, Any]:
    """``/schedule/infos``: schedules by id, without layers or shifts."""
    ids = body.integers("schedule_ids")
    if not ids:
        raise invalid("schedule_ids: required, a non-empty list of schedule ids")
    return {"items": [item(state, state.schedules[i], layers=False, window=None)
                      for i in dedupe(ids) if i in state.schedules]}


def schedule_list(state: State, body: Body, actor: int) -> dict[str, Any]:
    """``/schedule/list``: filtered, newest first, paged; with a window, like ``/schedule/info``."""
    query = (body.string("query") or "").lower()
    p, limit = paging(body, default_limit=10)
    mine, managed = body.boolean("is_my_team"), body.boolean("is_my_manage")
    if mine and managed:
        raise invalid("is_my_team: cannot be combined with is_my_manage; set at most one")
    team_ids = body.integers("team_ids")
    window = _optional_window(body, max_span=MAX_WINDOW, inclusive=False)
    my_teams = {t["team_id"] for t in state.teams.values() if actor in t["person_ids"]}
    matches = [s for s in _newest_first(state)
               if query in s["schedule_name"].lower()
               and (not team_ids or s["team_id"] in team_ids)
               and (not mine or s["team_id"] in my_teams)
               and (not managed or (s["create_by"] == actor and s["team_id"] in my_teams))]
    items, total = page(matches, p, limit)
    return {"items": [item(state, s, layers=window is not None, window=window) for s in items], "total": total}


def schedule_self(state: State, body: Body, actor: int) -> dict[str, Any]:
    """``/schedule/self``: the schedules the key's owner is on (a window of at most 30 days)."""
    _optional_window(body, max_span=SELF_WINDOW, inclusive=True)
    mine = [s for s in _newest_first(state)
            if any(actor in group.person_ids for layer in _models(s["layers"]) for group in layer.groups)]
    return {"items": [item(state, s, layers=True, window=None) for s in mine]}


def schedule_preview(state: State, body: Body, actor: int) -> dict[str, Any]:
    """``/schedule/preview``: the shifts of candidate layers (a window of at most 45 days); nothing saved."""
    layers = _layers(state, body)
    _notify(body.obj("notify"))
    start, end = _window(body, max_span=MAX_WINDOW, inclusive=True)
    computed = _computed(state, layers, start, end)
    return {"id": None, "name": None, "account_id": 0, "group_id": None, "disabled": None, "create_at": 0,
            "create_by": 0, "update_at": 0, "update_by": 0, "layers": layers, **computed, "start": start,
            "end": end, "notify": None, "schedule_id": 0, "schedule_name": None, "team_id": None,
            "description": None, "layer_schedules": None, "status": None, "cur_oncall": None,
            "next_oncall": None}
