"""Every program in examples/ runs against the emulator."""

from __future__ import annotations

import runpy
from pathlib import Path

from flashcat_pulumi.emulator import Emulator
from flashcat_pulumi.testing import Stack

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
KEY = "quickstart-test-key"


def test_client_tour(capsys):
    runpy.run_path(str(EXAMPLES / "client_tour.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "team 'SRE' created" in out
    assert "on call now: " in out
    assert "Carol Wang" in out  # the holiday override
    assert "create survived a lost reply" in out and "1 copy on the server" in out
    assert "still referenced by schedule 'SRE primary'" in out
    assert "cleaned up" in out


def test_quickstart_program_up_preview_destroy():
    with Emulator(app_key=KEY) as emu, Stack(EXAMPLES / "quickstart", emu) as stack:
        result = stack.up()
        assert result.steps == {"sre": "create", "sre-primary": "create"}
        [schedule] = emu.schedules()
        assert result.exports["schedule_id"] == schedule["schedule_id"]
        assert schedule["team_id"] == result.exports["team_id"]
        assert [layer["layer_name"] for layer in schedule["layers"]] == ["weekly", "pulumi: Christmas"]
        assert stack.preview().steps == {"sre": "same", "sre-primary": "same"}
        stack.destroy()
        assert emu.schedules() == [] and emu.teams() == []
