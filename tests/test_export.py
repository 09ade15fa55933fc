"""``flashcat-pulumi export``: the program it writes passes ruff, adopts every object without changing
it and previews quiet; selection by id and name, secrets kept out, one-line errors."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pulumi
import pytest

import flashcat_pulumi as fd
from flashcat_pulumi.cli import main
from flashcat_pulumi.client import FlashdutyClient
from flashcat_pulumi.emulator import DEFAULT_PEOPLE, Emulator
from flashcat_pulumi.export import Exported, SecretSetting, export_program
from flashcat_pulumi.testing import Stack

ROOT = Path(__file__).resolve().parents[1]
KEY = "export-test-key-5b1d"
ALICE, BOB, CAROL, DAVE, ERIN, FRANK = (person.email for person in DEFAULT_PEOPLE[1:7])
PERSON_ID = {person.email: person.person_id for person in DEFAULT_PEOPLE}
SECRETS = {"feishu": "feishu-robot-token-8c2a", "dingtalk": "dingtalk-access-token-31f7",
           "dingtalkSign": "SEC-dingtalk-sign-e902"}
STAMPS = {"update_at", "updated_at", "update_by", "updated_by", "updated_by_name", "create_at", "create_by"}
"""Who wrote a record and when: an adopting update restamps them (the layers too), and that is no change."""
OVERRIDE_ROTATION = {"rotation_duration", "rotation_unit", "rotation_value"}
"""Meaningless on an override layer (one group covers the whole span): the client writes a console-made
override back with a one-day rotation where the console stored none (wire.ScheduleLayer.request_body)."""
NOBODY = {"fixed_time": None, "by": {"follow_preference": False, "personal_channels": []}, "webhooks": []}
"""A ``notify`` that notifies nobody: an update always sends one (so that it clears notifications), where a
schedule made without one stores ``null``; the two mean the same."""


def seed(zone: str) -> Callable[[], None]:
    """A program making what export must read back: two teams, a schedule with four kinds of layers,
    overrides and webhooks, and a disabled schedule without a team, all in the account's zone."""
    def program() -> None:
        config = pulumi.Config()
        sre = fd.Team("sre", team_name="SRE", description="Site reliability", members=[ALICE, BOB, CAROL])
        fd.Team("data", team_name="Data", members=[DAVE, ERIN], ref_id="hr-data-7")
        # The second 01:30 of the night the clocks go back in New York (just 01:30 in Shanghai).
        clocks_back = datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=ZoneInfo(zone))
        fd.Schedule(
            "sre-primary", schedule_name="SRE primary", team_id=sre.team_id, time_zone=zone,
            description="Weekly primary and backup, business hours, weekends in pairs. " * 4,
            layers=[
                fd.Layer(layer_name="weekly", layer_start="2026-11-30T09:00", rotation_duration="1w",
                         handoff_time="mon 09:00",
                         groups=[fd.Group(primary=[ALICE], backup=[BOB]),
                                 fd.Group(name="swap", primary=[BOB], backup=[ALICE])]),
                fd.Layer(layer_name="business hours", layer_start="2026-11-30", rotation_duration="1d",
                         restrict_periods=["09:00-18:00", "22:00-24:00"], day_mask="weekdays",
                         mask_continuous_enabled=True, groups=[CAROL, [DAVE, ERIN]]),
                fd.Layer(layer_name="weekends", layer_start="2026-12-05T10:00", layer_end="2027-06-30T18:00",
                         rotation_duration="2w", handoff_time="sat 10:00", restrict_periods=["sat 10:00-mon 09:00"],
                         fair_rotation=True, groups=[fd.Group(people=[FRANK], role_id=1), ERIN]),
                fd.Layer(layer_start="2026-12-01T08:00", rotation_unit="hour", rotation_value=12, groups=[ALICE, BOB]),
            ],
            overrides=[fd.Override(name="Christmas", start="2026-12-24", end="2026-12-26", person=CAROL),
                       fd.Override(start=clocks_back, end="2026-11-01T12:00", persons=[DAVE, ERIN])],
            notify=fd.Notify(advance_in_time="10m", fixed_time="08:00", personal_channels=["email", "sms"], webhooks=[
                fd.Webhook(type="feishu", alias="#sre", token=config.require_secret("feishu")),
                fd.Webhook(type="dingtalk", token=config.require_secret("dingtalk"),
                           sign_secret=config.require_secret("dingtalkSign")),
                fd.Webhook(type="feishu_app", data_source_id=42, chat_ids=["oc_ops", "oc_sre"])]))
        fd.Schedule("nights", schedule_name="Nights", time_zone=zone, enabled=False,
                    layers=[fd.Layer(layer_start="2026-11-30T20:00", rotation_unit="month", rotation_value=1,
                                     groups=[FRANK, DAVE])],
                    notify=fd.Notify(follow_preference=True))
    return program


