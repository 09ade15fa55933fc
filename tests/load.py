"""A concurrent load driver: many Team and Schedule steps through the real provider server at once,
as the Pulumi engine runs them, and a check of the emulator's state against what was declared.

:class:`Stack` drives one :class:`flashcat_pulumi.testing.ProviderServer` (one ``python -m pulumi.dynamic`` process,
which serves at most 4 calls at once) with up to ``parallel`` operations in flight (10: the
engine's default ``--parallel``). Each operation is the engine's sequence of provider calls for
that step (see flashcat_pulumi/testing/_engine.py):

* create: Check(olds = {}) then Create;
* up of a resource already in the state: Check(olds = old inputs), Diff(old outputs, checked
  inputs), then Update when the diff says so (else a "same" step that keeps the old outputs);
* preview: Check and Diff only;
* refresh: Read(id, old outputs, old inputs); an empty id drops the resource;
* destroy: Delete(id, old outputs, old inputs).

Steps wait for the steps they depend on, as in the engine: a schedule's step starts once its
team's step has finished (its ``team_id`` input is the team's ``team_id`` output), and on destroy a
team is deleted once all its schedules are. A step whose dependency failed is not run and counts
as a failure ("not run: ..."); independent steps go on (the engine would stop launching new steps
after the first failure; going on counts every failure of a run instead of the first).

:func:`declare` builds a declared set of N schedules over M teams (each schedule in the team of
its index modulo M): a team of 2 or 3 people by email, and a schedule with one weekly layer of 2 or
3 people by email, one override and notify settings. :meth:`Declaration.revised` changes every
schedule's description and override person (a real update). :func:`compare` checks the emulator's
stored teams and schedules against one or more declarations with the emulator's own inspection
(``emu.teams()``, ``emu.schedules()``, ``emu.people()``), never through the provider.

Thread safety: :class:`flashcat_pulumi.testing.ProviderServer` keeps one piece of per-call state, the ``calls``
list, which ``_call`` only appends to (atomic under the GIL), and one gRPC channel and stub, which
gRPC documents as safe to share between threads; so its ``check``/``diff``/``create``/... methods
are called here from the pool's threads directly, and nothing in the engine stand-in needed changing. The
one thing not to reuse is :class:`flashcat_pulumi.testing.Engine`, which runs a program under the process-global
Pulumi mocks one step at a time. The inputs are built here as the SDK builds them for the engine
(``to_input`` of the resource's props, numbers as doubles, keys whose value is None dropped, and
the pickled provider under ``__provider``); that gives byte-for-byte the ``news`` Engine sends.
Start the server with a long RPC ``timeout`` (:func:`provider_server` does): the engine sets no
deadline on these calls, and a step waiting for the rate limit can take minutes.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from pulumi.dynamic.dynamic import serialize_provider

from flashcat_pulumi import testing
from flashcat_pulumi.resources._base import to_input
from flashcat_pulumi.resources.schedule import ScheduleProvider
from flashcat_pulumi.resources.team import TeamProvider
from flashcat_pulumi.testing import UNKNOWN, CheckFailed, ProviderError, ProviderServer, as_engine_sends
from flashcat_pulumi.testing._engine import _strip_secrets

__all__ = [
    "PARALLEL",
    "PEOPLE",
    "Comparison",
    "Declaration",
    "Entry",
    "OpRecord",
    "Phase",
    "Served",
    "Spec",
    "Stack",
    "bounded",
    "compare",
    "declare",
    "provider_server",
    "rate_limited",
]

ROOT = Path(__file__).resolve().parents[1]
PARALLEL = 10
"""Operations in flight: the Pulumi engine's default parallelism."""
SERVER_TIMEOUT = 900.0
"""The RPC deadline of :func:`provider_server`: longer than any step (the client's retry budget is 5 minutes)."""
ZONE = "Asia/Shanghai"
PEOPLE = ("alice@example.com", "bob@example.com", "carol@example.com", "dave@example.com", "erin@example.com",
          "frank@example.com")
"""Members of the emulator's default account, by email."""
TYPES = {"team": "pulumi-python:dynamic/flashduty:Team", "schedule": "pulumi-python:dynamic/flashduty:Schedule"}
_PROVIDERS: dict[str, str] = {}
_PROVIDERS_LOCK = threading.Lock()


