"""The example generator on hand-written schemas of many shapes, id embedding, the
errors that name a blocking keyword, and ``patforge example`` (exit codes 0/1/2)."""

from __future__ import annotations

import json

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from patforge.cli import run
from patforge.errors import NoInstanceError
from patforge.examplegen.instances import (
    INSTANCE_KINDS,
    KINDS,
    example_instance,
    generate_examples,
    generate_instances,
    instance_to_text,
)

IDS = {"doc_id": "DOC-SHAPE-001", "pattern_id": "PAT-SHAPE-001"}


def valid(schema, instance) -> bool:
    v = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    return v.is_valid(instance)


def all_kinds(schema, **ids):
    result = generate_examples(schema, **ids)
    for kind, inst in result.instances.items():
        assert valid(schema, inst), (kind, inst)
    return result


ENVELOPE = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "required": ["doc_id", "pattern_id", "inputs"],
    "additionalProperties": False,
    "properties": {
        "doc_id": {"type": "string", "pattern": "^DOC-[A-Z0-9-]+$"},
        "pattern_id": {"const": "PAT-SHAPE-001"},
        "inputs": {"$ref": "#/definitions/inputs"},
        "metadata": {"type": "object"},
    },
    "definitions": {
        "inputs": {
            "type": "object",
            "required": ["target", "mode"],
            "additionalProperties": False,
            "properties": {
                "target": {"$ref": "#/definitions/path~1like"},
                "mode": {"enum": ["create", "update"]},
                "owner_email": {"type": "string", "format": "email"},
                "created": {"type": "string", "format": "date-time"},
                "tags": {"type": "array", "items": {"type": "string", "pattern": "^[a-z]+$"},
                         "uniqueItems": True, "minItems": 2},
                "steps": {"type": "array", "contains": {"const": "verify"},
                          "items": {"enum": ["plan", "apply", "verify"]}},
                "limits": {"type": "object", "patternProperties": {"^max_": {"type": "integer",
                                                                              "minimum": 1}},
                           "propertyNames": {"pattern": "^max_[a-z]+$"}, "minProperties": 1,
                           "additionalProperties": False},
                "retries": {"type": "integer", "minimum": 0, "maximum": 9, "multipleOf": 3},
            },
            "allOf": [{"if": {"properties": {"mode": {"const": "update"}}},
                       "then": {"required": ["created"]}}],
            "dependencies": {"owner_email": ["created"]},
        },
        "path/like": {"type": "string", "minLength": 3, "pattern": "^[a-z/]+\\.json$"},
    },
}


def test_hand_written_envelope_with_refs_and_combinators():
    result = all_kinds(ENVELOPE, **IDS)
    assert result.sidecar_ids == []
    minimal = result.instances["instance_minimal"]
    assert list(minimal) == ["doc_id", "pattern_id", "inputs"]
    assert list(minimal["inputs"]) == ["target", "mode"]
    full = result.instances["instance_full"]["inputs"]
    assert {"owner_email", "created", "tags", "steps", "limits", "retries"} <= set(full)
    assert "verify" in full["steps"] and len(set(full["tags"])) == len(full["tags"])
    assert result.instances["instance_full"]["metadata"] == {"generated_by": "patforge",
                                                              "scenario": "full"}


def test_strings_read_like_their_field():
    schema = {"type": "object", "required": ["owner_email", "title", "config_path", "name"],
              "properties": {"owner_email": {"type": "string", "format": "email"},
                             "title": {"type": "string"}, "config_path": {"type": "string"},
                             "name": {"type": "string"}}}
    inst = example_instance(schema, "minimal").instances["instance_minimal"]
    assert inst == {"owner_email": "dev@example.com", "title": "Example title",
                    "config_path": "src/example.txt", "name": "example-name"}


def test_closed_flat_schema_needs_a_sidecar():
    schema = {"type": "object", "additionalProperties": False, "required": ["a"],
              "properties": {"a": {"type": "integer"}}}
    result = all_kinds(schema, **IDS)
    assert result.instances["instance_minimal"] == {"a": 1}
    assert result.sidecar_ids == ["doc_id", "pattern_id"]


def test_const_doc_id_other_than_requested_is_kept_and_reported():
    schema = {"type": "object", "required": ["doc_id"], "properties": {
        "doc_id": {"const": "DOC-OTHER-001"}, "pattern_id": {"const": "PAT-SHAPE-001"}}}
    result = all_kinds(schema, **IDS)
    assert result.instances["instance_minimal"] == {"doc_id": "DOC-OTHER-001",
                                                     "pattern_id": "PAT-SHAPE-001"}
    assert result.embedded == {"doc_id": False, "pattern_id": True}
    assert result.sidecar_ids == ["doc_id"]


