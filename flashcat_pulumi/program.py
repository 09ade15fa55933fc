"""Run a user's Pulumi Python program without the Pulumi engine, and collect what it declares.

:func:`run_program` finds the program the way the Pulumi CLI does (``Pulumi.yaml``, its ``main:``
and ``runtime:``; or a bare directory with ``__main__.py``), reads the stack's config from
``Pulumi.yaml`` and ``Pulumi.<stack>.yaml``, and runs ``__main__.py`` in this process under
``pulumi.runtime.set_mocks``: nothing is created, written or sent anywhere. Every resource the
program registers comes back as a :class:`Declared` with the inputs its provider would receive, so
callers can work out who will be on call from the program alone.

What the mocks answer. Each resource's outputs are its known inputs; a ``Team`` also gets a fake
``team_id`` and a ``Schedule`` a fake ``schedule_id`` (:data:`FAKE_ID_BASE` + its place in the
program, 9000000001 for the first resource), so a schedule's ``team_id=team.team_id`` resolves to
the team's fake id. Everything else a real provider computes (``current_oncall``, ``person_ids``,
...) stays unknown: the run is a preview, so ``apply`` callbacks on those never run, and inputs built
from them come out as ``None``. Provider functions (``invoke``/``call``) answer ``{}``.

Config. The Pulumi language host hands the program its config as the ``PULUMI_CONFIG`` (JSON) and
``PULUMI_CONFIG_SECRET_KEYS`` environment variables and its ``pulumi-language-python-exec`` loads
them with ``pulumi.runtime.set_all_config``; under mocks nothing does that, so this module does
both, and restores the environment afterwards. Values are strings, as Pulumi passes them: a
plain YAML scalar is kept as written (``9:30`` and ``2026-12-01`` stay text, not YAML 1.1 numbers
and dates), structured values become JSON. Secure values (``{secure: v1:...}``) cannot be decrypted
without the stack's secrets provider: they are left out of :attr:`Program.config`, listed in
:attr:`Program.secrets`, and the program reads :data:`SECRET_PLACEHOLDER` for them (as a secret).

The run is isolated: Pulumi's settings, root stack resource and config live in a copied
``contextvars`` context; the working directory, ``sys.path``, ``sys.argv``, the environment and
``sys.dont_write_bytecode`` are restored; modules imported from the program's directory are removed
from ``sys.modules`` (and modules of the same name imported before are hidden during the run and
put back), so two programs with a ``helpers.py`` each both work in one process. What the program
prints goes to this process's stdout and stderr as usual.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import json
import os
import re
import runpy
import sys
import sysconfig
import threading
import traceback
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import pulumi
import pulumi.runtime

# PyYAML is not a dependency of flashcat-pulumi: it comes with pulumi, which requires it.
import yaml
from pulumi.output import Unknown
from pulumi.runtime import rpc, settings
from pulumi.runtime.stack import run_in_stack
from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await

__all__ = [
    "FAKE_ID_BASE",
    "SCHEDULE_TYPE",
    "SECRET_PLACEHOLDER",
    "TEAM_TYPE",
    "Declared",
    "NotAProgram",
    "Program",
    "ProgramError",
    "ProgramFailed",
    "run_program",
]

SECRET_PLACEHOLDER = "********"
"""What the program reads for a secure config value, which cannot be decrypted here."""

FAKE_ID_BASE = 9_000_000_000
"""Fake ids are this plus the resource's 1-based place in the program (9000000001, ...)."""

SCHEDULE_TYPE = "pulumi-python:dynamic/flashduty:Schedule"
"""The type token Pulumi gives :class:`flashcat_pulumi.Schedule` (a dynamic resource with module and name)."""

TEAM_TYPE = "pulumi-python:dynamic/flashduty:Team"
"""The type token of :class:`flashcat_pulumi.Team`."""