def _provider(kind: str) -> str:
    """The ``__provider`` input of a Team or Schedule, as ``pulumi.dynamic.Resource`` pickles it."""
    with _PROVIDERS_LOCK:
        if kind not in _PROVIDERS:
            _PROVIDERS[kind] = serialize_provider(TeamProvider() if kind == "team" else ScheduleProvider())
        return _PROVIDERS[kind]


# ------------------------------------------------------------------------------------------------
# What is declared
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Spec:
    """One declared resource: ``kind`` is ``team`` or ``schedule``, ``name`` the resource name (the
    URN's last part), ``props`` the program's arguments, ``team`` the resource name of a schedule's
    team (its ``team_id`` input is that team's ``team_id`` output)."""

    kind: str
    name: str
    props: Mapping[str, Any]
    team: str | None = None

    def news(self, team_id: Any = None) -> dict[str, Any]:
        """The inputs the engine sends to Check: the SDK's serialization of the resource's props."""
        # The constructor's defaults, the program's arguments, then the output-only properties (None).
        if self.kind == "team":
            props = {"adopt": False, **self.props, "team_id": None, "person_ids": None}
        else:
            props = {"enabled": True, "upcoming_shift_count": 5, "adopt": False, **self.props, "team_id": team_id,
                     "zone_offset": None, "schedule_id": None, "disabled": None, "current_oncall": None,
                     "next_oncall": None, "upcoming_shifts": None, "external_overrides": None}
        return {**as_engine_sends(to_input(props)), "__provider": _provider(self.kind)}


@dataclass(frozen=True)
class Declaration:
    """A program's teams and schedules (teams first). ``layer_start`` is shared by every revision."""

    teams: tuple[Spec, ...]
    schedules: tuple[Spec, ...]
    prefix: str
    revision: int
    layer_start: str
    override_day: str

    @property
    def specs(self) -> tuple[Spec, ...]:
        return self.teams + self.schedules

    def revised(self, revision: int | None = None) -> Declaration:
        """The same stack with every schedule really changed: another description and override person."""
        return declare(len(self.schedules), len(self.teams), prefix=self.prefix,
                       revision=self.revision + 1 if revision is None else revision,
                       layer_start=self.layer_start, override_day=self.override_day)


def _monday_before(now: datetime, days: int) -> str:
    day = (now - timedelta(days=days)).date()
    return f"{day - timedelta(days=day.weekday())}T09:00"


def declare(schedules: int, teams: int, *, prefix: str = "load", revision: int = 0, layer_start: str | None = None,
            override_day: str | None = None) -> Declaration:
    """``schedules`` schedules spread over ``teams`` teams (schedule i in team i mod teams).

    Team ``{prefix} team {j}``: 2 or 3 people by email. Schedule ``{prefix} schedule {i}``: one weekly
    layer (``"1w"``, hand-off ``mon 09:00``, started on a Monday two to three weeks ago) of 2 or 3
    one-person groups by email, one override of a day a month ahead, notify ``10m`` by email; its
    description and override person depend on ``revision``.
    """
    if teams < 1 and schedules:
        raise ValueError("schedules need at least one team")
    now = datetime.now(ZoneInfo(ZONE))
    layer_start = layer_start or _monday_before(now, 14)
    override_day = override_day or (now + timedelta(days=30)).date().isoformat()
    end_day = (datetime.fromisoformat(override_day) + timedelta(days=1)).date().isoformat()
    n = len(PEOPLE)
    team_specs = tuple(
        Spec("team", f"team-{j}", {"team_name": f"{prefix} team {j}", "description": f"{prefix} load test",
                                   "members": [PEOPLE[(j + k) % n] for k in range(2 + j % 2)]})
        for j in range(teams))
    schedule_specs = []
    for i in range(schedules):
        group_count = 2 + i % 2
        schedule_specs.append(Spec("schedule", f"schedule-{i}", {
            "schedule_name": f"{prefix} schedule {i}",
            "description": f"{prefix} schedule {i}, revision {revision}",
            "time_zone": ZONE,
            "layers": [{"layer_name": "weekly", "layer_start": layer_start, "rotation_duration": "1w",
                        "handoff_time": "mon 09:00",
                        "groups": [[PEOPLE[(i + k) % n]] for k in range(group_count)]}],
            "overrides": [{"name": "cover", "start": override_day, "end": end_day,
                           "person": PEOPLE[(i + 3 + revision) % n]}],
            "notify": {"advance_in_time": "10m", "personal_channels": ["email"]},
        }, team=f"team-{i % teams}"))
    return Declaration(team_specs, tuple(schedule_specs), prefix, revision, layer_start, override_day)


