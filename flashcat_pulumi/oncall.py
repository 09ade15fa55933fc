"""Who will be on call: a schedule's :class:`~flashcat_pulumi.roster.Roster` from a program's inputs
(:func:`planned_roster`) or from Flashduty (:func:`live_roster`), and the line ``pulumi preview``
logs with ``flashduty:previewOncall`` (:func:`log_preview`).

A planned roster is computed by Flashduty (``/schedule/preview``, people verified and named by the
account) when a client is given, and by :mod:`flashcat_pulumi.timeline` otherwise, with people shown
as the program wrote them; :attr:`Roster.source` says which. If Flashduty cannot be reached, the
local engine answers and the source says why.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import pulumi

from flashcat_pulumi.client import FlashdutyClient
from flashcat_pulumi.config import Settings
from flashcat_pulumi.errors import ConfigurationError, FlashdutyError
from flashcat_pulumi.identity import Directory, PersonRef
from flashcat_pulumi.render import oncall_line
from flashcat_pulumi.resources._base import connection
from flashcat_pulumi.resources.schedule import (
    OVERRIDE_PREFIX,
    check_schedule,
    schedule_people,
    schedule_to_wire,
)
from flashcat_pulumi.roster import COMPUTED_BY_FLASHDUTY, COMPUTED_LOCALLY, Roster, Row, Turn
from flashcat_pulumi.timeline import compute
from flashcat_pulumi.wire import ScheduleCalculatedLayer, ScheduleGroup, ScheduleItem

__all__ = ["NotComputable", "live_roster", "log_preview", "planned_roster", "preview_enabled"]

DAY = 86400
CHUNK = 44 * DAY
"""Flashduty computes shifts for windows under 45 days: longer ones are asked for in pieces."""


class NotComputable(FlashdutyError):
    """A schedule's inputs are invalid (the message lists every failure), so nobody can be shown."""


def planned_roster(name: str, props: Mapping[str, Any], *, start: int, end: int, default_time_zone: str | None,
                   client: FlashdutyClient | None = None, directory: Directory | None = None) -> Roster:
    """Who the program's schedule ``props`` (a ``Schedule``'s inputs) puts on call in ``[start, end)``.

    With ``client`` (and its ``directory``), Flashduty computes it; without, the local engine, reading
    wall-clock inputs in ``time_zone``, else ``default_time_zone``. Raises :class:`NotComputable`.
    """
    source, zone_of_account = COMPUTED_LOCALLY, ""
    account_zone: Callable[[], str] | None = None
    if client is not None and directory is not None:
        try:
            zone_of_account = client.get_member_info().account_time_zone
            account_zone = lambda: zone_of_account  # noqa: E731
        except FlashdutyError as error:
            client, source = None, _unreachable(error)
    canonical, failures = check_schedule(props, default_time_zone=default_time_zone, account_time_zone=account_zone)
    if failures:
        listed = "; ".join(f"{failure.path}: {failure.reason}" for failure in failures)
        raise NotComputable(f"schedule {name!r}: {listed}")
    zone = canonical["time_zone"]
    title = canonical["schedule_name"] if isinstance(canonical.get("schedule_name"), str) else name
    if client is not None and directory is not None:
        try:
            return _by_flashduty(title, canonical, zone, start, end, client, directory)
        except FlashdutyError as error:
            source = _unreachable(error)
    # Layers moved by zone_offset are written in the account's zone.
    engine_zone = zone_of_account if canonical.get("zone_offset") is not None and zone_of_account else zone
    return _locally(title, canonical, zone, engine_zone, start, end, source)


def live_roster(schedule: ScheduleItem, client: FlashdutyClient, directory: Directory, *, time_zone: str,
                start: int, end: int) -> Roster:
    """Who the stored schedule puts on call in ``[start, end)``, computed by Flashduty."""
    items = [client.get_schedule(schedule.schedule_id, start=a, end=b) for a, b in _chunks(start, end)]
    people = _person_ids(items)
    labels = _names(directory, people)
    return Roster(schedule.schedule_name or schedule.name or str(schedule.schedule_id), time_zone, start, end,
                  COMPUTED_BY_FLASHDUTY, _server_rows(items, labels.__getitem__))


# --- in pulumi preview -----------------------------------------------------------------------

PREVIEW_CONFIG = "previewOncall"
PREVIEW_VARIABLE = "FLASHDUTY_PREVIEW_ONCALL"
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")


def preview_enabled(config: Callable[[str], str | None], environ: Mapping[str, str]) -> bool:
    """Stack config ``flashduty:previewOncall`` (``config("previewOncall")``), else ``FLASHDUTY_PREVIEW_ONCALL``."""
    for value, source in ((config(PREVIEW_CONFIG), f"flashduty:{PREVIEW_CONFIG}"),
                          (environ.get(PREVIEW_VARIABLE), PREVIEW_VARIABLE)):
        if value is None:
            continue
        text = str(value).strip().lower()
        if text in _TRUE or text in _FALSE:
            return text in _TRUE
        raise ConfigurationError(f"{source}: {value!r} is not true or false")
    return False