HOUR, DAY = 3600, 86400


def populate(emu: Emulator) -> None:
    """The seed program deployed (its state then dropped: the objects stay), plus what other hands made:
    a team and a schedule through the API, and an override in the web console."""
    with Stack(seed(emu.time_zone), emu, config=SECRETS, secrets=SECRETS) as stack:
        stack.up()
    zone = ZoneInfo(emu.time_zone)
    with FlashdutyClient(app_key=emu.app_key, base_url=emu.base_url) as client:
        client.upsert_team({"team_name": "Nights"})  # a team whose slug a schedule has too
        client.create_schedule({"schedule_name": "数据库值班", "layers": [{
            "layer_name": "day crew", "mode": 0, "rotation_duration": 12 * HOUR,
            "layer_start": int(datetime(2026, 12, 7, 8, tzinfo=zone).timestamp()),
            "restrict_mode": 2, "restrict_periods": [{"restrict_start": 9 * HOUR, "restrict_end": 4 * DAY + 18 * HOUR}],
            "groups": [{"group_name": "Day crew", "members": [{"role_id": 0, "person_ids": [PERSON_ID[ALICE],
                                                                                            PERSON_ID[BOB]]}]}]}]})
    primary = named(emu.schedules(), "SRE primary")
    sick = datetime(2026, 12, 9, tzinfo=zone)
    emu.ui.add_override(primary["schedule_id"], int(sick.timestamp()), int(sick.timestamp()) + DAY, PERSON_ID[DAVE],
                        layer_name="Sick day")


def named(items: list[dict[str, Any]], name: str) -> dict[str, Any]:
    [item] = [item for item in items if item.get("schedule_name", item.get("team_name")) == name]
    return item


def stored(emu: Emulator) -> list[Any]:
    """Every schedule and team as the emulator holds them, without what says who wrote them when."""
    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            ignored = STAMPS | (OVERRIDE_ROTATION if value.get("mode") == 1 else set())
            return {key: None if key == "notify" and item == NOBODY else strip(item)
                    for key, item in value.items() if key not in ignored}
        if isinstance(value, list):
            return [strip(item) for item in value]
        return value
    return strip([emu.schedules(), emu.teams()])


def secret_of(emu: Emulator, setting: SecretSetting) -> str:
    """The value a secret config key stands for, read from the webhook it belongs to."""
    webhooks = named(emu.schedules(), setting.schedule_name)["notify"]["webhooks"]
    [webhook] = [webhook for webhook in webhooks
                 if webhook["type"] == setting.webhook_type and webhook["settings"]["alias"] == setting.alias]
    return webhook["settings"][setting.field]


def ruff(source: str) -> str:
    """What ruff, with the repository's configuration, finds wrong with ``source`` ("" when nothing)."""
    checked = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--quiet", "--stdin-filename",
                              "exported.py", "-"], input=source, capture_output=True, text=True, cwd=ROOT)
    return checked.stdout + checked.stderr


def exported_from(emu: Emulator, **selection: Any) -> Exported:
    with FlashdutyClient(app_key=emu.app_key, base_url=emu.base_url) as client:
        return export_program(client, **selection)


