"""Every program in examples/ runs against the emulator."""

from __future__ import annotations

import runpy
from pathlib import Path

import pulumi
import pytest

from flashcat_pulumi.emulator import Emulator

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


class Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict]:
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict:
        return {}


def test_client_tour(capsys):
    runpy.run_path(str(EXAMPLES / "client_tour.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "team 'SRE' created" in out
    assert "on call now: " in out
    assert "Carol Wang" in out  # the holiday override
    assert "create survived a lost reply" in out and "1 copy on the server" in out
    assert "still referenced by schedule 'SRE primary'" in out
    assert "cleaned up" in out


def test_quickstart_program_exports_the_account(monkeypatch):
    with Emulator(app_key="quickstart-key") as emu:
        monkeypatch.setenv("FLASHDUTY_APP_KEY", emu.app_key)
        monkeypatch.setenv("FLASHDUTY_BASE_URL", emu.base_url)
        pulumi.runtime.set_mocks(Mocks(), project="flashcat-quickstart", stack="dev", preview=False)
        runpy.run_path(str(EXAMPLES / "quickstart" / "__main__.py"))
        outputs = pulumi.runtime.settings.get_root_resource().outputs
    assert outputs["account"] == "Emulated Account"
    assert outputs["account_time_zone"] == "Asia/Shanghai"
    assert outputs["people"][:2] == ["alice@example.com", "bob@example.com"]


def test_quickstart_without_a_key_says_how_to_set_it(monkeypatch):
    monkeypatch.delenv("FLASHDUTY_APP_KEY", raising=False)
    pulumi.runtime.set_mocks(Mocks(), project="flashcat-quickstart", stack="dev", preview=False)
    with pytest.raises(Exception, match="FLASHDUTY_APP_KEY is not set"):
        runpy.run_path(str(EXAMPLES / "quickstart" / "__main__.py"))
