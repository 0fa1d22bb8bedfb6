"""Contracts of the three generated instances (patforge.examplegen.instances)."""

from __future__ import annotations

import re
import textwrap

import pytest

from patforge.spec.compiler import compile_schema
from patforge.examplegen.instances import (
    INSTANCE_KINDS,
    generate_instances,
    instance_to_text,
    regex_strings,
    validate_instance,
)
from patforge.repository.yamlsrc import load_yaml_text

SPEC = """
pattern_id: PAT-DEMO-001
inputs:
  project_root: {type: string, required: true, min_length: 3, example: 'C:\\Projects\\App'}
  files:
    type: array
    required: true
    min_items: 2
    max_items: 5
    items:
      type: object
      required: [path]
      properties:
        path: {type: string, pattern: '^[^:*?"<>|]+$', example: src/a.py}
        kind: {type: string, enum: [code, test, docs], default: code}
        lines: {type: integer, min: 1, max: 100}
  mode: {type: string, enum: [fast, safe], required: true}
  retries: {type: integer, min: 0, max: 5, default: 2}
  ratio: {type: number, min: 0, max: 1}
  dry_run: {type: boolean, default: false}
  tag: {type: string, pattern: '^v[0-9]+\\.[0-9]+$', examples: ['v1.0', 'v2.5', 'v3.1']}
  options:
    type: object
    properties:
      verbose: boolean
      level: {type: integer, required: true, min: 1, max: 3}
  labels: {type: array, items: {type: string, min_length: 2, max_length: 4}}
  note: {type: string, max_length: 5}
  free: {type: object}
outputs:
  created: {type: array, items: string}
  total: integer
"""


def compiled(text: str = SPEC) -> dict:
    doc = load_yaml_text(textwrap.dedent(text).lstrip("\n"), "demo.pattern.yaml")
    r = compile_schema(doc.data, name="demo", pattern_id="PAT-DEMO-001", doc_id="DOC-DEMO-001",
                       doc=doc)
    assert r.ok, [d.format() for d in r.diagnostics]
    return r.schema


def instances(schema: dict) -> dict:
    return generate_instances(schema, doc_id="DOC-DEMO-001", pattern_id="PAT-DEMO-001")


