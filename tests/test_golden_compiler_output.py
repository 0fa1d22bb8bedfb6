"""Golden files: the schema and example instances compiled from each of the seven
core demo specs, compared byte for byte.

Any change to the compiler's or the walker's output shows up here as a diff a
reviewer can read. To accept an intended change, regenerate with::

    PATFORGE_UPDATE_GOLDENS=1 PYTHONPATH=driver python -m pytest tests/test_golden_compiler_output.py
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from patforge.spec.compiler import TYPE_ALIASES, CompiledSchema, compile_schema, schema_to_text
from patforge.spec.domain_schemas import load_domain_schema
from patforge.examplegen.instances import generate_instances, instance_to_text, validate_instance
from patforge.repository.yamlsrc import load_yaml_file

TESTS = Path(__file__).resolve().parent
GOLDEN = TESTS / "golden"
DEMO = TESTS.parent / "driver" / "patforge" / "data" / "demo" / "patterns"
CORE = ("atomic_create", "batch_create", "refactor_patch", "self_heal", "verify_commit",
        "worktree_lifecycle", "module_creation")
UPDATE = os.environ.get("PATFORGE_UPDATE_GOLDENS") == "1"


def doc_id_for(pattern_id: str) -> str:
    """The plan's default derivation: PAT-<REST> -> DOC-<REST>."""
    return "DOC-" + pattern_id[len("PAT-"):] if pattern_id.startswith("PAT-") else pattern_id


@lru_cache(maxsize=None)
def spec_of(name: str) -> tuple[Any, Any]:
    rel = f"patterns/specs/{name}.pattern.yaml"
    doc = load_yaml_file(DEMO / "specs" / f"{name}.pattern.yaml", rel)
    return doc, doc.data


@lru_cache(maxsize=None)
def compiled(name: str) -> CompiledSchema:
    doc, spec = spec_of(name)
    return compile_schema(spec, name=name, pattern_id=spec["pattern_id"],
                          doc_id=doc_id_for(spec["pattern_id"]), doc=doc, spec_path=doc.path)


@lru_cache(maxsize=None)
def artifacts(name: str) -> dict[str, str]:
    """Golden-relative path -> exact text."""
    result = compiled(name)
    pid = spec_of(name)[1]["pattern_id"]
    out = {f"schemas/{name}.schema.json": schema_to_text(result.schema)}
    for kind, inst in generate_instances(result.schema, doc_id=doc_id_for(pid), pattern_id=pid).items():
        out[f"examples/{name}/{kind}.json"] = instance_to_text(inst)
    return out


@pytest.mark.parametrize("name", CORE)
def test_core_spec_compiles_without_diagnostics(name):
    result = compiled(name)
    # atomic_create writes one field's examples as a mapping, as the plan's author does:
    # read (its values are the examples) with the one warning that says so
    expected = ["spec-examples-mapping"] if name == "atomic_create" else []
    assert [d.code for d in result.diagnostics] == expected, [d.format() for d in result.diagnostics]
    assert all(not d.is_error for d in result.diagnostics)
    assert not result.placeholder
    jsonschema.Draft7Validator.check_schema(result.schema)


def test_core_specs_match_registry():
    registry = yaml.safe_load((DEMO / "registry" / "PATTERN_INDEX.yaml").read_text("utf-8"))
    entries = {e["name"]: e for e in registry["patterns"]}
    for name in CORE:
        spec = spec_of(name)[1]
        assert spec["name"] == name
        assert entries[name]["pattern_id"] == spec["pattern_id"]
        assert entries[name]["spec_path"] == f"patterns/specs/{name}.pattern.yaml"


@pytest.mark.parametrize("name", CORE)
def test_golden_files(name):
    for rel, text in artifacts(name).items():
        path = GOLDEN / rel
        if UPDATE:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text.encode("utf-8"))
            continue
        assert path.is_file(), f"missing {path}; run with PATFORGE_UPDATE_GOLDENS=1"
        assert path.read_bytes() == text.encode("utf-8"), (
            f"{rel} differs from the compiler's output; if the change is intended, "
            "regenerate with PATFORGE_UPDATE_GOLDENS=1")


def test_no_stray_golden_files():
    expected = {rel for name in CORE for rel in artifacts(name)}
    present = {p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*.json")}
    if UPDATE:
        for rel in sorted(present - expected):
            (GOLDEN / rel).unlink()
        return
    assert present == expected


@pytest.mark.parametrize("name", CORE)
def test_golden_instances_validate(name):
    schema = compiled(name).schema
    common = jsonschema.Draft7Validator(load_domain_schema("pattern_instance.v1.json"))
    for rel, text in artifacts(name).items():
        if rel.startswith("examples/"):
            inst = json.loads(text)
            assert validate_instance(schema, inst) == [], rel
            assert common.is_valid(inst), rel


# -- every field of every core spec, with its constraints -----------------------

_SAME = ("description", "enum", "const", "default", "pattern")
_RENAMED = {"min_length": "minLength", "max_length": "maxLength", "min": "minimum",
            "max": "maximum", "min_items": "minItems", "max_items": "maxItems"}


def _canon(t: Any) -> Any:
    return TYPE_ALIASES.get(t, t) if isinstance(t, str) else t


def assert_field(raw: Any, schema: dict, where: str) -> list[str]:
    """Check one spec field against its compiled property; return the paths checked."""
    if isinstance(raw, str):
        assert schema == {"type": _canon(raw)}, where
        return [where]
    checked = [where]
    if "type" in raw:
        assert schema["type"] == _canon(raw["type"]), where
    for key in _SAME:
        if key in raw:
            assert schema[key] == raw[key], f"{where}.{key}"
    for key, jkey in _RENAMED.items():
        if key in raw:
            assert schema[jkey] == raw[key], f"{where}.{key}"
    if "example" in raw:
        assert raw["example"] in schema["examples"], f"{where}.example"
    examples = raw.get("examples", [])
    for ex in examples.values() if isinstance(examples, dict) else examples:  # a mapping: its values
        assert ex in schema["examples"], f"{where}.examples"
    if "items" in raw:
        checked += assert_field(raw["items"], schema["items"], where + "[]")
    if isinstance(raw.get("properties"), dict):
        own = raw.get("required") if isinstance(raw.get("required"), list) else []
        checked += assert_fields(raw["properties"], schema, where, own)
    return checked


def assert_fields(raw_fields: dict, parent: dict, where: str, own_required: list) -> list[str]:
    """Every field is a property (same order); ``required`` is exactly the parent's own
    list plus the fields marked ``required: true``."""
    checked = []
    assert list(parent["properties"]) == list(raw_fields), where
    expected = set(own_required)
    for fname, raw in raw_fields.items():
        checked += assert_field(raw, parent["properties"][fname], f"{where}.{fname}")
        if isinstance(raw, dict) and raw.get("required") is True:
            expected.add(fname)
    assert set(parent.get("required", [])) == expected, f"{where}.required"
    return checked


@pytest.mark.parametrize("name", CORE)
def test_every_spec_field_is_in_the_schema_with_its_constraints(name):
    spec = spec_of(name)[1]
    props = compiled(name).schema["properties"]
    checked = assert_fields(spec["inputs"], props["inputs"], "inputs", [])
    assert len(checked) >= len(spec["inputs"])
    if isinstance(spec.get("outputs"), dict):
        assert_fields(spec["outputs"], props["outputs"], "outputs", [])
