"""Fuzzing ``check_schedule`` and ``check_team`` with what an engine may send (strings, ints, floats,
bools, None, lists, dicts, nested any way): near-valid inputs with a field or two changed into odd
values (digits of other scripts, the calendar's edges, huge numbers, nan, odd zones and keys), and
arbitrary trees. Whatever comes in, check answers: no exception, every failure names a property of
the inputs, a canonical form checks again to itself (also as the engine sends it back, and read
with other default zones), and it can be sent: the request body encodes as JSON, its numbers fit
the API's int64 and its instants are epoch seconds the provider reads back.

Fixed seeds, no example database: every run tries the same inputs, in bounded time: 10,000 examples
drawn by hypothesis (6,000 schedules, 4,000 teams; ``--hypothesis-show-statistics`` shows the counts)
and a pool of 800 valid schedules, in about 30 s.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from flashcat_pulumi.resources._args import Failure
from flashcat_pulumi.resources._base import plain
from flashcat_pulumi.resources._forms import MAX_EPOCH
from flashcat_pulumi.resources.schedule import ScheduleArgs, check_schedule, schedule_to_wire
from flashcat_pulumi.resources.team import TeamArgs, check_team, team_to_wire
from flashcat_pulumi.testing import as_engine_sends

ZONES = ("UTC", "America/New_York", "Asia/Kolkata")
INT64 = 2**63
# How _args' last resort words a failure for what a parser raised by mistake: never expected.
BUG = "this is a bug in flashcat-pulumi"

# --- values ------------------------------------------------------------------------------------

ODD_NUMBERS = st.sampled_from([
    0, -0.0, 1, -1, 0.5, 1.0, 2**31, 2**53, 2**53 + 1, 2**63, 2**64, 2**70, -(2**70), 10**11 - 1, 10**11, 10**12,
    1e308, -1e308, 5e-324, float("nan"), float("inf"), float("-inf"), 3600.0, 86400, 604800,
    1796605200, 1796605200.0, 1796605200000,
])
UNICODE_DIGITS = st.sampled_from([
    "²", "፯", "١", "١٢", "٢٤٧٦٤٤٤٢١٢١٣١", "𝟗", "１２", "Ⅻ", "٠٨:٠٠", "mon ١٢:٠٠", "١d", "١٢h", "١٢:٠٠-١٨:٠٠",
    "feishu_app:١", "٢٠٢٦-12-07", "2026-12-0٧", "12h\u200b", "mon\u200309:00",
])
EDGE_TIMES = st.sampled_from([
    "0001-01-01", "0001-01-01T00:00", "0001-01-01T00:00+14:00", "0001-01-01T00:00-12:00", "9999-12-31",
    "9999-12-31T23:59", "9999-12-31T23:59:59-12:00", "9999-12-31T23:59:59+14:00", "1970-01-01", "1970-01-01T00:00Z",
    "1969-12-31T23:59:59Z", "1970-01-01T05:30", "2100-01-01T00:00Z", "2100-01-01", "5138-11-16T09:46:39Z",
    "5138-11-16T09:46:40Z", "5138-11-16T09:46:40", "5138-11-16", "6000-01-01T00:00", "2026-03-08T02:30",
    "2026-11-01T01:30", "2026-12-07T09:00:00.999999+08:00", "2026-12-07T09:00:00+05:45", "2026-12-07T09:00+23:59",
    "2026-12-07T09:00-23:59", "2026-12-07T24:00", "2026-02-29", "+2026-12-07", "2026-W50-1", "20261207T0900",
])
ODD_ZONES = st.sampled_from([
    "UTC", "Etc/GMT+12", "Etc/GMT-14", "Pacific/Kiritimati", "Asia/Kathmandu", "Africa/Monrovia",
    "Australia/Lord_Howe", "Antarctica/Troll", "right/UTC", "posix/UTC", "Factory", "America", "", " UTC", "utc",
    "../UTC", "/UTC", "UTC/", "\x00", "\ud800", "zone.tab", "a" * 300, "Asia/Kolkata", "America/New_York",
])
ODD_STRINGS = st.sampled_from([
    "", " ", "\x00", "a\x00b", "\ud800", "x\udfff", "a" * 5000, "9" * 5000, "9" * 5000 + "h", "9" * 17, "0" * 30,
    "\n", "é", "İ", "ß", "mon", "mon mon", "mon 09:00 x", "-", "--", "09:00-", "-18:00", "24:00", "sun 24:00",
    "24:00-24:00", "00:00-00:00", "month", "months", "weekdays", "weekends", "none", "email", "feishu",
    "feishu_app:1", "alice@example.com", "ALICE@EXAMPLE.COM", "a@b.c", "@.", "__provider", "1d12h", "0s",
])
TEXT = st.text(st.characters(exclude_categories=()), max_size=12)  # surrogates and NUL included
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), TEXT, ODD_NUMBERS, UNICODE_DIGITS, EDGE_TIMES,
    ODD_ZONES, ODD_STRINGS,
)
FIELD_NAMES = sorted({*ScheduleArgs.model_fields, *TeamArgs.model_fields, "layer_name", "layer_start", "layer_end",
                      "rotation_duration", "rotation_unit", "rotation_value", "handoff_time", "restrict_mode",
                      "restrict_periods", "restrict_start", "restrict_end", "day_mask", "groups", "people", "name",
                      "role_id", "members", "person_ids", "start", "end", "person", "persons", "advance_in_time",
                      "fixed_time", "personal_channels", "follow_preference", "webhooks", "type", "token", "by",
                      "settings", "repeat", "cycle", "group_name", "enable_time", "expire_time", "mode", "hidden",
                      "weight", "chat_ids", "data_source_id"})
ODD_KEYS = ["", " ", "a.b", "x[0]", "__provider", "layer", "Layers", "é", "\ud800", "\x00", 0, 1, -1, 2**70, 1.5, -0.0,
            float("nan"), float("inf"), None, True, False]
KEYS = st.sampled_from([*FIELD_NAMES, *ODD_KEYS])


def nested(depth: int, leaf: Any, *, as_dict: bool = False) -> Any:
    for _ in range(depth):
        leaf = {"people": leaf} if as_dict else [leaf]
    return leaf


def _grow(rng: random.Random, leaves: list[Any], depth: int) -> Any:
    roll = rng.random()
    if depth >= 4 or roll < 0.45:
        return _leaf(rng, leaves)
    if roll < 0.5:  # deeper in test_deep_nesting_anywhere: hypothesis cannot print much deeper examples
        return nested(rng.choice([30, 100]), _leaf(rng, leaves), as_dict=rng.random() < 0.5)
    if roll < 0.75:
        return [_grow(rng, leaves, depth + 1) for _ in range(rng.randint(0, 3))]
    return {_key(rng): _grow(rng, leaves, depth + 1) for _ in range(rng.randint(0, 3))}


def _leaf(rng: random.Random, leaves: list[Any]) -> Any:
    """A drawn value, or one of the odd ones (cheaper than drawing each)."""
    return leaves.pop() if leaves and rng.random() < 0.5 else rng.choice(ODD_LEAVES)


def _key(rng: random.Random) -> Any:
    return rng.choice(FIELD_NAMES) if rng.random() < 0.8 else rng.choice(ODD_KEYS)


@st.composite
def trees(draw: st.DrawFn, *, props: bool = False) -> Any:
    """A JSON-like tree of drawn and odd values, shaped at random (st.recursive costs several times as
    much); with ``props``, an object of up to 8 keys, mostly the resources' own."""
    # One drawn seed, not st.randoms(): each of its calls is a draw, and a tree takes dozens of them.
    rng, leaves = random.Random(draw(_SHAPES)), draw(_LEAVES)
    if props:
        return {_key(rng): _grow(rng, leaves, 1) for _ in range(rng.randint(0, 8))}
    return _grow(rng, leaves, 0)