# --- the round trip ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("zone", "second_half_past_one"), [
    ("Asia/Shanghai", 'start="2026-11-01T01:30"'),
    ("America/New_York", 'start="2026-11-01T01:30:00-05:00"'),  # the offset tells the repeated hour apart
])
def test_the_exported_program_adopts_everything_and_changes_nothing(zone: str, second_half_past_one: str,
                                                                    tmp_path: Path) -> None:
    with Emulator(app_key=KEY, time_zone=zone) as emu:
        populate(emu)
        exported = exported_from(emu, everything=True)
        assert exported.warnings == ()
        assert ruff(exported.source) == ""
        assert f'time_zone="{zone}"' in exported.source and second_half_past_one in exported.source
        assert [value for value in SECRETS.values() if value in exported.source] == []
        assert len(exported.secrets) == 3

        before = stored(emu)
        existing = {item["schedule_id"] for item in emu.schedules()} | {item["team_id"] for item in emu.teams()}
        program = tmp_path / "__main__.py"
        program.write_text(exported.source)
        config = {setting.key: secret_of(emu, setting) for setting in exported.secrets}
        with Stack(program, emu, config=config, secrets=config) as stack:
            assert stack.up().steps == dict.fromkeys(exported.resources, "create")
            assert {int(entry.id) for entry in stack.state.values()} == existing  # adopted, none made
            assert stored(emu) == before
            assert stack.preview().steps == dict.fromkeys(exported.resources, "same")
            schedule = stack.state[exported.resources[-2]]  # "SRE primary": its webhook tokens stay secret
            assert "notify" in schedule.secret_inputs and "notify" in schedule.secret_outputs


# --- what the program says --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def account() -> Iterator[Emulator]:
    with Emulator(app_key=KEY, rate_limits=False) as emu:  # many commands in a row: no waiting out 429s
        populate(emu)
        yield emu


def test_the_program_reads_as_a_person_would_write_it(account: Emulator) -> None:
    source = exported_from(account, teams=["SRE"], schedules=["SRE primary"]).source
    for written in (
        'sre = fd.Team(\n    "sre",\n    team_name="SRE",',
        "team_id=sre.team_id,",
        'layer_start="2026-11-30T09:00",',
        'handoff_time="mon 09:00",',
        'fd.Group(name="swap", primary=["bob@example.com"], backup=["alice@example.com"]),',
        'layer_start="2026-11-30",',
        'restrict_periods=["09:00-18:00", "22:00-24:00"],',
        'day_mask="weekdays",',
        'groups=["carol@example.com", ["dave@example.com", "erin@example.com"]],',
        'layer_end="2027-06-30T18:00",',
        'restrict_periods=["sat 10:00-mon 09:00"],',
        'groups=[fd.Group(backup=["frank@example.com"]), "erin@example.com"],',
        'fd.Layer(\n            layer_start="2026-12-01T08:00",\n            rotation_duration="12h",\n'
        '            groups=["alice@example.com", "bob@example.com"],\n        ),',
        'fd.Override(name="Christmas", start="2026-12-24", end="2026-12-26", person="carol@example.com"),',
        'persons=["dave@example.com", "erin@example.com"]',
        'fd.Webhook(type="feishu", alias="#sre", token=config.require_secret("srePrimaryFeishuToken")),',
        'sign_secret=config.require_secret("srePrimaryDingtalkSignSecret"),',
        'fd.Webhook(type="feishu_app", data_source_id=42, chat_ids=["oc_ops", "oc_sre"]),',
        "    adopt=True,\n)\n",
    ):
        assert written in source, written
    assert max(len(line) for line in source.splitlines()) <= 120
    # The console's override is named in a comment, never declared.
    assert [line for line in source.splitlines() if "Sick day" in line and not line.startswith("#")] == []
    comments = " ".join(line.removeprefix("# ") for line in source.splitlines() if line.startswith("# "))
    assert comments.startswith("Not declared: 1 override made in the Flashduty web console ('Sick day' 2026-12-09 "
                               "to 2026-12-10: dave@example.com). The provider keeps it")
    assert "layer_name=\"Layer 4\"" not in source and "restrict_mode" not in source


# --- the command ------------------------------------------------------------------------------------

