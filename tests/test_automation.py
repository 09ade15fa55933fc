"""The quickstart through the real Pulumi CLI (Automation API, local file backend) against the emulator.

Runs only where the ``pulumi`` CLI is installed; elsewhere tests/test_resources_engine.py drives the
same providers through the provider server without the CLI.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from flashcat_pulumi.emulator import Emulator

pytestmark = pytest.mark.skipif(
    shutil.which("pulumi") is None,
    reason="the pulumi CLI is not on PATH: this test runs real `pulumi up/preview/refresh/destroy` "
           "through the Automation API (the engine-protocol tests cover the providers without it)",
)

ROOT = Path(__file__).resolve().parent.parent
KEY = "automation-test-key"


def test_quickstart_with_the_pulumi_cli(tmp_path):
    from pulumi import automation as auto

    program_dir = tmp_path / "program"
    program_dir.mkdir()
    shutil.copy(ROOT / "examples" / "quickstart" / "__main__.py", program_dir / "__main__.py")
    settings = auto.ProjectSettings(
        name="flashcat-quickstart",
        runtime=auto.ProjectRuntimeInfo(name="python", options={"virtualenv": sys.prefix}),
        backend=auto.ProjectBackend(url=f"file://{tmp_path / 'state'}"),
    )
    (tmp_path / "state").mkdir()
    with Emulator(app_key=KEY) as emu:
        stack = auto.create_or_select_stack(
            "test", work_dir=str(program_dir),
            opts=auto.LocalWorkspaceOptions(project_settings=settings,
                                            env_vars={"PULUMI_CONFIG_PASSPHRASE": "test"}))
        stack.set_config("flashduty:baseUrl", auto.ConfigValue(emu.base_url))
        stack.set_config("flashduty:appKey", auto.ConfigValue(KEY, secret=True))
        try:
            up = stack.up()
            [schedule] = emu.schedules()
            assert up.outputs["schedule_id"].value == schedule["schedule_id"]
            preview = stack.preview()
            assert set(preview.change_summary) == {auto.OpType.SAME}
            stack.refresh()
            assert set(stack.preview().change_summary) == {auto.OpType.SAME}
            state = (tmp_path / "state").rglob("*.json")
            assert all(KEY not in path.read_text() for path in state)
        finally:
            stack.destroy()
            stack.workspace.remove_stack("test")
        assert emu.schedules() == [] and emu.teams() == []
