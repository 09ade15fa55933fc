"""Where the provider's credentials, endpoint and default time zone come from.

Stack config first (``flashduty:appKey`` as a secret, ``flashduty:baseUrl``, ``flashduty:timeZone``),
which the Pulumi engine hands to a dynamic provider's ``configure()``; then the environment
(``FLASHDUTY_APP_KEY``, ``FLASHDUTY_BASE_URL``, ``FLASHDUTY_TIME_ZONE``). These settings live only in
the provider process: nothing here is ever pickled into ``__provider`` or written to state.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from flashcat_pulumi.client import DEFAULT_BASE_URL
from flashcat_pulumi.errors import ConfigurationError

__all__ = ["DEFAULT_TIME_ZONE", "Settings"]

DEFAULT_TIME_ZONE = "Asia/Shanghai"
"""The zone of the Flashduty docs' examples; set ``flashduty:timeZone`` to your account's zone."""

_KEYS = {  # setting: (stack config key, environment variable)
    "app_key": ("flashduty:appKey", "FLASHDUTY_APP_KEY"),
    "base_url": ("flashduty:baseUrl", "FLASHDUTY_BASE_URL"),
    "time_zone": ("flashduty:timeZone", "FLASHDUTY_TIME_ZONE"),
}


@dataclass(frozen=True)
class Settings:
    """Resolved provider settings. ``app_key`` is empty when none was given (checked on first API use)."""

    app_key: str = field(default="", repr=False)
    base_url: str = DEFAULT_BASE_URL
    time_zone: str = DEFAULT_TIME_ZONE

    @classmethod
    def resolve(cls, config: Callable[[str], str | None] | None = None,
                environ: Mapping[str, str] | None = None) -> Settings:
        """Stack config (``config(key)``, e.g. ``ConfigureRequest.config.get``) first, then the environment."""
        env = os.environ if environ is None else environ
        values = {}
        for name, (key, variable) in _KEYS.items():
            value = (config(key) if config is not None else None) or env.get(variable) or ""
            if value.strip():
                values[name] = value.strip()
        return cls(**values)

    def require_app_key(self) -> str:
        """The app key, or a one-line error naming both ways to set it."""
        if not self.app_key:
            raise ConfigurationError("no Flashduty app key: run `pulumi config set --secret flashduty:appKey <key>` "
                                     "or export FLASHDUTY_APP_KEY")
        return self.app_key
