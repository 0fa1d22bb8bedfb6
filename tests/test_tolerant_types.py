"""Tolerant types in specs (issue 22): ``type: path`` and ``type: file`` are strings
(with a warning); an input written ``artifacts: []`` is an open list (with a warning)."""

from __future__ import annotations

import yaml

from patforge.spec.compiler import compile_schema
from patforge.examplegen.instances import validate_instance


def _compile(inputs: str):
    spec = yaml.safe_load("pattern_id: PAT-T-001\nname: t\n" + inputs)
    return compile_schema(spec, name="t", pattern_id="PAT-T-001", doc_id="DOC-T-001")


def test_path_and_file_are_strings_with_a_warning():
    c = _compile("inputs:\n  source:\n    type: path\n    required: true\n  report: file\n")
    props = c.schema["properties"]["inputs"]["properties"]
    assert props["source"]["type"] == "string" and props["report"]["type"] == "string"
    assert c.schema["properties"]["inputs"]["required"] == ["source"]
    assert not c.errors
    warned = [d for d in c.diagnostics if d.code == "spec-type-alias"]
    assert len(warned) == 2 and "'path'" not in warned[0].message and "path" in warned[0].message


def test_an_empty_list_is_an_open_list():
    c = _compile("inputs:\n  artifacts: []\n  name: string\n")
    assert not c.errors, c.errors
    assert c.schema["properties"]["inputs"]["properties"]["artifacts"] == {"type": "array"}
    w = [d for d in c.diagnostics if d.code == "spec-field-shape"]
    assert len(w) == 1 and w[0].severity.value == "warning" and "open list" in w[0].message
    schema = c.schema
    inst = {"doc_id": "DOC-T-001", "pattern_id": "PAT-T-001", "inputs": {"artifacts": ["a", 1, {}]}}
    assert not validate_instance(schema, inst)


def test_a_non_empty_list_is_still_an_error():
    c = _compile("inputs:\n  artifacts: [a, b]\n")
    assert [d for d in c.errors if d.code == "spec-field-shape"]
