"""Holidays: a weekly rotation, and the volunteers who cover the holidays on top of it.

Alice, Bob and Carol rotate weekly (hand-off Monday 09:00, Beijing time). Over the holidays the
rotation stays as it is and ``fd.Override``s put the volunteers on call instead; an override wins
over every layer, so nobody has to reshuffle the rotation around a holiday:

- **New Year**: Dave, from New Year's Eve 18:00 until work resumes on Monday 4 January 2027;
- **Spring Festival**: Erin for the first half of the week off (5 to 9 February 2027), then Frank
  and Dave together (``persons=[...]``: both are paged) until Saturday 13 February.

Each override is stored in Flashduty as a layer named ``pulumi: <name>``; overrides added by hand in
the Flashduty web console (a sick day, a swap) are kept by ``pulumi up`` and listed in the
``external_overrides`` output. When next year's dates are announced, edit the list and run
``pulumi preview``: it shows exactly which overrides move.

With the Pulumi CLI, in this directory: ``pulumi stack init dev``, ``pulumi config set --secret
flashduty:appKey <key>`` (and ``flashduty:baseUrl`` to use the emulator), ``pulumi up``; the steps
are in examples/README.md. Offline, ``.venv/bin/pytest tests/test_examples.py -k holidays`` deploys
it through ``flashcat_pulumi.testing.Stack`` against the built-in emulator and checks who covers
each holiday; ``flashcat-pulumi oncall examples/holidays --from 2026-12-28`` shows who it puts on
call. It uses the emulator's default people (alice@ ... frank@example.com).
"""

import pulumi

import flashcat_pulumi as fd

ROTATION = ["alice@example.com", "bob@example.com", "carol@example.com"]
VOLUNTEERS = ["dave@example.com", "erin@example.com", "frank@example.com"]

platform = fd.Team(
    "platform",
    team_name="Platform",
    description="Platform engineering; Dave, Erin and Frank cover the holidays",
    members=[*ROTATION, *VOLUNTEERS],
)

schedule = fd.Schedule(
    "platform-on-call",
    schedule_name="Platform on call",
    description="Weekly rotation, hand-off Monday 09:00; holiday cover as overrides",
    team_id=platform.team_id,
    time_zone="Asia/Shanghai",  # the holidays below are Chinese public holidays
    layers=[
        fd.Layer(
            layer_name="weekly",
            layer_start="2026-11-30T09:00",  # a Monday, at the first hand-off
            rotation_duration="1w",
            handoff_time="mon 09:00",
            groups=ROTATION,
        ),
    ],
    overrides=[
        fd.Override(name="New Year", start="2026-12-31T18:00", end="2027-01-04T09:00",
                    person="dave@example.com"),
        fd.Override(name="Spring Festival, first half", start="2027-02-05T18:00", end="2027-02-09T18:00",
                    person="erin@example.com"),
        fd.Override(name="Spring Festival, second half", start="2027-02-09T18:00", end="2027-02-13T09:00",
                    persons=["frank@example.com", "dave@example.com"]),
    ],
    # Ten upcoming shifts instead of five: enough to see the next holiday cover coming.
    upcoming_shift_count=10,
)

pulumi.export("team_id", platform.team_id)
pulumi.export("schedule_id", schedule.schedule_id)
pulumi.export("overrides", schedule.overrides)
pulumi.export("on_call_now", schedule.current_oncall)
pulumi.export("upcoming_shifts", schedule.upcoming_shifts)
