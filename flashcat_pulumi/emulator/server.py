"""The emulator's HTTP face and lifecycle: :class:`Emulator`.

Each request passes, in this order: the route (404 ``RouteNotFound``), the method (405
``MethodNotAllowed``), the ``app_key`` (401 ``Unauthorized``), the key's rate limit, counted over all
paths but those with a limit of their own such as ``/schedule/preview`` (429
``RequestTooFrequently`` with ``Retry-After``), the injected faults, the account's billing (400
``ResourceNotFound`` with :data:`BILLING_LAPSED` while ``emu.ui.lapse_billing()`` holds for the
path), the content type (400 ``InvalidContentType``), the key's permission (403
``AccessDenied``), then the body: a JSON object, then the vendor's OpenAPI schema of the path
(:mod:`.openapi`; paths it does not list are checked by their endpoints alone), then the
endpoint's own rules (:mod:`.schedules`, :mod:`.teams`) under the state's lock; a body that fails
any of them answers 400 ``InvalidParameter``. :data:`ROUTES` is the one table of what is served
and how.

Replies carry the Flashduty envelope and a ``Flashcat-Request-Id`` header equal to the body's
``request_id``. The app key is never logged or recorded: the request log keeps the path without
its query string.

Rate limits are enforced exactly, by arrival time, as a strict server would; a client must leave
room for network jitter itself (flashcat-pulumi's client does, see :mod:`flashcat_pulumi.ratelimit`).
"""

from __future__ import annotations

import contextlib
import copy
import json
import math
import secrets
import socket
import socketserver
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from os import PathLike
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flashcat_pulumi.emulator import openapi
from flashcat_pulumi.emulator.body import Body
from flashcat_pulumi.emulator.console import WebConsole
from flashcat_pulumi.emulator.errors import ApiError
from flashcat_pulumi.emulator.faults import ZERO_ID_FIELDS, Faults
from flashcat_pulumi.emulator.people import SeedPerson, resolve_seed
from flashcat_pulumi.emulator.schedules import (
    item,
    schedule_create,
    schedule_delete,
    schedule_disable,
    schedule_enable,
    schedule_info,
    schedule_infos,
    schedule_list,
    schedule_preview,
    schedule_self,
    schedule_update,
)
from flashcat_pulumi.emulator.state import State
from flashcat_pulumi.emulator.teams import (
    member_info,
    member_list,
    oncall_roles,
    person_infos,
    person_item,
    team_delete,
    team_info,
    team_infos,
    team_item,
    team_list,
    team_upsert,
)
from flashcat_pulumi.ratelimit import DEFAULT_LIMIT, PREVIEW_LIMIT, RateLimit, RateLimiter

__all__ = ["BILLING_LAPSED", "PERMISSIONS", "ROUTES", "Emulator", "RequestRecord", "Route"]

PERMISSIONS = ("schedules:read", "schedules:manage", "teams:manage")
"""The permissions an extra app key (``keys=``) can hold; the main app key holds all of them."""

MAX_BODY = 8 * 1024 * 1024
IDLE_TIMEOUT = 120.0
INTERNAL_ERROR = "We encountered an internal error, and it has been reported. Please try again later."
BILLING_LAPSED = "Account has not purchased resources, please place order in billing center"
"""The message of ``ResourceNotFound`` for an account that has not paid (docs/flashduty-api.md §14)."""

_READ = frozenset({"schedules:read", "schedules:manage"})
_MANAGE = frozenset({"schedules:manage"})
_TEAMS = frozenset({"teams:manage"})
_NONE: frozenset[str] = frozenset()


Handler = Callable[[State, Body, int], Any]
"""An endpoint: ``(state, body, actor) -> data``, called with the state's lock held."""


@dataclass(frozen=True)
class Route:
    """How one path is served."""

    method: str
    permissions: frozenset[str]
    """Any one of them lets a key in; empty means any valid key."""
    handler: Handler
    mutates: bool = False
    """Whether a success changes the state (and so rewrites the state file)."""


