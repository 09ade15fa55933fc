"""flashcat_pulumi.render: rosters and comparisons as text, markdown, mermaid and svg, checked by content."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from flashcat_pulumi.render import FORMATS, render_comparisons, render_rosters
from flashcat_pulumi.roster import COMPUTED_BY_FLASHDUTY, COMPUTED_LOCALLY, Change, Comparison, Roster, Row, Turn

BERLIN = "Europe/Berlin"
SHANGHAI = "Asia/Shanghai"
HOUR = 3600
DAY = 86400
SVG = "{http://www.w3.org/2000/svg}"


def at(tz: str, text: str) -> int:
    """Unix seconds of the local time ``text`` (``YYYY-MM-DD HH:MM``) in ``tz``."""
    return int(datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(tz)).timestamp())


def utc(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=timezone.utc).timestamp())


def b(text: str) -> int:
    return at(BERLIN, text)


def turn(start: int, end: int, *people: str) -> Turn:
    return Turn(start, end, tuple(people))


def berlin() -> Roster:
    """Two weeks from Mon 12-07 09:00: a weekly layer, an override, an empty layer, a final row with a gap."""
    week = Row("Week", "layer", (turn(b("2026-12-07 09:00"), b("2026-12-14 09:00"), "alice"),
                                 turn(b("2026-12-14 09:00"), b("2026-12-21 09:00"), "bob")))
    swap = Row("Swap", "override", (turn(b("2026-12-10 12:00"), b("2026-12-11 12:00"), "bob", "carol"),))
    nights = Row("Nights", "layer", ())
    final = Row("final", "final", (
        turn(b("2026-12-07 09:00"), b("2026-12-10 12:00"), "alice"),
        turn(b("2026-12-10 12:00"), b("2026-12-11 12:00"), "bob", "carol"),
        turn(b("2026-12-11 12:00"), b("2026-12-14 09:00"), "alice"),
        turn(b("2026-12-15 09:00"), b("2026-12-21 09:00"), "bob"),
    ))
    return Roster("Platform", BERLIN, b("2026-12-07 09:00"), b("2026-12-21 09:00"), COMPUTED_BY_FLASHDUTY,
                  (week, swap, nights, final))


def shanghai() -> Roster:
    """Two weeks from Mon 12-07 10:00 Shanghai (02:00 UTC), computed locally."""
    start = utc("2026-12-07 02:00")
    turns = (turn(start, start + 7 * DAY, "carol"), turn(start + 7 * DAY, start + 14 * DAY, "alice"))
    return Roster("Database", SHANGHAI, start, start + 14 * DAY, COMPUTED_LOCALLY,
                  (Row("Rotation", "layer", turns), Row("final", "final", turns)))


def across_dst() -> Roster:
    """Weekly hand-offs at 09:00 Berlin across the switch to winter time on 2026-10-25."""
    start = utc("2026-10-19 07:00")  # Mon 09:00 CEST
    handoff = start + 7 * DAY + HOUR  # Mon 09:00 CET: the week that holds the switch lasts an hour longer
    end = handoff + 7 * DAY
    turns = (turn(start, handoff, "alice"), turn(handoff, end, "bob"))
    return Roster("Autumn", BERLIN, start, end, COMPUTED_LOCALLY, (Row("final", "final", turns),))


def comparison(now: int) -> Comparison:
    """Live: alice then bob by week. Program: bob + carol for a day, then nobody for the last three days."""
    start, end = b("2026-12-07 09:00"), b("2026-12-21 09:00")
    live_final = (turn(start, b("2026-12-14 09:00"), "alice"), turn(b("2026-12-14 09:00"), end, "bob"))
    live = Roster("Platform", BERLIN, start, end, COMPUTED_BY_FLASHDUTY, (Row("final", "final", live_final),))
    planned_final = (
        turn(start, b("2026-12-10 12:00"), "alice"),
        turn(b("2026-12-10 12:00"), b("2026-12-11 12:00"), "bob", "carol"),
        turn(b("2026-12-11 12:00"), b("2026-12-14 09:00"), "alice"),
        turn(b("2026-12-14 09:00"), b("2026-12-18 09:00"), "bob"),
    )
    planned = Roster("Platform", BERLIN, start, end, COMPUTED_LOCALLY, (Row("final", "final", planned_final),))
    changes = (Change(b("2026-12-10 12:00"), b("2026-12-11 12:00"), "alice", "bob + carol"),
               Change(b("2026-12-18 09:00"), end, "bob", None))
    return Comparison("Platform", BERLIN, start, end, now, live, planned, changes)


def unchanged(now: int) -> Comparison:
    roster = shanghai()
    return Comparison("Database", SHANGHAI, roster.start, roster.end, now, roster, roster, ())


def brand_new(now: int) -> Comparison:
    roster = shanghai()
    changes = tuple(Change(t.start, t.end, None, t.label) for t in roster.final.turns)
    return Comparison("Database", SHANGHAI, roster.start, roster.end, now, None, roster, changes)


# --- formats ----------------------------------------------------------------------------------------


def test_formats():
    assert FORMATS == ("text", "markdown", "mermaid", "svg")


@pytest.mark.parametrize("render", [lambda fmt: render_rosters([berlin()], fmt),
                                    lambda fmt: render_comparisons([comparison(b("2026-12-08 12:00"))], fmt)])
def test_unknown_format_names_the_allowed_ones(render):
    with pytest.raises(ValueError, match="html") as error:
        render("html")
    for fmt in FORMATS:
        assert fmt in str(error.value)


@pytest.mark.parametrize("fmt", ["text", "markdown", "mermaid"])
def test_nothing_to_render(fmt):
    assert render_rosters([], fmt) == ""
    assert render_comparisons([], fmt) == ""


# --- text -------------------------------------------------------------------------------------------


def test_text_roster():
    text = render_rosters([berlin()], "text", now=b("2026-12-08 12:00"))
    assert text.splitlines() == [
        "Platform · Europe/Berlin · computed by Flashduty · Mon 12-07 09:00 → Mon 12-21 09:00",
        "on call now: alice",
        "  layer Week",
        "    Mon 12-07 09:00 → Mon 12-14 09:00  alice",
        "    Mon 12-14 09:00 → Mon 12-21 09:00  bob",
        "  override Swap",
        "    Thu 12-10 12:00 → Fri 12-11 12:00  bob + carol",
        "  layer Nights",
        "    (no turns in the window)",
        "  final (who is paged)",
        "    Mon 12-07 09:00 → Thu 12-10 12:00  alice",
        "    Thu 12-10 12:00 → Fri 12-11 12:00  bob + carol",
        "    Fri 12-11 12:00 → Mon 12-14 09:00  alice",
        "    Mon 12-14 09:00 → Tue 12-15 09:00  (nobody)",
        "    Tue 12-15 09:00 → Mon 12-21 09:00  bob",
    ]


def test_text_on_call_now():
    assert "on call now: bob + carol" in render_rosters([berlin()], "text", now=b("2026-12-10 18:00")).splitlines()
    assert "on call now: (nobody)" in render_rosters([berlin()], "text", now=b("2026-12-14 10:00")).splitlines()
    for now in (None, b("2026-12-21 09:00"), b("2026-12-01 00:00")):
        assert "on call now" not in render_rosters([berlin()], "text", now=now)


def test_text_across_dst_keeps_the_local_hand_off():
    lines = render_rosters([across_dst()], "text").splitlines()
    assert lines[0] == "Autumn · Europe/Berlin · computed locally · Mon 10-19 09:00 → Mon 11-02 09:00"
    assert lines[2:] == ["    Mon 10-19 09:00 → Mon 10-26 09:00  alice", "    Mon 10-26 09:00 → Mon 11-02 09:00  bob"]


def test_text_several_schedules_in_their_own_zones():
    text = render_rosters([berlin(), shanghai()], "text", now=utc("2026-12-15 12:00"))
    blocks = text.split("\n\n")
    assert len(blocks) == 2
    assert blocks[0].startswith("Platform · Europe/Berlin · computed by Flashduty · ")
    assert blocks[1].splitlines() == [
        "Database · Asia/Shanghai · computed locally · Mon 12-07 10:00 → Mon 12-21 10:00",
        "on call now: alice",
        "  layer Rotation",
        "    Mon 12-07 10:00 → Mon 12-14 10:00  carol",
        "    Mon 12-14 10:00 → Mon 12-21 10:00  alice",
        "  final (who is paged)",
        "    Mon 12-07 10:00 → Mon 12-14 10:00  carol",
        "    Mon 12-14 10:00 → Mon 12-21 10:00  alice",
    ]
    assert text.endswith("alice\n")


def test_text_empty_final_row_is_nobody_for_the_whole_window():
    roster = Roster("Empty", BERLIN, b("2026-12-07 09:00"), b("2026-12-08 09:00"), COMPUTED_LOCALLY,
                    (Row("final", "final", ()),))
    assert render_rosters([roster], "text", now=b("2026-12-07 10:00")).splitlines()[1:] == [
        "on call now: (nobody)",
        "  final (who is paged)",
        "    Mon 12-07 09:00 → Tue 12-08 09:00  (nobody)",
    ]


def test_text_comparison_with_changes():
    text = render_comparisons([comparison(b("2026-12-08 12:00"))], "text")
    assert text.splitlines() == [
        "Platform · Europe/Berlin · live computed by Flashduty · program computed locally · "
        "Mon 12-07 09:00 → Mon 12-21 09:00",
        "  Thu 12-10 12:00 → Fri 12-11 12:00: alice → bob + carol",
        "  Fri 12-18 09:00 → Mon 12-21 09:00: bob → (nobody)",
        "on call now: alice (unchanged)",
    ]


def test_text_comparison_that_moves_now():
    moving = comparison(b("2026-12-10 15:00"))
    assert moving.moves_now
    assert render_comparisons([moving], "text").splitlines()[-1] == (
        "on call now: alice → bob + carol — this change moves who is on call now")
    to_nobody = comparison(b("2026-12-19 00:00"))
    assert render_comparisons([to_nobody], "text").splitlines()[-1] == (
        "on call now: bob → (nobody) — this change moves who is on call now")


def test_text_comparison_without_changes():
    lines = render_comparisons([unchanged(utc("2026-12-15 00:00"))], "text").splitlines()
    assert lines == [
        "Database · Asia/Shanghai · computed locally · Mon 12-07 10:00 → Mon 12-21 10:00",
        "no change: who is on call stays the same in the window",
        "on call now: alice (unchanged)",
    ]


def test_text_comparison_of_a_new_schedule():
    lines = render_comparisons([brand_new(utc("2026-12-08 00:00"))], "text").splitlines()
    assert lines == [
        "Database · Asia/Shanghai · computed locally · Mon 12-07 10:00 → Mon 12-21 10:00",
        "new schedule, not in Flashduty yet; planned final turns:",
        "  Mon 12-07 10:00 → Mon 12-14 10:00  carol",
        "  Mon 12-14 10:00 → Mon 12-21 10:00  alice",
    ]


def test_text_several_comparisons():
    text = render_comparisons([comparison(b("2026-12-08 12:00")), unchanged(utc("2026-12-15 00:00"))], "text")
    assert [block.splitlines()[0].split(" · ")[0] for block in text.split("\n\n")] == ["Platform", "Database"]


# --- markdown ---------------------------------------------------------------------------------------


def cells(row: str) -> list[str]:
    """A table row's cells, split at the pipes that are not escaped."""
    assert row.startswith("| ") and row.endswith(" |"), row
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", row)[1:-1]]


