"""flashcat_pulumi.resources._args: what every input model gets from it (property paths, unknown
keys with a suggestion, values not known yet passing through), and two properties of check over
anything a program or an engine may send: it never raises, and its canonical form is a fixed point."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pulumi.output import Unknown

from flashcat_pulumi.resources._args import Args, Failure, check, has_unknown, is_known, leaf, path_of
from flashcat_pulumi.resources.schedule import LayerArgs, OverrideArgs, check_schedule
from flashcat_pulumi.resources.team import check_team

TZ = "Asia/Shanghai"


def test_paths_read_like_python():
    assert path_of(("layers", 1, "restrict_periods", 0, "restrict_end")) == "layers[1].restrict_periods[0].restrict_end"
    assert path_of(("members", 0)) == "members[0]"
    assert path_of(()) == ""


def test_an_unknown_key_suggests_the_closest_one_and_lists_the_allowed():
    _, failures = check(OverrideArgs, {"start": 1, "end": 2, "persn": "a@example.com"})
    assert failures == [Failure("persn", "unknown key (did you mean 'person'?); allowed: start, end, person, "
                                         "persons, people, person_ids, name")]
    _, failures = check(OverrideArgs, {"start": 1, "end": 2, "person": 1, "zzz": 1})
    assert failures == [Failure("zzz", "unknown key; allowed: start, end, person, persons, people, person_ids, name")]


def test_keys_the_api_uses_are_accepted():
    model, failures = check(LayerArgs, {"layer_start": 1796605200, "rotation_duration": 3600, "groups": [1],
                                        "weight": 3, "mode": 0, "hidden": 0, "name": "legacy"})
    assert failures == [] and model.name == "legacy"


def test_not_an_object():
    _, failures = check(OverrideArgs, ["start", "end"])
    assert failures == [Failure("", "must be an object with keys start, end, person, persons, people, person_ids, "
                                    "name, got ['start', 'end']")]


def test_unknown_at_any_depth():
    unknown = Unknown()
    assert has_unknown({"a": [1, {"b": unknown}]}) and not is_known({"a": [unknown]})
    assert is_known(1, "x", None, [1, {"b": 2}]) and not has_unknown((1, 2))
    props = {"schedule_name": "x", "layers": [unknown], "notify": unknown,
             "overrides": [unknown, {"start": unknown, "end": unknown, "people": unknown}]}
    canonical, failures = check_schedule(props, default_time_zone=TZ)
    assert failures == [] and canonical["notify"] is unknown and canonical["layers"] == [unknown]
    assert canonical["overrides"][1] == {"name": "override", "start": unknown, "end": unknown, "people": unknown}
    canonical, _ = check_schedule({"schedule_name": "x", "layers": [{"layer_start": 1, "rotation_duration": "1d",
                                                                     "groups": [1]}],
                                   "notify": {"by": unknown, "webhooks": [{"type": "feishu", "settings": unknown}]}},
                                  default_time_zone=TZ)
    assert canonical["notify"]["follow_preference"] is unknown
    assert canonical["notify"]["webhooks"] == [{"type": "feishu", "settings": unknown}]


def test_failures_are_unique_and_in_the_order_found():
    _, failures = check_schedule({"schedule_name": 5, "layers": [{"groups": [[0, 0]]}]}, default_time_zone=TZ)
    assert [f.path for f in failures] == ["schedule_name", "layers[0].groups[0][0]", "layers[0].groups[0][1]"]


def test_every_failing_item_of_a_list_is_placed_among_good_ones():
    # Lists are parsed in one pass while every item is good; a failure anywhere places them all.
    groups = [["alice@example.com"], ["x"], {"people": ["bob@example.com"]}, {"people": []}, ("carol@example.com", -1)]
    _, failures = check_schedule({"schedule_name": "s", "layers": [
        {"layer_start": "2026-12-07", "rotation_duration": "1d", "groups": groups}]}, default_time_zone=TZ)
    assert [f.path for f in failures] == ["layers[0].groups[1][0]", "layers[0].groups[3].people",
                                          "layers[0].groups[4][1]"]
    good = [groups[0], groups[2], ("carol@example.com",)]
    canonical, failures = check_schedule({"schedule_name": "s", "layers": [
        {"layer_start": "2026-12-07", "rotation_duration": "1d", "groups": good}]}, default_time_zone=TZ)
    assert not failures
    assert [group["members"][0]["person_ids"] for group in canonical["layers"][0]["groups"]] == \
        [["alice@example.com"], ["bob@example.com"], ["carol@example.com"]]


# --- properties over arbitrary input ---------------------------------------------------------------

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-10, max_value=2**40), st.floats(allow_nan=False),
    st.sampled_from(["", "1w", "36h", "mon 09:00", "09:00-18:00", "weekdays", "daily", "2026-12-07T09:00",
                     "2026-12-07T09:00+08:00", "alice@example.com", "x", "month", "feishu", "email", "08:00",
                     "sat 00:00-sun 24:00", "24:00"]),
    st.just(Unknown()),
)
KEYS = st.sampled_from(["schedule_name", "description", "team_id", "time_zone", "layers", "overrides", "notify",
                        "layer_name", "layer_start", "layer_end", "rotation_duration", "rotation_unit",
                        "rotation_value", "handoff_time", "restrict_mode", "restrict_periods", "day_mask", "groups",
                        "people", "name", "role_id", "members", "person_ids", "start", "end", "person", "persons",
                        "advance_in_time", "fixed_time", "personal_channels", "webhooks", "type", "token", "by",
                        "settings", "repeat", "team_name", "ref_id", "adopt", "typo"])
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(KEYS, inner, max_size=5)), max_leaves=25)
LAYER = st.fixed_dictionaries({"layer_start": st.sampled_from([1796605200, "2026-12-07T09:00", "2026-12-07"]),
                               "rotation_duration": st.sampled_from(["1d", "1w", "36h", 7200]),
                               "groups": st.lists(st.sampled_from(["alice@example.com", 2476444212132,
                                                                   ["carol@example.com", 3]]), min_size=1)},
                              optional={"handoff_time": st.sampled_from(["mon 09:00", "fri 18:30", 0]),
                                        "restrict_periods": st.sampled_from([["09:00-18:00"], [("18:00", "09:00")],
                                                                             ["mon 09:00-fri 18:00"]]),
                                        "day_mask": st.sampled_from(["weekdays", ["sat", "sun"], [0, 3]]),
                                        "layer_end": st.sampled_from(["2027-06-01", None])})
SCHEDULE = st.fixed_dictionaries({"schedule_name": st.just("x"), "layers": st.lists(LAYER, min_size=1, max_size=3)},
                                 optional={"time_zone": st.sampled_from(["UTC", "Europe/Berlin", "America/New_York"]),
                                           "overrides": st.just([{"start": "2026-12-24", "end": "2026-12-26",
                                                                  "person": "bob@example.com"}]),
                                           "notify": st.sampled_from([{"advance_in_time": "10m"},
                                                                      {"fixed_time": "08:00"}])})
QUICK = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@QUICK
@given(st.dictionaries(KEYS, VALUES, max_size=8))
def test_check_never_raises_on_anything(props: dict[str, Any]):
    for canonical, failures in (check_schedule(props, default_time_zone=TZ), check_team(props)):
        assert isinstance(canonical, dict) and isinstance(failures, list)
        assert all(isinstance(f, Failure) and f.reason for f in failures)


@QUICK
@given(SCHEDULE)
def test_the_canonical_form_is_a_fixed_point(props: dict[str, Any]):
    canonical, failures = check_schedule(props, default_time_zone=TZ)
    if failures:  # some combinations are invalid (a mask with weekly windows): reported, never raised
        assert all(f.path.startswith("layers") for f in failures)
        return
    assert check_schedule(canonical, default_time_zone="UTC") == (canonical, [])


@pytest.mark.parametrize("props", [{"layers": [{"groups": {"a": 1}}]}, {"notify": {"webhooks": [None]}},
                                   {"layers": [{"restrict_periods": [[1, 2, 3]]}]}])
def test_shapes_that_once_looked_risky(props):
    _, failures = check_schedule({"schedule_name": "x", **props}, default_time_zone=TZ)
    assert failures


# --- values that once crashed check, or passed it and failed at create -------------------------------

def _layer(**fields: Any) -> dict[str, Any]:
    return {"layer_start": "2026-12-07T09:00", "rotation_duration": "1d", "groups": [1], **fields}


@pytest.mark.parametrize(("props", "zone", "path", "reason"), [
    ({"team_id": "፯"}, TZ, "team_id", "digits (0-9)"),  # int() raised: "Value error, invalid literal ..."
    ({"team_id": "١"}, TZ, "team_id", "digits (0-9)"),  # int() read it as team 1
    ({"team_id": "9" * 5000}, TZ, "team_id", "digits (0-9)"),  # int() refuses over 4300 digits
    ({"team_id": 2.0**60}, TZ, "team_id", "2^53"),
    ({"layers": [_layer(layer_start="9999-12-31T23:59")]}, "America/New_York", "layers[0].layer_start",
     "before 5138"),  # rendering it raised "year 10000 is out of range"
    ({"layers": [_layer(layer_start="0001-01-01")]}, "Asia/Kolkata", "layers[0].layer_start", "before 1970"),
    ({"layers": [_layer(layer_end="6000-01-01T00:00")]}, TZ, "layers[0].layer_end",
     "before 5138"),  # passed check; create stored it, then could not read it back (epoch >= 10^11)
    ({"overrides": [{"start": "2026-12-24", "end": "5138-11-16T09:46:40Z", "person": 1}]}, "UTC",
     "overrides[0].end", "before 5138"),
    ({"layers": [_layer(layer_end=False)]}, TZ, "layers[0].layer_end", "got False"),  # was read as 0: no end
    ({"layers": [_layer(rotation_duration=False)]}, TZ, "layers[0].rotation_duration", "got False"),
    ({"layers": [_layer(mode=True)]}, TZ, "layers[0].mode", "must be 0"),
    ({"layers": [_layer(rotation_duration="١d")]}, TZ, "layers[0].rotation_duration", "must be a duration"),
    ({"layers": [_layer(groups=[{"people": [1], "role_id": 2**53 + 1}])]}, TZ, "layers[0].groups[0].role_id",
     "2^53"),  # the engine's float would round it: the canonical form would not check to itself
    ({"notify": {"advance_in_time": "99999999999w"}}, TZ, "notify.advance_in_time", "2^53"),  # beyond int64
    ({"notify": {"personal_channels": ["feishu_app:١"]}}, TZ, "notify.personal_channels[0]", "must be email"),
    ({"schedule_name": "on call \ud800"}, TZ, "schedule_name", "lone surrogate"),  # httpx cannot encode it
    ({"": 1}, TZ, "''", "unknown key"),  # the path was empty
    ({"a.b": 1}, TZ, "'a.b'", "unknown key"),
])
def test_schedule_values_that_once_crashed(props, zone, path, reason):
    _, failures = check_schedule({"schedule_name": "x", "layers": [_layer()], **props}, default_time_zone=zone)
    assert [failure.path for failure in failures] == [path], failures
    assert reason in failures[0].reason


@pytest.mark.parametrize(("members", "reason"), [
    (["²"], "digits 0-9"), (["፯"], "digits 0-9"), (["9" * 5000], "digits 0-9"), ([2**70], "person id"),
    ([float("nan")], "person id"), (["a@example.com\ud800"], "lone surrogate"),
])
def test_team_values_that_once_crashed(members, reason):
    _, failures = check_team({"team_name": "SRE", "members": members})
    assert [failure.path for failure in failures] == ["members[0]"] and reason in failures[0].reason


class _Careless(Args):
    value: leaf(lambda value: value["x"]) = None  # a parser with a bug: it indexes whatever it gets


def test_a_parser_raising_by_mistake_fails_at_its_field():
    _, failures = check(_Careless, {"value": 5})
    assert [failure.path for failure in failures] == ["value"]
    assert "TypeError" in failures[0].reason and "a bug in flashcat-pulumi" in failures[0].reason
