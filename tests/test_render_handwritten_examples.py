"""Hand-written examples that validate make the examples unit hand-written (issue 22):
nothing is generated, nothing fails, and render exits 0 on the 24-pattern demo shape
with a hand-written atomic_create schema the generator is never asked about."""

from __future__ import annotations

import json

import pytest

from conftest import commit_all, git, tree_snapshot

SCHEMA = "patterns/schemas/atomic_create.schema.json"
FOLDER = "patterns/examples/atomic_create"


def issue_schema(demo_repo):
    """The demo's hand-written schema, as in the issue: at most three files, of which one
    implementation and one test (two ``contains`` from ``allOf``)."""
    schema = json.loads((demo_repo / SCHEMA).read_text(encoding="utf-8"))
    files = schema["properties"]["files_to_create"]
    files["maxItems"] = 3
    files["allOf"] = [
        {"contains": {"properties": {"file_type": {"const": "implementation"}}, "required": ["file_type"]}},
        {"contains": {"properties": {"file_type": {"const": "test"}}, "required": ["file_type"]}},
    ]
    return schema


def example(root, n):
    files = [{"path": f"src/mod{n}.py", "content": "x = 1\n", "file_type": "implementation"},
             {"path": f"tests/test_mod{n}.py", "content": "def test(): pass\n", "file_type": "test"}]
    return {"project_root": root, "files_to_create": files[:3]}


def write_json(path, data):
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


@pytest.fixture
def issue_repo(demo_repo):
    write_json(demo_repo / SCHEMA, issue_schema(demo_repo))
    for i, name in enumerate(("instance_minimal", "instance_full", "instance_test")):
        write_json(demo_repo / FOLDER / f"{name}.json", example(f"C:\\Projects\\App{i}", i))
    commit_all(demo_repo, "hand-written atomic_create schema and examples, as in issue 22")
    return demo_repo


def forbid_generation_for_atomic_create(monkeypatch):
    """The generator still serves the other 23 patterns; asked for atomic_create's
    examples (which a person wrote), it fails the unit, and the test with it."""
    import patforge.rendering.cached_examples as examples_kind  # the generator the examples kind calls

    real = examples_kind.generate_examples

    def guarded(schema, **kwargs):
        if isinstance(schema, dict) and schema.get("title") == "Atomic Create Pattern Instance":
            raise AssertionError("the generator was asked for examples a person already wrote")
        return real(schema, **kwargs)

    monkeypatch.setattr(examples_kind, "generate_examples", guarded)


@pytest.mark.slow  # renders the whole 24-pattern demo
def test_demo_with_hand_written_schema_and_examples_renders_exit_0(issue_repo, cli, monkeypatch):
    forbid_generation_for_atomic_create(monkeypatch)
    before = {k: v for k, v in tree_snapshot(issue_repo).items() if k.startswith(FOLDER)}
    r = cli("render", "--repo", str(issue_repo))
    assert r.code == 0, r
    assert "example" not in r.err.lower() or "error" not in r.err.lower(), r.err
    after = {k: v for k, v in tree_snapshot(issue_repo).items()
             if k.startswith(FOLDER) and not k.endswith("examples.id.yaml")}
    assert after == before  # nothing generated beside them, nothing changed
    status = cli("status", "--repo", str(issue_repo), "--json")
    units = [u for u in json.loads(status.out)["units"] if u["pattern"] == "atomic_create" and u["kind"] == "examples"]
    assert [u["state"] for u in units] == ["hand-written"], units


@pytest.mark.slow  # renders the whole 24-pattern demo
def test_hand_written_examples_under_other_names_are_the_unit(demo_repo, cli, monkeypatch):
    """Examples a person named otherwise still settle the unit: no instance_*.json beside them."""
    for name in ("instance_minimal", "instance_full", "instance_test"):
        (demo_repo / FOLDER / f"{name}.json").unlink()
    write_json(demo_repo / FOLDER / "two_files.json", example("C:\\Projects\\Two", 2))
    commit_all(demo_repo, "one hand-written example under its own name")
    forbid_generation_for_atomic_create(monkeypatch)
    r = cli("render", "--repo", str(demo_repo))
    assert r.code == 0, r
    assert sorted(p.name for p in (demo_repo / FOLDER).iterdir()) == ["examples.id.yaml", "two_files.json"]


@pytest.mark.slow  # renders the whole 24-pattern demo
def test_a_hand_written_example_that_does_not_validate_is_named_and_left_alone(issue_repo, cli):
    bad = issue_repo / FOLDER / "instance_test.json"
    write_json(bad, {"project_root": "C:\\x", "files_to_create": []})
    commit_all(issue_repo, "an invalid hand-written example")
    text = bad.read_bytes()
    r = cli("render", "--repo", str(issue_repo))
    assert f"{FOLDER}/instance_test.json" in r.text and "does not validate" in r.text, r
    assert bad.read_bytes() == text
    assert git(issue_repo, "status", "--porcelain", "--", FOLDER).strip() in ("", f"?? {FOLDER}/examples.id.yaml")


@pytest.mark.slow  # renders the whole 24-pattern demo
def test_draft03_required_true_is_read_as_meant_with_a_warning(demo_repo, cli):
    """``"required": true`` on a property (draft-03) in a hand-written schema: the property
    is required, render says so once, and the schema file is never changed."""
    schema = json.loads((demo_repo / SCHEMA).read_text(encoding="utf-8"))
    del schema["required"]
    schema["properties"]["project_root"]["required"] = True
    schema["properties"]["files_to_create"]["required"] = True
    schema["properties"]["files_to_create"]["items"]["properties"]["path"]["required"] = True
    write_json(demo_repo / SCHEMA, schema)
    write_json(demo_repo / FOLDER / "instance_test.json", {"project_root": "C:\\x"})  # files missing
    commit_all(demo_repo, "draft-03 style required")
    text = (demo_repo / SCHEMA).read_bytes()
    r = cli("render", "--repo", str(demo_repo))
    assert r.code == 0, r
    assert "draft-03" in r.text and "#/properties/project_root/required" in r.text, r.text
    assert "not a valid draft-07 schema" not in r.text and "schema-invalid" not in r.text
    # read as meant: the example without files_to_create is named as not validating
    assert f"{FOLDER}/instance_test.json" in r.text and "files_to_create" in r.text, r.text
    assert (demo_repo / SCHEMA).read_bytes() == text
