"""flashcat_pulumi.wire against bodies from Flashcat's own repositories and documents
(tests/fixtures/official; provenance in its README) and against the variants derived from them,
which hold what a real server may store although this provider never writes it.

Every file parses with the model for its kind (named by the file: ``[variant_]<kind>[_detail].json``)
and its key values come out right; every stored layer can be written back as a request layer, or is
refused with a ``ValueError`` that says why (listed in ``UNWRITABLE``)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from flashcat_pulumi.wire import (
    DAY,
    UNIT_SECONDS,
    Envelope,
    MemberInfoResponse,
    MemberItem,
    PersonItem,
    ScheduleImNotifySettings,
    ScheduleItem,
    ScheduleUpsertRequest,
    TeamItem,
    TeamUpsertRequest,
    TeamUpsertResponse,
)

OFFICIAL = Path(__file__).resolve().parent / "fixtures" / "official"
FILES = sorted(path.relative_to(OFFICIAL).as_posix() for path in OFFICIAL.rglob("*.json"))
ENVELOPE_KEYS = {"request_id", "data", "error"}


def load(name: str) -> Any:
    return json.loads((OFFICIAL / name).read_text())


def payload(raw: dict[str, Any]) -> Any:
    """An envelope's ``data`` (the envelope must say success), or the body itself if it has no envelope
    (request bodies, the CLI's stub data)."""
    if not ENVELOPE_KEYS & raw.keys():
        return raw
    envelope = Envelope.model_validate(raw)
    assert envelope.error is None or envelope.error.is_success, envelope.error
    return envelope.data


def one(model: type[BaseModel]) -> Callable[[dict[str, Any]], Any]:
    """The envelope's data as ``model``; ``None`` where the server answered ``data: null`` (not found)."""
    def parse(raw: dict[str, Any]) -> Any:
        data = payload(raw)
        return None if data is None else model.model_validate(data)
    return parse


def items(model: type[BaseModel]) -> Callable[[dict[str, Any]], list[Any]]:
    def parse(raw: dict[str, Any]) -> list[Any]:
        return [model.model_validate(item) for item in payload(raw).get("items") or []]
    return parse


# A request body for a schedule has the shape of the detail model ("the same shape as the schedule
# detail model", docs §8), so it is read with ScheduleItem; the strict request model is tested below.
KINDS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "schedule_create_request": ScheduleItem.model_validate,
    "schedule_update_request": ScheduleItem.model_validate,
    "schedule_preview_request": ScheduleItem.model_validate,
    "schedule_info_response": one(ScheduleItem),
    "schedule_preview_response": one(ScheduleItem),
    "schedule_create_response": one(ScheduleItem),
    "schedule_update_response": payload,
    "schedule_list_response": items(ScheduleItem),
    "schedule_infos_response": items(ScheduleItem),
    "schedule_self_response": items(ScheduleItem),
    "team_info_response": one(TeamItem),
    "team_infos_response": items(TeamItem),
    "team_list_response": items(TeamItem),
    "team_upsert_response": one(TeamUpsertResponse),
    "team_upsert_request": TeamUpsertRequest.model_validate,
    "member_list_response": items(MemberItem),
    "member_info_response": one(MemberInfoResponse),
    "person_infos_response": items(PersonItem),
}


def kind_of(name: str) -> str:
    stem = Path(name).stem.removeprefix("variant_")
    (kind,) = [kind for kind in KINDS if stem == kind or stem.startswith(kind + "_")]
    return kind


def parse(name: str) -> Any:
    return KINDS[kind_of(name)](load(name))


def schedules(name: str) -> list[ScheduleItem]:
    parsed = parse(name)
    return [item for item in (parsed if isinstance(parsed, list) else [parsed]) if isinstance(item, ScheduleItem)]


# --- what each file must yield -----------------------------------------------------------------

def info_summary(s: ScheduleItem) -> tuple:
    """The values of the EN /schedule/info example (also what its variants must still yield)."""
    layer, notify = s.layers[0], s.notify
    webhook = notify.webhooks[0]
    return (s.schedule_id, s.schedule_name, s.team_id, s.description, s.disabled, s.account_id, len(s.layers),
            layer.display_name, layer.mode, layer.period, layer.start, layer.end, layer.weight,
            [group.person_ids for group in layer.groups], layer.day_mask.repeat, layer.fair_rotation,
            len(s.schedule_layers), len(s.schedule_layers[0].schedules), len(s.final_schedule.schedules),
            s.cur_oncall.start, s.next_oncall.group.person_ids,
            notify.advance_in_time, notify.by.personal_channels,
            webhook.type, webhook.settings.data_source_id, webhook.settings.chat_ids)


