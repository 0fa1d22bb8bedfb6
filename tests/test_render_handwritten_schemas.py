"""Render with hand-written schemas of several shapes (real Copier, a real git repository):
the schema on disk, not the spec, is what the examples satisfy; ids are embedded only
where the schema allows them, else the folder's examples.id.yaml links the examples;
a schema that admits no instance fails its examples unit naming the keyword."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml

from conftest import commit_all

pytestmark = pytest.mark.slow

# A flat schema that refuses anything but its own two fields.
CLOSED_FLAT = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object", "additionalProperties": False, "required": ["source", "count"],
    "properties": {"source": {"type": "string", "pattern": "^[a-z]+/[a-z]+\\.csv$"},
                   "count": {"type": "integer", "minimum": 1, "maximum": 500},
                   "dry_run": {"type": "boolean"}},
}

# An envelope with const ids, definitions, allOf/oneOf, dependencies and formats.
ENVELOPE = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object", "additionalProperties": False,
    "required": ["doc_id", "pattern_id", "inputs"],
    "properties": {
        "doc_id": {"const": "DOC-REFACTOR-PATCH-001"},
        "pattern_id": {"const": "PAT-REFACTOR-PATCH-001"},
        "inputs": {"allOf": [{"$ref": "#/definitions/target"}, {"$ref": "#/definitions/change"}]},
    },
    "definitions": {
        "target": {"type": "object", "required": ["file"],
                   "properties": {"file": {"type": "string", "minLength": 4},
                                  "reviewer": {"type": "string", "format": "email"},
                                  "due": {"type": "string", "format": "date"}},
                   "dependencies": {"reviewer": ["due"]}},
        "change": {"oneOf": [
            {"required": ["patch"], "properties": {"patch": {"type": "string"}}},
            {"required": ["script"], "properties": {"script": {"type": "string"}},
             "not": {"required": ["patch"]}}]},
    },
}

# A flat open schema with a conditional and patternProperties: the ids fit in.
OPEN_CONDITIONAL = {
    "type": "object", "required": ["mode"],
    "properties": {"mode": {"enum": ["check", "heal"]}, "attempts": {"type": "integer"}},
    "patternProperties": {"^x_": {"type": "string"}},
    "if": {"properties": {"mode": {"const": "heal"}}, "required": ["mode"]},
    "then": {"required": ["attempts"]},
}

# No instance can exist: "not" at #/properties/sha.
BLOCKED = {
    "type": "object", "required": ["sha"],
    "properties": {"sha": {"type": "string", "not": {"type": "string"}}},
}

# Not a draft-07 schema at all: "strin" is no type.
NOT_A_SCHEMA = {"type": "object", "properties": {"name": {"type": "strin"}}}

SHAPES = {"batch_create": CLOSED_FLAT, "refactor_patch": ENVELOPE, "self_heal": OPEN_CONDITIONAL,
          "verify_commit": BLOCKED, "worktree_lifecycle": NOT_A_SCHEMA}


def entries(repo):
    data = yaml.safe_load((repo / "patterns/registry/PATTERN_INDEX.yaml").read_text("utf-8"))
    return {e["name"]: e for e in data["patterns"]}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """One render for the module (it is the slow part); the tests only read its result."""
    from conftest import Cli
    from patforge.commands.demo import copy_demo

    cli = Cli()
    demo_repo = copy_demo(tmp_path_factory.mktemp("handwritten") / "demo")
    for name, schema in SHAPES.items():
        path = demo_repo / entries(demo_repo)[name]["schema_path"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(schema, indent=2) + "\n", encoding="utf-8")
    commit_all(demo_repo, "hand-written schemas")
    before = {n: (demo_repo / entries(demo_repo)[n]["schema_path"]).read_bytes() for n in SHAPES}
    result = cli("render", "--repo", str(demo_repo), "--json")
    return demo_repo, result, before


def examples(repo, name):
    folder = repo / entries(repo)[name]["example_dir"]
    return {k: json.loads((folder / f"instance_{k}.json").read_text("utf-8"))
            for k in ("minimal", "full", "test")}


def test_examples_satisfy_the_hand_written_schema(rendered):
    repo, result, before = rendered
    for name in ("batch_create", "refactor_patch", "self_heal"):
        schema = SHAPES[name]
        for kind, inst in examples(repo, name).items():
            jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
                                       ).validate(inst)
        # the schema stays byte for byte: it is the authority, not an output
        assert (repo / entries(repo)[name]["schema_path"]).read_bytes() == before[name]


def test_ids_embedded_only_where_allowed_else_linked_by_the_index(rendered):
    repo, _, _ = rendered
    closed = examples(repo, "batch_create")
    assert all("doc_id" not in inst for inst in closed.values())
    assert set(closed["minimal"]) == {"source", "count"}
    assert set(closed["full"]) == {"source", "count", "dry_run"}
    index = yaml.safe_load((repo / entries(repo)["batch_create"]["example_dir"] / "examples.id.yaml"
                            ).read_text("utf-8"))
    assert index["doc_id"] == entries(repo)["batch_create"]["doc_id"]
    assert index["examples"] == ["instance_minimal.json", "instance_full.json", "instance_test.json"]

    env = examples(repo, "refactor_patch")
    assert all(i["doc_id"] == "DOC-REFACTOR-PATCH-001" for i in env.values())
    assert not (repo / entries(repo)["refactor_patch"]["example_dir"] / "examples.id.yaml").exists()

    open_ = examples(repo, "self_heal")
    assert all(i["doc_id"] == entries(repo)["self_heal"]["doc_id"] for i in open_.values())


def test_blocked_schema_names_the_keyword_not_the_spec(rendered):
    repo, result, _ = rendered
    assert result.code == 1
    report = json.loads(result.out)
    diags = [d for d in report["diagnostics"] if d.get("pattern") == "verify_commit"
             and d.get("code") == "example-blocked"]
    assert len(diags) == 1, report["diagnostics"]
    d = diags[0]
    assert '"not" at #/properties/sha rejected every candidate tried' in d["message"]
    assert "spec" not in (d["hint"] or "") and "hand-written schema" in d["hint"]
    assert not (repo / "patterns/examples/verify_commit/instance_minimal.json").exists()
    # the other patterns rendered all the same
    assert examples(repo, "self_heal")


def test_check_accepts_the_linked_examples(rendered, cli):
    repo, _, _ = rendered
    commit_all(repo, "rendered")
    r = cli("check", "--repo", str(repo), "--format", "json")
    results = json.loads(r.out)["results"]
    for name in ("batch_create", "refactor_patch", "self_heal"):
        failing = [x for x in results if x["pattern"] == name and x["status"] == "fail"
                   and x["rule"] in ("PAT-CHECK-001-051", "PAT-CHECK-001-052", "PATFORGE-EXAMPLE-VALID")]
        assert failing == [], failing


def test_rerun_writes_nothing(rendered, cli):
    repo, _, _ = rendered
    commit_all(repo, "rendered")
    r = cli("render", "--repo", str(repo), "--json")
    assert json.loads(r.out)["changes"] == []


def test_a_hand_written_schema_that_is_no_schema_is_named(rendered):
    repo, result, _ = rendered
    diags = [d for d in json.loads(result.out)["diagnostics"]
             if d.get("pattern") == "worktree_lifecycle" and d.get("code") == "schema-invalid"]
    assert len(diags) == 1
    assert "#/properties/name/type" in diags[0]["message"]
    assert diags[0]["path"] == entries(repo)["worktree_lifecycle"]["schema_path"]
    assert not (repo / "patterns/examples/worktree_lifecycle/instance_minimal.json").exists()
