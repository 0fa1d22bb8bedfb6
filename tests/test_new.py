"""`patforge new`: a compliant pattern in one command."""

from __future__ import annotations

import json

import pytest
import yaml

from conftest import git


@pytest.fixture
def rendered(rendered_demo):
    return rendered_demo  # conftest.py


@pytest.mark.parametrize("lang", ["ps1", "py"])
def test_new_pattern_is_compliant(rendered, cli, lang):
    r = cli("new", "file_sync", "--category", "file ops: sync", "--executor", lang, "--repo", str(rendered))
    assert r.code == 0, r
    entries = yaml.safe_load((rendered / "patterns/registry/PATTERN_INDEX.yaml").read_text())["patterns"]
    e = entries[-1]
    assert (e["pattern_id"], e["doc_id"], e["name"]) == ("PAT-FILE-SYNC-001", "DOC-FILE-SYNC-001", "file_sync")
    assert e["category"] == "file ops: sync"
    numstat = git(rendered, "diff", "--numstat", "patterns/registry/PATTERN_INDEX.yaml").split()
    assert numstat[1] == "0"  # pure insertion
    for key in ("spec_path", "schema_path", "executor_path", "test_path"):
        assert (rendered / e[key]).is_file(), key
    assert e["executor_path"].endswith("." + lang)
    check = cli("check", "--repo", str(rendered), "--format", "json")
    assert check.code == 0, check


def test_new_refuses_duplicates_and_unsafe_names(rendered, cli):
    r = cli("new", "self_heal", "-c", "x", "--repo", str(rendered))
    assert r.code == 2 and "already in" in r.err
    for bad in ("../x", "CON", "Has-Dash", "con"):
        r = cli("new", bad, "-c", "x", "--repo", str(rendered))
        assert r.code == 2 and "safe identifier" in r.err, bad
    assert git(rendered, "status", "--porcelain") == ""


def test_new_mints_the_next_number(rendered, cli):
    from patforge.commands.new import next_pattern_id

    assert next_pattern_id("file_sync", {"PAT-FILE-SYNC-001", "PAT-FILE-SYNC-007"}) == "PAT-FILE-SYNC-008"
    r = cli("new", "file_sync", "-c", "ops", "--repo", str(rendered), "--dry-run")
    assert r.code == 0 and "+  - pattern_id: PAT-FILE-SYNC-001" in r.out
    assert git(rendered, "status", "--porcelain") == ""