ROUTES: dict[str, Route] = {  # every path served (docs/flashduty-api.md §6 for the permissions)
    "/schedule/create": Route("POST", _MANAGE, schedule_create, mutates=True),
    "/schedule/update": Route("POST", _MANAGE, schedule_update, mutates=True),
    "/schedule/delete": Route("POST", _MANAGE, schedule_delete, mutates=True),
    "/schedule/enable": Route("POST", _MANAGE, schedule_enable, mutates=True),  # unlisted, §9.4 and §14
    "/schedule/disable": Route("POST", _MANAGE, schedule_disable, mutates=True),  # unlisted, §9.4 and §14
    "/schedule/info": Route("POST", _READ, schedule_info),
    "/schedule/infos": Route("POST", _READ, schedule_infos),
    "/schedule/list": Route("POST", _NONE, schedule_list),
    "/schedule/self": Route("POST", _READ, schedule_self),
    "/schedule/preview": Route("POST", _READ, schedule_preview),
    "/team/upsert": Route("POST", _TEAMS, team_upsert, mutates=True),
    "/team/info": Route("POST", _NONE, team_info),
    "/team/infos": Route("POST", _NONE, team_infos),
    "/team/list": Route("POST", _NONE, team_list),
    "/team/delete": Route("POST", _TEAMS, team_delete, mutates=True),
    "/member/list": Route("POST", _NONE, member_list),
    "/member/info": Route("POST", _NONE, member_info),
    "/person/infos": Route("POST", _NONE, person_infos),
    "/oncall/roles": Route("GET", _NONE, oncall_roles),  # legacy, docs/flashduty-api.md §9.4
}


@dataclass(frozen=True)
class RequestRecord:
    """One request the emulator received.

    ``time`` is when it arrived (epoch seconds, wall clock), ``path`` has no query string, ``body``
    is the decoded JSON (the raw text if it is not JSON, ``None`` if empty), ``status`` is the HTTP
    status sent (0 when the connection was dropped) and ``fault`` the injected fault, if any.
    """

    time: float
    path: str
    body: Any
    status: int
    fault: str | None = None


@dataclass
class _Reply:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


def _success(data: Any) -> _Reply:
    return _Reply(200, {"request_id": uuid.uuid4().hex, "data": data})


def _failure(status: int, code: str, message: str, *, refs: list[dict[str, str]] | None = None,
             headers: dict[str, str] | None = None) -> _Reply:
    body: dict[str, Any] = {"request_id": uuid.uuid4().hex, "error": {"code": code, "message": message}}
    if refs is not None:
        body["data"] = {"refs": refs}
    return _Reply(status, body, headers or {})


def _retry_after(seconds: float) -> dict[str, str]:
    return {"Retry-After": str(max(1, math.ceil(seconds)))}


def _for_log(raw: bytes) -> Any:
    if not raw:
        return None
    text = raw.decode("utf-8", errors="replace")
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return text


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


