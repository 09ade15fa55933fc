"""What the Team and Schedule providers share: settings, the per-process client, the diff, the
create-or-adopt flow, delete refusals, and how errors reach the user.

A provider object carries no data of its own: Pulumi pickles it into every resource's
``__provider`` (by reference, since the class lives in this package), so anything set on it at
construction would land in state. Credentials arrive later, in the provider process, through
``configure()`` or the environment, and the HTTP client is created on first use.

Errors. The provider server (``python -m pulumi.dynamic``) answers a failed call with the whole
Python traceback, and the user reads it as the resource's error. A :class:`FlashdutyError` is a
user-facing error whose message already says what failed, why, what to do and the request_id, so
the engine receives just that line: the CRUD methods re-raise it from their top frame without the
internal chain, and inside the provider server the traceback text of our own errors is their last
line alone (:func:`_short_tracebacks`). Any other exception is a bug and keeps its full traceback.
"""

from __future__ import annotations

import dataclasses
import sys
import threading
import traceback
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from types import ModuleType
from typing import Any, ClassVar

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

from flashcat_pulumi.client import FlashdutyClient
from flashcat_pulumi.config import Settings
from flashcat_pulumi.errors import AlreadyExists, FlashdutyError, NotFound, ReferenceExist
from flashcat_pulumi.identity import Directory
from flashcat_pulumi.resources._args import Failure, has_unknown
from flashcat_pulumi.resources._forms import PersonRef

__all__ = ["FlashdutyProvider", "Input", "PersonInput", "connection", "plain", "resolve_people", "to_input"]

Input = Any
"""A value, or a ``pulumi.Output`` of one."""

PersonInput = Any
"""An email or a person id, or a ``pulumi.Output`` of one."""

_CLIENTS: dict[tuple[Any, ...], tuple[FlashdutyClient, Directory]] = {}
_CLIENTS_LOCK = threading.Lock()


def connection(settings: Settings) -> tuple[FlashdutyClient, Directory]:
    """The process-wide client and directory for ``settings`` (raises :class:`ConfigurationError`
    without an app key)."""
    app_key = settings.require_app_key()
    # The budget is part of the key: a stack with another flashduty:retryBudget gets its own client.
    key = (settings.base_url, app_key, settings.retry_budget, settings.rate_limit, settings.preview_rate_limit)
    with _CLIENTS_LOCK:
        if key not in _CLIENTS:
            client = FlashdutyClient(app_key=app_key, base_url=settings.base_url, retry_budget=settings.retry_budget,
                                     rate_limit=settings.rate_limit, preview_rate_limit=settings.preview_rate_limit)
            _CLIENTS[key] = (client, Directory(client))
        return _CLIENTS[key]


def plain(value: Any) -> Any:
    """Inputs as the provider wants them: no ``__provider``, integral floats (Pulumi sends every number
    as a double) back to ints, recursively."""
    kind = type(value)  # exact types first: every preview runs this over every value
    if kind is dict or (kind is not list and kind is not tuple and isinstance(value, dict)):
        return {key: plain(item) if type(item) not in _AS_IS else item
                for key, item in value.items() if key != "__provider"}
    if kind is list or kind is tuple or isinstance(value, (list, tuple)):
        return [plain(item) if type(item) not in _AS_IS else item for item in value]
    if kind is float and value.is_integer():
        return int(value)
    return value


# What plain() returns unchanged, tested before the call: every preview runs it over every value.
_AS_IS = frozenset({str, int, bool, type(None)})


def resolve_people(refs: Sequence[PersonRef], person_id: Callable[[PersonRef], int]) -> list[int]:
    """Person ids of ``refs``, in order; an id and an email of the same person resolve to one id."""
    return list(dict.fromkeys(person_id(ref) for ref in refs))