def leaf_paths(value, prefix=()):
    """Every key path in an instance, through list elements (as '[]')."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield prefix + (k,)
            yield from leaf_paths(v, prefix + (k,))
    elif isinstance(value, list):
        for v in value:
            yield from leaf_paths(v, prefix + ("[]",))


def schema_paths(schema, prefix=(), required_only=False):
    """Every property path a schema declares (required ones only, if asked)."""
    if schema.get("type") == "object":
        req = schema.get("required", [])
        for k, sub in schema.get("properties", {}).items():
            if required_only and k not in req:
                continue
            yield prefix + (k,)
            yield from schema_paths(sub, prefix + (k,), required_only)
    elif schema.get("type") == "array" and isinstance(schema.get("items"), dict):
        if required_only and not schema.get("minItems"):
            return
        yield from schema_paths(schema["items"], prefix + ("[]",), required_only)


@pytest.fixture(scope="module")
def schema():
    return compiled()


@pytest.fixture(scope="module")
def insts(schema):
    return instances(schema)


def test_kinds_and_order(insts):
    assert list(insts) == list(INSTANCE_KINDS) == ["instance_minimal", "instance_full", "instance_test"]


def test_every_instance_validates(schema, insts):
    for kind, inst in insts.items():
        assert validate_instance(schema, inst) == [], kind


def test_envelope(insts):
    for inst in insts.values():
        assert inst["doc_id"] == "DOC-DEMO-001" and inst["pattern_id"] == "PAT-DEMO-001"
    assert list(insts["instance_minimal"]) == ["doc_id", "pattern_id", "inputs"]
    assert list(insts["instance_full"]) == ["doc_id", "pattern_id", "inputs", "outputs", "metadata"]
    assert insts["instance_full"]["metadata"] == {"generated_by": "patforge", "scenario": "full"}
    assert insts["instance_test"]["metadata"] == {"generated_by": "patforge", "scenario": "test"}


def test_minimal_has_exactly_the_required_inputs(schema, insts):
    inputs_schema = schema["properties"]["inputs"]
    minimal = insts["instance_minimal"]["inputs"]
    assert list(minimal) == ["project_root", "files", "mode"]
    assert set(leaf_paths(minimal)) == set(schema_paths(inputs_schema, required_only=True))
    assert len(minimal["files"]) == 2  # minItems
    assert all(list(f) == ["path"] for f in minimal["files"])


def test_full_has_every_field(schema, insts):
    full = insts["instance_full"]
    assert set(leaf_paths(full["inputs"])) == set(schema_paths(schema["properties"]["inputs"]))
    assert set(leaf_paths(full["outputs"])) == set(schema_paths(schema["properties"]["outputs"]))


def test_test_instance_has_every_field_with_different_values(schema, insts):
    m, f, t = (insts[k]["inputs"] for k in INSTANCE_KINDS)
    assert set(leaf_paths(t)) == set(schema_paths(schema["properties"]["inputs"]))
    for key in ("project_root", "mode", "retries", "dry_run", "tag", "ratio", "note"):
        assert t[key] != f.get(key), key
        if key in m:
            assert t[key] != m[key], key
    assert t["files"][0]["kind"] != f["files"][0]["kind"]
    assert t["files"][0]["path"] != f["files"][0]["path"]
    assert len(t["files"]) != len(f["files"])


def test_values_come_from_default_examples_enum(insts):
    full = insts["instance_full"]["inputs"]
    assert full["project_root"] == "C:\\Projects\\App"  # example
    assert full["retries"] == 2  # default
    assert full["mode"] == "fast"  # first enum value
    assert full["tag"] == "v1.0"  # examples[0]
    assert full["files"][0]["path"] == "src/a.py"
    assert insts["instance_test"]["inputs"]["tag"] in ("v2.5", "v3.1")  # a later example
    assert insts["instance_test"]["inputs"]["mode"] == "safe"  # second enum value


def test_default_wins_for_minimal():
    schema = compiled("inputs:\n  a: {type: integer, required: true, default: 7, examples: [1, 2]}\n")
    m, f, t = (instances(schema)[k]["inputs"]["a"] for k in INSTANCE_KINDS)
    assert (m, f, t) == (7, 1, 2)


def test_const_is_used_everywhere():
    schema = compiled("inputs:\n  a: {type: string, required: true, const: fixed}\n")
    assert {instances(schema)[k]["inputs"]["a"] for k in INSTANCE_KINDS} == {"fixed"}


def test_string_length_bounds_are_met():
    schema = compiled("""
        inputs:
          long: {type: string, required: true, min_length: 40}
          short: {type: string, required: true, max_length: 2}
          exact: {type: string, required: true, min_length: 4, max_length: 4}
    """)
    for inst in instances(schema).values():
        assert validate_instance(schema, inst) == []
        assert len(inst["inputs"]["exact"]) == 4


@pytest.mark.parametrize("pattern", [
    r"^[a-z]+(-[a-z0-9]+)*$", r"^\.[a-z0-9]+$", r"^(dev|prod)-[0-9]{2,4}$", r"\.py$",
    r"^v\d+\.\d+\.\d+$", r"^[A-Z][A-Z0-9_]{2,}$", r"^PAT-[A-Z]+-\d{3}$", r"^\w+@\w+\.com$",
    r"^(?:feature|fix)/[a-z]+$", r"^[^\s]+$",
])
def test_pattern_strings_match(pattern):
    spec = f"inputs:\n  s: {{type: string, required: true, pattern: '{pattern}'}}\n"
    schema = compiled(spec)
    values = []
    for inst in instances(schema).values():
        assert validate_instance(schema, inst) == []
        values.append(inst["inputs"]["s"])
    assert values[2] != values[0], "test differs from minimal when the pattern allows it"


def test_pattern_with_length_bounds():
    schema = compiled("inputs:\n  s: {type: string, required: true, pattern: '^[a-z]+$', "
                      "min_length: 6, max_length: 8}\n")
    for inst in instances(schema).values():
        assert validate_instance(schema, inst) == []


@pytest.mark.parametrize("bounds", ["min: 5", "max: -3", "min: 10, max: 10", "min: -2, max: 2"])
@pytest.mark.parametrize("type_name", ["integer", "number"])
def test_numbers_inside_bounds(bounds, type_name):
    schema = compiled(f"inputs:\n  n: {{type: {type_name}, required: true, {bounds}}}\n")
    for inst in instances(schema).values():
        assert validate_instance(schema, inst) == []


def test_exclusive_bounds_and_multiple_of_in_hand_written_schema():
    schema = {"type": "object", "required": ["inputs"], "properties": {"inputs": {
        "type": "object", "required": ["a", "b"], "properties": {
            "a": {"type": "integer", "exclusiveMinimum": 3, "exclusiveMaximum": 6, "multipleOf": 5},
            "b": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1}}}}}
    for inst in instances(schema).values():
        assert validate_instance(schema, inst) == []
        assert inst["inputs"]["a"] == 5


def test_formats_in_hand_written_schema():
    schema = {"type": "object", "properties": {"inputs": {"type": "object", "required": ["d", "e"],
              "properties": {"d": {"type": "string", "format": "date-time"},
                             "e": {"type": "string", "format": "email"}}}}}
    for inst in instances(schema).values():
        assert validate_instance(schema, inst) == []


def test_placeholder_inputs_give_empty_object():
    schema = compiled("inputs:\n  placeholder: true\n")
    for inst in instances(schema).values():
        assert inst["inputs"] == {}
        assert validate_instance(schema, inst) == []


def test_array_elements_differ():
    schema = compiled("inputs:\n  l: {type: array, required: true, min_items: 3, items: string}\n")
    values = instances(schema)["instance_minimal"]["inputs"]["l"]
    assert len(values) == 3 and len(set(values)) == 3


def test_deterministic_bytes(schema):
    a = {k: instance_to_text(v) for k, v in instances(schema).items()}
    b = {k: instance_to_text(v) for k, v in instances(compiled()).items()}
    assert a == b
    assert all(t.endswith("}\n") for t in a.values())


def test_instance_to_text_format():
    assert instance_to_text({"b": "é", "a": 1}) == '{\n  "b": "é",\n  "a": 1\n}\n'


def test_unsatisfiable_returns_best_candidate_and_validation_reports_it():
    schema = {"type": "object", "properties": {"inputs": {"type": "object", "required": ["s"],
              "properties": {"s": {"type": "string", "pattern": "^(?=x)y$"}}}}}
    inst = instances(schema)["instance_minimal"]
    assert isinstance(inst["inputs"]["s"], str)
    errors = validate_instance(schema, inst)
    assert errors and errors[0].startswith("$.inputs.s: ")


def test_validate_instance_sorted_with_paths(schema):
    bad = {"doc_id": "nope", "pattern_id": "PAT-X", "inputs": {"files": [{"path": 3}]}, "x": 1}
    errors = validate_instance(schema, bad)
    assert errors == sorted(errors)
    assert any(e.startswith("$.doc_id: ") for e in errors)
    assert any(e.startswith("$.inputs.files[0].path: ") for e in errors)
    assert any(e.startswith("$: ") and '"x"' in e for e in errors)


@pytest.mark.parametrize("pattern", [r"^abc$", r"^[a-c]{2}x?$", r"(ab|cd)+", r"^(\d)-\1$",
                                     r"^[^a-z]+$", r"^\s?\S+$", r"^.{3}$"])
def test_regex_strings(pattern):
    out = regex_strings(pattern)
    assert out and all(re.search(pattern, s) for s in out)


def test_regex_strings_invalid_pattern_is_empty():
    assert regex_strings("[") == []


def test_legacy_shape_hand_written_schema():
    """Inputs at the top level and closed: walked as a whole, no doc_id forced in."""
    schema = {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
              "required": ["project_root"], "additionalProperties": False,
              "properties": {"project_root": {"type": "string", "minLength": 3},
                             "dry_run": {"type": "boolean"}}}
    insts = instances(schema)
    assert list(insts["instance_minimal"]) == ["project_root"]
    assert list(insts["instance_full"]) == ["project_root", "dry_run"]
    for inst in insts.values():
        assert validate_instance(schema, inst) == []


def test_legacy_shape_open_schema_embeds_ids():
    schema = {"type": "object", "required": ["a"], "properties": {"a": {"type": "integer"}}}
    inst = instances(schema)["instance_minimal"]
    assert inst == {"doc_id": "DOC-DEMO-001", "pattern_id": "PAT-DEMO-001", "a": 1}
