"""A stand-in for the Pulumi engine, for testing dynamic providers without the Pulumi CLI.

A Pulumi program (a callable that builds ``pulumi.dynamic.Resource`` objects) runs under
``pulumi.runtime.set_mocks``. For every resource it registers, the mock performs the step the
engine would perform, over gRPC against a real ``python -u -m pulumi.dynamic`` server process, so
the provider code runs in the provider process exactly as under ``pulumi up``, and its outputs flow
back into the program (a dependent resource can take another one's output as an input).

What is emulated (see docs/pulumi-dynamic.md and the engine's Go source):

* Check(olds = old inputs, news) → Create for a new resource; Diff(olds = old outputs) → Update,
  or a SameStep that keeps the old outputs; resources no longer in the program are deleted last.
* Preview calls only Check and Diff: Create/Update are skipped (the dynamic provider does not
  support preview), the program gets the checked inputs as outputs, so output-only properties
  (and a new resource's id) are unknown, and inputs derived from them reach Check/Diff of
  dependent resources as ``rpc.UNKNOWN``.
* The server answers Configure with acceptSecrets=False, so secret wrappers are stripped before
  every call; outputs named like a secret input, or returned wrapped with
  ``rpc.wrap_rpc_secret``, are secret in the state and in the program.
* refresh: Read(id, properties = old outputs, inputs = old inputs); an empty id drops the resource.
  destroy: Delete(id, properties = old outputs) in reverse creation order.
* ``ResourceOptions(id=...)``: a read of an external resource (Read with the program's inputs as
  both properties and inputs); it is never deleted, only forgotten.

Not emulated: replacement (reported as a ``"replace"`` step; ``up`` refuses to carry it out),
``import_``, ``ignore_changes`` and the other engine-side resource options, component resources
(they get no provider step and no state), parents in URNs, and parallel steps: steps run one at a
time, in registration order.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import queue
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

import grpc
import pulumi
from google.protobuf import struct_pb2
from pulumi.output import Unknown
from pulumi.runtime import rpc, settings
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await

__all__ = [
    "UNKNOWN",
    "CheckFailed",
    "Diff",
    "Engine",
    "EngineError",
    "Failure",
    "ProviderError",
    "ProviderServer",
    "ReadResponse",
    "Result",
    "StateEntry",
    "property_diff",
]

UNKNOWN = rpc.UNKNOWN
"""The wire sentinel for an unknown value; also what :attr:`Result.exports` holds for an unknown export."""

PROVIDER_KEY = "__provider"


# ------------------------------------------------------------------------------------------------
# Errors
# ------------------------------------------------------------------------------------------------
class EngineError(Exception):
    """A step failed, or the program asked for something the harness does not emulate."""


class Failure(NamedTuple):
    """One CheckFailure from the provider."""

    property: str
    reason: str


class CheckFailed(EngineError):
    """Check returned failures; the message reads like the CLI's."""

    def __init__(self, type_: str, name: str, failures: Sequence[Failure], news: Mapping[str, Any]) -> None:
        self.type = type_
        self.name = name
        self.failures = list(failures)
        lines = [
            f"{type_} resource '{name}': property {f.property} value {_lookup(news, f.property)!r} "
            f"has a problem: {f.reason}"
            for f in self.failures
        ]
        super().__init__("\n".join(lines))


class ProviderError(EngineError):
    """A provider RPC failed. ``details`` is the gRPC status text: for a CRUD method of the dynamic
    provider, the provider's full Python traceback."""

    def __init__(self, method: str, code: grpc.StatusCode, details: str, stderr: str = "") -> None:
        self.method = method
        self.code = code
        self.details = details
        self.stderr = stderr
        lines = [line.strip() for line in details.splitlines() if line.strip()]
        self.last_line = lines[-1] if lines else ""
        message = f"{method} failed ({code.name}): {self.last_line}"
        if len(lines) > 1:
            message += "\n" + details.rstrip()
        if stderr:
            message += "\n--- provider server stderr (tail) ---\n" + stderr.rstrip()
        super().__init__(message)


