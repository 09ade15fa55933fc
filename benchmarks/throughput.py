"""Throughput of a large stack through the real provider server against a rate-limited API (issue 9).

    .venv/bin/python benchmarks/throughput.py [--schedules N] [--teams M] [--limit-scale 1.0]
        [--latency 5ms-30ms] [--processes 1] [--soak-rounds 0] [--seed 1] [--client-limit scaled]
        [--round-budget 600]

The emulator enforces Flashduty's limits scaled by ``--limit-scale`` (s): ``50×s`` requests per
second and ``1000×s`` per minute per app key (0.2: 10/s and 200/min; ``/schedule/preview`` keeps
its own limit, 10/s and 60/min, scaled alike), with ``--latency`` on every request. The providers
are configured with that scaled limit (stack config ``flashduty:rateLimit`` and
``flashduty:previewRateLimit``), as a user whose account had that limit would configure them: a
scaled run is then the real one slowed down (at scale 1 that is the client's default). With
``--client-limit default`` they are told nothing and pace for 50/s and 1000/min. The stack is
driven by tests/load.py: ``--processes`` provider servers (each a ``python -m pulumi.dynamic``
process, as Pulumi starts it, all with the same app key), each with 10 operations in flight (the
engine's default parallelism) and deploying its own share of the schedules and teams under its own
names. By default the stack shrinks with the limit, ``200 × min(s, 1)`` schedules (at least 10)
over a tenth as many teams, so that a run takes about as long at any scale (the limits allow
``1000×s`` requests a minute and the stack needs about 8 per schedule over all phases); at 0.2 that
is 40 schedules over 4 teams.

Phases, one after the other, each ending when its last operation has: ``up`` (create the teams,
then each schedule once its team exists), ``preview`` (no change: Check and Diff of everything),
``refresh`` (Read of everything), ``update`` (every schedule's description and override person
changed: Check, Diff, Update; the teams are unchanged), ``destroy`` (schedules, then their teams).

Figures per phase (all processes together):

* ``ops``, ``failed``: operations (one resource's step) and those that failed (then listed with
  their messages below the table); ``wall s``: from the phase's start to its last operation's end;
  ``ops/s`` = ops ÷ wall.
* ``req/s``: the requests the emulator admitted during the phase ÷ wall, from its request log
  (arrival times). "Admitted" excludes the requests its rate limiter refused (429 without an
  injected fault) and ``/schedule/preview`` (its own limit).
* ``sent s``, ``limit s`` and ``ratio``: how close to the limit the phase's requests went through.
  ``sent s`` is the time from the phase's first admitted request to its last; ``limit s`` the time
  the fastest possible client would have needed for the same requests: one that, from the same
  first instant and counting the requests admitted before it (the emulator's windows still hold
  them), sends each next request at the earliest instant at which every window (50×s in any 1 s,
  1000×s in any 60 s) still holds. ``ratio`` = limit s ÷ sent s: 1 is the limit used in full, 0.95
  means the requests took 5 % longer than the limit required. It is a ratio of times rather than of
  rates because a sliding window allows bursts, which makes "the limit's rate" over a few seconds
  ill-defined (a 4.5 s phase of 44 requests under 10/s is done as fast as possible in 4 bursts
  and 4 s). The overheads before the first request and after the last are the phase's, not the
  limiter's, and show in ``wall s``. A ratio above 1 means the emulator admitted more than the
  account-wide limit allows (as when it counted per path rather than per key). Goal (one process,
  phases up, refresh, update and destroy): ratio ≥ 0.95 with no 429 at all. With several processes
  the goal is the whole run's (below): a phase of 4 s at the limit is over before processes that
  cannot see each other have settled their shares, and it is the deployment that should finish.
* ``idle s``: the longest stretch of the phase in which the emulator admitted no request (a
  client holding back after a 429, or waiting for the per-minute window).
* ``429 recv``: 429 answers in the phase (the emulator's limiter and injected ones);
  ``429 share``: 429 answers ÷ all requests of the phase;
  ``429 surf``: operations that failed with ``RateLimited`` (the client gave up on 429s; goal 0).
* ``state``: whether the emulator's state equals the declaration after the phase (tests/load.py
  ``compare``: every declared team and schedule exactly once, as declared, nothing else; nothing
  at all after destroy).

Whole run: the requests and the 429s among them (goal with several processes: at most 10 % of all
requests), and the aggregate ratio, the phases' ``limit s`` summed ÷ their ``sent s`` summed over
up, refresh, update and destroy: how close to the account's limit the processes together went
through the whole deployment (goal with several processes: ≥ 0.8).

Calls per operation: for each phase and resource type, the admitted requests of that type's paths
(``/team/*`` or ``/schedule/*``) ÷ the operations of that type, and per path. Goals: create ≤ 3,
update ≤ 3, refresh (read) ≤ 1, delete ≤ 1, a no-change preview 0 (every request of the preview
phase counts, shared ones too). The shared lookups (``/member/list``, ``/member/info``,
``/person/infos``) are counted over the whole run: goal, member listing and person verification
once per provider process.

``--soak-rounds K`` then runs K rounds of up → update → destroy, each against a fresh emulator and
provider process(es) with the same limits and latency and random faults: 10 % 429, 5 % 500, 1 %
connections dropped before the request is handled and 1 % after its change was committed, seeded
``seed × 1000 + round``. Per round: operations, those done, those failed (goal 0), those stopped by
the round's budget (below), duplicated objects (goal 0), the state after each step (goal equal),
the faults injected, the wall time, and the requests admitted in each minute of the round. A round still
running after ``--round-budget`` seconds (default 600) is stopped (its provider servers are
killed, failing what is in flight) and fails.

The rate limiting is measured as the code at hand does it (the client's pacing, the emulator's
counting); nothing here assumes how either works.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import load

from flashcat_pulumi.emulator import Emulator, RequestRecord
from flashcat_pulumi.emulator.faults import parse_latency
from flashcat_pulumi.ratelimit import DEFAULT_LIMIT, PREVIEW_LIMIT, RateLimit, Window

APP_KEY = "throughput-benchmark-app-key-0123456789"
PREVIEW_PATH = "/schedule/preview"
SHARED = ("/member/list", "/member/info", "/person/infos")
RATIO_GOAL, RATIO_GOAL_MANY, SHARE_GOAL = 0.95, 0.8, 0.10
SATURATING = ("up", "refresh", "update", "destroy")
CALL_GOALS = {"create": 3, "update": 3, "read": 1, "delete": 1, "same": 0}


def scaled(limit: RateLimit, scale: float) -> RateLimit:
    """Every window's count times ``scale`` (at least 1), its length unchanged."""
    return RateLimit(tuple(Window(max(1, round(w.limit * scale)), w.seconds) for w in limit.windows))


