"""What the resources' input models share: pydantic plumbing for Pulumi's inputs.

Each resource declares one pydantic model of its inputs (``TeamArgs``, ``ScheduleArgs`` and their
parts); this module gives them the behaviour Pulumi's ``check`` needs:

* every leaf is one of the small parsers of :mod:`._forms`, run by :func:`leaf`, so the friendly
  forms, the API's own spellings and the canonical forms are all accepted;
* values not known yet (``pulumi.output.Unknown``, during preview) pass through unvalidated, at
  any depth, and the checks that need them are skipped;
* failures are collected, never raised: :func:`check` returns each as a :class:`Failure` with its
  property path (``layers[1].restrict_periods[0].restrict_end``) and what is allowed; an unknown
  key is one failure that suggests the closest allowed key.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from typing import Annotated, Any, ClassVar, NamedTuple, TypeVar

from pulumi.output import Unknown
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationError,
    ValidationInfo,
    WrapValidator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from flashcat_pulumi.resources._forms import (
    FormError,
    parse_person,
    parse_string,
    person_order,
    remembering,
    show,
)

__all__ = [
    "SKIPPED",
    "Args",
    "Failure",
    "Stored",
    "check",
    "check_stored",
    "fail",
    "failures_of",
    "field",
    "has_unknown",
    "is_known",
    "leaf",
    "listed",
    "optional",
    "parse_each",
    "path_of",
    "people",
    "reject",
    "sorted_known",
    "strings",
    "unwrap_stored",
]

M = TypeVar("M", bound="Args")

_REASON = "flashduty"
SKIPPED = "flashduty_skipped"
"""Error type of a value that cannot be read because another one failed (reported there already)."""


class Failure(NamedTuple):
    """One problem in a resource's inputs: where (``layers[1].groups[0]``) and what is allowed."""

    path: str
    reason: str


def reject(reason: str) -> PydanticCustomError:
    """The error for a value that cannot be used (``reason`` says what is allowed)."""
    return PydanticCustomError(_REASON, "{reason}", {"reason": reason})


def fail(failures: Mapping[str | tuple[str | int, ...], str], title: str = "inputs") -> ValidationError:
    """Failures of several fields of one model at once, raised from a model validator:
    ``raise fail({"layer_end": "must be after ..."})``. Keys are field names or loc tuples."""
    return ValidationError.from_exception_data(title, [
        InitErrorDetails(type=reject(reason), loc=(where,) if isinstance(where, str) else where, input=None)
        for where, reason in failures.items()])


_SCALARS = frozenset({int, float, str, bool, type(None)})
# Type tuples, not `list | tuple`: a union written in the call is built again at every call.
_SEQUENCE = (list, tuple)
_HASHABLE = frozenset({int, float, str, bool})
_ALONE = (str, int, float)


def is_known(*values: Any) -> bool:
    """Whether none of ``values`` is, or holds, a value not known yet."""
    for value in values:  # noqa: SIM110 - a plain loop: check() calls this for every value
        if type(value) not in _SCALARS and has_unknown(value):
            return False
    return True


def has_unknown(value: Any) -> bool:
    """Whether ``value`` is, or holds (in dicts, lists, tuples), a value not known yet."""
    if isinstance(value, Unknown):
        return True
    if isinstance(value, dict):
        value = value.values()
    elif not isinstance(value, _SEQUENCE):
        return False
    for item in value:  # noqa: SIM110 - a plain loop: check() calls this for every value
        if type(item) not in _SCALARS and has_unknown(item):
            return True
    return False


# What a parser raises only by mistake, and pydantic would let escape from check (it turns a stray
# ValueError into a failure itself). Caught at the field as a last resort, so that the failure names
# the property; every parser should refuse its bad values with a FormError instead.
_UNFORESEEN = (ArithmeticError, AttributeError, LookupError, RecursionError, TypeError)


def _at_the_field(error: Exception) -> PydanticCustomError:
    return reject(f"cannot be checked ({type(error).__name__}: {error}); this is a bug in flashcat-pulumi, "
                  f"please report it with the value")