_KINDS = {SCHEDULE_TYPE: "Schedule", TEAM_TYPE: "Team"}
_ID_OUTPUTS = {"Schedule": "schedule_id", "Team": "team_id"}
_PROVIDER_KEY = "__provider"
_DEFAULT_STACK = "dev"
_PROJECT_FILES = ("Pulumi.yaml", "Pulumi.yml")
_STACK_FILE = re.compile(r"^Pulumi\.(?P<stack>.+)\.ya?ml$")
_DECLARATION_KEYS = frozenset({"type", "description", "secret", "items"})
_UNMATCHED = 1_000_000

# One run at a time: a run changes the working directory, sys.path and the environment.
_RUN_LOCK = threading.RLock()


# ------------------------------------------------------------------------------------------------
# Errors and results
# ------------------------------------------------------------------------------------------------
class ProgramError(Exception):
    """The program could not be found, set up or run; the message is one line for the user."""


class NotAProgram(ProgramError):
    """The directory holds no runnable Pulumi Python program (or its ``Pulumi.yaml`` is unusable)."""


class ProgramFailed(ProgramError):
    """The program raised (or exited, or has a syntax error); ``__cause__`` is the original exception."""


@dataclass(frozen=True)
class Declared:
    """One resource the program registered.

    ``props`` are its inputs as the dynamic provider would receive them, without ``__provider``:
    Outputs resolved, secrets unwrapped, whole-number floats (Pulumi sends every number as a double)
    back to ints as the providers' ``plain()`` does, values unknown under the mocks ``None``;
    inputs the program left unset (``None``) are absent. ``id`` is the fake id the mocks gave it
    (for a Team or Schedule, its fake ``team_id``/``schedule_id`` as text); ``type`` its full type token.
    """

    name: str
    kind: str
    props: dict[str, Any]
    id: str = ""
    type: str = ""


@dataclass(frozen=True)
class Program:
    """A program that ran, and every resource it declared, in the order the program built them."""

    directory: Path
    """The project directory (the one holding ``Pulumi.yaml``, or ``__main__.py`` without one), absolute."""
    project: str
    stack: str
    config: dict[str, str]
    """``namespace:key`` -> value: ``Pulumi.yaml`` defaults, then ``Pulumi.<stack>.yaml``; no secure values."""
    secrets: frozenset[str]
    """Keys whose value is secure (encrypted) and was left out of :attr:`config`."""
    resources: tuple[Declared, ...]
    main: Path | None = None
    """The file that ran (``.../__main__.py``, or the ``.py`` file ``main:`` names)."""

    @property
    def schedules(self) -> tuple[Declared, ...]:
        """The ``Schedule`` resources, in program order."""
        return tuple(resource for resource in self.resources if resource.kind == "Schedule")

    @property
    def teams(self) -> tuple[Declared, ...]:
        """The ``Team`` resources, in program order."""
        return tuple(resource for resource in self.resources if resource.kind == "Team")


# ------------------------------------------------------------------------------------------------
# Finding the program
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Layout:
    shown: str
    """The directory as the caller wrote it, for messages."""
    root: Path
    project: str
    main: Path
    cwd: Path
    stack_dir: Path
    project_config: yaml.MappingNode | None

    @property
    def program_dir(self) -> Path:
        """Where the program's own files are: first on sys.path; frames here are "in the program"."""
        return self.main.parent

    def show(self, path: Path) -> str:
        """A path for messages: relative to the project directory, as the caller wrote that."""
        try:
            relative = path.relative_to(self.root)
        except ValueError:
            return str(path)
        return str(Path(self.shown) / relative) if str(relative) != "." else self.shown


def _load_yaml(path: Path, shown: str, error: type[ProgramError]) -> yaml.Node | None:
    """The document's node tree (scalars not yet typed), or None for an empty file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"cannot read {shown}: {exc.strerror if isinstance(exc, OSError) else exc}") from None
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        # Only the problem and its line: the YAML library's snippet could quote secure values.
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise error(f"{shown} is not valid YAML: {problem}{where}") from None


def _entries(node: yaml.Node | None) -> dict[str, yaml.Node]:
    """A mapping node's entries by (string) key; empty for anything else."""
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(key.value): value for key, value in node.value if isinstance(key, yaml.ScalarNode)}