class _BodyError(Exception):
    """The request body could not be read (too large or malformed framing)."""

    def __init__(self, reply: _Reply) -> None:
        super().__init__(reply.body["error"]["code"])
        self.reply = reply


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FlashdutyEmulator"
    timeout = IDLE_TIMEOUT
    disable_nagle_algorithm = True  # headers and body go out in two writes; Nagle would delay the body
    server: _Server

    def do_POST(self) -> None:
        self._serve()

    do_GET = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_POST

    def log_message(self, format: str, *args: Any) -> None:
        """Silenced: the default access log prints the URL, and the URL carries the app key."""

    def _serve(self) -> None:
        emulator = self.server.emulator
        arrived = time.time()
        started = time.monotonic()
        url = urlsplit(self.path)
        try:
            raw = self._read_body()
        except _BodyError as error:
            self.close_connection = True
            emulator._record(RequestRecord(arrived, url.path, None, error.reply.status), started)
            self._send(error.reply)
            return
        reply, fault = self._respond(url.path, parse_qs(url.query), raw)
        status = 0 if reply is None else reply.status
        emulator._record(RequestRecord(arrived, url.path, _for_log(raw), status, fault), started)
        if reply is None:
            self.close_connection = True
        else:
            self._send(reply)

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            raise _BodyError(_failure(400, "BadRequest", "Invalid Content-Length header.")) from None
        if length < 0:
            raise _BodyError(_failure(400, "BadRequest", "Invalid Content-Length header."))
        if length > MAX_BODY:
            raise _BodyError(_failure(413, "EntityTooLarge", "The request body is too large."))
        return self.rfile.read(length) if length else b""

    def _read_chunked(self) -> bytes:
        chunks: list[bytes] = []
        total = 0
        while True:
            try:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
            except ValueError:
                raise _BodyError(_failure(400, "BadRequest", "Malformed chunked body.")) from None
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(chunks)
            total += size
            if total > MAX_BODY:
                raise _BodyError(_failure(413, "EntityTooLarge", "The request body is too large."))
            chunks.append(self.rfile.read(size))
            self.rfile.readline()

    def _respond(self, path: str, query: dict[str, list[str]],
                 raw: bytes) -> tuple[_Reply | None, str | None]:
        """The reply (``None``: drop the connection) and the injected fault."""
        emulator = self.server.emulator
        route = ROUTES.get(path)
        if route is None:
            return _failure(404, "RouteNotFound", "The route you request is not found."), None
        if self.command != route.method:
            return _failure(405, "MethodNotAllowed", "Method not allowed.",
                            headers={"Allow": route.method}), None
        key = (query.get("app_key") or [""])[0]
        permissions = emulator._permissions.get(key) if key else None
        if permissions is None:
            return _failure(401, "Unauthorized", "You are unauthorized."), None
        limiter = emulator._limiter(key, path)
        wait = limiter.try_acquire() if limiter is not None else 0.0
        if wait > 0:
            return _failure(429, "RequestTooFrequently", "Request too frequently.",
                            headers=_retry_after(wait)), None
        delay, fault = emulator.faults.decide(path)
        if delay > 0:
            time.sleep(delay)
        if fault == "drop_before" or emulator._stopping:
            return None, fault
        if fault == "429":
            return _failure(429, "RequestTooFrequently", "Request too frequently.",
                            headers=_retry_after(1)), fault
        if fault == "500":
            return _failure(500, "InternalError", INTERNAL_ERROR), fault
        if fault == "zero_id":
            data = {"schedule_id": 0} if path == "/schedule/create" else {"team_id": 0, "team_name": ""}
            return _success(data), fault
        if path in emulator._state.lapsed:
            return _failure(400, "ResourceNotFound", BILLING_LAPSED), fault
        reply = self._execute(route, path, permissions, raw)
        if fault == "zero_id_after" and reply.status == 200:
            reply.body["data"][ZERO_ID_FIELDS[path]] = 0
        return (None, fault) if fault == "drop_after" else (reply, fault)

    def _execute(self, route: Route, path: str, permissions: frozenset[str], raw: bytes) -> _Reply:
        body: Any = {}
        if route.method == "POST":
            media_type = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if media_type != "application/json":
                return _failure(400, "InvalidContentType", "The Content-Type must be application/json.")
        if route.permissions and not route.permissions & permissions:
            return _failure(403, "AccessDenied", "Access Denied.")
        if route.method == "POST":
            try:
                body = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
            except (UnicodeDecodeError, ValueError, RecursionError):
                body = None
            if not isinstance(body, dict):
                return _failure(400, "InvalidParameter", "The request body must be a JSON object.")
        emulator = self.server.emulator
        state = emulator._state
        try:
            if route.method == "POST":
                openapi.check(path, body)
            with state.lock:
                data = route.handler(state, Body(body), state.key_owner)
                if route.mutates:
                    state.save()
                return _success(copy.deepcopy(data))  # the reply is written after the lock is released
        except ApiError as error:
            return _failure(error.status, error.code, error.message, refs=error.refs)
        except Exception:
            emulator._log_line(f"internal error on {path}:\n{traceback.format_exc()}")
            return _failure(500, "InternalError", INTERNAL_ERROR)

    def _send(self, reply: _Reply) -> None:
        data = json.dumps(reply.body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self.send_response(reply.status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Flashcat-Request-Id", reply.body["request_id"])
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], emulator: Emulator) -> None:
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.emulator = emulator
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind resolves the host's FQDN, which can stall on a misconfigured resolver.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Unblock every handler waiting on a kept-alive connection, so stopping is prompt."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return  # the client went away; nothing to report
        self.emulator._log_line(f"error serving a request:\n{traceback.format_exc()}")