INFO = (5789640530410, "test-000001", 4291079133131, "abc", 0, 2451002751131, 1,
        "Layer 1", 0, 86400, 1767542400, None, 0,
        [[3122470302131], [2659460982131]], [1, 2, 3, 4, 5], False,
        1, 2, 1,
        1775972040, [3122470302131],
        300, ["email"],
        "feishu_app", 5427276014131, ["oc_60a6dc4c6e4e5cbc4934ef08aa7ff76d"])


def layers_of(s: ScheduleItem) -> list[tuple]:
    return [(layer.display_name, layer.mode, layer.weight, layer.rotation_unit, layer.rotation_value, layer.period)
            for layer in s.layers]


def rotation_written(s: ScheduleItem) -> list[tuple]:
    return [(body["rotation_unit"], body["rotation_value"], body["rotation_duration"], body["weight"])
            for body in (layer.request_body(weight=0) for layer in s.layers)]


def notify_written(s: ScheduleItem) -> dict[str, Any]:
    return s.notify.request_body()


def webhooks_of(s: ScheduleItem) -> list[tuple]:
    return [(w.type, w.settings.token, w.settings.alias, w.settings.data_source_id, w.settings.chat_ids)
            for w in s.notify.webhooks]


def teams_of(teams: list[TeamItem]) -> list[tuple]:
    return [(t.team_id, t.team_name, t.person_ids, t.status, t.account_id, t.created_at) for t in teams]


def members_of(members: list[MemberItem]) -> list[tuple]:
    return [(m.member_id, m.member_name, m.status, m.account_role_ids, m.phone_verified, m.email_verified,
             m.created_at) for m in members]


def persons_of(persons: list[PersonItem]) -> list[tuple]:
    return [(p.person_id, p.person_name, p.as_, p.email, p.phone_verified, p.email_verified) for p in persons]


def list_items(s: list[ScheduleItem]) -> list[tuple]:
    return [(i.schedule_id, i.schedule_name, i.team_id, i.disabled, i.layers, i.notify.advance_in_time,
             i.notify.by.follow_preference, i.notify.by.personal_channels) for i in s]


BACKEND_SRE = (1001, "Backend SRE", [80011], "enabled", 10023, 1710000000)
MEMBERS = [(5068740052131, "Bob", "enabled", [2, 6], True, True, 1752030749),
           (2476444212131, "Alice", "enabled", [6], True, True, 1701399971)]
PERSONS = [(2476444212131, "Alice", "member", "alice@example.com", False, True),
           (3790925372131, "Bob", "member", "bob@example.com", False, True)]
MEMBER_INFO = (2476444212131, "Alice", 2451002751131, "Acme Corp", [6], "acme", True, 1701399971)


def member_info(m: MemberInfoResponse) -> tuple:
    return (m.member_id, m.member_name, m.account_id, m.account_name, m.account_role_ids, m.domain,
            m.email_verified, m.created_at)


