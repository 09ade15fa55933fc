"""Follow the sun: three regional teams, one schedule that is never without an engineer awake.

APAC, EMEA and the Americas each get a team and a layer of one shared schedule. Every layer is
restricted to its region's eight-hour working window, and the three windows tile the day:

=========  ============  =====================================================
layer      UTC           local time
=========  ============  =====================================================
APAC       00:00-08:00   09:00-17:00 Tokyo, 08:00-16:00 Singapore and Shanghai
EMEA       08:00-16:00   08:00-16:00 London in winter, 09:00-17:00 in summer
Americas   16:00-24:00   11:00-19:00 New York in winter, 12:00-20:00 in summer
=========  ============  =====================================================

Inside each region two engineers take turns weekly, handing over on Monday at 00:00 UTC.

Why ``time_zone="UTC"``: one schedule has one zone, and a follow-the-sun hand-over has to happen at
the same instant for both regions involved, all year round. Written in UTC, the windows never
overlap or leave a gap; only the local hours of EMEA and the Americas move by an hour with their
daylight saving. Flashduty reads windows and hand-offs in the *account's* zone, so the provider
moves them there: UTC is a fixed 8 hours from an ``Asia/Shanghai`` account (the emulator's default;
``zone_offset`` comes out as ``"+8h"``), which needs no ``dst``. On an account whose zone observes
daylight saving (``Europe/London``, ``America/New_York``) that offset changes twice a year, and
``pulumi preview`` refuses the schedule until you add ``dst="follow"`` to it (then run ``pulumi up``
after each switch) or write it in the account's zone. No ``day_mask`` is used: the sun never sets on
this rotation, weekends included.

With the Pulumi CLI, in this directory: ``pulumi stack init dev``, ``pulumi config set --secret
flashduty:appKey <key>`` (and ``flashduty:baseUrl`` to use the emulator), ``pulumi up``; the steps
are in examples/README.md. Offline, ``.venv/bin/pytest tests/test_examples.py -k follow-the-sun``
deploys it through ``flashcat_pulumi.testing.Stack`` against the built-in emulator and checks who is
on call when; ``flashcat-pulumi oncall examples/follow-the-sun`` shows who it puts on call. It uses
the emulator's default people (alice@ ... frank@example.com).
"""

import pulumi

import flashcat_pulumi as fd

# Each region's engineers, in rotation order: the first one is on call in the week of 2026-11-16.
REGIONS = {
    "APAC": {"window": "00:00-08:00", "people": ["alice@example.com", "bob@example.com"]},
    "EMEA": {"window": "08:00-16:00", "people": ["carol@example.com", "dave@example.com"]},
    "Americas": {"window": "16:00-24:00", "people": ["erin@example.com", "frank@example.com"]},
}

teams = {
    region: fd.Team(
        f"team-{region.lower()}",
        team_name=f"SRE {region}",
        description=f"Site reliability, {region}: on call {spec['window']} UTC",
        members=spec["people"],
    )
    for region, spec in REGIONS.items()
}

follow_the_sun = fd.Schedule(
    "follow-the-sun",
    schedule_name="SRE follow the sun",
    description="APAC 00-08, EMEA 08-16, Americas 16-24 UTC; weekly rotation within each region",
    time_zone="UTC",
    # No team_id: a Flashduty schedule belongs to at most one team, and this one is all three's.
    layers=[
        fd.Layer(
            layer_name=region,
            layer_start="2026-11-16T00:00",  # a Monday, so every region starts with a full week
            rotation_duration="1w",
            handoff_time="mon 00:00",
            restrict_periods=[spec["window"]],
            groups=spec["people"],  # one engineer per turn
        )
        for region, spec in REGIONS.items()
    ],
    notify=fd.Notify(advance_in_time="15m", personal_channels=["email"]),
)

pulumi.export("team_ids", {region: team.team_id for region, team in teams.items()})
pulumi.export("schedule_id", follow_the_sun.schedule_id)
pulumi.export("zone_offset", follow_the_sun.zone_offset)
pulumi.export("on_call_now", follow_the_sun.current_oncall)
pulumi.export("on_call_next", follow_the_sun.next_oncall)