_SHAPES, _LEAVES = st.integers(0, 2**32), st.lists(SCALARS, max_size=4)
ODD_LEAVES = [None, True, False, *(value for odd in (ODD_NUMBERS, UNICODE_DIGITS, EDGE_TIMES, ODD_ZONES, ODD_STRINGS)
                                   for value in odd.elements)]
ANY_VALUE = trees()

# --- valid inputs ------------------------------------------------------------------------------

# A pool of valid schedules, built once from a fixed seed: drawing each from hypothesis would cost
# most of the run, and the fuzzing is in the mutations of them.
PERSONS = ["alice@example.com", " Bob@Example.COM ", 2476444212131, 2476444212132.0, "2476444212133", 1, 2**53]
WALL_TIMES = ["2026-12-07T09:00", "2026-12-07", "2026-12-07 09:00:30", "2027-03-28T01:30", "1970-01-02",
              "2099-12-31T23:00", "2026-12-07T09:00+08:00", "2026-12-07T01:00Z", "5138-11-14T09:46:39"]
ROTATIONS = [{"rotation_duration": duration} for duration in ("1h", "12h", "1d", "36h", "1w", "2w", "30d", "1d12h",
                                                              3600, 86400.0, 720 * 3600)] + [
    {"rotation_unit": "hour", "rotation_value": 5}, {"rotation_unit": "days", "rotation_value": 2.0},
    {"rotation_unit": "week", "rotation_value": 4}, {"rotation_unit": "month", "rotation_value": 1},
    {"rotation_unit": "month", "rotation_value": 30}]
