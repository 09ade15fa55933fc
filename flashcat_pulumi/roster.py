"""Who is on call when, ready to show a reviewer: per-layer rows and the final row of a schedule
(:class:`Roster`), and what changes between the live schedule and the program (:class:`Comparison`).

A roster says where its shifts came from (:attr:`Roster.source`): ``COMPUTED_BY_FLASHDUTY`` when the
server's ``/schedule/preview`` answered, ``COMPUTED_LOCALLY`` when :mod:`flashcat_pulumi.timeline` did.
People are labels (a name, else an email, else ``person <id>``); times are Unix seconds, shown in
:attr:`Roster.time_zone` by :mod:`flashcat_pulumi.render`.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from itertools import pairwise

__all__ = ["COMPUTED_BY_FLASHDUTY", "COMPUTED_LOCALLY", "Change", "Comparison", "Roster", "Row", "Turn", "compare"]

COMPUTED_BY_FLASHDUTY = "computed by Flashduty"
COMPUTED_LOCALLY = "computed locally"


@dataclass(frozen=True)
class Turn:
    """``people`` (labels, primary role first) on call in ``[start, end)``."""

    start: int
    end: int
    people: tuple[str, ...]

    @property
    def label(self) -> str:
        """The people as one text: ``"alice"``, ``"alice + bob"``."""
        return " + ".join(self.people)


@dataclass(frozen=True)
class Row:
    """One line of a roster: a rotation layer, an override, or the final schedule (what Flashduty pages)."""

    name: str
    kind: str
    """``"layer"``, ``"override"`` or ``"final"``."""
    turns: tuple[Turn, ...]


@dataclass(frozen=True)
class Roster:
    """A schedule's shifts in ``[start, end)``: one row per layer, then the final row."""

    schedule: str
    time_zone: str
    start: int
    end: int
    source: str
    rows: tuple[Row, ...]

    @property
    def final(self) -> Row:
        """The final row (the last one)."""
        return self.rows[-1]

    def on_call(self, at: int) -> Turn | None:
        """The final turn covering ``at``; ``None`` in a gap."""
        turns = self.final.turns
        i = bisect.bisect_right(turns, at, key=lambda turn: turn.start) - 1
        return turns[i] if i >= 0 and at < turns[i].end else None


@dataclass(frozen=True)
class Change:
    """``[start, end)`` changes hands from ``before`` to ``after`` (``None``: nobody on call)."""

    start: int
    end: int
    before: str | None
    after: str | None


@dataclass(frozen=True)
class Comparison:
    """The live schedule's final row against the program's, over the same window.

    ``live`` is ``None`` when the schedule does not exist yet (every turn of the program is new).
    ``now`` is the instant the comparison was made, within ``[start, end)``.
    """

    schedule: str
    time_zone: str
    start: int
    end: int
    now: int
    live: Roster | None
    planned: Roster
    changes: tuple[Change, ...]

    @property
    def moves_now(self) -> bool:
        """Whether the person on call at ``now`` changes."""
        return any(change.start <= self.now < change.end for change in self.changes)


def compare(live: Roster | None, planned: Roster, now: int) -> Comparison:
    """What changes hands between ``live`` (``None``: the schedule does not exist yet) and ``planned``,
    over ``planned``'s window: every stretch where the people on call differ, adjacent stretches with
    the same before and after joined."""
    points = sorted({planned.start, planned.end, *(t for turn in planned.final.turns for t in (turn.start, turn.end)),
                     *(t for turn in (live.final.turns if live else ()) for t in (turn.start, turn.end))})
    changes: list[Change] = []
    for start, end in pairwise(points):
        if not planned.start <= start < planned.end:
            continue
        before = _label(live.on_call(start)) if live else None
        after = _label(planned.on_call(start))
        if before == after:
            continue
        if changes and changes[-1].end == start and (changes[-1].before, changes[-1].after) == (before, after):
            changes[-1] = Change(changes[-1].start, end, before, after)
        else:
            changes.append(Change(start, end, before, after))
    return Comparison(planned.schedule, planned.time_zone, planned.start, planned.end, now, live, planned,
                      tuple(changes))


def _label(turn: Turn | None) -> str | None:
    return turn.label if turn is not None and turn.people else None
