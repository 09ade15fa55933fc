"""What users write for teams and schedules: parsed, validated, canonicalised, and mapped to and from the wire.

The one place that knows the friendly input forms (``"1w"``, ``"mon 09:00"``, ``("09:00", "18:00")``,
emails for people, naive ISO times read in the schedule's ``time_zone``) and the plain dicts shaped
like the Flashduty API. Pure code: no network, no Pulumi engine calls.

* ``check_team`` / ``check_schedule`` (preview time) return the *canonical* inputs and a list of
  :class:`Failure`. They never raise for bad input, skip every check that needs a value not known
  yet (``pulumi.output.Unknown``, kept in place), and are idempotent: checking a canonical form
  returns it unchanged. The rules mirror the emulator's server-side validation, so users see
  errors before any API call.
* ``*_to_wire`` build request bodies from canonical inputs; ``*_from_wire`` turn what the server
  stored back into the same canonical form, so a diff of the two is empty when nothing changed.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pulumi.output import Unknown

from flashcat_pulumi.wire import ScheduleDayMask as DayMask
from flashcat_pulumi.wire import ScheduleFixedTimeNotifyInfo as ScheduleNotifyFixedTime
from flashcat_pulumi.wire import ScheduleGroup, ScheduleLayer, ScheduleMember, ScheduleNotify, ScheduleNotifyBy
from flashcat_pulumi.wire import ScheduleImNotify as Webhook
from flashcat_pulumi.wire import ScheduleImNotifySettings as WebhookSettings
from flashcat_pulumi.wire import ScheduleItem as Schedule
from flashcat_pulumi.wire import ScheduleRestrictPeriod as RestrictPeriod
from flashcat_pulumi.wire import ScheduleUpsertRequest as ScheduleUpsert
from flashcat_pulumi.wire import TeamItem as Team
from flashcat_pulumi.wire import TeamUpsertRequest as TeamUpsert

__all__ = [
    "OVERRIDE_PREFIX",
    "Failure",
    "PersonRef",
    "SpecError",
    "check_schedule",
    "check_team",
    "parse_duration",
    "parse_instant",
    "schedule_from_wire",
    "schedule_people",
    "schedule_to_wire",
    "team_from_wire",
    "team_people",
    "team_to_wire",
]

PersonRef = int | str
"""A person: a person id, or a lowercased email address."""

OVERRIDE_PREFIX = "pulumi: "
"""Override layers (mode 1) whose name starts with this are managed by the program; others are kept."""

MINUTE, HOUR, DAY, WEEK = 60, 3600, 86400, 7 * 86400
MIN_ROTATION, MAX_ROTATION = HOUR, 30 * DAY
MAX_EPOCH = 10**11  # epoch seconds stay below this until the year 5138; larger values are milliseconds
UNIT_SECONDS = {"hour": HOUR, "day": DAY, "week": WEEK}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
RESTRICT_MODES = {"none": 0, "daily": 1, "weekly": 2}
DAY_SETS = {"weekdays": [1, 2, 3, 4, 5], "weekends": [0, 6]}
ROBOT_WEBHOOKS = ("feishu", "dingtalk", "wecom", "slack", "telegram", "zoom")
APP_WEBHOOKS = ("feishu_app", "dingtalk_app", "wecom_app", "teams_app", "slack_app")
WEBHOOK_SETTINGS = ("token", "sign_secret", "alias", "verify_token", "data_source_id", "chat_ids")

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_CHANNEL = re.compile(r"^(email|sms|phone|(feishu|dingtalk|wecom|slack|teams)_app:\d+)$")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_DURATION = re.compile(r"^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")

_TEAM_KEYS = ("team_name", "description", "members", "ref_id", "adopt")
_SCHEDULE_KEYS = ("schedule_name", "description", "team_id", "time_zone", "layers", "overrides", "notify",
                  "adopt")
# The API's own spellings follow the friendly ones, so layers copied from Flashduty's docs work as written.
_LAYER_KEYS = ("layer_name", "layer_start", "layer_end", "rotation_duration", "rotation_unit", "rotation_value",
               "handoff_time", "fair_rotation", "restrict_mode", "restrict_periods", "day_mask",
               "mask_continuous_enabled", "groups", "mode", "name", "enable_time", "expire_time",
               "restrict_start", "restrict_end", "weight", "hidden")
_GROUP_KEYS = ("people", "name", "role_id")
_API_GROUP_KEYS = ("group_name", "name", "members", "start", "end")
_OVERRIDE_KEYS = ("start", "end", "person", "persons", "person_ids", "name")
_NOTIFY_KEYS = ("advance_in_time", "fixed_time", "follow_preference", "personal_channels", "webhooks", "by")

# A value that failed to parse; its Failure is already recorded, so checks that need it are skipped.
_FAILED: Any = object()


@dataclass(frozen=True)
class Failure:
    """One problem in the inputs: the property path (``layers[1].restrict_periods[0].restrict_end``)
    and what is wrong and what is allowed."""

    path: str
    reason: str


class SpecError(ValueError):
    """Data that cannot be used: raised by the parse helpers and the wire conversions."""

    def __init__(self, failures: Sequence[Failure]) -> None:
        self.failures = list(failures)
        super().__init__("; ".join(f"{f.path}: {f.reason}" if f.path else f.reason for f in self.failures))


class _Invalid(Exception):
    """A value that cannot be used; the message says what is allowed."""


# --- leaf values (raise _Invalid) ---------------------------------------------------------------------

def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _at(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _integer(value: Any) -> int:
    # Pulumi delivers every number as a float; only whole ones are integers.
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (
            isinstance(value, float) and not value.is_integer()):
        raise _Invalid(f"must be a whole number, got {_show(value)}")
    return int(value)


def _in_range(value: int, lo: int, hi: int, unit: str = "") -> int:
    if not lo <= value <= hi:
        raise _Invalid(f"must be between {lo} and {hi}{unit}, got {value}")
    return value


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise _Invalid(f"must be a string, got {_show(value)}")
    return value


def _text(value: Any, max_len: int | None = None) -> str:
    text = "" if value is None else _string(value)
    if max_len is not None and len(text) > max_len:
        raise _Invalid(f"must be at most {max_len} characters, got {len(text)}")
    return text


def _name(value: Any, max_len: int) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise _Invalid(f"required, 1 to {max_len} characters")
    text = _string(value)
    if len(text) > max_len:
        raise _Invalid(f"must be 1 to {max_len} characters, got {len(text)}")
    return text


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Invalid(f"must be true or false, got {_show(value)}")
    return value


def _positive_id(value: Any) -> int:
    # A resource id (a numeric string) is accepted too: `team_id=team.id` is a natural thing to write.
    number = int(value) if isinstance(value, str) and value.strip().isdigit() else _integer(value)
    if number <= 0:
        raise _Invalid(f"must be a positive id, got {number}")
    return number


def _person(value: Any) -> PersonRef:
    if isinstance(value, str):
        text = value.strip()
        if text.isdigit():
            value = int(text)
        elif _EMAIL.match(text):
            return text.lower()
        else:
            raise _Invalid(f"must be a person id or an email address, got {_show(value)}")
    try:
        return _positive_id(value)
    except _Invalid:
        raise _Invalid(f"must be a person id (a positive number) or an email address, got {_show(value)}") from None


def _person_key(ref: PersonRef) -> tuple[bool, Any]:
    return isinstance(ref, str), ref


def _zone(value: Any) -> ZoneInfo:
    if isinstance(value, str) and value:
        try:
            return ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    raise _Invalid(f"must be an IANA time zone such as 'Asia/Shanghai' or 'UTC', got {_show(value)}")


def _duration(value: Any) -> int:
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
        if seconds.is_integer():
            return int(seconds)
    elif isinstance(value, str):
        match = _DURATION.match(value.replace(" ", "").lower())
        if value.strip() and match:
            weeks, days, hours, minutes, seconds = (int(part or 0) for part in match.groups())
            return weeks * WEEK + days * DAY + hours * HOUR + minutes * MINUTE + seconds
    else:
        try:
            return _integer(value)
        except _Invalid:
            pass
    raise _Invalid(f"must be a duration such as '30m', '12h', '1d', '2w' or '1d12h', whole seconds, or a "
                   f"timedelta, got {_show(value)}")


def _instant(value: Any) -> int | datetime:
    """Epoch seconds, or a naive datetime: a wall-clock time still to be read in the schedule's zone."""
    if isinstance(value, datetime):
        return value if value.tzinfo is None else _not_before_1970(int(value.timestamp()))
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        text = value.strip()
        if text.endswith(("Z", "z")):  # Python 3.10's fromisoformat does not read "Z"
            text = text[:-1] + "+00:00"
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            pass
        else:
            return _instant(parsed)
    elif not isinstance(value, bool) and isinstance(value, (int, float)):
        seconds = _integer(value)
        if seconds >= MAX_EPOCH:
            raise _Invalid(f"must be epoch seconds, got {seconds}, which looks like milliseconds")
        return _not_before_1970(seconds)
    raise _Invalid(f"must be epoch seconds, an ISO time such as '2026-12-07T09:00' (read in time_zone) or "
                   f"'2026-12-07T09:00+08:00', or a datetime, got {_show(value)}")