def _text(node: yaml.Node | None) -> str | None:
    """A scalar's text, None for a missing or null value or a non-scalar."""
    if not isinstance(node, yaml.ScalarNode) or _is_null(node):
        return None
    return str(node.value)


def _locate(directory: str | os.PathLike[str]) -> _Layout:
    shown = os.fspath(directory)
    path = Path(shown).expanduser()
    if not path.exists():
        raise NotAProgram(f"{shown} does not exist")
    if not path.is_dir():
        raise NotAProgram(f"{shown} is not a directory")
    root = path.resolve()
    project_file = next((root / name for name in _PROJECT_FILES if (root / name).is_file()), None)
    if project_file is None:
        main = root / "__main__.py"
        if not main.is_file():
            raise NotAProgram(f"{shown} is not a Pulumi program: it has neither Pulumi.yaml nor __main__.py")
        return _Layout(shown, root, root.name, main, root, root, None)

    project_shown = str(Path(shown) / project_file.name)
    document = _load_yaml(project_file, project_shown, NotAProgram)
    if not isinstance(document, yaml.MappingNode):
        raise NotAProgram(f"{project_shown} is not a Pulumi project file (expected a mapping with name and runtime)")
    fields = _entries(document)
    project = _text(fields.get("name"))
    if not project:
        raise NotAProgram(f"{project_shown} has no project name (name:)")
    runtime_node = fields.get("runtime")
    runtime = _text(runtime_node) if isinstance(runtime_node, yaml.ScalarNode) else _text(
        _entries(runtime_node).get("name"))
    if runtime is None:
        raise NotAProgram(f"{project_shown} declares no runtime; only Python programs (runtime: python) can be run")
    if runtime != "python":
        raise NotAProgram(f"{project_shown} declares runtime {runtime!r}; only Python programs (runtime: python) "
                          f"can be run")

    layout = _Layout(shown, root, project, root / "__main__.py", root, root, None)
    main_value = _text(fields.get("main"))
    if main_value:
        target = (root / main_value).resolve()
        where = f"({project_file.name} main: {main_value})"
        if not target.exists():
            raise NotAProgram(f"{layout.show(target)} does not exist {where}")
        if target.is_dir():
            main, cwd = target / "__main__.py", target  # like the CLI: a main directory is the working directory
            if not main.is_file():
                raise NotAProgram(f"{layout.show(target)} has no __main__.py {where}")
        elif target.suffix == ".py":
            main, cwd = target, root
        else:
            raise NotAProgram(f"{layout.show(target)} is neither a directory nor a .py file {where}")
    else:
        main, cwd = root / "__main__.py", root
        if not main.is_file():
            raise NotAProgram(f"{shown} is not a Pulumi program: it has Pulumi.yaml but no __main__.py, and "
                              f"Pulumi.yaml sets no main:")

    config_node = fields.get("config")
    stack_dir_value = _text(fields.get("stackConfigDir"))
    if isinstance(config_node, yaml.ScalarNode):  # the old spelling of stackConfigDir
        stack_dir_value, config_node = stack_dir_value or _text(config_node), None
    stack_dir = (root / stack_dir_value).resolve() if stack_dir_value else root
    project_config = config_node if isinstance(config_node, yaml.MappingNode) else None
    return _Layout(shown, root, project, main, cwd, stack_dir, project_config)


# ------------------------------------------------------------------------------------------------
# Config
# ------------------------------------------------------------------------------------------------
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_TRUE, _FALSE = {"true", "True", "TRUE"}, {"false", "False", "FALSE"}
_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")


def _is_null(node: yaml.ScalarNode) -> bool:
    return node.style is None and bool(_NULL.match(node.value))