def log_preview(resource: pulumi.Resource, name: str, inputs: Mapping[str, Any]) -> None:
    """With ``flashduty:previewOncall`` on, log (``pulumi.log.info``, on ``resource``) who is on call
    now and at the next two hand-offs, once every input is known; nothing otherwise. Computed by
    Flashduty when the stack has an app key, locally otherwise. Never fails the program: a schedule
    whose inputs are invalid is logged as such (its check fails the preview with the details)."""
    config = pulumi.Config("flashduty")
    if not preview_enabled(config.get, os.environ):
        return
    settings = Settings.resolve(lambda key: config.get(key.split(":", 1)[1]))

    def log(values: dict[str, Any]) -> None:
        client = directory = None
        if settings.app_key:
            client, directory = connection(settings)
        now = int(time.time())
        try:
            roster = planned_roster(name, values, start=now, end=now + CHUNK,
                                    default_time_zone=settings.time_zone or None, client=client, directory=directory)
        except NotComputable as error:
            pulumi.log.info(f"on call: {error}", resource=resource)
            return
        pulumi.log.info(f"on call: {oncall_line(roster, now)}", resource=resource)

    pulumi.Output.from_input(dict(inputs)).apply(log)


def _unreachable(error: FlashdutyError) -> str:
    return f"{COMPUTED_LOCALLY} (Flashduty could not compute it: {error})"


# --- computing ----------------------------------------------------------------------------------

def _locally(title: str, canonical: Mapping[str, Any], zone: str, engine_zone: str, start: int, end: int,
             source: str) -> Roster:
    ids: dict[PersonRef, int] = {}

    def person_id(ref: PersonRef) -> int:
        # Stand-in ids, one per person as written; numbers the program wrote stay themselves.
        return ids.setdefault(ref, ref if isinstance(ref, int) else -1 - len(ids))

    body = schedule_to_wire(canonical, person_id)
    timeline = compute(body.layers, start, end, engine_zone)

    refs = {pid: ref for ref, pid in ids.items()}

    def label(pid: int) -> str:
        ref = refs.get(pid, pid)
        return ref if isinstance(ref, str) else f"person {ref}"

    rows = [_row(layer.display_name, layer.mode, ((s.start, s.end, s.group) for s in shifts), label)
            for layer, shifts in zip(body.layers, timeline.layers, strict=True)]
    rows.append(_row("final", -1, ((s.start, s.end, s.group) for s in timeline.final), label))
    return Roster(title, zone, start, end, source, tuple(rows))


def _by_flashduty(title: str, canonical: Mapping[str, Any], zone: str, start: int, end: int,
                  client: FlashdutyClient, directory: Directory) -> Roster:
    ids = directory.person_ids(schedule_people(canonical))
    body = schedule_to_wire(canonical, ids.__getitem__)
    items = [client.preview_schedule(body, start=a, end=b) for a, b in _chunks(start, end)]
    labels = _names(directory, _person_ids(items))
    return Roster(title, zone, start, end, COMPUTED_BY_FLASHDUTY, _server_rows(items, labels.__getitem__))


def _chunks(start: int, end: int) -> list[tuple[int, int]]:
    return [(a, min(a + CHUNK, end)) for a in range(start, end, CHUNK)]


def _person_ids(items: Sequence[ScheduleItem]) -> list[int]:
    return [pid for item in items for layer in [*(item.schedule_layers or []), item.final_schedule]
            if layer is not None for shift in layer.schedules for member in shift.group.members
            for pid in member.person_ids]


def _names(directory: Directory, person_ids: Iterable[int]) -> dict[int, str]:
    wanted = list(dict.fromkeys(person_ids))
    names = directory.names(wanted)
    return {pid: names.get(pid, f"person {pid}") for pid in wanted}


def _server_rows(items: Sequence[ScheduleItem], label: Callable[[int], str]) -> tuple[Row, ...]:
    """Rows from Flashduty's answers for consecutive windows: per layer, then the final row."""
    first = items[0]
    layers: list[ScheduleCalculatedLayer] = list(first.schedule_layers or [])
    rows = []
    for i, layer in enumerate(layers):
        shifts = ((s.start, s.end, s.group) for item in items
                  for s in (item.schedule_layers[i].schedules if item.schedule_layers and i < len(item.schedule_layers)
                            else []))
        rows.append(_row(layer.layer_name or layer.name, layer.mode, shifts, label))
    finals = ((s.start, s.end, s.group) for item in items if item.final_schedule is not None
              for s in item.final_schedule.schedules)
    rows.append(_row("final", -1, finals, label))
    return tuple(rows)


def _row(name: str, mode: int, shifts: Iterable[tuple[int, int, ScheduleGroup]], label: Callable[[int], str]) -> Row:
    """A row; touching turns of the same people become one (a shift cut by a window edge, or a
    rotation that hands over to the same person)."""
    turns: list[Turn] = []
    for start, end, group in shifts:
        people = _people(group, label)
        if turns and turns[-1].end == start and turns[-1].people == people:
            turns[-1] = Turn(turns[-1].start, end, people)
        elif end > start:
            turns.append(Turn(start, end, people))
    if mode == -1:
        return Row("final", "final", tuple(turns))
    shown = name.removeprefix(OVERRIDE_PREFIX) if mode == 1 else name
    return Row(shown, "override" if mode == 1 else "layer", tuple(turns))


def _people(group: ScheduleGroup, label: Callable[[int], str]) -> tuple[str, ...]:
    """Labels of a group's people, primary role first, each once."""
    ordered = sorted(group.members, key=lambda member: member.role_id)
    return tuple(dict.fromkeys(label(pid) for member in ordered for pid in member.person_ids))
