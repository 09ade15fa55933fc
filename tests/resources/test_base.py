"""flashcat_pulumi.resources._base: provider objects called directly, as the provider server calls
them: settings, concurrency, adopt-or-refuse, a create or update that fails halfway, and the
errors the user reads."""

from __future__ import annotations

import sys
import traceback
from concurrent.futures import ThreadPoolExecutor

import pytest

from flashcat_pulumi import FlashdutyError, InvalidParameter, ServerError, UnknownPeople
from flashcat_pulumi.emulator import Emulator
from flashcat_pulumi.resources import _base
from flashcat_pulumi.resources.schedule import ScheduleProvider
from flashcat_pulumi.resources.team import TeamProvider

KEY = "provider-test-key"
LAYER = {"layer_start": 1796000000, "rotation_duration": "1d", "groups": [["alice@example.com"], ["bob@example.com"]]}


@pytest.fixture
def emu(monkeypatch):
    with Emulator(app_key=KEY) as emulator:
        monkeypatch.setenv("FLASHDUTY_APP_KEY", KEY)
        monkeypatch.setenv("FLASHDUTY_BASE_URL", emulator.base_url)
        yield emulator


def checked(provider, props):
    result = provider.check({}, props)
    assert result.failures == []
    return result.inputs


def test_one_provider_instance_under_four_concurrent_calls(emu):
    provider = TeamProvider()  # the server shares one instance between its 4 worker threads

    def create(i: int) -> str:
        inputs = checked(provider, {"team_name": f"Team {i}", "members": ["alice@example.com", "carol@example.com"]})
        return provider.create(inputs).id

    with ThreadPoolExecutor(4) as pool:
        ids = list(pool.map(create, range(12)))
    assert len(set(ids)) == 12
    assert sorted(str(t["team_id"]) for t in emu.teams()) == sorted(ids)
    assert all(len(t["person_ids"]) == 2 for t in emu.teams())


def test_a_failed_update_leaves_the_schedule_as_it_was(emu):
    provider = ScheduleProvider()
    inputs = checked(provider, {"schedule_name": "Stable", "description": "before", "layers": [LAYER]})
    created = provider.create(inputs)
    before = emu.schedule(int(created.id))
    broken = checked(provider, {**inputs, "description": "after", "team_id": 1234567890123})
    with pytest.raises(InvalidParameter, match="team_id"):
        provider.update(created.id, created.outs, broken)
    assert emu.schedule(int(created.id)) == before


def test_read_of_a_deleted_schedule_returns_an_empty_id(emu):
    provider = ScheduleProvider()
    created = provider.create(checked(provider, {"schedule_name": "Short-lived", "layers": [LAYER]}))
    emu.ui.delete_schedule(int(created.id))
    result = provider.read(created.id, created.outs)
    assert result.id is None and result.outs == {}
    provider.delete(created.id, created.outs)  # deleting what is gone is fine


@pytest.mark.parametrize("provider_class", [TeamProvider, ScheduleProvider])
def test_a_create_whose_read_back_fails_leaves_nothing_behind(emu, monkeypatch, provider_class):
    provider = provider_class()
    is_team = provider_class is TeamProvider
    inputs = checked(provider, {"team_name": "Half made", "members": ["alice@example.com"]} if is_team
                     else {"schedule_name": "Half made", "layers": [LAYER]})
    client = provider.client
    read_back = client.get_team if is_team else client.get_schedule

    def failing_read_back(*args, **kwargs):
        if is_team and kwargs.get("team_name"):  # the name check before creating still works
            return read_back(*args, **kwargs)
        raise ServerError(path="/info", code="InternalError", message="boom", status_code=500, request_id="r")

    monkeypatch.setattr(client, "get_team" if is_team else "get_schedule", failing_read_back)
    with pytest.raises(ServerError):
        provider.create(inputs)
    created = "/team/upsert" if is_team else "/schedule/create"
    deleted = "/team/delete" if is_team else "/schedule/delete"
    writes = [(r.path, r.status) for r in emu.requests if r.path in (created, deleted)]
    assert writes == [(created, 200), (deleted, 200)]  # it was created, then removed again
    assert emu.teams() == [] and emu.schedules() == []


def test_a_create_whose_read_back_and_removal_fail_says_what_to_do(emu, monkeypatch):
    provider = TeamProvider()
    inputs = checked(provider, {"team_name": "Stuck", "members": ["alice@example.com"]})
    client = provider.client
    read_back, remove = client.get_team, client.delete_team

    def failing_read_back(*args, **kwargs):
        if kwargs.get("team_name"):
            return read_back(*args, **kwargs)
        raise ServerError(path="/team/info", code="InternalError", message="boom", status_code=500, request_id="r1")

    def failing_removal(**kwargs):
        raise ServerError(path="/team/delete", code="InternalError", message="down", status_code=500, request_id="r2")

    monkeypatch.setattr(client, "get_team", failing_read_back)
    monkeypatch.setattr(client, "delete_team", failing_removal)
    with pytest.raises(FlashdutyError, match=r"the team 'Stuck' \(team_id \d+\) was created, but reading it back "
                                             r"failed \(.*boom.*\) and removing it again failed too \(.*down.*\); "
                                             r"delete it in Flashduty, or set adopt=True to take it over"):
        provider.create(inputs)
    monkeypatch.setattr(client, "delete_team", remove)


def test_user_facing_errors_lose_their_internal_chain(emu):
    provider = TeamProvider()
    inputs = checked(provider, {"team_name": "Chain", "members": ["nobody@example.com"]})
    with pytest.raises(UnknownPeople) as info:
        provider.create(inputs)
    assert info.value.__cause__ is None and info.value.__suppress_context__
    frames = traceback.extract_tb(info.value.__traceback__)
    assert [frame.name for frame in frames][-1] == "create"  # raised from the provider's top frame


def test_the_provider_servers_traceback_is_only_patched_inside_it():
    # Here (pytest) nothing is changed; inside `python -m pulumi.dynamic` our errors read as their last line.
    assert not isinstance(getattr(sys.modules["__main__"], "traceback", None), _base._ProviderServerTraceback)
    server_view = _base._ProviderServerTraceback("traceback")
    try:
        raise UnknownPeople(["x@example.com"])
    except UnknownPeople:
        assert server_view.format_exc() == ("flashcat_pulumi.errors.UnknownPeople: unknown people: no Flashduty "
                                            "member has the email x@example.com (invite them in Flashduty first, "
                                            "or fix the typo)\n")
    try:
        raise KeyError("bug")
    except KeyError:
        assert server_view.format_exc().startswith("Traceback (most recent call last):")  # bugs keep theirs
    assert server_view.format_exception_only is traceback.format_exception_only


def test_settings_come_from_configure_then_the_environment(monkeypatch):
    from pulumi.dynamic import Config, ConfigureRequest
    monkeypatch.setenv("FLASHDUTY_BASE_URL", "http://from-env")
    monkeypatch.setenv("FLASHDUTY_TIME_ZONE", "Europe/Berlin")
    assert TeamProvider().settings.base_url == "http://from-env"
    provider = TeamProvider()
    provider.configure(ConfigureRequest(Config({"flashduty:baseUrl": "http://from-config"}, "project")))
    assert (provider.settings.base_url, provider.settings.time_zone) == ("http://from-config", "Europe/Berlin")
