"""The friendly input forms, each a small parser paired with the renderer of its canonical form.

A parser takes anything a program may write for one value (``"1d12h"``, a ``timedelta``, seconds
as Pulumi's floats) and returns its *meaning* (seconds, epoch seconds, weekday numbers ...), or
raises :class:`FormError` saying what is allowed. A renderer turns a meaning into the one readable
spelling that Pulumi stores and ``pulumi preview --diff`` shows; parsing that spelling gives the
meaning back, so canonical forms survive any number of round trips. Pure code: no Pulumi, no network.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flashcat_pulumi.identity import PersonRef

__all__ = [
    "DAY",
    "DAY_SETS",
    "HOUR",
    "MAX_EPOCH",
    "MAX_WHOLE",
    "MINUTE",
    "WEEK",
    "FormError",
    "forget",
    "name_parser",
    "parse_boolean",
    "parse_clock",
    "parse_day_mask_day",
    "parse_duration",
    "parse_handoff",
    "parse_instant",
    "parse_person",
    "parse_restrict_mode",
    "parse_string",
    "parse_weekday",
    "parse_window",
    "parse_window_bound",
    "parse_zone",
    "person_order",
    "read_wall_clock",
    "remembering",
    "render_clock",
    "render_day_mask",
    "render_duration",
    "render_handoff",
    "render_instant",
    "render_restrict_mode",
    "render_window",
    "render_window_bound",
    "show",
    "split_window",
    "text_parser",
    "whole_number",
]

MINUTE, HOUR, DAY, WEEK = 60, 3600, 86400, 7 * 86400
_EPOCH = datetime(1970, 1, 1)
_EPOCH_UTC = datetime(1970, 1, 1, tzinfo=timezone.utc)
_SECOND = timedelta(seconds=1)
# Instants are epoch seconds in [0, MAX_EPOCH): numbers from 10^11 on are taken for milliseconds (docs
# §8: the API never sends those), so an instant there could be sent but never read back. The API's
# int64 would go further; this bound is the provider's, and with it every instant renders in any zone.
MAX_EPOCH = 10**11  # 5138-11-16T09:46:40Z
_LATEST = "5138-11-16T09:46:40Z"
# Pulumi passes every number as a 64-bit float: whole numbers beyond 2^53 are not exact there, and
# the API's ids and seconds (int64) stay far below it.
MAX_WHOLE = 2**53
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
RESTRICT_MODES = ("none", "daily", "weekly")
DAY_SETS = {"weekdays": [1, 2, 3, 4, 5], "weekends": [0, 6]}

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
# ASCII digits only: "١٢:٠٠" is no time of day here. At most 16 digits a part (2^53 has 16), so that
# int() never meets a string of thousands; parse_duration checks the total against MAX_WHOLE.
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$", re.ASCII)
_DURATION = re.compile(r"^(?:(\d{1,16})w)?(?:(\d{1,16})d)?(?:(\d{1,16})h)?(?:(\d{1,16})m)?(?:(\d{1,16})s)?$",
                       re.ASCII)
_DURATION_UNITS = (("w", WEEK), ("d", DAY), ("h", HOUR), ("m", MINUTE), ("s", 1))
_NUMBER = (int, float)  # a tuple: a union written in the call is built again at every call


class FormError(ValueError):
    """A value that cannot be used; the message says what is allowed."""


_CACHEABLE = frozenset({str, int, float, datetime})
F = TypeVar("F", bound=Callable[..., Any])
_REMEMBERING: list[Any] = []


def remembering(function: F) -> F:
    """``function`` (pure, with hashable arguments) remembering its results, keyed by type too
    (``True`` is not ``1``): programs repeat the same people, rotations and windows across layers
    and schedules, and ``check`` runs for every schedule at every preview."""
    cached = functools.lru_cache(maxsize=4096, typed=True)(function)
    _REMEMBERING.append(cached)
    return cached  # type: ignore[return-value]


def forget() -> None:
    """Forget every remembered result (benchmarks measure a first check this way)."""
    for cached in _REMEMBERING:
        cached.cache_clear()


def _memo(function: F) -> F:
    """:func:`remembering`, for values of the types that can be keys; others are parsed as they come."""
    cached = remembering(function)

    if function.__code__.co_argcount == 1 and not function.__code__.co_kwonlyargcount:
        @functools.wraps(function)
        def memo(value: Any) -> Any:  # one argument, the common case: no packing of *args
            return cached(value) if type(value) in _CACHEABLE else function(value)
    else:
        @functools.wraps(function)
        def memo(value: Any, *args: Any, **kwargs: Any) -> Any:
            if type(value) in _CACHEABLE:
                return cached(value, *args, **kwargs)
            return function(value, *args, **kwargs)

    return memo  # type: ignore[return-value]


def show(value: Any) -> str:
    """``repr`` of a value for a message, shortened."""
    try:
        text = repr(value)
    except (ValueError, RecursionError):  # an int of over 4300 digits (in a list too), lists nested too deep
        text = f"<{type(value).__name__} too large to show>"
    return text if len(text) <= 60 else text[:57] + "..."


# --- strings, numbers, booleans, zones ------------------------------------------------------------

def parse_string(value: Any) -> str:
    if not isinstance(value, str):
        raise FormError(f"must be a string, got {show(value)}")
    if not value.isascii():
        _encodable(value)
    return value


def _encodable(text: str) -> None:
    """Refuse a lone surrogate (``"\\ud800"``): no UTF-8 request body can carry it."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise FormError(f"must be text that UTF-8 can carry, got the lone surrogate {text[error.start]!r} at "
                        f"position {error.start}") from None


