"""The emulated account's state: its people, teams, schedules and references, the id counters, the
clock, the account time zone, the billing switch, the lock, and the state file that carries them
across restarts.

Records are plain JSON-ready dicts, kept exactly as the state file holds them:

* person: ``person_id``, ``name``, ``email``, ``phone`` (unmasked), ``as`` (``member``/``account``),
  ``status`` (``enabled``/``pending``), ``created_at``, ``updated_at``, and ``member_id`` when it
  differs from ``person_id`` (see :data:`MEMBER_ID_MODES`);
* team: ``team_id``, ``team_name``, ``description``, ``status``, ``person_ids``, ``ref_id``,
  ``creator_id``, ``updated_by``, ``created_at``, ``updated_at``;
* schedule: ``schedule_id``, ``account_id``, ``schedule_name``, ``description``, ``team_id``,
  ``layers`` (complete ``ScheduleLayer`` dicts, unless edited raw by a test), ``notify``,
  ``create_at``, ``create_by``, ``update_at``, ``update_by``, ``disabled`` (0 or 1; absent in
  files of earlier releases, meaning 0);
* reference (an escalation rule or the like, made in the web console): ``ref_id``, ``kind``,
  ``name``, ``schedule_id``, ``team_id`` (one of the two set).

The state file is format version 1: ``{"version": 1, "next_id", "account_id", "key_owner",
"people": [...], "teams": [...], "schedules": [...], "refs": [...]}``, plus ``"member_ids"`` (the
mode) when it is not ``"same"``. Files written by earlier releases load unchanged (without
``member_ids``, as ``"same"``), and an account in the ``"same"`` mode is saved as they were, so
the format only ever grows in a new version. It is rewritten after every committed change and on
stop, atomically (a temporary file renamed over it), so a crash leaves the old state or the new
one, never half of either.

Every request holds :attr:`State.lock` from its first check to its reply, and the endpoint rules
check a change completely before touching anything, so a refused request changes nothing.

The billing switch (:attr:`State.lapsed`) is not saved: a restarted emulator is paid up.

Decisions where docs/flashduty-api.md is silent:

* Ids of teams, schedules, invited people and references come from one counter, starting at
  6000000000000 (above every default person id).
* Member ids (§14: "person_id ≠ member_id; they are different id namespaces") follow the
  account's mode, one of :data:`MEMBER_ID_MODES`: ``"same"``, a member's member id is their
  person id; ``"distinct"``, every person (the owner too, in seed order, then people invited
  later) gets a member id from a counter of its own starting at :data:`MEMBER_FIRST_ID`, far above
  the first counter (seed person ids must then be below it), so no person has one as a person id;
  ``"crossed"``, each member of the seed gets the person id of the next member in seed order (the
  last one the first one's), while the owner, people invited later and a lone member get distinct
  ones. Member ids show only in ``/member/list`` and ``/member/info``; everything else speaks
  person ids.
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

__all__ = ["FIRST_ID", "MEMBER_FIRST_ID", "MEMBER_ID_MODES", "REFERENCE_KINDS", "STATE_VERSION", "Record",
           "State"]

FIRST_ID = 6_000_000_000_000
MEMBER_FIRST_ID = 8_000_000_000_000
"""The first member id of the distinct range (``"distinct"``, ``"crossed"``), in whose modes seed
person ids stay below :data:`FIRST_ID`, so the counters never meet."""
MEMBER_ID_MODES = ("same", "distinct", "crossed")
"""How member ids relate to person ids (see the module docstring)."""
STATE_VERSION = 1
REFERENCE_KINDS = ("schedule", "team", "escalate_rule", "silence_rule", "channel", "template",
                   "integration", "calendar")
"""The ``kind`` values of ``data.refs`` in a ``ReferenceExist`` failure (docs/flashduty-api.md §3)."""

Record = dict[str, Any]
"""A stored person, team, schedule or reference (shapes in the module docstring)."""


class State:
    """One emulated account (thread-safe through :attr:`lock`).

    ``people`` seeds a fresh account, its member ids numbered as ``member_ids`` says (one of
    :data:`MEMBER_ID_MODES`); a ``state_file`` that exists replaces both entirely. ``clock`` gives
    epoch seconds for timestamps and for "now".
    """

    def __init__(self, *, people: Sequence[SeedPerson], time_zone: str, clock: Callable[[], float],
                 state_file: str | os.PathLike[str] | None = None, member_ids: str = "same") -> None:
        if member_ids not in MEMBER_ID_MODES:
            raise ValueError(f"member_ids: must be one of {', '.join(MEMBER_ID_MODES)}, got {member_ids!r}")
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
        self.member_ids = member_ids
        """How member ids relate to person ids, one of :data:`MEMBER_ID_MODES`."""
        self.lapsed: frozenset[str] = frozenset()
        """The paths refused while the account's billing has lapsed (empty: paid up). Replaced
        whole, never changed in place, so a request reads it without the lock."""
        self._clock = clock
        self._next_id = FIRST_ID
        self._next_member_id = MEMBER_FIRST_ID
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

    def give_member_id(self, person: Record) -> None:
        """Give a new person the next member id of the distinct range, unless member ids are person ids."""
        if self.member_ids != "same":
            person["member_id"] = self._next_member_id
            self._next_member_id += 1

    def member_id(self, person_id: int) -> int:
        """The member id of a known person."""
        return self.people[person_id].get("member_id", person_id)

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
        if self.member_ids != "same" and self._next_id > FIRST_ID:
            # Then the shared counter stays far below the member ids, and no person ever gets one.
            raise ValueError(f"member_ids={self.member_ids!r}: seed person ids must be below {FIRST_ID}, "
                             f"got {self._next_id - 1}")
        for person in people:
            person_id = person.person_id or self.new_id()
            self.people[person_id] = {"person_id": person_id, "name": person.name, "email": person.email,
                                      "phone": person.phone, "as": person.as_, "status": "enabled",
                                      "created_at": now, "updated_at": now}
        self.account_id = next(p["person_id"] for p in self.people.values() if p["as"] == "account")
        self.key_owner = next((p["person_id"] for p in self.people.values() if p["as"] == "member"),
                              self.account_id)
        members = [p for p in self.people.values() if p["as"] == "member"]
        if self.member_ids == "crossed" and len(members) > 1:
            for person, other in zip(members, members[1:] + members[:1], strict=True):
                person["member_id"] = other["person_id"]
        for person in self.people.values():
            if "member_id" not in person:
                self.give_member_id(person)

    def _snapshot(self) -> dict[str, Any]:
        # An account in the "same" mode is saved exactly as earlier releases saved it.
        modes = {} if self.member_ids == "same" else {"member_ids": self.member_ids}
        return {"version": STATE_VERSION, "next_id": self._next_id, "account_id": self.account_id,
                "key_owner": self.key_owner, **modes, "people": list(self.people.values()),
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
            self.member_ids = data.get("member_ids", "same")
            if self.member_ids not in MEMBER_ID_MODES:
                raise ValueError(f"member_ids must be one of {', '.join(MEMBER_ID_MODES)}, got {self.member_ids!r}")
            self._next_member_id = max([MEMBER_FIRST_ID - 1, *(int(p.get("member_id", 0))
                                                               for p in self.people.values())]) + 1
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"{path}: not a usable emulator state file: {exc}") from None
