"""Teams and schedules that exist in Flashduty, written out as a ready Pulumi Python program.

:func:`export_program` reads the chosen objects and declares each with ``adopt=True`` in the forms a
program writes: emails, ``"1w"``, ``"mon 09:00"``, ``"09:00-18:00"``, weekday names, times in the
schedule's zone. Nothing is mapped twice: the values are the resources' own canonical form
(:func:`schedule_from_wire`, :func:`team_from_wire`), given to the typed helpers (``fd.Layer``,
``fd.Group``, ...) where they map one to one and with defaults left out. Before it is written, each
object's arguments go through the resources' own ``check`` and must come out as what Flashduty
holds, so that adopting changes nothing; what does not is reported in :attr:`Exported.warnings`.

Not declared: override layers made in the web console (the provider keeps them on every update; a
comment in the program names them) and webhook secrets, which the program reads from stack config
(:attr:`Exported.secrets` lists the keys to set).

The source is laid out here, with no formatter needed at run time: lines of at most
:data:`LINE_LENGTH` columns, a call or list that does not fit broken one item a line with a
trailing comma, long strings split inside parentheses.
"""

from __future__ import annotations

import difflib
import itertools
import keyword
import re
import textwrap
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, is_dataclass
from datetime import datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from flashcat_pulumi.client import FlashdutyClient
from flashcat_pulumi.errors import ExportError
from flashcat_pulumi.identity import Directory, PersonRef, PersonRenderer
from flashcat_pulumi.resources._base import to_input
from flashcat_pulumi.resources._forms import (
    DAY_SETS,
    FormError,
    parse_zone,
    read_wall_clock,
    render_day_mask,
    render_handoff,
    render_instant,
)
from flashcat_pulumi.resources.schedule import (
    WEBHOOK_SECRETS,
    Group,
    Layer,
    Notify,
    Override,
    ScheduleProvider,
    Webhook,
    check_schedule,
    default_group_name,
    schedule_from_wire,
    split_layers,
)
from flashcat_pulumi.resources.team import TeamProvider, check_team, team_from_wire
from flashcat_pulumi.wire import ScheduleItem, ScheduleLayer, TeamItem

__all__ = ["LINE_LENGTH", "Exported", "SecretSetting", "export_program"]

LINE_LENGTH = 120
"""The longest line written, as the repository's ruff configuration allows."""

_INDENT = 4
_WRAP = 100  # prose (the docstring, comments) wraps earlier than code, for reading
_RESERVED = frozenset({"fd", "pulumi", "config"})  # the program's own names
# Keyword arguments written first when given, in this order (what it is, then when); the rest in the
# helper's own order, and the long lists last.
_LEADING = ("layer_name", "name", "type", "alias", "layer_start", "layer_end")
_TRAILING = ("groups", "webhooks")

T = TypeVar("T")


@dataclass(frozen=True)
class SecretSetting:
    """A webhook secret the program reads with ``config.require_secret(key)``: set it before ``pulumi up``."""

    key: str
    """The config key, in the project's namespace (``pulumi config set`` puts a bare key there)."""
    schedule_name: str
    webhook_type: str
    alias: str
    field: str
    """``token``, ``sign_secret`` or ``verify_token``."""

    def command(self) -> str:
        """The ``pulumi config set --secret`` line to run, with a placeholder for the value."""
        alias = f" {self.alias!r}" if self.alias else ""
        return (f"pulumi config set --secret {self.key} <{self.field}>  "
                f"# the {self.webhook_type} webhook{alias} of schedule {self.schedule_name!r}")


@dataclass(frozen=True)
class Exported:
    """The program and what to know about it."""

    source: str
    """The Pulumi Python program (``__main__.py``)."""
    resources: tuple[str, ...]
    """The Pulumi resource names it declares, teams first."""
    secrets: tuple[SecretSetting, ...]
    """The stack config the program needs: one secret per webhook token or signing secret."""
    warnings: tuple[str, ...]
    """What the program cannot declare exactly as Flashduty holds it (also commented in the program)."""