def test_markdown_roster():
    text = render_rosters([berlin()], "markdown", now=b("2026-12-08 12:00"))
    lines = text.splitlines()
    assert lines[:7] == [
        "### Platform",
        "",
        "Europe/Berlin · computed by Flashduty · Mon 12-07 09:00 → Mon 12-21 09:00",
        "",
        "On call now: **alice**",
        "",
        "**Final (who is paged)**",
    ]
    final = lines[8:15]
    assert [cells(row) for row in final] == [
        ["From", "To", "On call"],
        ["---", "---", "---"],
        ["Mon 12-07 09:00", "Thu 12-10 12:00", "alice"],
        ["Thu 12-10 12:00", "Fri 12-11 12:00", "bob + carol"],
        ["Fri 12-11 12:00", "Mon 12-14 09:00", "alice"],
        ["Mon 12-14 09:00", "Tue 12-15 09:00", "(nobody)"],
        ["Tue 12-15 09:00", "Mon 12-21 09:00", "bob"],
    ]
    # GitHub renders Markdown inside <details> only with blank lines around it.
    opening = lines.index("<details><summary>Layers (3)</summary>")
    assert lines[opening - 1] == "" and lines[opening + 1] == ""
    assert lines[-1] == "</details>" and lines[-2] == ""
    layers = lines[opening:]
    assert "**Week** (layer)" in layers and "**Swap** (override)" in layers and "**Nights** (layer)" in layers
    assert "| Thu 12-10 12:00 | Fri 12-11 12:00 | bob + carol |" in layers
    nights = layers.index("**Nights** (layer)")
    assert layers[nights + 2] == "Nobody on call in the window."