# ------------------------------------------------------------------------------------------------
# What happened
# ------------------------------------------------------------------------------------------------
@dataclass
class OpRecord:
    """One operation: ``kind`` such as ``"create schedule"`` (what it did, or was doing when it
    failed), wall-clock ``started``/``ended`` (epoch seconds), ``error`` (``None``: it succeeded)."""

    kind: str
    resource: str
    started: float = 0.0
    ended: float = 0.0
    error: str | None = None

    @property
    def seconds(self) -> float:
        return self.ended - self.started


@dataclass(frozen=True)
class KindStats:
    """The operations of one kind in a phase: how many, the failed ones, their summed and longest time."""

    count: int
    failures: tuple[OpRecord, ...]
    seconds: float
    longest: float


@dataclass
class Phase:
    """One engine operation (up, preview, refresh, destroy) over the stack: its wall-clock bounds
    (epoch seconds, comparable with the emulator's request times) and every operation."""

    name: str
    started: float
    ended: float = 0.0
    records: list[OpRecord] = field(default_factory=list)

    @property
    def wall(self) -> float:
        return self.ended - self.started

    @property
    def failures(self) -> list[OpRecord]:
        return [record for record in self.records if record.error is not None]

    def kinds(self) -> dict[str, KindStats]:
        grouped: dict[str, list[OpRecord]] = defaultdict(list)
        for record in self.records:
            grouped[record.kind].append(record)
        return {kind: KindStats(len(records), tuple(r for r in records if r.error is not None),
                                sum(r.seconds for r in records), max(r.seconds for r in records))
                for kind, records in sorted(grouped.items())}

    def summary(self) -> str:
        """One line per kind: count, failures, time; then each failure with its message."""
        lines = [f"{self.name}: {len(self.records)} operations in {self.wall:.1f}s"]
        for kind, stats in self.kinds().items():
            lines.append(f"  {kind}: {stats.count} ({len(stats.failures)} failed), {stats.seconds:.1f}s in all, "
                         f"longest {stats.longest:.1f}s")
        lines += [f"  FAILED {r.kind} {r.resource}: {r.error}" for r in self.failures]
        return "\n".join(lines)


def rate_limited(record: OpRecord) -> bool:
    """Whether an operation failed because the API kept answering 429 (``RateLimited``)."""
    return record.error is not None and ("RateLimited" in record.error or "RequestTooFrequently" in record.error)


def _describe(error: BaseException) -> str:
    if isinstance(error, ProviderError):
        code = "" if error.code.name == "UNKNOWN" else f" ({error.code.name})"
        return f"{error.method}{code}: {error.last_line}"
    if isinstance(error, CheckFailed):
        return f"Check: {error}"
    return f"{type(error).__name__}: {error}"


# ------------------------------------------------------------------------------------------------
# The driver
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Entry:
    """A resource in the stack's state (inputs and outputs plain, ``__provider`` included)."""

    spec: Spec
    urn: str
    id: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]


@dataclass(frozen=True)
class _Step:
    name: str
    kind: str
    deps: tuple[str, ...]
    run: Callable[[OpRecord], None]


