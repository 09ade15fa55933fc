"""The people an emulated account starts with, and seed files that replace them.

:data:`DEFAULT_PEOPLE` (examples and docs rely on these; the owner's person id is the account id,
and a person id is also the member id unless the emulator numbers member ids apart, see
``Emulator(member_ids=...)``):

==========  =================  =============  =========  ==============
name        email              person_id      as         phone
==========  =================  =============  =========  ==============
Owner       owner@example.com  2476444212130  account    +8613800000000
Alice Chen  alice@example.com  2476444212131  member     +8613800000001
Bob Li      bob@example.com    2476444212132  member     +8613800000002
Carol Wang  carol@example.com  2476444212133  member     +8613800000003
Dave Zhang  dave@example.com   2476444212134  member     +8613800000004
Erin Liu    erin@example.com   2476444212135  member     +8613800000005
Frank Zhou  frank@example.com  2476444212136  member     +8613800000006
==========  =================  =============  =========  ==============

The emulator's main app key belongs to the first member (Alice with the defaults), or to the
account owner when the seed has no member.

A seed file is JSON, ``{"people": [{"name": ..., "email": ..., "person_id": ..., "phone": ...,
"as": "member"}]}`` (``person_id``, ``phone`` and ``as`` are optional) or just the list. Without an
``"as": "account"`` entry the default ``Owner`` is added as the account owner.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

__all__ = ["DEFAULT_PEOPLE", "SeedPerson", "load_seed", "parse_seed", "resolve_seed"]

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
PHONE = re.compile(r"^\+?\d{5,20}$")
NAME_MAX = 40
_FIELDS = ("name", "email", "person_id", "phone", "as")


@dataclass(frozen=True)
class SeedPerson:
    """A person of the emulated account: a member, or (``as_="account"``) the account owner.

    ``person_id`` ``None`` means one is assigned from the emulator's id counter.
    """

    name: str
    email: str
    person_id: int | None = None
    phone: str = ""
    as_: Literal["member", "account"] = "member"


DEFAULT_PEOPLE: tuple[SeedPerson, ...] = (
    SeedPerson("Owner", "owner@example.com", 2476444212130, "+8613800000000", "account"),
    SeedPerson("Alice Chen", "alice@example.com", 2476444212131, "+8613800000001"),
    SeedPerson("Bob Li", "bob@example.com", 2476444212132, "+8613800000002"),
    SeedPerson("Carol Wang", "carol@example.com", 2476444212133, "+8613800000003"),
    SeedPerson("Dave Zhang", "dave@example.com", 2476444212134, "+8613800000004"),
    SeedPerson("Erin Liu", "erin@example.com", 2476444212135, "+8613800000005"),
    SeedPerson("Frank Zhou", "frank@example.com", 2476444212136, "+8613800000006"),
)
"""The default account: the owner and six members (see the module docstring)."""


def load_seed(path: str | os.PathLike[str]) -> list[SeedPerson]:
    """Read a seed file; :class:`ValueError` names the file, the entry and the field when it is malformed."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"{source}: cannot read the seed file: {exc.strerror or exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{source}: not valid JSON: {exc}") from None
    return parse_seed(data, source=source)


def parse_seed(data: Any, *, source: str = "seed") -> list[SeedPerson]:
    """Seed people from decoded JSON: ``{"people": [...]}`` or a bare list of person objects."""
    if isinstance(data, dict):
        unknown = sorted(set(data) - {"people"})
        if unknown:
            raise ValueError(f"{source}: unknown top-level key {unknown[0]!r}; "
                             f"expected {{\"people\": [...]}}")
        data = data.get("people")
    if not isinstance(data, list) or not data:
        raise ValueError(f"{source}: people: must be a non-empty list of person objects")
    return check_people([_person(entry, f"{source}: people[{i}]") for i, entry in enumerate(data)],
                        source=source)


def resolve_seed(seed: str | os.PathLike[str] | Sequence[SeedPerson] | None) -> list[SeedPerson]:
    """The people for an emulator's ``seed`` argument: ``None`` (the defaults), a file, or a list."""
    if seed is None:
        return list(DEFAULT_PEOPLE)
    if isinstance(seed, (str, os.PathLike)):
        return load_seed(seed)
    people = list(seed)
    for i, person in enumerate(people):
        if not isinstance(person, SeedPerson):
            raise ValueError(f"seed[{i}]: must be a SeedPerson, got {type(person).__name__}")
    if not people:
        raise ValueError("seed: must contain at least one person")
    for i, person in enumerate(people):
        _person({"name": person.name, "email": person.email, "person_id": person.person_id,
                 "phone": person.phone, "as": person.as_}, f"seed[{i}]")
    return check_people(people, source="seed")


def check_people(people: list[SeedPerson], *, source: str) -> list[SeedPerson]:
    """Check ids, emails and phones are unique and at most one person is the owner; add the default owner."""
    owners = [i for i, person in enumerate(people) if person.as_ == "account"]
    if len(owners) > 1:
        raise ValueError(f"{source}: people[{owners[1]}].as: only one person can be the account owner "
                         f"(people[{owners[0]}] already is)")
    if not owners:
        people = [DEFAULT_PEOPLE[0], *people]
        offset = 1
    else:
        offset = 0
    for field, key in (("person_id", lambda p: p.person_id), ("email", lambda p: p.email.lower()),
                       ("phone", lambda p: p.phone)):
        seen: dict[Any, int] = {}
        for i, person in enumerate(people):
            value = key(person)
            if value is None or value == "":
                continue
            if value in seen:
                first, again = seen[value] - offset, i - offset
                where = "the default owner" if first < 0 else f"people[{first}]"
                raise ValueError(f"{source}: people[{again}].{field}: {value!r} is already used by {where}")
            seen[value] = i
    return people


def _person(entry: Any, where: str) -> SeedPerson:
    if not isinstance(entry, dict):
        raise ValueError(f"{where}: must be an object with name and email, got {json.dumps(entry)[:60]}")
    unknown = sorted(set(entry) - set(_FIELDS))
    if unknown:
        raise ValueError(f"{where}.{unknown[0]}: unknown field; allowed: {', '.join(_FIELDS)}")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > NAME_MAX:
        raise ValueError(f"{where}.name: required, a string of 1 to {NAME_MAX} characters, got {name!r}")
    email = entry.get("email")
    if not isinstance(email, str) or not EMAIL.match(email):
        raise ValueError(f"{where}.email: required, must look like an email address, got {email!r}")
    person_id = entry.get("person_id")
    if person_id is not None and (isinstance(person_id, bool) or not isinstance(person_id, int)
                                  or not 0 < person_id < 2**53):
        raise ValueError(f"{where}.person_id: must be a positive integer below 2^53, got {person_id!r}")
    phone = entry.get("phone") or ""
    if not isinstance(phone, str) or (phone and not PHONE.match(phone)):
        raise ValueError(f"{where}.phone: must be digits with an optional leading '+', such as "
                         f"'+8613800000000', got {phone!r}")
    role = entry.get("as") or "member"
    if role not in ("member", "account"):
        raise ValueError(f"{where}.as: must be 'member' or 'account', got {role!r}")
    return SeedPerson(name=name, email=email, person_id=person_id, phone=phone, as_=role)
