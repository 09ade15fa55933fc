"""A bad two minutes through the real provider server: up → update → destroy of 5 teams and 45 schedules
with 10 operations in flight (tests/load.py), while the emulator answers 10 % of requests 429, 5 %
500, drops 2 % of connections (half of them after the change was committed) and adds 5–30 ms to
every request. Nothing may fail, nothing may be duplicated, after each step the emulator holds
exactly what was declared (after destroy: nothing), and the whole takes at most two minutes.

Rate limits: the emulator enforces Flashduty's real ones (50/s and 1,000/min per key) and the
provider is configured with nothing, so its client paces for those same limits, as for a real
account. The test sends about 600 requests, so the limits cost no waiting unless the client
exceeds them (then the emulator's own 429s add to the injected ones, as they would in production).

Time: through these faults the steps need about 30 s in all on a quiet machine (each injected 429
costs its Retry-After of 1 s, each 500 a backoff); the two-minute budget leaves four times that for
a busy one. A step past the budget stops the provider server, which fails what is still running,
so the test ends with those failures and a timeline of the requests instead of hanging.
"""

from __future__ import annotations

import time
from collections import Counter

import pytest
from load import Phase, Stack, bounded, compare, declare, provider_server

from flashcat_pulumi import FlashdutyClient
from flashcat_pulumi.emulator import Emulator, Faults

KEY = "soak-test-app-key-0123456789abcdef"
BUDGET = 120.0


def timeline(emu: Emulator, since: float, step: float = 10.0) -> str:
    """Requests answered, and 429s among them, per ``step`` seconds since ``since`` (epoch seconds)."""
    counts: Counter[int] = Counter()
    refused: Counter[int] = Counter()
    for record in emu.requests:
        if record.time >= since:
            counts[int((record.time - since) // step)] += 1
            refused[int((record.time - since) // step)] += record.status == 429
    slots = range(max(counts, default=-1) + 1)
    return " ".join(f"{counts[i]}({refused[i]})" for i in slots)


def explain(name: str, phase: Phase | None, late: bool, emu: Emulator, started: float) -> str:
    lines = [f"{name}: {phase.summary() if phase else 'the operation did not return'}"]
    if late:
        lines.insert(0, f"{name} was still running when the {BUDGET:.0f}s budget ran out (the provider server was "
                        f"stopped then, failing what was in flight)")
    lines.append(f"requests (429s) per 10 s since the start: {timeline(emu, started)}")
    lines.append(f"faults injected: {dict(Counter(r.fault for r in emu.requests if r.fault))}")
    return "\n".join(lines)


@pytest.mark.parametrize("seed", [7])
def test_up_update_destroy_through_faults_fails_nothing_and_duplicates_nothing(seed):
    faults = Faults(rate_429=0.10, rate_500=0.05, drop_before=0.01, drop_after=0.01, latency=(0.005, 0.030),
                    seed=seed)
    declared = declare(45, 5, prefix=f"soak {seed}")
    revised = declared.revised()
    started, deadline = time.time(), time.monotonic() + BUDGET
    with Emulator(app_key=KEY, faults=faults) as emu, provider_server(emu, project="flashcat-soak") as server:
        stack = Stack(server)
        steps = [("up", lambda: stack.up(declared), (declared,), {"create team": 5, "create schedule": 45}),
                 ("update", lambda: stack.up(revised, name="update"), (revised,),
                  {"same team": 5, "update schedule": 45}),
                 ("destroy", stack.destroy, (), {"delete team": 5, "delete schedule": 45})]
        for name, run, expected, kinds in steps:
            phase, late = bounded(stack, max(deadline - time.monotonic(), 0.0), run)
            if phase is None or late or phase.failures:
                pytest.fail(explain(name, phase, late, emu, started))
            comparison = compare(emu, *expected)
            assert comparison.duplicate_objects == 0, f"after {name}: {comparison}"
            assert comparison.equal, f"after {name}: {comparison}"
            assert {kind: stats.count for kind, stats in phase.kinds().items()} == kinds
        injected = Counter(record.fault for record in emu.requests if record.fault)
    # The faults really happened, including lost replies to committed changes.
    assert injected["429"] >= 30 and injected["500"] >= 15, injected
    assert injected["drop_before"] >= 2 and injected["drop_after"] >= 2, injected



def test_the_state_check_sees_every_kind_of_difference():
    """What the soak's state check reports: a schedule missing, one duplicated by name, a team nobody
    declared, a team's member removed and an override added by hand."""
    declared = declare(4, 1, prefix="cmp")
    with Emulator(app_key=KEY, rate_limits=False) as emu, provider_server(emu, project="flashcat-soak") as server:
        assert Stack(server).up(declared).failures == []
        assert compare(emu, declared).equal
        schedules = {s["schedule_name"]: s["schedule_id"] for s in emu.schedules()}
        [team] = emu.teams()
        emu.ui.remove_member(team["team_id"], 2476444212131)  # alice
        emu.ui.add_override(schedules["cmp schedule 0"], 1798300800, 1798387200, 2476444212133)
        emu.ui.delete_schedule(schedules["cmp schedule 1"])
        emu.ui.edit_schedule_raw(schedules["cmp schedule 2"], lambda s: s.update(schedule_name="cmp schedule 3"))
        with FlashdutyClient(base_url=emu.base_url, app_key=KEY, rate_limit=None) as client:
            client.upsert_team({"team_name": "stray"})
        comparison = compare(emu, declared)
        nothing = compare(emu)
    assert not comparison.equal
    assert comparison.missing == ("schedule 'cmp schedule 1'", "schedule 'cmp schedule 2'")
    assert comparison.duplicates == ("schedule 'cmp schedule 3' ×2",) and comparison.duplicate_objects == 1
    assert comparison.extra == ("team 'stray'",)
    assert [line.split(":")[0] for line in comparison.mismatched] == ["team 'cmp team 0'", "schedule 'cmp schedule 0'"]
    assert len(nothing.extra) == 4 and nothing.duplicates and not nothing.missing  # extra counts names