WHOLE_WEEKS = [{"rotation_duration": "1w"}, {"rotation_duration": "2w"}, {"rotation_unit": "week", "rotation_value": 4}]
RESTRICTIONS = [
    {}, {"restrict_periods": ["09:00-18:00"]}, {"restrict_periods": "18:00-09:00"},
    {"restrict_periods": [("09:00", "12:00"), ("13:00", "24:00")]},
    {"restrict_periods": [{"restrict_start": 32400, "restrict_end": 64800.0}], "restrict_mode": "daily"},
    {"restrict_periods": ["mon 09:00-fri 18:00"]}, {"restrict_periods": ["sat 00:00-sun 24:00"], "restrict_mode": 2},
    {"restrict_mode": "none"}, {"restrict_mode": 0, "restrict_periods": []}]
LAYER_EXTRAS = {"layer_name": ["primary", "", "夜班"], "handoff_time": ["mon 09:00", "fri 18:30", "09:00", 0, 604799],
                "fair_rotation": [True, False], "mask_continuous_enabled": [True, False]}
DAY_MASKS = ["weekdays", "weekends", ["mon", "sat"], [0, 3.0], "Sunday", {"repeat": [1, 2]}]
WEBHOOKS = [
    {"type": "feishu", "token": "t", "sign_secret": "s"}, {"type": "slack", "settings": {"token": "https://x"}},
    {"type": "feishu_app", "data_source_id": 5, "chat_ids": ["c2", "c1"]},
    {"type": "dingtalk_app", "settings": {"data_source_id": 7.0, "chat_ids": ["c1"]}},
    {"type": "zoom", "token": "z", "verify_token": "v", "alias": "ops"}]
NOTIFY_PARTS = {"advance_in_time": ["5m", "10m", 600, 0, "1h", ""],
                "fixed_time": ["08:00", "", {"cycle": "day", "start": "08:00"}, {"cycle": "", "start": ""}],
                "follow_preference": [True, False], "personal_channels": [["email", "sms"], ["feishu_app:123"], []]}
VALID_ZONES = ["UTC", "Etc/GMT+12", "Etc/GMT-14", "Asia/Kathmandu", "Africa/Monrovia", "Australia/Lord_Howe",
               "America/New_York", "Asia/Kolkata", "Asia/Shanghai"]
SCHEDULE_EXTRAS = {"description": ["", "on call"], "time_zone": VALID_ZONES,
                   "team_id": [1, 6000000000000, 6000000000000.0, "6000000000000", " 42 "], "adopt": [True, False]}