def field(validate: Callable[..., Any], *, required: bool = False, info: bool = False) -> Any:
    """A field checked by ``validate(value)`` (``validate(value, info)`` with ``info=True``, for the
    validation context), which raises :class:`FormError` or a :class:`ValidationError` with failures
    below the field. Values not known yet pass untouched.

    An absent field takes its declared default unchecked, except a ``required`` one, whose default
    ``None`` goes through ``validate`` so that it can say what is missing.
    """
    if info:
        def run_with_info(value: Any, validation: ValidationInfo) -> Any:
            if isinstance(value, Unknown):
                return value
            try:
                return validate(value, validation)
            except FormError as error:
                raise reject(str(error)) from None
            except _UNFORESEEN as error:
                raise _at_the_field(error) from error
        return _annotated(PlainValidator(run_with_info), required)

    def run(value: Any) -> Any:
        if isinstance(value, Unknown):
            return value
        try:
            return validate(value)
        except FormError as error:
            raise reject(str(error)) from None
        except _UNFORESEEN as error:
            raise _at_the_field(error) from error
    return _annotated(PlainValidator(run), required)


def _annotated(validator: PlainValidator, required: bool) -> Any:
    # Validators without the info argument, and none at all for absent optional fields: check() runs
    # for every resource at every preview, so the common path is kept short.
    if required:
        return Annotated[Any, validator, Field(validate_default=True)]
    return Annotated[Any, validator]


def leaf(parse: Callable[..., Any], *, required: str | None = None, zone: bool = False) -> Any:
    """A field read by ``parse``, a pure function that raises :class:`FormError`. Absent, it takes
    its declared default, or fails with ``required`` (which says what to give) when that is set.
    ``zone=True`` passes the schedule's time zone (from the validation context) to ``parse`` too.

    Results are remembered per field: programs repeat the same values across layers and schedules.
    """
    cached = remembering(parse)

    # One closure per field, calling the cache directly: every preview runs these for every value.
    if zone:
        def read_in_zone(value: Any, validation: ValidationInfo) -> Any:
            if isinstance(value, Unknown):
                return value
            try:
                if value is None:
                    if required is not None:
                        raise FormError(required)
                    return None
                where = (validation.context or {}).get("zone")
                return cached(value, where) if type(value) in _HASHABLE else parse(value, where)
            except FormError as error:
                raise reject(str(error)) from None
            except _UNFORESEEN as error:
                raise _at_the_field(error) from error
        return _annotated(PlainValidator(read_in_zone), required is not None)

    def read(value: Any) -> Any:
        if isinstance(value, Unknown):
            return value
        try:
            if value is None:
                if required is not None:
                    raise FormError(required)
                return None
            return cached(value) if type(value) in _HASHABLE else parse(value)
        except FormError as error:
            raise reject(str(error)) from None
        except _UNFORESEEN as error:
            raise _at_the_field(error) from error
    return _annotated(PlainValidator(read), required is not None)


def parse_each(value: Any, parse: Callable[[Any], Any], what: str, *, alone: bool = True) -> list[Any]:
    """``parse`` applied to every item of a list, failures (also those of a model ``parse`` validates)
    reported under ``[i]``. With ``alone``, one item given on its own (a string or a number) is a
    list of one, whose failure is reported at the field itself."""
    if type(value) is not list:
        if alone and isinstance(value, _ALONE):
            return [parse(value)]
        if not isinstance(value, _SEQUENCE):
            raise FormError(f"must be a list of {what}, got {show(value)}")
        value = list(value)
    try:  # the usual case, every item good, without the bookkeeping that places failures
        return [item if isinstance(item, Unknown) else parse(item) for item in value]
    except (FormError, ValidationError):
        return _parse_placing_failures(value, parse, what)  # parsers are pure: parsing again is safe


def _parse_placing_failures(value: list[Any], parse: Callable[[Any], Any], what: str) -> list[Any]:
    """:func:`parse_each` of a list, every item's failure reported under its ``[i]``."""
    parsed: list[Any] = []
    errors: list[InitErrorDetails] = []
    for index, item in enumerate(value):
        if isinstance(item, Unknown):
            parsed.append(item)
            continue
        try:
            parsed.append(parse(item))
        except FormError as error:
            errors.append(InitErrorDetails(type=reject(str(error)), loc=(index,), input=item))
        except ValidationError as invalid:
            errors += _relocated(invalid, (index,))
    if errors:
        raise ValidationError.from_exception_data(what, errors)
    return parsed