def _not_before_1970(seconds: int) -> int:
    if seconds < 0:
        raise _Invalid(f"must not be before 1970-01-01 (epoch 0), got {seconds}")
    return seconds


def _local(naive: datetime, zone: ZoneInfo) -> int:
    aware = naive.replace(tzinfo=zone)
    # A wall-clock time skipped by a daylight-saving change does not survive a round trip through UTC.
    if aware.astimezone(timezone.utc).astimezone(zone).replace(tzinfo=None) != naive:
        raise _Invalid(f"{naive.isoformat()} does not exist in {zone.key} (skipped by a daylight-saving change)")
    return _not_before_1970(int(aware.timestamp()))


def _clock(text: str, *, allow_24: bool = False) -> int:
    """``"HH:MM"`` (or ``"HH:MM:SS"``) as seconds after 00:00; ``"24:00"`` only where an end may be."""
    match = _CLOCK.match(text.strip())
    if match:
        hours, minutes, seconds = int(match[1]), int(match[2]), int(match[3] or 0)
        if minutes < 60 and seconds < 60 and (hours < 24 or (allow_24 and (hours, minutes, seconds) == (24, 0, 0))):
            return hours * HOUR + minutes * MINUTE + seconds
    latest = "24:00" if allow_24 else "23:59"
    raise _Invalid(f"must be a time of day 'HH:MM' (00:00 to {latest}), got {_show(text)}")


def _weekday(word: str) -> int:
    """0 = Monday ... 6 = Sunday, from a name or an abbreviation of at least two letters."""
    lowered = word.lower()
    for index, name in enumerate(WEEKDAYS):
        if len(lowered) >= 2 and name.startswith(lowered):
            return index
    raise _Invalid(f"{word!r} is not a weekday; use mon, tue, wed, thu, fri, sat or sun")


def _handoff(value: Any) -> int:
    parts = value.split() if isinstance(value, str) else []
    try:
        if len(parts) == 2:
            return _weekday(parts[0]) * DAY + _clock(parts[1])
        if len(parts) == 1:
            return _clock(parts[0])  # a bare time of day is on Monday, where the week starts
        if not isinstance(value, str):
            return _integer(value)
    except _Invalid:
        pass
    raise _Invalid(f"must be seconds after Monday 00:00, or a weekday and time such as 'mon 09:00', "
                   f"got {_show(value)}")


def _window_end(value: Any, is_end: bool) -> tuple[int, str]:
    """A restrict window bound as (seconds, form): form is "daily", "weekly", or "seconds" (no form)."""
    if isinstance(value, str):
        parts = value.split()
        if len(parts) == 2:
            return _weekday(parts[0]) * DAY + _clock(parts[1], allow_24=is_end), "weekly"
        if len(parts) == 1:
            return _clock(parts[0], allow_24=is_end), "daily"
    elif not isinstance(value, bool) and isinstance(value, (int, float)):
        return _integer(value), "seconds"
    raise _Invalid(f"must be 'HH:MM' (daily), 'ddd HH:MM' such as 'mon 09:00' (weekly), or seconds, "
                   f"got {_show(value)}")


def _restrict_mode(value: Any) -> int:
    mode = RESTRICT_MODES.get(value.strip().lower(), -1) if isinstance(value, str) else value
    if isinstance(mode, bool) or mode not in (0, 1, 2):
        raise _Invalid(f"must be 'none', 'daily' or 'weekly' (or 0, 1, 2), got {_show(value)}")
    return int(mode)


def _mask_day(value: Any) -> int:
    if isinstance(value, str):
        return (_weekday(value.strip()) + 1) % 7  # day_mask counts from Sunday = 0
    try:
        return _in_range(_integer(value), 0, 6)
    except _Invalid:
        raise _Invalid(f"must be a weekday name such as 'mon', or 0 (Sunday) to 6 (Saturday), "
                       f"got {_show(value)}") from None


def _rotation_unit(value: Any) -> str:
    unit = value.strip().lower().removesuffix("s") if isinstance(value, str) else None
    if unit not in (*UNIT_SECONDS, "month"):
        raise _Invalid(f"must be hour, day, week or month, got {_show(value)}")
    return unit


