"""The program side of Team and Schedule, under Pulumi mocks: type tokens, the inputs sent,
``__provider`` (small, by reference, secret-free), secret webhook fields, typed outputs."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta, timezone

import pulumi
import pytest
from pulumi.runtime import rpc

import flashcat_pulumi as fd

SECRET_KEY = "flashduty-app-key-canary-0123456789"


class Mocks(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.registered: dict[str, pulumi.runtime.MockResourceArgs] = {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict]:
        self.registered[args.name] = args
        outputs = dict(args.inputs)
        if args.typ.endswith(":Team"):
            outputs.update(team_id=6000000000001.0, person_ids=[2476444212131.0])
        else:
            outputs.update(schedule_id=6000000000002.0, disabled=False, external_overrides=[],
                           current_oncall={"start": 1.0, "end": 2.0, "person_ids": [2476444212131.0],
                                           "emails": ["alice@example.com"]})
        return f"{args.name}-id", outputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict:
        return {}


@pytest.fixture
def mocks(monkeypatch):
    monkeypatch.setenv("FLASHDUTY_APP_KEY", SECRET_KEY)
    mocks = Mocks()
    pulumi.runtime.set_mocks(mocks, project="flashcat-test", stack="dev", preview=False)
    return mocks


def resolve(*outputs: pulumi.Output) -> list:
    result: list = []
    pulumi.Output.all(*outputs).apply(result.extend)
    return result


def program() -> tuple[fd.Team, fd.Schedule]:
    team = fd.Team("sre", team_name="SRE", members=["alice@example.com", 2476444212132])
    schedule = fd.Schedule(
        "primary", schedule_name="SRE primary", team_id=team.team_id,
        layers=[fd.Layer(layer_start=datetime(2026, 12, 7, 9, tzinfo=timezone.utc),
                         rotation_duration=timedelta(weeks=1), handoff_time="mon 09:00",
                         groups=[fd.Group(people=["alice@example.com"], name="A"), ["bob@example.com"]])],
        overrides=[fd.Override(start="2026-12-24", end="2026-12-26", person="carol@example.com")],
        notify=fd.Notify(advance_in_time="10m",
                         webhooks=[fd.Webhook(type="feishu", token="tok-123", sign_secret="sig-456", alias="ops")]),
    )
    return team, schedule


@pulumi.runtime.test
def test_type_tokens_and_inputs(mocks):
    team, schedule = program()

    def check(_):
        team_args, schedule_args = mocks.registered["sre"], mocks.registered["primary"]
        assert team_args.typ == "pulumi-python:dynamic/flashduty:Team"
        assert schedule_args.typ == "pulumi-python:dynamic/flashduty:Schedule"
        assert team_args.inputs["members"] == ["alice@example.com", 2476444212132]
        layer = schedule_args.inputs["layers"][0]
        assert layer["layer_start"] == "2026-12-07T09:00:00+00:00"  # aware datetime: exact ISO
        assert layer["rotation_duration"] == 604800  # timedelta: seconds
        assert layer["groups"][0] == {"people": ["alice@example.com"], "name": "A"}
        assert schedule_args.inputs["team_id"] == 6000000000001
        assert schedule_args.inputs["overrides"] == [
            {"start": "2026-12-24", "end": "2026-12-26", "person": "carol@example.com"}]

    return pulumi.Output.all(team.urn, schedule.urn).apply(check)


@pulumi.runtime.test
def test_provider_is_small_by_reference_and_secret_free(mocks):
    team, schedule = program()

    def check(_):
        for name in ("sre", "primary"):
            raw = mocks.registered[name].inputs["__provider"]
            assert not rpc.is_rpc_secret(raw)  # nothing secret inside: no need to encrypt it
            assert len(raw) <= 300
            pickled = base64.b64decode(raw)
            assert b"flashcat_pulumi.resources." in pickled  # by reference, not by value
            assert SECRET_KEY.encode() not in pickled

    return pulumi.Output.all(team.urn, schedule.urn).apply(check)


@pulumi.runtime.test
def test_webhook_secrets_are_pulumi_secrets(mocks):
    _, schedule = program()

    def check(_):
        notify = mocks.registered["primary"].inputs["notify"]
        # The SDK marks the whole notify value secret once a nested value is.
        assert rpc.is_rpc_secret(notify)
        webhook = rpc.unwrap_rpc_secret(notify)["webhooks"][0]
        assert (webhook["token"], webhook["sign_secret"]) == ("tok-123", "sig-456")
        assert webhook["alias"] == "ops" and webhook["type"] == "feishu"

    return schedule.urn.apply(check)


@pulumi.runtime.test
def test_outputs_have_their_annotated_types(mocks):
    team, schedule = program()

    def check(values):
        team_id, schedule_id, disabled = values
        assert team_id == 6000000000001 and isinstance(team_id, int)
        assert schedule_id == 6000000000002 and isinstance(schedule_id, int)
        assert disabled is False

    return pulumi.Output.all(team.team_id, schedule.schedule_id, schedule.disabled).apply(check)


def test_naive_datetime_is_refused_with_a_clear_message(mocks):
    with pytest.raises(ValueError, match=r"naive datetime .* is ambiguous"):
        fd.Schedule("bad", schedule_name="x",
                    layers=[fd.Layer(layer_start=datetime(2026, 12, 7, 9), rotation_duration="1d",
                                     groups=[["alice@example.com"]])])