SPOT_CHECKS: dict[str, tuple[Callable[[Any], Any], Any]] = {
    # --- the EN OpenAPI document's examples
    "openapi/schedule_info_response.json": (info_summary, INFO),
    "openapi/schedule_list_response.json": (list_items, [
        (5789640530410, "test-000001", 4291079133131, 0, [], 300, False, ["email"]),
        (5432326025106, "test-2509300001", 2477033058131, 0, [], 300, True, [])]),
    "openapi/schedule_infos_response.json": (list_items, [
        (5789640530410, "test-000001", 4291079133131, 0, [], 300, False, ["email"])]),
    # No advance_in_time in this example: no reminder, not a reminder at the hand-off.
    "openapi/schedule_self_response.json": (
        lambda s: [(i.schedule_id, i.schedule_name, layers_of(i), i.layers[0].start, i.notify.advance_in_time,
                    i.notify.by) for i in s],
        [(2539108069860, "Open Source Q&A", [("Rule 1", 0, 0, "day", 1, 86400)], 1702623874, None, None)]),
    "openapi/schedule_preview_response.json": (
        lambda s: (s.schedule_id, s.schedule_name, s.team_id, s.disabled, s.notify, s.cur_oncall, s.start, s.end,
                   layers_of(s), len(s.layers[0].groups), len(s.schedule_layers[0].schedules)),
        (0, "", None, 0, None, None, 1775980800, 1776240000, [("Layer 1", 0, 0, "day", 1, 86400)], 2, 2)),
    "openapi/schedule_create_response.json": (lambda s: s.schedule_id, 6294534917601),
    "openapi/schedule_update_response.json": (lambda data: data, {}),
    "openapi/schedule_create_request.json": (
        lambda s: (s.schedule_name, s.team_id, layers_of(s), s.layers[0].start,
                   [g.display_name for g in s.layers[0].groups], notify_written(s)),
        ("Production On-Call", 4291079133131, [("Layer 1", 0, 0, "day", 1, 86400)], 1712000000, ["A", "B"],
         {"advance_in_time": 300, "fixed_time": None, "by": {"follow_preference": True, "personal_channels": []},
          "webhooks": []})),
    "openapi/schedule_update_request.json": (
        lambda s: (s.schedule_id, s.schedule_name, s.description, s.team_id, s.layers, s.notify),
        (2001, "Production On-Call (Updated)", "Updated primary on-call rotation", 4291079133131, [], None)),
    "openapi/schedule_preview_request.json": (
        lambda s: (s.schedule_name, layers_of(s), s.start, s.end, s.notify),
        ("Preview Schedule", [("Layer 1", 0, 0, "day", 1, 86400)], 1712000000, 1712086400, None)),
    "openapi/team_info_response.json": (
        lambda t: (t.team_id, t.team_name, t.person_ids, t.status, t.creator_name, t.updated_by, t.ref_id),
        (1001, "Backend SRE", [80011, 80012], "enabled", "alice", 80011, "")),
    "openapi/team_infos_response.json": (
        lambda teams: [(t.team_id, t.team_name, t.person_ids) for t in teams],
        [(1001, "Backend SRE", [80011, 80012]), (1002, "Frontend", [80013])]),
    "openapi/team_list_response.json": (teams_of, [BACKEND_SRE]),
    "openapi/team_upsert_response.json": (lambda t: (t.team_id, t.team_name), (1001, "Backend SRE")),
    "openapi/team_upsert_request.json": (
        lambda t: t.to_wire(),
        {"team_name": "Backend SRE", "description": "Backend reliability engineering team",
         "person_ids": [80011, 80012]}),
    "openapi/member_list_response.json": (members_of, MEMBERS),
    "openapi/member_info_response.json": (member_info, MEMBER_INFO),
    "openapi/person_infos_response.json": (persons_of, PERSONS),
    # --- flashcatcloud/apis (the Apifox-era document)
    "apis/schedule_info_response.json": (
        lambda s: (s.schedule_id, s.layers, s.cur_oncall.start, s.cur_oncall.group.person_ids,
                   s.cur_oncall.group.start, s.next_oncall.update_at),
        (0, [], 1722500940, [2715149662131], 0, 1720159704)),
    "apis/schedule_infos_response.json": (list_items, [
        (2721315060917, "test001", 2477033058131, 0, [], 0, False, []),
        (2862209469733, "test-Unisplendour Cloud", 2477033058131, 0, [], 0, True, [])]),
    # Success with error.code "" and an id of 0 (docs §14: a 0 is no schedule; the client must say so).
    "apis/schedule_create_response.json": (lambda s: s.schedule_id, 0),
    # Success as {"error": {"code": "0"}}, no request_id and no data.
    "apis/schedule_update_response.json": (lambda data: data, None),
    # --- flashcatcloud/flashduty-sdk (mock bodies of its tests)
    "flashduty-sdk/schedule_list_response_with_slots.json": (
        lambda s: [(i.schedule_id, i.schedule_name, i.final_schedule.layer_name, i.final_schedule.mode,
                    [(x.start, x.group.person_ids, x.group.members[0].role_id) for x in i.final_schedule.schedules],
                    i.cur_oncall.group.person_ids, i.next_oncall.group.display_name, i.next_oncall.index)
                   for i in s],
        [(5, "primary", "final", 1, [(1713225600, [7, 8], 1)], [7, 8], "night", 1)]),
    "flashduty-sdk/schedule_info_response_oncall_snapshot.json": (
        lambda s: (s.schedule_id, s.final_schedule.schedules, s.cur_oncall.group.display_name,
                   s.cur_oncall.group.person_ids, s.next_oncall, s.notify),
        (5, [], "day", [7], None, None)),
    "flashduty-sdk/team_infos_response.json": (
        lambda teams: [(t.team_id, t.team_name, t.person_ids) for t in teams], [(101, "alpha", [1])]),
    "flashduty-sdk/team_list_response_empty.json": (lambda teams: teams, []),
    "flashduty-sdk/person_infos_response.json": (
        lambda persons: [(p.person_id, p.person_name, p.email, p.as_) for p in persons],
        [(1, "Ada", "ada@example.com", "")]),
    "flashduty-sdk/person_infos_response_names_only.json": (
        lambda persons: [(p.person_id, p.person_name) for p in persons], [(7, "Ada"), (8, "Grace")]),
    # --- flashcatcloud/flashduty-cli
    "cli/member_list_response_stub_data.json": (
        lambda members: [(m.member_id, m.member_name, m.time_zone) for m in members],
        [(100, "Alice", "Asia/Shanghai"), (200, "Bob", "UTC")]),
    # layer_name and the legacy name differ here; the display name is layer_name.
    "cli/schedule_create_request_skill_doc.json": (
        lambda s: (layers_of(s), s.layers[0].name, s.layers[0].start, s.layers[0].end, s.layers[0].day_mask.repeat,
                   [(g.display_name, g.start, g.person_ids) for g in s.layers[0].groups]),
        ([("Week rotation", 0, 1, "week", 1, 604800)], "layer_1", 1700000000, None, [1, 2, 3, 4, 5],
         [("Group A", 1700000000, [1])])),
    # --- flashcatcloud/terraform-provider-flashduty (bodies its client sends for its examples)
    "terraform/schedule_create_request_primary_oncall.json": (
        lambda s: (s.schedule_name, s.disabled, layers_of(s), s.layers[0].start, s.layers[0].groups[0].person_ids,
                   s.notify),
        ("Primary On-Call", 0, [("Primary Layer", 0, None, "day", 1, 86400)], 1704038400, [75340551232454], None)),
    "terraform/schedule_create_request_advanced.json": (
        lambda s: (layers_of(s), s.layers[0].fair_rotation, s.layers[0].restrict_mode,
                   [(p.restrict_start, p.restrict_end) for p in s.layers[0].restrict_periods],
                   s.layers[0].day_mask.repeat, s.notify.advance_in_time, s.notify.by.follow_preference,
                   s.notify.by.personal_channels),
        ([("Business Hours", 0, None, "week", 1, 604800)], True, 1, [(32400, 64800)], [1, 2, 3, 4, 5], 3600, True,
         ["email"])),
    "terraform/team_upsert_request_sre.json": (
        lambda t: t.to_wire(), {"team_name": "SRE Team", "description": "Site Reliability Engineering team"}),
    # --- variants: what a server may hold that this provider never writes
    "variants/variant_schedule_info_response_voice_channel.json": (
        lambda s: (s.notify.by.personal_channels, notify_written(s)["by"]["personal_channels"]),
        (["voice", "sms", "email", "feishu_app:5427276014131"], ["voice", "sms", "email", "feishu_app:5427276014131"])),
    "variants/variant_schedule_info_response_rotation_48_hours.json": (
        lambda s: (layers_of(s), rotation_written(s)),
        ([("Layer 1", 0, 0, "hour", 48, 172800)], [("day", 2, 172800, 0)])),
    "variants/variant_schedule_info_response_rotation_duration_only.json": (
        lambda s: [(layer.rotation_unit, layer.rotation_value, layer.rotation_duration, layer.period)
                   for layer in s.layers],
        [(None, None, 1800, 1800), ("", 0, 43200, 43200)]),
    "variants/variant_schedule_info_response_flat_webhook.json": (webhooks_of, [
        ("dingtalk", "a1b2c3", "", 0, []),
        ("feishu", "https://open.feishu.cn/open-apis/bot/v2/hook/d4e5f6", "", 0, [])]),
    "variants/variant_schedule_info_response_integration_id.json": (webhooks_of, [
        ("feishu_app", "", "ops", 5427276014131, ["oc_60a6dc4c6e4e5cbc4934ef08aa7ff76d"])]),
    "variants/variant_schedule_info_response_unknown_webhook_type.json": (
        lambda s: (webhooks_of(s)[1], [w["type"] for w in notify_written(s)["webhooks"]]),
        (("lark", "", "", 6113996590131, ["oc_lark_chat"]), ["feishu_app", "lark"])),
    "variants/variant_schedule_info_response_unknown_rotation_unit.json": (layers_of, [
        ("Layer 1", 0, 0, "minute", 30, None), ("Cover", 1, 1, "minute", 30, None)]),
    "variants/variant_schedule_info_response_restrict_mode_3.json": (
        lambda s: (s.layers[0].restrict_mode, s.layers[0].request_body(weight=0)["restrict_mode"],
                   s.layers[0].request_body(weight=0)["restrict_periods"]),
        (3, 3, [{"restrict_start": 32400, "restrict_end": 64800}])),
    "variants/variant_schedule_info_response_unknown_fields.json": (
        lambda s: (info_summary(s), s.layers[0].groups[0].members[1].role_id, s.notify.fixed_time.start,
                   s.layers[0].restrict_periods[0].restrict_end),
        # The variant adds a backup (custom role 7) to group A.
        ((*INFO[:13], [[3122470302131, 2659460982131], [2659460982131]], *INFO[14:]), 7, "09:00", 86400)),
    "variants/variant_schedule_info_response_nulls.json": (
        lambda s: ([[m.model_dump() for m in g.members] for g in s.layers[0].groups], s.layers[0].restrict_periods,
                   s.layers[0].day_mask, s.layers[0].end, s.layers[1].groups, s.schedule_layers, s.final_schedule,
                   s.cur_oncall, s.notify.fixed_time, s.notify.by.personal_channels,
                   s.notify.webhooks[0].settings == ScheduleImNotifySettings(), s.notify.im),
        ([[], [{"role_id": 0, "person_ids": []}]], [], None, None, [], [], None, None, None, [], True, {})),
    "variants/variant_schedule_info_response_null_objects.json": (
        lambda s: (s.schedule_id, s.layers, s.schedule_layers, s.final_schedule, s.notify, s.cur_oncall),
        (5789640530410, [], [], None, None, None)),
    "variants/variant_schedule_info_response_data_null.json": (lambda s: s, None),
    "variants/variant_schedule_list_response_null_items.json": (lambda s: s, []),
    "variants/variant_schedule_info_response_numbers_as_strings.json": (info_summary, INFO),
    "variants/variant_schedule_create_response_numbers_as_strings.json": (lambda s: s.schedule_id, 6294534917601),
    "variants/variant_schedule_info_response_advance_absent.json": (
        lambda s: (s.notify.advance_in_time, notify_written(s).get("advance_in_time", "absent")), (None, "absent")),
    "variants/variant_schedule_info_response_advance_zero.json": (
        lambda s: (s.notify.advance_in_time, notify_written(s).get("advance_in_time", "absent")), (0, 0)),
    "variants/variant_schedule_info_response_disabled.json": (lambda s: s.disabled, 1),
    "variants/variant_schedule_infos_response_status_without_disabled.json": (
        lambda s: [(i.schedule_id, i.disabled) for i in s],
        [(5789640530410, 0), (5789640530411, 1), (5789640530412, 1)]),
    "variants/variant_schedule_info_response_layer_weights.json": (
        lambda s: (layers_of(s), rotation_written(s)),
        ([("Layer 1", 0, 3, "day", 1, 86400), ("Layer 2", 0, 7, "week", 1, 604800), ("Cover", 1, 10, "day", 1, 86400)],
         [("day", 1, 86400, 3), ("week", 1, 604800, 7), ("day", 1, 86400, 10)])),
    "variants/variant_schedule_info_response_legacy_only.json": (
        lambda s: (s.schedule_id, s.schedule_name, s.team_id, s.disabled, len(s.schedule_layers), layers_of(s),
                   s.layers[0].start, s.layers[0].end, [g.display_name for g in s.layers[0].groups],
                   rotation_written(s)),
        (5789640530410, "test-000001", 4291079133131, 0, 1, [("Layer 1", 0, 0, None, None, 604800)], 1767542400,
         1798732800, ["A", "B"], [("week", 1, 604800, 0)])),
    "variants/variant_team_info_response_nulls_and_unknown_fields.json": (
        lambda t: (t.team_id, t.person_ids, t.status, t.ref_id), (1001, [], "disabled", "")),
    "variants/variant_team_list_response_numbers_as_strings.json": (teams_of, [BACKEND_SRE]),
    "variants/variant_team_upsert_response_team_id_only.json": (lambda t: (t.team_id, t.team_name), (1001, "")),
    "variants/variant_member_list_response_numbers_as_strings.json": (
        members_of, [(*member[:4], True, False, member[6]) for member in MEMBERS]),
    "variants/variant_member_list_response_nulls_and_unknown_fields.json": (
        lambda members: [(m.member_id, m.status, m.account_role_ids, m.locale, m.is_external) for m in members],
        [(5068740052131, "pending", [], "", False), (2476444212131, "enabled", [6], "", False)]),
    "variants/variant_member_info_response_numbers_as_strings.json": (member_info, MEMBER_INFO),
    "variants/variant_person_infos_response_numbers_as_strings.json": (persons_of, PERSONS),
    "variants/variant_person_infos_response_account_owner.json": (
        lambda persons: [(p.person_id, p.as_, p.avatar) for p in persons],
        [(2476444212131, "member", "/image/avatar1.png"), (3790925372131, "member", ""),
         (2451002751131, "account", "")]),
}

