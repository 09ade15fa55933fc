"""Quickstart: the Flashduty account this stack works on.

Reads the endpoint and app key from FLASHDUTY_BASE_URL / FLASHDUTY_APP_KEY; point them at the
built-in emulator (``flashcat-pulumi emulator``) to try it without an account.
"""

import pulumi

from flashcat_pulumi import FlashdutyClient

with FlashdutyClient.from_env() as client:
    me = client.get_member_info()
    members = client.list_members()

pulumi.export("account", me.account_name)
pulumi.export("account_time_zone", me.account_time_zone)
pulumi.export("people", sorted(member.email for member in members))
