"""The engine harness (tests/engine.py) against a tiny file-backed provider (tests/harness_fixture)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pulumi
import pytest
from harness_fixture import EXPLODE, UNKNOWN_MARK, Note, load, save

from flashcat_pulumi.testing import UNKNOWN, CheckFailed, Engine, Failure, ProviderError, ProviderServer

TESTS = Path(__file__).resolve().parent
PROJECT = "harnessproj"
CONFIG = {"idPrefix": "n", "harness:token": "s3cret"}


@pytest.fixture(scope="module")
def server() -> Iterator[ProviderServer]:
    with ProviderServer(TESTS.parent, project=PROJECT, python_path=[TESTS]) as srv:
        yield srv


@pytest.fixture
def engine(server: ProviderServer) -> Engine:
    server.configure(CONFIG, secret_keys={"harness:token"})
    return Engine(server, stack="test")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "notes.json"


def calls(db: Path, op: str) -> list[dict[str, Any]]:
    return [call for call in load(db)["calls"] if call["op"] == op]


def fingerprint_of(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def pair(db: Path, text: str = "hello"):
    """A program: note ``a`` and note ``b`` owned by ``a``."""
    def program() -> None:
        a = Note("a", db, text=text, size=3)
        b = Note("b", db, text="world", owner_id=a.note_id)
        pulumi.export("a_id", a.note_id)
        pulumi.export("owner", b.owner_id)
    return program


def test_up_creates_and_outputs_flow_into_dependents(engine: Engine, db: Path):
    result = engine.up(pair(db))

    assert result.steps == {"a": "create", "b": "create"}
    assert result.calls == [("Check", "a"), ("Create", "a"), ("Check", "b"), ("Create", "b")]
    assert result.ids == {"a": "n-1", "b": "n-2"}
    assert result.exports == {"a_id": "n-1", "owner": "n-1"}
    assert load(db)["records"] == {"n-1": {"text": "hello", "size": 3.0},
                                   "n-2": {"text": "world", "size": 1.0, "owner_id": "n-1"}}
    b = engine.entry("b")
    assert (b.id, b.inputs["owner_id"], b.outputs["note_id"]) == ("n-2", "n-1", "n-2")
    # __provider came from the program, went to every call, and the SDK copied it into the outputs.
    assert b.inputs["__provider"] == b.outputs["__provider"] == engine.entry("a").inputs["__provider"]
    assert "__provider" not in result.outputs["b"]


def test_preview_after_up_is_all_same_and_writes_nothing(engine: Engine, db: Path):
    engine.up(pair(db))
    records, state = load(db)["records"], dict(engine.state)

    result = engine.preview(pair(db))

    assert result.steps == {"a": "same", "b": "same"}
    assert result.calls == [("Check", "a"), ("Diff", "a"), ("Check", "b"), ("Diff", "b")]
    assert {d.changes for d in result.diffs.values()} == {"none"}
    assert result.exports == {"a_id": "n-1", "owner": "n-1"}  # a SameStep hands back the old outputs
    assert load(db)["records"] == records
    assert engine.state == state


def test_changed_input_previews_an_update_then_up_applies_it(engine: Engine, db: Path):
    engine.up(pair(db))

    preview = engine.preview(pair(db, text="changed"))

    assert preview.steps["a"] == "update"
    assert preview.diffs["a"].changes == "some"
    assert preview.ids["a"] == "n-1"
    assert preview.outputs["a"] == {"text": "changed", "size": 3.0}  # the checked inputs
    assert preview.exports["a_id"] == UNKNOWN  # output-only, so unknown until the update runs
    assert not [call for call in preview.calls if call[0] in ("Create", "Update")]
    assert load(db)["records"]["n-1"]["text"] == "hello"

    result = engine.up(pair(db, text="changed"))

    assert result.steps == {"a": "update", "b": "same"}
    assert load(db)["records"]["n-1"]["text"] == "changed"
    update = calls(db, "update")[-1]
    assert update["olds"]["note_id"] == "n-1"  # Update gets the old OUTPUTS as olds
    assert engine.entry("a").outputs["text"] == engine.entry("a").inputs["text"] == "changed"


def test_input_from_an_unknown_output_reaches_check_and_diff_as_unknown(engine: Engine, db: Path):
    first = engine.preview(pair(db))

    assert first.steps == {"a": "create", "b": "create"}
    assert first.ids == {"a": UNKNOWN, "b": UNKNOWN}
    assert calls(db, "check")[-1]["news"]["owner_id"] == UNKNOWN_MARK
    assert not calls(db, "create")
    assert engine.state == {}

    engine.up(pair(db))
    result = engine.preview(pair(db, text="changed"))

    assert result.steps == {"a": "update", "b": "update"}
    assert calls(db, "check")[-1]["news"]["owner_id"] == UNKNOWN_MARK
    assert calls(db, "diff")[-1]["news"]["owner_id"] == UNKNOWN_MARK
    assert calls(db, "diff")[-1]["olds"]["owner_id"] == "n-1"
    assert result.exports["owner"] == UNKNOWN


def test_refresh_drops_a_resource_deleted_out_of_band_and_up_recreates_it(engine: Engine, db: Path):
    engine.up(pair(db))
    content = load(db)
    del content["records"]["n-1"]
    save(db, content)

    refreshed = engine.refresh()

    assert refreshed.steps == {"a": "drop", "b": "read"}
    assert [entry.name for entry in engine.state.values()] == ["b"]
    assert calls(db, "read")[-1]["props"]["note_id"] == "n-2"  # Read gets the old outputs

    result = engine.up(pair(db))

    assert result.steps == {"a": "create", "b": "update"}
    assert engine.entry("b").inputs["owner_id"] == "n-3"
    assert sorted(load(db)["records"]) == ["n-2", "n-3"]


def test_destroy_deletes_in_reverse_creation_order(engine: Engine, db: Path):
    def chain() -> None:
        a = Note("a", db, text="one")
        b = Note("b", db, text="two", owner_id=a.note_id)
        Note("c", db, text="three", owner_id=b.note_id)

    engine.up(chain)

    result = engine.destroy()

    assert list(result.steps.items()) == [("c", "delete"), ("b", "delete"), ("a", "delete")]
    deletes = calls(db, "delete")
    assert [call["id"] for call in deletes] == ["n-3", "n-2", "n-1"]
    assert deletes[0]["props"]["fingerprint"] == fingerprint_of("three")  # old outputs, unwrapped
    assert load(db)["records"] == {}
    assert engine.state == {}


def test_resources_left_out_of_the_program_are_deleted_at_the_end(engine: Engine, db: Path):
    engine.up(pair(db))

    def only_a() -> None:
        Note("a", db, text="hello", size=3)

    preview = engine.preview(only_a)
    assert preview.steps == {"a": "same", "b": "delete"}
    assert "n-2" in load(db)["records"]

    result = engine.up(only_a)

    assert result.steps == {"a": "same", "b": "delete"}
    assert result.calls[-1] == ("Delete", "b")
    assert sorted(load(db)["records"]) == ["n-1"]
    assert [entry.name for entry in engine.state.values()] == ["a"]


def test_check_failures_raise_check_failed_and_the_engine_stays_usable(engine: Engine, db: Path):
    def bad() -> None:
        Note("bad", db, text="  ", size=-1)

    with pytest.raises(CheckFailed) as caught:
        engine.up(bad)

    assert caught.value.failures == [Failure("text", "must not be empty"), Failure("size", "must not be negative")]
    message = str(caught.value)
    assert "resource 'bad': property text value '  ' has a problem: must not be empty" in message
    assert "property size value -1.0 has a problem: must not be negative" in message
    assert not calls(db, "create")
    assert engine.state == {}

    assert engine.up(pair(db)).steps == {"a": "create", "b": "create"}


def test_provider_exception_is_a_provider_error_with_the_traceback(engine: Engine, db: Path):
    def program() -> None:
        a = Note("a", db, text="fine")
        Note("b", db, text=EXPLODE, owner_id=a.note_id)

    with pytest.raises(ProviderError) as caught:
        engine.up(program)

    error = caught.value
    assert error.method == "Create"
    assert error.code.name == "UNKNOWN"
    assert error.details.startswith("Traceback (most recent call last):")
    assert error.last_line == "RuntimeError: remote refused note 'explode'"
    assert "note 'explode' is about to fail" in error.stderr  # the server's stderr, for debugging
    assert str(error).startswith("Create failed (UNKNOWN): RuntimeError: remote refused note 'explode'")
    assert [entry.name for entry in engine.state.values()] == ["a"]  # what completed stays in state


def test_configure_sends_namespaced_stack_config_with_secrets_unwrapped(server: ProviderServer, engine: Engine,
                                                                        db: Path, tmp_path: Path):
    engine.up(pair(db))
    assert load(db)["configured"] == {"idPrefix": "n", "token": "s3cret"}

    assert server.configure({"idPrefix": "x", f"{PROJECT}:unused": "1"}) is False  # acceptSecrets=False
    other = tmp_path / "other.json"
    result = Engine(server).up(pair(other))

    # a new __provider string (another file) is configured with the config current at its first call
    assert result.ids == {"a": "x-1", "b": "x-2"}
    assert load(other)["configured"] == {"idPrefix": "x", "token": None}


def test_secret_inputs_and_wrapped_outputs_are_secret_in_state_and_program(engine: Engine, db: Path):
    def program() -> None:
        note = Note("a", db, text="hello", password=pulumi.Output.secret("hunter2"))
        pulumi.export("password", note.password)
        pulumi.export("fingerprint", note.fingerprint)
        pulumi.export("text", note.text)

    result = engine.up(program)

    check = calls(db, "check")[-1]
    assert (check["news"]["password"], check["types"]["password"]) == ("hunter2", "str")  # stripped
    entry = engine.entry("a")
    assert "password" in entry.secret_inputs
    assert {"password", "fingerprint"} <= entry.secret_outputs
    assert "text" not in entry.secret_outputs
    assert entry.outputs["password"] == "hunter2"
    assert result.exports == {"password": "hunter2", "fingerprint": fingerprint_of("hello"), "text": "hello"}
    assert result.secret_exports == {"password", "fingerprint"}

    assert engine.up(program).secret_exports == {"password", "fingerprint"}  # a SameStep keeps them secret


def test_numbers_are_floats_on_the_wire_and_ints_in_the_program(engine: Engine, db: Path):
    seen: list[Any] = []

    def program() -> None:
        note = Note("a", db, text="hello", size=3)
        note.size.apply(seen.append)

    result = engine.up(program)

    assert calls(db, "check")[-1]["types"]["size"] == "float"
    assert isinstance(result.outputs["a"]["size"], float)
    assert seen == [3]
    assert isinstance(seen[0], int)  # the Output[int] annotation converted it back


def test_resource_options_id_reads_an_external_resource(engine: Engine, db: Path, server: ProviderServer):
    engine.up(pair(db))
    reader = Engine(server, stack="reader")

    def program() -> None:
        Note("seen", db, text="ignored", opts=pulumi.ResourceOptions(id="n-1"))

    result = reader.up(program)

    assert result.steps == {"seen": "read"}
    assert result.calls == [("Read", "seen")]
    assert result.outputs["seen"]["text"] == "hello"
    assert reader.entry("seen").external
    assert reader.destroy().steps == {"seen": "discard"}
    assert "n-1" in load(db)["records"]