def name_parser(max_len: int) -> Callable[[Any], str]:
    """A required name of 1 to ``max_len`` characters."""
    def parse(value: Any) -> str:
        text = parse_string(value)
        if not text.strip():
            raise FormError(f"required, 1 to {max_len} characters")
        if len(text) > max_len:
            raise FormError(f"must be 1 to {max_len} characters, got {len(text)}")
        return text
    return parse


def text_parser(max_len: int | None = None) -> Callable[[Any], str]:
    """A string of at most ``max_len`` characters."""
    def parse(value: Any) -> str:
        text = parse_string(value)
        if max_len is not None and len(text) > max_len:
            raise FormError(f"must be at most {max_len} characters, got {len(text)}")
        return text
    return parse


def whole_number(value: Any) -> int:
    """An int from an int or a whole float (Pulumi delivers every number as a float), at most
    :data:`MAX_WHOLE` either side of 0."""
    if type(value) is int and -MAX_WHOLE <= value <= MAX_WHOLE:
        return value
    if isinstance(value, bool) or not isinstance(value, _NUMBER) or (
            isinstance(value, float) and not value.is_integer()):  # nan and the infinities are not whole either
        raise FormError(f"must be a whole number, got {show(value)}")
    if not -MAX_WHOLE <= value <= MAX_WHOLE:
        raise FormError(f"must be a whole number of at most 2^53 = {MAX_WHOLE} (beyond, Pulumi's numbers are "
                        f"not exact), got {show(value)}")
    return int(value)


def parse_boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise FormError(f"must be true or false, got {show(value)}")
    return value


def parse_zone(value: Any) -> ZoneInfo:
    """An IANA time zone."""
    if isinstance(value, str) and value:
        try:
            return ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    raise FormError(f"must be an IANA time zone such as 'Asia/Shanghai' or 'UTC', got {show(value)}")


# --- durations ---------------------------------------------------------------------------------

