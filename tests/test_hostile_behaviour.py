"""Issue 13 behaviours that are not refusals: what patforge does instead of the
defect (restores, writes through links, keeps modes, sets journals aside once,
keeps its state private, uses a template only with the user's word)."""

from __future__ import annotations

import base64
import json
import os
import stat
from pathlib import Path

import pytest

from conftest import commit_all, git
from hostile_repo import REG, build

from patforge.rendering.template_source import shipped_bundle
from patforge.transaction.state import state_location, user_cache_dir

EXECUTOR = "patterns/executors/alpha_executor.py"


def template_repo(tmp: Path) -> Path:
    """A template collection with the shipped history (v1.0.0)."""
    tpl = tmp / "tpl"
    git(tmp, "clone", "-q", str(shipped_bundle()), str(tpl))
    return tpl


def new_version(tpl: Path, tag: str) -> None:
    for f in (tpl / "templates/executor").glob("*path*"):
        f.write_text(f.read_text(encoding="utf-8") + f"# revision {tag}\n", encoding="utf-8")
    commit_all(tpl, tag)
    git(tpl, "tag", tag)


# -- defect 4: missing beats outdated -----------------------------------------------------------

def test_a_deleted_file_of_an_outdated_unit_is_restored_at_its_recorded_version(tmp_path, cli):
    tpl = template_repo(tmp_path)
    repo = build(tmp_path)
    git(repo, "init", "-q")
    r = cli("render", "--repo", str(repo), "--template", str(tpl))
    assert r.code == 0, r
    commit_all(repo, "rendered at v1")
    original = (repo / EXECUTOR).read_bytes()
    new_version(tpl, "v9.0.0")
    (repo / EXECUTOR).unlink()

    r = cli("render", "--repo", str(repo), "--template", str(tpl), "--verbose")
    assert r.code == 0, r
    assert (repo / EXECUTOR).read_bytes() == original  # the recorded version, byte for byte
    assert "nothing to do" not in r.out
    assert "restored missing patterns/executors/alpha_executor.py at v1.0.0" in r.out
    assert "[outdated    ] phase 2 executor  alpha" in r.out
    assert git(repo, "status", "--porcelain").strip() == ""  # exactly the committed tree again


# -- defect 8: links and modes --------------------------------------------------------------------

def test_a_registry_symlinked_inside_the_repository_is_written_through(tmp_path, cli):
    repo = build(tmp_path)
    real = repo / "patterns/registry/REAL_INDEX.yaml"
    (repo / REG).rename(real)
    (repo / REG).symlink_to("REAL_INDEX.yaml")
    r = cli("render", "--repo", str(repo), "--phase", "1")
    assert r.code == 0, r
    assert (repo / REG).is_symlink()  # still the link, not a diverging copy
    assert b"doc_id: DOC-ALPHA-001" in real.read_bytes()


def test_an_executor_symlinked_to_another_executor_is_written_through(tmp_path, cli):
    repo = build(tmp_path)
    shared = repo / "patterns/executors/shared_impl.py"
    shared.write_text("print('hi')\n")
    (repo / EXECUTOR).symlink_to("shared_impl.py")
    r = cli("check", "--repo", str(repo), "--fix")
    assert (repo / EXECUTOR).is_symlink(), r
    assert "DOC_LINK" in shared.read_text(), r


@pytest.mark.skipif(os.name != "posix", reason="POSIX mode bits")
def test_the_file_mode_is_kept(tmp_path, cli):
    repo = build(tmp_path)
    (repo / EXECUTOR).write_text("#!/usr/bin/env python3\nprint('hi')\n")
    os.chmod(repo / EXECUTOR, 0o750)
    os.chmod(repo / REG, 0o640)
    r = cli("render", "--repo", str(repo), "--phase", "1")
    assert r.code == 0, r
    assert "DOC_LINK" in (repo / EXECUTOR).read_text()
    assert stat.S_IMODE((repo / EXECUTOR).stat().st_mode) == 0o750
    assert stat.S_IMODE((repo / REG).stat().st_mode) == 0o640


# -- defect 2: journals and the state folder ------------------------------------------------------

def plant(repo: Path, payload: dict | bytes) -> Path:
    state = state_location(repo)
    state.mkdir(parents=True, exist_ok=True, mode=0o700)
    raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    (state / "journal.json").write_bytes(raw)
    return state


def test_a_malformed_journal_is_reported_once_and_set_aside(tmp_path, cli):
    repo = build(tmp_path)
    state = plant(repo, {"writes": [{"path": "x.txt", "data": "%%%"}]})
    first = cli("render", "--repo", str(repo), "--phase", "1")
    assert first.code == 0 and "has data that is not base64" in first.text, first
    assert (state / "journal.bad-1.json").is_file() and not (state / "journal.json").exists()
    second = cli("render", "--repo", str(repo), "--phase", "1")
    assert second.code == 0 and "could not be used" not in second.text, second


