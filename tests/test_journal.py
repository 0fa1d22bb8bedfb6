"""The journal and the repository lock."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from patforge.errors import LockedError
from patforge.transaction.journal import JOURNAL, Journal
from patforge.transaction.lock import RepoLock
from patforge.transaction.state import state_dir

from conftest import git


@pytest.fixture
def repo(tmp_path):
    r = tmp_path / "r"
    r.mkdir()
    git(r, "init", "-q")
    return r


def test_state_lives_in_the_git_dir(repo):
    assert state_dir(repo) == (repo / ".git" / "patforge").resolve()


def test_state_outside_git_is_not_in_the_tree(tmp_path):
    plain = tmp_path / "plain"
    plain.mkdir()
    assert plain not in state_dir(plain).parents


def test_apply_writes_and_deletes(repo):
    (repo / "old.txt").write_text("x")
    j = Journal.for_repo(repo)
    j.apply([("a/b.txt", b"hello"), ("old.txt", None)])
    assert (repo / "a/b.txt").read_bytes() == b"hello" and not (repo / "old.txt").exists()
    assert not (j.state / JOURNAL).exists()


def test_committed_journal_is_replayed(repo):
    j = Journal.for_repo(repo)
    (j.state / JOURNAL).write_text(json.dumps({"writes": [{"path": "x.txt", "data": "aGk="},
                                                          {"path": "gone.txt", "data": None}]}))
    (repo / "gone.txt").write_text("bye")
    (j.tmp / ".patforge-tmp-stray").write_text("half")
    assert j.recover() == ["x.txt", "gone.txt"]
    assert (repo / "x.txt").read_text() == "hi" and not (repo / "gone.txt").exists()
    assert not (j.state / JOURNAL).exists() and not any((j.state / "tmp").glob("*"))


def test_second_run_is_refused_while_the_first_holds_the_lock(repo):
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from patforge.transaction.lock import RepoLock
        with RepoLock(Path({str(repo)!r}), "render"):
            print("locked", flush=True)
            sys.stdin.read()  # hold the lock until killed, however slow the machine
        """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(LockedError) as exc:
            with RepoLock(repo, "check"):
                pass
        assert "patforge render (pid" in exc.value.message
    finally:
        holder.kill()
        holder.wait()
        holder.stdin.close()
        holder.stdout.close()
    with RepoLock(repo, "render"):  # a killed holder leaves no stale lock
        pass