def _limit_table(rate_limits: bool | Mapping[str, RateLimit | str] | None) -> dict[str, RateLimit]:
    if rate_limits is True:
        return {"*": DEFAULT_LIMIT, "/schedule/preview": PREVIEW_LIMIT}
    if not rate_limits:
        return {}
    table = {}
    for path, limit in rate_limits.items():
        if path != "*" and path not in ROUTES:
            raise ValueError(f"rate_limits: unknown path {path!r}; use '*' or one of {', '.join(ROUTES)}")
        if isinstance(limit, str):
            limit = RateLimit.parse(limit)
        if not isinstance(limit, RateLimit):
            raise ValueError(f"rate_limits[{path!r}]: must be a RateLimit or a string such as "
                             f"'50/s,1000/min', got {limit!r}")
        table[path] = limit
    return table


def _key_table(app_key: str, keys: Mapping[str, Iterable[str]] | None) -> dict[str, frozenset[str]]:
    table = {app_key: frozenset(PERMISSIONS)}
    for key, permissions in (keys or {}).items():
        if not isinstance(key, str) or not key.strip():
            raise ValueError(f"keys: an app key must be a non-empty string, got {key!r}")
        if key == app_key:
            raise ValueError("keys: an extra key cannot be the main app key")
        granted = frozenset([permissions] if isinstance(permissions, str) else permissions)
        unknown = sorted(granted - set(PERMISSIONS))
        if unknown:
            raise ValueError(f"keys: unknown permission {unknown[0]!r}; "
                             f"expected any of {', '.join(PERMISSIONS)}")
        table[key] = granted
    return table


def _faults(faults: Faults | Mapping[str, Any] | None) -> Faults:
    if faults is None:
        return Faults()
    if isinstance(faults, Faults):
        return faults
    try:
        return Faults(**faults)
    except TypeError as exc:
        raise ValueError(f"faults: {exc}") from None


