"""Who is who in a Flashduty account: emails <-> person ids, verified.

Programs name people by email or person id; schedules and teams store person ids. The only way
from an email to an id is ``/member/list``, which gives *member* ids, and Flashduty's person ids
and member ids may be different numbers (docs/flashduty-api.md §14: the official CLI says they are
different namespaces, the official examples use one number for both). So nothing is assumed:

1. an email's candidate id comes from ``/member/list`` (paged once per process; again only when an
   email is missing) or is the account owner's ``account_id`` (``/member/info``);
2. before it is written, the candidate is looked up with ``/person/infos`` (ids batched by 100, each
   id asked once per process) and must come back as the same person: the same email, or the same
   name when the person has no email;
3. a person ``/person/infos`` has already returned with that email (because the program or the
   server named them by id) is the answer even when the member id differs;
4. otherwise :class:`PersonMismatch` names the email, both ids and the fix (write the person id),
   before anything is written. Never a guess.

Emails of person ids (for showing people read from the server) come only from ``/person/infos``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping

from flashcat_pulumi.client import BATCH_SIZE, FlashdutyClient
from flashcat_pulumi.errors import Mismatch, PersonMismatch, UnknownPeople
from flashcat_pulumi.wire import MemberInfoResponse, PersonItem

__all__ = ["Directory", "PersonRef"]

PersonRef = int | str
"""A person as a program names them: a person id, or a lowercased email address."""


class Directory:
    """Thread-safe, verified email/id lookups over one client, cached for the life of the process."""

    def __init__(self, client: FlashdutyClient) -> None:
        self._client = client
        self._lock = threading.Lock()
        # One call at a time for what every thread needs at first (a run's first resources all start
        # at once): the others wait for its answer instead of asking the same thing.
        self._account_lock = threading.Lock()
        self._lookup_lock = threading.Lock()
        self._account: MemberInfoResponse | None = None
        self._members: dict[str, tuple[int, str]] | None = None
        """email -> (member id or the owner's account id, name), from /member/list and /member/info."""
        self._persons: dict[int, PersonItem] = {}
        """Every person /person/infos has returned."""
        self._absent: set[int] = set()
        """Ids /person/infos was asked for and did not return."""

    # --- what the server says --------------------------------------------------------------------

    def account(self) -> MemberInfoResponse:
        """The account behind the app key (``/member/info``: its owner and time zone), read once."""
        with self._account_lock:
            if self._account is None:
                self._account = self._client.get_member_info()
            return self._account

    def _load_members(self) -> dict[str, tuple[int, str]]:
        """(Re)read the members and the account owner. Caller holds the lock."""
        members: dict[str, tuple[int, str]] = {}
        for member in self._client.list_members():
            if member.status != "deleted" and member.email:
                members[member.email.lower()] = (member.member_id, member.member_name)
        me = self.account()
        if me.account_email and me.account_id:
            # The owner is a person (as "account") whose person id is the account id, but not a member.
            members.setdefault(me.account_email.lower(), (me.account_id, me.account_name))
        self._members = members
        return members

    def _look_up(self, person_ids: Iterable[int]) -> None:
        """Ask ``/person/infos`` for the ids never asked before (one batched call for all of them)."""
        with self._lookup_lock:
            with self._lock:
                wanted = [pid for pid in dict.fromkeys(person_ids)
                          if pid not in self._persons and pid not in self._absent]
            if not wanted:
                return
            asked = wanted + self._spare_members(set(wanted), -len(wanted) % BATCH_SIZE)
            found = {person.person_id: person for person in self._client.get_persons(asked)}
            with self._lock:
                self._persons.update(found)
                self._absent.update(pid for pid in asked if pid not in found)

    def _spare_members(self, asking: set[int], room: int) -> list[int]:
        """Up to ``room`` member ids from the list already read, never asked about: they fill the batch
        being sent anyway, so that the people of the resources still to come are usually verified by
        then (one ``/person/infos`` call for a whole run on an account of up to 100 members)."""
        with self._lock:
            members = [] if self._members is None else [member_id for member_id, _ in self._members.values()]
            spare = [pid for pid in dict.fromkeys(members)
                     if pid not in asking and pid not in self._persons and pid not in self._absent]
        return spare[:room]

    def _person_with_email(self, email: str) -> int | None:
        """A person ``/person/infos`` has returned with this email. Caller holds the lock."""
        return next((pid for pid, person in self._persons.items() if person.email.lower() == email), None)

    # --- resolving a program's people ------------------------------------------------------------

    def person_ids(self, refs: Iterable[PersonRef]) -> dict[PersonRef, int]:
        """Map every ref to its verified person id.

        Raises :class:`UnknownPeople` naming every email and id that matches nobody, and
        :class:`PersonMismatch` naming every email whose id ``/person/infos`` does not confirm.
        """
        wanted = list(dict.fromkeys(refs))
        emails = [ref for ref in wanted if isinstance(ref, str)]
        with self._lock:
            members = self._members if self._members is not None else self._load_members()
            if any(email not in members for email in emails):
                members = self._load_members()  # someone may have joined since the list was read
        candidates = {email: members[email] for email in emails if email in members}
        self._look_up([ref for ref in wanted if isinstance(ref, int)]
                      + [member_id for member_id, _ in candidates.values()])
        resolved: dict[PersonRef, int] = {}
        unknown: list[PersonRef] = []
        mismatches: list[Mismatch] = []
        with self._lock:
            for ref in wanted:
                if isinstance(ref, int):
                    if ref in self._persons:
                        resolved[ref] = ref
                    else:
                        unknown.append(ref)
                    continue
                if ref not in candidates:
                    unknown.append(ref)
                    continue
                member_id, name = candidates[ref]
                person = self._persons.get(member_id)
                if person is not None and _same_person(person, ref, name):
                    resolved[ref] = member_id
                    continue
                known = self._person_with_email(ref)
                if known is not None:
                    resolved[ref] = known
                    continue
                found = "" if person is None else (person.email.lower() or person.person_name or "someone else")
                mismatches.append(Mismatch(email=ref, member_id=member_id, found=found))
        if unknown:
            raise UnknownPeople(unknown)
        if mismatches:
            raise PersonMismatch(mismatches)
        return resolved

    def known(self, refs: Iterable[PersonRef]) -> dict[PersonRef, int]:
        """The person ids of those ``refs`` already verified in this process; never calls the API."""
        with self._lock:
            found: dict[PersonRef, int] = {}
            for ref in refs:
                if isinstance(ref, int):
                    if ref in self._persons:
                        found[ref] = ref
                elif (person_id := self._person_with_email(ref)) is not None:
                    found[ref] = person_id
            return found

    # --- showing people read from the server -----------------------------------------------------

    def person(self, person_id: int) -> PersonItem | None:
        """The person ``/person/infos`` returns for this id (asked once per process), or ``None``."""
        self._look_up([person_id])
        with self._lock:
            return self._persons.get(person_id)

    def emails(self, person_ids: Iterable[int]) -> dict[int, str]:
        """Emails of the given people (``/person/infos``); people without an email are left out."""
        wanted = list(dict.fromkeys(person_ids))
        self._look_up(wanted)
        with self._lock:
            return {pid: self._persons[pid].email.lower() for pid in wanted
                    if pid in self._persons and self._persons[pid].email}

    def names(self, person_ids: Iterable[int]) -> dict[int, str]:
        """How to call the given people (``/person/infos``): the name, else the email; unknown ids are left out."""
        wanted = list(dict.fromkeys(person_ids))
        self._look_up(wanted)
        with self._lock:
            return {pid: self._persons[pid].person_name or self._persons[pid].email for pid in wanted
                    if pid in self._persons and (self._persons[pid].person_name or self._persons[pid].email)}

    def renderer(self, person_ids: Iterable[int], forms: Mapping[int, PersonRef] | None = None) -> PersonRenderer:
        """How to show people read from the server (``person_ids``, looked up here): see :class:`PersonRenderer`."""
        return PersonRenderer(self.emails(person_ids), forms or {})


class PersonRenderer:
    """Shows a person id as a program would write it: ``render(person_id, forms)`` gives the form
    ``forms`` (how the program wrote people at that place) has, else the one ``default_forms`` (how
    it wrote them anywhere) has, else the email, else the id."""

    def __init__(self, emails: Mapping[int, str], default_forms: Mapping[int, PersonRef]) -> None:
        self._emails = emails
        self._default_forms = default_forms

    def __call__(self, person_id: int, forms: Mapping[int, PersonRef] | None = None) -> PersonRef:
        form = forms.get(person_id) if forms else None
        if form is None:
            form = self._default_forms.get(person_id)
        if form is not None:
            return form
        return self._emails.get(person_id, person_id)


def _same_person(person: PersonItem, email: str, name: str) -> bool:
    if person.email:
        return person.email.lower() == email
    return bool(name) and person.person_name == name
