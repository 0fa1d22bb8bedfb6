"""The repository-level schemas shipped in patforge/data/schema/."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from patforge.spec.compiler import compile_schema
from patforge.spec.domain_schemas import DOMAIN_SCHEMA_FILES, domain_schema_text, load_domain_schema
from patforge.examplegen.instances import generate_instances

DEMO_SPECS = sorted((Path(__file__).resolve().parents[1] / "driver" / "patforge" / "data" / "demo"
                     / "patterns" / "specs").glob("*.pattern.yaml"))

REAL_SPEC = """
# Pattern Specification: atomic_create
pattern_id: PAT-ATOMIC-CREATE-001
doc_id: DOC-ATOMIC-CREATE-001
name: atomic_create
version: "1.2.0"
category: file_operations
status: stable
metadata:
  tags: [files, atomic]
intent: |
  Create a set of new files so that they all appear together or not at all.
applicability:
  when_to_use: [Adding several files at once]
inputs:
  project_root:
    type: string
    required: true
    min_length: 3
    example: 'C:\\Projects\\MyApp'
  files_to_create:
    type: array
    required: true
    min_items: 1
    items:
      type: object
      required: [path, content]
      properties:
        path: {type: string, pattern: '^[^:*?"<>|]+$'}
        content: {type: string}
        file_type: {type: string, enum: [implementation, test], default: implementation}
  overwrite_existing: {type: boolean, default: false}
  timeout: {type: int, min: 1}
outputs:
  files_created: {type: array, items: {type: string}}
  total_files: integer
execution_steps:
  - step_id: S1
    description: Validate.
atomicity_guarantees:
  scope: all_or_nothing
