"""A stack written by flashcat-pulumi 0.1.0 (tests/fixtures/state_0_1_0) under today's code: the
same program previews and ups with no change, refresh and destroy run the providers its state
refers to, and afterwards the state holds today's readable canonical form."""

from __future__ import annotations

import base64
import importlib.util
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from flashcat_pulumi.emulator import Emulator
from flashcat_pulumi.testing import Engine, ProviderServer, StateEntry

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "state_0_1_0"
KEY = "state-fixture-key"  # the app key the fixture's emulator state was written with


def fixture_program() -> Callable[[], None]:
    spec = importlib.util.spec_from_file_location("state_0_1_0_program", FIXTURES / "program.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.program


def load_state(name: str) -> dict[str, StateEntry]:
    entries = json.loads((FIXTURES / name).read_text())
    return {entry["urn"]: StateEntry(entry["urn"], entry["type"], entry["name"], entry["id"], entry["inputs"],
                                     entry["outputs"], frozenset(entry["secret_inputs"]),
                                     frozenset(entry["secret_outputs"])) for entry in entries}


@pytest.mark.parametrize("state", ["stack.json", "stack-refreshed.json"])
def test_a_0_1_0_stack_previews_with_no_change_and_keeps_working(tmp_path, state):
    shutil.copy(FIXTURES / "emulator.json", tmp_path / "emulator.json")
    program = fixture_program()
    # The account's zone is the schedule's: 0.1.0 sent wall-clock settings unmoved, right only then.
    with Emulator(app_key=KEY, state_file=tmp_path / "emulator.json", time_zone="America/New_York") as emu, \
            ProviderServer(ROOT, project="flashcat-fixture") as server:
        server.configure({"flashduty:appKey": KEY, "flashduty:baseUrl": emu.base_url}, secret_keys={"flashduty:appKey"})
        engine = Engine(server, stack="fixture")
        engine.state = load_state(state)
        old_providers = {entry.name: entry.outputs["__provider"] for entry in engine.state.values()}
        # 0.1.0 pickled its providers by reference to flashcat_pulumi.providers.{team,schedule}
        assert all(b"flashcat_pulumi.providers." in base64.b64decode(provider) for provider in old_providers.values())

        preview = engine.preview(program)
        assert preview.steps == {"sre": "same", "empty": "same", "primary": "same", "plain": "same"}
        assert not [call for call in preview.calls if call[0] in ("Create", "Update", "Delete")]

        assert set(engine.up(program).steps.values()) == {"same"}
        primary = engine.entry("primary")
        assert primary.inputs["layers"][0]["handoff_time"] == "mon 09:00"  # today's forms are stored ...
        assert primary.outputs["__provider"] == old_providers["primary"]  # ... the outputs keep 0.1.0's provider

        refresh = engine.refresh()  # Read through the providers 0.1.0 pickled (flashcat_pulumi.providers.*)
        assert set(refresh.steps.values()) == {"read"}
        assert engine.entry("primary").outputs["layers"][0]["layer_start"] == "2026-11-30T09:00:00-05:00"
        after_refresh = engine.preview(program)
        assert set(after_refresh.steps.values()) == {"same"}, after_refresh.changes

        stored = emu.schedule(int(primary.id))
        assert [layer["layer_name"] for layer in stored["layers"]] == [
            "weekly", "Layer 2", "nights", "pulumi: Christmas", "pulumi: override"]
        engine.destroy()
        assert emu.schedules() == [] and emu.teams() == []