def test_property_names_refuse_the_ids():
    schema = {"type": "object", "propertyNames": {"pattern": "^[a-z]+$"},
              "properties": {"name": {"type": "string"}}}
    result = all_kinds(schema, **IDS)
    assert result.sidecar_ids == ["doc_id", "pattern_id"]


def test_open_flat_schema_embeds_the_ids_first():
    schema = {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}}
    inst = all_kinds(schema, **IDS).instances["instance_full"]
    assert list(inst) == ["doc_id", "pattern_id", "a"]


def test_non_object_root_cannot_carry_ids():
    result = all_kinds({"type": "array", "items": {"type": "integer"}, "minItems": 1}, **IDS)
    assert result.sidecar_ids == ["doc_id", "pattern_id"]
    assert result.instances["instance_minimal"] == [1]


def test_recursive_tree_is_finite_and_valid():
    schema = {"$ref": "#/definitions/node", "definitions": {"node": {
        "type": "object", "required": ["value"], "properties": {
            "value": {"type": "integer"},
            "children": {"type": "array", "items": {"$ref": "#/definitions/node"}, "minItems": 1}}}}}
    full = all_kinds(schema).instances["instance_full"]
    assert full["children"][0]["value"] == 1


def test_json_pointer_escapes_in_refs():
    schema = {"properties": {"a": {"$ref": "#/definitions/tilde~0field"},
                             "b": {"$ref": "#/definitions/slash~1field"},
                             "c": {"$ref": "#/definitions/percent%25field"}},
              "required": ["a", "b", "c"],
              "definitions": {"tilde~field": {"type": "integer", "minimum": 5},
                              "slash/field": {"type": "boolean"},
                              "percent%field": {"enum": ["p"]}}}
    assert all_kinds(schema).instances["instance_minimal"] == {"a": 5, "b": False, "c": "p"}


def test_one_of_picks_exactly_one_branch():
    schema = {"oneOf": [{"type": "integer", "multipleOf": 2}, {"type": "integer", "multipleOf": 3}]}
    for inst in all_kinds(schema).instances.values():
        assert (inst % 2 == 0) != (inst % 3 == 0)


def test_dependencies_schema_and_if_then_else():
    schema = {"type": "object", "properties": {"kind": {"enum": ["file", "dir"]},
                                               "size": {"type": "integer"}},
              "required": ["kind"],
              "dependencies": {"size": {"properties": {"kind": {"const": "file"}}}},
              "if": {"properties": {"kind": {"const": "dir"}}},
              "then": {"not": {"required": ["size"]}}, "else": {"required": ["size"]}}
    for inst in all_kinds(schema).instances.values():  # a size only ever with a file
        assert inst["kind"] == "file" or "size" not in inst


@pytest.mark.parametrize("schema,message", [
    ({"type": "object", "required": ["x"], "properties": {"x": {"not": {}}}},
     '"not" at #/properties/x rejected every candidate tried'),
    ({"type": "object", "required": ["x"], "properties": {"x": {"$ref": "#/definitions/never"}},
      "definitions": {"never": {"type": "string", "enum": [1, 2]}}},
     '"type" at #/definitions/never rejected every candidate tried'),
    ({"type": "object", "required": ["Bad"], "propertyNames": {"pattern": "^[a-z]+$"}},
     '"pattern" at #/propertyNames rejected every candidate tried'),
    ({"type": "object", "properties": {"x": {"$ref": "#/definitions/gone"}}, "required": ["x"]},
     '"$ref" at #/properties/x rejected every candidate tried'),
])
def test_blocked_schema_names_keyword_and_pointer(schema, message):
    with pytest.raises(NoInstanceError) as info:
        generate_examples(schema)
    assert message in info.value.message


def test_non_strict_returns_best_candidate_and_the_blocker():
    schema = {"type": "object", "required": ["x"], "properties": {"x": {"not": {}}}}
    result = generate_examples(schema, strict=False)
    assert result.blocker is not None and result.blocker.keyword == "not"
    assert set(generate_instances(schema, doc_id="D", pattern_id="P")) == set(INSTANCE_KINDS)


# -- any schema built from the common keywords: valid or a named keyword, never junk ----

LEAF = st.one_of(
    st.builds(lambda lo, span: {"type": "integer", "minimum": lo, "maximum": lo + span},
              st.integers(-50, 50), st.integers(-3, 20)),
    st.builds(lambda lo, span: {"type": "string", "minLength": lo, "maxLength": lo + span},
              st.integers(0, 8), st.integers(-2, 8)),
    st.builds(lambda p: {"type": "string", "pattern": p},
              st.sampled_from(["^[a-z]+$", "^v[0-9]+$", "^(a|bc)+-[0-9]{2}$", "^$", "x"])),
    st.builds(lambda e: {"enum": e}, st.lists(st.one_of(st.integers(), st.text(max_size=4)),
                                              max_size=3)),
    st.sampled_from([True, False, {}, {"type": "null"}, {"type": "boolean"}, {"not": {"type": "string"}},
                     {"format": "email"}, {"type": "string", "format": "date"}]),
)


