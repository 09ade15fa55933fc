"""Where the provider's credentials, endpoint, default time zone, retry budget and rate limits come from.

There is no built-in default zone: a schedule without ``time_zone`` and a stack without
``flashduty:timeZone`` reads wall-clock inputs in the account's own zone (``/member/info``).

Stack config first (``flashduty:appKey`` as a secret, ``flashduty:baseUrl``, ``flashduty:timeZone``,
``flashduty:retryBudget``, ``flashduty:rateLimit``, ``flashduty:previewRateLimit``), which the
Pulumi engine hands to a dynamic provider's ``configure()``; then the environment
(``FLASHDUTY_APP_KEY``, ``FLASHDUTY_BASE_URL``, ``FLASHDUTY_TIME_ZONE``, ``FLASHDUTY_RETRY_BUDGET``,
``FLASHDUTY_RATE_LIMIT``, ``FLASHDUTY_PREVIEW_RATE_LIMIT``). These settings live only in the
provider process: nothing here is ever pickled into ``__provider`` or written to state.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flashcat_pulumi.client import DEFAULT_BASE_URL, DEFAULT_RETRY_BUDGET
from flashcat_pulumi.errors import ConfigurationError
from flashcat_pulumi.ratelimit import DEFAULT_LIMIT, PREVIEW_LIMIT, RateLimit

__all__ = ["Settings"]

_KEYS = {  # setting: (stack config key, environment variable)
    "app_key": ("flashduty:appKey", "FLASHDUTY_APP_KEY"),
    "base_url": ("flashduty:baseUrl", "FLASHDUTY_BASE_URL"),
    "time_zone": ("flashduty:timeZone", "FLASHDUTY_TIME_ZONE"),
    "retry_budget": ("flashduty:retryBudget", "FLASHDUTY_RETRY_BUDGET"),
    "rate_limit": ("flashduty:rateLimit", "FLASHDUTY_RATE_LIMIT"),
    "preview_rate_limit": ("flashduty:previewRateLimit", "FLASHDUTY_PREVIEW_RATE_LIMIT"),
}

_NUMBER = r"\d+(?:\.\d+)?"
# Every part names its unit: "1h30" is refused rather than guessed (30 seconds or 30 minutes?).
_DURATION = re.compile(rf"(?:({_NUMBER})h)?(?:({_NUMBER})m)?(?:({_NUMBER})s)?", re.IGNORECASE)


def _parse_duration(text: str, source: str) -> float:
    """Seconds from ``"300"`` (plain seconds), ``"90s"``, ``"5m"``, ``"1h"`` or ``"1h30m"``; ``source``
    (the config key or variable) names where a value that is none of these came from."""
    text = text.strip()
    if re.fullmatch(_NUMBER, text):
        return float(text)
    match = _DURATION.fullmatch(text)
    if not text or match is None:
        raise ConfigurationError(f"{source}: {text!r} is not a duration; give seconds (300) or a duration such "
                                 f"as 90s, 5m, 1h or 1h30m")
    hours, minutes, seconds = (float(part or 0) for part in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def _parse_limit(text: str, source: str) -> RateLimit:
    try:
        return RateLimit.parse(text)
    except ValueError as error:
        raise ConfigurationError(f"{source}: {error}") from None


def _stripped(text: str, _source: str) -> str:
    return text.strip()


_PARSERS: dict[str, Callable[[str, str], Any]] = {
    "retry_budget": _parse_duration, "rate_limit": _parse_limit, "preview_rate_limit": _parse_limit}


@dataclass(frozen=True)
class Settings:
    """Resolved provider settings. ``app_key`` is empty when none was given (checked on first API use).

    ``retry_budget`` is how many seconds the client keeps retrying a failing call (429, 5xx, network).
    """

    app_key: str = field(default="", repr=False)
    base_url: str = DEFAULT_BASE_URL
    time_zone: str = ""
    """How schedules without a ``time_zone`` read wall-clock inputs; empty: in the account's own zone."""
    retry_budget: float = DEFAULT_RETRY_BUDGET
    rate_limit: RateLimit = DEFAULT_LIMIT
    """The account's limit for every operation but preview (Flashduty's is 50/s and 1,000/min)."""
    preview_rate_limit: RateLimit = PREVIEW_LIMIT
    """The account's limit for ``/schedule/preview`` (10/s and 60/min)."""

    @classmethod
    def resolve(cls, config: Callable[[str], str | None] | None = None,
                environ: Mapping[str, str] | None = None) -> Settings:
        """Stack config (``config(key)``, e.g. ``ConfigureRequest.config.get``) first, then the environment."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for name, (key, variable) in _KEYS.items():
            from_config = config(key) if config is not None else None
            value, source = (from_config, key) if from_config else (env.get(variable) or "", variable)
            if value.strip():
                values[name] = _PARSERS.get(name, _stripped)(value, source)
        return cls(**values)

    def require_app_key(self) -> str:
        """The app key, or a one-line error naming both ways to set it."""
        if not self.app_key:
            raise ConfigurationError("no Flashduty app key: run `pulumi config set --secret flashduty:appKey <key>` "
                                     "or export FLASHDUTY_APP_KEY")
        return self.app_key
