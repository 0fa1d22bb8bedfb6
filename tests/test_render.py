"""Full render of the demo on a real git repository: suites, idempotency, hand-written
files, registry recording, determinism, failure isolation."""

from __future__ import annotations

import json

import pytest
import yaml

from conftest import commit_all, git, tree_snapshot

CORE = ["atomic_create", "batch_create", "refactor_patch", "self_heal", "verify_commit",
        "worktree_lifecycle", "module_creation"]


def registry(repo):
    return yaml.safe_load((repo / "patterns/registry/PATTERN_INDEX.yaml").read_text())["patterns"]


@pytest.mark.slow  # renders the whole demo with Copier: the subject of the test
def test_render_demo_creates_every_suite(demo_repo, cli):
    hand = {p: (demo_repo / p).read_bytes() for p in (
        "patterns/schemas/atomic_create.schema.json", "patterns/executors/atomic_create_executor.ps1",
        "patterns/examples/atomic_create/instance_minimal.json")}
    r = cli("render", "--repo", str(demo_repo))
    assert r.code == 0, r
    for e in registry(demo_repo):
        assert e["doc_id"] and e["test_path"] and e["example_dir"], e["name"]
        for key in ("spec_path", "schema_path", "executor_path", "test_path"):
            assert (demo_repo / e[key]).is_file(), (e["name"], key)
        assert (demo_repo / e["example_dir"] / "instance_minimal.json").is_file() or e["name"] == "atomic_create"
    # hand-written files stay byte for byte; the DOC_LINK header is the one insertion
    assert (demo_repo / "patterns/schemas/atomic_create.schema.json").read_bytes() == \
        hand["patterns/schemas/atomic_create.schema.json"]
    assert (demo_repo / "patterns/examples/atomic_create/instance_minimal.json").read_bytes() == \
        hand["patterns/examples/atomic_create/instance_minimal.json"]
    exe = (demo_repo / "patterns/executors/atomic_create_executor.ps1").read_bytes()
    assert exe.replace(b"# DOC_LINK: DOC-ATOMIC-CREATE-001\n# Pattern: atomic_create (PAT-ATOMIC-CREATE-001)\n",
                       b"") == hand["patterns/executors/atomic_create_executor.ps1"]
    assert "hand-written" in r.out
    deleted = [l for l in git(demo_repo, "diff", "--numstat").splitlines() if not l.startswith(("-", "0\t"))
               and l.split("\t")[1] != "0"]
    assert deleted == [], deleted  # every edit of a tracked file is a pure insertion


@pytest.mark.slow  # renders the whole demo with Copier (more than once)
def test_rerun_is_a_no_op_and_render_is_deterministic(tmp_path, cli):
    from patforge.commands.demo import copy_demo

    a, b = copy_demo(tmp_path / "a"), copy_demo(tmp_path / "b")
    assert cli("render", "--repo", str(a)).code == 0
    assert cli("render", "--repo", str(b), "--jobs", "1", "--batch-size", "3").code == 0
    assert tree_snapshot(a) == tree_snapshot(b)  # same inputs, same bytes (batching does not matter)
    commit_all(a, "rendered")
    r = cli("render", "--repo", str(a), "--json")
    data = json.loads(r.out)
    assert r.code == 0 and data["changes"] == []
    assert git(a, "status", "--porcelain") == ""


def test_managed_files_are_restored_and_hand_edits_kept(rendered_demo, cli):
    exe = rendered_demo / "patterns/executors/batch_create_executor.ps1"
    exe.write_text(exe.read_text() + "# my hand edit\n")
    (rendered_demo / "patterns/examples/self_heal/instance_full.json").unlink()
    r = cli("render", "--repo", str(rendered_demo))
    assert r.code == 0, r
    assert exe.read_text().endswith("# my hand edit\n")
    assert (rendered_demo / "patterns/examples/self_heal/instance_full.json").is_file()
    assert git(rendered_demo, "status", "--porcelain").strip() == "M patterns/executors/batch_create_executor.ps1"


def test_changed_registry_data_is_reported_not_overwritten(rendered_demo, cli):
    spec = rendered_demo / "patterns/specs/self_heal.pattern.yaml"
    spec.write_text(spec.read_text().replace("intent: |\n", "intent: |\n  Heal harder.\n", 1))
    r = cli("render", "--repo", str(rendered_demo), "--verbose")
    assert r.code == 0
    assert "[stale       ] phase 2 schema    self_heal" in r.out and "[outdated" not in r.out, r.out
    assert "patforge update --registry" in r.out
    assert git(rendered_demo, "status", "--porcelain").strip() == "M patterns/specs/self_heal.pattern.yaml"


def test_only_and_kind_select_units(demo_repo, cli):
    r = cli("render", "--repo", str(demo_repo), "--only", "self_heal", "--kind", "schema", "--phase", "2")
    assert r.code == 0, r
    assert (demo_repo / "patterns/schemas/self_heal.schema.json").is_file()
    assert not (demo_repo / "patterns/schemas/batch_create.schema.json").exists()
    assert not (demo_repo / "patterns/executors/self_heal_executor.ps1").exists()


@pytest.mark.slow  # renders the whole demo with Copier
def test_one_broken_spec_does_not_stop_the_others(demo_repo, cli):
    spec = demo_repo / "patterns/specs/verify_commit.pattern.yaml"
    text = spec.read_text()
    spec.write_text(text.replace("inputs:\n", "inputs:\n  broken_bounds:\n    type: integer\n    min: 9\n    max: 1\n", 1))
    r = cli("render", "--repo", str(demo_repo), "--json")
    assert r.code == 1
    data = json.loads(r.out)
    failed = {(o["kind"], o["pattern"]) for o in data["outcomes"] if o["status"] == "failed"}
    assert ("schema", "verify_commit") in failed
    assert all(p == "verify_commit" for _, p in failed)
    assert (demo_repo / "patterns/schemas/self_heal.schema.json").is_file()
    assert not (demo_repo / "patterns/schemas/verify_commit.schema.json").exists()
    assert any("min" in d["message"] and d["path"] == "patterns/specs/verify_commit.pattern.yaml"
               and d["line"] for d in data["diagnostics"])


@pytest.mark.slow  # renders the whole demo with Copier (more than once)
def test_all_or_nothing_writes_nothing_when_one_unit_fails(demo_repo, cli):
    from conftest import tree_snapshot

    spec = demo_repo / "patterns/specs/verify_commit.pattern.yaml"
    spec.write_text(spec.read_text().replace("inputs:\n", "inputs:\n  bad:\n    type: integer\n    min: 9\n    max: 1\n", 1))
    before = tree_snapshot(demo_repo)
    r = cli("render", "--repo", str(demo_repo), "--all-or-nothing")
    assert r.code == 1 and "--all-or-nothing" in r.err
    assert tree_snapshot(demo_repo) == before
    spec.write_text(spec.read_text().replace("    min: 9\n    max: 1\n", "    min: 1\n    max: 9\n"))
    r = cli("render", "--repo", str(demo_repo), "--all-or-nothing")
    assert r.code == 0, r
    assert (demo_repo / "patterns/schemas/verify_commit.schema.json").is_file()