def _relocated(invalid: ValidationError, prefix: tuple[str | int, ...] = ()) -> list[InitErrorDetails]:
    """The errors of ``invalid``, kept with their kind and message, under ``prefix``."""
    return [InitErrorDetails(type=PydanticCustomError(error["type"], "{reason}", {"reason": error["msg"]}),
                             loc=(*prefix, *error["loc"]), input=error.get("input"))
            for error in invalid.errors()]


def sorted_known(items: Iterable[Any], key: Callable[[Any], Any]) -> list[Any]:
    """Sorted by ``key``; items not known yet follow in their given order (they cannot be compared)."""
    items = list(items)
    if len(items) < 2:
        return items
    if all(type(item) in _SCALARS for item in items):
        return sorted(items, key=key)
    known, unknown = [], []
    for item in items:
        (known if is_known(item) else unknown).append(item)
    return sorted(known, key=key) + unknown


def strings(parse: Callable[[Any], str] = parse_string, *, optional: bool = False) -> Any:
    """A list of strings as a sorted set; ``None`` is empty, or stays ``None`` when ``optional``."""
    def validate(value: Any) -> Any:
        if value is None:
            return None if optional else []
        if isinstance(value, str):
            raise FormError(f"must be a list of strings, got {show(value)}")
        return sorted_known(dict.fromkeys(parse_each(value, parse, "strings")), str)
    return field(validate)


def people(*, empty: str | None = None, optional: bool = False) -> Any:
    """People (or one person given alone): ids and emails, deduplicated, ids ascending then emails.

    ``None`` is no one, or stays ``None`` when ``optional``; no one fails with ``empty`` when set.
    """
    def validate(value: Any) -> Any:
        if value is None and optional:
            return None
        refs = parse_each([] if value is None else value, parse_person, "person ids or emails")
        if not refs and empty is not None:
            raise FormError(empty)
        return sorted_known(dict.fromkeys(refs), person_order)
    return field(validate, required=empty is not None and not optional)


def _keep_unknown(value: Any, handler: Callable[[Any], Any]) -> Any:
    return value if isinstance(value, Unknown) else handler(value)


def optional(model: type[Args]) -> Any:
    """A field holding one ``model`` object, or ``None``, or a value not known yet."""
    return Annotated[model | None, WrapValidator(_keep_unknown)]


def listed(item: Any, what: str, *, required: str | None = None) -> Any:
    """A list field of ``item`` (any item may be unknown): ``None`` is empty, a tuple is a list,
    anything else fails with "must be a list of <what>"; empty fails with ``required`` when given."""
    def validate(value: Any, handler: Callable[[Any], Any]) -> Any:
        if isinstance(value, Unknown):
            return value
        if value is None:
            value = []
        if isinstance(value, tuple):
            value = list(value)
        if not isinstance(value, list):
            raise reject(f"must be a list of {what}, got {show(value)}")
        if not value and required is not None:
            raise reject(required)
        return handler(value)

    # A model item needs unknown values let through before it; a field() item lets them through itself.
    items = list[Annotated[item, WrapValidator(_keep_unknown)]] if isinstance(item, type) else list[item]
    if required is None:
        return Annotated[items, WrapValidator(validate)]
    return Annotated[items, WrapValidator(validate), Field(validate_default=True)]


