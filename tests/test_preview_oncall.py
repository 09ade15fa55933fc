"""``flashduty:previewOncall``: the program logs who is on call, once per schedule whose inputs are
known, under the Pulumi SDK's mocks (what ``pulumi preview`` shows as info lines)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pulumi
import pytest
from pulumi.runtime import settings
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

import flashcat_pulumi as fd
from flashcat_pulumi.emulator import Emulator
from flashcat_pulumi.errors import ConfigurationError
from flashcat_pulumi.oncall import preview_enabled
from flashcat_pulumi.resources import _base


class _Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict]:
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict, list[tuple[str, str]] | None]:
        return {}, None


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def run(program: Callable[[], Any], *, config: dict[str, str] | None = None) -> list[str]:
    """Run ``program`` as ``pulumi preview`` would under mocks; the info lines it logs."""
    handler = _Lines()
    logger = logging.getLogger("test_preview_oncall")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    settings.set_root_resource(None)  # type: ignore[arg-type]
    pulumi.runtime.set_mocks(_Mocks(), project="p", stack="s", preview=True, logger=logger)
    pulumi.runtime.set_all_config(config or {})
    try:
        _sync_await(run_pulumi_func(program))
    finally:
        logger.removeHandler(handler)
        pulumi.runtime.set_all_config({})
        settings.set_root_resource(None)  # type: ignore[arg-type]
    return [line for line in handler.lines if line.startswith("on call")]


def weekly(**fields: Any) -> fd.Schedule:
    return fd.Schedule(
        "sre", schedule_name="SRE", time_zone="Asia/Shanghai",
        layers=[fd.Layer(layer_start="2026-01-05T09:00", rotation_duration="1w", handoff_time="mon 09:00",
                         groups=[["alice@example.com"], ["bob@example.com"]])], **fields)


@pytest.fixture(autouse=True)
def no_account(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for variable in ("FLASHDUTY_APP_KEY", "FLASHDUTY_BASE_URL", "FLASHDUTY_TIME_ZONE", "FLASHDUTY_PREVIEW_ONCALL"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setattr(_base, "_CLIENTS", {})
    yield


def test_off_by_default() -> None:
    assert run(weekly) == []


def test_on_by_stack_config_computed_locally() -> None:
    lines = run(weekly, config={"flashduty:previewOncall": "true"})
    assert len(lines) == 1
    line = lines[0]
    assert line.startswith("on call: SRE (Asia/Shanghai, computed locally): now ")
    # Now, then the next two weekly hand-offs, each on a Monday at 09:00.
    now, first, second = line.split(": ", 2)[2].split("; ")
    assert now.split(" until ")[0] in ("now alice@example.com", "now bob@example.com")
    assert now.split(" until ")[1].startswith("Mon ") and now.endswith(" 09:00")
    after = "bob" if "alice" in now else "alice"
    assert first.startswith("Mon ") and first.endswith(f"09:00 {after}@example.com")
    assert second.startswith("Mon ") and " 09:00 " in second


def test_on_by_environment_and_off_by_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLASHDUTY_PREVIEW_ONCALL", "1")
    assert len(run(weekly)) == 1
    assert run(weekly, config={"flashduty:previewOncall": "false"}) == []


def unknown() -> pulumi.Output[Any]:
    """A value not known at preview (as a new resource's output is)."""
    loop = asyncio.get_event_loop()
    value, known = loop.create_future(), loop.create_future()
    value.set_result(None)
    known.set_result(False)
    return pulumi.Output(set(), value, known)


def test_unknown_inputs_log_nothing() -> None:
    def program() -> None:
        fd.Schedule("later", schedule_name="Later", time_zone="UTC",
                    layers=[fd.Layer(layer_start="2026-01-05T09:00", rotation_duration="1d", groups=[[unknown()]])])
        weekly()
    lines = run(program, config={"flashduty:previewOncall": "true"})
    assert [line.split(" (")[0] for line in lines] == ["on call: SRE"]


def test_invalid_inputs_are_logged_not_raised() -> None:
    def program() -> None:
        fd.Schedule("bad", schedule_name="Bad", layers=[fd.Layer(layer_start="2026-01-05T09:00",
                                                                 rotation_duration="1d", groups=[["a@example.com"]])])
    lines = run(program, config={"flashduty:previewOncall": "true"})
    assert lines == ["on call: schedule 'bad': time_zone: required: the time zone to read wall-clock times in; set "
                     "time_zone on this Schedule, stack config flashduty:timeZone, or give the provider an app key "
                     "so that the account's own zone can be read"]


def test_computed_by_flashduty_with_an_app_key(emulator: Emulator) -> None:
    config = {"flashduty:previewOncall": "true", "flashduty:appKey": emulator.app_key,
              "flashduty:baseUrl": emulator.base_url}
    lines = run(weekly, config=config)
    assert len(lines) == 1
    assert lines[0].startswith("on call: SRE (Asia/Shanghai, computed by Flashduty): now ")
    assert "Alice Chen" in lines[0] and "Bob Li" in lines[0]
    assert emulator.app_key not in lines[0]


@pytest.mark.parametrize(("config", "environ", "expected"), [
    (None, {}, False), ("true", {}, True), ("False", {"FLASHDUTY_PREVIEW_ONCALL": "1"}, False),
    (None, {"FLASHDUTY_PREVIEW_ONCALL": "yes"}, True), (None, {"FLASHDUTY_PREVIEW_ONCALL": "0"}, False),
])
def test_preview_enabled(config: str | None, environ: dict[str, str], expected: bool) -> None:
    assert preview_enabled(lambda key: config, environ) is expected


def test_preview_enabled_refuses_other_words() -> None:
    with pytest.raises(ConfigurationError, match="flashduty:previewOncall: 'maybe' is not true or false"):
        preview_enabled(lambda key: "maybe", {})
    with pytest.raises(ConfigurationError, match="FLASHDUTY_PREVIEW_ONCALL: '2' is not true or false"):
        preview_enabled(lambda key: None, {"FLASHDUTY_PREVIEW_ONCALL": "2"})
