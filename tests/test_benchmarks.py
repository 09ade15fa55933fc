"""The benchmarks' own pieces: what they time is what they say (their figures come from running them)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import check_diff

from flashcat_pulumi.resources.schedule import ScheduleProvider, check_schedule


def test_the_timed_check_succeeds(monkeypatch):
    """Without the account's zone (no app key) the provider refuses a schedule whose layers need it:
    timing that would time the refusal."""
    monkeypatch.delenv("FLASHDUTY_APP_KEY", raising=False)
    assert ScheduleProvider().check({}, check_diff.PROGRAM).failures
    assert check_diff.Provider().check({}, check_diff.PROGRAM).failures == []


def test_the_previewed_schedules_are_valid_and_different():
    programs = [check_diff.one_of_many(k) for k in range(check_diff.PREVIEWED)]
    canonical = []
    for program in programs[:20]:
        checked, failures = check_schedule(program, default_time_zone=check_diff.ZONE)
        assert failures == []
        assert len(checked["layers"]) == 10
        canonical.append(checked)
    assert len({c["schedule_name"] for c in canonical}) == 20
    assert len({str(c["layers"]) for c in canonical}) == 20  # not one schedule under twenty names
    people = {ref for c in canonical for layer in c["layers"] for group in layer["groups"]
              for slot in group["members"] for ref in slot["person_ids"]}
    assert len(people) == len(check_diff.POOL)


def test_a_preview_times_check_and_diff_of_every_schedule():
    median, first, pace = check_diff.preview_medians(check_diff.Provider(), count=4, rounds=1)
    assert 0 < median < 1.0 and 0 < first < 1.0 and 0 < pace < 1.0


@pytest.mark.parametrize("name", ["check (10 layers)", "diff, no change"])
def test_medians_give_cold_and_warm_figures(name):
    provider = check_diff.Provider()
    stored = check_diff.as_engine_sends(check_schedule(check_diff.PROGRAM, default_time_zone=check_diff.ZONE)[0])
    work = {"check (10 layers)": lambda: provider.check({}, check_diff.PROGRAM),
            "diff, no change": lambda: provider.diff("1", stored, stored)}
    figures = check_diff.medians({name: work[name]}, runs=3)
    cold, warm = figures[name]
    assert cold > 0 and warm > 0
    assert set(figures) == {name, check_diff.PACE}
