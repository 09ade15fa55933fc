"""``FlashdutyClient``: the one place that talks HTTP to the Flashduty Open API.

It handles what the API documents and what real traffic does (docs/flashduty-api.md §1–§8): the ``app_key``
query parameter (never shown: not in errors, reprs, logs or URLs a user sees), the envelope and
its error codes (an error inside a 200 is an error; ``"0"``/``""``/``"OK"`` codes are success),
retries for as long as a time budget allows, with exponential backoff and jitter, on 429 (honouring
``Retry-After``), 5xx, timeouts and connection errors, the per-account rate limits, paging, and
duplicate-free creates: creating a schedule or a team is not idempotent, so after a failure the
server may have committed, the client looks the object up by its unique name before retrying. A
create that answers success with an id of 0 (§14) is a failure; whatever it made is deleted again.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import math
import os
import random
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from flashcat_pulumi._version import __version__
from flashcat_pulumi.errors import (
    AlreadyExists,
    APIError,
    ConfigurationError,
    CreateNotConfirmed,
    FlashdutyError,
    Forbidden,
    InvalidParameter,
    NotFound,
    RateLimited,
    Reference,
    ReferenceExist,
    Retries,
    ServerError,
    TransportError,
    Unauthorized,
    redact,
)
from flashcat_pulumi.ratelimit import DEFAULT_LIMIT, PREVIEW_LIMIT, RateLimit, RateLimiter, shared_limiter
from flashcat_pulumi.wire import (
    Envelope,
    MemberInfoResponse,
    MemberItem,
    PersonItem,
    ReferenceItem,
    ScheduleItem,
    ScheduleUpsertRequest,
    TeamItem,
    TeamUpsertRequest,
    TeamUpsertResponse,
)

__all__ = ["DEFAULT_BASE_URL", "DEFAULT_RETRY_BUDGET", "FlashdutyClient"]

DEFAULT_BASE_URL = "https://api.flashcat.cloud"
PAGE_SIZE = 100
MAX_OFFSET = 10_000  # the API refuses p * limit above this (docs/flashduty-api.md §7)
BATCH_SIZE = 100  # /team/infos takes at most 100 ids
DEFAULT_WINDOW = 7 * 86400  # what Flashduty's own clients use to read a schedule
DEFAULT_RETRY_BUDGET = 300.0  # seconds: outlasts a bad minute of 429s and 5xx, yet a stuck `pulumi up` still ends

log = logging.getLogger(__name__)

_USER_AGENT = f"flashcat-pulumi/{__version__} httpx/{httpx.__version__}"

# Failures where the request never reached the server: retrying cannot duplicate anything.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)

M = TypeVar("M", bound=BaseModel)
Recover = Callable[[], Any]


class _AppKeyTransport(httpx.BaseTransport):
    """Adds ``app_key`` on the way out, so the URL httpx keeps (and logs) never holds the key."""

    def __init__(self, inner: httpx.BaseTransport, app_key: str) -> None:
        self._inner = inner
        self._app_key = app_key

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        signed = httpx.Request(request.method, request.url.copy_add_param("app_key", self._app_key),
                               headers=request.headers, stream=request.stream,
                               extensions=request.extensions)
        return self._inner.handle_request(signed)

    def close(self) -> None:
        self._inner.close()

    def __repr__(self) -> str:
        return f"<_AppKeyTransport app_key=*** inner={self._inner!r}>"


class FlashdutyClient:
    """A thread-safe client for the Flashduty Open API endpoints flashcat-pulumi uses.

    ``transport`` takes any httpx transport (``httpx.MockTransport`` in tests). ``rate_limit`` and
    ``preview_rate_limit`` (a :class:`RateLimit`, a string such as ``"50/s,1000/min"``, or ``None``
    for no limit) are shared by every client of the same base URL and app key in the process.

    Retries: a call failing with 429, 5xx, a timeout or a connection error is tried again, waiting
    ``backoff * 2**n`` seconds (with jitter, at most ``max_backoff``) or what ``Retry-After`` says,
    until ``retry_budget`` seconds (default 300) have passed since its first attempt: a wait is cut
    to what remains of the budget, and a ``Retry-After`` longer than that ends the retries at once.
    An attempt started within the budget may still take up to ``timeout``. ``max_retries``, if
    given, also caps the number of retries (``0``: never retry). Other errors are never retried.
    ``sleep`` and ``clock`` (a monotonic clock, in seconds) are the ones the retries wait and measure
    with; tests pass fakes.
    """

    def __init__(self, *, app_key: str, base_url: str = DEFAULT_BASE_URL, timeout: float = 30.0,
                 retry_budget: float = DEFAULT_RETRY_BUDGET, max_retries: int | None = None,
                 backoff: float = 0.5, max_backoff: float = 30.0,
                 rate_limit: RateLimit | str | None = DEFAULT_LIMIT,
                 preview_rate_limit: RateLimit | str | None = PREVIEW_LIMIT,
                 transport: httpx.BaseTransport | None = None, accept_language: str = "en",
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if not app_key or not app_key.strip():
            raise ConfigurationError("the Flashduty app key is empty: set stack config flashduty:appKey "
                                     "or env FLASHDUTY_APP_KEY")
        if retry_budget < 0:
            raise ValueError(f"retry_budget must be >= 0 seconds, got {retry_budget}")
        if max_retries is not None and max_retries < 0:
            raise ValueError(f"max_retries must be >= 0 or None, got {max_retries}")
        if not 0 < backoff <= max_backoff:
            raise ValueError(f"backoff must be > 0 and at most max_backoff, got {backoff} and {max_backoff}")
        self.base_url = base_url.rstrip("/")
        self.retry_budget = float(retry_budget)
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self._app_key = app_key
        self._sleep = sleep
        self._clock = clock
        account = f"{self.base_url}|{app_key}"
        self._limiter = self._make_limiter(account, rate_limit)
        self._preview_limiter = self._make_limiter(account, preview_rate_limit)
        self._http = httpx.Client(
            base_url=self.base_url,
            timeout=timeout,
            transport=_AppKeyTransport(transport or httpx.HTTPTransport(), app_key),
            headers={"Accept": "application/json", "User-Agent": _USER_AGENT,
                     "Accept-Language": accept_language},
        )

    @staticmethod
    def _make_limiter(account: str, limit: RateLimit | str | None) -> RateLimiter | None:
        if limit is None:
            return None
        return shared_limiter(account, RateLimit.parse(limit) if isinstance(limit, str) else limit)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **kwargs: Any) -> FlashdutyClient:
        """Build a client from ``FLASHDUTY_APP_KEY`` and ``FLASHDUTY_BASE_URL`` (optional)."""
        env = os.environ if environ is None else environ
        app_key = env.get("FLASHDUTY_APP_KEY", "").strip()
        if not app_key:
            raise ConfigurationError("FLASHDUTY_APP_KEY is not set: export the app key from Flashduty "
                                     "(Account settings > APP Key)")
        return cls(app_key=app_key, base_url=env.get("FLASHDUTY_BASE_URL", "").strip() or DEFAULT_BASE_URL,
                   **kwargs)

    def __repr__(self) -> str:
        return f"<FlashdutyClient base_url={self.base_url!r} app_key=***>"

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> FlashdutyClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- the primitive ---------------------------------------------------------------------------

    def request(self, path: str, body: Mapping[str, Any] | None = None) -> Any:
        """POST ``body`` to ``path`` and return the envelope's ``data``, retrying what is safe to retry."""
        return self._call(path, body).data

    def _call(self, path: str, body: Mapping[str, Any] | None, *,
              recover: Recover | None = None) -> Envelope:
        """The retry loop. ``recover`` finds the ``data`` of a possibly committed non-idempotent call."""
        payload = dict(body or {})
        first = self._clock()
        attempt = 0
        while True:
            attempt += 1
            limiter = self._throttle(path)
            sent = time.monotonic()
            try:
                response = self._http.post(path, json=payload)
            except httpx.TransportError as exc:
                reason = redact(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__,
                                self._app_key)
                log.debug("POST %s failed: %s (%.1f ms, attempt %d)", path, reason,
                          (time.monotonic() - sent) * 1000, attempt)
                retry_after = None
                stop = self._stop(first, attempt, retry_after)
                if stop is not None:
                    raise TransportError(path, reason, retries=stop) from None
                may_have_committed = not isinstance(exc, _NOT_SENT)
            else:
                if limiter is not None and response.status_code != 429:
                    limiter.answered()
                try:
                    envelope = self._parse(path, response)
                except (RateLimited, ServerError) as error:
                    retry_after = error.retry_after if isinstance(error, RateLimited) else None
                    if isinstance(error, RateLimited) and limiter is not None:
                        limiter.back_off(retry_after, sent)  # other users of the key: slow every thread
                    stop = self._stop(first, attempt, retry_after)
                    if stop is not None:
                        raise error.with_retries(stop) from None
                    reason = f"{error.code} (HTTP {error.status_code}, request_id: {error.request_id})"
                    may_have_committed = isinstance(error, ServerError)  # a 429 refused before doing anything
                else:
                    log.debug("POST %s %d request_id=%s %.1f ms", path, response.status_code,
                              envelope.request_id, (time.monotonic() - sent) * 1000)
                    return envelope
            if recover is not None and may_have_committed:
                found = recover()
                if found is not None:
                    return Envelope(data=found)
            self._wait(path, reason, first, attempt, retry_after)

    def _throttle(self, path: str) -> RateLimiter | None:
        """Wait for ``path``'s limiters; the one a 429 on ``path`` is about (preview has its own)."""
        preview = self._preview_limiter if path == "/schedule/preview" else None
        for limiter in (self._limiter, preview):
            if limiter is not None:
                limiter.acquire()
        return preview or self._limiter

    def _stop(self, first: float, attempt: int, retry_after: float | None) -> Retries | None:
        """Why to stop retrying after ``attempt`` failed, or ``None`` to go on.

        A ``Retry-After`` beyond the budget's end stops at once: an earlier try would only be refused.
        """
        elapsed = self._clock() - first
        if self.max_retries is not None and attempt > self.max_retries:
            return Retries(attempt, elapsed, self.retry_budget, max_retries=self.max_retries)
        remaining = self.retry_budget - elapsed
        beyond = retry_after if retry_after is not None and retry_after > remaining else None
        if remaining <= 0 or beyond is not None:
            return Retries(attempt, elapsed, self.retry_budget, retry_after=beyond)
        return None

    def _wait(self, path: str, reason: str, first: float, attempt: int, retry_after: float | None) -> None:
        """Sleep before the next attempt: backoff with jitter, or ``Retry-After``; never past the budget."""
        if retry_after is not None:
            delay = retry_after + random.uniform(0, 0.1 * max(retry_after, 1.0))
        else:
            # The exponent stops growing once the ceiling is reached (no float overflow on long budgets).
            doublings = min(attempt - 1, math.ceil(math.log2(self.max_backoff / self.backoff)))
            ceiling = min(self.max_backoff, self.backoff * 2 ** doublings)
            delay = random.uniform(ceiling / 2, ceiling)
        remaining = self.retry_budget - (self._clock() - first)
        delay = max(0.0, min(delay, remaining))
        log.warning("POST %s failed: %s; retrying in %.2fs (attempt %d, %.0fs of the %.0fs retry budget left)",
                    path, reason, delay, attempt + 1, max(remaining, 0.0), self.retry_budget)
        self._sleep(delay)

    def _parse(self, path: str, response: httpx.Response) -> Envelope:
        """Return a success envelope, or raise the error the envelope or status describes."""
        header_id = response.headers.get("Flashcat-Request-Id")
        try:
            envelope = Envelope.model_validate_json(response.content)
        except ValidationError:
            envelope = None
        ok_status = 200 <= response.status_code < 300
        if envelope is not None and ok_status and (envelope.error is None or envelope.error.is_success):
            return envelope.model_copy(update={"request_id": envelope.request_id or header_id})
        request_id = (envelope.request_id if envelope else None) or header_id
        if envelope is not None and envelope.error is not None and not envelope.error.is_success:
            code, message = envelope.error.code, envelope.error.message
        elif envelope is None and ok_status:
            code, message = "InvalidResponse", "the response body is not a Flashduty JSON envelope"
        else:
            code = f"HTTP{response.status_code}"
            message = response.reason_phrase or response.text[:200]
        message = redact(message, self._app_key)
        fields = {"path": path, "code": code, "message": message, "status_code": response.status_code,
                  "request_id": request_id}
        raise _error_for(code, response, envelope, fields)

    # --- schedules --------------------------------------------------------------------------------

    def create_schedule(self, schedule: ScheduleUpsertRequest | Mapping[str, Any]) -> int:
        """Create a schedule and return its id.

        Raises :class:`AlreadyExists` when the name is taken (names are unique per account). The
        name check also makes retries safe: after a failure the server may have committed, the
        schedule found by that name is ours. A success answering no id (or 0) raises
        :class:`CreateNotConfirmed` after deleting the schedule of that name, if the server made one.
        """
        body = _body(schedule, ScheduleUpsertRequest)
        name = body.get("schedule_name") or body.get("name") or ""
        recover = None
        if name:
            existing = self.find_schedule(name)
            if existing is not None:
                raise AlreadyExists("schedule", name, existing.schedule_id)

            def recover() -> dict[str, int] | None:
                found = self.find_schedule(name)
                return None if found is None else {"schedule_id": found.schedule_id}

        path = "/schedule/create"
        envelope = self._call(path, body, recover=recover)
        schedule_id = _created_id(envelope.data, "schedule_id")
        if not schedule_id:
            def find(schedule_name: str) -> int | None:
                found = self.find_schedule(schedule_name)
                return None if found is None else found.schedule_id

            raise self._unconfirmed("schedule", name, path, envelope, checked=bool(name), find=find,
                                    delete=lambda schedule_id: self.delete_schedules([schedule_id]))
        return schedule_id

    def enable_schedules(self, schedule_ids: Iterable[int]) -> None:
        """Enable schedules (100 ids a request; nothing is sent for none)."""
        self._each_batch("/schedule/enable", "schedule_ids", schedule_ids)

    def disable_schedules(self, schedule_ids: Iterable[int]) -> None:
        """Disable schedules: they stay, shown with ``disabled: 1``, but page no one (100 ids a request)."""
        self._each_batch("/schedule/disable", "schedule_ids", schedule_ids)

    def update_schedule(self, schedule: ScheduleUpsertRequest | Mapping[str, Any]) -> None:
        """Replace a schedule's name, description, team, layers and notify (send the whole object)."""
        body = _body(schedule, ScheduleUpsertRequest)
        if not body.get("schedule_id"):
            raise ValueError("update_schedule needs schedule_id")
        self._call("/schedule/update", body)

    def delete_schedules(self, schedule_ids: Iterable[int], *, missing_ok: bool = True) -> None:
        """Delete schedules; ids that no longer exist count as deleted, unless ``missing_ok`` is false
        (then :class:`NotFound` is raised: it may also mean a lapsed plan, docs/flashduty-api.md §14)."""
        ids = [int(i) for i in schedule_ids]
        if not ids:
            return
        with contextlib.suppress(*(NotFound,) if missing_ok else ()):
            self._call("/schedule/delete", {"schedule_ids": ids})

    def get_schedule(self, schedule_id: int, *, start: int | None = None, end: int | None = None) -> ScheduleItem:
        """One schedule with its layers and the shifts of ``[start, end)`` (default: the next 7 days)."""
        start = int(time.time()) if start is None else start
        end = start + DEFAULT_WINDOW if end is None else end
        path = "/schedule/info"
        return self._info(path, {"schedule_id": int(schedule_id), "start": start, "end": end}, ScheduleItem)

    def get_schedules(self, schedule_ids: Iterable[int]) -> list[ScheduleItem]:
        """Schedules by id, without layers or shifts; unknown ids are left out."""
        return self._batch("/schedule/infos", "schedule_ids", schedule_ids, ScheduleItem)

    def list_schedules(self, *, query: str | None = None, team_ids: Sequence[int] | None = None,
                       is_my_team: bool | None = None, is_my_manage: bool | None = None,
                       start: int | None = None, end: int | None = None) -> list[ScheduleItem]:
        """Every schedule matching the filters (all pages). With ``start`` and ``end``, shifts too."""
        filters = {"query": query, "team_ids": list(team_ids) if team_ids is not None else None,
                   "is_my_team": is_my_team, "is_my_manage": is_my_manage, "start": start, "end": end}
        return list(self._pages("/schedule/list", filters, ScheduleItem))

    def find_schedule(self, schedule_name: str) -> ScheduleItem | None:
        """The schedule named exactly ``schedule_name``, or ``None``."""
        for schedule in self._pages("/schedule/list", {"query": schedule_name}, ScheduleItem):
            if schedule.schedule_name == schedule_name:
                return schedule
        return None

    def preview_schedule(self, schedule: ScheduleUpsertRequest | Mapping[str, Any], *, start: int,
                         end: int) -> ScheduleItem:
        """Compute the shifts of an unsaved configuration (tightly rate limited: 10/s, 60/min)."""
        body = {**_body(schedule, ScheduleUpsertRequest), "start": start, "end": end}
        data = self._call("/schedule/preview", body).data
        return ScheduleItem.model_validate(_require(data, "/schedule/preview"))

    # --- teams ------------------------------------------------------------------------------------

    def upsert_team(self, team: TeamUpsertRequest | Mapping[str, Any]) -> TeamUpsertResponse:
        """Create (no ``team_id``) or update a team. ``person_ids`` replaces the whole membership.

        Creating raises :class:`AlreadyExists` when the name is taken (unless
        ``reset_if_name_exist``); as for schedules, the name makes retries duplicate-free. A create
        answering no id (or 0) raises :class:`CreateNotConfirmed` after deleting the team of that
        name, if the server made one (never with ``reset_if_name_exist``: that team may be an old one).
        """
        body = _body(team, TeamUpsertRequest)
        name = body.get("team_name", "")
        creating = not body.get("team_id")
        # The name was checked free before sending: a team found by it afterwards is the one this call made.
        name_checked = creating and not body.get("reset_if_name_exist")
        recover = None
        if name_checked:
            existing = self.find_team(name)
            if existing is not None:
                raise AlreadyExists("team", name, existing.team_id)

            def recover() -> dict[str, Any] | None:
                found = self.find_team(name)
                return None if found is None else {"team_id": found.team_id, "team_name": found.team_name}

        path = "/team/upsert"
        envelope = self._call(path, body, recover=recover)
        if creating and not _created_id(envelope.data, "team_id"):
            def find(team_name: str) -> int | None:
                found = self.find_team(team_name)
                return None if found is None else found.team_id

            raise self._unconfirmed("team", name, path, envelope, checked=name_checked and bool(name), find=find,
                                    delete=lambda team_id: self.delete_team(team_id=team_id))
        return TeamUpsertResponse.model_validate(_require(envelope.data, path))

    def get_team(self, *, team_id: int | None = None, team_name: str | None = None,
                 ref_id: str | None = None) -> TeamItem:
        """One team, by id, name or external ``ref_id``."""
        return self._info("/team/info", _team_key(team_id, team_name, ref_id), TeamItem)

    def find_team(self, team_name: str) -> TeamItem | None:
        """The team named exactly ``team_name``, or ``None``."""
        try:
            return self.get_team(team_name=team_name)
        except NotFound:
            return None

    def get_teams(self, team_ids: Iterable[int]) -> list[TeamItem]:
        """Teams by id (only id, name and person_ids are filled); unknown ids are left out."""
        return self._batch("/team/infos", "team_ids", team_ids, TeamItem)

    def list_teams(self, *, query: str | None = None, person_id: int | None = None,
                   orderby: str | None = None, asc: bool | None = None) -> list[TeamItem]:
        """Every team matching the filters (all pages)."""
        filters = {"query": query, "person_id": person_id, "orderby": orderby, "asc": asc}
        return list(self._pages("/team/list", filters, TeamItem))

    def delete_team(self, *, team_id: int | None = None, team_name: str | None = None,
                    ref_id: str | None = None, missing_ok: bool = True) -> None:
        """Delete one team; a team that no longer exists counts as deleted, unless ``missing_ok`` is false."""
        with contextlib.suppress(*(NotFound,) if missing_ok else ()):
            self._call("/team/delete", _team_key(team_id, team_name, ref_id))

    # --- members and persons ----------------------------------------------------------------------

    def list_members(self, *, query: str | None = None, role_id: int | None = None,
                     orderby: str | None = None, asc: bool | None = None) -> list[MemberItem]:
        """Every member matching the filters (all pages). ``query`` matches name, email or phone."""
        filters = {"query": query, "role_id": role_id, "orderby": orderby, "asc": asc}
        return list(self._pages("/member/list", filters, MemberItem))

    def get_member_info(self) -> MemberInfoResponse:
        """The member who owns the app key, and their account (including its time zone)."""
        return MemberInfoResponse.model_validate(_require(self._call("/member/info", {}).data, "/member/info"))

    def get_persons(self, person_ids: Iterable[int]) -> list[PersonItem]:
        """People (members or the account owner) by person id; unknown ids are left out."""
        return self._batch("/person/infos", "person_ids", person_ids, PersonItem)

    # --- shared shapes of calls -------------------------------------------------------------------

    @staticmethod
    def _unconfirmed(kind: str, name: str, path: str, envelope: Envelope, *, checked: bool,
                     find: Callable[[str], int | None], delete: Callable[[int], None]) -> CreateNotConfirmed:
        """The error for a create that answered success without an id, once what it made anyway
        (found by its unique name, when ``checked`` says the name was free before) is deleted."""
        data = envelope.data if isinstance(envelope.data, dict) else {}
        answered = f"{kind}_id {data[f'{kind}_id']!r}" if data.get(f"{kind}_id") is not None else f"no {kind}_id"
        error = functools.partial(CreateNotConfirmed, kind=kind, name=name, path=path, answered=answered,
                                  request_id=envelope.request_id)
        if not checked:
            return error(checked=False)
        try:
            made = find(name)
            if made is not None:
                delete(made)
        except FlashdutyError as failure:
            return error(cleanup_failure=str(failure))
        return error(deleted_id=made)

    def _info(self, path: str, body: dict[str, Any], model: type[M]) -> M:
        envelope = self._call(path, body)
        if envelope.data is None:
            # Flashduty's own SDK treats a 200 with data: null from an info call as "not found".
            raise NotFound(path=path, code="ResourceNotFound", message="the API returned data: null",
                           status_code=200, request_id=envelope.request_id)
        return model.model_validate(envelope.data)

    def _batch(self, path: str, key: str, ids: Iterable[int], model: type[M]) -> list[M]:
        items: list[M] = []
        for chunk in _chunks(ids):
            data = self._call(path, {key: chunk}).data or {}
            items.extend(model.model_validate(item) for item in data.get("items") or [])
        return items

    def _each_batch(self, path: str, key: str, ids: Iterable[int]) -> None:
        for chunk in _chunks(ids):
            self._call(path, {key: chunk})

    def _pages(self, path: str, filters: Mapping[str, Any], model: type[M]) -> Iterator[M]:
        """Every item of a paged list. ``total`` is capped at 1,000, so a short page is the only end."""
        body = {key: value for key, value in filters.items() if value is not None}
        page = 1
        while True:
            data = self._call(path, {**body, "p": page, "limit": PAGE_SIZE}).data or {}
            items = data.get("items") or []
            yield from (model.model_validate(item) for item in items)
            if len(items) < PAGE_SIZE or data.get("has_next_page") is False:
                return
            if (page + 1) * PAGE_SIZE > MAX_OFFSET:
                log.warning("POST %s: stopped after %d items, the API pages no further", path,
                            page * PAGE_SIZE)
                return
            page += 1


