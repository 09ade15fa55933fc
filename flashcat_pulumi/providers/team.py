"""The dynamic provider behind :class:`flashcat_pulumi.Team`."""

from __future__ import annotations

import contextlib
from typing import Any

from pulumi.dynamic import CheckFailure, CheckResult, CreateResult, ReadResult, UpdateResult

from flashcat_pulumi.errors import AlreadyExists, FlashdutyError, NotFound, ReferenceExist
from flashcat_pulumi.models.spec import check_team, team_from_wire, team_people, team_to_wire
from flashcat_pulumi.providers.base import FlashdutyProvider, plain
from flashcat_pulumi.wire import TeamItem as Team

__all__ = ["TeamProvider"]


class TeamProvider(FlashdutyProvider):
    """Create, read, update and delete a Flashduty team; membership is fully managed."""

    compared = ("team_name", "description", "members", "ref_id")

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        canonical, failures = check_team(plain(news))
        return CheckResult(canonical, [CheckFailure(f.path, f.reason) for f in failures])

    def create(self, props: dict[str, Any]) -> CreateResult:
        spec = plain(props)
        ids = self.directory.person_ids(team_people(spec))
        adopted = False
        try:
            team_id = self.client.upsert_team(team_to_wire(spec, ids.__getitem__)).team_id
        except AlreadyExists as exists:
            if not spec.get("adopt"):
                raise FlashdutyError(
                    f"a Flashduty team named {exists.name!r} already exists (team_id {exists.existing_id}); "
                    "set adopt=True on this Team to manage it, or choose another team_name") from None
            team_id, adopted = exists.existing_id, True
            self.client.upsert_team(team_to_wire(spec, ids.__getitem__, team_id=team_id))
        try:
            outputs = self._outputs(self.client.get_team(team_id=team_id), spec)
        except Exception:
            if not adopted:  # leave no half-made object behind
                with contextlib.suppress(FlashdutyError):
                    self.client.delete_team(team_id=team_id)
            raise
        return CreateResult(str(team_id), outputs)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        previous = plain(props)
        try:
            team = self.client.get_team(team_id=int(id_))
        except NotFound:
            return ReadResult(None, {})
        outputs = self._outputs(team, previous)
        return ReadResult(id_, outputs, {key: outputs[key] for key in (*self.compared, "adopt")})

    def update(self, id_: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        spec = plain(news)
        ids = self.directory.person_ids(team_people(spec))
        self.client.upsert_team(team_to_wire(spec, ids.__getitem__, team_id=int(id_)))
        return UpdateResult(self._outputs(self.client.get_team(team_id=int(id_)), spec))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        try:
            self.client.delete_team(team_id=int(id_))
        except ReferenceExist as refused:
            users = ", ".join(map(str, refused.refs)) or "other Flashduty objects"
            raise FlashdutyError(
                f"cannot delete team {props.get('team_name', id_)!r} (team_id {id_}): it is still used by "
                f"{users}; delete those or move them to another team first "
                f"(request_id: {refused.request_id or 'none'})") from None

    def _outputs(self, team: Team, previous: dict[str, Any]) -> dict[str, Any]:
        """What the server stored, in the program's canonical form, plus the computed outputs."""
        render = self.directory.renderer(team.person_ids, team_people(previous))
        canonical = team_from_wire(team, render)
        return {**canonical, "adopt": bool(previous.get("adopt", False)), "team_id": team.team_id,
                "person_ids": sorted(team.person_ids)}
