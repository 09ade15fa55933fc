"""Rotation engine cost over one year, as ratios to the budgets (one run; absolute times for context).

    .venv/bin/python benchmarks/timeline.py [--rounds N]

- *mixed*: ten layers of every kind (hourly, daily, 2-day, weekly with a hand-off, fortnightly,
  monthly; day masks, continuous masks, daily night windows, weekly windows; two overrides) in
  Europe/Berlin, so both DST switches are inside the year. Budget 15 ms.
- *hourly*: ten one-hour rotations, staggered starts, half of them with office-hours windows, so the
  final schedule has to pick a winner among overlapping layers all year. Budget 150 ms.
- *history*: the mixed layers started seven years before the window against the same layers started
  at it; about 1.0 means the engine jumps to the window instead of walking every past shift.

Each figure is the median of ``--rounds`` runs of ``compute`` (the layers are built once, outside the
timing) after one warm-up run.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from flashcat_pulumi.timeline import compute
from flashcat_pulumi.wire import ScheduleGroup, ScheduleLayer, ScheduleMember

TZ = ZoneInfo("Europe/Berlin")
HOUR = 3600
DAY = 86400
BUDGETS = {"mixed": 0.015, "hourly": 0.150}


def at(*parts: int) -> int:
    return int(datetime(*parts, tzinfo=TZ).timestamp())


def layer(start: int, groups: str = "ABC", **fields: object) -> ScheduleLayer:
    members = [ScheduleGroup(group_name=n, members=[ScheduleMember(person_ids=[ord(n)])]) for n in groups]
    return ScheduleLayer.model_validate({"layer_start": start, "groups": members, **fields})


def mixed(start: int) -> list[ScheduleLayer]:
    office = {"restrict_mode": 1, "restrict_periods": [{"restrict_start": 9 * HOUR, "restrict_end": 18 * HOUR}]}
    night = {"restrict_mode": 1, "restrict_periods": [{"restrict_start": 18 * HOUR, "restrict_end": 9 * HOUR}]}
    weekdays = {"day_mask": {"repeat": [1, 2, 3, 4, 5]}}
    return [
        layer(start, rotation_unit="week", rotation_value=1, handoff_time=9 * HOUR),
        layer(start, rotation_unit="week", rotation_value=2, handoff_time=DAY + 10 * HOUR, fair_rotation=True),
        layer(start, rotation_unit="day", rotation_value=1, **office, **weekdays),
        layer(start + 8 * HOUR, rotation_unit="day", rotation_value=2, mask_continuous_enabled=True,
              day_mask={"repeat": [0, 6]}),
        layer(start, rotation_unit="hour", rotation_value=12, **night),
        layer(start, rotation_unit="month", rotation_value=1),
        layer(start, rotation_unit="week", rotation_value=1, restrict_mode=2,
              restrict_periods=[{"restrict_start": 4 * DAY + 18 * HOUR, "restrict_end": 9 * HOUR}]),
        layer(start, rotation_duration=3 * DAY, groups="ABCDEFG", fair_rotation=True),
        layer(at(2026, 12, 24), "X", mode=1, layer_end=at(2026, 12, 27), weight=20),
        layer(at(2026, 12, 25), "Y", mode=1, layer_end=at(2026, 12, 26), weight=10),
    ]


def hourly(start: int) -> list[ScheduleLayer]:
    office = {"restrict_mode": 1, "restrict_periods": [{"restrict_start": 9 * HOUR, "restrict_end": 18 * HOUR}]}
    return [layer(start + i * 600, rotation_unit="hour", rotation_value=1, **(office if i % 2 else {}))
            for i in range(10)]


def median(run: Callable[[], object], rounds: int) -> float:
    run()
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        run()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=21, help="runs per figure (default: 21)")
    rounds = parser.parse_args().rounds
    start, end = at(2026, 1, 1), at(2027, 1, 1)
    layers = {"mixed": mixed(start), "hourly": hourly(start)}
    figures = {name: median(lambda given=given: compute(given, start, end, TZ), rounds)
               for name, given in layers.items()}
    started_2019 = mixed(at(2019, 1, 1))
    old = median(lambda: compute(started_2019, start, end, TZ), rounds)
    fresh_shifts = len(compute(layers["mixed"], start, end, TZ).final)
    hourly_shifts = len(compute(layers["hourly"], start, end, TZ).final)
    print(f"one year in Europe/Berlin, median of {rounds} runs")
    for name, seconds in figures.items():
        ratio = seconds / BUDGETS[name]
        print(f"{name:7} 10 layers x 1 year: {seconds * 1000:8.2f} ms   budget {BUDGETS[name] * 1000:5.0f} ms   "
              f"ratio {ratio:5.2f}   {'pass' if ratio <= 1 else 'FAIL'}")
    print(f"history ratio (started 7 years earlier / at the window): {old / figures['mixed']:5.2f}")
    print(f"final shifts: mixed {fresh_shifts}, hourly {hourly_shifts}")


if __name__ == "__main__":
    main()