class Stack:
    """The engine's part for one stack over one provider server, with ``parallel`` steps in flight.

    ``state`` maps resource name to :class:`Entry` and persists across operations, so
    ``up``/``preview``/``refresh``/``destroy`` chain like CLI commands. Configure the server first.
    """

    def __init__(self, server: ProviderServer, *, stack: str = "load", parallel: int = PARALLEL) -> None:
        self.server = server
        self.stack = stack
        self.parallel = parallel
        self.state: dict[str, Entry] = {}
        self._lock = threading.Lock()

    def urn(self, spec: Spec) -> str:
        return f"urn:pulumi:{self.stack}::{self.server.project}::{TYPES[spec.kind]}::{spec.name}"

    # -- operations --
    def up(self, declaration: Declaration, *, preview: bool = False, name: str | None = None) -> Phase:
        """Create or update every declared resource (``preview``: only Check and Diff, state untouched).
        Resources in the state but no longer declared are left alone (not emulated)."""
        planned: dict[str, dict[str, Any]] = {}  # this run's outputs of each resource, for its dependents
        steps = [_Step(spec.name, self._intended(spec), (spec.team,) if spec.team else (),
                       lambda record, spec=spec: self._register(spec, record, planned, preview))
                 for spec in declaration.specs]
        return self._execute(name or ("preview" if preview else "up"), steps)

    def preview(self, declaration: Declaration, *, name: str = "preview") -> Phase:
        return self.up(declaration, preview=True, name=name)

    def refresh(self, *, name: str = "refresh") -> Phase:
        """Read every resource in the state; one that is gone is dropped."""
        steps = [_Step(entry.spec.name, f"read {entry.spec.kind}", (),
                       lambda record, entry=entry: self._read(entry, record))
                 for entry in list(self.state.values())]
        return self._execute(name, steps)

    def destroy(self, *, name: str = "destroy") -> Phase:
        """Delete every resource; a team after the schedules that use it."""
        entries = list(self.state.values())
        users: dict[str, list[str]] = defaultdict(list)
        for entry in entries:
            if entry.spec.team:
                users[entry.spec.team].append(entry.spec.name)
        steps = [_Step(entry.spec.name, f"delete {entry.spec.kind}", tuple(users[entry.spec.name]),
                       lambda record, entry=entry: self._delete(entry, record))
                 for entry in entries]
        return self._execute(name, steps)

    # -- the steps --
    def _intended(self, spec: Spec) -> str:
        return f"{'update' if spec.name in self.state else 'create'} {spec.kind}"

    def _register(self, spec: Spec, record: OpRecord, planned: dict[str, dict[str, Any]], preview: bool) -> None:
        urn = self.urn(spec)
        team_id = None
        if spec.team:
            team_id = planned.get(spec.team, {}).get("team_id", UNKNOWN)
        news = spec.news(team_id)
        with self._lock:
            old = self.state.get(spec.name)
        record.kind = f"{'same' if old else 'create'} {spec.kind}"
        checked, failures = self.server.check(urn, old.inputs if old else {}, news)
        if failures:
            raise CheckFailed(TYPES[spec.kind], spec.name, failures, news)
        if old is None:
            if preview:
                planned[spec.name] = {}
                return
            id_, raw = self.server.create(urn, checked)
            if not id_:
                raise RuntimeError(f"{spec.name}: the provider's create returned an empty id")
            outputs = _strip_secrets(raw)
            planned[spec.name] = outputs
            with self._lock:
                self.state[spec.name] = Entry(spec, urn, id_, checked, outputs)
            return
        diff = self.server.diff(old.id, urn, old.outputs, checked, old.inputs)
        if diff.replaces:
            raise RuntimeError(f"{spec.name} needs replacement ({', '.join(diff.replaces)}): not emulated")
        if diff.changes == "some" or (diff.changes == "unknown" and old.inputs != checked):
            record.kind = f"update {spec.kind}"
            if preview:
                planned[spec.name] = old.outputs
                return
            outputs = _strip_secrets(self.server.update(old.id, urn, old.outputs, checked, old.inputs))
            planned[spec.name] = outputs
            with self._lock:
                self.state[spec.name] = replace(old, spec=spec, inputs=checked, outputs=outputs)
            return
        planned[spec.name] = old.outputs
        if not preview:
            with self._lock:
                self.state[spec.name] = replace(old, spec=spec, inputs=checked)

    def _read(self, entry: Entry, record: OpRecord) -> None:
        response = self.server.read(entry.id, entry.urn, entry.outputs, entry.inputs)
        with self._lock:
            if not response.id:
                record.kind = f"drop {entry.spec.kind}"
                self.state.pop(entry.spec.name, None)
                return
            inputs = _strip_secrets(response.inputs) if response.inputs else entry.inputs
            self.state[entry.spec.name] = replace(entry, id=response.id, inputs=inputs,
                                                  outputs=_strip_secrets(response.properties))

    def _delete(self, entry: Entry, record: OpRecord) -> None:
        self.server.delete(entry.id, entry.urn, entry.outputs, entry.inputs)
        with self._lock:
            self.state.pop(entry.spec.name, None)

    # -- running steps, dependencies first --
    def _execute(self, name: str, steps: list[_Step]) -> Phase:
        phase = Phase(name, started=time.time())
        by_name = {step.name: step for step in steps}
        waiting = {step.name: {dep for dep in step.deps if dep in by_name} for step in steps}
        dependents: dict[str, list[str]] = defaultdict(list)
        for step in steps:
            for dep in waiting[step.name]:
                dependents[dep].append(step.name)
        blocked: set[str] = set()
        lock = threading.Lock()
        done = threading.Event()
        left = [len(steps)]

        def settle(step_name: str, ok: bool) -> list[_Step]:
            """Count ``step_name`` finished; the dependents now ready (lock held)."""
            ready: list[_Step] = []
            left[0] -= 1
            for dependent in dependents[step_name]:
                if not ok:
                    blocked.add(dependent)
                waiting[dependent].discard(step_name)
                if waiting[dependent]:
                    continue
                if dependent in blocked:
                    now = time.time()
                    phase.records.append(OpRecord(by_name[dependent].kind, dependent, now, now,
                                                  "not run: a resource it depends on failed"))
                    ready += settle(dependent, False)
                else:
                    ready.append(by_name[dependent])
            if left[0] == 0:
                done.set()
            return ready

        def work(step: _Step) -> None:
            record = OpRecord(step.kind, step.name, time.time())
            try:
                step.run(record)
            except Exception as error:
                record.error = _describe(error)
            record.ended = time.time()
            with lock:
                phase.records.append(record)
                ready = settle(step.name, record.error is None)
            for next_step in ready:
                pool.submit(work, next_step)

        with ThreadPoolExecutor(self.parallel, thread_name_prefix=f"load-{name}") as pool:
            roots = [step for step in steps if not waiting[step.name]]
            if not steps:
                done.set()
            for step in roots:
                pool.submit(work, step)
            done.wait()
        phase.ended = time.time()
        return phase


