"""One exception hierarchy for everything flashcat-pulumi raises::

    FlashdutyError              everything flashcat-pulumi raises; what a Pulumi user reads
    ├── ConfigurationError      no app key
    ├── TransportError          no HTTP response at all, after the retries
    ├── AlreadyExists           a create refused before sending: the unique name is taken
    ├── UnknownPeople           emails or person ids that match nobody in the account
    └── APIError                the API answered with an error (code, message, status, request_id)
        ├── NotFound            ResourceNotFound (HTTP 400), or data: null from an info call
        ├── InvalidParameter    a field is missing or invalid; the message names it
        ├── Unauthorized        HTTP 401: a wrong or expired app key
        ├── Forbidden           HTTP 403: the key's owner lacks the permission
        ├── RateLimited         HTTP 429, after the retries
        ├── ReferenceExist      a delete refused while other objects use the target
        └── ServerError         HTTP 5xx, after the retries

Every message is a single readable line that says what failed, why and what to do (it is what the
engine shows as the resource's error) and, for API errors, ends with the request_id so support can
trace the call. No message ever contains the app key: texts from the network pass through :func:`redact`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "APIError",
    "AlreadyExists",
    "ConfigurationError",
    "FlashdutyError",
    "Forbidden",
    "InvalidParameter",
    "NotFound",
    "RateLimited",
    "Reference",
    "ReferenceExist",
    "ServerError",
    "TransportError",
    "Unauthorized",
    "UnknownPeople",
    "redact",
]

_APP_KEY_PARAM = re.compile(r"(app_key=)[^&\s'\"]*", re.IGNORECASE)


def redact(text: str, *secrets: str | None) -> str:
    """Hide ``app_key=...`` query values and any of ``secrets`` found verbatim in ``text``."""
    text = _APP_KEY_PARAM.sub(r"\1***", text)
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def _one_line(text: str) -> str:
    return " ".join(text.split())


class FlashdutyError(Exception):
    """Base class of every error raised by flashcat-pulumi."""


class ConfigurationError(FlashdutyError):
    """Credentials or endpoint are missing or malformed."""


class TransportError(FlashdutyError):
    """No HTTP response could be obtained (connection refused, timeout, reset), even after retries."""

    def __init__(self, path: str, reason: str, *, attempts: int) -> None:
        self.path = path
        self.reason = _one_line(reason)
        self.attempts = attempts
        tries = "1 attempt" if attempts == 1 else f"{attempts} attempts"
        super().__init__(f"Flashduty {path} failed after {tries}: {self.reason}; check the network and the base "
                         f"URL (flashduty:baseUrl or FLASHDUTY_BASE_URL), then try again")


class AlreadyExists(FlashdutyError):
    """A create was refused before sending because an object with the same unique name exists."""

    def __init__(self, kind: str, name: str, existing_id: int) -> None:
        self.kind = kind
        self.name = name
        self.existing_id = existing_id
        super().__init__(f"a {kind} named {name!r} already exists ({kind}_id {existing_id}); "
                         f"names are unique per Flashduty account")


@dataclass(frozen=True)
class Reference:
    """An object that still points at something a delete was asked to remove."""

    kind: str
    name: str
    href: str = ""

    def __str__(self) -> str:
        return f"{self.kind} {self.name!r}"


class APIError(FlashdutyError):
    """The API answered with an error envelope (or a non-2xx status).

    ``code`` is Flashduty's error code (``InvalidParameter``, ``ResourceNotFound``...), ``message``
    its text, ``status_code`` the HTTP status and ``request_id`` the id to quote to Flashduty support.
    """

    hint: str = ""

    def __init__(self, *, path: str, code: str, message: str, status_code: int,
                 request_id: str | None) -> None:
        self.path = path
        self.code = code
        self.message = _one_line(message)
        self.status_code = status_code
        self.request_id = request_id
        super().__init__(self._render())

    def _detail(self) -> str:
        return self.message or "(no message)"

    def _render(self) -> str:
        hint = f"; {self.hint}" if self.hint else ""
        rid = self.request_id or "none"
        return (f"Flashduty {self.path} failed: {self.code} (HTTP {self.status_code}): "
                f"{self._detail()}{hint} (request_id: {rid})")


class NotFound(APIError):
    """``ResourceNotFound`` (Flashduty sends HTTP 400, not 404), or ``data: null`` from an info call."""


class InvalidParameter(APIError):
    """A request field is missing or fails validation; the message names the field."""


class Unauthorized(APIError):
    """HTTP 401: the app key is missing, wrong or expired."""

    hint = "check the app key (stack config flashduty:appKey or env FLASHDUTY_APP_KEY)"


class Forbidden(APIError):
    """HTTP 403: the app key is valid but its owner lacks the permission for this operation."""

    hint = "the app key's owner lacks the permission; use a key of a member with Manage rights"


class RateLimited(APIError):
    """HTTP 429 ``RequestTooFrequently``, still refused after the configured retries."""

    def __init__(self, *, path: str, code: str, message: str, status_code: int,
                 request_id: str | None, retry_after: float | None = None) -> None:
        self.retry_after = retry_after
        self.hint = (f"rate limit hit, retry after {retry_after:g}s" if retry_after is not None
                     else "rate limit hit, retry later")
        super().__init__(path=path, code=code, message=message, status_code=status_code,
                         request_id=request_id)


class ReferenceExist(APIError):
    """A delete was refused because other objects still reference the target."""

    def __init__(self, *, path: str, code: str, message: str, status_code: int,
                 request_id: str | None, refs: Sequence[Reference] = ()) -> None:
        self.refs = tuple(refs)
        super().__init__(path=path, code=code, message=message, status_code=status_code,
                         request_id=request_id)

    def _detail(self) -> str:
        if not self.refs:
            return super()._detail()
        return f"{super()._detail().rstrip('.')}; still referenced by {', '.join(map(str, self.refs))}"


class ServerError(APIError):
    """HTTP 5xx, still failing after the configured retries."""

    hint = "Flashduty failed on every retry; try again later, and quote the request_id to Flashduty support if it " \
           "persists"


class UnknownPeople(FlashdutyError):
    """Emails or person ids in a program that match nobody in the Flashduty account."""

    def __init__(self, refs: Sequence[int | str]) -> None:
        self.refs = tuple(refs)
        emails = [str(r) for r in self.refs if isinstance(r, str)]
        ids = [str(r) for r in self.refs if not isinstance(r, str)]
        parts = []
        if emails:
            parts.append(f"no Flashduty member has the email {', '.join(emails)}")
        if ids:
            parts.append(f"no Flashduty person has the id {', '.join(ids)}")
        super().__init__(f"unknown people: {'; '.join(parts)} (invite them in Flashduty first, or fix the typo)")
