"""Provider CPU per schedule at preview: ``check`` of a 10-layer schedule plus ``diff``, against a
budget of 1 ms (median), measured in one run.

    .venv/bin/python benchmarks/check_diff.py

The schedule is written as a program would (wall-clock ISO times, ``"1w"``, ``"mon 09:00"``,
windows, day masks, emails and ids, overrides, notify); ``diff`` gets it back as the engine sends
it (floats, keys with null dropped). Three diffs are timed: of the same schedule (the usual
no-change preview), of one respelled in another time zone (equal meaning, found by comparing
meanings), and of one with a real change.

The form parsers remember what they read (the same people and rotations recur across layers and
schedules), so each figure is given *cold*, with those caches emptied before every run (the first
schedule a provider process checks), and *warm* (the same schedule again).

The budget is judged as a preview meets it: a no-change preview of 200 *different* 10-layer
schedules (a team's: one zone, a pool of 20 people, the same kinds of rotation, different names,
start dates and people per layer) checked and diffed one after another in a fresh process, its
median per schedule; the first of them, with nothing remembered yet, is printed beside it.

Build machines change pace (their CPU is shared): the pieces take turns within every run, so that
a stretch of noise slows them all alike, and the last line times a plain Python loop among them, so
that figures from different runs can be read side by side.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from flashcat_pulumi.resources import _forms
from flashcat_pulumi.resources.schedule import ScheduleProvider, check_schedule
from flashcat_pulumi.testing import as_engine_sends

BUDGET = 1e-3
ZONE = "Asia/Shanghai"
PACE = "20,000 additions of squares in a Python loop"
PEOPLE = ["alice@example.com", "bob@example.com", 2476444212133, "dave@example.com", 2476444212135]


def layer(i: int, people: list[Any] = PEOPLE, start_day: int = 7) -> dict[str, Any]:
    """Ten different layers: hours to months, hand-offs, day and night windows, masks, roles."""
    rotation: dict[str, Any] = ({"rotation_unit": "month", "rotation_value": 1} if i % 5 == 3
                                else {"rotation_duration": ["12h", "1d", "1w", "2w", "36h"][i % 5]})
    shape: dict[str, Any] = {
        "layer_name": f"layer {i}", "layer_start": f"2026-12-{start_day + i:02d}T09:00", **rotation,
        "groups": [[people[(i + j) % 5]] for j in range(3)] + [{"people": [people[i % 5]], "role_id": 1}],
    }
    if rotation.get("rotation_duration") in ("1w", "2w"):  # hand-offs apply to whole weeks only
        shape["handoff_time"] = "mon 09:00"
    if i % 3 == 0:
        shape["restrict_periods"] = ["18:00-09:00"] if i % 2 else [("09:00", "12:00"), ("13:00", "18:00")]
    if i % 4 == 1:
        shape["day_mask"] = "weekdays"
    if i == 9:
        shape["layer_end"] = "2027-06-30"
    return shape


PROGRAM = {
    "schedule_name": "SRE primary", "description": "ten layers", "time_zone": ZONE,
    "layers": [layer(i) for i in range(10)],
    "overrides": [{"name": "holiday", "start": "2026-12-24", "end": "2026-12-26", "person": "carol@example.com"}],
    "notify": {"advance_in_time": "10m", "personal_channels": ["email"],
               "webhooks": [{"type": "feishu", "token": "t", "sign_secret": "s"}]},
}


# A team's schedules share a zone, its people and its kinds of rotation; they differ in names, start
# dates and who is in which layer.
POOL = [f"sre{k}@example.com" for k in range(12)] + [2476444212100 + k for k in range(8)]
PREVIEWED = 200


def one_of_many(k: int) -> dict[str, Any]:
    """The ``k``-th of a stack's 10-layer schedules."""
    people = [POOL[(3 * k + j) % len(POOL)] for j in range(5)]
    return {**PROGRAM, "schedule_name": f"service {k} on call", "description": f"service {k}",
            "layers": [layer(i, people, start_day=1 + k % 12) for i in range(10)]}


