"""Timeline engine cost, as ratios measured in one run (absolute times are printed for context).

    .venv/bin/python benchmarks/bench_timeline.py

- *history ratio*: a daily layer that started 7 years before a 45-day window, against the same
  layer starting at the window. About 1.0 means the engine jumps to the window instead of walking
  every shift since the layer start.
- *scaling ratio*: ten mixed layers (hour/day/week/month, masks, night windows) against one daily
  layer, over the same 45 days.
"""

from __future__ import annotations

import timeit
from datetime import datetime
from zoneinfo import ZoneInfo

from flashcat_pulumi.timeline import compute
from flashcat_pulumi.wire import ScheduleGroup, ScheduleLayer, ScheduleMember

TZ = ZoneInfo("Asia/Shanghai")
HOUR = 3600


def at(*parts: int) -> int:
    return int(datetime(*parts, tzinfo=TZ).timestamp())


def layer(start: int, **fields: object) -> ScheduleLayer:
    groups = [ScheduleGroup(group_name=n, members=[ScheduleMember(person_ids=[i + 1])])
              for i, n in enumerate("ABC")]
    return ScheduleLayer.model_validate({"layer_start": start, "groups": groups, **fields})


def best_of(layers: list[ScheduleLayer], start: int, end: int, repeat: int = 7, number: int = 5) -> float:
    timer = timeit.Timer(lambda: compute(layers, start, end, TZ))
    return min(timer.repeat(repeat=repeat, number=number)) / number


def main() -> None:
    start, end = at(2026, 4, 13), at(2026, 5, 28)
    fresh = best_of([layer(start, rotation_unit="day", rotation_value=1)], start, end)
    old = best_of([layer(at(2019, 1, 1), rotation_unit="day", rotation_value=1)], start, end)
    units = ["hour", "day", "week", "month", "day"]
    mixed = [layer(at(2018 + i % 3, 1, 1, i), rotation_unit=units[i % 5], rotation_value=1 + i % 2,
                   handoff_time=9 * HOUR, day_mask={"repeat": [1, 2, 3, 4, 5]} if i % 2 else None,
                   restrict_mode=1 if i % 3 == 0 else 0,
                   restrict_periods=[{"restrict_start": 18 * HOUR, "restrict_end": 9 * HOUR}])
             for i in range(10)]
    ten = best_of(mixed, start, end)
    print(f"one daily layer, 45-day window:          {fresh * 1000:7.2f} ms")
    print(f"same layer started 7 years earlier:      {old * 1000:7.2f} ms   history ratio {old / fresh:5.2f}")
    print(f"ten mixed layers, 45-day window:         {ten * 1000:7.2f} ms   scaling ratio {ten / fresh:5.2f}")


if __name__ == "__main__":
    main()