def to_input(value: Any) -> Any:
    """Input helpers and Python values as what Pulumi can send: dicts, lists, strings, numbers, Outputs."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_input(getattr(value, f.name)) for f in dataclasses.fields(value)
                if getattr(value, f.name) is not None}
    if isinstance(value, Mapping):
        return {key: to_input(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_input(item) for item in value]
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(f"a naive datetime ({value}) is ambiguous: give it a tzinfo, or pass an ISO string "
                             "read in the schedule's time_zone")
        return value.isoformat()
    if isinstance(value, timedelta):
        return int(value.total_seconds())
    return value


class FlashdutyProvider(ResourceProvider):
    """Base of the dynamic providers. Subclasses say what ``kind`` of object they manage, which
    canonical inputs diff ``compared``, and implement the ``*_inputs``/``*_resource`` methods; the
    engine-facing methods here turn Pulumi's values into plain ones and errors into readable ones."""

    # __provider holds no secret (credentials come from configure() or the environment), so it need
    # not be encrypted: smaller state and no encrypt call per resource.
    serialize_as_secret_always = False

    kind: ClassVar[str] = ""
    """``team`` or ``schedule``: how messages name the object (``team_name``, ``team_id``)."""

    compared: ClassVar[tuple[str, ...]] = ()
    """The canonical inputs compared by diff (``time_zone`` and ``adopt`` change nothing remote)."""

    # --- what subclasses implement ---------------------------------------------------------------

    def check_inputs(self, props: dict[str, Any]) -> tuple[dict[str, Any], list[Failure]]:
        """Canonical inputs and failures (see ``check_team``/``check_schedule``)."""
        raise NotImplementedError

    def meaning(self, props: dict[str, Any]) -> dict[str, Any] | None:
        """What canonical inputs of any spelling mean, comparable; ``None`` if they do not validate."""
        raise NotImplementedError

    def create_resource(self, inputs: dict[str, Any]) -> CreateResult:
        raise NotImplementedError

    def read_resource(self, id_: str, previous: dict[str, Any]) -> ReadResult:
        raise NotImplementedError

    def update_resource(self, id_: str, inputs: dict[str, Any]) -> UpdateResult:
        raise NotImplementedError

    def delete_resource(self, id_: str, previous: dict[str, Any]) -> None:
        raise NotImplementedError

    # --- settings and the connection ---------------------------------------------------------------

    def configure(self, req: ConfigureRequest) -> None:
        self._settings = Settings.resolve(req.config.get)

    @property
    def settings(self) -> Settings:
        """Settings from ``configure()``, or from the environment when the engine sent none."""
        settings = getattr(self, "_settings", None)
        if settings is None:
            settings = self._settings = Settings.resolve()
        return settings

    def _connection(self) -> tuple[FlashdutyClient, Directory]:
        return connection(self.settings)

    def account_time_zone(self) -> str:
        """The account's own time zone (``/member/info``, read once per process and connection);
        ``""`` when the account has none. Raises :class:`FlashdutyError` (no app key, ...)."""
        return self.directory.account().account_time_zone

    @property
    def client(self) -> FlashdutyClient:
        """The process-wide client for these settings (thread-safe, rate limited)."""
        return self._connection()[0]

    @property
    def directory(self) -> Directory:
        """The process-wide email/id directory for these settings."""
        return self._connection()[1]

    # --- the engine's calls ----------------------------------------------------------------------

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        canonical, failures = self.check_inputs(plain(news))
        return CheckResult(canonical, [CheckFailure(failure.path, failure.reason) for failure in failures])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Old outputs against new canonical inputs, by meaning; nothing here ever needs a replacement.

        Equal spellings mean equal intent. Different spellings may still mean the same (another
        ``time_zone`` that moves no instant, the forms an older release stored): then the meanings decide.
        """
        # Pulumi's floats equal their ints (1.0 == 1), and an unknown value equals nothing.
        changed = [key for key in self.compared if olds.get(key) != news.get(key)]
        if changed and not any(has_unknown(news.get(key)) for key in changed):
            old_meaning, new_meaning = self.meaning(plain(olds)), self.meaning(plain(news))
            if old_meaning is not None and new_meaning is not None:
                # Every key: one spelled alike can still mean something else (layers under another zone_offset).
                changed = [key for key in self.compared if old_meaning.get(key) != new_meaning.get(key)]
        return DiffResult(changes=bool(changed), replaces=[], delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        try:
            return self.create_resource(plain(props))
        except FlashdutyError as error:
            raise error.with_traceback(None) from None

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        try:
            return self.read_resource(id_, plain(props))
        except FlashdutyError as error:
            raise error.with_traceback(None) from None

    def update(self, id_: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        try:
            return self.update_resource(id_, plain(news))
        except FlashdutyError as error:
            raise error.with_traceback(None) from None

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        try:
            self.delete_resource(id_, plain(props))
        except FlashdutyError as error:
            raise error.with_traceback(None) from None

    # --- flows both resources follow ---------------------------------------------------------------

    def create_or_adopt(self, inputs: dict[str, Any], *, name: str, create: Callable[[], int],
                        take_over: Callable[[int], None], outputs: Callable[[int], dict[str, Any]],
                        remove: Callable[[int], None]) -> CreateResult:
        """Create the object; if its unique name is taken, take the existing one over when the program
        says ``adopt=True``, else refuse naming it. A created object whose read-back fails is removed
        again, so a failed create leaves nothing half-made (an adopted one is never removed)."""
        adopted = False
        try:
            object_id = create()
        except AlreadyExists as exists:
            if not inputs.get("adopt"):
                raise FlashdutyError(
                    f"a Flashduty {self.kind} named {exists.name!r} already exists ({self.kind}_id "
                    f"{exists.existing_id}); set adopt=True on this {self.kind.title()} to manage it, or choose "
                    f"another {self.kind}_name") from None
            object_id, adopted = exists.existing_id, True
            take_over(object_id)
        try:
            return CreateResult(str(object_id), outputs(object_id))
        except Exception as failure:
            if not adopted:
                try:
                    remove(object_id)
                except FlashdutyError as cleanup:
                    raise FlashdutyError(f"the {self.kind} {name!r} ({self.kind}_id {object_id}) was created, but "
                                         f"reading it back failed ({failure}) and removing it again failed too "
                                         f"({cleanup}); delete it in Flashduty, or set adopt=True to take it "
                                         f"over") from None
            raise

    def confirm_gone(self, id_: str, name: str, missing: NotFound, still_there: Callable[[], bool]) -> None:
        """Return only when a second, independent answer confirms the object is gone.

        ``ResourceNotFound`` also means "the account has not purchased resources" (a lapsed plan), so
        on its own it is no proof: ``still_there()`` asks again another way (a batch lookup that
        answers with the account's objects). If that fails too, or still finds the object, raise: the
        state keeps the object rather than forgetting it by mistake.
        """
        what = f"{self.kind} {name!r} ({self.kind}_id {id_})"
        try:
            found = still_there()
        except FlashdutyError as error:
            raise FlashdutyError(
                f"Flashduty answered ResourceNotFound for {what} (request_id: {missing.request_id or 'none'}), and "
                f"asking again failed too ({error}); this also happens when the account's plan has lapsed, so the "
                f"state keeps the {self.kind}: check billing in Flashduty, then run the command again") from None
        if found:
            raise FlashdutyError(
                f"Flashduty answered ResourceNotFound for {what} (request_id: {missing.request_id or 'none'}), but "
                f"it still lists the {self.kind}; the account's plan may have lapsed, so the state keeps it: check "
                f"billing in Flashduty, then run the command again")

    def delete_refusing_references(self, id_: str, name: str, delete: Callable[[], None], *, remedy: str,
                                   still_there: Callable[[], bool]) -> None:
        """``delete()``, explaining a refusal because other objects still use it (``ReferenceExist``); an
        object already gone counts as deleted once :meth:`confirm_gone` agrees."""
        try:
            delete()
        except NotFound as missing:
            self.confirm_gone(id_, name, missing, still_there)
        except ReferenceExist as refused:
            users = ", ".join(map(str, refused.refs)) or "other Flashduty objects"
            raise FlashdutyError(
                f"cannot delete {self.kind} {name!r} ({self.kind}_id {id_}): it is still used by {users}; "
                f"{remedy} (request_id: {refused.request_id or 'none'})") from None


class _ProviderServerTraceback(ModuleType):
    """The provider server's view of :mod:`traceback`: our own errors as their last line alone."""

    def __getattr__(self, name: str) -> Any:
        return getattr(traceback, name)

    @staticmethod
    def format_exc(limit: int | None = None, chain: bool = True) -> str:
        error = sys.exc_info()[1]
        if isinstance(error, FlashdutyError):
            return "".join(traceback.format_exception_only(type(error), error))
        return traceback.format_exc(limit, chain)


def _short_tracebacks() -> None:
    """Inside ``python -m pulumi.dynamic``, whose handlers report ``traceback.format_exc()``, make that
    text our error's message alone. Nowhere else (the program's own process, tests) is anything changed,
    and other exceptions, including other providers' in the same server, keep their tracebacks."""
    server = sys.modules.get("__main__")
    if getattr(getattr(server, "__spec__", None), "name", None) == "pulumi.dynamic.__main__" \
            and getattr(server, "traceback", None) is traceback:
        server.traceback = _ProviderServerTraceback("traceback")  # type: ignore[union-attr]


_short_tracebacks()
