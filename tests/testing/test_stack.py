"""flashcat_pulumi.testing.Stack and the pytest plugin's fixtures, as a user's tests would use them."""

from __future__ import annotations

import textwrap

import pulumi
import pytest
from pulumi.runtime import settings
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

import flashcat_pulumi as fd
from flashcat_pulumi.emulator import Emulator
from flashcat_pulumi.testing import UNKNOWN, CheckFailed, Stack, load_program

pytest_plugins = ["pytester"]


@pytest.mark.stack("examples/quickstart")
def test_the_stack_fixture_takes_a_program_through_its_lifecycle(stack, emulator):
    assert stack.project == "quickstart"
    planned = stack.preview()
    assert planned.steps == {"sre": "create", "sre-primary": "create"}
    assert stack.outputs["schedule_id"] == UNKNOWN and emulator.schedules() == []

    done = stack.up()
    assert done.steps == {"sre": "create", "sre-primary": "create"}
    [schedule] = emulator.schedules()
    assert stack.outputs["schedule_id"] == schedule["schedule_id"]
    assert stack.state["sre-primary"].id == str(schedule["schedule_id"])

    assert stack.preview().steps == {"sre": "same", "sre-primary": "same"}
    assert stack.refresh().steps == {"sre": "read", "sre-primary": "read"}
    assert stack.destroy().steps == {"sre-primary": "delete", "sre": "delete"}
    assert emulator.schedules() == [] and emulator.teams() == [] and stack.state == {}


def _team_from_config() -> None:
    config = pulumi.Config()
    team = fd.Team("ops", team_name=config.require("team"), members=["alice@example.com"],
                   description=config.require_secret("motto"))
    pulumi.export("team_id", team.team_id)
    pulumi.export("motto", config.require_secret("motto"))


def test_config_reaches_the_program_and_secrets_stay_secret():
    with Emulator() as emu, Stack(_team_from_config, emu, config={"team": "Ops", "motto": "calm"},
                                  secrets=["motto"]) as stack:
        result = stack.up()
        assert [team["team_name"] for team in emu.teams()] == ["Ops"]
        assert result.exports["motto"] == "calm" and "motto" in result.secret_exports
        assert stack.state["ops"].secret_inputs >= {"description"}
        stack.destroy()


def test_an_edit_shows_as_the_lines_preview_diff_prints():
    members = ["alice@example.com"]

    def program() -> None:
        fd.Team("ops", team_name="Ops", members=list(members))

    with Emulator() as emu, Stack(program, emu) as stack:
        stack.up()
        members.append("bob@example.com")
        planned = stack.preview()
        assert planned.steps == {"ops": "update"}
        assert planned.changes["ops"] == [
            '~ members: ["alice@example.com"] => ["alice@example.com", "bob@example.com"]']
        assert stack.up().steps == {"ops": "update"}
        stack.destroy()


def test_bad_input_fails_as_preview_would_show_it():
    def program() -> None:
        fd.Team("ops", team_name="Ops", members=["nobody-at-all"])

    with Emulator() as emu, Stack(program, emu) as stack, pytest.raises(CheckFailed, match="members"):
        stack.preview()


class _Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict]:
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict, None]:
        return {}, None


def test_a_failed_run_leaves_nothing_for_the_next_program_in_the_process():
    """A user's suite may mix Stack with the SDK's own mocks: a failure must not resurface there."""
    def failing() -> None:
        fd.Team("ops", team_name="Ops", members=["nobody-at-all"])

    with Emulator() as emu, Stack(failing, emu) as stack, pytest.raises(CheckFailed):
        stack.preview()
    created: list[str] = []

    def program() -> None:
        team = fd.Team("ok", team_name="OK", members=["alice@example.com"])
        team.team_name.apply(created.append)

    pulumi.runtime.set_mocks(_Mocks(), project="p", stack="s", preview=True)
    settings.set_root_resource(None)  # type: ignore[arg-type]
    _sync_await(run_pulumi_func(program))
    assert created == ["OK"]


def test_a_program_is_a_project_directory_a_file_or_a_callable(tmp_path):
    (tmp_path / "Pulumi.yaml").write_text("name: my-oncall # ours\nruntime: python\n")
    (tmp_path / "__main__.py").write_text("")
    assert load_program(tmp_path)[1:] == (tmp_path.resolve(), "my-oncall")
    assert load_program(tmp_path / "__main__.py")[2] == "my-oncall"
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match=r"needs a __main__\.py"):
        load_program(tmp_path / "empty")
    with pytest.raises(FileNotFoundError, match=r"expected a directory with __main__\.py"):
        load_program(tmp_path / "missing.txt")
    with pytest.raises(ValueError, match=r"secrets: test:token not in config"):
        Stack(lambda: None, Emulator(), secrets=["token"])


def test_a_users_project_gets_the_fixtures_from_the_installed_plugin(pytester):
    """A project of a user: Pulumi.yaml and __main__.py at its root, tests below; the fixtures come
    from the package's entry point, with no conftest."""
    pytester.makefile(".yaml", Pulumi="name: team-oncall\nruntime: python\n")
    pytester.makepyfile(__main__=textwrap.dedent("""
        import pulumi
        import flashcat_pulumi as fd

        team = fd.Team("sre", team_name="SRE", members=["alice@example.com", "bob@example.com"])
        pulumi.export("team_id", team.team_id)
    """))
    pytester.mkdir("tests")
    pytester.makepyfile(**{"tests/test_oncall": textwrap.dedent("""
        import pytest

        @pytest.mark.emulator(time_zone="Europe/London")
        def test_up(stack, emulator):
            assert stack.project == "team-oncall"
            assert stack.up().steps == {"sre": "create"}
            assert [t["team_id"] for t in emulator.teams()] == [stack.outputs["team_id"]]
            assert stack.preview().steps == {"sre": "same"}
    """)})
    result = pytester.runpytest_subprocess("tests/test_oncall.py", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_without_a_project_the_stack_fixture_says_how_to_name_one(pytester):
    pytester.makepyfile(test_lost="def test_lost(stack):\n    pass\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*found no Pulumi project*name the program with @pytest.mark.stack*"])