def _iso_utc(epoch: int) -> str:
    return (datetime(1970, 1, 1) + timedelta(seconds=epoch)).isoformat()


def _span(rng: random.Random, *, open_end: bool) -> tuple[Any, Any]:
    """A start and an end after it (or none, when ``open_end``), in any spelling."""
    if rng.random() < 0.5:
        start = rng.randrange(MAX_EPOCH - 400 * 86400)
        end = start + rng.randrange(1, 400 * 86400)
        start_value, end_value = (rng.choice([epoch, float(epoch), f"{_iso_utc(epoch)}Z", f"{_iso_utc(epoch)}+00:00"])
                                  for epoch in (start, end))
    else:
        start_value, end_value = rng.choice(WALL_TIMES[:-1]), rng.choice(["2100-01-01", "2100-06-30T18:00"])
    if open_end and rng.random() < 0.5:
        end_value = rng.choice([None, 0, 0.0, "", WALL_TIMES[-1]])
    return start_value, end_value


def _group(rng: random.Random) -> Any:
    people = rng.sample(PERSONS, rng.randint(1, 3))
    return rng.choice([
        people[0], people, {"people": people, "name": rng.choice(["day", ""]), "role_id": rng.choice([0, 1, 1.0])},
        {"members": [{"role_id": rng.choice([0, 2.0]), "person_ids": people}], "group_name": "A", "start": 0}])


def _layer(rng: random.Random) -> dict[str, Any]:
    start, end = _span(rng, open_end=True)
    restrictions = rng.choice(RESTRICTIONS)
    rotation = rng.choice(ROTATIONS)
    layer = {"layer_start": start, "groups": [_group(rng) for _ in range(rng.randint(1, 3))], **rotation,
             **restrictions}
    if end is not None:
        layer["layer_end"] = end
    layer.update({key: rng.choice(values) for key, values in LAYER_EXTRAS.items() if rng.random() < 0.5})
    if rotation not in WHOLE_WEEKS and rng.random() < 0.9:
        layer.pop("handoff_time", None)  # a hand-off is for rotations of whole weeks: mostly valid, sometimes not
    if "mon" not in str(restrictions) and restrictions.get("restrict_mode") != 2 and rng.random() < 0.4:
        layer["day_mask"] = rng.choice(DAY_MASKS)  # not with weekly windows
    return layer


def _override(rng: random.Random) -> dict[str, Any]:
    start, end = _span(rng, open_end=False)
    who = rng.choice(["person", "persons", "people", "person_ids"])
    override = {"start": start, "end": end, who: rng.choice(PERSONS) if who == "person" else rng.sample(PERSONS, 2)}
    if rng.random() < 0.5:
        override["name"] = rng.choice(["holiday", "", "swap"])
    return override


def _schedule(rng: random.Random) -> dict[str, Any]:
    props: dict[str, Any] = {"schedule_name": rng.choice(["SRE primary", "x", "值班"]),
                             "layers": [_layer(rng) for _ in range(rng.randint(1, 3))]}
    props.update({key: rng.choice(values) for key, values in SCHEDULE_EXTRAS.items() if rng.random() < 0.5})
    if rng.random() < 0.5:
        props["overrides"] = [_override(rng) for _ in range(rng.randint(0, 2))]
    if rng.random() < 0.6:
        notify = {key: rng.choice(values) for key, values in NOTIFY_PARTS.items() if rng.random() < 0.5}
        props["notify"] = {**notify, "webhooks": rng.sample(WEBHOOKS, rng.randint(0, 2))}
    return props


_RNG = random.Random(20261207)
SCHEDULE_POOL = [_schedule(_RNG) for _ in range(800)]
SCHEDULES = st.sampled_from(SCHEDULE_POOL)
TEAM_PARTS = {"description": ["", "the SRE team", "x" * 500, "値班\x00"], "members": [*PERSONS, [], PERSONS],
              "ref_id": ["", "ops-1", "é"], "adopt": [True, False], "__provider": ["opaque"]}