def parse_duration(value: Any) -> int:
    """Seconds from ``"30m"``, ``"12h"``, ``"1d"``, ``"2w"``, ``"1d12h"``, ``"90s"``, a timedelta or seconds."""
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
        if seconds.is_integer():
            return int(seconds)
    elif isinstance(value, str):
        match = _DURATION.match(value.replace(" ", "").lower())
        if match and match.lastindex:  # at least one part: the empty string matches too
            weeks, days, hours, minutes, seconds = match.groups("0")
            total = int(weeks) * WEEK + int(days) * DAY + int(hours) * HOUR + int(minutes) * MINUTE + int(seconds)
            if total > MAX_WHOLE:
                raise FormError(f"must be at most 2^53 = {MAX_WHOLE} seconds, got {show(value)}")
            return total
    elif not isinstance(value, bool) and isinstance(value, _NUMBER):
        try:
            return whole_number(value)
        except FormError:
            pass
    raise FormError(f"must be a duration such as '30m', '12h', '1d', '2w' or '1d12h', whole seconds, or a "
                    f"timedelta, got {show(value)}")


@_memo
def render_duration(seconds: int) -> str:
    """The canonical spelling: largest units first, zero parts left out (``"1w"``, ``"1d12h"``, ``"0s"``)."""
    parts = []
    for suffix, unit in _DURATION_UNITS:
        count, seconds = divmod(seconds, unit)
        if count:
            parts.append(f"{count}{suffix}")
    return "".join(parts) or "0s"


# --- instants ----------------------------------------------------------------------------------