def export_program(client: FlashdutyClient, *, schedules: Sequence[str] = (), teams: Sequence[str] = (),
                   everything: bool = False, command: str = "flashcat-pulumi export") -> Exported:
    """A Pulumi program declaring the chosen schedules and teams with ``adopt=True``.

    ``schedules`` and ``teams`` name objects by id or exact name (an id first, when the text is a
    number); ``everything`` exports every team and schedule. A schedule's ``team_id`` refers to the
    team's resource when the team is exported too, else it is the id. ``time_zone`` is the account's,
    so instants are written in its zone and no zone offset applies. ``command`` is named in the
    program's docstring, with ``client.base_url``.

    Raises :class:`ExportError` naming every id or name that matches nothing (with close names), or
    when there is nothing to export; :class:`FlashdutyError` when Flashduty fails.
    """
    listed_teams = client.list_teams(orderby="created_at", asc=True)
    listed_schedules = sorted(client.list_schedules(), key=lambda item: item.schedule_id)
    if everything:
        chosen_teams, chosen_schedules, missing = listed_teams, listed_schedules, []
    else:
        chosen_teams, missing_teams = _select("team", teams, listed_teams, lambda t: t.team_id, lambda t: t.team_name)
        chosen_schedules, missing_schedules = _select("schedule", schedules, listed_schedules,
                                                      lambda s: s.schedule_id, lambda s: s.schedule_name)
        missing = missing_schedules + missing_teams
    if missing:
        raise ExportError(f"not found in Flashduty: {'; '.join(missing)}")
    if not chosen_teams and not chosen_schedules:
        raise ExportError("nothing to export: " + ("the account has no teams and no schedules" if everything
                                                   else "name schedules or teams, or export everything"))
    account_zone = client.get_member_info().account_time_zone
    try:
        zone = parse_zone(account_zone)
    except FormError:
        raise ExportError(f"the account's time zone is {account_zone!r} (/member/info), which is no IANA zone, so "
                          f"the schedules' times cannot be written; set the account's zone in Flashduty") from None
    team_items = [client.get_team(team_id=team.team_id) for team in chosen_teams]
    schedule_items = [client.get_schedule(schedule.schedule_id) for schedule in chosen_schedules]
    render = Directory(client).renderer(_people(team_items, schedule_items))  # every email in one lookup
    writer = _Writer(render, zone, {team.team_id: team.team_name for team in listed_teams})
    for team in team_items:
        writer.team(team)
    for schedule in schedule_items:
        writer.schedule(schedule)
    return writer.exported(command, client.base_url)


def _select(kind: str, wanted: Iterable[str], listed: Sequence[T], id_of: Callable[[T], int],
            name_of: Callable[[T], str]) -> tuple[list[T], list[str]]:
    """The listed objects ``wanted`` names (by id, else by exact name), each once, and what matched nothing."""
    chosen: dict[int, T] = {}
    missing = []
    for text in wanted:
        by_id = [item for item in listed if text.strip().isdigit() and id_of(item) == int(text)]
        found = by_id or [item for item in listed if name_of(item) == text]
        if found:
            chosen.setdefault(id_of(found[0]), found[0])
            continue
        close = difflib.get_close_matches(text, [name_of(item) for item in listed], n=3, cutoff=0.6)
        missing.append(f"no {kind} has the id or name {text!r}"
                       + (f" (did you mean {', '.join(map(repr, close))}?)" if close else ""))
    return list(chosen.values()), missing


def _people(teams: Iterable[TeamItem], schedules: Iterable[ScheduleItem]) -> list[int]:
    people = [pid for team in teams for pid in team.person_ids]
    people += [pid for schedule in schedules for layer in schedule.layers for group in layer.groups
               for pid in group.person_ids]
    return list(dict.fromkeys(people))


# --- markers in the arguments: what the program writes as an expression ------------------------------

class _Secret:
    """A webhook secret: ``config.require_secret(key)`` in the program, ``value`` when checked."""

    def __init__(self, key: str, value: str) -> None:
        self.key = key
        self.value = value


class _TeamRef:
    """An exported team's id: ``<variable>.team_id`` in the program, ``team_id`` when checked."""

    def __init__(self, variable: str, team_id: int) -> None:
        self.variable = variable
        self.team_id = team_id


def _plain(value: Any) -> Any:
    """Arguments as the provider receives them: markers replaced by their values."""
    if isinstance(value, _Secret):
        return value.value
    if isinstance(value, _TeamRef):
        return value.team_id
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


# --- from Flashduty's objects to the program's arguments -----------------------------------------