def preview_medians(provider: ScheduleProvider, *, count: int = PREVIEWED, rounds: int = 5
                    ) -> tuple[float, float, float]:
    """A no-change preview of ``count`` different schedules in a fresh provider process: the
    median seconds of check + diff per schedule, of the first schedule (caches empty), and of the
    reference loop, each the median over ``rounds`` previews."""
    stacks = [(program, as_engine_sends(check_schedule(program, default_time_zone=ZONE)[0]))
              for program in map(one_of_many, range(count))]
    medians_, firsts, paces = [], [], []
    for _ in range(rounds):
        _forms.forget()
        each = []
        for program, stored in stacks:
            started = time.perf_counter()
            result = provider.check({}, program)
            checked = time.perf_counter() - started
            assert not result.failures, [failure.reason for failure in result.failures]
            sent = as_engine_sends(result.inputs)  # the engine's doing, not the provider's: not timed
            started = time.perf_counter()
            assert provider.diff("1", stored, sent).changes is False
            each.append(checked + time.perf_counter() - started)
        medians_.append(statistics.median(each))
        firsts.append(each[0])
        started = time.perf_counter()
        _reference_loop()
        paces.append(time.perf_counter() - started)
    return statistics.median(medians_), statistics.median(firsts), statistics.median(paces)


def medians(work: dict[str, Callable[[], Any]], *, runs: int = 301) -> dict[str, tuple[float, float]]:
    """Median seconds of each piece of work, cold (the form caches emptied just before) and warm (run
    again at once), and of the reference loop. The pieces take turns within every run, so that a
    stretch of noise on a shared machine slows them all alike instead of one figure."""
    times: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in [*work, PACE]}
    for _ in range(runs):
        for name, run in [*work.items(), (PACE, _reference_loop)]:
            _forms.forget()
            for samples in times[name]:
                started = time.perf_counter()
                run()
                samples.append(time.perf_counter() - started)
    return {name: (statistics.median(cold), statistics.median(warm)) for name, (cold, warm) in times.items()}


class Provider(ScheduleProvider):
    """The provider as it is once it has read the account's zone (``/member/info``, once per process:
    a request, not CPU)."""

    def account_time_zone(self) -> str:
        return ZONE


def main() -> None:
    provider = Provider()
    canonical, failures = check_schedule(PROGRAM, default_time_zone=ZONE)
    assert not failures, failures
    assert not provider.check({}, PROGRAM).failures  # timing a refused check would time the refusal
    old = as_engine_sends(canonical)
    news = as_engine_sends(canonical)
    respelled = as_engine_sends(check_schedule({**canonical, "time_zone": "UTC"}, default_time_zone=ZONE)[0])
    changed = as_engine_sends(check_schedule({**PROGRAM, "description": "changed"}, default_time_zone=ZONE)[0])
    assert provider.diff("1", old, news).changes is False
    assert provider.diff("1", old, respelled).changes is False
    assert provider.diff("1", old, changed).changes is True

    work = {"check (10 layers)": lambda: provider.check({}, PROGRAM),
            "diff, no change": lambda: provider.diff("1", old, news),
            "diff, respelled in another zone": lambda: provider.diff("1", old, respelled),
            "diff, a real change": lambda: provider.diff("1", old, changed)}
    figures = medians(work)
    print(f"{'median of 301 runs, ms':<45} {'cold':>8} {'warm':>8}")
    for name in work:
        print(f"{name:<45} {figures[name][0] * 1e3:8.3f} {figures[name][1] * 1e3:8.3f}")
    # A no-change preview asks the provider for one check and one diff of the schedule.
    for label, index in (("cold", 0), ("warm", 1)):
        both = figures["check (10 layers)"][index] + figures["diff, no change"][index]
        print(f"check + diff, {label}: {both * 1e3:.3f} ms, ratio to the {BUDGET * 1e3:g} ms budget "
              f"{both / BUDGET:.2f} ({'within' if both <= BUDGET else 'OVER'} budget)")
    print(f"this machine's pace: {PACE} take {figures[PACE][1] * 1e3:.3f} ms")
    median, first, pace = preview_medians(provider)
    print(f"a no-change preview of {PREVIEWED} different 10-layer schedules in a fresh process (median of 5): "
          f"check + diff per schedule, median {median * 1e3:.3f} ms, ratio to the {BUDGET * 1e3:g} ms budget "
          f"{median / BUDGET:.2f} ({'within' if median <= BUDGET else 'OVER'} budget); the first schedule "
          f"{first * 1e3:.3f} ms; {PACE} {pace * 1e3:.3f} ms")


def _reference_loop() -> int:
    total = 0
    for i in range(20_000):
        total += i * i
    return total


if __name__ == "__main__":
    main()
