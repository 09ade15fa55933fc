"""The emulated Flashduty account: its state and the business logic of every endpoint.

Nothing here knows about HTTP. :meth:`Store.call` takes a path, a decoded JSON body and the person
acting, validates the body the way docs/flashduty-api.md §9–§11 describe, and returns the ``data`` of the reply or
raises :class:`StoreError` with the HTTP status, error code and message to answer with. One
re-entrant lock serialises every call; changes are validated completely before anything is
modified, so a refused request changes nothing, and each committed change is written to the state
file (atomically) when there is one.

Decisions where docs/flashduty-api.md is silent:

* Ids of teams, schedules and invited people come from one counter, starting at 6000000000000.
* A schedule without a team has ``team_id`` (and ``group_id``) 0; a schedule created without
  ``notify`` has ``notify: null``.
* A window (``start``/``end``) of ``/schedule/list`` or ``/schedule/self`` counts as given only
  when both are non-zero. ``/schedule/self`` returns the stored layers and no computed shifts, like
  the EN example; ``/schedule/list`` with a window returns items like ``/schedule/info``.
* ``cur_oncall``/``next_oncall`` come from the window [now, now + 45 days), so ``cur_oncall`` starts
  at now, like the EN example.
* Lists without ``orderby`` are newest first (``created_at``, then id); ``total`` is capped at
  1,000 for every list; ``query`` matches case-insensitively.
* ``restrict_mode`` 1 or 2 needs at least one window (``restrict_periods`` or the legacy
  ``restrict_start``/``restrict_end``); a layer without ``layer_name`` takes its ``name``.
* An empty ``notify.fixed_time`` (``cycle`` and ``start`` both empty) means none.
* Team upserts that omit ``description``, ``ref_id`` or ``person_ids`` keep the stored value;
  ``emails``/``phones`` add people (inviting unknown ones as ``pending``) to the membership.
  A non-empty ``ref_id`` is unique among teams.
* ``/person/infos`` and ``/member/list`` mask phone numbers (``+86138****0001``).
"""

from __future__ import annotations

import copy
import json
import os
import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flashcat_pulumi.emulator.people import EMAIL, PHONE, SeedPerson
from flashcat_pulumi.timeline import Shift, compute
from flashcat_pulumi.wire import ScheduleLayer

__all__ = ["PATHS", "REFERENCE_KINDS", "Store", "StoreError", "WebUI"]

HOUR = 3600
DAY = 86400
WEEK = 7 * DAY
FIRST_ID = 6_000_000_000_000
STATE_VERSION = 1
MAX_WINDOW = 45 * DAY
SELF_WINDOW = 30 * DAY
ONCALL_LOOKAHEAD = 45 * DAY
TOTAL_CAP = 1000
MAX_OFFSET = 10_000
ACCOUNT_NAME = "Emulated Account"
NOT_FOUND = "The resource you request is not found"
REFERENCED = "The resource is still referenced by other resources and cannot be deleted."

UNIT_SECONDS = {"hour": HOUR, "day": DAY, "week": WEEK}
ROTATION_UNITS = ("hour", "day", "week", "month")
ROBOT_WEBHOOKS = ("feishu", "dingtalk", "wecom", "slack", "telegram", "zoom")
APP_WEBHOOKS = ("feishu_app", "dingtalk_app", "wecom_app", "teams_app", "slack_app")
REFERENCE_KINDS = ("schedule", "team", "escalate_rule", "silence_rule", "channel", "template",
                   "integration", "calendar")
_CHANNEL = re.compile(r"^(email|sms|phone|(feishu|dingtalk|wecom|slack|teams)_app:\d+)$")
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_PHONE_QUERY = re.compile(r"^\+?\d[\d\s-]{4,}$")

PATHS = ("/schedule/create", "/schedule/update", "/schedule/delete", "/schedule/info", "/schedule/infos",
         "/schedule/list", "/schedule/self", "/schedule/preview", "/team/upsert", "/team/info",
         "/team/infos", "/team/list", "/team/delete", "/member/list", "/member/info", "/person/infos",
         "/oncall/roles")
"""Every path :meth:`Store.call` answers (``/oncall/roles`` is the legacy GET)."""