def _rotation_value(value: Any) -> int:
    return _in_range(_integer(value), 1, 30)


def _reminder_time(value: Any) -> str:
    seconds = _clock(_string(value))
    if seconds % MINUTE:
        raise _Invalid(f"must be a time of day 'HH:MM' (00:00 to 23:59), got {_show(value)}")
    return f"{seconds // HOUR:02d}:{seconds % HOUR // MINUTE:02d}"


def _channel(value: Any) -> str:
    if not isinstance(value, str) or not _CHANNEL.match(value):
        raise _Invalid(f"must be email, sms, phone or <feishu|dingtalk|wecom|slack|teams>_app:<integration id>, "
                       f"got {_show(value)}")
    return value


def _webhook_type(value: Any) -> str:
    if value not in (*APP_WEBHOOKS, *ROBOT_WEBHOOKS):
        raise _Invalid(f"must be one of {', '.join((*APP_WEBHOOKS, *ROBOT_WEBHOOKS))}, got {_show(value)}")
    return str(value)


def _non_negative(value: Any) -> int:
    number = _integer(value)
    if number < 0:
        raise _Invalid(f"must be at least 0, got {number}")
    return number


def _group_name(index: int) -> str:
    return chr(ord("A") + index) if index < 26 else f"G{index + 1}"


# --- unknowns and ordering ----------------------------------------------------------------------------

