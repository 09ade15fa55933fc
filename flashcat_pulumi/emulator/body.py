"""Reading a request body field by field, as the endpoint rules need it.

API requests reach the rules after the OpenAPI schema (:mod:`.openapi`) has checked their shape,
but the web console's changes (:mod:`.console`) do not pass through the schema, so the reader
still checks the type of every field it reads. It also applies the emulator's reading of the
document: ``null`` counts as absent (the document's own examples send ``null`` for empty arrays
and objects), and integral floats such as ``86400.0`` are integers, as they are in JSON Schema.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from flashcat_pulumi.emulator.errors import invalid

__all__ = ["Body", "check_range", "dedupe", "show"]


def show(value: Any) -> str:
    """``value`` as JSON for a message, cut to 60 characters."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def check_range(value: int, where: str, lo: int | None, hi: int | None, unit: str = "") -> int:
    """``value``, or :func:`~.errors.invalid` naming ``where`` when it is outside ``[lo, hi]``."""
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        if lo is not None and hi is not None:
            rule = f"must be between {lo} and {hi}{unit}"
        elif lo is not None:
            rule = f"must be at least {lo}{unit}"
        else:
            rule = f"must be at most {hi}{unit}"
        raise invalid(f"{where}: {rule}, got {value}")
    return value


def dedupe(values: Iterable[int]) -> list[int]:
    """``values`` in order without repeats (ids listed twice in a request count once)."""
    return list(dict.fromkeys(values))


def _integer(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (
            isinstance(value, float) and not value.is_integer()):
        raise invalid(f"{where}: must be an integer, got {show(value)}")
    return int(value)


class Body:
    """A JSON object of a request; ``where`` is its path in the request, for messages."""

    def __init__(self, data: Mapping[str, Any], where: str = "") -> None:
        self.data = data
        self.where = where

    def at(self, key: str) -> str:
        """The path of ``key`` for messages, such as ``layers[0].mode``."""
        return f"{self.where}.{key}" if self.where else key

    def has(self, key: str) -> bool:
        """Whether ``key`` is present and not ``null``."""
        return self.data.get(key) is not None

    def integer(self, key: str, *, default: int | None = None, lo: int | None = None,
                hi: int | None = None, unit: str = "") -> Any:
        """The integer at ``key`` within ``[lo, hi]``, ``default`` when absent."""
        value = self.data.get(key)
        if value is None:
            return default
        return check_range(_integer(value, self.at(key)), self.at(key), lo, hi, unit)

    def string(self, key: str, *, max_len: int | None = None) -> str | None:
        """The string at ``key`` (at most ``max_len`` characters), ``None`` when absent."""
        value = self._get(key, str, "a string")
        if value is not None and max_len is not None and len(value) > max_len:
            raise invalid(f"{self.at(key)}: must be at most {max_len} characters, got {len(value)}")
        return value

    def boolean(self, key: str) -> bool:
        """The boolean at ``key``, false when absent."""
        return bool(self._get(key, bool, "true or false"))

    def integers(self, key: str) -> list[int] | None:
        """The list of integers at ``key``, ``None`` when absent."""
        values = self._list(key)
        return None if values is None else [_integer(v, f"{self.at(key)}[{i}]") for i, v in enumerate(values)]

    def strings(self, key: str) -> list[str] | None:
        """The list of strings at ``key``, ``None`` when absent."""
        values = self._list(key)
        if values is None:
            return None
        for i, value in enumerate(values):
            if not isinstance(value, str):
                raise invalid(f"{self.at(key)}[{i}]: must be a string, got {show(value)}")
        return values

    def obj(self, key: str) -> Body | None:
        """The object at ``key``, ``None`` when absent."""
        value = self._get(key, dict, "an object")
        return None if value is None else Body(value, self.at(key))

    def objects(self, key: str) -> list[Body] | None:
        """The list of objects at ``key``, ``None`` when absent."""
        values = self._list(key)
        if values is None:
            return None
        bodies = []
        for i, value in enumerate(values):
            if not isinstance(value, dict):
                raise invalid(f"{self.at(key)}[{i}]: must be an object, got {show(value)}")
            bodies.append(Body(value, f"{self.at(key)}[{i}]"))
        return bodies

    def _list(self, key: str) -> list[Any] | None:
        return self._get(key, list, "a list")

    def _get(self, key: str, kind: type, described: str) -> Any:
        """The value at ``key`` if it is a ``kind`` (``described`` for the message), ``None`` when absent."""
        value = self.data.get(key)
        if value is not None and not isinstance(value, kind):
            raise invalid(f"{self.at(key)}: must be {described}, got {show(value)}")
        return value
