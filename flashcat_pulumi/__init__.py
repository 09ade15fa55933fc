"""flashcat-pulumi: Flashduty (Flashcat) on-call schedules and teams as Pulumi resources.

The public face. The local Flashduty emulator lives in :mod:`flashcat_pulumi.emulator`.
"""

from flashcat_pulumi._version import __version__
from flashcat_pulumi.client import DEFAULT_BASE_URL, FlashdutyClient
from flashcat_pulumi.errors import (
    AlreadyExists,
    APIError,
    ConfigurationError,
    FlashdutyError,
    Forbidden,
    InvalidParameter,
    NotFound,
    RateLimited,
    Reference,
    ReferenceExist,
    ServerError,
    TransportError,
    Unauthorized,
)
from flashcat_pulumi.ratelimit import RateLimit

__all__ = [
    "DEFAULT_BASE_URL",
    "APIError",
    "AlreadyExists",
    "ConfigurationError",
    "FlashdutyClient",
    "FlashdutyError",
    "Forbidden",
    "InvalidParameter",
    "NotFound",
    "RateLimit",
    "RateLimited",
    "Reference",
    "ReferenceExist",
    "ServerError",
    "TransportError",
    "Unauthorized",
    "__version__",
]
