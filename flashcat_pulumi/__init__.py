"""flashcat-pulumi: Flashduty (Flashcat) on-call schedules and teams as Pulumi resources.

The public face: the resources and their input helpers, the lookups programs read existing objects
with, the client and the errors. The local
Flashduty emulator lives in :mod:`flashcat_pulumi.emulator`.
"""

from flashcat_pulumi._version import __version__
from flashcat_pulumi.client import DEFAULT_BASE_URL, FlashdutyClient
from flashcat_pulumi.errors import (
    AlreadyExists,
    APIError,
    ConfigurationError,
    CreateNotConfirmed,
    ExportError,
    FlashdutyError,
    Forbidden,
    InvalidParameter,
    NoMatch,
    NotFound,
    PersonMismatch,
    RateLimited,
    Reference,
    ReferenceExist,
    ServerError,
    TransportError,
    Unauthorized,
    UnknownPeople,
)
from flashcat_pulumi.lookups import (
    MemberInfo,
    ScheduleInfo,
    TeamInfo,
    get_member,
    get_schedule,
    get_team,
    who_is_on_call,
)
from flashcat_pulumi.ratelimit import RateLimit
from flashcat_pulumi.resources import Group, Layer, Notify, OnCall, Override, RoleSlot, Schedule, Team, Webhook

__all__ = [
    "DEFAULT_BASE_URL",
    "APIError",
    "AlreadyExists",
    "ConfigurationError",
    "CreateNotConfirmed",
    "ExportError",
    "FlashdutyClient",
    "FlashdutyError",
    "Forbidden",
    "Group",
    "InvalidParameter",
    "Layer",
    "MemberInfo",
    "NoMatch",
    "NotFound",
    "Notify",
    "OnCall",
    "Override",
    "PersonMismatch",
    "RateLimit",
    "RateLimited",
    "Reference",
    "ReferenceExist",
    "RoleSlot",
    "Schedule",
    "ScheduleInfo",
    "ServerError",
    "Team",
    "TeamInfo",
    "TransportError",
    "Unauthorized",
    "UnknownPeople",
    "Webhook",
    "__version__",
    "get_member",
    "get_schedule",
    "get_team",
    "who_is_on_call",
]