def _is_secure(node: yaml.Node) -> bool:
    entries = _entries(node)
    return isinstance(node, yaml.MappingNode) and len(node.value) == 1 and "secure" in entries


def _typed(node: yaml.Node, secure: list[bool]) -> Any:
    """A structured config value as JSON-able data, typed by YAML 1.2's core schema (as Pulumi's
    YAML reader types it); a nested secure value becomes the placeholder and sets ``secure[0]``."""
    if _is_secure(node):
        secure[0] = True
        return SECRET_PLACEHOLDER
    if isinstance(node, yaml.MappingNode):
        return {str(key.value): _typed(value, secure) for key, value in node.value}
    if isinstance(node, yaml.SequenceNode):
        return [_typed(item, secure) for item in node.value]
    text = str(node.value)
    if node.style is not None:  # quoted or a block scalar: text
        return text
    if _NULL.match(text):
        return None
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    return text


def _config_value(node: yaml.Node) -> tuple[str | None, bool]:
    """``(value as the program reads it, is secure)``; ``None`` for a null value."""
    if _is_secure(node):
        return SECRET_PLACEHOLDER, True
    if isinstance(node, yaml.ScalarNode):
        return (None if _is_null(node) else str(node.value)), False
    secure = [False]
    value = _typed(node, secure)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False), secure[0]


def _project_default(node: yaml.Node) -> yaml.Node | None:
    """The value a ``Pulumi.yaml`` config entry gives: a plain value, ``{value: ...}``, ``{default: ...}``;
    None for a declaration without one (``{type: string, description: ...}``)."""
    entries = _entries(node)
    if not isinstance(node, yaml.MappingNode) or _is_secure(node):
        return node
    if "value" in entries:
        return entries["value"]
    if "default" in entries:
        return entries["default"]
    return None if set(entries) <= _DECLARATION_KEYS else node


def _stacks(layout: _Layout) -> dict[str, Path]:
    found: dict[str, Path] = {}
    if layout.stack_dir.is_dir():
        for path in sorted(layout.stack_dir.iterdir()):
            match = _STACK_FILE.match(path.name)
            if match and path.is_file():
                found.setdefault(match["stack"], path)
    return found


def _stack_config(layout: _Layout, stack: str | None) -> tuple[str, dict[str, str], frozenset[str]]:
    """``(stack name, config for the program, secure keys)``."""
    stacks = _stacks(layout)
    if stack is not None:
        name = stack.rsplit("/", 1)[-1]  # org/project/stack: the stack file is named after the stack alone
        if not name:
            raise ProgramError(f"{stack!r} is not a stack name")
        if name not in stacks:
            available = ", ".join(stacks) if stacks else "none (no Pulumi.<stack>.yaml files)"
            raise ProgramError(f"no stack {name!r} in {layout.show(layout.stack_dir)}: there is no "
                               f"Pulumi.{name}.yaml; stacks there: {available}")
        stack_file: Path | None = stacks[name]
    elif len(stacks) == 1:
        name, stack_file = next(iter(stacks.items()))
    else:
        name = _DEFAULT_STACK
        stack_file = stacks.get(name)

    values: dict[str, str] = {}
    secure: set[str] = set()

    def put(key: str, node: yaml.Node | None) -> None:
        if node is None:
            return
        full = key if ":" in key else f"{layout.project}:{key}"
        value, is_secure = _config_value(node)
        values.pop(full, None)
        secure.discard(full)
        if value is not None:
            values[full] = value
            if is_secure:
                secure.add(full)

    for key, node in _entries(layout.project_config).items():
        put(key, _project_default(node))
    if stack_file is not None:
        document = _load_yaml(stack_file, layout.show(stack_file), ProgramError)
        if document is not None and not isinstance(document, yaml.MappingNode):
            raise ProgramError(f"{layout.show(stack_file)} is not a Pulumi stack file (expected a mapping)")
        for key, node in _entries(_entries(document).get("config")).items():
            put(key, node)
    return name, values, frozenset(secure)