def test_markdown_without_layers_has_no_details():
    text = render_rosters([across_dst()], "markdown")
    assert "<details>" not in text
    assert "| Mon 10-19 09:00 | Mon 10-26 09:00 | alice |" in text.splitlines()
    assert "| Mon 10-26 09:00 | Mon 11-02 09:00 | bob |" in text.splitlines()
    assert "On call now" not in text


def test_markdown_escapes_names():
    start = b("2026-12-07 09:00")
    roster = Roster("a|b *team*", BERLIN, start, start + DAY, COMPUTED_LOCALLY,
                    (Row("x_y [z]", "layer", (turn(start, start + DAY, "p|q", "<b>r&s</b>"),)),
                     Row("final", "final", (turn(start, start + DAY, "p|q", "<b>r&s</b>"),))))
    lines = render_rosters([roster], "markdown").splitlines()
    assert lines[0] == r"### a\|b \*team\*"
    assert r"**x\_y \[z\]** (layer)" in lines
    row = r"| Mon 12-07 09:00 | Tue 12-08 09:00 | p\|q + \<b\>r\&s\</b\> |"
    assert lines.count(row) == 2
    assert cells(row)[2] == r"p\|q + \<b\>r\&s\</b\>"


def test_markdown_several_schedules():
    text = render_rosters([berlin(), shanghai()], "markdown")
    assert [line for line in text.splitlines() if line.startswith("### ")] == ["### Platform", "### Database"]
    assert "Asia/Shanghai · computed locally · Mon 12-07 10:00 → Mon 12-21 10:00" in text.splitlines()


