"""Primary and backup: a business-hours pair on weekdays, one engineer for the weekend.

The Payments team is on call in two layers of one schedule, both read in ``Asia/Shanghai``:

- **business hours**, Monday to Friday 09:00-18:00: each week a pair holds Flashduty's two on-call
  roles, a *primary* and a *backup* (``fd.Group(primary=[...], backup=[...])``), so that an
  escalation rule can page the primary first and the backup when nobody acknowledges. Every
  engineer is backup the week after being primary, so the backup knows what happened last week.
- **weekend**, Friday 18:00 to Monday 09:00: one engineer per weekend, handing over on Friday
  evening. A single weekly window that wraps past the end of the week (``"fri 18:00-mon 09:00"``)
  says it in one line.

Weekday nights are uncovered on purpose: an alert at night waits for the morning's primary, but one
on Friday evening would wait until Monday, so the weekend has a rotation of its own. Both layers use
weekly windows (``"mon 09:00-mon 18:00"``, ...) rather than ``day_mask="weekdays"``: weekly windows
move exactly into whatever zone the account is in, where a day mask moves only while the moved
windows stay within one of the account's days (README.md, "Day masks").

With the Pulumi CLI, in this directory: ``pulumi stack init dev``, ``pulumi config set --secret
flashduty:appKey <key>`` (and ``flashduty:baseUrl`` to use the emulator), ``pulumi up``; the steps
are in examples/README.md. Offline, ``.venv/bin/pytest tests/test_examples.py -k primary-backup``
deploys it through ``flashcat_pulumi.testing.Stack`` against the built-in emulator and checks who
holds which role when; ``flashcat-pulumi oncall examples/primary-backup`` shows who it puts on call.
It uses the emulator's default people (alice@ ... erin@example.com).
"""

import pulumi

import flashcat_pulumi as fd

ALICE, BOB, CAROL = "alice@example.com", "bob@example.com", "carol@example.com"
WEEKEND_CREW = ["dave@example.com", "erin@example.com"]

BUSINESS_HOURS = [f"{day} 09:00-{day} 18:00" for day in ("mon", "tue", "wed", "thu", "fri")]

payments = fd.Team(
    "payments",
    team_name="Payments",
    description="Payments platform: checkout, ledger, payouts",
    members=[ALICE, BOB, CAROL, *WEEKEND_CREW],
)

on_call = fd.Schedule(
    "payments-on-call",
    schedule_name="Payments on call",
    description="Weekdays 09-18: primary and backup, weekly; weekends: one engineer, Friday 18:00 to Monday 09:00",
    team_id=payments.team_id,
    time_zone="Asia/Shanghai",
    layers=[
        fd.Layer(
            layer_name="business hours",
            layer_start="2026-11-30T09:00",  # a Monday, at the first hand-off
            rotation_duration="1w",
            handoff_time="mon 09:00",
            restrict_periods=BUSINESS_HOURS,
            groups=[
                # Last week's primary backs up this week's.
                fd.Group(name="Alice, Carol backup", primary=[ALICE], backup=[CAROL]),
                fd.Group(name="Bob, Alice backup", primary=[BOB], backup=[ALICE]),
                fd.Group(name="Carol, Bob backup", primary=[CAROL], backup=[BOB]),
            ],
        ),
        fd.Layer(
            layer_name="weekend",
            layer_start="2026-12-04T18:00",  # a Friday, at the first hand-off
            rotation_duration="1w",
            handoff_time="fri 18:00",
            restrict_periods=["fri 18:00-mon 09:00"],
            groups=WEEKEND_CREW,
        ),
    ],
    notify=fd.Notify(advance_in_time="30m", personal_channels=["email", "sms"]),
)

pulumi.export("team_id", payments.team_id)
pulumi.export("schedule_id", on_call.schedule_id)
pulumi.export("on_call_now", on_call.current_oncall)
pulumi.export("on_call_next", on_call.next_oncall)
pulumi.export("upcoming_shifts", on_call.upcoming_shifts)