# ------------------------------------------------------------------------------------------------
# The mocks
# ------------------------------------------------------------------------------------------------
def _has_unknown(value: Any) -> bool:
    if isinstance(value, Unknown) or (isinstance(value, str) and value == rpc.UNKNOWN):
        return True
    if rpc.is_rpc_secret(value):
        return _has_unknown(value["value"])
    if isinstance(value, Mapping):
        return any(_has_unknown(item) for item in value.values())
    if isinstance(value, list | tuple):
        return any(_has_unknown(item) for item in value)
    return False


def _plain(value: Any) -> Any:
    """A mock input as the provider's ``plain()`` sees it: secrets unwrapped, unknowns None, whole floats
    ints; keys sorted (the wire form keeps no order)."""
    if isinstance(value, Unknown) or (isinstance(value, str) and value == rpc.UNKNOWN):
        return None
    if rpc.is_rpc_secret(value):
        return _plain(value["value"])
    if isinstance(value, Mapping):
        return {key: _plain(value[key]) for key in sorted(value) if key != _PROVIDER_KEY}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if type(value) is float and value.is_integer():
        return int(value)
    return value


class _Mocks(pulumi.runtime.Mocks):
    """Inputs as outputs, fake ids, no provider and no network. Resources are ordered by construction
    (seen by a stack transformation, in the program's thread), not by registration, which happens on
    executor threads once each resource's inputs resolve."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._constructed: list[tuple[str, str]] = []
        self._claimed: set[int] = set()
        self._unmatched = 0
        self._declared: list[tuple[int, Declared]] = []

    def transformation(self, args: pulumi.ResourceTransformationArgs) -> None:
        with self._lock:
            self._constructed.append((args.type_, args.name))

    def _place(self, type_: str, name: str) -> int:
        for index, key in enumerate(self._constructed):
            if key == (type_, name) and index not in self._claimed:
                self._claimed.add(index)
                return index
        # Not seen being constructed (a type or name changed by another transformation): after the rest.
        self._unmatched += 1
        return _UNMATCHED + self._unmatched

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        kind = _KINDS.get(args.typ, args.typ)
        with self._lock:
            index = self._place(args.typ, args.name)
            fake = FAKE_ID_BASE + index + 1
            # A component resource has no id; a read (``Resource.get``) keeps the id it asked for.
            id_ = "" if args.custom is False else args.resource_id or str(fake)
            outputs = {key: value for key, value in args.inputs.items() if not _has_unknown(value)}
            if kind in _ID_OUTPUTS:
                outputs[_ID_OUTPUTS[kind]] = int(id_) if id_.isdigit() else fake
            self._declared.append((index, Declared(args.name, kind, _plain(dict(args.inputs)), id_, args.typ)))
        return id_, outputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict[Any, Any]:
        return {}

    def resources(self) -> tuple[Declared, ...]:
        with self._lock:
            return tuple(declared for _, declared in sorted(self._declared, key=lambda item: item[0]))


# ------------------------------------------------------------------------------------------------
# The run
# ------------------------------------------------------------------------------------------------
_LIBRARY_DIRS = (Path(pulumi.__file__).resolve().parent, Path(__file__).resolve().parent)
"""The Pulumi SDK and this package: never the program's own files, even inside its directory."""

_INSTALLED_DIRS = tuple(dict.fromkeys(
    Path(path).resolve() for key, path in sysconfig.get_paths().items()
    if key in ("stdlib", "platstdlib", "purelib", "platlib")))


def _installed(path: Path) -> bool:
    """Part of Python or of an installed package (or of the Pulumi SDK or this package)."""
    if {"site-packages", "dist-packages"} & set(path.parts):
        return True
    return any(path.is_relative_to(directory) for directory in (*_LIBRARY_DIRS, *_INSTALLED_DIRS))