def mark(ok: bool) -> str:
    return "pass" if ok else "FAIL"


# ------------------------------------------------------------------------------------------------
# The emulator in a process of its own
# ------------------------------------------------------------------------------------------------
def _serve_emulator(conn: Connection, kwargs: dict[str, Any]) -> None:
    with Emulator(**kwargs) as emu:
        conn.send((emu.base_url, emu.app_key))
        while (what := conn.recv()) != "stop":
            value = getattr(emu, what)
            conn.send(value() if callable(value) else value)
    conn.send(None)


class EmulatorProcess:
    """The emulator in a process of its own, as the API is on another machine. In this process its
    request handling would compete for the GIL with the load driver's threads, and requests would
    reach its rate limiter tens of milliseconds late, at random: jitter of the harness, not of the
    client. Offers what the benchmark and tests/load.py read: ``base_url``, ``app_key``,
    ``requests``, ``teams()``, ``schedules()``, ``people()``."""

    def __init__(self, **kwargs: Any) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._lock = threading.Lock()
        self._process = context.Process(target=_serve_emulator, args=(child, kwargs), daemon=True)
        self._process.start()
        self.base_url, self.app_key = self._conn.recv()

    def _ask(self, what: str) -> Any:
        with self._lock:
            self._conn.send(what)
            return self._conn.recv()

    @property
    def requests(self) -> list[RequestRecord]:
        return self._ask("requests")

    def teams(self) -> list[dict[str, Any]]:
        return self._ask("teams")

    def schedules(self) -> list[dict[str, Any]]:
        return self._ask("schedules")

    def people(self) -> list[dict[str, Any]]:
        return self._ask("people")

    def stop(self) -> None:
        if self._process.is_alive():
            with contextlib.suppress(OSError, EOFError):
                self._ask("stop")
            self._process.join(10)
        if self._process.is_alive():
            self._process.kill()


