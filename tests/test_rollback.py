"""`patforge rollback` (the plan's "Restore from Backup") and `render --failed`
(the plan's "Re-run Failed Phase"), on the demo with real Copier and git."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import git, tree_snapshot

SPEC = "patterns/specs/batch_create.pattern.yaml"


def dirs(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*")
            if p.is_dir() and ".git" not in p.relative_to(root).parts}


@pytest.mark.slow  # renders the whole demo with Copier, then rolls it back
def test_rollback_restores_the_pre_run_tree_byte_for_byte(cli, demo_repo):
    # start from a tree the render both edits and adds to: phase 1 done, the rest not
    assert cli("render", "--repo", str(demo_repo), "--phase", "1").code == 0
    git(demo_repo, "add", "-A")
    git(demo_repo, "commit", "-qm", "phase 1")
    (demo_repo / "notes.txt").write_text("an untracked file of mine\n", encoding="utf-8")
    before, before_dirs = tree_snapshot(demo_repo), dirs(demo_repo)
    res = cli("render", "--repo", str(demo_repo))
    assert res.code == 0, res
    assert tree_snapshot(demo_repo) != before
    res = cli("rollback", "--repo", str(demo_repo))
    assert res.code == 0, res
    assert "rollback of the last render: restored 1 changed file(s)" in res.out  # the registry
    assert tree_snapshot(demo_repo) == before
    assert dirs(demo_repo) == before_dirs  # the folders it created are gone too
    res = cli("rollback", "--repo", str(demo_repo))
    assert res.code == 2 and "there is no run to roll back" in res.err


def test_rollback_refuses_when_a_file_changed_since(cli, demo_repo):
    assert cli("render", "--repo", str(demo_repo), "--phase", "1").code == 0
    sidecar = demo_repo / "patterns/schemas/batch_create.schema.id.yaml"
    sidecar.write_text(sidecar.read_text("utf-8") + "# my note\n", encoding="utf-8")
    after_edit = tree_snapshot(demo_repo)
    res = cli("rollback", "--repo", str(demo_repo))
    assert res.code == 1
    assert "1 of the files it wrote changed since" in res.err
    assert "patterns/schemas/batch_create.schema.id.yaml" in res.err
    assert tree_snapshot(demo_repo) == after_edit  # nothing changed


def test_a_run_that_writes_nothing_keeps_the_record(cli, demo_repo):
    before = tree_snapshot(demo_repo)
    assert cli("render", "--repo", str(demo_repo), "--phase", "1").code == 0
    res = cli("render", "--repo", str(demo_repo), "--phase", "1")
    assert "nothing to do" in res.out
    res = cli("rollback", "--repo", str(demo_repo), "--dry-run")
    assert res.code == 0 and "would restore" in res.out
    assert cli("rollback", "--repo", str(demo_repo)).code == 0
    assert tree_snapshot(demo_repo) == before


def test_rollback_undoes_new(cli, rendered_demo):
    before = tree_snapshot(rendered_demo)
    res = cli("new", "file_sync", "--category", "file ops", "--repo", str(rendered_demo))
    assert res.code == 0, res
    res = cli("rollback", "--repo", str(rendered_demo))
    assert res.code == 0 and "rollback of the last new" in res.out, res
    assert tree_snapshot(rendered_demo) == before and git(rendered_demo, "status", "--porcelain") == ""


@pytest.mark.slow  # renders the whole demo with Copier
def test_render_failed_reruns_only_the_failed_units(cli, demo_repo):
    good = (demo_repo / SPEC).read_bytes()
    (demo_repo / SPEC).write_text("inputs: [unclosed\n", encoding="utf-8")
    res = cli("render", "--repo", str(demo_repo), "--json")
    assert res.code == 1
    failed = {(o["phase"], o["kind"], o["pattern"]) for o in json.loads(res.out)["outcomes"]
              if o["status"] == "failed"}
    assert failed == {(2, "schema", "batch_create"), (2, "examples", "batch_create")}
    (demo_repo / SPEC).write_bytes(good)  # fixed
    rendered_before = tree_snapshot(demo_repo)
    res = cli("render", "--repo", str(demo_repo), "--failed", "--json")
    assert res.code == 0, res
    report = json.loads(res.out)
    units = {(o["phase"], o["kind"], o["pattern"]): o["status"] for o in report["outcomes"]}
    # exactly the failed units were rendered; only phase 1's insertions for the same
    # pattern ran besides them (its spec could not get its doc_id last time)
    assert {k: v for k, v in units.items() if k[0] != 1} == {
        (2, "schema", "batch_create"): "generated", (2, "examples", "batch_create"): "generated"}
    assert {k[2] for k in units} <= {"batch_create", "(repository)"}
    changed = {c["path"] for c in report["changes"]}
    assert SPEC in changed and "patterns/schemas/batch_create.schema.json" in changed
    assert all("batch_create" in p or p.endswith(("PATTERN_INDEX.yaml", "doc_id_mapping.json")) for p in changed)
    untouched = {p: b for p, b in rendered_before.items() if p not in changed}
    assert {p: b for p, b in tree_snapshot(demo_repo).items() if p in untouched} == untouched
    # nothing is left failed: a full render now has nothing to do but the registry paths it recorded
    res = cli("render", "--repo", str(demo_repo), "--failed")
    assert res.code == 0 and "nothing to re-run" in res.out
    res = cli("check", "--repo", str(demo_repo))
    assert res.code == 0, res


def test_render_failed_needs_a_record(cli, demo_repo):
    res = cli("render", "--repo", str(demo_repo), "--failed")
    assert res.code == 2 and "no render has recorded" in res.err
    res = cli("render", "--repo", str(demo_repo), "--failed", "--phase", "1")
    assert res.code == 2 and "cannot be combined" in res.err
