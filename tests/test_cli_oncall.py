"""``flashcat-pulumi oncall``: a program's schedules rendered, computed locally or by Flashduty (the
emulator), compared with the live schedules, and its errors."""

from __future__ import annotations

import textwrap
import time
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from flashcat_pulumi.cli import main
from flashcat_pulumi.client import FlashdutyClient
from flashcat_pulumi.emulator import Emulator

ROOT = Path(__file__).resolve().parents[1]
QUICKSTART = ROOT / "examples" / "quickstart"
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def no_account(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("FLASHDUTY_APP_KEY", "FLASHDUTY_BASE_URL", "FLASHDUTY_TIME_ZONE"):
        monkeypatch.delenv(variable, raising=False)


@pytest.fixture
def account(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> Emulator:
    monkeypatch.setenv("FLASHDUTY_APP_KEY", emulator.app_key)
    monkeypatch.setenv("FLASHDUTY_BASE_URL", emulator.base_url)
    return emulator


def program(tmp_path: Path, body: str, name: str = "prog") -> Path:
    directory = tmp_path / name
    directory.mkdir()
    (directory / "Pulumi.yaml").write_text(f"name: {name}\nruntime: python\n")
    (directory / "__main__.py").write_text("import flashcat_pulumi as fd\n" + textwrap.dedent(body))
    return directory


def oncall(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["oncall", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_text_computed_locally(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = oncall(capsys, str(QUICKSTART), "--from", "2026-11-30", "--weeks", "4")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "SRE primary · Asia/Shanghai · computed locally · Mon 11-30 00:00 → Mon 12-28 00:00"
    final = lines[lines.index("  final (who is paged)") + 1:]
    assert final == [
        "    Mon 11-30 00:00 → Mon 11-30 09:00  (nobody)",
        "    Mon 11-30 09:00 → Mon 12-07 09:00  alice@example.com",
        "    Mon 12-07 09:00 → Mon 12-14 09:00  bob@example.com",
        "    Mon 12-14 09:00 → Mon 12-21 09:00  alice@example.com",
        "    Mon 12-21 09:00 → Thu 12-24 00:00  bob@example.com",
        "    Thu 12-24 00:00 → Sat 12-26 00:00  carol@example.com",
        "    Sat 12-26 00:00 → Mon 12-28 00:00  bob@example.com",
    ]
    assert "  override Christmas" in lines


def test_every_format_to_a_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    for fmt in ("markdown", "mermaid", "svg"):
        out_file = tmp_path / f"oncall.{fmt}"
        code, out, err = oncall(capsys, str(QUICKSTART), "--from", "2026-12-21", "--weeks", "1", "--format", fmt,
                                "--out", str(out_file))
        assert (code, out, err) == (0, "", "")
        text = out_file.read_text()
        if fmt == "markdown":
            assert "| Thu 12-24 00:00 | Sat 12-26 00:00 | carol@example.com |" in text
        elif fmt == "mermaid":
            assert text.startswith("```mermaid\ngantt\n")
            assert "    carol@example.com :t" in text and ", 2026-12-24 00:00, 2026-12-26 00:00" in text
        else:
            root = ET.fromstring(text)
            assert root.tag.endswith("svg")
            assert any("SRE primary" in (node.text or "") for node in root.iter())


def test_computed_by_flashduty_with_names(capsys: pytest.CaptureFixture[str], account: Emulator) -> None:
    code, out, err = oncall(capsys, str(QUICKSTART), "--from", "2026-12-21", "--weeks", "1")
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == ("SRE primary · Asia/Shanghai · computed by Flashduty · "
                                   "Mon 12-21 00:00 → Mon 12-28 00:00")
    assert "    Thu 12-24 00:00 → Sat 12-26 00:00  Carol Wang" in out.splitlines()
    assert account.app_key not in out
    assert not [r for r in account.requests if r.path in ("/schedule/create", "/schedule/update", "/team/upsert")]


ROTATION = """
    fd.Schedule("now", schedule_name="Now", time_zone="Asia/Shanghai",
                layers=[fd.Layer(layer_start="2026-01-01T00:00", rotation_duration="1d", groups=[[{who!r}]])])
"""


def test_compare_says_what_changes_hands_and_whether_now_moves(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                               account: Emulator) -> None:
    live = program(tmp_path, ROTATION.format(who="alice@example.com"), "live")
    client = FlashdutyClient(app_key=account.app_key, base_url=account.base_url)
    alice = 2476444212131
    layer = {"layer_name": "layer", "mode": 0, "groups": [{"group_name": "A", "members": [
        {"role_id": 0, "person_ids": [alice]}]}], "rotation_unit": "day", "rotation_value": 1,
        "layer_start": int(datetime(2026, 1, 1, tzinfo=SHANGHAI).timestamp())}
    client.create_schedule({"schedule_name": "Now", "layers": [layer]})

    code, out, err = oncall(capsys, str(live), "--compare")
    assert (code, err) == (0, "")
    assert "no change" in out

    changed = program(tmp_path, ROTATION.format(who="bob@example.com"), "changed")
    code, out, err = oncall(capsys, str(changed), "--compare", "--weeks", "1")
    assert (code, err) == (0, "")
    today = datetime.fromtimestamp(time.time(), SHANGHAI).date()
    start = datetime(today.year, today.month, today.day, tzinfo=SHANGHAI)
    assert f"{start:%a %m-%d} 00:00 → " in out and ": Alice Chen → Bob Li" in out
    assert "on call now: Alice Chen → Bob Li — this change moves who is on call now" in out

    new = program(tmp_path, ROTATION.format(who="bob@example.com").replace('"Now"', '"Brand new"'), "new")
    code, out, err = oncall(capsys, str(new), "--compare", "--format", "markdown")
    assert code == 0
    assert "new schedule" in out.lower()


def test_compare_needs_an_app_key(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = oncall(capsys, str(QUICKSTART), "--compare")
    assert (code, out) == (1, "")
    assert err.startswith("flashcat-pulumi oncall: error: --compare reads the live schedules from Flashduty: "
                          "give an app key")


def test_not_a_program(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = oncall(capsys, str(tmp_path))
    assert (code, out) == (1, "")
    assert err == (f"flashcat-pulumi oncall: error: {tmp_path} is not a Pulumi program: it has neither Pulumi.yaml "
                   f"nor __main__.py\n")


def test_a_failing_program(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    failing = program(tmp_path, "raise RuntimeError('no such team')\n")
    code, out, err = oncall(capsys, str(failing))
    assert (code, out) == (1, "")
    assert "failed: RuntimeError: no such team (" in err and "__main__.py:2" in err


def test_no_schedules(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    teams = program(tmp_path, 'fd.Team("sre", team_name="SRE", members=["alice@example.com"])\n')
    code, out, err = oncall(capsys, str(teams))
    assert (code, out) == (1, "")
    assert err == (f"flashcat-pulumi oncall: error: the program in {teams} declares no flashcat_pulumi Schedule "
                   f"(it declares: Team)\n")


def test_an_invalid_schedule_is_named_and_the_others_shown(capsys: pytest.CaptureFixture[str],
                                                           tmp_path: Path) -> None:
    mixed = program(tmp_path, textwrap.dedent(ROTATION.format(who="alice@example.com")) + textwrap.dedent("""
        fd.Schedule("bad", schedule_name="Bad", time_zone="Asia/Shanghai",
                    layers=[fd.Layer(layer_start="2026-01-01T00:00", rotation_duration="1 fortnight",
                                     groups=[["bob@example.com"]])])
    """))
    code, out, err = oncall(capsys, str(mixed))
    assert code == 1
    assert out.startswith("Now · Asia/Shanghai · computed locally")
    assert err.startswith("flashcat-pulumi oncall: error: schedule 'bad': layers[0].rotation_duration: ")


@pytest.mark.parametrize(("args", "message"), [
    (["--from", "12/01/2026"], "'12/01/2026' is not a date; give YYYY-MM-DD"),
    (["--weeks", "0"], "'0' is not a number of weeks from 1 to 52"),
    (["--format", "pdf"], "invalid choice: 'pdf'"),
])
def test_bad_arguments(capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["oncall", str(QUICKSTART), *args])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_help_lists_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["oncall", "--help"])
    out = capsys.readouterr().out
    for option in ("--stack", "--from", "--weeks", "--format", "--out", "--compare", "computed by Flashduty"):
        assert option in out
