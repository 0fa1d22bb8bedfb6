"""The journal and the repository lock."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import textwrap

import pytest
from hypothesis import given, strategies as st

from patforge.errors import LockedError
from patforge.transaction.journal import JOURNAL, Journal, _journal_parts, _parse_journal
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


@given(st.lists(st.tuples(st.text(min_size=1, max_size=30), st.one_of(st.none(), st.binary(max_size=200))),
                max_size=8))
def test_the_journal_written_in_parts_reads_back_as_the_writes(writes):
    """apply() streams the journal entry by entry (an update's is every file it lands):
    it is still one JSON document that recover() reads back exactly."""
    raw = b"".join(_journal_parts(writes))
    assert json.loads(raw) == {"writes": [{"path": rel, "data": None if data is None
                                           else base64.b64encode(data).decode("ascii")} for rel, data in writes]}
    assert _parse_journal(raw) == writes


def test_apply_lands_a_streamed_journal_and_removes_it(repo):
    Journal.for_repo(repo).apply([("big/a.bin", bytes(range(256)) * 1000), ("b.txt", b"b\n")])
    assert (repo / "big/a.bin").read_bytes() == bytes(range(256)) * 1000
    assert (repo / "b.txt").read_bytes() == b"b\n"
    assert not (state_dir(repo) / JOURNAL).exists()
