"""Request validation against the vendor's OpenAPI document: the two relaxations and nothing more,
every path covered, failures named by field path."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from flashcat_pulumi.emulator import openapi
from flashcat_pulumi.emulator.errors import ApiError
from flashcat_pulumi.emulator.server import ROUTES
from tests.emulator.conftest import DAY0, DELETE, changed, layer, notify, schedule_body, webhook

DOCUMENT = openapi.load_document()
PATHS = list(DOCUMENT["paths"])


def example(path: str) -> dict[str, Any]:
    return DOCUMENT["paths"][path]["post"]["requestBody"]["content"]["application/json"]["example"]


def refusal(path: str, body: dict[str, Any]) -> str:
    with pytest.raises(ApiError) as info:
        openapi.check(path, body)
    assert (info.value.status, info.value.code) == (400, "InvalidParameter")
    return info.value.message


UNLISTED = {"/schedule/enable", "/schedule/disable"}
"""The POST routes served that the document does not list (docs/flashduty-api.md §9.4)."""


def test_every_post_route_has_a_request_schema_and_every_documented_path_is_served():
    posts = {path for path, route in ROUTES.items() if route.method == "POST"}
    assert posts - UNLISTED == set(PATHS) and len(PATHS) == 16 and not UNLISTED & set(PATHS)
    for path in PATHS:
        Draft202012Validator.check_schema(openapi.request_schema(openapi.relax(DOCUMENT), path))


@pytest.mark.parametrize("path", sorted(UNLISTED))
def test_unlisted_paths_pass_the_schema_check_to_their_endpoint(path):
    openapi.check(path, {"schedule_ids": "anything: the endpoint checks it"})


@pytest.mark.parametrize("path", ["/schedule/create", "/schedule/preview"])
def test_the_documents_own_schedule_examples_need_exactly_the_two_relaxations(path):
    errors = list(Draft202012Validator(openapi.request_schema(DOCUMENT, path)).iter_errors(example(path)))
    required = [error for error in errors if error.validator == "required"]
    assert {tuple(error.absolute_path) for error in required} == {("layers", 0)}
    missing = {name for error in required for name in error.validator_value if name not in error.instance}
    assert missing == set(openapi.SERVER_ASSIGNED)
    nulls = {openapi.describe(error) for error in errors if error not in required}
    assert nulls == ({"notify.fixed_time: None is not of type 'object'", "notify.webhooks: None is not of type 'array'",
                      "notify.by.personal_channels: None is not of type 'array'"}
                     if path == "/schedule/create" else set())
    openapi.check(path, example(path))  # with the relaxations


@pytest.mark.parametrize("path", PATHS)
def test_every_documented_example_validates(path):
    openapi.check(path, example(path))


def test_the_relaxations_are_exactly_the_documented_two():
    original = DOCUMENT["components"]["schemas"]
    relaxed = openapi.relax(DOCUMENT)["components"]["schemas"]
    differences: list[str] = []

    def compare(before: Any, after: Any, where: str) -> None:
        if isinstance(before, dict) and isinstance(after, dict):
            for key in before.keys() | after.keys():
                if key == "type" and before.get(key) != after.get(key):
                    assert before[key] in ("object", "array") and after[key] == [before[key], "null"], where
                    differences.append(f"{where}: +null")
                elif key == "required" and before.get(key) != after.get(key):
                    differences.append(f"{where}: -{sorted(set(before[key]) - set(after[key]))}")
                else:
                    compare(before.get(key), after.get(key), f"{where}/{key}")
        else:
            assert before == after, where

    compare(original, relaxed, "")
    assert f"/ScheduleLayer: -{sorted(openapi.SERVER_ASSIGNED)}" in differences
    nullable = {d.removesuffix(": +null") for d in differences if d.endswith("+null")}
    assert len(differences) == len(nullable) + 1
    assert {"/ScheduleNotify", "/ScheduleNotify/properties/webhooks", "/ScheduleLayer/properties/groups",
            "/ScheduleDayMask", "/ScheduleUpsertRequest/properties/layers"} <= nullable
    assert "/ScheduleLayer/properties/rotation_unit" not in nullable
    assert openapi.load_document() == DOCUMENT  # the loaded document is left as it was


def test_a_changed_document_makes_the_relaxation_fail_loudly():
    document = copy.deepcopy(DOCUMENT)
    document["components"]["schemas"]["ScheduleLayer"]["required"].remove("create_by")
    with pytest.raises(ValueError, match="ScheduleLayer no longer requires create_by"):
        openapi.relax(document)


@pytest.mark.parametrize(("changes", "message"), [
    ({"layers.0.name": DELETE}, "layers[0]: name is required"),
    ({"layers.0.groups.0.group_name": DELETE}, "layers[0].groups[0]: group_name is required"),
    ({"layers.0.groups.0.end": DELETE}, "layers[0].groups[0]: end is required"),
    ({"notify": notify(), "notify.fixed_time": DELETE}, "notify: fixed_time is required"),
    ({"notify": notify(webhooks=[webhook("zoom", token="t")]), "notify.webhooks.0.settings.verify_token": DELETE},
     "notify.webhooks[0].settings: verify_token is required"),
    ({"layers.0.rotation_unit": "fortnight"},
     "layers[0].rotation_unit: 'fortnight' is not one of ['hour', 'day', 'week', 'month']"),
    ({"layers.0.restrict_mode": 5}, "layers[0].restrict_mode: 5 is not one of [0, 1, 2]"),
    ({"layers.0.hidden": "no"}, "layers[0].hidden: 'no' is not of type 'integer'"),
    ({"layers.0.fair_rotation": 0}, "layers[0].fair_rotation: 0 is not of type 'boolean'"),
    ({"layers.0.groups.0.members.0.person_ids.0": "2476444212131"},
     "layers[0].groups[0].members[0].person_ids[0]: '2476444212131' is not of type 'integer'"),
    ({"layers.0.rotation_value": None}, "layers[0].rotation_value: None is not of type 'integer'"),
    ({"schedule_name": None}, "schedule_name: None is not of type 'string'"),
])
def test_missing_fields_wrong_enums_and_wrong_types_are_named_by_path(changes, message):
    body = schedule_body()
    for path, value in changes.items():
        body = changed(body, path, value)
    assert refusal("/schedule/create", body) == message


def test_null_is_accepted_for_arrays_and_objects_only():
    body = schedule_body(notify=notify(fixed_time=None, by=None, webhooks=None, im=None),
                         layers=[layer(day_mask=None, restrict_periods=None, layer_end=None)])
    openapi.check("/schedule/create", body)
    openapi.check("/schedule/list", {"team_ids": None})
    openapi.check("/team/upsert", {"team_name": "SRE", "person_ids": None, "emails": None})
    assert refusal("/team/upsert", {"team_name": None}) == "team_name: None is not of type 'string'"
    assert refusal("/schedule/info", {"schedule_id": None, "start": DAY0, "end": DAY0 + 1}) == (
        "schedule_id: None is not of type 'integer'")


def test_unknown_fields_are_ignored():
    body = {**schedule_body(), "status": 0, "colour": "red",
            "layers": [layer(note={"any": "thing"}, groups=[{**layer()["groups"][0], "extra": [1]}])]}
    openapi.check("/schedule/create", body)
    openapi.check("/team/upsert", {"team_name": "SRE", "owner": "me"})
    openapi.check("/member/info", {"anything": True})


def test_long_values_are_cut_short_in_messages():
    message = refusal("/team/upsert", {"team_name": "x" * 1000})
    assert message == f"team_name: '{'x' * 56}... is too long"
    assert refusal("/schedule/create", {"layers": {"k": "v" * 100}}).startswith("layers: {'k': 'vvv")
    assert len(refusal("/schedule/create", {"layers": {"k": "v" * 100}})) < 120