class _Writer:
    """Collects the program's resources, their names and secrets, one object at a time."""

    def __init__(self, people: PersonRenderer, zone: ZoneInfo, team_names: Mapping[int, str]) -> None:
        self.people = people
        self.zone = zone
        self.team_names = team_names
        self.blocks: list[str] = []
        self.resources: list[str] = []
        self.secrets: list[SecretSetting] = []
        self.warnings: list[str] = []
        self.team_variables: dict[int, str] = {}
        self._taken: set[str] = set(_RESERVED)
        self._keys: set[str] = set()

    def render(self, person_id: int, _place: Any = None) -> PersonRef:
        """A person as the program names them, wherever they are: the email, else the person id."""
        return self.people(person_id)

    def team(self, team: TeamItem) -> None:
        canonical = team_from_wire(team, self.render)
        variable, name = self._names(team.team_name, "team", team.team_id)
        self.team_variables[team.team_id] = variable
        arguments = {"team_name": canonical["team_name"], "description": canonical["description"] or None,
                     "members": canonical["members"] or None, "ref_id": canonical["ref_id"] or None}
        checked, failures = check_team(to_input(arguments))
        notes: list[str] = []
        self._check(f"team {team.team_name!r}", canonical, checked, failures, TeamProvider.compared, notes)
        self._add("Team", variable, name, arguments, notes)

    def schedule(self, schedule: ScheduleItem) -> None:
        canonical = schedule_from_wire(schedule, self.render, time_zone=self.zone.key)
        variable, name = self._names(schedule.schedule_name, "schedule", schedule.schedule_id)
        team_id = canonical["team_id"]
        team: Any = team_id
        notes = []
        if team_id in self.team_variables:
            team = _TeamRef(self.team_variables[team_id], team_id)
        elif team_id is not None and team_id in self.team_names:
            notes.append(f"team_id {team_id} is the team {self.team_names[team_id]!r}, which this program does "
                         f"not declare.")
        notify = canonical["notify"]
        arguments = {
            "schedule_name": canonical["schedule_name"], "description": canonical["description"] or None,
            "team_id": team, "time_zone": canonical["time_zone"],
            "enabled": None if canonical["enabled"] else False,
            "layers": [self._layer(index, layer) for index, layer in enumerate(canonical["layers"])],
            "overrides": [self._override(override) for override in canonical["overrides"]] or None,
            "notify": None if notify is None else self._notify(notify, variable, schedule.schedule_name)}
        external = split_layers(schedule)[2]
        if external:
            notes.append(self._external(external))
        checked, failures = check_schedule(_plain(to_input(arguments)), default_time_zone=None,
                                           account_time_zone=lambda: self.zone.key)
        self._check(f"schedule {schedule.schedule_name!r}", canonical, checked, failures,
                    ScheduleProvider.compared, notes)
        self._add("Schedule", variable, name, arguments, notes)

    def _layer(self, index: int, layer: Mapping[str, Any]) -> Layer:
        periods, mode = layer["restrict_periods"], layer["restrict_mode"]
        # The mode is inferred from windows written as "09:00-18:00" or "mon 09:00-fri 18:00".
        inferred = (not periods and mode == "none") or (periods and all(isinstance(p, str) for p in periods))
        return Layer(
            layer_name=None if layer["layer_name"] == f"Layer {index + 1}" else layer["layer_name"],
            layer_start=self._instant(layer["layer_start"]), layer_end=self._instant(layer["layer_end"]),
            rotation_duration=layer["rotation_duration"], rotation_unit=layer["rotation_unit"],
            rotation_value=layer["rotation_value"],
            handoff_time=None if layer["handoff_time"] == render_handoff(0) else layer["handoff_time"],
            restrict_mode=None if inferred else mode, restrict_periods=periods or None,
            day_mask=_day_mask(layer["day_mask"]),
            mask_continuous_enabled=layer["mask_continuous_enabled"] or None,
            fair_rotation=layer["fair_rotation"] or None,
            groups=[_group(position, group) for position, group in enumerate(layer["groups"])])

    def _override(self, override: Mapping[str, Any]) -> Override:
        people = list(override["people"])
        return Override(name=None if override["name"] == "override" else override["name"],
                        start=self._instant(override["start"]), end=self._instant(override["end"]),
                        person=people[0] if len(people) == 1 else None, persons=None if len(people) == 1 else people)

    def _notify(self, notify: Mapping[str, Any], variable: str, schedule_name: str) -> Notify:
        webhooks = []
        for webhook in notify["webhooks"]:
            secrets = {field: self._secret(variable, schedule_name, webhook, field)
                       for field in WEBHOOK_SECRETS if webhook[field]}
            webhooks.append(Webhook(type=webhook["type"], alias=webhook["alias"] or None,
                                    data_source_id=webhook["data_source_id"] or None,
                                    chat_ids=webhook["chat_ids"] or None, **secrets))
        return Notify(advance_in_time=notify["advance_in_time"], fixed_time=notify["fixed_time"],
                      follow_preference=notify["follow_preference"] or None,
                      personal_channels=notify["personal_channels"] or None, webhooks=webhooks or None)

    def _secret(self, variable: str, schedule_name: str, webhook: Mapping[str, Any], field: str) -> _Secret:
        words = [*variable.split("_"), *re.findall(r"[a-z0-9]+", str(webhook["type"]).lower())]
        numbered = (_camel([*words, str(number), field]) for number in itertools.count(2))
        key = _unique(itertools.chain([_camel([*words, field])], numbered), self._keys)
        self.secrets.append(SecretSetting(key=key, schedule_name=schedule_name, webhook_type=str(webhook["type"]),
                                          alias=str(webhook["alias"] or ""), field=field))
        return _Secret(key, webhook[field])

    def _instant(self, text: Any) -> Any:
        """A canonical instant as the wall-clock time it is in the schedule's zone (``"2026-11-30T09:00"``,
        a date at midnight), read back the same; else as it is."""
        if not isinstance(text, str):
            return text
        instant = datetime.fromisoformat(text)
        epoch, wall = int(instant.timestamp()), instant.replace(tzinfo=None)
        try:
            if read_wall_clock(wall, self.zone) != epoch:
                return text  # the second occurrence of a time the clocks repeat: only the offset tells it
        except FormError:
            return text
        if wall.time() == datetime.min.time():
            return wall.date().isoformat()
        return wall.isoformat(timespec="seconds" if wall.second else "minutes")

    def _external(self, layers: Sequence[ScheduleLayer]) -> str:
        shown = []
        for layer in layers:
            people = ", ".join(str(self.render(pid)) for group in layer.groups for pid in group.person_ids)
            start, end = (self._instant(render_instant(epoch, self.zone)) if epoch is not None else "?"
                          for epoch in (layer.start, layer.end))
            shown.append(f"{layer.display_name!r} {start} to {end}: {people or 'nobody'}")
        count = f"{len(layers)} override{'s' if len(layers) > 1 else ''}"
        return (f"Not declared: {count} made in the Flashduty web console ({'; '.join(shown)}). The provider "
                f"keeps {'them' if len(layers) > 1 else 'it'} as {'they are' if len(layers) > 1 else 'it is'} on "
                f"every update: only the overrides a program declares are its own.")

    def _check(self, what: str, canonical: Mapping[str, Any], checked: Mapping[str, Any], failures: Sequence[Any],
               compared: Iterable[str], notes: list[str]) -> None:
        """Warn (and note in the program) when the arguments are refused, or would change the object."""
        if failures:
            problems = "; ".join(f"{failure.path}: {failure.reason}" for failure in failures)
            warning = (f"{what} holds what flashcat-pulumi does not write, so `pulumi preview` refuses the "
                       f"program until it is changed: {problems}")
        else:
            changed = [key for key in compared if checked.get(key) != canonical.get(key)]
            if not changed:
                return
            warning = f"{what}: adopting it with this program would change {', '.join(changed)}"
        self.warnings.append(warning)
        notes.append(f"Warning: {warning}.")

    def _names(self, object_name: str, kind: str, object_id: int) -> tuple[str, str]:
        """A unique Python variable and resource name from the object's name: ``sre_primary``, ``sre-primary``."""
        ascii_name = unicodedata.normalize("NFKD", object_name).encode("ascii", "ignore").decode()
        words = re.findall(r"[a-z0-9]+", ascii_name.lower()) or [kind, str(object_id)]
        if words[0][0].isdigit() or keyword.iskeyword("_".join(words)):
            words.insert(0, kind)
        numbered = ("_".join([*words, kind, str(number)]) for number in itertools.count(2))
        variable = _unique(itertools.chain(["_".join(words), "_".join([*words, kind])], numbered), self._taken)
        return variable, variable.replace("_", "-")

    def _add(self, kind: str, variable: str, name: str, arguments: Mapping[str, Any], notes: list[str]) -> None:
        call = _Items(f"fd.{kind}(", ")", (("", _Text(name)), *_keywords({**arguments, "adopt": True})),
                      explode=True)
        comments = [line for note in notes for line in _wrapped(note, "# ")]
        self.blocks.append("\n".join([*comments, *call.lines(0, f"{variable} = ", "")]))
        self.resources.append(name)

    def exported(self, command: str, base_url: str) -> Exported:
        paragraphs = [
            f"Flashduty teams and schedules, exported from {base_url} with:",
            "adopt=True takes the existing objects (found by name) over at the first `pulumi up`, which changes "
            "nothing in them; remove it after that first `pulumi up`. Times are in each schedule's time_zone, the "
            "account's zone; people are emails, or person ids for people without one.",
        ]
        if self.secrets:
            paragraphs.append("Webhook tokens and secrets are not written here: the program reads them from the "
                              "stack config. Set each with `pulumi config set --secret <key> <value>`: "
                              + ", ".join(setting.key for setting in self.secrets) + ".")
        texts = ["\n".join(_wrapped(_docstring_safe(text))) for text in paragraphs]
        texts.insert(1, "\n".join(_wrapped(_docstring_safe(command), "    ", "        ", width=LINE_LENGTH)))
        docstring = "\n\n".join(texts)
        imports = "import pulumi\n\nimport flashcat_pulumi as fd\n\nconfig = pulumi.Config()" if self.secrets \
            else "import flashcat_pulumi as fd"
        source = "\n\n".join([f'"""{docstring}\n"""', imports, *self.blocks]) + "\n"
        return Exported(source=source, resources=tuple(self.resources), secrets=tuple(self.secrets),
                        warnings=tuple(self.warnings))


