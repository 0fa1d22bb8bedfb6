"""Phase 1 end to end on real git repositories: doc_ids by pure insertion, sidecars
through Copier, DOC_LINK headers, dry run, idempotency."""

from __future__ import annotations

import json
import subprocess
import sys

import yaml

from conftest import commit_all, git, tree_snapshot


def numstat(repo) -> dict[str, tuple[int, int]]:
    out = {}
    for line in git(repo, "diff", "--numstat").splitlines():
        added, deleted, path = line.split("\t")
        out[path] = (int(added), int(deleted))
    return out


def test_phase1_on_demo(demo_repo, cli):
    r = cli("render", "--repo", str(demo_repo), "--phase", "1")
    assert r.code == 0, r
    stats = numstat(demo_repo)
    assert stats, "nothing changed"
    assert all(deleted == 0 for _, deleted in stats.values()), stats  # pure insertions
    reg = yaml.safe_load((demo_repo / "patterns/registry/PATTERN_INDEX.yaml").read_text())
    assert len(reg["patterns"]) == 24
    for e in reg["patterns"]:
        assert e["doc_id"] == "DOC-" + e["pattern_id"][4:]
        spec = yaml.safe_load((demo_repo / e["spec_path"]).read_text())
        assert spec["doc_id"] == e["doc_id"] and spec["role"] == "spec"
        assert spec["schema_ref"] == e["schema_path"] and spec["executor_ref"] == e["executor_path"]
        sidecar = demo_repo / (e["schema_path"][:-5] + ".id.yaml")
        side = yaml.safe_load(sidecar.read_text())
        assert side == {"schema_path": e["schema_path"], "doc_id": e["doc_id"], "pattern_id": e["pattern_id"],
                        "role": "schema", "linked_spec": e["spec_path"]}
    sidecars = list(demo_repo.rglob("*.schema.id.yaml"))
    assert len(sidecars) == 24
    exe = (demo_repo / "patterns/executors/atomic_create_executor.ps1").read_text()
    assert exe.splitlines()[1:3] == ["# DOC_LINK: DOC-ATOMIC-CREATE-001",
                                     "# Pattern: atomic_create (PAT-ATOMIC-CREATE-001)"]
    assert exe.startswith("#Requires")
    # hand-written examples without doc_id are linked by an index, and stay byte for byte
    index = yaml.safe_load((demo_repo / "patterns/examples/atomic_create/examples.id.yaml").read_text())
    assert index["doc_id"] == "DOC-ATOMIC-CREATE-001"
    assert index["examples"] == ["instance_full.json", "instance_minimal.json", "instance_test.json"]
    assert "patterns/examples/atomic_create/instance_full.json" not in stats

    commit_all(demo_repo, "phase 1")
    again = cli("render", "--repo", str(demo_repo), "--phase", "1")
    assert again.code == 0 and "nothing written" in again.out
    assert git(demo_repo, "status", "--porcelain") == ""


def test_sidecar_answers_allow_copier_update_by_hand(demo_repo, cli):
    assert cli("render", "--repo", str(demo_repo), "--phase", "1").code == 0
    commit_all(demo_repo, "phase 1")
    answers = yaml.safe_load((demo_repo / ".patforge/answers/batch_create/sidecar.yml").read_text())
    assert answers["_commit"].startswith("v") and answers["_src_path"] == ".patforge/templates.bundle"
    assert answers["artifact"] == "sidecar" and answers["units"][0]["name"] == "batch_create"
    res = subprocess.run([sys.executable, "-m", "copier", "update", "--defaults", "-a",
                          ".patforge/answers/batch_create/sidecar.yml"], cwd=demo_repo,
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert git(demo_repo, "status", "--porcelain") == ""


def test_dry_run_writes_nothing_and_shows_diffs(demo_repo, cli):
    before = tree_snapshot(demo_repo)
    r = cli("render", "--repo", str(demo_repo), "--phase", "1", "--dry-run")
    assert r.code == 0, r
    assert tree_snapshot(demo_repo) == before
    assert "+    doc_id: DOC-ATOMIC-CREATE-001" in r.out
    assert "+# DOC_LINK: DOC-ATOMIC-CREATE-001" in r.out
    assert "would change" in r.out


def test_json_prints_the_doc_id_mapping(demo_repo, cli):
    r = cli("render", "--repo", str(demo_repo), "--phase", "1", "--json", "--dry-run")
    data = json.loads(r.out)
    mapping = {m["pattern_id"]: m["doc_id"] for m in data["doc_id_mapping"]}
    assert mapping["PAT-ATOMIC-CREATE-001"] == "DOC-ATOMIC-CREATE-001"
    assert mapping["PAT-MIGRATED-ORCHESTRATE-001"] == "DOC-MIGRATED-ORCHESTRATE-001"
    assert len(mapping) == 24


def test_phase1_on_wild_registry(wild_repo, cli):
    r = cli("render", "--repo", str(wild_repo), "--phase", "1")
    assert r.code == 1, r  # two specs do not parse
    assert "migrated_core_001.pattern.yaml:14:19" in r.err and "\\T" in r.err
    stats = numstat(wild_repo)
    assert all(deleted == 0 for _, deleted in stats.values()), stats
    raw = (wild_repo / "patterns/registry/PATTERN_INDEX.yaml").read_bytes()
    assert b"  doc_id: DOC-SAFE-RENAME-001\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    crlf_spec = (wild_repo / "patterns/specs/safe_rename.pattern.yaml").read_bytes()
    assert b"doc_id: DOC-SAFE-RENAME-001\r\n" in crlf_spec
    for broken in ("migrated_core_001", "migrated_orchestrator_001"):
        assert f"patterns/legacy_atoms/converted/specs/{broken}.pattern.yaml" not in stats
    assert len(list(wild_repo.rglob("*.schema.id.yaml"))) == 6
    py = (wild_repo / "patterns/executors/config_merge_executor.py").read_text()
    assert py.splitlines()[:3] == ["#!/usr/bin/env python3", "# -*- coding: utf-8 -*-",
                                   "# DOC_LINK: DOC-CONFIG-MERGE-001"]
    ps = (wild_repo / "patterns/executors/safe_rename_executor.ps1").read_text()
    assert ps.splitlines()[:3] == ["#!/usr/bin/env pwsh", "#Requires -Version 7.0",
                                   "# DOC_LINK: DOC-SAFE-RENAME-001"]
    commit_all(wild_repo, "phase 1")
    again = cli("render", "--repo", str(wild_repo), "--phase", "1")
    assert "nothing written" in again.out and git(wild_repo, "status", "--porcelain") == ""


def test_configured_doc_id_rule(demo_repo, cli):
    (demo_repo / "patforge.toml").write_text('[patforge]\ndoc_id_rule = "DOC-PAT-<REST>"\n')
    assert cli("render", "--repo", str(demo_repo), "--phase", "1").code == 0
    reg = yaml.safe_load((demo_repo / "patterns/registry/PATTERN_INDEX.yaml").read_text())
    assert reg["patterns"][0]["doc_id"] == "DOC-PAT-ATOMIC-CREATE-001"


def test_render_works_without_git(tmp_path, cli):
    from patforge.commands.demo import copy_demo

    repo = copy_demo(tmp_path / "plain", git=False)
    r = cli("render", "--repo", str(repo), "--phase", "1")
    assert r.code == 0, r