def test_markdown_comparison_with_changes():
    lines = render_comparisons([comparison(b("2026-12-08 12:00"))], "markdown").splitlines()
    assert lines == [
        "### Platform",
        "",
        "Europe/Berlin · live computed by Flashduty · program computed locally · Mon 12-07 09:00 → Mon 12-21 09:00",
        "",
        "- Thu 12-10 12:00 → Fri 12-11 12:00: alice → bob + carol",
        "- Fri 12-18 09:00 → Mon 12-21 09:00: bob → (nobody)",
        "",
        r"on call now\: alice (unchanged)",
    ]


def test_markdown_comparison_that_moves_now_is_bold():
    lines = render_comparisons([comparison(b("2026-12-10 15:00"))], "markdown").splitlines()
    assert lines[-1] == r"**on call now\: alice → bob + carol — this change moves who is on call now**"


def test_markdown_comparison_without_changes_and_new():
    text = render_comparisons([unchanged(utc("2026-12-15 00:00")), brand_new(utc("2026-12-08 00:00"))], "markdown")
    lines = text.splitlines()
    assert "No change: who is on call stays the same in the window." in lines
    assert r"on call now\: alice (unchanged)" in lines
    assert "**New schedule**, not in Flashduty yet. Planned final turns:" in lines
    assert lines[-2:] == ["| Mon 12-07 10:00 | Mon 12-14 10:00 | carol |",
                          "| Mon 12-14 10:00 | Mon 12-21 10:00 | alice |"]


# --- mermaid ----------------------------------------------------------------------------------------

TASK = re.compile(r"^    (?P<name>[^:]+?) :(?P<crit>crit, )?(?P<id>t\d+), "
                  r"(?P<start>\d{4}-\d\d-\d\d \d\d:\d\d), (?P<end>\d{4}-\d\d-\d\d \d\d:\d\d)$")


def charts(text: str) -> list[list[str]]:
    """The lines inside each ```mermaid block; checks that nothing else is in ``text``."""
    blocks = text.strip("\n").split("\n\n")
    for block in blocks:
        lines = block.splitlines()
        assert lines[0] == "```mermaid" and lines[-1] == "```", block
        assert lines[1] == "gantt"
    return [block.splitlines()[1:-1] for block in blocks]


def sections(chart: list[str]) -> dict[str, list[str]]:
    """Task lines (without their ids) per section name, in order."""
    out: dict[str, list[str]] = {}
    current = None
    ids = []
    for line in chart:
        if line.startswith("    section "):
            current = line.removeprefix("    section ")
            out[current] = []
        elif (task := TASK.match(line)) is not None:
            assert current is not None
            ids.append(task["id"])
            out[current].append(f"{task['name']} :{task['crit'] or ''}{task['start']}, {task['end']}")
    assert len(ids) == len(set(ids)), ids
    return out


def test_mermaid_roster():
    (chart,) = charts(render_rosters([berlin()], "mermaid", now=b("2026-12-08 12:00")))
    assert chart[:5] == [
        "gantt",
        "    title Platform · Europe/Berlin · computed by Flashduty",
        "    dateFormat YYYY-MM-DD HH:mm",
        "    axisFormat %m-%d",
        "    todayMarker off",
    ]
    assert sections(chart) == {
        "Week": ["alice :2026-12-07 09:00, 2026-12-14 09:00", "bob :2026-12-14 09:00, 2026-12-21 09:00"],
        "Swap (override)": ["bob + carol :2026-12-10 12:00, 2026-12-11 12:00"],
        "Nights": [],
        "final (who is paged)": [
            "alice :2026-12-07 09:00, 2026-12-10 12:00",
            "bob + carol :2026-12-10 12:00, 2026-12-11 12:00",
            "alice :2026-12-11 12:00, 2026-12-14 09:00",
            "bob :2026-12-15 09:00, 2026-12-21 09:00",
        ],
    }
    assert "    %% Nights: nobody in the window" in chart
    # Every line is a known statement, a section, a task or a comment.
    for line in chart[5:]:
        assert line.startswith(("    section ", "    %% ")) or TASK.match(line), line


