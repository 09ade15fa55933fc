"""Pydantic models: the wire shapes of the Flashduty API."""

from flashcat_pulumi.models.wire import *  # noqa: F403
from flashcat_pulumi.models.wire import __all__  # noqa: F401