def _team(rng: random.Random) -> dict[str, Any]:
    props = {key: rng.choice(values) for key, values in TEAM_PARTS.items() if rng.random() < 0.5}
    if props.get("members") is not None and rng.random() < 0.5:
        props["members"] = rng.sample(PERSONS, rng.randint(1, 4))
    return {"team_name": rng.choice(["SRE", " x ", "团队", "n" * 39, "\x00"]), **props}


TEAM_POOL = [_team(_RNG) for _ in range(400)]
TEAMS = st.sampled_from(TEAM_POOL)

# --- mutations ---------------------------------------------------------------------------------


def _places(value: Any, at: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every place in a tree of dicts and lists, outermost first."""
    yield at
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        yield from _places(item, (*at, key))


def _changed(value: Any, at: tuple[Any, ...], change: Callable[[Any], Any]) -> Any:
    """A copy of ``value`` with ``change`` applied at ``at`` (the value there, or its container's)."""
    if not at:
        return change(value)
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[at[0]] = _changed(value[at[0]], at[1:], change)
    return copy


_CHANGES, _HOW = st.integers(1, 2), st.sampled_from(["odd", "odd", "any", "drop", "extra"])
_ODD = st.one_of(SCALARS, ODD_NUMBERS, UNICODE_DIGITS, EDGE_TIMES)  # the odd ones more often


@st.composite
def mutated(draw: st.DrawFn, valid: st.SearchStrategy[dict[str, Any]]) -> dict[str, Any]:
    """A valid input with one or two places replaced, removed, or given an extra key."""
    props = draw(valid)
    for _ in range(draw(_CHANGES)):
        places = list(_places(props))
        at = places[draw(st.integers(0, len(places) - 1))]
        how = draw(_HOW) if at else "extra"
        if how == "drop":
            parent, key = at[:-1], at[-1]
            props = _changed(props, parent, lambda container, key=key: (
                {k: v for k, v in container.items() if k != key} if isinstance(container, dict)
                else container[:key] + container[key + 1:]))
        elif how == "extra":
            key, value = draw(KEYS), draw(ANY_VALUE)
            props = _changed(props, at, lambda old, key=key, value=value: (
                {**old, key: value} if isinstance(old, dict) else value))
        else:
            new = draw(_ODD if how == "odd" else ANY_VALUE)
            props = _changed(props, at, lambda _, new=new: new)
    return props


# --- what every answer must be -----------------------------------------------------------------


def _names_a_property(path: str, props: dict[Any, Any], fields: Any) -> bool:
    """The path starts with an input property, or with a key of ``props`` (an unknown key is named)."""
    names = {*fields, *(str(key) for key in props), *(repr(key) for key in props)} - {""}
    return any(path == name or path.startswith((f"{name}.", f"{name}[")) for name in names)


def _answer_is_sound(answer: tuple[dict[str, Any], list[Failure]], props: dict[Any, Any], fields: Any) -> bool:
    canonical, failures = answer
    assert isinstance(canonical, dict) and isinstance(failures, list)
    for failure in failures:
        assert isinstance(failure, Failure) and isinstance(failure.reason, str) and failure.reason.strip(), failure
        # pydantic's wording for an exception a parser let through, not a message saying what is allowed
        assert not failure.reason.startswith(("Value error,", "Assertion failed,")), failure
        assert BUG not in failure.reason, failure
        assert _names_a_property(failure.path, props, fields), failure
    return not failures


def _fake_id(ref: Any) -> int:
    return ref if isinstance(ref, int) else 2476444200000 + sum(map(ord, ref))


def _sendable(body: dict[str, Any]) -> None:
    """Encodes as the client sends it (UTF-8 JSON, no nan), numbers within int64, instants readable back."""
    json.dumps(body, ensure_ascii=False, allow_nan=False).encode("utf-8")
    stack: list[Any] = [body]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            for key in ("layer_start", "layer_end", "enable_time", "expire_time"):
                if isinstance(value.get(key), int):
                    assert 0 <= value[key] < MAX_EPOCH, (key, value[key])
            stack += value.values()
        elif isinstance(value, list):
            stack += value
        elif isinstance(value, int):
            assert -INT64 <= value < INT64, value


def _check_schedule_thoroughly(props: dict[Any, Any], zones: tuple[str, ...] = ZONES) -> None:
    seen: list[dict[str, Any]] = []
    for zone in zones:
        answer = check_schedule(props, default_time_zone=zone)
        if not _answer_is_sound(answer, props, ScheduleArgs.model_fields) or answer[0] in seen:
            continue  # the same canonical form (the inputs name their zone): its checks are done
        canonical = answer[0]
        seen.append(canonical)
        # It names its zone: read with another default, it is the same.
        other = ZONES[ZONES.index(zone) - 1]
        assert check_schedule(canonical, default_time_zone=other) == (canonical, [])
        sent = as_engine_sends(canonical)
        assert check_schedule(sent, default_time_zone=zone) == (canonical, [])
        assert check_schedule(plain(sent), default_time_zone=zone) == (canonical, [])
        _sendable(schedule_to_wire(plain(sent), _fake_id).to_wire())


def _check_team_thoroughly(props: dict[Any, Any]) -> None:
    answer = check_team(props)
    if _answer_is_sound(answer, props, TeamArgs.model_fields):
        canonical = answer[0]
        assert check_team(canonical) == (canonical, [])
        sent = as_engine_sends(canonical)
        assert check_team(sent) == (canonical, [])
        assert check_team(plain(sent)) == (canonical, [])
        _sendable(team_to_wire(plain(sent), _fake_id).to_wire())


def fuzz(examples: int) -> Callable[[Callable[..., None]], Callable[..., None]]:
    return settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))