def test_mermaid_task_ids_are_unique_and_sections_in_order():
    (chart,) = charts(render_rosters([berlin()], "mermaid"))
    ids = [task["id"] for line in chart if (task := TASK.match(line))]
    assert ids == [f"t{i}" for i in range(1, 8)]
    assert [line for line in chart if line.startswith("    section")] == [
        "    section Week", "    section Swap (override)", "    section Nights", "    section final (who is paged)"]


def test_mermaid_across_dst_and_in_shanghai():
    autumn, database = charts(render_rosters([across_dst(), shanghai()], "mermaid"))
    assert sections(autumn)["final (who is paged)"] == [
        "alice :2026-10-19 09:00, 2026-10-26 09:00", "bob :2026-10-26 09:00, 2026-11-02 09:00"]
    assert database[1] == "    title Database · Asia/Shanghai · computed locally"
    assert sections(database)["Rotation"] == [
        "carol :2026-12-07 10:00, 2026-12-14 10:00", "alice :2026-12-14 10:00, 2026-12-21 10:00"]


def test_mermaid_sanitizes_names():
    start = b("2026-12-07 09:00")
    names = ("ops: #1; on-call", "50% crew", "Section 8", "Title IX", "<b>x</b>")
    turns = tuple(turn(start + i * HOUR, start + (i + 1) * HOUR, name) for i, name in enumerate(names))
    roster = Roster("sched: #a; b", BERLIN, start, start + DAY, COMPUTED_LOCALLY,
                    (Row("layer: #2;", "layer", turns), Row("final", "final", turns)))
    (chart,) = charts(render_rosters([roster], "mermaid"))
    title = chart[1].removeprefix("    title ")
    section_names = [line.removeprefix("    section ") for line in chart if line.startswith("    section ")]
    task_names = [task["name"] for line in chart if (task := TASK.match(line))]
    assert len(task_names) == 2 * len(names)
    for name in [title, *section_names, *task_names]:
        assert not set(name) & set(":;#%<>\n"), name
    assert "ops：" in task_names[0] and "＃1" in task_names[0]
    # A name starting with a gantt keyword ("section", "title") must not be read as that keyword.
    assert not any(line.lower().startswith(("    section 8", "    title ix")) for line in chart)
    assert {name.strip("\u2060") for name in task_names} >= {"Section 8", "Title IX"}


def test_mermaid_empty_final_row_still_has_a_task():
    roster = Roster("Empty", BERLIN, b("2026-12-07 09:00"), b("2026-12-08 09:00"), COMPUTED_LOCALLY,
                    (Row("final", "final", ()),))
    (chart,) = charts(render_rosters([roster], "mermaid"))
    assert sections(chart) == {"final (who is paged)": ["(nobody) :2026-12-07 09:00, 2026-12-08 09:00"]}


def test_mermaid_turns_are_cut_to_the_window():
    start = b("2026-12-07 09:00")
    roster = Roster("Cut", BERLIN, start, start + DAY, COMPUTED_LOCALLY,
                    (Row("final", "final", (turn(start - DAY, start + HOUR, "a"), turn(start + DAY, start + 2 * DAY,
                                                                                       "b"))),))
    (chart,) = charts(render_rosters([roster], "mermaid"))
    assert sections(chart)["final (who is paged)"] == ["a :2026-12-07 09:00, 2026-12-07 10:00"]


def test_mermaid_comparison():
    (chart,) = charts(render_comparisons([comparison(b("2026-12-08 12:00"))], "mermaid"))
    assert chart[1] == "    title Platform · Europe/Berlin · live computed by Flashduty · program computed locally"
    assert sections(chart) == {
        "live": ["alice :2026-12-07 09:00, 2026-12-14 09:00", "bob :2026-12-14 09:00, 2026-12-21 09:00"],
        "program": [
            "alice :2026-12-07 09:00, 2026-12-10 12:00",
            "bob + carol :crit, 2026-12-10 12:00, 2026-12-11 12:00",
            "alice :2026-12-11 12:00, 2026-12-14 09:00",
            "bob :2026-12-14 09:00, 2026-12-18 09:00",
            "(nobody) :crit, 2026-12-18 09:00, 2026-12-21 09:00",
        ],
    }


