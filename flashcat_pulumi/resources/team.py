"""``Team``: a Flashduty team, from the program's arguments to the API and back.

:class:`TeamArgs` is the pydantic model of the inputs and the single home of their rules and
canonical form; then the wire mapping, :class:`TeamProvider` and the :class:`Team` resource.
Membership is fully managed: the program's ``members`` replace the team's member list.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pulumi
import pulumi.dynamic
from pulumi.dynamic import CreateResult, ReadResult, UpdateResult
from pydantic import Field

from flashcat_pulumi.errors import FlashdutyError, NotFound
from flashcat_pulumi.resources._args import Args, Failure, check, check_stored, leaf, people, unwrap_stored
from flashcat_pulumi.resources._base import FlashdutyProvider, Input, PersonInput, resolve_people, to_input
from flashcat_pulumi.resources._forms import PersonRef, name_parser, parse_boolean, text_parser
from flashcat_pulumi.wire import TeamItem, TeamUpsertRequest

__all__ = ["Team", "TeamArgs", "TeamProvider", "check_team", "team_from_wire", "team_people", "team_to_wire"]


class TeamArgs(Args):
    """The inputs of :class:`Team`: the single home of their rules and canonical form."""

    team_name: leaf(name_parser(39), required="required, 1 to 39 characters") = None
    description: leaf(text_parser(500)) = ""
    members: people() = Field(default_factory=list)
    ref_id: leaf(text_parser()) = ""
    adopt: leaf(parse_boolean) = False

    def canonical(self) -> dict[str, Any]:
        return {"team_name": self.team_name, "description": self.description, "members": self.members,
                "ref_id": self.ref_id, "adopt": self.adopt}


def check_team(props: Mapping[str, Any]) -> tuple[dict[str, Any], list[Failure]]:
    """A team's inputs validated: ``(canonical inputs, [])`` or ``(props unchanged, failures)``.
    Never raises for bad input; values not known yet are kept and not validated."""
    model, failures = check(TeamArgs, props)
    if model is None:
        # With failures the engine stops and uses nothing else, so the inputs go back untouched.
        return dict(props), failures
    return model.canonical(), []


def team_people(canonical: Mapping[str, Any]) -> list[PersonRef]:
    """The people a team's canonical inputs name (values not known yet skipped)."""
    members = canonical.get("members")
    return [ref for ref in members if isinstance(ref, int | str)] if isinstance(members, list) else []


def team_to_wire(canonical: Mapping[str, Any], person_id: Callable[[PersonRef], int], *,
                 team_id: int | None = None) -> TeamUpsertRequest:
    """The ``/team/upsert`` body from canonical inputs; ``person_id`` resolves each member."""
    return TeamUpsertRequest(team_name=canonical["team_name"], team_id=team_id, description=canonical["description"],
                             person_ids=resolve_people(canonical["members"], person_id), ref_id=canonical["ref_id"])


def team_from_wire(team: TeamItem, render: Callable[[int], PersonRef]) -> dict[str, Any]:
    """A team read from Flashduty as canonical inputs (``adopt`` False); ``render`` turns a person id
    into a :data:`PersonRef`. Never raises: what the input rules refuse is kept as stored."""
    model = check_stored(TeamArgs, {"team_name": team.team_name, "description": team.description,
                                    "members": [render(pid) for pid in team.person_ids], "ref_id": team.ref_id})
    return unwrap_stored(model.canonical())


