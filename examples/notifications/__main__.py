"""Notifications: reminders before each hand-off, on personal channels and in three group chats.

A daily rotation of the Data team, with ``fd.Notify``:

- ``advance_in_time="30m"``: a reminder half an hour before each hand-off;
- ``fixed_time="09:00"``: and a daily reminder every morning;
- ``personal_channels``: by email and SMS (a team that trusts everyone's own settings would write
  ``follow_preference=True`` instead);
- ``webhooks``: the hand-offs are also posted by the team's Feishu, DingTalk and Slack robots.

A robot's token lets anyone post to the chat, so it lives in stack config as a secret and is read
with ``require_secret``: Pulumi encrypts it in the state, the schedule's ``notify`` input and output
are secret, and ``pulumi preview --diff`` shows ``[secret]`` instead of the token. DingTalk robots
protected by signing also need their signing secret; without one, the robot is used unsigned.

With the Pulumi CLI, in this directory (examples/README.md has the steps; add ``flashduty:baseUrl``
to use the emulator)::

    pulumi stack init dev
    pulumi config set --secret flashduty:appKey <key>
    pulumi config set --secret feishuToken <Feishu robot token>
    pulumi config set --secret dingtalkToken <DingTalk robot access token>
    pulumi config set --secret dingtalkSignSecret <DingTalk signing secret, SEC...>   # optional
    pulumi config set --secret slackToken <Slack robot token>
    pulumi up

Offline, ``.venv/bin/pytest tests/test_examples.py -k notifications`` deploys it through
``flashcat_pulumi.testing.Stack`` against the built-in emulator, with the tokens as secret config,
and checks that they reach Flashduty and stay secret. It uses the emulator's default people (alice@,
bob@, carol@example.com).
"""

import pulumi

import flashcat_pulumi as fd

config = pulumi.Config()

data = fd.Team(
    "data",
    team_name="Data",
    description="Data platform: pipelines and the warehouse",
    members=["alice@example.com", "bob@example.com", "carol@example.com"],
)

schedule = fd.Schedule(
    "data-on-call",
    schedule_name="Data on call",
    description="Daily rotation, hand-off 10:00; reminders by email, SMS and the team's chats",
    team_id=data.team_id,
    time_zone="Asia/Shanghai",
    layers=[
        fd.Layer(
            layer_name="daily",
            layer_start="2026-11-30T10:00",  # a daily rotation hands off at the layer start's time of day
            rotation_duration="1d",
            groups=["alice@example.com", "bob@example.com", "carol@example.com"],
        ),
    ],
    notify=fd.Notify(
        advance_in_time="30m",
        fixed_time="09:00",
        personal_channels=["email", "sms"],
        webhooks=[
            fd.Webhook(type="feishu", alias="data-oncall (Feishu)", token=config.require_secret("feishuToken")),
            fd.Webhook(type="dingtalk", alias="data-oncall (DingTalk)", token=config.require_secret("dingtalkToken"),
                       sign_secret=config.get_secret("dingtalkSignSecret")),
            fd.Webhook(type="slack", alias="#data-oncall", token=config.require_secret("slackToken")),
        ],
    ),
)

pulumi.export("team_id", data.team_id)
pulumi.export("schedule_id", schedule.schedule_id)
pulumi.export("on_call_now", schedule.current_oncall)
pulumi.export("on_call_next", schedule.next_oncall)