def bounded(stack: Stack, seconds: float, operation: Callable[[], Phase]) -> tuple[Phase | None, bool]:
    """Run ``operation`` (one of ``stack``'s) for at most ``seconds``: ``(phase, False)`` when it
    finished in time; otherwise ``stack``'s provider server is stopped, which fails the steps in
    flight and those not started yet, and ``(phase, True)`` is returned once they have (``phase``
    is ``None`` if the operation did not return within a minute even then)."""
    result: dict[str, Phase] = {}
    thread = threading.Thread(target=lambda: result.setdefault("phase", operation()), daemon=True)
    thread.start()
    thread.join(seconds)
    if "phase" in result:
        return result["phase"], False
    stack.server.close()
    thread.join(60.0)
    return result.get("phase"), True


class Served(testing.Served, Protocol):
    """What :func:`provider_server` and :func:`compare` read of an emulator: an :class:`Emulator`, or
    one in another process (benchmarks/throughput.py)."""

    def teams(self) -> list[dict[str, Any]]: ...

    def schedules(self) -> list[dict[str, Any]]: ...

    def people(self) -> list[dict[str, Any]]: ...


@contextlib.contextmanager
def provider_server(emu: Served, *, project: str = "flashcat-load", config: Mapping[str, str] | None = None,
                    timeout: float = SERVER_TIMEOUT) -> Iterator[ProviderServer]:
    """A started provider server configured with the emulator's base URL and app key as stack config
    (plus ``config``, e.g. ``{"flashduty:rateLimit": "10/s,200/min"}``)."""
    with ProviderServer(ROOT, project=project, timeout=timeout) as server:
        server.configure({"flashduty:appKey": emu.app_key, "flashduty:baseUrl": emu.base_url, **(config or {})},
                         secret_keys={"flashduty:appKey"})
        yield server


# ------------------------------------------------------------------------------------------------
# The emulator's state against the declaration
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Comparison:
    """The emulator's state against the declarations: empty lists mean equal."""

    missing: tuple[str, ...]
    """Declared teams and schedules not stored."""
    duplicates: tuple[str, ...]
    """Names stored more than once, with the count (their copies are not compared with the declaration)."""
    extra: tuple[str, ...]
    """Stored teams and schedules nobody declared."""
    mismatched: tuple[str, ...]
    """Stored once, but not as declared (what differs)."""

    @property
    def equal(self) -> bool:
        return not (self.missing or self.duplicates or self.extra or self.mismatched)

    @property
    def duplicate_objects(self) -> int:
        """Objects beyond the first of each name."""
        return sum(int(entry.rsplit("×", 1)[1]) - 1 for entry in self.duplicates)

    def __str__(self) -> str:
        if self.equal:
            return "equal"
        parts = []
        for label, items in (("missing", self.missing), ("duplicated", self.duplicates), ("extra", self.extra),
                             ("mismatched", self.mismatched)):
            if items:
                shown = "; ".join(items[:5]) + (f"; ... ({len(items)} in all)" if len(items) > 5 else "")
                parts.append(f"{label}: {shown}")
        return " | ".join(parts)