def _pending(value: Any) -> bool:
    """Whether ``value`` is, or holds, something not known yet or not valid."""
    if value is _FAILED or isinstance(value, Unknown):
        return True
    if isinstance(value, Mapping):
        return any(_pending(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_pending(v) for v in value)
    return False


def _ready(*values: Any) -> bool:
    return not any(_pending(v) for v in values)


def _sort_known(items: Iterable[Any], key: Callable[[Any], Any]) -> list[Any]:
    """Sorted by ``key``; items not known yet follow in their given order (they cannot be compared)."""
    items = list(items)
    return sorted((i for i in items if not _pending(i)), key=key) + [i for i in items if _pending(i)]


def _unknown_paths(value: Any, path: str = "") -> Iterator[str]:
    if isinstance(value, Unknown):
        yield path
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _unknown_paths(item, _at(path, str(key)))
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from _unknown_paths(item, f"{path}[{index}]")


# --- the walk over one resource's inputs ---------------------------------------------------------------

class _Walk:
    """Converts what it can and records a :class:`Failure` for the rest (failed values become ``_FAILED``)."""

    def __init__(self) -> None:
        self.failures: list[Failure] = []

    def fail(self, path: str, reason: str) -> Any:
        self.failures.append(Failure(path, reason))
        return _FAILED

    def parse(self, path: str, value: Any, convert: Callable[..., Any], *args: Any) -> Any:
        """``convert(value, *args)``; an Unknown is kept as it is."""
        if isinstance(value, Unknown):
            return value
        try:
            return convert(value, *args)
        except _Invalid as exc:
            return self.fail(path, str(exc))

    def fields(self, path: str, value: Any, allowed: Sequence[str]) -> Mapping[str, Any] | None:
        """``value`` as a mapping, with a failure for each key not in ``allowed`` (None counts as absent)."""
        if not isinstance(value, Mapping):
            self.fail(path, f"must be an object with keys {', '.join(allowed)}, got {_show(value)}")
            return None
        for key, item in value.items():
            if key not in allowed and item is not None:
                close = difflib.get_close_matches(str(key), allowed, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                self.fail(_at(path, str(key)), f"unknown key{hint}; allowed: {', '.join(allowed)}")
        return value

    def items(self, path: str, value: Any, what: str) -> Any:
        """``value`` as a list (None is empty); an Unknown is kept."""
        if value is None:
            return []
        if isinstance(value, Unknown):
            return value
        if isinstance(value, (list, tuple)):
            return list(value)
        return self.fail(path, f"must be a list of {what}, got {_show(value)}")

    def when(self, path: str, value: Any, zone: Any) -> Any:
        """A required instant as epoch seconds; wall-clock forms need the zone, and are Unknown while it is."""
        if value is None:
            return self.fail(path, "required: epoch seconds, an ISO time such as '2026-12-07T09:00', or a datetime")
        parsed = self.parse(path, value, _instant)
        if not isinstance(parsed, datetime):
            return parsed
        if isinstance(zone, ZoneInfo):
            return self.parse(path, parsed, _local, zone)
        return Unknown() if isinstance(zone, Unknown) else _FAILED

    def people(self, path: str, value: Any) -> Any:
        """People (or one person) as a deduplicated list: ids ascending, then emails."""
        if isinstance(value, (str, int, float)):
            return [self.parse(path, value, _person)]
        refs = self.items(path, value, "person ids or emails")
        if not isinstance(refs, list):
            return refs
        parsed = [self.parse(f"{path}[{i}]", ref, _person) for i, ref in enumerate(refs)]
        return _sort_known(dict.fromkeys(parsed), _person_key)

    def strings(self, path: str, value: Any, convert: Callable[[Any], str] = _string) -> Any:
        """A list of strings as a sorted set."""
        values = self.items(path, value, "strings")
        if not isinstance(values, list):
            return values
        return _sort_known(dict.fromkeys(self.parse(f"{path}[{i}]", v, convert) for i, v in enumerate(values)),
                           str)


def _given(data: Mapping[str, Any], key: str, default: Any) -> Any:
    value = data.get(key)
    return default if value is None else value


def _public(props: Mapping[str, Any]) -> Any:
    # Keys starting with "__" are the Pulumi engine's own (such as "__provider"), not user inputs.
    if not isinstance(props, Mapping):
        return props
    return {key: value for key, value in props.items() if not str(key).startswith("__")}


def _result(walk: _Walk, props: Mapping[str, Any], canonical: dict[str, Any]) -> tuple[dict[str, Any], list[Failure]]:
    # With failures the engine stops and uses nothing else, so the inputs go back untouched.
    if walk.failures:
        return dict(props) if isinstance(props, Mapping) else {}, walk.failures
    return canonical, []


# --- teams ---------------------------------------------------------------------------------------------

def check_team(props: Mapping[str, Any]) -> tuple[dict[str, Any], list[Failure]]:
    """Validate a team's inputs; return its canonical inputs and the failures (never raises)."""
    walk = _Walk()
    data = walk.fields("", _public(props), _TEAM_KEYS) or {}
    canonical = {
        "team_name": walk.parse("team_name", data.get("team_name"), _name, 39),
        "description": walk.parse("description", data.get("description"), _text, 500),
        "members": walk.people("members", data.get("members")),
        "ref_id": walk.parse("ref_id", data.get("ref_id"), _text),
        "adopt": walk.parse("adopt", _given(data, "adopt", False), _boolean),
    }
    return _result(walk, props, canonical)


def team_people(canonical: Mapping[str, Any]) -> list[PersonRef]:
    """The people a team's canonical inputs name (Unknowns skipped)."""
    return _refs(_listed(canonical.get("members")))


def team_to_wire(canonical: Mapping[str, Any], person_id: Callable[[PersonRef], int], *,
                 team_id: int | None = None) -> TeamUpsert:
    """The ``/team/upsert`` body; ``person_id`` resolves each member. Raises :class:`SpecError`."""
    team = _complete(check_team(canonical))
    return TeamUpsert(team_name=team["team_name"], team_id=team_id, description=team["description"],
                      person_ids=_resolve(team["members"], person_id), ref_id=team["ref_id"])


def team_from_wire(team: Team, render: Callable[[int], PersonRef]) -> dict[str, Any]:
    """A team read from Flashduty as canonical inputs; ``render`` turns a person id into a :data:`PersonRef`."""
    return _from_server(check_team({"team_name": team.team_name, "description": team.description,
                                    "members": [render(pid) for pid in team.person_ids],
                                    "ref_id": team.ref_id}))


# --- schedules: check ----------------------------------------------------------------------------------

def check_schedule(props: Mapping[str, Any], *, default_time_zone: str) -> tuple[dict[str, Any], list[Failure]]:
    """Validate a schedule's inputs; return its canonical inputs and the failures (never raises).

    Wall-clock times are read in ``time_zone``, or ``default_time_zone`` when the inputs have none.
    """
    walk = _Walk()
    data = walk.fields("", _public(props), _SCHEDULE_KEYS) or {}
    time_zone = data.get("time_zone")
    if time_zone is None:
        time_zone = default_time_zone
    zone = walk.parse("time_zone", time_zone, _zone)
    team_id = data.get("team_id")
    layers = walk.items("layers", data.get("layers"), "layers")
    if layers == []:
        walk.fail("layers", "required: at least one rotation layer")
    overrides = walk.items("overrides", data.get("overrides"), "overrides ({start, end, person})")
    canonical = {
        "schedule_name": walk.parse("schedule_name", data.get("schedule_name"), _name, 40),
        "description": walk.parse("description", data.get("description"), _text, 500),
        "team_id": None if team_id is None else walk.parse("team_id", team_id, _positive_id),
        "time_zone": time_zone,
        "adopt": walk.parse("adopt", _given(data, "adopt", False), _boolean),
        "layers": layers if not isinstance(layers, list) else
        [_layer(walk, f"layers[{i}]", layer, i, zone) for i, layer in enumerate(layers)],
        "overrides": overrides if not isinstance(overrides, list) else _sort_known(
            (_override(walk, f"overrides[{i}]", o, zone) for i, o in enumerate(overrides)),
            lambda o: (o["start"], o["end"], o["name"])),
        "notify": _notify(walk, "notify", data.get("notify")),
    }
    return _result(walk, props, canonical)


def _layer(walk: _Walk, path: str, value: Any, index: int, zone: Any) -> Any:
    if isinstance(value, Unknown):
        return value
    data = walk.fields(path, value, _LAYER_KEYS)
    if data is None:
        return _FAILED
    mode = data.get("mode")
    if mode == 1:
        walk.fail(_at(path, "mode"), "an override (mode 1) goes in overrides=[{start, end, person}], not in layers")
    elif mode is not None and not isinstance(mode, Unknown) and mode != 0:
        walk.fail(_at(path, "mode"), f"must be 0 (a rotation layer); overrides go in overrides=, got {_show(mode)}")
    if _ready(data.get("hidden")) and data.get("hidden") not in (None, 0):
        walk.fail(_at(path, "hidden"), f"hidden layers are not supported; leave hidden out or 0, "
                                       f"got {_show(data['hidden'])}")
    legacy = data.get("restrict_start"), data.get("restrict_end")
    if _ready(*legacy) and (legacy[0] or 0) != (legacy[1] or 0):
        walk.fail(_at(path, "restrict_start"), "a legacy single window is not supported; use "
                                               "restrict_periods=[(start, end)] instead")

    name = data.get("layer_name") or data.get("name")
    layer_name = f"Layer {index + 1}" if name in (None, "") else walk.parse(_at(path, "layer_name"), name, _string)
    # The legacy enable_time/expire_time count only when layer_start/layer_end are absent, as on the server.
    start_key = "enable_time" if data.get("layer_start") is None and data.get("enable_time") is not None \
        else "layer_start"
    end_key = "expire_time" if data.get("layer_end") is None else "layer_end"
    start_path, end_path = _at(path, start_key), _at(path, end_key)
    start = walk.when(start_path, data.get(start_key), zone)
    end = data.get(end_key)
    end = None if end in (None, 0, "") else walk.when(end_path, end, zone)  # 0 or none: open-ended
    if end is not None and _ready(start, end) and end <= start:
        walk.fail(end_path, f"must be after the layer start ({_describe(start, zone)}), got {_describe(end, zone)}")

    handoff_path = _at(path, "handoff_time")
    handoff = walk.parse(handoff_path, _given(data, "handoff_time", 0), _handoff)
    if _ready(handoff) and not 0 <= handoff < WEEK:
        walk.fail(handoff_path, f"must be at least 0 and below {WEEK} seconds (seconds after Monday 00:00), "
                                f"got {handoff}")
    restrict_mode, periods = _restrictions(walk, path, data)
    day_mask = _day_mask(walk, _at(path, "day_mask"), data.get("day_mask"))
    if restrict_mode == 2 and day_mask is not None and _ready(day_mask):
        walk.fail(_at(path, "day_mask"), "cannot be combined with weekly restrict windows (Flashduty resets it); "
                                         "drop day_mask or use daily windows")
    groups = walk.items(_at(path, "groups"), data.get("groups"), "groups")
    if groups == []:
        walk.fail(_at(path, "groups"), "required: at least one group, each a person, a list of people or a Group")
    return {
        "layer_name": layer_name,
        "layer_start": start,
        "layer_end": end,
        **_rotation(walk, path, data),
        "handoff_time": handoff,
        "fair_rotation": walk.parse(_at(path, "fair_rotation"), _given(data, "fair_rotation", False), _boolean),
        "restrict_mode": restrict_mode,
        "restrict_periods": periods,
        "day_mask": day_mask,
        "mask_continuous_enabled": walk.parse(_at(path, "mask_continuous_enabled"),
                                              _given(data, "mask_continuous_enabled", False), _boolean),
        "groups": groups if not isinstance(groups, list) else
        [_group(walk, f"{path}.groups[{i}]", group, i) for i, group in enumerate(groups)],
    }


def _describe(epoch: int, zone: Any) -> str:
    if not isinstance(zone, ZoneInfo):
        return str(epoch)
    return f"{datetime.fromtimestamp(epoch, zone).isoformat()} = {epoch}"


def _rotation(walk: _Walk, path: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """``rotation_duration`` seconds, or a calendar-month ``rotation_unit``/``rotation_value``."""
    keys = ("rotation_duration", "rotation_unit", "rotation_value")
    raw = {key: data.get(key) for key in keys}
    if not _ready(*raw.values()):
        return raw
    duration_path, unit_path, value_path = (_at(path, key) for key in keys)
    # 0 and "" mean absent, as on the server (a month layer echoes rotation_duration 0).
    duration = None if raw["rotation_duration"] in (None, 0, "") else \
        walk.parse(duration_path, raw["rotation_duration"], _duration)
    unit = None if raw["rotation_unit"] in (None, "") else walk.parse(unit_path, raw["rotation_unit"], _rotation_unit)
    value = None if raw["rotation_value"] in (None, 0) else \
        walk.parse(value_path, raw["rotation_value"], _rotation_value)
    failed = {"rotation_duration": _FAILED, "rotation_unit": None, "rotation_value": None}
    if _FAILED in (duration, unit, value):
        return failed
    if unit is None and value is not None:
        walk.fail(unit_path, "required with rotation_value: hour, day, week or month")
        return failed
    if unit is not None and value is None:
        walk.fail(value_path, "required with rotation_unit: between 1 and 30")
        return failed
    if unit == "month":
        if duration is not None:
            walk.fail(duration_path, "cannot be combined with rotation_unit 'month' (months differ in length); "
                                     "give one of them")
            return failed
        return {"rotation_duration": None, "rotation_unit": "month", "rotation_value": value}
    if unit is not None:
        derived = value * UNIT_SECONDS[unit]
        if duration is not None and duration != derived:
            walk.fail(duration_path, f"is {duration} seconds, but rotation_unit and rotation_value say "
                                     f"{derived}; give one of them")
            return failed
        if not MIN_ROTATION <= derived <= MAX_ROTATION:
            walk.fail(value_path, f"{value} {unit}s is {derived} seconds; a rotation must be between "
                                  f"{MIN_ROTATION} and {MAX_ROTATION} seconds (1h..30d)")
            return failed
        duration = derived
    elif duration is None:
        walk.fail(duration_path, f"required: how long each shift lasts, such as '1d' or '1w' ({MIN_ROTATION} to "
                                 f"{MAX_ROTATION} seconds), or rotation_unit='month' with rotation_value")
        return failed
    elif not MIN_ROTATION <= duration <= MAX_ROTATION:
        walk.fail(duration_path, f"must be between {MIN_ROTATION} and {MAX_ROTATION} seconds (1h..30d), "
                                 f"got {duration}")
        return failed
    return {"rotation_duration": duration, "rotation_unit": None, "rotation_value": None}


def _restrictions(walk: _Walk, path: str, data: Mapping[str, Any]) -> tuple[Any, Any]:
    """``(restrict_mode, restrict_periods)``; the mode is inferred from the windows' form when not given."""
    mode_path, periods_path = _at(path, "restrict_mode"), _at(path, "restrict_periods")
    mode = data.get("restrict_mode")
    if mode is not None:
        mode = walk.parse(mode_path, mode, _restrict_mode)
    raw = data.get("restrict_periods")
    if isinstance(raw, Mapping) or (isinstance(raw, (list, tuple)) and len(raw) == 2
                                    and all(isinstance(end, (str, int, float, Unknown)) for end in raw)):
        raw = [raw]  # one window given on its own
    windows = walk.items(periods_path, raw, "windows such as ('09:00', '18:00')")
    if not isinstance(windows, list):
        return (Unknown() if mode is None else mode), windows

    periods: list[Any] = []
    bounds: list[tuple[str, str, int]] = []  # (path, form, seconds) of every parsed bound
    for i, window in enumerate(windows):
        where = f"{periods_path}[{i}]"
        if isinstance(window, Unknown):
            periods.append(window)
            continue
        if isinstance(window, Mapping):
            fields = walk.fields(where, window, ("restrict_start", "restrict_end"))
            ends = (fields or {}).get("restrict_start"), (fields or {}).get("restrict_end")
        elif isinstance(window, (list, tuple)) and len(window) == 2:
            ends = tuple(window)
        else:
            walk.fail(where, "must be a window such as ('09:00', '18:00'), ('mon 09:00', 'fri 18:00'), or "
                             "{restrict_start, restrict_end} in seconds")
            continue
        period = {}
        for key, end in zip(("restrict_start", "restrict_end"), ends, strict=True):
            if end is None:
                period[key] = walk.fail(_at(where, key), "required: a time such as '09:00' or seconds")
                continue
            parsed = walk.parse(_at(where, key), end, _window_end, key == "restrict_end")
            if isinstance(parsed, tuple):
                bounds.append((_at(where, key), parsed[1], parsed[0]))
                parsed = parsed[0]
            period[key] = parsed
        periods.append(period)

    forms = {form for _, form, _ in bounds} - {"seconds"}
    if forms == {"daily", "weekly"}:
        walk.fail(periods_path, "mixes daily ('09:00') and weekly ('mon 09:00') times; use one kind")
        return mode, periods
    if mode is None:
        if forms:
            mode = 1 if "daily" in forms else 2
        elif bounds:
            return walk.fail(mode_path, "required with windows in seconds: 'daily' (seconds after 00:00) or "
                                        "'weekly' (seconds after Monday 00:00)"), periods
        elif windows:  # nothing to infer from: every window failed or is not known yet
            return Unknown(), periods
        else:
            mode = 0
    if not isinstance(mode, int):
        return mode, periods
    if mode == 0:
        if windows:
            walk.fail(periods_path, "given, but restrict_mode is 'none'; set restrict_mode 'daily' or 'weekly', "
                                    "or drop restrict_periods")
        return mode, []
    kind, cycle = ("daily", DAY) if mode == 1 else ("weekly", WEEK)
    if not windows:
        example = "('09:00', '18:00')" if mode == 1 else "('mon 09:00', 'fri 18:00')"
        walk.fail(periods_path, f"required when restrict_mode is {kind}: at least one window such as {example}")
    wrong_form = [where for where, form, _ in bounds if form == ("weekly" if mode == 1 else "daily")]
    if wrong_form:  # one failure: the mode and the windows disagree
        walk.fail(wrong_form[0], "a weekday time needs restrict_mode 'weekly'; daily windows take 'HH:MM'"
                  if mode == 1 else "weekly windows need a weekday, such as 'mon 09:00'")
    for where, form, seconds in bounds:
        if form == "seconds" and not 0 <= seconds <= cycle:
            walk.fail(where, f"must be between 0 and {cycle} seconds (within a {'day' if mode == 1 else 'week'} "
                             f"for {kind} windows), got {seconds}")
    for i, period in enumerate(periods):
        if isinstance(period, Mapping) and _ready(period) and period["restrict_start"] == period["restrict_end"]:
            walk.fail(f"{periods_path}[{i}].restrict_end",
                      f"must differ from restrict_start ({period['restrict_start']}): an empty window")
    return mode, _sort_known(periods, lambda p: (p["restrict_start"], p["restrict_end"]))


def _day_mask(walk: _Walk, path: str, value: Any) -> Any:
    """Weekdays as a sorted list (0 = Sunday), or None for every day."""
    if value is None or isinstance(value, Unknown):
        return value
    if isinstance(value, Mapping):
        fields = walk.fields(path, value, ("repeat",))
        if fields is None:
            return _FAILED
        path, value = _at(path, "repeat"), fields.get("repeat") or []
    if isinstance(value, str):
        value = DAY_SETS.get(value.strip().lower(), [value])
    days = walk.items(path, value, "weekdays such as 'mon', or 'weekdays'/'weekends'")
    if not isinstance(days, list):
        return days
    if not days:
        return walk.fail(path, "must list at least one day; leave day_mask out for every day")
    parsed: list[Any] = []
    for i, day in enumerate(days):
        number = walk.parse(f"{path}[{i}]", day, _mask_day)
        if isinstance(number, int) and number in parsed:
            walk.fail(f"{path}[{i}]", f"day {number} (0 = Sunday) is listed twice")
        else:
            parsed.append(number)
    return _sort_known(parsed, int)


def _group(walk: _Walk, path: str, value: Any, index: int) -> Any:
    """``{group_name, members: [{role_id, person_ids}]}`` with one slot per role, roles ascending."""
    if isinstance(value, Unknown):
        return value
    name_key = "name"
    if isinstance(value, Mapping) and ("members" in value or "group_name" in value):
        fields = walk.fields(path, value, _API_GROUP_KEYS) or {}
        name_key = "group_name" if fields.get("group_name") else "name"
        members_path = _at(path, "members")
        members = walk.items(members_path, fields.get("members"), "{role_id, person_ids}")
        if members == []:
            walk.fail(members_path, "required: at least one {role_id, person_ids}")
        slots = members if not isinstance(members, list) else [
            _api_slot(walk, f"{members_path}[{i}]", member) for i, member in enumerate(members)]
    elif isinstance(value, Mapping):
        fields = walk.fields(path, value, _GROUP_KEYS) or {}
        slots = [_slot(walk, _at(path, "role_id"), fields.get("role_id"), _at(path, "people"), fields.get("people"))]
    else:
        fields = {}
        slots = [_slot(walk, "", None, path, value)]
    name = fields.get(name_key)
    return {
        "group_name": _group_name(index) if name in (None, "") else walk.parse(_at(path, name_key), name, _string),
        "members": slots if not isinstance(slots, list) else _merge(slots),
    }


def _api_slot(walk: _Walk, path: str, value: Any) -> Any:
    if isinstance(value, Unknown):
        return value
    fields = walk.fields(path, value, ("role_id", "person_ids"))
    if fields is None:
        return _FAILED
    return _slot(walk, _at(path, "role_id"), fields.get("role_id"), _at(path, "person_ids"), fields.get("person_ids"))


def _slot(walk: _Walk, role_path: str, role: Any, people_path: str, people: Any) -> dict[str, Any]:
    """A role slot ``{role_id, person_ids}``: role 0 (primary) unless given, at least one person."""
    return {"role_id": 0 if role is None else walk.parse(role_path, role, _non_negative),
            "person_ids": _non_empty(walk, people_path, walk.people(people_path, people))}


def _non_empty(walk: _Walk, path: str, people: Any) -> Any:
    if people == []:
        walk.fail(path, "required: at least one person (a person id or an email)")
    return people


def _merge(slots: list[Any]) -> list[Any]:
    """Slots of the same role joined: the order of role slots means nothing, people within them neither."""
    by_role: dict[int, list[Any]] = {}
    rest = []
    for slot in slots:
        if isinstance(slot, Mapping) and isinstance(slot["role_id"], int) and isinstance(slot["person_ids"], list):
            by_role.setdefault(slot["role_id"], []).extend(slot["person_ids"])
        else:
            rest.append(slot)
    return [{"role_id": role, "person_ids": _sort_known(dict.fromkeys(people), _person_key)}
            for role, people in sorted(by_role.items())] + rest


def _override(walk: _Walk, path: str, value: Any, zone: Any) -> Any:
    if isinstance(value, Unknown):
        return value
    fields = walk.fields(path, value, _OVERRIDE_KEYS)
    if fields is None:
        return _FAILED
    start, end = (walk.when(_at(path, key), fields.get(key), zone) for key in ("start", "end"))
    if _ready(start, end) and end <= start:
        walk.fail(_at(path, "end"), f"must be after start ({_describe(start, zone)}), got {_describe(end, zone)}")
    given = [key for key in ("person", "persons", "person_ids") if fields.get(key) is not None]
    if len(given) != 1:
        people = walk.fail(path, "give who is on call as exactly one of person=, persons=[...] or person_ids=[...]")
    else:
        people = _non_empty(walk, _at(path, given[0]), walk.people(_at(path, given[0]), fields[given[0]]))
    name = fields.get("name")
    return {"name": "override" if name in (None, "") else walk.parse(_at(path, "name"), name, _string),
            "start": start, "end": end, "person_ids": people}


def _notify(walk: _Walk, path: str, value: Any) -> Any:
    if value is None or isinstance(value, Unknown):
        return value
    fields = walk.fields(path, value, _NOTIFY_KEYS)
    if fields is None:
        return _FAILED
    advance_path = _at(path, "advance_in_time")
    advance = walk.parse(advance_path, fields.get("advance_in_time") or 0, _duration)
    if _ready(advance) and (advance < 0 or advance % 300):
        walk.fail(advance_path, f"must be a multiple of 5 minutes (300 seconds), 0 for none, got {advance}")

    fixed_path, fixed = _at(path, "fixed_time"), fields.get("fixed_time")
    if isinstance(fixed, Mapping):
        parts = walk.fields(fixed_path, fixed, ("cycle", "start")) or {}
        if parts.get("cycle") not in (None, "", "day"):
            walk.fail(_at(fixed_path, "cycle"), f"must be 'day' (daily reminders are the only kind), "
                                                f"got {_show(parts['cycle'])}")
        fixed_path, fixed = _at(fixed_path, "start"), parts.get("start")
    fixed = None if fixed in (None, "") else walk.parse(fixed_path, fixed, _reminder_time)

    by_path, by = _at(path, "by"), fields.get("by")
    follow_path, channels_path = _at(path, "follow_preference"), _at(path, "personal_channels")
    follow, channels = fields.get("follow_preference"), fields.get("personal_channels")
    if isinstance(by, Unknown):
        follow = channels = by
    elif by is not None:
        if follow is not None or channels is not None:
            walk.fail(by_path, "give either by={follow_preference, personal_channels} or follow_preference/"
                               "personal_channels, not both")
        parts = walk.fields(by_path, by, ("follow_preference", "personal_channels")) or {}
        follow_path, channels_path = _at(by_path, "follow_preference"), _at(by_path, "personal_channels")
        follow, channels = parts.get("follow_preference"), parts.get("personal_channels")

    webhooks_path = _at(path, "webhooks")
    webhooks = walk.items(webhooks_path, fields.get("webhooks"), "webhooks ({type, token, ...})")
    notify = {
        "advance_in_time": advance,
        "fixed_time": fixed,
        "follow_preference": walk.parse(follow_path, False if follow is None else follow, _boolean),
        "personal_channels": walk.strings(channels_path, channels, _channel),
        "webhooks": webhooks if not isinstance(webhooks, list) else
        [_webhook(walk, f"{webhooks_path}[{i}]", webhook) for i, webhook in enumerate(webhooks)],
    }
    if _ready(notify) and not any(notify.values()):
        return None  # nothing to notify is the same as no notify, which is what the server reports
    return notify


def _webhook(walk: _Walk, path: str, value: Any) -> Any:
    if isinstance(value, Unknown):
        return value
    fields = walk.fields(path, value, ("type", "settings", *WEBHOOK_SETTINGS))
    if fields is None:
        return _FAILED
    nested = fields.get("settings")
    if isinstance(nested, Unknown):
        return dict(value)
    settings, where = fields, path
    if nested is not None:  # the API's shape, {type, settings: {...}}
        if any(fields.get(key) is not None for key in WEBHOOK_SETTINGS):
            walk.fail(path, "give the settings either flat or inside settings={...}, not both")
        where = _at(path, "settings")
        settings = walk.fields(where, nested, WEBHOOK_SETTINGS) or {}
    kind = walk.parse(_at(path, "type"), fields.get("type"), _webhook_type)
    webhook: dict[str, Any] = {"type": kind}
    for key in ("alias", "token", "sign_secret", "verify_token"):
        webhook[key] = walk.parse(_at(where, key), settings.get(key), _text)
    webhook["data_source_id"] = walk.parse(_at(where, "data_source_id"), settings.get("data_source_id") or 0,
                                           _non_negative)
    webhook["chat_ids"] = walk.strings(_at(where, "chat_ids"), settings.get("chat_ids"))
    if kind in ROBOT_WEBHOOKS and webhook["token"] == "":
        walk.fail(_at(where, "token"), f"required for a {kind} robot webhook: the robot's token or URL")
    if kind in APP_WEBHOOKS:
        if webhook["data_source_id"] == 0:
            walk.fail(_at(where, "data_source_id"), f"required for {kind}: the IM integration id")
        if webhook["chat_ids"] == []:
            walk.fail(_at(where, "chat_ids"), f"required for {kind}: at least one chat id")
    return webhook


# --- schedules: people and wire ------------------------------------------------------------------------

def _listed(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else []


def _refs(values: Iterable[Any]) -> list[PersonRef]:
    return list(dict.fromkeys(v for v in values if isinstance(v, (int, str)) and not isinstance(v, bool)))


def schedule_people(canonical: Mapping[str, Any]) -> list[PersonRef]:
    """Every person a schedule's canonical inputs name, in layer groups and overrides (Unknowns skipped)."""
    found: list[Any] = []
    for layer in _listed(canonical.get("layers")):
        groups = layer.get("groups") if isinstance(layer, Mapping) else None
        for group in _listed(groups):
            for slot in _listed(group.get("members") if isinstance(group, Mapping) else None):
                found += _listed(slot.get("person_ids") if isinstance(slot, Mapping) else None)
    for override in _listed(canonical.get("overrides")):
        found += _listed(override.get("person_ids") if isinstance(override, Mapping) else None)
    return _refs(found)


def _complete(checked: tuple[dict[str, Any], list[Failure]]) -> dict[str, Any]:
    """Canonical inputs that are valid and fully known, or :class:`SpecError`."""
    canonical, failures = checked
    failures = failures or [Failure(path, "is not known yet (a preview value); it must be known to send it")
                            for path in _unknown_paths(canonical)]
    if failures:
        raise SpecError(failures)
    return canonical


def _from_server(checked: tuple[dict[str, Any], list[Failure]]) -> dict[str, Any]:
    canonical, failures = checked
    if failures:
        raise SpecError([Failure(f.path, f"{f.reason} (in what Flashduty returned)") for f in failures])
    return canonical


def _resolve(refs: Iterable[PersonRef], person_id: Callable[[PersonRef], int]) -> list[int]:
    # An id and an email of the same person resolve to one id.
    return list(dict.fromkeys(person_id(ref) for ref in refs))


def _unit_of(duration: int) -> tuple[str | None, int | None]:
    """The largest of week, day, hour that divides ``duration`` into 1 to 30 units, for the API's unit form."""
    for unit in ("week", "day", "hour"):
        value, rest = divmod(duration, UNIT_SECONDS[unit])
        if not rest and 1 <= value <= 30:
            return unit, value
    return None, None


def schedule_to_wire(canonical: Mapping[str, Any], person_id: Callable[[PersonRef], int], *,
                     schedule_id: int | None = None, keep_layers: Sequence[ScheduleLayer] = ()) -> ScheduleUpsert:
    """The create/update body: rotation layers, then managed overrides as mode-1 layers named
    ``OVERRIDE_PREFIX + name``, then ``keep_layers`` (override layers made elsewhere) unchanged.

    ``person_id`` resolves each person. Raises :class:`SpecError` for invalid or not yet known inputs.
    """
    spec = _complete(check_schedule(canonical, default_time_zone=str(canonical.get("time_zone", ""))))
    layers = [_layer_to_wire(layer, person_id) for layer in spec["layers"]]
    layers += [ScheduleLayer(layer_name=OVERRIDE_PREFIX + o["name"], mode=1, layer_start=o["start"],
                             layer_end=o["end"],
                             groups=[ScheduleGroup(group_name=o["name"], members=[ScheduleMember(
                                 role_id=0, person_ids=_resolve(o["person_ids"], person_id))])])
               for o in spec["overrides"]]
    # No team is sent as 0, not left out: an update that omits team_id may keep the old team.
    return ScheduleUpsert(schedule_id=schedule_id, schedule_name=spec["schedule_name"],
                          description=spec["description"], team_id=spec["team_id"] or 0,
                          layers=[*layers, *keep_layers], notify=_notify_to_wire(spec["notify"]))


def _layer_to_wire(layer: Mapping[str, Any], person_id: Callable[[PersonRef], int]) -> ScheduleLayer:
    if layer["rotation_unit"] == "month":
        unit, value = layer["rotation_unit"], layer["rotation_value"]
    else:
        unit, value = _unit_of(layer["rotation_duration"])
    mask = layer["day_mask"]
    return ScheduleLayer(
        layer_name=layer["layer_name"], mode=0, layer_start=layer["layer_start"], layer_end=layer["layer_end"],
        rotation_duration=layer["rotation_duration"], rotation_unit=unit, rotation_value=value,
        handoff_time=layer["handoff_time"], fair_rotation=layer["fair_rotation"],
        restrict_mode=layer["restrict_mode"],
        restrict_periods=[RestrictPeriod(**period) for period in layer["restrict_periods"]],
        day_mask=None if mask is None else DayMask(repeat=mask),
        mask_continuous_enabled=layer["mask_continuous_enabled"],
        groups=[ScheduleGroup(group_name=group["group_name"],
                              members=[ScheduleMember(role_id=slot["role_id"],
                                                      person_ids=_resolve(slot["person_ids"], person_id))
                                       for slot in group["members"]])
                for group in layer["groups"]])


def _notify_to_wire(notify: Mapping[str, Any] | None) -> ScheduleNotify:
    if notify is None:
        # Sent rather than left out, so an update clears notifications even where a missing notify means "keep".
        return ScheduleNotify(by=ScheduleNotifyBy())
    fixed = notify["fixed_time"]
    return ScheduleNotify(
        advance_in_time=notify["advance_in_time"],
        fixed_time=None if fixed is None else ScheduleNotifyFixedTime(cycle="day", start=fixed),
        by=ScheduleNotifyBy(follow_preference=notify["follow_preference"],
                            personal_channels=notify["personal_channels"]),
        webhooks=[Webhook(type=w["type"], settings=WebhookSettings(**{key: w[key] for key in WEBHOOK_SETTINGS}))
                  for w in notify["webhooks"]])


def schedule_from_wire(schedule: Schedule, render: Callable[[int], PersonRef], *,
                       time_zone: str) -> tuple[dict[str, Any], list[ScheduleLayer]]:
    """A schedule read from ``/schedule/info`` as canonical inputs, plus the override layers the
    program does not manage (to be kept on update).

    ``render`` turns a person id into a :data:`PersonRef`; ``time_zone`` (not stored by Flashduty)
    goes into the result as it is, and ``adopt`` is False. Raises :class:`SpecError` when the stored
    schedule cannot be expressed as inputs (say, a rotation layer without a rotation).
    """
    layers, overrides, unmanaged = [], [], []
    for layer in schedule.layers:
        if layer.mode != 1:
            layers.append(_layer_from_wire(layer, render))
        elif layer.layer_name.startswith(OVERRIDE_PREFIX):
            overrides.append({"name": layer.layer_name[len(OVERRIDE_PREFIX):], "start": layer.start,
                              "end": layer.end, "person_ids": [render(pid) for group in layer.groups
                                                               for pid in group.person_ids]})
        else:
            unmanaged.append(layer)
    props = {"schedule_name": schedule.schedule_name, "description": schedule.description,
             "team_id": schedule.team_id or None, "time_zone": time_zone, "layers": layers,
             "overrides": overrides, "notify": _notify_from_wire(schedule.notify)}
    return _from_server(check_schedule(props, default_time_zone=time_zone)), unmanaged


def _layer_from_wire(layer: ScheduleLayer, render: Callable[[int], PersonRef]) -> dict[str, Any]:
    rotation: dict[str, Any] = {}
    if layer.rotation_unit == "month":
        rotation = {"rotation_unit": "month", "rotation_value": layer.rotation_value}
    elif layer.rotation_duration:
        rotation = {"rotation_duration": layer.rotation_duration}
    elif layer.rotation_unit and layer.rotation_value:
        rotation = {"rotation_duration": layer.rotation_value * UNIT_SECONDS[layer.rotation_unit]}
    periods = [period.model_dump() for period in layer.restrict_periods]
    if not periods and layer.restrict_start != layer.restrict_end:  # the legacy single window
        periods = [{"restrict_start": layer.restrict_start, "restrict_end": layer.restrict_end}]
    return {
        "layer_name": layer.layer_name or layer.name, "layer_start": layer.start, "layer_end": layer.end,
        **rotation,
        "handoff_time": layer.handoff_time, "fair_rotation": layer.fair_rotation,
        "restrict_mode": layer.restrict_mode,
        # Windows are kept by the server under restrict_mode 0 too, where they mean nothing.
        "restrict_periods": periods if layer.restrict_mode else [],
        "day_mask": layer.day_mask.repeat if layer.day_mask and layer.day_mask.repeat else None,
        "mask_continuous_enabled": layer.mask_continuous_enabled,
        "groups": [{"group_name": group.group_name or group.name,
                    "members": [{"role_id": slot.role_id, "person_ids": [render(pid) for pid in slot.person_ids]}
                                for slot in group.members]}
                   for group in layer.groups],
    }


def _notify_from_wire(notify: ScheduleNotify | None) -> dict[str, Any] | None:
    if notify is None:
        return None
    return {"advance_in_time": notify.advance_in_time,
            "fixed_time": None if notify.fixed_time is None else notify.fixed_time.model_dump(),
            "by": None if notify.by is None else notify.by.model_dump(),
            "webhooks": [webhook.model_dump() for webhook in notify.webhooks]}


# --- public parse helpers ------------------------------------------------------------------------------

def parse_duration(value: Any) -> int:
    """Seconds from ``"30m"``, ``"12h"``, ``"1d"``, ``"2w"``, ``"1d12h"``, ``"90s"``, a timedelta, or
    whole seconds. Raises :class:`SpecError`."""
    try:
        return _duration(value)
    except _Invalid as exc:
        raise SpecError([Failure("", str(exc))]) from None


def parse_instant(value: Any, time_zone: str) -> int:
    """Epoch seconds from epoch seconds, an aware datetime, an ISO time with an offset, or a naive
    ISO time/date read in ``time_zone`` (an IANA name). Raises :class:`SpecError`."""
    try:
        parsed = _instant(value)
        return _local(parsed, _zone(time_zone)) if isinstance(parsed, datetime) else parsed
    except _Invalid as exc:
        raise SpecError([Failure("", str(exc))]) from None
