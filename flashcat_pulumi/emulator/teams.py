"""The team, member and person endpoints (docs/flashduty-api.md §9.2, §9.3, §11), and the legacy
``GET /oncall/roles`` (§9.4).

Each endpoint is a function ``(state, body, actor) -> data`` called with the state's lock held;
``actor`` is the person the app key belongs to.

Decisions where docs/flashduty-api.md is silent:

* A team upsert that omits ``description``, ``ref_id`` or ``person_ids`` keeps the stored value;
  ``emails``/``phones`` add people to the membership, inviting unknown ones (a new person with
  status ``pending``). A non-empty ``ref_id`` is unique among teams.
* A duplicate team name and an unknown ``team_id`` answer ``InvalidParameter`` and
  ``ResourceNotFound``.
* ``/person/infos`` and ``/member/list`` mask phone numbers (``+86138****0001``), as the EN
  examples do. Emulated members hold no account roles, so ``role_id`` matches nobody.
* ``member_id`` (``/member/list``, ``/member/info``) follows the account's member id mode
  (:mod:`.state`); ``account_id`` and every other id here is a person id. ``/person/infos`` looks
  ids up as person ids only, so a member id that is no person's id is left out like any unknown id,
  and one that is another person's id (mode ``"crossed"``) answers that person.
"""

from __future__ import annotations

import re
from typing import Any

from flashcat_pulumi.emulator.body import Body, dedupe
from flashcat_pulumi.emulator.errors import invalid, not_found, referenced
from flashcat_pulumi.emulator.paging import ordered, page, paging
from flashcat_pulumi.emulator.people import EMAIL, PHONE
from flashcat_pulumi.emulator.state import Record, State

__all__ = [
    "check_team_name",
    "known_person",
    "member_info",
    "member_list",
    "oncall_roles",
    "person_infos",
    "person_item",
    "team_delete",
    "team_info",
    "team_infos",
    "team_item",
    "team_list",
    "team_upsert",
    "unique_team_name",
]

ACCOUNT_NAME = "Emulated Account"
TEAM_NAME_MAX = 39
_PHONE_QUERY = re.compile(r"^\+?\d[\d\s-]{4,}$")


# --- shared rules and shapes -------------------------------------------------------------------------

def known_person(state: State, person_id: int, where: str) -> int:
    """``person_id``, or :func:`~.errors.invalid` naming ``where`` when nobody has it."""
    if person_id not in state.people:
        raise invalid(f"{where}: no person with id {person_id}")
    return person_id


def check_team_name(name: str | None) -> str:
    """A team name of 1 to 39 characters."""
    if name is None or not name.strip():
        raise invalid(f"team_name: required, 1 to {TEAM_NAME_MAX} characters")
    if len(name) > TEAM_NAME_MAX:
        raise invalid(f"team_name: must be 1 to {TEAM_NAME_MAX} characters, got {len(name)}")
    return name


def unique_team_name(state: State, name: str, team: Record | None) -> None:
    """Refuse ``name`` when a team other than ``team`` has it (names are unique per account)."""
    other = _team_named(state, name)
    if other is not None and other is not team:
        raise invalid(f"team_name: a team named {name!r} already exists (team_id {other['team_id']})")


def team_item(state: State, team: Record) -> dict[str, Any]:
    """A stored team as a ``TeamItem``."""
    return {"account_id": state.account_id, "team_id": team["team_id"], "team_name": team["team_name"],
            "description": team["description"], "status": team["status"],
            "updated_by_name": state.person_name(team["updated_by"]), "updated_by": team["updated_by"],
            "creator_id": team["creator_id"], "creator_name": state.person_name(team["creator_id"]),
            "created_at": team["created_at"], "updated_at": team["updated_at"],
            "person_ids": team["person_ids"], "ref_id": team["ref_id"]}


def person_item(state: State, person: Record) -> dict[str, Any]:
    """A stored person as a ``PersonItem`` (phone masked)."""
    enabled = person["status"] == "enabled"
    return {"account_id": state.account_id, "person_id": person["person_id"], "person_name": person["name"],
            "avatar": "", "locale": "en-US", "time_zone": state.time_zone, "email": person["email"],
            "phone": _mask_phone(person["phone"]), "phone_verified": enabled and bool(person["phone"]),
            "email_verified": enabled, "as": person["as"], "status": person["status"]}


def _team_named(state: State, name: str) -> Record | None:
    return next((t for t in state.teams.values() if t["team_name"] == name), None)


def _find_team(state: State, body: Body) -> Record:
    """The team of ``team_id``, else ``team_name``, else ``ref_id`` (at least one is needed)."""
    team_id = body.integer("team_id", default=0, lo=0)
    name = body.string("team_name")
    ref_id = body.string("ref_id")
    if team_id:
        team = state.teams.get(team_id)
    elif name:
        team = _team_named(state, name)
    elif ref_id:
        team = next((t for t in state.teams.values() if t["ref_id"] == ref_id), None)
    else:
        raise invalid("team_id: give one of team_id, team_name or ref_id")
    if team is None:
        raise not_found()
    return team