class StoreError(Exception):
    """A refused request: the HTTP status, the Flashduty error code, the message, and for
    ``ReferenceExist`` the referencing objects (``[{kind, name, href}]``)."""

    def __init__(self, status: int, code: str, message: str,
                 refs: list[dict[str, str]] | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.refs = refs


def invalid(message: str) -> StoreError:
    """A 400 ``InvalidParameter`` whose message names the field."""
    return StoreError(400, "InvalidParameter", message)


def not_found() -> StoreError:
    """A 400 ``ResourceNotFound`` (Flashduty never answers 404 for a missing entity)."""
    return StoreError(400, "ResourceNotFound", NOT_FOUND)


# --- reading request bodies ------------------------------------------------------------------------

def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def _integer(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (
            isinstance(value, float) and not value.is_integer()):
        raise invalid(f"{where}: must be an integer, got {_show(value)}")
    return int(value)


def _check_range(value: int, where: str, lo: int | None, hi: int | None, unit: str = "") -> int:
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        if lo is not None and hi is not None:
            rule = f"must be between {lo} and {hi}{unit}"
        elif lo is not None:
            rule = f"must be at least {lo}{unit}"
        else:
            rule = f"must be at most {hi}{unit}"
        raise invalid(f"{where}: {rule}, got {value}")
    return value


class _Body:
    """A JSON object of a request, read field by field; ``null`` counts as absent."""

    def __init__(self, data: Mapping[str, Any], where: str = "") -> None:
        self.data = data
        self.where = where

    def at(self, key: str) -> str:
        """The path of ``key`` for messages, such as ``layers[0].mode``."""
        return f"{self.where}.{key}" if self.where else key

    def has(self, key: str) -> bool:
        return self.data.get(key) is not None

    def integer(self, key: str, *, default: int | None = None, lo: int | None = None,
                hi: int | None = None, unit: str = "") -> Any:
        value = self.data.get(key)
        if value is None:
            return default
        return _check_range(_integer(value, self.at(key)), self.at(key), lo, hi, unit)

    def string(self, key: str, *, max_len: int | None = None) -> str | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise invalid(f"{self.at(key)}: must be a string, got {_show(value)}")
        if max_len is not None and len(value) > max_len:
            raise invalid(f"{self.at(key)}: must be at most {max_len} characters, got {len(value)}")
        return value

    def boolean(self, key: str) -> bool:
        value = self.data.get(key)
        if value is None:
            return False
        if not isinstance(value, bool):
            raise invalid(f"{self.at(key)}: must be true or false, got {_show(value)}")
        return value

    def _list(self, key: str) -> list[Any] | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, list):
            raise invalid(f"{self.at(key)}: must be a list, got {_show(value)}")
        return value

    def integers(self, key: str) -> list[int] | None:
        values = self._list(key)
        return None if values is None else [_integer(v, f"{self.at(key)}[{i}]") for i, v in enumerate(values)]

    def strings(self, key: str) -> list[str] | None:
        values = self._list(key)
        if values is None:
            return None
        for i, value in enumerate(values):
            if not isinstance(value, str):
                raise invalid(f"{self.at(key)}[{i}]: must be a string, got {_show(value)}")
        return values

    def obj(self, key: str) -> _Body | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise invalid(f"{self.at(key)}: must be an object, got {_show(value)}")
        return _Body(value, self.at(key))

    def objects(self, key: str) -> list[_Body] | None:
        values = self._list(key)
        if values is None:
            return None
        bodies = []
        for i, value in enumerate(values):
            if not isinstance(value, dict):
                raise invalid(f"{self.at(key)}[{i}]: must be an object, got {_show(value)}")
            bodies.append(_Body(value, f"{self.at(key)}[{i}]"))
        return bodies


def _dedupe(values: Iterable[int]) -> list[int]:
    return list(dict.fromkeys(values))


def _mask_phone(phone: str) -> str:
    return phone[:-8] + "****" + phone[-4:] if len(phone) >= 11 else phone


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


# --- the store ---------------------------------------------------------------------------------------

Handler = Callable[[_Body, int], Any]


class Store:
    """The state of one emulated account and the logic of every endpoint (thread-safe).

    ``people`` seeds a fresh account; a ``state_file`` that exists replaces the seed entirely.
    ``clock`` gives epoch seconds for timestamps and for "now" in ``cur_oncall``/``next_oncall``.
    """

    def __init__(self, *, people: Sequence[SeedPerson], time_zone: str, clock: Callable[[], float],
                 state_file: str | os.PathLike[str] | None = None) -> None:
        self.time_zone = time_zone
        self._tz = ZoneInfo(time_zone)
        self._clock = clock
        self._lock = threading.RLock()
        self._state_file = Path(state_file) if state_file is not None else None
        self._people: dict[int, dict[str, Any]] = {}
        self._teams: dict[int, dict[str, Any]] = {}
        self._schedules: dict[int, dict[str, Any]] = {}
        self._refs: dict[int, dict[str, Any]] = {}
        self._next_id = FIRST_ID
        if self._state_file is not None and self._state_file.exists():
            self._restore(self._state_file)
        else:
            self._seed(people)
        self._routes: dict[str, tuple[Handler, bool]] = {
            "/schedule/create": (self._schedule_create, True),
            "/schedule/update": (self._schedule_update, True),
            "/schedule/delete": (self._schedule_delete, True),
            "/schedule/info": (self._schedule_info, False),
            "/schedule/infos": (self._schedule_infos, False),
            "/schedule/list": (self._schedule_list, False),
            "/schedule/self": (self._schedule_self, False),
            "/schedule/preview": (self._schedule_preview, False),
            "/team/upsert": (self._team_upsert, True),
            "/team/info": (self._team_info, False),
            "/team/infos": (self._team_infos, False),
            "/team/list": (self._team_list, False),
            "/team/delete": (self._team_delete, True),
            "/member/list": (self._member_list, False),
            "/member/info": (self._member_info, False),
            "/person/infos": (self._person_infos, False),
            "/oncall/roles": (self._oncall_roles, False),
        }

    @property
    def key_owner(self) -> int:
        """The person the emulator's app keys belong to."""
        return self._key_owner

    @property
    def account_id(self) -> int:
        """The account id, which is the owner's person id."""
        return self._account_id

    def call(self, path: str, body: Mapping[str, Any], actor: int) -> Any:
        """Run endpoint ``path`` for ``actor`` (a person id): return ``data`` or raise :class:`StoreError`."""
        handler, mutates = self._routes[path]
        with self._lock:
            result = handler(_Body(body), actor)
            if mutates:
                self._commit()
            return copy.deepcopy(result)

    def save(self) -> None:
        """Write the state file now (no-op without one)."""
        with self._lock:
            self._commit()

    # --- inspection (deep copies, wire shapes) ---------------------------------------------------

    def schedules(self) -> list[dict[str, Any]]:
        """Every schedule as a ``ScheduleItem`` with its stored layers, oldest first."""
        with self._lock:
            return copy.deepcopy([self._item(s, layers=True, window=None) for s in self._schedules.values()])

    def schedule(self, schedule_id: int) -> dict[str, Any] | None:
        """One schedule like :meth:`schedules`, ``None`` if there is none with that id."""
        with self._lock:
            stored = self._schedules.get(schedule_id)
            return None if stored is None else copy.deepcopy(self._item(stored, layers=True, window=None))

    def teams(self) -> list[dict[str, Any]]:
        """Every team as a ``TeamItem``, oldest first."""
        with self._lock:
            return copy.deepcopy([self._team_item(t) for t in self._teams.values()])

    def team(self, team_id: int) -> dict[str, Any] | None:
        """One team like :meth:`teams`, ``None`` if there is none with that id."""
        with self._lock:
            stored = self._teams.get(team_id)
            return None if stored is None else copy.deepcopy(self._team_item(stored))

    def people(self) -> list[dict[str, Any]]:
        """Everyone (owner, members, invited) as a ``PersonItem``, with the phone unmasked."""
        with self._lock:
            return [{**self._person_item(p), "phone": p["phone"]} for p in self._people.values()]

    # --- state -----------------------------------------------------------------------------------

    def _now(self) -> int:
        return int(self._clock())

    def _new_id(self) -> int:
        new_id = self._next_id
        self._next_id += 1
        return new_id

    def _seed(self, people: Sequence[SeedPerson]) -> None:
        now = self._now()
        self._next_id = max(FIRST_ID, *((p.person_id or 0) + 1 for p in people))
        for person in people:
            person_id = person.person_id or self._new_id()
            self._people[person_id] = {"person_id": person_id, "name": person.name, "email": person.email,
                                       "phone": person.phone, "as": person.as_, "status": "enabled",
                                       "created_at": now, "updated_at": now}
        self._account_id = next(p["person_id"] for p in self._people.values() if p["as"] == "account")
        self._key_owner = next((p["person_id"] for p in self._people.values() if p["as"] == "member"),
                               self._account_id)

    def _snapshot(self) -> dict[str, Any]:
        return {"version": STATE_VERSION, "next_id": self._next_id, "account_id": self._account_id,
                "key_owner": self._key_owner, "people": list(self._people.values()),
                "teams": list(self._teams.values()), "schedules": list(self._schedules.values()),
                "refs": list(self._refs.values())}

    def _restore(self, path: Path) -> None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") != STATE_VERSION:
                raise ValueError(f"unsupported version {data.get('version')!r}, expected {STATE_VERSION}")
            self._next_id = int(data["next_id"])
            self._account_id = int(data["account_id"])
            self._key_owner = int(data["key_owner"])
            self._people = {int(p["person_id"]): p for p in data["people"]}
            self._teams = {int(t["team_id"]): t for t in data["teams"]}
            self._schedules = {int(s["schedule_id"]): s for s in data["schedules"]}
            self._refs = {int(r["ref_id"]): r for r in data["refs"]}
            if self._account_id not in self._people or self._key_owner not in self._people:
                raise ValueError("the account owner or the key owner is not among the people")
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"{path}: not a usable emulator state file: {exc}") from None

    def _commit(self) -> None:
        if self._state_file is None:
            return
        self._state_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._state_file.with_name(f".{self._state_file.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(self._snapshot(), ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, self._state_file)

    # --- shared rules --------------------------------------------------------------------------

    def _check_person(self, person_id: int, where: str) -> int:
        if person_id not in self._people:
            raise invalid(f"{where}: no person with id {person_id}")
        return person_id

    @staticmethod
    def _paging(body: _Body, *, default_limit: int) -> tuple[int, int]:
        p = body.integer("p", default=1, lo=1)
        limit = body.integer("limit", default=default_limit, lo=1, hi=100)
        if p * limit > MAX_OFFSET:
            raise invalid(f"p: p × limit must be at most {MAX_OFFSET}, got {p} × {limit}")
        return p, limit

    @staticmethod
    def _page(items: list[Any], p: int, limit: int) -> tuple[list[Any], int]:
        return items[(p - 1) * limit:p * limit], min(len(items), TOTAL_CAP)

    @staticmethod
    def _window(body: _Body, *, max_span: int, inclusive: bool) -> tuple[int, int]:
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

    @classmethod
    def _optional_window(cls, body: _Body, *, max_span: int, inclusive: bool) -> tuple[int, int] | None:
        """:meth:`_window` when ``start`` and ``end`` are both given (0 counts as absent), else ``None``."""
        if not body.integer("start") or not body.integer("end"):
            return None
        return cls._window(body, max_span=max_span, inclusive=inclusive)

    @staticmethod
    def _sorted(records: Iterable[dict[str, Any]], id_key: str, orderby: str,
                asc: bool) -> list[dict[str, Any]]:
        return sorted(records, key=lambda r: (r[orderby], r[id_key]), reverse=not asc)

    # --- schedules: validation -------------------------------------------------------------------

    def _schedule_fields(self, body: _Body, *, schedule_id: int) -> dict[str, Any]:
        """The editable fields of a create or update body, validated and normalized."""
        key = "schedule_name" if body.string("schedule_name") else "name"
        name = body.string(key) or ""
        if not name.strip():
            raise invalid("schedule_name: required, 1 to 40 characters")
        if len(name) > 40:
            raise invalid(f"{key}: must be 1 to 40 characters, got {len(name)}")
        for other in self._schedules.values():
            if other["schedule_name"] == name and other["schedule_id"] != schedule_id:
                raise invalid(f"{key}: a schedule named {name!r} already exists (schedule_id "
                              f"{other['schedule_id']}); names are unique per account")
        description = body.string("description", max_len=500) or ""
        team_id = body.integer("team_id", default=0, lo=0)
        if team_id and team_id not in self._teams:
            raise invalid(f"team_id: no team with id {team_id}")
        return {"schedule_name": name, "description": description, "team_id": team_id,
                "layers": self._layers(body), "notify": self._notify(body.obj("notify"))}

    def _layers(self, body: _Body) -> list[dict[str, Any]]:
        layers = body.objects("layers")
        if not layers:
            raise invalid("layers: required, a non-empty list of layers")
        return [self._layer(layer, i) for i, layer in enumerate(layers)]

    def _layer(self, b: _Body, index: int) -> dict[str, Any]:
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
        duration, unit, value = self._rotation(b, mode)
        handoff = b.integer("handoff_time", default=0)
        if not 0 <= handoff < WEEK:
            raise invalid(f"{b.at('handoff_time')}: must be at least 0 and below {WEEK} seconds, "
                          f"got {handoff}")
        restrict_mode = b.integer("restrict_mode", default=0)
        if restrict_mode not in (0, 1, 2):
            raise invalid(f"{b.at('restrict_mode')}: must be 0 (none), 1 (daily) or 2 (weekly), "
                          f"got {restrict_mode}")
        periods, restrict_start, restrict_end = self._restrictions(b, restrict_mode)
        day_mask = self._day_mask(b, restrict_mode)
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
            "weight": index, "groups": [self._group(g) for g in groups], "rotation_duration": duration,
            "handoff_time": handoff, "enable_time": start, "expire_time": end or 0,
            "restrict_mode": restrict_mode, "restrict_start": restrict_start, "restrict_end": restrict_end,
            "restrict_periods": periods, "day_mask": day_mask, "create_at": 0, "create_by": 0,
            "update_at": 0, "update_by": 0, "layer_name": layer_name,
            "fair_rotation": b.boolean("fair_rotation"), "layer_start": start, "layer_end": end,
            "rotation_unit": unit, "rotation_value": value,
            "mask_continuous_enabled": b.boolean("mask_continuous_enabled"),
        }

    @staticmethod
    def _rotation(b: _Body, mode: int) -> tuple[int, str | None, int | None]:
        """``(rotation_duration, rotation_unit, rotation_value)``; 0, "" and null count as absent."""
        duration = b.integer("rotation_duration") or 0
        if duration:
            _check_range(duration, b.at("rotation_duration"), HOUR, 30 * DAY, " seconds")
        unit = b.string("rotation_unit") or None
        if unit is not None and unit not in ROTATION_UNITS:
            raise invalid(f"{b.at('rotation_unit')}: must be one of {', '.join(ROTATION_UNITS)}, "
                          f"got {unit!r}")
        value = b.integer("rotation_value") or None
        if value is not None:
            _check_range(value, b.at("rotation_value"), 1, 30 if unit == "month" else None)
            if unit is None:
                raise invalid(f"{b.at('rotation_unit')}: required with rotation_value, one of "
                              f"{', '.join(ROTATION_UNITS)}")
        if unit is not None and value is None:
            raise invalid(f"{b.at('rotation_value')}: required with rotation_unit, between 1 and 30")
        if mode == 0 and unit is None and not duration:
            raise invalid(f"{b.at('rotation_duration')}: a rotation layer (mode 0) needs rotation_duration "
                          f"(3600 to 2592000 seconds) or rotation_unit and rotation_value")
        if unit in UNIT_SECONDS and value is not None:
            # Above 30 units is fine (Flashduty's Terraform provider writes 48 hours); the span is bounded.
            duration = _check_range(value * UNIT_SECONDS[unit], b.at("rotation_value"), HOUR, 30 * DAY,
                                    f" seconds ({value} {unit}s)")
        return duration, unit, value

    @staticmethod
    def _restrictions(b: _Body, mode: int) -> tuple[list[dict[str, int]], int, int]:
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

    @staticmethod
    def _day_mask(b: _Body, restrict_mode: int) -> dict[str, list[int]] | None:
        mask = b.obj("day_mask")
        if mask is None:
            return None
        repeat = mask.integers("repeat") or []
        for i, day in enumerate(repeat):
            _check_range(day, f"{mask.at('repeat')}[{i}]", 0, 6, " (0 = Sunday ... 6 = Saturday)")
            if day in repeat[:i]:
                raise invalid(f"{mask.at('repeat')}[{i}]: day {day} is listed twice")
        if restrict_mode == 2 and repeat:
            raise invalid(f"{b.at('day_mask')}: cannot be combined with restrict_mode 2 (weekly windows); "
                          f"leave day_mask empty")
        return {"repeat": repeat}

    def _group(self, b: _Body) -> dict[str, Any]:
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
                self._check_person(person_id, f"{member.at('person_ids')}[{i}]")
            slots.append({"role_id": role_id, "person_ids": person_ids})
        return {"group_name": name, "name": name, "members": slots, "start": 0, "end": 0}

    @staticmethod
    def _notify(b: _Body | None) -> dict[str, Any] | None:
        if b is None:
            return None
        advance = b.integer("advance_in_time", default=0, lo=0, unit=" seconds")
        if advance % 300:
            raise invalid(f"{b.at('advance_in_time')}: must be a multiple of 300 seconds (5 minutes), "
                          f"got {advance}")
        fixed = None
        fixed_body = b.obj("fixed_time")
        if fixed_body is not None:
            cycle = fixed_body.string("cycle") or ""
            start = fixed_body.string("start") or ""
            if cycle or start:
                if cycle != "day":
                    raise invalid(f"{fixed_body.at('cycle')}: must be 'day', got {cycle!r}")
                if not _HHMM.match(start):
                    raise invalid(f"{fixed_body.at('start')}: must be a time 'HH:MM' such as '08:00', "
                                  f"got {start!r}")
                fixed = {"cycle": cycle, "start": start}
        by = None
        by_body = b.obj("by")
        if by_body is not None:
            channels = by_body.strings("personal_channels")
            for i, channel in enumerate(channels or []):
                if not _CHANNEL.match(channel):
                    raise invalid(f"{by_body.at('personal_channels')}[{i}]: must be email, sms, phone or "
                                  f"<feishu|dingtalk|wecom|slack|teams>_app:<integration id>, "
                                  f"got {channel!r}")
            by = {"follow_preference": by_body.boolean("follow_preference"), "personal_channels": channels}
        webhooks = None
        webhook_bodies = b.objects("webhooks")
        if webhook_bodies is not None:
            webhooks = [Store._webhook(w) for w in webhook_bodies]
        notify: dict[str, Any] = {"advance_in_time": advance, "fixed_time": fixed, "by": by,
                                  "webhooks": webhooks}
        im = b.obj("im")
        if im is not None:
            notify["im"] = {key: im.string(key) or "" for key in im.data}
        return notify

    @staticmethod
    def _webhook(w: _Body) -> dict[str, Any]:
        kind = w.string("type") or ""
        if kind not in APP_WEBHOOKS + ROBOT_WEBHOOKS:
            raise invalid(f"{w.at('type')}: must be one of {', '.join(APP_WEBHOOKS + ROBOT_WEBHOOKS)}, "
                          f"got {kind!r}")
        s = w.obj("settings") or _Body({}, w.at("settings"))
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

    # --- schedules: output -----------------------------------------------------------------------

    def _item(self, s: dict[str, Any], *, layers: bool, window: tuple[int, int] | None) -> dict[str, Any]:
        """A stored schedule as a ``ScheduleItem``; computed fields only with a ``window``."""
        item: dict[str, Any] = {
            "id": s["schedule_id"], "name": s["schedule_name"], "account_id": s["account_id"],
            "group_id": s["team_id"], "disabled": 0, "create_at": s["create_at"], "create_by": s["create_by"],
            "update_at": s["update_at"], "update_by": s["update_by"],
            "layers": s["layers"] if layers else None, "schedule_layers": None,
            "final_schedule": {"layer_name": "", "name": "", "mode": 0, "schedules": None},
        }
        if window is not None:
            item.update(self._computed(s["layers"], *window))
            item.update(start=window[0], end=window[1])
        item.update(notify=s["notify"], schedule_id=s["schedule_id"], schedule_name=s["schedule_name"],
                    team_id=s["team_id"], description=s["description"],
                    layer_schedules=item["schedule_layers"], status=0, cur_oncall=None, next_oncall=None)
        if window is not None:
            now = self._now()
            timeline = compute(self._models(s["layers"]), now, now + ONCALL_LOOKAHEAD, self._tz)
            item["cur_oncall"] = self._oncall(timeline.at(now), s["update_at"])
            item["next_oncall"] = self._oncall(timeline.next_after(now), s["update_at"])
        return item

    @staticmethod
    def _models(layers: list[dict[str, Any]]) -> list[ScheduleLayer]:
        return [ScheduleLayer.model_validate(layer) for layer in layers]

    def _computed(self, layers: list[dict[str, Any]], start: int, end: int) -> dict[str, Any]:
        timeline = compute(self._models(layers), start, end, self._tz)
        return {
            "schedule_layers": [{"layer_name": layer["layer_name"], "name": layer["name"],
                                 "mode": layer["mode"], "schedules": [self._shift(x) for x in shifts]}
                                for layer, shifts in zip(layers, timeline.layers, strict=True)],
            "final_schedule": {"layer_name": "", "name": "", "mode": 0,
                               "schedules": [self._shift(x) for x in timeline.final]},
        }

    @staticmethod
    def _shift(shift: Shift) -> dict[str, Any]:
        return {"start": shift.start, "end": shift.end, "group": shift.group.model_dump(mode="json"),
                "index": shift.index}

    @staticmethod
    def _oncall(shift: Shift | None, update_at: int) -> dict[str, Any] | None:
        if shift is None:
            return None
        return {"start": shift.start, "end": shift.end, "group": shift.group.model_dump(mode="json"),
                "update_at": update_at, "weight": shift.weight, "index": shift.index}

    def _stamp(self, layers: list[dict[str, Any]], schedule_id: int, now: int, actor: int) -> None:
        for layer in layers:
            layer.update(account_id=self._account_id, schedule_id=schedule_id, create_at=now, create_by=actor,
                         update_at=now, update_by=actor)

    def _lookup_schedule(self, body: _Body) -> dict[str, Any]:
        schedule_id = body.integer("schedule_id")
        if not schedule_id:
            raise invalid("schedule_id: required")
        stored = self._schedules.get(schedule_id)
        if stored is None:
            raise not_found()
        return stored

    def _schedule_refs(self, schedule_id: int) -> list[dict[str, str]]:
        return [self._ref_item(r) for r in self._refs.values() if r["schedule_id"] == schedule_id]

    # --- schedules: endpoints --------------------------------------------------------------------

    def _schedule_create(self, body: _Body, actor: int) -> dict[str, Any]:
        fields = self._schedule_fields(body, schedule_id=0)
        now = self._now()
        schedule_id = self._new_id()
        self._stamp(fields["layers"], schedule_id, now, actor)
        self._schedules[schedule_id] = {"schedule_id": schedule_id, "account_id": self._account_id, **fields,
                                        "create_at": now, "create_by": actor, "update_at": now,
                                        "update_by": actor}
        return {"schedule_id": schedule_id}

    def _schedule_update(self, body: _Body, actor: int) -> dict[str, Any]:
        stored = self._lookup_schedule(body)
        self._replace(stored, self._schedule_fields(body, schedule_id=stored["schedule_id"]), actor)
        return {}

    def _replace(self, stored: dict[str, Any], fields: dict[str, Any], actor: int) -> None:
        now = self._now()
        self._stamp(fields["layers"], stored["schedule_id"], now, actor)
        stored.update(fields, update_at=now, update_by=actor)

    def _schedule_delete(self, body: _Body, actor: int) -> dict[str, Any]:
        ids = body.integers("schedule_ids")
        if not ids:
            raise invalid("schedule_ids: required, a non-empty list of schedule ids")
        known = [i for i in _dedupe(ids) if i in self._schedules]
        refs = [ref for i in known for ref in self._schedule_refs(i)]
        if refs:
            raise StoreError(400, "ReferenceExist", REFERENCED, refs)
        for schedule_id in known:
            del self._schedules[schedule_id]
        return {}

    def _schedule_info(self, body: _Body, actor: int) -> dict[str, Any]:
        if not body.integer("schedule_id"):
            raise invalid("schedule_id: required")
        window = self._window(body, max_span=MAX_WINDOW, inclusive=False)
        return self._item(self._lookup_schedule(body), layers=True, window=window)

    def _schedule_infos(self, body: _Body, actor: int) -> dict[str, Any]:
        ids = body.integers("schedule_ids")
        if not ids:
            raise invalid("schedule_ids: required, a non-empty list of schedule ids")
        return {"items": [self._item(self._schedules[i], layers=False, window=None)
                          for i in _dedupe(ids) if i in self._schedules]}

    def _schedule_list(self, body: _Body, actor: int) -> dict[str, Any]:
        query = (body.string("query") or "").lower()
        p, limit = self._paging(body, default_limit=10)
        mine, managed = body.boolean("is_my_team"), body.boolean("is_my_manage")
        if mine and managed:
            raise invalid("is_my_team: cannot be combined with is_my_manage; set at most one")
        team_ids = body.integers("team_ids")
        window = self._optional_window(body, max_span=MAX_WINDOW, inclusive=False)
        my_teams = {t["team_id"] for t in self._teams.values() if actor in t["person_ids"]}
        matches = [s for s in self._sorted(self._schedules.values(), "schedule_id", "create_at", False)
                   if query in s["schedule_name"].lower()
                   and (not team_ids or s["team_id"] in team_ids)
                   and (not mine or s["team_id"] in my_teams)
                   and (not managed or (s["create_by"] == actor and s["team_id"] in my_teams))]
        page, total = self._page(matches, p, limit)
        items = [self._item(s, layers=window is not None, window=window) for s in page]
        return {"items": items, "total": total}

    def _schedule_self(self, body: _Body, actor: int) -> dict[str, Any]:
        self._optional_window(body, max_span=SELF_WINDOW, inclusive=True)
        mine = [s for s in self._sorted(self._schedules.values(), "schedule_id", "create_at", False)
                if any(actor in member["person_ids"] for layer in s["layers"] for group in layer["groups"]
                       for member in group["members"])]
        return {"items": [self._item(s, layers=True, window=None) for s in mine]}

    def _schedule_preview(self, body: _Body, actor: int) -> dict[str, Any]:
        layers = self._layers(body)
        self._notify(body.obj("notify"))
        start, end = self._window(body, max_span=MAX_WINDOW, inclusive=True)
        computed = self._computed(layers, start, end)
        return {"id": None, "name": None, "account_id": 0, "group_id": None, "disabled": None, "create_at": 0,
                "create_by": 0, "update_at": 0, "update_by": 0, "layers": layers, **computed, "start": start,
                "end": end, "notify": None, "schedule_id": 0, "schedule_name": None, "team_id": None,
                "description": None, "layer_schedules": None, "status": None, "cur_oncall": None,
                "next_oncall": None}

    # --- teams -------------------------------------------------------------------------------------

    def _team_item(self, t: dict[str, Any]) -> dict[str, Any]:
        return {"account_id": self._account_id, "team_id": t["team_id"], "team_name": t["team_name"],
                "description": t["description"], "status": t["status"],
                "updated_by_name": self._name(t["updated_by"]), "updated_by": t["updated_by"],
                "creator_id": t["creator_id"], "creator_name": self._name(t["creator_id"]),
                "created_at": t["created_at"], "updated_at": t["updated_at"], "person_ids": t["person_ids"],
                "ref_id": t["ref_id"]}

    def _name(self, person_id: int) -> str:
        person = self._people.get(person_id)
        return person["name"] if person else ""

    def _team_named(self, name: str) -> dict[str, Any] | None:
        return next((t for t in self._teams.values() if t["team_name"] == name), None)

    def _check_team_name(self, name: str | None, where: str = "team_name") -> str:
        if name is None or not name.strip():
            raise invalid(f"{where}: required, 1 to 39 characters")
        if len(name) > 39:
            raise invalid(f"{where}: must be 1 to 39 characters, got {len(name)}")
        return name

    def _find_team(self, body: _Body) -> dict[str, Any]:
        team_id = body.integer("team_id", default=0, lo=0)
        name = body.string("team_name")
        ref_id = body.string("ref_id")
        if team_id:
            team = self._teams.get(team_id)
        elif name:
            team = self._team_named(name)
        elif ref_id:
            team = next((t for t in self._teams.values() if t["ref_id"] == ref_id), None)
        else:
            raise invalid("team_id: give one of team_id, team_name or ref_id")
        if team is None:
            raise not_found()
        return team

    def _team_upsert(self, body: _Body, actor: int) -> dict[str, Any]:
        team_id = body.integer("team_id", default=0, lo=0)
        name = self._check_team_name(body.string("team_name"))
        description = body.string("description", max_len=500)
        person_ids = body.integers("person_ids")
        for i, person_id in enumerate(person_ids or []):
            self._check_person(person_id, f"person_ids[{i}]")
        emails = body.strings("emails") or []
        for i, email in enumerate(emails):
            if not EMAIL.match(email):
                raise invalid(f"emails[{i}]: must look like an email address, got {email!r}")
        country_code = body.string("countryCode") or ""
        phones = [self._e164(phone, country_code) for phone in body.strings("phones") or []]
        for i, phone in enumerate(phones):
            if not PHONE.match(phone):
                raise invalid(f"phones[{i}]: must be a phone number such as '+8613800000000', got {phone!r}")
        ref_id = body.string("ref_id")
        reset = body.boolean("reset_if_name_exist")
        if team_id:
            team = self._teams.get(team_id)
            if team is None:
                raise not_found()
        else:
            team = self._team_named(name)
            if team is not None and not reset:
                raise invalid(f"team_name: a team named {name!r} already exists (team_id {team['team_id']}); "
                              f"names are unique per account unless reset_if_name_exist is true")
        same_name = self._team_named(name)
        if same_name is not None and same_name is not team:
            raise invalid(f"team_name: a team named {name!r} already exists (team_id {same_name['team_id']})")
        if ref_id and any(t["ref_id"] == ref_id and t is not team for t in self._teams.values()):
            raise invalid(f"ref_id: {ref_id!r} is already used by another team")

        invited = [self._person_for("email", email) for email in emails]
        invited += [self._person_for("phone", phone) for phone in phones]
        now = self._now()
        if team is None:
            team = {"team_id": self._new_id(), "team_name": name, "description": "", "status": "enabled",
                    "person_ids": [], "ref_id": "", "creator_id": actor, "updated_by": 0,
                    "created_at": now, "updated_at": now}
            self._teams[team["team_id"]] = team
        else:
            team.update(updated_by=actor, updated_at=now)
        members = team["person_ids"] if person_ids is None else person_ids
        team.update(team_name=name, person_ids=_dedupe([*members, *invited]))
        if description is not None:
            team["description"] = description
        if ref_id is not None:
            team["ref_id"] = ref_id
        return {"team_id": team["team_id"], "team_name": name}

    @staticmethod
    def _e164(phone: str, country_code: str) -> str:
        if phone.startswith("+") or not re.fullmatch(r"\+?\d{1,4}", country_code):
            return phone
        return f"+{country_code.lstrip('+')}{phone}"

    def _person_for(self, field: str, value: str) -> int:
        """The person with this email or phone, inviting (creating as ``pending``) an unknown one."""
        for person in self._people.values():
            if (person[field].lower() == value.lower()) if field == "email" else person[field] == value:
                return person["person_id"]
        now = self._now()
        person_id = self._new_id()
        self._people[person_id] = {
            "person_id": person_id, "name": value.split("@")[0] if field == "email" else value,
            "email": value if field == "email" else "", "phone": value if field == "phone" else "",
            "as": "member", "status": "pending", "created_at": now, "updated_at": now}
        return person_id

    def _team_info(self, body: _Body, actor: int) -> dict[str, Any]:
        return self._team_item(self._find_team(body))

    def _team_infos(self, body: _Body, actor: int) -> dict[str, Any]:
        ids = body.integers("team_ids")
        if not ids:
            raise invalid("team_ids: required, a non-empty list of team ids")
        if len(ids) > 100:
            raise invalid(f"team_ids: at most 100 ids, got {len(ids)}")
        return {"items": [{"team_id": i, "team_name": self._teams[i]["team_name"],
                           "person_ids": self._teams[i]["person_ids"]}
                          for i in _dedupe(ids) if i in self._teams]}

    def _team_list(self, body: _Body, actor: int) -> dict[str, Any]:
        p, limit = self._paging(body, default_limit=20)
        orderby = body.string("orderby")
        if orderby is not None and orderby not in ("created_at", "updated_at", "team_name"):
            raise invalid(f"orderby: must be one of created_at, updated_at, team_name, got {orderby!r}")
        person_id = body.integer("person_id", default=0, lo=0)
        query = (body.string("query") or "").lower()
        ordered = self._sorted(self._teams.values(), "team_id", orderby or "created_at", body.boolean("asc"))
        matches = [t for t in ordered
                   if query in t["team_name"].lower() and (not person_id or person_id in t["person_ids"])]
        page, total = self._page(matches, p, limit)
        return {"p": p, "limit": limit, "total": total, "items": [self._team_item(t) for t in page]}

    def _team_delete(self, body: _Body, actor: int) -> dict[str, Any]:
        team = self._find_team(body)
        refs = [{"kind": "schedule", "name": s["schedule_name"], "href": f"/schedule/{s['schedule_id']}"}
                for s in self._schedules.values() if s["team_id"] == team["team_id"]]
        refs += [self._ref_item(r) for r in self._refs.values() if r["team_id"] == team["team_id"]]
        if refs:
            raise StoreError(400, "ReferenceExist", REFERENCED, refs)
        del self._teams[team["team_id"]]
        return {}

    # --- members and persons -----------------------------------------------------------------------

    def _member_item(self, person: dict[str, Any]) -> dict[str, Any]:
        enabled = person["status"] == "enabled"
        return {"account_id": self._account_id, "member_id": person["person_id"],
                "member_name": person["name"],
                "country_code": "CN" if person["phone"].startswith("+86") else "",
                "phone": _mask_phone(person["phone"]), "email": person["email"],
                "phone_verified": enabled and bool(person["phone"]), "email_verified": enabled,
                "avatar": "", "status": person["status"], "account_role_ids": [],
                "created_at": person["created_at"], "updated_at": person["updated_at"], "ref_id": "",
                "is_external": False, "locale": "en-US", "time_zone": self.time_zone}

    def _person_item(self, person: dict[str, Any]) -> dict[str, Any]:
        enabled = person["status"] == "enabled"
        return {"account_id": self._account_id, "person_id": person["person_id"],
                "person_name": person["name"],
                "avatar": "", "locale": "en-US", "time_zone": self.time_zone, "email": person["email"],
                "phone": _mask_phone(person["phone"]), "phone_verified": enabled and bool(person["phone"]),
                "email_verified": enabled, "as": person["as"], "status": person["status"]}

    def _member_list(self, body: _Body, actor: int) -> dict[str, Any]:
        p, limit = self._paging(body, default_limit=20)
        orderby = body.string("orderby")
        if orderby is not None and orderby not in ("created_at", "updated_at"):
            raise invalid(f"orderby: must be one of created_at, updated_at, got {orderby!r}")
        role_id = body.integer("role_id", lo=0)
        query = (body.string("query") or "").strip()
        members = [m for m in self._people.values() if m["as"] == "member"]
        if role_id is not None:
            members = []  # emulated members hold no account roles
        if _PHONE_QUERY.match(query):
            wanted = _digits(query)
            members = [m for m in members if m["phone"] and (
                _digits(m["phone"]) == wanted
                or (len(wanted) >= 7 and _digits(m["phone"]).endswith(wanted)
                    and len(_digits(m["phone"])) - len(wanted) <= 3))]
        elif query:
            members = [m for m in members if query.lower() in m["name"].lower()
                       or query.lower() in m["email"].lower()]
        ordered = self._sorted(members, "person_id", orderby or "created_at", body.boolean("asc"))
        page, total = self._page(ordered, p, limit)
        return {"p": p, "limit": limit, "total": total, "items": [self._member_item(m) for m in page]}

    def _member_info(self, body: _Body, actor: int) -> dict[str, Any]:
        person = self._people[actor]
        owner = self._people[self._account_id]
        return {"member_id": person["person_id"], "member_name": person["name"], "email": person["email"],
                "email_verified": person["status"] == "enabled", "phone": _mask_phone(person["phone"]),
                "phone_verified": bool(person["phone"]),
                "country_code": "CN" if person["phone"].startswith("+86") else "", "avatar": "",
                "locale": "en-US", "time_zone": self.time_zone, "is_external": False,
                "status": person["status"], "created_at": person["created_at"],
                "account_id": self._account_id, "account_name": ACCOUNT_NAME, "account_avatar": "",
                "account_email": owner["email"], "account_role_ids": [], "account_locale": "en-US",
                "account_time_zone": self.time_zone, "domain": "emulated"}

    def _person_infos(self, body: _Body, actor: int) -> dict[str, Any]:
        ids = body.integers("person_ids")
        if not ids:
            raise invalid("person_ids: required, a non-empty list of person ids")
        return {"items": [self._person_item(self._people[i]) for i in _dedupe(ids) if i in self._people]}

    def _oncall_roles(self, body: _Body, actor: int) -> list[dict[str, Any]]:
        return [{"id": role_id, "name": name, "account_id": self._account_id, "create_at": 0, "create_by": 0,
                 "update_at": 0, "update_by": 0} for role_id, name in ((0, "Primary"), (1, "Backup"))]

    # --- references --------------------------------------------------------------------------------

    @staticmethod
    def _ref_item(ref: dict[str, Any]) -> dict[str, str]:
        return {"kind": ref["kind"], "name": ref["name"], "href": f"/{ref['kind']}/{ref['ref_id']}"}