# --- the fuzz tests ------------------------------------------------------------------------------

@seed(20261207)
@fuzz(4000)
@given(mutated(SCHEDULES))
def test_schedule_near_valid(props: dict[Any, Any]) -> None:
    _check_schedule_thoroughly(props)


def test_schedule_valid_is_canonical_and_sendable() -> None:
    valid = 0
    for props in SCHEDULE_POOL:
        _check_schedule_thoroughly(props)
        valid += not check_schedule(props, default_time_zone="UTC")[1]
    assert valid > len(SCHEDULE_POOL) / 2  # the pool is mostly valid: the checks of canonical forms ran


@seed(20261209)
@fuzz(2000)
@given(trees(props=True), st.sampled_from(ZONES))
def test_schedule_arbitrary_trees(props: dict[Any, Any], zone: str) -> None:
    _check_schedule_thoroughly(props, (zone,))  # one zone each: these seldom get as far as reading a time


@seed(20261210)
@fuzz(2500)
@given(mutated(TEAMS))
def test_team_near_valid(props: dict[Any, Any]) -> None:
    _check_team_thoroughly(props)


@seed(20261211)
@fuzz(1500)
@given(trees(props=True))
def test_team_arbitrary_trees(props: dict[Any, Any]) -> None:
    _check_team_thoroughly(props)


@pytest.mark.parametrize("depth", [999, 1000, 5000, 50000])
def test_deep_nesting_anywhere(depth: int) -> None:
    deep = nested(depth, "x")
    props = {"schedule_name": "x", "layers": [{"layer_start": 0, "rotation_duration": "1d", "groups": [deep]}],
             "notify": {"webhooks": [deep], "personal_channels": deep}, "overrides": [{"person": deep}]}
    _check_schedule_thoroughly(props)
    _check_team_thoroughly({"team_name": deep, "members": [deep], "ref_id": nested(depth, "x", as_dict=True)})


def test_window_keys_of_mixed_types() -> None:
    props = {"schedule_name": "x", "layers": [{"layer_start": 0, "rotation_duration": "1d", "groups": [1],
                                               "restrict_periods": [{"restrict_start": "09:00", 1: 2, "x": 3}]}]}
    _, failures = check_schedule(props, default_time_zone="UTC")
    assert failures and not any(BUG in failure.reason for failure in failures), failures