def _body(value: BaseModel | Mapping[str, Any],
          model: type[ScheduleUpsertRequest | TeamUpsertRequest]) -> dict[str, Any]:
    """A request body from a wire model or a dict shaped like the API (validated through the model)."""
    parsed = value if isinstance(value, model) else model.model_validate(value)
    return parsed.to_wire()


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    """Distinct ``ids`` in order, at most :data:`BATCH_SIZE` a list."""
    wanted = list(dict.fromkeys(int(i) for i in ids))
    for offset in range(0, len(wanted), BATCH_SIZE):
        yield wanted[offset:offset + BATCH_SIZE]


def _created_id(data: Any, key: str) -> int:
    """The id a create answered; 0 when it is missing, not a positive number, or 0 (docs §14: no object)."""
    value = data.get(key) if isinstance(data, dict) else None
    try:
        return max(int(value or 0), 0)
    except (TypeError, ValueError):
        return 0


def _require(data: Any, path: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise FlashdutyError(f"Flashduty {path} returned no data object; got {type(data).__name__}")
    return data


def _team_key(team_id: int | None, team_name: str | None, ref_id: str | None) -> dict[str, Any]:
    key = {name: value for name, value in
           (("team_id", team_id), ("team_name", team_name), ("ref_id", ref_id)) if value}
    if not key:
        raise ValueError("give one of team_id, team_name or ref_id")
    return key


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "").strip()
    try:
        return max(float(value), 0.0)
    except ValueError:
        return None


def _error_for(code: str, response: httpx.Response, envelope: Envelope | None,
               fields: dict[str, Any]) -> APIError:
    """Map an error code and HTTP status to the exception class (docs/flashduty-api.md §4: the code wins)."""
    status = response.status_code
    if code == "ResourceNotFound":
        return NotFound(**fields)
    if code == "ReferenceExist":
        data = envelope.data if envelope is not None and isinstance(envelope.data, dict) else {}
        refs = [ReferenceItem.model_validate(ref) for ref in data.get("refs") or []]
        return ReferenceExist(refs=[Reference(kind=r.kind, name=r.name, href=r.href) for r in refs], **fields)
    if code == "InvalidParameter":
        return InvalidParameter(**fields)
    if code == "Unauthorized" or status == 401:
        return Unauthorized(**fields)
    if code == "AccessDenied" or status == 403:
        return Forbidden(**fields)
    if code == "RequestTooFrequently" or status == 429:
        return RateLimited(retry_after=_retry_after(response), **fields)
    if code in ("InternalError", "ServiceUnavailable") or status >= 500:
        return ServerError(**fields)
    return APIError(**fields)