class WebUI:
    """Changes made outside the API, as a person in the Flashduty web console would make them.

    They act as the account owner, go through the same lock and rules as the API, bump
    ``update_at``/``updated_at`` and are saved to the state file. A refused change raises
    :class:`StoreError` (for instance ``ResourceNotFound`` for an unknown id).
    """

    def __init__(self, store: Store) -> None:
        self._store = store

    def _change(self, change: Callable[[Store, int], Any]) -> Any:
        store = self._store
        with store._lock:
            result = change(store, store._account_id)
            store._commit()
            return result

    def delete_schedule(self, schedule_id: int) -> None:
        """Delete a schedule (refused with ``ReferenceExist`` while something references it)."""
        self._change(lambda store, actor: store._schedule_delete(
            _Body({"schedule_ids": [self._schedule(schedule_id)["schedule_id"]]}), actor))

    def rename_team(self, team_id: int, new_name: str) -> None:
        """Rename a team (the name rules of ``/team/upsert`` apply)."""
        def change(store: Store, actor: int) -> None:
            team = self._team(team_id)
            name = store._check_team_name(new_name)
            other = store._team_named(name)
            if other is not None and other is not team:
                raise invalid(f"team_name: a team named {name!r} already exists (team_id {other['team_id']})")
            team.update(team_name=name, updated_by=actor, updated_at=store._now())
        self._change(change)

    def remove_member(self, team_id: int, person_id: int) -> None:
        """Take a person out of a team."""
        def change(store: Store, actor: int) -> None:
            team = self._team(team_id)
            if person_id not in team["person_ids"]:
                raise not_found()
            team.update(person_ids=[p for p in team["person_ids"] if p != person_id], updated_by=actor,
                        updated_at=store._now())
        self._change(change)

    def add_override(self, schedule_id: int, start: int, end: int, person_id: int,
                     layer_name: str = "UI override") -> int:
        """Append an override layer (mode 1): ``person_id`` on call in ``[start, end)``; return its index."""
        def change(store: Store, actor: int) -> int:
            stored = self._schedule(schedule_id)
            layer = {"layer_name": layer_name, "mode": 1, "layer_start": start, "layer_end": end,
                     "groups": [{"group_name": store._name(person_id),
                                 "members": [{"role_id": 0, "person_ids": [person_id]}]}]}
            body = {**self._editable(stored), "layers": [*stored["layers"], layer]}
            store._replace(stored, store._schedule_fields(_Body(body), schedule_id=schedule_id), actor)
            return len(stored["layers"]) - 1
        return self._change(change)

    def edit_schedule(self, schedule_id: int, **fields: Any) -> None:
        """Change editable fields: ``schedule_name``, ``description``, ``team_id``, ``layers``, ``notify``."""
        unknown = sorted(set(fields) - {"schedule_name", "description", "team_id", "layers", "notify"})
        if unknown:
            raise TypeError(f"edit_schedule() got unknown fields: {', '.join(unknown)}")

        def change(store: Store, actor: int) -> None:
            stored = self._schedule(schedule_id)
            body = {**self._editable(stored), **fields}
            store._replace(stored, store._schedule_fields(_Body(body), schedule_id=schedule_id), actor)
        self._change(change)

    def add_reference(self, kind: str, name: str, *, schedule_id: int | None = None,
                      team_id: int | None = None) -> int:
        """Record an object (e.g. ``kind="escalate_rule"``) referencing a schedule or a team; return its id.

        While it exists, deleting that schedule or team fails with ``ReferenceExist`` naming it.
        """
        if kind not in REFERENCE_KINDS:
            raise ValueError(f"kind must be one of {', '.join(REFERENCE_KINDS)}, got {kind!r}")
        if (schedule_id is None) == (team_id is None):
            raise ValueError("give exactly one of schedule_id or team_id")

        def change(store: Store, actor: int) -> int:
            if schedule_id is not None:
                self._schedule(schedule_id)
            else:
                self._team(team_id or 0)
            ref_id = store._new_id()
            store._refs[ref_id] = {"ref_id": ref_id, "kind": kind, "name": name, "schedule_id": schedule_id,
                                   "team_id": team_id}
            return ref_id
        return self._change(change)

    def remove_reference(self, ref_id: int) -> None:
        """Remove a reference made with :meth:`add_reference`."""
        def change(store: Store, actor: int) -> None:
            if store._refs.pop(ref_id, None) is None:
                raise not_found()
        self._change(change)

    def _schedule(self, schedule_id: int) -> dict[str, Any]:
        stored = self._store._schedules.get(schedule_id)
        if stored is None:
            raise not_found()
        return stored

    def _team(self, team_id: int) -> dict[str, Any]:
        team = self._store._teams.get(team_id)
        if team is None:
            raise not_found()
        return team

    @staticmethod
    def _editable(stored: dict[str, Any]) -> dict[str, Any]:
        return copy.deepcopy({key: stored[key] for key in
                              ("schedule_name", "description", "team_id", "layers", "notify")})
