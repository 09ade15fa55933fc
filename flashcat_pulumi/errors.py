"""One exception hierarchy for everything flashcat-pulumi raises::

    FlashdutyError              everything flashcat-pulumi raises; what a Pulumi user reads
    ├── ConfigurationError      no app key
    ├── TransportError          no HTTP response at all, after the retries
    ├── AlreadyExists           a create refused before sending: the unique name is taken
    ├── CreateNotConfirmed      a create answered success without an id (0): a failure; what it made is deleted
    ├── UnknownPeople           emails or person ids that match nobody in the account
    ├── PersonMismatch          an email's member id is not that person's person id
    ├── NoMatch                 a lookup (get_team, get_member, get_schedule, who_is_on_call) found nothing
    ├── ExportError             flashcat-pulumi export: what was asked for matches nothing, or there is nothing
    └── APIError                the API answered with an error (code, message, status, request_id)
        ├── NotFound            ResourceNotFound (HTTP 400), or data: null from an info call
        ├── InvalidParameter    a field is missing or invalid; the message names it
        ├── Unauthorized        HTTP 401: a wrong or expired app key
        ├── Forbidden           HTTP 403: the key's owner lacks the permission
        ├── RateLimited         HTTP 429, after the retries
        ├── ReferenceExist      a delete refused while other objects use the target
        └── ServerError         HTTP 5xx, after the retries

The errors raised after retries (``TransportError``, ``RateLimited``, ``ServerError``) carry
:class:`Retries`: how many attempts over how long, and which limit ended them.

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
    "CreateNotConfirmed",
    "ExportError",
    "FlashdutyError",
    "Forbidden",
    "InvalidParameter",
    "NoMatch",
    "NotFound",
    "PersonMismatch",
    "RateLimited",
    "Reference",
    "ReferenceExist",
    "Retries",
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


def _duration(seconds: float) -> str:
    """A span as messages show it: ``0.4s``, ``42s``, ``5m``, ``5m02s``, ``1h30m``."""
    if round(seconds, 1) < 60:
        return f"{seconds:.1f}".removesuffix(".0") + "s"
    hours, rest = divmod(round(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    if not hours:
        return f"{minutes}m{secs:02d}s" if secs else f"{minutes}m"
    if secs:
        return f"{hours}h{minutes:02d}m{secs:02d}s"
    return f"{hours}h{minutes:02d}m" if minutes else f"{hours}h"


@dataclass(frozen=True)
class Retries:
    """How a retried call ended: ``attempts`` made over ``elapsed`` seconds, and the limit that stopped them.

    The retry budget (``budget`` seconds) stops them unless ``max_retries`` is set, which means that
    count cap stopped them; ``retry_after`` is a ``Retry-After`` that would have outlasted the budget.
    """

    attempts: int
    elapsed: float
    budget: float
    max_retries: int | None = None
    retry_after: float | None = None

    def __str__(self) -> str:
        tries = "1 attempt" if self.attempts == 1 else f"{self.attempts} attempts"
        over = f" over {_duration(self.elapsed)}" if self.attempts > 1 else ""
        if self.max_retries is not None:
            return f"gave up after {tries}{over} (max_retries {self.max_retries})"
        asked = "" if self.retry_after is None else f", and the server asked to wait {_duration(self.retry_after)} more"
        return (f"gave up after {tries}{over} (retry budget {_duration(self.budget)}{asked}); set "
                f"flashduty:retryBudget or FLASHDUTY_RETRY_BUDGET to wait longer")


class FlashdutyError(Exception):
    """Base class of every error raised by flashcat-pulumi."""


class ConfigurationError(FlashdutyError):
    """Credentials or endpoint are missing or malformed."""


class ExportError(FlashdutyError):
    """What ``flashcat-pulumi export`` was asked for cannot be exported (not found, nothing there)."""


class NoMatch(FlashdutyError):
    """A lookup found nothing: ``lookup`` (how it was called, e.g. ``get_team(name='SRE')``) and why."""

    def __init__(self, lookup: str, reason: str) -> None:
        self.lookup = lookup
        super().__init__(f"{lookup}: {reason}")


class TransportError(FlashdutyError):
    """No HTTP response could be obtained (connection refused, timeout, reset), even after retries."""

    def __init__(self, path: str, reason: str, *, retries: Retries) -> None:
        self.path = path
        self.reason = _one_line(reason)
        self.retries = retries
        self.attempts = retries.attempts
        super().__init__(f"Flashduty {path} failed: {self.reason}; {retries}; check the network and the base URL "
                         f"(flashduty:baseUrl or FLASHDUTY_BASE_URL), then try again")


class CreateNotConfirmed(FlashdutyError):
    """A create answered success without the new object's id (0 or none): that is a failure.

    The client looks the object up by its unique name and deletes what the server made anyway
    (``deleted_id``), so the failed create leaves nothing behind. ``cleanup_failure`` says why that
    look-up or delete failed; ``checked`` is false when nothing could be looked up (no name, or a
    ``reset_if_name_exist`` upsert that may have changed an existing team, which must not be deleted).
    """

    def __init__(self, *, kind: str, name: str, path: str, answered: str, request_id: str | None,
                 checked: bool = True, deleted_id: int | None = None, cleanup_failure: str | None = None) -> None:
        self.kind = kind
        self.name = name
        self.path = path
        self.request_id = request_id
        self.deleted_id = deleted_id
        self.cleanup_failure = cleanup_failure
        head = f"Flashduty answered {answered} for {path} of {name!r} (request_id: {request_id or 'none'})"
        support = "try again, and quote the request_id to Flashduty support if it persists"
        if not checked:
            text = (f"{head}: the reply confirms nothing, so whether the {kind} was created or changed is unknown; "
                    f"check it in Flashduty, then try again")
        elif cleanup_failure is not None:
            text = (f"{head}: a {kind} named {name!r} may have been made anyway, and looking for it to delete it "
                    f"failed ({_one_line(cleanup_failure)}); delete it in Flashduty if it is there, then try again")
        elif deleted_id is not None:
            text = f"{head}; the {kind} it made anyway ({kind}_id {deleted_id}) was deleted again; {support}"
        else:
            text = f"{head}: nothing was created; {support}"
        super().__init__(text)


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
        self.retries: Retries | None = None
        super().__init__(self._render())

    def with_retries(self, retries: Retries) -> APIError:
        """This error, its message now saying how long the client retried before giving up."""
        self.retries = retries
        self.args = (self._render(),)
        return self

    def _detail(self) -> str:
        return self.message or "(no message)"

    def _render(self) -> str:
        retries = f"; {self.retries}" if self.retries else ""
        hint = f"; {self.hint}" if self.hint else ""
        rid = self.request_id or "none"
        return (f"Flashduty {self.path} failed: {self.code} (HTTP {self.status_code}): "
                f"{self._detail()}{retries}{hint} (request_id: {rid})")


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

    hint = "try again later, and quote the request_id to Flashduty support if it persists"


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


@dataclass(frozen=True)
class Mismatch:
    """One email whose member id did not come back from ``/person/infos`` as that person."""

    email: str
    member_id: int
    found: str
    """Who ``/person/infos`` says ``member_id`` is: an email, a name, or ``""`` for nobody."""


class PersonMismatch(FlashdutyError):
    """Emails that ``/member/list`` maps to ids which ``/person/infos`` does not confirm.

    Flashduty's person ids and member ids may be different numbers (docs/flashduty-api.md §14), so an
    id found by email is written only once ``/person/infos`` has returned it as the same person.
    """

    def __init__(self, mismatches: Sequence[Mismatch]) -> None:
        self.mismatches = tuple(mismatches)
        parts = []
        for m in self.mismatches:
            who = f"is {m.found}" if m.found else "is no person"
            parts.append(f"{m.email}: /member/list gives member_id {m.member_id}, but /person/infos says person "
                         f"{m.member_id} {who}")
        super().__init__(
            f"cannot tell the person id of {', '.join(m.email for m in self.mismatches)} ({'; '.join(parts)}); "
            "in this account person ids differ from member ids, so write the person's id instead of the email "
            "(the person_ids of an existing schedule or team that holds them, or Flashduty's /person/infos), "
            "nothing was written")
