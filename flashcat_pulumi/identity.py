"""Who is who in a Flashduty account: emails <-> person ids.

Programs name people by email or person id; the API wants ids. A :class:`Directory` pages through
the members once per process (plus the account owner, who is a person but not a member) and looks
again only when an email is missing, so a plan with many schedules costs a handful of calls.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

from flashcat_pulumi.client import FlashdutyClient
from flashcat_pulumi.errors import UnknownPeople

__all__ = ["Directory", "PersonRef"]

PersonRef = int | str
"""A person as a program names them: a person id, or a lowercased email address."""


class Directory:
    """Thread-safe email/id lookups over one client, cached for the life of the process."""

    def __init__(self, client: FlashdutyClient) -> None:
        self._client = client
        self._lock = threading.Lock()
        self._ids_by_email: dict[str, int] | None = None
        self._emails_by_id: dict[int, str] = {}
        self._known_ids: set[int] = set()

    def _load(self) -> None:
        """(Re)read the members and the account owner. Caller holds the lock."""
        by_email: dict[str, int] = {}
        for member in self._client.list_members():
            if member.status != "deleted" and member.email:
                by_email[member.email.lower()] = member.member_id
        me = self._client.get_member_info()
        if me.account_email and me.account_id:
            by_email.setdefault(me.account_email.lower(), me.account_id)
        self._ids_by_email = by_email
        for email, person_id in by_email.items():
            self._emails_by_id[person_id] = email
            self._known_ids.add(person_id)

    def _fetch(self, person_ids: list[int]) -> None:
        """Learn which of ``person_ids`` exist, and their emails (``/person/infos``)."""
        found = self._client.get_persons(person_ids)
        with self._lock:
            for person in found:
                self._known_ids.add(person.person_id)
                if person.email:
                    self._emails_by_id[person.person_id] = person.email.lower()

    def person_ids(self, refs: Iterable[PersonRef]) -> dict[PersonRef, int]:
        """Map every ref to its person id; raise :class:`UnknownPeople` naming all that match nobody."""
        wanted = list(dict.fromkeys(refs))
        with self._lock:
            if self._ids_by_email is None:
                self._load()
            by_email = self._ids_by_email or {}
            if any(isinstance(r, str) and r not in by_email for r in wanted):
                self._load()  # someone may have joined since the cache was filled
                by_email = self._ids_by_email or {}
            ids = [r for r in wanted if isinstance(r, int) and r not in self._known_ids]
        if ids:
            self._fetch(ids)
        missing = [r for r in wanted if (r not in by_email if isinstance(r, str) else r not in self._known_ids)]
        if missing:
            raise UnknownPeople(missing)
        return {r: by_email[r] if isinstance(r, str) else r for r in wanted}

    def emails(self, person_ids: Iterable[int]) -> dict[int, str]:
        """Emails of the given people where known (people without an email are left out)."""
        wanted = list(dict.fromkeys(person_ids))
        with self._lock:
            missing = [pid for pid in wanted if pid not in self._emails_by_id]
        if missing:
            self._fetch(missing)
        with self._lock:
            return {pid: self._emails_by_id[pid] for pid in wanted if pid in self._emails_by_id}

    def renderer(self, person_ids: Iterable[int], previous: Iterable[PersonRef]) -> Callable[[int], PersonRef]:
        """How to show people read from the server: as the program wrote them (id or email), else by email.

        Keeping the program's own form makes refresh followed by preview a no-op when nothing changed.
        """
        emails = self.emails(person_ids)
        written_as_id = {ref for ref in previous if isinstance(ref, int)}

        def render(person_id: int) -> PersonRef:
            if person_id in written_as_id or person_id not in emails:
                return person_id
            return emails[person_id]

        return render
