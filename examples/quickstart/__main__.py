"""Quickstart: an SRE team and its primary on-call schedule.

Runs against a real Flashduty account or the built-in emulator, whose default people
(alice@, bob@, carol@example.com) it uses. See README.md, "Quickstart".
"""

import pulumi

import flashcat_pulumi as fd

sre = fd.Team(
    "sre",
    team_name="SRE",
    description="Site reliability",
    members=["alice@example.com", "bob@example.com", "carol@example.com"],
)

primary = fd.Schedule(
    "sre-primary",
    schedule_name="SRE primary",
    description="Weekly rotation, hand-off Monday 09:00; Carol covers Christmas",
    team_id=sre.team_id,
    time_zone="Asia/Shanghai",
    layers=[
        fd.Layer(
            layer_name="weekly",
            layer_start="2026-11-30T09:00",
            rotation_duration="1w",
            handoff_time="mon 09:00",
            groups=[["alice@example.com"], ["bob@example.com"]],
        ),
    ],
    overrides=[
        fd.Override(name="Christmas", start="2026-12-24T00:00", end="2026-12-26T00:00", person="carol@example.com"),
    ],
    notify=fd.Notify(advance_in_time="10m", personal_channels=["email"]),
)

pulumi.export("team_id", sre.team_id)
pulumi.export("schedule_id", primary.schedule_id)
pulumi.export("on_call_now", primary.current_oncall)
pulumi.export("on_call_next", primary.next_oncall)
