"""The ``flashcat-pulumi`` command line: ``emulator`` as a real process, and its argument checks."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from flashcat_pulumi import cli
from flashcat_pulumi.emulator.state import MEMBER_FIRST_ID

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_cli_serves_until_stopped(tmp_path, stop_signal):
    state = tmp_path / "state.json"
    paths = [str(REPO), os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, paths))}
    process = subprocess.Popen(
        [sys.executable, "-m", "flashcat_pulumi", "emulator", "--port", "0", "--state", str(state),
         "--rate-limit", "real", "--latency", "1ms", "--key", "reader=schedules:read", "--member-ids", "distinct"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path, env=env)
    try:
        first, second = process.stdout.readline(), process.stdout.readline()
        url = re.fullmatch(r"Flashduty emulator listening on (http://127\.0\.0\.1:(\d+))\n", first)
        key = re.fullmatch(r"app key: ([0-9a-f]{32})\n", second)
        assert url and key and int(url.group(2)) > 0, (first, second)
        response = httpx.post(f"{url.group(1)}/team/list", params={"app_key": key.group(1)}, json={})
        assert response.status_code == 200 and response.json()["data"]["items"] == []
        assert response.headers["Flashcat-Request-Id"] == response.json()["request_id"]
        created = httpx.post(f"{url.group(1)}/team/upsert", params={"app_key": key.group(1)},
                             json={"team_name": "From the CLI"})
        assert created.status_code == 200
        denied = httpx.post(f"{url.group(1)}/team/upsert", params={"app_key": "reader"},
                            json={"team_name": "x"})
        assert denied.status_code == 403
        member = httpx.post(f"{url.group(1)}/member/info", params={"app_key": key.group(1)}, json={})
        assert member.json()["data"]["member_id"] == MEMBER_FIRST_ID + 1  # Alice, numbered apart
        process.send_signal(stop_signal)
        assert process.wait(timeout=10) == 0
        output = process.stdout.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
        process.stderr.close()
    assert key.group(1) not in output
    assert [t["team_name"] for t in json.loads(state.read_text())["teams"]] == ["From the CLI"]


def test_cli_reports_a_corrupt_state_file(tmp_path, capsys):
    state = tmp_path / "state.json"
    state.write_text("[]")
    with pytest.raises(SystemExit) as info:
        cli.main(["emulator", "--port", "0", "--state", str(state)])
    assert info.value.code == 2 and "not a usable emulator state file" in capsys.readouterr().err


def test_cli_help(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["--help"])
    assert info.value.code == 0 and "emulator" in capsys.readouterr().out
    with pytest.raises(SystemExit) as info:
        cli.main(["emulator", "--help"])
    out = capsys.readouterr().out
    assert info.value.code == 0
    for flag in ("--host", "--port", "--app-key", "--state", "--seed", "--time-zone", "--member-ids",
                 "--rate-limit", "--latency", "--faults", "--key"):
        assert flag in out


@pytest.mark.parametrize(("args", "message"), [
    (["--latency", "5x"], "argument --latency: invalid latency '5x'"),
    (["--rate-limit", "fast"], "argument --rate-limit: invalid rate limit 'fast'"),
    (["--rate-limit", "/nope=1/s"], "argument --rate-limit: unknown path '/nope'"),
    (["--faults", "429=2"], "argument --faults: invalid fault '429=2'"),
    (["--key", "k=admin"], "argument --key: invalid key 'k=admin'"),
    (["--key", "nokey"], "argument --key: invalid key 'nokey'"),
    (["--time-zone", "Mars/Base"], "argument --time-zone: unknown time zone 'Mars/Base'"),
    (["--member-ids", "mixed"], "argument --member-ids: invalid choice: 'mixed'"),
    (["--port", "70000"], "argument --port: expected a port number from 0 to 65535"),
    (["--seed", "/nonexistent.json"], "argument --seed: /nonexistent.json: cannot read the seed file"),
    (["--app-key", ""], "argument --app-key: expected a non-empty app key"),
])
def test_cli_rejects_bad_values(capsys, args, message):
    with pytest.raises(SystemExit) as info:
        cli.main(["emulator", *args])
    assert info.value.code == 2 and message in capsys.readouterr().err


def test_cli_rate_limit_specs_apply_in_order():
    specs = [cli._rate_limit(s) for s in ("off", "50/s", "/schedule/preview=10/s,60/min")]
    table = cli._limit_table(specs)
    assert {path: str(limit) for path, limit in table.items()} == {
        "*": "50/s", "/schedule/preview": "10/s,60/min"}
    assert cli._limit_table([cli._rate_limit("off")]) == {}
    real = cli._limit_table([cli._rate_limit("off"), cli._rate_limit("real")])
    assert set(real) == {"*", "/schedule/preview"}