def _extend(children):
    return st.one_of(
        st.builds(lambda props, req: {"type": "object", "properties": props,
                                      "required": [k for k in props if req]},
                  st.dictionaries(st.sampled_from(["a", "b", "c_path", "d"]), children, max_size=3),
                  st.booleans()),
        st.builds(lambda items, lo, uniq: {"type": "array", "items": items, "minItems": lo,
                                           "uniqueItems": uniq},
                  children, st.integers(0, 3), st.booleans()),
        st.builds(lambda a, b: {"anyOf": [a, b]}, children, children),
        st.builds(lambda a, b: {"allOf": [a, b]}, children, children),
        st.builds(lambda a, b: {"oneOf": [a, b]}, children, children),
        st.builds(lambda a: {"not": a}, children),
        st.builds(lambda a: {"definitions": {"x": a}, "$ref": "#/definitions/x"}, children),
    )


SCHEMAS = st.recursive(LEAF, _extend, max_leaves=6)


@settings(max_examples=200, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(SCHEMAS)
def test_any_schema_gets_a_valid_instance_or_a_named_keyword(schema):
    for kind in KINDS:
        try:
            result = example_instance(schema, kind)
        except NoInstanceError as exc:
            assert exc.keyword and exc.pointer.startswith("#")
            continue
        instance = result.instances[f"instance_{kind}"]
        assert valid(schema, instance), (kind, instance)
        again = example_instance(schema, kind).instances[f"instance_{kind}"]
        assert instance_to_text(again) == instance_to_text(instance)


# -- the command ------------------------------------------------------------------------

def test_cli_prints_a_valid_instance(tmp_path, capsys):
    path = tmp_path / "schema.json"
    path.write_text(json.dumps(ENVELOPE), encoding="utf-8")
    assert run(["example", str(path), "--kind", "full", "--doc-id", "DOC-SHAPE-001",
                "--pattern-id", "PAT-SHAPE-001"]) == 0
    out = capsys.readouterr()
    inst = json.loads(out.out)
    assert valid(ENVELOPE, inst) and inst["doc_id"] == "DOC-SHAPE-001"
    assert out.out == instance_to_text(inst)
    assert out.err == ""


def test_cli_notes_ids_that_need_a_sidecar(tmp_path, capsys):
    path = tmp_path / "schema.json"
    path.write_text('{"type": "object", "additionalProperties": false}', encoding="utf-8")
    assert run(["example", str(path), "--doc-id", "DOC-X-001"]) == 0
    out = capsys.readouterr()
    assert json.loads(out.out) == {}
    assert "doc_id DOC-X-001" in out.err and "sidecar" in out.err


def test_cli_exit_1_names_the_keyword(tmp_path, capsys):
    path = tmp_path / "schema.json"
    path.write_text('{"type": "object", "properties": {"x": {"not": {}}}, "required": ["x"]}',
                    encoding="utf-8")
    assert run(["example", str(path)]) == 1
    err = capsys.readouterr().err
    assert '"not" at #/properties/x rejected every candidate tried' in err


def test_cli_exit_2_names_file_and_line(tmp_path, capsys):
    path = tmp_path / "schema.json"
    path.write_bytes(b'{\r\n  "type": "object",\r\n  "properties": {,}\r\n}\r\n')
    assert run(["example", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:3:" in err and "not valid JSON" in err


@pytest.mark.parametrize("text,needle", [
    ('{"type": 12}', "not a valid draft-07 schema at #/type"),
    (None, "cannot read the schema"),
])
def test_cli_exit_2_for_unusable_schema(tmp_path, capsys, text, needle):
    path = tmp_path / "schema.json"
    if text is not None:
        path.write_text(text, encoding="utf-8")
    assert run(["example", str(path)]) == 2
    assert needle in capsys.readouterr().err


def test_full_shows_a_pattern_property_minimal_does_not():
    schema = {"type": "object", "additionalProperties": False,
              "patternProperties": {"^x_[a-z]+$": {"type": "integer", "minimum": 2}}}
    result = all_kinds(schema)
    assert result.instances["instance_minimal"] == {}
    full = result.instances["instance_full"]
    assert len(full) == 1 and next(iter(full)).startswith("x_") and next(iter(full.values())) == 2
