"""Request bodies checked against Flashduty's own OpenAPI document, before the endpoint rules.

The document ships beside this module: ``openapi.subset.json``, the 16 paths of the official
English spec copied verbatim (docs/flashduty-api.md §0 and Appendix A). For each path, the schema
of ``requestBody.content["application/json"]`` becomes a Draft 2020-12 validator, compiled once
on first use. Its ``$ref``s are inlined when it is compiled (the document has no recursive ones),
which makes validation about a third faster than resolving them on every request.

The document is known to be wrong in two ways (§12.4: its own create and preview examples fail
it), so a copy of it is relaxed, exactly this much and nothing more:

1. The six server-assigned layer fields, ``account_id``, ``schedule_id``, ``create_at``,
   ``create_by``, ``update_at`` and ``update_by``, are not required in request layers. The
   document reuses the response schema ``ScheduleLayer`` for request layers.
2. ``null`` is accepted wherever the document declares an array or an object. The document's own
   examples send ``null`` for ``notify.fixed_time``, ``notify.webhooks`` and
   ``notify.by.personal_channels``, and real traffic does the same (§8).

Everything else the document says holds: a request layer carries every other field it requires
(``name``, ``hidden``, ``weight``, ``enable_time``, ``expire_time``, ``rotation_unit`` from the
enum, ...), a group ``group_name``, ``name``, ``members``, ``start`` and ``end``, a ``notify``
its ``fixed_time``, ``by`` and ``webhooks``, webhook settings all six fields. Unknown fields pass,
since the document does not forbid them (§8), and ``format`` is an annotation, as Draft 2020-12
has it (the team rules check email addresses themselves).

A path the document does not list (the unlisted ``/schedule/enable`` and ``/schedule/disable``,
docs/flashduty-api.md §9.4) has no schema to check here: its endpoint checks its body alone.

A body that fails answers 400 ``InvalidParameter`` with one failure, as a real server reports
one: the shallowest (more is wrong higher up, as :func:`jsonschema.exceptions.best_match` also
judges), then the first by path. The message names the field path as the endpoint rules do:
``layers[0].rotation_unit: 'fortnight' is not one of ['hour', 'day', 'week', 'month']``,
``layers[0]: name is required``.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from flashcat_pulumi.emulator.errors import invalid

__all__ = ["DOCUMENT", "SERVER_ASSIGNED", "check", "describe", "load_document", "relax", "request_schema"]

DOCUMENT = Path(__file__).with_name("openapi.subset.json")
SERVER_ASSIGNED = ("account_id", "schedule_id", "create_at", "create_by", "update_at", "update_by")
"""The layer fields the server assigns, which the document wrongly requires in requests."""
_REF_PREFIX = "#/components/schemas/"
_SHOWN = 60

Schema = dict[str, Any]


def load_document() -> dict[str, Any]:
    """The shipped OpenAPI document, parsed afresh (the caller owns the copy)."""
    return json.loads(DOCUMENT.read_text(encoding="utf-8"))


def relax(document: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``document`` with the two relaxations of the module docstring; ``document`` is untouched.

    Raises :class:`ValueError` if a relaxation no longer applies (the shipped document changed).
    """
    schemas = document["components"]["schemas"]
    layer_required = schemas["ScheduleLayer"]["required"]
    missing = [name for name in SERVER_ASSIGNED if name not in layer_required]
    if missing:
        raise ValueError(f"ScheduleLayer no longer requires {', '.join(missing)}: revisit the relaxation")
    relaxed = {name: _accept_null(schema) for name, schema in schemas.items()}
    relaxed["ScheduleLayer"]["required"] = [name for name in layer_required if name not in SERVER_ASSIGNED]
    return {**document, "components": {**document["components"], "schemas": relaxed}}


def request_schema(document: dict[str, Any], path: str) -> Schema:
    """The JSON schema of ``path``'s request body in ``document``, self-contained (``$ref``s inlined)."""
    content = document["paths"][path]["post"]["requestBody"]["content"]["application/json"]
    return _inline(content["schema"], document["components"]["schemas"], ())


def check(path: str, body: dict[str, Any]) -> None:
    """Raise :func:`~.errors.invalid` when ``body`` does not satisfy the relaxed schema of ``path``
    (nothing for a path the document does not list)."""
    validator = _validator(path)
    error = None if validator is None else _most_relevant(validator.iter_errors(body))
    if error is not None:
        raise invalid(describe(error))


def describe(error: ValidationError) -> str:
    """The failure as ``<field path>: <what is wrong>``, long values cut short."""
    where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in error.absolute_path)
    where = where.removeprefix(".")
    if error.validator == "required":
        missing = next(name for name in error.validator_value if name not in error.instance)
        return f"{where}: {missing} is required" if where else f"{missing} is required"
    message, shown = error.message, repr(error.instance)
    if len(shown) > _SHOWN and message.startswith(shown):  # jsonschema starts most messages with the value
        message = shown[:_SHOWN - 3] + "..." + message[len(shown):]
    return f"{where}: {message}" if where else message


@functools.cache
def _validator(path: str) -> Draft202012Validator | None:
    document = _relaxed_document()
    return Draft202012Validator(request_schema(document, path)) if path in document["paths"] else None


@functools.cache
def _relaxed_document() -> dict[str, Any]:
    return relax(load_document())


def _most_relevant(errors: Iterable[ValidationError]) -> ValidationError | None:
    # Paths of equal length compare safely: where they first differ, both index the same container.
    return min(errors, key=lambda error: (len(error.absolute_path), tuple(error.absolute_path)), default=None)


def _subschemas(schema: Schema, visit: Callable[[Schema], Schema]) -> Schema:
    """A copy of ``schema`` with ``visit`` applied to each direct subschema (the document uses
    ``properties``, ``items`` and ``additionalProperties``, and no combinators)."""
    result = dict(schema)
    if "properties" in result:
        result["properties"] = {name: visit(sub) for name, sub in result["properties"].items()}
    for key in ("items", "additionalProperties"):
        if isinstance(result.get(key), dict):
            result[key] = visit(result[key])
    return result


def _accept_null(schema: Schema) -> Schema:
    result = _subschemas(schema, _accept_null)
    declared = result.get("type")
    types = [declared] if isinstance(declared, str) else list(declared or [])
    if {"object", "array"} & set(types) and "null" not in types:
        result["type"] = [*types, "null"]
    return result


def _inline(schema: Schema, schemas: dict[str, Schema], seen: tuple[str, ...]) -> Schema:
    ref = schema.get("$ref")
    if ref is None:
        return _subschemas(schema, lambda sub: _inline(sub, schemas, seen))
    if not ref.startswith(_REF_PREFIX) or ref in seen:
        raise ValueError(f"cannot inline $ref {ref!r} (outside components/schemas, or recursive)")
    return _inline(schemas[ref.removeprefix(_REF_PREFIX)], schemas, (*seen, ref))
