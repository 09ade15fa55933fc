"""flashcat_pulumi.program: Pulumi programs found, configured and run under mocks, without the Pulumi CLI.

The programs are under tests/fixtures/programs (see its README), plus examples/quickstart and the
repository root, whose Pulumi.yaml says ``main: examples/quickstart``.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import textwrap
from pathlib import Path

import pytest

from flashcat_pulumi import Schedule, Team
from flashcat_pulumi.program import (
    FAKE_ID_BASE,
    SCHEDULE_TYPE,
    SECRET_PLACEHOLDER,
    TEAM_TYPE,
    NotAProgram,
    Program,
    ProgramError,
    ProgramFailed,
    run_program,
)

ROOT = Path(__file__).resolve().parent.parent
QUICKSTART = ROOT / "examples" / "quickstart"
PROGRAMS = Path(__file__).resolve().parent / "fixtures" / "programs"


def by_name(program: Program) -> dict[str, object]:
    return {resource.name: resource for resource in program.resources}


def write(directory: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return directory


# --- what a program declares ----------------------------------------------------------------------

def check_quickstart(program: Program) -> None:
    assert [(r.name, r.kind) for r in program.resources] == [("sre", "Team"), ("sre-primary", "Schedule")]
    team, schedule = program.resources
    assert program.schedules == (schedule,) and program.teams == (team,)
    assert team.id == str(FAKE_ID_BASE + 1) and schedule.id == str(FAKE_ID_BASE + 2)
    assert team.props == {"team_name": "SRE", "description": "Site reliability", "adopt": False,
                          "members": ["alice@example.com", "bob@example.com", "carol@example.com"]}
    props = schedule.props
    assert "__provider" not in props and "__provider" not in team.props
    assert props["schedule_name"] == "SRE primary"
    assert props["time_zone"] == "Asia/Shanghai"
    assert props["team_id"] == 9_000_000_001 and isinstance(props["team_id"], int)  # the team's fake id
    assert props["layers"] == [{"layer_name": "weekly", "layer_start": "2026-11-30T09:00", "rotation_duration": "1w",
                                "handoff_time": "mon 09:00", "groups": [["alice@example.com"], ["bob@example.com"]]}]
    assert props["overrides"] == [{"name": "Christmas", "start": "2026-12-24T00:00", "end": "2026-12-26T00:00",
                                   "person": "carol@example.com"}]
    assert props["notify"] == {"advance_in_time": "10m", "personal_channels": ["email"]}
    assert props["upcoming_shift_count"] == 5 and props["enabled"] is True
    assert "schedule_id" not in props and "current_oncall" not in props  # outputs, not inputs


def test_quickstart_directory():
    program = run_program(QUICKSTART)
    check_quickstart(program)
    assert program.directory == QUICKSTART and program.main == QUICKSTART / "__main__.py"
    assert program.project == "quickstart"  # no Pulumi.yaml there: the directory's name
    assert (program.stack, program.config, program.secrets) == ("dev", {}, frozenset())


def test_repository_root_follows_main(capsys):
    program = run_program(str(ROOT))
    check_quickstart(program)
    assert program.project == "flashcat-quickstart"
    assert program.directory == ROOT and program.main == QUICKSTART / "__main__.py"


def test_type_tokens_under_mocks():
    assert f"pulumi-python:{Schedule._resource_type_name}" == SCHEDULE_TYPE
    assert f"pulumi-python:{Team._resource_type_name}" == TEAM_TYPE
    team, schedule = run_program(QUICKSTART).resources
    assert (team.type, schedule.type) == (TEAM_TYPE, SCHEDULE_TYPE)


def test_unknowns_components_and_pulumi_run():
    program = run_program(PROGRAMS / "unknowns")
    assert [(r.name, r.kind) for r in program.resources] == [
        ("infra", "fixture:index:Rotation"), ("infra-team", "Team"), ("infra-primary", "Schedule"),
        ("infra-secondary", "Schedule")]  # program order, the last one from pulumi.run's entry point
    resources = by_name(program)
    assert resources["infra"].id == ""  # a component
    primary = resources["infra-primary"]
    assert primary.props["team_id"] == int(resources["infra-team"].id)
    assert primary.props["description"] is None  # built from person_ids, which only Flashduty knows
    secondary = resources["infra-secondary"].props
    assert secondary["schedule_name"] == "Infra primary (2)"  # an input read back through the mocks
    assert secondary["upcoming_shift_count"] == 2 and isinstance(secondary["upcoming_shift_count"], int)


def test_main_naming_a_file_runs_in_the_project_directory():
    program = run_program(PROGRAMS / "main_file")
    [team] = program.resources
    # Its own directory is first on sys.path (import people); the working directory is the project's.
    assert team.props == {"team_name": "App", "members": ["dana@example.com", "erin@example.com"],
                          "description": "main_file", "adopt": False}
    assert program.main == PROGRAMS / "main_file" / "src" / "app.py"


def test_bare_directory_with_main_py():
    [team] = run_program(PROGRAMS / "bare_program").resources
    assert team.props["team_name"] == "bare_program/dev"  # project = directory name, stack dev


def test_program_output_is_let_through(capsys):
    run_program(PROGRAMS / "one_stack")
    assert "declared in stack ops of fixture-one-stack" in capsys.readouterr().out


# --- not a program ----------------------------------------------------------------------------------

def test_directory_without_main_py(tmp_path):
    (tmp_path / "notes.py").write_text("print('hi')\n")
    with pytest.raises(NotAProgram) as caught:
        run_program(tmp_path)
    assert str(caught.value) == f"{tmp_path} is not a Pulumi program: it has neither Pulumi.yaml nor __main__.py"


def test_pulumi_yaml_without_main_py():
    with pytest.raises(NotAProgram, match=r"no_main is not a Pulumi program: it has Pulumi.yaml but no __main__.py"):
        run_program(PROGRAMS / "no_main")


def test_missing_directory(tmp_path):
    with pytest.raises(NotAProgram, match=r"^.*/nowhere does not exist$"):
        run_program(tmp_path / "nowhere")
    (tmp_path / "file.txt").write_text("")
    with pytest.raises(NotAProgram, match=r"file.txt is not a directory$"):
        run_program(tmp_path / "file.txt")


def test_other_runtime():
    with pytest.raises(NotAProgram) as caught:
        run_program(PROGRAMS / "nodejs")
    assert "nodejs/Pulumi.yaml declares runtime 'nodejs'; only Python programs (runtime: python)" in str(caught.value)


@pytest.mark.parametrize(("project_file", "message"), [
    ("name: p\nruntime: python\nmain: src\n", r"/src does not exist \(Pulumi.yaml main: src\)$"),
    ("name: p\nruntime: python\nmain: lib\n", r"/lib has no __main__.py \(Pulumi.yaml main: lib\)$"),
    ("name: p\nruntime: python\nmain: notes.txt\n", r"notes.txt is neither a directory nor a .py file"),
    ("name: p\n", r"Pulumi.yaml declares no runtime"),
    ("runtime: python\n", r"Pulumi.yaml has no project name"),
    ("name: p\nruntime: [python\n", r"Pulumi.yaml is not valid YAML: .*\(line 3, column 1\)$"),
])
def test_bad_project_files(tmp_path, project_file, message):
    write(tmp_path, {"Pulumi.yaml": project_file, "__main__.py": "", "lib/x.py": "", "notes.txt": ""})
    with pytest.raises(NotAProgram, match=message) as caught:
        run_program(tmp_path)
    assert "\n" not in str(caught.value)


def test_runtime_as_mapping_and_main_directory(tmp_path):
    write(tmp_path, {"Pulumi.yaml": "name: p\nruntime:\n  name: python\n  options: {toolchain: pip}\nmain: infra/\n",
                     "infra/__main__.py": "import flashcat_pulumi as fd\nfd.Team('t', team_name='T')\n"})
    program = run_program(tmp_path)
    assert [r.name for r in program.resources] == ["t"] and program.project == "p"


# --- failures -----------------------------------------------------------------------------------------

def test_program_that_raises(capsys):
    with pytest.raises(ProgramFailed) as caught:
        run_program(PROGRAMS / "raises")
    message = str(caught.value)
    # The innermost frame in the program's own files: its helper module, not flashcat_pulumi or pulumi.
    assert message == (f"the program in {PROGRAMS / 'raises'} failed: ValueError: unknown rotation 'fortnightly' "
                       f"use weekly or daily ({PROGRAMS / 'raises' / 'layers.py'}:7 in the program)")
    assert isinstance(caught.value.__cause__, ValueError)
    assert "before the failure" in capsys.readouterr().out


def test_program_failure_paths_are_shown_as_given(monkeypatch):
    monkeypatch.chdir(PROGRAMS)
    expected = r"^the program in raises failed: .* \(raises/layers.py:7 in the program\)$"
    with pytest.raises(ProgramFailed, match=expected):
        run_program("raises")


def test_syntax_error(tmp_path):
    write(tmp_path, {"Pulumi.yaml": "name: p\nruntime: python\n",
                     "__main__.py": "import flashcat_pulumi as fd\n\nfd.Team('sre', team_name='SRE'\nprint('x')\n"})
    with pytest.raises(ProgramFailed) as caught:
        run_program(tmp_path)
    assert str(caught.value).startswith(f"the program in {tmp_path} failed: SyntaxError: ")
    assert str(caught.value).endswith(f"({tmp_path / '__main__.py'}:3 in the program)")


def test_syntax_error_in_a_helper_module(tmp_path):
    write(tmp_path, {"__main__.py": "import broken\n", "broken.py": "x = 1\ndef f(:\n    pass\n"})
    with pytest.raises(ProgramFailed, match=r"SyntaxError: .*broken.py:2 in the program\)$"):
        run_program(tmp_path)
    assert "broken" not in sys.modules


def test_sys_exit():
    with pytest.raises(ProgramFailed, match=r"failed: SystemExit: 3 \(.*exits/__main__.py:3 in the program\)$"):
        run_program(PROGRAMS / "exits")


def test_failing_apply_callback():
    with pytest.raises(ProgramFailed, match=r"failed: ZeroDivisionError: .*apply_fails/__main__.py:4 in the program"):
        run_program(PROGRAMS / "apply_fails")


def test_missing_required_config_is_one_line(tmp_path):
    write(tmp_path, {"Pulumi.yaml": "name: p\nruntime: python\n",
                     "__main__.py": "import pulumi\npulumi.Config().require('teamName')\n"})
    with pytest.raises(ProgramFailed) as caught:
        run_program(tmp_path)
    message = str(caught.value)
    assert "\n" not in message and "ConfigMissingError: Missing required configuration variable 'p:teamName'" in message
    assert message.endswith("__main__.py:2 in the program)")


def test_a_run_after_a_failure_starts_clean():
    with pytest.raises(ProgramFailed):
        run_program(PROGRAMS / "raises")
    check_quickstart(run_program(QUICKSTART))


# --- stacks and config -----------------------------------------------------------------------------

def test_project_config_only_without_a_stack():
    program = run_program(PROGRAMS / "stacks")  # two stack files, none chosen: stack dev, project defaults
    assert program.stack == "dev"
    assert program.config == {"fixture-stacks:teamName": "Platform", "fixture-stacks:rotation": "1w",
                              "fixture-stacks:handoff": "mon 09:00", "flashduty:timeZone": "UTC"}
    schedule = by_name(program)["platform-primary"]
    assert schedule.props["time_zone"] == "UTC" and schedule.props["schedule_name"] == "Platform primary"
    assert "notify" not in schedule.props  # get_secret("webhookToken") was None


def test_stack_config_with_secrets():
    program = run_program(PROGRAMS / "stacks", stack="prod")
    assert program.stack == "prod"
    assert program.config == {
        "fixture-stacks:teamName": "Platform (prod)",  # un-namespaced key in the stack file
        "fixture-stacks:rotation": "1w", "fixture-stacks:handoff": "mon 09:00",
        "flashduty:timeZone": "Asia/Shanghai",
        "fixture-stacks:layerStart": "2026-12-07T09:00", "fixture-stacks:quietHours": "9:30",
    }
    assert program.secrets == {"flashduty:appKey", "fixture-stacks:webhookToken", "fixture-stacks:escalation"}
    resources = by_name(program)
    schedule = resources["platform-primary"]
    assert schedule.props["time_zone"] == "Asia/Shanghai"
    assert schedule.props["team_id"] == int(resources["platform"].id)
    assert schedule.props["notify"] == {"webhooks": [{"type": "feishu", "token": SECRET_PLACEHOLDER}]}
    # A structured value reaches the program as JSON, its secure part replaced by the placeholder.
    escalation = resources["escalation"].props["description"]
    assert escalation == ("{'minutes': 15, 'notify': True, 'password': '********', "
                          "'people': ['alice@example.com', 'bob@example.com']} 9:30")


def test_another_stack():
    program = run_program(PROGRAMS / "stacks", stack="staging")
    assert program.config["flashduty:timeZone"] == "Europe/Berlin" and program.secrets == frozenset()
    assert by_name(program)["platform"].props["team_name"] == "Platform (staging)"


def test_stack_dev_when_several(tmp_path):
    write(tmp_path, {"Pulumi.yaml": "name: p\nruntime: python\nconfig:\n  zone: UTC\n", "__main__.py": "",
                     "Pulumi.dev.yaml": "config:\n  p:zone: Asia/Tokyo\n",
                     "Pulumi.prod.yaml": "config:\n  p:zone: Europe/Paris\n"})
    program = run_program(tmp_path)
    assert (program.stack, program.config) == ("dev", {"p:zone": "Asia/Tokyo"})
    (tmp_path / "Pulumi.dev.yaml").unlink()
    (tmp_path / "Pulumi.qa.yaml").write_text("config: {}\n")
    program = run_program(tmp_path)
    assert (program.stack, program.config) == ("dev", {"p:zone": "UTC"})


def test_the_only_stack_file_is_used():
    program = run_program(PROGRAMS / "one_stack")
    assert program.stack == "ops"
    assert program.schedules[0].props["schedule_name"] == "Ops on call"


def test_missing_stack_lists_the_stacks():
    with pytest.raises(ProgramError) as caught:
        run_program(PROGRAMS / "stacks", stack="qa")
    assert not isinstance(caught.value, NotAProgram | ProgramFailed)
    assert str(caught.value) == (f"no stack 'qa' in {PROGRAMS / 'stacks'}: there is no Pulumi.qa.yaml; "
                                 f"stacks there: prod, staging")
    with pytest.raises(ProgramError, match=r"no stack 'dev' .* stacks there: none \(no Pulumi.<stack>.yaml files\)$"):
        run_program(QUICKSTART, stack="dev")


def test_stack_with_organization_prefix():
    assert run_program(PROGRAMS / "stacks", stack="acme/fixture-stacks/staging").stack == "staging"


def test_bad_stack_file_does_not_quote_it(tmp_path):
    write(tmp_path, {"Pulumi.yaml": "name: p\nruntime: python\n", "__main__.py": "",
                     "Pulumi.dev.yaml": "config:\n  p:key:\n    secure: v1:SECRETCIPHERTEXT\n  p:other: [\n"})
    with pytest.raises(ProgramError) as caught:
        run_program(tmp_path, stack="dev")
    assert "Pulumi.dev.yaml is not valid YAML" in str(caught.value)
    assert "SECRET" not in str(caught.value) and "\n" not in str(caught.value)


def test_config_forms_and_stack_config_dir(tmp_path):
    write(tmp_path, {
        "Pulumi.yaml": """
            name: p
            runtime: python
            stackConfigDir: stacks
            config:
              plain: 10
              quoted: "010"
              flag: true
              obj:
                value: {b: 2, a: [1, x, null]}
              declared:
                type: integer
              secretDefault:
                default:
                  secure: v1:xyz
              aws:region: eu-west-1
            """,
        "stacks/Pulumi.dev.yaml": "config:\n  p:secretDefault: now plain\n  aws:region: us-east-1\n",
        "__main__.py": """
            import json
            import os
            import pulumi
            import flashcat_pulumi as fd
            config = pulumi.Config()
            seen = {"plain": config.get_int("plain"), "quoted": config.get("quoted"), "flag": config.get_bool("flag"),
                    "obj": config.get_object("obj"), "region": pulumi.Config("aws").get("region"),
                    "env": sorted(json.loads(os.environ["PULUMI_CONFIG"]))}
            fd.Team("t", team_name="T", description=json.dumps(seen))
            """,
    })
    program = run_program(tmp_path)
    assert program.stack == "dev" and program.secrets == frozenset()
    assert program.config == {"p:plain": "10", "p:quoted": "010", "p:flag": "true", "p:obj": '{"a":[1,"x",null],"b":2}',
                              "p:secretDefault": "now plain", "aws:region": "us-east-1"}
    seen = json.loads(program.resources[0].props["description"])
    assert seen == {"plain": 10, "quoted": "010", "flag": True, "obj": {"a": [1, "x", None], "b": 2},
                    "region": "us-east-1", "env": sorted(program.config)}


def test_secret_config_reads_as_a_secret_placeholder(tmp_path):
    write(tmp_path, {
        "Pulumi.yaml": "name: p\nruntime: python\n",
        "Pulumi.prod.yaml": "config:\n  p:token:\n    secure: v1:abc\n",
        "__main__.py": """
            import pulumi
            import flashcat_pulumi as fd
            token = pulumi.Config().require_secret("token")
            assert pulumi.runtime.is_config_secret("p:token")
            fd.Team("t", team_name=token, description=pulumi.Config().get("token"))
            """,
    })
    program = run_program(tmp_path)
    assert program.secrets == {"p:token"} and program.config == {}
    assert program.resources[0].props == {"team_name": SECRET_PLACEHOLDER, "description": SECRET_PLACEHOLDER,
                                          "adopt": False}


# --- isolation ------------------------------------------------------------------------------------

def test_two_programs_with_a_helper_of_the_same_name():
    sys.modules.pop("helpers", None)
    first = run_program(PROGRAMS / "helper_a")
    second = run_program(PROGRAMS / "helper_b")
    assert [r.props["team_name"] for r in first.resources] == ["TEAM-A"]
    assert [r.props["team_name"] for r in second.resources] == ["TEAM-B"]
    assert "helpers" not in sys.modules
    assert run_program(PROGRAMS / "helper_a").resources[0].name == "team-a"


def test_a_same_named_module_imported_before_is_hidden_then_restored(tmp_path):
    write(tmp_path, {"helpers.py": "TEAM = 'outsider'\n"})
    sys.path.insert(0, str(tmp_path))
    try:
        import helpers  # type: ignore[import-not-found]
        assert helpers.TEAM == "outsider"
        assert run_program(PROGRAMS / "helper_b").resources[0].name == "team-b"
        assert sys.modules["helpers"] is helpers
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("helpers", None)


def test_process_state_is_restored(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps({"other:key": "kept"}))
    monkeypatch.delenv("PULUMI_CONFIG_SECRET_KEYS", raising=False)
    path, argv, bytecode = list(sys.path), list(sys.argv), sys.dont_write_bytecode
    run_program(PROGRAMS / "stacks", stack="prod")
    run_program(PROGRAMS / "helper_a")
    assert Path.cwd() == tmp_path
    assert sys.path == path and sys.argv == argv and sys.dont_write_bytecode == bytecode
    assert json.loads(os.environ["PULUMI_CONFIG"]) == {"other:key": "kept"}
    assert "PULUMI_CONFIG_SECRET_KEYS" not in os.environ
    import pulumi
    from pulumi.runtime import settings
    assert settings.get_root_resource() is None
    assert pulumi.runtime.get_config("fixture-stacks:teamName") is None  # the run's config is gone
    assert not (PROGRAMS / "helper_a" / "__pycache__").exists()  # no writes into the program's directory


def test_no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError(f"network access: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    check_quickstart(run_program(ROOT))
