"""Where flashcat-pulumi 0.1.0 kept its providers, kept importable for the stacks it created.

Pulumi stores each resource's provider in state as a pickled *reference* to its class, and runs
refresh and destroy with the provider found there. Stacks created by 0.1.0 refer to
``flashcat_pulumi.providers.team.TeamProvider`` and ``flashcat_pulumi.providers.schedule.ScheduleProvider``;
those names lead to today's providers (tests/resources/test_state_compat.py loads such a state).
"""

import sys

from flashcat_pulumi.resources import schedule, team

sys.modules[f"{__name__}.schedule"] = schedule
sys.modules[f"{__name__}.team"] = team