def _group(position: int, group: Mapping[str, Any]) -> Any:
    """A canonical group as the shortest helper that reads back the same: a person, a list of people,
    ``fd.Group`` (roles, a name), or the API's shape for several roles beyond primary and backup."""
    members = group.get("members") if isinstance(group, Mapping) else None
    if not isinstance(members, list) or not all(isinstance(slot, Mapping) for slot in members):
        return group  # as stored: check reports it
    name = None if group["group_name"] == default_group_name(position) else group["group_name"]
    roles = {slot["role_id"]: list(slot["person_ids"]) for slot in members}
    if set(roles) == {0} and name is None:
        return roles[0][0] if len(roles[0]) == 1 else roles[0]
    if 1 in roles and set(roles) <= {0, 1}:
        return Group(name=name, primary=roles.get(0), backup=roles[1])
    if len(roles) == 1:
        [(role_id, people)] = roles.items()
        return Group(name=name, people=people, role_id=role_id or None)
    return dict(group)


def _day_mask(days: Any) -> Any:
    for name, numbers in DAY_SETS.items():
        if days == render_day_mask(numbers):
            return name
    return days


def _keywords(arguments: Mapping[str, Any]) -> list[tuple[str, _Code]]:
    """Keyword arguments as code, the ``None`` ones left out, names first and long lists last."""
    given = [(key, value) for key, value in arguments.items() if value is not None]
    given.sort(key=lambda item: _LEADING.index(item[0]) if item[0] in _LEADING
               else len(_LEADING) + (item[0] in _TRAILING))
    return [(f"{key}=", _code(value)) for key, value in given]