# Stored layers that cannot be written back, and why. Every other layer of every fixture can be.
UNWRITABLE: dict[str, dict[str, str]] = {
    # 30 minutes: readable (APIS allows 1800 s), but not a whole number of hours, the smallest unit.
    "variants/variant_schedule_info_response_rotation_duration_only.json": {
        "Layer 1": "1800 seconds is not a whole number of hours"},
    # A unit this client does not know: its length is unknown, so no rotation can be computed.
    # (The override beside it is written: an override's rotation does not matter.)
    "variants/variant_schedule_info_response_unknown_rotation_unit.json": {
        "Layer 1": "has rotation_unit 'minute', which this client cannot write back"},
}


def test_every_fixture_has_a_kind_and_a_spot_check():
    assert FILES, f"no fixtures under {OFFICIAL}"
    assert sorted(SPOT_CHECKS) == FILES
    assert set(UNWRITABLE) <= set(FILES)
    for name in FILES:
        kind_of(name)


@pytest.mark.parametrize("name", FILES)
def test_the_fixture_parses_and_its_key_values_come_out_right(name):
    getter, expected = SPOT_CHECKS[name]
    assert getter(parse(name)) == expected


# Chosen by name, not by parsing, so that a fixture that fails to parse fails its own tests only.
SCHEDULE_FILES = [name for name in FILES if kind_of(name).startswith("schedule_")
                  and kind_of(name) not in {"schedule_create_response", "schedule_update_response"}]