def _mask_phone(phone: str) -> str:
    return phone[:-8] + "****" + phone[-4:] if len(phone) >= 11 else phone


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _e164(phone: str, country_code: str) -> str:
    if phone.startswith("+") or not re.fullmatch(r"\+?\d{1,4}", country_code):
        return phone
    return f"+{country_code.lstrip('+')}{phone}"


def _person_for(state: State, field: str, value: str) -> int:
    """The person with this email or phone, inviting (creating as ``pending``) an unknown one."""
    for person in state.people.values():
        if (person[field].lower() == value.lower()) if field == "email" else person[field] == value:
            return person["person_id"]
    now = state.now()
    person_id = state.new_id()
    state.people[person_id] = {
        "person_id": person_id, "name": value.split("@")[0] if field == "email" else value,
        "email": value if field == "email" else "", "phone": value if field == "phone" else "",
        "as": "member", "status": "pending", "created_at": now, "updated_at": now}
    state.give_member_id(state.people[person_id])
    return person_id


# --- teams -----------------------------------------------------------------------------------------

def team_upsert(state: State, body: Body, actor: int) -> dict[str, Any]:
    """``/team/upsert``: create (no ``team_id``) or update a team."""
    team_id = body.integer("team_id", default=0, lo=0)
    name = check_team_name(body.string("team_name"))
    description = body.string("description", max_len=500)
    person_ids = body.integers("person_ids")
    for i, person_id in enumerate(person_ids or []):
        known_person(state, person_id, f"person_ids[{i}]")
    emails = body.strings("emails") or []
    for i, email in enumerate(emails):
        if not EMAIL.match(email):
            raise invalid(f"emails[{i}]: must look like an email address, got {email!r}")
    country_code = body.string("countryCode") or ""
    phones = [_e164(phone, country_code) for phone in body.strings("phones") or []]
    for i, phone in enumerate(phones):
        if not PHONE.match(phone):
            raise invalid(f"phones[{i}]: must be a phone number such as '+8613800000000', got {phone!r}")
    ref_id = body.string("ref_id")
    reset = body.boolean("reset_if_name_exist")
    if team_id:
        team = state.teams.get(team_id)
        if team is None:
            raise not_found()
    else:
        team = _team_named(state, name)
        if team is not None and not reset:
            raise invalid(f"team_name: a team named {name!r} already exists (team_id {team['team_id']}); "
                          f"names are unique per account unless reset_if_name_exist is true")
    unique_team_name(state, name, team)
    if ref_id and any(t["ref_id"] == ref_id and t is not team for t in state.teams.values()):
        raise invalid(f"ref_id: {ref_id!r} is already used by another team")

    invited = [_person_for(state, "email", email) for email in emails]
    invited += [_person_for(state, "phone", phone) for phone in phones]
    now = state.now()
    if team is None:
        team = {"team_id": state.new_id(), "team_name": name, "description": "", "status": "enabled",
                "person_ids": [], "ref_id": "", "creator_id": actor, "updated_by": 0,
                "created_at": now, "updated_at": now}
        state.teams[team["team_id"]] = team
    else:
        team.update(updated_by=actor, updated_at=now)
    members = team["person_ids"] if person_ids is None else person_ids
    team.update(team_name=name, person_ids=dedupe([*members, *invited]))
    if description is not None:
        team["description"] = description
    if ref_id is not None:
        team["ref_id"] = ref_id
    return {"team_id": team["team_id"], "team_name": name}


def team_info(state: State, body: Body, actor: int) -> dict[str, Any]:
    """``/team/info``: one team by id, name or ``ref_id``."""
    return team_item(state, _find_team(state, body))


def team_infos(state: State, body: Body, actor: int) -> dict[str, Any]:
    """``/team/infos``: up to 100 teams, brief; unknown ids are left out."""
    ids = body.integers("team_ids")
    if not ids:
        raise invalid("team_ids: required, a non-empty list of team ids")
    if len(ids) > 100:
        raise invalid(f"team_ids: at most 100 ids, got {len(ids)}")
    return {"items": [{"team_id": i, "team_name": state.teams[i]["team_name"],
                       "person_ids": state.teams[i]["person_ids"]}
                      for i in dedupe(ids) if i in state.teams]}