# ------------------------------------------------------------------------------------------------
# Running phases over one or more provider processes
# ------------------------------------------------------------------------------------------------
def shares(total: int, parts: int, minimum: int = 0) -> list[int]:
    """``total`` split into ``parts`` near-equal counts (each at least ``minimum``)."""
    return [max(minimum, total // parts + (1 if k < total % parts else 0)) for k in range(parts)]


class Fleet:
    """``processes`` provider servers against one emulator, each a :class:`load.Stack` deploying its
    own declaration; phases run in all of them at once and are merged."""

    def __init__(self, emu: EmulatorProcess, processes: int, schedules: int, teams: int, *, config: dict[str, str],
                 revision: int = 0) -> None:
        self.emu = emu
        self.late = False
        self.stopped_at = 0.0
        self._exit = contextlib.ExitStack()
        try:
            self.stacks = [load.Stack(self._exit.enter_context(
                load.provider_server(emu, project=f"throughput-{k}", config=config))) for k in range(processes)]
        except BaseException:
            self._exit.close()
            raise
        names = ["bench"] if processes == 1 else [f"bench p{k}" for k in range(processes)]
        self.declarations = [load.declare(n, t, prefix=name, revision=revision)
                             for name, n, t in zip(names, shares(schedules, processes),
                                                   shares(teams, processes, minimum=1), strict=True)]

    def close(self) -> None:
        self._exit.close()

    def run(self, name: str, step: Callable[[load.Stack, load.Declaration], load.Phase],
            deadline: float | None = None) -> load.Phase:
        """The phase in every process at once, merged. Past ``deadline`` (``time.monotonic()``) the
        provider servers are stopped, which fails what is still running; then :attr:`late` is set."""
        results: list[load.Phase | None] = [None] * len(self.stacks)

        def one(k: int) -> None:
            results[k] = step(self.stacks[k], self.declarations[k])

        started = time.time()
        threads = [threading.Thread(target=one, args=(k,), daemon=True) for k in range(len(self.stacks))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(None if deadline is None else max(deadline - time.monotonic(), 0.0))
        if any(thread.is_alive() for thread in threads):
            self.late = True
            self.stopped_at = time.time()
            self.close()
            for thread in threads:
                thread.join(60.0)
        phases = [phase for phase in results if phase is not None]
        if len(phases) != len(self.stacks):
            raise RuntimeError(f"phase {name}: a driver thread died or did not return")
        return load.Phase(name, min([started, *(p.started for p in phases)]), max(p.ended for p in phases),
                          [record for phase in phases for record in phase.records])

    def revise(self) -> None:
        self.declarations = [declaration.revised() for declaration in self.declarations]

    def compare(self, *, empty: bool = False) -> load.Comparison:
        return load.compare(self.emu) if empty else load.compare(self.emu, *self.declarations)


PHASES: list[tuple[str, Callable[[load.Stack, load.Declaration], load.Phase], bool]] = [
    ("up", lambda stack, declared: stack.up(declared), False),
    ("preview", lambda stack, declared: stack.preview(declared), False),
    ("refresh", lambda stack, declared: stack.refresh(), False),
    ("update", lambda stack, declared: stack.up(declared, name="update"), True),  # True: revise first
    ("destroy", lambda stack, declared: stack.destroy(), False),
]


# ------------------------------------------------------------------------------------------------
# Figures
# ------------------------------------------------------------------------------------------------
def refused_by_limiter(record: RequestRecord) -> bool:
    return record.status == 429 and record.fault != "429"


def fastest(before: Sequence[float], start: float, count: int, limit: RateLimit) -> float:
    """When the fastest possible client, sending from ``start`` after ``before`` (admission times),
    has had ``count`` requests admitted: each at the earliest instant every window allows."""
    log: deque[float] = deque(sorted(before), maxlen=max(w.limit for w in limit.windows))
    slot = start
    for _ in range(count):
        for window in limit.windows:
            if len(log) >= window.limit:
                slot = max(slot, log[-window.limit] + window.seconds)
        log.append(slot)
    return slot


@dataclass
class Figures:
    phase: load.Phase
    requests: list[RequestRecord]
    admitted: int
    sent: float  # from the first admitted request of the phase to its last
    needed: float  # what the fastest possible client needs for as many (see fastest())
    refused: int  # 429 answers, any cause
    surfaced: int
    comparison: load.Comparison
    idle: float  # the longest stretch of the phase without an admitted request

    @property
    def rate(self) -> float:
        return self.admitted / self.phase.wall if self.phase.wall > 0 else 0.0

    @property
    def ratio(self) -> float:
        return self.needed / self.sent if self.sent > 0 else 1.0

    @property
    def share(self) -> float:
        return self.refused / len(self.requests) if self.requests else 0.0


def figures(phase: load.Phase, log: list[RequestRecord], limit: RateLimit, comparison: load.Comparison) -> Figures:
    counted = [r for r in log if r.path != PREVIEW_PATH and not refused_by_limiter(r)]
    during = [r for r in log if phase.started <= r.time <= phase.ended]
    admitted = sorted(r.time for r in during if r.path != PREVIEW_PATH and not refused_by_limiter(r))
    sent = needed = 0.0
    if admitted:
        before = [r.time for r in counted if r.time < admitted[0]]
        sent = admitted[-1] - admitted[0]
        needed = fastest(before, admitted[0], len(admitted), limit) - admitted[0]
    edges = [phase.started, *admitted, phase.ended]
    return Figures(phase, during, len(admitted), sent, needed,
                   sum(1 for r in during if r.status == 429), sum(1 for r in phase.records if load.rate_limited(r)),
                   comparison, max(b - a for a, b in pairwise(edges)))


def table(rows: list[list[str]], right: set[int] = frozenset()) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        cells = [cell.rjust(widths[i]) if i in right and n else cell.ljust(widths[i]) for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def phase_table(results: list[Figures], processes: int) -> tuple[str, list[bool]]:
    header = ["phase", "ops", "failed", "wall s", "ops/s", "req/s", "sent s", "limit s", "ratio", "ratio goal",
              "idle s", "429 recv", "429 share", "429 surf", "state"]
    rows, verdicts = [header], []
    for f in results:
        name = f.phase.name
        ok_failed = not f.phase.failures
        ok_state = f.comparison.equal
        if name in SATURATING:
            if processes == 1:
                ok_ratio = f.ratio >= RATIO_GOAL and f.refused == 0
                goal = f"≥{RATIO_GOAL:g} & no 429: {mark(ok_ratio)}"
                verdicts.append(ok_ratio)
            else:
                goal = "the whole run's"
        else:
            goal = "-"
        verdicts += [ok_failed, ok_state, f.surfaced == 0]
        rows.append([name, str(len(f.phase.records)), f"{len(f.phase.failures)} {mark(ok_failed)}",
                     f"{f.phase.wall:.1f}", f"{len(f.phase.records) / f.phase.wall:.1f}", f"{f.rate:.1f}",
                     f"{f.sent:.2f}", f"{f.needed:.2f}", f"{f.ratio:.3f}", goal, f"{f.idle:.1f}", str(f.refused),
                     f"{f.share:.1%}", f"{f.surfaced} {mark(f.surfaced == 0)}", "equal" if ok_state else "DIFFERS"])
    return table(rows, right={1, 3, 4, 5, 6, 7, 8, 10, 11, 12}), verdicts


def calls_table(results: list[Figures]) -> tuple[str, list[bool]]:
    rows = [["phase", "operation", "ops", "calls/op", "goal", "calls per operation by path"]]
    verdicts = []
    for f in results:
        admitted = [r for r in f.requests if not refused_by_limiter(r)]
        kinds = Counter(record.kind for record in f.phase.records)
        for kind_of_resource, prefix in (("team", "/team/"), ("schedule", "/schedule/")):
            ops = {kind: n for kind, n in kinds.items() if kind.endswith(kind_of_resource)}
            if not ops:
                continue
            total_ops = sum(ops.values())
            paths = Counter(r.path for r in admitted if r.path.startswith(prefix))
            calls = sum(paths.values())
            verb = max(ops, key=ops.__getitem__).split()[0]
            limit = CALL_GOALS.get(verb)
            per_op = calls / total_ops
            ok = limit is None or per_op <= limit + 1e-9
            verdicts.append(ok)
            by_path = ", ".join(f"{path} {n / total_ops:.2f}" for path, n in sorted(paths.items())) or "none"
            label = " + ".join(kind if len(ops) == 1 else f"{n} {kind}" for kind, n in sorted(ops.items()))
            rows.append([f.phase.name, label, str(total_ops), f"{per_op:.2f}",
                         "-" if limit is None else f"≤{limit}: {mark(ok)}", by_path])
        if f.phase.name == "preview":  # a no-change preview should send nothing at all, shared lookups included
            ok = not admitted
            verdicts.append(ok)
            rows.append([f.phase.name, "every request", str(len(f.phase.records)),
                         f"{len(admitted) / max(len(f.phase.records), 1):.2f}", f"0: {mark(ok)}",
                         ", ".join(f"{path} {n}" for path, n in sorted(Counter(r.path for r in admitted).items()))
                         or "none"])
        shared = Counter(r.path for r in admitted if r.path in SHARED)
        if shared:
            rows.append([f.phase.name, "shared lookups", "", f"{sum(shared.values())} in all", "",
                         ", ".join(f"{path} {n}" for path, n in sorted(shared.items()))])
    return table(rows, right={2, 3}), verdicts


# ------------------------------------------------------------------------------------------------
# The run
# ------------------------------------------------------------------------------------------------
def main_run(args: argparse.Namespace, limit: RateLimit, preview_limit: RateLimit) -> bool:
    emu = EmulatorProcess(app_key=APP_KEY, rate_limits={"*": limit, PREVIEW_PATH: preview_limit},
                          faults={"latency": args.latency_range, "seed": args.seed})
    fleet = None
    try:
        fleet = Fleet(emu, args.processes, args.schedules, args.teams, config=args.config)
        results: list[Figures] = []
        for name, step, revise in PHASES:
            if revise:
                fleet.revise()
            phase = fleet.run(name, step)
            results.append(figures(phase, emu.requests, limit, fleet.compare(empty=name == "destroy")))
            print(f"  {name}: {phase.wall:.1f}s", file=sys.stderr, flush=True)
        log = emu.requests
    finally:
        if fleet is not None:
            fleet.close()
        emu.stop()

    phases, phase_verdicts = phase_table(results, args.processes)
    calls, call_verdicts = calls_table(results)
    print(phases)
    for f in results:
        for record in f.phase.failures[:10]:
            print(f"  {f.phase.name}: FAILED {record.kind} {record.resource}: {record.error}")
        if len(f.phase.failures) > 10:
            print(f"  {f.phase.name}: ... {len(f.phase.failures)} failures in all")
        if not f.comparison.equal:
            print(f"  {f.phase.name}: state {f.comparison}")
    print()
    print(calls)
    shared = Counter(r.path for r in log if r.path in SHARED and not refused_by_limiter(r))
    once = [shared["/member/list"] <= args.processes, shared["/person/infos"] <= args.processes]
    print(f"\nwhole run, {args.processes} provider process(es): /member/list {shared['/member/list']} "
          f"(goal ≤{args.processes}: {mark(once[0])}), /person/infos {shared['/person/infos']} "
          f"(goal ≤{args.processes}: {mark(once[1])}), /member/info {shared['/member/info']}")
    total = len(log)
    refused = sum(1 for r in log if r.status == 429)
    saturating = [f for f in results if f.phase.name in SATURATING]
    needed, sent = sum(f.needed for f in saturating), sum(f.sent for f in saturating)
    aggregate = needed / sent if sent else 1.0
    whole = [aggregate >= RATIO_GOAL_MANY, refused <= SHARE_GOAL * total] if args.processes > 1 else []
    goals = (f" (goal ≤{SHARE_GOAL:.0%}: {mark(whole[1])})", f" (goal ≥{RATIO_GOAL_MANY:g}: {mark(whole[0])})"
             ) if whole else ("", "")
    print(f"whole run: {total} requests, {refused} answered 429 ({refused / max(total, 1):.1%}){goals[0]}, "
          f"{sum(1 for r in log if refused_by_limiter(r))} of them by the rate limiter; aggregate ratio "
          f"{needed:.2f} limit s / {sent:.2f} sent s = {aggregate:.3f}{goals[1]}")
    verdicts = phase_verdicts + call_verdicts + once + whole
    return all(verdicts)


def soak_rounds(args: argparse.Namespace, limit: RateLimit, preview_limit: RateLimit) -> bool:
    rows = [["round", "seed", "ops", "done", "failed", "stopped", "duplicates", "after up", "after update",
             "after destroy", "faults injected (429/500/drop before/drop after)", "429 surf", "wall s", "budget"]]
    timelines: list[str] = []
    failures: list[str] = []
    verdicts = []
    for round_ in range(1, args.soak_rounds + 1):
        seed = args.seed * 1000 + round_
        faults = {"rate_429": 0.10, "rate_500": 0.05, "drop_before": 0.01, "drop_after": 0.01,
                  "latency": args.latency_range, "seed": seed}
        started = time.time()
        emu = EmulatorProcess(app_key=APP_KEY, rate_limits={"*": limit, PREVIEW_PATH: preview_limit}, faults=faults)
        fleet = None
        try:
            fleet = Fleet(emu, args.processes, args.schedules, args.teams, config=args.config)
            ops = done = failed = stopped = duplicates = surfaced = 0
            states: list[bool | None] = [None, None, None]
            deadline = time.monotonic() + args.round_budget
            budget = "within"
            for n, (name, step, revise) in enumerate((PHASES[0], PHASES[3], PHASES[4])):
                if revise:
                    fleet.revise()
                phase = fleet.run(name, step, deadline)
                comparison = fleet.compare(empty=name == "destroy")
                cut = [r for r in phase.failures if fleet.late and r.ended >= fleet.stopped_at]
                real = [r for r in phase.failures if r not in cut]
                ops += len(phase.records)
                done += len(phase.records) - len(phase.failures)
                failed += len(real)
                stopped += len(cut)
                surfaced += sum(1 for r in phase.records if load.rate_limited(r))
                duplicates = max(duplicates, comparison.duplicate_objects)
                states[n] = comparison.equal
                failures += [f"round {round_} {name}: {r.kind} {r.resource}: {r.error}" for r in real]
                if not comparison.equal:
                    failures.append(f"round {round_} after {name}: {comparison}")
                if fleet.late:
                    budget = f"EXCEEDED in {name}"
                    failures.append(f"round {round_}: {name} still running when the {args.round_budget:g}s budget of "
                                    f"the round ran out; the provider servers were stopped, failing {len(cut)} "
                                    "operations then in flight or not started")
                    break
            injected = Counter(r.fault for r in emu.requests if r.fault)
            per_minute = Counter(int((r.time - started) // 60) for r in emu.requests if not refused_by_limiter(r))
            timelines.append(f"  round {round_}: requests admitted per minute: "
                             + " ".join(str(per_minute[m]) for m in range(max(per_minute, default=-1) + 1)))
        finally:
            if fleet is not None:
                fleet.close()
            emu.stop()
        ok = failed == 0 and stopped == 0 and duplicates == 0 and all(states) and budget == "within"
        verdicts.append(ok)
        rows.append([str(round_), str(seed), str(ops), str(done), f"{failed} {mark(failed == 0)}", str(stopped),
                     f"{duplicates} {mark(duplicates == 0)}",
                     *("not run" if state is None else "equal" if state else "DIFFERS" for state in states),
                     "/".join(str(injected[k]) for k in ("429", "500", "drop_before", "drop_after")),
                     str(surfaced), f"{time.time() - started:.1f}", budget])
        print(f"  soak round {round_}: {time.time() - started:.1f}s", file=sys.stderr, flush=True)
    print(f"\nsoak: {args.soak_rounds} round(s) of up → update → destroy with 10% 429, 5% 500, 1% dropped before "
          f"and 1% after the change was committed, latency {args.latency}")
    print(table(rows, right={2, 3, 5, 11, 12}))
    print("\n".join(timelines))
    for line in failures[:20]:
        print(f"  {line}")
    if len(failures) > 20:
        print(f"  ... {len(failures)} problems in all")
    return all(verdicts)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--schedules", type=int, default=None,
                        help="schedules in all (default 200 × min(limit-scale, 1), at least 10)")
    parser.add_argument("--teams", type=int, default=None, help="teams in all (default schedules ÷ 10, at least 1)")
    parser.add_argument("--limit-scale", type=float, default=1.0, help="the API's limits times this (default 1)")
    parser.add_argument("--latency", default="5ms-30ms", help="latency of every request (default 5ms-30ms)")
    parser.add_argument("--processes", type=int, default=1, help="provider server processes (default 1)")
    parser.add_argument("--soak-rounds", type=int, default=0, help="fault rounds after the run (default 0)")
    parser.add_argument("--seed", type=int, default=1, help="seed of latency and faults (default 1)")
    parser.add_argument("--round-budget", type=float, default=600.0,
                        help="seconds a soak round may take; past them its provider servers are stopped and the round "
                             "fails (default 600)")
    parser.add_argument("--client-limit", choices=("scaled", "default"), default="scaled",
                        help="the limit the provider is configured with (flashduty:rateLimit and "
                             "flashduty:previewRateLimit): the scaled one, or none, leaving the client's default "
                             "(50/s,1000/min); default: scaled")
    args = parser.parse_args(argv)
    if args.limit_scale <= 0 or args.processes < 1 or args.soak_rounds < 0:
        parser.error("--limit-scale must be > 0, --processes ≥ 1, --soak-rounds ≥ 0")
    if args.schedules is None:
        args.schedules = max(10, round(200 * min(args.limit_scale, 1.0)))
    if args.teams is None:
        args.teams = max(1, args.schedules // 10)
    if args.teams < args.processes:
        parser.error(f"--teams must be at least --processes ({args.processes}): every process deploys its own teams")
    args.latency_range = parse_latency(args.latency)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    limit, preview_limit = scaled(DEFAULT_LIMIT, args.limit_scale), scaled(PREVIEW_LIMIT, args.limit_scale)
    args.config = {} if args.client_limit == "default" else {"flashduty:rateLimit": str(limit),
                                                             "flashduty:previewRateLimit": str(preview_limit)}
    started = time.time()
    print(f"throughput: {args.schedules} schedules over {args.teams} teams, limit {limit} per app key "
          f"(scale {args.limit_scale:g}; {PREVIEW_PATH} {preview_limit}), latency {args.latency}, "
          f"{args.processes} provider process(es) × {load.PARALLEL} operations in flight, seed {args.seed}; the "
          f"providers are told {'that limit' if args.config else 'nothing (the client default, 50/s,1000/min)'}\n")
    ok = main_run(args, limit, preview_limit)
    if args.soak_rounds:
        ok = soak_rounds(args, limit, preview_limit) and ok
    print(f"\nwall time {time.time() - started:.1f}s; every goal met: {'yes' if ok else 'NO'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