@pytest.mark.parametrize("name", SCHEDULE_FILES)
def test_every_stored_layer_can_be_written_back_or_is_refused_for_a_stated_reason(name):
    refused: dict[str, str] = {}
    for schedule in schedules(name):
        for layer in schedule.layers:
            try:
                body = layer.request_body(weight=0)
            except ValueError as error:
                refused[layer.display_name] = str(error)
                continue
            unit, value, duration = body["rotation_unit"], body["rotation_value"], body["rotation_duration"]
            if unit == "month":
                assert (value, duration) == (layer.rotation_value, 0)
            else:
                assert value * UNIT_SECONDS[unit] == duration == (layer.period or (DAY if layer.mode == 1 else None))
            assert body["weight"] == (layer.weight if layer.weight is not None else 0)
            assert (body["layer_name"], body["layer_start"], body["layer_end"]) == (
                layer.display_name, layer.start, layer.end)
            assert [group["group_name"] for group in body["groups"]] == [group.display_name for group in layer.groups]
    expected = UNWRITABLE.get(name, {})
    assert sorted(refused) == sorted(expected)
    for layer_name, reason in expected.items():
        assert reason in refused[layer_name]


SCHEDULE_REQUESTS = [name for name in SCHEDULE_FILES if kind_of(name).endswith("_request")]


@pytest.mark.parametrize("name", SCHEDULE_REQUESTS)
def test_the_strict_request_model_takes_what_it_knows_and_refuses_the_rest(name):
    raw = load(name)
    extra = set(raw) - set(ScheduleUpsertRequest.model_fields)
    if extra:  # preview's window, Terraform's status: never sent by this client, so refused
        with pytest.raises(ValidationError) as refusal:
            ScheduleUpsertRequest.model_validate(raw)
        assert {error["loc"][0] for error in refusal.value.errors()} == extra
        return
    body = ScheduleUpsertRequest.model_validate(raw).to_wire()
    assert [layer["layer_name"] for layer in body["layers"]] == [
        layer.get("layer_name") or layer.get("name") for layer in raw.get("layers", [])]
    if "notify" in raw:
        assert body["notify"].get("advance_in_time") == raw["notify"].get("advance_in_time")
