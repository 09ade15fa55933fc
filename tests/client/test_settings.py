"""The retry budget as the provider reads it (``flashduty:retryBudget`` / ``FLASHDUTY_RETRY_BUDGET``)
and hands it to the process-wide client."""

from __future__ import annotations

import pytest

from flashcat_pulumi import ConfigurationError
from flashcat_pulumi.config import Settings
from flashcat_pulumi.ratelimit import RateLimit
from flashcat_pulumi.resources._base import FlashdutyProvider

KEY = "settings-test-key-0123456789abcdef"


def resolve(config: dict[str, str] | None = None, environ: dict[str, str] | None = None) -> Settings:
    return Settings.resolve((config or {}).get, environ or {})


def test_default_budget_is_five_minutes():
    assert resolve().retry_budget == 300


@pytest.mark.parametrize(("text", "seconds"), [
    ("300", 300), ("45.5", 45.5), ("90s", 90), ("5m", 300), ("1h", 3600), ("1h30m", 5400), ("1m30s", 90),
    ("2M", 120), (" 10m ", 600), ("0", 0),
])
def test_budget_as_seconds_or_a_duration(text, seconds):
    assert resolve({"flashduty:retryBudget": text}).retry_budget == seconds
    assert resolve(environ={"FLASHDUTY_RETRY_BUDGET": text}).retry_budget == seconds


def test_stack_config_wins_over_the_environment():
    settings = resolve({"flashduty:retryBudget": "2m"}, {"FLASHDUTY_RETRY_BUDGET": "10m"})
    assert settings.retry_budget == 120
    assert resolve({"flashduty:retryBudget": ""}, {"FLASHDUTY_RETRY_BUDGET": "10m"}).retry_budget == 600


@pytest.mark.parametrize("text", ["five minutes", "5 m", "-5", "1h30", "5ms", "inf", "nan", "m", "1e3"])
def test_a_bad_budget_names_where_it_came_from_and_what_is_allowed(text):
    with pytest.raises(ConfigurationError) as info:
        resolve({"flashduty:retryBudget": text})
    assert str(info.value) == (f"flashduty:retryBudget: {text!r} is not a duration; give seconds (300) or a duration "
                               f"such as 90s, 5m, 1h or 1h30m")
    with pytest.raises(ConfigurationError, match=r"^FLASHDUTY_RETRY_BUDGET: "):
        resolve(environ={"FLASHDUTY_RETRY_BUDGET": text})


def test_the_provider_client_gets_the_budget_and_one_client_per_budget():
    def provider(budget: float) -> FlashdutyProvider:
        p = FlashdutyProvider()
        p._settings = Settings(app_key=KEY, base_url="https://budget.test", retry_budget=budget)
        return p

    five, other_five, ten = provider(300), provider(300), provider(600)
    assert five.client.retry_budget == 300 and ten.client.retry_budget == 600
    assert five.client is other_five.client
    assert five.client is not ten.client


# --- rate limits ---------------------------------------------------------------------------------

def test_rate_limits_default_to_flashdutys_and_can_be_set():
    assert (str(resolve().rate_limit), str(resolve().preview_rate_limit)) == ("50/s,1000/min", "10/s,60/min")
    settings = resolve({"flashduty:rateLimit": "20/s,400/min"}, {"FLASHDUTY_PREVIEW_RATE_LIMIT": "5/s"})
    assert (str(settings.rate_limit), str(settings.preview_rate_limit)) == ("20/s,400/min", "5/s")


def test_a_bad_rate_limit_names_where_it_came_from():
    with pytest.raises(ConfigurationError, match=r"^flashduty:rateLimit: invalid rate limit 'fast': expected "):
        resolve({"flashduty:rateLimit": "fast"})


def test_the_provider_client_gets_the_rate_limit():
    p = FlashdutyProvider()
    p._settings = Settings(app_key=KEY, base_url="https://limit.test", rate_limit=RateLimit.parse("7/s"))
    assert str(p.client._limiter.limit) == "7/s" and p.client._limiter.adaptive
