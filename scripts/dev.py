#!/usr/bin/env python3
"""Developer entry points that need nothing but Python 3.10+ and pip.

    python3 scripts/dev.py test [pytest args...]   # venv + install + ruff + the whole test suite
    python3 scripts/dev.py demo                    # venv + install + the demo (scripts/demo.py): the
                                                   # quickstart created, shown, edited and destroyed
                                                   # against the built-in emulator

Both create ``.venv`` beside ``pyproject.toml`` when it is missing and install the package with its
``dev`` extra into it; the install is skipped when ``pyproject.toml`` has not changed since the last
one. Set ``FLASHCAT_VENV`` to use another virtual environment directory.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def venv_dir() -> Path:
    return Path(os.environ.get("FLASHCAT_VENV", ROOT / ".venv"))


def venv_python() -> Path:
    scripts = "Scripts" if os.name == "nt" else "bin"
    return venv_dir() / scripts / ("python.exe" if os.name == "nt" else "python")


def run(*args: str | Path) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], cwd=ROOT, check=True)


def ensure_installed() -> Path:
    """Create the venv if needed and install the package (editable) with its dev extra."""
    python = venv_python()
    if not python.exists():
        print(f"creating virtual environment {venv_dir()}", flush=True)
        venv.EnvBuilder(with_pip=True).create(venv_dir())
    stamp = venv_dir() / ".flashcat-installed"
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not stamp.exists() or stamp.read_text() != wanted:
        run(python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", ".[dev]")
        stamp.write_text(wanted)
    return python


def test(pytest_args: list[str]) -> None:
    python = ensure_installed()
    run(python, "-m", "ruff", "check", ".")
    run(python, "-m", "pytest", *pytest_args)


def demo() -> None:
    python = ensure_installed()
    run(python, "scripts/demo.py")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("test", help="install into .venv, run ruff and the whole test suite; "
                                     "further arguments go to pytest")
    commands.add_parser("demo", help="install into .venv and take examples/quickstart through preview, up, "
                                     "who is on call, an edit, up and destroy against the built-in emulator "
                                     "(with the pulumi CLI if it is on PATH)")
    args, pytest_args = parser.parse_known_args()
    if pytest_args and args.command != "test":
        parser.error(f"unrecognized arguments: {' '.join(pytest_args)}")
    try:
        if args.command == "test":
            test(pytest_args)
        else:
            demo()
    except subprocess.CalledProcessError as exc:
        return exc.returncode or 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
