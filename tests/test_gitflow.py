"""`render --branch NAME [--commit] [--message MSG]`: the plan's git workflow, opt-in."""

from __future__ import annotations

import pytest

from conftest import git, tree_snapshot


@pytest.mark.slow  # renders the whole demo with Copier
def test_branch_commit_makes_one_commit_and_leaves_the_original_branch(cli, demo_repo):
    main_before = git(demo_repo, "rev-parse", "main").strip()
    res = cli("render", "--repo", str(demo_repo), "--branch", "x", "--commit")
    assert res.code == 0, res
    assert "committed" in res.out and "main is unchanged" in res.out
    assert git(demo_repo, "rev-parse", "main").strip() == main_before
    assert git(demo_repo, "rev-list", "--count", "main..x").strip() == "1"
    assert git(demo_repo, "rev-parse", "x~1").strip() == main_before
    assert git(demo_repo, "symbolic-ref", "--short", "HEAD").strip() == "x"  # you are on x
    assert git(demo_repo, "status", "--porcelain") == ""  # everything the render wrote is in the commit
    message = git(demo_repo, "log", "-1", "--format=%B", "x")
    assert message.startswith("feat: auto-generate pattern framework files\n\n")
    assert "- phase 2 (core pattern artifacts), schema: 6 generated" in message
    assert "- phase 1 (ID system), registry: 24 edited" in message
    # main's tree is the starting point, byte for byte
    git(demo_repo, "switch", "-q", "main")
    assert "patterns/registry/doc_id_mapping.json" not in tree_snapshot(demo_repo)


def test_branch_without_commit_leaves_changes_uncommitted(cli, demo_repo):
    res = cli("render", "--repo", str(demo_repo), "--phase", "1", "--branch", "feat/ids")
    assert res.code == 0, res
    assert git(demo_repo, "symbolic-ref", "--short", "HEAD").strip() == "feat/ids"
    assert git(demo_repo, "rev-parse", "feat/ids").strip() == git(demo_repo, "rev-parse", "main").strip()
    assert git(demo_repo, "status", "--porcelain") != ""


def test_custom_message(cli, demo_repo):
    res = cli("render", "--repo", str(demo_repo), "--phase", "1", "--branch", "y", "--commit",
              "--message", "chore: ids")
    assert res.code == 0, res
    assert git(demo_repo, "log", "-1", "--format=%s", "y").strip() == "chore: ids"


def test_refuses_a_dirty_tree_and_an_existing_branch(cli, demo_repo):
    (demo_repo / "notes.txt").write_text("mine\n", encoding="utf-8")
    res = cli("render", "--repo", str(demo_repo), "--branch", "x", "--commit")
    assert res.code == 2 and "clean git working tree" in res.err and "notes.txt" in res.err
    assert "x" not in git(demo_repo, "branch", "--list", "x")
    (demo_repo / "notes.txt").unlink()
    git(demo_repo, "branch", "x")
    res = cli("render", "--repo", str(demo_repo), "--branch", "x")
    assert res.code == 2 and "already exists" in res.err
    assert git(demo_repo, "symbolic-ref", "--short", "HEAD").strip() == "main"
    res = cli("render", "--repo", str(demo_repo), "--commit")
    assert res.code == 2 and "need --branch" in res.err


@pytest.mark.slow  # renders the whole demo with Copier
def test_failure_commits_nothing_and_names_the_branch(cli, demo_repo):
    spec = demo_repo / "patterns/specs/batch_create.pattern.yaml"
    spec.write_text("inputs: [unclosed\n", encoding="utf-8")
    git(demo_repo, "commit", "-qam", "break a spec")
    main_before = git(demo_repo, "rev-parse", "main").strip()
    res = cli("render", "--repo", str(demo_repo), "--branch", "gen", "--commit")
    assert res.code == 1, res
    assert "nothing committed; you are on branch gen" in res.err
    assert git(demo_repo, "rev-parse", "gen").strip() == main_before  # no commit on gen
    assert git(demo_repo, "rev-parse", "main").strip() == main_before
    assert git(demo_repo, "status", "--porcelain") != ""  # what was written is there to inspect