def team_list(state: State, body: Body, actor: int) -> dict[str, Any]:
    """``/team/list``: filtered by name and member, ordered, paged."""
    p, limit = paging(body, default_limit=20)
    orderby = body.string("orderby")
    if orderby is not None and orderby not in ("created_at", "updated_at", "team_name"):
        raise invalid(f"orderby: must be one of created_at, updated_at, team_name, got {orderby!r}")
    person_id = body.integer("person_id", default=0, lo=0)
    query = (body.string("query") or "").lower()
    matches = [t for t in ordered(state.teams.values(), "team_id", orderby or "created_at", body.boolean("asc"))
               if query in t["team_name"].lower() and (not person_id or person_id in t["person_ids"])]
    items, total = page(matches, p, limit)
    return {"p": p, "limit": limit, "total": total, "items": [team_item(state, t) for t in items]}


def team_delete(state: State, body: Body, actor: int) -> dict[str, Any]:
    """``/team/delete``: refused while a schedule or another object refers to the team."""
    team = _find_team(state, body)
    refs = [{"kind": "schedule", "name": s["schedule_name"], "href": f"/schedule/{s['schedule_id']}"}
            for s in state.schedules.values() if s["team_id"] == team["team_id"]]
    refs += state.references(team_id=team["team_id"])
    if refs:
        raise referenced(refs)
    del state.teams[team["team_id"]]
    return {}


# --- members, persons, roles ---------------------------------------------------------------------------

def _member_item(state: State, person: Record) -> dict[str, Any]:
    enabled = person["status"] == "enabled"
    return {"account_id": state.account_id, "member_id": state.member_id(person["person_id"]),
            "member_name": person["name"],
            "country_code": "CN" if person["phone"].startswith("+86") else "",
            "phone": _mask_phone(person["phone"]), "email": person["email"],
            "phone_verified": enabled and bool(person["phone"]), "email_verified": enabled,
            "avatar": "", "status": person["status"], "account_role_ids": [],
            "created_at": person["created_at"], "updated_at": person["updated_at"], "ref_id": "",
            "is_external": False, "locale": "en-US", "time_zone": state.time_zone}


def member_list(state: State, body: Body, actor: int) -> dict[str, Any]:
    """``/member/list``: members (not the owner) by name, email or phone, ordered, paged."""
    p, limit = paging(body, default_limit=20)
    orderby = body.string("orderby")
    if orderby is not None and orderby not in ("created_at", "updated_at"):
        raise invalid(f"orderby: must be one of created_at, updated_at, got {orderby!r}")
    role_id = body.integer("role_id", lo=0)
    query = (body.string("query") or "").strip()
    members = [m for m in state.people.values() if m["as"] == "member"]
    if role_id is not None:
        members = []
    if _PHONE_QUERY.match(query):
        # A phone number matches exactly, or by its last 7+ digits when only a country code differs.
        wanted = _digits(query)
        members = [m for m in members if m["phone"] and (
            _digits(m["phone"]) == wanted
            or (len(wanted) >= 7 and _digits(m["phone"]).endswith(wanted)
                and len(_digits(m["phone"])) - len(wanted) <= 3))]
    elif query:
        members = [m for m in members if query.lower() in m["name"].lower()
                   or query.lower() in m["email"].lower()]
    items, total = page(ordered(members, "person_id", orderby or "created_at", body.boolean("asc")), p, limit)
    return {"p": p, "limit": limit, "total": total, "items": [_member_item(state, m) for m in items]}


def member_info(state: State, body: Body, actor: int) -> dict[str, Any]:
    """``/member/info``: the key's owner and the account."""
    person = state.people[actor]
    owner = state.people[state.account_id]
    return {"member_id": state.member_id(actor), "member_name": person["name"], "email": person["email"],
            "email_verified": person["status"] == "enabled", "phone": _mask_phone(person["phone"]),
            "phone_verified": bool(person["phone"]),
            "country_code": "CN" if person["phone"].startswith("+86") else "", "avatar": "",
            "locale": "en-US", "time_zone": state.time_zone, "is_external": False,
            "status": person["status"], "created_at": person["created_at"],
            "account_id": state.account_id, "account_name": ACCOUNT_NAME, "account_avatar": "",
            "account_email": owner["email"], "account_role_ids": [], "account_locale": "en-US",
            "account_time_zone": state.time_zone, "domain": "emulated"}


def person_infos(state: State, body: Body, actor: int) -> dict[str, Any]:
    """``/person/infos``: members and the owner by person id; unknown ids are left out."""
    ids = body.integers("person_ids")
    if not ids:
        raise invalid("person_ids: required, a non-empty list of person ids")
    return {"items": [person_item(state, state.people[i]) for i in dedupe(ids) if i in state.people]}


def oncall_roles(state: State, body: Body, actor: int) -> list[dict[str, Any]]:
    """``GET /oncall/roles``: the two built-in roles, 0 primary and 1 backup."""
    return [{"id": role_id, "name": name, "account_id": state.account_id, "create_at": 0, "create_by": 0,
             "update_at": 0, "update_by": 0} for role_id, name in ((0, "Primary"), (1, "Backup"))]
