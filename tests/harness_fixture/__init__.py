"""A tiny dynamic provider for testing tests/engine.py itself.

``Note`` records live in a JSON file (the provider's only attribute, so each file gets its own
``__provider`` string and therefore its own ``configure()`` in a shared server process). Every
call is appended to the file's ``calls`` log with the values the provider saw, unknowns written as
:data:`UNKNOWN_MARK`, so tests can assert on what crossed the wire. It lives in an importable
package so the provider is pickled by reference, like the project's real providers.
"""

from __future__ import annotations

import hashlib
import json
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    Resource,
    ResourceProvider,
    UpdateResult,
)
from pulumi.output import Unknown
from pulumi.runtime import rpc

__all__ = ["EXPLODE", "UNKNOWN_MARK", "Note", "NoteProvider", "load", "save"]

UNKNOWN_MARK = "<unknown>"
EXPLODE = "explode"
"""A ``text`` that makes ``create`` raise."""

#: The inputs a note stores and diff compares.
FIELDS = ("text", "size", "owner_id", "password")

_LOCK = threading.Lock()


def load(path: str | Path) -> dict[str, Any]:
    """The file's content: ``records`` (id → stored inputs), ``calls`` (the log), ``configured``."""
    path = Path(path)
    if not path.exists():
        return {"records": {}, "calls": [], "configured": None, "next": 1}
    return json.loads(path.read_text())


def save(path: str | Path, db: dict[str, Any]) -> None:
    """Write the file back (tests use it for out-of-band changes)."""
    Path(path).write_text(json.dumps(db, indent=1, sort_keys=True))


def _jsonable(value: Any) -> Any:
    if isinstance(value, Unknown):
        return UNKNOWN_MARK
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items() if key != "__provider"}
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    return value


class NoteProvider(ResourceProvider):
    """CRUD on the JSON file; ``fingerprint`` is a provider-marked secret output, ``note_id`` an
    output-only property, ``idPrefix`` (project config) prefixes ids."""

    def __init__(self, db_path: str) -> None:
        super().__init__()
        self.db_path = db_path

    @contextmanager
    def _db(self) -> Iterator[dict[str, Any]]:
        with _LOCK:
            db = load(self.db_path)
            yield db
            save(self.db_path, db)

    def _log(self, op: str, **values: Any) -> None:
        with self._db() as db:
            db["calls"].append({"op": op, **_jsonable(values)})

    def configure(self, req: ConfigureRequest) -> None:
        self.prefix = req.config.get("idPrefix") or "note"
        with self._db() as db:
            db["configured"] = {"idPrefix": req.config.get("idPrefix"), "token": req.config.get("harness:token")}

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        self._log("check", olds=olds, news=news, types={key: type(v).__name__ for key, v in news.items()})
        failures = []
        text = news.get("text")
        if isinstance(text, str):
            text = text.strip()
            if not text:
                failures.append(CheckFailure("text", "must not be empty"))
        size = news.get("size", 1)
        if isinstance(size, float) and size < 0:
            failures.append(CheckFailure("size", "must not be negative"))
        return CheckResult({**news, "text": text, "size": size}, failures)

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        self._log("diff", id=id_, olds=olds, news=news)
        changed = [key for key in FIELDS if isinstance(news.get(key), Unknown) or olds.get(key) != news.get(key)]
        return DiffResult(changes=bool(changed), replaces=[])

    def _outs(self, id_: str, record: dict[str, Any]) -> dict[str, Any]:
        fingerprint = hashlib.sha256(record["text"].encode()).hexdigest()[:12]
        return {**record, "note_id": id_, "fingerprint": rpc.wrap_rpc_secret(fingerprint)}

    def create(self, props: dict[str, Any]) -> CreateResult:
        self._log("create", props=props)
        if props["text"] == EXPLODE:
            print(f"note {EXPLODE!r} is about to fail", file=sys.stderr)
            raise RuntimeError(f"remote refused note {EXPLODE!r}")
        record = {key: props[key] for key in FIELDS if key in props}
        with self._db() as db:
            id_ = f"{self.prefix}-{db['next']}"
            db["next"] += 1
            db["records"][id_] = record
        return CreateResult(id_, self._outs(id_, record))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        self._log("read", id=id_, props=props)
        record = load(self.db_path)["records"].get(id_)
        if record is None:
            return ReadResult(None, {})
        return ReadResult(id_, self._outs(id_, record), inputs=record)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        self._log("update", id=id_, olds=olds, news=news)
        record = {key: news[key] for key in FIELDS if key in news}
        with self._db() as db:
            db["records"][id_] = record
        return UpdateResult(self._outs(id_, record))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        self._log("delete", id=id_, props=props)
        with self._db() as db:
            db["records"].pop(id_, None)


class Note(Resource, module="harness", name="Note"):
    """A note; ``owner_id`` can take another note's ``note_id``."""

    text: pulumi.Output[str]
    size: pulumi.Output[int]
    owner_id: pulumi.Output[str]
    password: pulumi.Output[str]
    note_id: pulumi.Output[str]
    fingerprint: pulumi.Output[str]

    def __init__(self, resource_name: str, db_path: str | Path, *, text: pulumi.Input[str],
                 size: pulumi.Input[int] | None = None, owner_id: pulumi.Input[str] | None = None,
                 password: pulumi.Input[str] | None = None, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(NoteProvider(str(db_path)), resource_name,
                         {"text": text, "size": size, "owner_id": owner_id, "password": password,
                          "note_id": None, "fingerprint": None}, opts)