class TeamProvider(FlashdutyProvider):
    """Create, read, update and delete a Flashduty team; membership is fully managed."""

    kind = "team"
    compared = ("team_name", "description", "members", "ref_id")

    def check_inputs(self, props: dict[str, Any]) -> tuple[dict[str, Any], list[Failure]]:
        return check_team(props)

    def meaning(self, props: dict[str, Any]) -> dict[str, Any] | None:
        canonical, failures = check_team({key: value for key, value in props.items() if key in TeamArgs.model_fields})
        return None if failures else canonical

    def create_resource(self, inputs: dict[str, Any]) -> CreateResult:
        ids = self.directory.person_ids(team_people(inputs))
        return self.create_or_adopt(
            inputs, name=inputs["team_name"],
            create=lambda: self.client.upsert_team(team_to_wire(inputs, ids.__getitem__)).team_id,
            take_over=lambda team_id: self.client.upsert_team(team_to_wire(inputs, ids.__getitem__, team_id=team_id)),
            outputs=lambda team_id: self._outputs(self.client.get_team(team_id=team_id), inputs),
            remove=lambda team_id: self.client.delete_team(team_id=team_id))

    def read_resource(self, id_: str, previous: dict[str, Any]) -> ReadResult:
        try:
            team = self.client.get_team(team_id=int(id_))
        except NotFound as missing:
            self.confirm_gone(id_, previous.get("team_name", id_), missing, lambda: self._listed(int(id_)))
            return ReadResult(None, {})
        outputs = self._outputs(team, previous)
        return ReadResult(id_, outputs, {key: outputs[key] for key in (*self.compared, "adopt")})

    def update_resource(self, id_: str, inputs: dict[str, Any]) -> UpdateResult:
        ids = self.directory.person_ids(team_people(inputs))
        try:
            self.client.upsert_team(team_to_wire(inputs, ids.__getitem__, team_id=int(id_)))
        except NotFound as missing:
            self.confirm_gone(id_, inputs["team_name"], missing, lambda: self._listed(int(id_)))
            raise FlashdutyError(f"team {inputs['team_name']!r} (team_id {id_}) was deleted outside Pulumi; run "
                                 "`pulumi refresh` and then `pulumi up` to recreate it") from None
        return UpdateResult(self._outputs(self.client.get_team(team_id=int(id_)), inputs))

    def delete_resource(self, id_: str, previous: dict[str, Any]) -> None:
        self.delete_refusing_references(
            id_, previous.get("team_name", id_), lambda: self.client.delete_team(team_id=int(id_), missing_ok=False),
            remedy="delete those or move them to another team first", still_there=lambda: self._listed(int(id_)))

    def _listed(self, team_id: int) -> bool:
        """Whether ``/team/infos`` lists the team: the second answer :meth:`confirm_gone` asks for."""
        return any(item.team_id == team_id for item in self.client.get_teams([team_id]))

    def _outputs(self, team: TeamItem, previous: dict[str, Any]) -> dict[str, Any]:
        """What the server stored, in the program's canonical form, plus the computed outputs."""
        self.directory.emails(team.person_ids)  # looked up first, so that known() can match the program's forms
        forms = self.directory.known(team_people(previous))
        render = self.directory.renderer(team.person_ids, {person_id: ref for ref, person_id in forms.items()})
        return {**team_from_wire(team, render), "adopt": bool(previous.get("adopt", False)),
                "team_id": team.team_id, "person_ids": sorted(team.person_ids)}


class Team(pulumi.dynamic.Resource, module="flashduty", name="Team"):
    """A Flashduty team. Its membership is fully managed: ``members`` replaces the team's member list.

    Outputs: ``team_id`` (int), ``team_name``, ``description``, ``members`` (as written: emails
    and/or person ids), ``person_ids`` (resolved, ints), ``ref_id``.
    """

    team_id: pulumi.Output[int]
    team_name: pulumi.Output[str]
    description: pulumi.Output[str]
    members: pulumi.Output[list]
    person_ids: pulumi.Output[list[int]]
    ref_id: pulumi.Output[str]
    adopt: pulumi.Output[bool]

    def __init__(self, resource_name: str, *, team_name: Input, description: Input = None,
                 members: Sequence[PersonInput] | Input = None, ref_id: Input = None, adopt: bool = False,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        """``adopt=True`` takes over an existing team of the same name instead of failing."""
        props = {"team_name": team_name, "description": description, "members": members, "ref_id": ref_id,
                 "adopt": adopt, "team_id": None, "person_ids": None}
        super().__init__(TeamProvider(), resource_name, to_input(props), opts)