class Emulator:
    """A stateful, Flashduty-compatible HTTP server on loopback; see :mod:`flashcat_pulumi.emulator`.

    Use it as a context manager (or :meth:`start`/:meth:`stop`)::

        with Emulator() as emu:
            client = FlashdutyClient(base_url=emu.base_url, app_key=emu.app_key)

    ``seed`` is ``None`` (:data:`DEFAULT_PEOPLE`), a seed file path or a list of :class:`SeedPerson`;
    ``faults`` a :class:`Faults` or a dict of its fields; ``rate_limits`` ``True`` (Flashduty's
    limits), ``False`` or ``{path or "*": RateLimit or "50/s,1000/min"}`` (``"*"`` is one bucket per key
shared by every path without a limit of its own); ``keys`` extra app keys
    with some of :data:`PERMISSIONS`; ``state_file`` is loaded at start if it exists and rewritten
    after every change; ``clock`` gives epoch seconds for timestamps and on-call "now"; ``log``
    receives one line per request (never the app key) and internal errors.

    ``member_ids`` says how a new account numbers its members (a state file that exists keeps its
    own, as it keeps its people): ``"same"``, a member id is the person id; ``"distinct"``, member
    ids from a range of their own that is no person's id; ``"crossed"``, each member's member id is
    another member's person id, the trap for a client that mixes the two (:mod:`.state`).
    """

    def __init__(self, app_key: str | None = None,
                 seed: str | PathLike[str] | Sequence[SeedPerson] | None = None,
                 faults: Faults | Mapping[str, Any] | None = None, time_zone: str = "Asia/Shanghai",
                 rate_limits: bool | Mapping[str, RateLimit | str] = True,
                 keys: Mapping[str, Iterable[str]] | None = None,
                 state_file: str | PathLike[str] | None = None, host: str = "127.0.0.1", port: int = 0,
                 clock: Callable[[], float] = time.time, log: Callable[[str], None] | None = None,
                 member_ids: str = "same") -> None:
        try:
            ZoneInfo(time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {time_zone!r}; expected an IANA name such as "
                             f"'Asia/Shanghai'") from None
        self.app_key = secrets.token_hex(16) if app_key is None else app_key
        if not self.app_key.strip():
            raise ValueError("app_key: must not be empty")
        self.time_zone = time_zone
        self.host = host
        self.faults = _faults(faults)
        self.state_file = Path(state_file) if state_file is not None else None
        self._requested_port = port
        self._port = 0
        self._permissions = _key_table(self.app_key, keys)
        self._limits = _limit_table(rate_limits)
        self._limiters: dict[tuple[str, str], RateLimiter | None] = {}
        self._limiters_lock = threading.Lock()
        self._log = log
        self._state = State(people=resolve_seed(seed), time_zone=time_zone, clock=clock, state_file=state_file,
                            member_ids=member_ids)
        self.ui = WebConsole(self._state, ROUTES)
        """Out-of-band changes, as a person in the web console would make them (:class:`WebConsole`)."""
        self._requests: list[RequestRecord] = []
        self._requests_lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._stopping = False

    # --- lifecycle ---------------------------------------------------------------------------------

    def start(self) -> Emulator:
        """Listen and serve in a background thread; return ``self``."""
        if self._server is not None:
            raise RuntimeError("the emulator is already running")
        server = _Server((self.host, self._requested_port), self)
        self._port = server.server_address[1]
        self._server = server
        self._stopping = False
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"flashduty-emulator:{self._port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving (promptly, closing kept-alive connections) and save the state file."""
        server = self._server
        if server is None:
            return
        self._stopping = True
        server.shutdown()
        server.close_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=1.0)
        self._server = None
        self._thread = None
        self._state.save()

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        """Whether the server is listening."""
        return self._server is not None

    @property
    def port(self) -> int:
        """The port listened on (the free port picked for ``port=0``)."""
        if self._server is None:
            raise RuntimeError("the emulator is not running; call start() or use it in a with block")
        return self._port

    @property
    def base_url(self) -> str:
        """``http://HOST:PORT`` of the running emulator."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    # --- request log -------------------------------------------------------------------------------

    @property
    def requests(self) -> list[RequestRecord]:
        """Every request received so far (a copy), in the order they were answered."""
        with self._requests_lock:
            return list(self._requests)

    def clear_requests(self) -> None:
        """Forget the requests received so far."""
        with self._requests_lock:
            self._requests.clear()

    def _record(self, record: RequestRecord, started: float) -> None:
        with self._requests_lock:
            self._requests.append(record)
        if self._log is not None:
            outcome = "dropped" if record.status == 0 else str(record.status)
            fault = f" [fault {record.fault}]" if record.fault else ""
            self._log(f"{record.path} {outcome}{fault} {(time.monotonic() - started) * 1000:.1f} ms")

    def _log_line(self, line: str) -> None:
        if self._log is not None:
            self._log(line)

    # --- inspection ----------------------------------------------------------------------------------

    def schedules(self) -> list[dict[str, Any]]:
        """Every stored schedule (``ScheduleItem`` with layers, no computed shifts), oldest first."""
        with self._state.lock:
            return copy.deepcopy([item(self._state, s, layers=True, window=None)
                                  for s in self._state.schedules.values()])

    def schedule(self, schedule_id: int) -> dict[str, Any] | None:
        """One stored schedule like :meth:`schedules`; ``None`` if it does not exist."""
        with self._state.lock:
            stored = self._state.schedules.get(schedule_id)
            return None if stored is None else copy.deepcopy(item(self._state, stored, layers=True, window=None))

    def teams(self) -> list[dict[str, Any]]:
        """Every team (``TeamItem``), oldest first."""
        with self._state.lock:
            return copy.deepcopy([team_item(self._state, t) for t in self._state.teams.values()])

    def team(self, team_id: int) -> dict[str, Any] | None:
        """One team (``TeamItem``); ``None`` if it does not exist."""
        with self._state.lock:
            stored = self._state.teams.get(team_id)
            return None if stored is None else copy.deepcopy(team_item(self._state, stored))

    def people(self) -> list[dict[str, Any]]:
        """Everyone in the account (``PersonItem``, phone unmasked, plus ``member_id``), including invited people."""
        with self._state.lock:
            return [{**person_item(self._state, p), "phone": p["phone"],
                     "member_id": self._state.member_id(p["person_id"])} for p in self._state.people.values()]

    # --- rate limits -----------------------------------------------------------------------------

    def _limiter(self, key: str, path: str) -> RateLimiter | None:
        """The limiter counting this request: a path with a limit of its own (``/schedule/preview``)
        has its own bucket per key; every other path shares the key's ``"*"`` bucket, as the API
        counts its limit per account over all operations."""
        bucket = path if path in self._limits else "*"
        with self._limiters_lock:
            if (key, bucket) not in self._limiters:
                limit = self._limits.get(bucket)
                self._limiters[key, bucket] = None if limit is None else RateLimiter(limit)
            return self._limiters[key, bucket]
