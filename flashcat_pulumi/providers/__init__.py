"""The dynamic resource providers (one module per resource) on a small shared base."""

from flashcat_pulumi.providers.schedule import ScheduleProvider
from flashcat_pulumi.providers.team import TeamProvider

__all__ = ["ScheduleProvider", "TeamProvider"]
