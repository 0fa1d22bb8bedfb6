"""``patforge check FILE...``: only the patterns the files belong to; a changed registry
means its changed entries (against git HEAD) plus entries they collide with; and the
whole flow through real ``pre-commit run`` with the shipped hook definition."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, commit_all, git
from precommit_hook import hook_config
from compliant_repo import (A_EX, A_EXEC, A_SCHEMA, A_SIDECAR, A_SPEC, A_TEST, ALPHA, B_EXEC, BETA, DOC, GAMMA,
                        MIGRATED_ROOT, REG, build_repo, edit)


@pytest.fixture
def repo(compliant_committed: Path) -> Path:
    return compliant_committed


def _check(cli, repo: Path, *files: str):
    res = cli("check", "--repo", str(repo), "--format", "json", *files)
    return res.code, json.loads(res.out)


def _patterns(data: dict) -> set[str]:
    return {r["pattern"] for r in data["results"] if r["pattern"] is not None}


@pytest.mark.parametrize("rel", [A_SPEC, A_SCHEMA, A_SIDECAR, A_EXEC, A_TEST, A_EX, f".patforge/answers/{ALPHA}/x.yml"])
def test_each_artifact_maps_back_to_its_pattern(cli, repo, rel):
    code, data = _check(cli, repo, rel)
    assert code == 0 and _patterns(data) == {ALPHA}
    assert data["summary"]["patterns"] == 1 and data["incremental"]["unmatched"] == []


def test_only_the_broken_pattern_fails_and_others_are_not_read(cli, repo):
    edit(repo, B_EXEC, f"# DOC_LINK: {DOC[BETA]}\n", "")
    code, data = _check(cli, repo, B_EXEC)
    assert code == 1 and _patterns(data) == {BETA}
    assert {r["rule"] for r in data["results"] if r["status"] == "FAIL"} == {"PAT-CHECK-001-041", "PAT-CHECK-001-070"}
    # a change elsewhere does not pick beta up, and passes
    code, data = _check(cli, repo, A_EXEC)
    assert code == 0 and _patterns(data) == {ALPHA}


def test_absolute_and_relative_names_and_unowned_files(cli, repo, monkeypatch):
    monkeypatch.chdir(repo)
    gamma_exec = f"{MIGRATED_ROOT}/executors/{GAMMA}_executor.py"
    code, data = _check(cli, repo, str(repo / A_EXEC), gamma_exec, "patterns/README.md")
    assert _patterns(data) == {ALPHA, GAMMA}
    assert data["incremental"]["unmatched"] == ["patterns/README.md"]
    code, data = _check(cli, repo, "patterns/README.md")
    assert code == 0 and _patterns(data) == set() and data["summary"]["patterns"] == 0


def test_file_outside_the_repository_is_a_usage_error(cli, repo, tmp_path):
    res = cli("check", "--repo", str(repo), str(tmp_path / "elsewhere.txt"))
    assert res.code == 2 and "not in the repository" in res.text


def test_registry_change_checks_changed_entries_and_their_collisions(cli, repo):
    code, data = _check(cli, repo, REG)  # unchanged against HEAD: nothing to check
    assert code == 0 and _patterns(data) == set()
    edit(repo, REG, 'version: "2.1.0"', 'version: "2.2.0"')
    code, data = _check(cli, repo, REG)
    assert _patterns(data) == {BETA}
    # beta now takes alpha's doc_id: both sides of the uniqueness rule are judged
    edit(repo, REG, f"doc_id: {DOC[BETA]}", f"doc_id: {DOC[ALPHA]}")
    code, data = _check(cli, repo, REG)
    assert code == 1 and _patterns(data) == {ALPHA, BETA}
    dup = [r for r in data["results"] if r["rule"] == "PAT-CHECK-001-014" and r["status"] == "FAIL"]
    assert {r["pattern"] for r in dup} == {ALPHA, BETA}


def test_registry_without_history_and_repository_inputs_check_everything(cli, tmp_path):
    bare = build_repo(tmp_path / "nogit")
    code, data = _check(cli, bare, REG)
    assert _patterns(data) == {ALPHA, BETA, GAMMA} and "git HEAD" in data["incremental"]["all_because"]
    code, data = _check(cli, bare, "schema/pattern_spec.v1.json")
    assert _patterns(data) == {ALPHA, BETA, GAMMA}


def test_incremental_report_equals_the_full_one_for_its_patterns(cli, repo):
    edit(repo, B_EXEC, f"# DOC_LINK: {DOC[BETA]}\n", "")
    _, part = _check(cli, repo, B_EXEC)
    _, full = _check(cli, repo)
    keep = lambda rs: [r for r in rs if r["pattern"] == BETA]  # noqa: E731
    assert keep(part["results"]) == keep(full["results"])


# -- real pre-commit ------------------------------------------------------------------------------

@pytest.mark.slow
def test_real_pre_commit_fails_naming_the_broken_file_then_passes(tmp_path, rendered_demo):
    if shutil.which("pre-commit", path=str(Path(sys.executable).parent)) is None:
        pytest.skip("pre-commit is not installed (pip install -e '.[test]')")
    repo = rendered_demo  # conftest.py: a copy of the rendered, committed demo
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(hook_config(), sort_keys=False), encoding="utf-8")
    commit_all(repo, "the hook")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
           "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")}

    def pre_commit(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(Path(sys.executable).parent / "pre-commit"), *(args or ("run",))], cwd=repo,
                              env=env, capture_output=True, text=True, timeout=600)

    def commit() -> subprocess.CompletedProcess:
        return subprocess.run(["git", "commit", "-q", "-m", "change"], cwd=repo, env=env, capture_output=True,
                              text=True, timeout=600)

    assert pre_commit("install").returncode == 0  # the git hook runs it on `git commit` too

    executor = sorted((repo / "patterns" / "executors").glob("*_executor.py"))[0]
    rel = executor.relative_to(repo).as_posix()
    original = executor.read_text(encoding="utf-8")
    broken = "\n".join(line for line in original.splitlines() if "DOC_LINK:" not in line) + "\n"
    assert broken != original
    executor.write_text(broken, encoding="utf-8")
    git(repo, "add", rel)
    res = pre_commit()
    assert res.returncode == 1, res.stdout + res.stderr
    assert "Failed" in res.stdout and f"{rel}:1" in res.stdout and "PAT-CHECK-001-041" in res.stdout
    assert "changed: 1 file(s); checked 1 pattern(s)" in res.stdout
    refused = commit()
    assert refused.returncode != 0 and f"{rel}:1" in refused.stdout + refused.stderr
    executor.write_text(original + "# reviewed: the header is back\n", encoding="utf-8")  # staged, so checked
    git(repo, "add", rel)
    res = pre_commit()
    assert res.returncode == 0, res.stdout + res.stderr
    assert "Passed" in res.stdout
    assert commit().returncode == 0
