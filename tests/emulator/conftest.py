"""Shared helpers of the emulator tests: raw HTTP calls, and request bodies complete per the
vendor's OpenAPI document (every field it requires but the server-assigned ones), as its
``/schedule/create`` example writes them, with any field overridden.

Test modules import them as ``tests.emulator.conftest`` (the name pytest's importlib mode gives
this file), so there is one copy of the module.
"""

from __future__ import annotations

import copy
from typing import Any

import httpx
import pytest

from flashcat_pulumi.emulator import Emulator

KEY = "test-app-key-0123456789"
OWNER, ALICE, BOB, CAROL, DAVE, ERIN, FRANK = range(2476444212130, 2476444212137)
HOUR = 3600
DAY = 86400
DAY0 = 1776009600  # 2026-04-13 00:00 +08:00, a Monday
NOW = DAY0 + 3 * HOUR
DELETE = object()
"""A value for :func:`changed`: remove the field."""
DEFAULTS = {"app_key": KEY, "clock": lambda: NOW}
"""The emulator of every test module unless a test says otherwise (``pytest.mark.emulator``)."""


class Api:
    """Raw calls: ``post`` returns the response, ``ok`` the checked ``data``, ``fail`` the checked error."""

    def __init__(self, emu: Emulator, key: str | None = None) -> None:
        self.key = emu.app_key if key is None else key
        self.http = httpx.Client(base_url=emu.base_url, timeout=10)

    def post(self, path: str, body: Any = None, *, key: str | None = "", **kwargs: Any) -> httpx.Response:
        params = {} if key is None else {"app_key": key or self.key}
        if "content" not in kwargs:
            kwargs["json"] = {} if body is None else body
        return self.http.post(path, params=params, **kwargs)

    def ok(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        response = self.post(path, body, **kwargs)
        assert response.status_code == 200, response.text
        envelope = response.json()
        assert set(envelope) == {"request_id", "data"}
        assert response.headers["Flashcat-Request-Id"] == envelope["request_id"]
        return envelope["data"]

    def fail(self, path: str, body: Any, code: str, status: int = 400, **kwargs: Any) -> str:
        response = self.post(path, body, **kwargs)
        envelope = response.json()
        assert (response.status_code, envelope["error"]["code"]) == (status, code), response.text
        assert response.headers["Flashcat-Request-Id"] == envelope["request_id"]
        return envelope["error"]["message"]

    def close(self) -> None:
        self.http.close()


@pytest.fixture
def api(emulator):
    client = Api(emulator)
    yield client
    client.close()


def group(group_name: str, *person_ids: int, role_id: int = 0, **fields: Any) -> dict[str, Any]:
    """A complete group (``name`` equal to ``group_name``): ``person_ids`` in one role slot;
    ``fields`` override."""
    return {"group_name": group_name, "name": group_name,
            "members": [{"role_id": role_id, "person_ids": list(person_ids)}], "start": 0, "end": 0, **fields}


def layer(*person_ids: int, **fields: Any) -> dict[str, Any]:
    """A complete layer: a daily rotation from DAY0 with one group per person (default Alice, Bob)
    named A, B, ...; ``fields`` override (the legacy spellings too: set ``layer_start`` and
    ``enable_time`` alike where it matters)."""
    people = person_ids or (ALICE, BOB)
    return {"layer_name": "Daily", "name": "Daily", "mode": 0, "weight": 0, "hidden": 0,
            "groups": [group(chr(65 + i), pid) for i, pid in enumerate(people)],
            "rotation_unit": "day", "rotation_value": 1, "rotation_duration": DAY, "handoff_time": 0,
            "layer_start": DAY0, "enable_time": DAY0, "layer_end": None, "expire_time": 0,
            "restrict_mode": 0, "restrict_start": 0, "restrict_end": 0, "restrict_periods": [],
            "day_mask": None, "fair_rotation": False, "mask_continuous_enabled": False, **fields}


def override(person_id: int, start: int, end: int, **fields: Any) -> dict[str, Any]:
    """A complete override layer (mode 1): ``person_id`` on call in ``[start, end)``."""
    return layer(layer_name="Override", name="Override", mode=1, groups=[group("X", person_id)],
                 layer_start=start, enable_time=start, layer_end=end, expire_time=end, **fields)


def notify(**fields: Any) -> dict[str, Any]:
    """A complete notify: no reminders; ``fields`` override."""
    return {"advance_in_time": 0, "fixed_time": None, "by": {"follow_preference": False, "personal_channels": []},
            "webhooks": [], **fields}


def webhook(kind: str, **settings: Any) -> dict[str, Any]:
    """A complete group-chat webhook of type ``kind``: all six settings; ``settings`` override."""
    return {"type": kind, "settings": {"token": "", "alias": "", "data_source_id": 0, "chat_ids": [],
                                       "verify_token": "", "sign_secret": "", **settings}}


def schedule_body(name: str = "Primary", *person_ids: int, **fields: Any) -> dict[str, Any]:
    """A complete create body with one :func:`layer`; ``fields`` override."""
    return {"schedule_name": name, "description": "on call", "layers": [layer(*person_ids)], **fields}


def changed(body: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of ``body`` with the dotted ``path`` (list indexes as numbers) set, or removed by DELETE."""
    body = copy.deepcopy(body)
    *parents, last = path.split(".")
    node: Any = body
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if value is DELETE:
        del node[last]
    elif isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return body


def create(api: Api, *args: Any, **fields: Any) -> int:
    """Create :func:`schedule_body` ``(*args, **fields)``; its id."""
    return api.ok("/schedule/create", schedule_body(*args, **fields))["schedule_id"]


def window(start: int = DAY0, days: int = 2) -> dict[str, int]:
    return {"start": start, "end": start + days * DAY}