def test_mermaid_comparison_marks_only_the_changed_part_of_a_turn():
    start, end = b("2026-12-07 09:00"), b("2026-12-21 09:00")
    live = Roster("P", BERLIN, start, end, COMPUTED_LOCALLY, (Row("final", "final", (
        turn(start, b("2026-12-14 09:00"), "alice"), turn(b("2026-12-14 09:00"), end, "bob"))),))
    planned = Roster("P", BERLIN, start, end, COMPUTED_LOCALLY, (Row("final", "final", (
        turn(start, b("2026-12-16 09:00"), "alice"), turn(b("2026-12-16 09:00"), end, "bob"))),))
    changes = (Change(b("2026-12-14 09:00"), b("2026-12-16 09:00"), "bob", "alice"),)
    (chart,) = charts(render_comparisons([Comparison("P", BERLIN, start, end, start, live, planned, changes)],
                                         "mermaid"))
    assert chart[1] == "    title P · Europe/Berlin · computed locally"
    assert sections(chart)["program"] == [
        "alice :2026-12-07 09:00, 2026-12-14 09:00",
        "alice :crit, 2026-12-14 09:00, 2026-12-16 09:00",
        "bob :2026-12-16 09:00, 2026-12-21 09:00",
    ]


def test_mermaid_comparison_without_changes_and_new():
    same, new = charts(render_comparisons([unchanged(utc("2026-12-15 00:00")), brand_new(utc("2026-12-08 00:00"))],
                                          "mermaid"))
    assert sections(same) == {
        "live": ["carol :2026-12-07 10:00, 2026-12-14 10:00", "alice :2026-12-14 10:00, 2026-12-21 10:00"],
        "program": ["carol :2026-12-07 10:00, 2026-12-14 10:00", "alice :2026-12-14 10:00, 2026-12-21 10:00"],
    }
    assert new[1] == "    title Database · Asia/Shanghai · computed locally · new, not in Flashduty yet"
    assert sections(new) == {
        "live": [],
        "program": ["carol :crit, 2026-12-07 10:00, 2026-12-14 10:00",
                    "alice :crit, 2026-12-14 10:00, 2026-12-21 10:00"],
    }
    assert "    %% not in Flashduty yet" in new


# --- svg --------------------------------------------------------------------------------------------


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg.encode())
    assert root.tag == f"{SVG}svg"
    return root


def of_class(root: ET.Element, cls: str) -> list[ET.Element]:
    return [element for element in root.iter() if element.get("class") == cls]


def shown(element: ET.Element) -> str:
    """The text an element shows (without its <title> tooltip)."""
    return (element.text or "") + "".join(child.tail or "" for child in element)


def tip(element: ET.Element) -> str:
    title = element.find(f"{SVG}title")
    assert title is not None
    return title.text or ""


def bar_person(bar: ET.Element) -> str:
    """The first person of a bar, from its tooltip ``alice + bob · Mon 12-07 09:00 → …``."""
    return tip(bar).split(" · ")[0].split(" + ")[0]


def test_svg_is_a_standalone_picture():
    svg = render_rosters([berlin()], "svg")
    root = parse(svg)
    assert svg.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert root.get("version") == "1.1"
    assert root.get("font-family") == "sans-serif"
    width, height = float(root.get("width")), float(root.get("height"))
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    background = root.find(f"{SVG}rect")
    assert background.get("fill") == "#ffffff" and float(background.get("width")) == width
    # Everything drawn lies inside the picture.
    for element in root.iter():
        for attr, limit in (("x", width), ("x1", width), ("x2", width), ("y", height), ("y1", height), ("y2", height)):
            if element.get(attr) is not None:
                assert 0 <= float(element.get(attr)) <= limit, (element.tag, element.attrib)


def test_svg_titles_rows_and_bars():
    root = parse(render_rosters([berlin(), shanghai()], "svg"))
    assert [shown(title) for title in of_class(root, "title")] == [
        "Platform · Europe/Berlin · computed by Flashduty", "Database · Asia/Shanghai · computed locally"]
    assert [shown(label) for label in of_class(root, "row-label")] == [
        "Week", "Swap (override)", "Nights", "Final (who is paged)", "Rotation", "Final (who is paged)"]
    bars = of_class(root, "bar")
    assert len(bars) == 2 + 1 + 0 + 4 + 2 + 2
    assert tip(bars[0]) == "alice · Mon 12-07 09:00 → Mon 12-14 09:00"
    assert tip(bars[-1]) == "alice · Mon 12-14 10:00 → Mon 12-21 10:00"
    # The empty layer says so; the final row's gap is labelled.
    texts = [shown(text) for text in root.iter(f"{SVG}text")]
    assert "nobody in the window" in texts
    assert "(nobody)" in texts


def test_svg_colours_per_person_and_legend():
    root = parse(render_rosters([berlin(), shanghai()], "svg"))
    fills: dict[str, set[str]] = {}
    for bar in of_class(root, "bar"):
        fills.setdefault(bar_person(bar), set()).add(bar.get("fill"))
    # The same person has one colour in every row and schedule; distinct people have distinct colours.
    assert set(fills) == {"alice", "bob", "carol"}
    assert all(len(colours) == 1 for colours in fills.values())
    assert len({next(iter(colours)) for colours in fills.values()}) == 3
    legend = {shown(item.find(f"{SVG}text")): item.find(f"{SVG}rect").get("fill")
              for item in of_class(root, "legend-item")}
    assert legend == {person: next(iter(colours)) for person, colours in fills.items()}
    # The bar of "bob + carol" takes bob's colour.
    shared = [bar for bar in of_class(root, "bar") if tip(bar).startswith("bob + carol · ")]
    assert len(shared) == 2 and {bar.get("fill") for bar in shared} == {legend["bob"]}


