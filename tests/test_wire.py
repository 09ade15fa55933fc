"""flashcat_pulumi.wire: responses parse leniently (nulls, legacy fields, other clients' shapes);
requests are strict and complete, and every body the client builds validates against the vendor's
own OpenAPI document, with no relaxation beyond the two it is known to need (docs/flashduty-api.md §12.4)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from pydantic import ValidationError

from flashcat_pulumi.wire import (
    ScheduleGroup,
    ScheduleImNotify,
    ScheduleItem,
    ScheduleLayer,
    ScheduleMember,
    ScheduleNotify,
    ScheduleUpsertRequest,
    TeamUpsertRequest,
    rotation_unit_of,
)

DOCUMENT = json.loads((Path(__file__).resolve().parents[1] / "flashcat_pulumi" / "emulator" /
                       "openapi.subset.json").read_text())
SERVER_ASSIGNED = {"account_id", "schedule_id", "create_at", "create_by", "update_at", "update_by"}


def request_validator(path: str) -> Draft202012Validator:
    """The document's request schema for ``path``, strict except for the server-assigned layer fields
    (they are in ``ScheduleLayer.required`` because requests reuse the response schema)."""
    components = json.loads(json.dumps(DOCUMENT["components"]))
    layer = components["schemas"]["ScheduleLayer"]
    layer["required"] = [name for name in layer["required"] if name not in SERVER_ASSIGNED]
    schema = DOCUMENT["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
    return Draft202012Validator({**schema, "components": components})


def group(name: str, *person_ids: int, role_id: int = 0) -> ScheduleGroup:
    return ScheduleGroup(group_name=name, members=[ScheduleMember(role_id=role_id, person_ids=list(person_ids))])


def nullable_document_errors(body: dict, path: str) -> list[str]:
    """Schema errors other than a null where an object or array is declared (the documented exception)."""
    return [f"{list(error.absolute_path)}: {error.message}" for error in request_validator(path).iter_errors(body)
            if not (error.validator == "type" and error.instance is None)]


def test_a_minimal_schedule_becomes_a_complete_body_that_the_document_accepts():
    request = ScheduleUpsertRequest(schedule_name="SRE", layers=[
        ScheduleLayer(layer_name="daily", layer_start=1796605200, rotation_duration=86400, groups=[group("A", 1)]),
        ScheduleLayer(layer_name="cover", mode=1, layer_start=1796605200, layer_end=1796691600,
                      groups=[group("X", 2)])])
    body = request.to_wire()
    assert nullable_document_errors(body, "/schedule/create") == []
    daily, cover = body["layers"]
    assert daily == {
        "layer_name": "daily", "name": "daily", "mode": 0, "weight": 0, "hidden": 0,
        "groups": [{"group_name": "A", "name": "A", "members": [{"role_id": 0, "person_ids": [1]}], "start": 0,
                    "end": 0}],
        "rotation_unit": "day", "rotation_value": 1, "rotation_duration": 86400, "handoff_time": 0,
        "fair_rotation": False, "layer_start": 1796605200, "enable_time": 1796605200, "layer_end": None,
        "expire_time": 0, "restrict_mode": 0, "restrict_periods": [], "restrict_start": 0, "restrict_end": 0,
        "day_mask": None, "mask_continuous_enabled": False}
    # An override has one group: any rotation gives it the whole span, and the document wants one.
    assert (cover["weight"], cover["rotation_unit"], cover["rotation_value"], cover["expire_time"]) \
        == (1, "day", 1, 1796691600)


def test_a_layer_read_from_the_server_keeps_its_weight_and_loses_server_fields():
    stored = ScheduleLayer.model_validate({"layer_name": "UI", "mode": 1, "weight": 7, "account_id": 3,
                                           "schedule_id": 4, "create_at": 5, "enable_time": 10, "expire_time": 20,
                                           "groups": [{"group_name": "x", "members": [{"person_ids": [1]}]}]})
    sent = ScheduleUpsertRequest(layers=[stored]).to_wire()["layers"][0]
    assert sent["weight"] == 7 and not SERVER_ASSIGNED & set(sent)
    assert (sent["layer_start"], sent["layer_end"]) == (10, 20)


def test_notify_is_sent_complete():
    notify = ScheduleNotify.model_validate({"advance_in_time": 300, "webhooks": [{"type": "feishu", "token": "t"}]})
    body = ScheduleUpsertRequest(schedule_name="x", layers=[ScheduleLayer(
        layer_start=1, rotation_unit="month", rotation_value=2, groups=[group("A", 1)])], notify=notify).to_wire()
    assert body["notify"] == {"advance_in_time": 300, "fixed_time": None,
                              "by": {"follow_preference": False, "personal_channels": []},
                              "webhooks": [{"type": "feishu", "settings": {
                                  "token": "t", "alias": "", "data_source_id": 0, "chat_ids": [], "verify_token": "",
                                  "sign_secret": ""}}]}
    assert body["layers"][0]["rotation_duration"] == 0  # months differ in length
    assert nullable_document_errors(body, "/schedule/create") == []


@pytest.mark.parametrize(("seconds", "unit"), [(3600, ("hour", 1)), (129600, ("hour", 36)), (2 * 86400, ("day", 2)),
                                               (14 * 86400, ("week", 2)), (30 * 86400, ("day", 30))])
def test_rotation_units(seconds, unit):
    assert rotation_unit_of(seconds) == unit


def test_a_rotation_that_no_unit_states_is_refused():
    with pytest.raises(ValueError, match="5400 seconds is not a whole number of hours"):
        ScheduleUpsertRequest(layers=[ScheduleLayer(layer_start=1, rotation_duration=5400,
                                                    groups=[group("A", 1)])]).to_wire()
    with pytest.raises(ValueError, match="layer 'x' has no rotation"):
        ScheduleUpsertRequest(layers=[ScheduleLayer(layer_name="x", layer_start=1, groups=[group("A", 1)])]).to_wire()


def test_requests_refuse_unknown_fields():
    with pytest.raises(ValidationError, match="schedule_nmae"):
        ScheduleUpsertRequest.model_validate({"schedule_nmae": "x"})
    with pytest.raises(ValidationError, match="member_ids"):
        TeamUpsertRequest.model_validate({"team_name": "x", "member_ids": [1]})
    assert TeamUpsertRequest(team_name="x", country_code="86").to_wire() == {"team_name": "x", "countryCode": "86"}


def test_responses_are_lenient():
    item = ScheduleItem.model_validate({"id": "12", "name": "legacy", "group_id": 5.0, "layers": None,
                                        "layer_schedules": [{"schedules": None}], "notify": {"webhooks": None},
                                        "unknown_field": 1})
    assert (item.schedule_id, item.schedule_name, item.team_id) == (12, "legacy", 5)
    assert item.layers == [] and item.schedule_layers[0].schedules == [] and item.notify.webhooks == []


def test_other_clients_webhook_shapes_are_read():
    flat = ScheduleImNotify.model_validate({"type": "dingtalk", "name": "ops", "url": "https://robot"})  # Go SDK
    assert flat.settings.token == "https://robot"
    older = ScheduleImNotify.model_validate({"type": "feishu_app", "settings": {"integration_id": 9}})  # APIS
    assert older.settings.data_source_id == 9


def test_layer_accessors_read_legacy_fields():
    layer = ScheduleLayer.model_validate({"name": "old", "enable_time": 10, "expire_time": 0, "rotation_unit": "week",
                                          "rotation_value": 2, "rotation_duration": 1})
    assert (layer.display_name, layer.start, layer.end, layer.period) == ("old", 10, None, 2 * 604800)
    assert ScheduleLayer(rotation_unit="month", rotation_value=1).period is None


def test_advance_in_time_absent_and_zero_stay_apart():
    # Absent turns the reminder off, 0 reminds at the hand-off (docs/flashduty-api.md §14).
    absent, zero = ScheduleNotify.model_validate({}), ScheduleNotify.model_validate({"advance_in_time": 0})
    assert (absent.advance_in_time, zero.advance_in_time) == (None, 0)
    assert "advance_in_time" not in absent.request_body() and zero.request_body()["advance_in_time"] == 0
    body = ScheduleUpsertRequest(schedule_name="x", layers=[ScheduleLayer(
        layer_start=1, rotation_duration=3600, groups=[group("A", 1)])], notify=absent).to_wire()
    assert "advance_in_time" not in body["notify"] and nullable_document_errors(body, "/schedule/create") == []


def test_a_unit_the_client_does_not_know_is_read_but_not_written():
    layer = ScheduleLayer.model_validate({"layer_name": "m", "rotation_unit": "minute", "rotation_value": 30,
                                          "rotation_duration": 1800, "groups": [{"group_name": "A"}]})
    assert (layer.rotation_unit, layer.period) == ("minute", None)
    with pytest.raises(ValueError, match="layer 'm' has rotation_unit 'minute'"):
        layer.request_body(weight=0)
    override = layer.model_copy(update={"mode": 1})
    assert override.request_body(weight=0)["rotation_unit"] == "day"  # an override's rotation does not matter
    # Go's zero values ("" and 0) mean no unit: the duration is the rotation.
    assert ScheduleLayer.model_validate({"rotation_unit": "", "rotation_value": 0, "rotation_duration": 7200}).period \
        == 7200


def test_disabled_falls_back_to_the_legacy_status():
    def disabled(**fields):
        return ScheduleItem.model_validate(fields).disabled
    assert (disabled(status=1), disabled(status="1"), disabled(status=0), disabled()) == (1, 1, 0, 0)
    assert disabled(disabled=0, status=1) == 0  # disabled, when present, wins
    assert disabled(disabled=None, status="enabled") == 0  # a status that is not a number says nothing


def test_numbers_are_read_where_text_is_declared():
    notify = ScheduleNotify.model_validate({"webhooks": [{"type": "feishu_app", "settings": {"chat_ids": [123]}}]})
    assert notify.webhooks[0].settings.chat_ids == ["123"]