def as_engine_sends(value: Any) -> Any:
    """A value as the engine hands it to a provider: every number a float, keys whose value is None gone."""
    if isinstance(value, dict):
        return {key: as_engine_sends(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [as_engine_sends(item) for item in value]
    return float(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _lookup(values: Mapping[str, Any], path: str) -> Any:
    """The value at a CheckFailure's property path (``a.b`` or ``a[0]``), or None if absent."""
    value: Any = values
    for part in path.replace("[", ".").replace("]", "").split("."):
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


# ------------------------------------------------------------------------------------------------
# Property values: the wire form is a plain dict where unknowns are rpc.UNKNOWN and secrets are
# rpc.wrap_rpc_secret envelopes.
# ------------------------------------------------------------------------------------------------
def _to_struct(values: Mapping[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(values)
    return struct


def _from_value(value: struct_pb2.Value) -> Any:
    kind = value.WhichOneof("kind")
    if kind == "struct_value":
        return _from_struct(value.struct_value)
    if kind == "list_value":
        return [_from_value(item) for item in value.list_value.values]
    if kind in (None, "null_value"):
        return None
    return getattr(value, kind)


def _from_struct(struct: struct_pb2.Struct) -> dict[str, Any]:
    # Written out rather than json_format.MessageToDict, so numbers stay the doubles they are on the wire.
    return {key: _from_value(value) for key, value in struct.fields.items()}


def _wire(value: Any) -> Any:
    """Mock inputs to the wire form: the SDK hands the mock ``Unknown`` objects during preview."""
    if isinstance(value, Unknown):
        return UNKNOWN
    if isinstance(value, Mapping):
        return {key: _wire(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_wire(item) for item in value]
    return value


def _strip_secrets(value: Any) -> Any:
    if rpc.is_rpc_secret(value):
        return _strip_secrets(value["value"])
    if isinstance(value, Mapping):
        return {key: _strip_secrets(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_strip_secrets(item) for item in value]
    return value


def _has_secret(value: Any) -> bool:
    if rpc.is_rpc_secret(value):
        return True
    if isinstance(value, Mapping):
        return any(_has_secret(item) for item in value.values())
    if isinstance(value, list):
        return any(_has_secret(item) for item in value)
    return False


def _has_unknown(value: Any) -> bool:
    if isinstance(value, str):
        return value == UNKNOWN
    if isinstance(value, Mapping):
        return any(_has_unknown(item) for item in value.values())
    if isinstance(value, list):
        return any(_has_unknown(item) for item in value)
    return False


def _annotate(raw: Mapping[str, Any], secret_keys: Iterable[str]) -> tuple[dict[str, Any], frozenset[str]]:
    """Plain values, and the keys that are secret: named like a secret input (the engine's
    ``annotateSecrets``) or sent wrapped by the provider."""
    keys = set(secret_keys)
    return (_strip_secrets(dict(raw)),
            frozenset(key for key, value in raw.items() if key in keys or _has_secret(value)))


# ------------------------------------------------------------------------------------------------
# The provider server
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Diff:
    """A DiffResponse: ``changes`` is ``"none"``, ``"some"`` or ``"unknown"``."""

    changes: str
    replaces: tuple[str, ...] = ()
    delete_before_replace: bool = False


class ReadResponse(NamedTuple):
    """A ReadResponse; an empty ``id`` means the resource is gone. ``inputs`` is empty unless the
    provider's ``read`` returned inputs."""

    id: str
    properties: dict[str, Any]
    inputs: dict[str, Any]


_CHANGES = {
    provider_pb2.DiffResponse.DIFF_NONE: "none",
    provider_pb2.DiffResponse.DIFF_SOME: "some",
    provider_pb2.DiffResponse.DIFF_UNKNOWN: "unknown",
}


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class ProviderServer:
    """The dynamic provider's gRPC server (``python -u -m pulumi.dynamic``), started the way the
    engine starts it, with typed wrappers for its RPCs.

    Use it as a context manager; the process is also killed at interpreter exit. Property values
    are plain dicts in the wire form: numbers come back as floats, unknowns are :data:`UNKNOWN`,
    secrets are ``rpc.wrap_rpc_secret`` envelopes. Every RPC has a deadline of ``timeout``
    seconds; a failed RPC raises :class:`ProviderError`, which ends with the server's stderr.

    The server calls a provider's ``configure()`` once per process for each distinct
    ``__provider`` string, with the config of the latest :meth:`configure`: configure before
    the first step of a provider object.
    """

    def __init__(self, cwd: str | os.PathLike[str], *, project: str = "project",
                 env: Mapping[str, str] | None = None, python_path: Sequence[str | os.PathLike[str]] = (),
                 python: str = sys.executable, timeout: float = 60.0, startup_timeout: float = 30.0) -> None:
        self.cwd = Path(cwd)
        self.project = project
        self.timeout = timeout
        self.startup_timeout = startup_timeout
        self.calls: list[tuple[str, str]] = []
        """Every RPC sent, as (method, URN), in order."""
        self.configured = False
        self._python = python
        self._env = {**os.environ, **(env or {}), "PULUMI_PROJECT": project}
        if python_path:
            self._env["PYTHONPATH"] = os.pathsep.join(
                [*map(str, python_path), *filter(None, [self._env.get("PYTHONPATH")])])
        self._proc: subprocess.Popen[bytes] | None = None
        self._channel: grpc.Channel | None = None
        self._stub: provider_pb2_grpc.ResourceProviderStub | None = None
        self._stdout: list[str] = []
        self._stderr: list[str] = []

    # -- lifecycle --
    def start(self) -> ProviderServer:
        """Start the process, read its port from the first stdout line and connect."""
        proc = self._proc = subprocess.Popen(
            [self._python, "-u", "-m", "pulumi.dynamic", "127.0.0.1:0"],  # the argument (engine address) is ignored
            cwd=self.cwd, env=self._env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        weakref.finalize(self, _stop, proc)
        first_line: queue.Queue[str] = queue.Queue()

        def pump(stream: Any, sink: list[str], first: queue.Queue[str] | None) -> None:
            for raw in stream:
                line = raw.decode(errors="replace")
                if first is not None:
                    first.put(line)
                    first = None
                else:
                    sink.append(line)
            if first is not None:
                first.put("")

        threading.Thread(target=pump, args=(proc.stdout, self._stdout, first_line), daemon=True).start()
        threading.Thread(target=pump, args=(proc.stderr, self._stderr, None), daemon=True).start()
        try:
            line = first_line.get(timeout=self.startup_timeout)
        except queue.Empty:
            line = ""
        if not line.strip().isdigit():
            self.close()
            raise EngineError(f"the provider server printed no port (got {line!r}); stderr:\n{self.stderr}")
        self._channel = grpc.insecure_channel(f"127.0.0.1:{int(line)}")
        grpc.channel_ready_future(self._channel).result(timeout=self.startup_timeout)
        self._stub = provider_pb2_grpc.ResourceProviderStub(self._channel)
        return self

    def close(self) -> None:
        """Close the channel and stop the process."""
        if self._channel is not None:
            self._channel.close()
            self._channel = None
        if self._proc is not None:
            _stop(self._proc)

    def __enter__(self) -> ProviderServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def stdout(self) -> str:
        """What the server printed after its port (a provider's ``print`` output)."""
        return "".join(self._stdout)

    @property
    def stderr(self) -> str:
        """Everything the server wrote to stderr so far."""
        return "".join(self._stderr)

    def _stderr_tail(self, lines: int = 30) -> str:
        # The reader thread may still be catching up with what the server wrote just before failing.
        deadline, seen = time.monotonic() + 0.5, -1
        while len(self._stderr) != seen and time.monotonic() < deadline:
            seen = len(self._stderr)
            time.sleep(0.05)
        return "".join(self._stderr[-lines:])

    def _call(self, method: str, request: Any, urn: str = "") -> Any:
        if self._stub is None:
            raise EngineError("the provider server is not started")
        self.calls.append((method, urn))
        try:
            return getattr(self._stub, method)(request, timeout=self.timeout)
        except grpc.RpcError as exc:
            tail = self._stderr_tail()
            if self._proc is not None and self._proc.poll() is not None:
                tail += f"\n(provider server exited with code {self._proc.returncode})"
            raise ProviderError(method, exc.code(), exc.details() or "", tail) from exc

    # -- RPCs --
    def configure(self, config: Mapping[str, Any], secret_keys: Iterable[str] = ()) -> bool:
        """Send the stack config as the engine does: keys namespaced (``appKey`` becomes
        ``<project>:appKey``; ``flashduty:appKey`` stays), values as strings (others JSON-encoded),
        secret keys (either spelling) wrapped as secrets. Returns the server's acceptSecrets."""
        secret = set(secret_keys)
        args: dict[str, Any] = {}
        for key, value in config.items():
            full = key if ":" in key else f"{self.project}:{key}"
            text = value if isinstance(value, str) else json.dumps(value)
            args[full] = rpc.wrap_rpc_secret(text) if key in secret or full in secret else text
        response = self._call("Configure", provider_pb2.ConfigureRequest(
            args=_to_struct(args), acceptSecrets=True, acceptResources=True))
        self.configured = True
        return response.acceptSecrets

    def check(self, urn: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> tuple[dict[str, Any], list[Failure]]:
        """Check: the checked inputs and the failures."""
        response = self._call("Check", provider_pb2.CheckRequest(
            urn=urn, olds=_to_struct(olds), news=_to_struct(news)), urn)
        return _from_struct(response.inputs), [Failure(f.property, f.reason) for f in response.failures]

    def diff(self, id_: str, urn: str, olds: Mapping[str, Any], news: Mapping[str, Any],
             old_inputs: Mapping[str, Any] | None = None) -> Diff:
        """Diff of the old outputs against the new checked inputs."""
        response = self._call("Diff", provider_pb2.DiffRequest(
            id=id_, urn=urn, olds=_to_struct(olds), news=_to_struct(news),
            old_inputs=_to_struct(old_inputs or {})), urn)
        return Diff(_CHANGES[response.changes], tuple(response.replaces), response.deleteBeforeReplace)

    def create(self, urn: str, properties: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        """Create: the new id and outputs."""
        response = self._call("Create", provider_pb2.CreateRequest(
            urn=urn, properties=_to_struct(properties), timeout=self.timeout), urn)
        return response.id, _from_struct(response.properties)

    def read(self, id_: str, urn: str, properties: Mapping[str, Any] | None = None,
             inputs: Mapping[str, Any] | None = None) -> ReadResponse:
        """Read (refresh: properties = old outputs, inputs = old inputs; get: the program's inputs as both)."""
        request = provider_pb2.ReadRequest(id=id_, urn=urn)
        if properties is not None:
            request.properties.CopyFrom(_to_struct(properties))
        if inputs is not None:
            request.inputs.CopyFrom(_to_struct(inputs))
        response = self._call("Read", request, urn)
        return ReadResponse(response.id, _from_struct(response.properties), _from_struct(response.inputs))

    def update(self, id_: str, urn: str, olds: Mapping[str, Any], news: Mapping[str, Any],
               old_inputs: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Update: the new outputs."""
        response = self._call("Update", provider_pb2.UpdateRequest(
            id=id_, urn=urn, olds=_to_struct(olds), news=_to_struct(news),
            old_inputs=_to_struct(old_inputs or {}), timeout=self.timeout), urn)
        return _from_struct(response.properties)

    def delete(self, id_: str, urn: str, properties: Mapping[str, Any],
               old_inputs: Mapping[str, Any] | None = None) -> None:
        """Delete, given the old outputs."""
        self._call("Delete", provider_pb2.DeleteRequest(
            id=id_, urn=urn, properties=_to_struct(properties), old_inputs=_to_struct(old_inputs or {}),
            timeout=self.timeout), urn)


# ------------------------------------------------------------------------------------------------
# The engine
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class StateEntry:
    """One resource in the stack state. ``inputs`` and ``outputs`` are plain (secrets unwrapped,
    numbers as floats, ``__provider`` included); the ``secret_*`` sets name the top-level keys that
    are secret in state."""

    urn: str
    type: str
    name: str
    id: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    secret_inputs: frozenset[str] = frozenset()
    secret_outputs: frozenset[str] = frozenset()
    external: bool = False


@dataclass
class Result:
    """What one operation did, keyed by resource name (in step order).

    ``steps``: ``create``, ``update``, ``same``, ``replace``, ``delete``, ``read`` (refresh, or
    ``ResourceOptions(id=...)``), ``drop`` (refresh found it gone), ``discard`` (an external
    resource forgotten). ``changes``: for an update, the property lines ``pulumi preview --diff``
    prints for a dynamic resource (its old inputs against the new checked inputs, see
    :func:`property_diff`). ``outputs``: the plain outputs handed to the program, without
    ``__provider``; during preview a key missing there is unknown to the program, and ``ids`` holds
    :data:`UNKNOWN` for a resource that would be created. ``exports``: the program's
    ``pulumi.export`` values (:data:`UNKNOWN` when unknown), ``secret_exports`` those that are
    secret. ``calls``: the provider RPCs sent, as (method, resource name).
    """

    steps: dict[str, str] = field(default_factory=dict)
    diffs: dict[str, Diff] = field(default_factory=dict)
    changes: dict[str, list[str]] = field(default_factory=dict)
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)
    exports: dict[str, Any] = field(default_factory=dict)
    secret_exports: frozenset[str] = frozenset()
    calls: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class _Run:
    preview: bool
    old_state: dict[str, StateEntry]
    result: Result = field(default_factory=Result)
    new_state: dict[str, StateEntry] = field(default_factory=dict)
    registered: set[str] = field(default_factory=set)
    failure: Exception | None = None


class _Mocks(pulumi.runtime.Mocks):
    def __init__(self, engine: Engine, run: _Run) -> None:
        self._engine = engine
        self._run = run

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict]:
        return self._engine._register(self._run, args)

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict:
        return {}


class Engine:
    """The engine's part for the dynamic resources of one stack, over one :class:`ProviderServer`.

    ``state`` maps URN to :class:`StateEntry`, in creation order; it persists across operations,
    so ``up``/``preview``/``refresh``/``destroy`` can be chained like CLI commands. If the server
    was not configured, the first step sends an empty config (the engine always configures).
    """

    def __init__(self, server: ProviderServer, *, project: str | None = None, stack: str = "dev") -> None:
        self.server = server
        self.project = project or server.project
        self.stack = stack
        self.state: dict[str, StateEntry] = {}
        self._lock = threading.Lock()

    def entry(self, name: str) -> StateEntry:
        """The state entry of the resource called ``name``."""
        for entry in self.state.values():
            if entry.name == name:
                return entry
        raise KeyError(f"no resource {name!r} in state (have {sorted(e.name for e in self.state.values())})")

    def urn(self, type_: str, name: str) -> str:
        """The URN of a top-level resource of this stack."""
        return f"urn:pulumi:{self.stack}::{self.project}::{type_}::{name}"

    # -- operations --
    def up(self, program: Callable[[], Any], *, preview: bool = False) -> Result:
        """Run ``program`` and perform its steps (``pulumi up``), or only plan them (``preview``).

        ``program`` builds resources as a Pulumi program's ``__main__`` would, and may call
        ``pulumi.export``; it runs in a fresh ``set_mocks`` with this engine's project and stack.

        A failed step (:class:`CheckFailed`, :class:`ProviderError`, :class:`EngineError`) stops the
        run and is raised; the state keeps what completed, and nothing is deleted. An exception from
        the program itself is raised as is.
        """
        run = _Run(preview, dict(self.state))
        first_call = len(self.server.calls)
        try:
            exports, secret_exports = self._run_program(program, run)
        except Exception as exc:
            if run.failure is not None and run.failure is not exc:
                raise run.failure from exc
            raise
        finally:
            if not preview:
                self.state = {**run.new_state,
                              **{urn: e for urn, e in run.old_state.items() if urn not in run.new_state}}
        if run.failure is not None:
            raise run.failure
        result = run.result
        result.exports, result.secret_exports = exports, secret_exports
        for urn in reversed([urn for urn in run.old_state if urn not in run.registered]):
            entry = run.old_state[urn]
            result.steps[entry.name] = "discard" if entry.external else "delete"
            if not preview:
                if not entry.external:
                    self.server.delete(entry.id, urn, entry.outputs, entry.inputs)
                del self.state[urn]
        result.calls = self._calls_since(first_call)
        return result

    def preview(self, program: Callable[[], Any]) -> Result:
        """``up(program, preview=True)``: Check and Diff only; the state is left alone."""
        return self.up(program, preview=True)

    def refresh(self) -> Result:
        """Read every resource in state; one whose Read returns an empty id is dropped."""
        result = Result()
        first_call = len(self.server.calls)
        self._ensure_configured()
        for urn, entry in list(self.state.items()):
            response = self.server.read(entry.id, urn, entry.outputs, entry.inputs)
            if not response.id:
                del self.state[urn]
                result.steps[entry.name] = "drop"
                continue
            outputs, secret_outputs = _annotate(response.properties, entry.secret_outputs)
            inputs = _strip_secrets(response.inputs) if response.inputs else entry.inputs
            self.state[urn] = replace(entry, id=response.id, inputs=inputs, outputs=outputs,
                                      secret_outputs=secret_outputs)
            result.steps[entry.name] = "read"
            result.ids[entry.name] = response.id
            result.outputs[entry.name] = _public(outputs)
        result.calls = self._calls_since(first_call)
        return result

    def destroy(self) -> Result:
        """Delete every resource, last created first (external ones are only forgotten)."""
        result = Result()
        first_call = len(self.server.calls)
        self._ensure_configured()
        for urn in reversed(list(self.state)):
            entry = self.state[urn]
            if not entry.external:
                self.server.delete(entry.id, urn, entry.outputs, entry.inputs)
            del self.state[urn]
            result.steps[entry.name] = "discard" if entry.external else "delete"
        result.calls = self._calls_since(first_call)
        return result

    # -- internals --
    def _ensure_configured(self) -> None:
        if not self.server.configured:
            self.server.configure({})

    def _calls_since(self, first: int) -> list[tuple[str, str]]:
        return [(method, urn.rsplit("::", 1)[-1]) for method, urn in self.server.calls[first:]]

    def _run_program(self, program: Callable[[], Any], run: _Run) -> tuple[dict[str, Any], frozenset[str]]:
        _quiet_failed_futures()
        # Mocks and the root stack resource are process-global: start each run from scratch.
        settings.set_root_resource(None)  # type: ignore[arg-type]
        pulumi.runtime.set_mocks(_Mocks(self, run), project=self.project, stack=self.stack, preview=run.preview)
        settings.SETTINGS.outputs.clear()
        try:
            _sync_await(run_pulumi_func(program))
            return _sync_await(_resolve_exports(getattr(settings.get_root_resource(), "outputs", {})))
        except Exception:
            _sync_await(_drain_rpcs())
            raise
        finally:
            settings.set_root_resource(None)  # type: ignore[arg-type]

    def _register(self, run: _Run, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict]:
        # Called from the SDK's executor threads; one step at a time keeps state and order simple.
        with self._lock:
            if run.failure is not None:
                raise EngineError(f"resource '{args.name}' not registered: an earlier step failed")
            try:
                return self._step(run, args)
            except Exception as exc:
                run.failure = exc
                raise

    def _step(self, run: _Run, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict]:
        if args.custom is False:  # a component resource: no provider involved
            return "", {}
        self._ensure_configured()
        name, type_ = args.name, args.typ
        urn = self.urn(type_, name)
        if urn in run.registered:
            raise EngineError(f"duplicate resource URN {urn!r}")
        run.registered.add(urn)
        inputs = _wire(args.inputs)
        secret_inputs = frozenset(key for key, value in inputs.items() if _has_secret(value))
        news = _strip_secrets(inputs)
        if PROVIDER_KEY not in news:
            raise EngineError(f"{type_} resource '{name}' is not a pulumi.dynamic resource (no {PROVIDER_KEY})")
        result = run.result

        if args.custom is None:  # ReadResource: ResourceOptions(id=...)
            response = self.server.read(args.resource_id or "", urn, news, news)
            if not response.id:
                raise EngineError(f"{type_} resource '{name}': no resource with id {args.resource_id!r}")
            outputs, secret_outputs = _annotate(response.properties, secret_inputs)
            entry = StateEntry(urn, type_, name, response.id, _strip_secrets(response.inputs) or news, outputs,
                               secret_inputs, secret_outputs, external=True)
            return self._finish(run, name, entry, "read", entry.id, outputs, secret_outputs)
        if args.resource_id:
            raise EngineError(f"{type_} resource '{name}': import_ is not emulated (for a dynamic provider the "
                              f"engine's id-only Read fails with KeyError '__provider', pulumi#16175)")

        old = run.old_state.get(urn)
        checked, failures = self.server.check(urn, old.inputs if old else {}, news)
        if failures:
            raise CheckFailed(type_, name, failures, news)

        if old is None:
            if run.preview:
                return self._finish(run, name, None, "create", "", checked, secret_inputs)
            id_, raw = self.server.create(urn, checked)
            if not id_:
                raise EngineError(f"{type_} resource '{name}': the provider's create returned an empty id")
            outputs, secret_outputs = _annotate(raw, secret_inputs)
            entry = StateEntry(urn, type_, name, id_, checked, outputs, secret_inputs, secret_outputs)
            return self._finish(run, name, entry, "create", id_, outputs, secret_outputs)

        diff = result.diffs[name] = self.server.diff(old.id, urn, old.outputs, checked, old.inputs)
        if diff.replaces:
            if not run.preview:
                raise EngineError(f"{type_} resource '{name}' needs replacement ({', '.join(diff.replaces)}): "
                                  "replacement is not emulated")
            return self._finish(run, name, None, "replace", "", checked, secret_inputs)
        # On DIFF_UNKNOWN the engine compares old and new inputs itself (including __provider).
        if diff.changes == "some" or (diff.changes == "unknown" and old.inputs != checked):
            result.changes[name] = property_diff(old.inputs, checked)
            if run.preview:
                return self._finish(run, name, None, "update", old.id, checked, secret_inputs)
            raw = self.server.update(old.id, urn, old.outputs, checked, old.inputs)
            outputs, secret_outputs = _annotate(raw, secret_inputs)
            entry = replace(old, inputs=checked, outputs=outputs, secret_inputs=secret_inputs,
                            secret_outputs=secret_outputs)
            return self._finish(run, name, entry, "update", old.id, outputs, secret_outputs)
        # SameStep: the new inputs, but the OLD outputs.
        entry = replace(old, inputs=checked, secret_inputs=secret_inputs)
        return self._finish(run, name, entry, "same", old.id, old.outputs, old.secret_outputs)

    @staticmethod
    def _finish(run: _Run, name: str, entry: StateEntry | None, step: str, id_: str, outputs: Mapping[str, Any],
                secret_keys: frozenset[str]) -> tuple[str, dict]:
        """Record the step and build what the mock hands back to the program: known values only (a
        missing key resolves as unknown during preview), secret keys wrapped."""
        if entry is not None:
            run.new_state[entry.urn] = entry
        known = {key: value for key, value in outputs.items() if not _has_unknown(value)}
        run.result.steps[name] = step
        run.result.ids[name] = id_ or UNKNOWN
        run.result.outputs[name] = _public(known)
        return id_, {key: rpc.wrap_rpc_secret(value) if key in secret_keys else value for key, value in known.items()}


def property_diff(old: Any, new: Any, path: str = "") -> list[str]:
    """The property lines of ``pulumi preview --diff`` for a dynamic resource. Its provider sends no
    detailed diff, so the CLI compares the old inputs with the new ones itself (#13839) and prints
    ``~ path: old => new`` for a changed value, ``+ path: new`` and ``- path: old`` for added and
    removed ones (``__provider`` is never shown). Values are written as JSON, whole numbers as ints."""
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        lines = []
        for key in [*old, *(key for key in new if key not in old)]:
            if key == PROVIDER_KEY:
                continue
            where = f"{path}.{key}" if path else str(key)
            if key not in new or new[key] is None:
                lines += [] if old[key] is None else [f"- {where}: {_shown(old[key])}"]
            elif key not in old or old[key] is None:
                lines.append(f"+ {where}: {_shown(new[key])}")
            else:
                lines += property_diff(old[key], new[key], where)
        return lines
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [line for i, (before, after) in enumerate(zip(old, new, strict=True))
                for line in property_diff(before, after, f"{path}[{i}]")]
    return [] if old == new else [f"~ {path}: {_shown(old)} => {_shown(new)}"]


def _shown(value: Any) -> str:
    def whole(item: Any) -> Any:
        if isinstance(item, float) and item.is_integer():
            return int(item)
        if isinstance(item, Mapping):
            return {key: whole(part) for key, part in item.items()}
        if isinstance(item, list):
            return [whole(part) for part in item]
        return item
    return "<unknown>" if value == UNKNOWN else json.dumps(whole(value), ensure_ascii=False)


def _public(outputs: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in outputs.items() if key != PROVIDER_KEY}


def _quiet_failed_futures() -> None:
    """Keep asyncio from logging "Future exception was never retrieved" for the outputs of resources
    whose step failed: ``up`` has raised that failure already."""
    loop = _ensure_event_loop()
    previous = loop.get_exception_handler()
    if getattr(previous, "harness", False):
        return

    def handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        if isinstance(context.get("exception"), EngineError):
            return
        if previous is not None:
            previous(loop, context)
        else:
            loop.default_exception_handler(context)

    handler.harness = True  # type: ignore[attr-defined]
    loop.set_exception_handler(handler)


async def _drain_rpcs() -> None:
    """Let the SDK's outstanding registrations finish after a failure, and forget the failure, so
    neither reaches the next run (the SDK re-raises a recorded failure at the end of every run)."""
    manager = settings.SETTINGS.rpc_manager
    while manager.rpcs:
        with contextlib.suppress(Exception):
            await manager.rpcs.pop()
    manager.clear()
    with settings.SETTINGS.lock:
        outputs = list(settings.SETTINGS.outputs)
        settings.SETTINGS.outputs.clear()
    for task in outputs:
        task.cancel()
    await asyncio.gather(*outputs, return_exceptions=True)


async def _resolve_exports(outputs: Mapping[str, Any]) -> tuple[dict[str, Any], frozenset[str]]:
    values: dict[str, Any] = {}
    secret: set[str] = set()
    for key, value in outputs.items():
        output = pulumi.Output.from_input(value)
        values[key] = await output.future() if await output.is_known() else UNKNOWN
        if await output.is_secret():
            secret.add(key)
    return values, frozenset(secret)
