"""`patforge update` runs Copier in a worktree holding only the files the update reads
(rendering/update_scope.py, vcs/worktree.py): hand edits survive it exactly as in a
full checkout, a file the guess missed is fetched and the batch done again, and the
restamped answers files (edited in memory) land like the rest."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import commit_all, git
from patforge.rendering.update_scope import Scope
from patforge.vcs.worktree import BaseTree
from template_versions import add_line_to_executors, new_template_version


def test_scope_guess_names_the_units_files_and_folders_only():
    scope = Scope(["a/x.ps1", "a/x.py", "ex/p/one.json", "ex/p/two.json", "ex/pq/no.json", "other.txt",
                   ".patforge/answers/p/executor.yml", ".patforge/answers/p/executor.sha256"])
    got = scope.guess(".patforge/answers/p/executor.yml",
                      [{"ps1_path": "a/x.ps1", "py_path": "", "example_dir": "ex/p", "name": "a/x.py",
                        "derived_sha256": {"gone.json": "0" * 64}}], ["missing/out.json"])
    assert got == {"a/x.ps1", "ex/p/one.json", "ex/p/two.json", ".patforge/answers/p/executor.yml",
                   ".patforge/answers/p/executor.sha256"}


def test_base_tree_commits_only_the_paths_asked_for(tmp_path):
    repo = tmp_path / "r"
    repo.mkdir()
    git(repo, "init", "-q")
    for rel in ("keep/a.txt", "keep/b.txt", "drop/c.txt", ".gitattributes", "sub/.gitignore"):
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(rel + "\n")
    commit_all(repo, "base")
    base = BaseTree.read(repo, git(repo, "rev-parse", "HEAD").strip())
    assert base.meta_files() == {".gitattributes", "sub/.gitignore"}
    commit = base.tree_of({"keep/a.txt", "not/there.txt"} | base.meta_files(), "part")
    listed = git(repo, "ls-tree", "-r", "--name-only", commit).split()
    assert sorted(listed) == [".gitattributes", "keep/a.txt", "sub/.gitignore"]
    assert git(repo, "status", "--porcelain") == ""  # the user's index and tree untouched


@pytest.mark.slow
def test_hand_edit_in_one_executor_survives_the_partial_worktree(tmp_path, rendered_demo, cli):
    repo = rendered_demo
    exe = repo / "patterns/executors/batch_create_executor.ps1"
    exe.write_text(exe.read_text(encoding="utf-8") + "# kept by hand\n", encoding="utf-8")
    commit_all(repo, "hand edit")
    tpl = new_template_version(tmp_path, repo, "v1.1.0", add_line_to_executors)
    r = cli("update", "--repo", str(repo), "--template", str(tpl), "--json")
    assert r.code == 0, r
    text = exe.read_text(encoding="utf-8")
    assert text.endswith("# kept by hand\n") and "# Template revision: 1.1" in text
    # a kind whose template did not change is restamped in memory: same bytes but the stamp
    spec_answers = repo / ".patforge/answers/batch_create/schema.yml"
    assert "_commit: v1.1.0" in spec_answers.read_text(encoding="utf-8")
    changed = git(repo, "status", "--porcelain").splitlines()
    assert any(line.endswith("batch_create/schema.yml") for line in changed)
    assert not any("_batch-update" in line for line in changed)
    assert len(git(repo, "worktree", "list").splitlines()) == 1  # only the main one: the update's is gone


def _edit_repo_script(tpl: Path) -> None:
    script = tpl / "templates/repo/scripts/PATTERN_DIR_CHECK.ps1.jinja"
    script.write_text(script.read_text(encoding="utf-8") + "# Template revision: 1.1\n", encoding="utf-8")


@pytest.mark.slow
def test_a_file_no_answer_names_is_fetched_and_its_hand_edit_kept(tmp_path, rendered_demo, cli):
    """The repository kind writes scripts/ at fixed paths, named by no answer: the guess
    misses them, the recorded renders show it, and the batch runs again with them."""
    repo = rendered_demo
    script = repo / "scripts/PATTERN_DIR_CHECK.ps1"
    assert script.is_file()
    lines = script.read_text(encoding="utf-8").splitlines(keepends=True)
    script.write_text("".join(lines[:2] + ["# my own line near the top\n"] + lines[2:]), encoding="utf-8")
    commit_all(repo, "hand edit in a repository script")
    tpl = new_template_version(tmp_path, repo, "v1.1.0", _edit_repo_script)
    r = cli("update", "--repo", str(repo), "--template", str(tpl), "--json")
    assert r.code == 0, r
    text = script.read_text(encoding="utf-8")
    assert "# my own line near the top\n" in text and text.endswith("# Template revision: 1.1\n"), text
    # the other scripts are unchanged and not reported
    assert "scripts/PATTERN_DIR_CHECK.ps1" in r.out
    assert "scripts/generate_all_pattern_files.sh" not in git(repo, "status", "--porcelain")


def test_batches_are_bounded_by_units_and_by_the_text_handed_to_copier():
    from patforge.commands.update import ManagedUnit, _batches

    def unit(n: int, size: int) -> ManagedUnit:
        return ManagedUnit(f"a{n}", "schema", f"p{n}", "v1", "s", {}, derived={f"f{n}": "x" * size})

    small = [unit(i, 10) for i in range(5)]
    assert [len(b) for b in _batches(small, 2, 1 << 30)] == [2, 2, 1]
    big = [unit(i, 5000) for i in range(5)]  # ~6 KB each with its answers
    batches = list(_batches(big, 100, 13000))
    assert [len(b) for b in batches] == [2, 2, 1]
    assert [mu for b in batches for mu in b] == big  # every unit, once, in order
    assert [len(b) for b in _batches([unit(0, 50000)], 100, 13000)] == [1]  # alone, even over the budget


@pytest.mark.slow
def test_layout_units_name_the_same_paths_as_built_units(rendered_demo):
    """update and diff judge recorded answers against Kind.layout_unit (nothing compiled
    or generated): every path it gives is the one build gives."""
    from patforge import kinds
    from patforge.diagnostics import DiagnosticList
    from patforge.docids.existing import reuse_existing_ids
    from patforge.rendering.answercheck import is_path_key
    from patforge.repository.registry import load_registry
    from patforge.transaction.workspace import Workspace

    registry = load_registry(rendered_demo)
    reuse_existing_ids(registry)
    ctx = kinds.BuildContext(registry, Workspace(rendered_demo, dry_run=True), DiagnosticList(), 0,
                             registry.patterns)
    compared = 0
    for name in ("schema", "examples", "executor"):
        kind = kinds.by_name(name)
        for p in registry.patterns:
            built = kind.build(ctx, p)
            if built is None or not kind.managed(ctx.files, p):
                continue
            laid = kind.layout_unit(ctx, p)
            assert laid is not None
            assert {k: v for k, v in laid.answers.items() if is_path_key(k)} == \
                {k: v for k, v in built.answers.items() if is_path_key(k)}
            assert laid.files == built.files and set(laid.derived) == set(built.derived)
            assert "derived_sha256" not in laid.answers  # nothing hashed that was not computed
            compared += 1
    assert compared >= 40