def test_svg_colours_do_not_depend_on_the_order_of_schedules():
    def legend(rosters: list[Roster]) -> dict[str, str]:
        root = parse(render_rosters(rosters, "svg"))
        return {shown(item.find(f"{SVG}text")): item.find(f"{SVG}rect").get("fill")
                for item in of_class(root, "legend-item")}

    assert legend([berlin(), shanghai()]) == legend([shanghai(), berlin()])


def test_svg_labels_bars_that_are_wide_enough():
    start = b("2026-12-07 09:00")
    roster = Roster("Widths", BERLIN, start, start + 14 * DAY, COMPUTED_LOCALLY, (Row("final", "final", (
        turn(start, start + HOUR, "tiny"), turn(start + DAY, start + 8 * DAY, "wide"))),))
    root = parse(render_rosters([roster], "svg"))
    assert len(of_class(root, "bar")) == 2
    assert [shown(label) for label in of_class(root, "bar-label")] == ["wide"]


def test_svg_escapes_text():
    start = b("2026-12-07 09:00")
    roster = Roster("R&D <core>", BERLIN, start, start + 7 * DAY, COMPUTED_LOCALLY,
                    (Row("final", "final", (turn(start, start + 7 * DAY, "dave <ops> & co"),)),))
    svg = render_rosters([roster], "svg")
    assert "dave &lt;ops&gt; &amp; co" in svg and "<ops>" not in svg
    root = parse(svg)
    assert shown(of_class(root, "title")[0]) == "R&D <core> · Europe/Berlin · computed locally"
    assert [shown(label) for label in of_class(root, "bar-label")] == ["dave <ops> & co"]
    assert [shown(item.find(f"{SVG}text")) for item in of_class(root, "legend-item")] == ["dave <ops> & co"]


def test_svg_day_labels():
    root = parse(render_rosters([berlin()], "svg"))
    days = of_class(root, "day")
    labels = [shown(day) for day in days]
    every_day = [f"{name} 12-{d:02d}" for d, name in zip(range(8, 22), ["Tue", "Wed", "Thu", "Fri", "Sat", "Sun",
                                                                          "Mon"] * 2, strict=True)]
    assert len(labels) >= 5 and set(labels) <= set(every_day)
    assert labels == sorted(labels, key=every_day.index)
    xs = [float(day.get("x")) for day in days]
    assert all(right - left >= 60 for left, right in pairwise(xs)), xs  # no overlap


def test_svg_day_labels_of_a_long_window_are_mondays():
    start = b("2026-10-05 00:00")
    roster = Roster("Quarter", BERLIN, start, start + 91 * DAY + HOUR, COMPUTED_LOCALLY,
                    (Row("final", "final", (turn(start, start + 91 * DAY + HOUR, "alice"),)),))
    labels = [shown(day) for day in of_class(parse(render_rosters([roster], "svg")), "day")]
    assert len(labels) >= 4 and all(label.startswith("Mon ") for label in labels), labels


def test_svg_day_labels_of_a_short_window_are_every_day():
    start = b("2026-12-07 09:00")
    roster = Roster("Short", BERLIN, start, start + 3 * DAY, COMPUTED_LOCALLY,
                    (Row("final", "final", (turn(start, start + 3 * DAY, "alice"),)),))
    labels = [shown(day) for day in of_class(parse(render_rosters([roster], "svg")), "day")]
    assert labels == ["Tue 12-08", "Wed 12-09", "Thu 12-10"]


def test_svg_days_follow_dst():
    roster = across_dst()
    root = parse(render_rosters([roster], "svg"))
    first, second = of_class(root, "bar")
    left = float(first.get("x"))
    plot_width = float(second.get("x")) + float(second.get("width")) - left
    span = roster.end - roster.start
    # alice's week is one hour longer than 7 days.
    assert float(first.get("width")) / plot_width == pytest.approx((7 * DAY + HOUR) / span, abs=0.001)
    days = of_class(root, "day")
    assert days
    for day in days:
        midnight = b(f"2026-{shown(day)[4:]} 00:00")
        assert float(day.get("x")) - 3 == pytest.approx(left + (midnight - roster.start) / span * plot_width, abs=0.1)