def _in_program(filename: str | None, program_dir: Path) -> Path | None:
    """The file, if it is one of the program's own (not an installed package inside its directory)."""
    if not filename or filename.startswith("<"):
        return None
    path = Path(filename)
    if not path.is_absolute():
        return None
    path = path.resolve()
    return path if path.is_relative_to(program_dir) and not _installed(path) else None


def _module_file(module: Any) -> str | None:
    filename = getattr(module, "__file__", None)
    if isinstance(filename, str):
        return filename
    paths = getattr(module, "__path__", None)  # a namespace package
    with contextlib.suppress(TypeError):
        for entry in list(paths or ()):
            return str(Path(entry) / "__init__.py")
    return None


def _own_module_names(program_dir: Path) -> set[str]:
    """Top-level modules the program's directory provides (``x.py``, packages ``x/__init__.py``)."""
    names: set[str] = set()
    with contextlib.suppress(OSError):
        for entry in program_dir.iterdir():
            if entry.suffix == ".py" and entry.stem.isidentifier() and entry.stem != "__main__":
                names.add(entry.stem)
            elif entry.is_dir() and entry.name.isidentifier() and (entry / "__init__.py").is_file():
                names.add(entry.name)
    return names


def _hideable(filename: str | None, program_dir: Path) -> bool:
    """A module from another directory of user code (another program's helper, a test module):
    not one of Python's or an installed package's, which a fresh process would share."""
    if not filename or not Path(filename).is_absolute():
        return False
    path = Path(filename).resolve()
    return not path.is_relative_to(program_dir) and not _installed(path)


@contextlib.contextmanager
def _program_environment(layout: _Layout, config: Mapping[str, str], secret_keys: frozenset[str]) -> Iterator[None]:
    """The process as the language host sets it up for the program, restored afterwards."""
    program_dir = layout.program_dir
    saved_cwd = os.getcwd()
    saved_path, saved_argv = list(sys.path), sys.argv
    saved_bytecode = sys.dont_write_bytecode
    saved_env = {key: os.environ.get(key) for key in ("PULUMI_CONFIG", "PULUMI_CONFIG_SECRET_KEYS")}
    # Modules the program's directory provides but that were imported from elsewhere before: hidden
    # during the run so the program imports its own, put back afterwards.
    own = _own_module_names(program_dir)
    hidden = {name: module for name, module in sys.modules.items()
              if name.split(".", 1)[0] in own and _hideable(_module_file(module), program_dir)}
    for name in hidden:
        del sys.modules[name]
    before = set(sys.modules)
    try:
        os.environ["PULUMI_CONFIG"] = json.dumps(dict(config))
        os.environ["PULUMI_CONFIG_SECRET_KEYS"] = json.dumps(sorted(secret_keys))
        sys.dont_write_bytecode = True  # no __pycache__ in the user's directory
        sys.path.insert(0, str(program_dir))
        sys.argv = [str(layout.main)]
        os.chdir(layout.cwd)
        yield
    finally:
        os.chdir(saved_cwd)
        sys.path[:] = saved_path
        sys.argv = saved_argv
        sys.dont_write_bytecode = saved_bytecode
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        for name in set(sys.modules) - before:
            if _in_program(_module_file(sys.modules.get(name)), program_dir) is not None:
                sys.modules.pop(name, None)
        for name, module in hidden.items():
            sys.modules.setdefault(name, module)


def _quiet_failed_futures() -> None:
    """After a failed program, outputs that depended on the failure are never awaited; keep asyncio
    from logging "Future exception was never retrieved" for them (the failure is reported once)."""
    loop = _ensure_event_loop()
    previous = loop.get_exception_handler()
    if getattr(previous, "flashcat_program", False):
        return

    def handler(loop: Any, context: dict[str, Any]) -> None:
        if getattr(context.get("exception"), "_flashcat_program_failure", False):
            return
        if previous is not None:
            previous(loop, context)
        else:
            loop.default_exception_handler(context)

    handler.flashcat_program = True  # type: ignore[attr-defined]
    loop.set_exception_handler(handler)


