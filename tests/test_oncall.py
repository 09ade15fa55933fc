"""Who will be on call: planned rosters computed locally and by Flashduty (the emulator), live
rosters, comparisons, and the line ``pulumi preview`` logs. Expected instants are written as local
date-times, never taken from the engine."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import flashcat_pulumi as fd
from flashcat_pulumi.client import FlashdutyClient
from flashcat_pulumi.emulator import Emulator
from flashcat_pulumi.identity import Directory
from flashcat_pulumi.oncall import NotComputable, live_roster, planned_roster
from flashcat_pulumi.render import oncall_line
from flashcat_pulumi.resources._base import to_input
from flashcat_pulumi.resources.schedule import check_schedule, schedule_to_wire
from flashcat_pulumi.roster import COMPUTED_BY_FLASHDUTY, COMPUTED_LOCALLY, Change, Roster, Row, Turn, compare

SHANGHAI = ZoneInfo("Asia/Shanghai")
ALICE, BOB, CAROL = 2476444212131, 2476444212132, 2476444212133
DAY = 86400


def sh(*fields: int) -> int:
    return int(datetime(*fields, tzinfo=SHANGHAI).timestamp())


def quickstart(**fields: Any) -> dict[str, Any]:
    """The quickstart's schedule, as a Schedule's inputs."""
    props = {
        "schedule_name": "SRE primary", "time_zone": "Asia/Shanghai",
        "layers": [fd.Layer(layer_name="weekly", layer_start="2026-11-30T09:00", rotation_duration="1w",
                            handoff_time="mon 09:00", groups=[["alice@example.com"], ["bob@example.com"]])],
        "overrides": [fd.Override(name="Christmas", start="2026-12-24T00:00", end="2026-12-26T00:00",
                                  person="carol@example.com")],
        **fields,
    }
    return to_input(props)


def turns(row: Row) -> list[tuple[int, int, str]]:
    return [(turn.start, turn.end, turn.label) for turn in row.turns]


DECEMBER = [
    (sh(2026, 12, 1), sh(2026, 12, 7, 9), "alice"), (sh(2026, 12, 7, 9), sh(2026, 12, 14, 9), "bob"),
    (sh(2026, 12, 14, 9), sh(2026, 12, 21, 9), "alice"), (sh(2026, 12, 21, 9), sh(2026, 12, 24), "bob"),
    (sh(2026, 12, 24), sh(2026, 12, 26), "carol"), (sh(2026, 12, 26), sh(2026, 12, 28, 9), "bob"),
    (sh(2026, 12, 28, 9), sh(2027, 1, 4, 9), "alice"), (sh(2027, 1, 4, 9), sh(2027, 1, 11, 9), "bob"),
    (sh(2027, 1, 11, 9), sh(2027, 1, 18, 9), "alice"), (sh(2027, 1, 18, 9), sh(2027, 1, 22), "bob"),
]


def emails(rows: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    return [(s, e, f"{who}@example.com") for s, e, who in rows]


def test_planned_locally_shows_people_as_written() -> None:
    roster = planned_roster("sre-primary", quickstart(), start=sh(2026, 12, 1), end=sh(2027, 1, 22),
                            default_time_zone=None)
    assert (roster.schedule, roster.time_zone, roster.source) == ("SRE primary", "Asia/Shanghai", COMPUTED_LOCALLY)
    assert [(row.name, row.kind) for row in roster.rows] == [("weekly", "layer"), ("Christmas", "override"),
                                                             ("final", "final")]
    assert turns(roster.final) == emails(DECEMBER)
    assert turns(roster.rows[1]) == [(sh(2026, 12, 24), sh(2026, 12, 26), "carol@example.com")]
    # The layer row has the rotation without the override; the window cuts the first and last turn.
    assert turns(roster.rows[0])[3] == (sh(2026, 12, 21, 9), sh(2026, 12, 28, 9), "bob@example.com")
    assert roster.on_call(sh(2026, 12, 25)) == Turn(sh(2026, 12, 24), sh(2026, 12, 26), ("carol@example.com",))


def test_planned_locally_roles_ids_and_the_default_zone() -> None:
    layer = fd.Layer(layer_start="2026-12-01T00:00", rotation_duration="1d",
                     groups=[fd.Group(primary=[ALICE], backup=["bob@example.com"])])
    props = to_input({"schedule_name": "Roles", "layers": [layer]})
    roster = planned_roster("roles", props, start=sh(2026, 12, 1), end=sh(2026, 12, 3),
                            default_time_zone="Asia/Shanghai")
    assert turns(roster.final) == [(sh(2026, 12, 1), sh(2026, 12, 3), f"person {ALICE} + bob@example.com")]


def test_invalid_inputs_name_every_failure() -> None:
    props = quickstart(layers=[{"layer_start": "2026-11-30T09:00", "rotation_duration": "1 fortnight",
                                "groups": [["alice@example.com"]]}])
    with pytest.raises(NotComputable, match=r"schedule 'sre-primary': layers\[0\]\.rotation_duration: "):
        planned_roster("sre-primary", props, start=sh(2026, 12, 1), end=sh(2026, 12, 8), default_time_zone=None)
    no_zone = {key: value for key, value in quickstart().items() if key != "time_zone"}
    with pytest.raises(NotComputable, match="time_zone: required"):
        planned_roster("sre-primary", no_zone, start=sh(2026, 12, 1), end=sh(2026, 12, 8), default_time_zone=None)


def connection(emulator: Emulator) -> tuple[FlashdutyClient, Directory]:
    client = FlashdutyClient(app_key=emulator.app_key, base_url=emulator.base_url)
    return client, Directory(client)


def test_planned_by_flashduty_names_people_and_spans_several_windows(emulator: Emulator) -> None:
    client, directory = connection(emulator)
    roster = planned_roster("sre-primary", quickstart(), start=sh(2026, 12, 1), end=sh(2027, 1, 22),
                            default_time_zone=None, client=client, directory=directory)
    assert roster.source == COMPUTED_BY_FLASHDUTY
    names = {"alice": "Alice Chen", "bob": "Bob Li", "carol": "Carol Wang"}
    assert turns(roster.final) == [(s, e, names[who]) for s, e, who in DECEMBER]
    assert [row.name for row in roster.rows] == ["weekly", "Christmas", "final"]
    previews = [r for r in emulator.requests if r.path == "/schedule/preview"]
    assert len(previews) == 2  # 52 days: windows under 45 days each, joined without a seam


def test_flashduty_unreachable_falls_back_and_says_why(emulator: Emulator) -> None:
    client = FlashdutyClient(app_key="wrong-key-123", base_url=emulator.base_url)
    roster = planned_roster("sre-primary", quickstart(), start=sh(2026, 12, 1), end=sh(2026, 12, 8),
                            default_time_zone=None, client=client, directory=Directory(client))
    assert roster.source.startswith(f"{COMPUTED_LOCALLY} (Flashduty could not compute it: ")
    assert "wrong-key-123" not in roster.source
    assert turns(roster.final)[0] == (sh(2026, 12, 1), sh(2026, 12, 7, 9), "alice@example.com")


def test_live_roster_and_comparison(emulator: Emulator) -> None:
    client, directory = connection(emulator)
    canonical, failures = check_schedule(quickstart(), default_time_zone=None,
                                         account_time_zone=lambda: client.get_member_info().account_time_zone)
    assert not failures
    ids = directory.person_ids(["alice@example.com", "bob@example.com", "carol@example.com"])
    schedule_id = client.create_schedule(schedule_to_wire(canonical, ids.__getitem__))
    start, end = sh(2026, 12, 1), sh(2026, 12, 29)
    live = live_roster(client.get_schedule(schedule_id), client, directory, time_zone="Asia/Shanghai",
                       start=start, end=end)
    assert live.source == COMPUTED_BY_FLASHDUTY and live.schedule == "SRE primary"

    # Bob and Carol swap the Christmas override: only those two days change hands.
    changed = quickstart(overrides=[fd.Override(name="Christmas", start="2026-12-24T00:00", end="2026-12-26T00:00",
                                                person="bob@example.com")])
    planned = planned_roster("sre-primary", changed, start=start, end=end, default_time_zone=None, client=client,
                             directory=directory)
    comparison = compare(live, planned, now=sh(2026, 12, 25))
    assert comparison.changes == (Change(sh(2026, 12, 24), sh(2026, 12, 26), "Carol Wang", "Bob Li"),)
    assert comparison.moves_now
    assert not compare(live, planned, now=sh(2026, 12, 10)).moves_now
    assert compare(live, live, now=sh(2026, 12, 25)).changes == ()


def test_comparison_with_a_new_schedule_and_gaps() -> None:
    planned = Roster("new", "UTC", 0, 100, COMPUTED_LOCALLY,
                     (Row("final", "final", (Turn(0, 40, ("a",)), Turn(60, 100, ("b",)))),))
    comparison = compare(None, planned, now=50)
    assert comparison.changes == (Change(0, 40, None, "a"), Change(60, 100, None, "b"))
    assert not comparison.moves_now  # nobody before, nobody after at 50
    live = Roster("new", "UTC", 0, 100, COMPUTED_BY_FLASHDUTY, (Row("final", "final", (Turn(0, 100, ("a",)),)),))
    assert compare(live, planned, now=50).changes == (Change(40, 60, "a", None), Change(60, 100, "a", "b"))
    assert compare(live, planned, now=50).moves_now


def test_preview_line() -> None:
    roster = planned_roster("sre-primary", quickstart(), start=sh(2026, 12, 3), end=sh(2027, 2, 1),
                            default_time_zone=None)
    assert oncall_line(roster, sh(2026, 12, 3)) == (
        "SRE primary (Asia/Shanghai, computed locally): now alice@example.com until Mon 12-07 09:00; "
        "Mon 12-07 09:00 bob@example.com; Mon 12-14 09:00 alice@example.com")
    assert oncall_line(roster, sh(2026, 12, 22)) == (
        "SRE primary (Asia/Shanghai, computed locally): now bob@example.com until Thu 12-24 00:00; "
        "Thu 12-24 00:00 carol@example.com; Sat 12-26 00:00 bob@example.com")
    gap = Roster("gap", "UTC", 0, 7 * DAY, COMPUTED_LOCALLY,
                 (Row("final", "final", (Turn(DAY, 2 * DAY, ("a",)),)),))
    assert oncall_line(gap, 0) == ("gap (UTC, computed locally): now nobody until Fri 01-02 00:00; "
                                    "Fri 01-02 00:00 a; Sat 01-03 00:00 nobody")