def test_svg_now_line_only_inside_the_window():
    inside = parse(render_rosters([berlin(), shanghai()], "svg", now=b("2026-12-08 12:00")))
    assert len(of_class(inside, "now")) == 2
    assert [shown(mark.find(f"{SVG}text")) for mark in of_class(inside, "legend-mark")] == ["now"]
    for now in (None, b("2026-12-21 09:00"), b("2026-11-01 00:00")):
        outside = parse(render_rosters([berlin(), shanghai()], "svg", now=now))
        assert of_class(outside, "now") == []
        assert of_class(outside, "legend-mark") == []
    # Only the schedule whose window holds now gets the line.
    one = parse(render_rosters([berlin(), across_dst()], "svg", now=b("2026-12-08 12:00")))
    assert len(of_class(one, "now")) == 1


def test_svg_empty_input():
    root = parse(render_rosters([], "svg"))
    assert "No schedules." in [shown(text) for text in root.iter(f"{SVG}text")]


def test_svg_comparison():
    root = parse(render_comparisons([comparison(b("2026-12-10 15:00")), unchanged(utc("2026-12-15 00:00"))], "svg"))
    assert [shown(title) for title in of_class(root, "title")] == [
        "Platform · Europe/Berlin · live computed by Flashduty · program computed locally",
        "Database · Asia/Shanghai · computed locally",
    ]
    assert [shown(label) for label in of_class(root, "row-label")] == ["live (Flashduty)", "program"] * 2
    assert [shown(note) for note in of_class(root, "note")] == [
        "Thu 12-10 12:00 → Fri 12-11 12:00: alice → bob + carol",
        "Fri 12-18 09:00 → Mon 12-21 09:00: bob → (nobody)",
    ]
    texts = [shown(text) for text in root.iter(f"{SVG}text")]
    assert any("2 changes · on call now: alice → bob + carol — this change moves who is on call now" in text
               for text in texts)
    assert any("no change in who is on call · on call now: alice (unchanged)" in text for text in texts)
    # Each changed span is highlighted, outlined on the program band and dashed on the live band.
    assert len(of_class(root, "changed")) == 2
    assert len(of_class(root, "changed-edge")) == 2
    assert len(of_class(root, "changed-was")) == 2
    assert len(of_class(root, "bar")) == 2 + 4 + 2 + 2
    assert {shown(item.find(f"{SVG}text")) for item in of_class(root, "legend-item")} == {"alice", "bob", "carol"}
    assert [shown(mark.find(f"{SVG}text")) for mark in of_class(root, "legend-mark")] == [
        "changed by the program", "now"]
    assert len(of_class(root, "now")) == 2


def test_svg_comparison_of_a_new_schedule():
    root = parse(render_comparisons([brand_new(utc("2026-12-08 00:00"))], "svg"))
    texts = [shown(text) for text in root.iter(f"{SVG}text")]
    assert "not in Flashduty yet" in texts
    assert any(text.endswith("· new schedule, not in Flashduty yet") for text in texts)
    assert len(of_class(root, "bar")) == 2
    assert len(of_class(root, "changed-edge")) == 2
    assert of_class(root, "changed-was") == []
    assert of_class(root, "note") == []


def luminance(colour: str) -> float:
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b_ = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b_)


def test_svg_ten_people_get_ten_colours_with_readable_labels():
    start = b("2026-12-07 09:00")
    people = [f"p{i}" for i in range(10)]
    turns = tuple(turn(start + i * DAY, start + (i + 1) * DAY, person) for i, person in enumerate(people))
    roster = Roster("Ten", BERLIN, start, start + 10 * DAY, COMPUTED_LOCALLY, (Row("final", "final", turns),))
    root = parse(render_rosters([roster], "svg"))
    assert len({bar.get("fill") for bar in of_class(root, "bar")}) == 10
    bar = None
    labelled = 0
    for element in root.iter():
        if element.get("class") == "bar":
            bar = element
        elif element.get("class") == "bar-label":
            assert bar is not None
            dark, light = sorted([luminance(bar.get("fill")) + 0.05, luminance(element.get("fill")) + 0.05])
            assert light / dark >= 4.5, (bar.get("fill"), element.get("fill"))
            labelled += 1
    assert labelled == 10


def test_svg_drops_characters_xml_cannot_hold():
    start = b("2026-12-07 09:00")
    roster = Roster("bell\x07", BERLIN, start, start + DAY, COMPUTED_LOCALLY,
                    (Row("final", "final", (turn(start, start + DAY, "nul\x00l"),)),))
    root = parse(render_rosters([roster], "svg"))
    assert shown(of_class(root, "title")[0]).startswith("bell\ufffd · ")


def test_comparison_when_now_is_outside_the_window():
    later = comparison(b("2027-01-05 08:00"))
    assert render_comparisons([later], "text").splitlines()[-1] == (
        "now (Tue 01-05 08:00) is outside this window: who is on call now is not compared")