async def _drain_rpcs() -> None:
    """Let the SDK's outstanding registrations finish after a failure, so none reaches the next run."""
    rpcs = settings.SETTINGS.rpc_manager.rpcs
    while rpcs:
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await rpcs.pop()


def _one_line(text: str) -> str:
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _where(layout: _Layout, exc: BaseException) -> str | None:
    """``file:line`` of the innermost frame in the program's own files (a syntax error: its position)."""
    for error in _chain(exc):
        if isinstance(error, SyntaxError) and error.lineno:
            path = _in_program(error.filename, layout.program_dir)
            if path is not None:
                return f"{layout.show(path)}:{error.lineno}"
        tb: TracebackType | None = error.__traceback__
        for frame in reversed(traceback.extract_tb(tb)):
            path = _in_program(frame.filename, layout.program_dir)
            if path is not None:
                return f"{layout.show(path)}:{frame.lineno}"
    return None


def _failure(layout: _Layout, exc: BaseException) -> ProgramFailed:
    if isinstance(exc, SystemExit):
        message = "" if exc.code is None else str(exc.code)
    elif isinstance(exc, SyntaxError):
        message = exc.msg or ""
    else:
        message = str(exc)
    text = f"{type(exc).__name__}: {_one_line(message)}" if _one_line(message) else type(exc).__name__
    where = _where(layout, exc)
    suffix = f" ({where} in the program)" if where else ""
    return ProgramFailed(f"the program in {layout.shown} failed: {text}{suffix}")


def _execute(layout: _Layout, stack: str, config: Mapping[str, str], secret_keys: frozenset[str]) -> tuple[
        Declared, ...]:
    """Run the program under fresh mocks; call it in a copied context so Pulumi's settings, root
    resource and config do not outlive the run."""
    mocks = _Mocks()
    with _program_environment(layout, config, secret_keys):
        _quiet_failed_futures()
        settings.set_root_resource(None)  # type: ignore[arg-type]
        pulumi.runtime.set_mocks(mocks, project=layout.project, stack=stack, preview=True)
        # set_mocks made a finished stack; run_in_stack makes the program's own (so pulumi.run works).
        settings.set_root_resource(None)  # type: ignore[arg-type]
        settings.SETTINGS.outputs = set()
        pulumi.runtime.set_all_config(dict(config), sorted(secret_keys))

        def program() -> None:
            pulumi.runtime.register_stack_transformation(mocks.transformation)
            runpy.run_path(str(layout.main), run_name="__main__")

        try:
            _sync_await(run_in_stack(program))
        except (Exception, SystemExit) as exc:
            for error in _chain(exc):
                with contextlib.suppress(AttributeError, TypeError):
                    error._flashcat_program_failure = True  # type: ignore[attr-defined]
            _sync_await(_drain_rpcs())
            raise _failure(layout, exc) from exc
        finally:
            settings.set_root_resource(None)  # type: ignore[arg-type]
    return mocks.resources()


def run_program(directory: str | os.PathLike[str], *, stack: str | None = None) -> Program:
    """Run the Pulumi Python program in ``directory`` under mocks and return what it declares.

    ``stack`` names ``Pulumi.<stack>.yaml``; without it, the only stack file there is, else stack
    ``dev`` (with ``Pulumi.dev.yaml`` if there is one). Raises :class:`NotAProgram` when there is no
    runnable Python program, :class:`ProgramError` for an unknown stack or an unreadable stack file,
    :class:`ProgramFailed` when the program raises, exits or does not compile.
    """
    layout = _locate(directory)
    stack_name, run_config, secret_keys = _stack_config(layout, stack)
    with _RUN_LOCK:
        resources = contextvars.copy_context().run(_execute, layout, stack_name, run_config, secret_keys)
    config = {key: value for key, value in run_config.items() if key not in secret_keys}
    return Program(layout.root, layout.project, stack_name, config, secret_keys, resources, layout.main)
