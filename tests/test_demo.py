"""``python3 scripts/dev.py demo`` (scripts/demo.py): offline through flashcat_pulumi.testing, and the
commands it gives a real ``pulumi`` CLI (played here by a recording stand-in on PATH)."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "scripts" / "demo.py"

FAKE_PULUMI = """\
#!{python}
# Records each call (arguments, directory, environment, stdin, the program's text), then acts as asked.
import json, os, sys, time
stdin = sys.stdin.read()
program = open("__main__.py").read() if os.path.exists("__main__.py") else ""
with open(os.environ["FAKE_PULUMI_LOG"], "a") as log:
    log.write(json.dumps({{"args": sys.argv[1:], "cwd": os.getcwd(), "stdin": stdin,
                          "dave": "dave@example.com" in program,
                          "manifest": open("Pulumi.yaml").read(),
                          "env": {{key: os.environ.get(key) for key in
                                  ("PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE", "PULUMI_SKIP_UPDATE_CHECK",
                                   "PULUMI_ACCESS_TOKEN")}}}}) + "\\n")
if sys.argv[1:3] == ["--non-interactive", os.environ.get("FAKE_PULUMI_FAIL", "-")]:
    print("error: the update failed", file=sys.stderr)
    sys.exit(255)
if sys.argv[1:3] == ["--non-interactive", os.environ.get("FAKE_PULUMI_HANG", "-")]:
    time.sleep(60)
print("fake pulumi", " ".join(sys.argv[1:]))
"""


def environment(tmp_path: Path, *, with_pulumi: bool, **extra: str) -> dict[str, str]:
    """PATH holds only a directory with (or without) a ``pulumi``; the demo calls Python by its path."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    if with_pulumi:
        fake = bin_dir / "pulumi"
        fake.write_text(FAKE_PULUMI.format(python=sys.executable))
        fake.chmod(0o755)
    env = {key: value for key, value in os.environ.items() if not key.startswith(("FLASHDUTY_", "PULUMI_"))}
    return {**env, "PATH": str(bin_dir), "FAKE_PULUMI_LOG": str(tmp_path / "calls.jsonl"),
            "PULUMI_ACCESS_TOKEN": "a-token-the-demo-must-not-use", **extra}


def run_demo(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(DEMO)], env=env, cwd=REPO, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=300, check=False)


def calls(tmp_path: Path) -> list[dict]:
    log = tmp_path / "calls.jsonl"
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def test_without_the_cli_the_demo_runs_the_quickstart_through_its_life(tmp_path):
    done = run_demo(environment(tmp_path, with_pulumi=False))
    out = done.stdout
    assert done.returncode == 0, done.stdout + done.stderr
    assert "the pulumi CLI is not on PATH (install it: https://www.pulumi.com/docs/install/)" in out
    # preview -> up -> who is on call -> the edit's diff and changed hands -> up -> destroy, in order
    order = ["+ sre (would create)", "+ flashduty:Team sre (created)", "+ flashduty:Schedule sre-primary (created)",
             "computed by Flashduty", "Thu 12-24 00:00 → Sat 12-26 00:00  Carol Wang",
             "~ flashduty:Team sre (would update)", '"dave@example.com"]', "Alice Chen → Dave Zhang",
             "~ flashduty:Schedule sre-primary (updated)", "- flashduty:Schedule sre-primary (deleted)",
             "- flashduty:Team sre (deleted)", "the emulator holds 0 teams and schedules now", "== done"]
    positions = [out.find(text) for text in order]
    assert -1 not in positions, [text for text, at in zip(order, positions, strict=True) if at == -1]
    assert positions == sorted(positions)
    [url] = [line.split(" at ", 1)[1].split(";")[0] for line in out.splitlines() if line.startswith("Flashduty")]
    with pytest.raises(OSError):  # the emulator is stopped
        __import__("urllib.request").request.urlopen(url + "/member/info", timeout=2)


def test_with_the_cli_the_demo_drives_it_on_a_throwaway_local_stack(tmp_path):
    done = run_demo(environment(tmp_path, with_pulumi=True))
    assert done.returncode == 0, done.stdout + done.stderr
    made = calls(tmp_path)
    assert [call["args"][1:] for call in made] == [
        ["stack", "init", "demo"],
        ["config", "set", "flashduty:baseUrl", made[1]["args"][-1]],
        ["config", "set", "--secret", "flashduty:appKey", made[2]["args"][-1]],
        ["preview"],
        ["up", "--yes", "--skip-preview"],
        ["preview", "--diff"],
        ["up", "--yes", "--skip-preview"],
        ["destroy", "--yes", "--skip-preview"],
        ["stack", "rm", "--yes", "--force", "demo"],
    ]
    assert all(call["args"][0] == "--non-interactive" and call["stdin"] == "" for call in made)
    # the edit lands between the first up and the diff
    assert [call["dave"] for call in made] == [False] * 5 + [True] * 4
    backend = made[0]["env"]["PULUMI_BACKEND_URL"]
    assert backend.startswith("file://") and "flashcat-demo-" in backend
    assert not Path(backend.removeprefix("file://")).exists()  # the temporary directory is gone
    assert all(call["env"]["PULUMI_CONFIG_PASSPHRASE"] and call["env"]["PULUMI_SKIP_UPDATE_CHECK"] == "true"
               and call["env"]["PULUMI_ACCESS_TOKEN"] is None for call in made)
    assert f"virtualenv: {Path(sys.prefix)}" in made[0]["manifest"]
    app_key = made[2]["args"][-1]
    assert app_key not in done.stdout + done.stderr
    assert "--non-interactive config set --secret flashduty:appKey ***" in done.stdout
    assert "oncall . --from 2026-11-30 --weeks 4\n" in done.stdout  # after the up
    assert "oncall . --from 2026-11-30 --weeks 4 --compare\n" in done.stdout  # after the diff


def test_a_failing_cli_step_stops_the_demo_with_its_error(tmp_path):
    done = run_demo(environment(tmp_path, with_pulumi=True, FAKE_PULUMI_FAIL="up"))
    assert done.returncode != 0
    assert "error: the update failed" in done.stdout
    assert "--non-interactive up --yes --skip-preview` failed (exit 255)" in done.stderr
    assert [call["args"][1] for call in calls(tmp_path)][-1] == "up"
    backend = calls(tmp_path)[0]["env"]["PULUMI_BACKEND_URL"]
    assert not Path(backend.removeprefix("file://")).exists()


def load_demo() -> ModuleType:
    spec = importlib.util.spec_from_file_location("flashcat_demo", DEMO)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_hanging_command_is_stopped(tmp_path, monkeypatch, capsys):
    demo = load_demo()
    for key, value in environment(tmp_path, with_pulumi=True, FAKE_PULUMI_HANG="preview").items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(demo, "COMMAND_TIMEOUT", 2.0)
    with pytest.raises(SystemExit, match=r"pulumi --non-interactive preview` took over 2 s; stopped"):
        demo.main()
    assert [call["args"][1] for call in calls(tmp_path)][-1] == "preview"


def test_the_edit_is_checked_against_the_quickstart(tmp_path):
    demo = load_demo()
    project = tmp_path / "quickstart"
    project.mkdir()
    (project / "__main__.py").write_text(textwrap.dedent("""\
        members=["alice@example.com"],
    """))
    with pytest.raises(SystemExit, match=r"no longer contains .* exactly once; update EDITS in scripts/demo\.py"):
        demo.edit_program(project)