@pytest.fixture
def env(account: Emulator, monkeypatch: pytest.MonkeyPatch) -> Emulator:
    monkeypatch.setenv("FLASHDUTY_APP_KEY", account.app_key)
    monkeypatch.setenv("FLASHDUTY_BASE_URL", account.base_url)
    return account


def export(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["export", *args])
    out, err = capsys.readouterr()
    assert KEY not in out and KEY not in err
    return code, out, err


NIGHTS = '''
nights = fd.Schedule(
    "nights",
    schedule_name="Nights",
    time_zone="Asia/Shanghai",
    enabled=False,
    layers=[
        fd.Layer(
            layer_start="2026-11-30T20:00",
            rotation_unit="month",
            rotation_value=1,
            groups=["frank@example.com", "dave@example.com"],
        ),
    ],
    notify=fd.Notify(follow_preference=True),
    adopt=True,
)
'''
"""The schedule "Nights" exported on its own (with the team "Nights" too, it is ``nights_schedule``)."""


def test_a_schedule_by_id_alone(capsys: pytest.CaptureFixture[str], env: Emulator) -> None:
    nights = named(env.schedules(), "Nights")["schedule_id"]
    code, out, err = export(capsys, "--schedule", str(nights))
    assert (code, err) == (0, "")
    assert out.startswith(f'"""Flashduty teams and schedules, exported from {env.base_url} with:\n\n'
                          f'    flashcat-pulumi export --schedule {nights}\n\nadopt=True takes')
    assert out.endswith('"""\n\nimport flashcat_pulumi as fd\n' + NIGHTS)  # no secrets: no pulumi.Config
    assert ruff(out) == ""


def test_a_schedule_whose_team_is_not_exported_names_its_id_and_the_secrets(capsys: pytest.CaptureFixture[str],
                                                                            env: Emulator) -> None:
    sre = named(env.teams(), "SRE")["team_id"]
    code, out, err = export(capsys, "--schedule", "SRE primary")
    assert code == 0
    assert f"    team_id={sre},\n" in out and "fd.Team(" not in out
    assert f"# team_id {sre} is the team 'SRE', which this program does not declare.\n" in out
    assert [value for value in SECRETS.values() if value in out + err] == []
    assert err.splitlines() == [
        "flashcat-pulumi export: the program reads 3 webhook secrets from the stack config; in the project's "
        "directory, set them (the values are in the Flashduty console) before `pulumi up`:",
        "  pulumi config set --secret srePrimaryFeishuToken <token>  # the feishu webhook '#sre' of schedule "
        "'SRE primary'",
        "  pulumi config set --secret srePrimaryDingtalkToken <token>  # the dingtalk webhook of schedule "
        "'SRE primary'",
        "  pulumi config set --secret srePrimaryDingtalkSignSecret <sign_secret>  # the dingtalk webhook of schedule "
        "'SRE primary'",
    ]
    assert ruff(out) == ""


def test_by_name_and_id_each_once_teams_first(capsys: pytest.CaptureFixture[str], env: Emulator) -> None:
    nights = named(env.schedules(), "Nights")["schedule_id"]
    code, out, _ = export(capsys, "--schedule", "SRE primary", "--schedule", "Nights", "--schedule", str(nights),
                          "--team", "SRE")
    assert code == 0
    assert out.count(" = fd.") == 3 and out.count('schedule_name="Nights"') == 1
    assert out.index("sre = fd.Team(") < out.index("sre_primary = fd.Schedule(") < out.index("nights = fd.Schedule(")
    assert "team_id=sre.team_id," in out
    assert f"\n    flashcat-pulumi export --team SRE --schedule 'SRE primary' --schedule Nights --schedule {nights}\n" \
        in out


