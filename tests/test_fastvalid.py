"""fastvalid: jsonschema-rs may only ever say "valid" where jsonschema says valid.

The corpus is the official JSON-Schema-Test-Suite for draft-07 (vendored in
tests/data/json-schema-test-suite/), every schema and instance in it: the fast path must
never call valid what jsonschema calls invalid, with and without format checking, and for
schemas against their metaschema. Where it says "not sure", jsonschema judges, so that direction is free."""

from __future__ import annotations

import json

import jsonschema
import pytest

from conftest import DRAFT7_SUITE
from patforge.validation import fastvalid
from patforge.validation.fastvalid import FastValidator, surely_valid
from patforge.examplegen.instances import validate_instance
from patforge.validation.metaschema import schema_problem


def _cases() -> list[tuple[str, object, object, bool]]:
    out = []
    for path in sorted(DRAFT7_SUITE.glob("*.json")):
        for group in json.loads(path.read_text("utf-8")):
            for test in group["tests"]:
                out.append((f"{path.name}: {group['description']}: {test['description']}",
                            group["schema"], test["data"], test["valid"]))
    return out


def test_the_fast_path_never_calls_valid_what_jsonschema_rejects() -> None:
    cases = _cases()
    fast_valid = 0
    for formats in (False, True):
        checker = jsonschema.Draft7Validator.FORMAT_CHECKER if formats else None
        for name, schema, data, _expected in cases:
            try:
                slow = not any(jsonschema.Draft7Validator(schema, format_checker=checker).iter_errors(data))
            except Exception:  # noqa: BLE001 - a schema jsonschema itself cannot use
                continue
            if FastValidator(schema, jsonschema.Draft7Validator, formats=formats).is_valid(data):
                fast_valid += 1
                assert slow, f"fast path says valid, jsonschema says invalid: {name} (formats={formats})"
    assert fast_valid > 500  # it does decide most valid instances


def test_the_fast_metaschema_verdict_agrees() -> None:
    meta = jsonschema.Draft7Validator.META_SCHEMA
    fast = FastValidator(meta, jsonschema.Draft7Validator)
    seen = 0
    for name, schema, _data, _valid in _cases():
        if fast.is_valid(schema):
            seen += 1
            assert not any(jsonschema.Draft7Validator(meta).iter_errors(schema)), name
    assert seen > 100


def test_messages_still_come_from_jsonschema() -> None:
    schema = {"type": "object", "properties": {"n": {"type": "integer", "minimum": 3}}, "required": ["n"]}
    assert validate_instance(schema, {"n": 5}) == []
    assert validate_instance(schema, {"n": 1}) == ["$.n: 1 is less than the minimum of 3"]
    assert schema_problem({"type": "objekt"}) is not None
    assert schema_problem({"type": "object"}) is None


def test_formats_are_left_to_jsonschema_when_it_checks_them() -> None:
    schema = {"type": "string", "format": "ipv4"}
    assert not FastValidator(schema, jsonschema.Draft7Validator, formats=True).is_valid("1.2.3.4")
    assert FastValidator(schema, jsonschema.Draft7Validator, formats=False).is_valid("1.2.3.4")
    assert validate_instance(schema, "999.1.1.1")  # jsonschema's own format check still runs


def test_without_jsonschema_rs_everything_goes_to_jsonschema(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fastvalid, "jsonschema_rs", None)
    monkeypatch.setattr(fastvalid, "_last", None)
    assert not surely_valid({"type": "integer"}, 3, jsonschema.Draft7Validator)
    assert validate_instance({"type": "integer"}, 3) == []
    assert validate_instance({"type": "integer"}, "x") == ['$: "x" is not of type "integer"']


def test_a_schema_it_cannot_build_is_judged_by_jsonschema() -> None:
    # a regex only Python's engine accepts (a conditional group): jsonschema-rs refuses to build
    schema = {"type": "string", "pattern": "^(a)?(?(1)b|c)$"}
    assert not FastValidator(schema, jsonschema.Draft7Validator).is_valid("ab")
    assert validate_instance(schema, "ab") == []