def _unique(candidates: Iterable[str], taken: set[str]) -> str:
    """The first of ``candidates`` not ``taken``, which is now taken."""
    name = next(candidate for candidate in candidates if candidate not in taken)
    taken.add(name)
    return name


def _camel(words: Sequence[str]) -> str:
    """``["sre", "primary", "sign_secret"]`` as ``"srePrimarySignSecret"``."""
    parts = [part for word in words for part in word.split("_")]
    return parts[0] + "".join(part.capitalize() for part in parts[1:])


# --- laying out the source -----------------------------------------------------------------------

class _Code:
    """A value as Python source, laid out to fit :data:`LINE_LENGTH`."""

    def flat(self) -> str:
        """On one line."""
        raise NotImplementedError

    def lines(self, indent: int, lead: str, tail: str) -> list[str]:
        """The lines, the first indented by ``indent`` after ``lead``, the last followed by ``tail``."""
        return [" " * indent + lead + self.flat() + tail]


class _Atom(_Code):
    def __init__(self, text: str) -> None:
        self.text = text

    def flat(self) -> str:
        return self.text


class _Text(_Code):
    """A string literal, split in parenthesized pieces when too long for its line."""

    def __init__(self, value: str) -> None:
        self.value = value

    def flat(self) -> str:
        return _literal(self.value)

    def lines(self, indent: int, lead: str, tail: str) -> list[str]:
        [line] = super().lines(indent, lead, tail)
        if _width(line) <= LINE_LENGTH:
            return [line]
        inner = " " * (indent + _INDENT)
        pieces = _pieces(self.value, LINE_LENGTH - len(inner))
        return [" " * indent + lead + "(", *(inner + _literal(piece) for piece in pieces), " " * indent + ")" + tail]


