"""The directory's lookups cost one call each per process, however many threads need them at once
(the engine starts a run's first resources together)."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from flashcat_pulumi.client import FlashdutyClient
from flashcat_pulumi.emulator import Emulator
from flashcat_pulumi.identity import Directory

ALICE, BOB, CAROL = 2476444212131, 2476444212132, 2476444212133
PEOPLE = ["alice@example.com", "bob@example.com", "carol@example.com", "dave@example.com", "erin@example.com"]


@pytest.mark.emulator(rate_limits=False, faults={"latency": (0.02, 0.04)})
def test_threads_starting_together_share_one_call_of_each_lookup(emulator: Emulator):
    start = threading.Barrier(8)
    with FlashdutyClient(base_url=emulator.base_url, app_key=emulator.app_key, rate_limit=None) as client:
        directory = Directory(client)

        def resolve(k: int) -> dict:
            start.wait()
            people = [PEOPLE[k % 5], PEOPLE[(k + 2) % 5]]  # each thread its own pair: new people every time
            return {"ids": directory.person_ids(people), "zone": directory.account().account_time_zone}

        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(resolve, range(8)))
    calls = Counter(record.path for record in emulator.requests)
    assert calls == {"/member/list": 1, "/member/info": 1, "/person/infos": 1}
    assert results[0]["ids"] == {"alice@example.com": ALICE, "carol@example.com": CAROL}
    assert {result["zone"] for result in results} == {"Asia/Shanghai"}


@pytest.mark.emulator(rate_limits=False)
def test_people_verified_later_were_in_the_first_batch(emulator: Emulator):
    with FlashdutyClient(base_url=emulator.base_url, app_key=emulator.app_key, rate_limit=None) as client:
        directory = Directory(client)
        assert directory.person_ids(["alice@example.com"]) == {"alice@example.com": ALICE}
        assert directory.person_ids(["bob@example.com", CAROL]) == {"bob@example.com": BOB, CAROL: CAROL}
        assert directory.emails([BOB]) == {BOB: "bob@example.com"}
    [lookup] = [record for record in emulator.requests if record.path == "/person/infos"]
    assert lookup.body["person_ids"][0] == ALICE and {BOB, CAROL} <= set(lookup.body["person_ids"])
