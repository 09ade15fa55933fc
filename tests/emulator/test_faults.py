"""Fault specs and decisions (:class:`Faults`), without HTTP."""

from __future__ import annotations

import re

import pytest

from flashcat_pulumi.emulator import Faults
from flashcat_pulumi.emulator.faults import parse_latency


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"rate_429": 1.5}, "Faults.rate_429: must be a probability between 0 and 1"),
    ({"drop_after": -0.1}, "Faults.drop_after: must be a probability"),
    ({"rate_500": 0.6, "drop_before": 0.6}, "the probabilities add up to 1.2"),
    ({"latency": (0.5, 0.1)}, "Faults.latency: must be (min, max) seconds"),
])
def test_faults_reject_bad_values(kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        Faults(**kwargs)


def test_fault_specs():
    faults = Faults.parse("429=0.05,500=0.02,drop_before=0.01,drop_after=0.01,seed=7")
    assert (faults.rate_429, faults.rate_500, faults.drop_before, faults.drop_after, faults.seed) == (
        0.05, 0.02, 0.01, 0.01, 7)
    assert Faults(latency=0.2).latency == (0.2, 0.2)
    for bad in ("429", "404=0.1", "seed=x", "500=2"):
        with pytest.raises(ValueError, match="invalid fault"):
            Faults.parse(bad)
    with pytest.raises(ValueError, match="unknown fault outcome"):
        Faults().script("/team/list", "503")
    with pytest.raises(ValueError, match=re.escape("fault outcome 'zero_id_after' applies to the create paths "
                                                   "only (/schedule/create, /team/upsert), not '/team/list'")):
        Faults().script("/team/list", "500", "zero_id_after")
    assert parse_latency("20ms") == (0.02, 0.02)
    assert parse_latency("10ms-50ms") == (0.01, 0.05)
    assert parse_latency("0.2s") == (0.2, 0.2)
    for bad in ("20", "fast", "50ms-10ms", "1ms-2ms-3ms"):
        with pytest.raises(ValueError, match="latency"):
            parse_latency(bad)


def test_scripted_outcomes_come_first_in_order_per_path():
    faults = Faults()
    faults.script("/team/list", "500", "drop_after")
    faults.script("/team/list", "429")
    assert [faults.decide("/team/list")[1] for _ in range(4)] == ["500", "drop_after", "429", None]
    assert faults.decide("/member/list") == (0.0, None)


def test_zero_id_outcomes_are_scripted_only():
    faults = Faults(rate_500=0.5, seed=1)
    faults.script("/schedule/create", "zero_id", "zero_id_after")
    faults.script("/team/upsert", "zero_id")
    assert [faults.decide("/schedule/create")[1] for _ in range(2)] == ["zero_id", "zero_id_after"]
    assert faults.decide("/team/upsert")[1] == "zero_id"
    assert {faults.decide("/schedule/create")[1] for _ in range(100)} == {None, "500"}


def test_random_decisions_follow_the_seed_and_the_rates():
    def decisions(seed: int) -> list[str | None]:
        faults = Faults(rate_429=0.25, rate_500=0.25, drop_before=0.25, drop_after=0.25, seed=seed)
        return [faults.decide("/team/list")[1] for _ in range(200)]

    first = decisions(7)
    assert first == decisions(7) and first != decisions(8)
    assert None not in first and all(first.count(o) > 20 for o in ("429", "500", "drop_before", "drop_after"))
    assert [Faults(seed=7).decide("/team/list") for _ in range(3)] == [(0.0, None)] * 3
