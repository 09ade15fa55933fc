"""Team and Schedule through the real ``python -m pulumi.dynamic`` server, driven as the engine does
(tests/engine.py), against the emulator: up, preview, refresh, drift, adoption, deletes, the diff a
reviewer reads, and errors as the user sees them."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pulumi
import pytest

import flashcat_pulumi as fd
from flashcat_pulumi import FlashdutyClient
from flashcat_pulumi.emulator import Emulator
from flashcat_pulumi.testing import UNKNOWN, CheckFailed, Engine, ProviderError, ProviderServer

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "flashcat-test"
KEY = "engine-test-app-key-0123456789abcdef"
ALICE, BOB, CAROL = 2476444212131, 2476444212132, 2476444212133
START = "2026-11-02T09:00"  # a Monday (Asia/Shanghai) before today, so someone is on call now


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with Emulator(app_key=KEY) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def server(emu: Emulator) -> Iterator[ProviderServer]:
    with ProviderServer(ROOT, project=PROJECT) as srv:
        srv.configure({"flashduty:appKey": KEY, "flashduty:baseUrl": emu.base_url}, secret_keys={"flashduty:appKey"})
        yield srv


@pytest.fixture
def engine(server: ProviderServer) -> Engine:
    return Engine(server, stack="test")


@pytest.fixture
def client(emu: Emulator) -> Iterator[FlashdutyClient]:
    with FlashdutyClient(base_url=emu.base_url, app_key=KEY) as c:
        yield c


def stack(name: str, *, rotation: str = "1w", handoff: str | None = "mon 09:00", description: str = "primary",
          overrides: list | None = None, notify: fd.Notify | None = None, adopt: bool = False, team: bool = True,
          time_zone: str = "Asia/Shanghai"):
    """A program: team ``name`` and schedule ``name primary`` owned by it."""
    def program() -> None:
        sre = fd.Team("team", team_name=name, members=["alice@example.com", "bob@example.com", CAROL]) if team else None
        schedule = fd.Schedule(
            "schedule", schedule_name=f"{name} primary", description=description,
            team_id=sre.team_id if sre else None, time_zone=time_zone, adopt=adopt,
            layers=[fd.Layer(layer_name="weekly", layer_start=START, rotation_duration=rotation,
                             handoff_time=handoff, groups=[["alice@example.com"], ["bob@example.com"]])],
            overrides=overrides, notify=notify)
        pulumi.export("on_call", schedule.current_oncall)
    return program


def stored(emu: Emulator, name: str) -> dict:
    [schedule] = [s for s in emu.schedules() if s["schedule_name"] == name]
    return schedule


def test_up_creates_team_and_schedule_wired_by_outputs(engine, emu):
    result = engine.up(stack("Up"))
    assert result.steps == {"team": "create", "schedule": "create"}
    team = emu.team(int(result.ids["team"]))
    assert team["team_name"] == "Up" and sorted(team["person_ids"]) == [ALICE, BOB, CAROL]
    schedule = stored(emu, "Up primary")
    assert schedule["team_id"] == team["team_id"]
    assert schedule["layers"][0]["rotation_duration"] == 604800
    assert schedule["layers"][0]["handoff_time"] == 9 * 3600
    outputs = result.outputs["schedule"]
    assert outputs["schedule_id"] == schedule["schedule_id"]
    assert outputs["layers"][0]["groups"][0]["members"][0]["person_ids"] == ["alice@example.com"]
    assert result.outputs["team"]["members"] == [CAROL, "alice@example.com", "bob@example.com"]
    assert sorted(result.outputs["team"]["person_ids"]) == [ALICE, BOB, CAROL]
    assert result.exports["on_call"]["emails"] in (["alice@example.com"], ["bob@example.com"])


def test_on_call_outputs_are_typed_in_the_program(engine):
    seen = {}

    def program() -> None:
        team = fd.Team("team", team_name="Typed", members=["alice@example.com"])
        team.person_ids.apply(lambda ids: seen.setdefault("person_ids", ids))
        schedule = fd.Schedule("other", schedule_name="Typed other", layers=[fd.Layer(
            layer_start=START, rotation_duration="1d", groups=[["carol@example.com"]])])
        schedule.current_oncall.apply(lambda on_call: seen.setdefault("on_call", on_call))

    engine.up(program)
    assert seen["person_ids"] == [ALICE] and isinstance(seen["person_ids"][0], int)
    on_call = seen["on_call"]
    assert isinstance(on_call, fd.OnCall)
    assert on_call.person_ids == [CAROL] and isinstance(on_call.person_ids[0], int)
    assert on_call.emails == ["carol@example.com"] and on_call["emails"] == ["carol@example.com"]
    assert isinstance(on_call.start, int) and on_call.start < on_call.end


def test_preview_and_refresh_after_up_are_no_ops(engine):
    program = stack("Noop")
    engine.up(program)
    preview = engine.preview(program)
    assert preview.steps == {"team": "same", "schedule": "same"}
    assert not [call for call in preview.calls if call[0] in ("Create", "Update")]
    refresh = engine.refresh()
    assert set(refresh.steps.values()) == {"read"}
    assert engine.preview(program).steps == {"team": "same", "schedule": "same"}
    assert engine.up(program).steps == {"team": "same", "schedule": "same"}


def api_calls(emu: Emulator, operation) -> dict[str, int]:
    """The API requests ``operation()`` made, by path."""
    emu.clear_requests()
    operation()
    return dict(Counter(record.path for record in emu.requests))


@pytest.mark.parametrize(("rotation", "handoff"), [("1d", None), ("1w", "mon 09:00")])
def test_api_calls_per_operation(engine, emu, rotation, handoff):
    """create 3 (the name check, the create, one read), update 3 (read, write, read back), refresh 1,
    delete 1, a preview without changes 0: one read shows the current shift from where it began and
    the five upcoming ones, for daily and weekly rotations alike (the read window is placed by the
    layers' rotation)."""
    def program(description: str = "primary"):
        return stack(f"Calls {rotation}", rotation=rotation, handoff=handoff, team=False, description=description)

    engine.up(program())  # people verified once per process; not what is counted here
    engine.destroy()
    assert api_calls(emu, lambda: engine.up(program())) == {
        "/schedule/list": 1, "/schedule/create": 1, "/schedule/info": 1}
    assert api_calls(emu, lambda: engine.preview(program())) == {}
    assert api_calls(emu, engine.refresh) == {"/schedule/info": 1}
    assert api_calls(emu, lambda: engine.up(program("changed"))) == {"/schedule/info": 2, "/schedule/update": 1}
    assert len(engine.entry("schedule").outputs["upcoming_shifts"]) == 5
    assert api_calls(emu, engine.destroy) == {"/schedule/delete": 1}


def test_one_person_by_email_in_one_place_and_by_id_in_another_is_no_drift(engine):
    def program() -> None:
        team = fd.Team("team", team_name="Mixed", members=["alice@example.com", BOB])
        fd.Schedule("schedule", schedule_name="Mixed primary", team_id=team.team_id, time_zone="Asia/Shanghai",
                    layers=[fd.Layer(layer_start=START, rotation_duration="1d",
                                     groups=[fd.Group(primary=["alice@example.com"], backup=[BOB]),
                                             fd.Group(primary=[BOB], backup=[ALICE])])],
                    overrides=[fd.Override(start="2027-01-01T00:00", end="2027-01-02T00:00", person=ALICE),
                               fd.Override(start="2027-01-02T00:00", end="2027-01-03T00:00",
                                           person="bob@example.com", name="cover")])

    engine.up(program)
    assert engine.preview(program).steps == {"team": "same", "schedule": "same"}
    engine.refresh()
    assert engine.preview(program).steps == {"team": "same", "schedule": "same"}


def test_changing_a_layer_updates_the_schedule_only(engine, emu):
    engine.up(stack("Change"))
    preview = engine.preview(stack("Change", rotation="2w"))
    assert preview.steps == {"team": "same", "schedule": "update"}
    assert stored(emu, "Change primary")["layers"][0]["rotation_duration"] == 604800  # preview wrote nothing
    result = engine.up(stack("Change", rotation="2w"))
    assert result.steps["schedule"] == "update"
    assert stored(emu, "Change primary")["layers"][0]["rotation_duration"] == 2 * 604800


def test_override_made_in_the_web_ui_survives_updates_and_is_not_drift(engine, emu):
    engine.up(stack("Ui"))
    schedule_id = stored(emu, "Ui primary")["schedule_id"]
    emu.ui.add_override(schedule_id, 1798300800, 1798387200, CAROL, layer_name="Bob is sick")
    engine.refresh()
    assert engine.preview(stack("Ui")).steps["schedule"] == "same"
    assert engine.entry("schedule").outputs["external_overrides"][0]["name"] == "Bob is sick"
    assert engine.up(stack("Ui", description="changed")).steps["schedule"] == "update"
    layers = stored(emu, "Ui primary")["layers"]
    assert stored(emu, "Ui primary")["description"] == "changed"
    assert [layer["layer_name"] for layer in layers if layer["mode"] == 1] == ["Bob is sick"]


def test_declared_overrides_are_managed(engine, emu):
    override = fd.Override(name="Christmas", start="2026-12-24", end="2026-12-26", person="carol@example.com")
    engine.up(stack("Managed", overrides=[override]))
    [layer] = [layer for layer in stored(emu, "Managed primary")["layers"] if layer["mode"] == 1]
    assert layer["layer_name"] == "pulumi: Christmas"
    assert layer["groups"][0]["members"][0]["person_ids"] == [CAROL]
    assert engine.preview(stack("Managed", overrides=[override])).steps["schedule"] == "same"
    engine.up(stack("Managed", overrides=[]))
    assert [layer for layer in stored(emu, "Managed primary")["layers"] if layer["mode"] == 1] == []


def test_out_of_band_deletion_is_dropped_by_refresh_and_recreated(engine, emu):
    engine.up(stack("Gone"))
    old_id = stored(emu, "Gone primary")["schedule_id"]
    emu.ui.delete_schedule(old_id)
    assert engine.refresh().steps["schedule"] == "drop"
    result = engine.up(stack("Gone"))
    assert result.steps == {"team": "same", "schedule": "create"}
    assert stored(emu, "Gone primary")["schedule_id"] != old_id


def test_out_of_band_edit_shows_as_drift_and_up_restores_it(engine, emu):
    result = engine.up(stack("Drift"))
    emu.ui.rename_team(int(result.ids["team"]), "Drift renamed")
    engine.refresh()
    assert engine.entry("team").outputs["team_name"] == "Drift renamed"
    assert engine.preview(stack("Drift")).steps["team"] == "update"
    engine.up(stack("Drift"))
    assert emu.team(int(result.ids["team"]))["team_name"] == "Drift"


def test_existing_schedule_is_refused_unless_adopted(engine, emu, client):
    existing = client.create_schedule({"schedule_name": "Adopt primary", "layers": [
        {"layer_start": 1796000000, "rotation_duration": 86400,
         "groups": [{"members": [{"role_id": 0, "person_ids": [CAROL]}]}]}]})
    with pytest.raises(ProviderError) as info:
        engine.up(stack("Adopt", team=False))
    assert f"already exists (schedule_id {existing})" in info.value.last_line
    assert "adopt=True" in info.value.last_line
    result = engine.up(stack("Adopt", team=False, adopt=True))
    assert result.ids["schedule"] == str(existing)
    assert stored(emu, "Adopt primary")["layers"][0]["rotation_duration"] == 604800


def test_deleting_a_team_still_used_explains_why(engine, emu, client):
    result = engine.up(stack("Busy", team=True))
    team_id = int(result.ids["team"])
    client.create_schedule({"schedule_name": "Busy other", "team_id": team_id, "layers": [
        {"layer_start": 1796000000, "rotation_duration": 86400,
         "groups": [{"members": [{"role_id": 0, "person_ids": [CAROL]}]}]}]})
    with pytest.raises(ProviderError) as info:
        engine.destroy()
    assert "cannot delete team 'Busy'" in info.value.last_line
    assert "schedule 'Busy other'" in info.value.last_line
    assert emu.team(team_id) is not None


def test_preview_with_an_unknown_team_id(engine, server):
    result = engine.preview(stack("Fresh"))
    assert result.steps == {"team": "create", "schedule": "create"}
    assert result.ids["schedule"] == UNKNOWN
    checks = [call for call in server.calls if call[0] == "Check"]
    assert checks  # validated at preview time even though team_id was unknown


def test_invalid_input_fails_at_preview_with_the_property_path(engine):
    def program() -> None:
        fd.Schedule("schedule", schedule_name="Bad", layers=[fd.Layer(
            layer_start=START, rotation_duration="10m", groups=[["alice@example.com"]])])

    with pytest.raises(CheckFailed) as info:
        engine.preview(program)
    assert [f.property for f in info.value.failures] == ["layers[0].rotation_duration"]


def test_unknown_email_names_it_and_creates_nothing(engine, emu):
    def program() -> None:
        fd.Team("team", team_name="Typo", members=["alice@example.com", "bobb@example.com"])

    with pytest.raises(ProviderError) as info:
        engine.up(program)
    assert "bobb@example.com" in info.value.last_line and "alice@example.com" not in info.value.last_line
    assert [t for t in emu.teams() if t["team_name"] == "Typo"] == []


def test_webhook_secrets_are_secret_in_state_and_the_app_key_is_nowhere(engine):
    notify = fd.Notify(advance_in_time="10m", personal_channels=["email"],
                       webhooks=[fd.Webhook(type="feishu", token="robot-token-xyz", sign_secret="sig-xyz")])
    engine.up(stack("Secret", notify=notify))
    entry = engine.entry("schedule")
    assert "notify" in entry.secret_outputs and "notify" in entry.secret_inputs
    assert entry.outputs["notify"]["webhooks"][0]["token"] == "robot-token-xyz"
    dumped = json.dumps([(e.inputs, e.outputs) for e in engine.state.values()])
    assert KEY not in dumped
    assert len(entry.inputs["__provider"]) <= 300


def test_missing_app_key_is_a_one_line_error(monkeypatch, emu):
    monkeypatch.delenv("FLASHDUTY_APP_KEY", raising=False)
    with ProviderServer(ROOT, project=PROJECT) as bare:
        bare.configure({"flashduty:baseUrl": emu.base_url})
        with pytest.raises(ProviderError) as info:
            Engine(bare).up(stack("NoKey"))
    assert "no Flashduty app key" in info.value.last_line
    assert "flashduty:appKey" in info.value.last_line and "FLASHDUTY_APP_KEY" in info.value.last_line


# --- what a reviewer reads -----------------------------------------------------------------------

def test_a_changed_handoff_reads_as_written_in_the_diff(engine, emu):
    engine.up(stack("Handoff"))
    layer = engine.entry("schedule").inputs["layers"][0]
    assert (layer["handoff_time"], layer["rotation_duration"], layer["layer_start"]) \
        == ("mon 09:00", "1w", "2026-11-02T09:00:00+08:00")  # what Pulumi stores
    preview = engine.preview(stack("Handoff", handoff="tue 10:00"))
    assert preview.steps["schedule"] == "update"
    assert preview.changes["schedule"] == ['~ layers[0].handoff_time: "mon 09:00" => "tue 10:00"']
    engine.up(stack("Handoff", handoff="tue 10:00"))
    assert stored(emu, "Handoff primary")["layers"][0]["handoff_time"] == 24 * 3600 + 10 * 3600


def test_a_time_zone_change_that_moves_nothing_is_no_change(engine):
    def exact(zone: str):  # the same instant, written with its offset, read in two zones
        def program() -> None:
            fd.Schedule("schedule", schedule_name="Zones", time_zone=zone, layers=[fd.Layer(
                layer_start="2026-11-02T09:00+08:00", rotation_duration="1d", groups=[["alice@example.com"]])])
        return program

    engine.up(exact("Asia/Shanghai"))
    preview = engine.preview(exact("UTC"))
    assert preview.steps == {"schedule": "same"}
    assert engine.up(exact("UTC")).steps == {"schedule": "same"}
    assert engine.entry("schedule").inputs["layers"][0]["layer_start"] == "2026-11-02T01:00:00+00:00"


# --- errors as the user sees them: at most 5 lines, the last one the message ----------------------

def assert_user_facing(error: ProviderError, *parts: str) -> None:
    lines = error.details.strip().splitlines()
    assert 1 <= len(lines) <= 5, error.details
    assert lines[-1] == error.last_line
    for part in parts:
        assert part in error.last_line, error.last_line
    assert KEY not in error.details and "Traceback" not in error.details


def test_error_text_for_an_unknown_email(engine):
    def program() -> None:
        fd.Team("team", team_name="Typo text", members=["bobb@example.com"])

    with pytest.raises(ProviderError) as info:
        engine.up(program)
    assert_user_facing(info.value, "UnknownPeople: unknown people: no Flashduty member has the email "
                                   "bobb@example.com (invite them in Flashduty first, or fix the typo)")


def test_error_text_for_a_team_in_use(engine, client):
    result = engine.up(stack("In use", team=True))
    client.create_schedule({"schedule_name": "In use other", "team_id": int(result.ids["team"]), "layers": [
        {"layer_start": 1796000000, "rotation_duration": 86400,
         "groups": [{"members": [{"role_id": 0, "person_ids": [CAROL]}]}]}]})
    with pytest.raises(ProviderError) as info:
        engine.destroy()
    assert_user_facing(info.value, f"cannot delete team 'In use' (team_id {result.ids['team']}): it is still used "
                                   "by schedule 'In use other'; delete those or move them to another team first "
                                   "(request_id: ")


def test_error_text_for_a_wrong_app_key(emu):
    def team_only() -> None:
        fd.Team("team", team_name="Wrong key", members=["alice@example.com"])

    with ProviderServer(ROOT, project=PROJECT) as wrong:
        wrong.configure({"flashduty:appKey": "not-the-key", "flashduty:baseUrl": emu.base_url},
                        secret_keys={"flashduty:appKey"})
        with pytest.raises(ProviderError) as info:
            Engine(wrong).up(team_only)
        # A weekly layer's hand-off is read in the account's zone, so check needs the account: the
        # wrong key shows at preview already, at the property that needed it.
        with pytest.raises(CheckFailed) as checked:
            Engine(wrong).preview(stack("Wrong key", team=False))
    assert_user_facing(info.value, "Unauthorized: Flashduty /member/list failed: Unauthorized (HTTP 401): You are "
                                   "unauthorized.; check the app key (stack config flashduty:appKey or env "
                                   "FLASHDUTY_APP_KEY) (request_id: ")
    assert "not-the-key" not in info.value.details
    [failure] = checked.value.failures
    assert failure.property == "time_zone" and "\n" not in failure.reason and "not-the-key" not in failure.reason
    assert "reading that zone failed: Flashduty /member/info failed: Unauthorized (HTTP 401)" in failure.reason


def test_error_text_for_a_server_failing_every_retry(emu):
    emu.faults.script("/team/upsert", *["500"] * 30)
    try:
        with ProviderServer(ROOT, project=PROJECT) as impatient:
            # The stack's own retry budget reaches the client through configure().
            impatient.configure({"flashduty:appKey": KEY, "flashduty:baseUrl": emu.base_url,
                                 "flashduty:retryBudget": "2s"}, secret_keys={"flashduty:appKey"})
            with pytest.raises(ProviderError) as info:
                Engine(impatient).up(stack("Down", team=True))
    finally:
        emu.faults.clear()
    assert_user_facing(info.value, "ServerError: Flashduty /team/upsert failed: InternalError (HTTP 500): We "
                                   "encountered an internal error", "(retry budget 2s); set flashduty:retryBudget",
                       "(request_id: ")
    assert [team for team in emu.teams() if team["team_name"] == "Down"] == []