def test_a_journal_inside_the_repository_is_still_replayed(tmp_path, cli):
    repo = build(tmp_path)
    plant(repo, {"writes": [{"path": "patterns/x.txt", "data": base64.b64encode(b"done\n").decode()}]})
    r = cli("render", "--repo", str(repo), "--phase", "1")
    assert r.code == 0, r
    assert (repo / "patterns/x.txt").read_bytes() == b"done\n"


def test_a_planted_journal_never_writes_outside(tmp_path, cli):
    repo = build(tmp_path)
    victim = tmp_path / "victim.txt"
    victim.write_text("mine\n")
    plant(repo, {"writes": [{"path": "patterns/ok.txt", "data": base64.b64encode(b"x").decode()},
                            {"path": str(victim), "data": base64.b64encode(b"pwned").decode()}]})
    r = cli("render", "--repo", str(repo), "--phase", "1")
    assert "could not be used" in r.text, r
    assert victim.read_text() == "mine\n"
    assert not (repo / "patterns/ok.txt").exists()  # nothing of a refused journal is replayed


@pytest.mark.skipif(os.name != "posix", reason="POSIX mode bits")
def test_state_outside_git_is_private_and_in_the_users_cache(tmp_path, cli):
    repo = build(tmp_path)
    r = cli("render", "--repo", str(repo), "--phase", "1")
    assert r.code == 0, r
    state = state_location(repo)
    assert user_cache_dir() in state.parents
    assert not str(state).startswith("/tmp/patforge-state")
    assert stat.S_IMODE(state.stat().st_mode) == 0o700


# -- defect 5: the template source ---------------------------------------------------------------

def test_a_recorded_foreign_source_is_used_once_the_user_names_it(tmp_path, cli):
    tpl = template_repo(tmp_path)
    repo = build(tmp_path)
    git(repo, "init", "-q")
    assert cli("render", "--repo", str(repo), "--template", str(tpl)).code == 0
    commit_all(repo, "rendered")
    refused = cli("render", "--repo", str(repo))
    assert refused.code == 2 and "does not know" in refused.err, refused
    (repo / "patforge.toml").write_text(f"[patforge]\ntemplate = '{tpl.as_posix()}'\n")
    confirmed = cli("render", "--repo", str(repo))
    assert confirmed.code == 0 and "nothing to do" in confirmed.out, confirmed


def test_answers_that_disagree_with_the_named_template_are_reported(tmp_path, cli):
    tpl = template_repo(tmp_path)
    repo = build(tmp_path)
    git(repo, "init", "-q")
    assert cli("render", "--repo", str(repo)).code == 0
    commit_all(repo, "rendered from the shipped bundle")
    answers = repo / ".patforge/answers/alpha/tests.yml"
    answers.write_text(answers.read_text().replace(".patforge/templates.bundle", "/somewhere/else"))
    r = cli("render", "--repo", str(repo), "--template", str(tpl))
    assert "answers files record other template sources" in r.text and "/somewhere/else" in r.text, r


# -- faults: a file changed between planning and landing -------------------------------------------

def test_a_file_changed_by_another_process_before_landing_is_refused(tmp_path, cli, monkeypatch):
    from patforge.transaction import workspace as ws_mod

    repo = build(tmp_path)
    original = ws_mod.Workspace.land

    def land_after_a_concurrent_edit(self, paths):
        if REG in paths:
            (repo / REG).write_text((repo / REG).read_text() + "# edited by someone else\n")
        return original(self, paths)

    monkeypatch.setattr(ws_mod.Workspace, "land", land_after_a_concurrent_edit)
    before = (repo / REG).read_text() + "# edited by someone else\n"
    r = cli("render", "--repo", str(repo), "--phase", "1")
    assert r.code == 2, r
    assert f"{REG} changed on disk while patforge was working" in r.err
    assert (repo / REG).read_text() == before  # the other program's edit is kept


def test_an_unknown_in_repository_bundle_is_used_once_the_user_names_it(tmp_path, cli, monkeypatch):
    repo = build(tmp_path)
    git(repo, "init", "-q")
    assert cli("render", "--repo", str(repo)).code == 0
    newer = tmp_path / "newer"
    git(tmp_path, "clone", "-q", str(repo / ".patforge/templates.bundle"), str(newer))
    new_version(newer, "v9.0.0")
    git(newer, "bundle", "create", str(repo / ".patforge/templates.bundle"), "--tags")
    commit_all(repo, "a bundle with a version this patforge never shipped")
    refused = cli("render", "--repo", str(repo))
    assert refused.code == 2 and "does not know" in refused.err, refused
    monkeypatch.chdir(tmp_path)  # the relative name works from anywhere
    confirmed = cli("render", "--repo", str(repo), "--template", ".patforge/templates.bundle")
    assert confirmed.code == 0, confirmed
    assert "templates: .patforge/templates.bundle @ v9.0.0" in confirmed.out
