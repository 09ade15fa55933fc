"""The demo: ``examples/quickstart`` through its whole life, against the built-in Flashduty emulator.

    python3 scripts/dev.py demo        # creates .venv, installs, runs this with it

Starts an emulator (no account, no network), copies the quickstart program into a temporary
directory, and takes it through ``preview`` -> ``up`` -> who is on call (``flashcat-pulumi
oncall``) -> an edit (Dave joins the rotation) shown as the diff ``pulumi preview --diff`` prints
and as the shifts that change hands -> ``up`` -> ``destroy``.

With the ``pulumi`` CLI on PATH it runs the real CLI (a local file backend in the temporary
directory, a throwaway passphrase, no prompts); without it, it says so and runs the same program
through :mod:`flashcat_pulumi.testing` (the real provider server, the engine played in-process).
Every command has a time limit; the emulator and the temporary directory go away whatever happens.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from flashcat_pulumi.emulator import Emulator
from flashcat_pulumi.errors import redact
from flashcat_pulumi.testing import Result, Stack

ROOT = Path(__file__).resolve().parent.parent
QUICKSTART = ROOT / "examples" / "quickstart"
STACK = "demo"
PROJECT = "flashcat-demo"
COMMAND_TIMEOUT = 300.0
"""Seconds any one command may take (a first ``pulumi up`` may install the program's packages)."""

ONCALL_WINDOW = ("--from", "2026-11-30", "--weeks", "4")
"""The quickstart's first four weeks: the rotation starts on 2026-11-30, Carol covers Christmas."""

# The edit: Dave joins the team and the rotation. Each must match exactly once.
EDITS = (
    ('members=["alice@example.com", "bob@example.com", "carol@example.com"],',
     'members=["alice@example.com", "bob@example.com", "carol@example.com", "dave@example.com"],'),
    ('groups=[["alice@example.com"], ["bob@example.com"]],',
     'groups=[["alice@example.com"], ["bob@example.com"], ["dave@example.com"]],'),
)

INSTALL_HINT = "https://www.pulumi.com/docs/install/"


def say(text: str = "") -> None:
    print(text, flush=True)


def heading(text: str) -> None:
    say()
    say(f"== {text} " + "=" * max(0, 76 - len(text)))


def copy_program(work: Path, virtualenv: Path) -> Path:
    """The quickstart as a Pulumi project of its own, using this Python's environment."""
    project = work / "quickstart"
    shutil.copytree(QUICKSTART, project, ignore=shutil.ignore_patterns("__pycache__"))
    (project / "Pulumi.yaml").write_text(
        f"name: {PROJECT}\n"
        "description: the flashcat-pulumi demo (a copy of examples/quickstart)\n"
        "runtime:\n"
        "  name: python\n"
        "  options:\n"
        "    toolchain: pip\n"
        f"    virtualenv: {virtualenv}\n", encoding="utf-8")
    return project


def edit_program(project: Path) -> None:
    main = project / "__main__.py"
    text = main.read_text(encoding="utf-8")
    for before, after in EDITS:
        if text.count(before) != 1:
            raise SystemExit(f"demo: examples/quickstart/__main__.py no longer contains {before!r} exactly once; "
                             f"update EDITS in scripts/demo.py")
        text = text.replace(before, after)
    main.write_text(text, encoding="utf-8")


def run(command: Sequence[str | Path], *, env: dict[str, str], cwd: Path, secret: str | None = None) -> str:
    """Run a command with no stdin and a time limit, and show it and its output, ``secret`` hidden."""
    shown = redact(" ".join(str(part) for part in command), secret)
    say(f"$ {shown}")
    try:
        done = subprocess.run([str(part) for part in command], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=COMMAND_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise SystemExit(f"demo: `{shown}` took over {COMMAND_TIMEOUT:.0f} s; stopped") from None
    output = redact(done.stdout + done.stderr, secret)
    say(output.rstrip())
    if done.returncode != 0:
        raise SystemExit(f"demo: `{shown}` failed (exit {done.returncode})")
    return output


def oncall(project: Path, env: dict[str, str], *extra: str) -> None:
    run([sys.executable, "-m", "flashcat_pulumi", "oncall", ".", *ONCALL_WINDOW, *extra], env=env, cwd=project)


# --- with the Pulumi CLI -----------------------------------------------------------------------------

def with_cli(pulumi: str, emu: Emulator, work: Path, project: Path) -> None:
    env = {**os.environ,
           "PULUMI_BACKEND_URL": (work / "state").as_uri(),  # a local file backend: no login, no account
           "PULUMI_CONFIG_PASSPHRASE": secrets.token_urlsafe(16),  # a throwaway stack's secrets
           "PULUMI_SKIP_UPDATE_CHECK": "true",
           "FLASHDUTY_APP_KEY": emu.app_key,  # for flashcat-pulumi oncall, which cannot decrypt the stack's
           "FLASHDUTY_BASE_URL": emu.base_url}
    env.pop("PULUMI_ACCESS_TOKEN", None)
    (work / "state").mkdir()
    cli = [pulumi, "--non-interactive"]

    def pulumi_run(*args: str) -> str:
        return run([*cli, *args], env=env, cwd=project, secret=emu.app_key)

    heading("set up a throwaway stack on a local backend")
    pulumi_run("stack", "init", STACK)
    pulumi_run("config", "set", "flashduty:baseUrl", emu.base_url)
    pulumi_run("config", "set", "--secret", "flashduty:appKey", emu.app_key)
    heading("pulumi preview: what would be created")
    pulumi_run("preview")
    heading("pulumi up")
    pulumi_run("up", "--yes", "--skip-preview")
    heading("who is on call: flashcat-pulumi oncall")
    oncall(project, env)
    heading("an edit: Dave joins the team and the rotation")
    edit_program(project)
    pulumi_run("preview", "--diff")
    oncall(project, env, "--compare")
    heading("pulumi up: apply the edit")
    pulumi_run("up", "--yes", "--skip-preview")
    heading("pulumi destroy")
    pulumi_run("destroy", "--yes", "--skip-preview")
    pulumi_run("stack", "rm", "--yes", "--force", STACK)


# --- without it: flashcat_pulumi.testing ---------------------------------------------------------------

def offline(emu: Emulator, project: Path) -> None:
    env = {**os.environ, "FLASHDUTY_APP_KEY": emu.app_key, "FLASHDUTY_BASE_URL": emu.base_url}
    kinds: dict[str, str] = {}
    with Stack(project, emu, stack=STACK) as stack:
        heading("preview: what would be created")
        show(stack.preview(), stack, kinds, planned=True)
        heading("up")
        done = stack.up()
        show(done, stack, kinds)
        for name, value in done.exports.items():
            say(f"    {name}: {value}")
        heading("who is on call: flashcat-pulumi oncall")
        oncall(project, env)
        heading("an edit: Dave joins the team and the rotation")
        edit_program(project)
        show(stack.preview(), stack, kinds, planned=True)
        oncall(project, env, "--compare")
        heading("up: apply the edit")
        show(stack.up(), stack, kinds)
        heading("destroy")
        show(stack.destroy(), stack, kinds)
    left = emu.teams() + emu.schedules()
    say(f"the emulator holds {len(left)} teams and schedules now")
    if left:
        raise SystemExit("demo: destroy left objects behind")


def show(result: Result, stack: Stack, kinds: dict[str, str], *, planned: bool = False) -> None:
    """Steps and property changes, laid out as ``pulumi preview --diff`` lays them out; ``kinds``
    remembers each resource's type once the stack holds it."""
    kinds.update({name: entry.type.rsplit("/", 1)[-1] for name, entry in stack.state.items()})
    for name, step in result.steps.items():
        sign = {"create": "+", "update": "~", "delete": "-", "replace": "+-"}.get(step, " ")
        what = "unchanged" if step == "same" else f"would {step}" if planned else f"{step.removesuffix('e')}ed"
        say(f"  {sign} {' '.join(filter(None, (kinds.get(name), name)))} ({what})")
        for line in result.changes.get(name, []):
            say(f"      {line}")


def main(argv: Sequence[str] = ()) -> int:
    pulumi = shutil.which("pulumi")
    virtualenv = Path(sys.prefix)
    with tempfile.TemporaryDirectory(prefix="flashcat-demo-") as directory, \
            Emulator(app_key=secrets.token_urlsafe(12)) as emu:
        work = Path(directory)
        project = copy_program(work, virtualenv)
        say(f"Flashduty emulator at {emu.base_url}; the program: a copy of examples/quickstart in {project}")
        if pulumi:
            say(f"pulumi CLI found at {pulumi}: running it with a local backend in {work / 'state'}")
            runner: Callable[[], None] = lambda: with_cli(pulumi, emu, work, project)  # noqa: E731
        else:
            say(f"the pulumi CLI is not on PATH (install it: {INSTALL_HINT}); running the same program "
                f"through flashcat_pulumi.testing instead")
            runner = lambda: offline(emu, project)  # noqa: E731
        runner()
    heading("done: created, shown, changed and destroyed; the emulator is stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
