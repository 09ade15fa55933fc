"""A user's Pulumi program deployed offline: through the real provider server, against an emulator."""

from __future__ import annotations

import contextlib
import os
import re
import runpy
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Protocol

import pulumi.runtime

from flashcat_pulumi.testing._engine import Engine, ProviderServer, Result, StateEntry

__all__ = ["Served", "Stack", "load_program"]

_PROJECT_NAME = re.compile(r"^name:\s*['\"]?([^'\"\s#]+)", re.MULTILINE)


class Served(Protocol):
    """What a :class:`Stack` needs of an emulator: where it listens and the app key it accepts."""

    base_url: str
    app_key: str


def load_program(program: str | os.PathLike[str] | Callable[[], Any]) -> tuple[Callable[[], Any], Path, str]:
    """A program as a callable, with the directory it runs in and its project name.

    ``program`` is a Pulumi project directory (``__main__.py`` inside, as Pulumi runs Python
    programs; the project name from its ``Pulumi.yaml``, else the directory's name), one Python file,
    or a callable (project ``"test"``, run in the current directory).
    """
    if callable(program):
        return program, Path.cwd(), "test"
    path = Path(program).resolve()
    if path.is_dir():
        main = path / "__main__.py"
        if not main.is_file():
            raise FileNotFoundError(f"program {str(program)!r}: a Pulumi Python project directory needs a "
                                    f"__main__.py, and {main} does not exist")
        directory = path
    elif path.is_file() and path.suffix == ".py":
        main, directory = path, path.parent
    else:
        raise FileNotFoundError(f"program {str(program)!r}: expected a directory with __main__.py, a .py file "
                                f"or a callable")
    project = directory.name
    manifest = directory / "Pulumi.yaml"
    if manifest.is_file():
        found = _PROJECT_NAME.search(manifest.read_text(encoding="utf-8"))
        if found:
            project = found.group(1)

    def run() -> None:
        with _inside(directory):
            runpy.run_path(str(main), run_name="__main__")
    return run, directory, project


@contextlib.contextmanager
def _inside(directory: Path) -> Iterator[None]:
    """Run as ``pulumi`` runs a program: in its directory, which is first on ``sys.path``."""
    previous = Path.cwd()
    sys.path.insert(0, str(directory))
    os.chdir(directory)
    try:
        yield
    finally:
        os.chdir(previous)
        with contextlib.suppress(ValueError):
            sys.path.remove(str(directory))


class Stack:
    """One stack of a Pulumi program, deployed through the real ``python -m pulumi.dynamic`` server
    against an emulator (or anything with ``base_url`` and ``app_key``), without the Pulumi CLI.

    ``program``: see :func:`load_program`. ``config``: the stack's configuration as ``pulumi config
    set`` would hold it; a key without a namespace belongs to the project (``"token"`` is
    ``"<project>:token"``), and the keys in ``secrets`` are secret (``pulumi config set --secret``).
    The stack's config also holds the emulator's ``flashduty:appKey`` (secret) and
    ``flashduty:baseUrl``: the provider is configured with them and the program reads them (lookups).

    The stack keeps its state between calls, so they chain like CLI commands::

        with Emulator() as emu, Stack("path/to/project", emu) as stack:
            stack.up()
            assert stack.preview().steps == {"sre": "same", "sre-primary": "same"}
            stack.destroy()

    Each call returns a :class:`~flashcat_pulumi.testing.Result`: the step per resource, the property
    lines ``pulumi preview --diff`` would print, outputs and exports. A failed step raises
    (:class:`~flashcat_pulumi.testing.CheckFailed` with the failures ``pulumi preview`` would print,
    :class:`~flashcat_pulumi.testing.ProviderError` with the provider's message) and the state keeps
    what completed.
    """

    def __init__(self, program: str | os.PathLike[str] | Callable[[], Any], emulator: Served, *,
                 config: Mapping[str, Any] | None = None, secrets: Iterable[str] = (), stack: str = "test",
                 timeout: float = 120.0) -> None:
        self._program, self.directory, self.project = load_program(program)
        self.emulator = emulator
        self.stack_name = stack
        self.config = {self._qualified(key): str(value) for key, value in (config or {}).items()}
        self.secrets = frozenset(self._qualified(key) for key in secrets)
        unknown = self.secrets - self.config.keys()
        if unknown:
            raise ValueError(f"secrets: {', '.join(sorted(unknown))} not in config")
        self.server = ProviderServer(self.directory, project=self.project, timeout=timeout)
        self._server_started = False
        self.engine = Engine(self.server, stack=stack)
        self.last: Result | None = None
        """What the latest :meth:`up` or :meth:`preview` did."""

    def _qualified(self, key: str) -> str:
        return key if ":" in key else f"{self.project}:{key}"

    # -- lifecycle --
    def __enter__(self) -> Stack:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the provider server (the state is lost; destroy first to leave the emulator empty) and
        clear the process's Pulumi config, which holds the emulator's key while a run needs it."""
        self.server.close()
        pulumi.runtime.set_all_config({})

    def _started(self) -> None:
        if not self._server_started:  # once: a failed configure must not start a second process
            self._server_started = True
            self.server.start()
        # The program sees the whole stack config, as under the CLI (lookups read the app key there).
        config = {**self.config, "flashduty:appKey": self.emulator.app_key,
                  "flashduty:baseUrl": self.emulator.base_url}
        secrets = self.secrets | {"flashduty:appKey"}
        if not self.server.configured:
            provider = {key: value for key, value in config.items() if key.startswith("flashduty:")}
            self.server.configure(provider, secret_keys=secrets & provider.keys())
        pulumi.runtime.set_all_config(config, sorted(secrets))

    # -- operations --
    def up(self) -> Result:
        """``pulumi up --yes``: run the program and carry out its steps."""
        self._started()
        self.last = self.engine.up(self._program)
        return self.last

    def preview(self) -> Result:
        """``pulumi preview``: Check and Diff only; nothing changes. ``Result.changes`` holds the
        property lines ``--diff`` would print for each update."""
        self._started()
        self.last = self.engine.preview(self._program)
        return self.last

    def refresh(self) -> Result:
        """``pulumi refresh --yes``: read every resource; one deleted by hand leaves the state."""
        self._started()
        return self.engine.refresh()

    def destroy(self) -> Result:
        """``pulumi destroy --yes``: delete every resource, last created first."""
        self._started()
        return self.engine.destroy()

    # -- what a test asks --
    @property
    def outputs(self) -> dict[str, Any]:
        """The program's ``pulumi.export`` values after the latest :meth:`up` (or :meth:`preview`,
        where values not known yet are :data:`~flashcat_pulumi.testing.UNKNOWN`)."""
        return dict(self.last.exports) if self.last is not None else {}

    @property
    def state(self) -> dict[str, StateEntry]:
        """The stack's resources by name, in creation order."""
        return {entry.name: entry for entry in self.engine.state.values()}