class Args(BaseModel):
    """Base of the input models: an object whose keys are the fields (plus :attr:`also_accepted`).

    Keys whose value is ``None`` count as absent (the field takes its default); keys starting with
    ``__`` belong to the Pulumi engine (``__provider``) and are ignored.
    """

    model_config = ConfigDict(extra="ignore", arbitrary_types_allowed=True)

    also_accepted: ClassVar[tuple[str, ...]] = ()
    """Keys accepted (and ignored) besides the fields, such as server-assigned fields of the API's shape."""

    @classmethod
    def allowed_keys(cls) -> tuple[str, ...]:
        return (*cls.model_fields, *cls.also_accepted)

    @classmethod
    def object_hint(cls) -> str:
        """How to describe the expected object in a message."""
        return f"an object with keys {', '.join(cls.model_fields)}"

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls._allowed = frozenset(cls.allowed_keys())

    _allowed: ClassVar[frozenset[str]] = frozenset()

    def settle(self, **meanings: Any) -> None:
        """Set fields to values the model worked out itself (in an after-validator), unvalidated."""
        self.__dict__.update(meanings)

    @model_validator(mode="wrap")
    @classmethod
    def _known_object(cls, data: Any, handler: Callable[[Any], Any]) -> Any:
        if type(data) is dict and data.keys() <= cls._allowed and None not in data.values():
            return handler(data)  # the usual case, checked at C speed
        return cls._validate_object(data, handler)

    @classmethod
    def _unknown_keys(cls, data: Mapping[str, Any]) -> list[str]:
        return [key for key, value in data.items()
                if key not in cls._allowed and value is not None and not str(key).startswith("__")]

    @classmethod
    def _validate_object(cls, data: Any, handler: Callable[[Any], Any]) -> Any:
        if isinstance(data, cls):
            return data
        if not isinstance(data, Mapping):
            raise reject(f"must be {cls.object_hint()}, got {show(data)}")
        data = {key: value for key, value in data.items() if value is not None}
        unknown = cls._unknown_keys(data)
        if not unknown:
            return handler(data)
        allowed = ", ".join(cls.allowed_keys())
        errors = []
        for key in unknown:
            close = difflib.get_close_matches(str(key), cls._allowed, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            # A key that is no name ("", "a.b", 7) is quoted, so that the path still names it.
            name = key if isinstance(key, str) and key.isidentifier() else repr(key)
            errors.append(InitErrorDetails(type=reject(f"unknown key{hint}; allowed: {allowed}"), loc=(name,),
                                           input=data[key]))
        try:
            handler({key: value for key, value in data.items() if key not in unknown})
        except ValidationError as invalid:
            errors += _relocated(invalid)
        raise ValidationError.from_exception_data(cls.__name__, errors)


def check(model: type[M], props: Any, context: Any = None) -> tuple[M | None, list[Failure]]:
    """Validate ``props`` with ``model``: the model, or ``None`` and every failure. Never raises for bad input."""
    try:
        return model.model_validate(props, context=context), []
    except ValidationError as invalid:
        return None, failures_of(invalid)


def failures_of(invalid: ValidationError) -> list[Failure]:
    """The failures of a validation error, in the order found, without the skipped ones."""
    found = []
    for error in invalid.errors():
        if error["type"] == SKIPPED:
            continue
        reason = error.get("ctx", {}).get("reason") if error["type"] in (_REASON, SKIPPED) else error["msg"]
        found.append(Failure(path_of(error["loc"]), reason or error["msg"]))
    return list(dict.fromkeys(found))


def path_of(loc: Iterable[str | int]) -> str:
    """``("layers", 1, "groups", 0)`` as ``layers[1].groups[0]``."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


# --- what the server holds -----------------------------------------------------------------------

class Stored(Unknown):
    """A value read from the server that the input rules refuse (a ``voice`` channel, a 30-minute
    rotation, an enum value newer than this release): the models pass it through like a value not
    known yet, unvalidated, and :func:`unwrap_stored` puts it back as it was."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __repr__(self) -> str:
        return f"Stored({self.value!r})"


_MAX_PASSES = 50


def check_stored(model: type[M], props: dict[str, Any], context: Any = None) -> M:
    """Validate what the server holds with ``model``, never failing: each value a rule refuses is kept
    as :class:`Stored` (the object holding it when the failure names a key that is absent)."""
    data = _copy(props)
    for _ in range(_MAX_PASSES):
        try:
            return model.model_validate(data, context=context)
        except ValidationError as invalid:
            if not any([_store_at(data, error["loc"]) for error in invalid.errors()]):
                break
    # Rules still refuse something no single value explains: keep every top-level value as it is.
    return model.model_validate({key: Stored(value) for key, value in data.items()}, context=context)


def unwrap_stored(value: Any) -> Any:
    """``value`` with every :class:`Stored` back to what the server sent (any other unknown: ``None``)."""
    if isinstance(value, Stored):
        return unwrap_stored(value.value)
    if isinstance(value, Unknown):
        return None
    if isinstance(value, dict):
        return {key: unwrap_stored(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [unwrap_stored(item) for item in value]
    return value


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_copy(item) for item in value]
    return value


def _store_at(data: dict[str, Any], loc: Iterable[str | int]) -> bool:
    """Wrap the value ``loc`` names (or the deepest object on its way that exists) as :class:`Stored`."""
    parent: Any = None
    key: Any = None
    node: Any = data
    for part in loc:
        inside = part in node if isinstance(node, dict) else \
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if inside:
            parent, key, node = node, part, node[part]
        else:
            break
    if parent is None or isinstance(node, Unknown):
        return False
    parent[key] = Stored(node)
    return True
