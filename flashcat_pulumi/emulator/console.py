"""Changes made outside the Open API, as a person in the Flashduty web console would make them:
the drift, hand-made overrides and references that a Pulumi program must live with.

They act as the account owner, hold the state's lock, follow the endpoints' rules (a console
rename obeys the team name rules, an override layer the layer rules), bump
``update_at``/``updated_at`` and are saved to the state file. They do not pass through the
OpenAPI schema: the console is not an Open API client, and its forms fill in what they leave out.
A refused change raises :class:`~.errors.ApiError` (``ResourceNotFound`` for an unknown id).

Two tools go further than a console form could:

* :meth:`WebConsole.edit_schedule_raw` changes a stored schedule with no rule at all, to store
  values our provider would not write but a web console or an older server might (a ``voice``
  channel, 48 hours, a 1800-second rotation, a flat webhook, ``integration_id``, ``restrict_mode``
  3, unknown fields); the endpoints return them as stored (:mod:`.schedules`).
* :meth:`WebConsole.lapse_billing` stands for the billing center: until
  :meth:`WebConsole.restore_billing`, requests to the chosen paths answer 400 ``ResourceNotFound``,
  "Account has not purchased resources, ..." (docs/flashduty-api.md §14), executing nothing. The
  switch is not saved in the state file.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Collection, Iterable
from typing import Any, TypeVar

from flashcat_pulumi.emulator.body import Body
from flashcat_pulumi.emulator.errors import not_found
from flashcat_pulumi.emulator.schedules import (
    EDITABLE,
    replace,
    schedule_delete,
    schedule_disable,
    schedule_enable,
    schedule_fields,
)
from flashcat_pulumi.emulator.state import REFERENCE_KINDS, Record, State
from flashcat_pulumi.emulator.teams import check_team_name, unique_team_name

__all__ = ["WebConsole"]

T = TypeVar("T")

_SCHEDULE_KEYS = ("schedule_id", "account_id", "schedule_name", "description", "team_id", "layers", "notify",
                  "create_at", "create_by", "update_at", "update_by")
"""The fields every stored schedule has (``disabled`` may be absent), which the endpoints read."""


class WebConsole:
    """The web console of the emulated account (``Emulator.ui``); ``paths`` are the paths served."""

    def __init__(self, state: State, paths: Collection[str]) -> None:
        self._state = state
        self._paths = frozenset(paths)

    def delete_schedule(self, schedule_id: int) -> None:
        """Delete a schedule (refused with ``ReferenceExist`` while something references it)."""
        def change(state: State, actor: int) -> None:
            schedule_delete(state, Body({"schedule_ids": [self._schedule(schedule_id)["schedule_id"]]}), actor)
        self._change(change)

    def disable_schedule(self, schedule_id: int) -> None:
        """Disable a schedule, as ``/schedule/disable`` does (its layers and shifts stay)."""
        def change(state: State, actor: int) -> None:
            schedule_disable(state, Body({"schedule_ids": [self._schedule(schedule_id)["schedule_id"]]}), actor)
        self._change(change)

    def enable_schedule(self, schedule_id: int) -> None:
        """Enable a schedule, as ``/schedule/enable`` does."""
        def change(state: State, actor: int) -> None:
            schedule_enable(state, Body({"schedule_ids": [self._schedule(schedule_id)["schedule_id"]]}), actor)
        self._change(change)

    def edit_schedule_raw(self, schedule_id: int, edit: Callable[[Record], None]) -> None:
        """Change a stored schedule with no rule at all: ``edit`` changes a copy of its record in place
        (fields in :mod:`.state`; ``layers`` and ``notify`` as ``/schedule/info`` returns them), which
        then replaces the record.

        ``layers`` and ``notify`` may then hold anything JSON; the other fields keep their types.
        Nothing is stamped (set ``update_at`` in ``edit`` to show a change). Raises
        :class:`ValueError`, changing nothing, when the edited record lost one of its fields,
        changed its ``schedule_id`` or is not JSON.
        """
        def change(state: State, actor: int) -> None:
            edited = copy.deepcopy(self._schedule(schedule_id))
            edit(edited)
            missing = [key for key in _SCHEDULE_KEYS if key not in edited]
            if missing:
                raise ValueError(f"edit_schedule_raw: the edited schedule lacks {', '.join(missing)}")
            if edited["schedule_id"] != schedule_id:
                raise ValueError(f"edit_schedule_raw: schedule_id must stay {schedule_id}, "
                                 f"got {edited['schedule_id']!r}")
            try:
                json.dumps(edited, allow_nan=False)  # the state file must be able to hold it
            except (TypeError, ValueError) as exc:
                raise ValueError(f"edit_schedule_raw: the edited schedule is not JSON: {exc}") from None
            state.schedules[schedule_id] = edited
        self._change(change)

    def lapse_billing(self, paths: Iterable[str] | None = None) -> None:
        """Let the account's billing lapse for ``paths`` (``None``: every path served), replacing
        the paths of an earlier lapse: their requests answer 400 ``ResourceNotFound``, "Account has
        not purchased resources, ...", executing nothing, until :meth:`restore_billing`."""
        lapsed = self._paths if paths is None else frozenset([paths] if isinstance(paths, str) else paths)
        unknown = sorted(lapsed - self._paths)
        if unknown:
            raise ValueError(f"lapse_billing: unknown path {unknown[0]!r}; expected any of "
                             f"{', '.join(sorted(self._paths))}")
        if not lapsed:
            raise ValueError("lapse_billing: give at least one path, or None for every path")
        self._state.lapsed = lapsed

    def restore_billing(self) -> None:
        """Pay the bill: every path is served again."""
        self._state.lapsed = frozenset()

    def rename_team(self, team_id: int, new_name: str) -> None:
        """Rename a team (the name rules of ``/team/upsert`` apply)."""
        def change(state: State, actor: int) -> None:
            team = self._team(team_id)
            name = check_team_name(new_name)
            unique_team_name(state, name, team)
            team.update(team_name=name, updated_by=actor, updated_at=state.now())
        self._change(change)

    def remove_member(self, team_id: int, person_id: int) -> None:
        """Take a person out of a team."""
        def change(state: State, actor: int) -> None:
            team = self._team(team_id)
            if person_id not in team["person_ids"]:
                raise not_found()
            team.update(person_ids=[p for p in team["person_ids"] if p != person_id], updated_by=actor,
                        updated_at=state.now())
        self._change(change)

    def add_override(self, schedule_id: int, start: int, end: int, person_id: int,
                     layer_name: str = "UI override") -> int:
        """Append an override layer (mode 1): ``person_id`` on call in ``[start, end)``; return its index."""
        def change(state: State, actor: int) -> int:
            stored = self._schedule(schedule_id)
            layer = {"layer_name": layer_name, "mode": 1, "layer_start": start, "layer_end": end,
                     "groups": [{"group_name": state.person_name(person_id),
                                 "members": [{"role_id": 0, "person_ids": [person_id]}]}]}
            body = {**self._editable(stored), "layers": [*stored["layers"], layer]}
            replace(state, stored, schedule_fields(state, Body(body), schedule_id=schedule_id), actor)
            return len(stored["layers"]) - 1
        return self._change(change)

    def edit_schedule(self, schedule_id: int, **fields: Any) -> None:
        """Change editable fields: ``schedule_name``, ``description``, ``team_id``, ``layers``, ``notify``."""
        unknown = sorted(set(fields) - set(EDITABLE))
        if unknown:
            raise TypeError(f"edit_schedule() got unknown fields: {', '.join(unknown)}")

        def change(state: State, actor: int) -> None:
            stored = self._schedule(schedule_id)
            body = {**self._editable(stored), **fields}
            replace(state, stored, schedule_fields(state, Body(body), schedule_id=schedule_id), actor)
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

        def change(state: State, actor: int) -> int:
            if schedule_id is not None:
                self._schedule(schedule_id)
            else:
                self._team(team_id or 0)
            ref_id = state.new_id()
            state.refs[ref_id] = {"ref_id": ref_id, "kind": kind, "name": name, "schedule_id": schedule_id,
                                  "team_id": team_id}
            return ref_id
        return self._change(change)

    def remove_reference(self, ref_id: int) -> None:
        """Remove a reference made with :meth:`add_reference`."""
        def change(state: State, actor: int) -> None:
            if state.refs.pop(ref_id, None) is None:
                raise not_found()
        self._change(change)

    def _change(self, change: Callable[[State, int], T]) -> T:
        state = self._state
        with state.lock:
            result = change(state, state.account_id)
            state.save()
            return result

    def _schedule(self, schedule_id: int) -> Record:
        stored = self._state.schedules.get(schedule_id)
        if stored is None:
            raise not_found()
        return stored

    def _team(self, team_id: int) -> Record:
        team = self._state.teams.get(team_id)
        if team is None:
            raise not_found()
        return team

    @staticmethod
    def _editable(stored: Record) -> dict[str, Any]:
        return copy.deepcopy({key: stored[key] for key in EDITABLE})
