"""The emulated account's state: its people, teams, schedules and references, the id counter, the
clock, the account time zone, the lock, and the state file that carries them across restarts.

Records are plain JSON-ready dicts, kept exactly as the state file holds them:

* person: ``person_id``, ``name``, ``email``, ``phone`` (unmasked), ``as`` (``member``/``account``),
  ``status`` (``enabled``/``pending``), ``created_at``, ``updated_at``;
* team: ``team_id``, ``team_name``, ``description``, ``status``, ``person_ids``, ``ref_id``,
  ``creator_id``, ``updated_by``, ``created_at``, ``updated_at``;
* schedule: ``schedule_id``, ``account_id``, ``schedule_name``, ``description``, ``team_id``,
  ``layers`` (complete ``ScheduleLayer`` dicts), ``notify``, ``create_at``, ``create_by``,
  ``update_at``, ``update_by``;
* reference (an escalation rule or the like, made in the web console): ``ref_id``, ``kind``,
  ``name``, ``schedule_id``, ``team_id`` (one of the two set).

The state file is format version 1: ``{"version": 1, "next_id", "account_id", "key_owner",
"people": [...], "teams": [...], "schedules": [...], "refs": [...]}``. Files written by earlier
releases load unchanged, so the format only ever grows in a new version. It is rewritten after
every committed change and on stop, atomically (a temporary file renamed over it), so a crash
leaves the old state or the new one, never half of either.

Every request holds :attr:`State.lock` from its first check to its reply, and the endpoint rules
check a change completely before touching anything, so a refused request changes nothing.

Decision where docs/flashduty-api.md is silent: ids of teams, schedules, invited people and
references come from one counter, starting at 6000000000000 (above every default person id).
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flashcat_pulumi.emulator.people import SeedPerson

__all__ = ["FIRST_ID", "REFERENCE_KINDS", "STATE_VERSION", "Record", "State"]

FIRST_ID = 6_000_000_000_000
STATE_VERSION = 1
REFERENCE_KINDS = ("schedule", "team", "escalate_rule", "silence_rule", "channel", "template",
                   "integration", "calendar")
"""The ``kind`` values of ``data.refs`` in a ``ReferenceExist`` failure (docs/flashduty-api.md §3)."""

Record = dict[str, Any]
"""A stored person, team, schedule or reference (shapes in the module docstring)."""


class State:
    """One emulated account (thread-safe through :attr:`lock`).

    ``people`` seeds a fresh account; a ``state_file`` that exists replaces the seed entirely.
    ``clock`` gives epoch seconds for timestamps and for "now".
    """

    def __init__(self, *, people: Sequence[SeedPerson], time_zone: str, clock: Callable[[], float],
                 state_file: str | os.PathLike[str] | None = None) -> None:
        self.time_zone = time_zone
        self.tz = ZoneInfo(time_zone)
        self.lock = threading.RLock()
        """Held by every request and console change for its whole duration."""
        self.people: dict[int, Record] = {}
        self.teams: dict[int, Record] = {}
        self.schedules: dict[int, Record] = {}
        self.refs: dict[int, Record] = {}
        self.account_id = 0
        """The account id, which is the owner's person id."""
        self.key_owner = 0
        """The person the emulator's app keys belong to."""
        self._clock = clock
        self._next_id = FIRST_ID
        self._file = Path(state_file) if state_file is not None else None
        if self._file is not None and self._file.exists():
            self._restore(self._file)
        else:
            self._seed(people)

    def now(self) -> int:
        """The clock, in whole epoch seconds."""
        return int(self._clock())

    def new_id(self) -> int:
        """The next id of the account's counter."""
        new_id = self._next_id
        self._next_id += 1
        return new_id

    def person_name(self, person_id: int) -> str:
        """The person's name; ``""`` for an unknown id (such as ``updated_by`` 0)."""
        person = self.people.get(person_id)
        return person["name"] if person else ""

    def references(self, *, schedule_id: int | None = None, team_id: int | None = None) -> list[dict[str, str]]:
        """The references to one schedule or team, as ``data.refs`` entries ``{kind, name, href}``."""
        return [{"kind": ref["kind"], "name": ref["name"], "href": f"/{ref['kind']}/{ref['ref_id']}"}
                for ref in self.refs.values()
                if (schedule_id is not None and ref["schedule_id"] == schedule_id)
                or (team_id is not None and ref["team_id"] == team_id)]

    def save(self) -> None:
        """Write the state file now (nothing without one)."""
        if self._file is None:
            return
        with self.lock:
            self._file.parent.mkdir(parents=True, exist_ok=True)
            tmp = self._file.with_name(f".{self._file.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(self._snapshot(), ensure_ascii=False, indent=1), encoding="utf-8")
            os.replace(tmp, self._file)

    def _seed(self, people: Sequence[SeedPerson]) -> None:
        now = self.now()
        self._next_id = max(FIRST_ID, *((p.person_id or 0) + 1 for p in people))
        for person in people:
            person_id = person.person_id or self.new_id()
            self.people[person_id] = {"person_id": person_id, "name": person.name, "email": person.email,
                                      "phone": person.phone, "as": person.as_, "status": "enabled",
                                      "created_at": now, "updated_at": now}
        self.account_id = next(p["person_id"] for p in self.people.values() if p["as"] == "account")
        self.key_owner = next((p["person_id"] for p in self.people.values() if p["as"] == "member"),
                              self.account_id)

    def _snapshot(self) -> dict[str, Any]:
        return {"version": STATE_VERSION, "next_id": self._next_id, "account_id": self.account_id,
                "key_owner": self.key_owner, "people": list(self.people.values()),
                "teams": list(self.teams.values()), "schedules": list(self.schedules.values()),
                "refs": list(self.refs.values())}

    def _restore(self, path: Path) -> None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") != STATE_VERSION:
                raise ValueError(f"unsupported version {data.get('version')!r}, expected {STATE_VERSION}")
            self._next_id = int(data["next_id"])
            self.account_id = int(data["account_id"])
            self.key_owner = int(data["key_owner"])
            self.people = {int(p["person_id"]): p for p in data["people"]}
            self.teams = {int(t["team_id"]): t for t in data["teams"]}
            self.schedules = {int(s["schedule_id"]): s for s in data["schedules"]}
            self.refs = {int(r["ref_id"]): r for r in data["refs"]}
            if self.account_id not in self.people or self.key_owner not in self.people:
                raise ValueError("the account owner or the key owner is not among the people")
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"{path}: not a usable emulator state file: {exc}") from None