def parse_instant(value: Any) -> int | datetime:
    """Epoch seconds from epoch seconds, an aware datetime or an ISO time with an offset; a naive ISO
    time or date (or naive datetime) comes back as a naive datetime: a wall-clock time, to be read in
    a time zone with :func:`read_wall_clock`."""
    if isinstance(value, datetime):
        return _from_datetime(value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        text = value.strip()
        if text.endswith(("Z", "z")):  # Python 3.10's fromisoformat does not read "Z"
            text = text[:-1] + "+00:00"
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            pass
        else:
            return _from_datetime(parsed)
    elif not isinstance(value, bool) and isinstance(value, _NUMBER):
        seconds = whole_number(value)
        if seconds >= MAX_EPOCH:
            raise FormError(f"must be epoch seconds (below {MAX_EPOCH}, {_LATEST}), got {seconds}, which looks "
                            f"like milliseconds")
        return _in_range(seconds)
    raise FormError(f"must be epoch seconds, an ISO time such as '2026-12-07T09:00' (read in time_zone) or "
                    f"'2026-12-07T09:00+08:00', or a datetime, got {show(value)}")


def _from_datetime(value: datetime) -> int | datetime:
    if value.tzinfo is None:
        return value.replace(microsecond=0)
    # Exact and rounded down (a float timestamp rounds 23:59:59.5 before 1970 up to epoch 0).
    return _in_range((value - _EPOCH_UTC) // _SECOND, value)


def read_wall_clock(wall: datetime, zone: ZoneInfo) -> int:
    """Epoch seconds of a wall-clock time (a naive datetime) in ``zone``. A time repeated when the
    clocks go back is its first occurrence; a time skipped when they go forward is refused."""
    offset = zone.utcoffset(wall)  # fold 0: the offset before a change
    # Only a skipped time has a smaller offset before the change than after it (a repeated one, larger).
    if offset < zone.utcoffset(wall.replace(fold=1)):
        raise FormError(f"{wall.isoformat()} does not exist in {zone.key} (skipped by a daylight-saving change)")
    return _in_range((wall - _EPOCH - offset) // _SECOND, wall)


@_memo
def render_instant(epoch: int, zone: ZoneInfo) -> str:
    """ISO 8601 with the zone's offset at that instant: ``"2026-11-30T09:00:00+08:00"``."""
    return datetime.fromtimestamp(epoch, zone).isoformat()


def _in_range(seconds: int, given: datetime | None = None) -> int:
    """Epoch seconds in ``[0, MAX_EPOCH)``: the instants every zone renders and that read back as
    seconds. ``given``: the time the program wrote, for the message."""
    if 0 <= seconds < MAX_EPOCH:
        return seconds
    got = str(seconds) if given is None else f"{given.isoformat()} (epoch {seconds})"
    if seconds < 0:
        raise FormError(f"must not be before 1970-01-01 (epoch 0), got {got}")
    raise FormError(f"must be before {_LATEST} (epoch {MAX_EPOCH}; larger epoch numbers are taken for "
                    f"milliseconds), got {got}")


# --- clock times, weekdays, hand-offs ------------------------------------------------------------

def parse_clock(text: str, *, allow_24: bool = False) -> int:
    """``"HH:MM"`` (or ``"HH:MM:SS"``) as seconds after 00:00; ``"24:00"`` only where an end may be."""
    match = _CLOCK.match(text.strip())
    if match:
        hours, minutes, seconds = int(match[1]), int(match[2]), int(match[3] or 0)
        if minutes < 60 and seconds < 60 and (hours < 24 or (allow_24 and (hours, minutes, seconds) == (24, 0, 0))):
            return hours * HOUR + minutes * MINUTE + seconds
    latest = "24:00" if allow_24 else "23:59"
    raise FormError(f"must be a time of day 'HH:MM' (00:00 to {latest}), got {show(text)}")


@_memo
def render_clock(seconds: int) -> str:
    """``"HH:MM"``, or ``"HH:MM:SS"`` when there are seconds; 86400 is ``"24:00"``."""
    hours, rest = divmod(seconds, HOUR)
    minutes, secs = divmod(rest, MINUTE)
    return f"{hours:02d}:{minutes:02d}" + (f":{secs:02d}" if secs else "")


def parse_weekday(word: str) -> int:
    """0 = Monday ... 6 = Sunday, from a name or an abbreviation of at least two letters."""
    lowered = word.strip().lower()
    for index, name in enumerate(WEEKDAYS):
        if len(lowered) >= 2 and name.startswith(lowered):
            return index
    raise FormError(f"{word!r} is not a weekday; use mon, tue, wed, thu, fri, sat or sun")


def _week_time(text: str, *, allow_24: bool = False) -> int:
    """``"mon 09:00"`` as seconds after Monday 00:00."""
    day, clock = text.split()
    return parse_weekday(day) * DAY + parse_clock(clock, allow_24=allow_24)


def _render_week_time(seconds: int) -> str:
    day, rest = divmod(seconds, DAY)
    if day == 7 and rest == 0:
        return "sun 24:00"  # the end of the week
    return f"{WEEKDAYS[day][:3]} {render_clock(rest)}"


def parse_handoff(value: Any) -> int:
    """Seconds after Monday 00:00 from ``"mon 09:00"``, ``"09:00"`` (Monday) or seconds."""
    try:
        if isinstance(value, str):
            parts = value.split()
            if len(parts) == 2:
                seconds = _week_time(value)
            elif len(parts) == 1:
                seconds = parse_clock(parts[0])  # a bare time of day is on Monday, where the week starts
            else:
                raise FormError(value)
        else:
            seconds = whole_number(value)
    except FormError:
        raise FormError(f"must be a weekday and time such as 'mon 09:00', or seconds after Monday 00:00, "
                        f"got {show(value)}") from None
    if not 0 <= seconds < WEEK:
        raise FormError(f"must be at least 0 and below {WEEK} seconds (seconds after Monday 00:00), got {seconds}")
    return seconds


@_memo
def render_handoff(seconds: int) -> str:
    """``"mon 09:00"``."""
    return _render_week_time(seconds)


# --- restriction windows -----------------------------------------------------------------------

def parse_restrict_mode(value: Any) -> int:
    """0 (none), 1 (daily) or 2 (weekly) from those numbers or their names."""
    mode = value.strip().lower() if isinstance(value, str) else value
    if isinstance(mode, str) and mode in RESTRICT_MODES:
        return RESTRICT_MODES.index(mode)
    if not isinstance(mode, bool) and mode in (0, 1, 2):
        return int(mode)
    raise FormError(f"must be 'none', 'daily' or 'weekly' (or 0, 1, 2), got {show(value)}")


def render_restrict_mode(mode: int) -> str:
    return RESTRICT_MODES[mode]


@_memo
def parse_window_bound(value: Any, *, is_end: bool) -> tuple[int, str]:
    """One bound of a window as ``(seconds, form)``; form is ``"daily"`` (``"09:00"``), ``"weekly"``
    (``"mon 09:00"``) or ``"seconds"`` (a number, whose cycle the mode says)."""
    if isinstance(value, str):
        parts = value.split()
        if len(parts) == 2:
            return _week_time(value, allow_24=is_end), "weekly"
        if len(parts) == 1:
            return parse_clock(parts[0], allow_24=is_end), "daily"
    elif not isinstance(value, bool) and isinstance(value, _NUMBER):
        return whole_number(value), "seconds"
    raise FormError(f"must be 'HH:MM' (daily), 'ddd HH:MM' such as 'mon 09:00' (weekly), or seconds, "
                    f"got {show(value)}")


def split_window(value: str) -> tuple[str, str]:
    """``"09:00-18:00"`` or ``"mon 09:00-fri 18:00"`` as its two bounds."""
    start, sep, end = value.partition("-")
    if not sep or not start.strip() or not end.strip():
        raise FormError(f"must be a window such as '09:00-18:00' or 'mon 09:00-fri 18:00', got {show(value)}")
    return start.strip(), end.strip()


def parse_window(value: Any) -> tuple[Any, Any]:
    """The two raw bounds of a window given as ``"09:00-18:00"``, a pair, or ``{restrict_start, restrict_end}``."""
    if isinstance(value, str):
        return split_window(value)
    if isinstance(value, (list, tuple)) and len(value) == 2:
        return value[0], value[1]
    raise FormError("must be a window such as '09:00-18:00', ('09:00', '18:00'), 'mon 09:00-fri 18:00', or "
                    "{restrict_start, restrict_end} in seconds")


def render_window_bound(seconds: int, mode: int) -> str:
    """A bound of a daily (``mode`` 1) or weekly (2) window: ``"09:00"`` or ``"mon 09:00"``."""
    return render_clock(seconds) if mode == 1 else _render_week_time(seconds)


@_memo
def render_window(start: int, end: int, mode: int) -> str:
    """``"09:00-18:00"`` (daily) or ``"mon 09:00-fri 18:00"`` (weekly); an end at the cycle's end is
    ``"24:00"`` / ``"sun 24:00"``."""
    return f"{render_window_bound(start, mode)}-{render_window_bound(end, mode)}"


# --- day masks ---------------------------------------------------------------------------------

@_memo
def parse_day_mask_day(value: Any) -> int:
    """A weekday as the day mask counts it (0 = Sunday ... 6 = Saturday), from a name or that number."""
    if isinstance(value, str):
        return (parse_weekday(value) + 1) % 7
    try:
        day = whole_number(value)
    except FormError:
        day = -1
    if not 0 <= day <= 6:
        raise FormError(f"must be a weekday name such as 'mon', or 0 (Sunday) to 6 (Saturday), got {show(value)}")
    return day


def render_day_mask(days: list[int]) -> list[str]:
    """Weekday names in week order, Monday first: ``["mon", "tue", "sat"]``."""
    return [WEEKDAYS[(day - 1) % 7][:3] for day in sorted(days, key=lambda day: (day - 1) % 7)]


# --- people ------------------------------------------------------------------------------------

@_memo
def parse_person(value: Any) -> PersonRef:
    """A person id (a positive number, or its digits) or an email address (lowercased)."""
    if isinstance(value, str):
        text = value.strip()
        if _EMAIL.match(text):
            _encodable(text)
            return text.lower()
        # Digits 0-9 only ("²" and "١" are no ids); beyond 16 of them, past 2^53 (and int() refuses 4300).
        if text.isascii() and text.isdigit() and len(text) <= 16 and int(text) > 0:
            return whole_number(int(text))
        raise FormError(f"must be a person id (a positive number, or its digits 0-9) or an email address, "
                        f"got {show(value)}")
    try:
        number = whole_number(value)
    except FormError:
        number = 0
    if number <= 0:
        raise FormError(f"must be a person id (a positive number) or an email address, got {show(value)}")
    return number


def person_order(ref: PersonRef) -> tuple[bool, Any]:
    """Ids ascending, then emails."""
    return isinstance(ref, str), ref