class _Items(_Code):
    """A call, list or dict: on one line when it fits (and ``explode`` is false), else one item a line."""

    def __init__(self, opener: str, closer: str, items: Sequence[tuple[str, _Code]], *, explode: bool = False) -> None:
        self.opener, self.closer, self.items, self.explode = opener, closer, items, explode

    def flat(self) -> str:
        return self.opener + ", ".join(lead + code.flat() for lead, code in self.items) + self.closer

    def lines(self, indent: int, lead: str, tail: str) -> list[str]:
        [line] = super().lines(indent, lead, tail)
        if not self.items or (not self.explode and _width(line) <= LINE_LENGTH):
            return [line]
        body = [text for item_lead, code in self.items for text in code.lines(indent + _INDENT, item_lead, ",")]
        return [" " * indent + lead + self.opener, *body, " " * indent + self.closer + tail]


def _code(value: Any) -> _Code:
    if isinstance(value, _Secret):
        return _Atom(f"config.require_secret({_literal(value.key)})")
    if isinstance(value, _TeamRef):
        return _Atom(f"{value.variable}.team_id")
    if isinstance(value, str):
        return _Text(value)
    if value is None or isinstance(value, bool | int | float):
        return _Atom(repr(value))
    if is_dataclass(value) and not isinstance(value, type):
        arguments = {field.name: getattr(value, field.name) for field in fields(value)}
        return _Items(f"fd.{type(value).__name__}(", ")", _keywords(arguments))
    if isinstance(value, Mapping):
        return _Items("{", "}", [(f"{_literal(str(key))}: ", _code(item)) for key, item in value.items()])
    if isinstance(value, list | tuple):
        return _Items("[", "]", [("", _code(item)) for item in value])
    raise TypeError(f"cannot write {type(value).__name__} {value!r} as Python source")


def _literal(text: str) -> str:
    """A string literal, in double quotes unless the text holds both kinds of quote."""
    literal = repr(text)
    if literal.startswith("'") and '"' not in text:
        return '"' + literal[1:-1].replace("\\'", "'") + '"'
    return literal


def _pieces(text: str, width: int) -> list[str]:
    """``text`` cut (after spaces where possible) into pieces whose literals are at most ``width`` wide."""
    pieces: list[str] = []
    current = ""
    for word in re.findall(r"\S+\s*|\s+", text):
        for char in word if _width(_literal(word)) > width else [word]:
            if current and _width(_literal(current + char)) > width:
                pieces.append(current)
                current = ""
            current += char
    return [*pieces, current] if current else pieces


def _width(line: str) -> int:
    """Columns on screen, as ruff counts them: wide East Asian characters take two, combining ones none."""
    return sum(0 if unicodedata.combining(char) else 2 if unicodedata.east_asian_width(char) in "WF" else 1
               for char in line)


def _wrapped(text: str, prefix: str = "", hanging: str | None = None, *, width: int = _WRAP) -> list[str]:
    """``text`` in lines of at most ``width`` columns, each after ``prefix`` (the first) or ``hanging``."""
    return textwrap.wrap(text, width, initial_indent=prefix, subsequent_indent=prefix if hanging is None else hanging,
                         break_long_words=False, break_on_hyphens=False)


def _docstring_safe(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')

