"""The dynamic provider behind :class:`flashcat_pulumi.Schedule`.

Updates are read-modify-write: override layers found on the server that the program does not
declare (made in the web console for sick leave or a swap) are sent back unchanged, and they are
not part of the canonical form, so they never show up as drift. Declared overrides are stored as
layers named ``"pulumi: <name>"``, which is how they are told apart.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from pulumi.dynamic import CheckFailure, CheckResult, CreateResult, ReadResult, UpdateResult
from pulumi.runtime.rpc import wrap_rpc_secret

from flashcat_pulumi.errors import AlreadyExists, FlashdutyError, NotFound, ReferenceExist
from flashcat_pulumi.models.spec import check_schedule, schedule_from_wire, schedule_people, schedule_to_wire
from flashcat_pulumi.providers.base import FlashdutyProvider, plain
from flashcat_pulumi.wire import ScheduleItem as Schedule
from flashcat_pulumi.wire import ScheduleLayer
from flashcat_pulumi.wire import ScheduleOncallGroup as OncallShift

__all__ = ["ScheduleProvider"]

WEBHOOK_SECRETS = ("token", "sign_secret", "verify_token")


class ScheduleProvider(FlashdutyProvider):
    """Create, read, update and delete a Flashduty schedule."""

    # time_zone only says how wall-clock inputs were read; the layers' epochs carry any real change.
    compared = ("schedule_name", "description", "team_id", "layers", "overrides", "notify")

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        canonical, failures = check_schedule(plain(news), default_time_zone=self.settings.time_zone)
        return CheckResult(canonical, [CheckFailure(f.path, f.reason) for f in failures])

    def create(self, props: dict[str, Any]) -> CreateResult:
        spec = plain(props)
        person_id = self._resolver(spec)
        adopted = False
        try:
            schedule_id = self.client.create_schedule(schedule_to_wire(spec, person_id))
        except AlreadyExists as exists:
            if not spec.get("adopt"):
                raise FlashdutyError(
                    f"a Flashduty schedule named {exists.name!r} already exists (schedule_id "
                    f"{exists.existing_id}); set adopt=True on this Schedule to manage it, or choose another "
                    "schedule_name") from None
            schedule_id, adopted = exists.existing_id, True
            self._write(schedule_id, spec, person_id)
        try:
            outputs = self._outputs(self.client.get_schedule(schedule_id), spec)
        except Exception:
            if not adopted:  # leave no half-made object behind
                with contextlib.suppress(FlashdutyError):
                    self.client.delete_schedules([schedule_id])
            raise
        return CreateResult(str(schedule_id), _with_secrets(outputs))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        previous = plain(props)
        try:
            schedule = self.client.get_schedule(int(id_))
        except NotFound:
            return ReadResult(None, {})
        outputs = self._outputs(schedule, previous)
        inputs = {key: outputs[key] for key in (*self.compared, "time_zone", "adopt")}
        return ReadResult(id_, _with_secrets(outputs), _with_secrets(inputs))

    def update(self, id_: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        spec = plain(news)
        self._write(int(id_), spec, self._resolver(spec))
        return UpdateResult(_with_secrets(self._outputs(self.client.get_schedule(int(id_)), spec)))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        try:
            self.client.delete_schedules([int(id_)])
        except ReferenceExist as refused:
            users = ", ".join(map(str, refused.refs)) or "other Flashduty objects"
            raise FlashdutyError(
                f"cannot delete schedule {props.get('schedule_name', id_)!r} (schedule_id {id_}): it is still "
                f"used by {users}; remove it from those first (request_id: {refused.request_id or 'none'})") from None

    def _resolver(self, spec: dict[str, Any]) -> Callable[[Any], int]:
        """Resolve every person of the spec up front, so an unknown email fails before any write."""
        return self.directory.person_ids(schedule_people(spec)).__getitem__

    def _write(self, schedule_id: int, spec: dict[str, Any], person_id: Callable[[Any], int]) -> None:
        """Read-modify-write: send the whole schedule, keeping the override layers the program does not manage."""
        try:
            current = self.client.get_schedule(schedule_id)
        except NotFound:
            raise FlashdutyError(f"schedule {spec.get('schedule_name')!r} (schedule_id {schedule_id}) was deleted "
                                 "outside Pulumi; run `pulumi refresh` and then `pulumi up` to recreate it") from None
        _, unmanaged = schedule_from_wire(current, lambda pid: pid, time_zone=spec["time_zone"])
        self.client.update_schedule(schedule_to_wire(spec, person_id, schedule_id=schedule_id,
                                                     keep_layers=unmanaged))

    def _outputs(self, schedule: Schedule, previous: dict[str, Any]) -> dict[str, Any]:
        """What the server stored, in the program's canonical form, plus the computed outputs."""
        time_zone = previous.get("time_zone") or self.settings.time_zone
        on_call = [shift for shift in (schedule.cur_oncall, schedule.next_oncall) if shift is not None]
        everyone = {pid for layer in schedule.layers for group in layer.groups for pid in group.person_ids}
        everyone.update(pid for shift in on_call for pid in shift.group.person_ids)
        render = self.directory.renderer(everyone, schedule_people(previous))
        canonical, unmanaged = schedule_from_wire(schedule, render, time_zone=time_zone)
        return {**canonical, "adopt": bool(previous.get("adopt", False)), "schedule_id": schedule.schedule_id,
                "disabled": bool(schedule.disabled),
                "current_oncall": self._on_call(schedule.cur_oncall),
                "next_oncall": self._on_call(schedule.next_oncall),
                "external_overrides": [_external(layer, render) for layer in unmanaged]}

    def _on_call(self, shift: OncallShift | None) -> dict[str, Any] | None:
        if shift is None:
            return None
        people = shift.group.person_ids
        emails = self.directory.emails(people)
        return {"start": shift.start, "end": shift.end, "person_ids": people,
                "emails": [emails[pid] for pid in people if pid in emails]}


def _external(layer: ScheduleLayer, render: Callable[[int], Any]) -> dict[str, Any]:
    """An override layer made outside Pulumi, shown as an output (it is preserved, never reported as drift)."""
    people = [render(pid) for group in layer.groups for pid in group.person_ids]
    return {"name": layer.layer_name, "start": layer.start, "end": layer.end, "person_ids": people}


def _with_secrets(values: dict[str, Any]) -> dict[str, Any]:
    """Webhook tokens and signing secrets go to state as Pulumi secrets."""
    notify = values.get("notify")
    if not notify or not notify.get("webhooks"):
        return values
    webhooks = [{key: wrap_rpc_secret(value) if key in WEBHOOK_SECRETS and value else value
                 for key, value in webhook.items()} for webhook in notify["webhooks"]]
    return {**values, "notify": {**notify, "webhooks": webhooks}}
