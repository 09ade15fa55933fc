"""The Pulumi resources, one module each: :mod:`.team` and :mod:`.schedule` hold a resource's input
model, wire mapping, provider and ``pulumi.dynamic.Resource``; ``_base`` what their providers
share, ``_args`` the pydantic plumbing of their input models, ``_forms`` the friendly input forms."""

from flashcat_pulumi.resources.schedule import Group, Layer, Notify, OnCall, Override, RoleSlot, Schedule, Webhook
from flashcat_pulumi.resources.team import Team

__all__ = ["Group", "Layer", "Notify", "OnCall", "Override", "RoleSlot", "Schedule", "Team", "Webhook"]
