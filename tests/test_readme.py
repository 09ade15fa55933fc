"""The README stays true: its ``--help`` blocks are what the commands print, for every command."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from flashcat_pulumi import cli

README = Path(__file__).resolve().parents[1] / "README.md"
HELP_COLUMNS = "100"
"""The terminal width the README's help blocks were written at (argparse wraps to it)."""

_PROMPT = re.compile(r"^\$ flashcat-pulumi(?P<args>(?: [\w-]+)* --help)$")


def help_blocks() -> dict[tuple[str, ...], str]:
    """``$ flashcat-pulumi ... --help`` in a ```text block of the README, and what follows it there."""
    blocks: dict[tuple[str, ...], str] = {}
    for block in re.findall(r"(?ms)^```text\n(.*?)^```", README.read_text(encoding="utf-8")):
        current: tuple[str, ...] | None = None
        for line in block.splitlines():
            prompt = _PROMPT.match(line)
            if prompt:
                current = tuple(prompt.group("args").split())
                blocks[current] = ""
            elif current is not None:
                blocks[current] += line + "\n"
    return blocks


def printed(args: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as done:
        cli.main(list(args))
    assert done.value.code == 0
    return capsys.readouterr().out


def subcommands() -> list[str]:
    [action] = [action for action in cli.build_parser()._actions if isinstance(action, argparse._SubParsersAction)]
    return sorted(action.choices)


def test_the_readme_shows_the_help_of_every_command():
    assert sorted(help_blocks()) == sorted([("--help",), *((name, "--help") for name in subcommands())])


@pytest.mark.parametrize("args", sorted(help_blocks()), ids=" ".join)
def test_a_help_block_is_what_the_command_prints(args, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", HELP_COLUMNS)
    expected = printed(args, capsys)
    assert help_blocks()[args].rstrip("\n") == expected.rstrip("\n"), (
        f"README.md's `flashcat-pulumi {' '.join(args)}` block is out of date; it should read:\n{expected}")