def compare(emu: Served, *declarations: Declaration) -> Comparison:
    """Every declared team and schedule stored exactly once, as declared (name, description, members;
    the schedule's team, its layers' people group by group, its overrides' people), and nothing else.
    With no declaration (or declarations of nothing): the account holds no team and no schedule."""
    ids = {person["email"].lower(): person["person_id"] for person in emu.people() if person["email"]}
    teams, schedules = emu.teams(), emu.schedules()
    missing: list[str] = []
    mismatched: list[str] = []
    team_names = Counter(team["team_name"] for team in teams)
    schedule_names = Counter(schedule["schedule_name"] for schedule in schedules)
    duplicates = [f"team {name!r} ×{count}" for name, count in team_names.items() if count > 1]
    duplicates += [f"schedule {name!r} ×{count}" for name, count in schedule_names.items() if count > 1]
    stored_teams = {team["team_name"]: team for team in teams}
    stored_schedules = {schedule["schedule_name"]: schedule for schedule in schedules}
    team_names_declared = {spec.props["team_name"] for d in declarations for spec in d.teams}
    schedule_names_declared = {spec.props["schedule_name"] for d in declarations for spec in d.schedules}

    def people(refs: Iterable[Any]) -> list[int]:
        return [ids.get(ref, -1) if isinstance(ref, str) else int(ref) for ref in refs]

    for declaration in declarations:
        declared_teams = {spec.name: spec for spec in declaration.teams}  # resource names are per stack
        for spec in declaration.teams:
            name = spec.props["team_name"]
            team = stored_teams.get(name)
            if team is None:
                missing.append(f"team {name!r}")
                continue
            if team_names[name] > 1:
                continue  # reported as duplicated; which copy is "the" team is moot
            want = sorted(people(spec.props["members"]))
            if sorted(team["person_ids"]) != want or team["description"] != spec.props["description"]:
                mismatched.append(f"team {name!r}: members {sorted(team['person_ids'])} description "
                                  f"{team['description']!r}, declared {want} {spec.props['description']!r}")
        for spec in declaration.schedules:
            name = spec.props["schedule_name"]
            schedule = stored_schedules.get(name)
            if schedule is None:
                missing.append(f"schedule {name!r}")
                continue
            if schedule_names[name] > 1:
                continue
            problems = []
            team = stored_teams.get(declared_teams[spec.team].props["team_name"]) if spec.team else None
            if schedule["team_id"] != (team["team_id"] if team else 0):
                problems.append(f"team_id {schedule['team_id']}, declared team's {team and team['team_id']}")
            if schedule["description"] != spec.props["description"]:
                problems.append(f"description {schedule['description']!r}, declared {spec.props['description']!r}")
            rotations = [[pid for member in group["members"] for pid in member["person_ids"]]
                         for layer in schedule["layers"] if layer["mode"] == 0 for group in layer["groups"]]
            want_rotations = [people(group) for layer in spec.props["layers"] for group in layer["groups"]]
            if rotations != want_rotations:
                problems.append(f"layer people {rotations}, declared {want_rotations}")
            overrides = [sorted(pid for group in layer["groups"] for member in group["members"]
                                for pid in member["person_ids"])
                         for layer in schedule["layers"] if layer["mode"] == 1]
            want_overrides = [people([override["person"]]) for override in spec.props.get("overrides") or []]
            if overrides != want_overrides:
                problems.append(f"override people {overrides}, declared {want_overrides}")
            if problems:
                mismatched.append(f"schedule {name!r}: " + ", ".join(problems))
    extra = [f"team {name!r}" for name in team_names if name not in team_names_declared]
    extra += [f"schedule {name!r}" for name in schedule_names if name not in schedule_names_declared]
    return Comparison(tuple(missing), tuple(duplicates), tuple(extra), tuple(mismatched))


EMPTY = Declaration((), (), "", 0, "", "")
"""Nothing declared: what :func:`compare` expects after a destroy."""
