"""The people an emulated account starts with: the defaults, seed lists and seed files."""

from __future__ import annotations

import json
import re

import pytest

from flashcat_pulumi.emulator import DEFAULT_PEOPLE, Emulator, SeedPerson, load_seed
from tests.emulator.conftest import ALICE, BOB, CAROL, DAVE, ERIN, FRANK, OWNER, Api


def test_default_people():
    assert [(p.name, p.email, p.person_id, p.as_) for p in DEFAULT_PEOPLE[:2]] == [
        ("Owner", "owner@example.com", OWNER, "account"),
        ("Alice Chen", "alice@example.com", ALICE, "member")]
    assert [p.person_id for p in DEFAULT_PEOPLE] == [OWNER, ALICE, BOB, CAROL, DAVE, ERIN, FRANK]


def test_custom_seed_from_a_list_and_a_file(tmp_path):
    people = [SeedPerson("Zed", "zed@corp.io"),
              SeedPerson("Boss", "boss@corp.io", 1000000000001, as_="account")]
    with Emulator(seed=people) as emu:
        api = Api(emu)
        info = api.ok("/member/info", {})
        assert (info["member_name"], info["account_id"], info["account_email"]) == ("Zed", 1000000000001,
                                                                                   "boss@corp.io")
        assert len(str(info["member_id"])) == 13
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps([{"name": "Solo", "email": "solo@corp.io", "person_id": 42,
                                 "phone": "+15550001"}]))
    assert load_seed(seed) == [DEFAULT_PEOPLE[0], SeedPerson("Solo", "solo@corp.io", 42, "+15550001")]
    with Emulator(seed=str(seed)) as emu:
        info = Api(emu).ok("/member/info", {})
        assert (info["member_id"], info["account_id"]) == (42, OWNER)


@pytest.mark.parametrize(("content", "message"), [
    ("{not json", "not valid JSON"),
    ("{}", "people: must be a non-empty list"),
    ('{"persons": []}', "unknown top-level key 'persons'"),
    ('[5]', "people[0]: must be an object"),
    ('[{"name": "A"}]', "people[0].email: required, must look like an email address, got None"),
    ('[{"name": "A", "email": "a@x.io"}, {"email": "b@x.io"}]', "people[1].name: required"),
    ('[{"name": "A", "email": "a@x.io", "person_id": "12"}]',
     "people[0].person_id: must be a positive integer"),
    ('[{"name": "A", "email": "a@x.io", "phone": "12ab"}]', "people[0].phone: must be digits"),
    ('[{"name": "A", "email": "a@x.io", "as": "admin"}]', "people[0].as: must be 'member' or 'account'"),
    ('[{"name": "A", "email": "a@x.io", "emial": "x"}]', "people[0].emial: unknown field"),
    ('[{"name": "A", "email": "a@x.io", "as": "account"}, {"name": "B", "email": "b@x.io", "as": "account"}]',
     "people[1].as: only one person can be the account owner (people[0] already is)"),
    ('[{"name": "A", "email": "a@x.io"}, {"name": "B", "email": "A@x.io"}]',
     "people[1].email: 'a@x.io' is already used by people[0]"),
    ('[{"name": "A", "email": "owner@example.com"}]',
     "people[0].email: 'owner@example.com' is already used by the default owner"),
])
def test_malformed_seed_files_are_explained(tmp_path, content, message):
    seed = tmp_path / "seed.json"
    seed.write_text(content)
    with pytest.raises(ValueError, match=re.escape(message)) as info:
        load_seed(seed)
    assert str(info.value).startswith(str(seed))


def test_missing_seed_file():
    with pytest.raises(ValueError, match="cannot read the seed file"):
        load_seed("/nonexistent/seed.json")
    with pytest.raises(ValueError, match=r"seed\[0\]: must be a SeedPerson"):
        Emulator(seed=[{"name": "x"}])  # type: ignore[list-item]