"""


def validator(filename: str) -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(load_domain_schema(filename),
                                      format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


@pytest.mark.parametrize("filename", DOMAIN_SCHEMA_FILES)
def test_domain_schema_passes_metaschema(filename):
    schema = load_domain_schema(filename)
    jsonschema.Draft7Validator.check_schema(schema)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert schema["$id"] and schema["description"]
    assert json.loads(domain_schema_text(filename)) == schema


def test_load_returns_independent_copies():
    a = load_domain_schema("pattern_instance.v1.json")
    a["properties"].clear()
    assert load_domain_schema("pattern_instance.v1.json")["properties"]


def test_unknown_domain_schema_is_refused():
    with pytest.raises(ValueError):
        load_domain_schema("nope.json")


# -- pattern_spec.v1.json ----------------------------------------------------------

def test_real_spec_validates():
    assert list(validator("pattern_spec.v1.json").iter_errors(yaml.safe_load(REAL_SPEC))) == []


@pytest.mark.parametrize("path", DEMO_SPECS, ids=[p.name for p in DEMO_SPECS])
def test_demo_specs_validate(path):
    errors = list(validator("pattern_spec.v1.json").iter_errors(yaml.safe_load(path.read_text("utf-8"))))
    assert errors == [], [e.message for e in errors]


@pytest.mark.parametrize("spec", [
    {"inputs": {"placeholder": True}},
    {"inputs": None},
    {"inputs": {"a": "integer", "b": None, "c": {"type": ["string", "null"]}}},
    {"inputs": {"o": {"type": "object", "required": ["x"], "properties": {"x": "string"}}}},
])
def test_spec_io_variants_validate(spec):
    doc = {"pattern_id": "PAT-X-001", "name": "x", "version": "1.0.0", **spec}
    assert validator("pattern_spec.v1.json").is_valid(doc)


@pytest.mark.parametrize("mutate", [
    lambda s: s.pop("name"),
    lambda s: s.pop("pattern_id"),
    lambda s: s.update(version=1.2),
    lambda s: s.update(doc_id="doc-lower"),
    lambda s: s.update(doc_id="DOC--DOUBLE"),
    lambda s: s.update(name="Atomic Create"),
    lambda s: s["inputs"]["project_root"].update(type="text"),
    lambda s: s["inputs"].update(bad="path"),
    lambda s: s["inputs"]["project_root"].update(min_length=-1),
    lambda s: s["inputs"]["project_root"].update(required="sometimes"),
    lambda s: s["inputs"]["files_to_create"]["items"]["properties"]["path"].update(pattern="[a-"),
    lambda s: s.update(inputs=["project_root"]),
])
def test_broken_spec_fails(mutate):
    spec = yaml.safe_load(REAL_SPEC)
    mutate(spec)
    assert not validator("pattern_spec.v1.json").is_valid(spec)


# -- pattern_instance.v1.json ------------------------------------------------------

@pytest.fixture(scope="module")
def generated():
    spec = yaml.safe_load(REAL_SPEC)
    r = compile_schema(spec, name="atomic_create", pattern_id="PAT-ATOMIC-CREATE-001",
                       doc_id="DOC-ATOMIC-CREATE-001")
    return generate_instances(r.schema, doc_id="DOC-ATOMIC-CREATE-001",
                              pattern_id="PAT-ATOMIC-CREATE-001")


def test_generated_instances_validate_against_common_shape(generated):
    v = validator("pattern_instance.v1.json")
    for kind, inst in generated.items():
        assert list(v.iter_errors(inst)) == [], kind


@pytest.mark.parametrize("mutate", [
    lambda i: i.pop("doc_id"),
    lambda i: i.pop("inputs"),
    lambda i: i.update(doc_id="doc-1"),
    lambda i: i.update(inputs=[1]),
    lambda i: i.update(extra=True),
])
def test_old_or_broken_instances_fail_common_shape(generated, mutate):
    inst = copy.deepcopy(generated["instance_full"])
    mutate(inst)
    assert not validator("pattern_instance.v1.json").is_valid(inst)


# -- pattern_execution_result.v1.json ------------------------------------------------

GOOD_RESULT = {
    "status": "success",
    "pattern_id": "PAT-ATOMIC-CREATE-001",
    "doc_id": "DOC-ATOMIC-CREATE-001",
    "instance_path": "patterns/examples/atomic_create/instance_minimal.json",
    "created_files": ["src/a.py", "tests/test_a.py"],
    "timings": {"started_at": "2025-01-02T10:00:00Z", "finished_at": "2025-01-02T10:00:01.5Z",
                "duration_ms": 1500},
    "errors": [],
}


def test_execution_results_validate():
    v = validator("pattern_execution_result.v1.json")
    assert list(v.iter_errors(GOOD_RESULT)) == []
    failure = dict(GOOD_RESULT, status="failure", created_files=[],
                   errors=[{"code": "target-exists", "message": "src/a.py already exists"}])
    assert list(v.iter_errors(failure)) == []
    scaffold = dict(GOOD_RESULT, status="not_implemented", created_files=[])
    assert list(v.iter_errors(scaffold)) == []


@pytest.mark.parametrize("change", [
    {"status": "done"},
    {"status": "success", "errors": [{"code": "x", "message": "y"}]},
    {"status": "failure", "errors": []},
    {"status": "invalid_input", "errors": [{"code": "x"}]},
    {"created_files": "src/a.py"},
    {"timings": {"started_at": "yesterday", "finished_at": "2025-01-02T10:00:01Z", "duration_ms": 1}},
    {"timings": {"started_at": "2025-01-02T10:00:00Z", "finished_at": "2025-01-02T10:00:01Z",
                 "duration_ms": -5}},
    {"doc_id": "not valid"},
    {"unexpected": 1},
])
def test_bad_execution_results_fail(change):
    result = dict(GOOD_RESULT, **change)
    assert not validator("pattern_execution_result.v1.json").is_valid(result)


def test_missing_required_result_key_fails():
    for key in GOOD_RESULT:
        result = {k: v for k, v in GOOD_RESULT.items() if k != key}
        assert not validator("pattern_execution_result.v1.json").is_valid(result), key