def test_all_to_a_file(capsys: pytest.CaptureFixture[str], env: Emulator, tmp_path: Path) -> None:
    target = tmp_path / "__main__.py"
    code, out, err = export(capsys, "--all", "--out", str(target))
    assert (code, out) == (0, "")
    source = target.read_text(encoding="utf-8")
    assert source.startswith(f'"""Flashduty teams and schedules, exported from {env.base_url} with:\n\n'
                             f'    flashcat-pulumi export --all\n\n')
    made_elsewhere = named(env.schedules(), "数据库值班")["schedule_id"]  # no ASCII name: named by its id
    names = ["sre", "data", "nights", "nights-schedule", "sre-primary", f"schedule-{made_elsewhere}"]
    assert [line.split('"')[1] for line in source.splitlines() if line.startswith('    "')] == names
    assert err.splitlines()[-1] == f"flashcat-pulumi export: wrote {target}: {', '.join(names)}"
    assert KEY not in source


def test_what_is_not_found_fails_in_one_line_and_writes_nothing(capsys: pytest.CaptureFixture[str], env: Emulator,
                                                              tmp_path: Path) -> None:
    target = tmp_path / "__main__.py"
    code, out, err = export(capsys, "--schedule", "SRE primry", "--schedule", "Nights", "--team", "424242",
                            "--out", str(target))
    assert (code, out) == (1, "")
    assert err == ("flashcat-pulumi export: error: not found in Flashduty: no schedule has the id or name "
                   "'SRE primry' (did you mean 'SRE primary'?); no team has the id or name '424242'\n")
    assert not target.exists()


@pytest.mark.parametrize(("args", "message"), [
    ([], "name what to export: --schedule ID|NAME, --team ID|NAME (each repeatable) or --all"),
    (["--all", "--team", "SRE"], "--all exports every team and schedule: give it without --schedule and --team"),
])
def test_usage_errors(capsys: pytest.CaptureFixture[str], env: Emulator, args: list[str], message: str) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["export", *args])
    assert exited.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == f"flashcat-pulumi export: error: {message}"


def test_no_app_key(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FLASHDUTY_APP_KEY", raising=False)
    code, out, err = export(capsys, "--all")
    assert (code, out) == (1, "")
    assert err == ("flashcat-pulumi export: error: no Flashduty app key: export FLASHDUTY_APP_KEY (and "
                   "FLASHDUTY_BASE_URL to use the emulator or another endpoint)\n")


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["export", "--help"])
    out = capsys.readouterr().out
    assert exited.value.code == 0
    for text in ("--schedule ID|NAME", "--team ID|NAME", "--all", "--out FILE", "adopt=True", "FLASHDUTY_APP_KEY",
                 "pulumi config set --secret", "examples:"):
        assert text in out
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "export" in capsys.readouterr().out


def test_what_flashcat_pulumi_does_not_write_is_warned_about(capsys: pytest.CaptureFixture[str], emulator: Emulator,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    with FlashdutyClient(app_key=emulator.app_key, base_url=emulator.base_url) as client:
        odd = client.create_schedule({"schedule_name": "Odd", "layers": [{
            "layer_name": "half hours", "mode": 0, "rotation_duration": HOUR, "layer_start": 1796000400,
            "groups": [{"group_name": "A", "members": [{"role_id": 0, "person_ids": [PERSON_ID[ALICE]]}]}]}]})

    def half_hours(record: dict[str, Any]) -> None:  # as an older server could hold it
        record["layers"][0].update(rotation_duration=1800, rotation_unit=None, rotation_value=None)

    emulator.ui.edit_schedule_raw(odd, half_hours)
    monkeypatch.setenv("FLASHDUTY_APP_KEY", emulator.app_key)
    monkeypatch.setenv("FLASHDUTY_BASE_URL", emulator.base_url)
    code, out, err = export(capsys, "--schedule", "Odd")
    warning = ("schedule 'Odd' holds what flashcat-pulumi does not write, so `pulumi preview` refuses the program "
               "until it is changed: layers[0].rotation_duration: must be between 3600 and 2592000 seconds (1h..30d), "
               "got 1800")
    assert (code, err) == (0, f"flashcat-pulumi export: warning: {warning}\n")
    assert "rotation_duration=1800," in out  # as stored: the rules have no spelling for it
    assert f"Warning: {warning}." in " ".join(line.removeprefix("# ") for line in out.splitlines()
                                              if line.startswith("# "))
    assert ruff(out) == ""
